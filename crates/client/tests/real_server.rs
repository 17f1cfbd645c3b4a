//! The client against the real server in process, over pinned HTTPS: a case from registration
//! to completion with a reviewer offline part of the time, pinning, attachments with resume
//! and scope, and local reads offline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use permitdesk_client::ClientError;
use permitdesk_client::engine::{self, SyncOptions};
use permitdesk_client::reads;
use permitdesk_client::store::UploadState;
use permitdesk_client::transport::http::HttpTransport;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::transport::{Transport, TransportError};
use permitdesk_domain::case::{CaseCommand, CaseState, CertificateRecord, Decision};
use permitdesk_domain::ids::*;
use permitdesk_protocol::{EntityRef, LoginRequest};
use permitdesk_server::testing::{DEMO_PASSWORD, fixtures};
use support::*;

fn closed_port() -> HttpTransport {
    // Nothing listens on port 9 of the loopback on these machines: the server is unreachable.
    HttpTransport::new("https://127.0.0.1:9", &ServerTrust::Pinned("00".repeat(32))).unwrap()
}

#[test]
fn a_case_goes_from_registration_to_completion_while_a_reviewer_works_offline() {
    let h = Harness::start();
    let mut applicant = client(&h, "applicant", Duration::zero());
    let mut window = client(&h, "window", Duration::zero());
    ready_project(&h, &mut applicant, &mut window, "P-flow");

    // The applicant applies: case, material, stamped form (uploaded before the push).
    let form = applicant
        .profile
        .attach_file(&write_pdf(applicant.dir.path(), "form"))
        .unwrap();
    let material = applicant
        .profile
        .attach_file(&write_pdf(applicant.dir.path(), "material"))
        .unwrap();
    let org = fixtures::builder_org().unwrap();
    applicant.act(case("C-flow", fixtures::create_case("P-flow", org)));
    applicant.act(case(
        "C-flow",
        CaseCommand::AttachMaterial {
            material: "建设工程规划许可申请表".into(),
            attachment: material,
        },
    ));
    applicant.act(case("C-flow", CaseCommand::Submit { stamped_form: form }));
    assert_synced(&mut applicant, &h);

    window.sync(&h);
    window.act(case("C-flow", CaseCommand::Receive));
    window.act(case(
        "C-flow",
        CaseCommand::Accept {
            terms: terms(fixtures::ITEM),
            commitment_based: false,
        },
    ));
    assert_synced(&mut window, &h);

    // Four reviewers of 市资规局 sign their levels; the second one is offline while signing.
    let levels = terms(fixtures::ITEM).review_levels;
    let mut reviewers: Vec<TestClient> = (1..=levels.len())
        .map(|i| client(&h, &format!("reviewer-zgj-{i}"), Duration::zero()))
        .collect();
    for (i, level) in levels.iter().enumerate() {
        let r = &mut reviewers[i];
        r.sync(&h);
        if i == 1 {
            let q = reads::queue(
                r.profile.store(),
                &r.profile.store().sync_state().unwrap().user.unwrap(),
                chrono::Utc::now(),
            )
            .unwrap();
            assert_eq!(q.len(), 1, "the case is in the reviewer's queue");
            assert!(q[0].deadline.is_some() && q[0].level.is_some(), "{q:?}");
            r.profile
                .act(
                    case(
                        "C-flow",
                        CaseCommand::SignOff {
                            level: level.clone(),
                        },
                    ),
                    Some("离线审核意见".into()),
                    vec![],
                )
                .unwrap();
            let offline = r.profile.sync_with(&closed_port(), opts()).unwrap();
            assert!(offline.offline.is_some());
            assert_eq!(reads::status(r.profile.store()).unwrap().pending, 1);
            // The local view already shows the sign-off; the trail still verifies.
            assert_eq!(
                r.profile
                    .store()
                    .case(&CaseId::new("C-flow"))
                    .unwrap()
                    .unwrap()
                    .sign_offs
                    .len(),
                2
            );
            assert_eq!(
                reads::trail(r.profile.store(), &EntityRef::Case(CaseId::new("C-flow")))
                    .unwrap()
                    .broken,
                None
            );
        } else {
            r.act(case(
                "C-flow",
                CaseCommand::SignOff {
                    level: level.clone(),
                },
            ));
        }
        assert_synced(r, &h);
    }
    let last = reviewers.last_mut().unwrap();
    let decision = Decision::Granted {
        certificate: CertificateRecord {
            // 待分配: the server numbers it when it applies the completion (issue 14).
            number: CertificateNumber::new(""),
            name: "建设工程规划许可证".into(),
            issued_on: chrono::Utc::now().date_naive(),
            valid_until: None,
            file: None,
        },
    };
    last.act(case("C-flow", CaseCommand::Complete { decision }));
    assert_synced(last, &h);

    // Everyone converges on the server's state.
    for c in [&mut applicant, &mut window]
        .into_iter()
        .chain(reviewers.iter_mut())
    {
        assert_synced(c, &h);
        let got = c.profile.store().case(&CaseId::new("C-flow")).unwrap();
        if c.user == "window" || c.user == "applicant" || c.user.starts_with("reviewer-zgj") {
            let got = got.unwrap_or_else(|| panic!("{} lost the case", c.user));
            assert_eq!(got.state, CaseState::Granted, "{}", c.user);
            assert_eq!(got.sign_offs.len(), levels.len());
            assert_eq!(got.sign_offs[1].opinion.as_deref(), Some("离线审核意见"));
            let Some(Decision::Granted { certificate }) = &got.decision else {
                panic!("{} has no certificate", c.user);
            };
            let number = certificate.number.as_str();
            assert!(
                number.starts_with("ZGJ-") && number.ends_with("-000001"),
                "the server's number, not a typed one: {number}"
            );
        }
        let trail =
            reads::trail(c.profile.store(), &EntityRef::Case(CaseId::new("C-flow"))).unwrap();
        assert_eq!(trail.broken, None);
    }
}

#[test]
fn a_wrong_fingerprint_is_refused_before_any_request_reaches_the_server() {
    let h = Harness::start();
    let before = h.requests();
    let wrong =
        HttpTransport::new(&h.server.base_url, &ServerTrust::Pinned("ab".repeat(32))).unwrap();
    let err = wrong
        .login(&LoginRequest {
            user: "applicant".into(),
            password: DEMO_PASSWORD.into(),
            client_id: None,
        })
        .unwrap_err();
    assert!(matches!(err, TransportError::Pinning(_)), "{err:?}");
    assert!(
        err.to_string().contains(&h.server.fingerprint),
        "the error names the key it saw: {err}"
    );
    assert_eq!(
        h.requests(),
        before,
        "no HTTP request was received with a wrong pin"
    );

    // Through a profile: the error says so, nothing is stored.
    let dir = tempfile::tempdir().unwrap();
    let mut p = permitdesk_client::Profile::open(
        dir.path(),
        std::sync::Arc::new(permitdesk_client::credentials::MemoryCredentials::default()),
        std::sync::Arc::new(permitdesk_client::clock::SystemClock),
    )
    .unwrap();
    let err = p
        .login(
            &h.server.base_url,
            &ServerTrust::Pinned("ab".repeat(32)),
            "applicant",
            DEMO_PASSWORD,
        )
        .unwrap_err();
    assert!(matches!(err, ClientError::Pinning(_)), "{err}");
    assert!(p.store().sync_state().unwrap().user.is_none());
    assert_eq!(h.requests(), before);

    // The right pin works, and so does a CA file with the server's certificate.
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &h.server.cert_pem).unwrap();
    let right = h.transport();
    assert!(
        right
            .login(&LoginRequest {
                user: "applicant".into(),
                password: DEMO_PASSWORD.into(),
                client_id: None,
            })
            .is_ok()
    );
    let by_ca = HttpTransport::new(&h.server.base_url, &ServerTrust::CaFile(ca)).unwrap();
    let r = by_ca.login(&LoginRequest {
        user: "applicant".into(),
        password: DEMO_PASSWORD.into(),
        client_id: None,
    });
    // rcgen's certificate names 127.0.0.1 only if the server put it in; either way the CA path
    // must not be silently accepted with a wrong key.
    if let Err(e) = &r {
        assert!(!matches!(e, TransportError::Api { .. }), "{e:?}");
    }
}

/// A transport that cuts the connection after a number of upload chunks.
struct CutAfter<'a> {
    inner: &'a HttpTransport,
    chunks_left: std::cell::Cell<u32>,
}

impl Transport for CutAfter<'_> {
    fn login(
        &self,
        r: &LoginRequest,
    ) -> Result<permitdesk_protocol::LoginResponse, TransportError> {
        self.inner.login(r)
    }
    fn push(
        &self,
        t: &str,
        r: &permitdesk_protocol::PushRequest,
    ) -> Result<permitdesk_protocol::PushResponse, TransportError> {
        self.inner.push(t, r)
    }
    fn pull(
        &self,
        t: &str,
        q: &permitdesk_protocol::PullQuery,
    ) -> Result<permitdesk_protocol::PullResponse, TransportError> {
        self.inner.pull(t, q)
    }
    fn refusals(
        &self,
        t: &str,
        c: &str,
        a: u64,
    ) -> Result<permitdesk_protocol::RefusalsResponse, TransportError> {
        self.inner.refusals(t, c, a)
    }
    fn upload_status(
        &self,
        t: &str,
        id: &AttachmentId,
        size: u64,
    ) -> Result<permitdesk_protocol::UploadStatus, TransportError> {
        self.inner.upload_status(t, id, size)
    }
    fn upload_chunk(
        &self,
        t: &str,
        id: &AttachmentId,
        off: u64,
        size: u64,
        c: &[u8],
    ) -> Result<permitdesk_protocol::UploadStatus, TransportError> {
        if self.chunks_left.get() == 0 {
            return Err(TransportError::Unreachable("cut".into()));
        }
        self.chunks_left.set(self.chunks_left.get() - 1);
        self.inner.upload_chunk(t, id, off, size, c)
    }
    fn download(&self, t: &str, id: &AttachmentId) -> Result<Vec<u8>, TransportError> {
        self.inner.download(t, id)
    }
    fn reference(
        &self,
        t: &str,
        have: &permitdesk_protocol::reference::ReferenceVersions,
    ) -> Result<permitdesk_protocol::reference::ReferenceResponse, TransportError> {
        self.inner.reference(t, have)
    }
    fn import_reference(
        &self,
        t: &str,
        kind: permitdesk_protocol::reference::ReferenceKind,
        req: &permitdesk_protocol::reference::ReferenceImportRequest,
    ) -> Result<permitdesk_protocol::reference::ReferenceImportReport, TransportError> {
        self.inner.import_reference(t, kind, req)
    }
}

#[test]
fn a_cut_upload_resumes_where_the_server_stopped_and_downloads_respect_scope() {
    let h = Harness::start();
    let mut applicant = client(&h, "applicant", Duration::zero());
    // A PDF of 5 chunks of 1 KiB.
    let mut pdf = fixtures::pdf("big");
    pdf.extend(std::iter::repeat_n(b'x', 4 * 1024));
    let path = applicant.dir.path().join("big.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let id = applicant.profile.attach_file(&path).unwrap();
    let small = SyncOptions {
        chunk_size: 1024,
        ..SyncOptions::default()
    };
    let http = h.transport();
    let cut = CutAfter {
        inner: &http,
        chunks_left: std::cell::Cell::new(2),
    };
    let token = token_of(&applicant);
    let first = {
        let db = engine::Exclusive::new(applicant.profile.store_mut());
        engine::upload_one(&db, &cut, &token, &id, small).unwrap()
    };
    assert!(first.is_err(), "the connection was cut");
    let up = applicant.profile.store().uploads(false).unwrap();
    assert_eq!((up[0].state, up[0].uploaded), (UploadState::Partial, 2048));
    let status = http.upload_status(&token, &id, pdf.len() as u64).unwrap();
    assert_eq!(
        status.received, 2048,
        "the server kept the first two chunks"
    );
    // Resume: only the missing chunks are sent.
    let resumed = CutAfter {
        inner: &http,
        chunks_left: std::cell::Cell::new(3),
    };
    let second = {
        let db = engine::Exclusive::new(applicant.profile.store_mut());
        engine::upload_one(&db, &resumed, &token, &id, small).unwrap()
    };
    assert_eq!(second, Ok(UploadState::Complete));
    assert_eq!(
        resumed.chunks_left.get(),
        0,
        "three chunks were left to send"
    );

    // The applicant's own file downloads (from the server when not cached); another builder's
    // applicant gets a clear refusal.
    let other = client(&h, "applicant2", Duration::zero());
    let mut other = other;
    let err = other.profile.fetch_attachment(&id).unwrap_err();
    assert!(matches!(err, ClientError::Refused(_)), "{err}");
    assert!(err.to_string().contains("无权查看附件"), "{err}");
}

#[test]
fn local_reads_work_offline_and_actions_queue_with_the_corrected_time() {
    let h = Harness::start();
    // The applicant's PC is five hours behind.
    let mut applicant = client(&h, "applicant", Duration::hours(-5));
    let mut window = client(&h, "window", Duration::zero());
    ready_project(&h, &mut applicant, &mut window, "P-off");
    let offset = applicant
        .profile
        .store()
        .sync_state()
        .unwrap()
        .clock_offset();
    assert!(
        (offset - Duration::hours(5)).num_seconds().abs() < 60,
        "measured offset {offset}"
    );
    let before = chrono::Utc::now();
    let env = applicant.act(case(
        "C-off",
        fixtures::create_case("P-off", fixtures::builder_org().unwrap()),
    ));
    assert!(
        (env.acted_at - before).num_seconds().abs() < 60,
        "acted_at {} is server time",
        env.acted_at
    );
    let r = applicant.profile.sync_with(&closed_port(), opts()).unwrap();
    assert!(r.offline.is_some());
    let view = reads::project(applicant.profile.store(), &ProjectId::new("P-off")).unwrap();
    assert_eq!(
        view.cases.len(),
        1,
        "the queued case shows under its project"
    );
    assert_eq!(view.trail.broken, None);
    assert!(view.trail.events.len() >= 2);
    assert_synced(&mut applicant, &h);
    assert_eq!(
        applicant
            .profile
            .store()
            .confirmed(&EntityRef::Case(CaseId::new("C-off")))
            .unwrap()
            .version(),
        1
    );
}

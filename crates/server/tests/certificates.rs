//! 电子证照 (issue 14, item 3) against a real test server over TLS, on the backend
//! PERMITDESK_TEST_DATABASE selects (SQLite by default, PostgreSQL when set): the server numbers
//! a granted completion in its scheme (consecutive per department and year; a refused
//! completion consumes no number), renders, seals and signs the certificate (PAdES; `pdfsig`
//! says the signature is valid), serves the signed file to those who may see the case, and
//! answers the public status JSON and page; one changed byte breaks the signature; a revoked
//! certificate says 已撤销 on both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Datelike, Utc};
use permitdesk_domain::case::{CaseCommand, CertificateRecord, Decision};
use permitdesk_domain::ids::{AttachmentId, CertificateNumber, UserId};
use permitdesk_domain::time::to_local;
use permitdesk_protocol::CommandOutcome;
use permitdesk_protocol::certificates::CertificateStatusAnswer;
use permitdesk_server::certificates::{CertificateQuery, CertificateRow, CertificateUpdate};
use permitdesk_server::store::{UploadLimits, UserRecord};
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{Backend, TestServer};

async fn user(s: &TestServer, id: &str) -> UserRecord {
    s.state.store.user(&UserId::new(id)).await.unwrap().unwrap()
}

async fn upload(s: &TestServer, user: &UserRecord, content: &[u8]) -> AttachmentId {
    let sha = permitdesk_server::attachments::sha256_hex(content);
    s.state
        .store
        .put_chunk(
            &sha,
            0,
            content.len() as u64,
            content,
            user,
            UploadLimits {
                max_file_size: 1 << 20,
                per_user_quota: u64::MAX,
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    AttachmentId::new(sha)
}

fn grant(case: &str) -> permitdesk_protocol::DomainCommand {
    case_cmd(
        case,
        CaseCommand::Complete {
            decision: Decision::Granted {
                certificate: CertificateRecord {
                    // Whatever a client sends, the server numbers it.
                    number: CertificateNumber::new("客户端自填-1"),
                    name: "建设工程规划许可证".into(),
                    issued_on: Utc::now().date_naive(),
                    valid_until: None,
                    file: None,
                },
            },
        },
    )
}

fn number_of(o: &CommandOutcome) {
    assert!(matches!(o, CommandOutcome::Applied { .. }), "{o:?}");
}

async fn row(s: &TestServer, number: &str) -> CertificateRow {
    s.state
        .store
        .certificates(CertificateQuery::Number(number.to_owned()))
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap()
}

fn pdfsig(pdf: &[u8]) -> String {
    let dir = tempfile_dir();
    let path = dir.join("certificate.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfsig")
        .arg(&path)
        .output()
        .expect("pdfsig (poppler-utils) is installed");
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "permitdesk-cert-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn the_server_numbers_signs_serves_and_answers_for_every_certificate() {
    let s = TestServer::start(Backend::from_env()).await.unwrap();
    let applicant = user(&s, "applicant").await;
    let window = user(&s, "window").await;
    let reviewers: Vec<UserRecord> = futures_join(&s).await;
    let mut d = Driver::new(s.state.store.as_ref(), s.state.push_env());
    let now = Utc::now();
    d.project_ready("P-1", &applicant, &window, now)
        .await
        .unwrap();
    for case in ["C-1", "C-2"] {
        let form = upload(&s, &applicant, &pdf(case)).await;
        d.case_in_review(case, "P-1", &applicant, &window, &form, now)
            .await
            .unwrap();
    }
    // A completion before the levels are signed is refused and consumes no number.
    let refused = d
        .push(&reviewers[3], grant("C-1"), Utc::now())
        .await
        .unwrap();
    assert!(
        matches!(refused, CommandOutcome::Refused { .. }),
        "{refused:?}"
    );
    assert!(
        s.state
            .store
            .certificates(CertificateQuery::All)
            .await
            .unwrap()
            .is_empty()
    );
    for case in ["C-1", "C-2"] {
        for r in &reviewers {
            let level = r.levels[0].clone();
            d.apply(
                r,
                case_cmd(case, CaseCommand::SignOff { level }),
                Utc::now(),
            )
            .await
            .unwrap();
        }
    }
    number_of(
        &d.push(&reviewers[3], grant("C-1"), Utc::now())
            .await
            .unwrap(),
    );
    number_of(
        &d.push(&reviewers[3], grant("C-2"), Utc::now())
            .await
            .unwrap(),
    );

    // Consecutive numbers in the scheme, in the events too.
    let year = to_local(Utc::now()).date().year();
    let first = format!("ZGJ-{year}-000001");
    let second = format!("ZGJ-{year}-000002");
    let all = s
        .state
        .store
        .certificates(CertificateQuery::All)
        .await
        .unwrap();
    let numbers: Vec<&str> = all.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, [first.as_str(), second.as_str()]);
    assert_eq!(all[0].case_id, "C-1");
    let trail = s.state.store.entity_events("case:C-1").await.unwrap();
    assert!(
        trail.last().unwrap().json.contains(&first),
        "the event carries the number"
    );
    assert!(!trail.last().unwrap().json.contains("客户端自填"));

    // Rendered and signed after the push (or now, by the scheduler's pass).
    permitdesk_server::certificates::issue_pending(&s.state, 10)
        .await
        .unwrap();
    let r1 = row(&s, &first).await;
    assert_eq!(
        r1.file_state,
        permitdesk_server::certificates::FileState::Issued
    );
    let seal = s.state.config.seal.clone().unwrap();
    let code = seal.code(&r1.number, &r1.case_id, r1.issued_on);

    // The applicant downloads the signed file; an outsider may not.
    let app = s.login("applicant").await.unwrap();
    let path = format!("/api/v1/certificates/{first}/file");
    let (status, file) = app
        .raw(app.request(reqwest::Method::GET, &path))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(file.starts_with(b"%PDF"));
    assert_eq!(
        permitdesk_server::attachments::sha256_hex(&file),
        r1.sha256.clone().unwrap()
    );
    let other = s.login("applicant2").await;
    if let Ok(other) = other {
        let (status, _) = other
            .raw(other.request(reqwest::Method::GET, &path))
            .await
            .unwrap();
        assert_eq!(status, 404, "another applicant does not see the case");
    }
    let anonymous = s.client().unwrap();
    let (status, _) = anonymous
        .raw(anonymous.request(reqwest::Method::GET, &path))
        .await
        .unwrap();
    assert_eq!(status, 401);

    // To look at the certificate: PERMITDESK_CERT_OUT=/tmp/c.pdf.
    if let Ok(out) = std::env::var("PERMITDESK_CERT_OUT") {
        std::fs::write(out, &file).unwrap();
    }
    // pdfsig: the signature is valid (self-signed, so not trusted) and covers the whole file.
    let said = pdfsig(&file);
    assert!(said.contains("Signature is Valid"), "{said}");
    assert!(said.contains("ETSI.CAdES.detached"), "{said}");
    assert!(said.contains("Total document signed"), "{said}");
    // The signing time (the signature dictionary's /M): when the server signed, not 1970.
    let signed_at = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("- Signing Time:"))
        .unwrap_or_else(|| panic!("no signing time: {said}"));
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        signed_at.contains(&year) && !signed_at.contains("1970"),
        "{said}"
    );
    // One changed byte inside the signed range: the signature no longer holds.
    let mut tampered = file.clone();
    let at = tampered
        .windows(8)
        .position(|w| w == b"/Creator")
        .unwrap_or(200);
    tampered[at + 2] ^= 0x01;
    let said = pdfsig(&tampered);
    assert!(!said.contains("Signature is Valid"), "{said}");
    // The library's own check says the same.
    let trust = underskrift::trust::TrustStoreSet::new();
    let ok = underskrift::verify::SignatureVerifier::new(&trust)
        .verify_pdf(&file)
        .unwrap();
    let sig = ok.signatures.last().unwrap();
    assert!(sig.digest_matches && sig.integrity_ok && sig.covers_whole_document);
    assert_eq!(
        permitdesk_server::attachments::sha256_hex(sig.signer_cert_der.as_ref().unwrap()),
        seal.fingerprint()
    );
    let bad = underskrift::verify::SignatureVerifier::new(&trust).verify_pdf(&tampered);
    assert!(bad.is_err() || !bad.unwrap().signatures.iter().all(|s| s.digest_matches));
    // The QR code's address is in the signature: the public address, number and code.
    let qr = format!("{}/verify/{first}?h={code}", s.base_url);
    assert!(
        file.windows(qr.len()).any(|w| w == qr.as_bytes()),
        "the verification address is in the file"
    );

    // Public status JSON and page, no login.
    let status_path = format!("/api/v1/certificates/{first}/status?h={code}");
    let answer: CertificateStatusAnswer = permitdesk_server::testing::ApiClient::send(
        anonymous.request(reqwest::Method::GET, &status_path),
    )
    .await
    .unwrap();
    assert_eq!(answer.number, first);
    assert_eq!(answer.status_label, "有效");
    assert_eq!(answer.issuer, "哈尔滨市自然资源和规划局");
    assert_eq!(answer.sha256, r1.sha256);
    assert_eq!(answer.seal_fingerprint, seal.fingerprint());
    let page_path = format!("/verify/{first}?h={code}");
    let (status, page) = anonymous
        .raw(anonymous.request(reqwest::Method::GET, &page_path))
        .await
        .unwrap();
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, 200);
    for words in [
        "建设工程规划许可证",
        first.as_str(),
        "哈尔滨市自然资源和规划局",
        "有效",
        "发证日期",
    ] {
        assert!(page.contains(words), "{words} not in {page}");
    }
    // Wrong code, unknown number: 404 with a Chinese sentence, nothing else.
    for (p, json) in [
        (
            format!("/api/v1/certificates/{first}/status?h=0000000000000000"),
            true,
        ),
        (
            format!("/api/v1/certificates/ZGJ-{year}-999999/status?h={code}"),
            true,
        ),
        (format!("/verify/{first}?h=0000000000000000"), false),
        (format!("/verify/{first}"), false),
    ] {
        let (status, body) = anonymous
            .raw(anonymous.request(reqwest::Method::GET, &p))
            .await
            .unwrap();
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, 404, "{p}");
        assert!(body.contains("未查到该电子证照"), "{p}: {body}");
        assert!(!body.contains("建设工程规划许可证"), "{p}: {body}");
        if json {
            assert!(body.contains("\"not_found\""), "{body}");
        }
    }

    // Revoked: 已撤销 on the JSON and the page.
    assert!(
        s.state
            .store
            .update_certificate(
                &first,
                CertificateUpdate::Revoke {
                    reason: "申请材料弄虚作假".into(),
                    at: Utc::now(),
                },
            )
            .await
            .unwrap()
    );
    let answer: CertificateStatusAnswer = permitdesk_server::testing::ApiClient::send(
        anonymous.request(reqwest::Method::GET, &status_path),
    )
    .await
    .unwrap();
    assert_eq!(answer.status_label, "已撤销");
    assert_eq!(
        answer.revocation_reason.as_deref(),
        Some("申请材料弄虚作假")
    );
    let (_, page) = anonymous
        .raw(anonymous.request(reqwest::Method::GET, &page_path))
        .await
        .unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("已撤销") && page.contains("申请材料弄虚作假"),
        "{page}"
    );
    // The second certificate is untouched.
    assert_eq!(row(&s, &second).await.status.label(), "有效");

    // Guessing codes from one address: 4 misses above, then up to the limit; past it even a
    // genuine lookup is answered 429 (JSON and page) until the window has passed. Genuine
    // lookups never count (the ones above did not).
    let limit = permitdesk_server::routes::certificates::VERIFY_MAX_MISSES;
    for i in 4..limit {
        let (status, _) = anonymous
            .raw(anonymous.request(
                reqwest::Method::GET,
                &format!("/api/v1/certificates/{first}/status?h={i:016x}"),
            ))
            .await
            .unwrap();
        assert_eq!(status, 404, "miss {i}");
    }
    let (status, body) = anonymous
        .raw(anonymous.request(reqwest::Method::GET, &status_path))
        .await
        .unwrap();
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("核验失败次数过多"), "{body}");
    assert!(body.contains("\"rate_limited\""), "{body}");
    let (status, page) = anonymous
        .raw(anonymous.request(reqwest::Method::GET, &page_path))
        .await
        .unwrap();
    assert_eq!(status, 429);
    assert!(
        String::from_utf8(page)
            .unwrap()
            .contains("核验失败次数过多")
    );
    // The misses are not login failures: the same address still logs in.
    s.login("reviewer-zgj-1").await.unwrap();
}

/// reviewer-zgj-1..4, one per level of 市资规局.
async fn futures_join(s: &TestServer) -> Vec<UserRecord> {
    let mut v = Vec::new();
    for i in 1..=4 {
        v.push(user(s, &format!("reviewer-zgj-{i}")).await);
    }
    v
}

//! Shared by the client's integration tests: the real server in process (`TestServer`, on the
//! backend chosen by PERMITDESK_TEST_DATABASE), and profiles logged in to it over pinned HTTPS.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use permitdesk_client::Profile;
use permitdesk_client::clock::Clock;
use permitdesk_client::credentials::MemoryCredentials;
use permitdesk_client::engine::SyncOptions;
use permitdesk_client::transport::http::HttpTransport;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::*;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{DomainCommand, EntityRef};
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestOptions, TestServer, fixtures};
use std::path::Path;
use std::sync::Arc;

pub struct Harness {
    pub rt: tokio::runtime::Runtime,
    pub server: TestServer,
}

impl Harness {
    pub fn start() -> Harness {
        Self::start_with(TestOptions::default())
    }

    pub fn start_with(options: TestOptions) -> Harness {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = rt
            .block_on(TestServer::start_with(Backend::from_env(), options))
            .expect("test server");
        Harness { rt, server }
    }

    pub fn transport(&self) -> HttpTransport {
        HttpTransport::new(
            &self.server.base_url,
            &ServerTrust::Pinned(self.server.fingerprint.clone()),
        )
        .unwrap()
    }

    pub fn requests(&self) -> u64 {
        self.server
            .state
            .metrics
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The machine's clock moved by a fixed skew (a PC whose clock is wrong by hours).
#[derive(Debug)]
pub struct SkewedClock(pub Duration);

impl Clock for SkewedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}

pub struct TestClient {
    pub dir: tempfile::TempDir,
    pub profile: Profile,
    pub creds: Arc<MemoryCredentials>,
    pub clock: Arc<dyn Clock>,
    pub user: String,
}

impl TestClient {
    /// Act as this user (decided locally first); the test fails if the domain refuses.
    pub fn act(&mut self, command: DomainCommand) -> permitdesk_protocol::CommandEnvelope {
        self.profile.act(command, None, vec![]).unwrap()
    }

    /// Sync with the harness's server.
    pub fn sync(&mut self, h: &Harness) -> permitdesk_client::engine::SyncReport {
        self.profile.sync_with(&h.transport(), opts()).unwrap()
    }

    /// This client's trail of `entity` is unbroken and holds `events` events.
    pub fn assert_trail(&self, entity: EntityRef, events: usize) {
        let t = permitdesk_client::reads::trail(self.profile.store(), &entity).unwrap();
        assert_eq!(t.broken, None, "{}", self.user);
        assert_eq!(t.events.len(), events, "{}", self.user);
    }

    pub fn reopen(&mut self) {
        let creds: Arc<dyn permitdesk_client::credentials::CredentialStore> = self.creds.clone();
        self.profile = Profile::open(self.dir.path(), creds, self.clock.clone()).unwrap();
    }
}

pub fn client(h: &Harness, user: &str, skew: Duration) -> TestClient {
    client_with_clock(h, user, Arc::new(SkewedClock(skew)))
}

pub fn client_with_clock(h: &Harness, user: &str, clock: Arc<dyn Clock>) -> TestClient {
    client_on(&h.server, user, clock)
}

/// A fresh profile logged in to `server` as `user`.
pub fn client_on(server: &TestServer, user: &str, clock: Arc<dyn Clock>) -> TestClient {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentials::default());
    let mut profile = Profile::open(dir.path(), creds.clone(), clock.clone()).unwrap();
    profile
        .login(
            &server.base_url,
            &ServerTrust::Pinned(server.fingerprint.clone()),
            user,
            DEMO_PASSWORD,
        )
        .unwrap();
    TestClient {
        dir,
        profile,
        creds,
        clock,
        user: user.to_owned(),
    }
}

pub fn opts() -> SyncOptions {
    SyncOptions::default()
}

pub fn case(id: &str, command: CaseCommand) -> DomainCommand {
    DomainCommand::Case {
        case: CaseId::new(id),
        command,
    }
}

pub fn project(id: &str, command: ProjectCommand) -> DomainCommand {
    DomainCommand::Project {
        project: ProjectId::new(id),
        command,
    }
}

/// Terms as the window fills them from the catalogue.
pub fn terms(item: &str) -> AcceptanceTerms {
    let cat = Catalogue::demo().unwrap();
    let code = ItemCode::new(item);
    AcceptanceTerms {
        catalogue_version: cat.version.clone(),
        time_limit_working_days: cat.item(&code).unwrap().time_limit_working_days,
        review_levels: cat.review_levels_for_item(&code).unwrap().to_vec(),
    }
}

pub fn write_pdf(dir: &Path, tag: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{tag}.pdf"));
    std::fs::write(&p, fixtures::pdf(tag)).unwrap();
    p
}

/// The applicant registers project `pid` online and submits it; the window chooses the flow
/// and adds works W-1. Everything through client profiles.
pub fn ready_project(h: &Harness, applicant: &mut TestClient, window: &mut TestClient, pid: &str) {
    let details = fixtures::project_details(
        &format!("示范厂房 {pid}"),
        permitdesk_server::demo::BUILDER_ORG8,
    )
    .unwrap();
    applicant
        .profile
        .act(
            project(
                pid,
                ProjectCommand::RegisterOnline {
                    id: ProjectId::new(pid),
                    details,
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    applicant
        .profile
        .act(project(pid, ProjectCommand::Submit), None, vec![])
        .unwrap();
    assert_synced(applicant, h);
    window.profile.sync_with(&h.transport(), opts()).unwrap();
    window
        .profile
        .act(
            project(
                pid,
                ProjectCommand::ChooseFlow {
                    flow: FlowCode::new(fixtures::FLOW),
                    category: CategoryCode::new(fixtures::CATEGORY),
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    window
        .profile
        .act(
            project(
                pid,
                ProjectCommand::AddWorks {
                    works: fixtures::works().unwrap(),
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    assert_synced(window, h);
}

/// Sync and require that everything went through and nothing was refused.
pub fn assert_synced(c: &mut TestClient, h: &Harness) {
    let r = c.profile.sync_with(&h.transport(), opts()).unwrap();
    assert!(r.complete, "{}: {r:?}", c.user);
    let refusals = c.profile.store().refusals().unwrap();
    assert!(
        refusals.is_empty(),
        "{}: refused: {:?}",
        c.user,
        refusals.iter().map(|r| &r.message).collect::<Vec<_>>()
    );
}

/// The session token of a test client (from its in-memory keyring).
pub fn token_of(c: &TestClient) -> String {
    use permitdesk_client::credentials::{CredentialStore, Secret};
    let id = std::fs::read_to_string(c.dir.path().join("profile-id")).unwrap();
    c.creds.get(id.trim(), Secret::Token).unwrap().unwrap()
}

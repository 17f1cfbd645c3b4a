//! Shared set-up of the server's integration tests: a seeded throw-away database on the
//! backend PERMITDESK_TEST_DATABASE selects, a manual clock, and the demo users.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use permitdesk_domain::ids::{AttachmentId, UserId};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::trail;
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainEvent};
use permitdesk_server::auth::PasswordCost;
use permitdesk_server::clock::ManualClock;
use permitdesk_server::demo;
use permitdesk_server::store::{PushEnv, PushResult, Store, UploadLimits, UserRecord};
use permitdesk_server::sync::PushRules;
use permitdesk_server::testing::fixtures::Driver;
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestDatabase};
use std::sync::Arc;

pub mod shared;

/// Monday 2 March 2026, 09:00 in Beijing.
pub fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

pub struct World {
    pub db: TestDatabase,
    pub clock: Arc<ManualClock>,
    pub env: PushEnv,
}

impl World {
    pub async fn new() -> World {
        let db = TestDatabase::create(&Backend::from_env()).await.unwrap();
        demo::seed(db.store.as_ref(), PasswordCost::TEST, t0(), |_| {
            Ok(DEMO_PASSWORD.to_owned())
        })
        .await
        .unwrap();
        let clock = Arc::new(ManualClock::new(t0()));
        let env = PushEnv {
            reference: Arc::new(ReferenceSet::bootstrap().unwrap()),
            rules: PushRules::default(),
            clock: clock.clone(),
        };
        World { db, clock, env }
    }

    pub fn store(&self) -> &dyn Store {
        self.db.store.as_ref()
    }

    pub async fn user(&self, id: &str) -> UserRecord {
        self.store().user(&UserId::new(id)).await.unwrap().unwrap()
    }

    /// `commands` pushed as `user` from installation `client`: the store's answer.
    pub async fn push(
        &self,
        user: &UserRecord,
        client: &str,
        commands: &[CommandEnvelope],
    ) -> PushResult {
        self.store()
            .push(&self.env, user, client, commands)
            .await
            .unwrap()
    }

    /// One command pushed as `user` from installation `client`: its outcome.
    pub async fn push_one(
        &self,
        user: &UserRecord,
        client: &str,
        command: CommandEnvelope,
    ) -> CommandOutcome {
        let mut r = self.push(user, client, &[command]).await;
        r.results.remove(0).outcome
    }

    pub fn driver(&self) -> Driver<'_> {
        Driver::new(self.store(), self.env.clone())
    }

    pub fn now(&self) -> DateTime<Utc> {
        permitdesk_server::clock::Clock::now(self.clock.as_ref())
    }

    /// Uploads `content` in one chunk as `user`.
    pub async fn upload(&self, user: &UserRecord, content: &[u8]) -> AttachmentId {
        let sha = permitdesk_server::attachments::sha256_hex(content);
        let st = self
            .store()
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
                self.now(),
            )
            .await
            .unwrap()
            .unwrap();
        assert!(st.complete);
        AttachmentId::new(sha)
    }

    /// A project P ready for cases and case C in review (ZGJ-04, 4 levels), created at now.
    pub async fn case_in_review(&self, project: &str, case: &str) {
        let (applicant, window) = (self.user("applicant").await, self.user("window").await);
        let form = self
            .upload(&applicant, &permitdesk_server::testing::fixtures::pdf(case))
            .await;
        let mut d = self.driver();
        d.project_ready(project, &applicant, &window, self.now())
            .await
            .unwrap();
        d.case_in_review(case, project, &applicant, &window, &form, self.now())
            .await
            .unwrap();
    }

    /// The stored trail of `key`.
    pub async fn trail(&self, key: &str) -> Vec<DomainEvent> {
        self.store()
            .entity_events(key)
            .await
            .unwrap()
            .iter()
            .map(|e| serde_json::from_str(&e.json).unwrap())
            .collect()
    }

    /// Checks the hash chain of the stored trail of `key` (a case's or a project's).
    pub async fn verify_trail(&self, key: &str) {
        let events = self.trail(key).await;
        match key.split(':').next() {
            Some("case") => trail::verify(
                key,
                &sealed(events, |e| match e {
                    DomainEvent::Case(s) => Some(s),
                    _ => None,
                }),
            )
            .unwrap(),
            _ => trail::verify(
                key,
                &sealed(events, |e| match e {
                    DomainEvent::Project(s) => Some(s),
                    _ => None,
                }),
            )
            .unwrap(),
        }
    }
}

/// Every event of a trail as `pick` sees it (another kind panics).
pub fn sealed<T>(events: Vec<DomainEvent>, pick: fn(DomainEvent) -> Option<T>) -> Vec<T> {
    events
        .into_iter()
        .map(|e| pick(e).expect("another kind of event"))
        .collect()
}

//! A world for the HTTP-level flow tests: a TestServer on the backend PERMITDESK_TEST_DATABASE
//! selects, a manual clock from Monday 2 March 2026 09:00 (Beijing), and one API client per user
//! pushing commands with its own mutation ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::ids::{AttachmentId, UserId};
use permitdesk_domain::time::{from_local, parse_local};
use permitdesk_protocol::{
    CommandEnvelope, CommandOutcome, DomainCommand, DomainEvent, PushRequest, PushResponse,
    Refusal, paths,
};
use permitdesk_server::attachments::sha256_hex;
use permitdesk_server::clock::ManualClock;
use permitdesk_server::store::{PushEnv, UserRecord};
use permitdesk_server::testing::fixtures::{Driver, pdf};
use permitdesk_server::testing::{ApiClient, TestServer};
use std::collections::HashMap;
use std::sync::Arc;

#[path = "../common/shared.rs"]
pub mod shared;
use shared::clocked_server;

pub fn t(s: &str) -> DateTime<Utc> {
    from_local(parse_local(s).unwrap())
}

pub struct World {
    pub server: TestServer,
    pub clock: Arc<ManualClock>,
    pub clients: HashMap<String, (ApiClient, u64)>,
}

impl World {
    pub async fn start() -> World {
        // Monday 2 March 2026, 09:00 Beijing time.
        let (server, clock) = clocked_server(t("2026-03-02T09:00")).await;
        World {
            server,
            clock,
            clients: HashMap::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.advance(Duration::minutes(1));
        permitdesk_server::clock::Clock::now(self.clock.as_ref())
    }

    pub async fn client(&mut self, who: &str) -> &mut (ApiClient, u64) {
        if !self.clients.contains_key(who) {
            let c = self.server.login(who).await.unwrap();
            self.clients.insert(who.to_owned(), (c, 0));
        }
        self.clients.get_mut(who).unwrap()
    }

    pub async fn push_with(
        &mut self,
        who: &str,
        command: DomainCommand,
        attachments: Vec<AttachmentId>,
    ) -> CommandOutcome {
        let at = self.now();
        let (c, m) = self.client(who).await;
        *m += 1;
        let r = c
            .push(&PushRequest {
                reference: Default::default(),
                client_id: format!("pc-{who}"),
                commands: vec![CommandEnvelope {
                    mutation_id: *m,
                    command,
                    acted_at: at,
                    opinion: None,
                    attachments,
                    base_version: 0,
                }],
            })
            .await
            .unwrap();
        r.results[0].outcome.clone()
    }

    /// Push one command as `who` (each user its own client and mutation ids).
    pub async fn push(&mut self, who: &str, command: DomainCommand) -> CommandOutcome {
        self.push_with(who, command, vec![]).await
    }

    pub async fn ok(&mut self, who: &str, command: DomainCommand) -> Vec<u64> {
        match self.push_with(who, command, vec![]).await {
            CommandOutcome::Applied { server_seqs } => server_seqs,
            other => panic!("{who}: not applied: {other:?}"),
        }
    }

    /// Refused, and nothing was stored.
    pub async fn refused(&mut self, who: &str, command: DomainCommand) -> Refusal {
        let before = self.server.state.store.max_server_seq().await.unwrap();
        let o = self.push_with(who, command, vec![]).await;
        assert_eq!(
            self.server.state.store.max_server_seq().await.unwrap(),
            before,
            "{who}: a refusal changed something"
        );
        match o {
            CommandOutcome::Refused { refusal } => refusal,
            other => panic!("{who}: expected a refusal, got {other:?}"),
        }
    }

    /// The entity keys `who` pulls (from the start) whose key starts with one of `prefixes`.
    pub async fn sees_prefixed(&mut self, who: &str, prefixes: &[&str]) -> Vec<String> {
        let (c, _) = self.client(who).await;
        let p = c.pull(0, None, None).await.unwrap();
        let mut keys: Vec<String> = p
            .events
            .iter()
            .map(|e| e.event.entity_key().to_owned())
            .filter(|k| prefixes.iter().any(|p| k.starts_with(p)))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The stored trail of `key`, every event picked by `pick` (another kind panics).
    pub async fn stored<T>(&self, key: &str, pick: fn(DomainEvent) -> Option<T>) -> Vec<T> {
        self.server
            .state
            .store
            .entity_events(key)
            .await
            .unwrap()
            .into_iter()
            .map(|e| {
                let event: DomainEvent = serde_json::from_str(&e.json).unwrap();
                pick(event).unwrap_or_else(|| panic!("{key}: another kind of event"))
            })
            .collect()
    }

    /// Uploads the test PDF tagged `tag` over HTTP as `who`.
    pub async fn upload(&mut self, who: &str, tag: &str) -> AttachmentId {
        let (c, _) = self.client(who).await;
        upload(c, &pdf(tag)).await
    }

    /// A stored user (for the store-level driver).
    pub async fn user(&self, id: &str) -> UserRecord {
        let store = &self.server.state.store;
        store.user(&UserId::new(id)).await.unwrap().unwrap()
    }

    /// The store-level driver on the server's store, reference data and clock.
    pub fn driver(&self) -> Driver<'_> {
        let env = PushEnv {
            reference: self.server.state.reference(),
            rules: self.server.state.config.push_rules,
            clock: self.server.state.clock.clone(),
        };
        Driver::new(self.server.state.store.as_ref(), env)
    }

    /// Project P-1 of the demo builder with case C-1 of 市资规局 (ZGJ) in review.
    pub async fn project_with_case(&mut self) {
        let (applicant, window) = (self.user("applicant").await, self.user("window").await);
        let form = self.upload("applicant", "stamped form").await;
        let at = self.now();
        let mut d = self.driver();
        d.project_ready("P-1", &applicant, &window, at)
            .await
            .unwrap();
        d.case_in_review("C-1", "P-1", &applicant, &window, &form, at)
            .await
            .unwrap();
    }
}

/// Uploads `content` in one chunk over HTTP.
pub async fn upload(c: &ApiClient, content: &[u8]) -> AttachmentId {
    let sha = sha256_hex(content);
    let url = format!(
        "{}/{sha}?offset=0&size={}",
        paths::ATTACHMENTS,
        content.len()
    );
    let st: permitdesk_protocol::UploadStatus =
        ApiClient::send(c.request(reqwest::Method::PUT, &url).body(content.to_vec()))
            .await
            .unwrap();
    assert!(st.complete);
    st.id
}

/// Pushes `commands` as `client_id` and checks that every one was applied.
pub async fn push_applied(
    c: &ApiClient,
    client_id: &str,
    commands: Vec<CommandEnvelope>,
) -> PushResponse {
    let r = c
        .push(&PushRequest {
            reference: Default::default(),
            client_id: client_id.into(),
            commands,
        })
        .await
        .unwrap();
    assert!(
        r.results
            .iter()
            .all(|r| matches!(r.outcome, CommandOutcome::Applied { .. })),
        "{r:?}"
    );
    r
}

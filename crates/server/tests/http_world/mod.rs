//! A world for the HTTP-level flow tests: a TestServer on the backend PERMITDESK_TEST_DATABASE
//! selects, a manual clock from Monday 2 March 2026 09:00 (Beijing), and one API client per user
//! pushing commands with its own mutation ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::ids::AttachmentId;
use permitdesk_domain::time::{from_local, parse_local};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand, PushRequest, Refusal};
use permitdesk_server::clock::ManualClock;
use permitdesk_server::testing::{ApiClient, Backend, TestOptions, TestServer};
use std::collections::HashMap;
use std::sync::Arc;

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
        let clock = Arc::new(ManualClock::new(t("2026-03-02T09:00")));
        let server = TestServer::start_with(
            Backend::from_env(),
            TestOptions {
                clock: clock.clone(),
                ..TestOptions::default()
            },
        )
        .await
        .unwrap();
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
}

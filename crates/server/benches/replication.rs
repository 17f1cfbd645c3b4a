//! Our side of issue 16's comparison with a CouchDB-protocol replication peer
//! (`scripts/bench-replication.sh`, the peer in `bench/replication/`): 100,000 event-shaped
//! commands pushed through the real server over HTTPS, as a client pushes them (requests of
//! 200 commands, one after the other, the client's `push_batch`), into a server opened as
//! `server run` opens it (group commit of 64, token cache of 5 s).
//!
//! The commands are the department history of `crates/client/benches/initial_sync.rs`: 10,000
//! cases of item ZGJ-04, each created and submitted by the applicant, received and accepted by
//! the window, signed off at four levels, extended and completed: ten commands, ten events.
//!
//! `cargo bench -p permitdesk-server --bench replication`; SQLite, and PostgreSQL too when
//! `PERMITDESK_TEST_DATABASE=postgres://...` is set. `PERMITDESK_REPLICATION_EVENTS=FILE`
//! writes the pushed events (each pulled `SyncEvent`'s `event`, one JSON a line) for the peer
//! to replicate the very same documents; `PERMITDESK_BENCH_SCALE=0.1` for a smoke run.
//! Prints one JSON line per backend on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use permitdesk_domain::case::{CaseCommand, CertificateRecord, Decision};
use permitdesk_domain::ids::{AttachmentId, CertificateNumber, UserId};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand, PushRequest};
use permitdesk_server::store::{PushEnv, Store, UploadLimits, UserRecord};
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{ApiClient, Backend, DEMO_PASSWORD, TestDatabase, TestOptions};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// Commands per push request: the client's `SyncOptions::push_batch`.
const PUSH_BATCH: usize = 200;

fn scale() -> f64 {
    std::env::var("PERMITDESK_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

/// A server in this process over TLS on 127.0.0.1, on `db` opened as `server run` opens it:
/// group commit of 64 commands, the default token cache (5 s). Demo users seeded.
struct RunServer {
    base_url: String,
    fingerprint: String,
    state: permitdesk_server::state::AppState,
    serve: tokio::task::JoinHandle<()>,
}

impl Drop for RunServer {
    fn drop(&mut self) {
        self.serve.abort();
    }
}

async fn start(db: &TestDatabase) -> RunServer {
    let store = db.grouped_store(64).await.unwrap();
    let mut config = TestOptions::default().config;
    let run = permitdesk_server::config::ServerConfig::default();
    config.group_commit = run.group_commit;
    config.token_cache_ttl = run.token_cache_ttl;
    permitdesk_server::demo::seed(store.as_ref(), config.password_cost, Utc::now(), |_| {
        Ok(DEMO_PASSWORD.to_owned())
    })
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    config.seal = permitdesk_server::certificates::SealKey::ephemeral()
        .ok()
        .map(Arc::new);
    config.public_url = Some(format!("https://127.0.0.1:{port}"));
    let state = permitdesk_server::state::AppState::new(
        store,
        config,
        Arc::new(permitdesk_server::clock::SystemClock),
    )
    .await
    .unwrap();
    let (cert_pem, key_pem) = permitdesk_server::tls::generate_self_signed(&[]).unwrap();
    let fingerprint = permitdesk_server::tls::spki_fingerprint_pem(&cert_pem).unwrap();
    let tls = permitdesk_server::tls::server_config(&cert_pem, &key_pem).unwrap();
    let limits = permitdesk_server::tls::ConnectionLimits::of(&state.config);
    let serve = tokio::spawn(permitdesk_server::tls::serve(
        listener,
        permitdesk_server::http::app(state.clone()),
        tls,
        limits,
        std::future::pending(),
    ));
    RunServer {
        base_url: format!("https://127.0.0.1:{port}"),
        fingerprint,
        state,
        serve,
    }
}

async fn user(store: &dyn Store, id: &str) -> UserRecord {
    store.user(&UserId::new(id)).await.unwrap().unwrap()
}

/// One user's commands, pushed over HTTPS in requests of [`PUSH_BATCH`], each applied.
struct Pusher {
    api: ApiClient,
    client: String,
    next: u64,
    commands: Vec<CommandEnvelope>,
}

impl Pusher {
    async fn new(server: &RunServer, user: &str) -> Pusher {
        let mut api = ApiClient::new(&server.base_url, &server.fingerprint).unwrap();
        api.login(user, DEMO_PASSWORD).await.unwrap();
        Pusher {
            api,
            client: format!("replication-{user}"),
            next: 0,
            commands: Vec::new(),
        }
    }

    fn add(&mut self, command: DomainCommand) {
        self.next += 1;
        self.commands.push(envelope(self.next, command, Utc::now()));
    }

    /// Pushes everything added, request after request; answers the commands pushed.
    async fn push(&mut self) -> usize {
        let commands = std::mem::take(&mut self.commands);
        for chunk in commands.chunks(PUSH_BATCH) {
            let r = self
                .api
                .push(&PushRequest {
                    reference: Default::default(),
                    client_id: self.client.clone(),
                    commands: chunk.to_vec(),
                })
                .await
                .unwrap();
            assert_eq!(r.results.len(), chunk.len());
            for x in &r.results {
                assert!(matches!(x.outcome, CommandOutcome::Applied { .. }), "{x:?}");
            }
        }
        commands.len()
    }
}

/// Pushes the department history of `cases` cases; answers (commands, seconds of pushing).
/// The project and the uploaded stamped form are set up before, untimed; the envelopes are
/// built before each user's pushes, untimed too (a client has them in its outbox).
async fn push_history(server: &RunServer, cases: usize) -> (usize, f64) {
    let store = server.state.store.clone();
    let env = PushEnv {
        reference: server.state.reference(),
        rules: server.state.config.push_rules,
        clock: server.state.clock.clone(),
    };
    let (applicant, window) = (
        user(store.as_ref(), "applicant").await,
        user(store.as_ref(), "window").await,
    );
    let mut d = Driver::new(store.as_ref(), env);
    d.project_ready("P-bench", &applicant, &window, Utc::now())
        .await
        .unwrap();
    let form = pdf("replication-form");
    let sha = permitdesk_server::attachments::sha256_hex(&form);
    store
        .put_chunk(
            &sha,
            0,
            form.len() as u64,
            &form,
            &applicant,
            UploadLimits {
                max_file_size: 1 << 20,
                per_user_quota: u64::MAX,
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    let form = AttachmentId::new(sha);
    let org = builder_org().unwrap();
    let case = |i: usize, c: CaseCommand| case_cmd(&format!("C-b{i:05}"), c);

    let mut applicant = Pusher::new(server, "applicant").await;
    let mut window = Pusher::new(server, "window").await;
    let mut signers = Vec::new();
    for n in 1..=4 {
        signers.push(Pusher::new(server, &format!("reviewer-zgj-{n}")).await);
    }
    let mut took = 0.0;
    let mut pushed = 0;

    for i in 0..cases {
        applicant.add(case(i, create_case("P-bench", org.clone())));
        applicant.add(case(
            i,
            CaseCommand::Submit {
                stamped_form: form.clone(),
            },
        ));
    }
    let t = Instant::now();
    pushed += applicant.push().await;
    took += t.elapsed().as_secs_f64();

    for i in 0..cases {
        window.add(case(i, CaseCommand::Receive));
        window.add(case(
            i,
            CaseCommand::Accept {
                terms: empty_terms(),
                commitment_based: false,
            },
        ));
    }
    let t = Instant::now();
    pushed += window.push().await;
    took += t.elapsed().as_secs_f64();

    for (signer, level) in signers.iter_mut().zip(["受理", "审核", "复核", "签批"]) {
        for i in 0..cases {
            signer.add(case(
                i,
                CaseCommand::SignOff {
                    level: level.into(),
                },
            ));
        }
        let t = Instant::now();
        pushed += signer.push().await;
        took += t.elapsed().as_secs_f64();
    }

    let reviewer = &mut signers[3];
    for i in 0..cases {
        reviewer.add(case(
            i,
            CaseCommand::Extend {
                days: 5,
                reason: "专家评审".into(),
            },
        ));
        let decision = Decision::Granted {
            certificate: CertificateRecord {
                number: CertificateNumber::new(format!("ZS-{i}")),
                name: "建设工程规划许可证".into(),
                issued_on: Utc::now().date_naive(),
                valid_until: None,
                file: None,
            },
        };
        reviewer.add(case(i, CaseCommand::Complete { decision }));
    }
    let t = Instant::now();
    pushed += reviewer.push().await;
    took += t.elapsed().as_secs_f64();
    (pushed, took)
}

/// Every case event the reviewers of the department see, as JSON (each `SyncEvent`'s `event`).
async fn case_events(server: &RunServer) -> Vec<String> {
    let mut api = ApiClient::new(&server.base_url, &server.fingerprint).unwrap();
    api.login("reviewer-zgj-2", DEMO_PASSWORD).await.unwrap();
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = api
            .pull(after, Some(10_000), Some("replication-dump"))
            .await
            .unwrap();
        for e in &page.events {
            if e.event.entity_key().starts_with("case:") {
                out.push(serde_json::to_string(&e.event).unwrap());
            }
        }
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    out
}

async fn run(backend: Backend, label: &str, dump: Option<&str>) {
    let db = TestDatabase::create(&backend).await.unwrap();
    let server = start(&db).await;
    let cases = ((10_000.0 * scale()) as usize).max(10);
    let (commands, took) = push_history(&server, cases).await;
    let events = case_events(&server).await;
    let avg_bytes = events.iter().map(|e| e.len()).sum::<usize>() as f64 / events.len() as f64;
    if let Some(path) = dump {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for e in &events {
            writeln!(f, "{e}").unwrap();
        }
        f.flush().unwrap();
        eprintln!("{} events written to {path}", events.len());
    }
    let rate = commands as f64 / took;
    eprintln!(
        "push over HTTPS ({label}): {commands} commands in {took:.2} s = {rate:.0} commands/s \
         ({} case events, {avg_bytes:.0} bytes of JSON each on average)",
        events.len()
    );
    println!(
        "{}",
        serde_json::json!({
            "backend": label,
            "commands": commands,
            "push_s": (took * 100.0).round() / 100.0,
            "push_commands_per_s": rate.round(),
            "push_batch": PUSH_BATCH,
            "group_commit": server.state.config.group_commit,
            "events": events.len(),
            "avg_event_bytes": avg_bytes.round(),
        })
    );
    drop(server);
    drop(db);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dump = std::env::var("PERMITDESK_REPLICATION_EVENTS").ok();
    rt.block_on(async {
        run(Backend::Sqlite, "sqlite", dump.as_deref()).await;
        if let Backend::Postgres(url) = Backend::from_env() {
            run(Backend::Postgres(url), "postgres", None).await;
        }
    });
}

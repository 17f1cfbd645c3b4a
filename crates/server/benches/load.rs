//! Load figures of the server (run: `cargo bench -p permitdesk-server --bench load`;
//! PERMITDESK_TEST_DATABASE=postgres://... adds the PostgreSQL push (one transaction per
//! command against group commit; `PERMITDESK_BENCH_ONLY=pg_push` alone) and polling runs;
//! PERMITDESK_BENCH_SCALE=0.1 for a quick smoke run). Prints a Markdown table.
//!
//! - push: commands applied per second through the store (SQLite), and a raw SQLite insert of
//!   the same event rows measured in the same run;
//! - pull: events delivered per second over HTTPS;
//! - initial sync of a department holding 100,000 events;
//! - 500 concurrent clients polling pull over HTTPS: p50/p99 latency, on both backends;
//! - push cost independent of history (issue 16), each as a ratio in one run beside its goal:
//!   5,000 attach-material commands sharing one file against 5,000 with their own files,
//!   push into cases holding 100 events against fresh cases, and seeding 10,000 cases of one
//!   project (`PERMITDESK_BENCH_ONLY=history` runs these alone);
//! - scale out (issue 16, PostgreSQL only): the same push+pull workload over HTTPS through one
//!   address served by one server process, then by two (`PERMITDESK_BENCH_ONLY=scale_out`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use permitdesk_domain::case::{CaseCommand, CorrectionPoint};
use permitdesk_domain::ids::{AttachmentId, ProjectId, UserId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{CommandEnvelope, CommandOutcome};
use permitdesk_server::store::{PushEnv, Store, UploadLimits, UserRecord};
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{ApiClient, Backend, TestOptions, TestServer};
use std::time::{Duration, Instant};

fn scale() -> f64 {
    std::env::var("PERMITDESK_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn scaled(n: usize) -> usize {
    ((n as f64 * scale()) as usize).max(10)
}

struct Report(Vec<(String, String, String)>);

impl Report {
    fn add(&mut self, what: &str, figure: String, note: &str) {
        eprintln!("{what}: {figure} {note}");
        self.0.push((what.to_owned(), figure, note.to_owned()));
    }
}

fn env_of(server: &TestServer) -> PushEnv {
    PushEnv {
        reference: server.state.reference(),
        rules: server.state.config.push_rules,
        clock: server.state.clock.clone(),
    }
}

async fn user(store: &dyn Store, id: &str) -> UserRecord {
    store.user(&UserId::new(id)).await.unwrap().unwrap()
}

fn register(i: usize, m: u64) -> CommandEnvelope {
    let id = format!("P-{i:07}");
    let details = project_details(&id, permitdesk_server::demo::BUILDER_ORG8).unwrap();
    envelope(
        m,
        project_cmd(
            &id,
            ProjectCommand::RegisterOnline {
                id: ProjectId::new(&id),
                details,
            },
        ),
        Utc::now(),
    )
}

async fn push_all(
    store: &dyn Store,
    env: &PushEnv,
    u: &UserRecord,
    client: &str,
    cmds: Vec<CommandEnvelope>,
) {
    for chunk in cmds.chunks(500) {
        let r = store.push(env, u, client, chunk).await.unwrap();
        for x in &r.results {
            assert!(matches!(x.outcome, CommandOutcome::Applied { .. }), "{x:?}");
        }
    }
}

/// Push throughput, and a raw insert of the very same rows into a bare SQLite table in WAL
/// mode, one transaction per row as push does (and all in one transaction, for scale).
async fn push_vs_raw(report: &mut Report) {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let store = server.state.store.clone();
    let env = env_of(&server);
    let applicant = user(store.as_ref(), "applicant").await;
    let n = scaled(5000);
    let cmds: Vec<_> = (0..n).map(|i| register(i, i as u64 + 1)).collect();
    let t = Instant::now();
    push_all(store.as_ref(), &env, &applicant, "bench-push", cmds).await;
    let push_rate = n as f64 / t.elapsed().as_secs_f64();
    report.add(
        "push, new entities (SQLite, in-process store)",
        format!("{push_rate:.0} commands/s"),
        &format!("{n} RegisterOnline in batches of 500, one transaction each"),
    );

    // The same with group commit: up to 64 commands per SQLite transaction, one savepoint each.
    let dir = std::env::temp_dir().join(format!("permitdesk-group-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let grouped = permitdesk_server::store::SqliteStore::open(&dir.join("server.db"))
        .unwrap()
        .with_group_commit(64);
    permitdesk_server::demo::seed(
        &grouped,
        permitdesk_server::auth::PasswordCost::TEST,
        Utc::now(),
        |_| Ok("permitdesk-demo".into()),
    )
    .await
    .unwrap();
    let cmds: Vec<_> = (0..n).map(|i| register(i, i as u64 + 1)).collect();
    let t = Instant::now();
    push_all(&grouped, &env, &applicant, "bench-push", cmds).await;
    let grouped_rate = n as f64 / t.elapsed().as_secs_f64();
    drop(grouped);
    std::fs::remove_dir_all(&dir).unwrap();

    // The same rows, raw.
    let mut rows = Vec::new();
    for i in 0..n {
        for e in store
            .entity_events(&format!("project:P-{i:07}"))
            .await
            .unwrap()
        {
            rows.push(e);
        }
    }
    let dir = std::env::temp_dir().join(format!("permitdesk-raw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("raw.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE events (server_seq INTEGER PRIMARY KEY, entity_key TEXT NOT NULL, entity_seq INTEGER NOT NULL, event TEXT NOT NULL,
         received_at TEXT NOT NULL, UNIQUE (entity_key, entity_seq));",
    )
    .unwrap();
    let t = Instant::now();
    for r in &rows {
        conn.execute(
            "INSERT INTO events (server_seq, entity_key, entity_seq, event, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![r.server_seq as i64, r.entity_key, r.entity_seq as i64, r.json, r.received_at.to_rfc3339()],
        )
        .unwrap();
    }
    let raw_rate = rows.len() as f64 / t.elapsed().as_secs_f64();
    conn.execute_batch("DELETE FROM events").unwrap();
    let t = Instant::now();
    let tx = conn.unchecked_transaction().unwrap();
    for r in &rows {
        tx.execute(
            "INSERT INTO events (server_seq, entity_key, entity_seq, event, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![r.server_seq as i64, r.entity_key, r.entity_seq as i64, r.json, r.received_at.to_rfc3339()],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    let raw_batch_rate = rows.len() as f64 / t.elapsed().as_secs_f64();
    drop(conn);
    std::fs::remove_dir_all(&dir).unwrap();
    report.add(
        "raw SQLite insert of the same rows, one transaction per row",
        format!("{raw_rate:.0} rows/s"),
        &format!("push/raw = {:.2}", push_rate / raw_rate),
    );
    report.add(
        "push, new entities, group commit of 64 (SQLite, in-process store)",
        format!("{grouped_rate:.0} commands/s"),
        &format!(
            "push/raw = {:.2} (raw = one transaction per row)",
            grouped_rate / raw_rate
        ),
    );
    report.add(
        "raw SQLite insert of the same rows, one transaction",
        format!("{raw_batch_rate:.0} rows/s"),
        &format!("push/raw = {:.2}", push_rate / raw_batch_rate),
    );
}

/// A throw-away SQLite store with the demo users (group commit `group`, state cache of
/// `cache` entities) in `dir`, and a push environment on the wall clock.
async fn bench_store(
    dir: &std::path::Path,
    name: &str,
    group: usize,
    cache: usize,
) -> permitdesk_server::store::SqliteStore {
    let store = permitdesk_server::store::SqliteStore::open(&dir.join(name))
        .unwrap()
        .with_group_commit(group)
        .with_state_cache(cache);
    if store
        .user(&UserId::new("applicant"))
        .await
        .unwrap()
        .is_none()
    {
        permitdesk_server::demo::seed(
            &store,
            permitdesk_server::auth::PasswordCost::TEST,
            Utc::now(),
            |_| Ok("permitdesk-demo".into()),
        )
        .await
        .unwrap();
    }
    store
}

fn wall_env() -> PushEnv {
    PushEnv {
        reference: std::sync::Arc::new(
            permitdesk_domain::reference::ReferenceSet::bootstrap().unwrap(),
        ),
        rules: Default::default(),
        clock: std::sync::Arc::new(permitdesk_server::clock::SystemClock),
    }
}

fn bench_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("permitdesk-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn upload(store: &dyn Store, u: &UserRecord, tag: &str) -> AttachmentId {
    let file = pdf(tag);
    let sha = permitdesk_server::attachments::sha256_hex(&file);
    store
        .put_chunk(
            &sha,
            0,
            file.len() as u64,
            &file,
            u,
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

/// Pushes `cmds` in batches of 500 and answers the seconds it took.
async fn timed(
    store: &dyn Store,
    env: &PushEnv,
    u: &UserRecord,
    client: &str,
    cmds: Vec<CommandEnvelope>,
) -> f64 {
    let t = Instant::now();
    push_all(store, env, u, client, cmds).await;
    t.elapsed().as_secs_f64()
}

/// Ratios of issue 16, one run: (what, figure, goal, ratio).
struct Ratios(Vec<(String, String, String, String)>);

/// 5,000 attach-material commands (each on its own draft case) referencing one shared file,
/// against 5,000 referencing a file each; the shared file attached by its uploader, and by a
/// colleague of the same organisation (who may use it through the cases it is linked to).
async fn shared_attachment(report: &mut Report, ratios: &mut Ratios) {
    let dir = bench_dir("shared");
    let store = bench_store(&dir, "server.db", 1, 8192).await;
    let env = wall_env();
    let applicant = user(&store, "applicant").await;
    let window = user(&store, "window").await;
    let mut colleague = applicant.clone();
    colleague.id = UserId::new("applicant-colleague");
    colleague.name = "赵同事".into();
    store.create_user(&colleague, Utc::now()).await.unwrap();
    let mut d = Driver::new(&store, env.clone());
    d.project_ready("P-ATT", &applicant, &window, Utc::now())
        .await
        .unwrap();
    let n = scaled(5000);
    let org = applicant.organisation.clone().unwrap();
    let mut m = 0u64;
    let mut creates = Vec::new();
    for i in 0..3 * n {
        m += 1;
        creates.push(envelope(
            m,
            case_cmd(&format!("C-A{i:06}"), create_case("P-ATT", org.clone())),
            Utc::now(),
        ));
    }
    push_all(&store, &env, &applicant, "bench-att", creates).await;
    let mut own = Vec::new();
    for i in 0..n {
        own.push(upload(&store, &applicant, &format!("own-{i}")).await);
    }
    let shared = upload(&store, &applicant, "shared").await;
    let attach = |i: usize, m: u64, file: &AttachmentId| {
        envelope(
            m,
            case_cmd(
                &format!("C-A{i:06}"),
                CaseCommand::AttachMaterial {
                    material: "营业执照".into(),
                    attachment: file.clone(),
                },
            ),
            Utc::now(),
        )
    };
    let cmds: Vec<_> = (0..n)
        .map(|i| {
            m += 1;
            attach(i, m, &own[i])
        })
        .collect();
    let t_own = timed(&store, &env, &applicant, "bench-att", cmds).await;
    let cmds: Vec<_> = (0..n)
        .map(|i| {
            m += 1;
            attach(n + i, m, &shared)
        })
        .collect();
    let t_shared = timed(&store, &env, &applicant, "bench-att", cmds).await;
    let cmds: Vec<_> = (0..n)
        .map(|i| {
            envelope(
                i as u64 + 1,
                attach(2 * n + i, 0, &shared).command,
                Utc::now(),
            )
        })
        .collect();
    let t_colleague = timed(&store, &env, &colleague, "bench-att-2", cmds).await;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    report.add(
        "attach-material, each command its own file",
        format!("{:.2} s", t_own),
        &format!("{n} commands, {:.0}/s", n as f64 / t_own),
    );
    report.add(
        "attach-material, one file shared by all, attached by its uploader",
        format!("{:.2} s", t_shared),
        &format!("{n} commands, {:.0}/s", n as f64 / t_shared),
    );
    report.add(
        "attach-material, the same shared file attached by a colleague (access through its links)",
        format!("{:.2} s", t_colleague),
        &format!("{n} more commands, {} links already", 2 * n),
    );
    let worst = t_shared.max(t_colleague);
    ratios.0.push((
        format!("{n} commands sharing one attachment vs {n} with their own"),
        format!("{worst:.2} s vs {t_own:.2} s"),
        "time ratio <= 1.5".into(),
        format!("{:.2}", worst / t_own),
    ));
}

/// Push into cases already holding 100 events against fresh cases (in review, 5 events), the
/// same commands (pause and resume) on the same store; and the long cases once more through a
/// store without the state cache (every command replays its trail, as before issue 16).
async fn long_cases(report: &mut Report, ratios: &mut Ratios) {
    let dir = bench_dir("long");
    let store = bench_store(&dir, "server.db", 1, 8192).await;
    let env = wall_env();
    let (applicant, window, reviewer) = (
        user(&store, "applicant").await,
        user(&store, "window").await,
        user(&store, "reviewer-zgj-1").await,
    );
    let form = upload(&store, &applicant, "long-form").await;
    let cases = scaled(300);
    let mut d = Driver::new(&store, env.clone());
    for c in 0..2 * cases {
        let project = format!("P-L{:04}", c / 20);
        if c.is_multiple_of(20) {
            d.project_ready(&project, &applicant, &window, Utc::now())
                .await
                .unwrap();
        }
        d.case_in_review(
            &format!("C-L{c:06}"),
            &project,
            &applicant,
            &window,
            &form,
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let mut m = 0u64;
    let pause_resume = |case: &str, k: usize, m: &mut u64| {
        *m += 1;
        if k.is_multiple_of(2) {
            envelope(
                *m,
                case_cmd(
                    case,
                    CaseCommand::Pause {
                        points: vec![CorrectionPoint {
                            material: "图纸".into(),
                            reason: format!("第 {k} 次整改"),
                        }],
                    },
                ),
                Utc::now(),
            )
        } else {
            envelope(*m, case_cmd(case, CaseCommand::Resume), Utc::now())
        }
    };
    // The first `cases` cases get 96 more events: 100 in all.
    let mut grow = Vec::new();
    for c in 0..cases {
        for k in 0..96 {
            grow.push(pause_resume(&format!("C-L{c:06}"), k, &mut m));
        }
    }
    push_all(&store, &env, &reviewer, "bench-long", grow).await;
    let per_case = 10;
    let round = |from: usize, m: &mut u64| {
        let mut cmds = Vec::new();
        for c in from..from + cases {
            for k in 0..per_case {
                cmds.push(pause_resume(&format!("C-L{c:06}"), k, m));
            }
        }
        cmds
    };
    let n = cases * per_case;
    let t_fresh = timed(&store, &env, &reviewer, "bench-long", round(cases, &mut m)).await;
    let t_long = timed(&store, &env, &reviewer, "bench-long", round(0, &mut m)).await;
    drop(store);
    // The same store file without the cache: the old cost.
    let plain = bench_store(&dir, "server.db", 1, 0).await;
    let t_plain = timed(&plain, &env, &reviewer, "bench-long", round(0, &mut m)).await;
    drop(plain);
    let _ = std::fs::remove_dir_all(&dir);
    let (fresh, long, replayed) = (n as f64 / t_fresh, n as f64 / t_long, n as f64 / t_plain);
    report.add(
        "push into fresh cases (5 events, in review)",
        format!("{fresh:.0} commands/s"),
        &format!("{n} pause/resume commands on {cases} cases"),
    );
    report.add(
        "push into cases holding 100 events (state cache)",
        format!("{long:.0} commands/s"),
        &format!("{n} pause/resume commands on {cases} cases"),
    );
    report.add(
        "push into cases holding 110 events, no state cache (every command replays its trail)",
        format!("{replayed:.0} commands/s"),
        &format!("ratio to fresh {:.2}", replayed / fresh),
    );
    ratios.0.push((
        "push into cases with 100 events vs fresh cases".into(),
        format!("{long:.0} vs {fresh:.0} commands/s"),
        "rate ratio >= 0.8".into(),
        format!("{:.2}", long / fresh),
    ));
}

/// 10,000 cases of one project, each created and submitted with one shared stamped form by
/// the applicant, then received and accepted by the window, in pushes of 1,000 commands (the
/// seeding of `tests/desktop_perf.rs`), on a store with group commit as `server run` has.
async fn seeding(report: &mut Report, ratios: &mut Ratios) {
    let dir = bench_dir("seeding");
    let store = bench_store(&dir, "server.db", 64, 8192).await;
    let env = wall_env();
    let (applicant, window) = (
        user(&store, "applicant").await,
        user(&store, "window").await,
    );
    let form = upload(&store, &applicant, "seed-form").await;
    let mut d = Driver::new(&store, env.clone());
    d.project_ready("P-perf", &applicant, &window, Utc::now())
        .await
        .unwrap();
    let n = scaled(10_000);
    let org = applicant.organisation.clone().unwrap();
    let before = store.max_server_seq().await.unwrap();
    let t = Instant::now();
    let (mut ma, mut mw) = (0u64, 0u64);
    let mut batch = Vec::new();
    for i in 0..n {
        let case = format!("C-p{i:05}");
        for c in [
            create_case("P-perf", org.clone()),
            CaseCommand::Submit {
                stamped_form: form.clone(),
            },
        ] {
            ma += 1;
            batch.push(envelope(ma, case_cmd(&case, c), Utc::now()));
        }
        if batch.len() >= 1000 {
            push_big(
                &store,
                &env,
                &applicant,
                "perf-applicant",
                std::mem::take(&mut batch),
            )
            .await;
        }
    }
    push_big(
        &store,
        &env,
        &applicant,
        "perf-applicant",
        std::mem::take(&mut batch),
    )
    .await;
    for i in 0..n {
        let case = format!("C-p{i:05}");
        for c in [
            CaseCommand::Receive,
            CaseCommand::Accept {
                terms: empty_terms(),
                commitment_based: false,
            },
        ] {
            mw += 1;
            batch.push(envelope(mw, case_cmd(&case, c), Utc::now()));
        }
        if batch.len() >= 1000 {
            push_big(
                &store,
                &env,
                &window,
                "perf-window",
                std::mem::take(&mut batch),
            )
            .await;
        }
    }
    push_big(
        &store,
        &env,
        &window,
        "perf-window",
        std::mem::take(&mut batch),
    )
    .await;
    let took = t.elapsed().as_secs_f64();
    let events = store.max_server_seq().await.unwrap() - before;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let rate = events as f64 / took;
    report.add(
        &format!("seeding {n} cases of one project (create, submit with one shared form, receive, accept)"),
        format!("{rate:.0} events/s"),
        &format!("{events} events in {took:.1} s, pushes of 1,000, group commit of 64"),
    );
    ratios.0.push((
        format!("seeding {n} cases"),
        format!("{rate:.0} events/s"),
        ">= 2,000 events/s".into(),
        format!("{:.2}", rate / 2000.0),
    ));
}

/// One push of up to 1,000 commands, all applied.
async fn push_big(
    store: &dyn Store,
    env: &PushEnv,
    u: &UserRecord,
    client: &str,
    cmds: Vec<CommandEnvelope>,
) {
    if cmds.is_empty() {
        return;
    }
    let r = store.push(env, u, client, &cmds).await.unwrap();
    for x in &r.results {
        assert!(matches!(x.outcome, CommandOutcome::Applied { .. }), "{x:?}");
    }
}

/// A department with `events` events: cases of ZGJ in review with pause/resume cycles.
async fn department_world(server: &TestServer, events: usize) -> usize {
    let store = server.state.store.clone();
    let env = env_of(server);
    let (applicant, window, reviewer) = (
        user(store.as_ref(), "applicant").await,
        user(store.as_ref(), "window").await,
        user(store.as_ref(), "reviewer-zgj-1").await,
    );
    let form = pdf("bench");
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
    let per_case = 100;
    let cases = (events / per_case).max(1);
    let mut d = Driver::new(store.as_ref(), env.clone());
    let mut m = 0u64;
    for c in 0..cases {
        let project = format!("P-{:05}", c / 10);
        if c % 10 == 0 {
            d.project_ready(&project, &applicant, &window, Utc::now())
                .await
                .unwrap();
        }
        let case = format!("C-{c:06}");
        d.case_in_review(&case, &project, &applicant, &window, &form, Utc::now())
            .await
            .unwrap();
        let mut cmds = Vec::new();
        for i in 0..(per_case - 4) / 2 {
            let points = vec![CorrectionPoint {
                material: "图纸".into(),
                reason: format!("第 {i} 次整改"),
            }];
            m += 1;
            cmds.push(envelope(
                m,
                case_cmd(&case, CaseCommand::Pause { points }),
                Utc::now(),
            ));
            m += 1;
            cmds.push(envelope(
                m,
                case_cmd(&case, CaseCommand::Resume),
                Utc::now(),
            ));
        }
        push_all(store.as_ref(), &env, &reviewer, "bench-reviewer", cmds).await;
    }
    store.max_server_seq().await.unwrap() as usize
}

async fn full_pull(c: &ApiClient, client_id: &str) -> (usize, Duration) {
    let t = Instant::now();
    let (mut after, mut n) = (0, 0);
    loop {
        let page = c.pull(after, Some(10_000), Some(client_id)).await.unwrap();
        n += page.events.len();
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    (n, t.elapsed())
}

async fn pull_and_initial_sync(report: &mut Report) {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let target = scaled(100_000);
    let t = Instant::now();
    let total = department_world(&server, target).await;
    let generation = t.elapsed();
    report.add(
        "generating the department (push through the store, cases with 100 events)",
        format!("{:.0} commands/s", total as f64 / generation.as_secs_f64()),
        &format!("{total} events"),
    );
    let reviewer = server.login("reviewer-zgj-2").await.unwrap();
    let (n, took) = full_pull(&reviewer, "bench-sync").await;
    report.add(
        "initial sync of a department over HTTPS (pull pages of 10,000)",
        format!("{:.2} s", took.as_secs_f64()),
        &format!("{n} events, {:.0} events/s", n as f64 / took.as_secs_f64()),
    );
    let reform = server.login("reform").await.unwrap();
    let (n, took) = full_pull(&reform, "bench-reform").await;
    report.add(
        "pull throughput over HTTPS (reform office, everything)",
        format!("{:.0} events/s", n as f64 / took.as_secs_f64()),
        &format!("{n} events"),
    );
    // A second sync of the same client id: nothing new to record about the client.
    let (n, took) = full_pull(&reform, "bench-reform").await;
    report.add(
        "pull throughput, same client again",
        format!("{:.0} events/s", n as f64 / took.as_secs_f64()),
        &format!("{n} events"),
    );
}

async fn polling(report: &mut Report, backend: Backend, label: &str) {
    let mut options = TestOptions::default();
    options.config.token_cache_ttl = chrono::Duration::seconds(5);
    let server = TestServer::start_with(backend, options).await.unwrap();
    department_world(&server, scaled(2000)).await;
    let clients = 500;
    let polls = 20;
    let mut tasks = Vec::new();
    for i in 0..clients {
        let c = server.login("reviewer-zgj-2").await.unwrap();
        tasks.push(tokio::spawn(async move {
            let client_id = format!("poll-{i}");
            let (mut after, mut lat) = (0u64, Vec::new());
            for p in 0..polls {
                // Spread the clients over time like a real fleet (a few milliseconds apart).
                tokio::time::sleep(Duration::from_millis(((i * 7 + p * 13) % 50) as u64)).await;
                let t = Instant::now();
                let page = c.pull(after, Some(1000), Some(&client_id)).await.unwrap();
                lat.push(t.elapsed());
                after = page.cursor;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    report.add(
        &format!("500 concurrent clients polling pull over HTTPS ({label})"),
        format!("p99 {:.1} ms", pct(0.99)),
        &format!(
            "p50 {:.1} ms, {} requests, clients and server in one process on this machine",
            pct(0.5),
            all.len()
        ),
    );
}

/// PostgreSQL push, one transaction per command against group commit (64 commands of a push
/// per transaction, what `server run` uses), on one database in the same run: 5,000 new
/// projects each, in pushes of 500 (`PERMITDESK_BENCH_ONLY=pg_push`).
async fn pg_push(report: &mut Report, url: String) {
    let server = TestServer::start(Backend::Postgres(url)).await.unwrap();
    let env = env_of(&server);
    let single = server.state.store.clone();
    let grouped = server.db.grouped_store(64).await.unwrap();
    let applicant = user(single.as_ref(), "applicant").await;
    let n = scaled(5000);
    let mut rates = Vec::new();
    for (round, store, client) in [
        (0, &single, "bench-pg-single"),
        (1, &grouped, "bench-pg-grouped"),
    ] {
        let cmds: Vec<_> = (0..n)
            .map(|i| register(round * n + i, i as u64 + 1))
            .collect();
        let t = Instant::now();
        push_all(store.as_ref(), &env, &applicant, client, cmds).await;
        rates.push(n as f64 / t.elapsed().as_secs_f64());
    }
    report.add(
        "push, PostgreSQL, one transaction per command",
        format!("{:.0} commands/s", rates[0]),
        &format!("{n} RegisterOnline in pushes of 500"),
    );
    report.add(
        "push, PostgreSQL, group commit of 64",
        format!("{:.0} commands/s", rates[1]),
        &format!(
            "the same, same database and run; {:.1}x",
            rates[1] / rates[0]
        ),
    );
}

/// CPU seconds (user + system) process `pid` has used so far (/proc, ticks of 1/100 s).
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// CPU seconds of every PostgreSQL process of this machine so far.
fn postgres_cpu_seconds() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        .filter(|n| {
            std::fs::read_to_string(format!("/proc/{n}/comm")).is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|n| cpu_seconds(&n))
        .sum()
}

/// The figures of one scale-out run.
struct ScaleRun {
    /// Rounds (one push of `SCALE_BATCH` commands and one pull) per second.
    rounds: f64,
    /// Pull-only requests per second.
    pulls: f64,
    /// CPU cores busy during the push+pull window: the servers, PostgreSQL, the load program.
    cpu: (f64, f64, f64),
    /// Requests each server process logged.
    balance: Vec<usize>,
}

const SCALE_CLIENTS: usize = 32;
const SCALE_BATCH: usize = 10;

/// Issue 16, scale out: the same push+pull workload over HTTPS through one address served by
/// one `server run` process, then by two (`--reuse-port`, the second from a data directory made
/// by `server init --join`), each time on a fresh PostgreSQL database. The server processes
/// are this program started again (`testing::processes`), each with its own runtime and pool.
async fn scale_out(report: &mut Report, url: String) {
    use permitdesk_server::admin::{self, DataDir};
    use permitdesk_server::testing::processes::{ChildSpec, ServerProcess};
    use permitdesk_server::testing::{DEMO_PASSWORD, TestDatabase};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let root = bench_dir("scale-out");
    let first = DataDir(root.join("first"));
    let init = admin::init(&first, &[]).unwrap();
    let second = DataDir(root.join("second"));
    permitdesk_server::scale_out::join(&first, &second).unwrap();
    let (warmup, window) = (
        Duration::from_secs_f64(3.0 * scale().min(1.0)),
        Duration::from_secs_f64((20.0 * scale()).max(2.0)),
    );
    let mut runs = Vec::new();
    for processes in [1usize, 2] {
        let db = TestDatabase::create(&Backend::Postgres(url.clone()))
            .await
            .unwrap();
        permitdesk_server::demo::seed(
            db.store.as_ref(),
            permitdesk_server::auth::PasswordCost::TEST,
            Utc::now(),
            |_| Ok(DEMO_PASSWORD.to_owned()),
        )
        .await
        .unwrap();
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let servers: Vec<ServerProcess> = [&first, &second][..processes]
            .iter()
            .map(|dir| {
                ServerProcess::spawn(
                    &[],
                    &ChildSpec {
                        data: dir.0.clone(),
                        listen: addr,
                        database: db.url.clone(),
                        log: "info".to_owned(),
                        reuse_port: true,
                    },
                )
                .unwrap()
            })
            .collect();
        let base = servers[0].url.clone();
        for s in &servers {
            assert_eq!(s.fingerprint, init.fingerprint);
        }
        // Each virtual client: its own connection pool (so the kernel places its connection
        // on one of the processes), logged in once.
        let mut clients = Vec::new();
        for _ in 0..SCALE_CLIENTS {
            let mut c = ApiClient::new(&base, &init.fingerprint).unwrap();
            c.login("applicant", DEMO_PASSWORD).await.unwrap();
            clients.push(c);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let counting = Arc::new(AtomicBool::new(false));
        let (rounds, pulls) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let pull_only = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for (vu, c) in clients.into_iter().enumerate() {
            let (stop, counting, rounds, pulls, pull_only) = (
                stop.clone(),
                counting.clone(),
                rounds.clone(),
                pulls.clone(),
                pull_only.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let client_id = format!("scale-{processes}-{vu}");
                let (mut m, mut cursor) = (0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    if pull_only.load(Ordering::Relaxed) {
                        // A client catching up: the last 200 events of what it may see.
                        c.pull(cursor.saturating_sub(400), Some(200), Some(&client_id))
                            .await
                            .unwrap();
                        if counting.load(Ordering::Relaxed) {
                            pulls.fetch_add(1, Ordering::Relaxed);
                        }
                        continue;
                    }
                    let commands = (0..SCALE_BATCH)
                        .map(|_| {
                            m += 1;
                            let id = format!("P-S{processes}-{vu:02}-{m:06}");
                            let details =
                                project_details(&id, permitdesk_server::demo::BUILDER_ORG8)
                                    .unwrap();
                            envelope(
                                m,
                                project_cmd(
                                    &id,
                                    ProjectCommand::RegisterOnline {
                                        id: ProjectId::new(&id),
                                        details,
                                    },
                                ),
                                Utc::now(),
                            )
                        })
                        .collect();
                    let r = c
                        .push(&permitdesk_protocol::PushRequest {
                            client_id: client_id.clone(),
                            commands,
                            reference: Default::default(),
                        })
                        .await
                        .unwrap();
                    for x in &r.results {
                        assert!(matches!(x.outcome, CommandOutcome::Applied { .. }), "{x:?}");
                    }
                    let page = c.pull(cursor, Some(1000), Some(&client_id)).await.unwrap();
                    cursor = page.cursor;
                    if counting.load(Ordering::Relaxed) {
                        rounds.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        }
        let cpu_now = |servers: &[ServerProcess]| {
            (
                servers
                    .iter()
                    .map(|s| cpu_seconds(&s.id().to_string()))
                    .sum::<f64>(),
                postgres_cpu_seconds(),
                cpu_seconds("self"),
            )
        };
        tokio::time::sleep(warmup).await;
        let before = cpu_now(&servers);
        counting.store(true, Ordering::Relaxed);
        let t = Instant::now();
        tokio::time::sleep(window).await;
        counting.store(false, Ordering::Relaxed);
        let took = t.elapsed().as_secs_f64();
        let after = cpu_now(&servers);
        let done = rounds.load(Ordering::Relaxed) as f64 / took;
        // The pull-only part: the same clients, reading only.
        pull_only.store(true, Ordering::Relaxed);
        tokio::time::sleep(warmup.min(Duration::from_secs(1))).await;
        counting.store(true, Ordering::Relaxed);
        let t = Instant::now();
        tokio::time::sleep(window / 2).await;
        counting.store(false, Ordering::Relaxed);
        let pull_rate = pulls.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        let balance = servers.iter().map(|s| s.requests_logged()).collect();
        drop(servers);
        drop(db);
        runs.push(ScaleRun {
            rounds: done,
            pulls: pull_rate,
            cpu: (
                (after.0 - before.0) / took,
                (after.1 - before.1) / took,
                (after.2 - before.2) / took,
            ),
            balance,
        });
    }
    let _ = std::fs::remove_dir_all(&root);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    for (run, label) in runs.iter().zip(["one process", "two processes"]) {
        report.add(
            &format!("scale out, push+pull over HTTPS through one address, {label} (PostgreSQL)"),
            format!(
                "{:.0} commands/s",
                run.rounds * SCALE_BATCH as f64
            ),
            &format!(
                "{SCALE_CLIENTS} clients, each a push of {SCALE_BATCH} new projects then a pull: {:.0} requests/s; CPU cores busy of {cores}: servers {:.2}, PostgreSQL {:.2}, load program {:.2}; requests per process {:?}",
                run.rounds * 2.0,
                run.cpu.0,
                run.cpu.1,
                run.cpu.2,
                run.balance
            ),
        );
        report.add(
            &format!("scale out, pull only over HTTPS through one address, {label} (PostgreSQL)"),
            format!("{:.0} requests/s", run.pulls),
            &format!("{SCALE_CLIENTS} clients, pages of 200 events"),
        );
    }
    let (one, two) = (&runs[0], &runs[1]);
    report.add(
        "scale out, two processes vs one",
        format!("{:.2}x push+pull", two.rounds / one.rounds),
        &format!(
            "{:.2}x pull only; goal (issue 16) >= 1.6x",
            two.pulls / one.pulls
        ),
    );
}

fn main() {
    // A server process of the scale-out section (this program started again).
    if permitdesk_server::testing::processes::serve_if_child().unwrap() {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut report = Report(Vec::new());
        let mut ratios = Ratios(Vec::new());
        // PERMITDESK_BENCH_ONLY=polling runs the polling part alone, =history the push cost
        // independent of history (issue 16) alone.
        let only = std::env::var("PERMITDESK_BENCH_ONLY").unwrap_or_default();
        if only.is_empty() || only == "history" {
            shared_attachment(&mut report, &mut ratios).await;
            long_cases(&mut report, &mut ratios).await;
            seeding(&mut report, &mut ratios).await;
        }
        if only.is_empty() {
            push_vs_raw(&mut report).await;
            pull_and_initial_sync(&mut report).await;
        }
        if (only.is_empty() || only == "pg_push")
            && let Backend::Postgres(url) = Backend::from_env()
        {
            pg_push(&mut report, url).await;
        }
        if (only.is_empty() || only == "scale_out")
            && let Backend::Postgres(url) = Backend::from_env()
        {
            scale_out(&mut report, url).await;
        }
        if only.is_empty() || only == "polling" {
            polling(&mut report, Backend::Sqlite, "SQLite").await;
            if let Backend::Postgres(url) = Backend::from_env() {
                polling(&mut report, Backend::Postgres(url), "PostgreSQL").await;
            }
        }
        println!("| measure | figure | notes |\n|---|---|---|");
        for (a, b, c) in &report.0 {
            println!("| {a} | {b} | {c} |");
        }
        if !ratios.0.is_empty() {
            println!("\n| goal (issue 16) | measured | goal | ratio |\n|---|---|---|---|");
            for (a, b, c, d) in &ratios.0 {
                println!("| {a} | {b} | {c} | {d} |");
            }
        }
    });
}

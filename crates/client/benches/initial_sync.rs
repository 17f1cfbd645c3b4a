//! Initial sync of a department with 100,000 events (goal: under 3 s) from the real server
//! in process over HTTPS, and the client's own pull throughput (verify + store + project) on
//! pages already received. Events: 10,000 cases of item ZGJ-04, 10 events each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use permitdesk_client::clock::SystemClock;
use permitdesk_client::credentials::MemoryCredentials;
use permitdesk_client::engine::SyncOptions;
use permitdesk_client::store::Store;
use permitdesk_client::transport::Transport;
use permitdesk_client::transport::http::HttpTransport;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::{Profile, Session, reads};
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand, CertificateRecord, Decision};
use permitdesk_domain::ids::*;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{
    CommandEnvelope, DomainCommand, LoginRequest, PullQuery, PullResponse, PushRequest,
};
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestServer, fixtures};
use std::sync::Arc;

const CASES: usize = 10_000;

struct Pusher<'a> {
    t: &'a HttpTransport,
    token: String,
    client: String,
    next: u64,
    batch: Vec<CommandEnvelope>,
}

impl Pusher<'_> {
    fn new<'a>(t: &'a HttpTransport, user: &str) -> Pusher<'a> {
        let token = t
            .login(&LoginRequest {
                user: user.into(),
                password: DEMO_PASSWORD.into(),
                client_id: None,
            })
            .unwrap()
            .token;
        Pusher {
            t,
            token,
            client: format!("bench-{user}"),
            next: 1,
            batch: vec![],
        }
    }

    fn add(&mut self, command: DomainCommand, attachments: Vec<AttachmentId>) {
        let acted_at = chrono::Utc::now();
        self.batch.push(CommandEnvelope {
            mutation_id: self.next,
            command,
            acted_at,
            opinion: None,
            attachments,
            base_version: 0,
        });
        self.next += 1;
        if self.batch.len() == 5000 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let commands = std::mem::take(&mut self.batch);
        let r = self
            .t
            .push(
                &self.token,
                &PushRequest {
                    reference: Default::default(),
                    client_id: self.client.clone(),
                    commands,
                },
            )
            .unwrap();
        let refused: Vec<_> = r
            .results
            .iter()
            .filter(|x| {
                !matches!(
                    x.outcome,
                    permitdesk_protocol::CommandOutcome::Applied { .. }
                )
            })
            .collect();
        assert!(refused.is_empty(), "seeding refused: {:?}", refused.first());
    }
}

fn seed(server: &TestServer) -> HttpTransport {
    let t = HttpTransport::new(
        &server.base_url,
        &ServerTrust::Pinned(server.fingerprint.clone()),
    )
    .unwrap();
    let mut applicant = Pusher::new(&t, "applicant");
    let mut window = Pusher::new(&t, "window");
    // The demo directory grants each of ZGJ's four levels to one reviewer (层级权限).
    let mut signers: Vec<Pusher> = (1..=4)
        .map(|n| Pusher::new(&t, &format!("reviewer-zgj-{n}")))
        .collect();
    let form = fixtures::pdf("bench-form");
    let form_id = AttachmentId::new(permitdesk_client::store::sha256_hex(&form));
    t.upload_chunk(&applicant.token, &form_id, 0, form.len() as u64, &form)
        .unwrap();
    let pid = "P-bench";
    let project = |c: ProjectCommand| DomainCommand::Project {
        project: ProjectId::new(pid),
        command: c,
    };
    let details =
        fixtures::project_details("基准测试项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    applicant.add(
        project(ProjectCommand::RegisterOnline {
            id: ProjectId::new(pid),
            details,
        }),
        vec![],
    );
    applicant.add(project(ProjectCommand::Submit), vec![]);
    applicant.flush();
    window.add(
        project(ProjectCommand::ChooseFlow {
            flow: FlowCode::new(fixtures::FLOW),
            category: CategoryCode::new(fixtures::CATEGORY),
        }),
        vec![],
    );
    window.add(
        project(ProjectCommand::AddWorks {
            works: fixtures::works().unwrap(),
        }),
        vec![],
    );
    window.flush();
    let org = fixtures::builder_org().unwrap();
    let case = |i: usize, c: CaseCommand| DomainCommand::Case {
        case: CaseId::new(format!("C-b{i:05}")),
        command: c,
    };
    for i in 0..CASES {
        applicant.add(case(i, fixtures::create_case(pid, org.clone())), vec![]);
        applicant.add(
            case(
                i,
                CaseCommand::Submit {
                    stamped_form: form_id.clone(),
                },
            ),
            vec![],
        );
    }
    applicant.flush();
    let terms = AcceptanceTerms {
        catalogue_version: String::new(),
        time_limit_working_days: 0,
        review_levels: vec![],
    };
    for i in 0..CASES {
        window.add(case(i, CaseCommand::Receive), vec![]);
        window.add(
            case(
                i,
                CaseCommand::Accept {
                    terms: terms.clone(),
                    commitment_based: false,
                },
            ),
            vec![],
        );
    }
    window.flush();
    for (signer, level) in signers.iter_mut().zip(["受理", "审核", "复核", "签批"]) {
        for i in 0..CASES {
            let command = CaseCommand::SignOff {
                level: level.into(),
            };
            signer.add(case(i, command), vec![]);
        }
        signer.flush();
    }
    let reviewer = &mut signers[3];
    for i in 0..CASES {
        reviewer.add(
            case(
                i,
                CaseCommand::Extend {
                    days: 5,
                    reason: "专家评审".into(),
                },
            ),
            vec![],
        );
        let decision = Decision::Granted {
            certificate: CertificateRecord {
                number: CertificateNumber::new(format!("ZS-{i}")),
                name: "建设工程规划许可证".into(),
                issued_on: chrono::Utc::now().date_naive(),
                valid_until: None,
                file: None,
            },
        };
        reviewer.add(case(i, CaseCommand::Complete { decision }), vec![]);
    }
    reviewer.flush();
    t
}

/// The same department history built locally (sealed with the domain code) in the server's
/// order: every case's first event, then every case's second, ... in pages of 10,000.
fn synthetic_pages() -> Vec<PullResponse> {
    use permitdesk_domain::actor::{Actor, Role};
    use permitdesk_domain::case::{Acting, Case};
    use permitdesk_domain::trail::seal_all;
    use permitdesk_protocol::{DomainEvent, SyncEvent};
    let t0: chrono::DateTime<chrono::Utc> = "2026-03-02T01:00:00Z".parse().unwrap();
    let actor = |role: Role, dept: Option<&str>, org: Option<OrganisationId>| Actor {
        user: UserId::new(format!("{role:?}")),
        name: "基准".into(),
        role,
        department: dept.map(DepartmentCode::new),
        organisation: org,
        levels: vec![],
    };
    let org = fixtures::builder_org().unwrap();
    let (app, win) = (
        actor(Role::Applicant, None, Some(org.clone())),
        actor(Role::WindowOperator, None, None),
    );
    let signers: Vec<(Actor, &str)> = ["受理", "审核", "复核", "签批"]
        .into_iter()
        .map(|level| {
            let a = Actor {
                user: UserId::new(format!("reviewer-{level}")),
                levels: vec![level.to_owned()],
                ..actor(Role::DepartmentReviewer, Some("ZGJ"), None)
            };
            (a, level)
        })
        .collect();
    let rev = &signers[3].0;
    let terms = AcceptanceTerms {
        catalogue_version: "2026.1".into(),
        time_limit_working_days: 20,
        review_levels: ["受理", "审核", "复核", "签批"].map(String::from).to_vec(),
    };
    let mut per_case = Vec::new();
    for i in 0..CASES {
        let id = CaseId::new(format!("C-b{i:05}"));
        let mut steps: Vec<(&Actor, CaseCommand)> = vec![
            (&app, fixtures::create_case("P-bench", org.clone())),
            (
                &app,
                CaseCommand::Submit {
                    stamped_form: AttachmentId::new("f".repeat(64)),
                },
            ),
            (&win, CaseCommand::Receive),
            (
                &win,
                CaseCommand::Accept {
                    terms: terms.clone(),
                    commitment_based: false,
                },
            ),
        ];
        for (signer, level) in &signers {
            steps.push((
                signer,
                CaseCommand::SignOff {
                    level: (*level).into(),
                },
            ));
        }
        steps.push((
            rev,
            CaseCommand::Extend {
                days: 5,
                reason: "专家评审".into(),
            },
        ));
        let certificate = CertificateRecord {
            number: CertificateNumber::new(format!("ZS-{i}")),
            name: "许可证".into(),
            issued_on: t0.date_naive(),
            valid_until: None,
            file: None,
        };
        steps.push((
            rev,
            CaseCommand::Complete {
                decision: Decision::Granted { certificate },
            },
        ));
        let mut state = None;
        let mut events = Vec::new();
        for (n, (who, cmd)) in steps.into_iter().enumerate() {
            let acting = Acting::new(who.clone(), t0 + chrono::Duration::minutes(n as i64));
            let (next, evs) = Case::execute(state, &id, &cmd, &acting).unwrap();
            state = Some(next);
            events.extend(evs);
        }
        per_case.push(seal_all(&format!("case:{id}"), None, events).unwrap());
    }
    let mut all = Vec::new();
    for n in 0..10 {
        for case in &per_case {
            let server_seq = all.len() as u64 + 1;
            all.push(SyncEvent {
                server_seq,
                received_at: t0,
                event: DomainEvent::Case(case[n].clone()),
            });
        }
    }
    let total = all.len() as u64;
    all.chunks(10_000)
        .map(|chunk| {
            let cursor = chunk.last().map_or(0, |e| e.server_seq);
            PullResponse {
                events: chunk.to_vec(),
                removals: vec![],
                cursor,
                has_more: cursor < total,
                last_mutation_id: 0,
                server_time: t0,
            }
        })
        .collect()
}

fn bench_ingest(c: &mut Criterion) {
    if only_reads() || only_first_sync() {
        return;
    }
    let pages = synthetic_pages();
    let events: u64 = pages.iter().map(|p| p.events.len() as u64).sum();
    let mut g = c.benchmark_group("client");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("ingest_100k_events_verify_store_project", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("local.db"), &"ab".repeat(32)).unwrap();
                (dir, store)
            },
            |(dir, mut store)| {
                for p in &pages {
                    store.ingest(p).unwrap();
                }
                // The projections kept in memory by the pull, written as the sync writes them.
                store.flush_projections().unwrap();
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// `-- reads_during_sync`: only that measurement.
fn only_reads() -> bool {
    std::env::args().any(|a| a == "reads_during_sync")
}

/// `-- first_sync`: only [`first_sync`].
fn only_first_sync() -> bool {
    std::env::args().any(|a| a == "first_sync")
}

fn bench(c: &mut Criterion) {
    if std::env::var_os("PERMITDESK_BENCH_NO_SERVER").is_some() || only_reads() || only_first_sync()
    {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start(Backend::from_env())).unwrap();
    let seeding = std::time::Instant::now();
    let t = seed(&server);
    eprintln!(
        "seeded {} cases in {:.1} s",
        CASES,
        seeding.elapsed().as_secs_f64()
    );
    let opts = SyncOptions {
        pull_limit: 10_000,
        ..SyncOptions::default()
    };

    // Pages as the server sends them to the department, for the client-only measurement.
    let token = t
        .login(&LoginRequest {
            user: "reviewer-zgj-2".into(),
            password: DEMO_PASSWORD.into(),
            client_id: None,
        })
        .unwrap()
        .token;
    let mut pages: Vec<PullResponse> = Vec::new();
    let mut after = 0;
    loop {
        let p = t
            .pull(
                &token,
                &PullQuery {
                    after,
                    limit: Some(10_000),
                    client_id: Some("bench-pages".into()),
                },
            )
            .unwrap();
        after = p.cursor;
        let more = p.has_more;
        pages.push(p);
        if !more {
            break;
        }
    }
    let events: u64 = pages.iter().map(|p| p.events.len() as u64).sum();
    eprintln!(
        "the department sees {events} events in {} pages",
        pages.len()
    );

    let mut g = c.benchmark_group("client");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("initial_sync_department_100k_events_https", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let mut p = Profile::open(
                    dir.path(),
                    Arc::new(MemoryCredentials::default()),
                    Arc::new(SystemClock),
                )
                .unwrap();
                p.login(
                    &server.base_url,
                    &ServerTrust::Pinned(server.fingerprint.clone()),
                    "reviewer-zgj-1",
                    DEMO_PASSWORD,
                )
                .unwrap();
                (dir, p)
            },
            |(dir, mut p)| {
                let r = p.sync(opts).unwrap();
                assert!(r.complete && r.pulled.events == events, "{r:?}");
                (dir, p)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("ingest_pages_100k_events_no_network", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("local.db"), &"ab".repeat(32)).unwrap();
                (dir, store)
            },
            |(dir, mut store)| {
                for p in &pages {
                    store.ingest(p).unwrap();
                }
                // The projections kept in memory by the pull, written as the sync writes them.
                store.flush_projections().unwrap();
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// Latency of a read (`reads::status`, what the status bar asks) while the same profile runs
/// an initial sync of the department from the real server, read every 2 ms by a second thread:
/// through the [`Session`] (the store is locked for each local step only) and, for comparison,
/// with the profile locked across the whole sync (as the desktop shell did before). Printed,
/// not a criterion measurement: `cargo bench -p permitdesk-client --bench initial_sync --
/// reads_during_sync`.
fn reads_during_sync(c: &mut Criterion) {
    if std::env::var_os("PERMITDESK_BENCH_NO_SERVER").is_some() || !only_reads() {
        return;
    }
    let _ = c;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start(Backend::from_env())).unwrap();
    seed(&server);
    let opts = SyncOptions::default();
    for locked_across in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::open(
            dir.path(),
            Arc::new(MemoryCredentials::default()),
            Arc::new(SystemClock),
        )
        .unwrap();
        session
            .login(
                &server.base_url,
                &ServerTrust::Pinned(server.fingerprint.clone()),
                "reviewer-zgj-1",
                DEMO_PASSWORD,
            )
            .unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        let started = std::time::Instant::now();
        let mut waits: Vec<f64> = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let mut waits = Vec::new();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = std::time::Instant::now();
                    session.with(|p| reads::status(p.store())).unwrap();
                    waits.push(t.elapsed().as_secs_f64() * 1000.0);
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                waits
            });
            let r = if locked_across {
                session.with(|p| p.sync(opts))
            } else {
                session.sync(opts)
            }
            .unwrap();
            assert!(r.complete, "{r:?}");
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            reader.join().unwrap()
        });
        waits.sort_by(f64::total_cmp);
        let at = |q: f64| waits[((waits.len() - 1) as f64 * q).round() as usize];
        eprintln!(
            "reads during a {:.2} s initial sync ({}): {} reads, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            started.elapsed().as_secs_f64(),
            if locked_across {
                "profile locked across the sync"
            } else {
                "session: locked per local step"
            },
            waits.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
}

/// Issue 16's comparison with a replication peer (`scripts/bench-replication.sh`): the first
/// sync of the department through the real client as the desktop app runs it
/// (`SyncOptions::default()`: pages of 5,000, parts of 500 per local transaction), from the
/// real server over pinned HTTPS into a fresh encrypted profile, login excluded.
/// `PERMITDESK_FIRST_SYNC_RUNS` runs (3 by default), each into its own fresh profile; prints
/// one JSON line on stdout with the median. Not a criterion measurement: `cargo bench -p
/// permitdesk-client --bench initial_sync -- first_sync`.
fn first_sync(c: &mut Criterion) {
    if std::env::var_os("PERMITDESK_BENCH_NO_SERVER").is_some() || !only_first_sync() {
        return;
    }
    let _ = c;
    let runs: usize = std::env::var("PERMITDESK_FIRST_SYNC_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start(Backend::from_env())).unwrap();
    let seeding = std::time::Instant::now();
    seed(&server);
    eprintln!(
        "seeded {} cases in {:.1} s",
        CASES,
        seeding.elapsed().as_secs_f64()
    );
    let opts = SyncOptions::default();
    let mut times = Vec::new();
    let mut events = 0;
    for run in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::open(
            dir.path(),
            Arc::new(MemoryCredentials::default()),
            Arc::new(SystemClock),
        )
        .unwrap();
        p.login(
            &server.base_url,
            &ServerTrust::Pinned(server.fingerprint.clone()),
            "reviewer-zgj-1",
            DEMO_PASSWORD,
        )
        .unwrap();
        let t = std::time::Instant::now();
        let r = p.sync(opts).unwrap();
        let took = t.elapsed().as_secs_f64();
        assert!(r.complete && r.pulled.events > 0, "{r:?}");
        events = r.pulled.events;
        eprintln!(
            "first sync {}: {events} events in {took:.2} s = {:.0} events/s",
            run + 1,
            events as f64 / took
        );
        times.push(took);
        drop(p);
        drop(dir);
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let round = |t: f64| (t * 100.0).round() / 100.0;
    println!(
        "{}",
        serde_json::json!({
            "events": events,
            "runs_s": times.iter().map(|t| round(*t)).collect::<Vec<_>>(),
            "median_s": round(median),
            "first_sync_events_per_s": (events as f64 / median).round(),
            "pull_limit": opts.pull_limit,
        })
    );
}

criterion_group!(benches, bench_ingest, bench, reads_during_sync, first_sync);
criterion_main!(benches);

//! The push pipeline's cache of replayed entity states (`store::cache`, issue 16) never changes
//! an answer: random command sequences pushed through two store instances with caches on one
//! database (two server processes; one of them with group commit, one "restarted" with an
//! empty cache now and then) give exactly the outcomes, trails and heads of the same sequence
//! pushed through a store without a cache (every command replays the whole trail).
//!
//! The same runs check the stored statistics projection (`statistics::StatisticsCache`, 投影
//! 快照): each instance folds after every push and stores its snapshot, a restart reads the
//! stored snapshot and folds on from it, and the result always equals a full replay of the
//! trails.
//!
//! SQLite always; PostgreSQL as well when PERMITDESK_TEST_DATABASE is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::case::{CaseCommand, CorrectionPoint, Decision};
use permitdesk_domain::ids::{AttachmentId, ProjectId, UserId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_protocol::{CommandEnvelope, DomainCommand};
use permitdesk_server::auth::PasswordCost;
use permitdesk_server::clock::ManualClock;
use permitdesk_server::statistics::{StatisticsCache, StatisticsData};
use permitdesk_server::store::{
    PostgresStore, PushEnv, SqliteStore, Store, UploadLimits, UserRecord,
};
use permitdesk_server::sync::PushRules;
use permitdesk_server::testing::fixtures::{
    case_cmd, create_case, empty_terms, envelope, pdf, project_cmd, project_details, works,
};
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestDatabase};
use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

const USERS: [&str; 3] = ["applicant", "window", "reviewer-zgj-1"];
const CASES: [&str; 3] = ["C-1", "C-2", "C-3"];
const PROJECT: &str = "P-1";

fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

/// One command of the random sequences: which (0..16), on which case, by which user.
#[derive(Debug, Clone, Copy)]
struct Step {
    command: usize,
    case: usize,
    user: usize,
}

/// One push: a batch of steps of one user, through which cached instance (0 or 1), and
/// whether that instance is first restarted (a new store on the same database, empty cache).
#[derive(Debug, Clone)]
struct Batch {
    steps: Vec<Step>,
    instance: usize,
    restart: bool,
}

fn command(n: usize, case: &str, form: &AttachmentId, org: &UserRecord) -> DomainCommand {
    let points = || {
        vec![CorrectionPoint {
            material: "图纸".into(),
            reason: "请补充".into(),
        }]
    };
    let c = match n {
        0 => create_case(PROJECT, org.organisation.clone().unwrap()),
        1 => CaseCommand::AttachMaterial {
            material: "图纸".into(),
            attachment: form.clone(),
        },
        2 => CaseCommand::DetachMaterial {
            material: "图纸".into(),
        },
        3 => CaseCommand::Submit {
            stamped_form: form.clone(),
        },
        4 => CaseCommand::Receive,
        5 => CaseCommand::Accept {
            terms: empty_terms(),
            commitment_based: false,
        },
        6 => CaseCommand::RequestCorrection { points: points() },
        7 => CaseCommand::Pause { points: points() },
        8 => CaseCommand::SubmitRectification {
            note: "已整改".into(),
        },
        9 => CaseCommand::Resume,
        10 => CaseCommand::SignOff {
            level: "受理".into(),
        },
        11 => CaseCommand::Withdraw {
            reason: "不再需要".into(),
        },
        12 => CaseCommand::Extend {
            days: 5,
            reason: "情况复杂".into(),
        },
        13 => CaseCommand::Return {
            reasons: vec!["材料不全".into()],
        },
        14 => CaseCommand::Complete {
            decision: Decision::Denied {
                reasons: vec!["不符合规划".into()],
            },
        },
        // A pause naming nothing: always refused.
        _ => CaseCommand::Pause { points: vec![] },
    };
    case_cmd(case, c)
}

fn batch() -> impl Strategy<Value = Batch> {
    let step = (0..16usize, 0..CASES.len(), 0..USERS.len());
    (
        prop::collection::vec(step, 1..4),
        0..USERS.len(),
        0..2usize,
        prop::bool::weighted(0.1),
    )
        .prop_map(|(steps, user, instance, restart)| Batch {
            // One push is one user's batch.
            steps: steps
                .into_iter()
                .map(|(command, case, _)| Step {
                    command,
                    case,
                    user,
                })
                .collect(),
            instance,
            restart,
        })
}

/// The stores of one run: two cached instances on one database and an uncached reference.
struct Run {
    cached: [Arc<dyn Store>; 2],
    plain: Arc<dyn Store>,
    reopen: Box<dyn Fn(usize) -> futures_like::Reopen>,
    _keep: Vec<TestDatabase>,
    dir: Option<std::path::PathBuf>,
}

/// A boxed future opening a store (no `futures` dependency for one type alias).
mod futures_like {
    use permitdesk_server::store::Store;
    use std::sync::Arc;
    pub type Reopen = std::pin::Pin<Box<dyn std::future::Future<Output = Arc<dyn Store>>>>;
}

impl Drop for Run {
    fn drop(&mut self) {
        if let Some(d) = self.dir.take() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

async fn sqlite_run() -> Run {
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "permitdesk-cache-{}-{n}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cached_path = dir.join("cached.db");
    let open = move |i: usize| -> futures_like::Reopen {
        let p = cached_path.clone();
        Box::pin(async move {
            let s = SqliteStore::open(&p).unwrap();
            // One instance with group commit (savepoints), one without.
            let s = if i == 0 { s.with_group_commit(4) } else { s };
            Arc::new(s) as Arc<dyn Store>
        })
    };
    let cached = [open(0).await, open(1).await];
    let plain: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.join("plain.db"))
            .unwrap()
            .with_state_cache(0),
    );
    Run {
        cached,
        plain,
        reopen: Box::new(open),
        _keep: vec![],
        dir: Some(dir),
    }
}

async fn postgres_run(admin: &str) -> Run {
    let backend = Backend::Postgres(admin.to_owned());
    let a = TestDatabase::create(&backend).await.unwrap();
    let b = TestDatabase::create(&backend).await.unwrap();
    let url = a.url.clone().unwrap();
    let open = move |_: usize| -> futures_like::Reopen {
        let u = url.clone();
        Box::pin(async move {
            Arc::new(PostgresStore::connect_with(&u, 4).await.unwrap()) as Arc<dyn Store>
        })
    };
    let cached = [open(0).await, open(1).await];
    let plain: Arc<dyn Store> = Arc::new(
        PostgresStore::connect_with(b.url.as_deref().unwrap(), 4)
            .await
            .unwrap()
            .with_state_cache(0),
    );
    Run {
        cached,
        plain,
        reopen: Box::new(open),
        _keep: vec![a, b],
        dir: None,
    }
}

/// Seeds a database and brings project P-1 to "ready for cases"; the applicant's form.
async fn prepare(
    store: &dyn Store,
    env: &PushEnv,
    counters: &mut HashMap<String, u64>,
) -> AttachmentId {
    permitdesk_server::demo::seed(store, PasswordCost::TEST, t0(), |_| {
        Ok(DEMO_PASSWORD.to_owned())
    })
    .await
    .unwrap();
    let user =
        |id: &'static str| async move { store.user(&UserId::new(id)).await.unwrap().unwrap() };
    let (applicant, window) = (user("applicant").await, user("window").await);
    let form = pdf("state-cache");
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
            t0(),
        )
        .await
        .unwrap()
        .unwrap();
    let details = project_details("缓存测试项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    let setup = [
        (
            &applicant,
            ProjectCommand::RegisterOnline {
                id: ProjectId::new(PROJECT),
                details,
            },
        ),
        (&applicant, ProjectCommand::Submit),
        (
            &window,
            ProjectCommand::ChooseFlow {
                flow: permitdesk_domain::ids::FlowCode::new(
                    permitdesk_server::testing::fixtures::FLOW,
                ),
                category: permitdesk_domain::ids::CategoryCode::new(
                    permitdesk_server::testing::fixtures::CATEGORY,
                ),
            },
        ),
        (
            &window,
            ProjectCommand::AddWorks {
                works: works().unwrap(),
            },
        ),
    ];
    for (u, c) in setup {
        let client = format!("client-{}", u.id);
        let m = counters.entry(client.clone()).or_insert(0);
        *m += 1;
        let r = store
            .push(
                env,
                u,
                &client,
                &[envelope(*m, project_cmd(PROJECT, c), t0())],
            )
            .await
            .unwrap();
        assert!(
            matches!(
                r.results[0].outcome,
                permitdesk_protocol::CommandOutcome::Applied { .. }
            ),
            "{r:?}"
        );
    }
    AttachmentId::new(sha)
}

async fn check(run: &mut Run, batches: &[Batch]) {
    let clock = Arc::new(ManualClock::new(t0()));
    let env = PushEnv {
        reference: Arc::new(ReferenceSet::bootstrap().unwrap()),
        rules: PushRules::default(),
        clock: clock.clone(),
    };
    let (mut mc, mut mp) = (HashMap::new(), HashMap::new());
    let form = prepare(run.cached[0].as_ref(), &env, &mut mc).await;
    let form_plain = prepare(run.plain.as_ref(), &env, &mut mp).await;
    assert_eq!(form, form_plain);
    let mut users = Vec::new();
    for id in USERS {
        users.push(run.plain.user(&UserId::new(id)).await.unwrap().unwrap());
    }
    let mut counters: HashMap<usize, u64> = HashMap::new();
    // Every fold with a new event stores a snapshot (store_after 1).
    let mut stats = [StatisticsCache::new(1), StatisticsCache::new(1)];
    for (b, batch) in batches.iter().enumerate() {
        clock.advance(Duration::minutes(7));
        if batch.restart {
            run.cached[batch.instance] = (run.reopen)(batch.instance).await;
            stats[batch.instance] = StatisticsCache::new(1);
        }
        let user = batch.steps[0].user;
        let u = &users[user];
        let client = format!("client-{}", u.id);
        let commands: Vec<CommandEnvelope> = batch
            .steps
            .iter()
            .map(|s| {
                let m = counters.entry(user).or_insert(4);
                *m += 1;
                envelope(
                    *m,
                    command(s.command, CASES[s.case], &form, &users[0]),
                    permitdesk_server::clock::Clock::now(clock.as_ref()),
                )
            })
            .collect();
        let with = run.cached[batch.instance]
            .push(&env, u, &client, &commands)
            .await
            .unwrap();
        let without = run.plain.push(&env, u, &client, &commands).await.unwrap();
        assert_eq!(with, without, "batch {b} {batch:?}");
        let store = run.cached[batch.instance].as_ref();
        let folded = stats[batch.instance]
            .snapshot_and_store(store)
            .await
            .unwrap();
        let replayed = full_replay(store).await;
        assert_eq!(*folded, replayed, "statistics after batch {b} {batch:?}");
        assert_eq!(stats[batch.instance].stored_seq(), replayed.seq);
        let plain = full_replay(run.plain.as_ref()).await;
        assert_eq!(
            folded.cases, plain.cases,
            "statistics cases after batch {b}"
        );
        assert_eq!(folded.projects, plain.projects);
        for case in CASES {
            let key = format!("case:{case}");
            let (a, p) = (
                run.cached[0].entity_events(&key).await.unwrap(),
                run.plain.entity_events(&key).await.unwrap(),
            );
            assert_eq!(a, p, "trail of {key} after batch {b}");
            assert_eq!(
                run.cached[1].entity_scope(&key).await.unwrap(),
                run.plain.entity_scope(&key).await.unwrap(),
                "head of {key} after batch {b}"
            );
        }
    }
}

/// The statistics projections replayed from every stored event, without a snapshot.
async fn full_replay(store: &dyn Store) -> StatisticsData {
    let mut data = StatisticsData::default();
    loop {
        let page = store.events_after(data.seq, 1000).await.unwrap();
        if page.is_empty() {
            return data;
        }
        data.apply_page(&page).unwrap();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn cached_states_give_the_answers_of_a_full_replay_sqlite(
        batches in prop::collection::vec(batch(), 1..30)
    ) {
        runtime().block_on(async {
            let mut run = sqlite_run().await;
            check(&mut run, &batches).await;
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn cached_states_give_the_answers_of_a_full_replay_postgres(
        batches in prop::collection::vec(batch(), 1..30)
    ) {
        let Backend::Postgres(admin) = Backend::from_env() else {
            return Ok(());
        };
        runtime().block_on(async {
            let mut run = postgres_run(&admin).await;
            check(&mut run, &batches).await;
        });
    }
}

/// A long case (a hundred events), the cache dropped midway by a restart: the next command
/// replays, and every later one agrees with the uncached store.
#[test]
fn a_long_trail_through_restarts() {
    runtime().block_on(async {
        let mut run = sqlite_run().await;
        let mut batches = vec![];
        for (i, c) in [0, 3, 4, 5].into_iter().enumerate() {
            let user = if i < 2 { 0 } else { 1 };
            batches.push(Batch {
                steps: vec![Step {
                    command: c,
                    case: 0,
                    user,
                }],
                instance: 0,
                restart: false,
            });
        }
        for i in 0..50 {
            batches.push(Batch {
                steps: vec![
                    Step {
                        command: 7,
                        case: 0,
                        user: 2,
                    },
                    Step {
                        command: 9,
                        case: 0,
                        user: 2,
                    },
                ],
                instance: i % 2,
                restart: i % 17 == 16,
            });
        }
        check(&mut run, &batches).await;
        let trail = run.plain.entity_events("case:C-1").await.unwrap();
        assert!(trail.len() > 100, "{}", trail.len());
    });
}

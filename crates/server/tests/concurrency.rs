//! Concurrent writers and readers on one database (two store instances = two server
//! processes; run with PERMITDESK_TEST_DATABASE for PostgreSQL, where it matters most):
//! a pull cursor never skips a committed event, and a scheduled action runs exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::World;
use common::shared::register_online;
use permitdesk_protocol::CommandOutcome;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::http::AppState;
use permitdesk_server::testing::fixtures::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const WRITERS: usize = 8;
const PER_WRITER: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrent_puller_sees_every_committed_event_once_and_in_order() {
    let w = World::new().await;
    let second = w.db.second_store().await.unwrap();
    let applicant = w.user("applicant").await;
    let reform = w.user("reform").await;
    let done = Arc::new(AtomicBool::new(false));

    let puller = {
        let store = w.db.store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let (mut after, mut seen) = (0u64, Vec::new());
            // Bounded: at most this many pages, far more than needed.
            for _ in 0..100_000 {
                let finished = done.load(Ordering::SeqCst);
                let page = store.pull(&reform, "puller", after, 7).await.unwrap();
                for e in &page.events {
                    assert!(
                        e.server_seq > after,
                        "an event at or below the cursor: {} <= {after}",
                        e.server_seq
                    );
                }
                seen.extend(page.events.iter().map(|e| e.server_seq));
                after = page.cursor;
                if finished && !page.has_more {
                    return seen;
                }
                tokio::task::yield_now().await;
            }
            panic!("the puller did not finish");
        })
    };

    let mut writers = Vec::new();
    for wi in 0..WRITERS {
        let store = if wi % 2 == 0 {
            w.db.store.clone()
        } else {
            second.clone()
        };
        let (env, user) = (w.env.clone(), applicant.clone());
        let at = w.now();
        writers.push(tokio::spawn(async move {
            for i in 0..PER_WRITER {
                let id = format!("P-{wi}-{i}");
                let details = project_details(&id, permitdesk_server::demo::BUILDER_ORG8).unwrap();
                let cmd = register_online(i as u64 + 1, &id, details, at);
                let r = store
                    .push(&env, &user, &format!("writer-{wi}"), &[cmd])
                    .await
                    .unwrap();
                assert!(
                    matches!(r.results[0].outcome, CommandOutcome::Applied { .. }),
                    "{r:?}"
                );
            }
        }));
    }
    for h in writers {
        h.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = puller.await.unwrap();
    let total = (WRITERS * PER_WRITER) as u64;
    assert_eq!(
        w.store().max_server_seq().await.unwrap(),
        total,
        "no number allocated twice or lost"
    );
    assert_eq!(
        seen,
        (1..=total).collect::<Vec<_>>(),
        "the puller saw every event exactly once, in order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_instances_run_each_scheduled_action_exactly_once() {
    let w = World::new().await;
    for i in 0..4 {
        w.case_in_review(&format!("P-{i}"), &format!("C-{i}")).await;
    }
    let second = w.db.second_store().await.unwrap();
    let config = |name: &str| ServerConfig {
        instance: name.to_owned(),
        ..ServerConfig::default()
    };
    let a = AppState::new(w.db.store.clone(), config("a"), w.clock.clone())
        .await
        .unwrap();
    let b = AppState::new(second, config("b"), w.clock.clone())
        .await
        .unwrap();
    w.clock.set("2026-03-13T02:00:00Z".parse().unwrap());
    let mut ran = 0;
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(
            permitdesk_server::scheduler::tick(&a),
            permitdesk_server::scheduler::tick(&b)
        );
        ran += ra.unwrap() + rb.unwrap();
    }
    assert_eq!(
        ran, 4,
        "one due-soon warning per case, whichever instance ran it"
    );
    let n = w.store().notifications(0, 100).await.unwrap();
    assert_eq!(n.len(), 4);
    let mut cases: Vec<&str> = n.iter().map(|n| n.entity_key.as_str()).collect();
    cases.sort();
    assert_eq!(cases, vec!["case:C-0", "case:C-1", "case:C-2", "case:C-3"]);
}

//! 演示月 (`permitdesk demo month`): a month of a district hall seeded through the server's own
//! push as the demo users. Every command is applied, every case state occurs, the statistics
//! tables 1-4 have rows, every stored trail verifies, the window and a reviewer pull full
//! queues, and a second run is refused. Runs on the backend PERMITDESK_TEST_DATABASE selects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use permitdesk_domain::case::{Case, CaseEvent, CaseState};
use permitdesk_domain::trail;
use permitdesk_protocol::{DomainEvent, paths};
use permitdesk_server::demo_month::{DEFAULT_SEED, MonthError, seed_month};
use permitdesk_server::testing::TestServer;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

#[path = "common/shared.rs"]
mod shared;
use shared::clocked_server;

/// Tuesday 31 March 2026, 18:00 in Beijing: the month's office hours are all over.
fn end() -> DateTime<Utc> {
    "2026-03-31T10:00:00Z".parse().unwrap()
}

const ALL_STATES: [CaseState; 11] = [
    CaseState::Draft,
    CaseState::Submitted,
    CaseState::Received,
    CaseState::CorrectionRequested,
    CaseState::InReview,
    CaseState::Paused,
    CaseState::Returned,
    CaseState::NotAccepted,
    CaseState::Withdrawn,
    CaseState::Granted,
    CaseState::Denied,
];

/// Every stored event, grouped by entity, in order.
async fn trails(server: &TestServer) -> BTreeMap<String, Vec<DomainEvent>> {
    let store = server.state.store.clone();
    let mut out: BTreeMap<String, Vec<DomainEvent>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 5000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.server_seq;
        for e in page {
            out.entry(e.entity_key.clone())
                .or_default()
                .push(serde_json::from_str(&e.json).unwrap());
        }
    }
    out
}

fn verify(key: &str, events: &[DomainEvent]) {
    macro_rules! check {
        ($variant:ident) => {{
            let sealed: Vec<_> = events
                .iter()
                .map(|e| match e {
                    DomainEvent::$variant(s) => s.clone(),
                    other => panic!("{key}: unexpected event {other:?}"),
                })
                .collect();
            trail::verify(key, &sealed).unwrap_or_else(|e| panic!("{key}: {e}"));
        }};
    }
    match key.split(':').next() {
        Some("case") => check!(Case),
        Some("project") => check!(Project),
        Some("evaluation") => check!(Evaluation),
        Some("complaint") => check!(Complaint),
        other => panic!("unexpected entity kind {other:?} ({key})"),
    }
}

/// The cases `user` pulls from the start, replayed.
async fn pulled_cases(server: &TestServer, user: &str) -> Vec<Case> {
    let store = server.state.store.clone();
    let record = store.user(&user.into()).await.unwrap().unwrap();
    let mut by_case: BTreeMap<String, Vec<CaseEvent>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store
            .pull(&record, &format!("test-{user}"), after, 5000)
            .await
            .unwrap();
        for e in &page.events {
            if let DomainEvent::Case(s) = serde_json::from_str(&e.json).unwrap() {
                by_case.entry(s.entity.clone()).or_default().push(s.event);
            }
        }
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    by_case
        .values()
        .map(|es| Case::replay(es.iter()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_month_fills_every_queue_table_and_state() {
    let (server, _clock) = clocked_server(end()).await;
    let store = server.state.store.clone();

    let started = Instant::now();
    let report = seed_month(store.as_ref(), end(), DEFAULT_SEED)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("seeded in {:?}\n{}", started.elapsed(), report.text());
    assert!(report.projects >= 250, "{}", report.projects);
    assert!(report.cases >= 350, "{}", report.cases);
    for state in ALL_STATES {
        let snake = serde_json::to_value(state).unwrap();
        assert!(
            report
                .case_states
                .iter()
                .any(|c| c.count > 0 && Value::String(c.state.clone()) == snake),
            "no case is {}: {:?}",
            state.label(),
            report.case_states
        );
    }
    assert!(report.overdue > 0, "no overdue case");
    assert!(report.due_soon > 0, "no case due soon");
    assert!(report.certificates > 0 && report.ratings > 0 && report.bad_ratings > 0);
    assert!(report.complaints > 0);

    // Every stored trail verifies, and the report counts what is stored.
    let trails = trails(&server).await;
    let mut states: BTreeMap<CaseState, usize> = BTreeMap::new();
    for (key, events) in &trails {
        verify(key, events);
        if key.starts_with("case:") {
            let case_events: Vec<CaseEvent> = events
                .iter()
                .filter_map(|e| match e {
                    DomainEvent::Case(s) => Some(s.event.clone()),
                    _ => None,
                })
                .collect();
            *states
                .entry(Case::replay(case_events.iter()).unwrap().state)
                .or_default() += 1;
        }
    }
    assert_eq!(states.values().sum::<usize>(), report.cases);
    assert_eq!(
        trails.values().map(Vec::len).sum::<usize>(),
        report.events,
        "every event stored came from the month"
    );

    // The statistics tables 1-4 (reform office, whole period) all have rows.
    let reform = server.login("reform").await.unwrap();
    for table in ["table1", "table2", "table3", "table4"] {
        let (status, body) = reform
            .raw(
                reform
                    .request(reqwest::Method::GET, paths::STATISTICS)
                    .query(&[("report", table)]),
            )
            .await
            .unwrap();
        assert_eq!(status, 200, "{table}: {}", String::from_utf8_lossy(&body));
        let v: Value = serde_json::from_slice(&body).unwrap();
        let rows = v["rows"].as_array().map_or(0, Vec::len);
        assert!(rows > 0, "{table} has no rows");
    }

    // The window's intake queue and a reviewer's review queue are full.
    let window = pulled_cases(&server, "window").await;
    assert!(
        window
            .iter()
            .filter(|c| matches!(c.state, CaseState::Submitted | CaseState::Received))
            .count()
            > 5
    );
    let zgj = pulled_cases(&server, "reviewer-zgj-2").await;
    assert!(
        zgj.iter()
            .filter(|c| c.department.as_str() == "ZGJ")
            .filter(|c| matches!(c.state, CaseState::InReview | CaseState::Paused))
            .count()
            > 3
    );

    // A second run on the same data is refused, and changes nothing.
    let before = store.max_server_seq().await.unwrap();
    let again = seed_month(store.as_ref(), end(), DEFAULT_SEED).await;
    assert!(
        matches!(again, Err(MonthError::AlreadySeeded(_))),
        "{again:?}"
    );
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("不能在同一数据上重复载入")
    );
    assert_eq!(store.max_server_seq().await.unwrap(), before);
}

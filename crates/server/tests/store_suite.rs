//! The storage suite: the same tests on SQLite and, with PERMITDESK_TEST_DATABASE set, on
//! PostgreSQL. Push idempotency, refusals, time rules, pull cursors, scope changes,
//! attachments, tokens, the trail, the scheduler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Duration;
use common::shared::register_online;
use common::{World, t0};
use permitdesk_domain::case::{CaseCommand, CaseError, CorrectionPoint};
use permitdesk_domain::ids::{DepartmentCode, UserId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{CommandOutcome, DomainEvent, EntityRef, Refusal};
use permitdesk_server::store::{UploadError, UploadLimits};
use permitdesk_server::testing::fixtures::*;

/// Why the command was refused, if it was.
fn refusal(o: &CommandOutcome) -> Option<&Refusal> {
    match o {
        CommandOutcome::Refused { refusal } => Some(refusal),
        _ => None,
    }
}

fn applied(o: &CommandOutcome) -> bool {
    matches!(o, CommandOutcome::Applied { .. })
}

#[tokio::test]
async fn the_same_mutation_id_twice_is_a_duplicate_and_applied_once() {
    let w = World::new().await;
    let applicant = w.user("applicant").await;
    let details = project_details("幂等项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    let cmd = register_online(7, "P-1", details, w.now());
    let first = w.push(&applicant, "pc-1", std::slice::from_ref(&cmd)).await;
    assert!(applied(&first.results[0].outcome));
    let again = w
        .push(&applicant, "pc-1", &[cmd.clone(), cmd.clone()])
        .await;
    assert!(
        again
            .results
            .iter()
            .all(|r| r.outcome == CommandOutcome::Duplicate),
        "{again:?}"
    );
    assert_eq!(again.last_mutation_id, 7);
    // A lower id is also a duplicate: ids only grow.
    let mut older = cmd.clone();
    older.mutation_id = 3;
    assert_eq!(
        w.push_one(&applicant, "pc-1", older).await,
        CommandOutcome::Duplicate
    );
    assert_eq!(
        w.store().entity_events("project:P-1").await.unwrap().len(),
        1
    );
    assert_eq!(w.store().max_server_seq().await.unwrap(), 1);
    // Another installation has its own ids.
    assert_eq!(w.store().last_mutation_id("pc-2").await.unwrap(), 0);
}

#[tokio::test]
async fn a_refusal_is_recorded_with_its_reason_and_advances_the_mutation_id() {
    let w = World::new().await;
    let applicant = w.user("applicant").await;
    let cmd = envelope(1, project_cmd("P-9", ProjectCommand::Submit), w.now());
    let r = w.push(&applicant, "pc-1", std::slice::from_ref(&cmd)).await;
    let CommandOutcome::Refused { refusal } = &r.results[0].outcome else {
        panic!("{r:?}")
    };
    assert!(!refusal.message().is_empty());
    assert_eq!(r.last_mutation_id, 1);
    let recorded = w.store().refusals("pc-1", &applicant.id, 0).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(&recorded[0].refusal, refusal);
    // Another user does not see this client's refusals.
    assert!(
        w.store()
            .refusals("pc-1", &UserId::new("window"), 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.push_one(&applicant, "pc-1", cmd).await,
        CommandOutcome::Duplicate
    );
    assert_eq!(
        w.store().max_server_seq().await.unwrap(),
        0,
        "a refusal appends no event"
    );
}

#[tokio::test]
async fn two_reviewers_signing_the_same_level_offline_one_wins_the_other_sees_why() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    let (r1, r2) = (
        w.user("reviewer-zgj-1").await,
        w.user("reviewer-zgj-3").await,
    );
    let t = w.now() + Duration::minutes(5);
    let sign = |m| {
        let mut e = envelope(
            m,
            case_cmd(
                "C-1",
                CaseCommand::SignOff {
                    level: "受理".into(),
                },
            ),
            t,
        );
        e.base_version = 4;
        e
    };
    w.clock.advance(Duration::hours(2));
    let a = w.push(&r1, "pc-r1", &[sign(1)]).await;
    let b = w.push(&r2, "pc-r2", &[sign(1)]).await;
    assert!(applied(&a.results[0].outcome), "{a:?}");
    match &b.results[0].outcome {
        CommandOutcome::Refused {
            refusal:
                Refusal::Case {
                    error: CaseError::LevelAlreadySigned { level, by, at },
                    message,
                },
        } => {
            // The loser is told who signed and when, not that the level is the wrong one.
            assert_eq!((level.as_str(), by.as_str()), ("受理", r1.name.as_str()));
            assert!(
                message.contains(&format!("已由{}于 {at} 签署", r1.name)),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.store().refusals("pc-r2", &r2.id, 0).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn actions_in_the_future_too_old_or_before_the_last_event_are_refused_by_time() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    let r = w.user("reviewer-zgj-1").await;
    let now = w.now();
    let cases = [
        ("future", now + Duration::minutes(10)),
        ("too old", now - Duration::days(8)),
        ("before last event", now - Duration::minutes(1)),
    ];
    for (i, (what, at)) in cases.iter().enumerate() {
        let e = envelope(
            i as u64 + 1,
            case_cmd(
                "C-1",
                CaseCommand::SignOff {
                    level: "受理".into(),
                },
            ),
            *at,
        );
        let out = w.push(&r, "pc-r", &[e]).await;
        // Too old is its own kind: the user may confirm it again at the current time.
        let time = match refusal(&out.results[0].outcome) {
            Some(Refusal::Expired { .. }) => *what == "too old",
            Some(Refusal::Time { .. }) => *what != "too old",
            _ => false,
        };
        assert!(time, "{what}: {out:?}");
    }
    // Within the tolerance and after the last event: applied.
    let e = envelope(
        10,
        case_cmd(
            "C-1",
            CaseCommand::SignOff {
                level: "受理".into(),
            },
        ),
        now + Duration::seconds(30),
    );
    assert!(applied(&w.push_one(&r, "pc-r", e).await));
}

#[tokio::test]
async fn forged_ids_and_versions_are_refused_as_invalid_and_change_nothing() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    let r = w.user("reviewer-zgj-1").await;
    let before = w.store().max_server_seq().await.unwrap();
    let mut e = envelope(
        1,
        case_cmd(
            "C-1",
            CaseCommand::SignOff {
                level: "受理".into(),
            },
        ),
        w.now(),
    );
    e.base_version = 99;
    let bad_id = envelope(
        2,
        case_cmd("C 1; DROP TABLE events", CaseCommand::Receive),
        w.now(),
    );
    let out = w.push(&r, "pc-r", &[e, bad_id]).await;
    for res in &out.results {
        assert!(
            matches!(refusal(&res.outcome), Some(Refusal::Invalid { .. })),
            "{res:?}"
        );
    }
    assert_eq!(w.store().max_server_seq().await.unwrap(), before);
}

#[tokio::test]
async fn acceptance_terms_come_from_the_catalogue() {
    let w = World::new().await;
    let (applicant, window) = (w.user("applicant").await, w.user("window").await);
    let form = w.upload(&applicant, &pdf("f")).await;
    let mut d = w.driver();
    d.project_ready("P-1", &applicant, &window, w.now())
        .await
        .unwrap();
    let org = builder_org().unwrap();
    let create = case_cmd("C-1", create_case("P-1", org));
    d.apply(&applicant, create, w.now()).await.unwrap();
    let submit = case_cmd("C-1", CaseCommand::Submit { stamped_form: form });
    d.apply(&applicant, submit, w.now()).await.unwrap();
    d.apply(&window, case_cmd("C-1", CaseCommand::Receive), w.now())
        .await
        .unwrap();
    let wrong = permitdesk_domain::case::AcceptanceTerms {
        catalogue_version: "2026.1".into(),
        time_limit_working_days: 30,
        review_levels: vec!["受理".into()],
    };
    let out = d
        .push(
            &window,
            case_cmd(
                "C-1",
                CaseCommand::Accept {
                    terms: wrong,
                    commitment_based: false,
                },
            ),
            w.now(),
        )
        .await
        .unwrap();
    let CommandOutcome::Refused {
        refusal: Refusal::Invalid { message },
    } = out
    else {
        panic!("{out:?}")
    };
    assert!(
        message.contains("10 个工作日") && message.contains("签批"),
        "{message}"
    );
    d.apply(
        &window,
        case_cmd(
            "C-1",
            CaseCommand::Accept {
                terms: empty_terms(),
                commitment_based: false,
            },
        ),
        w.now(),
    )
    .await
    .unwrap();
    let events = w.store().entity_events("case:C-1").await.unwrap();
    let last: DomainEvent = serde_json::from_str(&events.last().unwrap().json).unwrap();
    let DomainEvent::Case(s) = last else { panic!() };
    let permitdesk_domain::case::CaseChange::Accepted { terms, .. } = s.event.change else {
        panic!()
    };
    assert_eq!(
        (
            terms.catalogue_version.as_str(),
            terms.time_limit_working_days,
            terms.review_levels.len()
        ),
        ("2026.1", 10, 4)
    );
}

#[tokio::test]
async fn a_case_needs_a_ready_project_of_its_applicant_and_a_catalogue_item() {
    let w = World::new().await;
    let (applicant, window) = (w.user("applicant").await, w.user("window").await);
    let mut d = w.driver();
    let org = builder_org().unwrap();
    // No project yet.
    let out = d
        .push(
            &applicant,
            case_cmd("C-1", create_case("P-1", org.clone())),
            w.now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(refusal(&out), Some(Refusal::Invalid { .. })),
        "{out:?}"
    );
    d.project_ready("P-1", &applicant, &window, w.now())
        .await
        .unwrap();
    let mut wrong_item = create_case("P-1", org.clone());
    if let CaseCommand::Create { item, .. } = &mut wrong_item {
        *item = permitdesk_domain::ids::ItemCode::new("NOPE-1");
    }
    let mut wrong_dept = create_case("P-1", org.clone());
    if let CaseCommand::Create { department, .. } = &mut wrong_dept {
        *department = DepartmentCode::new("ZJJ");
    }
    for cmd in [wrong_item, wrong_dept] {
        let out = d
            .push(&applicant, case_cmd("C-1", cmd), w.now())
            .await
            .unwrap();
        assert!(
            matches!(refusal(&out), Some(Refusal::Invalid { .. })),
            "{out:?}"
        );
    }
    let create = case_cmd("C-1", create_case("P-1", org));
    d.apply(&applicant, create, w.now()).await.unwrap();
}

#[tokio::test]
async fn pull_pages_through_every_visible_event_in_order_without_skipping() {
    let w = World::new().await;
    for i in 0..3 {
        w.case_in_review(&format!("P-{i}"), &format!("C-{i}")).await;
    }
    let reform = w.user("reform").await;
    let total = w.store().max_server_seq().await.unwrap();
    let mut after = 0;
    let mut seen = vec![];
    for _ in 0..100 {
        let page = w
            .store()
            .pull(&reform, "pc-reform", after, 3)
            .await
            .unwrap();
        assert!(page.events.len() <= 3);
        seen.extend(page.events.iter().map(|e| e.server_seq));
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(seen, (1..=total).collect::<Vec<_>>());
    // Every sealed trail verifies.
    for key in ["case:C-0", "case:C-2", "project:P-1"] {
        w.verify_trail(key).await;
    }
}

#[tokio::test]
async fn gaining_access_brings_the_earlier_history_and_losing_it_brings_removals() {
    let w = World::new().await;
    let (applicant, window, reviewer) = (
        w.user("applicant").await,
        w.user("window").await,
        w.user("reviewer-zgj-1").await,
    );
    let form = w.upload(&applicant, &pdf("x")).await;
    let mut d = w.driver();
    d.project_ready("P-1", &applicant, &window, w.now())
        .await
        .unwrap();
    d.apply(
        &applicant,
        case_cmd("C-1", create_case("P-1", builder_org().unwrap())),
        w.now(),
    )
    .await
    .unwrap();
    // The draft is invisible to the window and the department: their cursors pass it.
    let page = w.store().pull(&window, "pc-w", 0, 1000).await.unwrap();
    assert!(page.events.iter().all(|e| e.entity_key == "project:P-1"));
    let wc = page.cursor;
    let page = w.store().pull(&reviewer, "pc-r", 0, 1000).await.unwrap();
    assert!(page.events.is_empty(), "{:?}", page.events);
    let rc = page.cursor;
    let submit = case_cmd("C-1", CaseCommand::Submit { stamped_form: form });
    d.apply(&applicant, submit, w.now()).await.unwrap();
    // Submitted: both now receive the whole case, from its first event.
    let page = w.store().pull(&window, "pc-w", wc, 1000).await.unwrap();
    let seqs: Vec<u64> = page
        .events
        .iter()
        .filter(|e| e.entity_key == "case:C-1")
        .map(|e| e.entity_seq)
        .collect();
    assert_eq!(seqs, vec![1, 2]);
    let page = w.store().pull(&reviewer, "pc-r", rc, 1000).await.unwrap();
    let mut keys: Vec<(String, u64)> = page
        .events
        .iter()
        .map(|e| (e.entity_key.clone(), e.entity_seq))
        .collect();
    keys.sort();
    assert_eq!(
        keys.iter().filter(|(k, _)| k == "project:P-1").count(),
        5,
        "the shared project's whole history: {keys:?}"
    );
    assert_eq!(keys.iter().filter(|(k, _)| k == "case:C-1").count(), 2);
    // Moved to another department: the next pull removes what it may no longer see.
    w.store()
        .update_user_scope(
            &reviewer.id,
            reviewer.role,
            Some(&DepartmentCode::new("ZJJ")),
            None,
        )
        .await
        .unwrap();
    let moved = w.user("reviewer-zgj-1").await;
    let page = w
        .store()
        .pull(&moved, "pc-r", page.cursor, 1000)
        .await
        .unwrap();
    let mut removals = page.removals.clone();
    removals.sort();
    assert_eq!(
        removals,
        vec![
            EntityRef::Case("C-1".into()),
            EntityRef::Project("P-1".into())
        ]
    );
    assert!(
        w.store()
            .pull(&moved, "pc-r", page.cursor, 1000)
            .await
            .unwrap()
            .removals
            .is_empty(),
        "removals are sent once"
    );
}

#[tokio::test]
async fn uploads_resume_are_checked_by_content_and_stored_once() {
    let w = World::new().await;
    let (a, b) = (w.user("applicant").await, w.user("applicant2").await);
    let limits = UploadLimits {
        max_file_size: 1000,
        per_user_quota: u64::MAX,
    };
    let content = pdf("resumable upload of a pdf file");
    let sha = permitdesk_server::attachments::sha256_hex(&content);
    let n = content.len() as u64;
    let s = w.store();
    let first = s
        .put_chunk(&sha, 0, n, &content[..10], &a, limits, w.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.received, first.complete), (10, false));
    // A retried chunk at the wrong offset is refused with the offset to resume from.
    assert_eq!(
        s.put_chunk(&sha, 0, n, &content[..10], &a, limits, w.now())
            .await
            .unwrap(),
        Err(UploadError::WrongOffset {
            expected: 10,
            found: 0
        })
    );
    let info = s.attachment_info(&sha, &a).await.unwrap().unwrap();
    assert_eq!(info.upload.unwrap().received, 10);
    let done = s
        .put_chunk(&sha, 10, n, &content[10..], &a, limits, w.now())
        .await
        .unwrap()
        .unwrap();
    assert!(done.complete);
    assert_eq!(done.content_type.as_deref(), Some("pdf"));
    // Knowing the hash gives nothing: b must send the bytes, and they are stored once.
    let info_b = s.attachment_info(&sha, &b).await.unwrap().unwrap();
    assert!(!info_b.uploaded_by_user);
    assert!(
        s.put_chunk(&sha, 0, n, &content, &b, limits, w.now())
            .await
            .unwrap()
            .unwrap()
            .complete
    );
    assert!(
        s.attachment_info(&sha, &b)
            .await
            .unwrap()
            .unwrap()
            .uploaded_by_user
    );
    assert_eq!(s.attachment_content(&sha).await.unwrap().unwrap(), content);
    // Wrong content, wrong type, too large.
    let exe = b"MZ not a pdf".to_vec();
    let exe_sha = permitdesk_server::attachments::sha256_hex(&exe);
    assert_eq!(
        s.put_chunk(&exe_sha, 0, exe.len() as u64, &exe, &a, limits, w.now())
            .await
            .unwrap(),
        Err(UploadError::UnsupportedType)
    );
    let lying = "0".repeat(64);
    assert_eq!(
        s.put_chunk(&lying, 0, n, &content, &a, limits, w.now())
            .await
            .unwrap(),
        Err(UploadError::HashMismatch)
    );
    assert!(matches!(
        s.put_chunk(&sha, 0, 5000, &content, &a, limits, w.now())
            .await
            .unwrap(),
        Err(UploadError::TooLarge { .. })
    ));
    assert!(
        s.attachment_info(&exe_sha, &a).await.unwrap().is_none(),
        "a rejected upload leaves nothing behind"
    );
}

#[tokio::test]
async fn tokens_expire_are_revocable_and_die_with_a_disabled_user() {
    let w = World::new().await;
    let s = w.store();
    let id = UserId::new("window");
    let now = t0();
    s.insert_token("h1", &id, now, now + Duration::hours(1))
        .await
        .unwrap();
    s.insert_token("h2", &id, now, now + Duration::hours(1))
        .await
        .unwrap();
    assert!(s.token_user("h1", now).await.unwrap().is_some());
    assert!(
        s.token_user("h1", now + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    s.revoke_token("h1").await.unwrap();
    assert!(s.token_user("h1", now).await.unwrap().is_none(), "revoked");
    assert!(s.token_user("h2", now).await.unwrap().is_some());
    assert!(s.set_user_disabled(&id, true).await.unwrap());
    assert!(
        s.token_user("h2", now).await.unwrap().is_none(),
        "disabled user"
    );
    assert!(
        !s.set_user_disabled(&UserId::new("nobody"), true)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_scheduler_records_each_warning_level_once() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    let state = permitdesk_server::http::AppState::new(
        w.db.store.clone(),
        permitdesk_server::config::ServerConfig::default(),
        w.clock.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        permitdesk_server::scheduler::tick(&state).await.unwrap(),
        0,
        "fresh case: normal"
    );
    // Friday 13 March 10:00: 8 working days and 1 hour used of 10: due soon.
    w.clock.set("2026-03-13T02:00:00Z".parse().unwrap());
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 1);
    assert_eq!(
        permitdesk_server::scheduler::tick(&state).await.unwrap(),
        0,
        "not twice"
    );
    w.clock.set("2026-03-17T02:00:00Z".parse().unwrap());
    assert_eq!(
        permitdesk_server::scheduler::tick(&state).await.unwrap(),
        1,
        "overdue is a new level"
    );
    let n = w.store().notifications(0, 100).await.unwrap();
    let levels: Vec<&str> = n
        .iter()
        .map(|n| n.payload["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["due_soon", "overdue"]);
    assert!(n.iter().all(|n| n.entity_key == "case:C-1"));
    // A paused case raises nothing.
    let r = w.user("reviewer-zgj-1").await;
    let pause = CaseCommand::Pause {
        points: vec![CorrectionPoint {
            material: "图纸".into(),
            reason: "缺页".into(),
        }],
    };
    w.driver()
        .apply(&r, case_cmd("C-1", pause), w.now())
        .await
        .unwrap();
    w.clock.advance(Duration::days(3));
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 0);
}

#[tokio::test]
async fn group_commit_keeps_each_command_all_or_nothing() {
    // Both backends: four commands in one transaction, one refused, one a duplicate.
    let db = permitdesk_server::testing::TestDatabase::create(
        &permitdesk_server::testing::Backend::from_env(),
    )
    .await
    .unwrap();
    let store = db.grouped_store(8).await.unwrap();
    let store = store.as_ref();
    permitdesk_server::demo::seed(
        store,
        permitdesk_server::auth::PasswordCost::TEST,
        t0(),
        |_| Ok("permitdesk-demo".into()),
    )
    .await
    .unwrap();
    let w = World::new().await;
    let applicant = permitdesk_server::store::Store::user(store, &UserId::new("applicant"))
        .await
        .unwrap()
        .unwrap();
    let register = |m: u64, id: &str| {
        let details = project_details(id, permitdesk_server::demo::BUILDER_ORG8).unwrap();
        register_online(m, id, details, w.now())
    };
    let batch = vec![
        register(1, "P-1"),
        envelope(2, project_cmd("P-9", ProjectCommand::Submit), w.now()),
        register(3, "P-3"),
        register(1, "P-1"),
    ];
    let r = permitdesk_server::store::Store::push(store, &w.env, &applicant, "pc", &batch)
        .await
        .unwrap();
    let kinds: Vec<&str> = r
        .results
        .iter()
        .map(|r| match r.outcome {
            CommandOutcome::Applied { .. } => "applied",
            CommandOutcome::Refused { .. } => "refused",
            CommandOutcome::Duplicate => "duplicate",
        })
        .collect();
    assert_eq!(kinds, vec!["applied", "refused", "applied", "duplicate"]);
    assert_eq!(r.last_mutation_id, 3);
    assert_eq!(
        permitdesk_server::store::Store::max_server_seq(store)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        permitdesk_server::store::Store::refusals(store, "pc", &applicant.id, 0)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn reference_versions_are_recorded_in_order_and_a_stale_writer_is_refused() {
    use permitdesk_domain::reference::ReferenceKind as K;
    let w = World::new().await;
    let s = w.store();
    let v = s.reference_versions().await.unwrap();
    assert_eq!(v.len(), K::ALL.len(), "every kind is listed");
    assert!(v.values().all(|&n| n == 0), "{v:?}");
    assert!(s.reference_latest(K::Calendar).await.unwrap().is_none());
    let changes = vec!["新增 2027 年节假日安排".to_owned()];
    let n = s
        .reference_put(K::Calendar, 0, "a", "sha-a", "市工改办", w.now(), &changes)
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Someone who still thinks the calendar is at version 0 is refused: nothing is written.
    let stale = s
        .reference_put(K::Calendar, 0, "b", "sha-b", "另一人", w.now(), &[])
        .await;
    assert!(
        matches!(
            stale,
            Err(permitdesk_server::error::StoreError::Conflict(_))
        ),
        "{stale:?}"
    );
    let n = s
        .reference_put(K::Calendar, 1, "c", "sha-c", "市工改办", w.now(), &[])
        .await
        .unwrap();
    assert_eq!(n, 2);
    s.reference_put(K::Market, 0, "m", "sha-m", "市工改办", w.now(), &[])
        .await
        .unwrap();
    let v = s.reference_versions().await.unwrap();
    assert_eq!(
        (
            v[&K::Calendar],
            v[&K::Catalogue],
            v[&K::Market],
            v[&K::Zones]
        ),
        (2, 0, 1, 0)
    );
    let latest = s.reference_latest(K::Calendar).await.unwrap().unwrap();
    assert_eq!(
        (
            latest.version,
            latest.content.as_str(),
            latest.sha256.as_str()
        ),
        (2, "c", "sha-c")
    );
    let history = s.reference_history(Some(K::Calendar)).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].changes, changes);
    assert_eq!(history[0].changed_by, "市工改办");
    assert_eq!(history[0].changed_at, w.now());
    assert_eq!(s.reference_history(None).await.unwrap().len(), 3);
}

#[tokio::test]
async fn concurrent_reference_imports_of_the_same_version_make_exactly_one_new_version() {
    use permitdesk_domain::reference::ReferenceKind as K;
    let w = World::new().await;
    let other = w.db.second_store().await.unwrap();
    let (a, b) = tokio::join!(
        w.store()
            .reference_put(K::Catalogue, 0, "a", "x", "甲", w.now(), &[]),
        other.reference_put(K::Catalogue, 0, "b", "y", "乙", w.now(), &[])
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(
        w.store().reference_versions().await.unwrap()[&K::Catalogue],
        1
    );
}

#[tokio::test]
async fn open_cases_are_every_unfinished_case() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    let open = w.store().open_cases().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(w.store().cases_under_clock().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_projection_snapshot_is_replaced_only_by_a_newer_one_and_read_whole() {
    use permitdesk_server::store::ProjectionSnapshot;
    let w = World::new().await;
    let s = w.store();
    assert!(s.projection_snapshot("statistics").await.unwrap().is_none());
    let snap = |seq: u64, parts: &[&[u8]]| ProjectionSnapshot {
        seq,
        format: "f".into(),
        parts: parts.iter().map(|p| p.to_vec()).collect(),
    };
    let ten = snap(10, &[b"a", b"bb", &[0, 255, 7]]);
    assert!(s.put_projection_snapshot("statistics", &ten).await.unwrap());
    assert_eq!(
        s.projection_snapshot("statistics").await.unwrap(),
        Some(ten.clone())
    );
    // An older or equal snapshot (another process that folded less) writes nothing.
    assert!(
        !s.put_projection_snapshot("statistics", &snap(9, &[b"old"]))
            .await
            .unwrap()
    );
    assert!(
        !s.put_projection_snapshot("statistics", &snap(10, &[b"same"]))
            .await
            .unwrap()
    );
    assert_eq!(
        s.projection_snapshot("statistics").await.unwrap(),
        Some(ten)
    );
    // A newer one with fewer parts replaces every part.
    let twelve = snap(12, &[b"c"]);
    assert!(
        s.put_projection_snapshot("statistics", &twelve)
            .await
            .unwrap()
    );
    assert_eq!(
        s.projection_snapshot("statistics").await.unwrap(),
        Some(twelve.clone())
    );
    // Seen alike from a second process on the same database; other names are apart.
    let other = w.db.second_store().await.unwrap();
    assert_eq!(
        other.projection_snapshot("statistics").await.unwrap(),
        Some(twelve)
    );
    assert!(other.projection_snapshot("other").await.unwrap().is_none());
}

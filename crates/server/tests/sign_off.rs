//! 层级审批 bound to the directory (issue 14), through push on both backends
//! (PERMITDESK_TEST_DATABASE=postgres://... for PostgreSQL): the server builds the actor from
//! the user record with its levels; a sign-off by a reviewer without the level, or a second
//! level by the same person, is refused with the domain's sentence and appends nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Duration;
use common::World;
use permitdesk_domain::case::{CaseCommand, CaseError};
use permitdesk_domain::ids::UserId;
use permitdesk_protocol::{CommandOutcome, DomainEvent, Refusal};
use permitdesk_server::store::UserRecord;
use permitdesk_server::testing::fixtures::*;

fn sign(
    m: u64,
    level: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> permitdesk_protocol::CommandEnvelope {
    envelope(
        m,
        case_cmd(
            "C-1",
            CaseCommand::SignOff {
                level: level.into(),
            },
        ),
        at,
    )
}

async fn push(w: &World, user: &UserRecord, m: u64, level: &str) -> CommandOutcome {
    let at = w.now();
    let client = format!("pc-{}", user.id);
    let mut out = w
        .store()
        .push(&w.env, user, &client, &[sign(m, level, at)])
        .await
        .unwrap();
    out.results.remove(0).outcome
}

async fn events(w: &World) -> usize {
    w.store().entity_events("case:C-1").await.unwrap().len()
}

fn refusal(o: CommandOutcome) -> (CaseError, String) {
    match o {
        CommandOutcome::Refused {
            refusal: Refusal::Case { error, message },
        } => (error, message),
        other => panic!("not a case refusal: {other:?}"),
    }
}

#[tokio::test]
async fn a_level_not_held_or_a_second_level_by_the_same_person_is_refused_and_appends_nothing() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    w.clock.advance(Duration::minutes(5));
    let (zgj1, zgj2) = (
        w.user("reviewer-zgj-1").await,
        w.user("reviewer-zgj-2").await,
    );
    assert_eq!(zgj1.levels, ["受理"]);
    assert_eq!(
        zgj1.info().levels,
        ["受理"],
        "the login answer carries them"
    );
    let before = events(&w).await;

    // reviewer-zgj-2 holds 审核, not 受理.
    let (error, message) = refusal(push(&w, &zgj2, 1, "受理").await);
    assert!(
        matches!(&error, CaseError::LevelNotHeld { level, held, .. } if level == "受理" && held == &["审核"]),
        "{error:?}"
    );
    assert!(
        message.contains("“受理”须由持有该层级权限的审批人员签署"),
        "{message}"
    );
    assert_eq!(events(&w).await, before, "a refusal appends nothing");

    // The holder signs it.
    assert!(matches!(
        push(&w, &zgj1, 1, "受理").await,
        CommandOutcome::Applied { .. }
    ));
    assert_eq!(events(&w).await, before + 1);

    // The administrator grants reviewer-zgj-1 审核 too: still not a second level of this case.
    let granted = permitdesk_server::levels::set(
        w.store(),
        &UserId::new("reviewer-zgj-1"),
        &["审核".to_owned(), "受理".to_owned()],
    )
    .await
    .unwrap();
    assert_eq!(
        granted.levels,
        ["受理", "审核"],
        "in the department's order"
    );
    let zgj1 = w.user("reviewer-zgj-1").await;
    assert_eq!(zgj1.levels, ["受理", "审核"]);
    w.clock.advance(Duration::minutes(1));
    let (error, message) = refusal(push(&w, &zgj1, 2, "审核").await);
    assert!(
        matches!(&error, CaseError::SameSignerTwice { signed, level, .. } if signed == "受理" && level == "审核"),
        "{error:?}"
    );
    assert_eq!(
        message,
        "本办件的“受理”已由受理员（市资规局）签署，同一人不能签署两个层级；“审核”应由持有该层级的其他审批人员签署"
    );
    assert_eq!(events(&w).await, before + 1, "a refusal appends nothing");
    assert_eq!(
        w.store()
            .refusals("pc-reviewer-zgj-1", &zgj1.id, 0)
            .await
            .unwrap()
            .len(),
        1
    );

    // The holder of 审核 signs it; the trail records who signed each level.
    assert!(matches!(
        push(&w, &zgj2, 2, "审核").await,
        CommandOutcome::Applied { .. }
    ));
    let signers: Vec<(String, String)> = w
        .trail("case:C-1")
        .await
        .into_iter()
        .filter_map(|e| match e {
            DomainEvent::Case(s) => match &s.event.change {
                permitdesk_domain::case::CaseChange::SignedOff { level } => {
                    Some((level.clone(), s.event.actor.user.to_string()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        signers,
        [
            ("受理".to_owned(), "reviewer-zgj-1".to_owned()),
            ("审核".to_owned(), "reviewer-zgj-2".to_owned())
        ]
    );
    w.verify_trail("case:C-1").await;
}

async fn push_cmd(w: &World, user: &UserRecord, m: u64, cmd: CaseCommand) -> CommandOutcome {
    let client = format!("pc-{}", user.id);
    let env = envelope(m, case_cmd("C-1", cmd), w.now());
    let mut out = w.store().push(&w.env, user, &client, &[env]).await.unwrap();
    out.results.remove(0).outcome
}

/// 延期 (issue 14): granted once, by the holder of the case's top level (the department's head),
/// who is recorded as the approver; anyone else, or a second extension, is refused and appends
/// nothing.
#[tokio::test]
async fn an_extension_is_granted_once_and_only_by_the_departments_head() {
    let w = World::new().await;
    w.case_in_review("P-1", "C-1").await;
    w.clock.advance(Duration::minutes(5));
    let extend = |days| CaseCommand::Extend {
        days,
        reason: "需组织专家论证".into(),
    };
    let zgj2 = w.user("reviewer-zgj-2").await;
    let before = events(&w).await;

    let (error, message) = refusal(push_cmd(&w, &zgj2, 1, extend(5)).await);
    assert!(
        matches!(error, CaseError::ExtensionNotAuthorised { .. }),
        "{error:?}"
    );
    assert!(message.starts_with("延期须经本部门负责人批准"), "{message}");
    assert_eq!(events(&w).await, before, "a refusal appends nothing");

    // Whoever holds the top level grants it, and is the approver on the record.
    let mut granted = None;
    for u in w.store().users().await.unwrap() {
        if u.department.as_ref().map(|d| d.as_str()) != Some("ZGJ") {
            continue;
        }
        if let CommandOutcome::Applied { .. } = push_cmd(&w, &u, 2, extend(5)).await {
            granted = Some(u);
            break;
        }
    }
    let head = granted.expect("the head of ZGJ may extend");
    assert!(head.levels.len() == 1 && !zgj2.levels.contains(&head.levels[0]));
    assert_eq!(events(&w).await, before + 1);
    let approver = w.trail("case:C-1").await.into_iter().find_map(|e| match e {
        DomainEvent::Case(s) => match &s.event.change {
            permitdesk_domain::case::CaseChange::Extended { approved_by, .. } => {
                Some(approved_by.clone())
            }
            _ => None,
        },
        _ => None,
    });
    assert_eq!(approver.as_deref(), Some(head.name.as_str()));

    w.clock.advance(Duration::minutes(1));
    let (error, message) = refusal(push_cmd(&w, &head, 3, extend(3)).await);
    assert!(
        matches!(error, CaseError::AlreadyExtended { days: 5, .. }),
        "{error:?}"
    );
    assert!(message.ends_with("依法只能延期一次"), "{message}");
    assert_eq!(events(&w).await, before + 1);
}

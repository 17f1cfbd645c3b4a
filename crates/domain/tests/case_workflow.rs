//! Every state and transition of the case workflow (DOMAIN.md "Case states"), as a table:
//! the path that reaches a state, who acts, what they ask, and what must happen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::*;
use permitdesk_domain::ids::*;
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::time::Timestamp;
use permitdesk_domain::trail;

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2024, 9, 27, 2, 0, 0).unwrap()
}

fn actor(role: Role) -> Actor {
    let (department, organisation) = match role {
        Role::Applicant => (None, Some(OrganisationId::new("91230100MA1B2C3D4E"))),
        Role::DepartmentReviewer | Role::UtilityUnit => (Some(DepartmentCode::new("ZJJ")), None),
        _ => (None, None),
    };
    // The department's generic reviewer holds every level (层级权限) but signs none in the
    // paths below: each sign-off step is signed by its own holder (`actor_for`).
    let levels = match role {
        Role::DepartmentReviewer | Role::UtilityUnit => terms().review_levels,
        _ => vec![],
    };
    Actor {
        user: UserId::new(format!("{role:?}")),
        name: format!("{}甲", role.label()),
        role,
        department,
        organisation,
        levels,
    }
}

/// The reviewer of ZJJ who holds only `level`, one person per level.
fn signer(level: &str) -> Actor {
    Actor {
        user: UserId::new(format!("signer-{level}")),
        name: format!("{level}人"),
        levels: vec![level.to_owned()],
        ..actor(Role::DepartmentReviewer)
    }
}

/// Who takes the named step: the holder of the level for a sign-off, else the role's user.
fn actor_for(name: &str, role: Role) -> Actor {
    match name {
        "sign1" => signer("受理"),
        "sign2" => signer("审核"),
        "sign3" => signer("签批"),
        _ => actor(role),
    }
}

fn other_department_reviewer() -> Actor {
    Actor {
        department: Some(DepartmentCode::new("ZGJ")),
        ..actor(Role::DepartmentReviewer)
    }
}

fn other_applicant() -> Actor {
    Actor {
        organisation: Some(OrganisationId::new("91230100MA9X8Y7Z6W")),
        ..actor(Role::Applicant)
    }
}

fn create(commitment_allowed: bool) -> CaseCommand {
    CaseCommand::Create {
        application: ApplicationId::new("A1"),
        project: ProjectId::new("P1"),
        works: WorksId::new("W1"),
        item: ItemCode::new("ZJ-SGXK"),
        department: DepartmentCode::new("ZJJ"),
        applicant: OrganisationId::new("91230100MA1B2C3D4E"),
        commitment_allowed,
        number: None,
    }
}

fn terms() -> AcceptanceTerms {
    AcceptanceTerms {
        catalogue_version: "2026.1".into(),
        time_limit_working_days: 3,
        review_levels: vec!["受理".into(), "审核".into(), "签批".into()],
    }
}

fn point() -> Vec<CorrectionPoint> {
    vec![CorrectionPoint {
        material: "施工图审查合格书".into(),
        reason: "未加盖审查机构公章".into(),
    }]
}

fn granted() -> Decision {
    Decision::Granted {
        certificate: CertificateRecord {
            number: CertificateNumber::new("230102202409270101"),
            name: "建筑工程施工许可证".into(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 8).unwrap(),
            valid_until: None,
            file: Some(AttachmentId::new("c".repeat(64))),
        },
    }
}

/// A named step: who does what.
fn step(name: &str) -> (Role, CaseCommand) {
    use CaseCommand as C;
    match name {
        "create" => (Role::Applicant, create(true)),
        "create_plain" => (Role::Applicant, create(false)),
        "attach" => (
            Role::Applicant,
            C::AttachMaterial {
                material: "施工合同".into(),
                attachment: AttachmentId::new("a".repeat(64)),
            },
        ),
        "submit" => (
            Role::Applicant,
            C::Submit {
                stamped_form: AttachmentId::new("f".repeat(64)),
            },
        ),
        "receive" => (Role::WindowOperator, C::Receive),
        "ask_commitment" => (Role::WindowOperator, C::RequestCommitmentConfirmation),
        "confirm_commitment" => (Role::DepartmentReviewer, C::ConfirmCommitment),
        "decline_commitment" => (
            Role::DepartmentReviewer,
            C::DeclineCommitment {
                reason: "涉及公共安全".into(),
            },
        ),
        "accept" => (
            Role::WindowOperator,
            C::Accept {
                terms: terms(),
                commitment_based: false,
            },
        ),
        "accept_commitment" => (
            Role::WindowOperator,
            C::Accept {
                terms: terms(),
                commitment_based: true,
            },
        ),
        "correction" => (
            Role::WindowOperator,
            C::RequestCorrection { points: point() },
        ),
        "refuse" => (
            Role::WindowOperator,
            C::RefuseAcceptance {
                reasons: vec!["不属于本部门职权范围".into()],
            },
        ),
        "sign1" => (
            Role::DepartmentReviewer,
            C::SignOff {
                level: "受理".into(),
            },
        ),
        "sign2" => (
            Role::DepartmentReviewer,
            C::SignOff {
                level: "审核".into(),
            },
        ),
        "sign3" => (
            Role::DepartmentReviewer,
            C::SignOff {
                level: "签批".into(),
            },
        ),
        "pause" => (Role::DepartmentReviewer, C::Pause { points: point() }),
        "rectify" => (
            Role::Applicant,
            C::SubmitRectification {
                note: "已补充盖章".into(),
            },
        ),
        "resume" => (Role::DepartmentReviewer, C::Resume),
        "proc_start" => (
            Role::DepartmentReviewer,
            C::StartSpecialProcedure {
                procedure: 1,
                kind: SpecialProcedureKind::PublicNotice,
            },
        ),
        "proc_end" => (
            Role::DepartmentReviewer,
            C::EndSpecialProcedure {
                procedure: 1,
                summary: "公示期满无异议".into(),
            },
        ),
        "extend" => (
            Role::DepartmentReviewer,
            C::Extend {
                days: 10,
                reason: "需组织专家论证".into(),
            },
        ),
        "return" => (
            Role::DepartmentReviewer,
            C::Return {
                reasons: vec!["设计方案与规划条件不符".into()],
            },
        ),
        "withdraw" => (
            Role::Applicant,
            C::Withdraw {
                reason: "项目调整".into(),
            },
        ),
        "grant" => (
            Role::DepartmentReviewer,
            C::Complete {
                decision: granted(),
            },
        ),
        "deny" => (
            Role::DepartmentReviewer,
            C::Complete {
                decision: Decision::Denied {
                    reasons: vec!["不符合消防技术标准".into()],
                },
            },
        ),
        other => panic!("unknown step {other}"),
    }
}

/// Run a path of steps, one minute apart; every step must be accepted.
fn run(path: &str) -> (Option<Case>, Vec<CaseEvent>, Timestamp) {
    let id = CaseId::new("C1");
    let mut case = None;
    let mut events = vec![];
    let mut at = t0();
    for name in path.split_whitespace() {
        let (role, cmd) = step(name);
        at += Duration::minutes(1);
        let (c, evs) = Case::execute(case, &id, &cmd, &Acting::new(actor_for(name, role), at))
            .unwrap_or_else(|e| panic!("step {name} of '{path}' refused: {e}"));
        case = Some(c);
        events.extend(evs);
    }
    (case, events, at)
}

const DRAFT: &str = "create attach";
const SUBMITTED: &str = "create attach submit";
const RECEIVED: &str = "create attach submit receive";
const IN_REVIEW: &str = "create attach submit receive accept";
const SIGNED: &str = "create attach submit receive accept sign1 sign2 sign3";

#[test]
fn every_transition_in_the_table_does_what_it_says() {
    use CaseState::*;
    // (path, step, expected: Ok(state) | Err(refusal matcher))
    type Expect = Result<CaseState, fn(&CaseError) -> bool>;
    let table: Vec<(&str, &str, Expect)> = vec![
        // Draft
        (DRAFT, "submit", Ok(Submitted)),
        (DRAFT, "attach", Ok(Draft)),
        (
            DRAFT,
            "receive",
            Err(|e| matches!(e, CaseError::InvalidTransition { state: Draft, .. })),
        ),
        (DRAFT, "withdraw", Ok(Withdrawn)),
        (
            DRAFT,
            "accept",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        // Submitted
        (SUBMITTED, "receive", Ok(Received)),
        (
            SUBMITTED,
            "accept",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: Submitted,
                        action: CaseAction::Accept
                    }
                )
            }),
        ),
        (
            SUBMITTED,
            "attach",
            Err(|e| matches!(e, CaseError::MaterialsLocked)),
        ),
        (
            SUBMITTED,
            "submit",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        (SUBMITTED, "withdraw", Ok(Withdrawn)),
        // Received: the window's 形式审查
        (RECEIVED, "accept", Ok(InReview)),
        (RECEIVED, "correction", Ok(CorrectionRequested)),
        (RECEIVED, "refuse", Ok(NotAccepted)),
        (RECEIVED, "ask_commitment", Ok(Received)),
        (
            RECEIVED,
            "accept_commitment",
            Err(|e| {
                matches!(
                    e,
                    CaseError::CommitmentNotConfirmed {
                        status: CommitmentStatus::NotRequested
                    }
                )
            }),
        ),
        (
            RECEIVED,
            "confirm_commitment",
            Err(|e| matches!(e, CaseError::CommitmentNotRequested)),
        ),
        (
            RECEIVED,
            "sign1",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: Received,
                        ..
                    }
                )
            }),
        ),
        (
            "create attach submit receive ask_commitment",
            "confirm_commitment",
            Ok(Received),
        ),
        (
            "create attach submit receive ask_commitment",
            "decline_commitment",
            Ok(Received),
        ),
        (
            "create attach submit receive ask_commitment",
            "accept_commitment",
            Err(|e| {
                matches!(
                    e,
                    CaseError::CommitmentNotConfirmed {
                        status: CommitmentStatus::Requested
                    }
                )
            }),
        ),
        (
            "create attach submit receive ask_commitment confirm_commitment",
            "accept_commitment",
            Ok(InReview),
        ),
        (
            "create attach submit receive ask_commitment decline_commitment",
            "accept_commitment",
            Err(|e| {
                matches!(
                    e,
                    CaseError::CommitmentNotConfirmed {
                        status: CommitmentStatus::Declined
                    }
                )
            }),
        ),
        (
            "create attach submit receive ask_commitment decline_commitment",
            "accept",
            Ok(InReview),
        ),
        // Correction and resubmission
        (
            "create attach submit receive correction",
            "attach",
            Ok(CorrectionRequested),
        ),
        (
            "create attach submit receive correction",
            "submit",
            Ok(Submitted),
        ),
        (
            "create attach submit receive correction",
            "accept",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: CorrectionRequested,
                        ..
                    }
                )
            }),
        ),
        (
            "create attach submit receive correction submit",
            "receive",
            Ok(Received),
        ),
        // In review: level sign-offs in order
        (IN_REVIEW, "sign1", Ok(InReview)),
        (
            IN_REVIEW,
            "sign2",
            Err(|e| matches!(e, CaseError::WrongReviewLevel { .. })),
        ),
        (
            "create attach submit receive accept sign1",
            "sign1",
            Err(|e| matches!(e, CaseError::LevelAlreadySigned { .. })),
        ),
        (
            SIGNED,
            "sign3",
            Err(|e| matches!(e, CaseError::AllLevelsSigned)),
        ),
        (
            IN_REVIEW,
            "grant",
            Err(|e| matches!(e, CaseError::LevelsMissing { missing } if missing.len() == 3)),
        ),
        (SIGNED, "grant", Ok(Granted)),
        (SIGNED, "deny", Ok(Denied)),
        (
            IN_REVIEW,
            "attach",
            Err(|e| matches!(e, CaseError::MaterialsLocked)),
        ),
        // Pause / resume
        (IN_REVIEW, "pause", Ok(Paused)),
        (
            "create attach submit receive accept pause",
            "pause",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        action: CaseAction::Pause,
                        state: Paused
                    }
                )
            }),
        ),
        (
            "create attach submit receive accept pause",
            "rectify",
            Ok(Paused),
        ),
        (
            "create attach submit receive accept pause",
            "resume",
            Ok(InReview),
        ),
        (
            "create attach submit receive accept pause",
            "sign1",
            Err(|e| matches!(e, CaseError::InvalidTransition { state: Paused, .. })),
        ),
        (
            "create attach submit receive accept pause",
            "grant",
            Err(|e| matches!(e, CaseError::InvalidTransition { state: Paused, .. })),
        ),
        (
            "create attach submit receive accept pause",
            "return",
            Ok(Returned),
        ),
        (
            IN_REVIEW,
            "resume",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        action: CaseAction::Resume,
                        state: InReview
                    }
                )
            }),
        ),
        (
            IN_REVIEW,
            "rectify",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        // Special procedures
        (IN_REVIEW, "proc_start", Ok(InReview)),
        (
            "create attach submit receive accept proc_start",
            "proc_start",
            Err(|e| matches!(e, CaseError::ProcedureExists { procedure: 1 })),
        ),
        (
            "create attach submit receive accept proc_start",
            "proc_end",
            Ok(InReview),
        ),
        (
            IN_REVIEW,
            "proc_end",
            Err(|e| matches!(e, CaseError::NoOpenProcedure)),
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 proc_start",
            "grant",
            Err(|e| matches!(e, CaseError::ProcedureOpen { procedure: 1, .. })),
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 proc_start proc_end",
            "grant",
            Ok(Granted),
        ),
        // Extension, return, withdraw
        (IN_REVIEW, "extend", Ok(InReview)),
        (
            RECEIVED,
            "extend",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        (IN_REVIEW, "return", Ok(Returned)),
        (IN_REVIEW, "withdraw", Ok(Withdrawn)),
        (
            RECEIVED,
            "return",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        // Terminal states refuse everything
        (
            "create attach submit receive refuse",
            "accept",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: NotAccepted,
                        ..
                    }
                )
            }),
        ),
        (
            "create attach submit receive accept return",
            "resume",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: Returned,
                        ..
                    }
                )
            }),
        ),
        (
            "create withdraw",
            "submit",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: Withdrawn,
                        ..
                    }
                )
            }),
        ),
        (
            "create withdraw",
            "withdraw",
            Err(|e| {
                matches!(
                    e,
                    CaseError::InvalidTransition {
                        state: Withdrawn,
                        ..
                    }
                )
            }),
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 grant",
            "deny",
            Err(|e| matches!(e, CaseError::InvalidTransition { state: Granted, .. })),
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 deny",
            "attach",
            Err(|e| matches!(e, CaseError::InvalidTransition { state: Denied, .. })),
        ),
        // Roles: each action only by its roles
        (
            SUBMITTED,
            "accept",
            Err(|e| matches!(e, CaseError::InvalidTransition { .. })),
        ),
        ("", "receive", Err(|e| matches!(e, CaseError::NoSuchCase))),
        (
            DRAFT,
            "create",
            Err(|e| matches!(e, CaseError::AlreadyExists)),
        ),
    ];
    let id = CaseId::new("C1");
    for (path, name, expected) in table {
        let (before, _, at) = run(path);
        let (role, cmd) = step(name);
        let acting = Acting::new(actor_for(name, role), at + Duration::minutes(1));
        let result = Case::execute(before.clone(), &id, &cmd, &acting);
        match (expected, result) {
            (Ok(state), Ok((after, events))) => {
                assert_eq!(after.state, state, "'{path}' + {name}");
                assert!(!events.is_empty(), "'{path}' + {name} appended nothing");
                assert_eq!(
                    after.version,
                    before.map_or(0, |c| c.version) + events.len() as u64
                );
            }
            (Err(matcher), Err(e)) => {
                assert!(matcher(&e), "'{path}' + {name}: unexpected refusal {e:?}")
            }
            (Ok(_), Err(e)) => panic!("'{path}' + {name} refused: {e}"),
            (Err(_), Ok((after, _))) => panic!("'{path}' + {name} accepted into {:?}", after.state),
        }
    }
}

/// Every step of [`step`], in workflow order.
const STEPS: [&str; 21] = [
    "attach",
    "submit",
    "receive",
    "ask_commitment",
    "confirm_commitment",
    "decline_commitment",
    "accept",
    "accept_commitment",
    "correction",
    "refuse",
    "sign1",
    "pause",
    "rectify",
    "resume",
    "proc_start",
    "proc_end",
    "extend",
    "return",
    "withdraw",
    "grant",
    "deny",
];

#[test]
fn every_action_is_refused_for_the_roles_it_is_not_for() {
    let (case, _, at) = run(IN_REVIEW);
    let id = CaseId::new("C1");
    // Every step but the alternatives of a step already listed.
    let alternatives = ["decline_commitment", "accept_commitment", "deny"];
    for name in STEPS.into_iter().filter(|n| !alternatives.contains(n)) {
        let (_, cmd) = step(name);
        let action = cmd.action();
        for role in Role::ALL {
            if action.allowed_roles().contains(&role) {
                continue;
            }
            let r = Case::decide(case.as_ref(), &id, &cmd, &Acting::new(actor(role), at));
            assert_eq!(
                r,
                Err(CaseError::RoleNotAllowed { action, role }),
                "{name} by {role:?}"
            );
        }
    }
}

#[test]
fn scope_keeps_other_departments_and_applicants_out() {
    let id = CaseId::new("C1");
    let (case, _, at) = run(IN_REVIEW);
    let (_, sign) = step("sign1");
    let r = Case::decide(
        case.as_ref(),
        &id,
        &sign,
        &Acting::new(other_department_reviewer(), at),
    );
    assert!(matches!(r, Err(CaseError::OtherDepartment { .. })), "{r:?}");
    let (case, _, at) = run("create attach submit receive accept pause");
    let (_, rectify) = step("rectify");
    let r = Case::decide(
        case.as_ref(),
        &id,
        &rectify,
        &Acting::new(other_applicant(), at),
    );
    assert_eq!(r, Err(CaseError::OtherApplicant));
    // An applicant cannot open a case in another organisation's name.
    let r = Case::decide(
        None,
        &id,
        &create(false),
        &Acting::new(other_applicant(), at),
    );
    assert_eq!(r, Err(CaseError::OtherApplicant));
}

#[test]
fn commitment_confirmation_needs_an_item_that_allows_it() {
    let id = CaseId::new("C1");
    let mut at = t0();
    let mut case = None;
    for (role, cmd) in [
        (Role::Applicant, create(false)),
        step("submit"),
        step("receive"),
    ] {
        at += Duration::minutes(1);
        case = Some(
            Case::execute(case, &id, &cmd, &Acting::new(actor(role), at))
                .unwrap()
                .0,
        );
    }
    let (role, cmd) = step("ask_commitment");
    let r = Case::decide(case.as_ref(), &id, &cmd, &Acting::new(actor(role), at));
    assert_eq!(r, Err(CaseError::CommitmentNotAllowed));
}

#[test]
fn refusals_for_empty_or_out_of_range_input() {
    let id = CaseId::new("C1");
    let (case, _, at) = run(IN_REVIEW);
    let reviewer = Acting::new(actor(Role::DepartmentReviewer), at);
    let cases: Vec<(CaseCommand, CaseError)> = vec![
        (
            CaseCommand::Pause { points: vec![] },
            CaseError::Empty {
                field: "补正事项".into(),
            },
        ),
        (
            CaseCommand::Pause {
                points: vec![CorrectionPoint {
                    material: "图纸".into(),
                    reason: " ".into(),
                }],
            },
            CaseError::Empty {
                field: "补正原因".into(),
            },
        ),
        (
            CaseCommand::Extend {
                days: 0,
                reason: "x".into(),
            },
            CaseError::ExtensionOutOfRange {
                days: 0,
                max: MAX_EXTENSION_DAYS,
            },
        ),
        (
            CaseCommand::Extend {
                days: 16,
                reason: "x".into(),
            },
            CaseError::ExtensionOutOfRange {
                days: 16,
                max: MAX_EXTENSION_DAYS,
            },
        ),
        (
            CaseCommand::Extend {
                days: 5,
                reason: "".into(),
            },
            CaseError::Empty {
                field: "延期理由".into(),
            },
        ),
        (
            CaseCommand::Return { reasons: vec![] },
            CaseError::Empty {
                field: "退件理由".into(),
            },
        ),
    ];
    for (cmd, expected) in cases {
        assert_eq!(
            Case::decide(case.as_ref(), &id, &cmd, &reviewer),
            Err(expected)
        );
    }
    let earlier = Acting::new(actor(Role::DepartmentReviewer), at - Duration::hours(1));
    let (_, sign) = step("sign1");
    assert!(matches!(
        Case::decide(case.as_ref(), &id, &sign, &earlier),
        Err(CaseError::TimeBeforeLastEvent { .. })
    ));
}

#[test]
fn a_full_case_records_who_when_and_opinion_and_its_trail_verifies() {
    let id = CaseId::new("C1");
    let (case, mut events, at) = run(
        "create attach submit receive accept sign1 pause rectify resume proc_start proc_end extend sign2 sign3",
    );
    let acting = Acting::new(actor(Role::DepartmentReviewer), at + Duration::hours(1))
        .with_opinion("同意核发");
    let (case, evs) = Case::execute(
        case,
        &id,
        &CaseCommand::Complete {
            decision: granted(),
        },
        &acting,
    )
    .unwrap();
    events.extend(evs);
    assert_eq!(case.state, CaseState::Granted);
    let last = events.last().unwrap();
    assert_eq!(last.opinion.as_deref(), Some("同意核发"));
    assert_eq!(last.actor.role, Role::DepartmentReviewer);
    assert_eq!(last.actor.department, Some(DepartmentCode::new("ZJJ")));
    assert_eq!(last.attachments, vec![AttachmentId::new("c".repeat(64))]);
    assert_eq!(
        case.sign_offs
            .iter()
            .map(|s| s.level.as_str())
            .collect::<Vec<_>>(),
        ["受理", "审核", "签批"]
    );
    assert_eq!(case.pauses.len(), 1);
    assert!(case.pauses[0].to.is_some());
    assert_eq!(case.limit_working_days(), Some(13));
    // The projection of the events equals the live state.
    assert_eq!(Case::replay(&events).unwrap(), case);
    // The public notice was untimed: it is a stop of the clock, like the pause.
    let input = case.clock_input().unwrap();
    assert_eq!(input.stopped.len(), 2);
    assert_eq!(input.limit_working_days, 13);
    assert!(input.ended_at.is_some());
    // The sealed trail verifies, and a changed opinion is found.
    let sealed = trail::seal_all("C1", None, events).unwrap();
    assert_eq!(trail::verify("C1", &sealed), Ok(()));
    let mut forged = sealed.clone();
    forged[6].event.opinion = Some("伪造".into());
    assert_eq!(
        trail::verify("C1", &forged),
        Err(trail::TrailError::ContentChanged { seq: 7 })
    );
}

#[test]
fn replay_rejects_trails_that_do_not_start_with_creation() {
    let (_, events, _) = run(RECEIVED);
    assert_eq!(
        Case::replay(&events[1..]),
        Err(ReplayError::FirstEventNotCreated)
    );
    let doubled: Vec<_> = events.iter().chain(events.iter()).cloned().collect();
    assert_eq!(Case::replay(&doubled), Err(ReplayError::CreatedTwice));
    assert_eq!(Case::replay(&[]), Err(ReplayError::Empty));
}

/// 可办理的操作: per state and role, exactly the actions the domain offers; every other action
/// carries the sentence `decide` would refuse it with.
#[test]
fn available_actions_per_state_and_role() {
    use CaseAction as A;
    let table: Vec<(&str, Role, Vec<CaseAction>)> = vec![
        (
            DRAFT,
            Role::Applicant,
            vec![A::AttachMaterial, A::DetachMaterial, A::Submit, A::Withdraw],
        ),
        (
            DRAFT,
            Role::WindowOperator,
            vec![A::AttachMaterial, A::DetachMaterial, A::Submit],
        ),
        (DRAFT, Role::DepartmentReviewer, vec![]),
        (SUBMITTED, Role::WindowOperator, vec![A::Receive]),
        (SUBMITTED, Role::Applicant, vec![A::Withdraw]),
        (
            RECEIVED,
            Role::WindowOperator,
            vec![
                A::RequestCommitmentConfirmation,
                A::Accept,
                A::RequestCorrection,
                A::RefuseAcceptance,
            ],
        ),
        (
            "create attach submit receive ask_commitment",
            Role::DepartmentReviewer,
            vec![A::ConfirmCommitment, A::DeclineCommitment],
        ),
        (
            IN_REVIEW,
            Role::DepartmentReviewer,
            vec![
                A::SignOff,
                A::Pause,
                A::StartSpecialProcedure,
                A::Extend,
                A::Return,
            ],
        ),
        (IN_REVIEW, Role::WindowOperator, vec![]),
        (IN_REVIEW, Role::Applicant, vec![A::Withdraw]),
        (
            SIGNED,
            Role::DepartmentReviewer,
            vec![
                A::Pause,
                A::StartSpecialProcedure,
                A::Extend,
                A::Return,
                A::Complete,
            ],
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 proc_start",
            Role::DepartmentReviewer,
            vec![
                A::Pause,
                A::StartSpecialProcedure,
                A::EndSpecialProcedure,
                A::Extend,
                A::Return,
            ],
        ),
        (
            "create attach submit receive accept pause",
            Role::DepartmentReviewer,
            vec![A::Resume, A::Extend, A::Return],
        ),
        (
            "create attach submit receive accept pause",
            Role::Applicant,
            vec![A::SubmitRectification, A::Withdraw],
        ),
        (
            "create attach submit receive correction",
            Role::Applicant,
            vec![A::AttachMaterial, A::DetachMaterial, A::Submit, A::Withdraw],
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 grant",
            Role::DepartmentReviewer,
            vec![],
        ),
        (
            "create attach submit receive accept sign1 sign2 sign3 grant",
            Role::Applicant,
            vec![],
        ),
        (IN_REVIEW, Role::ReformOffice, vec![]),
    ];
    for (path, role, expected) in table {
        let (case, _, _) = run(path);
        let case = case.unwrap();
        let who = actor(role);
        let answer = case.available_actions(&who);
        assert_eq!(allowed_now(&answer), expected, "{path} as {role:?}");
        assert_answer_agrees(&case, &who, &answer, &format!("{path} as {role:?}"));
    }
    // Another department's reviewer and another applicant are offered nothing, and told why.
    let (case, _, _) = run(IN_REVIEW);
    let case = case.unwrap();
    let answer = case.available_actions(&other_department_reviewer());
    assert!(answer.iter().all(|a| a.refusal.is_some()));
    let sign = answer
        .iter()
        .find(|a| a.action == CaseAction::SignOff)
        .unwrap();
    assert!(
        sign.refusal.as_deref().unwrap().contains("其他部门"),
        "{sign:?}"
    );
    let answer = case.available_actions(&other_applicant());
    assert!(answer.iter().all(|a| a.refusal.is_some()));
}

/// The answer agrees with `decide`: along every path of the table, each named step that
/// `decide` accepts is offered to its role, and each step offered is refused by `decide` only
/// for its content (never for role, scope or state).
#[test]
fn available_actions_agree_with_decide() {
    let paths = [
        DRAFT,
        SUBMITTED,
        RECEIVED,
        IN_REVIEW,
        SIGNED,
        "create attach submit receive ask_commitment",
        "create attach submit receive ask_commitment confirm_commitment",
        "create attach submit receive accept pause",
        "create attach submit receive correction",
        "create attach submit receive accept proc_start",
        "create attach submit receive accept sign1 sign2 sign3 grant",
        "create attach submit receive refuse",
        "create attach withdraw",
    ];
    for path in paths {
        let (case, _, at) = run(path);
        let case = case.unwrap();
        for name in STEPS {
            let (role, cmd) = step(name);
            let decided = Case::decide(
                Some(&case),
                &CaseId::new("C1"),
                &cmd,
                &Acting::new(actor_for(name, role), at + Duration::minutes(1)),
            );
            let offered = case.may(cmd.action(), &actor_for(name, role));
            if decided.is_ok() {
                assert!(
                    offered.is_ok(),
                    "{path} + {name}: decided but not offered: {offered:?}"
                );
            }
            if let (Ok(()), Err(e)) = (&offered, &decided) {
                assert!(
                    !matches!(
                        e,
                        CaseError::InvalidTransition { .. }
                            | CaseError::RoleNotAllowed { .. }
                            | CaseError::OtherDepartment { .. }
                            | CaseError::OtherApplicant
                            | CaseError::MaterialsLocked
                    ),
                    "{path} + {name}: offered but refused by the gate: {e}"
                );
            }
        }
    }
}

/// The desktop UI's tests are given the domain's own answer, not a copy of its rules:
/// `ui/tests/fixtures/available-actions.json` is this table. Regenerate it with
/// `UPDATE_FIXTURES=1 cargo test -p permitdesk-domain --test case_workflow`; the test fails
/// while the file is stale.
#[test]
fn the_ui_fixture_of_available_actions_is_the_domains_answer() {
    let entries: [(&str, &str, Role); 12] = [
        ("draft/applicant", DRAFT, Role::Applicant),
        ("submitted/window_operator", SUBMITTED, Role::WindowOperator),
        (
            "submitted/department_reviewer",
            SUBMITTED,
            Role::DepartmentReviewer,
        ),
        (
            "received/window_operator",
            "create_plain attach submit receive",
            Role::WindowOperator,
        ),
        (
            "received_commitment_allowed/window_operator",
            RECEIVED,
            Role::WindowOperator,
        ),
        (
            "received_commitment_requested/department_reviewer",
            "create attach submit receive ask_commitment",
            Role::DepartmentReviewer,
        ),
        (
            "received_commitment_confirmed/window_operator",
            "create attach submit receive ask_commitment confirm_commitment",
            Role::WindowOperator,
        ),
        (
            "in_review/department_reviewer",
            IN_REVIEW,
            Role::DepartmentReviewer,
        ),
        ("in_review/window_operator", IN_REVIEW, Role::WindowOperator),
        (
            "paused/department_reviewer",
            "create attach submit receive accept pause",
            Role::DepartmentReviewer,
        ),
        (
            "correction_requested/applicant",
            "create attach submit receive correction",
            Role::Applicant,
        ),
        (
            "granted/applicant",
            "create attach submit receive accept sign1 sign2 sign3 grant",
            Role::Applicant,
        ),
    ];
    let table: std::collections::BTreeMap<&str, Vec<ActionAvailability>> = entries
        .iter()
        .map(|(key, path, role)| {
            let (case, _, _) = run(path);
            (*key, case.unwrap().available_actions(&actor(*role)))
        })
        .collect();
    let json = serde_json::to_string_pretty(&table).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/tests/fixtures/available-actions.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == json,
        "{} is stale: run UPDATE_FIXTURES=1 cargo test -p permitdesk-domain --test case_workflow",
        path.display()
    );
}

/// 延期 (行政许可法 §42, seed 7): once per case, within the limit, granted by the holder of the
/// case's top review level, who is recorded as the approver (no typed name).
#[test]
fn an_extension_is_granted_once_by_the_head_and_records_who_granted_it() {
    let id = CaseId::new("C1");
    let (case, _, at) = run(IN_REVIEW);
    let case = case.expect("in review");
    let extend = |days| CaseCommand::Extend {
        days,
        reason: "需组织专家论证".into(),
    };
    // (who, days, expected refusal text or None for granted)
    let table: Vec<(Actor, u32, Option<&str>)> = vec![
        (
            signer("审核"),
            5,
            Some("延期须经本部门负责人批准：应由持有“签批”层级权限的人员办理，审核人未持有该层级"),
        ),
        (actor(Role::WindowOperator), 5, Some("综合窗口")),
        (
            signer("签批"),
            16,
            Some("延期天数应为 1 至 15 个工作日，实际为 16"),
        ),
        (signer("签批"), 10, None),
    ];
    for (who, days, expected) in table {
        let r = Case::execute(
            Some(case.clone()),
            &id,
            &extend(days),
            &Acting::new(who.clone(), at + Duration::minutes(1)),
        );
        match (expected, r) {
            (None, Ok((c, _))) => {
                assert_eq!(c.extensions.len(), 1);
                assert_eq!(c.extensions[0].approved_by, "签批人");
                assert_eq!(
                    c.limit_working_days(),
                    Some(terms().time_limit_working_days + 10)
                );
                // A second extension, by anyone, is refused with the first one named.
                let again = Case::execute(
                    Some(c.clone()),
                    &id,
                    &extend(3),
                    &Acting::new(who.clone(), at + Duration::minutes(2)),
                )
                .expect_err("second extension");
                assert_eq!(
                    again.to_string(),
                    "本办件已于 2024-09-27 10:06 经签批人批准延期 10 个工作日，依法只能延期一次"
                );
                let offered = c.available_actions(&who);
                let ext = offered
                    .iter()
                    .find(|a| a.action == CaseAction::Extend)
                    .expect("extend listed");
                assert!(
                    ext.refusal
                        .as_deref()
                        .is_some_and(|r| r.contains("只能延期一次"))
                );
            }
            (Some(text), Err(e)) => assert!(
                e.to_string().contains(text),
                "{} extending {days}: {e}",
                who.name
            ),
            (exp, r) => panic!("{} extending {days}: expected {exp:?}, got {r:?}", who.name),
        }
    }
}

/// Seed 3: 公示、公告、听证、检验、监测 (and table 2's 勘察) are not timed, every other special
/// procedure is; the command carries no choice, so no client can make one timed or untimed.
#[test]
fn whether_a_special_procedure_is_timed_is_the_laws_not_the_clients() {
    use SpecialProcedureKind as K;
    let id = CaseId::new("C1");
    let (case, _, at) = run(IN_REVIEW);
    let case = case.expect("in review");
    let untimed = [
        K::PublicNotice,
        K::Announcement,
        K::Hearing,
        K::Inspection,
        K::Monitoring,
        K::Investigation,
    ];
    for kind in K::ALL {
        let (c, _) = Case::execute(
            Some(case.clone()),
            &id,
            &CaseCommand::StartSpecialProcedure { procedure: 1, kind },
            &Acting::new(actor(Role::DepartmentReviewer), at + Duration::minutes(1)),
        )
        .expect("started");
        assert_eq!(
            c.procedures[0].timed,
            !untimed.contains(&kind),
            "{}",
            kind.label()
        );
    }
    // A client that still sends `timed` is not listened to.
    let cmd: CaseCommand = serde_json::from_value(serde_json::json!({
        "command": "start_special_procedure", "procedure": 1, "kind": "public_notice", "timed": true
    }))
    .expect("parses");
    let (c, _) = Case::execute(
        Some(case),
        &id,
        &cmd,
        &Acting::new(actor(Role::DepartmentReviewer), at + Duration::minutes(1)),
    )
    .expect("started");
    assert!(!c.procedures[0].timed);
}

/// 法定时限的阶段 of every state, accepted or not: the one table every screen's 办理期限 line
/// follows (the UI reads `ClockView.phase` instead of listing states itself).
#[test]
fn the_clock_phase_of_every_state() {
    use permitdesk_domain::case::{CaseState as S, ClockPhase as P};
    let table = [
        (S::Draft, false, P::NotAccepted),
        (S::Submitted, false, P::NotAccepted),
        (S::Received, false, P::NotAccepted),
        (S::CorrectionRequested, false, P::NotAccepted),
        (S::InReview, true, P::Running),
        (S::InReview, false, P::NotAccepted),
        (S::Paused, true, P::Paused),
        (S::Returned, true, P::Terminated),
        (S::NotAccepted, false, P::Terminated),
        (S::Withdrawn, false, P::Terminated),
        (S::Granted, true, P::Completed),
        (S::Denied, true, P::Completed),
    ];
    for (state, accepted, phase) in table {
        assert_eq!(
            state.clock_phase(accepted),
            phase,
            "{state:?} accepted={accepted}"
        );
    }
}

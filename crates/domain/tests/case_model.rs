//! Random command sequences against the case state machine, compared with a small model
//! written from DOMAIN.md's diagram. Invariants: a refused command changes nothing; an
//! accepted one appends events; replaying the events gives the live state; the sealed trail
//! verifies and any tampering with it is found.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::*;
use permitdesk_domain::ids::*;
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::trail;
use proptest::prelude::*;

const LEVELS: [&str; 3] = ["受理", "审核", "签批"];

#[derive(Debug, Clone, Copy)]
enum Step {
    Create,
    Attach,
    Submit,
    Receive,
    AskCommitment,
    ConfirmCommitment,
    Accept { commitment_based: bool },
    Correction,
    Refuse,
    SignOff(usize),
    Pause,
    Rectify,
    Resume,
    ProcStart(u32),
    ProcEnd(u32),
    Extend,
    Return,
    Withdraw,
    Grant,
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Create),
        Just(Step::Attach),
        Just(Step::Submit),
        Just(Step::Receive),
        Just(Step::AskCommitment),
        Just(Step::ConfirmCommitment),
        any::<bool>().prop_map(|c| Step::Accept {
            commitment_based: c
        }),
        Just(Step::Correction),
        Just(Step::Refuse),
        (0usize..3).prop_map(Step::SignOff),
        Just(Step::Pause),
        Just(Step::Rectify),
        Just(Step::Resume),
        (1u32..3).prop_map(Step::ProcStart),
        (1u32..3).prop_map(Step::ProcEnd),
        Just(Step::Extend),
        Just(Step::Return),
        Just(Step::Withdraw),
        Just(Step::Grant),
    ]
}

fn command(step: Step) -> CaseCommand {
    use CaseCommand as C;
    let point = || {
        vec![CorrectionPoint {
            material: "图纸".into(),
            reason: "缺页".into(),
        }]
    };
    match step {
        Step::Create => C::Create {
            application: ApplicationId::new("A"),
            project: ProjectId::new("P"),
            works: WorksId::new("W"),
            item: ItemCode::new("I"),
            department: DepartmentCode::new("D"),
            applicant: OrganisationId::new("ORG"),
            commitment_allowed: true,
            number: None,
        },
        Step::Attach => C::AttachMaterial {
            material: "图纸".into(),
            attachment: AttachmentId::new("a"),
        },
        Step::Submit => C::Submit {
            stamped_form: AttachmentId::new("f"),
        },
        Step::Receive => C::Receive,
        Step::AskCommitment => C::RequestCommitmentConfirmation,
        Step::ConfirmCommitment => C::ConfirmCommitment,
        Step::Accept { commitment_based } => C::Accept {
            terms: AcceptanceTerms {
                catalogue_version: "1".into(),
                time_limit_working_days: 5,
                review_levels: LEVELS.iter().map(|s| s.to_string()).collect(),
            },
            commitment_based,
        },
        Step::Correction => C::RequestCorrection { points: point() },
        Step::Refuse => C::RefuseAcceptance {
            reasons: vec!["不符合".into()],
        },
        Step::SignOff(i) => C::SignOff {
            level: LEVELS[i].into(),
        },
        Step::Pause => C::Pause { points: point() },
        Step::Rectify => C::SubmitRectification {
            note: "已整改".into(),
        },
        Step::Resume => C::Resume,
        Step::ProcStart(n) => C::StartSpecialProcedure {
            procedure: n,
            kind: SpecialProcedureKind::ExpertReview,
        },
        Step::ProcEnd(n) => C::EndSpecialProcedure {
            procedure: n,
            summary: "通过".into(),
        },
        Step::Extend => C::Extend {
            days: 3,
            reason: "复杂".into(),
        },
        Step::Return => C::Return {
            reasons: vec!["问题较多".into()],
        },
        Step::Withdraw => C::Withdraw {
            reason: "不办了".into(),
        },
        Step::Grant => C::Complete {
            decision: Decision::Denied {
                reasons: vec!["不符合".into()],
            },
        },
    }
}

/// The model: just enough state to say what DOMAIN.md allows.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    state: CaseState,
    commitment: CommitmentStatus,
    signed: usize,
    procs: Vec<(u32, bool)>, // (number, open)
    /// 延期 granted (once per case).
    extended: bool,
}

fn model_step(m: Option<&Model>, step: Step, role: Role, in_scope: bool) -> Option<Model> {
    use CaseState as S;
    let allowed_roles: &[Role] = match step {
        Step::Create | Step::Attach | Step::Submit => &[Role::Applicant, Role::WindowOperator],
        Step::Rectify | Step::Withdraw => &[Role::Applicant],
        Step::Receive
        | Step::AskCommitment
        | Step::Accept { .. }
        | Step::Correction
        | Step::Refuse => &[Role::WindowOperator],
        _ => &[Role::DepartmentReviewer, Role::UtilityUnit],
    };
    if !allowed_roles.contains(&role) {
        return None;
    }
    let Some(m) = m else {
        return matches!(step, Step::Create)
            .then_some(Model {
                state: S::Draft,
                commitment: CommitmentStatus::NotRequested,
                signed: 0,
                procs: vec![],
                extended: false,
            })
            .filter(|_| in_scope || role == Role::WindowOperator);
    };
    if !in_scope && role != Role::WindowOperator {
        return None;
    }
    let mut n = m.clone();
    let s = m.state;
    let ok = match step {
        Step::Create => false,
        Step::Attach => matches!(s, S::Draft | S::CorrectionRequested),
        Step::Submit => {
            let ok = matches!(s, S::Draft | S::CorrectionRequested);
            n.state = S::Submitted;
            ok
        }
        Step::Receive => {
            n.state = S::Received;
            n.commitment = CommitmentStatus::NotRequested;
            s == S::Submitted
        }
        Step::AskCommitment => {
            n.commitment = CommitmentStatus::Requested;
            // Asked once: a second request is refused whatever the department answered.
            s == S::Received && m.commitment == CommitmentStatus::NotRequested
        }
        Step::ConfirmCommitment => {
            n.commitment = CommitmentStatus::Confirmed;
            s == S::Received && m.commitment == CommitmentStatus::Requested
        }
        Step::Accept { commitment_based } => {
            n.state = S::InReview;
            s == S::Received && (!commitment_based || m.commitment == CommitmentStatus::Confirmed)
        }
        Step::Correction => {
            n.state = S::CorrectionRequested;
            s == S::Received
        }
        Step::Refuse => {
            n.state = S::NotAccepted;
            s == S::Received
        }
        Step::SignOff(i) => {
            n.signed += 1;
            s == S::InReview && m.signed == i
        }
        Step::Pause => {
            n.state = S::Paused;
            s == S::InReview
        }
        Step::Rectify => s == S::Paused,
        Step::Resume => {
            n.state = S::InReview;
            s == S::Paused
        }
        Step::ProcStart(p) => {
            n.procs.push((p, true));
            s == S::InReview && !m.procs.iter().any(|(q, _)| *q == p)
        }
        Step::ProcEnd(p) => {
            for q in n.procs.iter_mut().filter(|q| q.0 == p) {
                q.1 = false;
            }
            matches!(s, S::InReview | S::Paused) && m.procs.contains(&(p, true))
        }
        Step::Extend => {
            n.extended = true;
            matches!(s, S::InReview | S::Paused) && !m.extended
        }
        Step::Return => {
            n.state = S::Returned;
            matches!(s, S::InReview | S::Paused)
        }
        Step::Withdraw => {
            n.state = S::Withdrawn;
            !s.is_terminal()
        }
        Step::Grant => {
            n.state = S::Denied;
            s == S::InReview && m.signed == LEVELS.len() && m.procs.iter().all(|q| !q.1)
        }
    };
    if matches!(n.state, S::Returned | S::Withdrawn | S::Denied) {
        for q in n.procs.iter_mut() {
            q.1 = false;
        }
    }
    ok.then_some(n)
}

fn actor(role: Role, in_scope: bool) -> Actor {
    let tag = if in_scope { "" } else { "-OTHER" };
    Actor {
        user: UserId::new(format!("u-{role:?}")),
        name: "某某".into(),
        role,
        department: matches!(role, Role::DepartmentReviewer | Role::UtilityUnit)
            .then(|| DepartmentCode::new(format!("D{tag}"))),
        organisation: (role == Role::Applicant).then(|| OrganisationId::new(format!("ORG{tag}"))),
        levels: vec![],
    }
}

/// The actor of a step: a sign-off at level i is taken by the holder of that level (one
/// person per level, as the directory grants them).
fn actor_for(step: Step, role: Role, in_scope: bool) -> Actor {
    let a = actor(role, in_scope);
    match step {
        Step::SignOff(i) => Actor {
            user: UserId::new(format!("u-{role:?}-{i}")),
            ..a.with_levels([LEVELS[i]])
        },
        // 延期 by the department's head: the holder of the top level, who signs no other.
        Step::Extend => Actor {
            user: UserId::new(format!("u-{role:?}-head")),
            ..a.with_levels([LEVELS[LEVELS.len() - 1]])
        },
        _ => a,
    }
}

fn role_strategy() -> impl Strategy<Value = Role> {
    prop_oneof![
        4 => Just(Role::Applicant),
        4 => Just(Role::WindowOperator),
        4 => Just(Role::DepartmentReviewer),
        1 => Just(Role::UtilityUnit),
        1 => Just(Role::ReformOffice),
        1 => Just(Role::IntermediaryAgency),
        1 => Just(Role::System),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_state_machine_agrees_with_the_model(
        script in prop::collection::vec((step_strategy(), role_strategy(), prop::bool::weighted(0.9)), 1..80),
        tamper in any::<prop::sample::Index>(),
    ) {
        let id = CaseId::new("C");
        let start = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
        let mut run: ModelRun<Case, Model> = ModelRun::new();
        for (i, (step, role, in_scope)) in script.into_iter().enumerate() {
            let acting = Acting::new(actor_for(step, role, in_scope), start + Duration::minutes(i as i64));
            let expected = model_step(run.model.as_ref(), step, role, in_scope);
            let outcome = Case::execute(run.live.clone(), &id, &command(step), &acting);
            run.take(outcome, expected, &format!("{step:?} by {role:?}"), |after, m, before, new_events| {
                prop_assert!(!new_events.is_empty());
                prop_assert_eq!(after.state, m.state);
                prop_assert_eq!(after.commitment, m.commitment);
                prop_assert_eq!(after.sign_offs.len(), m.signed);
                prop_assert_eq!(after.version, before.map_or(0, |c| c.version) + new_events.len() as u64);
                Ok(())
            })?;
        }
        let ModelRun { live: case, events, .. } = run;
        if let Some(live) = &case {
            prop_assert_eq!(&Case::replay(&events).unwrap(), live);
            if live.state.is_terminal() {
                prop_assert!(live.ended_at.is_some() || matches!(live.state, CaseState::NotAccepted));
            }
            let sealed = trail::seal_all("C", None, events).unwrap();
            prop_assert!(trail::verify("C", &sealed).is_ok());
            let head = sealed.last().unwrap();
            let (head_seq, head_hash) = (head.seq, head.hash.clone());
            // Tamper with one event: change its time by a second. Verification must find it.
            let mut forged = sealed.clone();
            let i = tamper.index(forged.len());
            forged[i].event.at += Duration::seconds(1);
            prop_assert!(trail::verify("C", &forged).is_err());
            // Drop one event (if there are two or more): verification must find it.
            if sealed.len() > 1 {
                let mut missing = sealed.clone();
                missing.remove(i);
                prop_assert!(trail::verify_with_head("C", &missing, head_seq, &head_hash).is_err());
            }
        }
    }
}

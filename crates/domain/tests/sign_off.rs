//! 层级审批 bound to the directory (issue 14, seed 7.4): a level is signed only by someone who
//! holds it (层级权限, carried by the actor), no one signs two levels of the same case, and a
//! case is completed (办结) only when its top level is signed. A table of the cases, the
//! refusal sentences, `available_actions`, and a property: no sequence of commands lets one
//! person sign two levels of a case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::*;
use permitdesk_domain::ids::*;
use permitdesk_domain::time::Timestamp;
use proptest::prelude::*;
use std::collections::HashSet;

const LEVELS: [&str; 4] = ["受理", "审核", "复核", "签批"];

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
}

fn person(role: Role, id: &str, name: &str, levels: &[&str]) -> Actor {
    let (department, organisation) = match role {
        Role::Applicant => (None, Some(OrganisationId::new("ORG"))),
        Role::DepartmentReviewer | Role::UtilityUnit => (Some(DepartmentCode::new("ZGJ")), None),
        _ => (None, None),
    };
    Actor {
        user: UserId::new(id),
        name: name.to_owned(),
        role,
        department,
        organisation,
        levels: vec![],
    }
    .with_levels(levels.iter().copied())
}

fn reviewer(id: &str, name: &str, levels: &[&str]) -> Actor {
    person(Role::DepartmentReviewer, id, name, levels)
}

/// A case of ZGJ accepted with the four levels, in review.
fn in_review() -> (Case, Timestamp) {
    let applicant = person(Role::Applicant, "app", "申请人", &[]);
    let window = person(Role::WindowOperator, "win", "窗口", &[]);
    let steps = [
        (
            &applicant,
            CaseCommand::Create {
                application: ApplicationId::new("A"),
                project: ProjectId::new("P"),
                works: WorksId::new("W"),
                item: ItemCode::new("ZGJ-04"),
                department: DepartmentCode::new("ZGJ"),
                applicant: OrganisationId::new("ORG"),
                commitment_allowed: false,
                number: None,
            },
        ),
        (
            &applicant,
            CaseCommand::Submit {
                stamped_form: AttachmentId::new("f"),
            },
        ),
        (&window, CaseCommand::Receive),
        (
            &window,
            CaseCommand::Accept {
                terms: AcceptanceTerms {
                    catalogue_version: "1".into(),
                    time_limit_working_days: 20,
                    review_levels: LEVELS.iter().map(|l| l.to_string()).collect(),
                },
                commitment_based: false,
            },
        ),
    ];
    let mut case = None;
    let mut at = t0();
    for (who, cmd) in steps {
        at += Duration::minutes(1);
        case = Some(
            Case::execute(case, &CaseId::new("C"), &cmd, &Acting::new(who.clone(), at))
                .unwrap()
                .0,
        );
    }
    (case.unwrap(), at)
}

fn sign(level: &str) -> CaseCommand {
    CaseCommand::SignOff {
        level: level.to_owned(),
    }
}

fn grant() -> CaseCommand {
    CaseCommand::Complete {
        decision: Decision::Granted {
            certificate: CertificateRecord {
                number: CertificateNumber::new("ZS-1"),
                name: "建设工程规划许可证".into(),
                issued_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
                valid_until: None,
                file: None,
            },
        },
    }
}

/// The people of the table: one holder per level, one who holds two, one who holds none.
fn people() -> [Actor; 6] {
    [
        reviewer("zhang", "张受理", &["受理"]),
        reviewer("li", "李审核", &["审核"]),
        reviewer("sun", "孙复核", &["复核"]),
        reviewer("chen", "陈签批", &["签批"]),
        reviewer("wang", "王双", &["受理", "审核"]),
        reviewer("zhao", "赵无", &[]),
    ]
}

fn who(id: &str) -> Actor {
    people()
        .into_iter()
        .find(|p| p.user.as_str() == id)
        .unwrap()
}

/// Run `(signer, command)` steps one minute apart from the case in review; all must apply.
fn after(steps: &[(&str, CaseCommand)]) -> (Case, Timestamp) {
    let (mut case, mut at) = in_review();
    for (id, cmd) in steps {
        at += Duration::minutes(1);
        case = Case::execute(
            Some(case),
            &CaseId::new("C"),
            cmd,
            &Acting::new(who(id), at),
        )
        .unwrap_or_else(|e| panic!("{id} {cmd:?}: {e}"))
        .0;
    }
    (case, at)
}

#[test]
fn sign_offs_follow_the_directory_table() {
    type Expect = Result<CaseState, fn(&CaseError) -> bool>;
    type Row<'a> = (
        &'a str,
        &'a [(&'a str, CaseCommand)],
        &'a str,
        CaseCommand,
        Expect,
    );
    let first = [("zhang", sign("受理"))];
    let wang_first = [("wang", sign("受理"))];
    let three = [
        ("zhang", sign("受理")),
        ("li", sign("审核")),
        ("sun", sign("复核")),
    ];
    let four = [
        ("zhang", sign("受理")),
        ("li", sign("审核")),
        ("sun", sign("复核")),
        ("chen", sign("签批")),
    ];
    let table: Vec<Row> = vec![
        (
            "right level",
            &[],
            "zhang",
            sign("受理"),
            Ok(CaseState::InReview),
        ),
        (
            "holder of two levels signs one",
            &[],
            "wang",
            sign("受理"),
            Ok(CaseState::InReview),
        ),
        (
            "a level the signer does not hold",
            &[],
            "li",
            sign("受理"),
            Err(|e| matches!(e, CaseError::LevelNotHeld { level, .. } if level == "受理")),
        ),
        (
            "a signer without any level",
            &[],
            "zhao",
            sign("受理"),
            Err(|e| matches!(e, CaseError::LevelNotHeld { held, .. } if held.is_empty())),
        ),
        (
            "the wrong level named",
            &[],
            "li",
            sign("审核"),
            Err(|e| matches!(e, CaseError::WrongReviewLevel { .. })),
        ),
        (
            "the next level by its holder",
            &first,
            "li",
            sign("审核"),
            Ok(CaseState::InReview),
        ),
        (
            "same person, second level, though held",
            &wang_first,
            "wang",
            sign("审核"),
            Err(|e| {
                matches!(e, CaseError::SameSignerTwice { signed, level, .. }
                    if signed == "受理" && level == "审核")
            }),
        ),
        (
            "completion before any level",
            &[],
            "chen",
            grant(),
            Err(|e| matches!(e, CaseError::LevelsMissing { missing } if missing.len() == 4)),
        ),
        (
            "completion before the top level",
            &three,
            "chen",
            grant(),
            Err(|e| matches!(e, CaseError::LevelsMissing { missing } if missing == &["签批"])),
        ),
        (
            "completion after the top level",
            &four,
            "chen",
            grant(),
            Ok(CaseState::Granted),
        ),
        (
            "nothing left to sign",
            &four,
            "wang",
            sign("受理"),
            Err(|e| matches!(e, CaseError::AllLevelsSigned)),
        ),
    ];
    for (name, before, signer, cmd, expected) in table {
        let (case, at) = after(before);
        let acting = Acting::new(who(signer), at + Duration::minutes(1));
        let result = Case::execute(Some(case.clone()), &CaseId::new("C"), &cmd, &acting);
        match (expected, result) {
            (Ok(state), Ok((c, events))) => {
                assert_eq!(c.state, state, "{name}");
                assert_eq!(events.len(), 1, "{name}");
                if let CaseCommand::SignOff { level } = &cmd {
                    let rec = c.sign_offs.last().unwrap();
                    assert_eq!(
                        (
                            rec.level.as_str(),
                            rec.by.user.as_str(),
                            rec.by.name.as_str()
                        ),
                        (level.as_str(), signer, who(signer).name.as_str()),
                        "{name}: the record names the signer"
                    );
                    assert_eq!(rec.at, acting.at);
                }
            }
            (Err(matcher), Err(e)) => assert!(matcher(&e), "{name}: unexpected refusal {e:?}"),
            (Ok(_), Err(e)) => panic!("{name}: refused: {e}"),
            (Err(_), Ok((c, _))) => panic!("{name}: accepted into {:?}", c.state),
        }
    }
}

#[test]
fn the_refusals_say_which_level_and_who_may_sign_it() {
    let (case, at) = in_review();
    let at = at + Duration::minutes(1);
    let id = CaseId::new("C");
    let e = Case::decide(Some(&case), &id, &sign("受理"), &Acting::new(who("li"), at)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "“受理”须由持有该层级权限的审批人员签署：李审核持有的层级为“审核”；请由持有“受理”层级的人员签署，或由管理员在用户目录中为其设置该层级"
    );
    let e = Case::decide(
        Some(&case),
        &id,
        &sign("受理"),
        &Acting::new(who("zhao"), at),
    )
    .unwrap_err();
    assert!(e.to_string().contains("赵无未被授予任何审批层级"), "{e}");
    let (case, at) = after(&[("wang", sign("受理"))]);
    let e = Case::decide(
        Some(&case),
        &id,
        &sign("审核"),
        &Acting::new(who("wang"), at + Duration::minutes(1)),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "本办件的“受理”已由王双签署，同一人不能签署两个层级；“审核”应由持有该层级的其他审批人员签署"
    );
    let (case, at) = after(&[
        ("zhang", sign("受理")),
        ("li", sign("审核")),
        ("sun", sign("复核")),
    ]);
    let e = Case::decide(
        Some(&case),
        &id,
        &grant(),
        &Acting::new(who("chen"), at + Duration::minutes(1)),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "层级审批尚未完成，还需：签批；各层级（直至最高一级“签批”）均签署后方可办结"
    );
}

#[test]
fn available_actions_offer_the_sign_off_to_the_holder_only() {
    let refusal = |case: &Case, id: &str| {
        case.available_actions(&who(id))
            .into_iter()
            .find(|a| a.action == CaseAction::SignOff)
            .unwrap()
            .refusal
    };
    let (case, _) = in_review();
    assert_eq!(refusal(&case, "zhang"), None);
    assert_eq!(refusal(&case, "wang"), None);
    assert!(
        refusal(&case, "li")
            .unwrap()
            .starts_with("“受理”须由持有该层级权限")
    );
    let (case, _) = after(&[("wang", sign("受理"))]);
    assert_eq!(refusal(&case, "li"), None);
    assert_eq!(
        refusal(&case, "wang").unwrap(),
        "本办件的“受理”已由王双签署，同一人不能签署两个层级；“审核”应由持有该层级的其他审批人员签署"
    );
    // What `may` offers, `decide` accepts (for the right level), and the other way round.
    for p in people() {
        let offered = case.may(CaseAction::SignOff, &p);
        let decided = Case::decide(
            Some(&case),
            &CaseId::new("C"),
            &sign("审核"),
            &Acting::new(p.clone(), case.last_event_at + Duration::minutes(1)),
        );
        assert_eq!(offered.is_ok(), decided.is_ok(), "{}", p.user);
        if let (Err(a), Err(b)) = (offered, decided) {
            assert_eq!(a, b, "{}", p.user);
        }
    }
}

/// A pool of reviewers of ZGJ with random levels (several may hold the same level, one may hold
/// several), and random commands: sign the next level, sign some level, pause, resume, complete.
#[derive(Debug, Clone)]
enum Step {
    SignNext(usize),
    SignAny(usize, usize),
    Pause(usize),
    Resume(usize),
    Complete(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0usize..5).prop_map(Step::SignNext),
        2 => (0usize..5, 0usize..4).prop_map(|(p, l)| Step::SignAny(p, l)),
        1 => (0usize..5).prop_map(Step::Pause),
        1 => (0usize..5).prop_map(Step::Resume),
        2 => (0usize..5).prop_map(Step::Complete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_commands_lets_one_person_sign_two_levels(
        grants in prop::collection::vec(prop::collection::vec(any::<bool>(), 4), 5),
        script in prop::collection::vec(step(), 1..40),
    ) {
        let pool: Vec<Actor> = grants
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let held: Vec<&str> =
                    LEVELS.iter().zip(g).filter(|(_, h)| **h).map(|(l, _)| *l).collect();
                reviewer(&format!("r{i}"), &format!("审批人{i}"), &held)
            })
            .collect();
        let (mut case, mut at) = in_review();
        let id = CaseId::new("C");
        for s in script {
            at += Duration::minutes(1);
            let (p, cmd) = match s {
                Step::SignNext(p) => (p, sign(case.next_level().unwrap_or("签批"))),
                Step::SignAny(p, l) => (p, sign(LEVELS[l])),
                Step::Pause(p) => (p, CaseCommand::Pause {
                    points: vec![CorrectionPoint { material: "图纸".into(), reason: "缺页".into() }],
                }),
                Step::Resume(p) => (p, CaseCommand::Resume),
                Step::Complete(p) => (p, grant()),
            };
            let acting = Acting::new(pool[p].clone(), at);
            match Case::execute(Some(case.clone()), &id, &cmd, &acting) {
                Ok((next, _)) => case = next,
                Err(_) => {
                    // A refusal changes nothing; `decide` on the same state refuses again.
                    prop_assert!(Case::decide(Some(&case), &id, &cmd, &acting).is_err());
                }
            }
            let signers: HashSet<&str> = case.sign_offs.iter().map(|s| s.by.user.as_str()).collect();
            prop_assert_eq!(signers.len(), case.sign_offs.len(), "one person signed two levels");
            for s in &case.sign_offs {
                prop_assert!(s.by.holds_level(&s.level), "{} signed {} without holding it", s.by.user, s.level);
            }
            if case.state == CaseState::Granted {
                prop_assert_eq!(case.sign_offs.len(), LEVELS.len(), "completed before the top level");
            }
        }
    }
}

/// Two holders of 受理 sign at once: the server decides the second against the state the
/// first left, and the loser is told who signed and when (Beijing time to the minute), not
/// that the level is the wrong one.
#[test]
fn the_loser_of_a_race_is_told_who_signed_the_level_and_when() {
    let (case, at) = after(&[("zhang", sign("受理"))]);
    let err = Case::execute(
        Some(case),
        &CaseId::new("C"),
        &sign("受理"),
        &Acting::new(who("wang"), at + Duration::minutes(1)),
    )
    .unwrap_err();
    assert!(
        matches!(&err, CaseError::LevelAlreadySigned { level, by, .. } if level == "受理" && by == "张受理"),
        "{err:?}"
    );
    // t0 is 09:00 Beijing; the sign-off came five minutes later.
    assert_eq!(
        err.to_string(),
        "“受理”已由张受理于 2026-03-02 09:05 签署，无需再签"
    );
}

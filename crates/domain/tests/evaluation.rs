//! 好差评 and 建议投诉 (seed 11 网上互动): the rating, rectification, appeal and complaint
//! workflows as tables of real cases, random command sequences against small models, and the
//! statistics of both against hand counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::evaluation::*;
use permitdesk_domain::ids::{CaseId, DepartmentCode, ItemCode, OrganisationId, UserId};
use permitdesk_domain::statistics::Period;
use permitdesk_domain::statistics::sample;
use permitdesk_domain::time::{LocalTime, Timestamp, from_local, parse_local};
use proptest::prelude::*;

fn lt(s: &str) -> LocalTime {
    parse_local(s).unwrap()
}

fn at(s: &str) -> Timestamp {
    from_local(lt(s))
}

fn person(role: Role, department: Option<&str>, organisation: Option<&str>) -> Actor {
    Actor {
        user: UserId::new(format!("{role:?}")),
        name: "某某".into(),
        role,
        department: department.map(DepartmentCode::new),
        organisation: organisation.map(OrganisationId::new),
        levels: vec![],
    }
}

fn applicant() -> Actor {
    person(Role::Applicant, None, Some("ORG"))
}
fn reviewer() -> Actor {
    person(Role::DepartmentReviewer, Some("ZJJ"), None)
}
fn office() -> Actor {
    person(Role::ReformOffice, None, None)
}

fn case_subject(case: &str) -> RatingSubject {
    RatingSubject::Case {
        case: CaseId::new(case),
        item: ItemCode::new("ZJJ-03"),
        department: DepartmentCode::new("ZJJ"),
        applicant: OrganisationId::new("ORG"),
    }
}

fn rate(subject: RatingSubject, level: Level, comment: &str) -> EvaluationCommand {
    EvaluationCommand::Rate {
        subject,
        level,
        dimensions: vec![],
        comment: comment.into(),
    }
}

/// Run commands that must all be accepted.
/// (state, id, command, actor, time, expected message).
type Refusal<'a> = (
    Option<&'a Evaluation>,
    EvaluationId,
    EvaluationCommand,
    Actor,
    Timestamp,
    &'a str,
);

/// (subject, level, indicators, rated at, then-steps by the department or the office).
type Play<'a> = (
    RatingSubject,
    Level,
    Vec<DimensionScore>,
    &'a str,
    Vec<(Actor, EvaluationCommand, &'a str)>,
);

fn run(steps: &[(Actor, EvaluationCommand, &str)]) -> (Evaluation, Vec<EvaluationEvent>) {
    let mut state = None;
    let mut log = vec![];
    let id = match &steps[0].1 {
        EvaluationCommand::Rate { subject, .. } => subject.evaluation_id(),
        _ => panic!("first step must rate"),
    };
    for (who, cmd, t) in steps {
        let (s, events) =
            Evaluation::execute(state, &id, cmd, who, at(t), &EvaluationPolicy::default())
                .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        state = Some(s);
        log.extend(events);
    }
    (state.unwrap(), log)
}

#[test]
fn a_good_rating_opens_nothing_and_a_bad_one_opens_a_rectification_with_a_deadline() {
    let (good, events) = run(&[(
        applicant(),
        rate(case_subject("C1"), Level::BasicallySatisfied, ""),
        "2024-09-27 10:00",
    )]);
    assert_eq!(events.len(), 1);
    assert!(good.rectification.is_none() && !good.is_bad());
    assert_eq!(good.id.as_str(), "case/C1");

    let (bad, events) = run(&[(
        applicant(),
        rate(case_subject("C2"), Level::Dissatisfied, "窗口让我跑了三趟"),
        "2024-09-27 10:00",
    )]);
    assert_eq!(events.len(), 2);
    let r = bad.rectification.as_ref().unwrap();
    assert_eq!(
        (r.status, r.limit_working_days),
        (RectificationStatus::Pending, 15)
    );
    assert_eq!(r.department.as_str(), "ZJJ");
    // 15 working days after Fri 09-27 (not counted): 09-29 (Sun, worked), 09-30, then after
    // 国庆 10-08..12 (10-12 Sat worked), 10-14..18, 10-21, 22, 23: the 15th is 10-23.
    let cal = WorkingCalendar::shipped();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    assert_eq!(r.deadline(&clock).unwrap(), lt("2024-10-23 17:00"));
    assert!(!r.is_overdue(&clock, lt("2024-10-23 17:00")).unwrap());
    assert!(r.is_overdue(&clock, lt("2024-10-24 09:00")).unwrap());
    assert_eq!(Evaluation::replay(&events).unwrap(), bad);
}

#[test]
fn rectification_runs_to_the_callback() {
    let s = case_subject("C3");
    let (ev, events) = run(&[
        (
            applicant(),
            rate(s, Level::VeryDissatisfied, "审批超期"),
            "2024-10-08 09:00",
        ),
        (
            reviewer(),
            EvaluationCommand::StartRectification {
                plan: "核实超期原因，约谈经办人".into(),
            },
            "2024-10-08 15:00",
        ),
        (
            reviewer(),
            EvaluationCommand::CompleteRectification {
                result: "已办结并向申请人说明".into(),
            },
            "2024-10-10 10:00",
        ),
        (
            office(),
            EvaluationCommand::RecordCallback {
                applicant_satisfied: true,
                note: "电话回访，申请人表示认可".into(),
            },
            "2024-10-11 10:00",
        ),
    ]);
    let r = ev.rectification.as_ref().unwrap();
    assert_eq!(r.status, RectificationStatus::Done);
    assert_eq!(r.closed_at, Some(at("2024-10-10 10:00")));
    assert!(r.callback.as_ref().unwrap().applicant_satisfied);
    assert_eq!(events.len(), 5);
    assert_eq!(Evaluation::replay(&events).unwrap(), ev);
}

#[test]
fn an_upheld_appeal_annuls_the_rating_and_a_rejected_one_lets_rectification_go_on() {
    let appeal = EvaluationCommand::Appeal {
        reason: "申请人材料不全，差评与事实不符".into(),
    };
    let (upheld, _) = run(&[
        (
            applicant(),
            rate(case_subject("C4"), Level::Dissatisfied, "太慢"),
            "2024-10-08 09:00",
        ),
        (reviewer(), appeal.clone(), "2024-10-08 10:00"),
        (
            office(),
            EvaluationCommand::DecideAppeal {
                upheld: true,
                reason: "经核实属误评".into(),
            },
            "2024-10-09 10:00",
        ),
    ]);
    assert!(upheld.is_annulled());
    assert_eq!(
        upheld.rectification.as_ref().unwrap().status,
        RectificationStatus::Annulled
    );

    let (rejected, _) = run(&[
        (
            applicant(),
            rate(case_subject("C5"), Level::Dissatisfied, "太慢"),
            "2024-10-08 09:00",
        ),
        (reviewer(), appeal.clone(), "2024-10-08 10:00"),
        (
            office(),
            EvaluationCommand::DecideAppeal {
                upheld: false,
                reason: "确属超期".into(),
            },
            "2024-10-09 10:00",
        ),
        (
            reviewer(),
            EvaluationCommand::DeclareCannotRectify {
                reason: "法律规定的时限不能压缩".into(),
            },
            "2024-10-10 10:00",
        ),
    ]);
    assert!(!rejected.is_annulled());
    assert_eq!(
        rejected.rectification.as_ref().unwrap().status,
        RectificationStatus::CannotRectify
    );
    // Only one appeal.
    let err = Evaluation::decide(
        Some(&rejected),
        &rejected.id,
        &appeal,
        &reviewer(),
        at("2024-10-11 10:00"),
        &EvaluationPolicy::default(),
    )
    .unwrap_err();
    assert_eq!(err, EvaluationError::AlreadyAppealed);
}

#[test]
fn refusals_name_the_reason() {
    let policy = EvaluationPolicy::default();
    let bad = run(&[(
        applicant(),
        rate(case_subject("C6"), Level::Dissatisfied, "差"),
        "2024-10-08 09:00",
    )])
    .0;
    let good = run(&[(
        applicant(),
        rate(case_subject("C7"), Level::Satisfied, ""),
        "2024-10-08 09:00",
    )])
    .0;
    let appealed = run(&[
        (
            applicant(),
            rate(case_subject("C8"), Level::Dissatisfied, "差"),
            "2024-10-08 09:00",
        ),
        (
            reviewer(),
            EvaluationCommand::Appeal {
                reason: "误评".into(),
            },
            "2024-10-08 10:00",
        ),
    ])
    .0;
    let window_visit = RatingSubject::WindowVisit {
        visit: VisitId::new("V-0001"),
        department: DepartmentCode::new("ZHCK"),
        applicant: OrganisationId::new("ORG"),
    };
    let start = EvaluationCommand::StartRectification {
        plan: "整改".into(),
    };
    let t = at("2024-10-09 09:00");
    let cases: Vec<Refusal> = vec![
        (
            None,
            EvaluationId::new("case/C9"),
            rate(case_subject("C9"), Level::Dissatisfied, ""),
            applicant(),
            t,
            "差评须说明原因：请选择不满意的评价指标或填写评价内容",
        ),
        (
            None,
            EvaluationId::new("case/OTHER"),
            rate(case_subject("C9"), Level::Satisfied, ""),
            applicant(),
            t,
            "评价编号 case/OTHER 与评价对象不符（应为 case/C9）",
        ),
        (
            None,
            EvaluationId::new("case/C9"),
            rate(case_subject("C9"), Level::Satisfied, ""),
            person(Role::Applicant, None, Some("ORG-OTHER")),
            t,
            "只能评价本单位的办件或窗口服务",
        ),
        (
            None,
            EvaluationId::new("case/C9"),
            rate(case_subject("C9"), Level::Satisfied, ""),
            reviewer(),
            t,
            "角色“审批部门”不能评价",
        ),
        (
            None,
            window_visit.evaluation_id(),
            EvaluationCommand::Rate {
                subject: window_visit.clone(),
                level: Level::Satisfied,
                dimensions: vec![DimensionScore {
                    dimension: Dimension::PlatformUsability,
                    level: Level::Satisfied,
                }],
                comment: String::new(),
            },
            applicant(),
            t,
            "“平台操作性”不是现场评价（一次一评）的评价指标",
        ),
        (
            None,
            window_visit.evaluation_id(),
            EvaluationCommand::Rate {
                subject: window_visit.clone(),
                level: Level::Satisfied,
                dimensions: vec![
                    DimensionScore {
                        dimension: Dimension::ServiceAttitude,
                        level: Level::Satisfied,
                    },
                    DimensionScore {
                        dimension: Dimension::ServiceAttitude,
                        level: Level::Satisfied,
                    },
                ],
                comment: String::new(),
            },
            applicant(),
            t,
            "评价指标“服务态度”重复",
        ),
        (
            None,
            bad.id.clone(),
            start.clone(),
            reviewer(),
            t,
            "尚无该评价，只能先评价",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            rate(case_subject("C6"), Level::Satisfied, ""),
            applicant(),
            t,
            "已经评价过，每件办件、每次窗口服务只能评价一次",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            start.clone(),
            person(Role::DepartmentReviewer, Some("ZGJ"), None),
            t,
            "该评价针对ZJJ，本部门（ZGJ）不能办理",
        ),
        (
            Some(&good),
            good.id.clone(),
            start.clone(),
            reviewer(),
            t,
            "该评价不是差评，无需整改或申诉",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            EvaluationCommand::CompleteRectification {
                result: "好了".into(),
            },
            reviewer(),
            t,
            "整改处于“待整改”状态，不能完成整改",
        ),
        (
            Some(&appealed),
            appealed.id.clone(),
            start.clone(),
            reviewer(),
            t,
            "差评申诉正在复核，复核前不能开始整改",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            EvaluationCommand::DecideAppeal {
                upheld: true,
                reason: "误评".into(),
            },
            office(),
            t,
            "没有待复核的申诉",
        ),
        (
            Some(&appealed),
            appealed.id.clone(),
            EvaluationCommand::DecideAppeal {
                upheld: true,
                reason: "误评".into(),
            },
            reviewer(),
            t,
            "角色“审批部门”不能复核申诉",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            EvaluationCommand::StartRectification { plan: "  ".into() },
            reviewer(),
            t,
            "整改方案不能为空",
        ),
        (
            Some(&bad),
            bad.id.clone(),
            start.clone(),
            reviewer(),
            at("2024-10-08 08:00"),
            "操作时间 2024-10-08 00:00:00 UTC 早于该评价上一条记录的时间 2024-10-08 01:00:00 UTC",
        ),
    ];
    for (state, id, cmd, who, t, message) in cases {
        let err = Evaluation::decide(state, &id, &cmd, &who, t, &policy).unwrap_err();
        assert_eq!(err.to_string(), message, "{cmd:?}");
    }
}

#[test]
fn only_finished_cases_can_be_rated() {
    let d = sample::fixed().unwrap();
    let open = d.cases.iter().find(|c| c.id.as_str() == "C11").unwrap();
    assert_eq!(
        RatingSubject::of_case(open).unwrap_err().to_string(),
        "办件处于“暂停整改”状态，办理结束后才能评价"
    );
    let done = d.cases.iter().find(|c| c.id.as_str() == "C10").unwrap();
    let subject = RatingSubject::of_case(done).unwrap();
    assert_eq!(subject.department().as_str(), "GDGS");
    assert_eq!(subject.evaluation_id().as_str(), "case/C10");
    assert_eq!(subject.channel(), Channel::Online);

    // The form the app draws: five levels best first, the two lowest 差评; the online
    // channel's four national indicators in order; the one evaluation id.
    let form = subject.form();
    assert_eq!(form.evaluation.as_str(), "case/C10");
    let levels: Vec<(Level, bool)> = form.levels.iter().map(|c| (c.level, c.bad)).collect();
    assert_eq!(
        levels,
        [
            (Level::VerySatisfied, false),
            (Level::Satisfied, false),
            (Level::BasicallySatisfied, false),
            (Level::Dissatisfied, true),
            (Level::VeryDissatisfied, true),
        ]
    );
    assert_eq!(
        form.dimensions,
        [
            Dimension::Efficiency,
            Dimension::GuideAccuracy,
            Dimension::Convenience,
            Dimension::PlatformUsability,
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Complaints.

fn submit() -> ComplaintCommand {
    ComplaintCommand::Submit {
        kind: ComplaintKind::Complaint,
        title: "施工许可超期未办结".into(),
        content: "10月15日受理，至今未办结".into(),
        project: None,
        department: Some(DepartmentCode::new("ZJJ")),
    }
}

fn assign(department: &str, days: u32) -> ComplaintCommand {
    ComplaintCommand::Assign {
        department: DepartmentCode::new(department),
        limit_working_days: days,
    }
}

fn play_complaint(steps: &[(Actor, ComplaintCommand, &str)]) -> Complaint {
    let id = ComplaintId::new("TS-1");
    let mut state = None;
    let mut log = vec![];
    for (who, cmd, t) in steps {
        let (s, events) = Complaint::execute(state, &id, cmd, who, at(t))
            .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        state = Some(s);
        log.extend(events);
    }
    let c = state.unwrap();
    assert_eq!(Complaint::replay(&log).unwrap(), c);
    c
}

#[test]
fn a_complaint_is_assigned_answered_and_the_answer_shown_to_its_submitter_only() {
    let c = play_complaint(&[
        (applicant(), submit(), "2024-10-21 09:00"),
        // Routed first to the wrong department, then re-routed.
        (office(), assign("ZGJ", 5), "2024-10-21 10:00"),
        (office(), assign("ZJJ", 5), "2024-10-22 10:00"),
        (
            reviewer(),
            ComplaintCommand::Answer {
                answer: "已于10月22日办结，超期原因已向申请人说明".into(),
            },
            "2024-10-25 16:00",
        ),
    ]);
    assert_eq!(c.state, ComplaintState::Answered);
    assert_eq!(c.department().unwrap().as_str(), "ZJJ");
    // 5 working days after 10-22 (not counted): 10-23..25, 28, 29.
    let cal = WorkingCalendar::shipped();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    assert_eq!(
        c.answer_deadline(&clock).unwrap().unwrap(),
        lt("2024-10-29 17:00")
    );
    assert!(c.answer_for(&applicant()).unwrap().is_some());
    assert!(c.answer_for(&office()).unwrap().is_some());
    assert!(c.answer_for(&reviewer()).unwrap().is_some());
    for outsider in [
        person(Role::Applicant, None, Some("ORG-OTHER")),
        person(Role::DepartmentReviewer, Some("ZGJ"), None),
        person(Role::IntermediaryAgency, None, Some("ORG")),
    ] {
        assert_eq!(c.answer_for(&outsider), Err(ComplaintError::NotVisible));
    }
}

#[test]
fn complaint_refusals_name_the_reason() {
    let submitted = play_complaint(&[(applicant(), submit(), "2024-10-21 09:00")]);
    let assigned = play_complaint(&[
        (applicant(), submit(), "2024-10-21 09:00"),
        (office(), assign("ZJJ", 5), "2024-10-21 10:00"),
    ]);
    let t = at("2024-10-23 09:00");
    let id = ComplaintId::new("TS-1");
    let cases: Vec<(Option<&Complaint>, ComplaintCommand, Actor, &str)> = vec![
        (
            None,
            assign("ZJJ", 5),
            office(),
            "尚无该建议投诉，只能先提交",
        ),
        (
            None,
            submit(),
            person(Role::Applicant, None, None),
            "申请人账号未关联单位，不能提交建议投诉",
        ),
        (
            Some(&submitted),
            submit(),
            applicant(),
            "该建议投诉已提交，不能重复提交",
        ),
        (
            Some(&submitted),
            assign("ZJJ", 5),
            reviewer(),
            "角色“审批部门”不能分办",
        ),
        (
            Some(&submitted),
            assign("ZJJ", 0),
            office(),
            "答复时限应为 1 至 60 个工作日，实际为 0",
        ),
        (
            Some(&submitted),
            assign("ZJJ", 61),
            office(),
            "答复时限应为 1 至 60 个工作日，实际为 61",
        ),
        (
            Some(&submitted),
            ComplaintCommand::Answer {
                answer: "好".into(),
            },
            reviewer(),
            "建议投诉处于“待分办”状态，不能答复",
        ),
        (
            Some(&assigned),
            ComplaintCommand::Answer {
                answer: "好".into(),
            },
            person(Role::DepartmentReviewer, Some("ZGJ"), None),
            "该建议投诉已分办给ZJJ，本部门（ZGJ）不能答复",
        ),
        (
            Some(&assigned),
            ComplaintCommand::Answer { answer: " ".into() },
            reviewer(),
            "答复内容不能为空",
        ),
        (
            Some(&assigned),
            ComplaintCommand::Dismiss {
                reason: "重复".into(),
            },
            office(),
            "建议投诉处于“办理中”状态，不能不予受理",
        ),
    ];
    for (state, cmd, who, message) in cases {
        let err = Complaint::decide(state, &id, &cmd, &who, t).unwrap_err();
        assert_eq!(err.to_string(), message, "{cmd:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Models.

#[derive(Debug, Clone, Copy)]
enum EvStep {
    Rate { level: usize, reason: bool },
    Start,
    Complete,
    Cannot,
    Callback,
    Appeal,
    Decide(bool),
}

fn ev_command(step: EvStep) -> EvaluationCommand {
    match step {
        EvStep::Rate { level, reason } => rate(
            case_subject("C"),
            Level::ALL[level],
            if reason { "原因" } else { "" },
        ),
        EvStep::Start => EvaluationCommand::StartRectification {
            plan: "方案".into(),
        },
        EvStep::Complete => EvaluationCommand::CompleteRectification {
            result: "结果".into(),
        },
        EvStep::Cannot => EvaluationCommand::DeclareCannotRectify {
            reason: "理由".into(),
        },
        EvStep::Callback => EvaluationCommand::RecordCallback {
            applicant_satisfied: true,
            note: "回访".into(),
        },
        EvStep::Appeal => EvaluationCommand::Appeal {
            reason: "误评".into(),
        },
        EvStep::Decide(upheld) => EvaluationCommand::DecideAppeal {
            upheld,
            reason: "复核".into(),
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Appealed {
    No,
    Pending,
    Decided,
}

/// What the rules allow, written down plainly.
#[derive(Debug, Clone, PartialEq)]
struct EvModel {
    bad: bool,
    status: Option<RectificationStatus>,
    appeal: Appealed,
    called_back: bool,
}

fn ev_model(m: Option<&EvModel>, step: EvStep, role: Role, in_scope: bool) -> Option<EvModel> {
    use RectificationStatus as S;
    let department_side = [
        Role::DepartmentReviewer,
        Role::UtilityUnit,
        Role::WindowOperator,
    ];
    let roles: Vec<Role> = match step {
        EvStep::Rate { .. } => vec![Role::Applicant],
        EvStep::Callback => [&department_side[..], &[Role::ReformOffice]].concat(),
        EvStep::Decide(_) => vec![Role::ReformOffice],
        _ => department_side.to_vec(),
    };
    if !roles.contains(&role) {
        return None;
    }
    let Some(m) = m else {
        let EvStep::Rate { level, reason } = step else {
            return None;
        };
        let bad = level >= 3;
        return (in_scope && (!bad || reason)).then_some(EvModel {
            bad,
            status: bad.then_some(S::Pending),
            appeal: Appealed::No,
            called_back: false,
        });
    };
    if role != Role::ReformOffice && !in_scope {
        return None;
    }
    let status = m.status?;
    let mut n = m.clone();
    let free = m.appeal != Appealed::Pending;
    let ok = match step {
        EvStep::Rate { .. } => false,
        EvStep::Start => {
            n.status = Some(S::Rectifying);
            status == S::Pending && free
        }
        EvStep::Complete => {
            n.status = Some(S::Done);
            status == S::Rectifying && free
        }
        EvStep::Cannot => {
            n.status = Some(S::CannotRectify);
            status.is_open() && free
        }
        EvStep::Callback => {
            n.called_back = true;
            matches!(status, S::Done | S::CannotRectify) && !m.called_back
        }
        EvStep::Appeal => {
            n.appeal = Appealed::Pending;
            m.appeal == Appealed::No && status.is_open()
        }
        EvStep::Decide(upheld) => {
            n.appeal = Appealed::Decided;
            if upheld {
                n.status = Some(S::Annulled);
            }
            m.appeal == Appealed::Pending
        }
    };
    ok.then_some(n)
}

fn ev_step() -> impl Strategy<Value = EvStep> {
    prop_oneof![
        (0usize..5, any::<bool>()).prop_map(|(level, reason)| EvStep::Rate { level, reason }),
        Just(EvStep::Start),
        Just(EvStep::Complete),
        Just(EvStep::Cannot),
        Just(EvStep::Callback),
        Just(EvStep::Appeal),
        any::<bool>().prop_map(EvStep::Decide),
    ]
}

fn role_strategy() -> impl Strategy<Value = Role> {
    prop_oneof![
        3 => Just(Role::Applicant),
        4 => Just(Role::DepartmentReviewer),
        1 => Just(Role::UtilityUnit),
        1 => Just(Role::WindowOperator),
        3 => Just(Role::ReformOffice),
        1 => Just(Role::IntermediaryAgency),
        1 => Just(Role::System),
    ]
}

/// An actor for `role`, of the rated department / applicant or of another one.
fn scoped(role: Role, in_scope: bool) -> Actor {
    let tag = if in_scope { "" } else { "-X" };
    person(
        role,
        matches!(
            role,
            Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator
        )
        .then(|| format!("ZJJ{tag}"))
        .as_deref(),
        (role == Role::Applicant)
            .then(|| format!("ORG{tag}"))
            .as_deref(),
    )
}

#[derive(Debug, Clone, Copy)]
enum TsStep {
    Submit,
    Assign(u32),
    Answer,
    Dismiss,
}

fn ts_command(step: TsStep) -> ComplaintCommand {
    match step {
        TsStep::Submit => submit(),
        TsStep::Assign(days) => assign("ZJJ", days),
        TsStep::Answer => ComplaintCommand::Answer {
            answer: "答复".into(),
        },
        TsStep::Dismiss => ComplaintCommand::Dismiss {
            reason: "重复".into(),
        },
    }
}

fn ts_model(
    m: Option<ComplaintState>,
    step: TsStep,
    role: Role,
    in_scope: bool,
) -> Option<ComplaintState> {
    use ComplaintState as S;
    match (m, step) {
        (None, TsStep::Submit) => (role == Role::Applicant && in_scope).then_some(S::Submitted),
        (None, _) | (Some(_), TsStep::Submit) => None,
        (Some(s), TsStep::Assign(days)) => (role == Role::ReformOffice
            && matches!(s, S::Submitted | S::Assigned)
            && (1..=60).contains(&days))
        .then_some(S::Assigned),
        (Some(s), TsStep::Answer) => (matches!(
            role,
            Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator
        ) && in_scope
            && s == S::Assigned)
            .then_some(S::Answered),
        (Some(s), TsStep::Dismiss) => {
            (role == Role::ReformOffice && s == S::Submitted).then_some(S::Dismissed)
        }
    }
}

fn ts_step() -> impl Strategy<Value = TsStep> {
    prop_oneof![
        Just(TsStep::Submit),
        prop_oneof![Just(0u32), 1u32..=60, Just(61u32)].prop_map(TsStep::Assign),
        Just(TsStep::Answer),
        Just(TsStep::Dismiss),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn evaluations_agree_with_the_model(
        script in prop::collection::vec((ev_step(), role_strategy(), prop::bool::weighted(0.85)), 1..40),
    ) {
        let id = case_subject("C").evaluation_id();
        let start = Utc.with_ymd_and_hms(2024, 10, 8, 1, 0, 0).unwrap();
        let policy = EvaluationPolicy::default();
        let mut run: ModelRun<Evaluation, EvModel> = ModelRun::new();
        for (i, (step, role, in_scope)) in script.into_iter().enumerate() {
            let expected = ev_model(run.model.as_ref(), step, role, in_scope);
            let t = start + Duration::minutes(i as i64);
            let outcome = Evaluation::execute(run.live.clone(), &id, &ev_command(step), &scoped(role, in_scope), t, &policy);
            run.take(outcome, expected, &format!("{step:?} by {role:?} ({in_scope})"), |after, m, before, events| {
                prop_assert_eq!(after.rectification.as_ref().map(|r| r.status), m.status);
                prop_assert_eq!(after.is_bad(), m.bad);
                prop_assert_eq!(after.rectification.as_ref().is_some_and(|r| r.callback.is_some()), m.called_back);
                prop_assert_eq!(after.is_annulled(), m.status == Some(RectificationStatus::Annulled));
                prop_assert_eq!(after.version, before.map_or(0, |e| e.version) + events.len() as u64);
                Ok(())
            })?;
        }
        if let Some(live) = &run.live {
            prop_assert_eq!(&Evaluation::replay(&run.events).unwrap(), live);
        }
    }

    #[test]
    fn complaints_agree_with_the_model(
        script in prop::collection::vec((ts_step(), role_strategy(), prop::bool::weighted(0.85)), 1..30),
    ) {
        let id = ComplaintId::new("TS");
        let start = Utc.with_ymd_and_hms(2024, 10, 8, 1, 0, 0).unwrap();
        let mut state: Option<Complaint> = None;
        let mut model: Option<ComplaintState> = None;
        let mut log = vec![];
        for (i, (step, role, in_scope)) in script.into_iter().enumerate() {
            let expected = ts_model(model, step, role, in_scope);
            let before = state.clone();
            let who = scoped(role, in_scope);
            let who = if role == Role::Applicant && !in_scope {
                // An applicant without an organisation cannot submit.
                Actor { organisation: None, ..who }
            } else {
                who
            };
            match Complaint::execute(state.clone(), &id, &ts_command(step), &who, start + Duration::minutes(i as i64)) {
                Ok((after, events)) => {
                    prop_assert!(expected.is_some(), "accepted {step:?} by {role:?} ({in_scope})");
                    prop_assert_eq!(Some(after.state), expected);
                    log.extend(events);
                    state = Some(after);
                    model = expected;
                }
                Err(e) => {
                    prop_assert!(expected.is_none(), "refused {step:?} by {role:?} ({in_scope}): {e}");
                    prop_assert_eq!(&state, &before);
                }
            }
        }
        if let Some(live) = &state {
            prop_assert_eq!(&Complaint::replay(&log).unwrap(), live);
            // The submitter always sees its own submission; an outsider never does.
            prop_assert!(live.answer_for(&scoped(Role::Applicant, true)).is_ok());
            prop_assert!(live.answer_for(&scoped(Role::Applicant, false)).is_err());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Statistics.

#[test]
fn rating_statistics_count_by_department_level_dimension_and_period() {
    let policy = EvaluationPolicy::default();
    let catalogue = Catalogue::demo().unwrap();
    let cal = WorkingCalendar::shipped();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    let subject = |case: &str, dept: &str| RatingSubject::Case {
        case: CaseId::new(case),
        item: ItemCode::new("X"),
        department: DepartmentCode::new(dept),
        applicant: OrganisationId::new("ORG"),
    };
    let score = |dimension, level| DimensionScore { dimension, level };
    let mut evaluations = vec![];
    // (subject, level, dimensions, rated at, then-steps by the department or the office)
    let plays: Vec<Play> = vec![
        // ZJJ: 非常满意 with 办事效率 非常满意.
        (
            subject("A1", "ZJJ"),
            Level::VerySatisfied,
            vec![score(Dimension::Efficiency, Level::VerySatisfied)],
            "2024-10-08 09:00",
            vec![],
        ),
        // ZJJ: 满意, 办事效率 基本满意, 办事便捷度 满意.
        (
            subject("A2", "ZJJ"),
            Level::Satisfied,
            vec![
                score(Dimension::Efficiency, Level::BasicallySatisfied),
                score(Dimension::Convenience, Level::Satisfied),
            ],
            "2024-10-09 09:00",
            vec![],
        ),
        // ZJJ: 不满意, rectified on time (deadline 15 working days after 10-10: 10-30).
        (
            subject("A3", "ZJJ"),
            Level::Dissatisfied,
            vec![score(Dimension::Efficiency, Level::Dissatisfied)],
            "2024-10-10 09:00",
            vec![
                (
                    reviewer(),
                    EvaluationCommand::StartRectification {
                        plan: "方案".into(),
                    },
                    "2024-10-11 09:00",
                ),
                (
                    reviewer(),
                    EvaluationCommand::CompleteRectification {
                        result: "结果".into(),
                    },
                    "2024-10-14 09:00",
                ),
                (
                    office(),
                    EvaluationCommand::RecordCallback {
                        applicant_satisfied: false,
                        note: "仍不满意".into(),
                    },
                    "2024-10-15 09:00",
                ),
            ],
        ),
        // ZJJ: 非常不满意, appeal upheld: annulled, not in the level counts.
        (
            subject("A4", "ZJJ"),
            Level::VeryDissatisfied,
            vec![],
            "2024-10-10 10:00",
            vec![
                (
                    reviewer(),
                    EvaluationCommand::Appeal {
                        reason: "误评".into(),
                    },
                    "2024-10-10 11:00",
                ),
                (
                    office(),
                    EvaluationCommand::DecideAppeal {
                        upheld: true,
                        reason: "属实".into(),
                    },
                    "2024-10-11 11:00",
                ),
            ],
        ),
        // ZGJ: 非常不满意 on 09-02, left pending: deadline 15 working days later (09-03..06,
        // 09-09..14 with Sat 09-14 worked, 09-18..20, 09-23, 24 after 中秋: 09-24 17:00),
        // overdue at as-of. Outside October.
        (
            subject("A5", "ZGJ"),
            Level::VeryDissatisfied,
            vec![],
            "2024-09-02 09:00",
            vec![],
        ),
        // ZGJ: 基本满意.
        (
            subject("A6", "ZGJ"),
            Level::BasicallySatisfied,
            vec![score(Dimension::Efficiency, Level::Satisfied)],
            "2024-10-20 09:00",
            vec![],
        ),
    ];
    for (s, level, dims, t, steps) in plays {
        let org = person(Role::Applicant, None, Some("ORG"));
        let dept = s.department().as_str().to_owned();
        let id = s.evaluation_id();
        let cmd = EvaluationCommand::Rate {
            subject: s,
            level,
            dimensions: dims,
            comment: "评语".into(),
        };
        let (mut ev, _) = Evaluation::execute(None, &id, &cmd, &org, at(t), &policy).unwrap();
        for (who, cmd, t) in steps {
            let who = Actor {
                department: who.department.map(|_| DepartmentCode::new(&dept)),
                ..who
            };
            ev = Evaluation::execute(Some(ev), &id, &cmd, &who, at(t), &policy)
                .unwrap()
                .0;
        }
        evaluations.push(ev);
    }
    let as_of = lt("2024-10-31 18:00");
    let all = evaluation_statistics(&evaluations, &catalogue, &clock, as_of, None, None);
    // Valid: A1 非常满意, A2 满意, A3 不满意, A5 非常不满意, A6 基本满意; A4 annulled.
    assert_eq!(all.total.counts, [1, 1, 1, 1, 1]);
    assert_eq!(all.annulled, 1);
    assert_eq!(all.total.bad(), 2);
    // 3 of 5 satisfied = 600‰; stars (5+4+3+2+1)/5 = 3.00.
    assert_eq!(all.total.satisfied_permille(), Some(600));
    assert_eq!(all.total.average_score_hundredths(), Some(300));
    let zgj = &all.by_department[0];
    assert_eq!(
        (zgj.department.as_str(), zgj.name.as_str()),
        ("ZGJ", "哈尔滨市自然资源和规划局")
    );
    assert_eq!(zgj.levels.counts, [0, 0, 1, 0, 1]);
    assert_eq!(
        (zgj.rectifications.pending, zgj.rectifications.overdue),
        (1, 1)
    );
    let zjj = &all.by_department[1];
    assert_eq!(zjj.levels.counts, [1, 1, 0, 1, 0]);
    assert_eq!(zjj.online, 3);
    let r = zjj.rectifications;
    assert_eq!(
        (
            r.done,
            r.annulled,
            r.overdue,
            r.called_back,
            r.callback_satisfied
        ),
        (1, 1, 0, 1, 0)
    );
    assert_eq!((r.appeals, r.appeals_upheld), (1, 1));
    // 办事效率: A1 非常满意, A2 基本满意, A3 不满意, A6 满意. 办事便捷度: A2 满意.
    let eff = all
        .by_dimension
        .iter()
        .find(|d| d.dimension == Dimension::Efficiency)
        .unwrap();
    assert_eq!(eff.levels.counts, [1, 1, 1, 1, 0]);
    let conv = all
        .by_dimension
        .iter()
        .find(|d| d.dimension == Dimension::Convenience)
        .unwrap();
    assert_eq!(conv.levels.counts, [0, 1, 0, 0, 0]);
    assert_eq!(all.by_dimension.len(), Dimension::ALL.len());

    // October, 市住建局 only: A1, A2, A3 valid, A4 annulled.
    let oct = evaluation_statistics(
        &evaluations,
        &catalogue,
        &clock,
        as_of,
        Some(Period::month(2024, 10).unwrap()),
        Some(&DepartmentCode::new("ZJJ")),
    );
    assert_eq!(oct.total.counts, [1, 1, 0, 1, 0]);
    assert_eq!(oct.annulled, 1);
    assert_eq!(oct.by_department.len(), 1);
    // 2 of 3 satisfied: 667‰.
    assert_eq!(oct.total.satisfied_permille(), Some(667));
}

#[test]
fn complaint_statistics_count_answers_on_time_and_late() {
    let catalogue = Catalogue::demo().unwrap();
    let cal = WorkingCalendar::shipped();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    let play = |id: &str, kind, steps: Vec<(Actor, ComplaintCommand, &str)>| {
        let id = ComplaintId::new(id);
        let mut state = None;
        let first = ComplaintCommand::Submit {
            kind,
            title: "标题".into(),
            content: "内容".into(),
            project: None,
            department: None,
        };
        let mut all = vec![(applicant(), first, "2024-10-08 09:00")];
        all.extend(steps);
        for (who, cmd, t) in all {
            state = Some(Complaint::execute(state, &id, &cmd, &who, at(t)).unwrap().0);
        }
        state.unwrap()
    };
    let answer = |t| {
        (
            reviewer(),
            ComplaintCommand::Answer {
                answer: "答复".into(),
            },
            t,
        )
    };
    let complaints = vec![
        // Assigned 10-08 with 3 days: deadline 10-11 17:00; answered 10-10: on time.
        play(
            "T1",
            ComplaintKind::Complaint,
            vec![
                (office(), assign("ZJJ", 3), "2024-10-08 10:00"),
                answer("2024-10-10 10:00"),
            ],
        ),
        // Same deadline, answered 10-14: late.
        play(
            "T2",
            ComplaintKind::Complaint,
            vec![
                (office(), assign("ZJJ", 3), "2024-10-08 10:00"),
                answer("2024-10-14 10:00"),
            ],
        ),
        // Unanswered past 10-11: overdue at as-of.
        play(
            "T3",
            ComplaintKind::Suggestion,
            vec![(office(), assign("ZJJ", 3), "2024-10-08 10:00")],
        ),
        // 20 days from 10-08 (10-09..12, 14..18, 21..25, 28..31, 11-01, 11-04): deadline
        // 11-04, still open at as-of 10-31.
        play(
            "T4",
            ComplaintKind::Suggestion,
            vec![(office(), assign("ZJJ", 20), "2024-10-08 10:00")],
        ),
        play("T5", ComplaintKind::Suggestion, vec![]),
        play(
            "T6",
            ComplaintKind::Complaint,
            vec![(
                office(),
                ComplaintCommand::Dismiss {
                    reason: "非工程审批事项".into(),
                },
                "2024-10-08 10:00",
            )],
        ),
    ];
    let s = complaint_statistics(
        &complaints,
        &catalogue,
        &clock,
        lt("2024-10-31 18:00"),
        Some(Period::month(2024, 10).unwrap()),
        None,
    );
    assert_eq!(
        (s.suggestions, s.complaints, s.unassigned, s.dismissed),
        (3, 3, 1, 1)
    );
    assert_eq!(s.by_department.len(), 1);
    let d = &s.by_department[0];
    assert_eq!(d.name, "哈尔滨市住房和城乡建设局");
    assert_eq!((d.suggestions, d.complaints), (2, 2));
    assert_eq!(
        (d.answered_on_time, d.answered_late, d.open_overdue, d.open),
        (1, 1, 1, 1)
    );
    // September: none.
    let sep = complaint_statistics(
        &complaints,
        &catalogue,
        &clock,
        lt("2024-10-31 18:00"),
        Some(Period::month(2024, 9).unwrap()),
        None,
    );
    assert_eq!((sep.suggestions, sep.complaints), (0, 0));
}

// ---------------------------------------------------------------------------------------------
// Available actions: what each user may do with a rating or a complaint now, and why not.

/// A rating of case C after `path`: a bad one unless the path says `good`; the department's
/// steps by its reviewer, the appeal decisions by the reform office, a minute apart.
fn ev_after(path: &str) -> Evaluation {
    let policy = EvaluationPolicy::default();
    let start = Utc.with_ymd_and_hms(2024, 10, 8, 1, 0, 0).unwrap();
    let id = case_subject("C").evaluation_id();
    let mut steps = vec![];
    for word in path.split_whitespace() {
        steps.push(match word {
            "good" => (
                EvStep::Rate {
                    level: 1,
                    reason: true,
                },
                applicant(),
            ),
            "bad" => (
                EvStep::Rate {
                    level: 3,
                    reason: true,
                },
                applicant(),
            ),
            "start" => (EvStep::Start, reviewer()),
            "complete" => (EvStep::Complete, reviewer()),
            "cannot" => (EvStep::Cannot, reviewer()),
            "callback" => (EvStep::Callback, reviewer()),
            "appeal" => (EvStep::Appeal, reviewer()),
            "upheld" => (EvStep::Decide(true), office()),
            "rejected" => (EvStep::Decide(false), office()),
            other => panic!("unknown step {other}"),
        });
    }
    let mut state = None;
    for (i, (step, who)) in steps.into_iter().enumerate() {
        let t = start + Duration::minutes(i as i64);
        let (next, _) = Evaluation::execute(state, &id, &ev_command(step), &who, t, &policy)
            .unwrap_or_else(|e| panic!("{path}: {step:?}: {e}"));
        state = Some(next);
    }
    state.unwrap()
}

const EV_PATHS: [&str; 10] = [
    "good",
    "bad",
    "bad start",
    "bad start complete",
    "bad start complete callback",
    "bad cannot",
    "bad appeal",
    "bad appeal rejected",
    "bad start appeal upheld",
    "bad appeal rejected start",
];

#[test]
fn evaluation_available_actions_per_state_and_role() {
    use EvaluationAction as A;
    let other_reviewer = || person(Role::DepartmentReviewer, Some("ZGJ"), None);
    let hall = || person(Role::WindowOperator, Some("ZJJ"), None);
    let table: Vec<(&str, Actor, Vec<EvaluationAction>)> = vec![
        ("good", reviewer(), vec![]),
        ("good", office(), vec![]),
        (
            "bad",
            reviewer(),
            vec![A::StartRectification, A::DeclareCannotRectify, A::Appeal],
        ),
        (
            "bad",
            hall(),
            vec![A::StartRectification, A::DeclareCannotRectify, A::Appeal],
        ),
        ("bad", other_reviewer(), vec![]),
        ("bad", office(), vec![]),
        ("bad", applicant(), vec![]),
        (
            "bad start",
            reviewer(),
            vec![A::CompleteRectification, A::DeclareCannotRectify, A::Appeal],
        ),
        ("bad start complete", reviewer(), vec![A::RecordCallback]),
        ("bad start complete", office(), vec![A::RecordCallback]),
        ("bad start complete callback", reviewer(), vec![]),
        ("bad start complete callback", office(), vec![]),
        ("bad cannot", reviewer(), vec![A::RecordCallback]),
        ("bad appeal", reviewer(), vec![]),
        ("bad appeal", office(), vec![A::DecideAppeal]),
        (
            "bad appeal rejected",
            reviewer(),
            vec![A::StartRectification, A::DeclareCannotRectify],
        ),
        ("bad appeal rejected", office(), vec![]),
        ("bad start appeal upheld", reviewer(), vec![]),
        ("bad start appeal upheld", office(), vec![]),
        (
            "bad appeal rejected start",
            reviewer(),
            vec![A::CompleteRectification, A::DeclareCannotRectify],
        ),
    ];
    for (path, who, expected) in table {
        let ev = ev_after(path);
        let answer = ev.available_actions(&who);
        assert_eq!(allowed_now(&answer), expected, "{path} as {:?}", who.role);
        assert_eq!(
            answer.len(),
            EvaluationAction::ALL.len() - 1,
            "all but 评价"
        );
        assert!(answer.iter().all(|a| a.action != A::Rate));
        assert_answer_agrees(&ev, &who, &answer, &format!("{path} as {:?}", who.role));
    }
    let refusal = |path: &str, who: &Actor, action: EvaluationAction| {
        refusal_of(ev_after(path).available_actions(who), action)
    };
    assert_eq!(
        refusal("good", &reviewer(), A::StartRectification),
        "该评价不是差评，无需整改或申诉"
    );
    assert_eq!(
        refusal("bad", &other_reviewer(), A::StartRectification),
        "该评价针对ZJJ，本部门（ZGJ）不能办理"
    );
    assert_eq!(
        refusal("bad appeal", &reviewer(), A::StartRectification),
        "差评申诉正在复核，复核前不能开始整改"
    );
    assert_eq!(
        refusal("bad", &reviewer(), A::RecordCallback),
        "整改处于“待整改”状态，不能登记回访"
    );
    assert_eq!(
        refusal("bad", &applicant(), A::Appeal),
        "角色“申请人”不能申诉"
    );
}

/// Along every path, for every step, role and scope: what `decide` accepts is offered; what
/// the gate refuses, `decide` refuses the same way; what is offered is refused by `decide`
/// only for the content of the command.
#[test]
fn evaluation_available_actions_agree_with_decide() {
    let steps = [
        EvStep::Rate {
            level: 3,
            reason: true,
        },
        EvStep::Start,
        EvStep::Complete,
        EvStep::Cannot,
        EvStep::Callback,
        EvStep::Appeal,
        EvStep::Decide(true),
        EvStep::Decide(false),
    ];
    let mut accepted = 0;
    for path in EV_PATHS {
        let ev = ev_after(path);
        let t = ev.last_event_at + Duration::minutes(1);
        for step in steps {
            for role in Role::ALL {
                for in_scope in [true, false] {
                    let who = scoped(role, in_scope);
                    let cmd = ev_command(step);
                    let decided = Evaluation::decide(
                        Some(&ev),
                        &ev.id,
                        &cmd,
                        &who,
                        t,
                        &EvaluationPolicy::default(),
                    );
                    match (ev.may(cmd.action(), &who), decided) {
                        (Ok(()), Ok(_)) => accepted += 1,
                        (Err(gate), Err(e)) => assert_eq!(gate, e, "{path} {step:?} {who:?}"),
                        (Err(gate), Ok(_)) => {
                            panic!("{path} + {step:?} by {who:?}: decided but not offered: {gate}")
                        }
                        (Ok(()), Err(e)) => assert!(
                            matches!(e, EvaluationError::Empty { .. }),
                            "{path} + {step:?} by {who:?}: offered but refused: {e}"
                        ),
                    }
                }
            }
        }
    }
    assert!(accepted > 15, "too few accepted commands: {accepted}");
}

fn complaint_after(path: &str) -> Complaint {
    let mut steps = vec![(applicant(), submit(), "2024-10-21 09:00")];
    for (i, word) in path.split_whitespace().enumerate() {
        let t = ["2024-10-21 10:00", "2024-10-22 10:00", "2024-10-23 10:00"][i];
        steps.push(match word {
            "assign" => (office(), assign("ZJJ", 5), t),
            "reassign" => (office(), assign("ZGJ", 5), t),
            "answer" => (reviewer(), ts_command(TsStep::Answer), t),
            "dismiss" => (office(), ts_command(TsStep::Dismiss), t),
            other => panic!("unknown step {other}"),
        });
    }
    play_complaint(&steps)
}

#[test]
fn complaint_available_actions_per_state_and_role() {
    use ComplaintAction as A;
    let other_reviewer = || person(Role::DepartmentReviewer, Some("ZGJ"), None);
    let hall = || person(Role::WindowOperator, Some("ZJJ"), None);
    let table: Vec<(&str, Actor, Vec<ComplaintAction>)> = vec![
        ("", office(), vec![A::Assign, A::Dismiss]),
        ("", reviewer(), vec![]),
        ("", applicant(), vec![]),
        ("assign", office(), vec![A::Assign]),
        ("assign", reviewer(), vec![A::Answer]),
        ("assign", hall(), vec![A::Answer]),
        ("assign", other_reviewer(), vec![]),
        ("assign", applicant(), vec![]),
        ("reassign", other_reviewer(), vec![A::Answer]),
        ("reassign", reviewer(), vec![]),
        ("reassign assign", reviewer(), vec![A::Answer]),
        ("assign answer", office(), vec![]),
        ("assign answer", reviewer(), vec![]),
        ("dismiss", office(), vec![]),
    ];
    for (path, who, expected) in table {
        let c = complaint_after(path);
        let answer = c.available_actions(&who);
        let context = format!("{path:?} as {:?}", who.role);
        assert_eq!(allowed_now(&answer), expected, "{context}");
        let actions: Vec<ComplaintAction> = answer.iter().map(|a| a.action).collect();
        assert_eq!(actions, [A::Assign, A::Answer, A::Dismiss]);
        assert_answer_agrees(&c, &who, &answer, &context);
    }
    let refusal = |path: &str, who: &Actor, action: ComplaintAction| {
        refusal_of(complaint_after(path).available_actions(who), action)
    };
    assert_eq!(
        refusal("assign", &other_reviewer(), A::Answer),
        "该建议投诉已分办给ZJJ，本部门（ZGJ）不能答复"
    );
    assert_eq!(
        refusal("", &reviewer(), A::Answer),
        "建议投诉处于“待分办”状态，不能答复"
    );
    assert_eq!(
        refusal("assign", &office(), A::Dismiss),
        "建议投诉处于“办理中”状态，不能不予受理"
    );
    assert_eq!(refusal("", &applicant(), A::Assign), "角色“申请人”不能分办");
}

#[test]
fn complaint_available_actions_agree_with_decide() {
    let steps = [
        TsStep::Submit,
        TsStep::Assign(5),
        TsStep::Assign(0),
        TsStep::Answer,
        TsStep::Dismiss,
    ];
    let mut accepted = 0;
    for path in ["", "assign", "reassign", "assign answer", "dismiss"] {
        let c = complaint_after(path);
        let t = c.last_event_at + Duration::minutes(1);
        for step in steps {
            for role in Role::ALL {
                for in_scope in [true, false] {
                    let who = scoped(role, in_scope);
                    let cmd = ts_command(step);
                    let decided = Complaint::decide(Some(&c), &c.id, &cmd, &who, t);
                    match (c.may(cmd.action(), &who), decided) {
                        (Ok(()), Ok(_)) => accepted += 1,
                        (Err(gate), Err(e)) => assert_eq!(gate, e, "{path:?} {step:?} {who:?}"),
                        (Err(gate), Ok(_)) => {
                            panic!(
                                "{path:?} + {step:?} by {who:?}: decided but not offered: {gate}"
                            )
                        }
                        (Ok(()), Err(e)) => assert!(
                            matches!(
                                e,
                                ComplaintError::Empty { .. }
                                    | ComplaintError::LimitOutOfRange { .. }
                            ),
                            "{path:?} + {step:?} by {who:?}: offered but refused: {e}"
                        ),
                    }
                }
            }
        }
    }
    assert!(accepted > 5, "too few accepted commands: {accepted}");
}

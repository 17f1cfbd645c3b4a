//! 中介服务超市: the demo market, the three ways to commission, the report loop, sharing, the
//! agencies' scope and the service clock; then random command sequences against a small model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::Acting;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::ids::*;
use permitdesk_domain::intermediary::*;
use permitdesk_domain::time::{Timestamp, from_local, parse_local};
use permitdesk_domain::trail;
use proptest::prelude::*;

/// 环评 agencies of the demo market: two qualified for ZJ-01, one (a surveyor) not.
const ENV_A: &str = "91230100MA1AHJ7K0N";
const ENV_B: &str = "91230100MA1K5P7QX4";
const SURVEYOR: &str = "91230100MA18Y2QW4Q";
const LIGHTNING: &str = "91230100MA1B2C3D8M";
const APPLICANT: &str = "91230100MA1B2C3D4E";
const OTHER_APPLICANT: &str = "91230100MA9X8Y7Z6W";

fn market() -> MarketCatalogue {
    MarketCatalogue::demo().unwrap()
}

fn t(s: &str) -> Timestamp {
    from_local(parse_local(s).unwrap())
}

fn applicant(org: &str) -> Actor {
    new_actor(
        &format!("u-{org}"),
        "建设单位经办人",
        Role::Applicant,
        None,
        Some(org),
    )
}

fn agency(org: &str) -> Actor {
    new_actor(
        &format!("a-{org}"),
        "中介机构项目负责人",
        Role::IntermediaryAgency,
        None,
        Some(org),
    )
}

fn reviewer(department: &str) -> Actor {
    new_actor(
        &format!("r-{department}"),
        "审批人",
        Role::DepartmentReviewer,
        Some(department),
        None,
    )
}

fn window() -> Actor {
    new_actor("w", "综合窗口", Role::WindowOperator, None, None)
}

/// Runs commands in order; each time is one minute after the last.
struct Run {
    id: CommissionId,
    market: MarketCatalogue,
    state: Option<Commission>,
    events: Vec<CommissionEvent>,
    now: Timestamp,
}

impl Run {
    fn new(start: &str) -> Run {
        Run {
            id: CommissionId::new("WT-1"),
            market: market(),
            state: None,
            events: vec![],
            now: t(start),
        }
    }

    fn try_do(&mut self, actor: &Actor, cmd: CommissionCommand) -> Result<(), CommissionError> {
        self.now += Duration::minutes(1);
        let acting = Acting::new(actor.clone(), self.now);
        let (next, events) =
            Commission::execute(self.state.clone(), &self.id, &cmd, &acting, &self.market)?;
        self.events.extend(events);
        self.state = Some(next);
        Ok(())
    }

    fn ok(&mut self, actor: &Actor, cmd: CommissionCommand) {
        let label = format!("{cmd:?}");
        self.try_do(actor, cmd)
            .unwrap_or_else(|e| panic!("{label} refused: {e}"));
    }

    fn refused(&mut self, actor: &Actor, cmd: CommissionCommand) -> CommissionError {
        let before = self.state.clone();
        let e = self.try_do(actor, cmd).expect_err("should be refused");
        assert_eq!(self.state, before, "a refusal changed the commission");
        e
    }

    fn c(&self) -> &Commission {
        self.state.as_ref().unwrap()
    }
}

fn deliver(report: &str) -> CommissionCommand {
    CommissionCommand::Deliver {
        report: AttachmentId::new(report),
        summary: "环境影响报告表（报批稿）".into(),
    }
}

#[test]
fn the_demo_market_lists_the_menu_by_qualification_and_date() {
    let m = market();
    let zj01 = ItemCode::new("ZJ-01");
    let on = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let names = |date| {
        m.agencies_for(&zj01, on(date))
            .iter()
            .map(|a| a.id().0)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("2026-03-02"), vec![ENV_A, ENV_B]);
    // 华清's 乙级 qualification ends 2027-03-31.
    assert_eq!(names("2027-04-01"), vec![ENV_A]);
    let service = m.service(&zj01).unwrap();
    assert_eq!(service.competent_department, DepartmentCode::new("STHJ"));
    assert_eq!(service.time_limit_working_days, 30);
    assert!(!service.materials.is_empty() && !service.service_standard.is_empty());
    let lightning = m.agency(&OrganisationId::new(LIGHTNING)).unwrap();
    assert!(lightning.qualified_for(&ItemCode::new("ZJ-09"), on("2026-06-30")));
    assert!(!lightning.qualified_for(&ItemCode::new("ZJ-09"), on("2026-07-01")));
}

#[test]
fn bad_market_files_are_refused_with_the_reason() {
    let base = permitdesk_domain::intermediary::DEMO_MARKET_TOML;
    let cases: [(&str, String, &str); 5] = [
        (
            "syntax",
            base.replacen("version = \"2026.1\"", "version = ", 1),
            "第 23 行",
        ),
        (
            "duplicate service",
            base.replacen("item = \"ZJ-02\"", "item = \"ZJ-01\"", 1),
            "服务事项 ZJ-01 重复",
        ),
        (
            "zero time limit",
            base.replacen(
                "time_limit_working_days = 15",
                "time_limit_working_days = 0",
                1,
            ),
            "时限应为 1 至",
        ),
        (
            "unknown service",
            base.replacen("services = [\"ZJ-08\"]", "services = [\"ZJ-99\"]", 1),
            "ZJ-99 不在目录中",
        ),
        (
            "bad credit code",
            base.replacen(ENV_B, "91230100MA1K5P7QX5", 1),
            "第",
        ),
    ];
    for (name, text, expected) in cases {
        let e = MarketCatalogue::from_toml(&text).expect_err(name);
        assert!(e.to_string().contains(expected), "{name}: {e}");
    }
}

#[test]
fn government_paid_service_runs_through_a_failed_and_a_passed_expert_review() {
    let mut r = Run::new("2026-03-02T09:00");
    let sthj = reviewer("STHJ");
    // Only the competent department commissions a government-paid service.
    let by_department = CommissionCommand::CommissionByDepartment {
        service: ItemCode::new("ZJ-01"),
        project: ProjectId::new("P1"),
        applicant: OrganisationId::new(APPLICANT),
        agency: OrganisationId::new(ENV_A),
    };
    assert!(matches!(
        r.refused(&reviewer("ZGJ"), by_department.clone()),
        CommissionError::NotCompetentDepartment { .. }
    ));
    assert!(matches!(
        r.refused(
            &sthj,
            CommissionCommand::CommissionByDepartment {
                service: ItemCode::new("ZJ-01"),
                project: ProjectId::new("P1"),
                applicant: OrganisationId::new(APPLICANT),
                agency: OrganisationId::new(SURVEYOR),
            }
        ),
        CommissionError::AgencyNotEligible { .. }
    ));
    r.ok(&sthj, by_department);
    assert_eq!(r.c().state, CommissionState::AwaitingAcceptance);
    assert_eq!(r.c().payer, Payer::Government);
    assert_eq!(r.c().terms.time_limit_working_days, 30);
    // Another agency cannot take it; the applicant cannot cancel what the government pays.
    assert_eq!(
        r.refused(&agency(ENV_B), CommissionCommand::Accept),
        CommissionError::NotYourCommission
    );
    assert_eq!(
        r.refused(
            &applicant(APPLICANT),
            CommissionCommand::Cancel {
                reason: "不需要了".into()
            }
        ),
        CommissionError::GovernmentPaid
    );
    r.ok(&agency(ENV_A), CommissionCommand::Accept);
    assert_eq!(r.c().state, CommissionState::InService);
    r.ok(&agency(ENV_A), deliver("report-1"));
    assert!(matches!(
        r.refused(
            &reviewer("ZGJ"),
            CommissionCommand::RecordExpertReview {
                passed: true,
                conclusion: "通过".into()
            }
        ),
        CommissionError::NotCompetentDepartment { .. }
    ));
    r.ok(
        &sthj,
        CommissionCommand::RecordExpertReview {
            passed: false,
            conclusion: "大气环境影响预测范围不足，需补充".into(),
        },
    );
    assert_eq!(r.c().state, CommissionState::InRevision);
    r.ok(&agency(ENV_A), deliver("report-2"));
    r.ok(
        &sthj,
        CommissionCommand::RecordExpertReview {
            passed: true,
            conclusion: "专家审查合格".into(),
        },
    );
    assert_eq!(r.c().state, CommissionState::Completed);
    assert_eq!(
        r.c().result().unwrap().report,
        AttachmentId::new("report-2")
    );
    // Shared with the approval case that needs it, once per case and item.
    let share = CommissionCommand::ShareResult {
        case: CaseId::new("C-STHJ-01"),
        item: ItemCode::new("STHJ-01"),
    };
    assert_eq!(
        r.refused(&applicant(OTHER_APPLICANT), share.clone()),
        CommissionError::OtherApplicant
    );
    r.ok(&window(), share.clone());
    assert!(matches!(
        r.refused(&applicant(APPLICANT), share),
        CommissionError::AlreadyShared { .. }
    ));
    assert_eq!(r.c().shares.len(), 1);
    assert_eq!(Commission::replay(&r.events).unwrap(), *r.c());
}

#[test]
fn competitive_selection_by_lowest_price_then_by_draw_after_a_decline() {
    let mut r = Run::new("2026-03-02T09:00");
    let me = applicant(APPLICANT);
    r.ok(
        &me,
        CommissionCommand::PublishRequest {
            service: ItemCode::new("ZJ-01"),
            project: ProjectId::new("P1"),
            requirements: "编制环境影响报告表，30 个工作日内提交".into(),
        },
    );
    assert_eq!(r.c().state, CommissionState::Requested);
    assert_eq!(
        r.refused(
            &me,
            CommissionCommand::Select {
                rule: SelectionRule::LowestPrice
            }
        ),
        CommissionError::NoQuotes
    );
    let quote = |price_fen| CommissionCommand::SubmitQuote {
        price_fen,
        note: "含专家评审配合".into(),
    };
    assert!(matches!(
        r.refused(&agency(SURVEYOR), quote(1_000_000)),
        CommissionError::AgencyNotEligible { .. }
    ));
    assert_eq!(
        r.refused(&agency(ENV_A), quote(0)),
        CommissionError::ZeroPrice
    );
    r.ok(&agency(ENV_A), quote(8_000_000));
    r.ok(&agency(ENV_B), quote(6_500_000));
    assert_eq!(
        r.refused(&agency(ENV_B), quote(6_000_000)),
        CommissionError::AlreadyQuoted
    );
    assert_eq!(
        r.refused(
            &me,
            CommissionCommand::Select {
                rule: SelectionRule::Direct {
                    agency: OrganisationId::new(SURVEYOR)
                }
            }
        ),
        CommissionError::NoQuoteFrom {
            agency: OrganisationId::new(SURVEYOR)
        }
    );
    r.ok(
        &me,
        CommissionCommand::Select {
            rule: SelectionRule::LowestPrice,
        },
    );
    assert_eq!(r.c().agency, Some(OrganisationId::new(ENV_B)));
    assert_eq!(r.c().price_fen, Some(6_500_000));
    // The cheaper agency declines: back to selection without it.
    r.ok(
        &agency(ENV_B),
        CommissionCommand::Decline {
            reason: "近期项目饱和".into(),
        },
    );
    assert_eq!(r.c().state, CommissionState::Requested);
    assert_eq!(r.c().open_quotes().len(), 1);
    r.ok(
        &me,
        CommissionCommand::Select {
            rule: SelectionRule::RandomDraw { draw: 7 },
        },
    );
    assert_eq!(r.c().agency, Some(OrganisationId::new(ENV_A)));
    r.ok(&agency(ENV_A), CommissionCommand::Accept);
    r.ok(&agency(ENV_A), deliver("report-1"));
    r.ok(
        &me,
        CommissionCommand::RequestRevision {
            points: vec!["补充噪声监测数据".into()],
        },
    );
    r.ok(&agency(ENV_A), deliver("report-2"));
    r.ok(&me, CommissionCommand::Confirm);
    assert_eq!(r.c().state, CommissionState::Completed);
}

#[test]
fn a_random_draw_takes_the_drawn_number_modulo_the_quotes_in_agency_code_order() {
    for (draw, expected) in [(0, ENV_A), (1, ENV_B), (2, ENV_A), (u64::MAX, ENV_B)] {
        let mut r = Run::new("2026-03-02T09:00");
        r.ok(
            &applicant(APPLICANT),
            CommissionCommand::PublishRequest {
                service: ItemCode::new("ZJ-01"),
                project: ProjectId::new("P1"),
                requirements: "环评".into(),
            },
        );
        // Quote in reverse code order so the draw cannot be following arrival order.
        for org in [ENV_B, ENV_A] {
            r.ok(
                &agency(org),
                CommissionCommand::SubmitQuote {
                    price_fen: 100,
                    note: String::new(),
                },
            );
        }
        r.ok(
            &applicant(APPLICANT),
            CommissionCommand::Select {
                rule: SelectionRule::RandomDraw { draw },
            },
        );
        assert_eq!(
            r.c().agency,
            Some(OrganisationId::new(expected)),
            "draw {draw}"
        );
    }
}

#[test]
fn a_direct_choice_declined_ends_and_an_expired_qualification_cannot_be_chosen() {
    let mut r = Run::new("2026-03-02T09:00");
    r.ok(
        &applicant(APPLICANT),
        CommissionCommand::CommissionDirect {
            service: ItemCode::new("ZJ-05"),
            project: ProjectId::new("P1"),
            agency: OrganisationId::new(SURVEYOR),
        },
    );
    r.ok(
        &agency(SURVEYOR),
        CommissionCommand::Decline {
            reason: "资料不全".into(),
        },
    );
    assert_eq!(r.c().state, CommissionState::Declined);
    assert!(matches!(
        r.refused(&agency(SURVEYOR), CommissionCommand::Accept),
        CommissionError::InvalidTransition { .. }
    ));

    let mut late = Run::new("2026-07-01T09:00");
    assert!(matches!(
        late.refused(
            &applicant(APPLICANT),
            CommissionCommand::CommissionDirect {
                service: ItemCode::new("ZJ-09"),
                project: ProjectId::new("P1"),
                agency: OrganisationId::new(LIGHTNING),
            }
        ),
        CommissionError::AgencyNotEligible { .. }
    ));
}

#[test]
fn the_service_clock_starts_at_acceptance_and_stops_while_the_report_waits() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    // 规划放线测量 (3 working days) accepted on the eve of 国庆 2025: Oct 9, 10 and the adjusted
    // working Saturday Oct 11.
    let mut r = Run::new("2025-09-30T09:59");
    r.ok(
        &applicant(APPLICANT),
        CommissionCommand::CommissionDirect {
            service: ItemCode::new("ZJ-05"),
            project: ProjectId::new("P1"),
            agency: OrganisationId::new(SURVEYOR),
        },
    );
    assert!(r.c().clock_input().is_none());
    r.ok(&agency(SURVEYOR), CommissionCommand::Accept);
    let reading = clock
        .evaluate(
            &r.c().clock_input().unwrap(),
            parse_local("2025-10-01T00:00").unwrap(),
        )
        .unwrap();
    assert_eq!(reading.deadline, parse_local("2025-10-11T17:00"));
    // Delivered on Oct 9 at 17:00, sent back a working day later (Oct 10 17:00): that day is
    // the applicant's, so the deadline moves one working day, to Monday Oct 13.
    r.now = t("2025-10-09T16:59");
    r.ok(&agency(SURVEYOR), deliver("放线成果"));
    let waiting = clock
        .evaluate(
            &r.c().clock_input().unwrap(),
            parse_local("2025-10-10T12:00").unwrap(),
        )
        .unwrap();
    assert_eq!(waiting.deadline, None, "paused while the report waits");
    r.now = t("2025-10-10T16:59");
    r.ok(
        &applicant(APPLICANT),
        CommissionCommand::RequestRevision {
            points: vec!["坐标系应为 CGCS2000".into()],
        },
    );
    let reading = clock
        .evaluate(
            &r.c().clock_input().unwrap(),
            parse_local("2025-10-10T18:00").unwrap(),
        )
        .unwrap();
    assert_eq!(reading.deadline, parse_local("2025-10-13T17:00"));
}

#[test]
fn an_agency_sees_only_its_own_commissions_and_open_requests_it_may_quote_on() {
    let m = market();
    let mut direct = Run::new("2026-03-02T09:00");
    direct.ok(
        &applicant(APPLICANT),
        CommissionCommand::CommissionDirect {
            service: ItemCode::new("ZJ-01"),
            project: ProjectId::new("P1"),
            agency: OrganisationId::new(ENV_A),
        },
    );
    let mut open = Run::new("2026-03-02T09:00");
    open.ok(
        &applicant(APPLICANT),
        CommissionCommand::PublishRequest {
            service: ItemCode::new("ZJ-01"),
            project: ProjectId::new("P1"),
            requirements: "环评".into(),
        },
    );
    let cases = [
        (agency(ENV_A), true, true),
        (agency(ENV_B), false, true),
        (agency(SURVEYOR), false, false),
        (applicant(APPLICANT), true, true),
        (applicant(OTHER_APPLICANT), false, false),
        (reviewer("STHJ"), true, true),
        (reviewer("ZGJ"), false, false),
        (window(), true, true),
        (Actor::system(), true, true),
    ];
    for (actor, sees_direct, sees_open) in cases {
        assert_eq!(direct.c().visible_to(&actor, &m), sees_direct, "{actor:?}");
        assert_eq!(open.c().visible_to(&actor, &m), sees_open, "{actor:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Model-based property test.

const AGENCIES: [&str; 3] = [ENV_A, ENV_B, SURVEYOR];

#[derive(Debug, Clone, Copy)]
enum Who {
    Applicant(bool),
    Agency(usize),
    Department(bool),
    Window,
    Reform,
    System,
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    Lowest,
    Draw(u64),
    Direct(usize),
}

#[derive(Debug, Clone, Copy)]
enum Step {
    ByDepartment(usize),
    Direct(usize),
    Publish,
    Quote(u64),
    Select(Rule),
    Accept,
    Decline,
    Deliver,
    Confirm,
    Expert(bool),
    Revise,
    Share(u8),
    Cancel,
}

fn step_strategy() -> impl Strategy<Value = Step> {
    let rule = prop_oneof![
        Just(Rule::Lowest),
        any::<u64>().prop_map(Rule::Draw),
        (0usize..3).prop_map(Rule::Direct)
    ];
    prop_oneof![
        1 => (0usize..3).prop_map(Step::ByDepartment),
        1 => (0usize..3).prop_map(Step::Direct),
        1 => Just(Step::Publish),
        3 => (0u64..4).prop_map(|p| Step::Quote(p * 1000)),
        1 => rule.prop_map(Step::Select),
        2 => Just(Step::Accept),
        1 => Just(Step::Decline),
        2 => Just(Step::Deliver),
        1 => Just(Step::Confirm),
        1 => any::<bool>().prop_map(Step::Expert),
        1 => Just(Step::Revise),
        1 => (0u8..2).prop_map(Step::Share),
        1 => Just(Step::Cancel),
    ]
}

fn who_strategy() -> impl Strategy<Value = Who> {
    prop_oneof![
        4 => prop::bool::weighted(0.85).prop_map(Who::Applicant),
        5 => (0usize..3).prop_map(Who::Agency),
        3 => prop::bool::weighted(0.85).prop_map(Who::Department),
        1 => Just(Who::Window),
        1 => Just(Who::Reform),
        1 => Just(Who::System),
    ]
}

fn actor_of(who: Who) -> Actor {
    match who {
        Who::Applicant(own) => applicant(if own { APPLICANT } else { OTHER_APPLICANT }),
        Who::Agency(i) => agency(AGENCIES[i]),
        Who::Department(competent) => reviewer(if competent { "STHJ" } else { "ZGJ" }),
        Who::Window => window(),
        Who::Reform => Actor {
            role: Role::ReformOffice,
            ..window()
        },
        Who::System => Actor::system(),
    }
}

fn command_of(step: Step) -> CommissionCommand {
    use CommissionCommand as C;
    let service = ItemCode::new("ZJ-01");
    let project = ProjectId::new("P1");
    match step {
        Step::ByDepartment(a) => C::CommissionByDepartment {
            service,
            project,
            applicant: OrganisationId::new(APPLICANT),
            agency: OrganisationId::new(AGENCIES[a]),
        },
        Step::Direct(a) => C::CommissionDirect {
            service,
            project,
            agency: OrganisationId::new(AGENCIES[a]),
        },
        Step::Publish => C::PublishRequest {
            service,
            project,
            requirements: "环评".into(),
        },
        Step::Quote(price_fen) => C::SubmitQuote {
            price_fen,
            note: String::new(),
        },
        Step::Select(rule) => C::Select {
            rule: match rule {
                Rule::Lowest => SelectionRule::LowestPrice,
                Rule::Draw(draw) => SelectionRule::RandomDraw { draw },
                Rule::Direct(a) => SelectionRule::Direct {
                    agency: OrganisationId::new(AGENCIES[a]),
                },
            },
        },
        Step::Accept => C::Accept,
        Step::Decline => C::Decline {
            reason: "忙".into(),
        },
        Step::Deliver => deliver("r"),
        Step::Confirm => C::Confirm,
        Step::Expert(passed) => C::RecordExpertReview {
            passed,
            conclusion: "结论".into(),
        },
        Step::Revise => C::RequestRevision {
            points: vec!["修改".into()],
        },
        Step::Share(n) => C::ShareResult {
            case: CaseId::new(format!("C{n}")),
            item: ItemCode::new("STHJ-01"),
        },
        Step::Cancel => C::Cancel {
            reason: "取消".into(),
        },
    }
}

/// The model: what seed 9 and the brief allow, written without looking at the implementation.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    state: CommissionState,
    government: bool,
    competitive: bool,
    /// The owner is the main applicant (else the other one).
    owner_main: bool,
    agency: Option<usize>,
    /// (agency, price, step index, declined)
    quotes: Vec<(usize, u64, usize, bool)>,
    shares: Vec<u8>,
}

fn eligible(a: usize) -> bool {
    a < 2
}

fn model_step(m: Option<&Model>, step: Step, who: Who, i: usize) -> Option<Model> {
    use CommissionState as S;
    let Some(m) = m else {
        let new = |government, competitive, owner_main, agency: Option<usize>| Model {
            state: if agency.is_some() {
                S::AwaitingAcceptance
            } else {
                S::Requested
            },
            government,
            competitive,
            owner_main,
            agency,
            quotes: vec![],
            shares: vec![],
        };
        return match (step, who) {
            (Step::ByDepartment(a), Who::Department(true)) if eligible(a) => {
                Some(new(true, false, true, Some(a)))
            }
            (Step::Direct(a), Who::Applicant(own)) if eligible(a) => {
                Some(new(false, false, own, Some(a)))
            }
            (Step::Publish, Who::Applicant(own)) => Some(new(false, true, own, None)),
            _ => None,
        };
    };
    let owner = |w: Who| matches!(w, Who::Applicant(own) if own == m.owner_main);
    let chosen = |w: Who| matches!(w, Who::Agency(a) if m.agency == Some(a));
    let competent = matches!(who, Who::Department(true));
    let mut n = m.clone();
    let s = m.state;
    let ok = match step {
        Step::ByDepartment(_) | Step::Direct(_) | Step::Publish => false,
        Step::Quote(price) => match who {
            Who::Agency(a) => {
                n.quotes.push((a, price, i, false));
                s == S::Requested && eligible(a) && price > 0 && !m.quotes.iter().any(|q| q.0 == a)
            }
            _ => false,
        },
        Step::Select(rule) => {
            let mut open: Vec<&(usize, u64, usize, bool)> =
                m.quotes.iter().filter(|q| !q.3).collect();
            open.sort_by_key(|q| q.0); // ENV_A < ENV_B in code order
            let pick = match rule {
                Rule::Lowest => open.iter().min_by_key(|q| (q.1, q.2)).map(|q| q.0),
                Rule::Draw(d) => {
                    (!open.is_empty()).then(|| open[(d % open.len() as u64) as usize].0)
                }
                Rule::Direct(a) => open.iter().find(|q| q.0 == a).map(|q| q.0),
            };
            n.agency = pick;
            n.state = S::AwaitingAcceptance;
            owner(who) && s == S::Requested && pick.is_some()
        }
        Step::Accept => {
            n.state = S::InService;
            chosen(who) && s == S::AwaitingAcceptance
        }
        Step::Decline => {
            if m.competitive {
                for q in n.quotes.iter_mut().filter(|q| Some(q.0) == m.agency) {
                    q.3 = true;
                }
                n.agency = None;
                n.state = S::Requested;
            } else {
                n.state = S::Declined;
            }
            chosen(who) && s == S::AwaitingAcceptance
        }
        Step::Deliver => {
            n.state = S::Delivered;
            chosen(who) && matches!(s, S::InService | S::InRevision)
        }
        Step::Confirm => {
            n.state = S::Completed;
            owner(who) && s == S::Delivered
        }
        Step::Expert(passed) => {
            n.state = if passed { S::Completed } else { S::InRevision };
            competent && s == S::Delivered
        }
        Step::Revise => {
            n.state = S::InRevision;
            owner(who) && s == S::Delivered
        }
        Step::Share(c) => {
            n.shares.push(c);
            (owner(who) || matches!(who, Who::Window))
                && s == S::Completed
                && !m.shares.contains(&c)
        }
        Step::Cancel => {
            n.state = S::Cancelled;
            let payer_side = if m.government { competent } else { owner(who) };
            payer_side && matches!(s, S::Requested | S::AwaitingAcceptance)
        }
    };
    ok.then_some(n)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_commission_machine_agrees_with_the_model(
        opening in 0usize..3,
        prices in (1u64..4, 1u64..4),
        script in prop::collection::vec((step_strategy(), who_strategy()), 1..60),
        tamper in any::<prop::sample::Index>(),
    ) {
        // Two scripts in three open with a competition or an accepted commission, so the later
        // rules get exercised.
        let opening: Vec<(Step, Who)> = match opening {
            0 => vec![
                (Step::Publish, Who::Applicant(true)),
                (Step::Quote(prices.0 * 1000), Who::Agency(0)),
                (Step::Quote(prices.1 * 1000), Who::Agency(1)),
            ],
            1 => vec![(Step::Direct(1), Who::Applicant(true)), (Step::Accept, Who::Agency(1))],
            _ => vec![],
        };
        let script: Vec<(Step, Who)> = opening.into_iter().chain(script).collect();
        let m = market();
        let id = CommissionId::new("WT");
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let mut run: ModelRun<Commission, Model> = ModelRun::new();
        for (i, (step, who)) in script.into_iter().enumerate() {
            let acting = Acting::new(actor_of(who), start + Duration::minutes(i as i64));
            let expected = model_step(run.model.as_ref(), step, who, i);
            let outcome = Commission::execute(run.live.clone(), &id, &command_of(step), &acting, &m);
            run.take(outcome, expected, &format!("{step:?} by {who:?}"), |after, e, before, new| {
                prop_assert_eq!(after.state, e.state);
                prop_assert_eq!(after.agency.clone(), e.agency.map(|a| OrganisationId::new(AGENCIES[a])));
                prop_assert_eq!(after.quotes.len(), e.quotes.len());
                prop_assert_eq!(after.shares.len(), e.shares.len());
                prop_assert_eq!(after.version, before.map_or(0, |c| c.version) + new.len() as u64);
                Ok(())
            })?;
        }
        let ModelRun { live, events, .. } = run;
        if let Some(c) = &live {
            prop_assert_eq!(&Commission::replay(&events).unwrap(), c);
            let sealed = trail::seal_all("WT", None, events).unwrap();
            prop_assert!(trail::verify("WT", &sealed).is_ok());
            let mut forged = sealed.clone();
            let i = tamper.index(forged.len());
            forged[i].event.at += Duration::seconds(1);
            prop_assert!(trail::verify("WT", &forged).is_err());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Available actions: what each user may do with a commission now, and why not the rest.

/// The commission after `path` (steps with their actors, a minute apart from 2026-03-02 09:00).
fn commission_after(path: &[(Step, Who)]) -> Commission {
    let m = market();
    let id = CommissionId::new("WT");
    let mut now = t("2026-03-02T09:00");
    let mut state = None;
    for (step, who) in path {
        now += Duration::minutes(1);
        let acting = Acting::new(actor_of(*who), now);
        let (next, _) = Commission::execute(state, &id, &command_of(*step), &acting, &m)
            .unwrap_or_else(|e| panic!("{step:?} by {who:?}: {e}"));
        state = Some(next);
    }
    state.unwrap()
}

/// Named paths through the three ways a commission starts and the report loop.
fn commission_path(name: &str) -> Vec<(Step, Who)> {
    let own = Who::Applicant(true);
    let published = vec![(Step::Publish, own)];
    let quoted = [
        published.clone(),
        vec![
            (Step::Quote(2000), Who::Agency(0)),
            (Step::Quote(1000), Who::Agency(1)),
        ],
    ]
    .concat();
    let direct = vec![(Step::Direct(1), own)];
    let in_service = [direct.clone(), vec![(Step::Accept, Who::Agency(1))]].concat();
    let delivered = [in_service.clone(), vec![(Step::Deliver, Who::Agency(1))]].concat();
    match name {
        "published" => published,
        "quoted" => quoted,
        "selected" => [quoted, vec![(Step::Select(Rule::Lowest), own)]].concat(),
        "direct" => direct,
        "by_department" => vec![(Step::ByDepartment(0), Who::Department(true))],
        "in_service" => in_service,
        "delivered" => delivered,
        "in_revision" => [delivered, vec![(Step::Revise, own)]].concat(),
        "completed" => [delivered, vec![(Step::Confirm, own)]].concat(),
        "shared" => [
            delivered,
            vec![(Step::Confirm, own), (Step::Share(0), Who::Window)],
        ]
        .concat(),
        "declined" => [direct, vec![(Step::Decline, Who::Agency(1))]].concat(),
        "cancelled" => [direct, vec![(Step::Cancel, own)]].concat(),
        other => panic!("unknown path {other}"),
    }
}

const COMMISSION_PATHS: [&str; 12] = [
    "published",
    "quoted",
    "selected",
    "direct",
    "by_department",
    "in_service",
    "delivered",
    "in_revision",
    "completed",
    "shared",
    "declined",
    "cancelled",
];

const EVERYONE: [Who; 10] = [
    Who::Applicant(true),
    Who::Applicant(false),
    Who::Agency(0),
    Who::Agency(1),
    Who::Agency(2),
    Who::Department(true),
    Who::Department(false),
    Who::Window,
    Who::Reform,
    Who::System,
];

#[test]
fn available_actions_per_state_and_role() {
    use CommissionAction as A;
    let own = Who::Applicant(true);
    let table: Vec<(&str, Who, Vec<CommissionAction>)> = vec![
        // No quotes yet: nothing to select from.
        ("published", own, vec![A::Cancel]),
        ("published", Who::Applicant(false), vec![]),
        ("published", Who::Agency(0), vec![A::SubmitQuote]),
        ("published", Who::Agency(1), vec![A::SubmitQuote]),
        ("published", Who::Department(true), vec![]),
        ("published", Who::Window, vec![]),
        ("quoted", own, vec![A::Select, A::Cancel]),
        // One quote per agency.
        ("quoted", Who::Agency(0), vec![]),
        // The lowest price, 北方 (agency 1), was chosen: it alone accepts or declines.
        ("selected", Who::Agency(1), vec![A::Accept, A::Decline]),
        ("selected", Who::Agency(0), vec![]),
        ("selected", own, vec![A::Cancel]),
        ("direct", Who::Agency(1), vec![A::Accept, A::Decline]),
        ("direct", Who::Agency(0), vec![]),
        ("direct", own, vec![A::Cancel]),
        ("direct", Who::Department(true), vec![]),
        // Government-paid: the competent department cancels, not the applicant.
        ("by_department", Who::Department(true), vec![A::Cancel]),
        ("by_department", Who::Department(false), vec![]),
        ("by_department", own, vec![]),
        ("by_department", Who::Agency(0), vec![A::Accept, A::Decline]),
        ("in_service", Who::Agency(1), vec![A::Deliver]),
        ("in_service", own, vec![]),
        ("delivered", own, vec![A::Confirm, A::RequestRevision]),
        (
            "delivered",
            Who::Department(true),
            vec![A::RecordExpertReview],
        ),
        ("delivered", Who::Department(false), vec![]),
        ("delivered", Who::Agency(1), vec![]),
        ("in_revision", Who::Agency(1), vec![A::Deliver]),
        ("in_revision", own, vec![]),
        ("completed", own, vec![A::ShareResult]),
        ("completed", Who::Window, vec![A::ShareResult]),
        ("completed", Who::Applicant(false), vec![]),
        ("completed", Who::Reform, vec![]),
        // Shared once with a case, it may still be shared with another.
        ("shared", Who::Window, vec![A::ShareResult]),
        ("declined", own, vec![]),
        ("declined", Who::Agency(1), vec![]),
        ("cancelled", own, vec![]),
        ("cancelled", Who::System, vec![]),
    ];
    let m = market();
    for (path, who, expected) in table {
        let c = commission_after(&commission_path(path));
        let actor = actor_of(who);
        let answer = c.available_actions(&actor);
        assert_eq!(allowed_now(&answer), expected, "{path} as {who:?}");
        let actions: Vec<CommissionAction> = answer.iter().map(|a| a.action).collect();
        assert_eq!(
            actions,
            [
                A::SubmitQuote,
                A::Select,
                A::Accept,
                A::Decline,
                A::Deliver,
                A::Confirm,
                A::RecordExpertReview,
                A::RequestRevision,
                A::ShareResult,
                A::Cancel
            ]
        );
        assert_answer_agrees(&c, &actor, &answer, &format!("{path} as {who:?}"));
        // The market changes nothing for qualified agencies and everyone else.
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(c.available_actions_in_market(&actor, &m, on), answer);
    }
    // A surveyor is not qualified for 环评: only the market knows, so only the market-aware
    // answer refuses its quote (an agency sees an open request only if it may quote on it).
    let published = commission_after(&commission_path("published"));
    let surveyor = actor_of(Who::Agency(2));
    let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    assert_eq!(published.may(A::SubmitQuote, &surveyor), Ok(()));
    assert_eq!(
        published.may_in_market(A::SubmitQuote, &surveyor, &market(), on),
        Err(CommissionError::AgencyNotEligible {
            agency: OrganisationId::new(SURVEYOR),
            service: ItemCode::new("ZJ-01"),
        })
    );
    let refusal = |path: &str, who: Who, action: CommissionAction| {
        refusal_of(
            commission_after(&commission_path(path)).available_actions(&actor_of(who)),
            action,
        )
    };
    assert_eq!(
        refusal("published", own, A::Select),
        "尚无有效报价，不能选取"
    );
    assert_eq!(
        refusal("quoted", Who::Agency(0), A::SubmitQuote),
        "本机构已报价，不能重复报价"
    );
    assert_eq!(
        refusal("direct", Who::Agency(0), A::Accept),
        "该委托不是委托给本机构的，不能办理"
    );
    assert_eq!(
        refusal("by_department", own, A::Cancel),
        "政府采购的委托只能由主管部门取消"
    );
    assert_eq!(
        refusal("direct", Who::Department(true), A::Cancel),
        "角色“审批部门”不能取消委托"
    );
    assert_eq!(
        refusal("delivered", Who::Department(false), A::RecordExpertReview),
        "该事项的主管部门为 STHJ，本部门（ZGJ）不能记录专家审查结论"
    );
    assert_eq!(
        refusal("completed", Who::Applicant(false), A::ShareResult),
        "该委托属于其他申请单位，不能办理"
    );
    assert_eq!(
        refusal("in_service", Who::Agency(1), A::Confirm),
        "角色“中介服务机构”不能认可成果"
    );
    assert_eq!(
        refusal("declined", Who::Agency(1), A::Accept),
        "委托处于“机构不接受委托”状态，不能接受委托"
    );
}

/// Along every path, for every step and every user: what `decide` accepts is offered; a gate
/// refusal (with the market) is `decide`'s refusal; what is offered is refused by `decide`
/// only for the content of the command (a zero price, an agency that did not quote, a result
/// already shared with that case); without the market, the only difference is qualification.
#[test]
fn available_actions_agree_with_decide() {
    use CommissionError as E;
    let m = market();
    let mut steps = vec![
        Step::Publish,
        Step::Quote(0),
        Step::Quote(1000),
        Step::Select(Rule::Lowest),
        Step::Select(Rule::Draw(7)),
        Step::Accept,
        Step::Decline,
        Step::Deliver,
        Step::Confirm,
        Step::Expert(true),
        Step::Expert(false),
        Step::Revise,
        Step::Share(0),
        Step::Share(1),
        Step::Cancel,
    ];
    for a in 0..3 {
        steps.extend([
            Step::ByDepartment(a),
            Step::Direct(a),
            Step::Select(Rule::Direct(a)),
        ]);
    }
    let id = CommissionId::new("WT");
    let mut accepted = 0;
    for path in COMMISSION_PATHS {
        let c = commission_after(&commission_path(path));
        let at = c.last_event_at + Duration::minutes(1);
        let on = permitdesk_domain::time::to_local(at).date();
        for step in &steps {
            for who in EVERYONE {
                let cmd = command_of(*step);
                let actor = actor_of(who);
                let decided =
                    Commission::decide(Some(&c), &id, &cmd, &Acting::new(actor.clone(), at), &m);
                let offered = c.may_in_market(cmd.action(), &actor, &m, on);
                match (&offered, &decided) {
                    (Ok(()), Ok(_)) => accepted += 1,
                    (Err(gate), Ok(_)) => {
                        panic!("{path} + {step:?} by {who:?}: decided but not offered: {gate}")
                    }
                    (Err(gate), Err(e)) => assert_eq!(gate, e, "{path} + {step:?} by {who:?}"),
                    (Ok(()), Err(e)) => assert!(
                        matches!(
                            e,
                            E::ZeroPrice
                                | E::NoQuoteFrom { .. }
                                | E::AlreadyShared { .. }
                                | E::Empty { .. }
                        ),
                        "{path} + {step:?} by {who:?}: offered but refused: {e}"
                    ),
                }
                match (c.may(cmd.action(), &actor), offered) {
                    (Ok(()), Err(E::AgencyNotEligible { .. })) => {}
                    (without, with) => assert_eq!(without, with, "{path} + {step:?} by {who:?}"),
                }
            }
        }
    }
    assert!(accepted > 15, "too few accepted commands: {accepted}");
}

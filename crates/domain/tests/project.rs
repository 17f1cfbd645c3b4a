//! The project registration workflow (seed 6.6): a table of (state, role, command) with the
//! outcome expected, and random command sequences checked against a small model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use permitdesk_domain::districts::Districts;
use permitdesk_domain::ids::{CategoryCode, FlowCode, OrganisationId, ProjectId, UserId, WorksId};
use permitdesk_domain::project::{
    AmountField, Area, Builder, Contact, ContactRole, DecimalError, InvestmentType, Location,
    Money, Project, ProjectAction, ProjectCommand, ProjectDetails, ProjectError, ProjectEvent,
    ProjectReplayError, RegistrationChannel, RegistrationState, Works,
};
use permitdesk_domain::time::Timestamp;
use proptest::prelude::*;

const BUILDER_ORG: &str = "91230102MA1BC3D48E";
const CATEGORY: &str = "social-factory";

/// The shipped 行政区划 (哈尔滨市 and its districts), parsed once.
static DISTRICTS: std::sync::LazyLock<Districts> =
    std::sync::LazyLock::new(|| Districts::shipped().unwrap());

/// `Project::decide` with the shipped 行政区划.
fn decide(
    state: Option<&Project>,
    cmd: &ProjectCommand,
    who: &Actor,
    at: Timestamp,
) -> Result<Vec<ProjectEvent>, ProjectError> {
    Project::decide(state, cmd, who, at, &DISTRICTS)
}

fn t(minutes: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2024, 9, 27, 1, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn actor(role: Role, org: Option<&str>) -> Actor {
    Actor {
        user: UserId::new(format!("{role:?}-{}", org.unwrap_or("none"))),
        name: "张三".into(),
        role,
        department: None,
        organisation: org.map(OrganisationId::new),
        levels: vec![],
    }
}

fn applicant() -> Actor {
    actor(Role::Applicant, Some(BUILDER_ORG))
}
fn other_applicant() -> Actor {
    actor(Role::Applicant, Some("912301031270123404"))
}
fn window() -> Actor {
    actor(Role::WindowOperator, None)
}
fn reviewer() -> Actor {
    actor(Role::DepartmentReviewer, None)
}
fn reform_office() -> Actor {
    actor(Role::ReformOffice, None)
}

fn details() -> ProjectDetails {
    ProjectDetails {
        code: ProjectCode::parse("2024-230102-48-01-123456").unwrap(),
        name: "哈尔滨市道里区某精密机械厂房建设项目".into(),
        builder: Builder {
            name: "哈尔滨某精密机械有限公司".into(),
            credit_code: CreditCode::parse(BUILDER_ORG).unwrap(),
        },
        investment: InvestmentType::Social,
        category: CategoryCode::new(CATEGORY),
        location: Location {
            address: "哈尔滨市道里区群力大道1号".into(),
            district: RegionCode::parse("230102").unwrap(),
        },
        investment_amount: Money::parse_wan("12500.5").unwrap(),
        land_area: Area::parse("35000").unwrap(),
        building_area: Area::parse("28000.75").unwrap(),
        contacts: vec![Contact {
            name: "李四".into(),
            phone: PhoneNumber::parse("13812345678").unwrap(),
            role: ContactRole::ProjectLead,
        }],
    }
}

fn works(id: &str) -> Works {
    Works {
        id: WorksId::new(id),
        name: "1号厂房".into(),
        description: "单层钢结构厂房".into(),
        building_area: Area::parse("12000").unwrap(),
    }
}

fn register_online() -> ProjectCommand {
    ProjectCommand::RegisterOnline {
        id: ProjectId::new("P1"),
        details: details(),
    }
}
fn register_on_site() -> ProjectCommand {
    ProjectCommand::RegisterOnSite {
        id: ProjectId::new("P1"),
        owner: OrganisationId::new(BUILDER_ORG),
        details: details(),
    }
}
fn choose_flow() -> ProjectCommand {
    ProjectCommand::ChooseFlow {
        flow: FlowCode::new("F-factory"),
        category: CategoryCode::new(CATEGORY),
    }
}
fn request_correction() -> ProjectCommand {
    ProjectCommand::RequestCorrection {
        problems: vec!["用地面积与用地规划许可证不符".into()],
    }
}
fn close() -> ProjectCommand {
    ProjectCommand::Close {
        reason: "项目取消".into(),
    }
}

/// Run commands that must all be accepted, returning the state and the events.
fn run(cmds: &[(Actor, ProjectCommand)]) -> (Option<Project>, Vec<ProjectEvent>) {
    let mut state = None;
    let mut log = Vec::new();
    for (i, (who, cmd)) in cmds.iter().enumerate() {
        let events = decide(state.as_ref(), cmd, who, t(i as i64))
            .unwrap_or_else(|e| panic!("step {i} {cmd:?}: {e}"));
        for e in &events {
            state = Some(Project::apply(state, e).unwrap());
        }
        log.extend(events);
    }
    (state, log)
}

/// A project in the given state, reached the way the seed describes.
fn project_in(state: RegistrationState) -> Project {
    let mut cmds = vec![(applicant(), register_online())];
    match state {
        RegistrationState::Draft => {}
        RegistrationState::SubmittedToWindow => cmds.push((applicant(), ProjectCommand::Submit)),
        RegistrationState::CorrectionRequested => {
            cmds.push((applicant(), ProjectCommand::Submit));
            cmds.push((window(), request_correction()));
        }
        RegistrationState::FlowChosen => {
            cmds.push((applicant(), ProjectCommand::Submit));
            cmds.push((window(), choose_flow()));
        }
        RegistrationState::Closed => cmds.push((window(), close())),
    }
    let (p, _) = run(&cmds);
    let p = p.unwrap();
    assert_eq!(p.state, state);
    p
}

#[test]
fn online_registration_goes_through_one_correction_to_the_one_time_notice() {
    let (p, events) = run(&[
        (applicant(), register_online()),
        (applicant(), ProjectCommand::Submit),
        (window(), request_correction()),
        (applicant(), ProjectCommand::Edit { details: details() }),
        (applicant(), ProjectCommand::Submit),
        (window(), choose_flow()),
        (applicant(), ProjectCommand::AddWorks { works: works("W1") }),
    ]);
    let p = p.unwrap();
    let kinds: Vec<&str> = events.iter().map(ProjectEvent::kind).collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "submitted",
            "correction_requested",
            "edited",
            "submitted",
            "flow_chosen",
            "one_time_notice_issued",
            "works_added"
        ]
    );
    assert_eq!(p.state, RegistrationState::FlowChosen);
    assert_eq!(p.flow, Some(FlowCode::new("F-factory")));
    assert_eq!(p.notice_issued_at, Some(t(5)));
    assert_eq!(p.channel, RegistrationChannel::Online);
    assert_eq!(p.owner, OrganisationId::new(BUILDER_ORG));
    assert!(p.corrections.is_empty());
    assert_eq!(p.works.len(), 1);
    assert_eq!(p.version, 8);
    assert_eq!(p.registered_at, t(0));
    assert_eq!(p.last_event_at, t(6));
    assert_eq!(Project::replay(&events).unwrap(), Some(p));
}

#[test]
fn on_site_registration_starts_at_the_window() {
    let (p, _) = run(&[(window(), register_on_site()), (window(), choose_flow())]);
    let p = p.unwrap();
    assert_eq!(p.channel, RegistrationChannel::OnSite);
    assert_eq!(p.state, RegistrationState::FlowChosen);
    assert_eq!(p.owner, OrganisationId::new(BUILDER_ORG));
}

#[test]
fn a_correction_request_keeps_its_problems_until_resubmission() {
    let p = project_in(RegistrationState::CorrectionRequested);
    assert_eq!(p.corrections, ["用地面积与用地规划许可证不符"]);
}

#[test]
fn the_state_role_command_table_holds() {
    use ProjectAction as A;
    use RegistrationState as S;
    type Expect = Result<Option<RegistrationState>, ProjectError>;
    let role = |r, a| Err(ProjectError::NotAllowedForRole { role: r, action: a });
    let wrong = |s, a| {
        Err(ProjectError::WrongState {
            state: s,
            action: a,
        })
    };
    let ok = |s: RegistrationState| Ok(Some(s));
    let cases: Vec<(Option<S>, Actor, ProjectCommand, Expect)> = vec![
        // Registering.
        (None, applicant(), register_online(), ok(S::Draft)),
        (None, window(), register_on_site(), ok(S::SubmittedToWindow)),
        (
            None,
            window(),
            register_online(),
            role(Role::WindowOperator, A::RegisterOnline),
        ),
        (
            None,
            applicant(),
            register_on_site(),
            role(Role::Applicant, A::RegisterOnSite),
        ),
        (
            None,
            reviewer(),
            register_online(),
            role(Role::DepartmentReviewer, A::RegisterOnline),
        ),
        (
            None,
            actor(Role::Applicant, None),
            register_online(),
            Err(ProjectError::ApplicantWithoutOrganisation),
        ),
        (
            None,
            applicant(),
            ProjectCommand::Submit,
            Err(ProjectError::NotRegistered { action: A::Submit }),
        ),
        (
            None,
            window(),
            choose_flow(),
            Err(ProjectError::NotRegistered {
                action: A::ChooseFlow,
            }),
        ),
        (
            Some(S::Draft),
            applicant(),
            register_online(),
            Err(ProjectError::AlreadyRegistered {
                id: ProjectId::new("P1"),
            }),
        ),
        (
            Some(S::FlowChosen),
            window(),
            register_on_site(),
            Err(ProjectError::AlreadyRegistered {
                id: ProjectId::new("P1"),
            }),
        ),
        // Draft.
        (
            Some(S::Draft),
            applicant(),
            ProjectCommand::Edit { details: details() },
            ok(S::Draft),
        ),
        (
            Some(S::Draft),
            applicant(),
            ProjectCommand::Submit,
            ok(S::SubmittedToWindow),
        ),
        (
            Some(S::Draft),
            other_applicant(),
            ProjectCommand::Submit,
            Err(ProjectError::NotOwner { action: A::Submit }),
        ),
        (
            Some(S::Draft),
            window(),
            ProjectCommand::Submit,
            role(Role::WindowOperator, A::Submit),
        ),
        (
            Some(S::Draft),
            window(),
            ProjectCommand::Edit { details: details() },
            wrong(S::Draft, A::Edit),
        ),
        (
            Some(S::Draft),
            window(),
            choose_flow(),
            wrong(S::Draft, A::ChooseFlow),
        ),
        (
            Some(S::Draft),
            window(),
            request_correction(),
            wrong(S::Draft, A::RequestCorrection),
        ),
        (Some(S::Draft), applicant(), close(), ok(S::Closed)),
        (
            Some(S::Draft),
            applicant(),
            ProjectCommand::AddWorks { works: works("W1") },
            ok(S::Draft),
        ),
        // At the window.
        (
            Some(S::SubmittedToWindow),
            window(),
            choose_flow(),
            ok(S::FlowChosen),
        ),
        (
            Some(S::SubmittedToWindow),
            window(),
            request_correction(),
            ok(S::CorrectionRequested),
        ),
        (
            Some(S::SubmittedToWindow),
            window(),
            ProjectCommand::Edit { details: details() },
            ok(S::SubmittedToWindow),
        ),
        (
            Some(S::SubmittedToWindow),
            applicant(),
            ProjectCommand::Edit { details: details() },
            wrong(S::SubmittedToWindow, A::Edit),
        ),
        (
            Some(S::SubmittedToWindow),
            applicant(),
            ProjectCommand::Submit,
            wrong(S::SubmittedToWindow, A::Submit),
        ),
        (
            Some(S::SubmittedToWindow),
            applicant(),
            choose_flow(),
            role(Role::Applicant, A::ChooseFlow),
        ),
        (
            Some(S::SubmittedToWindow),
            reviewer(),
            choose_flow(),
            role(Role::DepartmentReviewer, A::ChooseFlow),
        ),
        (
            Some(S::SubmittedToWindow),
            reform_office(),
            choose_flow(),
            role(Role::ReformOffice, A::ChooseFlow),
        ),
        (
            Some(S::SubmittedToWindow),
            applicant(),
            request_correction(),
            role(Role::Applicant, A::RequestCorrection),
        ),
        (
            Some(S::SubmittedToWindow),
            applicant(),
            close(),
            wrong(S::SubmittedToWindow, A::Close),
        ),
        (Some(S::SubmittedToWindow), window(), close(), ok(S::Closed)),
        // Correction requested.
        (
            Some(S::CorrectionRequested),
            applicant(),
            ProjectCommand::Edit { details: details() },
            ok(S::CorrectionRequested),
        ),
        (
            Some(S::CorrectionRequested),
            applicant(),
            ProjectCommand::Submit,
            ok(S::SubmittedToWindow),
        ),
        (
            Some(S::CorrectionRequested),
            other_applicant(),
            ProjectCommand::Edit { details: details() },
            Err(ProjectError::NotOwner { action: A::Edit }),
        ),
        (
            Some(S::CorrectionRequested),
            window(),
            choose_flow(),
            wrong(S::CorrectionRequested, A::ChooseFlow),
        ),
        (
            Some(S::CorrectionRequested),
            window(),
            request_correction(),
            wrong(S::CorrectionRequested, A::RequestCorrection),
        ),
        // Flow chosen.
        (
            Some(S::FlowChosen),
            window(),
            choose_flow(),
            wrong(S::FlowChosen, A::ChooseFlow),
        ),
        (
            Some(S::FlowChosen),
            applicant(),
            ProjectCommand::Edit { details: details() },
            wrong(S::FlowChosen, A::Edit),
        ),
        (
            Some(S::FlowChosen),
            applicant(),
            ProjectCommand::Submit,
            wrong(S::FlowChosen, A::Submit),
        ),
        (
            Some(S::FlowChosen),
            window(),
            request_correction(),
            wrong(S::FlowChosen, A::RequestCorrection),
        ),
        (
            Some(S::FlowChosen),
            applicant(),
            ProjectCommand::AddWorks { works: works("W1") },
            ok(S::FlowChosen),
        ),
        (
            Some(S::FlowChosen),
            window(),
            ProjectCommand::AddWorks { works: works("W1") },
            ok(S::FlowChosen),
        ),
        (
            Some(S::FlowChosen),
            other_applicant(),
            ProjectCommand::AddWorks { works: works("W1") },
            Err(ProjectError::NotOwner {
                action: A::AddWorks,
            }),
        ),
        (
            Some(S::FlowChosen),
            reviewer(),
            ProjectCommand::AddWorks { works: works("W1") },
            role(Role::DepartmentReviewer, A::AddWorks),
        ),
        (Some(S::FlowChosen), reform_office(), close(), ok(S::Closed)),
        (
            Some(S::FlowChosen),
            applicant(),
            close(),
            wrong(S::FlowChosen, A::Close),
        ),
        // Closed.
        (
            Some(S::Closed),
            applicant(),
            ProjectCommand::AddWorks { works: works("W1") },
            wrong(S::Closed, A::AddWorks),
        ),
        (
            Some(S::Closed),
            window(),
            close(),
            wrong(S::Closed, A::Close),
        ),
        (
            Some(S::Closed),
            applicant(),
            ProjectCommand::Submit,
            wrong(S::Closed, A::Submit),
        ),
    ];
    for (i, (state, who, cmd, expected)) in cases.into_iter().enumerate() {
        let before = state.map(project_in);
        let snapshot = before.clone();
        let got = decide(before.as_ref(), &cmd, &who, t(100)).map(|events| {
            let mut s = before.clone();
            for e in &events {
                s = Some(Project::apply(s, e).unwrap());
            }
            s.map(|p| p.state)
        });
        assert_eq!(
            got,
            expected,
            "case {i}: {state:?} {:?} {:?}",
            who.role,
            cmd.action()
        );
        assert_eq!(before, snapshot, "case {i} changed the state");
    }
}

#[test]
fn invalid_forms_are_refused_with_the_field_named() {
    let with = |f: fn(&mut ProjectDetails)| {
        let mut d = details();
        f(&mut d);
        ProjectCommand::RegisterOnline {
            id: ProjectId::new("P1"),
            details: d,
        }
    };
    let cases: Vec<(ProjectCommand, ProjectError)> = vec![
        (with(|d| d.name = "  ".into()), ProjectError::EmptyName),
        (
            with(|d| d.builder.name = String::new()),
            ProjectError::EmptyBuilderName,
        ),
        (
            with(|d| d.category = CategoryCode::new("")),
            ProjectError::EmptyCategory,
        ),
        (
            with(|d| d.location.address = String::new()),
            ProjectError::EmptyAddress,
        ),
        (
            with(|d| d.investment_amount = Money::from_fen(-1)),
            ProjectError::NegativeAmount {
                field: AmountField::InvestmentAmount,
            },
        ),
        (
            with(|d| d.land_area = Area::from_hundredths(-100)),
            ProjectError::NegativeAmount {
                field: AmountField::LandArea,
            },
        ),
        (
            with(|d| d.building_area = Area::from_hundredths(-1)),
            ProjectError::NegativeAmount {
                field: AmountField::BuildingArea,
            },
        ),
        (with(|d| d.contacts.clear()), ProjectError::NoContact),
        (
            with(|d| {
                let mut c = d.contacts[0].clone();
                c.name = " ".into();
                d.contacts.push(c);
            }),
            ProjectError::EmptyContactName { index: 2 },
        ),
        (
            ProjectCommand::RegisterOnline {
                id: ProjectId::new(""),
                details: details(),
            },
            ProjectError::EmptyProjectId,
        ),
        (
            ProjectCommand::RegisterOnSite {
                id: ProjectId::new("P1"),
                owner: OrganisationId::new(""),
                details: details(),
            },
            ProjectError::EmptyOwner,
        ),
    ];
    for (cmd, expected) in cases {
        let who = if matches!(cmd, ProjectCommand::RegisterOnSite { .. }) {
            window()
        } else {
            applicant()
        };
        assert_eq!(decide(None, &cmd, &who, t(0)), Err(expected));
    }
}

/// 行政区划: a project is registered only in a division the hall serves (the reference data in
/// force); an unserved one (another city, or the city itself rather than a district) is
/// refused with its code and nothing happens. An edit may keep the registered district after
/// the list changed, but not move the project to an unserved one.
#[test]
fn the_location_must_be_a_district_the_hall_serves() {
    let in_district = |code: &str| {
        let mut d = details();
        d.location.district = RegionCode::parse(code).unwrap();
        d
    };
    for code in ["230202", "230100", "232701"] {
        for (who, cmd) in [
            (
                applicant(),
                ProjectCommand::RegisterOnline {
                    id: ProjectId::new("P1"),
                    details: in_district(code),
                },
            ),
            (
                window(),
                ProjectCommand::RegisterOnSite {
                    id: ProjectId::new("P1"),
                    owner: OrganisationId::new(BUILDER_ORG),
                    details: in_district(code),
                },
            ),
        ] {
            let err = decide(None, &cmd, &who, t(0)).unwrap_err();
            assert!(
                matches!(&err, ProjectError::DistrictNotServed { district, .. } if district.as_str() == code),
                "{err:?}"
            );
            let text = err.to_string();
            assert!(
                text.contains(code) && text.contains("请从本大厅服务的行政区划中选择"),
                "{text}"
            );
        }
    }
    assert_eq!(
        decide(
            None,
            &ProjectCommand::RegisterOnline {
                id: ProjectId::new("P1"),
                details: in_district("230202"),
            },
            &applicant(),
            t(0),
        )
        .unwrap_err()
        .to_string(),
        "建设地点所在行政区划 230202（黑龙江省齐齐哈尔市龙沙区）不在本大厅服务的行政区划内，请从本大厅服务的行政区划中选择"
    );
    // Every district of Harbin is served, 双城区 included.
    for code in ["230102", "230113", "230184"] {
        let cmd = ProjectCommand::RegisterOnline {
            id: ProjectId::new("P1"),
            details: in_district(code),
        };
        assert!(decide(None, &cmd, &applicant(), t(0)).is_ok(), "{code}");
    }

    // Edits: moving to an unserved division is refused; keeping the registered one is not,
    // even when the hall no longer serves it.
    let draft = project_in(RegistrationState::Draft);
    let edit = |code: &str| ProjectCommand::Edit {
        details: in_district(code),
    };
    assert!(matches!(
        decide(Some(&draft), &edit("230202"), &applicant(), t(5)),
        Err(ProjectError::DistrictNotServed { .. })
    ));
    assert!(decide(Some(&draft), &edit("230103"), &applicant(), t(5)).is_ok());
    let only_nangang = Districts::from_toml(
        "version = \"t\"\n[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n[[division]]\ncode = \"230103\"\nname = \"南岗区\"\n",
    )
    .unwrap();
    let mut renamed = details();
    renamed.name = "哈尔滨市道里区某精密机械厂房建设项目（二期）".into();
    assert!(
        Project::decide(
            Some(&draft),
            &ProjectCommand::Edit { details: renamed },
            &applicant(),
            t(5),
            &only_nangang,
        )
        .is_ok(),
        "the registered 道里区 is kept"
    );
}

#[test]
fn window_decisions_are_checked() {
    let at_window = project_in(RegistrationState::SubmittedToWindow);
    let check = |cmd: ProjectCommand| decide(Some(&at_window), &cmd, &window(), t(50));
    assert_eq!(
        check(ProjectCommand::RequestCorrection { problems: vec![] }),
        Err(ProjectError::EmptyCorrectionList)
    );
    assert_eq!(
        check(ProjectCommand::RequestCorrection {
            problems: vec!["缺少建设单位营业执照".into(), " ".into()]
        }),
        Err(ProjectError::EmptyCorrectionItem { index: 2 })
    );
    assert_eq!(
        check(ProjectCommand::ChooseFlow {
            flow: FlowCode::new("F-housing"),
            category: CategoryCode::new("social-housing")
        }),
        Err(ProjectError::FlowCategoryMismatch {
            flow: FlowCode::new("F-housing"),
            flow_category: CategoryCode::new("social-housing"),
            project_category: CategoryCode::new(CATEGORY),
        })
    );
    assert_eq!(
        check(ProjectCommand::ChooseFlow {
            flow: FlowCode::new(""),
            category: CategoryCode::new(CATEGORY)
        }),
        Err(ProjectError::EmptyFlowCode)
    );
    assert_eq!(
        check(ProjectCommand::Close { reason: "".into() }),
        Err(ProjectError::EmptyCloseReason)
    );
    // A command dated before the project's last event is refused (offline clock drift).
    assert_eq!(
        decide(Some(&at_window), &choose_flow(), &window(), t(0)),
        Err(ProjectError::TimeBeforeLastEvent {
            last: t(1),
            at: t(0)
        })
    );
}

#[test]
fn works_ids_are_unique_and_works_are_validated() {
    let (p, _) = run(&[
        (applicant(), register_online()),
        (applicant(), ProjectCommand::AddWorks { works: works("W1") }),
    ]);
    let p = p.unwrap();
    let add = |w: Works| {
        decide(
            Some(&p),
            &ProjectCommand::AddWorks { works: w },
            &applicant(),
            t(9),
        )
    };
    assert_eq!(
        add(works("W1")),
        Err(ProjectError::DuplicateWorks {
            id: WorksId::new("W1")
        })
    );
    assert_eq!(add(works("")), Err(ProjectError::EmptyWorksId));
    assert_eq!(
        add(Works {
            name: "".into(),
            ..works("W2")
        }),
        Err(ProjectError::EmptyWorksName)
    );
    assert_eq!(
        add(Works {
            building_area: Area::from_hundredths(-5),
            ..works("W2")
        }),
        Err(ProjectError::NegativeAmount {
            field: AmountField::WorksBuildingArea
        })
    );
    assert!(add(works("W2")).is_ok());
}

#[test]
fn refusals_read_as_chinese_sentences() {
    let cases = [
        (
            ProjectError::NotAllowedForRole {
                role: Role::Applicant,
                action: ProjectAction::ChooseFlow,
            },
            "申请人无权选择审批流程",
        ),
        (
            ProjectError::WrongState {
                state: RegistrationState::FlowChosen,
                action: ProjectAction::Edit,
            },
            "项目当前状态为“已选择审批流程”，不能修改项目登记信息",
        ),
        (ProjectError::NoContact, "至少需要一位联系人"),
        (
            ProjectError::NegativeAmount {
                field: AmountField::InvestmentAmount,
            },
            "总投资不能为负数",
        ),
    ];
    for (e, msg) in cases {
        assert_eq!(e.to_string(), msg);
    }
}

#[test]
fn events_serialise_as_tagged_snake_case_and_round_trip() {
    let (_, events) = run(&[
        (window(), register_on_site()),
        (window(), ProjectCommand::AddWorks { works: works("W1") }),
        (window(), choose_flow()),
        (window(), close()),
    ]);
    let json = serde_json::to_value(&events).unwrap();
    assert_eq!(json[0]["type"], "registered");
    assert_eq!(json[0]["channel"], "on_site");
    assert_eq!(json[0]["details"]["code"], "2024-230102-48-01-123456");
    assert_eq!(json[0]["details"]["builder"]["credit_code"], BUILDER_ORG);
    assert_eq!(json[0]["details"]["investment_amount"], 12_500_500_000i64);
    assert_eq!(json[0]["details"]["location"]["district"], "230102");
    assert_eq!(json[0]["details"]["contacts"][0]["phone"], "13812345678");
    assert_eq!(json[2]["type"], "flow_chosen");
    assert_eq!(json[3]["type"], "one_time_notice_issued");
    assert_eq!(json[4]["type"], "closed");
    let back: Vec<ProjectEvent> = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, events);
    // A tampered code in a stored event is refused when read back.
    let mut bad = json;
    bad[0]["details"]["builder"]["credit_code"] = "91230102MA1BC3D48F".into();
    assert!(serde_json::from_value::<Vec<ProjectEvent>>(bad).is_err());
}

#[test]
fn replay_refuses_histories_that_cannot_be() {
    let (_, events) = run(&[
        (applicant(), register_online()),
        (applicant(), ProjectCommand::Submit),
    ]);
    assert_eq!(
        Project::replay(&events[1..]),
        Err(ProjectReplayError::NotRegistered { kind: "submitted" })
    );
    let doubled = [events[0].clone(), events[0].clone()];
    assert_eq!(
        Project::replay(&doubled),
        Err(ProjectReplayError::AlreadyRegistered {
            id: ProjectId::new("P1")
        })
    );
    assert_eq!(Project::replay(&[]), Ok(None));
}

#[test]
fn money_and_areas_are_exact() {
    assert_eq!(Money::parse_wan("12500.5").unwrap().fen(), 12_500_500_000);
    assert_eq!(Money::parse_wan("0.000001").unwrap().fen(), 1);
    assert_eq!(Money::parse_yuan("1,234.56").unwrap().fen(), 123_456);
    assert_eq!(
        Money::parse_wan("12500.5").unwrap().to_string(),
        "12500.50万元"
    );
    assert_eq!(Money::from_fen(123_456).format_yuan(), "1234.56");
    assert_eq!(Money::from_fen(123_456).format_wan(), "0.123456");
    assert_eq!(Money::from_wan(3).unwrap().format_wan(), "3.00");
    assert_eq!(Area::parse("28000.75").unwrap().hundredths(), 2_800_075);
    assert_eq!(
        Area::parse("28000.75").unwrap().to_string(),
        "28000.75平方米"
    );
    assert_eq!(Area::from_square_metres(5).unwrap().format(), "5.00");
    let cases: Vec<(&str, DecimalError)> = vec![
        ("", DecimalError::Empty),
        (".", DecimalError::Empty),
        ("-1", DecimalError::Negative),
        ("12.345", DecimalError::TooManyDecimals { max: 2 }),
        (
            "1.2.3",
            DecimalError::InvalidCharacter {
                position: 4,
                found: '.',
            },
        ),
        (
            "12万",
            DecimalError::InvalidCharacter {
                position: 3,
                found: '万',
            },
        ),
        ("99999999999999999999", DecimalError::TooLarge),
    ];
    for (input, expected) in cases {
        assert_eq!(Area::parse(input), Err(expected), "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Random sequences against a model.

/// The model: who may do what in which state, written as the seed reads, independently of the
/// crate's tables. `who`: 0 and 1 applicants of two organisations, 2 window, 3 reviewer,
/// 4 reform office; the state carries the index of the owning applicant.
fn model(
    state: Option<(RegistrationState, usize)>,
    who: usize,
    action: ProjectAction,
) -> Option<(RegistrationState, usize)> {
    use ProjectAction as A;
    use RegistrationState as S;
    let applicant = who <= 1;
    let window = who == 2;
    match (state, action) {
        (None, A::RegisterOnline) if applicant => Some((S::Draft, who)),
        // The window registers on behalf of the builder, organisation 0.
        (None, A::RegisterOnSite) if window => Some((S::SubmittedToWindow, 0)),
        (None, _) | (Some(_), A::RegisterOnline | A::RegisterOnSite) => None,
        (Some((s, owner)), action) => {
            let own = applicant && who == owner;
            let next = match (s, action) {
                (S::Draft | S::CorrectionRequested, A::Edit) if own => Some(s),
                (S::SubmittedToWindow, A::Edit) if window => Some(s),
                (S::Draft | S::CorrectionRequested, A::Submit) if own => Some(S::SubmittedToWindow),
                (S::SubmittedToWindow, A::RequestCorrection) if window => {
                    Some(S::CorrectionRequested)
                }
                (S::SubmittedToWindow, A::ChooseFlow) if window => Some(S::FlowChosen),
                (_, A::AddWorks) if (own || window) && s != S::Closed => Some(s),
                (S::Draft, A::Close) if own => Some(S::Closed),
                (_, A::Close) if (window || who == 4) && s != S::Closed => Some(S::Closed),
                _ => None,
            };
            next.map(|n| (n, owner))
        }
    }
}

/// Actions drawn so that closing (a dead end) is rare and every state is often reached.
const WEIGHTED: [ProjectAction; 15] = {
    use ProjectAction as A;
    [
        A::RegisterOnline,
        A::RegisterOnline,
        A::RegisterOnSite,
        A::Edit,
        A::Edit,
        A::Submit,
        A::Submit,
        A::Submit,
        A::RequestCorrection,
        A::RequestCorrection,
        A::ChooseFlow,
        A::ChooseFlow,
        A::ChooseFlow,
        A::AddWorks,
        A::Close,
    ]
};

fn actors() -> [Actor; 5] {
    [
        applicant(),
        other_applicant(),
        window(),
        reviewer(),
        reform_office(),
    ]
}

fn command(action: ProjectAction, works_n: usize) -> ProjectCommand {
    match action {
        ProjectAction::RegisterOnline => register_online(),
        ProjectAction::RegisterOnSite => register_on_site(),
        ProjectAction::Edit => ProjectCommand::Edit { details: details() },
        ProjectAction::Submit => ProjectCommand::Submit,
        ProjectAction::RequestCorrection => request_correction(),
        ProjectAction::ChooseFlow => choose_flow(),
        ProjectAction::AddWorks => ProjectCommand::AddWorks {
            works: works(&format!("W{works_n}")),
        },
        ProjectAction::Close => close(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn random_commands_agree_with_the_model_and_refusals_change_nothing(
        steps in proptest::collection::vec((0usize..5, 0usize..WEIGHTED.len(), -2i64..30), 1..40)
    ) {
        let actors = actors();
        let mut state: Option<Project> = None;
        let mut log: Vec<ProjectEvent> = Vec::new();
        let mut clock = 0i64;
        let mut modelled: Option<(RegistrationState, usize)> = None;
        for (step, (who, action, dt)) in steps.into_iter().enumerate() {
            let action = WEIGHTED[action];
            let cmd = command(action, step);
            let at = t(clock + dt);
            let before = state.clone();
            let expected = model(modelled, who, action);
            let late = state.as_ref().is_some_and(|p| at < p.last_event_at);
            match decide(state.as_ref(), &cmd, &actors[who], at) {
                Ok(events) => {
                    prop_assert!(!events.is_empty());
                    prop_assert!(!late, "accepted a command dated before the last event");
                    prop_assert!(expected.is_some(), "accepted {:?} by {} in {:?}", action, who, before.as_ref().map(|p| p.state));
                    for e in &events {
                        prop_assert_eq!(e.at(), at);
                        prop_assert_eq!(e.actor(), &actors[who]);
                        state = Some(Project::apply(state, e).unwrap());
                    }
                    let p = state.as_ref().unwrap();
                    prop_assert_eq!(Some(p.state), expected.map(|(s, _)| s));
                    prop_assert_eq!(&p.owner, actors[expected.map_or(0, |(_, o)| o)].organisation.as_ref().unwrap());
                    modelled = expected;
                    prop_assert_eq!(p.version, before.as_ref().map_or(0, |b| b.version) + events.len() as u64);
                    log.extend(events);
                    clock += dt.max(0);
                }
                Err(e) => {
                    prop_assert_eq!(&state, &before, "refusal changed the state");
                    prop_assert!(expected.is_none() || late, "refused {:?} by {} in {:?}: {}", action, who, before.as_ref().map(|p| p.state), e);
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }
        prop_assert_eq!(Project::replay(&log).unwrap(), state);
        let json = serde_json::to_string(&log).unwrap();
        let back: Vec<ProjectEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, log);
    }
}

// ---------------------------------------------------------------------------------------------
// Available actions: what each user may do with a project now, and why not the rest.

fn allowed(p: &Project, who: &Actor) -> Vec<ProjectAction> {
    p.available_actions(who)
        .into_iter()
        .filter(|a| a.refusal.is_none())
        .map(|a| a.action)
        .collect()
}

#[test]
fn available_actions_per_state_and_role() {
    use ProjectAction as A;
    use RegistrationState as S;
    let table: Vec<(S, Actor, Vec<ProjectAction>)> = vec![
        (
            S::Draft,
            applicant(),
            vec![A::Edit, A::Submit, A::AddWorks, A::Close],
        ),
        (S::Draft, other_applicant(), vec![]),
        (S::Draft, window(), vec![A::AddWorks, A::Close]),
        (S::Draft, reviewer(), vec![]),
        (S::Draft, reform_office(), vec![A::Close]),
        (S::SubmittedToWindow, applicant(), vec![A::AddWorks]),
        (
            S::SubmittedToWindow,
            window(),
            vec![
                A::Edit,
                A::RequestCorrection,
                A::ChooseFlow,
                A::AddWorks,
                A::Close,
            ],
        ),
        (S::SubmittedToWindow, reform_office(), vec![A::Close]),
        (
            S::CorrectionRequested,
            applicant(),
            vec![A::Edit, A::Submit, A::AddWorks],
        ),
        (
            S::CorrectionRequested,
            window(),
            vec![A::AddWorks, A::Close],
        ),
        (S::FlowChosen, applicant(), vec![A::AddWorks]),
        (S::FlowChosen, window(), vec![A::AddWorks, A::Close]),
        (S::FlowChosen, reviewer(), vec![]),
        (S::FlowChosen, reform_office(), vec![A::Close]),
        (S::Closed, applicant(), vec![]),
        (S::Closed, window(), vec![]),
        (S::Closed, reform_office(), vec![]),
    ];
    for (state, who, expected) in table {
        let p = project_in(state);
        assert_eq!(allowed(&p, &who), expected, "{state:?} as {:?}", who.role);
        let answer = p.available_actions(&who);
        // Every action but the two registrations, in the enum's order.
        let actions: Vec<ProjectAction> = answer.iter().map(|a| a.action).collect();
        assert_eq!(
            actions,
            [
                A::Edit,
                A::Submit,
                A::RequestCorrection,
                A::ChooseFlow,
                A::AddWorks,
                A::Close
            ]
        );
        // The same answer through the trait every entity implements.
        assert_answer_agrees(&p, &who, &answer, &format!("{state:?}"));
    }
    // Why not: the role, the owner, the state, each in the sentence decide refuses with.
    let refusal = |p: &Project, who: &Actor, action: ProjectAction| {
        refusal_of(p.available_actions(who), action)
    };
    let draft = project_in(S::Draft);
    assert_eq!(
        refusal(&draft, &other_applicant(), A::Submit),
        "只有项目所属单位的申请人才能提交综合窗口"
    );
    assert_eq!(
        refusal(&draft, &reviewer(), A::AddWorks),
        "审批部门无权添加工程"
    );
    assert_eq!(
        refusal(&draft, &window(), A::ChooseFlow),
        "项目当前状态为“草稿”，不能选择审批流程"
    );
    assert_eq!(
        refusal(&project_in(S::SubmittedToWindow), &applicant(), A::Close),
        "项目当前状态为“已提交综合窗口”，不能关闭项目"
    );
    // Registering again is never offered; asked anyway, it is refused as decide refuses it.
    assert_eq!(
        draft.may(A::RegisterOnline, &applicant()),
        Err(ProjectError::AlreadyRegistered {
            id: ProjectId::new("P1")
        })
    );
}

/// The answer agrees with `decide`: in every state, for every user and every action, what
/// `decide` accepts is offered; what is refused by the gate is refused by `decide` with the
/// same refusal; and what is offered is refused by `decide` only for the content of the
/// command, never for the role, the owner or the state.
#[test]
fn available_actions_agree_with_decide() {
    let mut checked = 0;
    for state in RegistrationState::ALL {
        let p = project_in(state);
        let at = p.last_event_at + Duration::minutes(1);
        for who in actors() {
            for action in ProjectAction::ALL {
                let decided = decide(Some(&p), &command(action, 99), &who, at);
                let offered = p.may(action, &who);
                match (&offered, &decided) {
                    (Ok(()), Ok(_)) => checked += 1,
                    (Err(gate), Err(e)) => assert_eq!(gate, e, "{state:?} {action:?} {who:?}"),
                    (Err(gate), Ok(_)) => {
                        panic!("{state:?} {action:?} by {who:?}: decided but not offered: {gate}")
                    }
                    (Ok(()), Err(e)) => assert!(
                        !matches!(
                            e,
                            ProjectError::NotAllowedForRole { .. }
                                | ProjectError::NotOwner { .. }
                                | ProjectError::WrongState { .. }
                                | ProjectError::AlreadyRegistered { .. }
                                | ProjectError::NotRegistered { .. }
                        ),
                        "{state:?} {action:?} by {who:?}: offered but refused by the gate: {e}"
                    ),
                }
            }
        }
    }
    assert!(checked > 10, "too few accepted commands: {checked}");
}

//! 市政公用服务 (seed 8): every 报装受理 and 验收接入 item of the demo catalogue runs as a case of
//! its utility unit — received and accepted by the window, started, ended with results, and
//! completed — with the catalogue's time limit on the legal clock; another unit cannot touch it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::*;
use permitdesk_domain::catalogue::{Catalogue, ItemKind, UtilityPhase};
use permitdesk_domain::clock::{LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::ids::*;
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::time::{Timestamp, from_local, parse_local};

const BUILDER: &str = "91230100MA1B2C3D4E";

fn t(s: &str) -> Timestamp {
    from_local(parse_local(s).unwrap())
}

fn window() -> Actor {
    new_actor("w", "综合窗口", Role::WindowOperator, None, None)
}

fn unit(code: &DepartmentCode) -> Actor {
    new_actor(
        &format!("u-{code}"),
        "市政公用服务单位经办人",
        Role::UtilityUnit,
        Some(code.as_str()),
        None,
    )
}

/// (item, accepted at, expected deadline by the catalogue's limit): both phases of all seven
/// services, some across holidays.
const ITEMS: [(&str, &str, &str); 14] = [
    ("SZ-GS-1", "2025-03-03T10:00", "2025-03-07T17:00"),
    ("SZ-GS-2", "2025-09-29T10:00", "2025-10-11T17:00"),
    ("SZ-PS-1", "2025-03-03T10:00", "2025-03-07T17:00"),
    ("SZ-PS-2", "2025-03-03T10:00", "2025-03-07T17:00"),
    ("SZ-GD-1", "2025-03-03T10:00", "2025-03-17T17:00"),
    ("SZ-GD-2", "2026-02-13T10:00", "2026-02-27T17:00"),
    ("SZ-RQ-1", "2025-03-03T10:00", "2025-03-10T17:00"),
    ("SZ-RQ-2", "2025-03-03T10:00", "2025-03-10T17:00"),
    ("SZ-GR-1", "2025-03-03T10:00", "2025-03-10T17:00"),
    ("SZ-GR-2", "2025-03-03T10:00", "2025-03-10T17:00"),
    ("SZ-GB-1", "2025-03-03T10:00", "2025-03-06T17:00"),
    ("SZ-GB-2", "2025-03-03T10:00", "2025-03-06T17:00"),
    ("SZ-TX-1", "2025-03-03T10:00", "2025-03-06T17:00"),
    ("SZ-TX-2", "2025-03-03T10:00", "2025-03-06T17:00"),
];

/// Runs commands on one case, each a minute after the last.
struct Driver {
    id: CaseId,
    code: &'static str,
    case: Option<Case>,
    at: Timestamp,
}

impl Driver {
    fn run(&mut self, actor: &Actor, cmd: CaseCommand, attachments: Vec<AttachmentId>) {
        self.at += chrono::Duration::minutes(1);
        let acting = Acting::new(actor.clone(), self.at).with_attachments(attachments);
        let (next, _) = Case::execute(self.case.clone(), &self.id, &cmd, &acting)
            .unwrap_or_else(|e| panic!("{}: {cmd:?} refused: {e}", self.code));
        self.case = Some(next);
    }
}

#[test]
fn every_utility_item_runs_as_a_case_of_its_unit_with_the_catalogue_time_limit() {
    let catalogue = Catalogue::demo().unwrap();
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    // The table covers every utility item of the catalogue, both phases of every service.
    let mut listed: Vec<&str> = catalogue
        .items_of_kind(ItemKind::MunicipalUtility)
        .map(|i| i.code.as_str())
        .collect();
    listed.sort_unstable();
    let mut table: Vec<&str> = ITEMS.iter().map(|(code, _, _)| *code).collect();
    table.sort_unstable();
    assert_eq!(listed, table);

    for (code, accepted, expected_deadline) in ITEMS {
        let item = catalogue.item(&ItemCode::new(code)).unwrap();
        let utility = item.utility.unwrap();
        let department = item.department.clone();
        let me = unit(&department);
        let id = CaseId::new(format!("C-{code}"));
        let mut d = Driver {
            id: id.clone(),
            code,
            case: None,
            at: t(accepted) - chrono::Duration::minutes(30),
        };
        // 综合窗口 receives the applicant's materials and pushes them to the unit (seed 8.1/8.2).
        d.run(
            &window(),
            CaseCommand::Create {
                application: ApplicationId::new("A-1"),
                project: ProjectId::new("P-1"),
                works: WorksId::new("W-1"),
                item: item.code.clone(),
                department: department.clone(),
                applicant: OrganisationId::new(BUILDER),
                commitment_allowed: item.commitment_allowed,
                number: None,
            },
            vec![],
        );
        for (i, m) in item.materials.iter().enumerate() {
            d.run(
                &window(),
                CaseCommand::AttachMaterial {
                    material: m.name.clone(),
                    attachment: AttachmentId::new(format!("m{i}")),
                },
                vec![],
            );
        }
        d.run(
            &window(),
            CaseCommand::Submit {
                stamped_form: AttachmentId::new("form"),
            },
            vec![],
        );
        d.run(&window(), CaseCommand::Receive, vec![]);
        d.at = t(accepted) - chrono::Duration::minutes(1);
        d.run(
            &window(),
            CaseCommand::Accept {
                terms: AcceptanceTerms {
                    catalogue_version: catalogue.version.clone(),
                    time_limit_working_days: item.time_limit_working_days,
                    review_levels: catalogue
                        .review_levels_for_item(&item.code)
                        .unwrap()
                        .to_vec(),
                },
                commitment_based: false,
            },
            vec![],
        );
        let accepted_case = d.case.clone().unwrap();
        assert_eq!(accepted_case.state, CaseState::InReview, "{code}");

        // Another unit (and a government reviewer) cannot act on this unit's case.
        let other = if department.as_str() == "GSJT" {
            "PSJT"
        } else {
            "GSJT"
        };
        let intruders = [
            unit(&DepartmentCode::new(other)),
            Actor {
                role: Role::DepartmentReviewer,
                ..unit(&DepartmentCode::new("ZJJ"))
            },
        ];
        for intruder in intruders {
            let level = accepted_case.next_level().unwrap().to_owned();
            let refused = Case::decide(
                Some(&accepted_case),
                &id,
                &CaseCommand::SignOff { level },
                &Acting::new(intruder, d.at + chrono::Duration::minutes(1)),
            );
            assert!(
                matches!(refused, Err(CaseError::OtherDepartment { .. })),
                "{code}: {refused:?}"
            );
        }

        // The unit starts (点击开始: its first level), records a timed site survey with its
        // result, signs the remaining levels and ends with the result material (点击结束).
        let levels = catalogue
            .review_levels_for_item(&item.code)
            .unwrap()
            .to_vec();
        // One person of the unit per level (层级权限 from the directory).
        let holder = |level: &str| Actor {
            user: UserId::new(format!("{}-{level}", me.user)),
            ..me.clone().with_levels([level])
        };
        d.run(
            &holder(&levels[0]),
            CaseCommand::SignOff {
                level: levels[0].clone(),
            },
            vec![],
        );
        d.run(
            &me,
            CaseCommand::StartSpecialProcedure {
                procedure: 1,
                kind: SpecialProcedureKind::SiteSurvey,
            },
            vec![],
        );
        d.run(
            &me,
            CaseCommand::EndSpecialProcedure {
                procedure: 1,
                summary: "现场具备接入条件".into(),
            },
            vec![AttachmentId::new("survey")],
        );
        for level in &levels[1..] {
            d.run(
                &holder(level),
                CaseCommand::SignOff {
                    level: level.clone(),
                },
                vec![],
            );
        }
        let result_name = match utility.phase {
            UtilityPhase::Application => format!("{}方案答复书", utility.service.label()),
            UtilityPhase::Connection => format!("{}接入确认书", utility.service.label()),
        };
        d.run(
            &me,
            CaseCommand::Complete {
                decision: Decision::Granted {
                    certificate: CertificateRecord {
                        number: CertificateNumber::new(format!("{code}-0001")),
                        name: result_name,
                        issued_on: d.at.date_naive(),
                        valid_until: None,
                        file: Some(AttachmentId::new("result")),
                    },
                },
            },
            vec![],
        );
        let done = d.case.unwrap();
        assert_eq!(done.state, CaseState::Granted, "{code}");
        assert_eq!(
            done.procedures[0].results,
            vec![AttachmentId::new("survey")]
        );

        // The unit's clock: the catalogue's limit, from the window's acceptance, to the end.
        let input = accepted_case.clock_input().unwrap();
        assert_eq!(
            input.limit_working_days, item.time_limit_working_days,
            "{code}"
        );
        let reading = clock.evaluate(&input, input.accepted_at).unwrap();
        assert_eq!(reading.deadline, parse_local(expected_deadline), "{code}");
        let finished = clock
            .evaluate(
                &done.clock_input().unwrap(),
                parse_local("2026-12-31T12:00").unwrap(),
            )
            .unwrap();
        assert_ne!(
            finished.level,
            WarningLevel::Overdue,
            "{code}: ended the same day"
        );
    }
}

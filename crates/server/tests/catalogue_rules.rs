//! Rules from the catalogue, enforced by the server (issue 14), through push on both backends
//! (PERMITDESK_TEST_DATABASE=postgres://... for PostgreSQL): the flow a window chooses must be
//! the catalogue's and its category is the catalogue's, not the client's; an application is for
//! an item of the project's chosen flow only. Each refusal is a Chinese sentence naming the rule,
//! and appends nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::World;
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::ids::*;
use permitdesk_domain::project::{ProjectCommand, ProjectEvent};
use permitdesk_protocol::{CommandOutcome, DomainCommand, DomainEvent, Refusal};
use permitdesk_server::testing::fixtures::*;

fn refusal_text(o: CommandOutcome) -> String {
    match o {
        CommandOutcome::Refused { refusal } => refusal.message().to_owned(),
        other => panic!("not refused: {other:?}"),
    }
}

async fn events(w: &World, key: &str) -> usize {
    w.store().entity_events(key).await.unwrap().len()
}

#[tokio::test]
async fn the_flow_and_the_items_are_the_catalogues() {
    let w = World::new().await;
    let (applicant, window) = (w.user("applicant").await, w.user("window").await);
    let mut d = w.driver();
    let at = w.now();
    let details = project_details("示范厂房 P-1", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    d.apply(
        &applicant,
        project_cmd(
            "P-1",
            ProjectCommand::RegisterOnline {
                id: ProjectId::new("P-1"),
                details,
            },
        ),
        at,
    )
    .await
    .unwrap();
    d.apply(&applicant, project_cmd("P-1", ProjectCommand::Submit), at)
        .await
        .unwrap();
    let before = events(&w, "project:P-1").await;

    // (flow, category the client sends, expected refusal or None)
    let table: [(&str, &str, Option<&str>); 2] = [
        (
            "LC-NO-SUCH",
            CATEGORY,
            Some("事项目录（2026.1）中没有审批流程 LC-NO-SUCH，请从目录的流程中选择"),
        ),
        // A client that names another category is not believed: the catalogue's is recorded.
        (FLOW, "SH-FDC", None),
    ];
    for (flow, category, expected) in table {
        let o = d
            .push(
                &window,
                project_cmd(
                    "P-1",
                    ProjectCommand::ChooseFlow {
                        flow: FlowCode::new(flow),
                        category: CategoryCode::new(category),
                    },
                ),
                at,
            )
            .await
            .unwrap();
        match expected {
            Some(text) => {
                assert!(
                    matches!(
                        &o,
                        CommandOutcome::Refused {
                            refusal: Refusal::Invalid { .. }
                        }
                    ),
                    "{o:?}"
                );
                let got = refusal_text(o);
                assert!(got.contains(text), "{got}");
                assert_eq!(events(&w, "project:P-1").await, before, "nothing appended");
            }
            None => assert!(matches!(o, CommandOutcome::Applied { .. }), "{o:?}"),
        }
    }
    let chosen: Vec<(FlowCode, CategoryCode)> = w
        .trail("project:P-1")
        .await
        .into_iter()
        .filter_map(|e| match e {
            DomainEvent::Project(s) => match s.event {
                ProjectEvent::FlowChosen { flow, category, .. } => Some((flow, category)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        chosen,
        [(FlowCode::new(FLOW), CategoryCode::new(CATEGORY))],
        "the catalogue's category, not the client's"
    );
    d.apply(
        &window,
        project_cmd(
            "P-1",
            ProjectCommand::AddWorks {
                works: works().unwrap(),
            },
        ),
        at,
    )
    .await
    .unwrap();

    // An item of the catalogue, but not of the project's flow: refused, nothing created.
    let org = applicant.organisation.clone().unwrap();
    let not_in_flow = CaseCommand::Create {
        application: ApplicationId::new("A-1"),
        project: ProjectId::new("P-1"),
        works: WorksId::new(WORKS),
        item: ItemCode::new("ZGJ-01"),
        department: DepartmentCode::new("ZGJ"),
        applicant: org.clone(),
        commitment_allowed: false,
        number: None,
    };
    let text = refusal_text(
        d.push(&applicant, case_cmd("C-1", not_in_flow), at)
            .await
            .unwrap(),
    );
    assert_eq!(
        text,
        "事项“建设项目用地预审与选址意见书核发”不在本项目的审批流程“社会投资厂房项目审批流程”中，请在该流程的事项中选择，或请综合窗口重新选择流程"
    );
    assert_eq!(events(&w, "case:C-1").await, 0);

    // An item of the flow is taken.
    d.apply(
        &applicant,
        case_cmd("C-1", create_case("P-1", org.clone())),
        at,
    )
    .await
    .unwrap();
    assert_eq!(events(&w, "case:C-1").await, 1);

    // 办件编号: the server numbers each creation in its department's yearly series; the refused
    // creation above consumed none, and a number a client sends is not believed.
    let mut forged = create_case("P-1", org);
    if let CaseCommand::Create { number, .. } = &mut forged {
        *number = Some("伪造-000001".into());
    }
    d.apply(&applicant, case_cmd("C-2", forged), at)
        .await
        .unwrap();
    let number_of = |key: &'static str| {
        let w = &w;
        async move {
            w.trail(key).await.into_iter().find_map(|e| match e {
                DomainEvent::Case(s) => match s.event.change {
                    permitdesk_domain::case::CaseChange::Created { number, .. } => number,
                    _ => None,
                },
                _ => None,
            })
        }
    };
    let year = permitdesk_domain::time::to_local(at)
        .format("%Y")
        .to_string();
    let dept = match create_case("P-1", OrganisationId::new("x")) {
        CaseCommand::Create { department, .. } => department.to_string(),
        _ => unreachable!(),
    };
    assert_eq!(
        number_of("case:C-1").await,
        Some(format!("{year}-{dept}-000001"))
    );
    assert_eq!(
        number_of("case:C-2").await,
        Some(format!("{year}-{dept}-000002"))
    );
}

/// 合规性审查 (seed 5.4): the findings recorded are the domain's measurement of the site against
/// the planning zones in force, whatever the client sent; the conclusion is the reviewer's.
#[tokio::test]
async fn compliance_findings_are_measured_by_the_server_not_taken_from_the_client() {
    use permitdesk_domain::catalogue::Catalogue;
    use permitdesk_domain::consultation::*;
    let w = World::new().await;
    let (fgw, zgj) = (
        w.user("reviewer-fgw-1").await,
        w.user("reviewer-zgj-1").await,
    );
    let leads = PlanningLeads::from_catalogue(&Catalogue::demo().unwrap()).unwrap();
    let consultation = |command| DomainCommand::Consultation {
        consultation: ConsultationId::new("CH-1"),
        command,
    };
    let mut d = w.driver();
    let at = w.now();
    d.apply(
        &fgw,
        consultation(ConsultationCommand::Register {
            channel: PlanningChannel::ImplementationLibrary,
            leads,
            name: "松北区利民学校新建工程".into(),
            description: "新建教学楼 2 栋".into(),
        }),
        at,
    )
    .await
    .unwrap();
    // Straddles two demo zones of 松北区 (居住 and 商业).
    let ring: Vec<Position> = [
        (126.565, 45.832),
        (126.575, 45.832),
        (126.575, 45.836),
        (126.565, 45.836),
        (126.565, 45.832),
    ]
    .iter()
    .map(|&(lon, lat)| Position::from_degrees(lon, lat).unwrap())
    .collect();
    let site = Site {
        datum: Datum::Cgcs2000,
        polygon: Polygon { rings: vec![ring] },
    };
    d.apply(
        &zgj,
        consultation(ConsultationCommand::PlaceSite { site: site.clone() }),
        at,
    )
    .await
    .unwrap();
    let forged = ZoneFinding {
        zone: "HRB-FAKE".into(),
        name: "不存在的分区".into(),
        land_use: "绿地".into(),
        area_m2: 1,
        share_bp: 1,
    };
    d.apply(
        &zgj,
        consultation(ConsultationCommand::RecordCompliance {
            findings: vec![forged],
            conclusion: ComplianceConclusion::Compliant,
        }),
        at,
    )
    .await
    .unwrap();
    let recorded: Vec<Vec<ZoneFinding>> = w
        .trail("consultation:CH-1")
        .await
        .into_iter()
        .filter_map(|e| match e {
            DomainEvent::Consultation(s) => match s.event.change {
                ConsultationChange::ComplianceRecorded { findings, .. } => Some(findings),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let expected = compliance_findings(&site, &PlanningZone::demo().unwrap()).unwrap();
    let mut zones: Vec<&str> = expected.iter().map(|f| f.zone.as_str()).collect();
    zones.sort_unstable();
    assert_eq!(zones, ["HRB-SB-B1-0102", "HRB-SB-R2-0101"], "{expected:?}");
    assert_eq!(recorded, [expected]);

    // 成果应用 (seed 5.7): the result is linked only to an approval project that exists and
    // that the window may see.
    let zjj = w.user("reviewer-zjj-1").await;
    let steps = [
        (
            &zgj,
            ConsultationCommand::StartConsultation {
                departments: vec![DepartmentCode::new("ZJJ")],
                deadline_working_days: 3,
            },
        ),
        (
            &zjj,
            ConsultationCommand::Answer {
                department: DepartmentCode::new("ZJJ"),
                answer: Answer::NotInvolved,
            },
        ),
        (
            &zgj,
            ConsultationCommand::Summarise {
                summary: "各部门无异议".into(),
            },
        ),
        (
            &zgj,
            ConsultationCommand::Conclude {
                outcome: PlanningOutcome::Generated,
            },
        ),
    ];
    for (who, command) in steps {
        d.apply(who, consultation(command), at).await.unwrap();
    }
    let window = w.user("window").await;
    let before = events(&w, "consultation:CH-1").await;
    let text = refusal_text(
        d.push(
            &window,
            consultation(ConsultationCommand::LinkProject {
                project: ProjectId::new("P-404"),
            }),
            at,
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        text,
        "审批项目 P-404 不存在或不在您的权限范围内，请核对项目编号后再关联"
    );
    assert_eq!(events(&w, "consultation:CH-1").await, before);
    let applicant = w.user("applicant").await;
    d.project_ready("P-2", &applicant, &window, at)
        .await
        .unwrap();
    d.apply(
        &window,
        consultation(ConsultationCommand::LinkProject {
            project: ProjectId::new("P-2"),
        }),
        at,
    )
    .await
    .unwrap();
    assert_eq!(events(&w, "consultation:CH-1").await, before + 1);
}

//! 策划生成 through the client: 市发改委 registers, 市资规局 places the site, reviews it and
//! starts a joint consultation; the invited department's client pulls the record, answers it
//! (queued offline first), and every client ends with the same verified trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use permitdesk_client::reads;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::consultation::*;
use permitdesk_domain::ids::DepartmentCode;
use permitdesk_protocol::{DomainCommand, EntityRef};
use support::*;

const ID: &str = "PC-client-1";

fn cmd(command: ConsultationCommand) -> DomainCommand {
    DomainCommand::Consultation {
        consultation: ConsultationId::new(ID),
        command,
    }
}

#[test]
fn a_joint_consultation_travels_between_department_clients() {
    let h = Harness::start();
    let leads = PlanningLeads::from_catalogue(&Catalogue::demo().unwrap()).unwrap();
    let mut fgw = client(&h, "reviewer-fgw-1", Duration::zero());
    let mut zgj = client(&h, "reviewer-zgj-1", Duration::zero());
    let mut zjj = client(&h, "reviewer-zjj-1", Duration::zero());

    fgw.act(cmd(ConsultationCommand::Register {
        channel: PlanningChannel::ImplementationLibrary,
        leads,
        name: "哈尔滨市群力新区第二中学新建工程".into(),
        description: "新建教学楼、体育馆，总建筑面积 3.2 万平方米".into(),
    }));
    fgw.sync(&h);

    zgj.sync(&h);
    let registered = zgj
        .profile
        .store()
        .consultation(&ConsultationId::new(ID))
        .unwrap();
    assert_eq!(
        registered.map(|c| c.state),
        Some(ConsultationState::Registered),
        "市资规局 sees the record"
    );
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
    zgj.act(cmd(ConsultationCommand::PlaceSite {
        site: Site {
            datum: Datum::Cgcs2000,
            polygon: Polygon { rings: vec![ring] },
        },
    }));
    // 合规性审查 measured by the system, before the reviewer concludes.
    let measured =
        reads::compliance_findings(zgj.profile.store(), &ConsultationId::new(ID)).unwrap();
    let mut zones: Vec<&str> = measured.iter().map(|f| f.zone.as_str()).collect();
    zones.sort_unstable();
    assert_eq!(zones, ["HRB-SB-B1-0102", "HRB-SB-R2-0101"]);
    for c in [
        ConsultationCommand::RecordCompliance {
            findings: vec![],
            conclusion: ComplianceConclusion::Compliant,
        },
        ConsultationCommand::StartConsultation {
            departments: vec![DepartmentCode::new("ZJJ")],
            deadline_working_days: 3,
        },
    ] {
        zgj.act(cmd(c));
    }
    zgj.sync(&h);
    assert!(
        reads::status(zgj.profile.store()).unwrap().pending == 0,
        "everything pushed"
    );

    // The invited department pulls it and answers; the answer waits in its outbox until it syncs.
    zjj.sync(&h);
    let consulting = zjj
        .profile
        .store()
        .consultation(&ConsultationId::new(ID))
        .unwrap()
        .unwrap();
    assert_eq!(consulting.state, ConsultationState::Consulting);
    assert_eq!(
        consulting.compliance.map(|r| r.findings),
        Some(measured),
        "the server recorded what the reviewer was shown"
    );
    zjj.profile
        .act(
            cmd(ConsultationCommand::Answer {
                department: DepartmentCode::new("ZJJ"),
                answer: Answer::Consent {
                    conditions: vec!["须同步办理施工图联合审查".into()],
                    required_work: vec![],
                },
            }),
            Some("同意".into()),
            vec![],
        )
        .unwrap();
    assert_eq!(reads::status(zjj.profile.store()).unwrap().pending, 1);
    zjj.sync(&h);

    // Every client converges on the same verified trail.
    for c in [&mut fgw, &mut zgj, &mut zjj] {
        c.sync(&h);
        c.assert_trail(EntityRef::Consultation(ConsultationId::new(ID)), 5);
    }
}

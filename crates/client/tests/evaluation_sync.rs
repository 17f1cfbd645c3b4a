//! 网上互动 through the client (issue 7): an applicant rates a window visit 不满意 and submits
//! a complaint while offline; once synced, the reform office assigns the complaint, 市资规局's
//! client pulls the rectification and the complaint, acts on both (queued offline first), and
//! the applicant's client ends with the answer, the finished rectification and verified trails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use permitdesk_client::reads;
use permitdesk_domain::evaluation::*;
use permitdesk_domain::ids::DepartmentCode;
use permitdesk_protocol::{DomainCommand, EntityRef};
use permitdesk_server::testing::fixtures;
use support::*;

const VISIT: &str = "visit/V-client-1";
const K: &str = "K-client-1";

fn ev(command: EvaluationCommand) -> DomainCommand {
    DomainCommand::Evaluation {
        evaluation: EvaluationId::new(VISIT),
        command,
    }
}

fn kc(command: ComplaintCommand) -> DomainCommand {
    DomainCommand::Complaint {
        complaint: ComplaintId::new(K),
        command,
    }
}

/// The client's local view of complaint K.
fn complaint(c: &TestClient) -> Complaint {
    let id = ComplaintId::new(K);
    c.profile.store().complaint(&id).unwrap().unwrap()
}

/// The client's local view of the rating of VISIT.
fn evaluation(c: &TestClient) -> Evaluation {
    let id = EvaluationId::new(VISIT);
    c.profile.store().evaluation(&id).unwrap().unwrap()
}

#[test]
fn ratings_and_complaints_travel_between_applicant_office_and_department_clients() {
    let h = Harness::start();
    let mut applicant = client(&h, "applicant", Duration::zero());
    let mut reform = client(&h, "reform", Duration::zero());
    let mut zgj = client(&h, "reviewer-zgj-1", Duration::zero());
    let mut zjj = client(&h, "reviewer-zjj-1", Duration::zero());

    // Offline first: the local view already has the rectification the bad rating opens.
    applicant.act(ev(EvaluationCommand::Rate {
        subject: RatingSubject::WindowVisit {
            visit: VisitId::new("V-client-1"),
            department: DepartmentCode::new("ZGJ"),
            applicant: fixtures::builder_org().unwrap(),
        },
        level: Level::Dissatisfied,
        dimensions: vec![DimensionScore {
            dimension: Dimension::ServiceAttitude,
            level: Level::VeryDissatisfied,
        }],
        comment: "窗口解释不清".into(),
    }));
    applicant.act(kc(ComplaintCommand::Submit {
        kind: ComplaintKind::Complaint,
        title: "规划窗口解释不清".into(),
        content: "同一问题三次得到不同答复".into(),
        project: None,
        department: Some(DepartmentCode::new("ZGJ")),
    }));
    let local = evaluation(&applicant);
    assert_eq!(
        local.rectification.map(|r| r.status),
        Some(RectificationStatus::Pending)
    );
    assert_eq!(reads::status(applicant.profile.store()).unwrap().pending, 2);
    assert_synced(&mut applicant, &h);

    // Before assignment the department sees the rating (its own) but not the complaint.
    zgj.sync(&h);
    assert!(
        zgj.profile
            .store()
            .complaint(&ComplaintId::new(K))
            .unwrap()
            .is_none()
    );
    assert_eq!(zgj.profile.store().evaluations().unwrap().len(), 1);

    reform.sync(&h);
    reform.act(kc(ComplaintCommand::Assign {
        department: DepartmentCode::new("ZGJ"),
        limit_working_days: 5,
    }));
    assert_synced(&mut reform, &h);

    // 市资规局 works offline, then syncs.
    zgj.sync(&h);
    let assigned = complaint(&zgj);
    assert_eq!(assigned.state, ComplaintState::Assigned);
    for c in [
        ev(EvaluationCommand::StartRectification {
            plan: "统一窗口答复口径".into(),
        }),
        ev(EvaluationCommand::CompleteRectification {
            result: "编制常见问题答复手册".into(),
        }),
        ev(EvaluationCommand::RecordCallback {
            applicant_satisfied: true,
            note: "回访满意".into(),
        }),
        kc(ComplaintCommand::Answer {
            answer: "已统一答复口径并编制手册".into(),
        }),
    ] {
        zgj.act(c);
    }
    assert_eq!(reads::status(zgj.profile.store()).unwrap().pending, 4);
    assert_synced(&mut zgj, &h);

    // The applicant sees the answer and the finished rectification; ZJJ sees neither.
    applicant.sync(&h);
    let answered = complaint(&applicant);
    assert_eq!(answered.state, ComplaintState::Answered);
    assert_eq!(answered.answer.unwrap().text, "已统一答复口径并编制手册");
    let rated = evaluation(&applicant);
    let rect = rated.rectification.unwrap();
    assert_eq!(rect.status, RectificationStatus::Done);
    assert!(rect.callback.unwrap().applicant_satisfied);
    zjj.sync(&h);
    assert!(zjj.profile.store().evaluations().unwrap().is_empty());
    assert!(zjj.profile.store().complaints().unwrap().is_empty());

    // Every client that sees them holds the same verified trails.
    for c in [&mut applicant, &mut reform, &mut zgj] {
        c.sync(&h);
        c.assert_trail(EntityRef::Evaluation(EvaluationId::new(VISIT)), 5);
        c.assert_trail(EntityRef::Complaint(ComplaintId::new(K)), 3);
    }
}

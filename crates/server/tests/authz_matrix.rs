//! 权限矩阵: every role x every command kind x own/other scope, on push, on pull and on
//! attachment download, against a running server. The expected table is written out here,
//! independently of `scope.rs`, so that a change of the rules shows up as a failing row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use permitdesk_domain::case::{
    AcceptanceTerms, CaseAction, CaseCommand, CertificateRecord, CorrectionPoint, Decision,
};
use permitdesk_domain::ids::{
    AttachmentId, CategoryCode, CertificateNumber, DepartmentCode, FlowCode, ItemCode,
    OrganisationId, ProjectId,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::project::{ProjectAction, ProjectCommand};
use permitdesk_protocol::{CommandOutcome, DomainCommand, PushRequest, Refusal, paths};
use permitdesk_server::scope::CommandKind;
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{ApiClient, Backend, TestServer};
use std::collections::BTreeSet;

#[path = "common/shared.rs"]
mod shared;
use shared::{put_file, stored_user};

/// The users of the matrix: every role, in its own scope and outside it. The world holds the
/// builder's project P-own with case C-own (ZGJ, in review) and C-zjj (ZJJ, in review), and
/// the other builder's draft project P-other.
const USERS: [&str; 8] = [
    "applicant",
    "applicant2",
    "window",
    "reviewer-zgj-2",
    "reviewer-zjj-2",
    "utility-gsjt",
    "agency",
    "reform",
];

/// Who may push each kind of command on the builder's entities (P-own, C-own, new ones).
fn may_push_expected(user: &str, kind: CommandKind) -> bool {
    use CaseAction as C;
    use ProjectAction as P;
    match kind {
        // Planning records are internal to the government: covered by tests/deemed_consent.rs.
        CommandKind::Consultation(_) => false,
        // Ratings and complaints: covered by tests/evaluation_flow.rs.
        CommandKind::Evaluation(_) | CommandKind::Complaint(_) => false,
        // Commissions: covered by tests/commission_flow.rs.
        CommandKind::Commission(_) => false,
        CommandKind::Case(C::Create | C::AttachMaterial | C::DetachMaterial | C::Submit) => {
            matches!(user, "applicant" | "window")
        }
        CommandKind::Case(C::SubmitRectification | C::Withdraw) => user == "applicant",
        CommandKind::Case(
            C::Receive
            | C::RequestCommitmentConfirmation
            | C::Accept
            | C::RequestCorrection
            | C::RefuseAcceptance,
        ) => user == "window",
        CommandKind::Case(
            C::ConfirmCommitment
            | C::DeclineCommitment
            | C::SignOff
            | C::Pause
            | C::Resume
            | C::StartSpecialProcedure
            | C::EndSpecialProcedure
            | C::Extend
            | C::Return
            | C::Complete,
        ) => user == "reviewer-zgj-2",
        // A new project of one's own organisation.
        CommandKind::Project(P::RegisterOnline) => matches!(user, "applicant" | "applicant2"),
        CommandKind::Project(P::RegisterOnSite | P::RequestCorrection | P::ChooseFlow) => {
            user == "window"
        }
        CommandKind::Project(P::Edit | P::AddWorks) => matches!(user, "applicant" | "window"),
        CommandKind::Project(P::Submit) => user == "applicant",
        CommandKind::Project(P::Close) => matches!(user, "applicant" | "window" | "reform"),
    }
}

/// What each user receives on pull.
fn visible_expected(user: &str) -> BTreeSet<&'static str> {
    let all: &[&str] = match user {
        "applicant" => &["project:P-own", "case:C-own", "case:C-zjj"],
        "applicant2" => &["project:P-other"],
        "window" => &["project:P-own", "case:C-own", "case:C-zjj"],
        "reviewer-zgj-2" => &["project:P-own", "case:C-own"],
        "reviewer-zjj-2" => &["project:P-own", "case:C-zjj"],
        "reform" => &[
            "project:P-own",
            "case:C-own",
            "case:C-zjj",
            "project:P-other",
        ],
        _ => &[],
    };
    all.iter().copied().collect()
}

/// One command of each kind, aimed at C-own / P-own (or a new id for creations).
fn sample(
    kind: CommandKind,
    n: &str,
    form: &AttachmentId,
    builder: &OrganisationId,
) -> DomainCommand {
    use CaseAction as C;
    use ProjectAction as P;
    let point = || {
        vec![CorrectionPoint {
            material: "图纸".into(),
            reason: "缺页".into(),
        }]
    };
    let case = |c: CaseCommand| case_cmd("C-own", c);
    match kind {
        CommandKind::Consultation(_)
        | CommandKind::Evaluation(_)
        | CommandKind::Complaint(_)
        | CommandKind::Commission(_) => {
            unreachable!("not part of CommandKind::all()")
        }
        CommandKind::Case(a) => match a {
            C::Create => case_cmd(&format!("C-new-{n}"), create_case("P-own", builder.clone())),
            C::AttachMaterial => case(CaseCommand::AttachMaterial {
                material: "图纸".into(),
                attachment: form.clone(),
            }),
            C::DetachMaterial => case(CaseCommand::DetachMaterial {
                material: "图纸".into(),
            }),
            C::Submit => case(CaseCommand::Submit {
                stamped_form: form.clone(),
            }),
            C::Receive => case(CaseCommand::Receive),
            C::RequestCommitmentConfirmation => case(CaseCommand::RequestCommitmentConfirmation),
            C::ConfirmCommitment => case(CaseCommand::ConfirmCommitment),
            C::DeclineCommitment => case(CaseCommand::DeclineCommitment {
                reason: "不适用".into(),
            }),
            C::Accept => case(CaseCommand::Accept {
                terms: AcceptanceTerms {
                    catalogue_version: String::new(),
                    time_limit_working_days: 0,
                    review_levels: vec![],
                },
                commitment_based: false,
            }),
            C::RequestCorrection => case(CaseCommand::RequestCorrection { points: point() }),
            C::RefuseAcceptance => case(CaseCommand::RefuseAcceptance {
                reasons: vec!["不符合".into()],
            }),
            C::SignOff => case(CaseCommand::SignOff {
                level: "不存在的层级".into(),
            }),
            C::Pause => case(CaseCommand::Pause { points: vec![] }),
            C::SubmitRectification => case(CaseCommand::SubmitRectification {
                note: "已整改".into(),
            }),
            C::Resume => case(CaseCommand::Resume),
            C::StartSpecialProcedure => case(CaseCommand::StartSpecialProcedure {
                procedure: 1,
                kind: SpecialProcedureKind::ExpertReview,
            }),
            C::EndSpecialProcedure => case(CaseCommand::EndSpecialProcedure {
                procedure: 99,
                summary: "完成".into(),
            }),
            C::Extend => case(CaseCommand::Extend {
                days: 0,
                reason: "复杂".into(),
            }),
            C::Return => case(CaseCommand::Return { reasons: vec![] }),
            C::Withdraw => case(CaseCommand::Withdraw {
                reason: String::new(),
            }),
            C::Complete => case(CaseCommand::Complete {
                decision: Decision::Granted {
                    certificate: CertificateRecord {
                        number: CertificateNumber::new(""),
                        name: "建设工程规划许可证".into(),
                        issued_on: Utc::now().date_naive(),
                        valid_until: None,
                        file: None,
                    },
                },
            }),
        },
        CommandKind::Project(a) => {
            let details =
                project_details("矩阵项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
            let own = |c: ProjectCommand| project_cmd("P-own", c);
            match a {
                P::RegisterOnline => {
                    let id = format!("P-new-{n}");
                    project_cmd(
                        &id,
                        ProjectCommand::RegisterOnline {
                            id: ProjectId::new(&id),
                            details,
                        },
                    )
                }
                P::RegisterOnSite => {
                    let id = format!("P-site-{n}");
                    project_cmd(
                        &id,
                        ProjectCommand::RegisterOnSite {
                            id: ProjectId::new(&id),
                            owner: builder.clone(),
                            details,
                        },
                    )
                }
                P::Edit => own(ProjectCommand::Edit { details }),
                P::Submit => own(ProjectCommand::Submit),
                P::RequestCorrection => own(ProjectCommand::RequestCorrection { problems: vec![] }),
                P::ChooseFlow => own(ProjectCommand::ChooseFlow {
                    flow: FlowCode::new(FLOW),
                    category: CategoryCode::new("ZF-FW"),
                }),
                P::AddWorks => own(ProjectCommand::AddWorks {
                    works: works().unwrap(),
                }),
                P::Close => own(ProjectCommand::Close {
                    reason: String::new(),
                }),
            }
        }
    }
}

#[tokio::test]
async fn every_role_and_command_kind_is_allowed_or_forbidden_as_the_table_says_on_push_pull_and_download()
 {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let store = server.state.store.clone();
    let env = permitdesk_server::store::PushEnv {
        reference: server.state.reference(),
        rules: server.state.config.push_rules,
        clock: server.state.clock.clone(),
    };
    let (applicant, applicant2, window) = (
        stored_user(store.as_ref(), "applicant").await,
        stored_user(store.as_ref(), "applicant2").await,
        stored_user(store.as_ref(), "window").await,
    );
    let now = Utc::now();
    let form = put_file(store.as_ref(), &pdf("form of C-own"), &applicant, now).await;
    let private_id = put_file(
        store.as_ref(),
        &pdf("private file of applicant2"),
        &applicant2,
        now,
    )
    .await;

    let mut d = Driver::new(store.as_ref(), env);
    d.project_ready("P-own", &applicant, &window, now)
        .await
        .unwrap();
    d.case_in_review("C-own", "P-own", &applicant, &window, &form, now)
        .await
        .unwrap();
    let mut zjj = create_case("P-own", builder_org().unwrap());
    if let CaseCommand::Create {
        item, department, ..
    } = &mut zjj
    {
        *item = ItemCode::new("ZJJ-01");
        *department = DepartmentCode::new("ZJJ");
    }
    d.apply(&applicant, case_cmd("C-zjj", zjj), now)
        .await
        .unwrap();
    d.apply(
        &applicant,
        case_cmd(
            "C-zjj",
            CaseCommand::Submit {
                stamped_form: form.clone(),
            },
        ),
        now,
    )
    .await
    .unwrap();
    d.apply(&window, case_cmd("C-zjj", CaseCommand::Receive), now)
        .await
        .unwrap();
    d.apply(
        &window,
        case_cmd(
            "C-zjj",
            CaseCommand::Accept {
                terms: empty_terms(),
                commitment_based: false,
            },
        ),
        now,
    )
    .await
    .unwrap();
    let other = project_details("另一项目", permitdesk_server::demo::OTHER_BUILDER_ORG8).unwrap();
    d.apply(
        &applicant2,
        project_cmd(
            "P-other",
            ProjectCommand::RegisterOnline {
                id: ProjectId::new("P-other"),
                details: other,
            },
        ),
        now,
    )
    .await
    .unwrap();

    let mut clients: Vec<(&str, ApiClient)> = Vec::new();
    for u in USERS {
        clients.push((u, server.login(u).await.unwrap()));
    }

    // Pull: exactly the expected entities, nothing outside scope.
    for (u, c) in &clients {
        let page = c
            .pull(0, Some(10_000), Some(&format!("matrix-{u}")))
            .await
            .unwrap();
        let got: BTreeSet<String> = page
            .events
            .iter()
            .map(|e| e.event.entity_key().to_owned())
            .collect();
        let want: BTreeSet<String> = visible_expected(u).into_iter().map(str::to_owned).collect();
        assert_eq!(got, want, "pull of {u}");
    }

    // Download: the form goes with the cases (and its uploader); the private file only to its uploader.
    for (u, c) in &clients {
        for (file, allowed) in [
            // Submitted with both cases, so linked to both.
            (
                &form,
                *u == "applicant"
                    || visible_expected(u).contains("case:C-own")
                    || visible_expected(u).contains("case:C-zjj"),
            ),
            (&private_id, *u == "applicant2"),
        ] {
            let (status, body) = c
                .raw(c.request(
                    reqwest::Method::GET,
                    &format!("{}/{file}", paths::ATTACHMENTS),
                ))
                .await
                .unwrap();
            assert_eq!(
                status == 200,
                allowed,
                "download of {file} by {u}: {status}"
            );
            if !allowed {
                let e: permitdesk_protocol::ApiError = serde_json::from_slice(&body).unwrap();
                assert_eq!(e.code, permitdesk_protocol::ErrorCode::NotFound);
            }
        }
    }

    // Push: every user x every command kind.
    let builder = builder_org().unwrap();
    let mut rows = 0;
    for (n, kind) in CommandKind::all().into_iter().enumerate() {
        for (u, c) in &clients {
            let before = store.max_server_seq().await.unwrap();
            let cmd = sample(kind, &format!("{n}-{u}"), &form, &builder);
            let env = envelope((n + 1) as u64, cmd, Utc::now());
            let r = c
                .push(&PushRequest {
                    reference: Default::default(),
                    client_id: format!("matrix-{u}"),
                    commands: vec![env],
                })
                .await
                .unwrap();
            let outcome = &r.results[0].outcome;
            let forbidden = matches!(
                outcome,
                CommandOutcome::Refused {
                    refusal: Refusal::Forbidden { .. }
                }
            );
            assert_eq!(
                !forbidden,
                may_push_expected(u, kind),
                "{u} pushing {kind:?}: {outcome:?}"
            );
            if forbidden {
                assert_eq!(
                    store.max_server_seq().await.unwrap(),
                    before,
                    "{u} {kind:?} changed the state"
                );
            }
            rows += 1;
        }
    }
    assert_eq!(
        rows,
        USERS.len() * (CaseAction::ALL.len() + ProjectAction::ALL.len())
    );
}

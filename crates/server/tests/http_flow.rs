//! End to end over real TLS: login, upload, push a project and a case through review, pull,
//! and check what each role sees. Runs on the backend PERMITDESK_TEST_DATABASE selects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::ids::{CategoryCode, FlowCode};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{DomainEvent, paths};
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{Backend, TestServer};

mod http_world;

use http_world::shared::register_online;
use http_world::{push_applied, upload};

#[tokio::test]
async fn a_case_goes_from_registration_to_review_over_https_and_each_role_sees_its_share() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let applicant = server.login("applicant").await.unwrap();
    let window = server.login("window").await.unwrap();
    let zgj = server.login("reviewer-zgj-2").await.unwrap();
    let zjj = server.login("reviewer-zjj-2").await.unwrap();
    let other = server.login("applicant2").await.unwrap();
    let now = Utc::now();
    let org = builder_org().unwrap();
    let form = upload(&applicant, &pdf("stamped form")).await;

    let details = project_details("示范厂房", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    let a_cmds = vec![
        register_online(1, "P-1", details, now),
        envelope(2, project_cmd("P-1", ProjectCommand::Submit), now),
    ];
    push_applied(&applicant, "pc-applicant", a_cmds).await;
    let w_cmds = vec![
        envelope(
            1,
            project_cmd(
                "P-1",
                ProjectCommand::ChooseFlow {
                    flow: FlowCode::new(FLOW),
                    category: CategoryCode::new(CATEGORY),
                },
            ),
            now,
        ),
        envelope(
            2,
            project_cmd(
                "P-1",
                ProjectCommand::AddWorks {
                    works: works().unwrap(),
                },
            ),
            now,
        ),
    ];
    push_applied(&window, "pc-window", w_cmds).await;
    let a2 = vec![
        envelope(3, case_cmd("C-1", create_case("P-1", org)), now),
        envelope(
            4,
            case_cmd(
                "C-1",
                CaseCommand::Submit {
                    stamped_form: form.clone(),
                },
            ),
            now,
        ),
    ];
    let r = push_applied(&applicant, "pc-applicant", a2).await;
    assert_eq!(r.last_mutation_id, 4);
    let w2 = vec![
        envelope(3, case_cmd("C-1", CaseCommand::Receive), now),
        envelope(
            4,
            case_cmd(
                "C-1",
                CaseCommand::Accept {
                    terms: empty_terms(),
                    commitment_based: false,
                },
            ),
            now,
        ),
    ];
    push_applied(&window, "pc-window", w2).await;

    // The reviewer of ZGJ sees the case and its project; ZJJ and the other builder see nothing.
    let p = zgj.pull(0, None, Some("pc-zgj")).await.unwrap();
    let keys: std::collections::BTreeSet<String> = p
        .events
        .iter()
        .map(|e| e.event.entity_key().to_owned())
        .collect();
    assert_eq!(
        keys.into_iter().collect::<Vec<_>>(),
        vec!["case:C-1".to_owned(), "project:P-1".to_owned()]
    );
    assert!(!p.has_more);
    for e in &p.events {
        if let DomainEvent::Case(s) = &e.event {
            assert_eq!(s.entity, "case:C-1");
        }
    }
    assert!(zjj.pull(0, None, None).await.unwrap().events.is_empty());
    assert!(other.pull(0, None, None).await.unwrap().events.is_empty());
    // The stamped form downloads for the reviewer, not for the other builder.
    let path = format!("{}/{}", paths::ATTACHMENTS, form);
    let (status, body) = zgj
        .raw(zgj.request(reqwest::Method::GET, &path))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(body, pdf("stamped form"));
    let (status, _) = other
        .raw(other.request(reqwest::Method::GET, &path))
        .await
        .unwrap();
    assert_eq!(status, 404);
}

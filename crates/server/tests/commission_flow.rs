//! 中介服务超市 end to end over real TLS (issue 6, seed 9): an applicant's competitive request
//! is seen by the qualified agencies only; they quote; lowest price picks the cheaper one; a
//! random draw is the server's number, derived from the request and its quotes and
//! reproducible from the trail; the chosen agency accepts (the service deadline is the legal
//! clock's), delivers, the applicant confirms and shares the result with a case of the project,
//! whose department then sees it; a department commissions when the government pays; another
//! agency sees nothing of a commission not its own; refusals change nothing; the scheduler
//! records an overdue warning once. Runs on the backend PERMITDESK_TEST_DATABASE selects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use permitdesk_domain::ids::{CaseId, ItemCode, OrganisationId, ProjectId};
use permitdesk_domain::intermediary::*;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::commission::{MarketResponse, draw_for};
use permitdesk_protocol::{CommandOutcome, DomainCommand, DomainEvent, Refusal, paths};
use permitdesk_server::testing::ApiClient;
use permitdesk_server::testing::fixtures::*;

const LONGHUAN: &str = "91230100MA1AHJ7K0N";
const HUAQING: &str = "91230100MA1K5P7QX4";
const JIENENG: &str = "91230100MA1CDE3F05";

mod http_world;

use http_world::World;

impl World {
    /// The commission keys `who` pulls (from the start).
    async fn sees(&mut self, who: &str) -> Vec<String> {
        self.sees_prefixed(who, &["commission:"]).await
    }

    async fn commission(&self, id: &str) -> Commission {
        let events: Vec<CommissionEvent> = self.trail(id).await;
        Commission::replay(events.iter()).unwrap()
    }

    async fn trail(&self, id: &str) -> Vec<CommissionEvent> {
        self.stored(&format!("commission:{id}"), |e| match e {
            DomainEvent::Commission(s) => Some(s.event),
            _ => None,
        })
        .await
    }
}

fn wc(id: &str, command: CommissionCommand) -> DomainCommand {
    DomainCommand::Commission {
        commission: CommissionId::new(id),
        command,
    }
}

fn request(service: &str) -> CommissionCommand {
    CommissionCommand::PublishRequest {
        service: ItemCode::new(service),
        project: ProjectId::new("P-1"),
        requirements: "编制环境影响报告表，项目位于哈尔滨市松北区".into(),
    }
}

fn quote(price_yuan: u64) -> CommissionCommand {
    CommissionCommand::SubmitQuote {
        price_fen: price_yuan * 100,
        note: "含专家评审配合".into(),
    }
}

fn builder() -> OrganisationId {
    builder_org().unwrap()
}

/// The domain's reason for a commission refusal (any other refusal fails the test).
fn commission_error(r: Refusal) -> CommissionError {
    match r {
        Refusal::Commission { error, .. } => error,
        other => panic!("not a commission refusal: {other:?}"),
    }
}

#[tokio::test]
async fn competitive_selection_runs_end_to_end_with_scope_and_refusals() {
    let mut w = World::start().await;
    w.project_with_case().await;

    // The market is served as the domain ships it.
    let (c, _) = w.client("applicant").await;
    let m: MarketResponse = ApiClient::send(c.request(reqwest::Method::GET, paths::MARKET))
        .await
        .unwrap();
    assert_eq!(m.market, MarketCatalogue::demo().unwrap());

    w.ok("applicant", wc("W-1", request("ZJ-01"))).await;
    // Only the agencies qualified for 环评 (ZJ-01) see the open request.
    for (who, sees) in [
        ("agency-longhuan", true),
        ("agency-huaqing", true),
        ("agency-beifang", false),
        ("agency", false),
        ("applicant", true),
        ("applicant2", false),
        ("reviewer-zgj-1", false),
        ("reform", true),
    ] {
        assert_eq!(
            w.sees(who).await == vec!["commission:W-1".to_owned()],
            sees,
            "{who}"
        );
    }

    // Refusals change nothing.
    let r = w.refused("agency-beifang", wc("W-1", quote(50_000))).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    let r = w.refused("applicant", wc("W-1", quote(50_000))).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    let r = w.refused("agency-longhuan", wc("W-1", quote(0))).await;
    assert_eq!(commission_error(r), CommissionError::ZeroPrice);
    let select = || {
        let rule = SelectionRule::LowestPrice;
        wc("W-1", CommissionCommand::Select { rule })
    };
    let r = w.refused("applicant2", select()).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    let r = w.refused("applicant", select()).await;
    assert_eq!(commission_error(r), CommissionError::NoQuotes);

    w.ok("agency-longhuan", wc("W-1", quote(80_000))).await;
    w.ok("agency-huaqing", wc("W-1", quote(60_000))).await;
    let r = w.refused("agency-huaqing", wc("W-1", quote(55_000))).await;
    assert_eq!(commission_error(r), CommissionError::AlreadyQuoted);
    w.ok("applicant", select()).await;
    let c = w.commission("W-1").await;
    assert_eq!(c.agency, Some(OrganisationId::new(HUAQING)));
    assert_eq!(c.price_fen, Some(6_000_000));
    assert_eq!(c.state, CommissionState::AwaitingAcceptance);

    // Only the chosen agency accepts; the clock starts at acceptance.
    let r = w
        .refused("agency-longhuan", wc("W-1", CommissionCommand::Accept))
        .await;
    assert_eq!(commission_error(r), CommissionError::NotYourCommission);
    w.ok("agency-huaqing", wc("W-1", CommissionCommand::Accept))
        .await;
    let c = w.commission("W-1").await;
    let accepted = c.accepted_at.unwrap();
    let clock = permitdesk_server::sync::legal_clock();
    let reading = clock
        .evaluate(&c.clock_input().unwrap(), to_local(accepted))
        .unwrap();
    let expected = clock.deadline(to_local(accepted), 30).unwrap();
    assert_eq!(reading.deadline, Some(expected));
    // 30 working days from Monday 2 March 2026 (no holiday in between before 5 April's
    // 清明 break): the deadline falls in mid-April.
    assert_eq!(expected.date().format("%Y-%m").to_string(), "2026-04");

    // Delivery, confirmation, sharing with the project's case: ZGJ then sees the commission.
    let report = w.upload("agency-huaqing", "eia report").await;
    let o = w
        .push_with(
            "agency-huaqing",
            wc(
                "W-1",
                CommissionCommand::Deliver {
                    report: report.clone(),
                    summary: "环境影响报告表（报批稿）".into(),
                },
            ),
            vec![],
        )
        .await;
    assert!(matches!(o, CommandOutcome::Applied { .. }), "{o:?}");
    let r = w
        .refused("agency-huaqing", wc("W-1", CommissionCommand::Confirm))
        .await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    w.ok("applicant", wc("W-1", CommissionCommand::Confirm))
        .await;
    assert_eq!(w.commission("W-1").await.state, CommissionState::Completed);
    assert!(w.sees("reviewer-zgj-1").await.is_empty());
    let r = w
        .refused(
            "applicant",
            wc(
                "W-1",
                CommissionCommand::ShareResult {
                    case: CaseId::new("C-404"),
                    item: ItemCode::new(ITEM),
                },
            ),
        )
        .await;
    assert!(matches!(r, Refusal::Invalid { .. }), "{r:?}");
    w.ok(
        "applicant",
        wc(
            "W-1",
            CommissionCommand::ShareResult {
                case: CaseId::new("C-1"),
                item: ItemCode::new(ITEM),
            },
        ),
    )
    .await;
    assert_eq!(w.sees("reviewer-zgj-1").await, vec!["commission:W-1"]);
    assert!(w.sees("agency-beifang").await.is_empty());
    assert!(w.sees("applicant2").await.is_empty());
}

#[tokio::test]
async fn a_random_draw_is_the_servers_number_and_reproducible_from_the_trail() {
    let mut w = World::start().await;
    w.ok("applicant", wc("W-2", request("ZJ-01"))).await;
    w.ok("agency-huaqing", wc("W-2", quote(70_000))).await;
    w.ok("agency-longhuan", wc("W-2", quote(70_000))).await;
    let before = w.commission("W-2").await;
    let expected = draw_for(&before);
    // The client's number is ignored.
    w.ok(
        "applicant",
        wc(
            "W-2",
            CommissionCommand::Select {
                rule: SelectionRule::RandomDraw { draw: 12_345 },
            },
        ),
    )
    .await;
    let trail = w.trail("W-2").await;
    let Some(CommissionChange::Selected { rule, agency, .. }) = trail.last().map(|e| &e.change)
    else {
        panic!("no selection: {trail:?}");
    };
    assert_eq!(rule, &SelectionRule::RandomDraw { draw: expected });
    // Anyone holding the trail recomputes the draw from the events before the selection.
    let replayed = Commission::replay(trail[..trail.len() - 1].iter()).unwrap();
    assert_eq!(draw_for(&replayed), expected);
    let open = replayed.open_quotes();
    let i = usize::try_from(expected % open.len() as u64).unwrap();
    assert_eq!(agency, &open[i].agency);
    assert!([LONGHUAN, HUAQING].contains(&agency.as_str()));

    // The agency not drawn still sees the request it quoted on; one never involved does not.
    assert_eq!(w.sees("agency-longhuan").await, vec!["commission:W-2"]);
    assert!(w.sees("agency-beifang").await.is_empty());
}

#[tokio::test]
async fn a_department_commissions_when_the_government_pays_and_overdue_is_warned_once() {
    let mut w = World::start().await;
    let by_department = |service: &str| CommissionCommand::CommissionByDepartment {
        service: ItemCode::new(service),
        project: ProjectId::new("P-1"),
        applicant: builder(),
        agency: OrganisationId::new(JIENENG),
    };
    // 节能报告 (ZJ-02) is 市发改委's (FGW): 市资规局 may not commission it.
    let r = w
        .refused("reviewer-zgj-1", wc("W-3", by_department("ZJ-02")))
        .await;
    let e = commission_error(r);
    assert!(
        matches!(e, CommissionError::NotCompetentDepartment { .. }),
        "{e:?}"
    );
    let r = w
        .refused("applicant", wc("W-3", by_department("ZJ-02")))
        .await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    w.ok("reviewer-fgw-1", wc("W-3", by_department("ZJ-02")))
        .await;
    for (who, sees) in [
        ("agency-jieneng", true),
        ("agency-huaqing", false),
        ("agency-longhuan", false),
        ("applicant", true),
        ("applicant2", false),
        ("reviewer-fgw-1", true),
        ("reviewer-zgj-1", false),
    ] {
        assert_eq!(!w.sees(who).await.is_empty(), sees, "{who}");
    }
    // The applicant may not cancel what the government pays for.
    let r = w
        .refused(
            "applicant",
            wc(
                "W-3",
                CommissionCommand::Cancel {
                    reason: "不需要".into(),
                },
            ),
        )
        .await;
    assert_eq!(commission_error(r), CommissionError::GovernmentPaid);
    w.ok("agency-jieneng", wc("W-3", CommissionCommand::Accept))
        .await;
    let state = w.server.state.clone();
    assert_eq!(
        permitdesk_server::scheduler_commission::overdue_pass(&state)
            .await
            .unwrap(),
        0
    );
    // 15 working days later (plus the weekend), the service is overdue: warned once.
    w.clock.advance(Duration::days(24));
    assert_eq!(
        permitdesk_server::scheduler_commission::overdue_pass(&state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        permitdesk_server::scheduler_commission::overdue_pass(&state)
            .await
            .unwrap(),
        0
    );
    let notes = state.store.notifications(0, 100).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.entity_key == "commission:W-3" && n.kind == "warning"),
        "{notes:?}"
    );
}

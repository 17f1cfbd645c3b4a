//! 中介服务超市 through the client (issue 6, seed 9), with real profiles against a real server:
//! the applicant publishes a request offline (the local view already shows it), two qualified
//! agencies pull it and quote offline, an agency outside the service never receives it; the
//! applicant picks by lowest price, the chosen agency accepts, delivers a report (uploaded on
//! sync) and the applicant confirms; every client that sees the commission holds the same
//! verified trail, and the market is browsable with no server at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use permitdesk_client::reads;
use permitdesk_domain::ids::{ItemCode, OrganisationId, ProjectId};
use permitdesk_domain::intermediary::*;
use permitdesk_protocol::{DomainCommand, EntityRef};
use support::*;

const W: &str = "W-client-1";

fn wc(command: CommissionCommand) -> DomainCommand {
    DomainCommand::Commission {
        commission: CommissionId::new(W),
        command,
    }
}

/// The client's local view of commission W.
fn commission(c: &TestClient) -> Commission {
    c.profile
        .store()
        .commission(&CommissionId::new(W))
        .unwrap()
        .unwrap()
}

#[test]
fn a_competitive_commission_travels_between_applicant_and_agency_clients() {
    // Offline browsing: the shipped market, no server.
    let market = permitdesk_client::market::bootstrap().unwrap();
    let menu = market.agencies_for(
        &ItemCode::new("ZJ-01"),
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    );
    assert_eq!(menu.len(), 2);

    let h = Harness::start();
    let mut applicant = client(&h, "applicant", Duration::zero());
    let mut longhuan = client(&h, "agency-longhuan", Duration::zero());
    let mut huaqing = client(&h, "agency-huaqing", Duration::zero());
    let mut beifang = client(&h, "agency-beifang", Duration::zero());

    applicant.act(wc(CommissionCommand::PublishRequest {
        service: ItemCode::new("ZJ-01"),
        project: ProjectId::new("P-client-1"),
        requirements: "编制环境影响报告表".into(),
    }));
    let local = commission(&applicant);
    assert_eq!(local.state, CommissionState::Requested);
    assert_eq!(reads::status(applicant.profile.store()).unwrap().pending, 1);
    assert_synced(&mut applicant, &h);

    // The qualified agencies quote offline, then sync.
    for (agency, yuan) in [(&mut longhuan, 90_000u64), (&mut huaqing, 65_000)] {
        agency.sync(&h);
        assert_eq!(agency.profile.store().commissions().unwrap().len(), 1);
        agency.act(wc(CommissionCommand::SubmitQuote {
            price_fen: yuan * 100,
            note: "二十个工作日内完成".into(),
        }));
        assert_synced(agency, &h);
    }
    beifang.sync(&h);
    assert!(beifang.profile.store().commissions().unwrap().is_empty());

    // The applicant picks the lowest price; the local view agrees with the server's.
    applicant.sync(&h);
    applicant.act(wc(CommissionCommand::Select {
        rule: SelectionRule::LowestPrice,
    }));
    let picked = commission(&applicant);
    assert_eq!(
        picked.agency,
        Some(OrganisationId::new("91230100MA1K5P7QX4"))
    );
    assert_synced(&mut applicant, &h);

    // The chosen agency accepts and delivers its report; the other one may not accept.
    huaqing.sync(&h);
    huaqing.act(wc(CommissionCommand::Accept));
    let file = write_pdf(huaqing.dir.path(), "eia-report");
    let report = huaqing.profile.attach_file(&file).unwrap();
    huaqing.act(wc(CommissionCommand::Deliver {
        report,
        summary: "环境影响报告表（报批稿）".into(),
    }));
    assert_synced(&mut huaqing, &h);
    longhuan.sync(&h);
    // Refused locally by the same domain rule the server applies; nothing is queued.
    let refused = longhuan
        .profile
        .act(wc(CommissionCommand::Accept), None, vec![]);
    assert!(
        matches!(refused, Err(permitdesk_client::ClientError::Refused(_))),
        "{refused:?}"
    );
    assert_eq!(reads::status(longhuan.profile.store()).unwrap().pending, 0);

    applicant.sync(&h);
    applicant.act(wc(CommissionCommand::Confirm));
    assert_synced(&mut applicant, &h);
    let done = commission(&applicant);
    assert_eq!(done.state, CommissionState::Completed);
    assert!(done.result().is_some());

    for c in [&mut applicant, &mut huaqing, &mut longhuan] {
        c.sync(&h);
        c.assert_trail(EntityRef::Commission(CommissionId::new(W)), 7);
    }
    beifang.sync(&h);
    assert!(beifang.profile.store().commissions().unwrap().is_empty());
}

//! 中介服务超市 headless (issue 6, seed 9): `permitdesk market list|show` with no profile or
//! server, and a `permitdesk server run` process with four headless clients (`permitdesk
//! --profile DIR --json commission ...`): the applicant publishes a request offline, two
//! qualified agencies quote, one outside the service sees nothing and its quote is refused; the
//! applicant picks the lowest price; the chosen agency accepts (a service deadline appears),
//! delivers a report file; the applicant confirms. Bad input exits 2, refusals exit 1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Datelike;
mod common;

use common::*;
use serde_json::Value;

#[test]
fn browse_the_market_and_run_a_competitive_commission_headless() {
    // The market needs neither a profile nor a server.
    let out = run(&["--json", "market", "list", "--service", "ZJ-01"], None);
    assert_eq!(out.status.code(), Some(0));
    let list = json(&out);
    assert_eq!(list[0]["item"], "ZJ-01");
    assert_eq!(list[0]["agencies"].as_array().unwrap().len(), 2);
    let out = run(&["--json", "market", "show", "91230100MA1K5P7QX4"], None);
    assert_eq!(json(&out)["name"], "哈尔滨华清环境工程咨询有限公司");
    let out = run(&["--json", "market", "show", "ZJ-02"], None);
    assert_eq!(json(&out)["time_limit_working_days"], 15);
    assert_eq!(
        run(&["market", "show", "ZJ-99"], None).status.code(),
        Some(1)
    );

    let tmp = tempfile::tempdir().unwrap();
    let (server, [applicant, longhuan, huaqing, beifang]) = seeded_server(
        tmp.path(),
        [
            "applicant",
            "agency-longhuan",
            "agency-huaqing",
            "agency-beifang",
        ],
    );

    let v = applicant.queue_only(&[
        "commission",
        "request",
        "--service",
        "ZJ-01",
        "--project",
        "P-1",
        "--requirements",
        "编制环境影响报告表",
    ]);
    let w = v["created"][0].as_str().unwrap().to_owned();
    applicant.ok(&["sync"]);

    for (agency, price) in [(&longhuan, "80000"), (&huaqing, "65000.50")] {
        agency.ok(&["sync"]);
        agency.online(&["commission", "quote", &w, "--price", price]);
    }
    // Bad input: exit 2. An agency outside the service never sees the request: exit 1.
    assert_eq!(
        huaqing
            .cmd(&["commission", "quote", &w, "--price", "1,000"])
            .status
            .code(),
        Some(2)
    );
    beifang.ok(&["sync"]);
    assert_eq!(beifang.ok(&["commission", "list"]), serde_json::json!([]));
    assert_eq!(
        beifang
            .cmd(&["commission", "quote", &w, "--price", "50000"])
            .status
            .code(),
        Some(1)
    );

    applicant.ok(&["sync"]);
    assert_eq!(
        applicant
            .cmd(&["commission", "pick", &w, "--rule", "cheapest"])
            .status
            .code(),
        Some(2)
    );
    applicant.online(&["commission", "pick", &w, "--rule", "lowest"]);
    let shown = applicant.ok(&["commission", "show", &w]);
    assert_eq!(shown["agency"], "91230100MA1K5P7QX4");
    assert_eq!(shown["price_fen"], 6_500_050);
    assert_eq!(shown["deadline"], Value::Null);

    huaqing.ok(&["sync"]);
    huaqing.online(&["commission", "accept", &w]);
    let shown = huaqing.ok(&["commission", "show", &w]);
    assert_eq!(shown["state"], "in_service");
    // The service deadline from the legal clock (real time here: near the end of the last year
    // with a holiday table, the clock says which year's table is missing instead).
    assert!(
        shown["deadline"].is_string()
            || shown["clock_error"]
                .as_str()
                .is_some_and(|e| e.contains(&(chrono::Utc::now().year() + 1).to_string())),
        "{shown}"
    );
    let report = tmp.path().join("eia-report.pdf");
    std::fs::write(&report, b"%PDF-1.4\n% eia report\n%%EOF\n").unwrap();
    huaqing.online(&[
        "commission",
        "deliver",
        &w,
        "--report",
        report.to_str().unwrap(),
        "--summary",
        "环境影响报告表（报批稿）",
    ]);

    applicant.ok(&["sync"]);
    applicant.online(&["commission", "confirm", &w]);
    let list = applicant.ok(&["commission", "list"]);
    assert_eq!(list[0]["state"], "服务办结");
    assert_eq!(list[0]["price_yuan"], "65000.50");
    drop(server);
}

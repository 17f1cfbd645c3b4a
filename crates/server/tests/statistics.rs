//! `GET /api/v1/statistics` against a real TestServer over TLS: the figures are the domain's
//! figures for the same cases (replayed here from what the reform office pulls), a department
//! is held to its own figures, applicants get none, and the xlsx/PDF bytes are real files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::case::{Case, CaseCommand, CaseEvent};
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::ids::{AttachmentId, DepartmentCode};
use permitdesk_domain::project::{Project, ProjectEvent};
use permitdesk_domain::statistics::{Period, Quarter, SeedTable, Statistics, TableFilter};
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{DomainEvent, paths};
use permitdesk_server::attachments::sha256_hex;
use permitdesk_server::clock::{Clock, ManualClock};
use permitdesk_server::store::PushEnv;
use permitdesk_server::testing::fixtures::{Driver, case_cmd, pdf};
use permitdesk_server::testing::{ApiClient, TestServer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

#[path = "common/shared.rs"]
mod shared;
use shared::{clocked_server, put_file, stored_user};

/// Monday 2 March 2026, 09:00 in Beijing.
fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

/// A server with three ZGJ-04 cases (市资规局) on two projects: C-s1 accepted and signed once,
/// C-s2 accepted a day later, C-s3 on the second project; read four working days on.
async fn world() -> (TestServer, Arc<ManualClock>) {
    let (server, clock) = clocked_server(t0()).await;
    let store = server.state.store.clone();
    let (applicant, window, zgj1) = (
        stored_user(store.as_ref(), "applicant").await,
        stored_user(store.as_ref(), "window").await,
        stored_user(store.as_ref(), "reviewer-zgj-1").await,
    );
    let form = put_file(store.as_ref(), &pdf("statistics form"), &applicant, t0()).await;
    let env = PushEnv {
        reference: server.state.reference(),
        rules: server.state.config.push_rules,
        clock: clock.clone(),
    };
    let mut d = Driver::new(store.as_ref(), env);
    d.project_ready("P-s1", &applicant, &window, t0())
        .await
        .unwrap();
    d.project_ready("P-s2", &applicant, &window, t0())
        .await
        .unwrap();
    d.case_in_review("C-s1", "P-s1", &applicant, &window, &form, t0())
        .await
        .unwrap();
    d.case_in_review("C-s3", "P-s2", &applicant, &window, &form, t0())
        .await
        .unwrap();
    let level = server
        .state
        .reference()
        .catalogue
        .department(&DepartmentCode::new("ZGJ"))
        .unwrap()
        .review_levels[0]
        .clone();
    let t1 = t0() + Duration::days(1);
    clock.set(t1);
    d.apply(&zgj1, case_cmd("C-s1", CaseCommand::SignOff { level }), t1)
        .await
        .unwrap();
    d.case_in_review("C-s2", "P-s1", &applicant, &window, &form, t1)
        .await
        .unwrap();
    clock.set(t0() + Duration::days(4));
    (server, clock)
}

/// The projects and cases the reform office can pull, replayed with the domain.
async fn pulled(reform: &ApiClient) -> (Vec<Project>, Vec<Case>) {
    let mut cases: BTreeMap<String, Vec<CaseEvent>> = BTreeMap::new();
    let mut projects: BTreeMap<String, Vec<ProjectEvent>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = reform
            .pull(after, Some(1000), Some("statistics-test"))
            .await
            .unwrap();
        for e in page.events {
            match e.event {
                DomainEvent::Case(s) => cases.entry(s.entity.clone()).or_default().push(s.event),
                DomainEvent::Project(s) => {
                    projects.entry(s.entity.clone()).or_default().push(s.event)
                }
                _ => {}
            }
        }
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    (
        projects
            .values()
            .map(|es| Project::replay(es.iter()).unwrap().unwrap())
            .collect(),
        cases
            .values()
            .map(|es| Case::replay(es.iter()).unwrap())
            .collect(),
    )
}

async fn get(c: &ApiClient, query: &[(&str, &str)]) -> (u16, Vec<u8>) {
    c.raw(
        c.request(reqwest::Method::GET, paths::STATISTICS)
            .query(query),
    )
    .await
    .unwrap()
}

async fn get_json(c: &ApiClient, query: &[(&str, &str)]) -> Value {
    let (status, body) = get(c, query).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn figures_are_the_domains_for_the_stored_cases_and_departments_see_their_own() {
    let (server, clock) = world().await;
    let reform = server.login("reform").await.unwrap();
    let (projects, cases) = pulled(&reform).await;
    assert_eq!((projects.len(), cases.len()), (2, 3));
    let reference = server.state.reference();
    let catalogue = reference.catalogue.clone();
    let legal = LegalClock::new(&reference.calendar, OfficeHours::default());
    let as_of = to_local(clock.now());
    let s = Statistics::compute(&catalogue, &projects, &cases, &legal, as_of).unwrap();

    // The four tables, all and for March 2026, as the reform office sees them.
    for (n, table) in SeedTable::ALL.into_iter().enumerate() {
        let report = format!("table{}", n + 1);
        let got = get_json(&reform, &[("report", &report)]).await;
        let want = serde_json::to_value(s.table(table, &TableFilter::default())).unwrap();
        assert_eq!(got, want, "{report}");
        let march = TableFilter {
            period: Some(Period::month(2026, 3).unwrap()),
            ..TableFilter::default()
        };
        let got = get_json(&reform, &between(&report, "2026-03-01", "2026-03-31")).await;
        assert_eq!(got, serde_json::to_value(s.table(table, &march)).unwrap());
    }
    let one = get_json(&reform, &[("report", "table1")]).await;
    assert_eq!(one["rows"].as_array().unwrap().len(), 3);
    // February holds none of them.
    let feb = get_json(&reform, &between("table1", "2026-02-01", "2026-02-28")).await;
    assert!(feb["rows"].as_array().unwrap().is_empty());

    // The monthly report and the quarterly summary.
    let got = get_json(&reform, &between("monthly", "2026-03-01", "2026-03-31")).await;
    let want = serde_json::to_value(s.monthly_report(Period::month(2026, 3).unwrap())).unwrap();
    assert_eq!(got, want);
    let got = get_json(&reform, &[("report", "quarterly"), ("from", "2026-03-01")]).await;
    let q1 = s.quarterly_summary(Quarter::new(2026, 1).unwrap()).unwrap();
    assert_eq!(q1.current.total.accepted, 3);
    assert_eq!(got, serde_json::to_value(&q1).unwrap());

    // Project and category filters.
    let by_project = TableFilter {
        project: Some("P-s2".into()),
        ..TableFilter::default()
    };
    let got = get_json(&reform, &[("report", "table1"), ("project", "P-s2")]).await;
    assert_eq!(
        got,
        serde_json::to_value(s.table(SeedTable::One, &by_project)).unwrap()
    );
    assert_eq!(got["rows"].as_array().unwrap().len(), 1);
    let got = get_json(&reform, &[("report", "table1"), ("category", "SH-FDC")]).await;
    assert!(got["rows"].as_array().unwrap().is_empty());

    // A reviewer of 市资规局 is held to ZGJ, named or not.
    let zgj = server.login("reviewer-zgj-2").await.unwrap();
    let own = TableFilter {
        department: Some(DepartmentCode::new("ZGJ")),
        ..TableFilter::default()
    };
    let want = serde_json::to_value(s.table(SeedTable::One, &own)).unwrap();
    assert_eq!(get_json(&zgj, &[("report", "table1")]).await, want);
    assert_eq!(
        get_json(&zgj, &[("report", "table1"), ("department", "ZGJ")]).await,
        want
    );
    let (status, body) = get(&zgj, &[("report", "table1"), ("department", "ZJJ")]).await;
    assert_eq!(status, 403);
    let err: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("只能查看本部门（ZGJ）"),
        "{err}"
    );
    // ...and so is a reviewer of 市住建局, who has none of these cases.
    let zjj = server.login("reviewer-zjj-1").await.unwrap();
    let theirs = get_json(&zjj, &[("report", "table1")]).await;
    assert!(theirs["rows"].as_array().unwrap().is_empty());
    assert!(
        theirs["scope"]
            .as_str()
            .unwrap()
            .contains("哈尔滨市住房和城乡建设局")
    );
    let monthly = get_json(&zjj, &between("monthly", "2026-03-01", "2026-03-31")).await;
    assert!(monthly["projects"].as_array().unwrap().is_empty());
    // The reform office may look at one department.
    let got = get_json(&reform, &[("report", "table1"), ("department", "ZGJ")]).await;
    assert_eq!(got, want);

    // Applicants and agencies get no statistics.
    for who in ["applicant", "agency"] {
        let c = server.login(who).await.unwrap();
        let (status, body) = get(&c, &[("report", "table1")]).await;
        assert_eq!(status, 403, "{who}");
        assert!(String::from_utf8_lossy(&body).contains("审批统计仅向审批部门和市工改办开放"));
    }
    // Bad input is named.
    let (status, _) = get(&reform, &[("report", "table9")]).await;
    assert_eq!(status, 400);
    let (status, _) = get(&reform, &[("report", "table1"), ("from", "2026-03-01")]).await;
    assert_eq!(status, 400);
    let (status, body) = get(&reform, &between("table1", "2026-03-31", "2026-03-01")).await;
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&body).contains("晚于结束日期"));
}

/// The query for `report` from `from` to `to`.
fn between<'a>(report: &'a str, from: &'a str, to: &'a str) -> [(&'a str, &'a str); 3] {
    [("report", report), ("from", from), ("to", to)]
}

fn pdf_text(bytes: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("permitdesk-stat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", &path.to_string_lossy(), "-"])
        .output()
        .expect("pdftotext is required (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test]
async fn spreadsheets_and_pdfs_are_real_files_and_new_cases_are_counted() {
    let (server, clock) = world().await;
    let reform = server.login("reform").await.unwrap();
    for report in [
        "table1",
        "table2",
        "table3",
        "table4",
        "monthly",
        "quarterly",
    ] {
        let (status, xlsx) = get(&reform, &[("report", report), ("format", "xlsx")]).await;
        assert_eq!(status, 200, "{report}");
        assert!(xlsx.starts_with(b"PK"), "{report} xlsx");
        let (status, csv) = get(&reform, &[("report", report), ("format", "csv")]).await;
        assert_eq!(status, 200);
        assert!(
            csv.starts_with("\u{feff}".as_bytes()),
            "{report} csv has a BOM"
        );
    }
    let (status, pdf1) = get(&reform, &[("report", "table1"), ("format", "pdf")]).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf1, "t1.pdf");
    assert!(text.contains("表一建设工程项目全流程在线审批对接统计表（行政审批、备案类）"));
    assert!(
        text.contains("C-s1") || text.contains("示范厂房P-s1"),
        "{text}"
    );
    let (_, quarterly) = get(
        &reform,
        &[
            ("report", "quarterly"),
            ("from", "2026-02-10"),
            ("format", "pdf"),
        ],
    )
    .await;
    let text = pdf_text(&quarterly, "q.pdf");
    assert!(
        text.contains("2026年第一季度工程建设项目全流程在线审批情况"),
        "{text}"
    );
    assert!(text.contains("受理办件3件，上季度0件，增加3件。"), "{text}");
    let (_, monthly) = get(
        &reform,
        &[
            ("report", "monthly"),
            ("from", "2026-03-01"),
            ("to", "2026-03-31"),
            ("format", "pdf"),
        ],
    )
    .await;
    assert!(
        pdf_text(&monthly, "m.pdf")
            .contains("工程建设项目全流程在线审批月度统计（2026-03-01至2026-03-31）")
    );

    // A case accepted after the first request is in the next answer (the cache catches up).
    let store = server.state.store.clone();
    let applicant = store.user(&"applicant".into()).await.unwrap().unwrap();
    let window = store.user(&"window".into()).await.unwrap().unwrap();
    let form = AttachmentId::new(sha256_hex(&pdf("statistics form")));
    let env = PushEnv {
        reference: server.state.reference(),
        rules: server.state.config.push_rules,
        clock: clock.clone(),
    };
    let mut d = Driver::new(store.as_ref(), env);
    d.case_in_review("C-s4", "P-s2", &applicant, &window, &form, clock.now())
        .await
        .unwrap();
    let one = get_json(&reform, &[("report", "table1")]).await;
    assert_eq!(one["rows"].as_array().unwrap().len(), 4);

    // The OpenAPI document lists the endpoint with its parameters.
    let doc: Value = serde_json::from_slice(
        &reform
            .raw(reform.request(reqwest::Method::GET, paths::OPENAPI))
            .await
            .unwrap()
            .1,
    )
    .unwrap();
    let op = &doc["paths"][paths::STATISTICS]["get"];
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in [
        "report",
        "from",
        "to",
        "department",
        "project",
        "category",
        "format",
    ] {
        assert!(names.contains(&p), "{p} missing from {names:?}");
    }
    assert!(op["responses"]["403"].is_object());
}

/// 分页: a page of a table's JSON is that slice of the whole table with its total; paging
/// anything else, or a page of no rows or too many, is refused in Chinese.
#[tokio::test]
async fn a_table_answers_one_page_at_a_time_and_bad_pages_are_refused() {
    let (server, _clock) = world().await;
    let reform = server.login("reform").await.unwrap();
    let whole = get_json(&reform, &[("report", "table1")]).await;
    let rows = whole["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 3, "{whole}");
    assert_eq!(
        (whole["total"].as_u64(), whole["first"].as_u64()),
        (Some(3), Some(0))
    );
    for (offset, limit, want) in [
        ("0", "2", 0..2),
        ("1", "2", 1..3),
        ("2", "5", 2..3),
        ("3", "1", 3..3),
    ] {
        let page = get_json(
            &reform,
            &[("report", "table1"), ("offset", offset), ("limit", limit)],
        )
        .await;
        assert_eq!(
            page["rows"].as_array().unwrap(),
            &rows[want],
            "{offset}+{limit}"
        );
        assert_eq!(page["total"], 3);
        assert_eq!(page["first"].as_u64().unwrap().to_string(), offset);
        assert_eq!(page["scope"], whole["scope"]);
    }
    for (query, says) in [
        (vec![("report", "table1"), ("limit", "0")], "每页行数"),
        (vec![("report", "table1"), ("limit", "10001")], "每页行数"),
        (vec![("report", "monthly"), ("limit", "10")], "分页"),
        (
            vec![("report", "table1"), ("offset", "1"), ("format", "xlsx")],
            "分页",
        ),
    ] {
        let (status, body) = get(&reform, &query).await;
        assert_eq!(status, 422, "{query:?}");
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains(says), "{query:?}: {body}");
    }
    let (status, _) = get(&reform, &[("report", "table1"), ("limit", "-1")]).await;
    assert!(status == 400 || status == 422, "{status}");
}

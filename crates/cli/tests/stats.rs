//! `permitdesk stats` against a real `permitdesk server run` process, through headless client
//! profiles: the reform office gets the city's tables and reports as JSON, xlsx and PDF; a
//! reviewer is held to their own department; an applicant is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{Pc, run, seeded_server};

/// A headless client profile asking `permitdesk stats`.
struct Stats(Pc);

impl Stats {
    fn stats(&self, args: &[&str]) -> Output {
        let mut all = vec!["stats"];
        all.extend_from_slice(args);
        self.0.cmd(&all)
    }

    fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["stats"];
        all.extend_from_slice(args);
        self.0.ok(&all)
    }
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is required (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn stats_come_from_the_server_in_every_format_and_departments_see_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let (_server, pcs) = seeded_server(tmp.path(), ["reform", "reviewer-zgj-1", "applicant"]);
    let [reform, reviewer, applicant] = pcs.map(Stats);

    // The reform office: every department, table by table, as the domain serialises them.
    for t in ["table1", "table2", "table3", "table4"] {
        let v = reform.ok(&[t, "--from", "2026-01-01", "--to", "2026-12-31"]);
        assert!(v["rows"].as_array().unwrap().is_empty(), "{t}: {v}");
        let scope = v["scope"].as_str().unwrap();
        assert!(
            scope.contains("2026-01-01 至 2026-12-31") && scope.contains("部门：全部"),
            "{scope}"
        );
    }
    let m = reform.ok(&["monthly", "--from", "2026-03-01", "--to", "2026-03-31"]);
    assert_eq!(m["period"]["from"], "2026-03-01");
    assert_eq!(m["stages"].as_array().unwrap().len(), 15);
    let q = reform.ok(&["quarterly", "--from", "2026-05-20"]);
    assert_eq!(q["current"]["quarter"]["quarter"], 2);
    assert_eq!(q["previous"]["quarter"]["quarter"], 1);
    assert_eq!(q["current"]["period"]["to"], "2026-06-30");

    // Files: xlsx, PDF and CSV written where asked.
    let xlsx = tmp.path().join("t1.xlsx");
    let v = reform.ok(&[
        "table1",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(v["format"], "xlsx");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let pdf = tmp.path().join("q.pdf");
    reform.ok(&[
        "quarterly",
        "--from",
        "2026-03-01",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    assert!(
        text.contains("2026年第一季度工程建设项目全流程在线审批情况"),
        "{text}"
    );
    assert!(text.contains("哈尔滨市工程建设项目审批制度改革工作领导小组办公室"));
    let t1pdf = tmp.path().join("t1.pdf");
    reform.ok(&[
        "table1",
        "--format",
        "pdf",
        "--out",
        t1pdf.to_str().unwrap(),
    ]);
    assert!(
        pdf_text(&t1pdf).contains("表一建设工程项目全流程在线审批对接统计表（行政审批、备案类）")
    );
    let csv = reform.stats(&["table3", "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&csv.stdout).contains("业务部门办结时间"));
    // xlsx and pdf are not printed to a terminal.
    assert_eq!(
        reform.stats(&["table1", "--format", "xlsx"]).status.code(),
        Some(2)
    );

    // A reviewer of 市资规局 gets 市资规局, and is refused another department.
    let v = reviewer.ok(&["table1"]);
    assert!(
        v["scope"]
            .as_str()
            .unwrap()
            .contains("部门：哈尔滨市自然资源和规划局"),
        "{v}"
    );
    let out = reviewer.stats(&["table1", "--department", "ZJJ"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("只能查看本部门（ZGJ）"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An applicant gets no statistics.
    let out = applicant.stats(&["monthly"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("审批统计仅向审批部门和市工改办开放"));
    // 分页: a page of a table says where it lies in the whole; a page of no rows is refused.
    let v = reform.ok(&["table1", "--offset", "2", "--limit", "5"]);
    assert_eq!(
        (v["total"].as_u64(), v["first"].as_u64()),
        (Some(0), Some(2)),
        "{v}"
    );
    let out = reform.stats(&["table1", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("每页行数（limit）应为 1 至 10000"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without a profile there is nowhere to ask.
    let out = run(&["--json", "stats", "table1"], None);
    assert_eq!(out.status.code(), Some(2));
}

//! `permitdesk stats` against a real `permitdesk server run` process, through headless client
//! profiles: the reform office gets the city's tables and reports as JSON, xlsx and PDF; a
//! reviewer is held to their own department; an applicant is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

mod common;

use common::{BIN, json, run};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Pc(PathBuf);

impl Pc {
    fn stats(&self, args: &[&str]) -> Output {
        let mut all = vec!["--profile", self.0.to_str().unwrap(), "--json", "stats"];
        all.extend_from_slice(args);
        run(&all, None)
    }

    fn ok(&self, args: &[&str]) -> Value {
        let out = self.stats(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
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
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    assert_eq!(
        run(&["--json", "server", "init", "--data", d], None)
            .status
            .code(),
        Some(0)
    );
    let seed = run(&["--json", "demo", "seed", "--data", d], None);
    assert_eq!(seed.status.code(), Some(0));
    let users = json(&seed);
    let password = |id: &str| -> String {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap()["password"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut child = Command::new(BIN)
        .args([
            "--json",
            "server",
            "run",
            "--data",
            d,
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Server(child);
    let v: Value = serde_json::from_str(&line).unwrap();
    let (url, fp) = (
        v["listening"].as_str().unwrap().to_owned(),
        v["fingerprint"].as_str().unwrap().to_owned(),
    );
    let login = |name: &str, user: &str| -> Pc {
        let dir = tmp.path().join(name);
        let out = run(
            &[
                "--profile",
                dir.to_str().unwrap(),
                "--json",
                "login",
                "--server",
                &url,
                "--fingerprint",
                &fp,
                "--user",
                user,
                "--password-stdin",
            ],
            Some(&format!("{}\n", password(user))),
        );
        assert_eq!(out.status.code(), Some(0), "login {user}");
        Pc(dir)
    };
    let reform = login("reform-pc", "reform");
    let reviewer = login("reviewer-pc", "reviewer-zgj-1");
    let applicant = login("applicant-pc", "applicant");

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
    // Without a profile there is nowhere to ask.
    let out = run(&["--json", "stats", "table1"], None);
    assert_eq!(out.status.code(), Some(2));
}

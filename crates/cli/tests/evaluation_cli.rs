//! 网上互动 headless (issue 7): a `permitdesk server run` process and three headless clients
//! (`permitdesk --profile DIR --json rate|rectification|complaint ...`): the applicant rates a
//! window visit 不满意 and complains, partly offline; the office assigns the complaint; 市资规局
//! rectifies, calls back and answers; the applicant lists the answer and the finished
//! rectification; refusals exit 1 and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_permitdesk");

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn permitdesk");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// One headless client: a profile directory.
struct Pc {
    dir: PathBuf,
}

impl Pc {
    fn cmd(&self, args: &[&str]) -> Output {
        let mut all = vec!["--profile", self.dir.to_str().unwrap(), "--json"];
        all.extend_from_slice(args);
        run(&all, None)
    }

    /// Run and require success; the JSON answer.
    fn ok(&self, args: &[&str]) -> Value {
        let out = self.cmd(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
    }

    /// An action queued with `--offline` (and said so).
    fn offline(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--offline");
        let v = self.ok(&all);
        assert!(
            v["offline"].is_string(),
            "{args:?} should be queued offline: {v}"
        );
        assert_eq!(v["synced"], false);
        v
    }

    /// An action that must have gone through to the server.
    fn online(&self, args: &[&str]) -> Value {
        let v = self.ok(args);
        assert_eq!(v["synced"], true, "{args:?}: {v}");
        assert!(v["refused"].as_array().unwrap().is_empty(), "{args:?}: {v}");
        v
    }

    fn login(&self, url: &str, fp: &str, user: &str, password: &str) {
        let out = run(
            &[
                "--profile",
                self.dir.to_str().unwrap(),
                "--json",
                "login",
                "--server",
                url,
                "--fingerprint",
                fp,
                "--user",
                user,
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "login {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data: &Path, listen: &str) -> (Server, String) {
        let mut child = Command::new(BIN)
            .args([
                "--json",
                "server",
                "run",
                "--data",
                data.to_str().unwrap(),
                "--listen",
                listen,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let v: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("server said {line:?}: {e}"));
        let url = v["listening"].as_str().unwrap().to_owned();
        (
            Server { child, url },
            v["fingerprint"].as_str().unwrap().to_owned(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn rate_rectify_and_complain_headless_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let init = run(
        &["--json", "server", "init", "--data", data.to_str().unwrap()],
        None,
    );
    assert_eq!(init.status.code(), Some(0));
    let seed = run(
        &["--json", "demo", "seed", "--data", data.to_str().unwrap()],
        None,
    );
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
    let (server, fp) = Server::start(&data, "127.0.0.1:0");
    let url = server.url.clone();
    let pc = |name: &str| Pc {
        dir: tmp.path().join(name),
    };
    let (applicant, reform, zgj) = (pc("applicant-pc"), pc("reform-pc"), pc("zgj-pc"));
    applicant.login(&url, &fp, "applicant", &password("applicant"));
    reform.login(&url, &fp, "reform", &password("reform"));
    zgj.login(&url, &fp, "reviewer-zgj-1", &password("reviewer-zgj-1"));

    // Bad input is a usage error (exit 2); a bad rating without a reason is refused locally (1).
    let out = applicant.cmd(&[
        "rate",
        "--visit",
        "V-1",
        "--department",
        "ZGJ",
        "--level",
        "一般",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = applicant.cmd(&[
        "rate",
        "--visit",
        "V-1",
        "--department",
        "ZGJ",
        "--level",
        "不满意",
    ]);
    assert_eq!(out.status.code(), Some(1));

    let v = applicant.offline(&[
        "rate",
        "--visit",
        "V-1",
        "--department",
        "ZGJ",
        "--level",
        "不满意",
        "--dimension",
        "服务态度=非常不满意",
        "--comment",
        "窗口解释不清",
    ]);
    assert_eq!(v["created"][0], "visit/V-1");
    let v = applicant.online(&[
        "complaint",
        "submit",
        "--title",
        "规划窗口解释不清",
        "--content",
        "三次得到不同答复",
        "--department",
        "ZGJ",
    ]);
    let k = v["created"][0].as_str().unwrap().to_owned();

    // The department cannot assign; the office can.
    let out = zgj.cmd(&["complaint", "assign", &k, "--department", "ZGJ"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    reform.ok(&["sync"]);
    reform.online(&[
        "complaint",
        "assign",
        &k,
        "--department",
        "ZGJ",
        "--days",
        "5",
    ]);

    zgj.ok(&["sync"]);
    zgj.online(&[
        "rectification",
        "start",
        "visit/V-1",
        "--plan",
        "统一答复口径",
    ]);
    zgj.online(&[
        "rectification",
        "complete",
        "visit/V-1",
        "--result",
        "编制答复手册",
    ]);
    zgj.online(&[
        "rectification",
        "callback",
        "visit/V-1",
        "--satisfied",
        "--note",
        "回访满意",
    ]);
    zgj.online(&["complaint", "answer", &k, "--answer", "已统一答复口径"]);

    applicant.ok(&["sync"]);
    let list = applicant.ok(&["complaint", "list"]);
    assert_eq!(list[0]["id"], k.as_str());
    assert_eq!(list[0]["state"], "已答复");
    assert_eq!(list[0]["answer"], "已统一答复口径");
    let list = applicant.ok(&["rectification", "list"]);
    assert_eq!(list[0]["id"], "visit/V-1");
    assert_eq!(list[0]["rectification"], "已整改");
    assert_eq!(list[0]["callback"], true);
    let shown = applicant.ok(&["rectification", "show", "visit/V-1"]);
    assert_eq!(shown["rectification"]["status"], "done");
    drop(server);
}

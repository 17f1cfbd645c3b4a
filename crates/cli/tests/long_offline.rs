//! A long time offline, end to end: `permitdesk` processes (secrets in the OS keyring) against a
//! real server in this process whose clock the test moves. First the 12-hour token expires: the
//! sync says to log in again and keeps the queue (nothing lost, nothing refused); after the new
//! login the push resumes and each command is applied once. Then a client stays offline past the
//! offline limit: the sync brings its commands back as refused, `refusals expired` lists them
//! together, `refusals reconfirm --all` confirms them again in one action, and the server holds
//! each action exactly once. Last, removing a profile leaves none of its secrets in the keyring.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, Utc};
use common::*;
use permitdesk_client::credentials::{CredentialStore, OsKeyring, Secret};
use permitdesk_protocol::clock::{Clock, ManualClock};
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestOptions, TestServer};
use serde_json::Value;
use std::sync::Arc;

struct World {
    rt: tokio::runtime::Runtime,
    server: TestServer,
    clock: Arc<ManualClock>,
}

impl World {
    fn start() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let options = TestOptions {
            clock: clock.clone(),
            ..TestOptions::default()
        };
        let server = rt
            .block_on(TestServer::start_with(Backend::from_env(), options))
            .unwrap();
        World { rt, server, clock }
    }

    fn login(&self, pc: &Pc, user: &str) {
        pc.login(
            &self.server.base_url,
            &self.server.fingerprint,
            user,
            DEMO_PASSWORD,
        );
    }

    /// The time of each event the server holds for `key` (e.g. `project:P-1`).
    fn event_times(&self, key: &str) -> Vec<chrono::DateTime<Utc>> {
        self.rt
            .block_on(self.server.state.store.entity_events(key))
            .unwrap()
            .iter()
            .map(|e| {
                let v: Value = serde_json::from_str(&e.json).unwrap();
                find_at(&v).unwrap_or_else(|| panic!("no time in {v}"))
            })
            .collect()
    }
}

/// The first `at` of an event's JSON (the time the action was done).
fn find_at(v: &Value) -> Option<chrono::DateTime<Utc>> {
    match v {
        Value::Object(m) => m
            .get("at")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .or_else(|| m.values().find_map(find_at)),
        Value::Array(a) => a.iter().find_map(find_at),
        _ => None,
    }
}

/// Register a project and submit it, both queued offline; the project's id.
fn register_and_submit_offline(pc: &Pc, code: &str, name: &str) -> String {
    let org = pc.ok(&["status"])["user"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = pc.queue_only(&[
        "project",
        "register",
        "--code",
        code,
        "--name",
        name,
        "--builder",
        "哈尔滨示范建设有限公司",
        "--credit-code",
        &org,
        "--category",
        "SH-CF",
        "--address",
        "哈尔滨市道里区示范路 1 号",
        "--district",
        "230102",
        "--investment-wan",
        "5000",
        "--land-area",
        "20000",
        "--building-area",
        "12000",
        "--contact",
        "张建设,13812345678,liaison",
    ]);
    let project = reg["created"][0].as_str().unwrap().to_owned();
    pc.queue_only(&["project", "submit", &project]);
    project
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_expired_login_keeps_the_queue_and_expired_actions_are_confirmed_again_once() {
    let w = World::start();
    let tmp = tempfile::tempdir().unwrap();
    let pc = Pc {
        dir: tmp.path().join("applicant"),
    };
    w.login(&pc, "applicant");
    pc.ok(&["sync"]);

    // 1. Thirteen hours offline: the token has expired by the time the PC is back.
    let first = register_and_submit_offline(&pc, "2024-230102-48-01-123456", "长时离线厂房一期");
    assert_eq!(pc.ok(&["status"])["pending"], 2);
    w.clock.advance(Duration::hours(13));
    let out = pc.cmd(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = json(&out);
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("登录已过期，请重新登录"), "{msg}");
    assert!(msg.contains("2 条待同步的操作已保留"), "{msg}");
    let st = pc.ok(&["status"]);
    assert_eq!(st["pending"], 2, "nothing lost: {st}");
    assert_eq!(
        st["refusals"],
        serde_json::json!([]),
        "nothing refused: {st}"
    );
    assert!(w.event_times(&format!("project:{first}")).is_empty());
    // Logged in again, the push resumes: each command applied once.
    w.login(&pc, "applicant");
    let s = pc.ok(&["sync"]);
    assert_eq!(
        (s["applied"].as_u64(), s["refused"].as_u64()),
        (Some(2), Some(0)),
        "{s}"
    );
    pc.ok(&["sync"]);
    assert_eq!(w.event_times(&format!("project:{first}")).len(), 2);

    // 2. Eight days offline: past the offline limit (7 days) as well.
    let second = register_and_submit_offline(&pc, "2024-230102-48-01-123457", "长时离线厂房二期");
    let acted = pc.ok(&["status"])["outbox"][0]["envelope"]["acted_at"]
        .as_str()
        .unwrap()
        .to_owned();
    w.clock.advance(Duration::days(8));
    let out = pc.cmd(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json(&out)["message"]
            .as_str()
            .unwrap()
            .contains("请重新登录")
    );
    w.login(&pc, "applicant");
    let out = pc.cmd(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "refused: exit 1");
    let s = json(&out);
    assert_eq!(s["refused"], 2, "{s}");
    let kinds: Vec<&str> = s["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["refusal"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["expired", "expired"], "{s}");

    // One list, in the order they were done, named as the user knows them, in Beijing time.
    let list = pc.ok(&["refusals", "expired"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let acted = permitdesk_domain::time::format_minute(permitdesk_domain::time::to_local(
        acted.parse().unwrap(),
    ));
    for e in list {
        assert_eq!(e["acted_at"], acted.as_str(), "{e}");
        assert!(
            e["target"].as_str().unwrap().contains("长时离线厂房二期"),
            "{e}"
        );
        assert_eq!(e["local_refusal"], Value::Null, "{e}");
    }
    assert_eq!(list[0]["action"], "网上登记项目");
    assert_eq!(list[1]["action"], "提交综合窗口");
    let text = pc_text(&pc, &["refusals", "expired"]);
    assert!(text.contains("超过离线时限"), "{text}");

    // 重新确认并提交, once, for all of them.
    let r = pc.ok(&["refusals", "reconfirm", "--all"]);
    assert_eq!(r["reconfirmed"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["still_refused"], serde_json::json!([]));
    assert_eq!(r["outcome"]["synced"], true, "{r}");
    assert_eq!(r["outcome"]["refused"], serde_json::json!([]), "{r}");
    assert_eq!(pc.ok(&["refusals", "expired"]), serde_json::json!([]));
    // Again: nothing left to confirm, and nothing is applied twice.
    let again = pc.cmd(&["refusals", "reconfirm", "--all"]);
    assert_eq!(again.status.code(), Some(1));
    pc.ok(&["sync"]);
    let times = w.event_times(&format!("project:{second}"));
    assert_eq!(times.len(), 2, "each action exactly once");
    assert_eq!(w.event_times(&format!("project:{first}")).len(), 2);
    // Recorded at the server's time of the confirmation, not the old one.
    let confirmed_from = w.clock.now() - Duration::minutes(5);
    assert!(times.iter().all(|t| *t >= confirmed_from), "{times:?}");
    assert_eq!(pc.ok(&["status"])["pending"], 0);
}

fn pc_text(pc: &Pc, args: &[&str]) -> String {
    let mut all = vec!["--profile", pc.dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = run(&all, None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn logout_keeps_the_database_key_and_removing_the_profile_leaves_nothing_in_the_keyring() {
    let w = World::start();
    let tmp = tempfile::tempdir().unwrap();
    let pc = Pc {
        dir: tmp.path().join("window"),
    };
    w.login(&pc, "window");
    pc.ok(&["sync"]);
    let id = std::fs::read_to_string(pc.dir.join("profile-id"))
        .unwrap()
        .trim()
        .to_owned();
    let keyring = OsKeyring::default();
    assert!(keyring.get(&id, Secret::Token).unwrap().is_some());

    pc.ok(&["logout"]);
    assert_eq!(keyring.get(&id, Secret::Token).unwrap(), None);
    assert!(
        keyring.get(&id, Secret::DatabaseKey).unwrap().is_some(),
        "the local data stays usable"
    );
    pc.ok(&["status"]);

    // Without the confirmation nothing happens (exit 2).
    let dir = pc.dir.to_str().unwrap();
    let out = run(&["--json", "profile", "remove", dir], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(keyring.get(&id, Secret::DatabaseKey).unwrap().is_some());
    let removed = run_ok(&["--json", "profile", "remove", dir, "--yes"]);
    assert_eq!(removed["discarded"], 0);
    for secret in Secret::ALL {
        assert_eq!(keyring.get(&id, secret).unwrap(), None, "{secret:?}");
    }
    assert!(!pc.dir.exists(), "the profile's files are gone");
    // A second time: there is nothing to remove.
    let out = run(&["--json", "profile", "remove", dir, "--yes"], None);
    assert_eq!(out.status.code(), Some(1));
}

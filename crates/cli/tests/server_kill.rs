//! The real server binary killed with SIGKILL in the middle of a push of 1,000 commands, then
//! restarted on the same data: nothing committed is lost, nothing is applied twice, and the
//! client's retry of the whole batch gets `duplicate` for exactly the commands already applied.
//! PERMITDESK_TEST_DATABASE=postgres://... runs it on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::ids::ProjectId;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{CommandOutcome, PushRequest, paths};
use permitdesk_server::testing::ApiClient;
use permitdesk_server::testing::fixtures::{envelope, project_cmd, project_details};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

mod common;
use common::{server_run_args, test_database};

const BIN: &str = env!("CARGO_BIN_EXE_permitdesk");
const COMMANDS: u64 = 1000;

fn run(args: &[&str]) -> String {
    let out = std::process::Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `permitdesk server run` on a free port; returns the child, its URL and its pin.
async fn start(data: &Path, database: Option<&str>) -> (Child, String, String) {
    let mut args = server_run_args(data.to_str().unwrap(), "127.0.0.1:0");
    if let Some(db) = database {
        args.extend(["--database", db]);
    }
    let mut child = Command::new(BIN)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    (
        child,
        v["listening"].as_str().unwrap().to_owned(),
        v["fingerprint"].as_str().unwrap().to_owned(),
    )
}

async fn server_seq(c: &ApiClient) -> Option<u64> {
    let resp = c
        .http
        .get(format!("{}{}", c.base_url, paths::HEALTH))
        .send()
        .await
        .ok()?;
    let v: serde_json::Value = resp.json().await.ok()?;
    v["server_seq"].as_u64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_push_of_1000_commands_loses_nothing_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let (_pg, database) = test_database().await;
    run(&["server", "init", "--data", data.to_str().unwrap()]);
    let mut seed = vec!["--json", "demo", "seed", "--data", data.to_str().unwrap()];
    if let Some(db) = &database {
        seed.extend(["--database", db.as_str()]);
    }
    let users: serde_json::Value = serde_json::from_str(&run(&seed)).unwrap();
    let password = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "applicant")
        .unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();

    let commands: Vec<_> = (1..=COMMANDS)
        .map(|i| {
            let id = format!("P-{i:04}");
            let details = project_details(
                &format!("批量项目 {i}"),
                permitdesk_server::demo::BUILDER_ORG8,
            )
            .unwrap();
            let command = ProjectCommand::RegisterOnline {
                id: ProjectId::new(&id),
                details,
            };
            envelope(i, project_cmd(&id, command), chrono::Utc::now())
        })
        .collect();
    let batch = PushRequest {
        reference: Default::default(),
        client_id: "pc-batch".into(),
        commands,
    };

    let (mut child, url, fingerprint) = start(&data, database.as_deref()).await;
    let mut client = ApiClient::new(&url, &fingerprint).unwrap();
    client.login("applicant", &password).await.unwrap();
    let pushing = {
        let (client, batch) = (client.clone(), batch.clone());
        tokio::spawn(async move { client.push(&batch).await })
    };
    // Kill as soon as the first commands are committed (bounded wait).
    let mut seen_before_kill = 0;
    for _ in 0..3000 {
        seen_before_kill = server_seq(&client).await.unwrap_or(0);
        if seen_before_kill > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().await.unwrap(); // SIGKILL
    assert!(seen_before_kill > 0, "the push never started committing");
    let first = pushing.await.unwrap();
    let interrupted = first.is_err();

    let (child2, url, fingerprint2) = start(&data, database.as_deref()).await;
    assert_eq!(fingerprint2, fingerprint, "the same key after a restart");
    let mut client = ApiClient::new(&url, &fingerprint).unwrap();
    client.login("applicant", &password).await.unwrap();
    let committed = server_seq(&client).await.unwrap();
    assert!(
        committed >= seen_before_kill,
        "committed events were lost: {committed} < {seen_before_kill}"
    );
    assert!(committed <= COMMANDS);

    let retry = client.push(&batch).await.unwrap();
    let duplicates = retry
        .results
        .iter()
        .filter(|r| r.outcome == CommandOutcome::Duplicate)
        .count() as u64;
    let applied = retry
        .results
        .iter()
        .filter(|r| matches!(r.outcome, CommandOutcome::Applied { .. }))
        .count() as u64;
    assert_eq!(
        (duplicates, applied),
        (committed, COMMANDS - committed),
        "retry after the kill (interrupted: {interrupted})"
    );
    assert_eq!(retry.last_mutation_id, COMMANDS);

    // Exactly one registration per project, every number used once.
    let mut after = 0;
    let mut projects = BTreeSet::new();
    let mut count = 0;
    for _ in 0..100 {
        let page = client
            .pull(after, Some(5000), Some("pc-batch"))
            .await
            .unwrap();
        for e in &page.events {
            assert_eq!(
                e.event.entity_seq(),
                1,
                "{} applied twice",
                e.event.entity_key()
            );
            projects.insert(e.event.entity_key().to_owned());
            count += 1;
        }
        after = page.cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!((count, projects.len() as u64), (COMMANDS, COMMANDS));
    assert_eq!(server_seq(&client).await.unwrap(), COMMANDS);
    drop(child2);
    eprintln!(
        "killed after {seen_before_kill} committed (first push interrupted: {interrupted}); {committed} found after restart"
    );
}

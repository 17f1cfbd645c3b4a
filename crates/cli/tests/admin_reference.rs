//! `permitdesk admin calendar|catalogue|market|zones|districts import` and `admin reference history` as
//! processes on a server data directory (PERMITDESK_TEST_DATABASE=postgres://... runs them on
//! PostgreSQL): a dry run changes nothing, a malformed file is refused with its line and exit 1,
//! an import is recorded with who and what, a changed stored year needs --replace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

mod common;
use common::{Admin, run as plain, run_ok, test_database};

/// A 2027 holiday table for tests (one file, `tests/fixtures/holidays-2027.toml`).
const HOLIDAYS_2027: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/holidays-2027.toml"
));

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn admin_calendar_import_dry_runs_refuses_bad_files_records_who_and_needs_replace() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let (_pg, database) = test_database().await;
    let admin = Admin::init(&data, database);
    assert_eq!(admin.run(&["demo", "seed"]).status.code(), Some(0));
    let y2027 = write(dir.path(), "2027.toml", HOLIDAYS_2027);

    // Dry run: what would change, and nothing recorded.
    let (code, r) = admin.json(&["admin", "calendar", "import", &y2027, "--dry-run"]);
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(
        (r["dry_run"].as_bool(), r["applied"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(
        r["changes"][0]
            .as_str()
            .unwrap()
            .starts_with("新增 2027 年节假日安排：假期 2 个（元旦、春节）"),
        "{r}"
    );
    let out = admin.run(&["admin", "calendar", "import", &y2027, "--dry-run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("新增 2027 年节假日安排"), "{text}");
    assert!(text.contains("（演练，未作任何更改）"), "{text}");
    let (code, h) = admin.json(&["admin", "reference", "history"]);
    assert_eq!((code, h), (Some(0), serde_json::json!([])));

    // Malformed: exit 1, the file and its line, nothing recorded.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[year]]\nyear = 2027\nholidays = [ { name = \"元旦\", from = 2027-13-01 } ]\n",
    );
    let out = admin.run(&["admin", "calendar", "import", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("第 3 行"), "{err}");
    let (_, h) = admin.json(&["admin", "reference", "history", "calendar"]);
    assert_eq!(h, serde_json::json!([]));

    // Imported, recorded as the reform office's.
    let (code, r) = admin.json(&["admin", "calendar", "import", &y2027, "--by", "reform"]);
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(
        (r["applied"].as_bool(), r["to_version"].as_u64()),
        (Some(true), Some(1))
    );
    let (_, h) = admin.json(&["admin", "reference", "history", "calendar"]);
    assert_eq!(h.as_array().unwrap().len(), 1, "{h}");
    assert_eq!(h[0]["version"], 1);
    assert_eq!(h[0]["changed_by"], "市工改办");
    assert_eq!(h[0]["changes"], r["changes"]);
    let out = admin.run(&["admin", "reference", "history"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("工作日历 第 1 版") && text.contains("市工改办"),
        "{text}"
    );

    // A stored year the file changes: refused (exit 1) until --replace.
    let y2026 = write(
        dir.path(),
        "2026.toml",
        "[[year]]\nyear = 2026\nholidays = [ { name = \"元旦\", from = 2026-01-01, to = 2026-01-03 } ]\n",
    );
    let (code, r) = admin.json(&["admin", "calendar", "import", &y2026]);
    assert_eq!(code, Some(1), "{r}");
    assert_eq!(r["needs_replace"], serde_json::json!([2026]));
    assert_eq!(r["applied"], false);
    let out = admin.run(&["admin", "calendar", "import", &y2026]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--replace"));
    let (code, r) = admin.json(&["admin", "calendar", "import", &y2026, "--replace"]);
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(r["to_version"], 2);

    // An unknown account for --by is a usage error.
    let out = admin.run(&["admin", "market", "import", &y2027, "--by", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    // 行政区划 the same way: an abolished division is refused with its line; a list is recorded.
    let abolished = write(
        dir.path(),
        "districts-bad.toml",
        "version = \"2027.1\"\n[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n[[division]]\ncode = \"230182\"\nname = \"双城市\"\n",
    );
    let out = admin.run(&["admin", "districts", "import", &abolished]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("行政区划无效") && err.contains("第 6 行") && err.contains("已撤销"),
        "{err}"
    );
    let list = write(
        dir.path(),
        "districts.toml",
        "version = \"2027.1\"\n[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n[[division]]\ncode = \"230103\"\nname = \"南岗区\"\n",
    );
    let (code, r) = admin.json(&["admin", "districts", "import", &list, "--by", "reform"]);
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(
        (r["kind"].as_str(), r["to_version"].as_u64()),
        (Some("districts"), Some(1))
    );
    assert!(
        r["changes"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("删除行政区划 道里区（230102）")),
        "{r}"
    );
    let (_, h) = admin.json(&["admin", "reference", "history", "districts"]);
    assert_eq!(h.as_array().unwrap().len(), 1, "{h}");
}

/// `server renew-cert` re-issues the certificate with the same key: the fingerprint clients
/// pinned is unchanged, the names given at init are kept, and the certificate file changes.
#[test]
fn renewing_the_certificate_keeps_the_pinned_fingerprint_and_the_names() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    let before = run_ok(&[
        "--json",
        "server",
        "init",
        "--data",
        d,
        "--name",
        "hall.example",
    ]);
    let cert_before = std::fs::read_to_string(data.join("tls/cert.pem")).unwrap();
    let after = run_ok(&["--json", "server", "renew-cert", "--data", d]);
    assert_eq!(after["fingerprint"], before["fingerprint"]);
    assert_eq!(after["names"], serde_json::json!(["hall.example"]));
    assert_eq!(after["valid_days"], 825);
    assert_ne!(
        std::fs::read_to_string(data.join("tls/cert.pem")).unwrap(),
        cert_before
    );
    // An uninitialised directory is told so, in Chinese.
    let none = plain(
        &[
            "server",
            "renew-cert",
            "--data",
            tmp.path().join("nowhere").to_str().unwrap(),
        ],
        None,
    );
    assert_ne!(none.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("server init"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}

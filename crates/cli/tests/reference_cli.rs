//! 参考数据 with real processes (issue 11): a `permitdesk server run` process; the reform office
//! imports a 2027 holiday table with `permitdesk reference import` (a dry run and a malformed
//! file change nothing, a window may not import); the window's headless client syncs, and its
//! `calendar show --json` shows 2027 at version 1, `reference show` and `status` the versions;
//! `reference show districts` lists the 行政区划 the hall serves, before and after an import.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

/// A 2027 holiday table for tests (one file, `tests/fixtures/holidays-2027.toml`).
const HOLIDAYS_2027: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/holidays-2027.toml"
));

fn years(v: &Value) -> Vec<i64> {
    v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect()
}

#[test]
fn the_reform_office_imports_2027_and_a_synced_window_decides_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, [reform, window]) = seeded_server(tmp.path(), ["reform", "window"]);
    let table = tmp.path().join("holidays-2027.toml");
    std::fs::write(&table, HOLIDAYS_2027).unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-13-01 }]\n",
    )
    .unwrap();
    let table = table.to_str().unwrap();

    // Before: the shipped calendar at version 0.
    let before = window.ok(&["calendar", "show"]);
    assert_eq!(before["version"], 0, "{before}");
    assert!(!years(&before).contains(&2027));
    assert_eq!(before["changed_at"], Value::Null);

    // A dry run, a malformed file and a window's import change nothing.
    let dry = reform.ok(&["reference", "import", "calendar", table, "--dry-run"]);
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["applied"].as_bool()),
        (Some(true), Some(false))
    );
    let out = reform.cmd(&["reference", "import", "calendar", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("工作日历"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = window.cmd(&["reference", "import", "calendar", table]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("市工改办"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let synced = window.ok(&["sync"]);
    assert_eq!(
        synced["reference_updated"],
        serde_json::json!([]),
        "{synced}"
    );

    // The import; the reform office's client has it at once, the window after its sync.
    let done = reform.ok(&["reference", "import", "calendar", table]);
    assert_eq!(done["applied"], true, "{done}");
    assert_eq!(
        (done["from_version"].as_u64(), done["to_version"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        done["synced"]["reference_updated"],
        serde_json::json!(["calendar"])
    );
    let synced = window.ok(&["sync"]);
    assert_eq!(
        synced["reference_updated"],
        serde_json::json!(["calendar"]),
        "{synced}"
    );
    let after = window.ok(&["calendar", "show"]);
    assert_eq!(after["version"], 1, "{after}");
    assert_eq!(years(&after), [2022, 2023, 2024, 2025, 2026, 2027]);
    assert!(after["changed_at"].is_string());
    assert_eq!(after["source"], "profile");

    let cat = window.ok(&["catalogue", "show"]);
    assert_eq!(cat["version"], 0, "{cat}");
    assert_eq!(cat["catalogue_version"], "2026.1");
    assert!(cat["items"].as_u64().unwrap() > 10);

    let shown = window.ok(&["reference", "show"]);
    assert_eq!(shown["versions"]["calendar"], 1, "{shown}");
    assert_eq!(shown["versions"]["catalogue"], 0);
    let cal = shown["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "calendar")
        .unwrap();
    assert_eq!(cal["changed_by"], "市工改办", "{shown}");

    let status = window.ok(&["status"]);
    assert_eq!(status["reference"]["calendar"], 1, "{status}");
    // 2027 is there now: no warning until 1 November 2027.
    assert_eq!(status["calendar_warning"], Value::Null, "{status}");

    // 行政区划: `reference show districts` lists the shipped ones, grouped under 哈尔滨市; a new
    // list imported by the reform office reaches the window by sync.
    let names = |v: &Value| -> Vec<String> {
        v["groups"][0]["districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let shipped = window.ok(&["reference", "show", "districts"]);
    assert_eq!(
        (&shipped["version"], &shipped["groups"][0]["name"]),
        (&Value::from(0), &Value::from("哈尔滨市")),
        "{shipped}"
    );
    assert_eq!(names(&shipped).len(), 18, "{shipped}");
    assert_eq!(shipped["groups"][0]["districts"][0]["code"], "230102");
    let list = tmp.path().join("districts.toml");
    std::fs::write(
        &list,
        "version = \"2027.1\"\n[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n\
         [[division]]\ncode = \"230103\"\nname = \"南岗区\"\n\
         [[division]]\ncode = \"230109\"\nname = \"松北区\"\n",
    )
    .unwrap();
    let done = reform.ok(&["reference", "import", "districts", list.to_str().unwrap()]);
    assert_eq!(done["applied"], true, "{done}");
    let synced = window.ok(&["sync"]);
    assert_eq!(
        synced["reference_updated"],
        serde_json::json!(["districts"]),
        "{synced}"
    );
    let after = window.ok(&["reference", "show", "districts"]);
    assert_eq!(after["version"], 1, "{after}");
    assert_eq!(after["districts_version"], "2027.1");
    assert_eq!(names(&after), ["南岗区", "松北区"]);
    let text = run(
        &[
            "--profile",
            window.dir.to_str().unwrap(),
            "reference",
            "show",
            "districts",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("行政区划 版本 1（市工改办")
            && text.contains("哈尔滨市（230100）")
            && text.contains("230103  南岗区"),
        "{text}"
    );
    let out = window.cmd(&["reference", "show", "regions"]);
    assert_eq!(out.status.code(), Some(2));
    drop(server);
}

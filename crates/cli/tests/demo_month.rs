//! `permitdesk demo month`: refused before `demo seed` (no demo users), then a month of work is
//! seeded through the server's rules (every case state, no refusal), and a second run on the
//! same data is refused and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{run, run_ok};

#[test]
fn demo_month_runs_once_after_demo_seed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let d = data.to_str().unwrap();
    let month = ["demo", "month", "--data", d, "--end", "2026-03-31"];

    let init = run(&["--json", "server", "init", "--data", d], None);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    let early = run(&month, None);
    assert_eq!(early.status.code(), Some(1), "{early:?}");
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(err.contains("请先运行 permitdesk demo seed"), "{err}");

    let seed = run(&["--json", "demo", "seed", "--data", d], None);
    assert_eq!(seed.status.code(), Some(0), "{seed:?}");
    let mut args = vec!["--json"];
    args.extend(month);
    let report = run_ok(&args);
    assert!(report["projects"].as_u64().unwrap() >= 250, "{report}");
    assert!(report["cases"].as_u64().unwrap() >= 350, "{report}");
    assert_eq!(
        report["case_states"].as_array().unwrap().len(),
        11,
        "{report}"
    );
    assert_eq!(report["to"], "2026-03-31");

    let again = run(&month, None);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("不能在同一数据上重复载入"), "{err}");

    // A future end is refused as bad input.
    let future = run(&["demo", "month", "--data", d, "--end", "2999-01-01"], None);
    assert_eq!(future.status.code(), Some(2), "{future:?}");
}

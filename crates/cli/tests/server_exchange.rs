//! `permitdesk server exchange export|batches` as processes on a server data directory
//! (PERMITDESK_TEST_DATABASE=postgres://... runs them on PostgreSQL): after `server init`,
//! `demo seed` and `demo month`, the first export writes the month's SPGL batch (read back by
//! `permitdesk exchange import`), a second one finds nothing new and writes nothing, and the
//! listing shows the one batch and that the daily run is not configured.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{Admin, run_ok, test_database};

#[tokio::test]
async fn server_exchange_exports_the_month_once_and_then_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let out = dir.path().join("spgl");
    let out_str = out.to_str().unwrap();
    let (_pg, database) = test_database().await;
    let admin = Admin::init(&data, database);
    assert_eq!(admin.run(&["demo", "seed"]).status.code(), Some(0));
    let (code, month) = admin.json(&["demo", "month", "--end", "2026-03-31"]);
    assert_eq!(code, Some(0), "{month}");

    // Nothing exported yet; the daily run is off.
    let listed = admin.run(&["server", "exchange", "batches"]);
    let text = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.status.code(), Some(0), "{listed:?}");
    assert!(text.contains("定时导出：未配置"), "{text}");
    assert!(text.contains("尚未导出过任何批次"), "{text}");

    // The first export: the whole month as batch 1.
    let (code, first) = admin.json(&["server", "exchange", "export", "--out", out_str]);
    assert_eq!(code, Some(0), "{first}");
    let batch = &first["batch"];
    assert_eq!(batch["number"], 1, "{first}");
    assert_eq!(batch["origin"], "admin");
    let cases = batch["cases"].as_u64().unwrap();
    assert!(cases > 300, "{first}");
    assert_eq!(first["files"].as_array().unwrap().len(), 19);
    assert_eq!(first["tables"].as_array().unwrap().len(), 9);
    let batch_dir = batch["directory"].as_str().unwrap().to_owned();
    let name = std::path::Path::new(&batch_dir)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("SPGL-000001-"), "{name}");
    assert!(out.join(&name).join("SPGL_XMSPSXBLXXB.csv").is_file());
    // The old reader takes the server's batch.
    let imported = run_ok(&["--json", "exchange", "import", &batch_dir]);
    assert_eq!(imported["count"].as_u64(), Some(cases));

    // A rerun: nothing new, nothing written.
    let again = admin.run(&["server", "exchange", "export", "--out", out_str]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("没有新的数据需要导出"), "{text}");
    assert!(text.contains("已导出至第 1 批"), "{text}");
    let (code, again) = admin.json(&["server", "exchange", "export", "--out", out_str]);
    assert_eq!(code, Some(0));
    assert!(again["batch"].is_null(), "{again}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    // The listing.
    let (code, list) = admin.json(&["server", "exchange", "batches"]);
    assert_eq!(code, Some(0), "{list}");
    let batches = list["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 1, "{list}");
    assert_eq!(batches[0]["present"], true);
    assert_eq!(batches[0]["cases"].as_u64(), Some(cases));
    assert_eq!(list["cursor"], batches[0]["to_seq"]);
    assert!(list["schedule"]["dir"].is_null());
    let text =
        String::from_utf8_lossy(&admin.run(&["server", "exchange", "batches"]).stdout).into_owned();
    assert!(
        text.contains("第 1 批") && text.contains("管理员导出"),
        "{text}"
    );

    // The demo export without --from-demo points at the server's command.
    let plain = common::run(&["exchange", "export", "--out", out_str], None);
    assert_eq!(plain.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("server exchange export"));
}

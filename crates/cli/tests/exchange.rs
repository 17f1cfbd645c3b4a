//! `permitdesk exchange`: the demo data's SPGL tables written to a directory and read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn permitdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permitdesk"))
        .args(args)
        .output()
        .expect("run permitdesk")
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn export_then_import_gives_the_same_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("spgl");
    let out_str = out_dir.to_str().unwrap();
    let exported = json(&permitdesk(&[
        "exchange",
        "export",
        "--from-demo",
        "--out",
        out_str,
        "--json",
    ]));
    let cases = exported["cases"].as_u64().unwrap();
    assert!(cases > 0);
    assert!(out_dir.join("SPGL_XMSPSXBLXXB.csv").is_file());
    assert!(out_dir.join("SPGL_XMJBXXB.json").is_file());
    let imported = json(&permitdesk(&["exchange", "import", out_str, "--json"]));
    assert_eq!(imported["count"].as_u64(), Some(cases));
    assert_eq!(imported["cases"].as_array().unwrap().len() as u64, cases);
    // A directory without the tables is refused with exit 1, not a panic.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let refused = permitdesk(&["exchange", "import", empty.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
}

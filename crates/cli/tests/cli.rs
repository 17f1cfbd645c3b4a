//! The `permitdesk` binary as a user runs it: outputs, JSON shapes and exit codes
//! (0 ok, 1 what was checked is invalid, 2 bad input), and never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn permitdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permitdesk"))
        .args(args)
        .env(
            "PERMITDESK_HOME",
            std::env::temp_dir().join(format!("permitdesk-cli-test-{}", std::process::id())),
        )
        .output()
        .expect("run permitdesk")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn clock_prints_the_documented_json() {
    let out = permitdesk(&[
        "clock",
        "--accepted",
        "2024-09-27T10:00",
        "--limit",
        "20",
        "--as-of",
        "2024-10-10T12:00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    // Accepted Friday 27 Sep 2024; counting from Sat 28: Sun 29 Sep (调休) and Mon 30 Sep count,
    // 1-7 Oct is 国庆节, then 8, 9 Oct and 10 Oct 09:00-12:00: 4 days + 3 h = 4.375 days.
    assert_eq!(v["used_working_days"], 4.38);
    assert_eq!(v["used_minutes"], 4 * 480 + 180);
    // 20 working days: 29, 30 Sep; 8-12 Oct (12 Oct a 调休 Saturday) ... the 20th is 30 Oct.
    assert_eq!(v["deadline"], "2024-10-30T17:00");
    assert_eq!(v["level"], "normal");
    let kinds: Vec<&str> = v["explain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"holiday")
            && kinds.contains(&"adjusted_workday")
            && kinds.contains(&"acceptance_day"),
        "{kinds:?}"
    );
}

#[test]
fn clock_with_an_open_pause_has_no_deadline() {
    let out = permitdesk(&[
        "clock",
        "--accepted",
        "2024-09-27T10:00",
        "--limit",
        "20",
        "--pause",
        "2024-10-08T09:00/",
        "--as-of",
        "2024-10-10T12:00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["deadline"], serde_json::Value::Null);
    assert_eq!(v["level"], "paused");
    assert_eq!(v["used_working_days"], 2.0);
}

#[test]
fn bad_input_gets_one_line_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27 10",
                "--limit",
                "3",
                "--as-of",
                "2024-10-10T12:00",
            ],
            "--accepted",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "-1",
                "--as-of",
                "2024-10-10T12:00",
            ],
            "--limit",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "3",
                "--pause",
                "2024-10-09T10:00/2024-10-08T10:00",
                "--as-of",
                "2024-10-10T12:00",
            ],
            "早于开始时间",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "3",
                "--pause",
                "2024-10-09T10:00",
                "--as-of",
                "2024-10-10T12:00",
            ],
            "FROM/TO",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "3",
                "--as-of",
                "2024-09-20T12:00",
            ],
            "早于受理时间",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "3",
                "--as-of",
                "2024-10-10T12:00",
                "--office-hours",
                "17:00-09:00",
            ],
            "办公时间",
        ),
        (
            &[
                "clock",
                "--accepted",
                "2024-09-27T10:00",
                "--limit",
                "3",
                "--as-of",
                "2024-10-10T12:00",
                "--untimed",
                "开会:2024-10-08T09:00/",
            ],
            "特别程序",
        ),
        (&["clock", "--bogus"], "--bogus"),
        (&["frobnicate"], "frobnicate"),
        (&["code", "check", "vin", "123"], "vin"),
        (&["calendar", "workdays", "--year", "abc"], "abc"),
    ];
    for (args, needle) in cases {
        let out = permitdesk(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: more than one line: {err}"
        );
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_year_without_holiday_data_gives_a_provisional_deadline_never_a_refusal() {
    // The issue's own example: a 20-working-day case accepted in December 2026.
    let out = permitdesk(&[
        "clock",
        "--accepted",
        "2026-12-04T10:00",
        "--limit",
        "20",
        "--as-of",
        "2026-12-05T12:00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    // 12/7-12/31: 19 working days; the 20th is 2027-01-01 (a Friday, counted provisionally).
    assert_eq!(v["deadline"], "2027-01-01T17:00");
    assert_eq!(v["provisional"], "暂定：缺少 2027 年节假日安排");
    assert_eq!(v["provisional_years"], serde_json::json!([2027]));
    let out = permitdesk(&[
        "clock",
        "--accepted",
        "2027-03-01T10:00",
        "--limit",
        "5",
        "--as-of",
        "2027-03-05T10:00",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("办理期限：2027-03-08T17:00（暂定：缺少 2027 年节假日安排"),
        "{text}"
    );
    // Asking for the working days of a year without a table is still named, not guessed.
    let out = permitdesk(&["calendar", "workdays", "--year", "2021"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("2021"));
}

#[test]
fn codes_are_checked_with_reasons() {
    // (kind, value, valid, something the output must contain)
    let cases = [
        ("project", "2024-230102-48-01-123456", true, "道里区"),
        ("project", "2024-110105-48-01-123456", false, "黑龙江"),
        ("project", "2024-230102-48-01-12345", false, "24"),
        ("credit", "91230100MA1B2C3D4E", false, ""),
        ("phone", "0451-86661234", true, "固定电话"),
        ("phone", "13812345678", true, "手机"),
        ("phone", "1381234567", false, ""),
    ];
    for (kind, value, valid, needle) in cases {
        let out = permitdesk(&["code", "check", kind, value]);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(
            out.status.code(),
            Some(if valid { 0 } else { 1 }),
            "{kind} {value}: {text}"
        );
        assert!(text.contains(needle), "{kind} {value}: {text}");
        let out = permitdesk(&["code", "check", kind, value, "--json"]);
        assert_eq!(json(&out)["valid"], valid, "{kind} {value}");
    }
}

#[test]
fn the_demo_catalogue_shows_and_a_broken_one_is_refused_with_lines() {
    let out = permitdesk(&["catalogue", "show", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["items"].as_array().unwrap().len() >= 40);
    assert!(v["departments"].as_array().unwrap().len() >= 12);
    let out = permitdesk(&["catalogue", "show"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("施工许可"));

    let dir = std::env::temp_dir().join(format!("permitdesk-cat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, permitdesk_domain::DEMO_CATALOGUE_TOML).unwrap();
    let out = permitdesk(&["catalogue", "check", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Point one item at a department that does not exist; the error names the file and line.
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    let (line_no, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("department ="))
        .unwrap();
    let broken_text = text.replacen(line, "department = \"NO-SUCH-DEPT\"", 1);
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, broken_text).unwrap();
    let out = permitdesk(&["catalogue", "check", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("broken.toml:{}", line_no + 1)),
        "{err}"
    );
    assert!(err.contains("NO-SUCH-DEPT"), "{err}");

    let out = permitdesk(&[
        "catalogue",
        "check",
        dir.join("missing.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn calendar_lists_workdays_and_imports_a_new_year() {
    let out = permitdesk(&["calendar", "workdays", "--year", "2026", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let days: Vec<&str> = v["workdays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        days.contains(&"2026-01-04"),
        "2026-01-04 (Sunday) is a 调休 working day"
    );
    assert!(days.contains(&"2026-02-14") && days.contains(&"2026-02-28"));
    assert!(!days.contains(&"2026-02-16"), "春节");
    assert!(!days.contains(&"2026-10-01"));
    assert_eq!(v["count"], days.len());

    let home = std::env::temp_dir().join(format!("permitdesk-cal-{}", std::process::id()));
    let file = home.join("2027.toml");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        &file,
        "[[year]]\nyear = 2027\nsource = \"test\"\nholidays = [{ name = \"元旦\", from = 2027-01-01, to = 2027-01-03 }]\nworkdays = []\n",
    )
    .unwrap();
    let dir_arg = home.to_str().unwrap();
    let out = permitdesk(&[
        "--data-dir",
        dir_arg,
        "calendar",
        "import",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["added"], serde_json::json!([2027]));
    let out = permitdesk(&[
        "--data-dir",
        dir_arg,
        "calendar",
        "workdays",
        "--year",
        "2027",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["workdays"][0], "2027-01-04");
    // And the clock can now count into 2027.
    let out = permitdesk(&[
        "--data-dir",
        dir_arg,
        "clock",
        "--accepted",
        "2027-03-01T10:00",
        "--limit",
        "5",
        "--as-of",
        "2027-03-05T10:00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["deadline"], "2027-03-08T17:00");
    assert!(json(&out)["provisional"].is_null());
}

#[test]
fn documents_demo_writes_every_paper_of_issue_4() {
    let dir = std::env::temp_dir().join(format!("permitdesk-docs-{}", std::process::id()));
    let out = permitdesk(&[
        "documents",
        "demo",
        "--out",
        dir.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = json(&out);
    assert_eq!(written.as_array().unwrap().len(), 20);
    let mut names = vec![
        "application-form.pdf",
        "one-time-notice.pdf",
        "acceptance-receipt.pdf",
        "correction-notice.pdf",
        "not-accepted-notice.pdf",
        "return-notice.pdf",
        "completion-notice.pdf",
        "certificate.pdf",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for n in 1..=4 {
        names.extend([
            format!("statistics-table-{n}.pdf"),
            format!("statistics-table-{n}.xlsx"),
            format!("statistics-table-{n}.csv"),
        ]);
    }
    for name in &names {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.len() > 500, "{name} is too small");
    }
    // The receipt's deadline is the legal clock's: accepted Fri 27 Sep 2024, 3 working days
    // across 国庆节 (29 Sep is a 调休 Sunday) -> 8 Oct 17:00.
    let text = Command::new("pdftotext")
        .args([dir.join("acceptance-receipt.pdf").to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace([' ', '\n'], "");
    assert!(
        text.contains("受理通知书") && text.contains("2024年10月08日17:00"),
        "{text}"
    );
}

#[test]
fn documents_pages_writes_the_preview_images_of_a_pdf_and_refuses_what_is_not_one() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    let out = permitdesk(&[
        "documents",
        "demo",
        "--out",
        docs.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pages = tmp.path().join("pages");
    let form = docs.join("application-form.pdf");
    let out = permitdesk(&[
        "documents",
        "pages",
        form.to_str().unwrap(),
        "--out",
        pages.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info = Command::new("pdfinfo")
        .arg(&form)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let count: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let written = json(&out);
    assert_eq!(
        written.as_array().unwrap().len(),
        count,
        "one image per page"
    );
    let first = pages.join("application-form-第1页.png");
    let png = std::fs::read(&first).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let bad = tmp.path().join("bad.pdf");
    std::fs::write(&bad, "这不是PDF").unwrap();
    let out = permitdesk(&[
        "documents",
        "pages",
        bad.to_str().unwrap(),
        "--out",
        pages.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("无法预览"), "{}", stderr(&out));
}

#[test]
fn the_generic_action_and_consultations_answer_offline_with_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("p");
    let p = profile.to_str().unwrap();
    let list = permitdesk(&["--profile", p, "--json", "consultation", "list"]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert_eq!(json(&list), serde_json::json!([]));

    let bad = permitdesk(&["--profile", p, "act", "--command", "{not json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("命令 JSON 无法解析"),
        "{}",
        stderr(&bad)
    );

    // Well-formed, but nobody is logged in on this profile: refused, nothing queued.
    let cmd = r#"{"entity":"case","case":"C-1","command":{"command":"receive"}}"#;
    let out = permitdesk(&["--profile", p, "act", "--command", cmd]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("登录"), "{}", stderr(&out));
    let status = permitdesk(&["--profile", p, "--json", "status"]);
    assert_eq!(json(&status)["pending"], 0);

    let missing = permitdesk(&["--profile", p, "consultation", "show", "PL-404"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("请先同步"));
}

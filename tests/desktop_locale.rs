//! The real app, started as a user starts it (not under WebDriver) in a session whose messages
//! are not Chinese, re-executes itself with Chinese messages (src-tauri/src/startup.rs), so the
//! GTK file dialogs (另存为, 选择文件) come up with 取消/保存 rather than Cancel/Save: the process's
//! environment says so, and GTK has loaded its zh_CN translations (`gtk30.mo` mapped).
//!
//! Needs a display (scripts/test.sh runs the tests under Xvfb) and the zh_CN.UTF-8 locale
//! (scripts/install-deps.sh generates it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_permitdesk-desktop");

/// The process's environment, as `/proc/PID/environ` has it.
fn environ(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|b| {
            b.split(|&c| c == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn mapped(pid: u32, path: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/maps")).is_ok_and(|m| m.contains(path))
}

#[test]
fn an_english_session_gets_gtk_in_chinese() {
    if std::env::var_os("DISPLAY").is_none() {
        panic!("no display: run under xvfb-run (scripts/test.sh does)");
    }
    let locales = Command::new("locale").arg("-a").output().unwrap();
    assert!(
        String::from_utf8_lossy(&locales.stdout)
            .lines()
            .any(|l| l.eq_ignore_ascii_case("zh_CN.utf8")),
        "the zh_CN.UTF-8 locale is missing: run scripts/install-deps.sh"
    );
    let profile = tempfile::tempdir().unwrap();
    let mut app = Command::new(APP)
        .arg("--profile")
        .arg(profile.path())
        // A service account's session: C.UTF-8 everywhere, nothing Chinese.
        .env_remove("LANGUAGE")
        .env_remove("LC_MESSAGES")
        .env_remove("TAURI_WEBVIEW_AUTOMATION")
        .env("LC_ALL", "C.UTF-8")
        .env("LANG", "C.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = app.id();
    let gtk = "/usr/share/locale/zh_CN/LC_MESSAGES/gtk30.mo";
    let deadline = Instant::now() + Duration::from_secs(60);
    while !mapped(pid, gtk) && Instant::now() < deadline {
        if let Ok(Some(status)) = app.try_wait() {
            panic!("the app ended early: {status}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let env = environ(pid);
    let loaded = mapped(pid, gtk);
    let _ = app.kill();
    let _ = app.wait();
    for want in [
        "LC_MESSAGES=zh_CN.utf8",
        "LANGUAGE=zh_CN:zh",
        "LANG=C.UTF-8",
        "WEBKIT_DISABLE_COMPOSITING_MODE=1",
        "MALLOC_ARENA_MAX=2",
    ] {
        assert!(env.iter().any(|v| v == want), "{want} in {env:?}");
    }
    // LC_ALL would have overridden the messages: it became LANG.
    assert!(!env.iter().any(|v| v.starts_with("LC_ALL=")), "{env:?}");
    assert!(loaded, "GTK did not load its Chinese translations ({gtk})");
}

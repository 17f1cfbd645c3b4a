//! End to end: the real desktop app (this package's `permitdesk-desktop` binary) in a real window
//! under Xvfb, driven through WebDriver (tauri-driver + WebKitWebDriver), against a real
//! `permitdesk server run` process.
//!
//! The applicant fills and submits an application while the server is down (queued), the
//! server comes back and it syncs; the window operator receives and accepts it and the receipt
//! opens in the preview; four reviewers sign it off, one level each (the first also pauses
//! and resumes it), and the last completes it with an e-certificate; the applicant sees the certificate. The reform office
//! opens 参考数据 and previews next year's holiday table (a dry run). A PNG of each main screen
//! is written to `target/e2e-screens/` (README: "Screens").
//!
//! Needs: `tauri-driver` (cargo install tauri-driver), `WebKitWebDriver` (webkit2gtk-driver),
//! a display (scripts/test.sh runs the tests under `xvfb-run`), and the `permitdesk` binary
//! beside this one (built by `cargo test --workspace`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::*;

/// One desktop app (one PC) in a WebDriver session.
struct Desk {
    c: Client,
    name: &'static str,
}

const WAIT: Duration = Duration::from_secs(30);

impl Desk {
    async fn open(driver: &Driver, name: &'static str, profile: &Path) -> Desk {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({"application": APP, "args": ["--profile", profile.to_str().unwrap()]}),
        );
        let c = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("WebDriver session for {name}: {e}"));
        Desk { c, name }
    }

    async fn find(&self, id: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&tid(id)))
            .await
            .unwrap_or_else(|e| panic!("[{}] no element {id}: {e}", self.name))
    }

    async fn find_css(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("[{}] no element {css}: {e}", self.name))
    }

    async fn click(&self, id: &str) {
        self.click_css(&tid(id)).await;
    }

    /// Click once the element is displayed and enabled (retrying while a dialog animates).
    async fn click_css(&self, css: &str) {
        let until = Instant::now() + WAIT;
        loop {
            let e = self.find_css(css).await;
            // A disabled button is one WebDriver may still "click": check `disabled` itself.
            let disabled = e.attr("disabled").await.ok().flatten().is_some()
                || e.attr("aria-disabled").await.ok().flatten().as_deref() == Some("true");
            if !disabled && e.click().await.is_ok() {
                return;
            }
            if Instant::now() >= until {
                self.failure_shot().await;
                panic!("[{}] cannot click {css}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Type into an input, replacing what is there (WebDriver `clear` does not reach v-model).
    async fn fill(&self, id: &str, text: &str) {
        let e = self.find(id).await;
        e.click().await.unwrap();
        e.send_keys("\u{E009}a").await.unwrap(); // Ctrl+A
        e.send_keys("\u{E003}").await.unwrap(); // Backspace
        e.send_keys(text).await.unwrap();
    }

    async fn file(&self, id: &str, path: &Path) {
        let e = self.find(id).await;
        e.send_keys(path.to_str().unwrap()).await.unwrap();
    }

    async fn attr(&self, id: &str, name: &str) -> Option<String> {
        self.find(id).await.attr(name).await.unwrap()
    }

    /// Wait until `check` holds for the attribute `name` of `id`.
    async fn wait_attr(&self, id: &str, name: &str, check: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.c.find(Locator::Css(&tid(id))).await
                && let Ok(Some(v)) = e.attr(name).await
                && check(&v)
            {
                return v;
            }
            assert!(
                Instant::now() < until,
                "[{}] {id}[{name}] never matched; now {:?}",
                self.name,
                self.attr(id, name).await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn wait_text(&self, id: &str, needle: &str) -> String {
        let until = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.c.find(Locator::Css(&tid(id))).await
                && let Ok(t) = e.text().await
                && t.contains(needle)
            {
                return t;
            }
            assert!(
                Instant::now() < until,
                "[{}] {id} never said {needle:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// What the window showed when a step failed, for the person reading the failure.
    async fn failure_shot(&self) {
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(screens_dir().join(format!("FAILED-{}.png", self.name)), png);
        }
    }

    async fn shot(&self, name: &str) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(screens_dir().join(format!("{name}.png")), png).unwrap();
    }

    async fn login(&self, url: &str, fp: &str, user: &str, password: &str) {
        self.fill("login-server", url).await;
        self.fill("login-fingerprint", fp).await;
        self.fill("login-user", user).await;
        self.fill("login-password", password).await;
        self.click("login-submit").await;
        self.find("header-user").await;
        self.find("status-bar").await;
    }

    /// Run an action of the case page; with a dialog, `fill` fills it before the confirmation.
    async fn act(&self, key: &str, dialog: bool) {
        self.click(&format!("case-action-{key}")).await;
        if dialog {
            self.click("act-confirm").await;
        }
    }

    async fn close(self) {
        self.c.close().await.unwrap();
    }
}

fn write_pdf(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("%PDF-1.4\n% {name}\n%%EOF\n")).unwrap();
    p
}

/// The desktop tests run one at a time: each drives its own app window, server and
/// tauri-driver, and two at once on a small machine only make both slow.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Run one desktop test body on its own runtime, after any other desktop test has finished.
fn serially(body: impl std::future::Future<Output = ()>) {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(body);
}

#[test]
fn a_case_from_offline_application_to_e_certificate_in_the_real_desktop_app() {
    serially(a_case_from_offline_application_to_e_certificate());
}

async fn a_case_from_offline_application_to_e_certificate() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the desktop end-to-end test needs a display: run it under xvfb-run (scripts/test.sh does)"
    );
    // Both rustls back ends are linked (fantoccini's and the client's): pick one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    ok(&["--json", "server", "init", "--data", d]);
    let users = ok(&["--json", "demo", "seed", "--data", d]);
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
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let (server, url, fp) = Server::start(&data, &listen);

    // The project is registered and its flow chosen headless (the CLI is the same client).
    let prof = |n: &str| tmp.path().join(n);
    let login_cli = |profile: &Path, user: &str| {
        let out = run(
            &[
                "--profile",
                profile.to_str().unwrap(),
                "login",
                "--server",
                &url,
                "--fingerprint",
                &fp,
                "--user",
                user,
                "--password-stdin",
            ],
            Some(&format!("{}\n", password(user))),
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    };
    let (app_cli, win_cli) = (prof("applicant-cli"), prof("window-cli"));
    login_cli(&app_cli, "applicant");
    login_cli(&win_cli, "window");
    let pa = app_cli.to_str().unwrap();
    let pw = win_cli.to_str().unwrap();
    let org = ok(&["--profile", pa, "--json", "status"])["user"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = ok(&[
        "--profile",
        pa,
        "--json",
        "project",
        "register",
        "--code",
        "2026-230109-48-01-512346",
        "--name",
        "松北区示范学校教学楼",
        "--builder",
        "哈尔滨示范建设有限公司",
        "--credit-code",
        &org,
        "--category",
        "SH-CF",
        "--address",
        "哈尔滨市松北区世纪大道 99 号",
        "--district",
        "230109",
        "--investment-wan",
        "8600",
        "--land-area",
        "26000",
        "--building-area",
        "18000",
        "--contact",
        "张建设,13812345678,liaison",
    ]);
    let project = reg["created"][0].as_str().unwrap().to_owned();
    ok(&["--profile", pa, "--json", "project", "submit", &project]);
    ok(&["--profile", pw, "--json", "sync"]);
    ok(&[
        "--profile",
        pw,
        "--json",
        "project",
        "choose-flow",
        &project,
        "--flow",
        "LC-SH-CF",
    ]);
    ok(&[
        "--profile",
        pw,
        "--json",
        "project",
        "add-works",
        &project,
        "--works-id",
        "W-1",
        "--name",
        "1 号教学楼",
        "--area",
        "18000",
    ]);

    let driver = Driver::start();
    let files = tmp.path();
    let stamped = write_pdf(files, "盖章申请表.pdf");

    // ---- Applicant: logs in online, then the server goes away; applies offline.
    let applicant = Desk::open(&driver, "applicant", &prof("applicant-pc")).await;
    applicant.find("login-server").await;
    applicant.shot("01-login").await;
    applicant
        .login(&url, &fp, "applicant", &password("applicant"))
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "true")
        .await;
    applicant.click("menu-projects").await;
    applicant
        .find_css(&format!(
            "[data-testid=\"project-row\"][data-project=\"{project}\"]"
        ))
        .await;
    applicant.shot("02-applicant-projects").await;
    server.stop();

    applicant.click("menu-apply").await;
    applicant.click("apply-project").await;
    applicant.click(&format!("apply-project-{project}")).await;
    applicant.click("apply-works").await;
    applicant.click("apply-works-W-1").await;
    applicant.click("apply-item-ZGJ-04").await;
    applicant.fill("apply-form-contact", "张建设").await;
    applicant.fill("apply-form-phone", "13812345678").await;
    // Every required material of the item, each its own file.
    let rows = applicant
        .c
        .find_all(Locator::Css("[data-testid=\"apply-material\"]"))
        .await
        .unwrap();
    assert!(!rows.is_empty(), "the item asks for materials");
    for row in rows {
        let name = row.attr("data-material").await.unwrap().unwrap();
        let index = row.attr("data-index").await.unwrap().unwrap();
        if row.text().await.unwrap().contains("必") {
            let file = write_pdf(files, &format!("{name}.pdf"));
            applicant
                .file(&format!("apply-material-file-{index}"), &file)
                .await;
        }
    }
    applicant.shot("03-applicant-application").await;
    applicant.click("apply-print").await;
    applicant
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    applicant.shot("04-application-form-preview").await;
    applicant
        .c
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap(); // Esc
    applicant.file("apply-stamped-file", &stamped).await;
    applicant.click("apply-submit").await;
    applicant.wait_text("apply-result-info", "离线").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v != "0")
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "false")
        .await;
    applicant.shot("05-applicant-offline-queued").await;

    // The server is back on the same data and port: the queued work goes through.
    let (_server, _, _) = Server::start(&data, &listen);
    applicant.click("status-sync").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "true")
        .await;
    applicant.close().await;

    // ---- Window operator: receives and accepts; the receipt opens in the preview.
    let window = Desk::open(&driver, "window", &prof("window-pc")).await;
    window.login(&url, &fp, "window", &password("window")).await;
    window.click("menu-intake").await;
    let row = window.find_css("[data-testid=\"queue-row\"]").await;
    let case = row.attr("data-case").await.unwrap().unwrap();
    window.shot("06-window-intake-queue").await;
    row.click().await.unwrap();
    window.find("case-page").await;
    window.act("receive", false).await;
    window
        .wait_attr("case-state", "data-state", |v| v == "received")
        .await;
    window.act("accept", false).await;
    window
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    window.shot("07-acceptance-receipt").await;
    window
        .c
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    window
        .wait_attr("case-state", "data-state", |v| v == "in_review")
        .await;
    window
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    window.close().await;

    // ---- Reviewers: the first level, a pause and resume; the others sign their own level and
    // the last completes with the certificate.
    let reviewer = Desk::open(&driver, "reviewer", &prof("reviewer-pc")).await;
    reviewer
        .login(&url, &fp, "reviewer-zgj-1", &password("reviewer-zgj-1"))
        .await;
    reviewer.click("menu-queue").await;
    reviewer
        .click_css(&format!(
            "[data-testid=\"queue-row\"][data-case=\"{case}\"]"
        ))
        .await;
    reviewer.find("case-page").await;
    reviewer.find("case-deadline").await;
    reviewer.shot("08-reviewer-case").await;
    reviewer.fill("case-opinion", "材料齐全，同意受理").await;
    reviewer.act("sign_off", false).await;
    reviewer.wait_text("case-act-info", "").await;

    reviewer.click("case-action-pause").await;
    reviewer
        .fill("act-point-material-0", "建设工程规划许可申请表")
        .await;
    reviewer
        .fill("act-point-reason-0", "总平面图比例尺与申请表不一致")
        .await;
    reviewer.click("act-confirm").await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "paused")
        .await;
    reviewer.find("case-clock-explanation").await;
    reviewer.shot("09-reviewer-paused-clock").await;
    reviewer.act("resume", false).await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "in_review")
        .await;

    reviewer
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    reviewer.close().await;

    // The next levels, one person per level (层级权限 from the directory): reviewer-zgj-2..4,
    // each on their own PC; the last one completes the case.
    let mut reviewer = None;
    for (i, name) in [(2, "reviewer-2"), (3, "reviewer-3"), (4, "reviewer-4")] {
        let r = Desk::open(&driver, name, &prof(&format!("reviewer-pc-{i}"))).await;
        let user = format!("reviewer-zgj-{i}");
        r.login(&url, &fp, &user, &password(&user)).await;
        r.click("menu-queue").await;
        r.click_css(&format!(
            "[data-testid=\"queue-row\"][data-case=\"{case}\"]"
        ))
        .await;
        r.find("case-page").await;
        r.act("sign_off", false).await;
        r.wait_attr("status-pending", "data-count", |v| v == "0")
            .await;
        match i {
            4 => reviewer = Some(r),
            _ => r.close().await,
        }
    }
    let reviewer = reviewer.unwrap();
    reviewer.click("case-action-complete_granted").await;
    // No number to type: the server assigns it (issue 14).
    reviewer.fill("act-cert-name", "建设工程规划许可证").await;
    reviewer.click("act-confirm").await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "granted")
        .await;
    reviewer
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    reviewer.shot("10-reviewer-completed").await;
    reviewer.close().await;

    // ---- Applicant: sees the e-certificate.
    let applicant = Desk::open(&driver, "applicant", &prof("applicant-pc")).await;
    applicant.find("header-user").await;
    applicant.click("status-sync").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant.click("menu-projects").await;
    applicant
        .click_css(&format!(
            "[data-testid=\"project-row\"][data-project=\"{project}\"]"
        ))
        .await;
    applicant
        .click_css(&format!(
            "[data-testid=\"project-case-row\"][data-case=\"{case}\"]"
        ))
        .await;
    applicant
        .wait_attr("case-state", "data-state", |v| v == "granted")
        .await;
    applicant.wait_text("case-certificate", "-000001").await;
    applicant.shot("11-applicant-certificate").await;
    applicant.click("case-download-cert").await;
    applicant
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    applicant.shot("12-e-certificate").await;
    applicant.close().await;

    // The server holds the whole, verified trail of the case.
    let trail = ok(&["--profile", pa, "--json", "sync"]);
    assert!(trail.is_object());
    let shown = ok(&["--profile", pa, "--json", "case", "show", &case]);
    assert_eq!(shown["state"], "granted");
    assert_eq!(shown["sign_offs"].as_array().unwrap().len(), 4, "{shown}");
    assert_eq!(shown["pauses"].as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown["sign_offs"][0]["opinion"], "材料齐全，同意受理");
    let verified = ok(&["--profile", pa, "--json", "trail", &case, "--verify"]);
    assert_eq!(verified["broken"], Value::Null);
}

#[test]
fn a_long_offline_spell_in_the_real_desktop_app() {
    serially(a_long_offline_spell());
}

/// Issue 15 item 8: the applicant's PC was offline for eight days with a project registered and
/// submitted. Its first sync meets an expired login (401): the status bar asks for a new login
/// and the queue stays; after it the server sends both actions back as past the offline limit;
/// the refusal dialog lists them together and 重新确认并提交 sends them again, each applied
/// once. The server runs in this process, on a clock the test moves. Saves `login-expired.png`,
/// `expired-actions.png` and `expired-reconfirmed.png`.
async fn a_long_offline_spell() {
    use permitdesk_client::clock::{Clock, ManualClock};
    use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestOptions, TestServer};
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the desktop end-to-end test needs a display: run it under xvfb-run (scripts/test.sh does)"
    );
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let clock = std::sync::Arc::new(ManualClock::new(chrono::Utc::now()));
    let server = TestServer::start_with(
        Backend::from_env(),
        TestOptions {
            clock: clock.clone(),
            ..TestOptions::default()
        },
    )
    .await
    .unwrap();
    let (url, fp) = (server.base_url.clone(), server.fingerprint.clone());
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("applicant-pc");
    let p = profile.to_str().unwrap();
    // Queued headless in the app's own profile (the CLI is the same client, same keyring).
    let out = run(
        &[
            "--profile",
            p,
            "login",
            "--server",
            &url,
            "--fingerprint",
            &fp,
            "--user",
            "applicant",
            "--password-stdin",
        ],
        Some(&format!("{DEMO_PASSWORD}\n")),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    ok(&["--profile", p, "--json", "sync"]);
    let org = ok(&["--profile", p, "--json", "status"])["user"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = ok(&[
        "--profile",
        p,
        "--json",
        "project",
        "register",
        "--offline",
        "--code",
        "2024-230102-48-01-123456",
        "--name",
        "离线八天的厂房",
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
    ok(&[
        "--profile",
        p,
        "--json",
        "project",
        "submit",
        &project,
        "--offline",
    ]);
    clock.advance(chrono::Duration::days(8));

    let driver = Driver::start();
    let desk = Desk::open(&driver, "applicant", &profile).await;
    // The first sync: 401. Nothing is lost; a new login is asked for: in the status bar, or on
    // the login page when the sync answered before the window opened.
    let asked = desk
        .find_css(&format!(
            "{}, {}",
            tid("status-relogin"),
            tid("login-expired-notice")
        ))
        .await;
    if asked.attr("data-testid").await.unwrap().as_deref() == Some("status-relogin") {
        desk.wait_text("status-message", "登录已过期").await;
        assert_eq!(
            desk.attr("status-pending", "data-count").await.as_deref(),
            Some("2")
        );
        desk.shot("login-expired-status").await;
        desk.click("status-relogin").await;
    }
    desk.wait_text("login-expired-notice", "2 条操作已保留")
        .await;
    desk.shot("login-expired").await;
    desk.login(&url, &fp, "applicant", DEMO_PASSWORD).await;
    // After the login the push resumes: both come back, past the offline limit.
    desk.wait_attr("status-refusals", "data-count", |v| v == "2")
        .await;
    desk.click("status-refusals").await;
    desk.find("expired-panel").await;
    desk.wait_text("expired-panel", "离线八天的厂房").await;
    desk.shot("expired-actions").await;
    desk.click("expired-reconfirm").await;
    desk.wait_text("expired-done", "已重新确认并提交 2 项")
        .await;
    desk.wait_attr("status-refusals", "data-count", |v| v == "0")
        .await;
    desk.shot("expired-reconfirmed").await;
    let key = format!("project:{project}");
    let until = Instant::now() + WAIT;
    loop {
        let n = server.state.store.entity_events(&key).await.unwrap().len();
        if n == 2 {
            break;
        }
        assert!(n < 2, "each action once: {n} events");
        assert!(
            Instant::now() < until,
            "the confirmed actions never arrived"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(clock.now() > chrono::Utc::now());
    desk.close().await;
}

#[test]
fn the_reform_office_previews_next_years_holiday_table_in_the_real_desktop_app() {
    serially(the_reform_office_previews_next_years_holiday_table());
}

/// 参考数据 (issue 11): the reform office sees the four kinds with their versions and the
/// calendar years, picks next year's holiday table and previews the import (预览变更 is a dry
/// run: nothing changes on the server). Saves `reference.png`.
async fn the_reform_office_previews_next_years_holiday_table() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the desktop end-to-end test needs a display: run it under xvfb-run (scripts/test.sh does)"
    );
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    ok(&["--json", "server", "init", "--data", d]);
    let users = ok(&["--json", "demo", "seed", "--data", d]);
    let password = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "reform")
        .unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let listen = format!("127.0.0.1:{}", free_port());
    let (_server, url, fp) = Server::start(&data, &listen);
    let driver = Driver::start();
    let reform = Desk::open(&driver, "reform", &tmp.path().join("reform-pc")).await;
    reform.login(&url, &fp, "reform", &password).await;
    reform.click("menu-reference").await;
    reform.find("reference-table").await;
    let years = reform
        .wait_attr("reference-years", "data-years", |v| v.contains("2026"))
        .await;
    assert!(!years.contains("2027"), "no 2027 table yet: {years}");
    let table_2027 = tmp.path().join("holidays-2027.toml");
    std::fs::write(
        &table_2027,
        "[[year]]\nyear = 2027\nholidays = [ { name = \"元旦\", from = 2027-01-01 } ]\n",
    )
    .unwrap();
    reform.file("reference-file", &table_2027).await;
    reform.find("reference-file-name").await;
    reform.click("reference-dry-run").await;
    reform.wait_text("reference-changes", "2027").await;
    reform.shot("reference").await;
    // A dry run changes nothing: the calendar still ends in 2026.
    reform.click("menu-overview").await;
    reform.click("menu-reference").await;
    let years = reform
        .wait_attr("reference-years", "data-years", |v| v.contains("2026"))
        .await;
    assert!(
        !years.contains("2027"),
        "a dry run imported nothing: {years}"
    );
    reform.close().await;
}

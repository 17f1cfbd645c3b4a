//! End to end: the real desktop app (this package's `permitdesk-desktop` binary) in a real window
//! under Xvfb, driven through WebDriver (tauri-driver + WebKitWebDriver), against a real
//! `permitdesk server run` process.
//!
//! The seed's whole story, every step in the app, each person on a blank profile of their own:
//! the applicant registers the project and submits it; the window operator chooses its flow and
//! adds the works; the applicant applies while the server is down (queued) and it syncs when the
//! server is back; the window receives and accepts it and the receipt opens in the preview; four
//! reviewers of one department sign it off, one level each (the first, told by a desk alert that
//! it waits, also pauses and resumes it), and the last completes it with an e-certificate; the
//! applicant saves the signed certificate with 另存为 and rates the case. The reform office opens
//! 参考数据 and previews next year's holiday table (a dry run); an applicant's PC comes back after
//! eight days offline. A numbered PNG of each step is written to `target/e2e-screens/` (README:
//! "Screens"), and the text of each screen goes through the screen-text check
//! (`support::screen_text_problems`: no internal ids, hashes, internal names or English).
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
/// How long opening or closing an app (a WebDriver session) may take.
const SESSION_WAIT: Duration = Duration::from_secs(60);

impl Desk {
    async fn open(driver: &Driver, name: &'static str, profile: &Path) -> Desk {
        let started = Instant::now();
        // WebKitWebDriver has been seen to never answer a new session (once in a dozen runs):
        // a bounded wait, then one more try, rather than a test that hangs until CI kills it.
        for attempt in 1..=2 {
            let mut caps = serde_json::Map::new();
            caps.insert("browserName".into(), json!("wry"));
            caps.insert(
                "tauri:options".into(),
                json!({"application": APP, "args": ["--profile", profile.to_str().unwrap()]}),
            );
            let url = format!("http://127.0.0.1:{}", driver.port);
            let mut builder = ClientBuilder::rustls().unwrap();
            builder.capabilities(caps);
            let connect = builder.connect(&url);
            match tokio::time::timeout(SESSION_WAIT, connect).await {
                Ok(Ok(c)) => {
                    eprintln!("[{name}] app open in {:?}", started.elapsed());
                    return Desk { c, name };
                }
                Ok(Err(e)) => panic!("WebDriver session for {name}: {e}"),
                Err(_) => eprintln!(
                    "[{name}] no WebDriver session after {SESSION_WAIT:?} (attempt {attempt})"
                ),
            }
        }
        panic!("[{name}] WebDriver never opened the app (tauri-driver / WebKitWebDriver hung)");
    }

    async fn find(&self, id: &str) -> Element {
        self.find_css(&tid(id)).await
    }

    async fn find_css(&self, css: &str) -> Element {
        match self
            .c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                self.failure_shot().await;
                panic!("[{}] no element {css}: {e}", self.name)
            }
        }
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
        // Retried while something passes over it (a closing dialog, a notice).
        let until = Instant::now() + WAIT;
        while let Err(err) = e.click().await {
            if Instant::now() >= until {
                self.failure_shot().await;
                panic!("[{}] cannot click {id} to type: {err}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        e.send_keys("\u{E009}a").await.unwrap(); // Ctrl+A
        e.send_keys("\u{E003}").await.unwrap(); // Backspace
        e.send_keys(text).await.unwrap();
    }

    /// Hand a file to a `<FilePick>`'s hidden file input, as the file chooser would, and wait
    /// until the page shows its name.
    async fn file(&self, id: &str, path: &Path) {
        // WebKitWebDriver hands a file input its path by clicking it (the chooser it opens is
        // answered by the driver): FilePick's hidden input keeps taking clicks for that.
        let e = self.find(id).await;
        e.send_keys(path.to_str().unwrap()).await.unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        self.wait_text(&format!("{id}-name"), name).await;
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
            if Instant::now() >= until {
                self.failure_shot().await;
                panic!(
                    "[{}] {id}[{name}] never matched; now {:?}",
                    self.name,
                    self.attr(id, name).await
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn wait_text(&self, id: &str, needle: &str) -> String {
        self.wait_css_text(&tid(id), needle).await
    }

    /// What the window showed when a step failed, for the person reading the failure.
    async fn failure_shot(&self) {
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(screens_dir().join(format!("FAILED-{}.png", self.name)), png);
        }
        if let Ok(text) = self
            .c
            .execute("return document.body.innerText", vec![])
            .await
        {
            let _ = std::fs::write(
                screens_dir().join(format!("FAILED-{}.txt", self.name)),
                text.as_str().unwrap_or_default(),
            );
        }
    }

    /// Save a PNG of the window as `target/e2e-screens/{name}.png` and run the screen-text
    /// check on what it shows (problems are gathered and reported by [`story_verdict`]).
    async fn shot(&self, name: &str) {
        self.shot_with(name, &[]).await;
    }

    /// [`Desk::shot`], with strings the user chose (a path) left out of the screen-text check.
    async fn shot_with(&self, name: &str, user_data: &[&str]) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(screens_dir().join(format!("{name}.png")), png).unwrap();
        // What is shown: the text, and the hints in the empty fields (placeholders).
        let text = self
            .c
            .execute(
                "return document.body.innerText + '\\n' + Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]')).filter((e) => e.offsetParent !== null && !e.value).map((e) => e.placeholder).join('\\n')",
                vec![],
            )
            .await
            .unwrap();
        for p in screen_text_problems(text.as_str().unwrap_or_default(), user_data) {
            record(format!("{p} [{name}]"));
        }
    }

    /// Choose an option of an Element Plus select: open it, click the option.
    async fn pick(&self, select: &str, option: &str) {
        self.click(select).await;
        self.click(option).await;
    }

    /// Scroll the page so that `id` is in the middle of the window (for the screenshot).
    async fn scroll_to(&self, id: &str) {
        let e = self.find(id).await;
        self.c
            .execute(
                "arguments[0].scrollIntoView({ block: 'center' })",
                vec![serde_json::to_value(&e).unwrap()],
            )
            .await
            .unwrap();
    }

    /// Esc to the focused element (closes a dialog or the preview).
    async fn escape(&self) {
        self.c
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{E00C}")
            .await
            .unwrap();
    }

    /// Wait until an element matching `css` says `needle` (its `innerText`: what is shown).
    async fn wait_css_text(&self, css: &str, needle: &str) -> String {
        let until = Instant::now() + WAIT;
        loop {
            if let Ok(v) = self
                .c
                .execute(
                    "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)",
                    vec![json!(css)],
                )
                .await
                && let Some(t) = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .find(|t| t.contains(needle))
            {
                return t.to_owned();
            }
            if Instant::now() >= until {
                self.failure_shot().await;
                panic!("[{}] no {css} said {needle:?}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Like [`Desk::wait_css_text`], but what is missing is recorded for [`story_verdict`]
    /// instead of stopping the story: the rest of it still runs and is checked.
    async fn expect_css_text(&self, step: &str, css: &str, needle: &str) {
        let until = Instant::now() + WAIT;
        loop {
            if let Ok(v) = self
                .c
                .execute(
                    "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)",
                    vec![json!(css)],
                )
                .await
                && v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|t| t.contains(needle))
            {
                return;
            }
            if Instant::now() >= until {
                record(format!(
                    "{step}: no {css} said {needle:?} within {WAIT:?} [{}]",
                    self.name
                ));
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Answer the desktop's save dialog (tauri-plugin-dialog's `plugin:dialog|save`, which
    /// WebDriver cannot drive) with `path`, as if the user had chosen it. Only that IPC request
    /// of the page is answered here; every other one goes to the app. Tauri's
    /// `__TAURI_INTERNALS__.invoke` is a non-writable property, so the answer is given one
    /// step lower, where the page sends the request (a `fetch` of `ipc://localhost/<command>`).
    /// The options the page asked the dialog with are kept for [`Desk::save_dialog_requests`].
    async fn answer_save_dialog(&self, path: &Path) {
        let script = r#"
            const path = arguments[0];
            if (!window.__e2eSave) {
                const send = window.fetch.bind(window);
                window.__e2eSave = { path, asked: [] };
                window.fetch = (input, init) => {
                    const url = typeof input === 'string' ? input : input.url;
                    if (decodeURIComponent(url).endsWith('plugin:dialog|save')) {
                        window.__e2eSave.asked.push(init && typeof init.body === 'string' ? init.body : '');
                        return Promise.resolve(new Response(JSON.stringify(window.__e2eSave.path), {
                            headers: { 'Content-Type': 'application/json', 'Tauri-Response': 'ok' },
                        }));
                    }
                    return send(input, init);
                };
            }
            window.__e2eSave.path = path;
            return true;
        "#;
        self.c
            .execute(script, vec![json!(path.to_str().unwrap())])
            .await
            .unwrap();
    }

    /// The options of every save dialog the page asked for since [`Desk::answer_save_dialog`].
    async fn save_dialog_requests(&self) -> Vec<String> {
        let v = self
            .c
            .execute(
                "return window.__e2eSave ? window.__e2eSave.asked : []",
                vec![],
            )
            .await
            .unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect()
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
        match tokio::time::timeout(SESSION_WAIT, self.c.close()).await {
            Ok(r) => r.unwrap(),
            Err(_) => eprintln!(
                "[{}] closing the WebDriver session took over {SESSION_WAIT:?}; going on",
                self.name
            ),
        }
    }
}

/// What the screen-text check found on the screens of the test that runs now, and the other
/// failures a story records without stopping ([`Desk::expect_css_text`]).
static PROBLEMS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn record(problem: String) {
    PROBLEMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(problem);
}

fn screens_reset() {
    PROBLEMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
}

/// Fail with every problem recorded (all screens, not only the first), each once, with the
/// screens it was seen on.
fn story_verdict() {
    let all = std::mem::take(
        &mut *PROBLEMS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    // "what — “where in the text” [screen]": grouped by what, with the first context.
    let mut seen: Vec<(String, String, Vec<String>)> = Vec::new();
    for p in all {
        let (rest, screen) = match p.rsplit_once(" [") {
            Some((r, s)) => (r.to_owned(), s.trim_end_matches(']').to_owned()),
            None => (p, String::new()),
        };
        let (what, context) = match rest.split_once(" — ") {
            Some((w, c)) => (w.to_owned(), c.to_owned()),
            None => (rest, String::new()),
        };
        match seen.iter_mut().find(|(w, _, _)| *w == what) {
            Some((_, _, screens)) if screens.contains(&screen) => {}
            Some((_, _, screens)) => screens.push(screen),
            None => seen.push((what, context, vec![screen])),
        }
    }
    assert!(
        seen.is_empty(),
        "the story found:\n{}",
        seen.iter()
            .map(|(w, c, s)| format!("- {w} {c} (on {})", s.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn pdfsig(path: &Path) -> String {
    let out = std::process::Command::new("pdfsig")
        .arg(path)
        .output()
        .expect("pdfsig (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
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

/// The seed's whole story, every step in the app, each user on their own blank profile (PC):
/// the applicant registers the project (district, category and contact role picked from the
/// server's reference data) and submits it; the window operator opens it, chooses the flow the
/// category offers (the one-time notice opens) and adds the works; the applicant applies while
/// the server is down (queued) and it syncs when the server is back; the window receives and
/// accepts it (the receipt opens); the department's four reviewers, each a different person
/// holding one level, sign it off (the first, greeted by a desk alert about the waiting case,
/// also pauses and resumes it) and the last completes it with an e-certificate; the applicant
/// saves the certificate through 另存为 (a signed PDF pdfsig validates) and rates the case. The
/// CLI only sets the server up and reads the trail at the end. Every step saves a numbered PNG
/// and passes the screen-text check.
async fn a_case_from_offline_application_to_e_certificate() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the desktop end-to-end test needs a display: run it under xvfb-run (scripts/test.sh does)"
    );
    // Both rustls back ends are linked (fantoccini's and the client's): pick one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let started = Instant::now();
    screens_reset();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    ok(&["--json", "server", "init", "--data", d]);
    let users = ok(&["--json", "demo", "seed", "--data", d]);
    let user = |id: &str| -> Value {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap()
            .clone()
    };
    let password = |id: &str| -> String { user(id)["password"].as_str().unwrap().to_owned() };
    // The applicant's 统一社会信用代码: the applicant knows it (the seed's organisation).
    let credit_code = user("applicant")["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let (server, url, fp) = Server::start(&data, &listen);
    let prof = |n: &str| tmp.path().join(n);
    let driver = Driver::start();
    let files = tmp.path();
    let stamped = write_pdf(files, "盖章申请表.pdf");

    // ---- Applicant, on a blank profile: logs in and registers the project in the app.
    let applicant = Desk::open(&driver, "applicant", &prof("applicant-pc")).await;
    applicant.find("login-server").await;
    applicant.shot("01-login").await;
    applicant
        .login(&url, &fp, "applicant", &password("applicant"))
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "true")
        .await;
    applicant.click("menu-register").await;
    applicant.find("register-page").await;
    applicant
        .fill("register-code", "2026-230109-48-01-512346")
        .await;
    applicant.find("register-code-ok").await;
    applicant
        .fill("register-name", "松北区示范产业园厂房")
        .await;
    applicant.click("register-investment-social").await;
    // The category from the catalogue the server sent (社会投资厂房项目).
    applicant
        .pick("register-category", "register-category-SH-CF")
        .await;
    applicant
        .fill("register-builder", "哈尔滨示范建设有限公司")
        .await;
    applicant.fill("register-credit-code", &credit_code).await;
    applicant.find("register-credit-code-ok").await;
    // The district from the 行政区划 the server serves (松北区, under 哈尔滨市).
    applicant
        .pick("register-district", "register-district-option-230109")
        .await;
    applicant.fill("register-investment-wan", "8600").await;
    applicant.fill("register-land-area", "26000").await;
    applicant.fill("register-building-area", "18000").await;
    applicant
        .fill("register-address", "哈尔滨市松北区世纪大道 99 号")
        .await;
    applicant.fill("register-contact-name-0", "张建设").await;
    applicant
        .fill("register-contact-phone-0", "13812345678")
        .await;
    applicant.find("register-contact-phone-0-ok").await;
    applicant
        .pick("register-contact-role-0", "register-contact-role-0-liaison")
        .await;
    applicant.shot("02-applicant-register-project").await;
    applicant.click("register-submit").await;
    let page = applicant.find("project-page").await;
    let project = page.attr("data-project").await.unwrap().unwrap();
    applicant
        .wait_attr("project-state", "data-state", |v| v == "draft")
        .await;
    applicant.shot("03-applicant-project-registered").await;
    applicant.click("project-submit").await;
    applicant
        .wait_attr("project-state", "data-state", |v| {
            v == "submitted_to_window"
        })
        .await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant.shot("04-applicant-project-submitted").await;
    applicant.close().await;

    // ---- Window operator, on a blank profile: opens the project, chooses the flow, adds the
    // works.
    let window = Desk::open(&driver, "window", &prof("window-pc")).await;
    window.login(&url, &fp, "window", &password("window")).await;
    window.click("menu-projects").await;
    let row = format!("[data-testid=\"project-row\"][data-project=\"{project}\"]");
    window.find_css(&row).await;
    window.shot("05-window-project-check").await;
    window.click_css(&row).await;
    window.find("project-page").await;
    window
        .wait_attr("project-state", "data-state", |v| {
            v == "submitted_to_window"
        })
        .await;
    // The flows of the project's category come first: the usual choice.
    window.click("project-flow").await;
    window
        .click_css("[data-testid^=\"project-flow-\"]:not(.is-disabled)")
        .await;
    window.shot("06-window-choose-flow").await;
    window.click("project-choose-flow").await;
    window
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    window.shot("07-window-one-time-notice").await;
    window.escape().await;
    window
        .wait_attr("project-state", "data-state", |v| v == "flow_chosen")
        .await;
    window.click("project-add-works").await;
    window.fill("works-name", "1 号厂房").await;
    window.fill("works-description", "钢结构单层厂房").await;
    window.fill("works-area", "18000").await;
    window.shot("08-window-add-works").await;
    window.click("works-confirm").await;
    window.wait_text("project-works", "1 号厂房").await;
    window
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    window.shot("09-window-project-ready").await;
    window.close().await;

    // ---- Applicant: the same PC, still logged in; the server goes away and the application
    // is made offline.
    let applicant = Desk::open(&driver, "applicant", &prof("applicant-pc")).await;
    applicant.find("header-user").await;
    applicant.click("status-sync").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant.click("menu-projects").await;
    applicant
        .find_css(&format!(
            "[data-testid=\"project-row\"][data-project=\"{project}\"]"
        ))
        .await;
    applicant
        .wait_text("projects-table", "已选择审批流程")
        .await;
    applicant.shot("10-applicant-projects").await;
    server.stop();

    applicant.click("menu-apply").await;
    applicant
        .pick("apply-project", &format!("apply-project-{project}"))
        .await;
    applicant.pick("apply-works", "apply-works-W-1").await;
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
            // Kept in the profile and chosen for the material (the select names the file).
            applicant
                .wait_text(
                    &format!("apply-material-select-{index}"),
                    &format!("{name}.pdf"),
                )
                .await;
        }
    }
    applicant.scroll_to("apply-materials").await;
    applicant.shot("11-applicant-application").await;
    applicant.click("apply-print").await;
    applicant
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    applicant.shot("12-application-form-preview").await;
    applicant.escape().await;
    applicant.file("apply-stamped-file", &stamped).await;
    applicant
        .wait_text("apply-stamped-select", "盖章申请表.pdf")
        .await;
    applicant.click("apply-submit").await;
    applicant.wait_text("apply-result-info", "离线").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v != "0")
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "false")
        .await;
    applicant.shot("13-applicant-offline-queued").await;

    // The server is back on the same data and port: the queued work goes through.
    let (_server, _, _) = Server::start(&data, &listen);
    applicant.click("status-sync").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant
        .wait_attr("status-online", "data-online", |v| v == "true")
        .await;
    applicant.shot("14-applicant-synced").await;
    applicant.close().await;

    // ---- Window operator: receives and accepts; the receipt opens in the preview.
    let window = Desk::open(&driver, "window", &prof("window-pc")).await;
    window.find("header-user").await;
    window.click("menu-intake").await;
    let row = window.find_css("[data-testid=\"queue-row\"]").await;
    let case = row.attr("data-case").await.unwrap().unwrap();
    window.shot("15-window-intake-queue").await;
    row.click().await.unwrap();
    window.find("case-page").await;
    window.act("receive", false).await;
    window
        .wait_attr("case-state", "data-state", |v| v == "received")
        .await;
    window.shot("16-window-case-received").await;
    window.act("accept", false).await;
    window
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    window.shot("17-acceptance-receipt").await;
    window.escape().await;
    window
        .wait_attr("case-state", "data-state", |v| v == "in_review")
        .await;
    window
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    window.close().await;

    // ---- Reviewers of 市资规局, one person per level (层级权限 from the directory), each on a
    // blank profile. The first is told at login that the case waits, signs level 1, pauses
    // and resumes the clock.
    let reviewer = Desk::open(&driver, "reviewer-1", &prof("reviewer-pc-1")).await;
    reviewer
        .login(&url, &fp, "reviewer-zgj-1", &password("reviewer-zgj-1"))
        .await;
    // 桌面提醒: the first look after the login finds the case in 待办.
    reviewer
        .expect_css_text("18-reviewer-1-desk-alert", ".desk-alert", "待办")
        .await;
    reviewer.shot("18-reviewer-1-desk-alert").await;
    reviewer.click("menu-queue").await;
    let row = format!("[data-testid=\"queue-row\"][data-case=\"{case}\"]");
    reviewer.find_css(&row).await;
    reviewer.shot("19-reviewer-1-queue").await;
    reviewer.click_css(&row).await;
    reviewer.find("case-page").await;
    reviewer.find("case-deadline").await;
    reviewer.fill("case-opinion", "材料齐全，同意受理").await;
    reviewer.shot("20-reviewer-1-case").await;
    reviewer.act("sign_off", false).await;
    reviewer.wait_text("case-act-info", "").await;

    reviewer.click("case-action-pause").await;
    reviewer
        .fill("act-point-material-0", "建设工程规划许可申请表")
        .await;
    reviewer
        .fill("act-point-reason-0", "总平面图比例尺与申请表不一致")
        .await;
    reviewer.shot("21-reviewer-1-pause").await;
    reviewer.click("act-confirm").await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "paused")
        .await;
    reviewer.find("case-clock-explanation").await;
    reviewer.shot("22-reviewer-1-paused-clock").await;
    reviewer.act("resume", false).await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "in_review")
        .await;
    reviewer
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    reviewer.shot("23-reviewer-1-resumed").await;
    reviewer.close().await;

    // The next levels: reviewer-zgj-2..4, each on their own PC; the last one completes.
    let mut reviewer = None;
    for (i, name, shot) in [
        (2, "reviewer-2", "24-reviewer-2-case"),
        (3, "reviewer-3", "25-reviewer-3-case"),
        (4, "reviewer-4", "26-reviewer-4-case"),
    ] {
        let r = Desk::open(&driver, name, &prof(&format!("reviewer-pc-{i}"))).await;
        let user = format!("reviewer-zgj-{i}");
        r.login(&url, &fp, &user, &password(&user)).await;
        r.click("menu-queue").await;
        r.click_css(&row).await;
        r.find("case-page").await;
        r.wait_attr("case-state", "data-state", |v| v == "in_review")
            .await;
        r.shot(shot).await;
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
    reviewer.shot("27-reviewer-4-complete").await;
    reviewer.click("act-confirm").await;
    reviewer
        .wait_attr("case-state", "data-state", |v| v == "granted")
        .await;
    reviewer
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    reviewer.shot("28-reviewer-4-completed").await;
    reviewer.close().await;

    // ---- Applicant: sees the e-certificate, saves it with 另存为 and rates the case.
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
    let certificate = applicant.wait_text("case-certificate", "-000001").await;
    applicant.shot("29-applicant-certificate").await;
    applicant.click("case-download-cert").await;
    applicant
        .wait_attr("doc-preview", "data-state", |v| v == "ready")
        .await;
    applicant.shot("30-e-certificate").await;
    // 另存为 asks the desktop's own save dialog, which WebDriver cannot drive: the page's one
    // IPC request for it answers with a path the user might have typed, without extension.
    let downloads = tmp.path().join("下载");
    std::fs::create_dir_all(&downloads).unwrap();
    let chosen = downloads.join("规划许可证");
    applicant.answer_save_dialog(&chosen).await;
    applicant.click("doc-save").await;
    let info = applicant.wait_text("doc-save-info", "规划许可证").await;
    let saved = downloads.join("规划许可证.pdf");
    applicant
        .shot_with("31-certificate-saved", &[saved.to_str().unwrap()])
        .await;
    assert!(info.contains(saved.to_str().unwrap()), "{info}");
    let asked = applicant.save_dialog_requests().await;
    assert_eq!(asked.len(), 1, "one save dialog: {asked:?}");
    assert!(
        asked[0].contains("电子证照-") && asked[0].contains(".pdf"),
        "the dialog proposes the certificate's own name: {asked:?}"
    );
    assert!(saved.exists(), "the app wrote {}", saved.display());
    assert!(!chosen.exists(), "the extension was added");
    let said = pdfsig(&saved);
    assert!(
        said.contains("Signature Validation: Signature is Valid"),
        "{said}"
    );
    applicant.escape().await;

    // 好差评: 非常满意, one indicator, a comment; shown as rated, then synced.
    applicant.find("rating-box").await;
    applicant.click("rating-level-very_satisfied").await;
    applicant
        .pick(
            "rating-dim-select-efficiency",
            "rating-dim-efficiency-very_satisfied",
        )
        .await;
    applicant
        .fill("rating-comment", "窗口一次告知，审批很快")
        .await;
    applicant.shot("32-applicant-rating").await;
    applicant.click("rating-submit").await;
    applicant
        .wait_attr("rating-box", "data-rated", |v| v == "true")
        .await;
    applicant
        .wait_attr("rating-existing", "data-level", |v| v == "very_satisfied")
        .await;
    applicant.click("status-sync").await;
    applicant
        .wait_attr("status-pending", "data-count", |v| v == "0")
        .await;
    applicant
        .wait_attr("status-refusals", "data-count", |v| v == "0")
        .await;
    applicant.shot("33-applicant-rated").await;
    applicant.close().await;

    // The server holds the whole, verified trail, read by a new headless client.
    let cli = prof("applicant-cli");
    let pa = cli.to_str().unwrap();
    let out = run(
        &[
            "--profile",
            pa,
            "login",
            "--server",
            &url,
            "--fingerprint",
            &fp,
            "--user",
            "applicant",
            "--password-stdin",
        ],
        Some(&format!("{}\n", password("applicant"))),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    ok(&["--profile", pa, "--json", "sync"]);
    let shown = ok(&["--profile", pa, "--json", "project", "show", &project]);
    assert_eq!(shown["project"]["flow"], "LC-SH-CF", "{shown}");
    assert_eq!(shown["project"]["details"]["category"], "SH-CF", "{shown}");
    assert_eq!(
        shown["project"]["details"]["location"]["district"], "230109",
        "{shown}"
    );
    assert_eq!(shown["project"]["works"][0]["name"], "1 号厂房", "{shown}");
    assert_eq!(
        shown["project"]["details"]["contacts"][0]["role"], "liaison",
        "{shown}"
    );
    let shown = ok(&["--profile", pa, "--json", "case", "show", &case]);
    assert_eq!(shown["state"], "granted");
    assert_eq!(shown["sign_offs"].as_array().unwrap().len(), 4, "{shown}");
    assert_eq!(shown["pauses"].as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown["sign_offs"][0]["opinion"], "材料齐全，同意受理");
    let signers: std::collections::BTreeSet<String> = shown["sign_offs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["by"].to_string())
        .collect();
    assert_eq!(signers.len(), 4, "four different people: {shown}");
    let number = shown["decision"]["certificate"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(certificate.contains(&number), "{certificate} / {number}");
    let verified = ok(&["--profile", pa, "--json", "trail", &case, "--verify"]);
    assert_eq!(verified["broken"], Value::Null);
    let ratings = ok(&["--profile", pa, "--json", "rectification", "list"]);
    let rating = ratings
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == format!("case/{case}"))
        .unwrap_or_else(|| panic!("the rating reached the server: {ratings}"));
    assert_eq!(rating["level"], "very_satisfied", "{rating}");
    story_verdict();
    eprintln!("the story took {:?}", started.elapsed());
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
    screens_reset();
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
    story_verdict();
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
    screens_reset();
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
    // The file name is the one the user picked.
    reform.shot_with("reference", &["holidays-2027.toml"]).await;
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
    story_verdict();
}

/// The screen-text check itself (no window): what it allows and what it finds.
#[test]
fn the_screen_text_check_tells_data_from_internal_names() {
    let fine = "办件 2026-ZGJ-000001 证照编号 ZGJ-2026-000001 项目代码 2026-230109-48-01-512346 \
        统一社会信用代码 91230102MA1C4K7P3B 联系电话 13812345678 2026-05-06 14:30 \
        Alt+1 提交 (Ctrl+Enter) 申请表.pdf 受理通知书-2026-ZGJ-000001.pdf 表一 Excel CSV 共 3 页 85%";
    let credit = permitdesk_server::demo::credit_code("MA1C4K7P")
        .unwrap()
        .to_string();
    let fine = fine.replace("91230102MA1C4K7P3B", &credit);
    assert_eq!(screen_text_problems(&fine, &[]), Vec::<String>::new());
    for (bad, what) in [
        ("办件 C-0123456789abcdef 已受理", "internal id"),
        ("项目 P-1a2b3c4d", "internal id"),
        ("工程 W-1", "internal id"),
        ("文件 3f9a0c77d2e1b4a5", "hash"),
        ("文件：bb0f9c41…", "hash"),
        ("状态 in_review", "snake_case"),
        ("事件 case.accepted", "dotted"),
        ("流程 LC-SH-CF", "internal code"),
        ("暂无 Data", "English"),
        ("统一社会信用代码 91230102MA1C4K7P3X", "internal code"),
    ] {
        let found = screen_text_problems(bad, &[]);
        assert!(
            found.len() == 1 && found[0].contains(what),
            "{bad:?}: {found:?}"
        );
    }
    // What the user chose (a path) is theirs to read.
    assert!(
        screen_text_problems(
            "已保存到 /tmp/.tmpAb12/规划许可证.pdf",
            &["/tmp/.tmpAb12/规划许可证.pdf"]
        )
        .is_empty()
    );
}

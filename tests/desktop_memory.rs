//! Memory of the real desktop app (issue 13, item 7 "Memory"): a measurement program, not a
//! test of memory (nothing here asserts a figure). Results go to stdout; BENCHMARKS.md
//! ("Desktop app memory (issue 13)") holds the figures.
//!
//! A real `permitdesk server run` process holds a demo month (`server init`, `demo seed`,
//! `demo month`: about 400 cases in every state). The app is started through WebDriver
//! (tauri-driver + WebKitWebDriver) on a fresh profile, a reviewer logs in and the initial sync
//! runs; then VmRSS (`/proc/PID/status`) and PSS (`/proc/PID/smaps_rollup`) of the app process
//! and of its descendants (WebKitWebProcess, WebKitNetworkProcess) are read. Then the app is
//! used for `PERMITDESK_MEMORY_MINUTES` minutes (default 20): twenty PDF previews of different
//! cases (queue → 全部 → filter → the case → 打印申请表 → the preview renders its pages →
//! Esc), evenly spread, with visits to the queue, statistics (a query), complaints, market,
//! consultations and rectifications between them; memory is read after every fifth preview
//! and at the end.
//!
//! Run: `scripts/measure-memory.sh` (a release app), or by hand
//! `xvfb-run -a -s "-screen 0 1366x768x24" cargo test -p permitdesk-desktop --test
//! desktop_memory -- --ignored --nocapture` (the debug app; needs the debug `permitdesk`
//! beside it: `cargo build -p permitdesk-cli`).
//! `PERMITDESK_MEMORY_APP=PATH` measures that app binary (e.g. target/release/permitdesk-desktop)
//! instead of this test's own; `PERMITDESK_MEMORY_MINUTES=N` (default 20);
//! `PERMITDESK_MEMORY_USER` logs in another demo user (default reviewer-zgj-1);
//! `PERMITDESK_MEMORY_COMPOSITING=1` measures WebKit with GPU compositing (its own default)
//! instead of without, as the app runs outside WebDriver (src-tauri/src/main.rs);
//! `PERMITDESK_PERF_CLI=PATH` takes the `permitdesk` binary (the server) from PATH;
//! `PERMITDESK_MEMORY_SMAPS=DIR` writes each process's `/proc/PID/smaps` at every reading there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const PREVIEWS: usize = 20;
const WAIT: Duration = Duration::from_secs(120);

/// The app binary under test: `PERMITDESK_MEMORY_APP`, else this test's own.
fn app() -> PathBuf {
    let p =
        std::env::var_os("PERMITDESK_MEMORY_APP").map_or_else(|| PathBuf::from(APP), PathBuf::from);
    std::fs::canonicalize(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn minutes() -> f64 {
    std::env::var("PERMITDESK_MEMORY_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0)
}

fn user() -> String {
    std::env::var("PERMITDESK_MEMORY_USER").unwrap_or_else(|_| "reviewer-zgj-1".into())
}

/// `PERMITDESK_MEMORY_COMPOSITING=1`: measure WebKit with GPU compositing (its default), not as
/// the app runs outside WebDriver.
fn compositing() -> bool {
    std::env::var("PERMITDESK_MEMORY_COMPOSITING").is_ok_and(|v| v == "1")
}

// ---- harness ---------------------------------------------------------------------------------

/// tauri-driver (and its WebKitWebDriver), as `support::Driver` starts it, but with the app's
/// rendering as the app chooses it for itself outside WebDriver:
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1` (src-tauri/src/startup.rs leaves the environment alone
/// under WebDriver), unless `PERMITDESK_MEMORY_COMPOSITING=1`, and `MALLOC_ARENA_MAX=2`.
/// Stopped with SIGTERM so that WebKitWebDriver goes too.
struct WebDriver {
    child: Child,
    port: u16,
}

impl WebDriver {
    fn start(compositing: bool) -> WebDriver {
        let port = free_port();
        let native = free_port();
        let exe = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let local = Path::new(&std::env::var("HOME").unwrap_or_default())
                .join(".cargo/bin/tauri-driver");
            if local.exists() {
                local.display().to_string()
            } else {
                "tauri-driver".to_owned()
            }
        });
        let mut command = Command::new(&exe);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if !compositing {
            command.env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
        // The malloc arenas as src-tauri/src/startup.rs sets them outside WebDriver.
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            command.env("MALLOC_ARENA_MAX", "2");
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {exe} (cargo install tauri-driver): {e}"));
        wait_port(port, "tauri-driver");
        WebDriver { child, port }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A new WebDriver session, which spawns the app on `profile`.
async fn session(driver: &WebDriver, app: &Path, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({"application": app, "args": ["--profile", profile.to_str().unwrap()]}),
    );
    let c = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| panic!("WebDriver session: {e}"));
    c.update_timeouts(TimeoutConfiguration::new(
        Some(Duration::from_secs(300)),
        None,
        None,
    ))
    .await
    .unwrap();
    c
}

/// Poll until the element is displayed and enabled.
async fn until_usable(c: &Client, id: &str) {
    let until = Instant::now() + WAIT;
    loop {
        if let Ok(e) = c.find(Locator::Css(&tid(id))).await
            && e.is_displayed().await.unwrap_or(false)
            && e.is_enabled().await.unwrap_or(false)
        {
            return;
        }
        assert!(Instant::now() < until, "{id} never became usable");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Poll until `css` matches a displayed element; false after `within`.
async fn shown(c: &Client, css: &str, within: Duration) -> bool {
    let until = Instant::now() + within;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.is_displayed().await.unwrap_or(false)
        {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Click once the element is there and takes the click (retrying while a dialog animates).
async fn click(c: &Client, css: &str) {
    let until = Instant::now() + WAIT;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.is_displayed().await.unwrap_or(false)
            && e.click().await.is_ok()
        {
            return;
        }
        assert!(Instant::now() < until, "cannot click {css}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Type into an input, replacing what is there.
async fn fill(c: &Client, id: &str, text: &str) {
    let e = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&tid(id)))
        .await
        .unwrap();
    e.click().await.unwrap();
    e.send_keys("\u{E009}a").await.unwrap(); // Ctrl+A
    e.send_keys("\u{E003}").await.unwrap(); // Backspace
    e.send_keys(text).await.unwrap();
}

async fn attr(c: &Client, id: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(&tid(id)))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute_async(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

// ---- processes and memory (after tests/desktop_perf.rs) -------------------------------------

fn stat_of(pid: u32) -> Option<(String, u32)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let name = s[open + 1..close].to_owned();
    let ppid = s[close + 2..].split(' ').nth(1)?.parse().ok()?;
    Some((name, ppid))
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// Every descendant of `root` (not `root` itself).
fn descendants(root: u32) -> Vec<u32> {
    let table: Vec<(u32, u32)> = all_pids()
        .into_iter()
        .filter_map(|p| Some((p, stat_of(p)?.1)))
        .collect();
    let mut out = vec![];
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for &(c, pp) in &table {
            if pp == p && !out.contains(&c) {
                out.push(c);
                frontier.push(c);
            }
        }
    }
    out
}

/// The processes of the app binary under test started by this driver (also when a build
/// replaced the file since: the link then ends in " (deleted)").
fn app_pids(driver: &WebDriver, app: &Path) -> Vec<u32> {
    let deleted = format!("{} (deleted)", app.display());
    descendants(driver.pid())
        .into_iter()
        .filter(|p| {
            std::fs::read_link(format!("/proc/{p}/exe"))
                .is_ok_and(|exe| exe == app || exe.as_os_str() == deleted.as_str())
        })
        .collect()
}

fn kb(file: &str, key: &str) -> Option<u64> {
    file.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One process: VmRSS and PSS, PSS split into anonymous, file-backed and shared memory (KiB).
#[derive(Clone)]
struct Proc {
    pid: u32,
    /// The app process itself (the others are its descendants).
    root: bool,
    name: String,
    rss: u64,
    pss: u64,
    anon: u64,
    file: u64,
    shmem: u64,
}

impl Proc {
    /// What the process is, for the table: app, web, network, or its own name.
    fn kind(&self) -> &str {
        if self.root {
            "app"
        } else if self.name.starts_with("WebKitWebProces") {
            "web"
        } else if self.name.starts_with("WebKitNetworkPr") {
            "network"
        } else {
            &self.name
        }
    }
}

struct Mem {
    label: String,
    rows: Vec<Proc>,
}

impl Mem {
    fn of_app(driver: &WebDriver, app: &Path, label: &str) -> Mem {
        let apps = app_pids(driver, app);
        assert_eq!(apps.len(), 1, "exactly one app process: {apps:?}");
        let mut pids = vec![apps[0]];
        pids.extend(descendants(apps[0]));
        let rows = pids
            .into_iter()
            .filter_map(|p| {
                let status = std::fs::read_to_string(format!("/proc/{p}/status")).ok()?;
                let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok()?;
                Some(Proc {
                    pid: p,
                    root: p == apps[0],
                    name: stat_of(p)?.0,
                    rss: kb(&status, "VmRSS:")?,
                    pss: kb(&rollup, "Pss:")?,
                    anon: kb(&rollup, "Pss_Anon:").unwrap_or(0),
                    file: kb(&rollup, "Pss_File:").unwrap_or(0),
                    shmem: kb(&rollup, "Pss_Shmem:").unwrap_or(0),
                })
            })
            .collect();
        let m = Mem {
            label: label.to_owned(),
            rows,
        };
        m.print();
        // `PERMITDESK_MEMORY_SMAPS=DIR` keeps every process's smaps of every reading there.
        if let Some(dir) = std::env::var_os("PERMITDESK_MEMORY_SMAPS") {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            let tag: String = label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            for r in &m.rows {
                if let Ok(smaps) = std::fs::read_to_string(format!("/proc/{}/smaps", r.pid)) {
                    let file = dir.join(format!("{tag}.{}.{}.smaps", r.kind(), r.pid));
                    std::fs::write(file, smaps).unwrap();
                }
            }
        }
        m
    }

    fn total(&self) -> (u64, u64) {
        (
            self.rows.iter().map(|r| r.rss).sum(),
            self.rows.iter().map(|r| r.pss).sum(),
        )
    }

    /// VmRSS and PSS of the processes of one kind.
    fn of_kind(&self, kind: &str) -> (u64, u64) {
        let rows = self.rows.iter().filter(|r| r.kind() == kind);
        rows.fold((0, 0), |(a, b), r| (a + r.rss, b + r.pss))
    }

    fn print(&self) {
        println!("memory {}:", self.label);
        for r in &self.rows {
            println!(
                "  {:>7} {:<16} VmRSS {:>6.1} MB  PSS {:>6.1} MB (anon {:.1}, file {:.1}, shmem {:.1})",
                r.pid,
                r.name,
                mb(r.rss),
                mb(r.pss),
                mb(r.anon),
                mb(r.file),
                mb(r.shmem)
            );
        }
        let (rss, pss) = self.total();
        println!("  total VmRSS {:.1} MB, PSS {:.1} MB", mb(rss), mb(pss));
    }
}

/// The biggest mappings of a process by PSS (name or [anon], PSS KiB), for the report.
fn top_mappings(pid: u32, n: usize) -> Vec<(String, u64)> {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return vec![];
    };
    let mut by_name: std::collections::BTreeMap<String, u64> = Default::default();
    let mut current = String::new();
    for line in smaps.lines() {
        let mut parts = line.split_whitespace();
        let first = parts.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            // A mapping header: address perms offset dev inode [path].
            let path: Vec<&str> = parts.skip(4).collect();
            current = if path.is_empty() {
                "[anon]".into()
            } else {
                path.join(" ")
            };
        } else if first == "Pss:" {
            let v: u64 = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by_name.entry(current.clone()).or_default() += v;
        }
    }
    let mut v: Vec<(String, u64)> = by_name.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v.truncate(n);
    v
}

fn print_top(mem: &Mem) {
    for r in &mem.rows {
        if r.kind() == "app" || r.kind() == "web" {
            let top = top_mappings(r.pid, 12);
            println!("  biggest mappings of {} ({}) by PSS:", r.name, r.pid);
            for (name, pss) in top {
                println!("    {:>7.1} MB  {name}", mb(pss));
            }
        }
    }
}

async fn wait_app_gone(driver: &WebDriver, app: &Path) {
    let until = Instant::now() + Duration::from_secs(20);
    while !app_pids(driver, app).is_empty() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---- using the app --------------------------------------------------------------------------

/// The pages visited between previews (menu test ids); those not in the user's menu are skipped.
const VISITS: [&str; 6] = [
    "menu-queue",
    "menu-statistics",
    "menu-complaints",
    "menu-market",
    "menu-consultations",
    "menu-rectifications",
];

/// Open a menu page; on 统计分析 run the default query and wait for its answer.
async fn visit(c: &Client, menu: &str) -> bool {
    if c.find(Locator::Css(&tid(menu))).await.is_err() {
        return false;
    }
    click(c, &tid(menu)).await;
    if menu == "menu-statistics" && shown(c, &tid("stats-query"), Duration::from_secs(30)).await {
        click(c, &tid("stats-query")).await;
        // The button shows its spinner while the query runs.
        let until = Instant::now() + WAIT;
        tokio::time::sleep(Duration::from_millis(300)).await;
        while attr(c, "stats-query", "class")
            .await
            .is_some_and(|v| v.contains("is-loading"))
            && Instant::now() < until
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    true
}

/// The cases of the user's 全部 list, as the app holds them: (id, number).
async fn all_cases(c: &Client) -> Vec<(String, String)> {
    let v = js(
        c,
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('queue', {req: {list: 'all'}})
           .then(r => done(r.map(e => [e.case, e.number || ''])))
           .catch(e => done({error: String(e)}));",
    )
    .await;
    assert!(v.get("error").is_none(), "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// From the queue (全部, filtered by the case's number or id) to the case page, then its
/// application form (or certificate) in the preview: wait for the rendered pages, look at
/// them, close with Esc. None when the case offers no paper to preview; else the pages shown
/// and the milliseconds from the click to the rendered preview.
async fn preview_case(c: &Client, id: &str, number: &str, menu_queue: &str) -> Option<(u64, f64)> {
    click(c, &tid(menu_queue)).await;
    if c.find(Locator::Css(&tid("desk-list-all"))).await.is_ok() {
        click(c, &tid("desk-list-all")).await;
    }
    let key = if number.is_empty() { id } else { number };
    fill(c, "queue-filter", key).await;
    let row = format!("[data-testid=\"queue-row\"][data-case=\"{id}\"]");
    if shown(c, &row, Duration::from_secs(20)).await {
        click(c, &row).await;
    } else {
        // Not in this desk's lists (e.g. the window's intake queue): open it by address.
        c.execute(
            &format!(
                "location.hash = '#/cases/' + encodeURIComponent({});",
                json!(id)
            ),
            vec![],
        )
        .await
        .unwrap();
    }
    let page = format!("[data-testid=\"case-page\"][data-case=\"{id}\"]");
    assert!(
        shown(c, &page, WAIT).await,
        "the case page of {id} never showed"
    );
    let mut button = None;
    let until = Instant::now() + Duration::from_secs(15);
    while button.is_none() && Instant::now() < until {
        for b in ["case-form-print", "case-download-cert"] {
            if c.find(Locator::Css(&tid(b))).await.is_ok() {
                button = Some(b);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let button = button?;
    let t0 = Instant::now();
    click(c, &tid(button)).await;
    let until = Instant::now() + WAIT;
    let pages = loop {
        let state = attr(c, "doc-preview", "data-state").await;
        let pages: u64 = attr(c, "doc-preview", "data-pages")
            .await
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if state.as_deref() == Some("error") {
            let why = match c.find(Locator::Css(&tid("doc-preview-error"))).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("the preview of {id} failed: {why}");
        }
        if state.as_deref() == Some("ready") && pages > 0 {
            break pages;
        }
        assert!(Instant::now() < until, "the preview of {id} never rendered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let rendered = t0.elapsed().as_secs_f64() * 1000.0;
    // Look at it (and let the page images be decoded and painted).
    tokio::time::sleep(Duration::from_secs(3)).await;
    c.active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}") // Esc
        .await
        .unwrap();
    let until = Instant::now() + WAIT;
    while shown(c, &tid("doc-preview"), Duration::ZERO).await {
        assert!(Instant::now() < until, "the preview of {id} did not close");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some((pages, rendered))
}

// ---- the measurement ------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement program: run scripts/measure-memory.sh (or -- --ignored --nocapture under xvfb-run)"]
async fn measure_desktop_memory() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "needs a display: run it under xvfb-run"
    );
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let app = app();
    let build = if app == std::fs::canonicalize(APP).unwrap() {
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    } else if app.to_string_lossy().contains("release") {
        "release"
    } else if app.to_string_lossy().contains("debug") {
        "debug"
    } else {
        "as given"
    };
    let total = Duration::from_secs_f64(minutes() * 60.0);
    let who = user();
    let rendering = if compositing() {
        "WebKit's GPU compositing (PERMITDESK_MEMORY_COMPOSITING=1)"
    } else {
        "without GPU compositing, as the app runs itself"
    };
    println!(
        "app {} ({build}, {rendering}); server {}; {} min of use as {who}",
        app.display(),
        std::fs::canonicalize(cli()).unwrap().display(),
        minutes()
    );

    // ---- A server with a demo month.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    ok(&["--json", "server", "init", "--data", d]);
    let users = ok(&["--json", "demo", "seed", "--data", d]);
    let t = Instant::now();
    let month = ok(&["--json", "demo", "month", "--data", d]);
    println!(
        "demo month: {} projects, {} cases in {:.0} s",
        month["projects"],
        month["cases"],
        t.elapsed().as_secs_f64()
    );
    let password = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == who.as_str())
        .unwrap_or_else(|| panic!("no demo user {who}"))["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let listen = format!("127.0.0.1:{}", free_port());
    let (_server, url, fp) = Server::start(&data, &listen);

    // ---- Log in on a fresh profile and wait for the initial sync.
    let driver = WebDriver::start(compositing());
    let profile = tmp.path().join("profile");
    let c = session(&driver, &app, &profile).await;
    until_usable(&c, "login-server").await;
    fill(&c, "login-server", &url).await;
    fill(&c, "login-fingerprint", &fp).await;
    fill(&c, "login-user", &who).await;
    fill(&c, "login-password", &password).await;
    let t_login = Instant::now();
    click(&c, &tid("login-submit")).await;
    until_usable(&c, "header-user").await;
    let mut quiet = 0;
    let until = Instant::now() + Duration::from_secs(600);
    while quiet < 3 {
        let syncing = c
            .find(Locator::Css(
                "[data-testid=\"status-progress\"], [data-testid=\"status-syncing\"]",
            ))
            .await
            .is_ok();
        let last = c
            .find(Locator::Css(&tid("status-last-sync")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        quiet = if !syncing && !last.contains("尚未同步") {
            quiet + 1
        } else {
            0
        };
        assert!(Instant::now() < until, "the initial sync never ended");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "login to the end of the initial sync: {:.1} s",
        t_login.elapsed().as_secs_f64()
    );
    // The user's home page (queue or intake) is shown; let it settle.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut mems = vec![Mem::of_app(&driver, &app, "after login")];
    print_top(&mems[0]);

    // ---- Use it: twenty previews of different cases, evenly spread, other pages between.
    let menu_queue = if c.find(Locator::Css(&tid("menu-queue"))).await.is_ok() {
        "menu-queue"
    } else {
        "menu-intake"
    };
    let cases = all_cases(&c).await;
    println!("{} cases in the 全部 list of {who}", cases.len());
    assert!(!cases.is_empty(), "no cases to preview");
    // Spread over the list (every state), then the rest in order as spares.
    let step = (cases.len() / PREVIEWS).max(1);
    let mut order: Vec<usize> = (0..cases.len()).step_by(step).collect();
    order.extend((0..cases.len()).filter(|i| i % step != 0));
    let mut order = order.into_iter();
    let slot = total / PREVIEWS as u32;
    let start = Instant::now();
    let mut done = 0;
    let mut renders = vec![];
    let mut visits = 0usize;
    let mut next_visit = 0usize;
    while done < PREVIEWS {
        let Some(i) = order.next() else {
            panic!("only {done} of the cases offered a paper to preview");
        };
        let (id, number) = &cases[i];
        let Some((pages, ms)) = preview_case(&c, id, number, menu_queue).await else {
            println!("  {id}: no paper to preview, next case");
            continue;
        };
        done += 1;
        renders.push(ms);
        println!(
            "preview {done} at {:.0} s: {id} ({number}), {pages} page(s), rendered in {ms:.0} ms",
            start.elapsed().as_secs_f64()
        );
        if done % 5 == 0 {
            tokio::time::sleep(Duration::from_secs(3)).await;
            mems.push(Mem::of_app(
                &driver,
                &app,
                &format!("after {done} previews"),
            ));
        }
        // Other pages until this preview's share of the time is used.
        let slot_end = slot * done as u32;
        while start.elapsed() < slot_end {
            let menu = VISITS[next_visit % VISITS.len()];
            next_visit += 1;
            if visit(&c, menu).await {
                visits += 1;
                let left = slot_end.saturating_sub(start.elapsed());
                tokio::time::sleep(left.min(Duration::from_secs(8))).await;
            } else if next_visit > 4 * VISITS.len() && visits == 0 {
                tokio::time::sleep(slot_end.saturating_sub(start.elapsed())).await;
            }
        }
    }
    // Back on the home page, a moment later: the end of the session.
    visit(&c, menu_queue).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let end = Mem::of_app(
        &driver,
        &app,
        &format!(
            "at the end ({:.1} min, {visits} page visits)",
            start.elapsed().as_secs_f64() / 60.0
        ),
    );
    print_top(&end);
    mems.push(end);
    c.close().await.unwrap();
    wait_app_gone(&driver, &app).await;

    // ---- The table.
    renders.sort_by(f64::total_cmp);
    println!(
        "\npreview render (click to pages shown): median {:.0} ms, max {:.0} ms",
        renders[renders.len() / 2],
        renders.last().copied().unwrap_or(0.0)
    );
    println!(
        "\n{build} app, {who}, VmRSS / PSS in MB\n\n| when | app | WebKitWebProcess | WebKitNetworkProcess | total VmRSS | total PSS |\n|---|---|---|---|---|---|"
    );
    for m in &mems {
        let cell = |kind: &str| {
            let (rss, pss) = m.of_kind(kind);
            format!("{:.0} / {:.0}", mb(rss), mb(pss))
        };
        let (rss, pss) = m.total();
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} |",
            m.label,
            cell("app"),
            cell("web"),
            cell("network"),
            mb(rss),
            mb(pss)
        );
    }
    let other: Vec<String> = mems
        .iter()
        .flat_map(|m| m.rows.iter())
        .filter(|r| !["app", "web", "network"].contains(&r.kind()))
        .map(|r| r.name.clone())
        .collect();
    if !other.is_empty() {
        println!("(other processes counted in the totals: {other:?})");
    }
}

//! Performance of the real desktop app (issue 5, "Performance"): a measurement program, not a
//! test of timings (nothing here asserts a duration). Results go to stdout; BENCHMARKS.md
//! ("Desktop app") holds the figures.
//!
//! A real `permitdesk server run` process gets 10,000 cases of ZGJ-04, accepted and in review
//! for department ZGJ, pushed over HTTPS in batches (the pattern of
//! crates/client/benches/initial_sync.rs). The app is driven through WebDriver (tauri-driver +
//! WebKitWebDriver) under Xvfb and measures:
//! 1. cold start: WebDriver new session (spawns the app) until `login-server` is displayed and
//!    enabled (empty profile), and until `header-user` is displayed (logged-in profile);
//! 2. the reviewer queue: `menu-queue` click until the first `queue-row` and until
//!    `queue-list[data-total=10000]`, timed inside the page; scrolling the virtual list page by
//!    page over all 10,000 rows with requestAnimationFrame timestamps;
//! 3. memory: VmRSS and PSS of the app and its WebKit child processes;
//! 4. `save_draft` against `queue` invoke latency from the page, idle and during the initial
//!    sync of the 10,000 cases.
//!
//! Run: `xvfb-run -a -s "-screen 0 1280x800x24" cargo test [--release] -p permitdesk-desktop
//! --test desktop_perf -- --ignored --nocapture` (needs the `permitdesk` binary of the same
//! profile beside the app: `cargo build [--release] -p permitdesk-cli`).
//! `PERMITDESK_PERF_CASES=N` seeds N cases instead of 10,000; `PERMITDESK_PERF_CLI=PATH` takes
//! the `permitdesk` binary (the server) from PATH.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use permitdesk_client::transport::Transport;
use permitdesk_client::transport::http::HttpTransport;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand};
use permitdesk_domain::ids::{AttachmentId, CaseId, CategoryCode, FlowCode, ProjectId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{CommandEnvelope, DomainCommand, LoginRequest, PushRequest};
use permitdesk_server::testing::fixtures;
use serde_json::{Value, json};
mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

const RUNS: usize = 5;

/// How many cases the reviewer's queue holds: 10,000, or `PERMITDESK_PERF_CASES`.
fn cases() -> usize {
    std::env::var("PERMITDESK_PERF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}
const WAIT: Duration = Duration::from_secs(300);

// ---- harness (a copy of the small pieces of desktop_e2e.rs) ---------------------------------

/// A new WebDriver session, which spawns the app on `profile`.
async fn session(driver: &Driver, profile: &Path) -> Client {
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
        .unwrap_or_else(|e| panic!("WebDriver session: {e}"));
    c.update_timeouts(TimeoutConfiguration::new(
        Some(Duration::from_secs(900)),
        None,
        None,
    ))
    .await
    .unwrap();
    c
}

/// Poll (every 5 ms) until the element is displayed and enabled.
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
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn fill(c: &Client, id: &str, text: &str) {
    let e = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&tid(id)))
        .await
        .unwrap();
    e.click().await.unwrap();
    e.send_keys("\u{E009}a").await.unwrap();
    e.send_keys("\u{E003}").await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute_async(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Milliseconds since the page's navigation start, and the navigation entry's DOMContentLoaded
/// and load ends.
async fn page_clock(c: &Client) -> Value {
    c.execute(
        "const n = performance.getEntriesByType('navigation')[0] || {}; \
         return {now: performance.now(), dcl: n.domContentLoadedEventEnd || null, \
         load: n.loadEventEnd || null};",
        vec![],
    )
    .await
    .unwrap()
}

// ---- processes and memory -------------------------------------------------------------------

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

/// The app processes started by this driver.
fn app_pids(driver: &Driver) -> Vec<u32> {
    let app = std::fs::canonicalize(APP).unwrap();
    descendants(driver.pid())
        .into_iter()
        .filter(|p| std::fs::read_link(format!("/proc/{p}/exe")).ok().as_ref() == Some(&app))
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

struct Mem {
    rows: Vec<(u32, String, u64, Option<u64>)>,
}

impl Mem {
    fn of_app(driver: &Driver) -> Mem {
        let apps = app_pids(driver);
        assert_eq!(apps.len(), 1, "exactly one app process: {apps:?}");
        let mut pids = vec![apps[0]];
        pids.extend(descendants(apps[0]));
        let rows = pids
            .into_iter()
            .filter_map(|p| {
                let status = std::fs::read_to_string(format!("/proc/{p}/status")).ok()?;
                let rss = kb(&status, "VmRSS:")?;
                let pss = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup"))
                    .ok()
                    .and_then(|s| kb(&s, "Pss:"));
                Some((p, stat_of(p)?.0, rss, pss))
            })
            .collect();
        Mem { rows }
    }

    fn print(&self, label: &str) {
        println!("memory {label}:");
        for (p, name, rss, pss) in &self.rows {
            println!(
                "  {p:>7} {name:<20} VmRSS {:>7.1} MB  PSS {}",
                *rss as f64 / 1024.0,
                pss.map_or("n/a".to_owned(), |v| format!("{:.1} MB", v as f64 / 1024.0))
            );
        }
        let rss: u64 = self.rows.iter().map(|r| r.2).sum();
        let pss: Option<u64> = self.rows.iter().map(|r| r.3).sum();
        println!(
            "  total VmRSS {:.1} MB, total PSS {}",
            rss as f64 / 1024.0,
            pss.map_or("n/a".to_owned(), |v| format!("{:.1} MB", v as f64 / 1024.0))
        );
    }
}

async fn wait_app_gone(driver: &Driver) {
    let until = Instant::now() + Duration::from_secs(20);
    while !app_pids(driver).is_empty() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---- statistics -----------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() as f64 - 1.0) * p).round() as usize;
    s[i]
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MIN, f64::max)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .collect()
}

fn summary(v: &[f64]) -> String {
    if v.is_empty() {
        return "no samples".into();
    }
    format!(
        "n {} median {:.1} p95 {:.1} max {:.1} ms",
        v.len(),
        median(v),
        pct(v, 0.95),
        max(v)
    )
}

// ---- data -----------------------------------------------------------------------------------

struct Pusher<'a> {
    t: &'a HttpTransport,
    token: String,
    client: String,
    next: u64,
    batch: Vec<CommandEnvelope>,
}

impl Pusher<'_> {
    fn new<'a>(t: &'a HttpTransport, user: &str, password: &str) -> Pusher<'a> {
        let token = t
            .login(&LoginRequest {
                user: user.into(),
                password: password.into(),
                client_id: None,
            })
            .unwrap()
            .token;
        Pusher {
            t,
            token,
            client: format!("perf-{user}"),
            next: 1,
            batch: vec![],
        }
    }

    fn add(&mut self, command: DomainCommand) {
        self.batch.push(CommandEnvelope {
            mutation_id: self.next,
            command,
            acted_at: chrono::Utc::now(),
            opinion: None,
            attachments: vec![],
            base_version: 0,
        });
        self.next += 1;
        if self.batch.len() == 1000 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if self.next % 10_000 < 1000 {
            eprintln!("  {} pushed {} commands", self.client, self.next - 1);
        }
        let commands = std::mem::take(&mut self.batch);
        let r = self
            .t
            .push(
                &self.token,
                &PushRequest {
                    reference: Default::default(),
                    client_id: self.client.clone(),
                    commands,
                },
            )
            .unwrap();
        let refused = r.results.iter().find(|x| {
            !matches!(
                x.outcome,
                permitdesk_protocol::CommandOutcome::Applied { .. }
            )
        });
        assert!(refused.is_none(), "seeding refused: {refused:?}");
    }
}

/// 10,000 cases of ZGJ-04 of one project, submitted, received and accepted: in review at ZGJ.
fn seed(url: &str, fp: &str, password: &dyn Fn(&str) -> String, n: usize) {
    let t = HttpTransport::new(url, &ServerTrust::Pinned(fp.to_owned())).unwrap();
    let mut applicant = Pusher::new(&t, "applicant", &password("applicant"));
    let mut window = Pusher::new(&t, "window", &password("window"));
    let form = fixtures::pdf("perf-form");
    let form_id = AttachmentId::new(permitdesk_client::store::sha256_hex(&form));
    t.upload_chunk(&applicant.token, &form_id, 0, form.len() as u64, &form)
        .unwrap();
    let pid = "P-perf";
    let project = |c: ProjectCommand| DomainCommand::Project {
        project: ProjectId::new(pid),
        command: c,
    };
    let details =
        fixtures::project_details("性能测试项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    applicant.add(project(ProjectCommand::RegisterOnline {
        id: ProjectId::new(pid),
        details,
    }));
    applicant.add(project(ProjectCommand::Submit));
    applicant.flush();
    window.add(project(ProjectCommand::ChooseFlow {
        flow: FlowCode::new(fixtures::FLOW),
        category: CategoryCode::new(fixtures::CATEGORY),
    }));
    window.add(project(ProjectCommand::AddWorks {
        works: fixtures::works().unwrap(),
    }));
    window.flush();
    let org = fixtures::builder_org().unwrap();
    let case = |i: usize, c: CaseCommand| DomainCommand::Case {
        case: CaseId::new(format!("C-p{i:05}")),
        command: c,
    };
    for i in 0..n {
        applicant.add(case(i, fixtures::create_case(pid, org.clone())));
        applicant.add(case(
            i,
            CaseCommand::Submit {
                stamped_form: form_id.clone(),
            },
        ));
    }
    applicant.flush();
    let terms = AcceptanceTerms {
        catalogue_version: String::new(),
        time_limit_working_days: 0,
        review_levels: vec![],
    };
    for i in 0..n {
        window.add(case(i, CaseCommand::Receive));
        window.add(case(
            i,
            CaseCommand::Accept {
                terms: terms.clone(),
                commitment_based: false,
            },
        ));
    }
    window.flush();
}

// ---- page scripts ---------------------------------------------------------------------------

/// Click `menu-queue` inside the page; times (ms from the click) of the first `queue-row` in the
/// DOM, of `data-total` reaching the count, and of the next animation frame after both.
const QUEUE_PAINT: &str = r#"
const done = arguments[arguments.length - 1];
const want = String(TOTAL);
const t0 = performance.now();
let first = null, total = null, finished = false;
function check() {
  const now = performance.now();
  if (first === null && document.querySelector('[data-testid="queue-row"]')) first = now - t0;
  const l = document.querySelector('[data-testid="queue-list"]');
  if (total === null && l && l.getAttribute('data-total') === want) total = now - t0;
  if (!finished && first !== null && total !== null) {
    finished = true;
    obs.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() =>
      done({first, total, painted: performance.now() - t0})));
  } else if (!finished && now - t0 > 120000) {
    finished = true;
    obs.disconnect();
    done({first, total, timeout: true});
  }
}
const obs = new MutationObserver(check);
obs.observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-total']});
document.querySelector('[data-testid="menu-queue"]').click();
check();
const tick = () => { if (!finished) { check(); setTimeout(tick, 50); } };
tick();
"#;

/// Scroll the virtual list by `STEP` (px, 0 = one viewport) per animation frame from top to
/// bottom; frame intervals and the script time at each frame's start.
const SCROLL: &str = r#"
const done = arguments[arguments.length - 1];
const el = document.querySelector('[data-testid="queue-list"]');
el.scrollTop = 0;
const step = STEP || el.clientHeight;
const end = el.scrollHeight - el.clientHeight;
const rh = el.scrollHeight / Number(el.getAttribute('data-total'));
const frames = [], work = [];
let last = null, pos = 0, misses = 0;
function frame(ts) {
  if (last !== null) {
    frames.push(ts - last);
    work.push(performance.now() - ts);
    // The rows drawn must be the rows at the scroll position.
    const rows = el.querySelectorAll('[data-testid="queue-row"]');
    const want = Math.floor(el.scrollTop / rh);
    let seen = false;
    rows.forEach(r => { if (Number(r.getAttribute('data-index')) === want) seen = true; });
    if (!seen) misses += 1;
  }
  last = ts;
  if (pos >= end) {
    const idx = Array.from(el.querySelectorAll('[data-testid="queue-row"]'))
      .map(r => Number(r.getAttribute('data-index')));
    done({frames, work, steps: frames.length, step, end, lastIndex: Math.max(...idx), misses,
          rowHeight: rh});
    return;
  }
  pos = Math.min(end, pos + step);
  el.scrollTop = pos;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
"#;

/// `save_draft` and `queue` round trips through the real IPC.
const INVOKES: &str = r#"
const done = arguments[arguments.length - 1];
const inv = window.__TAURI_INTERNALS__.invoke;
(async () => {
  const save = [], queue = [], status = [];
  let len = null;
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await inv('save_draft', {req: {key: 'perf-draft', data: {contact: '张建设', phone: '1381234567' + (i % 10), description: '说明'.repeat(100), i}}});
    save.push(performance.now() - t);
  }
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    len = (await inv('queue')).length;
    queue.push(performance.now() - t);
  }
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await inv('status');
    status.push(performance.now() - t);
  }
  done({save, queue, status, len});
})().catch(e => done({error: String(e)}));
"#;

/// While the status bar says a sync runs: every 100 ms one `save_draft` and, in parallel, one
/// `status` (a read that takes the profile lock); stops when the sync has ended.
const DURING_SYNC: &str = r#"
const done = arguments[arguments.length - 1];
const inv = window.__TAURI_INTERNALS__.invoke;
const syncing = () => !!document.querySelector('[data-testid="status-progress"], [data-testid="status-syncing"]');
(async () => {
  const save = [], reads = [];
  const t0 = performance.now();
  let sawSync = false, i = 0;
  while (performance.now() - t0 < 240000) {
    const s = syncing();
    if (s) sawSync = true;
    if (!s && sawSync) break;
    if (!s && performance.now() - t0 > 20000) break;
    const a = performance.now();
    const r = inv('status').then(() => reads.push(performance.now() - a));
    await inv('save_draft', {req: {key: 'perf-typing', data: {contact: '张建设' + i}}});
    if (s) save.push(performance.now() - a);
    i += 1;
    await new Promise(ok => setTimeout(ok, 100));
  }
  done({save, sawSync, syncMs: performance.now() - t0, readsDone: reads.length, reads});
})().catch(e => done({error: String(e)}));
"#;

// ---- the measurement ------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement program: run with -- --ignored --nocapture under xvfb-run"]
async fn measure_desktop_performance() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "needs a display: run it under xvfb-run"
    );
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "build: {build}; app {APP}; server {}",
        std::fs::canonicalize(cli()).unwrap().display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let d = data.to_str().unwrap();
    ok(&["--json", "server", "init", "--data", d]);
    let users = ok(&["--json", "demo", "seed", "--data", d]);
    let password = move |id: &str| -> String {
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
    let listen = format!("127.0.0.1:{}", free_port());
    let (_server, url, fp) = Server::start(&data, &listen);

    let n = cases();
    let seeding = Instant::now();
    {
        let (url, fp, password) = (url.clone(), fp.clone(), password.clone());
        tokio::task::spawn_blocking(move || seed(&url, &fp, &password, n))
            .await
            .unwrap();
    }
    println!(
        "seeded {n} cases ({} commands) in {:.1} s",
        4 * n + 4,
        seeding.elapsed().as_secs_f64()
    );

    let driver = Driver::start();
    let mut results: Vec<(String, String, String)> = vec![];

    // ---- 1a. Cold start to the login form (empty profile each time).
    let mut login_ready = vec![];
    let mut login_session = vec![];
    let mut login_page = vec![];
    for i in 0..RUNS {
        let profile = tmp.path().join(format!("fresh-{i}"));
        let t0 = Instant::now();
        let c = session(&driver, &profile).await;
        let s = t0.elapsed();
        until_usable(&c, "login-server").await;
        let u = t0.elapsed();
        let pc = page_clock(&c).await;
        println!(
            "cold start (login form) run {i}: session {:.0} ms, usable {:.0} ms, page {pc}",
            ms(s),
            ms(u)
        );
        login_session.push(ms(s));
        login_ready.push(ms(u));
        login_page.push(pc["now"].as_f64().unwrap_or(0.0));
        c.close().await.unwrap();
        wait_app_gone(&driver).await;
    }
    results.push((
        "cold start to usable login form".into(),
        "< 1500 ms".into(),
        format!(
            "median {:.0} ms (runs {:?}); WebDriver session alone {:.0} ms",
            median(&login_ready),
            login_ready.iter().map(|v| v.round()).collect::<Vec<_>>(),
            median(&login_session)
        ),
    ));

    // ---- Log the reviewer in on a fresh profile: the initial sync of the 10,000 cases runs
    // in the background while drafts are saved from the page.
    let reviewer = tmp.path().join("reviewer");
    let c = session(&driver, &reviewer).await;
    until_usable(&c, "login-server").await;
    fill(&c, "login-server", &url).await;
    fill(&c, "login-fingerprint", &fp).await;
    fill(&c, "login-user", "reviewer-zgj-1").await;
    fill(&c, "login-password", &password("reviewer-zgj-1")).await;
    let t_login = Instant::now();
    c.find(Locator::Css(&tid("login-submit")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until_usable(&c, "header-user").await;
    println!("login to header-user: {:.0} ms", ms(t_login.elapsed()));
    let during = js(&c, DURING_SYNC).await;
    assert!(during.get("error").is_none(), "{during}");
    let save_sync = nums(&during["save"]);
    let reads_sync = nums(&during["reads"]);
    println!(
        "initial sync (seen {}) took ~{:.1} s after login; save_draft during it: {}; status reads issued during it: {}",
        during["sawSync"],
        during["syncMs"].as_f64().unwrap_or(0.0) / 1000.0,
        summary(&save_sync),
        summary(&reads_sync)
    );
    results.push((
        format!("save_draft while the initial sync ({n} cases) runs"),
        "never waits for network/disk".into(),
        summary(&save_sync),
    ));
    results.push((
        "a profile read (`status`) issued during that sync".into(),
        "".into(),
        summary(&reads_sync),
    ));
    // The queue holds every case once the sync is done.
    let until = Instant::now() + WAIT;
    loop {
        let v = c
            .execute(
                "const l = document.querySelector('[data-testid=\"queue-list\"]'); return l && l.getAttribute('data-total');",
                vec![],
            )
            .await
            .unwrap();
        if v.as_str() == Some(&n.to_string()) {
            break;
        }
        assert!(Instant::now() < until, "the queue never showed {n}: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    c.close().await.unwrap();
    wait_app_gone(&driver).await;

    // ---- 1b. Cold start of the logged-in profile (the reviewer's home is the queue).
    let mut header_ready = vec![];
    let mut queue_full = vec![];
    for i in 0..RUNS {
        let t0 = Instant::now();
        let c = session(&driver, &reviewer).await;
        until_usable(&c, "header-user").await;
        let h = t0.elapsed();
        let until = Instant::now() + WAIT;
        loop {
            let v = c
                .execute(
                    "const l = document.querySelector('[data-testid=\"queue-list\"]'); return l && l.getAttribute('data-total');",
                    vec![],
                )
                .await
                .unwrap();
            if v.as_str() == Some(&n.to_string()) {
                break;
            }
            assert!(Instant::now() < until, "queue never full at start: {v}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let q = t0.elapsed();
        println!(
            "cold start (logged in) run {i}: header-user {:.0} ms, queue of {n} {:.0} ms",
            ms(h),
            ms(q)
        );
        header_ready.push(ms(h));
        queue_full.push(ms(q));
        if i + 1 < RUNS {
            c.close().await.unwrap();
            wait_app_gone(&driver).await;
        } else {
            // ---- 2. Queue first paint (menu click, timed in the page), then scrolling.
            // Let the start-up sync finish so that it does not hold the profile.
            tokio::time::sleep(Duration::from_secs(3)).await;
            let mem_start = Mem::of_app(&driver);
            mem_start.print(&format!("after start-up with the queue of {n} shown"));
            let mut first = vec![];
            let mut total = vec![];
            let mut painted = vec![];
            for r in 0..=RUNS {
                c.execute("location.hash = '#/cases/none';", vec![])
                    .await
                    .unwrap();
                let until = Instant::now() + WAIT;
                while c
                    .find(Locator::Css(&tid("review-queue-page")))
                    .await
                    .is_ok()
                {
                    assert!(Instant::now() < until, "the queue page did not go");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
                let v = js(&c, &QUEUE_PAINT.replace("TOTAL", &n.to_string())).await;
                println!("queue paint run {r}: {v}");
                assert!(v.get("timeout").is_none(), "{v}");
                first.push(v["first"].as_f64().unwrap());
                total.push(v["total"].as_f64().unwrap());
                painted.push(v["painted"].as_f64().unwrap());
            }
            results.push((
                "queue: menu-queue click to first queue-row".into(),
                "< 300 ms".into(),
                format!(
                    "median {:.0} ms (runs {:?})",
                    median(&first),
                    first.iter().map(|v| v.round()).collect::<Vec<_>>()
                ),
            ));
            results.push((
                format!("queue: click to data-total = {n}; to the frame after"),
                "< 300 ms".into(),
                format!(
                    "median {:.0} ms; painted {:.0} ms",
                    median(&total),
                    median(&painted)
                ),
            ));

            for (label, step) in [("one viewport per frame", 0), ("120 px per frame", 120)] {
                let v = js(&c, &SCROLL.replace("STEP", &step.to_string())).await;
                let frames = nums(&v["frames"]);
                let work = nums(&v["work"]);
                println!(
                    "scroll {label}: {} steps, last index {}, misses {}, row height {}; frames {}; script at frame start {}",
                    v["steps"],
                    v["lastIndex"],
                    v["misses"],
                    v["rowHeight"],
                    summary(&frames),
                    summary(&work)
                );
                results.push((
                    format!("queue scroll, {label}, whole list ({} frames)", v["steps"]),
                    "no stall".into(),
                    format!(
                        "frame p95 {:.1} ms, max {:.1} ms, median {:.1} ms; rows of the wrong position {}",
                        pct(&frames, 0.95),
                        max(&frames),
                        median(&frames),
                        v["misses"]
                    ),
                ));
            }

            // ---- 3. Memory with the queue of 10,000 shown and scrolled.
            let mem = Mem::of_app(&driver);
            mem.print("after the queue paint runs and scrolling");
            let rss: u64 = mem.rows.iter().map(|r| r.2).sum();
            let pss: Option<u64> = mem.rows.iter().map(|r| r.3).sum();
            let names: Vec<String> = mem
                .rows
                .iter()
                .map(|r| format!("{} {:.0} MB", r.1, r.2 as f64 / 1024.0))
                .collect();
            results.push((
                format!("memory with {n} cases (app + WebKit children)"),
                "< 250 MB".into(),
                format!(
                    "VmRSS {:.0} MB ({}); PSS {}",
                    rss as f64 / 1024.0,
                    names.join(", "),
                    pss.map_or("n/a".into(), |v| format!("{:.0} MB", v as f64 / 1024.0))
                ),
            ));

            // ---- 4. save_draft against queue, idle.
            let v = js(&c, INVOKES).await;
            assert!(v.get("error").is_none(), "{v}");
            println!("invokes idle: {v:.200}", v = v.to_string());
            results.push((
                "invoke save_draft (idle)".into(),
                "".into(),
                summary(&nums(&v["save"])),
            ));
            results.push((
                format!("invoke queue ({} entries, idle)", v["len"]),
                "".into(),
                summary(&nums(&v["queue"])),
            ));
            results.push((
                "invoke status (idle)".into(),
                "".into(),
                summary(&nums(&v["status"])),
            ));
            c.close().await.unwrap();
            wait_app_gone(&driver).await;
        }
    }
    results.insert(
        1,
        (
            "cold start (logged in) to header-user".into(),
            "< 1500 ms".into(),
            format!(
                "median {:.0} ms (runs {:?}); to the queue of {n} filled: median {:.0} ms",
                median(&header_ready),
                header_ready.iter().map(|v| v.round()).collect::<Vec<_>>(),
                median(&queue_full)
            ),
        ),
    );

    println!("\n| what | goal | measured ({build}) |\n|---|---|---|");
    for (w, g, m) in &results {
        println!("| {w} | {g} | {m} |");
    }
}

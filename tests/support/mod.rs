//! What the desktop tests share: the app and `permitdesk` binaries, a `permitdesk server run`
//! process and tauri-driver.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const APP: &str = env!("CARGO_BIN_EXE_permitdesk-desktop");

pub fn cli() -> PathBuf {
    let p = std::env::var_os("PERMITDESK_PERF_CLI").map_or_else(
        || Path::new(APP).with_file_name("permitdesk"),
        PathBuf::from,
    );
    assert!(
        p.exists(),
        "{} is missing: build it first (cargo build -p permitdesk-cli)",
        p.display()
    );
    p
}

pub fn screens_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screens");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(cli())
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn ok(args: &[&str]) -> Value {
    let out = run(args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "permitdesk {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_port(port: u16, what: &str) {
    let until = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A `permitdesk server run` process.
pub struct Server {
    child: Child,
}

impl Server {
    pub fn start(data: &Path, listen: &str) -> (Server, String, String) {
        let mut child = Command::new(cli())
            .args([
                "--json",
                "server",
                "run",
                "--data",
                data.to_str().unwrap(),
                "--listen",
                listen,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        (
            Server { child },
            v["listening"].as_str().unwrap().to_owned(),
            v["fingerprint"].as_str().unwrap().to_owned(),
        )
    }

    pub fn stop(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// tauri-driver (which starts WebKitWebDriver), stopped with SIGTERM so that its WebKitWebDriver
/// goes too.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    pub fn start() -> Driver {
        let port = free_port();
        let native = free_port();
        let exe = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            let local = Path::new(&home).join(".cargo/bin/tauri-driver");
            if local.exists() {
                local.display().to_string()
            } else {
                "tauri-driver".to_owned()
            }
        });
        let child = Command::new(&exe)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {exe} (cargo install tauri-driver): {e}"));
        wait_port(port, "tauri-driver");
        Driver { child, port }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Latin words a screen may show, compared without case. Everything else in Latin letters on a
/// screen is English or an internal name the user should not have to read:
/// - `PDF`, `OFD`, `JPG`, `JPEG`, `PNG`: the formats of the files the user picks and saves, as
///   they are named on the files themselves (申请材料 accepts .pdf/.ofd/.jpg/.png; 另存为
///   writes a .pdf); a picked file's name shows its extension;
/// - `Excel`, `CSV`, `XLSX`: the formats of the statistics tables, named as the user's software
///   names them;
/// - `TOML`, `GeoJSON`, `UTF` (of UTF-8): the formats of the reference-data files the reform
///   office imports (参考数据), as the files themselves are named;
/// - `Ctrl`, `Alt`, `Shift`, `Enter`, `Esc`, `Tab`: the keys of the shortcuts printed on the
///   buttons (Alt+1, Ctrl+Enter), as they are printed on the keyboard;
/// - `HTTPS`, `SHA` (of SHA-256): the login asks for the server's https:// address and its key
///   fingerprint, named as `permitdesk server init` prints them for the administrator to hand
///   out (证书公钥指纹（SHA-256）).
///
/// Flow, item, category and department codes (LC-SH-CF, ZGJ-04, SH-CF, ZGJ) are not here: a
/// screen names them in Chinese. A department code appears only inside a 办件编号 or a
/// certificate number, which are allowed as such.
pub const SCREEN_WORDS: &[&str] = &[
    "PDF", "OFD", "JPG", "JPEG", "PNG", "Excel", "CSV", "XLSX", "Ctrl", "Alt", "Shift", "Enter",
    "Esc", "Tab", "HTTPS", "SHA", "TOML", "GeoJSON", "UTF",
];

/// The characters of a "token": a run of ASCII letters, digits and the joiners of codes, names
/// and numbers. CJK text, spaces and full-width punctuation separate tokens.
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./:+#@%".contains(c)
}

/// 办件编号 `2026-ZGJ-000001` ({year}-{department}-{sequence}, server numbering) and certificate
/// numbers `ZGJ-2026-000001` ({department}-{year}-{sequence}).
fn is_case_or_certificate_number(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let dept = |s: &str| (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase());
    parts.len() == 3
        && ((digits(parts[0], 4) && dept(parts[1]) && digits(parts[2], 6))
            || (dept(parts[0]) && digits(parts[1], 4) && digits(parts[2], 6)))
}

/// Legitimate data with Latin letters in it: a 统一社会信用代码 (checked with its check
/// characters by the domain's own rule), a 办件编号 or a certificate number. Tokens without
/// any Latin letter (project codes 2026-230109-48-01-512346, phone numbers, dates, times,
/// amounts, version numbers) are data too and never reach this test.
fn is_legitimate_code(t: &str) -> bool {
    permitdesk_domain::codes::CreditCode::parse(t).is_ok() || is_case_or_certificate_number(t)
}

/// A file name's stem when it ends in an allowed format (受理通知书-2026-ZGJ-000001.pdf): the
/// stem is checked like any other text.
fn without_extension(t: &str) -> &str {
    match t.rsplit_once('.') {
        Some((stem, ext)) if SCREEN_WORDS.iter().any(|a| a.eq_ignore_ascii_case(ext)) => stem,
        _ => t,
    }
}

/// What is wrong with one token that has Latin letters and is no legitimate code.
fn token_problem(t: &str) -> Option<String> {
    let b = t.as_bytes();
    // Internal ids: C-0123abcd…, P-…, A-…, and the short ones (W-1 a works id): a capital,
    // a hyphen, then hex or digits.
    if b.len() >= 3
        && b[0].is_ascii_uppercase()
        && b[1] == b'-'
        && t[2..].bytes().all(|c| c.is_ascii_hexdigit())
        && (t[2..].bytes().any(|c| c.is_ascii_digit()))
    {
        return Some(format!("internal id {t:?}"));
    }
    // Hashes: 12 or more hex digits in a row, at least one of them a letter (a run of digits
    // alone is a number), or a shortened one (`bb0f9c41…`): 8 or more lower-case hex digits
    // with both digits and letters.
    let (mut run, mut letter, mut digit, mut upper) = (0usize, false, false, false);
    for &c in b.iter().chain(std::iter::once(&b' ')) {
        if c.is_ascii_hexdigit() {
            run += 1;
            letter |= c.is_ascii_alphabetic();
            digit |= c.is_ascii_digit();
            upper |= c.is_ascii_uppercase();
        } else {
            if (run >= 12 && letter) || (run >= 8 && letter && digit && !upper) {
                return Some(format!("hash or internal id {t:?}"));
            }
            (run, letter, digit, upper) = (0, false, false, false);
        }
    }
    let between_letters = |sep: u8| {
        b.windows(3)
            .any(|w| w[1] == sep && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphabetic())
    };
    if between_letters(b'_') {
        return Some(format!("snake_case internal name {t:?}"));
    }
    if between_letters(b'.')
        && b.windows(2)
            .any(|w| w[0].is_ascii_alphabetic() && w[1] == b'.')
    {
        return Some(format!("dotted internal name {t:?}"));
    }
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .filter(|w| !SCREEN_WORDS.iter().any(|a| a.eq_ignore_ascii_case(w)))
        .collect();
    if !words.is_empty() {
        return Some(format!("English or an internal code {t:?}"));
    }
    None
}

/// The screen-text check: what in a screen's visible text (`document.body.innerText`) a user
/// should not read: internal ids, hashes, snake_case or dotted internal names, English words
/// and internal codes (see [`SCREEN_WORDS`] for the Latin words allowed). `user_data` are
/// strings the user chose (a path in a save dialog), removed before the check. Each problem
/// comes with the text around it.
pub fn screen_text_problems(text: &str, user_data: &[&str]) -> Vec<String> {
    let mut text = text.to_owned();
    for d in user_data.iter().filter(|d| !d.is_empty()) {
        text = text.replace(d, " ");
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !token_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && token_char(chars[i]) {
            i += 1;
        }
        let raw: String = chars[start..i].iter().collect();
        let token = without_extension(raw.trim_matches(|c: char| "-./:+#@%".contains(c)));
        if !token.bytes().any(|c| c.is_ascii_alphabetic()) || is_legitimate_code(token) {
            continue;
        }
        if let Some(p) = token_problem(token) {
            let from = start.saturating_sub(16);
            let to = (i + 16).min(chars.len());
            let around: String = chars[from..to].iter().collect();
            out.push(format!("{p} — “{}”", around.replace('\n', "⏎")));
        }
    }
    out
}

//! What the CLI's process tests share: running `permitdesk`, headless client profiles (`Pc`)
//! and a `permitdesk server run` process (`Server`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use permitdesk_server::testing::{Backend, TestDatabase};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_permitdesk");

pub fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn permitdesk");
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

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs `permitdesk ARGS` (no input), requires exit 0 (else shows stderr): the JSON answer.
pub fn run_ok(args: &[&str]) -> Value {
    let out = run(args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

/// The demo users' passwords, as `demo seed --json` printed them.
pub struct Passwords(Value);

impl Passwords {
    pub fn of(&self, id: &str) -> String {
        self.0
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap_or_else(|| panic!("no demo user {id}"))["password"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// `server init` and `demo seed` into `data`: the demo users' passwords.
pub fn init_and_seed(data: &Path) -> Passwords {
    let d = data.to_str().unwrap();
    let init = run(&["--json", "server", "init", "--data", d], None);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    Passwords(run_ok(&["--json", "demo", "seed", "--data", d]))
}

/// One headless client: a profile directory.
pub struct Pc {
    pub dir: PathBuf,
}

impl Pc {
    pub fn cmd(&self, args: &[&str]) -> Output {
        let mut all = vec!["--profile", self.dir.to_str().unwrap(), "--json"];
        all.extend_from_slice(args);
        run(&all, None)
    }

    /// Run and require success; the JSON answer.
    pub fn ok(&self, args: &[&str]) -> Value {
        let out = self.cmd(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
    }

    /// An action queued with `--offline` (and said so).
    pub fn queue_only(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--offline");
        self.offline(&all)
    }

    /// An action that must have been queued offline (and said so).
    pub fn offline(&self, args: &[&str]) -> Value {
        let v = self.ok(args);
        assert!(
            v["offline"].is_string(),
            "{args:?} should have been queued offline: {v}"
        );
        assert_eq!(v["synced"], false);
        v
    }

    /// An action that must have gone through to the server.
    pub fn online(&self, args: &[&str]) -> Value {
        let v = self.ok(args);
        assert_eq!(v["synced"], true, "{args:?}: {v}");
        assert!(v["refused"].as_array().unwrap().is_empty(), "{args:?}: {v}");
        v
    }

    pub fn login(&self, url: &str, fp: &str, user: &str, password: &str) {
        let out = run(
            &[
                "--profile",
                self.dir.to_str().unwrap(),
                "--json",
                "login",
                "--server",
                url,
                "--fingerprint",
                fp,
                "--user",
                user,
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "login {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--json server run --data DIR --listen ADDR`.
pub fn server_run_args<'a>(data: &'a str, listen: &'a str) -> Vec<&'a str> {
    vec![
        "--json", "server", "run", "--data", data, "--listen", listen,
    ]
}

pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    pub fn start(data: &Path, listen: &str) -> (Server, String) {
        let mut child = Command::new(BIN)
            .args(server_run_args(data.to_str().unwrap(), listen))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let v: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("server said {line:?}: {e}"));
        let url = v["listening"].as_str().unwrap().to_owned();
        (
            Server { child, url },
            v["fingerprint"].as_str().unwrap().to_owned(),
        )
    }

    pub fn kill(mut self) {
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

pub fn write_pdf(dir: &Path, name: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, format!("%PDF-1.4\n% {name}\n%%EOF\n")).unwrap();
    p.to_str().unwrap().to_owned()
}

/// The server's database for a test: a fresh PostgreSQL database when
/// PERMITDESK_TEST_DATABASE says so (keep it alive for the test), and its URL; else SQLite.
pub async fn test_database() -> (Option<TestDatabase>, Option<String>) {
    let backend = Backend::from_env();
    let pg = match &backend {
        Backend::Postgres(_) => Some(TestDatabase::create(&backend).await.unwrap()),
        Backend::Sqlite => None,
    };
    let url = pg.as_ref().and_then(|d| d.url.clone());
    (pg, url)
}

/// `permitdesk` admin commands on a server data directory (and database).
pub struct Admin {
    pub data: String,
    pub database: Option<String>,
}

impl Admin {
    /// `permitdesk server init --data DIR`, then an admin on it.
    pub fn init(data: &Path, database: Option<String>) -> Admin {
        let out = Command::new(BIN)
            .args(["server", "init", "--data", data.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        Admin {
            data: data.to_str().unwrap().to_owned(),
            database,
        }
    }

    /// `permitdesk ARGS --data DIR [--database URL]`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--data", self.data.as_str()]);
        if let Some(db) = &self.database {
            all.extend(["--database", db.as_str()]);
        }
        Command::new(BIN).args(&all).output().unwrap()
    }

    /// `permitdesk --json ARGS --data DIR [--database URL]`: exit code and JSON answer.
    pub fn json(&self, args: &[&str]) -> (Option<i32>, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code(), v)
    }
}

/// `server init`, `demo seed` and `server run` on a free port, with the data in `dir/server`,
/// and a headless client profile `dir/USER` logged in for each of `users`, in order.
pub fn seeded_server<const N: usize>(dir: &Path, users: [&str; N]) -> (Server, [Pc; N]) {
    let passwords = init_and_seed(&dir.join("server"));
    let (server, fp) = Server::start(&dir.join("server"), "127.0.0.1:0");
    let pcs = logins(dir, &server.url, &fp, &passwords, users);
    (server, pcs)
}

/// Headless client profiles `dir/USER`, each logged in as its demo user, in order.
pub fn logins<const N: usize>(
    dir: &Path,
    url: &str,
    fp: &str,
    passwords: &Passwords,
    users: [&str; N],
) -> [Pc; N] {
    users.map(|user| {
        let pc = Pc {
            dir: dir.join(user),
        };
        pc.login(url, fp, user, &passwords.of(user));
        pc
    })
}

//! Real server processes for scale-out tests and benchmarks: a test or bench binary starts
//! itself again with [`CHILD_ENV`] set, and that copy serves through `admin::run` (what
//! `permitdesk server run` does) until it is killed, so each server has its own process,
//! runtime, pool and caches.
//!
//! The parent: [`ServerProcess::spawn`]. The child: call [`serve_if_child`] first thing (in a
//! bench's `main`, or in a `#[test]` the parent names with `--exact`).

use crate::admin::{self, DataDir};
use crate::auth::PasswordCost;
use crate::config::ServerConfig;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Set (to a JSON [`ChildSpec`]) in the environment of a child server process.
pub const CHILD_ENV: &str = "PERMITDESK_CHILD_SERVER";

/// What a child server serves: `server run --data DATA --listen LISTEN [--database URL]
/// --reuse-port`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ChildSpec {
    pub data: PathBuf,
    pub listen: SocketAddr,
    pub database: Option<String>,
    /// `PERMITDESK_LOG` of the child: `info` logs every request on stderr.
    pub log: String,
    /// Bind with `SO_REUSEPORT`.
    pub reuse_port: bool,
}

/// Why a child server could not be started or run.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot start the server process: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("bad child specification: {0}")]
    Spec(#[from] serde_json::Error),
    #[error("the server process did not start: {0}")]
    NotListening(String),
    #[error("the server process failed: {0}")]
    Run(#[from] crate::admin::AdminError),
}

/// In a binary started by [`ServerProcess::spawn`]: serves as told until killed (then never
/// returns) or until serving fails. Ok(false) at once when this process is not such a child.
pub fn serve_if_child() -> Result<bool, ProcessError> {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return Ok(false);
    };
    let spec: ChildSpec = serde_json::from_str(&spec)?;
    admin::init_logging();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let config = ServerConfig {
        reuse_port: spec.reuse_port,
        // The accounts of tests and benchmarks are hashed at the test cost.
        password_cost: PasswordCost::TEST,
        ..ServerConfig::default()
    };
    rt.block_on(admin::run(
        &DataDir(spec.data.clone()),
        spec.listen,
        spec.database.as_deref(),
        config,
        |l| {
            println!(
                "{}",
                serde_json::json!({ "listening": l.url, "fingerprint": l.fingerprint })
            );
        },
    ))?;
    Ok(true)
}

/// A server process started from this binary; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// The https address it printed.
    pub url: String,
    /// The key fingerprint it printed (what it presents).
    pub fingerprint: String,
    requests: Arc<AtomicUsize>,
    stderr_tail: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts this binary again with `args` as a server for `spec`, and waits (up to a minute)
    /// until it listens.
    pub fn spawn(args: &[&str], spec: &ChildSpec) -> Result<ServerProcess, ProcessError> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .args(args)
            .env(CHILD_ENV, serde_json::to_string(spec)?)
            .env("PERMITDESK_LOG", &spec.log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let requests = Arc::new(AtomicUsize::new(0));
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let (requests, tail) = (requests.clone(), stderr_tail.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if line.contains("permitdesk::http") {
                        requests.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Ok(mut t) = tail.lock() {
                        if t.len() >= 40 {
                            t.remove(0);
                        }
                        t.push(line);
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    // A test harness may print the test's name on the same line first.
                    let json = line.find('{').map_or("", |i| &line[i..]);
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(json)
                        && let (Some(url), Some(fp)) =
                            (v["listening"].as_str(), v["fingerprint"].as_str())
                    {
                        let _ = tx.send((url.to_owned(), fp.to_owned()));
                    }
                }
            });
        }
        let mut process = ServerProcess {
            child,
            url: String::new(),
            fingerprint: String::new(),
            requests,
            stderr_tail,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok((url, fingerprint)) => {
                process.url = url;
                process.fingerprint = fingerprint;
                Ok(process)
            }
            Err(_) => {
                process.kill();
                // Let the stderr reader catch up with the last lines.
                std::thread::sleep(Duration::from_millis(200));
                Err(ProcessError::NotListening(process.stderr_tail().join("\n")))
            }
        }
    }

    /// The process id (for its CPU time in /proc).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Requests it has logged so far (with `log` = `info`).
    pub fn requests_logged(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Its last lines of stderr.
    pub fn stderr_tail(&self) -> Vec<String> {
        self.stderr_tail
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    /// Kills it (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

//! Scale out (issue 16): two real server processes behind one address on one database.
//!
//! `server init` then `server init --join` (the same certificate, key and seal key), two
//! `server run --reuse-port` processes on one host:port (this test binary started twice as a
//! server, see `permitdesk_server::testing::processes`), a client pinned to the one fingerprint
//! pushing and pulling through that address over fresh connections: the kernel spreads them
//! over both processes, and every answer comes from the one store. Killing one process leaves
//! the address served by the other.
//!
//! On PostgreSQL (`PERMITDESK_TEST_DATABASE`) the second process runs from the joined data
//! directory, as on a second machine. Without it, both run on the first directory's SQLite file
//! (two processes on one host sharing one data directory, which is also supported); the join
//! itself is then checked on its files.
//!
//! That the scheduler acts exactly once with several processes on one database is
//! `tests/concurrency.rs`, `two_server_instances_run_each_scheduled_action_exactly_once`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use permitdesk_domain::ids::ProjectId;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{CommandOutcome, PushRequest};
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::auth::PasswordCost;
use permitdesk_server::scale_out;
use permitdesk_server::store::{SqliteStore, Store};
use permitdesk_server::testing::fixtures::{envelope, project_cmd, project_details};
use permitdesk_server::testing::processes::{ChildSpec, ServerProcess, serve_if_child};
use permitdesk_server::testing::{ApiClient, Backend, DEMO_PASSWORD, TestDatabase};
use std::net::SocketAddr;
use std::path::Path;

const CHILD_TEST: &str = "scale_out_child_server_process";

/// Not a test of its own: the server process the test below starts (this binary run again
/// with `PERMITDESK_CHILD_SERVER` set). Without that variable it returns at once.
#[test]
fn scale_out_child_server_process() {
    serve_if_child().unwrap();
}

fn spawn(dir: &Path, listen: SocketAddr, database: Option<&str>) -> ServerProcess {
    ServerProcess::spawn(
        &[CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"],
        &ChildSpec {
            data: dir.to_owned(),
            listen,
            database: database.map(str::to_owned),
            log: "info".to_owned(),
            reuse_port: true,
        },
    )
    .unwrap()
}

/// A port nothing listens on now.
fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

async fn seed(store: &dyn Store) {
    permitdesk_server::demo::seed(store, PasswordCost::TEST, Utc::now(), |_| {
        Ok(DEMO_PASSWORD.to_owned())
    })
    .await
    .unwrap();
}

/// A client of `url` on its own new connection, with `token`.
fn fresh(url: &str, fingerprint: &str, token: &str) -> ApiClient {
    let mut c = ApiClient::new(url, fingerprint).unwrap();
    c.token = Some(token.to_owned());
    c
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_joined_processes_serve_one_address_and_one_store() {
    let root = std::env::temp_dir().join(format!(
        "permitdesk-scale-out-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let first = DataDir(root.join("first"));
    let second = DataDir(root.join("second"));
    let init = admin::init(&first, &[]).unwrap();
    // The refusals: a source without a key, a target with one.
    let e = scale_out::join(&DataDir(root.join("nothing")), &DataDir(root.join("x"))).unwrap_err();
    assert!(matches!(e, scale_out::JoinError::SourceHasNoKey(_)), "{e}");
    let e = scale_out::join(&second, &first).unwrap_err();
    assert!(matches!(e, scale_out::JoinError::SourceHasNoKey(_)), "{e}");
    let joined = scale_out::join(&first, &second).unwrap();
    assert_eq!(joined.fingerprint, init.fingerprint);
    assert_eq!(joined.seal_fingerprint, init.seal_fingerprint);
    let e = scale_out::join(&first, &second).unwrap_err();
    assert!(matches!(e, scale_out::JoinError::AlreadyHasKey(_)), "{e}");
    assert!(e.to_string().contains("已有密钥"), "{e}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(second.key_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The database: a fresh PostgreSQL one, or the first directory's SQLite file.
    let backend = Backend::from_env();
    let pg = match &backend {
        Backend::Postgres(_) => Some(TestDatabase::create(&backend).await.unwrap()),
        Backend::Sqlite => {
            eprintln!(
                "scale_out: PERMITDESK_TEST_DATABASE not set; both processes share the SQLite file of one data directory"
            );
            None
        }
    };
    let url = pg.as_ref().and_then(|d| d.url.clone());
    match &pg {
        Some(db) => seed(db.store.as_ref()).await,
        None => seed(&SqliteStore::open(&first.db_path()).unwrap()).await,
    }
    let second_dir = if url.is_some() { &second.0 } else { &first.0 };

    let addr = free_port();
    let mut a = spawn(&first.0, addr, url.as_deref());
    let b = spawn(second_dir, addr, url.as_deref());
    // One address, one key.
    assert_eq!(a.url, format!("https://{addr}"));
    assert_eq!(b.url, a.url);
    assert_eq!(a.fingerprint, init.fingerprint);
    assert_eq!(b.fingerprint, init.fingerprint);
    // A third server without --reuse-port cannot take the address.
    let refused = scale_out::bind(addr, false).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::AddrInUse);

    let mut login = ApiClient::new(&a.url, &init.fingerprint).unwrap();
    let token = login.login("applicant", DEMO_PASSWORD).await.unwrap().token;
    // Pushes, each on a new connection: whichever process takes it, the next sees it.
    let n = 24u64;
    for i in 1..=n {
        let id = format!("P-SCALE-{i:03}");
        let details = project_details(&id, permitdesk_server::demo::BUILDER_ORG8).unwrap();
        let req = PushRequest {
            client_id: "scale-out".to_owned(),
            commands: vec![envelope(
                i,
                project_cmd(
                    &id,
                    ProjectCommand::RegisterOnline {
                        id: ProjectId::new(&id),
                        details,
                    },
                ),
                Utc::now(),
            )],
            reference: Default::default(),
        };
        let c = fresh(&a.url, &init.fingerprint, &token);
        let r = c.push(&req).await.unwrap();
        assert!(
            matches!(r.results[0].outcome, CommandOutcome::Applied { .. }),
            "{:?}",
            r.results
        );
        assert_eq!(r.last_mutation_id, i, "the processed mutations are shared");
        // A replay through another connection is a duplicate, not a second project.
        let again = fresh(&a.url, &init.fingerprint, &token)
            .push(&req)
            .await
            .unwrap();
        assert!(
            matches!(again.results[..], [ref r] if r.outcome == CommandOutcome::Duplicate),
            "{:?}",
            again.results
        );
    }
    // Pulls, each on a new connection: the same events, the same cursor.
    let mut cursors = Vec::new();
    for _ in 0..12 {
        let c = fresh(&a.url, &init.fingerprint, &token);
        let page = c.pull(0, Some(1000), Some("scale-out")).await.unwrap();
        let projects = page
            .events
            .iter()
            .filter(|e| format!("{e:?}").contains("P-SCALE-"))
            .count();
        assert!(
            projects >= n as usize,
            "{projects} events of the {n} projects"
        );
        assert_eq!(page.last_mutation_id, n);
        cursors.push(page.cursor);
    }
    assert!(cursors.windows(2).all(|w| w[0] == w[1]), "{cursors:?}");
    // Both processes answered some of the (about 60) connections.
    let (ra, rb) = (a.requests_logged(), b.requests_logged());
    assert!(ra > 0 && rb > 0, "requests: {ra} and {rb}");
    eprintln!("scale_out: requests served by the two processes: {ra} and {rb}");

    // One process gone: the address is still served, by the other.
    a.kill();
    for _ in 0..8 {
        let c = fresh(&b.url, &init.fingerprint, &token);
        let page = c.pull(0, Some(1000), Some("scale-out")).await.unwrap();
        assert_eq!(page.last_mutation_id, n);
    }
    drop(b);
    drop(a);
    drop(pg);
    let _ = std::fs::remove_dir_all(&root);
}

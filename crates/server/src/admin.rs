//! What the `permitdesk server|demo|admin` commands do, as library calls: the data directory
//! (database file, certificate, key), opening the chosen backend, and running the server.

use crate::clock::SystemClock;
use crate::config::ServerConfig;
use crate::error::StoreError;
use crate::http::app;
use crate::state::{AppState, StartError};
use crate::store::{PostgresStore, SqliteStore, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The server's data directory: `server.db` (SQLite), `tls/cert.pem`, `tls/key.pem`.
#[derive(Debug, Clone)]
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn db_path(&self) -> PathBuf {
        self.0.join("server.db")
    }
    pub fn cert_path(&self) -> PathBuf {
        self.0.join("tls").join("cert.pem")
    }
    /// The extra host names of the certificate, one a line (kept for `renew-cert`).
    pub fn names_path(&self) -> PathBuf {
        self.0.join("tls").join("names.txt")
    }

    pub fn key_path(&self) -> PathBuf {
        self.0.join("tls").join("key.pem")
    }
}

/// Why an admin task failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{path}：{message}")]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Start(#[from] StartError),
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("{0}")]
    Seal(#[from] crate::certificates::SealError),
    #[error("数据目录 {0} 尚未初始化：请先运行 permitdesk server init --data {0}")]
    NotInitialised(String),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> AdminError + '_ {
    move |e| AdminError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Restricts `path` to its owner (`mode`, e.g. 0o600); nothing to do where there are no Unix
/// permissions.
fn owner_only(path: &Path, mode: u32) -> Result<(), AdminError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// What `server init` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    pub data_dir: PathBuf,
    pub database: PathBuf,
    pub certificate: PathBuf,
    /// False if a certificate existed and was kept.
    pub certificate_created: bool,
    /// SHA-256 of the certificate's SubjectPublicKeyInfo, hex: what clients pin.
    pub fingerprint: String,
    /// The e-certificates' seal certificate (`seal/seal-cert.pem`).
    pub seal_certificate: PathBuf,
    /// False if a seal key existed and was kept.
    pub seal_created: bool,
    /// SHA-256 of the seal certificate (DER), hex.
    pub seal_fingerprint: String,
}

fn write_private(path: &Path, content: &str) -> Result<(), AdminError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(content.as_bytes()).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Creates the directory, the SQLite database (migrated) and, unless one exists, a
/// self-signed certificate and key for localhost/127.0.0.1 (plus `extra_names`).
pub fn init(dir: &DataDir, extra_names: &[String]) -> Result<InitReport, AdminError> {
    let tls_dir = dir.0.join("tls");
    std::fs::create_dir_all(&tls_dir).map_err(io(&tls_dir))?;
    SqliteStore::open(&dir.db_path())?;
    // The database holds password hashes and every trail: readable by its owner only (SQLite
    // gives its -wal and -shm files the database file's permissions).
    owner_only(&dir.db_path(), 0o600)?;
    owner_only(&dir.0, 0o700)?;
    let (cert_path, key_path) = (dir.cert_path(), dir.key_path());
    let created = !cert_path.exists() || !key_path.exists();
    if created {
        let (cert, key) = crate::tls::generate_self_signed(extra_names)?;
        write_private(&key_path, &key)?;
        std::fs::write(&cert_path, cert).map_err(io(&cert_path))?;
        let names_path = dir.names_path();
        std::fs::write(&names_path, extra_names.join("\n")).map_err(io(&names_path))?;
    }
    let cert = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
    // The e-certificates' seal key (issue 14), made once and kept (also on a rerun).
    let (seal, seal_created) = crate::certificates::SealKey::ensure(&dir.0)?;
    Ok(InitReport {
        data_dir: dir.0.clone(),
        database: dir.db_path(),
        certificate: cert_path,
        certificate_created: created,
        fingerprint: crate::tls::spki_fingerprint_pem(&cert)?,
        seal_certificate: crate::certificates::seal_paths(&dir.0).0,
        seal_created,
        seal_fingerprint: seal.fingerprint(),
    })
}

/// What `server renew-cert` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RenewReport {
    pub certificate: PathBuf,
    /// Unchanged: the same key.
    pub fingerprint: String,
    /// The host names besides localhost and 127.0.0.1.
    pub names: Vec<String>,
    pub valid_days: u64,
}

/// Re-issues the certificate of an initialised data directory with its existing key, so the
/// fingerprint clients pinned stays the same. The host names are those given at `init` (or
/// the last renewal) unless `extra_names` is not empty. A running server reads the new
/// certificate when restarted.
pub fn renew_cert(dir: &DataDir, extra_names: &[String]) -> Result<RenewReport, AdminError> {
    let (cert_path, key_path) = (dir.cert_path(), dir.key_path());
    if !key_path.exists() {
        return Err(AdminError::NotInitialised(dir.0.display().to_string()));
    }
    let key = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
    let names_path = dir.names_path();
    let names: Vec<String> = if extra_names.is_empty() {
        std::fs::read_to_string(&names_path)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        extra_names.to_vec()
    };
    let cert = crate::tls::renew_self_signed(&key, &names)?;
    let tmp = cert_path.with_extension("pem.new");
    std::fs::write(&tmp, &cert).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &cert_path).map_err(io(&cert_path))?;
    std::fs::write(&names_path, names.join("\n")).map_err(io(&names_path))?;
    Ok(RenewReport {
        certificate: cert_path,
        fingerprint: crate::tls::spki_fingerprint_pem(&cert)?,
        names,
        valid_days: crate::tls::CERTIFICATE_DAYS,
    })
}

/// The store of a data directory: PostgreSQL at `database` if given, else its SQLite file.
pub async fn open_store(
    dir: &DataDir,
    database: Option<&str>,
) -> Result<Arc<dyn Store>, AdminError> {
    open_store_grouped(dir, database, 1).await
}

/// Like [`open_store`], with group commit of up to `group` commands per transaction on either
/// backend (the running server's setting; admin tasks write one thing at a time).
pub async fn open_store_grouped(
    dir: &DataDir,
    database: Option<&str>,
    group: usize,
) -> Result<Arc<dyn Store>, AdminError> {
    match database {
        Some(url) => Ok(Arc::new(
            PostgresStore::connect(url).await?.with_group_commit(group),
        )),
        None => {
            if !dir.db_path().exists() {
                return Err(AdminError::NotInitialised(dir.0.display().to_string()));
            }
            Ok(Arc::new(
                SqliteStore::open(&dir.db_path())?.with_group_commit(group),
            ))
        }
    }
}

/// A running server's address and pin, as printed at start.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listening {
    pub url: String,
    pub fingerprint: String,
    pub backend: &'static str,
    /// 短信提醒: the gateway or outbox file in use (no secret).
    pub sms: String,
}

/// Serves HTTPS on `listen` until Ctrl-C (or SIGTERM), with the scheduler running.
pub async fn run(
    dir: &DataDir,
    listen: SocketAddr,
    database: Option<&str>,
    mut config: ServerConfig,
    on_listening: impl FnOnce(&Listening),
) -> Result<(), AdminError> {
    let (cert_path, key_path) = (dir.cert_path(), dir.key_path());
    if !cert_path.exists() {
        return Err(AdminError::NotInitialised(dir.0.display().to_string()));
    }
    let cert = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
    let key = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
    let tls = crate::tls::server_config(&cert, &key)?;
    let store = open_store_grouped(dir, database, config.group_commit).await?;
    let backend = store.backend();
    // A data directory made before issue 14 gets its seal key here.
    let (seal, _) = crate::certificates::SealKey::ensure(&dir.0)?;
    config.seal = Some(Arc::new(seal));
    let listener = crate::scale_out::bind(listen, config.reuse_port).map_err(StartError::from)?;
    let addr = listener.local_addr().map_err(StartError::from)?;
    if config.public_url.is_none() {
        config.public_url = Some(format!("https://{addr}"));
    }
    // 短信提醒: without a configured gateway, the outbox file of the data directory.
    let sms = config
        .sms
        .get_or_insert_with(|| crate::sms::SmsSetting::outbox(dir.0.join(crate::sms::OUTBOX_FILE)))
        .clone();
    let state = AppState::new(store, config, Arc::new(SystemClock)).await?;
    crate::exchange::announce(state.store.as_ref(), &state.config, state.clock.now()).await;
    crate::sms::announce(
        state.store.as_ref(),
        &sms,
        &state.config.instance,
        state.clock.now(),
    )
    .await;
    on_listening(&Listening {
        url: format!("https://{addr}"),
        fingerprint: crate::tls::spki_fingerprint_pem(&cert)?,
        backend,
        sms: sms.gateway.describe(),
    });
    let scheduler = crate::scheduler::spawn(state.clone());
    let limits = crate::tls::ConnectionLimits::of(&state.config);
    crate::tls::serve(listener, app(state), tls, limits, shutdown_signal()).await;
    scheduler.abort();
    tracing::info!("server stopped");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Logs to stderr: `PERMITDESK_LOG=debug|info|warn` (default info). The fields logged never
/// include request bodies, query strings or headers.
pub fn init_logging() {
    let level = match std::env::var("PERMITDESK_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .finish();
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        tracing::debug!("a logger was already installed");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The database (password hashes, every trail) and the key are readable by their owner only.
    #[cfg(unix)]
    #[test]
    fn init_keeps_the_database_and_key_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("permitdesk-init-{}", std::process::id()));
        let dir = DataDir(root.join("srv"));
        init(&dir, &[]).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.db_path()), 0o600);
        assert_eq!(mode(&dir.key_path()), 0o600);
        assert_eq!(mode(&dir.0), 0o700);
        std::fs::remove_dir_all(&root).unwrap();
    }
}

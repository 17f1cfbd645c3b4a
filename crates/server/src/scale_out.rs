//! Scale out (issue 16): several server processes behind one address on one PostgreSQL
//! database.
//!
//! - Every process serves the same TLS certificate and key (clients pin the key's
//!   fingerprint, so a client reaching any of them must see the same key) and signs
//!   e-certificates with the same seal key. [`join`] (`permitdesk server init --join DIR`)
//!   makes a data directory for another process from the first one's `tls/` and `seal/`.
//! - On Linux, processes on one host share one listening address with `SO_REUSEPORT`
//!   ([`bind`], `server run --reuse-port`): the kernel spreads new connections over them. It is
//!   an explicit choice of every process, so a second server started by mistake on a port in
//!   use still fails instead of silently taking half of the connections.
//! - Everything shared lives in the database: sessions, login failure counts, the scheduler's
//!   exactly-once records (`scheduler`), the export batches; a process keeps only caches.

use crate::admin::DataDir;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::net::{TcpListener, TcpSocket};

/// How many connections may wait in the kernel's accept queue of one listening socket (what
/// `TcpListener::bind` uses).
const BACKLOG: u32 = 1024;

/// Why a data directory could not join another.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error(
        "{0} 中没有服务器证书和私钥（tls/cert.pem、tls/key.pem）：--join 须指向第一台服务器已初始化的数据目录（或其 tls/ 与 seal/ 的完整副本）"
    )]
    SourceHasNoKey(PathBuf),
    #[error(
        "{0} 中没有电子印章密钥（seal/seal-key.pem、seal/seal-cert.pem）：请先在第一台服务器上运行一次 permitdesk server init 或 server run 生成印章密钥，再复制"
    )]
    SourceHasNoSeal(PathBuf),
    #[error(
        "{0} 已有密钥，不能再加入其他服务器（会覆盖现有密钥，已固定其指纹的客户端将无法连接）：请换一个新的数据目录"
    )]
    AlreadyHasKey(PathBuf),
    #[error("{path}：{message}")]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("电子印章密钥无效：{0}")]
    Seal(#[from] crate::certificates::SealError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JoinError + '_ {
    move |e| JoinError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// What `server init --join` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JoinReport {
    pub data_dir: PathBuf,
    /// The directory the certificate and keys were copied from.
    pub joined: PathBuf,
    pub certificate: PathBuf,
    /// SHA-256 of the certificate's SubjectPublicKeyInfo, hex: the same as the first server's.
    pub fingerprint: String,
    pub seal_certificate: PathBuf,
    /// SHA-256 of the seal certificate (DER), hex: the same as the first server's.
    pub seal_fingerprint: String,
}

/// Writes `content` to a new file readable by its owner only (0600 on Unix).
fn write_private(path: &Path, content: &[u8]) -> Result<(), JoinError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(content).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

fn create_private_dir(path: &Path) -> Result<(), JoinError> {
    std::fs::create_dir_all(path).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(io(path))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, JoinError> {
    std::fs::read_to_string(path).map_err(io(path))
}

/// Makes `dir` a data directory for another process of the server initialised in `source`:
/// the same TLS certificate and key (hence the same fingerprint for clients) and the same
/// seal key, the keys readable by their owner only. No SQLite file is made: processes that
/// share work share a PostgreSQL database (`server run --database`). Refuses if `source`
/// has no key or `dir` already has one (a key is never overwritten).
pub fn join(source: &DataDir, dir: &DataDir) -> Result<JoinReport, JoinError> {
    let (src_cert, src_key) = (source.cert_path(), source.key_path());
    if !src_cert.is_file() || !src_key.is_file() {
        return Err(JoinError::SourceHasNoKey(source.0.clone()));
    }
    let (src_seal_cert, src_seal_key) = crate::certificates::seal_paths(&source.0);
    if !src_seal_cert.is_file() || !src_seal_key.is_file() {
        return Err(JoinError::SourceHasNoSeal(source.0.clone()));
    }
    let (seal_cert, seal_key) = crate::certificates::seal_paths(&dir.0);
    for existing in [dir.key_path(), dir.cert_path(), seal_key.clone()] {
        if existing.exists() {
            return Err(JoinError::AlreadyHasKey(dir.0.clone()));
        }
    }
    // Read and check everything before writing anything.
    let (cert, key) = (read(&src_cert)?, read(&src_key)?);
    crate::tls::server_config(&cert, &key)?;
    let fingerprint = crate::tls::spki_fingerprint_pem(&cert)?;
    let (s_cert, s_key) = (read(&src_seal_cert)?, read(&src_seal_key)?);
    let seal = crate::certificates::SealKey::from_pem(&s_cert, &s_key)?;
    let names = std::fs::read_to_string(source.names_path()).unwrap_or_default();

    create_private_dir(&dir.0)?;
    let tls_dir = dir.0.join("tls");
    std::fs::create_dir_all(&tls_dir).map_err(io(&tls_dir))?;
    write_private(&dir.key_path(), key.as_bytes())?;
    std::fs::write(dir.cert_path(), &cert).map_err(io(&dir.cert_path()))?;
    std::fs::write(dir.names_path(), names).map_err(io(&dir.names_path()))?;
    if let Some(seal_dir) = seal_key.parent() {
        std::fs::create_dir_all(seal_dir).map_err(io(seal_dir))?;
    }
    write_private(&seal_key, s_key.as_bytes())?;
    std::fs::write(&seal_cert, &s_cert).map_err(io(&seal_cert))?;
    Ok(JoinReport {
        data_dir: dir.0.clone(),
        joined: source.0.clone(),
        certificate: dir.cert_path(),
        fingerprint,
        seal_certificate: seal_cert,
        seal_fingerprint: seal.fingerprint(),
    })
}

/// Whether this platform lets several processes share a listening address with the kernel
/// spreading connections over them (`SO_REUSEPORT` on Linux).
pub const REUSE_PORT_SUPPORTED: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// The listening socket of `server run` on `addr` (`SO_REUSEADDR` on Unix, as
/// `TcpListener::bind`; backlog 1024). With `reuse_port`, also `SO_REUSEPORT`: other processes
/// of the same user that bind `addr` with it too share it, the kernel balancing new
/// connections over them (Linux only; elsewhere an error).
pub fn bind(addr: SocketAddr, reuse_port: bool) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    if reuse_port {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        socket.set_reuseport(true)?;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        return Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "--reuse-port 仅在 Linux 上可用（由内核在多个进程间分配连接）；其他平台请在多个进程前使用负载均衡器",
        ));
    }
    socket.bind(addr).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            let hint = if reuse_port {
                "（已占用它的进程未加 --reuse-port，或属于另一用户）"
            } else {
                "：若要与另一服务器进程共用此地址，所有进程都须加 --reuse-port"
            };
            std::io::Error::new(e.kind(), format!("{addr} 已被占用{hint}"))
        } else {
            e
        }
    })?;
    socket.listen(BACKLOG)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("permitdesk-join-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        p
    }

    #[test]
    fn joining_copies_the_keys_and_refuses_a_keyless_source_or_a_keyed_target() {
        let root = temp("unit");
        let first = DataDir(root.join("first"));
        let init = crate::admin::init(&first, &["hall.example".to_owned()]).unwrap();
        let second = DataDir(root.join("second"));
        let report = join(&first, &second).unwrap();
        assert_eq!(report.fingerprint, init.fingerprint);
        assert_eq!(report.seal_fingerprint, init.seal_fingerprint);
        assert_eq!(
            std::fs::read(first.key_path()).unwrap(),
            std::fs::read(second.key_path()).unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(second.names_path()).unwrap(),
            "hall.example"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&second.key_path()), 0o600);
            assert_eq!(mode(&crate::certificates::seal_paths(&second.0).1), 0o600);
            assert_eq!(mode(&second.0), 0o700);
        }
        // Joining again, or into the first, would overwrite a key.
        assert!(matches!(
            join(&first, &second),
            Err(JoinError::AlreadyHasKey(_))
        ));
        assert!(matches!(
            join(&second, &first),
            Err(JoinError::AlreadyHasKey(_))
        ));
        // A directory that was never initialised has nothing to give.
        let empty = DataDir(root.join("empty"));
        let e = join(&empty, &DataDir(root.join("third"))).unwrap_err();
        assert!(matches!(e, JoinError::SourceHasNoKey(_)));
        assert!(e.to_string().contains("没有服务器证书和私钥"), "{e}");
        assert!(!root.join("third").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[tokio::test]
    async fn a_port_is_shared_only_by_sockets_that_all_ask_for_it() {
        let first = bind("127.0.0.1:0".parse().unwrap(), REUSE_PORT_SUPPORTED).unwrap();
        let addr = first.local_addr().unwrap();
        // Without the flag, a second server on the address fails as before.
        let e = bind(addr, false).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse);
        assert!(e.to_string().contains("--reuse-port"), "{e}");
        if REUSE_PORT_SUPPORTED {
            let second = bind(addr, true).unwrap();
            assert_eq!(second.local_addr().unwrap(), addr);
        }
    }
}

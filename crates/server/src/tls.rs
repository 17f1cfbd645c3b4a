//! HTTPS only: the self-signed certificate made at `server init`, its public-key fingerprint
//! (what clients pin), the rustls configuration (TLS 1.2 and 1.3 only) and the accept loop with
//! its connection limits (handshake, header and idle timeouts; a connection cap).

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("无法生成自签名证书：{0}")]
    Generate(String),
    #[error("证书或私钥文件无法读取：{0}")]
    Pem(String),
    #[error("TLS 配置无效：{0}")]
    Config(String),
    #[error("证书结构无法解析，无法计算公钥指纹")]
    Der,
}

/// The address the connection came from, for the login rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// How long a generated certificate is valid: 825 days (the CA/Browser Forum's former limit,
/// the most clients accept for a server certificate) from the day before it is made (the day
/// before, so that a client whose clock is a little behind still accepts it). Clients pin the
/// key, not the certificate, so `permitdesk server renew-cert` re-issues it with the same key
/// and every client keeps working.
pub const CERTIFICATE_DAYS: u64 = 825;

/// A fresh self-signed certificate for `localhost` and `127.0.0.1` (plus `extra_names`) with a
/// fresh key (PEM certificate, PEM key), valid from yesterday for [`CERTIFICATE_DAYS`] days.
pub fn generate_self_signed(extra_names: &[String]) -> Result<(String, String), TlsError> {
    let key = rcgen::KeyPair::generate().map_err(|e| TlsError::Generate(e.to_string()))?;
    let cert = issue(&key, extra_names)?;
    Ok((cert, key.serialize_pem()))
}

/// A new certificate for the existing key `key_pem` (so the pinned fingerprint is kept),
/// valid from yesterday for [`CERTIFICATE_DAYS`] days.
pub fn renew_self_signed(key_pem: &str, extra_names: &[String]) -> Result<String, TlsError> {
    let key = rcgen::KeyPair::from_pem(key_pem).map_err(|e| TlsError::Pem(e.to_string()))?;
    issue(&key, extra_names)
}

fn issue(key: &rcgen::KeyPair, extra_names: &[String]) -> Result<String, TlsError> {
    use chrono::Datelike;
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    for n in extra_names {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let fail = |e: rcgen::Error| TlsError::Generate(e.to_string());
    let mut params = rcgen::CertificateParams::new(names).map_err(fail)?;
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let until = from + chrono::Days::new(CERTIFICATE_DAYS - 1);
    let ymd = |d: chrono::NaiveDate| {
        rcgen::date_time_ymd(
            d.year(),
            u8::try_from(d.month()).unwrap_or(1),
            u8::try_from(d.day()).unwrap_or(1),
        )
    };
    params.not_before = ymd(from);
    params.not_after = ymd(until);
    let cert = params.self_signed(key).map_err(fail)?;
    Ok(cert.pem())
}

/// SHA-256 (lower-case hex) of the DER SubjectPublicKeyInfo of a certificate: the pin a
/// client checks. It survives re-issuing the certificate with the same key.
pub fn spki_fingerprint(cert_der: &[u8]) -> Result<String, TlsError> {
    let spki = spki_of(cert_der).ok_or(TlsError::Der)?;
    Ok(hex::encode(Sha256::digest(spki)))
}

/// The fingerprint of the first certificate of a PEM file.
pub fn spki_fingerprint_pem(cert_pem: &str) -> Result<String, TlsError> {
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|e| TlsError::Pem(e.to_string()))?;
    spki_fingerprint(der.as_ref())
}

/// One DER element: (tag, header length, content length).
fn der_header(b: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | usize::from(*b.get(2 + i)?);
    }
    Some((tag, 2 + n, len))
}

/// The whole element at the start of `b`, and what follows it.
fn der_split(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, h, len) = der_header(b)?;
    let end = h.checked_add(len)?;
    Some((b.get(..end)?, b.get(end..)?))
}

fn der_content(b: &[u8]) -> Option<&[u8]> {
    let (_, h, len) = der_header(b)?;
    b.get(h..h.checked_add(len)?)
}

/// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
/// signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }
fn spki_of(cert: &[u8]) -> Option<&[u8]> {
    let tbs = der_content(der_content(cert)?)?;
    let mut rest = tbs;
    if *rest.first()? == 0xA0 {
        rest = der_split(rest)?.1;
    }
    for _ in 0..5 {
        rest = der_split(rest)?.1; // serial, signature, issuer, validity, subject
    }
    let (spki, _) = der_split(rest)?;
    (*spki.first()? == 0x30).then_some(spki)
}

/// The rustls server configuration: ring provider, TLS 1.3 and 1.2 only, HTTP/1.1.
pub fn server_config(cert_pem: &str, key_pem: &str) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Pem(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::Pem("没有证书".to_owned()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| TlsError::Pem(e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What a connection may cost the server: the time of each phase and how many at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// The TLS handshake.
    pub handshake: Duration,
    /// Reading a request's headers.
    pub header: Duration,
    /// A connection with nothing read or written for this long is closed (between requests:
    /// an idle keep-alive connection; a request in progress is finished first).
    pub idle: Duration,
    /// Connections open at once; past it new ones wait in the kernel's backlog.
    pub max_connections: usize,
}

impl ConnectionLimits {
    pub fn of(config: &crate::config::ServerConfig) -> Self {
        ConnectionLimits {
            handshake: config.handshake_timeout,
            header: config.header_timeout,
            idle: config.header_timeout,
            max_connections: config.max_connections.max(1),
        }
    }
}

/// A stream that notes when it last read or wrote anything (milliseconds since `epoch`).
struct Activity<S> {
    inner: S,
    last: Arc<AtomicU64>,
    epoch: Instant,
}

impl<S> Activity<S> {
    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Activity<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Activity<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serves `router` over TLS on `listener` until `shutdown` completes. Each connection runs on
/// its own task within `limits`: a handshake, a request's headers or an idle spell that takes
/// too long ends only that connection; at most `max_connections` are served at once.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Arc<rustls::ServerConfig>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        // A free slot first: past the cap, new connections wait in the backlog.
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let handshake = tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await;
            let stream = match handshake {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => return,
            };
            let svc = tower::ServiceExt::map_request(
                router,
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(PeerAddr(peer));
                    req
                },
            );
            let last = Arc::new(AtomicU64::new(0));
            let stream = Activity {
                inner: stream,
                last: last.clone(),
                epoch: Instant::now(),
            };
            let epoch = stream.epoch;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            tokio::pin!(conn);
            let tick = (limits.idle / 4).max(Duration::from_millis(50));
            let mut closing = false;
            loop {
                tokio::select! {
                    r = conn.as_mut() => {
                        if let Err(e) = r {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = tokio::time::sleep(tick), if !closing => {
                        let idle_ms = u64::try_from(epoch.elapsed().as_millis())
                            .unwrap_or(u64::MAX)
                            .saturating_sub(last.load(Ordering::Relaxed));
                        if Duration::from_millis(idle_ms) >= limits.idle {
                            // Ends an idle connection at once; a request in flight is answered.
                            conn.as_mut().graceful_shutdown();
                            closing = true;
                        }
                    }
                }
            }
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The (notBefore, notAfter) of a DER certificate, as the UTCTime/GeneralizedTime text.
    fn validity(cert: &[u8]) -> (String, String) {
        let tbs = der_content(der_content(cert).unwrap()).unwrap();
        let mut rest = tbs;
        if rest[0] == 0xA0 {
            rest = der_split(rest).unwrap().1;
        }
        for _ in 0..3 {
            rest = der_split(rest).unwrap().1; // serial, signature, issuer
        }
        let v = der_content(der_split(rest).unwrap().0).unwrap();
        let (a, b) = der_split(v).unwrap();
        let text = |t: &[u8]| String::from_utf8(der_content(t).unwrap().to_vec()).unwrap();
        (text(a), text(der_split(b).unwrap().0))
    }

    /// Valid from yesterday for 825 days: not from 1975 to 4096, nor ten years.
    #[test]
    fn a_generated_certificate_is_valid_for_825_days_from_yesterday() {
        let (cert, _) = generate_self_signed(&[]).unwrap();
        let der = CertificateDer::pem_slice_iter(cert.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let (from, until) = validity(&der);
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        // UTCTime: YYMMDDHHMMSSZ.
        assert_eq!(&from[..6], yesterday.format("%y%m%d").to_string(), "{from}");
        let last = yesterday + chrono::Days::new(CERTIFICATE_DAYS - 1);
        assert_eq!(&until[..6], last.format("%y%m%d").to_string(), "{until}");
    }

    /// Renewing keeps the key, hence the fingerprint clients pinned.
    #[test]
    fn a_renewed_certificate_keeps_the_key_and_its_fingerprint() {
        let (cert, key) = generate_self_signed(&["hall.example".to_owned()]).unwrap();
        let renewed = renew_self_signed(&key, &["hall.example".to_owned()]).unwrap();
        assert_ne!(cert, renewed);
        assert_eq!(
            spki_fingerprint_pem(&cert).unwrap(),
            spki_fingerprint_pem(&renewed).unwrap()
        );
        assert!(server_config(&renewed, &key).is_ok());
        assert!(renew_self_signed("not a key", &[]).is_err());
    }

    #[test]
    fn the_fingerprint_is_the_hash_of_the_public_key_info() {
        let (cert, key) = generate_self_signed(&[]).unwrap();
        let fp = spki_fingerprint_pem(&cert).unwrap();
        assert_eq!(fp.len(), 64);
        let kp = rcgen::KeyPair::from_pem(&key).unwrap();
        assert_eq!(
            fp,
            hex::encode(Sha256::digest(
                rcgen::PublicKeyData::subject_public_key_info(&kp)
            ))
        );
        assert!(server_config(&cert, &key).is_ok());
        // Another certificate has another key, hence another pin.
        let (other, _) = generate_self_signed(&[]).unwrap();
        assert_ne!(spki_fingerprint_pem(&other).unwrap(), fp);
        assert!(spki_fingerprint(b"\x30\x03\x02\x01\x01").is_err());
    }
}

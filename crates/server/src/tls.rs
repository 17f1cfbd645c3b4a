//! HTTPS only: the self-signed certificate made at `server init`, its public-key fingerprint
//! (what clients pin), the rustls configuration (TLS 1.2 and 1.3 only) and the accept loop.

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
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

/// How long a generated certificate is valid: ten years from the day before it is made (the
/// day before, so that a client whose clock is a little behind still accepts it). Clients pin
/// the key, not the certificate, so re-issuing with the same key keeps them working.
pub const CERTIFICATE_YEARS: i32 = 10;

/// A fresh self-signed certificate for `localhost` and `127.0.0.1` (PEM certificate, PEM key),
/// valid from yesterday for [`CERTIFICATE_YEARS`] years.
pub fn generate_self_signed(extra_names: &[String]) -> Result<(String, String), TlsError> {
    use chrono::Datelike;
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    names.extend(extra_names.iter().cloned());
    let fail = |e: rcgen::Error| TlsError::Generate(e.to_string());
    let mut params = rcgen::CertificateParams::new(names).map_err(fail)?;
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let ymd = |d: chrono::NaiveDate| {
        rcgen::date_time_ymd(
            d.year(),
            u8::try_from(d.month()).unwrap_or(1),
            u8::try_from(d.day()).unwrap_or(1),
        )
    };
    params.not_before = ymd(from);
    // The 28th: a day every month has.
    let until = chrono::NaiveDate::from_ymd_opt(from.year() + CERTIFICATE_YEARS, from.month(), 28)
        .unwrap_or(from);
    params.not_after = ymd(until);
    let key = rcgen::KeyPair::generate().map_err(fail)?;
    let cert = params.self_signed(&key).map_err(fail)?;
    Ok((cert.pem(), key.serialize_pem()))
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

/// Serves `router` over TLS on `listener` until `shutdown` completes. Each connection runs on
/// its own task; a failed handshake only ends that connection.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Arc<rustls::ServerConfig>,
    shutdown: impl Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(tls);
    tokio::pin!(shutdown);
    loop {
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
            let handshake =
                tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp))
                    .await;
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
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
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

    /// Valid from yesterday for ten years: not from 1975 to 4096.
    #[test]
    fn a_generated_certificate_is_valid_for_ten_years_from_yesterday() {
        use chrono::Datelike;
        let (cert, _) = generate_self_signed(&[]).unwrap();
        let der = CertificateDer::pem_slice_iter(cert.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let (from, until) = validity(&der);
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        // UTCTime: YYMMDDHHMMSSZ.
        assert_eq!(&from[..6], yesterday.format("%y%m%d").to_string(), "{from}");
        let until_year: i32 = 2000 + until[..2].parse::<i32>().unwrap();
        assert_eq!(until_year, yesterday.year() + 10, "{until}");
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

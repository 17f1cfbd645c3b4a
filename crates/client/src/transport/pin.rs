//! Server authentication: the SHA-256 of the certificate's SubjectPublicKeyInfo pinned by a
//! custom rustls verifier (checked in the handshake of the very connection that carries the
//! data), or a CA certificate file given by the administrator.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Why a TLS configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsSetupError {
    #[error("服务器指纹格式错误：应为 64 位十六进制（可含冒号，可加 sha256: 前缀），实际为“{0}”")]
    BadFingerprint(String),
    #[error("无法读取 CA 证书文件 {path}：{message}")]
    CaFile { path: String, message: String },
    #[error("TLS 配置错误：{0}")]
    Rustls(String),
}

/// Parse a fingerprint as printed by `permitdesk server init` (hex, any case, colons allowed,
/// optional `sha256:` prefix).
pub fn parse_fingerprint(s: &str) -> Result<[u8; 32], TlsSetupError> {
    let t = s.trim();
    let t = t
        .strip_prefix("sha256:")
        .or_else(|| t.strip_prefix("SHA256:"))
        .unwrap_or(t);
    let cleaned: String = t.chars().filter(|c| *c != ':').collect();
    let bytes = hex::decode(cleaned.to_ascii_lowercase())
        .map_err(|_| TlsSetupError::BadFingerprint(s.to_owned()))?;
    bytes
        .try_into()
        .map_err(|_| TlsSetupError::BadFingerprint(s.to_owned()))
}

/// The fingerprint of a DER certificate: SHA-256 of its SubjectPublicKeyInfo, as 64 hex digits.
pub fn spki_fingerprint(cert_der: &[u8]) -> Result<String, String> {
    let (_, cert) =
        x509_parser::parse_x509_certificate(cert_der).map_err(|e| format!("证书无法解析：{e}"))?;
    Ok(hex::encode(Sha256::digest(
        cert.tbs_certificate.subject_pki.raw,
    )))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Accepts exactly one public key, whatever the name or dates on the certificate: the pin is
/// the trust anchor (a self-signed server certificate is the normal case).
#[derive(Debug)]
pub struct PinnedKeyVerifier {
    pin: [u8; 32],
    algorithms: WebPkiSupportedAlgorithms,
    /// The fingerprint of a refused certificate, so the caller can say what it saw.
    refused: Arc<Mutex<Option<String>>>,
}

impl ServerCertVerifier for PinnedKeyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = spki_fingerprint(end_entity.as_ref()).map_err(rustls::Error::General)?;
        if seen == hex::encode(self.pin) {
            return Ok(ServerCertVerified::assertion());
        }
        if let Ok(mut r) = self.refused.lock() {
            *r = Some(seen.clone());
        }
        Err(rustls::Error::General(format!(
            "服务器公钥指纹为 {seen}，与登录时固定的 {} 不符",
            hex::encode(self.pin)
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// How the server is authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerTrust {
    /// SHA-256 of the server's public key (SubjectPublicKeyInfo).
    Pinned(String),
    /// A PEM file of CA certificates that sign the server's certificate (name checked).
    CaFile(std::path::PathBuf),
}

/// Where the verifier reports the fingerprint of a refused certificate.
pub type RefusedKey = Arc<Mutex<Option<String>>>;

/// A rustls client configuration for the trust, and where a pinning refusal is reported.
pub fn client_config(trust: &ServerTrust) -> Result<(ClientConfig, RefusedKey), TlsSetupError> {
    let provider = provider();
    let refused = Arc::new(Mutex::new(None));
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    let config = match trust {
        ServerTrust::Pinned(fp) => {
            let verifier = PinnedKeyVerifier {
                pin: parse_fingerprint(fp)?,
                algorithms: provider.signature_verification_algorithms,
                refused: refused.clone(),
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
        ServerTrust::CaFile(path) => {
            let roots = load_roots(path)?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok((config, refused))
}

fn load_roots(path: &Path) -> Result<RootCertStore, TlsSetupError> {
    use rustls::pki_types::pem::PemObject;
    let err = |m: String| TlsSetupError::CaFile {
        path: path.display().to_string(),
        message: m,
    };
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| err(e.to_string()))? {
        roots
            .add(cert.map_err(|e| err(e.to_string()))?)
            .map_err(|e| err(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(err("文件中没有证书".to_owned()));
    }
    Ok(roots)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_in_the_usual_spellings() {
        let hexfp = "ab".repeat(32);
        let colons = vec!["AB"; 32].join(":");
        for s in [
            hexfp.clone(),
            colons,
            format!("sha256:{hexfp}"),
            format!("  {hexfp}\n"),
        ] {
            assert_eq!(parse_fingerprint(&s).unwrap(), [0xab; 32], "{s}");
        }
        for bad in ["", "abc", &"ab".repeat(31), &"zz".repeat(32)] {
            assert!(parse_fingerprint(bad).is_err(), "{bad}");
        }
    }
}

//! 电子证照 (issue 14): the server's signed certificate file, and its verification: the PAdES
//! signature checked here (valid, document intact, signed by the server's seal certificate),
//! the number and verification code read from the signature, and the status asked from the
//! server. The verdict is in Chinese; `valid` is what a caller's exit code follows.

use crate::Profile;
use crate::error::{ClientError, Result};
use crate::transport::http::HttpTransport;
use permitdesk_protocol::certificates::{CertificateState, CertificateStatusAnswer};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What the file itself shows, without asking anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalCheck {
    /// A PAdES (or PKCS#7) signature is present.
    pub signed: bool,
    /// The signature is cryptographically valid over the bytes it covers.
    pub signature_valid: bool,
    /// Nothing was changed or added after the signature (it covers the whole file).
    pub intact: bool,
    /// SHA-256 (hex) of the signer's certificate.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signer_fingerprint: Option<String>,
    /// The certificate number and verification code, from the signature's verification address.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub number: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub code: Option<String>,
    /// SHA-256 (hex) of the file.
    pub sha256: String,
}

/// The verdict on a certificate file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateVerdict {
    /// Signature valid, file intact, signed by the server's seal, and the certificate 有效.
    pub valid: bool,
    /// One Chinese sentence.
    pub summary: String,
    /// Each check in Chinese (✓/✗ lines).
    pub checks: Vec<String>,
    pub local: LocalCheck,
    /// What the server said (None when it could not be asked or did not know the number).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<CertificateStatusAnswer>,
}

/// Checks the PAdES signature of `pdf` locally.
pub fn check_file(pdf: &[u8]) -> LocalCheck {
    use underskrift::verify::report::{CryptoValidity, SignatureStatus};
    let sha256 = hex::encode(Sha256::digest(pdf));
    let trust = underskrift::trust::TrustStoreSet::new();
    let report = underskrift::verify::SignatureVerifier::new(&trust).verify_pdf(pdf);
    let (number, code) = verification_address(pdf)
        .and_then(|url| parse_verify_url(&url))
        .map_or((None, None), |(n, c)| (Some(n), Some(c)));
    let Ok(report) = report else {
        return LocalCheck {
            signed: false,
            signature_valid: false,
            intact: false,
            signer_fingerprint: None,
            number,
            code,
            sha256,
        };
    };
    let last = report.signatures.last();
    let signature_valid = last.is_some_and(|s| {
        s.cryptographic_validity == CryptoValidity::Valid
            && s.digest_matches
            && matches!(
                s.status,
                SignatureStatus::Valid | SignatureStatus::ValidButUntrusted
            )
    });
    let intact = last.is_some_and(|s| {
        s.integrity_ok && s.covers_whole_document && !s.modifications_after_signing
    }) && !report.document_modified;
    LocalCheck {
        signed: last.is_some(),
        signature_valid,
        intact,
        signer_fingerprint: last
            .and_then(|s| s.signer_cert_der.as_ref())
            .map(|der| hex::encode(Sha256::digest(der))),
        number,
        code,
        sha256,
    }
}

/// The /ContactInfo of the file's signature dictionary: the certificate's verification address.
fn verification_address(pdf: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    doc.objects.values().find_map(|o| {
        let d = o.as_dict().ok()?;
        if d.get(b"ByteRange").is_err() {
            return None;
        }
        let bytes = d.get(b"ContactInfo").ok()?.as_str().ok()?;
        String::from_utf8(bytes.to_vec()).ok()
    })
}

/// (number, code) from `…/verify/{number}?h={code}`.
pub fn parse_verify_url(url: &str) -> Option<(String, String)> {
    let rest = &url[url.find("/verify/")? + "/verify/".len()..];
    let (number, query) = rest.split_once('?')?;
    let code = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("h="))?
        .to_owned();
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (ok(number) && ok(&code)).then(|| (number.to_owned(), code))
}

/// The verdict from the local check and the server's answer (or why it could not be had).
pub fn verdict(
    local: LocalCheck,
    status: std::result::Result<CertificateStatusAnswer, String>,
) -> CertificateVerdict {
    let mark = |ok: bool, text: &str| format!("{} {text}", if ok { "✓" } else { "✗" });
    let mut checks = vec![
        mark(local.signed, "文件带有电子签章"),
        mark(local.signature_valid, "电子签章有效"),
        mark(local.intact, "签章后文件未被改动"),
    ];
    let (status, server_note) = match status {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let signer_ok = match (&status, &local.signer_fingerprint) {
        (Some(s), Some(fp)) => &s.seal_fingerprint == fp,
        _ => false,
    };
    checks.push(mark(signer_ok, "签章证书是发证系统的电子印章证书"));
    let hash_ok = status
        .as_ref()
        .and_then(|s| s.sha256.as_ref())
        .is_none_or(|h| h == &local.sha256);
    if status.as_ref().is_some_and(|s| s.sha256.is_some()) {
        checks.push(mark(hash_ok, "文件与发证系统存档一致"));
    }
    let state_ok = status
        .as_ref()
        .is_some_and(|s| s.status == CertificateState::Valid);
    match &status {
        Some(s) => checks.push(mark(state_ok, &format!("证照状态：{}", s.status_label))),
        None => checks.push(mark(
            false,
            &format!(
                "未能查询证照状态：{}",
                server_note.as_deref().unwrap_or("未知原因")
            ),
        )),
    }
    let valid =
        local.signed && local.signature_valid && local.intact && signer_ok && hash_ok && state_ok;
    let number = local
        .number
        .clone()
        .unwrap_or_else(|| "（无法读取）".to_owned());
    let summary = if valid {
        format!("核验通过：电子证照 {number} 真实有效。")
    } else if !local.signed || !local.signature_valid || !local.intact || !signer_ok || !hash_ok {
        format!(
            "核验未通过：电子证照 {number} 的电子签章无效或文件已被改动，不能作为有效证照使用。"
        )
    } else if let Some(s) = &status {
        match &s.revocation_reason {
            Some(r) => format!(
                "核验未通过：电子证照 {number} {}（原因：{r}）。",
                s.status_label
            ),
            None => format!("核验未通过：电子证照 {number} {}。", s.status_label),
        }
    } else {
        format!("核验未完成：电子签章有效，但未能向发证系统查询证照 {number} 的状态。")
    };
    CertificateVerdict {
        valid,
        summary,
        checks,
        local,
        status,
    }
}

/// Verifies `pdf`: the signature here, the status from the server behind `t`.
pub fn verify_with(t: &HttpTransport, pdf: &[u8]) -> CertificateVerdict {
    let local = check_file(pdf);
    let status = match (&local.number, &local.code) {
        (Some(n), Some(c)) => t.certificate_status(n, c).map_err(|e| e.to_string()),
        _ => Err("文件中没有电子证照的核验信息".to_owned()),
    };
    verdict(local, status)
}

impl Profile {
    /// Verifies a certificate file with the server this profile logged in to.
    pub fn verify_certificate(&self, pdf: &[u8]) -> Result<CertificateVerdict> {
        let t = self.transport()?;
        Ok(verify_with(&t, pdf))
    }

    /// The server's signed file of certificate `number` (needs the network).
    pub fn certificate_file(&self, number: &str) -> Result<Vec<u8>> {
        let t = self.transport()?;
        let token = self.token()?;
        t.certificate_file(&token, number).map_err(|e| match e {
            crate::transport::TransportError::Unreachable(m) => ClientError::Invalid(format!(
                "电子证照须从服务器下载，当前无法连接服务器（{m}），请联网后重试"
            )),
            other => other.into(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_verification_address_gives_number_and_code() {
        assert_eq!(
            parse_verify_url("https://127.0.0.1:8443/verify/ZJJ-2026-000001?h=0123abcd0123abcd"),
            Some(("ZJJ-2026-000001".into(), "0123abcd0123abcd".into()))
        );
        assert_eq!(parse_verify_url("https://x/verify/?h=1"), None);
        assert_eq!(parse_verify_url("https://x/other"), None);
    }

    #[test]
    fn an_unsigned_file_is_not_valid() {
        let v = verdict(check_file(b"%PDF-1.7\n%%EOF\n"), Err("无".into()));
        assert!(!v.valid);
        assert!(v.summary.contains("核验未通过"));
    }
}

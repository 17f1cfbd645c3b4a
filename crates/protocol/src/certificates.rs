//! 电子证照核验 (issue 14): the public status answer of `GET /api/v1/certificates/{number}/status`
//! (the same facts as the page at `/verify/{number}`), and the paths of the certificate routes.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/certificates/{number}/status?h=CODE` (public) and
/// `GET /api/v1/certificates/{number}/file` (signed in, scope-checked).
pub const CERTIFICATES: &str = "/api/v1/certificates";
/// `GET /verify/{number}?h=CODE`: the public verification page (HTML) the QR code opens.
pub const VERIFY_PAGE: &str = "/verify";

/// 证照状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CertificateState {
    /// 有效.
    Valid,
    /// 已撤销.
    Revoked,
    /// 已被替换.
    Superseded,
}

impl CertificateState {
    pub fn label(self) -> &'static str {
        match self {
            CertificateState::Valid => "有效",
            CertificateState::Revoked => "已撤销",
            CertificateState::Superseded => "已被替换",
        }
    }
}

/// What the server says about a certificate number with its verification code. Nothing
/// personal: the certificate's name, number, issuer, date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateStatusAnswer {
    /// 编号.
    pub number: String,
    /// 证照名称.
    pub name: String,
    /// 发证部门.
    pub issuer: String,
    /// 发证日期 (YYYY-MM-DD).
    pub issued_on: String,
    pub status: CertificateState,
    /// 状态 in words: 有效, 已撤销 or 已被替换.
    pub status_label: String,
    /// 撤销原因, when revoked.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// Whether the code given (`h`) is this certificate's (always true in a 200 answer).
    pub code_matches: bool,
    /// Whether the signed file has been issued (false for a few seconds after the completion).
    pub file_issued: bool,
    /// SHA-256 (hex) of the signed file, once issued: a downloaded copy must hash to it.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SHA-256 (hex) of the server's seal certificate (DER): the signer a file must carry.
    pub seal_fingerprint: String,
}

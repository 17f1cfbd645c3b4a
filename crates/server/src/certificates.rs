//! 电子证照 (issue 14, item 3): the server numbers every e-certificate when it applies a granted
//! completion, keeps a registry of what it issued (with the status 有效, 已撤销, 已被替换),
//! renders the certificate with the documents crate, stamps the red round seal on it, signs it
//! (PAdES B-B, `underskrift`) with the seal key kept in the data directory, and answers anyone
//! who scans the QR code.
//!
//! Numbering scheme: `{department code}-{year}-{6-digit sequence}`, e.g. `ZJJ-2026-000001`: one
//! series per department and Beijing calendar year, kept in the generic `numbering` table under
//! the series name `certificate/{department}/{year}`. The push pipeline peeks the next value
//! inside its transaction (writers are serialised) and stores it only when the command is
//! applied, so a refused completion consumes no number.
//!
//! Issuing the file happens after the push commits: the registry row is written in the push's
//! transaction with `file_state = pending`; [`issue_pending`] (called right after a push and by
//! the scheduler as a retry) renders, signs, stores the file and marks it issued.

use crate::error::StoreError;
use crate::state::AppState;
use crate::store::rules::{self, Sql};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use permitdesk_domain::case::{Case, CaseCommand, Decision};
use permitdesk_domain::ids::CertificateNumber;
use permitdesk_domain::project::Project;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{CommandEnvelope, DomainCommand, EntityRef};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The seal's legend when the department has no name in the catalogue.
pub const SEAL_LEGEND: &str = "哈尔滨市工程建设项目审批专用章";

/// The numbering series of a department's certificates in a year.
pub fn certificate_series(department: &str, year: i32) -> String {
    format!("certificate/{department}/{year}")
}

/// The certificate number of the `seq`-th certificate of a department in a year.
pub fn certificate_number(department: &str, year: i32, seq: u64) -> String {
    format!("{department}-{year}-{seq:06}")
}

/// 证照状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// 有效.
    Valid,
    /// 已撤销.
    Revoked,
    /// 已被替换.
    Superseded,
}

impl CertificateStatus {
    pub fn label(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "有效",
            CertificateStatus::Revoked => "已撤销",
            CertificateStatus::Superseded => "已被替换",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Revoked => "revoked",
            CertificateStatus::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Result<CertificateStatus, StoreError> {
        match s {
            "valid" => Ok(CertificateStatus::Valid),
            "revoked" => Ok(CertificateStatus::Revoked),
            "superseded" => Ok(CertificateStatus::Superseded),
            other => Err(StoreError::Corrupt(format!("certificate status {other}"))),
        }
    }
}

/// Whether the signed file exists yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// Numbered in the push; the file is still to be rendered and signed.
    Pending,
    /// Rendered, signed and stored.
    Issued,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Pending => "pending",
            FileState::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Result<FileState, StoreError> {
        match s {
            "pending" => Ok(FileState::Pending),
            "issued" => Ok(FileState::Issued),
            other => Err(StoreError::Corrupt(format!(
                "certificate file state {other}"
            ))),
        }
    }
}

/// One row of the registry (without the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateRow {
    pub number: String,
    /// The case's entity key.
    pub entity_key: String,
    pub case_id: String,
    pub item: String,
    pub department: String,
    /// 证照名称.
    pub name: String,
    pub issued_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub status: CertificateStatus,
    pub revocation_reason: Option<String>,
    /// When the status last changed.
    pub changed_at: Option<DateTime<Utc>>,
    pub file_state: FileState,
    /// SHA-256 of the signed file (hex), once issued.
    pub sha256: Option<String>,
    /// Failed attempts at rendering and signing.
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The registry's columns as the backends select them, in [`RegistryRow`]'s order.
pub(crate) const REGISTRY_COLUMNS: &str = "number, entity_key, case_id, item, department, name, issued_on, issued_at, status, revocation_reason, changed_at, file_state, sha256, attempts, last_error";

/// A registry row as stored (text dates and states), before [`registry_row`] parses it.
#[derive(Debug, Clone)]
pub(crate) struct RegistryRow {
    pub number: String,
    pub entity_key: String,
    pub case_id: String,
    pub item: String,
    pub department: String,
    pub name: String,
    pub issued_on: String,
    pub issued_at: String,
    pub status: String,
    pub revocation_reason: Option<String>,
    pub changed_at: Option<String>,
    pub file_state: String,
    pub sha256: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

pub(crate) fn registry_row(r: RegistryRow) -> Result<CertificateRow, StoreError> {
    let issued_on = NaiveDate::parse_from_str(&r.issued_on, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("certificate issued_on: {e}")))?;
    Ok(CertificateRow {
        number: r.number,
        entity_key: r.entity_key,
        case_id: r.case_id,
        item: r.item,
        department: r.department,
        name: r.name,
        issued_on,
        issued_at: crate::store::parse_time(&r.issued_at)?,
        status: CertificateStatus::parse(&r.status)?,
        revocation_reason: r.revocation_reason,
        changed_at: r
            .changed_at
            .as_deref()
            .map(crate::store::parse_time)
            .transpose()?,
        file_state: FileState::parse(&r.file_state)?,
        sha256: r.sha256,
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        last_error: r.last_error,
    })
}

/// Which rows to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateQuery {
    All,
    Number(String),
    /// Rows whose file is still pending, oldest first.
    Pending {
        limit: u32,
    },
}

/// A change of a registry row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateUpdate {
    Issued { sha256: String, file: Vec<u8> },
    Failed { error: String },
    Revoke { reason: String, at: DateTime<Utc> },
    Supersede { at: DateTime<Utc> },
}

/// Whether a pushed command is a granted completion (which registers a certificate).
pub fn is_grant(cmd: &CommandEnvelope) -> bool {
    matches!(
        &cmd.command,
        DomainCommand::Case {
            command: CaseCommand::Complete {
                decision: Decision::Granted { .. }
            },
            ..
        }
    )
}

// --- numbering inside the push transaction

/// A granted completion numbered by the server: the command as it is decided (with the
/// number and the issue date), and what to store if it is applied.
#[derive(Debug, Clone)]
pub(crate) struct Assigned {
    pub command: CommandEnvelope,
    series: String,
    value: u64,
    row: CertificateRow,
}

/// The next number for a granted completion (None for every other command, and for a case
/// that does not exist: the decision refuses it). Reads only: nothing is consumed here.
pub(crate) async fn assign<S: Sql>(
    s: &S,
    cmd: &CommandEnvelope,
    now: DateTime<Utc>,
) -> Result<Option<Assigned>, StoreError> {
    let DomainCommand::Case {
        case,
        command:
            CaseCommand::Complete {
                decision: Decision::Granted { certificate },
            },
    } = &cmd.command
    else {
        return Ok(None);
    };
    let key = EntityRef::Case(case.clone()).key();
    let Some(loaded) = rules::load_entity(s, &key).await? else {
        return Ok(None);
    };
    let events: Vec<_> = loaded
        .events
        .into_iter()
        .filter_map(crate::store::case_event)
        .collect();
    let Ok(state) = Case::replay(&events) else {
        return Ok(None);
    };
    let today = to_local(now).date();
    let year = today.year();
    let department = state.department.as_str().to_owned();
    let series = certificate_series(&department, year);
    let value = s.number_last(&series).await?.unwrap_or(0) + 1;
    let number = certificate_number(&department, year, value);
    let mut command = cmd.clone();
    if let DomainCommand::Case {
        command:
            CaseCommand::Complete {
                decision: Decision::Granted { certificate: c },
            },
        ..
    } = &mut command.command
    {
        c.number = CertificateNumber::new(number.clone());
        c.issued_on = today;
    }
    Ok(Some(Assigned {
        command,
        series,
        value,
        row: CertificateRow {
            number,
            entity_key: key,
            case_id: case.as_str().to_owned(),
            item: state.item.as_str().to_owned(),
            department,
            name: certificate.name.trim().to_owned(),
            issued_on: today,
            issued_at: now,
            status: CertificateStatus::Valid,
            revocation_reason: None,
            changed_at: None,
            file_state: FileState::Pending,
            sha256: None,
            attempts: 0,
            last_error: None,
        },
    }))
}

/// Consumes the number and registers the certificate (pending): after the command's events
/// are appended, in the same transaction.
pub(crate) async fn record<S: Sql>(s: &S, a: &Assigned) -> Result<(), StoreError> {
    s.set_number_last(&a.series, a.value).await?;
    s.insert_certificate(&a.row).await
}

// --- the seal key

/// Why the seal key or a signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("电子印章密钥无法生成：{0}")]
    Generate(String),
    #[error("电子印章密钥或证书无法读取：{0}")]
    Load(String),
    #[error("{path}：{message}")]
    Io { path: PathBuf, message: String },
    #[error("电子证照签章失败：{0}")]
    Sign(String),
    #[error("电子证照无法生成：{0}")]
    Render(String),
}

/// The files of the seal key in a data directory.
pub fn seal_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("seal");
    (dir.join("seal-cert.pem"), dir.join("seal-key.pem"))
}

/// The seal's signing key and its self-signed X.509 certificate.
pub struct SealKey {
    key: p256::ecdsa::SigningKey,
    cert_der: Vec<u8>,
    cert_pem: String,
    /// HMAC key of the verification codes, derived from the private key.
    code_key: [u8; 32],
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealKey")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl SealKey {
    /// A fresh P-256 key and a self-signed certificate for the seal (PEM certificate, PEM key),
    /// valid for ten years from yesterday.
    pub fn generate() -> Result<(String, String), SealError> {
        let fail = |e: rcgen::Error| SealError::Generate(e.to_string());
        let key = rcgen::KeyPair::generate().map_err(fail)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(rcgen::DnType::CommonName, SEAL_LEGEND);
        dn.push(
            rcgen::DnType::OrganizationName,
            "哈尔滨市工程建设项目审批管理系统",
        );
        dn.push(rcgen::DnType::CountryName, "CN");
        params.distinguished_name = dn;
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::ContentCommitment,
        ];
        let from = Utc::now().date_naive() - chrono::Days::new(1);
        let until = from + chrono::Days::new(3650);
        let ymd = |d: NaiveDate| {
            rcgen::date_time_ymd(
                d.year(),
                u8::try_from(d.month()).unwrap_or(1),
                u8::try_from(d.day()).unwrap_or(1),
            )
        };
        params.not_before = ymd(from);
        params.not_after = ymd(until);
        let cert = params.self_signed(&key).map_err(fail)?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<SealKey, SealError> {
        use p256::pkcs8::DecodePrivateKey;
        let load = |e: String| SealError::Load(e);
        let key =
            p256::ecdsa::SigningKey::from_pkcs8_pem(key_pem).map_err(|e| load(e.to_string()))?;
        let cert_der = {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            CertificateDer::from_pem_slice(cert_pem.as_bytes())
                .map_err(|e| load(format!("证书不是 PEM：{e}")))?
                .to_vec()
        };
        let mut h = Sha256::new();
        h.update(b"permitdesk certificate verification code v1");
        h.update(key.to_bytes());
        Ok(SealKey {
            key,
            cert_der,
            cert_pem: cert_pem.to_owned(),
            code_key: h.finalize().into(),
        })
    }

    /// Loads the data directory's seal key, making one first if there is none (a data
    /// directory initialised before issue 14); true if it was made.
    pub fn ensure(data_dir: &Path) -> Result<(SealKey, bool), SealError> {
        let (cert_path, key_path) = seal_paths(data_dir);
        let io = |path: &Path| {
            let path = path.to_owned();
            move |e: std::io::Error| SealError::Io {
                path: path.clone(),
                message: e.to_string(),
            }
        };
        let created = !cert_path.exists() || !key_path.exists();
        if created {
            if let Some(dir) = key_path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            let (cert, key) = SealKey::generate()?;
            write_private(&key_path, &key).map_err(io(&key_path))?;
            std::fs::write(&cert_path, cert).map_err(io(&cert_path))?;
        }
        let cert = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
        let key = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
        Ok((SealKey::from_pem(&cert, &key)?, created))
    }

    /// A seal key held in memory only (tests).
    pub fn ephemeral() -> Result<SealKey, SealError> {
        let (cert, key) = SealKey::generate()?;
        SealKey::from_pem(&cert, &key)
    }

    /// SHA-256 (hex) of the seal certificate (DER): what `certificate verify` compares.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(&self.cert_der))
    }

    pub fn certificate_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The verification code of a certificate: 16 hex digits of an HMAC over the number, the
    /// case and the issue date (nothing personal).
    pub fn code(&self, number: &str, case_id: &str, issued_on: NaiveDate) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.code_key) else {
            return String::new();
        };
        mac.update(format!("{number}|{case_id}|{issued_on}").as_bytes());
        let tag = mac.finalize().into_bytes();
        hex::encode(&tag[..8])
    }

    /// Whether `code` is the verification code of the row (constant time).
    pub fn code_matches(&self, row: &CertificateRow, code: &str) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.code_key) else {
            return false;
        };
        mac.update(format!("{}|{}|{}", row.number, row.case_id, row.issued_on).as_bytes());
        let Ok(given) = hex::decode(code.trim()) else {
            return false;
        };
        given.len() == 8 && mac.verify_truncated_left(&given).is_ok()
    }

    /// Signs `pdf` (PAdES B-B, SHA-256, ECDSA P-256) as an incremental update. The signature
    /// dictionary's /ContactInfo carries the certificate's verification address (ASCII), which
    /// `certificate verify` reads back.
    pub async fn sign(&self, pdf: &[u8], verify_url: &str) -> Result<Vec<u8>, SealError> {
        let signer = Signer {
            key: self.key.clone(),
            cert: self.cert_der.clone(),
        };
        let options = underskrift::SigningOptions {
            contact_info: Some(verify_url.to_owned()),
            cms_signing_time: Some(Utc::now().naive_utc()),
            field_name: "PermitDeskSeal".to_owned(),
            ..Default::default()
        };
        underskrift::PdfSigner::new()
            .options(options)
            .sign(pdf, &signer)
            .await
            .map_err(|e| SealError::Sign(e.to_string()))
    }
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

/// The seal key as underskrift's signer: ECDSA P-256 over the digest the CMS builder gives
/// (`sign_hash` receives the SHA-256 of the signed attributes, so it signs the pre-hash).
struct Signer {
    key: p256::ecdsa::SigningKey,
    cert: Vec<u8>,
}

impl underskrift::CryptoSigner for Signer {
    fn sign_hash(&self, hash: &[u8]) -> Result<Vec<u8>, underskrift::error::CryptoError> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let sig: p256::ecdsa::Signature = self
            .key
            .sign_prehash(hash)
            .map_err(|e| underskrift::error::CryptoError::SigningFailed(e.to_string()))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }

    fn certificate_der(&self) -> &[u8] {
        &self.cert
    }

    fn certificate_chain_der(&self) -> Vec<&[u8]> {
        vec![self.cert.as_slice()]
    }

    fn digest_algorithm(&self) -> underskrift::DigestAlgorithm {
        underskrift::DigestAlgorithm::Sha256
    }

    fn signature_algorithm(&self) -> underskrift::SignatureAlgorithm {
        underskrift::SignatureAlgorithm::EcdsaP256
    }
}

// --- issuing the files

/// The public address of the verification page of a certificate.
pub fn verify_url(public_url: &str, number: &str, code: &str) -> String {
    format!(
        "{}/verify/{number}?h={code}",
        public_url.trim_end_matches('/')
    )
}

/// Renders, seals and signs one registered certificate: the PDF bytes.
pub async fn render_signed(
    state: &AppState,
    seal: &Arc<SealKey>,
    row: &CertificateRow,
) -> Result<Vec<u8>, SealError> {
    let render = |e: String| SealError::Render(e);
    let case_events = state
        .store
        .entity_events(&row.entity_key)
        .await
        .map_err(|e| render(e.to_string()))?;
    let events: Vec<_> = case_events
        .iter()
        .filter_map(|e| serde_json::from_str(&e.json).ok())
        .filter_map(crate::store::case_event)
        .collect();
    let case = Case::replay(&events).map_err(|e| render(e.to_string()))?;
    let project_key = EntityRef::Project(case.project.clone()).key();
    let project_events: Vec<_> = state
        .store
        .entity_events(&project_key)
        .await
        .map_err(|e| render(e.to_string()))?
        .iter()
        .filter_map(|e| serde_json::from_str::<permitdesk_protocol::DomainEvent>(&e.json).ok())
        .filter_map(|e| match e {
            permitdesk_protocol::DomainEvent::Project(s) => Some(s.event),
            _ => None,
        })
        .collect();
    let project = Project::replay(&project_events)
        .map_err(|e| render(e.to_string()))?
        .ok_or_else(|| render("项目不存在".to_owned()))?;
    let reference = state.reference();
    let catalogue = &reference.catalogue;
    let d = &project.details;
    // The address as every other paper prints it: the district's full name, then what was
    // typed (without repeating the district when it was typed too).
    let address = permitdesk_documents::from_domain::full_address(
        &d.location.district.division().full_name(),
        &d.location.address,
    );
    let mut content = vec![("建设地址".to_owned(), address)];
    if let Some(w) = project.works.iter().find(|w| w.id == case.works) {
        content.push(("工程名称".to_owned(), w.name.clone()));
        content.push(("建设规模".to_owned(), w.building_area.to_string()));
    }
    let code = seal.code(&row.number, &row.case_id, row.issued_on);
    let url = verify_url(&state.config.public_url(), &row.number, &code);
    let view = permitdesk_documents::from_domain::certificate(
        &case,
        &project,
        catalogue,
        content,
        code,
        url.clone(),
    )
    .map_err(|e| render(e.to_string()))?;
    let legend = catalogue
        .department(&case.department)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| SEAL_LEGEND.to_owned());
    // Typesetting and signing are CPU work: off the async workers.
    let seal = seal.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let pdf = permitdesk_documents::render_sealed_certificate(&view, &legend)
            .map_err(|e| SealError::Render(e.to_string()))?;
        handle.block_on(seal.sign(&pdf, &url))
    })
    .await
    .map_err(|e| SealError::Render(e.to_string()))?
}

/// Renders and signs the certificates still pending (at most `limit`): the number issued.
/// Called after each push that registered one and by the scheduler; a failure is recorded
/// on the row and retried at the next pass.
pub async fn issue_pending(state: &AppState, limit: u32) -> Result<usize, StoreError> {
    if state.config.seal.is_none() {
        return Ok(0);
    }
    let rows = state
        .store
        .certificates(CertificateQuery::Pending { limit })
        .await?;
    let mut issued = 0;
    for row in rows {
        if issue_one(state, &row).await? {
            issued += 1;
        }
    }
    Ok(issued)
}

/// One process renders at a time, so that a push, the scheduler and a download do not sign
/// the same certificate twice (across processes, the first stored file wins).
static ISSUING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Renders, signs and stores one pending certificate; false if it failed (recorded on the
/// row) or there is no seal key.
pub async fn issue_one(state: &AppState, row: &CertificateRow) -> Result<bool, StoreError> {
    let Some(seal) = state.config.seal.clone() else {
        return Ok(false);
    };
    let _turn = ISSUING.lock().await;
    // Issued meanwhile by another caller?
    let current = state
        .store
        .certificates(CertificateQuery::Number(row.number.clone()))
        .await?;
    if current.iter().all(|r| r.file_state != FileState::Pending) {
        return Ok(true);
    }
    match render_signed(state, &seal, row).await {
        Ok(pdf) => {
            let sha256 = hex::encode(Sha256::digest(&pdf));
            state
                .store
                .update_certificate(&row.number, CertificateUpdate::Issued { sha256, file: pdf })
                .await?;
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(number = %row.number, error = %e, "certificate not issued yet");
            state
                .store
                .update_certificate(
                    &row.number,
                    CertificateUpdate::Failed {
                        error: e.to_string(),
                    },
                )
                .await?;
            Ok(false)
        }
    }
}

/// The seal of a server process, shared.
pub type SharedSeal = Option<Arc<SealKey>>;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_scheme() {
        assert_eq!(certificate_number("ZJJ", 2026, 1), "ZJJ-2026-000001");
        assert_eq!(certificate_series("ZJJ", 2026), "certificate/ZJJ/2026");
    }

    #[test]
    fn codes_match_only_their_certificate() {
        let seal = SealKey::ephemeral().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let code = seal.code("ZJJ-2026-000001", "C-1", day);
        assert_eq!(code.len(), 16);
        let row = CertificateRow {
            number: "ZJJ-2026-000001".into(),
            entity_key: "case:C-1".into(),
            case_id: "C-1".into(),
            item: "I".into(),
            department: "ZJJ".into(),
            name: "许可证".into(),
            issued_on: day,
            issued_at: Utc::now(),
            status: CertificateStatus::Valid,
            revocation_reason: None,
            changed_at: None,
            file_state: FileState::Pending,
            sha256: None,
            attempts: 0,
            last_error: None,
        };
        assert!(seal.code_matches(&row, &code));
        assert!(!seal.code_matches(&row, "0000000000000000"));
        assert!(!seal.code_matches(&row, "zz"));
        // The seal certificate's PEM is read back to the same DER (rustls's PEM reader).
        let (cert_pem, key_pem) = SealKey::generate().unwrap();
        let again = SealKey::from_pem(&cert_pem, &key_pem).unwrap();
        assert_eq!(again.certificate_pem(), cert_pem);
        assert!(!again.cert_der.is_empty());
        assert!(SealKey::from_pem("not a certificate", &key_pem).is_err());
    }
}

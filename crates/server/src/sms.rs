//! 短信提醒 (seed 7.3: reviewers are told by SMS when work arrives): the scheduler's notices
//! that new work waits at a review level (`new_work`) or that a case's deadline turned yellow
//! or red (`warning`) are sent to the reviewers who must act, through a configurable gateway.
//!
//! Two gateways implement [`SmsGateway`]: [`AliyunSms`] speaks Alibaba Cloud's `SendSms`
//! (dysmsapi 2017-05-25, RPC style, signature v1 HMAC-SHA1) to a configurable endpoint, and
//! [`FileOutbox`] appends each message as one JSON line to `DATA/sms-outbox.jsonl` (0600) for
//! an operator to send by hand when no gateway is configured (`server run --sms-config FILE`).
//!
//! Exactly once: the deliveries of a notice (one per addressed reviewer, `sms_deliveries`,
//! migration 8) are inserted in the same transaction as the notice and its exactly-once key
//! (`Store::run_once_notifying`). A delivery is claimed by one conditional update before it is
//! sent (status `sending` with a lease), so two server processes never send it twice; a failed
//! send is retried at later passes with a growing pause, up to `max_attempts`; a claim whose
//! lease ran out (the process stopped mid-send) is recorded as `unknown` and never resent, so a
//! reviewer gets a message at most once. A reviewer without a mobile number gets a `skipped`
//! delivery, so the administrator sees who was not told (`permitdesk server sms list`).
//! Logs name the user and the masked number only; the outbox file holds the number (it is the
//! message itself).

use crate::error::StoreError;
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::store::{ScheduledAction, Store};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::case::{Case, CaseState};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::ClockReading;
use permitdesk_domain::codes::{PhoneNumber, PhoneNumberError};
use permitdesk_domain::ids::{DepartmentCode, UserId};
use permitdesk_domain::time::{format_minute, to_local};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The outbox file in the server's data directory.
pub const OUTBOX_FILE: &str = "sms-outbox.jsonl";
/// Alibaba Cloud's SMS endpoint (the default of `endpoint`).
pub const ALIYUN_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";
/// The template's name as the administrator registers it with the gateway.
pub const TEMPLATE_NAME: &str = "待办提醒";
/// The template text to register (its variables are [`TemplateParams`]' fields).
pub const TEMPLATE_TEXT: &str = "${notice}：办件${number}（${item}）待您办理，办理期限${deadline}，请及时登录工程建设项目审批系统办理。";
/// Default attempts per message (the first and the retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// How long a claimed message may take before its outcome is considered unknown.
const LEASE_SECONDS: i64 = 300;
/// Messages looked at per scheduler pass.
const PASS_BATCH: u32 = 50;
/// New work is announced only if it arrived this recently (a server that starts with SMS on
/// for the first time does not message every case already waiting).
const NEW_WORK_WINDOW_HOURS: i64 = 24;
/// Gateways limit a variable's length; item names are cut to this many characters.
const MAX_PARAM_CHARS: usize = 30;
/// The scheduler action kind of a new-work notice.
pub const NEW_WORK_KIND: &str = "new_work";
/// The error recorded on a claim whose lease ran out (`unknown`).
pub(crate) const INTERRUPTED: &str =
    "服务器进程在发送途中停止，是否已发出无法确定；为免重复，不再自动重发";
/// The settings key recording the channel the last started server uses.
const CHANNEL_SETTING: &str = "sms_channel";

// ---------------------------------------------------------------------------------------------
// What is sent and recorded

/// The template's variables: 提醒 (新的待办 / 即将到期 / 已超期), 办件编号, 事项名称, 办理期限.
/// Nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateParams {
    pub notice: String,
    pub number: String,
    pub item: String,
    pub deadline: String,
}

impl TemplateParams {
    /// The message as the reviewer reads it (what the outbox's operator sends).
    pub fn text(&self) -> String {
        TEMPLATE_TEXT
            .replace("${notice}", &self.notice)
            .replace("${number}", &self.number)
            .replace("${item}", &self.item)
            .replace("${deadline}", &self.deadline)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsStatus {
    /// Waiting for the next pass.
    Pending,
    /// Claimed by a server process, being sent.
    Sending,
    /// Accepted by the gateway.
    Sent,
    /// Written to the outbox file for an operator.
    Outbox,
    /// The last attempt failed; retried while attempts remain.
    Failed,
    /// The process stopped mid-send: whether it went out is unknown; never resent.
    Unknown,
    /// The reviewer has no mobile number in the directory.
    Skipped,
}

impl SmsStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsStatus::Pending => "pending",
            SmsStatus::Sending => "sending",
            SmsStatus::Sent => "sent",
            SmsStatus::Outbox => "outbox",
            SmsStatus::Failed => "failed",
            SmsStatus::Unknown => "unknown",
            SmsStatus::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Result<SmsStatus, StoreError> {
        Ok(match s {
            "pending" => SmsStatus::Pending,
            "sending" => SmsStatus::Sending,
            "sent" => SmsStatus::Sent,
            "outbox" => SmsStatus::Outbox,
            "failed" => SmsStatus::Failed,
            "unknown" => SmsStatus::Unknown,
            "skipped" => SmsStatus::Skipped,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "sms_deliveries.status {other}"
                )));
            }
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            SmsStatus::Pending => "待发送",
            SmsStatus::Sending => "发送中",
            SmsStatus::Sent => "已发送",
            SmsStatus::Outbox => "已写入待发文件",
            SmsStatus::Failed => "发送失败",
            SmsStatus::Unknown => "结果未知（发送中途服务器停止，不再重发）",
            SmsStatus::Skipped => "未发送（未登记手机号码）",
        }
    }
}

/// One delivery to plan with a notice: who, to which number (None: no number, `skipped`), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSms {
    pub user: UserId,
    pub phone: Option<PhoneNumber>,
    pub params: TemplateParams,
}

impl PlannedSms {
    pub fn status(&self) -> SmsStatus {
        if self.phone.is_some() {
            SmsStatus::Pending
        } else {
            SmsStatus::Skipped
        }
    }
}

/// A recorded delivery (`sms_deliveries` with its notice's kind and entity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsDelivery {
    pub notification: u64,
    pub user: UserId,
    pub phone: Option<PhoneNumber>,
    /// The notice's kind: `new_work` or `warning`.
    pub kind: String,
    /// e.g. `case:C-1`.
    pub entity_key: String,
    pub params: TemplateParams,
    pub status: SmsStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The gateway's receipt (阿里云 BizId).
    pub receipt: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A delivery row's columns as a backend reads them, in `DELIVERY_COLUMNS` order.
pub(crate) type DeliveryRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
);

/// The columns every delivery read selects (`d` = sms_deliveries, `n` = notifications).
pub(crate) const DELIVERY_COLUMNS: &str = "d.notification_id, d.user_id, d.phone, n.kind, n.entity_key, d.params, d.status, d.attempts, d.last_error, d.receipt, d.created_at, d.updated_at";

impl SmsDelivery {
    pub(crate) fn from_row(r: DeliveryRow) -> Result<SmsDelivery, StoreError> {
        let (
            notification,
            user,
            phone,
            kind,
            entity_key,
            params,
            status,
            attempts,
            error,
            receipt,
            created_at,
            updated_at,
        ) = r;
        let phone = match phone {
            Some(p) => Some(PhoneNumber::parse(&p).map_err(|e| {
                StoreError::Corrupt(format!("sms_deliveries.phone of {user}: {e}"))
            })?),
            None => None,
        };
        Ok(SmsDelivery {
            notification: notification.max(0) as u64,
            user: UserId::new(user),
            phone,
            kind,
            entity_key,
            params: serde_json::from_str(&params)?,
            status: SmsStatus::parse(&status)?,
            attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
            last_error: error,
            receipt,
            created_at,
            updated_at,
        })
    }
}

/// How a claimed delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settle {
    pub status: SmsStatus,
    pub error: Option<String>,
    pub receipt: Option<String>,
    /// When a failed one may be tried again.
    pub retry_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// Gateways

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("短信网关拒绝发送：{code}（{message}）；请核对短信配置中的签名、模板和 AccessKey")]
    Rejected { code: String, message: String },
    #[error("无法连接短信网关 {endpoint}：{message}；请检查网络和短信配置中的 endpoint")]
    Unreachable { endpoint: String, message: String },
    #[error("短信网关的应答无法识别（HTTP {status}）：{excerpt}")]
    BadAnswer { status: u16, excerpt: String },
    #[error("无法写入短信待发文件 {path}：{message}；请检查数据目录的权限和磁盘空间")]
    Outbox { path: String, message: String },
}

impl SmsError {
    /// The gateway itself is unusable: the rest of the pass waits for the next one.
    fn gateway_down(&self) -> bool {
        matches!(self, SmsError::Unreachable { .. } | SmsError::Outbox { .. })
    }
}

/// One message to send.
#[derive(Debug, Clone, Copy)]
pub struct SmsMessage<'a> {
    pub notification: u64,
    pub user: &'a UserId,
    pub phone: &'a PhoneNumber,
    pub params: &'a TemplateParams,
}

/// Where a message goes when a delivery is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsChannel {
    Gateway,
    Outbox,
}

/// A way to send a message: the gateway's interface, or the outbox file.
#[async_trait]
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    /// What the start log and `sms list` say is in use (no secret).
    fn describe(&self) -> String;
    fn channel(&self) -> SmsChannel;
    /// Sends one message at `now` (the request's timestamp); the gateway's receipt if any.
    async fn send(
        &self,
        message: &SmsMessage<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, SmsError>;
}

/// The SMS setting of a running server: the gateway and how often a message is tried.
#[derive(Debug, Clone)]
pub struct SmsSetting {
    pub gateway: Arc<dyn SmsGateway>,
    pub max_attempts: u32,
}

impl SmsSetting {
    /// The outbox file (no gateway configured).
    pub fn outbox(path: PathBuf) -> SmsSetting {
        SmsSetting {
            gateway: Arc::new(FileOutbox::new(path)),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// The configured gateway.
    pub fn gateway(config: &SmsConfig) -> Result<SmsSetting, SmsConfigError> {
        Ok(SmsSetting {
            gateway: Arc::new(AliyunSms::new(config)?),
            max_attempts: config.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1),
        })
    }
}

/// 短信待发文件: each message one JSON line, for an operator to send by hand.
#[derive(Debug, Clone)]
pub struct FileOutbox {
    path: PathBuf,
}

/// One line of the outbox file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLine {
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub notification: u64,
    pub user: String,
    pub phone: String,
    pub template: String,
    pub params: TemplateParams,
    /// The message as it is to be sent.
    pub text: String,
}

impl FileOutbox {
    pub fn new(path: PathBuf) -> FileOutbox {
        FileOutbox { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Appends `line` to `path` in one write, the file readable by its owner only.
fn append_private(path: &Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

#[async_trait]
impl SmsGateway for FileOutbox {
    fn describe(&self) -> String {
        format!(
            "短信待发文件 {}（未配置短信网关：每条短信写成一行，由值班人员手工发送）",
            self.path.display()
        )
    }

    fn channel(&self) -> SmsChannel {
        SmsChannel::Outbox
    }

    async fn send(
        &self,
        m: &SmsMessage<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, SmsError> {
        let line = OutboxLine {
            at: beijing(now),
            notification: m.notification,
            user: m.user.to_string(),
            phone: m.phone.as_str().to_owned(),
            template: TEMPLATE_NAME.to_owned(),
            params: m.params.clone(),
            text: m.params.text(),
        };
        let failed = |message: String| SmsError::Outbox {
            path: self.path.display().to_string(),
            message,
        };
        let mut text = serde_json::to_string(&line).map_err(|e| failed(e.to_string()))?;
        text.push('\n');
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || append_private(&path, &text))
            .await
            .map_err(|e| failed(e.to_string()))?
            .map_err(|e| failed(e.to_string()))?;
        Ok(None)
    }
}

/// Beijing time to the minute, `YYYY-MM-DD HH:MM`.
fn beijing(t: DateTime<Utc>) -> String {
    format_minute(to_local(t)).replace('T', " ")
}

/// A secret that never prints.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// 阿里云短信服务 `SendSms` over HTTPS (RPC style, POST, signature v1).
#[derive(Debug, Clone)]
pub struct AliyunSms {
    endpoint: String,
    access_key_id: String,
    secret: Secret,
    sign_name: String,
    template_code: String,
    http: reqwest::Client,
}

/// The percent-encoding of Alibaba Cloud's RPC signature: RFC 3986, every byte of the UTF-8
/// encoding except `A-Z a-z 0-9 - _ . ~` as `%XX` (upper case), so a space is `%20`, `*` is
/// `%2A` and `~` stays.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonicalized query string: parameters sorted by name, each `name=value` encoded,
/// joined with `&` (`Signature` itself excluded by the caller).
pub fn canonicalized_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `METHOD&%2F&percentEncode(canonicalized query)`.
pub fn string_to_sign(method: &str, params: &BTreeMap<String, String>) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonicalized_query(params))
    )
}

/// Base64 of HMAC-SHA1 of `string_to_sign` keyed with `AccessKeySecret&`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let key = format!("{access_key_secret}&");
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A fresh `SignatureNonce` (a random UUID).
fn nonce() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: the time still makes a repeat within the gateway's window unlikely.
        let t = Utc::now().timestamp_nanos_opt().unwrap_or(0).to_be_bytes();
        b[..8].copy_from_slice(&t);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `SendSms`'s JSON answer.
#[derive(Debug, Deserialize)]
struct SendSmsAnswer {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "BizId")]
    biz_id: Option<String>,
}

/// The rustls client configuration of the gateway's HTTPS: ring, the platform's trust store.
fn tls_config() -> Result<rustls::ClientConfig, SmsConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| SmsConfigError::Tls(e.to_string()))?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SmsConfigError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

impl AliyunSms {
    pub fn new(config: &SmsConfig) -> Result<AliyunSms, SmsConfigError> {
        let secret = config.secret()?;
        let endpoint = config.endpoint();
        check_endpoint(&endpoint)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config()?)
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| SmsConfigError::Tls(e.to_string()))?;
        Ok(AliyunSms {
            endpoint,
            access_key_id: config.access_key_id.trim().to_owned(),
            secret: Secret(secret),
            sign_name: config.sign_name.trim().to_owned(),
            template_code: config.template_code.trim().to_owned(),
            http,
        })
    }

    /// Every parameter of the request but `Signature`.
    pub fn parameters(
        &self,
        m: &SmsMessage<'_>,
        now: DateTime<Utc>,
        nonce: &str,
    ) -> Result<BTreeMap<String, String>, SmsError> {
        let template_param = serde_json::to_string(m.params).map_err(|e| SmsError::BadAnswer {
            status: 0,
            excerpt: e.to_string(),
        })?;
        let pairs = [
            ("AccessKeyId", self.access_key_id.clone()),
            ("Action", "SendSms".to_owned()),
            ("Format", "JSON".to_owned()),
            ("PhoneNumbers", m.phone.as_str().to_owned()),
            ("SignName", self.sign_name.clone()),
            ("SignatureMethod", "HMAC-SHA1".to_owned()),
            ("SignatureNonce", nonce.to_owned()),
            ("SignatureVersion", "1.0".to_owned()),
            ("TemplateCode", self.template_code.clone()),
            ("TemplateParam", template_param),
            ("Timestamp", now.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            ("Version", "2017-05-25".to_owned()),
        ];
        Ok(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// The POST body: the canonicalized parameters and their signature.
    pub fn body(&self, params: &BTreeMap<String, String>) -> String {
        let sig = signature(&self.secret.0, &string_to_sign("POST", params));
        format!(
            "{}&Signature={}",
            canonicalized_query(params),
            percent_encode(&sig)
        )
    }
}

/// The number and its masked form removed from a text that may echo it.
fn scrub(text: &str, phone: &PhoneNumber) -> String {
    text.replace(phone.as_str(), &phone.masked())
}

#[async_trait]
impl SmsGateway for AliyunSms {
    fn describe(&self) -> String {
        format!(
            "阿里云短信网关 {}（签名“{}”，模板 {}，AccessKeyId {}）",
            self.endpoint,
            self.sign_name,
            self.template_code,
            mask_key(&self.access_key_id)
        )
    }

    fn channel(&self) -> SmsChannel {
        SmsChannel::Gateway
    }

    async fn send(
        &self,
        m: &SmsMessage<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, SmsError> {
        let params = self.parameters(m, now, &nonce())?;
        let answer = self
            .http
            .post(&self.endpoint)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(self.body(&params))
            .send()
            .await
            .map_err(|e| SmsError::Unreachable {
                endpoint: self.endpoint.clone(),
                message: scrub(&e.without_url().to_string(), m.phone),
            })?;
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.map_err(|e| SmsError::Unreachable {
            endpoint: self.endpoint.clone(),
            message: scrub(&e.without_url().to_string(), m.phone),
        })?;
        let excerpt = || {
            let text = String::from_utf8_lossy(&bytes);
            scrub(&text.chars().take(200).collect::<String>(), m.phone)
        };
        let parsed: SendSmsAnswer =
            serde_json::from_slice(&bytes).map_err(|_| SmsError::BadAnswer {
                status,
                excerpt: excerpt(),
            })?;
        match parsed.code.as_deref() {
            Some("OK") => Ok(parsed.biz_id),
            Some(code) => Err(SmsError::Rejected {
                code: code.to_owned(),
                message: scrub(&parsed.message.unwrap_or_default(), m.phone),
            }),
            None => Err(SmsError::BadAnswer {
                status,
                excerpt: excerpt(),
            }),
        }
    }
}

/// An AccessKeyId as logged: its first four and last four characters.
fn mask_key(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "****".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// `server run --sms-config FILE` (TOML).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The gateway's address; default `https://dysmsapi.aliyuncs.com/`. HTTPS, or HTTP to this
    /// machine only (a local relay, tests).
    pub endpoint: Option<String>,
    pub access_key_id: String,
    /// The name of the environment variable holding the AccessKey secret (preferred).
    pub access_key_secret_env: Option<String>,
    /// The secret itself (then keep the file readable by the server's account only).
    pub access_key_secret: Option<String>,
    /// 短信签名, as approved by the gateway.
    pub sign_name: String,
    /// The code of the approved template “待办提醒” (e.g. `SMS_123456789`).
    pub template_code: String,
    /// Attempts per message (default 5).
    pub max_attempts: Option<u32>,
}

/// Why the SMS configuration was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsConfigError {
    #[error("无法读取短信配置文件 {path}：{message}")]
    Read { path: String, message: String },
    #[error("短信配置文件 {path} 格式不正确：{message}")]
    Parse { path: String, message: String },
    #[error("短信配置缺少 {0}：请在配置文件中填写")]
    Missing(&'static str),
    #[error(
        "短信配置的 AccessKey 密钥应二选一：access_key_secret_env（环境变量名，推荐）或 access_key_secret"
    )]
    SecretChoice,
    #[error(
        "环境变量 {0} 未设置或为空：短信配置的 access_key_secret_env 指定由它提供 AccessKey 密钥"
    )]
    SecretEnv(String),
    #[error(
        "短信网关地址 {0} 不可用：应为 https:// 地址（本机中转可用 http://127.0.0.1 或 http://localhost）"
    )]
    Endpoint(String),
    #[error("无法建立到短信网关的安全连接设置：{0}")]
    Tls(String),
}

impl SmsConfig {
    /// Reads and checks the file (the secret's presence included).
    pub fn load(path: &Path) -> Result<SmsConfig, SmsConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| SmsConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let config: SmsConfig = toml::from_str(&text).map_err(|e| SmsConfigError::Parse {
            path: path.display().to_string(),
            message: e.message().to_owned(),
        })?;
        config.check()?;
        if config.access_key_secret.is_some() && readable_by_others(path) {
            tracing::warn!(
                file = %path.display(),
                "短信配置文件含 AccessKey 密钥且其他用户可读：请改用 access_key_secret_env，或 chmod 600"
            );
        }
        Ok(config)
    }

    fn check(&self) -> Result<(), SmsConfigError> {
        for (value, name) in [
            (&self.access_key_id, "access_key_id"),
            (&self.sign_name, "sign_name"),
            (&self.template_code, "template_code"),
        ] {
            if value.trim().is_empty() {
                return Err(SmsConfigError::Missing(name));
            }
        }
        check_endpoint(&self.endpoint())?;
        self.secret().map(|_| ())
    }

    pub fn endpoint(&self) -> String {
        self.endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .unwrap_or(ALIYUN_ENDPOINT)
            .to_owned()
    }

    fn secret(&self) -> Result<String, SmsConfigError> {
        match (&self.access_key_secret_env, &self.access_key_secret) {
            (Some(var), None) => std::env::var(var.trim())
                .ok()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().to_owned())
                .ok_or_else(|| SmsConfigError::SecretEnv(var.trim().to_owned())),
            (None, Some(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            (None, Some(_)) => Err(SmsConfigError::Missing("access_key_secret")),
            _ => Err(SmsConfigError::SecretChoice),
        }
    }
}

fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// HTTPS anywhere; plain HTTP to this machine only (the secret never leaves it unencrypted,
/// nor a phone number).
fn check_endpoint(endpoint: &str) -> Result<(), SmsConfigError> {
    let bad = || SmsConfigError::Endpoint(endpoint.to_owned());
    let url = reqwest::Url::parse(endpoint).map_err(|_| bad())?;
    match url.scheme() {
        "https" if url.host_str().is_some() => Ok(()),
        "http" => {
            let host = url
                .host_str()
                .unwrap_or("")
                .trim_start_matches('[')
                .trim_end_matches(']');
            let local = host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|a| a.is_loopback());
            if local { Ok(()) } else { Err(bad()) }
        }
        _ => Err(bad()),
    }
}

// ---------------------------------------------------------------------------------------------
// Who is told what (the scheduler's side)

/// A reviewer as the planner sees the directory.
#[derive(Debug, Clone)]
struct Reviewer {
    id: UserId,
    department: DepartmentCode,
    levels: Vec<String>,
    phone: Option<PhoneNumber>,
}

/// What one scheduler pass plans with: the directory's reviewers with their numbers, and the
/// catalogue in force (item names). Exists only while SMS is on (`ServerConfig::sms`).
#[derive(Debug)]
pub(crate) struct Planner {
    reviewers: Vec<Reviewer>,
    catalogue: Arc<Catalogue>,
}

impl Planner {
    /// None while SMS is off.
    pub(crate) async fn for_pass(
        state: &AppState,
        catalogue: Arc<Catalogue>,
    ) -> Result<Option<Planner>, StoreError> {
        if state.config.sms.is_none() {
            return Ok(None);
        }
        let phones: HashMap<UserId, PhoneNumber> =
            state.store.user_phones().await?.into_iter().collect();
        let reviewers = state
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| {
                !u.disabled && matches!(u.role, Role::DepartmentReviewer | Role::UtilityUnit)
            })
            .filter_map(|u| {
                Some(Reviewer {
                    phone: phones.get(&u.id).cloned(),
                    department: u.department?,
                    levels: u.levels,
                    id: u.id,
                })
            })
            .collect();
        Ok(Some(Planner {
            reviewers,
            catalogue,
        }))
    }

    /// Who must act on `case` now: the department's reviewers holding the level it waits at
    /// (the top level once all are signed), except those who signed a level of it already
    /// (one person signs one level); if no one holds that level, every other reviewer of the
    /// department.
    fn addressees(&self, case: &Case) -> Vec<&Reviewer> {
        let signed: HashSet<&UserId> = case.sign_offs.iter().map(|s| &s.by.user).collect();
        let level = case.next_level().or_else(|| {
            case.terms
                .as_ref()?
                .review_levels
                .last()
                .map(String::as_str)
        });
        let candidates: Vec<&Reviewer> = self
            .reviewers
            .iter()
            .filter(|r| r.department == case.department && !signed.contains(&r.id))
            .collect();
        let holders: Vec<&Reviewer> = candidates
            .iter()
            .copied()
            .filter(|r| level.is_some_and(|l| r.levels.iter().any(|h| h == l)))
            .collect();
        if holders.is_empty() {
            candidates
        } else {
            holders
        }
    }

    fn params(&self, case: &Case, notice: &str, reading: &ClockReading) -> TemplateParams {
        let item = self
            .catalogue
            .item(&case.item)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| case.item.to_string());
        let item = if item.chars().count() > MAX_PARAM_CHARS {
            let mut cut: String = item.chars().take(MAX_PARAM_CHARS - 1).collect();
            cut.push('…');
            cut
        } else {
            item
        };
        let deadline = match reading.deadline {
            Some(d) if reading.is_provisional() => {
                format!("{}（暂定）", format_minute(d).replace('T', " "))
            }
            Some(d) => format_minute(d).replace('T', " "),
            None => "—".to_owned(),
        };
        TemplateParams {
            notice: notice.to_owned(),
            number: case.number_label().to_owned(),
            item,
            deadline,
        }
    }

    /// The deliveries of a notice about `case`.
    pub(crate) fn deliveries(
        &self,
        case: &Case,
        notice: &str,
        reading: &ClockReading,
    ) -> Vec<PlannedSms> {
        let params = self.params(case, notice, reading);
        self.addressees(case)
            .into_iter()
            .map(|r| PlannedSms {
                user: r.id.clone(),
                phone: r.phone.clone(),
                params: params.clone(),
            })
            .collect()
    }

    /// 新的待办: the notice that `case` arrived at its next review level, keyed by the level and
    /// how many levels were signed before it (so each arrival is announced once), with its
    /// deliveries. None unless the case is in review at a level and arrived within the window.
    pub(crate) fn new_work(
        &self,
        case: &Case,
        reading: &ClockReading,
        now: DateTime<Utc>,
    ) -> Option<(ScheduledAction, Vec<PlannedSms>)> {
        if case.state != CaseState::InReview {
            return None;
        }
        let level = case.next_level()?;
        let arrived = case.sign_offs.last().map(|s| s.at).or(case.accepted_at)?;
        if now - arrived > Duration::hours(NEW_WORK_WINDOW_HOURS) {
            return None;
        }
        let signed = case.sign_offs.len();
        let action = ScheduledAction {
            key: format!("{NEW_WORK_KIND}:case:{}:{signed}:{level}", case.id),
            kind: NEW_WORK_KIND.to_owned(),
            entity_key: format!("case:{}", case.id),
            notification: json!({
                "case": case.id,
                "number": case.number,
                "department": case.department,
                "level": level,
                "deadline": reading.deadline.map(format_minute),
            }),
        };
        Some((action, self.deliveries(case, "新的待办", reading)))
    }
}

/// The template's 提醒 for a warning level.
pub(crate) fn warning_notice(level: &str) -> &'static str {
    match level {
        "overdue" => "已超期",
        _ => "即将到期",
    }
}

/// Records the notice once with its deliveries (`Store::run_once_notifying`); 1 if this call
/// recorded it.
pub(crate) async fn record(
    state: &AppState,
    action: &ScheduledAction,
    deliveries: &[PlannedSms],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    if state
        .store
        .run_once_notifying(action, now, &state.config.instance, deliveries)
        .await?
    {
        Metrics::add(&state.metrics.scheduled_actions, 1);
        tracing::info!(
            entity = %action.entity_key,
            key = %action.key,
            sms = deliveries.iter().filter(|d| d.phone.is_some()).count(),
            without_phone = deliveries.iter().filter(|d| d.phone.is_none()).count(),
            "notice recorded with its SMS deliveries"
        );
        Ok(1)
    } else {
        Ok(0)
    }
}

// ---------------------------------------------------------------------------------------------
// Sending

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    pub delivered: usize,
    pub failed: usize,
}

/// The pause before attempt `attempts + 1`: 1, 2, 4, 8… minutes, at most an hour.
fn backoff(attempts: u32) -> Duration {
    Duration::minutes(1i64 << attempts.saturating_sub(1).min(6)).min(Duration::hours(1))
}

/// Sends what is due through the configured gateway: each delivery claimed first (once across
/// processes), then sent, then settled. Stops early when the gateway is unreachable.
pub async fn delivery_pass(state: &AppState) -> Result<DeliveryPass, StoreError> {
    let Some(setting) = state.config.sms.clone() else {
        return Ok(DeliveryPass::default());
    };
    let store = state.store.as_ref();
    let by = state.config.instance.as_str();
    let mut pass = DeliveryPass::default();
    let now = state.clock.now();
    for d in store.sms_due(now, setting.max_attempts, PASS_BATCH).await? {
        let Some(phone) = d.phone.as_ref() else {
            continue;
        };
        let now = state.clock.now();
        let until = now + Duration::seconds(LEASE_SECONDS);
        if !store
            .sms_claim(
                d.notification,
                &d.user,
                now,
                until,
                by,
                setting.max_attempts,
            )
            .await?
        {
            continue;
        }
        let attempt = d.attempts + 1;
        let message = SmsMessage {
            notification: d.notification,
            user: &d.user,
            phone,
            params: &d.params,
        };
        let result = setting.gateway.send(&message, now).await;
        let after = state.clock.now();
        let (settle, down) = match result {
            Ok(receipt) => {
                pass.delivered += 1;
                let status = match setting.gateway.channel() {
                    SmsChannel::Gateway => SmsStatus::Sent,
                    SmsChannel::Outbox => SmsStatus::Outbox,
                };
                tracing::info!(
                    notification = d.notification,
                    user = %d.user,
                    phone = %phone.masked(),
                    status = status.as_str(),
                    "SMS delivered"
                );
                (
                    Settle {
                        status,
                        error: None,
                        receipt,
                        retry_at: None,
                    },
                    false,
                )
            }
            Err(e) => {
                pass.failed += 1;
                let last = attempt >= setting.max_attempts;
                tracing::warn!(
                    notification = d.notification,
                    user = %d.user,
                    phone = %phone.masked(),
                    attempt,
                    error = %e,
                    "SMS not delivered{}",
                    if last { "; no more attempts" } else { "; retried at a later pass" }
                );
                (
                    Settle {
                        status: SmsStatus::Failed,
                        error: Some(scrub(&e.to_string(), phone)),
                        receipt: None,
                        retry_at: (!last).then(|| after + backoff(attempt)),
                    },
                    e.gateway_down(),
                )
            }
        };
        if !store
            .sms_settle(d.notification, &d.user, by, &settle, after)
            .await?
        {
            tracing::warn!(
                notification = d.notification,
                user = %d.user,
                "an SMS delivery's claim was lost before it was settled"
            );
        }
        if down {
            break;
        }
    }
    Ok(pass)
}

// ---------------------------------------------------------------------------------------------
// The directory's numbers and the admin view

/// Why a number was not set.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    #[error("没有用户 {0}")]
    NoSuchUser(UserId),
    #[error("手机号码无效：{0}")]
    Invalid(#[from] PhoneNumberError),
    #[error("短信提醒只能发往手机号码：{0} 是固定电话，请填写 11 位手机号码")]
    NotMobile(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Sets the user's mobile number (`""` clears it); the number as stored.
pub async fn set_phone(
    store: &dyn Store,
    user: &UserId,
    text: &str,
) -> Result<Option<PhoneNumber>, PhoneError> {
    let phone = if text.trim().is_empty() {
        None
    } else {
        let p = PhoneNumber::parse(text)?;
        if !p.is_mobile() {
            return Err(PhoneError::NotMobile(p.masked()));
        }
        Some(p)
    };
    if !store.set_user_phone(user, phone.as_ref()).await? {
        return Err(PhoneError::NoSuchUser(user.clone()));
    }
    Ok(phone)
}

/// The channel a server process announced at its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRecord {
    pub channel: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// At server start: logs which channel is in use (no secret) and records it for `sms list`.
pub async fn announce(store: &dyn Store, setting: &SmsSetting, by: &str, now: DateTime<Utc>) {
    let channel = setting.gateway.describe();
    tracing::info!(channel = %channel, max_attempts = setting.max_attempts, "短信提醒");
    let record = ChannelRecord {
        channel,
        by: by.to_owned(),
        at: now,
    };
    let recorded = match serde_json::to_string(&record) {
        Ok(json) => store.set_setting(CHANNEL_SETTING, &json).await,
        Err(e) => Err(StoreError::from(e)),
    };
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "the SMS channel could not be recorded");
    }
}

/// One delivery as the administrator reads it: the number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedDelivery {
    pub notification: u64,
    pub kind: String,
    pub entity: String,
    pub user: String,
    /// Masked (`139****0001`); None: no number.
    pub phone: Option<String>,
    pub status: SmsStatus,
    pub status_label: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub receipt: Option<String>,
    pub params: TemplateParams,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `permitdesk server sms list`: the channel the last started server uses and the recent
/// deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryList {
    pub channel: Option<ChannelRecord>,
    pub deliveries: Vec<ListedDelivery>,
}

pub async fn list(store: &dyn Store, limit: u32) -> Result<DeliveryList, StoreError> {
    let channel = match store.setting(CHANNEL_SETTING).await? {
        Some(json) => serde_json::from_str(&json).ok(),
        None => None,
    };
    let deliveries = store
        .sms_deliveries(limit)
        .await?
        .into_iter()
        .map(|d| ListedDelivery {
            notification: d.notification,
            kind: d.kind,
            entity: d.entity_key,
            user: d.user.to_string(),
            phone: d.phone.as_ref().map(PhoneNumber::masked),
            status: d.status,
            status_label: match d.status {
                SmsStatus::Failed => format!("{}（已尝试 {} 次）", d.status.label(), d.attempts),
                s => s.label().to_owned(),
            },
            attempts: d.attempts,
            last_error: d.last_error,
            receipt: d.receipt,
            params: d.params,
            created_at: d.created_at,
            updated_at: d.updated_at,
        })
        .collect();
    Ok(DeliveryList {
        channel,
        deliveries,
    })
}

fn kind_label(kind: &str) -> &str {
    match kind {
        NEW_WORK_KIND => "待办提醒",
        "warning" => "时限提醒",
        other => other,
    }
}

impl DeliveryList {
    pub fn text(&self) -> String {
        let mut s = match &self.channel {
            Some(c) => format!(
                "短信通道：{}（服务器进程 {} 于 {} 启动时设定）\n",
                c.channel,
                c.by,
                beijing(c.at)
            ),
            None => "短信通道：尚无服务器进程启动过（启动时不加 --sms-config 即写入数据目录下的 sms-outbox.jsonl）\n".to_owned(),
        };
        if self.deliveries.is_empty() {
            s.push_str("尚无短信提醒记录");
            return s;
        }
        s.push_str(&format!("最近 {} 条短信提醒：\n", self.deliveries.len()));
        for d in &self.deliveries {
            s.push_str(&format!(
                "  {}  {} {}  {}  {}  {}：{}",
                beijing(d.updated_at),
                kind_label(&d.kind),
                d.params.number,
                d.user,
                d.phone.as_deref().unwrap_or("（无手机号码）"),
                d.status_label,
                d.params.notice
            ));
            if let (SmsStatus::Failed | SmsStatus::Unknown, Some(e)) = (d.status, &d.last_error) {
                s.push_str(&format!("；{e}"));
            }
            s.push('\n');
        }
        s.trim_end().to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The worked example of Alibaba Cloud's RPC signature documentation (DescribeRegions,
    /// AccessKey secret `testsecret`): its StringToSign and Signature, to the character.
    #[test]
    fn the_documented_rpc_example_signs_to_the_documented_value() {
        let p = params(&[
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("Version", "2014-05-26"),
            ("SignatureVersion", "1.0"),
        ]);
        let sts = string_to_sign("GET", &p);
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            signature("testsecret", &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    /// The SMS documentation's example (SendSms with a Chinese sign name and a JSON template
    /// parameter, secret `testSecret`): signature `zJDF+Lrzhj/ThnlvIToysFRq6t4=`.
    #[test]
    fn the_documented_send_sms_example_signs_to_the_documented_value() {
        let p = params(&[
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]);
        let sts = string_to_sign("GET", &p);
        assert!(sts.starts_with("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26"));
        assert!(sts.contains(
            "SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8"
        ));
        assert!(sts.contains("TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"));
        assert_eq!(
            signature("testSecret", &sts),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn percent_encoding_is_rfc_3986() {
        assert_eq!(percent_encode("a b*c~d+e/é"), "a%20b%2Ac~d%2Be%2F%C3%A9");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn a_post_body_carries_the_canonical_parameters_and_their_signature() {
        let config = SmsConfig {
            endpoint: Some("http://127.0.0.1:9/".to_owned()),
            access_key_id: "testId".to_owned(),
            access_key_secret_env: None,
            access_key_secret: Some("testSecret".to_owned()),
            sign_name: "哈尔滨审批".to_owned(),
            template_code: "SMS_1".to_owned(),
            max_attempts: None,
        };
        let sms = AliyunSms::new(&config).unwrap();
        let phone = PhoneNumber::parse("13900000001").unwrap();
        let user = UserId::new("u");
        let p = TemplateParams {
            notice: "新的待办".into(),
            number: "2026-ZGJ-000001".into(),
            item: "建设工程规划许可".into(),
            deadline: "2026-03-16 17:00".into(),
        };
        let m = SmsMessage {
            notification: 1,
            user: &user,
            phone: &phone,
            params: &p,
        };
        let now: DateTime<Utc> = "2026-03-02T01:05:00Z".parse().unwrap();
        let params = sms.parameters(&m, now, "n-1").unwrap();
        assert_eq!(params["Timestamp"], "2026-03-02T01:05:00Z");
        assert_eq!(params["Version"], "2017-05-25");
        let body = sms.body(&params);
        let sig = signature("testSecret", &string_to_sign("POST", &params));
        assert_eq!(
            body,
            format!(
                "{}&Signature={}",
                canonicalized_query(&params),
                percent_encode(&sig)
            )
        );
        assert!(!sms.describe().contains("testSecret"));
        assert!(!format!("{sms:?}").contains("testSecret"));
    }

    #[test]
    fn endpoints_are_https_or_this_machine() {
        assert!(check_endpoint("https://dysmsapi.aliyuncs.com/").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080/").is_ok());
        assert!(check_endpoint("http://localhost/").is_ok());
        assert!(check_endpoint("http://dysmsapi.aliyuncs.com/").is_err());
        assert!(check_endpoint("ftp://x/").is_err());
    }

    #[test]
    fn the_secret_comes_from_one_place() {
        let base = SmsConfig {
            endpoint: None,
            access_key_id: "id".to_owned(),
            access_key_secret_env: None,
            access_key_secret: None,
            sign_name: "s".to_owned(),
            template_code: "t".to_owned(),
            max_attempts: None,
        };
        assert_eq!(base.check(), Err(SmsConfigError::SecretChoice));
        let env = SmsConfig {
            access_key_secret_env: Some("PERMITDESK_SMS_TEST_UNSET_VARIABLE".to_owned()),
            ..base.clone()
        };
        assert_eq!(
            env.check(),
            Err(SmsConfigError::SecretEnv(
                "PERMITDESK_SMS_TEST_UNSET_VARIABLE".to_owned()
            ))
        );
        let both = SmsConfig {
            access_key_secret: Some("x".to_owned()),
            ..env
        };
        assert_eq!(both.check(), Err(SmsConfigError::SecretChoice));
    }

    #[test]
    fn retries_wait_longer_each_time() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(30), Duration::hours(1));
    }

    #[test]
    fn the_message_reads_as_one_chinese_sentence() {
        let p = TemplateParams {
            notice: "新的待办".into(),
            number: "2026-ZGJ-000001".into(),
            item: "建设工程规划许可证核发".into(),
            deadline: "2026-03-16 17:00".into(),
        };
        assert_eq!(
            p.text(),
            "新的待办：办件2026-ZGJ-000001（建设工程规划许可证核发）待您办理，办理期限2026-03-16 17:00，请及时登录工程建设项目审批系统办理。"
        );
    }
}

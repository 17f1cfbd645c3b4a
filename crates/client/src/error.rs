//! Why a client operation failed: each variant says what the user (or the calling code) can do
//! about it, in Simplified Chinese where a person reads it.

use permitdesk_protocol::ApiError;

/// Everything that can go wrong in the client crate.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The local database could not be read or written.
    #[error("本地数据库错误：{0}")]
    Store(#[from] rusqlite::Error),
    /// The database file exists but the key in the keyring does not open it.
    #[error(
        "本地数据库无法用钥匙串中的密钥打开（密钥丢失或不匹配）：{path}。如需重建，请删除该配置目录后重新登录并同步"
    )]
    WrongKey { path: String },
    /// A value in the local database does not decode (a bug or a damaged file).
    #[error("本地数据损坏：{0}")]
    Corrupt(String),
    /// The database was written by a newer PermitDesk.
    #[error("本地数据库版本 {found} 高于本程序支持的版本 {supported}，请更新 PermitDesk")]
    SchemaTooNew { found: i64, supported: i64 },
    /// The OS keyring is not usable here.
    #[error("{0}")]
    Credentials(#[from] crate::credentials::CredentialError),
    /// Reading or writing a file of the profile.
    #[error("文件 {path}：{message}")]
    Io { path: String, message: String },
    /// The server could not be reached: the command stays queued.
    #[error("无法连接服务器，已离线保存（{0}）；联网后执行“同步”即可提交")]
    Offline(String),
    /// The server's certificate is not the pinned one: nothing was sent.
    #[error("服务器证书公钥指纹不符，已拒绝连接，未发送任何数据：{0}")]
    Pinning(String),
    /// The server answered with a typed error.
    #[error("服务器拒绝请求：{0}")]
    Api(ApiError),
    /// The server answered something the client cannot read.
    #[error("服务器响应无法解析：{0}")]
    Protocol(String),
    /// Not logged in, or the token expired.
    #[error("尚未登录或登录已过期，请先登录")]
    NotLoggedIn,
    /// The server no longer accepts the session token (expired or revoked) during a sync: the
    /// token is forgotten, nothing queued was lost or refused, and the sync resumes after the
    /// user logs in again.
    #[error("{}", login_expired(*pending))]
    LoginExpired { pending: u64 },
    /// The local domain code refused the action (nothing was queued).
    #[error("{0}")]
    Refused(String),
    /// A pulled trail does not verify: the events were not stored.
    #[error("从服务器取得的 {entity} 的记录链校验失败：{message}")]
    TrailBroken { entity: String, message: String },
    /// An entity the user asked for is not in the local store.
    #[error("本地没有{what}“{id}”，请先同步")]
    NotFound { what: &'static str, id: String },
    /// Wrong input from the caller.
    #[error("{0}")]
    Invalid(String),
    /// Reference data from the server (holiday table, catalogue, market, zones) that does not
    /// verify or parse: it was not stored, the client keeps deciding with what it had.
    #[error("从服务器取得的{label}（版本 {version}）未通过校验，未采用：{message}")]
    BadReference {
        label: &'static str,
        version: u64,
        message: String,
    },
}

impl ClientError {
    pub fn io(path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        ClientError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }

    pub fn corrupt(e: impl std::fmt::Display) -> Self {
        ClientError::Corrupt(e.to_string())
    }

    /// Whether the failure is the network (the work is kept and retried at the next sync).
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Offline(_))
    }
}

fn login_expired(pending: u64) -> String {
    if pending == 0 {
        "登录已过期，请重新登录".to_owned()
    } else {
        format!(
            "登录已过期，请重新登录；本机 {pending} 条待同步的操作已保留（未提交，也未被拒绝），重新登录后将自动继续提交"
        )
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(e: serde_json::Error) -> Self {
        ClientError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

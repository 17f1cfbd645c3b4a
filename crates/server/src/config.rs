//! Settings of one server process, with the defaults a city installation starts from.

use crate::auth::PasswordCost;
use crate::store::UploadLimits;
use crate::sync::PushRules;
use chrono::Duration;

/// Everything tunable about a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How long a login token lives.
    pub token_ttl: Duration,
    /// Largest request body of any route, and of routes without a limit of their own (see
    /// `crate::http::body_limit` for each route's).
    pub max_body_bytes: usize,
    /// Largest upload chunk (one PUT).
    pub max_chunk_bytes: usize,
    /// Largest push body: a client's batch of commands (200 at a time, every string bounded
    /// by the domain's limits).
    pub max_push_bytes: usize,
    /// Largest reference-data import body (a calendar, catalogue, market, zones or districts
    /// file as JSON); a bigger file goes through `permitdesk admin … import` on the server.
    pub max_reference_bytes: usize,
    pub upload: UploadLimits,
    /// Unfinished uploads older than this (from their first chunk) are deleted, rows and
    /// parts, by the scheduler and by `permitdesk server expire-uploads`.
    pub upload_expiry: Duration,
    pub push_rules: PushRules,
    /// Most commands in one push.
    pub max_batch: usize,
    pub password_cost: PasswordCost,
    pub login_max_failures: u32,
    pub login_window: Duration,
    /// How often the scheduler looks at the legal clocks.
    pub scheduler_interval: std::time::Duration,
    /// This process's name in the scheduler's exactly-once records.
    pub instance: String,
    /// Group commit: commands of one push that may share a transaction (SQLite: each in its
    /// own savepoint, see `store::sqlite`; PostgreSQL: see `store::postgres`). 1 = one
    /// transaction per command.
    pub group_commit: usize,
    /// How long a checked token is trusted without asking the database again (0: never).
    pub token_cache_ttl: Duration,
    /// How long one request may take, body included (408 after).
    pub request_timeout: std::time::Duration,
    /// How long the TLS handshake may take.
    pub handshake_timeout: std::time::Duration,
    /// How long a connection may wait for a request's headers, and so how long an idle
    /// keep-alive connection is kept.
    pub header_timeout: std::time::Duration,
    /// Most connections open at once; past it new ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// 对外地址: where the public verification page of the e-certificates is reached (the
    /// address in their QR codes), e.g. `https://gcjs.example.cn`; None: the https address
    /// the server listens on (`server run --public-url`).
    pub public_url: Option<String>,
    /// The seal key that signs the e-certificates (`seal/` in the data directory); None: the
    /// certificates are numbered and registered but their files wait for a key.
    pub seal: crate::certificates::SharedSeal,
    /// 数据共享定时导出: the directory the daily SPGL increment is written into
    /// (`server run --exchange-dir`, `crate::exchange`); None: off (未配置).
    pub exchange_dir: Option<std::path::PathBuf>,
    /// 短信提醒 (`crate::sms`): the gateway new-work and deadline notices are sent through
    /// (`server run` always sets one: `--sms-config FILE`, else the outbox file of the data
    /// directory); None: off, no new-work notices and no deliveries are recorded.
    pub sms: Option<crate::sms::SmsSetting>,
    /// Scale out (`crate::scale_out`): bind the listening address with `SO_REUSEPORT` so that
    /// other server processes doing the same share it, the kernel spreading connections over
    /// them (`server run --reuse-port`, Linux only). Off: a port in use is an error.
    pub reuse_port: bool,
}

impl ServerConfig {
    /// The public address (without a trailing slash).
    pub fn public_url(&self) -> String {
        self.public_url
            .as_deref()
            .unwrap_or("https://127.0.0.1:8443")
            .trim_end_matches('/')
            .to_owned()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            token_ttl: Duration::hours(12),
            max_body_bytes: 8 * 1024 * 1024,
            max_chunk_bytes: 8 * 1024 * 1024,
            max_push_bytes: 4 * 1024 * 1024,
            max_reference_bytes: 4 * 1024 * 1024,
            upload: UploadLimits {
                max_file_size: 200 * 1024 * 1024,
                per_user_quota: 2 * 1024 * 1024 * 1024,
            },
            upload_expiry: Duration::hours(24),
            push_rules: PushRules::default(),
            max_batch: 5000,
            password_cost: PasswordCost::PRODUCTION,
            login_max_failures: 5,
            login_window: Duration::minutes(15),
            scheduler_interval: std::time::Duration::from_secs(60),
            instance: format!("server-{}", std::process::id()),
            group_commit: 64,
            token_cache_ttl: Duration::seconds(5),
            request_timeout: std::time::Duration::from_secs(120),
            handshake_timeout: std::time::Duration::from_secs(10),
            header_timeout: std::time::Duration::from_secs(30),
            max_connections: 4096,
            public_url: None,
            seal: None,
            exchange_dir: None,
            sms: None,
            reuse_port: false,
        }
    }
}

//! 存储: one trait, two backends (SQLite, the embedded default; PostgreSQL, for when one
//! machine is outgrown). Both pass the same test suite (`tests/store_suite.rs`).
//!
//! The trait is async (`async_trait`, so that the server can hold an `Arc<dyn Store>` chosen
//! at start-up). PostgreSQL is natively async; rusqlite is blocking, so the SQLite backend runs
//! each call on `spawn_blocking` with its own connection (one writer, a pool of readers in WAL
//! mode). A sync trait would have forced PostgreSQL through a blocking bridge, and an async one
//! costs SQLite only a thread hop.
//!
//! Every call is one transaction. The rules of push (what is refused, how events are sealed)
//! live in [`crate::sync`] as pure functions; what the store does around them (the push
//! pipeline, pull visibility, uploads, exactly-once actions, trails) lives once in [`rules`],
//! over the SQL primitives ([`rules::Sql`]) each backend implements, so both backends decide,
//! store and show identically.

pub mod cache;
pub mod postgres;
pub(crate) mod rules;
pub mod sqlite;

use crate::clock::Clock;
use crate::error::StoreError;
use crate::scope::{EntityScope, Viewer};
use crate::sync::PushRules;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, UserId};
use permitdesk_domain::reference::{ReferenceKind, ReferenceSet, ReferenceVersions};
pub use permitdesk_protocol::RefusalRecord;
use permitdesk_protocol::reference::ReferenceDoc;
use permitdesk_protocol::{CommandEnvelope, CommandResult, EntityRef, UploadStatus, UserInfo};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The login name, also the user's id.
    pub id: UserId,
    /// 姓名.
    pub name: String,
    pub role: Role,
    pub department: Option<DepartmentCode>,
    pub organisation: Option<OrganisationId>,
    /// PHC string (argon2id).
    pub password_hash: String,
    pub disabled: bool,
    /// 层级权限: the review levels of its department this reviewer may sign (migration 3),
    /// in the department's order; empty for every other role.
    pub levels: Vec<String>,
}

impl UserRecord {
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            role: self.role,
            department: self.department.as_ref(),
            organisation: self.organisation.as_ref(),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user: self.id.clone(),
            name: self.name.clone(),
            role: self.role,
            department: self.department.clone(),
            organisation: self.organisation.clone(),
            levels: self.levels.clone(),
        }
    }

    pub fn info(&self) -> UserInfo {
        UserInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            role: self.role,
            department: self.department.clone(),
            organisation: self.organisation.clone(),
            levels: self.levels.clone(),
        }
    }

    /// A fingerprint of everything that decides what the user may see: when it changes
    /// between two pulls of a client, the server re-checks what the client holds (removals).
    pub fn scope_fingerprint(&self) -> String {
        format!(
            "{}|{:?}|{}|{}",
            self.id,
            self.role,
            self.department.as_ref().map(|d| d.as_str()).unwrap_or(""),
            self.organisation.as_ref().map(|o| o.as_str()).unwrap_or("")
        )
    }
}

/// 单位: an organisation users act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Usually the 统一社会信用代码.
    pub id: OrganisationId,
    pub name: String,
}

/// Everything push needs besides the commands: the reference data in force (catalogue,
/// calendar, market), the time rules, the clock.
#[derive(Debug, Clone)]
pub struct PushEnv {
    pub reference: Arc<ReferenceSet>,
    pub rules: PushRules,
    pub clock: Arc<dyn Clock>,
}

impl PushEnv {
    /// The catalogue in force.
    pub fn catalogue(&self) -> &Catalogue {
        &self.reference.catalogue
    }
}

/// One recorded version of a kind of reference data: who imported it, when, what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceChange {
    pub kind: ReferenceKind,
    pub version: u64,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub changes: Vec<String>,
}

/// What became of a pushed batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushResult {
    pub results: Vec<CommandResult>,
    pub last_mutation_id: u64,
}

/// One event as it goes down, its JSON kept as stored (pull does not re-encode events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub server_seq: u64,
    pub entity_key: String,
    pub entity_seq: u64,
    pub received_at: DateTime<Utc>,
    /// The `DomainEvent` JSON.
    pub json: String,
}

/// One page of pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullPage {
    pub events: Vec<StoredEvent>,
    pub removals: Vec<EntityRef>,
    pub cursor: u64,
    pub has_more: bool,
    pub last_mutation_id: u64,
}

/// A system notification (e.g. a case became due soon), recorded once by the scheduler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub id: u64,
    pub entity_key: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// A deadline-driven action to run at most once, whichever server process gets there first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledAction {
    /// The exactly-once key, e.g. `warning:case:C-1:due_soon:20`.
    pub key: String,
    /// e.g. `warning` (issue 6 adds `deemed_consent`).
    pub kind: String,
    pub entity_key: String,
    /// What the action records as a notification.
    pub notification: serde_json::Value,
}

/// Limits on uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_file_size: u64,
    /// 每个账号的上传空间: the bytes one user may have stored (files it uploaded) and in
    /// progress (the declared size of its unfinished uploads) together; an upload that would
    /// pass it is refused at its first chunk, nothing stored.
    pub per_user_quota: u64,
}

/// Sizes as a user reads them: 字节, KiB, MiB, GiB (one decimal).
pub fn human_bytes(n: &u64) -> String {
    const KIB: u64 = 1024;
    match *n {
        n if n < KIB => format!("{n} 字节"),
        n if n < KIB * KIB => format!("{:.1} KiB", n as f64 / KIB as f64),
        n if n < KIB * KIB * KIB => format!("{:.1} MiB", n as f64 / (KIB * KIB) as f64),
        n => format!("{:.1} GiB", n as f64 / (KIB * KIB * KIB) as f64),
    }
}

/// What one pass of expiring unfinished uploads deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ExpiredUploads {
    /// Unfinished uploads deleted (rows and their parts).
    pub uploads: u64,
    /// Bytes of their parts.
    pub bytes: u64,
}

/// Why an upload chunk was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("文件大小 {size} 字节超过上限 {max} 字节")]
    TooLarge { size: u64, max: u64 },
    #[error("该文件的大小已登记为 {expected} 字节，与本次声明的 {found} 字节不一致")]
    SizeMismatch { expected: u64, found: u64 },
    #[error("应从第 {expected} 字节续传，本次从第 {found} 字节开始")]
    WrongOffset { expected: u64, found: u64 },
    #[error("分块超出文件末尾")]
    BeyondEnd,
    #[error("文件内容的 SHA-256 与声明的不一致，已丢弃，请重新上传")]
    HashMismatch,
    #[error("不支持的文件类型：只接受 PDF、OFD、JPEG、PNG")]
    UnsupportedType,
    #[error(
        "超出每个账号的上传空间上限：已用 {}（含未传完的文件），上限 {}，本文件 {}；请先传完或放弃未完成的上传，或请管理员调整上限",
        human_bytes(.used),
        human_bytes(.quota),
        human_bytes(.size)
    )]
    QuotaExceeded { used: u64, quota: u64, size: u64 },
}

/// An attachment as one user's access check and status call see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// The stored file, if complete: its size and type.
    pub stored: Option<UploadStatus>,
    /// This user's own upload in progress, if any.
    pub upload: Option<UploadStatus>,
    pub uploaded_by_user: bool,
    /// Scopes of the entities whose events reference it.
    pub linked: Vec<EntityScope>,
}

/// The storage of the server. Every method is one transaction.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which backend, for logs and health: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // --- settings, organisations and accounts
    async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    async fn upsert_organisation(&self, org: &Organisation) -> Result<(), StoreError>;
    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError>;
    /// Creates the user; `Conflict` if the id is taken.
    async fn create_user(&self, user: &UserRecord, now: DateTime<Utc>) -> Result<(), StoreError>;
    async fn user(&self, id: &UserId) -> Result<Option<UserRecord>, StoreError>;
    async fn users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Disables (or enables) a user; disabling revokes all its tokens. False if no such user.
    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<bool, StoreError>;
    /// Sets a new password hash and revokes all tokens. False if no such user.
    async fn set_password_hash(&self, id: &UserId, hash: &str) -> Result<bool, StoreError>;
    /// Sets the user's 层级权限 (review levels, already validated against the catalogue by
    /// `crate::levels`). False if no such user.
    async fn set_user_levels(&self, id: &UserId, levels: &[String]) -> Result<bool, StoreError>;
    /// Changes role, department or organisation (scope changes lead to removals on pull).
    async fn update_user_scope(
        &self,
        id: &UserId,
        role: Role,
        department: Option<&DepartmentCode>,
        organisation: Option<&OrganisationId>,
    ) -> Result<bool, StoreError>;

    // --- tokens (only their SHA-256 is stored)
    async fn insert_token(
        &self,
        hash: &str,
        user: &UserId,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The user of a live token: not expired at `now`, not revoked, user not disabled.
    async fn token_user(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError>;
    async fn revoke_token(&self, hash: &str) -> Result<(), StoreError>;
    /// 同步身份: claims `client_id` for `user` if no one holds it yet and answers who holds it
    /// now. A client id once held is never handed to another account.
    async fn claim_client(
        &self,
        client_id: &str,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError>;
    /// Binds a token to the client id its login claimed.
    async fn bind_token_client(&self, hash: &str, client_id: &str) -> Result<(), StoreError>;
    /// The client id a token is bound to (None for a token issued before binding existed).
    async fn token_client(&self, hash: &str) -> Result<Option<String>, StoreError>;
    /// 可信时间: records that the client completed a sync (its last pull page) at `at`.
    async fn record_contact(&self, client_id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// When the client last completed a sync, if ever.
    async fn last_contact(&self, client_id: &str) -> Result<Option<DateTime<Utc>>, StoreError>;

    // --- sync
    /// Applies each command in its own transaction (see [`crate::sync`]).
    async fn push(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        client_id: &str,
        commands: &[CommandEnvelope],
    ) -> Result<PushResult, StoreError>;
    /// Events after `after` that `user` may see, at most about `limit` of them.
    async fn pull(
        &self,
        user: &UserRecord,
        client_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<PullPage, StoreError>;
    async fn last_mutation_id(&self, client_id: &str) -> Result<u64, StoreError>;
    async fn refusals(
        &self,
        client_id: &str,
        user: &UserId,
        after_mutation: u64,
    ) -> Result<Vec<RefusalRecord>, StoreError>;
    /// The highest server sequence number allocated (tests, health).
    async fn max_server_seq(&self) -> Result<u64, StoreError>;
    /// All events of one entity, in order (trail checks, tests).
    async fn entity_events(&self, entity_key: &str) -> Result<Vec<StoredEvent>, StoreError>;
    /// Every event after `after` in server-sequence order, at most `limit`, whatever the
    /// entity or scope: the statistics read the whole store through this (`crate::statistics`
    /// applies the caller's scope itself).
    async fn events_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;

    // --- attachments
    async fn attachment_info(
        &self,
        sha256: &str,
        user: &UserRecord,
    ) -> Result<Option<AttachmentInfo>, StoreError>;
    /// Takes one chunk; completes, verifies and stores the file when the last byte arrives.
    #[allow(clippy::too_many_arguments)]
    async fn put_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        data: &[u8],
        user: &UserRecord,
        limits: UploadLimits,
        now: DateTime<Utc>,
    ) -> Result<Result<UploadStatus, UploadError>, StoreError>;
    async fn attachment_content(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Deletes every unfinished upload started before `started_before`, its row and the parts
    /// received (`crate::attachments::expire_unfinished` runs it; complete files are never
    /// touched).
    async fn expire_uploads(
        &self,
        started_before: DateTime<Utc>,
    ) -> Result<ExpiredUploads, StoreError>;

    // --- failed logins (the limiter's counts, `crate::auth::LoginLimiter`)
    /// The counts of a (name, address) and of the address (keys as `crate::auth` makes them).
    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError>;
    /// Counts one failure of the name at the address and one of the address, each restarting
    /// at one when its window (`window`) has passed.
    async fn record_login_failure(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), StoreError>;
    /// Forgets the failures of the name at the address (a successful login).
    async fn clear_login_failures(&self, name: &str, address: &str) -> Result<(), StoreError>;
    /// Deletes the counts whose window has passed at `now`, then the oldest past `keep` rows
    /// per table; returns how many rows were deleted.
    async fn expire_login_failures(
        &self,
        now: DateTime<Utc>,
        window: chrono::Duration,
        keep: usize,
    ) -> Result<u64, StoreError>;
    /// How many rows of failed logins are stored (tests, the login benchmark).
    async fn login_failure_rows(&self) -> Result<u64, StoreError>;

    // --- scheduler
    /// The trails of the entities `selection` picks over the entity heads, in key order: the
    /// one read behind the schedulers' and the statistics' selections below.
    async fn trails(
        &self,
        selection: Selection,
    ) -> Result<Vec<Vec<permitdesk_protocol::DomainEvent>>, StoreError>;
    /// The events of every case whose legal clock may be running (in review or paused).
    async fn cases_under_clock(
        &self,
    ) -> Result<Vec<Vec<permitdesk_domain::case::CaseEvent>>, StoreError> {
        typed(self.trails(Selection::CasesUnderClock).await?, case_event)
    }
    /// Runs `action` unless its key was already run (by this or another server process):
    /// records the key and the notification in one transaction. True if this call ran it.
    async fn run_once(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError>;
    /// Runs the system's due commands (deemed consent) in ONE transaction, each through the
    /// push path as `user` (the system) and guarded by its exactly-once key (an applied one
    /// also records the action's notification): a key already
    /// run gives None; a refusal that [`crate::sync::system_action_done`] accepts keeps the
    /// key, any other refusal releases it (retried at the next pass).
    async fn run_system_commands(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        actions: &[(ScheduledAction, CommandEnvelope)],
        by: &str,
    ) -> Result<Vec<Option<permitdesk_protocol::CommandOutcome>>, StoreError>;
    /// The events of every planning record in consultation (the deemed-consent scheduler).
    async fn consultations_consulting(
        &self,
    ) -> Result<Vec<Vec<permitdesk_domain::consultation::ConsultationEvent>>, StoreError> {
        typed(
            self.trails(Selection::Consulting).await?,
            consultation_event,
        )
    }
    /// The trails of every rating (`EntityKind::Evaluation`) or complaint
    /// (`EntityKind::Complaint`), or only of those still owed by a department (open
    /// rectification, assigned complaint): the overdue scheduler and the statistics (issue 7).
    async fn interaction_trails(
        &self,
        kind: crate::scope::EntityKind,
        open_only: bool,
    ) -> Result<Vec<Vec<permitdesk_protocol::DomainEvent>>, StoreError> {
        self.trails(Selection::Interaction { kind, open_only })
            .await
    }
    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError>;
    async fn entity_scope(&self, entity_key: &str) -> Result<Option<EntityScope>, StoreError>;

    // --- the e-certificate registry (issue 14, `crate::certificates`)
    async fn certificates(
        &self,
        q: crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError>;
    /// False if there is no such certificate.
    async fn update_certificate(
        &self,
        number: &str,
        u: crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError>;
    /// The signed file, once issued.
    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// The events of every case not yet finished (draft to paused: not returned, refused,
    /// withdrawn or decided): what a catalogue change must not leave without its item.
    async fn open_cases(&self) -> Result<Vec<Vec<permitdesk_domain::case::CaseEvent>>, StoreError> {
        typed(self.trails(Selection::OpenCases).await?, case_event)
    }

    // --- 数据共享 (the national SPGL tables exported in batches, `crate::exchange`)
    /// Every batch exported so far, oldest first; the last one's `to_seq` is the cursor.
    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError>;
    /// In one transaction: claims `claim`'s exactly-once key if given (taken: false, nothing
    /// recorded), then records `batch` if given, which advances the cursor; `Conflict` unless
    /// the batch follows the last one recorded (another process exported meanwhile).
    async fn record_exchange(
        &self,
        batch: Option<&crate::exchange::ExchangeBatch>,
        claim: Option<&ScheduledAction>,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError>;

    // --- 短信提醒 (SMS notices to reviewers, `crate::sms`; migration 8)
    /// Sets (Some) or clears (None) the user's mobile number. False if no such user.
    async fn set_user_phone(
        &self,
        id: &UserId,
        phone: Option<&permitdesk_domain::codes::PhoneNumber>,
    ) -> Result<bool, StoreError>;
    /// Every user with a mobile number, with it.
    async fn user_phones(
        &self,
    ) -> Result<Vec<(UserId, permitdesk_domain::codes::PhoneNumber)>, StoreError>;
    /// [`Store::run_once`] that also records the notice's SMS deliveries, all in one
    /// transaction: the deliveries exist exactly when the notice does.
    async fn run_once_notifying(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
        deliveries: &[crate::sms::PlannedSms],
    ) -> Result<bool, StoreError>;
    /// Deliveries to send now, oldest first: pending ones, and failed ones with attempts left
    /// whose pause is over. First records every claim whose lease ran out as `unknown`.
    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError>;
    /// Claims a due delivery for `by` until `until` (status `sending`, one more attempt) by
    /// one conditional update; false if it is no longer due (another process claimed it).
    #[allow(clippy::too_many_arguments)]
    async fn sms_claim(
        &self,
        notification: u64,
        user: &UserId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError>;
    /// Records how `by`'s claim ended; false if the claim is not `by`'s any more.
    async fn sms_settle(
        &self,
        notification: u64,
        user: &UserId,
        by: &str,
        settle: &crate::sms::Settle,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The latest `limit` deliveries, newest notice first.
    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError>;

    // --- reference data (参考数据), versioned per kind
    /// Records `content` as the next version of `kind` if the current version is
    /// `expected_current` (0: none recorded), atomically; `Conflict` otherwise (someone else
    /// imported meanwhile). Returns the new version.
    #[allow(clippy::too_many_arguments)]
    async fn reference_put(
        &self,
        kind: ReferenceKind,
        expected_current: u64,
        content: &str,
        sha256: &str,
        changed_by: &str,
        changed_at: DateTime<Utc>,
        changes: &[String],
    ) -> Result<u64, StoreError>;
    /// The latest recorded version of `kind`, if any.
    async fn reference_latest(
        &self,
        kind: ReferenceKind,
    ) -> Result<Option<ReferenceDoc>, StoreError>;
    /// The current version of every kind (0 for kinds never imported).
    async fn reference_versions(&self) -> Result<ReferenceVersions, StoreError>;
    /// Every recorded version of `kind` (all kinds if None), oldest first, without content.
    async fn reference_history(
        &self,
        kind: Option<ReferenceKind>,
    ) -> Result<Vec<ReferenceChange>, StoreError>;

    // --- stored projections (投影快照, issue 16): what a restart folds on from
    /// The stored snapshot of the projection `name`, if any.
    async fn projection_snapshot(
        &self,
        name: &str,
    ) -> Result<Option<ProjectionSnapshot>, StoreError>;
    /// Replaces the stored snapshot of `name` with `snapshot`, atomically, unless the stored
    /// one is as recent or more (another process got there first); true when it was written.
    async fn put_projection_snapshot(
        &self,
        name: &str,
        snapshot: &ProjectionSnapshot,
    ) -> Result<bool, StoreError>;
}

/// A projection as stored (migration 9): every event up to `seq` folded, in the encoding
/// `format` names, cut into parts so that no row holds the whole city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionSnapshot {
    /// The last server sequence number folded in.
    pub seq: u64,
    /// The encoding and the build that wrote it; a reader that does not know it replays.
    pub format: String,
    pub parts: Vec<Vec<u8>>,
}

/// Which trails [`Store::trails`] reads: a selection over the entity heads' kind and state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Cases whose legal clock may be running (in review or paused).
    CasesUnderClock,
    /// Cases not finished (draft to paused).
    OpenCases,
    /// Planning records in consultation.
    Consulting,
    /// Ratings, complaints or commissions: all, or only those whose clock runs.
    Interaction {
        kind: crate::scope::EntityKind,
        open_only: bool,
    },
}

impl Selection {
    /// The selection's SQL (constants only, no input; the same on both backends).
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Selection::CasesUnderClock => {
                "SELECT entity_key FROM entity_heads WHERE kind = 'case' AND state IN ('in_review', 'paused') ORDER BY entity_key"
            }
            Selection::OpenCases => {
                "SELECT entity_key FROM entity_heads WHERE kind = 'case' AND state IN ('draft', 'submitted', 'received', 'correction_requested', 'in_review', 'paused') ORDER BY entity_key"
            }
            Selection::Consulting => {
                "SELECT entity_key FROM entity_heads WHERE kind = 'consultation' AND state = 'consulting' ORDER BY entity_key"
            }
            Selection::Interaction { kind, open_only } => interaction_sql(kind, open_only),
        }
    }
}

/// Trails with every event picked by `pick`: an event of another kind means a stored trail
/// is corrupt.
fn typed<E>(
    trails: Vec<Vec<permitdesk_protocol::DomainEvent>>,
    pick: fn(permitdesk_protocol::DomainEvent) -> Option<E>,
) -> Result<Vec<Vec<E>>, StoreError> {
    trails
        .into_iter()
        .map(|t| {
            let key = t
                .first()
                .map(|e| e.entity_key().to_owned())
                .unwrap_or_default();
            events_of_kind(&key, t, pick)
        })
        .collect()
}

/// The versions map with every kind present (0 where nothing is recorded).
pub(crate) fn all_versions(rows: impl IntoIterator<Item = (String, i64)>) -> ReferenceVersions {
    let mut out: ReferenceVersions = ReferenceKind::ALL.into_iter().map(|k| (k, 0)).collect();
    for (kind, v) in rows {
        if let Some(k) = ReferenceKind::parse(&kind) {
            out.insert(k, v.max(0) as u64);
        }
    }
    out
}

pub(crate) fn parse_kind(s: &str) -> Result<ReferenceKind, StoreError> {
    ReferenceKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("reference kind {s}")))
}

pub(crate) fn stale_reference(kind: ReferenceKind, expected: u64) -> StoreError {
    StoreError::Conflict(format!(
        "{}已被他人更新（不再是第 {expected} 版），请重新导入",
        kind.label()
    ))
}

/// The `users.levels` column (migration 3): the levels as a JSON array of strings.
/// A stored `users.phone` (migration 8), parsed; the error names the user, not the number.
pub(crate) fn user_phone(
    id: String,
    phone: &str,
) -> Result<(UserId, permitdesk_domain::codes::PhoneNumber), StoreError> {
    let parsed = permitdesk_domain::codes::PhoneNumber::parse(phone)
        .map_err(|e| StoreError::Corrupt(format!("users.phone of {id}: {e}")))?;
    Ok((UserId::new(id), parsed))
}

pub(crate) fn levels_json(levels: &[String]) -> Result<String, StoreError> {
    Ok(serde_json::to_string(levels)?)
}

pub(crate) fn parse_levels(s: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("users.levels {s}: {e}")))
}

/// The time format stored in SQLite text columns: fixed width, so text order is time order.
pub(crate) fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s}: {e}")))
}

pub(crate) fn role_str(r: Role) -> Result<String, StoreError> {
    match serde_json::to_value(r)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(StoreError::Corrupt(format!("role {other}"))),
    }
}

pub(crate) fn parse_role(s: &str) -> Result<Role, StoreError> {
    Ok(serde_json::from_value(serde_json::Value::String(
        s.to_owned(),
    ))?)
}

/// The events of one entity's trail, all of the kind `pick` accepts; an event of another kind
/// means the stored trail is corrupt.
fn events_of_kind<E>(
    key: &str,
    events: Vec<permitdesk_protocol::DomainEvent>,
    pick: fn(permitdesk_protocol::DomainEvent) -> Option<E>,
) -> Result<Vec<E>, StoreError> {
    events
        .into_iter()
        .map(|e| {
            pick(e).ok_or_else(|| StoreError::Corrupt(format!("{key} holds another kind of event")))
        })
        .collect()
}

/// Picks a case event.
pub(crate) fn case_event(
    e: permitdesk_protocol::DomainEvent,
) -> Option<permitdesk_domain::case::CaseEvent> {
    match e {
        permitdesk_protocol::DomainEvent::Case(s) => Some(s.event),
        _ => None,
    }
}

/// The `entity_heads` selection of [`Store::interaction_trails`] (constants only, no input).
fn interaction_sql(kind: crate::scope::EntityKind, open_only: bool) -> &'static str {
    use crate::scope::EntityKind;
    match (kind, open_only) {
        (EntityKind::Evaluation, true) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'evaluation' AND state IN ('pending', 'rectifying') ORDER BY entity_key"
        }
        (EntityKind::Evaluation, false) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'evaluation' ORDER BY entity_key"
        }
        (EntityKind::Complaint, true) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'complaint' AND state = 'assigned' ORDER BY entity_key"
        }
        (EntityKind::Complaint, false) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'complaint' ORDER BY entity_key"
        }
        // 中介服务委托 (issue 6): those whose service clock runs, or all.
        (EntityKind::Commission, true) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'commission' AND state IN ('in_service', 'in_revision') ORDER BY entity_key"
        }
        (EntityKind::Commission, false) => {
            "SELECT entity_key FROM entity_heads WHERE kind = 'commission' ORDER BY entity_key"
        }
        // Other kinds have their own selections.
        _ => "SELECT entity_key FROM entity_heads WHERE 1 = 0",
    }
}

/// Picks a consultation event.
pub(crate) fn consultation_event(
    e: permitdesk_protocol::DomainEvent,
) -> Option<permitdesk_domain::consultation::ConsultationEvent> {
    match e {
        permitdesk_protocol::DomainEvent::Consultation(s) => Some(s.event),
        _ => None,
    }
}

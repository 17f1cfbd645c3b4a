//! The store's rules, written once above the backends: the push pipeline inside its
//! transaction (duplicate check, load, decide, append or record the refusal), the pull
//! visibility rules (what a client gains, what it loses on a scope change), the upload rules,
//! the upload quota and the expiry of unfinished uploads, the failed-login counts, the
//! exactly-once scheduler actions and the trails the schedulers read.
//!
//! A backend only implements [`Sql`], a small set of primitives that each run one or two SQL
//! statements on the transaction (or connection) it wraps, and chooses the transaction
//! boundaries. The primitives are `async`: PostgreSQL awaits the server; SQLite's never wait
//! (rusqlite is blocking, on the backend's `spawn_blocking` thread) and are driven to their
//! end by [`finish`], so both backends run the very same rules.

use super::cache::StateCache;
use super::{
    AttachmentInfo, NotificationRecord, PullPage, PushEnv, ScheduledAction, StoredEvent,
    UploadError, UploadLimits, UserRecord,
};
use crate::attachments::{check_chunk, check_quota, verdict};
use crate::error::StoreError;
use crate::scope::{EntityKind, EntityScope, may_see, may_use_attachment};
use crate::sync::{self, AttachmentAccess, Decided, Head, Loaded, LoadedEntity, Needs, NewEvent};
use chrono::{DateTime, Utc};
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, ProjectId};
use permitdesk_protocol::{
    CommandEnvelope, CommandOutcome, DomainEvent, EntityRef, Refusal, UploadStatus,
};
use std::collections::{HashMap, HashSet};

/// Rows read per scan query of pull.
pub(crate) const SCAN_BATCH: u32 = 1000;

/// One `entity_heads` row as far as access goes (see [`EntityScope`]).
#[derive(Debug, Clone)]
pub(crate) struct ScopeRow {
    pub entity_key: String,
    pub kind: String,
    pub owner: String,
    pub department: Option<String>,
    pub project: String,
    pub draft: bool,
    pub granted: bool,
    pub created_by_window: bool,
}

/// A client's record: the last mutation id processed and the scope it last pulled with.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientRow {
    pub last_mutation_id: u64,
    pub scope_fingerprint: Option<String>,
}

/// The SQL primitives a backend provides; every rule is in the functions of this module.
/// Each primitive runs on the transaction (or connection) the implementing value wraps.
#[allow(async_fn_in_trait)]
pub(crate) trait Sql {
    // --- entities
    /// The event JSON of one entity's trail, in order.
    async fn trail_json(&self, key: &str) -> Result<Vec<String>, StoreError>;
    /// The project (or pseudo project) an entity's head names.
    async fn head_project(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// An entity's head: its version, its last hash and its (pseudo) project.
    async fn head_at(&self, key: &str) -> Result<Option<(u64, String, String)>, StoreError>;
    /// The departments sharing each of `projects`, ordered by department.
    async fn project_departments(
        &self,
        projects: &[String],
    ) -> Result<HashMap<String, Vec<DepartmentCode>>, StoreError>;
    /// The heads of `keys` (those that exist).
    async fn scope_rows(&self, keys: &[String]) -> Result<Vec<ScopeRow>, StoreError>;
    /// The keys a constant selection over `entity_heads` returns.
    async fn keys_where(&self, sql: &'static str) -> Result<Vec<String>, StoreError>;
    /// The cases of a project.
    async fn project_case_keys(&self, project: &str) -> Result<Vec<String>, StoreError>;

    // --- attachments
    /// A stored (complete) file: its size and content type.
    async fn stored_attachment(&self, sha: &str) -> Result<Option<(u64, String)>, StoreError>;
    async fn uploaded_by(&self, sha: &str, user: &str) -> Result<bool, StoreError>;
    /// The entities whose events reference the file.
    async fn linked_keys(&self, sha: &str) -> Result<Vec<String>, StoreError>;
    /// At most `limit` of them, in key order after `after` (the links' primary key).
    async fn linked_keys_after(
        &self,
        sha: &str,
        after: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError>;
    /// A user's upload in progress: its size and the bytes received (`lock`: for update).
    async fn upload_progress(
        &self,
        sha: &str,
        user: &str,
        lock: bool,
    ) -> Result<Option<(u64, u64)>, StoreError>;
    /// Starts a user's upload; false if a parallel first chunk of the same user won.
    async fn start_upload(
        &self,
        sha: &str,
        user: &str,
        total: u64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn add_part(
        &self,
        sha: &str,
        user: &str,
        offset: u64,
        data: &[u8],
    ) -> Result<(), StoreError>;
    async fn set_received(&self, sha: &str, user: &str, end: u64) -> Result<(), StoreError>;
    /// The parts of a user's upload, concatenated in offset order.
    async fn upload_content(&self, sha: &str, user: &str) -> Result<Vec<u8>, StoreError>;
    /// Forgets a user's upload and its parts.
    async fn end_upload(&self, sha: &str, user: &str) -> Result<(), StoreError>;
    /// Keeps a verified file (once) and records its uploader.
    async fn keep_attachment(
        &self,
        sha: &str,
        user: &str,
        content_type: &str,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    // --- upload quota and expiry
    /// Serialises the starts of one user's uploads, so that two files started at once cannot
    /// both pass the quota (PostgreSQL: the user's row locked; SQLite: its one writer already).
    async fn lock_user_uploads(&self, user: &str) -> Result<(), StoreError>;
    /// The bytes of the files the user uploaded (stored), and the declared sizes of its
    /// unfinished uploads.
    async fn upload_usage(&self, user: &str) -> Result<(u64, u64), StoreError>;
    /// Unfinished uploads started before `before`, oldest first, at most `limit`: (file, user).
    async fn uploads_started_before(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError>;
    /// Deletes a user's unfinished upload if it was started before `before` (after a chunk in
    /// flight), then its parts: the bytes it had received, None if there was none to delete.
    async fn expire_upload(
        &self,
        sha: &str,
        user: &str,
        before: DateTime<Utc>,
    ) -> Result<Option<u64>, StoreError>;

    // --- failed logins
    /// The counts of a (name, address) and of the address.
    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError>;
    /// Adds one failure to the (name, address) row and to the address's row (created at one
    /// with the window starting `now`); a row whose window started at or before
    /// `restart_before` starts again at one from `now`.
    async fn bump_login_failures(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
        restart_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn clear_login_failure(&self, name: &str, address: &str) -> Result<(), StoreError>;
    /// Deletes the rows of both tables whose window started at or before `before`.
    async fn delete_login_failures_before(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Deletes the oldest rows of each table past the newest `keep`.
    async fn trim_login_failures(&self, keep: u64) -> Result<u64, StoreError>;
    async fn login_failure_rows(&self) -> Result<u64, StoreError>;

    // --- push
    /// Serialises writers (PostgreSQL: the counter row's lock; SQLite: its one writer already).
    async fn lock_writers(&self) -> Result<(), StoreError>;
    async fn client(&self, client_id: &str) -> Result<Option<ClientRow>, StoreError>;
    /// Allocates `n` server sequence numbers; returns the last one.
    async fn allocate_seqs(&self, n: u64) -> Result<u64, StoreError>;
    #[allow(clippy::too_many_arguments)]
    async fn insert_event(
        &self,
        server_seq: u64,
        entity_key: &str,
        e: &NewEvent,
        received_at: DateTime<Utc>,
        client_id: &str,
        mutation_id: u64,
    ) -> Result<(), StoreError>;
    async fn upsert_head(&self, head: &Head) -> Result<(), StoreError>;
    async fn link_attachment(&self, sha: &str, entity_key: &str) -> Result<(), StoreError>;
    async fn share_project(&self, project: &str, department: &str) -> Result<(), StoreError>;
    async fn record_refusal(
        &self,
        client_id: &str,
        mutation_id: u64,
        user: &str,
        refusal: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn record_mutation(
        &self,
        client_id: &str,
        user: &str,
        mutation_id: u64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    // --- numbering and the certificate registry (issue 14, `crate::certificates`)
    /// The last number used in `series` (None: none yet).
    async fn number_last(&self, series: &str) -> Result<Option<u64>, StoreError>;
    async fn set_number_last(&self, series: &str, last: u64) -> Result<(), StoreError>;
    async fn insert_certificate(
        &self,
        row: &crate::certificates::CertificateRow,
    ) -> Result<(), StoreError>;
    async fn certificates(
        &self,
        q: &crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError>;
    /// False if there is no such certificate.
    async fn update_certificate(
        &self,
        number: &str,
        u: &crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError>;
    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError>;

    // --- scheduler
    /// Inserts the action's exactly-once key; false if it was taken.
    async fn claim_action(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError>;
    async fn release_action(&self, key: &str) -> Result<(), StoreError>;
    async fn insert_notification(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError>;

    // --- 短信提醒 (`crate::sms`)
    /// Inserts one delivery of the notice recorded under `action_key` (nothing if it exists).
    async fn insert_sms_delivery(
        &self,
        action_key: &str,
        d: &crate::sms::PlannedSms,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Records every claim whose lease ended before `now` as `unknown` (never resent).
    async fn sms_abandon_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Pending deliveries with a number, and failed ones with attempts left whose pause is
    /// over, oldest first.
    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError>;
    /// The conditional update that claims a due delivery; false if it is not due any more.
    #[allow(clippy::too_many_arguments)]
    async fn sms_claim(
        &self,
        notification: u64,
        user: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError>;
    /// Settles `by`'s claim; false if it holds none on that delivery.
    async fn sms_settle(
        &self,
        notification: u64,
        user: &str,
        by: &str,
        settle: &crate::sms::Settle,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The latest deliveries, newest notice first.
    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError>;

    // --- 数据共享 (the SPGL export's batches, `crate::exchange`)
    /// Every recorded batch, oldest first.
    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError>;
    /// The last recorded batch's number and the server sequence number it ends at.
    async fn last_exchange_batch(&self) -> Result<Option<(u64, u64)>, StoreError>;
    /// Inserts the batch; false if its number is taken.
    async fn insert_exchange_batch(
        &self,
        b: &crate::exchange::ExchangeBatch,
    ) -> Result<bool, StoreError>;

    // --- pull
    /// The client's record and the first batch of the scan (PostgreSQL sends both at once).
    async fn client_and_scan(
        &self,
        client_id: &str,
        after: u64,
        batch: u32,
    ) -> Result<(Option<ClientRow>, Vec<StoredEvent>), StoreError>;
    /// Events after `after` in server-sequence order, at most `limit`.
    async fn scan(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;
    /// An entity's events below server sequence number `before`.
    async fn history(&self, key: &str, before: u64) -> Result<Vec<StoredEvent>, StoreError>;
    async fn any_event_after(&self, after: u64) -> Result<bool, StoreError>;
    /// Every entity the client holds.
    async fn held_keys(&self, client_id: &str) -> Result<Vec<String>, StoreError>;
    /// Those of `keys` the client holds.
    async fn held_among(
        &self,
        client_id: &str,
        keys: &[String],
    ) -> Result<HashSet<String>, StoreError>;
    /// Records the client's scope and what it now holds (delivered) or no longer (removed).
    async fn record_client_view(
        &self,
        client_id: &str,
        user: &str,
        fingerprint: &str,
        removed: &[String],
        delivered: &[String],
    ) -> Result<(), StoreError>;
}

/// Drives a future of SQLite primitives (which never wait) to its end on the calling thread.
pub(crate) fn finish<T>(
    f: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => Err(StoreError::Task(
            "a blocking store call tried to wait".to_owned(),
        )),
    }
}

// --- entities and scopes

/// One entity's stored events and the departments sharing its project (None: no events).
pub(crate) async fn load_entity<S: Sql>(
    s: &S,
    key: &str,
) -> Result<Option<LoadedEntity>, StoreError> {
    let json = s.trail_json(key).await?;
    if json.is_empty() {
        return Ok(None);
    }
    let events = json
        .iter()
        .map(|j| Ok(serde_json::from_str::<DomainEvent>(j)?))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let project_departments = match s.head_project(key).await? {
        Some(p) => s
            .project_departments(std::slice::from_ref(&p))
            .await?
            .remove(&p)
            .unwrap_or_default(),
        None => vec![],
    };
    Ok(Some(LoadedEntity {
        events,
        project_departments,
        snapshot: None,
    }))
}

/// The departments sharing a project.
async fn departments_of<S: Sql>(s: &S, project: &str) -> Result<Vec<DepartmentCode>, StoreError> {
    Ok(s.project_departments(&[project.to_owned()])
        .await?
        .remove(project)
        .unwrap_or_default())
}

/// [`load_entity`] for a push: when the cache holds the state folded up to the stored head
/// (same version and hash, read in this transaction), that state instead of the trail.
async fn load_current<S: Sql>(
    s: &S,
    key: &str,
    cache: &StateCache,
) -> Result<Option<LoadedEntity>, StoreError> {
    let Some((version, hash, project)) = s.head_at(key).await? else {
        // No head, no events (every append writes both); read anyway, as before.
        return load_entity(s, key).await;
    };
    if let Some(snapshot) = cache.get(key, version, &hash) {
        return Ok(Some(LoadedEntity {
            events: vec![],
            project_departments: departments_of(s, &project).await?,
            snapshot: Some(snapshot),
        }));
    }
    let json = s.trail_json(key).await?;
    if json.is_empty() {
        return Ok(None);
    }
    let events = json
        .iter()
        .map(|j| Ok(serde_json::from_str::<DomainEvent>(j)?))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(LoadedEntity {
        events,
        project_departments: departments_of(s, &project).await?,
        snapshot: None,
    }))
}

/// The scopes of `keys` (those that exist).
pub(crate) async fn scopes<S: Sql>(
    s: &S,
    keys: &[String],
) -> Result<HashMap<String, EntityScope>, StoreError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = s.scope_rows(keys).await?;
    let projects: Vec<String> = rows
        .iter()
        .map(|r| r.project.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let departments = s.project_departments(&projects).await?;
    rows.into_iter()
        .map(|r| {
            let kind = EntityKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("entity kind {}", r.kind)))?;
            let scope = EntityScope {
                kind,
                owner: OrganisationId::new(r.owner),
                department: r.department.map(DepartmentCode::new),
                project_departments: departments.get(&r.project).cloned().unwrap_or_default(),
                project: ProjectId::new(r.project),
                draft: r.draft,
                granted: r.granted,
                created_by_window: r.created_by_window,
            };
            Ok((r.entity_key, scope))
        })
        .collect()
}

pub(crate) async fn scope<S: Sql>(s: &S, key: &str) -> Result<Option<EntityScope>, StoreError> {
    Ok(scopes(s, &[key.to_owned()]).await?.remove(key))
}

/// [`super::Store::trails`]: the trails of the entities a selection returns, in key order.
pub(crate) async fn trails<S: Sql>(
    s: &S,
    selection: super::Selection,
) -> Result<Vec<Vec<DomainEvent>>, StoreError> {
    let keys = s.keys_where(selection.sql()).await?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(l) = load_entity(s, &k).await? {
            out.push(l.events);
        }
    }
    Ok(out)
}

// --- attachments

/// Whether the user uploaded the file, and the scopes of the entities referencing it.
async fn uploader_and_links<S: Sql>(
    s: &S,
    sha: &str,
    user: &UserRecord,
) -> Result<(bool, Vec<EntityScope>), StoreError> {
    let uploaded = s.uploaded_by(sha, user.id.as_str()).await?;
    let keys = s.linked_keys(sha).await?;
    let mut found = scopes(s, &keys).await?;
    let linked = keys.iter().filter_map(|k| found.remove(k)).collect();
    Ok((uploaded, linked))
}

/// Links read by the first step of [`attachment_access`] (each later step reads four times
/// more, up to [`LINK_PAGE_MAX`]): the first linked entity is usually one the user sees.
const LINK_PAGE: u32 = 4;
const LINK_PAGE_MAX: u32 = 256;

/// Whether the user may reference the file in a command ([`may_use_attachment`]), reading no
/// more than it needs: its uploader needs no link at all, anyone else the linked entities a
/// page at a time until one it may see (a file shared by thousands of entities no longer
/// costs each command the scopes of all of them).
async fn attachment_access<S: Sql>(
    s: &S,
    sha: &str,
    user: &UserRecord,
) -> Result<AttachmentAccess, StoreError> {
    if !sync::valid_sha256(sha) || s.stored_attachment(sha).await?.is_none() {
        return Ok(AttachmentAccess::Missing);
    }
    let viewer = user.viewer();
    if s.uploaded_by(sha, user.id.as_str()).await? {
        return Ok(AttachmentAccess::Usable);
    }
    let (mut after, mut page) = (String::new(), LINK_PAGE);
    loop {
        let keys = s.linked_keys_after(sha, &after, page).await?;
        let found = scopes(s, &keys).await?;
        let linked: Vec<EntityScope> = found.into_values().collect();
        if may_use_attachment(&viewer, false, &linked) {
            return Ok(AttachmentAccess::Usable);
        }
        match keys.last() {
            Some(last) if keys.len() >= page as usize => {
                after = last.clone();
                page = (page * 4).min(LINK_PAGE_MAX);
            }
            _ => return Ok(AttachmentAccess::NotYours),
        }
    }
}

pub(crate) fn upload_status(
    sha: &str,
    size: u64,
    received: u64,
    complete: bool,
    content_type: Option<String>,
) -> UploadStatus {
    UploadStatus {
        id: permitdesk_domain::ids::AttachmentId::new(sha),
        size,
        received,
        complete,
        content_type,
    }
}

/// [`super::Store::attachment_info`].
pub(crate) async fn attachment_info<S: Sql>(
    s: &S,
    sha: &str,
    user: &UserRecord,
) -> Result<Option<AttachmentInfo>, StoreError> {
    let stored = s.stored_attachment(sha).await?;
    let upload = s.upload_progress(sha, user.id.as_str(), false).await?;
    if stored.is_none() && upload.is_none() {
        return Ok(None);
    }
    let (uploaded_by_user, linked) = uploader_and_links(s, sha, user).await?;
    Ok(Some(AttachmentInfo {
        stored: stored.map(|(size, ct)| upload_status(sha, size, size, true, Some(ct))),
        upload: upload.map(|(size, received)| upload_status(sha, size, received, false, None)),
        uploaded_by_user,
        linked,
    }))
}

/// [`super::Store::put_chunk`], inside the caller's transaction (committed whatever the
/// answer). Uploads are kept per (file, user) until complete: a user gains access to a stored
/// file only by sending its whole content, never by knowing its hash.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn put_chunk<S: Sql>(
    s: &S,
    sha: &str,
    offset: u64,
    total: u64,
    data: &[u8],
    user: &UserRecord,
    limits: UploadLimits,
    now: DateTime<Utc>,
) -> Result<Result<UploadStatus, UploadError>, StoreError> {
    let uid = user.id.as_str();
    let existing = s.upload_progress(sha, uid, true).await?;
    let end = match check_chunk(existing, offset, total, data.len() as u64, limits) {
        Ok(end) => end,
        Err(e) => return Ok(Err(e)),
    };
    // 每个账号的上传空间: a new upload reserves its declared size against the user's quota
    // (a file the user already stored costs nothing more).
    if existing.is_none() && !s.uploaded_by(sha, uid).await? {
        s.lock_user_uploads(uid).await?;
        let (stored, in_progress) = s.upload_usage(uid).await?;
        if let Err(e) = check_quota(stored.saturating_add(in_progress), total, limits) {
            return Ok(Err(e));
        }
    }
    if existing.is_none() && !s.start_upload(sha, uid, total, now).await? {
        // The same user's parallel first chunk won the race.
        return Ok(Err(UploadError::WrongOffset {
            expected: 0,
            found: offset,
        }));
    }
    if !data.is_empty() {
        s.add_part(sha, uid, offset, data).await?;
    }
    s.set_received(sha, uid, end).await?;
    if end < total {
        return Ok(Ok(upload_status(sha, total, end, false, None)));
    }
    let content = s.upload_content(sha, uid).await?;
    // Complete or rejected, the upload is over: the next attempt starts clean.
    s.end_upload(sha, uid).await?;
    let kind = match verdict(&content, sha) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    s.keep_attachment(sha, uid, kind, &content, now).await?;
    Ok(Ok(upload_status(
        sha,
        total,
        total,
        true,
        Some(kind.to_owned()),
    )))
}

/// Unfinished uploads one [`expire_uploads`] call deletes at most (the next call, or the
/// next scheduler pass, takes the rest).
pub(crate) const EXPIRE_BATCH: u32 = 500;

/// [`super::Store::expire_uploads`], inside the caller's transaction: unfinished uploads
/// started before `before`, at most [`EXPIRE_BATCH`], with their parts. A complete file is
/// never an upload any more, so it is never touched.
pub(crate) async fn expire_uploads<S: Sql>(
    s: &S,
    before: DateTime<Utc>,
) -> Result<super::ExpiredUploads, StoreError> {
    let mut out = super::ExpiredUploads::default();
    for (sha, user) in s.uploads_started_before(before, EXPIRE_BATCH).await? {
        if let Some(bytes) = s.expire_upload(&sha, &user, before).await? {
            out.uploads += 1;
            out.bytes = out.bytes.saturating_add(bytes);
        }
    }
    Ok(out)
}

// --- failed logins

/// [`super::Store::record_login_failure`]: one more failure of the name at the address and of
/// the address; a count whose window has passed starts again.
pub(crate) async fn record_login_failure<S: Sql>(
    s: &S,
    name: &str,
    address: &str,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> Result<(), StoreError> {
    s.bump_login_failures(name, address, now, now - window)
        .await
}

/// [`super::Store::expire_login_failures`]: counts whose window has passed, then the oldest
/// past `keep` rows per table.
pub(crate) async fn expire_login_failures<S: Sql>(
    s: &S,
    now: DateTime<Utc>,
    window: chrono::Duration,
    keep: usize,
) -> Result<u64, StoreError> {
    let expired = s.delete_login_failures_before(now - window).await?;
    let trimmed = s.trim_login_failures(keep as u64).await?;
    Ok(expired + trimmed)
}

// --- push

/// What [`sync::decide`] needs for one command (states from `cache` where it holds them).
async fn load_for<S: Sql>(
    s: &S,
    needs: &Needs,
    user: &UserRecord,
    cache: &StateCache,
) -> Result<Loaded, StoreError> {
    let entity = load_current(s, &needs.entity_key, cache).await?;
    let project = match &needs.project_key {
        Some(k) => load_current(s, k, cache).await?,
        None => None,
    };
    let mut attachments = Vec::with_capacity(needs.attachments.len());
    for a in &needs.attachments {
        attachments.push((a.clone(), attachment_access(s, a.as_str(), user).await?));
    }
    Ok(Loaded {
        entity,
        project,
        attachments,
    })
}

/// Appends a decided command: events with new server sequence numbers, the entity's head,
/// its attachment links and the departments it is now shared with.
async fn append<S: Sql>(
    s: &S,
    d: &Decided,
    client_id: &str,
    mutation_id: u64,
    now: DateTime<Utc>,
) -> Result<Vec<u64>, StoreError> {
    let n = d.events.len() as u64;
    let end = s.allocate_seqs(n).await?;
    let mut seqs = Vec::with_capacity(d.events.len());
    for (i, e) in d.events.iter().enumerate() {
        let seq = end - n + 1 + i as u64;
        s.insert_event(seq, &d.head.entity_key, e, now, client_id, mutation_id)
            .await?;
        seqs.push(seq);
    }
    s.upsert_head(&d.head).await?;
    for a in &d.links {
        s.link_attachment(a.as_str(), &d.head.entity_key).await?;
    }
    for (p, dept) in &d.see {
        s.share_project(p.as_str(), dept.as_str()).await?;
    }
    Ok(seqs)
}

pub(crate) async fn last_mutation<S: Sql>(s: &S, client_id: &str) -> Result<u64, StoreError> {
    Ok(s.client(client_id).await?.map_or(0, |c| c.last_mutation_id))
}

/// Decides one command ([`sync::decide`]) and appends it if applied; the state after it goes
/// into the cache under the head just written (before the commit: an entry whose transaction
/// rolls back never matches a stored head, see [`super::cache`]).
#[allow(clippy::too_many_arguments)]
async fn decide_and_append<S: Sql>(
    s: &S,
    env: &PushEnv,
    user: &UserRecord,
    cmd: &CommandEnvelope,
    cache: &StateCache,
    client_id: &str,
    mutation_id: u64,
    now: DateTime<Utc>,
) -> Result<Result<Vec<u64>, Refusal>, StoreError> {
    let loaded = load_for(s, &sync::needs(cmd), user, cache).await?;
    match sync::decide_cached(user, cmd, &loaded, &env.reference, &env.rules, now) {
        Ok((d, snapshot)) => {
            let seqs = append(s, &d, client_id, mutation_id, now).await?;
            if let Some(snapshot) = snapshot {
                cache.put(&d.head.entity_key, d.head.version, &d.head.hash, snapshot);
            }
            Ok(Ok(seqs))
        }
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// One pushed command, inside the caller's transaction: the writers' lock, the duplicate
/// check, the decision ([`sync::decide`]), its writes (events and head, or the refusal) and
/// the client's mutation id.
pub(crate) async fn push_one<S: Sql>(
    s: &S,
    env: &PushEnv,
    user: &UserRecord,
    client_id: &str,
    cmd: &CommandEnvelope,
    cache: &StateCache,
) -> Result<CommandOutcome, StoreError> {
    s.lock_writers().await?;
    if cmd.mutation_id <= last_mutation(s, client_id).await? {
        return Ok(CommandOutcome::Duplicate);
    }
    let now = env.clock.now();
    // A granted completion is numbered by the server (issue 14): peeked here, consumed only
    // if the command is applied.
    let assigned = crate::certificates::assign(s, cmd, now).await?;
    let cmd = assigned.as_ref().map_or(cmd, |a| &a.command);
    // A case's creation gets its 办件编号 the same way.
    let numbered = crate::case_numbers::assign(s, cmd, now).await?;
    let cmd = numbered.as_ref().map_or(cmd, |n| &n.command);
    let decided =
        decide_and_append(s, env, user, cmd, cache, client_id, cmd.mutation_id, now).await?;
    if let (Ok(_), Some(a)) = (&decided, &assigned) {
        crate::certificates::record(s, a).await?;
    }
    if let (Ok(_), Some(n)) = (&decided, &numbered) {
        crate::case_numbers::record(s, n).await?;
    }
    let outcome = match decided {
        Ok(server_seqs) => CommandOutcome::Applied { server_seqs },
        Err(refusal) => {
            s.record_refusal(client_id, cmd.mutation_id, user.id.as_str(), &refusal, now)
                .await?;
            CommandOutcome::Refused { refusal }
        }
    };
    s.record_mutation(client_id, user.id.as_str(), cmd.mutation_id, now)
        .await?;
    Ok(outcome)
}

// --- scheduler

/// [`super::Store::run_once`], inside the caller's transaction.
pub(crate) async fn run_once<S: Sql>(
    s: &S,
    a: &ScheduledAction,
    now: DateTime<Utc>,
    by: &str,
) -> Result<bool, StoreError> {
    let ran = s.claim_action(a, now, by).await?;
    if ran {
        s.insert_notification(a, now).await?;
    }
    Ok(ran)
}

/// [`super::Store::run_once_notifying`], inside the caller's transaction: the notice's
/// deliveries only if this call ran it.
pub(crate) async fn run_once_notifying<S: Sql>(
    s: &S,
    a: &ScheduledAction,
    now: DateTime<Utc>,
    by: &str,
    deliveries: &[crate::sms::PlannedSms],
) -> Result<bool, StoreError> {
    let ran = run_once(s, a, now, by).await?;
    if ran {
        for d in deliveries {
            s.insert_sms_delivery(&a.key, d, now).await?;
        }
    }
    Ok(ran)
}

/// [`super::Store::sms_due`], inside the caller's transaction.
pub(crate) async fn due_sms<S: Sql>(
    s: &S,
    now: DateTime<Utc>,
    max_attempts: u32,
    limit: u32,
) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
    s.sms_abandon_expired(now).await?;
    s.sms_due(now, max_attempts, limit).await
}

/// [`super::Store::record_exchange`], inside the caller's transaction: the claim first (taken:
/// false, nothing recorded), then the batch, which must follow the last one recorded (its
/// number next, its first sequence number that batch's last): the cursor moves with the row.
pub(crate) async fn record_exchange<S: Sql>(
    s: &S,
    batch: Option<&crate::exchange::ExchangeBatch>,
    claim: Option<&ScheduledAction>,
    now: DateTime<Utc>,
    by: &str,
) -> Result<bool, StoreError> {
    if let Some(a) = claim
        && !s.claim_action(a, now, by).await?
    {
        return Ok(false);
    }
    if let Some(b) = batch {
        let (last, cursor) = s.last_exchange_batch().await?.unwrap_or((0, 0));
        if b.number != last + 1 || b.from_seq != cursor || !s.insert_exchange_batch(b).await? {
            return Err(StoreError::Conflict(format!(
                "数据共享第 {} 批已由其他进程导出（已记录到第 {} 批），本次导出未记录；请重新运行导出",
                b.number,
                last.max(b.number)
            )));
        }
    }
    Ok(true)
}

/// [`super::Store::run_system_commands`], inside the caller's one transaction.
pub(crate) async fn run_system_commands<S: Sql>(
    s: &S,
    env: &PushEnv,
    user: &UserRecord,
    actions: &[(ScheduledAction, CommandEnvelope)],
    by: &str,
    cache: &StateCache,
) -> Result<Vec<Option<CommandOutcome>>, StoreError> {
    // The writers' lock first (as push): a second process waits here, then finds the keys.
    s.lock_writers().await?;
    let now = env.clock.now();
    let mut out = Vec::with_capacity(actions.len());
    for (a, cmd) in actions {
        if !s.claim_action(a, now, by).await? {
            out.push(None);
            continue;
        }
        let outcome = match decide_and_append(s, env, user, cmd, cache, "system", 0, now).await? {
            Ok(server_seqs) => {
                s.insert_notification(a, now).await?;
                CommandOutcome::Applied { server_seqs }
            }
            Err(refusal) => {
                if !sync::system_action_done(&refusal) {
                    s.release_action(&a.key).await?;
                }
                CommandOutcome::Refused { refusal }
            }
        };
        out.push(Some(outcome));
    }
    Ok(out)
}

// --- pull

/// What a pull read, and what it must record about the client afterwards.
pub(crate) struct PullScan {
    pub page: PullPage,
    pub delivered: Vec<String>,
    pub update_client: bool,
    pub fingerprint: String,
}

impl PullScan {
    /// Records what the client now holds, if anything changed (the backend picks the
    /// transaction).
    pub(crate) async fn record<S: Sql>(
        &self,
        s: &S,
        user: &UserRecord,
        client_id: &str,
    ) -> Result<(), StoreError> {
        let removed: Vec<String> = self.page.removals.iter().map(|r| r.key()).collect();
        s.record_client_view(
            client_id,
            user.id.as_str(),
            &self.fingerprint,
            &removed,
            &self.delivered,
        )
        .await
    }
}

/// Upper bound of rows one pull scans (invisible rows included), so a pull stays short.
fn scan_budget(limit: u32) -> usize {
    (limit as usize).saturating_mul(4).clamp(1000, 40_000)
}

/// What one pull has learnt about the client's copies, and the page it is building.
struct Gain<'a> {
    viewer: &'a crate::scope::Viewer<'a>,
    client_id: &'a str,
    removed: &'a HashSet<String>,
    held: HashMap<String, bool>,
    delivered: Vec<String>,
    events: Vec<StoredEvent>,
}

impl Gain<'_> {
    /// Whether the client holds each of `keys` (and has not just lost it), cached.
    async fn learn<S: Sql>(&mut self, s: &S, keys: Vec<String>) -> Result<(), StoreError> {
        let unknown: Vec<String> = keys
            .into_iter()
            .filter(|k| !self.held.contains_key(k))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let have = s.held_among(self.client_id, &unknown).await?;
        for k in unknown {
            let h = have.contains(&k) && !self.removed.contains(&k);
            self.held.insert(k, h);
        }
        Ok(())
    }

    async fn history<S: Sql>(&mut self, s: &S, key: &str, before: u64) -> Result<(), StoreError> {
        self.events.extend(s.history(key, before).await?);
        Ok(())
    }

    /// The client starts holding `key` (visible, not held) at event `seq`. Access gained
    /// after the cursor passed the entity's first events brings its earlier history along
    /// (below the cursor); a case that made its project shared also brings the project and
    /// the project's other cases now visible (granted ones), which have no new event to carry
    /// them. `catch_up` is false on a first pull from 0, where nothing can have been passed.
    async fn gain<S: Sql>(
        &mut self,
        s: &S,
        key: &str,
        scope: &EntityScope,
        seq: u64,
        catch_up: bool,
    ) -> Result<(), StoreError> {
        self.held.insert(key.to_owned(), true);
        self.delivered.push(key.to_owned());
        if !catch_up {
            return Ok(());
        }
        let mut related: Vec<String> = Vec::new();
        if scope.kind == EntityKind::Case {
            related.push(format!("project:{}", scope.project));
        }
        related.extend(s.project_case_keys(scope.project.as_str()).await?);
        for k in related {
            if k == key {
                continue;
            }
            self.learn(s, vec![k.clone()]).await?;
            if self.held.get(&k) == Some(&true) {
                continue;
            }
            if scope_visible(s, self.viewer, &k).await? {
                self.held.insert(k.clone(), true);
                self.delivered.push(k.clone());
                self.history(s, &k, seq).await?;
            }
        }
        self.history(s, key, seq).await
    }
}

async fn scope_visible<S: Sql>(
    s: &S,
    viewer: &crate::scope::Viewer<'_>,
    key: &str,
) -> Result<bool, StoreError> {
    Ok(scope(s, key).await?.is_some_and(|sc| may_see(viewer, &sc)))
}

/// One page of pull: the events `user` may see after `after`, removals of what the client
/// holds but may no longer see (after a scope change), and the history of what it gains.
pub(crate) async fn pull_scan<S: Sql>(
    s: &S,
    user: &UserRecord,
    client_id: &str,
    after: u64,
    limit: u32,
) -> Result<PullScan, StoreError> {
    let (client, first) = s.client_and_scan(client_id, after, SCAN_BATCH).await?;
    let client = client.unwrap_or_default();
    let stored_fp = client.scope_fingerprint;
    let fingerprint = user.scope_fingerprint();
    let viewer = user.viewer();
    let mut removals = Vec::new();
    let mut removed: HashSet<String> = HashSet::new();
    if stored_fp.as_deref().is_some_and(|fp| fp != fingerprint) {
        let held = s.held_keys(client_id).await?;
        let found = scopes(s, &held).await?;
        for k in held {
            if !found.get(&k).is_some_and(|sc| may_see(&viewer, sc)) {
                if let Some(r) = EntityRef::from_key(&k) {
                    removals.push(r);
                }
                removed.insert(k);
            }
        }
    }
    let mut known: HashMap<String, Option<EntityScope>> = HashMap::new();
    let mut g = Gain {
        viewer: &viewer,
        client_id,
        removed: &removed,
        held: HashMap::new(),
        delivered: Vec::new(),
        events: Vec::new(),
    };
    let mut cursor = after;
    let budget = scan_budget(limit);
    let mut scanned = 0usize;
    let mut exhausted = false;
    let mut prefetched = Some(first);
    'outer: while scanned < budget {
        let batch = match prefetched.take() {
            Some(rows) => rows,
            None => s.scan(cursor, SCAN_BATCH).await?,
        };
        if batch.is_empty() {
            exhausted = true;
            break;
        }
        let short = batch.len() < SCAN_BATCH as usize;
        let unknown: Vec<String> = batch
            .iter()
            .map(|e| e.entity_key.clone())
            .filter(|k| !known.contains_key(k))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut found = scopes(s, &unknown).await?;
        for k in unknown {
            let sc = found.remove(&k);
            known.insert(k, sc);
        }
        let visible = |k: &str| {
            known
                .get(k)
                .and_then(|sc| sc.as_ref())
                .is_some_and(|sc| may_see(&viewer, sc))
        };
        let visible_keys: Vec<String> = batch
            .iter()
            .filter(|e| visible(&e.entity_key))
            .map(|e| e.entity_key.clone())
            .collect();
        g.learn(s, visible_keys).await?;
        for e in batch {
            scanned += 1;
            let seq = e.server_seq;
            if visible(&e.entity_key) {
                if g.held.get(&e.entity_key) == Some(&false)
                    && let Some(Some(sc)) = known.get(&e.entity_key)
                {
                    g.gain(s, &e.entity_key, sc, seq, after > 0).await?;
                }
                g.events.push(e);
            }
            cursor = seq;
            if g.events.len() >= limit as usize || scanned >= budget {
                break 'outer;
            }
        }
        if short {
            exhausted = true;
            break;
        }
    }
    // A short last batch read to its end: nothing more, no need to ask.
    let has_more = !exhausted && s.any_event_after(cursor).await?;
    let update_client = stored_fp.as_deref() != Some(fingerprint.as_str())
        || !g.delivered.is_empty()
        || !removals.is_empty();
    Ok(PullScan {
        page: PullPage {
            events: g.events,
            removals,
            cursor,
            has_more,
            last_mutation_id: client.last_mutation_id,
        },
        delivered: g.delivered,
        update_client,
        fingerprint,
    })
}

//! The sync engine: first the reference data (holiday calendar, catalogue, market, zones: only
//! the kinds newer than this profile's, each verified and parsed before it is kept; queued
//! commands are re-decided with a new version), then uploads, then push of the outbox in
//! batches (retry-safe: the server skips mutation ids it has processed; each push carries the
//! reference versions its commands were decided with, and a server holding newer ones answers
//! 409 `stale_reference`: the engine pulls the reference data, re-decides and pushes again once),
//! then pull until the server has nothing more, each page verified and applied with the pending
//! commands rebased on top.

use crate::clock::{Clock, measure_offset};
use crate::error::{ClientError, Result};
use crate::store::{IngestReport, Store, UploadState};
use crate::transport::{Transport, TransportError};
use chrono::{DateTime, Utc};
use permitdesk_domain::ids::AttachmentId;
use permitdesk_domain::reference::ReferenceKind;
use permitdesk_protocol::{
    CommandOutcome, ErrorCode, LoginRequest, LoginResponse, PullQuery, PushRequest, UploadStatus,
};
use serde::Serialize;

/// Sizes of the exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Commands per push request.
    pub push_batch: usize,
    /// Events asked for per pull page.
    pub pull_limit: u32,
    /// Bytes per upload chunk.
    pub chunk_size: usize,
    /// Upper bound of requests of one kind in one sync (a guard against a looping server).
    pub max_rounds: usize,
    /// Events stored per local step: a pulled page is stored in parts of this size, each in
    /// its own transaction, so a read waits for one part at most.
    pub store_chunk: usize,
    /// Entities whose projection is written per local step at the end of a pull.
    pub project_chunk: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 200,
            pull_limit: 5000,
            chunk_size: 256 * 1024,
            max_rounds: 100_000,
            store_chunk: 500,
            project_chunk: 250,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    pub uploads_completed: u64,
    pub uploads_failed: u64,
    pub pushed: u64,
    pub applied: u64,
    pub refused: u64,
    pub duplicates: u64,
    pub pulled: IngestReport,
    pub pull_pages: u64,
    /// Commands still waiting after the sync.
    pub pending: u64,
    /// Everything was pushed and pulled.
    pub complete: bool,
    /// Set when the server could not be reached part way: what was done is kept.
    pub offline: Option<String>,
    /// Kinds of reference data a newer version of which was received and put in force.
    pub reference_updated: Vec<ReferenceKind>,
    /// Reference data the server sent that did not verify or parse (not used; one sentence each).
    pub reference_errors: Vec<String>,
    /// Queued commands rebuilt with new reference data (e.g. acceptance terms from a new
    /// catalogue).
    pub redecided: u64,
    /// Pushes the server refused as decided with older reference data (then pushed again).
    pub stale_reference: u64,
}

/// Log in offering this installation's client id (the server binds the token to it, or to
/// another it issues): the server's answer, and the clock offset measured from its `server_time`.
pub fn login(
    transport: &dyn Transport,
    clock: &dyn Clock,
    user: &str,
    password: &str,
    client_id: &str,
) -> Result<(LoginResponse, chrono::Duration, DateTime<Utc>)> {
    let sent = clock.now();
    let resp = transport.login(&LoginRequest {
        user: user.to_owned(),
        password: password.to_owned(),
        client_id: Some(client_id.to_owned()),
    })?;
    let received = clock.now();
    Ok((
        resp.clone(),
        measure_offset(sent, received, resp.server_time),
        received,
    ))
}

enum Step {
    Done,
    Offline(String),
}

/// How the engine reaches the local store: for one local step at a time (read what to send,
/// store what came back), never across a call to the server. The desktop shell shares its
/// profile behind a lock through this, so its reads never wait for the network.
pub trait StoreAccess {
    fn with<R>(&self, f: impl FnOnce(&mut Store) -> Result<R>) -> Result<R>;
}

/// Sole use of a store (the command line, tests): every step simply borrows it.
pub struct Exclusive<'a>(std::cell::RefCell<&'a mut Store>);

impl<'a> Exclusive<'a> {
    pub fn new(store: &'a mut Store) -> Self {
        Exclusive(std::cell::RefCell::new(store))
    }
}

impl StoreAccess for Exclusive<'_> {
    fn with<R>(&self, f: impl FnOnce(&mut Store) -> Result<R>) -> Result<R> {
        let mut store = self
            .0
            .try_borrow_mut()
            .map_err(|_| ClientError::Invalid("本地数据库正被另一步骤使用".to_owned()))?;
        f(&mut store)
    }
}

/// What every step of a sync works with.
struct Ctx<'a, D> {
    db: &'a D,
    t: &'a dyn Transport,
    clock: &'a dyn Clock,
    token: &'a str,
    opts: SyncOptions,
}

type StepFn<D> = fn(&Ctx<'_, D>, &mut SyncReport) -> Result<Step>;

fn offline_or<T>(
    r: std::result::Result<T, TransportError>,
) -> Result<std::result::Result<T, String>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(TransportError::Unreachable(m)) => Ok(Err(m)),
        Err(e) => Err(e.into()),
    }
}

/// Run one sync. A network failure part way returns a report with `offline` set: the work done
/// so far is stored and the rest is retried next time.
pub fn sync(
    store: &mut Store,
    transport: &dyn Transport,
    clock: &dyn Clock,
    token: &str,
    opts: SyncOptions,
) -> Result<SyncReport> {
    sync_shared(&Exclusive::new(store), transport, clock, token, opts)
}

/// [`sync`] over a store reached through `db` one local step at a time: nothing holds the
/// store while a request is on the network.
pub fn sync_shared<D: StoreAccess>(
    db: &D,
    transport: &dyn Transport,
    clock: &dyn Clock,
    token: &str,
    opts: SyncOptions,
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let cx = Ctx {
        db,
        t: transport,
        clock,
        token,
        opts,
    };
    let steps: [StepFn<D>; 4] = [pull_reference, upload_all, push_all, pull_all];
    for step in steps {
        let outcome = step(&cx, &mut report);
        // Whatever happened, the projections of what was pulled are written: a few hundred
        // entities per step, so that a read waits for one chunk, not for the whole sync.
        while db.with(|s| s.flush_pulled_step(opts.project_chunk))? {}
        db.with(|s| s.flush_projections())?;
        if let Step::Offline(m) = login_expired(db, outcome)? {
            report.offline = Some(m);
            report.pending = db.with(|s| s.pending_count())?;
            return Ok(report);
        }
    }
    report.pending = db.with(|s| {
        s.record_sync_complete(clock.now() + s.sync_state()?.clock_offset())?;
        s.pending_count()
    })?;
    report.complete = true;
    Ok(report)
}

/// Only the first step of a sync: bring the reference data up to date (after an import, or to
/// see the server's versions without pushing anything).
pub fn sync_reference(
    store: &mut Store,
    transport: &dyn Transport,
    clock: &dyn Clock,
    token: &str,
) -> Result<SyncReport> {
    sync_reference_shared(&Exclusive::new(store), transport, clock, token)
}

/// [`sync_reference`] over a shared store.
pub fn sync_reference_shared<D: StoreAccess>(
    db: &D,
    transport: &dyn Transport,
    clock: &dyn Clock,
    token: &str,
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let cx = Ctx {
        db,
        t: transport,
        clock,
        token,
        opts: SyncOptions::default(),
    };
    let outcome = pull_reference(&cx, &mut report);
    db.with(|s| s.flush_projections())?;
    if let Step::Offline(m) = login_expired(db, outcome)? {
        report.offline = Some(m);
    }
    report.pending = db.with(|s| s.pending_count())?;
    Ok(report)
}

/// The server answered 401 part way (the token expired or was revoked): nothing of what is
/// queued was sent in that request, so the outbox stays as it is, neither lost nor refused;
/// the caller is told how much waits for the next login.
fn login_expired<D: StoreAccess>(db: &D, outcome: Result<Step>) -> Result<Step> {
    match outcome {
        Err(ClientError::NotLoggedIn) => Err(ClientError::LoginExpired {
            pending: db.with(|s| s.pending_count())?,
        }),
        other => other,
    }
}

/// Fetch the reference data newer than this profile's and put it in force; queued commands are
/// re-decided with it. A version that does not verify is reported and not used.
fn pull_reference<D: StoreAccess>(cx: &Ctx<'_, D>, report: &mut SyncReport) -> Result<Step> {
    let &Ctx { db, t, token, .. } = cx;
    let have = db.with(|s| Ok(s.reference_set()?.versions().clone()))?;
    let resp = match offline_or(t.reference(token, &have))? {
        Ok(r) => r,
        Err(m) => return Ok(Step::Offline(m)),
    };
    db.with(|store| {
        let mut updated = false;
        for doc in &resp.changed {
            match store.put_reference(doc) {
                Ok(()) => {
                    updated = true;
                    if !report.reference_updated.contains(&doc.kind) {
                        report.reference_updated.push(doc.kind);
                    }
                }
                Err(e @ ClientError::BadReference { .. }) => {
                    report.reference_errors.push(e.to_string())
                }
                Err(e) => return Err(e),
            }
        }
        if updated && store.pending_count()? > 0 {
            report.redecided += store.redecide_pending()?;
        }
        Ok(Step::Done)
    })
}

fn upload_all<D: StoreAccess>(cx: &Ctx<'_, D>, report: &mut SyncReport) -> Result<Step> {
    let &Ctx {
        db, t, token, opts, ..
    } = cx;
    for up in db.with(|s| s.uploads(false))? {
        match upload_one(db, t, token, &up.id, opts)? {
            Ok(UploadState::Complete) => report.uploads_completed += 1,
            Ok(UploadState::Failed) => report.uploads_failed += 1,
            Ok(_) => {}
            Err(m) => return Ok(Step::Offline(m)),
        }
    }
    Ok(Step::Done)
}

/// The server's progress of an upload; a file it has never seen starts at byte 0.
fn status_or_new(
    t: &dyn Transport,
    token: &str,
    id: &AttachmentId,
    size: u64,
) -> std::result::Result<UploadStatus, TransportError> {
    match t.upload_status(token, id, size) {
        Err(TransportError::Api { error, .. }) if error.code == ErrorCode::NotFound => {
            Ok(UploadStatus {
                id: id.clone(),
                size,
                received: 0,
                complete: false,
                content_type: None,
            })
        }
        other => other,
    }
}

/// Upload one file, resuming after what the server already has (asked first, so a cut
/// connection costs at most one chunk).
pub fn upload_one<D: StoreAccess>(
    db: &D,
    t: &dyn Transport,
    token: &str,
    id: &AttachmentId,
    opts: SyncOptions,
) -> Result<std::result::Result<UploadState, String>> {
    let set = |received: u64, state: UploadState, error: Option<&str>| {
        db.with(|s| s.set_upload(id, received, state, error))
    };
    let Some(file) = db.with(|s| s.attachment(id))? else {
        set(0, UploadState::Failed, Some("本地缓存中没有该文件"))?;
        return Ok(Ok(UploadState::Failed));
    };
    let size = file.data.len() as u64;
    let mut status = match offline_or(status_or_new(t, token, id, size))? {
        Ok(s) => s,
        Err(m) => return Ok(Err(m)),
    };
    for _ in 0..opts.max_rounds {
        if status.complete {
            set(size, UploadState::Complete, None)?;
            return Ok(Ok(UploadState::Complete));
        }
        let from = usize::try_from(status.received)
            .unwrap_or(usize::MAX)
            .min(file.data.len());
        let to = (from + opts.chunk_size.max(1)).min(file.data.len());
        let result = t.upload_chunk(token, id, from as u64, size, &file.data[from..to]);
        status = match result {
            Ok(s) => {
                set(s.received, UploadState::Partial, None)?;
                s
            }
            Err(TransportError::Unreachable(m)) => return Ok(Err(m)),
            // Someone else (or an earlier, cut attempt) moved the offset: ask again.
            Err(TransportError::Api { error, .. }) if error.code == ErrorCode::Conflict => {
                match offline_or(status_or_new(t, token, id, size))? {
                    Ok(s) => s,
                    Err(m) => return Ok(Err(m)),
                }
            }
            Err(TransportError::Api { error, .. })
                if matches!(
                    error.code,
                    ErrorCode::UnsupportedType | ErrorCode::TooLarge | ErrorCode::Invalid
                ) =>
            {
                set(0, UploadState::Failed, Some(&error.message))?;
                return Ok(Ok(UploadState::Failed));
            }
            Err(e) => return Err(e.into()),
        };
    }
    Err(ClientError::Protocol(
        "上传未能完成：服务器没有推进接收进度".to_owned(),
    ))
}

/// A retry whose first answer was lost gets only `duplicate`: ask the server's refusal records
/// what became of such commands (also of those left from an earlier, interrupted sync).
fn settle<D: StoreAccess>(
    cx: &Ctx<'_, D>,
    client_id: &str,
    now: DateTime<Utc>,
    report: &mut SyncReport,
) -> Result<Step> {
    let &Ctx { db, t, token, .. } = cx;
    let unsettled = db.with(|s| s.unsettled())?;
    let Some(first) = unsettled.first() else {
        return Ok(Step::Done);
    };
    let records = match offline_or(t.refusals(token, client_id, first.saturating_sub(1)))? {
        Ok(r) => r.refusals,
        Err(m) => return Ok(Step::Offline(m)),
    };
    let moved = db.with(|s| s.settle(&records, now))?;
    report.refused += moved;
    report.duplicates = report.duplicates.saturating_sub(moved);
    Ok(Step::Done)
}

fn push_all<D: StoreAccess>(cx: &Ctx<'_, D>, report: &mut SyncReport) -> Result<Step> {
    let &Ctx {
        db,
        t,
        clock,
        token,
        opts,
    } = cx;
    let (client_id, now) = db.with(|s| {
        let state = s.sync_state()?;
        let now = clock.now() + state.clock_offset();
        Ok((state.client_id, now))
    })?;
    if let Step::Offline(m) = settle(cx, &client_id, now, report)? {
        return Ok(Step::Offline(m));
    }
    let mut stale_retried = false;
    for _ in 0..opts.max_rounds {
        let (batch, reference) = db.with(|s| {
            Ok((
                s.pending(opts.push_batch)?,
                s.reference_set()?.versions().clone(),
            ))
        })?;
        if batch.is_empty() {
            return Ok(Step::Done);
        }
        let ids: Vec<u64> = batch.iter().map(|c| c.mutation_id).collect();
        let sent = clock.now();
        let pushed = t.push(
            token,
            &PushRequest {
                reference,
                client_id: client_id.clone(),
                commands: batch,
            },
        );
        let resp = match pushed {
            Ok(r) => r,
            Err(TransportError::Unreachable(m)) => return Ok(Step::Offline(m)),
            // Decided with older reference data than the server's: nothing was applied. Take
            // the new data, re-decide the queued commands with it and push again (once).
            Err(TransportError::Api { error, .. })
                if error.code == ErrorCode::StaleReference && !stale_retried =>
            {
                stale_retried = true;
                report.stale_reference += 1;
                if let Step::Offline(m) = pull_reference(cx, report)? {
                    return Ok(Step::Offline(m));
                }
                report.redecided += db.with(|s| s.redecide_pending())?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let received = clock.now();
        report.pushed += ids.len() as u64;
        for r in &resp.results {
            match r.outcome {
                CommandOutcome::Applied { .. } => report.applied += 1,
                CommandOutcome::Refused { .. } => report.refused += 1,
                CommandOutcome::Duplicate => report.duplicates += 1,
            }
        }
        let now = db.with(|s| {
            s.record_contact(measure_offset(sent, received, resp.server_time), received)?;
            let now = received + s.sync_state()?.clock_offset();
            s.record_push(&resp.results, resp.last_mutation_id, now)?;
            Ok(now)
        })?;
        if let Step::Offline(m) = settle(cx, &client_id, now, report)? {
            return Ok(Step::Offline(m));
        }
        if !resp.results.iter().any(|r| ids.contains(&r.mutation_id)) {
            return Err(ClientError::Protocol(
                "服务器没有答复所推送的任何操作".to_owned(),
            ));
        }
    }
    Err(ClientError::Protocol("推送轮数超过上限".to_owned()))
}

fn pull_all<D: StoreAccess>(cx: &Ctx<'_, D>, report: &mut SyncReport) -> Result<Step> {
    let &Ctx {
        db,
        t,
        clock,
        token,
        opts,
    } = cx;
    let (client_id, start) = db.with(|s| Ok((s.sync_state()?.client_id, s.cursor()?)))?;
    match t.concurrent() {
        Some(ct) => std::thread::scope(|scope| {
            // One page in flight while the previous one is verified and stored.
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            let client_id = client_id.clone();
            scope.spawn(move || {
                fetch_pages(ct, clock, token, &client_id, start, opts, |item| {
                    tx.send(item).is_ok()
                })
            });
            for (sent, received, page) in rx {
                match store_page(db, opts.store_chunk, sent, received, page, report)? {
                    Some(step) => return Ok(step),
                    None => continue,
                }
            }
            Err(ClientError::Protocol(
                "拉取中断：服务器没有给出最后一页".to_owned(),
            ))
        }),
        None => {
            let mut out = None;
            fetch_pages(t, clock, token, &client_id, start, opts, |item| {
                let (sent, received, page) = item;
                match store_page(db, opts.store_chunk, sent, received, page, report) {
                    Ok(None) => true,
                    other => {
                        out = Some(other);
                        false
                    }
                }
            });
            match out {
                Some(r) => r.map(|s| s.unwrap_or(Step::Done)),
                None => Err(ClientError::Protocol(
                    "拉取中断：服务器没有给出最后一页".to_owned(),
                )),
            }
        }
    }
}

type Fetched = (
    DateTime<Utc>,
    DateTime<Utc>,
    std::result::Result<permitdesk_protocol::PullResponse, TransportError>,
);

/// Ask for pages from `after` on, following each page's cursor, until the last page or an
/// error (which is handed over too), or until `deliver` says stop.
fn fetch_pages<T: Transport + ?Sized>(
    t: &T,
    clock: &dyn Clock,
    token: &str,
    client_id: &str,
    mut after: u64,
    opts: SyncOptions,
    mut deliver: impl FnMut(Fetched) -> bool,
) {
    for _ in 0..opts.max_rounds {
        let sent = clock.now();
        let query = PullQuery {
            after,
            limit: Some(opts.pull_limit),
            client_id: Some(client_id.to_owned()),
        };
        let page = t.pull(token, &query);
        let received = clock.now();
        let next = match &page {
            Ok(p) if p.has_more && p.cursor > after => Some(p.cursor),
            _ => None,
        };
        if !deliver((sent, received, page)) {
            return;
        }
        match next {
            Some(c) => after = c,
            None => return,
        }
    }
}

/// A page cut into parts of at most `max` events that can each be stored on their own: every
/// part but the last ends at its last event's server sequence (the cursor a restart resumes
/// from) with `has_more`; the last part is the page's own end (cursor, removals, mutation id).
/// A page whose events are not in strictly increasing server order is kept whole.
pub(crate) fn split_page(
    page: permitdesk_protocol::PullResponse,
    max: usize,
) -> Vec<permitdesk_protocol::PullResponse> {
    let ordered = page
        .events
        .windows(2)
        .all(|w| w[0].server_seq < w[1].server_seq);
    if !ordered || page.events.len() <= max || max == 0 {
        return vec![page];
    }
    let permitdesk_protocol::PullResponse {
        events,
        removals,
        cursor,
        has_more,
        last_mutation_id,
        server_time,
    } = page;
    let mut parts = Vec::with_capacity(events.len() / max + 1);
    let mut rest = events.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(max).collect();
        let last = rest.peek().is_none();
        let part_cursor = chunk.last().map_or(cursor, |e| e.server_seq);
        parts.push(permitdesk_protocol::PullResponse {
            events: chunk,
            removals: if last { removals.clone() } else { Vec::new() },
            cursor: if last { cursor } else { part_cursor },
            has_more: if last { has_more } else { true },
            last_mutation_id: if last { last_mutation_id } else { 0 },
            server_time,
        });
    }
    parts
}

/// Verify and store one fetched page; `Some` ends the pull.
fn store_page<D: StoreAccess>(
    db: &D,
    store_chunk: usize,
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    page: std::result::Result<permitdesk_protocol::PullResponse, TransportError>,
    report: &mut SyncReport,
) -> Result<Option<Step>> {
    let page = match offline_or(page)? {
        Ok(p) => p,
        Err(m) => return Ok(Some(Step::Offline(m))),
    };
    let after = db.with(|store| {
        let after = store.cursor()?;
        store.record_contact(measure_offset(sent, received, page.server_time), received)?;
        Ok(after)
    })?;
    let (has_more, cursor) = (page.has_more, page.cursor);
    // Stored part by part, each in its own local step (a read waits for one part at most);
    // each part is all-or-nothing and moves the cursor only over what it stored.
    for part in split_page(page, store_chunk) {
        let r = db.with(|store| store.ingest(&part))?;
        report.pulled.events += r.events;
        report.pulled.duplicates += r.duplicates;
        report.pulled.removed += r.removed;
        report.pulled.touched += r.touched;
    }
    report.pull_pages += 1;
    if !has_more {
        return Ok(Some(Step::Done));
    }
    if cursor <= after {
        return Err(ClientError::Protocol(format!(
            "服务器表示还有数据，但游标没有前进（{after}）"
        )));
    }
    Ok(None)
}

/// A file from the cache, or downloaded (and checked against its hash) and cached. A file
/// outside the user's scope is reported as such. The store is not held during the download.
pub fn fetch_attachment<D: StoreAccess>(
    db: &D,
    t: &dyn Transport,
    clock: &dyn Clock,
    token: &str,
    id: &AttachmentId,
) -> Result<Vec<u8>> {
    if let Some(f) = db.with(|s| s.attachment(id))? {
        return Ok(f.data);
    }
    let data = match t.download(token, id) {
        Ok(d) => d,
        Err(TransportError::Api { error, .. })
            if matches!(error.code, ErrorCode::Forbidden | ErrorCode::NotFound) =>
        {
            return Err(ClientError::Refused(format!(
                "无权查看附件 {id}，或服务器上没有该附件：{}",
                error.message
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if crate::store::sha256_hex(&data) != id.as_str() {
        return Err(ClientError::Protocol(format!(
            "下载的附件内容与其编号 {id} 不符"
        )));
    }
    db.with(|s| s.cache_attachment(id, &data, clock.now()))?;
    Ok(data)
}

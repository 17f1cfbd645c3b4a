//! 数据共享导出 (issue 14, item 4): the national data-sharing tables (SPGL_*) exported from the
//! server's own events, one batch at a time, no event lost and none exported twice.
//!
//! **The cursor** is the server sequence number of the last event a batch covered
//! (`exchange_batches.to_seq`, migration 7). Server sequence numbers are allocated in commit
//! order (see `store::postgres`; SQLite has one writer), so the events after the cursor are
//! exactly those no batch has seen, whatever time their actors gave them: an action made
//! offline arrives days later with its own, earlier time, and a cursor by time would lose it
//! (or, at an equal minute, send it twice). A batch is the domain's
//! [`export_increment`] of what those events touched: the rows of the projects they changed,
//! the handling row of each case they changed with the detail rows of the steps they made, the
//! approval document of a case they granted and the special procedures they started or ended;
//! the catalogue's flow tables with the first batch and whenever the catalogue in force has a
//! new version. A case is read whole (its earlier events number its detail rows), as of the
//! batch's last sequence number.
//!
//! **Writing.** The files go into a hidden staging directory beside the batch's
//! (`.SPGL-000003-20260331.{by}-{micros}.partial`); the batch is recorded in one transaction,
//! which moves the cursor; then the staging directory is renamed `SPGL-000003-20260331`
//! (number, Beijing date). Two exports at once (an administrator's and the daily run, or two
//! server processes) meet at the batch's number: the second is refused, records nothing and
//! removes its staging directory. A crash between the record and the rename leaves the staging
//! directory, which the next export renames (its name follows from the record).
//!
//! **The daily run** (`server run --exchange-dir DIR`): the first scheduler pass of each Beijing
//! day exports the increment into DIR, exactly once across server processes: the key
//! `exchange:spgl:YYYY-MM-DD` of `scheduled_actions` is claimed in the transaction that records
//! the batch (or, on a day with nothing new, alone). Without `--exchange-dir` the run is off:
//! the server says 未配置 in its log at start and `permitdesk server exchange batches` says so.

use crate::config::ServerConfig;
use crate::error::StoreError;
use crate::state::AppState;
use crate::store::{ScheduledAction, Store, StoredEvent};
use chrono::{DateTime, NaiveDate, Utc};
use permitdesk_domain::case::{Case, CaseEvent};
use permitdesk_domain::exchange::{
    Batch, ExchangeError, Increment, TABLE_LABELS, export_increment,
};
use permitdesk_domain::project::{Project, ProjectEvent};
use permitdesk_domain::reference::{ReferenceKind, ReferenceSet};
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::DomainEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The columns of `exchange_batches`, in the order both backends read and write them.
pub(crate) const BATCH_COLUMNS: &str = "number, from_seq, to_seq, since_at, up_to_at, file_count, row_count, case_count, catalogue_version, directory, written_at, written_by, origin";

/// The settings key where a starting server records whether its daily run is on.
pub const SCHEDULE_SETTING: &str = "exchange_schedule";

/// The kind of the daily run's exactly-once keys in `scheduled_actions`.
pub const DAILY_KIND: &str = "exchange_export";

/// Events read from the store per page.
const PAGE: u32 = 5000;

/// Who started an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// `permitdesk server exchange export`.
    Admin,
    /// The running server's daily run.
    Scheduled,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Admin => "admin",
            Origin::Scheduled => "scheduled",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        match s {
            "admin" => Some(Origin::Admin),
            "scheduled" => Some(Origin::Scheduled),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Origin::Admin => "管理员导出",
            Origin::Scheduled => "每日定时导出",
        }
    }
}

/// One recorded batch (`exchange_batches`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeBatch {
    /// 批次号, from 1.
    pub number: u64,
    /// The events covered: server sequence numbers after `from_seq` up to `to_seq` (included).
    pub from_seq: u64,
    pub to_seq: u64,
    /// The batch's time window as `batch.json` states it (the previous batch's `up_to`, and the
    /// latest time among its rows); informative, the cursor is `to_seq`.
    pub since: Option<DateTime<Utc>>,
    pub up_to: Option<DateTime<Utc>>,
    /// Files written (a JSON and a CSV per table, and `batch.json`).
    pub files: u32,
    /// Rows over all tables.
    pub rows: u64,
    /// Handling rows (SPGL_XMSPSXBLXXB): the cases reported.
    pub cases: u64,
    /// The version of the catalogue in force the batch was written with.
    pub catalogue_version: u64,
    /// Where the batch's files are.
    pub directory: String,
    pub written_at: DateTime<Utc>,
    /// The server process (or `cli-PID`) that wrote it.
    pub written_by: String,
    pub origin: Origin,
}

impl ExchangeBatch {
    /// The staging directory the batch's files were written to before the record (hidden,
    /// beside the batch's directory; named from the record, so an interrupted rename can be
    /// finished by the next export).
    pub fn staging(&self) -> PathBuf {
        let dir = Path::new(&self.directory);
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let by: String = self
            .written_by
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        dir.with_file_name(format!(
            ".{name}.{by}-{}.partial",
            self.written_at.timestamp_micros()
        ))
    }
}

/// Why an export failed. Nothing is recorded unless the text says so.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("存储不可用：{0}")]
    Store(StoreError),
    /// Another export recorded this batch number first.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Exchange(#[from] ExchangeError),
    #[error("{key} 的记录无法重放（{message}），未导出任何数据；请检查数据完整性后重试")]
    Replay { key: String, message: String },
    #[error(
        "无法写入导出目录 {path}：{message}；未记录任何批次，请确认目录可写、磁盘空间充足后重试"
    )]
    Io { path: String, message: String },
    #[error(
        "第 {number} 批已记录，但暂存目录 {staging} 未能改名为 {directory}（{message}）；下次导出时会自动改名，也可手动改名"
    )]
    Rename {
        number: u64,
        staging: String,
        directory: String,
        message: String,
    },
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => ExportError::Conflict(m),
            other => ExportError::Store(other),
        }
    }
}

impl From<tokio::task::JoinError> for ExportError {
    fn from(e: tokio::task::JoinError) -> Self {
        ExportError::Store(StoreError::from(e))
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// What to export, and where.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The directory the batch's directory is made in (created if missing).
    pub out: PathBuf,
    /// The reference data in force: its catalogue names the items and flows.
    pub reference: Arc<ReferenceSet>,
    pub now: DateTime<Utc>,
    /// Recorded as the batch's writer (`written_by`).
    pub by: String,
    pub origin: Origin,
    /// The daily run's exactly-once key, claimed with the record.
    pub claim: Option<ScheduledAction>,
}

/// The rows of one table in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRows {
    pub table: &'static str,
    /// 中文表名.
    pub label: &'static str,
    pub rows: usize,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// The batch written and recorded; None when there was nothing new (or, for the daily run,
    /// when another server process had already run today's export).
    pub batch: Option<ExchangeBatch>,
    /// Rows per table of that batch (every table, in the standard's order).
    pub tables: Vec<TableRows>,
    /// The files of that batch, in its directory.
    pub files: Vec<String>,
    /// The last batch recorded before this export, and the cursor it left.
    pub previous: Option<u64>,
    pub cursor: u64,
    /// The daily run only: false when another server process had already claimed today's run.
    pub ran: bool,
    /// Directories of earlier batches whose staging directories this export finished renaming.
    pub recovered: Vec<String>,
}

impl ExportReport {
    /// The report in Chinese, as the CLI prints it.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for dir in &self.recovered {
            s.push_str(&format!("已补完上次中断的批次目录：{dir}\n"));
        }
        let Some(b) = &self.batch else {
            if !self.ran {
                s.push_str("今日的定时导出已由其他服务器进程完成\n");
                return s;
            }
            let last = match self.previous {
                Some(n) => format!("已导出至第 {n} 批，服务器事件序号 {}", self.cursor),
                None => "尚未导出过任何批次".to_owned(),
            };
            s.push_str(&format!("没有新的数据需要导出（{last}）\n"));
            return s;
        };
        s.push_str(&format!(
            "已导出数据共享第 {} 批：{} 个办件，共 {} 行，{} 个文件\n",
            b.number, b.cases, b.rows, b.files
        ));
        s.push_str(&format!("目录：{}\n", b.directory));
        s.push_str(&format!(
            "范围：服务器事件序号 {}–{}（{}）\n",
            b.from_seq + 1,
            b.to_seq,
            window(b.since, b.up_to)
        ));
        for t in &self.tables {
            s.push_str(&format!("  {} {}：{} 行\n", t.table, t.label, t.rows));
        }
        s
    }
}

/// A batch's time window in Beijing time.
fn window(since: Option<DateTime<Utc>>, up_to: Option<DateTime<Utc>>) -> String {
    let show = |t: Option<DateTime<Utc>>| t.map(|t| format_minute(to_local(t)).replace('T', " "));
    match (show(since), show(up_to)) {
        (None, Some(to)) => format!("首批，截至 {to}"),
        (Some(from), Some(to)) => format!("{from} 之后至 {to}"),
        _ => "无".to_owned(),
    }
}

/// The projects and cases the events after a cursor touched, as of the last event read.
struct Loaded {
    to_seq: u64,
    projects: Vec<Project>,
    cases: Vec<Case>,
    events: Vec<CaseEvent>,
    increment: Increment,
}

fn replay_error(key: &str, e: impl std::fmt::Display) -> ExportError {
    ExportError::Replay {
        key: key.to_owned(),
        message: e.to_string(),
    }
}

fn case_events(key: &str, trail: &[StoredEvent]) -> Result<Vec<CaseEvent>, ExportError> {
    trail
        .iter()
        .map(|e| match serde_json::from_str::<DomainEvent>(&e.json) {
            Ok(DomainEvent::Case(s)) => Ok(s.event),
            Ok(_) => Err(replay_error(key, "记录中有其他种类的事件")),
            Err(err) => Err(replay_error(key, err)),
        })
        .collect()
}

fn project_events(key: &str, trail: &[StoredEvent]) -> Result<Vec<ProjectEvent>, ExportError> {
    trail
        .iter()
        .map(|e| match serde_json::from_str::<DomainEvent>(&e.json) {
            Ok(DomainEvent::Project(s)) => Ok(s.event),
            Ok(_) => Err(replay_error(key, "记录中有其他种类的事件")),
            Err(err) => Err(replay_error(key, err)),
        })
        .collect()
}

/// An entity's trail up to `to_seq`: the events read already when they start the trail, else
/// the stored trail.
async fn whole_trail(
    store: &dyn Store,
    key: &str,
    read: Vec<StoredEvent>,
    to_seq: u64,
) -> Result<Vec<StoredEvent>, ExportError> {
    if read.first().is_some_and(|e| e.entity_seq == 1) {
        return Ok(read);
    }
    let mut trail = store.entity_events(key).await?;
    trail.retain(|e| e.server_seq <= to_seq);
    Ok(trail)
}

async fn load(store: &dyn Store, cursor: u64) -> Result<Loaded, ExportError> {
    let mut to_seq = cursor;
    let mut read: BTreeMap<String, Vec<StoredEvent>> = BTreeMap::new();
    loop {
        let page = store.events_after(to_seq, PAGE).await?;
        let Some(last) = page.last() else { break };
        to_seq = last.server_seq;
        let full = page.len() >= PAGE as usize;
        for e in page {
            if e.entity_key.starts_with("case:") || e.entity_key.starts_with("project:") {
                read.entry(e.entity_key.clone()).or_default().push(e);
            }
        }
        if !full {
            break;
        }
    }
    let mut increment = Increment::default();
    let (mut cases, mut events) = (Vec::new(), Vec::new());
    let mut projects: BTreeMap<String, Project> = BTreeMap::new();
    for (key, new) in read {
        let trail = whole_trail(store, &key, new, to_seq).await?;
        let old = trail.iter().filter(|e| e.server_seq <= cursor).count();
        if key.starts_with("case:") {
            let evs = case_events(&key, &trail)?;
            let case = Case::replay(evs.iter()).map_err(|e| replay_error(&key, e))?;
            increment.cases.insert(case.id.clone(), old);
            events.extend(evs);
            cases.push(case);
        } else {
            let evs = project_events(&key, &trail)?;
            if let Some(p) = Project::replay(evs.iter()).map_err(|e| replay_error(&key, e))? {
                increment.projects.insert(p.id.clone());
                projects.insert(key, p);
            }
        }
    }
    // The projects of the cases (their rows name the project code and district), as of the
    // same sequence number.
    for case in &cases {
        let key = format!("project:{}", case.project);
        if projects.contains_key(&key) {
            continue;
        }
        let mut trail = store.entity_events(&key).await?;
        trail.retain(|e| e.server_seq <= to_seq);
        let evs = project_events(&key, &trail)?;
        if let Some(p) = Project::replay(evs.iter()).map_err(|e| replay_error(&key, e))? {
            projects.insert(key, p);
        }
    }
    Ok(Loaded {
        to_seq,
        projects: projects.into_values().collect(),
        cases,
        events,
        increment,
    })
}

/// Renames the staging directories of recorded batches whose directory is missing (a crash
/// between the record and the rename); returns the directories finished.
fn finish_renames(batches: &[ExchangeBatch]) -> Vec<String> {
    let mut done = Vec::new();
    for b in batches {
        let dir = Path::new(&b.directory);
        let staging = b.staging();
        if dir.exists() || !staging.is_dir() {
            continue;
        }
        match std::fs::rename(&staging, dir) {
            Ok(()) => {
                tracing::info!(batch = b.number, dir = %b.directory, "SPGL batch directory finished after an interrupted export");
                done.push(b.directory.clone());
            }
            Err(e) => {
                tracing::warn!(batch = b.number, error = %e, "SPGL staging directory could not be renamed");
            }
        }
    }
    done
}

/// Writes the files into `staging` (each synced to disk); removes it again on failure.
fn write_staging(staging: &Path, files: &[(String, String)]) -> Result<(), ExportError> {
    let written = (|| {
        std::fs::create_dir(staging).map_err(io_error(staging))?;
        for (name, text) in files {
            let path = staging.join(name);
            let mut f = std::fs::File::create(&path).map_err(io_error(&path))?;
            f.write_all(text.as_bytes()).map_err(io_error(&path))?;
            f.sync_all().map_err(io_error(&path))?;
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(staging);
    }
    written
}

/// The batch as files, computed off the async threads (the first batch holds everything).
struct Prepared {
    batch: Batch,
    files: Vec<(String, String)>,
}

/// Exports what arrived since the last batch into `req.out` and records it (see the module
/// doc); with nothing new, writes and records nothing (the daily run's claim excepted).
pub async fn export(store: &dyn Store, req: ExportRequest) -> Result<ExportReport, ExportError> {
    let batches = store.exchange_batches().await?;
    let recovered = {
        let batches = batches.clone();
        tokio::task::spawn_blocking(move || finish_renames(&batches)).await?
    };
    let last = batches.last();
    let cursor = last.map_or(0, |b| b.to_seq);
    let catalogue_version = req.reference.version(ReferenceKind::Catalogue);
    let mut loaded = load(store, cursor).await?;
    loaded.increment.catalogue = last.is_none_or(|b| b.catalogue_version != catalogue_version);
    loaded.increment.since = last.and_then(|b| b.up_to);
    let reference = req.reference.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        let batch = export_increment(
            &reference.catalogue,
            &loaded.projects,
            &loaded.cases,
            &loaded.events,
            &loaded.increment,
        )?;
        let files = if batch.row_count() == 0 {
            Vec::new()
        } else {
            batch.files()?
        };
        Ok::<_, ExportError>((Prepared { batch, files }, loaded.to_seq))
    })
    .await?;
    let (Prepared { batch, files }, to_seq) = prepared?;
    let mut report = ExportReport {
        batch: None,
        tables: Vec::new(),
        files: Vec::new(),
        previous: last.map(|b| b.number),
        cursor,
        ran: true,
        recovered,
    };
    if batch.row_count() == 0 {
        if let Some(claim) = &req.claim {
            report.ran = store
                .record_exchange(None, Some(claim), req.now, &req.by)
                .await?;
        }
        return Ok(report);
    }
    let number = last.map_or(1, |b| b.number + 1);
    let out = req.out.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&out).map_err(io_error(&out))?;
        std::fs::canonicalize(&out).map_err(io_error(&out))
    })
    .await??;
    let name = format!("SPGL-{number:06}-{}", to_local(req.now).format("%Y%m%d"));
    let record = ExchangeBatch {
        number,
        from_seq: cursor,
        to_seq,
        since: batch.since,
        up_to: batch.up_to,
        files: u32::try_from(files.len()).unwrap_or(u32::MAX),
        rows: batch.row_count() as u64,
        cases: batch.tables.handling.len() as u64,
        catalogue_version,
        directory: out.join(&name).display().to_string(),
        written_at: req.now,
        written_by: req.by.clone(),
        origin: req.origin,
    };
    let staging = record.staging();
    let file_names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    {
        let staging = staging.clone();
        tokio::task::spawn_blocking(move || write_staging(&staging, &files)).await??;
    }
    let recorded = store
        .record_exchange(Some(&record), req.claim.as_ref(), req.now, &req.by)
        .await;
    let discard = |staging: PathBuf| async move {
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(staging)).await;
    };
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            // The daily run's key was taken: another process ran today's export.
            discard(staging).await;
            report.ran = false;
            return Ok(report);
        }
        Err(e) => {
            discard(staging).await;
            return Err(e.into());
        }
    }
    let directory = PathBuf::from(&record.directory);
    let renamed = {
        let (staging, directory) = (staging.clone(), directory.clone());
        tokio::task::spawn_blocking(move || std::fs::rename(&staging, &directory)).await?
    };
    renamed.map_err(|e| ExportError::Rename {
        number,
        staging: staging.display().to_string(),
        directory: directory.display().to_string(),
        message: e.to_string(),
    })?;
    report.tables = batch
        .table_rows()
        .into_iter()
        .zip(TABLE_LABELS)
        .map(|((table, rows), label)| TableRows { table, label, rows })
        .collect();
    report.files = file_names;
    report.batch = Some(record);
    Ok(report)
}

/// The daily run's exactly-once key for a Beijing day.
pub fn daily_claim(day: NaiveDate) -> ScheduledAction {
    ScheduledAction {
        key: format!("exchange:spgl:{day}"),
        kind: DAILY_KIND.to_owned(),
        entity_key: "exchange:spgl".to_owned(),
        notification: serde_json::Value::Null,
    }
}

/// The day this process last ran (or saw run) the daily export, so that each pass after it
/// costs nothing until the next Beijing day.
#[derive(Debug, Default)]
pub struct DailyRun(std::sync::Mutex<Option<NaiveDate>>);

impl DailyRun {
    fn done(&self, day: NaiveDate) -> bool {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) == Some(day)
    }

    fn mark(&self, day: NaiveDate) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(day);
    }
}

/// 每日定时导出: once per Beijing day, the increment into `config.exchange_dir`, exactly once
/// across server processes. None when the run is off or already done today by this process.
/// A failure is retried at the next pass.
pub async fn scheduled_pass(state: &AppState) -> Result<Option<ExportReport>, ExportError> {
    let Some(dir) = state.config.exchange_dir.clone() else {
        return Ok(None);
    };
    let now = state.clock.now();
    let day = to_local(now).date();
    if state.exchange.done(day) {
        return Ok(None);
    }
    let reference = state.reference_in_force().await?;
    let report = export(
        state.store.as_ref(),
        ExportRequest {
            out: dir,
            reference,
            now,
            by: state.config.instance.clone(),
            origin: Origin::Scheduled,
            claim: Some(daily_claim(day)),
        },
    )
    .await?;
    state.exchange.mark(day);
    match (&report.batch, report.ran) {
        (Some(b), _) => tracing::info!(
            batch = b.number,
            cases = b.cases,
            rows = b.rows,
            dir = %b.directory,
            "SPGL daily export written"
        ),
        (None, true) => tracing::info!(%day, "SPGL daily export: nothing new"),
        (None, false) => {
            tracing::info!(%day, "SPGL daily export already done by another server process")
        }
    }
    Ok(Some(report))
}

/// Whether the daily run is on, as the last server process to start recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The directory of the daily run; None: 未配置.
    pub dir: Option<String>,
    /// The server process that recorded it, and when it started.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

impl Schedule {
    pub fn text(&self) -> String {
        let who = match (&self.by, self.at) {
            (Some(by), Some(at)) => format!(
                "（服务器进程 {by} 于 {} 启动时设定）",
                format_minute(to_local(at)).replace('T', " ")
            ),
            _ => String::new(),
        };
        match &self.dir {
            Some(dir) => format!("定时导出：每日一次，写入 {dir}{who}"),
            None => format!(
                "定时导出：未配置{who}；启动服务器时加 --exchange-dir DIR 即每日导出一次增量"
            ),
        }
    }
}

/// At server start: logs (info, once) whether the daily run is on, and records it for
/// `permitdesk server exchange batches`.
pub async fn announce(store: &dyn Store, config: &ServerConfig, now: DateTime<Utc>) {
    let dir = config
        .exchange_dir
        .as_ref()
        .map(|d| d.display().to_string());
    match &dir {
        Some(d) => tracing::info!(dir = %d, "数据共享（SPGL）每日定时导出已开启"),
        None => tracing::info!(
            "数据共享（SPGL）定时导出未配置：启动时加 --exchange-dir DIR 即每日导出一次增量"
        ),
    }
    let schedule = Schedule {
        dir,
        by: Some(config.instance.clone()),
        at: Some(now),
    };
    let recorded = match serde_json::to_string(&schedule) {
        Ok(json) => store.set_setting(SCHEDULE_SETTING, &json).await,
        Err(e) => Err(StoreError::from(e)),
    };
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "the SPGL schedule could not be recorded");
    }
}

/// A recorded batch as listed: whether its directory is still there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedBatch {
    #[serde(flatten)]
    pub batch: ExchangeBatch,
    pub present: bool,
}

/// `permitdesk server exchange batches`: the daily run's setting and every batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchList {
    pub schedule: Schedule,
    /// The cursor: the server sequence number the last batch ends at (0: none yet).
    pub cursor: u64,
    pub batches: Vec<ListedBatch>,
}

impl BatchList {
    pub fn text(&self) -> String {
        let mut s = format!("{}\n", self.schedule.text());
        if self.batches.is_empty() {
            s.push_str("尚未导出过任何批次（permitdesk server exchange export --out DIR 导出）\n");
            return s;
        }
        s.push_str(&format!(
            "共 {} 批，已导出至服务器事件序号 {}\n",
            self.batches.len(),
            self.cursor
        ));
        for l in &self.batches {
            let b = &l.batch;
            s.push_str(&format!(
                "第 {} 批  {}  {}  办件 {}  行 {}  文件 {}  序号 {}–{}  {}{}\n",
                b.number,
                format_minute(to_local(b.written_at)).replace('T', " "),
                b.origin.label(),
                b.cases,
                b.rows,
                b.files,
                b.from_seq + 1,
                b.to_seq,
                b.directory,
                if l.present {
                    ""
                } else {
                    "（目录已不在）"
                }
            ));
        }
        s
    }
}

/// Every recorded batch, with the daily run's setting.
pub async fn list(store: &dyn Store) -> Result<BatchList, ExportError> {
    let batches = store.exchange_batches().await?;
    let schedule = store
        .setting(SCHEDULE_SETTING)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Schedule {
            dir: None,
            by: None,
            at: None,
        });
    let cursor = batches.last().map_or(0, |b| b.to_seq);
    let batches = batches
        .into_iter()
        .map(|batch| ListedBatch {
            present: Path::new(&batch.directory).is_dir(),
            batch,
        })
        .collect();
    Ok(BatchList {
        schedule,
        cursor,
        batches,
    })
}

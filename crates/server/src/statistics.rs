//! `GET /api/v1/statistics`: the four tables of seed 11, the monthly stage report of seed 12 and
//! the quarterly summary of seed 13, computed by the domain (`permitdesk_domain::statistics`)
//! over the server's stored projects and cases, as JSON or as the documents crate's xlsx, CSV
//! or PDF bytes.
//!
//! Who sees what (seed 10): the reform office (市工改办) sees every department, or the one it
//! names; a department's own users (审批部门 reviewers, 市政公用服务单位, window staff with a
//! department) always get their own department, and asking for another one is refused with
//! 403 and a message naming their own (refused rather than silently narrowed, so that nobody
//! mistakes their department's figures for the city's); applicants and agencies get none.
//!
//! The stored trails are replayed once into a [`StatisticsCache`] and kept up to date
//! incrementally: each request (and each scheduler pass) folds only the events stored since the
//! last one (server sequence numbers are allocated in commit order, so none is skipped), then
//! computes.
//!
//! 投影快照 (issue 16): the replayed projects and cases are also stored (`Store::
//! put_projection_snapshot`, migration 9) once [`DEFAULT_STORE_AFTER`] events have been folded
//! since the last stored snapshot, in the background. A process that starts (or restarts) reads
//! the latest stored snapshot and folds only the events after it, at start-up rather than on the
//! first request, so a restart answers at once instead of replaying every trail (14 s for a
//! city-year). A snapshot is the same fold the replay makes, written as JSON (deflated, in parts
//! of [`PART_ENTITIES`] entities); one written by another build, or one that does not read, is
//! ignored with a warning and the trails are replayed. `tests/state_cache.rs` checks, over
//! random command sequences with restarts on both backends, that a restored and folded cache
//! equals a full replay.

use crate::error::{ApiFailure, StoreError};
use crate::extract::{ApiQuery, Authed};
use crate::state::AppState;
use crate::store::{ProjectionSnapshot, Store, StoredEvent};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Timelike};
use permitdesk_documents::from_statistics::{monthly_report_list, table_view};
use permitdesk_documents::quarterly::{
    quarterly_list, quarterly_view, render_list_pdf, render_quarterly_pdf,
};
use permitdesk_documents::{list_csv, list_xlsx, render_statistics_pdf, statistics_csv};
use permitdesk_domain::actor::Role;
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::Case;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::ids::{CategoryCode, DepartmentCode, ProjectId};
use permitdesk_domain::project::Project;
use permitdesk_domain::statistics::{
    Period, Quarter, SeedTable, Statistics, StatisticsError, TableFilter,
};
use permitdesk_domain::time::{LocalTime, to_local};
use permitdesk_protocol::statistics::{
    MAX_PAGE_ROWS, StatisticsFormat, StatisticsQuery, StatisticsReport,
};
use permitdesk_protocol::{DomainEvent, ErrorCode};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// 市工改办, who compiles the city's statistics.
pub const REFORM_OFFICE: &str = "哈尔滨市工程建设项目审批制度改革工作领导小组办公室";

/// Events read from the store per page while catching up.
const PAGE: u32 = 20_000;

/// Every stored project and case, replayed, as of server sequence `seq`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatisticsData {
    pub seq: u64,
    pub projects: Vec<Project>,
    pub cases: Vec<Case>,
    project_at: HashMap<String, usize>,
    case_at: HashMap<String, usize>,
}

impl StatisticsData {
    /// Folds a page of stored events (in server-sequence order) into the projections; other
    /// kinds of entity are skipped. Each touched entity is cloned once per page at most.
    pub fn apply_page(&mut self, page: &[StoredEvent]) -> Result<(), StoreError> {
        let mut cases: Vec<(String, Vec<permitdesk_domain::case::CaseEvent>)> = Vec::new();
        let mut projects: Vec<(String, Vec<permitdesk_domain::project::ProjectEvent>)> = Vec::new();
        let mut case_slot: HashMap<String, usize> = HashMap::new();
        let mut project_slot: HashMap<String, usize> = HashMap::new();
        for e in page {
            self.seq = self.seq.max(e.server_seq);
            if !(e.entity_key.starts_with("case:") || e.entity_key.starts_with("project:")) {
                continue;
            }
            match serde_json::from_str::<DomainEvent>(&e.json)? {
                DomainEvent::Case(s) => {
                    let i = *case_slot.entry(e.entity_key.clone()).or_insert_with(|| {
                        cases.push((e.entity_key.clone(), Vec::new()));
                        cases.len() - 1
                    });
                    if let Some(list) = cases.get_mut(i) {
                        list.1.push(s.event);
                    }
                }
                DomainEvent::Project(s) => {
                    let i = *project_slot.entry(e.entity_key.clone()).or_insert_with(|| {
                        projects.push((e.entity_key.clone(), Vec::new()));
                        projects.len() - 1
                    });
                    if let Some(list) = projects.get_mut(i) {
                        list.1.push(s.event);
                    }
                }
                _ => {}
            }
        }
        let corrupt = |key: &str, e: &dyn std::fmt::Display| {
            StoreError::Corrupt(format!("{key} does not replay: {e}"))
        };
        for (key, events) in cases {
            let at = self.case_at.get(&key).copied();
            let mut state = at.and_then(|i| self.cases.get(i).cloned());
            for e in &events {
                state = Some(Case::apply(state, e).map_err(|err| corrupt(&key, &err))?);
            }
            let Some(case) = state else { continue };
            match at.and_then(|i| self.cases.get_mut(i)) {
                Some(slot) => *slot = case,
                None => {
                    self.case_at.insert(key, self.cases.len());
                    self.cases.push(case);
                }
            }
        }
        for (key, events) in projects {
            let at = self.project_at.get(&key).copied();
            let mut state = at.and_then(|i| self.projects.get(i).cloned());
            for e in &events {
                state = Some(Project::apply(state, e).map_err(|err| corrupt(&key, &err))?);
            }
            let Some(project) = state else { continue };
            match at.and_then(|i| self.projects.get_mut(i)) {
                Some(slot) => *slot = project,
                None => {
                    self.project_at.insert(key, self.projects.len());
                    self.projects.push(project);
                }
            }
        }
        Ok(())
    }
}

/// The stored projection's name.
const SNAPSHOT_NAME: &str = "statistics";

/// Entities per stored part (a few megabytes of JSON before deflate).
pub const PART_ENTITIES: usize = 4_000;

/// Events folded since the last stored snapshot before the next one is stored.
pub const DEFAULT_STORE_AFTER: u64 = 20_000;

/// The encoding of a stored snapshot, the build that wrote it and the shape of its entities (a
/// digest of the JSON schema of the replayed project and case): a snapshot is read only by a
/// build that writes the same, so a changed field never reads as a default value.
fn snapshot_format() -> &'static str {
    static FORMAT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FORMAT.get_or_init(|| {
        use sha2::Digest;
        let shape = (schemars::schema_for!(Project), schemars::schema_for!(Case));
        let digest = serde_json::to_vec(&shape)
            .map(|json| hex::encode(&sha2::Sha256::digest(json)[..8]))
            .unwrap_or_default();
        format!(
            "json-deflate-parts/1 permitdesk-server/{} shape/{digest}",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// One stored part, as written (borrowed) and as read.
#[derive(serde::Serialize)]
struct PartOut<'a> {
    projects: Vec<(&'a str, &'a Project)>,
    cases: Vec<(&'a str, &'a Case)>,
}

#[derive(serde::Deserialize)]
struct PartIn {
    projects: Vec<(String, Project)>,
    cases: Vec<(String, Case)>,
}

/// Why a stored snapshot was not used (the trails are replayed instead).
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("written by another build ({0})")]
    OtherFormat(String),
    #[error("a part does not read: {0}")]
    Unreadable(String),
    #[error("an entity is stored twice: {0}")]
    Duplicate(String),
}

fn deflate_failed(e: std::io::Error) -> StoreError {
    StoreError::Task(format!("deflate: {e}"))
}

fn keys_by_index(at: &HashMap<String, usize>, len: usize) -> Vec<&str> {
    let mut keys = vec![""; len];
    for (k, &i) in at {
        if let Some(slot) = keys.get_mut(i) {
            *slot = k.as_str();
        }
    }
    keys
}

impl StatisticsData {
    /// The data as a stored snapshot (JSON, deflated, in parts).
    pub fn encode(&self) -> Result<ProjectionSnapshot, StoreError> {
        let project_keys = keys_by_index(&self.project_at, self.projects.len());
        let case_keys = keys_by_index(&self.case_at, self.cases.len());
        let mut parts: Vec<PartOut<'_>> = Vec::new();
        for (keys, projects) in project_keys
            .chunks(PART_ENTITIES)
            .zip(self.projects.chunks(PART_ENTITIES))
        {
            parts.push(PartOut {
                projects: keys.iter().copied().zip(projects).collect(),
                cases: Vec::new(),
            });
        }
        for (keys, cases) in case_keys
            .chunks(PART_ENTITIES)
            .zip(self.cases.chunks(PART_ENTITIES))
        {
            parts.push(PartOut {
                projects: Vec::new(),
                cases: keys.iter().copied().zip(cases).collect(),
            });
        }
        // Parts are encoded on every core (rayon); the order is kept.
        let parts = parts
            .par_iter()
            .map(|part| {
                let json = serde_json::to_vec(part)?;
                let mut z = flate2::write::DeflateEncoder::new(
                    Vec::with_capacity(json.len() / 4),
                    flate2::Compression::fast(),
                );
                z.write_all(&json).map_err(deflate_failed)?;
                z.finish().map_err(deflate_failed)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ProjectionSnapshot {
            seq: self.seq,
            format: snapshot_format().to_owned(),
            parts,
        })
    }

    /// The data a stored snapshot holds, if this build wrote it and every part reads.
    pub fn decode(snapshot: &ProjectionSnapshot) -> Result<StatisticsData, SnapshotError> {
        if snapshot.format != snapshot_format() {
            return Err(SnapshotError::OtherFormat(snapshot.format.clone()));
        }
        let unreadable = |e: &dyn std::fmt::Display| SnapshotError::Unreadable(e.to_string());
        let parts = snapshot
            .parts
            .par_iter()
            .map(|part| {
                let mut json = Vec::new();
                flate2::read::DeflateDecoder::new(part.as_slice())
                    .read_to_end(&mut json)
                    .map_err(|e| unreadable(&e))?;
                serde_json::from_slice::<PartIn>(&json).map_err(|e| unreadable(&e))
            })
            .collect::<Result<Vec<_>, SnapshotError>>()?;
        let mut data = StatisticsData {
            seq: snapshot.seq,
            ..StatisticsData::default()
        };
        for part in parts {
            for (key, project) in part.projects {
                if data
                    .project_at
                    .insert(key.clone(), data.projects.len())
                    .is_some()
                {
                    return Err(SnapshotError::Duplicate(key));
                }
                data.projects.push(project);
            }
            for (key, case) in part.cases {
                if data.case_at.insert(key.clone(), data.cases.len()).is_some() {
                    return Err(SnapshotError::Duplicate(key));
                }
                data.cases.push(case);
            }
        }
        Ok(data)
    }
}

/// The replayed store, shared by all statistics requests of one server process.
#[derive(Debug)]
pub struct StatisticsCache {
    loaded: tokio::sync::Mutex<Loaded>,
    /// Events folded since the last stored snapshot before the next one is stored (0: never).
    store_after: u64,
    /// The sequence number of the snapshot last stored or read.
    stored_seq: Arc<AtomicU64>,
    /// A snapshot is being stored in the background.
    storing: Arc<AtomicBool>,
    /// The figures of the last table asked (`Figures`), reused by every table and page asked
    /// over the same data in the same minute.
    figures: std::sync::Mutex<Option<Arc<Figures>>>,
}

/// 统计时点的办件数据: every case's figures as of one minute (`Statistics::compute`, about half
/// a second for a city-year), with what they borrow from.
#[ouroboros::self_referencing]
pub struct Figures {
    data: Arc<StatisticsData>,
    catalogue: Arc<Catalogue>,
    calendar: Arc<WorkingCalendar>,
    as_of: LocalTime,
    #[borrows(data, catalogue, calendar)]
    #[covariant]
    stats: Result<Statistics<'this>, StatisticsError>,
}

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Figures(as of {})", self.borrow_as_of())
    }
}

impl Figures {
    /// The figures of `data` as of `as_of` (a whole minute).
    pub fn of(
        data: Arc<StatisticsData>,
        catalogue: Arc<Catalogue>,
        calendar: Arc<WorkingCalendar>,
        as_of: LocalTime,
    ) -> Figures {
        FiguresBuilder {
            data,
            catalogue,
            calendar,
            as_of,
            stats_builder: |data, catalogue, calendar| {
                let clock = LegalClock::new(calendar, OfficeHours::default());
                Statistics::compute(catalogue, &data.projects, &data.cases, &clock, as_of)
            },
        }
        .build()
    }

    fn over(
        &self,
        data: &Arc<StatisticsData>,
        catalogue: &Arc<Catalogue>,
        calendar: &Arc<WorkingCalendar>,
        as_of: LocalTime,
    ) -> bool {
        Arc::ptr_eq(self.borrow_data(), data)
            && Arc::ptr_eq(self.borrow_catalogue(), catalogue)
            && Arc::ptr_eq(self.borrow_calendar(), calendar)
            && *self.borrow_as_of() == as_of
    }

    /// The computed figures, or why the cases could not be read.
    pub fn statistics(&self) -> Result<&Statistics<'_>, ApiFailure> {
        self.borrow_stats()
            .as_ref()
            .map_err(|e| ApiFailure::invalid(e.to_string()))
    }
}

#[derive(Debug, Default)]
struct Loaded {
    data: Arc<StatisticsData>,
    /// The stored snapshot was looked for (once per process).
    looked: bool,
}

impl Default for StatisticsCache {
    fn default() -> Self {
        StatisticsCache::new(DEFAULT_STORE_AFTER)
    }
}

impl StatisticsCache {
    /// A cache that stores a snapshot every `store_after` folded events (0: never stores).
    pub fn new(store_after: u64) -> StatisticsCache {
        StatisticsCache {
            loaded: Default::default(),
            store_after,
            stored_seq: Default::default(),
            storing: Default::default(),
            figures: Default::default(),
        }
    }

    /// The figures of `data` as of `as_of`: those of the last table asked if they are over the
    /// same data, reference data and minute, else computed now (on the caller's thread, which
    /// should be a blocking one) and kept for the next.
    pub fn figures(
        &self,
        data: &Arc<StatisticsData>,
        catalogue: &Arc<Catalogue>,
        calendar: &Arc<WorkingCalendar>,
        as_of: LocalTime,
    ) -> Arc<Figures> {
        let mut slot = self
            .figures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(f) = slot
            .as_ref()
            .filter(|f| f.over(data, catalogue, calendar, as_of))
        {
            return f.clone();
        }
        // The old figures go first, so that they no longer hold the old data.
        *slot = None;
        let f = Arc::new(Figures::of(
            data.clone(),
            catalogue.clone(),
            calendar.clone(),
            as_of,
        ));
        *slot = Some(f.clone());
        f
    }

    fn forget_figures(&self) {
        *self
            .figures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The projections as of now: reads the stored snapshot the first time, folds whatever
    /// was stored since the last call, and stores a new snapshot in the background when due.
    pub async fn snapshot(
        &self,
        store: &Arc<dyn Store>,
    ) -> Result<Arc<StatisticsData>, StoreError> {
        let data = self.fold(store.as_ref()).await?;
        if self.due(&data) && !self.storing.swap(true, Ordering::AcqRel) {
            let (store, stored, storing, data) = (
                store.clone(),
                self.stored_seq.clone(),
                self.storing.clone(),
                data.clone(),
            );
            tokio::spawn(async move {
                if let Err(e) = put(store.as_ref(), &data, &stored).await {
                    tracing::warn!(error = %e, "the statistics snapshot was not stored; retried later");
                }
                storing.store(false, Ordering::Release);
            });
        }
        Ok(data)
    }

    /// Folds and, when due, stores the snapshot before returning (what tests and the
    /// benchmark use to have it stored at a known point).
    pub async fn snapshot_and_store(
        &self,
        store: &dyn Store,
    ) -> Result<Arc<StatisticsData>, StoreError> {
        let data = self.fold(store).await?;
        if self.due(&data) {
            put(store, &data, &self.stored_seq).await?;
        }
        Ok(data)
    }

    /// The sequence number of the snapshot this process last stored or read (0: none).
    pub fn stored_seq(&self) -> u64 {
        self.stored_seq.load(Ordering::Acquire)
    }

    fn due(&self, data: &StatisticsData) -> bool {
        self.store_after > 0 && data.seq >= self.stored_seq().saturating_add(self.store_after)
    }

    async fn fold(&self, store: &dyn Store) -> Result<Arc<StatisticsData>, StoreError> {
        let mut loaded = self.loaded.lock().await;
        if !loaded.looked {
            loaded.looked = true;
            if let Some(stored) = store.projection_snapshot(SNAPSHOT_NAME).await? {
                let seq = stored.seq;
                match tokio::task::spawn_blocking(move || StatisticsData::decode(&stored)).await? {
                    Ok(data) if data.seq > loaded.data.seq => {
                        loaded.data = Arc::new(data);
                        self.stored_seq.fetch_max(seq, Ordering::AcqRel);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the stored statistics snapshot is not used; the trails are replayed");
                    }
                }
            }
        }
        loop {
            let page = store.events_after(loaded.data.seq, PAGE).await?;
            if page.is_empty() {
                break;
            }
            let full = page.len() >= PAGE as usize;
            // The kept figures borrow the old data: let it go rather than clone it below.
            self.forget_figures();
            // Readers may still hold the old snapshot: then this clones it once.
            let mut data = std::mem::take(Arc::make_mut(&mut loaded.data));
            data = tokio::task::spawn_blocking(move || {
                data.apply_page(&page)?;
                Ok::<_, StoreError>(data)
            })
            .await??;
            loaded.data = Arc::new(data);
            if !full {
                break;
            }
        }
        Ok(loaded.data.clone())
    }
}

/// Encodes `data` off the async threads and stores it unless a newer snapshot is stored.
async fn put(
    store: &dyn Store,
    data: &Arc<StatisticsData>,
    stored: &AtomicU64,
) -> Result<(), StoreError> {
    let encoded = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || data.encode()).await??
    };
    let seq = encoded.seq;
    store
        .put_projection_snapshot(SNAPSHOT_NAME, &encoded)
        .await?;
    stored.fetch_max(seq, Ordering::AcqRel);
    Ok(())
}

/// The department the figures are limited to, by the caller's role.
pub fn department_for(
    role: Role,
    own: Option<&DepartmentCode>,
    asked: Option<DepartmentCode>,
) -> Result<Option<DepartmentCode>, ApiFailure> {
    match role {
        Role::ReformOffice => Ok(asked),
        Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator => {
            let Some(own) = own else {
                return Err(ApiFailure::new(
                    ErrorCode::Forbidden,
                    "您的账号未关联部门，不能查看审批统计",
                ));
            };
            match asked {
                Some(a) if &a != own => Err(ApiFailure::new(
                    ErrorCode::Forbidden,
                    format!("只能查看本部门（{own}）的审批统计，不能查看部门 {a} 的"),
                )),
                _ => Ok(Some(own.clone())),
            }
        }
        Role::Applicant | Role::IntermediaryAgency | Role::System => Err(ApiFailure::new(
            ErrorCode::Forbidden,
            "审批统计仅向审批部门和市工改办开放",
        )),
    }
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The longest code a statistics filter takes.
pub const MAX_FILTER_CHARS: usize = 64;

/// A filter of the statistics (项目, 项目分类, 部门) is a code: letters, digits and `-_.`, at
/// most [`MAX_FILTER_CHARS`]. Anything else (a control character, an emoji, a paragraph) is
/// refused with 422 before any work, so it never reaches a report or a file name.
pub fn check_filters(q: &StatisticsQuery) -> Result<(), ApiFailure> {
    for (label, value) in [
        ("部门", &q.department),
        ("项目", &q.project),
        ("项目分类", &q.category),
    ] {
        let Some(v) = nonempty(value) else { continue };
        let ok = v.chars().count() <= MAX_FILTER_CHARS
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            return Err(ApiFailure::invalid(format!(
                "筛选条件“{label}”应为代码（字母、数字和 - _ .，不超过 {MAX_FILTER_CHARS} 个字符）"
            )));
        }
    }
    Ok(())
}

fn invalid(e: StatisticsError) -> ApiFailure {
    ApiFailure::invalid(e.to_string())
}

/// The whole computation, pure apart from its inputs: what the handler runs off the async
/// threads, and what the benchmark measures.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: StatisticsQuery,
    /// Already forced by [`department_for`].
    pub department: Option<DepartmentCode>,
    pub as_of: LocalTime,
    pub compiled_by: String,
}

/// The answer: its format, a file name and the bytes.
#[derive(Debug, Clone)]
pub struct Answer {
    pub format: StatisticsFormat,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn render_failed(e: impl std::fmt::Display) -> ApiFailure {
    ApiFailure::new(ErrorCode::Internal, format!("统计报表生成失败：{e}"))
}

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ApiFailure> {
    serde_json::to_vec(v).map_err(render_failed)
}

/// Computes the asked report over `data`.
pub fn compute(
    data: &StatisticsData,
    catalogue: &Catalogue,
    calendar: &WorkingCalendar,
    r: &Request,
    figures: Option<&Figures>,
) -> Result<Answer, ApiFailure> {
    let q = &r.query;
    let period = match (q.from, q.to) {
        (None, None) => None,
        // The quarterly summary takes the quarter of `from`; `to` is not needed.
        _ if q.report == StatisticsReport::Quarterly => None,
        (Some(from), Some(to)) => Some(Period::new(from, to).map_err(invalid)?),
        _ => {
            return Err(ApiFailure::malformed(
                "统计期间须同时给出起止日期（from 与 to）",
            ));
        }
    };
    let filter = TableFilter {
        period,
        department: r.department.clone(),
        project: nonempty(&q.project).map(ProjectId::new),
        category: nonempty(&q.category).map(CategoryCode::new),
    };
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let format = q.format;
    let ext = format.as_str();
    let generated_at = r.as_of;
    let table = match q.report {
        StatisticsReport::Table1 => Some(SeedTable::One),
        StatisticsReport::Table2 => Some(SeedTable::Two),
        StatisticsReport::Table3 => Some(SeedTable::Three),
        StatisticsReport::Table4 => Some(SeedTable::Four),
        StatisticsReport::Monthly | StatisticsReport::Quarterly => None,
    };
    let paged = q.offset.is_some() || q.limit.is_some();
    if paged && (table.is_none() || format != StatisticsFormat::Json) {
        return Err(ApiFailure::invalid(
            "分页（offset、limit）只用于 JSON 格式的统计表一至表四",
        ));
    }
    if q.limit.is_some_and(|l| l == 0 || l > MAX_PAGE_ROWS) {
        return Err(ApiFailure::invalid(format!(
            "每页行数（limit）应为 1 至 {MAX_PAGE_ROWS}"
        )));
    }
    if let Some(table) = table {
        let computed;
        let s = match figures {
            Some(f) => f.statistics()?,
            None => {
                computed =
                    Statistics::compute(catalogue, &data.projects, &data.cases, &clock, r.as_of)
                        .map_err(invalid)?;
                &computed
            }
        };
        let first = q.offset.unwrap_or(0) as usize;
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let rows = s.table_page(table, &filter, first, limit);
        let view = || table_view(&rows, &r.compiled_by, generated_at);
        let bytes = match format {
            StatisticsFormat::Json => json(&rows)?,
            StatisticsFormat::Xlsx => {
                permitdesk_documents::statistics_xlsx(&view()).map_err(render_failed)?
            }
            StatisticsFormat::Csv => statistics_csv(&view()),
            StatisticsFormat::Pdf => render_statistics_pdf(&view()).map_err(render_failed)?,
        };
        return Ok(Answer {
            format,
            file_name: format!("statistics-{}.{ext}", q.report.as_str()),
            bytes,
        });
    }
    // The reports take the cases of the filter (department, project, category) as their
    // whole world; the period is the report's own.
    let subset: Option<Vec<Case>> =
        if filter.department.is_none() && filter.project.is_none() && filter.category.is_none() {
            None
        } else {
            let projects_in_category: Option<HashSet<&ProjectId>> =
                filter.category.as_ref().map(|c| {
                    data.projects
                        .iter()
                        .filter(|p| &p.details.category == c)
                        .map(|p| &p.id)
                        .collect()
                });
            Some(
                data.cases
                    .iter()
                    .filter(|c| {
                        filter.department.as_ref().is_none_or(|d| {
                            &c.department == d
                                || catalogue
                                    .item(&c.item)
                                    .and_then(|i| i.competent_department.as_ref())
                                    == Some(d)
                        }) && filter.project.as_ref().is_none_or(|p| &c.project == p)
                            && projects_in_category
                                .as_ref()
                                .is_none_or(|set| set.contains(&c.project))
                    })
                    .cloned()
                    .collect(),
            )
        };
    let cases = subset.as_deref().unwrap_or(&data.cases);
    let s =
        Statistics::compute(catalogue, &data.projects, cases, &clock, r.as_of).map_err(invalid)?;
    let today = r.as_of.date();
    if q.report == StatisticsReport::Monthly {
        let period = match period {
            Some(p) => p,
            None => Period::month(today.year(), today.month()).map_err(invalid)?,
        };
        let report = s.monthly_report(period);
        let list = || monthly_report_list(&report);
        let bytes = match format {
            StatisticsFormat::Json => json(&report)?,
            StatisticsFormat::Xlsx => list_xlsx(&list()).map_err(render_failed)?,
            StatisticsFormat::Csv => list_csv(&list()),
            StatisticsFormat::Pdf => {
                render_list_pdf(&list(), generated_at).map_err(render_failed)?
            }
        };
        return Ok(Answer {
            format,
            file_name: format!("statistics-monthly-{}.{ext}", period.from()),
            bytes,
        });
    }
    let quarter = Quarter::of(q.from.unwrap_or(today));
    let summary = s.quarterly_summary(quarter).map_err(invalid)?;
    let view = || quarterly_view(&summary, &r.compiled_by, generated_at);
    let bytes = match format {
        StatisticsFormat::Json => json(&summary)?,
        StatisticsFormat::Xlsx => list_xlsx(&quarterly_list(&view())).map_err(render_failed)?,
        StatisticsFormat::Csv => list_csv(&quarterly_list(&view())),
        StatisticsFormat::Pdf => render_quarterly_pdf(&view()).map_err(render_failed)?,
    };
    Ok(Answer {
        format,
        file_name: format!(
            "statistics-quarterly-{}Q{}.{ext}",
            quarter.year, quarter.quarter
        ),
        bytes,
    })
}

/// The handler.
pub async fn statistics(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(query): ApiQuery<StatisticsQuery>,
) -> Result<Response, ApiFailure> {
    check_filters(&query)?;
    let asked = nonempty(&query.department).map(DepartmentCode::new);
    let department = department_for(a.user.role, a.user.department.as_ref(), asked)?;
    let reference = s.refreshed_reference().await?;
    let compiled_by = department.as_ref().map_or_else(
        || REFORM_OFFICE.to_owned(),
        |d| {
            reference
                .catalogue
                .department(d)
                .map_or_else(|| d.to_string(), |d| d.name.clone())
        },
    );
    // 统计时点: the whole minute (the legal clock counts minutes), so that every table and page
    // asked in one minute is computed from the same figures, once.
    let now = to_local(s.clock.now());
    let as_of = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let request = Request {
        query,
        department,
        as_of,
        compiled_by,
    };
    let data = s.statistics.snapshot(&s.store).await?;
    let (catalogue, calendar) = (reference.catalogue.clone(), reference.calendar.clone());
    let table = request.query.report.is_table();
    let state = s.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let figures = table.then(|| {
            state
                .statistics
                .figures(&data, &catalogue, &calendar, as_of)
        });
        compute(&data, &catalogue, &calendar, &request, figures.as_deref())
    })
    .await
    .map_err(StoreError::from)??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                answer.format.content_type().to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", answer.file_name),
            ),
        ],
        answer.bytes,
    )
        .into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use permitdesk_domain::statistics::sample;

    /// A city sample spread over several parts (more cases than one part holds).
    fn data() -> StatisticsData {
        let s = sample::generated(PART_ENTITIES + 500).unwrap();
        let mut d = StatisticsData {
            seq: 4242,
            ..StatisticsData::default()
        };
        for p in s.projects {
            d.project_at
                .insert(format!("project:{}", p.id), d.projects.len());
            d.projects.push(p);
        }
        for c in s.cases {
            d.case_at.insert(format!("case:{}", c.id), d.cases.len());
            d.cases.push(c);
        }
        d
    }

    #[test]
    fn a_stored_snapshot_reads_back_as_the_same_projections() {
        let d = data();
        let stored = d.encode().unwrap();
        assert!(stored.parts.len() >= 3, "{} parts", stored.parts.len());
        assert_eq!(stored.seq, 4242);
        // Tagged with the shape of the entities: 16 hex digits of the schemas' digest.
        let shape = stored.format.rsplit_once("shape/").unwrap().1;
        assert!(
            shape.len() == 16 && shape.chars().all(|c| c.is_ascii_hexdigit()),
            "{}",
            stored.format
        );
        assert_eq!(StatisticsData::decode(&stored).unwrap(), d);
        // An empty store is one snapshot of no parts.
        let empty = StatisticsData::default().encode().unwrap();
        assert!(empty.parts.is_empty());
        assert_eq!(
            StatisticsData::decode(&empty).unwrap(),
            StatisticsData::default()
        );
    }

    /// The figures of a table are computed once per data, reference data and minute, and are
    /// the figures a fresh computation gives.
    #[test]
    fn figures_are_kept_for_the_same_data_and_minute_only() {
        let sample = sample::generated(300).unwrap();
        let data = Arc::new(StatisticsData {
            seq: 1,
            projects: sample.projects.clone(),
            cases: sample.cases.clone(),
            ..StatisticsData::default()
        });
        let catalogue = Arc::new(sample.catalogue.clone());
        let calendar = Arc::new(WorkingCalendar::shipped());
        let at = sample.as_of;
        let cache = StatisticsCache::new(0);
        let a = cache.figures(&data, &catalogue, &calendar, at);
        let b = cache.figures(&data, &catalogue, &calendar, at);
        assert!(Arc::ptr_eq(&a, &b));
        let clock = LegalClock::new(&calendar, OfficeHours::default());
        let fresh =
            Statistics::compute(&catalogue, &data.projects, &data.cases, &clock, at).unwrap();
        let filter = TableFilter::default();
        assert_eq!(
            a.statistics().unwrap().table(SeedTable::One, &filter),
            fresh.table(SeedTable::One, &filter)
        );
        let later = cache.figures(
            &data,
            &catalogue,
            &calendar,
            at + chrono::Duration::minutes(1),
        );
        assert!(!Arc::ptr_eq(&a, &later));
        let other_data = Arc::new((*data).clone());
        assert!(!Arc::ptr_eq(
            &later,
            &cache.figures(
                &other_data,
                &catalogue,
                &calendar,
                at + chrono::Duration::minutes(1)
            )
        ));
        let other_catalogue = Arc::new((*catalogue).clone());
        let c = cache.figures(&other_data, &other_catalogue, &calendar, at);
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn a_snapshot_of_another_build_or_damaged_is_not_used() {
        let d = data();
        let good = d.encode().unwrap();
        let mut other = good.clone();
        other.format = "json-deflate-parts/1 permitdesk-server/0.0.1".into();
        assert!(matches!(
            StatisticsData::decode(&other),
            Err(SnapshotError::OtherFormat(_))
        ));
        let mut damaged = good.clone();
        let last = damaged.parts.last_mut().unwrap();
        let n = last.len();
        last.truncate(n / 2);
        assert!(matches!(
            StatisticsData::decode(&damaged),
            Err(SnapshotError::Unreadable(_))
        ));
        let mut twice = good.clone();
        let again = twice.parts[1].clone();
        twice.parts.push(again);
        assert!(matches!(
            StatisticsData::decode(&twice),
            Err(SnapshotError::Duplicate(_))
        ));
    }
}

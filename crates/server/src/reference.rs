//! 参考数据 on the server (issue 11): the reference set in force is loaded from the store
//! (the latest version of each kind; the bootstrap data for a kind never imported), reloaded
//! when another process (the `permitdesk admin … import` command on the same database, a
//! second server) records a newer version, and changed through [`import`], the one function
//! the HTTP endpoint (`POST /api/v1/reference/{kind}`, 市工改办) and the admin CLI share.
//!
//! An import parses and validates the file (a malformed one is refused with its line and
//! nothing changes), merges a holiday file into the stored calendar (a stored year the file
//! changes needs `replace`), describes the change in Chinese, and, for the calendar, lists the
//! open cases whose deadline moves (provisional to final included); applied, it records the
//! new version with who, when and the diff, and one notification per moved case (exactly once,
//! visible to everyone who may see the case). A dry run computes all of it and writes nothing.
//! A catalogue that drops an item or flow open cases still use is applied all the same: those
//! cases keep the acceptance terms they were accepted under; the report names them.

use crate::error::StoreError;
use crate::store::{ScheduledAction, Store};
use chrono::{DateTime, Utc};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::Case;
use permitdesk_domain::clock::{ClockReading, LegalClock, OfficeHours};
use permitdesk_domain::project::Project;
use permitdesk_domain::reference::{
    ReferenceData, ReferenceError, ReferenceKind, ReferenceSet, describe_change, merge_calendar,
};
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::reference::{DeadlineMove, ReferenceImportReport};
use permitdesk_protocol::{DomainEvent, EntityRef};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The settings key of the catalogue TOML written by older `demo seed` runs (before issue 11
/// the catalogue lived there); adopted as catalogue version 1 if it differs from the bootstrap.
pub const LEGACY_CATALOGUE_SETTING: &str = "catalogue_toml";

/// Why the reference set could not be loaded or an import could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is malformed or invalid: the message names the line; nothing changed.
    #[error("{0}")]
    Malformed(#[from] ReferenceError),
    /// A stored version no longer parses (it was valid when imported): the store is damaged.
    #[error("已存储的{}第 {version} 版无法读取：{message}", kind.label())]
    Stored {
        kind: ReferenceKind,
        version: u64,
        message: String,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// SHA-256 of a text, hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn stored_error(kind: ReferenceKind, version: u64) -> impl Fn(ReferenceError) -> ImportError {
    move |e| ImportError::Stored {
        kind,
        version,
        message: e.message,
    }
}

/// Installs into `set` the latest stored version of every kind in `kinds`.
async fn install_latest(
    store: &dyn Store,
    set: &mut ReferenceSet,
    kinds: &[ReferenceKind],
) -> Result<(), ImportError> {
    for &kind in kinds {
        if let Some(doc) = store.reference_latest(kind).await? {
            let data = ReferenceData::parse(kind, &doc.content)
                .map_err(stored_error(kind, doc.version))?;
            set.install(doc.version, data);
        }
    }
    Ok(())
}

/// The reference set in force in `store`: the latest version of each kind, the bootstrap data
/// for kinds never imported.
pub async fn load(store: &dyn Store) -> Result<ReferenceSet, ImportError> {
    let mut set = ReferenceSet::bootstrap().map_err(stored_error(ReferenceKind::Calendar, 0))?;
    install_latest(store, &mut set, &ReferenceKind::ALL).await?;
    Ok(set)
}

/// `current` brought up to the store: None if every kind is at the stored version, else the
/// set with the changed kinds reloaded (the others shared with `current`).
pub async fn refresh(
    store: &dyn Store,
    current: &ReferenceSet,
) -> Result<Option<ReferenceSet>, ImportError> {
    let stored = store.reference_versions().await?;
    let changed: Vec<ReferenceKind> = ReferenceKind::ALL
        .into_iter()
        .filter(|k| stored.get(k).copied().unwrap_or(0) != current.version(*k))
        .collect();
    if changed.is_empty() {
        return Ok(None);
    }
    let mut set = current.clone();
    install_latest(store, &mut set, &changed).await?;
    Ok(Some(set))
}

/// Before issue 11 `demo seed` (or an administrator) kept the catalogue in a setting: if no
/// catalogue version is recorded and that setting holds another catalogue than the bootstrap
/// one, it is recorded as catalogue version 1. Returns whether it was.
pub async fn adopt_legacy_catalogue(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<bool, ImportError> {
    let kind = ReferenceKind::Catalogue;
    let versions = store.reference_versions().await?;
    if versions.get(&kind).copied().unwrap_or(0) != 0 {
        return Ok(false);
    }
    let Some(text) = store.setting(LEGACY_CATALOGUE_SETTING).await? else {
        return Ok(false);
    };
    if text == kind.bootstrap_text() {
        return Ok(false);
    }
    let old = ReferenceData::parse(kind, kind.bootstrap_text()).map_err(stored_error(kind, 0))?;
    let new = ReferenceData::parse(kind, &text).map_err(stored_error(kind, 0))?;
    let changes = describe_change(&old, &new);
    if changes.is_empty() {
        return Ok(false);
    }
    match store
        .reference_put(
            kind,
            0,
            &text,
            &sha256_hex(&text),
            "系统（沿用原事项目录设置）",
            now,
            &changes,
        )
        .await
    {
        Ok(_) => Ok(true),
        // Another process adopted it (or imported) first.
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// What one import asks for.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    pub kind: ReferenceKind,
    /// The file's text.
    pub content: &'a str,
    /// 姓名 (or login) of whoever imports, recorded with the version.
    pub by: &'a str,
    pub now: DateTime<Utc>,
    pub dry_run: bool,
    /// Replace stored holiday years the file changes.
    pub replace: bool,
    /// Recorded as the notifications' `done_by` (the server instance, or `cli`).
    pub instance: &'a str,
}

fn current_data(set: &ReferenceSet, kind: ReferenceKind) -> ReferenceData {
    match kind {
        ReferenceKind::Calendar => ReferenceData::Calendar(set.calendar.as_ref().clone()),
        ReferenceKind::Catalogue => {
            ReferenceData::Catalogue(Box::new(set.catalogue.as_ref().clone()))
        }
        ReferenceKind::Market => ReferenceData::Market(set.market.as_ref().clone()),
        ReferenceKind::Zones => ReferenceData::Zones(set.zones.as_ref().clone()),
        ReferenceKind::Districts => ReferenceData::Districts(set.districts.as_ref().clone()),
    }
}

/// Imports a new version of one kind (see the module documentation). `current` must be the
/// set in force (a stale one makes the write a `Conflict`: someone imported meanwhile).
/// Malformed input is an `Err` and changes nothing; a calendar that changes stored years
/// without `replace` is answered with a report that is not applied and lists `needs_replace`.
pub async fn import(
    store: &dyn Store,
    current: &ReferenceSet,
    req: ImportRequest<'_>,
) -> Result<ReferenceImportReport, ImportError> {
    let kind = req.kind;
    let parsed = ReferenceData::parse(kind, req.content)?;
    let from_version = current.version(kind);
    let old = current_data(current, kind);
    let mut needs_replace = vec![];
    let (new, content) = match parsed {
        ReferenceData::Calendar(imported) => {
            let merge = merge_calendar(&current.calendar, &imported);
            needs_replace = merge.changed;
            let text = merge.merged.to_toml();
            (ReferenceData::Calendar(merge.merged), text)
        }
        other => (other, req.content.to_owned()),
    };
    let changes = describe_change(&old, &new);
    let mut report = ReferenceImportReport {
        kind,
        from_version,
        to_version: from_version,
        dry_run: req.dry_run,
        applied: false,
        changes,
        deadlines_moved: vec![],
        still_used: vec![],
        needs_replace,
        notified: 0,
    };
    if report.changes.is_empty() {
        return Ok(report);
    }
    match &new {
        ReferenceData::Calendar(cal) => {
            report.deadlines_moved = moved_deadlines(store, &current.calendar, cal, req.now).await?
        }
        ReferenceData::Catalogue(cat) => {
            report.still_used = still_used(store, &current.catalogue, cat).await?
        }
        _ => {}
    }
    if req.dry_run || (!report.needs_replace.is_empty() && !req.replace) {
        return Ok(report);
    }
    let version = store
        .reference_put(
            kind,
            from_version,
            &content,
            &sha256_hex(&content),
            req.by,
            req.now,
            &report.changes,
        )
        .await?;
    report.to_version = version;
    report.applied = true;
    tracing::info!(kind = %kind, version, "reference data imported");
    for m in &report.deadlines_moved {
        let action = ScheduledAction {
            key: format!("deadline_moved:{}:calendar:{version}", m.case),
            kind: "deadline_moved".to_owned(),
            entity_key: EntityRef::Case(permitdesk_domain::ids::CaseId::new(m.case.clone())).key(),
            notification: json!({
                "case": m.case,
                "from": m.from,
                "to": m.to,
                "was_provisional": m.was_provisional,
                "now_provisional": m.now_provisional,
                "calendar_version": version,
                "message": move_message(m),
            }),
        };
        if store.run_once(&action, req.now, req.instance).await? {
            report.notified += 1;
        }
    }
    Ok(report)
}

fn shown(deadline: &Option<String>, provisional: bool) -> String {
    match deadline {
        Some(d) if provisional => format!("{d}（暂定）"),
        Some(d) => d.clone(),
        None => "（暂停中，无期限）".to_owned(),
    }
}

/// "办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）".
pub fn move_message(m: &DeadlineMove) -> String {
    format!(
        "办理期限由 {} 调整为 {}（节假日安排更新）",
        shown(&m.from, m.was_provisional),
        shown(&m.to, m.now_provisional)
    )
}

fn deadline_of(r: &ClockReading) -> (Option<String>, bool) {
    (r.deadline.map(format_minute), r.is_provisional())
}

/// Every open case whose deadline (or its provisional mark) differs between the two
/// calendars at `now`.
async fn moved_deadlines(
    store: &dyn Store,
    old: &WorkingCalendar,
    new: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<Vec<DeadlineMove>, ImportError> {
    let (before, after) = (
        LegalClock::new(old, OfficeHours::default()),
        LegalClock::new(new, OfficeHours::default()),
    );
    let as_of = to_local(now);
    let mut out = vec![];
    for events in store.cases_under_clock().await? {
        let case = match Case::replay(events.iter()) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "a stored case does not replay; skipped by the calendar import");
                continue;
            }
        };
        let Some(input) = case.clock_input() else {
            continue;
        };
        let (a, b) = match (
            before.evaluate(&input, as_of),
            after.evaluate(&input, as_of),
        ) {
            (Ok(a), Ok(b)) => (deadline_of(&a), deadline_of(&b)),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(case = %case.id, error = %e, "legal clock failed; skipped by the calendar import");
                continue;
            }
        };
        if a != b {
            out.push(DeadlineMove {
                case: case.id.to_string(),
                from: a.0,
                to: b.0,
                was_provisional: a.1,
                now_provisional: b.1,
            });
        }
    }
    Ok(out)
}

/// Items and flows `old` has and `new` drops that open cases still use, one line each.
async fn still_used(
    store: &dyn Store,
    old: &permitdesk_domain::catalogue::Catalogue,
    new: &permitdesk_domain::catalogue::Catalogue,
) -> Result<Vec<String>, ImportError> {
    let mut items: BTreeSet<String> = BTreeSet::new();
    let mut projects: BTreeSet<String> = BTreeSet::new();
    let mut item_cases: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for events in store.open_cases().await? {
        let Ok(case) = Case::replay(events.iter()) else {
            continue;
        };
        if new.item(&case.item).is_none() {
            items.insert(case.item.to_string());
            item_cases
                .entry(case.item.to_string())
                .or_default()
                .push(case.id.to_string());
        }
        projects.insert(case.project.to_string());
    }
    let mut out = vec![];
    for code in items {
        let name = old
            .item(&permitdesk_domain::ids::ItemCode::new(code.clone()))
            .map(|i| i.name.clone())
            .unwrap_or_default();
        let cases = item_cases.get(&code).cloned().unwrap_or_default();
        out.push(format!(
            "事项 {name}（{code}）已删除，仍有 {} 件在办（{}）：这些办件沿用受理时的目录版本",
            cases.len(),
            cases.join("、")
        ));
    }
    let mut flows: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in projects {
        let key = EntityRef::Project(permitdesk_domain::ids::ProjectId::new(p.clone())).key();
        let mut events = vec![];
        for e in store.entity_events(&key).await? {
            if let Ok(DomainEvent::Project(s)) = serde_json::from_str::<DomainEvent>(&e.json) {
                events.push(s.event);
            }
        }
        if let Ok(Some(project)) = Project::replay(events.iter())
            && let Some(flow) = &project.flow
            && old.flow(flow).is_some()
            && new.flow(flow).is_none()
        {
            flows.entry(flow.to_string()).or_default().push(p);
        }
    }
    for (code, projects) in flows {
        let name = old
            .flow(&permitdesk_domain::ids::FlowCode::new(code.clone()))
            .map(|f| f.name.clone())
            .unwrap_or_default();
        out.push(format!(
            "审批流程 {name}（{code}）已删除，仍有项目在办（{}）：在办事项沿用受理时的目录版本",
            projects.join("、")
        ));
    }
    Ok(out)
}

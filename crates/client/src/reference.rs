//! 参考数据 as the CLI and the desktop app show and import it: which version of the holiday
//! calendar, the catalogue, the market, the zones and the 行政区划 this profile decides with
//! (who changed them on the server, when), the warning that next year's holiday table is
//! missing, and the reform office's import through the server. `permitdesk
//! calendar|catalogue|reference show` and the shell's `reference_show`/`reference_import`/
//! `districts` are thin adapters over these functions.

use crate::engine::SyncReport;
use crate::error::{ClientError, Result};
use crate::profile::Profile;
use crate::store::StoredReference;
use crate::transport::Transport;
use chrono::{DateTime, Utc};
use permitdesk_domain::districts::DistrictGroup;
use permitdesk_domain::reference::{
    ReferenceData, ReferenceKind, ReferenceVersions, calendar_missing_warning,
};
use permitdesk_domain::time::to_local;
use permitdesk_protocol::reference::{ReferenceImportReport, ReferenceImportRequest};
use serde::{Deserialize, Serialize};

/// The reference data a profile holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceView {
    /// The version of each kind (0: the shipped data, never synced).
    pub versions: ReferenceVersions,
    /// Each kind with who changed it on the server and when.
    pub kinds: Vec<StoredReference>,
    /// The years the holiday calendar covers.
    pub calendar_years: Vec<i32>,
    /// The catalogue's own version string and its number of items.
    pub catalogue_version: String,
    pub catalogue_items: usize,
    pub market_version: String,
    pub zones: usize,
    /// The 行政区划 list's own version string and the number of divisions a project may be
    /// located in.
    pub districts_version: String,
    pub districts: usize,
    /// From 1 November while next year's holiday table is missing (or this year's is).
    pub warning: Option<String>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// The calendar a profile decides with (`permitdesk calendar show`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarView {
    pub version: u64,
    pub years: Vec<i32>,
    /// When the server's version was imported (None: the shipped calendar).
    pub changed_at: Option<DateTime<Utc>>,
    pub changed_by: Option<String>,
    pub warning: Option<String>,
}

/// The catalogue a profile decides with (`permitdesk catalogue show`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogueView {
    /// The reference version (0: the shipped catalogue).
    pub version: u64,
    /// The catalogue's own version string (recorded in each acceptance).
    pub catalogue_version: String,
    pub items: usize,
    pub changed_at: Option<DateTime<Utc>>,
    pub changed_by: Option<String>,
}

/// 行政区划: the divisions the hall serves, grouped under their city, as the registration
/// form offers them (`permitdesk reference show districts`, the shell's `districts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DistrictsView {
    /// The reference version (0: the shipped list).
    pub version: u64,
    /// The list's own version string.
    pub districts_version: String,
    pub groups: Vec<DistrictGroup>,
    pub changed_at: Option<DateTime<Utc>>,
    pub changed_by: Option<String>,
}

fn stored(kinds: &[StoredReference], kind: ReferenceKind) -> Option<&StoredReference> {
    kinds.iter().find(|k| k.kind == kind)
}

/// The warning that a holiday table is missing, for today by the server's clock.
pub fn calendar_warning(p: &Profile) -> Result<Option<String>> {
    let refs = p.reference()?;
    let today = to_local(p.corrected_now()?).date();
    Ok(calendar_missing_warning(&refs.calendar, today))
}

pub fn show(p: &Profile) -> Result<ReferenceView> {
    let refs = p.reference()?;
    let kinds = p.store().reference_docs()?;
    Ok(ReferenceView {
        versions: refs.versions().clone(),
        calendar_years: refs.calendar.years(),
        catalogue_version: refs.catalogue.version.clone(),
        catalogue_items: refs.catalogue.items.len(),
        market_version: refs.market.version.clone(),
        zones: refs.zones.len(),
        districts_version: refs.districts.version.clone(),
        districts: refs
            .districts
            .groups()
            .iter()
            .map(|g| g.districts.len())
            .sum(),
        warning: calendar_warning(p)?,
        last_sync_at: p.store().sync_state()?.last_sync_at,
        kinds,
    })
}

pub fn calendar(p: &Profile) -> Result<CalendarView> {
    let refs = p.reference()?;
    let kinds = p.store().reference_docs()?;
    let s = stored(&kinds, ReferenceKind::Calendar);
    Ok(CalendarView {
        version: refs.version(ReferenceKind::Calendar),
        years: refs.calendar.years(),
        changed_at: s.and_then(|s| s.changed_at),
        changed_by: s.and_then(|s| s.changed_by.clone()),
        warning: calendar_warning(p)?,
    })
}

pub fn catalogue(p: &Profile) -> Result<CatalogueView> {
    let refs = p.reference()?;
    let kinds = p.store().reference_docs()?;
    let s = stored(&kinds, ReferenceKind::Catalogue);
    Ok(CatalogueView {
        version: refs.version(ReferenceKind::Catalogue),
        catalogue_version: refs.catalogue.version.clone(),
        items: refs.catalogue.items.len(),
        changed_at: s.and_then(|s| s.changed_at),
        changed_by: s.and_then(|s| s.changed_by.clone()),
    })
}

pub fn districts(p: &Profile) -> Result<DistrictsView> {
    let refs = p.reference()?;
    let kinds = p.store().reference_docs()?;
    let s = stored(&kinds, ReferenceKind::Districts);
    Ok(DistrictsView {
        version: refs.version(ReferenceKind::Districts),
        districts_version: refs.districts.version.clone(),
        groups: refs.districts.groups(),
        changed_at: s.and_then(|s| s.changed_at),
        changed_by: s.and_then(|s| s.changed_by.clone()),
    })
}

/// An import as the reform office asks for it (the file's text, not its path: the desktop app
/// reads the file the user picked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRequest {
    /// `calendar`, `catalogue`, `market`, `zones` or `districts`.
    pub kind: String,
    pub content: String,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub replace: bool,
}

/// What an import did, and the profile's reference data brought up to date after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOutcome {
    #[serde(flatten)]
    pub report: ReferenceImportReport,
    /// The reference sync after an applied import (None on a dry run, or when nothing changed).
    pub synced: Option<SyncReport>,
}

/// The kind named on the command line or by the app.
pub fn parse_kind(s: &str) -> Result<ReferenceKind> {
    ReferenceKind::parse(s.trim()).ok_or_else(|| {
        ClientError::Invalid(format!(
            "未知的参考数据类型“{}”，可选：calendar（工作日历）、catalogue（审批事项目录）、market（中介服务超市目录）、zones（规划分区）、districts（行政区划）",
            s.trim()
        ))
    })
}

/// Import a new version on the server (市工改办 only): the text is checked here first with the
/// same domain code (a malformed file is refused with its line before anything is sent), the
/// server decides; after an applied import this profile syncs its reference data.
pub fn import(p: &mut Profile, req: &ImportRequest) -> Result<ImportOutcome> {
    let (kind, request) = import_request(req)?;
    let t = p.transport()?;
    let report = t.import_reference(&p.token()?, kind, &request)?;
    let synced = if report.applied {
        Some(p.sync_reference_with(&t)?)
    } else {
        None
    };
    Ok(ImportOutcome { report, synced })
}

/// [`import`] through a shared session: the profile is not held while the server decides.
pub fn import_shared(s: &crate::Session, req: &ImportRequest) -> Result<ImportOutcome> {
    let (kind, request) = import_request(req)?;
    let report = s.online(|t, token| Ok(t.import_reference(token, kind, &request)?))?;
    let synced = if report.applied {
        Some(s.sync_reference()?)
    } else {
        None
    };
    Ok(ImportOutcome { report, synced })
}

/// The import checked locally with the domain's parser first (a malformed file is refused
/// with its line before anything is sent).
fn import_request(req: &ImportRequest) -> Result<(ReferenceKind, ReferenceImportRequest)> {
    let kind = parse_kind(&req.kind)?;
    ReferenceData::parse(kind, &req.content)
        .map_err(|e| ClientError::Invalid(format!("{e}；未导入，服务器上的数据没有变化")))?;
    Ok((
        kind,
        ReferenceImportRequest {
            content: req.content.clone(),
            dry_run: req.dry_run,
            replace: req.replace,
        },
    ))
}

//! 参考数据 on the wire: clients pull the reference data the server decides with (a version per
//! kind, only what changed), and the reform office imports new versions.
//!
//! - `GET /api/v1/reference?have=calendar:3,catalogue:1`: every kind's current version, and the
//!   full text of each kind newer than what the client has ([`ReferenceResponse`]).
//! - `POST /api/v1/reference/{kind}` with [`ReferenceImportRequest`]: import a new version (市工改办
//!   only); `dry_run` shows what would change and changes nothing ([`ReferenceImportReport`]).
//!
//! A push carries the versions the client decided with ([`crate::PushRequest::reference`]); a
//! server holding a newer catalogue, calendar or market answers 409
//! [`crate::ErrorCode::StaleReference`] without applying anything, and the client syncs its
//! reference data, re-decides its queued commands and pushes again.

use chrono::{DateTime, Utc};
pub use permitdesk_domain::reference::{ReferenceKind, ReferenceVersions};
use serde::{Deserialize, Serialize};

/// `have` as the query string writes it: `calendar:3,catalogue:1` (unknown kinds are ignored,
/// a missing kind counts as version 0).
pub fn encode_have(versions: &ReferenceVersions) -> String {
    versions
        .iter()
        .map(|(k, v)| format!("{}:{v}", k.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads `have`; None if a part is not `kind:number` with a known kind.
pub fn decode_have(s: &str) -> Option<ReferenceVersions> {
    let mut out = ReferenceVersions::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (kind, version) = part.split_once(':')?;
        out.insert(ReferenceKind::parse(kind)?, version.parse().ok()?);
    }
    Some(out)
}

/// One version of one kind, as the administrator imported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceDoc {
    pub kind: ReferenceKind,
    /// Assigned by the server, 1, 2, 3... (0 is the bootstrap data every install ships).
    pub version: u64,
    /// The file's text (TOML, or GeoJSON for zones): clients parse it with the domain.
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub sha256: String,
    pub changed_at: DateTime<Utc>,
    /// The 姓名 of whoever imported it.
    pub changed_by: String,
    /// What changed against the previous version, one line each (Chinese).
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceQuery {
    #[cfg_attr(
        feature = "schema",
        schemars(regex(
            pattern = r"^((calendar|catalogue|market|zones|districts):[0-9]{1,19})?(,((calendar|catalogue|market|zones|districts):[0-9]{1,19})?)*$"
        ))
    )]
    pub have: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceResponse {
    /// Every kind's version in force on the server.
    pub versions: ReferenceVersions,
    /// The kinds newer than the client's, in full.
    pub changed: Vec<ReferenceDoc>,
    /// Set from 1 November while next year's holiday table is missing (and whenever this
    /// year's is): the sentence the reform office and the admin read.
    pub calendar_warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceImportRequest {
    pub content: String,
    /// Show what would change; change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Needed when a holiday table for a stored year differs from the stored one.
    #[serde(default)]
    pub replace: bool,
}

/// A deadline that moves because the calendar changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeadlineMove {
    /// 办件编号.
    pub case: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`; None while the case is paused.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The old deadline was provisional (its year had no table).
    pub was_provisional: bool,
    pub now_provisional: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferenceImportReport {
    pub kind: ReferenceKind,
    /// The version before; the version after (equal when nothing changed or on a dry run).
    pub from_version: u64,
    pub to_version: u64,
    pub dry_run: bool,
    /// False on a dry run, or when the file holds exactly what is stored.
    pub applied: bool,
    /// What changes, one line each.
    pub changes: Vec<String>,
    /// Open cases whose deadline moves (calendar).
    pub deadlines_moved: Vec<DeadlineMove>,
    /// Items or flows the new catalogue drops that open cases still use: those cases keep the
    /// catalogue version they were accepted under; only new cases use the new one.
    pub still_used: Vec<String>,
    /// Stored years the file changes (calendar): refused without `replace`.
    pub needs_replace: Vec<i32>,
    /// Notifications recorded for the people whose deadlines moved.
    pub notified: u64,
}

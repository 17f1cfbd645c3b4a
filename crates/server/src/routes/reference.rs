//! `/api/v1/reference`: the reference data in force, and its import by the reform office;
//! the stale-reference check of a push.

use crate::error::ApiFailure;
use axum::Json;
use axum::extract::State;
use permitdesk_domain::actor::Role;
use permitdesk_domain::reference::{ReferenceKind, ReferenceSet};
use permitdesk_protocol::ErrorCode;
use permitdesk_protocol::reference::{
    ReferenceImportReport, ReferenceImportRequest, ReferenceQuery, ReferenceResponse, decode_have,
};

use crate::extract::*;
use crate::state::AppState;

/// The kinds a push is decided with: a client holding an older calendar, catalogue, market or
/// 行政区划 than the server's is told to sync first (409 `stale_reference`), and nothing is
/// applied.
pub(crate) const DECIDING_KINDS: [ReferenceKind; 4] = [
    ReferenceKind::Calendar,
    ReferenceKind::Catalogue,
    ReferenceKind::Market,
    ReferenceKind::Districts,
];

pub(crate) fn stale_check(
    set: &ReferenceSet,
    client: &permitdesk_protocol::reference::ReferenceVersions,
) -> Result<(), ApiFailure> {
    let stale: Vec<String> = set
        .newer_than(client)
        .into_iter()
        .filter(|k| DECIDING_KINDS.contains(k))
        .map(|k| format!("{}第 {} 版", k.label(), set.version(k)))
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    Err(ApiFailure::new(
        ErrorCode::StaleReference,
        format!("参考数据已更新（{}），请先同步后再提交", stale.join("、")),
    ))
}

/// `GET /api/v1/reference?have=calendar:1,catalogue:0`: every kind's version in force and the
/// kinds newer than the client's in full; the calendar warning from 1 November.
pub(crate) async fn get_reference(
    State(s): State<AppState>,
    _a: Authed,
    ApiQuery(q): ApiQuery<ReferenceQuery>,
) -> Result<Json<ReferenceResponse>, ApiFailure> {
    let have = decode_have(q.have.as_deref().unwrap_or("")).ok_or_else(|| {
        ApiFailure::malformed("have 应写作 kind:版本,…，如 calendar:3,catalogue:1")
    })?;
    let set = s.refreshed_reference().await?;
    let mut versions = set.versions().clone();
    let mut changed = Vec::new();
    for kind in set.newer_than(&have) {
        if let Some(doc) = s.store.reference_latest(kind).await? {
            versions.insert(kind, doc.version);
            changed.push(doc);
        }
    }
    let today = permitdesk_domain::time::to_local(s.clock.now()).date();
    Ok(Json(ReferenceResponse {
        versions,
        changed,
        calendar_warning: permitdesk_domain::reference::calendar_missing_warning(
            &set.calendar,
            today,
        ),
    }))
}

/// `POST /api/v1/reference/{kind}`: 市工改办 imports a new version (or a dry run).
pub(crate) async fn import_reference(
    State(s): State<AppState>,
    a: Authed,
    ApiPath(kind): ApiPath<String>,
    ApiJson(req): ApiJson<ReferenceImportRequest>,
) -> Result<Json<ReferenceImportReport>, ApiFailure> {
    let kind = ReferenceKind::parse(&kind).ok_or_else(|| {
        ApiFailure::new(
            ErrorCode::NotFound,
            format!(
                "没有参考数据种类 {kind}：应为 calendar、catalogue、market、zones 或 districts"
            ),
        )
    })?;
    if a.user.role != Role::ReformOffice {
        return Err(ApiFailure::new(
            ErrorCode::Forbidden,
            "只有市工改办可以导入参考数据",
        ));
    }
    let current = s.refreshed_reference().await?;
    let report = crate::reference::import(
        s.store.as_ref(),
        &current,
        crate::reference::ImportRequest {
            kind,
            content: &req.content,
            by: &a.user.name,
            now: s.clock.now(),
            dry_run: req.dry_run,
            replace: req.replace,
            instance: &s.config.instance,
        },
    )
    .await
    .map_err(|e| match e {
        crate::reference::ImportError::Malformed(e) => ApiFailure::invalid(e.to_string()),
        crate::reference::ImportError::Store(e) => e.into(),
        other => {
            tracing::error!(error = %other, "stored reference data does not load");
            ApiFailure::internal()
        }
    })?;
    if report.applied {
        s.refreshed_reference().await?;
    }
    Ok(Json(report))
}

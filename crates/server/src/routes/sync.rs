//! `/api/v1/push`, `/api/v1/pull`, `/api/v1/refusals`, `/api/v1/notifications`: commands up,
//! events down, and what the server refused or announced.

use crate::error::ApiFailure;
use crate::metrics::Metrics;
use crate::scope::may_see;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use permitdesk_protocol::{
    ErrorCode, Notification, NotificationsResponse, PullQuery, PushRequest, PushResponse,
    RefusalsResponse,
};
use serde::Deserialize;

use crate::extract::*;
use crate::routes::reference::stale_check;
use crate::state::AppState;

/// Mutation ids are stored as signed 64-bit integers in both stores: a larger one would wrap
/// negative and be processed again on a retry.
pub const MAX_MUTATION_ID: u64 = i64::MAX as u64;

pub(crate) fn valid_client_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic())
}

/// 同步身份: a push, pull or refusal list may use only the client id the token was bound to at
/// login, and only one that no other account holds (claimed here on first use, never handed
/// over). Otherwise 403 and nothing changes.
pub(crate) async fn check_client(
    s: &AppState,
    a: &Authed,
    client_id: &str,
) -> Result<(), ApiFailure> {
    // A bound token: the login already claimed its id for this account, so the comparison is
    // the whole check (no write on the polling path).
    if let Some(bound) = s.store.token_client(&a.token_hash).await? {
        if bound == client_id {
            return Ok(());
        }
        return Err(ApiFailure::new(
            ErrorCode::Forbidden,
            "同步身份与本次登录不符：请在本机重新登录后再同步",
        ));
    }
    let owner = s
        .store
        .claim_client(client_id, &a.user.id, s.clock.now())
        .await?;
    if owner != a.user.id {
        tracing::warn!(target: "permitdesk::auth", user = %a.user.id, "client id of another account refused");
        return Err(ApiFailure::new(
            ErrorCode::Forbidden,
            "该同步身份属于另一账号，已拒绝：请用本机的登录重新同步",
        ));
    }
    Ok(())
}

pub(crate) async fn push(
    State(s): State<AppState>,
    a: Authed,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiFailure> {
    if !valid_client_id(&req.client_id) {
        return Err(ApiFailure::invalid(
            "client_id 应为 1 至 128 个可见 ASCII 字符",
        ));
    }
    check_client(&s, &a, &req.client_id).await?;
    if req.commands.len() > s.config.max_batch {
        return Err(ApiFailure::new(
            ErrorCode::TooLarge,
            format!("一次最多上传 {} 条命令", s.config.max_batch),
        ));
    }
    if req.commands.iter().any(|c| c.mutation_id == 0) {
        return Err(ApiFailure::invalid("mutation_id 从 1 开始"));
    }
    if req.commands.iter().any(|c| c.mutation_id > MAX_MUTATION_ID) {
        return Err(ApiFailure::invalid(format!(
            "mutation_id 超出范围（最大 {MAX_MUTATION_ID}）"
        )));
    }
    // The domain's limits on every string of a command and on its opinion (a megabyte of text
    // would be pulled by every client that sees the entity), before any other work; an honest
    // client never sends one, since it checks the same rule before queueing.
    for c in &req.commands {
        permitdesk_domain::limits::check_command_text(&c.command, c.opinion.as_deref())
            .map_err(|e| ApiFailure::invalid(e.to_string()))?;
    }
    let reference = s.refreshed_reference().await?;
    if !req.commands.is_empty() {
        stale_check(&reference, &req.reference)?;
    }
    // 可信时间: nothing may be dated before this client's last completed sync.
    let mut env = s.push_env_with(reference);
    env.rules.not_before = s
        .store
        .last_contact(&req.client_id)
        .await?
        .map(|t| t - crate::sync::CONTACT_TOLERANCE);
    let result = s
        .store
        .push(&env, &a.user, &req.client_id, &req.commands)
        .await?;
    Metrics::add(&s.metrics.commands_pushed, req.commands.len() as u64);
    for r in &result.results {
        let c = match r.outcome {
            permitdesk_protocol::CommandOutcome::Applied { .. } => &s.metrics.commands_applied,
            permitdesk_protocol::CommandOutcome::Refused { .. } => &s.metrics.commands_refused,
            permitdesk_protocol::CommandOutcome::Duplicate => &s.metrics.commands_duplicate,
        };
        Metrics::add(c, 1);
    }
    // 电子证照: a granted completion registered a certificate; render and sign it now, after
    // the commit (the scheduler retries what fails here).
    if req.commands.iter().any(crate::certificates::is_grant) {
        let state = s.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::certificates::issue_pending(&state, 16).await {
                tracing::warn!(error = %e, "certificates not issued after push; the scheduler retries");
            }
        });
    }
    Ok(Json(PushResponse {
        results: result.results,
        last_mutation_id: result.last_mutation_id,
        server_time: s.clock.now(),
    }))
}

/// Pull answers with the stored event JSON spliced in as is: the shape is exactly
/// [`permitdesk_protocol::PullResponse`], without decoding and re-encoding every event.
#[derive(serde::Serialize)]
pub(crate) struct RawPull<'a> {
    events: Vec<RawSyncEvent<'a>>,
    removals: &'a [permitdesk_protocol::EntityRef],
    cursor: u64,
    has_more: bool,
    last_mutation_id: u64,
    server_time: DateTime<Utc>,
}

#[derive(serde::Serialize)]
pub(crate) struct RawSyncEvent<'a> {
    server_seq: u64,
    received_at: DateTime<Utc>,
    event: &'a serde_json::value::RawValue,
}

pub const DEFAULT_PULL_LIMIT: u32 = 1000;
pub const MAX_PULL_LIMIT: u32 = 10_000;

pub(crate) async fn pull(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Response, ApiFailure> {
    let client_id = match &q.client_id {
        Some(c) if valid_client_id(c) => c.clone(),
        Some(_) => {
            return Err(ApiFailure::invalid(
                "client_id 应为 1 至 128 个可见 ASCII 字符",
            ));
        }
        None => match s.store.token_client(&a.token_hash).await? {
            Some(bound) => bound,
            None => format!("user:{}", a.user.id),
        },
    };
    check_client(&s, &a, &client_id).await?;
    let limit = q
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let started = s.clock.now();
    let page = s.store.pull(&a.user, &client_id, q.after, limit).await?;
    if !page.has_more {
        // The sync is complete: whatever the client did before now has been pushed.
        s.store.record_contact(&client_id, started).await?;
    }
    let mut events = Vec::with_capacity(page.events.len());
    for e in &page.events {
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(&e.json).map_err(|_| ApiFailure::internal())?;
        events.push(RawSyncEvent {
            server_seq: e.server_seq,
            received_at: e.received_at,
            event: raw,
        });
    }
    Metrics::add(&s.metrics.pulls, 1);
    Metrics::add(&s.metrics.events_pulled, events.len() as u64);
    let body = serde_json::to_vec(&RawPull {
        events,
        removals: &page.removals,
        cursor: page.cursor,
        has_more: page.has_more,
        last_mutation_id: page.last_mutation_id,
        server_time: s.clock.now(),
    })
    .map_err(|_| ApiFailure::internal())?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct RefusalsQuery {
    #[schemars(regex(pattern = r"^[!-~]{1,128}$"))]
    client_id: String,
    after: Option<u64>,
}

pub(crate) async fn refusals(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(q): ApiQuery<RefusalsQuery>,
) -> Result<Json<RefusalsResponse>, ApiFailure> {
    if !valid_client_id(&q.client_id) {
        return Err(ApiFailure::invalid(
            "client_id 应为 1 至 128 个可见 ASCII 字符",
        ));
    }
    check_client(&s, &a, &q.client_id).await?;
    let refusals = s
        .store
        .refusals(&q.client_id, &a.user.id, q.after.unwrap_or(0))
        .await?;
    Ok(Json(RefusalsResponse { refusals }))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct NotificationsQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

pub(crate) async fn notifications(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(q): ApiQuery<NotificationsQuery>,
) -> Result<Json<NotificationsResponse>, ApiFailure> {
    let after = q.after.unwrap_or(0);
    let records = s
        .store
        .notifications(after, q.limit.unwrap_or(500).clamp(1, 5000))
        .await?;
    let cursor = records.last().map(|r| r.id).unwrap_or(after);
    let viewer = a.user.viewer();
    let mut out = Vec::new();
    for r in records {
        let visible = s
            .store
            .entity_scope(&r.entity_key)
            .await?
            .is_some_and(|sc| may_see(&viewer, &sc));
        if let (true, Some(entity)) = (
            visible,
            permitdesk_protocol::EntityRef::from_key(&r.entity_key),
        ) {
            out.push(Notification {
                id: r.id,
                entity,
                kind: r.kind,
                payload: r.payload,
                created_at: r.created_at,
            });
        }
    }
    Ok(Json(NotificationsResponse {
        notifications: out,
        cursor,
    }))
}

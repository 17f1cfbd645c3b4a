//! The HTTP API (axum): the router built from [`crate::openapi::ROUTES`], the extractors that
//! turn every bad input into a typed [`ApiError`] body, and the handlers.

use crate::auth::{self, LoginLimiter};
use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::error::{ApiFailure, StoreError};
use crate::metrics::Metrics;
use crate::openapi::{ROUTES, Route, RouteId};
use crate::scope::{may_see, may_use_attachment};
use crate::store::{PushEnv, Store, UploadError, UserRecord};
use crate::sync::valid_sha256;
use crate::tls::PeerAddr;
use axum::body::Bytes;
use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Path, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::ids::UserId;
use permitdesk_domain::reference::{ReferenceKind, ReferenceSet};
use permitdesk_protocol::reference::{
    ReferenceImportReport, ReferenceImportRequest, ReferenceQuery, ReferenceResponse, decode_have,
};
use permitdesk_protocol::{
    ErrorCode, LoginRequest, LoginResponse, Notification, NotificationsResponse, PROTOCOL_HEADER,
    PROTOCOL_VERSION, PullQuery, PushRequest, PushResponse, RefusalsResponse,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Instant;

/// Everything a handler needs, shared by all requests of one server process.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Arc<dyn Store>,
    pub config: ServerConfig,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
    pub limiter: LoginLimiter,
    pub tokens: auth::TokenCache,
    /// The reference data in force (calendar, catalogue, market, zones, each at a version):
    /// swapped whole when an import is noticed, never held across an await
    /// ([`AppState::reference`], [`AppState::refreshed_reference`]).
    reference: std::sync::RwLock<Arc<ReferenceSet>>,
    /// The replayed projects and cases the statistics are computed over (`crate::statistics`).
    pub statistics: crate::statistics::StatisticsCache,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The settings key of the catalogue TOML loaded by `demo seed` before issue 11 (adopted as
/// a catalogue version at start, see [`crate::reference::adopt_legacy_catalogue`]).
pub const CATALOGUE_SETTING: &str = crate::reference::LEGACY_CATALOGUE_SETTING;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("存储不可用：{0}")]
    Store(#[from] StoreError),
    #[error("事项目录无效：{0}")]
    Catalogue(String),
    #[error("参考数据无法载入：{0}")]
    Reference(#[from] crate::reference::ImportError),
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("无法监听地址：{0}")]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// The state of a server on `store`: the reference data is the latest stored version of
    /// each kind, the bootstrap data for kinds never imported.
    pub async fn new(
        store: Arc<dyn Store>,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<AppState, StartError> {
        crate::reference::adopt_legacy_catalogue(store.as_ref(), clock.now()).await?;
        let reference = crate::reference::load(store.as_ref()).await?;
        let limiter = LoginLimiter::new(config.login_max_failures, config.login_window);
        let tokens = auth::TokenCache::new(config.token_cache_ttl);
        Ok(AppState(Arc::new(Inner {
            store,
            config,
            clock,
            metrics: Metrics::default(),
            limiter,
            tokens,
            reference: std::sync::RwLock::new(Arc::new(reference)),
            statistics: Default::default(),
        })))
    }

    /// The reference set in force, as this process last loaded it.
    pub fn reference(&self) -> Arc<ReferenceSet> {
        self.reference
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The reference set in force after checking the store's versions (an import by the CLI
    /// or another server process is noticed here): the changed kinds are reloaded and swapped in.
    pub async fn refreshed_reference(&self) -> Result<Arc<ReferenceSet>, ApiFailure> {
        Ok(self.reference_in_force().await?)
    }

    /// [`AppState::refreshed_reference`] for the scheduler and other storage-level callers.
    pub async fn reference_in_force(&self) -> Result<Arc<ReferenceSet>, StoreError> {
        let current = self.reference();
        match crate::reference::refresh(self.store.as_ref(), &current).await {
            Ok(None) => Ok(current),
            Ok(Some(set)) => Ok(self.install_reference(set)),
            Err(crate::reference::ImportError::Store(e)) => Err(e),
            Err(e) => {
                tracing::error!(error = %e, "stored reference data does not load; the set in force is kept");
                Ok(current)
            }
        }
    }

    /// Puts `set` in force unless a newer one already is (per kind); returns the set in force.
    fn install_reference(&self, set: ReferenceSet) -> Arc<ReferenceSet> {
        let mut slot = self.reference.write().unwrap_or_else(|e| e.into_inner());
        let newer = ReferenceKind::ALL
            .into_iter()
            .any(|k| set.version(k) > slot.version(k));
        let older = ReferenceKind::ALL
            .into_iter()
            .any(|k| set.version(k) < slot.version(k));
        if newer && !older {
            *slot = Arc::new(set);
        }
        slot.clone()
    }

    /// What push decides with: the reference set in force, the rules, the clock.
    pub fn push_env(&self) -> PushEnv {
        self.push_env_with(self.reference())
    }

    pub fn push_env_with(&self, reference: Arc<ReferenceSet>) -> PushEnv {
        PushEnv {
            reference,
            rules: self.config.push_rules,
            clock: self.clock.clone(),
        }
    }
}

/// The whole API as a router (tests drive it with `oneshot`, the server over TLS).
pub fn app(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for r in ROUTES {
        router = router.route(r.path, method_router(r, &state.config));
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), edge))
        .with_state(state)
}

fn method_router(r: &Route, config: &ServerConfig) -> MethodRouter<AppState> {
    match r.id {
        RouteId::Health => get(health),
        RouteId::Metrics => get(metrics),
        RouteId::OpenApi => get(openapi),
        RouteId::Login => post(login),
        RouteId::Logout => post(logout),
        RouteId::Me => get(me),
        RouteId::Push => post(push),
        RouteId::Pull => get(pull),
        RouteId::Refusals => get(refusals),
        RouteId::Notifications => get(notifications),
        RouteId::UploadChunk => {
            put(upload_chunk).layer(DefaultBodyLimit::max(config.max_chunk_bytes))
        }
        RouteId::UploadStatus => get(upload_status),
        RouteId::Download => get(download),
        RouteId::EvaluationStatistics => get(crate::evaluation_stats::get_statistics),
        RouteId::Statistics => get(crate::statistics::statistics),
        RouteId::Market => get(crate::sync_commission::get_market),
        RouteId::Reference => get(get_reference),
        RouteId::ReferenceImport => post(import_reference),
    }
}

async fn not_found() -> ApiFailure {
    ApiFailure::not_found()
}

async fn method_not_allowed() -> ApiFailure {
    ApiFailure::new(ErrorCode::NotFound, "该地址不支持此请求方法")
}

/// Every request passes here: the protocol-version check of `/api/v1`, counters, and one log
/// line with the route template (never the query, headers or body: they may carry tokens,
/// passwords or personal numbers).
async fn edge(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    Metrics::add(&s.metrics.requests, 1);
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = if req
        .uri()
        .path()
        .starts_with(permitdesk_protocol::API_PREFIX)
    {
        // Exactly one value, equal to ours: two headers could be read differently by proxies.
        let values: Vec<String> = req
            .headers()
            .get_all(PROTOCOL_HEADER)
            .iter()
            .map(|v| v.to_str().unwrap_or("(非文本)").to_owned())
            .collect();
        let found = (!values.is_empty()).then(|| values.join(","));
        if values.len() == 1 && found.as_deref() == Some(PROTOCOL_VERSION.to_string().as_str()) {
            next.run(req).await
        } else {
            ApiFailure(permitdesk_protocol::ApiError::protocol_version(
                found.as_deref(),
            ))
            .into_response()
        }
    } else {
        next.run(req).await
    };
    let status = response.status().as_u16();
    let counter = match status {
        200..=399 => &s.metrics.responses_2xx,
        400..=499 => &s.metrics.responses_4xx,
        _ => &s.metrics.responses_5xx,
    };
    Metrics::add(counter, 1);
    tracing::info!(target: "permitdesk::http", %method, route = %route, status, ms = start.elapsed().as_millis() as u64, "request");
    response
}

// ---------------------------------------------------------------------------------------------
// Extractors: every rejection is a typed ApiError, never axum's plain text.

/// JSON body; malformed JSON or wrong types give 400 `malformed_request`, a body over the
/// limit 413 `too_large`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiFailure::malformed(format!("请求内容不是有效的 JSON 或字段类型不符：{e}"))
        })
    }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiFailure> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiFailure::new(ErrorCode::TooLarge, "请求内容过大")
        } else {
            ApiFailure::malformed("无法读取请求内容")
        }
    })
}

/// Raw body bytes with the same typed rejections.
#[derive(Debug)]
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        body_bytes(req, state).await.map(ApiBytes)
    }
}

/// Query string; a missing or mistyped parameter gives 400 `malformed_request`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| ApiFailure::malformed(format!("查询参数无效：{}", e.body_text())))
    }
}

/// The `{sha256}` path parameter, checked to be 64 lower-case hex characters.
#[derive(Debug)]
pub struct Sha256Param(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Sha256Param {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(sha) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiFailure::malformed("路径参数无效"))?;
        if valid_sha256(&sha) {
            Ok(Sha256Param(sha))
        } else {
            Err(ApiFailure::invalid(
                "文件编号应为 64 位小写十六进制的 SHA-256",
            ))
        }
    }
}

/// The logged-in user of a bearer token.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: UserRecord,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(ApiFailure::unauthenticated)?;
        let hash = auth::token_hash(token);
        let now = s.clock.now();
        if let Some(user) = s.tokens.get(&hash, now) {
            return Ok(Authed {
                user,
                token_hash: hash,
            });
        }
        match s.store.token_user(&hash, now).await? {
            Some(user) => {
                s.tokens.put(&hash, &user, now);
                Ok(Authed {
                    user,
                    token_hash: hash,
                })
            }
            None => Err(ApiFailure::unauthenticated()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

async fn health(State(s): State<AppState>) -> Response {
    match s.store.max_server_seq().await {
        Ok(seq) => Json(serde_json::json!({
            "status": "ok",
            "backend": s.store.backend(),
            "protocol_version": PROTOCOL_VERSION,
            "server_seq": seq,
            "server_time": s.clock.now(),
        }))
        .into_response(),
        Err(e) => ApiFailure::from(e).into_response(),
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(),
    )
        .into_response()
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

async fn login(
    State(s): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiFailure> {
    let ip = peer.map(|Extension(PeerAddr(a))| a.ip());
    let now = s.clock.now();
    let name = req.user.trim().to_owned();
    if let Some(until) = s.limiter.blocked_until(&name, ip, now) {
        let minutes = (until - now).num_minutes().max(1);
        return Err(ApiFailure::new(
            ErrorCode::RateLimited,
            format!("登录失败次数过多，请在 {minutes} 分钟后重试"),
        ));
    }
    let user = if name.is_empty() || name.len() > 128 {
        None
    } else {
        s.store.user(&UserId::new(name.clone())).await?
    };
    let verified = match user {
        Some(u) if !u.disabled => {
            let (password, phc) = (req.password, u.password_hash.clone());
            let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
                .await
                .map_err(StoreError::from)?;
            ok.then_some(u)
        }
        _ => None,
    };
    let Some(user) = verified else {
        s.limiter.record_failure(&name, ip, now);
        Metrics::add(&s.metrics.logins_failed, 1);
        tracing::info!(target: "permitdesk::auth", "login failed");
        return Err(ApiFailure::new(
            ErrorCode::BadCredentials,
            "用户名或密码错误，或账号已停用",
        ));
    };
    s.limiter.record_success(&name, ip);
    let (token, hash) = auth::new_token().map_err(|_| ApiFailure::internal())?;
    let expires_at = now + s.config.token_ttl;
    s.store
        .insert_token(&hash, &user.id, now, expires_at)
        .await?;
    tracing::info!(target: "permitdesk::auth", user = %user.id, "login");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: user.info(),
        server_time: now,
    }))
}

async fn logout(State(s): State<AppState>, a: Authed) -> Result<StatusCode, ApiFailure> {
    s.store.revoke_token(&a.token_hash).await?;
    s.tokens.evict(&a.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

async fn me(a: Authed) -> Json<permitdesk_protocol::UserInfo> {
    Json(a.user.info())
}

fn valid_client_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic())
}

async fn push(
    State(s): State<AppState>,
    a: Authed,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiFailure> {
    if !valid_client_id(&req.client_id) {
        return Err(ApiFailure::invalid(
            "client_id 应为 1 至 128 个可见 ASCII 字符",
        ));
    }
    if req.commands.len() > s.config.max_batch {
        return Err(ApiFailure::new(
            ErrorCode::TooLarge,
            format!("一次最多上传 {} 条命令", s.config.max_batch),
        ));
    }
    if req.commands.iter().any(|c| c.mutation_id == 0) {
        return Err(ApiFailure::invalid("mutation_id 从 1 开始"));
    }
    let reference = s.refreshed_reference().await?;
    if !req.commands.is_empty() {
        stale_check(&reference, &req.reference)?;
    }
    let result = s
        .store
        .push(
            &s.push_env_with(reference),
            &a.user,
            &req.client_id,
            &req.commands,
        )
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
    Ok(Json(PushResponse {
        results: result.results,
        last_mutation_id: result.last_mutation_id,
        server_time: s.clock.now(),
    }))
}

/// Pull answers with the stored event JSON spliced in as is: the shape is exactly
/// [`permitdesk_protocol::PullResponse`], without decoding and re-encoding every event.
#[derive(serde::Serialize)]
struct RawPull<'a> {
    events: Vec<RawSyncEvent<'a>>,
    removals: &'a [permitdesk_protocol::EntityRef],
    cursor: u64,
    has_more: bool,
    last_mutation_id: u64,
    server_time: DateTime<Utc>,
}

#[derive(serde::Serialize)]
struct RawSyncEvent<'a> {
    server_seq: u64,
    received_at: DateTime<Utc>,
    event: &'a serde_json::value::RawValue,
}

pub const DEFAULT_PULL_LIMIT: u32 = 1000;
pub const MAX_PULL_LIMIT: u32 = 10_000;

async fn pull(
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
        None => format!("user:{}", a.user.id),
    };
    let limit = q
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let page = s.store.pull(&a.user, &client_id, q.after, limit).await?;
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

#[derive(Debug, Deserialize)]
struct RefusalsQuery {
    client_id: String,
    after: Option<u64>,
}

async fn refusals(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(q): ApiQuery<RefusalsQuery>,
) -> Result<Json<RefusalsResponse>, ApiFailure> {
    if !valid_client_id(&q.client_id) {
        return Err(ApiFailure::invalid(
            "client_id 应为 1 至 128 个可见 ASCII 字符",
        ));
    }
    let refusals = s
        .store
        .refusals(&q.client_id, &a.user.id, q.after.unwrap_or(0))
        .await?;
    Ok(Json(RefusalsResponse { refusals }))
}

/// The kinds a push is decided with: a client holding an older calendar, catalogue or market
/// than the server's is told to sync first (409 `stale_reference`), and nothing is applied.
const DECIDING_KINDS: [ReferenceKind; 3] = [
    ReferenceKind::Calendar,
    ReferenceKind::Catalogue,
    ReferenceKind::Market,
];

fn stale_check(
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
async fn get_reference(
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
async fn import_reference(
    State(s): State<AppState>,
    a: Authed,
    Path(kind): Path<String>,
    ApiJson(req): ApiJson<ReferenceImportRequest>,
) -> Result<Json<ReferenceImportReport>, ApiFailure> {
    let kind = ReferenceKind::parse(&kind).ok_or_else(|| {
        ApiFailure::new(
            ErrorCode::NotFound,
            format!("没有参考数据种类 {kind}：应为 calendar、catalogue、market 或 zones"),
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

#[derive(Debug, Deserialize)]
struct NotificationsQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

async fn notifications(
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
        if let (true, Some(entity)) = (visible, crate::store::sqlite::entity_ref(&r.entity_key)) {
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

#[derive(Debug, Deserialize)]
struct ChunkQuery {
    offset: u64,
    size: u64,
}

async fn upload_chunk(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<permitdesk_protocol::UploadStatus>, ApiFailure> {
    Metrics::add(&s.metrics.upload_bytes, body.len() as u64);
    let result = s
        .store
        .put_chunk(
            &sha,
            q.offset,
            q.size,
            &body,
            &a.user,
            s.config.upload,
            s.clock.now(),
        )
        .await?;
    result.map(Json).map_err(|e| {
        let code = match e {
            UploadError::TooLarge { .. } => ErrorCode::TooLarge,
            UploadError::SizeMismatch { .. } | UploadError::WrongOffset { .. } => {
                ErrorCode::Conflict
            }
            UploadError::BeyondEnd | UploadError::HashMismatch => ErrorCode::Invalid,
            UploadError::UnsupportedType => ErrorCode::UnsupportedType,
        };
        ApiFailure::new(code, e.to_string())
    })
}

fn attachment_not_found() -> ApiFailure {
    ApiFailure::new(ErrorCode::NotFound, "文件不存在或不在您的权限范围内")
}

async fn upload_status(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
) -> Result<Json<permitdesk_protocol::UploadStatus>, ApiFailure> {
    let info = s
        .store
        .attachment_info(&sha, &a.user)
        .await?
        .ok_or_else(attachment_not_found)?;
    let allowed = may_use_attachment(&a.user.viewer(), info.uploaded_by_user, &info.linked);
    match (info.stored, info.upload) {
        (Some(stored), _) if allowed => Ok(Json(stored)),
        (_, Some(upload)) => Ok(Json(upload)),
        _ => Err(attachment_not_found()),
    }
}

async fn download(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
) -> Result<Response, ApiFailure> {
    let info = s
        .store
        .attachment_info(&sha, &a.user)
        .await?
        .ok_or_else(attachment_not_found)?;
    let stored = info.stored.ok_or_else(attachment_not_found)?;
    if !may_use_attachment(&a.user.viewer(), info.uploaded_by_user, &info.linked) {
        return Err(attachment_not_found());
    }
    let content = s
        .store
        .attachment_content(&sha)
        .await?
        .ok_or_else(attachment_not_found)?;
    let mime = match stored.content_type.as_deref() {
        Some("pdf") => "application/pdf",
        Some("ofd") => "application/ofd",
        Some("jpeg") => "image/jpeg",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}

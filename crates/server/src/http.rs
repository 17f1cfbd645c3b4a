//! The HTTP API (axum): the router built from [`crate::openapi::ROUTES`] over the handlers of
//! [`crate::routes`], and the edge middleware (protocol version, request timeout, HSTS, counters, one log line).

use crate::config::ServerConfig;
use crate::error::ApiFailure;
use crate::metrics::Metrics;
use crate::openapi::{ROUTES, Route, RouteId};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use permitdesk_protocol::{ErrorCode, PROTOCOL_HEADER, PROTOCOL_VERSION};
use std::time::Instant;

use crate::routes::{accounts::*, attachments::*, reference::*, sync::*, system::*};

pub use crate::extract::{ApiBytes, ApiJson, ApiQuery, Authed, Sha256Param};
pub use crate::state::{AppState, CATALOGUE_SETTING, Inner, StartError};

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
        RouteId::Login => post(login).layer(body_limit(r.id, config)),
        RouteId::Logout => post(logout).layer(body_limit(r.id, config)),
        RouteId::Me => get(me),
        RouteId::Push => post(push).layer(body_limit(r.id, config)),
        RouteId::Pull => get(pull),
        RouteId::Refusals => get(refusals),
        RouteId::Notifications => get(notifications),
        RouteId::UploadChunk => put(upload_chunk).layer(body_limit(r.id, config)),
        RouteId::UploadStatus => get(upload_status),
        RouteId::Download => get(download),
        RouteId::EvaluationStatistics => get(crate::evaluation_stats::get_statistics),
        RouteId::Statistics => get(crate::statistics::statistics),
        RouteId::Market => get(crate::sync_commission::get_market),
        RouteId::Reference => get(get_reference),
        RouteId::ReferenceImport => post(import_reference).layer(body_limit(r.id, config)),
        RouteId::CertificateStatus => get(crate::routes::certificates::certificate_status),
        RouteId::CertificateFile => get(crate::routes::certificates::certificate_file),
        RouteId::VerifyPage => get(crate::routes::certificates::verify_page),
    }
}

/// The largest body each route reads; past it the answer is 413 `too_large` and the body
/// is not read further. Never more than `max_body_bytes`, the ceiling of every route:
///
/// | route | limit | why |
/// |---|---|---|
/// | `POST /api/v1/login` | [`LOGIN_BODY_BYTES`] 16 KiB | a name of 64 characters and a password of 256 fit many times |
/// | `POST /api/v1/logout` | [`EMPTY_BODY_BYTES`] 1 KiB | takes no body |
/// | `POST /api/v1/push` | `max_push_bytes` 4 MiB | a client pushes 200 commands at a time, each string bounded by the domain's limits (2,000 characters of free text): about 20 KiB a command |
/// | `PUT /api/v1/attachments/{sha256}` | `max_chunk_bytes` 8 MiB | one chunk of a resumable upload (the client sends 256 KiB) |
/// | `POST /api/v1/reference/{kind}` | `max_reference_bytes` 4 MiB | a holiday table is 5 KiB and the demo catalogue 76 KiB; a bigger file (a city's zoning) is imported on the server with `permitdesk admin … import` |
/// | every `GET` | `max_body_bytes` 8 MiB (never read) | the handlers take no body |
pub fn body_limit(route: RouteId, config: &ServerConfig) -> DefaultBodyLimit {
    let own = match route {
        RouteId::Login => LOGIN_BODY_BYTES,
        RouteId::Logout => EMPTY_BODY_BYTES,
        RouteId::Push => config.max_push_bytes,
        RouteId::UploadChunk => config.max_chunk_bytes,
        RouteId::ReferenceImport => config.max_reference_bytes,
        _ => config.max_body_bytes,
    };
    DefaultBodyLimit::max(own.min(config.max_body_bytes))
}

/// The body limit of a route that takes none.
pub const EMPTY_BODY_BYTES: usize = 1024;

async fn not_found() -> ApiFailure {
    ApiFailure::not_found()
}

async fn method_not_allowed() -> ApiFailure {
    ApiFailure::new(ErrorCode::MethodNotAllowed, "该地址不支持此请求方法")
}

/// The largest login body: a user name of 64 characters and a password of 256 fit many times.
pub const LOGIN_BODY_BYTES: usize = 16 * 1024;

/// `Strict-Transport-Security`: the server speaks HTTPS only, and a browser that once reached
/// it must never try plain HTTP (a year).
pub const HSTS: &str = "max-age=31536000";

/// The request (its body included: handlers read it) within the configured time; a client that
/// stalls while sending gets 408 and its connection is freed.
async fn within_time(s: &AppState, req: Request, next: Next) -> Response {
    match tokio::time::timeout(s.config.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiFailure::new(
            ErrorCode::RequestTimeout,
            "请求在规定时间内未传完，请检查网络后重试",
        )
        .into_response(),
    }
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
            within_time(&s, req, next).await
        } else {
            ApiFailure(permitdesk_protocol::ApiError::protocol_version(
                found.as_deref(),
            ))
            .into_response()
        }
    } else {
        within_time(&s, req, next).await
    };
    let mut response = response;
    response.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static(HSTS),
    );
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

//! `/api/health`, `/api/metrics` (市工改办 only), `/api/openapi.json`.

use crate::error::ApiFailure;
use crate::extract::Authed;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_protocol::{ErrorCode, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};

use crate::state::AppState;

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Health {
    /// Always `ok` (a failing store answers 500).
    pub status: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub protocol_version: u32,
    /// The highest server sequence number stored.
    pub server_seq: u64,
    pub server_time: DateTime<Utc>,
}

pub(crate) async fn health(State(s): State<AppState>) -> Response {
    match s.store.max_server_seq().await {
        Ok(seq) => Json(Health {
            status: "ok".to_owned(),
            backend: s.store.backend().to_owned(),
            protocol_version: PROTOCOL_VERSION,
            server_seq: seq,
            server_time: s.clock.now(),
        })
        .into_response(),
        Err(e) => ApiFailure::from(e).into_response(),
    }
}

/// The counters are for the reform office's monitoring (市工改办) only: they tell an outsider
/// how busy the server is and how many logins fail.
pub(crate) async fn metrics(State(s): State<AppState>, a: Authed) -> Response {
    if a.user.role != Role::ReformOffice {
        return ApiFailure::new(ErrorCode::Forbidden, "运行指标仅对市工改办开放").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(),
    )
        .into_response()
}

pub(crate) async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

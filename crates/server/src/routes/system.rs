//! `/api/health`, `/api/metrics`, `/api/openapi.json`.

use crate::error::ApiFailure;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use permitdesk_protocol::PROTOCOL_VERSION;

use crate::state::AppState;

pub(crate) async fn health(State(s): State<AppState>) -> Response {
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

pub(crate) async fn metrics(State(s): State<AppState>) -> Response {
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

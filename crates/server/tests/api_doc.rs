//! The router in-process (`app(state)` with `oneshot`, no socket): the OpenAPI document lists
//! every route the router serves; health answers without a token, metrics only to the reform
//! office.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use permitdesk_protocol::{ApiError, PROTOCOL_HEADER, paths};
use permitdesk_server::clock::SystemClock;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::openapi::{ROUTES, document};
use permitdesk_server::testing::{Backend, TestDatabase};
use permitdesk_server::{AppState, app};
use std::sync::Arc;
use tower::ServiceExt;

async fn state() -> (TestDatabase, AppState) {
    let db = TestDatabase::create(&Backend::Sqlite).await.unwrap();
    let state = AppState::new(
        db.store.clone(),
        ServerConfig::default(),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    (db, state)
}

async fn call(state: &AppState, method: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(PROTOCOL_HEADER, "1")
        .body(Body::empty())
        .unwrap();
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    (
        status,
        axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
}

#[tokio::test]
async fn every_route_of_the_router_is_in_the_openapi_document_and_answers() {
    let (_db, state) = state().await;
    let (status, body) = call(&state, "GET", paths::OPENAPI).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc, document());
    assert_eq!(doc["openapi"], "3.0.3");
    let (_, fallback) = call(&state, "GET", "/api/v1/no-such-route").await;
    let fallback: ApiError = serde_json::from_slice(&fallback).unwrap();
    for r in ROUTES {
        assert!(
            doc["paths"][r.path][r.method].is_object(),
            "{} {} missing from the document",
            r.method,
            r.path
        );
        let concrete = r.path.replace("{sha256}", &"a".repeat(64));
        let (status, body) = call(&state, &r.method.to_uppercase(), &concrete).await;
        let answered_by_fallback =
            serde_json::from_slice::<ApiError>(&body).is_ok_and(|e| e == fallback);
        assert!(
            !answered_by_fallback,
            "{} {} is not routed ({status})",
            r.method, r.path
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "the document has no route the router lacks"
    );
}

#[tokio::test]
async fn health_needs_no_token_and_metrics_count_requests_for_the_reform_office() {
    let (_db, state) = state().await;
    let (status, body) = call(&state, "GET", paths::HEALTH).await;
    assert_eq!(status, StatusCode::OK);
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (health["status"].as_str(), health["backend"].as_str()),
        (Some("ok"), Some("sqlite"))
    );
    let (status, _) = call(&state, "POST", paths::PUSH).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&state, "GET", paths::METRICS).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The reform office's token reads them.
    let now = chrono::Utc::now();
    let reform = permitdesk_server::store::UserRecord {
        id: permitdesk_domain::ids::UserId::new("reform"),
        name: "市工改办".into(),
        role: permitdesk_domain::actor::Role::ReformOffice,
        department: None,
        organisation: None,
        password_hash: String::new(),
        disabled: false,
        levels: vec![],
    };
    state.store.create_user(&reform, now).await.unwrap();
    let (token, hash) = permitdesk_server::auth::new_token().unwrap();
    state
        .store
        .insert_token(&hash, &reform.id, now, now + chrono::Duration::hours(1))
        .await
        .unwrap();
    let req = Request::builder()
        .method("GET")
        .uri(paths::METRICS)
        .header(PROTOCOL_HEADER, "1")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap()
        .to_vec();
    let text = String::from_utf8(body).unwrap();
    for name in [
        "permitdesk_http_requests_total 4",
        "permitdesk_http_responses_4xx_total 2",
        "permitdesk_push_commands_total 0",
        "permitdesk_push_refusals_total 0",
    ] {
        assert!(text.contains(name), "{name} in\n{text}");
    }
}

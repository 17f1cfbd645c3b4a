//! The router in-process (`app(state)` with `oneshot`, no socket): the OpenAPI document lists
//! every route the router serves, with schemas generated from the wire types (every body and
//! JSON answer has one, every `$ref` resolves, every example validates, every query parameter
//! is typed, every status a route may answer is listed with its error codes); health answers
//! without a token, metrics only to the reform office. The same document drives the fuzzer
//! (`scripts/fuzz.sh`) against a real server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use permitdesk_protocol::{ApiError, ErrorCode, PROTOCOL_HEADER, paths};
use permitdesk_server::clock::SystemClock;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::openapi::{self, Answer, ROUTES, document, error_statuses};
use permitdesk_server::testing::{Backend, TestDatabase};
use permitdesk_server::{AppState, app};
use serde_json::{Value, json};
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

/// The reform office's user (市工改办: every route is open to it).
async fn reform_user(state: &AppState) {
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
    state
        .store
        .create_user(&reform, chrono::Utc::now())
        .await
        .unwrap();
}

/// A fresh bearer token of [`reform_user`].
async fn reform_token(state: &AppState) -> String {
    let now = chrono::Utc::now();
    let (token, hash) = permitdesk_server::auth::new_token().unwrap();
    state
        .store
        .insert_token(
            &hash,
            &permitdesk_domain::ids::UserId::new("reform"),
            now,
            now + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    token
}

#[tokio::test]
async fn every_route_of_the_router_is_in_the_openapi_document_and_answers() {
    let (_db, state) = state().await;
    let (status, body) = call(&state, "GET", paths::OPENAPI).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc, document());
    assert_eq!(doc["openapi"], "3.1.0");
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

/// Every failure is an `ApiError` in JSON, whatever the method and however broken the path
/// (a parameter that is not UTF-8 once decoded included): the document promises nothing else,
/// except the verification page's documented Chinese 404 page.
#[tokio::test]
async fn every_failure_of_every_route_is_a_json_api_error() {
    let (_db, state) = state().await;
    reform_user(&state).await;
    for r in ROUTES {
        for param in ["%FF", "%00", "a", "calendar"] {
            let path = r
                .path
                .replace("{sha256}", param)
                .replace("{kind}", param)
                .replace("{number}", param);
            for method in ["GET", "POST", "PUT", "DELETE"] {
                // A token of its own: a logout revokes it.
                let token = reform_token(&state).await;
                let req = Request::builder()
                    .method(method)
                    .uri(&path)
                    .header(PROTOCOL_HEADER, "1")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap();
                let resp = app(state.clone()).oneshot(req).await.unwrap();
                let status = resp.status();
                let content_type = resp.headers().get("content-type").cloned();
                let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                    .await
                    .unwrap();
                if status.is_success() {
                    continue;
                }
                // The one documented exception: a page for people (the e-certificate
                // verification page) says "not found" as a Chinese page.
                if matches!(r.answer, Answer::Html) && method == "GET" && status == 404 {
                    let ct = content_type.as_ref().and_then(|v| v.to_str().ok());
                    assert_eq!(ct, Some("text/html; charset=utf-8"), "{method} {path}");
                    assert!(String::from_utf8_lossy(&body).contains("未查到"), "{path}");
                    continue;
                }
                assert_eq!(
                    content_type.as_ref().and_then(|v| v.to_str().ok()),
                    Some("application/json"),
                    "{method} {path}: {status}"
                );
                let e: ApiError = serde_json::from_slice(&body)
                    .unwrap_or_else(|_| panic!("{method} {path}: {status} is no ApiError"));
                assert_eq!(e.code.http_status(), status.as_u16(), "{method} {path}");
            }
        }
    }
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
    reform_user(&state).await;
    let token = reform_token(&state).await;
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

/// `#/a/b~1c` of the document.
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("{reference} is not local"));
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("{reference} does not resolve"))
}

fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `~` and `/` escaped for a JSON pointer.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A validator of the schema at `pointer` of the document (its `$ref`s resolve inside it).
fn validator_at(doc: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    // A URI fragment: braces percent-encoded.
    let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
    root["$ref"] = json!(format!("#{fragment}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"))
}

fn check_example(doc: &Value, media_pointer: &str) {
    let Some(example) = doc.pointer(&format!("{media_pointer}/example")) else {
        return;
    };
    let validator = validator_at(doc, &format!("{media_pointer}/schema"));
    let errors: Vec<String> = validator
        .iter_errors(example)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the example at {media_pointer} breaks its schema: {errors:#?}"
    );
}

#[test]
fn the_document_is_generated_from_the_wire_types_and_its_examples_conform() {
    let doc = document();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50, "schemas are referenced, not repeated");
    for r in &refs {
        resolve(&doc, r);
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "LoginRequest",
        "LoginResponse",
        "PushRequest",
        "PushResponse",
        "CommandEnvelope",
        "DomainCommand",
        "CaseCommand",
        "ProjectCommand",
        "PullResponse",
        "DomainEvent",
        "Refusal",
        "UploadStatus",
        "ApiError",
        "ErrorCode",
        "ReferenceImportRequest",
        "ReferenceResponse",
        "MarketResponse",
        "TableRows",
        "MonthlyReport",
        "QuarterlySummary",
    ] {
        assert!(schemas.contains_key(name), "{name} has no schema");
    }
    // Every schema is itself valid JSON Schema 2020-12.
    for (name, schema) in schemas {
        let mut schema = schema.clone();
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        assert!(
            jsonschema::meta::is_valid(&schema),
            "{name} is not a valid schema"
        );
    }
    // The serde shape is what the schema says: tags, renames and flattening included.
    let request = validator_at(&doc, "/components/schemas/PushRequest");
    let wrong_tag = json!({"client_id": "pc-1", "commands": [{"mutation_id": 1,
        "command": {"entity": "case", "case": "C-1", "command": {"command": "no_such_command"}},
        "acted_at": "2026-03-02T01:30:00Z", "opinion": null, "attachments": [], "base_version": 0}]});
    assert!(
        !request.is_valid(&wrong_tag),
        "an unknown command is not a PushRequest"
    );
    let results = validator_at(&doc, "/components/schemas/CommandResult");
    assert!(results.is_valid(&json!({"mutation_id": 3, "outcome": "duplicate"})));
    assert!(!results.is_valid(&json!({"mutation_id": 3, "outcome": "lost"})));

    for r in ROUTES {
        let op_pointer = format!("/paths/{}/{}", escape(r.path), r.method);
        let op = &doc.pointer(&op_pointer).unwrap();
        let content = |status: &str| op["responses"][status]["content"].as_object().cloned();
        match r.body {
            openapi::Body::None => assert!(op.get("requestBody").is_none(), "{op_pointer}"),
            openapi::Body::Json(_) => {
                let media = &op["requestBody"]["content"]["application/json"];
                assert!(
                    media["schema"].is_object(),
                    "{op_pointer} has no request schema"
                );
                assert!(
                    media["example"].is_object(),
                    "{op_pointer} has no request example"
                );
                check_example(
                    &doc,
                    &format!("{op_pointer}/requestBody/content/application~1json"),
                );
            }
            openapi::Body::Bytes => assert!(
                op["requestBody"]["content"]["application/octet-stream"].is_object(),
                "{op_pointer}"
            ),
        }
        match r.answer {
            Answer::Json(_) => {
                let media = &op["responses"]["200"]["content"]["application/json"];
                assert!(
                    media["schema"].is_object(),
                    "{op_pointer} has no answer schema"
                );
                check_example(
                    &doc,
                    &format!("{op_pointer}/responses/200/content/application~1json"),
                );
            }
            Answer::NoContent => {
                assert!(op["responses"]["204"].is_object() && content("204").is_none())
            }
            Answer::Text => assert!(content("200").unwrap().contains_key("text/plain")),
            Answer::File => {
                let types = content("200").unwrap();
                for t in ["application/octet-stream", "application/pdf", "image/png"] {
                    assert!(types.contains_key(t), "{op_pointer} does not list {t}");
                }
            }
            // A page for people (the e-certificate verification page): HTML, its 404 too.
            Answer::Html => {
                assert!(
                    content("200").unwrap().contains_key("text/html"),
                    "{op_pointer}"
                );
                assert!(
                    content("404").unwrap().contains_key("text/html"),
                    "{op_pointer}"
                );
            }
            Answer::Statistics => {
                let types = content("200").unwrap();
                for t in [
                    "application/json",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "text/csv",
                    "application/pdf",
                ] {
                    assert!(types.contains_key(t), "{op_pointer} does not list {t}");
                }
            }
        }
        // Every failure it may answer, each with the error codes of that status.
        for status in error_statuses(r) {
            let response = &op["responses"][status.to_string()];
            let response = resolve(&doc, response["$ref"].as_str().unwrap());
            let codes =
                response["content"]["application/json"]["schema"]["properties"]["code"]["enum"]
                    .as_array()
                    .unwrap();
            assert!(
                !codes.is_empty(),
                "{op_pointer} {status} names no error code"
            );
            for code in codes {
                let code: ErrorCode = serde_json::from_value(code.clone()).unwrap();
                assert_eq!(code.http_status(), status);
            }
        }
        assert!(error_statuses(r).contains(&500) && error_statuses(r).contains(&408));
        if r.auth {
            assert!(error_statuses(r).contains(&401), "{op_pointer}");
        }
        // Query parameters: one per field of the handler's query type, each typed and described.
        let params = op["parameters"].as_array().unwrap();
        for (i, p) in params.iter().enumerate() {
            if let Some(example) = p.get("example") {
                let validator = validator_at(&doc, &format!("{op_pointer}/parameters/{i}/schema"));
                assert!(validator.is_valid(example), "{op_pointer} {}", p["name"]);
            }
        }
        let query: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
        assert_eq!(query.len(), r.params.len(), "{op_pointer}: {query:#?}");
        for (name, _) in r.params {
            let p = query
                .iter()
                .find(|p| p["name"] == *name)
                .unwrap_or_else(|| panic!("{op_pointer}: no query parameter {name}"));
            assert!(!p["description"].as_str().unwrap().is_empty());
            let schema = &p["schema"];
            assert!(
                schema["type"].is_string() || schema["$ref"].is_string(),
                "{op_pointer} {name}: {schema}"
            );
            if schema["type"] == "integer" {
                // Unsigned: a minimum of at least 0 (more where the parameter says so).
                assert!(
                    schema["minimum"].as_u64().is_some(),
                    "{op_pointer} {name}: {schema}"
                );
            }
        }
    }
    let param = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(param(paths::PULL, "after")["required"], true);
    assert_eq!(param(paths::PULL, "after")["schema"]["type"], "integer");
    assert_eq!(param(paths::PULL, "limit")["required"], false);
    assert_eq!(param(paths::STATISTICS, "from")["schema"]["format"], "date");
    let report = resolve(
        &doc,
        param(paths::STATISTICS, "report")["schema"]["$ref"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(
        report["enum"],
        json!([
            "table1",
            "table2",
            "table3",
            "table4",
            "monthly",
            "quarterly"
        ])
    );
}

/// The request examples are what the server takes: a push of the example is answered 200 (the
/// command refused: there is no such case), a dry-run import of the example reports what it
/// would change; each answer conforms to its schema.
#[tokio::test]
async fn the_request_examples_are_answered_as_documented() {
    let (_db, state) = state().await;
    reform_user(&state).await;
    let doc = document();
    for r in ROUTES {
        let openapi::Body::Json(_) = r.body else {
            continue;
        };
        if r.id == openapi::RouteId::Login {
            continue; // no such user here: 401, as documented
        }
        let (Some(example), _) = openapi::examples(r.id) else {
            panic!("{} {} has no request example", r.method, r.path);
        };
        let path = r.path.replace("{kind}", "calendar");
        let token = reform_token(&state).await;
        let req = Request::builder()
            .method(r.method.to_uppercase().as_str())
            .uri(&path)
            .header(PROTOCOL_HEADER, "1")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(example.to_string()))
            .unwrap();
        let resp = app(state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let answer: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        let pointer = format!(
            "/paths/{}/{}/responses/200/content/application~1json/schema",
            escape(r.path),
            r.method
        );
        let validator = validator_at(&doc, &pointer);
        assert!(validator.is_valid(&answer), "{path}: {answer}");
    }
}

//! Bad input against the running server: each is a clear 4xx with a typed error body, the
//! state is unchanged, and the server goes on serving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_protocol::{
    ApiError, CommandOutcome, ErrorCode, PROTOCOL_HEADER, PushRequest, Refusal, paths,
};
use permitdesk_server::clock::{Clock, ManualClock};
use permitdesk_server::config::ServerConfig;
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{ApiClient, Backend, DEMO_PASSWORD, TestOptions, TestServer};
use reqwest::Method;
use std::sync::Arc;

#[path = "common/shared.rs"]
mod shared;
use shared::register_online;

async fn expect_error(
    c: &ApiClient,
    rb: reqwest::RequestBuilder,
    status: u16,
    code: ErrorCode,
    what: &str,
) -> ApiError {
    let (got, body) = c.raw(rb).await.unwrap();
    let err: ApiError = serde_json::from_slice(&body).unwrap_or_else(|_| {
        panic!(
            "{what}: not a typed body: {}",
            String::from_utf8_lossy(&body)
        )
    });
    assert_eq!((got, err.code), (status, code), "{what}: {}", err.message);
    assert!(!err.message.is_empty());
    err
}

#[tokio::test]
async fn every_kind_of_bad_input_gets_a_typed_4xx_and_changes_nothing() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let options = TestOptions {
        clock: clock.clone(),
        config: ServerConfig {
            max_body_bytes: 64 * 1024,
            max_chunk_bytes: 32 * 1024,
            ..TestOptions::default().config
        },
        ..TestOptions::default()
    };
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let store = server.state.store.clone();
    let c = server.login("applicant").await.unwrap();
    let now = clock.now();
    let details = project_details("坏输入项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    let good = register_online(1, "P-1", details, now);
    let r = c
        .push(&PushRequest {
            reference: Default::default(),
            client_id: "pc".into(),
            commands: vec![good.clone()],
        })
        .await
        .unwrap();
    assert!(matches!(
        r.results[0].outcome,
        CommandOutcome::Applied { .. }
    ));
    let seq = store.max_server_seq().await.unwrap();

    let push = || {
        c.request(Method::POST, paths::PUSH)
            .header("content-type", "application/json")
    };
    expect_error(
        &c,
        push().body("{\"client_id\": \"pc\", \"commands\": ["),
        400,
        ErrorCode::MalformedRequest,
        "truncated JSON",
    )
    .await;
    expect_error(
        &c,
        push().body("not json at all"),
        400,
        ErrorCode::MalformedRequest,
        "not JSON",
    )
    .await;
    expect_error(
        &c,
        push().body(r#"{"client_id": 5, "commands": []}"#),
        400,
        ErrorCode::MalformedRequest,
        "wrong type",
    )
    .await;
    expect_error(
        &c,
        push().body(r#"{"client_id": "pc", "commands": [{"mutation_id": "two"}]}"#),
        400,
        ErrorCode::MalformedRequest,
        "wrong field type",
    )
    .await;
    let huge = format!(
        "{{\"client_id\": \"pc\", \"commands\": [], \"pad\": \"{}\"}}",
        "x".repeat(200 * 1024)
    );
    expect_error(&c, push().body(huge), 413, ErrorCode::TooLarge, "huge body").await;
    expect_error(
        &c,
        push().body(r#"{"client_id": "", "commands": []}"#),
        422,
        ErrorCode::Invalid,
        "empty client id",
    )
    .await;
    expect_error(&c, push().body(r#"{"client_id": "pc", "commands": [{"mutation_id": 0, "command": {"entity": "project", "project": "P", "command": {"type": "submit"}}, "acted_at": "2026-01-01T00:00:00Z", "opinion": null, "attachments": [], "base_version": 0}]}"#), 422, ErrorCode::Invalid, "mutation id 0").await;
    // 2^63 would be stored negative and processed again on a retry: refused as a whole.
    expect_error(&c, push().body(r#"{"client_id": "pc", "commands": [{"mutation_id": 9223372036854775808, "command": {"entity": "project", "project": "P", "command": {"type": "submit"}}, "acted_at": "2026-01-01T00:00:00Z", "opinion": null, "attachments": [], "base_version": 0}]}"#), 422, ErrorCode::Invalid, "mutation id 2^63").await;
    // An opinion of 2,001 characters is refused; nothing is applied.
    let long = serde_json::json!({"client_id": "pc", "commands": [{"mutation_id": 9, "command": {"entity": "project", "project": "P-1", "command": {"type": "submit"}}, "acted_at": now, "opinion": "意".repeat(2001), "attachments": [], "base_version": 0}]});
    let e = expect_error(
        &c,
        push().body(long.to_string()),
        422,
        ErrorCode::Invalid,
        "long opinion",
    )
    .await;
    assert!(e.message.contains("2000"), "{}", e.message);

    // Forged ids, a replay, a stale action: refused per command with a reason, nothing applied.
    let forged = envelope(2, case_cmd("../../etc/passwd", CaseCommand::Receive), now);
    let replay = good.clone();
    let stale = envelope(
        3,
        project_cmd("P-1", ProjectCommand::Submit),
        now - Duration::days(30),
    );
    let other_org = envelope(
        4,
        case_cmd("C-x", create_case("P-1", other_builder_org().unwrap())),
        now,
    );
    let r = c
        .push(&PushRequest {
            reference: Default::default(),
            client_id: "pc".into(),
            commands: vec![forged, replay, stale, other_org],
        })
        .await
        .unwrap();
    assert!(
        matches!(
            r.results[0].outcome,
            CommandOutcome::Refused {
                refusal: Refusal::Invalid { .. }
            }
        ),
        "{r:?}"
    );
    assert_eq!(r.results[1].outcome, CommandOutcome::Duplicate);
    assert!(
        matches!(
            r.results[2].outcome,
            CommandOutcome::Refused {
                refusal: Refusal::Expired { .. }
            }
        ),
        "{r:?}"
    );
    assert!(
        matches!(
            r.results[3].outcome,
            CommandOutcome::Refused {
                refusal: Refusal::Forbidden { .. }
            }
        ),
        "{r:?}"
    );

    // Protocol version: missing or different -> 426 "please update".
    let no_header = c
        .http
        .get(format!("{}{}", c.base_url, paths::ME))
        .bearer_auth(c.token.clone().unwrap());
    expect_error(
        &c,
        no_header,
        426,
        ErrorCode::ProtocolVersion,
        "no protocol header",
    )
    .await;
    let old = c
        .http
        .get(format!("{}{}", c.base_url, paths::ME))
        .bearer_auth(c.token.clone().unwrap())
        .header(PROTOCOL_HEADER, "0");
    let e = expect_error(&c, old, 426, ErrorCode::ProtocolVersion, "old protocol").await;
    assert!(e.message.contains("请更新"));
    let twice = c
        .request(Method::GET, paths::ME)
        .header(PROTOCOL_HEADER, "1");
    expect_error(
        &c,
        twice,
        426,
        ErrorCode::ProtocolVersion,
        "the header twice",
    )
    .await;

    // Tokens: none, garbage, revoked, expired.
    let anon = server.client().unwrap();
    expect_error(
        &anon,
        anon.request(Method::GET, paths::ME),
        401,
        ErrorCode::Unauthenticated,
        "no token",
    )
    .await;
    expect_error(
        &anon,
        anon.request(Method::GET, paths::ME).bearer_auth("deadbeef"),
        401,
        ErrorCode::Unauthenticated,
        "garbage token",
    )
    .await;
    let short = server.login("window").await.unwrap();
    let (st, _) = short
        .raw(short.request(Method::POST, paths::LOGOUT))
        .await
        .unwrap();
    assert_eq!(st, 204);
    expect_error(
        &short,
        short.request(Method::GET, paths::ME),
        401,
        ErrorCode::Unauthenticated,
        "revoked token",
    )
    .await;
    clock.advance(Duration::hours(13));
    expect_error(
        &c,
        c.request(Method::GET, paths::ME),
        401,
        ErrorCode::Unauthenticated,
        "expired token",
    )
    .await;
    let mut c = c;
    c.login("applicant", DEMO_PASSWORD).await.unwrap();

    // Queries and paths.
    expect_error(
        &c,
        c.request(Method::GET, &format!("{}?after=abc", paths::PULL)),
        400,
        ErrorCode::MalformedRequest,
        "bad cursor",
    )
    .await;
    expect_error(
        &c,
        c.request(Method::GET, paths::PULL),
        400,
        ErrorCode::MalformedRequest,
        "missing cursor",
    )
    .await;
    expect_error(
        &c,
        c.request(Method::GET, &format!("{}/not-a-hash", paths::ATTACHMENTS)),
        422,
        ErrorCode::Invalid,
        "bad hash",
    )
    .await;
    let sha = "a".repeat(64);
    expect_error(
        &c,
        c.request(Method::GET, &format!("{}/{sha}", paths::ATTACHMENTS)),
        404,
        ErrorCode::NotFound,
        "unknown file",
    )
    .await;
    let big_chunk = vec![0u8; 40 * 1024];
    expect_error(
        &c,
        c.request(
            Method::PUT,
            &format!("{}/{sha}?offset=0&size=50000", paths::ATTACHMENTS),
        )
        .body(big_chunk),
        413,
        ErrorCode::TooLarge,
        "chunk over the limit",
    )
    .await;
    expect_error(
        &c,
        c.request(
            Method::PUT,
            &format!("{}/{sha}?offset=0", paths::ATTACHMENTS),
        )
        .body(vec![1u8]),
        400,
        ErrorCode::MalformedRequest,
        "chunk without size",
    )
    .await;
    let exe = b"MZ\x90\x00 executable".to_vec();
    let exe_sha = permitdesk_server::attachments::sha256_hex(&exe);
    expect_error(
        &c,
        c.request(
            Method::PUT,
            &format!(
                "{}/{exe_sha}?offset=0&size={}",
                paths::ATTACHMENTS,
                exe.len()
            ),
        )
        .body(exe),
        415,
        ErrorCode::UnsupportedType,
        "executable",
    )
    .await;
    expect_error(
        &c,
        c.request(
            Method::PUT,
            &format!("{}/{sha}?offset=5&size=10", paths::ATTACHMENTS),
        )
        .body(vec![1u8]),
        409,
        ErrorCode::Conflict,
        "wrong offset",
    )
    .await;
    expect_error(
        &c,
        c.request(Method::GET, "/api/v1/nothing-here"),
        404,
        ErrorCode::NotFound,
        "unknown route",
    )
    .await;
    expect_error(
        &c,
        c.request(Method::DELETE, paths::PUSH),
        405,
        ErrorCode::MethodNotAllowed,
        "wrong method",
    )
    .await;

    // Logins: wrong password, unknown user, then the rate limit.
    let mut anon = server.client().unwrap();
    for i in 0..5 {
        match anon.login("applicant2", "wrong password").await {
            Err(permitdesk_server::testing::ApiCallError::Api { status: 401, error }) => {
                assert_eq!(error.code, ErrorCode::BadCredentials)
            }
            other => panic!("attempt {i}: {other:?}"),
        }
    }
    match anon.login("applicant2", DEMO_PASSWORD).await {
        Err(permitdesk_server::testing::ApiCallError::Api { status: 429, error }) => {
            assert_eq!(error.code, ErrorCode::RateLimited)
        }
        other => panic!("{other:?}"),
    }
    match anon.login("nobody", DEMO_PASSWORD).await {
        Err(permitdesk_server::testing::ApiCallError::Api { status: 401, .. }) => {}
        other => panic!("{other:?}"),
    }

    // Nothing changed, and the server still serves.
    assert_eq!(store.max_server_seq().await.unwrap(), seq);
    let (st, body) = c
        .raw(c.http.get(format!("{}{}", c.base_url, paths::HEALTH)))
        .await
        .unwrap();
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    assert!(c.pull(0, None, Some("pc")).await.unwrap().events.len() == 1);
}

#[tokio::test]
async fn only_https_is_served_and_tls_1_2_still_works() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let addr = server.base_url.trim_start_matches("https://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tcp.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tcp.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "the server closes a plain-HTTP connection");
    assert!(
        !buf.starts_with(b"HTTP/"),
        "no plain HTTP answer: {:?}",
        String::from_utf8_lossy(&buf)
    );

    let tls12 = permitdesk_server::testing::pinned_client_config(
        &server.fingerprint,
        &[&rustls::version::TLS12],
    )
    .unwrap();
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(tls12)
        .build()
        .unwrap();
    let resp = http
        .get(format!("{}{}", server.base_url, paths::HEALTH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // A wrong pin is refused by the client.
    let wrong = ApiClient::new(&server.base_url, &"0".repeat(64)).unwrap();
    assert!(
        wrong
            .http
            .get(format!("{}{}", server.base_url, paths::HEALTH))
            .send()
            .await
            .is_err()
    );
}

//! The server against careless and hostile clients, over real TLS: oversized user names, a
//! spray of names from one address, the metrics behind the reform office's role, HSTS, 405
//! for a wrong method, and connections that stall (before the handshake, after it, halfway
//! through the headers) while honest requests still answer. Each attack sits beside the honest
//! request it must not disturb.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_protocol::{ApiError, ErrorCode, LoginRequest, paths};
use permitdesk_server::testing::{
    ApiClient, Backend, DEMO_PASSWORD, TestOptions, TestServer, pinned_client_config,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn error_of(body: &[u8]) -> ApiError {
    serde_json::from_slice(body).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(body)))
}

async fn login_raw(c: &ApiClient, user: &str, password: &str) -> (u16, Vec<u8>) {
    let body = LoginRequest {
        user: user.to_owned(),
        password: password.to_owned(),
        client_id: None,
    };
    c.raw(c.request(reqwest::Method::POST, paths::LOGIN).json(&body))
        .await
        .unwrap()
}

#[tokio::test]
async fn oversized_names_are_refused_before_any_work_and_the_limiter_keeps_nothing_of_them() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let c = server.client().unwrap();
    // A 7 MB name: refused by the login route's body limit.
    let (status, _) = login_raw(&c, &"x".repeat(7 * 1024 * 1024), "whatever1").await;
    assert_eq!(status, 413);
    // 65 characters: refused as too long, not counted as a failed login.
    let (status, body) = login_raw(&c, &"名".repeat(65), "whatever1").await;
    assert_eq!(status, 422);
    assert!(error_of(&body).message.contains("64"), "{body:?}");
    assert_eq!(server.state.store.login_failure_rows().await.unwrap(), 0);
    // The honest user beside it logs in.
    let (status, _) = login_raw(&c, "applicant", DEMO_PASSWORD).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_spraying_many_names_is_stopped_and_other_addresses_are_not() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let c = server.client().unwrap();
    let budget = server.state.limiter.max_per_address;
    for i in 0..budget {
        let (status, _) = login_raw(&c, &format!("guess{i}"), "wrong-password").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    // A name never tried, even a real one with its right password, waits now from this address.
    let (status, body) = login_raw(&c, "window", DEMO_PASSWORD).await;
    assert_eq!(status, 429);
    assert_eq!(error_of(&body).code, ErrorCode::RateLimited);
    // Another address (the limiter's own view of one) is not affected.
    let now = server.state.clock.now();
    let other = Some("192.0.2.7".parse().unwrap());
    assert_eq!(
        server
            .state
            .limiter
            .blocked(server.state.store.as_ref(), "window", other, now)
            .await
            .unwrap(),
        None
    );
}

/// Two server processes on one database (PostgreSQL, or the same SQLite file): failed logins
/// spread over both lock the name out on both, the counts live in the database, and the
/// housekeeping pass deletes them once their window has passed.
#[tokio::test]
async fn failed_logins_spread_over_two_servers_lock_the_name_out_on_both() {
    let a = TestServer::start(Backend::from_env()).await.unwrap();
    let b = TestServer::start_on(
        a.db.clone(),
        TestOptions {
            seed: false,
            ..TestOptions::default()
        },
    )
    .await
    .unwrap();
    let (ca, cb) = (a.client().unwrap(), b.client().unwrap());
    let max = a.state.limiter.max_failures;
    assert_eq!(max, 5);
    // Three wrong passwords on one server, two on the other: five in all.
    for i in 0..max {
        let c = if i % 2 == 0 { &ca } else { &cb };
        let (status, _) = login_raw(c, "window", "wrong-password").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    // Now even the right password waits, on either server.
    for (which, c) in [("a", &ca), ("b", &cb)] {
        let (status, body) = login_raw(c, "window", DEMO_PASSWORD).await;
        assert_eq!(status, 429, "server {which}");
        let e = error_of(&body);
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert!(e.message.contains("分钟后重试"), "{}", e.message);
    }
    // The honest user beside it (same address, another name) logs in on both.
    for c in [&ca, &cb] {
        let (status, _) = login_raw(c, "applicant", DEMO_PASSWORD).await;
        assert_eq!(status, 200);
    }
    // One row for (window, address) and one for the address: nothing per attempt.
    assert_eq!(a.state.store.login_failure_rows().await.unwrap(), 2);
    // Past the window, the housekeeping pass of either server deletes them.
    let later = a.state.clock.now() + a.state.limiter.window + chrono::Duration::seconds(1);
    let deleted = b
        .state
        .store
        .expire_login_failures(later, b.state.limiter.window, 50_000)
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    assert_eq!(a.state.store.login_failure_rows().await.unwrap(), 0);
    let (status, _) = login_raw(&cb, "window", DEMO_PASSWORD).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn metrics_are_for_the_reform_office_and_every_answer_carries_hsts() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let anonymous = server.client().unwrap();
    let resp = anonymous
        .request(reqwest::Method::GET, paths::METRICS)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(
        resp.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let applicant = server.login("applicant").await.unwrap();
    let (status, body) = applicant
        .raw(applicant.request(reqwest::Method::GET, paths::METRICS))
        .await
        .unwrap();
    assert_eq!(status, 403);
    assert!(error_of(&body).message.contains("市工改办"));
    let reform = server.login("reform").await.unwrap();
    let (status, body) = reform
        .raw(reform.request(reqwest::Method::GET, paths::METRICS))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("permitdesk_http_requests_total")
    );
}

#[tokio::test]
async fn a_wrong_method_is_405_not_404() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let c = server.client().unwrap();
    let (status, body) = c
        .raw(c.request(reqwest::Method::DELETE, paths::LOGIN))
        .await
        .unwrap();
    assert_eq!(status, 405);
    assert_eq!(error_of(&body).code, ErrorCode::MethodNotAllowed);
    let (status, _) = c
        .raw(c.request(reqwest::Method::GET, "/api/v1/nowhere"))
        .await
        .unwrap();
    assert_eq!(status, 404);
}

/// A TLS connection to the server (its key pinned) that has sent nothing yet.
async fn tls_connect(
    server: &TestServer,
    addr: &str,
) -> tokio_rustls::client::TlsStream<TcpStream> {
    let tls = tokio_rustls::TlsConnector::from(Arc::new(
        pinned_client_config(&server.fingerprint, &[&rustls::version::TLS13]).unwrap(),
    ));
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    tls.connect(name, tcp).await.unwrap()
}

/// Whether the server closes `stream` (EOF or reset) within `within`.
async fn closed_by_server<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut S,
    within: Duration,
) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or any bytes: keep reading until the close.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn hundreds_of_stalled_connections_neither_block_honest_requests_nor_stay_open() {
    let mut options = TestOptions::default();
    options.config.handshake_timeout = Duration::from_secs(2);
    options.config.header_timeout = Duration::from_secs(2);
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let addr = server.base_url.trim_start_matches("https://").to_owned();
    // 300 connections that never start the handshake.
    let mut silent = Vec::new();
    for _ in 0..300 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    // 50 that finish the handshake and then say nothing, and 50 that send half a request.
    let mut idle = Vec::new();
    let mut slow = Vec::new();
    for i in 0..100 {
        let mut s = tls_connect(&server, &addr).await;
        if i % 2 == 1 {
            s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
                .await
                .unwrap();
            s.flush().await.unwrap();
            slow.push(s);
        } else {
            idle.push(s);
        }
    }
    // The honest request answers while all 400 are open.
    let honest = server.client().unwrap();
    let started = std::time::Instant::now();
    let (status, _) = tokio::time::timeout(
        Duration::from_secs(20),
        honest.raw(honest.request(reqwest::Method::GET, paths::HEALTH)),
    )
    .await
    .expect("an honest request is not starved by stalled connections")
    .unwrap();
    assert_eq!(status, 200);
    eprintln!(
        "health with 400 stalled connections open: {} ms",
        started.elapsed().as_millis()
    );
    // And the server lets go of every one of them.
    for s in silent.iter_mut() {
        assert!(closed_by_server(s, Duration::from_secs(15)).await, "silent");
    }
    for s in idle.iter_mut() {
        assert!(
            closed_by_server(s, Duration::from_secs(15)).await,
            "idle after handshake"
        );
    }
    for s in slow.iter_mut() {
        assert!(
            closed_by_server(s, Duration::from_secs(15)).await,
            "half a request"
        );
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_its_request() {
    let mut options = TestOptions::default();
    options.config.header_timeout = Duration::from_secs(1);
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let addr = server.base_url.trim_start_matches("https://").to_owned();
    let mut s = tls_connect(&server, &addr).await;
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // Kept alive, then idle: closed by the server within a few idle periods.
    assert!(closed_by_server(&mut s, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn past_the_connection_cap_new_connections_wait_and_are_then_served() {
    let mut options = TestOptions::default();
    options.config.max_connections = 20;
    options.config.handshake_timeout = Duration::from_secs(1);
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let addr = server.base_url.trim_start_matches("https://").to_owned();
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    // Every slot is held by a silent connection; the honest request is served once their
    // handshake time runs out and frees the slots.
    let honest = server.client().unwrap();
    let (status, _) = tokio::time::timeout(
        Duration::from_secs(20),
        honest.raw(honest.request(reqwest::Method::GET, paths::HEALTH)),
    )
    .await
    .expect("served after the slots free up")
    .unwrap();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_statistics_filter_with_a_control_character_or_an_emoji_is_refused_not_a_500() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let reform = server.login("reform").await.unwrap();
    for (field, bad) in [
        ("project", "P-1\u{7}"),
        ("project", "项目😀"),
        ("category", "\u{0}"),
        ("department", "ZGJ\r\nX"),
    ] {
        let q = [
            ("report", "table1"),
            ("from", "2026-01-01"),
            ("to", "2026-12-31"),
            ("format", "pdf"),
            (field, bad),
        ];
        let (status, body) = reform
            .raw(
                reform
                    .request(reqwest::Method::GET, paths::STATISTICS)
                    .query(&q),
            )
            .await
            .unwrap();
        assert_eq!(
            status,
            422,
            "{field}={bad:?}: {}",
            String::from_utf8_lossy(&body)
        );
        assert!(error_of(&body).message.contains("筛选条件"));
    }
    // The honest filter beside it renders a PDF.
    let q = [
        ("report", "table1"),
        ("from", "2026-01-01"),
        ("to", "2026-12-31"),
        ("format", "pdf"),
        ("category", "GY"),
    ];
    let (status, body) = reform
        .raw(
            reform
                .request(reqwest::Method::GET, paths::STATISTICS)
                .query(&q),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(b"%PDF"));
}

async fn login_as(server: &TestServer, user: &str, client_id: Option<&str>) -> (ApiClient, String) {
    let mut c = server.client().unwrap();
    let body = LoginRequest {
        user: user.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        client_id: client_id.map(str::to_owned),
    };
    let r: permitdesk_protocol::LoginResponse =
        ApiClient::send(c.request(reqwest::Method::POST, paths::LOGIN).json(&body))
            .await
            .unwrap();
    c.token = Some(r.token);
    (c, r.client_id)
}

fn project_push(
    client_id: &str,
    mutation_id: u64,
    project: &str,
) -> permitdesk_protocol::PushRequest {
    use permitdesk_server::testing::fixtures::*;
    let details = project_details("同步身份项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    permitdesk_protocol::PushRequest {
        reference: Default::default(),
        client_id: client_id.to_owned(),
        commands: vec![envelope(
            mutation_id,
            project_cmd(
                project,
                permitdesk_domain::project::ProjectCommand::RegisterOnline {
                    id: permitdesk_domain::ids::ProjectId::new(project),
                    details,
                },
            ),
            chrono::Utc::now(),
        )],
    }
}

/// User B pushes under user A's client id with a huge mutation id: refused, and A's next
/// commands are applied, not silently skipped; B cannot pull under A's id either; a login that
/// offers A's id as B's gets another id.
#[tokio::test]
async fn a_client_id_is_bound_to_its_account_and_token() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let (a, a_id) = login_as(&server, "applicant", Some("pc-hall-a-0001")).await;
    assert_eq!(a_id, "pc-hall-a-0001");
    let (b, b_id) = login_as(&server, "applicant2", Some("pc-hall-a-0001")).await;
    assert_ne!(b_id, a_id, "another account's id is never handed over");
    assert!(b_id.starts_with("c-"));

    // The attack: B pushes under A's id.
    let (status, body) = b
        .raw(
            b.request(reqwest::Method::POST, paths::PUSH)
                .json(&project_push(&a_id, 9_000_000_000, "P-EVIL")),
        )
        .await
        .unwrap();
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert!(error_of(&body).message.contains("同步身份"));
    // B pulling under A's id: refused too, nothing leaks.
    let (status, _) = b
        .raw(
            b.request(reqwest::Method::GET, paths::PULL)
                .query(&[("after", "0"), ("client_id", a_id.as_str())]),
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    // A login that offered no id (a script) has an unbound token: still held to its own
    // account's ids.
    let script = server.login("applicant2").await.unwrap();
    let (status, body) = script
        .raw(
            script
                .request(reqwest::Method::POST, paths::PUSH)
                .json(&project_push(&a_id, 9_000_000_000, "P-EVIL")),
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    assert!(error_of(&body).message.contains("另一账号"), "{body:?}");
    // The honest user beside it: A's command 1 is applied, not skipped as already seen.
    let r = a.push(&project_push(&a_id, 1, "P-HONEST")).await.unwrap();
    assert!(
        matches!(
            r.results[0].outcome,
            permitdesk_protocol::CommandOutcome::Applied { .. }
        ),
        "{r:?}"
    );
    assert_eq!(server.state.store.last_mutation_id(&a_id).await.unwrap(), 1);
    // A's own token is bound to A's id: even A may not push under another of A's ids.
    let (status, _) = a
        .raw(
            a.request(reqwest::Method::POST, paths::PUSH)
                .json(&project_push("pc-hall-a-other", 1, "P-2")),
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    // And the owner of A's id is still A after all of it.
    assert_eq!(
        server
            .state
            .store
            .claim_client(
                &a_id,
                &permitdesk_domain::ids::UserId::new("nobody"),
                chrono::Utc::now()
            )
            .await
            .unwrap()
            .as_str(),
        "applicant"
    );
}

fn dated(
    mut req: permitdesk_protocol::PushRequest,
    at: chrono::DateTime<chrono::Utc>,
) -> permitdesk_protocol::PushRequest {
    for c in &mut req.commands {
        c.acted_at = at;
    }
    req
}

/// 可信时间: once a client has completed a sync, nothing it pushes may be dated before it (a
/// back-dated acceptance), while an honest action of a clock a minute fast is corrected to
/// the server's time, not refused.
#[tokio::test]
async fn an_action_cannot_be_dated_before_the_clients_last_sync_and_small_skews_are_corrected() {
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let (a, id) = login_as(&server, "applicant", Some("pc-time-0001")).await;
    // Before any completed sync, an offline action of yesterday is accepted (within the
    // offline limit).
    let now = chrono::Utc::now();
    let r = a
        .push(&dated(
            project_push(&id, 1, "P-T1"),
            now - chrono::Duration::days(1),
        ))
        .await
        .unwrap();
    assert!(
        matches!(
            r.results[0].outcome,
            permitdesk_protocol::CommandOutcome::Applied { .. }
        ),
        "{r:?}"
    );
    // A completed sync.
    a.pull(0, None, Some(&id)).await.unwrap();
    // The attacker's back-dated action: refused, and nothing is stored.
    let r = a
        .push(&dated(
            project_push(&id, 2, "P-T2"),
            now - chrono::Duration::days(2),
        ))
        .await
        .unwrap();
    match &r.results[0].outcome {
        permitdesk_protocol::CommandOutcome::Refused {
            refusal: permitdesk_protocol::Refusal::Time { message },
        } => assert!(
            message.contains("早于本机上次与服务器同步的时间"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        server
            .state
            .store
            .entity_events("project:P-T2")
            .await
            .unwrap()
            .is_empty()
    );
    // The honest colleague whose clock runs a minute fast: applied at the server's time.
    let fast = chrono::Utc::now() + chrono::Duration::minutes(1);
    let r = a
        .push(&dated(project_push(&id, 3, "P-T3"), fast))
        .await
        .unwrap();
    assert!(
        matches!(
            r.results[0].outcome,
            permitdesk_protocol::CommandOutcome::Applied { .. }
        ),
        "{r:?}"
    );
    let stored = server
        .state
        .store
        .entity_events("project:P-T3")
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&stored[0].json).unwrap();
    let at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(json["sealed"]["event"]["at"].clone())
            .unwrap_or_else(|_| panic!("{json}"));
    // Recorded at the server's time (the moment it was received), not a minute ahead.
    assert!(
        at < fast - chrono::Duration::seconds(30),
        "{at} vs sent {fast}"
    );
    assert!((at - stored[0].received_at).num_milliseconds().abs() < 1000);
}

/// A push whose opinion or whose project name is over the domain's limit is refused before
/// any work (422 naming the field, or 413 when the push body itself is over the push route's
/// limit), and nothing is stored; the honest push beside it is applied.
#[tokio::test]
async fn overlong_text_in_a_push_is_refused_before_any_work_and_stores_nothing() {
    use permitdesk_server::testing::fixtures::*;
    // A server whose push route takes 16 MiB, so that the domain's rule answers a 6 MB opinion.
    let mut options = TestOptions::default();
    options.config.max_body_bytes = 16 * 1024 * 1024;
    options.config.max_push_bytes = 16 * 1024 * 1024;
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let (c, id) = login_as(&server, "applicant", Some("pc-text-0001")).await;
    let seq = server.state.store.max_server_seq().await.unwrap();
    let mut huge_opinion = project_push(&id, 1, "P-OPINION");
    huge_opinion.commands[0].opinion = Some("意".repeat(2 * 1024 * 1024));
    let long_name = {
        let details =
            project_details(&"名".repeat(300), permitdesk_server::demo::BUILDER_ORG8).unwrap();
        permitdesk_protocol::PushRequest {
            reference: Default::default(),
            client_id: id.clone(),
            commands: vec![envelope(
                1,
                project_cmd(
                    "P-NAME",
                    permitdesk_domain::project::ProjectCommand::RegisterOnline {
                        id: permitdesk_domain::ids::ProjectId::new("P-NAME"),
                        details,
                    },
                ),
                chrono::Utc::now(),
            )],
        }
    };
    for (what, req, field, max, found) in [
        ("6 MB opinion", &huge_opinion, "意见", 2000, 2 * 1024 * 1024),
        (
            "300-character project name",
            &long_name,
            "项目名称",
            200,
            300,
        ),
    ] {
        let (status, body) = c
            .raw(c.request(reqwest::Method::POST, paths::PUSH).json(req))
            .await
            .unwrap();
        assert_eq!(status, 422, "{what}: {}", String::from_utf8_lossy(&body));
        let e = error_of(&body);
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(
            e.message,
            format!("{field}不得超过 {max} 字（现为 {found} 字）"),
            "{what}"
        );
    }
    assert_eq!(server.state.store.max_server_seq().await.unwrap(), seq);
    assert_eq!(server.state.store.last_mutation_id(&id).await.unwrap(), 0);
    for key in ["project:P-OPINION", "project:P-NAME"] {
        assert!(
            server
                .state
                .store
                .entity_events(key)
                .await
                .unwrap()
                .is_empty()
        );
    }
    // The honest push beside them is applied.
    let r = c.push(&project_push(&id, 1, "P-HONEST")).await.unwrap();
    assert!(
        matches!(
            r.results[0].outcome,
            permitdesk_protocol::CommandOutcome::Applied { .. }
        ),
        "{r:?}"
    );

    // With the default limits, the same 6 MB opinion never reaches the rule: the push route
    // takes at most 4 MiB (below the 8 MiB of other bodies), 413.
    let server = TestServer::start(Backend::from_env()).await.unwrap();
    assert!(server.state.config.max_push_bytes < server.state.config.max_body_bytes);
    let (c, id) = login_as(&server, "applicant", Some("pc-text-0002")).await;
    let mut big = project_push(&id, 1, "P-BIG");
    big.commands[0].opinion = Some("x".repeat(5 * 1024 * 1024));
    let (status, body) = c
        .raw(c.request(reqwest::Method::POST, paths::PUSH).json(&big))
        .await
        .unwrap();
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    assert_eq!(error_of(&body).code, ErrorCode::TooLarge);
    assert!(
        server
            .state
            .store
            .entity_events("project:P-BIG")
            .await
            .unwrap()
            .is_empty()
    );
}

/// PUTs one chunk of `content` (offset `from`, `len` bytes) of the file it names.
async fn put_chunk(c: &ApiClient, content: &[u8], from: usize, len: usize) -> (u16, Vec<u8>) {
    let sha = permitdesk_server::attachments::sha256_hex(content);
    let to = (from + len).min(content.len());
    c.raw(
        c.request(
            reqwest::Method::PUT,
            &format!(
                "{}/{sha}?offset={from}&size={}",
                paths::ATTACHMENTS,
                content.len()
            ),
        )
        .body(content[from..to].to_vec()),
    )
    .await
    .unwrap()
}

/// A PDF of exactly `n` bytes, distinct per `tag`.
fn pdf_of(tag: &str, n: usize) -> Vec<u8> {
    let mut v = format!("%PDF-1.4\n% {tag}\n").into_bytes();
    v.resize(n, b' ');
    v
}

/// 每个账号的上传空间: what a user has stored and what it has in progress count together; an
/// upload that would pass the quota is refused at its first chunk (413 saying what is used and
/// the limit) and nothing is kept; another user is not affected.
#[tokio::test]
async fn an_upload_past_the_users_quota_is_refused_and_nothing_is_stored() {
    let mut options = TestOptions::default();
    options.config.upload.per_user_quota = 1000;
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let store = server.state.store.clone();
    let c = server.login("applicant").await.unwrap();
    let user = store
        .user(&permitdesk_domain::ids::UserId::new("applicant"))
        .await
        .unwrap()
        .unwrap();
    // 600 bytes stored, 300 in progress (100 received): 900 of 1000 used.
    let stored = pdf_of("stored", 600);
    assert_eq!(put_chunk(&c, &stored, 0, 600).await.0, 200);
    let partial = pdf_of("partial", 300);
    assert_eq!(put_chunk(&c, &partial, 0, 100).await.0, 200);
    // A file of 200 would make 1100: refused, nothing kept.
    let over = pdf_of("over", 200);
    let (status, body) = put_chunk(&c, &over, 0, 200).await;
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    let e = error_of(&body);
    assert_eq!(e.code, ErrorCode::TooLarge);
    assert!(
        e.message.contains("已用 900 字节") && e.message.contains("上限 1000 字节"),
        "{}",
        e.message
    );
    let over_sha = permitdesk_server::attachments::sha256_hex(&over);
    assert_eq!(store.attachment_info(&over_sha, &user).await.unwrap(), None);
    // Within what is left (100), and the unfinished one resumed: taken.
    let small = pdf_of("small", 100);
    assert_eq!(put_chunk(&c, &small, 0, 100).await.0, 200);
    assert_eq!(put_chunk(&c, &partial, 100, 200).await.0, 200);
    // Sending a file it already stored again costs nothing more.
    assert_eq!(put_chunk(&c, &stored, 0, 600).await.0, 200);
    // Another user has its own quota.
    let other = server.login("applicant2").await.unwrap();
    assert_eq!(put_chunk(&other, &over, 0, 200).await.0, 200);
}

/// 未传完的上传: a partial upload older than `upload_expiry` is deleted (row and parts) by the
/// scheduler's housekeeping pass; a complete file and a recent partial upload stay; the old
/// one, resumed, starts again from 0.
#[tokio::test]
async fn unfinished_uploads_past_their_time_are_deleted_and_the_rest_stays() {
    let clock = Arc::new(permitdesk_server::clock::ManualClock::new(
        chrono::Utc::now(),
    ));
    let mut options = TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    };
    options.config.upload_expiry = chrono::Duration::hours(24);
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let store = server.state.store.clone();
    let c = server.login("applicant").await.unwrap();
    let user = store
        .user(&permitdesk_domain::ids::UserId::new("applicant"))
        .await
        .unwrap()
        .unwrap();
    let old = pdf_of("old partial", 3000);
    let complete = pdf_of("complete", 2000);
    assert_eq!(put_chunk(&c, &old, 0, 1000).await.0, 200);
    assert_eq!(put_chunk(&c, &complete, 0, 2000).await.0, 200);
    clock.advance(chrono::Duration::hours(25));
    // A new day, a new login (tokens live 12 hours).
    let c = server.login("applicant").await.unwrap();
    let recent = pdf_of("recent partial", 3000);
    assert_eq!(put_chunk(&c, &recent, 0, 500).await.0, 200);

    let done = permitdesk_server::scheduler::housekeeping_pass(&server.state)
        .await
        .unwrap();
    assert_eq!(done.uploads.uploads, 1);
    assert_eq!(done.uploads.bytes, 1000);
    let sha = permitdesk_server::attachments::sha256_hex;
    assert_eq!(
        store.attachment_info(&sha(&old), &user).await.unwrap(),
        None
    );
    let kept = store
        .attachment_info(&sha(&complete), &user)
        .await
        .unwrap()
        .unwrap();
    assert!(kept.stored.is_some_and(|s| s.complete && s.size == 2000));
    let in_progress = store
        .attachment_info(&sha(&recent), &user)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_progress.upload.map(|u| u.received), Some(500));
    // A second pass finds nothing more; the old upload resumed is told to start again.
    let again = permitdesk_server::scheduler::housekeeping_pass(&server.state)
        .await
        .unwrap();
    assert_eq!(again.uploads.uploads, 0);
    let (status, body) = put_chunk(&c, &old, 1000, 1000).await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    assert_eq!(put_chunk(&c, &old, 0, 3000).await.0, 200);
}

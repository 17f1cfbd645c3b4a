//! 短信提醒 (seed 7.3, issue 14 item 5) on both backends (PERMITDESK_TEST_DATABASE selects):
//! the scheduler's new-work and deadline notices go by SMS to the reviewers who must act,
//! through Alibaba Cloud's `SendSms` or the outbox file. The gateway here is a local HTTP
//! server implementing `SendSms`: it checks every required parameter and recomputes the
//! signature exactly as Alibaba documents it (RPC signature v1) from what it received with
//! the known secret, answers `SignatureDoesNotMatch` like the real one, records the messages
//! and can be told to fail.
//!
//! A reviewer without a mobile number is sent nothing: the delivery is recorded as `skipped`,
//! so `permitdesk server sms list` shows who was not told.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Duration;
use common::World;
use permitdesk_domain::case::{Case, CaseCommand};
use permitdesk_domain::ids::UserId;
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::scheduler::tick;
use permitdesk_server::sms::{self, SmsConfig, SmsSetting, SmsStatus};
use permitdesk_server::state::AppState;
use permitdesk_server::testing::fixtures::case_cmd;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

const KEY_ID: &str = "LTAI5tTestKeyId0001";
const SECRET: &str = "test-secret-9f8e7d";
const SIGN_NAME: &str = "哈尔滨工程建设审批";
const TEMPLATE: &str = "SMS_465870001";
const ZGJ_1_PHONE: &str = "13900000001";

/// One message the gateway accepted.
#[derive(Debug, Clone)]
struct Received {
    phone: String,
    sign_name: String,
    template: String,
    params: Value,
    timestamp: String,
}

/// A local `SendSms`.
#[derive(Default)]
struct FakeGateway {
    /// Answers `isv.BUSINESS_LIMIT_CONTROL` this many more times.
    fail: AtomicU32,
    requests: AtomicU32,
    accepted: Mutex<Vec<Received>>,
    nonces: Mutex<HashSet<String>>,
}

/// Alibaba's percent-encoding, written here again from the documentation (not the server's).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(*b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Form decoding of the POST body (`%XX`, `+` as a space).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The signature Alibaba computes for a POST: Base64(HMAC-SHA1(secret + "&",
/// "POST&%2F&" + encode(sorted "k=v" joined by "&"))).
fn expected_signature(params: &BTreeMap<String, String>, secret: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let canonical: Vec<String> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let string_to_sign = format!("POST&{}&{}", encode("/"), encode(&canonical.join("&")));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn error(code: &str, message: &str) -> (StatusCode, axum::Json<Value>) {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"Code": code, "Message": message, "RequestId": "R-test"})),
    )
}

async fn send_sms(
    State(g): State<Arc<FakeGateway>>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, axum::Json<Value>) {
    g.requests.fetch_add(1, Ordering::SeqCst);
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !form.starts_with("application/x-www-form-urlencoded") {
        return error("InvalidParameter", "content type");
    }
    let params: BTreeMap<String, String> = body
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    let fixed = [
        ("Action", "SendSms"),
        ("Version", "2017-05-25"),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
    ];
    for (k, v) in fixed {
        if params.get(k).map(String::as_str) != Some(v) {
            return error("MissingParameter", k);
        }
    }
    for k in [
        "AccessKeyId",
        "PhoneNumbers",
        "SignName",
        "TemplateCode",
        "TemplateParam",
        "SignatureNonce",
        "Timestamp",
        "Signature",
    ] {
        if params.get(k).is_none_or(|v| v.is_empty()) {
            return error("MissingParameter", k);
        }
    }
    if params["AccessKeyId"] != KEY_ID {
        return error(
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    }
    if chrono::NaiveDateTime::parse_from_str(&params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").is_err() {
        return error(
            "InvalidTimeStamp.Format",
            "Specified time stamp is not valid.",
        );
    }
    if params["Signature"] != expected_signature(&params, SECRET) {
        return error(
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    if !g
        .nonces
        .lock()
        .unwrap()
        .insert(params["SignatureNonce"].clone())
    {
        return error(
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        );
    }
    let Ok(template_params) = serde_json::from_str::<Value>(&params["TemplateParam"]) else {
        return error("isv.INVALID_JSON_PARAM", "JSON参数不合法");
    };
    if g.fail
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (
            StatusCode::OK,
            axum::Json(
                json!({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": "R-limit"}),
            ),
        );
    }
    let mut accepted = g.accepted.lock().unwrap();
    accepted.push(Received {
        phone: params["PhoneNumbers"].clone(),
        sign_name: params["SignName"].clone(),
        template: params["TemplateCode"].clone(),
        params: template_params,
        timestamp: params["Timestamp"].clone(),
    });
    (
        StatusCode::OK,
        axum::Json(
            json!({"Code": "OK", "Message": "OK", "BizId": format!("BIZ-{}", accepted.len()), "RequestId": "R-ok"}),
        ),
    )
}

/// The local gateway on 127.0.0.1 and its endpoint.
async fn gateway() -> (Arc<FakeGateway>, String) {
    let g = Arc::new(FakeGateway::default());
    let app = axum::Router::new()
        .route("/", axum::routing::post(send_sms))
        .with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (g, format!("http://{addr}/"))
}

fn config(endpoint: &str, secret: &str, max_attempts: Option<u32>) -> SmsSetting {
    SmsSetting::gateway(&SmsConfig {
        endpoint: Some(endpoint.to_owned()),
        access_key_id: KEY_ID.to_owned(),
        access_key_secret_env: None,
        access_key_secret: Some(secret.to_owned()),
        sign_name: SIGN_NAME.to_owned(),
        template_code: TEMPLATE.to_owned(),
        max_attempts,
    })
    .unwrap()
}

/// A server process on the world's database with `sms` as its SMS setting.
async fn server(
    w: &World,
    store: Arc<dyn permitdesk_server::store::Store>,
    name: &str,
    sms: SmsSetting,
) -> AppState {
    AppState::new(
        store,
        ServerConfig {
            instance: name.to_owned(),
            sms: Some(sms),
            ..ServerConfig::default()
        },
        w.clock.clone(),
    )
    .await
    .unwrap()
}

async fn set_phone(w: &World, user: &str, phone: &str) {
    sms::set_phone(w.store(), &UserId::new(user), phone)
        .await
        .unwrap();
}

/// The stored case C-1, replayed.
async fn case(w: &World) -> Case {
    let events = w.store().cases_under_clock().await.unwrap();
    Case::replay(events[0].iter()).unwrap()
}

async fn deliveries(w: &World) -> Vec<sms::SmsDelivery> {
    w.store().sms_deliveries(100).await.unwrap()
}

#[tokio::test]
async fn an_accepted_case_messages_its_first_level_reviewer_once_then_the_next_level() {
    let (g, endpoint) = gateway().await;
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", "139 0000 0001").await;
    w.case_in_review("P-1", "C-1").await;
    w.clock.advance(Duration::minutes(5));
    let s = server(&w, w.db.store.clone(), "a", config(&endpoint, SECRET, None)).await;

    assert_eq!(tick(&s).await.unwrap(), 1, "the new-work notice");
    let got = g.accepted.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    let c = case(&w).await;
    let number = c.number.clone().unwrap();
    let reference = ReferenceSet::bootstrap().unwrap();
    let item = reference.catalogue.item(&c.item).unwrap().name.clone();
    assert_eq!(got[0].phone, ZGJ_1_PHONE);
    assert_eq!(got[0].sign_name, SIGN_NAME);
    assert_eq!(got[0].template, TEMPLATE);
    assert_eq!(got[0].params["notice"], "新的待办");
    assert_eq!(got[0].params["number"], number.as_str());
    assert_eq!(got[0].params["item"], item.as_str());
    let deadline = got[0].params["deadline"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(deadline, "%Y-%m-%d %H:%M").is_ok(),
        "{deadline}"
    );
    assert_eq!(
        got[0].timestamp, "2026-03-02T01:05:00Z",
        "the server's clock, UTC"
    );
    assert_eq!(
        got[0].params.as_object().unwrap().len(),
        4,
        "提醒, 办件编号, 事项, 期限 and nothing else: {}",
        got[0].params
    );

    // Only the holder of the first level is addressed; the delivery is recorded as sent.
    let d = deliveries(&w).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].user.as_str(), "reviewer-zgj-1");
    assert_eq!(d[0].status, SmsStatus::Sent);
    assert_eq!(d[0].attempts, 1);
    assert_eq!(d[0].receipt.as_deref(), Some("BIZ-1"));
    assert_eq!(d[0].kind, "new_work");

    // A second pass sends nothing more.
    w.clock.advance(Duration::minutes(5));
    assert_eq!(tick(&s).await.unwrap(), 0);
    assert_eq!(g.requests.load(Ordering::SeqCst), 1);

    // 受理 signed: the case arrives at 审核, whose holder has no number: nothing sent, the
    // delivery recorded as skipped.
    let zgj1 = w.user("reviewer-zgj-1").await;
    w.driver()
        .apply(
            &zgj1,
            case_cmd(
                "C-1",
                CaseCommand::SignOff {
                    level: "受理".into(),
                },
            ),
            w.now(),
        )
        .await
        .unwrap();
    w.clock.advance(Duration::minutes(1));
    assert_eq!(tick(&s).await.unwrap(), 1);
    assert_eq!(
        g.requests.load(Ordering::SeqCst),
        1,
        "no number, no message"
    );
    let d = deliveries(&w).await;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].user.as_str(), "reviewer-zgj-2", "newest first");
    assert_eq!(d[0].status, SmsStatus::Skipped);
    assert_eq!(d[0].phone, None);

    // The admin view: masked numbers only.
    let listed = sms::list(w.store(), 50).await.unwrap();
    let json = serde_json::to_string(&listed).unwrap();
    assert!(!json.contains(ZGJ_1_PHONE), "{json}");
    assert!(json.contains("139****0001"), "{json}");
    let text = listed.text();
    assert!(text.contains("未登记手机号码"), "{text}");
    assert!(text.contains(&number), "{text}");
    assert!(!text.contains(ZGJ_1_PHONE), "{text}");
}

#[tokio::test]
async fn a_gateway_failure_is_retried_at_a_later_pass_then_recorded_as_sent() {
    let (g, endpoint) = gateway().await;
    g.fail.store(1, Ordering::SeqCst);
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", ZGJ_1_PHONE).await;
    w.case_in_review("P-1", "C-1").await;
    let s = server(&w, w.db.store.clone(), "a", config(&endpoint, SECRET, None)).await;

    assert_eq!(tick(&s).await.unwrap(), 1);
    let d = deliveries(&w).await;
    assert_eq!(d[0].status, SmsStatus::Failed);
    assert_eq!(d[0].attempts, 1);
    let error = d[0].last_error.clone().unwrap();
    assert!(error.contains("isv.BUSINESS_LIMIT_CONTROL"), "{error}");
    assert!(!error.contains(ZGJ_1_PHONE));

    // The same minute: it waits.
    tick(&s).await.unwrap();
    assert_eq!(g.requests.load(Ordering::SeqCst), 1);

    // A later pass: sent, once.
    w.clock.advance(Duration::minutes(1));
    tick(&s).await.unwrap();
    let d = deliveries(&w).await;
    assert_eq!(d[0].status, SmsStatus::Sent);
    assert_eq!(d[0].attempts, 2);
    assert_eq!(g.accepted.lock().unwrap().len(), 1);
    w.clock.advance(Duration::minutes(10));
    tick(&s).await.unwrap();
    assert_eq!(g.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_like_alibaba_and_given_up_after_the_last_attempt() {
    let (g, endpoint) = gateway().await;
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", ZGJ_1_PHONE).await;
    w.case_in_review("P-1", "C-1").await;
    let s = server(
        &w,
        w.db.store.clone(),
        "a",
        config(&endpoint, "not-the-secret", Some(2)),
    )
    .await;
    tick(&s).await.unwrap();
    w.clock.advance(Duration::minutes(1));
    tick(&s).await.unwrap();
    for _ in 0..3 {
        w.clock.advance(Duration::hours(1));
        tick(&s).await.unwrap();
    }
    assert_eq!(
        g.requests.load(Ordering::SeqCst),
        2,
        "two attempts, then none"
    );
    assert!(g.accepted.lock().unwrap().is_empty());
    let d = deliveries(&w).await;
    assert_eq!(d[0].status, SmsStatus::Failed);
    assert_eq!(d[0].attempts, 2);
    assert!(
        d[0].last_error
            .as_deref()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{:?}",
        d[0].last_error
    );
}

#[tokio::test]
async fn without_a_gateway_each_message_is_one_line_of_the_outbox_file() {
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", ZGJ_1_PHONE).await;
    w.case_in_review("P-1", "C-1").await;
    let dir = std::env::temp_dir().join(format!(
        "permitdesk-sms-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(sms::OUTBOX_FILE);
    let s = server(
        &w,
        w.db.store.clone(),
        "a",
        SmsSetting::outbox(path.clone()),
    )
    .await;
    assert_eq!(tick(&s).await.unwrap(), 1);
    w.clock.advance(Duration::minutes(5));
    tick(&s).await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line: sms::OutboxLine = serde_json::from_str(lines[0]).unwrap();
    let number = case(&w).await.number.unwrap();
    assert_eq!(line.phone, ZGJ_1_PHONE, "the outbox is the message itself");
    assert_eq!(line.user, "reviewer-zgj-1");
    assert_eq!(line.params.number, number);
    assert!(line.text.starts_with("新的待办：办件"), "{}", line.text);
    assert!(line.text.contains(&number));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let d = deliveries(&w).await;
    assert_eq!(d[0].status, SmsStatus::Outbox);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_send_each_message_once() {
    let (g, endpoint) = gateway().await;
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", ZGJ_1_PHONE).await;
    for i in 0..3 {
        w.case_in_review(&format!("P-{i}"), &format!("C-{i}")).await;
    }
    let a = server(&w, w.db.store.clone(), "a", config(&endpoint, SECRET, None)).await;
    let second = w.db.second_store().await.unwrap();
    let b = server(&w, second, "b", config(&endpoint, SECRET, None)).await;
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(tick(&a), tick(&b));
        ra.unwrap();
        rb.unwrap();
        w.clock.advance(Duration::minutes(1));
    }
    let mut numbers: Vec<String> = g
        .accepted
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.params["number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(g.requests.load(Ordering::SeqCst), 3, "one request per case");
    assert_eq!(numbers.len(), 3);
    assert!(
        deliveries(&w)
            .await
            .iter()
            .all(|d| d.status == SmsStatus::Sent && d.attempts == 1)
    );
}

#[tokio::test]
async fn a_send_interrupted_mid_way_is_recorded_as_unknown_and_never_repeated() {
    let (g, endpoint) = gateway().await;
    let w = World::new().await;
    set_phone(&w, "reviewer-zgj-1", ZGJ_1_PHONE).await;
    w.case_in_review("P-1", "C-1").await;
    // A process records the notice as its scheduler would, claims the message, then stops
    // before the gateway answers.
    let store = w.store();
    let now = w.now();
    assert!(store.sms_due(now, 5, 10).await.unwrap().is_empty());
    let action = permitdesk_server::store::ScheduledAction {
        key: "new_work:case:C-1:0:受理".to_owned(),
        kind: "new_work".to_owned(),
        entity_key: "case:C-1".to_owned(),
        notification: json!({"case": "C-1", "level": "受理"}),
    };
    let planned = sms::PlannedSms {
        user: UserId::new("reviewer-zgj-1"),
        phone: Some(permitdesk_domain::codes::PhoneNumber::parse(ZGJ_1_PHONE).unwrap()),
        params: sms::TemplateParams {
            notice: "新的待办".into(),
            number: "2026-ZGJ-000001".into(),
            item: "事项".into(),
            deadline: "2026-03-16 17:00".into(),
        },
    };
    assert!(
        store
            .run_once_notifying(&action, now, "crashed", std::slice::from_ref(&planned))
            .await
            .unwrap()
    );
    let due = store.sms_due(now, 5, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert!(
        store
            .sms_claim(
                due[0].notification,
                &due[0].user,
                now,
                now + Duration::minutes(5),
                "crashed",
                5
            )
            .await
            .unwrap()
    );
    // Another process passes while the claim is live, then after its lease.
    let s = server(&w, w.db.store.clone(), "b", config(&endpoint, SECRET, None)).await;
    tick(&s).await.unwrap();
    assert_eq!(
        g.requests.load(Ordering::SeqCst),
        0,
        "claimed by another process"
    );
    w.clock.advance(Duration::minutes(6));
    tick(&s).await.unwrap();
    w.clock.advance(Duration::hours(1));
    tick(&s).await.unwrap();
    assert_eq!(g.requests.load(Ordering::SeqCst), 0, "never resent");
    let d = deliveries(&w).await;
    assert_eq!(d[0].status, SmsStatus::Unknown);
    assert!(d[0].last_error.as_deref().unwrap().contains("不再自动重发"));
}

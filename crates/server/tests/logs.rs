//! The server's logs never contain passwords, tokens or personal numbers: every log line of a
//! login, a failed login, a push carrying a phone number and a pull is captured and searched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_protocol::{CommandOutcome, PushRequest};
use permitdesk_server::testing::fixtures::*;
use permitdesk_server::testing::{Backend, DEMO_PASSWORD, TestServer};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[path = "common/shared.rs"]
mod shared;
use shared::register_online;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_contain_passwords_tokens_or_personal_numbers() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = TestServer::start(Backend::from_env()).await.unwrap();
    let mut bad = server.client().unwrap();
    let wrong_password = "Wrong-Password-7731";
    assert!(bad.login("applicant", wrong_password).await.is_err());
    let c = server.login("applicant").await.unwrap();
    let token = c.token.clone().unwrap();
    let mut details = project_details("日志项目", permitdesk_server::demo::BUILDER_ORG8).unwrap();
    let phone = "13912345678";
    details.contacts[0].phone = permitdesk_domain::codes::PhoneNumber::parse(phone).unwrap();
    let id_card = "230102199001011234";
    details.contacts[0].name = format!("张三（身份证 {id_card}）");
    let cmd = register_online(1, "P-1", details, chrono::Utc::now());
    let r = c
        .push(&PushRequest {
            reference: Default::default(),
            client_id: "pc".into(),
            commands: vec![cmd],
        })
        .await
        .unwrap();
    assert!(matches!(
        r.results[0].outcome,
        CommandOutcome::Applied { .. }
    ));
    assert_eq!(c.pull(0, None, Some("pc")).await.unwrap().events.len(), 1);

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("permitdesk::http"),
        "the requests were logged at all:\n{logs}"
    );
    assert!(logs.contains("login failed"));
    for secret in [
        DEMO_PASSWORD,
        wrong_password,
        token.as_str(),
        phone,
        id_card,
    ] {
        assert!(!logs.contains(secret), "the logs contain {secret}:\n{logs}");
    }
}

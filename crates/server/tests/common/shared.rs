//! Small set-up pieces the server's test files share, whichever world they build: a TestServer
//! on a manual clock, a stored file, a stored user and a project's `RegisterOnline` envelope.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use permitdesk_domain::ids::{AttachmentId, ProjectId, UserId};
use permitdesk_domain::project::{ProjectCommand, ProjectDetails};
use permitdesk_protocol::CommandEnvelope;
use permitdesk_server::attachments::sha256_hex;
use permitdesk_server::clock::ManualClock;
use permitdesk_server::store::{Store, UploadLimits, UserRecord};
use permitdesk_server::testing::fixtures::{envelope, project_cmd};
use permitdesk_server::testing::{Backend, TestOptions, TestServer};
use std::sync::Arc;

/// A TestServer on the backend PERMITDESK_TEST_DATABASE selects, its clock stopped at `at`.
pub async fn clocked_server(at: DateTime<Utc>) -> (TestServer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at));
    let server = TestServer::start_with(
        Backend::from_env(),
        TestOptions {
            clock: clock.clone(),
            ..TestOptions::default()
        },
    )
    .await
    .unwrap();
    (server, clock)
}

/// Mutation `n`: register project `id` online with `details`, acted at `at`.
pub fn register_online(
    n: u64,
    id: &str,
    details: ProjectDetails,
    at: DateTime<Utc>,
) -> CommandEnvelope {
    let command = ProjectCommand::RegisterOnline {
        id: ProjectId::new(id),
        details,
    };
    envelope(n, project_cmd(id, command), at)
}

/// A stored user (it must exist).
pub async fn stored_user(store: &dyn Store, id: &str) -> UserRecord {
    store.user(&UserId::new(id)).await.unwrap().unwrap()
}

/// Stores `content` in one chunk as `user` (up to 1 MiB a file).
pub async fn put_file(
    store: &dyn Store,
    content: &[u8],
    user: &UserRecord,
    at: DateTime<Utc>,
) -> AttachmentId {
    let id = AttachmentId::new(sha256_hex(content));
    store
        .put_chunk(
            id.as_str(),
            0,
            content.len() as u64,
            content,
            user,
            UploadLimits {
                max_file_size: 1 << 20,
                per_user_quota: u64::MAX,
            },
            at,
        )
        .await
        .unwrap()
        .unwrap();
    id
}

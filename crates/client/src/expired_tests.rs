//! A long time offline, against the in-test fake server: the token expires first (401: the
//! outbox is kept, the push resumes after a new login), then the offline limit passes (the
//! commands come back as one list, confirmed again in one action, each applied once); and the
//! removal of a profile, which leaves none of its secrets behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::clock::ManualClock;
use crate::credentials::{CredentialStore, MemoryCredentials, Secret};
use crate::engine::SyncOptions;
use crate::error::ClientError;
use crate::expired::{self, Selection};
use crate::fake::FakeServer;
use crate::profile::Profile;
use crate::session::Session;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand};
use permitdesk_domain::ids::*;
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand, Refusal, UserInfo};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

fn reviewer(id: &str) -> UserInfo {
    UserInfo {
        id: UserId::new(id),
        name: format!("审核员{id}"),
        role: Role::DepartmentReviewer,
        department: Some(DepartmentCode::new("ZJJ")),
        organisation: None,
        levels: vec!["受理".into()],
    }
}

fn users() -> Vec<UserInfo> {
    let mut app = reviewer("app");
    app.role = Role::Applicant;
    app.department = None;
    app.organisation = Some(OrganisationId::new("ORG1"));
    app.levels = vec![];
    let mut win = reviewer("win");
    win.role = Role::WindowOperator;
    win.department = None;
    win.levels = vec![];
    vec![app, win, reviewer("rev1"), reviewer("rev2")]
}

fn actor_of(u: &UserInfo) -> Actor {
    Actor {
        user: u.id.clone(),
        name: u.name.clone(),
        role: u.role,
        department: u.department.clone(),
        organisation: u.organisation.clone(),
        levels: u.levels.clone(),
    }
}

fn case_cmd(id: &str, command: CaseCommand) -> DomainCommand {
    DomainCommand::Case {
        case: CaseId::new(id),
        command,
    }
}

fn sign(id: &str) -> DomainCommand {
    case_cmd(
        id,
        CaseCommand::SignOff {
            level: "受理".into(),
        },
    )
}

/// `command` applied on the server as the `who`-th of `users()` at `at` (another client's).
fn server_applies(server: &FakeServer, who: usize, command: DomainCommand, at: DateTime<Utc>) {
    let mut inner = server.inner.lock().unwrap();
    let env = CommandEnvelope {
        mutation_id: 0,
        command,
        acted_at: at,
        opinion: None,
        attachments: vec![],
        base_version: 0,
    };
    let o = FakeServer::apply(&mut inner, &actor_of(&users()[who]), &env, at);
    assert!(matches!(o, CommandOutcome::Applied { .. }), "{o:?}");
}

fn case_in_review(server: &FakeServer, id: &str) {
    let steps = [
        (
            0,
            case_cmd(
                id,
                CaseCommand::Create {
                    application: ApplicationId::new("APP-1"),
                    project: ProjectId::new("P-1"),
                    works: WorksId::new("W-1"),
                    item: ItemCode::new("ZJJ-01"),
                    department: DepartmentCode::new("ZJJ"),
                    applicant: OrganisationId::new("ORG1"),
                    commitment_allowed: false,
                    number: None,
                },
            ),
        ),
        (
            0,
            case_cmd(
                id,
                CaseCommand::Submit {
                    stamped_form: AttachmentId::new("f".repeat(64)),
                },
            ),
        ),
        (1, case_cmd(id, CaseCommand::Receive)),
        (
            1,
            case_cmd(
                id,
                CaseCommand::Accept {
                    terms: AcceptanceTerms {
                        catalogue_version: "t".into(),
                        time_limit_working_days: 20,
                        review_levels: vec!["受理".into(), "审核".into()],
                    },
                    commitment_based: false,
                },
            ),
        ),
    ];
    for (who, command) in steps {
        server_applies(server, who, command, server.now);
    }
}

struct Client {
    _dir: tempfile::TempDir,
    profile: Profile,
    clock: Arc<ManualClock>,
}

/// rev1, logged in to `server` and synced once.
fn reviewer_client(server: &FakeServer) -> Client {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(server.now));
    let mut profile = Profile::open(
        dir.path(),
        Arc::new(MemoryCredentials::default()),
        clock.clone(),
    )
    .unwrap();
    profile.login_with(server, "rev1", "pw").unwrap();
    profile.sync_with(server, SyncOptions::default()).unwrap();
    Client {
        _dir: dir,
        profile,
        clock,
    }
}

fn sign_offs(server: &FakeServer, id: &str) -> usize {
    let inner = server.inner.lock().unwrap();
    inner.cases[&format!("case:{id}")].0.sign_offs.len()
}

#[test]
fn an_expired_token_keeps_the_outbox_and_the_push_resumes_after_a_new_login() {
    let server = FakeServer::new(t0(), users());
    case_in_review(&server, "C-1");
    let mut c = reviewer_client(&server);
    c.profile
        .act(sign("C-1"), Some("同意".into()), vec![])
        .unwrap();
    // Twelve hours later the server no longer knows the token.
    server.inner.lock().unwrap().tokens.clear();
    server.inner.lock().unwrap().elapsed = Duration::hours(13);
    c.clock.advance(Duration::hours(13));
    let applied = server.inner.lock().unwrap().applied;

    let err = c
        .profile
        .sync_with(&server, SyncOptions::default())
        .unwrap_err();
    assert!(
        matches!(err, ClientError::LoginExpired { pending: 1 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("请重新登录"), "{err}");
    assert!(err.to_string().contains("1 条待同步的操作已保留"), "{err}");
    // Nothing lost, nothing refused, nothing sent; the useless token is forgotten.
    assert_eq!(c.profile.store().pending_count().unwrap(), 1);
    assert!(c.profile.store().refusals().unwrap().is_empty());
    assert_eq!(server.inner.lock().unwrap().applied, applied);
    assert!(matches!(c.profile.token(), Err(ClientError::NotLoggedIn)));

    c.profile.login_with(&server, "rev1", "pw").unwrap();
    let r = c
        .profile
        .sync_with(&server, SyncOptions::default())
        .unwrap();
    assert!(r.complete, "{r:?}");
    assert_eq!((r.applied, r.refused), (1, 0));
    assert_eq!(c.profile.store().pending_count().unwrap(), 0);
    // Again: nothing more.
    c.profile
        .sync_with(&server, SyncOptions::default())
        .unwrap();
    assert_eq!(server.inner.lock().unwrap().applied, applied + 1);
    assert_eq!(sign_offs(&server, "C-1"), 1);
}

#[test]
fn actions_past_the_offline_limit_come_back_as_one_list_and_are_confirmed_again_in_one_action() {
    let server = FakeServer::new(t0(), users());
    server.inner.lock().unwrap().max_offline = Some(Duration::days(7));
    case_in_review(&server, "C-1");
    case_in_review(&server, "C-2");
    let mut c = reviewer_client(&server);
    c.clock.advance(Duration::minutes(30));
    let first = c
        .profile
        .act(sign("C-1"), Some("材料齐全，同意".into()), vec![])
        .unwrap();
    let second = c.profile.act(sign("C-2"), None, vec![]).unwrap();
    // Eight days offline: the token expired long ago, and a colleague signed C-2 meanwhile.
    let later = t0() + Duration::days(8);
    {
        let mut inner = server.inner.lock().unwrap();
        inner.tokens.clear();
        inner.elapsed = Duration::days(8);
    }
    server_applies(&server, 3, sign("C-2"), later);
    c.clock.advance(Duration::days(8));
    let err = c
        .profile
        .sync_with(&server, SyncOptions::default())
        .unwrap_err();
    assert!(matches!(err, ClientError::LoginExpired { pending: 2 }));

    c.profile.login_with(&server, "rev1", "pw").unwrap();
    let r = c
        .profile
        .sync_with(&server, SyncOptions::default())
        .unwrap();
    assert_eq!((r.applied, r.refused), (0, 2), "{r:?}");
    let refusals = c.profile.store().refusals().unwrap();
    assert!(
        refusals
            .iter()
            .all(|x| matches!(x.refusal, Refusal::Expired { .. })),
        "{refusals:?}"
    );

    // One list: both, in the order they were done, with the time in Beijing time.
    let list = expired::expired(&c.profile).unwrap();
    assert_eq!(
        list.iter().map(|e| e.mutation_id).collect::<Vec<_>>(),
        vec![first.mutation_id, second.mutation_id]
    );
    assert_eq!(list[0].acted_at, "2026-03-02T09:30");
    assert_eq!(list[0].action, "层级审批签署");
    assert!(list[0].target.starts_with("办件 C-1"), "{}", list[0].target);
    assert_eq!(list[0].opinion.as_deref(), Some("材料齐全，同意"));
    assert_eq!(list[0].local_refusal, None);
    // The domain would refuse the second now: the level was signed by the colleague.
    let why = list[1].local_refusal.clone().expect("refused now");
    assert!(why.contains("审核员rev2"), "{why}");

    // 重新确认并提交, once for all of them (queued here, pushed by the sync with the fake).
    let out = expired::reconfirm(&mut c.profile, &Selection::All, true).unwrap();
    assert_eq!(out.reconfirmed.len(), 1, "{out:?}");
    assert_eq!(out.reconfirmed[0].mutation_id, first.mutation_id);
    assert_eq!(out.still_refused.len(), 1);
    assert_eq!(out.still_refused[0].mutation_id, second.mutation_id);
    assert_eq!(out.outcome.pending, 1, "{out:?}");
    let r = c
        .profile
        .sync_with(&server, SyncOptions::default())
        .unwrap();
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    assert_eq!(sign_offs(&server, "C-1"), 1);
    // Recorded at the current (server) time, with what the user typed.
    let c1 = c
        .profile
        .store()
        .case(&CaseId::new("C-1"))
        .unwrap()
        .unwrap();
    assert_eq!(c1.sign_offs.len(), 1);
    assert!(c1.sign_offs[0].at >= later, "{:?}", c1.sign_offs[0]);
    assert_eq!(c1.sign_offs[0].opinion.as_deref(), Some("材料齐全，同意"));

    // The confirmed one left the list; the other stays, with its reason.
    let list = expired::expired(&c.profile).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].mutation_id, second.mutation_id);
    assert!(list[0].local_refusal.is_some());
    // It cannot be confirmed twice.
    let err = expired::reconfirm(
        &mut c.profile,
        &Selection::Only(vec![first.mutation_id]),
        true,
    )
    .unwrap_err();
    assert!(matches!(err, ClientError::Invalid(_)), "{err:?}");
    let again = expired::reconfirm(&mut c.profile, &Selection::All, true).unwrap();
    assert!(again.reconfirmed.is_empty());
    assert_eq!(again.outcome.offline, None);
    c.profile
        .sync_with(&server, SyncOptions::default())
        .unwrap();
    assert_eq!(sign_offs(&server, "C-1"), 1);
    assert_eq!(sign_offs(&server, "C-2"), 1);
}

#[test]
fn a_later_action_refused_because_of_an_expired_one_goes_back_with_it() {
    let server = FakeServer::new(t0(), users());
    server.inner.lock().unwrap().max_offline = Some(Duration::days(7));
    // The applicant creates and submits a case: the creation is more than a week old when it
    // arrives, the submission (a day later) is not, but it has no case to submit.
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    let mut p = Profile::open(
        dir.path(),
        Arc::new(MemoryCredentials::default()),
        clock.clone(),
    )
    .unwrap();
    p.login_with(&server, "app", "pw").unwrap();
    let create = p
        .act(
            case_cmd(
                "C-9",
                CaseCommand::Create {
                    application: ApplicationId::new("APP-9"),
                    project: ProjectId::new("P-1"),
                    works: WorksId::new("W-1"),
                    item: ItemCode::new("ZJJ-01"),
                    department: DepartmentCode::new("ZJJ"),
                    applicant: OrganisationId::new("ORG1"),
                    commitment_allowed: false,
                    number: None,
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    clock.advance(Duration::days(2));
    let submit = p
        .act(
            case_cmd(
                "C-9",
                CaseCommand::Submit {
                    stamped_form: AttachmentId::new("f".repeat(64)),
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    server.inner.lock().unwrap().elapsed = Duration::days(8);
    clock.advance(Duration::days(6));
    let r = p.sync_with(&server, SyncOptions::default()).unwrap();
    assert_eq!(r.refused, 2, "{r:?}");
    let list = expired::expired(&p).unwrap();
    assert_eq!(
        list.iter()
            .map(|e| (e.mutation_id, e.follows_expired, e.local_refusal.is_none()))
            .collect::<Vec<_>>(),
        vec![
            (create.mutation_id, false, true),
            (submit.mutation_id, true, true)
        ]
    );
    let out = expired::reconfirm(&mut p, &Selection::All, true).unwrap();
    assert_eq!(out.reconfirmed.len(), 2, "{out:?}");
    let r = p.sync_with(&server, SyncOptions::default()).unwrap();
    assert_eq!((r.applied, r.refused), (2, 0), "{r:?}");
    assert!(expired::expired(&p).unwrap().is_empty());
    assert_eq!(server.inner.lock().unwrap().applied, 2);
}

#[test]
fn logout_keeps_the_database_key_and_removal_leaves_nothing_in_the_keyring() {
    let server = FakeServer::new(t0(), users());
    let dir = tempfile::tempdir().unwrap();
    let profile_dir = dir.path().join("p");
    let creds = Arc::new(MemoryCredentials::default());
    let clock = Arc::new(ManualClock::new(t0()));
    let mut p = Profile::open(&profile_dir, creds.clone(), clock.clone()).unwrap();
    let id = p.id().to_owned();
    p.login_with(&server, "rev1", "pw").unwrap();
    creds.set(&id, Secret::Password, "pw").unwrap();
    p.logout().unwrap();
    assert_eq!(creds.get(&id, Secret::Token).unwrap(), None);
    assert!(creds.get(&id, Secret::DatabaseKey).unwrap().is_some());
    drop(p);
    // The data is still readable after the logout.
    let mut p = Profile::open(&profile_dir, creds.clone(), clock.clone()).unwrap();
    p.login_with(&server, "rev1", "pw").unwrap();
    drop(p);

    // Removal: refused while something is unsent, unless told to discard it.
    let session = Session::new(Profile::open(&profile_dir, creds.clone(), clock.clone()).unwrap());
    session
        .with(|p| {
            p.store_mut().enqueue_replacing(
                crate::store::NewCommand {
                    command: case_cmd(
                        "C-5",
                        CaseCommand::Create {
                            application: ApplicationId::new("APP-5"),
                            project: ProjectId::new("P-1"),
                            works: WorksId::new("W-1"),
                            item: ItemCode::new("ZJJ-01"),
                            department: DepartmentCode::new("ZJJ"),
                            applicant: OrganisationId::new("ORG1"),
                            commitment_allowed: false,
                            number: None,
                        },
                    ),
                    acted_at: t0(),
                    opinion: None,
                    attachments: vec![],
                },
                &actor_of(&users()[0]),
                t0(),
                None,
            )
        })
        .unwrap();
    let err = session.remove_profile(false).unwrap_err();
    assert!(err.to_string().contains("1 条操作尚未同步"), "{err}");
    assert!(creds.get(&id, Secret::DatabaseKey).unwrap().is_some());
    let removed = session.remove_profile(true).unwrap();
    assert_eq!(removed.discarded, 1);
    for secret in Secret::ALL {
        assert_eq!(creds.get(&id, secret).unwrap(), None, "{secret:?}");
    }
    // The session goes on with a fresh, empty profile of its own.
    let fresh = session.with(|p| p.id().to_owned());
    assert_ne!(fresh, id);
    assert_eq!(session.with(|p| p.store().pending_count().unwrap()), 0);
    assert!(session.with(|p| p.store().sync_state().unwrap().user.is_none()));

    // The library call the CLI uses: nothing of the fresh one is left either.
    drop(session);
    crate::profile::remove(&profile_dir, creds.clone(), clock, false).unwrap();
    for secret in Secret::ALL {
        assert_eq!(creds.get(&fresh, secret).unwrap(), None, "{secret:?}");
    }
    assert!(!profile_dir.exists());
}

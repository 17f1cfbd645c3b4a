//! Unit tests of the sync engine's retry and rebase logic against the in-test fake server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::clock::ManualClock;
use crate::credentials::MemoryCredentials;
use crate::engine::SyncOptions;
use crate::error::ClientError;
use crate::fake::FakeServer;
use crate::profile::Profile;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand, CaseState};
use permitdesk_domain::ids::*;
use permitdesk_protocol::{
    CommandEnvelope, DomainCommand, DomainEvent, EntityRef, PullQuery, UserInfo,
};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

fn user(id: &str, role: Role, dept: Option<&str>, org: Option<&str>) -> UserInfo {
    UserInfo {
        id: UserId::new(id),
        name: format!("用户{id}"),
        role,
        department: dept.map(DepartmentCode::new),
        organisation: org.map(OrganisationId::new),
        levels: vec![],
    }
}

fn users() -> Vec<UserInfo> {
    vec![
        user("app", Role::Applicant, None, Some("ORG1")),
        user("win", Role::WindowOperator, None, None),
        // Both hold the first level (层级权限), so either may sign it.
        UserInfo {
            levels: vec!["受理".into()],
            ..user("rev1", Role::DepartmentReviewer, Some("ZJJ"), None)
        },
        UserInfo {
            levels: vec!["受理".into()],
            ..user("rev2", Role::DepartmentReviewer, Some("ZJJ"), None)
        },
        // The department's head: holds the top level, so grants extensions (延期).
        UserInfo {
            levels: vec!["审核".into()],
            ..user("head", Role::DepartmentReviewer, Some("ZJJ"), None)
        },
    ]
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

struct Client {
    _dir: tempfile::TempDir,
    profile: Profile,
    clock: Arc<ManualClock>,
}

fn client(server: &FakeServer, login: &str, skew: Duration) -> Client {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(server.now + skew));
    let mut profile = Profile::open(
        dir.path(),
        Arc::new(MemoryCredentials::default()),
        clock.clone(),
    )
    .unwrap();
    profile.login_with(server, login, "pw").unwrap();
    Client {
        _dir: dir,
        profile,
        clock,
    }
}

impl Client {
    /// The local view of case `id`, if the client holds it.
    fn case(&self, id: &str) -> Option<permitdesk_domain::case::Case> {
        self.profile.store().case(&CaseId::new(id)).unwrap()
    }
}

fn case_cmd(id: &str, command: CaseCommand) -> DomainCommand {
    DomainCommand::Case {
        case: CaseId::new(id),
        command,
    }
}

fn create(id: &str) -> DomainCommand {
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
    )
}

/// Put a case into review directly on the server, as other clients would have.
fn server_case_in_review(server: &FakeServer, id: &str) {
    let mut inner = server.inner.lock().unwrap();
    let steps = [
        (0, create(id)),
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
        applied_as(&mut inner, who, command, server.now);
    }
}

/// `command` as the `who`-th of `users()` pushed it at `at`, applied directly on the server (as
/// another client would have): the server's outcome.
fn apply_as(
    inner: &mut crate::fake::Inner,
    who: usize,
    command: DomainCommand,
    at: DateTime<Utc>,
) -> permitdesk_protocol::CommandOutcome {
    let env = CommandEnvelope {
        mutation_id: 0,
        command,
        acted_at: at,
        opinion: None,
        attachments: vec![],
        base_version: 0,
    };
    FakeServer::apply(inner, &actor_of(&users()[who]), &env, at)
}

/// [`apply_as`], and the server must have applied it.
fn applied_as(
    inner: &mut crate::fake::Inner,
    who: usize,
    command: DomainCommand,
    at: DateTime<Utc>,
) {
    let o = apply_as(inner, who, command, at);
    assert!(
        matches!(o, permitdesk_protocol::CommandOutcome::Applied { .. }),
        "{o:?}"
    );
}

/// The sign-off of the first level (受理) of case `id`.
fn sign_first_level(id: &str) -> DomainCommand {
    case_cmd(
        id,
        CaseCommand::SignOff {
            level: "受理".into(),
        },
    )
}

/// One page pulled straight from the server with `token`.
fn pull_page(
    server: &FakeServer,
    token: &str,
    after: u64,
    limit: Option<u32>,
) -> permitdesk_protocol::PullResponse {
    let query = PullQuery {
        after,
        limit,
        client_id: None,
    };
    crate::transport::Transport::pull(server, token, &query).unwrap()
}

/// A fake server with case C-1 in review, and a client of `login` synced with it.
fn c1_in_review(login: &str) -> (FakeServer, Client) {
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    let c = synced_client(&server, login);
    (server, c)
}

/// A client logged in as `login` (no clock skew) that has synced once.
fn synced_client(server: &FakeServer, login: &str) -> Client {
    let mut c = client(server, login, Duration::zero());
    c.profile.sync_with(server, opts()).unwrap();
    c
}

fn opts() -> SyncOptions {
    SyncOptions {
        push_batch: 2,
        pull_limit: 3,
        ..SyncOptions::default()
    }
}

#[test]
fn a_lost_push_answer_is_retried_and_each_command_is_applied_once() {
    let server = FakeServer::new(t0(), users());
    let mut a = client(&server, "app", Duration::zero());
    a.profile.act(create("C-1"), None, vec![]).unwrap();
    a.profile
        .act(
            case_cmd(
                "C-1",
                CaseCommand::Submit {
                    stamped_form: AttachmentId::new("f".repeat(64)),
                },
            ),
            None,
            vec![],
        )
        .unwrap();
    server.inner.lock().unwrap().lose_next_push_answer = true;
    let first = a.profile.sync_with(&server, opts()).unwrap();
    assert!(first.offline.is_some() && !first.complete);
    assert_eq!(
        a.profile.store().pending_count().unwrap(),
        2,
        "unanswered commands stay queued"
    );
    let second = a.profile.sync_with(&server, opts()).unwrap();
    assert!(second.complete, "{second:?}");
    assert_eq!(
        server.inner.lock().unwrap().applied,
        2,
        "each command applied exactly once"
    );
    assert_eq!(a.profile.store().pending_count().unwrap(), 0);
    let local = a.case("C-1").unwrap();
    assert_eq!(local.state, CaseState::Submitted);
    assert_eq!(
        a.profile
            .store()
            .confirmed(&EntityRef::Case(CaseId::new("C-1")))
            .unwrap()
            .version(),
        2
    );
    let log = a.profile.store().command_log().unwrap();
    assert_eq!(
        log.iter().map(|l| l.outcome.as_str()).collect::<Vec<_>>(),
        ["applied", "applied"]
    );
}

#[test]
fn a_refusal_whose_answer_was_lost_is_still_shown_to_the_user() {
    let (server, mut r2) = c1_in_review("rev2");
    r2.profile
        .act(sign_first_level("C-1"), Some("同意".into()), vec![])
        .unwrap();
    // Someone else signed first; r2's push is refused, and the answer is lost.
    {
        let mut inner = server.inner.lock().unwrap();
        apply_as(&mut inner, 2, sign_first_level("C-1"), server.now);
        inner.lose_next_push_answer = true;
    }
    assert!(
        r2.profile
            .sync_with(&server, opts())
            .unwrap()
            .offline
            .is_some()
    );
    let report = r2.profile.sync_with(&server, opts()).unwrap();
    assert!(report.complete);
    assert_eq!(report.refused, 1);
    let refusals = r2.profile.store().refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].envelope.opinion.as_deref(), Some("同意"));
    assert_eq!(
        r2.profile.store().command_log().unwrap()[0].outcome,
        "refused"
    );
}

#[test]
fn two_offline_reviewers_sign_the_same_level_and_the_loser_sees_why() {
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    let mut r1 = client(&server, "rev1", Duration::zero());
    let mut r2 = client(&server, "rev2", Duration::zero());
    r1.profile.sync_with(&server, opts()).unwrap();
    r2.profile.sync_with(&server, opts()).unwrap();
    let sign = sign_first_level("C-1");
    r1.profile
        .act(sign.clone(), Some("同意".into()), vec![])
        .unwrap();
    r2.profile
        .act(sign, Some("我的意见：材料齐全".into()), vec![])
        .unwrap();
    assert!(r1.profile.sync_with(&server, opts()).unwrap().complete);
    let report = r2.profile.sync_with(&server, opts()).unwrap();
    assert_eq!((report.applied, report.refused), (0, 1));
    let refusals = r2.profile.store().refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert!(
        refusals[0].message.contains("“受理”已由用户rev1于"),
        "{}",
        refusals[0].message
    );
    assert_eq!(
        refusals[0].envelope.opinion.as_deref(),
        Some("我的意见：材料齐全"),
        "what the user typed is kept"
    );
    let c = r2.case("C-1").unwrap();
    assert_eq!(c.sign_offs.len(), 1);
    assert_eq!(c.sign_offs[0].by.user.as_str(), "rev1");
}

#[test]
fn pending_commands_are_rebased_on_top_of_pulled_events() {
    let (server, mut r2) = c1_in_review("rev2");
    // rev2 signs the first level offline; meanwhile nothing conflicts but the case moves on
    // the server by an extension from the head.
    r2.profile
        .act(sign_first_level("C-1"), None, vec![])
        .unwrap();
    let extend = CaseCommand::Extend {
        days: 5,
        reason: "专家评审".into(),
    };
    applied_as(
        &mut server.inner.lock().unwrap(),
        4,
        case_cmd("C-1", extend),
        server.now,
    );
    // Pull only (as if the push had failed): the view is the new server state plus the
    // still-pending sign-off.
    let page = pull_page(
        &server,
        "tok-rev2",
        r2.profile.store().cursor().unwrap(),
        None,
    );
    r2.profile.store_mut().ingest(&page).unwrap();
    let id = EntityRef::Case(CaseId::new("C-1"));
    let confirmed = match r2.profile.store().confirmed(&id).unwrap() {
        crate::store::EntityState::Case(c) => c.unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(
        (confirmed.extensions.len(), confirmed.sign_offs.len()),
        (1, 0)
    );
    let view = r2.case("C-1").unwrap();
    assert_eq!(
        (view.extensions.len(), view.sign_offs.len()),
        (1, 1),
        "the pending sign-off sits on the pulled state"
    );
    assert_eq!(view.limit_working_days(), Some(25));
    assert!(r2.profile.sync_with(&server, opts()).unwrap().complete);
    assert_eq!(r2.profile.store().pending_count().unwrap(), 0);
    assert_eq!(r2.profile.store().confirmed(&id).unwrap().version(), 6);
}

#[test]
fn a_tampered_event_is_refused_and_nothing_of_the_page_is_stored() {
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    let mut r1 = client(&server, "rev1", Duration::zero());
    let mut page = pull_page(&server, "tok-rev1", 0, None);
    if let DomainEvent::Case(s) = &mut page.events[2].event {
        s.event.opinion = Some("篡改".into());
    }
    let err = r1.profile.store_mut().ingest(&page).unwrap_err();
    assert!(matches!(err, ClientError::TrailBroken { .. }), "{err}");
    assert_eq!(r1.profile.store().event_count().unwrap(), 0);
    assert_eq!(r1.profile.store().cursor().unwrap(), 0);
    // A gap (an event missing) is refused too.
    let mut gap = pull_page(&server, "tok-rev1", 0, None);
    gap.events.remove(1);
    assert!(matches!(
        r1.profile.store_mut().ingest(&gap),
        Err(ClientError::TrailBroken { .. })
    ));
    // The genuine page goes in, and a repeated page is harmless.
    let good = pull_page(&server, "tok-rev1", 0, None);
    r1.profile.store_mut().ingest(&good).unwrap();
    let again = r1.profile.store_mut().ingest(&good).unwrap();
    assert_eq!((again.events, again.duplicates), (0, 4));
    assert_eq!(
        crate::reads::trail(r1.profile.store(), &EntityRef::Case(CaseId::new("C-1")))
            .unwrap()
            .broken,
        None
    );
}

#[test]
fn removals_delete_the_local_copy() {
    let (server, mut r1) = c1_in_review("rev1");
    assert!(r1.case("C-1").is_some());
    server
        .inner
        .lock()
        .unwrap()
        .removals
        .push(EntityRef::Case(CaseId::new("C-1")));
    let report = r1.profile.sync_with(&server, opts()).unwrap();
    assert_eq!(report.pulled.removed, 1);
    assert!(r1.case("C-1").is_none());
    assert_eq!(r1.profile.store().event_count().unwrap(), 0);
}

#[test]
fn offline_actions_carry_the_time_corrected_by_the_measured_offset() {
    let server = FakeServer::new(t0(), users());
    // The applicant's PC is three hours slow.
    let mut a = client(&server, "app", Duration::hours(-3));
    a.clock.advance(Duration::minutes(10));
    server.inner.lock().unwrap().down = true;
    let env = a.profile.act(create("C-9"), None, vec![]).unwrap();
    assert_eq!(env.acted_at, t0() + Duration::minutes(10));
    let report = a.profile.sync_with(&server, opts()).unwrap();
    assert!(report.offline.is_some());
    assert_eq!(a.profile.store().pending_count().unwrap(), 1);
}

#[test]
fn a_locally_refused_action_is_not_queued() {
    let server = FakeServer::new(t0(), users());
    let mut w = client(&server, "win", Duration::zero());
    let err = w
        .profile
        .act(case_cmd("C-404", CaseCommand::Receive), None, vec![])
        .unwrap_err();
    assert!(matches!(err, ClientError::Refused(_)), "{err}");
    assert_eq!(w.profile.store().pending_count().unwrap(), 0);
    assert_eq!(
        w.profile.store().sync_state().unwrap().next_mutation_id,
        1,
        "no mutation id is used up"
    );
}

#[test]
fn the_reviewer_queue_puts_the_nearest_deadline_first_and_paused_cases_last() {
    let server = FakeServer::new(t0(), users());
    {
        let mut inner = server.inner.lock().unwrap();
        let mut push = |who: usize, command: DomainCommand, at: DateTime<Utc>| {
            applied_as(&mut inner, who, command, at)
        };
        // C-late accepted a week after C-early; C-paused paused; C-draft not accepted yet.
        for (id, accepted) in [
            ("C-late", t0() + Duration::days(7)),
            ("C-early", t0()),
            ("C-paused", t0() + Duration::days(1)),
        ] {
            push(0, create(id), t0() - Duration::days(1));
            push(
                0,
                case_cmd(
                    id,
                    CaseCommand::Submit {
                        stamped_form: AttachmentId::new("f".repeat(64)),
                    },
                ),
                t0() - Duration::days(1),
            );
            push(1, case_cmd(id, CaseCommand::Receive), accepted);
            let terms = AcceptanceTerms {
                catalogue_version: "t".into(),
                time_limit_working_days: 5,
                review_levels: vec!["受理".into()],
            };
            push(
                1,
                case_cmd(
                    id,
                    CaseCommand::Accept {
                        terms,
                        commitment_based: false,
                    },
                ),
                accepted,
            );
        }
        let points = vec![permitdesk_domain::case::CorrectionPoint {
            material: "图纸".into(),
            reason: "不清".into(),
        }];
        push(
            2,
            case_cmd("C-paused", CaseCommand::Pause { points }),
            t0() + Duration::days(2),
        );
        push(0, create("C-draft"), t0());
    }
    let r = synced_client(&server, "rev1");
    let user = r.profile.store().sync_state().unwrap().user.unwrap();
    // As of 10 days after C-early's acceptance: C-early is overdue, C-late is not.
    let q = crate::reads::queue(r.profile.store(), &user, t0() + Duration::days(10)).unwrap();
    let order: Vec<&str> = q.iter().map(|e| e.case.as_str()).collect();
    assert_eq!(order, ["C-early", "C-late", "C-paused"]);
    use permitdesk_domain::clock::WarningLevel;
    assert_eq!(
        q.iter().map(|e| e.level).collect::<Vec<_>>(),
        [
            Some(WarningLevel::Overdue),
            Some(WarningLevel::Normal),
            Some(WarningLevel::Paused)
        ]
    );
    assert!(q[0].deadline.is_some() && q[2].deadline.is_none());
    // The window's queue holds what it must handle; the draft is nobody's but the applicant's.
    let w = synced_client(&server, "win");
    let wuser = w.profile.store().sync_state().unwrap().user.unwrap();
    assert!(
        crate::reads::queue(w.profile.store(), &wuser, t0())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_desk_lists_todo_done_and_all_by_who_acted() {
    use crate::reads::{DeskList, desk};
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    server_case_in_review(&server, "C-2");
    // rev2 signs C-2 on the server; rev1 signs C-1 offline (still in the outbox).
    applied_as(
        &mut server.inner.lock().unwrap(),
        3,
        sign_first_level("C-2"),
        t0(),
    );
    let mut r1 = synced_client(&server, "rev1");
    r1.profile
        .act(sign_first_level("C-1"), Some("同意".into()), vec![])
        .unwrap();
    let ids = |c: &Client, user: &str, list: DeskList| -> Vec<String> {
        let u = users().into_iter().find(|u| u.id.as_str() == user).unwrap();
        desk(c.profile.store(), &u, t0(), list)
            .unwrap()
            .into_iter()
            .map(|e| e.case.to_string())
            .collect()
    };
    // 已办 of rev1: C-1, acted on offline; not C-2, signed by someone else.
    assert_eq!(ids(&r1, "rev1", DeskList::Done), ["C-1"]);
    assert_eq!(ids(&r1, "rev1", DeskList::All).len(), 2);
    // rev2's 已办 comes from the synced trail.
    let r2 = synced_client(&server, "rev2");
    assert_eq!(ids(&r2, "rev2", DeskList::Done), ["C-2"]);
    // The window received and accepted both: nothing left to do, both done, with the time
    // they were received; no next action outside 待办.
    let w = synced_client(&server, "win");
    assert!(ids(&w, "win", DeskList::Todo).is_empty());
    let done = desk(w.profile.store(), &users()[1], t0(), DeskList::Done).unwrap();
    assert_eq!(done.len(), 2);
    for e in &done {
        assert_eq!(
            e.received_at.as_deref(),
            Some(
                permitdesk_domain::time::format_minute(permitdesk_domain::time::to_local(t0()))
                    .as_str()
            )
        );
        assert_eq!(e.next_action, None);
        assert_eq!(e.project_name, "", "the project is not in this store");
    }
    // The applicant who acted on nothing after submitting still finds the cases it submitted.
    let a = synced_client(&server, "app");
    assert_eq!(ids(&a, "app", DeskList::Done).len(), 2);
    assert_eq!(ids(&a, "app", DeskList::Todo).len(), 0);
}

#[test]
fn a_reviewer_finds_in_todo_only_the_cases_waiting_for_a_level_they_hold() {
    use crate::reads::{DeskList, desk};
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    server_case_in_review(&server, "C-2");
    // rev2 signs C-2's first level (受理); its next level (审核) is the head's.
    applied_as(
        &mut server.inner.lock().unwrap(),
        3,
        sign_first_level("C-2"),
        t0(),
    );
    let todo = |user: &str| -> Vec<(String, Option<String>)> {
        let c = synced_client(&server, user);
        let u = users().into_iter().find(|u| u.id.as_str() == user).unwrap();
        desk(c.profile.store(), &u, t0(), DeskList::Todo)
            .unwrap()
            .into_iter()
            .map(|e| (e.case.to_string(), e.next_action))
            .collect()
    };
    let first = Some("层级审批：受理".to_owned());
    // rev1 holds 受理: only C-1 waits for it.
    assert_eq!(todo("rev1"), [("C-1".to_owned(), first.clone())]);
    // rev2 holds 受理 too, and signed C-2 already: C-1 only.
    assert_eq!(todo("rev2"), [("C-1".to_owned(), first)]);
    // The head holds 审核: C-2 only, once its 受理 is signed; C-1 waits for a 受理 first.
    assert_eq!(
        todo("head"),
        [("C-2".to_owned(), Some("层级审批：审核".to_owned()))]
    );
    // Neither case disappears from the head's 全部.
    let h = synced_client(&server, "head");
    let u = users()
        .into_iter()
        .find(|u| u.id.as_str() == "head")
        .unwrap();
    assert_eq!(
        desk(h.profile.store(), &u, t0(), DeskList::All)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_pull_cut_between_pages_leaves_nothing_behind_after_a_restart() {
    let server = FakeServer::new(t0(), users());
    server_case_in_review(&server, "C-1");
    server_case_in_review(&server, "C-2");
    let dir = tempfile::tempdir().unwrap();
    let creds: Arc<dyn crate::credentials::CredentialStore> =
        Arc::new(MemoryCredentials::default());
    let clock = Arc::new(ManualClock::new(t0()));
    {
        let mut p = Profile::open(dir.path(), creds.clone(), clock.clone()).unwrap();
        p.login_with(&server, "rev1", "pw").unwrap();
        let page = pull_page(&server, "tok-rev1", 0, Some(5));
        assert!(page.has_more);
        p.store_mut().ingest(&page).unwrap();
        // The process dies here: the page's events are committed, its projections only in memory.
    }
    let p = Profile::open(dir.path(), creds, clock).unwrap();
    let c1 = p.store().case(&CaseId::new("C-1")).unwrap().unwrap();
    assert_eq!(c1.version, 4, "rebuilt from the stored events on open");
    assert_eq!(p.store().event_count().unwrap(), 5);
    assert_eq!(
        p.store()
            .confirmed(&EntityRef::Case(CaseId::new("C-2")))
            .unwrap()
            .version(),
        1
    );
}

/// The demo catalogue with ZJJ-01 at 20 working days instead of 10, version 2026.9.
fn catalogue_zjj01_20_days() -> String {
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    let at = text.find("code = \"ZJJ-01\"").unwrap();
    let (head, tail) = text.split_at(at);
    let tail = tail.replacen(
        "time_limit_working_days = 10",
        "time_limit_working_days = 20",
        1,
    );
    let version = permitdesk_domain::catalogue::Catalogue::demo()
        .unwrap()
        .version;
    format!("{head}{tail}").replacen(
        &format!("version = \"{version}\""),
        "version = \"2026.9\"",
        1,
    )
}

#[test]
fn a_push_decided_with_older_reference_data_is_redecided_with_the_new_and_pushed_again() {
    use crate::ops::{CaseAction, case_command};
    use permitdesk_domain::reference::ReferenceKind as K;
    let server = FakeServer::new(t0(), users());
    {
        let mut inner = server.inner.lock().unwrap();
        let steps = [
            (0, create("C-1")),
            (
                0,
                case_cmd(
                    "C-1",
                    CaseCommand::Submit {
                        stamped_form: AttachmentId::new("f".repeat(64)),
                    },
                ),
            ),
            (1, case_cmd("C-1", CaseCommand::Receive)),
        ];
        for (who, command) in steps {
            apply_as(&mut inner, who, command, server.now);
        }
    }
    let mut w = synced_client(&server, "win");
    // The window accepts offline: the terms come from the catalogue it holds (10 days).
    let (cmd, files) = case_command(
        &w.profile,
        &CaseId::new("C-1"),
        CaseAction::Accept { commitment: false },
    )
    .unwrap();
    let CaseCommand::Accept { terms, .. } = (match &cmd {
        DomainCommand::Case { command, .. } => command.clone(),
        _ => unreachable!(),
    }) else {
        unreachable!()
    };
    assert_eq!(terms.time_limit_working_days, 10);
    w.profile
        .act(cmd, Some("材料齐全，予以受理".into()), files)
        .unwrap();
    // The reform office imports a catalogue with ZJJ-01 at 20 days after this client fetched
    // the reference data and before its push arrives: the server refuses the push whole.
    server.inner.lock().unwrap().import_before_next_push =
        Some((K::Catalogue, catalogue_zjj01_20_days()));
    let report = w.profile.sync_with(&server, opts()).unwrap();
    assert!(report.complete, "{report:?}");
    assert_eq!(report.stale_reference, 1);
    assert_eq!(report.reference_updated, [K::Catalogue]);
    assert_eq!(report.redecided, 1, "the acceptance terms were rebuilt");
    assert_eq!(
        (report.applied, report.refused, report.pending),
        (1, 0, 0),
        "nothing lost, nothing refused"
    );
    {
        let inner = server.inner.lock().unwrap();
        assert_eq!(inner.stale_refusals, 1);
        assert_eq!(inner.pushed_with.len(), 2, "pushed again once");
        assert_eq!(inner.pushed_with[0].get(&K::Catalogue), Some(&0));
        assert_eq!(inner.pushed_with[1].get(&K::Catalogue), Some(&1));
        let (case, _) = &inner.cases["case:C-1"];
        let terms = case.terms.as_ref().unwrap();
        assert_eq!(terms.time_limit_working_days, 20);
        assert_eq!(terms.catalogue_version, "2026.9");
    }
    // The client decides with the new catalogue from now on, and holds the accepted case.
    let set = w.profile.reference().unwrap();
    assert_eq!(set.version(K::Catalogue), 1);
    let c = w.case("C-1").unwrap();
    assert_eq!(c.state, CaseState::InReview);
    assert_eq!(c.terms.unwrap().time_limit_working_days, 20);
    assert!(w.profile.store().refusals().unwrap().is_empty());
}

#[test]
fn a_second_stale_answer_keeps_the_commands_queued_and_says_why() {
    use permitdesk_domain::reference::ReferenceKind as K;
    let server = FakeServer::new(t0(), users());
    let mut a = client(&server, "app", Duration::zero());
    a.profile.act(create("C-7"), None, vec![]).unwrap();
    // The server's calendar is newer, but the version it sends does not verify: the client
    // cannot catch up, so the push is refused twice and the command stays queued.
    {
        let mut inner = server.inner.lock().unwrap();
        inner.import(K::Calendar, permitdesk_domain::SHIPPED_HOLIDAYS_TOML, t0());
        inner.reference[0].sha256 = "0".repeat(64);
    }
    let err = a.profile.sync_with(&server, opts()).unwrap_err();
    assert!(
        matches!(&err, ClientError::Api(e) if e.code == permitdesk_protocol::ErrorCode::StaleReference),
        "{err:?}"
    );
    assert_eq!(
        a.profile.store().pending_count().unwrap(),
        1,
        "nothing lost"
    );
    assert_eq!(server.inner.lock().unwrap().stale_refusals, 2);
    assert_eq!(a.profile.reference().unwrap().version(K::Calendar), 0);
}

/// A careless 2,001-character opinion is refused before it is queued (the domain's limit, the
/// same the server applies), so it can never block the outbox; within the limit it goes.
#[test]
fn an_overlong_opinion_is_refused_before_it_is_queued() {
    let server = FakeServer::new(t0(), users());
    let mut a = client(&server, "app", Duration::zero());
    let err = a
        .profile
        .act(create("C-1"), Some("意".repeat(2001)), vec![])
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Invalid(m) if m.contains("2000")),
        "{err:?}"
    );
    assert_eq!(a.profile.store().pending_count().unwrap(), 0);
    a.profile
        .act(create("C-1"), Some("意".repeat(2000)), vec![])
        .unwrap();
    assert_eq!(a.profile.store().pending_count().unwrap(), 1);
}

#[test]
fn reads_and_actions_go_on_while_a_sync_waits_for_the_server() {
    use crate::Session;
    let server = FakeServer::new(t0(), users());
    let Client { _dir, profile, .. } = client(&server, "app", Duration::zero());
    let session = Session::new(profile);
    session
        .with(|p| p.act(create("C-1"), None, vec![]))
        .unwrap();
    let (entered_tx, entered) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    *server.hold_next_push.lock().unwrap() = Some((entered_tx, release_rx));
    std::thread::scope(|scope| {
        let sync = scope.spawn(|| session.sync_with(&server, SyncOptions::default()));
        // The sync is now inside the push, waiting for the "network".
        entered.recv().unwrap();
        // A read completes (it would wait forever if the sync held the profile)...
        let status = session.with(|p| crate::reads::status(p.store())).unwrap();
        assert_eq!(status.pending, 1);
        let case = session.with(|p| p.store().case(&CaseId::new("C-1")));
        assert!(case.unwrap().is_some());
        // ...and so does an action: queued locally, pushed by the same sync after the first.
        session
            .with(|p| p.act(create("C-2"), None, vec![]))
            .unwrap();
        release.send(()).unwrap();
        let report = sync.join().unwrap().unwrap();
        assert!(report.complete, "{report:?}");
        assert_eq!((report.applied, report.pending), (2, 0), "{report:?}");
    });
    assert_eq!(session.with(|p| p.store().cases()).unwrap().len(), 2);
}

#[test]
fn a_page_is_stored_in_parts_each_ending_where_a_restart_resumes() {
    use crate::engine::split_page;
    let server = FakeServer::new(t0(), users());
    for i in 0..2 {
        server_case_in_review(&server, &format!("C-{i}"));
    }
    let _logged_in = client(&server, "rev1", Duration::zero());
    let mut page = pull_page(&server, "tok-rev1", 0, None);
    assert_eq!(page.events.len(), 8);
    page.removals = vec![EntityRef::Case(CaseId::new("C-gone"))];
    page.last_mutation_id = 9;
    let seqs: Vec<u64> = page.events.iter().map(|e| e.server_seq).collect();
    let parts = split_page(page.clone(), 3);
    assert_eq!(
        parts.iter().map(|p| p.events.len()).collect::<Vec<_>>(),
        [3, 3, 2]
    );
    assert_eq!(
        parts.iter().map(|p| p.cursor).collect::<Vec<_>>(),
        [seqs[2], seqs[5], page.cursor]
    );
    assert_eq!(
        parts.iter().map(|p| p.has_more).collect::<Vec<_>>(),
        [true, true, page.has_more]
    );
    // Removals and the acknowledged mutation come with the last part only.
    assert!(
        parts[..2]
            .iter()
            .all(|p| p.removals.is_empty() && p.last_mutation_id == 0)
    );
    assert_eq!((parts[2].removals.len(), parts[2].last_mutation_id), (1, 9));
    // A page out of server order is kept whole.
    let mut shuffled = page.clone();
    shuffled.events.swap(0, 1);
    assert_eq!(split_page(shuffled, 3).len(), 1);
    assert_eq!(split_page(page, 100).len(), 1);
}

#[test]
fn a_sync_stored_and_projected_in_small_steps_ends_as_a_whole_one() {
    let server = FakeServer::new(t0(), users());
    for i in 0..12 {
        server_case_in_review(&server, &format!("C-{i:02}"));
    }
    let whole = synced_client(&server, "rev1");
    let mut parts = client(&server, "rev1", Duration::zero());
    let small = SyncOptions {
        pull_limit: 100,
        store_chunk: 5,
        project_chunk: 2,
        ..SyncOptions::default()
    };
    let report = parts.profile.sync_with(&server, small).unwrap();
    assert!(report.complete);
    assert_eq!(report.pulled.events, 48);
    assert_eq!(report.pull_pages, 1, "one page, stored in ten parts");
    let cases = |c: &Client| c.profile.store().cases().unwrap();
    assert_eq!(cases(&parts), cases(&whole));
    assert_eq!(cases(&parts).len(), 12);
    assert!(
        cases(&parts).iter().all(|c| c.version == 4),
        "every projection written"
    );
    assert_eq!(
        parts.profile.store().cursor().unwrap(),
        whole.profile.store().cursor().unwrap()
    );
}

#[test]
fn the_applicant_takes_a_material_off_a_draft_and_the_server_agrees() {
    use crate::ops::{CaseAction as UiCase, case_command};
    let server = FakeServer::new(t0(), users());
    let mut a = synced_client(&server, "app");
    a.profile.act(create("C-1"), None, vec![]).unwrap();
    let file = AttachmentId::new("a".repeat(64));
    a.profile
        .act(
            case_cmd(
                "C-1",
                CaseCommand::AttachMaterial {
                    material: "建设工程规划许可申请表".into(),
                    attachment: file.clone(),
                },
            ),
            None,
            vec![file],
        )
        .unwrap();
    assert_eq!(a.case("C-1").unwrap().materials.len(), 1);
    let (command, files) = case_command(
        &a.profile,
        &CaseId::new("C-1"),
        UiCase::DetachMaterial {
            material: " 建设工程规划许可申请表 ".into(),
        },
    )
    .unwrap();
    assert!(files.is_empty());
    a.profile.act(command, None, vec![]).unwrap();
    assert!(a.case("C-1").unwrap().materials.is_empty(), "gone locally");
    let report = a.profile.sync_with(&server, opts()).unwrap();
    assert_eq!((report.applied, report.refused), (3, 0), "{report:?}");
    assert!(
        a.case("C-1").unwrap().materials.is_empty(),
        "and on the server"
    );
}

//! 参考数据 owned by the server (issue 11), over HTTPS on the backend PERMITDESK_TEST_DATABASE
//! selects: the reform office imports a 2027 holiday table and a 20-working-day case accepted
//! on 4 December 2026 turns from provisional to final, with a notification for everyone who
//! sees the case; others may not import; a malformed file, an overlapping year without
//! `replace` and a dry run change nothing; a push decided with older reference data is refused
//! whole (409 stale_reference) and accepted once the client has the new versions, including
//! after an import done directly on the database (the admin CLI's path); a 行政区划 list
//! reaches clients and decides where a project may be registered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http_world;

use http_world::{World, t};
use permitdesk_domain::ids::{DepartmentCode, ProjectId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_domain::reference::{ReferenceKind as K, ReferenceVersions};
use permitdesk_protocol::reference::{
    ReferenceImportReport, ReferenceImportRequest, ReferenceResponse, encode_have,
};
use permitdesk_protocol::{
    CommandEnvelope, CommandOutcome, ErrorCode, NotificationsResponse, PushRequest, PushResponse,
    paths,
};
use permitdesk_server::attachments::sha256_hex;
use permitdesk_server::testing::fixtures::{project_cmd, project_details};
use permitdesk_server::testing::{ApiCallError, ApiClient};

/// A 2027 holiday table for tests (one file, `tests/fixtures/holidays-2027.toml`).
const HOLIDAYS_2027: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/holidays-2027.toml"
));

/// The demo catalogue with ZGJ-04 (建设工程规划许可证核发) at 20 working days, version 2026.2.
fn catalogue_20_days() -> String {
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    let at = text.find("code = \"ZGJ-04\"").unwrap();
    let (head, tail) = text.split_at(at);
    let tail = tail.replacen(
        "time_limit_working_days = 10",
        "time_limit_working_days = 20",
        1,
    );
    format!("{head}{tail}").replacen("version = \"2026.1\"", "version = \"2026.2\"", 1)
}

async fn import(
    c: &ApiClient,
    kind: &str,
    content: &str,
    dry_run: bool,
    replace: bool,
) -> Result<ReferenceImportReport, ApiCallError> {
    ApiClient::send(
        c.request(
            reqwest::Method::POST,
            &format!("{}/{kind}", paths::REFERENCE),
        )
        .json(&ReferenceImportRequest {
            content: content.to_owned(),
            dry_run,
            replace,
        }),
    )
    .await
}

async fn reference(c: &ApiClient, have: &ReferenceVersions) -> ReferenceResponse {
    ApiClient::send(
        c.request(reqwest::Method::GET, paths::REFERENCE)
            .query(&[("have", encode_have(have))]),
    )
    .await
    .unwrap()
}

async fn stored_versions(w: &World) -> ReferenceVersions {
    w.server.state.store.reference_versions().await.unwrap()
}

async fn notifications(c: &ApiClient) -> NotificationsResponse {
    ApiClient::send(c.request(reqwest::Method::GET, paths::NOTIFICATIONS))
        .await
        .unwrap()
}

fn api_error(
    r: Result<impl std::fmt::Debug, ApiCallError>,
) -> (u16, permitdesk_protocol::ApiError) {
    match r {
        Err(ApiCallError::Api { status, error }) => (status, error),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_2027_table_turns_a_provisional_deadline_final_and_tells_everyone_who_sees_the_case() {
    let mut w = World::start().await;
    // Friday 4 December 2026: the 2027 table is not published yet.
    w.clock.set(t("2026-12-04T09:50"));
    let reform = w.server.login("reform").await.unwrap();

    // The catalogue makes ZGJ-04 a 20-working-day item; the case accepted now keeps 20 days.
    let r = import(&reform, "catalogue", &catalogue_20_days(), false, false)
        .await
        .unwrap();
    assert!(r.applied && r.to_version == 1, "{r:?}");
    assert!(
        r.changes
            .iter()
            .any(|l| l.contains("办理时限 10 个工作日改为 20 个工作日")),
        "{r:?}"
    );
    w.project_with_case().await;

    // GET reference warns from 1 November that 2027 is missing.
    let seen = reference(&reform, &ReferenceVersions::new()).await;
    assert!(
        seen.calendar_warning
            .as_deref()
            .is_some_and(|m| m.contains("2027 年")),
        "{seen:?}"
    );
    assert_eq!(seen.versions[&K::Catalogue], 1);
    assert_eq!(seen.changed.len(), 1, "only the catalogue is newer");

    // A dry run shows the move and changes nothing.
    let before = stored_versions(&w).await;
    let dry = import(&reform, "calendar", HOLIDAYS_2027, true, false)
        .await
        .unwrap();
    assert!(!dry.applied && dry.dry_run, "{dry:?}");
    assert_eq!((dry.from_version, dry.to_version, dry.notified), (0, 0, 0));
    assert_eq!(dry.deadlines_moved.len(), 1, "{dry:?}");
    let m = &dry.deadlines_moved[0];
    assert_eq!(m.case, "C-1");
    // 7-31 December: 19 working days; the 20th is Friday 1 January, counted provisionally;
    // with the table 元旦 runs to Sunday 3 January, so the deadline is Monday 4 January.
    assert_eq!(m.from.as_deref(), Some("2027-01-01T17:00"));
    assert_eq!(m.to.as_deref(), Some("2027-01-04T17:00"));
    assert!(m.was_provisional && !m.now_provisional);
    assert_eq!(stored_versions(&w).await, before);
    assert_eq!(w.server.state.reference().version(K::Calendar), 0);

    // Only the reform office imports.
    for who in ["window", "reviewer-zgj-1", "applicant"] {
        let c = w.server.login(who).await.unwrap();
        let (status, e) = api_error(import(&c, "calendar", HOLIDAYS_2027, false, false).await);
        assert_eq!((status, e.code), (403, ErrorCode::Forbidden), "{who}");
    }
    assert_eq!(stored_versions(&w).await, before);

    let r = import(&reform, "calendar", HOLIDAYS_2027, false, false)
        .await
        .unwrap();
    assert!(r.applied, "{r:?}");
    assert_eq!((r.from_version, r.to_version, r.notified), (0, 1, 1));
    assert!(
        r.changes
            .iter()
            .any(|l| l.starts_with("新增 2027 年节假日安排")),
        "{r:?}"
    );
    assert_eq!(r.deadlines_moved, dry.deadlines_moved);
    let set = w.server.state.reference();
    assert_eq!(set.version(K::Calendar), 1);
    assert!(set.calendar.table(2027).is_some() && set.calendar.table(2026).is_some());

    // The recorded history says who, when and what.
    let history = w
        .server
        .state
        .store
        .reference_history(Some(K::Calendar))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].changes, r.changes);
    assert!(!history[0].changed_by.is_empty());

    // A client holding calendar 0 gets the whole merged calendar; one at 1 gets nothing.
    let have: ReferenceVersions = [(K::Catalogue, 1)].into_iter().collect();
    let seen = reference(&reform, &have).await;
    assert_eq!(seen.changed.len(), 1);
    let doc = &seen.changed[0];
    assert_eq!((doc.kind, doc.version), (K::Calendar, 1));
    assert_eq!(doc.sha256, sha256_hex(doc.content.as_bytes()));
    let cal = permitdesk_domain::calendar::WorkingCalendar::from_toml(&doc.content).unwrap();
    assert_eq!(cal.years(), [2022, 2023, 2024, 2025, 2026, 2027]);
    assert!(seen.calendar_warning.is_none(), "{seen:?}");
    let all = reference(&reform, &seen.versions).await;
    assert!(all.changed.is_empty());

    // Everyone who may see the case is told, from what to what; others are not.
    let expected = "办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）";
    for who in ["applicant", "reviewer-zgj-1", "reform"] {
        let c = w.server.login(who).await.unwrap();
        let n = notifications(&c).await;
        let moved: Vec<_> = n
            .notifications
            .iter()
            .filter(|n| n.kind == "deadline_moved")
            .collect();
        assert_eq!(moved.len(), 1, "{who}: {n:?}");
        assert_eq!(moved[0].payload["message"], expected, "{who}");
        assert_eq!(moved[0].payload["case"], "C-1");
    }
    let other = w.server.login("applicant2").await.unwrap();
    assert!(
        !notifications(&other)
            .await
            .notifications
            .iter()
            .any(|n| n.kind == "deadline_moved")
    );

    // The same file again: nothing changes, nobody is told twice.
    let again = import(&reform, "calendar", HOLIDAYS_2027, false, false)
        .await
        .unwrap();
    assert!(!again.applied && again.changes.is_empty(), "{again:?}");
    assert_eq!((again.to_version, again.notified), (1, 0));
}

#[tokio::test]
async fn malformed_and_overlapping_files_change_nothing_unless_replaced() {
    let w = World::start().await;
    let reform = w.server.login("reform").await.unwrap();
    let before = stored_versions(&w).await;

    let malformed =
        "[[year]]\nyear = 2027\nholidays = [ { name = \"元旦\", from = 2027-13-01 } ]\n";
    let (status, e) = api_error(import(&reform, "calendar", malformed, false, false).await);
    assert_eq!((status, e.code), (422, ErrorCode::Invalid));
    assert!(e.message.contains("第 3 行"), "{e:?}");
    let (status, e) = api_error(import(&reform, "catalogue", "version = ", false, false).await);
    assert_eq!(status, 422, "{e:?}");
    assert!(e.message.starts_with("审批事项目录无效"), "{e:?}");
    let (status, _) = api_error(import(&reform, "holidays", HOLIDAYS_2027, false, false).await);
    assert_eq!(status, 404);
    assert_eq!(stored_versions(&w).await, before);

    // 2026 as a file that drops most holidays: the stored year differs, replace is needed.
    let changed_2026 = "[[year]]\nyear = 2026\nholidays = [ { name = \"元旦\", from = 2026-01-01, to = 2026-01-03 } ]\n";
    let r = import(&reform, "calendar", changed_2026, false, false)
        .await
        .unwrap();
    assert!(!r.applied, "{r:?}");
    assert_eq!(r.needs_replace, [2026]);
    assert!(
        r.changes
            .iter()
            .any(|l| l.starts_with("2026 年：删除假期 春节")),
        "{r:?}"
    );
    assert_eq!(stored_versions(&w).await, before);
    assert_eq!(
        w.server
            .state
            .reference()
            .calendar
            .table(2026)
            .unwrap()
            .holidays()
            .len(),
        7
    );

    // A dry run with replace still changes nothing.
    let dry = import(&reform, "calendar", changed_2026, true, true)
        .await
        .unwrap();
    assert!(!dry.applied && dry.dry_run);
    assert_eq!(stored_versions(&w).await, before);

    let r = import(&reform, "calendar", changed_2026, false, true)
        .await
        .unwrap();
    assert!(r.applied && r.to_version == 1, "{r:?}");
    let set = w.server.state.reference();
    assert_eq!(set.calendar.table(2026).unwrap().holidays().len(), 1);
    assert_eq!(set.calendar.years(), [2022, 2023, 2024, 2025, 2026]);
}

fn register(n: u64, id: &str, at: chrono::DateTime<chrono::Utc>) -> CommandEnvelope {
    CommandEnvelope {
        mutation_id: n,
        command: project_cmd(
            id,
            ProjectCommand::RegisterOnline {
                id: ProjectId::new(id),
                details: project_details("参考数据项目", permitdesk_server::demo::BUILDER_ORG8)
                    .unwrap(),
            },
        ),
        acted_at: at,
        opinion: None,
        attachments: vec![],
        base_version: 0,
    }
}

async fn push(
    c: &ApiClient,
    reference: &ReferenceVersions,
    cmd: CommandEnvelope,
) -> Result<PushResponse, ApiCallError> {
    c.push(&PushRequest {
        client_id: "pc-ref".to_owned(),
        commands: vec![cmd],
        reference: reference.clone(),
    })
    .await
}

#[tokio::test]
async fn a_push_decided_with_older_reference_data_is_refused_whole_until_the_client_syncs() {
    let w = World::start().await;
    let reform = w.server.login("reform").await.unwrap();
    let applicant = w.server.login("applicant").await.unwrap();
    let r = import(&reform, "catalogue", &catalogue_20_days(), false, false)
        .await
        .unwrap();
    assert!(r.applied);

    let seq = w.server.state.store.max_server_seq().await.unwrap();
    let old = ReferenceVersions::new();
    let (status, e) = api_error(push(&applicant, &old, register(1, "P-r1", w.now())).await);
    assert_eq!((status, e.code), (409, ErrorCode::StaleReference), "{e:?}");
    assert!(e.message.contains("审批事项目录第 1 版"), "{e:?}");
    assert!(e.message.ends_with("请先同步后再提交"), "{e:?}");
    assert_eq!(w.server.state.store.max_server_seq().await.unwrap(), seq);
    assert_eq!(
        w.server
            .state
            .store
            .last_mutation_id("pc-ref")
            .await
            .unwrap(),
        0,
        "nothing was applied or refused"
    );

    // The client syncs its reference data and pushes the same command again.
    let synced = reference(&applicant, &old).await;
    assert_eq!(synced.changed.len(), 1);
    assert_eq!(synced.changed[0].kind, K::Catalogue);
    let r = push(&applicant, &synced.versions, register(1, "P-r1", w.now()))
        .await
        .unwrap();
    assert!(
        matches!(r.results[0].outcome, CommandOutcome::Applied { .. }),
        "{r:?}"
    );

    // An import done directly on the database (the admin CLI's path) is noticed before the
    // next push: the client holding the old market is told to sync.
    let cli_store = w.server.db.second_store().await.unwrap();
    let current = permitdesk_server::reference::load(cli_store.as_ref())
        .await
        .unwrap();
    let market = permitdesk_domain::intermediary::market::DEMO_MARKET_TOML.replacen(
        "version = \"2026.1\"",
        "version = \"2026.2\"",
        1,
    );
    let report = permitdesk_server::reference::import(
        cli_store.as_ref(),
        &current,
        permitdesk_server::reference::ImportRequest {
            kind: K::Market,
            content: &market,
            by: "admin",
            now: w.now(),
            dry_run: false,
            replace: false,
            instance: "cli",
        },
    )
    .await
    .unwrap();
    assert!(report.applied && report.to_version == 1, "{report:?}");
    let (status, e) =
        api_error(push(&applicant, &synced.versions, register(2, "P-r2", w.now())).await);
    assert_eq!((status, e.code), (409, ErrorCode::StaleReference));
    assert!(e.message.contains("中介服务超市目录第 1 版"), "{e:?}");
    let synced = reference(&applicant, &synced.versions).await;
    assert_eq!(synced.versions[&K::Market], 1);
    let r = push(&applicant, &synced.versions, register(2, "P-r2", w.now()))
        .await
        .unwrap();
    assert!(matches!(
        r.results[0].outcome,
        CommandOutcome::Applied { .. }
    ));

    // A department still sees the market the server decides with.
    let reviewer = w.server.login("reviewer-zgj-1").await.unwrap();
    let m: permitdesk_protocol::commission::MarketResponse =
        ApiClient::send(reviewer.request(reqwest::Method::GET, paths::MARKET))
            .await
            .unwrap();
    assert_eq!(m.market.version, "2026.2");
    let _ = DepartmentCode::new("ZGJ");
}

/// 行政区划 without 道里区 (哈尔滨市 with 南岗区 and 松北区).
const DISTRICTS_WITHOUT_DAOLI: &str = "version = \"2027.1\"\n\
[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n\
[[division]]\ncode = \"230103\"\nname = \"南岗区\"\n\
[[division]]\ncode = \"230109\"\nname = \"松北区\"\n";

/// 行政区划 are reference data: the reform office's import (a malformed list changes nothing)
/// reaches a client by sync; a push decided with the older list is refused whole until the
/// client syncs; then a registration in a district the hall no longer serves is refused by the
/// server and changes nothing, and one in a served district is applied.
#[tokio::test]
async fn a_districts_list_imported_by_the_reform_office_reaches_clients_and_decides_registrations()
{
    let w = World::start().await;
    let reform = w.server.login("reform").await.unwrap();
    let applicant = w.server.login("applicant").await.unwrap();
    let before = stored_versions(&w).await;

    // An abolished division, a wrong name: refused with the line, nothing stored.
    let abolished =
        DISTRICTS_WITHOUT_DAOLI.replace("230109\"\nname = \"松北区", "230182\"\nname = \"双城市");
    let (status, e) = api_error(import(&reform, "districts", &abolished, false, false).await);
    assert_eq!((status, e.code), (422, ErrorCode::Invalid), "{e:?}");
    assert_eq!(
        e.message,
        "行政区划无效：第 9 行：行政区划 230182（双城市）已撤销，不能作为项目所在地"
    );
    let wrong_name = DISTRICTS_WITHOUT_DAOLI.replace("南岗区", "南岗");
    let (status, e) = api_error(import(&reform, "districts", &wrong_name, false, false).await);
    assert_eq!(status, 422, "{e:?}");
    assert!(
        e.message.contains("第 7 行") && e.message.contains("应为“南岗区”"),
        "{e:?}"
    );
    // Only the reform office imports.
    let (status, _) = api_error(
        import(
            &applicant,
            "districts",
            DISTRICTS_WITHOUT_DAOLI,
            false,
            false,
        )
        .await,
    );
    assert_eq!(status, 403);
    // A dry run says what would change and stores nothing.
    let dry = import(&reform, "districts", DISTRICTS_WITHOUT_DAOLI, true, false)
        .await
        .unwrap();
    assert!(dry.dry_run && !dry.applied, "{dry:?}");
    assert!(
        dry.changes
            .contains(&"删除行政区划 道里区（230102）".to_owned()),
        "{dry:?}"
    );
    assert_eq!(stored_versions(&w).await, before);

    let r = import(&reform, "districts", DISTRICTS_WITHOUT_DAOLI, false, false)
        .await
        .unwrap();
    assert!(r.applied && r.to_version == 1, "{r:?}");
    assert_eq!(stored_versions(&w).await[&K::Districts], 1);
    assert!(
        !w.server
            .state
            .reference()
            .districts
            .serves(&permitdesk_domain::codes::RegionCode::parse("230102").unwrap())
    );

    // A client holding the shipped list is told to sync before its push counts.
    let seq = w.server.state.store.max_server_seq().await.unwrap();
    let old = ReferenceVersions::new();
    let (status, e) = api_error(push(&applicant, &old, register(1, "P-d1", w.now())).await);
    assert_eq!((status, e.code), (409, ErrorCode::StaleReference), "{e:?}");
    assert!(e.message.contains("行政区划第 1 版"), "{e:?}");

    // Its sync brings the list's text, which parses with the domain.
    let synced = reference(&applicant, &old).await;
    assert_eq!(synced.versions[&K::Districts], 1);
    let doc = synced
        .changed
        .iter()
        .find(|d| d.kind == K::Districts)
        .unwrap();
    assert_eq!(doc.content, DISTRICTS_WITHOUT_DAOLI);
    assert_eq!(doc.sha256, sha256_hex(DISTRICTS_WITHOUT_DAOLI.as_bytes()));
    assert_eq!(doc.changed_by, "市工改办");
    let parsed = permitdesk_domain::districts::Districts::from_toml(&doc.content).unwrap();
    assert_eq!(parsed.groups()[0].districts.len(), 2);
    // Nothing newer to send after that.
    let again = reference(&applicant, &synced.versions).await;
    assert!(again.changed.is_empty(), "{again:?}");

    // 道里区 (the fixture's district) is refused by the server: nothing is stored.
    let r = push(&applicant, &synced.versions, register(1, "P-d1", w.now()))
        .await
        .unwrap();
    match &r.results[0].outcome {
        CommandOutcome::Refused {
            refusal: permitdesk_protocol::Refusal::Project { message },
        } => assert_eq!(
            message,
            "建设地点所在行政区划 230102（黑龙江省哈尔滨市道里区）不在本大厅服务的行政区划内，请从本大厅服务的行政区划中选择"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.server.state.store.max_server_seq().await.unwrap(), seq);

    // 南岗区 is served.
    let mut in_nangang = register(2, "P-d2", w.now());
    if let permitdesk_protocol::DomainCommand::Project {
        command: ProjectCommand::RegisterOnline { details, .. },
        ..
    } = &mut in_nangang.command
    {
        details.location.district = permitdesk_domain::codes::RegionCode::parse("230103").unwrap();
    }
    let r = push(&applicant, &synced.versions, in_nangang)
        .await
        .unwrap();
    assert!(
        matches!(r.results[0].outcome, CommandOutcome::Applied { .. }),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_catalogue_kept_in_the_old_setting_is_adopted_as_version_1_and_the_demo_one_stays_0() {
    use permitdesk_server::testing::{Backend, TestDatabase};
    let start = |db: &TestDatabase| {
        permitdesk_server::AppState::new(
            db.store.clone(),
            permitdesk_server::config::ServerConfig::default(),
            std::sync::Arc::new(permitdesk_server::clock::SystemClock),
        )
    };
    let db = TestDatabase::create(&Backend::from_env()).await.unwrap();
    db.store
        .set_setting(
            permitdesk_server::http::CATALOGUE_SETTING,
            permitdesk_domain::DEMO_CATALOGUE_TOML,
        )
        .await
        .unwrap();
    let state = start(&db).await.unwrap();
    assert_eq!(state.reference().version(K::Catalogue), 0);

    db.store
        .set_setting(
            permitdesk_server::http::CATALOGUE_SETTING,
            &catalogue_20_days(),
        )
        .await
        .unwrap();
    let state = start(&db).await.unwrap();
    let set = state.reference();
    assert_eq!(set.version(K::Catalogue), 1);
    assert_eq!(set.catalogue.version, "2026.2");
    // A second start adopts nothing more.
    let again = start(&db).await.unwrap();
    assert_eq!(again.reference().version(K::Catalogue), 1);
    assert_eq!(
        db.store
            .reference_history(Some(K::Catalogue))
            .await
            .unwrap()
            .len(),
        1
    );
}

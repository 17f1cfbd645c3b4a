//! 参考数据 reaches clients by sync (issue 11), against the real server in process on the
//! backend PERMITDESK_TEST_DATABASE selects: the reform office imports a catalogue (ZGJ-04 at 20
//! working days) and a 2027 holiday table through its own client; a window's client syncs, decides
//! its acceptance with the new catalogue (the server accepts it), and the deadline of the case
//! accepted on 4 December 2026 turns from provisional (暂定：缺少 2027 年节假日安排) to final.
//! A dry run and a malformed file change nothing; only the reform office may import.
//! The 行政区划 the hall serves travel the same way: a list imported by the reform office
//! reaches an applicant's client, which then offers only those districts and refuses locally a
//! registration in another one (nothing queued), as the server would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::{DateTime, Utc};
use permitdesk_client::clock::ManualClock;
use permitdesk_client::ops::{CaseAction, case_command};
use permitdesk_client::reads;
use permitdesk_client::reference::{self, ImportRequest};
use permitdesk_client::{ClientError, Profile};
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::ids::CaseId;
use permitdesk_domain::reference::ReferenceKind as K;
use permitdesk_domain::time::{from_local, parse_local};
use permitdesk_protocol::ErrorCode;
use permitdesk_server::testing::{TestOptions, fixtures};
use std::sync::Arc;
use support::*;

/// A 2027 holiday table for tests (one file, `tests/fixtures/holidays-2027.toml`).
const HOLIDAYS_2027: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/holidays-2027.toml"
));

fn at(s: &str) -> DateTime<Utc> {
    from_local(parse_local(s).unwrap())
}

/// The demo catalogue with ZGJ-04 (建设工程规划许可证核发) at 20 working days, version 2026.2.
fn catalogue_20_days() -> String {
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    let i = text.find("code = \"ZGJ-04\"").unwrap();
    let (head, tail) = text.split_at(i);
    let tail = tail.replacen(
        "time_limit_working_days = 10",
        "time_limit_working_days = 20",
        1,
    );
    format!("{head}{tail}").replacen("version = \"2026.1\"", "version = \"2026.2\"", 1)
}

fn import(p: &mut Profile, kind: &str, content: &str, dry_run: bool) -> reference::ImportOutcome {
    reference::import(
        p,
        &ImportRequest {
            kind: kind.into(),
            content: content.into(),
            dry_run,
            replace: false,
        },
    )
    .unwrap()
}

#[test]
fn a_2027_table_imported_on_the_server_reaches_a_window_whose_provisional_deadline_becomes_final() {
    let clock = Arc::new(ManualClock::new(at("2026-12-04T09:00")));
    let h = Harness::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    let mut reform = client_with_clock(&h, "reform", clock.clone());
    let mut applicant = client_with_clock(&h, "applicant", clock.clone());
    let mut window = client_with_clock(&h, "window", clock.clone());

    // A dry run shows what would change and changes nothing.
    let dry = import(&mut reform.profile, "catalogue", &catalogue_20_days(), true);
    assert!(dry.report.dry_run && !dry.report.applied, "{dry:?}");
    assert!(dry.synced.is_none());
    assert_eq!(reform.profile.reference().unwrap().version(K::Catalogue), 0);

    // The catalogue with ZGJ-04 at 20 working days; the reform office's own client has it at once.
    let done = import(
        &mut reform.profile,
        "catalogue",
        &catalogue_20_days(),
        false,
    );
    assert!(done.report.applied, "{done:?}");
    assert_eq!(done.report.to_version, 1);
    assert_eq!(
        done.synced.as_ref().unwrap().reference_updated,
        [K::Catalogue]
    );
    assert_eq!(
        reform.profile.reference().unwrap().catalogue.version,
        "2026.2"
    );

    // Only the reform office may import.
    let err = reference::import(
        &mut window.profile,
        &ImportRequest {
            kind: "calendar".into(),
            content: HOLIDAYS_2027.into(),
            dry_run: false,
            replace: false,
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, ClientError::Api(e) if e.code == ErrorCode::Forbidden),
        "{err:?}"
    );

    // A case of ZGJ-04 is applied for and accepted on 4 December 2026 at 10:00.
    ready_project(&h, &mut applicant, &mut window, "P-ref");
    let org = fixtures::builder_org().unwrap();
    let form = applicant
        .profile
        .attach_file(&write_pdf(applicant.dir.path(), "form"))
        .unwrap();
    applicant.act(case("C-ref", fixtures::create_case("P-ref", org)));
    applicant.act(case("C-ref", CaseCommand::Submit { stamped_form: form }));
    assert_synced(&mut applicant, &h);
    clock.set(at("2026-12-04T10:00"));
    window.sync(&h);
    assert_eq!(window.profile.reference().unwrap().version(K::Catalogue), 1);
    let id = CaseId::new("C-ref");
    window.act(case("C-ref", CaseCommand::Receive));
    let (accept, files) = case_command(
        &window.profile,
        &id,
        CaseAction::Accept { commitment: false },
    )
    .unwrap();
    window.profile.act(accept, None, files).unwrap();
    assert_synced(&mut window, &h);
    let accepted = window.profile.store().case(&id).unwrap().unwrap();
    let terms = accepted.terms.as_ref().unwrap();
    assert_eq!(
        (
            terms.time_limit_working_days,
            terms.catalogue_version.as_str()
        ),
        (20, "2026.2"),
        "decided with the synced catalogue, and the server accepted it"
    );

    // Without the 2027 table the deadline is counted Monday to Friday and marked provisional.
    let before = reads::case_view(window.profile.store(), &id, at("2026-12-05T12:00")).unwrap();
    assert_eq!(
        before.provisional.as_deref(),
        Some("暂定：缺少 2027 年节假日安排"),
        "{before:?}"
    );
    assert_eq!(before.provisional_years, [2027]);
    assert!(before.deadline.as_deref().unwrap().starts_with("2027-01"));
    let status = reads::status_at(window.profile.store(), at("2026-12-05T12:00")).unwrap();
    assert!(
        status.calendar_warning.as_deref().unwrap().contains("2027"),
        "{status:?}"
    );

    // A malformed table is refused with its line and changes nothing.
    let err = reference::import(
        &mut reform.profile,
        &ImportRequest {
            kind: "calendar".into(),
            content: "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-13-01 }]\n"
                .into(),
            dry_run: false,
            replace: false,
        },
    )
    .unwrap_err();
    assert!(matches!(err, ClientError::Invalid(_)), "{err:?}");
    let r = window.sync(&h);
    assert!(r.reference_updated.is_empty(), "{r:?}");

    // The reform office imports 2027; the window syncs and the deadline is final.
    let done = import(&mut reform.profile, "calendar", HOLIDAYS_2027, false);
    assert!(done.report.applied, "{done:?}");
    let r = window.sync(&h);
    assert_eq!(r.reference_updated, [K::Calendar], "{r:?}");
    assert!(r.reference_errors.is_empty(), "{r:?}");
    let cal = reference::calendar(&window.profile).unwrap();
    assert_eq!(cal.version, 1);
    assert_eq!(cal.years, [2022, 2023, 2024, 2025, 2026, 2027]);
    assert!(cal.changed_by.is_some() && cal.changed_at.is_some());
    let after = reads::case_view(window.profile.store(), &id, at("2026-12-05T12:00")).unwrap();
    assert_eq!(after.provisional, None, "{after:?}");
    assert!(after.provisional_years.is_empty());
    assert!(after.deadline.is_some());
    let status = reads::status_at(window.profile.store(), at("2026-12-05T12:00")).unwrap();
    assert_eq!(status.calendar_warning, None);
    assert_eq!(status.reference.get(&K::Calendar), Some(&1));
    assert_eq!(status.reference.get(&K::Catalogue), Some(&1));
    let shown = reference::show(&window.profile).unwrap();
    assert_eq!(shown.catalogue_version, "2026.2");

    // Whoever may see the case is told its deadline moved, from what to what.
    let (notes, cursor) =
        permitdesk_client::notifications::notifications(&window.profile, 0).unwrap();
    let moved: Vec<_> = notes
        .iter()
        .filter(|n| n.kind == "deadline_moved" && n.entity == format!("case:{id}"))
        .collect();
    assert_eq!(moved.len(), 1, "{notes:?}");
    assert!(
        moved[0].message.contains("（暂定） 调整为") && moved[0].message.contains("节假日安排更新"),
        "{}",
        moved[0].message
    );
    let (again, _) =
        permitdesk_client::notifications::notifications(&window.profile, cursor).unwrap();
    assert!(again.is_empty(), "{again:?}");
}

/// 行政区划 without 道里区 (哈尔滨市 with 南岗区 and 松北区).
const DISTRICTS_WITHOUT_DAOLI: &str = "version = \"2027.1\"\n\
[[division]]\ncode = \"230100\"\nname = \"哈尔滨市\"\n\
[[division]]\ncode = \"230103\"\nname = \"南岗区\"\n\
[[division]]\ncode = \"230109\"\nname = \"松北区\"\n";

#[test]
fn a_districts_list_imported_by_the_reform_office_reaches_an_applicant_who_registers_only_there() {
    use permitdesk_domain::codes::RegionCode;
    use permitdesk_domain::ids::ProjectId;
    use permitdesk_domain::project::ProjectCommand;

    let h = Harness::start();
    let mut reform = client(&h, "reform", chrono::Duration::zero());
    let mut applicant = client(&h, "applicant", chrono::Duration::zero());

    // Before: the shipped list, 哈尔滨市 with its 18 districts, 道里区 among them.
    let shipped = reference::districts(&applicant.profile).unwrap();
    assert_eq!(
        (shipped.version, shipped.districts_version.as_str()),
        (0, "2026.1")
    );
    assert_eq!(shipped.groups.len(), 1);
    assert_eq!(shipped.groups[0].name, "哈尔滨市");
    assert_eq!(shipped.groups[0].districts.len(), 18);
    assert_eq!(shipped.groups[0].districts[0].name, "道里区");

    // A malformed list is refused before anything is sent.
    let err = reference::import(
        &mut reform.profile,
        &ImportRequest {
            kind: "districts".into(),
            content: DISTRICTS_WITHOUT_DAOLI.replace("南岗区", "南岗"),
            dry_run: false,
            replace: false,
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, ClientError::Invalid(m) if m.starts_with("行政区划无效：第 7 行")),
        "{err:?}"
    );

    let done = import(
        &mut reform.profile,
        "districts",
        DISTRICTS_WITHOUT_DAOLI,
        false,
    );
    assert!(done.report.applied, "{done:?}");
    assert_eq!(done.report.to_version, 1);
    assert!(
        done.report
            .changes
            .contains(&"删除行政区划 道里区（230102）".to_owned()),
        "{done:?}"
    );

    // The applicant's sync brings it; the form offers 南岗区 and 松北区 only.
    let r = applicant.sync(&h);
    assert_eq!(r.reference_updated, [K::Districts], "{r:?}");
    assert!(r.reference_errors.is_empty(), "{r:?}");
    let now = reference::districts(&applicant.profile).unwrap();
    assert_eq!((now.version, now.districts_version.as_str()), (1, "2027.1"));
    assert_eq!(now.changed_by.as_deref(), Some("市工改办"));
    let names: Vec<&str> = now.groups[0]
        .districts
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["南岗区", "松北区"]);
    let shown = reference::show(&applicant.profile).unwrap();
    assert_eq!(
        (shown.districts_version.as_str(), shown.districts),
        ("2027.1", 2)
    );

    // 道里区 is refused locally with the domain's sentence; nothing is queued or stored.
    let details = |code: &str| {
        let mut d =
            fixtures::project_details("示范厂房", permitdesk_server::demo::BUILDER_ORG8).unwrap();
        d.location.district = RegionCode::parse(code).unwrap();
        d
    };
    let err = applicant
        .profile
        .act(
            project(
                "P-daoli",
                ProjectCommand::RegisterOnline {
                    id: ProjectId::new("P-daoli"),
                    details: details("230102"),
                },
            ),
            None,
            vec![],
        )
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Refused(m) if m.contains("230102") && m.ends_with("请从本大厅服务的行政区划中选择")),
        "{err:?}"
    );
    assert_eq!(applicant.profile.store().pending_count().unwrap(), 0);
    assert_eq!(
        applicant
            .profile
            .store()
            .project(&ProjectId::new("P-daoli"))
            .unwrap(),
        None
    );

    // 南岗区 is registered, and the server agrees.
    applicant.act(project(
        "P-nangang",
        ProjectCommand::RegisterOnline {
            id: ProjectId::new("P-nangang"),
            details: details("230103"),
        },
    ));
    assert_synced(&mut applicant, &h);
    assert!(
        applicant
            .profile
            .store()
            .project(&ProjectId::new("P-nangang"))
            .unwrap()
            .is_some()
    );
}

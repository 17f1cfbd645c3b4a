//! The national data-sharing tables (SPGL_*) of the fixed sample data set: codes per state, the
//! export -> files -> import round trip, incremental batches, and the investment platform.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{AcceptanceTerms, CaseChange, CaseEvent, CaseState};
use permitdesk_domain::codes::{CreditCode, ProjectCode, RegionCode};
use permitdesk_domain::exchange::platform::{
    FilePlatform, InvestmentPlatform, PlatformError, ProjectRegistration,
};
use permitdesk_domain::exchange::*;
use permitdesk_domain::ids::{CaseId, CategoryCode, UserId};
use permitdesk_domain::project::{Area, Builder, InvestmentType, Location, Money};
use permitdesk_domain::statistics::sample::{self, SampleData};
use permitdesk_domain::time::{Timestamp, from_local, parse_local};
use std::collections::BTreeMap;

fn data() -> SampleData {
    sample::fixed().unwrap()
}

fn full(d: &SampleData) -> Batch {
    export_batch(&d.catalogue, &d.projects, &d.cases, &[], None).unwrap()
}

/// The rows of `rows` whose time (by `time`) is after `mid`, in order.
fn after<T: Clone>(rows: &[T], mid: Timestamp, time: impl Fn(&T) -> Timestamp) -> Vec<T> {
    rows.iter().filter(|r| time(r) > mid).cloned().collect()
}

fn at(s: &str) -> Timestamp {
    from_local(parse_local(s).unwrap())
}

#[test]
fn every_state_maps_to_its_code_and_back() {
    let d = data();
    // (state, extra condition, expected code) as the module documents.
    let mut seen = BTreeMap::new();
    for case in &d.cases {
        let code = handling_code(case);
        let expected = match case.state {
            CaseState::Draft | CaseState::Submitted => None,
            CaseState::Received => Some(1),
            CaseState::CorrectionRequested | CaseState::Paused => Some(6),
            CaseState::InReview if case.procedures.iter().any(|p| p.ended_at.is_none()) => Some(9),
            CaseState::InReview if !case.sign_offs.is_empty() => Some(8),
            CaseState::InReview => Some(3),
            CaseState::Returned => Some(4),
            CaseState::NotAccepted => Some(5),
            CaseState::Withdrawn if case.received_at.is_none() => Some(2),
            CaseState::Withdrawn => Some(14),
            CaseState::Granted => Some(11),
            CaseState::Denied => Some(13),
        };
        assert_eq!(code, expected, "{}", case.id);
        if let Some(c) = code {
            assert_eq!(
                state_of_code(c, case.accepted_at.is_some()),
                Some(case.state),
                "{}",
                case.id
            );
        }
        seen.insert(case.state.label(), code);
    }
    // The sample covers granted, denied and some in-progress states.
    assert_eq!(seen.get("办结（准予许可）"), Some(&Some(11)));
    assert!(seen.len() >= 3, "{seen:?}");

    // States the sample may lack, by editing a granted case's record.
    let granted = d
        .cases
        .iter()
        .find(|c| c.state == CaseState::Granted)
        .unwrap();
    let table = [
        (CaseState::Received, true, false, 1),
        (CaseState::CorrectionRequested, true, false, 6),
        (CaseState::Paused, true, true, 6),
        (CaseState::Returned, true, false, 4),
        (CaseState::NotAccepted, true, false, 5),
        (CaseState::Withdrawn, false, false, 2),
        (CaseState::Withdrawn, true, false, 14),
        (CaseState::Denied, true, true, 13),
    ];
    for (state, received, accepted, code) in table {
        let mut c = granted.clone();
        c.state = state;
        c.procedures.clear();
        if !received {
            c.received_at = None;
        }
        if !accepted {
            c.accepted_at = None;
        }
        assert_eq!(handling_code(&c), Some(code), "{state:?}");
        assert_eq!(state_of_code(code, accepted), Some(state), "{state:?}");
    }
    assert_eq!(state_of_code(15, true), None);
    assert_eq!(state_of_code(12, true), Some(CaseState::Granted));
}

#[test]
fn tables_have_one_row_per_project_case_and_certificate() {
    let d = data();
    let b = full(&d);
    let t = &b.tables;
    assert_eq!(t.projects.len(), d.projects.len());
    assert_eq!(t.units.len(), d.projects.len());
    let reported = d
        .cases
        .iter()
        .filter(|c| handling_code(c).is_some())
        .count();
    assert_eq!(t.handling.len(), reported);
    let granted = d
        .cases
        .iter()
        .filter(|c| c.state == CaseState::Granted)
        .count();
    assert_eq!(t.approval_documents.len(), granted);
    assert_eq!(t.flows.len(), d.catalogue.flows.len());
    assert!(t.stages.iter().all(|s| s.spjdxh <= 5));
    assert!(!t.stage_items.is_empty());
    let procedures: usize = d.cases.iter().map(|c| c.procedures.len()).sum();
    assert_eq!(t.special_procedures.len(), procedures);
    // Project code, builder and credit code as registered.
    let p = &d.projects[0];
    let row = t
        .projects
        .iter()
        .find(|r| r.dfsjzj == p.id.as_str())
        .unwrap();
    assert_eq!(row.xmdm, sample::fixed_project_code(1));
    assert_eq!(row.jsdw, p.details.builder.name);
    let unit = t.units.iter().find(|u| u.xmdm == row.xmdm).unwrap();
    assert_eq!(unit.dwtyshxydm, p.details.builder.credit_code.as_str());
    assert_eq!(unit.dwlx, 1);
    // Every handling row's code is in the standard's range and its details end with it when
    // the case is finished.
    for h in &t.handling {
        assert!((1..=15).contains(&h.blzt));
        let details: Vec<_> = t
            .handling_details
            .iter()
            .filter(|r| r.spsxslbm == h.spsxslbm)
            .collect();
        assert!(!details.is_empty(), "{}", h.spsxslbm);
        assert!(details.windows(2).all(|w| w[0].blsj <= w[1].blsj));
        if h.bjsj.is_some() {
            assert_eq!(details.last().unwrap().blzt, h.blzt, "{}", h.spsxslbm);
        }
    }
    // Serialised names are the standard's.
    let json = serde_json::to_value(&t.handling[0]).unwrap();
    for key in [
        "DFSJZJ", "XMDM", "SPSXBM", "BLZT", "BLSJ", "BLR", "BLYJ", "SJYXBS", "SJSCZT",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn an_export_batch_reproduces_the_cases_it_came_from() {
    let d = data();
    let b = full(&d);
    let files: BTreeMap<String, String> = b.files().unwrap().into_iter().collect();
    assert_eq!(files.len(), TABLE_NAMES.len() * 2 + 1);
    let csv = &files["SPGL_XMSPSXBLXXB.csv"];
    assert!(csv.starts_with("BJSJ,BLR,BLSJ,BLYJ,BLZT,"), "{csv}");
    assert_eq!(csv.lines().count(), b.tables.handling.len() + 1);
    let back = Batch::from_files(|name| files.get(name).cloned()).unwrap();
    assert_eq!(back, b);
    let imported = import_batch(&back).unwrap();
    let expected: Vec<CaseSummary> = d
        .cases
        .iter()
        .filter_map(|c| summarize(c, &d.projects, &d.catalogue))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(imported, expected);
}

#[test]
fn a_missing_table_is_named() {
    let d = data();
    let files: BTreeMap<String, String> = full(&d).files().unwrap().into_iter().collect();
    let err = Batch::from_files(|name| {
        (name != "SPGL_XMDWXXB.json")
            .then(|| files.get(name).cloned())
            .flatten()
    })
    .unwrap_err();
    assert!(matches!(err, ExchangeError::MissingTable { ref table } if table == "SPGL_XMDWXXB"));
}

#[test]
fn an_incremental_batch_has_only_the_rows_touched_since() {
    let d = data();
    let b = full(&d);
    let mid = at("2024-10-01 00:00");
    let inc = export_batch(&d.catalogue, &d.projects, &d.cases, &[], Some(mid)).unwrap();
    assert_eq!(inc.since, Some(mid));
    assert_eq!(inc.up_to, b.up_to);
    assert!(inc.tables.flows.is_empty() && inc.tables.stage_items.is_empty());
    let new_details = after(&b.tables.handling_details, mid, |r| r.blsj);
    assert!(!new_details.is_empty());
    assert!(new_details.len() < b.tables.handling_details.len());
    assert_eq!(inc.tables.handling_details, new_details);
    let touched = after(&b.tables.handling, mid, |r| r.blsj);
    assert_eq!(inc.tables.handling, touched);
    assert!(inc.row_count() < b.row_count());
    // The receiving side after the first and the incremental batch holds the full picture.
    let first = export_batch(&d.catalogue, &d.projects, &d.cases, &[], None).unwrap();
    assert_eq!(first.merge(inc).tables, b.tables);
    // Nothing happened after the last export: an empty batch that keeps the mark.
    let none = export_batch(&d.catalogue, &d.projects, &d.cases, &[], b.up_to).unwrap();
    assert_eq!(none.row_count(), 0);
    assert_eq!(none.up_to, b.up_to);
}

fn event(case: &str, t: &str, name: &str, opinion: Option<&str>, change: CaseChange) -> CaseEvent {
    CaseEvent {
        case: CaseId::new(case),
        at: at(t),
        actor: Actor {
            user: UserId::new(format!("u-{name}")),
            name: name.to_owned(),
            role: Role::WindowOperator,
            department: None,
            organisation: None,
            levels: vec![],
        },
        opinion: opinion.map(str::to_owned),
        attachments: Vec::new(),
        change,
    }
}

#[test]
fn events_give_one_detail_per_step_with_handler_and_opinion() {
    let c = "BJ-1";
    let events = [
        event(c, "2024-09-02 09:00", "张三", None, CaseChange::Received),
        event(
            c,
            "2024-09-02 10:00",
            "张三",
            Some("材料齐全"),
            CaseChange::Accepted {
                terms: AcceptanceTerms {
                    catalogue_version: "1".into(),
                    time_limit_working_days: 5,
                    review_levels: vec!["审核".into()],
                },
                commitment_based: false,
            },
        ),
        event(
            c,
            "2024-09-03 10:00",
            "李四",
            Some("同意"),
            CaseChange::SignedOff {
                level: "审核".into(),
            },
        ),
        event(
            c,
            "2024-09-04 10:00",
            "申请人",
            Some("不再办理"),
            CaseChange::Withdrawn {
                reason: "不再办理".into(),
            },
        ),
    ];
    let steps = steps_from_events(&events);
    let codes: Vec<u8> = steps.iter().map(|s| s.code).collect();
    assert_eq!(codes, [1, 3, 8, 14]);
    assert_eq!(steps[2].handler, "李四");
    assert_eq!(steps[2].opinion, "同意");
    // Withdrawn before receipt is 已撤件 (2).
    let early = steps_from_events(&events[3..]);
    assert_eq!(early[0].code, 2);
}

fn registration() -> ProjectRegistration {
    ProjectRegistration {
        code: ProjectCode::parse(&sample::fixed_project_code(9)).unwrap(),
        name: "南岗区测试项目".into(),
        builder: Builder {
            name: "哈尔滨测试置业有限公司".into(),
            credit_code: CreditCode::parse("91230102MA1BC3D48E").unwrap(),
        },
        investment: InvestmentType::Social,
        location: Location {
            address: "南岗区学府路1号".into(),
            district: RegionCode::parse("230103").unwrap(),
        },
        investment_amount: Money::from_wan(5000).unwrap(),
        land_area: Area::from_square_metres(10000).unwrap(),
        building_area: Area::from_square_metres(30000).unwrap(),
    }
}

#[test]
fn the_platform_file_prefills_a_registration_by_project_code() {
    let text = FilePlatform::new(vec![registration()])
        .to_json_string()
        .unwrap();
    let platform = FilePlatform::from_json_str(&text).unwrap();
    let code = ProjectCode::parse(&sample::fixed_project_code(9)).unwrap();
    let found = platform.lookup(&code).unwrap().unwrap();
    let details = found.prefill(CategoryCode::new("SH-FDC"), Vec::new());
    assert_eq!(details.code, code);
    assert_eq!(details.builder.name, "哈尔滨测试置业有限公司");
    assert_eq!(details.category.as_str(), "SH-FDC");
    let other = ProjectCode::parse(&sample::fixed_project_code(8)).unwrap();
    assert_eq!(platform.lookup(&other).unwrap(), None);
    assert!(matches!(
        FilePlatform::from_json_str("{"),
        Err(PlatformError::BadFile(_))
    ));
}

/// Every table of a batch as JSON rows sorted by DFSJZJ (a merged batch keeps rows where they
/// first came).
fn sorted(t: &Tables) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap();
    for rows in v.as_object_mut().unwrap().values_mut() {
        rows.as_array_mut()
            .unwrap()
            .sort_by_key(|r| r["DFSJZJ"].as_str().unwrap().to_owned());
    }
    v
}

#[test]
fn an_increment_by_arrival_carries_exactly_the_new_events_rows() {
    let d = sample::generated_with_trails(60).unwrap();
    let trails = d.trails.as_ref().unwrap();
    let all_events: Vec<CaseEvent> = trails.cases.iter().flatten().cloned().collect();
    let full = export_batch(&d.catalogue, &d.projects, &d.cases, &all_events, None).unwrap();

    // Everything as one increment is the full export.
    let everything = Increment {
        catalogue: true,
        projects: d.projects.iter().map(|p| p.id.clone()).collect(),
        cases: d.cases.iter().map(|c| (c.id.clone(), 0)).collect(),
        since: None,
    };
    let one = export_increment(
        &d.catalogue,
        &d.projects,
        &d.cases,
        &all_events,
        &everything,
    )
    .unwrap();
    assert_eq!(one.tables, full.tables);

    // The first part of every trail, then the rest: the receiving side ends with the full
    // picture, and the second batch holds only the rows the later events make.
    let split = |n: usize, len: usize| (n * 7 % len.max(1)).min(len);
    let mut first_cases = Vec::new();
    let mut first_events = Vec::new();
    let mut old = BTreeMap::new();
    for (n, trail) in trails.cases.iter().enumerate() {
        let k = split(n, trail.len());
        if k > 0 {
            first_cases.push(permitdesk_domain::case::Case::replay(&trail[..k]).unwrap());
            first_events.extend(trail[..k].iter().cloned());
        }
        if k < trail.len() {
            old.insert(trail[0].case.clone(), k);
        }
    }
    let first_inc = Increment {
        catalogue: true,
        projects: everything.projects.clone(),
        cases: first_cases.iter().map(|c| (c.id.clone(), 0)).collect(),
        since: None,
    };
    let first = export_increment(
        &d.catalogue,
        &d.projects,
        &first_cases,
        &first_events,
        &first_inc,
    )
    .unwrap();
    let second_inc = Increment {
        catalogue: false,
        projects: Default::default(),
        cases: old.clone(),
        since: first.up_to,
    };
    let second = export_increment(
        &d.catalogue,
        &d.projects,
        &d.cases,
        &all_events,
        &second_inc,
    )
    .unwrap();
    assert!(second.tables.flows.is_empty() && second.tables.projects.is_empty());
    assert!(!second.tables.handling_details.is_empty());
    assert!(second.tables.handling.len() <= old.len());
    assert_eq!(second.since, first.up_to);
    // Each new detail row comes from an event after the split (its number is past the old
    // steps), and none is in the first batch.
    for row in &second.tables.handling_details {
        assert!(
            !first
                .tables
                .handling_details
                .iter()
                .any(|r| r.dfsjzj == row.dfsjzj),
            "{} sent twice",
            row.dfsjzj
        );
    }
    assert_eq!(
        first.tables.handling_details.len() + second.tables.handling_details.len(),
        full.tables.handling_details.len()
    );
    assert_eq!(sorted(&first.merge(second).tables), sorted(&full.tables));

    // Nothing new: nothing exported, the window kept.
    let none = Increment {
        since: full.up_to,
        ..Increment::default()
    };
    let empty = export_increment(&d.catalogue, &d.projects, &d.cases, &all_events, &none).unwrap();
    assert_eq!(empty.row_count(), 0);
    assert_eq!(empty.up_to, full.up_to);
}

#[test]
fn an_event_that_arrives_late_with_an_early_time_is_still_exported() {
    // A case's last event was made offline before the previous batch's window closed but
    // stored after it: a time cut loses it, an increment by arrival does not.
    let d = sample::generated_with_trails(30).unwrap();
    let trails = d.trails.as_ref().unwrap();
    let (n, trail) = trails
        .cases
        .iter()
        .enumerate()
        .find(|(n, t)| t.len() >= 3 && handling_code(&d.cases[*n]).is_some())
        .unwrap();
    let case = &d.cases[n];
    let last = trail.last().unwrap();
    let window_end = last.at + chrono::Duration::days(1);
    let by_time =
        export_batch(&d.catalogue, &d.projects, &d.cases, trail, Some(window_end)).unwrap();
    assert!(
        !by_time
            .tables
            .handling
            .iter()
            .any(|h| h.spsxslbm == case.id.as_str()),
        "the time cut drops it"
    );
    let inc = Increment {
        cases: [(case.id.clone(), trail.len() - 1)].into(),
        since: Some(window_end),
        ..Increment::default()
    };
    let by_arrival = export_increment(&d.catalogue, &d.projects, &d.cases, trail, &inc).unwrap();
    assert_eq!(by_arrival.tables.handling.len(), 1);
    assert_eq!(by_arrival.tables.handling[0].spsxslbm, case.id.as_str());
    let steps = steps_from_events(trail);
    let new_steps = steps.len() - steps_from_events(&trail[..trail.len() - 1]).len();
    assert_eq!(by_arrival.tables.handling_details.len(), new_steps);
    // The window's end never goes back.
    assert_eq!(by_arrival.up_to, Some(window_end));
}

//! Benchmarks of the domain crate (criterion). Each group is one concern; run one with
//! `cargo bench -p permitdesk-domain --bench domain -- <group>`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDateTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{Acting, Case, CaseCommand, CaseEvent};
use permitdesk_domain::clock::{ClockInput, LegalClock, OfficeHours, StopReason, StoppedSpan};
use permitdesk_domain::procedure::SpecialProcedureKind;
use std::hint::black_box;

fn at(s: &str) -> NaiveDateTime {
    permitdesk_domain::time::parse_local(s).unwrap_or_default()
}

/// A 60-working-day case accepted before 国庆 2024 with 10 closed stops (pauses and untimed
/// procedures, two of them overlapping) across 国庆 and 元旦, read three days before its deadline
/// (2025-01-23T12:40): about 115 days walked, 50 explanation spans.
fn clock(c: &mut Criterion) {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let stop = |from: &str, to: &str, reason| StoppedSpan {
        from: at(from),
        to: Some(at(to)),
        reason,
    };
    let notice = StopReason::UntimedProcedure(SpecialProcedureKind::PublicNotice);
    let input = ClockInput {
        accepted_at: at("2024-09-27T10:00"),
        limit_working_days: 60,
        stopped: vec![
            stop("2024-09-30T10:00", "2024-10-09T11:00", StopReason::Pause),
            stop("2024-10-14T09:30", "2024-10-15T16:00", notice),
            stop("2024-10-15T10:00", "2024-10-18T10:00", StopReason::Pause),
            stop("2024-10-22T14:00", "2024-10-23T09:10", StopReason::Pause),
            stop("2024-10-28T08:00", "2024-10-28T18:00", notice),
            stop("2024-11-04T13:00", "2024-11-06T15:00", StopReason::Pause),
            stop("2024-11-12T09:00", "2024-11-12T12:00", StopReason::Pause),
            stop("2024-11-20T16:00", "2024-11-25T10:00", notice),
            stop("2024-12-02T11:11", "2024-12-03T11:11", StopReason::Pause),
            stop("2024-12-10T09:00", "2024-12-17T17:00", StopReason::Pause),
        ],
        ended_at: None,
    };
    let as_of = at("2025-01-20T15:00");
    c.bench_function("clock/evaluate_10_pauses", |b| {
        b.iter(|| clock.evaluate(black_box(&input), black_box(as_of)))
    });
    // The same case two years later, with 2025 and 2026 tables missing: every day of those
    // years is counted Monday to Friday (provisional), no table lookups at all.
    let only_2024 = {
        let mut cal = WorkingCalendar::default();
        let text = WorkingCalendar::shipped().to_toml();
        cal.import(
            WorkingCalendar::from_toml(
                &text
                    .split("\n[[year]]")
                    .filter(|y| y.contains("year = 2024"))
                    .map(|y| format!("[[year]]{y}"))
                    .collect::<String>(),
            )
            .unwrap(),
        );
        cal
    };
    assert_eq!(only_2024.years(), [2024]);
    let provisional = LegalClock::new(&only_2024, OfficeHours::default());
    assert!(
        provisional
            .evaluate(&input, as_of)
            .unwrap()
            .is_provisional()
    );
    c.bench_function("clock/evaluate_10_pauses_provisional_2025", |b| {
        b.iter(|| provisional.evaluate(black_box(&input), black_box(as_of)))
    });
}

/// Parse and validate the four kinds of reference data a fresh install starts from (calendar,
/// catalogue, market, zones): what a client pays when it opens its profile cold.
fn reference(c: &mut Criterion) {
    c.bench_function("reference/bootstrap_set", |b| {
        b.iter(|| permitdesk_domain::reference::ReferenceSet::bootstrap().is_ok())
    });
}

/// Load and validate the shipped Harbin demo catalogue (goal: under 5 ms).
fn catalogue(c: &mut Criterion) {
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    c.bench_function("catalogue/load_and_validate_demo", |b| {
        b.iter(|| permitdesk_domain::catalogue::Catalogue::from_toml_str(black_box(text)).is_ok())
    });
}

/// The events of one case that goes through every phase: 20 events, granted at the end.
fn case_events(n: usize, start: permitdesk_domain::time::Timestamp) -> Vec<CaseEvent> {
    use permitdesk_domain::actor::{Actor, Role};
    use permitdesk_domain::case::{AcceptanceTerms, CertificateRecord, CorrectionPoint, Decision};
    use permitdesk_domain::ids::*;
    let id = CaseId::new(format!("C-{n}"));
    let actor = |role: Role| Actor {
        user: UserId::new(format!("{role:?}")),
        name: "张三".into(),
        role,
        department: Some(DepartmentCode::new("ZJJ")),
        organisation: Some(OrganisationId::new("ORG")),
        levels: vec![],
    };
    let point = || {
        vec![CorrectionPoint {
            material: "图纸".into(),
            reason: "缺页".into(),
        }]
    };
    let mut steps: Vec<(Role, CaseCommand)> = vec![(
        Role::Applicant,
        CaseCommand::Create {
            application: ApplicationId::new("A"),
            project: ProjectId::new("P"),
            works: WorksId::new("W"),
            item: ItemCode::new("ZJ-SGXK"),
            department: DepartmentCode::new("ZJJ"),
            applicant: OrganisationId::new("ORG"),
            commitment_allowed: false,
            number: None,
        },
    )];
    for m in [
        "施工合同",
        "中标通知书",
        "施工图审查合格书",
        "资金落实承诺书",
        "安全措施资料",
        "监理合同",
        "营业执照",
    ] {
        steps.push((
            Role::Applicant,
            CaseCommand::AttachMaterial {
                material: m.into(),
                attachment: AttachmentId::new(m),
            },
        ));
    }
    let levels: Vec<String> = ["受理", "审核", "签批"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    steps.extend([
        (
            Role::Applicant,
            CaseCommand::Submit {
                stamped_form: AttachmentId::new("form"),
            },
        ),
        (Role::WindowOperator, CaseCommand::Receive),
        (
            Role::WindowOperator,
            CaseCommand::Accept {
                terms: AcceptanceTerms {
                    catalogue_version: "2026.1".into(),
                    time_limit_working_days: 3,
                    review_levels: levels,
                },
                commitment_based: false,
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::SignOff {
                level: "受理".into(),
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::Pause { points: point() },
        ),
        (
            Role::Applicant,
            CaseCommand::SubmitRectification {
                note: "已补正".into(),
            },
        ),
        (Role::DepartmentReviewer, CaseCommand::Resume),
        (
            Role::DepartmentReviewer,
            CaseCommand::StartSpecialProcedure {
                procedure: 1,
                kind: SpecialProcedureKind::PublicNotice,
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::EndSpecialProcedure {
                procedure: 1,
                summary: "无异议".into(),
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::SignOff {
                level: "审核".into(),
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::SignOff {
                level: "签批".into(),
            },
        ),
        (
            Role::DepartmentReviewer,
            CaseCommand::Complete {
                decision: Decision::Granted {
                    certificate: CertificateRecord {
                        number: CertificateNumber::new(format!("2301092024{n:08}")),
                        name: "建筑工程施工许可证".into(),
                        issued_on: start.date_naive(),
                        valid_until: None,
                        file: None,
                    },
                },
            },
        ),
    ]);
    let mut case = None;
    let mut events = Vec::with_capacity(steps.len());
    for (i, (role, cmd)) in steps.into_iter().enumerate() {
        // A sign-off is taken by the holder of its level, one person per level.
        let who = match &cmd {
            CaseCommand::SignOff { level } => Actor {
                user: UserId::new(format!("{role:?}-{level}")),
                ..actor(role).with_levels([level.as_str()])
            },
            _ => actor(role),
        };
        let acting = Acting::new(who, start + chrono::Duration::minutes(i as i64 * 30));
        match Case::execute(case, &id, &cmd, &acting) {
            Ok((c, evs)) => {
                case = Some(c);
                events.extend(evs);
            }
            Err(e) => panic!("demo case step {i} refused: {e}"),
        }
    }
    events
}

/// Projection: fold 1,000,000 events (50,000 cases of 20 events) into case states, the work a
/// server or client does when it rebuilds its view from the log.
fn projection(c: &mut Criterion) {
    let start = permitdesk_domain::time::from_local(at("2024-03-04T09:00"));
    let cases: Vec<Vec<CaseEvent>> = (0..50_000).map(|n| case_events(n, start)).collect();
    let total: usize = cases.iter().map(Vec::len).sum();
    assert_eq!(total, 1_000_000);
    let mut group = c.benchmark_group("projection");
    group.sample_size(10);
    group.throughput(Throughput::Elements(total as u64));
    group.bench_function("replay_1m_events", |b| {
        b.iter(|| {
            let mut granted = 0usize;
            for events in &cases {
                if let Ok(case) = Case::replay(black_box(events)) {
                    granted +=
                        usize::from(case.state == permitdesk_domain::case::CaseState::Granted);
                }
            }
            assert_eq!(granted, 50_000);
        })
    });
    group.finish();
}

/// Every case's figures of `data`, its clocks read at its as-of.
fn figures<'a>(
    data: &'a permitdesk_domain::statistics::sample::SampleData,
    clock: &LegalClock<'_>,
) -> permitdesk_domain::statistics::Statistics<'a> {
    permitdesk_domain::statistics::Statistics::compute(
        &data.catalogue,
        &data.projects,
        &data.cases,
        clock,
        data.as_of,
    )
    .unwrap()
}

/// Table 1 and the monthly stage report of `month` from computed figures.
fn table_one_and_report(
    s: &permitdesk_domain::statistics::Statistics<'_>,
    month: permitdesk_domain::statistics::Period,
) -> (usize, usize) {
    use permitdesk_domain::statistics::{SeedTable, TableFilter};
    let table = s.table(SeedTable::One, &TableFilter::default());
    let report = s.monthly_report(month);
    black_box((table.rows.len(), report.stages.len()))
}

/// Statistics: read 20,000 generated cases (2,000 projects, a year of 2024) and build table 1
/// and the monthly stage report of October, the server's work for one department-size query
/// (goal for a city-year of 200,000 cases: a table under 1 s, the report under 2 s).
fn statistics(c: &mut Criterion) {
    use permitdesk_domain::statistics::{Period, sample};
    let data = sample::generated(20_000).unwrap();
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let october = Period::month(2024, 10).unwrap();
    let mut group = c.benchmark_group("statistics");
    group.sample_size(10);
    group.throughput(Throughput::Elements(data.cases.len() as u64));
    group.bench_function("table_one_and_monthly_report_20k_cases", |b| {
        b.iter(|| {
            let s = figures(&data, &clock);
            table_one_and_report(&s, october)
        })
    });
    // The same without reading the clocks: what each further table or report costs once the
    // figures are computed.
    let s = figures(&data, &clock);
    group.bench_function("table_one_and_monthly_report_from_figures_20k_cases", |b| {
        b.iter(|| table_one_and_report(&s, october))
    });
    group.finish();
}

/// Statistics over a city-year: 200,000 generated cases on 20,000 projects (issue 7's scale).
/// Reading every case's clock once (`compute`), then each seed-11 table, the monthly stage
/// report of October and the quarterly summary of Q4 (with Q3 to compare) from those figures.
/// PERMITDESK_BENCH_CASES overrides the size for a quick run.
fn statistics_city_year(c: &mut Criterion) {
    use permitdesk_domain::statistics::{Period, Quarter, SeedTable, TableFilter, sample};
    let cases: usize = std::env::var("PERMITDESK_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let data = sample::generated(cases).unwrap();
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let mut group = c.benchmark_group("statistics_city_year");
    group.sample_size(10);
    group.bench_function("compute_figures", |b| {
        b.iter(|| {
            let s = figures(&data, &clock);
            black_box(s.figures().len())
        })
    });
    let s = figures(&data, &clock);
    let october = Period::month(2024, 10).unwrap();
    let in_october = TableFilter {
        period: Some(october),
        ..TableFilter::default()
    };
    for table in SeedTable::ALL {
        let n = table.number();
        group.bench_function(format!("table{n}_whole_year"), |b| {
            b.iter(|| black_box(s.table(table, &TableFilter::default()).rows.len()))
        });
        group.bench_function(format!("table{n}_october"), |b| {
            b.iter(|| black_box(s.table(table, &in_october).rows.len()))
        });
    }
    group.bench_function("monthly_report_october", |b| {
        b.iter(|| black_box(s.monthly_report(october).stages.len()))
    });
    let q4 = Quarter::new(2024, 4).unwrap();
    group.bench_function("quarterly_summary_q4", |b| {
        b.iter(|| black_box(s.quarterly_summary(q4).unwrap().changes.len()))
    });
    group.finish();
}

criterion_group!(
    benches,
    clock,
    catalogue,
    reference,
    projection,
    statistics,
    statistics_city_year
);
criterion_main!(benches);

//! Benchmarks of the domain crate (criterion). Each group is one concern; run one with
//! `cargo bench -p permitdesk-domain --bench domain -- <group>`.

use chrono::NaiveDateTime;
use criterion::{Criterion, criterion_group, criterion_main};
use permitdesk_domain::calendar::WorkingCalendar;
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
}

/// Load and validate the shipped Harbin demo catalogue (goal: under 5 ms).
fn catalogue(c: &mut Criterion) {
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    c.bench_function("catalogue/load_and_validate_demo", |b| {
        b.iter(|| permitdesk_domain::catalogue::Catalogue::from_toml_str(black_box(text)).is_ok())
    });
}

criterion_group!(benches, clock, catalogue);
criterion_main!(benches);

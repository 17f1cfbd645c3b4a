//! The legal clock against a brute-force model: every minute from acceptance is checked on its
//! own (working day? office hours? inside a stop?), for random cases across 2022-2026 and into
//! 2027, a year without a holiday table: the model counts such a year Monday to Friday, and the
//! clock must say that its reading is provisional exactly when it needed such a day.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use permitdesk_domain::calendar::{CalendarError, WorkingCalendar};
use permitdesk_domain::clock::{
    ClockError, ClockInput, LegalClock, OfficeHours, StopReason, StoppedSpan, WarningLevel,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use proptest::prelude::*;

/// Whether `date` is a working day: by its year's table, or Monday to Friday (暂定) without one.
fn is_working_day(cal: &WorkingCalendar, date: NaiveDate) -> Result<bool, CalendarError> {
    match cal.table(date.year()) {
        Some(_) => cal.is_working_day(date),
        None => Ok(date.weekday().num_days_from_monday() < 5),
    }
}

/// The provisional rule: the clock needed a day of 2027 (no table) exactly when the time it
/// looked at (as-of, or the end) or the deadline lies past the start of 2027.
fn needs_2027(input: &ClockInput, as_of: NaiveDateTime, deadline: Option<NaiveDateTime>) -> bool {
    let y2027 = NaiveDate::from_ymd_opt(2027, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let ended = input.ended_at.filter(|e| *e <= as_of);
    let until = ended.unwrap_or(as_of).with_second(0).unwrap_or_default();
    until > y2027 || deadline.is_some_and(|d| d > y2027)
}

/// What the model computes: deadline, used minutes, level.
type Outcome = (Option<NaiveDateTime>, i64, WarningLevel);

/// The rules of issue 2, section 5, read literally, one minute at a time.
fn reference(
    cal: &WorkingCalendar,
    open_min: u32,
    close_min: u32,
    input: &ClockInput,
    as_of: NaiveDateTime,
) -> Result<Outcome, CalendarError> {
    let minute = Duration::minutes(1);
    let per_day = i64::from(close_min - open_min);
    let ended = input.ended_at.filter(|e| *e <= as_of);
    let until = ended.unwrap_or(as_of);
    // Stops known at as-of; once ended, every stop is over at the end.
    let stop_end = |s: &StoppedSpan| match ended {
        Some(e) => Some(s.to.map_or(e, |t| t.min(e))),
        None => s.to.filter(|t| *t <= as_of),
    };
    let known: Vec<&StoppedSpan> = input.stopped.iter().filter(|s| s.from <= until).collect();
    let paused = ended.is_none() && known.iter().any(|s| stop_end(s).is_none());
    let stopped = |m: NaiveDateTime| {
        known
            .iter()
            .any(|s| s.from <= m && stop_end(s).is_none_or(|e| m < e))
    };

    let acceptance_day = input.accepted_at.date();
    let first = (acceptance_day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let mut day_cache: Option<(NaiveDate, bool)> = None;
    let mut counts = |m: NaiveDateTime| -> Result<bool, CalendarError> {
        let working = match day_cache {
            Some((d, w)) if d == m.date() => w,
            _ => {
                let w = is_working_day(cal, m.date())?;
                day_cache = Some((m.date(), w));
                w
            }
        };
        let tod = m.hour() * 60 + m.minute();
        Ok(working && (open_min..close_min).contains(&tod) && !stopped(m))
    };

    let mut used = 0_i64;
    let mut m = first;
    while m < until {
        if counts(m)? {
            used += 1;
        }
        m += minute;
    }

    let n = i64::from(input.limit_working_days);
    let deadline = if paused {
        None
    } else if n == 0 {
        let close = |d: NaiveDate| {
            d.and_hms_opt(close_min / 60, close_min % 60, 0)
                .unwrap_or_default()
        };
        let before_close = input.accepted_at < close(acceptance_day);
        let mut day = acceptance_day;
        if !(before_close && is_working_day(cal, day)?) {
            day += Duration::days(1);
            while !is_working_day(cal, day)? {
                day += Duration::days(1);
            }
        }
        Some(close(day))
    } else {
        let mut total = 0;
        let mut m = first;
        loop {
            if counts(m)? {
                total += 1;
                if total == n * per_day {
                    break Some(m + minute);
                }
            }
            m += minute;
        }
    };

    let remaining = n * per_day - used;
    let level = match deadline {
        _ if paused => WarningLevel::Paused,
        Some(d) if until > d => WarningLevel::Overdue,
        // remaining / per_day <= max(1, N / 5)
        _ if remaining * 5 <= per_day * 5 || remaining * 5 <= n * per_day => WarningLevel::DueSoon,
        _ => WarningLevel::Normal,
    };
    Ok((deadline, used, level))
}

fn reason() -> impl Strategy<Value = StopReason> {
    prop_oneof![
        3 => Just(StopReason::Pause),
        1 => proptest::sample::select(SpecialProcedureKind::ALL.to_vec()).prop_map(StopReason::UntimedProcedure),
    ]
}

/// Minutes of the day, biased to the edges of office hours.
fn time_of_day() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 0_i64..1440,
        1 => prop::sample::select(vec![0_i64, 8 * 60 + 59, 9 * 60, 12 * 60, 16 * 60 + 59, 17 * 60, 17 * 60 + 1]),
    ]
}

/// Offsets in minutes after acceptance: often on whole days, sometimes anywhere.
fn offset(max_days: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        (0..=max_days * 1440),
        (0..=max_days, time_of_day()).prop_map(|(d, t)| d * 1440 + t),
    ]
}

prop_compose! {
    fn case()(
        // Days of 2022-2026, and often the turn of the year into 2027 (no table yet).
        day in prop_oneof![3 => 0_i64..(365 * 5), 1 => (365 * 5 - 60_i64)..(365 * 5 + 30)],
        tod in time_of_day(),
        limit in prop_oneof![1 => Just(0_u32), 5 => 0_u32..=30],
        stops in prop::collection::vec((offset(60), prop::option::weighted(0.85, offset(15)), reason()), 0..6),
        ended in prop::option::weighted(0.3, offset(90)),
        as_of in offset(90),
        // Sometimes as-of or the end falls exactly on a stop's edge, where off-by-one errors live.
        as_of_on_edge in prop::option::weighted(0.2, (any::<prop::sample::Index>(), any::<bool>())),
        end_on_edge in prop::option::weighted(0.1, (any::<prop::sample::Index>(), any::<bool>())),
    ) -> (ClockInput, NaiveDateTime) {
        let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
        let accepted_at = base + Duration::days(day) + Duration::minutes(tod);
        let at = |m: i64| accepted_at + Duration::minutes(m);
        let stopped = stops
            .into_iter()
            .map(|(from, len, reason)| StoppedSpan { from: at(from), to: len.map(|l| at(from + l)), reason })
            .collect();
        let edge = |pick: Option<(prop::sample::Index, bool)>| {
            let (i, start) = pick?;
            let stops: &Vec<StoppedSpan> = &stopped;
            let stop = stops.get(i.index(stops.len().max(1)))?;
            if start { Some(stop.from) } else { stop.to }
        };
        let as_of = edge(as_of_on_edge).unwrap_or(at(as_of));
        let ended_at = edge(end_on_edge).or(ended.map(at));
        let input = ClockInput { accepted_at, limit_working_days: limit, stopped, ended_at };
        (input, as_of)
    }
}

fn hours(open: (u32, u32), close: (u32, u32)) -> OfficeHours {
    OfficeHours {
        open: chrono::NaiveTime::from_hms_opt(open.0, open.1, 0).unwrap_or_default(),
        close: chrono::NaiveTime::from_hms_opt(close.0, close.1, 0).unwrap_or_default(),
    }
}

/// The shipped calendar, parsed once for all cases.
static CAL: std::sync::LazyLock<WorkingCalendar> =
    std::sync::LazyLock::new(WorkingCalendar::shipped);

/// The clock's deadline, minutes used and level at `at` are the model's (office hours
/// `open_min..close_min`), or both lack the same year's table.
fn agrees(
    clock: &LegalClock<'_>,
    cal: &WorkingCalendar,
    (open_min, close_min): (u32, u32),
    input: &ClockInput,
    at: NaiveDateTime,
) -> Result<(), TestCaseError> {
    let got = clock
        .evaluate(input, at)
        .map(|r| (r.deadline, r.used_minutes, r.level));
    match (got, reference(cal, open_min, close_min, input, at)) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "at {}", at),
        (Err(ClockError::NoDataForYear(y)), Err(CalendarError::NoDataForYear(z))) => {
            prop_assert_eq!(y, z)
        }
        (got, expected) => prop_assert!(false, "clock {:?} but model {:?}", got, expected),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn clock_agrees_with_the_minute_by_minute_model((input, as_of) in case()) {
        let clock = LegalClock::new(&CAL, OfficeHours::default());
        let got = clock.evaluate(&input, as_of);
        let expected = reference(&CAL, 9 * 60, 17 * 60, &input, as_of);
        match (got, expected) {
            (Ok(r), Ok((deadline, used, level))) => {
                prop_assert_eq!(r.deadline, deadline, "deadline");
                prop_assert_eq!(r.used_minutes, used, "used");
                prop_assert_eq!(r.level, level, "level");
                prop_assert_eq!(r.is_provisional(), needs_2027(&input, as_of, deadline), "provisional");
                prop_assert!(r.provisional_years.iter().all(|y| *y == 2027), "{:?}", r.provisional_years);
                // The explanation covers acceptance to as-of without gaps and adds up to `used`.
                let mut at = input.accepted_at.with_second(0).unwrap_or_default();
                for (i, span) in r.explain.iter().enumerate() {
                    prop_assert_eq!(span.from, at, "gap before span {}", i);
                    prop_assert!(span.from < span.to);
                    if let Some(prev) = i.checked_sub(1).and_then(|p| r.explain.get(p)) {
                        prop_assert_ne!(&prev.kind, &span.kind, "span {} not coalesced", i);
                    }
                    at = span.to;
                }
                prop_assert_eq!(at, as_of.with_second(0).unwrap_or_default());
                prop_assert_eq!(r.explain.iter().map(|s| s.counted_minutes).sum::<i64>(), used);
            }
            (Err(ClockError::NoDataForYear(y)), Err(CalendarError::NoDataForYear(z))) => prop_assert_eq!(y, z),
            (got, expected) => prop_assert!(false, "clock {:?} but model {:?}", got, expected),
        }
    }

    /// 即办 (N = 0) around the close of every kind of day.
    #[test]
    fn same_day_items_agree_with_the_model(day in 0_i64..(365 * 5), tod in time_of_day(), later in 0_i64..(5 * 1440)) {
        let clock = LegalClock::new(&CAL, OfficeHours::default());
        let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
        let accepted_at = base + Duration::days(day) + Duration::minutes(tod);
        let input = ClockInput { accepted_at, limit_working_days: 0, stopped: Vec::new(), ended_at: None };
        let as_of = accepted_at + Duration::minutes(later);
        agrees(&clock, &CAL, (9 * 60, 17 * 60), &input, as_of)?;
    }
}

proptest! {
    // Twice the model's work per case (or a second calendar of hours): fewer cases.
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Read exactly at the deadline and one minute after it: the edge between due soon and overdue.
    #[test]
    fn clock_agrees_with_the_model_at_the_deadline((input, as_of) in case()) {
        let clock = LegalClock::new(&CAL, OfficeHours::default());
        let Ok(Some(deadline)) = clock.evaluate(&input, as_of).map(|r| r.deadline) else { return Ok(()) };
        for at in [deadline, deadline + Duration::minutes(1)].into_iter().filter(|t| *t >= input.accepted_at) {
            agrees(&clock, &CAL, (9 * 60, 17 * 60), &input, at)?;
        }
    }

    /// Other office hours (08:30-12:00, 210 min a day) follow the same rules.
    #[test]
    fn clock_agrees_with_the_model_for_other_office_hours((input, as_of) in case()) {
        let clock = LegalClock::new(&CAL, hours((8, 30), (12, 0)));
        agrees(&clock, &CAL, (8 * 60 + 30, 12 * 60), &input, as_of)?;
    }
}

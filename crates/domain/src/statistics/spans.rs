//! Minute arithmetic for the statistics: unions of spans, and office minutes inside them,
//! counted the way the legal clock counts them so that a single case's union equals its clock.

use crate::time::LocalTime;
use chrono::{Datelike, NaiveTime, Timelike};

const MINUTES_PER_DAY: i64 = 1440;

/// Minutes since 0001-01-01 00:00 (the legal clock's numbering), seconds dropped.
pub(super) fn minute_of(t: LocalTime) -> i64 {
    i64::from(t.date().num_days_from_ce()) * MINUTES_PER_DAY + minute_of_day(t.time())
}

pub(super) fn minute_of_day(t: NaiveTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

/// The day number of a minute (for natural-day counts).
pub(super) fn day_of(minute: i64) -> i64 {
    minute.div_euclid(MINUTES_PER_DAY)
}

/// Office hours as minute arithmetic: `minutes(x)` counts the office minutes of every day from
/// the epoch to `x`. Only meaningful inside spans the clock counted (working days, no stop).
#[derive(Debug, Clone, Copy)]
pub(super) struct Office {
    pub open: i64,
    pub per_day: i64,
}

impl Office {
    pub fn minutes(self, x: i64) -> i64 {
        x.div_euclid(MINUTES_PER_DAY) * self.per_day
            + (x.rem_euclid(MINUTES_PER_DAY) - self.open).clamp(0, self.per_day)
    }
}

/// The union of half-open spans, as disjoint ascending spans; touching spans are joined and
/// empty ones dropped.
pub(super) fn union(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.retain(|(a, b)| a < b);
    spans.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_joins_overlapping_and_touching_spans() {
        let cases = [
            (vec![], vec![]),
            (vec![(5, 5)], vec![]),
            (vec![(1, 3), (2, 4)], vec![(1, 4)]),
            (vec![(1, 3), (3, 4)], vec![(1, 4)]),
            (
                vec![(6, 9), (1, 2), (1, 3), (4, 5)],
                vec![(1, 3), (4, 5), (6, 9)],
            ),
            (vec![(1, 10), (2, 3)], vec![(1, 10)]),
        ];
        for (input, expected) in cases {
            assert_eq!(union(input.clone()), expected, "{input:?}");
        }
    }

    #[test]
    fn office_minutes_count_only_office_hours() {
        let office = Office {
            open: 540,
            per_day: 480,
        };
        let day = 739_000 * MINUTES_PER_DAY;
        assert_eq!(office.minutes(day + 600) - office.minutes(day), 60);
        assert_eq!(office.minutes(day + 1200) - office.minutes(day + 500), 480);
        assert_eq!(
            office.minutes(day + 2 * MINUTES_PER_DAY) - office.minutes(day),
            960
        );
    }
}

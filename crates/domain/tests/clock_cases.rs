//! The legal clock on hand-computed cases around every 2022-2026 holiday of the State Council's
//! notices. Each row says how it was counted; default office hours 09:00-17:00 (480 min a day).
//!
//! Notation in the comments: "(k)" marks the k-th counted working day, "adj" an adjusted working
//! weekend 调休上班日, "hol" a public holiday. Used is in minutes; a level is due soon when
//! remaining <= max(480, N * 96) minutes.

#![allow(clippy::unwrap_used, clippy::panic)]

use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::clock::{
    ClockError, ClockInput, ExplainSpan, LegalClock, OfficeHours, SpanKind, StopReason,
    StoppedSpan, WarningLevel,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::time::{LocalTime, parse_local};

use WarningLevel::{DueSoon, Normal, Overdue, Paused};

const P: StopReason = StopReason::Pause;
const NOTICE: StopReason = StopReason::UntimedProcedure(SpecialProcedureKind::PublicNotice);
const HEARING: StopReason = StopReason::UntimedProcedure(SpecialProcedureKind::Hearing);

enum Expect {
    /// deadline, used minutes, level (final: every year walked has its table)
    Reading(Option<&'static str>, i64, WarningLevel),
    /// The same, counted Monday to Friday in these years for want of their table (暂定).
    Provisional(Option<&'static str>, i64, WarningLevel, &'static [i32]),
    Error(ClockError),
}
use Expect::{Error, Provisional, Reading};

struct Case {
    name: &'static str,
    accepted: &'static str,
    limit: u32,
    stops: &'static [(&'static str, Option<&'static str>, StopReason)],
    ended: Option<&'static str>,
    as_of: &'static str,
    expect: Expect,
}

fn t(s: &str) -> LocalTime {
    parse_local(s).unwrap_or_else(|| panic!("bad time {s}"))
}

fn input(c: &Case) -> ClockInput {
    ClockInput {
        accepted_at: t(c.accepted),
        limit_working_days: c.limit,
        stopped: c
            .stops
            .iter()
            .map(|(from, to, reason)| StoppedSpan {
                from: t(from),
                to: to.map(t),
                reason: *reason,
            })
            .collect(),
        ended_at: c.ended.map(t),
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // ---------------------------------------------------------------- 2022
        // 2022 元旦 1/1 Sat-1/3 Mon. Accepted Fri 2021-12-31: the acceptance day needs no
        // classification when N > 0. 1/4 (1) 1/5 (2) 1/6 (3). Used 1/4 09:00-10:00 = 60.
        Case { name: "2022 元旦, accepted on the last day of 2021", accepted: "2021-12-31T15:00", limit: 3, stops: &[], ended: None,
               as_of: "2022-01-04T10:00", expect: Reading(Some("2022-01-06T17:00"), 60, Normal) },
        // 2022 春节 1/31-2/6, adj 1/29 Sat and 1/30 Sun. 1/29 (1) 1/30 (2) hol 2/7 (3) 2/8 (4).
        // Used to Sunday 2/6 20:00: 1/29 + 1/30 = 960; remaining 960 > 480.
        Case { name: "2022 春节 adjusted Saturday and Sunday count", accepted: "2022-01-28T10:00", limit: 4, stops: &[], ended: None,
               as_of: "2022-02-06T20:00", expect: Reading(Some("2022-02-08T17:00"), 960, Normal) },
        // 2022 清明 4/3-4/5, adj 4/2 Sat. 4/2 (1) hol 4/6 Wed (2). Used 4/2 = 480; remaining 480 -> due soon.
        Case { name: "2022 清明 adjusted Saturday", accepted: "2022-04-01T09:00", limit: 2, stops: &[], ended: None,
               as_of: "2022-04-06T09:00", expect: Reading(Some("2022-04-06T17:00"), 480, DueSoon) },
        // 2022 劳动节 4/30-5/4, adj 4/24 Sun and 5/7 Sat. 4/23 Sat off; 4/24 (1) 4/25-4/29 (2-6).
        // Used to 5/7 09:00: 6 days + 5/5, 5/6 = 8 x 480 = 3840; 5/7 09:00 counts nothing yet.
        Case { name: "2022 劳动节 adjusted Sunday before, overdue on the adjusted Saturday after", accepted: "2022-04-22T14:00", limit: 6, stops: &[], ended: None,
               as_of: "2022-05-07T09:00", expect: Reading(Some("2022-04-29T17:00"), 3840, Overdue) },
        // 2022 端午 6/3 Fri-6/5 Sun. N = 0 accepted on Saturday 6/4 (inside the holiday): the next
        // working day is Monday 6/6. Used 6/6 09:00-12:00 = 180 (more than N, but not yet overdue).
        Case { name: "2022 端午 即办 accepted on a holiday Saturday", accepted: "2022-06-04T10:00", limit: 0, stops: &[], ended: None,
               as_of: "2022-06-06T12:00", expect: Reading(Some("2022-06-06T17:00"), 180, DueSoon) },
        // 2022 中秋 9/10 Sat-9/12 Mon. 9/13 Tue (1). Read exactly at the deadline: not overdue.
        Case { name: "2022 中秋 read exactly at the deadline", accepted: "2022-09-09T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2022-09-13T17:00", expect: Reading(Some("2022-09-13T17:00"), 480, DueSoon) },
        // 2022 国庆 10/1-10/7, adj 10/8 Sat and 10/9 Sun. 10/8 (1) 10/9 (2). Used 480 + 09:00-16:00 420.
        Case { name: "2022 国庆 adjusted weekend after the holiday", accepted: "2022-09-30T16:00", limit: 2, stops: &[], ended: None,
               as_of: "2022-10-09T16:00", expect: Reading(Some("2022-10-09T17:00"), 900, DueSoon) },
        // ---------------------------------------------------------------- 2023
        // 2023 元旦 2022-12-31 Sat-2023-01-02 Mon (the notice crosses the year). 1/3 Tue (1).
        Case { name: "2023 元旦 across the turn of the year, overdue one minute after", accepted: "2022-12-30T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2023-01-03T17:01", expect: Reading(Some("2023-01-03T17:00"), 480, Overdue) },
        // 2023 春节: eve 1/21 Sat is the first holiday day (1/21-1/27), adj 1/28 Sat, 1/29 Sun.
        // 1/28 (1) 1/29 (2) 1/30 Mon (3). Used 480 + 1/29 09:00-13:00 240 = 720; remaining 720 > 480.
        Case { name: "2023 春节 accepted the day before the eve", accepted: "2023-01-20T10:00", limit: 3, stops: &[], ended: None,
               as_of: "2023-01-29T13:00", expect: Reading(Some("2023-01-30T17:00"), 720, Normal) },
        // N = 0 accepted at 17:00 on the adjusted Saturday 1/28: too late for that day, so the
        // close of the next working day, the adjusted Sunday 1/29. Used 1/29 09:00-10:00 = 60.
        Case { name: "2023 春节 即办 at 17:00 on an adjusted Saturday", accepted: "2023-01-28T17:00", limit: 0, stops: &[], ended: None,
               as_of: "2023-01-29T10:00", expect: Reading(Some("2023-01-29T17:00"), 60, DueSoon) },
        // 2023 清明 is one day, Wed 4/5. 4/6 Thu (1). Used 09:00-12:00 = 180; remaining 300.
        Case { name: "2023 清明 single holiday", accepted: "2023-04-04T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2023-04-06T12:00", expect: Reading(Some("2023-04-06T17:00"), 180, DueSoon) },
        // 2023 劳动节 4/29-5/3, adj 4/23 Sun and 5/6 Sat. 4/23 (1) 4/24-4/27 (2-5).
        // Used 4/23 = 480; remaining 1920 > max(480, 480).
        Case { name: "2023 劳动节 adjusted Sunday", accepted: "2023-04-21T10:00", limit: 5, stops: &[], ended: None,
               as_of: "2023-04-23T17:00", expect: Reading(Some("2023-04-27T17:00"), 480, Normal) },
        // 2023 端午 6/22 Thu-6/24 Sat, adj 6/25 Sun. 6/25 (1) 6/26 Mon (2). Used 480, remaining 480.
        Case { name: "2023 端午 adjusted Sunday", accepted: "2023-06-21T10:00", limit: 2, stops: &[], ended: None,
               as_of: "2023-06-25T17:00", expect: Reading(Some("2023-06-26T17:00"), 480, DueSoon) },
        // 2023 中秋、国庆 9/29-10/6 (8 days), adj 10/7 Sat, 10/8 Sun. 10/7 (1) 10/8 (2) 10/9 (3).
        // Used 10/7 09:00-10:30 = 90.
        Case { name: "2023 中秋国庆 eight days off", accepted: "2023-09-28T10:00", limit: 3, stops: &[], ended: None,
               as_of: "2023-10-07T10:30", expect: Reading(Some("2023-10-09T17:00"), 90, Normal) },
        // ---------------------------------------------------------------- 2024
        // 2024 元旦 Mon 1/1. 12/30-12/31 weekend, 1/1 hol, 1/2 (1) 1/3 (2). Used 0 at 09:00.
        Case { name: "2024 元旦 accepted the Friday before", accepted: "2023-12-29T15:00", limit: 2, stops: &[], ended: None,
               as_of: "2024-01-02T09:00", expect: Reading(Some("2024-01-03T17:00"), 0, Normal) },
        // 2024 春节 2/10-2/17, eve Fri 2/9 is a working day; adj 2/4 Sun and 2/18 Sun.
        // Accepted on the eve: 2/18 (1) 2/19-2/22 (2-5). Used 2/18 09:00-12:00 = 180.
        Case { name: "2024 春节 accepted on the eve (a working Friday)", accepted: "2024-02-09T10:00", limit: 5, stops: &[], ended: None,
               as_of: "2024-02-18T12:00", expect: Reading(Some("2024-02-22T17:00"), 180, Normal) },
        // 2/3 Sat off; 2/4 Sun adj (1) 2/5-2/9 (2-6): due on the eve. Used 5 x 480 + 420 = 2820.
        Case { name: "2024 春节 adjusted Sunday before, due on the eve", accepted: "2024-02-02T10:00", limit: 6, stops: &[], ended: None,
               as_of: "2024-02-09T16:00", expect: Reading(Some("2024-02-09T17:00"), 2820, DueSoon) },
        // Same case, 办结 on the adjusted Sunday 2/18 10:00: 6 days + 60 = 2940, ended after the
        // deadline, so overdue even though as-of is weeks later.
        Case { name: "2024 春节 ended after the deadline stays overdue", accepted: "2024-02-02T10:00", limit: 6, stops: &[], ended: Some("2024-02-18T10:00"),
               as_of: "2024-03-01T10:00", expect: Reading(Some("2024-02-09T17:00"), 2940, Overdue) },
        // 2024 清明 4/4-4/6, adj 4/7 Sun. 4/7 (1). Overdue Monday morning, used 480.
        Case { name: "2024 清明 adjusted Sunday is the deadline", accepted: "2024-04-03T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2024-04-08T09:00", expect: Reading(Some("2024-04-07T17:00"), 480, Overdue) },
        // 2024 劳动节 5/1-5/5, adj 4/28 Sun and 5/11 Sat. 4/28 (1) 4/29 (2) 4/30 (3).
        // Used to 5/11 12:00: 3 + 5/6-5/10 5 = 8 days 3840 + 5/11 09:00-12:00 180 = 4020.
        Case { name: "2024 劳动节 counted through the adjusted Saturday", accepted: "2024-04-26T10:00", limit: 3, stops: &[], ended: None,
               as_of: "2024-05-11T12:00", expect: Reading(Some("2024-04-30T17:00"), 4020, Overdue) },
        // 2024 端午 Mon 6/10 only. 6/8-6/9 weekend, 6/10 hol, 6/11 (1). Used 0 on the holiday.
        Case { name: "2024 端午 read on the holiday", accepted: "2024-06-07T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2024-06-10T12:00", expect: Reading(Some("2024-06-11T17:00"), 0, DueSoon) },
        // 2024 中秋 9/15-9/17, adj 9/14 Sat. 9/14 (1) hol 9/18 (2). Used 180.
        Case { name: "2024 中秋 adjusted Saturday", accepted: "2024-09-13T10:00", limit: 2, stops: &[], ended: None,
               as_of: "2024-09-14T12:00", expect: Reading(Some("2024-09-18T17:00"), 180, Normal) },
        // 2024 国庆 10/1-10/7, adj 9/29 Sun and 10/12 Sat (the issue's example). 9/28 Sat off,
        // 9/29 (1) 9/30 (2) hol 10/8-10/11 (3-6) 10/12 (7) 10/14-18 (8-12) 10/21-25 (13-17)
        // 10/28-30 (18-20). Used: 9/29, 9/30, 10/8, 10/9 = 1920 + 10/10 09:00-12:00 180 = 2100.
        Case { name: "2024 国庆 the issue's example", accepted: "2024-09-27T10:00", limit: 20, stops: &[], ended: None,
               as_of: "2024-10-10T12:00", expect: Reading(Some("2024-10-30T17:00"), 2100, Normal) },
        // Pause 9/30 14:00 - 10/9 10:00 across the holiday. Counted 9/29 480, 9/30 300, 10/9 420
        // (= 1200 by 10/9), 10/10 +480 ... cumulative 8880 at 10/30, 9360 at 10/31, 240 more on
        // Fri 11/1 -> 13:00. Used at 10/10 12:00: 480 + 300 + 420 + 180 = 1380.
        Case { name: "2024 国庆 pause across the holiday", accepted: "2024-09-27T10:00", limit: 20,
               stops: &[("2024-09-30T14:00", Some("2024-10-09T10:00"), P)], ended: None,
               as_of: "2024-10-10T12:00", expect: Reading(Some("2024-11-01T13:00"), 1380, Normal) },
        // Open pause from 10/9 10:00: deadline unknown. Used 9/29, 9/30, 10/8 = 1440 + 60 = 1500.
        Case { name: "2024 国庆 open pause", accepted: "2024-09-27T10:00", limit: 20,
               stops: &[("2024-10-09T10:00", None, P)], ended: None,
               as_of: "2024-10-10T12:00", expect: Reading(None, 1500, Paused) },
        // Same pause resumed only after as-of (10/11): still open at as-of, same reading.
        Case { name: "2024 国庆 pause resumed after as-of is open at as-of", accepted: "2024-09-27T10:00", limit: 20,
               stops: &[("2024-10-09T10:00", Some("2024-10-11T09:00"), P)], ended: None,
               as_of: "2024-10-10T12:00", expect: Reading(None, 1500, Paused) },
        // 办结 10/9 15:00: used 1440 + 10/9 09:00-15:00 360 = 1800; deadline unchanged, not passed.
        Case { name: "2024 国庆 completed before the deadline", accepted: "2024-09-27T10:00", limit: 20, stops: &[], ended: Some("2024-10-09T15:00"),
               as_of: "2024-11-20T10:00", expect: Reading(Some("2024-10-30T17:00"), 1800, Normal) },
        // N = 0 accepted at 08:00 on the adjusted Sunday 9/29: due at its close. Read 18:00:
        // overdue; the acceptance day itself is never counted, so used 0.
        Case { name: "2024 即办 on an adjusted Sunday", accepted: "2024-09-29T08:00", limit: 0, stops: &[], ended: None,
               as_of: "2024-09-29T18:00", expect: Reading(Some("2024-09-29T17:00"), 0, Overdue) },
        // N = 0 on 10/3 (国庆): 10/4-10/7 hol, next working day Tue 10/8. Used 10/8 480, read 17:01.
        Case { name: "2024 即办 on a public holiday", accepted: "2024-10-03T10:00", limit: 0, stops: &[], ended: None,
               as_of: "2024-10-08T17:01", expect: Reading(Some("2024-10-08T17:00"), 480, Overdue) },
        // N = 0 at 16:59 on Fri 3/15: same day. At 17:00: the next working day, Mon 3/18.
        Case { name: "即办 accepted at 16:59", accepted: "2024-03-15T16:59", limit: 0, stops: &[], ended: None,
               as_of: "2024-03-15T16:59", expect: Reading(Some("2024-03-15T17:00"), 0, DueSoon) },
        Case { name: "即办 accepted at 17:00", accepted: "2024-03-15T17:00", limit: 0, stops: &[], ended: None,
               as_of: "2024-03-15T17:00", expect: Reading(Some("2024-03-18T17:00"), 0, DueSoon) },
        // ---------------------------------------------------------------- 2025
        // 2025 元旦 Wed 1/1. N = 0 at 16:59 on Tue 12/31: due 17:00 that day; read 1/2 09:00:
        // overdue, nothing counted (1/1 hol, 1/2 not yet open).
        Case { name: "2025 即办 at 16:59 on new year's eve", accepted: "2024-12-31T16:59", limit: 0, stops: &[], ended: None,
               as_of: "2025-01-02T09:00", expect: Reading(Some("2024-12-31T17:00"), 0, Overdue) },
        // 2025 春节 1/28 (eve, a holiday from 2025 on) - 2/4, adj 1/26 Sun and 2/8 Sat.
        // Accepted Mon 1/27: 2/5 (1) 2/6 (2) 2/7 (3). Nothing counted through the holiday.
        Case { name: "2025 春节 accepted the day before the eve", accepted: "2025-01-27T16:00", limit: 3, stops: &[], ended: None,
               as_of: "2025-02-04T23:59", expect: Reading(Some("2025-02-07T17:00"), 0, Normal) },
        // 1/25 Sat off, 1/26 Sun adj (1), 1/27 (2). Used 480 + 30 = 510; remaining 450.
        Case { name: "2025 春节 adjusted Sunday before", accepted: "2025-01-24T11:00", limit: 2, stops: &[], ended: None,
               as_of: "2025-01-27T09:30", expect: Reading(Some("2025-01-27T17:00"), 510, DueSoon) },
        // 2/8 Sat adj (1). Read Mon 2/10 09:00: used 480, overdue.
        Case { name: "2025 春节 adjusted Saturday after", accepted: "2025-02-07T09:00", limit: 1, stops: &[], ended: None,
               as_of: "2025-02-10T09:00", expect: Reading(Some("2025-02-08T17:00"), 480, Overdue) },
        // 2025 清明 Fri 4/4 - Sun 4/6. 4/7 Mon (1). Read 08:00: 0 used.
        Case { name: "2025 清明", accepted: "2025-04-03T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2025-04-07T08:00", expect: Reading(Some("2025-04-07T17:00"), 0, DueSoon) },
        // 2025 劳动节 5/1-5/5, adj 4/27 Sun. 4/27 (1) 4/28 (2) 4/29 (3) 4/30 (4). Used 960.
        Case { name: "2025 劳动节 adjusted Sunday", accepted: "2025-04-25T10:00", limit: 4, stops: &[], ended: None,
               as_of: "2025-04-28T17:00", expect: Reading(Some("2025-04-30T17:00"), 960, Normal) },
        // 2025 端午 Sat 5/31 - Mon 6/2. 6/3 Tue (1).
        Case { name: "2025 端午", accepted: "2025-05-30T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2025-06-03T17:00", expect: Reading(Some("2025-06-03T17:00"), 480, DueSoon) },
        // 2025 国庆、中秋 10/1-10/8, adj 9/28 Sun and 10/11 Sat. 9/28 (1) 9/29 (2) 9/30 (3).
        // Used to 10/11 10:00: 1440 + 10/9, 10/10 960 + 10/11 60 = 2460.
        Case { name: "2025 国庆中秋 overdue across eight days off", accepted: "2025-09-26T10:00", limit: 3, stops: &[], ended: None,
               as_of: "2025-10-11T10:00", expect: Reading(Some("2025-09-30T17:00"), 2460, Overdue) },
        // Overlapping stops, Mon 3/3: pause 3/4 10:00-3/5 12:00 and 公示 3/5 10:00-3/6 10:00 stop
        // the clock together 3/4 10:00-3/6 10:00. Counted 3/4 60, 3/6 420 (480), 3/7 (960),
        // 3/10 (1440), 3/11 (1920), 3/12 (2400) at 17:00. Used at 3/7 12:00: 480 + 180 = 660.
        Case { name: "2025 overlapping pause and 公示", accepted: "2025-03-03T10:00", limit: 5,
               stops: &[("2025-03-04T10:00", Some("2025-03-05T12:00"), P), ("2025-03-05T10:00", Some("2025-03-06T10:00"), NOTICE)], ended: None,
               as_of: "2025-03-07T12:00", expect: Reading(Some("2025-03-12T17:00"), 660, Normal) },
        // A pause outside office hours (3/3 18:00-3/4 08:00) changes nothing: 3/4 (1). Used 60.
        Case { name: "2025 pause outside office hours", accepted: "2025-03-03T10:00", limit: 1,
               stops: &[("2025-03-03T18:00", Some("2025-03-04T08:00"), P)], ended: None,
               as_of: "2025-03-04T10:00", expect: Reading(Some("2025-03-04T17:00"), 60, DueSoon) },
        // 退件 3/10 10:00 while paused since 3/5 12:00 (never resumed): the pause ends with the
        // case. Used 3/4 480 + 3/5 180 = 660. Deadline as if resumed at the end: 3/10 10:00-17:00
        // 420 (1080), 3/11 (1560), 3/12 (2040), 3/13 +360 -> 15:00. Ended before it: normal.
        Case { name: "2025 returned while paused", accepted: "2025-03-03T10:00", limit: 5,
               stops: &[("2025-03-05T12:00", None, P)], ended: Some("2025-03-10T10:00"),
               as_of: "2025-03-20T10:00", expect: Reading(Some("2025-03-13T15:00"), 660, Normal) },
        // ---------------------------------------------------------------- 2026
        // 2026 元旦 1/1-1/3, adj 1/4 Sun. 1/4 (1) 1/5 (2). Used 480.
        Case { name: "2026 元旦 adjusted Sunday", accepted: "2025-12-31T10:00", limit: 2, stops: &[], ended: None,
               as_of: "2026-01-04T17:00", expect: Reading(Some("2026-01-05T17:00"), 480, DueSoon) },
        // 2026 春节 2/15-2/23, adj 2/14 Sat and 2/28 Sat. 2/14 (1) hol 2/24 (2) 2/25 (3) 2/26 (4)
        // 2/27 (5). Used 480 + 2/24 09:00-12:00 180 = 660.
        Case { name: "2026 春节 adjusted Saturday before nine days off", accepted: "2026-02-13T10:00", limit: 5, stops: &[], ended: None,
               as_of: "2026-02-24T12:00", expect: Reading(Some("2026-02-27T17:00"), 660, Normal) },
        // 2/27 Fri (1) 2/28 Sat adj (2). Read Mon 3/2 09:00: 960 used, overdue.
        Case { name: "2026 春节 adjusted Saturday after", accepted: "2026-02-26T10:00", limit: 2, stops: &[], ended: None,
               as_of: "2026-03-02T09:00", expect: Reading(Some("2026-02-28T17:00"), 960, Overdue) },
        // N = 0 accepted 07:30 on adj Sat 2/14, before opening: due at its close.
        Case { name: "2026 即办 before opening on an adjusted Saturday", accepted: "2026-02-14T07:30", limit: 0, stops: &[], ended: None,
               as_of: "2026-02-14T07:30", expect: Reading(Some("2026-02-14T17:00"), 0, DueSoon) },
        // 2026 清明 Sat 4/4 - Mon 4/6: pause 4/3 15:00 - 4/7 11:00 across it. Accepted Wed 4/1:
        // 4/2 (480), 4/3 09:00-15:00 (360 = 840), 4/7 11:00-17:00 (360 = 1200), 4/8 (1680),
        // 4/9 (2160), 4/10 +240 -> 13:00. Used at 4/7 12:00: 480 + 360 + 60 = 900.
        Case { name: "2026 清明 pause across the holiday", accepted: "2026-04-01T10:00", limit: 5,
               stops: &[("2026-04-03T15:00", Some("2026-04-07T11:00"), P)], ended: None,
               as_of: "2026-04-07T12:00", expect: Reading(Some("2026-04-10T13:00"), 900, Normal) },
        // 2026 劳动节 5/1-5/5, adj 5/9 Sat. 5/6 (1) 5/7 (2) 5/8 (3) 5/9 (4). Used 1440 + 240.
        Case { name: "2026 劳动节 due on the adjusted Saturday", accepted: "2026-04-30T10:00", limit: 4, stops: &[], ended: None,
               as_of: "2026-05-09T13:00", expect: Reading(Some("2026-05-09T17:00"), 1680, DueSoon) },
        // 2026 端午 Fri 6/19 - Sun 6/21. 6/22 Mon (1).
        Case { name: "2026 端午", accepted: "2026-06-18T16:00", limit: 1, stops: &[], ended: None,
               as_of: "2026-06-20T10:00", expect: Reading(Some("2026-06-22T17:00"), 0, DueSoon) },
        // 2026 中秋 9/25-9/27 and 国庆 10/1-10/7, adj 9/20 Sun and 10/10 Sat. 9/20 (1) 9/21-9/24
        // (2-5) hol 9/28-9/30 (6-8) hol 10/8 (9) 10/9 (10). Used 8 x 480 = 3840 at 10/8 09:00;
        // remaining 960 <= max(480, 10 x 96).
        Case { name: "2026 中秋 then 国庆", accepted: "2026-09-18T10:00", limit: 10, stops: &[], ended: None,
               as_of: "2026-10-08T09:00", expect: Reading(Some("2026-10-09T17:00"), 3840, DueSoon) },
        // 10/10 Sat adj (1). Used 60.
        Case { name: "2026 国庆 adjusted Saturday after", accepted: "2026-10-09T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2026-10-10T10:00", expect: Reading(Some("2026-10-10T17:00"), 60, DueSoon) },
        // Mon 3/2: 3/3 (480) 3/4 (960) 3/5 (1440) 3/6 09:00-12:00 (1620), 听证 (untimed) from
        // 3/6 12:00 to Mon 3/9 12:00, 3/9 12:00-17:00 (1920), 3/10 (2400). Used at 3/9 14:00:
        // 1620 + 120 = 1740; remaining 660 > 480.
        Case { name: "2026 hearing across a weekend", accepted: "2026-03-02T10:00", limit: 5,
               stops: &[("2026-03-06T12:00", Some("2026-03-09T12:00"), HEARING)], ended: None,
               as_of: "2026-03-09T14:00", expect: Reading(Some("2026-03-10T17:00"), 1740, Normal) },
        // Paused at the very minute of as-of: open. Used 3/3 480 + 3/4 09:00-11:00 120.
        Case { name: "pause starting at as-of is open", accepted: "2026-03-02T10:00", limit: 5,
               stops: &[("2026-03-04T11:00", None, P)], ended: None,
               as_of: "2026-03-04T11:00", expect: Reading(None, 600, Paused) },
        // Resumed at the very minute of as-of: closed. Lost 3/4 11:00-17:00 360 + 3/5 09:00-11:00
        // 120 = one day: deadline 3/9 -> 3/10 17:00. Used 600.
        Case { name: "pause ending at as-of is closed", accepted: "2026-03-02T10:00", limit: 5,
               stops: &[("2026-03-04T11:00", Some("2026-03-05T11:00"), P)], ended: None,
               as_of: "2026-03-05T11:00", expect: Reading(Some("2026-03-10T17:00"), 600, Normal) },
        // 12/31 Thu (1): due before the year without data is needed.
        Case { name: "2026 deadline on the last day with data", accepted: "2026-12-30T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2026-12-31T17:00", expect: Reading(Some("2026-12-31T17:00"), 480, DueSoon) },
        // ---------------------------------------------------------------- provisional: no 2027 table
        // A year without a table is counted Monday to Friday and the reading says so (暂定).
        // 12/31 (1) is the deadline; as-of 2027-01-01 Fri 10:00 counts 1/1 09:00-10:00 as a
        // provisional working day: 480 + 60.
        Case { name: "as-of in 2027", accepted: "2026-12-30T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2027-01-01T10:00", expect: Provisional(Some("2026-12-31T17:00"), 540, Overdue, &[2027]) },
        // 12/21-12/31 give 9 working days; the 10th is 2027-01-01, a Friday, provisionally worked.
        Case { name: "deadline in 2027", accepted: "2026-12-20T10:00", limit: 10, stops: &[], ended: None,
               as_of: "2026-12-21T10:00", expect: Provisional(Some("2027-01-01T17:00"), 60, Normal, &[2027]) },
        // Accepted Mon 12/28: 12/29 (1) 480, 12/30 09:00-10:00 60; paused until 2027-01-05 10:00,
        // 1/5 10:00-17:00 420 (2 days in all); 1/6 (3) 1/7 (4) 1/8 Fri (5). Used to 1/6 12:00:
        // 960 + 180 = 1140; 1260 left of 2400 -> normal.
        Case { name: "pause across the turn of the year", accepted: "2026-12-28T10:00", limit: 5,
               stops: &[("2026-12-30T10:00", Some("2027-01-05T10:00"), P)], ended: None,
               as_of: "2027-01-06T12:00", expect: Provisional(Some("2027-01-08T17:00"), 1140, Normal, &[2027]) },
        // Paused since 12/31 10:00 and still paused in 2027: no deadline; used 480 + 480 + 60.
        Case { name: "pause still open in 2027", accepted: "2026-12-28T10:00", limit: 5,
               stops: &[("2026-12-31T10:00", None, P)], ended: None,
               as_of: "2027-01-04T10:00", expect: Provisional(None, 1020, Paused, &[2027]) },
        // A hearing (untimed special procedure) over the new year, then the rest in 2027:
        // 12/31 (1) 480, hearing 2027-01-04 09:00 to 1/6 09:00, so 1/1 (2), 1/6 (3) 1/7 (4).
        Case { name: "hearing across the turn of the year", accepted: "2026-12-30T16:00", limit: 4,
               stops: &[("2027-01-04T09:00", Some("2027-01-06T09:00"), HEARING)], ended: None,
               as_of: "2027-01-06T09:00", expect: Provisional(Some("2027-01-07T17:00"), 960, Normal, &[2027]) },
        // Finished in 2026: the deadline it had (in 2027) is still provisional.
        Case { name: "ended in 2026, deadline in 2027", accepted: "2026-12-28T10:00", limit: 5, stops: &[],
               ended: Some("2026-12-31T12:00"), as_of: "2027-02-01T10:00",
               expect: Provisional(Some("2027-01-04T17:00"), 1140, Normal, &[2027]) },
        // N = 0 classifies the acceptance day, 2021-12-31 (Fri, provisionally worked).
        Case { name: "即办 accepted in 2021", accepted: "2021-12-31T10:00", limit: 0, stops: &[], ended: None,
               as_of: "2021-12-31T11:00", expect: Provisional(Some("2021-12-31T17:00"), 0, DueSoon, &[2021]) },
        // Counting starts 2021-12-31 (Fri): 09:00-12:00 = 180.
        Case { name: "counting in 2021", accepted: "2021-12-30T10:00", limit: 1, stops: &[], ended: None,
               as_of: "2021-12-31T12:00", expect: Provisional(Some("2021-12-31T17:00"), 180, DueSoon, &[2021]) },
        // ---------------------------------------------------------------- bad input
        Case { name: "stop ending before it starts", accepted: "2024-03-15T10:00", limit: 1,
               stops: &[("2024-03-18T12:00", Some("2024-03-18T11:00"), P)], ended: None, as_of: "2024-03-19T10:00",
               expect: Error(ClockError::StopEndsBeforeStart { from: t("2024-03-18T12:00"), to: t("2024-03-18T11:00") }) },
        Case { name: "stop before acceptance", accepted: "2024-03-15T10:00", limit: 1,
               stops: &[("2024-03-15T09:00", Some("2024-03-18T11:00"), P)], ended: None, as_of: "2024-03-19T10:00",
               expect: Error(ClockError::StopBeforeAcceptance { from: t("2024-03-15T09:00"), accepted_at: t("2024-03-15T10:00") }) },
        Case { name: "as-of before acceptance", accepted: "2024-03-15T10:00", limit: 1, stops: &[], ended: None, as_of: "2024-03-15T09:59",
               expect: Error(ClockError::AsOfBeforeAcceptance { as_of: t("2024-03-15T09:59"), accepted_at: t("2024-03-15T10:00") }) },
        Case { name: "ended before acceptance", accepted: "2024-03-15T10:00", limit: 1, stops: &[], ended: Some("2024-03-14T10:00"), as_of: "2024-03-19T10:00",
               expect: Error(ClockError::EndedBeforeAcceptance { ended_at: t("2024-03-14T10:00"), accepted_at: t("2024-03-15T10:00") }) },
    ]
}

#[test]
fn hand_computed_cases_around_every_holiday_2022_to_2026() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let cases = cases();
    assert!(cases.len() >= 40);
    let mut failures = Vec::new();
    for c in &cases {
        let got = clock.evaluate(&input(c), t(c.as_of));
        let ok = match (&got, &c.expect) {
            (Ok(r), Reading(deadline, used, level)) => {
                r.deadline == deadline.map(t)
                    && r.used_minutes == *used
                    && r.level == *level
                    && r.provisional_years.is_empty()
            }
            (Ok(r), Provisional(deadline, used, level, years)) => {
                r.deadline == deadline.map(t)
                    && r.used_minutes == *used
                    && r.level == *level
                    && r.provisional_years == *years
            }
            (Err(e), Error(expected)) => e == expected,
            _ => false,
        };
        if !ok {
            let got = got.map(|r| (r.deadline, r.used_minutes, r.level, r.provisional_years));
            failures.push(format!("{}: got {got:?}", c.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn span(from: &str, to: &str, kind: SpanKind, counted_minutes: i64) -> ExplainSpan {
    ExplainSpan {
        from: t(from),
        to: t(to),
        kind,
        counted_minutes,
    }
}

#[test]
fn explanation_shows_each_reason_once_per_stretch() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let input = ClockInput {
        accepted_at: t("2024-09-27T10:00"),
        limit_working_days: 20,
        stopped: vec![StoppedSpan {
            from: t("2024-09-30T14:00"),
            to: Some(t("2024-10-09T10:00")),
            reason: P,
        }],
        ended_at: Some(t("2024-10-10T12:00")),
    };
    let reading = clock
        .evaluate(&input, t("2024-10-11T08:00"))
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = vec![
        span(
            "2024-09-27T10:00",
            "2024-09-28T00:00",
            SpanKind::AcceptanceDay,
            0,
        ),
        span("2024-09-28T00:00", "2024-09-29T00:00", SpanKind::Weekend, 0),
        span(
            "2024-09-29T00:00",
            "2024-09-30T00:00",
            SpanKind::AdjustedWorkday {
                serves: "国庆节".into(),
            },
            480,
        ),
        span(
            "2024-09-30T00:00",
            "2024-09-30T14:00",
            SpanKind::Counted,
            300,
        ),
        span("2024-09-30T14:00", "2024-10-09T10:00", SpanKind::Pause, 0),
        span(
            "2024-10-09T10:00",
            "2024-10-10T12:00",
            SpanKind::Counted,
            600,
        ),
        span(
            "2024-10-10T12:00",
            "2024-10-11T08:00",
            SpanKind::AfterEnd,
            0,
        ),
    ];
    assert_eq!(reading.explain, expected);

    // Without the pause the holiday shows by name, and overlapping stops split by reason.
    let input = ClockInput {
        accepted_at: t("2024-09-27T10:00"),
        limit_working_days: 20,
        stopped: vec![
            StoppedSpan {
                from: t("2024-10-09T10:00"),
                to: Some(t("2024-10-09T15:00")),
                reason: P,
            },
            StoppedSpan {
                from: t("2024-10-09T12:00"),
                to: Some(t("2024-10-10T10:00")),
                reason: NOTICE,
            },
        ],
        ended_at: None,
    };
    let reading = clock
        .evaluate(&input, t("2024-10-10T12:00"))
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = vec![
        span(
            "2024-09-27T10:00",
            "2024-09-28T00:00",
            SpanKind::AcceptanceDay,
            0,
        ),
        span("2024-09-28T00:00", "2024-09-29T00:00", SpanKind::Weekend, 0),
        span(
            "2024-09-29T00:00",
            "2024-09-30T00:00",
            SpanKind::AdjustedWorkday {
                serves: "国庆节".into(),
            },
            480,
        ),
        span(
            "2024-09-30T00:00",
            "2024-10-01T00:00",
            SpanKind::Counted,
            480,
        ),
        span(
            "2024-10-01T00:00",
            "2024-10-08T00:00",
            SpanKind::Holiday {
                name: "国庆节".into(),
            },
            0,
        ),
        span(
            "2024-10-08T00:00",
            "2024-10-09T10:00",
            SpanKind::Counted,
            540,
        ),
        span("2024-10-09T10:00", "2024-10-09T15:00", SpanKind::Pause, 0),
        span(
            "2024-10-09T15:00",
            "2024-10-10T10:00",
            SpanKind::UntimedProcedure(SpecialProcedureKind::PublicNotice),
            0,
        ),
        span(
            "2024-10-10T10:00",
            "2024-10-10T12:00",
            SpanKind::Counted,
            120,
        ),
    ];
    assert_eq!(reading.explain, expected);
}

#[test]
fn reading_serializes_to_what_the_cli_prints() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let input = ClockInput {
        accepted_at: t("2024-09-27T10:00"),
        limit_working_days: 20,
        stopped: vec![],
        ended_at: None,
    };
    let reading = clock
        .evaluate(&input, t("2024-10-10T12:00"))
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&reading).unwrap_or_default();
    // 2100 / 480 = 4.375 -> 4.38; 7500 / 480 = 15.625 -> 15.63 (halves away from zero).
    assert_eq!(json["deadline"], "2024-10-30T17:00");
    assert_eq!(json["used_working_days"], 4.38);
    assert_eq!(json["remaining_working_days"], 15.63);
    assert_eq!(json["level"], "normal");
    assert_eq!(json["used_minutes"], 2100);
    assert_eq!(json["limit_minutes"], 9600);
    assert_eq!(
        json["explain"][4],
        serde_json::json!({"from": "2024-10-01T00:00", "to": "2024-10-08T00:00", "kind": "holiday", "name": "国庆节",
                           "counted_minutes": 0, "label": "法定节假日（国庆节），不计时"})
    );
    let text = serde_json::to_string(&reading).unwrap_or_default();
    assert!(text.starts_with(r#"{"deadline":"2024-10-30T17:00","used_working_days":4.38,"remaining_working_days":15.63,"level":"normal","#), "{text}");

    // Paused: the deadline is null; overdue: remaining goes negative.
    let paused = ClockInput {
        stopped: vec![StoppedSpan {
            from: t("2024-10-09T10:00"),
            to: None,
            reason: P,
        }],
        ..input.clone()
    };
    let json = serde_json::to_value(
        clock
            .evaluate(&paused, t("2024-10-10T12:00"))
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_default();
    assert_eq!(json["deadline"], serde_json::Value::Null);
    assert_eq!(json["level"], "paused");
    let json = serde_json::to_value(
        clock
            .evaluate(&input, t("2024-10-31T11:00"))
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_default();
    // 20 days + 10/31 09:00-11:00 = 9720 used: remaining -120 / 480 = -0.25.
    assert_eq!(json["remaining_working_days"], -0.25);
    assert_eq!(json["level"], "overdue");
}

#[test]
fn office_hours_are_configurable() {
    let calendar = WorkingCalendar::shipped();
    // 08:30-17:30 is 540 minutes a day. 9/29 (1) 9/30 (2): due 9/30 17:30.
    let hours = OfficeHours::new(t("2024-01-01T08:30").time(), t("2024-01-01T17:30").time())
        .unwrap_or_default();
    let clock = LegalClock::new(&calendar, hours);
    let input = ClockInput {
        accepted_at: t("2024-09-27T10:00"),
        limit_working_days: 2,
        stopped: vec![],
        ended_at: None,
    };
    let reading = clock
        .evaluate(&input, t("2024-09-30T12:00"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reading.deadline, Some(t("2024-09-30T17:30")));
    assert_eq!(reading.used_minutes, 540 + 210);
    assert_eq!(reading.minutes_per_working_day, 540);
    assert_eq!(
        clock.deadline(t("2024-09-27T10:00"), 2),
        Ok(t("2024-09-30T17:30"))
    );
    assert_eq!(OfficeHours::default().minutes_per_day(), Ok(480));
    let backwards = OfficeHours::new(t("2024-01-01T17:00").time(), t("2024-01-01T09:00").time());
    assert!(matches!(
        backwards,
        Err(ClockError::InvalidOfficeHours { .. })
    ));
}

/// When the 2027 table arrives, a provisional reading becomes final, recomputed from the same
/// events: with 元旦 on Friday 1/1 the 10th working day after 12/20 moves from 1/1 to Monday 1/4.
#[test]
fn a_provisional_deadline_becomes_final_when_the_table_arrives() {
    let mut calendar = WorkingCalendar::shipped();
    let input = ClockInput {
        accepted_at: t("2026-12-20T10:00"),
        limit_working_days: 10,
        stopped: vec![],
        ended_at: None,
    };
    let before = LegalClock::new(&calendar, OfficeHours::default())
        .evaluate(&input, t("2026-12-21T10:00"))
        .unwrap();
    assert_eq!(before.deadline, Some(t("2027-01-01T17:00")));
    assert_eq!(
        before.provisional_note().as_deref(),
        Some("暂定：缺少 2027 年节假日安排")
    );
    let json = serde_json::to_value(&before).unwrap();
    assert_eq!(json["provisional"], "暂定：缺少 2027 年节假日安排");
    assert_eq!(json["provisional_years"], serde_json::json!([2027]));

    calendar.import(
        WorkingCalendar::from_toml(
            "[[year]]\nyear = 2027\nholidays = [ { name = \"元旦\", from = 2027-01-01 } ]\n",
        )
        .unwrap(),
    );
    let after = LegalClock::new(&calendar, OfficeHours::default())
        .evaluate(&input, t("2026-12-21T10:00"))
        .unwrap();
    assert_eq!(after.deadline, Some(t("2027-01-04T17:00")));
    assert!(!after.is_provisional());
    let json = serde_json::to_value(&after).unwrap();
    assert!(json["provisional"].is_null());
}

#[test]
fn errors_speak_chinese_and_name_the_year() {
    assert_eq!(
        ClockError::NoDataForYear(2027).to_string(),
        "缺少 2027 年的节假日安排数据，无法计算时限；请导入国务院办公厅公布的 2027 年节假日安排"
    );
    let e = ClockError::StopEndsBeforeStart {
        from: t("2024-03-18T12:00"),
        to: t("2024-03-18T11:00"),
    };
    assert!(e.to_string().contains("早于开始时间"), "{e}");
}

//! 法定时限: the legal clock. Pure functions from (acceptance, limit, stops, calendar, office
//! hours, as-of) to time used, time left, deadline, warning level and an explanation.

use crate::calendar::{CalendarError, DayCursor, DayKind, WorkingCalendar};
use crate::procedure::SpecialProcedureKind;
use crate::time::LocalTime;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// 办公时间: the counted hours of a working day (default 09:00-17:00, 8 h = 1 working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeHours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

/// Why the clock was stopped for a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind", content = "procedure")]
pub enum StopReason {
    /// 暂停整改
    Pause,
    /// An untimed 特别程序 (公示, 公告, 听证, 检验, 监测, 勘察 ...).
    UntimedProcedure(SpecialProcedureKind),
}

/// A span in which the clock does not run; `to: None` means still open at as-of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoppedSpan {
    pub from: LocalTime,
    pub to: Option<LocalTime>,
    pub reason: StopReason,
}

/// Everything the clock needs to know about one case (or one utility service, commission,
/// consultation: they share the rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClockInput {
    /// 受理时间 (Beijing time). The acceptance day itself is not counted.
    pub accepted_at: LocalTime,
    /// N = the item's limit + approved extensions, in working days (0 = 即办).
    pub limit_working_days: u32,
    /// Pauses and untimed special procedures; may overlap each other.
    pub stopped: Vec<StoppedSpan>,
    /// 办结 or 退件 time: the clock stops there.
    pub ended_at: Option<LocalTime>,
}

/// 预警等级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    Normal,
    DueSoon,
    Overdue,
    Paused,
}

const MINUTES_PER_DAY: i64 = 1440;
/// The end of an open stop.
const OPEN_END: i64 = i64::MAX;

impl Default for OfficeHours {
    /// 09:00-17:00: one working day is 8 counted hours.
    fn default() -> Self {
        Self {
            open: NaiveTime::MIN + chrono::Duration::hours(9),
            close: NaiveTime::MIN + chrono::Duration::hours(17),
        }
    }
}

impl OfficeHours {
    /// Office hours from `open` to `close` (to the minute); `open` must be before `close`.
    pub fn new(open: NaiveTime, close: NaiveTime) -> Result<Self, ClockError> {
        let hours = Self { open, close };
        hours.minutes()?;
        Ok(hours)
    }

    /// Counted minutes of one working day (480 for 09:00-17:00).
    pub fn minutes_per_day(&self) -> Result<i64, ClockError> {
        let (open, close) = self.minutes()?;
        Ok(close - open)
    }

    /// (open, close) in minutes after midnight; seconds are dropped like everywhere in the clock.
    fn minutes(&self) -> Result<(i64, i64), ClockError> {
        let open = minute_of_day(self.open);
        let close = minute_of_day(self.close);
        if open >= close {
            return Err(ClockError::InvalidOfficeHours {
                open: self.open,
                close: self.close,
            });
        }
        Ok((open, close))
    }
}

/// Why the clock could not be read. Each message tells the user what to correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// A date outside every year a calendar can describe (before 1949 or after 9999). A year
    /// merely missing its holiday table is not an error: it is counted Monday to Friday and the
    /// reading is marked provisional ([`ClockReading::provisional_years`]).
    #[error("缺少 {0} 年的节假日安排数据，无法计算时限；请导入国务院办公厅公布的 {0} 年节假日安排")]
    NoDataForYear(i32),
    #[error("暂停或特别程序的结束时间 {to} 早于开始时间 {from}")]
    StopEndsBeforeStart { from: LocalTime, to: LocalTime },
    #[error("暂停或特别程序的开始时间 {from} 早于受理时间 {accepted_at}")]
    StopBeforeAcceptance {
        from: LocalTime,
        accepted_at: LocalTime,
    },
    #[error("查询时间 {as_of} 早于受理时间 {accepted_at}")]
    AsOfBeforeAcceptance {
        as_of: LocalTime,
        accepted_at: LocalTime,
    },
    #[error("办结或退件时间 {ended_at} 早于受理时间 {accepted_at}")]
    EndedBeforeAcceptance {
        ended_at: LocalTime,
        accepted_at: LocalTime,
    },
    #[error("办公时间无效：上班时间 {open} 须早于下班时间 {close}")]
    InvalidOfficeHours { open: NaiveTime, close: NaiveTime },
    #[error("时间超出可计算的范围")]
    OutOfRange,
    #[error("{0}")]
    Calendar(CalendarError),
}

impl From<CalendarError> for ClockError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::NoDataForYear(year) => ClockError::NoDataForYear(year),
            other => ClockError::Calendar(other),
        }
    }
}

/// Why a span of the explanation was or was not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanKind {
    /// A working day: its office hours count (hours outside them are folded into the span).
    Counted,
    /// 调休上班: a weekend day worked, counted like any working day.
    AdjustedWorkday {
        serves: String,
    },
    /// 受理当日: the day of acceptance is not counted.
    AcceptanceDay,
    Weekend,
    /// 法定节假日, with its name.
    Holiday {
        name: String,
    },
    /// 暂停整改.
    Pause,
    /// An untimed special procedure 不计时特别程序.
    UntimedProcedure(SpecialProcedureKind),
    /// After 办结 or 退件.
    AfterEnd,
}

impl SpanKind {
    fn code(&self) -> &'static str {
        match self {
            SpanKind::Counted => "counted",
            SpanKind::AdjustedWorkday { .. } => "adjusted_workday",
            SpanKind::AcceptanceDay => "acceptance_day",
            SpanKind::Weekend => "weekend",
            SpanKind::Holiday { .. } => "holiday",
            SpanKind::Pause => "pause",
            SpanKind::UntimedProcedure(_) => "untimed_procedure",
            SpanKind::AfterEnd => "after_end",
        }
    }

    /// What a UI shows beside the span.
    pub fn label(&self) -> String {
        match self {
            SpanKind::Counted => "工作日，计时".to_string(),
            SpanKind::AdjustedWorkday { serves } => format!("调休上班日（{serves}），计时"),
            SpanKind::AcceptanceDay => "受理当日，不计时".to_string(),
            SpanKind::Weekend => "周末，不计时".to_string(),
            SpanKind::Holiday { name } => format!("法定节假日（{name}），不计时"),
            SpanKind::Pause => "暂停整改，不计时".to_string(),
            SpanKind::UntimedProcedure(kind) => format!("特别程序（{}），不计时", kind.label()),
            SpanKind::AfterEnd => "已办结或退件，不再计时".to_string(),
        }
    }
}

/// One line of the explanation: `[from, to)` and the minutes it counted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "ExplainSpanJson<'static>"))]
pub struct ExplainSpan {
    pub from: LocalTime,
    pub to: LocalTime,
    pub kind: SpanKind,
    pub counted_minutes: i64,
}

/// The JSON form of an [`ExplainSpan`] (and its TypeScript type, under the `ts` feature).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ExplainSpan", optional_fields))]
struct ExplainSpanJson<'a> {
    from: String,
    to: String,
    #[cfg_attr(feature = "ts", ts(as = "SpanKindCode"))]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    procedure: Option<SpecialProcedureKind>,
    counted_minutes: i64,
    label: String,
}

/// The codes of [`SpanKind`] as the JSON says them (`SpanKind::code`).
#[cfg(feature = "ts")]
#[derive(ts_rs::TS)]
#[ts(rename_all = "snake_case")]
#[allow(dead_code)]
enum SpanKindCode {
    Counted,
    AdjustedWorkday,
    AcceptanceDay,
    Weekend,
    Holiday,
    Pause,
    UntimedProcedure,
    AfterEnd,
}

impl Serialize for ExplainSpan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        type Json<'a> = ExplainSpanJson<'a>;
        let (name, procedure) = match &self.kind {
            SpanKind::AdjustedWorkday { serves } => (Some(serves.as_str()), None),
            SpanKind::Holiday { name } => (Some(name.as_str()), None),
            SpanKind::UntimedProcedure(kind) => (Some(kind.label()), Some(*kind)),
            _ => (None, None),
        };
        Json {
            from: crate::time::format_minute(self.from),
            to: crate::time::format_minute(self.to),
            kind: self.kind.code(),
            name,
            procedure,
            counted_minutes: self.counted_minutes,
            label: self.kind.label(),
        }
        .serialize(serializer)
    }
}

/// 计时结果: the clock of one case as it stood at as-of.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(as = "ClockReadingJson<'static>")
)]
pub struct ClockReading {
    /// 办理期限; None while paused (the resumption, hence the deadline, is unknown).
    pub deadline: Option<LocalTime>,
    pub limit_working_days: u32,
    /// Counted minutes in one working day (480 with the default hours).
    pub minutes_per_working_day: i64,
    /// Counted minutes up to as-of (or the end, if earlier).
    pub used_minutes: i64,
    pub level: WarningLevel,
    /// From acceptance to as-of, coalesced.
    pub explain: Vec<ExplainSpan>,
    /// Years the reading walked that have no holiday table: their days were counted Monday to
    /// Friday, so the deadline (and the days used and left) are provisional (暂定) until the
    /// State Council's table for those years is imported. Empty: the reading is final.
    pub provisional_years: Vec<i32>,
}

/// The mark shown beside a provisional deadline: "暂定：缺少 2027 年节假日安排".
pub fn provisional_note(years: &[i32]) -> Option<String> {
    if years.is_empty() {
        return None;
    }
    let years: Vec<String> = years.iter().map(|y| format!("{y} 年")).collect();
    Some(format!("暂定：缺少 {}节假日安排", years.join("、")))
}

impl ClockReading {
    /// Whether the reading counted a year without a holiday table Monday to Friday.
    pub fn is_provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }

    /// "暂定：缺少 2027 年节假日安排", or None for a final reading.
    pub fn provisional_note(&self) -> Option<String> {
        provisional_note(&self.provisional_years)
    }

    pub fn limit_minutes(&self) -> i64 {
        i64::from(self.limit_working_days) * self.minutes_per_working_day
    }

    /// Negative once overdue.
    pub fn remaining_minutes(&self) -> i64 {
        self.limit_minutes() - self.used_minutes
    }

    /// Used working days, rounded to 2 decimals.
    pub fn used_working_days(&self) -> f64 {
        working_days_2dp(self.used_minutes, self.minutes_per_working_day)
    }

    /// Remaining working days, rounded to 2 decimals (negative once overdue).
    pub fn remaining_working_days(&self) -> f64 {
        working_days_2dp(self.remaining_minutes(), self.minutes_per_working_day)
    }
}

/// The JSON form of a [`ClockReading`] (and its TypeScript type, under the `ts` feature).
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ClockReading"))]
struct ClockReadingJson<'a> {
    /// 办理期限 in Beijing time (`YYYY-MM-DDTHH:MM`); null while paused.
    deadline: Option<String>,
    used_working_days: f64,
    remaining_working_days: f64,
    level: WarningLevel,
    used_minutes: i64,
    limit_minutes: i64,
    explain: &'a [ExplainSpan],
    /// Years counted Monday to Friday for want of a holiday table.
    provisional_years: &'a [i32],
    /// "暂定：缺少 2027 年节假日安排", or null when final.
    provisional: Option<String>,
}

impl Serialize for ClockReading {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ClockReadingJson {
            deadline: self.deadline.map(crate::time::format_minute),
            used_working_days: self.used_working_days(),
            remaining_working_days: self.remaining_working_days(),
            level: self.level,
            used_minutes: self.used_minutes,
            limit_minutes: self.limit_minutes(),
            explain: &self.explain,
            provisional_years: &self.provisional_years,
            provisional: self.provisional_note(),
        }
        .serialize(serializer)
    }
}

/// minutes / per_day rounded half away from zero to hundredths, in integers first so that the
/// printed figure is exact.
fn working_days_2dp(minutes: i64, per_day: i64) -> f64 {
    if per_day <= 0 {
        return 0.0;
    }
    let scaled = minutes.saturating_mul(200);
    let hundredths = if scaled >= 0 {
        (scaled + per_day) / (2 * per_day)
    } else {
        -((-scaled + per_day) / (2 * per_day))
    };
    hundredths as f64 / 100.0
}

/// 法定时限计时器: working-day arithmetic with one calendar and one set of office hours.
#[derive(Debug, Clone, Copy)]
pub struct LegalClock<'a> {
    calendar: &'a WorkingCalendar,
    hours: OfficeHours,
}

/// A stretch in which the clock is stopped, with the reason shown for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StopPiece {
    from: i64,
    to: i64,
    reason: StopReason,
}

/// Internal, allocation-free span kind; becomes a SpanKind when the explanation is handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    Day(DayKind<'a>),
    AcceptanceDay,
    Stopped(StopReason),
    AfterEnd,
}

/// Office hours as minute arithmetic: `office_minutes(x)` counts the office minutes of every
/// day from the epoch to `x`, so any stretch of working days is counted in O(1).
#[derive(Debug, Clone, Copy)]
struct Office {
    open: i64,
    per_day: i64,
}

impl Office {
    fn office_minutes(self, x: i64) -> i64 {
        x.div_euclid(MINUTES_PER_DAY) * self.per_day
            + (x.rem_euclid(MINUTES_PER_DAY) - self.open).clamp(0, self.per_day)
    }

    /// The earliest instant at which `office_minutes` reaches `v` (> 0): inside an office window.
    fn instant_reaching(self, v: i64) -> i64 {
        let day = (v - 1).div_euclid(self.per_day);
        day * MINUTES_PER_DAY + self.open + (v - day * self.per_day)
    }
}

/// The state of one pass over the timeline, from acceptance to as-of (or on to the deadline).
struct Walk<'p, 'a> {
    office: Office,
    /// Disjoint ascending stop pieces, and the first one not yet behind the walk.
    pieces: &'p [StopPiece],
    next_piece: usize,
    until: i64,
    limit: i64,
    want_deadline: bool,
    counted_total: i64,
    used: i64,
    deadline: Option<i64>,
    spans: Vec<RawSpan<'a>>,
}

impl<'a> Walk<'_, 'a> {
    fn wants_deadline(&self) -> bool {
        self.want_deadline && self.deadline.is_none()
    }

    /// Take `[lo, hi)`, all of one kind of day (working or not), splitting it at the stops.
    fn segment(&mut self, lo: i64, hi: i64, base: Kind<'a>, working: bool) {
        let mut t = lo;
        while t < hi && (t < self.until || self.wants_deadline()) {
            while self.pieces.get(self.next_piece).is_some_and(|p| p.to <= t) {
                self.next_piece += 1;
            }
            let (u, kind, counting) = match self.pieces.get(self.next_piece) {
                Some(p) if p.from <= t => (p.to.min(hi), Kind::Stopped(p.reason), false),
                Some(p) => (p.from.min(hi), base, working),
                None => (hi, base, working),
            };
            let at_t = if counting {
                self.office.office_minutes(t)
            } else {
                0
            };
            if counting && self.wants_deadline() {
                let counted = self.office.office_minutes(u) - at_t;
                if self.counted_total + counted >= self.limit {
                    self.deadline = Some(
                        self.office
                            .instant_reaching(at_t + self.limit - self.counted_total),
                    );
                }
                self.counted_total += counted;
            }
            if t < self.until {
                let end = u.min(self.until);
                let counted = if counting {
                    self.office.office_minutes(end) - at_t
                } else {
                    0
                };
                self.used += counted;
                push_span(
                    &mut self.spans,
                    RawSpan {
                        from: t,
                        to: end,
                        kind,
                        counted,
                    },
                );
            }
            t = u;
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct RawSpan<'a> {
    from: i64,
    to: i64,
    kind: Kind<'a>,
    counted: i64,
}

impl<'a> LegalClock<'a> {
    pub fn new(calendar: &'a WorkingCalendar, hours: OfficeHours) -> Self {
        Self { calendar, hours }
    }

    pub fn calendar(&self) -> &'a WorkingCalendar {
        self.calendar
    }

    pub fn office_hours(&self) -> OfficeHours {
        self.hours
    }

    /// The deadline of N working days counted from `start` by the case rules (the start day is
    /// not counted), with nothing stopping the clock: for joint consultation, utility and
    /// intermediary clocks.
    pub fn deadline(
        &self,
        start: LocalTime,
        limit_working_days: u32,
    ) -> Result<LocalTime, ClockError> {
        let input = ClockInput {
            accepted_at: start,
            limit_working_days,
            stopped: Vec::new(),
            ended_at: None,
        };
        self.evaluate(&input, start)?
            .deadline
            .ok_or(ClockError::OutOfRange)
    }

    /// [`LegalClock::deadline`] for what cannot be undone (the system's deemed consent): a
    /// deadline counted Monday to Friday for want of a year's holiday table is not final, so it
    /// is refused naming that year, and the action waits until the table is imported.
    pub fn final_deadline(
        &self,
        start: LocalTime,
        limit_working_days: u32,
    ) -> Result<LocalTime, ClockError> {
        let input = ClockInput {
            accepted_at: start,
            limit_working_days,
            stopped: Vec::new(),
            ended_at: None,
        };
        let reading = self.evaluate(&input, start)?;
        if let Some(year) = reading.provisional_years.first() {
            return Err(ClockError::NoDataForYear(*year));
        }
        reading.deadline.ok_or(ClockError::OutOfRange)
    }

    /// Read the clock of `input` as it stood at `as_of`.
    ///
    /// What was not yet known at as-of is left out: an end after as-of, stops starting after it;
    /// a stop still running at as-of is open (level `paused`, no deadline). After the end, stops
    /// are cut at the end: a case returned while paused is not paused any more.
    /// Times are taken to the minute (seconds dropped).
    pub fn evaluate(
        &self,
        input: &ClockInput,
        as_of: LocalTime,
    ) -> Result<ClockReading, ClockError> {
        let (open, close) = self.hours.minutes()?;
        let per_day = close - open;
        validate(input, as_of)?;

        let accepted = minute_of(input.accepted_at);
        let as_of_m = minute_of(as_of);
        let ended = input.ended_at.map(minute_of).filter(|&e| e <= as_of_m);
        let until = ended.unwrap_or(as_of_m);
        let (pieces, paused) = stop_pieces(&input.stopped, until, ended.is_some());

        let limit = i64::from(input.limit_working_days) * per_day;
        let mut walk = Walk {
            office: Office { open, per_day },
            pieces: &pieces,
            next_piece: 0,
            until,
            limit,
            want_deadline: !paused && input.limit_working_days > 0,
            counted_total: 0,
            used: 0,
            deadline: None,
            // A span per weekend and holiday and two per stop, about: enough to rarely regrow.
            spans: Vec::with_capacity(32 + 2 * pieces.len()),
        };
        // The acceptance day is never counted; from the next midnight the calendar decides,
        // one run of same-kind days (a working week, a weekend, a holiday) at a time.
        let mut t = (accepted.div_euclid(MINUTES_PER_DAY) + 1) * MINUTES_PER_DAY;
        walk.segment(accepted, t, Kind::AcceptanceDay, false);
        let mut cursor = DayCursor::new(self.calendar);
        while t < until || walk.wants_deadline() {
            let (kind, run_end) = cursor.run(day_number(t.div_euclid(MINUTES_PER_DAY))?)?;
            let run_end = i64::from(run_end) * MINUTES_PER_DAY;
            walk.segment(t, run_end, Kind::Day(kind), kind.is_working());
            t = run_end;
        }
        let Walk {
            used,
            mut deadline,
            mut spans,
            ..
        } = walk;
        if let Some(end) = ended.filter(|&e| e < as_of_m) {
            push_span(
                &mut spans,
                RawSpan {
                    from: end,
                    to: as_of_m,
                    kind: Kind::AfterEnd,
                    counted: 0,
                },
            );
        }

        if !paused && input.limit_working_days == 0 {
            deadline = Some(self.same_day_deadline(&mut cursor, accepted, close)?);
        }
        let level = match deadline {
            _ if paused => WarningLevel::Paused,
            Some(d) if until > d => WarningLevel::Overdue,
            _ if (limit - used) * 5 <= (5 * per_day).max(limit) => WarningLevel::DueSoon,
            _ => WarningLevel::Normal,
        };
        Ok(ClockReading {
            deadline: deadline.map(local_of).transpose()?,
            limit_working_days: input.limit_working_days,
            minutes_per_working_day: per_day,
            used_minutes: used,
            level,
            provisional_years: cursor.provisional_years().to_vec(),
            explain: {
                let mut dates = DateCache::default();
                let mut explain = Vec::with_capacity(spans.len());
                for span in spans {
                    explain.push(span.into_explain(&mut dates)?);
                }
                explain
            },
        })
    }

    /// 即办 (N = 0): the close of the acceptance day if it is a working day and acceptance came
    /// before the close, otherwise the close of the next working day.
    fn same_day_deadline(
        &self,
        cursor: &mut DayCursor<'_>,
        accepted: i64,
        close: i64,
    ) -> Result<i64, ClockError> {
        let mut day = accepted.div_euclid(MINUTES_PER_DAY);
        let accepted_in_time = accepted.rem_euclid(MINUTES_PER_DAY) < close;
        if !(accepted_in_time && cursor.kind(day_number(day)?)?.is_working()) {
            day += 1;
            while !cursor.kind(day_number(day)?)?.is_working() {
                day += 1;
            }
        }
        Ok(day * MINUTES_PER_DAY + close)
    }
}

fn validate(input: &ClockInput, as_of: LocalTime) -> Result<(), ClockError> {
    let accepted_at = input.accepted_at;
    if as_of < accepted_at {
        return Err(ClockError::AsOfBeforeAcceptance { as_of, accepted_at });
    }
    if let Some(ended_at) = input.ended_at.filter(|&e| e < accepted_at) {
        return Err(ClockError::EndedBeforeAcceptance {
            ended_at,
            accepted_at,
        });
    }
    for stop in &input.stopped {
        if let Some(to) = stop.to.filter(|&to| to < stop.from) {
            return Err(ClockError::StopEndsBeforeStart {
                from: stop.from,
                to,
            });
        }
        if stop.from < accepted_at {
            return Err(ClockError::StopBeforeAcceptance {
                from: stop.from,
                accepted_at,
            });
        }
    }
    Ok(())
}

/// The stops known at `until`, as disjoint ascending pieces each showing the earliest-started
/// stop that covers it; and whether one is still open at `until` (never, once the case ended).
fn stop_pieces(stops: &[StoppedSpan], until: i64, ended: bool) -> (Vec<StopPiece>, bool) {
    let mut known: Vec<StopPiece> = Vec::with_capacity(stops.len());
    let mut paused = false;
    for stop in stops {
        let from = minute_of(stop.from);
        let to = stop.to.map_or(OPEN_END, minute_of);
        if ended {
            let to = to.min(until);
            if from < to {
                known.push(StopPiece {
                    from,
                    to,
                    reason: stop.reason,
                });
            }
        } else if from <= until {
            if to > until {
                paused = true;
                known.push(StopPiece {
                    from,
                    to: OPEN_END,
                    reason: stop.reason,
                });
            } else if from < to {
                known.push(StopPiece {
                    from,
                    to,
                    reason: stop.reason,
                });
            }
        }
    }
    // Stable: of two stops starting together, the one given first names the piece.
    known.sort_by_key(|p| p.from);
    let mut points: Vec<i64> = known.iter().flat_map(|p| [p.from, p.to]).collect();
    points.sort_unstable();
    points.dedup();
    let mut pieces: Vec<StopPiece> = Vec::with_capacity(known.len());
    for pair in points.windows(2) {
        let &[a, b] = pair else { continue };
        let Some(cover) = known.iter().find(|p| p.from <= a && p.to > a) else {
            continue;
        };
        match pieces.last_mut() {
            Some(last) if last.to == a && last.reason == cover.reason => last.to = b,
            _ => pieces.push(StopPiece {
                from: a,
                to: b,
                reason: cover.reason,
            }),
        }
    }
    (pieces, paused)
}

fn push_span<'a>(spans: &mut Vec<RawSpan<'a>>, span: RawSpan<'a>) {
    if span.from >= span.to {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.to == span.from && last.kind == span.kind => {
            last.to = span.to;
            last.counted += span.counted;
        }
        _ => spans.push(span),
    }
}

impl RawSpan<'_> {
    fn into_explain(self, dates: &mut DateCache) -> Result<ExplainSpan, ClockError> {
        let kind = match self.kind {
            Kind::Day(DayKind::Workday) => SpanKind::Counted,
            Kind::Day(DayKind::AdjustedWorkday { serves }) => SpanKind::AdjustedWorkday {
                serves: serves.to_string(),
            },
            Kind::Day(DayKind::Weekend) => SpanKind::Weekend,
            Kind::Day(DayKind::Holiday { name }) => SpanKind::Holiday {
                name: name.to_string(),
            },
            Kind::AcceptanceDay => SpanKind::AcceptanceDay,
            Kind::Stopped(StopReason::Pause) => SpanKind::Pause,
            Kind::Stopped(StopReason::UntimedProcedure(kind)) => SpanKind::UntimedProcedure(kind),
            Kind::AfterEnd => SpanKind::AfterEnd,
        };
        Ok(ExplainSpan {
            from: dates.local_of(self.from)?,
            to: dates.local_of(self.to)?,
            kind,
            counted_minutes: self.counted,
        })
    }
}

fn minute_of_day(t: NaiveTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

/// Minutes since 0001-01-01 00:00 (proleptic Gregorian), seconds dropped.
fn minute_of(t: LocalTime) -> i64 {
    i64::from(t.date().num_days_from_ce()) * MINUTES_PER_DAY + minute_of_day(t.time())
}

fn day_number(day: i64) -> Result<i32, ClockError> {
    i32::try_from(day).map_err(|_| ClockError::OutOfRange)
}

/// Converts ascending minutes to local times, stepping day by day instead of recomputing the
/// calendar date of every span boundary.
#[derive(Default)]
struct DateCache {
    last: Option<(i64, NaiveDate)>,
}

impl DateCache {
    fn local_of(&mut self, minute: i64) -> Result<LocalTime, ClockError> {
        let day = minute.div_euclid(MINUTES_PER_DAY);
        let date = match self.last {
            Some((d, date)) if d == day => date,
            Some((d, date)) if (d + 1..d + 366).contains(&day) => u64::try_from(day - d)
                .ok()
                .and_then(|n| date.checked_add_days(chrono::Days::new(n)))
                .ok_or(ClockError::OutOfRange)?,
            _ => NaiveDate::from_num_days_from_ce_opt(day_number(day)?)
                .ok_or(ClockError::OutOfRange)?,
        };
        self.last = Some((day, date));
        let m = u32::try_from(minute.rem_euclid(MINUTES_PER_DAY))
            .map_err(|_| ClockError::OutOfRange)?;
        date.and_hms_opt(m / 60, m % 60, 0)
            .ok_or(ClockError::OutOfRange)
    }
}

fn local_of(minute: i64) -> Result<LocalTime, ClockError> {
    let date =
        NaiveDate::from_num_days_from_ce_opt(day_number(minute.div_euclid(MINUTES_PER_DAY))?)
            .ok_or(ClockError::OutOfRange)?;
    let m =
        u32::try_from(minute.rem_euclid(MINUTES_PER_DAY)).map_err(|_| ClockError::OutOfRange)?;
    date.and_hms_opt(m / 60, m % 60, 0)
        .ok_or(ClockError::OutOfRange)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(s: &str) -> LocalTime {
        crate::time::parse_local(s).unwrap()
    }

    #[test]
    fn day_counts_round_halves_away_from_zero() {
        let cases = [
            (2100, 4.38),
            (7500, 15.63),
            (-120, -0.25),
            (-1, 0.0),
            (-12, -0.03),
            (0, 0.0),
            (480, 1.0),
        ];
        for (minutes, days) in cases {
            assert_eq!(working_days_2dp(minutes, 480), days, "{minutes}");
        }
    }

    #[test]
    fn overlapping_stops_become_disjoint_pieces_named_by_the_earliest() {
        let stop = |from: &str, to: Option<&str>, reason| StoppedSpan {
            from: t(from),
            to: to.map(t),
            reason,
        };
        let notice = StopReason::UntimedProcedure(SpecialProcedureKind::PublicNotice);
        let stops = [
            stop(
                "2024-03-04T10:00",
                Some("2024-03-04T12:00"),
                StopReason::Pause,
            ),
            stop("2024-03-04T11:00", Some("2024-03-04T15:00"), notice),
            stop(
                "2024-03-04T11:30",
                Some("2024-03-04T11:45"),
                StopReason::Pause,
            ),
            stop("2024-03-05T09:00", None, StopReason::Pause),
        ];
        let m = |s: &str| minute_of(t(s));
        let (pieces, paused) = stop_pieces(&stops, m("2024-03-06T10:00"), false);
        assert!(paused);
        let expected = [
            StopPiece {
                from: m("2024-03-04T10:00"),
                to: m("2024-03-04T12:00"),
                reason: StopReason::Pause,
            },
            StopPiece {
                from: m("2024-03-04T12:00"),
                to: m("2024-03-04T15:00"),
                reason: notice,
            },
            StopPiece {
                from: m("2024-03-05T09:00"),
                to: OPEN_END,
                reason: StopReason::Pause,
            },
        ];
        assert_eq!(pieces, expected);
        // Once ended, the open stop ends with the case and nothing is paused.
        let (pieces, paused) = stop_pieces(&stops, m("2024-03-05T10:00"), true);
        assert!(!paused);
        assert_eq!(pieces.last().map(|p| p.to), Some(m("2024-03-05T10:00")));
    }

    #[test]
    fn office_minutes_count_only_inside_office_hours() {
        let office = Office {
            open: 9 * 60,
            per_day: 480,
        };
        let day = 738_000 * MINUTES_PER_DAY;
        assert_eq!(
            office.office_minutes(day + 8 * 60) - office.office_minutes(day),
            0
        );
        assert_eq!(
            office.office_minutes(day + 10 * 60) - office.office_minutes(day),
            60
        );
        assert_eq!(
            office.office_minutes(day + MINUTES_PER_DAY) - office.office_minutes(day),
            480
        );
        // 481 office minutes from midnight are reached at 09:01 the next day.
        let v = office.office_minutes(day) + 481;
        assert_eq!(
            office.instant_reaching(v),
            day + MINUTES_PER_DAY + 9 * 60 + 1
        );
        assert_eq!(
            office.instant_reaching(office.office_minutes(day) + 480),
            day + 17 * 60
        );
    }
}

//! 工作日历: the working days of the legal clock, from the State Council's yearly holiday tables
//! (国务院办公厅部分节假日安排): Monday-Friday, minus public holidays, plus adjusted working weekends 调休.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

/// Years a table may describe: wide enough for any real notice, narrow enough that dates always exist.
const YEARS: std::ops::RangeInclusive<i64> = 1949..=9999;

/// Why a holiday file was refused, or why a date could not be classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The file is not the expected TOML (syntax, unknown key, wrong type...).
    #[error("节假日数据第 {line} 行有误：{message}")]
    Syntax { line: usize, message: String },
    #[error("节假日数据第 {line} 行：年份 {year} 无效（应在 1949 至 9999 之间）")]
    InvalidYear { line: usize, year: i64 },
    #[error("节假日数据第 {line} 行：{year} 年的节假日表重复（第 {first_line} 行已有该年）")]
    DuplicateYear {
        line: usize,
        year: i32,
        first_line: usize,
    },
    #[error("节假日数据第 {line} 行：“{value}”不是日期，应写作 2026-01-01 的形式")]
    NotADate { line: usize, value: String },
    #[error("节假日数据第 {line} 行：日期 {date} 不在 {year} 年内，应写在 {date_year} 年的表中")]
    DateNotInYear {
        line: usize,
        date: NaiveDate,
        year: i32,
        date_year: i32,
    },
    #[error("节假日数据第 {line} 行：放假结束日期 {to} 早于开始日期 {from}")]
    ReversedRange {
        line: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error("节假日数据第 {line} 行：{date} 已在第 {other_line} 行的假期内")]
    OverlappingHolidays {
        line: usize,
        date: NaiveDate,
        other_line: usize,
    },
    #[error("节假日数据第 {line} 行：{date} 既是放假日又是调休上班日（第 {other_line} 行）")]
    HolidayOnWorkday {
        line: usize,
        date: NaiveDate,
        other_line: usize,
    },
    #[error("节假日数据第 {line} 行：调休上班日 {date} 重复（第 {first_line} 行已有）")]
    DuplicateWorkday {
        line: usize,
        date: NaiveDate,
        first_line: usize,
    },
    #[error("节假日数据第 {line} 行：调休上班日 {date} 是{weekday}，只有周六、周日需要调休上班")]
    WorkdayNotWeekend {
        line: usize,
        date: NaiveDate,
        weekday: &'static str,
    },
    #[error("节假日数据第 {line} 行：名称不能为空")]
    EmptyName { line: usize },
    /// A date was asked about in a year that has no table: never guessed.
    #[error(
        "缺少 {0} 年的节假日安排数据，无法计算工作日；请导入国务院办公厅公布的 {0} 年节假日安排"
    )]
    NoDataForYear(i32),
}

/// 法定节假日: one holiday of a year's table (放假, weekends inside it included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// 调休上班日: a Saturday or Sunday worked to make a holiday longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustedWorkday {
    pub date: NaiveDate,
    /// The holiday it serves, e.g. 春节.
    pub serves: String,
}

/// What a day is, for the clock and for an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    /// Monday-Friday outside any holiday.
    Workday,
    /// 调休上班: a weekend day worked.
    AdjustedWorkday {
        serves: &'a str,
    },
    Weekend,
    /// 法定节假日 (a weekend day inside a holiday counts as the holiday).
    Holiday {
        name: &'a str,
    },
}

impl DayKind<'_> {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday { .. })
    }
}

/// Per-day classification, precomputed so the clock looks a day up in O(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayTag {
    Workday,
    Weekend,
    Holiday(usize),
    Adjusted(usize),
}

/// One year's table, validated: holidays do not overlap, adjusted workdays are weekend days
/// outside every holiday, every date lies in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTable {
    year: i32,
    source: Option<String>,
    holidays: Vec<Holiday>,
    workdays: Vec<AdjustedWorkday>,
    /// Day number (`num_days_from_ce`) of 1 January.
    first_day: i32,
    days: Vec<DayTag>,
    /// Maximal stretches of equal days, so the clock walks a working week or a holiday in one step.
    runs: Vec<DayRun>,
    /// Index into `runs` of each day.
    run_of_day: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayRun {
    /// Day index (0 = 1 January) after the run's last day.
    end: u16,
    tag: DayTag,
}

impl YearTable {
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the table was taken from.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    pub fn adjusted_workdays(&self) -> &[AdjustedWorkday] {
        &self.workdays
    }

    fn kind_at(&self, index: usize) -> Option<DayKind<'_>> {
        Some(self.kind_of_tag(*self.days.get(index)?))
    }

    fn kind_of_tag(&self, tag: DayTag) -> DayKind<'_> {
        match tag {
            DayTag::Workday => DayKind::Workday,
            DayTag::Weekend => DayKind::Weekend,
            DayTag::Holiday(i) => DayKind::Holiday {
                name: self.holidays.get(i).map_or("", |h| h.name.as_str()),
            },
            DayTag::Adjusted(i) => DayKind::AdjustedWorkday {
                serves: self.workdays.get(i).map_or("", |w| w.serves.as_str()),
            },
        }
    }

    /// The run of equal days holding day number `day`: its kind and the day number after it.
    fn run_of_day_number(&self, day: i32) -> Option<(DayKind<'_>, i32)> {
        let index = usize::try_from(day.checked_sub(self.first_day)?).ok()?;
        let run = self.runs.get(usize::from(*self.run_of_day.get(index)?))?;
        Some((
            self.kind_of_tag(run.tag),
            self.first_day + i32::from(run.end),
        ))
    }
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Years that had no table before.
    pub added: Vec<i32>,
    /// Years whose table was replaced by the imported one.
    pub replaced: Vec<i32>,
}

/// 工作日历: the year tables the clock counts with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearTable>,
}

impl WorkingCalendar {
    /// The tables shipped with PermitDesk (2022-2026).
    ///
    /// The shipped file is checked by a unit test; if it ever failed to load, the calendar would
    /// be empty, so every computation reports missing data rather than guessing.
    pub fn shipped() -> Self {
        Self::from_toml(crate::SHIPPED_HOLIDAYS_TOML).unwrap_or_default()
    }

    /// Parse and validate a holiday file (the shape of `data/calendar/holidays.toml`).
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| CalendarError::Syntax {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let mut years: BTreeMap<i32, (usize, YearTable)> = BTreeMap::new();
        for raw_year in raw.year {
            let line = line_of(text, raw_year.year.span().start);
            let table = build_year(text, raw_year)?;
            if let Some((first_line, _)) = years.get(&table.year) {
                return Err(CalendarError::DuplicateYear {
                    line,
                    year: table.year,
                    first_line: *first_line,
                });
            }
            years.insert(table.year, (line, table));
        }
        Ok(Self {
            years: years.into_iter().map(|(y, (_, t))| (y, t)).collect(),
        })
    }

    /// Take every table of `other`; a year already present is replaced by the newer table.
    pub fn import(&mut self, other: WorkingCalendar) -> ImportSummary {
        let mut summary = ImportSummary::default();
        for (year, table) in other.years {
            match self.years.insert(year, table) {
                Some(_) => summary.replaced.push(year),
                None => summary.added.push(year),
            }
        }
        summary
    }

    /// The years that have a table, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn table(&self, year: i32) -> Option<&YearTable> {
        self.years.get(&year)
    }

    /// What `date` is; an error if its year has no table.
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind<'_>, CalendarError> {
        let table = self
            .years
            .get(&date.year())
            .ok_or(CalendarError::NoDataForYear(date.year()))?;
        let index = usize::try_from(date.ordinal0()).unwrap_or(usize::MAX);
        table
            .kind_at(index)
            .ok_or(CalendarError::NoDataForYear(date.year()))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date)?.is_working())
    }

    /// The name of the holiday `date` falls in (None on other days and in years without data).
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        match self.day_kind(date) {
            Ok(DayKind::Holiday { name }) => Some(name),
            _ => None,
        }
    }

    /// Every working day of `year`, ascending.
    pub fn workdays(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        let table = self
            .years
            .get(&year)
            .ok_or(CalendarError::NoDataForYear(year))?;
        Ok(table
            .days
            .iter()
            .enumerate()
            .filter(|(_, tag)| matches!(tag, DayTag::Workday | DayTag::Adjusted(_)))
            .filter_map(|(i, _)| {
                let offset = i32::try_from(i).ok()?;
                NaiveDate::from_num_days_from_ce_opt(table.first_day.checked_add(offset)?)
            })
            .collect())
    }

    /// `date` moved forward by `n` working days: the n-th working day after it (`date` itself for
    /// n = 0). Used for whole-day deadlines such as "reply within n working days". Days of a
    /// year without a table are counted Monday to Friday; the second value lists those years
    /// (empty: the date is final, not provisional).
    pub fn add_working_days(
        &self,
        date: NaiveDate,
        n: u32,
    ) -> Result<(NaiveDate, Vec<i32>), CalendarError> {
        let mut cursor = DayCursor::new(self);
        let mut day = date.num_days_from_ce();
        let mut left = n;
        while left > 0 {
            day = day
                .checked_add(1)
                .ok_or(CalendarError::NoDataForYear(date.year()))?;
            if cursor.kind(day)?.is_working() {
                left -= 1;
            }
        }
        let end = NaiveDate::from_num_days_from_ce_opt(day)
            .ok_or(CalendarError::NoDataForYear(date.year()))?;
        Ok((end, cursor.provisional_years().to_vec()))
    }

    /// The calendar as a holiday file, in the shape `from_toml` reads back.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("# 国务院办公厅部分节假日安排 (exported by PermitDesk)\n");
        for table in self.years.values() {
            write_table(&mut out, table);
        }
        out
    }
}

fn write_table(out: &mut String, table: &YearTable) {
    out.push_str(&format!("\n[[year]]\nyear = {}\n", table.year));
    if let Some(source) = &table.source {
        out.push_str(&format!("source = {}\n", toml_string(source)));
    }
    out.push_str("holidays = [\n");
    for h in &table.holidays {
        out.push_str(&format!(
            "  {{ name = {}, from = {}, to = {} }},\n",
            toml_string(&h.name),
            h.from,
            h.to
        ));
    }
    out.push_str("]\nworkdays = [\n");
    for w in &table.workdays {
        out.push_str(&format!(
            "  {{ date = {}, serves = {} }},\n",
            w.date,
            toml_string(&w.serves)
        ));
    }
    out.push_str("]\n");
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Walks days in order, keeping the current year's table at hand.
///
/// A year without a table is never refused: its days are counted Monday to Friday (暂定) and
/// the year is remembered in [`DayCursor::provisional_years`], so whoever reads a result says
/// that it is provisional until the State Council's table for that year is imported.
pub(crate) struct DayCursor<'a> {
    calendar: &'a WorkingCalendar,
    table: Option<&'a YearTable>,
    /// Years walked that had no table, ascending, no repeats.
    provisional: Vec<i32>,
}

impl<'a> DayCursor<'a> {
    pub(crate) fn new(calendar: &'a WorkingCalendar) -> Self {
        Self {
            calendar,
            table: None,
            provisional: Vec::new(),
        }
    }

    /// The kind of the day with number `day` (`NaiveDate::num_days_from_ce`).
    pub(crate) fn kind(&mut self, day: i32) -> Result<DayKind<'a>, CalendarError> {
        Ok(self.run(day)?.0)
    }

    /// Years counted Monday to Friday for want of a table.
    pub(crate) fn provisional_years(&self) -> &[i32] {
        &self.provisional
    }

    /// The kind of day `day` and the number of the first day after the run of equal days that
    /// holds it (at most the end of its year).
    #[inline]
    pub(crate) fn run(&mut self, day: i32) -> Result<(DayKind<'a>, i32), CalendarError> {
        if let Some(run) = self.table.and_then(|t| t.run_of_day_number(day)) {
            return Ok(run);
        }
        let date = NaiveDate::from_num_days_from_ce_opt(day)
            .ok_or(CalendarError::NoDataForYear(i32::MAX))?;
        let Some(table) = self.calendar.years.get(&date.year()) else {
            self.table = None;
            if let Err(i) = self.provisional.binary_search(&date.year()) {
                self.provisional.insert(i, date.year());
            }
            return Ok(weekday_run(date));
        };
        self.table = Some(table);
        table
            .run_of_day_number(day)
            .ok_or(CalendarError::NoDataForYear(date.year()))
    }
}

/// The run holding `date` in a year without a table: Monday-Friday are working days, Saturday
/// and Sunday are not; a run never crosses into the next year (which may have a table).
fn weekday_run(date: NaiveDate) -> (DayKind<'static>, i32) {
    let weekday = i32::try_from(date.weekday().num_days_from_monday()).unwrap_or(0);
    let (kind, days_left) = if weekday < 5 {
        (DayKind::Workday, 5 - weekday)
    } else {
        (DayKind::Weekend, 7 - weekday)
    };
    let day = date.num_days_from_ce();
    let next_year = NaiveDate::from_ymd_opt(date.year().saturating_add(1), 1, 1)
        .map_or(i32::MAX, |d| d.num_days_from_ce());
    (kind, (day + days_left).min(next_year))
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i64>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    #[serde(default)]
    workdays: Vec<RawWorkday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: Spanned<String>,
    from: Spanned<toml::value::Datetime>,
    /// Absent for a one-day holiday.
    #[serde(default)]
    to: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkday {
    date: Spanned<toml::value::Datetime>,
    serves: Spanned<String>,
}

/// A TOML local date inside `year`.
fn date_in_year(
    text: &str,
    value: &Spanned<toml::value::Datetime>,
    year: i32,
) -> Result<NaiveDate, CalendarError> {
    let line = line_of(text, value.span().start);
    let dt = value.get_ref();
    let date = match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    }
    .ok_or_else(|| CalendarError::NotADate {
        line,
        value: dt.to_string(),
    })?;
    if date.year() != year {
        return Err(CalendarError::DateNotInYear {
            line,
            date,
            year,
            date_year: date.year(),
        });
    }
    Ok(date)
}

fn non_empty(text: &str, value: Spanned<String>) -> Result<String, CalendarError> {
    let line = line_of(text, value.span().start);
    let name = value.into_inner().trim().to_string();
    if name.is_empty() {
        return Err(CalendarError::EmptyName { line });
    }
    Ok(name)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

fn build_year(text: &str, raw: RawYear) -> Result<YearTable, CalendarError> {
    let year_line = line_of(text, raw.year.span().start);
    let year = *raw.year.get_ref();
    let year = i32::try_from(year)
        .ok()
        .filter(|y| YEARS.contains(&i64::from(*y)))
        .ok_or(CalendarError::InvalidYear {
            line: year_line,
            year,
        })?;
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(CalendarError::InvalidYear {
        line: year_line,
        year: year.into(),
    })?;
    let len = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    let mut days: Vec<DayTag> = (0..len)
        .map(|i| match jan1 + chrono::Days::new(i) {
            d if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) => DayTag::Weekend,
            _ => DayTag::Workday,
        })
        .collect();
    // Line of the entry that claimed each day, for the messages about collisions.
    let mut claimed_by: Vec<usize> = vec![0; days.len()];
    let index = |d: NaiveDate| usize::try_from(d.ordinal0()).unwrap_or(usize::MAX);

    let mut holidays = Vec::with_capacity(raw.holidays.len());
    for h in raw.holidays {
        let line = line_of(text, h.from.span().start);
        let from = date_in_year(text, &h.from, year)?;
        let to = match &h.to {
            Some(to) => date_in_year(text, to, year)?,
            None => from,
        };
        if to < from {
            return Err(CalendarError::ReversedRange { line, from, to });
        }
        let name = non_empty(text, h.name)?;
        for date in from.iter_days().take_while(|d| *d <= to) {
            let i = index(date);
            if let Some(DayTag::Holiday(_)) = days.get(i) {
                let other_line = claimed_by.get(i).copied().unwrap_or(0);
                return Err(CalendarError::OverlappingHolidays {
                    line,
                    date,
                    other_line,
                });
            }
            if let (Some(tag), Some(by)) = (days.get_mut(i), claimed_by.get_mut(i)) {
                *tag = DayTag::Holiday(holidays.len());
                *by = line;
            }
        }
        holidays.push(Holiday { name, from, to });
    }

    let mut workdays = Vec::with_capacity(raw.workdays.len());
    for w in raw.workdays {
        let line = line_of(text, w.date.span().start);
        let date = date_in_year(text, &w.date, year)?;
        let i = index(date);
        let other_line = claimed_by.get(i).copied().unwrap_or(0);
        match days.get(i) {
            Some(DayTag::Holiday(_)) => {
                return Err(CalendarError::HolidayOnWorkday {
                    line,
                    date,
                    other_line,
                });
            }
            Some(DayTag::Adjusted(_)) => {
                return Err(CalendarError::DuplicateWorkday {
                    line,
                    date,
                    first_line: other_line,
                });
            }
            Some(DayTag::Workday) => {
                return Err(CalendarError::WorkdayNotWeekend {
                    line,
                    date,
                    weekday: weekday_name(date.weekday()),
                });
            }
            Some(DayTag::Weekend) | None => {}
        }
        let serves = non_empty(text, w.serves)?;
        if let (Some(tag), Some(by)) = (days.get_mut(i), claimed_by.get_mut(i)) {
            *tag = DayTag::Adjusted(workdays.len());
            *by = line;
        }
        workdays.push(AdjustedWorkday { date, serves });
    }
    holidays.sort_by_key(|h| h.from);
    workdays.sort_by_key(|w| w.date);
    // Sorting moved entries: re-point the tags at their new indices.
    for (i, h) in holidays.iter().enumerate() {
        for date in h.from.iter_days().take_while(|d| *d <= h.to) {
            if let Some(tag) = days.get_mut(index(date)) {
                *tag = DayTag::Holiday(i);
            }
        }
    }
    for (i, w) in workdays.iter().enumerate() {
        if let Some(tag) = days.get_mut(index(w.date)) {
            *tag = DayTag::Adjusted(i);
        }
    }
    let mut runs: Vec<DayRun> = Vec::new();
    let mut run_of_day = Vec::with_capacity(days.len());
    for (i, tag) in days.iter().enumerate() {
        // A year has at most 366 days, so indices fit in u16.
        let end = u16::try_from(i + 1).unwrap_or(u16::MAX);
        match runs.last_mut() {
            Some(run) if run.tag == *tag => run.end = end,
            _ => runs.push(DayRun { end, tag: *tag }),
        }
        run_of_day.push(u16::try_from(runs.len() - 1).unwrap_or(u16::MAX));
    }
    Ok(YearTable {
        year,
        source: raw.source,
        holidays,
        workdays,
        first_day: jan1.num_days_from_ce(),
        days,
        runs,
        run_of_day,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn shipped_tables_load_for_2022_to_2026() {
        let cal = WorkingCalendar::from_toml(crate::SHIPPED_HOLIDAYS_TOML).unwrap();
        assert_eq!(cal.years(), [2022, 2023, 2024, 2025, 2026]);
        assert_eq!(WorkingCalendar::shipped(), cal);
    }

    /// Totals counted by hand: weekdays of the year, minus holiday days falling on weekdays,
    /// plus adjusted working weekends (e.g. 2024: 262 - 19 + 8).
    #[test]
    fn shipped_years_have_the_hand_counted_number_of_working_days() {
        let cal = WorkingCalendar::shipped();
        for (year, expected) in [
            (2022, 249),
            (2023, 249),
            (2024, 251),
            (2025, 248),
            (2026, 248),
        ] {
            assert_eq!(cal.workdays(year).unwrap().len(), expected, "{year}");
        }
    }

    #[test]
    fn shipped_days_are_classified_as_the_notices_say() {
        let cal = WorkingCalendar::shipped();
        let cases: &[(NaiveDate, DayKind<'_>)] = &[
            (d(2024, 2, 9), DayKind::Workday), // 除夕 2024 is a Friday worked
            (d(2024, 2, 18), DayKind::AdjustedWorkday { serves: "春节" }),
            (
                d(2024, 10, 12),
                DayKind::AdjustedWorkday {
                    serves: "国庆节"
                },
            ),
            (d(2024, 10, 13), DayKind::Weekend),
            (d(2025, 1, 28), DayKind::Holiday { name: "春节" }),
            (
                d(2025, 10, 8),
                DayKind::Holiday {
                    name: "国庆节、中秋节",
                },
            ),
            (d(2025, 5, 31), DayKind::Holiday { name: "端午节" }),
            (d(2026, 1, 4), DayKind::AdjustedWorkday { serves: "元旦" }),
            (d(2026, 2, 14), DayKind::AdjustedWorkday { serves: "春节" }),
            (d(2026, 2, 23), DayKind::Holiday { name: "春节" }),
            (
                d(2026, 9, 20),
                DayKind::AdjustedWorkday {
                    serves: "国庆节"
                },
            ),
            (d(2022, 12, 31), DayKind::Holiday { name: "元旦" }),
            (d(2023, 1, 2), DayKind::Holiday { name: "元旦" }),
            (
                d(2023, 6, 25),
                DayKind::AdjustedWorkday {
                    serves: "端午节"
                },
            ),
        ];
        for (date, kind) in cases {
            assert_eq!(cal.day_kind(*date).unwrap(), *kind, "{date}");
        }
        assert_eq!(cal.holiday_name(d(2024, 10, 3)), Some("国庆节"));
        assert_eq!(cal.holiday_name(d(2024, 10, 8)), None);
        assert_eq!(cal.holiday_name(d(2027, 1, 1)), None);
    }

    #[test]
    fn years_without_a_table_are_an_error_naming_the_year() {
        let cal = WorkingCalendar::shipped();
        assert_eq!(
            cal.is_working_day(d(2021, 12, 31)),
            Err(CalendarError::NoDataForYear(2021))
        );
        assert_eq!(cal.workdays(2027), Err(CalendarError::NoDataForYear(2027)));
        // Counting is never refused: 2027 is counted Monday to Friday and said to be provisional.
        assert_eq!(
            cal.add_working_days(d(2026, 12, 30), 2),
            Ok((d(2027, 1, 1), vec![2027]))
        );
        assert_eq!(
            cal.add_working_days(d(2026, 12, 30), 5),
            Ok((d(2027, 1, 6), vec![2027]))
        );
        assert!(
            CalendarError::NoDataForYear(2027)
                .to_string()
                .contains("2027 年")
        );
    }

    #[test]
    fn add_working_days_skips_holidays_and_counts_adjusted_weekends() {
        let cal = WorkingCalendar::shipped();
        // 2024-09-27 Fri: 9/29 Sun (调休) is the 1st, 9/30 the 2nd, 10/8 the 3rd.
        assert_eq!(
            cal.add_working_days(d(2024, 9, 27), 1).unwrap(),
            (d(2024, 9, 29), vec![])
        );
        assert_eq!(
            cal.add_working_days(d(2024, 9, 27), 3).unwrap(),
            (d(2024, 10, 8), vec![])
        );
        assert_eq!(
            cal.add_working_days(d(2024, 10, 3), 0).unwrap(),
            (d(2024, 10, 3), vec![])
        );
    }

    #[test]
    fn export_reads_back_to_the_same_calendar() {
        let cal = WorkingCalendar::shipped();
        assert_eq!(WorkingCalendar::from_toml(&cal.to_toml()).unwrap(), cal);
    }

    #[test]
    fn import_adds_new_years_and_replaces_old_tables() {
        let mut cal = WorkingCalendar::shipped();
        let newer = WorkingCalendar::from_toml(
            "[[year]]\nyear = 2026\nholidays = [{ name = \"元旦\", from = 2026-01-01 }]\n\
             [[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-01-01 }]\n",
        )
        .unwrap();
        let summary = cal.import(newer);
        assert_eq!(
            summary,
            ImportSummary {
                added: vec![2027],
                replaced: vec![2026]
            }
        );
        assert_eq!(cal.years(), [2022, 2023, 2024, 2025, 2026, 2027]);
        // The replaced 2026 table has no 春节 any more.
        assert_eq!(cal.is_working_day(d(2026, 2, 16)), Ok(true));
        assert_eq!(cal.holiday_name(d(2027, 1, 1)), Some("元旦"));
    }

    /// Each malformed file, with the error and the line it must point at.
    #[test]
    fn malformed_files_are_refused_with_the_line_of_the_fault() {
        let cases: &[(&str, &str)] = &[
            // TOML syntax: a comma missing on line 3; an impossible date on line 4.
            (
                "[[year]]\nyear = 2030\nholidays = [ { name = \"元旦\" from = 2030-01-01 } ]\n",
                "Syntax@3",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"元旦\", from = 2030-02-30 },\n]\n",
                "Syntax@4",
            ),
            // Unknown key on line 3.
            ("[[year]]\nyear = 2030\nholiday = []\n", "Syntax@3"),
            ("[[year]]\nyear = 12\n", "InvalidYear@2"),
            (
                "[[year]]\nyear = 2030\n\n[[year]]\nyear = 2030\n",
                "DuplicateYear@5",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"元旦\", from = 2029-12-31, to = 2030-01-01 },\n]\n",
                "DateNotInYear@4",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"元旦\", from = 2030-01-01T09:00:00 },\n]\n",
                "NotADate@4",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"春节\", from = 2030-02-08, to = 2030-02-02 },\n]\n",
                "ReversedRange@4",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"春节\", from = 2030-02-02, to = 2030-02-08 },\n  { name = \"X\", from = 2030-02-08 },\n]\n",
                "OverlappingHolidays@5",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"国庆节\", from = 2030-10-01, to = 2030-10-07 },\n]\nworkdays = [\n  { date = 2030-10-05, serves = \"国庆节\" },\n]\n",
                "HolidayOnWorkday@7",
            ),
            (
                "[[year]]\nyear = 2030\nworkdays = [\n  { date = 2030-10-12, serves = \"国庆节\" },\n  { date = 2030-10-12, serves = \"国庆节\" },\n]\n",
                "DuplicateWorkday@5",
            ),
            (
                "[[year]]\nyear = 2030\nworkdays = [\n  { date = 2030-10-11, serves = \"国庆节\" },\n]\n",
                "WorkdayNotWeekend@4",
            ),
            (
                "[[year]]\nyear = 2030\nholidays = [\n  { name = \"  \", from = 2030-10-01 },\n]\n",
                "EmptyName@4",
            ),
        ];
        for (text, expected) in cases {
            let err = WorkingCalendar::from_toml(text).unwrap_err();
            let (kind, line) = match &err {
                CalendarError::Syntax { line, .. } => ("Syntax", *line),
                CalendarError::InvalidYear { line, .. } => ("InvalidYear", *line),
                CalendarError::DuplicateYear { line, .. } => ("DuplicateYear", *line),
                CalendarError::DateNotInYear { line, .. } => ("DateNotInYear", *line),
                CalendarError::NotADate { line, .. } => ("NotADate", *line),
                CalendarError::ReversedRange { line, .. } => ("ReversedRange", *line),
                CalendarError::OverlappingHolidays { line, .. } => ("OverlappingHolidays", *line),
                CalendarError::HolidayOnWorkday { line, .. } => ("HolidayOnWorkday", *line),
                CalendarError::DuplicateWorkday { line, .. } => ("DuplicateWorkday", *line),
                CalendarError::WorkdayNotWeekend { line, .. } => ("WorkdayNotWeekend", *line),
                CalendarError::EmptyName { line } => ("EmptyName", *line),
                CalendarError::NoDataForYear(_) => ("NoDataForYear", 0),
            };
            assert_eq!(format!("{kind}@{line}"), *expected, "{err}\n{text}");
            assert!(err.to_string().contains(&format!("第 {line} 行")), "{err}");
        }
    }

    #[test]
    fn messages_name_the_dates_involved() {
        let err = WorkingCalendar::from_toml(
            "[[year]]\nyear = 2030\nholidays = [\n  { name = \"国庆节\", from = 2030-10-01, to = 2030-10-07 },\n]\nworkdays = [\n  { date = 2030-10-05, serves = \"国庆节\" },\n]\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "节假日数据第 7 行：2030-10-05 既是放假日又是调休上班日（第 4 行）"
        );
    }

    #[test]
    fn an_empty_file_is_an_empty_calendar() {
        assert_eq!(
            WorkingCalendar::from_toml("# nothing yet\n")
                .unwrap()
                .years(),
            Vec::<i32>::new()
        );
    }
}

//! 全流程在线审批情况统计 (seed 10-12): per-case figures, the four tables of seed 11 and the
//! monthly stage report of seed 12, computed from replayed cases. Pure: as-of is an argument.
//!
//! [`Statistics::compute`] reads every case's legal clock once; the tables
//! ([`Statistics::table`]) and the monthly report ([`Statistics::monthly_report`]) are then
//! cheap passes over those figures, so one computation serves every table a user asks for.

mod quarterly;
mod report;
pub mod sample;
mod spans;
mod tables;

pub use quarterly::{
    CaseCounts, CategoryTotals, Change, ChangeUnit, Quarter, QuarterFigures, QuarterlySummary,
    TOP_STOP_ITEMS, WholeProcessTimes,
};
pub use report::{
    DepartmentOverdue, Extreme, HOTSPOT_MIN_PERMILLE, MonthlyReport, ProcedureTime, ProjectTime,
    RECURRING_MIN_CASES, RECURRING_MIN_PERCENT, RecurringStops, StageFigures, StageTime,
    StoppedTime, Suggestion, TimeShare, permille_label,
};
pub use tables::{
    SeedTable, TABLE_FOUR_COLUMNS, TABLE_ONE_COLUMNS, TABLE_THREE_COLUMNS, TABLE_TWO_COLUMNS,
    TABLE_TWO_GROUPS, TableFilter, TableRows, table_two_group,
};

use crate::case::{Case, Decision, ProcedureRecord};
use crate::catalogue::{Catalogue, Fee, Item, Stage};
use crate::clock::{ClockError, LegalClock, SpanKind, WarningLevel};
use crate::ids::{CaseId, ItemCode, ProjectId};
use crate::project::Project;
use crate::time::{LocalTime, to_local};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// One cell of a statistics table, typed so that a spreadsheet keeps dates as dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Date(NaiveDate),
    /// Beijing wall-clock time.
    DateTime(LocalTime),
    /// 是 / 否.
    YesNo(bool),
}

impl Cell {
    /// How the cell prints (the documents crate prints the same).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::YesNo(b) => if *b { "是" } else { "否" }.to_owned(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

/// 统计期间: whole days in Beijing time, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, StatisticsError> {
        if from > to {
            return Err(StatisticsError::PeriodReversed { from, to });
        }
        Ok(Period { from, to })
    }

    /// A calendar month, the period of the monthly report (seed 12 按月统计).
    pub fn month(year: i32, month: u32) -> Result<Period, StatisticsError> {
        let invalid = StatisticsError::InvalidMonth { year, month };
        let from = NaiveDate::from_ymd_opt(year, month, 1).ok_or(invalid.clone())?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        let to = next.and_then(|d| d.pred_opt()).ok_or(invalid)?;
        Ok(Period { from, to })
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// "2024-10-01 至 2024-10-31".
    pub fn label(&self) -> String {
        format!("{} 至 {}", self.from, self.to)
    }
}

/// Why statistics could not be computed at all. Problems with single cases do not stop the
/// statistics: they are listed in [`Statistics::problems`] and printed as table notes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatisticsError {
    #[error("统计期间的开始日期 {from} 晚于结束日期 {to}")]
    PeriodReversed { from: NaiveDate, to: NaiveDate },
    #[error("{year} 年 {month} 月不是有效的月份")]
    InvalidMonth { year: i32, month: u32 },
    #[error("{year} 年第 {quarter} 季度不是有效的季度（应为 1 至 4）")]
    InvalidQuarter { year: i32, quarter: u8 },
    #[error("办公时间设置有误，无法统计：{0}")]
    OfficeHours(ClockError),
}

/// A case left out of the statistics, and why; shown so that nobody trusts a silent gap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataProblem {
    #[error("办件 {case} 所属项目 {project} 不在统计数据中，未纳入统计")]
    UnknownProject { case: CaseId, project: ProjectId },
    #[error("办件 {case} 的事项 {item} 不在审批事项目录中，未纳入统计")]
    UnknownItem { case: CaseId, item: ItemCode },
    #[error("办件 {case} 无法计时（{error}），未纳入统计")]
    Clock { case: CaseId, error: ClockError },
    /// Cases counted, but partly Monday to Friday for want of a year's holiday table (暂定).
    #[error(
        "{cases} 件办件的计时为暂定：缺少 {}节假日安排，按周一至周五计算；导入后自动更正",
        years.iter().map(|y| format!("{y} 年")).collect::<Vec<_>>().join("、")
    )]
    ProvisionalClock { cases: usize, years: Vec<i32> },
}

/// 费用成本: what the catalogue's fee standard says an item costs. Standard fees are counted
/// at the rate the catalogue states (the catalogue does not know the quantity, e.g. the m² of
/// a basement); market-priced intermediary services (市场调节价) have no figure and are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cost {
    /// 分.
    pub fen: u64,
    /// Items priced by the market, not included in `fen`.
    pub market_priced: u32,
}

impl Cost {
    pub fn of_fee(fee: &Fee) -> Cost {
        match fee {
            Fee::Free => Cost::default(),
            Fee::Standard { amount_fen, .. } => Cost {
                fen: *amount_fen,
                market_priced: 0,
            },
            Fee::Market { .. } => Cost {
                fen: 0,
                market_priced: 1,
            },
        }
    }

    fn add(self, other: Cost) -> Cost {
        Cost {
            fen: self.fen.saturating_add(other.fen),
            market_priced: self.market_priced + other.market_priced,
        }
    }
}

impl fmt::Display for Cost {
    /// "300.00元", "0.00元（另有1项市场调节价）".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}元", self.fen / 100, self.fen % 100)?;
        if self.market_priced > 0 {
            write!(f, "（另有{}项市场调节价）", self.market_priced)?;
        }
        Ok(())
    }
}

/// Time on the legal clock: counted office minutes, shown as working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkingTime {
    pub minutes: i64,
    pub minutes_per_day: i64,
}

impl WorkingTime {
    /// Working days in hundredths, rounded half away from zero like the legal clock's figures.
    pub fn hundredths(&self) -> i64 {
        if self.minutes_per_day <= 0 {
            return 0;
        }
        let scaled = self.minutes.saturating_mul(200);
        let per = self.minutes_per_day;
        if scaled >= 0 {
            (scaled + per) / (2 * per)
        } else {
            -((-scaled + per) / (2 * per))
        }
    }
}

impl fmt::Display for WorkingTime {
    /// "4.38个工作日".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.hundredths();
        let sign = if h < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}个工作日", h.abs() / 100, h.abs() % 100)
    }
}

/// The stage groups of seed 12: 12.1 covers stages 1 and 2 (lead 市资规局), 12.2 stage 3 and
/// 12.3 stage 4 (lead 市住建局).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StageGroup {
    /// 第一、二阶段.
    ProjectAndPlanning,
    /// 第三阶段.
    Construction,
    /// 第四阶段.
    Completion,
}

impl StageGroup {
    pub const ALL: [StageGroup; 3] = [
        StageGroup::ProjectAndPlanning,
        StageGroup::Construction,
        StageGroup::Completion,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StageGroup::ProjectAndPlanning => "第一、二阶段",
            StageGroup::Construction => "第三阶段",
            StageGroup::Completion => "第四阶段",
        }
    }

    /// The main-flow group of a stage; planning (0) and the parallel line (5) are not in the
    /// main flow the seed reports on.
    pub fn of(stage: Stage) -> Option<StageGroup> {
        match stage {
            Stage::ProjectApproval | Stage::EngineeringPermit => {
                Some(StageGroup::ProjectAndPlanning)
            }
            Stage::ConstructionPermit => Some(StageGroup::Construction),
            Stage::CompletionAcceptance => Some(StageGroup::Completion),
            Stage::Planning | Stage::Parallel => None,
        }
    }

    fn index(self) -> usize {
        match self {
            StageGroup::ProjectAndPlanning => 0,
            StageGroup::Construction => 1,
            StageGroup::Completion => 2,
        }
    }
}

/// 办件统计数据: the figures of one accepted case as they stood at as-of.
#[derive(Debug, Clone)]
pub struct CaseFigures<'a> {
    pub case: &'a Case,
    pub project: &'a Project,
    pub item: &'a Item,
    /// The stage the case counts in: where the project's flow puts the item (a parallel item
    /// may be placed in any stage), else the item's own stage.
    pub stage: Stage,
    /// 受理时间.
    pub accepted_at: LocalTime,
    /// 办结/退件/撤回 time, if it came before as-of.
    pub ended_at: Option<LocalTime>,
    /// 计时用时: the legal clock's counted time.
    pub timed: WorkingTime,
    /// 自然日: calendar days from the day of acceptance to the day of the end (or of as-of).
    pub natural_days: i64,
    /// 暂停整改 count, and their wall-clock length in minutes (cut at the end or at as-of).
    pub pauses: usize,
    pub pause_minutes: i64,
    /// 一次性补正告知 sent by the window before acceptance.
    pub corrections: usize,
    /// 特别程序.
    pub procedures: &'a [ProcedureRecord],
    /// 申请材料 attached by the applicant.
    pub materials: usize,
    /// 费用成本 of the item.
    pub cost: Cost,
    /// 办理期限 (None while paused).
    pub deadline: Option<LocalTime>,
    /// 超期: over the time limit at as-of (or at the end).
    pub overdue: bool,
    /// 并联办理: another case of the same works (hence of the same application) was in review
    /// at the same time.
    pub parallel: bool,
    /// The counted spans of the clock, in minutes since 0001-01-01, for stage unions.
    counted: Vec<(i64, i64)>,
    /// [acceptance, end or as-of) in the same minutes.
    lifetime: (i64, i64),
}

impl CaseFigures<'_> {
    /// 是否有办理结果.
    pub fn has_result(&self) -> bool {
        self.case.decision.is_some()
    }

    /// The e-certificate number, for a granted case.
    pub fn certificate(&self) -> Option<&crate::case::CertificateRecord> {
        match &self.case.decision {
            Some(Decision::Granted { certificate }) => Some(certificate),
            _ => None,
        }
    }

    /// 业务部门受理时间: the department's first level sign-off (its own 受理).
    pub fn department_accepted_at(&self) -> Option<LocalTime> {
        self.case.sign_offs.first().map(|s| to_local(s.at))
    }

    /// Whether the window or the department ever stopped the case for the applicant.
    pub fn stopped_for_applicant(&self) -> bool {
        self.pauses > 0 || self.corrections > 0
    }
}

/// 统计: the figures of every accepted case, with the lookups the tables and reports need.
#[derive(Debug, Clone)]
pub struct Statistics<'a> {
    catalogue: &'a Catalogue,
    projects: HashMap<&'a ProjectId, &'a Project>,
    figures: Vec<CaseFigures<'a>>,
    problems: Vec<DataProblem>,
    as_of: LocalTime,
    office_open: i64,
    minutes_per_day: i64,
}

impl<'a> Statistics<'a> {
    /// Read every case accepted by `as_of` (Beijing time). Cases not yet accepted are not in
    /// any table (the seed's tables start at 受理); cases that cannot be read are listed in
    /// [`Statistics::problems`].
    pub fn compute(
        catalogue: &'a Catalogue,
        projects: &'a [Project],
        cases: &'a [Case],
        clock: &LegalClock<'_>,
        as_of: LocalTime,
    ) -> Result<Statistics<'a>, StatisticsError> {
        let hours = clock.office_hours();
        let minutes_per_day = hours
            .minutes_per_day()
            .map_err(StatisticsError::OfficeHours)?;
        let office_open = spans::minute_of_day(hours.open);
        let projects: HashMap<&ProjectId, &Project> = projects.iter().map(|p| (&p.id, p)).collect();
        let mut figures = Vec::with_capacity(cases.len());
        let mut problems = Vec::new();
        let (mut provisional_cases, mut provisional_years) = (0, Vec::<i32>::new());
        for case in cases {
            let Some(input) = case.clock_input() else {
                continue;
            };
            if input.accepted_at > as_of {
                continue;
            }
            let Some(project) = projects.get(&case.project).copied() else {
                problems.push(DataProblem::UnknownProject {
                    case: case.id.clone(),
                    project: case.project.clone(),
                });
                continue;
            };
            let Some(item) = catalogue.item(&case.item) else {
                problems.push(DataProblem::UnknownItem {
                    case: case.id.clone(),
                    item: case.item.clone(),
                });
                continue;
            };
            let reading = match clock.evaluate(&input, as_of) {
                Ok(r) => r,
                Err(error) => {
                    problems.push(DataProblem::Clock {
                        case: case.id.clone(),
                        error,
                    });
                    continue;
                }
            };
            if reading.is_provisional() {
                provisional_cases += 1;
                provisional_years.extend(&reading.provisional_years);
            }
            let accepted_at = input.accepted_at;
            let ended_at = input.ended_at.filter(|&e| e <= as_of);
            let until = ended_at.unwrap_or(as_of);
            let counted = reading
                .explain
                .iter()
                .filter(|s| {
                    s.counted_minutes > 0
                        && matches!(s.kind, SpanKind::Counted | SpanKind::AdjustedWorkday { .. })
                })
                .map(|s| (spans::minute_of(s.from), spans::minute_of(s.to)))
                .collect();
            let pause_minutes = case
                .pauses
                .iter()
                .map(|p| {
                    let from = to_local(p.from);
                    let to = p.to.map(to_local).map_or(until, |t| t.min(until));
                    (to - from).num_minutes().max(0)
                })
                .sum();
            figures.push(CaseFigures {
                case,
                project,
                item,
                stage: flow_stage(catalogue, project, item),
                accepted_at,
                ended_at,
                timed: WorkingTime {
                    minutes: reading.used_minutes,
                    minutes_per_day,
                },
                natural_days: (until.date() - accepted_at.date()).num_days(),
                pauses: case.pauses.len(),
                pause_minutes,
                corrections: case.corrections.len(),
                procedures: &case.procedures,
                materials: case.materials.len(),
                cost: Cost::of_fee(&item.fee),
                deadline: reading.deadline,
                overdue: reading.level == WarningLevel::Overdue,
                parallel: false,
                counted,
                lifetime: (spans::minute_of(accepted_at), spans::minute_of(until)),
            });
        }
        if provisional_cases > 0 {
            provisional_years.sort_unstable();
            provisional_years.dedup();
            problems.push(DataProblem::ProvisionalClock {
                cases: provisional_cases,
                years: provisional_years,
            });
        }
        mark_parallel(&mut figures);
        Ok(Statistics {
            catalogue,
            projects,
            figures,
            problems,
            as_of,
            office_open,
            minutes_per_day,
        })
    }

    pub fn figures(&self) -> &[CaseFigures<'a>] {
        &self.figures
    }

    /// The figures of one case, if it was accepted by as-of.
    pub fn case(&self, id: &CaseId) -> Option<&CaseFigures<'a>> {
        self.figures.iter().find(|f| &f.case.id == id)
    }

    pub fn problems(&self) -> &[DataProblem] {
        &self.problems
    }

    pub fn as_of(&self) -> LocalTime {
        self.as_of
    }

    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }

    pub fn project(&self, id: &ProjectId) -> Option<&'a Project> {
        self.projects.get(id).copied()
    }

    pub fn minutes_per_day(&self) -> i64 {
        self.minutes_per_day
    }

    fn working(&self, minutes: i64) -> WorkingTime {
        WorkingTime {
            minutes,
            minutes_per_day: self.minutes_per_day,
        }
    }

    /// Counted office minutes of the union of the cases' counted spans: time in which at least
    /// one of them had its clock running.
    fn union_timed<'f>(&self, cases: impl Iterator<Item = &'f CaseFigures<'f>>) -> WorkingTime
    where
        'a: 'f,
    {
        let intervals: Vec<(i64, i64)> = cases.flat_map(|f| f.counted.iter().copied()).collect();
        let office = spans::Office {
            open: self.office_open,
            per_day: self.minutes_per_day,
        };
        self.working(
            spans::union(intervals)
                .into_iter()
                .map(|(a, b)| office.minutes(b) - office.minutes(a))
                .sum(),
        )
    }

    /// Calendar days covered by the union of the cases' [acceptance, end) spans, each merged
    /// span counted from its first day to its last day like a single case.
    fn union_natural_days<'f>(&self, cases: impl Iterator<Item = &'f CaseFigures<'f>>) -> i64
    where
        'a: 'f,
    {
        spans::union(cases.map(|f| f.lifetime).collect())
            .into_iter()
            .map(|(a, b)| spans::day_of(b) - spans::day_of(a))
            .sum()
    }

    /// The department's full name (or its code if the catalogue does not know it).
    fn department_name(&self, code: &crate::ids::DepartmentCode) -> String {
        self.catalogue
            .department(code)
            .map_or_else(|| code.to_string(), |d| d.name.clone())
    }
}

/// Where the project's flow places the item, else the item's own stage.
fn flow_stage(catalogue: &Catalogue, project: &Project, item: &Item) -> Stage {
    project
        .flow
        .as_ref()
        .and_then(|code| catalogue.flow(code))
        .and_then(|flow| {
            flow.stages
                .iter()
                .filter(|s| s.stage != Stage::Parallel)
                .find(|s| s.items.iter().any(|i| i.item == item.code))
                .map(|s| s.stage)
        })
        .unwrap_or(item.stage)
}

/// Mark cases whose review overlapped another case of the same works: per works, sorted by
/// acceptance, each case is compared with the ones accepted before its end.
fn mark_parallel(figures: &mut [CaseFigures<'_>]) {
    let mut by_works: HashMap<(&ProjectId, &crate::ids::WorksId), Vec<usize>> = HashMap::new();
    for (i, f) in figures.iter().enumerate() {
        by_works
            .entry((&f.case.project, &f.case.works))
            .or_default()
            .push(i);
    }
    let mut parallel = vec![false; figures.len()];
    for group in by_works.values_mut() {
        group.sort_by_key(|&i| figures.get(i).map(|f| f.lifetime));
        for (k, &i) in group.iter().enumerate() {
            let Some(end) = figures.get(i).map(|f| f.lifetime.1) else {
                continue;
            };
            for &j in group.iter().skip(k + 1) {
                let Some(start) = figures.get(j).map(|f| f.lifetime.0) else {
                    continue;
                };
                if start >= end {
                    break;
                }
                if let Some(p) = parallel.get_mut(i) {
                    *p = true;
                }
                if let Some(p) = parallel.get_mut(j) {
                    *p = true;
                }
            }
        }
    }
    for (f, p) in figures.iter_mut().zip(parallel) {
        f.parallel = p;
    }
}

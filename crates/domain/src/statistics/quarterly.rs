//! 季度全流程在线审批情况 (seed 13: 市工改办 "按季度上报市政府全流程在线审批情况"): the quarter's
//! totals per project category and stage group, the whole-process time of the projects that
//! finished in the quarter (average, shortest, longest), overdue cases, special procedures,
//! the items most often paused or sent back for correction, and the same figures of the
//! previous quarter to compare with. Built from the same [`Statistics`] as the monthly report,
//! so the quarter and its months never disagree.

use super::{
    CaseFigures, DepartmentOverdue, Extreme, Period, ProcedureTime, RecurringStops, StageGroup,
    Statistics, StatisticsError, Suggestion, WorkingTime,
};
use crate::ids::{CategoryCode, ItemCode};
use crate::time::LocalTime;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How many items the summary lists under "most often paused or corrected".
pub const TOP_STOP_ITEMS: usize = 5;

/// 季度: a calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Result<Quarter, StatisticsError> {
        if !(1..=4).contains(&quarter) {
            return Err(StatisticsError::InvalidQuarter { year, quarter });
        }
        Ok(Quarter { year, quarter })
    }

    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Quarter {
        use chrono::Datelike;
        let quarter = u8::try_from((date.month0() / 3) + 1).unwrap_or(1);
        Quarter {
            year: date.year(),
            quarter,
        }
    }

    /// The quarter before (Q1 goes to Q4 of the year before).
    pub fn previous(self) -> Quarter {
        if self.quarter <= 1 {
            Quarter {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// Its first to its last day.
    pub fn period(self) -> Result<Period, StatisticsError> {
        let first_month = u32::from(self.quarter.clamp(1, 4)) * 3 - 2;
        let from = Period::month(self.year, first_month)?.from();
        let to = Period::month(self.year, first_month + 2)?.to();
        Period::new(from, to)
    }

    /// "2024年第四季度".
    pub fn label(self) -> String {
        let name = match self.quarter {
            1 => "一",
            2 => "二",
            3 => "三",
            _ => "四",
        };
        format!("{}年第{}季度", self.year, name)
    }
}

/// Cases of one stage group (or of the whole category) in the quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseCounts {
    /// 受理: accepted in the quarter.
    pub accepted: usize,
    /// 办结: completed (granted or denied) in the quarter.
    pub completed: usize,
    /// 退件/撤回 in the quarter.
    pub ended_otherwise: usize,
    /// Overdue among the cases handled in the quarter.
    pub overdue: usize,
}

/// One project category: its totals and the same per stage group of seed 12 (parallel and
/// planning items count in the category's totals only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryTotals {
    pub category: CategoryCode,
    pub category_name: String,
    pub total: CaseCounts,
    /// In [`StageGroup::ALL`] order.
    pub stages: Vec<(StageGroup, CaseCounts)>,
}

/// 全流程用时 of the projects that finished in the quarter (every accepted case ended, the
/// last one in the quarter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WholeProcessTimes {
    pub projects: usize,
    /// Average counted time (minutes rounded half up).
    pub average_timed: WorkingTime,
    /// Average natural days in hundredths, rounded half up.
    pub average_natural_hundredths: i64,
    pub shortest: Extreme<WorkingTime>,
    pub longest: Extreme<WorkingTime>,
}

/// The figures of one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarterFigures {
    pub quarter: Quarter,
    pub period: Period,
    /// All categories together.
    pub total: CaseCounts,
    /// Catalogue order.
    pub categories: Vec<CategoryTotals>,
    /// Cases handled in the quarter (accepted by its end, not ended before its start).
    pub handled: usize,
    /// None when no project finished in the quarter.
    pub whole_process: Option<WholeProcessTimes>,
    /// Departments with overdue cases, most overdue first.
    pub overdue_by_department: Vec<DepartmentOverdue>,
    /// 特别程序 by kind among the handled cases, and how many cases had any.
    pub procedures: Vec<ProcedureTime>,
    pub cases_with_procedures: usize,
    /// 暂停整改 and 一次性补正告知 among the handled cases.
    pub pauses: usize,
    pub corrections: usize,
    /// The items most often paused or corrected (at most [`TOP_STOP_ITEMS`]): most stops
    /// first, then most stopped cases, then item code.
    pub top_stop_items: Vec<RecurringStops>,
}

/// One line of the comparison with the previous quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub label: &'static str,
    pub unit: ChangeUnit,
    /// None: no figure (no project finished).
    pub current: Option<i64>,
    pub previous: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeUnit {
    /// 件.
    Cases,
    /// Working days in hundredths.
    WorkingDayHundredths,
}

fn show(unit: ChangeUnit, v: i64) -> String {
    match unit {
        ChangeUnit::Cases => format!("{v}件"),
        ChangeUnit::WorkingDayHundredths => {
            let sign = if v < 0 { "-" } else { "" };
            format!("{sign}{}.{:02}个工作日", v.abs() / 100, v.abs() % 100)
        }
    }
}

impl fmt::Display for Change {
    /// "受理办件11件，上季度5件，增加6件".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self
            .current
            .map_or_else(|| "无".to_owned(), |v| show(self.unit, v));
        let previous = self
            .previous
            .map_or_else(|| "无".to_owned(), |v| show(self.unit, v));
        write!(f, "{}{current}，上季度{previous}", self.label)?;
        if let (Some(c), Some(p)) = (self.current, self.previous) {
            match c.cmp(&p) {
                std::cmp::Ordering::Greater => write!(f, "，增加{}", show(self.unit, c - p))?,
                std::cmp::Ordering::Less => write!(f, "，减少{}", show(self.unit, p - c))?,
                std::cmp::Ordering::Equal => write!(f, "，持平")?,
            }
        }
        Ok(())
    }
}

/// 季度全流程在线审批情况报告.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarterlySummary {
    pub as_of: LocalTime,
    pub current: QuarterFigures,
    pub previous: QuarterFigures,
    /// Accepted, completed, overdue, average whole-process time: this quarter against the last.
    pub changes: Vec<Change>,
    /// The quarter's optimisation suggestions (the monthly report's rules over the quarter).
    pub suggestions: Vec<Suggestion>,
    /// Cases left out, and why.
    pub notes: Vec<String>,
}

impl QuarterlySummary {
    /// "2024年第四季度工程建设项目全流程在线审批情况".
    pub fn title(&self) -> String {
        format!(
            "{}工程建设项目全流程在线审批情况",
            self.current.quarter.label()
        )
    }
}

impl Statistics<'_> {
    /// The quarterly summary of seed 13 for `quarter`, compared with the quarter before.
    pub fn quarterly_summary(&self, quarter: Quarter) -> Result<QuarterlySummary, StatisticsError> {
        let (current, suggestions) = self.quarter_figures(quarter)?;
        let (previous, _) = self.quarter_figures(quarter.previous())?;
        let avg = |q: &QuarterFigures| {
            q.whole_process
                .as_ref()
                .map(|w| w.average_timed.hundredths())
        };
        let count = |label, c: usize, p: usize| Change {
            label,
            unit: ChangeUnit::Cases,
            current: Some(i64::try_from(c).unwrap_or(i64::MAX)),
            previous: Some(i64::try_from(p).unwrap_or(i64::MAX)),
        };
        let changes = vec![
            count("受理办件", current.total.accepted, previous.total.accepted),
            count(
                "办结办件",
                current.total.completed,
                previous.total.completed,
            ),
            count("超期办件", current.total.overdue, previous.total.overdue),
            count(
                "特别程序",
                current.procedures.iter().map(|p| p.count).sum(),
                previous.procedures.iter().map(|p| p.count).sum(),
            ),
            count(
                "暂停整改和补正",
                current.pauses + current.corrections,
                previous.pauses + previous.corrections,
            ),
            Change {
                label: "项目全流程平均用时",
                unit: ChangeUnit::WorkingDayHundredths,
                current: avg(&current),
                previous: avg(&previous),
            },
        ];
        Ok(QuarterlySummary {
            as_of: self.as_of,
            current,
            previous,
            changes,
            suggestions,
            notes: self.problems.iter().map(ToString::to_string).collect(),
        })
    }

    fn quarter_figures(
        &self,
        quarter: Quarter,
    ) -> Result<(QuarterFigures, Vec<Suggestion>), StatisticsError> {
        let period = quarter.period()?;
        let report = self.monthly_report(period);

        // Totals per category and stage group, in one pass.
        let mut counts: BTreeMap<&CategoryCode, (CaseCounts, [CaseCounts; 3])> = BTreeMap::new();
        let mut handled: Vec<&CaseFigures<'_>> = Vec::new();
        for f in &self.figures {
            let accepted = period.contains(f.accepted_at.date());
            let ended = f.ended_at.filter(|e| period.contains(e.date()));
            let completed = ended.is_some() && f.case.decision.is_some();
            let ended_otherwise = ended.is_some() && f.case.decision.is_none();
            let is_handled = f.accepted_at.date() <= period.to()
                && f.ended_at.is_none_or(|e| e.date() >= period.from());
            if is_handled {
                handled.push(f);
            }
            let overdue = is_handled && f.overdue;
            if !(accepted || ended.is_some() || overdue) {
                continue;
            }
            let entry = counts.entry(&f.project.details.category).or_default();
            let group = StageGroup::of(f.stage).map(StageGroup::index);
            for c in std::iter::once(&mut entry.0).chain(group.and_then(|g| entry.1.get_mut(g))) {
                c.accepted += usize::from(accepted);
                c.completed += usize::from(completed);
                c.ended_otherwise += usize::from(ended_otherwise);
                c.overdue += usize::from(overdue);
            }
        }
        let mut total = CaseCounts::default();
        let mut categories: Vec<CategoryTotals> = Vec::new();
        let known: Vec<&CategoryCode> = self.catalogue.categories.iter().map(|c| &c.code).collect();
        let unknown: Vec<&CategoryCode> = counts
            .keys()
            .filter(|c| !known.contains(c))
            .copied()
            .collect();
        for code in known.into_iter().chain(unknown) {
            let (t, stages) = counts.get(code).copied().unwrap_or_default();
            total.accepted += t.accepted;
            total.completed += t.completed;
            total.ended_otherwise += t.ended_otherwise;
            total.overdue += t.overdue;
            categories.push(CategoryTotals {
                category: code.clone(),
                category_name: self
                    .catalogue
                    .category(code)
                    .map_or_else(|| code.to_string(), |c| c.name.clone()),
                total: t,
                stages: StageGroup::ALL.into_iter().zip(stages).collect(),
            });
        }

        // Whole-process time of the projects finished in the quarter.
        let finished: Vec<_> = report
            .projects
            .iter()
            .filter(|p| {
                p.whole
                    .finished_at
                    .is_some_and(|t| period.contains(t.date()))
            })
            .collect();
        let whole_process = if finished.is_empty() {
            None
        } else {
            let n = i64::try_from(finished.len()).unwrap_or(i64::MAX);
            let minutes: i64 = finished.iter().map(|p| p.whole.timed.minutes).sum();
            let natural: i64 = finished.iter().map(|p| p.whole.natural_days).sum();
            let pick = |largest: bool| {
                finished
                    .iter()
                    .copied()
                    .reduce(|best, p| {
                        let (a, b) = (p.whole.timed, best.whole.timed);
                        let better = if largest { a > b } else { a < b };
                        if better || (a == b && p.project_code < best.project_code) {
                            p
                        } else {
                            best
                        }
                    })
                    .map(|p| Extreme {
                        value: p.whole.timed,
                        project: p.project.clone(),
                        project_code: p.project_code.clone(),
                        project_name: p.project_name.clone(),
                    })
            };
            match (pick(false), pick(true)) {
                (Some(shortest), Some(longest)) => Some(WholeProcessTimes {
                    projects: finished.len(),
                    average_timed: self.working((2 * minutes + n) / (2 * n)),
                    average_natural_hundredths: (200 * natural + n) / (2 * n),
                    shortest,
                    longest,
                }),
                _ => None,
            }
        };

        // The items most often stopped for the applicant.
        let mut stops: BTreeMap<&ItemCode, RecurringStops> = BTreeMap::new();
        for f in &handled {
            let e = stops.entry(&f.item.code).or_insert_with(|| RecurringStops {
                item: f.item.code.clone(),
                item_name: f.item.name.clone(),
                department_name: self.department_name(&f.item.department),
                cases: 0,
                stopped_cases: 0,
                pauses: 0,
                corrections: 0,
            });
            e.cases += 1;
            e.stopped_cases += usize::from(f.stopped_for_applicant());
            e.pauses += f.pauses;
            e.corrections += f.corrections;
        }
        let mut top_stop_items: Vec<RecurringStops> = stops
            .into_values()
            .filter(|r| r.pauses + r.corrections > 0)
            .collect();
        top_stop_items.sort_by(|a, b| {
            (b.pauses + b.corrections)
                .cmp(&(a.pauses + a.corrections))
                .then(b.stopped_cases.cmp(&a.stopped_cases))
                .then(a.item.cmp(&b.item))
        });
        top_stop_items.truncate(TOP_STOP_ITEMS);

        let figures = QuarterFigures {
            quarter,
            period,
            total,
            categories,
            handled: handled.len(),
            whole_process,
            overdue_by_department: report
                .overdue_by_department
                .into_iter()
                .filter(|d| d.overdue > 0)
                .collect(),
            cases_with_procedures: handled.iter().filter(|f| !f.procedures.is_empty()).count(),
            procedures: report.stopped.procedures,
            pauses: handled.iter().map(|f| f.pauses).sum(),
            corrections: handled.iter().map(|f| f.corrections).sum(),
            top_stop_items,
        };
        Ok((figures, report.suggestions))
    }
}

//! 月度阶段统计 (seed 12.1-12.3): per project category and stage group the fewest and most
//! items, shortest and longest time, lowest and highest cost, fewest and most materials, each
//! with its project; each project's whole-process time; and optimisation suggestions.

use super::{CaseFigures, Cost, Period, StageGroup, Statistics, WorkingTime};
use crate::ids::{CategoryCode, DepartmentCode, ItemCode, ProjectId};
use crate::procedure::SpecialProcedureKind;
use crate::time::{LocalTime, to_local};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// An item is flagged when at least this many of its cases were paused or sent back for
/// correction in the period...
pub const RECURRING_MIN_CASES: usize = 2;
/// ...and they are at least this share of its cases: one unlucky case is not a pattern.
pub const RECURRING_MIN_PERCENT: usize = 30;
/// An item or department is a time hotspot from this share (‰) of all counted time.
pub const HOTSPOT_MIN_PERMILLE: u32 = 200;

/// A figure and the project it comes from (ties: the smallest project code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Extreme<T> {
    pub value: T,
    pub project: ProjectId,
    /// 项目代码.
    pub project_code: String,
    pub project_name: String,
}

/// The figures of a set of cases taken together (one stage of a project, or all of it).
///
/// Time is the critical path: the union of the cases' spans, so cases handled in parallel
/// count once and cases handled one after another add up. Summing the cases would count
/// parallel work twice; taking the longest case would drop sequential work. Gaps in which no
/// case of the set was in review (the applicant preparing the next application) are the
/// applicant's time and are not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageTime {
    /// 计时用时: office minutes in which at least one of the cases had its clock running.
    pub timed: WorkingTime,
    /// 自然日: calendar days covered by the union of [acceptance, end) of the cases.
    pub natural_days: i64,
    /// 环节事项: distinct items (a re-application after a return is the same item).
    pub items: usize,
    pub cases: usize,
    /// 费用成本: the fee of each distinct item, once.
    pub cost: Cost,
    /// 申请材料: distinct files the applicant provided; a file given once and reused by
    /// several cases counts once (seed 4.6).
    pub materials: usize,
    /// The last end, when every case has ended.
    pub finished_at: Option<LocalTime>,
}

/// One line of the seed-12 report: a project category and a stage group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageFigures {
    pub category: CategoryCode,
    pub category_name: String,
    pub group: StageGroup,
    /// Projects that finished this stage group in the period.
    pub projects: usize,
    pub fewest_items: Option<Extreme<usize>>,
    pub most_items: Option<Extreme<usize>>,
    pub shortest_timed: Option<Extreme<WorkingTime>>,
    pub longest_timed: Option<Extreme<WorkingTime>>,
    pub shortest_natural: Option<Extreme<i64>>,
    pub longest_natural: Option<Extreme<i64>>,
    pub lowest_cost: Option<Extreme<Cost>>,
    pub highest_cost: Option<Extreme<Cost>>,
    pub fewest_materials: Option<Extreme<usize>>,
    pub most_materials: Option<Extreme<usize>>,
}

/// 全流程用时 of a project: per stage group and for the whole process (every accepted case of
/// the project, parallel items included, counted once where they overlap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectTime {
    pub project: ProjectId,
    pub project_code: String,
    pub project_name: String,
    pub category: CategoryCode,
    pub stages: Vec<(StageGroup, StageTime)>,
    pub whole: StageTime,
}

/// Overdue cases of a department among the cases handled in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DepartmentOverdue {
    pub department: DepartmentCode,
    pub name: String,
    pub cases: usize,
    pub overdue: usize,
}

/// A share of the counted time of the period's cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeShare {
    /// Item or department code.
    pub code: String,
    pub name: String,
    pub cases: usize,
    pub timed: WorkingTime,
    /// ‰ of all counted time, rounded.
    pub permille: u32,
}

/// Time the clock did not run, or ran inside special procedures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProcedureTime {
    pub kind: SpecialProcedureKind,
    pub count: usize,
    /// Wall-clock minutes, cut at the end or at as-of.
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoppedTime {
    pub pauses: usize,
    /// Wall-clock minutes paused.
    pub pause_minutes: i64,
    /// By kind, in the kinds' order.
    pub procedures: Vec<ProcedureTime>,
}

/// An item whose cases keep being paused (暂停整改) or sent back (一次性补正告知).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecurringStops {
    pub item: ItemCode,
    pub item_name: String,
    pub department_name: String,
    pub cases: usize,
    /// Cases with at least one pause or correction.
    pub stopped_cases: usize,
    pub pauses: usize,
    pub corrections: usize,
}

/// 优化建议: something the reform office can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Suggestion {
    RecurringStops(RecurringStops),
    OverdueDepartment(DepartmentOverdue),
    ItemHotspot(TimeShare),
    DepartmentHotspot(TimeShare),
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Suggestion::RecurringStops(r) => write!(
                f,
                "事项“{}”（{}）{}件中有{}件被暂停整改或要求补正（暂停{}次、补正{}次），建议完善办事指南、材料示范文本和一次性告知内容。",
                r.item_name, r.department_name, r.cases, r.stopped_cases, r.pauses, r.corrections
            ),
            Suggestion::OverdueDepartment(d) => write!(
                f,
                "{}有{}件超期（共{}件），建议督办并分析超期原因。",
                d.name, d.overdue, d.cases
            ),
            Suggestion::ItemHotspot(t) => write!(
                f,
                "事项“{}”用时{}，占本期计时用时的{}，建议优化其审批环节或压缩时限。",
                t.name,
                t.timed,
                permille_label(t.permille)
            ),
            Suggestion::DepartmentHotspot(t) => write!(
                f,
                "{}用时{}，占本期计时用时的{}，建议推行并联审批、减少层级。",
                t.name,
                t.timed,
                permille_label(t.permille)
            ),
        }
    }
}

/// "37.5%".
pub fn permille_label(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

/// 月度统计报告.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthlyReport {
    pub period: Period,
    pub as_of: LocalTime,
    /// Five categories × three stage groups, in catalogue order.
    pub stages: Vec<StageFigures>,
    /// Projects with a case handled in the period, by project code.
    pub projects: Vec<ProjectTime>,
    /// Departments with cases handled in the period, most overdue first.
    pub overdue_by_department: Vec<DepartmentOverdue>,
    /// Where the time went, largest share first.
    pub time_by_item: Vec<TimeShare>,
    pub time_by_department: Vec<TimeShare>,
    pub stopped: StoppedTime,
    pub recurring: Vec<RecurringStops>,
    pub suggestions: Vec<Suggestion>,
    /// Cases left out, and why.
    pub notes: Vec<String>,
}

impl<'a> Statistics<'a> {
    /// The figures of a set of cases taken together (see [`StageTime`]).
    pub fn stage_time(&self, cases: &[&CaseFigures<'a>]) -> StageTime {
        let mut items: BTreeMap<&ItemCode, Cost> = BTreeMap::new();
        let mut files = BTreeSet::new();
        for f in cases {
            items.insert(&f.case.item, f.cost);
            files.extend(f.case.materials.iter().map(|(_, a)| a));
        }
        let finished_at = if cases.iter().all(|f| f.ended_at.is_some()) {
            cases.iter().filter_map(|f| f.ended_at).max()
        } else {
            None
        };
        StageTime {
            timed: self.union_timed(cases.iter().copied()),
            natural_days: self.union_natural_days(cases.iter().copied()),
            items: items.len(),
            cases: cases.len(),
            cost: items.values().fold(Cost::default(), |a, &c| a.add(c)),
            materials: files.len(),
            finished_at,
        }
    }

    /// The monthly report of seed 12 for `period`.
    ///
    /// - Stage figures take each project whose stage group was finished in the period: every
    ///   accepted case of the group has ended, the last of them within the period.
    /// - Project times, overdue cases, where the time went and recurring stops take the cases
    ///   handled in the period: accepted by its end and not ended before its start.
    pub fn monthly_report(&self, period: Period) -> MonthlyReport {
        // One pass: each project's cases, all of them and by stage group.
        let mut by_project: BTreeMap<&str, ProjectCases<'_, 'a>> = BTreeMap::new();
        for f in &self.figures {
            let p = by_project
                .entry(f.project.details.code.as_str())
                .or_default();
            p.all.push(f);
            if let Some(list) = StageGroup::of(f.stage).and_then(|g| p.groups.get_mut(g.index())) {
                list.push(f);
            }
        }
        let stages = self.stage_figures(period, &by_project);
        let handled: Vec<&CaseFigures<'a>> = self
            .figures
            .iter()
            .filter(|f| {
                f.accepted_at.date() <= period.to()
                    && f.ended_at.is_none_or(|e| e.date() >= period.from())
            })
            .collect();
        let handled_projects: BTreeSet<&str> = handled
            .iter()
            .map(|f| f.project.details.code.as_str())
            .collect();
        let projects = by_project
            .iter()
            .filter(|(code, _)| handled_projects.contains(*code))
            .filter_map(|(_, cases)| {
                let first = cases.all.first()?;
                let stages = StageGroup::ALL
                    .into_iter()
                    .zip(&cases.groups)
                    .filter(|(_, list)| !list.is_empty())
                    .map(|(g, list)| (g, self.stage_time(list)))
                    .collect();
                Some(ProjectTime {
                    project: first.project.id.clone(),
                    project_code: first.project.details.code.as_str().to_owned(),
                    project_name: first.project.details.name.clone(),
                    category: first.project.details.category.clone(),
                    stages,
                    whole: self.stage_time(&cases.all),
                })
            })
            .collect();

        let overdue_by_department = self.overdue_by_department(&handled);
        let total_minutes: i64 = handled.iter().map(|f| f.timed.minutes).sum();
        let time_by_item = self.shares(
            &handled,
            total_minutes,
            |f| f.item.code.as_str(),
            |f| f.item.name.clone(),
        );
        let time_by_department = self.shares(
            &handled,
            total_minutes,
            |f| f.case.department.as_str(),
            |f| self.department_name(&f.case.department),
        );
        let stopped = self.stopped_time(&handled);
        let recurring = self.recurring(&handled);

        let mut suggestions: Vec<Suggestion> = recurring
            .iter()
            .cloned()
            .map(Suggestion::RecurringStops)
            .collect();
        suggestions.extend(
            overdue_by_department
                .iter()
                .filter(|d| d.overdue > 0)
                .cloned()
                .map(Suggestion::OverdueDepartment),
        );
        suggestions.extend(
            time_by_item
                .iter()
                .filter(|t| t.permille >= HOTSPOT_MIN_PERMILLE)
                .cloned()
                .map(Suggestion::ItemHotspot),
        );
        suggestions.extend(
            time_by_department
                .iter()
                .filter(|t| t.permille >= HOTSPOT_MIN_PERMILLE)
                .cloned()
                .map(Suggestion::DepartmentHotspot),
        );
        MonthlyReport {
            period,
            as_of: self.as_of,
            stages,
            projects,
            overdue_by_department,
            time_by_item,
            time_by_department,
            stopped,
            recurring,
            suggestions,
            notes: self.problems.iter().map(ToString::to_string).collect(),
        }
    }

    fn stage_figures(
        &self,
        period: Period,
        by_project: &BTreeMap<&str, ProjectCases<'_, 'a>>,
    ) -> Vec<StageFigures> {
        // The stage groups each project finished in the period, by category and group.
        type Finished<'f, 'a> = Vec<(&'f CaseFigures<'a>, StageTime)>;
        let mut finished: HashMap<(&CategoryCode, StageGroup), Finished<'_, 'a>> = HashMap::new();
        for cases in by_project.values() {
            for (group, list) in StageGroup::ALL.into_iter().zip(&cases.groups) {
                let Some(first) = list.first().copied() else {
                    continue;
                };
                // Cheap test first: every case ended, the last one within the period.
                let last = list.iter().map(|f| f.ended_at).try_fold(None, |max, e| {
                    e.map(|e| Some(max.map_or(e, |m: LocalTime| m.max(e))))
                });
                if last.flatten().is_some_and(|t| period.contains(t.date())) {
                    finished
                        .entry((&first.project.details.category, group))
                        .or_default()
                        .push((first, self.stage_time(list)));
                }
            }
        }
        let mut out = Vec::new();
        for category in self.catalogue.categories.iter().filter(|c| !c.low_risk) {
            for group in StageGroup::ALL {
                let done = finished
                    .get(&(&category.code, group))
                    .map_or(&[][..], Vec::as_slice);
                out.push(StageFigures {
                    category: category.code.clone(),
                    category_name: category.name.clone(),
                    group,
                    projects: done.len(),
                    fewest_items: extreme(done, |t| t.items, false),
                    most_items: extreme(done, |t| t.items, true),
                    shortest_timed: extreme(done, |t| t.timed, false),
                    longest_timed: extreme(done, |t| t.timed, true),
                    shortest_natural: extreme(done, |t| t.natural_days, false),
                    longest_natural: extreme(done, |t| t.natural_days, true),
                    lowest_cost: extreme(done, |t| t.cost, false),
                    highest_cost: extreme(done, |t| t.cost, true),
                    fewest_materials: extreme(done, |t| t.materials, false),
                    most_materials: extreme(done, |t| t.materials, true),
                });
            }
        }
        out
    }

    fn overdue_by_department(&self, handled: &[&CaseFigures<'a>]) -> Vec<DepartmentOverdue> {
        let mut map: BTreeMap<&DepartmentCode, (usize, usize)> = BTreeMap::new();
        for f in handled {
            let e = map.entry(&f.case.department).or_default();
            e.0 += 1;
            e.1 += usize::from(f.overdue);
        }
        let mut out: Vec<DepartmentOverdue> = map
            .into_iter()
            .map(|(d, (cases, overdue))| DepartmentOverdue {
                department: d.clone(),
                name: self.department_name(d),
                cases,
                overdue,
            })
            .collect();
        out.sort_by(|a, b| {
            b.overdue
                .cmp(&a.overdue)
                .then(a.department.cmp(&b.department))
        });
        out
    }

    fn shares<'f>(
        &self,
        handled: &[&'f CaseFigures<'a>],
        total: i64,
        key: impl Fn(&'f CaseFigures<'a>) -> &'f str,
        name: impl Fn(&'f CaseFigures<'a>) -> String,
    ) -> Vec<TimeShare> {
        let mut map: HashMap<&str, (&CaseFigures<'a>, usize, i64)> = HashMap::new();
        for f in handled {
            let e = map.entry(key(f)).or_insert((f, 0, 0));
            e.1 += 1;
            e.2 += f.timed.minutes;
        }
        let mut out: Vec<TimeShare> = map
            .into_iter()
            .map(|(code, (f, cases, minutes))| TimeShare {
                code: code.to_owned(),
                name: name(f),
                cases,
                timed: self.working(minutes),
                permille: permille(minutes, total),
            })
            .collect();
        out.sort_by(|a, b| b.timed.cmp(&a.timed).then(a.code.cmp(&b.code)));
        out
    }

    fn stopped_time(&self, handled: &[&CaseFigures<'a>]) -> StoppedTime {
        let mut procedures: BTreeMap<SpecialProcedureKind, (usize, i64)> = BTreeMap::new();
        for f in handled {
            let until = f.ended_at.unwrap_or(self.as_of);
            for p in f.procedures {
                let from = to_local(p.started_at);
                let to = p.ended_at.map_or(until, |t| to_local(t).min(until));
                let e = procedures.entry(p.kind).or_default();
                e.0 += 1;
                e.1 += (to - from).num_minutes().max(0);
            }
        }
        StoppedTime {
            pauses: handled.iter().map(|f| f.pauses).sum(),
            pause_minutes: handled.iter().map(|f| f.pause_minutes).sum(),
            procedures: procedures
                .into_iter()
                .map(|(kind, (count, minutes))| ProcedureTime {
                    kind,
                    count,
                    minutes,
                })
                .collect(),
        }
    }

    fn recurring(&self, handled: &[&CaseFigures<'a>]) -> Vec<RecurringStops> {
        let mut map: BTreeMap<&ItemCode, RecurringStops> = BTreeMap::new();
        for f in handled {
            let e = map.entry(&f.item.code).or_insert_with(|| RecurringStops {
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
        let mut out: Vec<RecurringStops> = map
            .into_values()
            .filter(|r| {
                r.stopped_cases >= RECURRING_MIN_CASES
                    && r.stopped_cases * 100 >= r.cases * RECURRING_MIN_PERCENT
            })
            .collect();
        out.sort_by(|a, b| {
            b.stopped_cases
                .cmp(&a.stopped_cases)
                .then(a.item.cmp(&b.item))
        });
        out
    }
}

/// A project's cases, all of them and by stage group (in [`StageGroup::ALL`] order).
#[derive(Default)]
struct ProjectCases<'f, 'a> {
    all: Vec<&'f CaseFigures<'a>>,
    groups: [Vec<&'f CaseFigures<'a>>; 3],
}

/// part / total in ‰, rounded half up; 0 when there is no total.
fn permille(part: i64, total: i64) -> u32 {
    if total <= 0 || part <= 0 {
        return 0;
    }
    u32::try_from((part * 2000 + total) / (2 * total)).unwrap_or(u32::MAX)
}

/// The smallest (or largest) figure, ties going to the smallest project code.
fn extreme<T: Ord + Clone>(
    finished: &[(&CaseFigures<'_>, StageTime)],
    value: impl Fn(&StageTime) -> T,
    largest: bool,
) -> Option<Extreme<T>> {
    let mut best: Option<(&CaseFigures<'_>, T)> = None;
    for (f, time) in finished {
        let v = value(time);
        let better = match &best {
            None => true,
            Some((b, bv)) => {
                let code = f.project.details.code.as_str();
                let best_code = b.project.details.code.as_str();
                if largest {
                    v > *bv || (v == *bv && code < best_code)
                } else {
                    v < *bv || (v == *bv && code < best_code)
                }
            }
        };
        if better {
            best = Some((f, v));
        }
    }
    best.map(|(f, value)| Extreme {
        value,
        project: f.project.id.clone(),
        project_code: f.project.details.code.as_str().to_owned(),
        project_name: f.project.details.name.clone(),
    })
}

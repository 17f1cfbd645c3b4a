//! 好差评与建议投诉统计: ratings by department, level, indicator and period, rectifications
//! and their deadlines; complaints by department with answers on time or late.

use super::{
    Channel, Complaint, ComplaintKind, ComplaintState, Dimension, Evaluation, Level,
    RectificationStatus,
};
use crate::catalogue::Catalogue;
use crate::clock::LegalClock;
use crate::ids::DepartmentCode;
use crate::statistics::Period;
use crate::time::{LocalTime, to_local};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Ratings per level, in [`Level::ALL`] order (非常满意 first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LevelCounts {
    pub counts: [usize; 5],
}

impl LevelCounts {
    pub fn add(&mut self, level: Level) {
        if let Some(c) = self.counts.get_mut(level.index()) {
            *c += 1;
        }
    }

    pub fn of(&self, level: Level) -> usize {
        self.counts.get(level.index()).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// 差评数.
    pub fn bad(&self) -> usize {
        self.of(Level::Dissatisfied) + self.of(Level::VeryDissatisfied)
    }

    /// 满意率 in ‰ (非常满意, 满意, 基本满意 over all), rounded; None without ratings.
    pub fn satisfied_permille(&self) -> Option<u32> {
        let total = self.total();
        (total > 0).then(|| {
            let good = total - self.bad();
            u32::try_from((good * 2000 + total) / (2 * total)).unwrap_or(u32::MAX)
        })
    }

    /// Average stars × 100, rounded; None without ratings.
    pub fn average_score_hundredths(&self) -> Option<u32> {
        let total = self.total();
        (total > 0).then(|| {
            let sum: usize = Level::ALL
                .iter()
                .map(|l| self.of(*l) * usize::from(l.score()))
                .sum();
            u32::try_from((sum * 200 + total) / (2 * total)).unwrap_or(u32::MAX)
        })
    }
}

/// Rectifications of a department's bad ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RectificationCounts {
    pub pending: usize,
    pub rectifying: usize,
    pub done: usize,
    pub cannot_rectify: usize,
    pub annulled: usize,
    /// Past the deadline at as-of (open), or closed after it.
    pub overdue: usize,
    /// Deadline not computable (holiday table missing for the year).
    pub deadline_unknown: usize,
    /// 回访, and how many applicants said they were satisfied.
    pub called_back: usize,
    pub callback_satisfied: usize,
    /// 申诉 filed, and upheld by the reform office.
    pub appeals: usize,
    pub appeals_upheld: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DepartmentRatings {
    pub department: DepartmentCode,
    pub name: String,
    /// Valid ratings (annulled ones left out).
    pub levels: LevelCounts,
    pub online: usize,
    pub window: usize,
    pub rectifications: RectificationCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionRatings {
    pub dimension: Dimension,
    pub levels: LevelCounts,
}

/// 好差评统计.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationStatistics {
    pub period: Option<Period>,
    /// Valid ratings.
    pub total: LevelCounts,
    /// Ratings voided by an upheld appeal (not in any level count).
    pub annulled: usize,
    pub by_department: Vec<DepartmentRatings>,
    /// Every indicator, in [`Dimension::ALL`] order.
    pub by_dimension: Vec<DimensionRatings>,
}

/// Statistics of the ratings given within `period` (rating day, Beijing time), optionally of
/// one department; overdue rectifications as of `as_of`.
pub fn evaluation_statistics(
    evaluations: &[Evaluation],
    catalogue: &Catalogue,
    clock: &LegalClock<'_>,
    as_of: LocalTime,
    period: Option<Period>,
    department: Option<&DepartmentCode>,
) -> EvaluationStatistics {
    let mut total = LevelCounts::default();
    let mut annulled = 0;
    let mut by_department: BTreeMap<&DepartmentCode, DepartmentRatings> = BTreeMap::new();
    let mut by_dimension: BTreeMap<Dimension, LevelCounts> = BTreeMap::new();
    for ev in evaluations {
        let dept = ev.subject.department();
        if period.is_some_and(|p| !p.contains(to_local(ev.rated_at).date()))
            || department.is_some_and(|d| d != dept)
        {
            continue;
        }
        let entry = by_department
            .entry(dept)
            .or_insert_with(|| DepartmentRatings {
                department: dept.clone(),
                name: catalogue
                    .department(dept)
                    .map_or_else(|| dept.to_string(), |d| d.name.clone()),
                levels: LevelCounts::default(),
                online: 0,
                window: 0,
                rectifications: RectificationCounts::default(),
            });
        if let Some(r) = &ev.rectification {
            let rc = &mut entry.rectifications;
            match r.status {
                RectificationStatus::Pending => rc.pending += 1,
                RectificationStatus::Rectifying => rc.rectifying += 1,
                RectificationStatus::Done => rc.done += 1,
                RectificationStatus::CannotRectify => rc.cannot_rectify += 1,
                RectificationStatus::Annulled => rc.annulled += 1,
            }
            match r.is_overdue(clock, as_of) {
                Ok(true) => rc.overdue += 1,
                Ok(false) => {}
                Err(_) => rc.deadline_unknown += 1,
            }
            if let Some(cb) = &r.callback {
                rc.called_back += 1;
                rc.callback_satisfied += usize::from(cb.applicant_satisfied);
            }
        }
        if let Some(a) = &ev.appeal {
            entry.rectifications.appeals += 1;
            entry.rectifications.appeals_upheld +=
                usize::from(a.decision.as_ref().is_some_and(|d| d.upheld));
        }
        if ev.is_annulled() {
            annulled += 1;
            continue;
        }
        entry.levels.add(ev.level);
        match ev.channel() {
            Channel::Online => entry.online += 1,
            Channel::Window => entry.window += 1,
        }
        total.add(ev.level);
        for d in &ev.dimensions {
            by_dimension.entry(d.dimension).or_default().add(d.level);
        }
    }
    EvaluationStatistics {
        period,
        total,
        annulled,
        by_department: by_department.into_values().collect(),
        by_dimension: Dimension::ALL
            .into_iter()
            .map(|dimension| DimensionRatings {
                dimension,
                levels: by_dimension.get(&dimension).copied().unwrap_or_default(),
            })
            .collect(),
    }
}

/// Complaints of one department (by the current assignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DepartmentComplaints {
    pub department: DepartmentCode,
    pub name: String,
    pub suggestions: usize,
    pub complaints: usize,
    pub answered_on_time: usize,
    pub answered_late: usize,
    /// Unanswered, deadline not yet passed at as-of.
    pub open: usize,
    /// Unanswered past the deadline.
    pub open_overdue: usize,
    pub deadline_unknown: usize,
}

/// 建议投诉统计.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComplaintStatistics {
    pub period: Option<Period>,
    pub suggestions: usize,
    pub complaints: usize,
    /// 待分办.
    pub unassigned: usize,
    pub dismissed: usize,
    pub by_department: Vec<DepartmentComplaints>,
}

/// Statistics of the suggestions and complaints submitted within `period`, optionally of one
/// department; answers on time against the deadline, open ones as of `as_of`.
pub fn complaint_statistics(
    complaints: &[Complaint],
    catalogue: &Catalogue,
    clock: &LegalClock<'_>,
    as_of: LocalTime,
    period: Option<Period>,
    department: Option<&DepartmentCode>,
) -> ComplaintStatistics {
    let mut out = ComplaintStatistics {
        period,
        suggestions: 0,
        complaints: 0,
        unassigned: 0,
        dismissed: 0,
        by_department: vec![],
    };
    let mut by_department: BTreeMap<&DepartmentCode, DepartmentComplaints> = BTreeMap::new();
    for c in complaints {
        if period.is_some_and(|p| !p.contains(to_local(c.submitted_at).date()))
            || department.is_some_and(|d| Some(d) != c.department())
        {
            continue;
        }
        match c.kind {
            ComplaintKind::Suggestion => out.suggestions += 1,
            ComplaintKind::Complaint => out.complaints += 1,
        }
        match c.state {
            ComplaintState::Submitted => out.unassigned += 1,
            ComplaintState::Dismissed => out.dismissed += 1,
            ComplaintState::Assigned | ComplaintState::Answered => {}
        }
        let Some(dept) = c.department() else {
            continue;
        };
        let e = by_department
            .entry(dept)
            .or_insert_with(|| DepartmentComplaints {
                department: dept.clone(),
                name: catalogue
                    .department(dept)
                    .map_or_else(|| dept.to_string(), |d| d.name.clone()),
                suggestions: 0,
                complaints: 0,
                answered_on_time: 0,
                answered_late: 0,
                open: 0,
                open_overdue: 0,
                deadline_unknown: 0,
            });
        match c.kind {
            ComplaintKind::Suggestion => e.suggestions += 1,
            ComplaintKind::Complaint => e.complaints += 1,
        }
        let Some(Ok(deadline)) = c.answer_deadline(clock) else {
            e.deadline_unknown += 1;
            continue;
        };
        match &c.answer {
            Some(a) if to_local(a.at) <= deadline => e.answered_on_time += 1,
            Some(_) => e.answered_late += 1,
            None if as_of > deadline => e.open_overdue += 1,
            None => e.open += 1,
        }
    }
    out.by_department = by_department.into_values().collect();
    out
}

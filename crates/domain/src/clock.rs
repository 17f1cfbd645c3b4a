//! 法定时限: the legal clock. Pure functions from (acceptance, limit, stops, calendar, office
//! hours, as-of) to time used, time left, deadline, warning level and an explanation.

use crate::procedure::SpecialProcedureKind;
use crate::time::LocalTime;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// 办公时间: the counted hours of a working day (default 09:00-17:00, 8 h = 1 working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

/// Why the clock was stopped for a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "procedure")]
pub enum StopReason {
    /// 暂停整改
    Pause,
    /// An untimed 特别程序 (公示, 公告, 听证, 检验, 监测, 勘察 ...).
    UntimedProcedure(SpecialProcedureKind),
}

/// A span in which the clock does not run; `to: None` means still open at as-of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoppedSpan {
    pub from: LocalTime,
    pub to: Option<LocalTime>,
    pub reason: StopReason,
}

/// Everything the clock needs to know about one case (or one utility service, commission,
/// consultation: they share the rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    Normal,
    DueSoon,
    Overdue,
    Paused,
}

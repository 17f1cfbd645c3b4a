//! `permitdesk clock`: read the legal clock of a case from its acceptance time, limit, pauses
//! and untimed special procedures, as it stood at a given time (all times Beijing time).

use crate::output::{CliError, Output};
use clap::Args;
use permitdesk_domain::clock::{
    ClockError, ClockInput, LegalClock, OfficeHours, StopReason, StoppedSpan,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::time::{LocalTime, format_minute, parse_local};
use std::path::Path;

#[derive(Debug, Args)]
pub struct ClockArgs {
    /// 受理时间, e.g. 2024-09-27T10:00.
    #[arg(long, value_name = "TIME")]
    accepted: String,
    /// 办理时限 in working days (0 = 即办), extensions included.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    limit: i64,
    /// 暂停整改 span FROM/TO; `FROM/` is still open. Repeatable.
    #[arg(long, value_name = "FROM/TO")]
    pause: Vec<String>,
    /// An untimed special procedure KIND:FROM/TO (KIND e.g. 公示 or public_notice). Repeatable.
    #[arg(long, value_name = "KIND:FROM/TO")]
    untimed: Vec<String>,
    /// 办结 or 退件 time: the clock stops there.
    #[arg(long, value_name = "TIME")]
    ended: Option<String>,
    /// The time to read the clock at.
    #[arg(long, value_name = "TIME")]
    as_of: String,
    /// Office hours, default 09:00-17:00.
    #[arg(long, value_name = "HH:MM-HH:MM", default_value = "09:00-17:00")]
    office_hours: String,
}

fn time_arg(name: &str, value: &str) -> Result<LocalTime, CliError> {
    parse_local(value).ok_or_else(|| {
        CliError::Usage(format!(
            "--{name} 的时间“{value}”格式有误，应写作 YYYY-MM-DDTHH:MM，例如 2024-09-27T10:00"
        ))
    })
}

fn span_arg(name: &str, value: &str, reason: StopReason) -> Result<StoppedSpan, CliError> {
    let (from, to) = value.split_once('/').ok_or_else(|| {
        CliError::Usage(format!(
            "--{name} 的“{value}”应写作 FROM/TO（未结束写 FROM/）"
        ))
    })?;
    let from = time_arg(name, from)?;
    let to = if to.trim().is_empty() {
        None
    } else {
        Some(time_arg(name, to)?)
    };
    if let Some(to) = to
        && to < from
    {
        return Err(CliError::Usage(format!(
            "--{name} 的结束时间 {} 早于开始时间 {}",
            format_minute(to),
            format_minute(from)
        )));
    }
    Ok(StoppedSpan { from, to, reason })
}

fn office_hours_arg(value: &str) -> Result<OfficeHours, CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--office-hours 的“{value}”格式有误，应写作 09:00-17:00"
        ))
    };
    let (open, close) = value.split_once('-').ok_or_else(bad)?;
    let parse = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
    OfficeHours::new(parse(open)?, parse(close)?).map_err(CliError::usage)
}

pub fn run(args: ClockArgs, data_dir: Option<&Path>, out: &Output) -> Result<(), CliError> {
    let accepted_at = time_arg("accepted", &args.accepted)?;
    let as_of = time_arg("as-of", &args.as_of)?;
    let limit_working_days = u32::try_from(args.limit).map_err(|_| {
        CliError::Usage(format!(
            "--limit 应为不小于 0 的工作日数，实际为 {}",
            args.limit
        ))
    })?;
    let mut stopped = Vec::new();
    for p in &args.pause {
        stopped.push(span_arg("pause", p, StopReason::Pause)?);
    }
    for u in &args.untimed {
        let (kind, span) = u
            .split_once(':')
            .filter(|(k, _)| !k.contains('-'))
            .ok_or_else(|| CliError::Usage(format!("--untimed 的“{u}”应写作 KIND:FROM/TO，例如 公示:2024-10-08T09:00/2024-10-15T17:00")))?;
        let kind = SpecialProcedureKind::parse(kind)
            .ok_or_else(|| CliError::Usage(format!("未知的特别程序“{kind}”")))?;
        stopped.push(span_arg(
            "untimed",
            span,
            StopReason::UntimedProcedure(kind),
        )?);
    }
    let ended_at = args
        .ended
        .as_deref()
        .map(|e| time_arg("ended", e))
        .transpose()?;
    let hours = office_hours_arg(&args.office_hours)?;
    let calendar = crate::calendar_cmd::load(data_dir)?;
    let input = ClockInput {
        accepted_at,
        limit_working_days,
        stopped,
        ended_at,
    };
    let reading = LegalClock::new(&calendar, hours)
        .evaluate(&input, as_of)
        .map_err(|e| match e {
            ClockError::NoDataForYear(_) | ClockError::Calendar(_) | ClockError::OutOfRange => {
                CliError::Invalid(e.to_string())
            }
            other => CliError::Usage(other.to_string()),
        })?;
    out.print(&reading, || {
        let mut s = format!(
            "办理期限：{}{}\n已用：{:.2} 个工作日\n剩余：{:.2} 个工作日\n预警：{}\n计时说明：\n",
            reading
                .deadline
                .map(format_minute)
                .unwrap_or_else(|| "暂停中，待恢复后计算".into()),
            reading
                .provisional_note()
                .map(|n| format!("（{n}，按周一至周五计算，导入后自动更正）"))
                .unwrap_or_default(),
            reading.used_working_days(),
            reading.remaining_working_days(),
            level_label(reading.level),
        );
        for span in &reading.explain {
            s.push_str(&format!(
                "  {} ~ {}  {}{}\n",
                format_minute(span.from),
                format_minute(span.to),
                span.kind.label(),
                if span.counted_minutes > 0 {
                    format!("（{} 分钟）", span.counted_minutes)
                } else {
                    String::new()
                }
            ));
        }
        s
    })
}

pub(crate) fn level_label(level: permitdesk_domain::clock::WarningLevel) -> &'static str {
    use permitdesk_domain::clock::WarningLevel as W;
    match level {
        W::Normal => "正常",
        W::DueSoon => "即将到期",
        W::Overdue => "已超期",
        W::Paused => "暂停计时",
    }
}

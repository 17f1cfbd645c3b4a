//! `permitdesk calendar`: working days of a year, and importing the State Council's holiday
//! table for a new year (validated, then kept in the data directory beside the shipped ones).

use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_domain::calendar::WorkingCalendar;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// List the working days (工作日) of a year.
    Workdays {
        #[arg(long)]
        year: i32,
    },
    /// Import a holiday table file (TOML, the shape of data/calendar/holidays.toml).
    Import { file: PathBuf },
    /// Print the calendar in use (shipped plus imported) as a holiday table file.
    Export,
    /// The calendar decided with: with a profile (`--profile DIR` or $PERMITDESK_PROFILE) the
    /// version the server sent it (its years, when it changed, the warning that next year's
    /// table is missing); without one, the shipped tables plus those imported here.
    Show,
}

const IMPORTED_FILE: &str = "calendar/imported-holidays.toml";

/// The calendar the clock counts with: the shipped tables, then whatever was imported.
pub fn load(data_dir: Option<&Path>) -> Result<WorkingCalendar, CliError> {
    let mut calendar = WorkingCalendar::shipped();
    if let Some(imported) = read_imported(data_dir)? {
        calendar.import(imported);
    }
    Ok(calendar)
}

fn read_imported(data_dir: Option<&Path>) -> Result<Option<WorkingCalendar>, CliError> {
    let Some(path) = data_dir.map(|d| d.join(IMPORTED_FILE)) else {
        return Ok(None);
    };
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    WorkingCalendar::from_toml(&text)
        .map(Some)
        .map_err(|e| CliError::Invalid(format!("{}: {e}", path.display())))
}

#[derive(Serialize)]
struct Workdays {
    year: i32,
    count: usize,
    workdays: Vec<String>,
}

#[derive(Serialize)]
struct Imported {
    added: Vec<i32>,
    replaced: Vec<i32>,
    stored_in: String,
}

#[derive(Serialize)]
struct Shown {
    version: u64,
    years: Vec<i32>,
    changed_at: Option<chrono::DateTime<chrono::Utc>>,
    changed_by: Option<String>,
    warning: Option<String>,
    /// Where the calendar comes from: `profile` or `local`.
    source: &'static str,
}

fn show(data_dir: Option<&Path>, profile: Option<&Path>, out: &Output) -> Result<(), CliError> {
    let shown = match crate::client::profile_dir(profile) {
        Some(dir) => {
            let p = crate::client::open(Some(&dir))?;
            let v = permitdesk_client::reference::calendar(&p)
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            Shown {
                version: v.version,
                years: v.years,
                changed_at: v.changed_at,
                changed_by: v.changed_by,
                warning: v.warning,
                source: "profile",
            }
        }
        None => {
            let calendar = load(data_dir)?;
            let today = permitdesk_domain::time::to_local(chrono::Utc::now()).date();
            Shown {
                version: 0,
                years: calendar.years(),
                changed_at: None,
                changed_by: None,
                warning: permitdesk_domain::reference::calendar_missing_warning(&calendar, today),
                source: "local",
            }
        }
    };
    out.print(&shown, || {
        let mut s = format!(
            "工作日历版本 {}，覆盖 {}\n",
            shown.version,
            shown
                .years
                .iter()
                .map(|y| format!("{y} 年"))
                .collect::<Vec<_>>()
                .join("、")
        );
        if let (Some(at), Some(by)) = (&shown.changed_at, &shown.changed_by) {
            s.push_str(&format!(
                "由 {by} 于 {} 更新\n",
                permitdesk_domain::time::format_minute(permitdesk_domain::time::to_local(*at))
            ));
        }
        if let Some(w) = &shown.warning {
            s.push_str(&format!("提醒：{w}\n"));
        }
        s
    })
}

pub fn run(
    cmd: CalendarCommand,
    data_dir: Option<&Path>,
    profile: Option<&Path>,
    out: &Output,
) -> Result<(), CliError> {
    match cmd {
        CalendarCommand::Show => show(data_dir, profile, out),
        CalendarCommand::Workdays { year } => {
            let calendar = load(data_dir)?;
            let days = calendar.workdays(year).map_err(CliError::usage)?;
            let result = Workdays {
                year,
                count: days.len(),
                workdays: days.iter().map(|d| d.to_string()).collect(),
            };
            out.print(&result, || {
                let mut s = format!("{year} 年共 {} 个工作日\n", result.count);
                for d in &days {
                    let note = match calendar.day_kind(*d) {
                        Ok(permitdesk_domain::calendar::DayKind::AdjustedWorkday { serves }) => {
                            format!("（{serves}调休上班）")
                        }
                        _ => String::new(),
                    };
                    s.push_str(&format!("{d} {}{note}\n", weekday_label(*d)));
                }
                s
            })
        }
        CalendarCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| CliError::io(&file, e))?;
            let incoming = WorkingCalendar::from_toml(&text)
                .map_err(|e| CliError::Invalid(format!("{}: {e}", file.display())))?;
            let dir = data_dir.ok_or_else(|| {
                CliError::Usage("没有数据目录：请用 --data-dir 指定，或设置 PERMITDESK_HOME".into())
            })?;
            let mut imported = read_imported(Some(dir))?.unwrap_or_default();
            let summary = imported.import(incoming);
            let path = dir.join(IMPORTED_FILE);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
            }
            // Write to a temporary file and rename, so a crash never leaves half a table.
            let tmp = path.with_extension("toml.tmp");
            std::fs::write(&tmp, imported.to_toml()).map_err(|e| CliError::io(&tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| CliError::io(&path, e))?;
            let result = Imported {
                added: summary.added,
                replaced: summary.replaced,
                stored_in: path.display().to_string(),
            };
            out.print(&result, || {
                format!(
                    "已导入：新增 {:?} 年，替换 {:?} 年（保存在 {}）",
                    result.added, result.replaced, result.stored_in
                )
            })
        }
        CalendarCommand::Export => {
            let calendar = load(data_dir)?;
            let text = calendar.to_toml();
            out.print(
                &serde_json::json!({ "years": calendar.years(), "toml": text }),
                || text.clone(),
            )
        }
    }
}

fn weekday_label(d: chrono::NaiveDate) -> &'static str {
    use chrono::{Datelike, Weekday};
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

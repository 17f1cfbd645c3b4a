//! `permitdesk --profile DIR reference show [KIND]|import`: the reference data (holiday
//! calendar, catalogue, market, zones, 行政区划) this profile decides with, and the reform
//! office's import of a new version through the server (the same call as its screen in the
//! desktop app). `reference show districts` lists the divisions a project may be located in.

use super::run::client_err;
use crate::output::{CliError, Output};
use clap::{Args, Subcommand};
use permitdesk_client::Profile;
use permitdesk_client::reference::{self, DistrictsView, ImportRequest, ReferenceView};
use permitdesk_domain::reference::ReferenceKind;
use permitdesk_domain::time::{format_minute, to_local};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// The version of each kind this profile holds, who changed it on the server and when, and
    /// the warning that next year's holiday table is missing; with KIND (calendar, catalogue,
    /// market, zones, districts) that kind alone: `districts` lists the 行政区划 a project may
    /// be located in, grouped under their city.
    Show { kind: Option<String> },
    /// Import a new version on the server (市工改办): KIND is calendar, catalogue, market,
    /// zones or districts; FILE the TOML (GeoJSON for zones) the offline commands read.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub kind: String,
    pub file: PathBuf,
    /// Show what would change (deadlines that move, items open cases still use); change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace stored years of the holiday table that the file changes.
    #[arg(long)]
    pub replace: bool,
}

pub fn run(p: &mut Profile, cmd: ReferenceCommand, out: &Output) -> Result<(), CliError> {
    match cmd {
        ReferenceCommand::Show { kind: None } => {
            let v = reference::show(p).map_err(client_err)?;
            out.print(&v, || show_text(&v))
        }
        ReferenceCommand::Show { kind: Some(kind) } => {
            let kind = reference::parse_kind(&kind).map_err(|e| CliError::Usage(e.to_string()))?;
            show_kind(p, kind, out)
        }
        ReferenceCommand::Import(a) => {
            let content = std::fs::read_to_string(&a.file).map_err(|e| CliError::io(&a.file, e))?;
            let kind =
                reference::parse_kind(&a.kind).map_err(|e| CliError::Usage(e.to_string()))?;
            let outcome = reference::import(
                p,
                &ImportRequest {
                    kind: kind.as_str().to_owned(),
                    content,
                    dry_run: a.dry_run,
                    replace: a.replace,
                },
            )
            .map_err(client_err)?;
            let r = &outcome.report;
            out.print(&outcome, || {
                let mut s = if r.dry_run {
                    format!("{}（试导入，未做任何更改）\n", kind.label())
                } else if r.applied {
                    format!(
                        "已导入{}：版本 {} → {}\n",
                        kind.label(),
                        r.from_version,
                        r.to_version
                    )
                } else {
                    format!("{}没有变化（版本 {}）\n", kind.label(), r.from_version)
                };
                for c in &r.changes {
                    s.push_str(&format!("  {c}\n"));
                }
                if !r.needs_replace.is_empty() {
                    s.push_str(&format!(
                        "以下年份与已有的节假日安排不同，需加 --replace 才会替换：{:?}\n",
                        r.needs_replace
                    ));
                }
                for m in &r.deadlines_moved {
                    s.push_str(&format!(
                        "  办件 {} 期限 {} → {}\n",
                        m.case,
                        m.from.as_deref().unwrap_or("—"),
                        m.to.as_deref().unwrap_or("—")
                    ));
                }
                for u in &r.still_used {
                    s.push_str(&format!("  仍在使用：{u}\n"));
                }
                if r.notified > 0 {
                    s.push_str(&format!("已通知 {} 人期限变化\n", r.notified));
                }
                s
            })?;
            if !r.needs_replace.is_empty() && !r.applied && !r.dry_run {
                return Err(CliError::Checked);
            }
            Ok(())
        }
    }
}

/// One kind: its own view where it has one (calendar, catalogue, 行政区划), else its row of
/// `reference show`.
fn show_kind(p: &Profile, kind: ReferenceKind, out: &Output) -> Result<(), CliError> {
    match kind {
        ReferenceKind::Districts => {
            let v = reference::districts(p).map_err(client_err)?;
            out.print(&v, || districts_text(&v))
        }
        ReferenceKind::Calendar => {
            let v = reference::calendar(p).map_err(client_err)?;
            out.print(&v, || {
                format!(
                    "{} 版本 {}：{}\n",
                    kind.label(),
                    v.version,
                    v.years
                        .iter()
                        .map(|y| format!("{y} 年"))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            })
        }
        ReferenceKind::Catalogue => {
            let v = reference::catalogue(p).map_err(client_err)?;
            out.print(&v, || {
                format!(
                    "{} 版本 {}：{}，{} 个事项\n",
                    kind.label(),
                    v.version,
                    v.catalogue_version,
                    v.items
                )
            })
        }
        ReferenceKind::Market | ReferenceKind::Zones => {
            let v = reference::show(p).map_err(client_err)?;
            let row = v.kinds.into_iter().find(|k| k.kind == kind);
            out.print(&row, || {
                row.as_ref().map_or_else(String::new, |k| {
                    let mut s = version_line(k.label, k.version, k.changed_at, &k.changed_by);
                    for c in &k.changes {
                        s.push_str(&format!("  {c}\n"));
                    }
                    s
                })
            })
        }
    }
}

fn version_line(
    label: &str,
    version: u64,
    changed_at: Option<chrono::DateTime<chrono::Utc>>,
    changed_by: &Option<String>,
) -> String {
    match (changed_at, changed_by) {
        (Some(at), Some(by)) => format!(
            "{label} 版本 {version}（{by} 于 {} 更新）\n",
            format_minute(to_local(at))
        ),
        _ => format!("{label} 版本 {version}（随程序提供）\n"),
    }
}

fn districts_text(v: &DistrictsView) -> String {
    let mut s = version_line(
        ReferenceKind::Districts.label(),
        v.version,
        v.changed_at,
        &v.changed_by,
    );
    s.push_str(&format!("目录版本 {}\n", v.districts_version));
    for g in &v.groups {
        s.push_str(&format!("{}（{}）\n", g.name, g.code));
        for d in &g.districts {
            s.push_str(&format!("  {}  {}\n", d.code, d.name));
        }
    }
    s
}

fn show_text(v: &ReferenceView) -> String {
    let mut s = String::from("参考数据（本配置目录决定所用的版本）：\n");
    for k in &v.kinds {
        let version = v.versions.get(&k.kind).copied().unwrap_or(k.version);
        s.push_str("  ");
        s.push_str(&version_line(k.label, version, k.changed_at, &k.changed_by));
    }
    s.push_str(&format!(
        "工作日历覆盖：{}\n事项目录：{}，{} 个事项\n行政区划：{}，{} 个区、县（市）\n",
        v.calendar_years
            .iter()
            .map(|y| format!("{y} 年"))
            .collect::<Vec<_>>()
            .join("、"),
        v.catalogue_version,
        v.catalogue_items,
        v.districts_version,
        v.districts
    ));
    if let Some(w) = &v.warning {
        s.push_str(&format!("提醒：{w}\n"));
    }
    s
}

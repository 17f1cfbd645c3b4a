//! `permitdesk stats table1|table2|table3|table4|monthly|quarterly`: 审批统计 from the server the
//! profile logged in to (`--profile`), through the client crate's HTTPS transport. The server
//! computes over every stored case and holds a department's users to their own department.
//!
//! `--format json` (default) prints the figures (the domain's JSON with `--json`, a summary
//! otherwise) or writes them to `--out`; `csv` prints or writes; `xlsx` and `pdf` need `--out`.

use crate::output::{CliError, Output};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use permitdesk_client::credentials::OsKeyring;
use permitdesk_client::{ClientError, Profile};
use permitdesk_protocol::statistics::{StatisticsFormat, StatisticsQuery, StatisticsReport};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Report {
    /// 表一 行政审批、备案类.
    Table1,
    /// 表二 特别程序.
    Table2,
    /// 表三 市政公用服务类.
    Table3,
    /// 表四 技术评审或中介服务类.
    Table4,
    /// 月度阶段统计 (seed 12).
    Monthly,
    /// 季度报告 (seed 13): the quarter that contains --from.
    Quarterly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    pub report: Report,
    /// First day (YYYY-MM-DD, included).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD, included).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// 部门代码 (the reform office only; a department always gets its own).
    #[arg(long)]
    pub department: Option<String>,
    /// 项目分类代码, e.g. SH-FDC.
    #[arg(long)]
    pub category: Option<String>,
    /// A project (its id in the system).
    #[arg(long)]
    pub project: Option<String>,
    /// 分页 (tables as JSON): the first row, counted from 0.
    #[arg(long)]
    pub offset: Option<u32>,
    /// 分页 (tables as JSON): at most this many rows (1 to 10000; default every row).
    #[arg(long)]
    pub limit: Option<u32>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write the answer to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn open(profile: Option<&Path>) -> Result<Profile, CliError> {
    let dir = profile
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PERMITDESK_PROFILE").map(Into::into))
        .ok_or_else(|| {
            CliError::Usage(
                "统计需要已登录的配置目录：--profile DIR（或设置 PERMITDESK_PROFILE）".to_owned(),
            )
        })?;
    Profile::open(
        &dir,
        Arc::new(OsKeyring::default()),
        Arc::new(permitdesk_client::clock::SystemClock),
    )
    .map_err(client_err)
}

fn client_err(e: ClientError) -> CliError {
    match e {
        ClientError::Io { .. } => CliError::Io(e.to_string()),
        _ => CliError::Invalid(e.to_string()),
    }
}

/// A few lines a person reads in a terminal.
fn summary(report: Report, v: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match report {
        Report::Monthly => {
            let mut lines = vec![format!(
                "月度统计 {} 至 {}：{} 个项目有办件",
                s(&v["period"]["from"]),
                s(&v["period"]["to"]),
                v["projects"].as_array().map_or(0, Vec::len)
            )];
            lines.extend(
                v["suggestions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| format!("优化建议：{}", x["kind"].as_str().unwrap_or_default())),
            );
            lines.join("\n")
        }
        Report::Quarterly => {
            let c = &v["current"];
            format!(
                "{}年第{}季度：受理 {} 件，办结 {} 件，超期 {} 件（上季度受理 {} 件）",
                c["quarter"]["year"],
                c["quarter"]["quarter"],
                c["total"]["accepted"],
                c["total"]["completed"],
                c["total"]["overdue"],
                v["previous"]["total"]["accepted"]
            )
        }
        _ => {
            let shown = v["rows"].as_array().map_or(0, Vec::len);
            let total = v["total"].as_u64().unwrap_or(shown as u64);
            if shown as u64 == total {
                format!("{}\n共 {total} 条", s(&v["scope"]))
            } else if shown == 0 {
                format!("{}\n共 {total} 条，起始行之后没有了", s(&v["scope"]))
            } else {
                let first = v["first"].as_u64().unwrap_or(0);
                format!(
                    "{}\n共 {total} 条，本页第 {} 至 {} 条",
                    s(&v["scope"]),
                    first + 1,
                    first + shown as u64
                )
            }
        }
    }
}

pub fn run(a: StatsArgs, profile: Option<&Path>, out: &Output) -> Result<(), CliError> {
    let report = match a.report {
        Report::Table1 => StatisticsReport::Table1,
        Report::Table2 => StatisticsReport::Table2,
        Report::Table3 => StatisticsReport::Table3,
        Report::Table4 => StatisticsReport::Table4,
        Report::Monthly => StatisticsReport::Monthly,
        Report::Quarterly => StatisticsReport::Quarterly,
    };
    let format = match a.format {
        Format::Json => StatisticsFormat::Json,
        Format::Csv => StatisticsFormat::Csv,
        Format::Xlsx => StatisticsFormat::Xlsx,
        Format::Pdf => StatisticsFormat::Pdf,
    };
    if matches!(format, StatisticsFormat::Xlsx | StatisticsFormat::Pdf) && a.out.is_none() {
        return Err(CliError::Usage(format!(
            "{} 格式需要用 --out FILE 指定输出文件",
            format.as_str()
        )));
    }
    let query = StatisticsQuery {
        report,
        from: a.from,
        to: a.to,
        department: a.department,
        project: a.project,
        category: a.category,
        format,
        offset: a.offset,
        limit: a.limit,
    };
    let p = open(profile)?;
    let bytes = p.statistics(&query).map_err(client_err)?;
    if let Some(path) = &a.out {
        std::fs::write(path, &bytes).map_err(|e| CliError::io(path, e))?;
        return out.print(
            &serde_json::json!({ "report": report.as_str(), "format": format.as_str(), "bytes": bytes.len(), "out": path }),
            || format!("已保存 {} 字节到 {}", bytes.len(), path.display()),
        );
    }
    if format == StatisticsFormat::Csv {
        let text = String::from_utf8_lossy(&bytes);
        crate::output::say(text.trim_start_matches('\u{feff}').trim_end());
        return Ok(());
    }
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Invalid(format!("服务器返回的统计不是有效的 JSON：{e}")))?;
    out.print(&v, || summary(a.report, &v))
}

//! `permitdesk exchange`: write the national data-sharing tables (SPGL_*) of the demo data as
//! JSON and CSV files, and read such a directory back into the cases it describes; and the
//! administrator's `permitdesk server exchange export|batches`, the server's own data exported
//! incrementally (`permitdesk_server::exchange`).

use crate::output::{CliError, Output};
use crate::server_cmd::{Location, runtime};
use clap::Subcommand;
use permitdesk_domain::exchange::{Batch, CaseSummary, export_batch, import_batch};
use permitdesk_domain::statistics::sample;
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::exchange::{self, ExportError, ExportRequest, Origin};
use permitdesk_server::reference;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Export the SPGL tables (one JSON and one CSV file per table) into a directory.
    Export {
        /// Export the fixed demo data set of the statistics (the only source offline).
        #[arg(long)]
        from_demo: bool,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Read an exported directory back and print the cases it describes.
    Import { dir: PathBuf },
}

#[derive(Serialize)]
struct Exported {
    dir: String,
    files: Vec<String>,
    rows: usize,
    cases: usize,
}

#[derive(Serialize)]
struct Imported {
    count: usize,
    cases: Vec<CaseSummary>,
}

pub fn run(cmd: ExchangeCommand, out: &Output) -> Result<(), CliError> {
    match cmd {
        ExchangeCommand::Export {
            from_demo,
            out: dir,
        } => {
            if !from_demo {
                return Err(CliError::Usage(
                    "请用 --from-demo 导出演示数据（导出服务器数据请在服务器端进行：permitdesk server exchange export --data DIR --out DIR）".into(),
                ));
            }
            let data = sample::fixed().map_err(|e| CliError::Invalid(e.to_string()))?;
            let batch = export_batch(&data.catalogue, &data.projects, &data.cases, &[], None)
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            let files = batch
                .files()
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            std::fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
            for (name, text) in &files {
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|e| CliError::io(&path, e))?;
            }
            let result = Exported {
                dir: dir.display().to_string(),
                files: files.into_iter().map(|(name, _)| name).collect(),
                rows: batch.row_count(),
                cases: batch.tables.handling.len(),
            };
            out.print(&result, || {
                format!(
                    "已导出 {} 个文件（{} 行，{} 个办件）到 {}",
                    result.files.len(),
                    result.rows,
                    result.cases,
                    result.dir
                )
            })
        }
        ExchangeCommand::Import { dir } => {
            let batch = read_dir(&dir)?;
            let cases = import_batch(&batch).map_err(|e| CliError::Invalid(e.to_string()))?;
            let result = Imported {
                count: cases.len(),
                cases,
            };
            out.print(&result, || {
                let mut s = format!("共 {} 个办件\n", result.count);
                for c in &result.cases {
                    s.push_str(&format!(
                        "{} {} {} 状态 {}（{}） 最后办理 {}\n",
                        c.case,
                        c.project_code,
                        c.item,
                        c.code,
                        c.state,
                        format_minute(to_local(c.last_event_at))
                    ));
                }
                s
            })
        }
    }
}

fn read_dir(dir: &Path) -> Result<Batch, CliError> {
    if !dir.is_dir() {
        return Err(CliError::Usage(format!("{} 不是目录", dir.display())));
    }
    let mut io_error = None;
    let batch = Batch::from_files(|name| {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                io_error.get_or_insert_with(|| CliError::io(&path, e));
                None
            }
        }
    });
    if let Some(e) = io_error {
        return Err(e);
    }
    batch.map_err(|e| CliError::Invalid(e.to_string()))
}

/// `permitdesk server exchange …`: the server's own data as SPGL batches.
#[derive(Debug, Subcommand)]
pub enum AdminExchangeCommand {
    /// 导出增量：上一批之后服务器收到的事件所涉及的项目和办件，写成 OUT 下的新批次目录
    ///
    /// 批次目录名为 SPGL-批次号-日期，每张表一个 JSON 文件和一个 CSV 文件，另有 batch.json（时间范围）。首批含全部数据和审批流程表；此后每批只含新事件涉及的行，按服务器收到事件的顺序计，离线办理后补传的操作不会遗漏，也不会重复导出。没有新数据时不写任何文件。
    Export {
        #[command(flatten)]
        at: Location,
        /// 批次目录写在此目录下（不存在则新建）.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 已导出的批次（导出时间、方式、办件数、行数、目录）及每日定时导出是否已配置
    Batches {
        #[command(flatten)]
        at: Location,
    },
}

/// `permitdesk server exchange …`.
pub fn run_admin(cmd: AdminExchangeCommand, out: &Output) -> Result<(), CliError> {
    let rt = runtime()?;
    let invalid = |e: &dyn std::fmt::Display| CliError::Invalid(e.to_string());
    match cmd {
        AdminExchangeCommand::Export { at, out: dir } => {
            let report = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(|e| invalid(&e))?;
                let now = chrono::Utc::now();
                reference::adopt_legacy_catalogue(store.as_ref(), now)
                    .await
                    .map_err(|e| invalid(&e))?;
                let set = reference::load(store.as_ref())
                    .await
                    .map_err(|e| invalid(&e))?;
                exchange::export(
                    store.as_ref(),
                    ExportRequest {
                        out: dir,
                        reference: Arc::new(set),
                        now,
                        by: format!("cli-{}", std::process::id()),
                        origin: Origin::Admin,
                        claim: None,
                    },
                )
                .await
                .map_err(|e| match e {
                    ExportError::Io { .. } => CliError::Io(e.to_string()),
                    other => invalid(&other),
                })
            })?;
            out.print(&report, || report.text().trim_end().to_owned())
        }
        AdminExchangeCommand::Batches { at } => {
            let list = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(|e| invalid(&e))?;
                exchange::list(store.as_ref())
                    .await
                    .map_err(|e| invalid(&e))
            })?;
            out.print(&list, || list.text().trim_end().to_owned())
        }
    }
}

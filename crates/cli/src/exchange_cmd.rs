//! `permitdesk exchange`: write the national data-sharing tables (SPGL_*) of the demo data as
//! JSON and CSV files, and read such a directory back into the cases it describes.

use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_domain::exchange::{Batch, CaseSummary, export_batch, import_batch};
use permitdesk_domain::statistics::sample;
use permitdesk_domain::time::{format_minute, to_local};
use serde::Serialize;
use std::path::{Path, PathBuf};

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
                    "请用 --from-demo 导出演示数据（导出服务器数据请在服务器端进行）".into(),
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

//! `permitdesk documents`: write the papers (申请表, 一次性告知单, 受理通知书, ...) and the
//! statistics tables of the demo scenario, with the same renderers the apps use for real cases.

use crate::output::{CliError, Output};
use clap::Subcommand;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Write one of each document (PDF, xlsx, CSV) of the demo project into DIR.
    Demo {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Serialize)]
struct Written {
    file: String,
    bytes: usize,
}

pub fn run(cmd: DocumentsCommand, out: &Output) -> Result<(), CliError> {
    let DocumentsCommand::Demo { out: dir } = cmd;
    let documents = permitdesk_documents::demo::all_documents()
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    std::fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
    let mut written = Vec::new();
    for (name, bytes) in documents {
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).map_err(|e| CliError::io(&path, e))?;
        written.push(Written {
            file: path.display().to_string(),
            bytes: bytes.len(),
        });
    }
    out.print(&written, || {
        let mut s = format!("已生成 {} 份文书：\n", written.len());
        for w in &written {
            s.push_str(&format!("  {}（{} 字节）\n", w.file, w.bytes));
        }
        s
    })
}

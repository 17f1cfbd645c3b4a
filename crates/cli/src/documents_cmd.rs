//! `permitdesk documents`: write the papers (申请表, 一次性告知单, 受理通知书, ...) and the
//! statistics tables of the demo scenario, with the same renderers the apps use for real cases;
//! and the page images of any PDF, as the desktop preview shows them.

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
    /// Write the pages of a PDF as PNG images into DIR (预览页面: the images the desktop
    /// preview shows and prints), 1.5 pixels per point unless --scale says otherwise.
    Pages {
        /// The PDF file.
        #[arg(value_name = "PDF")]
        file: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 1.5)]
        scale: f32,
    },
}

#[derive(Serialize)]
struct Written {
    file: String,
    bytes: usize,
}

pub fn run(cmd: DocumentsCommand, out: &Output) -> Result<(), CliError> {
    let (documents, dir, unit) = match cmd {
        DocumentsCommand::Demo { out: dir } => (
            permitdesk_documents::demo::all_documents()
                .map_err(|e| CliError::Invalid(e.to_string()))?,
            dir,
            "份文书",
        ),
        DocumentsCommand::Pages { file, out, scale } => (pages(&file, scale)?, out, "张页面图像"),
    };
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
        let mut s = format!("已生成 {} {unit}：\n", written.len());
        for w in &written {
            s.push_str(&format!("  {}（{} 字节）\n", w.file, w.bytes));
        }
        s
    })
}

/// The pages of the PDF at `file` as (`{stem}-第N页.png`, bytes).
fn pages(file: &std::path::Path, scale: f32) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let meta = std::fs::metadata(file).map_err(|e| CliError::io(file, e))?;
    if meta.len() > permitdesk_documents::raster::MAX_PDF_BYTES as u64 {
        return Err(CliError::Invalid(format!(
            "文件过大（{} MB），预览上限 {} MB",
            meta.len() / (1024 * 1024),
            permitdesk_documents::raster::MAX_PDF_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| CliError::io(file, e))?;
    let images = permitdesk_documents::raster::pdf_page_images(bytes, scale)
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let stem = file
        .file_stem()
        .map_or_else(|| "文书".to_string(), |s| s.to_string_lossy().into_owned());
    Ok(images
        .into_iter()
        .enumerate()
        .map(|(i, page)| (format!("{stem}-第{}页.png", i + 1), page.png))
        .collect())
}

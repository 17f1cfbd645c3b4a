//! Page images of a PDF (预览页面): what the desktop preview shows and prints, rasterised here in
//! Rust with hayro (a maintained pure-Rust PDF rasteriser, MIT/Apache-2.0) instead of PDF.js in
//! the web page. PDF.js cost the web process about 90 MB once a preview had been opened (issue
//! 13, "Memory"; BENCHMARKS.md, "Desktop app memory (issue 13)"); a page rendered here takes
//! about 10 MB while it is drawn and nothing after.
//!
//! The input may be anyone's PDF (an applicant's uploaded material), so it is bounded: at most
//! [`MAX_PDF_BYTES`] bytes and [`MAX_PAGES`] pages, every page drawn within [`MAX_PAGE_PIXELS`]
//! (a huge page is drawn smaller rather than taking gigabytes), and a file the rasteriser cannot
//! read, or that makes it fail, is refused with a sentence instead of taking the app down.

use crate::error::RenderError;
use crate::fonts::{BOLD_COMMON_TTF, BOLD_TTF, REGULAR_COMMON_TTF, REGULAR_TTF};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_interpret::font::{FontData, FontQuery};
use hayro::hayro_interpret::hayro_cmap::CidFamily;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use std::sync::Arc;

/// The largest PDF previewed (64 MiB, above the largest material an applicant may upload).
pub const MAX_PDF_BYTES: usize = 64 * 1024 * 1024;
/// The most pages previewed; a longer file is refused (it is saved and opened elsewhere).
pub const MAX_PAGES: usize = 200;
/// The most pixels of one page image: an A4 page at the preview scale (1.5) has 1.1 million.
pub const MAX_PAGE_PIXELS: f32 = 4_000_000.0;

/// One page as a PNG image with its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    pub png: Vec<u8>,
}

/// Every page of `pdf` as a PNG, `scale` pixels per PDF point (1.5 shows A4 at 892 × 1262).
/// Takes the bytes by value: the rasteriser keeps them, and a copy of up to 64 MiB is saved.
pub fn pdf_page_images(pdf: Vec<u8>, scale: f32) -> Result<Vec<PageImage>, RenderError> {
    if pdf.len() > MAX_PDF_BYTES {
        return Err(RenderError::Preview(format!(
            "文件过大（{} MB，预览上限 {} MB），请另存后用其他软件打开",
            pdf.len() / (1024 * 1024),
            MAX_PDF_BYTES / (1024 * 1024)
        )));
    }
    // hayro forbids unsafe code but may still fail an assertion on a malformed file; the preview
    // must then refuse the file, not end the app.
    std::panic::catch_unwind(move || render_all(pdf, scale)).unwrap_or_else(|_| {
        Err(RenderError::Preview(
            "文件内容无法解析，可能已损坏，请另存后用其他软件打开".into(),
        ))
    })
}

fn render_all(bytes: Vec<u8>, scale: f32) -> Result<Vec<PageImage>, RenderError> {
    let pdf = Pdf::new(bytes).map_err(|_| {
        RenderError::Preview("不是可读取的 PDF 文件（或已加密），请另存后用其他软件打开".into())
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(RenderError::Preview("PDF 文件没有页面".into()));
    }
    if pages.len() > MAX_PAGES {
        return Err(RenderError::Preview(format!(
            "文件有 {} 页，预览上限 {MAX_PAGES} 页，请另存后用其他软件打开",
            pages.len()
        )));
    }
    let settings = interpreter_settings();
    let cache = RenderCache::new();
    let mut out = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let (w, h) = page.render_dimensions();
        let area = (w * h).max(1.0);
        let fit = (MAX_PAGE_PIXELS / area).sqrt();
        let s = scale.clamp(0.1, 4.0).min(fit);
        let render = RenderSettings {
            x_scale: s,
            y_scale: s,
            bg_color: WHITE,
            ..Default::default()
        };
        let pixmap = hayro::render(page, &cache, &settings, &render);
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        let png = pixmap
            .into_png()
            .map_err(|e| RenderError::Preview(format!("页面图像编码失败（{e}）")))?;
        out.push(PageImage { width, height, png });
    }
    Ok(out)
}

/// Fonts a PDF names but does not embed: the 14 standard fonts from hayro's own set, Chinese
/// (Adobe-GB1, Adobe-CNS1) from the Noto Sans SC faces the papers print with, so a scanned form
/// with an unembedded 宋体 still shows its characters.
fn interpreter_settings() -> InterpreterSettings {
    let chinese = |bold: bool, full: bool| -> (FontData, u32) {
        let bytes: &'static [u8] = match (bold, full) {
            (false, false) => REGULAR_COMMON_TTF,
            (true, false) => BOLD_COMMON_TTF,
            (false, true) => REGULAR_TTF,
            (true, true) => BOLD_TTF,
        };
        (Arc::new(bytes), 0)
    };
    InterpreterSettings {
        font_resolver: Arc::new(move |query| match query {
            FontQuery::Standard(s) => Some(s.get_font_data()),
            FontQuery::Fallback(f) => match f.character_collection.as_ref().map(|c| &c.family) {
                Some(CidFamily::AdobeGB1) => Some(chinese(f.is_bold, false)),
                Some(CidFamily::AdobeCNS1) => Some(chinese(f.is_bold, true)),
                _ => Some(f.pick_standard_font().get_font_data()),
            },
        }),
        ..Default::default()
    }
}

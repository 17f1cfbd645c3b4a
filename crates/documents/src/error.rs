//! Why a document could not be produced. Every variant names what to fix; the Display text is
//! Simplified Chinese because the window operator or the applicant reads it.

/// A document that cannot be rendered faithfully is refused rather than printed wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// The embedded fonts lack a character; printing it would show an empty box (豆腐块).
    #[error(
        "字库中没有字符“{ch}”（U+{codepoint:04X}），出现在“{field}”中：请核对该字，或改用通用规范汉字后重新生成"
    )]
    MissingGlyph {
        ch: char,
        codepoint: u32,
        field: String,
    },
    /// The bundled font files could not be parsed (a broken build, not a user error).
    #[error("内置字库无法读取（{0}）：请重新安装本程序")]
    Font(String),
    /// Some text would have been drawn outside the printable area of the page.
    #[error("第 {page} 页的内容“{text}”超出可打印区域：请缩短该内容")]
    OutsidePrintableArea { page: usize, text: String },
    /// The QR code payload is too long for a QR code.
    #[error("二维码内容过长（{len} 字节），无法生成二维码：请缩短核验地址")]
    QrTooLong { len: usize },
    /// A table row does not have as many cells as the table has columns.
    #[error("“{table}”第 {row} 行有 {got} 个单元格，应为 {expected} 个")]
    RowWidth {
        table: String,
        row: usize,
        got: usize,
        expected: usize,
    },
    /// The domain data behind a document does not hold what the paper needs (e.g. a receipt for
    /// a case not yet accepted).
    #[error("无法出具文书：{0}")]
    View(String),
    /// The spreadsheet library refused the data.
    #[error("电子表格生成失败：{0}")]
    Spreadsheet(String),
    /// A PDF could not be shown as page images (unreadable, encrypted, too large).
    #[error("无法预览：{0}")]
    Preview(String),
}

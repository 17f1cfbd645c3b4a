//! A page-flow typesetter on top of printpdf: paragraphs, hanging-indent lists, tables whose
//! rows split across pages with the header repeated, QR codes, running headers and footers.
//!
//! Coordinates are points from the top-left corner of the page; conversion to PDF's
//! bottom-left origin happens once, when the pages are emitted.

use crate::error::RenderError;
use crate::fonts::{Face, Fonts};
use crate::layout::{text_width, wrap};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix, WindingOrder,
};

const MM: f32 = 72.0 / 25.4;
/// Printers cannot reach the outer edge of the sheet; nothing may be drawn closer than this.
pub(crate) const PRINTABLE_INSET: f32 = 8.0 * MM;
/// Font ids double as the subset tag (six capital letters, ISO 32000-1 9.6.4); fixed rather
/// than printpdf's random ones so identical input gives identical bytes. R and B are the common
/// faces, F and G the full faces (embedded only when a rare character needs them).
const REGULAR_ID: &str = "PDNSCR";
const BOLD_ID: &str = "PDNSCB";
const REGULAR_FULL_ID: &str = "PDNSCF";
const BOLD_FULL_ID: &str = "PDNSCG";
/// Deflate level of the PDF streams. lopdf's own pass uses 9; on the glyph data of a font
/// subset 9 gains well under 1 % over 6 and takes about half as long again.
const DEFLATE_LEVEL: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
        stroke: Option<f32>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        dash: bool,
    },
}

#[derive(Debug, Default)]
struct Page {
    items: Vec<Item>,
}

/// A table cell in the body of a table.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub span: usize,
    pub bold: bool,
    pub align: Align,
    /// Grey level of the background (1.0 = white, none = no fill).
    pub fill: Option<f32>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            span: 1,
            bold: false,
            align: Align::Left,
            fill: None,
        }
    }
    /// A form label: bold on light grey, centred.
    pub fn label(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            span: 1,
            bold: false,
            align: Align::Center,
            fill: Some(0.93),
        }
    }
    pub fn span(mut self, n: usize) -> Self {
        self.span = n.max(1);
        self
    }
    pub fn center(mut self) -> Self {
        self.align = Align::Center;
        self
    }
}

/// A header cell; placed left to right into the first free grid position, like HTML tables.
#[derive(Debug, Clone)]
pub(crate) struct HeaderCell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

impl HeaderCell {
    pub fn new(text: impl Into<String>, colspan: usize, rowspan: usize) -> Self {
        HeaderCell {
            text: text.into(),
            colspan: colspan.max(1),
            rowspan: rowspan.max(1),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    /// Relative column widths; scaled to the content width.
    pub weights: Vec<f32>,
    pub header: Vec<Vec<HeaderCell>>,
    pub rows: Vec<Vec<Cell>>,
    pub size: f32,
}

struct PlacedHeader {
    text: String,
    col: usize,
    row: usize,
    colspan: usize,
    rowspan: usize,
}

/// Column widths, placed header cells, header row heights and font size of the table whose
/// header is repeated on each new page.
type RepeatedHeader = (Vec<f32>, Vec<PlacedHeader>, Vec<f32>, f32);

/// The document being typeset.
pub(crate) struct Doc {
    fonts: &'static Fonts,
    pages: Vec<Page>,
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub y: f32,
    running_header: String,
    /// A table whose header repeats on each new page while it is being drawn.
    repeat: Option<RepeatedHeader>,
}

pub(crate) const LINE_FACTOR: f32 = 1.45;
/// Cell padding: a third of the font size, so the 37 narrow columns of table 2 keep their text.
fn pad(size: f32) -> f32 {
    (size * 0.34).min(3.0)
}

impl Doc {
    pub fn new(fonts: &'static Fonts, orientation: Orientation, running_header: &str) -> Self {
        let (w, h) = match orientation {
            Orientation::Portrait => (210.0 * MM, 297.0 * MM),
            Orientation::Landscape => (297.0 * MM, 210.0 * MM),
        };
        let margin = if orientation == Orientation::Portrait {
            20.0 * MM
        } else {
            11.0 * MM
        };
        let top = 18.0 * MM;
        Doc {
            fonts,
            pages: vec![Page::default()],
            width: w,
            height: h,
            left: margin,
            right: w - margin,
            top,
            bottom: h - 16.0 * MM,
            y: top,
            running_header: running_header.to_string(),
            repeat: None,
        }
    }

    pub fn content_width(&self) -> f32 {
        self.right - self.left
    }

    pub fn check(&self, field: &str, text: &str) -> Result<(), RenderError> {
        self.fonts.check(field, text)
    }

    pub fn width_of(&self, text: &str, size: f32, bold: bool) -> f32 {
        text_width(self.fonts, text, size, bold)
    }

    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        wrap(self.fonts, text, size, bold, width)
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.top;
        if let Some((widths, placed, heights, size)) = self.repeat.take() {
            self.draw_header(&widths, &placed, &heights, size);
            self.repeat = Some((widths, placed, heights, size));
        }
    }

    /// Start a new page unless `h` points fit below the cursor.
    pub fn keep(&mut self, h: f32) {
        if self.y + h > self.bottom {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// Draw one line of text with its top at `top` (the baseline is derived from the size).
    pub fn text(&mut self, x: f32, top: f32, text: &str, size: f32, bold: bool) {
        if text.is_empty() {
            return;
        }
        let baseline = top + size * 0.88;
        self.page().items.push(Item::Text {
            x,
            y: baseline,
            size,
            bold,
            text: text.to_string(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text_aligned(
        &mut self,
        x: f32,
        w: f32,
        top: f32,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let tw = self.width_of(text, size, bold);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(x, top, text, size, bold);
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<f32>, stroke: Option<f32>) {
        self.page().items.push(Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        });
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.page().items.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            dash: false,
        });
    }

    /// A dashed square: where a seal goes (盖章处).
    pub fn dashed_box(&mut self, x: f32, y: f32, side: f32) {
        let corners = [
            (x, y, x + side, y),
            (x + side, y, x + side, y + side),
            (x, y + side, x + side, y + side),
            (x, y, x, y + side),
        ];
        for (x1, y1, x2, y2) in corners {
            self.page().items.push(Item::Line {
                x1,
                y1,
                x2,
                y2,
                width: 0.5,
                dash: true,
            });
        }
    }

    /// A wrapped paragraph at the cursor, split across pages line by line.
    pub fn paragraph(
        &mut self,
        field: &str,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) -> Result<(), RenderError> {
        self.indented(field, "", text, size, bold, align, 0.0)
    }

    /// A paragraph with a hanging label (`1.`, `（二）`): continuation lines align with the text
    /// after the label, not with the label.
    pub fn hanging(
        &mut self,
        field: &str,
        label: &str,
        text: &str,
        size: f32,
        indent: f32,
    ) -> Result<(), RenderError> {
        self.indented(field, label, text, size, false, Align::Left, indent)
    }

    #[allow(clippy::too_many_arguments)]
    fn indented(
        &mut self,
        field: &str,
        label: &str,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
        indent: f32,
    ) -> Result<(), RenderError> {
        self.check(field, label)?;
        self.check(field, text)?;
        let label_w = if label.is_empty() {
            0.0
        } else {
            self.width_of(label, size, bold) + size * 0.25
        };
        let x = self.left + indent;
        let w = self.right - x - label_w;
        let lh = size * LINE_FACTOR;
        for (i, line) in self.wrap(text, size, bold, w).into_iter().enumerate() {
            self.keep(lh);
            if i == 0 && !label.is_empty() {
                let y = self.y;
                self.text(x, y, label, size, bold);
            }
            let y = self.y;
            self.text_aligned(x + label_w, w, y, &line, size, bold, align);
            self.y += lh;
        }
        Ok(())
    }

    /// A table at the cursor. Rows that do not fit are split line by line across pages, and
    /// the header rows are repeated at the top of every page the table continues on.
    pub fn table(&mut self, t: &Table) -> Result<(), RenderError> {
        let total: f32 = t.weights.iter().sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = t
            .weights
            .iter()
            .map(|w| w / total * self.content_width())
            .collect();
        let ncols = widths.len();
        let lh = t.size * LINE_FACTOR;

        // Header: place the cells in a grid and size each header row.
        let mut placed = Vec::new();
        let mut taken = vec![vec![false; ncols]; t.header.len()];
        for (r, row) in t.header.iter().enumerate() {
            let mut c = 0;
            for cell in row {
                while c < ncols && taken[r][c] {
                    c += 1;
                }
                if c >= ncols {
                    return Err(RenderError::RowWidth {
                        table: t.name.clone(),
                        row: r + 1,
                        got: c + 1,
                        expected: ncols,
                    });
                }
                self.check(&t.name, &cell.text)?;
                for row_taken in taken.iter_mut().skip(r).take(cell.rowspan) {
                    for slot in row_taken.iter_mut().skip(c).take(cell.colspan) {
                        *slot = true;
                    }
                }
                placed.push(PlacedHeader {
                    text: cell.text.clone(),
                    col: c,
                    row: r,
                    colspan: cell.colspan,
                    rowspan: cell.rowspan,
                });
                c += cell.colspan;
            }
        }
        let mut heights = vec![lh + 2.0 * pad(t.size); t.header.len()];
        for p in placed.iter().filter(|p| p.rowspan == 1) {
            let w: f32 = widths[p.col..(p.col + p.colspan).min(ncols)].iter().sum();
            let n = self
                .wrap(&p.text, t.size, true, w - 2.0 * pad(t.size))
                .len() as f32;
            heights[p.row] = heights[p.row].max(n * lh + 2.0 * pad(t.size));
        }
        for p in placed.iter().filter(|p| p.rowspan > 1) {
            let w: f32 = widths[p.col..(p.col + p.colspan).min(ncols)].iter().sum();
            let n = self
                .wrap(&p.text, t.size, true, w - 2.0 * pad(t.size))
                .len() as f32;
            let last = (p.row + p.rowspan).min(heights.len()) - 1;
            let have: f32 = heights[p.row..=last].iter().sum();
            let need = n * lh + 2.0 * pad(t.size);
            if need > have {
                heights[last] += need - have;
            }
        }
        let header_h: f32 = heights.iter().sum();
        // Keep the header with at least one body line.
        self.keep(header_h + lh + 2.0 * pad(t.size));
        if !placed.is_empty() {
            self.draw_header(&widths, &placed, &heights, t.size);
            self.repeat = Some((widths.clone(), placed, heights, t.size));
        }

        for (ri, row) in t.rows.iter().enumerate() {
            let spans: usize = row.iter().map(|c| c.span).sum();
            if spans != ncols {
                self.repeat = None;
                return Err(RenderError::RowWidth {
                    table: t.name.clone(),
                    row: ri + 1,
                    got: spans,
                    expected: ncols,
                });
            }
            let mut cells = Vec::new();
            let mut x = self.left;
            let mut col = 0;
            for cell in row {
                self.check(&t.name, &cell.text)?;
                let w: f32 = widths[col..col + cell.span].iter().sum();
                let lines = self.wrap(&cell.text, t.size, cell.bold, w - 2.0 * pad(t.size));
                cells.push((x, w, lines, cell));
                x += w;
                col += cell.span;
            }
            let max_lines = cells.iter().map(|c| c.2.len()).max().unwrap_or(1);
            let mut done = 0;
            while done < max_lines {
                let room = ((self.bottom - self.y - 2.0 * pad(t.size)) / lh)
                    .floor()
                    .max(0.0) as usize;
                if room == 0 {
                    self.new_page();
                    continue;
                }
                let whole = done == 0 && room >= max_lines;
                if done == 0 && !whole && room < 2 && max_lines > 1 {
                    // Do not leave a single orphan line of a row at the foot of a page.
                    self.new_page();
                    continue;
                }
                let take = room.min(max_lines - done);
                let h = take as f32 * lh + 2.0 * pad(t.size);
                let top = self.y;
                for (cx, w, lines, cell) in &cells {
                    if let Some(f) = cell.fill {
                        self.rect(*cx, top, *w, h, Some(f), None);
                    }
                    self.rect(*cx, top, *w, h, None, Some(0.6));
                    let slice: Vec<&String> = lines.iter().skip(done).take(take).collect();
                    // Whole rows centre short cells vertically, as printed forms do.
                    let offset = if whole {
                        (max_lines - lines.len()) as f32 * lh / 2.0
                    } else {
                        0.0
                    };
                    for (i, line) in slice.iter().enumerate() {
                        let ty = top + pad(t.size) + offset + i as f32 * lh + (lh - t.size) / 2.0;
                        self.text_aligned(
                            cx + pad(t.size),
                            w - 2.0 * pad(t.size),
                            ty,
                            line,
                            t.size,
                            cell.bold,
                            cell.align,
                        );
                    }
                }
                self.y += h;
                done += take;
                if done < max_lines {
                    self.new_page();
                }
            }
        }
        self.repeat = None;
        Ok(())
    }

    fn draw_header(&mut self, widths: &[f32], placed: &[PlacedHeader], heights: &[f32], size: f32) {
        let lh = size * LINE_FACTOR;
        let top = self.y;
        for p in placed {
            let x = self.left + widths[..p.col].iter().sum::<f32>();
            let w: f32 = widths[p.col..(p.col + p.colspan).min(widths.len())]
                .iter()
                .sum();
            let y = top + heights[..p.row].iter().sum::<f32>();
            let h: f32 = heights[p.row..(p.row + p.rowspan).min(heights.len())]
                .iter()
                .sum();
            self.rect(x, y, w, h, Some(0.9), None);
            self.rect(x, y, w, h, None, Some(0.6));
            let lines = self.wrap(&p.text, size, true, w - 2.0 * pad(size));
            let block = lines.len() as f32 * lh;
            for (i, line) in lines.iter().enumerate() {
                let ty = y + (h - block) / 2.0 + i as f32 * lh + (lh - size) / 2.0;
                self.text_aligned(
                    x + pad(size),
                    w - 2.0 * pad(size),
                    ty,
                    line,
                    size,
                    true,
                    Align::Center,
                );
            }
        }
        self.y = top + heights.iter().sum::<f32>();
    }

    /// A QR code with its top-left corner at (x, y), `side` points wide, dark runs as rectangles.
    pub fn qr(&mut self, x: f32, y: f32, side: f32, payload: &str) -> Result<(), RenderError> {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
                .map_err(|_| RenderError::QrTooLong { len: payload.len() })?;
        let n = code.width();
        let colors = code.to_colors();
        // A 2-module quiet zone inside the box keeps scanners happy without wasting paper.
        let quiet = 2.0;
        let m = side / (n as f32 + 2.0 * quiet);
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    let rx = x + (quiet + start as f32) * m;
                    let ry = y + (quiet + row as f32) * m;
                    self.rect(rx, ry, (col - start) as f32 * m, m, Some(0.0), None);
                } else {
                    col += 1;
                }
            }
        }
        Ok(())
    }

    /// Running header, footer with "第 N 页 共 M 页", the printable-area check, and the PDF bytes.
    pub fn finish(
        mut self,
        title: &str,
        created: chrono::NaiveDateTime,
    ) -> Result<Vec<u8>, RenderError> {
        let total = self.pages.len();
        let header = self.running_header.clone();
        self.check("页眉", &header)?;
        let (left, right, width) = (self.left, self.right, self.right - self.left);
        let head_y = self.top - 9.0 * MM;
        let foot_y = self.bottom + 3.0 * MM;
        for i in 0..total {
            let footer = format!("第 {} 页 共 {} 页", i + 1, total);
            let mut extra = Vec::new();
            if !header.is_empty() {
                let hw = self.width_of(&header, 7.5, false);
                extra.push(Item::Text {
                    x: right - hw,
                    y: head_y + 7.5 * 0.88,
                    size: 7.5,
                    bold: false,
                    text: header.clone(),
                });
                extra.push(Item::Line {
                    x1: left,
                    y1: head_y + 10.5,
                    x2: right,
                    y2: head_y + 10.5,
                    width: 0.4,
                    dash: false,
                });
            }
            let fw = self.width_of(&footer, 8.0, false);
            extra.push(Item::Text {
                x: left + (width - fw) / 2.0,
                y: foot_y + 8.0 * 0.88,
                size: 8.0,
                bold: false,
                text: footer,
            });
            self.pages[i].items.extend(extra);
        }
        self.verify_printable()?;
        emit(
            self.fonts,
            &self.pages,
            self.width,
            self.height,
            title,
            created,
        )
    }

    fn verify_printable(&self) -> Result<(), RenderError> {
        let (x0, y0) = (PRINTABLE_INSET, PRINTABLE_INSET);
        let (x1, y1) = (self.width - PRINTABLE_INSET, self.height - PRINTABLE_INSET);
        for (i, page) in self.pages.iter().enumerate() {
            for item in &page.items {
                let inside = match item {
                    Item::Text {
                        x,
                        y,
                        size,
                        bold,
                        text,
                    } => {
                        let w = self.width_of(text, *size, *bold);
                        *x >= x0 - 0.01
                            && x + w <= x1 + 0.01
                            && y - size >= y0
                            && *y + size * 0.25 <= y1
                    }
                    Item::Rect { x, y, w, h, .. } => {
                        *x >= x0 && *y >= y0 && x + w <= x1 + 0.01 && y + h <= y1 + 0.01
                    }
                    Item::Line {
                        x1: a,
                        y1: b,
                        x2: c,
                        y2: d,
                        ..
                    } => a.min(*c) >= x0 && a.max(*c) <= x1 && b.min(*d) >= y0 && b.max(*d) <= y1,
                };
                if !inside {
                    let text = match item {
                        Item::Text { text, .. } => text.clone(),
                        _ => "（图形）".to_string(),
                    };
                    return Err(RenderError::OutsidePrintableArea { page: i + 1, text });
                }
            }
        }
        Ok(())
    }
}

fn gray(g: f32) -> Color {
    Color::Rgb(Rgb::new(g, g, g, None))
}

fn emit(
    fonts: &'static Fonts,
    pages: &[Page],
    width: f32,
    height: f32,
    title: &str,
    created: chrono::NaiveDateTime,
) -> Result<Vec<u8>, RenderError> {
    let mut doc = PdfDocument::new(title);
    // [regular common, bold common, regular full, bold full]
    let ids = [REGULAR_ID, BOLD_ID, REGULAR_FULL_ID, BOLD_FULL_ID].map(|i| FontId(i.to_string()));
    let mut used = [false; 4];
    let date = pdf_date(created);
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    doc.metadata.info.creator = "PermitDesk".to_string();
    doc.metadata.info.producer = "PermitDesk (printpdf)".to_string();

    let mut out_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let mut ops = Vec::new();
        let pt = |v: f32| Pt(v);
        for item in &page.items {
            match item {
                Item::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let rect = |mode| Rect {
                        x: pt(*x),
                        y: pt(height - y - h),
                        width: pt(*w),
                        height: pt(*h),
                        mode: Some(mode),
                        winding_order: Some(WindingOrder::NonZero),
                    };
                    if let Some(g) = fill {
                        ops.push(Op::SetFillColor { col: gray(*g) });
                        ops.push(Op::DrawRectangle {
                            rectangle: rect(PaintMode::Fill),
                        });
                    }
                    if let Some(sw) = stroke {
                        ops.push(Op::SetOutlineColor { col: gray(0.0) });
                        ops.push(Op::SetOutlineThickness { pt: Pt(*sw) });
                        ops.push(Op::DrawRectangle {
                            rectangle: rect(PaintMode::Stroke),
                        });
                    }
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width: lw,
                    dash,
                } => {
                    ops.push(Op::SetOutlineColor { col: gray(0.0) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*lw) });
                    if *dash {
                        ops.push(Op::SetLineDashPattern {
                            dash: printpdf::LineDashPattern::new(0.0, &[2.0, 2.0]),
                        });
                    }
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: Point {
                                        x: pt(*x1),
                                        y: pt(height - y1),
                                    },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point {
                                        x: pt(*x2),
                                        y: pt(height - y2),
                                    },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                    if *dash {
                        ops.push(Op::SetLineDashPattern {
                            dash: printpdf::LineDashPattern::solid(),
                        });
                    }
                }
                Item::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => {
                    ops.push(Op::SetFillColor { col: gray(0.0) });
                    ops.push(Op::StartTextSection);
                    // One run per face: a rare character comes from the full face and the
                    // text position simply moves on by the glyph widths, as within one run.
                    for (i, (face, run)) in fonts.runs(text, *b).into_iter().enumerate() {
                        let slot = usize::from(*b) + 2 * usize::from(face == Face::Full);
                        used[slot] = true;
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(ids[slot].clone()),
                            size: Pt(*size),
                        });
                        if i == 0 {
                            ops.push(Op::SetTextMatrix {
                                matrix: TextMatrix::Translate(pt(*x), pt(height - y)),
                            });
                        }
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(run.to_string())],
                        });
                    }
                    ops.push(Op::EndTextSection);
                }
            }
        }
        out_pages.push(PdfPage::new(Mm(width / MM), Mm(height / MM), ops));
    }
    // Only the faces a page uses are handed to printpdf: each one costs a subsetting pass.
    // The full faces are parsed only when a page holds a character outside the common set.
    let full = if used[2] || used[3] {
        Some(crate::fonts::full_faces()?)
    } else {
        None
    };
    let faces = [
        Some(&fonts.regular_common),
        Some(&fonts.bold_common),
        full.map(|f| &f.regular),
        full.map(|f| &f.bold),
    ];
    for ((id, face), used) in ids.into_iter().zip(faces).zip(used) {
        if let (true, Some(face)) = (used, face) {
            doc.resources
                .fonts
                .map
                .insert(id, PdfFont::new(face.clone()));
        }
    }
    doc.with_pages(out_pages);
    let mut warnings = Vec::new();
    // printpdf's `optimize` is lopdf's deflate at level 9; deflate here at our own level.
    let options = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            deflate(stream)?;
        }
    }
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| RenderError::View(format!("PDF 写出失败：{e}")))?;
    Ok(fix_document_id(bytes))
}

/// Deflate one stream as lopdf's `Stream::compress` does, at [`DEFLATE_LEVEL`]: streams that
/// carry a filter already or refuse compression stay as they are, and so does a stream that
/// would not get shorter.
fn deflate(stream: &mut lopdf::Stream) -> Result<(), RenderError> {
    use std::io::Write;
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return Ok(());
    }
    let fail = |e: std::io::Error| RenderError::View(format!("PDF 压缩失败：{e}"));
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(stream.content.len() / 2),
        flate2::Compression::new(DEFLATE_LEVEL),
    );
    encoder.write_all(&stream.content).map_err(fail)?;
    let compressed = encoder.finish().map_err(fail)?;
    if compressed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
    Ok(())
}

/// printpdf writes every date with a +00\'00\' offset, so hand it the UTC instant of the Beijing
/// wall-clock time rather than the wall-clock time itself.
fn pdf_date(beijing: chrono::NaiveDateTime) -> printpdf::OffsetDateTime {
    use chrono::{Datelike, Timelike};
    let t = beijing - chrono::Duration::hours(8);
    printpdf::OffsetDateTime::new_in_offset(
        printpdf::Date {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        printpdf::Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

/// printpdf writes a random /ID into the trailer; replace it with a digest of the document so
/// that identical input gives identical bytes (the two ids stay 32 characters long, so no
/// offset moves).
fn fix_document_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(pos) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let digest = fnv_hex(&bytes[..pos]);
    let mut i = pos;
    let mut replaced = 0;
    while i < bytes.len() && replaced < 2 {
        if bytes[i] == b'(' {
            let start = i + 1;
            let Some(len) = bytes[start..].iter().position(|&b| b == b')') else {
                break;
            };
            let fill = if replaced == 0 {
                &digest[..]
            } else {
                &digest[16..]
            };
            for (k, b) in bytes[start..start + len].iter_mut().enumerate() {
                *b = fill.as_bytes()[k % fill.len()];
            }
            replaced += 1;
            i = start + len;
        }
        i += 1;
    }
    bytes
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn fnv_hex(data: &[u8]) -> String {
    let mut a: u64 = 0xcbf29ce484222325;
    let mut b: u64 = 0x84222325cbf29ce4;
    for &x in data {
        a = (a ^ u64::from(x)).wrapping_mul(0x100000001b3);
        b = (b ^ u64::from(x).rotate_left(3)).wrapping_mul(0x100000001b3);
    }
    format!("{a:016X}{b:016X}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fonts::fonts;

    fn created() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 9, 27)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn text_outside_the_printable_area_is_refused() {
        let cases = [
            (2.0 * MM, 100.0, "左边越界"),
            (100.0, 2.0 * MM, "上边越界"),
            (100.0, 295.0 * MM, "下边越界"),
        ];
        for (x, y, text) in cases {
            let mut doc = Doc::new(fonts().unwrap(), Orientation::Portrait, "");
            doc.text(x, y, text, 10.0, false);
            assert_eq!(
                doc.finish("t", created()).unwrap_err(),
                RenderError::OutsidePrintableArea {
                    page: 1,
                    text: text.into()
                }
            );
        }
        let mut doc = Doc::new(fonts().unwrap(), Orientation::Portrait, "");
        let long = "很长的一行".repeat(40);
        doc.text(doc.left, doc.top, &long, 10.0, false);
        assert!(matches!(
            doc.finish("t", created()),
            Err(RenderError::OutsidePrintableArea { .. })
        ));
    }

    #[test]
    fn a_tall_row_splits_across_pages_and_keeps_every_line() {
        let mut doc = Doc::new(fonts().unwrap(), Orientation::Portrait, "页眉");
        let text = (1..=150)
            .map(|i| format!("第{i}行"))
            .collect::<Vec<_>>()
            .join("\n");
        let t = Table {
            name: "测试".into(),
            weights: vec![1.0, 3.0],
            header: vec![vec![
                HeaderCell::new("名称", 1, 1),
                HeaderCell::new("内容", 1, 1),
            ]],
            rows: vec![vec![Cell::new("长行"), Cell::new(text)]],
            size: 10.0,
        };
        doc.table(&t).unwrap();
        assert!(doc.pages.len() >= 3);
        let texts: Vec<String> = doc
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| {
                if let Item::Text { text, .. } = i {
                    Some(text.clone())
                } else {
                    None
                }
            })
            .collect();
        for i in 1..=150 {
            assert_eq!(
                texts.iter().filter(|t| **t == format!("第{i}行")).count(),
                1,
                "line {i}"
            );
        }
        // The header is repeated on every page.
        assert_eq!(
            texts.iter().filter(|t| *t == "内容").count(),
            doc.pages.len()
        );
        // And nothing falls outside the printable area.
        doc.finish("t", created()).unwrap();
    }

    #[test]
    fn rows_with_the_wrong_number_of_cells_are_refused() {
        let mut doc = Doc::new(fonts().unwrap(), Orientation::Portrait, "");
        let t = Table {
            name: "表".into(),
            weights: vec![1.0, 1.0],
            header: vec![],
            rows: vec![vec![Cell::new("一")]],
            size: 9.0,
        };
        assert_eq!(
            doc.table(&t).unwrap_err(),
            RenderError::RowWidth {
                table: "表".into(),
                row: 1,
                got: 1,
                expected: 2
            }
        );
    }
}

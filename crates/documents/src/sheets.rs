//! Spreadsheet exports (seed 10: 统计表可导出、下载、打印): xlsx with real (merged, two-level)
//! header rows, column widths, a frozen header and dates as dates; CSV as UTF-8 with a BOM so
//! Excel and WPS open the Chinese text ungarbled.

use crate::error::RenderError;
use crate::statistics::HeaderColumn;
use crate::views::{CellValue, ListView, StatisticsTableView};
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

fn xe(e: XlsxError) -> RenderError {
    RenderError::Spreadsheet(e.to_string())
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    int: Format,
    date: Format,
    datetime: Format,
}

fn formats() -> Formats {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        header: cell
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(0xE7E6E6),
        text: cell.clone().set_text_wrap(),
        int: cell.clone().set_align(FormatAlign::Center),
        date: cell
            .clone()
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Center),
        datetime: cell
            .set_num_format("yyyy-mm-dd hh:mm")
            .set_align(FormatAlign::Center),
    }
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &CellValue,
    f: &Formats,
) -> Result<(), XlsxError> {
    match v {
        CellValue::Empty => ws.write_blank(row, col, &f.text).map(|_| ()),
        CellValue::Text(s) => ws
            .write_string_with_format(row, col, s, &f.text)
            .map(|_| ()),
        CellValue::Int(n) => ws
            .write_number_with_format(row, col, *n as f64, &f.int)
            .map(|_| ()),
        CellValue::Date(d) => ws.write_date_with_format(row, col, d, &f.date).map(|_| ()),
        CellValue::DateTime(t) => ws
            .write_datetime_with_format(row, col, t, &f.datetime)
            .map(|_| ()),
        CellValue::YesNo(b) => ws
            .write_string_with_format(row, col, if *b { "是" } else { "否" }, &f.int)
            .map(|_| ()),
    }
}

fn check_width(table: &str, rows: &[Vec<CellValue>], n: usize) -> Result<(), RenderError> {
    match rows.iter().position(|r| r.len() != n) {
        Some(i) => Err(RenderError::RowWidth {
            table: table.to_string(),
            row: i + 1,
            got: rows[i].len(),
            expected: n,
        }),
        None => Ok(()),
    }
}

/// One statistics table as an .xlsx workbook: title row, the seed's header (two rows with merged
/// group cells where the table has groups), then the data; header frozen, landscape A4.
pub fn statistics_xlsx(v: &StatisticsTableView) -> Result<Vec<u8>, RenderError> {
    let t = v.table;
    let ncols = t.column_count();
    check_width(t.title(), &v.rows, ncols)?;
    let f = formats();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(t.title())
            .set_author(&v.compiled_by)
            .set_creation_datetime(&v.generated_at),
    );
    let ws = wb.add_worksheet();
    (|| -> Result<(), XlsxError> {
        ws.set_name(format!(
            "表{}",
            ["一", "二", "三", "四"][usize::from(t.number() - 1)]
        ))?;
        ws.set_landscape();
        ws.set_paper_size(9);
        let last = (ncols - 1) as u16;
        ws.merge_range(0, 0, 0, last, t.title(), &f.title)?;
        ws.set_row_height(0, 28)?;
        ws.merge_range(
            1,
            0,
            1,
            last,
            &format!("{}　　制表单位：{}", v.scope, v.compiled_by),
            &Format::new(),
        )?;
        let two = t.has_groups();
        let (h0, h1) = (2u32, if two { 3u32 } else { 2u32 });
        let mut col: u16 = 0;
        for c in t.header() {
            match c {
                HeaderColumn::Single { name, width } => {
                    if two {
                        ws.merge_range(h0, col, h1, col, name, &f.header)?;
                    } else {
                        ws.write_string_with_format(h0, col, name, &f.header)?;
                    }
                    ws.set_column_width(col, f64::from(width) * 1.6 + 2.0)?;
                    col += 1;
                }
                HeaderColumn::Group { name, subs } => {
                    let n = subs.len() as u16;
                    ws.merge_range(h0, col, h0, col + n - 1, name, &f.header)?;
                    for (k, (s, w)) in subs.iter().enumerate() {
                        ws.write_string_with_format(h1, col + k as u16, *s, &f.header)?;
                        ws.set_column_width(col + k as u16, f64::from(*w) * 1.6 + 2.0)?;
                    }
                    col += n;
                }
            }
        }
        ws.set_row_height(h1, 42)?;
        ws.set_freeze_panes(h1 + 1, 0)?;
        ws.set_repeat_rows(h0, h1)?;
        for (r, row) in v.rows.iter().enumerate() {
            for (c, val) in row.iter().enumerate() {
                write_value(ws, h1 + 1 + r as u32, c as u16, val, &f)?;
            }
        }
        Ok(())
    })()
    .map_err(xe)?;
    wb.save_to_buffer().map_err(xe)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(header: &[String], rows: &[Vec<CellValue>]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    out.push_str(&line(header.to_vec()));
    for r in rows {
        out.push_str(&line(r.iter().map(CellValue::display).collect()));
    }
    out.into_bytes()
}

/// One statistics table as UTF-8 CSV with BOM; group columns are named `组-子列`
/// (e.g. `办理结果-有无结果`) since CSV has one header row.
pub fn statistics_csv(v: &StatisticsTableView) -> Vec<u8> {
    let header: Vec<String> = v.table.leaf_columns().into_iter().map(|c| c.0).collect();
    csv(&header, &v.rows)
}

/// Any list as .xlsx: a title row, one bold header row (frozen), widths from the columns.
pub fn list_xlsx(v: &ListView) -> Result<Vec<u8>, RenderError> {
    check_width(&v.title, &v.rows, v.columns.len())?;
    let f = formats();
    let mut wb = Workbook::new();
    // A fixed creation date keeps identical lists byte-identical.
    wb.set_properties(
        &DocProperties::new()
            .set_title(&v.title)
            .set_creation_datetime(&chrono::NaiveDateTime::default()),
    );
    let ws = wb.add_worksheet();
    (|| -> Result<(), XlsxError> {
        let last = v.columns.len().saturating_sub(1) as u16;
        ws.merge_range(0, 0, 0, last.max(1), &v.title, &f.title)?;
        for (c, col) in v.columns.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, &col.header, &f.header)?;
            ws.set_column_width(c as u16, f64::from(col.width))?;
        }
        ws.set_freeze_panes(2, 0)?;
        for (r, row) in v.rows.iter().enumerate() {
            for (c, val) in row.iter().enumerate() {
                write_value(ws, 2 + r as u32, c as u16, val, &f)?;
            }
        }
        Ok(())
    })()
    .map_err(xe)?;
    wb.save_to_buffer().map_err(xe)
}

/// Any list as UTF-8 CSV with BOM.
pub fn list_csv(v: &ListView) -> Vec<u8> {
    let header: Vec<String> = v.columns.iter().map(|c| c.header.clone()).collect();
    csv(&header, &v.rows)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_quotes_and_crlf() {
        let v = ListView {
            title: "办件".into(),
            columns: vec![
                crate::views::ListColumn {
                    header: "名称".into(),
                    width: 20.0,
                },
                crate::views::ListColumn {
                    header: "备注".into(),
                    width: 20.0,
                },
            ],
            rows: vec![vec![
                CellValue::Text("甲,乙".into()),
                CellValue::Text("说\"明\"".into()),
            ]],
        };
        let s = String::from_utf8(list_csv(&v)).unwrap();
        assert_eq!(s, "\u{FEFF}名称,备注\r\n\"甲,乙\",\"说\"\"明\"\"\"\r\n");
    }
}

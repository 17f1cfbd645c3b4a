//! 季度全流程在线审批情况 (seed 13) as a printable report for the city government, and the
//! list PDF the monthly report prints with.
//!
//! [`quarterly_view`] turns the domain's [`QuarterlySummary`] into plain text rows (the only
//! place its figures become words); [`render_quarterly_pdf`] lays them out on A4 portrait;
//! [`quarterly_list`] gives the same figures as a list for `list_xlsx` / `list_csv`.
//! [`render_list_pdf`] prints any [`ListView`] (the monthly stage report) on A4 landscape.

use crate::canvas::{Align, Cell, Doc, HeaderCell, Orientation, Table};
use crate::error::RenderError;
use crate::fonts::fonts;
use crate::views::{CellValue, ListColumn, ListView, LocalTime};
use permitdesk_domain::statistics::{CaseCounts, QuarterFigures, QuarterlySummary};

const SYSTEM: &str = "哈尔滨市工程建设项目审批管理系统";
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;

/// A table of the report: its heading, columns (name, relative width) and text rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub heading: String,
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
    /// Printed instead of an empty table.
    pub empty: String,
}

/// 季度报告 as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterlyView {
    /// "2024年第四季度工程建设项目全流程在线审批情况".
    pub title: String,
    /// "统计期间：2024-10-01 至 2024-12-31　对比期间：…　统计时点：…".
    pub scope: String,
    pub compiled_by: String,
    pub generated_at: LocalTime,
    /// 一、总体情况: one sentence per comparison with the previous quarter.
    pub overview: Vec<String>,
    /// 二 to 六.
    pub tables: Vec<ReportTable>,
    /// 七、优化建议.
    pub suggestions: Vec<String>,
    pub notes: Vec<String>,
}

fn n(v: usize) -> String {
    v.to_string()
}

fn counts(c: &CaseCounts) -> [String; 4] {
    [
        n(c.accepted),
        n(c.completed),
        n(c.ended_otherwise),
        n(c.overdue),
    ]
}

fn cols(list: &[(&str, f32)]) -> Vec<(String, f32)> {
    list.iter().map(|&(c, w)| (c.to_owned(), w)).collect()
}

fn category_table(q: &QuarterFigures) -> ReportTable {
    let mut rows: Vec<Vec<String>> = q
        .categories
        .iter()
        .map(|c| {
            let mut row = vec![c.category_name.clone()];
            row.extend(counts(&c.total));
            for (_, s) in &c.stages {
                row.push(format!("{}/{}", s.accepted, s.completed));
            }
            row
        })
        .collect();
    let mut total = vec!["合计".to_owned()];
    total.extend(counts(&q.total));
    total.resize(8, String::new());
    rows.push(total);
    ReportTable {
        heading: "二、分类分阶段办理情况（件；阶段栏为受理/办结）".to_owned(),
        columns: cols(&[
            ("项目分类", 16.0),
            ("受理", 6.0),
            ("办结", 6.0),
            ("退件撤回", 6.0),
            ("超期", 6.0),
            ("第一、二阶段", 9.0),
            ("第三阶段", 9.0),
            ("第四阶段", 9.0),
        ]),
        rows,
        empty: String::new(),
    }
}

fn whole_process_table(s: &QuarterlySummary) -> ReportTable {
    let row = |q: &QuarterFigures| -> Vec<String> {
        let label = q.quarter.label();
        match &q.whole_process {
            None => vec![
                label,
                "0".to_owned(),
                "—".to_owned(),
                "—".to_owned(),
                "—".to_owned(),
                "—".to_owned(),
            ],
            Some(w) => vec![
                label,
                n(w.projects),
                w.average_timed.to_string(),
                format!(
                    "{}.{:02}天",
                    w.average_natural_hundredths / 100,
                    w.average_natural_hundredths % 100
                ),
                format!("{}（{}）", w.shortest.value, w.shortest.project_name),
                format!("{}（{}）", w.longest.value, w.longest.project_name),
            ],
        }
    };
    ReportTable {
        heading: "三、项目全流程用时（本季度完成全部办件的项目，并联办件只计一次）".to_owned(),
        columns: cols(&[
            ("季度", 10.0),
            ("项目数", 5.0),
            ("平均用时", 10.0),
            ("平均自然日", 8.0),
            ("最短用时", 16.0),
            ("最长用时", 16.0),
        ]),
        rows: vec![row(&s.current), row(&s.previous)],
        empty: String::new(),
    }
}

/// The summary as printed text.
pub fn quarterly_view(
    s: &QuarterlySummary,
    compiled_by: &str,
    generated_at: LocalTime,
) -> QuarterlyView {
    let q = &s.current;
    let overdue = ReportTable {
        heading: "四、超期办件（按部门）".to_owned(),
        columns: cols(&[("部门", 24.0), ("办理办件", 8.0), ("超期办件", 8.0)]),
        rows: q
            .overdue_by_department
            .iter()
            .map(|d| vec![d.name.clone(), n(d.cases), n(d.overdue)])
            .collect(),
        empty: "本季度无超期办件。".to_owned(),
    };
    let procedures = ReportTable {
        heading: format!(
            "五、特别程序（涉及特别程序的办件{}件）",
            q.cases_with_procedures
        ),
        columns: cols(&[("特别程序", 16.0), ("次数", 8.0), ("历时（小时）", 10.0)]),
        rows: q
            .procedures
            .iter()
            .map(|p| {
                vec![
                    p.kind.label().to_owned(),
                    n(p.count),
                    format!("{}.{}", p.minutes / 60, (p.minutes % 60) * 10 / 60),
                ]
            })
            .collect(),
        empty: "本季度办件未涉及特别程序。".to_owned(),
    };
    let stops = ReportTable {
        heading: format!(
            "六、暂停整改和补正较多的事项（暂停{}次、补正{}次）",
            q.pauses, q.corrections
        ),
        columns: cols(&[
            ("事项", 18.0),
            ("部门", 16.0),
            ("办件", 5.0),
            ("被暂停或补正的办件", 8.0),
            ("暂停", 5.0),
            ("补正", 5.0),
        ]),
        rows: q
            .top_stop_items
            .iter()
            .map(|r| {
                vec![
                    r.item_name.clone(),
                    r.department_name.clone(),
                    n(r.cases),
                    n(r.stopped_cases),
                    n(r.pauses),
                    n(r.corrections),
                ]
            })
            .collect(),
        empty: "本季度无暂停整改或补正。".to_owned(),
    };
    QuarterlyView {
        title: s.title(),
        scope: format!(
            "统计期间：{}　对比期间：{}（{}）　统计时点：{}",
            q.period.label(),
            s.previous.period.label(),
            s.previous.quarter.label(),
            s.as_of.format("%Y-%m-%d %H:%M")
        ),
        compiled_by: compiled_by.to_owned(),
        generated_at,
        overview: s.changes.iter().map(|c| format!("{c}。")).collect(),
        tables: vec![
            category_table(q),
            whole_process_table(s),
            overdue,
            procedures,
            stops,
        ],
        suggestions: s.suggestions.iter().map(ToString::to_string).collect(),
        notes: s.notes.clone(),
    }
}

/// The same figures as one list (section, then the table's cells), for xlsx and CSV.
pub fn quarterly_list(v: &QuarterlyView) -> ListView {
    let width = v.tables.iter().map(|t| t.columns.len()).max().unwrap_or(1) + 1;
    let line = |cells: Vec<String>| -> Vec<CellValue> {
        let mut row: Vec<CellValue> = cells.into_iter().map(CellValue::Text).collect();
        row.resize(width, CellValue::Empty);
        row
    };
    let mut rows = Vec::new();
    for o in &v.overview {
        rows.push(line(vec!["一、总体情况".to_owned(), o.clone()]));
    }
    for t in &v.tables {
        let mut header = vec![t.heading.clone()];
        header.extend(t.columns.iter().map(|c| c.0.clone()));
        rows.push(line(header));
        for r in &t.rows {
            let mut cells = vec![String::new()];
            cells.extend(r.iter().cloned());
            rows.push(line(cells));
        }
    }
    for s in &v.suggestions {
        rows.push(line(vec!["七、优化建议".to_owned(), s.clone()]));
    }
    for s in &v.notes {
        rows.push(line(vec!["注".to_owned(), s.clone()]));
    }
    let mut columns = vec![ListColumn {
        header: "栏目".to_owned(),
        width: 30.0,
    }];
    columns.extend((1..width).map(|i| ListColumn {
        header: format!("第{i}栏"),
        width: 16.0,
    }));
    ListView {
        title: v.title.clone(),
        columns,
        rows,
    }
}

fn title(doc: &mut Doc, text: &str, size: f32) -> Result<(), RenderError> {
    doc.check("标题", text)?;
    let y = doc.y;
    doc.text_aligned(
        doc.left,
        doc.content_width(),
        y,
        text,
        size,
        true,
        Align::Center,
    );
    doc.y += size * 1.8;
    Ok(())
}

fn table(doc: &mut Doc, t: &ReportTable) -> Result<(), RenderError> {
    doc.gap(4.0);
    doc.paragraph("小标题", &t.heading, BODY, true, Align::Left)?;
    doc.gap(2.0);
    if t.rows.is_empty() {
        return doc.paragraph(&t.heading, &t.empty, BODY, false, Align::Left);
    }
    doc.table(&Table {
        name: t.heading.clone(),
        weights: t.columns.iter().map(|c| c.1).collect(),
        header: vec![
            t.columns
                .iter()
                .map(|c| HeaderCell::new(c.0.clone(), 1, 1))
                .collect(),
        ],
        rows: t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let cell = Cell::new(c.clone());
                        if i == 0 { cell } else { cell.center() }
                    })
                    .collect()
            })
            .collect(),
        size: SMALL,
    })
}

/// The quarterly report on A4 portrait.
pub fn render_quarterly_pdf(v: &QuarterlyView) -> Result<Vec<u8>, RenderError> {
    let mut doc = Doc::new(
        fonts()?,
        Orientation::Portrait,
        &format!("{SYSTEM}　{}", v.title),
    );
    title(&mut doc, &v.title, 16.0)?;
    let meta = format!(
        "{}　　报送单位：{}　　制表时间：{}",
        v.scope,
        v.compiled_by,
        v.generated_at.format("%Y-%m-%d %H:%M")
    );
    doc.paragraph("统计范围", &meta, SMALL, false, Align::Left)?;
    doc.gap(4.0);
    doc.paragraph("小标题", "一、总体情况", BODY, true, Align::Left)?;
    for (i, o) in v.overview.iter().enumerate() {
        doc.hanging("总体情况", &format!("{}.", i + 1), o, BODY, 8.0)?;
    }
    for t in &v.tables {
        table(&mut doc, t)?;
    }
    doc.gap(4.0);
    doc.paragraph("小标题", "七、优化建议", BODY, true, Align::Left)?;
    if v.suggestions.is_empty() {
        doc.paragraph(
            "优化建议",
            "本季度无需特别关注的事项。",
            BODY,
            false,
            Align::Left,
        )?;
    }
    for (i, s) in v.suggestions.iter().enumerate() {
        doc.hanging("优化建议", &format!("{}.", i + 1), s, BODY, 8.0)?;
    }
    if !v.notes.is_empty() {
        doc.gap(4.0);
        doc.paragraph(
            "注",
            &format!("注：{}", v.notes.join(" ")),
            SMALL,
            false,
            Align::Left,
        )?;
    }
    doc.finish(&v.title, v.generated_at)
}

/// Any list (the monthly stage report of seed 12) on A4 landscape, with the time it was made.
pub fn render_list_pdf(v: &ListView, generated_at: LocalTime) -> Result<Vec<u8>, RenderError> {
    let mut doc = Doc::new(
        fonts()?,
        Orientation::Landscape,
        &format!("{SYSTEM}　{}", v.title),
    );
    title(&mut doc, &v.title, 15.0)?;
    doc.paragraph(
        "制表时间",
        &format!("制表时间：{}", generated_at.format("%Y-%m-%d %H:%M")),
        SMALL,
        false,
        Align::Left,
    )?;
    doc.gap(2.0);
    let size = if v.columns.len() > 10 { 6.5 } else { 8.0 };
    doc.table(&Table {
        name: v.title.clone(),
        weights: v.columns.iter().map(|c| c.width).collect(),
        header: vec![
            v.columns
                .iter()
                .map(|c| HeaderCell::new(c.header.clone(), 1, 1))
                .collect(),
        ],
        rows: v
            .rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::new(c.display())).collect())
            .collect(),
        size,
    })?;
    doc.finish(&v.title, generated_at)
}

//! From the domain's statistics to printable views: the four tables of seed 11 with the figures
//! `permitdesk_domain::statistics` computed, and the monthly stage report of seed 12 as a list.
//!
//! The domain's rows are already in the seed's leaf-column order; this module only changes the
//! cell type and names the table, so what is printed is exactly what was computed.

use crate::views::{
    CellValue, ListColumn, ListView, LocalTime, StatisticsTable, StatisticsTableView,
};
use permitdesk_domain::statistics::{
    Cell, Extreme, MonthlyReport, SeedTable, StageFigures, TableRows,
};

/// The documents' name of a seed table.
pub fn table_kind(table: SeedTable) -> StatisticsTable {
    match table {
        SeedTable::One => StatisticsTable::One,
        SeedTable::Two => StatisticsTable::Two,
        SeedTable::Three => StatisticsTable::Three,
        SeedTable::Four => StatisticsTable::Four,
    }
}

pub fn cell(c: &Cell) -> CellValue {
    match c {
        Cell::Empty => CellValue::Empty,
        Cell::Text(s) => CellValue::Text(s.clone()),
        Cell::Int(n) => CellValue::Int(*n),
        Cell::Date(d) => CellValue::Date(*d),
        Cell::DateTime(t) => CellValue::DateTime(*t),
        Cell::YesNo(b) => CellValue::YesNo(*b),
    }
}

/// A computed table as the view `render_statistics_pdf`, `statistics_xlsx` and
/// `statistics_csv` print. The table's notes (procedures without a column, cases left out)
/// follow the scope line, so a reader sees them with the figures.
pub fn table_view(
    rows: &TableRows,
    compiled_by: &str,
    generated_at: LocalTime,
) -> StatisticsTableView {
    let scope = if rows.notes.is_empty() {
        rows.scope.clone()
    } else {
        format!("{}　注：{}", rows.scope, rows.notes.join(" "))
    };
    StatisticsTableView {
        table: table_kind(rows.table),
        scope,
        compiled_by: compiled_by.to_owned(),
        generated_at,
        rows: rows
            .rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect(),
    }
}

const REPORT_COLUMNS: [(&str, f32); 13] = [
    ("项目分类", 14.0),
    ("阶段", 10.0),
    ("项目数", 6.0),
    ("最少环节事项", 18.0),
    ("最多环节事项", 18.0),
    ("最短用时（工作日）", 20.0),
    ("最长用时（工作日）", 20.0),
    ("最短用时（自然日）", 18.0),
    ("最长用时（自然日）", 18.0),
    ("最少费用成本", 22.0),
    ("最多费用成本", 22.0),
    ("申请人最少申请材料", 18.0),
    ("申请人最多申请材料", 18.0),
];

/// "5项（松北区利民住宅小区一期）", or empty when no project finished the stage.
fn extreme<T>(e: &Option<Extreme<T>>, show: impl Fn(&T) -> String) -> CellValue {
    e.as_ref().map_or(CellValue::Empty, |e| {
        CellValue::Text(format!("{}（{}）", show(&e.value), e.project_name))
    })
}

fn stage_row(f: &StageFigures) -> Vec<CellValue> {
    vec![
        CellValue::Text(f.category_name.clone()),
        CellValue::Text(f.group.label().to_owned()),
        CellValue::Int(i64::try_from(f.projects).unwrap_or(i64::MAX)),
        extreme(&f.fewest_items, |n| format!("{n}项")),
        extreme(&f.most_items, |n| format!("{n}项")),
        extreme(&f.shortest_timed, ToString::to_string),
        extreme(&f.longest_timed, ToString::to_string),
        extreme(&f.shortest_natural, |n| format!("{n}天")),
        extreme(&f.longest_natural, |n| format!("{n}天")),
        extreme(&f.lowest_cost, ToString::to_string),
        extreme(&f.highest_cost, ToString::to_string),
        extreme(&f.fewest_materials, |n| format!("{n}件")),
        extreme(&f.most_materials, |n| format!("{n}件")),
    ]
}

/// The stage figures of the monthly report (seed 12.1-12.3), one row per category and stage
/// group, for `list_xlsx` / `list_csv`; the suggestions follow as rows whose first cell says
/// 优化建议.
pub fn monthly_report_list(report: &MonthlyReport) -> ListView {
    let mut rows: Vec<Vec<CellValue>> = report.stages.iter().map(stage_row).collect();
    for s in &report.suggestions {
        let mut row = vec![
            CellValue::Text("优化建议".to_owned()),
            CellValue::Text(s.to_string()),
        ];
        row.resize(REPORT_COLUMNS.len(), CellValue::Empty);
        rows.push(row);
    }
    ListView {
        title: format!(
            "工程建设项目全流程在线审批月度统计（{}）",
            report.period.label()
        ),
        columns: REPORT_COLUMNS
            .iter()
            .map(|&(header, width)| ListColumn {
                header: header.to_owned(),
                width,
            })
            .collect(),
        rows,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use permitdesk_domain::calendar::WorkingCalendar;
    use permitdesk_domain::clock::{LegalClock, OfficeHours};
    use permitdesk_domain::statistics::{Period, Statistics, TableFilter, sample};

    fn pdf_text(pdf: &[u8], name: &str) -> String {
        let dir =
            std::env::temp_dir().join(format!("permitdesk-from-statistics-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8", &path.to_string_lossy(), "-"])
            .output()
            .expect("pdftotext is required (apt-get install poppler-utils)");
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    fn generated_at() -> LocalTime {
        permitdesk_domain::time::parse_local("2024-11-01 09:00").unwrap()
    }

    #[test]
    fn domain_columns_are_the_printed_leaf_columns() {
        for t in SeedTable::ALL {
            let printed: Vec<String> = table_kind(t)
                .leaf_columns()
                .into_iter()
                .map(|c| c.0)
                .collect();
            assert_eq!(printed, t.columns(), "{t:?}");
        }
    }

    #[test]
    fn computed_tables_print_their_figures() {
        let d = sample::fixed().unwrap();
        let cal = WorkingCalendar::shipped();
        let clock = LegalClock::new(&cal, OfficeHours::default());
        let s = Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap();
        let office = "哈尔滨市工程建设项目审批制度改革工作领导小组办公室";
        // Table 1: C04 (施工许可, P1) accepted 2024-10-15 10:00, done 10-22 16:00.
        let one = table_view(
            &s.table(SeedTable::One, &TableFilter::default()),
            office,
            generated_at(),
        );
        assert_eq!(one.rows.len(), 10);
        let text = pdf_text(&crate::render_statistics_pdf(&one).unwrap(), "t1.pdf");
        for known in [
            "松北区利民住宅小区一期",
            "建筑工程施工许可证核发",
            "2024-10-2216:00",
            "ZS-C04",
            "系统直办",
        ] {
            assert!(text.contains(known), "table 1 lacks {known}");
        }
        // Table 2 carries its note about 公示 into the scope line.
        let two = table_view(
            &s.table(SeedTable::Two, &TableFilter::default()),
            office,
            generated_at(),
        );
        assert!(two.scope.ends_with("注：本表栏目未列的特别程序：公示1次。"));
        let text = pdf_text(&crate::render_statistics_pdf(&two).unwrap(), "t2.pdf");
        assert!(
            text.contains("2024-10-1009:00"),
            "上级部门审批 start of C13"
        );
        // The spreadsheet keeps every computed row.
        let four = table_view(
            &s.table(SeedTable::Four, &TableFilter::default()),
            office,
            generated_at(),
        );
        let csv = String::from_utf8(crate::statistics_csv(&four)).unwrap();
        assert!(csv.contains("哈尔滨市网上中介服务超市"));
        assert!(!crate::statistics_xlsx(&four).unwrap().is_empty());
    }

    #[test]
    fn the_monthly_report_lists_each_stage_with_its_projects() {
        let d = sample::fixed().unwrap();
        let cal = WorkingCalendar::shipped();
        let clock = LegalClock::new(&cal, OfficeHours::default());
        let s = Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap();
        let list = monthly_report_list(&s.monthly_report(Period::month(2024, 10).unwrap()));
        assert_eq!(
            list.title,
            "工程建设项目全流程在线审批月度统计（2024-10-01 至 2024-10-31）"
        );
        // 15 stage rows, then 5 suggestions.
        assert_eq!(list.rows.len(), 20);
        let fdc = &list.rows[7];
        let shown: Vec<String> = fdc.iter().map(CellValue::display).collect();
        assert_eq!(
            shown,
            [
                "社会投资房地产项目",
                "第三阶段",
                "2",
                "2项（道里区群力商业综合体）",
                "5项（松北区利民住宅小区一期）",
                "4.50个工作日（道里区群力商业综合体）",
                "16.63个工作日（松北区利民住宅小区一期）",
                "7天（道里区群力商业综合体）",
                "28天（松北区利民住宅小区一期）",
                "0.00元（道里区群力商业综合体）",
                "60.00元（另有1项市场调节价）（松北区利民住宅小区一期）",
                "3件（道里区群力商业综合体）",
                "7件（松北区利民住宅小区一期）",
            ]
        );
        assert_eq!(list.rows[15][0].display(), "优化建议");
        assert!(list.rows.iter().all(|r| r.len() == list.columns.len()));
        assert!(!crate::list_xlsx(&list).unwrap().is_empty());
    }
}

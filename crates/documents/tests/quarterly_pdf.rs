//! The quarterly report of seed 13 and the monthly report as printed: what pdftotext copies out
//! of them is the domain's figures for the fixed sample.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use permitdesk_documents::from_statistics::monthly_report_list;
use permitdesk_documents::quarterly::*;
use permitdesk_documents::{list_csv, list_xlsx};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::statistics::{Period, Quarter, Statistics, sample};
use permitdesk_domain::time::parse_local;

const OFFICE: &str = "哈尔滨市工程建设项目审批制度改革工作领导小组办公室";

/// The statistics of the sample `d`, its clocks read on `cal` in the default office hours.
fn statistics<'a>(d: &'a sample::SampleData, cal: &WorkingCalendar) -> Statistics<'a> {
    let clock = LegalClock::new(cal, OfficeHours::default());
    Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap()
}

/// Every one of `known` copies out of `text` (the PDF `what`).
fn assert_prints(text: &str, what: &str, known: &[&str]) {
    for known in known {
        assert!(
            text.contains(&squeeze(known)),
            "{what} lacks {known}\n{text}"
        );
    }
}

#[test]
fn the_quarterly_report_prints_the_quarter_and_its_comparison() {
    let (d, cal) = (sample::fixed().unwrap(), WorkingCalendar::shipped());
    let s = statistics(&d, &cal);
    let summary = s.quarterly_summary(Quarter::new(2024, 4).unwrap()).unwrap();
    let generated = parse_local("2024-11-01 09:00").unwrap();
    let v = quarterly_view(&summary, OFFICE, generated);
    // 合计 row of the category table: 11 accepted, 11 completed, 1 returned, 2 overdue.
    let cats = &v.tables[0];
    assert_eq!(cats.rows.len(), 7);
    assert_eq!(cats.rows[6][..5], ["合计", "11", "11", "1", "2"]);
    assert_eq!(
        cats.rows[2],
        [
            "社会投资房地产项目",
            "4",
            "5",
            "0",
            "1",
            "0/0",
            "4/5",
            "0/0"
        ]
    );
    let pdf = render_quarterly_pdf(&v).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = text_of(&pdf, "quarterly.pdf");
    assert_prints(
        &text,
        "quarterly",
        &[
            "2024年第四季度工程建设项目全流程在线审批情况",
            "统计期间：2024-10-01至2024-12-31",
            "2024年第三季度",
            "受理办件11件，上季度5件，增加6件。",
            "项目全流程平均用时9.70个工作日，上季度无。",
            "社会投资房地产项目",
            "9.70个工作日",
            "15.80天",
            "4.50个工作日（道里区群力商业综合体）",
            "20.63个工作日（松北区利民住宅小区一期）",
            "国网黑龙江省电力有限公司哈尔滨供电公司",
            "上级部门审批",
            "涉路施工许可（公路）",
            "七、优化建议",
            "建议推行并联审批、减少层级。",
            OFFICE,
        ],
    );
    // Identical input, identical bytes.
    assert_eq!(pdf, render_quarterly_pdf(&v).unwrap());
    // The same figures as a spreadsheet list.
    let list = quarterly_list(&v);
    let csv = String::from_utf8(list_csv(&list)).unwrap();
    assert!(csv.contains("受理办件11件，上季度5件，增加6件。"));
    assert!(csv.contains("20.63个工作日（松北区利民住宅小区一期）"));
    assert!(list_xlsx(&list).unwrap().starts_with(b"PK"));
}

#[test]
fn the_monthly_report_prints_as_a_list() {
    let (d, cal) = (sample::fixed().unwrap(), WorkingCalendar::shipped());
    let s = statistics(&d, &cal);
    let list = monthly_report_list(&s.monthly_report(Period::month(2024, 10).unwrap()));
    let pdf = render_list_pdf(&list, parse_local("2024-11-01 09:00").unwrap()).unwrap();
    let text = text_of(&pdf, "monthly.pdf");
    assert_prints(
        &text,
        "monthly",
        &[
            "工程建设项目全流程在线审批月度统计（2024-10-01至2024-10-31）",
            "社会投资房地产项目",
            "16.63个工作日（松北区利民住宅小区一期）",
            "优化建议",
        ],
    );
}

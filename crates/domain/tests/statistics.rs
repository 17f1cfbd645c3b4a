//! The statistics of seed 10-12 against figures computed by hand on the fixed sample data set
//! (`statistics::sample::fixed`: 6 projects, 17 cases, September-October 2024, read at
//! 2024-10-31 18:00). Office hours 09:00-17:00, so one working day is 480 minutes.
//!
//! The calendar the hand counts use (2024): 中秋 09-15..17; 国庆 10-01..07 with the adjusted
//! workdays Sun 09-29 and Sat 10-12; 09-28 (Sat), 10-13, 10-19/20, 10-26/27 are weekends.
//! The day of acceptance is never counted; each later working day counts 09:00-17:00 minus
//! pauses and untimed procedures (公示, 勘察, 检验 here).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::ids::{CaseId, CategoryCode, DepartmentCode, ProjectId};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::statistics::sample::{self, SampleData};
use permitdesk_domain::statistics::*;
use permitdesk_domain::time::{LocalTime, parse_local};

fn data() -> SampleData {
    sample::fixed().unwrap()
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::shipped()
}

fn stats<'a>(d: &'a SampleData, calendar: &WorkingCalendar) -> Statistics<'a> {
    let clock = LegalClock::new(calendar, OfficeHours::default());
    Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap()
}

fn lt(s: &str) -> LocalTime {
    parse_local(s).unwrap()
}

fn dt(s: &str) -> Cell {
    Cell::DateTime(lt(s))
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

const E: Cell = Cell::Empty;
const YES: Cell = Cell::YesNo(true);
const NO: Cell = Cell::YesNo(false);

/// The project columns as the sample registers them: (code, name, builder, works, category).
fn project(n: usize) -> [Cell; 5] {
    let (name, builder, works, category) = match n {
        1 => (
            "松北区利民住宅小区一期",
            "哈尔滨滨江置业有限公司",
            "1#住宅楼",
            "SH-FDC",
        ),
        2 => (
            "道里区群力商业综合体",
            "哈尔滨群力商业地产有限公司",
            "商业楼",
            "SH-FDC",
        ),
        3 => (
            "平房区精密机械厂房",
            "哈尔滨精工机械有限公司",
            "1号厂房",
            "SH-CF",
        ),
        4 => (
            "香坊区第十二中学新建教学楼",
            "哈尔滨市香坊区教育局",
            "教学楼",
            "ZF-FW",
        ),
        5 => (
            "呼兰河大桥改建工程",
            "哈尔滨市城市建设投资集团有限公司",
            "主桥",
            "ZF-LQ",
        ),
        6 => (
            "双城区冷链物流仓储中心",
            "哈尔滨冷链物流有限公司",
            "1号冷库",
            "SH-CC",
        ),
        _ => panic!("no project {n}"),
    };
    [
        text(&format!("2024-230109-70-03-{n:06}")),
        text(name),
        text(builder),
        text(works),
        text(category),
    ]
}

/// 序号, the five project columns, 部门名称, 事项名称.
fn head(seq: i64, n: usize, department: &str, item: &str) -> Vec<Cell> {
    let [code, name, builder, works, category] = project(n);
    vec![
        Cell::Int(seq),
        code,
        name,
        builder,
        works,
        category,
        text(department),
        text(item),
    ]
}

const ZGJ: &str = "哈尔滨市自然资源和规划局";
const ZJJ: &str = "哈尔滨市住房和城乡建设局";
const RFB: &str = "哈尔滨市人民防空办公室";
const JTJ: &str = "哈尔滨市交通运输局";

fn id(s: &str) -> CaseId {
    CaseId::new(s)
}

/// (case, timed minutes, natural days, pauses, paused minutes, corrections, materials,
/// cost fen, market-priced items, overdue, parallel, deadline)
type Figures = (
    &'static str,
    i64,
    i64,
    usize,
    i64,
    usize,
    usize,
    u64,
    u32,
    bool,
    bool,
    Option<&'static str>,
);

#[rustfmt::skip]
#[test]
fn per_case_figures_match_hand_counts() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let table: [Figures; 16] = [
        // 09-24, 25, 26 full; 09-27 09-16 = 420: 3×480+420 = 1860. 09-23 -> 09-27 = 4 days.
        // Limit 10: 09-24..27, 29, 30, 10-08..11 -> 10-11 17:00. Overlaps C02, C05 (same works).
        ("C01", 1860, 4, 0, 0, 0, 2, 0, 0, false, true, Some("2024-10-11 17:00")),
        // 09-24 480; 09-25 09-10 = 60 (paused 10:00); 09-26 10-17 = 420; 09-27, 09-29, 09-30,
        // 10-08 480 each; 10-09 09-11 = 120: 3000. 09-23 -> 10-09 = 16 days. Pause 24 h.
        ("C02", 3000, 16, 1, 1440, 0, 2, 0, 0, false, true, Some("2024-10-18 17:00")),
        // 现场勘察 is timed: 10-09, 10, 11, 12 (Sat, worked) 480 each; 10-14 09-15 = 360: 2280.
        // Limit 5: 10-09..12, 14 -> 10-14 17:00, done 15:00. Overlaps C02 (ended 10-09 11:00).
        // Fee: 防空地下室易地建设费 60 元 (6000 分).
        ("C03", 2280, 6, 0, 0, 0, 1, 6000, 0, false, true, Some("2024-10-14 17:00")),
        // 10-16, 17, 18, 21 480 each; 10-22 09-16 = 420: 2340. Limit 3 -> 10-18 17:00, done
        // 10-22: overdue. One correction before acceptance; 3 materials (one replaced).
        ("C04", 2340, 7, 0, 0, 1, 3, 0, 0, true, false, Some("2024-10-18 17:00")),
        // 09-25, 26: 960. Market-priced (市场调节价).
        ("C05", 960, 2, 0, 0, 0, 1, 0, 1, false, true, Some("2024-09-27 17:00")),
        // 10-09, 10 480 each; 10-11 09-12 = 180: 1140.
        ("C06", 1140, 3, 0, 0, 0, 1, 0, 0, false, false, Some("2024-10-21 17:00")),
        // 专家审查 10-15 timed: 480; 公示 10-16 09:00 to 10-17 09:00 untimed: 0; 10-17 480
        // (会议审查 timed); 10-18 09-10 = 60: 1020. Limit 3 skips the 公示: 10-15, 17, 18.
        ("C07", 1020, 4, 0, 0, 0, 2, 0, 0, false, false, Some("2024-10-18 17:00")),
        // 09-03..06: 1920. Limit 10: 09-03..06, 09..13, 14 (Sat, worked before 中秋).
        ("C08", 1920, 4, 0, 0, 0, 2, 0, 0, false, false, Some("2024-09-14 17:00")),
        // 勘察 10-22 09:00 to 10-23 17:00 and 检验 10-24 09-12 untimed: 10-24 12-17 = 300,
        // 10-25 480, 10-28 09-12 = 180: 960. Overlaps C10.
        ("C09", 960, 7, 0, 0, 0, 1, 0, 0, false, true, Some("2024-10-31 12:00")),
        // 10-22..25 4×480, 10-28, 29 480 each, 10-30 09-11 = 120: 3000. Limit 5 -> 10-28 17:00:
        // overdue.
        ("C10", 3000, 9, 0, 0, 0, 2, 0, 0, true, true, Some("2024-10-28 17:00")),
        // 10-29 480; 10-30 09-10 = 60 then paused to as-of: 540, no deadline while paused.
        // Paused 10-30 10:00 -> 10-31 18:00 = 32 h. 10-28 -> as-of 10-31 = 3 days.
        ("C11", 540, 3, 1, 1920, 1, 1, 0, 0, false, false, None),
        // 10-15, 16 480 each; 10-17 09-16 = 420: 1380.
        ("C12", 1380, 3, 0, 0, 0, 1, 0, 0, false, false, Some("2024-10-18 17:00")),
        // 上级部门审批 is timed: 10-10, 11, 12, 14 480 each; 10-15 paused all day; 10-16 09-12
        // = 180: 2100. Returned.
        ("C13", 2100, 7, 1, 480, 0, 1, 0, 0, false, false, Some("2024-10-23 17:00")),
        // 10-22 paused 09-13, 13-17 = 240; 10-23, 24, 25: 1440: 1680.
        ("C14", 1680, 4, 1, 240, 0, 1, 0, 0, false, false, Some("2024-11-05 13:00")),
        // 09-29 (Sun, worked), 09-30, 10-08, 10-09 480 each; 10-10 09-10 = 60: 1980.
        ("C15", 1980, 13, 0, 0, 0, 2, 0, 0, false, false, Some("2024-10-12 17:00")),
        // 10-11, 12, 14, 15, 16 480 each; 10-17 09-10 = 60: 2460.
        ("C16", 2460, 7, 0, 0, 0, 2, 0, 0, false, false, Some("2024-10-23 17:00")),
    ];
    assert_eq!(s.figures().len(), 16, "C17 was never accepted");
    assert!(s.case(&id("C17")).is_none());
    assert!(s.problems().is_empty());
    for (c, timed, natural, pauses, paused, corrections, materials, fen, market, overdue, parallel, deadline) in table {
        let f = s.case(&id(c)).unwrap_or_else(|| panic!("{c} missing"));
        assert_eq!(f.timed.minutes, timed, "{c} timed");
        assert_eq!(f.natural_days, natural, "{c} natural days");
        assert_eq!((f.pauses, f.pause_minutes), (pauses, paused), "{c} pauses");
        assert_eq!(f.corrections, corrections, "{c} corrections");
        assert_eq!(f.materials, materials, "{c} materials");
        assert_eq!((f.cost.fen, f.cost.market_priced), (fen, market), "{c} cost");
        assert_eq!(f.overdue, overdue, "{c} overdue");
        assert_eq!(f.parallel, parallel, "{c} parallel");
        assert_eq!(f.deadline, deadline.map(lt), "{c} deadline");
    }
    // Special procedures are carried through: C07 has 专家审查, 公示, 会议审查.
    let kinds: Vec<_> = s.case(&id("C07")).unwrap().procedures.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [SpecialProcedureKind::ExpertReview, SpecialProcedureKind::PublicNotice, SpecialProcedureKind::MeetingReview]);
}

#[rustfmt::skip]
#[test]
fn table_one_holds_the_administrative_and_filing_cases_cell_by_cell() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let t = s.table(SeedTable::One, &TableFilter::default());
    // Row order: project code, then acceptance. Received 30 min before acceptance (接待),
    // the department's first level 30 min after (业务部门受理).
    // (received, 告知承诺, accepted, department accepted, parallel, completed, certificate)
    let rest = |received: &str, commitment: bool, accepted: &str, dept_accepted: &str, parallel: bool, done: Option<&str>, cert: Option<(&str, bool)>| {
        vec![
            dt(received),
            Cell::YesNo(commitment),
            dt(accepted),
            dt(dept_accepted),
            Cell::YesNo(parallel),
            done.map_or(E, dt),
            text(if done.is_some() { "有" } else { "无" }),
            cert.map_or(E, |(n, _)| text(n)),
            cert.map_or(E, |(_, f)| text(if f { "已上传" } else { "未上传" })),
            text("系统直办"),
        ]
    };
    let row = |seq, n, dept, item, r: Vec<Cell>| {
        let mut h = head(seq, n, dept, item);
        h.extend(r);
        h
    };
    let expected = vec![
        // C08
        row(1, 1, ZGJ, "建设工程规划许可证核发", rest("2024-09-02 08:30", false, "2024-09-02 09:00", "2024-09-02 09:30", false, Some("2024-09-06 17:00"), Some(("ZS-C08", true)))),
        // C02: parallel with C01 and C05; certificate without its file.
        row(2, 1, ZJJ, "建设工程消防设计审查", rest("2024-09-23 13:30", false, "2024-09-23 14:00", "2024-09-23 14:30", true, Some("2024-10-09 11:00"), Some(("ZS-C02", false)))),
        // C03: parallel with C02.
        row(3, 1, RFB, "防空地下室易地建设审批", rest("2024-10-08 09:00", false, "2024-10-08 09:30", "2024-10-08 10:00", true, Some("2024-10-14 15:00"), Some(("ZS-C03", true)))),
        // C04: received again after the correction.
        row(4, 1, ZJJ, "建筑工程施工许可证核发", rest("2024-10-15 09:30", false, "2024-10-15 10:00", "2024-10-15 10:30", false, Some("2024-10-22 16:00"), Some(("ZS-C04", true)))),
        // C07
        row(5, 2, ZJJ, "建筑工程施工许可证核发", rest("2024-10-14 08:30", false, "2024-10-14 09:00", "2024-10-14 09:30", false, Some("2024-10-18 10:00"), Some(("ZS-C07", true)))),
        // C09: denied is a result (有) without a certificate.
        row(6, 3, ZGJ, "建设工程规划条件核实", rest("2024-10-21 08:30", false, "2024-10-21 09:00", "2024-10-21 09:30", true, Some("2024-10-28 12:00"), None)),
        // C11: still in review (paused) at as-of.
        row(7, 4, ZGJ, "建设用地规划许可证核发", rest("2024-10-28 08:30", false, "2024-10-28 09:00", "2024-10-28 09:30", false, None, None)),
        // C13: returned, so neither 办结 nor a result.
        row(8, 5, JTJ, "涉路施工许可（公路）", rest("2024-10-09 08:30", false, "2024-10-09 09:00", "2024-10-09 09:30", false, None, None)),
        // C14
        row(9, 5, JTJ, "涉路施工许可（公路）", rest("2024-10-21 08:30", false, "2024-10-21 09:00", "2024-10-21 09:30", false, Some("2024-10-25 17:00"), Some(("ZS-C14", true)))),
        // C16: accepted on commitment confirmed by the department.
        row(10, 6, ZGJ, "建设工程规划许可证核发", rest("2024-10-10 13:30", true, "2024-10-10 14:00", "2024-10-10 14:30", false, Some("2024-10-17 10:00"), Some(("ZS-C16", true)))),
    ];
    assert_eq!(t.rows.len(), expected.len());
    for (i, (got, want)) in t.rows.iter().zip(&expected).enumerate() {
        assert_eq!(got.len(), TABLE_ONE_COLUMNS.len(), "row {i}");
        for (c, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g, w, "row {} column {}", i + 1, TABLE_ONE_COLUMNS[c]);
        }
    }
    assert!(t.notes.is_empty());
    assert_eq!(t.scope, "统计期间（受理）：全部　部门：全部　项目：全部　项目分类：全部");
}

#[rustfmt::skip]
#[test]
fn table_two_maps_procedures_to_the_seed_groups() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let t = s.table(SeedTable::Two, &TableFilter::default());
    let one = s.table(SeedTable::One, &TableFilter::default());
    assert_eq!(t.rows.len(), 10, "the cases of table 1");
    let n = || vec![NO, E, E, E];
    let g = |from: &str, to: Option<&str>, uploaded: bool| vec![YES, dt(from), to.map_or(E, dt), Cell::YesNo(uploaded)];
    // (row, 是否涉及, the groups 现场勘察 上级部门审批 专业审查 现场核查 勘察 监测 验收审查)
    let expected: Vec<(i64, bool, Vec<Vec<Cell>>)> = vec![
        (1, false, vec![n(), n(), n(), n(), n(), n(), n()]),
        (2, false, vec![n(), n(), n(), n(), n(), n(), n()]),
        // C03: 现场勘察 with results.
        (3, true, vec![g("2024-10-09 09:00", Some("2024-10-10 12:00"), true), n(), n(), n(), n(), n(), n()]),
        (4, false, vec![n(), n(), n(), n(), n(), n(), n()]),
        // C07: 专家审查 (results) and 会议审查 (none) both go to 专业审查: earliest start,
        // latest end, uploaded only if both were; 公示 has no column (see the note).
        (5, true, vec![n(), n(), g("2024-10-15 09:00", Some("2024-10-17 16:00"), false), n(), n(), n(), n()]),
        // C09: 勘察 (results) -> 勘察(不计时); 检验 (none) -> 监测(不计时).
        (6, true, vec![n(), n(), n(), n(), g("2024-10-22 09:00", Some("2024-10-23 17:00"), true), g("2024-10-24 09:00", Some("2024-10-24 12:00"), false), n()]),
        // C11: 现场核查 still open: no end, nothing uploaded.
        (7, true, vec![n(), n(), n(), g("2024-10-29 14:00", None, false), n(), n(), n()]),
        // C13: 上级部门审批 with results.
        (8, true, vec![n(), g("2024-10-10 09:00", Some("2024-10-14 17:00"), true), n(), n(), n(), n(), n()]),
        (9, false, vec![n(), n(), n(), n(), n(), n(), n()]),
        (10, false, vec![n(), n(), n(), n(), n(), n(), n()]),
    ];
    for (i, (seq, involved, groups)) in expected.into_iter().enumerate() {
        let row = &t.rows[i];
        assert_eq!(row.len(), TABLE_TWO_COLUMNS.len());
        assert_eq!(row[0], Cell::Int(seq));
        assert_eq!(row[8], Cell::YesNo(involved), "row {seq} 是否涉及");
        let want: Vec<Cell> = groups.into_iter().flatten().collect();
        for (c, (got, w)) in row[9..].iter().zip(&want).enumerate() {
            assert_eq!(got, w, "row {seq} column {}", TABLE_TWO_COLUMNS[9 + c]);
        }
        // The first eight columns are those of table 1.
        assert_eq!(row[..8], one.rows[i][..8]);
    }
    assert_eq!(t.notes, ["本表栏目未列的特别程序：公示1次。"]);
    // Every kind has a group or goes to the note, as the mapping documents.
    let unlisted: Vec<_> = SpecialProcedureKind::ALL.into_iter().filter(|k| table_two_group(*k).is_none()).map(|k| k.label()).collect();
    assert_eq!(unlisted, ["公示", "公告", "征求意见", "听证"]);
}

#[test]
fn table_three_holds_the_utility_cases_cell_by_cell() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let t = s.table(SeedTable::Three, &TableFilter::default());
    let mut c10 = head(
        1,
        3,
        "国网黑龙江省电力有限公司哈尔滨供电公司",
        "供电验收接入（竣工检验及装表接电）",
    );
    c10.extend([
        dt("2024-10-21 09:30"),
        dt("2024-10-21 10:00"),
        dt("2024-10-21 10:30"),
        dt("2024-10-30 11:00"),
        text("有"),
        text("已上传"),
        text("ZS-C10"),
        text("系统直办"),
    ]);
    let mut c12 = head(
        2,
        4,
        "哈尔滨供水集团有限责任公司",
        "供水报装受理（用水申请及接水方案答复）",
    );
    c12.extend([
        dt("2024-10-14 08:30"),
        dt("2024-10-14 09:00"),
        dt("2024-10-14 09:30"),
        dt("2024-10-17 16:00"),
        text("有"),
        // Granted, but the result file was not uploaded.
        text("未上传"),
        text("ZS-C12"),
        text("系统直办"),
    ]);
    assert_eq!(t.rows, vec![c10, c12]);
    assert!(t.rows.iter().all(|r| r.len() == TABLE_THREE_COLUMNS.len()));
}

#[test]
fn table_four_holds_technical_reviews_and_intermediary_services_cell_by_cell() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let t = s.table(SeedTable::Four, &TableFilter::default());
    let row = |seq, competent: &str, item: &str, agency: &str, from: &str, to: &str, n: usize| {
        let [code, name, builder, works, _] = project(n);
        vec![
            Cell::Int(seq),
            text(competent),
            text(item),
            text(agency),
            dt(from),
            dt(to),
            YES,
            code,
            name,
            builder,
            works,
        ]
    };
    let expected = vec![
        // C01: a technical review has no separate competent department: its own.
        row(
            1,
            ZJJ,
            "施工图设计文件审查（联合审图）",
            ZJJ,
            "2024-09-23 10:00",
            "2024-09-27 16:00",
            1,
        ),
        // C05: an intermediary service: competent 市资规局, handled through the market.
        row(
            2,
            ZGJ,
            "建设工程规划放线测量",
            "哈尔滨市网上中介服务超市",
            "2024-09-24 09:00",
            "2024-09-26 17:00",
            1,
        ),
        row(
            3,
            ZJJ,
            "施工图设计文件审查（联合审图）",
            ZJJ,
            "2024-10-08 10:00",
            "2024-10-11 12:00",
            2,
        ),
        row(
            4,
            ZGJ,
            "建设工程设计方案审查（总平面图审查）",
            ZGJ,
            "2024-09-27 10:00",
            "2024-10-10 10:00",
            6,
        ),
    ];
    assert_eq!(t.rows, expected);
    assert!(t.rows.iter().all(|r| r.len() == TABLE_FOUR_COLUMNS.len()));
}

#[rustfmt::skip]
#[test]
fn filters_select_cases_by_period_department_project_and_category() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let october = Period::month(2024, 10).unwrap();
    // Table 1's 综合管理窗口发起时间 (column 11) identifies a case in this data set.
    let accepted = |table: SeedTable, f: TableFilter, column: usize| -> Vec<String> {
        s.table(table, &f).rows.iter().map(|r| r[column].display()).collect()
    };
    let all = TableFilter::default;
    let cases = [
        // October: C08 and C02 were accepted in September.
        (TableFilter { period: Some(october), ..all() },
         vec!["2024-10-08 09:30", "2024-10-15 10:00", "2024-10-14 09:00", "2024-10-21 09:00", "2024-10-28 09:00", "2024-10-09 09:00", "2024-10-21 09:00", "2024-10-10 14:00"]),
        // 市住建局: C02, C04, C07.
        (TableFilter { department: Some(DepartmentCode::new("ZJJ")), ..all() },
         vec!["2024-09-23 14:00", "2024-10-15 10:00", "2024-10-14 09:00"]),
        // Project P5: C13, C14.
        (TableFilter { project: Some(ProjectId::new("P5")), ..all() },
         vec!["2024-10-09 09:00", "2024-10-21 09:00"]),
        // 社会投资房地产 and October: C03, C04 of P1, C07 of P2.
        (TableFilter { period: Some(october), category: Some(CategoryCode::new("SH-FDC")), ..all() },
         vec!["2024-10-08 09:30", "2024-10-15 10:00", "2024-10-14 09:00"]),
    ];
    for (filter, want) in cases {
        assert_eq!(accepted(SeedTable::One, filter.clone(), 10), want, "{filter:?}");
    }
    // Table 4 by department: 市资规局 is C05's competent department and C15's own.
    let zgj = TableFilter { department: Some(DepartmentCode::new("ZGJ")), ..all() };
    assert_eq!(accepted(SeedTable::Four, zgj.clone(), 4), ["2024-09-24 09:00", "2024-09-27 10:00"]);
    assert_eq!(
        s.describe(&TableFilter { period: Some(october), ..zgj }),
        "统计期间（受理）：2024-10-01 至 2024-10-31　部门：哈尔滨市自然资源和规划局　项目：全部　项目分类：全部"
    );
    assert_eq!(
        s.describe(&TableFilter { project: Some(ProjectId::new("P5")), category: Some(CategoryCode::new("ZF-LQ")), ..all() }),
        "统计期间（受理）：全部　部门：全部　项目：呼兰河大桥改建工程　项目分类：政府投资路桥工程"
    );
    // Numbering restarts in a filtered table.
    let p5 = s.table(SeedTable::One, &TableFilter { project: Some(ProjectId::new("P5")), ..all() });
    assert_eq!(p5.rows[1][0], Cell::Int(2));
}

fn who<T>(e: &Extreme<T>) -> String {
    e.project.as_str().to_owned()
}

fn wt(minutes: i64) -> WorkingTime {
    WorkingTime {
        minutes,
        minutes_per_day: 480,
    }
}

#[test]
fn monthly_report_stage_figures_match_hand_counts() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let r = s.monthly_report(Period::month(2024, 10).unwrap());
    // Five categories (catalogue order) × three stage groups; 小型低风险 is not in seed 12.
    assert_eq!(r.stages.len(), 15);
    let cats: Vec<&str> = r
        .stages
        .iter()
        .step_by(3)
        .map(|f| f.category.as_str())
        .collect();
    assert_eq!(cats, ["SH-CC", "SH-CF", "SH-FDC", "ZF-FW", "ZF-LQ"]);
    let find = |c: &str, g: StageGroup| {
        r.stages
            .iter()
            .find(|f| f.category.as_str() == c && f.group == g)
            .unwrap()
    };
    // Stage groups finished in October: P6 stages 1-2 (10-17), P3 stage 4 (10-30), P1 and P2
    // stage 3 (10-22, 10-18), P5 stage 3 (10-25). P1's stages 1-2 finished in September; P4's
    // are still open (C11); P4's 供水报装 is a parallel item (stage 5 in its flow).
    let non_empty: Vec<(&str, StageGroup, usize)> = r
        .stages
        .iter()
        .filter(|f| f.projects > 0)
        .map(|f| (f.category.as_str(), f.group, f.projects))
        .collect();
    assert_eq!(
        non_empty,
        [
            ("SH-CC", StageGroup::ProjectAndPlanning, 1),
            ("SH-CF", StageGroup::Completion, 1),
            ("SH-FDC", StageGroup::Construction, 2),
            ("ZF-LQ", StageGroup::Construction, 1),
        ]
    );
    let empty = find("ZF-FW", StageGroup::ProjectAndPlanning);
    assert!(empty.fewest_items.is_none() && empty.longest_timed.is_none());

    // 社会投资房地产, stage 3.
    // P1: C01-C05. Union of counted time: 09-24..27, 09-29, 09-30 (C01/C02/C05), 10-08..12
    // (C02 then C03), 10-14 09-15, 10-16..18, 10-21, 10-22 09-16 (C04):
    // 15×480 + 360 + 420 = 7980 min = 16.63 days. Natural: [09-23 10:00, 10-14 15:00) = 21
    // days (C02 overlaps C03) + [10-15, 10-22) = 7: 28. 5 items; 60 元 + 1 market-priced;
    // materials a-c01-1, lic-P1 (shared by C01, C02, C04), a-c02-1, a-c03-1, a-c04-1,
    // a-c04-2, a-c05-1 = 7.
    // P2: C06 1140 + C07 1020 (no overlap) = 2160 = 4.50 days; natural 3 + 4 = 7; 2 items;
    // 0 元; materials a-c06-1, a-c07-1, lic-P2 = 3.
    let fdc = find("SH-FDC", StageGroup::Construction);
    let x = fdc.fewest_items.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (2, "P2".into()));
    let x = fdc.most_items.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (5, "P1".into()));
    let x = fdc.shortest_timed.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (wt(2160), "P2".into()));
    assert_eq!(x.value.to_string(), "4.50个工作日");
    let x = fdc.longest_timed.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (wt(7980), "P1".into()));
    assert_eq!(x.value.to_string(), "16.63个工作日");
    assert_eq!(x.project_name, "松北区利民住宅小区一期");
    assert_eq!(x.project_code, "2024-230109-70-03-000001");
    let x = fdc.shortest_natural.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (7, "P2".into()));
    let x = fdc.longest_natural.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (28, "P1".into()));
    let x = fdc.lowest_cost.as_ref().unwrap();
    assert_eq!(
        (x.value, who(x)),
        (
            Cost {
                fen: 0,
                market_priced: 0
            },
            "P2".into()
        )
    );
    let x = fdc.highest_cost.as_ref().unwrap();
    assert_eq!(
        (x.value, who(x)),
        (
            Cost {
                fen: 6000,
                market_priced: 1
            },
            "P1".into()
        )
    );
    assert_eq!(x.value.to_string(), "60.00元（另有1项市场调节价）");
    let x = fdc.fewest_materials.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (3, "P2".into()));
    let x = fdc.most_materials.as_ref().unwrap();
    assert_eq!((x.value, who(x)), (7, "P1".into()));

    // One project each: fewest and most are the same figure of that project.
    // SH-CC 1-2, P6: C15 1980 + C16 2460 (C16 accepted 4 h after C15 ended) = 4440 = 9.25;
    // natural 13 + 7 = 20; 2 items; materials a-c15-1, a-c16-1, lic-P6 = 3.
    // SH-CF 4, P3: C09's counted time lies inside C10's: 3000 = 6.25; natural [10-21 09:00,
    // 10-30 11:00) = 9; 2 items; materials a-c09-1, a-c10-1, lic-P3 = 3.
    // ZF-LQ 3, P5: C13 2100 + C14 1680 = 3780 = 7.88; natural 7 + 4 = 11; 1 item (JTJ-01
    // twice); materials 2.
    for (cat, group, p, timed, natural, items, materials) in [
        (
            "SH-CC",
            StageGroup::ProjectAndPlanning,
            "P6",
            4440,
            20,
            2,
            3,
        ),
        ("SH-CF", StageGroup::Completion, "P3", 3000, 9, 2, 3),
        ("ZF-LQ", StageGroup::Construction, "P5", 3780, 11, 1, 2),
    ] {
        let f = find(cat, group);
        for e in [&f.shortest_timed, &f.longest_timed] {
            let e = e.as_ref().unwrap();
            assert_eq!((e.value, who(e)), (wt(timed), p.to_owned()), "{cat}");
        }
        for e in [&f.shortest_natural, &f.longest_natural] {
            assert_eq!(e.as_ref().unwrap().value, natural, "{cat}");
        }
        for e in [&f.fewest_items, &f.most_items] {
            assert_eq!(e.as_ref().unwrap().value, items, "{cat}");
        }
        for e in [&f.fewest_materials, &f.most_materials] {
            assert_eq!(e.as_ref().unwrap().value, materials, "{cat}");
        }
        assert_eq!(
            f.highest_cost.as_ref().unwrap().value,
            Cost::default(),
            "{cat}"
        );
    }
    assert_eq!(wt(3780).to_string(), "7.88个工作日");
}

/// (project, whole timed minutes, natural days, items, cases, materials, finished, stages)
type Whole = (
    &'static str,
    i64,
    i64,
    usize,
    usize,
    usize,
    Option<&'static str>,
    Vec<(StageGroup, i64)>,
);

#[rustfmt::skip]
#[test]
fn monthly_report_whole_process_times_count_parallel_cases_once() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let r = s.monthly_report(Period::month(2024, 10).unwrap());
    // Every project had a case handled in October.
    let ids: Vec<&str> = r.projects.iter().map(|p| p.project.as_str()).collect();
    assert_eq!(ids, ["P1", "P2", "P3", "P4", "P5", "P6"]);
    use StageGroup::{Completion, Construction, ProjectAndPlanning};
    let expected: [Whole; 6] = [
        // P1: stage 3 (7980) + C08 in September (09-03..06 = 1920): 9900 = 20.63 days;
        // natural 28 + 4 = 32; 6 items; materials 7 + a-c08-1 = 8.
        ("P1", 9900, 32, 6, 6, 8, Some("2024-10-22 16:00"), vec![(ProjectAndPlanning, 1920), (Construction, 7980)]),
        ("P2", 2160, 7, 2, 2, 3, Some("2024-10-18 10:00"), vec![(Construction, 2160)]),
        ("P3", 3000, 9, 2, 2, 3, Some("2024-10-30 11:00"), vec![(Completion, 3000)]),
        // P4: C12 (a parallel item, 1380) + C11 (540, open): 1920 = 4.00 days; natural
        // 3 + 3 = 6; not finished.
        ("P4", 1920, 6, 2, 2, 2, None, vec![(ProjectAndPlanning, 540)]),
        ("P5", 3780, 11, 1, 2, 2, Some("2024-10-25 17:00"), vec![(Construction, 3780)]),
        ("P6", 4440, 20, 2, 2, 3, Some("2024-10-17 10:00"), vec![(ProjectAndPlanning, 4440)]),
    ];
    for (p, (id, timed, natural, items, cases, materials, finished, stages)) in r.projects.iter().zip(expected) {
        assert_eq!(p.project.as_str(), id);
        assert_eq!(p.whole.timed, wt(timed), "{id}");
        assert_eq!(p.whole.natural_days, natural, "{id}");
        assert_eq!(p.whole.items, items, "{id}");
        assert_eq!(p.whole.cases, cases, "{id}");
        assert_eq!(p.whole.materials, materials, "{id}");
        assert_eq!(p.whole.finished_at, finished.map(lt), "{id}");
        let got: Vec<(StageGroup, i64)> = p.stages.iter().map(|(g, t)| (*g, t.timed.minutes)).collect();
        assert_eq!(got, stages, "{id}");
    }
    assert_eq!(r.projects[0].whole.timed.to_string(), "20.63个工作日");
}

#[rustfmt::skip]
#[test]
fn monthly_report_overdue_time_shares_stops_and_suggestions() {
    let d = data();
    let cal = calendar();
    let s = stats(&d, &cal);
    let r = s.monthly_report(Period::month(2024, 10).unwrap());
    // Handled in October: all accepted cases but C01, C05 (ended in September) and C08.
    // Overdue: C04 (市住建局) and C10 (供电公司).
    let overdue: Vec<(&str, usize, usize)> = r.overdue_by_department.iter().map(|d| (d.department.as_str(), d.cases, d.overdue)).collect();
    assert_eq!(overdue, [("GDGS", 1, 1), ("ZJJ", 4, 1), ("GSJT", 1, 0), ("JTJ", 2, 0), ("RFB", 1, 0), ("ZGJ", 4, 0)]);
    // Counted time of the 13 handled cases: 23880 minutes.
    // JTJ-01 2100+1680 = 3780 (158‰), ZJJ-03 2340+1020 = 3360 (141‰), SZ-GD-2 and ZJJ-02
    // 3000 (126‰, by code), ZGJ-04 2460 (103‰), RFB-02 2280 (95‰), ZGJ-03 1980 (83‰),
    // SZ-GS-1 1380 (58‰), ZJJ-01 1140 (48‰), ZGJ-05 960 (40‰), ZGJ-02 540 (23‰).
    let items: Vec<(&str, i64, u32)> = r.time_by_item.iter().map(|t| (t.code.as_str(), t.timed.minutes, t.permille)).collect();
    assert_eq!(items, [
        ("JTJ-01", 3780, 158), ("ZJJ-03", 3360, 141), ("SZ-GD-2", 3000, 126), ("ZJJ-02", 3000, 126),
        ("ZGJ-04", 2460, 103), ("RFB-02", 2280, 95), ("ZGJ-03", 1980, 83), ("SZ-GS-1", 1380, 58),
        ("ZJJ-01", 1140, 48), ("ZGJ-05", 960, 40), ("ZGJ-02", 540, 23),
    ]);
    // ZJJ 3000+2340+1140+1020 = 7500 (314‰); ZGJ 960+540+1980+2460 = 5940 (249‰).
    let depts: Vec<(&str, i64, u32)> = r.time_by_department.iter().map(|t| (t.code.as_str(), t.timed.minutes, t.permille)).collect();
    assert_eq!(depts, [("ZJJ", 7500, 314), ("ZGJ", 5940, 249), ("JTJ", 3780, 158), ("GDGS", 3000, 126), ("RFB", 2280, 95), ("GSJT", 1380, 58)]);
    // Pauses: C02 24 h, C11 32 h (open), C13 8 h, C14 4 h = 4080 min.
    assert_eq!((r.stopped.pauses, r.stopped.pause_minutes), (4, 4080));
    use SpecialProcedureKind as K;
    let procs: Vec<(K, usize, i64)> = r.stopped.procedures.iter().map(|p| (p.kind, p.count, p.minutes)).collect();
    assert_eq!(procs, [
        (K::PublicNotice, 1, 1440),            // 10-16 09:00 -> 10-17 09:00
        (K::SiteSurvey, 1, 1620),              // 10-09 09:00 -> 10-10 12:00
        (K::HigherAuthorityApproval, 1, 6240), // 10-10 09:00 -> 10-14 17:00
        (K::ExpertReview, 1, 480),             // 10-15 09:00 -> 17:00
        (K::MeetingReview, 1, 120),            // 10-17 14:00 -> 16:00
        (K::Inspection, 1, 180),               // 10-24 09:00 -> 12:00
        (K::SiteVerification, 1, 3120),        // 10-29 14:00 -> as-of 10-31 18:00
        (K::Investigation, 1, 1920),           // 10-22 09:00 -> 10-23 17:00
    ]);
    // JTJ-01: 2 of 2 cases paused. ZJJ-03: 1 of 2 (C04's correction) stays under the bar
    // of 2 cases; ZJJ-02 and ZGJ-02 have one case each.
    assert_eq!(r.recurring.len(), 1);
    assert_eq!((r.recurring[0].item.as_str(), r.recurring[0].stopped_cases, r.recurring[0].pauses), ("JTJ-01", 2, 2));
    // ZJJ: 7500 min = 15.63 days, 31.4%; ZGJ: 5940 min = 12.38 days, 24.9%: both over 20%.
    let texts: Vec<String> = r.suggestions.iter().map(ToString::to_string).collect();
    assert_eq!(texts, [
        "事项“涉路施工许可（公路）”（哈尔滨市交通运输局）2件中有2件被暂停整改或要求补正（暂停2次、补正0次），建议完善办事指南、材料示范文本和一次性告知内容。",
        "国网黑龙江省电力有限公司哈尔滨供电公司有1件超期（共1件），建议督办并分析超期原因。",
        "哈尔滨市住房和城乡建设局有1件超期（共4件），建议督办并分析超期原因。",
        "哈尔滨市住房和城乡建设局用时15.63个工作日，占本期计时用时的31.4%，建议推行并联审批、减少层级。",
        "哈尔滨市自然资源和规划局用时12.38个工作日，占本期计时用时的24.9%，建议推行并联审批、减少层级。",
    ]);
    assert!(r.notes.is_empty());
}

#[test]
fn a_single_case_taken_alone_gives_its_own_clock_figures() {
    // The union arithmetic of stage times must agree with the legal clock case by case.
    let d = sample::generated(2000).unwrap();
    let cal = calendar();
    let s = stats(&d, &cal);
    assert!(s.problems().is_empty(), "{:?}", s.problems());
    assert!(s.figures().len() > 500);
    for f in s.figures() {
        let alone = s.stage_time(&[f]);
        assert_eq!(alone.timed, f.timed, "{}", f.case.id);
        assert_eq!(alone.natural_days, f.natural_days, "{}", f.case.id);
        assert_eq!(alone.materials, f.materials, "{}", f.case.id);
    }
    // And a project's whole time never exceeds the sum of its cases, nor falls below the
    // longest of them.
    let r = s.monthly_report(
        Period::new(lt("2024-01-01 00:00").date(), lt("2024-12-31 00:00").date()).unwrap(),
    );
    for p in &r.projects {
        let mine: Vec<_> = s
            .figures()
            .iter()
            .filter(|f| f.case.project == p.project)
            .collect();
        let sum: i64 = mine.iter().map(|f| f.timed.minutes).sum();
        let max = mine.iter().map(|f| f.timed.minutes).max().unwrap_or(0);
        assert!(
            p.whole.timed.minutes <= sum && p.whole.timed.minutes >= max,
            "{}",
            p.project
        );
    }
}

#[test]
fn cases_that_cannot_be_read_are_named_not_silently_dropped() {
    let d = data();
    let cal = calendar();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    // Without project P5, C13 and C14 cannot be placed.
    let projects: Vec<_> = d
        .projects
        .iter()
        .filter(|p| p.id.as_str() != "P5")
        .cloned()
        .collect();
    let s = Statistics::compute(&d.catalogue, &projects, &d.cases, &clock, d.as_of).unwrap();
    assert_eq!(s.figures().len(), 14);
    let problems: Vec<String> = s.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "办件 C13 所属项目 P5 不在统计数据中，未纳入统计",
            "办件 C14 所属项目 P5 不在统计数据中，未纳入统计",
        ]
    );
    assert_eq!(
        s.table(SeedTable::One, &TableFilter::default()).notes,
        problems
    );
    // A calendar without 2024 still counts every case, Monday to Friday, and says so once.
    let empty = WorkingCalendar::default();
    let clock = LegalClock::new(&empty, OfficeHours::default());
    let s = Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap();
    assert_eq!(s.figures().len(), 16);
    let problems: Vec<String> = s.problems().iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("16 件办件的计时为暂定：缺少 2024 年节假日安排"),
        "{problems:?}"
    );
}

#[test]
fn periods_are_whole_days_and_checked() {
    let feb = Period::month(2024, 2).unwrap();
    assert_eq!(feb.label(), "2024-02-01 至 2024-02-29");
    assert_eq!(
        Period::month(2024, 12).unwrap().to(),
        lt("2024-12-31 00:00").date()
    );
    assert_eq!(
        Period::month(2024, 13).unwrap_err().to_string(),
        "2024 年 13 月不是有效的月份"
    );
    let (a, b) = (lt("2024-10-31 00:00").date(), lt("2024-10-01 00:00").date());
    assert_eq!(
        Period::new(a, b).unwrap_err().to_string(),
        "统计期间的开始日期 2024-10-31 晚于结束日期 2024-10-01"
    );
    assert!(Period::new(b, a).unwrap().contains(a));
}

#[test]
fn column_lists_match_the_seed_counts() {
    for (t, n) in [
        (SeedTable::One, 18),
        (SeedTable::Two, 37),
        (SeedTable::Three, 16),
        (SeedTable::Four, 11),
    ] {
        assert_eq!(t.columns().len(), n, "{t:?}");
    }
    assert_eq!(TABLE_TWO_COLUMNS[9], "现场勘察-是否涉及");
    assert_eq!(TABLE_TWO_COLUMNS[36], "验收审查-成果材料是否上传系统");
    for (i, g) in TABLE_TWO_GROUPS.iter().enumerate() {
        assert_eq!(TABLE_TWO_COLUMNS[9 + 4 * i], format!("{g}-是否涉及"));
    }
}

#[test]
fn a_page_of_a_table_is_that_slice_of_the_whole_table_numbered_as_in_it() {
    let d = sample::generated(2000).unwrap();
    let calendar = calendar();
    let s = stats(&d, &calendar);
    for table in [
        SeedTable::One,
        SeedTable::Two,
        SeedTable::Three,
        SeedTable::Four,
    ] {
        let whole = s.table(table, &TableFilter::default());
        assert_eq!((whole.total, whole.first), (whole.rows.len(), 0));
        assert!(whole.total > 5, "{table:?}: {} rows", whole.total);
        for (first, limit) in [
            (0, 7),
            (5, 3),
            (whole.total - 2, 50),
            (whole.total, 10),
            (whole.total + 9, 1),
        ] {
            let page = s.table_page(table, &TableFilter::default(), first, limit);
            let end = (first + limit).min(whole.total);
            let start = first.min(whole.total);
            assert_eq!(
                page.rows,
                whole.rows[start..end],
                "{table:?} {first}+{limit}"
            );
            assert_eq!((page.total, page.first), (whole.total, first));
            assert_eq!((&page.scope, &page.notes), (&whole.scope, &whole.notes));
        }
        // 序号 of a later page continue the whole table's.
        let page = s.table_page(table, &TableFilter::default(), 5, 1);
        assert_eq!(page.rows[0][0], Cell::Int(6));
    }
}

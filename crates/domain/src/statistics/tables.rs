//! The four tables of seed 11 (全流程在线审批对接统计表) as rows of cells, in exactly the
//! leaf-column order the seed draws (and the documents crate prints).

use super::{CaseFigures, Cell, DataProblem, Period, Statistics};
use crate::catalogue::ItemKind;
use crate::ids::{CategoryCode, DepartmentCode, ProjectId};
use crate::procedure::SpecialProcedureKind;
use crate::time::to_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 数据来源: every case here was handled in this system (系统直办); 系统对接 would be a case
/// reported by a department's own system, which PermitDesk does not import.
pub const DATA_SOURCE: &str = "系统直办";

/// The first eight columns of tables 1-3.
const PROJECT_COLUMNS: [&str; 8] = [
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "工程名称",
    "分类编号",
    "部门名称",
    "事项名称",
];

/// The eight project columns followed by `rest`: the leaf columns of tables 1-3.
const fn after_project_columns<const M: usize, const N: usize>(
    rest: [&'static str; M],
) -> [&'static str; N] {
    assert!(N == PROJECT_COLUMNS.len() + M);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < PROJECT_COLUMNS.len() {
            PROJECT_COLUMNS[i]
        } else {
            rest[i - PROJECT_COLUMNS.len()]
        };
        i += 1;
    }
    out
}

/// 表一 leaf columns; a grouped column is named `组-子列`.
pub const TABLE_ONE_COLUMNS: [&str; 18] = after_project_columns([
    "综合管理窗口接待时间",
    "部门确认告知承诺事项",
    "综合管理窗口发起时间",
    "业务部门受理时间",
    "并联审批是否涉及",
    "业务部门办结时间",
    "办理结果-有无结果",
    "办理结果-电子证照",
    "办理结果-电子证照上传结果",
    "数据来源 (系统直办/系统对接)",
]);

/// The procedure groups of 表二, in the seed's order (its "上门部门审批" is a typo for
/// 上级部门审批).
pub const TABLE_TWO_GROUPS: [&str; 7] = [
    "现场勘察",
    "上级部门审批",
    "专业审查",
    "现场核查",
    "勘察(不计时)",
    "监测(不计时)",
    "验收审查",
];

/// 表二 leaf columns: 8 project columns, 是否涉及, then 7 groups of 4.
pub const TABLE_TWO_COLUMNS: [&str; 37] = after_project_columns([
    "是否涉及",
    "现场勘察-是否涉及",
    "现场勘察-开始时间",
    "现场勘察-结束时间",
    "现场勘察-成果材料是否上传系统",
    "上级部门审批-是否涉及",
    "上级部门审批-开始时间",
    "上级部门审批-结束时间",
    "上级部门审批-成果材料是否上传系统",
    "专业审查-是否涉及",
    "专业审查-开始时间",
    "专业审查-结束时间",
    "专业审查-成果材料是否上传系统",
    "现场核查-是否涉及",
    "现场核查-开始时间",
    "现场核查-结束时间",
    "现场核查-成果材料是否上传系统",
    "勘察(不计时)-是否涉及",
    "勘察(不计时)-开始时间",
    "勘察(不计时)-结束时间",
    "勘察(不计时)-成果材料是否上传系统",
    "监测(不计时)-是否涉及",
    "监测(不计时)-开始时间",
    "监测(不计时)-结束时间",
    "监测(不计时)-成果材料是否上传系统",
    "验收审查-是否涉及",
    "验收审查-开始时间",
    "验收审查-结束时间",
    "验收审查-成果材料是否上传系统",
]);

/// 表三 leaf columns.
pub const TABLE_THREE_COLUMNS: [&str; 16] = after_project_columns([
    "综合管理窗口接待时间",
    "综合管理窗口发起时间",
    "业务部门受理时间",
    "业务部门办结时间",
    "办理结果-有无结果",
    "办理结果-上传结果",
    "办理结果-电子证照",
    "数据来源 (系统直办/系统对接)",
]);

/// 表四 leaf columns.
pub const TABLE_FOUR_COLUMNS: [&str; 11] = [
    "序号",
    "主管部门名称",
    "技术评审或中介服务名称",
    "技术评审或中介机构名称",
    "中介服务超市平台办理开始时间",
    "中介服务超市平台办理结束时间",
    "成果材料是否上传中介服务超市平台",
    "成果应用-项目编号",
    "成果应用-项目名称",
    "成果应用-申请人",
    "成果应用-工程名称",
];

/// The column group of 表二 a special procedure is reported under (index into
/// [`TABLE_TWO_GROUPS`]), or None for the kinds the seed's table has no column for.
///
/// Mapping, nearest group where the name differs:
/// 现场勘察 -> 现场勘察; 上级部门审批 -> 上级部门审批; 专业审查, 专家审查, 会议审查 -> 专业审查
/// (a review of the substance by experts or a meeting); 现场核查 -> 现场核查; 勘察 -> 勘察(不计时);
/// 监测, 检验 -> 监测(不计时) (both untimed measurement); 验收审查 -> 验收审查.
/// 公示, 公告, 听证 and 征求意见 have no near column: they are counted in the table's note.
pub fn table_two_group(kind: SpecialProcedureKind) -> Option<usize> {
    use SpecialProcedureKind as K;
    match kind {
        K::SiteSurvey => Some(0),
        K::HigherAuthorityApproval => Some(1),
        K::ProfessionalReview | K::ExpertReview | K::MeetingReview => Some(2),
        K::SiteVerification => Some(3),
        K::Investigation => Some(4),
        K::Monitoring | K::Inspection => Some(5),
        K::AcceptanceReview => Some(6),
        K::PublicNotice | K::Announcement | K::Hearing | K::Consultation => None,
    }
}

/// One of the four tables of seed 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SeedTable {
    /// 表一 行政审批、备案类.
    One,
    /// 表二 审批过程中特别程序办理情况 (of the cases of 表一).
    Two,
    /// 表三 市政公用服务类.
    Three,
    /// 表四 技术评审或中介服务类.
    Four,
}

impl SeedTable {
    pub const ALL: [SeedTable; 4] = [
        SeedTable::One,
        SeedTable::Two,
        SeedTable::Three,
        SeedTable::Four,
    ];

    pub fn number(self) -> u8 {
        match self {
            SeedTable::One => 1,
            SeedTable::Two => 2,
            SeedTable::Three => 3,
            SeedTable::Four => 4,
        }
    }

    /// The leaf columns, in row order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            SeedTable::One => &TABLE_ONE_COLUMNS,
            SeedTable::Two => &TABLE_TWO_COLUMNS,
            SeedTable::Three => &TABLE_THREE_COLUMNS,
            SeedTable::Four => &TABLE_FOUR_COLUMNS,
        }
    }

    /// Which item kinds the table lists.
    pub fn lists(self, kind: ItemKind) -> bool {
        match self {
            SeedTable::One | SeedTable::Two => {
                matches!(kind, ItemKind::AdministrativeApproval | ItemKind::Filing)
            }
            SeedTable::Three => kind == ItemKind::MunicipalUtility,
            SeedTable::Four => {
                matches!(
                    kind,
                    ItemKind::TechnicalReview | ItemKind::IntermediaryService
                )
            }
        }
    }
}

/// 筛选条件: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableFilter {
    /// Cases accepted (受理) within the period.
    pub period: Option<Period>,
    /// The handling department, or for 表四 also the competent department (主管部门). A
    /// department's own statistics set this (seed 10: 查看本部门).
    pub department: Option<DepartmentCode>,
    pub project: Option<ProjectId>,
    /// 项目分类.
    pub category: Option<CategoryCode>,
}

impl TableFilter {
    fn admits(&self, f: &CaseFigures<'_>) -> bool {
        self.period.is_none_or(|p| p.contains(f.accepted_at.date()))
            && self.department.as_ref().is_none_or(|d| {
                &f.case.department == d || f.item.competent_department.as_ref() == Some(d)
            })
            && self.project.as_ref().is_none_or(|p| &f.case.project == p)
            && self
                .category
                .as_ref()
                .is_none_or(|c| &f.project.details.category == c)
    }
}

/// A table's rows, in the seed's column order, and the notes printed under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableRows {
    pub table: SeedTable,
    /// 统计范围 as a reader sees it, e.g. "统计期间：2024-10-01 至 2024-10-31　部门：全部　…".
    pub scope: String,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    /// 总行数: the rows of the whole table; `rows` is the page from row `first` (0-based) on
    /// (the whole table unless a page was asked for, [`Statistics::table_page`]).
    pub total: usize,
    pub first: usize,
}

fn opt_time(t: Option<crate::time::LocalTime>) -> Cell {
    t.map_or(Cell::Empty, Cell::DateTime)
}

impl Statistics<'_> {
    /// One of the four tables, rows ordered by project code, then acceptance time, then case id.
    pub fn table(&self, table: SeedTable, filter: &TableFilter) -> TableRows {
        self.table_page(table, filter, 0, usize::MAX)
    }

    /// 分页: rows `first..first + limit` of [`Statistics::table`] (numbered 序号 as in the whole
    /// table), with its total and its notes; only the page's rows are built.
    pub fn table_page(
        &self,
        table: SeedTable,
        filter: &TableFilter,
        first: usize,
        limit: usize,
    ) -> TableRows {
        let mut chosen: Vec<&CaseFigures<'_>> = self
            .figures
            .iter()
            .filter(|f| table.lists(f.item.kind) && filter.admits(f))
            .collect();
        chosen.sort_by(|a, b| {
            (a.project.details.code.as_str(), a.accepted_at, &a.case.id).cmp(&(
                b.project.details.code.as_str(),
                b.accepted_at,
                &b.case.id,
            ))
        });
        let mut notes = Vec::new();
        let rows = chosen
            .iter()
            .enumerate()
            .skip(first)
            .take(limit)
            .map(|(i, f)| {
                let seq = Cell::Int(i64::try_from(i).unwrap_or(i64::MAX) + 1);
                match table {
                    SeedTable::One => self.row_one(seq, f),
                    SeedTable::Two => self.row_two(seq, f),
                    SeedTable::Three => self.row_three(seq, f),
                    SeedTable::Four => self.row_four(seq, f),
                }
            })
            .collect();
        if table == SeedTable::Two {
            let mut unlisted: BTreeMap<SpecialProcedureKind, usize> = BTreeMap::new();
            for f in &chosen {
                for p in f.procedures {
                    if table_two_group(p.kind).is_none() {
                        *unlisted.entry(p.kind).or_default() += 1;
                    }
                }
            }
            if !unlisted.is_empty() {
                let parts: Vec<String> = unlisted
                    .iter()
                    .map(|(k, n)| format!("{}{}次", k.label(), n))
                    .collect();
                notes.push(format!("本表栏目未列的特别程序：{}。", parts.join("、")));
            }
        }
        notes.extend(self.problems.iter().map(DataProblem::to_string));
        TableRows {
            table,
            scope: self.describe(filter),
            rows,
            notes,
            total: chosen.len(),
            first,
        }
    }

    /// 统计范围 line of a filter.
    pub fn describe(&self, filter: &TableFilter) -> String {
        let all = || "全部".to_owned();
        let period = filter.period.map_or_else(all, |p| p.label());
        let department = filter
            .department
            .as_ref()
            .map_or_else(all, |d| self.department_name(d));
        let project = filter.project.as_ref().map_or_else(all, |p| {
            self.project(p)
                .map_or_else(|| p.to_string(), |p| p.details.name.clone())
        });
        let category = filter.category.as_ref().map_or_else(all, |c| {
            self.catalogue
                .category(c)
                .map_or_else(|| c.to_string(), |c| c.name.clone())
        });
        format!(
            "统计期间（受理）：{period}　部门：{department}　项目：{project}　项目分类：{category}"
        )
    }

    /// The eight project columns of tables 1-3. 分类编号 is the project's category code
    /// (项目分类编码) of the catalogue.
    fn project_cells(&self, seq: Cell, f: &CaseFigures<'_>) -> Vec<Cell> {
        let d = &f.project.details;
        vec![
            seq,
            Cell::Text(d.code.as_str().to_owned()),
            Cell::Text(d.name.clone()),
            Cell::Text(d.builder.name.clone()),
            Cell::Text(works_name(f)),
            Cell::Text(d.category.to_string()),
            Cell::Text(self.department_name(&f.case.department)),
            Cell::Text(f.item.name.clone()),
        ]
    }

    fn row_one(&self, seq: Cell, f: &CaseFigures<'_>) -> Vec<Cell> {
        let mut row = self.project_cells(seq, f);
        let cert = f.certificate();
        row.extend([
            opt_time(f.case.received_at.map(to_local)),
            Cell::YesNo(f.case.commitment_based),
            Cell::DateTime(f.accepted_at),
            opt_time(f.department_accepted_at()),
            Cell::YesNo(f.parallel),
            opt_time(completed_at(f)),
            Cell::Text(if f.has_result() { "有" } else { "无" }.to_owned()),
            cert.map_or(Cell::Empty, |c| Cell::Text(c.number.to_string())),
            cert.map_or(Cell::Empty, |c| {
                Cell::Text(
                    if c.file.is_some() {
                        "已上传"
                    } else {
                        "未上传"
                    }
                    .to_owned(),
                )
            }),
            Cell::Text(DATA_SOURCE.to_owned()),
        ]);
        row
    }

    /// A group with several procedures shows the earliest start, the latest end (empty while
    /// one is open) and "uploaded" only if every one of them has result materials.
    fn row_two(&self, seq: Cell, f: &CaseFigures<'_>) -> Vec<Cell> {
        let mut row = self.project_cells(seq, f);
        row.push(Cell::YesNo(!f.procedures.is_empty()));
        for group in 0..TABLE_TWO_GROUPS.len() {
            let in_group: Vec<_> = f
                .procedures
                .iter()
                .filter(|p| table_two_group(p.kind) == Some(group))
                .collect();
            if in_group.is_empty() {
                row.extend([Cell::YesNo(false), Cell::Empty, Cell::Empty, Cell::Empty]);
                continue;
            }
            let start = in_group.iter().map(|p| p.started_at).min().map(to_local);
            let end = if in_group.iter().all(|p| p.ended_at.is_some()) {
                in_group
                    .iter()
                    .filter_map(|p| p.ended_at)
                    .max()
                    .map(to_local)
            } else {
                None
            };
            let uploaded = in_group.iter().all(|p| !p.results.is_empty());
            row.extend([
                Cell::YesNo(true),
                opt_time(start),
                opt_time(end),
                Cell::YesNo(uploaded),
            ]);
        }
        row
    }

    fn row_three(&self, seq: Cell, f: &CaseFigures<'_>) -> Vec<Cell> {
        let mut row = self.project_cells(seq, f);
        let cert = f.certificate();
        row.extend([
            opt_time(f.case.received_at.map(to_local)),
            Cell::DateTime(f.accepted_at),
            opt_time(f.department_accepted_at()),
            opt_time(completed_at(f)),
            Cell::Text(if f.has_result() { "有" } else { "无" }.to_owned()),
            Cell::Text(
                if result_uploaded(f) {
                    "已上传"
                } else {
                    "未上传"
                }
                .to_owned(),
            ),
            cert.map_or(Cell::Empty, |c| Cell::Text(c.number.to_string())),
            Cell::Text(DATA_SOURCE.to_owned()),
        ]);
        row
    }

    /// 主管部门: the item's competent department, else its handling department. The agency
    /// (中介机构) is the handling department as the catalogue names it, until commissions
    /// record the chosen agency.
    fn row_four(&self, seq: Cell, f: &CaseFigures<'_>) -> Vec<Cell> {
        let d = &f.project.details;
        let competent = f
            .item
            .competent_department
            .as_ref()
            .unwrap_or(&f.case.department);
        vec![
            seq,
            Cell::Text(self.department_name(competent)),
            Cell::Text(f.item.name.clone()),
            Cell::Text(self.department_name(&f.case.department)),
            Cell::DateTime(f.accepted_at),
            opt_time(completed_at(f)),
            Cell::YesNo(result_uploaded(f)),
            Cell::Text(d.code.as_str().to_owned()),
            Cell::Text(d.name.clone()),
            Cell::Text(d.builder.name.clone()),
            Cell::Text(works_name(f)),
        ]
    }
}

/// 办结时间: only a completion (granted or denied) is 办结; a return or withdrawal is not.
fn completed_at(f: &CaseFigures<'_>) -> Option<crate::time::LocalTime> {
    f.case.decision.as_ref().and(f.ended_at)
}

/// Result materials in the system: the certificate file of a granted case.
fn result_uploaded(f: &CaseFigures<'_>) -> bool {
    f.certificate().is_some_and(|c| c.file.is_some())
}

fn works_name(f: &CaseFigures<'_>) -> String {
    f.project
        .works
        .iter()
        .find(|w| w.id == f.case.works)
        .map_or_else(|| f.case.works.to_string(), |w| w.name.clone())
}

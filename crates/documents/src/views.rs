//! What each document shows, as plain data: strings, dates and numbers, already resolved from
//! the domain (catalogue, case, legal clock) by the caller. No ids to look up, no IO.

use chrono::{NaiveDate, NaiveDateTime};

/// Beijing wall-clock time (北京时间), as the domain's `time::LocalTime`.
pub type LocalTime = NaiveDateTime;

/// 工程建设项目: the project as registered (项目信息登记).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectView {
    /// 项目代码 (24 characters, provincial investment platform).
    pub code: String,
    pub name: String,
    /// 建设单位.
    pub builder: String,
    /// 统一社会信用代码 of the builder.
    pub credit_code: String,
    /// 法定代表人.
    pub legal_representative: String,
    /// 投资类型: 政府投资 / 社会投资.
    pub investment_type: String,
    /// 项目分类, e.g. 社会投资房地产项目.
    pub category: String,
    /// 建设地点.
    pub location: String,
    /// 总投资, in 10,000 yuan (万元).
    pub investment_wan_yuan: f64,
    /// 用地面积 in m².
    pub land_area_m2: f64,
    /// 总建筑面积 in m².
    pub floor_area_m2: f64,
    /// 建设规模及内容.
    pub scale: String,
}

/// 工程: one works (building or section) of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct WorksView {
    pub code: String,
    pub name: String,
    pub floor_area_m2: f64,
    /// 建设内容.
    pub content: String,
}

/// A person to call about the application.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactView {
    /// e.g. 项目负责人, 经办人.
    pub role: String,
    pub name: String,
    pub phone: String,
    /// 身份证号, already masked by the caller if it should be.
    pub id_number: String,
}

/// One item applied for in an application (申请事项).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationItemView {
    pub code: String,
    pub name: String,
    pub department: String,
    /// 事项类型: 行政审批, 备案, 技术审查, 中介服务, 市政公用服务.
    pub kind: String,
    /// 法定办理时限 in working days (0 = 即办).
    pub time_limit_days: u32,
    /// Applied for under 告知承诺制.
    pub commitment: bool,
}

/// 工程建设项目审批事项申请表 (seed 6.7.2): printed, stamped and uploaded by the builder.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationFormView {
    /// 申请表编号.
    pub form_number: String,
    /// Short code printed under the QR code (核验码).
    pub verification_code: String,
    /// What the QR code encodes (a verification URL or token).
    pub qr_payload: String,
    pub project: ProjectView,
    pub works: WorksView,
    /// 审批阶段 of the items, e.g. 工程建设许可阶段.
    pub stage: String,
    pub contacts: Vec<ContactView>,
    pub items: Vec<ApplicationItemView>,
    /// 申请人承诺 text.
    pub commitment_text: String,
    pub applied_on: NaiveDate,
}

/// Whether a material must always be given.
#[derive(Debug, Clone, PartialEq)]
pub enum Requirement {
    /// 必要.
    Required,
    /// 容缺/视情形: required only when the condition holds.
    Conditional { condition: String },
}

/// 原件 / 复印件.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialForm {
    Original,
    Copy,
    OriginalAndCopy,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件及复印件",
        }
    }
}

/// 电子 / 纸质.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Electronic,
    Paper,
    Both,
}

impl Medium {
    pub fn label(self) -> &'static str {
        match self {
            Medium::Electronic => "电子",
            Medium::Paper => "纸质",
            Medium::Both => "电子和纸质",
        }
    }
}

/// A material the applicant must provide (申报材料).
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialView {
    pub name: String,
    pub requirement: Requirement,
    pub form: MaterialForm,
    pub copies: u32,
    pub medium: Medium,
}

/// One item of the one-time notice.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeItemView {
    pub code: String,
    pub name: String,
    pub department: String,
    pub time_limit_days: u32,
    /// 可实行告知承诺制.
    pub commitment_allowed: bool,
    pub materials: Vec<MaterialView>,
}

/// One stage of the chosen flow.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeStageView {
    /// e.g. 第二阶段 工程建设许可.
    pub label: String,
    /// 牵头部门.
    pub lead_department: String,
    pub items: Vec<NoticeItemView>,
}

/// 综合窗口: where the applicant goes and whom to call.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowView {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
}

/// 一次性告知单 (seed 6.6): every item and material of the project's flow, in one paper.
#[derive(Debug, Clone, PartialEq)]
pub struct OneTimeNoticeView {
    pub notice_number: String,
    pub project: ProjectView,
    /// 审批流程 name, e.g. 社会投资房地产项目审批流程.
    pub flow_name: String,
    pub stages: Vec<NoticeStageView>,
    pub window: WindowView,
    /// 经办人 at the window.
    pub operator: String,
    pub issued_on: NaiveDate,
    pub verification_code: String,
    pub qr_payload: String,
    /// 温馨提示 lines.
    pub notes: Vec<String>,
}

/// What every case notice says about the case it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRefView {
    /// 办件编号 / 受理编号.
    pub case_number: String,
    pub project_code: String,
    pub project_name: String,
    /// 建设单位 (申请人).
    pub applicant: String,
    pub works_name: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
}

/// Who issues a notice, and the verification mark on it.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerView {
    /// The issuing body, printed above the stamp (e.g. 哈尔滨市工程建设项目综合受理窗口).
    pub organisation: String,
    /// 经办人.
    pub operator: String,
    pub phone: String,
    pub issued_on: NaiveDate,
    pub verification_code: String,
    pub qr_payload: String,
}

/// A material received at acceptance.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedMaterialView {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
}

/// 受理通知书: the case is accepted and the legal clock runs from here.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptanceReceiptView {
    pub notice_number: String,
    pub case: CaseRefView,
    /// 接件时间.
    pub received_at: LocalTime,
    /// 受理时间.
    pub accepted_at: LocalTime,
    /// 承诺办理时限 in working days.
    pub time_limit_days: u32,
    /// 办结期限 computed by the legal clock.
    pub deadline: LocalTime,
    /// "暂定：缺少 2027 年节假日安排" when the deadline was counted Monday to Friday for want
    /// of a year's holiday table; printed beside the deadline.
    pub deadline_note: Option<String>,
    pub commitment: bool,
    pub materials: Vec<ReceivedMaterialView>,
    pub issuer: IssuerView,
}

/// One problem found with the materials.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionIssueView {
    pub material: String,
    /// 缺少 / 有误 / 不符合要求.
    pub problem: String,
    /// Why, and what is needed instead.
    pub reason: String,
}

/// 补正告知书 (seed 6.7.3, 7.2): every missing or wrong material, all at once.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionNoticeView {
    pub notice_number: String,
    pub case: CaseRefView,
    /// 形式审查 (window) or 实质审查 (department).
    pub review: String,
    pub issues: Vec<CorrectionIssueView>,
    /// 补正期限 text, e.g. "请于 2024年10月15日 前补正".
    pub due_text: String,
    pub issuer: IssuerView,
}

/// 不予受理通知书.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAcceptedNoticeView {
    pub notice_number: String,
    pub case: CaseRefView,
    pub received_at: LocalTime,
    pub reasons: Vec<String>,
    pub legal_basis: String,
    /// 救济途径: review and litigation rights.
    pub remedy: String,
    pub issuer: IssuerView,
}

/// 退件通知书 (seed 7.3): the department returns the case; the applicant must apply again.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnNoticeView {
    pub notice_number: String,
    pub case: CaseRefView,
    pub accepted_at: LocalTime,
    pub returned_at: LocalTime,
    pub reasons: Vec<String>,
    pub instructions: String,
    pub issuer: IssuerView,
}

/// 办结通知书.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionNoticeView {
    pub notice_number: String,
    pub case: CaseRefView,
    pub accepted_at: LocalTime,
    pub completed_at: LocalTime,
    /// 办理结果: 准予许可 / 不予许可 / 已备案 ...
    pub outcome: String,
    pub result_text: String,
    pub time_limit_days: u32,
    /// 实际用时 counted by the legal clock (working days).
    pub working_days_used: u32,
    /// Set when the time used was counted provisionally (a year without a holiday table).
    pub used_note: Option<String>,
    pub certificate_number: Option<String>,
    pub issuer: IssuerView,
}

/// 电子证照 printout (seed 7.5).
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateView {
    /// e.g. 建设工程规划许可证.
    pub title: String,
    pub certificate_number: String,
    /// 发证机关.
    pub issuer: String,
    /// 持证主体 (建设单位).
    pub holder: String,
    pub holder_credit_code: String,
    pub project_name: String,
    pub project_code: String,
    /// (label, value) lines of the certificate's content.
    pub content: Vec<(String, String)>,
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub verification_code: String,
    pub qr_payload: String,
    pub notes: Vec<String>,
}

/// The four tables of seed 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsTable {
    /// 表一: 行政审批、备案类.
    One,
    /// 表二: 审批过程中特别程序办理情况统计.
    Two,
    /// 表三: 市政公用服务类.
    Three,
    /// 表四: 技术评审或中介服务类.
    Four,
}

/// A value in a statistics or list table.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    Text(String),
    Int(i64),
    Date(NaiveDate),
    DateTime(LocalTime),
    /// 是 / 否.
    YesNo(bool),
}

impl CellValue {
    /// How the value is printed and exported to CSV.
    pub fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Int(n) => n.to_string(),
            CellValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            CellValue::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            CellValue::YesNo(b) => if *b { "是" } else { "否" }.to_string(),
        }
    }
}

impl From<&str> for CellValue {
    fn from(s: &str) -> Self {
        CellValue::Text(s.to_string())
    }
}

/// One of the four statistics tables, with its rows in the seed's column order (leaf columns,
/// 序号 included).
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsTableView {
    pub table: StatisticsTable,
    /// 统计范围, e.g. "统计期间：2024-07-01 至 2024-09-30　部门：全部".
    pub scope: String,
    /// 制表单位.
    pub compiled_by: String,
    /// When the table was produced (printed, and the document date).
    pub generated_at: LocalTime,
    pub rows: Vec<Vec<CellValue>>,
}

/// A column of a plain list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListColumn {
    pub header: String,
    /// Relative width (also the xlsx width in characters).
    pub width: f32,
}

/// Any list (cases, projects, items...) exported as a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ListView {
    pub title: String,
    pub columns: Vec<ListColumn>,
    pub rows: Vec<Vec<CellValue>>,
}

//! 工程建设项目: a project as registered with the comprehensive window (项目信息登记, seed 6.6),
//! its works 工程, and the registration workflow as commands decided into events.
//!
//! Online registration (网上登记): the applicant drafts, then submits to the window; the window
//! checks it and either sends one correction notice listing every problem (一次性告知修正) or
//! chooses the approval flow, which issues the one-time notice 一次性告知单. On-site registration
//! (现场登记): the window enters the project itself, so it starts at the window.

use crate::actor::{Actor, Role};
use crate::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use crate::districts::Districts;
use crate::entity::{Availability, availability};
use crate::ids::{CategoryCode, FlowCode, OrganisationId, ProjectId, WorksId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

// ---------------------------------------------------------------------------------------------
// Quantities: money and areas are exact integers, never floats.

/// Why a decimal amount typed by a user was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecimalError {
    #[error("数值为空")]
    Empty,
    #[error("数值不能为负数")]
    Negative,
    #[error("数值第{position}位“{found}”不是数字")]
    InvalidCharacter { position: usize, found: char },
    #[error("数值最多保留{max}位小数")]
    TooManyDecimals { max: u32 },
    #[error("数值过大")]
    TooLarge,
}

/// Parse a non-negative decimal into an integer of `scale` decimal places ("12.5", 2 -> 1250).
/// Thousands separators (`,`) are allowed because amounts are often copied from documents.
fn parse_scaled(s: &str, scale: u32) -> Result<i64, DecimalError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DecimalError::Empty);
    }
    if s.starts_with('-') {
        return Err(DecimalError::Negative);
    }
    let mut int: i64 = 0;
    let mut decimals: Option<u32> = None;
    let mut digits = 0usize;
    for (i, c) in s.chars().enumerate() {
        match c {
            '0'..='9' => {
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                    if *d > scale {
                        return Err(DecimalError::TooManyDecimals { max: scale });
                    }
                }
                let digit = i64::from(u32::from(c) - u32::from('0'));
                int = int
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(digit))
                    .ok_or(DecimalError::TooLarge)?;
                digits += 1;
            }
            '.' if decimals.is_none() => decimals = Some(0),
            ',' if decimals.is_none() => {}
            '+' if i == 0 => {}
            _ => {
                return Err(DecimalError::InvalidCharacter {
                    position: i + 1,
                    found: c,
                });
            }
        }
    }
    if digits == 0 {
        return Err(DecimalError::Empty);
    }
    let missing = scale - decimals.unwrap_or(0);
    10i64
        .checked_pow(missing)
        .and_then(|f| int.checked_mul(f))
        .ok_or(DecimalError::TooLarge)
}

/// Format an integer of `scale` decimal places, keeping at least `min` decimals.
fn format_scaled(v: i64, scale: u32, min: u32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    let factor = 10u64.pow(scale);
    let mut frac = format!("{:0width$}", abs % factor, width = scale as usize);
    while frac.len() > min as usize && frac.ends_with('0') {
        frac.pop();
    }
    if frac.is_empty() {
        format!("{sign}{}", abs / factor)
    } else {
        format!("{sign}{}.{frac}", abs / factor)
    }
}

/// An amount of money in fen (分, 0.01 yuan). Investment is usually quoted in 万元.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    const FEN_PER_WAN: i64 = 1_000_000;

    pub fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// From whole 万元, for tests and demo data.
    pub fn from_wan(wan: i64) -> Option<Self> {
        wan.checked_mul(Self::FEN_PER_WAN).map(Money)
    }

    /// Parse an amount in 元 with up to 2 decimals, e.g. `12345.67`.
    pub fn parse_yuan(s: &str) -> Result<Self, DecimalError> {
        parse_scaled(s, 2).map(Money)
    }

    /// Parse an amount in 万元 with up to 6 decimals, e.g. `3500.5`.
    pub fn parse_wan(s: &str) -> Result<Self, DecimalError> {
        parse_scaled(s, 6).map(Money)
    }

    /// In 元 with 2 decimals, e.g. `35005000.00`.
    pub fn format_yuan(self) -> String {
        format_scaled(self.0, 2, 2)
    }

    /// In 万元 with as many decimals as needed (at least 2), e.g. `3500.50`.
    pub fn format_wan(self) -> String {
        format_scaled(self.0, 6, 2)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}万元", self.format_wan())
    }
}

/// An area in hundredths of a square metre (面积, 平方米 with 2 decimals).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct Area(i64);

impl Area {
    pub fn from_hundredths(h: i64) -> Self {
        Area(h)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// From whole square metres, for tests and demo data.
    pub fn from_square_metres(m2: i64) -> Option<Self> {
        m2.checked_mul(100).map(Area)
    }

    /// Parse square metres with up to 2 decimals, e.g. `12800.5`.
    pub fn parse(s: &str) -> Result<Self, DecimalError> {
        parse_scaled(s, 2).map(Area)
    }

    /// Square metres with 2 decimals, e.g. `12800.50`.
    pub fn format(self) -> String {
        format_scaled(self.0, 2, 2)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}平方米", self.format())
    }
}

// ---------------------------------------------------------------------------------------------
// The registration form.

/// 投资类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InvestmentType {
    /// 政府投资
    Government,
    /// 社会投资 (企业投资)
    Social,
}

impl InvestmentType {
    pub fn label(self) -> &'static str {
        match self {
            Self::Government => "政府投资",
            Self::Social => "社会投资",
        }
    }
}

/// 建设单位.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Builder {
    pub name: String,
    pub credit_code: CreditCode,
}

/// 建设地点.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// 详细地址
    pub address: String,
    /// 所在行政区划: a Heilongjiang division (checked by its type) that the hall serves (checked
    /// by [`Project::decide`] against the 行政区划 reference data in force).
    pub district: RegionCode,
}

/// What a contact person is to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// 法定代表人
    LegalRepresentative,
    /// 项目负责人
    ProjectLead,
    /// 联系人
    Liaison,
    /// 代办人 (an agent handling the paperwork)
    Agent,
}

impl ContactRole {
    pub fn label(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "法定代表人",
            Self::ProjectLead => "项目负责人",
            Self::Liaison => "联系人",
            Self::Agent => "代办人",
        }
    }
}

/// 联系人.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contact {
    pub name: String,
    pub phone: PhoneNumber,
    pub role: ContactRole,
}

/// 工程: one building or section of a project; items are applied for per works.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Works {
    pub id: WorksId,
    pub name: String,
    pub description: String,
    pub building_area: Area,
}

/// 工程建设项目登记表: what the applicant (or the window) fills in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectDetails {
    /// 项目代码 from the provincial investment platform.
    pub code: ProjectCode,
    /// 项目名称
    pub name: String,
    pub builder: Builder,
    pub investment: InvestmentType,
    /// 项目分类 of the catalogue (e.g. 社会投资厂房项目).
    pub category: CategoryCode,
    pub location: Location,
    /// 总投资
    pub investment_amount: Money,
    /// 用地面积
    pub land_area: Area,
    /// 总建筑面积
    pub building_area: Area,
    pub contacts: Vec<Contact>,
}

// ---------------------------------------------------------------------------------------------
// The project and its registration state.

/// How the project came to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationChannel {
    /// 网上登记 by the applicant (seed 6.6.2)
    Online,
    /// 现场登记 by the window (seed 6.6.1)
    OnSite,
}

/// 登记状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// 草稿: the applicant is still filling it in.
    Draft,
    /// 已提交综合窗口: waiting for the window's check.
    SubmittedToWindow,
    /// 待修正: the window sent the list of problems back.
    CorrectionRequested,
    /// 已选择审批流程: the flow is chosen and the one-time notice issued; items can be applied for.
    FlowChosen,
    /// 已关闭
    Closed,
}

impl RegistrationState {
    pub const ALL: [RegistrationState; 5] = [
        Self::Draft,
        Self::SubmittedToWindow,
        Self::CorrectionRequested,
        Self::FlowChosen,
        Self::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::SubmittedToWindow => "已提交综合窗口",
            Self::CorrectionRequested => "待修正",
            Self::FlowChosen => "已选择审批流程",
            Self::Closed => "已关闭",
        }
    }
}

impl fmt::Display for RegistrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 工程建设项目, as the projection of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Project {
    pub id: ProjectId,
    /// The organisation whose applicants may edit and submit it.
    pub owner: OrganisationId,
    pub channel: RegistrationChannel,
    pub details: ProjectDetails,
    pub works: Vec<Works>,
    /// 审批流程, once the window chose it.
    pub flow: Option<FlowCode>,
    pub state: RegistrationState,
    /// The problems of the open correction request (empty when none is open).
    pub corrections: Vec<String>,
    /// When the one-time notice 一次性告知单 was issued.
    pub notice_issued_at: Option<Timestamp>,
    pub closed_reason: Option<String>,
    pub registered_at: Timestamp,
    pub last_event_at: Timestamp,
    /// Number of events applied; the next event's sequence number within this project.
    pub version: u64,
}

// ---------------------------------------------------------------------------------------------
// Commands, events, refusals.

/// What someone asks to do with a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProjectCommand {
    /// 网上登记: the applicant starts a draft for its own organisation.
    RegisterOnline {
        id: ProjectId,
        details: ProjectDetails,
    },
    /// 现场登记: the window registers a project for the applicant standing at the desk.
    RegisterOnSite {
        id: ProjectId,
        owner: OrganisationId,
        details: ProjectDetails,
    },
    /// 完善登记信息.
    Edit { details: ProjectDetails },
    /// 提交综合窗口.
    Submit,
    /// 一次性告知修正: every problem at once.
    RequestCorrection { problems: Vec<String> },
    /// 选择审批流程 and issue the one-time notice. The category is the flow's category in the
    /// catalogue; it must be the project's.
    ChooseFlow {
        flow: FlowCode,
        category: CategoryCode,
    },
    /// 添加工程.
    AddWorks { works: Works },
    /// 关闭项目 (withdrawn, cancelled or merged).
    Close { reason: String },
}

/// The kind of a command, as named in refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DomainProjectAction"))]
#[serde(rename_all = "snake_case")]
pub enum ProjectAction {
    RegisterOnline,
    RegisterOnSite,
    Edit,
    Submit,
    RequestCorrection,
    ChooseFlow,
    AddWorks,
    Close,
}

impl ProjectAction {
    pub const ALL: [ProjectAction; 8] = [
        Self::RegisterOnline,
        Self::RegisterOnSite,
        Self::Edit,
        Self::Submit,
        Self::RequestCorrection,
        Self::ChooseFlow,
        Self::AddWorks,
        Self::Close,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::RegisterOnline => "网上登记项目",
            Self::RegisterOnSite => "现场登记项目",
            Self::Edit => "修改项目登记信息",
            Self::Submit => "提交综合窗口",
            Self::RequestCorrection => "一次性告知修正",
            Self::ChooseFlow => "选择审批流程",
            Self::AddWorks => "添加工程",
            Self::Close => "关闭项目",
        }
    }

    /// The roles that may ever take this action, whatever the state.
    pub fn allowed_roles(self) -> &'static [Role] {
        roles_for(self)
    }
}

impl fmt::Display for ProjectAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl ProjectCommand {
    pub fn action(&self) -> ProjectAction {
        match self {
            Self::RegisterOnline { .. } => ProjectAction::RegisterOnline,
            Self::RegisterOnSite { .. } => ProjectAction::RegisterOnSite,
            Self::Edit { .. } => ProjectAction::Edit,
            Self::Submit => ProjectAction::Submit,
            Self::RequestCorrection { .. } => ProjectAction::RequestCorrection,
            Self::ChooseFlow { .. } => ProjectAction::ChooseFlow,
            Self::AddWorks { .. } => ProjectAction::AddWorks,
            Self::Close { .. } => ProjectAction::Close,
        }
    }
}

/// What happened to a project. Each event records who did it, in which role, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProjectEvent {
    Registered {
        id: ProjectId,
        owner: OrganisationId,
        channel: RegistrationChannel,
        details: ProjectDetails,
        actor: Actor,
        at: Timestamp,
    },
    Edited {
        details: ProjectDetails,
        actor: Actor,
        at: Timestamp,
    },
    Submitted {
        actor: Actor,
        at: Timestamp,
    },
    CorrectionRequested {
        problems: Vec<String>,
        actor: Actor,
        at: Timestamp,
    },
    FlowChosen {
        flow: FlowCode,
        category: CategoryCode,
        actor: Actor,
        at: Timestamp,
    },
    /// 一次性告知单 issued for the chosen flow.
    OneTimeNoticeIssued {
        flow: FlowCode,
        actor: Actor,
        at: Timestamp,
    },
    WorksAdded {
        works: Works,
        actor: Actor,
        at: Timestamp,
    },
    Closed {
        reason: String,
        actor: Actor,
        at: Timestamp,
    },
}

impl ProjectEvent {
    pub fn actor(&self) -> &Actor {
        match self {
            Self::Registered { actor, .. }
            | Self::Edited { actor, .. }
            | Self::Submitted { actor, .. }
            | Self::CorrectionRequested { actor, .. }
            | Self::FlowChosen { actor, .. }
            | Self::OneTimeNoticeIssued { actor, .. }
            | Self::WorksAdded { actor, .. }
            | Self::Closed { actor, .. } => actor,
        }
    }

    pub fn at(&self) -> Timestamp {
        match self {
            Self::Registered { at, .. }
            | Self::Edited { at, .. }
            | Self::Submitted { at, .. }
            | Self::CorrectionRequested { at, .. }
            | Self::FlowChosen { at, .. }
            | Self::OneTimeNoticeIssued { at, .. }
            | Self::WorksAdded { at, .. }
            | Self::Closed { at, .. } => *at,
        }
    }

    /// The event's tag as serialised, e.g. `flow_chosen`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Registered { .. } => "registered",
            Self::Edited { .. } => "edited",
            Self::Submitted { .. } => "submitted",
            Self::CorrectionRequested { .. } => "correction_requested",
            Self::FlowChosen { .. } => "flow_chosen",
            Self::OneTimeNoticeIssued { .. } => "one_time_notice_issued",
            Self::WorksAdded { .. } => "works_added",
            Self::Closed { .. } => "closed",
        }
    }
}

/// Which amount was negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AmountField {
    InvestmentAmount,
    LandArea,
    BuildingArea,
    WorksBuildingArea,
}

impl AmountField {
    pub fn label(self) -> &'static str {
        match self {
            Self::InvestmentAmount => "总投资",
            Self::LandArea => "用地面积",
            Self::BuildingArea => "总建筑面积",
            Self::WorksBuildingArea => "工程建筑面积",
        }
    }
}

impl fmt::Display for AmountField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a project command was refused. A refused command changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProjectError {
    #[error("{}无权{action}", .role.label())]
    NotAllowedForRole { role: Role, action: ProjectAction },
    #[error("项目当前状态为“{state}”，不能{action}")]
    WrongState {
        state: RegistrationState,
        action: ProjectAction,
    },
    #[error("只有项目所属单位的申请人才能{action}")]
    NotOwner { action: ProjectAction },
    #[error("申请人账号未关联单位，不能网上登记项目")]
    ApplicantWithoutOrganisation,
    #[error("项目尚未登记，不能{action}")]
    NotRegistered { action: ProjectAction },
    #[error("项目{id}已登记")]
    AlreadyRegistered { id: ProjectId },
    #[error("操作时间{at}早于项目上一条记录的时间{last}")]
    TimeBeforeLastEvent { last: Timestamp, at: Timestamp },
    #[error("项目编号为空")]
    EmptyProjectId,
    #[error("项目所属单位为空")]
    EmptyOwner,
    #[error("项目名称不能为空")]
    EmptyName,
    #[error("建设单位名称不能为空")]
    EmptyBuilderName,
    #[error("项目分类不能为空")]
    EmptyCategory,
    #[error("建设地点的详细地址不能为空")]
    EmptyAddress,
    #[error(
        "建设地点所在行政区划 {district}（{name}）不在本大厅服务的行政区划内，请从本大厅服务的行政区划中选择"
    )]
    DistrictNotServed { district: RegionCode, name: String },
    #[error("{field}不能为负数")]
    NegativeAmount { field: AmountField },
    #[error("至少需要一位联系人")]
    NoContact,
    #[error("第{index}位联系人的姓名不能为空")]
    EmptyContactName { index: usize },
    #[error("工程编号不能为空")]
    EmptyWorksId,
    #[error("工程名称不能为空")]
    EmptyWorksName,
    #[error("项目中已有编号为{id}的工程")]
    DuplicateWorks { id: WorksId },
    #[error("一次性告知修正至少要列出一个问题")]
    EmptyCorrectionList,
    #[error("第{index}个修正问题的内容为空")]
    EmptyCorrectionItem { index: usize },
    #[error("审批流程编码不能为空")]
    EmptyFlowCode,
    #[error("审批流程{flow}属于项目分类{flow_category}，与本项目的分类{project_category}不符")]
    FlowCategoryMismatch {
        flow: FlowCode,
        flow_category: CategoryCode,
        project_category: CategoryCode,
    },
    #[error("关闭项目须说明原因")]
    EmptyCloseReason,
}

/// An event stream that cannot be a project's history (a corrupted or mixed-up log).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProjectReplayError {
    #[error("项目记录的第一条应为登记，实际为{kind}")]
    NotRegistered { kind: &'static str },
    #[error("项目{id}已登记，记录中又出现登记")]
    AlreadyRegistered { id: ProjectId },
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn validate_details(d: &ProjectDetails) -> Result<(), ProjectError> {
    if blank(&d.name) {
        return Err(ProjectError::EmptyName);
    }
    if blank(&d.builder.name) {
        return Err(ProjectError::EmptyBuilderName);
    }
    if blank(d.category.as_str()) {
        return Err(ProjectError::EmptyCategory);
    }
    if blank(&d.location.address) {
        return Err(ProjectError::EmptyAddress);
    }
    for (field, negative) in [
        (
            AmountField::InvestmentAmount,
            d.investment_amount.is_negative(),
        ),
        (AmountField::LandArea, d.land_area.is_negative()),
        (AmountField::BuildingArea, d.building_area.is_negative()),
    ] {
        if negative {
            return Err(ProjectError::NegativeAmount { field });
        }
    }
    if d.contacts.is_empty() {
        return Err(ProjectError::NoContact);
    }
    if let Some(i) = d.contacts.iter().position(|c| blank(&c.name)) {
        return Err(ProjectError::EmptyContactName { index: i + 1 });
    }
    Ok(())
}

/// The location must be a division the hall serves. An edit that keeps the registered
/// district is not refused for it (the list may have changed since the registration).
fn check_district(
    districts: &Districts,
    details: &ProjectDetails,
    registered: Option<&ProjectDetails>,
) -> Result<(), ProjectError> {
    let district = details.location.district;
    if districts.serves(&district) || registered.is_some_and(|r| r.location.district == district) {
        return Ok(());
    }
    Err(ProjectError::DistrictNotServed {
        district,
        name: district.division().full_name(),
    })
}

fn validate_works(project: &Project, w: &Works) -> Result<(), ProjectError> {
    if blank(w.id.as_str()) {
        return Err(ProjectError::EmptyWorksId);
    }
    if blank(&w.name) {
        return Err(ProjectError::EmptyWorksName);
    }
    if w.building_area.is_negative() {
        return Err(ProjectError::NegativeAmount {
            field: AmountField::WorksBuildingArea,
        });
    }
    if project.works.iter().any(|existing| existing.id == w.id) {
        return Err(ProjectError::DuplicateWorks { id: w.id.clone() });
    }
    Ok(())
}

/// The roles that may ever take an action, whatever the state.
fn roles_for(action: ProjectAction) -> &'static [Role] {
    use ProjectAction as A;
    match action {
        A::RegisterOnline | A::Submit => &[Role::Applicant],
        A::RegisterOnSite | A::RequestCorrection | A::ChooseFlow => &[Role::WindowOperator],
        A::Edit | A::AddWorks => &[Role::Applicant, Role::WindowOperator],
        A::Close => &[Role::Applicant, Role::WindowOperator, Role::ReformOffice],
    }
}

fn check_role(action: ProjectAction, actor: &Actor) -> Result<(), ProjectError> {
    if roles_for(action).contains(&actor.role) {
        Ok(())
    } else {
        Err(ProjectError::NotAllowedForRole {
            role: actor.role,
            action,
        })
    }
}

/// The states in which `role` may take `action` on an existing project.
fn allowed_in(role: Role, action: ProjectAction, state: RegistrationState) -> bool {
    use ProjectAction as A;
    use RegistrationState as S;
    match (action, role) {
        (A::Edit | A::Submit, Role::Applicant) => {
            matches!(state, S::Draft | S::CorrectionRequested)
        }
        (A::Submit, _) => false,
        // The window completes the form while the project is at its desk (seed 6.6.1 b).
        (A::Edit, _) => state == S::SubmittedToWindow,
        (A::RequestCorrection | A::ChooseFlow, _) => state == S::SubmittedToWindow,
        (A::AddWorks, _) => state != S::Closed,
        // An applicant may only discard a draft the window has never seen.
        (A::Close, Role::Applicant) => state == S::Draft,
        (A::Close, _) => state != S::Closed,
        (A::RegisterOnline | A::RegisterOnSite, _) => false,
    }
}

impl Project {
    /// Decide a command against the current state (`None`: no such project yet) with the
    /// 行政区划 in force (a registration's location must be one the hall serves). Pure: the
    /// same inputs always give the same events or the same refusal, and nothing is changed.
    pub fn decide(
        state: Option<&Project>,
        cmd: &ProjectCommand,
        actor: &Actor,
        at: Timestamp,
        districts: &Districts,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        let action = cmd.action();
        check_role(action, actor)?;
        let actor_ = actor.clone();
        let project = match (state, cmd) {
            (
                Some(p),
                ProjectCommand::RegisterOnline { .. } | ProjectCommand::RegisterOnSite { .. },
            ) => {
                return Err(ProjectError::AlreadyRegistered { id: p.id.clone() });
            }
            (None, ProjectCommand::RegisterOnline { id, details }) => {
                let owner = actor
                    .organisation
                    .clone()
                    .ok_or(ProjectError::ApplicantWithoutOrganisation)?;
                return Self::register(
                    id,
                    owner,
                    RegistrationChannel::Online,
                    details,
                    actor_,
                    at,
                    districts,
                );
            }
            (None, ProjectCommand::RegisterOnSite { id, owner, details }) => {
                if blank(owner.as_str()) {
                    return Err(ProjectError::EmptyOwner);
                }
                let owner = owner.clone();
                return Self::register(
                    id,
                    owner,
                    RegistrationChannel::OnSite,
                    details,
                    actor_,
                    at,
                    districts,
                );
            }
            (None, _) => return Err(ProjectError::NotRegistered { action }),
            (Some(p), _) => p,
        };
        project.gate(action, actor)?;
        if at < project.last_event_at {
            return Err(ProjectError::TimeBeforeLastEvent {
                last: project.last_event_at,
                at,
            });
        }
        let event = match cmd {
            ProjectCommand::RegisterOnline { .. } | ProjectCommand::RegisterOnSite { .. } => {
                return Err(ProjectError::AlreadyRegistered {
                    id: project.id.clone(),
                });
            }
            ProjectCommand::Edit { details } => {
                validate_details(details)?;
                check_district(districts, details, Some(&project.details))?;
                ProjectEvent::Edited {
                    details: details.clone(),
                    actor: actor_,
                    at,
                }
            }
            ProjectCommand::Submit => ProjectEvent::Submitted { actor: actor_, at },
            ProjectCommand::RequestCorrection { problems } => {
                if problems.is_empty() {
                    return Err(ProjectError::EmptyCorrectionList);
                }
                if let Some(i) = problems.iter().position(|p| blank(p)) {
                    return Err(ProjectError::EmptyCorrectionItem { index: i + 1 });
                }
                ProjectEvent::CorrectionRequested {
                    problems: problems.clone(),
                    actor: actor_,
                    at,
                }
            }
            ProjectCommand::ChooseFlow { flow, category } => {
                if blank(flow.as_str()) {
                    return Err(ProjectError::EmptyFlowCode);
                }
                if *category != project.details.category {
                    return Err(ProjectError::FlowCategoryMismatch {
                        flow: flow.clone(),
                        flow_category: category.clone(),
                        project_category: project.details.category.clone(),
                    });
                }
                return Ok(vec![
                    ProjectEvent::FlowChosen {
                        flow: flow.clone(),
                        category: category.clone(),
                        actor: actor_.clone(),
                        at,
                    },
                    ProjectEvent::OneTimeNoticeIssued {
                        flow: flow.clone(),
                        actor: actor_,
                        at,
                    },
                ]);
            }
            ProjectCommand::AddWorks { works } => {
                validate_works(project, works)?;
                ProjectEvent::WorksAdded {
                    works: works.clone(),
                    actor: actor_,
                    at,
                }
            }
            ProjectCommand::Close { reason } => {
                if blank(reason) {
                    return Err(ProjectError::EmptyCloseReason);
                }
                ProjectEvent::Closed {
                    reason: reason.clone(),
                    actor: actor_,
                    at,
                }
            }
        };
        Ok(vec![event])
    }

    /// Whether `actor` may take `action` on this project now, and if not, why: the role, the
    /// owner (an applicant only on its own organisation's project) and the state. The content
    /// of a command (the form, the problems, the flow's category) is checked by
    /// [`Project::decide`], which runs this same gate first.
    pub fn may(&self, action: ProjectAction, actor: &Actor) -> Result<(), ProjectError> {
        check_role(action, actor)?;
        if matches!(
            action,
            ProjectAction::RegisterOnline | ProjectAction::RegisterOnSite
        ) {
            return Err(ProjectError::AlreadyRegistered {
                id: self.id.clone(),
            });
        }
        self.gate(action, actor)
    }

    /// 可办理的操作: every action but the two registrations, with whether `actor` may take it
    /// now and, if not, the sentence the domain would refuse it with.
    pub fn available_actions(&self, actor: &Actor) -> Vec<Availability<ProjectAction>> {
        availability(
            ProjectAction::ALL.into_iter().filter(|a| {
                !matches!(
                    a,
                    ProjectAction::RegisterOnline | ProjectAction::RegisterOnSite
                )
            }),
            ProjectAction::label,
            |action| self.may(action, actor),
        )
    }

    /// The owner and state preconditions of `action` on this project (see [`Project::may`]).
    fn gate(&self, action: ProjectAction, actor: &Actor) -> Result<(), ProjectError> {
        if actor.role == Role::Applicant && actor.organisation.as_ref() != Some(&self.owner) {
            return Err(ProjectError::NotOwner { action });
        }
        if !allowed_in(actor.role, action, self.state) {
            return Err(ProjectError::WrongState {
                state: self.state,
                action,
            });
        }
        Ok(())
    }

    fn register(
        id: &ProjectId,
        owner: OrganisationId,
        channel: RegistrationChannel,
        details: &ProjectDetails,
        actor: Actor,
        at: Timestamp,
        districts: &Districts,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        if blank(id.as_str()) {
            return Err(ProjectError::EmptyProjectId);
        }
        validate_details(details)?;
        check_district(districts, details, None)?;
        Ok(vec![ProjectEvent::Registered {
            id: id.clone(),
            owner,
            channel,
            details: details.clone(),
            actor,
            at,
        }])
    }

    /// Fold one event into the state. Events are facts: only a stream that cannot be a
    /// project's history (no registration first, or two) is refused.
    pub fn apply(
        state: Option<Project>,
        event: &ProjectEvent,
    ) -> Result<Project, ProjectReplayError> {
        let mut p = match (state, event) {
            (
                None,
                ProjectEvent::Registered {
                    id,
                    owner,
                    channel,
                    details,
                    at,
                    ..
                },
            ) => {
                return Ok(Project {
                    id: id.clone(),
                    owner: owner.clone(),
                    channel: *channel,
                    details: details.clone(),
                    works: Vec::new(),
                    flow: None,
                    state: match channel {
                        RegistrationChannel::Online => RegistrationState::Draft,
                        RegistrationChannel::OnSite => RegistrationState::SubmittedToWindow,
                    },
                    corrections: Vec::new(),
                    notice_issued_at: None,
                    closed_reason: None,
                    registered_at: *at,
                    last_event_at: *at,
                    version: 1,
                });
            }
            (None, e) => return Err(ProjectReplayError::NotRegistered { kind: e.kind() }),
            (Some(p), ProjectEvent::Registered { .. }) => {
                return Err(ProjectReplayError::AlreadyRegistered { id: p.id });
            }
            (Some(p), _) => p,
        };
        match event {
            ProjectEvent::Registered { .. } => {}
            ProjectEvent::Edited { details, .. } => p.details = details.clone(),
            ProjectEvent::Submitted { .. } => {
                p.state = RegistrationState::SubmittedToWindow;
                p.corrections.clear();
            }
            ProjectEvent::CorrectionRequested { problems, .. } => {
                p.state = RegistrationState::CorrectionRequested;
                p.corrections = problems.clone();
            }
            ProjectEvent::FlowChosen { flow, .. } => {
                p.state = RegistrationState::FlowChosen;
                p.flow = Some(flow.clone());
            }
            ProjectEvent::OneTimeNoticeIssued { at, .. } => p.notice_issued_at = Some(*at),
            ProjectEvent::WorksAdded { works, .. } => p.works.push(works.clone()),
            ProjectEvent::Closed { reason, .. } => {
                p.state = RegistrationState::Closed;
                p.closed_reason = Some(reason.clone());
            }
        }
        p.last_event_at = event.at();
        p.version += 1;
        Ok(p)
    }

    /// Rebuild a project from its whole history (`None` for an empty history).
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a ProjectEvent>,
    ) -> Result<Option<Project>, ProjectReplayError> {
        crate::entity::replay(events)
    }
}

impl crate::entity::Entity for Project {
    type Id = ProjectId;
    type Command = ProjectCommand;
    type Event = ProjectEvent;
    type Error = ProjectError;
    type ReplayError = ProjectReplayError;
    /// The 行政区划 in force: where a project may be located.
    type Context<'c> = Districts;
    type Action = ProjectAction;
    const KIND: &'static str = "project";

    /// A project's id travels in its registration command (and is the state's afterwards).
    fn decide(
        state: Option<&Self>,
        _: &ProjectId,
        cmd: &ProjectCommand,
        acting: &crate::case::Acting,
        districts: &Districts,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        Project::decide(state, cmd, &acting.actor, acting.at, districts)
    }

    fn apply(state: Option<Self>, event: &ProjectEvent) -> Result<Self, ProjectReplayError> {
        Project::apply(state, event)
    }

    fn missing() -> ProjectError {
        ProjectError::NotRegistered {
            action: ProjectAction::Edit,
        }
    }

    fn available_actions(&self, actor: &Actor) -> Vec<Availability<ProjectAction>> {
        Project::available_actions(self, actor)
    }
}

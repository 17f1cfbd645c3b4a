//! 中介服务超市 (seed 9): the public market catalogue and commissions 服务委托 from selection
//! through the agency's acceptance (clock starts), report, confirmation and sharing of results.
//!
//! A [`Commission`] is a fold of events like a case. It starts one of three ways: the competent
//! department commissions an agency when the government pays (政府采购); the applicant picks an
//! agency from the menu (菜单式选择); or the applicant publishes a request, qualified agencies
//! quote and the applicant selects by a rule (lowest price, random draw with a number supplied
//! from outside — the domain draws nothing — or direct choice among the quotes).

pub mod market;

pub use market::{
    Agency, AgencyContact, DEMO_MARKET_TOML, MarketCatalogue, MarketError, MarketMismatch,
    Qualification, ServiceListing,
};

use crate::actor::{Actor, Role};
use crate::case::Acting;
use crate::clock::{ClockInput, StopReason, StoppedSpan};
use crate::entity::{Availability, availability};
use crate::ids::{AttachmentId, CaseId, DepartmentCode, ItemCode, OrganisationId, ProjectId};
use crate::time::{Timestamp, to_local};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// 委托编号.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct CommissionId(pub String);

impl CommissionId {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who pays, hence who commissions (seed 9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// 政府采购: the competent department commissions.
    Government,
    /// 申请人自行付费: the applicant chooses.
    Applicant,
}

/// How the agency was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CommissionMode {
    /// 主管部门委托.
    ByDepartment,
    /// 菜单式直接选择.
    DirectChoice,
    /// 竞价选取.
    Competitive,
}

/// The service's terms fixed at commissioning, so later market edits do not change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceTerms {
    pub market_version: String,
    pub item: ItemCode,
    pub name: String,
    pub competent_department: DepartmentCode,
    pub time_limit_working_days: u32,
    pub fee_standard: String,
    pub service_standard: String,
}

/// 选取规则 of a competitive selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum SelectionRule {
    /// 最低价: ties go to the earlier quote.
    LowestPrice,
    /// 随机抽取: the quotes in agency-code order, the `draw`-th modulo their number. The draw is
    /// supplied (a lottery number, a server's random value) and recorded, so anyone can check it.
    RandomDraw { draw: u64 },
    /// 直接选择 one of the agencies that quoted.
    Direct { agency: OrganisationId },
}

impl SelectionRule {
    pub fn label(&self) -> &'static str {
        match self {
            SelectionRule::LowestPrice => "最低价",
            SelectionRule::RandomDraw { .. } => "随机抽取",
            SelectionRule::Direct { .. } => "直接选择",
        }
    }
}

/// 报价.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Quote {
    pub agency: OrganisationId,
    /// 报价, in fen.
    pub price_fen: u64,
    pub note: String,
    pub at: Timestamp,
    /// The agency was selected and then declined the commission.
    pub declined: bool,
}

/// How a delivered report was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum DeliveryOutcome {
    /// 申请人认可.
    Confirmed,
    /// 专家审查合格.
    ExpertReviewPassed { conclusion: String },
    /// 专家审查不合格: revise.
    ExpertReviewFailed { conclusion: String },
    /// 申请人退回修改.
    RevisionRequested { points: Vec<String> },
}

/// 成果报告 as delivered, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Delivery {
    pub report: AttachmentId,
    pub summary: String,
    pub at: Timestamp,
    pub outcome: Option<(DeliveryOutcome, Timestamp)>,
}

/// 成果应用: an approval case that uses the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultShare {
    pub case: CaseId,
    pub item: ItemCode,
    pub by: Actor,
    pub at: Timestamp,
}

/// 委托状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CommissionState {
    /// 竞价中: the request is published; qualified agencies quote.
    Requested,
    /// 待接受委托.
    AwaitingAcceptance,
    /// 服务中: the clock runs.
    InService,
    /// 成果已提交: awaiting the applicant's confirmation or an expert review (clock stopped).
    Delivered,
    /// 修改中: sent back; the clock runs again.
    InRevision,
    /// 服务办结.
    Completed,
    /// 机构不接受委托.
    Declined,
    /// 已取消.
    Cancelled,
}

impl CommissionState {
    pub fn label(self) -> &'static str {
        match self {
            CommissionState::Requested => "竞价中",
            CommissionState::AwaitingAcceptance => "待接受委托",
            CommissionState::InService => "服务中",
            CommissionState::Delivered => "成果已提交",
            CommissionState::InRevision => "成果修改中",
            CommissionState::Completed => "服务办结",
            CommissionState::Declined => "机构不接受委托",
            CommissionState::Cancelled => "已取消",
        }
    }

    /// No command changes a commission in these states (a completed one may still be shared).
    pub fn is_terminal(self) -> bool {
        matches!(self, CommissionState::Declined | CommissionState::Cancelled)
    }
}

impl fmt::Display for CommissionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A command on a commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum CommissionCommand {
    /// 政府采购: the competent department commissions an agency for the applicant.
    CommissionByDepartment {
        service: ItemCode,
        project: ProjectId,
        applicant: OrganisationId,
        agency: OrganisationId,
    },
    /// 菜单式选择: the applicant commissions an agency of its choice.
    CommissionDirect {
        service: ItemCode,
        project: ProjectId,
        agency: OrganisationId,
    },
    /// 发布竞价公告: the applicant asks qualified agencies to quote.
    PublishRequest {
        service: ItemCode,
        project: ProjectId,
        /// 服务需求 (scope, site, expected delivery).
        requirements: String,
    },
    /// 报价 (an agency qualified for the service).
    SubmitQuote { price_fen: u64, note: String },
    /// 选取.
    Select { rule: SelectionRule },
    /// 接受委托, 开始受理服务: the clock starts.
    Accept,
    /// 不接受委托.
    Decline { reason: String },
    /// 提交成果报告.
    Deliver {
        report: AttachmentId,
        summary: String,
    },
    /// 申请人认可: ends the service.
    Confirm,
    /// 专家审查 by the competent department: passed ends the service, failed sends it back.
    RecordExpertReview { passed: bool, conclusion: String },
    /// 退回修改.
    RequestRevision { points: Vec<String> },
    /// 成果共享: record the approval case (and its item) that uses the result.
    ShareResult { case: CaseId, item: ItemCode },
    /// 取消委托 (before the agency accepts).
    Cancel { reason: String },
}

/// What a command is, for messages and role checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CommissionAction {
    CommissionByDepartment,
    CommissionDirect,
    PublishRequest,
    SubmitQuote,
    Select,
    Accept,
    Decline,
    Deliver,
    Confirm,
    RecordExpertReview,
    RequestRevision,
    ShareResult,
    Cancel,
}

impl CommissionAction {
    pub const ALL: [CommissionAction; 13] = [
        Self::CommissionByDepartment,
        Self::CommissionDirect,
        Self::PublishRequest,
        Self::SubmitQuote,
        Self::Select,
        Self::Accept,
        Self::Decline,
        Self::Deliver,
        Self::Confirm,
        Self::RecordExpertReview,
        Self::RequestRevision,
        Self::ShareResult,
        Self::Cancel,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::CommissionByDepartment => "主管部门委托",
            Self::CommissionDirect => "选择中介机构委托",
            Self::PublishRequest => "发布竞价公告",
            Self::SubmitQuote => "报价",
            Self::Select => "选取中介机构",
            Self::Accept => "接受委托",
            Self::Decline => "不接受委托",
            Self::Deliver => "提交成果报告",
            Self::Confirm => "认可成果",
            Self::RecordExpertReview => "记录专家审查结论",
            Self::RequestRevision => "退回修改",
            Self::ShareResult => "共享成果",
            Self::Cancel => "取消委托",
        }
    }

    /// The roles that may take this action; whose commission it is is checked separately.
    pub fn allowed_roles(self) -> &'static [Role] {
        use CommissionAction as A;
        match self {
            A::CommissionByDepartment | A::RecordExpertReview => &[Role::DepartmentReviewer],
            A::CommissionDirect
            | A::PublishRequest
            | A::Select
            | A::Confirm
            | A::RequestRevision => &[Role::Applicant],
            A::SubmitQuote | A::Accept | A::Decline | A::Deliver => &[Role::IntermediaryAgency],
            A::ShareResult => &[Role::Applicant, Role::WindowOperator],
            A::Cancel => &[Role::Applicant, Role::DepartmentReviewer],
        }
    }
}

impl fmt::Display for CommissionAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl CommissionCommand {
    pub fn action(&self) -> CommissionAction {
        use CommissionAction as A;
        match self {
            Self::CommissionByDepartment { .. } => A::CommissionByDepartment,
            Self::CommissionDirect { .. } => A::CommissionDirect,
            Self::PublishRequest { .. } => A::PublishRequest,
            Self::SubmitQuote { .. } => A::SubmitQuote,
            Self::Select { .. } => A::Select,
            Self::Accept => A::Accept,
            Self::Decline { .. } => A::Decline,
            Self::Deliver { .. } => A::Deliver,
            Self::Confirm => A::Confirm,
            Self::RecordExpertReview { .. } => A::RecordExpertReview,
            Self::RequestRevision { .. } => A::RequestRevision,
            Self::ShareResult { .. } => A::ShareResult,
            Self::Cancel { .. } => A::Cancel,
        }
    }
}

/// One recorded change of a commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommissionEvent {
    pub commission: CommissionId,
    pub at: Timestamp,
    pub actor: Actor,
    pub opinion: Option<String>,
    pub attachments: Vec<AttachmentId>,
    pub change: CommissionChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum CommissionChange {
    Commissioned {
        mode: CommissionMode,
        payer: Payer,
        terms: ServiceTerms,
        project: ProjectId,
        applicant: OrganisationId,
        /// None for a competitive request (chosen later).
        agency: Option<OrganisationId>,
        requirements: Option<String>,
    },
    Quoted {
        agency: OrganisationId,
        price_fen: u64,
        note: String,
    },
    Selected {
        rule: SelectionRule,
        agency: OrganisationId,
        price_fen: u64,
    },
    Accepted,
    Declined {
        reason: String,
    },
    Delivered {
        report: AttachmentId,
        summary: String,
    },
    Confirmed,
    ExpertReviewed {
        passed: bool,
        conclusion: String,
    },
    RevisionRequested {
        points: Vec<String>,
    },
    ResultShared {
        case: CaseId,
        item: ItemCode,
    },
    Cancelled {
        reason: String,
    },
}

/// Why a command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum CommissionError {
    #[error("委托尚未建立")]
    NoSuchCommission,
    #[error("委托已存在，不能重复建立")]
    AlreadyExists,
    #[error("委托处于“{state}”状态，不能{action}")]
    InvalidTransition {
        action: CommissionAction,
        state: CommissionState,
    },
    #[error("角色“{}”不能{action}", role.label())]
    RoleNotAllowed {
        action: CommissionAction,
        role: Role,
    },
    #[error("中介服务超市目录中没有服务事项 {service}")]
    UnknownService { service: ItemCode },
    #[error("中介机构 {agency} 没有承接“{service}”的有效资质")]
    AgencyNotEligible {
        agency: OrganisationId,
        service: ItemCode,
    },
    #[error("该事项的主管部门为 {competent}，本部门（{actor_department}）不能{action}")]
    NotCompetentDepartment {
        action: CommissionAction,
        competent: DepartmentCode,
        actor_department: String,
    },
    #[error("该委托属于其他申请单位，不能办理")]
    OtherApplicant,
    #[error("账号未关联单位，不能{action}")]
    NoOrganisation { action: CommissionAction },
    #[error("该委托不是委托给本机构的，不能办理")]
    NotYourCommission,
    #[error("本机构已报价，不能重复报价")]
    AlreadyQuoted,
    #[error("报价金额应大于零")]
    ZeroPrice,
    #[error("尚无有效报价，不能选取")]
    NoQuotes,
    #[error("中介机构 {agency} 未报价（或已不接受委托），不能选取")]
    NoQuoteFrom { agency: OrganisationId },
    #[error("政府采购的委托只能由主管部门取消")]
    GovernmentPaid,
    #[error("该成果已共享给办件 {case}（事项 {item}）")]
    AlreadyShared { case: CaseId, item: ItemCode },
    #[error("{field}不能为空")]
    Empty { field: Cow<'static, str> },
    #[error("操作时间 {at} 早于本委托上一条记录的时间 {last}")]
    TimeBeforeLastEvent { at: Timestamp, last: Timestamp },
}

/// Why a sequence of events does not fold into a commission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommissionReplayError {
    #[error("没有任何记录")]
    Empty,
    #[error("第一条记录不是建立委托")]
    FirstEventNotCommissioned,
    #[error("委托被重复建立")]
    CommissionedTwice,
    #[error("记录属于委托 {found}，不属于 {expected}")]
    WrongCommission {
        expected: CommissionId,
        found: CommissionId,
    },
}

/// A commission: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Commission {
    pub id: CommissionId,
    pub mode: CommissionMode,
    pub payer: Payer,
    pub terms: ServiceTerms,
    pub project: ProjectId,
    pub applicant: OrganisationId,
    pub requirements: Option<String>,
    /// The agency commissioned (chosen), once there is one.
    pub agency: Option<OrganisationId>,
    /// 中标价 of a competitive selection.
    pub price_fen: Option<u64>,
    pub quotes: Vec<Quote>,
    pub selection: Option<SelectionRule>,
    pub state: CommissionState,
    pub created_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub deliveries: Vec<Delivery>,
    pub completed_at: Option<Timestamp>,
    pub shares: Vec<ResultShare>,
    /// Reason of a decline or a cancellation.
    pub end_reason: Option<String>,
    pub last_event_at: Timestamp,
    pub version: u64,
}

impl Commission {
    /// The quotes still in the running, in agency-code order (the order of a random draw).
    pub fn open_quotes(&self) -> Vec<&Quote> {
        let mut quotes: Vec<&Quote> = self.quotes.iter().filter(|q| !q.declined).collect();
        quotes.sort_by(|a, b| a.agency.cmp(&b.agency));
        quotes
    }

    /// The final report, once the service is completed.
    pub fn result(&self) -> Option<&Delivery> {
        (self.state == CommissionState::Completed)
            .then(|| self.deliveries.last())
            .flatten()
    }

    /// Whether `actor` may see this commission (the pull filter): the applicant's users, the
    /// chosen agency and those that quoted, any agency qualified while a request is open, the
    /// competent department, the window, the reform office and the system.
    pub fn visible_to(&self, actor: &Actor, market: &MarketCatalogue) -> bool {
        match actor.role {
            Role::Applicant => actor.organisation.as_ref() == Some(&self.applicant),
            Role::IntermediaryAgency => actor.organisation.as_ref().is_some_and(|org| {
                self.agency.as_ref() == Some(org)
                    || self.quotes.iter().any(|q| &q.agency == org)
                    || (self.state == CommissionState::Requested
                        && market.eligible(
                            org,
                            &self.terms.item,
                            to_local(self.last_event_at).date(),
                        ))
            }),
            Role::DepartmentReviewer => {
                actor.department.as_ref() == Some(&self.terms.competent_department)
            }
            Role::WindowOperator | Role::ReformOffice | Role::System => true,
            Role::UtilityUnit => false,
        }
    }

    /// The service clock: from the agency's acceptance, N = the service's time limit. While a
    /// report waits for confirmation or review the time is the applicant's, not the agency's,
    /// so it is stopped (the clock's generic stop); it ends at completion.
    pub fn clock_input(&self) -> Option<ClockInput> {
        let accepted_at = self.accepted_at?;
        let stopped = self
            .deliveries
            .iter()
            .map(|d| StoppedSpan {
                from: to_local(d.at),
                to: d.outcome.as_ref().map(|(_, at)| to_local(*at)),
                reason: StopReason::Pause,
            })
            .collect();
        Some(ClockInput {
            accepted_at: to_local(accepted_at),
            limit_working_days: self.terms.time_limit_working_days,
            stopped,
            ended_at: self.completed_at.map(to_local),
        })
    }

    /// Decide a command against the current state (None before the commission exists), with
    /// the market catalogue for services and qualifications. Returns the events to append, or
    /// a typed refusal; never changes anything itself.
    pub fn decide(
        commission: Option<&Commission>,
        id: &CommissionId,
        cmd: &CommissionCommand,
        acting: &Acting,
        market: &MarketCatalogue,
    ) -> Result<Vec<CommissionEvent>, CommissionError> {
        use CommissionCommand as C;
        let (actor, at) = (&acting.actor, acting.at);
        let action = cmd.action();
        check_role(action, actor)?;
        let today = to_local(at).date();
        let opinion = acting
            .opinion
            .as_ref()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        let event = |change: CommissionChange, intrinsic: Vec<AttachmentId>| {
            let mut attachments = intrinsic;
            for a in &acting.attachments {
                if !attachments.contains(a) {
                    attachments.push(a.clone());
                }
            }
            vec![CommissionEvent {
                commission: id.clone(),
                at,
                actor: actor.clone(),
                opinion: opinion.clone(),
                attachments,
                change,
            }]
        };
        let terms_of = |service: &ItemCode| {
            market
                .service(service)
                .map(|s| ServiceTerms {
                    market_version: market.version.clone(),
                    item: s.item.clone(),
                    name: s.name.clone(),
                    competent_department: s.competent_department.clone(),
                    time_limit_working_days: s.time_limit_working_days,
                    fee_standard: s.fee_standard.clone(),
                    service_standard: s.service_standard.clone(),
                })
                .ok_or_else(|| CommissionError::UnknownService {
                    service: service.clone(),
                })
        };
        let eligible =
            |agency: &OrganisationId, service: &ItemCode| qualified(market, agency, service, today);
        let own_organisation = || {
            actor
                .organisation
                .clone()
                .ok_or(CommissionError::NoOrganisation { action })
        };
        let Some(c) = commission else {
            let change = match cmd {
                C::CommissionByDepartment {
                    service,
                    project,
                    applicant,
                    agency,
                } => {
                    let terms = terms_of(service)?;
                    require_competent(actor, &terms.competent_department, action)?;
                    non_empty(project.as_str(), "项目编号")?;
                    non_empty(applicant.as_str(), "申请单位")?;
                    eligible(agency, service)?;
                    CommissionChange::Commissioned {
                        mode: CommissionMode::ByDepartment,
                        payer: Payer::Government,
                        terms,
                        project: project.clone(),
                        applicant: applicant.clone(),
                        agency: Some(agency.clone()),
                        requirements: None,
                    }
                }
                C::CommissionDirect {
                    service,
                    project,
                    agency,
                } => {
                    let terms = terms_of(service)?;
                    let applicant = own_organisation()?;
                    non_empty(project.as_str(), "项目编号")?;
                    eligible(agency, service)?;
                    CommissionChange::Commissioned {
                        mode: CommissionMode::DirectChoice,
                        payer: Payer::Applicant,
                        terms,
                        project: project.clone(),
                        applicant,
                        agency: Some(agency.clone()),
                        requirements: None,
                    }
                }
                C::PublishRequest {
                    service,
                    project,
                    requirements,
                } => {
                    let terms = terms_of(service)?;
                    let applicant = own_organisation()?;
                    non_empty(project.as_str(), "项目编号")?;
                    non_empty(requirements, "服务需求")?;
                    CommissionChange::Commissioned {
                        mode: CommissionMode::Competitive,
                        payer: Payer::Applicant,
                        terms,
                        project: project.clone(),
                        applicant,
                        agency: None,
                        requirements: Some(requirements.trim().to_owned()),
                    }
                }
                _ => return Err(CommissionError::NoSuchCommission),
            };
            return Ok(event(change, vec![]));
        };
        if is_creation(action) {
            return Err(CommissionError::AlreadyExists);
        }
        c.check_scope(actor, action)?;
        if at < c.last_event_at {
            return Err(CommissionError::TimeBeforeLastEvent {
                at,
                last: c.last_event_at,
            });
        }
        c.state_gate(action, actor, &|agency: &OrganisationId| {
            eligible(agency, &c.terms.item)
        })?;
        let change = match cmd {
            C::CommissionByDepartment { .. }
            | C::CommissionDirect { .. }
            | C::PublishRequest { .. } => {
                return Err(CommissionError::AlreadyExists);
            }
            C::SubmitQuote { price_fen, note } => {
                let agency = own_organisation()?;
                if *price_fen == 0 {
                    return Err(CommissionError::ZeroPrice);
                }
                CommissionChange::Quoted {
                    agency,
                    price_fen: *price_fen,
                    note: note.trim().to_owned(),
                }
            }
            C::Select { rule } => {
                let quotes = c.open_quotes();
                let chosen = match rule {
                    SelectionRule::LowestPrice => {
                        quotes.iter().min_by_key(|q| (q.price_fen, q.at)).copied()
                    }
                    SelectionRule::RandomDraw { draw } => {
                        let n = u64::try_from(quotes.len()).unwrap_or(u64::MAX);
                        usize::try_from(draw % n)
                            .ok()
                            .and_then(|i| quotes.get(i))
                            .copied()
                    }
                    SelectionRule::Direct { agency } => {
                        quotes.iter().find(|q| &q.agency == agency).copied()
                    }
                };
                let Some(chosen) = chosen else {
                    return Err(match rule {
                        SelectionRule::Direct { agency } => CommissionError::NoQuoteFrom {
                            agency: agency.clone(),
                        },
                        _ => CommissionError::NoQuotes,
                    });
                };
                CommissionChange::Selected {
                    rule: rule.clone(),
                    agency: chosen.agency.clone(),
                    price_fen: chosen.price_fen,
                }
            }
            C::Accept => CommissionChange::Accepted,
            C::Decline { reason } => {
                non_empty(reason, "不接受委托的理由")?;
                CommissionChange::Declined {
                    reason: reason.trim().to_owned(),
                }
            }
            C::Deliver { report, summary } => {
                non_empty(report.as_str(), "成果报告")?;
                non_empty(summary, "成果摘要")?;
                return Ok(event(
                    CommissionChange::Delivered {
                        report: report.clone(),
                        summary: summary.trim().to_owned(),
                    },
                    vec![report.clone()],
                ));
            }
            C::Confirm => CommissionChange::Confirmed,
            C::RecordExpertReview { passed, conclusion } => {
                non_empty(conclusion, "专家审查结论")?;
                CommissionChange::ExpertReviewed {
                    passed: *passed,
                    conclusion: conclusion.trim().to_owned(),
                }
            }
            C::RequestRevision { points } => {
                if points.is_empty() || points.iter().any(|p| p.trim().is_empty()) {
                    return Err(CommissionError::Empty {
                        field: Cow::Borrowed("修改意见"),
                    });
                }
                CommissionChange::RevisionRequested {
                    points: points.iter().map(|p| p.trim().to_owned()).collect(),
                }
            }
            C::ShareResult { case, item } => {
                non_empty(case.as_str(), "办件编号")?;
                non_empty(item.as_str(), "事项编码")?;
                if c.shares.iter().any(|s| &s.case == case && &s.item == item) {
                    return Err(CommissionError::AlreadyShared {
                        case: case.clone(),
                        item: item.clone(),
                    });
                }
                CommissionChange::ResultShared {
                    case: case.clone(),
                    item: item.clone(),
                }
            }
            C::Cancel { reason } => {
                non_empty(reason, "取消理由")?;
                CommissionChange::Cancelled {
                    reason: reason.trim().to_owned(),
                }
            }
        };
        Ok(event(change, vec![]))
    }

    /// Whether `actor` may take `action` on this commission now, and if not, why: the role,
    /// whose commission it is (the applicant's own, the chosen agency, the competent
    /// department, the payer cancels) and the state with what it implies (quotes to select
    /// from, one quote per agency). The content of a command is checked by
    /// [`Commission::decide`], which runs this same gate first; so is the agency's
    /// qualification to quote, which needs the market and the day of the quote (see
    /// [`Commission::may_in_market`]).
    pub fn may(&self, action: CommissionAction, actor: &Actor) -> Result<(), CommissionError> {
        self.may_with(action, actor, &|_: &OrganisationId| Ok(()))
    }

    /// [`Commission::may`] with the market's answer too: whether an agency that would quote is
    /// qualified for the service on `on` (the day of the quote), as [`Commission::decide`]
    /// checks it.
    pub fn may_in_market(
        &self,
        action: CommissionAction,
        actor: &Actor,
        market: &MarketCatalogue,
        on: NaiveDate,
    ) -> Result<(), CommissionError> {
        self.may_with(action, actor, &|agency: &OrganisationId| {
            qualified(market, agency, &self.terms.item, on)
        })
    }

    /// The role, scope and state gate, in `decide`'s order, with `qualified` for a quote.
    fn may_with(
        &self,
        action: CommissionAction,
        actor: &Actor,
        qualified: &dyn Fn(&OrganisationId) -> Result<(), CommissionError>,
    ) -> Result<(), CommissionError> {
        check_role(action, actor)?;
        if is_creation(action) {
            return Err(CommissionError::AlreadyExists);
        }
        self.check_scope(actor, action)?;
        self.state_gate(action, actor, qualified)
    }

    /// 可办理的操作: every action but the three that create a commission, with whether `actor`
    /// may take it now and, if not, the sentence the domain would refuse it with (the
    /// qualification to quote is not known without the market: see
    /// [`Commission::available_actions_in_market`]).
    pub fn available_actions(&self, actor: &Actor) -> Vec<Availability<CommissionAction>> {
        availability(
            CommissionAction::ALL
                .into_iter()
                .filter(|a| !is_creation(*a)),
            CommissionAction::label,
            |action| self.may(action, actor),
        )
    }

    /// [`Commission::available_actions`] with the market's answer on qualification on `on`.
    pub fn available_actions_in_market(
        &self,
        actor: &Actor,
        market: &MarketCatalogue,
        on: NaiveDate,
    ) -> Vec<Availability<CommissionAction>> {
        availability(
            CommissionAction::ALL
                .into_iter()
                .filter(|a| !is_creation(*a)),
            CommissionAction::label,
            |action| self.may_in_market(action, actor, market, on),
        )
    }

    /// The state preconditions of `action` (see [`Commission::may`]). `qualified` checks an
    /// agency's qualification for the service when it quotes (the market's answer in
    /// `decide`; assumed in `may`, which has no market).
    fn state_gate(
        &self,
        action: CommissionAction,
        actor: &Actor,
        qualified: &dyn Fn(&OrganisationId) -> Result<(), CommissionError>,
    ) -> Result<(), CommissionError> {
        use CommissionAction as A;
        use CommissionState as S;
        let state = self.state;
        let need = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(CommissionError::InvalidTransition { action, state })
            }
        };
        match action {
            A::CommissionByDepartment | A::CommissionDirect | A::PublishRequest => {
                Err(CommissionError::AlreadyExists)
            }
            A::SubmitQuote => {
                need(state == S::Requested)?;
                let agency = actor
                    .organisation
                    .as_ref()
                    .ok_or(CommissionError::NoOrganisation { action })?;
                qualified(agency)?;
                if self.quotes.iter().any(|q| &q.agency == agency) {
                    return Err(CommissionError::AlreadyQuoted);
                }
                Ok(())
            }
            A::Select => {
                need(state == S::Requested)?;
                if self.open_quotes().is_empty() {
                    return Err(CommissionError::NoQuotes);
                }
                Ok(())
            }
            A::Accept | A::Decline => need(state == S::AwaitingAcceptance),
            A::Deliver => need(matches!(state, S::InService | S::InRevision)),
            A::Confirm | A::RecordExpertReview | A::RequestRevision => need(state == S::Delivered),
            A::ShareResult => need(state == S::Completed),
            A::Cancel => need(matches!(state, S::Requested | S::AwaitingAcceptance)),
        }
    }

    /// Whose commission it is, beyond the role: an applicant's own; the chosen agency only
    /// (any qualified agency may quote on an open request); the competent department; the
    /// payer cancels.
    fn check_scope(&self, actor: &Actor, action: CommissionAction) -> Result<(), CommissionError> {
        match actor.role {
            Role::Applicant => {
                if actor.organisation.as_ref() != Some(&self.applicant) {
                    return Err(CommissionError::OtherApplicant);
                }
                if action == CommissionAction::Cancel && self.payer == Payer::Government {
                    return Err(CommissionError::GovernmentPaid);
                }
                Ok(())
            }
            Role::IntermediaryAgency => {
                let quoting = action == CommissionAction::SubmitQuote;
                if quoting || (self.agency.is_some() && actor.organisation == self.agency) {
                    Ok(())
                } else {
                    Err(CommissionError::NotYourCommission)
                }
            }
            Role::DepartmentReviewer => {
                require_competent(actor, &self.terms.competent_department, action)?;
                if action == CommissionAction::Cancel && self.payer != Payer::Government {
                    return Err(CommissionError::RoleNotAllowed {
                        action,
                        role: actor.role,
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Fold one event into the state. Events were decided against this state, so applying them
    /// cannot fail; an event that does not fit (a corrupt trail) is caught by `replay`.
    pub fn apply(
        commission: Option<Commission>,
        e: &CommissionEvent,
    ) -> Result<Commission, CommissionReplayError> {
        use CommissionChange as Ch;
        use CommissionState as S;
        let mut c = match (commission, &e.change) {
            (
                None,
                Ch::Commissioned {
                    mode,
                    payer,
                    terms,
                    project,
                    applicant,
                    agency,
                    requirements,
                },
            ) => {
                return Ok(Commission {
                    id: e.commission.clone(),
                    mode: *mode,
                    payer: *payer,
                    terms: terms.clone(),
                    project: project.clone(),
                    applicant: applicant.clone(),
                    requirements: requirements.clone(),
                    agency: agency.clone(),
                    price_fen: None,
                    quotes: vec![],
                    selection: None,
                    state: if agency.is_some() {
                        S::AwaitingAcceptance
                    } else {
                        S::Requested
                    },
                    created_at: e.at,
                    accepted_at: None,
                    deliveries: vec![],
                    completed_at: None,
                    shares: vec![],
                    end_reason: None,
                    last_event_at: e.at,
                    version: 1,
                });
            }
            (None, _) => return Err(CommissionReplayError::FirstEventNotCommissioned),
            (Some(_), Ch::Commissioned { .. }) => {
                return Err(CommissionReplayError::CommissionedTwice);
            }
            (Some(c), _) => c,
        };
        if e.commission != c.id {
            return Err(CommissionReplayError::WrongCommission {
                expected: c.id.clone(),
                found: e.commission.clone(),
            });
        }
        let settle = |c: &mut Commission, outcome: DeliveryOutcome| {
            if let Some(d) = c.deliveries.last_mut() {
                d.outcome = Some((outcome, e.at));
            }
        };
        match &e.change {
            Ch::Commissioned { .. } => return Err(CommissionReplayError::CommissionedTwice),
            Ch::Quoted {
                agency,
                price_fen,
                note,
            } => c.quotes.push(Quote {
                agency: agency.clone(),
                price_fen: *price_fen,
                note: note.clone(),
                at: e.at,
                declined: false,
            }),
            Ch::Selected {
                rule,
                agency,
                price_fen,
            } => {
                c.selection = Some(rule.clone());
                c.agency = Some(agency.clone());
                c.price_fen = Some(*price_fen);
                c.state = S::AwaitingAcceptance;
            }
            Ch::Accepted => {
                c.state = S::InService;
                c.accepted_at = Some(e.at);
            }
            Ch::Declined { reason } => {
                if c.mode == CommissionMode::Competitive {
                    // Back to selection among the other quotes.
                    if let Some(q) = c
                        .quotes
                        .iter_mut()
                        .find(|q| Some(&q.agency) == c.agency.as_ref())
                    {
                        q.declined = true;
                    }
                    c.agency = None;
                    c.price_fen = None;
                    c.selection = None;
                    c.state = S::Requested;
                } else {
                    c.state = S::Declined;
                }
                c.end_reason = Some(reason.clone());
            }
            Ch::Delivered { report, summary } => {
                c.deliveries.push(Delivery {
                    report: report.clone(),
                    summary: summary.clone(),
                    at: e.at,
                    outcome: None,
                });
                c.state = S::Delivered;
            }
            Ch::Confirmed => {
                settle(&mut c, DeliveryOutcome::Confirmed);
                c.state = S::Completed;
                c.completed_at = Some(e.at);
            }
            Ch::ExpertReviewed { passed, conclusion } => {
                if *passed {
                    settle(
                        &mut c,
                        DeliveryOutcome::ExpertReviewPassed {
                            conclusion: conclusion.clone(),
                        },
                    );
                    c.state = S::Completed;
                    c.completed_at = Some(e.at);
                } else {
                    settle(
                        &mut c,
                        DeliveryOutcome::ExpertReviewFailed {
                            conclusion: conclusion.clone(),
                        },
                    );
                    c.state = S::InRevision;
                }
            }
            Ch::RevisionRequested { points } => {
                settle(
                    &mut c,
                    DeliveryOutcome::RevisionRequested {
                        points: points.clone(),
                    },
                );
                c.state = S::InRevision;
            }
            Ch::ResultShared { case, item } => c.shares.push(ResultShare {
                case: case.clone(),
                item: item.clone(),
                by: e.actor.clone(),
                at: e.at,
            }),
            Ch::Cancelled { reason } => {
                c.state = S::Cancelled;
                c.end_reason = Some(reason.clone());
            }
        }
        c.last_event_at = e.at;
        c.version += 1;
        Ok(c)
    }

    /// Decide and apply in one step; on refusal the commission is untouched.
    pub fn execute(
        commission: Option<Commission>,
        id: &CommissionId,
        cmd: &CommissionCommand,
        acting: &Acting,
        market: &MarketCatalogue,
    ) -> Result<(Commission, Vec<CommissionEvent>), CommissionError> {
        crate::entity::execute(commission, id, cmd, acting, market)
    }

    /// Rebuild a commission from its events.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a CommissionEvent>,
    ) -> Result<Commission, CommissionReplayError> {
        crate::entity::replay(events)?.ok_or(CommissionReplayError::Empty)
    }
}

/// Whether `agency` is qualified on the market for `service` on `on`.
fn qualified(
    market: &MarketCatalogue,
    agency: &OrganisationId,
    service: &ItemCode,
    on: NaiveDate,
) -> Result<(), CommissionError> {
    if market.eligible(agency, service, on) {
        Ok(())
    } else {
        Err(CommissionError::AgencyNotEligible {
            agency: agency.clone(),
            service: service.clone(),
        })
    }
}

/// The actions that create a commission (one of the three ways it starts).
fn is_creation(action: CommissionAction) -> bool {
    matches!(
        action,
        CommissionAction::CommissionByDepartment
            | CommissionAction::CommissionDirect
            | CommissionAction::PublishRequest
    )
}

fn check_role(action: CommissionAction, actor: &Actor) -> Result<(), CommissionError> {
    if action.allowed_roles().contains(&actor.role) {
        Ok(())
    } else {
        Err(CommissionError::RoleNotAllowed {
            action,
            role: actor.role,
        })
    }
}

fn require_competent(
    actor: &Actor,
    competent: &DepartmentCode,
    action: CommissionAction,
) -> Result<(), CommissionError> {
    if actor.department.as_ref() == Some(competent) {
        return Ok(());
    }
    Err(CommissionError::NotCompetentDepartment {
        action,
        competent: competent.clone(),
        actor_department: actor
            .department
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_else(|| "无".to_owned()),
    })
}

fn non_empty(s: &str, field: &'static str) -> Result<(), CommissionError> {
    if s.trim().is_empty() {
        Err(CommissionError::Empty {
            field: Cow::Borrowed(field),
        })
    } else {
        Ok(())
    }
}

impl crate::entity::Entity for Commission {
    type Id = CommissionId;
    type Command = CommissionCommand;
    type Event = CommissionEvent;
    type Error = CommissionError;
    type ReplayError = CommissionReplayError;
    type Context<'c> = MarketCatalogue;
    type Action = CommissionAction;
    const KIND: &'static str = "commission";

    fn decide(
        state: Option<&Self>,
        id: &CommissionId,
        cmd: &CommissionCommand,
        acting: &Acting,
        market: &MarketCatalogue,
    ) -> Result<Vec<CommissionEvent>, CommissionError> {
        Commission::decide(state, id, cmd, acting, market)
    }

    fn apply(state: Option<Self>, event: &CommissionEvent) -> Result<Self, CommissionReplayError> {
        Commission::apply(state, event)
    }

    fn missing() -> CommissionError {
        CommissionError::NoSuchCommission
    }

    fn available_actions(&self, actor: &Actor) -> Vec<Availability<CommissionAction>> {
        Commission::available_actions(self, actor)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_market_loads_and_agrees_with_the_demo_catalogue() {
        let market = MarketCatalogue::demo().unwrap();
        let catalogue = crate::catalogue::Catalogue::demo().unwrap();
        assert_eq!(market.mismatches(&catalogue), vec![]);
        assert_eq!(market.services.len(), 9);
        let toml = market.to_toml().unwrap();
        assert_eq!(MarketCatalogue::from_toml(&toml).unwrap(), market);
    }
}

//! 策划生成 (seed 5): a project registered for planning, placed on the map, reviewed for
//! compliance, put to a joint consultation 联合会商 of departments, summarised and concluded.
//!
//! One [`Consultation`] is one planning record and its consultation, as a fold of events like a
//! case. The rule of seed 5.5 — a department silent at the deadline consents — is
//! [`due_system_actions`]: it tells the server which `DeemConsent` commands to execute as
//! [`Actor::system`] with the deadline as their time, so a server that was down at the deadline
//! records them later with the right time, and a second execution is refused, so they happen
//! exactly once.
//!
//! Late answers: once the deadline has passed, an answer is refused
//! ([`ConsultationError::AnswerAfterDeadline`]) even if the system has not yet recorded the
//! deemed consent: the rule says silence *at the deadline* is consent, so the outcome must not
//! depend on how punctual the scheduler was.

pub mod compliance;
pub mod site;

pub use compliance::{
    DEMO_ZONES_GEOJSON, MIN_FINDING_M2, PlanningZone, ZoneError, ZoneFinding, compliance_findings,
};
pub use site::{Bounds, Datum, HEILONGJIANG_BOUNDS, Polygon, Position, Site, SiteError};

use crate::actor::{Actor, Role};
use crate::case::Acting;
use crate::catalogue::{Catalogue, Stage};
use crate::clock::{ClockError, ClockInput, LegalClock};
use crate::entity::{Availability, availability};
use crate::ids::{AttachmentId, DepartmentCode, ItemCode, ProjectId};
use crate::time::{Timestamp, from_local, to_local};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The longest reply period a joint consultation may set, in working days. The catalogue gives
/// the whole consultation (CH-03) 10 working days; 30 leaves room for complex projects.
pub const MAX_CONSULTATION_DAYS: u32 = 30;

/// The opinion the system records with a deemed consent (seed 5.5: 平台自动给出意见为同意).
pub const DEEMED_CONSENT_OPINION: &str = "逾期未回复，视为同意";

/// 策划生成项目编号: the id of a planning record (made outside the domain, like every id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct ConsultationId(pub String);

impl ConsultationId {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConsultationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the project was registered for planning (seed 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PlanningChannel {
    /// 储备库, by 市发改委.
    ReserveLibrary,
    /// 实施库, by 市发改委.
    ImplementationLibrary,
    /// “多规合一”信息平台, by 市资规局.
    MultiPlanPlatform,
}

impl PlanningChannel {
    pub fn label(self) -> &'static str {
        match self {
            PlanningChannel::ReserveLibrary => "工程建设项目储备库",
            PlanningChannel::ImplementationLibrary => "工程建设项目实施库",
            PlanningChannel::MultiPlanPlatform => "“多规合一”信息平台",
        }
    }
}

/// The two lead departments of stage 0 (seed 5.1), by code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanningLeads {
    /// 市发改委: registers into the reserve and implementation libraries.
    pub development: DepartmentCode,
    /// 市资规局: registers on the 多规合一 platform, places, reviews, consults, concludes.
    pub natural_resources: DepartmentCode,
}

impl PlanningLeads {
    /// The leads as the catalogue names them (by the short names of seed 5.1).
    pub fn from_catalogue(catalogue: &Catalogue) -> Option<PlanningLeads> {
        let leads = catalogue.stage_leads(Stage::Planning);
        let by_short = |short: &str| {
            leads
                .iter()
                .find(|d| d.short_name.as_deref() == Some(short))
                .map(|d| d.code.clone())
        };
        let [development, natural_resources] = Stage::Planning.lead_short_names() else {
            return None;
        };
        Some(PlanningLeads {
            development: by_short(development)?,
            natural_resources: by_short(natural_resources)?,
        })
    }
}

/// 合规性审查结论.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "conclusion")]
pub enum ComplianceConclusion {
    /// 符合规划.
    Compliant,
    /// 不符合规划: what must change (the site is placed again, or the record closed).
    NonCompliant { problems: Vec<String> },
}

/// A department's answer in the joint consultation (seed 5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "ConsultationAnswer")
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ConsultationAnswer"))]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Answer {
    /// 同意, with the project's construction conditions 建设条件 and the intermediary or review
    /// work 中介、评审要求 it requires (catalogue item codes); both may be empty.
    Consent {
        conditions: Vec<String>,
        required_work: Vec<ItemCode>,
    },
    /// 不涉及: the department has nothing to approve.
    NotInvolved,
}

/// How an invited department's reply came about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReplyKind {
    Answered {
        answer: Answer,
    },
    /// 逾期未回复视为同意, recorded by the system at the deadline.
    DeemedConsent,
}

impl ReplyKind {
    pub fn label(&self) -> &'static str {
        match self {
            ReplyKind::Answered {
                answer: Answer::Consent { .. },
            } => "同意",
            ReplyKind::Answered {
                answer: Answer::NotInvolved,
            } => "不涉及",
            ReplyKind::DeemedConsent => "逾期未回复，视为同意",
        }
    }
}

/// One department's reply, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reply {
    pub kind: ReplyKind,
    pub by: Actor,
    pub at: Timestamp,
    pub opinion: Option<String>,
    pub attachments: Vec<AttachmentId>,
}

/// 征求意见: one invited department and its reply, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Invitation {
    pub department: DepartmentCode,
    pub reply: Option<Reply>,
}

/// The recorded compliance review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComplianceRecord {
    pub findings: Vec<ZoneFinding>,
    pub conclusion: ComplianceConclusion,
    pub by: Actor,
    pub at: Timestamp,
    pub opinion: Option<String>,
    /// 合规性审查意见 and map extracts.
    pub attachments: Vec<AttachmentId>,
}

/// 策划生成结果.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum PlanningOutcome {
    /// 策划生成完成: pushed back to 多规合一 and the implementation library with the summarised
    /// conditions and required work (seed 5.6).
    Generated,
    /// 不予生成.
    NotGenerated { reasons: Vec<String> },
}

/// 意见汇总 as computed from the replies.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpinionSummary {
    pub consented: Vec<DepartmentCode>,
    pub not_involved: Vec<DepartmentCode>,
    pub deemed: Vec<DepartmentCode>,
    pub unanswered: Vec<DepartmentCode>,
    /// 建设条件, by department, in invitation order.
    pub conditions: Vec<(DepartmentCode, String)>,
    /// 需开展的中介、评审事项, each once, in the order first required.
    pub required_work: Vec<ItemCode>,
}

/// 策划生成状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationState {
    /// 已登记.
    Registered,
    /// 已落位.
    Placed,
    /// 合规性审查未通过: place again or close.
    NonCompliant,
    /// 合规性审查通过.
    Reviewed,
    /// 会商中.
    Consulting,
    /// 意见已汇总.
    Summarised,
    /// 策划生成完成 (may still be linked to an approval project).
    Generated,
    /// 不予生成.
    NotGenerated,
    /// 已撤销.
    Closed,
}

impl ConsultationState {
    pub fn label(self) -> &'static str {
        match self {
            ConsultationState::Registered => "已登记",
            ConsultationState::Placed => "已落位",
            ConsultationState::NonCompliant => "合规性审查未通过",
            ConsultationState::Reviewed => "合规性审查通过",
            ConsultationState::Consulting => "会商中",
            ConsultationState::Summarised => "意见已汇总",
            ConsultationState::Generated => "策划生成完成",
            ConsultationState::NotGenerated => "不予生成",
            ConsultationState::Closed => "已撤销",
        }
    }

    /// Nothing changes a record in these states (a generated one may still be linked).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ConsultationState::NotGenerated | ConsultationState::Closed
        )
    }
}

impl fmt::Display for ConsultationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A command on a planning record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ConsultationCommand {
    /// 登记项目 (seed 5.2).
    Register {
        channel: PlanningChannel,
        leads: PlanningLeads,
        /// 项目名称.
        name: String,
        /// 建设内容、规模、投资估算.
        description: String,
    },
    AttachMaterial {
        material: String,
        attachment: AttachmentId,
    },
    DetachMaterial {
        material: String,
    },
    /// 地图落位 (seed 5.3); placing again clears an earlier review.
    PlaceSite {
        site: Site,
    },
    /// 合规性审查 (seed 5.4): the reviewer records the findings and the conclusion.
    RecordCompliance {
        findings: Vec<ZoneFinding>,
        conclusion: ComplianceConclusion,
    },
    /// 发起联合会商 (seed 5.5): the departments have `deadline_working_days` working days.
    StartConsultation {
        departments: Vec<DepartmentCode>,
        deadline_working_days: u32,
    },
    /// A department's reply.
    Answer {
        department: DepartmentCode,
        answer: Answer,
    },
    /// 逾期未回复视为同意: the system only, at the deadline.
    DeemConsent {
        department: DepartmentCode,
    },
    /// 意见汇总 (seed 5.6).
    Summarise {
        summary: String,
    },
    /// 策划生成结果.
    Conclude {
        outcome: PlanningOutcome,
    },
    /// 成果应用 (seed 5.7): the window links the result to the approval project.
    LinkProject {
        project: ProjectId,
    },
    /// 撤销.
    Close {
        reason: String,
    },
}

/// What a command is, for messages and role checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationAction {
    Register,
    AttachMaterial,
    DetachMaterial,
    PlaceSite,
    RecordCompliance,
    StartConsultation,
    Answer,
    DeemConsent,
    Summarise,
    Conclude,
    LinkProject,
    Close,
}

impl ConsultationAction {
    pub const ALL: [ConsultationAction; 12] = [
        Self::Register,
        Self::AttachMaterial,
        Self::DetachMaterial,
        Self::PlaceSite,
        Self::RecordCompliance,
        Self::StartConsultation,
        Self::Answer,
        Self::DeemConsent,
        Self::Summarise,
        Self::Conclude,
        Self::LinkProject,
        Self::Close,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Register => "登记策划项目",
            Self::AttachMaterial => "上传材料",
            Self::DetachMaterial => "移除材料",
            Self::PlaceSite => "地图落位",
            Self::RecordCompliance => "记录合规性审查结果",
            Self::StartConsultation => "发起联合会商",
            Self::Answer => "提交会商意见",
            Self::DeemConsent => "视为同意",
            Self::Summarise => "意见汇总",
            Self::Conclude => "作出策划生成结果",
            Self::LinkProject => "关联审批项目",
            Self::Close => "撤销策划项目",
        }
    }

    /// The roles that may take this action; which department is checked against the record.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            Self::Answer => &[Role::DepartmentReviewer, Role::UtilityUnit],
            Self::DeemConsent => &[Role::System],
            Self::LinkProject => &[Role::WindowOperator],
            _ => &[Role::DepartmentReviewer],
        }
    }
}

impl fmt::Display for ConsultationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl ConsultationCommand {
    pub fn action(&self) -> ConsultationAction {
        use ConsultationAction as A;
        match self {
            Self::Register { .. } => A::Register,
            Self::AttachMaterial { .. } => A::AttachMaterial,
            Self::DetachMaterial { .. } => A::DetachMaterial,
            Self::PlaceSite { .. } => A::PlaceSite,
            Self::RecordCompliance { .. } => A::RecordCompliance,
            Self::StartConsultation { .. } => A::StartConsultation,
            Self::Answer { .. } => A::Answer,
            Self::DeemConsent { .. } => A::DeemConsent,
            Self::Summarise { .. } => A::Summarise,
            Self::Conclude { .. } => A::Conclude,
            Self::LinkProject { .. } => A::LinkProject,
            Self::Close { .. } => A::Close,
        }
    }
}

/// One recorded change of a planning record: who, when, what, with opinion and attachments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsultationEvent {
    pub consultation: ConsultationId,
    pub at: Timestamp,
    pub actor: Actor,
    pub opinion: Option<String>,
    pub attachments: Vec<AttachmentId>,
    pub change: ConsultationChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ConsultationChange {
    Registered {
        channel: PlanningChannel,
        leads: PlanningLeads,
        name: String,
        description: String,
    },
    MaterialAttached {
        material: String,
        attachment: AttachmentId,
    },
    MaterialDetached {
        material: String,
    },
    SitePlaced {
        site: Site,
    },
    ComplianceRecorded {
        findings: Vec<ZoneFinding>,
        conclusion: ComplianceConclusion,
    },
    ConsultationStarted {
        departments: Vec<DepartmentCode>,
        deadline_working_days: u32,
    },
    Answered {
        department: DepartmentCode,
        answer: Answer,
    },
    /// Recorded by the system with the deadline as its time.
    ConsentDeemed {
        department: DepartmentCode,
    },
    Summarised {
        summary: String,
    },
    Concluded {
        outcome: PlanningOutcome,
    },
    ProjectLinked {
        project: ProjectId,
    },
    Closed {
        reason: String,
    },
}

/// Why a command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ConsultationError {
    #[error("策划项目尚未登记，只能先登记")]
    NotRegistered,
    #[error("策划项目已登记，不能重复登记")]
    AlreadyRegistered,
    #[error("策划项目处于“{state}”状态，不能{action}")]
    InvalidTransition {
        action: ConsultationAction,
        state: ConsultationState,
    },
    #[error("角色“{}”不能{action}", role.label())]
    RoleNotAllowed {
        action: ConsultationAction,
        role: Role,
    },
    #[error("只有牵头部门（{expected}）能{action}，本部门为 {actor_department}")]
    NotLeadDepartment {
        action: ConsultationAction,
        expected: DepartmentCode,
        actor_department: String,
    },
    #[error("只能以本部门（{actor_department}）的名义提交意见，不能代 {department} 提交")]
    OtherDepartment {
        department: DepartmentCode,
        actor_department: String,
    },
    #[error("{department} 未被邀请参加本次联合会商")]
    NotInvited { department: DepartmentCode },
    #[error("{department} 已有会商意见，不能重复提交")]
    AlreadyAnswered { department: DepartmentCode },
    #[error("联合会商已于 {deadline} 截止，逾期未回复已视为同意，不能再提交意见")]
    AnswerAfterDeadline { deadline: Timestamp },
    #[error("视为同意只能记录在会商截止时间 {deadline}，不能记录在 {at}")]
    NotAtDeadline { deadline: Timestamp, at: Timestamp },
    #[error("无法计算会商截止时间：{message}")]
    DeadlineUnknown { message: String },
    #[error("以下部门尚未回复，不能汇总意见：{}", departments.iter().map(|d| d.as_str()).collect::<Vec<_>>().join("、"))]
    RepliesMissing { departments: Vec<DepartmentCode> },
    #[error("联合会商至少要邀请一个部门")]
    NoDepartments,
    #[error("{department} 被重复邀请")]
    DuplicateDepartment { department: DepartmentCode },
    #[error("会商期限应为 1 至 {max} 个工作日，实际为 {days}")]
    DeadlineOutOfRange { days: u32, max: u32 },
    #[error("项目红线有误：{0}")]
    Site(SiteError),
    #[error("没有名为“{material}”的已上传材料")]
    NoSuchMaterial { material: String },
    #[error("联合会商已发起，不能再修改策划材料")]
    MaterialsLocked,
    #[error("策划成果已关联审批项目 {project}")]
    AlreadyLinked { project: ProjectId },
    #[error("{field}不能为空")]
    Empty { field: Cow<'static, str> },
    #[error("操作时间 {at} 早于本策划项目上一条记录的时间 {last}")]
    TimeBeforeLastEvent { at: Timestamp, last: Timestamp },
}

/// Why a sequence of events does not fold into a planning record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsultationReplayError {
    #[error("没有任何记录")]
    Empty,
    #[error("第一条记录不是登记")]
    FirstEventNotRegistered,
    #[error("策划项目被重复登记")]
    RegisteredTwice,
    #[error("记录属于策划项目 {found}，不属于 {expected}")]
    WrongConsultation {
        expected: ConsultationId,
        found: ConsultationId,
    },
}

/// A planning record: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consultation {
    pub id: ConsultationId,
    pub channel: PlanningChannel,
    pub leads: PlanningLeads,
    pub name: String,
    pub description: String,
    /// The department that registered it.
    pub registered_by: Option<DepartmentCode>,
    pub state: ConsultationState,
    /// Materials by name (a re-attach replaces).
    pub materials: Vec<(String, AttachmentId)>,
    pub site: Option<Site>,
    pub placed_at: Option<Timestamp>,
    /// The review of the current site (cleared when the site is placed again).
    pub compliance: Option<ComplianceRecord>,
    pub consultation_started_at: Option<Timestamp>,
    pub deadline_working_days: Option<u32>,
    pub invitations: Vec<Invitation>,
    pub summary: Option<String>,
    pub summarised_at: Option<Timestamp>,
    pub outcome: Option<PlanningOutcome>,
    /// 策划生成成果 documents that came with the conclusion.
    pub result_documents: Vec<AttachmentId>,
    pub concluded_at: Option<Timestamp>,
    pub linked_project: Option<ProjectId>,
    pub closed_reason: Option<String>,
    pub registered_at: Timestamp,
    pub last_event_at: Timestamp,
    /// Number of events folded in.
    pub version: u64,
}

/// A command the server must execute as the system, and the acting (system actor, time) to
/// execute it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAction {
    pub command: ConsultationCommand,
    pub acting: Acting,
}

/// 逾期未回复视为同意: for every invited department without a reply once the deadline is at or
/// before `now`, a `DeemConsent` to execute as [`Actor::system`] with the deadline as its time.
/// Empty before the deadline and once every department replied. The server calls this from its
/// scheduler (and before deciding any other command on the record, so the trail stays in time
/// order); executing the same action twice is refused with `AlreadyAnswered`.
pub fn due_system_actions(
    consultation: &Consultation,
    clock: &LegalClock,
    now: Timestamp,
) -> Result<Vec<DueAction>, ClockError> {
    if consultation.state != ConsultationState::Consulting {
        return Ok(vec![]);
    }
    // Deemed consent cannot be undone: it waits while the deadline is provisional (a year
    // without a holiday table), and runs once the table is imported.
    let deadline = match consultation.final_deadline(clock) {
        Ok(Some(deadline)) => deadline,
        Ok(None) | Err(ClockError::NoDataForYear(_)) => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    if deadline > now {
        return Ok(vec![]);
    }
    Ok(consultation
        .invitations
        .iter()
        .filter(|i| i.reply.is_none())
        .map(|i| DueAction {
            command: ConsultationCommand::DeemConsent {
                department: i.department.clone(),
            },
            acting: Acting::new(Actor::system(), deadline).with_opinion(DEEMED_CONSENT_OPINION),
        })
        .collect())
}

/// 合规性审查 findings are measured, not typed: a `RecordCompliance` command gets the findings
/// of the consultation's current site against the planning zones in force
/// ([`compliance_findings`]), whatever the client sent; only the conclusion and the opinion are
/// the reviewer's. The server applies it before deciding, and so does the client before it
/// queues, so both record the same findings. Other commands are left as they are.
pub fn measure_compliance(
    current: Option<&Consultation>,
    command: &mut ConsultationCommand,
    zones: &[PlanningZone],
) -> Result<(), ConsultationError> {
    let ConsultationCommand::RecordCompliance { findings, .. } = command else {
        return Ok(());
    };
    let Some(site) = current.and_then(|c| c.site.as_ref()) else {
        // No site yet: the workflow refuses the command with its own reason.
        findings.clear();
        return Ok(());
    };
    *findings = compliance_findings(site, zones).map_err(ConsultationError::Site)?;
    Ok(())
}

impl Consultation {
    /// 会商截止时间: `deadline_working_days` working days after the consultation started, by the
    /// legal clock's rules (the start day is not counted; the close of office hours). None
    /// before the consultation starts. Computed, never stored: a corrected holiday table
    /// corrects it.
    pub fn deadline(&self, clock: &LegalClock) -> Result<Option<Timestamp>, ClockError> {
        match (self.consultation_started_at, self.deadline_working_days) {
            (Some(start), Some(days)) => {
                Ok(Some(from_local(clock.deadline(to_local(start), days)?)))
            }
            _ => Ok(None),
        }
    }

    /// The deadline as [`Consultation::deadline`], refused (naming the year) while it is
    /// provisional for want of a year's holiday table: what the system's deemed consent uses.
    pub fn final_deadline(&self, clock: &LegalClock) -> Result<Option<Timestamp>, ClockError> {
        match (self.consultation_started_at, self.deadline_working_days) {
            (Some(start), Some(days)) => Ok(Some(from_local(
                clock.final_deadline(to_local(start), days)?,
            ))),
            _ => Ok(None),
        }
    }

    /// When the scheduler must next act on this record: the deadline while some department has
    /// not replied, else None.
    pub fn next_system_action_at(
        &self,
        clock: &LegalClock,
    ) -> Result<Option<Timestamp>, ClockError> {
        if self.state != ConsultationState::Consulting
            || self.invitations.iter().all(|i| i.reply.is_some())
        {
            return Ok(None);
        }
        self.deadline(clock)
    }

    /// The consultation's own clock: from its start, N = the reply period, ending when the
    /// last department replied (deemed consents included). None before it starts.
    pub fn clock_input(&self) -> Option<ClockInput> {
        let start = self.consultation_started_at?;
        let ended_at = if self.invitations.iter().all(|i| i.reply.is_some()) {
            self.invitations
                .iter()
                .filter_map(|i| i.reply.as_ref().map(|r| r.at))
                .max()
                .map(to_local)
        } else {
            None
        };
        Some(ClockInput {
            accepted_at: to_local(start),
            limit_working_days: self.deadline_working_days?,
            stopped: vec![],
            ended_at,
        })
    }

    /// Whether `actor` may see this record (the pull filter): the two lead departments, the
    /// invited departments, the window (to link it, seed 5.7), the reform office and the
    /// system. Planning is internal to the government: applicants and agencies do not see it.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        match actor.role {
            Role::DepartmentReviewer | Role::UtilityUnit => {
                actor.department.as_ref().is_some_and(|d| {
                    *d == self.leads.development
                        || *d == self.leads.natural_resources
                        || self.invitations.iter().any(|i| &i.department == d)
                })
            }
            Role::WindowOperator | Role::ReformOffice | Role::System => true,
            Role::Applicant | Role::IntermediaryAgency => false,
        }
    }

    /// 意见汇总: the replies sorted into consents, not involved, deemed and missing, with the
    /// conditions and the required work merged.
    pub fn opinion_summary(&self) -> OpinionSummary {
        let mut s = OpinionSummary::default();
        for invitation in &self.invitations {
            let department = invitation.department.clone();
            match invitation.reply.as_ref().map(|r| &r.kind) {
                None => s.unanswered.push(department),
                Some(ReplyKind::DeemedConsent) => s.deemed.push(department),
                Some(ReplyKind::Answered {
                    answer: Answer::NotInvolved,
                }) => s.not_involved.push(department),
                Some(ReplyKind::Answered {
                    answer:
                        Answer::Consent {
                            conditions,
                            required_work,
                        },
                }) => {
                    for c in conditions {
                        s.conditions.push((department.clone(), c.clone()));
                    }
                    for item in required_work {
                        if !s.required_work.contains(item) {
                            s.required_work.push(item.clone());
                        }
                    }
                    s.consented.push(department);
                }
            }
        }
        s
    }

    /// 成果应用 (seed 5.7): what the window links into the approval project so the applicant
    /// never provides it again: the planning materials, the review's and the replies'
    /// attachments and the result documents, each once, by name.
    pub fn reusable_materials(&self) -> Vec<(String, AttachmentId)> {
        let mut out: Vec<(String, AttachmentId)> = self.materials.clone();
        let mut push = |name: String, a: &AttachmentId| {
            if !out.iter().any(|(_, existing)| existing == a) {
                out.push((name, a.clone()));
            }
        };
        if let Some(c) = &self.compliance {
            for a in &c.attachments {
                push("合规性审查意见".to_owned(), a);
            }
        }
        for i in &self.invitations {
            if let Some(r) = &i.reply {
                for a in &r.attachments {
                    push(format!("联合会商意见（{}）", i.department), a);
                }
            }
        }
        for a in &self.result_documents {
            push("策划生成成果".to_owned(), a);
        }
        out
    }

    /// Decide a command against the current state (None before registration). Returns the
    /// events to append, or a typed refusal; never changes anything itself. The clock decides
    /// whether a reply is late and when a deemed consent happens.
    pub fn decide(
        consultation: Option<&Consultation>,
        id: &ConsultationId,
        cmd: &ConsultationCommand,
        acting: &Acting,
        clock: &LegalClock,
    ) -> Result<Vec<ConsultationEvent>, ConsultationError> {
        use ConsultationCommand as C;
        let (actor, at) = (&acting.actor, acting.at);
        let action = cmd.action();
        check_role(action, actor)?;
        let opinion = acting
            .opinion
            .as_ref()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        let event = |change: ConsultationChange, intrinsic: Vec<AttachmentId>| {
            let mut attachments = intrinsic;
            for a in &acting.attachments {
                if !attachments.contains(a) {
                    attachments.push(a.clone());
                }
            }
            vec![ConsultationEvent {
                consultation: id.clone(),
                at,
                actor: actor.clone(),
                opinion: opinion.clone(),
                attachments,
                change,
            }]
        };
        let Some(c) = consultation else {
            let C::Register {
                channel,
                leads,
                name,
                description,
            } = cmd
            else {
                return Err(ConsultationError::NotRegistered);
            };
            let registrar = match channel {
                PlanningChannel::ReserveLibrary | PlanningChannel::ImplementationLibrary => {
                    &leads.development
                }
                PlanningChannel::MultiPlanPlatform => &leads.natural_resources,
            };
            require_department(actor, registrar, action)?;
            non_empty(name, "项目名称")?;
            non_empty(description, "项目概况")?;
            return Ok(event(
                ConsultationChange::Registered {
                    channel: *channel,
                    leads: leads.clone(),
                    name: name.trim().to_owned(),
                    description: description.trim().to_owned(),
                },
                vec![],
            ));
        };
        if matches!(cmd, C::Register { .. }) {
            return Err(ConsultationError::AlreadyRegistered);
        }
        if at < c.last_event_at {
            return Err(ConsultationError::TimeBeforeLastEvent {
                at,
                last: c.last_event_at,
            });
        }
        let named = match cmd {
            C::Answer { department, .. } | C::DeemConsent { department } => Some(department),
            _ => None,
        };
        c.gate(action, actor, named)?;
        let change = match cmd {
            C::Register { .. } => return Err(ConsultationError::AlreadyRegistered),
            C::AttachMaterial {
                material,
                attachment,
            } => {
                non_empty(material, "材料名称")?;
                return Ok(event(
                    ConsultationChange::MaterialAttached {
                        material: material.trim().to_owned(),
                        attachment: attachment.clone(),
                    },
                    vec![attachment.clone()],
                ));
            }
            C::DetachMaterial { material } => {
                if !c.materials.iter().any(|(m, _)| m == material.trim()) {
                    return Err(ConsultationError::NoSuchMaterial {
                        material: material.clone(),
                    });
                }
                ConsultationChange::MaterialDetached {
                    material: material.trim().to_owned(),
                }
            }
            C::PlaceSite { site } => {
                site.validate().map_err(ConsultationError::Site)?;
                ConsultationChange::SitePlaced { site: site.clone() }
            }
            C::RecordCompliance {
                findings,
                conclusion,
            } => {
                for f in findings {
                    non_empty(&f.zone, "规划分区编码")?;
                }
                if let ComplianceConclusion::NonCompliant { problems } = conclusion {
                    non_empty_list(problems, "不符合规划的问题")?;
                }
                ConsultationChange::ComplianceRecorded {
                    findings: findings.clone(),
                    conclusion: conclusion.clone(),
                }
            }
            C::StartConsultation {
                departments,
                deadline_working_days,
            } => {
                if departments.is_empty() {
                    return Err(ConsultationError::NoDepartments);
                }
                for (i, d) in departments.iter().enumerate() {
                    non_empty(d.as_str(), "部门编码")?;
                    if departments[..i].contains(d) {
                        return Err(ConsultationError::DuplicateDepartment {
                            department: d.clone(),
                        });
                    }
                }
                if !(1..=MAX_CONSULTATION_DAYS).contains(deadline_working_days) {
                    return Err(ConsultationError::DeadlineOutOfRange {
                        days: *deadline_working_days,
                        max: MAX_CONSULTATION_DAYS,
                    });
                }
                // The deadline must be computable now (a year without a holiday table is counted
                // Monday to Friday, provisionally; deemed consent waits until it is final).
                clock
                    .deadline(to_local(at), *deadline_working_days)
                    .map_err(deadline_unknown)?;
                ConsultationChange::ConsultationStarted {
                    departments: departments.clone(),
                    deadline_working_days: *deadline_working_days,
                }
            }
            C::Answer { department, answer } => {
                let deadline = c.deadline_or_refuse(clock)?;
                if at > deadline {
                    return Err(ConsultationError::AnswerAfterDeadline { deadline });
                }
                let answer = match answer {
                    Answer::NotInvolved => Answer::NotInvolved,
                    Answer::Consent {
                        conditions,
                        required_work,
                    } => {
                        for condition in conditions {
                            non_empty(condition, "建设条件")?;
                        }
                        let mut work: Vec<ItemCode> = Vec::with_capacity(required_work.len());
                        for item in required_work {
                            non_empty(item.as_str(), "中介、评审事项编码")?;
                            if !work.contains(item) {
                                work.push(item.clone());
                            }
                        }
                        Answer::Consent {
                            conditions: conditions.iter().map(|s| s.trim().to_owned()).collect(),
                            required_work: work,
                        }
                    }
                };
                ConsultationChange::Answered {
                    department: department.clone(),
                    answer,
                }
            }
            C::DeemConsent { department } => {
                let deadline = c.deadline_or_refuse(clock)?;
                if at != deadline {
                    return Err(ConsultationError::NotAtDeadline { deadline, at });
                }
                ConsultationChange::ConsentDeemed {
                    department: department.clone(),
                }
            }
            C::Summarise { summary } => {
                non_empty(summary, "汇总意见")?;
                ConsultationChange::Summarised {
                    summary: summary.trim().to_owned(),
                }
            }
            C::Conclude { outcome } => {
                if let PlanningOutcome::NotGenerated { reasons } = outcome {
                    non_empty_list(reasons, "不予生成的理由")?;
                }
                ConsultationChange::Concluded {
                    outcome: outcome.clone(),
                }
            }
            C::LinkProject { project } => {
                non_empty(project.as_str(), "审批项目编号")?;
                ConsultationChange::ProjectLinked {
                    project: project.clone(),
                }
            }
            C::Close { reason } => {
                non_empty(reason, "撤销理由")?;
                ConsultationChange::Closed {
                    reason: reason.trim().to_owned(),
                }
            }
        };
        Ok(event(change, vec![]))
    }

    /// Whether `actor` may take `action` on this record now, and if not, why: the role, the
    /// department (a lead department for the lead's steps; a department answers only its own
    /// invitation, once) and the state with what it implies (replies all in before the summary,
    /// a result linked once). The content of a command and the consultation's deadline (a late
    /// answer, a deemed consent before the deadline: they need the clock and the time of the
    /// action) are checked by [`Consultation::decide`], which runs this same gate first.
    pub fn may(&self, action: ConsultationAction, actor: &Actor) -> Result<(), ConsultationError> {
        check_role(action, actor)?;
        self.gate(action, actor, None)
    }

    /// 可办理的操作: every action but registration, with whether `actor` may take it now and,
    /// if not, the sentence the domain would refuse it with.
    pub fn available_actions(&self, actor: &Actor) -> Vec<Availability<ConsultationAction>> {
        availability(
            ConsultationAction::ALL
                .into_iter()
                .filter(|a| *a != ConsultationAction::Register),
            ConsultationAction::label,
            |action| self.may(action, actor),
        )
    }

    /// The department and state preconditions of `action` (see [`Consultation::may`]).
    /// `named`: the department an answer or a deemed consent names; None when asking whether
    /// the action is open at all (an answer for the actor's own department, a deemed consent
    /// for any department still silent).
    fn gate(
        &self,
        action: ConsultationAction,
        actor: &Actor,
        named: Option<&DepartmentCode>,
    ) -> Result<(), ConsultationError> {
        use ConsultationAction as A;
        use ConsultationState as S;
        let state = self.state;
        let wrong_state = || ConsultationError::InvalidTransition { action, state };
        let need = |ok: bool| if ok { Ok(()) } else { Err(wrong_state()) };
        let bureau = &self.leads.natural_resources;
        let editable = matches!(
            state,
            S::Registered | S::Placed | S::NonCompliant | S::Reviewed
        );
        match action {
            A::Register => Err(ConsultationError::AlreadyRegistered),
            A::AttachMaterial | A::DetachMaterial => {
                self.require_either_lead(actor, action)?;
                if editable {
                    Ok(())
                } else {
                    Err(self.locked_or(wrong_state()))
                }
            }
            A::PlaceSite => {
                require_department(actor, bureau, action)?;
                need(editable)
            }
            A::RecordCompliance => {
                require_department(actor, bureau, action)?;
                need(state == S::Placed)
            }
            A::StartConsultation => {
                require_department(actor, bureau, action)?;
                need(state == S::Reviewed)
            }
            A::Answer => {
                let own = actor.department.as_ref();
                let department = match named {
                    Some(d) if own == Some(d) => d,
                    Some(d) => {
                        return Err(ConsultationError::OtherDepartment {
                            department: d.clone(),
                            actor_department: department_name(actor),
                        });
                    }
                    None => own.ok_or(ConsultationError::Empty {
                        field: Cow::Borrowed("账号所属部门"),
                    })?,
                };
                need(state == S::Consulting)?;
                self.require_unanswered(department)
            }
            A::DeemConsent => {
                need(state == S::Consulting)?;
                match named {
                    Some(d) => self.require_unanswered(d),
                    None if self.invitations.iter().any(|i| i.reply.is_none()) => Ok(()),
                    None => match self.invitations.last() {
                        Some(i) => Err(ConsultationError::AlreadyAnswered {
                            department: i.department.clone(),
                        }),
                        None => Err(wrong_state()),
                    },
                }
            }
            A::Summarise => {
                require_department(actor, bureau, action)?;
                need(state == S::Consulting)?;
                let missing = self.opinion_summary().unanswered;
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(ConsultationError::RepliesMissing {
                        departments: missing,
                    })
                }
            }
            A::Conclude => {
                require_department(actor, bureau, action)?;
                need(state == S::Summarised)
            }
            A::LinkProject => {
                need(state == S::Generated)?;
                match &self.linked_project {
                    Some(linked) => Err(ConsultationError::AlreadyLinked {
                        project: linked.clone(),
                    }),
                    None => Ok(()),
                }
            }
            A::Close => {
                self.require_either_lead(actor, action)?;
                need(!state.is_terminal() && state != S::Generated)
            }
        }
    }

    fn require_either_lead(
        &self,
        actor: &Actor,
        action: ConsultationAction,
    ) -> Result<(), ConsultationError> {
        if actor.department.as_ref() == Some(&self.leads.development) {
            return Ok(());
        }
        require_department(actor, &self.leads.natural_resources, action)
    }

    fn require_unanswered(&self, department: &DepartmentCode) -> Result<(), ConsultationError> {
        match self
            .invitations
            .iter()
            .find(|i| &i.department == department)
        {
            None => Err(ConsultationError::NotInvited {
                department: department.clone(),
            }),
            Some(i) if i.reply.is_some() => Err(ConsultationError::AlreadyAnswered {
                department: department.clone(),
            }),
            Some(_) => Ok(()),
        }
    }

    fn deadline_or_refuse(&self, clock: &LegalClock) -> Result<Timestamp, ConsultationError> {
        self.final_deadline(clock).map_err(deadline_unknown)?.ok_or(
            ConsultationError::DeadlineUnknown {
                message: "联合会商尚未发起".to_owned(),
            },
        )
    }

    fn locked_or(&self, otherwise: ConsultationError) -> ConsultationError {
        if self.state.is_terminal() {
            otherwise
        } else {
            ConsultationError::MaterialsLocked
        }
    }

    /// Fold one event into the state. Events were decided against this state, so applying them
    /// cannot fail; an event that does not fit (a corrupt trail) is caught by `replay`.
    pub fn apply(
        consultation: Option<Consultation>,
        e: &ConsultationEvent,
    ) -> Result<Consultation, ConsultationReplayError> {
        use ConsultationChange as Ch;
        let mut c = match (consultation, &e.change) {
            (
                None,
                Ch::Registered {
                    channel,
                    leads,
                    name,
                    description,
                },
            ) => {
                return Ok(Consultation {
                    id: e.consultation.clone(),
                    channel: *channel,
                    leads: leads.clone(),
                    name: name.clone(),
                    description: description.clone(),
                    registered_by: e.actor.department.clone(),
                    state: ConsultationState::Registered,
                    materials: vec![],
                    site: None,
                    placed_at: None,
                    compliance: None,
                    consultation_started_at: None,
                    deadline_working_days: None,
                    invitations: vec![],
                    summary: None,
                    summarised_at: None,
                    outcome: None,
                    result_documents: vec![],
                    concluded_at: None,
                    linked_project: None,
                    closed_reason: None,
                    registered_at: e.at,
                    last_event_at: e.at,
                    version: 1,
                });
            }
            (None, _) => return Err(ConsultationReplayError::FirstEventNotRegistered),
            (Some(_), Ch::Registered { .. }) => {
                return Err(ConsultationReplayError::RegisteredTwice);
            }
            (Some(c), _) => c,
        };
        if e.consultation != c.id {
            return Err(ConsultationReplayError::WrongConsultation {
                expected: c.id.clone(),
                found: e.consultation.clone(),
            });
        }
        let reply = |kind: ReplyKind| Reply {
            kind,
            by: e.actor.clone(),
            at: e.at,
            opinion: e.opinion.clone(),
            attachments: e.attachments.clone(),
        };
        match &e.change {
            Ch::Registered { .. } => return Err(ConsultationReplayError::RegisteredTwice),
            Ch::MaterialAttached {
                material,
                attachment,
            } => {
                c.materials.retain(|(m, _)| m != material);
                c.materials.push((material.clone(), attachment.clone()));
            }
            Ch::MaterialDetached { material } => c.materials.retain(|(m, _)| m != material),
            Ch::SitePlaced { site } => {
                c.site = Some(site.clone());
                c.placed_at = Some(e.at);
                c.compliance = None;
                c.state = ConsultationState::Placed;
            }
            Ch::ComplianceRecorded {
                findings,
                conclusion,
            } => {
                c.state = match conclusion {
                    ComplianceConclusion::Compliant => ConsultationState::Reviewed,
                    ComplianceConclusion::NonCompliant { .. } => ConsultationState::NonCompliant,
                };
                c.compliance = Some(ComplianceRecord {
                    findings: findings.clone(),
                    conclusion: conclusion.clone(),
                    by: e.actor.clone(),
                    at: e.at,
                    opinion: e.opinion.clone(),
                    attachments: e.attachments.clone(),
                });
            }
            Ch::ConsultationStarted {
                departments,
                deadline_working_days,
            } => {
                c.state = ConsultationState::Consulting;
                c.consultation_started_at = Some(e.at);
                c.deadline_working_days = Some(*deadline_working_days);
                c.invitations = departments
                    .iter()
                    .map(|d| Invitation {
                        department: d.clone(),
                        reply: None,
                    })
                    .collect();
            }
            Ch::Answered { department, answer } => {
                if let Some(i) = c
                    .invitations
                    .iter_mut()
                    .find(|i| &i.department == department)
                {
                    i.reply = Some(reply(ReplyKind::Answered {
                        answer: answer.clone(),
                    }));
                }
            }
            Ch::ConsentDeemed { department } => {
                if let Some(i) = c
                    .invitations
                    .iter_mut()
                    .find(|i| &i.department == department)
                {
                    i.reply = Some(reply(ReplyKind::DeemedConsent));
                }
            }
            Ch::Summarised { summary } => {
                c.state = ConsultationState::Summarised;
                c.summary = Some(summary.clone());
                c.summarised_at = Some(e.at);
            }
            Ch::Concluded { outcome } => {
                c.state = match outcome {
                    PlanningOutcome::Generated => ConsultationState::Generated,
                    PlanningOutcome::NotGenerated { .. } => ConsultationState::NotGenerated,
                };
                c.outcome = Some(outcome.clone());
                c.result_documents = e.attachments.clone();
                c.concluded_at = Some(e.at);
            }
            Ch::ProjectLinked { project } => c.linked_project = Some(project.clone()),
            Ch::Closed { reason } => {
                c.state = ConsultationState::Closed;
                c.closed_reason = Some(reason.clone());
            }
        }
        c.last_event_at = e.at;
        c.version += 1;
        Ok(c)
    }

    /// Decide and apply in one step; on refusal the record is untouched.
    pub fn execute(
        consultation: Option<Consultation>,
        id: &ConsultationId,
        cmd: &ConsultationCommand,
        acting: &Acting,
        clock: &LegalClock,
    ) -> Result<(Consultation, Vec<ConsultationEvent>), ConsultationError> {
        crate::entity::execute(consultation, id, cmd, acting, clock)
    }

    /// Rebuild a record from its events (the projection the server and every client run).
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a ConsultationEvent>,
    ) -> Result<Consultation, ConsultationReplayError> {
        crate::entity::replay(events)?.ok_or(ConsultationReplayError::Empty)
    }
}

fn check_role(action: ConsultationAction, actor: &Actor) -> Result<(), ConsultationError> {
    if action.allowed_roles().contains(&actor.role) {
        Ok(())
    } else {
        Err(ConsultationError::RoleNotAllowed {
            action,
            role: actor.role,
        })
    }
}

fn department_name(actor: &Actor) -> String {
    actor
        .department
        .as_ref()
        .map(|d| d.to_string())
        .unwrap_or_else(|| "无".to_owned())
}

fn require_department(
    actor: &Actor,
    expected: &DepartmentCode,
    action: ConsultationAction,
) -> Result<(), ConsultationError> {
    if actor.department.as_ref() == Some(expected) {
        Ok(())
    } else {
        Err(ConsultationError::NotLeadDepartment {
            action,
            expected: expected.clone(),
            actor_department: department_name(actor),
        })
    }
}

fn deadline_unknown(e: ClockError) -> ConsultationError {
    ConsultationError::DeadlineUnknown {
        message: e.to_string(),
    }
}

fn non_empty(s: &str, field: &'static str) -> Result<(), ConsultationError> {
    if s.trim().is_empty() {
        Err(ConsultationError::Empty {
            field: Cow::Borrowed(field),
        })
    } else {
        Ok(())
    }
}

fn non_empty_list(items: &[String], field: &'static str) -> Result<(), ConsultationError> {
    if items.is_empty() || items.iter().any(|s| s.trim().is_empty()) {
        return Err(ConsultationError::Empty {
            field: Cow::Borrowed(field),
        });
    }
    Ok(())
}

impl crate::entity::Entity for Consultation {
    type Id = ConsultationId;
    type Command = ConsultationCommand;
    type Event = ConsultationEvent;
    type Error = ConsultationError;
    type ReplayError = ConsultationReplayError;
    type Context<'c> = LegalClock<'c>;
    type Action = ConsultationAction;
    const KIND: &'static str = "consultation";

    fn decide(
        state: Option<&Self>,
        id: &ConsultationId,
        cmd: &ConsultationCommand,
        acting: &Acting,
        clock: &LegalClock<'_>,
    ) -> Result<Vec<ConsultationEvent>, ConsultationError> {
        Consultation::decide(state, id, cmd, acting, clock)
    }

    fn apply(
        state: Option<Self>,
        event: &ConsultationEvent,
    ) -> Result<Self, ConsultationReplayError> {
        Consultation::apply(state, event)
    }

    fn missing() -> ConsultationError {
        ConsultationError::NotRegistered
    }

    fn available_actions(&self, actor: &Actor) -> Vec<Availability<ConsultationAction>> {
        Consultation::available_actions(self, actor)
    }
}

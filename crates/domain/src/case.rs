//! 办件: one item of one application as it moves through the window and the department.
//! Commands are decided against the current state into events; the state is the fold of them.

use crate::actor::{Actor, Role};
use crate::clock::{ClockInput, StopReason, StoppedSpan};
use crate::entity::{Availability, availability};
use crate::ids::{
    ApplicationId, AttachmentId, CaseId, CertificateNumber, DepartmentCode, ItemCode,
    OrganisationId, ProjectId, WorksId,
};
use crate::procedure::SpecialProcedureKind;
use crate::time::{Timestamp, to_local};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The most working days one extension (延期) may add (行政许可法 §42: 10 days; joint handling 15).
pub const MAX_EXTENSION_DAYS: u32 = 15;

/// 办件状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 草稿: the applicant is still filling in the form.
    Draft,
    /// 已提交: waiting for the window to receive it.
    Submitted,
    /// 已接件: the window has it and checks its form (形式审查).
    Received,
    /// 待补正: a one-time correction notice (一次性补正告知) was sent; the applicant resubmits.
    CorrectionRequested,
    /// 审查中: accepted (受理); the legal clock runs.
    InReview,
    /// 暂停整改: paused for rectification; the clock stops.
    Paused,
    /// 已退件: returned; the applicant must apply again.
    Returned,
    /// 不予受理.
    NotAccepted,
    /// 已撤回: withdrawn by the applicant.
    Withdrawn,
    /// 办结（准予）: granted, with an e-certificate.
    Granted,
    /// 办结（不予许可）: denied, with reasons.
    Denied,
}

impl Case {
    /// Shown for a case the server has not numbered yet.
    pub const UNNUMBERED: &'static str = "待编号";

    /// 办件编号 as people read it: the server's number, or 待编号.
    pub fn number_label(&self) -> &str {
        self.number.as_deref().unwrap_or(Self::UNNUMBERED)
    }
}

impl CaseState {
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Draft => "草稿",
            CaseState::Submitted => "已提交",
            CaseState::Received => "已接件",
            CaseState::CorrectionRequested => "待补正",
            CaseState::InReview => "审查中",
            CaseState::Paused => "暂停整改",
            CaseState::Returned => "已退件",
            CaseState::NotAccepted => "不予受理",
            CaseState::Withdrawn => "已撤回",
            CaseState::Granted => "办结（准予许可）",
            CaseState::Denied => "办结（不予许可）",
        }
    }

    /// No command changes a case in a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseState::Returned
                | CaseState::NotAccepted
                | CaseState::Withdrawn
                | CaseState::Granted
                | CaseState::Denied
        )
    }
}

/// Where the legal clock of a case stands (法定时限的阶段): what the 办理期限 line of every
/// screen says, decided here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClockPhase {
    /// 未受理: the clock starts the day after acceptance (受理).
    NotAccepted,
    /// 计时中.
    Running,
    /// 暂停计时 (暂停整改).
    Paused,
    /// 已办结 (准予 or 不予许可).
    Completed,
    /// 已终止 (退件, 不予受理, 撤回).
    Terminated,
}

impl CaseState {
    /// The clock's phase in this state, `accepted` saying whether the case was ever accepted.
    pub fn clock_phase(self, accepted: bool) -> ClockPhase {
        use CaseState as S;
        match self {
            S::Granted | S::Denied => ClockPhase::Completed,
            S::Returned | S::NotAccepted | S::Withdrawn => ClockPhase::Terminated,
            S::Draft | S::Submitted | S::Received | S::CorrectionRequested => {
                ClockPhase::NotAccepted
            }
            _ if !accepted => ClockPhase::NotAccepted,
            S::Paused => ClockPhase::Paused,
            S::InReview => ClockPhase::Running,
        }
    }
}

impl Case {
    /// Where this case's legal clock stands.
    pub fn clock_phase(&self) -> ClockPhase {
        self.state.clock_phase(self.accepted_at.is_some())
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 告知承诺制 status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    #[default]
    NotRequested,
    /// The window asked the department to confirm.
    Requested,
    Confirmed,
    Declined,
}

impl CommitmentStatus {
    pub fn label(self) -> &'static str {
        match self {
            CommitmentStatus::NotRequested => "未发起",
            CommitmentStatus::Requested => "待部门确认",
            CommitmentStatus::Confirmed => "部门已确认",
            CommitmentStatus::Declined => "部门不同意",
        }
    }
}

/// What the case was accepted under; fixed at 受理 so later catalogue edits do not change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AcceptanceTerms {
    /// 目录版本.
    pub catalogue_version: String,
    /// 法定办理时限 (working days; 0 = 即办).
    pub time_limit_working_days: u32,
    /// 层级审批: the department's levels in order, e.g. 受理 审核 复核 签批.
    pub review_levels: Vec<String>,
}

/// One point of a one-time correction notice (补正告知): which material, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CorrectionPoint {
    pub material: String,
    pub reason: String,
}

/// 电子证照 record issued at a granted completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateRecord {
    pub number: CertificateNumber,
    /// 证照名称, e.g. 建筑工程施工许可证.
    pub name: String,
    pub issued_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// The certificate file.
    pub file: Option<AttachmentId>,
}

impl CertificateRecord {
    /// What a screen or paper shows for the number: 待分配 until the server has numbered it.
    pub const PROVISIONAL: &'static str = "待分配";

    /// Whether the server has not numbered it yet (a client's own, offline decision).
    pub fn is_provisional(&self) -> bool {
        self.number.as_str().trim().is_empty()
    }

    /// The number, or 待分配.
    pub fn number_label(&self) -> &str {
        if self.is_provisional() {
            Self::PROVISIONAL
        } else {
            self.number.as_str()
        }
    }
}

/// A user's command on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum CaseCommand {
    /// Open a draft case for one item of an application (applicant online, or the window on site).
    Create {
        application: ApplicationId,
        project: ProjectId,
        works: WorksId,
        item: ItemCode,
        department: DepartmentCode,
        applicant: OrganisationId,
        /// Whether the catalogue allows 告知承诺制 for the item.
        commitment_allowed: bool,
        /// 办件编号: the server's to assign when it applies the creation (whatever a client
        /// sends is replaced); none in a client's own, offline decision (待编号).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        number: Option<String>,
    },
    /// Attach a material (申报材料) under the name of the catalogue's requirement.
    AttachMaterial {
        material: String,
        attachment: AttachmentId,
    },
    DetachMaterial {
        material: String,
    },
    /// Submit (or resubmit after correction) with the stamped application form (盖章申请表).
    Submit {
        stamped_form: AttachmentId,
    },
    /// 接件.
    Receive,
    /// Ask the department to confirm commitment-based handling.
    RequestCommitmentConfirmation,
    ConfirmCommitment,
    DeclineCommitment {
        reason: String,
    },
    /// 受理: the clock starts.
    Accept {
        terms: AcceptanceTerms,
        commitment_based: bool,
    },
    /// 一次性补正告知: every problem at once.
    RequestCorrection {
        points: Vec<CorrectionPoint>,
    },
    /// 不予受理.
    RefuseAcceptance {
        reasons: Vec<String>,
    },
    /// 层级审批 at the next level.
    SignOff {
        level: String,
    },
    /// 暂停整改.
    Pause {
        points: Vec<CorrectionPoint>,
    },
    /// The applicant's rectified materials while paused.
    SubmitRectification {
        note: String,
    },
    /// 恢复.
    Resume,
    /// 特别程序开始. Whether it counts against the legal limit is the law's (seed 3:
    /// [`SpecialProcedureKind::is_timed`]), never the client's choice.
    StartSpecialProcedure {
        procedure: u32,
        kind: SpecialProcedureKind,
    },
    EndSpecialProcedure {
        procedure: u32,
        summary: String,
    },
    /// 延期: extra working days, once per case, granted by the department's head (the holder of
    /// the case's top review level, e.g. 签批), who is the one issuing it: the approver is the
    /// signed-in user, never a typed name.
    Extend {
        days: u32,
        reason: String,
    },
    /// 退件.
    Return {
        reasons: Vec<String>,
    },
    /// 撤回.
    Withdraw {
        reason: String,
    },
    /// 办结.
    Complete {
        decision: Decision,
    },
}

/// The result of a completed case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum Decision {
    Granted { certificate: CertificateRecord },
    Denied { reasons: Vec<String> },
}

/// What a command is, for messages and for role checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "DomainCaseAction")
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DomainCaseAction"))]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Create,
    AttachMaterial,
    DetachMaterial,
    Submit,
    Receive,
    RequestCommitmentConfirmation,
    ConfirmCommitment,
    DeclineCommitment,
    Accept,
    RequestCorrection,
    RefuseAcceptance,
    SignOff,
    Pause,
    SubmitRectification,
    Resume,
    StartSpecialProcedure,
    EndSpecialProcedure,
    Extend,
    Return,
    Withdraw,
    Complete,
}

impl CaseAction {
    pub const ALL: [CaseAction; 21] = [
        CaseAction::Create,
        CaseAction::AttachMaterial,
        CaseAction::DetachMaterial,
        CaseAction::Submit,
        CaseAction::Receive,
        CaseAction::RequestCommitmentConfirmation,
        CaseAction::ConfirmCommitment,
        CaseAction::DeclineCommitment,
        CaseAction::Accept,
        CaseAction::RequestCorrection,
        CaseAction::RefuseAcceptance,
        CaseAction::SignOff,
        CaseAction::Pause,
        CaseAction::SubmitRectification,
        CaseAction::Resume,
        CaseAction::StartSpecialProcedure,
        CaseAction::EndSpecialProcedure,
        CaseAction::Extend,
        CaseAction::Return,
        CaseAction::Withdraw,
        CaseAction::Complete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseAction::Create => "新建申请",
            CaseAction::AttachMaterial => "上传材料",
            CaseAction::DetachMaterial => "移除材料",
            CaseAction::Submit => "提交申请",
            CaseAction::Receive => "接件",
            CaseAction::RequestCommitmentConfirmation => "发起告知承诺确认",
            CaseAction::ConfirmCommitment => "确认告知承诺",
            CaseAction::DeclineCommitment => "不同意告知承诺",
            CaseAction::Accept => "受理",
            CaseAction::RequestCorrection => "一次性补正告知",
            CaseAction::RefuseAcceptance => "不予受理",
            CaseAction::SignOff => "层级审批签署",
            CaseAction::Pause => "暂停整改",
            CaseAction::SubmitRectification => "提交整改材料",
            CaseAction::Resume => "恢复审批",
            CaseAction::StartSpecialProcedure => "开始特别程序",
            CaseAction::EndSpecialProcedure => "结束特别程序",
            CaseAction::Extend => "延期",
            CaseAction::Return => "退件",
            CaseAction::Withdraw => "撤回",
            CaseAction::Complete => "办结",
        }
    }

    /// The roles that may take this action (scope — own organisation, own department — is
    /// checked separately against the case).
    pub fn allowed_roles(self) -> &'static [Role] {
        use CaseAction::*;
        match self {
            Create | AttachMaterial | DetachMaterial | Submit => {
                &[Role::Applicant, Role::WindowOperator]
            }
            SubmitRectification | Withdraw => &[Role::Applicant],
            Receive
            | RequestCommitmentConfirmation
            | Accept
            | RequestCorrection
            | RefuseAcceptance => &[Role::WindowOperator],
            ConfirmCommitment
            | DeclineCommitment
            | SignOff
            | Pause
            | Resume
            | StartSpecialProcedure
            | EndSpecialProcedure
            | Extend
            | Return
            | Complete => &[Role::DepartmentReviewer, Role::UtilityUnit],
        }
    }
}

impl fmt::Display for CaseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl CaseCommand {
    pub fn action(&self) -> CaseAction {
        match self {
            CaseCommand::Create { .. } => CaseAction::Create,
            CaseCommand::AttachMaterial { .. } => CaseAction::AttachMaterial,
            CaseCommand::DetachMaterial { .. } => CaseAction::DetachMaterial,
            CaseCommand::Submit { .. } => CaseAction::Submit,
            CaseCommand::Receive => CaseAction::Receive,
            CaseCommand::RequestCommitmentConfirmation => CaseAction::RequestCommitmentConfirmation,
            CaseCommand::ConfirmCommitment => CaseAction::ConfirmCommitment,
            CaseCommand::DeclineCommitment { .. } => CaseAction::DeclineCommitment,
            CaseCommand::Accept { .. } => CaseAction::Accept,
            CaseCommand::RequestCorrection { .. } => CaseAction::RequestCorrection,
            CaseCommand::RefuseAcceptance { .. } => CaseAction::RefuseAcceptance,
            CaseCommand::SignOff { .. } => CaseAction::SignOff,
            CaseCommand::Pause { .. } => CaseAction::Pause,
            CaseCommand::SubmitRectification { .. } => CaseAction::SubmitRectification,
            CaseCommand::Resume => CaseAction::Resume,
            CaseCommand::StartSpecialProcedure { .. } => CaseAction::StartSpecialProcedure,
            CaseCommand::EndSpecialProcedure { .. } => CaseAction::EndSpecialProcedure,
            CaseCommand::Extend { .. } => CaseAction::Extend,
            CaseCommand::Return { .. } => CaseAction::Return,
            CaseCommand::Withdraw { .. } => CaseAction::Withdraw,
            CaseCommand::Complete { .. } => CaseAction::Complete,
        }
    }
}

/// Who acts, when, with what opinion and attachments: everything a command carries besides
/// what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Acting {
    pub actor: Actor,
    /// When the action was taken (offline actions keep their own time).
    pub at: Timestamp,
    /// 意见 / 备注.
    pub opinion: Option<String>,
    /// Files that come with the action (special-procedure results, rectified materials).
    pub attachments: Vec<AttachmentId>,
}

/// The longest 意见 an action may carry, in characters: an opinion is a few lines; a longer text
/// belongs in an attached file.
pub const MAX_OPINION_CHARS: usize = 2000;

/// The sentence for an opinion over [`MAX_OPINION_CHARS`], or None if it is within it: checked
/// where a command is queued (the client) and where it arrives (the server).
/// (The rule itself is [`crate::limits::check_opinion`], part of the limits on every text.)
pub fn opinion_too_long(opinion: Option<&str>) -> Option<String> {
    crate::limits::check_opinion(opinion)
        .err()
        .map(|e| e.to_string())
}

impl Acting {
    pub fn new(actor: Actor, at: Timestamp) -> Self {
        Acting {
            actor,
            at,
            opinion: None,
            attachments: vec![],
        }
    }

    pub fn with_opinion(mut self, opinion: impl Into<String>) -> Self {
        self.opinion = Some(opinion.into());
        self
    }

    pub fn with_attachments(mut self, attachments: Vec<AttachmentId>) -> Self {
        self.attachments = attachments;
        self
    }
}

/// One recorded change of a case: who, when, what, with opinion and attachments (seed 7.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseEvent {
    pub case: CaseId,
    pub at: Timestamp,
    pub actor: Actor,
    /// 意见: the opinion or remark the actor entered, if any.
    pub opinion: Option<String>,
    /// Attachments (materials, results) that came with the action.
    pub attachments: Vec<AttachmentId>,
    pub change: CaseChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum CaseChange {
    Created {
        application: ApplicationId,
        project: ProjectId,
        works: WorksId,
        item: ItemCode,
        department: DepartmentCode,
        applicant: OrganisationId,
        commitment_allowed: bool,
        /// 办件编号 assigned by the server; absent from events recorded before numbering and
        /// then not written, so they hash as they did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        number: Option<String>,
    },
    MaterialAttached {
        material: String,
        attachment: AttachmentId,
    },
    MaterialDetached {
        material: String,
    },
    Submitted {
        stamped_form: AttachmentId,
        resubmission: bool,
    },
    Received,
    CommitmentConfirmationRequested,
    CommitmentConfirmed,
    CommitmentDeclined {
        reason: String,
    },
    Accepted {
        terms: AcceptanceTerms,
        commitment_based: bool,
    },
    CorrectionRequested {
        points: Vec<CorrectionPoint>,
    },
    AcceptanceRefused {
        reasons: Vec<String>,
    },
    SignedOff {
        level: String,
    },
    Paused {
        points: Vec<CorrectionPoint>,
    },
    RectificationSubmitted {
        note: String,
    },
    Resumed,
    SpecialProcedureStarted {
        procedure: u32,
        kind: SpecialProcedureKind,
        timed: bool,
    },
    SpecialProcedureEnded {
        procedure: u32,
        summary: String,
    },
    Extended {
        days: u32,
        reason: String,
        approved_by: String,
    },
    Returned {
        reasons: Vec<String>,
    },
    Withdrawn {
        reason: String,
    },
    Completed {
        decision: Decision,
    },
}

/// Why a command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum CaseError {
    #[error("办件尚未建立，只能先新建申请")]
    NoSuchCase,
    #[error("办件已存在，不能重复新建")]
    AlreadyExists,
    #[error("办件处于“{state}”状态，不能{action}")]
    InvalidTransition {
        action: CaseAction,
        state: CaseState,
    },
    #[error("角色“{}”不能{action}", role.label())]
    RoleNotAllowed { action: CaseAction, role: Role },
    #[error("该办件属于其他部门（{case_department}），本部门（{actor_department}）不能办理")]
    OtherDepartment {
        case_department: DepartmentCode,
        actor_department: String,
    },
    #[error("该办件属于其他申请单位，不能办理")]
    OtherApplicant,
    #[error("该事项不适用告知承诺制")]
    CommitmentNotAllowed,
    #[error("告知承诺尚未经审批部门确认（当前：{status:?}），不能按告知承诺受理")]
    CommitmentNotConfirmed { status: CommitmentStatus },
    #[error("尚未发起告知承诺确认")]
    CommitmentNotRequested,
    #[error("告知承诺确认已发起（{}），不能重复发起", status.label())]
    CommitmentAlreadyRequested { status: CommitmentStatus },
    #[error("应由“{expected}”签署，不能由“{requested}”签署")]
    WrongReviewLevel { expected: String, requested: String },
    #[error("层级审批已全部签署，无需再签")]
    AllLevelsSigned,
    /// The level was signed already (two reviewers at once: the loser is told who and when).
    #[error("“{level}”已由{by}于 {at} 签署，无需再签")]
    LevelAlreadySigned {
        level: String,
        by: String,
        /// Beijing time to the minute.
        at: String,
    },
    /// The signer does not hold the level (层级权限, from the user directory).
    #[error("{}", level_not_held(level, name, held))]
    LevelNotHeld {
        level: String,
        name: String,
        held: Vec<String>,
    },
    /// The signer already signed another level of this case.
    #[error(
        "本办件的“{signed}”已由{name}签署，同一人不能签署两个层级；“{level}”应由持有该层级的其他审批人员签署"
    )]
    SameSignerTwice {
        signed: String,
        name: String,
        level: String,
    },
    #[error(
        "层级审批尚未完成，还需：{}；各层级（直至最高一级“{}”）均签署后方可办结",
        missing.join("、"),
        missing.last().map(String::as_str).unwrap_or("")
    )]
    LevelsMissing { missing: Vec<String> },
    #[error("特别程序 {procedure} 尚未结束，不能{action}")]
    ProcedureOpen { procedure: u32, action: CaseAction },
    #[error("特别程序编号 {procedure} 已使用")]
    ProcedureExists { procedure: u32 },
    #[error("没有进行中的特别程序 {procedure}")]
    NoSuchProcedure { procedure: u32 },
    #[error("没有进行中的特别程序")]
    NoOpenProcedure,
    #[error("没有名为“{material}”的已上传材料")]
    NoSuchMaterial { material: String },
    #[error("{field}不能为空")]
    Empty { field: Cow<'static, str> },
    #[error("延期天数应为 1 至 {max} 个工作日，实际为 {days}")]
    ExtensionOutOfRange { days: u32, max: u32 },
    /// 延期 once per case (行政许可法 §42: 可以延长一次).
    #[error("本办件已于 {at} 经{by}批准延期 {days} 个工作日，依法只能延期一次")]
    AlreadyExtended { days: u32, by: String, at: String },
    /// Only the department's head (the holder of the top review level) grants an extension.
    #[error("延期须经本部门负责人批准：应由持有“{level}”层级权限的人员办理，{name}未持有该层级")]
    ExtensionNotAuthorised { level: String, name: String },
    #[error("办件已受理，不能再修改申报材料")]
    MaterialsLocked,
    #[error("层级审批至少需要一级")]
    NoReviewLevels,
    #[error("操作时间 {at} 早于本办件上一条记录的时间 {last}")]
    TimeBeforeLastEvent { at: Timestamp, last: Timestamp },
}

/// A time as a person reads it in a message: Beijing time to the minute.
fn minute_text(at: Timestamp) -> String {
    crate::time::to_local(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn level_not_held(level: &str, name: &str, held: &[String]) -> String {
    let held = if held.is_empty() {
        "未被授予任何审批层级".to_owned()
    } else {
        format!("持有的层级为“{}”", held.join("、"))
    };
    format!(
        "“{level}”须由持有该层级权限的审批人员签署：{name}{held}；请由持有“{level}”层级的人员签署，或由管理员在用户目录中为其设置该层级"
    )
}

/// 可办理的操作 of a case (the shared [`Availability`] for [`CaseAction`]).
pub type ActionAvailability = Availability<CaseAction>;

/// A special procedure on the case (特别程序), open or closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProcedureRecord {
    pub procedure: u32,
    pub kind: SpecialProcedureKind,
    pub timed: bool,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub summary: Option<String>,
    /// 成果材料.
    pub results: Vec<AttachmentId>,
}

/// A level sign-off (层级审批留痕, seed 7.4): the level, who signed it (`by.user` the signer's id,
/// `by.name` the 审批人姓名), when, and the content (意见).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignOffRecord {
    pub level: String,
    pub by: Actor,
    pub at: Timestamp,
    pub opinion: Option<String>,
}

/// A pause (暂停整改) span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PauseRecord {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
    pub points: Vec<CorrectionPoint>,
}

/// An approved extension (延期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExtensionRecord {
    pub days: u32,
    pub reason: String,
    pub approved_by: String,
    pub at: Timestamp,
}

/// The current state of a case: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    pub id: CaseId,
    /// 办件编号 (`{year}-{department}-{sequence}`, assigned by the server); None until the
    /// server has applied the creation (shown as 待编号).
    #[serde(default)]
    pub number: Option<String>,
    pub application: ApplicationId,
    pub project: ProjectId,
    pub works: WorksId,
    pub item: ItemCode,
    pub department: DepartmentCode,
    pub applicant: OrganisationId,
    pub commitment_allowed: bool,
    pub state: CaseState,
    pub commitment: CommitmentStatus,
    /// Materials by requirement name (in attach order; a re-attach replaces).
    pub materials: Vec<(String, AttachmentId)>,
    pub stamped_form: Option<AttachmentId>,
    pub created_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub received_at: Option<Timestamp>,
    pub accepted_at: Option<Timestamp>,
    pub terms: Option<AcceptanceTerms>,
    pub commitment_based: bool,
    pub corrections: Vec<(Timestamp, Vec<CorrectionPoint>)>,
    pub sign_offs: Vec<SignOffRecord>,
    pub pauses: Vec<PauseRecord>,
    pub procedures: Vec<ProcedureRecord>,
    pub extensions: Vec<ExtensionRecord>,
    pub ended_at: Option<Timestamp>,
    pub decision: Option<Decision>,
    /// Reasons of a refusal, return or withdrawal.
    pub end_reasons: Vec<String>,
    pub last_event_at: Timestamp,
    /// Number of events folded in.
    pub version: u64,
}

impl Case {
    /// Decide a command against the current state (None before the case exists). Returns the
    /// events to append, or a typed refusal; never changes anything itself.
    pub fn decide(
        case: Option<&Case>,
        id: &CaseId,
        cmd: &CaseCommand,
        acting: &Acting,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let (actor, at) = (&acting.actor, acting.at);
        let action = cmd.action();
        if !action.allowed_roles().contains(&actor.role) {
            return Err(CaseError::RoleNotAllowed {
                action,
                role: actor.role,
            });
        }
        let opinion = acting
            .opinion
            .as_ref()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        let event = |change: CaseChange, intrinsic: Vec<AttachmentId>| {
            let mut attachments = intrinsic;
            for a in &acting.attachments {
                if !attachments.contains(a) {
                    attachments.push(a.clone());
                }
            }
            CaseEvent {
                case: id.clone(),
                at,
                actor: actor.clone(),
                opinion: opinion.clone(),
                attachments,
                change,
            }
        };
        let Some(case) = case else {
            return match cmd {
                CaseCommand::Create {
                    application,
                    project,
                    works,
                    item,
                    department,
                    applicant,
                    commitment_allowed,
                    number,
                } => {
                    if actor.role == Role::Applicant
                        && actor.organisation.as_ref() != Some(applicant)
                    {
                        return Err(CaseError::OtherApplicant);
                    }
                    Ok(vec![event(
                        CaseChange::Created {
                            application: application.clone(),
                            project: project.clone(),
                            works: works.clone(),
                            item: item.clone(),
                            department: department.clone(),
                            applicant: applicant.clone(),
                            commitment_allowed: *commitment_allowed,
                            number: number
                                .as_deref()
                                .map(str::trim)
                                .filter(|n| !n.is_empty())
                                .map(str::to_owned),
                        },
                        vec![],
                    )])
                }
                _ => Err(CaseError::NoSuchCase),
            };
        };
        if matches!(cmd, CaseCommand::Create { .. }) {
            return Err(CaseError::AlreadyExists);
        }
        case.check_scope(actor)?;
        if at < case.last_event_at {
            return Err(CaseError::TimeBeforeLastEvent {
                at,
                last: case.last_event_at,
            });
        }
        case.state_gate(action)?;
        let state = case.state;
        use CaseState as S;
        let change = match cmd {
            CaseCommand::Create { .. } => return Err(CaseError::AlreadyExists),
            CaseCommand::AttachMaterial {
                material,
                attachment,
            } => {
                non_empty(material, "材料名称")?;
                return Ok(vec![event(
                    CaseChange::MaterialAttached {
                        material: material.trim().to_owned(),
                        attachment: attachment.clone(),
                    },
                    vec![attachment.clone()],
                )]);
            }
            CaseCommand::DetachMaterial { material } => {
                if !case.materials.iter().any(|(m, _)| m == material.trim()) {
                    return Err(CaseError::NoSuchMaterial {
                        material: material.clone(),
                    });
                }
                CaseChange::MaterialDetached {
                    material: material.trim().to_owned(),
                }
            }
            CaseCommand::Submit { stamped_form } => {
                return Ok(vec![event(
                    CaseChange::Submitted {
                        stamped_form: stamped_form.clone(),
                        resubmission: state == S::CorrectionRequested,
                    },
                    vec![stamped_form.clone()],
                )]);
            }
            CaseCommand::Receive => CaseChange::Received,
            CaseCommand::RequestCommitmentConfirmation => {
                CaseChange::CommitmentConfirmationRequested
            }
            CaseCommand::ConfirmCommitment | CaseCommand::DeclineCommitment { .. } => match cmd {
                CaseCommand::DeclineCommitment { reason } => {
                    non_empty(reason, "不同意的理由")?;
                    CaseChange::CommitmentDeclined {
                        reason: reason.trim().to_owned(),
                    }
                }
                _ => CaseChange::CommitmentConfirmed,
            },
            CaseCommand::Accept {
                terms,
                commitment_based,
            } => {
                if *commitment_based && case.commitment != CommitmentStatus::Confirmed {
                    return Err(CaseError::CommitmentNotConfirmed {
                        status: case.commitment,
                    });
                }
                if terms.review_levels.is_empty() {
                    return Err(CaseError::NoReviewLevels);
                }
                CaseChange::Accepted {
                    terms: terms.clone(),
                    commitment_based: *commitment_based,
                }
            }
            CaseCommand::RequestCorrection { points } => {
                check_points(points)?;
                CaseChange::CorrectionRequested {
                    points: points.clone(),
                }
            }
            CaseCommand::RefuseAcceptance { reasons } => {
                check_reasons(reasons, "不予受理的理由")?;
                CaseChange::AcceptanceRefused {
                    reasons: reasons.clone(),
                }
            }
            CaseCommand::SignOff { level } if case.signed(level.trim()).is_some() => {
                let done = case.signed(level.trim());
                return Err(CaseError::LevelAlreadySigned {
                    level: level.trim().to_owned(),
                    by: done.map(|s| s.by.name.clone()).unwrap_or_default(),
                    at: done.map(|s| minute_text(s.at)).unwrap_or_default(),
                });
            }
            CaseCommand::SignOff { level } => match case.next_level() {
                None => return Err(CaseError::AllLevelsSigned),
                Some(expected) if expected != level.trim() => {
                    return Err(CaseError::WrongReviewLevel {
                        expected: expected.to_owned(),
                        requested: level.clone(),
                    });
                }
                Some(_) => {
                    // The level asked for is the next one; now who may sign it (the same gate
                    // `may` runs, checked after the level so a wrong level is named as such).
                    case.signer_gate(action, actor)?;
                    CaseChange::SignedOff {
                        level: level.trim().to_owned(),
                    }
                }
            },
            CaseCommand::Pause { points } => {
                check_points(points)?;
                CaseChange::Paused {
                    points: points.clone(),
                }
            }
            CaseCommand::SubmitRectification { note } => {
                non_empty(note, "整改说明")?;
                CaseChange::RectificationSubmitted {
                    note: note.trim().to_owned(),
                }
            }
            CaseCommand::Resume => CaseChange::Resumed,
            CaseCommand::StartSpecialProcedure { procedure, kind } => {
                if case.procedures.iter().any(|p| p.procedure == *procedure) {
                    return Err(CaseError::ProcedureExists {
                        procedure: *procedure,
                    });
                }
                CaseChange::SpecialProcedureStarted {
                    procedure: *procedure,
                    kind: *kind,
                    timed: kind.is_timed(),
                }
            }
            CaseCommand::EndSpecialProcedure { procedure, summary } => {
                if !case
                    .procedures
                    .iter()
                    .any(|p| p.procedure == *procedure && p.ended_at.is_none())
                {
                    return Err(CaseError::NoSuchProcedure {
                        procedure: *procedure,
                    });
                }
                non_empty(summary, "特别程序结果")?;
                CaseChange::SpecialProcedureEnded {
                    procedure: *procedure,
                    summary: summary.trim().to_owned(),
                }
            }
            CaseCommand::Extend { days, reason } => {
                case.extension_gate(actor)?;
                if *days == 0 || *days > MAX_EXTENSION_DAYS {
                    return Err(CaseError::ExtensionOutOfRange {
                        days: *days,
                        max: MAX_EXTENSION_DAYS,
                    });
                }
                non_empty(reason, "延期理由")?;
                CaseChange::Extended {
                    days: *days,
                    reason: reason.trim().to_owned(),
                    approved_by: acting.actor.name.clone(),
                }
            }
            CaseCommand::Return { reasons } => {
                check_reasons(reasons, "退件理由")?;
                CaseChange::Returned {
                    reasons: reasons.clone(),
                }
            }
            CaseCommand::Withdraw { reason } => {
                non_empty(reason, "撤回理由")?;
                CaseChange::Withdrawn {
                    reason: reason.trim().to_owned(),
                }
            }
            CaseCommand::Complete { decision } => {
                match decision {
                    // The number is the server's to assign (empty until then: 待分配).
                    Decision::Granted { certificate } => non_empty(&certificate.name, "证照名称")?,
                    Decision::Denied { reasons } => check_reasons(reasons, "不予许可的理由")?,
                }
                let attachments = match decision {
                    Decision::Granted { certificate } => certificate.file.iter().cloned().collect(),
                    Decision::Denied { .. } => vec![],
                };
                return Ok(vec![event(
                    CaseChange::Completed {
                        decision: decision.clone(),
                    },
                    attachments,
                )]);
            }
        };
        Ok(vec![event(change, vec![])])
    }

    /// Whether `actor` may take `action` on this case now, and if not, why: the role, the scope
    /// (own organisation, own department) and the state with what it implies (levels signed,
    /// procedures open, commitment confirmed...). The content of a command (reasons, points,
    /// the level named) is checked by [`Case::decide`], which applies this same gate first, so
    /// the buttons a screen offers and the refusals it gets come from one rule.
    pub fn may(&self, action: CaseAction, actor: &Actor) -> Result<(), CaseError> {
        if !action.allowed_roles().contains(&actor.role) {
            return Err(CaseError::RoleNotAllowed {
                action,
                role: actor.role,
            });
        }
        if action == CaseAction::Create {
            return Err(CaseError::AlreadyExists);
        }
        self.check_scope(actor)?;
        self.state_gate(action)?;
        self.signer_gate(action, actor)
    }

    /// 层级审批 bound to the directory (seed 7.4): the next level is signed only by someone who
    /// holds it, and by no one who signed another level of this case already.
    fn signer_gate(&self, action: CaseAction, actor: &Actor) -> Result<(), CaseError> {
        if action == CaseAction::Extend {
            return self.extension_gate(actor);
        }
        if action != CaseAction::SignOff {
            return Ok(());
        }
        let Some(level) = self.next_level() else {
            return Err(CaseError::AllLevelsSigned);
        };
        if let Some(prev) = self.sign_offs.iter().find(|s| s.by.user == actor.user) {
            return Err(CaseError::SameSignerTwice {
                signed: prev.level.clone(),
                name: prev.by.name.clone(),
                level: level.to_owned(),
            });
        }
        if !actor.holds_level(level) {
            return Err(CaseError::LevelNotHeld {
                level: level.to_owned(),
                name: actor.name.clone(),
                held: actor.levels.clone(),
            });
        }
        Ok(())
    }

    /// 延期 is granted by the department's head: whoever holds the case's top review level.
    fn extension_gate(&self, actor: &Actor) -> Result<(), CaseError> {
        let Some(top) = self.terms.as_ref().and_then(|t| t.review_levels.last()) else {
            return Err(CaseError::NoReviewLevels);
        };
        if actor.holds_level(top) {
            Ok(())
        } else {
            Err(CaseError::ExtensionNotAuthorised {
                level: top.clone(),
                name: actor.name.clone(),
            })
        }
    }

    /// 可办理的操作: every action of the case workflow (but 新建, which needs no case) with
    /// whether `actor` may take it now and, if not, the reason the domain would refuse it with.
    pub fn available_actions(&self, actor: &Actor) -> Vec<ActionAvailability> {
        availability(
            CaseAction::ALL
                .into_iter()
                .filter(|a| *a != CaseAction::Create),
            CaseAction::label,
            |action| self.may(action, actor),
        )
    }

    /// The state preconditions of `action` (see [`Case::may`]).
    fn state_gate(&self, action: CaseAction) -> Result<(), CaseError> {
        use CaseAction as A;
        use CaseState as S;
        let state = self.state;
        let wrong_state = || CaseError::InvalidTransition { action, state };
        let need = |ok: bool| if ok { Ok(()) } else { Err(wrong_state()) };
        match action {
            A::Create => Err(CaseError::AlreadyExists),
            A::AttachMaterial | A::DetachMaterial => {
                if matches!(state, S::Draft | S::CorrectionRequested) {
                    Ok(())
                } else if state.is_terminal() {
                    Err(wrong_state())
                } else {
                    Err(CaseError::MaterialsLocked)
                }
            }
            A::Submit => need(matches!(state, S::Draft | S::CorrectionRequested)),
            A::Receive => need(state == S::Submitted),
            A::RequestCommitmentConfirmation => {
                need(state == S::Received)?;
                if !self.commitment_allowed {
                    Err(CaseError::CommitmentNotAllowed)
                } else if self.commitment != CommitmentStatus::NotRequested {
                    Err(CaseError::CommitmentAlreadyRequested {
                        status: self.commitment,
                    })
                } else {
                    Ok(())
                }
            }
            A::ConfirmCommitment | A::DeclineCommitment => {
                need(state == S::Received)?;
                if self.commitment == CommitmentStatus::Requested {
                    Ok(())
                } else {
                    Err(CaseError::CommitmentNotRequested)
                }
            }
            A::Accept | A::RequestCorrection | A::RefuseAcceptance => need(state == S::Received),
            A::SignOff => {
                need(state == S::InReview)?;
                match self.next_level() {
                    Some(_) => Ok(()),
                    None => Err(CaseError::AllLevelsSigned),
                }
            }
            A::Pause | A::StartSpecialProcedure => need(state == S::InReview),
            A::SubmitRectification | A::Resume => need(state == S::Paused),
            A::EndSpecialProcedure => {
                need(matches!(state, S::InReview | S::Paused))?;
                if self.procedures.iter().any(|p| p.ended_at.is_none()) {
                    Ok(())
                } else {
                    Err(CaseError::NoOpenProcedure)
                }
            }
            A::Extend => {
                need(matches!(state, S::InReview | S::Paused))?;
                match self.extensions.first() {
                    Some(done) => Err(CaseError::AlreadyExtended {
                        days: done.days,
                        by: done.approved_by.clone(),
                        at: minute_text(done.at),
                    }),
                    None => Ok(()),
                }
            }
            A::Return => need(matches!(state, S::InReview | S::Paused)),
            A::Withdraw => need(!state.is_terminal()),
            A::Complete => {
                need(state == S::InReview)?;
                if let Some(open) = self.procedures.iter().find(|p| p.ended_at.is_none()) {
                    return Err(CaseError::ProcedureOpen {
                        procedure: open.procedure,
                        action,
                    });
                }
                let missing = self.missing_levels();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(CaseError::LevelsMissing { missing })
                }
            }
        }
    }

    /// Who may act on this case beyond the role: an applicant only on its own organisation's
    /// cases; a reviewer or utility unit only on its department's.
    fn check_scope(&self, actor: &Actor) -> Result<(), CaseError> {
        match actor.role {
            Role::Applicant if actor.organisation.as_ref() != Some(&self.applicant) => {
                Err(CaseError::OtherApplicant)
            }
            Role::DepartmentReviewer | Role::UtilityUnit
                if actor.department.as_ref() != Some(&self.department) =>
            {
                Err(CaseError::OtherDepartment {
                    case_department: self.department.clone(),
                    actor_department: actor
                        .department
                        .as_ref()
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "无".to_owned()),
                })
            }
            _ => Ok(()),
        }
    }

    /// Fold one event into the state. Events were decided against this state, so applying them
    /// cannot fail; an event that does not fit (a corrupt trail) is caught by `replay`.
    pub fn apply(case: Option<Case>, e: &CaseEvent) -> Result<Case, ReplayError> {
        let mut c = match (case, &e.change) {
            (
                None,
                CaseChange::Created {
                    application,
                    project,
                    works,
                    item,
                    department,
                    applicant,
                    commitment_allowed,
                    number,
                },
            ) => {
                return Ok(Case {
                    id: e.case.clone(),
                    number: number.clone(),
                    application: application.clone(),
                    project: project.clone(),
                    works: works.clone(),
                    item: item.clone(),
                    department: department.clone(),
                    applicant: applicant.clone(),
                    commitment_allowed: *commitment_allowed,
                    state: CaseState::Draft,
                    commitment: CommitmentStatus::NotRequested,
                    materials: vec![],
                    stamped_form: None,
                    created_at: e.at,
                    submitted_at: None,
                    received_at: None,
                    accepted_at: None,
                    terms: None,
                    commitment_based: false,
                    corrections: vec![],
                    sign_offs: vec![],
                    pauses: vec![],
                    procedures: vec![],
                    extensions: vec![],
                    ended_at: None,
                    decision: None,
                    end_reasons: vec![],
                    last_event_at: e.at,
                    version: 1,
                });
            }
            (None, _) => return Err(ReplayError::FirstEventNotCreated),
            (Some(_), CaseChange::Created { .. }) => return Err(ReplayError::CreatedTwice),
            (Some(c), _) => c,
        };
        if e.case != c.id {
            return Err(ReplayError::WrongCase {
                expected: c.id.clone(),
                found: e.case.clone(),
            });
        }
        match &e.change {
            CaseChange::Created { .. } => return Err(ReplayError::CreatedTwice),
            CaseChange::MaterialAttached {
                material,
                attachment,
            } => {
                c.materials.retain(|(m, _)| m != material);
                c.materials.push((material.clone(), attachment.clone()));
            }
            CaseChange::MaterialDetached { material } => c.materials.retain(|(m, _)| m != material),
            CaseChange::Submitted { stamped_form, .. } => {
                c.state = CaseState::Submitted;
                c.stamped_form = Some(stamped_form.clone());
                c.submitted_at = Some(e.at);
            }
            CaseChange::Received => {
                c.state = CaseState::Received;
                c.received_at = Some(e.at);
                c.commitment = CommitmentStatus::NotRequested;
            }
            CaseChange::CommitmentConfirmationRequested => {
                c.commitment = CommitmentStatus::Requested
            }
            CaseChange::CommitmentConfirmed => c.commitment = CommitmentStatus::Confirmed,
            CaseChange::CommitmentDeclined { .. } => c.commitment = CommitmentStatus::Declined,
            CaseChange::Accepted {
                terms,
                commitment_based,
            } => {
                c.state = CaseState::InReview;
                c.accepted_at = Some(e.at);
                c.terms = Some(terms.clone());
                c.commitment_based = *commitment_based;
            }
            CaseChange::CorrectionRequested { points } => {
                c.state = CaseState::CorrectionRequested;
                c.corrections.push((e.at, points.clone()));
            }
            CaseChange::AcceptanceRefused { reasons } => {
                c.state = CaseState::NotAccepted;
                c.end_reasons = reasons.clone();
            }
            CaseChange::SignedOff { level } => c.sign_offs.push(SignOffRecord {
                level: level.clone(),
                by: e.actor.clone(),
                at: e.at,
                opinion: e.opinion.clone(),
            }),
            CaseChange::Paused { points } => {
                c.state = CaseState::Paused;
                c.pauses.push(PauseRecord {
                    from: e.at,
                    to: None,
                    points: points.clone(),
                });
            }
            CaseChange::RectificationSubmitted { .. } => {}
            CaseChange::Resumed => {
                c.state = CaseState::InReview;
                if let Some(p) = c.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                    p.to = Some(e.at);
                }
            }
            CaseChange::SpecialProcedureStarted {
                procedure,
                kind,
                timed,
            } => c.procedures.push(ProcedureRecord {
                procedure: *procedure,
                kind: *kind,
                timed: *timed,
                started_at: e.at,
                ended_at: None,
                summary: None,
                results: vec![],
            }),
            CaseChange::SpecialProcedureEnded { procedure, summary } => {
                if let Some(p) = c
                    .procedures
                    .iter_mut()
                    .find(|p| p.procedure == *procedure && p.ended_at.is_none())
                {
                    p.ended_at = Some(e.at);
                    p.summary = Some(summary.clone());
                    p.results = e.attachments.clone();
                }
            }
            CaseChange::Extended {
                days,
                reason,
                approved_by,
            } => c.extensions.push(ExtensionRecord {
                days: *days,
                reason: reason.clone(),
                approved_by: approved_by.clone(),
                at: e.at,
            }),
            CaseChange::Returned { reasons } => {
                c.state = CaseState::Returned;
                c.end_reasons = reasons.clone();
                c.close_open_spans(e.at);
            }
            CaseChange::Withdrawn { reason } => {
                c.state = CaseState::Withdrawn;
                c.end_reasons = vec![reason.clone()];
                c.close_open_spans(e.at);
            }
            CaseChange::Completed { decision } => {
                c.state = match decision {
                    Decision::Granted { .. } => CaseState::Granted,
                    Decision::Denied { .. } => CaseState::Denied,
                };
                c.decision = Some(decision.clone());
                c.close_open_spans(e.at);
            }
        }
        c.last_event_at = e.at;
        c.version += 1;
        Ok(c)
    }

    fn close_open_spans(&mut self, at: Timestamp) {
        self.ended_at = Some(at);
        for p in self.pauses.iter_mut().filter(|p| p.to.is_none()) {
            p.to = Some(at);
        }
        for p in self.procedures.iter_mut().filter(|p| p.ended_at.is_none()) {
            p.ended_at = Some(at);
        }
    }

    /// Decide and apply in one step; on refusal the case is untouched.
    pub fn execute(
        case: Option<Case>,
        id: &CaseId,
        cmd: &CaseCommand,
        acting: &Acting,
    ) -> Result<(Case, Vec<CaseEvent>), CaseError> {
        crate::entity::execute(case, id, cmd, acting, &())
    }

    /// Rebuild a case from its events (the projection the server and every client run).
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a CaseEvent>,
    ) -> Result<Case, ReplayError> {
        crate::entity::replay(events)?.ok_or(ReplayError::Empty)
    }

    /// The next review level to sign, in the department's order.
    pub fn next_level(&self) -> Option<&str> {
        let levels = &self.terms.as_ref()?.review_levels;
        levels.get(self.sign_offs.len()).map(String::as_str)
    }

    /// Levels not yet signed.
    /// The sign-off of `level`, if it has been signed.
    pub fn signed(&self, level: &str) -> Option<&SignOffRecord> {
        self.sign_offs.iter().find(|s| s.level == level)
    }

    pub fn missing_levels(&self) -> Vec<String> {
        match &self.terms {
            Some(t) => t
                .review_levels
                .iter()
                .skip(self.sign_offs.len())
                .cloned()
                .collect(),
            None => vec![],
        }
    }

    /// N: the item's limit plus approved extensions.
    pub fn limit_working_days(&self) -> Option<u32> {
        Some(
            self.terms.as_ref()?.time_limit_working_days
                + self.extensions.iter().map(|e| e.days).sum::<u32>(),
        )
    }

    /// What the legal clock needs: None before acceptance (no clock runs yet).
    pub fn clock_input(&self) -> Option<ClockInput> {
        let accepted_at = self.accepted_at?;
        let mut stopped: Vec<StoppedSpan> = self
            .pauses
            .iter()
            .map(|p| StoppedSpan {
                from: to_local(p.from),
                to: p.to.map(to_local),
                reason: StopReason::Pause,
            })
            .collect();
        stopped.extend(
            self.procedures
                .iter()
                .filter(|p| !p.timed)
                .map(|p| StoppedSpan {
                    from: to_local(p.started_at),
                    to: p.ended_at.map(to_local),
                    reason: StopReason::UntimedProcedure(p.kind),
                }),
        );
        Some(ClockInput {
            accepted_at: to_local(accepted_at),
            limit_working_days: self.limit_working_days()?,
            stopped,
            ended_at: self.ended_at.map(to_local),
        })
    }
}

/// Why a sequence of events does not fold into a case (a corrupt or foreign trail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("没有任何记录")]
    Empty,
    #[error("第一条记录不是新建办件")]
    FirstEventNotCreated,
    #[error("办件被重复新建")]
    CreatedTwice,
    #[error("记录属于办件 {found}，不属于 {expected}")]
    WrongCase { expected: CaseId, found: CaseId },
}

fn non_empty(s: &str, field: &'static str) -> Result<(), CaseError> {
    if s.trim().is_empty() {
        Err(CaseError::Empty {
            field: Cow::Borrowed(field),
        })
    } else {
        Ok(())
    }
}

fn check_points(points: &[CorrectionPoint]) -> Result<(), CaseError> {
    if points.is_empty() {
        return Err(CaseError::Empty {
            field: Cow::Borrowed("补正事项"),
        });
    }
    for p in points {
        non_empty(&p.material, "补正材料名称")?;
        non_empty(&p.reason, "补正原因")?;
    }
    Ok(())
}

fn check_reasons(reasons: &[String], field: &'static str) -> Result<(), CaseError> {
    if reasons.is_empty() || reasons.iter().any(|r| r.trim().is_empty()) {
        return Err(CaseError::Empty {
            field: Cow::Borrowed(field),
        });
    }
    Ok(())
}

impl crate::entity::Entity for Case {
    type Id = CaseId;
    type Command = CaseCommand;
    type Event = CaseEvent;
    type Error = CaseError;
    type ReplayError = ReplayError;
    type Context<'c> = ();
    type Action = CaseAction;
    const KIND: &'static str = "case";

    fn decide(
        state: Option<&Self>,
        id: &CaseId,
        cmd: &CaseCommand,
        acting: &Acting,
        _: &(),
    ) -> Result<Vec<CaseEvent>, CaseError> {
        Case::decide(state, id, cmd, acting)
    }

    fn apply(state: Option<Self>, event: &CaseEvent) -> Result<Self, ReplayError> {
        Case::apply(state, event)
    }

    fn missing() -> CaseError {
        CaseError::NoSuchCase
    }

    fn available_actions(&self, actor: &Actor) -> Vec<ActionAvailability> {
        Case::available_actions(self, actor)
    }
}

//! 网上互动 (seed 11): 好差评 ratings after each case and each window visit with the
//! rectification of bad ratings, and suggestions and complaints (建议投诉) routed to departments.
//!
//! Both are commands decided into events and folded into state, like cases: a refused
//! command changes nothing and says why. Deadlines are computed from the legal clock on read,
//! never stored, so a corrected holiday table corrects them all.

mod complaint;
mod stats;

pub use complaint::{
    Answer, Assignment, Complaint, ComplaintAction, ComplaintChange, ComplaintCommand,
    ComplaintError, ComplaintEvent, ComplaintId, ComplaintKind, ComplaintReplayError,
    ComplaintState, MAX_ANSWER_WORKING_DAYS,
};
pub use stats::{
    ComplaintStatistics, DepartmentComplaints, DepartmentRatings, DimensionRatings,
    EvaluationStatistics, LevelCounts, RectificationCounts, complaint_statistics,
    evaluation_statistics,
};

use crate::actor::{Actor, Role};
use crate::case::{Case, CaseState};
use crate::clock::{ClockError, LegalClock};
use crate::entity::{Availability, availability};
use crate::ids::{CaseId, DepartmentCode, ItemCode, OrganisationId};
use crate::time::{LocalTime, Timestamp, to_local};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// 评价等级 (国办发〔2019〕51号; GB/T 39734-2020 7.3): five levels, the last two are 差评.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "RatingLevel")
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RatingLevel"))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 非常满意 ★★★★★
    VerySatisfied,
    /// 满意 ★★★★
    Satisfied,
    /// 基本满意 ★★★
    BasicallySatisfied,
    /// 不满意 ★★
    Dissatisfied,
    /// 非常不满意 ★
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::BasicallySatisfied,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::BasicallySatisfied => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }

    /// Stars, 5 (非常满意) to 1 (非常不满意).
    pub fn score(self) -> u8 {
        match self {
            Level::VerySatisfied => 5,
            Level::Satisfied => 4,
            Level::BasicallySatisfied => 3,
            Level::Dissatisfied => 2,
            Level::VeryDissatisfied => 1,
        }
    }

    /// 差评: 不满意 and 非常不满意.
    pub fn is_bad(self) -> bool {
        matches!(self, Level::Dissatisfied | Level::VeryDissatisfied)
    }

    pub(crate) fn index(self) -> usize {
        usize::from(5 - self.score())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 评价渠道: 网上服务“一事一评” and 现场服务“一次一评” (GB/T 39734-2020).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 一事一评: one rating per case handled online.
    Online,
    /// 一次一评: one rating per visit at the window.
    Window,
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "网上评价（一事一评）",
            Channel::Window => "现场评价（一次一评）",
        }
    }

    /// The second-level indicators of the national rating content for this channel; the
    /// first-level one, 整体满意度, is the rating's own level.
    pub fn dimensions(self) -> &'static [Dimension] {
        match self {
            Channel::Online => &[
                Dimension::Efficiency,
                Dimension::GuideAccuracy,
                Dimension::Convenience,
                Dimension::PlatformUsability,
            ],
            Channel::Window => &[
                Dimension::ServiceEfficiency,
                Dimension::ServiceLevel,
                Dimension::ServiceAttitude,
            ],
        }
    }
}

/// 评价指标: the national second-level indicators (线上: 办事效率, 办事指南精确度, 办事便捷度,
/// 平台操作性; 线下: 服务效率, 服务水平, 服务态度), each rated on the five levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 办事效率 (online).
    Efficiency,
    /// 办事指南精确度 (online).
    GuideAccuracy,
    /// 办事便捷度 (online).
    Convenience,
    /// 平台操作性 (online).
    PlatformUsability,
    /// 服务效率 (window).
    ServiceEfficiency,
    /// 服务水平 (window).
    ServiceLevel,
    /// 服务态度 (window).
    ServiceAttitude,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Efficiency,
        Dimension::GuideAccuracy,
        Dimension::Convenience,
        Dimension::PlatformUsability,
        Dimension::ServiceEfficiency,
        Dimension::ServiceLevel,
        Dimension::ServiceAttitude,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Efficiency => "办事效率",
            Dimension::GuideAccuracy => "办事指南精确度",
            Dimension::Convenience => "办事便捷度",
            Dimension::PlatformUsability => "平台操作性",
            Dimension::ServiceEfficiency => "服务效率",
            Dimension::ServiceLevel => "服务水平",
            Dimension::ServiceAttitude => "服务态度",
        }
    }

    pub fn channel(self) -> Channel {
        match self {
            Dimension::Efficiency
            | Dimension::GuideAccuracy
            | Dimension::Convenience
            | Dimension::PlatformUsability => Channel::Online,
            Dimension::ServiceEfficiency | Dimension::ServiceLevel | Dimension::ServiceAttitude => {
                Channel::Window
            }
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One indicator's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub level: Level,
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_id;

string_id!(
    /// 评价编号, derived from what is rated so that each case and each visit has one rating.
    EvaluationId
);
string_id!(
    /// 窗口服务编号: one visit at the window (取号 number or the window system's visit id).
    VisitId
);

/// One level of the rating form and whether choosing it makes the rating a 差评 (which then
/// needs a reason: a bad indicator or a comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RatingChoice {
    pub level: Level,
    pub bad: bool,
}

/// 评价表: what a rating of one subject offers ([`RatingSubject::form`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RatingForm {
    pub subject: RatingSubject,
    pub evaluation: EvaluationId,
    pub channel: Channel,
    /// Best first.
    pub levels: Vec<RatingChoice>,
    /// The channel's second-level indicators, in the national order.
    pub dimensions: Vec<Dimension>,
}

/// 评价对象: a case (online) or a window visit, with the department that answers for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "subject")]
pub enum RatingSubject {
    Case {
        case: CaseId,
        item: ItemCode,
        department: DepartmentCode,
        applicant: OrganisationId,
    },
    WindowVisit {
        visit: VisitId,
        /// The service hall (综合窗口) department whose window served the visit.
        department: DepartmentCode,
        applicant: OrganisationId,
    },
}

impl RatingSubject {
    /// The subject of a finished case. A case is rated once it is handled (办结, 退件,
    /// 不予受理 or 撤回), never while still in progress.
    pub fn of_case(case: &Case) -> Result<RatingSubject, EvaluationError> {
        if !case.state.is_terminal() {
            return Err(EvaluationError::CaseNotFinished { state: case.state });
        }
        Ok(RatingSubject::Case {
            case: case.id.clone(),
            item: case.item.clone(),
            department: case.department.clone(),
            applicant: case.applicant.clone(),
        })
    }

    pub fn channel(&self) -> Channel {
        match self {
            RatingSubject::Case { .. } => Channel::Online,
            RatingSubject::WindowVisit { .. } => Channel::Window,
        }
    }

    /// 被评价部门: the one that rectifies a bad rating.
    pub fn department(&self) -> &DepartmentCode {
        match self {
            RatingSubject::Case { department, .. }
            | RatingSubject::WindowVisit { department, .. } => department,
        }
    }

    pub fn applicant(&self) -> &OrganisationId {
        match self {
            RatingSubject::Case { applicant, .. }
            | RatingSubject::WindowVisit { applicant, .. } => applicant,
        }
    }

    /// What the rating form of this subject offers: the levels best first (each saying
    /// whether it is a 差评), the channel's national indicators in their order, and the one
    /// evaluation id the rating is sent under. The UI draws the form from this answer.
    pub fn form(&self) -> RatingForm {
        RatingForm {
            subject: self.clone(),
            evaluation: self.evaluation_id(),
            channel: self.channel(),
            levels: Level::ALL
                .iter()
                .map(|&level| RatingChoice {
                    level,
                    bad: level.is_bad(),
                })
                .collect(),
            dimensions: self.channel().dimensions().to_vec(),
        }
    }

    /// The one evaluation id of this subject.
    pub fn evaluation_id(&self) -> EvaluationId {
        match self {
            RatingSubject::Case { case, .. } => EvaluationId::new(format!("case/{case}")),
            RatingSubject::WindowVisit { visit, .. } => EvaluationId::new(format!("visit/{visit}")),
        }
    }
}

/// Rules a city sets: how long a department has to rectify a bad rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationPolicy {
    /// 差评整改时限, working days from the rating. Local rules differ (5 to 15 days).
    pub rectification_working_days: u32,
}

impl Default for EvaluationPolicy {
    fn default() -> Self {
        EvaluationPolicy {
            rectification_working_days: 15,
        }
    }
}

/// What is asked of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum EvaluationCommand {
    /// 评价: the overall level (整体满意度), indicators of the channel, and a comment.
    Rate {
        subject: RatingSubject,
        level: Level,
        dimensions: Vec<DimensionScore>,
        comment: String,
    },
    /// 开始整改, with the plan.
    StartRectification { plan: String },
    /// 整改完成.
    CompleteRectification { result: String },
    /// 无法整改, with the reason (e.g. no legal basis for what was asked).
    DeclareCannotRectify { reason: String },
    /// 回访: the applicant was called back after the rectification.
    RecordCallback {
        applicant_satisfied: bool,
        note: String,
    },
    /// 申诉: the department says the bad rating is unfounded (误评、恶意差评).
    Appeal { reason: String },
    /// 申诉复核 by the reform office: upheld annuls the rating.
    DecideAppeal { upheld: bool, reason: String },
}

/// The kind of an evaluation command, for messages and role checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationAction {
    Rate,
    StartRectification,
    CompleteRectification,
    DeclareCannotRectify,
    RecordCallback,
    Appeal,
    DecideAppeal,
}

/// The roles that answer for a rated department: its reviewers, a utility unit, or the
/// window staff of a service hall.
const DEPARTMENT_SIDE: &[Role] = &[
    Role::DepartmentReviewer,
    Role::UtilityUnit,
    Role::WindowOperator,
];

impl EvaluationAction {
    pub const ALL: [EvaluationAction; 7] = [
        EvaluationAction::Rate,
        EvaluationAction::StartRectification,
        EvaluationAction::CompleteRectification,
        EvaluationAction::DeclareCannotRectify,
        EvaluationAction::RecordCallback,
        EvaluationAction::Appeal,
        EvaluationAction::DecideAppeal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EvaluationAction::Rate => "评价",
            EvaluationAction::StartRectification => "开始整改",
            EvaluationAction::CompleteRectification => "完成整改",
            EvaluationAction::DeclareCannotRectify => "说明无法整改",
            EvaluationAction::RecordCallback => "登记回访",
            EvaluationAction::Appeal => "申诉",
            EvaluationAction::DecideAppeal => "复核申诉",
        }
    }

    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            EvaluationAction::Rate => &[Role::Applicant],
            EvaluationAction::StartRectification
            | EvaluationAction::CompleteRectification
            | EvaluationAction::DeclareCannotRectify
            | EvaluationAction::Appeal => DEPARTMENT_SIDE,
            EvaluationAction::RecordCallback => &[
                Role::DepartmentReviewer,
                Role::UtilityUnit,
                Role::WindowOperator,
                Role::ReformOffice,
            ],
            EvaluationAction::DecideAppeal => &[Role::ReformOffice],
        }
    }
}

impl fmt::Display for EvaluationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl EvaluationCommand {
    pub fn action(&self) -> EvaluationAction {
        match self {
            EvaluationCommand::Rate { .. } => EvaluationAction::Rate,
            EvaluationCommand::StartRectification { .. } => EvaluationAction::StartRectification,
            EvaluationCommand::CompleteRectification { .. } => {
                EvaluationAction::CompleteRectification
            }
            EvaluationCommand::DeclareCannotRectify { .. } => {
                EvaluationAction::DeclareCannotRectify
            }
            EvaluationCommand::RecordCallback { .. } => EvaluationAction::RecordCallback,
            EvaluationCommand::Appeal { .. } => EvaluationAction::Appeal,
            EvaluationCommand::DecideAppeal { .. } => EvaluationAction::DecideAppeal,
        }
    }
}

/// One recorded change of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationEvent {
    pub evaluation: EvaluationId,
    pub at: Timestamp,
    pub actor: Actor,
    pub change: EvaluationChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum EvaluationChange {
    Rated {
        subject: RatingSubject,
        level: Level,
        dimensions: Vec<DimensionScore>,
        comment: String,
    },
    /// A bad rating opens a rectification for the rated department.
    RectificationOpened {
        department: DepartmentCode,
        limit_working_days: u32,
    },
    RectificationStarted {
        plan: String,
    },
    RectificationCompleted {
        result: String,
    },
    RectificationImpossible {
        reason: String,
    },
    CalledBack {
        applicant_satisfied: bool,
        note: String,
    },
    Appealed {
        reason: String,
    },
    AppealDecided {
        upheld: bool,
        reason: String,
    },
}

/// 整改状态: pending -> rectifying -> done | cannot_rectify; an upheld appeal annuls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    /// 待整改.
    Pending,
    /// 整改中.
    Rectifying,
    /// 已整改.
    Done,
    /// 无法整改.
    CannotRectify,
    /// 申诉成立，差评无效，无需整改.
    Annulled,
}

impl RectificationStatus {
    pub fn label(self) -> &'static str {
        match self {
            RectificationStatus::Pending => "待整改",
            RectificationStatus::Rectifying => "整改中",
            RectificationStatus::Done => "已整改",
            RectificationStatus::CannotRectify => "无法整改",
            RectificationStatus::Annulled => "申诉成立，无需整改",
        }
    }

    /// Still owed by the department.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RectificationStatus::Pending | RectificationStatus::Rectifying
        )
    }
}

impl fmt::Display for RectificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 回访记录.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Callback {
    pub at: Timestamp,
    pub by: Actor,
    pub applicant_satisfied: bool,
    pub note: String,
}

/// 差评整改.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rectification {
    pub department: DepartmentCode,
    pub limit_working_days: u32,
    pub status: RectificationStatus,
    pub opened_at: Timestamp,
    pub plan: Option<String>,
    pub started_at: Option<Timestamp>,
    /// The result, or why it cannot be rectified.
    pub outcome: Option<String>,
    /// When it was done, declared impossible or annulled.
    pub closed_at: Option<Timestamp>,
    pub callback: Option<Callback>,
}

impl Rectification {
    /// 整改期限: N working days after the rating, by the case rules (the rating day is not
    /// counted). Computed, never stored.
    pub fn deadline(&self, clock: &LegalClock<'_>) -> Result<LocalTime, ClockError> {
        clock.deadline(to_local(self.opened_at), self.limit_working_days)
    }

    /// Overdue at `as_of`: still open after the deadline, or closed (done or declared
    /// impossible) after it. An annulled rectification is never overdue.
    pub fn is_overdue(&self, clock: &LegalClock<'_>, as_of: LocalTime) -> Result<bool, ClockError> {
        let deadline = self.deadline(clock)?;
        Ok(match self.status {
            RectificationStatus::Annulled => false,
            s if s.is_open() => as_of > deadline,
            _ => self.closed_at.is_some_and(|c| to_local(c) > deadline),
        })
    }
}

/// 申诉.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Appeal {
    pub reason: String,
    pub at: Timestamp,
    pub by: Actor,
    pub decision: Option<AppealDecision>,
}

/// 申诉复核结果.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppealDecision {
    pub upheld: bool,
    pub reason: String,
    pub at: Timestamp,
    pub by: Actor,
}

/// A rating and what followed it: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evaluation {
    pub id: EvaluationId,
    pub subject: RatingSubject,
    pub level: Level,
    pub dimensions: Vec<DimensionScore>,
    pub comment: String,
    pub rated_at: Timestamp,
    pub rater: Actor,
    /// Opened by a bad rating.
    pub rectification: Option<Rectification>,
    pub appeal: Option<Appeal>,
    pub last_event_at: Timestamp,
    pub version: u64,
}

/// Why an evaluation command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum EvaluationError {
    #[error("尚无该评价，只能先评价")]
    NoSuchEvaluation,
    #[error("已经评价过，每件办件、每次窗口服务只能评价一次")]
    AlreadyRated,
    #[error("评价编号 {id} 与评价对象不符（应为 {expected}）")]
    SubjectMismatch {
        id: EvaluationId,
        expected: EvaluationId,
    },
    #[error("办件处于“{state}”状态，办理结束后才能评价")]
    CaseNotFinished { state: CaseState },
    #[error("角色“{}”不能{action}", role.label())]
    RoleNotAllowed {
        action: EvaluationAction,
        role: Role,
    },
    #[error("只能评价本单位的办件或窗口服务")]
    OtherApplicant,
    #[error("该评价针对{rated}，本部门（{actor_department}）不能办理")]
    OtherDepartment {
        rated: DepartmentCode,
        actor_department: String,
    },
    #[error("该评价不是差评，无需整改或申诉")]
    NotBad,
    #[error("整改处于“{status}”状态，不能{action}")]
    WrongStatus {
        action: EvaluationAction,
        status: RectificationStatus,
    },
    #[error("差评申诉正在复核，复核前不能{action}")]
    AppealPending { action: EvaluationAction },
    #[error("该差评已经申诉过，不能再次申诉")]
    AlreadyAppealed,
    #[error("没有待复核的申诉")]
    NoPendingAppeal,
    #[error("已经回访过，不能重复登记")]
    AlreadyCalledBack,
    #[error("{field}不能为空")]
    Empty { field: Cow<'static, str> },
    #[error("“{dimension}”不是{}的评价指标", channel.label())]
    DimensionNotForChannel {
        dimension: Dimension,
        channel: Channel,
    },
    #[error("评价指标“{dimension}”重复")]
    DuplicateDimension { dimension: Dimension },
    #[error("差评须说明原因：请选择不满意的评价指标或填写评价内容")]
    BadRatingWithoutReason,
    #[error("操作时间 {at} 早于该评价上一条记录的时间 {last}")]
    TimeBeforeLastEvent { at: Timestamp, last: Timestamp },
}

/// Why events do not fold into an evaluation (a corrupt or foreign trail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationReplayError {
    #[error("没有任何记录")]
    Empty,
    #[error("第一条记录不是评价")]
    FirstEventNotRated,
    #[error("评价被重复记录")]
    RatedTwice,
    #[error("记录属于评价 {found}，不属于 {expected}")]
    WrongEvaluation {
        expected: EvaluationId,
        found: EvaluationId,
    },
    #[error("记录“{0}”需要差评整改，但该评价没有整改")]
    NoRectification(&'static str),
}

fn check_role(action: EvaluationAction, actor: &Actor) -> Result<(), EvaluationError> {
    if action.allowed_roles().contains(&actor.role) {
        Ok(())
    } else {
        Err(EvaluationError::RoleNotAllowed {
            action,
            role: actor.role,
        })
    }
}

fn non_empty(s: &str, field: &'static str) -> Result<String, EvaluationError> {
    let t = s.trim();
    if t.is_empty() {
        Err(EvaluationError::Empty {
            field: Cow::Borrowed(field),
        })
    } else {
        Ok(t.to_owned())
    }
}

impl Evaluation {
    /// Decide a command against the current state (None before the rating). Never changes
    /// anything itself.
    pub fn decide(
        state: Option<&Evaluation>,
        id: &EvaluationId,
        cmd: &EvaluationCommand,
        actor: &Actor,
        at: Timestamp,
        policy: &EvaluationPolicy,
    ) -> Result<Vec<EvaluationEvent>, EvaluationError> {
        let action = cmd.action();
        check_role(action, actor)?;
        let event = |change| EvaluationEvent {
            evaluation: id.clone(),
            at,
            actor: actor.clone(),
            change,
        };
        let Some(ev) = state else {
            let EvaluationCommand::Rate {
                subject,
                level,
                dimensions,
                comment,
            } = cmd
            else {
                return Err(EvaluationError::NoSuchEvaluation);
            };
            let expected = subject.evaluation_id();
            if &expected != id {
                return Err(EvaluationError::SubjectMismatch {
                    id: id.clone(),
                    expected,
                });
            }
            if actor.organisation.as_ref() != Some(subject.applicant()) {
                return Err(EvaluationError::OtherApplicant);
            }
            let channel = subject.channel();
            for (i, d) in dimensions.iter().enumerate() {
                if d.dimension.channel() != channel {
                    return Err(EvaluationError::DimensionNotForChannel {
                        dimension: d.dimension,
                        channel,
                    });
                }
                if dimensions
                    .iter()
                    .take(i)
                    .any(|e| e.dimension == d.dimension)
                {
                    return Err(EvaluationError::DuplicateDimension {
                        dimension: d.dimension,
                    });
                }
            }
            let comment = comment.trim().to_owned();
            if level.is_bad() && comment.is_empty() && !dimensions.iter().any(|d| d.level.is_bad())
            {
                return Err(EvaluationError::BadRatingWithoutReason);
            }
            let mut events = vec![event(EvaluationChange::Rated {
                subject: subject.clone(),
                level: *level,
                dimensions: dimensions.clone(),
                comment,
            })];
            if level.is_bad() {
                events.push(event(EvaluationChange::RectificationOpened {
                    department: subject.department().clone(),
                    limit_working_days: policy.rectification_working_days,
                }));
            }
            return Ok(events);
        };
        if matches!(cmd, EvaluationCommand::Rate { .. }) {
            return Err(EvaluationError::AlreadyRated);
        }
        if at < ev.last_event_at {
            return Err(EvaluationError::TimeBeforeLastEvent {
                at,
                last: ev.last_event_at,
            });
        }
        ev.gate(action, actor)?;
        let change = match cmd {
            EvaluationCommand::Rate { .. } => return Err(EvaluationError::AlreadyRated),
            EvaluationCommand::StartRectification { plan } => {
                EvaluationChange::RectificationStarted {
                    plan: non_empty(plan, "整改方案")?,
                }
            }
            EvaluationCommand::CompleteRectification { result } => {
                EvaluationChange::RectificationCompleted {
                    result: non_empty(result, "整改结果")?,
                }
            }
            EvaluationCommand::DeclareCannotRectify { reason } => {
                EvaluationChange::RectificationImpossible {
                    reason: non_empty(reason, "无法整改的理由")?,
                }
            }
            EvaluationCommand::RecordCallback {
                applicant_satisfied,
                note,
            } => EvaluationChange::CalledBack {
                applicant_satisfied: *applicant_satisfied,
                note: non_empty(note, "回访情况")?,
            },
            EvaluationCommand::Appeal { reason } => EvaluationChange::Appealed {
                reason: non_empty(reason, "申诉理由")?,
            },
            EvaluationCommand::DecideAppeal { upheld, reason } => EvaluationChange::AppealDecided {
                upheld: *upheld,
                reason: non_empty(reason, "复核意见")?,
            },
        };
        Ok(vec![event(change)])
    }

    /// Whether `actor` may take `action` on this rating now, and if not, why: the role, the
    /// department (the rated department's own staff; the reform office for any) and the state
    /// of the rectification and the appeal. The content of a command (a plan, a reason) is
    /// checked by [`Evaluation::decide`], which runs this same gate first.
    pub fn may(&self, action: EvaluationAction, actor: &Actor) -> Result<(), EvaluationError> {
        check_role(action, actor)?;
        self.gate(action, actor)
    }

    /// 可办理的操作: every action but the rating itself, with whether `actor` may take it now
    /// and, if not, the sentence the domain would refuse it with.
    pub fn available_actions(&self, actor: &Actor) -> Vec<Availability<EvaluationAction>> {
        availability(
            EvaluationAction::ALL
                .into_iter()
                .filter(|a| *a != EvaluationAction::Rate),
            EvaluationAction::label,
            |action| self.may(action, actor),
        )
    }

    /// The department and state preconditions of `action` (see [`Evaluation::may`]).
    fn gate(&self, action: EvaluationAction, actor: &Actor) -> Result<(), EvaluationError> {
        if action == EvaluationAction::Rate {
            return Err(EvaluationError::AlreadyRated);
        }
        if actor.role != Role::ReformOffice
            && actor.department.as_ref() != Some(self.subject.department())
        {
            return Err(EvaluationError::OtherDepartment {
                rated: self.subject.department().clone(),
                actor_department: actor
                    .department
                    .as_ref()
                    .map_or_else(|| "无".to_owned(), ToString::to_string),
            });
        }
        let Some(rect) = &self.rectification else {
            return Err(EvaluationError::NotBad);
        };
        let appeal_pending = self.appeal.as_ref().is_some_and(|a| a.decision.is_none());
        let status = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(EvaluationError::WrongStatus {
                    action,
                    status: rect.status,
                })
            }
        };
        let no_appeal_pending = || {
            if appeal_pending {
                Err(EvaluationError::AppealPending { action })
            } else {
                Ok(())
            }
        };
        match action {
            EvaluationAction::Rate => Err(EvaluationError::AlreadyRated),
            EvaluationAction::StartRectification => {
                status(rect.status == RectificationStatus::Pending)?;
                no_appeal_pending()
            }
            EvaluationAction::CompleteRectification => {
                status(rect.status == RectificationStatus::Rectifying)?;
                no_appeal_pending()
            }
            EvaluationAction::DeclareCannotRectify => {
                status(rect.status.is_open())?;
                no_appeal_pending()
            }
            EvaluationAction::RecordCallback => {
                status(matches!(
                    rect.status,
                    RectificationStatus::Done | RectificationStatus::CannotRectify
                ))?;
                if rect.callback.is_some() {
                    return Err(EvaluationError::AlreadyCalledBack);
                }
                Ok(())
            }
            EvaluationAction::Appeal => {
                if self.appeal.is_some() {
                    return Err(EvaluationError::AlreadyAppealed);
                }
                status(rect.status.is_open())
            }
            EvaluationAction::DecideAppeal => {
                if appeal_pending {
                    Ok(())
                } else {
                    Err(EvaluationError::NoPendingAppeal)
                }
            }
        }
    }

    /// Fold one event into the state.
    pub fn apply(
        state: Option<Evaluation>,
        e: &EvaluationEvent,
    ) -> Result<Evaluation, EvaluationReplayError> {
        let mut ev = match (state, &e.change) {
            (
                None,
                EvaluationChange::Rated {
                    subject,
                    level,
                    dimensions,
                    comment,
                },
            ) => {
                return Ok(Evaluation {
                    id: e.evaluation.clone(),
                    subject: subject.clone(),
                    level: *level,
                    dimensions: dimensions.clone(),
                    comment: comment.clone(),
                    rated_at: e.at,
                    rater: e.actor.clone(),
                    rectification: None,
                    appeal: None,
                    last_event_at: e.at,
                    version: 1,
                });
            }
            (None, _) => return Err(EvaluationReplayError::FirstEventNotRated),
            (Some(_), EvaluationChange::Rated { .. }) => {
                return Err(EvaluationReplayError::RatedTwice);
            }
            (Some(ev), _) => ev,
        };
        if e.evaluation != ev.id {
            return Err(EvaluationReplayError::WrongEvaluation {
                expected: ev.id.clone(),
                found: e.evaluation.clone(),
            });
        }
        let needs = |name| EvaluationReplayError::NoRectification(name);
        match &e.change {
            EvaluationChange::Rated { .. } => return Err(EvaluationReplayError::RatedTwice),
            EvaluationChange::RectificationOpened {
                department,
                limit_working_days,
            } => {
                ev.rectification = Some(Rectification {
                    department: department.clone(),
                    limit_working_days: *limit_working_days,
                    status: RectificationStatus::Pending,
                    opened_at: e.at,
                    plan: None,
                    started_at: None,
                    outcome: None,
                    closed_at: None,
                    callback: None,
                });
            }
            EvaluationChange::RectificationStarted { plan } => {
                let r = ev.rectification.as_mut().ok_or(needs("开始整改"))?;
                r.status = RectificationStatus::Rectifying;
                r.plan = Some(plan.clone());
                r.started_at = Some(e.at);
            }
            EvaluationChange::RectificationCompleted { result } => {
                let r = ev.rectification.as_mut().ok_or(needs("完成整改"))?;
                r.status = RectificationStatus::Done;
                r.outcome = Some(result.clone());
                r.closed_at = Some(e.at);
            }
            EvaluationChange::RectificationImpossible { reason } => {
                let r = ev.rectification.as_mut().ok_or(needs("无法整改"))?;
                r.status = RectificationStatus::CannotRectify;
                r.outcome = Some(reason.clone());
                r.closed_at = Some(e.at);
            }
            EvaluationChange::CalledBack {
                applicant_satisfied,
                note,
            } => {
                let r = ev.rectification.as_mut().ok_or(needs("回访"))?;
                r.callback = Some(Callback {
                    at: e.at,
                    by: e.actor.clone(),
                    applicant_satisfied: *applicant_satisfied,
                    note: note.clone(),
                });
            }
            EvaluationChange::Appealed { reason } => {
                ev.appeal = Some(Appeal {
                    reason: reason.clone(),
                    at: e.at,
                    by: e.actor.clone(),
                    decision: None,
                });
            }
            EvaluationChange::AppealDecided { upheld, reason } => {
                if let Some(a) = ev.appeal.as_mut() {
                    a.decision = Some(AppealDecision {
                        upheld: *upheld,
                        reason: reason.clone(),
                        at: e.at,
                        by: e.actor.clone(),
                    });
                }
                if *upheld {
                    let r = ev.rectification.as_mut().ok_or(needs("申诉成立"))?;
                    r.status = RectificationStatus::Annulled;
                    r.closed_at = Some(e.at);
                }
            }
        }
        ev.last_event_at = e.at;
        ev.version += 1;
        Ok(ev)
    }

    /// Decide and apply in one step; on refusal nothing changes.
    pub fn execute(
        state: Option<Evaluation>,
        id: &EvaluationId,
        cmd: &EvaluationCommand,
        actor: &Actor,
        at: Timestamp,
        policy: &EvaluationPolicy,
    ) -> Result<(Evaluation, Vec<EvaluationEvent>), EvaluationError> {
        let acting = crate::case::Acting::new(actor.clone(), at);
        crate::entity::execute(state, id, cmd, &acting, policy)
    }

    /// Rebuild an evaluation from its events.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a EvaluationEvent>,
    ) -> Result<Evaluation, EvaluationReplayError> {
        crate::entity::replay(events)?.ok_or(EvaluationReplayError::Empty)
    }

    /// 差评.
    pub fn is_bad(&self) -> bool {
        self.level.is_bad()
    }

    /// An upheld appeal made the rating void: it no longer counts in the statistics.
    pub fn is_annulled(&self) -> bool {
        self.appeal
            .as_ref()
            .and_then(|a| a.decision.as_ref())
            .is_some_and(|d| d.upheld)
    }

    pub fn channel(&self) -> Channel {
        self.subject.channel()
    }
}

impl crate::entity::Entity for Evaluation {
    type Id = EvaluationId;
    type Command = EvaluationCommand;
    type Event = EvaluationEvent;
    type Error = EvaluationError;
    type ReplayError = EvaluationReplayError;
    type Context<'c> = EvaluationPolicy;
    type Action = EvaluationAction;
    const KIND: &'static str = "evaluation";

    fn decide(
        state: Option<&Self>,
        id: &EvaluationId,
        cmd: &EvaluationCommand,
        acting: &crate::case::Acting,
        policy: &EvaluationPolicy,
    ) -> Result<Vec<EvaluationEvent>, EvaluationError> {
        Evaluation::decide(state, id, cmd, &acting.actor, acting.at, policy)
    }

    fn apply(state: Option<Self>, event: &EvaluationEvent) -> Result<Self, EvaluationReplayError> {
        Evaluation::apply(state, event)
    }

    fn missing() -> EvaluationError {
        EvaluationError::NoSuchEvaluation
    }

    fn available_actions(&self, actor: &Actor) -> Vec<Availability<EvaluationAction>> {
        Evaluation::available_actions(self, actor)
    }
}

//! 建议与投诉 (seed 11.2): submitted by applicants, assigned by the reform office to the
//! responsible department with a deadline, answered, and the answer shown to the submitter.

use super::string_id;
use crate::actor::{Actor, Role};
use crate::clock::{ClockError, LegalClock};
use crate::entity::{Availability, availability};
use crate::ids::{DepartmentCode, OrganisationId, ProjectId};
use crate::time::{LocalTime, Timestamp, to_local};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The longest answer deadline the reform office may set, in working days.
pub const MAX_ANSWER_WORKING_DAYS: u32 = 60;

string_id!(
    /// 建议投诉编号.
    ComplaintId
);

/// 建议 or 投诉.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintKind {
    /// 建议: how the reform could work better.
    Suggestion,
    /// 投诉: something went wrong and someone should answer for it.
    Complaint,
}

impl ComplaintKind {
    pub fn label(self) -> &'static str {
        match self {
            ComplaintKind::Suggestion => "建议",
            ComplaintKind::Complaint => "投诉",
        }
    }
}

/// 办理状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    /// 待分办: waiting for the reform office.
    Submitted,
    /// 办理中: assigned to a department.
    Assigned,
    /// 已答复.
    Answered,
    /// 不予受理 (not about construction-project approval, or a duplicate).
    Dismissed,
}

impl ComplaintState {
    pub fn label(self) -> &'static str {
        match self {
            ComplaintState::Submitted => "待分办",
            ComplaintState::Assigned => "办理中",
            ComplaintState::Answered => "已答复",
            ComplaintState::Dismissed => "不予受理",
        }
    }
}

impl fmt::Display for ComplaintState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What is asked of a suggestion or complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ComplaintCommand {
    /// 提交: by an applicant, for its organisation.
    Submit {
        kind: ComplaintKind,
        title: String,
        content: String,
        /// The project it is about, if any.
        project: Option<ProjectId>,
        /// The department the submitter thinks is responsible, if any.
        department: Option<DepartmentCode>,
    },
    /// 分办 (or re-route) to the responsible department, with the answer deadline.
    Assign {
        department: DepartmentCode,
        limit_working_days: u32,
    },
    /// 答复.
    Answer { answer: String },
    /// 不予受理.
    Dismiss { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintAction {
    Submit,
    Assign,
    Answer,
    Dismiss,
}

impl ComplaintAction {
    pub const ALL: [ComplaintAction; 4] = [
        ComplaintAction::Submit,
        ComplaintAction::Assign,
        ComplaintAction::Answer,
        ComplaintAction::Dismiss,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ComplaintAction::Submit => "提交建议投诉",
            ComplaintAction::Assign => "分办",
            ComplaintAction::Answer => "答复",
            ComplaintAction::Dismiss => "不予受理",
        }
    }

    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            ComplaintAction::Submit => &[Role::Applicant],
            ComplaintAction::Assign | ComplaintAction::Dismiss => &[Role::ReformOffice],
            ComplaintAction::Answer => &[
                Role::DepartmentReviewer,
                Role::UtilityUnit,
                Role::WindowOperator,
            ],
        }
    }
}

impl fmt::Display for ComplaintAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl ComplaintCommand {
    pub fn action(&self) -> ComplaintAction {
        match self {
            ComplaintCommand::Submit { .. } => ComplaintAction::Submit,
            ComplaintCommand::Assign { .. } => ComplaintAction::Assign,
            ComplaintCommand::Answer { .. } => ComplaintAction::Answer,
            ComplaintCommand::Dismiss { .. } => ComplaintAction::Dismiss,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComplaintEvent {
    pub complaint: ComplaintId,
    pub at: Timestamp,
    pub actor: Actor,
    pub change: ComplaintChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ComplaintChange {
    Submitted {
        kind: ComplaintKind,
        title: String,
        content: String,
        project: Option<ProjectId>,
        department: Option<DepartmentCode>,
        submitter: OrganisationId,
    },
    Assigned {
        department: DepartmentCode,
        limit_working_days: u32,
    },
    Answered {
        answer: String,
    },
    Dismissed {
        reason: String,
    },
}

/// 分办记录.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assignment {
    pub department: DepartmentCode,
    pub limit_working_days: u32,
    pub at: Timestamp,
    pub by: Actor,
}

/// 答复.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "ComplaintAnswer")
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ComplaintAnswer"))]
pub struct Answer {
    pub text: String,
    pub at: Timestamp,
    pub by: Actor,
}

/// A suggestion or complaint: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Complaint {
    pub id: ComplaintId,
    pub kind: ComplaintKind,
    pub title: String,
    pub content: String,
    pub project: Option<ProjectId>,
    pub suggested_department: Option<DepartmentCode>,
    pub submitter: OrganisationId,
    pub submitted_at: Timestamp,
    pub state: ComplaintState,
    /// Every assignment in order; the last is the current one.
    pub assignments: Vec<Assignment>,
    pub answer: Option<Answer>,
    pub dismissal: Option<String>,
    pub last_event_at: Timestamp,
    pub version: u64,
}

/// Why a complaint command was refused, or a read not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ComplaintError {
    #[error("尚无该建议投诉，只能先提交")]
    NoSuchComplaint,
    #[error("该建议投诉已提交，不能重复提交")]
    AlreadyExists,
    #[error("角色“{}”不能{action}", role.label())]
    RoleNotAllowed { action: ComplaintAction, role: Role },
    #[error("申请人账号未关联单位，不能提交建议投诉")]
    ApplicantWithoutOrganisation,
    #[error("建议投诉处于“{state}”状态，不能{action}")]
    InvalidTransition {
        action: ComplaintAction,
        state: ComplaintState,
    },
    #[error("该建议投诉已分办给{assigned}，本部门（{actor_department}）不能答复")]
    NotAssignedToYou {
        assigned: DepartmentCode,
        actor_department: String,
    },
    #[error("{field}不能为空")]
    Empty { field: Cow<'static, str> },
    #[error("答复时限应为 1 至 {max} 个工作日，实际为 {days}")]
    LimitOutOfRange { days: u32, max: u32 },
    #[error("操作时间 {at} 早于该建议投诉上一条记录的时间 {last}")]
    TimeBeforeLastEvent { at: Timestamp, last: Timestamp },
    #[error("无权查看该建议投诉")]
    NotVisible,
}

/// Why events do not fold into a complaint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintReplayError {
    #[error("没有任何记录")]
    Empty,
    #[error("第一条记录不是提交")]
    FirstEventNotSubmitted,
    #[error("建议投诉被重复提交")]
    SubmittedTwice,
    #[error("记录属于建议投诉 {found}，不属于 {expected}")]
    WrongComplaint {
        expected: ComplaintId,
        found: ComplaintId,
    },
}

fn check_role(action: ComplaintAction, actor: &Actor) -> Result<(), ComplaintError> {
    if action.allowed_roles().contains(&actor.role) {
        Ok(())
    } else {
        Err(ComplaintError::RoleNotAllowed {
            action,
            role: actor.role,
        })
    }
}

fn non_empty(s: &str, field: &'static str) -> Result<String, ComplaintError> {
    let t = s.trim();
    if t.is_empty() {
        Err(ComplaintError::Empty {
            field: Cow::Borrowed(field),
        })
    } else {
        Ok(t.to_owned())
    }
}

impl Complaint {
    pub fn decide(
        state: Option<&Complaint>,
        id: &ComplaintId,
        cmd: &ComplaintCommand,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Vec<ComplaintEvent>, ComplaintError> {
        let action = cmd.action();
        check_role(action, actor)?;
        let event = |change| ComplaintEvent {
            complaint: id.clone(),
            at,
            actor: actor.clone(),
            change,
        };
        let Some(c) = state else {
            let ComplaintCommand::Submit {
                kind,
                title,
                content,
                project,
                department,
            } = cmd
            else {
                return Err(ComplaintError::NoSuchComplaint);
            };
            let submitter = actor
                .organisation
                .clone()
                .ok_or(ComplaintError::ApplicantWithoutOrganisation)?;
            return Ok(vec![event(ComplaintChange::Submitted {
                kind: *kind,
                title: non_empty(title, "标题")?,
                content: non_empty(content, "内容")?,
                project: project.clone(),
                department: department.clone(),
                submitter,
            })]);
        };
        if matches!(cmd, ComplaintCommand::Submit { .. }) {
            return Err(ComplaintError::AlreadyExists);
        }
        if at < c.last_event_at {
            return Err(ComplaintError::TimeBeforeLastEvent {
                at,
                last: c.last_event_at,
            });
        }
        c.gate(action, actor)?;
        let change = match cmd {
            ComplaintCommand::Submit { .. } => return Err(ComplaintError::AlreadyExists),
            ComplaintCommand::Assign {
                department,
                limit_working_days,
            } => {
                non_empty(department.as_str(), "承办部门")?;
                if *limit_working_days == 0 || *limit_working_days > MAX_ANSWER_WORKING_DAYS {
                    return Err(ComplaintError::LimitOutOfRange {
                        days: *limit_working_days,
                        max: MAX_ANSWER_WORKING_DAYS,
                    });
                }
                ComplaintChange::Assigned {
                    department: department.clone(),
                    limit_working_days: *limit_working_days,
                }
            }
            ComplaintCommand::Answer { answer } => ComplaintChange::Answered {
                answer: non_empty(answer, "答复内容")?,
            },
            ComplaintCommand::Dismiss { reason } => ComplaintChange::Dismissed {
                reason: non_empty(reason, "不予受理的理由")?,
            },
        };
        Ok(vec![event(change)])
    }

    /// Whether `actor` may take `action` on this suggestion or complaint now, and if not, why:
    /// the role, the state and, for the answer, the department it is assigned to. The content
    /// of a command is checked by [`Complaint::decide`], which runs this same gate first.
    pub fn may(&self, action: ComplaintAction, actor: &Actor) -> Result<(), ComplaintError> {
        check_role(action, actor)?;
        self.gate(action, actor)
    }

    /// 可办理的操作: every action but the submission, with whether `actor` may take it now
    /// and, if not, the sentence the domain would refuse it with.
    pub fn available_actions(&self, actor: &Actor) -> Vec<Availability<ComplaintAction>> {
        availability(
            ComplaintAction::ALL
                .into_iter()
                .filter(|a| *a != ComplaintAction::Submit),
            ComplaintAction::label,
            |action| self.may(action, actor),
        )
    }

    /// The state and department preconditions of `action` (see [`Complaint::may`]).
    fn gate(&self, action: ComplaintAction, actor: &Actor) -> Result<(), ComplaintError> {
        use ComplaintState as S;
        let need = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(ComplaintError::InvalidTransition {
                    action,
                    state: self.state,
                })
            }
        };
        match action {
            ComplaintAction::Submit => Err(ComplaintError::AlreadyExists),
            ComplaintAction::Assign => need(matches!(self.state, S::Submitted | S::Assigned)),
            ComplaintAction::Answer => {
                need(self.state == S::Assigned)?;
                match self.department() {
                    Some(assigned) if actor.department.as_ref() != Some(assigned) => {
                        Err(ComplaintError::NotAssignedToYou {
                            assigned: assigned.clone(),
                            actor_department: actor
                                .department
                                .as_ref()
                                .map_or_else(|| "无".to_owned(), ToString::to_string),
                        })
                    }
                    _ => Ok(()),
                }
            }
            ComplaintAction::Dismiss => need(self.state == S::Submitted),
        }
    }

    pub fn apply(
        state: Option<Complaint>,
        e: &ComplaintEvent,
    ) -> Result<Complaint, ComplaintReplayError> {
        let mut c = match (state, &e.change) {
            (
                None,
                ComplaintChange::Submitted {
                    kind,
                    title,
                    content,
                    project,
                    department,
                    submitter,
                },
            ) => {
                return Ok(Complaint {
                    id: e.complaint.clone(),
                    kind: *kind,
                    title: title.clone(),
                    content: content.clone(),
                    project: project.clone(),
                    suggested_department: department.clone(),
                    submitter: submitter.clone(),
                    submitted_at: e.at,
                    state: ComplaintState::Submitted,
                    assignments: vec![],
                    answer: None,
                    dismissal: None,
                    last_event_at: e.at,
                    version: 1,
                });
            }
            (None, _) => return Err(ComplaintReplayError::FirstEventNotSubmitted),
            (Some(_), ComplaintChange::Submitted { .. }) => {
                return Err(ComplaintReplayError::SubmittedTwice);
            }
            (Some(c), _) => c,
        };
        if e.complaint != c.id {
            return Err(ComplaintReplayError::WrongComplaint {
                expected: c.id.clone(),
                found: e.complaint.clone(),
            });
        }
        match &e.change {
            ComplaintChange::Submitted { .. } => return Err(ComplaintReplayError::SubmittedTwice),
            ComplaintChange::Assigned {
                department,
                limit_working_days,
            } => {
                c.state = ComplaintState::Assigned;
                c.assignments.push(Assignment {
                    department: department.clone(),
                    limit_working_days: *limit_working_days,
                    at: e.at,
                    by: e.actor.clone(),
                });
            }
            ComplaintChange::Answered { answer } => {
                c.state = ComplaintState::Answered;
                c.answer = Some(Answer {
                    text: answer.clone(),
                    at: e.at,
                    by: e.actor.clone(),
                });
            }
            ComplaintChange::Dismissed { reason } => {
                c.state = ComplaintState::Dismissed;
                c.dismissal = Some(reason.clone());
            }
        }
        c.last_event_at = e.at;
        c.version += 1;
        Ok(c)
    }

    pub fn execute(
        state: Option<Complaint>,
        id: &ComplaintId,
        cmd: &ComplaintCommand,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<(Complaint, Vec<ComplaintEvent>), ComplaintError> {
        let acting = crate::case::Acting::new(actor.clone(), at);
        crate::entity::execute(state, id, cmd, &acting, &())
    }

    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a ComplaintEvent>,
    ) -> Result<Complaint, ComplaintReplayError> {
        crate::entity::replay(events)?.ok_or(ComplaintReplayError::Empty)
    }

    /// 承办部门: the current assignment's department.
    pub fn department(&self) -> Option<&DepartmentCode> {
        self.assignments.last().map(|a| &a.department)
    }

    /// 答复期限: N working days after the current assignment (the assignment day not counted).
    pub fn answer_deadline(&self, clock: &LegalClock<'_>) -> Option<Result<LocalTime, ClockError>> {
        let a = self.assignments.last()?;
        Some(clock.deadline(to_local(a.at), a.limit_working_days))
    }

    /// Who may read it: the submitter's organisation, the assigned department, the reform office.
    pub fn is_visible_to(&self, actor: &Actor) -> bool {
        match actor.role {
            Role::ReformOffice => true,
            Role::Applicant => actor.organisation.as_ref() == Some(&self.submitter),
            Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator => {
                actor.department.is_some() && actor.department.as_ref() == self.department()
            }
            Role::IntermediaryAgency | Role::System => false,
        }
    }

    /// The answer as `actor` may see it: the submitter sees the answer to its own submission.
    pub fn answer_for(&self, actor: &Actor) -> Result<Option<&Answer>, ComplaintError> {
        if self.is_visible_to(actor) {
            Ok(self.answer.as_ref())
        } else {
            Err(ComplaintError::NotVisible)
        }
    }
}

impl crate::entity::Entity for Complaint {
    type Id = ComplaintId;
    type Command = ComplaintCommand;
    type Event = ComplaintEvent;
    type Error = ComplaintError;
    type ReplayError = ComplaintReplayError;
    type Context<'c> = ();
    type Action = ComplaintAction;
    const KIND: &'static str = "complaint";

    fn decide(
        state: Option<&Self>,
        id: &ComplaintId,
        cmd: &ComplaintCommand,
        acting: &crate::case::Acting,
        _: &(),
    ) -> Result<Vec<ComplaintEvent>, ComplaintError> {
        Complaint::decide(state, id, cmd, &acting.actor, acting.at)
    }

    fn apply(state: Option<Self>, event: &ComplaintEvent) -> Result<Self, ComplaintReplayError> {
        Complaint::apply(state, event)
    }

    fn missing() -> ComplaintError {
        ComplaintError::NoSuchComplaint
    }

    fn available_actions(&self, actor: &Actor) -> Vec<Availability<ComplaintAction>> {
        Complaint::available_actions(self, actor)
    }
}

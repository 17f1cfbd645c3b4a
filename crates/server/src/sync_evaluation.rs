//! 网上互动 on the server (issue 7): what the push pipeline of [`crate::sync`] needs of 好差评
//! (with rectification, callback and appeal) and of 建议投诉 ([`crate::sync::Pushed`]): their
//! scopes, head states and the server's own checks of a rating's subject and of a named
//! department.
//!
//! A rating of a case is checked against the stored case: the case must exist, be finished,
//! and the subject (item, department, applicant) must be the case's own, so that a client
//! cannot aim a bad rating at another department. A window visit names a department of the
//! catalogue. Ratings and complaints live under pseudo projects of their own
//! (`evaluation:ID`, `complaint:ID`); their scope is the owner organisation and the rated or
//! assigned department ([`crate::scope::may_see`]).

use crate::scope::{CommandKind, EntityKind, EntityScope};
use crate::sync::{Cx, Pushed, head_fields, invalid, replay, snake};
use chrono::{DateTime, Utc};
use permitdesk_domain::case::Case;
use permitdesk_domain::evaluation::{
    Complaint, ComplaintCommand, ComplaintError, ComplaintEvent, Evaluation, EvaluationCommand,
    EvaluationError, EvaluationEvent, EvaluationPolicy, RatingSubject,
};
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, ProjectId};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_protocol::Refusal;

/// The city's evaluation rules (差评整改时限). One value for the server and every client, so
/// a client's local view of a bad rating opens the same rectification as the server's.
pub fn evaluation_policy() -> EvaluationPolicy {
    EvaluationPolicy::default()
}

/// The state name kept in `entity_heads.state`: the rectification's status (`pending`,
/// `rectifying`, `done`, `cannot_rectify`, `annulled`), or `rated` for a rating without one.
pub fn evaluation_state(e: &Evaluation) -> String {
    e.rectification
        .as_ref()
        .map_or_else(|| "rated".to_owned(), |r| snake(&r.status))
}

/// Heads states the overdue scheduler looks at.
pub const OPEN_RECTIFICATION_STATES: &[&str] = &["pending", "rectifying"];
pub const OPEN_COMPLAINT_STATES: &[&str] = &["assigned"];

/// The scope of a rating: the rating organisation and the rated department.
pub fn evaluation_scope(e: &Evaluation) -> EntityScope {
    EntityScope {
        kind: EntityKind::Evaluation,
        owner: e.subject.applicant().clone(),
        department: Some(e.subject.department().clone()),
        project: ProjectId::new(format!("evaluation:{}", e.id)),
        draft: false,
        granted: false,
        created_by_window: false,
        project_departments: vec![],
    }
}

/// The scope of a complaint: the submitter and the department it is assigned to (none while
/// it waits for the reform office).
pub fn complaint_scope(c: &Complaint) -> EntityScope {
    EntityScope {
        kind: EntityKind::Complaint,
        owner: c.submitter.clone(),
        department: c.department().cloned(),
        project: ProjectId::new(format!("complaint:{}", c.id)),
        draft: false,
        granted: false,
        created_by_window: false,
        project_departments: vec![],
    }
}

/// The subject of a new rating must be what the server knows: a finished case with exactly
/// this item, department and applicant, or a window visit of a catalogue department.
fn check_subject(subject: &RatingSubject, cx: &Cx<'_>) -> Result<(), Refusal> {
    let catalogue = cx.catalogue();
    match subject {
        RatingSubject::Case { case, .. } => {
            let key = format!("case:{case}");
            let Some((c, _)) = replay::<Case>(&key, cx.loaded.project.as_ref())? else {
                return Err(invalid(format!("办件 {case} 不存在或不在您的权限范围内")));
            };
            let actual = RatingSubject::of_case(&c).map_err(Evaluation::refused)?;
            if &actual != subject {
                return Err(invalid(format!(
                    "评价对象与办件 {case} 不符：该办件由 {} 办理",
                    c.department
                )));
            }
            Ok(())
        }
        RatingSubject::WindowVisit { department, .. } => {
            if catalogue.department(department).is_none() {
                return Err(invalid(format!(
                    "事项目录（{}）中没有部门 {department}",
                    catalogue.version
                )));
            }
            Ok(())
        }
    }
}

/// 好差评 (see the module documentation).
impl Pushed for Evaluation {
    const SCOPE_KIND: EntityKind = EntityKind::Evaluation;
    const NO_ATTACHMENTS: Option<&'static str> = Some("评价与整改操作不能附带材料");

    fn event_at(e: &EvaluationEvent) -> DateTime<Utc> {
        e.at
    }
    fn command_kind(cmd: &EvaluationCommand) -> CommandKind {
        CommandKind::Evaluation(cmd.action())
    }
    fn refused(e: EvaluationError) -> Refusal {
        Refusal::Evaluation {
            message: e.to_string(),
            error: e,
        }
    }
    fn with_context<R>(_: &ReferenceSet, f: impl FnOnce(&EvaluationPolicy) -> R) -> R {
        f(&evaluation_policy())
    }
    head_fields!();
    fn state_name(&self) -> String {
        evaluation_state(self)
    }
    fn scope(&self, _: Option<&EvaluationEvent>, _: Vec<DepartmentCode>) -> EntityScope {
        evaluation_scope(self)
    }
    fn new_owner(cmd: &EvaluationCommand) -> Option<&OrganisationId> {
        match cmd {
            EvaluationCommand::Rate { subject, .. } => Some(subject.applicant()),
            _ => None,
        }
    }
    fn prepare(
        cx: &Cx<'_>,
        current: Option<&Evaluation>,
        command: &mut EvaluationCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        if let (None, EvaluationCommand::Rate { subject, .. }) = (current, &*command) {
            check_subject(subject, cx)?;
        }
        Ok(vec![])
    }
}

/// 建议投诉.
impl Pushed for Complaint {
    const SCOPE_KIND: EntityKind = EntityKind::Complaint;
    const NO_ATTACHMENTS: Option<&'static str> = Some("建议投诉操作不能附带材料");

    fn event_at(e: &ComplaintEvent) -> DateTime<Utc> {
        e.at
    }
    fn command_kind(cmd: &ComplaintCommand) -> CommandKind {
        CommandKind::Complaint(cmd.action())
    }
    fn refused(e: ComplaintError) -> Refusal {
        Refusal::Complaint {
            message: e.to_string(),
            error: e,
        }
    }
    fn with_context<R>(_: &ReferenceSet, f: impl FnOnce(&()) -> R) -> R {
        f(&())
    }
    head_fields!();
    fn state_name(&self) -> String {
        snake(&self.state)
    }
    fn scope(&self, _: Option<&ComplaintEvent>, _: Vec<DepartmentCode>) -> EntityScope {
        complaint_scope(self)
    }
    /// A department named by the submitter or the reform office must exist.
    fn prepare(
        cx: &Cx<'_>,
        _: Option<&Complaint>,
        command: &mut ComplaintCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        let named = match &*command {
            ComplaintCommand::Submit { department, .. } => department.as_ref(),
            ComplaintCommand::Assign { department, .. } => Some(department),
            _ => None,
        };
        let catalogue = cx.catalogue();
        if let Some(d) = named
            && catalogue.department(d).is_none()
        {
            return Err(invalid(format!(
                "事项目录（{}）中没有部门 {d}",
                catalogue.version
            )));
        }
        Ok(vec![])
    }
}

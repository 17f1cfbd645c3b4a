//! 网上互动 on the server (issue 7): the push rules of 好差评 (with rectification, callback and
//! appeal) and of 建议投诉, beside [`crate::sync`] and in its style: pure functions that
//! replay the entity with the domain, check scope, time and subject, decide, and seal.
//!
//! A rating of a case is checked against the stored case: the case must exist, be finished,
//! and the subject (item, department, applicant) must be the case's own, so that a client
//! cannot aim a bad rating at another department. A window visit names a department of the
//! catalogue. Ratings and complaints live under pseudo projects of their own
//! (`evaluation:ID`, `complaint:ID`); their scope is the owner organisation and the rated or
//! assigned department ([`crate::scope::may_see`]).

use crate::scope::{CommandKind, EntityKind, EntityScope, Target, Viewer, may_push};
use crate::sync::{
    Decided, Head, Loaded, LoadedEntity, check_common, corrupt, events_of, invalid, replay_case,
    seal, snake,
};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::evaluation::{
    Complaint, ComplaintCommand, ComplaintId, Evaluation, EvaluationCommand, EvaluationId,
    EvaluationPolicy, RatingSubject,
};
use permitdesk_domain::ids::{OrganisationId, ProjectId};
use permitdesk_protocol::{CommandEnvelope, DomainEvent, Refusal};

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

/// Replays a stored rating (None if it has no events).
pub fn replay_evaluation(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<Evaluation>, Refusal> {
    let Some(l) = loaded.filter(|l| !l.events.is_empty()) else {
        return Ok(None);
    };
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Evaluation(s) => Some(s),
        _ => None,
    })?;
    Evaluation::replay(events.iter())
        .map(Some)
        .map_err(|_| corrupt(key))
}

/// Replays a stored complaint (None if it has no events).
pub fn replay_complaint(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<Complaint>, Refusal> {
    let Some(l) = loaded.filter(|l| !l.events.is_empty()) else {
        return Ok(None);
    };
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Complaint(s) => Some(s),
        _ => None,
    })?;
    Complaint::replay(events.iter())
        .map(Some)
        .map_err(|_| corrupt(key))
}

fn forbidden(d: crate::scope::PushDenied) -> Refusal {
    Refusal::Forbidden {
        message: d.to_string(),
    }
}

/// The subject of a new rating must be what the server knows: a finished case with exactly
/// this item, department and applicant, or a window visit of a catalogue department.
fn check_subject(
    subject: &RatingSubject,
    loaded: &Loaded,
    catalogue: &Catalogue,
) -> Result<(), Refusal> {
    match subject {
        RatingSubject::Case { case, .. } => {
            let key = format!("case:{case}");
            let Some((c, _)) = replay_case(&key, loaded.project.as_ref())? else {
                return Err(invalid(format!("办件 {case} 不存在或不在您的权限范围内")));
            };
            let actual = RatingSubject::of_case(&c).map_err(|e| Refusal::Evaluation {
                message: e.to_string(),
                error: e,
            })?;
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

/// Decides one 好差评 command (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_evaluation(
    viewer: &Viewer<'_>,
    actor: &Actor,
    env: &CommandEnvelope,
    loaded: &Loaded,
    catalogue: &Catalogue,
    id: &EvaluationId,
    command: &EvaluationCommand,
    kind: CommandKind,
    head: Option<(u64, String)>,
) -> Result<Decided, Refusal> {
    let key = format!("evaluation:{id}");
    let current = replay_evaluation(&key, loaded.entity.as_ref())?;
    let scope = current.as_ref().map(evaluation_scope);
    let new_owner: Option<&OrganisationId> = match command {
        EvaluationCommand::Rate { subject, .. } => Some(subject.applicant()),
        _ => None,
    };
    let target = match &scope {
        Some(s) => Target::Existing(s),
        None => Target::New { owner: new_owner },
    };
    may_push(viewer, kind, target).map_err(forbidden)?;
    check_common(
        env,
        current.as_ref().map(|e| (e.version, e.last_event_at)),
        &loaded.attachments,
    )?;
    if !env.attachments.is_empty() {
        return Err(invalid("评价与整改操作不能附带材料"));
    }
    if let (None, EvaluationCommand::Rate { subject, .. }) = (&current, command) {
        check_subject(subject, loaded, catalogue)?;
    }
    let (new, events) = Evaluation::execute(
        current,
        id,
        command,
        actor,
        env.acted_at,
        &evaluation_policy(),
    )
    .map_err(|e| Refusal::Evaluation {
        message: e.to_string(),
        error: e,
    })?;
    let sealed = seal(&key, head.as_ref(), events, DomainEvent::Evaluation, |e| {
        e.at
    })?;
    let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
    Ok(Decided {
        head: Head {
            entity_key: key,
            kind: EntityKind::Evaluation,
            entity_id: new.id.to_string(),
            version: new.version,
            hash: last,
            state: evaluation_state(&new),
            last_event_at: new.last_event_at,
            scope: evaluation_scope(&new),
        },
        events: sealed,
        links: vec![],
        share: None,
        see: vec![],
    })
}

/// Decides one 建议投诉 command.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_complaint(
    viewer: &Viewer<'_>,
    actor: &Actor,
    env: &CommandEnvelope,
    loaded: &Loaded,
    catalogue: &Catalogue,
    id: &ComplaintId,
    command: &ComplaintCommand,
    kind: CommandKind,
    head: Option<(u64, String)>,
) -> Result<Decided, Refusal> {
    let key = format!("complaint:{id}");
    let current = replay_complaint(&key, loaded.entity.as_ref())?;
    let scope = current.as_ref().map(complaint_scope);
    let target = match &scope {
        Some(s) => Target::Existing(s),
        None => Target::New { owner: None },
    };
    may_push(viewer, kind, target).map_err(forbidden)?;
    check_common(
        env,
        current.as_ref().map(|c| (c.version, c.last_event_at)),
        &loaded.attachments,
    )?;
    if !env.attachments.is_empty() {
        return Err(invalid("建议投诉操作不能附带材料"));
    }
    // A department named by the submitter or the reform office must exist.
    let named = match command {
        ComplaintCommand::Submit { department, .. } => department.as_ref(),
        ComplaintCommand::Assign { department, .. } => Some(department),
        _ => None,
    };
    if let Some(d) = named
        && catalogue.department(d).is_none()
    {
        return Err(invalid(format!(
            "事项目录（{}）中没有部门 {d}",
            catalogue.version
        )));
    }
    let (new, events) =
        Complaint::execute(current, id, command, actor, env.acted_at).map_err(|e| {
            Refusal::Complaint {
                message: e.to_string(),
                error: e,
            }
        })?;
    let sealed = seal(&key, head.as_ref(), events, DomainEvent::Complaint, |e| {
        e.at
    })?;
    let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
    Ok(Decided {
        head: Head {
            entity_key: key,
            kind: EntityKind::Complaint,
            entity_id: new.id.to_string(),
            version: new.version,
            hash: last,
            state: snake(&new.state),
            last_event_at: new.last_event_at,
            scope: complaint_scope(&new),
        },
        events: sealed,
        links: vec![],
        share: None,
        see: vec![],
    })
}

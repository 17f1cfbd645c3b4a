//! 同步: the rules of push as pure functions, shared by both storage backends.
//!
//! A backend runs each pushed command in one transaction: it skips mutation ids already
//! processed, asks [`needs`] what to load, loads it, calls [`decide`], and writes either the
//! sealed events and the new entity head, or the refusal. Nothing here touches storage, so
//! both backends refuse and seal identically.

use crate::scope::{CommandKind, EntityKind, EntityScope, Target, may_push};
use crate::store::UserRecord;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{
    AcceptanceTerms, Acting, Case, CaseCommand, CaseEvent, CaseState, Decision,
};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::consultation::{Consultation, ConsultationId};
use permitdesk_domain::ids::{AttachmentId, DepartmentCode, ProjectId};
use permitdesk_domain::project::{
    Project, ProjectCommand, ProjectEvent, RegistrationChannel, RegistrationState,
};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_domain::trail::{self, Sealed};
use permitdesk_protocol::{CommandEnvelope, DomainCommand, DomainEvent, Refusal};

/// Limits on the time an action claims to have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushRules {
    /// How far ahead of the server's clock an action may be (clock skew left after the
    /// client's offset correction).
    pub future_tolerance: Duration,
    /// The longest a client may have been offline: older actions are refused.
    pub max_offline: Duration,
}

impl Default for PushRules {
    fn default() -> Self {
        PushRules {
            future_tolerance: Duration::minutes(2),
            max_offline: Duration::days(7),
        }
    }
}

/// What a backend must load for one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub entity_key: String,
    /// For a case's creation: the project it belongs to; for the rating of a case (好差评):
    /// the rated case (loaded into [`Loaded::project`]).
    pub project_key: Option<String>,
    pub attachments: Vec<AttachmentId>,
}

/// Whether the user may attach a given file to a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentAccess {
    /// Never uploaded, or still incomplete.
    Missing,
    /// Uploaded by someone else and not linked to anything the user may see.
    NotYours,
    Usable,
}

/// An entity's stored events and the departments sharing its project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadedEntity {
    pub events: Vec<DomainEvent>,
    pub project_departments: Vec<DepartmentCode>,
}

/// Everything [`decide`] looks at besides the command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loaded {
    /// None when the entity has no events yet.
    pub entity: Option<LoadedEntity>,
    pub project: Option<LoadedEntity>,
    pub attachments: Vec<(AttachmentId, AttachmentAccess)>,
}

/// One sealed event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub entity_seq: u64,
    pub hash: String,
    pub prev_hash: String,
    /// The `DomainEvent` JSON, stored and sent as is.
    pub json: String,
    pub acted_at: DateTime<Utc>,
}

/// The entity's head after the command: chain position and access scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub entity_key: String,
    pub kind: EntityKind,
    pub entity_id: String,
    pub version: u64,
    pub hash: String,
    /// The state's snake_case name (e.g. `in_review`), for the scheduler's selection.
    pub state: String,
    pub last_event_at: DateTime<Utc>,
    /// The scope (its `project_departments` are not part of the head row).
    pub scope: EntityScope,
}

/// What to write for an applied command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub events: Vec<NewEvent>,
    pub head: Head,
    /// Attachments referenced by the new events (for scoped downloads).
    pub links: Vec<AttachmentId>,
    /// A case left draft: its department now shares the project.
    pub share: Option<(ProjectId, DepartmentCode)>,
    /// Departments that now see a planning record, stored under its scope's pseudo project.
    pub see: Vec<(ProjectId, DepartmentCode)>,
}

/// The shipped holiday table (reference version 0), parsed once. Decisions use the calendar
/// of the reference set in force ([`crate::store::PushEnv::reference`]); this is for tests
/// and tools that compare with the bootstrap data.
pub fn shipped_calendar() -> &'static WorkingCalendar {
    static CALENDAR: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
    CALENDAR.get_or_init(WorkingCalendar::shipped)
}

/// The legal clock on the shipped calendar (version 0) and the default office hours.
pub fn legal_clock() -> LegalClock<'static> {
    LegalClock::new(shipped_calendar(), OfficeHours::default())
}

/// The entity a command is about, with its key.
pub fn needs(env: &CommandEnvelope) -> Needs {
    let entity_key = env.command.entity().key();
    let mut attachments = env.attachments.clone();
    let mut project_key = None;
    if let DomainCommand::Case { command, .. } = &env.command {
        match command {
            CaseCommand::Create { project, .. } => {
                project_key = Some(permitdesk_protocol::EntityRef::Project(project.clone()).key());
            }
            CaseCommand::AttachMaterial { attachment, .. } => attachments.push(attachment.clone()),
            CaseCommand::Submit { stamped_form } => attachments.push(stamped_form.clone()),
            CaseCommand::Complete {
                decision: Decision::Granted { certificate },
            } => {
                attachments.extend(certificate.file.iter().cloned());
            }
            _ => {}
        }
    }
    if let DomainCommand::Consultation {
        command:
            permitdesk_domain::consultation::ConsultationCommand::AttachMaterial { attachment, .. },
        ..
    } = &env.command
    {
        attachments.push(attachment.clone());
    }
    if let DomainCommand::Evaluation {
        command:
            permitdesk_domain::evaluation::EvaluationCommand::Rate {
                subject: permitdesk_domain::evaluation::RatingSubject::Case { case, .. },
                ..
            },
        ..
    } = &env.command
    {
        project_key = Some(permitdesk_protocol::EntityRef::Case(case.clone()).key());
    }
    // A commission's report must be an uploaded file the agency may use; sharing the result
    // names the case it is shared with.
    if let DomainCommand::Commission { command, .. } = &env.command {
        use permitdesk_domain::intermediary::CommissionCommand as W;
        match command {
            W::Deliver { report, .. } => attachments.push(report.clone()),
            W::ShareResult { case, .. } => {
                project_key = Some(permitdesk_protocol::EntityRef::Case(case.clone()).key());
            }
            _ => {}
        }
    }
    attachments.sort();
    attachments.dedup();
    Needs {
        entity_key,
        project_key,
        attachments,
    }
}

/// A well-formed id: 1-64 characters of letters, digits, `-`, `_`, `.`.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A well-formed attachment id: 64 lower-case hex characters.
pub fn valid_sha256(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

pub(crate) fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        message: message.into(),
    }
}

pub(crate) fn corrupt(key: &str) -> Refusal {
    tracing::error!(entity = key, "stored trail does not replay");
    invalid("服务器上该对象的记录无法重建，请联系系统管理员")
}

/// The domain events of one entity's stored trail, all of the kind `pick` accepts: an event of
/// another kind means the stored trail is corrupt.
pub(crate) fn events_of<E: Clone>(
    key: &str,
    events: &[DomainEvent],
    pick: impl Fn(&DomainEvent) -> Option<&Sealed<E>>,
) -> Result<Vec<E>, Refusal> {
    events
        .iter()
        .map(|e| pick(e).map(|s| s.event.clone()).ok_or_else(|| corrupt(key)))
        .collect()
}

fn beijing(t: DateTime<Utc>) -> String {
    format_minute(to_local(t))
}

/// Replays a stored planning record (None if it has no events).
pub fn replay_consultation(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<Consultation>, Refusal> {
    let Some(l) = loaded else { return Ok(None) };
    if l.events.is_empty() {
        return Ok(None);
    }
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Consultation(s) => Some(s),
        _ => None,
    })?;
    Consultation::replay(events.iter())
        .map(Some)
        .map_err(|_| corrupt(key))
}

/// The pseudo project a planning record's visible departments are stored under.
pub fn consultation_scope_project(id: &ConsultationId) -> ProjectId {
    ProjectId::new(format!("consultation:{id}"))
}

/// The departments that see a planning record (`Consultation::visible_to`): both leads and
/// every invited department.
pub fn consultation_departments(c: &Consultation) -> Vec<DepartmentCode> {
    let mut out = vec![
        c.leads.development.clone(),
        c.leads.natural_resources.clone(),
    ];
    for i in &c.invitations {
        out.push(i.department.clone());
    }
    out.sort();
    out.dedup();
    out
}

/// The scope of a planning record.
pub fn consultation_scope(c: &Consultation) -> EntityScope {
    EntityScope {
        kind: EntityKind::Consultation,
        owner: permitdesk_domain::ids::OrganisationId::new(""),
        department: c.registered_by.clone(),
        project: consultation_scope_project(&c.id),
        draft: false,
        granted: false,
        created_by_window: false,
        project_departments: consultation_departments(c),
    }
}

/// The scope of a case as its state says.
pub fn case_scope(
    case: &Case,
    first: Option<&CaseEvent>,
    project_departments: Vec<DepartmentCode>,
) -> EntityScope {
    EntityScope {
        kind: EntityKind::Case,
        owner: case.applicant.clone(),
        department: Some(case.department.clone()),
        project: case.project.clone(),
        draft: case.state == CaseState::Draft,
        granted: case.state == CaseState::Granted,
        created_by_window: first.is_some_and(|e| e.actor.role == Role::WindowOperator),
        project_departments,
    }
}

/// The scope of a project as its state says.
pub fn project_scope(p: &Project, project_departments: Vec<DepartmentCode>) -> EntityScope {
    EntityScope {
        kind: EntityKind::Project,
        owner: p.owner.clone(),
        department: None,
        project: p.id.clone(),
        draft: p.state == RegistrationState::Draft,
        granted: false,
        created_by_window: p.channel == RegistrationChannel::OnSite,
        project_departments,
    }
}

pub(crate) fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Replays a stored project (None if it has no events).
pub fn replay_project(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<Project>, Refusal> {
    let Some(l) = loaded else { return Ok(None) };
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Project(s) => Some(s),
        _ => None,
    })?;
    Project::replay(events.iter()).map_err(|_| corrupt(key))
}

/// Replays a stored case (None if it has no events).
pub fn replay_case(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<(Case, Vec<CaseEvent>)>, Refusal> {
    let Some(l) = loaded else { return Ok(None) };
    if l.events.is_empty() {
        return Ok(None);
    }
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Case(s) => Some(s),
        _ => None,
    })?;
    let case = Case::replay(events.iter()).map_err(|_| corrupt(key))?;
    Ok(Some((case, events)))
}

fn chain_head(l: Option<&LoadedEntity>) -> Option<(u64, String)> {
    l.and_then(|l| l.events.last()).map(|e| match e {
        DomainEvent::Case(s) => (s.seq, s.hash.clone()),
        DomainEvent::Project(s) => (s.seq, s.hash.clone()),
        DomainEvent::Consultation(s) => (s.seq, s.hash.clone()),
        DomainEvent::Evaluation(s) => (s.seq, s.hash.clone()),
        DomainEvent::Complaint(s) => (s.seq, s.hash.clone()),
        DomainEvent::Commission(s) => (s.seq, s.hash.clone()),
    })
}

/// The catalogue's acceptance terms of an item.
pub fn catalogue_terms(
    catalogue: &Catalogue,
    item: &permitdesk_domain::ids::ItemCode,
) -> Option<AcceptanceTerms> {
    let i = catalogue.item(item)?;
    Some(AcceptanceTerms {
        catalogue_version: catalogue.version.clone(),
        time_limit_working_days: i.time_limit_working_days,
        review_levels: catalogue.review_levels_for_item(item)?.to_vec(),
    })
}

/// Decides one command: the refusal, or the sealed events and the new head.
pub fn decide(
    user: &UserRecord,
    env: &CommandEnvelope,
    loaded: &Loaded,
    reference: &ReferenceSet,
    rules: &PushRules,
    now: DateTime<Utc>,
) -> Result<Decided, Refusal> {
    // Every decision uses the reference data in force (catalogue, market, calendar).
    let catalogue: &Catalogue = &reference.catalogue;
    let entity = env.command.entity();
    let key = entity.key();
    let (id_text, kind) = match &env.command {
        DomainCommand::Case { case, command } => {
            (case.as_str(), CommandKind::Case(command.action()))
        }
        DomainCommand::Project { command, .. } => {
            let id = match &entity {
                permitdesk_protocol::EntityRef::Project(p) => p.as_str(),
                permitdesk_protocol::EntityRef::Case(c) => c.as_str(),
                permitdesk_protocol::EntityRef::Consultation(c) => c.as_str(),
                permitdesk_protocol::EntityRef::Evaluation(c) => c.as_str(),
                permitdesk_protocol::EntityRef::Complaint(c) => c.as_str(),
                permitdesk_protocol::EntityRef::Commission(c) => c.as_str(),
            };
            (id, CommandKind::Project(command.action()))
        }
        DomainCommand::Consultation {
            consultation,
            command,
        } => (
            consultation.as_str(),
            CommandKind::Consultation(command.action()),
        ),
        DomainCommand::Evaluation {
            evaluation,
            command,
        } => (
            // `case/C-1`, `visit/V-1`: the subject's own id is checked like any other.
            evaluation
                .as_str()
                .split_once('/')
                .filter(|(k, _)| matches!(*k, "case" | "visit"))
                .map_or("", |(_, rest)| rest),
            CommandKind::Evaluation(command.action()),
        ),
        DomainCommand::Complaint { complaint, command } => {
            (complaint.as_str(), CommandKind::Complaint(command.action()))
        }
        DomainCommand::Commission {
            commission,
            command,
        } => (
            commission.as_str(),
            CommandKind::Commission(command.action()),
        ),
    };
    if !valid_id(id_text) {
        return Err(invalid(
            "编号格式不正确：只能由 1 至 64 个字母、数字、“-”、“_”、“.”组成",
        ));
    }
    let viewer = user.viewer();
    let actor = user.actor();
    let at = env.acted_at;
    let project_departments = loaded
        .entity
        .as_ref()
        .map(|l| l.project_departments.clone())
        .unwrap_or_default();
    let head = chain_head(loaded.entity.as_ref());

    // The time rules come before the domain, so that the refusal names the clock.
    if at > now + rules.future_tolerance {
        return Err(Refusal::Time {
            message: format!(
                "操作时间 {} 晚于服务器时间 {}，请校准本机时钟后重试",
                beijing(at),
                beijing(now)
            ),
        });
    }
    // The system's own actions (deemed consent) carry their deadline as time, however long
    // the server was down.
    if user.role != Role::System && at < now - rules.max_offline {
        return Err(Refusal::Time {
            message: format!(
                "操作时间 {} 距今超过允许的离线时长（{} 小时），请联机后重新办理",
                beijing(at),
                rules.max_offline.num_hours()
            ),
        });
    }

    match &env.command {
        DomainCommand::Case { case: id, command } => {
            let current = replay_case(&key, loaded.entity.as_ref())?;
            let scope = current
                .as_ref()
                .map(|(c, evs)| case_scope(c, evs.first(), project_departments.clone()));
            let target = match &scope {
                Some(s) => Target::Existing(s),
                None => Target::New {
                    owner: match command {
                        CaseCommand::Create { applicant, .. } => Some(applicant),
                        _ => None,
                    },
                },
            };
            may_push(&viewer, kind, target).map_err(|d| Refusal::Forbidden {
                message: d.to_string(),
            })?;
            let case = current.as_ref().map(|(c, _)| c);
            check_common(
                env,
                case.map(|c| (c.version, c.last_event_at)),
                &loaded.attachments,
            )?;

            let mut command = command.clone();
            match &mut command {
                CaseCommand::Create {
                    project,
                    works,
                    item,
                    department,
                    applicant,
                    commitment_allowed,
                    ..
                } => {
                    let p = replay_project(&format!("project:{project}"), loaded.project.as_ref())?;
                    let p_scope = p.as_ref().map(|p| {
                        project_scope(
                            p,
                            loaded
                                .project
                                .as_ref()
                                .map(|l| l.project_departments.clone())
                                .unwrap_or_default(),
                        )
                    });
                    let p = match (p, p_scope) {
                        (Some(p), Some(s)) if crate::scope::may_see(&viewer, &s) => p,
                        _ => {
                            return Err(invalid(format!(
                                "项目 {project} 不存在或不在您的权限范围内"
                            )));
                        }
                    };
                    if &p.owner != applicant {
                        return Err(invalid("办件的申请单位与项目所属单位不一致"));
                    }
                    if p.state != RegistrationState::FlowChosen {
                        return Err(invalid(format!(
                            "项目处于“{}”状态，选择审批流程后才能申请事项",
                            p.state
                        )));
                    }
                    if !p.works.iter().any(|w| &w.id == works) {
                        return Err(invalid(format!("项目中没有编号为 {works} 的工程")));
                    }
                    let Some(it) = catalogue.item(item) else {
                        return Err(invalid(format!(
                            "事项目录（{}）中没有事项 {item}",
                            catalogue.version
                        )));
                    };
                    if &it.department != department {
                        return Err(invalid(format!(
                            "事项 {item} 由 {} 办理，不是 {department}",
                            it.department
                        )));
                    }
                    // The catalogue, not the client, says whether commitment-based handling applies.
                    *commitment_allowed = it.commitment_allowed;
                }
                CaseCommand::Accept { terms, .. } => {
                    let Some(c) = case else {
                        return Err(invalid("办件不存在"));
                    };
                    let Some(expected) = catalogue_terms(catalogue, &c.item) else {
                        return Err(invalid(format!(
                            "事项目录（{}）中没有事项 {}",
                            catalogue.version, c.item
                        )));
                    };
                    if terms.catalogue_version.is_empty() && terms.review_levels.is_empty() {
                        // A client without the catalogue lets the server fill the terms in.
                        *terms = expected;
                    } else if *terms != expected {
                        return Err(invalid(format!(
                            "受理条件与事项目录不一致：应为目录版本 {}，时限 {} 个工作日，审批层级 {}",
                            expected.catalogue_version,
                            expected.time_limit_working_days,
                            expected.review_levels.join("、")
                        )));
                    }
                }
                _ => {}
            }

            let acting = Acting {
                actor,
                at,
                opinion: env.opinion.clone(),
                attachments: env.attachments.clone(),
            };
            let events = Case::decide(case, id, &command, &acting).map_err(|e| Refusal::Case {
                message: e.to_string(),
                error: e,
            })?;
            let mut state = case.cloned();
            for e in &events {
                state = Some(Case::apply(state, e).map_err(|_| corrupt(&key))?);
            }
            let Some(new_case) = state else {
                return Err(corrupt(&key));
            };
            let links: Vec<AttachmentId> = events
                .iter()
                .flat_map(|e| e.attachments.iter().cloned())
                .collect();
            let first = current
                .as_ref()
                .and_then(|(_, evs)| evs.first().cloned())
                .or_else(|| events.first().cloned());
            let sealed = seal(&key, head.as_ref(), events, DomainEvent::Case, |e| e.at)?;
            let share = (new_case.state != CaseState::Draft)
                .then(|| (new_case.project.clone(), new_case.department.clone()));
            let mut departments = project_departments;
            if let Some((_, d)) = &share
                && !departments.contains(d)
            {
                departments.push(d.clone());
            }
            let scope = case_scope(&new_case, first.as_ref(), departments);
            let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
            Ok(Decided {
                head: Head {
                    entity_key: key,
                    kind: EntityKind::Case,
                    entity_id: id.to_string(),
                    version: new_case.version,
                    hash: last,
                    state: snake(&new_case.state),
                    last_event_at: new_case.last_event_at,
                    scope,
                },
                events: sealed,
                links,
                share,
                see: vec![],
            })
        }
        DomainCommand::Project { command, .. } => {
            let current = replay_project(&key, loaded.entity.as_ref())?;
            let scope = current
                .as_ref()
                .map(|p| project_scope(p, project_departments.clone()));
            let target = match &scope {
                Some(s) => Target::Existing(s),
                None => Target::New {
                    owner: match command {
                        ProjectCommand::RegisterOnSite { owner, .. } => Some(owner),
                        _ => None,
                    },
                },
            };
            may_push(&viewer, kind, target).map_err(|d| Refusal::Forbidden {
                message: d.to_string(),
            })?;
            check_common(
                env,
                current.as_ref().map(|p| (p.version, p.last_event_at)),
                &loaded.attachments,
            )?;
            if !env.attachments.is_empty() {
                return Err(invalid("项目登记操作不能附带材料，请在办件中上传"));
            }
            let events = Project::decide(current.as_ref(), command, &actor, at).map_err(|e| {
                Refusal::Project {
                    message: e.to_string(),
                }
            })?;
            let mut state = current;
            for e in &events {
                state = Some(Project::apply(state, e).map_err(|_| corrupt(&key))?);
            }
            let Some(p) = state else {
                return Err(corrupt(&key));
            };
            let sealed = seal(
                &key,
                head.as_ref(),
                events,
                DomainEvent::Project,
                ProjectEvent::at,
            )?;
            let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
            Ok(Decided {
                head: Head {
                    entity_key: key,
                    kind: EntityKind::Project,
                    entity_id: p.id.to_string(),
                    version: p.version,
                    hash: last,
                    state: snake(&p.state),
                    last_event_at: p.last_event_at,
                    scope: project_scope(&p, project_departments),
                },
                events: sealed,
                links: vec![],
                share: None,
                see: vec![],
            })
        }
        DomainCommand::Evaluation {
            evaluation: id,
            command,
        } => crate::sync_evaluation::decide_evaluation(
            &viewer, &actor, env, loaded, catalogue, id, command, kind, head,
        ),
        DomainCommand::Complaint {
            complaint: id,
            command,
        } => crate::sync_evaluation::decide_complaint(
            &viewer, &actor, env, loaded, catalogue, id, command, kind, head,
        ),
        DomainCommand::Commission {
            commission: id,
            command,
        } => crate::sync_commission::decide_commission(
            &viewer,
            &actor,
            env,
            loaded,
            &reference.market,
            id,
            command,
            kind,
            head,
        ),
        DomainCommand::Consultation {
            consultation: id,
            command,
        } => {
            let current = replay_consultation(&key, loaded.entity.as_ref())?;
            let scope = current.as_ref().map(consultation_scope);
            let target = match &scope {
                Some(s) => Target::Existing(s),
                None => Target::New { owner: None },
            };
            may_push(&viewer, kind, target).map_err(|d| Refusal::Forbidden {
                message: d.to_string(),
            })?;
            check_common(
                env,
                current.as_ref().map(|c| (c.version, c.last_event_at)),
                &loaded.attachments,
            )?;
            let acting = Acting {
                actor,
                at,
                opinion: env.opinion.clone(),
                attachments: env.attachments.clone(),
            };
            let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
            let (new, events) = Consultation::execute(current, id, command, &acting, &clock)
                .map_err(|e| Refusal::Consultation {
                    message: e.to_string(),
                    error: e,
                })?;
            let links: Vec<AttachmentId> = events
                .iter()
                .flat_map(|e| e.attachments.iter().cloned())
                .collect();
            let sealed = seal(
                &key,
                head.as_ref(),
                events,
                DomainEvent::Consultation,
                |e| e.at,
            )?;
            let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
            let scope = consultation_scope(&new);
            let see = scope
                .project_departments
                .iter()
                .map(|d| (scope.project.clone(), d.clone()))
                .collect();
            Ok(Decided {
                head: Head {
                    entity_key: key,
                    kind: EntityKind::Consultation,
                    entity_id: new.id.to_string(),
                    version: new.version,
                    hash: last,
                    state: snake(&new.state),
                    last_event_at: new.last_event_at,
                    scope,
                },
                events: sealed,
                links,
                share: None,
                see,
            })
        }
    }
}

/// Whether a refused system action (deemed consent) is nevertheless done: the department had
/// already answered, or another run recorded it. Its exactly-once key is then kept.
pub fn system_action_done(refusal: &Refusal) -> bool {
    matches!(
        refusal,
        Refusal::Consultation {
            error: permitdesk_domain::consultation::ConsultationError::AlreadyAnswered { .. },
            ..
        }
    )
}

/// Checks shared by every command on an existing or new entity: the base version, the time
/// against the entity's last event, the attachments.
pub(crate) fn check_common(
    env: &CommandEnvelope,
    current: Option<(u64, DateTime<Utc>)>,
    attachments: &[(AttachmentId, AttachmentAccess)],
) -> Result<(), Refusal> {
    let version = current.map(|(v, _)| v).unwrap_or(0);
    if env.base_version > version {
        return Err(invalid(format!(
            "命令所依据的版本 {} 高于服务器上的版本 {version}",
            env.base_version
        )));
    }
    if let Some((_, last)) = current
        && env.acted_at < last
    {
        return Err(Refusal::Time {
            message: format!(
                "操作时间 {} 早于该对象上一条记录的时间 {}，请同步后重新办理",
                beijing(env.acted_at),
                beijing(last)
            ),
        });
    }
    for (id, access) in attachments {
        match access {
            AttachmentAccess::Usable => {}
            AttachmentAccess::Missing => {
                return Err(invalid(format!("材料 {id} 尚未上传完成，请先上传")));
            }
            AttachmentAccess::NotYours => {
                return Err(invalid(format!("材料 {id} 不存在或不在您的权限范围内")));
            }
        }
    }
    Ok(())
}

pub(crate) fn seal<E: serde::Serialize>(
    key: &str,
    head: Option<&(u64, String)>,
    events: Vec<E>,
    wrap: fn(Sealed<E>) -> DomainEvent,
    at: fn(&E) -> DateTime<Utc>,
) -> Result<Vec<NewEvent>, Refusal> {
    let sealed = trail::seal_all(key, head.map(|(s, h)| (*s, h.as_str())), events)
        .map_err(|_| corrupt(key))?;
    sealed
        .into_iter()
        .map(|s| {
            let (entity_seq, hash, prev_hash, acted_at) =
                (s.seq, s.hash.clone(), s.prev_hash.clone(), at(&s.event));
            let json = serde_json::to_string(&wrap(s)).map_err(|_| corrupt(key))?;
            Ok(NewEvent {
                entity_seq,
                hash,
                prev_hash,
                json,
                acted_at,
            })
        })
        .collect()
}

//! 同步: the rules of push as pure functions, shared by both storage backends.
//!
//! The store's pipeline (`store::rules::push_one`) runs each pushed command in one
//! transaction: it skips mutation ids already processed, asks [`needs`] what to load, loads
//! it, calls [`decide`], and writes either the sealed events and the new entity head, or the
//! refusal. [`decide`] is one pipeline for the six entities (time rules, then per entity:
//! replay, scope, role, common checks, the entity's own checks, the domain's decision, seal),
//! over the [`Pushed`] trait each entity implements. Nothing here touches storage, so both
//! backends refuse and seal identically.

use crate::scope::{CommandKind, EntityKind, EntityScope, Target, Viewer, may_push};
use crate::store::UserRecord;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{
    AcceptanceTerms, Acting, Case, CaseCommand, CaseEvent, CaseState, Decision,
};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::consultation::{
    Consultation, ConsultationCommand, ConsultationEvent, ConsultationId,
};
use permitdesk_domain::entity;
use permitdesk_domain::evaluation::{Complaint, Evaluation};
use permitdesk_domain::ids::{AttachmentId, DepartmentCode, OrganisationId, ProjectId};
use permitdesk_domain::intermediary::Commission;
use permitdesk_domain::project::{
    Project, ProjectCommand, ProjectEvent, RegistrationChannel, RegistrationState,
};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::time::to_local;
use permitdesk_domain::trail::{self, Sealed};
use permitdesk_protocol::{
    CommandEnvelope, DomainCommand, DomainEvent, EntityRef, Refusal, WireEntity,
};

/// Limits on the time an action claims to have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushRules {
    /// How far ahead of the server's clock an action may be (clock skew left after the
    /// client's offset correction).
    pub future_tolerance: Duration,
    /// The longest a client may have been offline: older actions are refused.
    pub max_offline: Duration,
    /// 可信时间: no action may be dated before this (the client's last completed sync with
    /// the server, less [`CONTACT_TOLERANCE`]): everything it had done before then was pushed in
    /// that sync, so an older time is a back-dated one. Set per push by the route.
    pub not_before: Option<DateTime<Utc>>,
}

/// How far before the client's last contact an action may still be dated: an action taken
/// while a sync was running, pushed at the next one.
pub const CONTACT_TOLERANCE: Duration = Duration::minutes(10);

impl Default for PushRules {
    fn default() -> Self {
        PushRules {
            future_tolerance: Duration::minutes(5),
            max_offline: Duration::days(7),
            not_before: None,
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
    /// The whole trail, in order; empty when `snapshot` stands for it.
    pub events: Vec<DomainEvent>,
    pub project_departments: Vec<DepartmentCode>,
    /// The state the trail folds to, from the store's cache ([`crate::store::cache`]) after it
    /// checked the stored head: then `events` are not read at all.
    pub snapshot: Option<crate::store::cache::Snapshot>,
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
    /// Departments that now see the entity, stored under its scope's (pseudo) project: a
    /// case's department once it left draft, a planning record's or a commission's audience.
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
    if let DomainCommand::Consultation { command, .. } = &env.command {
        use permitdesk_domain::consultation::ConsultationCommand as K;
        match command {
            K::AttachMaterial { attachment, .. } => attachments.push(attachment.clone()),
            // 关联审批项目: the project must exist and be the linking user's to see.
            K::LinkProject { project } => {
                project_key = Some(permitdesk_protocol::EntityRef::Project(project.clone()).key());
            }
            _ => {}
        }
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

/// Beijing time to the minute, as a person reads it (`2026-03-02 09:05`).
fn beijing(t: DateTime<Utc>) -> String {
    to_local(t).format("%Y-%m-%d %H:%M").to_string()
}

fn forbidden(d: crate::scope::PushDenied) -> Refusal {
    Refusal::Forbidden {
        message: d.to_string(),
    }
}

/// What the push pipeline needs of an entity besides the domain's [`Entity`]: how its events
/// travel in [`DomainEvent`], who may see it ([`EntityScope`]), what its head row says, and
/// the server's own checks of its commands. The six entities implement it (cases, projects
/// and planning records here, ratings and complaints in [`crate::sync_evaluation`],
/// commissions in [`crate::sync_commission`]); [`decide`] runs one pipeline for all of them.
pub(crate) trait Pushed: WireEntity {
    /// The kind of its scope and head row.
    const SCOPE_KIND: EntityKind;
    /// The refusal when a command carries attachments and this entity takes none.
    const NO_ATTACHMENTS: Option<&'static str> = None;

    fn event_at(e: &Self::Event) -> DateTime<Utc>;
    /// The files an event references (scoped downloads).
    fn event_attachments(_e: &Self::Event) -> Vec<AttachmentId> {
        vec![]
    }
    fn command_kind(cmd: &Self::Command) -> CommandKind;
    fn refused(e: Self::Error) -> Refusal;
    /// Runs `f` with what the entity decides with, from the reference data in force.
    fn with_context<R>(reference: &ReferenceSet, f: impl FnOnce(&Self::Context<'_>) -> R) -> R;

    /// The number of events folded (`head_fields!`).
    fn version(&self) -> u64;
    fn last_event_at(&self) -> DateTime<Utc>;
    fn id_text(&self) -> String;
    /// The state's name kept in the head row (the schedulers select on it).
    fn state_name(&self) -> String;
    /// Who may see it: `first` is its trail's first event, `departments` the audience stored
    /// under its scope's project (with what the command just added).
    fn scope(&self, first: Option<&Self::Event>, departments: Vec<DepartmentCode>) -> EntityScope;
    /// The owner a creating command names (checked against the pushing user).
    fn new_owner(_cmd: &Self::Command) -> Option<&OrganisationId> {
        None
    }
    /// The server's own checks of a command against what is stored and the reference data,
    /// and what it fills in itself (acceptance terms, the random draw). Returns departments
    /// the command names for the audience (a commission's result shared with a case).
    fn prepare(
        _cx: &Cx<'_>,
        _current: Option<&Self>,
        _cmd: &mut Self::Command,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        Ok(vec![])
    }
    /// The departments that see the entity after the command, to record under its scope's
    /// project (`named`: what [`Pushed::prepare`] returned).
    fn audience(
        &self,
        _named: Vec<DepartmentCode>,
        _reference: &ReferenceSet,
    ) -> Vec<DepartmentCode> {
        vec![]
    }
}

/// [`Pushed::version`], [`Pushed::last_event_at`] and [`Pushed::id_text`] of an entity whose
/// state has the fields `version`, `last_event_at` and `id`, as every entity's has.
macro_rules! head_fields {
    () => {
        fn version(&self) -> u64 {
            self.version
        }
        fn last_event_at(&self) -> chrono::DateTime<chrono::Utc> {
            self.last_event_at
        }
        fn id_text(&self) -> String {
            self.id.to_string()
        }
    };
}
pub(crate) use head_fields;

/// What one command is decided with besides itself.
pub(crate) struct Cx<'a> {
    pub viewer: &'a Viewer<'a>,
    pub actor: &'a Actor,
    pub env: &'a CommandEnvelope,
    pub loaded: &'a Loaded,
    pub reference: &'a ReferenceSet,
}

impl Cx<'_> {
    pub(crate) fn catalogue(&self) -> &Catalogue {
        &self.reference.catalogue
    }
}

/// What a replay of a stored entity gives besides its state: what the push pipeline needs of
/// the trail (its first event, for the scope, and its chain head, to seal onto). Kept with the
/// state in the store's cache ([`crate::store::cache::Snapshot`]).
#[derive(Debug, Clone)]
pub(crate) struct Replayed<E: Pushed> {
    pub state: E,
    pub start: TrailEnds<E::Event>,
}

/// A trail's first event and its chain head (the last event's sequence number and hash).
#[derive(Debug, Clone)]
pub(crate) struct TrailEnds<Ev> {
    pub first: Ev,
    pub head: (u64, String),
}

/// A stored entity replayed (None if it has no events): its state, from the cached snapshot
/// when the store found one for the stored head, or folded from the whole trail.
#[allow(clippy::type_complexity)]
pub(crate) fn replay<E>(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<(E, TrailEnds<E::Event>)>, Refusal>
where
    E: Pushed + Clone + Send + Sync + 'static,
    E::Event: Clone + Send + Sync + 'static,
{
    let Some(l) = loaded else {
        return Ok(None);
    };
    if let Some(snapshot) = &l.snapshot {
        // The key names the entity, so the snapshot kept under it is of this kind.
        let r = snapshot.get::<Replayed<E>>().ok_or_else(|| corrupt(key))?;
        return Ok(Some((r.state.clone(), r.start.clone())));
    }
    let Some(head) = l
        .events
        .last()
        .and_then(E::sealed)
        .map(|s| (s.seq, s.hash.clone()))
    else {
        return Ok(None);
    };
    let events = events_of(key, &l.events, E::sealed)?;
    let state = entity::replay::<E>(events.iter()).map_err(|_| corrupt(key))?;
    let (Some(state), Some(first)) = (state, events.into_iter().next()) else {
        return Ok(None);
    };
    Ok(Some((state, TrailEnds { first, head })))
}

/// The scope of a stored entity as the user would see it (the case a rating or a shared
/// result names): None if there is none or the user may not see it.
pub(crate) fn visible<E>(
    cx: &Cx<'_>,
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<E>, Refusal>
where
    E: Pushed + Clone + Send + Sync + 'static,
    E::Event: Clone + Send + Sync + 'static,
{
    let Some((e, replayed)) = replay::<E>(key, loaded)? else {
        return Ok(None);
    };
    let departments = loaded
        .map(|l| l.project_departments.clone())
        .unwrap_or_default();
    let scope = e.scope(Some(&replayed.first), departments);
    Ok(crate::scope::may_see(cx.viewer, &scope).then_some(e))
}

/// The push pipeline of one entity: replay, scope, role and scope check, the common checks,
/// the entity's own checks, the domain's decision, seal, the new head and audience. Also
/// answers the state after the command, for the store's cache.
fn decide_as<E>(
    cx: &Cx<'_>,
    key: String,
    id: &E::Id,
    command: &E::Command,
) -> Result<(Decided, Option<crate::store::cache::Snapshot>), Refusal>
where
    E: Pushed + Clone + Send + Sync + 'static,
    E::Event: Clone + serde::Serialize + Send + Sync + 'static,
    E::Command: Clone,
{
    let stored = cx.loaded.entity.as_ref();
    let (current, first_stored, head) = match replay::<E>(&key, stored)? {
        Some((e, r)) => (Some(e), Some(r.first), Some(r.head)),
        None => (None, None, None),
    };
    let trail: Vec<E::Event> = first_stored.into_iter().collect();
    let departments = stored
        .map(|l| l.project_departments.clone())
        .unwrap_or_default();
    let scope = current
        .as_ref()
        .map(|c| c.scope(trail.first(), departments.clone()));
    let target = match &scope {
        Some(s) => Target::Existing(s),
        None => Target::New {
            owner: E::new_owner(command),
        },
    };
    may_push(cx.viewer, E::command_kind(command), target).map_err(forbidden)?;
    check_common(
        cx.env,
        current.as_ref().map(|c| (c.version(), c.last_event_at())),
        &cx.loaded.attachments,
    )?;
    if let Some(message) = E::NO_ATTACHMENTS
        && !cx.env.attachments.is_empty()
    {
        return Err(invalid(message));
    }
    let mut command = command.clone();
    let named = E::prepare(cx, current.as_ref(), &mut command)?;
    let acting = Acting {
        actor: cx.actor.clone(),
        at: cx.env.acted_at,
        opinion: cx.env.opinion.clone(),
        attachments: cx.env.attachments.clone(),
    };
    let (new, events) = E::with_context(cx.reference, |ctx| {
        entity::execute::<E>(current, id, &command, &acting, ctx)
    })
    .map_err(E::refused)?;
    let links = events.iter().flat_map(E::event_attachments).collect();
    let first = trail.first().or(events.first()).cloned();
    let sealed = seal(&key, head.as_ref(), events, E::wrap, E::event_at)?;
    let gained = new.audience(named, cx.reference);
    let mut departments = departments;
    for d in &gained {
        if !departments.contains(d) {
            departments.push(d.clone());
        }
    }
    let scope = new.scope(first.as_ref(), departments);
    let see = gained
        .into_iter()
        .map(|d| (scope.project.clone(), d))
        .collect();
    let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
    let chain_head = sealed.last().map(|e| (e.entity_seq, e.hash.clone()));
    let decided = Decided {
        head: Head {
            entity_key: key,
            kind: E::SCOPE_KIND,
            entity_id: new.id_text(),
            version: new.version(),
            hash: last,
            state: new.state_name(),
            last_event_at: new.last_event_at(),
            scope,
        },
        events: sealed,
        links,
        see,
    };
    let snapshot = match (chain_head, first) {
        (Some(head), Some(first)) => Some(crate::store::cache::Snapshot::new(Replayed::<E> {
            state: new,
            start: TrailEnds { first, head },
        })),
        _ => None,
    };
    Ok((decided, snapshot))
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
    decide_cached(user, env, loaded, reference, rules, now).map(|(d, _)| d)
}

/// [`decide`], with the entity's state after the command (None if no event was sealed) for the
/// store's cache: valid for the head the decision writes ([`Head::version`], [`Head::hash`]).
pub(crate) fn decide_cached(
    user: &UserRecord,
    env: &CommandEnvelope,
    loaded: &Loaded,
    reference: &ReferenceSet,
    rules: &PushRules,
    now: DateTime<Utc>,
) -> Result<(Decided, Option<crate::store::cache::Snapshot>), Refusal> {
    let entity = env.command.entity();
    let key = entity.key();
    let own_id = key.split_once(':').map_or("", |(_, id)| id);
    let id_text = match &entity {
        // `case/C-1`, `visit/V-1`: the subject's own id is checked like any other.
        EntityRef::Evaluation(_) => own_id
            .split_once('/')
            .filter(|(k, _)| matches!(*k, "case" | "visit"))
            .map_or("", |(_, rest)| rest),
        _ => own_id,
    };
    if !valid_id(id_text) {
        return Err(invalid(
            "编号格式不正确：只能由 1 至 64 个字母、数字、“-”、“_”、“.”组成",
        ));
    }
    let at = env.acted_at;
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
    if let Some(limit) = rules.not_before.filter(|_| user.role != Role::System)
        && at < limit
    {
        return Err(Refusal::Time {
            message: format!(
                "操作时间 {} 早于本机上次与服务器同步的时间 {}，不能补记更早的操作；请按实际时间重新办理",
                beijing(at),
                beijing(limit + CONTACT_TOLERANCE)
            ),
        });
    }
    // The system's own actions (deemed consent) carry their deadline as time, however long
    // the server was down.
    if user.role != Role::System && at < now - rules.max_offline {
        return Err(Refusal::Expired {
            message: format!(
                "操作时间 {} 距今超过允许的离线时长（{} 小时），请核对后重新确认提交",
                beijing(at),
                rules.max_offline.num_hours()
            ),
        });
    }
    // A clock a little fast (within the tolerance) is corrected, not refused: the action is
    // recorded at the server's time.
    let corrected;
    let env = if at > now {
        corrected = CommandEnvelope {
            acted_at: now,
            ..env.clone()
        };
        &corrected
    } else {
        env
    };
    // Every decision uses the reference data in force (catalogue, market, calendar).
    let (viewer, actor) = (user.viewer(), user.actor());
    let cx = Cx {
        viewer: &viewer,
        actor: &actor,
        env,
        loaded,
        reference,
    };
    match (&env.command, &entity) {
        (DomainCommand::Case { case, command }, _) => decide_as::<Case>(&cx, key, case, command),
        (DomainCommand::Project { command, .. }, EntityRef::Project(id)) => {
            decide_as::<Project>(&cx, key, id, command)
        }
        (DomainCommand::Project { .. }, _) => Err(corrupt(&key)),
        (
            DomainCommand::Consultation {
                consultation,
                command,
            },
            _,
        ) => decide_as::<Consultation>(&cx, key, consultation, command),
        (
            DomainCommand::Evaluation {
                evaluation,
                command,
            },
            _,
        ) => decide_as::<Evaluation>(&cx, key, evaluation, command),
        (DomainCommand::Complaint { complaint, command }, _) => {
            decide_as::<Complaint>(&cx, key, complaint, command)
        }
        (
            DomainCommand::Commission {
                commission,
                command,
            },
            _,
        ) => decide_as::<Commission>(&cx, key, commission, command),
    }
}

impl Pushed for Case {
    const SCOPE_KIND: EntityKind = EntityKind::Case;

    fn event_at(e: &CaseEvent) -> DateTime<Utc> {
        e.at
    }
    fn event_attachments(e: &CaseEvent) -> Vec<AttachmentId> {
        e.attachments.clone()
    }
    fn command_kind(cmd: &CaseCommand) -> CommandKind {
        CommandKind::Case(cmd.action())
    }
    fn refused(e: permitdesk_domain::case::CaseError) -> Refusal {
        Refusal::Case {
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
    fn scope(&self, first: Option<&CaseEvent>, departments: Vec<DepartmentCode>) -> EntityScope {
        case_scope(self, first, departments)
    }
    fn new_owner(cmd: &CaseCommand) -> Option<&OrganisationId> {
        match cmd {
            CaseCommand::Create { applicant, .. } => Some(applicant),
            _ => None,
        }
    }
    /// A new case names a project the user sees, ready for cases, with the works and a
    /// catalogue item of the case's department; acceptance takes the catalogue's terms.
    fn prepare(
        cx: &Cx<'_>,
        case: Option<&Case>,
        command: &mut CaseCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        let catalogue = cx.catalogue();
        match command {
            CaseCommand::Create {
                project,
                works,
                item,
                department,
                applicant,
                commitment_allowed,
                ..
            } => {
                let key = EntityRef::Project(project.clone()).key();
                let Some(p) = visible::<Project>(cx, &key, cx.loaded.project.as_ref())? else {
                    return Err(invalid(format!(
                        "项目 {project} 不存在或不在您的权限范围内"
                    )));
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
                // Only the items of the flow the window chose for the project (seed 6.2).
                if let Some(flow) = p.flow.as_ref().and_then(|f| catalogue.flow(f))
                    && !flow.has_item(item)
                {
                    return Err(invalid(format!(
                        "事项“{}”不在本项目的审批流程“{}”中，请在该流程的事项中选择，或请综合窗口重新选择流程",
                        it.name, flow.name
                    )));
                }
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
        Ok(vec![])
    }
    /// A case left draft: its department now shares the project.
    fn audience(&self, _: Vec<DepartmentCode>, _: &ReferenceSet) -> Vec<DepartmentCode> {
        if self.state == CaseState::Draft {
            vec![]
        } else {
            vec![self.department.clone()]
        }
    }
}

impl Pushed for Project {
    const SCOPE_KIND: EntityKind = EntityKind::Project;
    const NO_ATTACHMENTS: Option<&'static str> = Some("项目登记操作不能附带材料，请在办件中上传");

    fn event_at(e: &ProjectEvent) -> DateTime<Utc> {
        e.at()
    }
    fn command_kind(cmd: &ProjectCommand) -> CommandKind {
        CommandKind::Project(cmd.action())
    }
    fn refused(e: permitdesk_domain::project::ProjectError) -> Refusal {
        Refusal::Project {
            message: e.to_string(),
        }
    }
    /// The 行政区划 in force: a registration's location must be one the hall serves.
    fn with_context<R>(
        reference: &ReferenceSet,
        f: impl FnOnce(&permitdesk_domain::districts::Districts) -> R,
    ) -> R {
        f(&reference.districts)
    }
    head_fields!();
    fn state_name(&self) -> String {
        snake(&self.state)
    }
    fn scope(&self, _: Option<&ProjectEvent>, departments: Vec<DepartmentCode>) -> EntityScope {
        project_scope(self, departments)
    }
    fn new_owner(cmd: &ProjectCommand) -> Option<&OrganisationId> {
        match cmd {
            ProjectCommand::RegisterOnSite { owner, .. } => Some(owner),
            _ => None,
        }
    }
    /// 选择审批流程: the flow must be one of the catalogue's, and its category is the
    /// catalogue's (the domain then checks it is the project's), not what the client sent.
    fn prepare(
        cx: &Cx<'_>,
        _current: Option<&Project>,
        command: &mut ProjectCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        if let ProjectCommand::ChooseFlow { flow, category } = command {
            let catalogue = cx.catalogue();
            let Some(f) = catalogue.flow(flow) else {
                return Err(invalid(format!(
                    "事项目录（{}）中没有审批流程 {flow}，请从目录的流程中选择",
                    catalogue.version
                )));
            };
            *category = f.category.clone();
        }
        Ok(vec![])
    }
}

impl Pushed for Consultation {
    const SCOPE_KIND: EntityKind = EntityKind::Consultation;

    fn event_at(e: &ConsultationEvent) -> DateTime<Utc> {
        e.at
    }
    fn event_attachments(e: &ConsultationEvent) -> Vec<AttachmentId> {
        e.attachments.clone()
    }
    fn command_kind(cmd: &ConsultationCommand) -> CommandKind {
        CommandKind::Consultation(cmd.action())
    }
    fn refused(e: permitdesk_domain::consultation::ConsultationError) -> Refusal {
        Refusal::Consultation {
            message: e.to_string(),
            error: e,
        }
    }
    /// The legal clock on the calendar in force.
    fn with_context<R>(reference: &ReferenceSet, f: impl FnOnce(&LegalClock<'_>) -> R) -> R {
        f(&LegalClock::new(
            &reference.calendar,
            OfficeHours::default(),
        ))
    }
    head_fields!();
    fn state_name(&self) -> String {
        snake(&self.state)
    }
    fn scope(&self, _: Option<&ConsultationEvent>, _: Vec<DepartmentCode>) -> EntityScope {
        consultation_scope(self)
    }
    /// Both leads and every invited department see it.
    fn audience(&self, _: Vec<DepartmentCode>, _: &ReferenceSet) -> Vec<DepartmentCode> {
        consultation_departments(self)
    }
    /// 合规性审查: the findings are measured from the site and the zones in force, not taken
    /// from the client.
    fn prepare(
        cx: &Cx<'_>,
        current: Option<&Consultation>,
        command: &mut ConsultationCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        permitdesk_domain::consultation::measure_compliance(current, command, &cx.reference.zones)
            .map_err(Self::refused)?;
        if let ConsultationCommand::LinkProject { project } = command {
            let key = EntityRef::Project(project.clone()).key();
            if visible::<Project>(cx, &key, cx.loaded.project.as_ref())?.is_none() {
                return Err(invalid(format!(
                    "审批项目 {project} 不存在或不在您的权限范围内，请核对项目编号后再关联"
                )));
            }
        }
        Ok(vec![])
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

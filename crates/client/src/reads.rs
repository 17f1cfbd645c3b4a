//! Local reads, offline: a user's work queue sorted by deadline with warning levels, a project
//! with its cases and trails, an entity's trail with its verification, and the sync status.

use crate::error::{ClientError, Result};
use crate::store::{OutboxEntry, RefusalEntry, Store, StoredEvent, UploadEntry};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{ActionAvailability, Case, CaseAction, CaseState, CommitmentStatus};
use permitdesk_domain::clock::{LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::ids::{CaseId, ProjectId};
use permitdesk_domain::project::Project;
use permitdesk_domain::reference::{ReferenceVersions, calendar_missing_warning};
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_domain::trail::{self, Sealed};
use permitdesk_protocol::{DomainEvent, EntityRef, UserInfo};
use serde::Serialize;

/// One line of a work queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueEntry {
    pub case: CaseId,
    /// 办件编号 as people read it: the server's number, or 待编号 before the server has it.
    pub number: String,
    pub project: ProjectId,
    /// 项目名称 (empty while the project is not in the local store).
    pub project_name: String,
    /// 申请人: the builder (建设单位) of the project.
    pub applicant_name: String,
    pub item: String,
    pub department: String,
    pub state: CaseState,
    pub state_label: &'static str,
    /// 收件时间 (Beijing time, `YYYY-MM-DDTHH:MM`): when the window received the case, or
    /// else when it was submitted; None for a draft.
    pub received_at: Option<String>,
    /// What this user is expected to do next; None when the case waits for nobody at this desk
    /// (the 已办 and 全部 lists).
    pub next_action: Option<String>,
    /// 办理期限 (Beijing time, `YYYY-MM-DDTHH:MM`); None before acceptance or while paused.
    pub deadline: Option<String>,
    pub level: Option<WarningLevel>,
    /// Working days used and left (the legal clock's, to hundredths; negative once overdue).
    pub used_working_days: Option<f64>,
    pub remaining_working_days: Option<f64>,
    /// 暂定：缺少 2027 年节假日安排 when the deadline falls in a year without a holiday table
    /// (counted Monday to Friday until the table arrives); None when final.
    pub provisional: Option<String>,
    /// Why the clock could not be read at all (a date outside any calendar), if so.
    pub clock_error: Option<String>,
    /// Commands of this user on the case not yet synced.
    pub pending_local: bool,
}

/// What `user` is expected to do next on the case, if it waits for them (their 待办): the
/// first of their role's desk actions that the domain's [`Case::may`] allows this user now, so
/// the list and the buttons come from one rule. A reviewer sees a case in review only when its
/// next level is one the directory grants them (层级权限) and they have signed no other level of
/// it; the case reaches the next level's holder once the level before is signed.
fn in_queue(user: &UserInfo, c: &Case) -> Option<String> {
    use CaseAction as A;
    use CaseState as S;
    let actor = Actor {
        user: user.id.clone(),
        name: user.name.clone(),
        role: user.role,
        department: user.department.clone(),
        organisation: user.organisation.clone(),
        levels: user.levels.clone(),
    };
    let may = |action: CaseAction| c.may(action, &actor).is_ok();
    let text = |t: &str| Some(t.to_owned());
    match (user.role, c.state) {
        (Role::Applicant, S::Draft) if may(A::Submit) => text("提交申请"),
        (Role::Applicant, S::CorrectionRequested) if may(A::Submit) => {
            text("按一次性补正告知补正材料后重新提交")
        }
        (Role::Applicant, S::Paused) if may(A::SubmitRectification) => text("提交整改材料"),
        (Role::WindowOperator, S::Submitted) if may(A::Receive) => text("接件"),
        (Role::WindowOperator, S::Received) if may(A::Accept) => {
            text("形式审查：受理、一次性补正告知或不予受理")
        }
        (Role::DepartmentReviewer | Role::UtilityUnit, S::InReview) => match c.next_level() {
            Some(level) if may(A::SignOff) => Some(format!("层级审批：{level}")),
            None if may(A::Complete) => text("办结"),
            _ => None,
        },
        (Role::DepartmentReviewer | Role::UtilityUnit, S::Paused) if may(A::Resume) => {
            text("审查整改材料后恢复")
        }
        (Role::DepartmentReviewer | Role::UtilityUnit, S::Received)
            if c.commitment == CommitmentStatus::Requested && may(A::ConfirmCommitment) =>
        {
            text("确认是否适用告知承诺制")
        }
        (Role::ReformOffice, S::InReview | S::Paused) => text("督办"),
        _ => None,
    }
}

fn level_rank(level: Option<WarningLevel>) -> u8 {
    match level {
        Some(WarningLevel::Overdue) => 0,
        Some(WarningLevel::DueSoon) => 1,
        Some(WarningLevel::Normal) => 2,
        Some(WarningLevel::Paused) => 3,
        None => 4,
    }
}

/// Which of the desk's lists: 待办, 已办 or 全部.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeskList {
    /// 待办: the cases waiting for this user's role now.
    #[default]
    Todo,
    /// 已办: the cases this user has acted on (a synced event of theirs, or a command of theirs
    /// still in the outbox), whatever their state now.
    Done,
    /// 全部: every case this profile holds.
    All,
}

impl DeskList {
    pub fn label(self) -> &'static str {
        match self {
            DeskList::Todo => "待办",
            DeskList::Done => "已办",
            DeskList::All => "全部",
        }
    }
}

/// The user's work queue at `as_of`: the cases waiting for this user's role, most urgent
/// first (overdue, due soon, by deadline; then paused; then cases whose clock has not started).
pub fn queue(store: &Store, user: &UserInfo, as_of: DateTime<Utc>) -> Result<Vec<QueueEntry>> {
    desk(store, user, as_of, DeskList::Todo)
}

/// One of the desk's lists at `as_of`, in the queue's order (most urgent first), with the
/// columns a hall uses: applicant, project, item, received, deadline, days used and left.
pub fn desk(
    store: &Store,
    user: &UserInfo,
    as_of: DateTime<Utc>,
    list: DeskList,
) -> Result<Vec<QueueEntry>> {
    let refs = store.reference_set()?;
    let clock = LegalClock::new(&refs.calendar, OfficeHours::default());
    let outbox = store.outbox()?;
    let pending: std::collections::HashSet<String> = outbox
        .iter()
        .filter(|o| o.local_conflict.is_none())
        .map(|o| o.entity.clone())
        .collect();
    let done: std::collections::HashSet<String> = match list {
        DeskList::Done => {
            let mut keys = store.entities_acted_by(&user.id, "case")?;
            keys.extend(outbox.into_iter().map(|o| o.entity));
            keys
        }
        _ => Default::default(),
    };
    let mut projects: std::collections::HashMap<ProjectId, Option<Project>> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for c in store.cases()? {
        let next_action = in_queue(user, &c);
        let wanted = match list {
            DeskList::Todo => next_action.is_some(),
            DeskList::Done => done.contains(&EntityRef::Case(c.id.clone()).key()),
            DeskList::All => true,
        };
        if !wanted {
            continue;
        }
        if !projects.contains_key(&c.project) {
            projects.insert(c.project.clone(), store.project(&c.project)?);
        }
        let (project_name, applicant_name) = match projects.get(&c.project) {
            Some(Some(p)) => (p.details.name.clone(), p.details.builder.name.clone()),
            _ => (String::new(), String::new()),
        };
        let (mut deadline, mut level, mut used, mut remaining, mut provisional, mut clock_error) =
            (None, None, None, None, None, None);
        if let Some(input) = c.clock_input() {
            match clock.evaluate(&input, to_local(as_of)) {
                Ok(r) => {
                    deadline = r.deadline;
                    level = Some(r.level);
                    used = Some(r.used_working_days());
                    remaining = Some(r.remaining_working_days());
                    provisional = r.provisional_note();
                }
                Err(e) => clock_error = Some(e.to_string()),
            }
        }
        out.push((
            deadline,
            QueueEntry {
                pending_local: pending.contains(&EntityRef::Case(c.id.clone()).key()),
                number: c.number_label().to_owned(),
                case: c.id,
                project: c.project,
                project_name,
                applicant_name,
                item: c.item.to_string(),
                department: c.department.to_string(),
                state: c.state,
                state_label: c.state.label(),
                received_at: c
                    .received_at
                    .or(c.submitted_at)
                    .map(|t| format_minute(to_local(t))),
                next_action,
                deadline: deadline.map(format_minute),
                level,
                used_working_days: used,
                remaining_working_days: remaining,
                provisional,
                clock_error,
            },
        ));
    }
    // Overdue first, then due soon, then the rest by deadline; paused cases and cases whose
    // clock has not started come last.
    out.sort_by(|(da, a), (db, b)| {
        (level_rank(a.level), da.is_none(), da, &a.case).cmp(&(
            level_rank(b.level),
            db.is_none(),
            db,
            &b.case,
        ))
    });
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// A case as the user sees it, with its legal clock read at a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    /// 办理期限 (Beijing time, `YYYY-MM-DDTHH:MM`); None before acceptance or while paused.
    pub deadline: Option<String>,
    pub level: Option<WarningLevel>,
    pub used_working_days: Option<f64>,
    pub remaining_working_days: Option<f64>,
    /// 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday for want of a
    /// holiday table; None when final.
    pub provisional: Option<String>,
    pub provisional_years: Vec<i32>,
    /// Why the clock could not be read at all, if so.
    pub clock_error: Option<String>,
    /// 可办理的操作: every action of the workflow with the domain's reason where the logged-in
    /// user may not take it now (empty when nobody is logged in).
    pub available_actions: Vec<ActionAvailability>,
}

/// What the logged-in user may do with `case` now, and why not the rest: the domain's answer
/// (`Case::available_actions`), shown as it is by the app and the CLI.
pub fn available_actions(store: &Store, case: &Case) -> Result<Vec<ActionAvailability>> {
    Ok(store
        .actor()?
        .map(|actor| case.available_actions(&actor))
        .unwrap_or_default())
}

/// One local case with its clock read at `as_of`, with the profile's calendar.
pub fn case_view(store: &Store, id: &CaseId, as_of: DateTime<Utc>) -> Result<CaseView> {
    let case = store.case(id)?.ok_or_else(|| ClientError::NotFound {
        what: "办件",
        id: id.to_string(),
    })?;
    let refs = store.reference_set()?;
    let clock = LegalClock::new(&refs.calendar, OfficeHours::default());
    let mut view = CaseView {
        deadline: None,
        level: None,
        used_working_days: None,
        remaining_working_days: None,
        provisional: None,
        provisional_years: Vec::new(),
        clock_error: None,
        available_actions: Vec::new(),
        case,
    };
    view.available_actions = available_actions(store, &view.case)?;
    if let Some(input) = view.case.clock_input() {
        match clock.evaluate(&input, to_local(as_of)) {
            Ok(r) => {
                view.deadline = r.deadline.map(format_minute);
                view.level = Some(r.level);
                view.used_working_days = Some(r.used_working_days());
                view.remaining_working_days = Some(r.remaining_working_days());
                view.provisional = r.provisional_note();
                view.provisional_years = r.provisional_years;
            }
            Err(e) => view.clock_error = Some(e.to_string()),
        }
    }
    Ok(view)
}

/// An entity's trail and whether its hash chain verifies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrailView {
    pub entity: String,
    pub events: Vec<StoredEvent>,
    /// None when it verifies; otherwise where it breaks.
    pub broken: Option<String>,
}

/// Check a trail whose events must all be of one kind: a foreign event or a broken chain is
/// reported as the reason the trail does not verify.
fn verify_as<E: serde::Serialize + Clone>(
    key: &str,
    events: &[crate::store::StoredEvent],
    pick: impl Fn(&DomainEvent) -> Option<&Sealed<E>>,
) -> Option<String> {
    let sealed: Vec<Sealed<E>> = events
        .iter()
        .filter_map(|e| pick(&e.event).cloned())
        .collect();
    (sealed.len() != events.len())
        .then(|| "记录类型混杂".to_owned())
        .or_else(|| trail::verify(key, &sealed).err().map(|e| e.to_string()))
}

/// The trail of an entity as pulled, checked again from the genesis hash with `trail::verify`.
pub fn trail(store: &Store, entity: &EntityRef) -> Result<TrailView> {
    let events = store.trail(entity)?;
    let key = entity.key();
    let broken = match entity {
        EntityRef::Case(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Case(s) => Some(s),
            _ => None,
        }),
        EntityRef::Project(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Project(s) => Some(s),
            _ => None,
        }),
        EntityRef::Consultation(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Consultation(s) => Some(s),
            _ => None,
        }),
        EntityRef::Evaluation(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Evaluation(s) => Some(s),
            _ => None,
        }),
        EntityRef::Complaint(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Complaint(s) => Some(s),
            _ => None,
        }),
        EntityRef::Commission(_) => verify_as(&key, &events, |e| match e {
            DomainEvent::Commission(s) => Some(s),
            _ => None,
        }),
    };
    Ok(TrailView {
        entity: key,
        events,
        broken,
    })
}

/// A project with its cases and its trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectView {
    pub project: Project,
    pub cases: Vec<Case>,
    pub trail: TrailView,
    /// 可办理的操作: the domain's answer for the logged-in user (`Project::available_actions`);
    /// the project page offers exactly the allowed ones.
    pub available_actions:
        Vec<permitdesk_domain::entity::Availability<permitdesk_domain::project::ProjectAction>>,
}

pub fn project(store: &Store, id: &ProjectId) -> Result<ProjectView> {
    let project = store.project(id)?.ok_or_else(|| ClientError::NotFound {
        what: "项目",
        id: id.to_string(),
    })?;
    Ok(ProjectView {
        available_actions: store
            .actor()?
            .map(|actor| project.available_actions(&actor))
            .unwrap_or_default(),
        cases: store.cases_of_project(id)?,
        trail: trail(store, &EntityRef::Project(id.clone()))?,
        project,
    })
}

/// Where the profile stands: what waits to be sent, what was refused, when it last synced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Status {
    pub server_url: Option<String>,
    pub user: Option<UserInfo>,
    pub pending: u64,
    pub outbox: Vec<OutboxEntry>,
    pub refusals: Vec<RefusalEntry>,
    pub uploads: Vec<UploadEntry>,
    pub cursor: u64,
    pub last_mutation_acked: u64,
    pub clock_offset_ms: i64,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub events: u64,
    /// The version of each kind of reference data this profile decides with (0: shipped).
    pub reference: ReferenceVersions,
    /// From 1 November while next year's holiday table is missing (or whenever this year's is).
    pub calendar_warning: Option<String>,
}

/// The status now (the machine's clock corrected by the offset measured at the last contact).
pub fn status(store: &Store) -> Result<Status> {
    let now = Utc::now() + store.sync_state()?.clock_offset();
    status_at(store, now)
}

/// The status with the calendar warning for `now` (the server's time as the client knows it).
pub fn status_at(store: &Store, now: DateTime<Utc>) -> Result<Status> {
    let s = store.sync_state()?;
    let refs = store.reference_set()?;
    Ok(Status {
        reference: refs.versions().clone(),
        calendar_warning: calendar_missing_warning(&refs.calendar, to_local(now).date()),
        server_url: s.server_url,
        user: s.user,
        pending: store.pending_count()?,
        outbox: store.outbox()?,
        refusals: store.refusals()?,
        uploads: store.uploads(false)?,
        cursor: s.cursor,
        last_mutation_acked: s.last_mutation_acked,
        clock_offset_ms: s.clock_offset_ms,
        last_contact_at: s.last_contact_at,
        last_sync_at: s.last_sync_at,
        events: store.event_count()?,
    })
}

/// The user's work queue read now (or at `as_of`): the desktop's 待办 and `permitdesk queue`.
pub fn my_queue(p: &crate::Profile, as_of: Option<DateTime<Utc>>) -> Result<Vec<QueueEntry>> {
    my_desk(p, as_of, DeskList::Todo)
}

/// One of the logged-in user's desk lists (待办, 已办, 全部) at `as_of` (default: now).
pub fn my_desk(
    p: &crate::Profile,
    as_of: Option<DateTime<Utc>>,
    list: DeskList,
) -> Result<Vec<QueueEntry>> {
    let user = p
        .store()
        .sync_state()?
        .user
        .ok_or(ClientError::NotLoggedIn)?;
    let as_of = match as_of {
        Some(t) => t,
        None => p.corrected_now()?,
    };
    desk(p.store(), &user, as_of, list)
}

/// An entity named as the app and the CLI name it: `case`, `project` or `consultation`.
pub fn entity_ref(kind: &str, id: &str) -> Result<EntityRef> {
    let id = id.trim();
    Ok(match kind {
        "case" => EntityRef::Case(CaseId::new(id)),
        "project" => EntityRef::Project(ProjectId::new(id)),
        "consultation" => {
            EntityRef::Consultation(permitdesk_domain::consultation::ConsultationId::new(id))
        }
        other => return Err(ClientError::Invalid(format!("未知的记录类型“{other}”"))),
    })
}

/// A 策划生成 record with what the logged-in user may do with it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsultationView {
    #[serde(flatten)]
    pub consultation: permitdesk_domain::consultation::Consultation,
    /// 可办理的操作: the domain's answer (`Consultation::available_actions`); the lead's panel
    /// offers exactly the allowed ones.
    pub available_actions: Vec<
        permitdesk_domain::entity::Availability<
            permitdesk_domain::consultation::ConsultationAction,
        >,
    >,
}

/// A 好差评 record with what this user may do with it now (整改, 回访, 申诉, 复核).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationView {
    #[serde(flatten)]
    pub evaluation: permitdesk_domain::evaluation::Evaluation,
    /// 可办理的操作: the domain's answer (`Evaluation::available_actions`); the 差评整改
    /// screen offers exactly the allowed ones.
    pub available_actions: Vec<
        permitdesk_domain::entity::Availability<permitdesk_domain::evaluation::EvaluationAction>,
    >,
}

/// The ratings in the local store, each with the domain's answer for this profile's user.
pub fn evaluation_views(store: &Store) -> Result<Vec<EvaluationView>> {
    let actor = store.actor()?;
    Ok(store
        .evaluations()?
        .into_iter()
        .map(|e| EvaluationView {
            available_actions: actor
                .as_ref()
                .map(|a| e.available_actions(a))
                .unwrap_or_default(),
            evaluation: e,
        })
        .collect())
}

/// A 建议投诉 with what this user may do with it now (分办, 答复, 不予受理).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComplaintView {
    #[serde(flatten)]
    pub complaint: permitdesk_domain::evaluation::Complaint,
    /// 可办理的操作: the domain's answer (`Complaint::available_actions`).
    pub available_actions: Vec<
        permitdesk_domain::entity::Availability<permitdesk_domain::evaluation::ComplaintAction>,
    >,
}

/// The suggestions and complaints in the local store, each with the domain's answer for this
/// profile's user.
pub fn complaint_views(store: &Store) -> Result<Vec<ComplaintView>> {
    let actor = store.actor()?;
    Ok(store
        .complaints()?
        .into_iter()
        .map(|c| ComplaintView {
            available_actions: actor
                .as_ref()
                .map(|a| c.available_actions(a))
                .unwrap_or_default(),
            complaint: c,
        })
        .collect())
}

/// The 策划生成 consultations in the local store, each with the domain's answer for the
/// logged-in user (none when nobody is logged in).
pub fn consultation_views(store: &Store) -> Result<Vec<ConsultationView>> {
    let actor = store.actor()?;
    Ok(consultations(store)?
        .into_iter()
        .map(|c| ConsultationView {
            available_actions: actor
                .as_ref()
                .map(|a| c.available_actions(a))
                .unwrap_or_default(),
            consultation: c,
        })
        .collect())
}

/// The 策划生成 consultations in the local store.
pub fn consultations(store: &Store) -> Result<Vec<permitdesk_domain::consultation::Consultation>> {
    let mut out = Vec::new();
    for e in store.entities()? {
        if let EntityRef::Consultation(id) = e
            && let Some(c) = store.consultation(&id)?
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// 合规性审查 as the system measures it (the domain's `compliance_findings` of the
/// consultation's site against the planning zones in force): what the reviewer sees before
/// concluding, and exactly what the server records with the conclusion.
pub fn compliance_findings(
    store: &Store,
    id: &permitdesk_domain::consultation::ConsultationId,
) -> Result<Vec<permitdesk_domain::consultation::ZoneFinding>> {
    let c = store
        .consultation(id)?
        .ok_or_else(|| ClientError::NotFound {
            what: "策划记录",
            id: id.to_string(),
        })?;
    let Some(site) = c.site.as_ref() else {
        return Err(ClientError::Invalid(
            "尚未标注项目红线，无法测算与规划分区的关系；请先标注红线".to_owned(),
        ));
    };
    let zones = store.reference_set()?.zones;
    permitdesk_domain::consultation::compliance_findings(site, &zones)
        .map_err(|e| ClientError::Invalid(format!("项目红线有误：{e}")))
}

/// How a case's deadline is reckoned (期限如何计算), read now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClockView {
    /// Where the clock stands (未受理, 计时中, 暂停, 已办结, 已终止): the domain's answer.
    pub phase: permitdesk_domain::case::ClockPhase,
    pub reading: Option<permitdesk_domain::clock::ClockReading>,
    pub used_working_days: Option<f64>,
    pub remaining_working_days: Option<f64>,
    /// 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday for want of a
    /// holiday table (also in `reading.provisional`); None when final.
    pub provisional: Option<String>,
    /// Why there is no reading (not accepted yet, a date outside any calendar).
    pub note: Option<String>,
}

impl ClockView {
    fn note(phase: permitdesk_domain::case::ClockPhase, note: String) -> ClockView {
        ClockView {
            phase,
            reading: None,
            used_working_days: None,
            remaining_working_days: None,
            provisional: None,
            note: Some(note),
        }
    }
}

/// The legal clock of `case` read at `now`, with the profile's calendar.
pub fn clock_view(store: &Store, case: &Case, now: DateTime<Utc>) -> Result<ClockView> {
    let phase = case.clock_phase();
    let Some(input) = case.clock_input() else {
        return Ok(ClockView::note(
            phase,
            "办件尚未受理，法定时限自受理之日的次日起计算".to_owned(),
        ));
    };
    let calendar = store.reference_set()?.calendar;
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    Ok(match clock.evaluate(&input, to_local(now)) {
        Ok(r) => ClockView {
            phase,
            used_working_days: Some(r.used_working_days()),
            remaining_working_days: Some(r.remaining_working_days()),
            provisional: r.provisional_note(),
            reading: Some(r),
            note: None,
        },
        Err(e) => ClockView::note(phase, e.to_string()),
    })
}

/// A local case by its id or by its 办件编号 (what the window types or scans).
fn local_case(store: &Store, id: &CaseId) -> Result<Case> {
    if let Some(c) = store.case(id)? {
        return Ok(c);
    }
    let wanted = id.as_str().trim();
    store
        .cases()?
        .into_iter()
        .find(|c| c.number.as_deref() == Some(wanted))
        .ok_or_else(|| ClientError::NotFound {
            what: "办件",
            id: id.to_string(),
        })
}

/// [`clock_view`] of a local case, read now.
pub fn case_clock(p: &crate::Profile, id: &CaseId) -> Result<ClockView> {
    let case = local_case(p.store(), id)?;
    clock_view(p.store(), &case, p.corrected_now()?)
}

/// A case page: the case, its trail and clock, names from the catalogue, and what this user
/// may do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDetail {
    pub case: Case,
    pub trail: TrailView,
    pub clock: ClockView,
    pub item_name: String,
    pub department_name: String,
    pub project_name: Option<String>,
    /// What this user can do next, as the queue says.
    pub next_action: Option<String>,
    /// 可办理的操作: the domain's answer for this user ([`available_actions`]); the case page
    /// offers exactly the allowed ones.
    pub available_actions: Vec<ActionAvailability>,
    /// The rating form once the case is finished (`RatingSubject::of_case` and its `form`,
    /// 一事一评: levels, indicators, evaluation id); None while it is in progress.
    pub rating: Option<permitdesk_domain::evaluation::RatingForm>,
    /// 特别程序 a reviewer may start, with the law's answer to whether each is timed (seed 3):
    /// the case page shows it, nobody chooses it.
    pub special_procedures: Vec<SpecialProcedureOption>,
    /// The materials a 一次性补正告知 or a 暂停整改 ticks: the item's materials in the
    /// catalogue's order, then any other material attached to the case.
    pub materials_to_correct: Vec<String>,
}

/// One kind of 特别程序 as the start dialog lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpecialProcedureOption {
    pub kind: permitdesk_domain::procedure::SpecialProcedureKind,
    /// 公示, 听证, …
    pub label: String,
    /// 计时 (counts against the legal limit) or 不计时.
    pub timed: bool,
}

/// Every kind of 特别程序, in the seed's order.
pub fn special_procedures() -> Vec<SpecialProcedureOption> {
    permitdesk_domain::procedure::SpecialProcedureKind::ALL
        .into_iter()
        .map(|kind| SpecialProcedureOption {
            kind,
            label: kind.label().to_owned(),
            timed: kind.is_timed(),
        })
        .collect()
}

pub fn case_detail(p: &crate::Profile, id: &CaseId) -> Result<CaseDetail> {
    let store = p.store();
    let case = local_case(store, id)?;
    let id = &case.id.clone();
    let cat = store.reference_set()?.catalogue;
    let trail = trail(store, &EntityRef::Case(id.clone()))?;
    let now = p.corrected_now()?;
    let clock = clock_view(store, &case, now)?;
    let next_action = match store.sync_state()?.user {
        Some(u) => in_queue(&u, &case),
        None => None,
    };
    // The item's materials in the catalogue's order, then any other attached: what a
    // correction or a pause ticks.
    let mut materials_to_correct: Vec<String> = cat
        .item(&case.item)
        .map(|i| i.materials.iter().map(|m| m.name.clone()).collect())
        .unwrap_or_default();
    for (name, _) in &case.materials {
        if !materials_to_correct.contains(name) {
            materials_to_correct.push(name.clone());
        }
    }
    Ok(CaseDetail {
        materials_to_correct,
        available_actions: available_actions(store, &case)?,
        rating: permitdesk_domain::evaluation::RatingSubject::of_case(&case)
            .ok()
            .map(|s| s.form()),
        special_procedures: special_procedures(),
        item_name: cat
            .item(&case.item)
            .map_or_else(|| case.item.to_string(), |i| i.name.clone()),
        department_name: cat
            .department(&case.department)
            .map_or_else(|| case.department.to_string(), |d| d.name.clone()),
        project_name: store.project(&case.project)?.map(|pr| pr.details.name),
        case,
        trail,
        clock,
        next_action,
    })
}

/// One line of the reform office's overview.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewLine {
    pub key: String,
    pub name: String,
    pub cases: u64,
    pub in_review: u64,
    pub paused: u64,
    pub completed: u64,
    pub due_soon: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub total: OverviewLine,
    pub by_stage: Vec<OverviewLine>,
    pub by_department: Vec<OverviewLine>,
}

/// Every local case by stage and department, with the legal clock's warning level read now.
pub fn overview_of(
    cases: &[Case],
    cat: &permitdesk_domain::catalogue::Catalogue,
    calendar: &permitdesk_domain::calendar::WorkingCalendar,
    now: DateTime<Utc>,
) -> Overview {
    use std::collections::BTreeMap;
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let mut stages: BTreeMap<String, OverviewLine> = BTreeMap::new();
    let mut depts: BTreeMap<String, OverviewLine> = BTreeMap::new();
    let mut total = OverviewLine {
        key: "total".into(),
        name: "合计".into(),
        ..Default::default()
    };
    for c in cases {
        let level = c
            .clock_input()
            .and_then(|i| clock.evaluate(&i, to_local(now)).ok())
            .map(|r| r.level);
        let open = matches!(c.state, CaseState::InReview | CaseState::Paused);
        let item = cat.item(&c.item);
        let (stage_key, stage_name) = item.map_or(("9".to_owned(), "其他".to_owned()), |i| {
            (i.stage.number().to_string(), i.stage.label().to_owned())
        });
        let dept_name = cat
            .department(&c.department)
            .map_or_else(|| c.department.to_string(), |d| d.name.clone());
        let bump = |l: &mut OverviewLine| {
            l.cases += 1;
            match c.state {
                CaseState::InReview => l.in_review += 1,
                CaseState::Paused => l.paused += 1,
                CaseState::Granted | CaseState::Denied => l.completed += 1,
                _ => {}
            }
            if open {
                match level {
                    Some(WarningLevel::Overdue) => l.overdue += 1,
                    Some(WarningLevel::DueSoon) => l.due_soon += 1,
                    _ => {}
                }
            }
        };
        let line = |key: String, name: String| OverviewLine {
            key,
            name,
            ..Default::default()
        };
        bump(
            stages
                .entry(stage_key.clone())
                .or_insert_with(|| line(stage_key, stage_name)),
        );
        bump(
            depts
                .entry(c.department.to_string())
                .or_insert_with(|| line(c.department.to_string(), dept_name)),
        );
        bump(&mut total);
    }
    let mut by_department: Vec<OverviewLine> = depts.into_values().collect();
    by_department.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.key.cmp(&b.key)));
    Overview {
        total,
        by_stage: stages.into_values().collect(),
        by_department,
    }
}

/// [`overview_of`] every local case, now.
pub fn overview(p: &crate::Profile) -> Result<Overview> {
    let refs = p.reference()?;
    Ok(overview_of(
        &p.store().cases()?,
        &refs.catalogue,
        &refs.calendar,
        p.corrected_now()?,
    ))
}

/// 材料库: one file this profile has, with the material names it was given as.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LibraryEntry {
    pub id: permitdesk_domain::ids::AttachmentId,
    pub name: Option<String>,
    pub size: u64,
    pub mime: Option<String>,
    pub added_at: Option<String>,
    pub used_as: Vec<String>,
}

pub fn material_library(store: &Store) -> Result<Vec<LibraryEntry>> {
    let mut used: std::collections::BTreeMap<_, Vec<String>> = Default::default();
    for c in store.cases()? {
        for (name, att) in &c.materials {
            let names = used.entry(att.clone()).or_default();
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    let mut out = Vec::new();
    for up in store.uploads(true)? {
        let cached = store.attachment(&up.id)?;
        out.push(LibraryEntry {
            used_as: used.remove(&up.id).unwrap_or_default(),
            name: cached.as_ref().and_then(|c| c.name.clone()),
            size: cached.as_ref().map_or(0, |c| c.size),
            mime: cached.as_ref().and_then(|c| c.content_type.clone()),
            added_at: Some(up.queued_at.to_rfc3339()),
            id: up.id,
        });
    }
    Ok(out)
}

/// 中介服务委托 as the user sees it: the fold plus its service clock read at a moment (the same
/// rules as a case's legal clock: working days, holidays, the provisional mark).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommissionView {
    #[serde(flatten)]
    pub commission: permitdesk_domain::intermediary::Commission,
    /// 服务期限 (Beijing time, `YYYY-MM-DDTHH:MM`), once the agency has accepted and while no
    /// report waits for the applicant.
    pub deadline: Option<String>,
    pub warning: Option<WarningLevel>,
    /// 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday.
    pub provisional: Option<String>,
    /// Why the service clock cannot be read at all, if so.
    pub clock_error: Option<String>,
    /// 可办理的操作: the domain's answer for the logged-in user, with the market's answer on
    /// qualification (`Commission::available_actions_in_market`); empty when nobody is logged in.
    pub available_actions: Vec<
        permitdesk_domain::entity::Availability<permitdesk_domain::intermediary::CommissionAction>,
    >,
}

/// One commission with its service clock read at `as_of`, with `calendar`, and what `actor`
/// may do with it in `market`.
pub fn commission_view(
    commission: permitdesk_domain::intermediary::Commission,
    calendar: &permitdesk_domain::calendar::WorkingCalendar,
    market: &permitdesk_domain::intermediary::market::MarketCatalogue,
    actor: Option<&permitdesk_domain::actor::Actor>,
    as_of: DateTime<Utc>,
) -> CommissionView {
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let now = to_local(as_of);
    let reading = commission
        .clock_input()
        .map(|input| clock.evaluate(&input, now.max(input.accepted_at)));
    let (reading, clock_error) = match reading {
        Some(Ok(r)) => (Some(r), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    };
    let available_actions = actor
        .map(|a| commission.available_actions_in_market(a, market, now.date()))
        .unwrap_or_default();
    CommissionView {
        commission,
        available_actions,
        provisional: reading.as_ref().and_then(|r| r.provisional_note()),
        deadline: reading.as_ref().and_then(|r| r.deadline).map(format_minute),
        warning: reading.map(|r| r.level),
        clock_error,
    }
}

/// The commissions this profile holds, each with its service clock read at `as_of`.
pub fn commissions(store: &Store, as_of: DateTime<Utc>) -> Result<Vec<CommissionView>> {
    let refs = store.reference_set()?;
    let actor = store.actor()?;
    Ok(store
        .commissions()?
        .into_iter()
        .map(|c| commission_view(c, &refs.calendar, &refs.market, actor.as_ref(), as_of))
        .collect())
}

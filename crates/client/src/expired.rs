//! 超过离线时限的操作: commands the server refused only because they were dated older than the
//! longest allowed offline period ([`Refusal::Expired`]), with those it then refused on the same
//! object because the earlier one was missing, listed together for the user to review, and
//! confirmed again in ONE action: each queued anew at the current (server-corrected) time and
//! decided again by the domain against the current local state. Those the domain now refuses stay
//! in the list with its reason; the confirmed ones leave it in the same transaction that queues
//! them (so each is confirmed at most once).
//!
//! The CLI (`permitdesk refusals expired|reconfirm`) and the desktop app (the refusal dialog) both
//! call this module.

use crate::engine::SyncOptions;
use crate::error::{ClientError, Result};
use crate::ops::{ActOutcome, Acted, act_outcome};
use crate::profile::{Profile, action_time};
use crate::store::EntityState;
use crate::store::{RefusalEntry, Store, action_name};
use chrono::{DateTime, Utc};
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::{CaseId, ItemCode, ProjectId};
use permitdesk_domain::project::ProjectCommand;
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::{CommandEnvelope, DomainCommand, EntityRef, Refusal};
use serde::Serialize;
use std::collections::HashMap;

/// One action that came back because it was older than the offline limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpiredAction {
    /// The refused command (what `reconfirm` takes to choose it).
    pub mutation_id: u64,
    /// What was done, as the user names it (受理, 层级审批签署, 提交综合窗口 ...).
    pub action: String,
    /// What it was done to, as the user knows it (办件 C-… with its item and project, a
    /// project by its name and 项目代码).
    pub target: String,
    /// When the user did it, Beijing time to the minute (`YYYY-MM-DDTHH:MM`).
    pub acted_at: String,
    /// When the server refused it, Beijing time to the minute.
    pub refused_at: String,
    /// The 意见 typed with it.
    pub opinion: Option<String>,
    /// The server's reason.
    pub message: String,
    /// Refused for another reason because an earlier action on the same object had come back
    /// too old: it goes back together with that one.
    pub follows_expired: bool,
    /// Why the domain would refuse it now, against the current local state and after the
    /// earlier ones of this list (None: it can be confirmed again).
    pub local_refusal: Option<String>,
}

/// One action confirmed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reconfirmed {
    /// The refused command it replaces.
    pub mutation_id: u64,
    /// The command queued in its place, at the current time.
    pub new_mutation_id: u64,
    pub action: String,
    pub target: String,
}

/// What confirming again did: queued (then synced, as any action), or still refused by the
/// domain (those stay in the list, with the reason).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReconfirmOutcome {
    pub reconfirmed: Vec<Reconfirmed>,
    pub still_refused: Vec<ExpiredAction>,
    /// The queued commands and the sync that followed, as for any action.
    pub outcome: ActOutcome,
}

/// Which of the list to confirm again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    /// By mutation id (the ones the user ticked).
    Only(Vec<u64>),
}

/// The refusals of the list, oldest first: every [`Refusal::Expired`] one, and any other
/// refusal of an object that has an earlier expired one.
fn expired_refusals(store: &Store) -> Result<Vec<(RefusalEntry, bool)>> {
    let mut all = store.refusals()?;
    all.sort_by_key(|r| r.mutation_id);
    let mut expired_entities: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for r in all {
        if matches!(r.refusal, Refusal::Expired { .. }) {
            if !expired_entities.contains(&r.entity) {
                expired_entities.push(r.entity.clone());
            }
            out.push((r, false));
        } else if expired_entities.contains(&r.entity) {
            out.push((r, true));
        }
    }
    Ok(out)
}

/// The list the user reviews: what, on which case or project, when it was done, why it came
/// back, and whether the domain would take it now (decided in order, each after the earlier ones
/// of the list, at the current time).
pub fn expired(p: &Profile) -> Result<Vec<ExpiredAction>> {
    let store = p.store();
    let list = expired_refusals(store)?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let names = Names::new(store, list.iter().map(|(r, _)| &r.envelope))?;
    let actor = p.actor()?;
    let refs = store.reference_set()?;
    let now = p.corrected_now()?;
    let mut simulated: HashMap<String, EntityState> = HashMap::new();
    let mut out = Vec::new();
    for (r, follows) in list {
        let entity = r.envelope.command.entity();
        let state = match simulated.get(&r.entity) {
            Some(s) => s.clone(),
            None => store.view(&entity)?,
        };
        let env = CommandEnvelope {
            acted_at: action_time(now, state.last_event_at()),
            base_version: state.version(),
            ..r.envelope.clone()
        };
        let local_refusal = match state.execute(&env, &actor, &refs) {
            Ok(next) => {
                simulated.insert(r.entity.clone(), next);
                None
            }
            Err(m) => Some(m),
        };
        out.push(names.describe(&r, follows, local_refusal));
    }
    Ok(out)
}

/// What [`reconfirm_enqueue`] did: queued again, or still refused by the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requeued {
    pub reconfirmed: Vec<Reconfirmed>,
    pub still_refused: Vec<ExpiredAction>,
    /// The queued commands, as any action reports them.
    acted: Vec<Acted>,
}

/// The first half of [`reconfirm`]: queue the chosen ones again, in the order they were done,
/// each decided by the domain at the current time.
pub fn reconfirm_enqueue(p: &mut Profile, selection: &Selection) -> Result<Requeued> {
    let list = expired_refusals(p.store())?;
    if let Selection::Only(ids) = selection
        && let Some(missing) = ids
            .iter()
            .find(|id| !list.iter().any(|(r, _)| r.mutation_id == **id))
    {
        return Err(ClientError::Invalid(format!(
            "编号 {missing} 不在超过离线时限待重新确认的操作中（可能已重新确认或已关闭）"
        )));
    }
    let chosen: Vec<(RefusalEntry, bool)> = list
        .into_iter()
        .filter(|(r, _)| match selection {
            Selection::All => true,
            Selection::Only(ids) => ids.contains(&r.mutation_id),
        })
        .collect();
    if chosen.is_empty() {
        return Err(ClientError::Invalid(
            "没有超过离线时限、待重新确认的操作".to_owned(),
        ));
    }
    let names = Names::new(p.store(), chosen.iter().map(|(r, _)| &r.envelope))?;
    let (mut done, mut still, mut acted) = (Vec::new(), Vec::new(), Vec::new());
    for (r, follows) in chosen {
        let env = r.envelope.clone();
        match p.act_replacing(
            env.command,
            env.opinion,
            env.attachments,
            Some(r.mutation_id),
        ) {
            Ok(new) => {
                acted.push(Acted {
                    mutation_id: new.mutation_id,
                    entity: new.command.entity().key(),
                    action: action_name(&new.command),
                });
                let d = names.describe(&r, follows, None);
                done.push(Reconfirmed {
                    mutation_id: r.mutation_id,
                    new_mutation_id: new.mutation_id,
                    action: d.action,
                    target: d.target,
                });
            }
            Err(ClientError::Refused(m) | ClientError::Invalid(m)) => {
                still.push(names.describe(&r, follows, Some(m)));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Requeued {
        reconfirmed: done,
        still_refused: still,
        acted,
    })
}

/// The second half: what became of them after the sync that followed (`None`: not synced).
pub fn reconfirm_outcome(
    p: &Profile,
    requeued: Requeued,
    synced: Option<Result<crate::engine::SyncReport>>,
) -> Result<ReconfirmOutcome> {
    let nothing_queued = requeued.acted.is_empty();
    let mut outcome = act_outcome(p, requeued.acted, vec![], synced)?;
    if nothing_queued {
        // Nothing was queued, so nothing waits to be sent.
        outcome.offline = None;
    }
    Ok(ReconfirmOutcome {
        reconfirmed: requeued.reconfirmed,
        still_refused: requeued.still_refused,
        outcome,
    })
}

/// 重新确认并提交: queue the chosen actions again at the current time, then sync unless
/// `offline` (or nothing was queued).
pub fn reconfirm(
    p: &mut Profile,
    selection: &Selection,
    offline: bool,
) -> Result<ReconfirmOutcome> {
    let requeued = reconfirm_enqueue(p, selection)?;
    let synced =
        (!offline && !requeued.reconfirmed.is_empty()).then(|| p.sync(SyncOptions::default()));
    reconfirm_outcome(p, requeued, synced)
}

/// The human names of what the listed commands act on: from the local state, else from the
/// command of the list that creates it (a project or case created offline and refused with it).
struct Names {
    catalogue: std::sync::Arc<Catalogue>,
    /// Project id -> (name, 项目代码).
    projects: HashMap<String, (String, String)>,
    /// Case id -> (item, project).
    cases: HashMap<String, (ItemCode, ProjectId)>,
    /// Commission id -> its project.
    commissions: HashMap<String, ProjectId>,
    /// Other objects (by key) -> their name.
    others: HashMap<String, String>,
}

impl Names {
    fn new<'a>(store: &Store, envs: impl Iterator<Item = &'a CommandEnvelope>) -> Result<Names> {
        let mut n = Names {
            catalogue: store.reference_set()?.catalogue,
            projects: HashMap::new(),
            cases: HashMap::new(),
            commissions: HashMap::new(),
            others: HashMap::new(),
        };
        let envs: Vec<&CommandEnvelope> = envs.collect();
        // Created in the list itself.
        for env in &envs {
            match &env.command {
                DomainCommand::Project {
                    command:
                        ProjectCommand::RegisterOnline { id, details }
                        | ProjectCommand::RegisterOnSite { id, details, .. },
                    ..
                } => {
                    n.projects.insert(
                        id.to_string(),
                        (details.name.clone(), details.code.to_string()),
                    );
                }
                DomainCommand::Case {
                    case,
                    command: CaseCommand::Create { item, project, .. },
                } => {
                    n.cases
                        .insert(case.to_string(), (item.clone(), project.clone()));
                }
                _ => {}
            }
        }
        // The local state wins.
        for env in &envs {
            match env.command.entity() {
                EntityRef::Case(id) => {
                    if let Some(c) = store.case(&id)? {
                        n.cases.insert(id.to_string(), (c.item, c.project));
                    }
                }
                EntityRef::Consultation(id) => {
                    if let Some(c) = store.consultation(&id)? {
                        n.others
                            .insert(env.command.entity().key(), format!("策划项目“{}”", c.name));
                    }
                }
                EntityRef::Commission(id) => {
                    if let Some(c) = store.commission(&id)? {
                        n.commissions.insert(id.to_string(), c.project);
                    }
                }
                _ => {}
            }
        }
        let project_ids: Vec<ProjectId> = n
            .cases
            .values()
            .map(|(_, p)| p.clone())
            .chain(n.commissions.values().cloned())
            .chain(envs.iter().filter_map(|e| match e.command.entity() {
                EntityRef::Project(id) => Some(id),
                _ => None,
            }))
            .collect();
        for id in project_ids {
            if let Some(p) = store.project(&id)? {
                n.projects.insert(
                    id.to_string(),
                    (p.details.name.clone(), p.details.code.to_string()),
                );
            }
        }
        Ok(n)
    }

    fn project_label(&self, id: &ProjectId) -> String {
        match self.projects.get(id.as_str()) {
            Some((name, code)) => format!("项目“{name}”（项目代码 {code}）"),
            None => format!("项目 {id}"),
        }
    }

    fn case_label(&self, id: &CaseId) -> String {
        let Some((item, project)) = self.cases.get(id.as_str()) else {
            return format!("办件 {id}");
        };
        let item_name = self
            .catalogue
            .item(item)
            .map_or_else(|| item.to_string(), |i| i.name.clone());
        let project_name = self
            .projects
            .get(project.as_str())
            .map(|(name, _)| format!("，项目“{name}”"))
            .unwrap_or_default();
        format!("办件 {id}（{item_name}{project_name}）")
    }

    fn target(&self, entity: &EntityRef) -> String {
        if let Some(name) = self.others.get(&entity.key()) {
            return name.clone();
        }
        match entity {
            EntityRef::Case(id) => self.case_label(id),
            EntityRef::Project(id) => self.project_label(id),
            EntityRef::Consultation(id) => format!("策划项目 {id}"),
            EntityRef::Evaluation(_) => "好差评".to_owned(),
            EntityRef::Complaint(id) => format!("建议投诉 {id}"),
            EntityRef::Commission(id) => match self.commissions.get(id.as_str()) {
                Some(project) => format!("中介服务委托（{}）", self.project_label(project)),
                None => format!("中介服务委托 {id}"),
            },
        }
    }

    fn describe(
        &self,
        r: &RefusalEntry,
        follows_expired: bool,
        local_refusal: Option<String>,
    ) -> ExpiredAction {
        ExpiredAction {
            mutation_id: r.mutation_id,
            action: action_label(&r.envelope.command).to_owned(),
            target: self.target(&r.envelope.command.entity()),
            acted_at: beijing_minute(r.envelope.acted_at),
            refused_at: beijing_minute(r.refused_at),
            opinion: r.envelope.opinion.clone(),
            message: r.message.clone(),
            follows_expired,
            local_refusal,
        }
    }
}

fn beijing_minute(t: DateTime<Utc>) -> String {
    format_minute(to_local(t))
}

/// The user's name of a command's action (the domain's label).
pub fn action_label(cmd: &DomainCommand) -> &'static str {
    match cmd {
        DomainCommand::Case { command, .. } => command.action().label(),
        DomainCommand::Project { command, .. } => command.action().label(),
        DomainCommand::Consultation { command, .. } => command.action().label(),
        DomainCommand::Evaluation { command, .. } => command.action().label(),
        DomainCommand::Complaint { command, .. } => command.action().label(),
        DomainCommand::Commission { command, .. } => command.action().label(),
    }
}

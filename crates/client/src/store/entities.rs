//! Projections of cases and projects: the confirmed state (the fold of verified, pulled events)
//! and the view the user sees (confirmed plus the commands still in the outbox, re-decided by
//! the same domain code, so a rebase is just a recomputation).

use super::{Store, parse_ts, to_u64};
use crate::error::{ClientError, Result};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::case::{Acting, Case};
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::consultation::{Consultation, ConsultationId};
use permitdesk_domain::evaluation::{
    Complaint, ComplaintId, Evaluation, EvaluationId, EvaluationPolicy,
};
use permitdesk_domain::ids::{CaseId, ProjectId};
use permitdesk_domain::intermediary::{Commission, CommissionCommand, CommissionId, SelectionRule};
use permitdesk_domain::project::Project;
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::trail::GENESIS_HASH;
use permitdesk_protocol::{CommandEnvelope, DomainCommand, DomainEvent, EntityRef};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The state of one entity (None: it does not exist, or not yet).
// One short-lived value per entity being folded; boxing a rating (the largest, ~0.9 KB) would
// only add indirection to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityState {
    Case(Option<Case>),
    Project(Option<Project>),
    Consultation(Option<Consultation>),
    /// 好差评 with its rectification (issue 7).
    Evaluation(Option<Evaluation>),
    /// 建议投诉 (issue 7).
    Complaint(Option<Complaint>),
    /// 中介服务委托 (issue 6, seed 9).
    Commission(Option<Commission>),
}

impl EntityState {
    pub fn empty(entity: &EntityRef) -> Self {
        match entity {
            EntityRef::Case(_) => EntityState::Case(None),
            EntityRef::Project(_) => EntityState::Project(None),
            EntityRef::Consultation(_) => EntityState::Consultation(None),
            EntityRef::Evaluation(_) => EntityState::Evaluation(None),
            EntityRef::Complaint(_) => EntityState::Complaint(None),
            EntityRef::Commission(_) => EntityState::Commission(None),
        }
    }

    /// Number of events folded in (0 when absent).
    pub fn version(&self) -> u64 {
        match self {
            EntityState::Case(c) => c.as_ref().map_or(0, |c| c.version),
            EntityState::Project(p) => p.as_ref().map_or(0, |p| p.version),
            EntityState::Consultation(c) => c.as_ref().map_or(0, |c| c.version),
            EntityState::Evaluation(e) => e.as_ref().map_or(0, |e| e.version),
            EntityState::Complaint(c) => c.as_ref().map_or(0, |c| c.version),
            EntityState::Commission(c) => c.as_ref().map_or(0, |c| c.version),
        }
    }

    pub fn exists(&self) -> bool {
        match self {
            EntityState::Case(c) => c.is_some(),
            EntityState::Project(p) => p.is_some(),
            EntityState::Consultation(c) => c.is_some(),
            EntityState::Evaluation(e) => e.is_some(),
            EntityState::Complaint(c) => c.is_some(),
            EntityState::Commission(c) => c.is_some(),
        }
    }

    pub fn last_event_at(&self) -> Option<DateTime<Utc>> {
        match self {
            EntityState::Case(c) => c.as_ref().map(|c| c.last_event_at),
            EntityState::Project(p) => p.as_ref().map(|p| p.last_event_at),
            EntityState::Consultation(c) => c.as_ref().map(|c| c.last_event_at),
            EntityState::Evaluation(e) => e.as_ref().map(|e| e.last_event_at),
            EntityState::Complaint(c) => c.as_ref().map(|c| c.last_event_at),
            EntityState::Commission(c) => c.as_ref().map(|c| c.last_event_at),
        }
    }

    /// Decide a queued command against this state with the domain code and fold its events;
    /// on refusal the message the domain gives, and the state unchanged.
    pub fn execute(
        &self,
        env: &CommandEnvelope,
        actor: &Actor,
        refs: &ReferenceSet,
    ) -> std::result::Result<EntityState, String> {
        match (self, &env.command) {
            (EntityState::Case(state), DomainCommand::Case { case, command }) => {
                let acting = Acting {
                    actor: actor.clone(),
                    at: env.acted_at,
                    opinion: env.opinion.clone(),
                    attachments: env.attachments.clone(),
                };
                Case::execute(state.clone(), case, command, &acting)
                    .map(|(c, _)| EntityState::Case(Some(c)))
                    .map_err(|e| e.to_string())
            }
            (EntityState::Project(state), DomainCommand::Project { command, .. }) => {
                let events = Project::decide(
                    state.as_ref(),
                    command,
                    actor,
                    env.acted_at,
                    &refs.districts,
                )
                .map_err(|e| e.to_string())?;
                let mut p = state.clone();
                for e in &events {
                    p = Some(Project::apply(p, e).map_err(|e| e.to_string())?);
                }
                Ok(EntityState::Project(p))
            }
            (
                EntityState::Consultation(state),
                DomainCommand::Consultation {
                    consultation,
                    command,
                },
            ) => {
                // Whether an answer is late is the legal clock's call, as on the server, with
                // the calendar in force.
                let clock = LegalClock::new(&refs.calendar, OfficeHours::default());
                let acting = Acting {
                    actor: actor.clone(),
                    at: env.acted_at,
                    opinion: env.opinion.clone(),
                    attachments: env.attachments.clone(),
                };
                Consultation::execute(state.clone(), consultation, command, &acting, &clock)
                    .map(|(c, _)| EntityState::Consultation(Some(c)))
                    .map_err(|e| e.to_string())
            }
            (
                EntityState::Evaluation(state),
                DomainCommand::Evaluation {
                    evaluation,
                    command,
                },
            ) => {
                // The server's policy (`sync_evaluation::evaluation_policy`) is the default.
                Evaluation::execute(
                    state.clone(),
                    evaluation,
                    command,
                    actor,
                    env.acted_at,
                    &EvaluationPolicy::default(),
                )
                .map(|(e, _)| EntityState::Evaluation(Some(e)))
                .map_err(|e| e.to_string())
            }
            (EntityState::Complaint(state), DomainCommand::Complaint { complaint, command }) => {
                Complaint::execute(state.clone(), complaint, command, actor, env.acted_at)
                    .map(|(c, _)| EntityState::Complaint(Some(c)))
                    .map_err(|e| e.to_string())
            }
            (
                EntityState::Commission(state),
                DomainCommand::Commission {
                    commission,
                    command,
                },
            ) => {
                let market = refs.market.as_ref();
                // As on the server: a random draw is derived from the request and its quotes.
                let mut command = command.clone();
                if let (
                    CommissionCommand::Select {
                        rule: SelectionRule::RandomDraw { draw },
                    },
                    Some(c),
                ) = (&mut command, state.as_ref())
                {
                    *draw = permitdesk_protocol::commission::draw_for(c);
                }
                let acting = Acting {
                    actor: actor.clone(),
                    at: env.acted_at,
                    opinion: env.opinion.clone(),
                    attachments: env.attachments.clone(),
                };
                Commission::execute(state.clone(), commission, &command, &acting, market)
                    .map(|(c, _)| EntityState::Commission(Some(c)))
                    .map_err(|e| e.to_string())
            }
            _ => Err("命令与对象类型不符".to_owned()),
        }
    }

    /// Fold one verified, pulled event.
    pub(crate) fn apply_pulled(&mut self, event: &DomainEvent) -> std::result::Result<(), String> {
        match (self, event) {
            (EntityState::Case(state), DomainEvent::Case(s)) => {
                *state = Some(Case::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            (EntityState::Project(state), DomainEvent::Project(s)) => {
                *state = Some(Project::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            (EntityState::Consultation(state), DomainEvent::Consultation(s)) => {
                *state =
                    Some(Consultation::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            (EntityState::Evaluation(state), DomainEvent::Evaluation(s)) => {
                *state =
                    Some(Evaluation::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            (EntityState::Complaint(state), DomainEvent::Complaint(s)) => {
                *state = Some(Complaint::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            (EntityState::Commission(state), DomainEvent::Commission(s)) => {
                *state =
                    Some(Commission::apply(state.take(), &s.event).map_err(|e| e.to_string())?);
                Ok(())
            }
            _ => Err("记录类型与对象类型不符".to_owned()),
        }
    }
}

/// Which entity a sealed trail key (`case:C-1`) names.
pub(crate) fn entity_of_key(key: &str) -> Option<EntityRef> {
    if let Some(id) = key.strip_prefix("case:") {
        Some(EntityRef::Case(CaseId::new(id)))
    } else if let Some(id) = key.strip_prefix("consultation:") {
        Some(EntityRef::Consultation(ConsultationId::new(id)))
    } else if let Some(id) = key.strip_prefix("evaluation:") {
        Some(EntityRef::Evaluation(EvaluationId::new(id)))
    } else if let Some(id) = key.strip_prefix("complaint:") {
        Some(EntityRef::Complaint(ComplaintId::new(id)))
    } else if let Some(id) = key.strip_prefix("commission:") {
        Some(EntityRef::Commission(CommissionId::new(id)))
    } else {
        key.strip_prefix("project:")
            .map(|id| EntityRef::Project(ProjectId::new(id)))
    }
}

/// One event of a trail as stored locally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredEvent {
    pub server_seq: u64,
    pub received_at: DateTime<Utc>,
    pub event: DomainEvent,
}

/// The confirmed (server-side) part of an entity: its chain head and folded state.
#[derive(Debug, Clone)]
pub(crate) struct Confirmed {
    pub head_seq: u64,
    pub head_hash: String,
    pub state: EntityState,
}

/// The projection table of an entity kind, and the entity's id in it.
pub(crate) fn table(entity: &EntityRef) -> (&'static str, &str) {
    match entity {
        EntityRef::Case(id) => ("cases", id.as_str()),
        EntityRef::Project(id) => ("projects", id.as_str()),
        EntityRef::Consultation(id) => ("consultations", id.as_str()),
        EntityRef::Evaluation(id) => ("evaluations", id.as_str()),
        EntityRef::Complaint(id) => ("complaints", id.as_str()),
        EntityRef::Commission(id) => ("commissions", id.as_str()),
    }
}

/// A stored projection (None: absent) back into its state.
pub(crate) fn decode_state(entity: &EntityRef, json: Option<String>) -> Result<EntityState> {
    Ok(match (entity, json) {
        (EntityRef::Case(_), Some(j)) => EntityState::Case(Some(serde_json::from_str(&j)?)),
        (EntityRef::Project(_), Some(j)) => EntityState::Project(Some(serde_json::from_str(&j)?)),
        (EntityRef::Consultation(_), Some(j)) => {
            EntityState::Consultation(Some(serde_json::from_str(&j)?))
        }
        (EntityRef::Evaluation(_), Some(j)) => {
            EntityState::Evaluation(Some(serde_json::from_str(&j)?))
        }
        (EntityRef::Complaint(_), Some(j)) => {
            EntityState::Complaint(Some(serde_json::from_str(&j)?))
        }
        (EntityRef::Commission(_), Some(j)) => {
            EntityState::Commission(Some(serde_json::from_str(&j)?))
        }
        (e, None) => EntityState::empty(e),
    })
}

fn encode_state(state: &EntityState) -> Result<Option<String>> {
    Ok(match state {
        EntityState::Case(Some(c)) => Some(serde_json::to_string(c)?),
        EntityState::Project(Some(p)) => Some(serde_json::to_string(p)?),
        EntityState::Consultation(Some(c)) => Some(serde_json::to_string(c)?),
        EntityState::Evaluation(Some(e)) => Some(serde_json::to_string(e)?),
        EntityState::Complaint(Some(c)) => Some(serde_json::to_string(c)?),
        EntityState::Commission(Some(c)) => Some(serde_json::to_string(c)?),
        _ => None,
    })
}

/// The chain head of an entity and the event its stored projection has reached.
pub(crate) fn head(conn: &Connection, key: &str) -> Result<Option<(u64, String, u64)>> {
    Ok(conn
        .prepare_cached("SELECT seq, hash, projected FROM heads WHERE entity = ?1")?
        .query_row(params![key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?
        .map(|(s, h, p)| (to_u64(s), h, to_u64(p))))
}

/// The confirmed state at the chain head: the stored projection, plus the events it has not
/// folded yet (a pull writes projections once at its end; an interrupted one leaves them behind).
pub(crate) fn load_confirmed(conn: &Connection, entity: &EntityRef) -> Result<Confirmed> {
    let key = entity.key();
    let Some((seq, hash, projected)) = head(conn, &key)? else {
        return Ok(Confirmed {
            head_seq: 0,
            head_hash: GENESIS_HASH.to_owned(),
            state: EntityState::empty(entity),
        });
    };
    let (table, id) = table(entity);
    let json: Option<String> = conn
        .prepare_cached(&format!("SELECT confirmed FROM {table} WHERE id = ?1"))?
        .query_row(params![id], |r| r.get(0))
        .optional()?
        .flatten();
    let mut state = decode_state(entity, json)?;
    if projected < seq {
        let mut stmt = conn.prepare_cached(
            "SELECT body, hash FROM events WHERE entity = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![key, super::to_i64(projected)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (body, hash) = row?;
            let event = super::codec::decode(&key, &body, hash)?;
            state.apply_pulled(&event).map_err(ClientError::Corrupt)?;
        }
    }
    Ok(Confirmed {
        head_seq: seq,
        head_hash: hash,
        state,
    })
}

/// Write an entity's confirmed part and view (`None`: the view is the confirmed state, stored
/// once) and mark its projection as up to date. The row goes when neither exists.
pub(crate) fn save(
    conn: &Connection,
    entity: &EntityRef,
    confirmed: &Confirmed,
    view: Option<&EntityState>,
) -> Result<()> {
    let (table, id) = table(entity);
    let shown = view.unwrap_or(&confirmed.state);
    let confirmed_json = encode_state(&confirmed.state)?;
    let view_json = match view {
        Some(v) => encode_state(v)?,
        None => None,
    };
    if confirmed.head_seq > 0 {
        conn.prepare_cached(
            "INSERT INTO heads (entity, seq, hash, projected) VALUES (?1, ?2, ?3, ?2)
             ON CONFLICT (entity) DO UPDATE SET seq = ?2, hash = ?3, projected = ?2",
        )?
        .execute(params![
            entity.key(),
            super::to_i64(confirmed.head_seq),
            confirmed.head_hash
        ])?;
    }
    match shown {
        EntityState::Case(Some(c)) => {
            conn.prepare_cached(
                "INSERT INTO cases (id, project, department, applicant, state, confirmed, view) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET project = ?2, department = ?3, applicant = ?4, state = ?5, confirmed = ?6, view = ?7",
            )?
            .execute(params![
                id,
                c.project.as_str(),
                c.department.as_str(),
                c.applicant.as_str(),
                serde_json::to_value(c.state)?.as_str().unwrap_or_default(),
                confirmed_json,
                view_json
            ])?;
        }
        EntityState::Project(Some(p)) => {
            conn.prepare_cached(
                "INSERT INTO projects (id, owner, state, confirmed, view) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET owner = ?2, state = ?3, confirmed = ?4, view = ?5",
            )?
            .execute(params![id, p.owner.as_str(), serde_json::to_value(p.state)?.as_str().unwrap_or_default(), confirmed_json, view_json])?;
        }
        EntityState::Consultation(Some(c)) => {
            conn.prepare_cached(
                "INSERT INTO consultations (id, state, confirmed, view) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET state = ?2, confirmed = ?3, view = ?4",
            )?
            .execute(params![
                id,
                serde_json::to_value(c.state)?.as_str().unwrap_or_default(),
                confirmed_json,
                view_json
            ])?;
        }
        EntityState::Evaluation(Some(e)) => {
            let status = e
                .rectification
                .as_ref()
                .map(|r| serde_json::to_value(r.status))
                .transpose()?;
            conn.prepare_cached(
                "INSERT INTO evaluations (id, department, applicant, level, status, confirmed, view) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET department = ?2, applicant = ?3, level = ?4, status = ?5, confirmed = ?6, view = ?7",
            )?
            .execute(params![
                id,
                e.subject.department().as_str(),
                e.subject.applicant().as_str(),
                serde_json::to_value(e.level)?.as_str().unwrap_or_default(),
                status.as_ref().and_then(|s| s.as_str()).unwrap_or("rated"),
                confirmed_json,
                view_json
            ])?;
        }
        EntityState::Complaint(Some(c)) => {
            conn.prepare_cached(
                "INSERT INTO complaints (id, department, submitter, state, confirmed, view) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET department = ?2, submitter = ?3, state = ?4, confirmed = ?5, view = ?6",
            )?
            .execute(params![
                id,
                c.department().map(|d| d.as_str()),
                c.submitter.as_str(),
                serde_json::to_value(c.state)?.as_str().unwrap_or_default(),
                confirmed_json,
                view_json
            ])?;
        }
        EntityState::Commission(Some(c)) => {
            conn.prepare_cached(
                "INSERT INTO commissions (id, applicant, agency, service, department, state, confirmed, view) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET applicant = ?2, agency = ?3, service = ?4, department = ?5, state = ?6, confirmed = ?7, view = ?8",
            )?
            .execute(params![
                id,
                c.applicant.as_str(),
                c.agency.as_ref().map(|a| a.as_str()),
                c.terms.item.as_str(),
                c.terms.competent_department.as_str(),
                serde_json::to_value(c.state)?.as_str().unwrap_or_default(),
                confirmed_json,
                view_json
            ])?;
        }
        _ => {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
                .execute(params![id])?;
        }
    }
    Ok(())
}

/// The commands of an entity that are still to be shown on top of the confirmed state.
fn live_commands(conn: &Connection, key: &str) -> Result<Vec<(u64, CommandEnvelope, Actor)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT mutation_id, envelope, actor FROM outbox WHERE entity = ?1 AND status IN ('pending', 'applied') ORDER BY mutation_id",
    )?;
    let rows = stmt.query_map(params![key], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, env, actor) = row?;
        out.push((
            to_u64(id),
            serde_json::from_str(&env)?,
            serde_json::from_str(&actor)?,
        ));
    }
    Ok(out)
}

/// [`recompute_view`] of each entity once.
pub(crate) fn recompute_views(
    conn: &Connection,
    refs: &ReferenceSet,
    mut entities: Vec<EntityRef>,
) -> Result<()> {
    entities.sort();
    entities.dedup();
    for e in &entities {
        recompute_view(conn, refs, e)?;
    }
    Ok(())
}

/// Recompute an entity's view: its confirmed state with every live outbox command re-decided
/// on top (the rebase). A command the new state refuses stays queued (the server has the last
/// word) and is marked with the local reason, which `status` shows.
pub(crate) fn recompute_view(
    conn: &Connection,
    refs: &ReferenceSet,
    entity: &EntityRef,
) -> Result<EntityState> {
    let confirmed = load_confirmed(conn, entity)?;
    rebase(conn, refs, entity, confirmed)
}

/// Write `confirmed` and the view rebuilt on it from the live outbox commands.
pub(crate) fn rebase(
    conn: &Connection,
    refs: &ReferenceSet,
    entity: &EntityRef,
    confirmed: Confirmed,
) -> Result<EntityState> {
    let key = entity.key();
    let live = live_commands(conn, &key)?;
    if live.is_empty() {
        save(conn, entity, &confirmed, None)?;
        return Ok(confirmed.state);
    }
    let mut view = confirmed.state.clone();
    for (id, env, actor) in live {
        let conflict = match view.execute(&env, &actor, refs) {
            Ok(next) => {
                view = next;
                None
            }
            Err(message) => Some(message),
        };
        conn.prepare_cached("UPDATE outbox SET local_conflict = ?1 WHERE mutation_id = ?2")?
            .execute(params![conflict, super::to_i64(id)])?;
    }
    save(conn, entity, &confirmed, Some(&view))?;
    Ok(view)
}

impl Store {
    /// The state of an entity as the user sees it (confirmed plus queued commands).
    pub fn view(&self, entity: &EntityRef) -> Result<EntityState> {
        let (table, id) = table(entity);
        let json: Option<String> = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(view, confirmed) FROM {table} WHERE id = ?1"
            ))?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        decode_state(entity, json)
    }

    pub fn case(&self, id: &CaseId) -> Result<Option<Case>> {
        match self.view(&EntityRef::Case(id.clone()))? {
            EntityState::Case(c) => Ok(c),
            _ => Ok(None),
        }
    }

    pub fn project(&self, id: &ProjectId) -> Result<Option<Project>> {
        match self.view(&EntityRef::Project(id.clone()))? {
            EntityState::Project(p) => Ok(p),
            _ => Ok(None),
        }
    }

    /// A 策划生成 record (joint consultation) as the local store has it.
    pub fn consultation(&self, id: &ConsultationId) -> Result<Option<Consultation>> {
        match self.view(&EntityRef::Consultation(id.clone()))? {
            EntityState::Consultation(c) => Ok(c),
            _ => Ok(None),
        }
    }

    /// A rating (好差评) with its rectification, as the user sees it.
    pub fn evaluation(&self, id: &EvaluationId) -> Result<Option<Evaluation>> {
        match self.view(&EntityRef::Evaluation(id.clone()))? {
            EntityState::Evaluation(e) => Ok(e),
            _ => Ok(None),
        }
    }

    /// Every rating in the local store (the user's own, or its department's).
    pub fn evaluations(&self) -> Result<Vec<Evaluation>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM evaluations ORDER BY id",
            params![],
        )
    }

    /// A suggestion or complaint (建议投诉), as the user sees it.
    pub fn complaint(&self, id: &ComplaintId) -> Result<Option<Complaint>> {
        match self.view(&EntityRef::Complaint(id.clone()))? {
            EntityState::Complaint(c) => Ok(c),
            _ => Ok(None),
        }
    }

    /// Every suggestion and complaint in the local store.
    pub fn complaints(&self) -> Result<Vec<Complaint>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM complaints ORDER BY id",
            params![],
        )
    }

    /// A commission (中介服务委托), as the user sees it.
    pub fn commission(&self, id: &CommissionId) -> Result<Option<Commission>> {
        match self.view(&EntityRef::Commission(id.clone()))? {
            EntityState::Commission(c) => Ok(c),
            _ => Ok(None),
        }
    }

    /// Every commission in the local store (the user's own, its department's, or its agency's).
    pub fn commissions(&self) -> Result<Vec<Commission>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM commissions ORDER BY id",
            params![],
        )
    }

    /// The confirmed (server) state of an entity, without local commands.
    pub fn confirmed(&self, entity: &EntityRef) -> Result<EntityState> {
        Ok(load_confirmed(&self.conn, entity)?.state)
    }

    /// Every case in the local store, as the user sees it.
    pub fn cases(&self) -> Result<Vec<Case>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM cases ORDER BY id",
            params![],
        )
    }

    pub fn cases_of_project(&self, project: &ProjectId) -> Result<Vec<Case>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM cases WHERE project = ?1 ORDER BY id",
            params![project.as_str()],
        )
    }

    pub fn projects(&self) -> Result<Vec<Project>> {
        self.decode_all(
            "SELECT coalesce(view, confirmed) FROM projects ORDER BY id",
            params![],
        )
    }

    fn decode_all<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(p, |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    /// The verified trail of an entity, in order.
    pub fn trail(&self, entity: &EntityRef) -> Result<Vec<StoredEvent>> {
        let key = entity.key();
        let mut stmt = self.conn.prepare_cached(
            "SELECT server_seq, received_at, body, hash FROM events WHERE entity = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (seq, at, body, hash) = r?;
            out.push(StoredEvent {
                server_seq: to_u64(seq),
                received_at: parse_ts(&at)?,
                event: super::codec::decode(&key, &body, hash)?,
            });
        }
        Ok(out)
    }

    /// The keys (`case:…`) of the entities of one kind with a synced event acted by `user`:
    /// the 已办 list. One pass over the stored events, reading each event's actor.
    pub fn entities_acted_by(
        &self,
        user: &permitdesk_domain::ids::UserId,
        kind: &str,
    ) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT entity FROM events
             WHERE entity >= ?1 AND entity < ?2 AND json_extract(body, '$.event.actor.user') = ?3",
        )?;
        // `kind:` up to `kind;` (the next character after ':'), a range the primary key serves.
        let rows = stmt.query_map(
            params![format!("{kind}:"), format!("{kind};"), user.as_str()],
            |r| r.get::<_, String>(0),
        )?;
        let mut out = std::collections::HashSet::new();
        for r in rows {
            out.insert(r?);
        }
        Ok(out)
    }

    /// Number of events stored (all entities).
    pub fn event_count(&self) -> Result<u64> {
        Ok(to_u64(self.conn.query_row(
            "SELECT count(*) FROM events",
            [],
            |r| r.get(0),
        )?))
    }

    /// Every entity known locally (with events or only local commands).
    pub fn entities(&self) -> Result<Vec<EntityRef>> {
        let mut out = Vec::new();
        for id in self.ids("SELECT id FROM projects ORDER BY id")? {
            out.push(EntityRef::Project(ProjectId::new(id)));
        }
        for id in self.ids("SELECT id FROM cases ORDER BY id")? {
            out.push(EntityRef::Case(CaseId::new(id)));
        }
        for id in self.ids("SELECT id FROM consultations ORDER BY id")? {
            out.push(EntityRef::Consultation(ConsultationId::new(id)));
        }
        for id in self.ids("SELECT id FROM evaluations ORDER BY id")? {
            out.push(EntityRef::Evaluation(EvaluationId::new(id)));
        }
        for id in self.ids("SELECT id FROM complaints ORDER BY id")? {
            out.push(EntityRef::Complaint(ComplaintId::new(id)));
        }
        for id in self.ids("SELECT id FROM commissions ORDER BY id")? {
            out.push(EntityRef::Commission(CommissionId::new(id)));
        }
        Ok(out)
    }

    fn ids(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(ClientError::from)
    }
}

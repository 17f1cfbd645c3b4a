//! The outbox (commands queued by the user, each with a per-client mutation id), what the
//! server answered for them, and the refusals kept for the user with everything they typed.

use super::entities::{self, entity_of_key};
use super::{Store, parse_ts, to_i64, to_u64, ts};
use crate::error::{ClientError, Result};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::ids::AttachmentId;
use permitdesk_protocol::{
    CommandEnvelope, CommandOutcome, CommandResult, DomainCommand, Refusal, RefusalRecord,
};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// Where a queued command stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Not yet acknowledged by the server.
    Pending,
    /// Applied by the server; kept in the view until its events are pulled.
    Applied,
    /// The server had processed it earlier and did not repeat the outcome.
    Processed,
}

impl OutboxStatus {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(OutboxStatus::Pending),
            "applied" => Ok(OutboxStatus::Applied),
            "processed" => Ok(OutboxStatus::Processed),
            other => Err(ClientError::corrupt(format!("未知的发件箱状态“{other}”"))),
        }
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxEntry {
    pub envelope: CommandEnvelope,
    pub entity: String,
    pub status: OutboxStatus,
    /// Why the current local state would refuse it (after a rebase); the server decides.
    pub local_conflict: Option<String>,
    pub queued_at: DateTime<Utc>,
}

/// A command the server refused, kept until the user dismisses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusalEntry {
    pub mutation_id: u64,
    pub entity: String,
    /// The command with everything the user typed (opinion, reasons, attachments).
    pub envelope: CommandEnvelope,
    pub refusal: Refusal,
    pub message: String,
    pub refused_at: DateTime<Utc>,
}

/// What became of a command, for `status` and for checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandLogEntry {
    pub mutation_id: u64,
    pub entity: String,
    pub action: String,
    /// applied, refused or duplicate.
    pub outcome: String,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// The action name of a command for logs (`case.receive`, `project.submit`).
pub fn action_name(cmd: &DomainCommand) -> String {
    let inner = match cmd {
        DomainCommand::Case { command, .. } => serde_json::to_value(command.action()),
        DomainCommand::Project { command, .. } => serde_json::to_value(command.action()),
        DomainCommand::Consultation { command, .. } => serde_json::to_value(command.action()),
        DomainCommand::Evaluation { command, .. } => serde_json::to_value(command.action()),
        DomainCommand::Complaint { command, .. } => serde_json::to_value(command.action()),
        DomainCommand::Commission { command, .. } => serde_json::to_value(command.action()),
    };
    let name = inner
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    match cmd {
        DomainCommand::Case { .. } => format!("case.{name}"),
        DomainCommand::Project { .. } => format!("project.{name}"),
        DomainCommand::Consultation { .. } => format!("consultation.{name}"),
        DomainCommand::Evaluation { .. } => format!("evaluation.{name}"),
        DomainCommand::Complaint { .. } => format!("complaint.{name}"),
        DomainCommand::Commission { .. } => format!("commission.{name}"),
    }
}

/// A command as the user gives it, before it gets its mutation id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommand {
    pub command: DomainCommand,
    pub acted_at: DateTime<Utc>,
    pub opinion: Option<String>,
    pub attachments: Vec<AttachmentId>,
}

impl Store {
    /// Queue a command: decide it against the current view with the domain code, and in ONE
    /// transaction give it the next mutation id, write it to the outbox and apply it to the
    /// view. A command the local state refuses is not queued: the refusal comes back at once.
    pub fn enqueue(
        &mut self,
        cmd: NewCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CommandEnvelope> {
        self.enqueue_replacing(cmd, actor, now, None)
    }

    /// [`Store::enqueue`], confirming again the refused command `replaces` (its mutation id): in
    /// the same transaction that refusal leaves the list (`dismissed = 2`, 已重新确认). A refusal
    /// already confirmed again or dismissed is not queued a second time.
    pub fn enqueue_replacing(
        &mut self,
        cmd: NewCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        replaces: Option<u64>,
    ) -> Result<CommandEnvelope> {
        // Every string of the command and its opinion within the domain's limits (the server
        // checks the same rule): refused before anything is queued.
        permitdesk_domain::limits::check_command_text(&cmd.command, cmd.opinion.as_deref())
            .map_err(|e| ClientError::Invalid(e.to_string()))?;
        self.flush_projections()?;
        let refs = self.reference_set()?;
        let entity = cmd.command.entity();
        let tx = self.conn.transaction()?;
        let next: i64 = tx.query_row(
            "SELECT next_mutation_id FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        let view = {
            let (table, id) = entities::table(&entity);
            let json: Option<String> = tx
                .query_row(
                    &format!("SELECT coalesce(view, confirmed) FROM {table} WHERE id = ?1"),
                    params![id],
                    |r| r.get(0),
                )
                .optional()?;
            entities::decode_state(&entity, json)?
        };
        let envelope = CommandEnvelope {
            mutation_id: to_u64(next).max(1),
            command: cmd.command,
            acted_at: cmd.acted_at,
            opinion: cmd.opinion,
            attachments: cmd.attachments,
            base_version: view.version(),
        };
        view.execute(&envelope, actor, &refs)
            .map_err(ClientError::Refused)?;
        tx.execute(
            "INSERT INTO outbox (mutation_id, entity, envelope, actor, status, queued_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![to_i64(envelope.mutation_id), entity.key(), serde_json::to_string(&envelope)?, serde_json::to_string(actor)?, ts(now)],
        )?;
        tx.execute(
            "UPDATE sync_state SET next_mutation_id = ?1 WHERE id = 1",
            params![to_i64(envelope.mutation_id + 1)],
        )?;
        if let Some(old) = replaces {
            let open = tx.execute(
                "UPDATE refusals SET dismissed = 2 WHERE mutation_id = ?1 AND dismissed = 0",
                params![to_i64(old)],
            )?;
            if open == 0 {
                // Dropping the transaction undoes the queueing.
                return Err(ClientError::Invalid(
                    "该被拒操作已重新确认或已关闭，不再重复提交".to_owned(),
                ));
            }
        }
        entities::recompute_view(&tx, &refs, &entity)?;
        tx.commit()?;
        Ok(envelope)
    }

    /// Commands not yet acknowledged, oldest first.
    pub fn pending(&self, limit: usize) -> Result<Vec<CommandEnvelope>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT envelope FROM outbox WHERE status = 'pending' ORDER BY mutation_id LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![to_i64(limit as u64)], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    pub fn pending_count(&self) -> Result<u64> {
        Ok(to_u64(self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?))
    }

    /// The whole outbox, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        type Row = (String, String, String, Option<String>, String);
        let sql = "SELECT envelope, entity, status, local_conflict, queued_at FROM outbox ORDER BY mutation_id";
        let mut out = Vec::new();
        for (env, entity, status, conflict, at) in super::rows::<Row>(&self.conn, sql, [])? {
            out.push(OutboxEntry {
                envelope: serde_json::from_str(&env)?,
                entity,
                status: OutboxStatus::parse(&status)?,
                local_conflict: conflict,
                queued_at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }

    /// Record the server's answer to a push, in one transaction: applied commands wait for
    /// their events, refused ones move to the refusals (and leave the view), retries that the
    /// server had already processed are closed.
    pub fn record_push(
        &mut self,
        results: &[CommandResult],
        last_mutation_id: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.flush_projections()?;
        let refs = self.reference_set()?;
        let tx = self.conn.transaction()?;
        let mut touched = Vec::new();
        for r in results {
            let id = to_i64(r.mutation_id);
            let row: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT entity, envelope, status FROM outbox WHERE mutation_id = ?1",
                    params![id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            // A result for a command no longer here was recorded by an earlier answer.
            let Some((entity, env_json, status)) = row else {
                continue;
            };
            if status != "pending" {
                continue;
            }
            let envelope: CommandEnvelope = serde_json::from_str(&env_json)?;
            let action = action_name(&envelope.command);
            match &r.outcome {
                CommandOutcome::Applied { server_seqs } => {
                    let max = server_seqs.iter().copied().max().unwrap_or(0);
                    tx.execute(
                        "UPDATE outbox SET status = 'applied', applied_max_seq = ?1, pushed_at = ?2 WHERE mutation_id = ?3",
                        params![to_i64(max), ts(now), id],
                    )?;
                    log(&tx, id, &entity, &action, "applied", None, now)?;
                }
                CommandOutcome::Refused { refusal } => {
                    tx.execute("DELETE FROM outbox WHERE mutation_id = ?1", params![id])?;
                    tx.execute(
                        "INSERT OR REPLACE INTO refusals (mutation_id, entity, envelope, refusal, message, refused_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![id, entity, env_json, serde_json::to_string(refusal)?, refusal.message(), ts(now)],
                    )?;
                    log(
                        &tx,
                        id,
                        &entity,
                        &action,
                        "refused",
                        Some(refusal.message()),
                        now,
                    )?;
                }
                CommandOutcome::Duplicate => {
                    tx.execute(
                        "UPDATE outbox SET status = 'processed', pushed_at = ?1 WHERE mutation_id = ?2",
                        params![ts(now), id],
                    )?;
                    log(
                        &tx,
                        id,
                        &entity,
                        &action,
                        "duplicate",
                        Some("服务器此前已处理该操作"),
                        now,
                    )?;
                }
            }
            if let Some(e) = entity_of_key(&entity) {
                touched.push(e);
            }
        }
        tx.execute(
            "UPDATE sync_state SET last_mutation_acked = max(last_mutation_acked, ?1) WHERE id = 1",
            params![to_i64(last_mutation_id)],
        )?;
        entities::recompute_views(&tx, &refs, touched)?;
        tx.commit()?;
        Ok(())
    }

    /// Commands the server answered only with `duplicate` (their first answer was lost), whose
    /// outcome is still to be learnt from the server's refusal records.
    pub fn unsettled(&self) -> Result<Vec<u64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT mutation_id FROM outbox WHERE status = 'processed' ORDER BY mutation_id",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(to_u64(r?));
        }
        Ok(out)
    }

    /// Settle the `duplicate` answers with the refusals the server recorded for this client:
    /// a refused command moves to the refusals like any other; the others were applied the
    /// first time (their events come with the pull). One transaction.
    pub fn settle(&mut self, records: &[RefusalRecord], now: DateTime<Utc>) -> Result<u64> {
        self.flush_projections()?;
        let refs = self.reference_set()?;
        let tx = self.conn.transaction()?;
        let mut moved = 0;
        let mut touched = Vec::new();
        let rows: Vec<(i64, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT mutation_id, entity, envelope FROM outbox WHERE status = 'processed'",
            )?;
            let mapped = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            mapped.collect::<std::result::Result<_, _>>()?
        };
        for (id, entity, env_json) in rows {
            let envelope: CommandEnvelope = serde_json::from_str(&env_json)?;
            let action = action_name(&envelope.command);
            tx.execute("DELETE FROM outbox WHERE mutation_id = ?1", params![id])?;
            match records.iter().find(|r| to_i64(r.mutation_id) == id) {
                Some(r) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO refusals (mutation_id, entity, envelope, refusal, message, refused_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![id, entity, env_json, serde_json::to_string(&r.refusal)?, r.refusal.message(), ts(r.refused_at)],
                    )?;
                    log(
                        &tx,
                        id,
                        &entity,
                        &action,
                        "refused",
                        Some(r.refusal.message()),
                        now,
                    )?;
                    moved += 1;
                }
                None => log(
                    &tx,
                    id,
                    &entity,
                    &action,
                    "applied",
                    Some("重试：服务器此前已执行"),
                    now,
                )?,
            }
            if let Some(e) = entity_of_key(&entity) {
                touched.push(e);
            }
        }
        entities::recompute_views(&tx, &refs, touched)?;
        tx.commit()?;
        Ok(moved)
    }

    /// Refusals the user has not dismissed, newest first.
    pub fn refusals(&self) -> Result<Vec<RefusalEntry>> {
        type Row = (i64, String, String, String, String, String);
        let sql = "SELECT mutation_id, entity, envelope, refusal, message, refused_at FROM refusals WHERE dismissed = 0 ORDER BY mutation_id DESC";
        let mut out = Vec::new();
        for (id, entity, env, refusal, message, at) in super::rows::<Row>(&self.conn, sql, [])? {
            out.push(RefusalEntry {
                mutation_id: to_u64(id),
                entity,
                envelope: serde_json::from_str(&env)?,
                refusal: serde_json::from_str(&refusal)?,
                message,
                refused_at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }

    /// The user has read a refusal (it stays in the log). (`dismissed`: 0 open, 1 read, 2
    /// confirmed again and queued anew, see [`Store::enqueue_replacing`].)
    pub fn dismiss_refusal(&self, mutation_id: u64) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE refusals SET dismissed = 1 WHERE mutation_id = ?1",
            params![to_i64(mutation_id)],
        )? > 0)
    }

    /// The outcome of every command the server answered, oldest first.
    pub fn command_log(&self) -> Result<Vec<CommandLogEntry>> {
        type Row = (i64, String, String, String, Option<String>, String);
        let sql = "SELECT mutation_id, entity, action, outcome, detail, at FROM command_log ORDER BY mutation_id";
        let mut out = Vec::new();
        for (id, entity, action, outcome, detail, at) in super::rows::<Row>(&self.conn, sql, [])? {
            out.push(CommandLogEntry {
                mutation_id: to_u64(id),
                entity,
                action,
                outcome,
                detail,
                at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }
}

fn log(
    conn: &rusqlite::Connection,
    id: i64,
    entity: &str,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO command_log (mutation_id, entity, action, outcome, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, entity, action, outcome, detail, ts(now)],
    )?;
    Ok(())
}

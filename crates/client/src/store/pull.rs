//! Applying a pull: every event is checked against its entity's hash chain before it is
//! stored (a client checks what it pulled), projections advance, removed entities go, and the
//! views are rebased on the new confirmed state, all in one transaction per page.

use super::entities::{self, Confirmed, entity_of_key};
use super::{Store, to_i64, to_u64, ts};
use crate::error::{ClientError, Result};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_protocol::{DomainEvent, EntityRef, PullResponse};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What one page of a pull changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IngestReport {
    /// New events verified and stored.
    pub events: u64,
    /// Events already stored (a repeated page), skipped.
    pub duplicates: u64,
    pub removed: u64,
    /// Entities whose state changed.
    pub touched: u64,
}

fn verify_link(
    confirmed: &Confirmed,
    key: &str,
    event: &DomainEvent,
    computed: &str,
) -> std::result::Result<(), String> {
    let (seq, prev, hash) = match event {
        DomainEvent::Case(s) => (s.seq, &s.prev_hash, &s.hash),
        DomainEvent::Project(s) => (s.seq, &s.prev_hash, &s.hash),
        DomainEvent::Consultation(s) => (s.seq, &s.prev_hash, &s.hash),
        DomainEvent::Evaluation(s) => (s.seq, &s.prev_hash, &s.hash),
        DomainEvent::Complaint(s) => (s.seq, &s.prev_hash, &s.hash),
        DomainEvent::Commission(s) => (s.seq, &s.prev_hash, &s.hash),
    };
    if event.entity_key() != key {
        return Err(format!("记录属于 {}，不属于 {key}", event.entity_key()));
    }
    if seq != confirmed.head_seq + 1 {
        return Err(format!(
            "第 {seq} 条记录之前缺少记录（本地已有 {} 条）",
            confirmed.head_seq
        ));
    }
    if *prev != confirmed.head_hash {
        return Err(format!("第 {seq} 条记录的前序哈希不符"));
    }
    if computed != hash {
        return Err(format!("第 {seq} 条记录的内容与其哈希不符"));
    }
    Ok(())
}

/// Entities advanced by earlier pages of the current pull, not yet projected.
pub(crate) type PullCache = HashMap<String, (EntityRef, Confirmed)>;

impl Store {
    /// Apply one page of a pull. Nothing is stored if any event fails its chain check.
    ///
    /// Events and chain heads are committed page by page; the projections of entities without
    /// queued commands are written once, after the last page (an entity appears on many pages
    /// of an initial sync). Until then they are kept in memory, and if the pull stops, the
    /// next `flush_projections` (at the end of every sync, and when the store opens) rebuilds
    /// them from the stored events.
    pub fn ingest(&mut self, page: &PullResponse) -> Result<IngestReport> {
        let refs = self.reference_set()?;
        let mut cache = std::mem::take(&mut self.pull_cache);
        let tx = self.conn.transaction()?;
        let mut report = IngestReport::default();
        // Group by entity, keeping each entity's order (the server sends them in server order).
        let mut by_entity: BTreeMap<String, Vec<&permitdesk_protocol::SyncEvent>> = BTreeMap::new();
        for e in &page.events {
            by_entity
                .entry(e.event.entity_key().to_owned())
                .or_default()
                .push(e);
        }
        let mut touched: Vec<EntityRef> = Vec::new();
        let mut advanced: Vec<String> = Vec::new();
        for (key, events) in &by_entity {
            let entity = entity_of_key(key).ok_or_else(|| ClientError::TrailBroken {
                entity: key.clone(),
                message: "无法识别的对象".to_owned(),
            })?;
            let mut confirmed = match cache.remove(key) {
                Some((_, c)) => c,
                None => entities::load_confirmed(&tx, &entity)?,
            };
            let mut changed = false;
            for e in events {
                let seq = e.event.entity_seq();
                if seq <= confirmed.head_seq {
                    // A repeated delivery must be the very same event.
                    let stored: Option<String> = tx
                        .prepare_cached("SELECT hash FROM events WHERE entity = ?1 AND seq = ?2")?
                        .query_row(params![key, to_i64(seq)], |r| r.get(0))
                        .optional()?;
                    let hash = match &e.event {
                        DomainEvent::Case(s) => &s.hash,
                        DomainEvent::Project(s) => &s.hash,
                        DomainEvent::Consultation(s) => &s.hash,
                        DomainEvent::Evaluation(s) => &s.hash,
                        DomainEvent::Complaint(s) => &s.hash,
                        DomainEvent::Commission(s) => &s.hash,
                    };
                    if stored.as_ref() != Some(hash) {
                        return Err(ClientError::TrailBroken {
                            entity: key.clone(),
                            message: format!("第 {seq} 条记录与本地已校验的记录不同"),
                        });
                    }
                    report.duplicates += 1;
                    continue;
                }
                let (body, computed) = super::codec::canonical(&e.event)?;
                verify_link(&confirmed, key, &e.event, &computed).map_err(|message| {
                    ClientError::TrailBroken {
                        entity: key.clone(),
                        message,
                    }
                })?;
                confirmed.state.apply_pulled(&e.event).map_err(|message| {
                    ClientError::TrailBroken {
                        entity: key.clone(),
                        message,
                    }
                })?;
                tx.prepare_cached(
                    "INSERT INTO events (entity, seq, server_seq, received_at, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![key, to_i64(seq), to_i64(e.server_seq), ts(e.received_at), computed, body])?;
                let hash = computed;
                confirmed.head_seq = seq;
                confirmed.head_hash = hash;
                report.events += 1;
                changed = true;
            }
            if changed {
                tx.prepare_cached(
                    "INSERT INTO heads (entity, seq, hash, projected) VALUES (?1, ?2, ?3, 0)
                     ON CONFLICT (entity) DO UPDATE SET seq = ?2, hash = ?3",
                )?
                .execute(params![
                    key,
                    to_i64(confirmed.head_seq),
                    confirmed.head_hash
                ])?;
                advanced.push(key.clone());
            }
            cache.insert(key.clone(), (entity, confirmed));
        }
        for removed in &page.removals {
            let key = removed.key();
            tx.prepare_cached("DELETE FROM events WHERE entity = ?1")?
                .execute(params![key])?;
            tx.prepare_cached("DELETE FROM heads WHERE entity = ?1")?
                .execute(params![key])?;
            let (table, id) = super::entities::table(removed);
            report.removed +=
                tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), params![id])? as u64;
            cache.remove(&key);
            advanced.retain(|k| *k != key);
            touched.push(removed.clone());
        }
        // Applied commands whose events are now in (or beyond) the cursor are done; after the
        // last page, so is every applied command (its events may be outside the user's scope).
        let cursor = page.cursor;
        {
            let sql = if page.has_more {
                "SELECT entity FROM outbox WHERE status = 'applied' AND applied_max_seq <= ?1"
            } else {
                "SELECT entity FROM outbox WHERE status = 'applied' AND ?1 >= 0"
            };
            let mut stmt = tx.prepare(sql)?;
            for r in stmt.query_map(params![to_i64(cursor)], |r| r.get::<_, String>(0))? {
                touched.extend(entity_of_key(&r?));
            }
        }
        if page.has_more {
            tx.execute(
                "DELETE FROM outbox WHERE status = 'applied' AND applied_max_seq <= ?1",
                params![to_i64(cursor)],
            )?;
        } else {
            tx.execute("DELETE FROM outbox WHERE status = 'applied'", [])?;
        }
        tx.execute(
            "UPDATE sync_state SET cursor = max(cursor, ?1), last_mutation_acked = max(last_mutation_acked, ?2) WHERE id = 1",
            params![to_i64(cursor), to_i64(page.last_mutation_id)],
        )?;
        // Entities with queued commands are rebased now (the user sees their own work on the
        // new state); entities the outbox cleanup touched too.
        let live: std::collections::HashSet<String> = {
            let mut stmt = tx.prepare(
                "SELECT DISTINCT entity FROM outbox WHERE status IN ('pending', 'applied')",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        for e in &touched {
            live_or_touched(&mut cache, &tx, &refs, e)?;
        }
        report.touched = advanced.len() as u64;
        for key in advanced.iter().filter(|k| live.contains(*k)) {
            if let Some((entity, confirmed)) = cache.remove(key) {
                entities::rebase(&tx, &refs, &entity, confirmed)?;
            }
        }
        tx.commit()?;
        self.pull_cache = cache;
        Ok(report)
    }

    /// Write up to `max` of the projections a pull keeps in memory, in one transaction;
    /// true while some are left. The sync calls it in a loop, one local step each, so that
    /// the end of an initial sync (thousands of entities) never holds the store for long.
    pub fn flush_pulled_step(&mut self, max: usize) -> Result<bool> {
        if self.pull_cache.is_empty() {
            return Ok(false);
        }
        let keys: Vec<String> = self.pull_cache.keys().take(max.max(1)).cloned().collect();
        // Taken out first: should this step fail, their heads stay behind their events and
        // `flush_projections` rebuilds them from the stored trail.
        let chunk: Vec<(EntityRef, Confirmed)> = keys
            .iter()
            .filter_map(|k| self.pull_cache.remove(k))
            .collect();
        let refs = self.reference_set()?;
        let tx = self.conn.transaction()?;
        for (entity, confirmed) in chunk {
            entities::rebase(&tx, &refs, &entity, confirmed)?;
        }
        tx.commit()?;
        Ok(!self.pull_cache.is_empty())
    }

    /// Write the projections a pull left in memory or behind (after an interruption).
    pub fn flush_projections(&mut self) -> Result<()> {
        let cache = std::mem::take(&mut self.pull_cache);
        let stale: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT entity FROM heads WHERE projected < seq")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        if cache.is_empty() && stale.is_empty() {
            return Ok(());
        }
        let refs = self.reference_set()?;
        let tx = self.conn.transaction()?;
        let mut done = std::collections::HashSet::new();
        for (key, (entity, confirmed)) in cache {
            entities::rebase(&tx, &refs, &entity, confirmed)?;
            done.insert(key);
        }
        for key in stale.iter().filter(|k| !done.contains(*k)) {
            if let Some(entity) = entity_of_key(key) {
                entities::recompute_view(&tx, &refs, &entity)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The current pull cursor.
    pub fn cursor(&self) -> Result<u64> {
        Ok(to_u64(self.conn.query_row(
            "SELECT cursor FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?))
    }
}

/// Rebase an entity the outbox cleanup or a removal touched, from the cache if it is there.
fn live_or_touched(
    cache: &mut PullCache,
    tx: &rusqlite::Connection,
    refs: &ReferenceSet,
    e: &EntityRef,
) -> Result<()> {
    match cache.remove(&e.key()) {
        Some((entity, confirmed)) => {
            entities::rebase(tx, refs, &entity, confirmed)?;
        }
        None => {
            entities::recompute_view(tx, refs, e)?;
        }
    }
    Ok(())
}

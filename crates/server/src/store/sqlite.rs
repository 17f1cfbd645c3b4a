//! The embedded backend: one SQLite file in WAL mode. One writer connection (SQLite has one
//! writer anyway) serialises every write transaction, which also makes server sequence numbers
//! follow commit order; readers use a small pool and see consistent snapshots beside it.
//!
//! `synchronous = NORMAL`: a committed transaction survives a killed process (the WAL is in the
//! OS cache), and only a power cut can lose the last ones — the usual WAL trade for the
//! thousands of transactions per second push needs.

use super::*;
use crate::attachments::{check_chunk, verdict};
use crate::scope::{EntityKind, may_use_attachment};
use crate::sync::{self, AttachmentAccess, Decided, Loaded, LoadedEntity, Needs};
use permitdesk_domain::case::CaseEvent;
use permitdesk_protocol::{CommandOutcome, DomainEvent};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Versioned migrations: `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE organisations (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT,
    organisation TEXT REFERENCES organisations(id),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE sync_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
INSERT INTO sync_counter (id, value) VALUES (1, 0);
CREATE TABLE events (
    server_seq INTEGER PRIMARY KEY,
    entity_key TEXT NOT NULL,
    entity_seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    acted_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    client_id TEXT,
    mutation_id INTEGER,
    UNIQUE (entity_key, entity_seq)
);
CREATE TABLE entity_heads (
    entity_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    hash TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    department TEXT,
    project TEXT NOT NULL,
    draft INTEGER NOT NULL,
    granted INTEGER NOT NULL,
    created_by_window INTEGER NOT NULL,
    last_event_at TEXT NOT NULL
);
CREATE INDEX entity_heads_state ON entity_heads(kind, state);
CREATE INDEX entity_heads_project ON entity_heads(project);
CREATE TABLE project_departments (project TEXT NOT NULL, department TEXT NOT NULL, PRIMARY KEY (project, department));
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    last_mutation_id INTEGER NOT NULL DEFAULT 0,
    scope_fingerprint TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE client_entities (client_id TEXT NOT NULL, entity_key TEXT NOT NULL, PRIMARY KEY (client_id, entity_key));
CREATE TABLE refusals (
    client_id TEXT NOT NULL,
    mutation_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    refused_at TEXT NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);
CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE uploads (
    sha256 TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    received INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
CREATE TABLE attachment_parts (
    sha256 TEXT NOT NULL,
    user_id TEXT NOT NULL,
    offset INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, user_id, offset)
);
CREATE TABLE attachment_uploaders (sha256 TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (sha256, user_id));
CREATE TABLE attachment_links (sha256 TEXT NOT NULL, entity_key TEXT NOT NULL, PRIMARY KEY (sha256, entity_key));
CREATE TABLE scheduled_actions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    done_at TEXT NOT NULL,
    done_by TEXT NOT NULL
);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_key TEXT NOT NULL UNIQUE REFERENCES scheduled_actions(key),
    entity_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE reference_versions (
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);
"#,
];

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    /// Commands per SQLite transaction in push (1: one transaction per command).
    group_commit: usize,
}

const MAX_IDLE_READERS: usize = 8;
/// Rows read per scan query of pull.
const SCAN_BATCH: usize = 1000;

fn open_conn(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

fn lock_err<T>(_: T) -> StoreError {
    StoreError::Task("a database lock was poisoned".to_owned())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = open_conn(path)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            writer: Arc::new(Mutex::new(conn)),
            readers: Arc::new(Mutex::new(Vec::new())),
            group_commit: 1,
        })
    }

    /// Lets up to `n` commands of one push share a transaction (see `push_blocking`).
    pub fn with_group_commit(mut self, n: usize) -> SqliteStore {
        self.group_commit = n.max(1);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = pool.lock().map_err(lock_err)?.pop();
            let mut conn = match pooled {
                Some(c) => c,
                None => open_conn(&path)?,
            };
            let result = f(&mut conn);
            let mut idle = pool.lock().map_err(lock_err)?;
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
            result
        })
        .await?
    }

    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = writer.lock().map_err(lock_err)?;
            f(&mut conn)
        })
        .await?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

type UserRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    bool,
);

fn to_user(row: UserRow) -> Result<UserRecord, StoreError> {
    let (id, name, role, department, organisation, password_hash, disabled) = row;
    Ok(UserRecord {
        id: UserId::new(id),
        name,
        role: parse_role(&role)?,
        department: department.map(DepartmentCode::new),
        organisation: organisation.map(OrganisationId::new),
        password_hash,
        disabled,
    })
}

const USER_COLUMNS: &str = "id, name, role, department, organisation, password_hash, disabled";

fn parse_event(json: &str) -> Result<DomainEvent, StoreError> {
    Ok(serde_json::from_str(json)?)
}

/// The trails of the entities a query over `entity_heads` selects, in key order.
fn trails_where<E>(
    c: &Connection,
    sql: &str,
    pick: fn(DomainEvent) -> Option<E>,
) -> Result<Vec<Vec<E>>, StoreError> {
    let keys: Vec<String> = c
        .prepare(sql)?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(l) = load_entity(c, &k)? {
            out.push(super::events_of_kind(&k, l.events, pick)?);
        }
    }
    Ok(out)
}

fn load_entity(conn: &Connection, key: &str) -> Result<Option<LoadedEntity>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT event FROM events WHERE entity_key = ?1 ORDER BY entity_seq")?;
    let events = stmt
        .query_map(params![key], |r| r.get::<_, String>(0))?
        .map(|j| parse_event(&j?))
        .collect::<Result<Vec<_>, StoreError>>()?;
    if events.is_empty() {
        return Ok(None);
    }
    let project: Option<String> = conn
        .prepare_cached("SELECT project FROM entity_heads WHERE entity_key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()?;
    let project_departments = match project {
        Some(p) => project_departments(conn, &p)?,
        None => vec![],
    };
    Ok(Some(LoadedEntity {
        events,
        project_departments,
    }))
}

fn project_departments(
    conn: &Connection,
    project: &str,
) -> Result<Vec<DepartmentCode>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT department FROM project_departments WHERE project = ?1 ORDER BY department",
    )?;
    let rows = stmt.query_map(params![project], |r| r.get::<_, String>(0))?;
    Ok(rows
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(DepartmentCode::new)
        .collect())
}

fn load_scope(conn: &Connection, key: &str) -> Result<Option<EntityScope>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT kind, owner, department, project, draft, granted, created_by_window FROM entity_heads WHERE entity_key = ?1",
        )?
        .query_row(params![key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })
        .optional()?;
    let Some((kind, owner, department, project, draft, granted, created_by_window)) = row else {
        return Ok(None);
    };
    let kind = EntityKind::parse(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("entity kind {kind}")))?;
    let project_departments = project_departments(conn, &project)?;
    Ok(Some(EntityScope {
        kind,
        owner: OrganisationId::new(owner),
        department: department.map(DepartmentCode::new),
        project: permitdesk_domain::ids::ProjectId::new(project),
        draft,
        granted,
        created_by_window,
        project_departments,
    }))
}

fn attachment_access(
    conn: &Connection,
    sha: &str,
    user: &UserRecord,
) -> Result<AttachmentAccess, StoreError> {
    let stored = conn
        .prepare_cached("SELECT 1 FROM attachments WHERE sha256 = ?1")?
        .exists(params![sha])?;
    if !stored {
        return Ok(AttachmentAccess::Missing);
    }
    let (uploaded, linked) = uploader_and_links(conn, sha, user)?;
    Ok(if may_use_attachment(&user.viewer(), uploaded, &linked) {
        AttachmentAccess::Usable
    } else {
        AttachmentAccess::NotYours
    })
}

fn uploader_and_links(
    conn: &Connection,
    sha: &str,
    user: &UserRecord,
) -> Result<(bool, Vec<EntityScope>), StoreError> {
    let uploaded = conn
        .prepare_cached("SELECT 1 FROM attachment_uploaders WHERE sha256 = ?1 AND user_id = ?2")?
        .exists(params![sha, user.id.as_str()])?;
    let keys: Vec<String> = conn
        .prepare_cached("SELECT entity_key FROM attachment_links WHERE sha256 = ?1")?
        .query_map(params![sha], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut linked = Vec::new();
    for k in keys {
        if let Some(s) = load_scope(conn, &k)? {
            linked.push(s);
        }
    }
    Ok((uploaded, linked))
}

fn load_for(conn: &Connection, needs: &Needs, user: &UserRecord) -> Result<Loaded, StoreError> {
    let entity = load_entity(conn, &needs.entity_key)?;
    let project = match &needs.project_key {
        Some(k) => load_entity(conn, k)?,
        None => None,
    };
    let mut attachments = Vec::new();
    for a in &needs.attachments {
        let access = if sync::valid_sha256(a.as_str()) {
            attachment_access(conn, a.as_str(), user)?
        } else {
            AttachmentAccess::Missing
        };
        attachments.push((a.clone(), access));
    }
    Ok(Loaded {
        entity,
        project,
        attachments,
    })
}

fn last_mutation(conn: &Connection, client_id: &str) -> Result<u64, StoreError> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT last_mutation_id FROM clients WHERE client_id = ?1")?
        .query_row(params![client_id], |r| r.get(0))
        .optional()?;
    Ok(v.unwrap_or(0).max(0) as u64)
}

fn write_decided(
    conn: &Connection,
    d: &Decided,
    client_id: &str,
    mutation_id: u64,
    now: DateTime<Utc>,
) -> Result<Vec<u64>, StoreError> {
    let n = d.events.len() as i64;
    let end: i64 = conn
        .prepare_cached("UPDATE sync_counter SET value = value + ?1 WHERE id = 1 RETURNING value")?
        .query_row(params![n], |r| r.get(0))?;
    let mut seqs = Vec::with_capacity(d.events.len());
    let received = fmt_time(now);
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (server_seq, entity_key, entity_seq, event, hash, prev_hash, acted_at, received_at, client_id, mutation_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, e) in d.events.iter().enumerate() {
        let seq = end - n + 1 + i as i64;
        insert.execute(params![
            seq,
            d.head.entity_key,
            e.entity_seq as i64,
            e.json,
            e.hash,
            e.prev_hash,
            fmt_time(e.acted_at),
            received,
            client_id,
            mutation_id as i64
        ])?;
        seqs.push(seq as u64);
    }
    let h = &d.head;
    conn.prepare_cached(
        "INSERT INTO entity_heads (entity_key, kind, entity_id, version, hash, state, owner, department, project, draft, granted, created_by_window, last_event_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (entity_key) DO UPDATE SET version = excluded.version, hash = excluded.hash, state = excluded.state,
           owner = excluded.owner, department = excluded.department, project = excluded.project, draft = excluded.draft,
           granted = excluded.granted, created_by_window = excluded.created_by_window, last_event_at = excluded.last_event_at",
    )?
    .execute(params![
        h.entity_key,
        h.kind.as_str(),
        h.entity_id,
        h.version as i64,
        h.hash,
        h.state,
        h.scope.owner.as_str(),
        h.scope.department.as_ref().map(|d| d.as_str()),
        h.scope.project.as_str(),
        h.scope.draft,
        h.scope.granted,
        h.scope.created_by_window,
        fmt_time(h.last_event_at)
    ])?;
    for a in &d.links {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO attachment_links (sha256, entity_key) VALUES (?1, ?2)",
        )?
        .execute(params![a.as_str(), h.entity_key])?;
    }
    if let Some((p, dept)) = &d.share {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO project_departments (project, department) VALUES (?1, ?2)",
        )?
        .execute(params![p.as_str(), dept.as_str()])?;
    }
    for (p, dept) in &d.see {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO project_departments (project, department) VALUES (?1, ?2)",
        )?
        .execute(params![p.as_str(), dept.as_str()])?;
    }
    Ok(seqs)
}

/// One command, inside the caller's transaction or savepoint: the duplicate check, the
/// decision, and its writes (events and head, or the refusal), and the client's mutation id.
fn apply_one(
    conn: &Connection,
    env: &PushEnv,
    user: &UserRecord,
    client_id: &str,
    cmd: &CommandEnvelope,
) -> Result<CommandOutcome, StoreError> {
    if cmd.mutation_id <= last_mutation(conn, client_id)? {
        return Ok(CommandOutcome::Duplicate);
    }
    let now = env.clock.now();
    let needs = sync::needs(cmd);
    let loaded = load_for(conn, &needs, user)?;
    let outcome = match sync::decide(user, cmd, &loaded, &env.reference, &env.rules, now) {
        Ok(d) => CommandOutcome::Applied {
            server_seqs: write_decided(conn, &d, client_id, cmd.mutation_id, now)?,
        },
        Err(refusal) => {
            conn.prepare_cached("INSERT INTO refusals (client_id, mutation_id, user_id, reason, refused_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![client_id, cmd.mutation_id as i64, user.id.as_str(), serde_json::to_string(&refusal)?, fmt_time(now)])?;
            CommandOutcome::Refused { refusal }
        }
    };
    conn.prepare_cached(
        "INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (client_id) DO UPDATE SET user_id = excluded.user_id, last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at",
    )?
    .execute(params![client_id, user.id.as_str(), cmd.mutation_id as i64, fmt_time(now)])?;
    Ok(outcome)
}

/// Each command in its own transaction; with `group > 1`, up to `group` commands share one
/// SQLite transaction, each inside its own savepoint (still all-or-nothing per command, and
/// nothing is answered before the commit), so that the WAL frames of the shared pages
/// (counter, client, indexes) are written once per group instead of once per command.
fn push_blocking(
    conn: &mut Connection,
    group: usize,
    env: &PushEnv,
    user: &UserRecord,
    client_id: &str,
    commands: &[CommandEnvelope],
) -> Result<PushResult, StoreError> {
    let mut results = Vec::with_capacity(commands.len());
    for chunk in commands.chunks(group.max(1)) {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(chunk.len());
        for cmd in chunk {
            let outcome = if group <= 1 {
                apply_one(&tx, env, user, client_id, cmd)?
            } else {
                let sp = tx.savepoint()?;
                let o = apply_one(&sp, env, user, client_id, cmd)?;
                sp.commit()?;
                o
            };
            outcomes.push(CommandResult {
                mutation_id: cmd.mutation_id,
                outcome,
            });
        }
        tx.commit()?;
        results.extend(outcomes);
    }
    Ok(PushResult {
        results,
        last_mutation_id: last_mutation(conn, client_id)?,
    })
}

/// What one pull has learnt about the client's copies, and the page it is building.
struct Gain<'a> {
    conn: &'a Connection,
    viewer: &'a crate::scope::Viewer<'a>,
    client_id: &'a str,
    removed: &'a HashSet<String>,
    held: &'a mut HashMap<String, bool>,
    delivered: &'a mut Vec<String>,
    events: &'a mut Vec<StoredEvent>,
}

impl Gain<'_> {
    fn holds(&mut self, key: &str) -> Result<bool, StoreError> {
        if let Some(h) = self.held.get(key) {
            return Ok(*h);
        }
        let h = !self.removed.contains(key)
            && self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM client_entities WHERE client_id = ?1 AND entity_key = ?2",
                )?
                .exists(params![self.client_id, key])?;
        self.held.insert(key.to_owned(), h);
        Ok(h)
    }

    fn history(&mut self, key: &str, before: i64) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = ?1 AND server_seq < ?2 ORDER BY entity_seq",
        )?;
        let rows = stmt.query_map(params![key, before], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (s, k, es, j, rcv) = row?;
            self.events.push(stored(s, k, es, j, &rcv)?);
        }
        Ok(())
    }

    /// The client starts holding `key` (visible, not held) at event `seq`. Access gained
    /// after the cursor passed the entity's first events brings its earlier history along
    /// (below the cursor); a case that made its project shared also brings the project and
    /// the project's other cases now visible (granted ones), which have no new event to carry
    /// them. `catch_up` is false on a first pull from 0, where nothing can have been passed.
    fn gain(
        &mut self,
        key: &str,
        scope: &EntityScope,
        seq: i64,
        catch_up: bool,
    ) -> Result<(), StoreError> {
        self.held.insert(key.to_owned(), true);
        self.delivered.push(key.to_owned());
        if !catch_up {
            return Ok(());
        }
        let mut related: Vec<String> = Vec::new();
        if scope.kind == EntityKind::Case {
            related.push(format!("project:{}", scope.project));
        }
        let cases: Vec<String> = self
            .conn
            .prepare_cached("SELECT entity_key FROM entity_heads WHERE project = ?1 AND kind = 'case' ORDER BY entity_key")?
            .query_map(params![scope.project.as_str()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        related.extend(cases);
        for k in related {
            if k == key || self.holds(&k)? {
                continue;
            }
            if load_scope(self.conn, &k)?.is_some_and(|s| crate::scope::may_see(self.viewer, &s)) {
                self.held.insert(k.clone(), true);
                self.delivered.push(k.clone());
                self.history(&k, seq)?;
            }
        }
        self.history(key, seq)
    }
}

/// What a pull read, and what it must record about the client afterwards.
struct PullScan {
    page: PullPage,
    delivered: Vec<String>,
    update_client: bool,
    fingerprint: String,
}

/// Upper bound of rows one pull scans (invisible rows included), so a pull stays short.
fn scan_budget(limit: u32) -> usize {
    (limit as usize).saturating_mul(4).clamp(1000, 40_000)
}

fn pull_scan(
    conn: &Connection,
    user: &UserRecord,
    client_id: &str,
    after: u64,
    limit: u32,
) -> Result<PullScan, StoreError> {
    let client: Option<(i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT last_mutation_id, scope_fingerprint FROM clients WHERE client_id = ?1",
        )?
        .query_row(params![client_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let last_mutation_id = client.as_ref().map(|c| c.0.max(0) as u64).unwrap_or(0);
    let stored_fp = client.and_then(|c| c.1);
    let fingerprint = user.scope_fingerprint();
    let viewer = user.viewer();
    let mut scopes: HashMap<String, Option<EntityScope>> = HashMap::new();
    let mut removals = Vec::new();
    let mut removed: HashSet<String> = HashSet::new();
    if stored_fp.as_deref().is_some_and(|fp| fp != fingerprint) {
        let held: Vec<String> = conn
            .prepare_cached("SELECT entity_key FROM client_entities WHERE client_id = ?1")?
            .query_map(params![client_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for k in held {
            let visible = load_scope(conn, &k)?.is_some_and(|s| crate::scope::may_see(&viewer, &s));
            if !visible {
                if let Some(r) = EntityRef::from_key(&k) {
                    removals.push(r);
                }
                removed.insert(k);
            }
        }
    }
    let mut events = Vec::new();
    let mut delivered_new: Vec<String> = Vec::new();
    let mut held: HashMap<String, bool> = HashMap::new();
    let mut cursor = after;
    let budget = scan_budget(limit);
    let mut scanned = 0usize;
    let mut scan = conn.prepare_cached(
        "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > ?1 ORDER BY server_seq LIMIT ?2",
    )?;
    let mut exhausted = false;
    'outer: while scanned < budget {
        let rows: Vec<(i64, String, i64, String, String)> = scan
            .query_map(params![cursor as i64, SCAN_BATCH as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        if rows.is_empty() {
            exhausted = true;
            break;
        }
        let short = rows.len() < SCAN_BATCH;
        for (seq, key, entity_seq, json, received) in rows {
            scanned += 1;
            let scope = match scopes.get(&key) {
                Some(s) => s.clone(),
                None => {
                    let s = load_scope(conn, &key)?;
                    scopes.insert(key.clone(), s.clone());
                    s
                }
            };
            if scope
                .as_ref()
                .is_some_and(|s| crate::scope::may_see(&viewer, s))
            {
                let mut g = Gain {
                    conn,
                    viewer: &viewer,
                    client_id,
                    removed: &removed,
                    held: &mut held,
                    delivered: &mut delivered_new,
                    events: &mut events,
                };
                if !g.holds(&key)?
                    && let Some(sc) = scope.as_ref()
                {
                    g.gain(&key, sc, seq, after > 0)?;
                }
                events.push(stored(seq, key, entity_seq, json, &received)?);
            }
            cursor = seq as u64;
            if events.len() >= limit as usize {
                break 'outer;
            }
            if scanned >= budget {
                break 'outer;
            }
        }
        if short {
            exhausted = true;
            break;
        }
    }
    // A short last batch read to its end: nothing more, no need to ask.
    let has_more = !exhausted
        && conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE server_seq > ?1)")?
            .query_row(params![cursor as i64], |r| r.get::<_, bool>(0))?;
    let update_client = stored_fp.as_deref() != Some(fingerprint.as_str())
        || !delivered_new.is_empty()
        || !removals.is_empty();
    Ok(PullScan {
        page: PullPage {
            events,
            removals,
            cursor,
            has_more,
            last_mutation_id,
        },
        delivered: delivered_new,
        update_client,
        fingerprint,
    })
}

fn stored(
    seq: i64,
    key: String,
    entity_seq: i64,
    json: String,
    received: &str,
) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        server_seq: seq as u64,
        entity_key: key,
        entity_seq: entity_seq as u64,
        received_at: parse_time(received)?,
        json,
    })
}

fn upload_status(
    sha: &str,
    size: i64,
    received: i64,
    complete: bool,
    content_type: Option<String>,
) -> UploadStatus {
    UploadStatus {
        id: permitdesk_domain::ids::AttachmentId::new(sha),
        size: size.max(0) as u64,
        received: received.max(0) as u64,
        complete,
        content_type,
    }
}

/// Uploads are kept per (file, user) until complete: a user gains access to a stored file only
/// by sending its whole content, never by knowing its hash.
#[allow(clippy::too_many_arguments)]
fn put_chunk_blocking(
    conn: &mut Connection,
    sha: &str,
    offset: u64,
    total: u64,
    data: &[u8],
    user: &UserRecord,
    limits: UploadLimits,
    now: DateTime<Utc>,
) -> Result<Result<UploadStatus, UploadError>, StoreError> {
    let uid = user.id.as_str();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let upload: Option<(i64, i64)> = tx
        .query_row(
            "SELECT size, received FROM uploads WHERE sha256 = ?1 AND user_id = ?2",
            params![sha, uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let existing = upload.map(|(size, received)| (size as u64, received as u64));
    let end = match check_chunk(existing, offset, total, data.len() as u64, limits) {
        Ok(end) => end,
        Err(e) => return Ok(Err(e)),
    };
    if upload.is_none() {
        tx.execute(
            "INSERT INTO uploads (sha256, user_id, size, received, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
            params![sha, uid, total as i64, fmt_time(now)],
        )?;
    }
    if !data.is_empty() {
        tx.execute(
            "INSERT INTO attachment_parts (sha256, user_id, offset, data) VALUES (?1, ?2, ?3, ?4)",
            params![sha, uid, offset as i64, data],
        )?;
    }
    tx.execute(
        "UPDATE uploads SET received = ?3 WHERE sha256 = ?1 AND user_id = ?2",
        params![sha, uid, end as i64],
    )?;
    if end < total {
        tx.commit()?;
        return Ok(Ok(upload_status(
            sha,
            total as i64,
            end as i64,
            false,
            None,
        )));
    }
    let mut content = Vec::with_capacity(total as usize);
    {
        let mut stmt = tx.prepare(
            "SELECT data FROM attachment_parts WHERE sha256 = ?1 AND user_id = ?2 ORDER BY offset",
        )?;
        let mut rows = stmt.query(params![sha, uid])?;
        while let Some(r) = rows.next()? {
            let part: Vec<u8> = r.get(0)?;
            content.extend_from_slice(&part);
        }
    }
    // Complete or rejected, the upload is over: the next attempt starts clean.
    tx.execute(
        "DELETE FROM attachment_parts WHERE sha256 = ?1 AND user_id = ?2",
        params![sha, uid],
    )?;
    tx.execute(
        "DELETE FROM uploads WHERE sha256 = ?1 AND user_id = ?2",
        params![sha, uid],
    )?;
    let kind = match verdict(&content, sha) {
        Ok(k) => k,
        Err(e) => {
            tx.commit()?;
            return Ok(Err(e));
        }
    };
    tx.execute(
        "INSERT OR IGNORE INTO attachments (sha256, size, content_type, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sha, total as i64, kind, content, fmt_time(now)],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO attachment_uploaders (sha256, user_id) VALUES (?1, ?2)",
        params![sha, uid],
    )?;
    tx.commit()?;
    Ok(Ok(upload_status(
        sha,
        total as i64,
        total as i64,
        true,
        Some(kind.to_owned()),
    )))
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
        .await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = key.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn upsert_organisation(&self, org: &Organisation) -> Result<(), StoreError> {
        let org = org.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO organisations (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                params![org.id.as_str(), org.name],
            )?;
            Ok(())
        })
        .await
    }

    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, name FROM organisations ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Organisation {
                    id: OrganisationId::new(r.get::<_, String>(0)?),
                    name: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn create_user(&self, user: &UserRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        let u = user.clone();
        let role = role_str(u.role)?;
        self.write(move |c| {
            let exists = c.prepare("SELECT 1 FROM users WHERE id = ?1")?.exists(params![u.id.as_str()])?;
            if exists {
                return Err(StoreError::Conflict(format!("用户 {} 已存在", u.id)));
            }
            c.execute(
                "INSERT INTO users (id, name, role, department, organisation, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    u.id.as_str(),
                    u.name,
                    role,
                    u.department.as_ref().map(|d| d.as_str()),
                    u.organisation.as_ref().map(|o| o.as_str()),
                    u.password_hash,
                    u.disabled,
                    fmt_time(now)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn user(&self, id: &UserId) -> Result<Option<UserRecord>, StoreError> {
        let id = id.to_string();
        self.read(move |c| {
            let row = c
                .query_row(
                    &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                    params![id],
                    user_from_row,
                )
                .optional()?;
            row.map(to_user).transpose()
        })
        .await
    }

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
            let rows: Vec<UserRow> = stmt
                .query_map([], user_from_row)?
                .collect::<Result<_, _>>()?;
            rows.into_iter().map(to_user).collect()
        })
        .await
    }

    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.write(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![id, disabled],
            )?;
            if disabled {
                tx.execute(
                    "UPDATE tokens SET revoked = 1 WHERE user_id = ?1",
                    params![id],
                )?;
            }
            tx.commit()?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_password_hash(&self, id: &UserId, hash: &str) -> Result<bool, StoreError> {
        let (id, hash) = (id.to_string(), hash.to_owned());
        self.write(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                params![id, hash],
            )?;
            tx.execute(
                "UPDATE tokens SET revoked = 1 WHERE user_id = ?1",
                params![id],
            )?;
            tx.commit()?;
            Ok(n > 0)
        })
        .await
    }

    async fn update_user_scope(
        &self,
        id: &UserId,
        role: Role,
        department: Option<&DepartmentCode>,
        organisation: Option<&OrganisationId>,
    ) -> Result<bool, StoreError> {
        let (id, role) = (id.to_string(), role_str(role)?);
        let department = department.map(|d| d.to_string());
        let organisation = organisation.map(|o| o.to_string());
        self.write(move |c| {
            let n = c.execute(
                "UPDATE users SET role = ?2, department = ?3, organisation = ?4 WHERE id = ?1",
                params![id, role, department, organisation],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn insert_token(
        &self,
        hash: &str,
        user: &UserId,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (hash, user) = (hash.to_owned(), user.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![hash, user, fmt_time(created), fmt_time(expires)],
            )?;
            Ok(())
        })
        .await
    }

    async fn token_user(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let hash = hash.to_owned();
        self.read(move |c| {
            let row = c
                .query_row(
                    "SELECT u.id, u.name, u.role, u.department, u.organisation, u.password_hash, u.disabled
                     FROM tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.hash = ?1 AND t.revoked = 0 AND t.expires_at > ?2 AND u.disabled = 0",
                    params![hash, fmt_time(now)],
                    user_from_row,
                )
                .optional()?;
            row.map(to_user).transpose()
        })
        .await
    }

    async fn revoke_token(&self, hash: &str) -> Result<(), StoreError> {
        let hash = hash.to_owned();
        self.write(move |c| {
            c.execute(
                "UPDATE tokens SET revoked = 1 WHERE hash = ?1",
                params![hash],
            )?;
            Ok(())
        })
        .await
    }

    async fn push(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        client_id: &str,
        commands: &[CommandEnvelope],
    ) -> Result<PushResult, StoreError> {
        let (env, user, client_id, commands) = (
            env.clone(),
            user.clone(),
            client_id.to_owned(),
            commands.to_vec(),
        );
        let group = self.group_commit;
        self.write(move |c| push_blocking(c, group, &env, &user, &client_id, &commands))
            .await
    }

    async fn pull(
        &self,
        user: &UserRecord,
        client_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        let (u, cid) = (user.clone(), client_id.to_owned());
        let scan = self
            .read(move |c| pull_scan(c, &u, &cid, after, limit))
            .await?;
        if scan.update_client {
            let (user_id, cid) = (user.id.to_string(), client_id.to_owned());
            let (delivered, fingerprint) = (scan.delivered.clone(), scan.fingerprint.clone());
            let removed: Vec<String> = scan.page.removals.iter().map(|r| r.key()).collect();
            self.write(move |c| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                tx.execute(
                    "INSERT INTO clients (client_id, user_id, last_mutation_id, scope_fingerprint, updated_at) VALUES (?1, ?2, 0, ?3, ?4)
                     ON CONFLICT (client_id) DO UPDATE SET user_id = excluded.user_id, scope_fingerprint = excluded.scope_fingerprint",
                    params![cid, user_id, fingerprint, fmt_time(Utc::now())],
                )?;
                for k in &removed {
                    tx.execute("DELETE FROM client_entities WHERE client_id = ?1 AND entity_key = ?2", params![cid, k])?;
                }
                for k in &delivered {
                    tx.execute("INSERT OR IGNORE INTO client_entities (client_id, entity_key) VALUES (?1, ?2)", params![cid, k])?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        }
        Ok(scan.page)
    }

    async fn last_mutation_id(&self, client_id: &str) -> Result<u64, StoreError> {
        let cid = client_id.to_owned();
        self.read(move |c| last_mutation(c, &cid)).await
    }

    async fn refusals(
        &self,
        client_id: &str,
        user: &UserId,
        after_mutation: u64,
    ) -> Result<Vec<RefusalRecord>, StoreError> {
        let (cid, uid) = (client_id.to_owned(), user.to_string());
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT mutation_id, reason, refused_at FROM refusals WHERE client_id = ?1 AND user_id = ?2 AND mutation_id > ?3
                 ORDER BY mutation_id LIMIT 1000",
            )?;
            let rows: Vec<(i64, String, String)> = stmt
                .query_map(params![cid, uid, after_mutation as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(m, reason, at)| Ok(RefusalRecord { mutation_id: m as u64, refusal: serde_json::from_str(&reason)?, refused_at: parse_time(&at)? }))
                .collect()
        })
        .await
    }

    async fn events_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > ?1 ORDER BY server_seq LIMIT ?2",
            )?;
            let rows: Vec<(i64, String, i64, String, String)> = stmt
                .query_map(params![after as i64, i64::from(limit)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(s, k, es, j, rcv)| stored(s, k, es, j, &rcv))
                .collect()
        })
        .await
    }

    async fn max_server_seq(&self) -> Result<u64, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM sync_counter WHERE id = 1", [], |r| {
                    r.get::<_, i64>(0)
                })?
                .max(0) as u64,
            )
        })
        .await
    }

    async fn entity_events(&self, entity_key: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let key = entity_key.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = ?1 ORDER BY entity_seq",
            )?;
            let rows: Vec<(i64, String, i64, String, String)> =
                stmt.query_map(params![key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<Result<_, _>>()?;
            rows.into_iter().map(|(s, k, es, j, rcv)| stored(s, k, es, j, &rcv)).collect()
        })
        .await
    }

    async fn attachment_info(
        &self,
        sha256: &str,
        user: &UserRecord,
    ) -> Result<Option<AttachmentInfo>, StoreError> {
        let (sha, user) = (sha256.to_owned(), user.clone());
        self.read(move |c| {
            let stored: Option<(i64, String)> = c
                .query_row(
                    "SELECT size, content_type FROM attachments WHERE sha256 = ?1",
                    params![sha],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let upload: Option<(i64, i64)> = c
                .query_row(
                    "SELECT size, received FROM uploads WHERE sha256 = ?1 AND user_id = ?2",
                    params![sha, user.id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if stored.is_none() && upload.is_none() {
                return Ok(None);
            }
            let (uploaded_by_user, linked) = uploader_and_links(c, &sha, &user)?;
            Ok(Some(AttachmentInfo {
                stored: stored.map(|(size, ct)| upload_status(&sha, size, size, true, Some(ct))),
                upload: upload
                    .map(|(size, received)| upload_status(&sha, size, received, false, None)),
                uploaded_by_user,
                linked,
            }))
        })
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn put_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        data: &[u8],
        user: &UserRecord,
        limits: UploadLimits,
        now: DateTime<Utc>,
    ) -> Result<Result<UploadStatus, UploadError>, StoreError> {
        let (sha, data, user) = (sha256.to_owned(), data.to_vec(), user.clone());
        self.write(move |c| put_chunk_blocking(c, &sha, offset, total, &data, &user, limits, now))
            .await
    }

    async fn attachment_content(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let sha = sha256.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT content FROM attachments WHERE sha256 = ?1",
                params![sha],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn cases_under_clock(&self) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
        self.read(|c| trails_where(c, "SELECT entity_key FROM entity_heads WHERE kind = 'case' AND state IN ('in_review', 'paused') ORDER BY entity_key", super::case_event))
        .await
    }

    async fn run_once(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let (a, by) = (action.clone(), by.to_owned());
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.key, a.kind, a.entity_key, fmt_time(now), by],
            )?;
            if n == 1 {
                tx.execute(
                    "INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![a.key, a.entity_key, a.kind, a.notification.to_string(), fmt_time(now)],
                )?;
            }
            tx.commit()?;
            Ok(n == 1)
        })
        .await
    }

    async fn run_system_commands(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        actions: &[(ScheduledAction, CommandEnvelope)],
        by: &str,
    ) -> Result<Vec<Option<CommandOutcome>>, StoreError> {
        let (env, user, actions, by) = (env.clone(), user.clone(), actions.to_vec(), by.to_owned());
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = env.clock.now();
            let mut out = Vec::with_capacity(actions.len());
            for (a, cmd) in &actions {
                let n = tx.execute(
                    "INSERT OR IGNORE INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![a.key, a.kind, a.entity_key, fmt_time(now), by],
                )?;
                if n == 0 {
                    out.push(None);
                    continue;
                }
                let needs = sync::needs(cmd);
                let loaded = load_for(&tx, &needs, &user)?;
                let outcome = match sync::decide(&user, cmd, &loaded, &env.reference, &env.rules, now) {
                    Ok(d) => {
                        let server_seqs = write_decided(&tx, &d, "system", 0, now)?;
                        tx.execute(
                            "INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![a.key, a.entity_key, a.kind, a.notification.to_string(), fmt_time(now)],
                        )?;
                        CommandOutcome::Applied { server_seqs }
                    }
                    Err(refusal) => {
                        if !sync::system_action_done(&refusal) {
                            tx.execute("DELETE FROM scheduled_actions WHERE key = ?1", params![a.key])?;
                        }
                        CommandOutcome::Refused { refusal }
                    }
                };
                out.push(Some(outcome));
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn consultations_consulting(
        &self,
    ) -> Result<Vec<Vec<permitdesk_domain::consultation::ConsultationEvent>>, StoreError> {
        self.read(|c| trails_where(c, "SELECT entity_key FROM entity_heads WHERE kind = 'consultation' AND state = 'consulting' ORDER BY entity_key", super::consultation_event))
        .await
    }

    async fn interaction_trails(
        &self,
        kind: EntityKind,
        open_only: bool,
    ) -> Result<Vec<Vec<DomainEvent>>, StoreError> {
        self.read(move |c| {
            trails_where(c, super::interaction_sql(kind, open_only), super::any_event)
        })
        .await
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt =
                c.prepare("SELECT id, entity_key, kind, payload, created_at FROM notifications WHERE id > ?1 ORDER BY id LIMIT ?2")?;
            let rows: Vec<(i64, String, String, String, String)> = stmt
                .query_map(params![after as i64, limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, entity_key, kind, payload, at)| {
                    Ok(NotificationRecord { id: id as u64, entity_key, kind, payload: serde_json::from_str(&payload)?, created_at: parse_time(&at)? })
                })
                .collect()
        })
        .await
    }

    async fn entity_scope(&self, entity_key: &str) -> Result<Option<EntityScope>, StoreError> {
        let key = entity_key.to_owned();
        self.read(move |c| load_scope(c, &key)).await
    }

    async fn open_cases(&self) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
        self.read(|c| trails_where(c, super::OPEN_CASES_SQL, super::case_event))
            .await
    }

    async fn reference_put(
        &self,
        kind: ReferenceKind,
        expected_current: u64,
        content: &str,
        sha256: &str,
        changed_by: &str,
        changed_at: DateTime<Utc>,
        changes: &[String],
    ) -> Result<u64, StoreError> {
        let changes = serde_json::to_string(changes)?;
        let (content, sha256, changed_by) =
            (content.to_owned(), sha256.to_owned(), changed_by.to_owned());
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current: i64 = tx.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM reference_versions WHERE kind = ?1",
                params![kind.as_str()],
                |r| r.get(0),
            )?;
            if current != expected_current as i64 {
                return Err(super::stale_reference(kind, expected_current));
            }
            let version = current + 1;
            tx.execute(
                "INSERT INTO reference_versions (kind, version, content, sha256, changed_by, changed_at, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![kind.as_str(), version, content, sha256, changed_by, fmt_time(changed_at), changes],
            )?;
            tx.commit()?;
            Ok(version as u64)
        })
        .await
    }

    async fn reference_latest(
        &self,
        kind: ReferenceKind,
    ) -> Result<Option<ReferenceDoc>, StoreError> {
        self.read(move |c| {
            let row = c
                .query_row(
                    "SELECT version, content, sha256, changed_by, changed_at, changes FROM reference_versions WHERE kind = ?1 ORDER BY version DESC LIMIT 1",
                    params![kind.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(version, content, sha256, changed_by, at, changes)| {
                Ok(ReferenceDoc {
                    kind,
                    version: version as u64,
                    content,
                    sha256,
                    changed_at: parse_time(&at)?,
                    changed_by,
                    changes: serde_json::from_str(&changes)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn reference_versions(&self) -> Result<ReferenceVersions, StoreError> {
        self.read(|c| {
            let rows: Vec<(String, i64)> = c
                .prepare_cached("SELECT kind, MAX(version) FROM reference_versions GROUP BY kind")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok(super::all_versions(rows))
        })
        .await
    }

    async fn reference_history(
        &self,
        kind: Option<ReferenceKind>,
    ) -> Result<Vec<ReferenceChange>, StoreError> {
        self.read(move |c| {
            let rows: Vec<(String, i64, String, String, String)> = c
                .prepare(
                    "SELECT kind, version, changed_by, changed_at, changes FROM reference_versions WHERE ?1 IS NULL OR kind = ?1 ORDER BY kind, version",
                )?
                .query_map(params![kind.map(|k| k.as_str())], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(kind, version, changed_by, at, changes)| {
                    Ok(ReferenceChange {
                        kind: super::parse_kind(&kind)?,
                        version: version as u64,
                        changed_by,
                        changed_at: parse_time(&at)?,
                        changes: serde_json::from_str(&changes)?,
                    })
                })
                .collect()
        })
        .await
    }
}

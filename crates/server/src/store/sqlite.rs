//! The embedded backend: one SQLite file in WAL mode. One writer connection (SQLite has one
//! writer anyway) serialises every write transaction, which also makes server sequence numbers
//! follow commit order; readers use a small pool and see consistent snapshots beside it.
//!
//! `synchronous = NORMAL`: a committed transaction survives a killed process (the WAL is in the
//! OS cache), and only a power cut can lose the last ones — the usual WAL trade for the
//! thousands of transactions per second push needs.

use super::rules::{self, Sql};
use super::*;
use crate::sync;
use permitdesk_protocol::{CommandOutcome, DomainEvent, Refusal};
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
    // 3: 层级权限, the review levels each reviewer may sign (issue 14).
    r#"
ALTER TABLE users ADD COLUMN levels TEXT NOT NULL DEFAULT '[]';
"#,
    // 4: the sync identity: a token is bound to the client id its login claimed (issue 15).
    r#"
ALTER TABLE tokens ADD COLUMN client_id TEXT;
ALTER TABLE clients ADD COLUMN last_contact_at TEXT;
"#,
    // 5: failed logins counted in the database (shared by every process), and what the upload
    // quota and the expiry of unfinished uploads read by (issue 15).
    r#"
CREATE TABLE login_failures (
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    window_start TEXT NOT NULL,
    failures INTEGER NOT NULL,
    PRIMARY KEY (name, address)
);
CREATE INDEX login_failures_start ON login_failures(window_start);
CREATE TABLE login_failures_by_address (
    address TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    failures INTEGER NOT NULL
);
CREATE INDEX login_failures_by_address_start ON login_failures_by_address(window_start);
CREATE INDEX attachment_uploaders_user ON attachment_uploaders(user_id);
CREATE INDEX uploads_user ON uploads(user_id);
CREATE INDEX uploads_created ON uploads(created_at);
"#,
    // 6: generic numbering series (certificate numbers now, case numbers later) and the
    // registry of the e-certificates the server issues (issue 14, item 3). Dates are ISO text
    // on both backends; `file` is the signed PDF once rendered (`file_state` = 'issued').
    r#"
CREATE TABLE numbering (series TEXT PRIMARY KEY, last BIGINT NOT NULL);
CREATE TABLE certificates (
    number TEXT PRIMARY KEY,
    entity_key TEXT NOT NULL,
    case_id TEXT NOT NULL,
    item TEXT NOT NULL,
    department TEXT NOT NULL,
    name TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    status TEXT NOT NULL,
    revocation_reason TEXT,
    changed_at TEXT,
    file_state TEXT NOT NULL,
    sha256 TEXT,
    file BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX certificates_case ON certificates(entity_key);
CREATE INDEX certificates_file_state ON certificates(file_state);
"#,
    // 7: 数据共享 (issue 14, item 4): the SPGL batches exported, each covering the events after
    // the previous batch's last server sequence number up to its own (`to_seq`, the cursor).
    r#"
CREATE TABLE exchange_batches (
    number BIGINT PRIMARY KEY,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    since_at TEXT,
    up_to_at TEXT,
    file_count INTEGER NOT NULL,
    row_count BIGINT NOT NULL,
    case_count BIGINT NOT NULL,
    catalogue_version BIGINT NOT NULL,
    directory TEXT NOT NULL,
    written_at TEXT NOT NULL,
    written_by TEXT NOT NULL,
    origin TEXT NOT NULL
);
"#,
    // 8: 短信提醒 (issue 14, item 5): each reviewer's mobile number, and the SMS deliveries of
    // the scheduler's notices, one per notice and user (`crate::sms`).
    r#"
ALTER TABLE users ADD COLUMN phone TEXT;
CREATE TABLE sms_deliveries (
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    phone TEXT,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    receipt TEXT,
    retry_at TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX sms_deliveries_status ON sms_deliveries(status);
"#,
    // 9: 投影快照 (issue 16): stored projections (the statistics' replayed projects and cases)
    // that a restart folds on from instead of replaying every trail (`crate::statistics`).
    r#"
CREATE TABLE projection_snapshots (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, format TEXT NOT NULL);
CREATE TABLE projection_parts (
    name TEXT NOT NULL REFERENCES projection_snapshots(name),
    part INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (name, part)
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
    /// Replayed entity states, checked against the stored head on every use (`super::cache`).
    cache: Arc<super::cache::StateCache>,
}

const MAX_IDLE_READERS: usize = 8;

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
            cache: Arc::default(),
        })
    }

    /// Keeps the replayed states of at most `capacity` entities (0: none, every push
    /// replays the trail).
    pub fn with_state_cache(mut self, capacity: usize) -> SqliteStore {
        self.cache = Arc::new(super::cache::StateCache::new(capacity));
        self
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
        r.get(7)?,
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
    String,
);

fn to_user(row: UserRow) -> Result<UserRecord, StoreError> {
    let (id, name, role, department, organisation, password_hash, disabled, levels) = row;
    Ok(UserRecord {
        id: UserId::new(id),
        name,
        role: parse_role(&role)?,
        department: department.map(DepartmentCode::new),
        organisation: organisation.map(OrganisationId::new),
        password_hash,
        disabled,
        levels: super::parse_levels(&levels)?,
    })
}

const USER_COLUMNS: &str =
    "id, name, role, department, organisation, password_hash, disabled, levels";

fn stored_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn stored(
    (seq, key, entity_seq, json, received): (i64, String, i64, String, String),
) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        server_seq: seq as u64,
        entity_key: key,
        entity_seq: entity_seq as u64,
        received_at: parse_time(&received)?,
        json,
    })
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    v.max(0) as u64
}

/// One registry row as read (see `crate::certificates::REGISTRY_COLUMNS`).
fn lite_registry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<crate::certificates::RegistryRow> {
    Ok(crate::certificates::RegistryRow {
        number: r.get(0)?,
        entity_key: r.get(1)?,
        case_id: r.get(2)?,
        item: r.get(3)?,
        department: r.get(4)?,
        name: r.get(5)?,
        issued_on: r.get(6)?,
        issued_at: r.get(7)?,
        status: r.get(8)?,
        revocation_reason: r.get(9)?,
        changed_at: r.get(10)?,
        file_state: r.get(11)?,
        sha256: r.get(12)?,
        attempts: r.get(13)?,
        last_error: r.get(14)?,
    })
}

/// One `exchange_batches` row as SQLite returns it (`crate::exchange::BATCH_COLUMNS`).
type LiteBatchRow = (
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
);

fn lite_batch(r: LiteBatchRow) -> Result<crate::exchange::ExchangeBatch, StoreError> {
    let (number, from, to, since, up_to, files, rows, cases, version, dir, at, by, origin) = r;
    Ok(crate::exchange::ExchangeBatch {
        number: u(number),
        from_seq: u(from),
        to_seq: u(to),
        since: since.as_deref().map(parse_time).transpose()?,
        up_to: up_to.as_deref().map(parse_time).transpose()?,
        files: u32::try_from(files).unwrap_or(0),
        rows: u(rows),
        cases: u(cases),
        catalogue_version: u(version),
        directory: dir,
        written_at: parse_time(&at)?,
        written_by: by,
        origin: crate::exchange::Origin::parse(&origin)
            .ok_or_else(|| StoreError::Corrupt(format!("exchange_batches.origin {origin}")))?,
    })
}

/// The SQL primitives of [`rules::Sql`] on one SQLite connection, transaction or savepoint.
/// Nothing here waits: [`rules::finish`] drives the rules over it on the blocking thread.
struct Lite<'c>(&'c Connection);

impl Lite<'_> {
    /// Runs one statement (prepared once per connection).
    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<(), StoreError> {
        self.0.prepare_cached(sql)?.execute(p)?;
        Ok(())
    }

    fn strings(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<String>, StoreError> {
        Ok(self
            .0
            .prepare_cached(sql)?
            .query_map(p, |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    fn events(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<StoredEvent>, StoreError> {
        let rows: Vec<_> = self
            .0
            .prepare_cached(sql)?
            .query_map(p, stored_from)?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(stored).collect()
    }
}

impl Lite<'_> {
    /// SMS deliveries (`crate::sms::DELIVERY_COLUMNS`), times stored as text.
    fn deliveries(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        type Row = (
            i64,
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = self
            .0
            .prepare_cached(sql)?
            .query_map(p, |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(n, u, ph, k, e, pa, st, at, er, re, c, up)| {
                crate::sms::SmsDelivery::from_row((
                    n,
                    u,
                    ph,
                    k,
                    e,
                    pa,
                    st,
                    at,
                    er,
                    re,
                    parse_time(&c)?,
                    parse_time(&up)?,
                ))
            })
            .collect()
    }
}

impl rules::Sql for Lite<'_> {
    async fn trail_json(&self, key: &str) -> Result<Vec<String>, StoreError> {
        self.strings(
            "SELECT event FROM events WHERE entity_key = ?1 ORDER BY entity_seq",
            params![key],
        )
    }

    async fn head_at(&self, key: &str) -> Result<Option<(u64, String, String)>, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT version, hash, project FROM entity_heads WHERE entity_key = ?1",
            )?
            .query_row(params![key], |r| Ok((u(r.get(0)?), r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    async fn head_project(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT project FROM entity_heads WHERE entity_key = ?1")?
            .query_row(params![key], |r| r.get(0))
            .optional()?)
    }

    async fn project_departments(
        &self,
        projects: &[String],
    ) -> Result<HashMap<String, Vec<DepartmentCode>>, StoreError> {
        let mut out = HashMap::new();
        for p in projects {
            let departments = self.strings(
                "SELECT department FROM project_departments WHERE project = ?1 ORDER BY department",
                params![p],
            )?;
            out.insert(
                p.clone(),
                departments.into_iter().map(DepartmentCode::new).collect(),
            );
        }
        Ok(out)
    }

    async fn scope_rows(&self, keys: &[String]) -> Result<Vec<rules::ScopeRow>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT entity_key, kind, owner, department, project, draft, granted, created_by_window FROM entity_heads WHERE entity_key = ?1",
        )?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let row = stmt
                .query_row(params![k], |r| {
                    Ok(rules::ScopeRow {
                        entity_key: r.get(0)?,
                        kind: r.get(1)?,
                        owner: r.get(2)?,
                        department: r.get(3)?,
                        project: r.get(4)?,
                        draft: r.get(5)?,
                        granted: r.get(6)?,
                        created_by_window: r.get(7)?,
                    })
                })
                .optional()?;
            out.extend(row);
        }
        Ok(out)
    }

    async fn keys_where(&self, sql: &'static str) -> Result<Vec<String>, StoreError> {
        self.strings(sql, [])
    }

    async fn project_case_keys(&self, project: &str) -> Result<Vec<String>, StoreError> {
        self.strings(
            "SELECT entity_key FROM entity_heads WHERE project = ?1 AND kind = 'case' ORDER BY entity_key",
            params![project],
        )
    }

    async fn stored_attachment(&self, sha: &str) -> Result<Option<(u64, String)>, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT size, content_type FROM attachments WHERE sha256 = ?1")?
            .query_row(params![sha], |r| Ok((u(r.get(0)?), r.get(1)?)))
            .optional()?)
    }

    async fn uploaded_by(&self, sha: &str, user: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT 1 FROM attachment_uploaders WHERE sha256 = ?1 AND user_id = ?2",
            )?
            .exists(params![sha, user])?)
    }

    async fn linked_keys_after(
        &self,
        sha: &str,
        after: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        self.strings(
            "SELECT entity_key FROM attachment_links WHERE sha256 = ?1 AND entity_key > ?2 ORDER BY entity_key LIMIT ?3",
            params![sha, after, limit],
        )
    }

    async fn linked_keys(&self, sha: &str) -> Result<Vec<String>, StoreError> {
        self.strings(
            "SELECT entity_key FROM attachment_links WHERE sha256 = ?1",
            params![sha],
        )
    }

    async fn upload_progress(
        &self,
        sha: &str,
        user: &str,
        _lock: bool,
    ) -> Result<Option<(u64, u64)>, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT size, received FROM uploads WHERE sha256 = ?1 AND user_id = ?2",
            )?
            .query_row(params![sha, user], |r| Ok((u(r.get(0)?), u(r.get(1)?))))
            .optional()?)
    }

    async fn start_upload(
        &self,
        sha: &str,
        user: &str,
        total: u64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // The one writer: no parallel first chunk can have come in between.
        self.0.execute(
            "INSERT INTO uploads (sha256, user_id, size, received, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
            params![sha, user, i(total), fmt_time(now)],
        )?;
        Ok(true)
    }

    async fn add_part(
        &self,
        sha: &str,
        user: &str,
        offset: u64,
        data: &[u8],
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO attachment_parts (sha256, user_id, offset, data) VALUES (?1, ?2, ?3, ?4)",
            params![sha, user, i(offset), data],
        )
    }

    async fn set_received(&self, sha: &str, user: &str, end: u64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE uploads SET received = ?3 WHERE sha256 = ?1 AND user_id = ?2",
            params![sha, user, i(end)],
        )
    }

    async fn upload_content(&self, sha: &str, user: &str) -> Result<Vec<u8>, StoreError> {
        let mut content = Vec::new();
        let mut stmt = self.0.prepare(
            "SELECT data FROM attachment_parts WHERE sha256 = ?1 AND user_id = ?2 ORDER BY offset",
        )?;
        let mut rows = stmt.query(params![sha, user])?;
        while let Some(r) = rows.next()? {
            let part: Vec<u8> = r.get(0)?;
            content.extend_from_slice(&part);
        }
        Ok(content)
    }

    async fn end_upload(&self, sha: &str, user: &str) -> Result<(), StoreError> {
        self.0.execute(
            "DELETE FROM attachment_parts WHERE sha256 = ?1 AND user_id = ?2",
            params![sha, user],
        )?;
        self.exec(
            "DELETE FROM uploads WHERE sha256 = ?1 AND user_id = ?2",
            params![sha, user],
        )
    }

    async fn keep_attachment(
        &self,
        sha: &str,
        user: &str,
        content_type: &str,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT OR IGNORE INTO attachments (sha256, size, content_type, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha, content.len() as i64, content_type, content, fmt_time(now)],
        )?;
        self.exec(
            "INSERT OR IGNORE INTO attachment_uploaders (sha256, user_id) VALUES (?1, ?2)",
            params![sha, user],
        )
    }

    async fn lock_user_uploads(&self, _user: &str) -> Result<(), StoreError> {
        // Every write runs on the one writer connection in an IMMEDIATE transaction.
        Ok(())
    }

    async fn upload_usage(&self, user: &str) -> Result<(u64, u64), StoreError> {
        let stored: i64 = self
            .0
            .prepare_cached(
                "SELECT COALESCE(SUM(a.size), 0) FROM attachment_uploaders u JOIN attachments a ON a.sha256 = u.sha256 WHERE u.user_id = ?1",
            )?
            .query_row(params![user], |r| r.get(0))?;
        let in_progress: i64 = self
            .0
            .prepare_cached("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE user_id = ?1")?
            .query_row(params![user], |r| r.get(0))?;
        Ok((u(stored), u(in_progress)))
    }

    async fn uploads_started_before(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT sha256, user_id FROM uploads WHERE created_at < ?1 ORDER BY created_at LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fmt_time(before), limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    async fn expire_upload(
        &self,
        sha: &str,
        user: &str,
        before: DateTime<Utc>,
    ) -> Result<Option<u64>, StoreError> {
        // The one writer: no chunk can come in between.
        let received: Option<i64> = self
            .0
            .prepare_cached(
                "SELECT received FROM uploads WHERE sha256 = ?1 AND user_id = ?2 AND created_at < ?3",
            )?
            .query_row(params![sha, user, fmt_time(before)], |r| r.get(0))
            .optional()?;
        let Some(received) = received else {
            return Ok(None);
        };
        rules::Sql::end_upload(self, sha, user).await?;
        Ok(Some(u(received)))
    }

    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT 'n', failures, window_start FROM login_failures WHERE name = ?1 AND address = ?2 \
             UNION ALL SELECT 'a', failures, window_start FROM login_failures_by_address WHERE address = ?2",
        )?;
        let rows = stmt.query_map(params![name, address], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = crate::auth::FailureCounts::default();
        for row in rows {
            let (which, n, start) = row?;
            let entry = Some((
                u32::try_from(n.max(0)).unwrap_or(u32::MAX),
                parse_time(&start)?,
            ));
            if which == "n" {
                out.by_name = entry;
            } else {
                out.by_address = entry;
            }
        }
        Ok(out)
    }

    async fn bump_login_failures(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
        restart_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (now, restart) = (fmt_time(now), fmt_time(restart_before));
        self.exec(
            "INSERT INTO login_failures (name, address, window_start, failures) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (name, address) DO UPDATE SET \
             failures = CASE WHEN window_start <= ?4 THEN 1 ELSE MIN(failures, 1000000) + 1 END, \
             window_start = CASE WHEN window_start <= ?4 THEN ?3 ELSE window_start END",
            params![name, address, now, restart],
        )?;
        self.exec(
            "INSERT INTO login_failures_by_address (address, window_start, failures) VALUES (?1, ?2, 1) \
             ON CONFLICT (address) DO UPDATE SET \
             failures = CASE WHEN window_start <= ?3 THEN 1 ELSE MIN(failures, 1000000) + 1 END, \
             window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END",
            params![address, now, restart],
        )
    }

    async fn clear_login_failure(&self, name: &str, address: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM login_failures WHERE name = ?1 AND address = ?2",
            params![name, address],
        )
    }

    async fn delete_login_failures_before(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let before = fmt_time(before);
        let a = self.0.execute(
            "DELETE FROM login_failures WHERE window_start <= ?1",
            params![before],
        )?;
        let b = self.0.execute(
            "DELETE FROM login_failures_by_address WHERE window_start <= ?1",
            params![before],
        )?;
        Ok((a + b) as u64)
    }

    async fn trim_login_failures(&self, keep: u64) -> Result<u64, StoreError> {
        let keep = i(keep);
        let a = self.0.execute(
            "DELETE FROM login_failures WHERE window_start < (SELECT window_start FROM login_failures ORDER BY window_start DESC LIMIT 1 OFFSET ?1)",
            params![keep],
        )?;
        let b = self.0.execute(
            "DELETE FROM login_failures_by_address WHERE window_start < (SELECT window_start FROM login_failures_by_address ORDER BY window_start DESC LIMIT 1 OFFSET ?1)",
            params![keep],
        )?;
        Ok((a + b) as u64)
    }

    async fn login_failure_rows(&self) -> Result<u64, StoreError> {
        let n: i64 = self.0.query_row(
            "SELECT (SELECT COUNT(*) FROM login_failures) + (SELECT COUNT(*) FROM login_failures_by_address)",
            [],
            |r| r.get(0),
        )?;
        Ok(u(n))
    }

    async fn number_last(&self, series: &str) -> Result<Option<u64>, StoreError> {
        let last: Option<i64> = self
            .0
            .prepare_cached("SELECT last FROM numbering WHERE series = ?1")?
            .query_row(params![series], |r| r.get(0))
            .optional()?;
        Ok(last.map(u))
    }

    async fn set_number_last(&self, series: &str, last: u64) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO numbering (series, last) VALUES (?1, ?2) ON CONFLICT (series) DO UPDATE SET last = excluded.last",
            params![series, i(last)],
        )
    }

    async fn insert_certificate(
        &self,
        c: &crate::certificates::CertificateRow,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO certificates (number, entity_key, case_id, item, department, name, issued_on, issued_at, status, file_state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                c.number,
                c.entity_key,
                c.case_id,
                c.item,
                c.department,
                c.name,
                c.issued_on.to_string(),
                fmt_time(c.issued_at),
                c.status.as_str(),
                c.file_state.as_str()
            ],
        )
    }

    async fn certificates(
        &self,
        q: &crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError> {
        use crate::certificates::CertificateQuery as Q;
        let cols = crate::certificates::REGISTRY_COLUMNS;
        let rows: Vec<crate::certificates::RegistryRow> = match q {
            Q::All => self
                .0
                .prepare_cached(&format!("SELECT {cols} FROM certificates ORDER BY issued_at, number"))?
                .query_map([], lite_registry_row)?
                .collect::<Result<_, _>>()?,
            Q::Number(n) => self
                .0
                .prepare_cached(&format!("SELECT {cols} FROM certificates WHERE number = ?1"))?
                .query_map(params![n], lite_registry_row)?
                .collect::<Result<_, _>>()?,
            Q::Pending { limit } => self
                .0
                .prepare_cached(&format!("SELECT {cols} FROM certificates WHERE file_state = 'pending' ORDER BY issued_at, number LIMIT ?1"))?
                .query_map(params![i64::from(*limit)], lite_registry_row)?
                .collect::<Result<_, _>>()?,
        };
        rows.into_iter()
            .map(crate::certificates::registry_row)
            .collect()
    }

    async fn update_certificate(
        &self,
        number: &str,
        u: &crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError> {
        use crate::certificates::CertificateUpdate as U;
        let n = match u {
            U::Issued { sha256, file } => self.0.prepare_cached(
                "UPDATE certificates SET file_state = 'issued', sha256 = ?2, file = ?3, last_error = NULL WHERE number = ?1 AND file_state = 'pending'",
            )?.execute(params![number, sha256, file])?,
            U::Failed { error } => self.0.prepare_cached(
                "UPDATE certificates SET attempts = attempts + 1, last_error = ?2 WHERE number = ?1",
            )?.execute(params![number, error])?,
            U::Revoke { reason, at } => self.0.prepare_cached(
                "UPDATE certificates SET status = 'revoked', revocation_reason = ?2, changed_at = ?3 WHERE number = ?1",
            )?.execute(params![number, reason, fmt_time(*at)])?,
            U::Supersede { at } => self.0.prepare_cached(
                "UPDATE certificates SET status = 'superseded', changed_at = ?2 WHERE number = ?1",
            )?.execute(params![number, fmt_time(*at)])?,
        };
        Ok(n > 0)
    }

    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let file: Option<Option<Vec<u8>>> = self
            .0
            .prepare_cached("SELECT file FROM certificates WHERE number = ?1")?
            .query_row(params![number], |r| r.get(0))
            .optional()?;
        Ok(file.flatten())
    }

    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError> {
        let rows: Vec<LiteBatchRow> = self
            .0
            .prepare_cached(&format!(
                "SELECT {} FROM exchange_batches ORDER BY number",
                crate::exchange::BATCH_COLUMNS
            ))?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(lite_batch).collect()
    }

    async fn last_exchange_batch(&self) -> Result<Option<(u64, u64)>, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT number, to_seq FROM exchange_batches ORDER BY number DESC LIMIT 1",
            )?
            .query_row([], |r| Ok((u(r.get(0)?), u(r.get(1)?))))
            .optional()?)
    }

    async fn insert_exchange_batch(
        &self,
        b: &crate::exchange::ExchangeBatch,
    ) -> Result<bool, StoreError> {
        let n = self.0.prepare_cached(&format!(
            "INSERT OR IGNORE INTO exchange_batches ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            crate::exchange::BATCH_COLUMNS
        ))?
        .execute(params![
            i(b.number),
            i(b.from_seq),
            i(b.to_seq),
            b.since.map(fmt_time),
            b.up_to.map(fmt_time),
            i64::from(b.files),
            i(b.rows),
            i(b.cases),
            i(b.catalogue_version),
            b.directory,
            fmt_time(b.written_at),
            b.written_by,
            b.origin.as_str(),
        ])?;
        Ok(n == 1)
    }

    async fn lock_writers(&self) -> Result<(), StoreError> {
        // Every write runs on the one writer connection in an IMMEDIATE transaction.
        Ok(())
    }

    async fn client(&self, client_id: &str) -> Result<Option<rules::ClientRow>, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT last_mutation_id, scope_fingerprint FROM clients WHERE client_id = ?1",
            )?
            .query_row(params![client_id], |r| {
                Ok(rules::ClientRow {
                    last_mutation_id: u(r.get(0)?),
                    scope_fingerprint: r.get(1)?,
                })
            })
            .optional()?)
    }

    async fn allocate_seqs(&self, n: u64) -> Result<u64, StoreError> {
        let end: i64 = self
            .0
            .prepare_cached(
                "UPDATE sync_counter SET value = value + ?1 WHERE id = 1 RETURNING value",
            )?
            .query_row(params![i(n)], |r| r.get(0))?;
        Ok(u(end))
    }

    async fn insert_event(
        &self,
        server_seq: u64,
        entity_key: &str,
        e: &sync::NewEvent,
        received_at: DateTime<Utc>,
        client_id: &str,
        mutation_id: u64,
    ) -> Result<(), StoreError> {
        self.exec("INSERT INTO events (server_seq, entity_key, entity_seq, event, hash, prev_hash, acted_at, received_at, client_id, mutation_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", params![
                i(server_seq),
                entity_key,
                i(e.entity_seq),
                e.json,
                e.hash,
                e.prev_hash,
                fmt_time(e.acted_at),
                fmt_time(received_at),
                client_id,
                i(mutation_id)
            ])
    }

    async fn upsert_head(&self, h: &sync::Head) -> Result<(), StoreError> {
        self.exec("INSERT INTO entity_heads (entity_key, kind, entity_id, version, hash, state, owner, department, project, draft, granted, created_by_window, last_event_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (entity_key) DO UPDATE SET version = excluded.version, hash = excluded.hash, state = excluded.state,
               owner = excluded.owner, department = excluded.department, project = excluded.project, draft = excluded.draft,
               granted = excluded.granted, created_by_window = excluded.created_by_window, last_event_at = excluded.last_event_at", params![
            h.entity_key,
            h.kind.as_str(),
            h.entity_id,
            i(h.version),
            h.hash,
            h.state,
            h.scope.owner.as_str(),
            h.scope.department.as_ref().map(|d| d.as_str()),
            h.scope.project.as_str(),
            h.scope.draft,
            h.scope.granted,
            h.scope.created_by_window,
            fmt_time(h.last_event_at)
        ])
    }

    async fn link_attachment(&self, sha: &str, entity_key: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT OR IGNORE INTO attachment_links (sha256, entity_key) VALUES (?1, ?2)",
            params![sha, entity_key],
        )
    }

    async fn share_project(&self, project: &str, department: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT OR IGNORE INTO project_departments (project, department) VALUES (?1, ?2)",
            params![project, department],
        )
    }

    async fn record_refusal(
        &self,
        client_id: &str,
        mutation_id: u64,
        user: &str,
        refusal: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec("INSERT INTO refusals (client_id, mutation_id, user_id, reason, refused_at) VALUES (?1, ?2, ?3, ?4, ?5)", params![client_id, i(mutation_id), user, serde_json::to_string(refusal)?, fmt_time(now)])
    }

    async fn record_mutation(
        &self,
        client_id: &str,
        user: &str,
        mutation_id: u64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec("INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at", params![client_id, user, i(mutation_id), fmt_time(now)])
    }

    async fn claim_action(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let n = self.0.execute(
            "INSERT OR IGNORE INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.key, a.kind, a.entity_key, fmt_time(now), by],
        )?;
        Ok(n == 1)
    }

    async fn release_action(&self, key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM scheduled_actions WHERE key = ?1", params![key])
    }

    async fn insert_notification(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec("INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", params![a.key, a.entity_key, a.kind, a.notification.to_string(), fmt_time(now)])
    }

    async fn insert_sms_delivery(
        &self,
        action_key: &str,
        d: &crate::sms::PlannedSms,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT OR IGNORE INTO sms_deliveries (notification_id, user_id, phone, params, status, attempts, created_at, updated_at) \
             SELECT id, ?2, ?3, ?4, ?5, 0, ?6, ?6 FROM notifications WHERE action_key = ?1",
            params![
                action_key,
                d.user.as_str(),
                d.phone.as_ref().map(|p| p.as_str()),
                serde_json::to_string(&d.params)?,
                d.status().as_str(),
                fmt_time(now)
            ],
        )
    }

    async fn sms_abandon_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = self.0.prepare_cached(
            "UPDATE sms_deliveries SET status = 'unknown', last_error = ?2, claimed_by = NULL, claimed_until = NULL, updated_at = ?1 \
             WHERE status = 'sending' AND claimed_until < ?1",
        )?
        .execute(params![fmt_time(now), crate::sms::INTERRUPTED])?;
        Ok(n as u64)
    }

    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        self.deliveries(
            &format!(
                "SELECT {} FROM sms_deliveries d JOIN notifications n ON n.id = d.notification_id \
                 WHERE d.phone IS NOT NULL AND (d.status = 'pending' OR (d.status = 'failed' AND d.attempts < ?2 AND d.retry_at <= ?1)) \
                 ORDER BY d.notification_id, d.user_id LIMIT ?3",
                crate::sms::DELIVERY_COLUMNS
            ),
            params![fmt_time(now), i64::from(max_attempts), i64::from(limit)],
        )
    }

    async fn sms_claim(
        &self,
        notification: u64,
        user: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError> {
        let n = self.0.prepare_cached(
            "UPDATE sms_deliveries SET status = 'sending', attempts = attempts + 1, claimed_by = ?5, claimed_until = ?4, updated_at = ?3 \
             WHERE notification_id = ?1 AND user_id = ?2 AND phone IS NOT NULL \
             AND (status = 'pending' OR (status = 'failed' AND attempts < ?6 AND retry_at <= ?3))",
        )?
        .execute(params![
            i(notification),
            user,
            fmt_time(now),
            fmt_time(until),
            by,
            i64::from(max_attempts)
        ])?;
        Ok(n == 1)
    }

    async fn sms_settle(
        &self,
        notification: u64,
        user: &str,
        by: &str,
        settle: &crate::sms::Settle,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.0.prepare_cached(
            "UPDATE sms_deliveries SET status = ?4, last_error = COALESCE(?5, last_error), receipt = ?6, retry_at = ?7, claimed_by = NULL, claimed_until = NULL, updated_at = ?8 \
             WHERE notification_id = ?1 AND user_id = ?2 AND status = 'sending' AND claimed_by = ?3",
        )?
        .execute(params![
            i(notification),
            user,
            by,
            settle.status.as_str(),
            settle.error,
            settle.receipt,
            settle.retry_at.map(fmt_time),
            fmt_time(now)
        ])?;
        Ok(n == 1)
    }

    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        self.deliveries(
            &format!(
                "SELECT {} FROM sms_deliveries d JOIN notifications n ON n.id = d.notification_id \
                 ORDER BY d.notification_id DESC, d.user_id LIMIT ?1",
                crate::sms::DELIVERY_COLUMNS
            ),
            params![i64::from(limit)],
        )
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT id, entity_key, kind, payload, created_at FROM notifications WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows: Vec<(i64, String, String, String, String)> = stmt
            .query_map(params![i(after), i64::from(limit)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, entity_key, kind, payload, at)| {
                Ok(NotificationRecord {
                    id: u(id),
                    entity_key,
                    kind,
                    payload: serde_json::from_str(&payload)?,
                    created_at: parse_time(&at)?,
                })
            })
            .collect()
    }

    async fn client_and_scan(
        &self,
        client_id: &str,
        after: u64,
        batch: u32,
    ) -> Result<(Option<rules::ClientRow>, Vec<StoredEvent>), StoreError> {
        Ok((
            self.client(client_id).await?,
            self.scan(after, batch).await?,
        ))
    }

    async fn scan(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        self.events(
            "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > ?1 ORDER BY server_seq LIMIT ?2",
            params![i(after), i64::from(limit)],
        )
    }

    async fn history(&self, key: &str, before: u64) -> Result<Vec<StoredEvent>, StoreError> {
        self.events(
            "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = ?1 AND server_seq < ?2 ORDER BY entity_seq",
            params![key, i(before)],
        )
    }

    async fn any_event_after(&self, after: u64) -> Result<bool, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE server_seq > ?1)")?
            .query_row(params![i(after)], |r| r.get::<_, bool>(0))?)
    }

    async fn held_keys(&self, client_id: &str) -> Result<Vec<String>, StoreError> {
        self.strings(
            "SELECT entity_key FROM client_entities WHERE client_id = ?1",
            params![client_id],
        )
    }

    async fn held_among(
        &self,
        client_id: &str,
        keys: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT 1 FROM client_entities WHERE client_id = ?1 AND entity_key = ?2",
        )?;
        let mut out = HashSet::new();
        for k in keys {
            if stmt.exists(params![client_id, k])? {
                out.insert(k.clone());
            }
        }
        Ok(out)
    }

    async fn record_client_view(
        &self,
        client_id: &str,
        user: &str,
        fingerprint: &str,
        removed: &[String],
        delivered: &[String],
    ) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO clients (client_id, user_id, last_mutation_id, scope_fingerprint, updated_at) VALUES (?1, ?2, 0, ?3, ?4)
             ON CONFLICT (client_id) DO UPDATE SET scope_fingerprint = excluded.scope_fingerprint",
            params![client_id, user, fingerprint, fmt_time(Utc::now())],
        )?;
        for k in removed {
            self.0.execute(
                "DELETE FROM client_entities WHERE client_id = ?1 AND entity_key = ?2",
                params![client_id, k],
            )?;
        }
        for k in delivered {
            self.0.execute(
                "INSERT OR IGNORE INTO client_entities (client_id, entity_key) VALUES (?1, ?2)",
                params![client_id, k],
            )?;
        }
        Ok(())
    }
}

/// Each command in its own transaction; with `group > 1`, up to `group` commands share one
/// SQLite transaction, each inside its own savepoint (still all-or-nothing per command, and
/// nothing is answered before the commit), so that the WAL frames of the shared pages
/// (counter, client, indexes) are written once per group instead of once per command.
#[allow(clippy::too_many_arguments)]
fn push_blocking(
    conn: &mut Connection,
    cache: &super::cache::StateCache,
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
                rules::finish(rules::push_one(
                    &Lite(&tx),
                    env,
                    user,
                    client_id,
                    cmd,
                    cache,
                ))?
            } else {
                let sp = tx.savepoint()?;
                let o = rules::finish(rules::push_one(
                    &Lite(&sp),
                    env,
                    user,
                    client_id,
                    cmd,
                    cache,
                ))?;
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
        last_mutation_id: rules::finish(rules::last_mutation(&Lite(conn), client_id))?,
    })
}

impl SqliteStore {
    /// Runs `f` over the primitives on a reader connection.
    async fn read_with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&Lite<'c>) -> Result<T, StoreError> + Send + 'static,
    {
        self.read(move |c| f(&Lite(c))).await
    }

    /// Runs `f` over the primitives in one IMMEDIATE transaction of the writer.
    async fn write_with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&Lite<'c>) -> Result<T, StoreError> + Send + 'static,
    {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&Lite(&tx))?;
            tx.commit()?;
            Ok(out)
        })
        .await
    }
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
        let levels = levels_json(&u.levels)?;
        self.write(move |c| {
            let exists = c.prepare("SELECT 1 FROM users WHERE id = ?1")?.exists(params![u.id.as_str()])?;
            if exists {
                return Err(StoreError::Conflict(format!("用户 {} 已存在", u.id)));
            }
            c.execute(
                "INSERT INTO users (id, name, role, department, organisation, password_hash, disabled, created_at, levels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    u.id.as_str(),
                    u.name,
                    role,
                    u.department.as_ref().map(|d| d.as_str()),
                    u.organisation.as_ref().map(|o| o.as_str()),
                    u.password_hash,
                    u.disabled,
                    fmt_time(now),
                    levels
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

    async fn set_user_levels(&self, id: &UserId, levels: &[String]) -> Result<bool, StoreError> {
        let (id, levels) = (id.to_string(), levels_json(levels)?);
        self.write(move |c| {
            let n = c.execute(
                "UPDATE users SET levels = ?2 WHERE id = ?1",
                params![id, levels],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_user_phone(
        &self,
        id: &UserId,
        phone: Option<&permitdesk_domain::codes::PhoneNumber>,
    ) -> Result<bool, StoreError> {
        let (id, phone) = (id.to_string(), phone.map(|p| p.as_str().to_owned()));
        self.write(move |c| {
            let n = c.execute(
                "UPDATE users SET phone = ?2 WHERE id = ?1",
                params![id, phone],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn user_phones(
        &self,
    ) -> Result<Vec<(UserId, permitdesk_domain::codes::PhoneNumber)>, StoreError> {
        self.read(|c| {
            let rows: Vec<(String, String)> = c
                .prepare_cached("SELECT id, phone FROM users WHERE phone IS NOT NULL ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, phone)| super::user_phone(id, &phone))
                .collect()
        })
        .await
    }

    async fn run_once_notifying(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
        deliveries: &[crate::sms::PlannedSms],
    ) -> Result<bool, StoreError> {
        let (a, by, d) = (action.clone(), by.to_owned(), deliveries.to_vec());
        self.write_with(move |l| rules::finish(rules::run_once_notifying(l, &a, now, &by, &d)))
            .await
    }

    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        self.write_with(move |l| rules::finish(rules::due_sms(l, now, max_attempts, limit)))
            .await
    }

    async fn sms_claim(
        &self,
        notification: u64,
        user: &UserId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError> {
        let (user, by) = (user.to_string(), by.to_owned());
        self.write_with(move |l| {
            rules::finish(l.sms_claim(notification, &user, now, until, &by, max_attempts))
        })
        .await
    }

    async fn sms_settle(
        &self,
        notification: u64,
        user: &UserId,
        by: &str,
        settle: &crate::sms::Settle,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (user, by, settle) = (user.to_string(), by.to_owned(), settle.clone());
        self.write_with(move |l| {
            rules::finish(l.sms_settle(notification, &user, &by, &settle, now))
        })
        .await
    }

    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        self.read_with(move |l| rules::finish(l.sms_deliveries(limit)))
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
                    "SELECT u.id, u.name, u.role, u.department, u.organisation, u.password_hash, u.disabled, u.levels
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

    async fn claim_client(
        &self,
        client_id: &str,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        let (client_id, user) = (client_id.to_owned(), user.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES (?1, ?2, 0, ?3)
                 ON CONFLICT (client_id) DO NOTHING",
                params![client_id, user, fmt_time(now)],
            )?;
            let owner: String = c.query_row(
                "SELECT user_id FROM clients WHERE client_id = ?1",
                params![client_id],
                |r| r.get(0),
            )?;
            Ok(UserId::new(owner))
        })
        .await
    }

    async fn bind_token_client(&self, hash: &str, client_id: &str) -> Result<(), StoreError> {
        let (hash, client_id) = (hash.to_owned(), client_id.to_owned());
        self.write(move |c| {
            c.execute(
                "UPDATE tokens SET client_id = ?2 WHERE hash = ?1",
                params![hash, client_id],
            )?;
            Ok(())
        })
        .await
    }

    async fn token_client(&self, hash: &str) -> Result<Option<String>, StoreError> {
        let hash = hash.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT client_id FROM tokens WHERE hash = ?1",
                params![hash],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
        })
        .await
    }

    async fn record_contact(&self, client_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let client_id = client_id.to_owned();
        self.write(move |c| {
            c.execute(
                "UPDATE clients SET last_contact_at = ?2 WHERE client_id = ?1",
                params![client_id, fmt_time(at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn last_contact(&self, client_id: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let client_id = client_id.to_owned();
        let text = self
            .read(move |c| {
                Ok(c.query_row(
                    "SELECT last_contact_at FROM clients WHERE client_id = ?1",
                    params![client_id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten())
            })
            .await?;
        text.as_deref().map(parse_time).transpose()
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
        let (group, cache) = (self.group_commit, self.cache.clone());
        self.write(move |c| push_blocking(c, &cache, group, &env, &user, &client_id, &commands))
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
            .read_with(move |l| rules::finish(rules::pull_scan(l, &u, &cid, after, limit)))
            .await?;
        if !scan.update_client {
            return Ok(scan.page);
        }
        let (u, cid) = (user.clone(), client_id.to_owned());
        self.write_with(move |l| {
            rules::finish(scan.record(l, &u, &cid))?;
            Ok(scan.page)
        })
        .await
    }

    async fn last_mutation_id(&self, client_id: &str) -> Result<u64, StoreError> {
        let cid = client_id.to_owned();
        self.read_with(move |l| rules::finish(rules::last_mutation(l, &cid)))
            .await
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
        self.read_with(move |l| rules::finish(l.scan(after, limit)))
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
        self.read_with(move |l| rules::finish(l.history(&key, i64::MAX as u64)))
            .await
    }

    async fn attachment_info(
        &self,
        sha256: &str,
        user: &UserRecord,
    ) -> Result<Option<AttachmentInfo>, StoreError> {
        let (sha, user) = (sha256.to_owned(), user.clone());
        self.read_with(move |l| rules::finish(rules::attachment_info(l, &sha, &user)))
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
        self.write_with(move |l| {
            rules::finish(rules::put_chunk(
                l, &sha, offset, total, &data, &user, limits, now,
            ))
        })
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

    async fn expire_uploads(
        &self,
        started_before: DateTime<Utc>,
    ) -> Result<ExpiredUploads, StoreError> {
        self.write_with(move |l| rules::finish(rules::expire_uploads(l, started_before)))
            .await
    }

    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError> {
        let (name, address) = (name.to_owned(), address.to_owned());
        self.read_with(move |l| rules::finish(rules::Sql::login_failures(l, &name, &address)))
            .await
    }

    async fn record_login_failure(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), StoreError> {
        let (name, address) = (name.to_owned(), address.to_owned());
        self.write_with(move |l| {
            rules::finish(rules::record_login_failure(l, &name, &address, now, window))
        })
        .await
    }

    async fn clear_login_failures(&self, name: &str, address: &str) -> Result<(), StoreError> {
        let (name, address) = (name.to_owned(), address.to_owned());
        self.write_with(move |l| rules::finish(l.clear_login_failure(&name, &address)))
            .await
    }

    async fn expire_login_failures(
        &self,
        now: DateTime<Utc>,
        window: chrono::Duration,
        keep: usize,
    ) -> Result<u64, StoreError> {
        self.write_with(move |l| rules::finish(rules::expire_login_failures(l, now, window, keep)))
            .await
    }

    async fn login_failure_rows(&self) -> Result<u64, StoreError> {
        self.read_with(|l| rules::finish(rules::Sql::login_failure_rows(l)))
            .await
    }

    async fn trails(&self, selection: Selection) -> Result<Vec<Vec<DomainEvent>>, StoreError> {
        self.read_with(move |l| rules::finish(rules::trails(l, selection)))
            .await
    }

    async fn run_once(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let (a, by) = (action.clone(), by.to_owned());
        self.write_with(move |l| rules::finish(rules::run_once(l, &a, now, &by)))
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
        let cache = self.cache.clone();
        self.write_with(move |l| {
            rules::finish(rules::run_system_commands(
                l, &env, &user, &actions, &by, &cache,
            ))
        })
        .await
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        self.read_with(move |l| rules::finish(l.notifications(after, limit)))
            .await
    }

    async fn entity_scope(&self, entity_key: &str) -> Result<Option<EntityScope>, StoreError> {
        let key = entity_key.to_owned();
        self.read_with(move |l| rules::finish(rules::scope(l, &key)))
            .await
    }

    async fn certificates(
        &self,
        q: crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError> {
        self.read_with(move |l| rules::finish(l.certificates(&q)))
            .await
    }

    async fn update_certificate(
        &self,
        number: &str,
        u: crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError> {
        let number = number.to_owned();
        self.write_with(move |l| rules::finish(l.update_certificate(&number, &u)))
            .await
    }

    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let number = number.to_owned();
        self.read_with(move |l| rules::finish(l.certificate_file(&number)))
            .await
    }

    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError> {
        self.read_with(|l| rules::finish(l.exchange_batches()))
            .await
    }

    async fn record_exchange(
        &self,
        batch: Option<&crate::exchange::ExchangeBatch>,
        claim: Option<&ScheduledAction>,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let (batch, claim, by) = (batch.cloned(), claim.cloned(), by.to_owned());
        self.write_with(move |l| {
            rules::finish(rules::record_exchange(
                l,
                batch.as_ref(),
                claim.as_ref(),
                now,
                &by,
            ))
        })
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

    async fn projection_snapshot(
        &self,
        name: &str,
    ) -> Result<Option<ProjectionSnapshot>, StoreError> {
        let name = name.to_owned();
        self.read(move |c| {
            let tx = c.transaction()?;
            let head: Option<(i64, String)> = tx
                .query_row(
                    "SELECT seq, format FROM projection_snapshots WHERE name = ?1",
                    params![name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((seq, format)) = head else {
                return Ok(None);
            };
            let parts: Vec<Vec<u8>> = tx
                .prepare("SELECT data FROM projection_parts WHERE name = ?1 ORDER BY part")?
                .query_map(params![name], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(Some(ProjectionSnapshot {
                seq: seq as u64,
                format,
                parts,
            }))
        })
        .await
    }

    async fn put_projection_snapshot(
        &self,
        name: &str,
        snapshot: &ProjectionSnapshot,
    ) -> Result<bool, StoreError> {
        let (name, snapshot) = (name.to_owned(), snapshot.clone());
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "INSERT INTO projection_snapshots (name, seq, format) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, format = excluded.format \
                 WHERE projection_snapshots.seq < excluded.seq",
                params![name, snapshot.seq as i64, snapshot.format],
            )?;
            if n == 0 {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM projection_parts WHERE name = ?1",
                params![name],
            )?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO projection_parts (name, part, data) VALUES (?1, ?2, ?3)",
                )?;
                for (i, part) in snapshot.parts.iter().enumerate() {
                    insert.execute(params![name, i as i64, part])?;
                }
            }
            tx.commit()?;
            Ok(true)
        })
        .await
    }
}

//! PostgreSQL backend (tokio-postgres + deadpool): the same tables as the SQLite backend and
//! the same rules (`super::rules`, over this file's SQL primitives), for installations that
//! outgrow one machine or run several server processes.
//!
//! Server sequence numbers never leave a hole a cursor could skip: every push transaction
//! starts by locking the one row of `sync_counter` (`SELECT ... FOR UPDATE`) and allocates its
//! numbers from it. Writers are therefore serialised in commit order: a transaction holding
//! numbers N..M commits before the next one can even read the counter, so any snapshot that
//! shows event M also shows every event below it, and a pull cursor that has passed M never
//! meets a late commit below it. The lock also serialises the read-decide-append of each
//! entity, so two pushes on one case cannot both seal onto the same head. The price is one
//! writer at a time, which push's per-command transactions keep short.

use super::rules::{self, Sql};
use super::*;
use crate::sync;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use permitdesk_protocol::{CommandOutcome, DomainEvent, Refusal};
use std::collections::{HashMap, HashSet};
use tokio_postgres::{NoTls, Row};

/// Versioned migrations, recorded in `schema_migrations`.
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
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE sync_counter (id INT PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
INSERT INTO sync_counter (id, value) VALUES (1, 0);
CREATE TABLE events (
    server_seq BIGINT PRIMARY KEY,
    entity_key TEXT NOT NULL,
    entity_seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    acted_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    client_id TEXT,
    mutation_id BIGINT,
    UNIQUE (entity_key, entity_seq)
);
CREATE TABLE entity_heads (
    entity_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    hash TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    department TEXT,
    project TEXT NOT NULL,
    draft BOOLEAN NOT NULL,
    granted BOOLEAN NOT NULL,
    created_by_window BOOLEAN NOT NULL,
    last_event_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX entity_heads_state ON entity_heads(kind, state);
CREATE INDEX entity_heads_project ON entity_heads(project);
CREATE TABLE project_departments (project TEXT NOT NULL, department TEXT NOT NULL, PRIMARY KEY (project, department));
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    last_mutation_id BIGINT NOT NULL DEFAULT 0,
    scope_fingerprint TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE client_entities (client_id TEXT NOT NULL, entity_key TEXT NOT NULL, PRIMARY KEY (client_id, entity_key));
CREATE TABLE refusals (
    client_id TEXT NOT NULL,
    mutation_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    refused_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);
CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE uploads (
    sha256 TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size BIGINT NOT NULL,
    received BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
CREATE TABLE attachment_parts (
    sha256 TEXT NOT NULL,
    user_id TEXT NOT NULL,
    "offset" BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (sha256, user_id, "offset")
);
CREATE TABLE attachment_uploaders (sha256 TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (sha256, user_id));
CREATE TABLE attachment_links (sha256 TEXT NOT NULL, entity_key TEXT NOT NULL, PRIMARY KEY (sha256, entity_key));
CREATE TABLE scheduled_actions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    done_at TIMESTAMPTZ NOT NULL,
    done_by TEXT NOT NULL
);
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    action_key TEXT NOT NULL UNIQUE REFERENCES scheduled_actions(key),
    entity_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
"#,
    r#"
CREATE TABLE reference_versions (
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
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
ALTER TABLE clients ADD COLUMN last_contact_at TIMESTAMPTZ;
"#,
    // 5: failed logins counted in the database (shared by every process), and what the upload
    // quota and the expiry of unfinished uploads read by (issue 15).
    r#"
CREATE TABLE login_failures (
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    failures INTEGER NOT NULL,
    PRIMARY KEY (name, address)
);
CREATE INDEX login_failures_start ON login_failures(window_start);
CREATE TABLE login_failures_by_address (
    address TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
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
    file BYTEA,
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
    since_at TIMESTAMPTZ,
    up_to_at TIMESTAMPTZ,
    file_count INTEGER NOT NULL,
    row_count BIGINT NOT NULL,
    case_count BIGINT NOT NULL,
    catalogue_version BIGINT NOT NULL,
    directory TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL,
    written_by TEXT NOT NULL,
    origin TEXT NOT NULL
);
"#,
    // 8: 短信提醒 (issue 14, item 5): each reviewer's mobile number, and the SMS deliveries of
    // the scheduler's notices, one per notice and user (`crate::sms`).
    r#"
ALTER TABLE users ADD COLUMN phone TEXT;
CREATE TABLE sms_deliveries (
    notification_id BIGINT NOT NULL REFERENCES notifications(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    phone TEXT,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    receipt TEXT,
    retry_at TIMESTAMPTZ,
    claimed_by TEXT,
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX sms_deliveries_status ON sms_deliveries(status);
"#,
    // 9: 投影快照 (issue 16): stored projections (the statistics' replayed projects and cases)
    // that a restart folds on from instead of replaying every trail (`crate::statistics`).
    r#"
CREATE TABLE projection_snapshots (name TEXT PRIMARY KEY, seq BIGINT NOT NULL, format TEXT NOT NULL);
CREATE TABLE projection_parts (
    name TEXT NOT NULL REFERENCES projection_snapshots(name),
    part INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (name, part)
);
"#,
];

/// Any fixed number: the advisory lock that keeps two processes from migrating at once.
const MIGRATION_LOCK: i64 = 0x5044_4d49_4752;

/// The PostgreSQL backend.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// Replayed entity states of this process, checked against the stored head on every use
    /// (`super::cache`): another process on the same database never makes them wrong.
    cache: Arc<super::cache::StateCache>,
    /// Group commit: the commands of one push that share a transaction (1: one each). The
    /// writers' lock is taken by the first and held to the commit, as it is per command.
    group_commit: usize,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("pool_size", &self.pool.status().size)
            .finish()
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

async fn admin_client(url: &str) -> Result<tokio_postgres::Client, StoreError> {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "admin connection ended");
        }
    });
    Ok(client)
}

fn quoted(name: &str) -> Result<String, StoreError> {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
        Ok(format!("\"{name}\""))
    } else {
        Err(StoreError::Conflict(format!("数据库名 {name} 无效")))
    }
}

impl PostgresStore {
    /// Keeps the replayed states of at most `capacity` entities (0: none, every push
    /// replays the trail).
    pub fn with_state_cache(mut self, capacity: usize) -> PostgresStore {
        self.cache = Arc::new(super::cache::StateCache::new(capacity));
        self
    }

    /// Group commit of up to `n` commands of one push per transaction (what `server run`
    /// uses, `ServerConfig::group_commit`): one commit, hence one WAL flush, for the group.
    /// A store error rolls the whole group back and fails the push; the client retries it
    /// and the commands already applied in earlier groups are answered as duplicates.
    pub fn with_group_commit(mut self, n: usize) -> PostgresStore {
        self.group_commit = n.max(1);
        self
    }

    /// Connects (pool of 32) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        Self::connect_with(url, 32).await
    }

    pub async fn connect_with(url: &str, pool_size: usize) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size)
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = PostgresStore {
            pool,
            cache: Arc::default(),
            group_commit: 1,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Creates database `name` on the server of `admin_url`; returns its URL.
    pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
        let client = admin_client(admin_url).await?;
        client
            .batch_execute(&format!("CREATE DATABASE {}", quoted(name)?))
            .await?;
        Ok(with_database(admin_url, name))
    }

    pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
        let client = admin_client(admin_url).await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quoted(name)?
            ))
            .await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        pg_execute(&tx, "SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            .await?;
        let current: i32 = pg_query_one(
            &tx,
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i as i32 + 1;
            if version <= current {
                continue;
            }
            tx.batch_execute(sql).await?;
            pg_execute(
                &tx,
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

type Params<'a> = &'a [&'a (dyn tokio_postgres::types::ToSql + Sync)];

// Statements are prepared once per pooled connection (`prepare_cached`): a plain text query
// would cost a second round trip to prepare it every time.
async fn pg_query<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query(&st, params).await?)
}

async fn pg_query_opt<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&st, params).await?)
}

async fn pg_query_one<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Row, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query_one(&st, params).await?)
}

async fn pg_execute<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.execute(&st, params).await?)
}

fn to_user(r: &Row) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: UserId::new(r.try_get::<_, String>(0)?),
        name: r.try_get(1)?,
        role: parse_role(&r.try_get::<_, String>(2)?)?,
        department: r.try_get::<_, Option<String>>(3)?.map(DepartmentCode::new),
        organisation: r.try_get::<_, Option<String>>(4)?.map(OrganisationId::new),
        password_hash: r.try_get(5)?,
        disabled: r.try_get(6)?,
        levels: super::parse_levels(&r.try_get::<_, String>(7)?)?,
    })
}

const USER_COLUMNS: &str =
    "id, name, role, department, organisation, password_hash, disabled, levels";

/// An SMS delivery row (`crate::sms::DELIVERY_COLUMNS`).
fn delivery_row(r: &Row) -> Result<crate::sms::SmsDelivery, StoreError> {
    crate::sms::SmsDelivery::from_row((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        i64::from(r.try_get::<_, i32>(7)?),
        r.try_get(8)?,
        r.try_get(9)?,
        r.try_get(10)?,
        r.try_get(11)?,
    ))
}

fn stored_row(r: &Row) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        server_seq: r.try_get::<_, i64>(0)? as u64,
        entity_key: r.try_get(1)?,
        entity_seq: r.try_get::<_, i64>(2)? as u64,
        json: r.try_get(3)?,
        received_at: r.try_get(4)?,
    })
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    v.max(0) as u64
}

fn strings(rows: Vec<Row>) -> Result<Vec<String>, StoreError> {
    rows.iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect::<Result<_, StoreError>>()
}

fn client_row(r: &Row) -> Result<rules::ClientRow, StoreError> {
    Ok(rules::ClientRow {
        last_mutation_id: u(r.try_get(0)?),
        scope_fingerprint: r.try_get(1)?,
    })
}

const SCAN: &str = "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > $1 ORDER BY server_seq LIMIT $2";
const CLIENT: &str = "SELECT last_mutation_id, scope_fingerprint FROM clients WHERE client_id = $1";

/// The SQL primitives of [`rules::Sql`] on one PostgreSQL connection or transaction.
struct Pg<'c, C>(&'c C);

impl<C: GenericClient> rules::Sql for Pg<'_, C> {
    async fn trail_json(&self, key: &str) -> Result<Vec<String>, StoreError> {
        strings(
            pg_query(
                self.0,
                "SELECT event FROM events WHERE entity_key = $1 ORDER BY entity_seq",
                &[&key],
            )
            .await?,
        )
    }

    async fn head_at(&self, key: &str) -> Result<Option<(u64, String, String)>, StoreError> {
        pg_query_opt(
            self.0,
            "SELECT version, hash, project FROM entity_heads WHERE entity_key = $1",
            &[&key],
        )
        .await?
        .map(|r| Ok((u(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?)))
        .transpose()
    }

    async fn head_project(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(pg_query_opt(
            self.0,
            "SELECT project FROM entity_heads WHERE entity_key = $1",
            &[&key],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?)
    }

    async fn project_departments(
        &self,
        projects: &[String],
    ) -> Result<HashMap<String, Vec<DepartmentCode>>, StoreError> {
        let mut out: HashMap<String, Vec<DepartmentCode>> = HashMap::new();
        if projects.is_empty() {
            return Ok(out);
        }
        let rows = pg_query(self.0, "SELECT project, department FROM project_departments WHERE project = ANY($1) ORDER BY project, department", &[&projects])
            .await?;
        for r in rows {
            out.entry(r.try_get(0)?)
                .or_default()
                .push(DepartmentCode::new(r.try_get::<_, String>(1)?));
        }
        Ok(out)
    }

    async fn scope_rows(&self, keys: &[String]) -> Result<Vec<rules::ScopeRow>, StoreError> {
        pg_query(self.0, "SELECT entity_key, kind, owner, department, project, draft, granted, created_by_window FROM entity_heads WHERE entity_key = ANY($1)",
            &[&keys],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(rules::ScopeRow {
                entity_key: r.try_get(0)?,
                kind: r.try_get(1)?,
                owner: r.try_get(2)?,
                department: r.try_get(3)?,
                project: r.try_get(4)?,
                draft: r.try_get(5)?,
                granted: r.try_get(6)?,
                created_by_window: r.try_get(7)?,
            })
        })
        .collect()
    }

    async fn keys_where(&self, sql: &'static str) -> Result<Vec<String>, StoreError> {
        strings(pg_query(self.0, sql, &[]).await?)
    }

    async fn project_case_keys(&self, project: &str) -> Result<Vec<String>, StoreError> {
        strings(pg_query(self.0, "SELECT entity_key FROM entity_heads WHERE project = $1 AND kind = 'case' ORDER BY entity_key", &[&project]).await?)
    }

    async fn stored_attachment(&self, sha: &str) -> Result<Option<(u64, String)>, StoreError> {
        pg_query_opt(
            self.0,
            "SELECT size, content_type FROM attachments WHERE sha256 = $1",
            &[&sha],
        )
        .await?
        .map(|r| Ok((u(r.try_get(0)?), r.try_get(1)?)))
        .transpose()
    }

    async fn uploaded_by(&self, sha: &str, user: &str) -> Result<bool, StoreError> {
        Ok(pg_query_opt(
            self.0,
            "SELECT 1 FROM attachment_uploaders WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &user],
        )
        .await?
        .is_some())
    }

    async fn linked_keys_after(
        &self,
        sha: &str,
        after: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        strings(
            pg_query(
                self.0,
                "SELECT entity_key FROM attachment_links WHERE sha256 = $1 AND entity_key > $2 ORDER BY entity_key LIMIT $3",
                &[&sha, &after, &i64::from(limit)],
            )
            .await?,
        )
    }

    async fn linked_keys(&self, sha: &str) -> Result<Vec<String>, StoreError> {
        strings(
            pg_query(
                self.0,
                "SELECT entity_key FROM attachment_links WHERE sha256 = $1",
                &[&sha],
            )
            .await?,
        )
    }

    async fn upload_progress(
        &self,
        sha: &str,
        user: &str,
        lock: bool,
    ) -> Result<Option<(u64, u64)>, StoreError> {
        let sql = if lock {
            "SELECT size, received FROM uploads WHERE sha256 = $1 AND user_id = $2 FOR UPDATE"
        } else {
            "SELECT size, received FROM uploads WHERE sha256 = $1 AND user_id = $2"
        };
        pg_query_opt(self.0, sql, &[&sha, &user])
            .await?
            .map(|r| Ok((u(r.try_get(0)?), u(r.try_get(1)?))))
            .transpose()
    }

    async fn start_upload(
        &self,
        sha: &str,
        user: &str,
        total: u64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = pg_execute(self.0, "INSERT INTO uploads (sha256, user_id, size, received, created_at) VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING",
            &[&sha, &user, &i(total), &now],
        )
        .await?;
        Ok(n == 1)
    }

    async fn add_part(
        &self,
        sha: &str,
        user: &str,
        offset: u64,
        data: &[u8],
    ) -> Result<(), StoreError> {
        pg_execute(self.0, "INSERT INTO attachment_parts (sha256, user_id, \"offset\", data) VALUES ($1, $2, $3, $4)", &[&sha, &user, &i(offset), &data])
            .await?;
        Ok(())
    }

    async fn set_received(&self, sha: &str, user: &str, end: u64) -> Result<(), StoreError> {
        pg_execute(
            self.0,
            "UPDATE uploads SET received = $3 WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &user, &i(end)],
        )
        .await?;
        Ok(())
    }

    async fn upload_content(&self, sha: &str, user: &str) -> Result<Vec<u8>, StoreError> {
        let mut content = Vec::new();
        for r in pg_query(self.0, "SELECT data FROM attachment_parts WHERE sha256 = $1 AND user_id = $2 ORDER BY \"offset\"", &[&sha, &user]).await? {
            content.extend_from_slice(r.try_get::<_, &[u8]>(0)?);
        }
        Ok(content)
    }

    async fn end_upload(&self, sha: &str, user: &str) -> Result<(), StoreError> {
        pg_execute(
            self.0,
            "DELETE FROM attachment_parts WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &user],
        )
        .await?;
        pg_execute(
            self.0,
            "DELETE FROM uploads WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &user],
        )
        .await?;
        Ok(())
    }

    async fn keep_attachment(
        &self,
        sha: &str,
        user: &str,
        content_type: &str,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let size = content.len() as i64;
        pg_execute(self.0,
            "INSERT INTO attachments (sha256, size, content_type, content, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&sha, &size, &content_type, &content, &now],
        )
        .await?;
        pg_execute(self.0, "INSERT INTO attachment_uploaders (sha256, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&sha, &user]).await?;
        Ok(())
    }

    async fn lock_user_uploads(&self, user: &str) -> Result<(), StoreError> {
        pg_query_opt(
            self.0,
            "SELECT 1 FROM users WHERE id = $1 FOR UPDATE",
            &[&user],
        )
        .await?;
        Ok(())
    }

    async fn upload_usage(&self, user: &str) -> Result<(u64, u64), StoreError> {
        let r = pg_query_one(
            self.0,
            "SELECT (SELECT COALESCE(SUM(a.size), 0)::BIGINT FROM attachment_uploaders u JOIN attachments a ON a.sha256 = u.sha256 WHERE u.user_id = $1), \
             (SELECT COALESCE(SUM(size), 0)::BIGINT FROM uploads WHERE user_id = $1)",
            &[&user],
        )
        .await?;
        Ok((u(r.try_get(0)?), u(r.try_get(1)?)))
    }

    async fn uploads_started_before(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        pg_query(
            self.0,
            "SELECT sha256, user_id FROM uploads WHERE created_at < $1 ORDER BY created_at LIMIT $2",
            &[&before, &i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    async fn expire_upload(
        &self,
        sha: &str,
        user: &str,
        before: DateTime<Utc>,
    ) -> Result<Option<u64>, StoreError> {
        // The row first: a chunk in flight holds it (`upload_progress` locks it), so this waits
        // for the chunk's commit and then deletes its part too; a chunk after this finds no
        // upload and starts again.
        let Some(row) = pg_query_opt(
            self.0,
            "DELETE FROM uploads WHERE sha256 = $1 AND user_id = $2 AND created_at < $3 RETURNING received",
            &[&sha, &user, &before],
        )
        .await?
        else {
            return Ok(None);
        };
        pg_execute(
            self.0,
            "DELETE FROM attachment_parts WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &user],
        )
        .await?;
        Ok(Some(u(row.try_get(0)?)))
    }

    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError> {
        let rows = pg_query(
            self.0,
            "SELECT 'n', failures, window_start FROM login_failures WHERE name = $1 AND address = $2 \
             UNION ALL SELECT 'a', failures, window_start FROM login_failures_by_address WHERE address = $2",
            &[&name, &address],
        )
        .await?;
        let mut out = crate::auth::FailureCounts::default();
        for r in rows {
            let which: String = r.try_get(0)?;
            let n: i32 = r.try_get(1)?;
            let entry = Some((u32::try_from(n.max(0)).unwrap_or(0), r.try_get(2)?));
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
        pg_execute(
            self.0,
            "INSERT INTO login_failures AS f (name, address, window_start, failures) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (name, address) DO UPDATE SET \
             failures = CASE WHEN f.window_start <= $4 THEN 1 ELSE LEAST(f.failures, 1000000) + 1 END, \
             window_start = CASE WHEN f.window_start <= $4 THEN $3 ELSE f.window_start END",
            &[&name, &address, &now, &restart_before],
        )
        .await?;
        pg_execute(
            self.0,
            "INSERT INTO login_failures_by_address AS f (address, window_start, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (address) DO UPDATE SET \
             failures = CASE WHEN f.window_start <= $3 THEN 1 ELSE LEAST(f.failures, 1000000) + 1 END, \
             window_start = CASE WHEN f.window_start <= $3 THEN $2 ELSE f.window_start END",
            &[&address, &now, &restart_before],
        )
        .await?;
        Ok(())
    }

    async fn clear_login_failure(&self, name: &str, address: &str) -> Result<(), StoreError> {
        pg_execute(
            self.0,
            "DELETE FROM login_failures WHERE name = $1 AND address = $2",
            &[&name, &address],
        )
        .await?;
        Ok(())
    }

    async fn delete_login_failures_before(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let a = pg_execute(
            self.0,
            "DELETE FROM login_failures WHERE window_start <= $1",
            &[&before],
        )
        .await?;
        let b = pg_execute(
            self.0,
            "DELETE FROM login_failures_by_address WHERE window_start <= $1",
            &[&before],
        )
        .await?;
        Ok(a + b)
    }

    async fn trim_login_failures(&self, keep: u64) -> Result<u64, StoreError> {
        let keep = i(keep);
        let a = pg_execute(
            self.0,
            "DELETE FROM login_failures WHERE window_start < (SELECT window_start FROM login_failures ORDER BY window_start DESC LIMIT 1 OFFSET $1)",
            &[&keep],
        )
        .await?;
        let b = pg_execute(
            self.0,
            "DELETE FROM login_failures_by_address WHERE window_start < (SELECT window_start FROM login_failures_by_address ORDER BY window_start DESC LIMIT 1 OFFSET $1)",
            &[&keep],
        )
        .await?;
        Ok(a + b)
    }

    async fn login_failure_rows(&self) -> Result<u64, StoreError> {
        let n: i64 = pg_query_one(
            self.0,
            "SELECT (SELECT COUNT(*) FROM login_failures) + (SELECT COUNT(*) FROM login_failures_by_address)",
            &[],
        )
        .await?
        .try_get(0)?;
        Ok(u(n))
    }

    async fn number_last(&self, series: &str) -> Result<Option<u64>, StoreError> {
        let row = pg_query_opt(
            self.0,
            "SELECT last FROM numbering WHERE series = $1",
            &[&series],
        )
        .await?;
        Ok(row.map(|r| r.try_get::<_, i64>(0)).transpose()?.map(u))
    }

    async fn set_number_last(&self, series: &str, last: u64) -> Result<(), StoreError> {
        pg_execute(self.0, "INSERT INTO numbering (series, last) VALUES ($1, $2) ON CONFLICT (series) DO UPDATE SET last = excluded.last", &[&series, &i(last)])
            .await?;
        Ok(())
    }

    async fn insert_certificate(
        &self,
        c: &crate::certificates::CertificateRow,
    ) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO certificates (number, entity_key, case_id, item, department, name, issued_on, issued_at, status, file_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[&c.number, &c.entity_key, &c.case_id, &c.item, &c.department, &c.name, &c.issued_on.to_string(), &fmt_time(c.issued_at), &c.status.as_str(), &c.file_state.as_str()],
        )
        .await?;
        Ok(())
    }

    async fn certificates(
        &self,
        q: &crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError> {
        use crate::certificates::CertificateQuery as Q;
        let cols = crate::certificates::REGISTRY_COLUMNS;
        let rows = match q {
            Q::All => {
                pg_query(self.0, &format!("SELECT {cols} FROM certificates ORDER BY issued_at, number"), &[]).await?
            }
            Q::Number(n) => {
                pg_query(self.0, &format!("SELECT {cols} FROM certificates WHERE number = $1"), &[&n.as_str()]).await?
            }
            Q::Pending { limit } => {
                pg_query(self.0, &format!("SELECT {cols} FROM certificates WHERE file_state = 'pending' ORDER BY issued_at, number LIMIT $1"), &[&i64::from(*limit)]).await?
            }
        };
        rows.iter()
            .map(|r| {
                crate::certificates::registry_row(crate::certificates::RegistryRow {
                    number: r.try_get(0)?,
                    entity_key: r.try_get(1)?,
                    case_id: r.try_get(2)?,
                    item: r.try_get(3)?,
                    department: r.try_get(4)?,
                    name: r.try_get(5)?,
                    issued_on: r.try_get(6)?,
                    issued_at: r.try_get(7)?,
                    status: r.try_get(8)?,
                    revocation_reason: r.try_get(9)?,
                    changed_at: r.try_get(10)?,
                    file_state: r.try_get(11)?,
                    sha256: r.try_get(12)?,
                    attempts: r.try_get(13)?,
                    last_error: r.try_get(14)?,
                })
            })
            .collect()
    }

    async fn update_certificate(
        &self,
        number: &str,
        u: &crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError> {
        use crate::certificates::CertificateUpdate as U;
        let n = match u {
            U::Issued { sha256, file } => pg_execute(self.0,
                "UPDATE certificates SET file_state = 'issued', sha256 = $2, file = $3, last_error = NULL WHERE number = $1 AND file_state = 'pending'",
                &[&number, sha256, file]).await?,
            U::Failed { error } => pg_execute(self.0,
                "UPDATE certificates SET attempts = attempts + 1, last_error = $2 WHERE number = $1",
                &[&number, error]).await?,
            U::Revoke { reason, at } => pg_execute(self.0,
                "UPDATE certificates SET status = 'revoked', revocation_reason = $2, changed_at = $3 WHERE number = $1",
                &[&number, reason, &fmt_time(*at)]).await?,
            U::Supersede { at } => pg_execute(self.0,
                "UPDATE certificates SET status = 'superseded', changed_at = $2 WHERE number = $1",
                &[&number, &fmt_time(*at)]).await?,
        };
        Ok(n > 0)
    }

    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError> {
        pg_query(
            self.0,
            &format!(
                "SELECT {} FROM exchange_batches ORDER BY number",
                crate::exchange::BATCH_COLUMNS
            ),
            &[],
        )
        .await?
        .iter()
        .map(|r| {
            let origin: String = r.try_get(12)?;
            Ok(crate::exchange::ExchangeBatch {
                number: u(r.try_get(0)?),
                from_seq: u(r.try_get(1)?),
                to_seq: u(r.try_get(2)?),
                since: r.try_get(3)?,
                up_to: r.try_get(4)?,
                files: u32::try_from(r.try_get::<_, i32>(5)?).unwrap_or(0),
                rows: u(r.try_get(6)?),
                cases: u(r.try_get(7)?),
                catalogue_version: u(r.try_get(8)?),
                directory: r.try_get(9)?,
                written_at: r.try_get(10)?,
                written_by: r.try_get(11)?,
                origin: crate::exchange::Origin::parse(&origin).ok_or_else(|| {
                    StoreError::Corrupt(format!("exchange_batches.origin {origin}"))
                })?,
            })
        })
        .collect()
    }

    async fn last_exchange_batch(&self) -> Result<Option<(u64, u64)>, StoreError> {
        let row = pg_query_opt(
            self.0,
            "SELECT number, to_seq FROM exchange_batches ORDER BY number DESC LIMIT 1",
            &[],
        )
        .await?;
        row.map(|r| Ok((u(r.try_get(0)?), u(r.try_get(1)?))))
            .transpose()
    }

    async fn insert_exchange_batch(
        &self,
        b: &crate::exchange::ExchangeBatch,
    ) -> Result<bool, StoreError> {
        // The primary key decides between two processes that read the same last batch: the
        // second insert waits for the first transaction, then finds the number taken.
        let files = i32::try_from(b.files).unwrap_or(i32::MAX);
        let n = pg_execute(
            self.0,
            &format!(
                "INSERT INTO exchange_batches ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (number) DO NOTHING",
                crate::exchange::BATCH_COLUMNS
            ),
            &[
                &i(b.number),
                &i(b.from_seq),
                &i(b.to_seq),
                &b.since,
                &b.up_to,
                &files,
                &i(b.rows),
                &i(b.cases),
                &i(b.catalogue_version),
                &b.directory,
                &b.written_at,
                &b.written_by,
                &b.origin.as_str(),
            ],
        )
        .await?;
        Ok(n == 1)
    }

    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = pg_query_opt(
            self.0,
            "SELECT file FROM certificates WHERE number = $1",
            &[&number],
        )
        .await?;
        Ok(row
            .map(|r| r.try_get::<_, Option<Vec<u8>>>(0))
            .transpose()?
            .flatten())
    }

    async fn lock_writers(&self) -> Result<(), StoreError> {
        // See the module documentation.
        pg_query_one(
            self.0,
            "SELECT value FROM sync_counter WHERE id = 1 FOR UPDATE",
            &[],
        )
        .await?;
        Ok(())
    }

    async fn client(&self, client_id: &str) -> Result<Option<rules::ClientRow>, StoreError> {
        pg_query_opt(self.0, CLIENT, &[&client_id])
            .await?
            .as_ref()
            .map(client_row)
            .transpose()
    }

    async fn allocate_seqs(&self, n: u64) -> Result<u64, StoreError> {
        let end: i64 = pg_query_one(
            self.0,
            "UPDATE sync_counter SET value = value + $1 WHERE id = 1 RETURNING value",
            &[&i(n)],
        )
        .await?
        .try_get(0)?;
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
        pg_execute(
            self.0,
            "INSERT INTO events (server_seq, entity_key, entity_seq, event, hash, prev_hash, acted_at, received_at, client_id, mutation_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &i(server_seq),
                &entity_key,
                &i(e.entity_seq),
                &e.json,
                &e.hash,
                &e.prev_hash,
                &e.acted_at,
                &received_at,
                &client_id,
                &i(mutation_id),
            ],
        )
        .await?;
        Ok(())
    }

    async fn upsert_head(&self, h: &sync::Head) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO entity_heads (entity_key, kind, entity_id, version, hash, state, owner, department, project, draft, granted, created_by_window, last_event_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (entity_key) DO UPDATE SET version = excluded.version, hash = excluded.hash, state = excluded.state,
               owner = excluded.owner, department = excluded.department, project = excluded.project, draft = excluded.draft,
               granted = excluded.granted, created_by_window = excluded.created_by_window, last_event_at = excluded.last_event_at",
            &[
                &h.entity_key,
                &h.kind.as_str(),
                &h.entity_id,
                &i(h.version),
                &h.hash,
                &h.state,
                &h.scope.owner.as_str(),
                &h.scope.department.as_ref().map(|d| d.as_str()),
                &h.scope.project.as_str(),
                &h.scope.draft,
                &h.scope.granted,
                &h.scope.created_by_window,
                &h.last_event_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn link_attachment(&self, sha: &str, entity_key: &str) -> Result<(), StoreError> {
        pg_execute(self.0, "INSERT INTO attachment_links (sha256, entity_key) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&sha, &entity_key]).await?;
        Ok(())
    }

    async fn share_project(&self, project: &str, department: &str) -> Result<(), StoreError> {
        pg_execute(self.0, "INSERT INTO project_departments (project, department) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&project, &department])
            .await?;
        Ok(())
    }

    async fn record_refusal(
        &self,
        client_id: &str,
        mutation_id: u64,
        user: &str,
        refusal: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO refusals (client_id, mutation_id, user_id, reason, refused_at) VALUES ($1, $2, $3, $4, $5)",
            &[&client_id, &i(mutation_id), &user, &serde_json::to_string(refusal)?, &now],
        )
        .await?;
        Ok(())
    }

    async fn record_mutation(
        &self,
        client_id: &str,
        user: &str,
        mutation_id: u64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at",
            &[&client_id, &user, &i(mutation_id), &now],
        )
        .await?;
        Ok(())
    }

    async fn claim_action(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        // The primary key decides: a concurrent insert of the same key waits for this
        // transaction and then finds the key taken.
        let n = pg_execute(self.0, "INSERT INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
            &[&a.key, &a.kind, &a.entity_key, &now, &by],
        )
        .await?;
        Ok(n == 1)
    }

    async fn release_action(&self, key: &str) -> Result<(), StoreError> {
        pg_execute(
            self.0,
            "DELETE FROM scheduled_actions WHERE key = $1",
            &[&key],
        )
        .await?;
        Ok(())
    }

    async fn insert_notification(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[&a.key, &a.entity_key, &a.kind, &a.notification.to_string(), &now],
        )
        .await?;
        Ok(())
    }

    async fn insert_sms_delivery(
        &self,
        action_key: &str,
        d: &crate::sms::PlannedSms,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        pg_execute(
            self.0,
            "INSERT INTO sms_deliveries (notification_id, user_id, phone, params, status, attempts, created_at, updated_at) \
             SELECT id, $2::text, $3::text, $4::text, $5::text, 0, $6::timestamptz, $6::timestamptz FROM notifications WHERE action_key = $1 \
             ON CONFLICT DO NOTHING",
            &[
                &action_key,
                &d.user.as_str(),
                &d.phone.as_ref().map(|p| p.as_str()),
                &serde_json::to_string(&d.params)?,
                &d.status().as_str(),
                &now,
            ],
        )
        .await?;
        Ok(())
    }

    async fn sms_abandon_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        pg_execute(
            self.0,
            "UPDATE sms_deliveries SET status = 'unknown', last_error = $2, claimed_by = NULL, claimed_until = NULL, updated_at = $1 \
             WHERE status = 'sending' AND claimed_until < $1",
            &[&now, &crate::sms::INTERRUPTED],
        )
        .await
    }

    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        let max = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        pg_query(
            self.0,
            &format!(
                "SELECT {} FROM sms_deliveries d JOIN notifications n ON n.id = d.notification_id \
                 WHERE d.phone IS NOT NULL AND (d.status = 'pending' OR (d.status = 'failed' AND d.attempts < $2 AND d.retry_at <= $1)) \
                 ORDER BY d.notification_id, d.user_id LIMIT $3",
                crate::sms::DELIVERY_COLUMNS
            ),
            &[&now, &max, &i64::from(limit)],
        )
        .await?
        .iter()
        .map(delivery_row)
        .collect()
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
        let max = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        let n = pg_execute(
            self.0,
            "UPDATE sms_deliveries SET status = 'sending', attempts = attempts + 1, claimed_by = $5, claimed_until = $4, updated_at = $3 \
             WHERE notification_id = $1 AND user_id = $2 AND phone IS NOT NULL \
             AND (status = 'pending' OR (status = 'failed' AND attempts < $6 AND retry_at <= $3))",
            &[&i(notification), &user, &now, &until, &by, &max],
        )
        .await?;
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
        let n = pg_execute(
            self.0,
            "UPDATE sms_deliveries SET status = $4, last_error = COALESCE($5, last_error), receipt = $6, retry_at = $7, claimed_by = NULL, claimed_until = NULL, updated_at = $8 \
             WHERE notification_id = $1 AND user_id = $2 AND status = 'sending' AND claimed_by = $3",
            &[
                &i(notification),
                &user,
                &by,
                &settle.status.as_str(),
                &settle.error,
                &settle.receipt,
                &settle.retry_at,
                &now,
            ],
        )
        .await?;
        Ok(n == 1)
    }

    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        pg_query(
            self.0,
            &format!(
                "SELECT {} FROM sms_deliveries d JOIN notifications n ON n.id = d.notification_id \
                 ORDER BY d.notification_id DESC, d.user_id LIMIT $1",
                crate::sms::DELIVERY_COLUMNS
            ),
            &[&i64::from(limit)],
        )
        .await?
        .iter()
        .map(delivery_row)
        .collect()
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        pg_query(self.0, "SELECT id, entity_key, kind, payload, created_at FROM notifications WHERE id > $1 ORDER BY id LIMIT $2", &[&i(after), &i64::from(limit)])
            .await?
            .iter()
            .map(|r| {
                Ok(NotificationRecord {
                    id: u(r.try_get(0)?),
                    entity_key: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    payload: serde_json::from_str(&r.try_get::<_, String>(3)?)?,
                    created_at: r.try_get(4)?,
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
        // Independent: sent at once (tokio-postgres pipelines queries on one connection),
        // saving a round trip per poll.
        let (from, limit) = (i(after), i64::from(batch));
        let client_params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&client_id];
        let scan_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&from, &limit];
        let (client, first) = tokio::try_join!(
            pg_query_opt(self.0, CLIENT, &client_params),
            pg_query(self.0, SCAN, &scan_params),
        )?;
        Ok((
            client.as_ref().map(client_row).transpose()?,
            first.iter().map(stored_row).collect::<Result<_, _>>()?,
        ))
    }

    async fn scan(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        pg_query(self.0, SCAN, &[&i(after), &i64::from(limit)])
            .await?
            .iter()
            .map(stored_row)
            .collect()
    }

    async fn history(&self, key: &str, before: u64) -> Result<Vec<StoredEvent>, StoreError> {
        pg_query(self.0, "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = $1 AND server_seq < $2 ORDER BY entity_seq",
            &[&key, &i(before)],
        )
        .await?
        .iter()
        .map(stored_row)
        .collect()
    }

    async fn any_event_after(&self, after: u64) -> Result<bool, StoreError> {
        Ok(pg_query_opt(
            self.0,
            "SELECT 1 FROM events WHERE server_seq > $1 LIMIT 1",
            &[&i(after)],
        )
        .await?
        .is_some())
    }

    async fn held_keys(&self, client_id: &str) -> Result<Vec<String>, StoreError> {
        strings(
            pg_query(
                self.0,
                "SELECT entity_key FROM client_entities WHERE client_id = $1",
                &[&client_id],
            )
            .await?,
        )
    }

    async fn held_among(
        &self,
        client_id: &str,
        keys: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        Ok(strings(pg_query(self.0, "SELECT entity_key FROM client_entities WHERE client_id = $1 AND entity_key = ANY($2)", &[&client_id, &keys])
            .await?)?
            .into_iter()
            .collect())
    }

    async fn record_client_view(
        &self,
        client_id: &str,
        user: &str,
        fingerprint: &str,
        removed: &[String],
        delivered: &[String],
    ) -> Result<(), StoreError> {
        pg_execute(self.0,
            "INSERT INTO clients (client_id, user_id, last_mutation_id, scope_fingerprint, updated_at) VALUES ($1, $2, 0, $3, now())
             ON CONFLICT (client_id) DO UPDATE SET scope_fingerprint = excluded.scope_fingerprint",
            &[&client_id, &user, &fingerprint],
        )
        .await?;
        if !removed.is_empty() {
            pg_execute(
                self.0,
                "DELETE FROM client_entities WHERE client_id = $1 AND entity_key = ANY($2)",
                &[&client_id, &removed],
            )
            .await?;
        }
        if !delivered.is_empty() {
            pg_execute(self.0,
                "INSERT INTO client_entities (client_id, entity_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                &[&client_id, &delivered],
            )
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(&c, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", &[&key, &value])
            .await?;
        Ok(())
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let c = self.pool.get().await?;
        Ok(
            pg_query_opt(&c, "SELECT value FROM settings WHERE key = $1", &[&key])
                .await?
                .map(|r| r.try_get(0))
                .transpose()?,
        )
    }

    async fn upsert_organisation(&self, org: &Organisation) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(&c, "INSERT INTO organisations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name", &[&org.id.as_str(), &org.name])
            .await?;
        Ok(())
    }

    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let c = self.pool.get().await?;
        pg_query(&c, "SELECT id, name FROM organisations ORDER BY id", &[])
            .await?
            .iter()
            .map(|r| {
                Ok(Organisation {
                    id: OrganisationId::new(r.try_get::<_, String>(0)?),
                    name: r.try_get(1)?,
                })
            })
            .collect()
    }

    async fn create_user(&self, u: &UserRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        let n = pg_execute(&c, "INSERT INTO users (id, name, role, department, organisation, password_hash, disabled, created_at, levels)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
                &[
                    &u.id.as_str(),
                    &u.name,
                    &role_str(u.role)?,
                    &u.department.as_ref().map(|d| d.as_str()),
                    &u.organisation.as_ref().map(|o| o.as_str()),
                    &u.password_hash,
                    &u.disabled,
                    &now,
                    &levels_json(&u.levels)?,
                ],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("用户 {} 已存在", u.id)));
        }
        Ok(())
    }

    async fn user(&self, id: &UserId) -> Result<Option<UserRecord>, StoreError> {
        let c = self.pool.get().await?;
        c.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
            &[&id.as_str()],
        )
        .await?
        .as_ref()
        .map(to_user)
        .transpose()
    }

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let c = self.pool.get().await?;
        c.query(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"),
            &[],
        )
        .await?
        .iter()
        .map(to_user)
        .collect()
    }

    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let n = pg_execute(
            &tx,
            "UPDATE users SET disabled = $2 WHERE id = $1",
            &[&id.as_str(), &disabled],
        )
        .await?;
        if disabled {
            pg_execute(
                &tx,
                "UPDATE tokens SET revoked = TRUE WHERE user_id = $1",
                &[&id.as_str()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn set_password_hash(&self, id: &UserId, hash: &str) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let n = pg_execute(
            &tx,
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[&id.as_str(), &hash],
        )
        .await?;
        pg_execute(
            &tx,
            "UPDATE tokens SET revoked = TRUE WHERE user_id = $1",
            &[&id.as_str()],
        )
        .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn set_user_levels(&self, id: &UserId, levels: &[String]) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        let n = pg_execute(
            &c,
            "UPDATE users SET levels = $2 WHERE id = $1",
            &[&id.as_str(), &levels_json(levels)?],
        )
        .await?;
        Ok(n > 0)
    }

    async fn set_user_phone(
        &self,
        id: &UserId,
        phone: Option<&permitdesk_domain::codes::PhoneNumber>,
    ) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        let n = pg_execute(
            &c,
            "UPDATE users SET phone = $2 WHERE id = $1",
            &[&id.as_str(), &phone.map(|p| p.as_str())],
        )
        .await?;
        Ok(n > 0)
    }

    async fn user_phones(
        &self,
    ) -> Result<Vec<(UserId, permitdesk_domain::codes::PhoneNumber)>, StoreError> {
        let c = self.pool.get().await?;
        pg_query(
            &c,
            "SELECT id, phone FROM users WHERE phone IS NOT NULL ORDER BY id",
            &[],
        )
        .await?
        .iter()
        .map(|r| super::user_phone(r.try_get(0)?, &r.try_get::<_, String>(1)?))
        .collect()
    }

    async fn run_once_notifying(
        &self,
        action: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
        deliveries: &[crate::sms::PlannedSms],
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let ran = rules::run_once_notifying(&Pg(&tx), action, now, by, deliveries).await?;
        tx.commit().await?;
        Ok(ran)
    }

    async fn sms_due(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let due = rules::due_sms(&Pg(&tx), now, max_attempts, limit).await?;
        tx.commit().await?;
        Ok(due)
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
        let c = self.pool.get().await?;
        Pg(&c)
            .sms_claim(notification, user.as_str(), now, until, by, max_attempts)
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
        let c = self.pool.get().await?;
        Pg(&c)
            .sms_settle(notification, user.as_str(), by, settle, now)
            .await
    }

    async fn sms_deliveries(&self, limit: u32) -> Result<Vec<crate::sms::SmsDelivery>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).sms_deliveries(limit).await
    }

    async fn update_user_scope(
        &self,
        id: &UserId,
        role: Role,
        department: Option<&DepartmentCode>,
        organisation: Option<&OrganisationId>,
    ) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        let n = pg_execute(
            &c,
            "UPDATE users SET role = $2, department = $3, organisation = $4 WHERE id = $1",
            &[
                &id.as_str(),
                &role_str(role)?,
                &department.map(|d| d.as_str()),
                &organisation.map(|o| o.as_str()),
            ],
        )
        .await?;
        Ok(n > 0)
    }

    async fn insert_token(
        &self,
        hash: &str,
        user: &UserId,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(
            &c,
            "INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&hash, &user.as_str(), &created, &expires],
        )
        .await?;
        Ok(())
    }

    async fn token_user(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let c = self.pool.get().await?;
        pg_query_opt(
            &c,
            "SELECT u.id, u.name, u.role, u.department, u.organisation, u.password_hash, u.disabled, u.levels
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.hash = $1 AND NOT t.revoked AND t.expires_at > $2 AND NOT u.disabled",
            &[&hash, &now],
        )
        .await?
        .as_ref()
        .map(to_user)
        .transpose()
    }

    async fn claim_client(
        &self,
        client_id: &str,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        let c = self.pool.get().await?;
        pg_execute(
            &c,
            "INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES ($1, $2, 0, $3)
             ON CONFLICT (client_id) DO NOTHING",
            &[&client_id, &user.as_str(), &now],
        )
        .await?;
        let row = c
            .query_one(
                "SELECT user_id FROM clients WHERE client_id = $1",
                &[&client_id],
            )
            .await?;
        Ok(UserId::new(row.get::<_, String>(0)))
    }

    async fn bind_token_client(&self, hash: &str, client_id: &str) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(
            &c,
            "UPDATE tokens SET client_id = $2 WHERE hash = $1",
            &[&hash, &client_id],
        )
        .await?;
        Ok(())
    }

    async fn token_client(&self, hash: &str) -> Result<Option<String>, StoreError> {
        let c = self.pool.get().await?;
        let row = c
            .query_opt("SELECT client_id FROM tokens WHERE hash = $1", &[&hash])
            .await?;
        Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
    }

    async fn record_contact(&self, client_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(
            &c,
            "UPDATE clients SET last_contact_at = $2 WHERE client_id = $1",
            &[&client_id, &at],
        )
        .await?;
        Ok(())
    }

    async fn last_contact(&self, client_id: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let c = self.pool.get().await?;
        let row = c
            .query_opt(
                "SELECT last_contact_at FROM clients WHERE client_id = $1",
                &[&client_id],
            )
            .await?;
        Ok(row.and_then(|r| r.get::<_, Option<DateTime<Utc>>>(0)))
    }

    async fn revoke_token(&self, hash: &str) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        pg_execute(
            &c,
            "UPDATE tokens SET revoked = TRUE WHERE hash = $1",
            &[&hash],
        )
        .await?;
        Ok(())
    }

    async fn push(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        client_id: &str,
        commands: &[CommandEnvelope],
    ) -> Result<PushResult, StoreError> {
        let mut c = self.pool.get().await?;
        let mut results = Vec::with_capacity(commands.len());
        for group in commands.chunks(self.group_commit) {
            let tx = c.transaction().await?;
            let mut outcomes = Vec::with_capacity(group.len());
            for cmd in group {
                let outcome =
                    rules::push_one(&Pg(&tx), env, user, client_id, cmd, &self.cache).await?;
                outcomes.push(CommandResult {
                    mutation_id: cmd.mutation_id,
                    outcome,
                });
            }
            tx.commit().await?;
            results.extend(outcomes);
        }
        Ok(PushResult {
            results,
            last_mutation_id: rules::last_mutation(&Pg(&c), client_id).await?,
        })
    }

    async fn pull(
        &self,
        user: &UserRecord,
        client_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        let mut c = self.pool.get().await?;
        let scan = rules::pull_scan(&Pg(&c), user, client_id, after, limit).await?;
        if scan.update_client {
            let tx = c.transaction().await?;
            scan.record(&Pg(&tx), user, client_id).await?;
            tx.commit().await?;
        }
        Ok(scan.page)
    }

    async fn last_mutation_id(&self, client_id: &str) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        rules::last_mutation(&Pg(&c), client_id).await
    }

    async fn refusals(
        &self,
        client_id: &str,
        user: &UserId,
        after_mutation: u64,
    ) -> Result<Vec<RefusalRecord>, StoreError> {
        let c = self.pool.get().await?;
        let after = after_mutation as i64;
        pg_query(&c,
            "SELECT mutation_id, reason, refused_at FROM refusals WHERE client_id = $1 AND user_id = $2 AND mutation_id > $3 ORDER BY mutation_id LIMIT 1000",
            &[&client_id, &user.as_str(), &after],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(RefusalRecord {
                mutation_id: r.try_get::<_, i64>(0)? as u64,
                refusal: serde_json::from_str(&r.try_get::<_, String>(1)?)?,
                refused_at: r.try_get(2)?,
            })
        })
        .collect()
    }

    async fn events_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).scan(after, limit).await
    }

    async fn max_server_seq(&self) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        Ok(
            pg_query_one(&c, "SELECT value FROM sync_counter WHERE id = 1", &[])
                .await?
                .try_get::<_, i64>(0)?
                .max(0) as u64,
        )
    }

    async fn entity_events(&self, entity_key: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).history(entity_key, i64::MAX as u64).await
    }

    async fn attachment_info(
        &self,
        sha256: &str,
        user: &UserRecord,
    ) -> Result<Option<AttachmentInfo>, StoreError> {
        let c = self.pool.get().await?;
        rules::attachment_info(&Pg(&c), sha256, user).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn put_chunk(
        &self,
        sha: &str,
        offset: u64,
        total: u64,
        data: &[u8],
        user: &UserRecord,
        limits: UploadLimits,
        now: DateTime<Utc>,
    ) -> Result<Result<UploadStatus, UploadError>, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let out = rules::put_chunk(&Pg(&tx), sha, offset, total, data, user, limits, now).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn attachment_content(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let c = self.pool.get().await?;
        Ok(pg_query_opt(
            &c,
            "SELECT content FROM attachments WHERE sha256 = $1",
            &[&sha256],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?)
    }

    async fn expire_uploads(
        &self,
        started_before: DateTime<Utc>,
    ) -> Result<ExpiredUploads, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let out = rules::expire_uploads(&Pg(&tx), started_before).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn login_failures(
        &self,
        name: &str,
        address: &str,
    ) -> Result<crate::auth::FailureCounts, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).login_failures(name, address).await
    }

    async fn record_login_failure(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        // A count lost in a crash costs nothing worth a disk flush on every failed login.
        tx.batch_execute("SET LOCAL synchronous_commit TO OFF")
            .await?;
        rules::record_login_failure(&Pg(&tx), name, address, now, window).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_login_failures(&self, name: &str, address: &str) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).clear_login_failure(name, address).await
    }

    async fn expire_login_failures(
        &self,
        now: DateTime<Utc>,
        window: chrono::Duration,
        keep: usize,
    ) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        rules::expire_login_failures(&Pg(&c), now, window, keep).await
    }

    async fn login_failure_rows(&self) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).login_failure_rows().await
    }

    async fn trails(&self, selection: Selection) -> Result<Vec<Vec<DomainEvent>>, StoreError> {
        let c = self.pool.get().await?;
        rules::trails(&Pg(&c), selection).await
    }

    async fn run_once(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let ran = rules::run_once(&Pg(&tx), a, now, by).await?;
        tx.commit().await?;
        Ok(ran)
    }

    async fn run_system_commands(
        &self,
        env: &PushEnv,
        user: &UserRecord,
        actions: &[(ScheduledAction, CommandEnvelope)],
        by: &str,
    ) -> Result<Vec<Option<CommandOutcome>>, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let out = rules::run_system_commands(&Pg(&tx), env, user, actions, by, &self.cache).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).notifications(after, limit).await
    }

    async fn entity_scope(&self, entity_key: &str) -> Result<Option<EntityScope>, StoreError> {
        let c = self.pool.get().await?;
        rules::scope(&Pg(&c), entity_key).await
    }

    async fn certificates(
        &self,
        q: crate::certificates::CertificateQuery,
    ) -> Result<Vec<crate::certificates::CertificateRow>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).certificates(&q).await
    }

    async fn update_certificate(
        &self,
        number: &str,
        u: crate::certificates::CertificateUpdate,
    ) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).update_certificate(number, &u).await
    }

    async fn certificate_file(&self, number: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).certificate_file(number).await
    }

    async fn exchange_batches(&self) -> Result<Vec<crate::exchange::ExchangeBatch>, StoreError> {
        let c = self.pool.get().await?;
        Pg(&c).exchange_batches().await
    }

    async fn record_exchange(
        &self,
        batch: Option<&crate::exchange::ExchangeBatch>,
        claim: Option<&ScheduledAction>,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let recorded = rules::record_exchange(&Pg(&tx), batch, claim, now, by).await?;
        tx.commit().await?;
        Ok(recorded)
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
        let expected = expected_current as i64;
        let version = expected + 1;
        let c = self.pool.get().await?;
        // One statement: the row is written only if the current version is the expected one;
        // two concurrent imports both reading the same current version meet at the primary
        // key, and the second one finds it taken (0 rows): a conflict, never two versions N+1.
        let n = pg_execute(
            &c,
            "INSERT INTO reference_versions (kind, version, content, sha256, changed_by, changed_at, changes) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE (SELECT COALESCE(MAX(version), 0) FROM reference_versions WHERE kind = $1) = $8 \
             ON CONFLICT (kind, version) DO NOTHING",
            &[&kind.as_str(), &version, &content, &sha256, &changed_by, &changed_at, &changes, &expected],
        )
        .await?;
        if n == 1 {
            Ok(version as u64)
        } else {
            Err(super::stale_reference(kind, expected_current))
        }
    }

    async fn reference_latest(
        &self,
        kind: ReferenceKind,
    ) -> Result<Option<ReferenceDoc>, StoreError> {
        let c = self.pool.get().await?;
        let row = pg_query_opt(
            &c,
            "SELECT version, content, sha256, changed_by, changed_at, changes FROM reference_versions WHERE kind = $1 ORDER BY version DESC LIMIT 1",
            &[&kind.as_str()],
        )
        .await?;
        row.map(|r| {
            let changes: String = r.try_get(5)?;
            Ok(ReferenceDoc {
                kind,
                version: r.try_get::<_, i64>(0)? as u64,
                content: r.try_get(1)?,
                sha256: r.try_get(2)?,
                changed_by: r.try_get(3)?,
                changed_at: r.try_get(4)?,
                changes: serde_json::from_str(&changes)?,
            })
        })
        .transpose()
    }

    async fn reference_versions(&self) -> Result<ReferenceVersions, StoreError> {
        let c = self.pool.get().await?;
        let rows = pg_query(
            &c,
            "SELECT kind, MAX(version) FROM reference_versions GROUP BY kind",
            &[],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, i64>(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(super::all_versions(rows))
    }

    async fn reference_history(
        &self,
        kind: Option<ReferenceKind>,
    ) -> Result<Vec<ReferenceChange>, StoreError> {
        let c = self.pool.get().await?;
        let kind = kind.map(|k| k.as_str());
        pg_query(
            &c,
            "SELECT kind, version, changed_by, changed_at, changes FROM reference_versions WHERE $1::TEXT IS NULL OR kind = $1 ORDER BY kind, version",
            &[&kind],
        )
        .await?
        .iter()
        .map(|r| {
            let changes: String = r.try_get(4)?;
            Ok(ReferenceChange {
                kind: super::parse_kind(&r.try_get::<_, String>(0)?)?,
                version: r.try_get::<_, i64>(1)? as u64,
                changed_by: r.try_get(2)?,
                changed_at: r.try_get(3)?,
                changes: serde_json::from_str(&changes)?,
            })
        })
        .collect()
    }

    async fn projection_snapshot(
        &self,
        name: &str,
    ) -> Result<Option<ProjectionSnapshot>, StoreError> {
        let c = self.pool.get().await?;
        // One statement: the head and its parts as one consistent snapshot.
        let rows = pg_query(
            &c,
            "SELECT s.seq, s.format, p.data FROM projection_snapshots s \
             LEFT JOIN projection_parts p ON p.name = s.name WHERE s.name = $1 ORDER BY p.part",
            &[&name],
        )
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let seq: i64 = first.try_get(0)?;
        let format: String = first.try_get(1)?;
        // A snapshot of no parts (an empty store) is one row with no data.
        let parts = rows
            .iter()
            .filter_map(|r| r.try_get::<_, Option<Vec<u8>>>(2).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(ProjectionSnapshot {
            seq: seq as u64,
            format,
            parts,
        }))
    }

    async fn put_projection_snapshot(
        &self,
        name: &str,
        snapshot: &ProjectionSnapshot,
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        // The head row's lock orders concurrent writers; the older snapshot writes nothing.
        let n = pg_execute(
            &tx,
            "INSERT INTO projection_snapshots (name, seq, format) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, format = excluded.format \
             WHERE projection_snapshots.seq < excluded.seq",
            &[&name, &(snapshot.seq as i64), &snapshot.format],
        )
        .await?;
        if n == 0 {
            return Ok(false);
        }
        pg_execute(
            &tx,
            "DELETE FROM projection_parts WHERE name = $1",
            &[&name],
        )
        .await?;
        for (i, part) in snapshot.parts.iter().enumerate() {
            pg_execute(
                &tx,
                "INSERT INTO projection_parts (name, part, data) VALUES ($1, $2, $3)",
                &[&name, &(i as i32), part],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://127.0.0.1", "x"),
            "postgres://127.0.0.1/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}

//! PostgreSQL backend (tokio-postgres + deadpool): the same tables and the same rules as the
//! SQLite backend, for installations that outgrow one machine or run several server processes.
//!
//! Server sequence numbers never leave a hole a cursor could skip: every push transaction
//! starts by locking the one row of `sync_counter` (`SELECT ... FOR UPDATE`) and allocates its
//! numbers from it. Writers are therefore serialised in commit order: a transaction holding
//! numbers N..M commits before the next one can even read the counter, so any snapshot that
//! shows event M also shows every event below it, and a pull cursor that has passed M never
//! meets a late commit below it. The lock also serialises the read-decide-append of each
//! entity, so two pushes on one case cannot both seal onto the same head. The price is one
//! writer at a time, which push's per-command transactions keep short.

use super::*;
use crate::attachments::{check_chunk, verdict};
use crate::scope::{EntityKind, may_see, may_use_attachment};
use crate::sync::{self, AttachmentAccess, Decided, Loaded, LoadedEntity, Needs};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use permitdesk_domain::case::CaseEvent;
use permitdesk_domain::ids::ProjectId;
use permitdesk_protocol::{CommandOutcome, DomainEvent};
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
];

/// Any fixed number: the advisory lock that keeps two processes from migrating at once.
const MIGRATION_LOCK: i64 = 0x5044_4d49_4752;

/// The PostgreSQL backend.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
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
        let store = PostgresStore { pool };
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
    })
}

const USER_COLUMNS: &str = "id, name, role, department, organisation, password_hash, disabled";

fn stored_row(r: &Row) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        server_seq: r.try_get::<_, i64>(0)? as u64,
        entity_key: r.try_get(1)?,
        entity_seq: r.try_get::<_, i64>(2)? as u64,
        json: r.try_get(3)?,
        received_at: r.try_get(4)?,
    })
}

async fn project_departments_many<C: GenericClient>(
    c: &C,
    projects: &[String],
) -> Result<HashMap<String, Vec<DepartmentCode>>, StoreError> {
    let mut out: HashMap<String, Vec<DepartmentCode>> = HashMap::new();
    if projects.is_empty() {
        return Ok(out);
    }
    let rows = pg_query(c, "SELECT project, department FROM project_departments WHERE project = ANY($1) ORDER BY project, department", &[&projects])
        .await?;
    for r in rows {
        out.entry(r.try_get(0)?)
            .or_default()
            .push(DepartmentCode::new(r.try_get::<_, String>(1)?));
    }
    Ok(out)
}

/// Scopes of many entities in two queries.
async fn load_scopes<C: GenericClient>(
    c: &C,
    keys: &[String],
) -> Result<HashMap<String, EntityScope>, StoreError> {
    let mut out = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let rows = pg_query(c, "SELECT entity_key, kind, owner, department, project, draft, granted, created_by_window FROM entity_heads WHERE entity_key = ANY($1)",
            &[&keys],
        )
        .await?;
    let projects: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<_, String>(4))
        .collect::<Result<HashSet<_>, _>>()?
        .into_iter()
        .collect();
    let departments = project_departments_many(c, &projects).await?;
    for r in rows {
        let kind: String = r.try_get(1)?;
        let project: String = r.try_get(4)?;
        out.insert(
            r.try_get(0)?,
            EntityScope {
                kind: EntityKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("entity kind {kind}")))?,
                owner: OrganisationId::new(r.try_get::<_, String>(2)?),
                department: r.try_get::<_, Option<String>>(3)?.map(DepartmentCode::new),
                project_departments: departments.get(&project).cloned().unwrap_or_default(),
                project: ProjectId::new(project),
                draft: r.try_get(5)?,
                granted: r.try_get(6)?,
                created_by_window: r.try_get(7)?,
            },
        );
    }
    Ok(out)
}

async fn load_scope<C: GenericClient>(c: &C, key: &str) -> Result<Option<EntityScope>, StoreError> {
    Ok(load_scopes(c, &[key.to_owned()]).await?.remove(key))
}

/// The trails of the entities a query over `entity_heads` selects, in key order.
async fn trails_where<C: GenericClient, E>(
    c: &C,
    sql: &str,
    pick: fn(DomainEvent) -> Option<E>,
) -> Result<Vec<Vec<E>>, StoreError> {
    let keys: Vec<String> = pg_query(c, sql, &[])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(l) = load_entity(c, &k).await? {
            out.push(super::events_of_kind(&k, l.events, pick)?);
        }
    }
    Ok(out)
}

async fn load_entity<C: GenericClient>(
    c: &C,
    key: &str,
) -> Result<Option<LoadedEntity>, StoreError> {
    let rows = pg_query(
        c,
        "SELECT event FROM events WHERE entity_key = $1 ORDER BY entity_seq",
        &[&key],
    )
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let events = rows
        .iter()
        .map(|r| {
            Ok(serde_json::from_str::<DomainEvent>(
                &r.try_get::<_, String>(0)?,
            )?)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let project: Option<String> = pg_query_opt(
        c,
        "SELECT project FROM entity_heads WHERE entity_key = $1",
        &[&key],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()?;
    let project_departments = match project {
        Some(p) => project_departments_many(c, std::slice::from_ref(&p))
            .await?
            .remove(&p)
            .unwrap_or_default(),
        None => vec![],
    };
    Ok(Some(LoadedEntity {
        events,
        project_departments,
    }))
}

async fn uploader_and_links<C: GenericClient>(
    c: &C,
    sha: &str,
    user: &UserRecord,
) -> Result<(bool, Vec<EntityScope>), StoreError> {
    let uploaded = pg_query_opt(
        c,
        "SELECT 1 FROM attachment_uploaders WHERE sha256 = $1 AND user_id = $2",
        &[&sha, &user.id.as_str()],
    )
    .await?
    .is_some();
    let keys: Vec<String> = pg_query(
        c,
        "SELECT entity_key FROM attachment_links WHERE sha256 = $1",
        &[&sha],
    )
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    Ok((
        uploaded,
        load_scopes(c, &keys).await?.into_values().collect(),
    ))
}

async fn load_for<C: GenericClient>(
    c: &C,
    needs: &Needs,
    user: &UserRecord,
) -> Result<Loaded, StoreError> {
    let entity = load_entity(c, &needs.entity_key).await?;
    let project = match &needs.project_key {
        Some(k) => load_entity(c, k).await?,
        None => None,
    };
    let mut attachments = Vec::new();
    for a in &needs.attachments {
        let sha = a.as_str();
        let access = if !sync::valid_sha256(sha)
            || pg_query_opt(c, "SELECT 1 FROM attachments WHERE sha256 = $1", &[&sha])
                .await?
                .is_none()
        {
            AttachmentAccess::Missing
        } else {
            let (uploaded, linked) = uploader_and_links(c, sha, user).await?;
            if may_use_attachment(&user.viewer(), uploaded, &linked) {
                AttachmentAccess::Usable
            } else {
                AttachmentAccess::NotYours
            }
        };
        attachments.push((a.clone(), access));
    }
    Ok(Loaded {
        entity,
        project,
        attachments,
    })
}

async fn last_mutation<C: GenericClient>(c: &C, client_id: &str) -> Result<u64, StoreError> {
    let v: Option<i64> = pg_query_opt(
        c,
        "SELECT last_mutation_id FROM clients WHERE client_id = $1",
        &[&client_id],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()?;
    Ok(v.unwrap_or(0).max(0) as u64)
}

async fn write_decided<C: GenericClient>(
    c: &C,
    d: &Decided,
    client_id: &str,
    mutation_id: u64,
    now: DateTime<Utc>,
) -> Result<Vec<u64>, StoreError> {
    let n = d.events.len() as i64;
    let end: i64 = pg_query_one(
        c,
        "UPDATE sync_counter SET value = value + $1 WHERE id = 1 RETURNING value",
        &[&n],
    )
    .await?
    .try_get(0)?;
    let insert = c
        .prepare_cached(
            "INSERT INTO events (server_seq, entity_key, entity_seq, event, hash, prev_hash, acted_at, received_at, client_id, mutation_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .await?;
    let mut seqs = Vec::with_capacity(d.events.len());
    let mutation = mutation_id as i64;
    for (i, e) in d.events.iter().enumerate() {
        let seq = end - n + 1 + i as i64;
        let entity_seq = e.entity_seq as i64;
        c.execute(
            &insert,
            &[
                &seq,
                &d.head.entity_key,
                &entity_seq,
                &e.json,
                &e.hash,
                &e.prev_hash,
                &e.acted_at,
                &now,
                &client_id,
                &mutation,
            ],
        )
        .await?;
        seqs.push(seq as u64);
    }
    let h = &d.head;
    let version = h.version as i64;
    pg_execute(c,
        "INSERT INTO entity_heads (entity_key, kind, entity_id, version, hash, state, owner, department, project, draft, granted, created_by_window, last_event_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (entity_key) DO UPDATE SET version = excluded.version, hash = excluded.hash, state = excluded.state,
           owner = excluded.owner, department = excluded.department, project = excluded.project, draft = excluded.draft,
           granted = excluded.granted, created_by_window = excluded.created_by_window, last_event_at = excluded.last_event_at",
        &[
            &h.entity_key,
            &h.kind.as_str(),
            &h.entity_id,
            &version,
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
    for a in &d.links {
        pg_execute(c, "INSERT INTO attachment_links (sha256, entity_key) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&a.as_str(), &h.entity_key]).await?;
    }
    if let Some((p, dept)) = &d.share {
        pg_execute(c, "INSERT INTO project_departments (project, department) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&p.as_str(), &dept.as_str()])
            .await?;
    }
    for (p, dept) in &d.see {
        pg_execute(c, "INSERT INTO project_departments (project, department) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&p.as_str(), &dept.as_str()])
            .await?;
    }
    Ok(seqs)
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

/// What one pull has learnt about the client's copies, and the page it is building (see the
/// SQLite backend's `Gain` for the rules).
struct Gain<'a> {
    viewer: &'a crate::scope::Viewer<'a>,
    client_id: &'a str,
    removed: &'a HashSet<String>,
    held: &'a mut HashMap<String, bool>,
    delivered: &'a mut Vec<String>,
    events: &'a mut Vec<StoredEvent>,
}

impl Gain<'_> {
    async fn holds<C: GenericClient>(&mut self, c: &C, key: &str) -> Result<bool, StoreError> {
        if let Some(h) = self.held.get(key) {
            return Ok(*h);
        }
        let h = !self.removed.contains(key)
            && pg_query_opt(
                c,
                "SELECT 1 FROM client_entities WHERE client_id = $1 AND entity_key = $2",
                &[&self.client_id, &key],
            )
            .await?
            .is_some();
        self.held.insert(key.to_owned(), h);
        Ok(h)
    }

    async fn history<C: GenericClient>(
        &mut self,
        c: &C,
        key: &str,
        before: i64,
    ) -> Result<(), StoreError> {
        let rows = pg_query(c, "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = $1 AND server_seq < $2 ORDER BY entity_seq",
                &[&key, &before],
            )
            .await?;
        for r in &rows {
            self.events.push(stored_row(r)?);
        }
        Ok(())
    }

    async fn gain<C: GenericClient>(
        &mut self,
        c: &C,
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
        for r in pg_query(c, "SELECT entity_key FROM entity_heads WHERE project = $1 AND kind = 'case' ORDER BY entity_key", &[&scope.project.as_str()]).await? {
            related.push(r.try_get(0)?);
        }
        for k in related {
            if k == key || self.holds(c, &k).await? {
                continue;
            }
            if load_scope(c, &k)
                .await?
                .is_some_and(|s| may_see(self.viewer, &s))
            {
                self.held.insert(k.clone(), true);
                self.delivered.push(k.clone());
                self.history(c, &k, seq).await?;
            }
        }
        self.history(c, key, seq).await
    }
}

const SCAN_BATCH: i64 = 1000;

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
        let n = pg_execute(&c, "INSERT INTO users (id, name, role, department, organisation, password_hash, disabled, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
                &[
                    &u.id.as_str(),
                    &u.name,
                    &role_str(u.role)?,
                    &u.department.as_ref().map(|d| d.as_str()),
                    &u.organisation.as_ref().map(|o| o.as_str()),
                    &u.password_hash,
                    &u.disabled,
                    &now,
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
            "SELECT u.id, u.name, u.role, u.department, u.organisation, u.password_hash, u.disabled
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.hash = $1 AND NOT t.revoked AND t.expires_at > $2 AND NOT u.disabled",
            &[&hash, &now],
        )
        .await?
        .as_ref()
        .map(to_user)
        .transpose()
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
        for cmd in commands {
            let tx = c.transaction().await?;
            // The writers' lock: see the module documentation.
            pg_query_one(
                &tx,
                "SELECT value FROM sync_counter WHERE id = 1 FOR UPDATE",
                &[],
            )
            .await?;
            if cmd.mutation_id <= last_mutation(&tx, client_id).await? {
                tx.rollback().await?;
                results.push(CommandResult {
                    mutation_id: cmd.mutation_id,
                    outcome: CommandOutcome::Duplicate,
                });
                continue;
            }
            let now = env.clock.now();
            let needs = sync::needs(cmd);
            let loaded = load_for(&tx, &needs, user).await?;
            let mutation = cmd.mutation_id as i64;
            let outcome = match sync::decide(user, cmd, &loaded, &env.reference, &env.rules, now) {
                Ok(d) => CommandOutcome::Applied {
                    server_seqs: write_decided(&tx, &d, client_id, cmd.mutation_id, now).await?,
                },
                Err(refusal) => {
                    pg_execute(&tx,
                        "INSERT INTO refusals (client_id, mutation_id, user_id, reason, refused_at) VALUES ($1, $2, $3, $4, $5)",
                        &[&client_id, &mutation, &user.id.as_str(), &serde_json::to_string(&refusal)?, &now],
                    )
                    .await?;
                    CommandOutcome::Refused { refusal }
                }
            };
            pg_execute(&tx,
                "INSERT INTO clients (client_id, user_id, last_mutation_id, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (client_id) DO UPDATE SET user_id = excluded.user_id, last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at",
                &[&client_id, &user.id.as_str(), &mutation, &now],
            )
            .await?;
            tx.commit().await?;
            results.push(CommandResult {
                mutation_id: cmd.mutation_id,
                outcome,
            });
        }
        Ok(PushResult {
            results,
            last_mutation_id: last_mutation(&c, client_id).await?,
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
        const SCAN: &str = "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > $1 ORDER BY server_seq LIMIT $2";
        // The client's record and the first batch are independent: send both at once
        // (tokio-postgres pipelines queries on one connection), saving a round trip per poll.
        let first_from = after as i64;
        let client_params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&client_id];
        let scan_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] =
            [&first_from, &SCAN_BATCH];
        let (client, first) = tokio::try_join!(
            pg_query_opt(
                &c,
                "SELECT last_mutation_id, scope_fingerprint FROM clients WHERE client_id = $1",
                &client_params
            ),
            pg_query(&c, SCAN, &scan_params),
        )?;
        let mut prefetched = Some(first);
        let last_mutation_id = match &client {
            Some(r) => r.try_get::<_, i64>(0)?.max(0) as u64,
            None => 0,
        };
        let stored_fp: Option<String> = match &client {
            Some(r) => r.try_get(1)?,
            None => None,
        };
        let fingerprint = user.scope_fingerprint();
        let viewer = user.viewer();
        let mut removals = Vec::new();
        let mut removed: HashSet<String> = HashSet::new();
        if stored_fp.as_deref().is_some_and(|fp| fp != fingerprint) {
            let held: Vec<String> = pg_query(
                &c,
                "SELECT entity_key FROM client_entities WHERE client_id = $1",
                &[&client_id],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
            let scopes = load_scopes(&c, &held).await?;
            for k in held {
                if !scopes.get(&k).is_some_and(|s| may_see(&viewer, s)) {
                    if let Some(r) = EntityRef::from_key(&k) {
                        removals.push(r);
                    }
                    removed.insert(k);
                }
            }
        }
        let mut scopes: HashMap<String, Option<EntityScope>> = HashMap::new();
        let mut held: HashMap<String, bool> = HashMap::new();
        let mut delivered = Vec::new();
        let mut events = Vec::new();
        let mut cursor = after;
        let budget = (limit as usize).saturating_mul(4).clamp(1000, 40_000);
        let mut scanned = 0usize;
        let mut exhausted = false;
        'outer: while scanned < budget {
            let from = cursor as i64;
            let rows = match prefetched.take() {
                Some(rows) => rows,
                None => pg_query(&c, SCAN, &[&from, &SCAN_BATCH]).await?,
            };
            if rows.is_empty() {
                exhausted = true;
                break;
            }
            let short = (rows.len() as i64) < SCAN_BATCH;
            let batch: Vec<StoredEvent> = rows.iter().map(stored_row).collect::<Result<_, _>>()?;
            let unknown: Vec<String> = batch
                .iter()
                .map(|e| e.entity_key.clone())
                .filter(|k| !scopes.contains_key(k))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let mut found = load_scopes(&c, &unknown).await?;
            for k in unknown {
                let s = found.remove(&k);
                scopes.insert(k, s);
            }
            let visible_new: Vec<String> = batch
                .iter()
                .filter(|e| {
                    !held.contains_key(&e.entity_key)
                        && scopes
                            .get(&e.entity_key)
                            .and_then(|s| s.as_ref())
                            .is_some_and(|s| may_see(&viewer, s))
                })
                .map(|e| e.entity_key.clone())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if !visible_new.is_empty() {
                let have: HashSet<String> = pg_query(&c, "SELECT entity_key FROM client_entities WHERE client_id = $1 AND entity_key = ANY($2)", &[&client_id, &visible_new])
                    .await?
                    .iter()
                    .map(|r| r.try_get(0))
                    .collect::<Result<_, _>>()?;
                for k in visible_new {
                    let h = have.contains(&k) && !removed.contains(&k);
                    held.insert(k, h);
                }
            }
            for e in batch {
                scanned += 1;
                let visible = scopes
                    .get(&e.entity_key)
                    .and_then(|s| s.as_ref())
                    .is_some_and(|s| may_see(&viewer, s));
                let seq = e.server_seq;
                if visible {
                    if held.get(&e.entity_key) == Some(&false)
                        && let Some(Some(sc)) = scopes.get(&e.entity_key)
                    {
                        let mut g = Gain {
                            viewer: &viewer,
                            client_id,
                            removed: &removed,
                            held: &mut held,
                            delivered: &mut delivered,
                            events: &mut events,
                        };
                        g.gain(&c, &e.entity_key, sc, seq as i64, after > 0).await?;
                    }
                    events.push(e);
                }
                cursor = seq;
                if events.len() >= limit as usize || scanned >= budget {
                    break 'outer;
                }
            }
            if short {
                exhausted = true;
                break;
            }
        }
        let from = cursor as i64;
        // A short last batch read to its end: nothing more, no need to ask.
        let has_more = !exhausted
            && pg_query_opt(
                &c,
                "SELECT 1 FROM events WHERE server_seq > $1 LIMIT 1",
                &[&from],
            )
            .await?
            .is_some();
        if stored_fp.as_deref() != Some(fingerprint.as_str())
            || !delivered.is_empty()
            || !removals.is_empty()
        {
            let tx = c.transaction().await?;
            pg_execute(&tx,
                "INSERT INTO clients (client_id, user_id, last_mutation_id, scope_fingerprint, updated_at) VALUES ($1, $2, 0, $3, now())
                 ON CONFLICT (client_id) DO UPDATE SET user_id = excluded.user_id, scope_fingerprint = excluded.scope_fingerprint",
                &[&client_id, &user.id.as_str(), &fingerprint],
            )
            .await?;
            let removed_keys: Vec<String> = removals.iter().map(|r| r.key()).collect();
            if !removed_keys.is_empty() {
                pg_execute(
                    &tx,
                    "DELETE FROM client_entities WHERE client_id = $1 AND entity_key = ANY($2)",
                    &[&client_id, &removed_keys],
                )
                .await?;
            }
            if !delivered.is_empty() {
                pg_execute(&tx,
                    "INSERT INTO client_entities (client_id, entity_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                    &[&client_id, &delivered],
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(PullPage {
            events,
            removals,
            cursor,
            has_more,
            last_mutation_id,
        })
    }

    async fn last_mutation_id(&self, client_id: &str) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        last_mutation(&c, client_id).await
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
        pg_query(
            &c,
            "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE server_seq > $1 ORDER BY server_seq LIMIT $2",
            &[&(after as i64), &i64::from(limit)],
        )
        .await?
        .iter()
        .map(stored_row)
        .collect()
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
        pg_query(&c,
            "SELECT server_seq, entity_key, entity_seq, event, received_at FROM events WHERE entity_key = $1 ORDER BY entity_seq",
            &[&entity_key],
        )
        .await?
        .iter()
        .map(stored_row)
        .collect()
    }

    async fn attachment_info(
        &self,
        sha256: &str,
        user: &UserRecord,
    ) -> Result<Option<AttachmentInfo>, StoreError> {
        let c = self.pool.get().await?;
        let stored = pg_query_opt(
            &c,
            "SELECT size, content_type FROM attachments WHERE sha256 = $1",
            &[&sha256],
        )
        .await?;
        let upload = pg_query_opt(
            &c,
            "SELECT size, received FROM uploads WHERE sha256 = $1 AND user_id = $2",
            &[&sha256, &user.id.as_str()],
        )
        .await?;
        if stored.is_none() && upload.is_none() {
            return Ok(None);
        }
        let (uploaded_by_user, linked) = uploader_and_links(&c, sha256, user).await?;
        Ok(Some(AttachmentInfo {
            stored: match stored {
                Some(r) => {
                    let size: i64 = r.try_get(0)?;
                    Some(upload_status(sha256, size, size, true, Some(r.try_get(1)?)))
                }
                None => None,
            },
            upload: match upload {
                Some(r) => Some(upload_status(
                    sha256,
                    r.try_get(0)?,
                    r.try_get(1)?,
                    false,
                    None,
                )),
                None => None,
            },
            uploaded_by_user,
            linked,
        }))
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
        let uid = user.id.as_str();
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        let upload = pg_query_opt(
            &tx,
            "SELECT size, received FROM uploads WHERE sha256 = $1 AND user_id = $2 FOR UPDATE",
            &[&sha, &uid],
        )
        .await?;
        let existing = match &upload {
            Some(r) => Some((
                r.try_get::<_, i64>(0)? as u64,
                r.try_get::<_, i64>(1)? as u64,
            )),
            None => None,
        };
        let end = match check_chunk(existing, offset, total, data.len() as u64, limits) {
            Ok(end) => end,
            Err(e) => return Ok(Err(e)),
        };
        let (total_i, end_i, offset_i) = (total as i64, end as i64, offset as i64);
        if upload.is_none() {
            let n = pg_execute(&tx, "INSERT INTO uploads (sha256, user_id, size, received, created_at) VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING",
                    &[&sha, &uid, &total_i, &now],
                )
                .await?;
            if n == 0 {
                // The same user's parallel first chunk won the race.
                return Ok(Err(UploadError::WrongOffset {
                    expected: 0,
                    found: offset,
                }));
            }
        }
        if !data.is_empty() {
            pg_execute(&tx, "INSERT INTO attachment_parts (sha256, user_id, \"offset\", data) VALUES ($1, $2, $3, $4)", &[&sha, &uid, &offset_i, &data])
                .await?;
        }
        pg_execute(
            &tx,
            "UPDATE uploads SET received = $3 WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &uid, &end_i],
        )
        .await?;
        if end < total {
            tx.commit().await?;
            return Ok(Ok(upload_status(sha, total_i, end_i, false, None)));
        }
        let mut content = Vec::with_capacity(total as usize);
        for r in pg_query(&tx, "SELECT data FROM attachment_parts WHERE sha256 = $1 AND user_id = $2 ORDER BY \"offset\"", &[&sha, &uid]).await? {
            content.extend_from_slice(r.try_get::<_, &[u8]>(0)?);
        }
        pg_execute(
            &tx,
            "DELETE FROM attachment_parts WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &uid],
        )
        .await?;
        pg_execute(
            &tx,
            "DELETE FROM uploads WHERE sha256 = $1 AND user_id = $2",
            &[&sha, &uid],
        )
        .await?;
        let kind = match verdict(&content, sha) {
            Ok(k) => k,
            Err(e) => {
                tx.commit().await?;
                return Ok(Err(e));
            }
        };
        pg_execute(&tx,
            "INSERT INTO attachments (sha256, size, content_type, content, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&sha, &total_i, &kind, &content, &now],
        )
        .await?;
        pg_execute(&tx, "INSERT INTO attachment_uploaders (sha256, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&sha, &uid]).await?;
        tx.commit().await?;
        Ok(Ok(upload_status(
            sha,
            total_i,
            total_i,
            true,
            Some(kind.to_owned()),
        )))
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

    async fn cases_under_clock(&self) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
        let c = self.pool.get().await?;
        trails_where(&c, "SELECT entity_key FROM entity_heads WHERE kind = 'case' AND state IN ('in_review', 'paused') ORDER BY entity_key", super::case_event).await
    }

    async fn run_once(
        &self,
        a: &ScheduledAction,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().await?;
        let tx = c.transaction().await?;
        // The primary key decides: a concurrent insert of the same key waits for this
        // transaction and then finds the key taken.
        let n = pg_execute(&tx, "INSERT INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
                &[&a.key, &a.kind, &a.entity_key, &now, &by],
            )
            .await?;
        if n == 1 {
            pg_execute(&tx,
                "INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&a.key, &a.entity_key, &a.kind, &a.notification.to_string(), &now],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
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
        // The writers' lock first (as push): a second process waits here, then finds the keys.
        pg_query_one(
            &tx,
            "SELECT value FROM sync_counter WHERE id = 1 FOR UPDATE",
            &[],
        )
        .await?;
        let now = env.clock.now();
        let mut out = Vec::with_capacity(actions.len());
        for (a, cmd) in actions {
            let n = pg_execute(&tx, "INSERT INTO scheduled_actions (key, kind, entity_key, done_at, done_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
                &[&a.key, &a.kind, &a.entity_key, &now, &by],
            )
            .await?;
            if n == 0 {
                out.push(None);
                continue;
            }
            let needs = sync::needs(cmd);
            let loaded = load_for(&tx, &needs, user).await?;
            let outcome = match sync::decide(user, cmd, &loaded, &env.reference, &env.rules, now) {
                Ok(d) => {
                    let server_seqs = write_decided(&tx, &d, "system", 0, now).await?;
                    pg_execute(&tx,
                        "INSERT INTO notifications (action_key, entity_key, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
                        &[&a.key, &a.entity_key, &a.kind, &a.notification.to_string(), &now],
                    )
                    .await?;
                    CommandOutcome::Applied { server_seqs }
                }
                Err(refusal) => {
                    if !sync::system_action_done(&refusal) {
                        pg_execute(
                            &tx,
                            "DELETE FROM scheduled_actions WHERE key = $1",
                            &[&a.key],
                        )
                        .await?;
                    }
                    CommandOutcome::Refused { refusal }
                }
            };
            out.push(Some(outcome));
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn consultations_consulting(
        &self,
    ) -> Result<Vec<Vec<permitdesk_domain::consultation::ConsultationEvent>>, StoreError> {
        let c = self.pool.get().await?;
        trails_where(&c, "SELECT entity_key FROM entity_heads WHERE kind = 'consultation' AND state = 'consulting' ORDER BY entity_key", super::consultation_event).await
    }

    async fn interaction_trails(
        &self,
        kind: EntityKind,
        open_only: bool,
    ) -> Result<Vec<Vec<DomainEvent>>, StoreError> {
        let c = self.pool.get().await?;
        trails_where(
            &c,
            super::interaction_sql(kind, open_only),
            super::any_event,
        )
        .await
    }

    async fn notifications(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let c = self.pool.get().await?;
        let (after, limit) = (after as i64, i64::from(limit));
        pg_query(&c, "SELECT id, entity_key, kind, payload, created_at FROM notifications WHERE id > $1 ORDER BY id LIMIT $2", &[&after, &limit])
            .await?
            .iter()
            .map(|r| {
                Ok(NotificationRecord {
                    id: r.try_get::<_, i64>(0)? as u64,
                    entity_key: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    payload: serde_json::from_str(&r.try_get::<_, String>(3)?)?,
                    created_at: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn entity_scope(&self, entity_key: &str) -> Result<Option<EntityScope>, StoreError> {
        let c = self.pool.get().await?;
        load_scope(&c, entity_key).await
    }

    async fn open_cases(&self) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
        let c = self.pool.get().await?;
        trails_where(&c, super::OPEN_CASES_SQL, super::case_event).await
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

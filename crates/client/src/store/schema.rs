//! Versioned migrations of the local database: `PRAGMA user_version` is the number of
//! migrations applied; each runs once, in its own transaction, in order.

use crate::error::{ClientError, Result};
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        client_id TEXT NOT NULL,
        server_url TEXT,
        fingerprint TEXT,
        ca_file TEXT,
        user_json TEXT,
        token_expires_at TEXT,
        cursor INTEGER NOT NULL DEFAULT 0,
        last_mutation_acked INTEGER NOT NULL DEFAULT 0,
        next_mutation_id INTEGER NOT NULL DEFAULT 1,
        clock_offset_ms INTEGER NOT NULL DEFAULT 0,
        last_contact_at TEXT,
        last_sync_at TEXT
    );
    CREATE TABLE events (
        entity TEXT NOT NULL,
        seq INTEGER NOT NULL,
        server_seq INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        hash TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (entity, seq)
    );
    CREATE INDEX events_by_server_seq ON events (server_seq);
    CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL,
        department TEXT NOT NULL,
        applicant TEXT NOT NULL,
        state TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );
    CREATE INDEX cases_by_project ON cases (project);
    CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        state TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );
    CREATE TABLE heads (
        entity TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        projected INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE outbox (
        mutation_id INTEGER PRIMARY KEY,
        entity TEXT NOT NULL,
        envelope TEXT NOT NULL,
        actor TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        applied_max_seq INTEGER,
        local_conflict TEXT,
        queued_at TEXT NOT NULL,
        pushed_at TEXT
    );
    CREATE INDEX outbox_by_entity ON outbox (entity, mutation_id);
    CREATE TABLE refusals (
        mutation_id INTEGER PRIMARY KEY,
        entity TEXT NOT NULL,
        envelope TEXT NOT NULL,
        refusal TEXT NOT NULL,
        message TEXT NOT NULL,
        refused_at TEXT NOT NULL,
        dismissed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE command_log (
        mutation_id INTEGER PRIMARY KEY,
        entity TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        name TEXT,
        content_type TEXT,
        data BLOB NOT NULL,
        cached_at TEXT NOT NULL
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'queued',
        error TEXT,
        queued_at TEXT NOT NULL
    );",
    // 2: 策划生成 records (joint consultation), projected like cases and projects.
    "CREATE TABLE consultations (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );",
    // 3: 好差评 ratings with their rectification, and 建议投诉 (issue 7).
    "CREATE TABLE evaluations (
        id TEXT PRIMARY KEY,
        department TEXT NOT NULL,
        applicant TEXT NOT NULL,
        level TEXT NOT NULL,
        status TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );
    CREATE INDEX evaluations_department ON evaluations(department, status);
    CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        department TEXT,
        submitter TEXT NOT NULL,
        state TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );",
    // 4: 中介服务委托 (issue 6, seed 9): commissions of the intermediary-service market.
    "CREATE TABLE commissions (
        id TEXT PRIMARY KEY,
        applicant TEXT NOT NULL,
        agency TEXT,
        service TEXT NOT NULL,
        department TEXT NOT NULL,
        state TEXT NOT NULL,
        confirmed TEXT,
        view TEXT
    );
    CREATE INDEX commissions_state ON commissions(state);",
    // 5: 参考数据 (issue 11): the reference data the server decides with, one version per kind
    // (a kind absent here is the bootstrap data shipped with the program, version 0).
    "CREATE TABLE reference_data (
        kind TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        content TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '[]'
    );",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(ClientError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(ClientError::SchemaTooNew { .. })
        ));
    }
}

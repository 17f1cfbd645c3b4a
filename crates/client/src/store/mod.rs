//! The local store: one SQLCipher-encrypted SQLite file per profile, in WAL mode, with
//! versioned migrations. It holds what the user may see (pulled, verified events and their
//! projections), the outbox, refusals, the sync state and the attachment cache.

mod attachments;
mod codec;
mod entities;
mod outbox;
mod pull;
mod reference;
mod schema;

pub use attachments::{CachedAttachment, UploadEntry, UploadState, sha256_hex, sniff_type};
pub use entities::{EntityState, StoredEvent};
pub use outbox::{
    CommandLogEntry, NewCommand, OutboxEntry, OutboxStatus, RefusalEntry, action_name,
};
pub use pull::IngestReport;
pub use reference::{StoredReference, acceptance_terms, bootstrap_reference};

use crate::error::{ClientError, Result};
use chrono::{DateTime, Duration, Utc};
use permitdesk_protocol::UserInfo;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// The open local database of one profile.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Confirmed states advanced by the pages of a pull whose projections are written once,
    /// at its end (see `pull.rs`); the events and chain heads are already committed.
    pull_cache: pull::PullCache,
    /// The reference data in force (bootstrap plus what was synced), built on first use and
    /// kept until a sync stores a new version.
    reference: std::cell::RefCell<Option<permitdesk_domain::reference::ReferenceSet>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where the client stands with the server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncState {
    /// A stable id of this installation (not secret), sent with every push.
    pub client_id: String,
    pub server_url: Option<String>,
    /// The pinned SHA-256 of the server certificate's public key.
    pub fingerprint: Option<String>,
    /// Or a CA certificate file that signs the server's certificate.
    pub ca_file: Option<String>,
    pub user: Option<UserInfo>,
    pub token_expires_at: Option<DateTime<Utc>>,
    /// Pull cursor: the server sequence number of the last event received.
    pub cursor: u64,
    /// The highest mutation id the server said it processed.
    pub last_mutation_acked: u64,
    /// The id the next queued command gets.
    pub next_mutation_id: u64,
    /// Server clock minus local clock, measured at the last contact.
    pub clock_offset_ms: i64,
    pub last_contact_at: Option<DateTime<Utc>>,
    /// The end of the last complete sync (everything pushed and pulled).
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl SyncState {
    pub fn clock_offset(&self) -> Duration {
        Duration::milliseconds(self.clock_offset_ms)
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| ClientError::corrupt(format!("时间“{s}”无法解析：{e}")))
}

pub(crate) fn opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.map(|s| parse_ts(&s)).transpose()
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Every row of `sql` as a tuple of SQL values; the caller turns each into its own type (where
/// a value that does not decode is a [`ClientError`]).
pub(crate) fn rows<T>(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<T>>
where
    T: for<'a> TryFrom<&'a rusqlite::Row<'a>, Error = rusqlite::Error>,
{
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| T::try_from(r))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

impl Store {
    /// Open (or create) the database at `path` with a 32-byte key given as 64 hex digits.
    /// A wrong key is reported as [`ClientError::WrongKey`], never as a raw SQL error.
    pub fn open(path: &Path, key_hex: &str) -> Result<Store> {
        if key_hex.len() != 64 || !key_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ClientError::Invalid(
                "数据库密钥格式错误（应为 64 位十六进制）".to_owned(),
            ));
        }
        let conn = Connection::open(path)?;
        // A raw key skips SQLCipher's PBKDF2: the key is already random, and opening stays fast.
        // SQLCipher would print decryption failures on stderr: the caller gets a typed error.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\";"))?;
        // Larger pages: fewer per-page HMACs and IVs for the same bytes (measured on initial sync).
        conn.execute_batch("PRAGMA cipher_page_size = 16384;")?;
        let readable: std::result::Result<i64, _> =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
        if readable.is_err() {
            return Err(ClientError::WrongKey {
                path: path.display().to_string(),
            });
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
        )?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            pull_cache: Default::default(),
            reference: Default::default(),
        };
        schema::migrate(&mut store.conn)?;
        store.ensure_sync_state()?;
        // A pull interrupted before its end left projections behind their events.
        store.flush_projections()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Close the database file (before the profile's files are deleted): the store is left on
    /// an empty in-memory database, on which every read and write fails.
    pub fn close(&mut self) -> Result<()> {
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| e)?;
        Ok(())
    }

    /// Write the WAL back into the main file (before a copy or a plaintext check).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }

    fn ensure_sync_state(&mut self) -> Result<()> {
        let exists: Option<i64> = self
            .conn
            .query_row("SELECT id FROM sync_state WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            let client_id = crate::credentials::random_hex(16)?;
            self.conn.execute(
                "INSERT INTO sync_state (id, client_id) VALUES (1, ?1)",
                params![client_id],
            )?;
        }
        Ok(())
    }

    /// The logged-in user as the domain records actors (None before the first login).
    pub fn actor(&self) -> Result<Option<permitdesk_domain::actor::Actor>> {
        Ok(self
            .sync_state()?
            .user
            .map(|user| permitdesk_domain::actor::Actor {
                user: user.id,
                name: user.name,
                role: user.role,
                department: user.department,
                organisation: user.organisation,
                levels: user.levels,
            }))
    }

    pub fn sync_state(&self) -> Result<SyncState> {
        let row = self.conn.query_row(
            "SELECT client_id, server_url, fingerprint, ca_file, user_json, token_expires_at, cursor, last_mutation_acked,
                    next_mutation_id, clock_offset_ms, last_contact_at, last_sync_at FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                ))
            },
        )?;
        let (
            client_id,
            server_url,
            fingerprint,
            ca_file,
            user,
            exp,
            cursor,
            acked,
            next,
            offset,
            contact,
            sync,
        ) = row;
        Ok(SyncState {
            client_id,
            server_url,
            fingerprint,
            ca_file,
            user: user.map(|u| serde_json::from_str(&u)).transpose()?,
            token_expires_at: opt_ts(exp)?,
            cursor: to_u64(cursor),
            last_mutation_acked: to_u64(acked),
            next_mutation_id: to_u64(next).max(1),
            clock_offset_ms: offset,
            last_contact_at: opt_ts(contact)?,
            last_sync_at: opt_ts(sync)?,
        })
    }

    /// Remember the server and how its certificate is checked.
    pub fn set_server(
        &self,
        url: &str,
        fingerprint: Option<&str>,
        ca_file: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET server_url = ?1, fingerprint = ?2, ca_file = ?3 WHERE id = 1",
            params![url, fingerprint, ca_file],
        )?;
        Ok(())
    }

    /// Record a successful login. A different user than before starts from an empty store,
    /// unless the previous user still has unsent work (which would otherwise be lost).
    pub fn set_user(&mut self, user: &UserInfo, token_expires_at: DateTime<Utc>) -> Result<()> {
        self.flush_projections()?;
        let state = self.sync_state()?;
        let tx = self.conn.transaction()?;
        if let Some(previous) = &state.user
            && previous.id != user.id
        {
            let pending: i64 = tx.query_row(
                "SELECT count(*) FROM outbox WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )?;
            if pending > 0 {
                return Err(ClientError::Invalid(format!(
                    "本配置目录中还有用户“{}”的 {pending} 条未同步操作，请先以该用户登录并同步，或使用另一个 --profile 目录",
                    previous.name
                )));
            }
            tx.execute_batch(
                "DELETE FROM events; DELETE FROM heads; DELETE FROM cases; DELETE FROM projects; DELETE FROM outbox; DELETE FROM refusals;
                 DELETE FROM command_log; DELETE FROM attachments; DELETE FROM uploads;
                 UPDATE sync_state SET cursor = 0, last_sync_at = NULL WHERE id = 1;",
            )?;
        }
        tx.execute(
            "UPDATE sync_state SET user_json = ?1, token_expires_at = ?2 WHERE id = 1",
            params![serde_json::to_string(user)?, ts(token_expires_at)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// 同步身份: take the client id the server bound this login to. When it differs from ours
    /// (another account holds ours, e.g. a profile used by a second user), everything is pulled
    /// again under the new id.
    pub fn adopt_client_id(&self, client_id: &str) -> Result<()> {
        if client_id.is_empty() || self.sync_state()?.client_id == client_id {
            return Ok(());
        }
        self.conn.execute(
            "UPDATE sync_state SET client_id = ?1, cursor = 0 WHERE id = 1",
            params![client_id],
        )?;
        Ok(())
    }

    /// Record a contact with the server: its clock offset and when it happened.
    pub fn record_contact(&self, offset: Duration, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET clock_offset_ms = ?1, last_contact_at = ?2 WHERE id = 1",
            params![offset.num_milliseconds(), ts(at)],
        )?;
        Ok(())
    }

    pub fn record_sync_complete(&self, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET last_sync_at = ?1 WHERE id = 1",
            params![ts(at)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("local.db"), KEY).unwrap();
        (dir, store)
    }

    #[test]
    fn a_new_store_has_a_client_id_and_starts_at_cursor_zero() {
        let (_dir, store) = temp_store();
        let s = store.sync_state().unwrap();
        assert_eq!(s.client_id.len(), 32);
        assert_eq!(
            (s.cursor, s.next_mutation_id, s.last_mutation_acked),
            (0, 1, 0)
        );
    }

    #[test]
    fn reopening_with_the_same_key_keeps_the_data_and_a_wrong_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.db");
        let id = Store::open(&path, KEY)
            .unwrap()
            .sync_state()
            .unwrap()
            .client_id;
        assert_eq!(
            Store::open(&path, KEY)
                .unwrap()
                .sync_state()
                .unwrap()
                .client_id,
            id
        );
        let wrong = "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assert!(matches!(
            Store::open(&path, wrong),
            Err(ClientError::WrongKey { .. })
        ));
        assert!(matches!(
            Store::open(&path, "short"),
            Err(ClientError::Invalid(_))
        ));
    }

    #[test]
    fn the_file_holds_no_plaintext_and_plain_sqlite_cannot_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.db");
        let store = Store::open(&path, KEY).unwrap();
        store
            .set_server(
                "https://审批服务器-明文标记.example:8443",
                Some("abc"),
                None,
            )
            .unwrap();
        store.checkpoint().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let needle = "审批服务器-明文标记".as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "plaintext found in the database file"
        );
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "the header is not encrypted"
        );
        let plain = Connection::open(&path).unwrap();
        assert!(
            plain
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
                    .get::<_, i64>(0))
                .is_err()
        );
    }
}

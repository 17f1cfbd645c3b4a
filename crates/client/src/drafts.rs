//! Form drafts 草稿: what a user typed into an application or registration form, saved on every
//! change, offline, in a small encrypted database of its own beside the local store (same key),
//! so that saving a keystroke never waits for a sync holding the main store.

use crate::error::{ClientError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::Path;

/// The drafts database of a profile.
pub struct Drafts {
    conn: Connection,
}

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drafts").finish_non_exhaustive()
    }
}

/// One saved draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftEntry {
    pub key: String,
    pub updated_at: DateTime<Utc>,
}

/// Drafts larger than this are refused (a form is a few kilobytes; files go to attachments).
pub const MAX_DRAFT_BYTES: usize = 1024 * 1024;

impl Drafts {
    /// Open (or create) `path` with the profile's 64-hex-digit key.
    pub fn open(path: &Path, key_hex: &str) -> Result<Drafts> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\";"))?;
        if conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_err()
        {
            return Err(ClientError::WrongKey {
                path: path.display().to_string(),
            });
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS drafts (
                 key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL);",
        )?;
        Ok(Drafts { conn })
    }

    /// Close the drafts file (before the profile's files are deleted); every later call fails.
    pub fn close(&mut self) -> Result<()> {
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| e)?;
        Ok(())
    }

    /// Save (replace) the draft `key`; `data` is the form's JSON.
    pub fn save(&self, key: &str, data: &serde_json::Value, now: DateTime<Utc>) -> Result<()> {
        let key = key.trim();
        if key.is_empty() {
            return Err(ClientError::Invalid("草稿名称不能为空".to_owned()));
        }
        let text = data.to_string();
        if text.len() > MAX_DRAFT_BYTES {
            return Err(ClientError::Invalid(format!(
                "草稿过大（{} 字节，上限 {MAX_DRAFT_BYTES} 字节）；文件请作为附件上传",
                text.len()
            )));
        }
        self.conn.execute(
            "INSERT INTO drafts (key, data, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            params![key, text, now.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn load(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM drafts WHERE key = ?1",
                [key.trim()],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(ClientError::corrupt))
            .transpose()
    }

    pub fn delete(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM drafts WHERE key = ?1", [key.trim()])?
            > 0)
    }

    /// Every draft, the most recent first.
    pub fn list(&self) -> Result<Vec<DraftEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, updated_at FROM drafts ORDER BY updated_at DESC, key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, at) = row?;
            let updated_at = DateTime::parse_from_rfc3339(&at)
                .map_err(ClientError::corrupt)?
                .with_timezone(&Utc);
            out.push(DraftEntry { key, updated_at });
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn drafts_survive_reopening_are_replaced_and_need_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.db");
        let t1 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let t2 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 5, 0).unwrap();
        {
            let d = Drafts::open(&path, KEY).unwrap();
            d.save("apply:P-1", &serde_json::json!({"works": "W1"}), t1)
                .unwrap();
            d.save("register", &serde_json::json!({"name": "松北区学校"}), t1)
                .unwrap();
            d.save("apply:P-1", &serde_json::json!({"works": "W2"}), t2)
                .unwrap();
        }
        let d = Drafts::open(&path, KEY).unwrap();
        assert_eq!(
            d.load("apply:P-1").unwrap(),
            Some(serde_json::json!({"works": "W2"}))
        );
        let keys: Vec<String> = d.list().unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, vec!["apply:P-1".to_owned(), "register".to_owned()]);
        assert!(d.delete("register").unwrap());
        assert_eq!(d.load("register").unwrap(), None);
        assert!(matches!(
            d.save(" ", &serde_json::json!({}), t2),
            Err(ClientError::Invalid(_))
        ));
        let big = serde_json::Value::String("字".repeat(MAX_DRAFT_BYTES));
        assert!(matches!(
            d.save("big", &big, t2),
            Err(ClientError::Invalid(_))
        ));
        drop(d);
        let other = KEY.replace('0', "1");
        assert!(matches!(
            Drafts::open(&path, &other),
            Err(ClientError::WrongKey { .. })
        ));
        // The file holds no plain text.
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(3).any(|w| w == "W2\"".as_bytes()));
    }
}

//! The attachment cache (file contents by SHA-256, inside the encrypted database so a lost
//! laptop leaks no material) and the upload queue that the sync engine works through.

use super::{Store, parse_ts, to_i64, to_u64, ts};
use crate::error::{ClientError, Result};
use chrono::{DateTime, Utc};
use permitdesk_domain::ids::AttachmentId;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A file kept locally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CachedAttachment {
    pub id: AttachmentId,
    pub size: u64,
    pub name: Option<String>,
    pub content_type: Option<String>,
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    Queued,
    /// Some bytes are on the server; the next sync resumes after them.
    Partial,
    Complete,
    /// The server refused the file (type, size): it will not be retried.
    Failed,
}

impl UploadState {
    fn as_str(self) -> &'static str {
        match self {
            UploadState::Queued => "queued",
            UploadState::Partial => "partial",
            UploadState::Complete => "complete",
            UploadState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => UploadState::Queued,
            "partial" => UploadState::Partial,
            "complete" => UploadState::Complete,
            "failed" => UploadState::Failed,
            other => return Err(ClientError::corrupt(format!("未知的上传状态“{other}”"))),
        })
    }
}

/// One file of the upload queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UploadEntry {
    pub id: AttachmentId,
    pub size: u64,
    /// Bytes the server is known to have.
    pub uploaded: u64,
    pub state: UploadState,
    pub error: Option<String>,
    pub queued_at: DateTime<Utc>,
}

/// The file type by its first bytes: the types the server accepts (PDF, OFD, JPEG, PNG).
pub fn sniff_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("pdf")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        Some("png")
    } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpeg")
    } else if data.starts_with(b"PK\x03\x04") {
        // OFD is a zip package (GB/T 33190); the server checks its manifest.
        Some("ofd")
    } else {
        None
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

impl Store {
    /// Keep a file and queue its upload (once, however often it is added). Unknown types are
    /// refused here already, with the allowed list.
    pub fn add_attachment(
        &self,
        data: &[u8],
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AttachmentId> {
        let Some(kind) = sniff_type(data) else {
            return Err(ClientError::Invalid(
                "文件类型不受支持：只能上传 PDF、OFD、JPEG 或 PNG 文件".to_owned(),
            ));
        };
        let id = AttachmentId::new(sha256_hex(data));
        self.conn.execute(
            "INSERT OR IGNORE INTO attachments (id, size, name, content_type, data, cached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.as_str(), to_i64(data.len() as u64), name, kind, data, ts(now)],
        )?;
        self.conn.execute(
            "INSERT OR IGNORE INTO uploads (id, size, uploaded, state, queued_at) VALUES (?1, ?2, 0, 'queued', ?3)",
            params![id.as_str(), to_i64(data.len() as u64), ts(now)],
        )?;
        Ok(id)
    }

    /// Cache a downloaded file (already checked against its hash by the caller).
    pub fn cache_attachment(
        &self,
        id: &AttachmentId,
        data: &[u8],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO attachments (id, size, name, content_type, data, cached_at) VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
            params![id.as_str(), to_i64(data.len() as u64), sniff_type(data), data, ts(now)],
        )?;
        Ok(())
    }

    pub fn attachment(&self, id: &AttachmentId) -> Result<Option<CachedAttachment>> {
        let row = self
            .conn
            .query_row(
                "SELECT size, name, content_type, data FROM attachments WHERE id = ?1",
                params![id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(
            row.map(|(size, name, content_type, data)| CachedAttachment {
                id: id.clone(),
                size: to_u64(size),
                name,
                content_type,
                data,
            }),
        )
    }

    /// Uploads still to do (queued or partial), oldest first.
    pub fn uploads(&self, include_done: bool) -> Result<Vec<UploadEntry>> {
        let sql = if include_done {
            "SELECT id, size, uploaded, state, error, queued_at FROM uploads ORDER BY queued_at, id"
        } else {
            "SELECT id, size, uploaded, state, error, queued_at FROM uploads WHERE state IN ('queued', 'partial') ORDER BY queued_at, id"
        };
        type Row = (String, i64, i64, String, Option<String>, String);
        let mut out = Vec::new();
        for (id, size, uploaded, state, error, at) in super::rows::<Row>(&self.conn, sql, [])? {
            out.push(UploadEntry {
                id: AttachmentId::new(id),
                size: to_u64(size),
                uploaded: to_u64(uploaded),
                state: UploadState::parse(&state)?,
                error,
                queued_at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }

    pub fn set_upload(
        &self,
        id: &AttachmentId,
        uploaded: u64,
        state: UploadState,
        error: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE uploads SET uploaded = ?1, state = ?2, error = ?3 WHERE id = ?4",
            params![to_i64(uploaded), state.as_str(), error, id.as_str()],
        )?;
        Ok(())
    }
}

//! 材料文件: which file types are accepted, decided by content (magic bytes), never by the
//! name or the declared type, and the SHA-256 that names every file (stored once).

use crate::error::StoreError;
use crate::store::{ExpiredUploads, Store, UploadError, UploadLimits};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The upload rules, once for both stores: may this chunk be taken, given the upload in
/// progress for (file, user) (`existing`: its declared size and the bytes received so far)?
/// The answer is the byte after the chunk. A file over the limit, a size that differs from the
/// one declared first, a chunk at another offset than the next expected byte, or one past the
/// end are refused and change nothing.
pub fn check_chunk(
    existing: Option<(u64, u64)>,
    offset: u64,
    total: u64,
    len: u64,
    limits: UploadLimits,
) -> Result<u64, UploadError> {
    if total > limits.max_file_size {
        return Err(UploadError::TooLarge {
            size: total,
            max: limits.max_file_size,
        });
    }
    let received = match existing {
        Some((size, _)) if size != total => {
            return Err(UploadError::SizeMismatch {
                expected: size,
                found: total,
            });
        }
        Some((_, received)) => received,
        None => 0,
    };
    if offset != received {
        return Err(UploadError::WrongOffset {
            expected: received,
            found: offset,
        });
    }
    let end = offset.saturating_add(len);
    if end > total {
        return Err(UploadError::BeyondEnd);
    }
    Ok(end)
}

/// 每个账号的上传空间: may a new upload of `size` bytes start, given the user's `used` bytes
/// (stored files it uploaded and the declared sizes of its unfinished uploads)? Past the
/// quota it is refused, saying what is used and what the limit is.
pub fn check_quota(used: u64, size: u64, limits: UploadLimits) -> Result<(), UploadError> {
    if used.saturating_add(size) > limits.per_user_quota {
        return Err(UploadError::QuotaExceeded {
            used,
            quota: limits.per_user_quota,
            size,
        });
    }
    Ok(())
}

/// Deletes every unfinished upload started more than `max_age` before `now` (its row and
/// the parts received), batch by batch: what the scheduler runs each pass
/// (`config.upload_expiry`) and `permitdesk server expire-uploads`. Complete files stay.
pub async fn expire_unfinished(
    store: &dyn Store,
    now: DateTime<Utc>,
    max_age: chrono::Duration,
) -> Result<ExpiredUploads, StoreError> {
    let before = now - max_age;
    let mut total = ExpiredUploads::default();
    loop {
        let batch = store.expire_uploads(before).await?;
        total.uploads += batch.uploads;
        total.bytes = total.bytes.saturating_add(batch.bytes);
        if batch.uploads < u64::from(crate::store::rules::EXPIRE_BATCH) {
            return Ok(total);
        }
    }
}

/// The verdict on a complete upload: its type, or why it is refused (content that does not
/// hash to the declared id, or a type not accepted). Either way the upload is over.
pub fn verdict(content: &[u8], sha256: &str) -> Result<&'static str, UploadError> {
    if sha256_hex(content) != sha256 {
        return Err(UploadError::HashMismatch);
    }
    detect_type(content).ok_or(UploadError::UnsupportedType)
}

/// The types PermitDesk accepts (seed 4.6: electronic materials as PDF or OFD, scans as images).
pub const ALLOWED_TYPES: [&str; 4] = ["pdf", "ofd", "jpeg", "png"];

/// The type of a complete file by its content, or None if it is not an allowed type.
///
/// OFD (GB/T 33190) is a zip package whose root holds `OFD.xml`; zip stores entry names
/// uncompressed in its headers, so finding the name after a zip signature is enough to tell an
/// OFD package from any other zip.
pub fn detect_type(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("pdf")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if content.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if content.starts_with(b"PK\x03\x04") && content.windows(7).any(|w| w == b"OFD.xml") {
        Some("ofd")
    } else {
        None
    }
}

/// The id of a file: lower-case hex SHA-256 of its content.
pub fn sha256_hex(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_content_only() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"%PDF-1.7\n...", Some("pdf")),
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some("jpeg")),
            (
                &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0],
                Some("png"),
            ),
            (b"PK\x03\x04\x14\0\0\0\x08\0....OFD.xml....", Some("ofd")),
            (b"PK\x03\x04\x14\0\0\0\x08\0....word/document.xml", None),
            (b"MZ\x90\0 an exe", None),
            (b"<html>%PDF-", None),
            (b"", None),
        ];
        for (content, expected) in cases {
            assert_eq!(detect_type(content), *expected, "{content:?}");
        }
    }

    #[test]
    fn chunks_are_taken_in_order_within_the_declared_size_and_the_limit() {
        let limits = UploadLimits {
            max_file_size: 100,
            per_user_quota: 1000,
        };
        // (upload in progress: size and received, offset, declared size, chunk length) -> answer
        type Row = (Option<(u64, u64)>, u64, u64, u64, Result<u64, UploadError>);
        let table: &[Row] = &[
            (None, 0, 50, 20, Ok(20)),
            (Some((50, 20)), 20, 50, 30, Ok(50)),
            (
                None,
                0,
                101,
                1,
                Err(UploadError::TooLarge {
                    size: 101,
                    max: 100,
                }),
            ),
            (
                Some((50, 20)),
                20,
                60,
                1,
                Err(UploadError::SizeMismatch {
                    expected: 50,
                    found: 60,
                }),
            ),
            (
                Some((50, 20)),
                0,
                50,
                1,
                Err(UploadError::WrongOffset {
                    expected: 20,
                    found: 0,
                }),
            ),
            (
                None,
                5,
                50,
                1,
                Err(UploadError::WrongOffset {
                    expected: 0,
                    found: 5,
                }),
            ),
            (Some((50, 20)), 20, 50, 31, Err(UploadError::BeyondEnd)),
        ];
        for (existing, offset, total, len, expected) in table {
            assert_eq!(
                check_chunk(*existing, *offset, *total, *len, limits),
                *expected,
                "{existing:?} {offset} {total} {len}"
            );
        }
        let pdf = b"%PDF-1.7 x";
        assert_eq!(verdict(pdf, &sha256_hex(pdf)), Ok("pdf"));
        assert_eq!(
            verdict(pdf, &sha256_hex(b"other")),
            Err(UploadError::HashMismatch)
        );
        let exe = b"MZ an exe";
        assert_eq!(
            verdict(exe, &sha256_hex(exe)),
            Err(UploadError::UnsupportedType)
        );
    }

    #[test]
    fn a_new_upload_past_the_users_quota_is_refused_saying_what_is_used() {
        let limits = UploadLimits {
            max_file_size: 10 * 1024 * 1024,
            per_user_quota: 2 * 1024 * 1024 * 1024,
        };
        let gib = 1024 * 1024 * 1024;
        assert_eq!(check_quota(gib, gib, limits), Ok(()));
        let e = check_quota(gib + 1, gib, limits).unwrap_err();
        assert_eq!(
            e,
            UploadError::QuotaExceeded {
                used: gib + 1,
                quota: 2 * gib,
                size: gib
            }
        );
        let m = e.to_string();
        assert!(
            m.contains("已用 1.0 GiB") && m.contains("上限 2.0 GiB"),
            "{m}"
        );
    }

    #[test]
    fn the_id_is_the_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

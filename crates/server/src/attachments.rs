//! 材料文件: which file types are accepted, decided by content (magic bytes), never by the
//! name or the declared type, and the SHA-256 that names every file (stored once).

use sha2::{Digest, Sha256};

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
    fn the_id_is_the_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! How a verified event is stored: its canonical encoding (the bytes its SHA-256 covers, as in
//! `trail::hash_of`) and its hash, so each event is serialised once on arrival.

use crate::error::{ClientError, Result};
use permitdesk_domain::trail::Sealed;
use permitdesk_protocol::DomainEvent;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The same fields, in the same order, as the domain's canonical encoding.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct Canonical<'a, E> {
    entity: &'a str,
    seq: u64,
    prev_hash: &'a str,
    event: &'a E,
}

#[derive(Deserialize)]
struct Stored<E> {
    entity: String,
    seq: u64,
    prev_hash: String,
    event: E,
}

fn encode<E: Serialize>(s: &Sealed<E>) -> Result<(String, String)> {
    let bytes = serde_json::to_vec(&Canonical {
        entity: &s.entity,
        seq: s.seq,
        prev_hash: &s.prev_hash,
        event: &s.event,
    })?;
    let hash = hex::encode(Sha256::digest(&bytes));
    Ok((
        String::from_utf8(bytes).map_err(ClientError::corrupt)?,
        hash,
    ))
}

/// The canonical encoding of an event and the SHA-256 computed over it.
pub(crate) fn canonical(event: &DomainEvent) -> Result<(String, String)> {
    match event {
        DomainEvent::Case(s) => encode(s),
        DomainEvent::Project(s) => encode(s),
        DomainEvent::Consultation(s) => encode(s),
        DomainEvent::Evaluation(s) => encode(s),
        DomainEvent::Complaint(s) => encode(s),
        DomainEvent::Commission(s) => encode(s),
    }
}

fn decode_as<E: serde::de::DeserializeOwned>(body: &str, hash: String) -> Result<Sealed<E>> {
    let s: Stored<E> = serde_json::from_str(body)?;
    Ok(Sealed {
        entity: s.entity,
        seq: s.seq,
        prev_hash: s.prev_hash,
        hash,
        event: s.event,
    })
}

/// Rebuild a stored event (its kind comes from the entity key).
pub(crate) fn decode(entity_key: &str, body: &str, hash: String) -> Result<DomainEvent> {
    if entity_key.starts_with("case:") {
        Ok(DomainEvent::Case(decode_as(body, hash)?))
    } else if entity_key.starts_with("project:") {
        Ok(DomainEvent::Project(decode_as(body, hash)?))
    } else if entity_key.starts_with("consultation:") {
        Ok(DomainEvent::Consultation(decode_as(body, hash)?))
    } else if entity_key.starts_with("evaluation:") {
        Ok(DomainEvent::Evaluation(decode_as(body, hash)?))
    } else if entity_key.starts_with("complaint:") {
        Ok(DomainEvent::Complaint(decode_as(body, hash)?))
    } else if entity_key.starts_with("commission:") {
        Ok(DomainEvent::Commission(decode_as(body, hash)?))
    } else {
        Err(ClientError::corrupt(format!("无法识别的对象 {entity_key}")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use permitdesk_domain::trail::{hash_of, seal_all};

    #[test]
    fn the_stored_encoding_hashes_like_the_domain_and_round_trips() {
        let sealed = seal_all(
            "project:P-1",
            None,
            vec![serde_json::json!({"名称": "示范\"项目\"", "n": 1})],
        )
        .unwrap();
        let s = &sealed[0];
        let (body, hash) = encode(s).unwrap();
        assert_eq!(
            hash,
            hash_of(&s.entity, s.seq, &s.prev_hash, &s.event).unwrap()
        );
        assert_eq!(hash, s.hash);
        let back: Sealed<serde_json::Value> = decode_as(&body, hash).unwrap();
        assert_eq!(&back, s);
    }
}

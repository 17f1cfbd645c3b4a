//! 全过程留痕: every entity's events form a hash chain, so that a trail can be proven untouched.
//! Each sealed event carries the SHA-256 of a canonical encoding of itself plus the previous hash.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first event of every entity.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event of an entity's trail, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sealed<E> {
    /// The entity the event belongs to (e.g. a case id).
    pub entity: String,
    /// 1-based position in the entity's trail.
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub event: E,
}

/// Why a trail does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TrailError {
    #[error("第 {position} 条记录的序号应为 {expected}，实际为 {found}：记录缺失或顺序被改动")]
    MissingOrReordered {
        position: usize,
        expected: u64,
        found: u64,
    },
    #[error("第 {seq} 条记录的前序哈希不符：前面的记录被删除、插入或改动")]
    BrokenLink { seq: u64 },
    #[error("第 {seq} 条记录的内容与其哈希不符：记录被改动")]
    ContentChanged { seq: u64 },
    #[error("第 {seq} 条记录属于 {found}，不属于 {expected}")]
    WrongEntity {
        seq: u64,
        expected: String,
        found: String,
    },
    #[error("记录应有 {expected} 条，实际只有 {found} 条：末尾的记录缺失")]
    Truncated { expected: u64, found: u64 },
    #[error("记录无法编码：{0}")]
    Encoding(String),
}

#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct Canonical<'a, E> {
    entity: &'a str,
    seq: u64,
    prev_hash: &'a str,
    event: &'a E,
}

/// SHA-256 over the canonical encoding: JSON of (entity, seq, prev_hash, event) with the field
/// order of the Rust types and no whitespace. Events contain no maps with unordered keys and no
/// floats, so the encoding is the same on every machine.
pub fn hash_of<E: Serialize>(
    entity: &str,
    seq: u64,
    prev_hash: &str,
    event: &E,
) -> Result<String, TrailError> {
    let bytes = serde_json::to_vec(&Canonical {
        entity,
        seq,
        prev_hash,
        event,
    })
    .map_err(|e| TrailError::Encoding(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Append-side helper: seals events one after another.
pub fn seal<E: Serialize>(
    entity: &str,
    prev: Option<&Sealed<E>>,
    event: E,
) -> Result<Sealed<E>, TrailError> {
    let (seq, prev_hash) = match prev {
        Some(p) => (p.seq + 1, p.hash.clone()),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = hash_of(entity, seq, &prev_hash, &event)?;
    Ok(Sealed {
        entity: entity.to_owned(),
        seq,
        prev_hash,
        hash,
        event,
    })
}

/// Seal a batch on top of an existing chain head.
pub fn seal_all<E: Serialize>(
    entity: &str,
    head: Option<(u64, &str)>,
    events: impl IntoIterator<Item = E>,
) -> Result<Vec<Sealed<E>>, TrailError> {
    let (mut seq, mut prev_hash) = match head {
        Some((s, h)) => (s, h.to_owned()),
        None => (0, GENESIS_HASH.to_owned()),
    };
    let mut out = Vec::new();
    for event in events {
        seq += 1;
        let hash = hash_of(entity, seq, &prev_hash, &event)?;
        out.push(Sealed {
            entity: entity.to_owned(),
            seq,
            prev_hash: prev_hash.clone(),
            hash: hash.clone(),
            event,
        });
        prev_hash = hash;
    }
    Ok(out)
}

/// Verify a whole trail from its first event: finds any changed, missing, inserted or
/// reordered event and says where.
pub fn verify<E: Serialize>(entity: &str, trail: &[Sealed<E>]) -> Result<(), TrailError> {
    let mut prev_hash = GENESIS_HASH;
    for (i, s) in trail.iter().enumerate() {
        let expected = i as u64 + 1;
        if s.entity != entity {
            return Err(TrailError::WrongEntity {
                seq: s.seq,
                expected: entity.to_owned(),
                found: s.entity.clone(),
            });
        }
        if s.seq != expected {
            return Err(TrailError::MissingOrReordered {
                position: i + 1,
                expected,
                found: s.seq,
            });
        }
        if s.prev_hash != prev_hash {
            return Err(TrailError::BrokenLink { seq: s.seq });
        }
        if hash_of(entity, s.seq, &s.prev_hash, &s.event)? != s.hash {
            return Err(TrailError::ContentChanged { seq: s.seq });
        }
        prev_hash = &s.hash;
    }
    Ok(())
}

/// Verify a trail and that it ends at the head the holder recorded (length and last hash): a
/// chain alone cannot show that events were cut off its end, the recorded head can.
pub fn verify_with_head<E: Serialize>(
    entity: &str,
    trail: &[Sealed<E>],
    head_seq: u64,
    head_hash: &str,
) -> Result<(), TrailError> {
    verify(entity, trail)?;
    let (seq, hash) = trail
        .last()
        .map_or((0, GENESIS_HASH), |s| (s.seq, s.hash.as_str()));
    if seq != head_seq {
        return Err(TrailError::Truncated {
            expected: head_seq,
            found: seq,
        });
    }
    if hash != head_hash {
        return Err(TrailError::BrokenLink { seq });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<Sealed<String>> {
        seal_all("C1", None, (0..n).map(|i| format!("event {i}"))).unwrap()
    }

    #[test]
    fn a_sealed_chain_verifies_and_links() {
        let t = chain(5);
        assert_eq!(verify("C1", &t), Ok(()));
        assert_eq!(t[0].prev_hash, GENESIS_HASH);
        assert_eq!(t[3].prev_hash, t[2].hash);
        let next = seal("C1", t.last(), "event 5".to_owned()).unwrap();
        assert_eq!(next.seq, 6);
        let mut longer = t.clone();
        longer.push(next);
        assert_eq!(verify("C1", &longer), Ok(()));
    }

    #[test]
    fn every_kind_of_tampering_is_found() {
        let t = chain(5);
        let mut changed = t.clone();
        changed[2].event = "forged".to_owned();
        assert_eq!(
            verify("C1", &changed),
            Err(TrailError::ContentChanged { seq: 3 })
        );

        let mut missing = t.clone();
        missing.remove(1);
        assert!(matches!(
            verify("C1", &missing),
            Err(TrailError::MissingOrReordered { position: 2, .. })
        ));

        let mut reordered = t.clone();
        reordered.swap(1, 2);
        assert!(matches!(
            verify("C1", &reordered),
            Err(TrailError::MissingOrReordered { .. })
        ));

        // Re-numbered and re-hashed after a deletion: the link to the deleted event breaks.
        let mut renumbered = t.clone();
        renumbered.remove(1);
        for (i, s) in renumbered.iter_mut().enumerate() {
            s.seq = i as u64 + 1;
            s.hash = hash_of("C1", s.seq, &s.prev_hash, &s.event).unwrap();
        }
        assert_eq!(
            verify("C1", &renumbered),
            Err(TrailError::BrokenLink { seq: 2 })
        );

        assert!(matches!(
            verify("C2", &t),
            Err(TrailError::WrongEntity { .. })
        ));

        // Cutting events off the end leaves a valid chain; only the recorded head shows it.
        let head = t.last().unwrap();
        assert_eq!(verify_with_head("C1", &t, head.seq, &head.hash), Ok(()));
        assert_eq!(verify("C1", &t[..3]), Ok(()));
        assert_eq!(
            verify_with_head("C1", &t[..3], head.seq, &head.hash),
            Err(TrailError::Truncated {
                expected: 5,
                found: 3
            })
        );
    }
}

//! 实体状态缓存: the replayed state of recently pushed entities, so that a command on an entity
//! with a long trail does not read and fold the whole trail again (issue 16).
//!
//! An entry is the state [`crate::sync::decide`] folded for an entity together with the head it
//! was folded up to (the `entity_heads` row's version and hash). The push pipeline uses it only
//! when the head row it reads inside its own transaction, after the writers' lock, has exactly
//! that version and hash; otherwise it reads and replays the trail as before. The hash is the
//! SHA-256 chain over every event of the trail (`permitdesk_domain::trail`), so an equal head
//! means an equal trail, and the state, a pure fold of the trail, is the one a replay gives.
//! Nothing can make an entry wrong that way: another server process appending on the same
//! PostgreSQL moves the head; a transaction that appended and then rolled back (an entry is put
//! before the commit) leaves the head where it was, so its entry simply never matches; a
//! restart starts empty. The cache is bounded (two generations of at most half the capacity
//! each: what was not used during a whole generation is dropped).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entities kept by default (a replayed case is a few kilobytes).
pub const DEFAULT_CAPACITY: usize = 8192;

/// A replayed state, of whichever entity (`crate::sync::Replayed<E>`), shared and immutable.
#[derive(Clone)]
pub struct Snapshot(Arc<dyn Any + Send + Sync>);

impl Snapshot {
    pub(crate) fn new<T: Any + Send + Sync>(value: T) -> Snapshot {
        Snapshot(Arc::new(value))
    }

    /// The state, if it is a `T`.
    pub(crate) fn get<T: Any>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Snapshot(..)")
    }
}

/// Two snapshots are equal when they are the same one (they are never compared by content).
impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Snapshot {}

#[derive(Clone)]
struct Entry {
    version: u64,
    hash: String,
    snapshot: Snapshot,
}

#[derive(Default)]
struct Generations {
    current: HashMap<String, Entry>,
    previous: HashMap<String, Entry>,
}

/// The cache of one store (shared by its clones); see the module documentation.
pub struct StateCache {
    /// 0: disabled.
    capacity: usize,
    inner: Mutex<Generations>,
}

impl std::fmt::Debug for StateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl Default for StateCache {
    fn default() -> Self {
        StateCache::new(DEFAULT_CAPACITY)
    }
}

impl StateCache {
    /// A cache of at most `capacity` entities (0: nothing is ever kept).
    pub fn new(capacity: usize) -> StateCache {
        StateCache {
            capacity,
            inner: Mutex::new(Generations::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entities kept.
    pub fn len(&self) -> usize {
        let g = self.lock();
        g.current.len() + g.previous.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The state folded up to the head (`version`, `hash`), if that is what is kept for `key`.
    /// An entry for another head is dropped.
    pub(crate) fn get(&self, key: &str, version: u64, hash: &str) -> Option<Snapshot> {
        if self.capacity == 0 {
            return None;
        }
        let mut g = self.lock();
        let entry = match g.current.get(key) {
            Some(e) => e.clone(),
            None => {
                let e = g.previous.remove(key)?;
                g.current.insert(key.to_owned(), e.clone());
                e
            }
        };
        if entry.version == version && entry.hash == hash {
            Some(entry.snapshot)
        } else {
            g.current.remove(key);
            None
        }
    }

    /// Keeps the state folded up to the head (`version`, `hash`) of `key`.
    pub(crate) fn put(&self, key: &str, version: u64, hash: &str, snapshot: Snapshot) {
        if self.capacity == 0 {
            return;
        }
        let half = (self.capacity / 2).max(1);
        let mut g = self.lock();
        g.previous.remove(key);
        g.current.insert(
            key.to_owned(),
            Entry {
                version,
                hash: hash.to_owned(),
                snapshot,
            },
        );
        if g.current.len() >= half {
            g.previous = std::mem::take(&mut g.current);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_head_hits_and_the_size_is_bounded() {
        let c = StateCache::new(4);
        c.put("case:A", 3, "h3", Snapshot::new(3u64));
        assert_eq!(c.get("case:A", 3, "h3").unwrap().get::<u64>(), Some(&3));
        assert!(c.get("case:A", 3, "other").is_none());
        // A mismatch drops the entry.
        assert!(c.get("case:A", 3, "h3").is_none());
        for i in 0..100u64 {
            c.put(&format!("case:{i}"), i, "h", Snapshot::new(i));
            assert!(c.len() <= 4);
        }
        assert!(c.get("case:99", 99, "h").is_some());
        let off = StateCache::new(0);
        off.put("case:A", 1, "h", Snapshot::new(1u64));
        assert!(off.get("case:A", 1, "h").is_none());
    }
}

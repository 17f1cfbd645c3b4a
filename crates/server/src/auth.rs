//! 账号与会话: argon2id password hashes, opaque bearer tokens (32 random bytes, only their
//! SHA-256 stored), and the failed-login limiter (per user and address, and per address; bounded).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// The cost of a password hash. Production uses OWASP's argon2id minimum (19 MiB, 2 passes);
/// tests use a cheap setting so that debug builds stay fast. The parameters travel inside the
/// PHC string, so hashes of either cost verify with either setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl PasswordCost {
    pub const PRODUCTION: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    pub const TEST: PasswordCost = PasswordCost {
        memory_kib: 256,
        iterations: 1,
    };
}

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("密码哈希失败：{0}")]
    Hash(String),
    #[error("密码至少需要 {0} 个字符")]
    TooShort(usize),
}

pub const MIN_PASSWORD_LEN: usize = 8;

fn argon(cost: PasswordCost) -> Result<argon2::Argon2<'static>, PasswordError> {
    let params = argon2::Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    ))
}

/// An argon2id PHC string of `password` with a fresh random salt.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, PasswordError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordError::TooShort(MIN_PASSWORD_LEN));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    let hash = argon(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string (false for a malformed hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random password for demo and reset accounts: 16 characters without look-alikes.
pub fn random_password() -> Result<String, PasswordError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// A new bearer token: 32 random bytes, hex (what the client keeps), and its SHA-256 (what
/// the server keeps).
pub fn new_token() -> Result<(String, String), getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Recently checked tokens (by hash), so that a client polling every few seconds costs one
/// database round trip less per request. An entry lives `ttl` by the server's clock, so a
/// token revoked or a user disabled by another process (e.g. `permitdesk admin user disable`)
/// stops working within `ttl`; logout on this process evicts at once. `ttl` zero disables it.
#[derive(Debug)]
pub struct TokenCache {
    pub ttl: Duration,
    entries: Mutex<HashMap<String, (crate::store::UserRecord, DateTime<Utc>)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> Self {
        TokenCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, hash: &str, now: DateTime<Utc>) -> Option<crate::store::UserRecord> {
        if self.ttl <= Duration::zero() {
            return None;
        }
        let map = self.entries.lock().ok()?;
        let (user, at) = map.get(hash)?;
        (now >= *at && now < *at + self.ttl).then(|| user.clone())
    }

    pub fn put(&self, hash: &str, user: &crate::store::UserRecord, now: DateTime<Utc>) {
        if self.ttl <= Duration::zero() {
            return;
        }
        if let Ok(mut map) = self.entries.lock() {
            if map.len() > 50_000 {
                let ttl = self.ttl;
                map.retain(|_, (_, at)| now < *at + ttl);
            }
            map.insert(hash.to_owned(), (user.clone(), now));
        }
    }

    pub fn evict(&self, hash: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(hash);
        }
    }
}

/// A lower-cased user name and the address it came from.
/// The longest user name the server looks at (用户名最长 64 个字符): a longer one is refused
/// before any lookup, hashing or bookkeeping.
pub const MAX_USER_NAME_CHARS: usize = 64;

/// The longest password the server hashes: a longer one is refused before hashing.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// How many (user, address) pairs the limiter remembers at most. Each key holds at most
/// [`MAX_USER_NAME_CHARS`] characters, so the limiter's memory is bounded (a few MiB) whatever
/// is submitted; past the cap the oldest entries are forgotten first.
pub const LIMITER_MAX_ENTRIES: usize = 50_000;

type FailureKey = (String, Option<IpAddr>);

#[derive(Debug, Default)]
struct Failures {
    /// Failed attempts per (user, address): (count, first failure).
    by_user: HashMap<FailureKey, (u32, DateTime<Utc>)>,
    /// Failed attempts per address across every user name (password spraying).
    by_address: HashMap<Option<IpAddr>, (u32, DateTime<Utc>)>,
}

/// Failed logins per (user, address) and per address: after `max_failures` for one user
/// within `window`, or `max_per_address` for any names from one address, further attempts
/// are refused until the window has passed since the first failure. Kept in memory and
/// bounded ([`LIMITER_MAX_ENTRIES`]); a restart forgets it, which only gives an attacker one
/// more small window.
#[derive(Debug)]
pub struct LoginLimiter {
    pub max_failures: u32,
    pub max_per_address: u32,
    pub window: Duration,
    failures: Mutex<Failures>,
}

/// The key a user name is counted under: trimmed, lower case, at most
/// [`MAX_USER_NAME_CHARS`] characters.
fn user_key(user: &str) -> String {
    user.trim()
        .chars()
        .take(MAX_USER_NAME_CHARS)
        .collect::<String>()
        .to_lowercase()
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            max_failures,
            max_per_address: max_failures.saturating_mul(6),
            window,
            failures: Mutex::new(Failures::default()),
        }
    }

    /// Some(when the block ends) if this user+address, or this address as a whole, is blocked
    /// now.
    pub fn blocked_until(
        &self,
        user: &str,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let f = self.failures.lock().ok()?;
        let blocked = |(count, first): (u32, DateTime<Utc>), max: u32| {
            let until = first + self.window;
            (count >= max && now < until).then_some(until)
        };
        let by_user = f
            .by_user
            .get(&(user_key(user), ip))
            .and_then(|e| blocked(*e, self.max_failures));
        let by_address = f
            .by_address
            .get(&ip)
            .and_then(|e| blocked(*e, self.max_per_address));
        by_user.into_iter().chain(by_address).max()
    }

    pub fn record_failure(&self, user: &str, ip: Option<IpAddr>, now: DateTime<Utc>) {
        let Ok(mut f) = self.failures.lock() else {
            return;
        };
        let window = self.window;
        let bump = |entry: &mut (u32, DateTime<Utc>)| {
            if now >= entry.1 + window {
                *entry = (0, now);
            }
            entry.0 = entry.0.saturating_add(1);
        };
        let key = (user_key(user), ip);
        if !f.by_user.contains_key(&key) && f.by_user.len() >= LIMITER_MAX_ENTRIES {
            f.by_user.retain(|_, (_, first)| now < *first + window);
            evict_oldest(&mut f.by_user);
        }
        bump(f.by_user.entry(key).or_insert((0, now)));
        if !f.by_address.contains_key(&ip) && f.by_address.len() >= LIMITER_MAX_ENTRIES {
            f.by_address.retain(|_, (_, first)| now < *first + window);
            evict_oldest(&mut f.by_address);
        }
        bump(f.by_address.entry(ip).or_insert((0, now)));
    }

    /// A successful login clears that user's count at that address (not the address's budget:
    /// one known password must not reset a spray of guesses at other names).
    pub fn record_success(&self, user: &str, ip: Option<IpAddr>) {
        if let Ok(mut f) = self.failures.lock() {
            f.by_user.remove(&(user_key(user), ip));
        }
    }

    /// How many entries the limiter holds (for the memory benchmark and tests).
    pub fn len(&self) -> usize {
        self.failures
            .lock()
            .map(|f| f.by_user.len() + f.by_address.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Make room for one entry when the map is still full after dropping expired ones: forget
/// the oldest tenth (by first failure), so a flood costs one scan per 5,000 new names.
fn evict_oldest<K: Clone + Eq + std::hash::Hash>(map: &mut HashMap<K, (u32, DateTime<Utc>)>) {
    if map.len() < LIMITER_MAX_ENTRIES {
        return;
    }
    let mut firsts: Vec<DateTime<Utc>> = map.values().map(|(_, first)| *first).collect();
    let cut = firsts.len() / 10;
    let (_, nth, _) = firsts.select_nth_unstable(cut);
    let nth = *nth;
    map.retain(|_, (_, first)| *first > nth);
}

/// A password hash of the configured cost for no one, verified when the user name is unknown
/// or disabled so that such a login takes as long as a known user's (no user enumeration by
/// timing).
pub fn decoy_hash(cost: PasswordCost) -> Result<String, PasswordError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hash_password(&hex::encode(bytes), cost)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse", PasswordCost::TEST).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(matches!(
            hash_password("short", PasswordCost::TEST),
            Err(PasswordError::TooShort(_))
        ));
    }

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let (a, ha) = new_token().unwrap();
        let (b, _) = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(a, ha);
    }

    #[test]
    fn cached_tokens_live_only_their_ttl_by_the_server_clock() {
        let cache = TokenCache::new(Duration::seconds(5));
        let t0: DateTime<Utc> = "2026-01-05T01:00:00Z".parse().unwrap();
        let user = crate::store::UserRecord {
            id: "u".into(),
            name: "u".into(),
            role: permitdesk_domain::actor::Role::WindowOperator,
            department: None,
            organisation: None,
            password_hash: String::new(),
            disabled: false,
            levels: vec![],
        };
        cache.put("h", &user, t0);
        assert!(cache.get("h", t0 + Duration::seconds(4)).is_some());
        assert!(cache.get("h", t0 + Duration::seconds(5)).is_none());
        assert!(
            cache.get("h", t0 - Duration::seconds(1)).is_none(),
            "a clock set back does not extend it"
        );
        cache.evict("h");
        assert!(cache.get("h", t0).is_none());
        let off = TokenCache::new(Duration::zero());
        off.put("h", &user, t0);
        assert!(off.get("h", t0).is_none());
    }

    #[test]
    fn the_limiter_blocks_after_repeated_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::new(3, Duration::minutes(15));
        let t0: DateTime<Utc> = "2026-01-05T01:00:00Z".parse().unwrap();
        let ip = Some("127.0.0.1".parse().unwrap());
        for i in 0..3 {
            assert_eq!(l.blocked_until("Alice", ip, t0), None, "attempt {i}");
            l.record_failure("alice", ip, t0);
        }
        assert!(
            l.blocked_until("alice", ip, t0 + Duration::minutes(1))
                .is_some()
        );
        // Another address of the same user is not blocked, nor is the user after the window.
        assert_eq!(
            l.blocked_until("alice", Some("10.0.0.1".parse().unwrap()), t0),
            None
        );
        assert_eq!(
            l.blocked_until("alice", ip, t0 + Duration::minutes(16)),
            None
        );
        l.record_success("alice", ip);
        assert_eq!(
            l.blocked_until("alice", ip, t0 + Duration::minutes(1)),
            None
        );
    }

    #[test]
    fn one_address_spraying_many_names_is_blocked_too() {
        let l = LoginLimiter::new(5, Duration::minutes(15));
        let t0: DateTime<Utc> = "2026-01-05T01:00:00Z".parse().unwrap();
        let ip = Some("10.1.1.1".parse().unwrap());
        for i in 0..l.max_per_address {
            assert_eq!(l.blocked_until(&format!("u{i}"), ip, t0), None);
            l.record_failure(&format!("u{i}"), ip, t0);
        }
        // A name never tried is blocked from that address, not from another.
        assert!(l.blocked_until("fresh", ip, t0).is_some());
        assert_eq!(
            l.blocked_until("fresh", Some("10.1.1.2".parse().unwrap()), t0),
            None
        );
        // A success at one name does not reset the address's budget.
        l.record_success("u0", ip);
        assert!(l.blocked_until("fresh", ip, t0).is_some());
    }

    #[test]
    fn the_limiter_stays_bounded_under_a_flood_of_long_names() {
        let l = LoginLimiter::new(5, Duration::minutes(15));
        let t0: DateTime<Utc> = "2026-01-05T01:00:00Z".parse().unwrap();
        let long = "x".repeat(10_000);
        for i in 0..(LIMITER_MAX_ENTRIES + 20_000) {
            let ip = Some(std::net::IpAddr::from([
                10,
                (i >> 16) as u8,
                (i >> 8) as u8,
                i as u8,
            ]));
            l.record_failure(
                &format!("{i}{long}"),
                ip,
                t0 + Duration::milliseconds(i as i64),
            );
        }
        assert!(l.len() <= 2 * LIMITER_MAX_ENTRIES, "{}", l.len());
        let f = l.failures.lock().unwrap();
        assert!(
            f.by_user
                .keys()
                .all(|(k, _)| k.chars().count() <= MAX_USER_NAME_CHARS)
        );
    }

    #[test]
    fn a_decoy_hash_verifies_nothing_a_user_types() {
        let h = decoy_hash(PasswordCost::TEST).unwrap();
        assert!(!verify_password("password", &h));
        assert!(!verify_password("", &h));
    }
}

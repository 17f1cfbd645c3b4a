//! 账号与会话: argon2id password hashes, opaque bearer tokens (32 random bytes, only their
//! SHA-256 stored), and the failed-login limiter (per user and address, and per address; its
//! counts kept in the database, shared by every server process).

use crate::error::StoreError;
use crate::store::Store;
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

/// The longest user name the server looks at (用户名最长 64 个字符): a longer one is refused
/// before any lookup, hashing or bookkeeping.
pub const MAX_USER_NAME_CHARS: usize = 64;

/// The longest password the server hashes: a longer one is refused before hashing.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// How many rows each table of failed logins keeps at most (per (name, address) and per
/// address): past it the scheduler's pass deletes the oldest. Rows exist only for failures
/// within the window, each key at most [`MAX_USER_NAME_CHARS`] characters plus an address.
pub const LIMITER_MAX_ENTRIES: usize = 50_000;

/// Failed logins recorded so far for one (name, address) and for the address: each the count
/// and the start of its window. Read from the store, shared by every server process on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureCounts {
    pub by_name: Option<(u32, DateTime<Utc>)>,
    pub by_address: Option<(u32, DateTime<Utc>)>,
}

/// Failed logins per (user, address) and per address: after `max_failures` for one user
/// within `window`, or `max_per_address` for any names from one address, further attempts
/// are refused until the window has passed since the first failure. The counts are kept in
/// the database (`login_failures`, `login_failures_by_address`, migration 5 of both
/// backends), so that every server process on one database shares them and a restart
/// forgets nothing; rows exist only for failures and the scheduler deletes expired ones
/// ([`crate::store::Store::expire_login_failures`]), so neither the process's memory nor
/// the tables grow with what is tried. An honest login costs one indexed read more.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    pub max_failures: u32,
    pub max_per_address: u32,
    pub window: Duration,
}

/// The key a user name is counted under: trimmed, lower case, at most
/// [`MAX_USER_NAME_CHARS`] characters.
pub fn user_key(user: &str) -> String {
    user.trim()
        .chars()
        .take(MAX_USER_NAME_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// The key an address is counted under: an IPv4 address as is (also when mapped into IPv6),
/// an IPv6 address by its /64 network (one subscriber's prefix: its 2^64 addresses share one
/// budget), `-` when unknown.
pub fn address_key(ip: Option<IpAddr>) -> String {
    match ip {
        None => "-".to_owned(),
        Some(IpAddr::V4(a)) => a.to_string(),
        Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            max_failures,
            max_per_address: max_failures.saturating_mul(6),
            window,
        }
    }

    /// When the block of these counts ends, if they block a login at `now`.
    pub fn blocked_until(
        &self,
        counts: &FailureCounts,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let blocked = |(count, first): (u32, DateTime<Utc>), max: u32| {
            let until = first + self.window;
            (count >= max && now < until).then_some(until)
        };
        let by_name = counts.by_name.and_then(|e| blocked(e, self.max_failures));
        let by_address = counts
            .by_address
            .and_then(|e| blocked(e, self.max_per_address));
        by_name.into_iter().chain(by_address).max()
    }

    /// The counts of `user` at `ip` as stored.
    pub async fn counts(
        &self,
        store: &dyn Store,
        user: &str,
        ip: Option<IpAddr>,
    ) -> Result<FailureCounts, StoreError> {
        store
            .login_failures(&user_key(user), &address_key(ip))
            .await
    }

    /// Some(when the block ends) if this user+address, or this address as a whole, is blocked
    /// now.
    pub async fn blocked(
        &self,
        store: &dyn Store,
        user: &str,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.blocked_until(&self.counts(store, user, ip).await?, now))
    }

    /// Counts one failure of `user` at `ip` and one of the address (a count whose window has
    /// passed starts again at one).
    pub async fn record_failure(
        &self,
        store: &dyn Store,
        user: &str,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        store
            .record_login_failure(&user_key(user), &address_key(ip), now, self.window)
            .await
    }

    /// A successful login clears that user's count at that address (not the address's budget:
    /// one known password must not reset a spray of guesses at other names). `counts` is what
    /// the login read before: nothing to clear, no write.
    pub async fn record_success(
        &self,
        store: &dyn Store,
        user: &str,
        ip: Option<IpAddr>,
        counts: &FailureCounts,
    ) -> Result<(), StoreError> {
        if counts.by_name.is_none() {
            return Ok(());
        }
        store
            .clear_login_failures(&user_key(user), &address_key(ip))
            .await
    }
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
        let counts = |n: u32| FailureCounts {
            by_name: Some((n, t0)),
            by_address: Some((n, t0)),
        };
        assert_eq!(l.blocked_until(&FailureCounts::default(), t0), None);
        assert_eq!(l.blocked_until(&counts(2), t0), None);
        assert_eq!(
            l.blocked_until(&counts(3), t0 + Duration::minutes(1)),
            Some(t0 + Duration::minutes(15))
        );
        // After the window, nothing blocks.
        assert_eq!(
            l.blocked_until(&counts(3), t0 + Duration::minutes(15)),
            None
        );
    }

    #[test]
    fn one_address_spraying_many_names_is_blocked_by_its_own_budget() {
        let l = LoginLimiter::new(5, Duration::minutes(15));
        let t0: DateTime<Utc> = "2026-01-05T01:00:00Z".parse().unwrap();
        // A name never tried, from an address that used its budget on other names.
        let sprayed = FailureCounts {
            by_name: None,
            by_address: Some((l.max_per_address, t0)),
        };
        assert!(l.blocked_until(&sprayed, t0).is_some());
        let almost = FailureCounts {
            by_name: None,
            by_address: Some((l.max_per_address - 1, t0)),
        };
        assert_eq!(l.blocked_until(&almost, t0), None);
    }

    #[test]
    fn names_and_addresses_are_counted_under_bounded_keys() {
        assert_eq!(user_key("  Alice "), "alice");
        assert_eq!(
            user_key(&"X".repeat(10_000)).chars().count(),
            MAX_USER_NAME_CHARS
        );
        let v4: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(address_key(Some(v4)), "203.0.113.9");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(address_key(Some(mapped)), "203.0.113.9");
        // Every address of one /64 shares its budget.
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        assert_eq!(address_key(Some(a)), "2001:db8:1:2::/64");
        assert_eq!(address_key(Some(a)), address_key(Some(b)));
        assert_eq!(address_key(None), "-");
    }

    #[test]
    fn a_decoy_hash_verifies_nothing_a_user_types() {
        let h = decoy_hash(PasswordCost::TEST).unwrap();
        assert!(!verify_password("password", &h));
        assert!(!verify_password("", &h));
    }
}

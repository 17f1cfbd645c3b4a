//! Secrets of a profile (the session token and the local database key) in the OS keyring:
//! never in a file. On Linux this is the kernel keyring (keyutils); macOS Keychain; Windows
//! Credential Manager.

use std::collections::HashMap;
use std::sync::Mutex;

/// Why a secret could not be kept or read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No keyring works on this machine (headless Linux without a session keyring, a sandbox
    /// that forbids the keyctl system call, ...). PermitDesk never falls back to a plain file.
    #[error(
        "系统钥匙串不可用（{0}）。PermitDesk 不会把登录令牌或数据库密钥写入普通文件。\
         在无桌面的 Linux 上请在内核密钥环会话中运行（例如 `keyctl session - permitdesk ...`，需安装 keyutils），\
         或启动桌面钥匙串服务后重试"
    )]
    Unavailable(String),
}

/// The names of the secrets a profile keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Secret {
    /// The bearer token of the logged-in session.
    Token,
    /// The SQLCipher key of the local database (64 hex digits).
    DatabaseKey,
    /// The password the user asked the desktop app to remember (记住密码).
    Password,
}

impl Secret {
    /// Every secret a profile may have in the keyring (what removing the profile deletes).
    pub const ALL: [Secret; 3] = [Secret::Token, Secret::DatabaseKey, Secret::Password];

    fn name(self) -> &'static str {
        match self {
            Secret::Token => "token",
            Secret::DatabaseKey => "db-key",
            Secret::Password => "password",
        }
    }
}

/// A place for secrets, keyed by profile. `get` returns `None` when the secret was never set.
pub trait CredentialStore: Send + Sync {
    fn get(&self, profile: &str, secret: Secret) -> Result<Option<String>, CredentialError>;
    fn set(&self, profile: &str, secret: Secret, value: &str) -> Result<(), CredentialError>;
    fn delete(&self, profile: &str, secret: Secret) -> Result<(), CredentialError>;
}

/// Delete every secret of `profile` (token, database key, remembered password): what removing
/// the profile leaves nothing of. Logging out deletes the token only.
pub fn forget_all(store: &dyn CredentialStore, profile: &str) -> Result<(), CredentialError> {
    for secret in Secret::ALL {
        store.delete(profile, secret)?;
    }
    Ok(())
}

/// The operating system's keyring, through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        OsKeyring {
            service: "permitdesk".to_owned(),
        }
    }
}

impl OsKeyring {
    #[cfg(target_os = "linux")]
    fn entry(&self, profile: &str, secret: Secret) -> Result<keyring::Entry, CredentialError> {
        let description = format!("{}:{profile}/{}", self.service, secret.name());
        Ok(keyring::Entry::new_with_credential(Box::new(
            user_keyring::UserKeyringCredential::new(description),
        )))
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, profile: &str, secret: Secret) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, &format!("{profile}/{}", secret.name()))
            .map_err(|e| CredentialError::Unavailable(e.to_string()))
    }
}

/// The kernel's per-user keyring (`@u`) as a `keyring` credential.
///
/// Why not the `keyring` crate's own keyutils store: it keeps entries in the session keyring
/// linked to the persistent keyring; a process started outside a login session (a service,
/// a container, CI) gets a fresh session keyring that dies with it, and linking the persistent
/// keyring can be refused, so the next `permitdesk` command would not find the key. The user
/// keyring is shared by all processes of the user. Like every kernel keyring it lives in memory
/// only: after a reboot the user logs in again (the token), and a profile whose database key
/// is gone must be recreated (see `ClientError::WrongKey`).
#[cfg(target_os = "linux")]
mod user_keyring {
    use keyring::credential::CredentialApi;
    use keyring::error::{Error, Result};
    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    #[derive(Debug, Clone)]
    pub struct UserKeyringCredential {
        description: String,
    }

    impl UserKeyringCredential {
        pub fn new(description: String) -> Self {
            UserKeyringCredential { description }
        }
    }

    fn decode(e: KeyError) -> Error {
        match e {
            KeyError::KeyDoesNotExist
            | KeyError::KeyRevoked
            | KeyError::KeyExpired
            | KeyError::AccessDenied => Error::NoEntry,
            other => Error::PlatformFailure(Box::new(other)),
        }
    }

    fn ring() -> Result<KeyRing> {
        KeyRing::from_special_id(KeyRingIdentifier::User, false).map_err(decode)
    }

    impl CredentialApi for UserKeyringCredential {
        fn set_secret(&self, secret: &[u8]) -> Result<()> {
            let key = ring()?.add_key(&self.description, secret).map_err(decode)?;
            // Only the owner (possessor or same user) may read or change it.
            let perms = KeyPermissionsBuilder::builder()
                .posessor(Permission::ALL)
                .user(
                    Permission::VIEW
                        | Permission::READ
                        | Permission::WRITE
                        | Permission::SEARCH
                        | Permission::SETATTR,
                )
                .build();
            key.set_perms(perms).map_err(decode)?;
            Ok(())
        }

        fn get_secret(&self) -> Result<Vec<u8>> {
            let key = ring()?.search(&self.description).map_err(decode)?;
            key.read_to_vec().map_err(decode)
        }

        fn delete_credential(&self) -> Result<()> {
            let key = ring()?.search(&self.description).map_err(decode)?;
            key.invalidate().map_err(decode)
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }
}

impl CredentialStore for OsKeyring {
    fn get(&self, profile: &str, secret: Secret) -> Result<Option<String>, CredentialError> {
        match self.entry(profile, secret)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(CredentialError::Unavailable(e.to_string())),
        }
    }

    fn set(&self, profile: &str, secret: Secret, value: &str) -> Result<(), CredentialError> {
        let entry = self.entry(profile, secret)?;
        entry
            .set_password(value)
            .map_err(|e| CredentialError::Unavailable(e.to_string()))?;
        // Read it back: some backends accept a write they cannot keep (no session keyring).
        match entry.get_password() {
            Ok(v) if v == value => Ok(()),
            Ok(_) => Err(CredentialError::Unavailable(
                "写入后读回的内容不一致".to_owned(),
            )),
            Err(e) => Err(CredentialError::Unavailable(e.to_string())),
        }
    }

    fn delete(&self, profile: &str, secret: Secret) -> Result<(), CredentialError> {
        match self.entry(profile, secret)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(CredentialError::Unavailable(e.to_string())),
        }
    }
}

/// Secrets in memory only, for the in-process simulation and unit tests (gone at exit).
#[derive(Debug, Default)]
pub struct MemoryCredentials {
    map: Mutex<HashMap<(String, Secret), String>>,
}

impl CredentialStore for MemoryCredentials {
    fn get(&self, profile: &str, secret: Secret) -> Result<Option<String>, CredentialError> {
        let map = self
            .map
            .lock()
            .map_err(|e| CredentialError::Unavailable(e.to_string()))?;
        Ok(map.get(&(profile.to_owned(), secret)).cloned())
    }

    fn set(&self, profile: &str, secret: Secret, value: &str) -> Result<(), CredentialError> {
        let mut map = self
            .map
            .lock()
            .map_err(|e| CredentialError::Unavailable(e.to_string()))?;
        map.insert((profile.to_owned(), secret), value.to_owned());
        Ok(())
    }

    fn delete(&self, profile: &str, secret: Secret) -> Result<(), CredentialError> {
        let mut map = self
            .map
            .lock()
            .map_err(|e| CredentialError::Unavailable(e.to_string()))?;
        map.remove(&(profile.to_owned(), secret));
        Ok(())
    }
}

/// 32 random bytes as hex, from the operating system's generator.
pub fn random_hex(bytes: usize) -> Result<String, CredentialError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| CredentialError::Unavailable(format!("无法取得随机数：{e}")))?;
    Ok(hex::encode(buf))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_os_keyring_keeps_a_secret_and_forgets_it_on_delete() {
        let store = OsKeyring::default();
        let profile = format!("unit-{}", random_hex(8).unwrap());
        assert_eq!(store.get(&profile, Secret::Token).unwrap(), None);
        store.set(&profile, Secret::Token, "tok-123").unwrap();
        assert_eq!(
            store.get(&profile, Secret::Token).unwrap().as_deref(),
            Some("tok-123")
        );
        assert_eq!(
            store.get(&profile, Secret::DatabaseKey).unwrap(),
            None,
            "secrets are separate"
        );
        store.delete(&profile, Secret::Token).unwrap();
        assert_eq!(store.get(&profile, Secret::Token).unwrap(), None);
    }

    #[test]
    fn forgetting_a_profile_leaves_none_of_its_secrets_in_the_os_keyring() {
        let store = OsKeyring::default();
        let profile = format!("unit-{}", random_hex(8).unwrap());
        for secret in Secret::ALL {
            store.set(&profile, secret, "geheim").unwrap();
        }
        forget_all(&store, &profile).unwrap();
        for secret in Secret::ALL {
            assert_eq!(store.get(&profile, secret).unwrap(), None, "{secret:?}");
        }
        // Nothing left to delete is no error.
        forget_all(&store, &profile).unwrap();
    }
}

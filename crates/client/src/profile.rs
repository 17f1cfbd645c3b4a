//! A profile: one directory with the encrypted local database, whose key and session token are
//! in the OS keyring. This is the API the CLI and the desktop app call: log in, act (queued
//! offline first), sync, attach files.

use crate::clock::Clock;
use crate::credentials::{CredentialStore, Secret, random_hex};
use crate::engine::{self, StoreAccess, SyncOptions, SyncReport};
use crate::error::{ClientError, Result};
use crate::store::{NewCommand, Store};
use crate::transport::Transport;
use crate::transport::http::HttpTransport;
use crate::transport::pin::ServerTrust;
use chrono::{DateTime, Duration, Utc};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::ids::AttachmentId;
use permitdesk_protocol::{CommandEnvelope, DomainCommand, UserInfo};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ID_FILE: &str = "profile-id";
const DB_FILE: &str = "local.db";
const DRAFTS_FILE: &str = "drafts.db";

/// How far a local action's time may be moved forward to follow the entity's last event
/// (what remains of the clock error after the offset correction).
const MAX_CLAMP: Duration = Duration::seconds(60);

/// An open profile.
pub struct Profile {
    dir: PathBuf,
    id: String,
    store: Store,
    creds: Arc<dyn CredentialStore>,
    clock: Arc<dyn Clock>,
    /// The database key, kept to open the drafts database beside the store.
    key: String,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("dir", &self.dir)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The answer to a successful login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginOutcome {
    pub user: UserInfo,
    pub expires_at: DateTime<Utc>,
    pub clock_offset_ms: i64,
}

impl Profile {
    /// Open the profile in `dir`, creating it (and its database key, in the keyring) on first
    /// use. A database whose key is gone from the keyring is reported, never silently replaced.
    pub fn open(
        dir: &Path,
        creds: Arc<dyn CredentialStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Profile> {
        std::fs::create_dir_all(dir).map_err(|e| ClientError::io(dir, e))?;
        let id_path = dir.join(ID_FILE);
        let db_path = dir.join(DB_FILE);
        let id = match std::fs::read_to_string(&id_path) {
            Ok(s) => s.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if db_path.exists() {
                    return Err(ClientError::WrongKey {
                        path: db_path.display().to_string(),
                    });
                }
                let id = random_hex(16)?;
                std::fs::write(&id_path, format!("{id}\n"))
                    .map_err(|e| ClientError::io(&id_path, e))?;
                id
            }
            Err(e) => return Err(ClientError::io(&id_path, e)),
        };
        let key = match creds.get(&id, Secret::DatabaseKey)? {
            Some(k) => k,
            None if db_path.exists() => {
                return Err(ClientError::WrongKey {
                    path: db_path.display().to_string(),
                });
            }
            None => {
                let k = random_hex(32)?;
                creds.set(&id, Secret::DatabaseKey, &k)?;
                k
            }
        };
        let store = Store::open(&db_path, &key)?;
        Ok(Profile {
            dir: dir.to_owned(),
            id,
            store,
            creds,
            clock,
            key,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The form drafts of this profile (a second connection: usable while a sync runs).
    pub fn open_drafts(&self) -> Result<crate::drafts::Drafts> {
        crate::drafts::Drafts::open(&self.dir.join(DRAFTS_FILE), &self.key)
    }

    /// The id of this profile (the name of its secrets in the keyring).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The credential store of this profile (the desktop app keeps a remembered password in it).
    pub fn credentials(&self) -> Arc<dyn CredentialStore> {
        self.creds.clone()
    }

    /// The reference data this profile decides with (holiday calendar, catalogue, market,
    /// zones), each at the version the last sync brought (the shipped data before the first).
    pub fn reference(&self) -> Result<permitdesk_domain::reference::ReferenceSet> {
        self.store.reference_set()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The clock, to be used without the profile (a sync run outside its lock).
    pub fn clock_handle(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Now by the server's clock, as well as the client knows it (local clock + offset
    /// measured at the last contact).
    pub fn corrected_now(&self) -> Result<DateTime<Utc>> {
        Ok(self.clock.now() + self.store.sync_state()?.clock_offset())
    }

    /// The logged-in user, as the actor recorded on events.
    pub fn actor(&self) -> Result<Actor> {
        self.store.actor()?.ok_or(ClientError::NotLoggedIn)
    }

    /// The session token (from the keyring).
    pub fn token(&self) -> Result<String> {
        self.creds
            .get(&self.id, Secret::Token)?
            .ok_or(ClientError::NotLoggedIn)
    }

    /// The HTTPS transport to the server this profile logged in to.
    pub fn transport(&self) -> Result<HttpTransport> {
        let s = self.store.sync_state()?;
        let url = s.server_url.ok_or(ClientError::NotLoggedIn)?;
        let trust = match (s.fingerprint, s.ca_file) {
            (Some(fp), _) => ServerTrust::Pinned(fp),
            (None, Some(ca)) => ServerTrust::CaFile(PathBuf::from(ca)),
            (None, None) => return Err(ClientError::NotLoggedIn),
        };
        https_to(&url, &trust)
    }

    /// Log in over HTTPS (the certificate checked before anything is sent) and keep the token
    /// in the keyring.
    pub fn login(
        &mut self,
        server_url: &str,
        trust: &ServerTrust,
        user: &str,
        password: &str,
    ) -> Result<LoginOutcome> {
        let t = https_to(server_url, trust)?;
        let client_id = self.store.sync_state()?.client_id;
        let answer = engine::login(&t, self.clock.as_ref(), user, password, &client_id)?;
        self.record_server_login(server_url, trust, answer)
    }

    /// Keep a login's answer and the server it came from (and how that server is trusted).
    pub fn record_server_login(
        &mut self,
        server_url: &str,
        trust: &ServerTrust,
        answer: (permitdesk_protocol::LoginResponse, Duration, DateTime<Utc>),
    ) -> Result<LoginOutcome> {
        let outcome = self.record_login(answer)?;
        let (fp, ca) = match trust {
            ServerTrust::Pinned(fp) => (Some(fp.trim().to_ascii_lowercase()), None),
            ServerTrust::CaFile(p) => (None, Some(p.display().to_string())),
        };
        self.store.set_server(
            server_url.trim_end_matches('/'),
            fp.as_deref(),
            ca.as_deref(),
        )?;
        Ok(outcome)
    }

    /// Log in through any transport (the simulation's).
    pub fn login_with(
        &mut self,
        t: &dyn Transport,
        user: &str,
        password: &str,
    ) -> Result<LoginOutcome> {
        let client_id = self.store.sync_state()?.client_id;
        let answer = engine::login(t, self.clock.as_ref(), user, password, &client_id)?;
        self.record_login(answer)
    }

    /// Keep what a login answered (the user, the token in the keyring, the clock offset).
    pub fn record_login(
        &mut self,
        (resp, offset, at): (permitdesk_protocol::LoginResponse, Duration, DateTime<Utc>),
    ) -> Result<LoginOutcome> {
        self.store.set_user(&resp.user, resp.expires_at)?;
        self.store.adopt_client_id(&resp.client_id)?;
        self.creds.set(&self.id, Secret::Token, &resp.token)?;
        self.store.record_contact(offset, at)?;
        Ok(LoginOutcome {
            user: resp.user,
            expires_at: resp.expires_at,
            clock_offset_ms: offset.num_milliseconds(),
        })
    }

    /// Forget the token (the local data stays, encrypted, and so does its database key: the
    /// next login opens the same data).
    pub fn logout(&mut self) -> Result<()> {
        self.creds.delete(&self.id, Secret::Token)?;
        Ok(())
    }

    /// Delete this profile for good: every secret of it in the keyring (token, database key,
    /// remembered password), then its files. Commands not yet synced would be lost with it: then
    /// it is refused unless `discard_unsent`. The profile is closed and unusable afterwards.
    pub fn remove(&mut self, discard_unsent: bool) -> Result<Removed> {
        let pending = self.store.pending_count()?;
        if pending > 0 && !discard_unsent {
            return Err(ClientError::Invalid(format!(
                "本机还有 {pending} 条操作尚未同步到服务器，删除本机数据会将其一并丢弃；请先同步，或确认丢弃后再删除"
            )));
        }
        crate::credentials::forget_all(self.creds.as_ref(), &self.id)?;
        self.store.close()?;
        remove_files(&self.dir)?;
        Ok(Removed {
            dir: self.dir.display().to_string(),
            discarded: pending,
        })
    }

    /// Sync with the server this profile logged in to.
    pub fn sync(&mut self, opts: SyncOptions) -> Result<SyncReport> {
        let t = self.transport()?;
        self.sync_with(&t, opts)
    }

    pub fn sync_with(&mut self, t: &dyn Transport, opts: SyncOptions) -> Result<SyncReport> {
        let token = self.token()?;
        let r = engine::sync(&mut self.store, t, self.clock.as_ref(), &token, opts);
        self.after_sync(r)
    }

    /// What a sync's outcome means for the session: a token the server no longer accepts is
    /// forgotten (the user logs in again; the queued commands wait in the outbox meanwhile).
    pub fn after_sync<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(ClientError::LoginExpired { .. }) = &r {
            // Should the keyring fail here, the next sync meets the same 401 and says the same.
            let _ = self.creds.delete(&self.id, Secret::Token);
        }
        r
    }

    /// Bring only the reference data up to date (the first step of a sync).
    pub fn sync_reference(&mut self) -> Result<SyncReport> {
        let t = self.transport()?;
        self.sync_reference_with(&t)
    }

    pub fn sync_reference_with(&mut self, t: &dyn Transport) -> Result<SyncReport> {
        let token = self.token()?;
        let r = engine::sync_reference(&mut self.store, t, self.clock.as_ref(), &token);
        self.after_sync(r)
    }

    /// Take an action: checked against the local state by the domain code, applied to the
    /// local view and queued in the outbox, in one transaction. Works offline.
    pub fn act(
        &mut self,
        command: DomainCommand,
        opinion: Option<String>,
        attachments: Vec<AttachmentId>,
    ) -> Result<CommandEnvelope> {
        self.act_replacing(command, opinion, attachments, None)
    }

    /// [`Profile::act`] for a command the server refused (`replaces`, its mutation id) and the
    /// user confirms again: decided anew at the current time, and in the same transaction the
    /// old refusal leaves the list (so it is confirmed at most once).
    pub fn act_replacing(
        &mut self,
        command: DomainCommand,
        opinion: Option<String>,
        attachments: Vec<AttachmentId>,
        replaces: Option<u64>,
    ) -> Result<CommandEnvelope> {
        let actor = self.actor()?;
        let mut command = command;
        // 合规性审查 findings are measured from the local site and zones, as the server will.
        if let DomainCommand::Consultation {
            consultation,
            command: cmd,
        } = &mut command
        {
            let current = self.store.consultation(consultation)?;
            let zones = self.store.reference_set()?.zones;
            permitdesk_domain::consultation::measure_compliance(current.as_ref(), cmd, &zones)
                .map_err(|e| ClientError::Refused(e.to_string()))?;
        }
        let last = self.store.view(&command.entity())?.last_event_at();
        let at = action_time(self.corrected_now()?, last);
        let now = self.clock.now();
        self.store.enqueue_replacing(
            NewCommand {
                command,
                acted_at: at,
                opinion,
                attachments,
            },
            &actor,
            now,
            replaces,
        )
    }

    /// Keep a file in the encrypted cache and queue its upload; returns its id (SHA-256).
    pub fn attach_file(&mut self, path: &Path) -> Result<AttachmentId> {
        let data = std::fs::read(path).map_err(|e| ClientError::io(path, e))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        self.store
            .add_attachment(&data, name.as_deref(), self.clock.now())
    }

    /// A file from the cache or the server.
    pub fn fetch_attachment(&mut self, id: &AttachmentId) -> Result<Vec<u8>> {
        let t = self.transport()?;
        let token = self.token()?;
        let db = engine::Exclusive::new(&mut self.store);
        engine::fetch_attachment(&db, &t, self.clock.as_ref(), &token, id)
    }

    /// Upload now (outside a full sync).
    pub fn upload_pending(
        &mut self,
        opts: SyncOptions,
    ) -> Result<
        Vec<(
            AttachmentId,
            std::result::Result<crate::store::UploadState, String>,
        )>,
    > {
        let t = self.transport()?;
        let token = self.token()?;
        let mut out = Vec::new();
        let db = engine::Exclusive::new(&mut self.store);
        for up in db.with(|s| s.uploads(false))? {
            let r = engine::upload_one(&db, &t, &token, &up.id, opts)?;
            out.push((up.id, r));
        }
        Ok(out)
    }
}

/// What removing a profile did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Removed {
    /// The profile directory (its PermitDesk files are gone; the directory too when empty).
    pub dir: String,
    /// Commands never synced that were thrown away with it.
    pub discarded: u64,
}

/// Remove the profile in `dir` (see [`Profile::remove`]), also one whose database key is already
/// gone from the keyring (its data can no longer be read: only cleared away).
pub fn remove(
    dir: &Path,
    creds: Arc<dyn CredentialStore>,
    clock: Arc<dyn Clock>,
    discard_unsent: bool,
) -> Result<Removed> {
    let id_path = dir.join(ID_FILE);
    let id = match std::fs::read_to_string(&id_path) {
        Ok(s) => s.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ClientError::Invalid(format!(
                "{} 不是 PermitDesk 配置目录（其中没有配置标识文件）",
                dir.display()
            )));
        }
        Err(e) => return Err(ClientError::io(&id_path, e)),
    };
    match Profile::open(dir, creds.clone(), clock) {
        Ok(mut p) => p.remove(discard_unsent),
        Err(ClientError::WrongKey { .. }) => {
            crate::credentials::forget_all(creds.as_ref(), &id)?;
            remove_files(dir)?;
            Ok(Removed {
                dir: dir.display().to_string(),
                discarded: 0,
            })
        }
        Err(e) => Err(e),
    }
}

/// Delete the files a profile keeps in `dir` (the databases with their WAL files, the id last,
/// so that an interrupted removal can be run again), then the directory if nothing else is in
/// it.
fn remove_files(dir: &Path) -> Result<()> {
    for base in [DB_FILE, DRAFTS_FILE, ID_FILE] {
        for suffix in ["-wal", "-shm", "-journal", ""] {
            let path = dir.join(format!("{base}{suffix}"));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ClientError::io(&path, e)),
            }
        }
    }
    // Something else of the user's in it: the directory stays.
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

/// The time an action taken now is recorded with: the server-corrected `now`, moved forward to
/// the entity's last event when only the few seconds of clock error left after the correction
/// would make it look older.
pub fn action_time(now: DateTime<Utc>, last_event: Option<DateTime<Utc>>) -> DateTime<Utc> {
    match last_event {
        Some(last) if now < last && last - now <= MAX_CLAMP => last,
        _ => now,
    }
}

/// The HTTPS transport to `server_url`, trusted as `trust`.
pub fn https_to(server_url: &str, trust: &ServerTrust) -> Result<HttpTransport> {
    HttpTransport::new(server_url, trust).map_err(|e| ClientError::Invalid(e.to_string()))
}

/// A new random id for something created offline (`C-…`, `P-…`, `A-…`).
pub fn new_id(prefix: &str) -> Result<String> {
    Ok(format!("{prefix}-{}", random_hex(8)?))
}

//! A profile shared by several threads: the desktop shell's commands and its background sync.
//! Every local step takes the lock only while it touches the store; no lock is held while a
//! request is on the network (a sync's push and pull, a login, a download, the server's
//! statistics and notices), so a read never waits for the network.

use crate::clock::Clock;
use crate::engine::{self, StoreAccess, SyncOptions, SyncReport};
use crate::error::Result;
use crate::expired::{self, ReconfirmOutcome, Selection};
use crate::ops::{self, ActOutcome, Commands};
use crate::profile::{LoginOutcome, Profile, Removed};
use crate::store::Store;
use crate::transport::Transport;
use crate::transport::http::HttpTransport;
use crate::transport::pin::ServerTrust;
use permitdesk_domain::ids::AttachmentId;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// An open profile, shared.
pub struct Session {
    profile: Mutex<Profile>,
    /// One sync at a time (the background loop, 同步, an action's own push).
    sync_gate: Mutex<()>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

/// The store reached through the session's lock, one local step at a time.
struct Locked<'a>(&'a Mutex<Profile>);

impl StoreAccess for Locked<'_> {
    fn with<R>(&self, f: impl FnOnce(&mut Store) -> Result<R>) -> Result<R> {
        f(lock(self.0).store_mut())
    }
}

/// A panic in another thread leaves the store consistent (every write is one transaction), so
/// a poisoned lock is taken over rather than turned into a second failure.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Session {
    pub fn new(profile: Profile) -> Session {
        Session {
            profile: Mutex::new(profile),
            sync_gate: Mutex::new(()),
        }
    }

    /// Open the profile in `dir` (see [`Profile::open`]).
    pub fn open(
        dir: &std::path::Path,
        creds: Arc<dyn crate::credentials::CredentialStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Session> {
        Ok(Session::new(Profile::open(dir, creds, clock)?))
    }

    /// Local work on the profile (a read, an action queued): the lock is held for `f` only,
    /// and `f` must not call the server.
    pub fn with<T>(&self, f: impl FnOnce(&mut Profile) -> T) -> T {
        f(&mut lock(&self.profile))
    }

    /// The session token and the clock, to work without the profile.
    fn token_and_clock(&self) -> Result<(String, Arc<dyn Clock>)> {
        self.with(|p| Ok((p.token()?, p.clock_handle())))
    }

    /// Sync with the server the profile logged in to.
    pub fn sync(&self, opts: SyncOptions) -> Result<SyncReport> {
        let t = self.with(|p| p.transport())?;
        self.sync_with(&t, opts)
    }

    /// Sync through any transport: the store is locked for each local step, never while a
    /// request is on the way.
    pub fn sync_with(&self, t: &dyn Transport, opts: SyncOptions) -> Result<SyncReport> {
        let _gate = lock(&self.sync_gate);
        let (token, clock) = self.token_and_clock()?;
        let r = engine::sync_shared(&Locked(&self.profile), t, clock.as_ref(), &token, opts);
        self.with(|p| p.after_sync(r))
    }

    /// Bring only the reference data up to date.
    pub fn sync_reference(&self) -> Result<SyncReport> {
        let t = self.with(|p| p.transport())?;
        let _gate = lock(&self.sync_gate);
        let (token, clock) = self.token_and_clock()?;
        let r = engine::sync_reference_shared(&Locked(&self.profile), &t, clock.as_ref(), &token);
        self.with(|p| p.after_sync(r))
    }

    /// A user's action: queued (decided locally first), then synced unless `offline`; the
    /// same steps as [`ops::act_all`], with the lock released during the sync.
    pub fn act(
        &self,
        commands: Commands,
        opinion: Option<String>,
        offline: bool,
        created: Vec<String>,
    ) -> Result<ActOutcome> {
        let acted = self.with(|p| ops::enqueue_all(p, commands, opinion))?;
        let synced = (!offline).then(|| self.sync(SyncOptions::default()));
        self.with(|p| ops::act_outcome(p, acted, created, synced))
    }

    /// 重新确认并提交 the actions that came back past the offline limit (see
    /// [`expired::reconfirm`]), with the lock released during the sync.
    pub fn reconfirm(&self, selection: &Selection, offline: bool) -> Result<ReconfirmOutcome> {
        let requeued = self.with(|p| expired::reconfirm_enqueue(p, selection))?;
        let synced = (!offline && !requeued.reconfirmed.is_empty())
            .then(|| self.sync(SyncOptions::default()));
        self.with(|p| expired::reconfirm_outcome(p, requeued, synced))
    }

    /// Remove this profile (see [`Profile::remove`]: its secrets in the keyring and its files)
    /// and go on with a fresh, empty one in the same directory.
    pub fn remove_profile(&self, discard_unsent: bool) -> Result<Removed> {
        let _gate = lock(&self.sync_gate);
        let mut p = lock(&self.profile);
        let removed = p.remove(discard_unsent)?;
        *p = Profile::open(Path::new(&removed.dir), p.credentials(), p.clock_handle())?;
        Ok(removed)
    }

    /// Log in over HTTPS (see [`Profile::login`]); the profile is not locked while the server
    /// answers.
    pub fn login(
        &self,
        server_url: &str,
        trust: &ServerTrust,
        user: &str,
        password: &str,
    ) -> Result<LoginOutcome> {
        let t = crate::profile::https_to(server_url, trust)?;
        let clock = self.with(|p| p.clock_handle());
        let client_id =
            self.with(|p| Ok::<_, crate::ClientError>(p.store().sync_state()?.client_id))?;
        let answer = engine::login(&t, clock.as_ref(), user, password, &client_id)?;
        self.with(|p| p.record_server_login(server_url, trust, answer))
    }

    /// A file from the cache, or downloaded (the profile unlocked meanwhile) and cached.
    pub fn fetch_attachment(&self, id: &AttachmentId) -> Result<Vec<u8>> {
        if let Some(f) = self.with(|p| p.store().attachment(id))? {
            return Ok(f.data);
        }
        let t = self.with(|p| p.transport())?;
        let (token, clock) = self.token_and_clock()?;
        engine::fetch_attachment(&Locked(&self.profile), &t, clock.as_ref(), &token, id)
    }

    /// A call to the server with this profile's transport and token, made without the lock.
    pub fn online<T>(&self, f: impl FnOnce(&HttpTransport, &str) -> Result<T>) -> Result<T> {
        let (t, token) =
            self.with(|p| Ok::<_, crate::ClientError>((p.transport()?, p.token()?)))?;
        f(&t, &token)
    }
}

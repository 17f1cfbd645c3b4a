//! The shell's state: the open profile (a [`Session`] shared by the commands and the sync
//! loop, never locked across a request to the server), the drafts database, and what the
//! status bar shows.

use crate::error::UiError;
use permitdesk_client::drafts::Drafts;
use permitdesk_client::{Profile, Session};
use serde::Serialize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What the status bar shows; sent as the `sync-state` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncState {
    pub online: bool,
    pub syncing: bool,
    /// The user chose to work offline (离线工作): no automatic sync.
    pub offline_mode: bool,
    pub pending: u64,
    pub refusals: u64,
    pub last_sync_at: Option<String>,
    pub message: Option<String>,
    /// The server no longer accepts the login (token expired): no automatic sync until the
    /// user logs in again; what is queued stays queued.
    pub login_expired: bool,
}

/// The server and fingerprint the login form offers before a first login.
#[derive(Debug, Clone, Default)]
pub struct LoginDefaults {
    pub server: Option<String>,
    pub fingerprint: Option<String>,
}

/// Shared by every command and the background sync loop.
pub struct AppState {
    pub login_defaults: LoginDefaults,
    pub session: Arc<Session>,
    pub drafts: Arc<Mutex<Drafts>>,
    pub sync: Arc<Mutex<SyncState>>,
    /// Wakes the sync loop early (after an action, on "同步", on going online).
    pub wake: Arc<(Mutex<bool>, Condvar)>,
    /// What the desktop notices have announced so far (`alerts`).
    pub alerts: Arc<Mutex<crate::alerts::AlertState>>,
}

impl AppState {
    pub fn new(profile: Profile) -> Result<AppState, UiError> {
        let drafts = profile.open_drafts()?;
        Ok(AppState {
            login_defaults: LoginDefaults::default(),
            session: Arc::new(Session::new(profile)),
            drafts: Arc::new(Mutex::new(drafts)),
            sync: Arc::new(Mutex::new(SyncState::default())),
            wake: Arc::new((Mutex::new(false), Condvar::new())),
            alerts: Arc::new(Mutex::new(crate::alerts::AlertState::default())),
        })
    }

    /// Ask the sync loop to run now.
    pub fn wake_sync(&self) {
        let (flag, cv) = &*self.wake;
        if let Ok(mut w) = flag.lock() {
            *w = true;
            cv.notify_all();
        }
    }

    pub fn offline_mode(&self) -> bool {
        self.sync.lock().map(|s| s.offline_mode).unwrap_or(false)
    }
}

/// Lock a mutex; a poisoned one (a panic elsewhere) is reported, not propagated as a panic.
pub fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, UiError> {
    m.lock()
        .map_err(|_| UiError::internal("内部状态不可用，请重新启动程序"))
}

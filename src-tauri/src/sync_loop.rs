//! The background sync: every 15 s (every 3 s while the server cannot be reached; at once when
//! woken by an action, "同步" or going online) upload files, push the outbox and pull, on a blocking thread; the UI hears about it
//! through the `sync-state`, `sync-progress` and `data-changed` events. The sync goes through
//! the [`permitdesk_client::Session`]: the profile is locked for each local step only, so the
//! commands' reads go on while it waits for the server.

use crate::error::UiError;
use crate::state::{AppState, SyncState};
use permitdesk_client::ClientError;
use permitdesk_client::engine::SyncReport;
use permitdesk_client::reads;
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};

/// Seconds between automatic syncs.
pub const INTERVAL: Duration = Duration::from_secs(15);
/// Seconds between tries while the server cannot be reached: the status bar says 在线 again
/// within this long after the network comes back, not up to a whole interval later.
pub const OFFLINE_RETRY: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SyncProgress"))]
pub(crate) struct Progress {
    /// `upload`, `push` or `pull`.
    #[cfg_attr(test, ts(type = "\"upload\" | \"push\" | \"pull\""))]
    phase: &'static str,
    done: u64,
    total: u64,
}

/// Refresh the counts of the status bar from the store and send `sync-state`.
pub fn publish(app: &AppHandle, state: &AppState) {
    let counts = state.session.with(|p| {
        let s = reads::status(p.store()).ok()?;
        Some((s.pending, s.refusals.len() as u64, s.last_sync_at))
    });
    let snapshot = match state.sync.lock() {
        Ok(mut s) => {
            if let Some((pending, refusals, last)) = counts {
                s.pending = pending;
                s.refusals = refusals;
                s.last_sync_at = last.map(|t| t.to_rfc3339());
            }
            s.clone()
        }
        Err(_) => return,
    };
    let _ = app.emit("sync-state", snapshot);
}

fn set(state: &AppState, f: impl FnOnce(&mut SyncState)) {
    if let Ok(mut s) = state.sync.lock() {
        f(&mut s);
    }
}

/// One sync now, on a blocking thread; the outcome is also published.
pub async fn sync_once(
    app: &AppHandle,
    state: &State<'_, AppState>,
) -> Result<SyncReport, UiError> {
    let app2 = app.clone();
    let session = state.session.clone();
    set(state, |s| s.syncing = true);
    publish(app, state);
    let result = tauri::async_runtime::spawn_blocking(move || {
        let _ = app2.emit(
            "sync-progress",
            Progress {
                phase: "push",
                done: 0,
                total: 1,
            },
        );
        let r = session.sync(crate::commands::sync_options());
        let _ = app2.emit(
            "sync-progress",
            Progress {
                phase: "pull",
                done: 1,
                total: 1,
            },
        );
        Ok::<_, UiError>(r)
    })
    .await
    .map_err(|e| UiError::internal(e.to_string()))??;
    let answer = record(app, state, result);
    publish(app, state);
    answer
}

/// Fold a sync's outcome into the status bar.
fn record(
    app: &AppHandle,
    state: &AppState,
    result: Result<SyncReport, permitdesk_client::ClientError>,
) -> Result<SyncReport, UiError> {
    match result {
        Ok(r) => {
            let changed = r.pulled.events > 0 || r.refused > 0;
            set(state, |s| {
                s.syncing = false;
                s.login_expired = false;
                s.online = r.offline.is_none();
                s.message = r.offline.clone();
            });
            if changed {
                let _ = app.emit("data-changed", serde_json::json!({}));
            }
            crate::alerts::announce(app, state, r.offline.is_none());
            Ok(r)
        }
        Err(e) => {
            let expired = matches!(
                e,
                ClientError::LoginExpired { .. } | ClientError::NotLoggedIn
            );
            let ui = UiError::from(e);
            set(state, |s| {
                s.syncing = false;
                s.online = false;
                s.login_expired = expired;
                s.message = Some(ui.message.clone());
            });
            Err(ui)
        }
    }
}

/// Start the loop (one blocking thread for the app's lifetime).
pub fn start(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            let state = app.state::<AppState>();
            let logged_in = state
                .session
                .with(|p| p.store().sync_state().ok())
                .is_some_and(|s| s.user.is_some() && s.server_url.is_some());
            // After a 401 only a new login (which clears the mark) syncs again: the message
            // asking for it stays on the status bar meanwhile.
            let expired = state.sync.lock().map(|s| s.login_expired).unwrap_or(false);
            if logged_in && !expired && !state.offline_mode() {
                set(&state, |s| s.syncing = true);
                publish(&app, &state);
                let _ = app.emit(
                    "sync-progress",
                    Progress {
                        phase: "push",
                        done: 0,
                        total: 1,
                    },
                );
                let result = state.session.sync(crate::commands::sync_options());
                let _ = app.emit(
                    "sync-progress",
                    Progress {
                        phase: "pull",
                        done: 1,
                        total: 1,
                    },
                );
                let _ = record(&app, &state, result);
                publish(&app, &state);
            } else {
                publish(&app, &state);
            }
            let unreachable = logged_in
                && !state.offline_mode()
                && state
                    .sync
                    .lock()
                    .map(|s| !s.online && !s.login_expired)
                    .unwrap_or(false);
            let wait = if unreachable { OFFLINE_RETRY } else { INTERVAL };
            let (flag, cv) = &*state.wake;
            let Ok(guard) = flag.lock() else { return };
            let (mut woken, _) = match cv.wait_timeout_while(guard, wait, |w| !*w) {
                Ok(r) => r,
                Err(_) => return,
            };
            *woken = false;
        }
    });
}

//! 桌面提醒: after every sync the shell compares this user's 待办 with the last look and asks
//! the server for notices it has not announced yet ([`permitdesk_client::alerts`] decides and
//! words them); each one is shown as a desktop notification (notification plugin) and sent to
//! the page as a `desk-alert` event (an in-app notice; the page opens the case on a click).

use crate::state::AppState;
use permitdesk_client::alerts::{Alert, DeskSnapshot, desk_alerts, notice_alerts};
use permitdesk_client::{notifications, reads};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::Notification;

/// What was seen last, per user (a new login starts again).
#[derive(Debug, Default)]
pub struct AlertState {
    user: Option<String>,
    desk: Option<DeskSnapshot>,
    /// The server's notices up to here were announced (None: not asked yet in this run).
    cursor: Option<u64>,
}

/// The notices of this sync, and the state for the next one.
fn collect(state: &AppState, online: bool) -> Vec<Alert> {
    let Some((user, todo)) = state.session.with(|p| {
        let user = p.store().sync_state().ok()?.user?;
        let mut todo = reads::my_desk(p, None, reads::DeskList::Todo).ok()?;
        // The notice names the item as people know it (建设工程规划许可证核发), not its code.
        if let Ok(refs) = p.store().reference_set() {
            for e in &mut todo {
                let code = permitdesk_domain::ids::ItemCode::new(e.item.clone());
                if let Some(item) = refs.catalogue.item(&code) {
                    e.item = item.name.clone();
                }
            }
        }
        Some((user.id.to_string(), todo))
    }) else {
        return Vec::new();
    };
    let Ok(mut seen) = state.alerts.lock() else {
        return Vec::new();
    };
    if seen.user.as_deref() != Some(user.as_str()) {
        *seen = AlertState {
            user: Some(user),
            ..AlertState::default()
        };
    }
    let mut out = desk_alerts(seen.desk.as_ref(), &todo);
    seen.desk = Some(DeskSnapshot::of(&todo));
    if online {
        let after = seen.cursor.unwrap_or(0);
        if let Ok((raw, cursor)) = state
            .session
            .online(|t, token| notifications::fetch(t, token, after))
        {
            // The first answer of a run only places the cursor: older notices are in the
            // list (通知), not announced again at every start.
            if seen.cursor.is_some() && !raw.is_empty() {
                let named = state.session.with(|p| notifications::name(p.store(), &raw));
                out.extend(notice_alerts(&named));
            }
            seen.cursor = Some(cursor);
        }
    }
    out
}

/// Announce what this sync brought: desktop notifications and `desk-alert` events.
pub fn announce(app: &AppHandle, state: &AppState, online: bool) {
    let desktop = app.try_state::<Notification<tauri::Wry>>();
    for alert in collect(state, online) {
        // Without a notification service (a bare X server) the desktop notice fails; the
        // in-app notice below still tells the user.
        if let Some(n) = &desktop {
            let _ = n.builder().title(&alert.title).body(&alert.body).show();
        }
        let _ = app.emit("desk-alert", &alert);
    }
}

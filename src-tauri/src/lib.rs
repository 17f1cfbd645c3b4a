//! PermitDesk desktop app (Tauri 2): a window with the Chinese UI of `ui/`, over the profile of
//! `permitdesk-client`. The shell holds no business logic: commands adapt, the client decides.
//!
//! The profile directory is `--profile DIR`, or `$PERMITDESK_PROFILE`, or the platform's app
//! data directory; its key and session token are in the OS keyring.

pub mod alerts;
pub mod commands;
pub mod error;
pub mod startup;
pub mod state;
pub mod sync_loop;

include!("command_names.rs");

use permitdesk_client::Profile;
use permitdesk_client::clock::SystemClock;
use permitdesk_client::credentials::OsKeyring;
use state::AppState;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;

/// The names of the commands the shell exposes (also the permission list).
pub fn command_names() -> &'static [&'static str] {
    &COMMANDS
}

/// The value after `--name` in the arguments, then the environment variable `env`.
fn arg_or_env(name: &str, env: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    std::env::var(env).ok().filter(|v| !v.is_empty())
}

/// `--profile DIR` from the arguments, then `$PERMITDESK_PROFILE`.
fn profile_dir_from_args() -> Option<PathBuf> {
    arg_or_env("--profile", "PERMITDESK_PROFILE").map(PathBuf::from)
}

/// Register every command on a builder (shared by the app and the tests).
#[macro_export]
macro_rules! with_commands {
    ($builder:expr) => {
        $builder.invoke_handler(tauri::generate_handler![
            $crate::commands::session_info,
            $crate::commands::login,
            $crate::commands::remembered_password,
            $crate::commands::logout,
            $crate::commands::status,
            $crate::commands::sync_now,
            $crate::commands::refusals,
            $crate::commands::dismiss_refusal,
            $crate::commands::expired_actions,
            $crate::commands::reconfirm_expired,
            $crate::commands::remove_profile,
            $crate::commands::validate,
            $crate::commands::catalogue,
            $crate::commands::projects,
            $crate::commands::project,
            $crate::commands::register_project,
            $crate::commands::edit_project,
            $crate::commands::submit_project,
            $crate::commands::choose_flow,
            $crate::commands::request_project_correction,
            $crate::commands::add_works,
            $crate::commands::close_project,
            $crate::commands::apply,
            $crate::commands::case_detail,
            $crate::commands::case_act,
            $crate::commands::queue,
            $crate::commands::overview,
            $crate::commands::add_attachment,
            $crate::commands::add_attachment_path,
            $crate::commands::material_library,
            $crate::commands::attachment,
            $crate::commands::document,
            $crate::commands::pdf_pages,
            $crate::commands::verify_certificate,
            $crate::commands::save_document,
            $crate::commands::save_draft,
            $crate::commands::load_draft,
            $crate::commands::drafts,
            $crate::commands::delete_draft,
            $crate::commands::cases,
            $crate::commands::trail,
            $crate::commands::clock_explanation,
            $crate::commands::go_offline,
            $crate::commands::go_online,
            $crate::commands::consultations,
            $crate::commands::compliance_findings,
            $crate::commands::app_info,
            $crate::commands::act_command,
            $crate::commands::evaluations,
            $crate::commands::complaints,
            $crate::commands::statistics,
            $crate::commands::market,
            $crate::commands::commissions,
            $crate::commands::planning_zones,
            $crate::commands::districts,
            $crate::commands::reference_show,
            $crate::commands::reference_import,
            $crate::commands::notifications,
        ])
    };
}

/// WebKitGTK caches like a document viewer, not a browser: no memory cache of resources kept
/// after the page stops using them. The page is one local app; the browser cache model kept
/// every preview's page images (PNG data URLs, decoded) in the web process until memory
/// pressure, which on a PC with plenty of RAM never comes: about 90 MB after a few previews
/// (issue 13, "Memory"; BENCHMARKS.md, "Desktop app memory (issue 13)").
#[cfg(target_os = "linux")]
fn document_viewer_cache(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
    if let Some(context) = webview.inner().context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
}

/// Open the profile and run the app; the exit code says whether it could start.
pub fn run() -> std::process::ExitCode {
    let builder = with_commands!(
        tauri::Builder::default()
            // 另存为 and 选择文件 through the desktop's own dialogs, and desktop notices when
            // work arrives (`alerts`).
            .plugin(tauri_plugin_dialog::init())
            .plugin(tauri_plugin_notification::init())
    )
    .setup(|app| {
        let dir = match profile_dir_from_args() {
            Some(d) => d,
            None => app.path().app_data_dir()?.join("profile"),
        };
        let profile = Profile::open(&dir, Arc::new(OsKeyring::default()), Arc::new(SystemClock))?;
        let mut state = AppState::new(profile).map_err(|e| e.message)?;
        // What the login form offers on a profile that never logged in (scripts/run.sh passes
        // its demo server): `--server URL --fingerprint SHA256`.
        state.login_defaults = state::LoginDefaults {
            server: arg_or_env("--server", "PERMITDESK_SERVER"),
            fingerprint: arg_or_env("--fingerprint", "PERMITDESK_FINGERPRINT"),
        };
        app.manage(state);
        sync_loop::start(app.handle().clone());
        #[cfg(target_os = "linux")]
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.with_webview(document_viewer_cache);
        }
        Ok(())
    });
    match builder.run(tauri::generate_context!()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("PermitDesk 无法启动：{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod reachability;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod ts_bindings;

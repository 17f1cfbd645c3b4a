//! Generates the Tauri context from ../tauri.conf.json (at the repository root) and the
//! permission set of the app's own commands.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(
            tauri_build::AppManifest::new()
                .commands(permitdesk_commands())
                .permissions_path_pattern("src-tauri/permissions/*.toml"),
        )
        .capabilities_path_pattern("src-tauri/capabilities/*.json");
    println!("cargo::rerun-if-changed=src-tauri/permissions");
    if let Err(e) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri build script failed: {e:#}");
    }
}

/// Every command the shell exposes; `permissions/app.toml` grants them to the main window.
fn permitdesk_commands() -> &'static [&'static str] {
    &COMMANDS
}

include!("src/command_names.rs");

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    prepare_environment();
    permitdesk_desktop::run()
}

/// The environment GTK and WebKit must start with (no GPU compositing, native dialogs in
/// Chinese; `permitdesk_desktop::startup` says why): the process replaces itself (same pid and
/// arguments) with the changes applied, since the environment may only be changed safely before
/// the process starts. Nothing to change, nothing done; if the exec fails, the app runs as it is.
#[cfg(target_os = "linux")]
fn prepare_environment() {
    use std::os::unix::process::CommandExt;
    let locales = || {
        std::process::Command::new("locale")
            .arg("-a")
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let changes =
        permitdesk_desktop::startup::linux_env_changes(|k| std::env::var(k).ok(), locales);
    if changes.is_empty() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    command.args(args);
    for (key, value) in changes {
        match value {
            Some(v) => command.env(key, v),
            None => command.env_remove(key),
        };
    }
    // The re-executed process finds its own changes made and changes nothing more.
    let error = command.exec();
    eprintln!("PermitDesk：未能按所需环境重新启动（{error}），按当前环境继续运行");
}

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    without_gpu_compositing();
    permitdesk_desktop::run()
}

/// WebKitGTK draws the page without GPU compositing (`WEBKIT_DISABLE_COMPOSITING_MODE=1`, the
/// hardware acceleration policy "never"): the web process then needs no OpenGL, which on a PC
/// without a usable GPU (a virtual machine, Xvfb) means Mesa's llvmpipe, and it took 100 MB
/// more after login and 310 MB more after five PDF previews (issue 13, "Memory";
/// BENCHMARKS.md, "Desktop app memory (issue 13)").
///
/// WebKit reads the variable when it starts, and the environment may only be changed safely
/// before the process starts: so the process replaces itself (same pid and arguments) with the
/// variable set. A user who chose either way (`WEBKIT_DISABLE_COMPOSITING_MODE=0`,
/// `WEBKIT_FORCE_COMPOSITING_MODE=1`) is left alone; if the exec fails, the app runs as it is.
/// So is an app driven by WebDriver (tauri-driver sets `TAURI_WEBVIEW_AUTOMATION`): without
/// compositing, WebKitGTK 2.50 never answers a WebDriver screenshot, which the end-to-end test
/// takes of every screen; tests/desktop_memory.rs sets the variable itself, as here.
#[cfg(target_os = "linux")]
fn without_gpu_compositing() {
    use std::os::unix::process::CommandExt;
    const DISABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(DISABLE).is_some()
        || std::env::var_os("WEBKIT_FORCE_COMPOSITING_MODE").is_some()
        || std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_some()
    {
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
    let error = command.args(args).env(DISABLE, "1").exec();
    eprintln!("PermitDesk：未能以软件渲染方式重新启动（{error}），继续使用硬件加速");
}

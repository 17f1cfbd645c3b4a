//! What the process environment of the app must hold before GTK and WebKit start, decided from
//! the environment it was started with (pure, so it is tested as a table). `main.rs` applies the
//! answer by re-executing itself: the environment may only be changed safely before the process
//! starts threads, and WebKit and GTK read it when they start.

/// One change to the environment: set (`Some`) or remove (`None`) a variable.
pub type EnvChange = (&'static str, Option<String>);

/// glibc's limit on malloc arenas.
pub const ARENAS: &str = "MALLOC_ARENA_MAX";

/// The changes for Linux, given a variable lookup and the locales the C library has
/// (`locale -a`, asked only when the messages are not Chinese already: a Chinese session, and
/// the re-executed process, start no extra process).
///
/// - **No GPU compositing** (`WEBKIT_DISABLE_COMPOSITING_MODE=1`): WebKitGTK then needs no
///   OpenGL, which on a PC without a usable GPU (a virtual machine, Xvfb) means Mesa's llvmpipe;
///   it took 100 MB more after login and 310 MB more after five PDF previews (issue 13,
///   "Memory"; BENCHMARKS.md). A user who chose either way (`WEBKIT_DISABLE_COMPOSITING_MODE`,
///   `WEBKIT_FORCE_COMPOSITING_MODE`) is left alone.
/// - **Two malloc arenas** (`MALLOC_ARENA_MAX=2`): glibc gives every thread that allocates its
///   own arena and keeps what was freed there; the papers and page images are made on the
///   blocking threads, and after twenty previews the app held about 25 MB more in arenas than
///   with two (BENCHMARKS.md, "Desktop app memory (issue 13)"). Left alone when the user set it
///   or tunes glibc (`GLIBC_TUNABLES`).
/// - **Native dialogs in Chinese**: the file dialogs and their buttons come from GTK, which
///   translates by the locale's messages category. A PC whose session is not Chinese (or a
///   service account with `C.UTF-8`) showed 取消/保存 as Cancel/Save in an otherwise Chinese
///   app; so unless the messages are Chinese already, they are set to `zh_CN.UTF-8` when the C
///   library has that locale (without it GTK would fall back to English anyway). Only the
///   messages change: dates and numbers keep the user's locale (an `LC_ALL` that would override
///   the messages becomes `LANG`).
///
/// An app driven by WebDriver (`TAURI_WEBVIEW_AUTOMATION`) changes nothing: the tests set what
/// they need (without compositing WebKitGTK 2.50 never answers a WebDriver screenshot, which the
/// end-to-end test takes of every screen).
pub fn linux_env_changes(
    var: impl Fn(&str) -> Option<String>,
    locales: impl FnOnce() -> Vec<String>,
) -> Vec<EnvChange> {
    let mut changes = Vec::new();
    // Driven by WebDriver (the end-to-end tests): the test's own environment, no exec under it.
    if var("TAURI_WEBVIEW_AUTOMATION").is_some() {
        return changes;
    }
    const DISABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if var(DISABLE).is_none() && var("WEBKIT_FORCE_COMPOSITING_MODE").is_none() {
        changes.push((DISABLE, Some("1".to_string())));
    }
    if var(ARENAS).is_none() && var("GLIBC_TUNABLES").is_none() {
        changes.push((ARENAS, Some("2".to_string())));
    }
    // The locale the messages category resolves to, as the C library resolves it.
    let nonempty = |k: &str| var(k).filter(|v| !v.is_empty());
    let messages = nonempty("LC_ALL")
        .or_else(|| nonempty("LC_MESSAGES"))
        .or_else(|| nonempty("LANG"))
        .unwrap_or_else(|| "C".to_string());
    if messages.starts_with("zh_") {
        return changes;
    }
    let installed = locales().into_iter().find(|l| {
        matches!(
            l.to_ascii_lowercase().as_str(),
            "zh_cn.utf8" | "zh_cn.utf-8"
        )
    });
    if let Some(zh) = installed {
        if let Some(all) = nonempty("LC_ALL") {
            changes.push(("LC_ALL", None));
            changes.push(("LANG", Some(all)));
        }
        changes.push(("LC_MESSAGES", Some(zh)));
        changes.push(("LANGUAGE", Some("zh_CN:zh".to_string())));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(env: &[(&str, &str)], locales: &[&str]) -> Vec<EnvChange> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let locales: Vec<String> = locales.iter().map(|l| l.to_string()).collect();
        linux_env_changes(
            |k| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()),
            || locales,
        )
    }

    const ZH: &[&str] = &["C", "C.utf8", "POSIX", "zh_CN.utf8"];
    const NO_ZH: &[&str] = &["C", "C.utf8", "POSIX", "en_US.utf8"];

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn the_environment_is_decided_from_what_the_user_set_and_the_installed_locales() {
        let compositing = ("WEBKIT_DISABLE_COMPOSITING_MODE", s("1"));
        let arenas = ("MALLOC_ARENA_MAX", s("2"));
        let messages = ("LC_MESSAGES", s("zh_CN.utf8"));
        let language = ("LANGUAGE", s("zh_CN:zh"));
        /// (what, the environment, the installed locales, the expected changes)
        type Row<'a> = (
            &'a str,
            Vec<(&'a str, &'a str)>,
            &'a [&'a str],
            Vec<EnvChange>,
        );
        let table: Vec<Row> = vec![
            (
                "a bare session",
                vec![],
                ZH,
                vec![
                    compositing.clone(),
                    arenas.clone(),
                    messages.clone(),
                    language.clone(),
                ],
            ),
            (
                "English session: messages only",
                vec![("LANG", "en_US.UTF-8")],
                ZH,
                vec![
                    compositing.clone(),
                    arenas.clone(),
                    messages.clone(),
                    language.clone(),
                ],
            ),
            (
                "LC_ALL would override the messages: it becomes LANG",
                vec![("LC_ALL", "C.UTF-8")],
                ZH,
                vec![
                    compositing.clone(),
                    arenas.clone(),
                    ("LC_ALL", None),
                    ("LANG", s("C.UTF-8")),
                    messages.clone(),
                    language.clone(),
                ],
            ),
            (
                "a Chinese session is left alone",
                vec![("LANG", "zh_CN.UTF-8")],
                ZH,
                vec![compositing.clone(), arenas.clone()],
            ),
            (
                "Chinese messages in an English session are left alone",
                vec![("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_TW.UTF-8")],
                ZH,
                vec![compositing.clone(), arenas.clone()],
            ),
            (
                "no Chinese locale installed: nothing to gain",
                vec![],
                NO_ZH,
                vec![compositing.clone(), arenas.clone()],
            ),
            (
                "the user chose compositing",
                vec![
                    ("WEBKIT_FORCE_COMPOSITING_MODE", "1"),
                    ("LANG", "zh_CN.UTF-8"),
                ],
                ZH,
                vec![arenas.clone()],
            ),
            (
                "the user chose no compositing",
                vec![
                    ("WEBKIT_DISABLE_COMPOSITING_MODE", "0"),
                    ("LANG", "zh_CN.UTF-8"),
                ],
                ZH,
                vec![arenas.clone()],
            ),
            (
                "the user set the arenas, or tunes glibc",
                vec![("MALLOC_ARENA_MAX", "8"), ("LANG", "zh_CN.UTF-8")],
                ZH,
                vec![compositing.clone()],
            ),
            (
                "glibc tunables",
                vec![
                    ("GLIBC_TUNABLES", "glibc.malloc.arena_max=4"),
                    ("LANG", "zh_CN.UTF-8"),
                ],
                ZH,
                vec![compositing.clone()],
            ),
            (
                "driven by WebDriver: the test's environment as it is",
                vec![("TAURI_WEBVIEW_AUTOMATION", "true")],
                ZH,
                vec![],
            ),
        ];
        for (name, env, locales, expected) in table {
            assert_eq!(changes(&env, locales), expected, "{name}");
        }
    }

    #[test]
    fn a_chinese_session_does_not_ask_for_the_locales() {
        let asked = std::cell::Cell::new(false);
        let lang = |k: &str| (k == "LANG").then(|| "zh_CN.UTF-8".to_string());
        let ask = || {
            asked.set(true);
            Vec::new()
        };
        linux_env_changes(lang, ask);
        assert!(!asked.get());
        linux_env_changes(
            |_| None,
            || {
                asked.set(true);
                Vec::new()
            },
        );
        assert!(asked.get(), "an English session asks");
    }
}

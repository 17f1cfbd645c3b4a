//! Output and errors of the command line: human text or `--json`, and the exit codes
//! (0 ok, 1 the thing checked is invalid, 2 bad input to the command itself).

use serde::Serialize;
use std::fmt::Display;
use std::io::Write;

/// Write to stdout without panicking when the reader went away (`permitdesk status | head`):
/// a closed pipe ends the output quietly, as for any Unix tool.
pub fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("无法输出：{e}");
    }
}

/// Why a command failed, and so which exit code it gets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments are wrong (malformed time, a pause ending before it starts, ...): exit 2.
    #[error("{0}")]
    Usage(String),
    /// The command ran, and what it checked is invalid (a catalogue with errors, a bad code): exit 1.
    #[error("{0}")]
    Invalid(String),
    /// Reading or writing a file failed: exit 1.
    #[error("{0}")]
    Io(String),
    /// A check failed and its reason was already printed: exit 1, nothing more to say.
    #[error("校验未通过")]
    Checked,
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Invalid(_) | CliError::Io(_) | CliError::Checked => 1,
        }
    }

    pub fn usage(e: impl Display) -> Self {
        CliError::Usage(e.to_string())
    }

    pub fn io(path: &std::path::Path, e: impl Display) -> Self {
        CliError::Io(format!("{}: {e}", path.display()))
    }
}

/// Where results go: pretty text for people, JSON for scripts.
pub struct Output {
    pub json: bool,
}

impl Output {
    /// Print a result: its JSON form with `--json`, otherwise the text.
    pub fn print<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> Result<(), CliError> {
        if self.json {
            let s = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::Invalid(format!("无法输出 JSON：{e}")))?;
            say(&s);
        } else {
            let t = text();
            if !t.is_empty() {
                say(t.trim_end());
            }
        }
        Ok(())
    }

    /// Errors go to stderr as one line per problem; with `--json` also as a JSON object on stdout.
    pub fn error(&self, e: &CliError) {
        if matches!(e, CliError::Checked) {
            return;
        }
        if self.json {
            let kind = match e {
                CliError::Usage(_) => "usage",
                CliError::Invalid(_) => "invalid",
                CliError::Io(_) => "io",
                CliError::Checked => "invalid",
            };
            println!(
                "{}",
                serde_json::json!({ "error": kind, "message": e.to_string() })
            );
        }
        eprintln!("错误：{e}");
    }
}

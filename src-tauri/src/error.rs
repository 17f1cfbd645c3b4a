//! The error every command rejects with: a code the UI can branch on, a message in Chinese to
//! show, and the field it is about (so the UI puts it next to what the user typed).

use permitdesk_client::ClientError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UiError {
    /// `offline`, `refused`, `invalid`, `not_logged_in`, `not_found`, `io`, `credentials`,
    /// `pinning`, `server`, `internal`.
    #[cfg_attr(test, ts(as = "ErrorCode"))]
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

/// The values of [`UiError::code`], for the UI's TypeScript (`ErrorCode`).
#[cfg(test)]
#[derive(ts_rs::TS)]
#[ts(rename_all = "snake_case")]
#[allow(dead_code)]
enum ErrorCode {
    Offline,
    Refused,
    Invalid,
    NotLoggedIn,
    NotFound,
    Io,
    Credentials,
    Pinning,
    Server,
    Internal,
}

impl UiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        UiError {
            code: "invalid",
            message: message.into(),
            field: None,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        UiError {
            code: "internal",
            message: message.into(),
            field: None,
        }
    }

    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<permitdesk_client::credentials::CredentialError> for UiError {
    fn from(e: permitdesk_client::credentials::CredentialError) -> Self {
        UiError::from(ClientError::from(e))
    }
}

/// A wrong value in a form, shown next to its field.
impl From<permitdesk_client::ops::InputError> for UiError {
    fn from(e: permitdesk_client::ops::InputError) -> Self {
        UiError::invalid(e.message).on(e.field)
    }
}

impl From<ClientError> for UiError {
    fn from(e: ClientError) -> Self {
        let code = match &e {
            ClientError::Offline(_) => "offline",
            ClientError::Refused(_) => "refused",
            ClientError::Invalid(_) => "invalid",
            ClientError::NotLoggedIn | ClientError::LoginExpired { .. } => "not_logged_in",
            ClientError::NotFound { .. } => "not_found",
            ClientError::Io { .. } => "io",
            ClientError::Credentials(_) => "credentials",
            ClientError::Pinning(_) => "pinning",
            ClientError::Api(_) | ClientError::Protocol(_) | ClientError::BadReference { .. } => {
                "server"
            }
            ClientError::Store(_)
            | ClientError::WrongKey { .. }
            | ClientError::Corrupt(_)
            | ClientError::SchemaTooNew { .. }
            | ClientError::TrailBroken { .. } => "internal",
        };
        let message = match &e {
            ClientError::NotLoggedIn => "尚未登录或登录已过期，请重新登录".to_owned(),
            other => other.to_string(),
        };
        UiError {
            code,
            message,
            field: None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_map_to_codes_the_ui_branches_on() {
        let cases = [
            (ClientError::Offline("连接被拒绝".into()), "offline"),
            (
                ClientError::Refused("办件当前状态不允许受理".into()),
                "refused",
            ),
            (ClientError::NotLoggedIn, "not_logged_in"),
            (
                ClientError::NotFound {
                    what: "办件",
                    id: "C-1".into(),
                },
                "not_found",
            ),
            (ClientError::Pinning("指纹不符".into()), "pinning"),
            (
                ClientError::Invalid("有效期应为 YYYY-MM-DD".into()),
                "invalid",
            ),
        ];
        for (e, code) in cases {
            let text = e.to_string();
            let ui = UiError::from(e);
            assert_eq!(ui.code, code);
            if code != "not_logged_in" {
                assert_eq!(ui.message, text);
            }
        }
        let json = serde_json::to_value(UiError::invalid("项目代码应为24位").on("code")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid", "message": "项目代码应为24位", "field": "code"})
        );
    }
}

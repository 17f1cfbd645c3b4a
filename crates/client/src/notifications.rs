//! 系统通知: what the server announced about the entities this user may see: deadlines that
//! turn yellow or red, deadlines moved by a new holiday table (from what to what), deemed
//! consent, a case's arrival at a review level (sent to its reviewers by SMS too). Read online; each notice is put in one Chinese sentence here, so the CLI and the
//! desktop app say the same.

use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::{EntityRef, Notification};
use serde::Serialize;
use serde_json::Value;

/// One notice as a user reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationView {
    pub id: u64,
    /// `case:C-1`, `consultation:K-1`...
    pub entity: String,
    /// `deadline_moved`, `warning`, `deemed_consent`...
    pub kind: String,
    /// The sentence shown, e.g. 办件 C-1：办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）.
    pub message: String,
    /// Beijing time, `YYYY-MM-DDTHH:MM`.
    pub at: String,
    pub payload: Value,
}

/// The notices after `after` (0: all), oldest first, and the cursor to pass next time.
pub fn notifications(p: &Profile, after: u64) -> Result<(Vec<NotificationView>, u64)> {
    let (raw, cursor) = fetch(&p.transport()?, &p.token()?, after)?;
    Ok((name(p.store(), &raw), cursor))
}

/// The server's notices through a transport and token already at hand (the desktop's session
/// asks without holding the profile); [`name`] words them.
pub fn fetch(
    t: &crate::transport::http::HttpTransport,
    token: &str,
    after: u64,
) -> Result<(Vec<Notification>, u64)> {
    let answer = t.notifications(token, after)?;
    Ok((answer.notifications, answer.cursor))
}

/// Word the notices, each case by its 办件编号 from the local store (待编号 before the
/// server's number arrived); an entity the store does not hold keeps its key.
pub fn name(store: &Store, notices: &[Notification]) -> Vec<NotificationView> {
    notices
        .iter()
        .map(|n| {
            let label = match &n.entity {
                EntityRef::Case(id) => store
                    .case(id)
                    .ok()
                    .flatten()
                    .map(|c| c.number_label().to_owned()),
                _ => None,
            };
            view_as(n, label.as_deref())
        })
        .collect()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| match x {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}

fn level_label(level: Option<String>) -> &'static str {
    match level.as_deref() {
        Some("due_soon") => "即将到期",
        Some("overdue") => "已超期",
        _ => "时限提醒",
    }
}

/// The sentence of one notice, its entity named by its key.
pub fn view(n: &Notification) -> NotificationView {
    view_as(n, None)
}

/// The sentence of one notice, its entity named `label` (a case's 办件编号) when given.
pub fn view_as(n: &Notification, label: Option<&str>) -> NotificationView {
    let p = &n.payload;
    let what = match n.entity.kind() {
        "case" => "办件",
        "consultation" => "联合会商",
        "commission" => "中介服务委托",
        "evaluation" => "差评整改",
        "complaint" => "投诉",
        _ => "事项",
    };
    let key = n.entity.key();
    let id = label.unwrap_or_else(|| key.split_once(':').map_or(key.as_str(), |(_, i)| i));
    let message = match n.kind.as_str() {
        "deadline_moved" => format!(
            "{what} {id}：{}",
            text(p, "message").unwrap_or_else(|| "办理期限已随节假日安排更新".to_owned())
        ),
        "warning" => format!(
            "{what} {id}{}，期限 {}",
            level_label(text(p, "level")),
            text(p, "deadline").unwrap_or_else(|| "—".to_owned())
        ),
        // 新的待办 (`permitdesk_server::sms`): recorded with the reviewers' SMS.
        "new_work" => format!(
            "{what} {id}：已进入“{}”审查，期限 {}",
            text(p, "level").unwrap_or_default(),
            text(p, "deadline").unwrap_or_else(|| "—".to_owned())
        ),
        "deemed_consent" => format!(
            "{what} {id}：{} 逾期未回复，视为同意（期限 {}）",
            text(p, "department").unwrap_or_default(),
            text(p, "deadline").unwrap_or_default()
        ),
        other => format!("{what} {id}：{other}"),
    };
    NotificationView {
        id: n.id,
        entity: n.entity.key(),
        kind: n.kind.clone(),
        message,
        at: format_minute(to_local(n.created_at)),
        payload: n.payload.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use permitdesk_domain::ids::CaseId;

    fn n(kind: &str, payload: Value) -> Notification {
        Notification {
            id: 7,
            entity: EntityRef::Case(CaseId::new("C-1")),
            kind: kind.to_owned(),
            payload,
            created_at: DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn each_kind_reads_as_one_chinese_sentence() {
        let moved = view(&n(
            "deadline_moved",
            serde_json::json!({"message": "办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）"}),
        ));
        assert_eq!(
            moved.message,
            "办件 C-1：办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）"
        );
        assert_eq!(moved.entity, "case:C-1");
        let warning = view(&n(
            "warning",
            serde_json::json!({"level": "overdue", "deadline": "2027-01-04T17:00"}),
        ));
        assert_eq!(warning.message, "办件 C-1已超期，期限 2027-01-04T17:00");
        assert_eq!(warning.at, "2027-01-15T16:00");
        let named = view_as(
            &n(
                "warning",
                serde_json::json!({"level": "due_soon", "deadline": "2027-01-04T17:00"}),
            ),
            Some("2026-ZGJ-000001"),
        );
        assert_eq!(
            named.message,
            "办件 2026-ZGJ-000001即将到期，期限 2027-01-04T17:00"
        );
        let arrived = view(&n(
            "new_work",
            serde_json::json!({"level": "审核", "deadline": "2027-01-04T17:00"}),
        ));
        assert_eq!(
            arrived.message,
            "办件 C-1：已进入“审核”审查，期限 2027-01-04T17:00"
        );
    }
}

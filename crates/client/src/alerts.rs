//! 桌面提醒: what deserves a desktop notice after a sync. Two sources:
//! - the desk: a case that entered this user's 待办, or whose next step there changed (new work
//!   at the window or a reviewer's level; a case sent back to the applicant for 补正 or 整改);
//! - the server's notices (时限提醒 when a deadline turns yellow or red, 期限调整, 视为同意) not
//!   yet announced.
//!
//! Pure: the desktop shell keeps the last [`DeskSnapshot`] and cursor, and shows the answers with
//! the notification plugin; the wording is here so every client says the same.

use crate::notifications::NotificationView;
use crate::reads::QueueEntry;
use permitdesk_domain::ids::CaseId;
use serde::Serialize;
use std::collections::HashMap;

/// At most this many notices at once; the rest are summed up in one more.
pub const MAX_AT_ONCE: usize = 4;

/// What the 待办 list held at the last look: each case and what was expected of this user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskSnapshot {
    todo: HashMap<CaseId, Option<String>>,
}

impl DeskSnapshot {
    pub fn of(todo: &[QueueEntry]) -> DeskSnapshot {
        DeskSnapshot {
            todo: todo
                .iter()
                .map(|e| (e.case.clone(), e.next_action.clone()))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.todo.len()
    }

    pub fn is_empty(&self) -> bool {
        self.todo.is_empty()
    }
}

/// One desktop notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Alert {
    /// 新的待办, 待办提醒, 时限提醒, 期限调整, 视为同意, 系统通知.
    pub title: String,
    pub body: String,
    /// The case the notice is about, when it is one (the app opens it on a click).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub case: Option<CaseId>,
}

fn describe(e: &QueueEntry) -> String {
    let what = [e.project_name.as_str(), e.item.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let step = e.next_action.as_deref().unwrap_or("请查看");
    if what.is_empty() {
        format!("办件 {}：{step}", e.number)
    } else {
        format!("办件 {}（{what}）：{step}", e.number)
    }
}

/// Keep `MAX_AT_ONCE` notices and sum the rest up as "另有 N …".
fn capped(mut alerts: Vec<Alert>, title: &str, rest: &str) -> Vec<Alert> {
    if alerts.len() > MAX_AT_ONCE {
        let more = alerts.len() - MAX_AT_ONCE;
        alerts.truncate(MAX_AT_ONCE);
        alerts.push(Alert {
            title: title.to_owned(),
            body: format!("另有 {more} {rest}"),
            case: None,
        });
    }
    alerts
}

/// The notices of the desk: on the first look (`before` None, the app just started or logged
/// in) one summary of the 待办 list when it is not empty; then one notice per case that entered
/// the list or whose next step changed, in the list's order (most urgent first).
pub fn desk_alerts(before: Option<&DeskSnapshot>, todo: &[QueueEntry]) -> Vec<Alert> {
    let Some(before) = before else {
        return match todo.len() {
            0 => Vec::new(),
            n => vec![Alert {
                title: "待办提醒".to_owned(),
                body: format!("您有 {n} 件待办"),
                case: None,
            }],
        };
    };
    let new: Vec<Alert> = todo
        .iter()
        .filter(|e| before.todo.get(&e.case) != Some(&e.next_action))
        .map(|e| Alert {
            title: "新的待办".to_owned(),
            body: describe(e),
            case: Some(e.case.clone()),
        })
        .collect();
    capped(new, "新的待办", "件新的待办，请到 待办 列表查看")
}

/// The notices of the server not yet announced (oldest first, as the server lists them);
/// a case's arrival at a review level (`new_work`) is left to [`desk_alerts`], which already
/// announces the new 待办 of the user it concerns.
pub fn notice_alerts(notices: &[NotificationView]) -> Vec<Alert> {
    let alerts = notices
        .iter()
        .filter(|n| n.kind != "new_work")
        .map(|n| Alert {
            title: match n.kind.as_str() {
                "warning" => "时限提醒",
                "deadline_moved" => "期限调整",
                "deemed_consent" => "视为同意",
                _ => "系统通知",
            }
            .to_owned(),
            body: n.message.clone(),
            case: n
                .entity
                .strip_prefix("case:")
                .map(|id| CaseId::new(id.to_owned())),
        })
        .collect();
    capped(alerts, "系统通知", "条系统通知，请在 通知 中查看")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use permitdesk_domain::case::CaseState;
    use permitdesk_domain::ids::ProjectId;

    fn entry(case: &str, number: &str, next: Option<&str>) -> QueueEntry {
        QueueEntry {
            case: CaseId::new(case),
            number: number.to_owned(),
            project: ProjectId::new("P-1"),
            project_name: "松北区示范学校教学楼".to_owned(),
            applicant_name: "哈尔滨示范建设有限公司".to_owned(),
            item: "建设工程规划许可证核发".to_owned(),
            department: "ZGJ".to_owned(),
            state: CaseState::InReview,
            state_label: "审查中",
            received_at: None,
            next_action: next.map(str::to_owned),
            deadline: None,
            level: None,
            used_working_days: None,
            remaining_working_days: None,
            provisional: None,
            clock_error: None,
            pending_local: false,
        }
    }

    #[test]
    fn the_desk_announces_what_entered_the_list_or_changed_step() {
        let a = entry("C-1", "2026-ZGJ-000001", Some("层级审批：经办人"));
        let b = entry("C-2", "2026-ZGJ-000002", Some("接件"));
        // (before, now, expected bodies)
        // (the 待办 list before, now, the notices expected)
        type Row = (Option<Vec<QueueEntry>>, Vec<QueueEntry>, Vec<&'static str>);
        let table: Vec<Row> = vec![
            // First look: a summary, or nothing on an empty desk.
            (None, vec![a.clone(), b.clone()], vec!["您有 2 件待办"]),
            (None, vec![], vec![]),
            // Nothing new: nothing said.
            (Some(vec![a.clone()]), vec![a.clone()], vec![]),
            // A case arrived.
            (
                Some(vec![a.clone()]),
                vec![a.clone(), b.clone()],
                vec!["办件 2026-ZGJ-000002（松北区示范学校教学楼 · 建设工程规划许可证核发）：接件"],
            ),
            // The next level's turn on a case already listed.
            (
                Some(vec![a.clone()]),
                vec![entry("C-1", "2026-ZGJ-000001", Some("层级审批：科长"))],
                vec![
                    "办件 2026-ZGJ-000001（松北区示范学校教学楼 · 建设工程规划许可证核发）：层级审批：科长",
                ],
            ),
            // A case that left the list is not announced.
            (Some(vec![a.clone(), b.clone()]), vec![a.clone()], vec![]),
        ];
        for (before, now, expected) in table {
            let snapshot = before.as_deref().map(DeskSnapshot::of);
            let got: Vec<String> = desk_alerts(snapshot.as_ref(), &now)
                .into_iter()
                .map(|a| a.body)
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn many_at_once_are_summed_up() {
        let now: Vec<QueueEntry> = (1..=7)
            .map(|i| {
                entry(
                    &format!("C-{i}"),
                    &format!("2026-ZGJ-00000{i}"),
                    Some("接件"),
                )
            })
            .collect();
        let alerts = desk_alerts(Some(&DeskSnapshot::default()), &now);
        assert_eq!(alerts.len(), MAX_AT_ONCE + 1);
        assert_eq!(alerts[0].case, Some(CaseId::new("C-1")));
        assert_eq!(
            alerts[MAX_AT_ONCE].body,
            "另有 3 件新的待办，请到 待办 列表查看"
        );
        assert_eq!(alerts[MAX_AT_ONCE].case, None);
    }

    #[test]
    fn server_notices_keep_their_sentence_and_case() {
        let n = |kind: &str, entity: &str| NotificationView {
            id: 1,
            entity: entity.to_owned(),
            kind: kind.to_owned(),
            message: format!("{kind} 的一句话"),
            at: "2026-12-07T09:00".to_owned(),
            payload: serde_json::Value::Null,
        };
        let alerts = notice_alerts(&[
            n("warning", "case:C-1"),
            n("deadline_moved", "case:C-2"),
            n("deemed_consent", "consultation:K-1"),
            n("new_work", "case:C-4"),
            n("other", "case:C-3"),
        ]);
        let titles: Vec<&str> = alerts.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            ["时限提醒", "期限调整", "视为同意", "系统通知"],
            "an arrival at a review level is the desk's own notice"
        );
        assert_eq!(alerts[0].body, "warning 的一句话");
        assert_eq!(alerts[1].case, Some(CaseId::new("C-2")));
        assert_eq!(alerts[2].case, None);
    }
}

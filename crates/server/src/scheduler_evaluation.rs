//! Warning levels of what a department owes after 网上互动 (issue 7), on the scheduler's
//! exactly-once key table: an open 差评整改 and an assigned 建议投诉 whose answer is due.
//!
//! `due_soon` once the last working day before the deadline has begun (the deadline of
//! `limit - 1` working days has passed), `overdue` once the deadline has passed. Keys:
//! `warning:evaluation:ID:LEVEL:DEADLINE` and `warning:complaint:ID:LEVEL:DEADLINE`: a
//! re-assignment with a new deadline makes a new key.

use crate::error::StoreError;
use crate::scheduler::{record_warning, stored_entities};
use crate::state::AppState;
use crate::store::ScheduledAction;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::evaluation::{Complaint, Evaluation};
use permitdesk_domain::ids::DepartmentCode;
use permitdesk_domain::time::{LocalTime, Timestamp, format_minute, to_local};
use serde_json::json;

/// The warning level at `now` of something opened at `opened` with `limit` working days.
fn level(
    clock: &LegalClock<'_>,
    opened: Timestamp,
    limit: u32,
    now: LocalTime,
) -> Option<(&'static str, LocalTime)> {
    let deadline = clock.deadline(to_local(opened), limit).ok()?;
    if now > deadline {
        return Some(("overdue", deadline));
    }
    let last_day = limit
        .checked_sub(1)
        .filter(|d| *d > 0)
        .and_then(|d| clock.deadline(to_local(opened), d).ok());
    match last_day {
        Some(t) if now > t => Some(("due_soon", deadline)),
        _ => None,
    }
}

struct Owed {
    entity_key: String,
    id: String,
    department: DepartmentCode,
    opened: Timestamp,
    limit: u32,
}

/// One pass over open rectifications and assigned complaints. Returns how many warnings
/// this call recorded.
pub async fn overdue_pass(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let reference = state.reference_in_force().await?;
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let mut owed = Vec::new();
    for e in stored_entities::<Evaluation>(state, true).await? {
        // An appeal under review does not stop the rectification clock.
        if let Some(r) = e.rectification.as_ref().filter(|r| r.status.is_open()) {
            owed.push(Owed {
                entity_key: format!("evaluation:{}", e.id),
                id: e.id.to_string(),
                department: r.department.clone(),
                opened: r.opened_at,
                limit: r.limit_working_days,
            });
        }
    }
    for c in stored_entities::<Complaint>(state, true).await? {
        if let Some(a) = c.assignments.last() {
            owed.push(Owed {
                entity_key: format!("complaint:{}", c.id),
                id: c.id.to_string(),
                department: a.department.clone(),
                opened: a.at,
                limit: a.limit_working_days,
            });
        }
    }
    let mut ran = 0;
    for o in owed {
        let Some((lvl, deadline)) = level(&clock, o.opened, o.limit, to_local(now)) else {
            continue;
        };
        let deadline = format_minute(deadline);
        let action = ScheduledAction {
            key: format!("warning:{}:{lvl}:{deadline}", o.entity_key),
            kind: "warning".to_owned(),
            entity_key: o.entity_key.clone(),
            notification: json!({
                "level": lvl,
                "entity": o.id,
                "department": o.department,
                "deadline": deadline,
            }),
        };
        ran += record_warning(state, &action, now).await?;
    }
    Ok(ran)
}

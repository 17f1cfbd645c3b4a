//! Warning levels of 中介服务委托 whose service clock runs (issue 6, seed 9), on the
//! scheduler's exactly-once key table, like [`crate::scheduler_evaluation`].
//!
//! The service clock is the domain's (`Commission::clock_input`: from the agency's acceptance,
//! the service's time limit in working days, stopped while a report waits for the applicant or
//! an expert review) read by the legal clock: `due_soon` and `overdue` as for cases. Keys:
//! `warning:commission:ID:LEVEL:DEADLINE`, so a deadline moved by a stop makes a new key, and
//! one level at one deadline is recorded once however many server processes run.

use crate::error::StoreError;
use crate::scheduler::{level_name, record_warning, stored_entities};
use crate::state::AppState;
use crate::store::ScheduledAction;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::intermediary::Commission;
use permitdesk_domain::time::{format_minute, to_local};
use serde_json::json;

/// One pass over the commissions in service or in revision. Returns how many warnings this
/// call recorded.
pub async fn overdue_pass(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let reference = state.reference_in_force().await?;
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let mut ran = 0;
    for c in stored_entities::<Commission>(state, true).await? {
        let Some(input) = c.clock_input() else {
            continue;
        };
        let reading = match clock.evaluate(&input, to_local(now)) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(commission = %c.id, error = %e, "service clock failed; skipped");
                continue;
            }
        };
        let Some(level) = level_name(reading.level) else {
            continue;
        };
        let Some(deadline) = reading.deadline.map(format_minute) else {
            continue;
        };
        let entity_key = format!("commission:{}", c.id);
        let action = ScheduledAction {
            key: format!("warning:{entity_key}:{level}:{deadline}"),
            kind: "warning".to_owned(),
            entity_key: entity_key.clone(),
            notification: json!({
                "level": level,
                "entity": c.id,
                "agency": c.agency,
                "department": c.terms.competent_department,
                "deadline": deadline,
            }),
        };
        ran += record_warning(state, &action, now).await?;
    }
    Ok(ran)
}

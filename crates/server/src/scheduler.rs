//! 定时任务: deadline-driven actions, each run exactly once even with several server
//! processes on one database. For now: a case's warning level turning due-soon or overdue is
//! recorded as a system notification; issue 6 adds deemed consent on the same key table.
//!
//! Exactly once comes from the `scheduled_actions` table: an action's key (e.g.
//! `warning:case:C-1:due_soon:20`) is inserted in the same transaction as the action's effect,
//! and the key is the primary key, so a second process's insert finds it and does nothing.
//! The key carries the working-day limit, so an extension (延期) that re-opens a level makes a
//! new key; for deemed consent the key will be `deemed_consent:case:ID`.

use crate::error::StoreError;
use crate::http::AppState;
use crate::metrics::Metrics;
use crate::store::ScheduledAction;
use permitdesk_domain::case::Case;
use permitdesk_domain::clock::{LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::time::{format_minute, to_local};
use serde_json::json;
use tokio::task::JoinHandle;

/// One pass over every case whose clock runs: returns how many actions this call ran.
pub async fn tick(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let clock = LegalClock::new(&state.calendar, OfficeHours::default());
    let mut ran = 0;
    for events in state.store.cases_under_clock().await? {
        let case = match Case::replay(events.iter()) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "a stored case does not replay; skipped by the scheduler");
                continue;
            }
        };
        let Some(input) = case.clock_input() else {
            continue;
        };
        let reading = match clock.evaluate(&input, to_local(now)) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(case = %case.id, error = %e, "legal clock failed; skipped");
                continue;
            }
        };
        let level = match reading.level {
            WarningLevel::DueSoon => "due_soon",
            WarningLevel::Overdue => "overdue",
            WarningLevel::Normal | WarningLevel::Paused => continue,
        };
        let action = ScheduledAction {
            key: format!(
                "warning:case:{}:{level}:{}",
                case.id, input.limit_working_days
            ),
            kind: "warning".to_owned(),
            entity_key: format!("case:{}", case.id),
            notification: json!({
                "level": level,
                "case": case.id,
                "department": case.department,
                "deadline": reading.deadline.map(format_minute),
                "remaining_working_days": reading.remaining_working_days(),
            }),
        };
        if state
            .store
            .run_once(&action, now, &state.config.instance)
            .await?
        {
            Metrics::add(&state.metrics.scheduled_actions, 1);
            tracing::info!(case = %case.id, level, "warning level recorded");
            ran += 1;
        }
    }
    Ok(ran)
}

/// Runs [`tick`] every `config.scheduler_interval` until the task is aborted.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(state.config.scheduler_interval);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(e) = tick(&state).await {
                tracing::warn!(error = %e, "scheduler pass failed; retried at the next interval");
            }
        }
    })
}

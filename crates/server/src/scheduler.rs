//! 定时任务: deadline-driven actions, each run exactly once even with several server
//! processes on one database, and the housekeeping of each pass (unfinished uploads past
//! their time, expired failed-login counts: [`housekeeping_pass`]). For now: a case's warning
//! level turning due-soon or overdue is recorded as a system notification; issue 6 adds
//! deemed consent on the same key table.
//!
//! Exactly once comes from the `scheduled_actions` table: an action's key (e.g.
//! `warning:case:C-1:due_soon:20`) is inserted in the same transaction as the action's effect,
//! and the key is the primary key, so a second process's insert finds it and does nothing.
//! The key carries the working-day limit, so an extension (延期) that re-opens a level makes a
//! new key. Deemed consent (逾期未回复视为同意, issue 6) is keyed
//! `deemed_consent:consultation:ID:DEPARTMENT:DEADLINE` and its key is inserted in the same
//! transaction as the system's `DeemConsent` event, which carries the deadline as its time: a
//! server that was down at the deadline records it on its first pass back, at the deadline.

use crate::error::StoreError;
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::store::{ScheduledAction, UserRecord};
use crate::sync::{self, Pushed};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::case::Case;
use permitdesk_domain::clock::{LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::consultation::{Consultation, due_system_actions};
use permitdesk_domain::entity;
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand};
use serde_json::json;
use tokio::task::JoinHandle;

/// One pass: housekeeping and the daily SPGL export (`crate::exchange`, when configured; not
/// counted), warning levels of every case whose clock runs (with the new-work notices while
/// SMS is on, `crate::sms`), then deemed consents, then the SMS due (not counted). Returns how
/// many actions this call ran.
pub async fn tick(state: &AppState) -> Result<usize, StoreError> {
    housekeeping_pass(state).await?;
    // 数据共享: the daily SPGL export, when configured; a failure waits for the next pass.
    if let Err(e) = crate::exchange::scheduled_pass(state).await {
        tracing::warn!(error = %e, "SPGL daily export failed; retried at the next pass");
    }
    let warnings = warning_pass(state).await?;
    let interactions = crate::scheduler_evaluation::overdue_pass(state).await?;
    let commissions = crate::scheduler_commission::overdue_pass(state).await?;
    let ran = warnings + interactions + commissions + deemed_consent_pass(state).await?;
    // 短信提醒: what this and earlier passes recorded; a failure waits for the next pass.
    if let Err(e) = crate::sms::delivery_pass(state).await {
        tracing::warn!(error = %e, "SMS delivery pass failed; retried at the next pass");
    }
    Ok(ran)
}

/// What one housekeeping pass deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Housekeeping {
    pub uploads: crate::store::ExpiredUploads,
    pub login_failure_rows: u64,
}

/// 清理: unfinished uploads older than `config.upload_expiry` (rows and parts) and failed-login
/// counts whose window has passed (and the oldest past the cap). Idempotent: any number of
/// server processes may run it at once. Not counted among [`tick`]'s actions.
pub async fn housekeeping_pass(state: &AppState) -> Result<Housekeeping, StoreError> {
    let now = state.clock.now();
    let uploads = crate::attachments::expire_unfinished(
        state.store.as_ref(),
        now,
        state.config.upload_expiry,
    )
    .await?;
    if uploads.uploads > 0 {
        tracing::info!(
            uploads = uploads.uploads,
            bytes = uploads.bytes,
            "unfinished uploads expired"
        );
    }
    let login_failure_rows = state
        .store
        .expire_login_failures(now, state.limiter.window, crate::auth::LIMITER_MAX_ENTRIES)
        .await?;
    // 电子证照 whose file is still pending (rendering or signing failed after the push).
    if let Err(e) = crate::certificates::issue_pending(state, 32).await {
        tracing::warn!(error = %e, "pending certificates not issued; retried at the next pass");
    }
    Ok(Housekeeping {
        uploads,
        login_failure_rows,
    })
}

/// The system as a stored user, so that its commands take the push path unchanged.
fn system_user() -> UserRecord {
    let a = Actor::system();
    UserRecord {
        id: a.user,
        name: a.name,
        role: a.role,
        department: a.department,
        organisation: a.organisation,
        password_hash: String::new(),
        disabled: true,
        levels: a.levels,
    }
}

/// 逾期未回复视为同意: for every planning record whose deadline has passed with departments
/// still silent, the domain's due actions, each run once, all of one record in one
/// transaction. Returns how many consents this call recorded.
pub async fn deemed_consent_pass(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let reference = state.reference_in_force().await?;
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let env = state.push_env_with(reference.clone());
    let user = system_user();
    let mut ran = 0;
    for events in state.store.consultations_consulting().await? {
        let c = match Consultation::replay(events.iter()) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "a stored planning record does not replay; skipped by the scheduler");
                continue;
            }
        };
        match c.next_system_action_at(&clock) {
            Ok(Some(at)) if at <= now => {}
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(consultation = %c.id, error = %e, "consultation deadline failed; skipped");
                continue;
            }
        }
        let due = match due_system_actions(&c, &clock, now) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(consultation = %c.id, error = %e, "consultation deadline failed; skipped");
                continue;
            }
        };
        let entity_key = format!("consultation:{}", c.id);
        let actions: Vec<(ScheduledAction, CommandEnvelope)> = due
            .into_iter()
            .map(|d| {
                let department = match &d.command {
                    permitdesk_domain::consultation::ConsultationCommand::DeemConsent {
                        department,
                    } => department.to_string(),
                    _ => String::new(),
                };
                let deadline = d.acting.at;
                (
                    ScheduledAction {
                        key: format!(
                            "deemed_consent:{entity_key}:{department}:{}",
                            deadline.to_rfc3339()
                        ),
                        kind: "deemed_consent".to_owned(),
                        entity_key: entity_key.clone(),
                        notification: json!({
                            "consultation": c.id,
                            "department": department,
                            "deadline": format_minute(to_local(deadline)),
                        }),
                    },
                    CommandEnvelope {
                        mutation_id: 0,
                        command: DomainCommand::Consultation {
                            consultation: c.id.clone(),
                            command: d.command,
                        },
                        acted_at: deadline,
                        opinion: d.acting.opinion,
                        attachments: d.acting.attachments,
                        base_version: 0,
                    },
                )
            })
            .collect();
        if actions.is_empty() {
            continue;
        }
        let outcomes = state
            .store
            .run_system_commands(&env, &user, &actions, &state.config.instance)
            .await?;
        for ((a, _), o) in actions.iter().zip(outcomes) {
            match o {
                Some(CommandOutcome::Applied { .. }) => {
                    Metrics::add(&state.metrics.scheduled_actions, 1);
                    tracing::info!(key = %a.key, "deemed consent recorded");
                    ran += 1;
                }
                Some(CommandOutcome::Refused { refusal })
                    if !sync::system_action_done(&refusal) =>
                {
                    tracing::warn!(key = %a.key, refusal = refusal.message(), "deemed consent refused; retried at the next pass");
                }
                _ => {}
            }
        }
    }
    Ok(ran)
}

/// Warning levels of every case whose clock runs; while SMS is on, also each case's arrival
/// at a review level (新的待办), and both with the SMS deliveries to the reviewers who must act.
async fn warning_pass(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let reference = state.reference_in_force().await?;
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let sms = crate::sms::Planner::for_pass(state, reference.catalogue.clone()).await?;
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
        if let Some((action, deliveries)) =
            sms.as_ref().and_then(|p| p.new_work(&case, &reading, now))
        {
            ran += crate::sms::record(state, &action, &deliveries, now).await?;
        }
        let Some(level) = level_name(reading.level) else {
            continue;
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
        ran += match &sms {
            Some(p) => {
                let deliveries = p.deliveries(&case, crate::sms::warning_notice(level), &reading);
                crate::sms::record(state, &action, &deliveries, now).await?
            }
            None => record_warning(state, &action, now).await?,
        };
    }
    Ok(ran)
}

/// The name of a warning level worth recording (`due_soon`, `overdue`), the same for every
/// clock the schedulers read.
pub(crate) fn level_name(level: WarningLevel) -> Option<&'static str> {
    match level {
        WarningLevel::DueSoon => Some("due_soon"),
        WarningLevel::Overdue => Some("overdue"),
        WarningLevel::Normal | WarningLevel::Paused => None,
    }
}

/// Records a warning once (`Store::run_once`, on the exactly-once key table); 1 if this
/// call recorded it.
pub(crate) async fn record_warning(
    state: &AppState,
    action: &ScheduledAction,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    if state
        .store
        .run_once(action, now, &state.config.instance)
        .await?
    {
        Metrics::add(&state.metrics.scheduled_actions, 1);
        tracing::info!(entity = %action.entity_key, key = %action.key, "warning level recorded");
        Ok(1)
    } else {
        Ok(0)
    }
}

/// Every stored entity of one kind (ratings, complaints, commissions), or only those whose
/// clock runs (`open_only`, `Store::interaction_trails`), replayed; a trail that does not
/// replay is left out with a warning.
pub(crate) async fn stored_entities<E>(
    state: &AppState,
    open_only: bool,
) -> Result<Vec<E>, StoreError>
where
    E: Pushed,
    E::Event: Clone,
    E::ReplayError: std::fmt::Display,
{
    let mut out = Vec::new();
    for trail in state
        .store
        .interaction_trails(E::SCOPE_KIND, open_only)
        .await?
    {
        let events: Vec<E::Event> = trail
            .iter()
            .filter_map(E::sealed)
            .map(|s| s.event.clone())
            .collect();
        match entity::replay::<E>(events.iter()) {
            Ok(Some(e)) => out.push(e),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(kind = E::KIND, error = %e, "a stored trail does not replay; left out");
            }
        }
    }
    Ok(out)
}

/// Runs [`tick`] every `config.scheduler_interval` until the task is aborted; beside it, in the
/// same task, keeps the statistics projections folded and their snapshot stored
/// (`crate::statistics`): from the stored snapshot at start, so a restart answers statistics at
/// once, then the new events of each interval.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let passes = async {
            let mut interval = tokio::time::interval(state.config.scheduler_interval);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(e) = tick(&state).await {
                    tracing::warn!(error = %e, "scheduler pass failed; retried at the next interval");
                }
            }
        };
        let statistics = async {
            let mut interval = tokio::time::interval(state.config.scheduler_interval);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(e) = state.statistics.snapshot(&state.store).await {
                    tracing::warn!(error = %e, "statistics projections not brought up to date; retried at the next interval");
                }
            }
        };
        tokio::join!(passes, statistics);
    })
}

//! Counters for `GET /api/metrics`, in the Prometheus text format.

use std::sync::atomic::{AtomicU64, Ordering};

/// Process-wide counters (reset at restart, as Prometheus counters are).
#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub responses_2xx: AtomicU64,
    pub responses_4xx: AtomicU64,
    pub responses_5xx: AtomicU64,
    pub commands_pushed: AtomicU64,
    pub commands_applied: AtomicU64,
    pub commands_refused: AtomicU64,
    pub commands_duplicate: AtomicU64,
    pub pulls: AtomicU64,
    pub events_pulled: AtomicU64,
    pub logins_failed: AtomicU64,
    pub upload_bytes: AtomicU64,
    pub scheduled_actions: AtomicU64,
}

impl Metrics {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, v: &AtomicU64| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        };
        counter(
            "permitdesk_http_requests_total",
            "HTTP requests received.",
            &self.requests,
        );
        counter(
            "permitdesk_http_responses_2xx_total",
            "Successful responses.",
            &self.responses_2xx,
        );
        counter(
            "permitdesk_http_responses_4xx_total",
            "Client error responses.",
            &self.responses_4xx,
        );
        counter(
            "permitdesk_http_responses_5xx_total",
            "Server error responses.",
            &self.responses_5xx,
        );
        counter(
            "permitdesk_push_commands_total",
            "Commands received by push.",
            &self.commands_pushed,
        );
        counter(
            "permitdesk_push_applied_total",
            "Commands applied.",
            &self.commands_applied,
        );
        counter(
            "permitdesk_push_refusals_total",
            "Commands refused (with a recorded reason).",
            &self.commands_refused,
        );
        counter(
            "permitdesk_push_duplicates_total",
            "Commands already processed (retries).",
            &self.commands_duplicate,
        );
        counter(
            "permitdesk_pull_requests_total",
            "Pull requests served.",
            &self.pulls,
        );
        counter(
            "permitdesk_pull_events_total",
            "Events delivered by pull.",
            &self.events_pulled,
        );
        counter(
            "permitdesk_login_failures_total",
            "Failed logins.",
            &self.logins_failed,
        );
        counter(
            "permitdesk_upload_bytes_total",
            "Attachment bytes received.",
            &self.upload_bytes,
        );
        counter(
            "permitdesk_scheduled_actions_total",
            "Deadline-driven actions run by this process.",
            &self.scheduled_actions,
        );
        out
    }
}

//! Time at the edges of sync: where "now" comes from (the machine's clock, or a clock that only
//! moves when told, for tests and simulations), and the client's offset to the server's clock
//! measured from one request/response pair. Shared by the server and the client; the domain
//! itself never reads a clock.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests, simulations).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut g) = self.now.lock() {
            *g = t;
        }
    }

    pub fn advance(&self, d: Duration) {
        if let Ok(mut g) = self.now.lock() {
            *g += d;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        // A poisoned lock only means a test panicked while holding it; the value is still valid.
        match self.now.lock() {
            Ok(g) => *g,
            Err(p) => *p.into_inner(),
        }
    }
}

/// The offset (server minus local) from one request/response pair: the server's time is taken
/// to be the midpoint of the round trip, which halves the error a slow network introduces.
pub fn measure_offset(
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    server_time: DateTime<Utc>,
) -> Duration {
    let midpoint = sent + (received - sent) / 2;
    server_time - midpoint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_uses_the_midpoint_of_the_round_trip() {
        let sent: DateTime<Utc> = "2026-01-05T08:00:00Z".parse().unwrap_or_default();
        let received = sent + Duration::seconds(2);
        // The server answered at its 11:00:01, local midpoint 08:00:01: three hours ahead.
        let server = "2026-01-05T11:00:01Z".parse().unwrap_or_default();
        assert_eq!(measure_offset(sent, received, server), Duration::hours(3));
        assert_eq!(measure_offset(sent, sent, sent), Duration::zero());
    }
}

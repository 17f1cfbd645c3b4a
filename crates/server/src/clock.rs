//! The server's time source, injectable so that tests and the scheduler's exactly-once tests
//! control "now" instead of reading the wall clock.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// Where the server reads the current instant.
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

//! The server's time source, injectable so that tests and the scheduler's exactly-once tests
//! control "now" instead of reading the wall clock (shared with the client).

pub use permitdesk_protocol::clock::{Clock, ManualClock, SystemClock};

//! The client's clock: the machine's time, and the correction by the offset to the server's
//! clock measured at the last contact, so that offline actions carry the server's idea of time.
//! The time source and the offset measurement are the sync protocol's, shared with the server.

pub use permitdesk_protocol::clock::{Clock, ManualClock, SystemClock, measure_offset};

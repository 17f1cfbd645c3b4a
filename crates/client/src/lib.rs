//! PermitDesk's client: the encrypted local store, the outbox, the sync engine, attachments and
//! credentials. The desktop app and the headless CLI are thin adapters over this crate.

pub mod alerts;
pub mod certificates;
pub mod clock;
pub mod credentials;
pub mod error;

pub use error::{ClientError, Result};
pub mod drafts;
pub mod engine;
pub mod expired;
pub mod market;
pub mod notifications;
pub mod ops;
pub mod papers;
pub mod profile;
pub mod reads;
pub mod reference;
pub mod session;
pub mod statistics;
pub mod store;
pub mod transport;

pub use profile::Profile;
pub use session::Session;

#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod expired_tests;
#[cfg(test)]
mod fake;

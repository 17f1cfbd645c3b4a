//! The handlers, one module per resource. They depend on [`crate::state`] and
//! [`crate::extract`]; the router in [`crate::http`] depends on them, never the other way.

pub mod accounts;
pub mod attachments;
pub mod certificates;
pub mod reference;
pub mod sync;
pub mod system;

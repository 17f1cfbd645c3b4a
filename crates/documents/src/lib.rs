//! PermitDesk documents: the papers a window operator hands across the desk (申请表, 一次性告知单,
//! 受理通知书, 补正告知书, ...), and the statistics tables, as PDF, xlsx and CSV bytes.
//!
//! Documents render from plain view structs ([`views`]); nothing here reads files, the clock or
//! a database. Identical views give byte-identical output.

pub mod error;
mod fonts;
pub mod layout;

pub use error::RenderError;

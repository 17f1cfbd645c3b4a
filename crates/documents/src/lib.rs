//! PermitDesk documents: the papers a window operator hands across the desk (申请表, 一次性告知单,
//! 受理通知书, 补正告知书, ...), and the statistics tables, as PDF, xlsx and CSV bytes.
//!
//! Documents render from plain view structs ([`views`]); nothing here reads files, the clock or
//! a database. Identical views give byte-identical output.

pub mod error;
mod fonts;
pub mod layout;

pub use error::RenderError;
mod canvas;
mod render;
mod seal;
pub mod statistics;
pub mod views;

pub use render::{
    render_acceptance_receipt, render_application_form, render_certificate,
    render_completion_notice, render_correction_notice, render_not_accepted_notice,
    render_one_time_notice, render_return_notice, render_sealed_certificate, render_statistics_pdf,
};
pub mod demo;
pub mod from_domain;
pub mod from_statistics;
pub mod quarterly;
#[cfg(feature = "raster")]
pub mod raster;
pub mod scenario;
mod sheets;

pub use sheets::{list_csv, list_xlsx, statistics_csv, statistics_xlsx};

//! PermitDesk's domain: the rules of Harbin's full-process online approval of construction
//! projects (哈尔滨市工程建设项目全流程在线审批管理规程), as pure Rust.
//!
//! Nothing in this crate does IO, reads the clock or draws random numbers: time, ids and data
//! files are arguments. The server, the desktop app, the CLI and the statistics all run this code.

pub mod actor;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod clock;
pub mod codes;
pub mod consultation;
pub mod districts;
pub mod entity;
pub mod evaluation;
pub mod exchange;
pub mod ids;
pub mod intermediary;
pub mod limits;
pub mod procedure;
pub mod project;
pub mod reference;
pub mod statistics;
pub mod time;
pub mod trail;

/// The demo catalogue of Harbin (哈尔滨市工程建设项目审批事项目录, demo edition), as shipped.
pub const DEMO_CATALOGUE_TOML: &str = include_str!("../data/catalogue/harbin-demo.toml");
/// The State Council's holiday tables (国务院办公厅节假日安排) shipped with PermitDesk, 2022-2026.
pub const SHIPPED_HOLIDAYS_TOML: &str = include_str!("../data/calendar/holidays.toml");

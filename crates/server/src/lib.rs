//! PermitDesk's central server: HTTPS API (axum + rustls), accounts and scopes, push/pull
//! sync of commands and sealed events, attachments, and a scheduler, on SQLite or PostgreSQL.

pub mod admin;
pub mod attachments;
pub mod auth;
pub mod case_numbers;
pub mod certificates;
pub mod clock;
pub mod config;
pub mod demo;
pub mod demo_month;
pub mod error;
pub mod evaluation_stats;
pub mod exchange;
pub mod extract;
pub mod http;
pub mod levels;
pub mod metrics;
pub mod openapi;
pub mod reference;
pub mod routes;
pub mod scale_out;
pub mod scheduler;
pub mod scheduler_commission;
pub mod scheduler_evaluation;
pub mod scope;
pub mod sms;
pub mod state;
pub mod statistics;
pub mod store;
pub mod sync;
pub mod sync_commission;
pub mod sync_evaluation;
pub mod testing;
pub mod tls;

pub use http::{AppState, app};

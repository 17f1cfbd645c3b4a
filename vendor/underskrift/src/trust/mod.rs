//! Trust store management for certificate chain validation.
//!
//! This module re-exports the trust store infrastructure from the shared [`tsp_ltv`] crate.

pub use tsp_ltv::trust::*;

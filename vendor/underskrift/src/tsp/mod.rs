//! RFC 3161 timestamp client.
//!
//! This module re-exports the TSP infrastructure from the shared [`tsp_ltv`] crate.

pub use tsp_ltv::tsp::*;

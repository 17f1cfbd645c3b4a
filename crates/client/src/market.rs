//! 中介服务超市 catalogue on the client (issue 6, seed 9).
//!
//! The market is shipped data of the domain crate (`data/intermediary/harbin-demo.toml`), the
//! same file the server decides commissions with (`permitdesk_server::sync_commission`), like
//! the holiday table: applicants browse it offline without ever syncing, and the client decides
//! queued commission commands exactly as the server will. The server also serves it
//! (`GET /api/v1/market`) so that a client can check it holds the server's version
//! ([`same_as_server`]).

use crate::error::{ClientError, Result};
use permitdesk_domain::intermediary::MarketCatalogue;

/// The shipped market, parsed once.
pub fn shipped() -> Result<&'static MarketCatalogue> {
    static MARKET: std::sync::OnceLock<std::result::Result<MarketCatalogue, String>> =
        std::sync::OnceLock::new();
    MARKET
        .get_or_init(|| MarketCatalogue::demo().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ClientError::Corrupt(format!("中介服务超市目录无法加载：{e}")))
}

/// Whether the server's market (as `GET /api/v1/market` answers) is the one this client ships.
pub fn same_as_server(server: &MarketCatalogue) -> Result<bool> {
    Ok(shipped()? == server)
}

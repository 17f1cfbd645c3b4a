//! 中介服务超市 on the wire (issue 6, seed 9): the market catalogue answer and the recorded
//! random draw (随机抽取) of a competitive selection.
//!
//! The domain draws nothing: `SelectionRule::RandomDraw { draw }` takes the number from outside.
//! The server (and a client acting offline) derives it here from the request id and the quotes
//! still in the running, so the number is recorded in the `Selected` event and anyone holding
//! the trail can recompute it: no clock, no random generator, no one's choice.

use permitdesk_domain::intermediary::{Commission, MarketCatalogue};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `GET /api/v1/market`: the market the server decides commissions with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarketResponse {
    pub market: MarketCatalogue,
}

/// The draw of a random selection among `commission`'s open quotes: the first eight bytes
/// (big-endian) of SHA-256 over `permitdesk-draw-v1`, the commission id and every open quote
/// (agency code and price in fen, in agency-code order: the order the domain draws in), one
/// line each. The same request with the same quotes always draws the same agency.
pub fn draw_for(commission: &Commission) -> u64 {
    let mut text = format!("permitdesk-draw-v1\n{}\n", commission.id);
    for q in commission.open_quotes() {
        text.push_str(&format!("{}:{}\n", q.agency, q.price_fen));
    }
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

//! The headless client: `permitdesk --profile DIR login|sync|status|project|apply|case|queue|
//! trail|attach ...`, every command on `permitdesk-client`, working offline (queued) first.

mod args;
mod commission;
mod evaluation;
mod reference;
mod run;

pub use args::ClientCommand;
pub use commission::{MarketCommand, market_cmd};
pub use run::{open, profile_dir, run};

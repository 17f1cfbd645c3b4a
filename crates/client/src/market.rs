//! 中介服务超市 catalogue on the client (issue 6, seed 9): the version in force in the profile's
//! reference data (synced from the server like the holiday calendar and the catalogue; the
//! shipped one until the first sync). Applicants browse it offline, and the client decides
//! queued commission commands with it exactly as the server will.

use crate::error::Result;
use crate::profile::Profile;
use permitdesk_domain::intermediary::MarketCatalogue;
use std::sync::Arc;

/// The market this profile decides with.
pub fn market(p: &Profile) -> Result<Arc<MarketCatalogue>> {
    Ok(p.reference()?.market)
}

/// The shipped market (version 0), for browsing without a profile.
pub fn bootstrap() -> Result<Arc<MarketCatalogue>> {
    Ok(crate::store::bootstrap_reference()?.market)
}

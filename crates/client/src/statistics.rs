//! 审批统计 from the server (`GET /api/v1/statistics`): the seed-11 tables, the monthly stage
//! report and the quarterly summary, computed there over every stored case (a department's
//! users get their own department's figures). The answer is passed on as bytes: the domain's
//! JSON, or the documents crate's xlsx, CSV or PDF.

use crate::Profile;
use crate::error::Result;
use permitdesk_protocol::statistics::StatisticsQuery;

impl Profile {
    /// Asks the server this profile logged in to.
    pub fn statistics(&self, query: &StatisticsQuery) -> Result<Vec<u8>> {
        let t = self.transport()?;
        let token = self.token()?;
        Ok(t.statistics(&token, query)?)
    }
}

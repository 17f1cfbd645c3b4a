//! `permitdesk server sms list`: the administrator's view of the SMS notices to reviewers
//! (`permitdesk_server::sms`): the channel the last started server uses and the recent
//! deliveries with their status, the numbers masked.

use crate::output::{CliError, Output};
use crate::server_cmd::{Location, runtime};
use clap::Subcommand;
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::sms;

#[derive(Debug, Subcommand)]
pub enum AdminSmsCommand {
    /// 短信提醒记录：最近的短信（待办提醒、时限提醒）及其状态（已发送、已写入待发文件、发送失败、未登记手机号码…），手机号码已隐去中间四位
    List {
        #[command(flatten)]
        at: Location,
        /// 最多列出多少条（默认 50）.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
    },
}

/// `permitdesk server sms …`.
pub fn run_admin(cmd: AdminSmsCommand, out: &Output) -> Result<(), CliError> {
    let rt = runtime()?;
    let invalid = |e: &dyn std::fmt::Display| CliError::Invalid(e.to_string());
    match cmd {
        AdminSmsCommand::List { at, limit } => {
            let list = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(|e| invalid(&e))?;
                sms::list(store.as_ref(), limit)
                    .await
                    .map_err(|e| invalid(&e))
            })?;
            out.print(&list, || list.text())
        }
    }
}

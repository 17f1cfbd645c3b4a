//! `permitdesk server sms list`: the administrator's view of the SMS notices to reviewers
//! (`permitdesk_server::sms`): the channel the last started server uses and the recent
//! deliveries with their status, the numbers masked.

use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::sms;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum AdminSmsCommand {
    /// 短信提醒记录：最近的短信（待办提醒、时限提醒）及其状态（已发送、已写入待发文件、发送失败、未登记手机号码…），手机号码已隐去中间四位
    List {
        /// 服务器数据目录.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// 使用此 PostgreSQL 数据库，而不是数据目录中的 SQLite 文件.
        #[arg(long, value_name = "postgres://...")]
        database: Option<String>,
        /// 最多列出多少条（默认 50）.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
    },
}

/// `permitdesk server sms …`.
pub fn run_admin(cmd: AdminSmsCommand, out: &Output) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(format!("无法启动运行时：{e}")))?;
    let invalid = |e: &dyn std::fmt::Display| CliError::Invalid(e.to_string());
    match cmd {
        AdminSmsCommand::List {
            data,
            database,
            limit,
        } => {
            let list = rt.block_on(async {
                let store = admin::open_store(&DataDir(data), database.as_deref())
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

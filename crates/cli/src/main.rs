//! `permitdesk`: the command line of PermitDesk. Admin tasks and a headless client, on the same
//! crates as the desktop app; `--json` gives machine output everywhere.

mod calendar_cmd;
mod catalogue_cmd;
mod certificate_cmd;
mod client;
mod clock_cmd;
mod code_cmd;
mod documents_cmd;
mod exchange_cmd;
mod output;
mod server_cmd;
mod sms_cmd;
mod stats_cmd;

use clap::{Parser, Subcommand};
use output::Output;
use std::path::PathBuf;
use std::process::ExitCode;

/// PermitDesk 工程建设项目全流程在线审批 — command line.
#[derive(Debug, Parser)]
#[command(
    name = "permitdesk",
    version,
    about = "PermitDesk：工程建设项目全流程在线审批（命令行）"
)]
struct Cli {
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Where imported data (holiday tables) is kept. Default: $PERMITDESK_HOME or ~/.permitdesk.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The headless client's profile: its encrypted local store (default: $PERMITDESK_PROFILE).
    #[arg(long, global = true, value_name = "DIR")]
    profile: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 法定时限: evaluate the legal clock of a case.
    Clock(clock_cmd::ClockArgs),
    /// 事项目录: check or show an approval catalogue.
    #[command(subcommand)]
    Catalogue(catalogue_cmd::CatalogueCommand),
    /// 代码校验: check a project code, credit code or phone number.
    #[command(subcommand)]
    Code(code_cmd::CodeCommand),
    /// 工作日历: working days and holiday tables.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// 文书: application forms, notices and statistics tables as PDF, xlsx and CSV.
    #[command(subcommand)]
    Documents(documents_cmd::DocumentsCommand),
    /// 数据共享: export the national SPGL tables, or import them back.
    #[command(subcommand)]
    Exchange(exchange_cmd::ExchangeCommand),
    /// 审批统计: seed-11 tables, monthly and quarterly reports from the server (--profile).
    Stats(stats_cmd::StatsArgs),
    /// 中介服务超市: browse the agencies and services (the profile's version, or the shipped
    /// data without a profile; offline).
    #[command(subcommand)]
    Market(client::MarketCommand),
    /// 电子证照: verify a certificate PDF (signature and status).
    #[command(subcommand)]
    Certificate(certificate_cmd::CertificateCommand),
    #[command(flatten)]
    Client(client::ClientCommand),
    #[command(flatten)]
    Server(server_cmd::ServerTop),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version; a closed pipe (`--help | head`) is no error.
            use std::io::Write;
            let _ = write!(std::io::stdout(), "{e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.to_string();
            let line = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    let out = Output { json: cli.json };
    let data_dir = cli
        .data_dir
        .or_else(|| std::env::var_os("PERMITDESK_HOME").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".permitdesk")));
    let result = match cli.command {
        Command::Clock(args) => clock_cmd::run(args, data_dir.as_deref(), &out),
        Command::Catalogue(cmd) => catalogue_cmd::run(cmd, cli.profile.as_deref(), &out),
        Command::Code(cmd) => code_cmd::run(cmd, &out),
        Command::Calendar(cmd) => {
            calendar_cmd::run(cmd, data_dir.as_deref(), cli.profile.as_deref(), &out)
        }
        Command::Documents(cmd) => documents_cmd::run(cmd, &out),
        Command::Exchange(cmd) => exchange_cmd::run(cmd, &out),
        Command::Stats(args) => stats_cmd::run(args, cli.profile.as_deref(), &out),
        Command::Market(cmd) => client::market_cmd(cmd, cli.profile.as_deref(), &out),
        Command::Certificate(cmd) => certificate_cmd::run(cmd, cli.profile.as_deref(), &out),
        Command::Client(cmd) => client::run(cmd, cli.profile.as_deref(), &out),
        Command::Server(cmd) => server_cmd::run(cmd, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

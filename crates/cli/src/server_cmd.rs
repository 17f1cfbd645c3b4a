//! `permitdesk server|demo|admin`: set up, seed and run the central server, and manage its
//! accounts. The work is done by `permitdesk_server::admin`; this file parses and prints.

use crate::output::{CliError, Output};
use clap::{Args, Subcommand};
use permitdesk_domain::actor::Role;
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, UserId};
use permitdesk_domain::reference::ReferenceKind;
use permitdesk_protocol::reference::ReferenceImportReport;
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::auth::{self, PasswordCost};
use permitdesk_server::config::ServerConfig;
use permitdesk_server::reference;
use permitdesk_server::store::{ReferenceChange, Store, UserRecord};
use serde::Serialize;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The server's commands (flattened into the top level: `server`, `demo`, `admin`).
#[derive(Debug, Subcommand)]
pub enum ServerTop {
    /// 服务器: initialise or run the central server.
    #[command(subcommand)]
    Server(ServerCommand),
    /// 演示数据: load the demo catalogue and demo users.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// 管理: accounts and reference data (calendar, catalogue, market, zones, districts) of the
    /// server.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Args)]
pub struct Location {
    /// The server's data directory (database, certificate, key).
    #[arg(long, value_name = "DIR")]
    pub(crate) data: PathBuf,
    /// Use this PostgreSQL database instead of the SQLite file in DIR.
    #[arg(long, value_name = "postgres://...")]
    pub(crate) database: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Create the database and a self-signed certificate; print the key fingerprint. With
    /// --join: a data directory for another process of an existing server instead.
    Init {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Extra host names or addresses for the certificate.
        #[arg(long = "name", value_name = "HOST", conflicts_with = "join")]
        names: Vec<String>,
        /// 加入已有服务器（横向扩展）：从第一台服务器的数据目录 FIRST（或其 tls/ 与 seal/ 的副本）复制证书、私钥和电子印章密钥，使本进程与其使用同一证书指纹；不建 SQLite 数据库，运行时须用同一 PostgreSQL（server run --database）.
        #[arg(long, value_name = "FIRST")]
        join: Option<PathBuf>,
    },
    /// Re-issue the certificate with the same key (the fingerprint clients pinned stays).
    RenewCert {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Host names or addresses for the certificate (default: those given at init).
        #[arg(long = "name", value_name = "HOST")]
        names: Vec<String>,
    },
    /// Delete unfinished uploads (rows and the parts received) started more than the given
    /// hours ago (default: the server's 24); complete files stay. The running server does the
    /// same at every scheduler pass.
    ExpireUploads {
        #[command(flatten)]
        at: Location,
        /// Age in hours from the upload's first chunk.
        #[arg(long, value_name = "HOURS")]
        older_than_hours: Option<u32>,
    },
    /// Serve HTTPS until Ctrl-C.
    Run {
        #[command(flatten)]
        at: Location,
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// 每个用户可占用的材料存储（MiB，已存文件与未完成上传合计；默认 2048）.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
        upload_quota_mib: Option<u64>,
        /// 未完成的上传保留多少小时后清除（默认 24）.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=8760))]
        upload_expiry_hours: Option<i64>,
        /// 对外地址: the public https address of the certificates' verification page (their QR
        /// codes), e.g. https://gcjs.example.cn; default: the address listened on.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// 数据共享定时导出目录：每天（北京时间）导出一次国家数据共享表（SPGL_*）的增量到此目录，多个服务器进程共用一个数据库时只导出一次；不指定则不定时导出（未配置）.
        #[arg(long, value_name = "DIR")]
        exchange_dir: Option<PathBuf>,
        /// 共用监听地址（横向扩展，仅 Linux）：以 SO_REUSEPORT 监听，同一主机上同样加此参数、监听同一地址的多个服务器进程（同一 PostgreSQL）共用该地址，由内核分配连接；不加时地址已被占用即报错.
        #[arg(long)]
        reuse_port: bool,
        /// 短信网关配置（TOML：endpoint、access_key_id、access_key_secret_env、sign_name、template_code）：待办提醒和时限提醒经阿里云短信服务发给审批人员；不指定则写入数据目录下的 sms-outbox.jsonl，由值班人员手工发送.
        #[arg(long, value_name = "FILE")]
        sms_config: Option<PathBuf>,
    },
    /// 电子证照登记册: list the certificates issued, or revoke one.
    #[command(subcommand)]
    Certificate(crate::certificate_cmd::AdminCertificateCommand),
    /// 数据共享：将服务器数据按批次增量导出为国家数据共享表（SPGL_*），或列出已导出的批次.
    #[command(subcommand)]
    Exchange(crate::exchange_cmd::AdminExchangeCommand),
    /// 短信提醒：最近发给审批人员的短信及其状态.
    #[command(subcommand)]
    Sms(crate::sms_cmd::AdminSmsCommand),
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Load the demo catalogue and one user per role; prints the passwords.
    Seed {
        #[command(flatten)]
        at: Location,
    },
    /// 演示月: a month of a district hall's work (projects, cases in every state, certificates,
    /// ratings, complaints) through the server's own rules, as the demo users; after `demo seed`, once.
    Month {
        #[command(flatten)]
        at: Location,
        /// The month's last day (YYYY-MM-DD, Beijing time; default: now).
        #[arg(long, value_name = "YYYY-MM-DD")]
        end: Option<String>,
        /// The random seed: the same seed and end give the same month.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    #[command(subcommand)]
    User(UserCommand),
    /// 工作日历: import a holiday table (new years are added; changed years need --replace).
    #[command(subcommand)]
    Calendar(ImportCommand),
    /// 审批事项目录: import a new catalogue (open cases keep the version they were accepted under).
    #[command(subcommand)]
    Catalogue(ImportCommand),
    /// 中介服务超市目录: import a new market catalogue.
    #[command(subcommand)]
    Market(ImportCommand),
    /// 规划分区: import new planning zones (GeoJSON).
    #[command(subcommand)]
    Zones(ImportCommand),
    /// 行政区划: import the divisions the hall serves for project locations (TOML).
    #[command(subcommand)]
    Districts(ImportCommand),
    /// 参考数据: the recorded versions (who, when, what changed).
    #[command(subcommand)]
    Reference(ReferenceCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import FILE as the next version; every server on this database uses it from its next request.
    Import {
        #[command(flatten)]
        at: Location,
        /// The file (TOML, or GeoJSON for zones), in the format `permitdesk` already reads.
        file: PathBuf,
        /// Show what would change (deadlines that move, items open cases still use); change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace stored holiday years the file changes.
        #[arg(long)]
        replace: bool,
        /// The account recorded as having made the change (login name); default: the command line administrator.
        #[arg(long, value_name = "USER")]
        by: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// Every recorded version, oldest first, of KIND (calendar, catalogue, market, zones,
    /// districts) or of all kinds.
    History {
        #[command(flatten)]
        at: Location,
        kind: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password comes from stdin (--password-stdin) or is generated.
    Add {
        #[command(flatten)]
        at: Location,
        /// Login name.
        #[arg(long)]
        id: String,
        /// 姓名.
        #[arg(long)]
        name: String,
        /// applicant, window_operator, department_reviewer, utility_unit, intermediary_agency, reform_office.
        #[arg(long)]
        role: String,
        #[arg(long)]
        department: Option<String>,
        /// Organisation id (统一社会信用代码).
        #[arg(long)]
        organisation: Option<String>,
        /// 层级权限: the review levels of the department this reviewer may sign, e.g. 审核,复核.
        #[arg(long, value_name = "LEVELS")]
        levels: Option<String>,
        /// 手机号码: where the SMS notices of new work and deadlines go (a mobile number).
        #[arg(long, value_name = "NUMBER")]
        phone: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// 手机号码: set the mobile number USER is told at by SMS of new work and deadlines ("" removes it).
    Phone {
        #[command(flatten)]
        at: Location,
        /// Login name.
        user: String,
        /// A mainland mobile number, e.g. 13912345678; "" for none.
        number: String,
    },
    /// 层级权限: set the review levels USER may sign (e.g. 审核,复核; "" for none), checked against the department's levels in the catalogue in force.
    Levels {
        #[command(flatten)]
        at: Location,
        /// Login name.
        user: String,
        /// Comma-separated levels of the user's department, in any order.
        levels: String,
    },
    /// Disable an account and revoke its tokens.
    Disable {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        id: String,
    },
    /// Set a new password (stdin or generated) and revoke the account's tokens.
    ResetPassword {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        id: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

fn fail(e: impl std::fmt::Display) -> CliError {
    CliError::Invalid(e.to_string())
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(format!("无法启动运行时：{e}")))
}

fn read_password(from_stdin: bool) -> Result<(String, bool), CliError> {
    if !from_stdin {
        return Ok((auth::random_password().map_err(fail)?, true));
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| CliError::Io(format!("无法读取标准输入：{e}")))?;
    Ok((s.trim_end_matches(['\r', '\n']).to_owned(), false))
}

/// A number typed on the command line that cannot be a mobile number is bad input (exit 2).
fn check_mobile(text: &str) -> Result<(), CliError> {
    match permitdesk_domain::codes::PhoneNumber::parse(text) {
        Ok(p) if p.is_mobile() => Ok(()),
        Ok(p) => Err(CliError::usage(format!(
            "短信提醒只能发往手机号码：{} 是固定电话，请填写 11 位手机号码",
            p.masked()
        ))),
        Err(e) => Err(CliError::usage(format!("手机号码无效：{e}"))),
    }
}

fn parse_role(s: &str) -> Result<Role, CliError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| CliError::usage(format!("未知角色 {s}：应为 applicant、window_operator、department_reviewer、utility_unit、intermediary_agency、reform_office")))
}

#[derive(Serialize)]
struct Created<'a> {
    id: &'a str,
    role: Role,
    /// Only when generated.
    password: Option<&'a str>,
}

pub fn run(cmd: ServerTop, out: &Output) -> Result<(), CliError> {
    match cmd {
        ServerTop::Server(ServerCommand::Init {
            data,
            names: _,
            join: Some(first),
        }) => {
            let report = permitdesk_server::scale_out::join(&DataDir(first), &DataDir(data))
                .map_err(fail)?;
            out.print(&report, || {
                format!(
                    "数据目录：{}（加入 {} 的服务器）\n证书：{}（与第一台服务器相同）\n证书公钥指纹（SHA-256）：{}\n电子印章证书指纹：{}\n运行：permitdesk server run --data {} --database postgres://...（与第一台服务器同一数据库）；同一主机共用监听地址时两者都加 --reuse-port",
                    report.data_dir.display(),
                    report.joined.display(),
                    report.certificate.display(),
                    report.fingerprint,
                    report.seal_fingerprint,
                    report.data_dir.display(),
                )
            })
        }
        ServerTop::Server(ServerCommand::Init {
            data,
            names,
            join: None,
        }) => {
            let report = admin::init(&DataDir(data), &names).map_err(fail)?;
            out.print(&report, || {
                format!(
                    "数据目录：{}\n数据库：{}\n证书：{}{}\n证书公钥指纹（SHA-256）：{}\n电子印章证书：{}{}",
                    report.data_dir.display(),
                    report.database.display(),
                    report.certificate.display(),
                    if report.certificate_created {
                        "（新生成）"
                    } else {
                        "（沿用已有证书）"
                    },
                    report.fingerprint,
                    report.seal_certificate.display(),
                    if report.seal_created {
                        "（新生成）"
                    } else {
                        "（沿用已有印章密钥）"
                    }
                )
            })
        }
        ServerTop::Server(ServerCommand::Certificate(cmd)) => {
            crate::certificate_cmd::run_admin(cmd, out)
        }
        ServerTop::Server(ServerCommand::Exchange(cmd)) => crate::exchange_cmd::run_admin(cmd, out),
        ServerTop::Server(ServerCommand::Sms(cmd)) => crate::sms_cmd::run_admin(cmd, out),
        ServerTop::Server(ServerCommand::RenewCert { data, names }) => {
            let report = admin::renew_cert(&DataDir(data), &names).map_err(fail)?;
            out.print(&report, || {
                format!(
                    "证书已更新：{}\n有效期：自昨日起 {} 天\n证书公钥指纹（SHA-256，未变）：{}\n重启服务后生效。",
                    report.certificate.display(),
                    report.valid_days,
                    report.fingerprint
                )
            })
        }
        ServerTop::Server(ServerCommand::Run {
            at,
            listen,
            upload_quota_mib,
            upload_expiry_hours,
            public_url,
            exchange_dir,
            reuse_port,
            sms_config,
        }) => {
            admin::init_logging();
            let rt = runtime()?;
            let mut config = ServerConfig {
                reuse_port,
                ..ServerConfig::default()
            };
            if let Some(mib) = upload_quota_mib {
                config.upload.per_user_quota = mib.saturating_mul(1024 * 1024);
            }
            if let Some(hours) = upload_expiry_hours {
                config.upload_expiry = chrono::Duration::hours(hours);
            }
            if let Some(url) = public_url {
                if !url.starts_with("https://") {
                    return Err(CliError::Usage(
                        "--public-url 须以 https:// 开头".to_owned(),
                    ));
                }
                config.public_url = Some(url);
            }
            if let Some(dir) = exchange_dir {
                std::fs::create_dir_all(&dir).map_err(|e| {
                    CliError::Io(format!(
                        "无法创建数据共享导出目录 {}：{e}；请检查路径和权限",
                        dir.display()
                    ))
                })?;
                config.exchange_dir = Some(std::fs::canonicalize(&dir).unwrap_or(dir));
            }
            if let Some(file) = sms_config {
                let sms = permitdesk_server::sms::SmsConfig::load(&file)
                    .and_then(|c| permitdesk_server::sms::SmsSetting::gateway(&c))
                    .map_err(|e| CliError::Usage(e.to_string()))?;
                config.sms = Some(sms);
            }
            rt.block_on(admin::run(&DataDir(at.data), listen, at.database.as_deref(), config, |l| {
                // Printed before serving: scripts read the URL and the pin from here.
                if out.json {
                    println!("{}", serde_json::json!({ "listening": l.url, "fingerprint": l.fingerprint, "backend": l.backend, "sms": l.sms }));
                } else {
                    println!("PermitDesk 服务器已启动：{}（{}）\n证书公钥指纹（SHA-256）：{}\n短信提醒：{}", l.url, l.backend, l.fingerprint, l.sms);
                }
            }))
            .map_err(fail)
        }
        ServerTop::Server(ServerCommand::ExpireUploads {
            at,
            older_than_hours,
        }) => {
            let max_age = match older_than_hours {
                Some(h) => chrono::Duration::hours(i64::from(h)),
                None => ServerConfig::default().upload_expiry,
            };
            let rt = runtime()?;
            let expired = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(fail)?;
                permitdesk_server::attachments::expire_unfinished(
                    store.as_ref(),
                    chrono::Utc::now(),
                    max_age,
                )
                .await
                .map_err(fail)
            })?;
            out.print(&expired, || {
                format!(
                    "已删除 {} 个超过 {} 小时未传完的上传（共 {}）；已传完的文件不受影响",
                    expired.uploads,
                    max_age.num_hours(),
                    permitdesk_server::store::human_bytes(&expired.bytes)
                )
            })
        }
        ServerTop::Demo(DemoCommand::Seed { at }) => {
            let rt = runtime()?;
            let created = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(fail)?;
                permitdesk_server::demo::seed(
                    store.as_ref(),
                    PasswordCost::PRODUCTION,
                    chrono::Utc::now(),
                    |_| auth::random_password(),
                )
                .await
                .map_err(fail)
            })?;
            let rows: Vec<serde_json::Value> = created
                .iter()
                .map(|(u, p)| {
                    serde_json::json!({"id": u.id, "name": u.name, "role": u.role, "department": u.department, "organisation": u.organisation, "levels": u.level.iter().collect::<Vec<_>>(), "password": p})
                })
                .collect();
            out.print(&rows, || {
                if created.is_empty() {
                    return "演示用户均已存在，未新建（可用 admin user reset-password 重设密码）"
                        .to_owned();
                }
                let mut s = String::from("已载入演示事项目录；新建演示用户（请妥善保存密码）：\n");
                for (u, p) in &created {
                    let scope = u
                        .department
                        .clone()
                        .or_else(|| u.organisation.clone())
                        .unwrap_or_default();
                    s.push_str(&format!(
                        "  {:<18} {:<22} {:<10} {}  密码：{}\n",
                        u.id,
                        format!("{:?}", u.role),
                        scope,
                        u.name,
                        p
                    ));
                }
                s
            })
        }
        ServerTop::Demo(DemoCommand::Month { at, end, seed }) => {
            let now = chrono::Utc::now();
            let end = month_end(end.as_deref(), now)?;
            let seed = seed.unwrap_or(permitdesk_server::demo_month::DEFAULT_SEED);
            let rt = runtime()?;
            let report = rt.block_on(async {
                // Group commit: the month is a few thousand commands.
                let store =
                    admin::open_store_grouped(&DataDir(at.data), at.database.as_deref(), 64)
                        .await
                        .map_err(fail)?;
                permitdesk_server::demo_month::seed_month(store.as_ref(), end, seed)
                    .await
                    .map_err(fail)
            })?;
            out.print(&report, || report.text())
        }
        ServerTop::Admin(AdminCommand::User(uc)) => {
            let rt = runtime()?;
            rt.block_on(user_command(uc, out))
        }
        ServerTop::Admin(AdminCommand::Calendar(ic)) => {
            import_command(ReferenceKind::Calendar, ic, out)
        }
        ServerTop::Admin(AdminCommand::Catalogue(ic)) => {
            import_command(ReferenceKind::Catalogue, ic, out)
        }
        ServerTop::Admin(AdminCommand::Market(ic)) => {
            import_command(ReferenceKind::Market, ic, out)
        }
        ServerTop::Admin(AdminCommand::Zones(ic)) => import_command(ReferenceKind::Zones, ic, out),
        ServerTop::Admin(AdminCommand::Districts(ic)) => {
            import_command(ReferenceKind::Districts, ic, out)
        }
        ServerTop::Admin(AdminCommand::Reference(ReferenceCommand::History { at, kind })) => {
            let kind = kind
                .map(|k| {
                    ReferenceKind::parse(&k).ok_or_else(|| {
                        CliError::usage(format!(
                            "未知参考数据种类 {k}：应为 calendar、catalogue、market、zones 或 districts"
                        ))
                    })
                })
                .transpose()?;
            let rt = runtime()?;
            let history = rt.block_on(async {
                let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(fail)?;
                store.reference_history(kind).await.map_err(fail)
            })?;
            out.print(&history, || history_text(&history))
        }
    }
}

/// The end of the demo month: now, or the given day (Beijing) after office hours; never later
/// than now (the server refuses actions before an entity's last event, so the demo must not
/// lie in the future).
fn month_end(
    day: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, CliError> {
    use permitdesk_domain::time::{from_local, to_local};
    let Some(day) = day else {
        return Ok(now);
    };
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| CliError::usage(format!("结束日期“{day}”格式不正确，应为 YYYY-MM-DD")))?;
    let today = to_local(now).date();
    if date > today {
        return Err(CliError::usage(format!(
            "结束日期 {date} 晚于今天（{today}）：演示数据不能发生在将来"
        )));
    }
    let evening = chrono::NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
    Ok(from_local(date.and_time(evening)).min(now))
}

/// Who the change is recorded as: the named account's 姓名, or the command line administrator.
async fn importer(store: &dyn Store, by: Option<&str>) -> Result<String, CliError> {
    match by {
        None => Ok("系统管理员（命令行）".to_owned()),
        Some(id) => match store.user(&UserId::new(id)).await.map_err(fail)? {
            Some(u) => Ok(u.name),
            None => Err(CliError::usage(format!("没有用户 {id}"))),
        },
    }
}

fn import_command(kind: ReferenceKind, ic: ImportCommand, out: &Output) -> Result<(), CliError> {
    let ImportCommand::Import {
        at,
        file,
        dry_run,
        replace,
        by,
    } = ic;
    let content = std::fs::read_to_string(&file).map_err(|e| CliError::io(&file, e))?;
    let rt = runtime()?;
    let report = rt.block_on(async {
        let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
            .await
            .map_err(fail)?;
        let by = importer(store.as_ref(), by.as_deref()).await?;
        let now = chrono::Utc::now();
        reference::adopt_legacy_catalogue(store.as_ref(), now)
            .await
            .map_err(fail)?;
        let current = reference::load(store.as_ref()).await.map_err(fail)?;
        reference::import(
            store.as_ref(),
            &current,
            reference::ImportRequest {
                kind,
                content: &content,
                by: &by,
                now,
                dry_run,
                replace,
                instance: "cli",
            },
        )
        .await
        .map_err(|e| match e {
            reference::ImportError::Malformed(e) => {
                CliError::Invalid(format!("{}：{e}", file.display()))
            }
            other => fail(other),
        })
    })?;
    out.print(&report, || report_text(&report))?;
    if !report.applied && !report.dry_run && !report.needs_replace.is_empty() {
        return Err(CliError::Checked);
    }
    Ok(())
}

fn report_text(r: &ReferenceImportReport) -> String {
    let label = r.kind.label();
    let mut s = String::new();
    if r.changes.is_empty() {
        return format!("{label}与已存储的第 {} 版相同，未作更改", r.from_version);
    }
    if r.applied {
        s.push_str(&format!(
            "{label}：第 {} 版 → 第 {} 版（已导入）\n",
            r.from_version, r.to_version
        ));
    } else {
        s.push_str(&format!("{label}：当前第 {} 版\n", r.from_version));
    }
    s.push_str("变化：\n");
    for line in &r.changes {
        s.push_str(&format!("  {line}\n"));
    }
    if !r.deadlines_moved.is_empty() {
        s.push_str(&format!(
            "办理期限变化的在办件（{} 件）：\n",
            r.deadlines_moved.len()
        ));
        for m in &r.deadlines_moved {
            s.push_str(&format!("  {}：{}\n", m.case, reference::move_message(m)));
        }
    }
    if !r.still_used.is_empty() {
        s.push_str("仍有在办件使用的被删除内容（新目录仅适用于新办件）：\n");
        for line in &r.still_used {
            s.push_str(&format!("  {line}\n"));
        }
    }
    if !r.needs_replace.is_empty() && !r.applied {
        let years: Vec<String> = r.needs_replace.iter().map(|y| format!("{y} 年")).collect();
        s.push_str(&format!(
            "已存储的 {} 节假日安排与文件不同：确认替换请加 --replace\n",
            years.join("、")
        ));
    }
    if r.applied && r.notified > 0 {
        s.push_str(&format!("已通知 {} 件办件的相关人员\n", r.notified));
    }
    if r.dry_run {
        s.push_str("（演练，未作任何更改）\n");
    } else if !r.applied {
        s.push_str("未作任何更改\n");
    }
    s
}

fn history_text(history: &[ReferenceChange]) -> String {
    if history.is_empty() {
        return "尚未导入任何参考数据（使用程序自带的第 0 版）".to_owned();
    }
    let mut s = String::new();
    for h in history {
        s.push_str(&format!(
            "{} 第 {} 版  {}  {}\n",
            h.kind.label(),
            h.version,
            permitdesk_domain::time::to_local(h.changed_at).format("%Y-%m-%d %H:%M"),
            h.changed_by
        ));
        for line in &h.changes {
            s.push_str(&format!("  {line}\n"));
        }
    }
    s
}

async fn user_command(uc: UserCommand, out: &Output) -> Result<(), CliError> {
    match uc {
        UserCommand::Add {
            at,
            id,
            name,
            role,
            department,
            organisation,
            levels,
            phone,
            password_stdin,
        } => {
            let role = parse_role(&role)?;
            let phone = phone.filter(|p| !p.trim().is_empty());
            if let Some(p) = &phone {
                check_mobile(p)?;
            }
            let department = department.map(DepartmentCode::new);
            let levels = permitdesk_server::levels::parse(levels.as_deref().unwrap_or(""));
            let (password, generated) = read_password(password_stdin)?;
            let hash = auth::hash_password(&password, PasswordCost::PRODUCTION).map_err(fail)?;
            let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                .await
                .map_err(fail)?;
            let levels = if levels.is_empty() {
                levels
            } else {
                let catalogue = permitdesk_server::levels::catalogue_in_force(store.as_ref())
                    .await
                    .map_err(fail)?;
                permitdesk_server::levels::validate(&catalogue, role, department.as_ref(), &levels)
                    .map_err(fail)?
            };
            let org = organisation.map(OrganisationId::new);
            let known = store.organisations().await.map_err(fail)?;
            if let Some(o) = &org
                && !known.iter().any(|x| &x.id == o)
            {
                // An organisation is created on first use, named by its id until renamed.
                let new = permitdesk_server::store::Organisation {
                    id: o.clone(),
                    name: o.to_string(),
                };
                store.upsert_organisation(&new).await.map_err(fail)?;
            }
            let user = UserRecord {
                id: UserId::new(id.clone()),
                name,
                role,
                department,
                organisation: org,
                password_hash: hash,
                disabled: false,
                levels,
            };
            store
                .create_user(&user, chrono::Utc::now())
                .await
                .map_err(fail)?;
            if let Some(p) = &phone {
                permitdesk_server::sms::set_phone(store.as_ref(), &user.id, p)
                    .await
                    .map_err(fail)?;
            }
            let shown = generated.then_some(password.as_str());
            out.print(
                &Created {
                    id: &id,
                    role,
                    password: shown,
                },
                || match shown {
                    Some(p) => format!("已创建用户 {id}，初始密码：{p}"),
                    None => format!("已创建用户 {id}"),
                },
            )
        }
        UserCommand::Levels { at, user, levels } => {
            let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                .await
                .map_err(fail)?;
            let wanted = permitdesk_server::levels::parse(&levels);
            let stored =
                permitdesk_server::levels::set(store.as_ref(), &UserId::new(user.clone()), &wanted)
                    .await
                    .map_err(fail)?;
            out.print(
                &serde_json::json!({"id": user, "department": stored.department, "levels": stored.levels}),
                || {
                    if stored.levels.is_empty() {
                        format!("用户 {user} 不再持有任何审批层级（不能签署层级审批）")
                    } else {
                        format!(
                            "用户 {user} 的审批层级：{}（已登录的客户端重新登录后生效）",
                            stored.levels.join("、")
                        )
                    }
                },
            )
        }
        UserCommand::Phone { at, user, number } => {
            if !number.trim().is_empty() {
                check_mobile(&number)?;
            }
            let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                .await
                .map_err(fail)?;
            let stored = permitdesk_server::sms::set_phone(
                store.as_ref(),
                &UserId::new(user.clone()),
                &number,
            )
            .await
            .map_err(fail)?;
            let masked = stored.as_ref().map(|p| p.masked());
            out.print(
                &serde_json::json!({"id": user, "phone": masked}),
                || match &masked {
                    Some(m) => format!(
                        "用户 {user} 的手机号码：{m}（待办提醒和时限提醒将以短信发到此号码）"
                    ),
                    None => format!("已删除用户 {user} 的手机号码（不再收到短信提醒）"),
                },
            )
        }
        UserCommand::Disable { at, id } => {
            let store = admin::open_store(&DataDir(at.data), at.database.as_deref())
                .await
                .map_err(fail)?;
            if !store
                .set_user_disabled(&UserId::new(id.clone()), true)
                .await
                .map_err(fail)?
            {
                return Err(CliError::Invalid(format!("没有用户 {id}")));
            }
            out.print(&serde_json::json!({"id": id, "disabled": true}), || {
                format!("已停用用户 {id}，其登录令牌均已失效")
            })
        }
        UserCommand::ResetPassword {
            at,
            id,
            password_stdin,
        } => {
            let (password, generated) = read_password(password_stdin)?;
            let hash = auth::hash_password(&password, PasswordCost::PRODUCTION).map_err(fail)?;
            let store: std::sync::Arc<dyn Store> =
                admin::open_store(&DataDir(at.data), at.database.as_deref())
                    .await
                    .map_err(fail)?;
            if !store
                .set_password_hash(&UserId::new(id.clone()), &hash)
                .await
                .map_err(fail)?
            {
                return Err(CliError::Invalid(format!("没有用户 {id}")));
            }
            let shown = generated.then_some(password.as_str());
            out.print(
                &serde_json::json!({"id": id, "password": shown}),
                || match shown {
                    Some(p) => format!("已重设用户 {id} 的密码：{p}（原登录令牌均已失效）"),
                    None => format!("已重设用户 {id} 的密码（原登录令牌均已失效）"),
                },
            )
        }
    }
}

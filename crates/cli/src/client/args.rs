//! The arguments of the headless client commands.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Commands of the headless client (they need `--profile DIR`, or $PERMITDESK_PROFILE).
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// 登录: connect to the server (its key pinned by fingerprint, or a CA file) and keep the
    /// session token in the OS keyring.
    Login(LoginArgs),
    /// 退出登录: forget the token (local data stays, encrypted; its key stays in the keyring).
    Logout,
    /// 本机配置: `profile remove DIR --yes` deletes a profile and its secrets in the keyring.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// 同步: upload files, push queued commands, pull what changed.
    Sync,
    /// 状态: queued commands, refusals, uploads, last sync, reference versions and the warning
    /// that next year's holiday table is missing.
    Status,
    /// 系统通知: deadline warnings, deadlines moved by a new holiday table (from what to what),
    /// deemed consent — for the entities this user may see (online).
    Notifications {
        /// Only those after this notice id (the `cursor` of the previous answer).
        #[arg(long, default_value_t = 0)]
        after: u64,
    },
    /// 参考数据: show the versions this profile decides with, or import a new version on the
    /// server (市工改办).
    #[command(subcommand)]
    Reference(super::reference::ReferenceCommand),
    /// 工程建设项目: register, submit, choose the flow, ...
    #[command(subcommand)]
    Project(ProjectCommand),
    /// 申报: create the cases of several items of one works at once, attach their materials and
    /// the stamped form, and submit them.
    Apply(ApplyArgs),
    /// 办件: act on one case.
    #[command(subcommand)]
    Case(CaseCommand),
    /// 待办: my work queue, most urgent first, with deadlines and warning levels.
    Queue(QueueArgs),
    /// 全过程留痕: the trail of a case (or `--project`), optionally verified.
    Trail(TrailArgs),
    /// 上传附件: keep a file in the encrypted cache and upload it (queued when offline).
    Attach(AttachArgs),
    /// 下载附件 into a file (from the cache or the server).
    Download(DownloadArgs),
    /// 已拒绝的操作: list them, or `--dismiss ID` one that was read; `refusals expired` lists
    /// those past the offline limit, `refusals reconfirm` confirms them again in one action.
    Refusals(RefusalArgs),
    /// 好差评: rate a finished case or a window visit.
    Rate(super::evaluation::RateArgs),
    /// 差评整改: start, complete, cannot rectify, callback, appeal, decide; list, show.
    #[command(subcommand)]
    Rectification(super::evaluation::RectificationCommand),
    /// 建议投诉: submit, assign, answer, dismiss; list, show.
    #[command(subcommand)]
    Complaint(super::evaluation::ComplaintCommand),
    /// 中介服务委托: request, quote, pick, commission, accept, deliver, confirm, review, ...;
    /// list, show.
    #[command(subcommand)]
    Commission(super::commission::CommissionCommand),
    /// 策划生成/联合会商: list, show, or act (`act` takes the consultation command as JSON).
    #[command(subcommand)]
    Consultation(ConsultationCommand),
    /// Any domain command as JSON (what the desktop app's generic action sends), decided
    /// locally by the domain first, queued, then synced unless `--offline`.
    Act(ActArgs),
    /// 打印文书: the PDF of a local case or project (申请表, 一次性告知单, 受理通知书, 补正告知书,
    /// 不予受理通知书, 退件通知书, 办结通知书, 电子证照), offline.
    Document(DocumentArgs),
}

#[derive(Debug, Args)]
pub struct DocumentArgs {
    /// application_form | one_time_notice | acceptance_receipt | correction_notice |
    /// refusal_notice | return_notice | completion_notice | certificate (or the Chinese title).
    pub kind: String,
    /// The case (or application / project for the first two).
    pub id: String,
    /// Where to write the PDF (a file or a directory; default: the current directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The server's URL, e.g. https://127.0.0.1:8443.
    #[arg(long)]
    pub server: String,
    /// The SHA-256 fingerprint of the server's public key, as `server init` printed it.
    #[arg(long, required_unless_present = "ca_file", conflicts_with = "ca_file")]
    pub fingerprint: Option<String>,
    /// Or: a PEM file of the CA that signed the server's certificate.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    #[arg(long)]
    pub user: String,
    /// Read the password from the first line of standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// What every action accepts.
#[derive(Debug, Args, Clone, Default)]
pub struct ActOptions {
    /// 意见 / 备注 recorded with the action.
    #[arg(long, global = true)]
    pub opinion: Option<String>,
    /// Queue only: do not try to sync after the action.
    #[arg(long, global = true)]
    pub offline: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// 项目登记: online by an applicant, or on site by the window (`--owner`).
    Register(Box<RegisterArgs>),
    /// 修改项目登记信息: the whole registration again, with the flags of `register` (the
    /// applicant while it is a draft or sent back, the window while it is at its desk).
    Edit {
        project: String,
        #[command(flatten)]
        details: Box<RegisterArgs>,
    },
    /// 提交综合窗口.
    Submit {
        project: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 一次性告知修正 (window).
    RequestCorrection {
        project: String,
        /// One problem (repeat for each).
        #[arg(long = "problem", required = true)]
        problems: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 选择审批流程 and issue the one-time notice (window).
    ChooseFlow {
        project: String,
        #[arg(long)]
        flow: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 添加工程.
    AddWorks {
        project: String,
        #[arg(long = "works-id")]
        works_id: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// 建筑面积 (平方米).
        #[arg(long, default_value = "0")]
        area: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 关闭项目.
    Close {
        project: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// Show a project with its cases and trail (local, offline).
    Show { project: String },
    /// List the projects in the local store.
    List,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Project id (default: a new random one).
    #[arg(long)]
    pub id: Option<String>,
    /// 现场登记 by the window for this organisation (its id, usually the credit code).
    #[arg(long)]
    pub owner: Option<String>,
    /// 项目代码, e.g. 2024-230102-48-01-123456.
    #[arg(long)]
    pub code: String,
    #[arg(long)]
    pub name: String,
    /// 建设单位名称.
    #[arg(long)]
    pub builder: String,
    /// 建设单位统一社会信用代码.
    #[arg(long)]
    pub credit_code: String,
    /// social or government.
    #[arg(long, default_value = "social")]
    pub investment: String,
    /// 项目分类编码 of the catalogue, e.g. SH-CF.
    #[arg(long)]
    pub category: String,
    #[arg(long)]
    pub address: String,
    /// 行政区划代码, e.g. 230102: one of the 行政区划 the hall serves (`reference show districts`).
    #[arg(long)]
    pub district: String,
    /// 总投资 (万元).
    #[arg(long, default_value = "0")]
    pub investment_wan: String,
    /// 用地面积 (平方米).
    #[arg(long, default_value = "0")]
    pub land_area: String,
    /// 总建筑面积 (平方米).
    #[arg(long, default_value = "0")]
    pub building_area: String,
    /// 联系人 as NAME,PHONE[,ROLE] (ROLE: legal_representative, project_lead, liaison, agent).
    #[arg(long = "contact", required = true)]
    pub contacts: Vec<String>,
    #[command(flatten)]
    pub act: ActOptions,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[arg(long)]
    pub project: String,
    #[arg(long)]
    pub works: String,
    /// 事项编码 (repeat for several items of the same works).
    #[arg(long = "item", required = true)]
    pub items: Vec<String>,
    /// 申报材料 as NAME=FILE (repeat); attached to every case.
    #[arg(long = "material")]
    pub materials: Vec<String>,
    /// The stamped application form (盖章申请表): PDF, OFD, JPEG or PNG.
    #[arg(long)]
    pub form: PathBuf,
    /// For the window applying on site: the applicant organisation (default: my organisation).
    #[arg(long)]
    pub applicant: Option<String>,
    /// Create and attach only; submit later with `case submit`.
    #[arg(long)]
    pub no_submit: bool,
    #[command(flatten)]
    pub act: ActOptions,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// 接件 (window).
    Receive {
        case: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 受理 (window): the terms come from the catalogue.
    Accept {
        case: String,
        /// Accept under 告知承诺制 (confirmed by the department first).
        #[arg(long)]
        commitment: bool,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 一次性补正告知 (window): every problem at once, as MATERIAL=REASON.
    RequestCorrection {
        case: String,
        #[arg(long = "point", required = true)]
        points: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 不予受理 (window).
    Refuse {
        case: String,
        #[arg(long = "reason", required = true)]
        reasons: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 层级审批签署 at the next level (or `--level`).
    SignOff {
        case: String,
        #[arg(long)]
        level: Option<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 暂停整改, with the points as MATERIAL=REASON.
    Pause {
        case: String,
        #[arg(long = "point", required = true)]
        points: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 恢复审批.
    Resume {
        case: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 提交整改材料 (applicant).
    Rectify {
        case: String,
        #[arg(long)]
        note: String,
        #[arg(long = "attach")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 开始特别程序.
    SpecialStart {
        case: String,
        #[arg(long)]
        procedure: u32,
        /// The kind (公示, 听证, ... or its code).
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 结束特别程序, with its result files.
    SpecialEnd {
        case: String,
        #[arg(long)]
        procedure: u32,
        #[arg(long)]
        summary: String,
        #[arg(long = "attach")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 延期 (once per case; only the holder of the case's top review level, the department's
    /// head, may grant it, and is recorded as its approver).
    Extend {
        case: String,
        #[arg(long)]
        days: u32,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 退件.
    Return {
        case: String,
        #[arg(long = "reason", required = true)]
        reasons: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 撤回 (applicant).
    Withdraw {
        case: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 办结: `--grant` with the certificate, or `--deny` with reasons.
    Complete(Box<CompleteArgs>),
    /// 上传材料 to a draft or a case under correction.
    AttachMaterial {
        case: String,
        #[arg(long)]
        material: String,
        file: PathBuf,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 移除材料 from a draft or a case under correction.
    DetachMaterial {
        case: String,
        #[arg(long)]
        material: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 提交 (or resubmit after correction) with the stamped form.
    Submit {
        case: String,
        #[arg(long)]
        form: PathBuf,
        #[command(flatten)]
        act: ActOptions,
    },
    /// Show a case as the local store has it.
    Show { case: String },
    /// 可办理的操作: what the logged-in user may do with the case now, and why not the rest
    /// (the domain's answer, the same list the desktop app offers).
    Actions { case: String },
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    pub case: String,
    #[arg(long, conflicts_with = "deny", required_unless_present = "deny")]
    pub grant: bool,
    #[arg(long)]
    pub deny: bool,
    /// Ignored: the server assigns the certificate number when it applies the completion
    /// (kept so that old scripts still run; a notice says so).
    #[arg(long, hide = true)]
    pub certificate_number: Option<String>,
    /// 证照名称.
    #[arg(long, required_if_eq("grant", "true"))]
    pub certificate_name: Option<String>,
    /// 有效期至 (YYYY-MM-DD).
    #[arg(long)]
    pub valid_until: Option<String>,
    /// The certificate file.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Reasons of a denial.
    #[arg(long = "reason")]
    pub reasons: Vec<String>,
    #[command(flatten)]
    pub act: ActOptions,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    /// Read the clocks as of this Beijing time (YYYY-MM-DDTHH:MM); default now.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Which list: todo (待办, the default), done (已办: cases I acted on), all (全部).
    #[arg(long, value_enum, default_value = "todo")]
    pub list: DeskListArg,
}

/// 待办 / 已办 / 全部.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeskListArg {
    /// 待办.
    Todo,
    /// 已办.
    Done,
    /// 全部.
    All,
}

impl From<DeskListArg> for permitdesk_client::reads::DeskList {
    fn from(a: DeskListArg) -> Self {
        match a {
            DeskListArg::Todo => Self::Todo,
            DeskListArg::Done => Self::Done,
            DeskListArg::All => Self::All,
        }
    }
}

#[derive(Debug, Args)]
pub struct TrailArgs {
    /// The case id (or use --project).
    #[arg(required_unless_present = "project")]
    pub case: Option<String>,
    #[arg(long, conflicts_with = "case")]
    pub project: Option<String>,
    /// Check the hash chain from its first event; exit 1 if it does not verify.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    pub file: PathBuf,
    /// Queue only; upload at the next sync.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    pub attachment: String,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RefusalArgs {
    /// Mark this refusal (by mutation id) as read.
    #[arg(long)]
    pub dismiss: Option<u64>,
    #[command(subcommand)]
    pub action: Option<RefusalAction>,
}

#[derive(Debug, Subcommand)]
pub enum RefusalAction {
    /// 超过离线时限的操作: what the server refused as older than the longest allowed offline
    /// period (and what it then refused on the same object), in one list: what, on which case or
    /// project, when (Beijing time), and whether the domain would take it now.
    Expired,
    /// 重新确认并提交: queue them again at the current time, all (`--all`) or the given ones
    /// (mutation ids from `refusals expired`), each decided again by the domain against the
    /// current local state; those it refuses stay in the list with the reason. Then sync unless
    /// `--offline`.
    Reconfirm {
        /// Every action of the list.
        #[arg(long, conflicts_with = "mutations")]
        all: bool,
        /// Mutation ids of the list.
        #[arg(required_unless_present = "all")]
        mutations: Vec<u64>,
        /// Queue only: do not try to sync afterwards.
        #[arg(long)]
        offline: bool,
    },
}

/// 本机配置 (a profile directory: the encrypted local store, its secrets in the keyring).
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// 删除本机配置: delete the profile's token, database key and remembered password from the
    /// OS keyring, then its files. Refused while commands wait to be synced, unless
    /// `--discard-unsent`.
    Remove {
        /// The profile directory (default: --profile, or $PERMITDESK_PROFILE).
        dir: Option<PathBuf>,
        /// Confirm the removal (it cannot be undone).
        #[arg(long)]
        yes: bool,
        /// Throw away the commands not yet synced.
        #[arg(long)]
        discard_unsent: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConsultationCommand {
    /// The consultations in the local store.
    List,
    /// One consultation, with its invitations, answers and compliance findings.
    Show { consultation: String },
    /// 合规性审查 as the system measures it: the planning zones the site overlaps, with area and
    /// share (what is recorded with the reviewer's conclusion).
    Findings { consultation: String },
    /// Act on a consultation: `--command` is the ConsultationCommand JSON (e.g.
    /// `{"command":"answer","department":"ZJJ","answer":{"answer":"not_involved"}}`).
    Act {
        consultation: String,
        #[arg(long)]
        command: String,
        #[command(flatten)]
        act: ActOptions,
    },
}

#[derive(Debug, Args)]
pub struct ActArgs {
    /// The DomainCommand JSON, e.g. `{"entity":"case","case":"C-1","command":{"command":"receive"}}`.
    #[arg(long)]
    pub command: String,
    #[command(flatten)]
    pub act: ActOptions,
}

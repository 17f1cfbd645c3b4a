//! 演示月: a month of a district hall's work, so that every queue, chart and table of a fresh
//! demo server has content. Everything goes through the server's own push
//! ([`Store::push`]) as the demo users of [`crate::demo::seed`], each command at its simulated
//! time (the push environment's clock is a manual clock set to that time, so the push rules —
//! no future actions, nothing older than the offline limit, nothing before an entity's last
//! event — hold as for a real client): applicants register projects online and submit them,
//! the window checks them, chooses the flow and issues the one-time notice; cases are
//! submitted, received, accepted, corrected (一次性补正告知) or refused, signed off level by
//! level by the reviewer who holds each level, paused and resumed, run special procedures, are
//! extended, returned, withdrawn, granted with a certificate or denied; finished cases are
//! rated (好差评, bad ratings rectified) and a few complaints are assigned and answered. Some
//! cases are left open: waiting at the window, in correction, in review (some overdue, some due
//! soon), paused.
//!
//! The story is deterministic from the seed and the end time. A refused command means the
//! story is wrong: seeding fails loudly ([`MonthError::Refused`]).

use crate::attachments::sha256_hex;
use crate::clock::ManualClock;
use crate::error::StoreError;
use crate::statistics::StatisticsData;
use crate::store::{PushEnv, Store, UploadLimits, UserRecord};
use crate::sync::PushRules;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use permitdesk_domain::actor::Role;
use permitdesk_domain::case::{
    CaseCommand, CaseState, CertificateRecord, CorrectionPoint, Decision,
};
use permitdesk_domain::catalogue::{Catalogue, Item, ItemKind};
use permitdesk_domain::clock::{LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use permitdesk_domain::evaluation::{
    ComplaintCommand, ComplaintId, ComplaintKind, Dimension, DimensionScore, EvaluationCommand,
    EvaluationId, Level, RatingSubject,
};
use permitdesk_domain::ids::{
    ApplicationId, AttachmentId, CaseId, CategoryCode, CertificateNumber, DepartmentCode, FlowCode,
    ItemCode, ProjectId, WorksId,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::project::{
    Area, Builder, Contact, ContactRole, InvestmentType, Location, Money, ProjectCommand,
    ProjectDetails, RegistrationState, Works,
};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::time::{from_local, to_local};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand, EntityRef};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The settings key recording that the month was seeded (and with what), so it is never
/// seeded twice on the same data.
pub const MONTH_SETTING: &str = "demo_month";
/// The seed `permitdesk demo month` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 2022;
/// How many calendar days the month covers (ending at `end`).
pub const MONTH_DAYS: i64 = 30;

/// Projects registered over the month.
const PROJECTS: usize = 300;
/// Cases applied for over the month.
const CASES: usize = 400;
/// Complaints and suggestions.
const COMPLAINTS: usize = 10;
/// Counted office minutes of one working day (09:00-17:00).
const DAY: u32 = 480;
/// Commands per push at most.
const BATCH: usize = 200;

/// Why the month could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum MonthError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("参考数据无法载入：{0}")]
    Reference(String),
    #[error(
        "演示月数据已经载入过（{0}），不能在同一数据上重复载入；如需重来，请换一个新的数据目录，依次运行 server init、demo seed、demo month"
    )]
    AlreadySeeded(String),
    #[error("缺少演示用户“{0}”：请先运行 permitdesk demo seed")]
    MissingUser(String),
    #[error("演示数据无效：{0}")]
    Data(String),
    #[error("演示附件上传失败：{0}")]
    Upload(String),
    #[error("服务器拒绝了 {count} 条演示命令（演示故事有误），第一条：{first}")]
    Refused { count: usize, first: String },
}

fn data(e: impl std::fmt::Display) -> MonthError {
    MonthError::Data(e.to_string())
}

/// How many projects or cases are in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateCount {
    /// The state's snake_case name, e.g. `in_review`.
    pub state: String,
    /// Its Chinese label, e.g. 审查中.
    pub label: String,
    pub count: usize,
}

/// What was seeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthReport {
    pub seed: u64,
    /// The first and last day of the month (Beijing dates).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub projects: usize,
    pub project_states: Vec<StateCount>,
    pub cases: usize,
    pub case_states: Vec<StateCount>,
    /// Open cases past their deadline, and due soon, at the end of the month.
    pub overdue: usize,
    pub due_soon: usize,
    pub certificates: usize,
    pub ratings: usize,
    pub bad_ratings: usize,
    pub complaints: usize,
    /// Commands pushed (every one applied) and events stored.
    pub commands: usize,
    pub events: usize,
}

impl MonthReport {
    /// The Chinese summary `permitdesk demo month` prints.
    pub fn text(&self) -> String {
        let mut s = format!(
            "已载入演示月数据（{} 至 {}，随机种子 {}）：\n项目 {} 个：",
            self.from, self.to, self.seed, self.projects
        );
        let states = |list: &[StateCount]| {
            list.iter()
                .map(|c| format!("{} {}", c.label, c.count))
                .collect::<Vec<_>>()
                .join("，")
        };
        s.push_str(&states(&self.project_states));
        s.push_str(&format!("\n办件 {} 件：", self.cases));
        s.push_str(&states(&self.case_states));
        s.push_str(&format!(
            "\n其中超期 {} 件、即将到期 {} 件；核发电子证照 {} 张\n好差评 {} 条（差评 {} 条），建议投诉 {} 件\n共 {} 条命令全部通过服务器规则办理，形成 {} 条留痕记录",
            self.overdue,
            self.due_soon,
            self.certificates,
            self.ratings,
            self.bad_ratings,
            self.complaints,
            self.commands,
            self.events
        ));
        s
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same month.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n (0 when n is 0).
    fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            u32::try_from(self.next() % u64::from(n)).unwrap_or(0)
        }
    }
    /// lo..=hi.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            lo
        } else {
            lo + self.below(hi - lo + 1)
        }
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> Option<&'a T> {
        let n = u32::try_from(list.len()).unwrap_or(u32::MAX);
        list.get(usize::try_from(self.below(n)).unwrap_or(0))
    }
    fn text<'a>(&mut self, list: &[&'a str]) -> &'a str {
        self.pick(list).copied().unwrap_or("")
    }
}

/// The working days of the month on the calendar in force, as a line of counted office
/// minutes: `t` is day `t / DAY` at 09:00 plus `t % DAY` minutes.
#[derive(Debug, Clone)]
struct Timeline {
    days: Vec<NaiveDate>,
}

impl Timeline {
    fn new(reference: &ReferenceSet, end: DateTime<Utc>) -> Result<Timeline, MonthError> {
        let local_end = to_local(end);
        let last = local_end.date();
        let mut days = Vec::new();
        for back in (0..MONTH_DAYS).rev() {
            let d = last - Duration::days(back);
            // The last day counts only once its office hours are over.
            if d == last && local_end.time() < NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default()
            {
                continue;
            }
            let working = reference
                .calendar
                .is_working_day(d)
                .unwrap_or(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun));
            if working {
                days.push(d);
            }
        }
        if days.len() < 12 {
            return Err(data("演示月中的工作日太少"));
        }
        Ok(Timeline { days })
    }

    /// One past the last counted minute.
    fn end(&self) -> u32 {
        u32::try_from(self.days.len()).unwrap_or(0) * DAY
    }

    fn at(&self, t: u32) -> Result<DateTime<Utc>, MonthError> {
        let day = self
            .days
            .get(usize::try_from(t / DAY).unwrap_or(usize::MAX))
            .ok_or_else(|| data(format!("时间 {t} 超出演示月")))?;
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
        Ok(from_local(
            day.and_time(nine) + Duration::minutes(i64::from(t % DAY)),
        ))
    }
}

/// The demo users the story is played by.
#[derive(Debug)]
struct Cast {
    users: Vec<UserRecord>,
    applicants: Vec<usize>,
    window: usize,
    reform: usize,
    /// Departments where every review level has its own signer: the signer of each level.
    signers: BTreeMap<DepartmentCode, Vec<usize>>,
}

impl Cast {
    fn new(mut users: Vec<UserRecord>, catalogue: &Catalogue) -> Result<Cast, MonthError> {
        users.retain(|u| !u.disabled);
        users.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        let find = |id: &str| {
            users
                .iter()
                .position(|u| u.id.as_str() == id)
                .ok_or_else(|| MonthError::MissingUser(id.to_owned()))
        };
        let window = find("window")?;
        let reform = find("reform")?;
        find("applicant")?;
        let applicants: Vec<usize> = users
            .iter()
            .enumerate()
            .filter(|(_, u)| {
                u.role == Role::Applicant
                    && u.organisation.is_some()
                    && u.id.as_str().starts_with("applicant")
            })
            .map(|(i, _)| i)
            .collect();
        let mut signers = BTreeMap::new();
        let mut codes: Vec<&DepartmentCode> = users
            .iter()
            .filter(|u| matches!(u.role, Role::DepartmentReviewer | Role::UtilityUnit))
            .filter_map(|u| u.department.as_ref())
            .collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            let Some(dept) = catalogue.department(code) else {
                continue;
            };
            let mut plan: Vec<usize> = Vec::new();
            for level in &dept.review_levels {
                let signer = users.iter().enumerate().position(|(i, u)| {
                    u.department.as_ref() == Some(code)
                        && matches!(u.role, Role::DepartmentReviewer | Role::UtilityUnit)
                        && u.levels.iter().any(|l| l == level)
                        && !plan.contains(&i)
                });
                match signer {
                    Some(i) => plan.push(i),
                    None => break,
                }
            }
            if !plan.is_empty() && plan.len() == dept.review_levels.len() {
                signers.insert(code.clone(), plan);
            }
        }
        if signers.is_empty() {
            return Err(MonthError::MissingUser(
                "持有各审批层级的审批人员（reviewer-zgj-1 等）".to_owned(),
            ));
        }
        Ok(Cast {
            users,
            applicants,
            window,
            reform,
            signers,
        })
    }

    fn user(&self, i: usize) -> Result<&UserRecord, MonthError> {
        self.users
            .get(i)
            .ok_or_else(|| data(format!("演示用户序号 {i} 不存在")))
    }
}

/// One command of the story, not yet placed in time.
#[derive(Debug, Clone)]
struct Planned {
    /// Counted minutes after the previous step of the same entity's story.
    gap: u32,
    user: usize,
    command: DomainCommand,
    opinion: Option<String>,
    attachments: Vec<AttachmentId>,
    /// Files this user uploads just before (content).
    uploads: Vec<Vec<u8>>,
}

/// One command placed at its time.
#[derive(Debug, Clone)]
struct Step {
    t: u32,
    order: usize,
    user: usize,
    command: DomainCommand,
    opinion: Option<String>,
    attachments: Vec<AttachmentId>,
    /// Entities that must be up to date before it (the case a rating names...).
    deps: Vec<String>,
}

#[derive(Debug, Default)]
struct Script {
    steps: Vec<Step>,
    uploads: Vec<(u32, usize, Vec<u8>)>,
}

impl Script {
    /// Places `plan` so that step `anchor` lands at `want` (or as near as `lo..hi` allows),
    /// squeezing the steps before and after it into `lo..hi`; steps that do not fit before
    /// `hi` are left out. Returns the times of the steps kept.
    fn place(
        &mut self,
        plan: Vec<Planned>,
        anchor: usize,
        want: u32,
        lo: u32,
        hi: u32,
        deps: &[String],
    ) -> Vec<u32> {
        if plan.is_empty() || hi <= lo + 1 {
            return vec![];
        }
        let mut offsets = Vec::with_capacity(plan.len());
        let mut acc: u64 = 0;
        for (i, p) in plan.iter().enumerate() {
            if i > 0 {
                acc += u64::from(p.gap.max(1));
            }
            offsets.push(acc);
        }
        let anchor = anchor.min(plan.len() - 1);
        let o_a = offsets.get(anchor).copied().unwrap_or(0);
        let n_pre = u64::try_from(anchor).unwrap_or(0);
        let n_post = u64::try_from(plan.len() - 1 - anchor).unwrap_or(0);
        // The anchor, kept where both sides fit.
        let lo64 = u64::from(lo);
        let hi64 = u64::from(hi);
        let t_a = u64::from(want)
            .max(lo64 + n_pre)
            .min(hi64.saturating_sub(1 + n_post.min(3)));
        let t_a = t_a.max(lo64);
        let mut times: Vec<u64> = Vec::with_capacity(plan.len());
        for (i, o) in offsets.iter().enumerate() {
            let t = if i <= anchor {
                let before = o_a - o;
                let room = t_a - lo64;
                if before > room && o_a > 0 {
                    // Squeeze the steps before the anchor into lo..t_a.
                    lo64 + (o * room) / o_a
                } else {
                    t_a - before
                }
            } else {
                let after = o - o_a;
                let last = offsets.last().copied().unwrap_or(o_a) - o_a;
                let room = hi64.saturating_sub(1).saturating_sub(t_a);
                if last > room && last > 0 {
                    t_a + (after * room) / last
                } else {
                    t_a + after
                }
            };
            let t = match times.last() {
                Some(prev) if t <= *prev => prev + 1,
                _ => t,
            };
            times.push(t);
        }
        let mut kept = Vec::new();
        for (p, t) in plan.into_iter().zip(times) {
            if t >= hi64 {
                break;
            }
            let t = u32::try_from(t).unwrap_or(u32::MAX);
            for u in p.uploads {
                self.uploads.push((t, p.user, u));
            }
            self.steps.push(Step {
                t,
                order: self.steps.len(),
                user: p.user,
                command: p.command,
                opinion: p.opinion,
                attachments: p.attachments,
                deps: deps.to_vec(),
            });
            kept.push(t);
        }
        kept
    }
}

fn step(gap: u32, user: usize, command: DomainCommand) -> Planned {
    Planned {
        gap,
        user,
        command,
        opinion: None,
        attachments: vec![],
        uploads: vec![],
    }
}

impl Planned {
    fn opinion(mut self, o: impl Into<String>) -> Self {
        self.opinion = Some(o.into());
        self
    }
}

/// A tiny valid PDF, distinct per tag (the upload checks the type by content).
fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% PermitDesk 演示月文件 {tag}\n%%EOF\n").into_bytes()
}

fn file_id(bytes: &[u8]) -> AttachmentId {
    AttachmentId::new(sha256_hex(bytes))
}

fn case_cmd(case: &str, command: CaseCommand) -> DomainCommand {
    DomainCommand::Case {
        case: CaseId::new(case),
        command,
    }
}

fn project_cmd(project: &str, command: ProjectCommand) -> DomainCommand {
    DomainCommand::Project {
        project: ProjectId::new(project),
        command,
    }
}

const DISTRICTS: [(&str, &str); 6] = [
    ("230109", "松北区"),
    ("230103", "南岗区"),
    ("230102", "道里区"),
    ("230108", "平房区"),
    ("230110", "香坊区"),
    ("230104", "道外区"),
];
const ROADS: [&str; 12] = [
    "世茂大道",
    "利民大道",
    "创新路",
    "学海街",
    "红旗大街",
    "友谊路",
    "哈平路",
    "中源大道",
    "先锋路",
    "南直路",
    "松花江街",
    "江南路",
];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马",
];
const GIVEN: [&str; 12] = [
    "建国", "海峰", "立新", "晓梅", "志强", "丽娟", "文博", "雪松", "春生", "玉兰", "宏伟", "佳怡",
];

/// A project's category and the kind of name it gets.
const CATEGORIES: [(&str, u32); 6] = [
    ("SH-CF", 30),
    ("SH-FDC", 20),
    ("SH-CC", 15),
    ("SH-XWFX", 15),
    ("ZF-FW", 12),
    ("ZF-LQ", 8),
];

fn project_name(rng: &mut Rng, category: &str, district: &str, road: &str, n: usize) -> String {
    let phase = ["一", "二", "三"][usize::try_from(rng.below(3)).unwrap_or(0)];
    match category {
        "SH-CF" => format!(
            "{district}{road}{}项目",
            rng.text(&[
                "智能装备标准化厂房",
                "食品加工厂房",
                "新材料生产基地",
                "汽车零部件厂房",
                "生物医药产业园厂房",
            ])
        ),
        "SH-FDC" => format!(
            "{district}{road}{}（{phase}期）",
            rng.text(&["住宅小区", "安置房小区", "商住综合体", "人才公寓"])
        ),
        "SH-CC" => format!(
            "{district}{road}{}项目",
            rng.text(&["冷链物流仓储中心", "电商物流园", "粮食仓储库", "物资储备库"])
        ),
        "SH-XWFX" => format!(
            "{district}{road}{}",
            rng.text(&["小型仓库", "单层生产车间", "配套仓储用房", "小型加工车间"])
        ),
        "ZF-FW" => format!(
            "{district}{}",
            rng.text(&[
                "第十九中学教学楼改扩建工程",
                "社区卫生服务中心新建工程",
                "老旧小区改造配套用房工程",
                "公共文化服务中心工程",
                "养老服务中心新建工程",
            ])
        ),
        _ => format!(
            "{district}{road}{}（{n}标段）",
            rng.text(&["道路改造工程", "桥梁维修加固工程", "排水管网改造工程"])
        ),
    }
}

/// What becomes of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProjectFate {
    Draft,
    AtWindow,
    Correction,
    Ready,
    Closed,
}

#[derive(Debug, Clone)]
struct ProjectPlan {
    id: String,
    owner: usize,
    flow: FlowCode,
    /// When it is ready for cases (flow chosen, works added).
    ready: u32,
    works: Vec<WorksId>,
}

/// What becomes of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    Submitted,
    Received,
    CommitmentPending,
    CorrectionOpen,
    NotAccepted,
    WithdrawnEarly,
    ReviewNormal,
    ReviewDueSoon,
    ReviewOverdue,
    ProcedureOpen,
    PausedOpen,
    Granted,
    Denied,
    Returned,
    WithdrawnInReview,
}

const FATES: [(Fate, u32); 16] = [
    (Fate::Draft, 3),
    (Fate::Submitted, 5),
    (Fate::Received, 3),
    (Fate::CommitmentPending, 2),
    (Fate::CorrectionOpen, 4),
    (Fate::NotAccepted, 4),
    (Fate::WithdrawnEarly, 2),
    (Fate::ReviewNormal, 11),
    (Fate::ReviewDueSoon, 6),
    (Fate::ReviewOverdue, 5),
    (Fate::ProcedureOpen, 3),
    (Fate::PausedOpen, 5),
    (Fate::Granted, 37),
    (Fate::Denied, 5),
    (Fate::Returned, 3),
    (Fate::WithdrawnInReview, 2),
];

fn weighted<T: Copy>(rng: &mut Rng, list: &[(T, u32)]) -> Option<T> {
    let total: u32 = list.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (v, w) in list {
        if r < *w {
            return Some(*v);
        }
        r -= w;
    }
    list.first().map(|(v, _)| *v)
}

impl Fate {
    fn in_review(self) -> bool {
        matches!(
            self,
            Fate::ReviewNormal
                | Fate::ReviewDueSoon
                | Fate::ReviewOverdue
                | Fate::ProcedureOpen
                | Fate::PausedOpen
                | Fate::Granted
                | Fate::Denied
                | Fate::Returned
                | Fate::WithdrawnInReview
        )
    }
    fn terminal(self) -> bool {
        matches!(
            self,
            Fate::NotAccepted
                | Fate::WithdrawnEarly
                | Fate::Granted
                | Fate::Denied
                | Fate::Returned
                | Fate::WithdrawnInReview
        )
    }
}

const CORRECTIONS: [(&str, &str); 6] = [
    (
        "申请表",
        "申请表“建设规模”与项目登记信息不一致，请核对后重新填写并加盖公章。",
    ),
    (
        "授权委托书",
        "授权委托书未注明委托期限，且缺少受托人身份证明复印件。",
    ),
    (
        "设计文件",
        "设计文件缺少总平面图及竖向设计图，请补充完整的电子图纸。",
    ),
    (
        "土地权属证明",
        "土地权属证明复印件不清晰，请上传清晰的扫描件。",
    ),
    (
        "建设资金落实情况的承诺书",
        "承诺书未加盖建设单位公章，请重新上传。",
    ),
    (
        "中标通知书",
        "本项目属依法必须招标的项目，须提交中标通知书复印件。",
    ),
];

const SIGN_OPINIONS: [&str; 5] = [
    "材料齐全，符合要求，同意。",
    "经审查符合相关规定，同意。",
    "同意，报上一级审批。",
    "审核无误，拟同意。",
    "同意。",
];

/// The month's whole story, planned.
struct Planner<'a> {
    rng: Rng,
    cast: &'a Cast,
    catalogue: &'a Catalogue,
    line: &'a Timeline,
    script: Script,
    year: i32,
    month_tag: String,
    projects: Vec<ProjectPlan>,
    /// Items a case may be applied for: those of departments with a signer at every level.
    items: Vec<&'a Item>,
    /// Terminal cases: (id, finished at, department, item, applicant).
    finished: Vec<(String, u32, DepartmentCode, ItemCode, usize)>,
}

impl<'a> Planner<'a> {
    fn end(&self) -> u32 {
        self.line.end()
    }

    fn days(&mut self, lo: u32, hi: u32) -> u32 {
        let n = self.rng.range(lo, hi);
        n * DAY + self.rng.range(0, DAY / 2)
    }

    fn minutes(&mut self, lo: u32, hi: u32) -> u32 {
        self.rng.range(lo, hi)
    }

    fn person(&mut self) -> String {
        format!("{}{}", self.rng.text(&SURNAMES), self.rng.text(&GIVEN))
    }

    fn details(
        &mut self,
        n: usize,
        owner: usize,
        category: &str,
    ) -> Result<ProjectDetails, MonthError> {
        let user = self.cast.user(owner)?;
        let org = user
            .organisation
            .clone()
            .ok_or_else(|| data("申请人没有所属单位"))?;
        let credit = CreditCode::parse(org.as_str()).map_err(data)?;
        let builder_name = crate::demo::organisations()
            .map_err(data)?
            .into_iter()
            .find(|o| o.id == org)
            .map(|o| o.name)
            .unwrap_or_else(|| user.name.clone());
        let (region, district) = *self.rng.pick(&DISTRICTS).unwrap_or(&DISTRICTS[0]);
        let road = self.rng.text(&ROADS);
        let name = project_name(&mut self.rng, category, district, road, n % 5 + 1);
        let (dept, kind) = match category {
            "ZF-FW" | "ZF-LQ" => ("48", "01"),
            "SH-FDC" => ("70", "03"),
            _ => ("48", "03"),
        };
        let code = ProjectCode::parse(&format!(
            "{}-{region}-{dept}-{kind}-{:06}",
            self.year,
            100_000 + self.rng.below(800_000)
        ))
        .map_err(data)?;
        let investment = if category.starts_with("ZF") {
            InvestmentType::Government
        } else {
            InvestmentType::Social
        };
        let land = i64::from(self.rng.range(3_000, 80_000));
        let building = land * i64::from(self.rng.range(6, 25)) / 10;
        let phone = format!("139{:08}", self.rng.below(100_000_000));
        Ok(ProjectDetails {
            code,
            name,
            builder: Builder {
                name: builder_name,
                credit_code: credit,
            },
            investment,
            category: CategoryCode::new(category),
            location: Location {
                address: format!("哈尔滨市{district}{road}{}号", self.rng.range(1, 999)),
                district: RegionCode::parse(region).map_err(data)?,
            },
            investment_amount: Money::from_wan(i64::from(self.rng.range(800, 90_000)))
                .ok_or_else(|| data("总投资"))?,
            land_area: Area::from_square_metres(land).ok_or_else(|| data("用地面积"))?,
            building_area: Area::from_square_metres(building).ok_or_else(|| data("建筑面积"))?,
            contacts: vec![Contact {
                name: self.person(),
                phone: PhoneNumber::parse(&phone).map_err(data)?,
                role: ContactRole::Liaison,
            }],
        })
    }

    /// Registers every project: most reach "flow chosen" with their works; a few stay at the
    /// window, in correction, in draft, or are closed.
    fn plan_projects(&mut self) -> Result<(), MonthError> {
        let end = self.end();
        for n in 0..PROJECTS {
            let id = format!("XM-{}-{:04}", self.month_tag, n + 1);
            let owner = *self
                .rng
                .pick(&self.cast.applicants)
                .ok_or_else(|| MonthError::MissingUser("applicant".to_owned()))?;
            let window = self.cast.window;
            let category = weighted(&mut self.rng, &CATEGORIES).unwrap_or("SH-CF");
            let Some(flow) = self
                .catalogue
                .flows_for_category(&CategoryCode::new(category))
                .first()
                .map(|f| f.code.clone())
            else {
                continue;
            };
            let fate = weighted(
                &mut self.rng,
                &[
                    (ProjectFate::Ready, 88),
                    (ProjectFate::AtWindow, 5),
                    (ProjectFate::Correction, 3),
                    (ProjectFate::Draft, 2),
                    (ProjectFate::Closed, 2),
                ],
            )
            .unwrap_or(ProjectFate::Ready);
            let details = self.details(n, owner, category)?;
            let mut plan = vec![step(
                0,
                owner,
                project_cmd(
                    &id,
                    ProjectCommand::RegisterOnline {
                        id: ProjectId::new(&id),
                        details: details.clone(),
                    },
                ),
            )];
            if fate != ProjectFate::Draft {
                let g = self.minutes(20, 300);
                plan.push(step(g, owner, project_cmd(&id, ProjectCommand::Submit)));
            }
            let corrected = fate == ProjectFate::Correction || self.rng.chance(12);
            if corrected && fate != ProjectFate::Draft && fate != ProjectFate::AtWindow {
                let g = self.days(0, 1);
                plan.push(step(
                    g,
                    window,
                    project_cmd(
                        &id,
                        ProjectCommand::RequestCorrection {
                            problems: vec![
                                "项目代码与投资项目在线审批监管平台的赋码信息不一致，请核对。"
                                    .into(),
                                "总建筑面积与用地面积、容积率不匹配，请核实后修改。".into(),
                            ],
                        },
                    ),
                ));
                if fate != ProjectFate::Correction {
                    let g = self.days(1, 2);
                    plan.push(step(
                        g,
                        owner,
                        project_cmd(&id, ProjectCommand::Edit { details }),
                    ));
                    let g = self.minutes(5, 40);
                    plan.push(step(g, owner, project_cmd(&id, ProjectCommand::Submit)));
                }
            }
            let mut works = Vec::new();
            if matches!(fate, ProjectFate::Ready | ProjectFate::Closed) {
                let g = self.days(0, 1);
                plan.push(
                    step(
                        g,
                        window,
                        project_cmd(
                            &id,
                            ProjectCommand::ChooseFlow {
                                flow: flow.clone(),
                                category: CategoryCode::new(category),
                            },
                        ),
                    )
                    .opinion("已核对登记信息，选择审批流程并出具一次性告知单"),
                );
                let count = 1 + usize::try_from(self.rng.below(2)).unwrap_or(0);
                for w in 0..count {
                    let wid = WorksId::new(format!("W-{}", w + 1));
                    let area = i64::from(self.rng.range(2_000, 40_000));
                    let g = self.minutes(3, 30);
                    plan.push(step(
                        g,
                        window,
                        project_cmd(
                            &id,
                            ProjectCommand::AddWorks {
                                works: Works {
                                    id: wid.clone(),
                                    name: format!("{}#楼", w + 1),
                                    description: self
                                        .rng
                                        .text(&["主体工程", "地下车库及配套用房", "单层钢结构厂房"])
                                        .to_owned(),
                                    building_area: Area::from_square_metres(area)
                                        .ok_or_else(|| data("工程建筑面积"))?,
                                },
                            },
                        ),
                    ));
                    works.push(wid);
                }
                if fate == ProjectFate::Closed {
                    let g = self.days(1, 4);
                    plan.push(step(
                        g,
                        window,
                        project_cmd(
                            &id,
                            ProjectCommand::Close {
                                reason: "建设单位申请，项目并入同一地块的其他项目办理".into(),
                            },
                        ),
                    ));
                }
            }
            let last = plan.len() - 1;
            // Open projects are recent; the others are spread over the month, most early.
            let want = match fate {
                ProjectFate::Ready => {
                    let r = self.rng.below(1000);
                    (end * 85 / 100) * r / 1000 * r / 1000 + self.rng.below(end / 4)
                }
                ProjectFate::Closed => self.rng.range(end / 4, end * 3 / 4),
                _ => end - self.rng.range(30, 3 * DAY),
            };
            let times = self.script.place(plan, last, want, 0, end, &[]);
            if fate == ProjectFate::Ready && times.len() == last + 1 {
                self.projects.push(ProjectPlan {
                    id,
                    owner,
                    flow,
                    ready: times.last().copied().unwrap_or(0),
                    works,
                });
            }
        }
        Ok(())
    }

    /// A fate's item: an item of the project's flow, of a department with all its signers; a
    /// case left in review
    /// needs a limit long enough to be read (and, overdue, short enough to have run out).
    fn item_for(&mut self, fate: Fate, project: &ProjectPlan) -> Option<&'a Item> {
        let days = u32::try_from(self.line.days.len()).unwrap_or(0);
        let fits = |i: &Item| match fate {
            Fate::ReviewNormal | Fate::ProcedureOpen | Fate::PausedOpen | Fate::ReviewDueSoon => {
                i.time_limit_working_days >= 3
            }
            Fate::ReviewOverdue => {
                i.time_limit_working_days >= 3 && i.time_limit_working_days + 8 <= days
            }
            Fate::Granted | Fate::Denied | Fate::Returned | Fate::WithdrawnInReview => {
                i.time_limit_working_days + 4 <= days
            }
            _ => true,
        };
        let in_flow: Vec<&'a Item> = self
            .catalogue
            .flow(&project.flow)
            .map(|f| {
                f.stages
                    .iter()
                    .flat_map(|s| s.items.iter())
                    .filter_map(|fi| self.items.iter().find(|i| i.code == fi.item).copied())
                    .filter(|i| fits(i))
                    .collect()
            })
            .unwrap_or_default();
        // Only the items of the project's flow: the server refuses any other (seed 6.2).
        self.rng.pick(&in_flow).copied()
    }

    fn plan_cases(&mut self) -> Result<(), MonthError> {
        let end = self.end();
        if self.projects.is_empty() {
            return Err(data("没有可申请事项的项目"));
        }
        for n in 0..CASES {
            let fate = weighted(&mut self.rng, &FATES).unwrap_or(Fate::Granted);
            // Any project, for now; the item decides when the case must start.
            let pi = usize::try_from(
                self.rng
                    .below(u32::try_from(self.projects.len()).unwrap_or(1)),
            )
            .unwrap_or(0);
            let Some(project) = self.projects.get(pi).cloned() else {
                continue;
            };
            let Some(item) = self.item_for(fate, &project) else {
                continue;
            };
            let limit = item.time_limit_working_days;
            // When the case should be accepted (or, before acceptance, its last step).
            let want = match fate {
                Fate::ReviewNormal | Fate::ProcedureOpen => {
                    end - (limit * DAY * self.rng.range(10, 45) / 100).max(DAY / 4)
                }
                Fate::ReviewDueSoon => {
                    let soon = (limit / 5).max(1) * DAY;
                    end - (limit * DAY - soon * self.rng.range(20, 70) / 100)
                }
                Fate::ReviewOverdue => end.saturating_sub((limit + self.rng.range(2, 5)) * DAY),
                Fate::PausedOpen => end.saturating_sub(self.rng.range(2, 7) * DAY),
                Fate::Draft
                | Fate::Submitted
                | Fate::Received
                | Fate::CommitmentPending
                | Fate::CorrectionOpen => end - self.rng.range(20, 3 * DAY),
                Fate::NotAccepted | Fate::WithdrawnEarly => self.rng.range(DAY, end - 30),
                Fate::Granted | Fate::Denied | Fate::Returned | Fate::WithdrawnInReview => {
                    let review = (limit + 2) * DAY;
                    self.rng.range(DAY, end.saturating_sub(review).max(DAY + 1))
                }
            };
            // A project ready in time for it: this one if it is, else another one that is, whose
            // flow has the item too.
            let need = want.saturating_sub(DAY);
            let project = if project.ready < need {
                project
            } else {
                let catalogue = self.catalogue;
                let ready: Vec<&ProjectPlan> = self
                    .projects
                    .iter()
                    .filter(|p| {
                        p.ready < need
                            && catalogue
                                .flow(&p.flow)
                                .is_some_and(|f| f.has_item(&item.code))
                    })
                    .collect();
                match self.rng.pick(&ready) {
                    Some(p) => (*p).clone(),
                    None => project,
                }
            };
            self.case(n, fate, item, &project, want)?;
        }
        Ok(())
    }

    fn signer_plan(&self, dept: &DepartmentCode) -> Result<Vec<usize>, MonthError> {
        self.cast
            .signers
            .get(dept)
            .cloned()
            .ok_or_else(|| data(format!("部门 {dept} 没有各层级的审批人员")))
    }

    #[allow(clippy::too_many_lines)]
    fn case(
        &mut self,
        n: usize,
        fate: Fate,
        item: &'a Item,
        project: &ProjectPlan,
        want: u32,
    ) -> Result<(), MonthError> {
        let end = self.end();
        let id = format!("BJ-{}-{:05}", self.month_tag, n + 1);
        let applicant = project.owner;
        let window = self.cast.window;
        let signers = self.signer_plan(&item.department)?;
        let levels: Vec<String> = self
            .catalogue
            .review_levels_for_item(&item.code)
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        let first = signers.first().copied().unwrap_or(window);
        let second = signers.get(1).copied().unwrap_or(first);
        let last = signers.last().copied().unwrap_or(first);
        let org = self
            .cast
            .user(applicant)?
            .organisation
            .clone()
            .ok_or_else(|| data("申请人没有所属单位"))?;
        let works = self
            .rng
            .pick(&project.works)
            .cloned()
            .unwrap_or_else(|| WorksId::new("W-1"));
        let c = |cmd: CaseCommand| case_cmd(&id, cmd);
        let mut plan = vec![step(
            0,
            applicant,
            c(CaseCommand::Create {
                application: ApplicationId::new(format!("SQ-{}-{:05}", self.month_tag, n + 1)),
                project: ProjectId::new(&project.id),
                works,
                item: item.code.clone(),
                department: item.department.clone(),
                applicant: org.clone(),
                commitment_allowed: item.commitment_allowed,
                number: None,
            }),
        )];
        for (k, m) in item.materials.iter().take(2).enumerate() {
            let bytes = pdf(&format!("{id} 材料 {k} {}", m.name));
            let g = self.minutes(2, 20);
            let mut s = step(
                g,
                applicant,
                c(CaseCommand::AttachMaterial {
                    material: m.name.clone(),
                    attachment: file_id(&bytes),
                }),
            );
            s.uploads.push(bytes);
            plan.push(s);
        }
        let mut anchor = plan.len() - 1;
        if fate == Fate::Draft {
            self.script
                .place(plan, anchor, want, project.ready + 1, end, &[]);
            return Ok(());
        }
        let form = pdf(&format!("{id} 盖章申请表"));
        let form_id = file_id(&form);
        let submit = |form_id: &AttachmentId| {
            case_cmd(
                &id,
                CaseCommand::Submit {
                    stamped_form: form_id.clone(),
                },
            )
        };
        let g = self.minutes(10, DAY);
        let mut s = step(g, applicant, submit(&form_id));
        s.uploads.push(form);
        plan.push(s);
        anchor = plan.len() - 1;
        if fate != Fate::Submitted {
            let g = self.minutes(20, DAY);
            plan.push(step(g, window, c(CaseCommand::Receive)));
            anchor = plan.len() - 1;
        }
        let commitment = item.commitment_allowed
            && (fate == Fate::CommitmentPending || (fate.in_review() && self.rng.chance(40)));
        let correction = !commitment
            && (fate == Fate::CorrectionOpen || (fate.in_review() && self.rng.chance(25)));
        if commitment {
            let g = self.minutes(5, 60);
            plan.push(step(
                g,
                window,
                c(CaseCommand::RequestCommitmentConfirmation),
            ));
            anchor = plan.len() - 1;
            if fate != Fate::CommitmentPending {
                let g = self.minutes(60, DAY);
                plan.push(
                    step(g, first, c(CaseCommand::ConfirmCommitment))
                        .opinion("符合告知承诺制适用条件，同意按告知承诺办理"),
                );
            }
        }
        if correction {
            let k = self.rng.range(1, 3);
            let mut points = Vec::new();
            for _ in 0..k {
                let (material, reason) = *self.rng.pick(&CORRECTIONS).unwrap_or(&CORRECTIONS[0]);
                if !points
                    .iter()
                    .any(|p: &CorrectionPoint| p.material == material)
                {
                    points.push(CorrectionPoint {
                        material: material.into(),
                        reason: reason.into(),
                    });
                }
            }
            let g = self.minutes(10, 240);
            plan.push(step(
                g,
                window,
                c(CaseCommand::RequestCorrection {
                    points: points.clone(),
                }),
            ));
            anchor = plan.len() - 1;
            if fate != Fate::CorrectionOpen {
                let fixed = pdf(&format!("{id} 补正材料"));
                let g = self.days(1, 3);
                let mut s = step(
                    g,
                    applicant,
                    c(CaseCommand::AttachMaterial {
                        material: points
                            .first()
                            .map(|p| p.material.clone())
                            .unwrap_or_else(|| "申请表".into()),
                        attachment: file_id(&fixed),
                    }),
                );
                s.uploads.push(fixed);
                plan.push(s);
                let form2 = pdf(&format!("{id} 盖章申请表（补正后）"));
                let g = self.minutes(5, 60);
                let mut s = step(g, applicant, submit(&file_id(&form2)));
                s.uploads.push(form2);
                plan.push(s);
                let g = self.minutes(20, DAY);
                plan.push(step(g, window, c(CaseCommand::Receive)));
            }
        }
        match fate {
            Fate::Submitted | Fate::Received | Fate::CommitmentPending | Fate::CorrectionOpen => {
                self.script
                    .place(plan, anchor, want, project.ready + 1, end, &[]);
                return Ok(());
            }
            Fate::NotAccepted => {
                let g = self.minutes(20, 240);
                plan.push(step(
                    g,
                    window,
                    c(CaseCommand::RefuseAcceptance {
                        reasons: vec![
                            self.rng
                                .text(&[
                                    "申请事项依法不属于本机关职权范围，请向区级主管部门申请。",
                                    "申请人不具备申请资格：项目尚未取得用地批准文件。",
                                    "同一事项已在办理中，不得重复申请。",
                                ])
                                .to_owned(),
                        ],
                    }),
                ));
                let times = self.script.place(
                    plan.clone(),
                    plan.len() - 1,
                    want,
                    project.ready + 1,
                    end,
                    &[],
                );
                self.finish(&id, &times, plan.len(), item, applicant);
                return Ok(());
            }
            Fate::WithdrawnEarly => {
                let g = self.minutes(30, 2 * DAY);
                plan.push(step(
                    g,
                    applicant,
                    c(CaseCommand::Withdraw {
                        reason: "建设方案调整，撤回申请后重新申报".into(),
                    }),
                ));
                let times = self.script.place(
                    plan.clone(),
                    plan.len() - 1,
                    want,
                    project.ready + 1,
                    end,
                    &[],
                );
                self.finish(&id, &times, plan.len(), item, applicant);
                return Ok(());
            }
            _ => {}
        }
        // 受理.
        let g = self.minutes(10, DAY / 2);
        plan.push(
            step(
                g,
                window,
                c(CaseCommand::Accept {
                    terms: permitdesk_domain::case::AcceptanceTerms {
                        catalogue_version: String::new(),
                        time_limit_working_days: 0,
                        review_levels: vec![],
                    },
                    commitment_based: commitment,
                }),
            )
            .opinion("材料齐全，符合法定形式，予以受理"),
        );
        let accept = plan.len() - 1;
        // The review: how far it gets, and how long it takes in counted minutes.
        let limit = item.time_limit_working_days;
        let n_levels = levels.len();
        let (signed, span) = match fate {
            Fate::ReviewNormal | Fate::ProcedureOpen | Fate::PausedOpen => (
                usize::try_from(self.rng.below(u32::try_from(n_levels).unwrap_or(1))).unwrap_or(0),
                end.saturating_sub(want).max(60) * 8 / 10,
            ),
            Fate::ReviewDueSoon | Fate::ReviewOverdue => (
                usize::try_from(self.rng.below(u32::try_from(n_levels).unwrap_or(1))).unwrap_or(0),
                end.saturating_sub(want).max(60) * 8 / 10,
            ),
            Fate::Returned | Fate::WithdrawnInReview => (
                usize::try_from(self.rng.below(u32::try_from(n_levels).unwrap_or(1))).unwrap_or(0),
                (limit * DAY * self.rng.range(20, 70) / 100).max(60),
            ),
            _ => {
                let late = self.rng.chance(10);
                let share = if late {
                    self.rng.range(105, 130)
                } else {
                    self.rng.range(25, 95)
                };
                (n_levels, (limit * DAY * share / 100).max(40))
            }
        };
        let stops = u32::try_from(signed + 1).unwrap_or(1);
        let pause_at =
            (fate == Fate::PausedOpen || (fate.terminal() && self.rng.chance(15))).then(|| {
                if fate == Fate::PausedOpen {
                    signed
                } else {
                    usize::try_from(self.rng.below(stops)).unwrap_or(0)
                }
            });
        let procedure_at = (fate == Fate::ProcedureOpen
            || (fate.terminal() && pause_at.is_none() && self.rng.chance(20)))
        .then(|| {
            if fate == Fate::ProcedureOpen {
                signed
            } else {
                usize::try_from(self.rng.below(stops)).unwrap_or(0)
            }
        });
        let extend = fate.terminal() && limit >= 5 && self.rng.chance(5);
        let gap = span / stops.max(1);
        for (k, level) in levels.iter().enumerate().take(signed) {
            if pause_at == Some(k) {
                self.pause(&mut plan, &id, applicant, second, true, gap);
            }
            if procedure_at == Some(k) {
                self.procedure(&mut plan, &id, second, true);
            }
            if extend && k == 1 {
                let g = self.minutes(30, 120);
                plan.push(step(
                    g,
                    last,
                    c(CaseCommand::Extend {
                        days: 5,
                        reason: "需组织专家论证，经批准延长办理时限".into(),
                    }),
                ));
            }
            let signer = signers.get(k).copied().unwrap_or(first);
            let g = self.rng.range(gap / 2, gap.max(1)).max(5);
            plan.push(
                step(
                    g,
                    signer,
                    c(CaseCommand::SignOff {
                        level: level.clone(),
                    }),
                )
                .opinion(self.rng.text(&SIGN_OPINIONS)),
            );
        }
        if pause_at == Some(signed) {
            let resume = fate != Fate::PausedOpen;
            self.pause(&mut plan, &id, applicant, second, resume, gap);
        }
        if procedure_at == Some(signed) {
            let close = fate != Fate::ProcedureOpen;
            self.procedure(&mut plan, &id, second, close);
        }
        match fate {
            Fate::Granted => {
                let number = format!("{}-{:05}", item.code, n + 1);
                let cert = pdf(&format!("{id} 电子证照 {number}"));
                let g = self.minutes(10, 90);
                let mut s = step(
                    g,
                    last,
                    c(CaseCommand::Complete {
                        decision: Decision::Granted {
                            certificate: CertificateRecord {
                                number: CertificateNumber::new(number),
                                name: certificate_name(item),
                                issued_on: NaiveDate::default(),
                                valid_until: None,
                                file: Some(file_id(&cert)),
                            },
                        },
                    }),
                )
                .opinion("准予许可");
                s.uploads.push(cert);
                plan.push(s);
            }
            Fate::Denied => {
                let g = self.minutes(10, 90);
                plan.push(
                    step(
                        g,
                        last,
                        c(CaseCommand::Complete {
                            decision: Decision::Denied {
                                reasons: vec![
                                    self.rng
                                        .text(&[
                                            "建设方案不符合控制性详细规划确定的容积率要求。",
                                            "项目选址位于生态保护红线范围内，依法不予许可。",
                                            "申请材料存在实质性缺陷，经补正仍不符合法定条件。",
                                        ])
                                        .to_owned(),
                                ],
                            },
                        }),
                    )
                    .opinion("不予许可"),
                );
            }
            Fate::Returned => {
                let g = self.minutes(30, DAY);
                plan.push(step(
                    g,
                    last,
                    c(CaseCommand::Return {
                        reasons: vec!["设计文件与规划条件不符，需调整设计方案后重新申报。".into()],
                    }),
                ));
            }
            Fate::WithdrawnInReview => {
                let g = self.minutes(30, DAY);
                plan.push(step(
                    g,
                    applicant,
                    c(CaseCommand::Withdraw {
                        reason: "项目投资计划调整，暂缓建设".into(),
                    }),
                ));
            }
            _ => {}
        }
        let count = plan.len();
        let times = self
            .script
            .place(plan, accept, want, project.ready + 1, end, &[]);
        if fate.terminal() {
            self.finish(&id, &times, count, item, applicant);
        }
        Ok(())
    }

    fn pause(
        &mut self,
        plan: &mut Vec<Planned>,
        id: &str,
        applicant: usize,
        reviewer: usize,
        resume: bool,
        gap: u32,
    ) {
        let g = self.rng.range(gap / 3, gap.max(1)).max(5);
        plan.push(step(
            g,
            reviewer,
            case_cmd(
                id,
                CaseCommand::Pause {
                    points: vec![CorrectionPoint {
                        material: "设计文件".into(),
                        reason: "消防车道宽度不满足规范要求，请修改总平面图后提交整改材料。".into(),
                    }],
                },
            ),
        ));
        let rectified = resume || self.rng.chance(50);
        if rectified {
            let g = self.days(1, 3);
            plan.push(step(
                g,
                applicant,
                case_cmd(
                    id,
                    CaseCommand::SubmitRectification {
                        note: "已按要求修改总平面图并重新上传".into(),
                    },
                ),
            ));
        }
        if resume {
            let g = self.minutes(30, DAY);
            plan.push(step(g, reviewer, case_cmd(id, CaseCommand::Resume)));
        }
    }

    fn procedure(&mut self, plan: &mut Vec<Planned>, id: &str, reviewer: usize, close: bool) {
        let kind = *self
            .rng
            .pick(&[
                SpecialProcedureKind::ExpertReview,
                SpecialProcedureKind::SiteSurvey,
                SpecialProcedureKind::PublicNotice,
                SpecialProcedureKind::ProfessionalReview,
                SpecialProcedureKind::SiteVerification,
            ])
            .unwrap_or(&SpecialProcedureKind::ExpertReview);
        let g = self.minutes(30, DAY);
        plan.push(step(
            g,
            reviewer,
            case_cmd(
                id,
                CaseCommand::StartSpecialProcedure { procedure: 1, kind },
            ),
        ));
        if close {
            let result = pdf(&format!("{id} 特别程序成果"));
            let g = self.days(1, 4);
            let mut s = step(
                g,
                reviewer,
                case_cmd(
                    id,
                    CaseCommand::EndSpecialProcedure {
                        procedure: 1,
                        summary: format!("{}已完成，结论：符合要求", kind.label()),
                    },
                ),
            );
            s.attachments.push(file_id(&result));
            s.uploads.push(result);
            plan.push(s);
        }
    }

    /// Remembers a case that reached its end within the month (for ratings).
    fn finish(&mut self, id: &str, times: &[u32], planned: usize, item: &Item, applicant: usize) {
        if times.len() == planned
            && let Some(t) = times.last()
        {
            self.finished.push((
                id.to_owned(),
                *t,
                item.department.clone(),
                item.code.clone(),
                applicant,
            ));
        }
    }

    /// 好差评 of finished cases (bad ones rectified and called back), and a few complaints.
    fn plan_interaction(&mut self) -> Result<(), MonthError> {
        let end = self.end();
        let finished = std::mem::take(&mut self.finished);
        for (case, t, dept, item, applicant) in &finished {
            if !self.rng.chance(65) {
                continue;
            }
            let org = self
                .cast
                .user(*applicant)?
                .organisation
                .clone()
                .ok_or_else(|| data("申请人没有所属单位"))?;
            let level = weighted(
                &mut self.rng,
                &[
                    (Level::VerySatisfied, 62),
                    (Level::Satisfied, 22),
                    (Level::BasicallySatisfied, 8),
                    (Level::Dissatisfied, 5),
                    (Level::VeryDissatisfied, 3),
                ],
            )
            .unwrap_or(Level::VerySatisfied);
            let bad = matches!(level, Level::Dissatisfied | Level::VeryDissatisfied);
            let comment = if bad {
                self.rng.text(&[
                    "补正材料来回多次，办理时间过长",
                    "窗口告知不清楚，多跑了一次",
                ])
            } else {
                self.rng.text(&[
                    "办理高效，全程网上办，点赞",
                    "工作人员耐心细致",
                    "比承诺时限提前办结",
                    "流程清晰，一次告知到位",
                ])
            };
            let eid = format!("case/{case}");
            let ev = |command: EvaluationCommand| DomainCommand::Evaluation {
                evaluation: EvaluationId::new(&eid),
                command,
            };
            let mut plan = vec![step(
                0,
                *applicant,
                ev(EvaluationCommand::Rate {
                    subject: RatingSubject::Case {
                        case: CaseId::new(case),
                        item: item.clone(),
                        department: dept.clone(),
                        applicant: org,
                    },
                    level,
                    dimensions: [
                        Dimension::Efficiency,
                        Dimension::GuideAccuracy,
                        Dimension::Convenience,
                        Dimension::PlatformUsability,
                    ]
                    .into_iter()
                    .map(|dimension| DimensionScore { dimension, level })
                    .collect(),
                    comment: comment.to_owned(),
                }),
            )];
            if bad && let Some(signers) = self.cast.signers.get(dept) {
                let first = signers.first().copied().unwrap_or(self.cast.window);
                let second = signers.get(1).copied().unwrap_or(first);
                let g = self.days(0, 2);
                plan.push(step(
                    g,
                    first,
                    ev(EvaluationCommand::StartRectification {
                        plan: "逐项梳理一次性告知内容，专人跟踪补正".into(),
                    }),
                ));
                let g = self.days(1, 4);
                plan.push(step(
                    g,
                    first,
                    ev(EvaluationCommand::CompleteRectification {
                        result: "修订一次性告知单，增加材料示例和常见问题".into(),
                    }),
                ));
                let g = self.days(0, 2);
                plan.push(step(
                    g,
                    second,
                    ev(EvaluationCommand::RecordCallback {
                        applicant_satisfied: true,
                        note: "电话回访，申请人对整改结果表示满意".into(),
                    }),
                ));
            }
            let want = t + self.days(0, 3) + 1;
            let deps = [EntityRef::Case(CaseId::new(case)).key()];
            self.script.place(plan, 0, want, t + 1, end, &deps);
        }
        let depts: Vec<DepartmentCode> = self.cast.signers.keys().cloned().collect();
        for k in 0..COMPLAINTS {
            let Some(dept) = self.rng.pick(&depts).cloned() else {
                break;
            };
            let Some(project) = self.rng.pick(&self.projects).cloned() else {
                break;
            };
            let applicant = project.owner;
            let id = format!("TS-{}-{:03}", self.month_tag, k + 1);
            let kc = |command: ComplaintCommand| DomainCommand::Complaint {
                complaint: ComplaintId::new(&id),
                command,
            };
            let kind = if k % 3 == 2 {
                ComplaintKind::Suggestion
            } else {
                ComplaintKind::Complaint
            };
            let (title, content) = match kind {
                ComplaintKind::Suggestion => (
                    "建议增加办事指南材料示例",
                    "建议在一次性告知单中附上常见材料的填写示例，减少补正次数。",
                ),
                ComplaintKind::Complaint => (
                    *self
                        .rng
                        .pick(&["审批超过承诺时限", "补正要求前后不一致"])
                        .unwrap_or(&""),
                    "申请事项已超过承诺办理时限仍未办结，希望尽快处理并说明原因。",
                ),
            };
            let reviewer = self
                .cast
                .signers
                .get(&dept)
                .and_then(|s| s.get(1).or(s.first()))
                .copied()
                .unwrap_or(self.cast.window);
            let mut plan = vec![step(
                0,
                applicant,
                kc(ComplaintCommand::Submit {
                    kind,
                    title: title.to_owned(),
                    content: content.to_owned(),
                    project: Some(ProjectId::new(&project.id)),
                    department: Some(dept.clone()),
                }),
            )];
            if k % 5 != 4 {
                let g = self.days(0, 1);
                plan.push(step(
                    g,
                    self.cast.reform,
                    kc(ComplaintCommand::Assign {
                        department: dept.clone(),
                        limit_working_days: 5,
                    }),
                ));
                if k % 4 != 3 {
                    let g = self.days(1, 3);
                    plan.push(step(
                        g,
                        reviewer,
                        kc(ComplaintCommand::Answer {
                            answer: "已核实情况并约谈承办人，相关事项已加快办理，今后将提前告知办理进度。"
                                .into(),
                        }),
                    ));
                }
            }
            let lo = project.ready + 1;
            let want = self.rng.range(lo, end.saturating_sub(DAY).max(lo + 1));
            let deps = [EntityRef::Project(ProjectId::new(&project.id)).key()];
            self.script.place(plan, 0, want, lo, end, &deps);
        }
        Ok(())
    }
}

fn certificate_name(item: &Item) -> String {
    let name = item.name.trim_end_matches("核发");
    match item.kind {
        ItemKind::AdministrativeApproval if name.ends_with('证') => name.to_owned(),
        ItemKind::Filing => format!("{name}备案证明"),
        ItemKind::MunicipalUtility => format!("{name}办结单"),
        _ => format!("{name}批复文件"),
    }
}

/// Pushes the placed steps as the users they belong to, in time order, in batches per user;
/// a batch is pushed before another user's step on the same entity (or one that depends on
/// it). Returns the number of commands and events.
async fn play(
    store: &dyn Store,
    reference: &Arc<ReferenceSet>,
    rules: PushRules,
    cast: &Cast,
    line: &Timeline,
    mut script: Script,
) -> Result<(usize, usize), MonthError> {
    let limits = UploadLimits {
        max_file_size: 1 << 20,
        per_user_quota: u64::MAX,
    };
    for (t, user, bytes) in &script.uploads {
        let sha = sha256_hex(bytes);
        let len = u64::try_from(bytes.len()).unwrap_or(0);
        store
            .put_chunk(&sha, 0, len, bytes, cast.user(*user)?, limits, line.at(*t)?)
            .await?
            .map_err(|e| MonthError::Upload(e.to_string()))?;
    }
    script.steps.sort_by_key(|s| (s.t, s.order));
    let clock = Arc::new(ManualClock::new(line.at(0)?));
    let env = PushEnv {
        reference: reference.clone(),
        rules,
        clock: clock.clone(),
    };
    let mut player = Player {
        store,
        env,
        clock,
        cast,
        line,
        pending: BTreeMap::new(),
        owner: HashMap::new(),
        mutation: HashMap::new(),
        refused: Vec::new(),
        commands: 0,
        events: 0,
        max_span: rules.max_offline - Duration::hours(12),
    };
    for s in script.steps {
        player.add(s).await?;
    }
    let users: Vec<usize> = player.pending.keys().copied().collect();
    for u in users {
        player.flush(u).await?;
    }
    if let Some(first) = player.refused.first() {
        return Err(MonthError::Refused {
            count: player.refused.len(),
            first: first.clone(),
        });
    }
    Ok((player.commands, player.events))
}

struct Player<'a> {
    store: &'a dyn Store,
    env: PushEnv,
    clock: Arc<ManualClock>,
    cast: &'a Cast,
    line: &'a Timeline,
    pending: BTreeMap<usize, Vec<Step>>,
    /// Entity key -> the user whose pending batch touches it.
    owner: HashMap<String, usize>,
    mutation: HashMap<usize, u64>,
    refused: Vec<String>,
    commands: usize,
    events: usize,
    max_span: Duration,
}

impl Player<'_> {
    async fn add(&mut self, s: Step) -> Result<(), MonthError> {
        let mut keys = vec![s.command.entity().key()];
        keys.extend(s.deps.iter().cloned());
        if let DomainCommand::Case {
            command: CaseCommand::Create { project, .. },
            ..
        } = &s.command
        {
            keys.push(EntityRef::Project(project.clone()).key());
        }
        for k in &keys {
            if let Some(&other) = self.owner.get(k)
                && other != s.user
            {
                self.flush(other).await?;
            }
        }
        let at = self.line.at(s.t)?;
        let too_long = match self.pending.get(&s.user).and_then(|b| b.first()) {
            Some(first) => at - self.line.at(first.t)? > self.max_span,
            None => false,
        };
        if too_long || self.pending.get(&s.user).is_some_and(|b| b.len() >= BATCH) {
            self.flush(s.user).await?;
        }
        for k in keys {
            self.owner.insert(k, s.user);
        }
        self.pending.entry(s.user).or_default().push(s);
        Ok(())
    }

    async fn flush(&mut self, user: usize) -> Result<(), MonthError> {
        let Some(batch) = self.pending.remove(&user) else {
            return Ok(());
        };
        self.owner.retain(|_, u| *u != user);
        if batch.is_empty() {
            return Ok(());
        }
        let record = self.cast.user(user)?;
        let client = format!("demo-month-{}", record.id);
        let next = match self.mutation.get(&user) {
            Some(m) => *m,
            None => self.store.last_mutation_id(&client).await?,
        };
        let mut envelopes = Vec::with_capacity(batch.len());
        let mut latest = self.line.at(0)?;
        for (i, s) in batch.iter().enumerate() {
            let at = self.line.at(s.t)?;
            latest = latest.max(at);
            let mut command = s.command.clone();
            // The certificate is issued on the day of completion.
            if let DomainCommand::Case {
                command:
                    CaseCommand::Complete {
                        decision: Decision::Granted { certificate },
                    },
                ..
            } = &mut command
            {
                certificate.issued_on = to_local(at).date();
            }
            envelopes.push(CommandEnvelope {
                mutation_id: next + 1 + u64::try_from(i).unwrap_or(0),
                command,
                acted_at: at,
                opinion: s.opinion.clone(),
                attachments: s.attachments.clone(),
                base_version: 0,
            });
        }
        self.mutation
            .insert(user, next + u64::try_from(batch.len()).unwrap_or(0));
        self.clock.set(latest);
        let result = self
            .store
            .push(&self.env, record, &client, &envelopes)
            .await?;
        for (r, s) in result.results.iter().zip(&batch) {
            self.commands += 1;
            match &r.outcome {
                CommandOutcome::Applied { server_seqs } => self.events += server_seqs.len(),
                CommandOutcome::Refused { refusal } => self.refused.push(format!(
                    "{} 以 {} 身份办理 {}：{}",
                    to_local(self.line.at(s.t)?).format("%Y-%m-%d %H:%M"),
                    record.id,
                    s.command.entity().key(),
                    refusal.message()
                )),
                CommandOutcome::Duplicate => self.refused.push(format!(
                    "{}：命令编号 {} 已被处理过",
                    s.command.entity().key(),
                    r.mutation_id
                )),
            }
        }
        if result.results.len() != batch.len() {
            self.refused.push(format!(
                "推送 {} 条命令，只得到 {} 条结果",
                batch.len(),
                result.results.len()
            ));
        }
        Ok(())
    }
}

/// Seeds a month of work ending at `end` on `store`, as the demo users (after
/// [`crate::demo::seed`]), with the reference data in force; refuses if already seeded.
pub async fn seed_month(
    store: &dyn Store,
    end: DateTime<Utc>,
    seed: u64,
) -> Result<MonthReport, MonthError> {
    if let Some(done) = store.setting(MONTH_SETTING).await? {
        let when = serde_json::from_str::<serde_json::Value>(&done)
            .ok()
            .and_then(|v| {
                Some(format!(
                    "截至 {}，随机种子 {}",
                    v.get("to")?.as_str()?,
                    v.get("seed")?
                ))
            })
            .unwrap_or(done);
        return Err(MonthError::AlreadySeeded(when));
    }
    let reference = Arc::new(
        crate::reference::load(store)
            .await
            .map_err(|e| MonthError::Reference(e.to_string()))?,
    );
    let cast = Cast::new(store.users().await?, &reference.catalogue)?;
    let line = Timeline::new(&reference, end)?;
    let catalogue = &reference.catalogue;
    let items: Vec<&Item> = catalogue
        .items
        .iter()
        .filter(|i| cast.signers.contains_key(&i.department))
        .collect();
    let local_end = to_local(end);
    let mut planner = Planner {
        rng: Rng(seed ^ 0x5045_524D_4954_4445),
        cast: &cast,
        catalogue,
        line: &line,
        script: Script::default(),
        year: local_end.year(),
        month_tag: local_end.format("%Y%m").to_string(),
        projects: Vec::new(),
        items,
        finished: Vec::new(),
    };
    planner.plan_projects()?;
    planner.plan_cases()?;
    planner.plan_interaction()?;
    let script = std::mem::take(&mut planner.script);
    let (commands, events) = play(
        store,
        &reference,
        PushRules::default(),
        &cast,
        &line,
        script,
    )
    .await?;
    let report = report(store, &reference, &line, seed, end, commands, events).await?;
    store
        .set_setting(
            MONTH_SETTING,
            &serde_json::json!({
                "from": report.from,
                "to": report.to,
                "seed": seed,
                "projects": report.projects,
                "cases": report.cases,
            })
            .to_string(),
        )
        .await?;
    Ok(report)
}

/// Counts per state, in the state's order (`rank`).
fn count_states(states: impl Iterator<Item = (usize, String, String)>) -> Vec<StateCount> {
    let mut counts: BTreeMap<usize, StateCount> = BTreeMap::new();
    for (rank, state, label) in states {
        counts
            .entry(rank)
            .or_insert(StateCount {
                state,
                label,
                count: 0,
            })
            .count += 1;
    }
    counts.into_values().collect()
}

async fn report(
    store: &dyn Store,
    reference: &ReferenceSet,
    line: &Timeline,
    seed: u64,
    end: DateTime<Utc>,
    commands: usize,
    events: usize,
) -> Result<MonthReport, MonthError> {
    let mut stats = StatisticsData::default();
    let tag = to_local(end).format("-%Y%m-").to_string();
    let mut ratings = std::collections::BTreeSet::new();
    let mut bad = std::collections::BTreeSet::new();
    let mut complaints = std::collections::BTreeSet::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 20_000).await?;
        let Some(last) = page.last() else { break };
        after = last.server_seq;
        for e in page.iter().filter(|e| e.entity_key.contains(&tag)) {
            if e.entity_key.starts_with("evaluation:") {
                ratings.insert(e.entity_key.clone());
                if e.json.contains("\"rectification_opened\"") {
                    bad.insert(e.entity_key.clone());
                }
            } else if e.entity_key.starts_with("complaint:") {
                complaints.insert(e.entity_key.clone());
            }
        }
        stats.apply_page(&page)?;
    }
    let mine = |id: &str| id.contains(&tag);
    let projects: Vec<_> = stats
        .projects
        .iter()
        .filter(|p| mine(p.id.as_str()))
        .collect();
    let cases: Vec<_> = stats.cases.iter().filter(|c| mine(c.id.as_str())).collect();
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let as_of = to_local(end);
    let (mut overdue, mut due_soon) = (0, 0);
    for c in &cases {
        if !matches!(c.state, CaseState::InReview | CaseState::Paused) {
            continue;
        }
        let Some(input) = c.clock_input() else {
            continue;
        };
        match clock.evaluate(&input, as_of).map(|r| r.level) {
            Ok(WarningLevel::Overdue) => overdue += 1,
            Ok(WarningLevel::DueSoon) => due_soon += 1,
            _ => {}
        }
    }
    Ok(MonthReport {
        seed,
        from: line.days.first().copied().unwrap_or_default(),
        to: line.days.last().copied().unwrap_or_default(),
        projects: projects.len(),
        project_states: count_states(projects.iter().map(|p| {
            let rank = RegistrationState::ALL
                .iter()
                .position(|s| *s == p.state)
                .unwrap_or(usize::MAX);
            (
                rank,
                crate::sync::snake(&p.state),
                p.state.label().to_owned(),
            )
        })),
        cases: cases.len(),
        case_states: count_states(cases.iter().map(|c| {
            (
                c.state as usize,
                crate::sync::snake(&c.state),
                c.state.label().to_owned(),
            )
        })),
        overdue,
        due_soon,
        certificates: cases
            .iter()
            .filter(|c| matches!(c.decision, Some(Decision::Granted { .. })))
            .count(),
        ratings: ratings.len(),
        bad_ratings: bad.len(),
        complaints: complaints.len(),
        commands,
        events,
    })
}

//! Data exchange (数据共享): map projects, cases and the catalogue to the national data-sharing
//! tables (SPGL_*) as incremental batches, import them back, and read the investment platform.
//!
//! Handling-state codes (办理状态 BLZT) as we report them, per the standard's 1-15:
//! - 1 已接件: the window received the case (`Received`).
//! - 2 已撤件: withdrawn before the window received it; 14 撤回: withdrawn after.
//! - 3 已受理: accepted, no level has signed off yet and no special procedure is open.
//! - 4 不受理: our 退件 (`Returned`): the window sends it back without accepting it; the
//!   applicant applies again. 5 不予受理: `NotAccepted` (formal refusal with reasons).
//! - 6 补正开始: a correction notice (`CorrectionRequested`) and also a pause for rectification
//!   (暂停整改, `Paused`); the two are told apart by 受理时间 SLSJ (a pause is after acceptance).
//!   7 补正结束: the resubmission after a correction, or the resumption after a pause.
//! - 8 部门开始办理: at least one review level signed off (each sign-off is a detail row 8).
//! - 9/10 特别程序开始/结束: as current state, 9 while a procedure is open; 10 appears in details.
//! - 11 办结（通过）, 13 办结（不通过）. 12 容缺通过 and 15 撤销 are never produced (we have no
//!   容缺受理 and no revocation); an import reads 12 as granted and refuses 15.
//! - Drafts and submitted-but-not-received cases are not reported (the standard starts at 1).
//!
//! Two ways to cut a batch: [`export_batch`] by time (the rows touched after `since`), and
//! [`export_increment`] by what the caller says is new (the server: the events stored after
//! its last batch, by server sequence number, so that an action made offline and pushed days
//! later is neither lost nor sent twice). Rows are keyed by DFSJZJ: a later batch's row
//! replaces an earlier one ([`Batch::merge`]).

pub mod csv;
pub mod platform;
pub mod tables;

use crate::case::{Case, CaseChange, CaseEvent, CaseState, Decision};
use crate::catalogue::{Catalogue, Stage};
use crate::ids::{CaseId, DepartmentCode, ItemCode, ProjectId, WorksId};
use crate::project::{InvestmentType, Project};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
pub use tables::*;

/// 数据有效标识: valid.
const VALID: u8 = 1;
/// 数据上传状态: not yet uploaded (the gateway sets it once it has the row).
const NOT_UPLOADED: u8 = 0;

/// Why an export or import failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("办件 {case} 所属项目 {project} 不在导出数据中，请一并导出该项目")]
    UnknownProject { case: String, project: String },
    #[error("办件 {case} 的事项 {item} 不在事项目录中，请检查目录版本")]
    UnknownItem { case: String, item: String },
    #[error("办件 {case} 的办理状态代码 {code} 无法识别（应为 1-14）")]
    BadCode { case: String, code: u8 },
    #[error("数据共享表 {table} 缺失，请确认导出目录完整")]
    MissingTable { table: String },
    #[error("数据共享表 {table} 格式有误：{message}")]
    BadTable { table: String, message: String },
}

/// The SPGL tables of one batch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tables {
    #[serde(rename = "SPGL_XMJBXXB")]
    pub projects: Vec<ProjectRow>,
    #[serde(rename = "SPGL_XMDWXXB")]
    pub units: Vec<UnitRow>,
    #[serde(rename = "SPGL_DFXMSPLCXXB")]
    pub flows: Vec<FlowRow>,
    #[serde(rename = "SPGL_DFXMSPLCJDXXB")]
    pub stages: Vec<StageRow>,
    #[serde(rename = "SPGL_DFXMSPLCJDSXXXB")]
    pub stage_items: Vec<StageItemRow>,
    #[serde(rename = "SPGL_XMSPSXBLXXB")]
    pub handling: Vec<HandlingRow>,
    #[serde(rename = "SPGL_XMSPSXBLXXXXB")]
    pub handling_details: Vec<HandlingDetailRow>,
    #[serde(rename = "SPGL_XMSPSXPFWJXXB")]
    pub approval_documents: Vec<ApprovalDocumentRow>,
    #[serde(rename = "SPGL_XMSPSXTBCXXXB")]
    pub special_procedures: Vec<SpecialProcedureRow>,
}

/// The table names, in the order files are written.
pub const TABLE_NAMES: [&str; 9] = [
    "SPGL_XMJBXXB",
    "SPGL_XMDWXXB",
    "SPGL_DFXMSPLCXXB",
    "SPGL_DFXMSPLCJDXXB",
    "SPGL_DFXMSPLCJDSXXXB",
    "SPGL_XMSPSXBLXXB",
    "SPGL_XMSPSXBLXXXXB",
    "SPGL_XMSPSXPFWJXXB",
    "SPGL_XMSPSXTBCXXXB",
];

/// The tables' Chinese names, in [`TABLE_NAMES`] order.
pub const TABLE_LABELS: [&str; 9] = [
    "项目基本信息表",
    "项目单位信息表",
    "地方项目审批流程信息表",
    "地方项目审批流程阶段信息表",
    "地方项目审批流程阶段事项信息表",
    "项目审批事项办理信息表",
    "项目审批事项办理详细信息表",
    "项目审批事项批复文件信息表",
    "特别程序信息表",
];

/// An incremental export: the rows touched after `since` (all rows when `None`), up to `up_to`,
/// which the caller keeps as the `since` of the next export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Batch {
    pub since: Option<Timestamp>,
    pub up_to: Option<Timestamp>,
    pub tables: Tables,
}

/// One case as the tables tell it: what an import reconstructs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseSummary {
    pub case: CaseId,
    pub project_code: String,
    pub works: WorksId,
    pub item: ItemCode,
    pub department: DepartmentCode,
    /// 审批阶段序号 (0-5).
    pub stage: u8,
    pub state: CaseState,
    /// 办理状态 (BLZT).
    pub code: u8,
    pub received_at: Option<Timestamp>,
    pub accepted_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub last_event_at: Timestamp,
    /// 批复文号 of the e-certificate of a granted case.
    pub certificate: Option<String>,
    pub special_procedures: usize,
}

/// The handling-state code a case reports as now (see the module doc), or `None` when it is not
/// reported yet.
pub fn handling_code(case: &Case) -> Option<u8> {
    Some(match case.state {
        CaseState::Draft | CaseState::Submitted => return None,
        CaseState::Received => 1,
        CaseState::CorrectionRequested | CaseState::Paused => 6,
        CaseState::InReview if case.procedures.iter().any(|p| p.ended_at.is_none()) => 9,
        CaseState::InReview if !case.sign_offs.is_empty() => 8,
        CaseState::InReview => 3,
        CaseState::Returned => 4,
        CaseState::NotAccepted => 5,
        CaseState::Withdrawn if case.received_at.is_none() => 2,
        CaseState::Withdrawn => 14,
        CaseState::Granted => 11,
        CaseState::Denied => 13,
    })
}

/// The case state a handling-state code stands for; `accepted` tells a pause from a correction.
pub fn state_of_code(code: u8, accepted: bool) -> Option<CaseState> {
    Some(match code {
        1 => CaseState::Received,
        2 | 14 => CaseState::Withdrawn,
        3 | 8 | 9 | 10 => CaseState::InReview,
        4 => CaseState::Returned,
        5 => CaseState::NotAccepted,
        6 if accepted => CaseState::Paused,
        6 => CaseState::CorrectionRequested,
        7 if accepted => CaseState::InReview,
        7 => CaseState::Submitted,
        11 | 12 => CaseState::Granted,
        13 => CaseState::Denied,
        _ => return None,
    })
}

/// The detail code of one event, or `None` for events the standard does not report (materials,
/// 告知承诺 confirmation, extensions). `received` says whether the case was received before it.
pub fn event_code(change: &CaseChange, received: bool) -> Option<u8> {
    Some(match change {
        CaseChange::Received => 1,
        CaseChange::Submitted {
            resubmission: true, ..
        } => 7,
        CaseChange::Accepted { .. } => 3,
        CaseChange::CorrectionRequested { .. } | CaseChange::Paused { .. } => 6,
        CaseChange::Resumed => 7,
        CaseChange::AcceptanceRefused { .. } => 5,
        CaseChange::SignedOff { .. } => 8,
        CaseChange::SpecialProcedureStarted { .. } => 9,
        CaseChange::SpecialProcedureEnded { .. } => 10,
        CaseChange::Returned { .. } => 4,
        CaseChange::Withdrawn { .. } if received => 14,
        CaseChange::Withdrawn { .. } => 2,
        CaseChange::Completed {
            decision: Decision::Granted { .. },
        } => 11,
        CaseChange::Completed {
            decision: Decision::Denied { .. },
        } => 13,
        _ => return None,
    })
}

/// One handling step: code, time, handler name, opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub code: u8,
    pub at: Timestamp,
    pub handler: String,
    pub opinion: String,
}

/// The handling steps of a case from its events (in order), with handler names and opinions.
pub fn steps_from_events<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Vec<Step> {
    let mut received = false;
    let mut steps = Vec::new();
    for e in events {
        if let Some(code) = event_code(&e.change, received) {
            steps.push(Step {
                code,
                at: e.at,
                handler: e.actor.name.clone(),
                opinion: e.opinion.clone().unwrap_or_default(),
            });
        }
        received |= matches!(e.change, CaseChange::Received);
    }
    steps
}

fn points_text(points: &[crate::case::CorrectionPoint]) -> String {
    points
        .iter()
        .map(|p| format!("{}：{}", p.material, p.reason))
        .collect::<Vec<_>>()
        .join("；")
}

/// The handling steps of a case from its replayed record alone, when its events are not at hand:
/// only sign-offs carry a handler name; earlier receipts and acceptances are not kept by the
/// record, so a case received twice shows its last receipt only.
pub fn steps_from_case(case: &Case) -> Vec<Step> {
    let step = |code, at, handler: &str, opinion: String| Step {
        code,
        at,
        handler: handler.to_owned(),
        opinion,
    };
    let mut steps = Vec::new();
    for (at, points) in &case.corrections {
        steps.push(step(6, *at, "", points_text(points)));
    }
    if let Some(at) = case.received_at {
        steps.push(step(1, at, "", String::new()));
    }
    if let Some(at) = case.accepted_at {
        steps.push(step(3, at, "", String::new()));
    }
    for s in &case.sign_offs {
        steps.push(step(
            8,
            s.at,
            &s.by.name,
            s.opinion.clone().unwrap_or_default(),
        ));
    }
    for p in &case.pauses {
        steps.push(step(6, p.from, "", points_text(&p.points)));
        if let Some(to) = p.to {
            steps.push(step(7, to, "", String::new()));
        }
    }
    for p in &case.procedures {
        steps.push(step(9, p.started_at, "", p.kind.label().to_owned()));
        if let Some(to) = p.ended_at {
            steps.push(step(10, to, "", p.summary.clone().unwrap_or_default()));
        }
    }
    if let (Some(at), Some(code)) = (case.ended_at, handling_code(case))
        && case.state.is_terminal()
    {
        let opinion = match &case.decision {
            Some(Decision::Denied { reasons }) => reasons.join("；"),
            _ => case.end_reasons.join("；"),
        };
        steps.push(step(code, at, "", opinion));
    }
    // Stable: equal times keep the order above, which is the order they happen in.
    steps.sort_by_key(|s| s.at);
    steps
}

fn touched(at: Timestamp, since: Option<Timestamp>) -> bool {
    since.is_none_or(|s| at > s)
}

fn catalogue_tables(catalogue: &Catalogue, tables: &mut Tables) {
    let version = &catalogue.version;
    for flow in &catalogue.flows {
        let code = flow.code.as_str();
        tables.flows.push(FlowRow {
            dfsjzj: format!("{code}@{version}"),
            splcbm: code.to_owned(),
            splcmc: flow.name.clone(),
            splcbbh: version.clone(),
            xmfl: flow.category.as_str().to_owned(),
            sjyxbs: VALID,
            sjsczt: NOT_UPLOADED,
        });
        for stage in &flow.stages {
            let n = stage.stage.number();
            tables.stages.push(StageRow {
                dfsjzj: format!("{code}@{version}-{n}"),
                splcbm: code.to_owned(),
                splcbbh: version.clone(),
                spjdxh: n,
                spjdmc: stage.stage.label().to_owned(),
                sjyxbs: VALID,
                sjsczt: NOT_UPLOADED,
            });
            for fi in &stage.items {
                let item = catalogue.item(&fi.item);
                tables.stage_items.push(StageItemRow {
                    dfsjzj: format!("{code}@{version}-{n}-{}", fi.item),
                    splcbm: code.to_owned(),
                    splcbbh: version.clone(),
                    spjdxh: n,
                    spsxbm: fi.item.as_str().to_owned(),
                    spsxmc: item.map(|i| i.name.clone()).unwrap_or_default(),
                    sfbb: u8::from(fi.required),
                    blqx: fi.condition.clone().unwrap_or_default(),
                    spbmbm: item
                        .map(|i| i.department.as_str().to_owned())
                        .unwrap_or_default(),
                    blsx: item.map(|i| i.time_limit_working_days).unwrap_or_default(),
                    sjyxbs: VALID,
                    sjsczt: NOT_UPLOADED,
                });
            }
        }
    }
}

fn project_rows(p: &Project, tables: &mut Tables) {
    let d = &p.details;
    tables.projects.push(ProjectRow {
        dfsjzj: p.id.as_str().to_owned(),
        xzqhdm: d.location.district.as_str().to_owned(),
        xmdm: d.code.as_str().to_owned(),
        xmmc: d.name.clone(),
        gcdm: join(p.works.iter().map(|w| w.id.as_str())),
        gcfw: join(p.works.iter().map(|w| w.name.as_str())),
        xmtzly: match d.investment {
            InvestmentType::Government => 1,
            InvestmentType::Social => 2,
        },
        xmfl: d.category.as_str().to_owned(),
        jsdd: d.location.address.clone(),
        ztze_fen: d.investment_amount.fen(),
        ydmj: d.land_area.hundredths(),
        jzmj: d.building_area.hundredths(),
        jsdw: d.builder.name.clone(),
        splcbm: p
            .flow
            .as_ref()
            .map(|f| f.as_str().to_owned())
            .unwrap_or_default(),
        sjyxbs: VALID,
        sjsczt: NOT_UPLOADED,
    });
    let contact = d.contacts.first();
    tables.units.push(UnitRow {
        dfsjzj: format!("{}-JSDW", p.id),
        xmdm: d.code.as_str().to_owned(),
        dwmc: d.builder.name.clone(),
        dwtyshxydm: d.builder.credit_code.as_str().to_owned(),
        dwlx: 1,
        lxr: contact.map(|c| c.name.clone()).unwrap_or_default(),
        lxdh: contact
            .map(|c| c.phone.as_str().to_owned())
            .unwrap_or_default(),
        sjyxbs: VALID,
        sjsczt: NOT_UPLOADED,
    });
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(",")
}

/// What an increment covers when the caller knows the order in which events arrived (the
/// server's sequence numbers): an event made offline may arrive days after later ones, so its
/// time cannot tell whether an earlier batch already carried it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Increment {
    /// Write the catalogue's flow tables (the first batch, or a new catalogue version).
    pub catalogue: bool,
    /// Projects with events no earlier batch carried: their rows are written.
    pub projects: BTreeSet<ProjectId>,
    /// Cases with events no earlier batch carried, each with how many events of its trail
    /// (from the start) earlier batches did carry: the steps of the later ones are new.
    pub cases: BTreeMap<CaseId, usize>,
    /// The previous batch's `up_to`, kept as this batch's `since` (informative only).
    pub since: Option<Timestamp>,
}

/// Which rows a batch holds: those touched after a time, or an [`Increment`].
#[derive(Clone, Copy)]
enum Cut<'a> {
    Since(Option<Timestamp>),
    Increment(&'a Increment),
}

/// One case's rows as [`Cut`] selects them.
struct CaseRows {
    steps: Vec<Step>,
    /// Steps before this index were carried by an earlier batch (increments only).
    first_new_step: usize,
    /// Procedures started or ended by the new events (increments only).
    new_procedures: BTreeSet<u32>,
}

impl Cut<'_> {
    fn catalogue(self) -> bool {
        match self {
            Cut::Since(since) => since.is_none(),
            Cut::Increment(inc) => inc.catalogue,
        }
    }

    fn since(self) -> Option<Timestamp> {
        match self {
            Cut::Since(since) => since,
            Cut::Increment(inc) => inc.since,
        }
    }

    fn project(self, p: &Project) -> bool {
        match self {
            Cut::Since(since) => touched(p.last_event_at, since),
            Cut::Increment(inc) => inc.projects.contains(&p.id),
        }
    }

    fn case(self, c: &Case) -> bool {
        match self {
            Cut::Since(since) => touched(c.last_event_at, since),
            Cut::Increment(inc) => inc.cases.contains_key(&c.id),
        }
    }

    fn rows(self, case: &Case, events: Option<&[&CaseEvent]>) -> CaseRows {
        let steps = match events {
            Some(evs) => steps_from_events(evs.iter().copied()),
            None => steps_from_case(case),
        };
        let (mut first_new_step, mut new_procedures) = (0, BTreeSet::new());
        if let (Cut::Increment(inc), Some(evs)) = (self, events) {
            let old = inc.cases.get(&case.id).copied().unwrap_or(0).min(evs.len());
            // Each event gives at most one step, decided by the events before it: the old
            // events' steps are a prefix of the whole trail's.
            first_new_step = steps_from_events(evs[..old].iter().copied()).len();
            for e in &evs[old..] {
                match &e.change {
                    CaseChange::SpecialProcedureStarted { procedure, .. }
                    | CaseChange::SpecialProcedureEnded { procedure, .. } => {
                        new_procedures.insert(*procedure);
                    }
                    _ => {}
                }
            }
        }
        CaseRows {
            steps,
            first_new_step,
            new_procedures,
        }
    }

    fn step(self, rows: &CaseRows, n: usize) -> bool {
        match self {
            Cut::Since(since) => rows.steps.get(n).is_some_and(|s| touched(s.at, since)),
            Cut::Increment(_) => n >= rows.first_new_step,
        }
    }

    fn document(self, rows: &CaseRows, ended: Timestamp) -> bool {
        match self {
            Cut::Since(since) => touched(ended, since),
            Cut::Increment(_) => rows.steps[rows.first_new_step.min(rows.steps.len())..]
                .iter()
                .any(|s| s.code == 11),
        }
    }

    fn procedure(self, rows: &CaseRows, p: &crate::case::ProcedureRecord) -> bool {
        match self {
            Cut::Since(since) => {
                touched(p.started_at, since) || p.ended_at.is_some_and(|e| touched(e, since))
            }
            Cut::Increment(_) => {
                rows.first_new_step == 0 || rows.new_procedures.contains(&p.procedure)
            }
        }
    }
}

/// Export the rows touched after `since` (everything when `None`; the catalogue's flow tables
/// only then). `events` are the cases' events in trail order (e.g. the `event` of each
/// `trail::Sealed`); a case without events there is described from its replayed record.
///
/// Times are what the actors said, and a command made offline arrives later than commands
/// made after it: a server exporting what arrived since its last batch uses
/// [`export_increment`] instead.
pub fn export_batch(
    catalogue: &Catalogue,
    projects: &[Project],
    cases: &[Case],
    events: &[CaseEvent],
    since: Option<Timestamp>,
) -> Result<Batch, ExchangeError> {
    export_cut(catalogue, projects, cases, events, Cut::Since(since))
}

/// Export what `increment` names as new: the rows of its projects, the handling row of each
/// of its cases with the detail rows of the steps its new events make, the approval document
/// of a case granted by a new event, and the special procedures new events started or ended.
/// `cases` and `projects` may hold more than the increment (a case's project must be among
/// them); `events` must hold the whole trail of every case of the increment, in trail order,
/// so that detail rows keep their numbers. `up_to` is the latest time among the new rows.
pub fn export_increment(
    catalogue: &Catalogue,
    projects: &[Project],
    cases: &[Case],
    events: &[CaseEvent],
    increment: &Increment,
) -> Result<Batch, ExchangeError> {
    export_cut(
        catalogue,
        projects,
        cases,
        events,
        Cut::Increment(increment),
    )
}

fn export_cut(
    catalogue: &Catalogue,
    projects: &[Project],
    cases: &[Case],
    events: &[CaseEvent],
    cut: Cut<'_>,
) -> Result<Batch, ExchangeError> {
    let since = cut.since();
    let mut tables = Tables::default();
    let mut up_to = since;
    let mut bump = |at: Timestamp| {
        if up_to.is_none_or(|u| at > u) {
            up_to = Some(at);
        }
    };
    // A time cut's window covers everything it was given; an increment's only what is new.
    let whole = matches!(cut, Cut::Since(_));
    if cut.catalogue() {
        catalogue_tables(catalogue, &mut tables);
    }
    for p in projects {
        let new = cut.project(p);
        if whole || new {
            bump(p.last_event_at);
        }
        if new {
            project_rows(p, &mut tables);
        }
    }
    let mut by_case: BTreeMap<&CaseId, Vec<&CaseEvent>> = BTreeMap::new();
    for e in events {
        if whole {
            bump(e.at);
        }
        by_case.entry(&e.case).or_default().push(e);
    }
    for case in cases {
        let new = cut.case(case);
        if whole || new {
            bump(case.last_event_at);
        }
        let Some(code) = handling_code(case) else {
            continue;
        };
        if !new {
            continue;
        }
        let project = projects
            .iter()
            .find(|p| p.id == case.project)
            .ok_or_else(|| ExchangeError::UnknownProject {
                case: case.id.to_string(),
                project: case.project.to_string(),
            })?;
        let item = catalogue
            .item(&case.item)
            .ok_or_else(|| ExchangeError::UnknownItem {
                case: case.id.to_string(),
                item: case.item.to_string(),
            })?;
        let xmdm = project.details.code.as_str().to_owned();
        let rows = cut.rows(case, by_case.get(&case.id).map(Vec::as_slice));
        let steps = &rows.steps;
        let last_named = steps.iter().rev().find(|s| !s.handler.is_empty());
        tables.handling.push(HandlingRow {
            dfsjzj: case.id.as_str().to_owned(),
            xzqhdm: project.details.location.district.as_str().to_owned(),
            xmdm: xmdm.clone(),
            gcdm: case.works.as_str().to_owned(),
            spsxbm: case.item.as_str().to_owned(),
            spsxmc: item.name.clone(),
            spjdxh: item.stage.number(),
            spbmbm: case.department.as_str().to_owned(),
            spbmmc: catalogue
                .department(&case.department)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            spsxslbm: case.id.as_str().to_owned(),
            jjsj: case.received_at,
            slsj: case.accepted_at,
            bjsj: case.ended_at,
            blzt: code,
            blsj: case.last_event_at,
            blr: last_named.map(|s| s.handler.clone()).unwrap_or_default(),
            blyj: last_named.map(|s| s.opinion.clone()).unwrap_or_default(),
            sjyxbs: VALID,
            sjsczt: NOT_UPLOADED,
        });
        for (n, s) in steps.iter().enumerate() {
            if cut.step(&rows, n) {
                if !whole {
                    bump(s.at);
                }
                tables.handling_details.push(HandlingDetailRow {
                    dfsjzj: format!("{}-{:03}", case.id, n + 1),
                    spsxslbm: case.id.as_str().to_owned(),
                    xmdm: xmdm.clone(),
                    spsxbm: case.item.as_str().to_owned(),
                    blzt: s.code,
                    blsj: s.at,
                    blr: s.handler.clone(),
                    blyj: s.opinion.clone(),
                    sjyxbs: VALID,
                    sjsczt: NOT_UPLOADED,
                });
            }
        }
        if let (Some(Decision::Granted { certificate: c }), Some(ended)) =
            (&case.decision, case.ended_at)
            && cut.document(&rows, ended)
        {
            tables.approval_documents.push(ApprovalDocumentRow {
                dfsjzj: format!("{}-PFWJ", case.id),
                spsxslbm: case.id.as_str().to_owned(),
                xmdm: xmdm.clone(),
                spsxbm: case.item.as_str().to_owned(),
                pfwh: c.number.as_str().to_owned(),
                pfwjbt: c.name.clone(),
                pfrq: c.issued_on.to_string(),
                yxqx: c.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                fjid: c
                    .file
                    .as_ref()
                    .map(|f| f.as_str().to_owned())
                    .unwrap_or_default(),
                sjyxbs: VALID,
                sjsczt: NOT_UPLOADED,
            });
        }
        for p in &case.procedures {
            if cut.procedure(&rows, p) {
                tables.special_procedures.push(SpecialProcedureRow {
                    dfsjzj: format!("{}-TBCX{}", case.id, p.procedure),
                    spsxslbm: case.id.as_str().to_owned(),
                    xmdm: xmdm.clone(),
                    tbcxzl: p.kind.label().to_owned(),
                    sfjs: u8::from(p.timed),
                    tbcxkssj: p.started_at,
                    tbcxjssj: p.ended_at,
                    tbcxjg: p.summary.clone().unwrap_or_default(),
                    sjyxbs: VALID,
                    sjsczt: NOT_UPLOADED,
                });
            }
        }
    }
    Ok(Batch {
        since,
        up_to,
        tables,
    })
}

/// What a case looks like in the tables: the summary an import must reproduce. `None` for a case
/// that is not reported (draft, submitted) or whose project is not among `projects`.
pub fn summarize(case: &Case, projects: &[Project], catalogue: &Catalogue) -> Option<CaseSummary> {
    let code = handling_code(case)?;
    let project = projects.iter().find(|p| p.id == case.project)?;
    Some(CaseSummary {
        case: case.id.clone(),
        project_code: project.details.code.as_str().to_owned(),
        works: case.works.clone(),
        item: case.item.clone(),
        department: case.department.clone(),
        stage: catalogue
            .item(&case.item)
            .map_or(Stage::Planning.number(), |i| i.stage.number()),
        state: case.state,
        code,
        received_at: case.received_at,
        accepted_at: case.accepted_at,
        ended_at: case.ended_at,
        last_event_at: case.last_event_at,
        certificate: match &case.decision {
            Some(Decision::Granted { certificate }) => Some(certificate.number.as_str().to_owned()),
            _ => None,
        },
        special_procedures: case.procedures.len(),
    })
}

/// Reconstruct the cases of a batch (one per SPGL_XMSPSXBLXXB row), in row order.
pub fn import_batch(batch: &Batch) -> Result<Vec<CaseSummary>, ExchangeError> {
    let t = &batch.tables;
    t.handling
        .iter()
        .map(|row| {
            let state = state_of_code(row.blzt, row.slsj.is_some()).ok_or_else(|| {
                ExchangeError::BadCode {
                    case: row.spsxslbm.clone(),
                    code: row.blzt,
                }
            })?;
            Ok(CaseSummary {
                case: CaseId::new(row.spsxslbm.clone()),
                project_code: row.xmdm.clone(),
                works: WorksId::new(row.gcdm.clone()),
                item: ItemCode::new(row.spsxbm.clone()),
                department: DepartmentCode::new(row.spbmbm.clone()),
                stage: row.spjdxh,
                state,
                code: row.blzt,
                received_at: row.jjsj,
                accepted_at: row.slsj,
                ended_at: row.bjsj,
                last_event_at: row.blsj,
                certificate: t
                    .approval_documents
                    .iter()
                    .find(|d| d.spsxslbm == row.spsxslbm)
                    .map(|d| d.pfwh.clone()),
                special_procedures: t
                    .special_procedures
                    .iter()
                    .filter(|p| p.spsxslbm == row.spsxslbm)
                    .count(),
            })
        })
        .collect()
}

/// Rows keyed by DFSJZJ, so a later batch replaces what an earlier one said.
pub trait Row {
    fn key(&self) -> &str;
}

macro_rules! rows {
    ($($t:ty),*) => {$(
        impl Row for $t {
            fn key(&self) -> &str {
                &self.dfsjzj
            }
        }
    )*};
}
rows!(
    ProjectRow,
    UnitRow,
    FlowRow,
    StageRow,
    StageItemRow,
    HandlingRow,
    HandlingDetailRow,
    ApprovalDocumentRow,
    SpecialProcedureRow
);

fn merge_rows<T: Row>(into: &mut Vec<T>, later: Vec<T>) {
    for row in later {
        match into.iter_mut().find(|r| r.key() == row.key()) {
            Some(old) => *old = row,
            None => into.push(row),
        }
    }
}

impl Batch {
    /// This batch followed by a later one: what the receiving side holds after both.
    pub fn merge(mut self, later: Batch) -> Batch {
        let (t, l) = (&mut self.tables, later.tables);
        merge_rows(&mut t.projects, l.projects);
        merge_rows(&mut t.units, l.units);
        merge_rows(&mut t.flows, l.flows);
        merge_rows(&mut t.stages, l.stages);
        merge_rows(&mut t.stage_items, l.stage_items);
        merge_rows(&mut t.handling, l.handling);
        merge_rows(&mut t.handling_details, l.handling_details);
        merge_rows(&mut t.approval_documents, l.approval_documents);
        merge_rows(&mut t.special_procedures, l.special_procedures);
        self.up_to = later.up_to.or(self.up_to);
        self
    }

    /// The number of rows of each table, in [`TABLE_NAMES`] order.
    pub fn table_rows(&self) -> [(&'static str, usize); 9] {
        let t = &self.tables;
        let counts = [
            t.projects.len(),
            t.units.len(),
            t.flows.len(),
            t.stages.len(),
            t.stage_items.len(),
            t.handling.len(),
            t.handling_details.len(),
            t.approval_documents.len(),
            t.special_procedures.len(),
        ];
        let mut out = [("", 0); 9];
        for (slot, (name, n)) in out.iter_mut().zip(TABLE_NAMES.into_iter().zip(counts)) {
            *slot = (name, n);
        }
        out
    }

    /// Total number of rows over all tables.
    pub fn row_count(&self) -> usize {
        let t = &self.tables;
        t.projects.len()
            + t.units.len()
            + t.flows.len()
            + t.stages.len()
            + t.stage_items.len()
            + t.handling.len()
            + t.handling_details.len()
            + t.approval_documents.len()
            + t.special_procedures.len()
    }
}

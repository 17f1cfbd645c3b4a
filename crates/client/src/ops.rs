//! The user's actions as the desktop app and the CLI name them, turned into domain commands with
//! what they need from the catalogue and the local state, queued, and synced when possible.
//!
//! One place for "accept takes its terms from the catalogue", "sign off defaults to the next
//! level", "an application opens one case per item": the CLI and the desktop shell both call
//! this module, so they cannot drift apart.

use crate::engine::SyncOptions;
use crate::error::{ClientError, Result};
use crate::profile::{Profile, new_id};
use crate::store::{RefusalEntry, acceptance_terms, action_name};
use permitdesk_domain::case::{
    AcceptanceTerms, CaseCommand as Cmd, CertificateRecord, CorrectionPoint, Decision,
};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::{
    ApplicationId, AttachmentId, CaseId, CertificateNumber, ItemCode, OrganisationId, ProjectId,
    WorksId,
};
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::DomainCommand;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The catalogue (事项目录) this profile decides with: the version in force in its reference
/// data (synced from the server; the shipped one until the first sync).
pub fn catalogue(p: &Profile) -> Result<Arc<Catalogue>> {
    Ok(p.reference()?.catalogue)
}

/// An action on one case (办件操作), as a user picks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseAction {
    /// 接件.
    Receive,
    /// 申请告知承诺确认.
    RequestCommitment,
    ConfirmCommitment,
    DeclineCommitment {
        reason: String,
    },
    /// 受理: terms (time limit, review levels, catalogue version) from the catalogue.
    Accept {
        #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
        #[serde(default)]
        commitment: bool,
    },
    /// 一次性补正告知.
    RequestCorrection {
        points: Vec<CorrectionPoint>,
    },
    /// 不予受理.
    Refuse {
        reasons: Vec<String>,
    },
    /// 层级审批; the next level when none is named.
    SignOff {
        #[cfg_attr(feature = "ts", ts(optional))]
        #[serde(default)]
        level: Option<String>,
    },
    /// 暂停整改.
    Pause {
        points: Vec<CorrectionPoint>,
    },
    /// 提交整改材料.
    SubmitRectification {
        note: String,
        #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
        #[serde(default)]
        files: Vec<AttachmentId>,
    },
    /// 恢复.
    Resume,
    /// 特别程序开始; the procedure number is the next free one when not given. Whether it is
    /// timed is the law's (seed 3), decided by the domain from the kind.
    StartSpecial {
        kind: String,
        #[cfg_attr(feature = "ts", ts(optional))]
        #[serde(default)]
        procedure: Option<u32>,
    },
    /// 特别程序结束, with its result files.
    EndSpecial {
        procedure: u32,
        summary: String,
        #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
        #[serde(default)]
        result: Vec<AttachmentId>,
    },
    /// 延期: granted by the signed-in head of the department (the approver is the actor).
    Extend {
        days: u32,
        reason: String,
    },
    /// 退件.
    Return {
        reasons: Vec<String>,
    },
    /// 撤回.
    Withdraw {
        reason: String,
    },
    AttachMaterial {
        material: String,
        attachment: AttachmentId,
    },
    /// 移除材料: take an attached material off a case not yet submitted (or in correction).
    DetachMaterial {
        material: String,
    },
    /// 提交 (or resubmit after correction) with the stamped form.
    Submit {
        stamped_form: AttachmentId,
    },
    /// 办结（准予）with the e-certificate 电子证照. Its number is assigned by the server when
    /// it applies the completion (待分配 until then).
    CompleteGranted {
        certificate_name: String,
        /// `YYYY-MM-DD`.
        #[cfg_attr(feature = "ts", ts(optional))]
        #[serde(default)]
        valid_until: Option<String>,
        #[cfg_attr(feature = "ts", ts(optional))]
        #[serde(default)]
        file: Option<AttachmentId>,
    },
    /// 办结（不予许可）.
    CompleteDenied {
        reasons: Vec<String>,
    },
}

impl CaseAction {
    /// The domain action this issues (the reachability table links a screen's action to the
    /// domain's list with it).
    pub fn domain_action(&self) -> permitdesk_domain::case::CaseAction {
        use permitdesk_domain::case::CaseAction as D;
        match self {
            CaseAction::Receive => D::Receive,
            CaseAction::RequestCommitment => D::RequestCommitmentConfirmation,
            CaseAction::ConfirmCommitment => D::ConfirmCommitment,
            CaseAction::DeclineCommitment { .. } => D::DeclineCommitment,
            CaseAction::Accept { .. } => D::Accept,
            CaseAction::RequestCorrection { .. } => D::RequestCorrection,
            CaseAction::Refuse { .. } => D::RefuseAcceptance,
            CaseAction::SignOff { .. } => D::SignOff,
            CaseAction::Pause { .. } => D::Pause,
            CaseAction::SubmitRectification { .. } => D::SubmitRectification,
            CaseAction::Resume => D::Resume,
            CaseAction::StartSpecial { .. } => D::StartSpecialProcedure,
            CaseAction::EndSpecial { .. } => D::EndSpecialProcedure,
            CaseAction::Extend { .. } => D::Extend,
            CaseAction::Return { .. } => D::Return,
            CaseAction::Withdraw { .. } => D::Withdraw,
            CaseAction::AttachMaterial { .. } => D::AttachMaterial,
            CaseAction::DetachMaterial { .. } => D::DetachMaterial,
            CaseAction::Submit { .. } => D::Submit,
            CaseAction::CompleteGranted { .. } | CaseAction::CompleteDenied { .. } => D::Complete,
        }
    }
}

/// A local case by its id or by its 办件编号.
fn local_case(p: &Profile, case: &CaseId) -> Result<permitdesk_domain::case::Case> {
    if let Some(c) = p.store().case(case)? {
        return Ok(c);
    }
    let wanted = case.as_str().trim();
    p.store()
        .cases()?
        .into_iter()
        .find(|c| c.number.as_deref() == Some(wanted))
        .ok_or_else(|| ClientError::NotFound {
            what: "办件（请先同步）",
            id: case.to_string(),
        })
}

/// The domain command (and the files recorded with it) for an action on a case.
pub fn case_command(
    p: &Profile,
    case: &CaseId,
    action: CaseAction,
) -> Result<(DomainCommand, Vec<AttachmentId>)> {
    // The window may name the case by its 办件编号: the command carries the case's id.
    let resolved = match p.store().case(case)? {
        Some(_) => case.clone(),
        None => local_case(p, case).map_or_else(|_| case.clone(), |c| c.id),
    };
    let case = &resolved;
    let mut files = Vec::new();
    let command = match action {
        CaseAction::Receive => Cmd::Receive,
        CaseAction::RequestCommitment => Cmd::RequestCommitmentConfirmation,
        CaseAction::ConfirmCommitment => Cmd::ConfirmCommitment,
        CaseAction::DeclineCommitment { reason } => Cmd::DeclineCommitment { reason },
        CaseAction::Accept { commitment } => {
            let c = local_case(p, case)?;
            let cat = catalogue(p)?;
            let terms: AcceptanceTerms = acceptance_terms(&cat, &c.item)
                .ok_or_else(|| ClientError::Invalid(format!("事项目录中没有事项 {}", c.item)))?;
            Cmd::Accept {
                terms,
                commitment_based: commitment,
            }
        }
        CaseAction::RequestCorrection { points } => Cmd::RequestCorrection { points },
        CaseAction::Refuse { reasons } => Cmd::RefuseAcceptance { reasons },
        CaseAction::SignOff { level } => {
            let level = match level.filter(|l| !l.trim().is_empty()) {
                Some(l) => l,
                None => local_case(p, case)?
                    .next_level()
                    .map(str::to_owned)
                    .ok_or_else(|| ClientError::Invalid("没有待签署的审批层级".to_owned()))?,
            };
            Cmd::SignOff { level }
        }
        CaseAction::Pause { points } => Cmd::Pause { points },
        CaseAction::SubmitRectification { note, files: f } => {
            files = f;
            Cmd::SubmitRectification { note }
        }
        CaseAction::Resume => Cmd::Resume,
        CaseAction::StartSpecial { kind, procedure } => {
            let kind = SpecialProcedureKind::parse(&kind)
                .ok_or_else(|| ClientError::Invalid(format!("未知的特别程序类型“{kind}”")))?;
            let procedure = match procedure {
                Some(n) => n,
                None => {
                    let c = local_case(p, case)?;
                    c.procedures
                        .iter()
                        .map(|s| s.procedure)
                        .max()
                        .map_or(1, |n| n + 1)
                }
            };
            Cmd::StartSpecialProcedure { procedure, kind }
        }
        CaseAction::EndSpecial {
            procedure,
            summary,
            result,
        } => {
            files = result;
            Cmd::EndSpecialProcedure { procedure, summary }
        }
        CaseAction::Extend { days, reason } => Cmd::Extend { days, reason },
        CaseAction::Return { reasons } => Cmd::Return { reasons },
        CaseAction::Withdraw { reason } => Cmd::Withdraw { reason },
        CaseAction::AttachMaterial {
            material,
            attachment,
        } => Cmd::AttachMaterial {
            material,
            attachment,
        },
        CaseAction::DetachMaterial { material } => Cmd::DetachMaterial {
            material: material.trim().to_owned(),
        },
        CaseAction::Submit { stamped_form } => Cmd::Submit { stamped_form },
        CaseAction::CompleteGranted {
            certificate_name,
            valid_until,
            file,
        } => {
            let valid_until = valid_until
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| ClientError::Invalid(format!("有效期应为 YYYY-MM-DD：{e}")))?;
            Cmd::Complete {
                decision: Decision::Granted {
                    certificate: CertificateRecord {
                        // 待分配: the server numbers it (issue 14).
                        number: CertificateNumber::new(""),
                        name: certificate_name.trim().to_owned(),
                        issued_on: to_local(p.corrected_now()?).date(),
                        valid_until,
                        file,
                    },
                },
            }
        }
        CaseAction::CompleteDenied { reasons } => Cmd::Complete {
            decision: Decision::Denied { reasons },
        },
    };
    Ok((
        DomainCommand::Case {
            case: case.clone(),
            command,
        },
        files,
    ))
}

/// A new application 申报: several items of one works at once, with the materials given once
/// and shared by every item that asks for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApplyRequest {
    pub project: ProjectId,
    pub works: WorksId,
    pub items: Vec<ItemCode>,
    /// (material name, attachment) pairs; each is attached to every item that lists it, or to
    /// every item when no item of the catalogue names it.
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub materials: Vec<MaterialGiven>,
    /// The applicant organisation when the window applies on its behalf (代为申报).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub applicant: Option<OrganisationId>,
    /// The stamped application form (盖章申请表); the cases are submitted when it is given.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub stamped_form: Option<AttachmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MaterialGiven {
    pub name: String,
    pub attachment: AttachmentId,
}

/// Commands to queue, each with the files recorded with it.
pub type Commands = Vec<(DomainCommand, Vec<AttachmentId>)>;

/// The commands of an application and the ids of the cases it opens.
pub fn apply_commands(
    p: &Profile,
    req: &ApplyRequest,
) -> Result<(ApplicationId, Vec<CaseId>, Commands)> {
    if req.items.is_empty() {
        return Err(ClientError::Invalid("请至少选择一个申报事项".to_owned()));
    }
    let cat = catalogue(p)?;
    let actor = p.actor()?;
    let applicant = req
        .applicant
        .clone()
        .or(actor.organisation)
        .ok_or_else(|| ClientError::Invalid("窗口代为申报时需要填写申请单位".to_owned()))?;
    let application = ApplicationId::new(new_id("A")?);
    let mut commands = Vec::new();
    let mut cases = Vec::new();
    for code in &req.items {
        let item = cat
            .item(code)
            .ok_or_else(|| ClientError::Invalid(format!("事项目录中没有事项 {code}")))?;
        let id = CaseId::new(new_id("C")?);
        cases.push(id.clone());
        let mut push = |command: Cmd| {
            commands.push((
                DomainCommand::Case {
                    case: id.clone(),
                    command,
                },
                vec![],
            ));
        };
        push(Cmd::Create {
            application: application.clone(),
            project: req.project.clone(),
            works: req.works.clone(),
            item: code.clone(),
            department: item.department.clone(),
            applicant: applicant.clone(),
            commitment_allowed: item.commitment_allowed,
            number: None,
        });
        let named_anywhere = |name: &str| {
            req.items
                .iter()
                .filter_map(|c| cat.item(c))
                .any(|i| i.materials.iter().any(|m| m.name == name))
        };
        for m in &req.materials {
            let wanted =
                item.materials.iter().any(|x| x.name == m.name) || !named_anywhere(&m.name);
            if wanted {
                push(Cmd::AttachMaterial {
                    material: m.name.clone(),
                    attachment: m.attachment.clone(),
                });
            }
        }
        if let Some(form) = &req.stamped_form {
            push(Cmd::Submit {
                stamped_form: form.clone(),
            });
        }
    }
    Ok((application, cases, commands))
}

/// One queued command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Acted {
    pub mutation_id: u64,
    pub entity: String,
    pub action: String,
}

/// What became of a user's action: queued locally, then synced or kept for later.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActOutcome {
    pub commands: Vec<Acted>,
    /// Ids of what the action created (cases, projects).
    pub created: Vec<String>,
    pub synced: bool,
    /// Why it stays in the outbox (no network), if so.
    pub offline: Option<String>,
    pub sync_error: Option<String>,
    pub pending: u64,
    /// The server's refusals of these commands.
    pub refused: Vec<RefusalEntry>,
}

/// Queue commands (each decided locally by the domain first: a refusal changes nothing and
/// stops here), then sync unless `offline`.
pub fn act_all(
    p: &mut Profile,
    commands: Commands,
    opinion: Option<String>,
    offline: bool,
    created: Vec<String>,
) -> Result<ActOutcome> {
    let acted = enqueue_all(p, commands, opinion)?;
    let synced = (!offline).then(|| p.sync(SyncOptions::default()));
    act_outcome(p, acted, created, synced)
}

/// The first half of [`act_all`]: queue the commands, each decided locally first.
pub fn enqueue_all(
    p: &mut Profile,
    commands: Commands,
    opinion: Option<String>,
) -> Result<Vec<Acted>> {
    let mut acted = Vec::new();
    for (command, attachments) in commands {
        let env = p.act(command, opinion.clone(), attachments)?;
        acted.push(Acted {
            mutation_id: env.mutation_id,
            entity: env.command.entity().key(),
            action: action_name(&env.command),
        });
    }
    Ok(acted)
}

/// The second half of [`act_all`]: what became of the queued commands after the sync that
/// followed them (`None`: the user works offline, nothing was sent).
pub fn act_outcome(
    p: &Profile,
    acted: Vec<Acted>,
    created: Vec<String>,
    synced: Option<Result<crate::engine::SyncReport>>,
) -> Result<ActOutcome> {
    let (mut ok, mut offline_reason, mut sync_error) = (false, None, None);
    match synced {
        None => offline_reason = Some("仅保存在本地".to_owned()),
        Some(Ok(r)) if r.offline.is_some() => offline_reason = r.offline,
        Some(Ok(_)) => ok = true,
        Some(Err(e)) if e.is_offline() => offline_reason = Some(e.to_string()),
        Some(Err(e)) => sync_error = Some(e.to_string()),
    }
    let ids: Vec<u64> = acted.iter().map(|a| a.mutation_id).collect();
    let refused = p
        .store()
        .refusals()?
        .into_iter()
        .filter(|r| ids.contains(&r.mutation_id))
        .collect();
    Ok(ActOutcome {
        commands: acted,
        created,
        synced: ok,
        offline: offline_reason,
        sync_error,
        pending: p.store().pending_count()?,
        refused,
    })
}

/// A wrong value in a form, with the field it is about (the desktop app shows it there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct InputError {
    pub field: &'static str,
    pub message: String,
}

fn input(field: &'static str, e: impl std::fmt::Display) -> InputError {
    InputError {
        field,
        message: e.to_string(),
    }
}

/// One contact person on a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContactInput {
    pub name: String,
    pub phone: String,
    /// `legal_representative`, `project_lead`, `liaison` (default) or `agent`.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub role: Option<String>,
}

/// 项目登记: online by the applicant, or on site by the window for `owner` (现场登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterRequest {
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub id: Option<String>,
    /// 项目代码.
    pub code: String,
    pub name: String,
    /// 建设单位.
    pub builder: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// `social` (社会投资) or `government` (政府投资).
    pub investment: String,
    /// 项目分类, e.g. SH-CC.
    pub category: String,
    pub address: String,
    /// 行政区划代码 (6 digits).
    pub district: String,
    /// 总投资（万元）.
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub investment_wan: String,
    /// 用地面积（平方米）.
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub land_area: String,
    /// 建筑面积（平方米）.
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub building_area: String,
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub owner: Option<String>,
}

fn or_zero(s: &str) -> &str {
    if s.trim().is_empty() { "0" } else { s.trim() }
}

/// The registration command, every field checked by the domain's own parsers (the category
/// against `cat`, the profile's catalogue); the first wrong field is named.
pub fn register_command(
    req: &RegisterRequest,
    cat: &Catalogue,
    new_project_id: impl FnOnce() -> Result<String>,
) -> std::result::Result<(ProjectId, DomainCommand), InputError> {
    use permitdesk_domain::project::ProjectCommand as PCmd;
    let id = match req.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(i) => ProjectId::new(i),
        None => ProjectId::new(new_project_id().map_err(|e| input("id", e))?),
    };
    let details = project_details(req, cat)?;
    let command = match req
        .owner
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        Some(owner) => PCmd::RegisterOnSite {
            id: id.clone(),
            owner: OrganisationId::new(owner),
            details,
        },
        None => PCmd::RegisterOnline {
            id: id.clone(),
            details,
        },
    };
    Ok((
        id.clone(),
        DomainCommand::Project {
            project: id,
            command,
        },
    ))
}

/// 修改项目登记信息: the whole registration again, checked as at registration (the applicant
/// while it is a draft or sent back, the window while it is at its desk: the domain decides).
pub fn edit_command(
    project: &ProjectId,
    req: &RegisterRequest,
    cat: &Catalogue,
) -> std::result::Result<DomainCommand, InputError> {
    Ok(DomainCommand::Project {
        project: project.clone(),
        command: permitdesk_domain::project::ProjectCommand::Edit {
            details: project_details(req, cat)?,
        },
    })
}

/// The registration's details from the form, each field checked (code, credit code, district,
/// phone numbers, amounts), the category from the catalogue.
fn project_details(
    req: &RegisterRequest,
    cat: &Catalogue,
) -> std::result::Result<permitdesk_domain::project::ProjectDetails, InputError> {
    use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
    use permitdesk_domain::ids::CategoryCode;
    use permitdesk_domain::project::{
        Area, Builder, Contact, ContactRole, InvestmentType, Location, Money, ProjectDetails,
    };
    let investment = match req.investment.trim() {
        "social" | "社会投资" => InvestmentType::Social,
        "government" | "政府投资" => InvestmentType::Government,
        other => {
            return Err(input(
                "investment",
                format!("投资类型“{other}”应为社会投资或政府投资"),
            ));
        }
    };
    if req.name.trim().is_empty() {
        return Err(input("name", "请填写项目名称"));
    }
    if req.builder.trim().is_empty() {
        return Err(input("builder", "请填写建设单位名称"));
    }
    let category = CategoryCode::new(req.category.trim());
    if !cat.categories.iter().any(|c| c.code == category) {
        return Err(input(
            "category",
            format!("事项目录中没有项目分类“{category}”"),
        ));
    }
    let mut contacts = Vec::new();
    for c in &req.contacts {
        let role = match c.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => ContactRole::Liaison,
            Some(r) => serde_json::from_value(serde_json::Value::String(r.to_owned()))
                .map_err(|_| input("contacts", format!("联系人角色“{r}”无法识别")))?,
        };
        if c.name.trim().is_empty() {
            return Err(input("contacts", "联系人姓名不能为空"));
        }
        contacts.push(Contact {
            name: c.name.trim().to_owned(),
            phone: PhoneNumber::parse(&c.phone).map_err(|e| input("contacts", e))?,
            role,
        });
    }
    Ok(ProjectDetails {
        code: ProjectCode::parse(&req.code).map_err(|e| input("code", e))?,
        name: req.name.trim().to_owned(),
        builder: Builder {
            name: req.builder.trim().to_owned(),
            credit_code: CreditCode::parse(&req.credit_code)
                .map_err(|e| input("credit_code", e))?,
        },
        investment,
        category,
        location: Location {
            address: req.address.trim().to_owned(),
            district: RegionCode::parse(&req.district).map_err(|e| input("district", e))?,
        },
        investment_amount: Money::parse_wan(or_zero(&req.investment_wan))
            .map_err(|e| input("investment_wan", e))?,
        land_area: Area::parse(or_zero(&req.land_area)).map_err(|e| input("land_area", e))?,
        building_area: Area::parse(or_zero(&req.building_area))
            .map_err(|e| input("building_area", e))?,
        contacts,
    })
}

/// An action on a project (项目), as a user picks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectAction {
    /// 提交登记.
    Submit,
    /// 退回补正, with the problems found.
    RequestCorrection { problems: Vec<String> },
    /// 选择审批流程 (the category comes from the catalogue's flow).
    ChooseFlow { flow: String },
    /// 增加单体工程; an empty area is 0.
    AddWorks {
        works_id: String,
        name: String,
        description: String,
        area: String,
    },
    /// 项目终止.
    Close { reason: String },
}

/// The domain command of an action on `project`, checked against `cat` (the profile's
/// catalogue); a wrong value names its field.
pub fn project_command(
    cat: &Catalogue,
    project: &str,
    action: ProjectAction,
) -> std::result::Result<DomainCommand, InputError> {
    use permitdesk_domain::ids::FlowCode;
    use permitdesk_domain::project::{Area, ProjectCommand as PCmd, Works};
    let command = match action {
        ProjectAction::Submit => PCmd::Submit,
        ProjectAction::RequestCorrection { problems } => PCmd::RequestCorrection { problems },
        ProjectAction::ChooseFlow { flow } => {
            let code = FlowCode::new(flow.trim());
            let found = cat
                .flow(&code)
                .ok_or_else(|| input("flow", format!("事项目录中没有审批流程“{code}”")))?;
            PCmd::ChooseFlow {
                category: found.category.clone(),
                flow: code,
            }
        }
        ProjectAction::AddWorks {
            works_id,
            name,
            description,
            area,
        } => PCmd::AddWorks {
            works: Works {
                id: WorksId::new(works_id.trim()),
                name,
                description,
                building_area: Area::parse(or_zero(&area)).map_err(|e| input("area", e))?,
            },
        },
        ProjectAction::Close { reason } => PCmd::Close { reason },
    };
    Ok(DomainCommand::Project {
        project: ProjectId::new(project.trim()),
        command,
    })
}

/// The answer to a value checked as the user types.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Validation {
    pub ok: bool,
    pub message: Option<String>,
    pub normalized: Option<String>,
}

/// Check one value with the domain's own parser and message: `project_code`, `credit_code`,
/// `phone` or `area`.
pub fn validate(kind: &str, value: &str) -> Result<Validation> {
    use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode};
    use permitdesk_domain::project::Area;
    fn answer<T, E: std::fmt::Display>(
        r: std::result::Result<T, E>,
        show: impl Fn(&T) -> String,
    ) -> Validation {
        match r {
            Ok(v) => Validation {
                ok: true,
                message: None,
                normalized: Some(show(&v)),
            },
            Err(e) => Validation {
                ok: false,
                message: Some(e.to_string()),
                normalized: None,
            },
        }
    }
    Ok(match kind {
        "project_code" => answer(ProjectCode::parse(value), |c| c.as_str().to_owned()),
        "credit_code" => answer(CreditCode::parse(value), |c| c.as_str().to_owned()),
        "phone" => answer(PhoneNumber::parse(value), |c| c.as_str().to_owned()),
        "area" => answer(Area::parse(value.trim()), |a| a.to_string()),
        other => return Err(ClientError::Invalid(format!("未知的校验类型“{other}”"))),
    })
}

/// A file kept in the profile's encrypted cache (queued for upload).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentInfo {
    pub id: AttachmentId,
    pub name: Option<String>,
    pub size: u64,
    pub mime: Option<String>,
}

/// Largest file accepted from the app's page (a scanned drawing set fits; a video does not).
pub const MAX_ATTACHMENT: usize = 64 * 1024 * 1024;

/// Keep the bytes of a file given by the app (named `name`) and queue its upload.
pub fn attach_bytes(p: &mut Profile, name: &str, bytes: &[u8]) -> Result<AttachmentInfo> {
    if bytes.is_empty() {
        return Err(ClientError::Invalid("文件为空".to_owned()));
    }
    if bytes.len() > MAX_ATTACHMENT {
        return Err(ClientError::Invalid(format!(
            "文件过大（{} MB），单个文件不超过 64 MB",
            bytes.len() / 1024 / 1024
        )));
    }
    let name = name.trim().to_owned();
    let now = p.clock().now();
    let id =
        p.store_mut()
            .add_attachment(bytes, Some(name.as_str()).filter(|n| !n.is_empty()), now)?;
    Ok(AttachmentInfo {
        id,
        name: Some(name),
        size: bytes.len() as u64,
        mime: crate::store::sniff_type(bytes).map(str::to_owned),
    })
}

/// Keep a file from the disk and queue its upload.
pub fn attach_path(p: &mut Profile, path: &std::path::Path) -> Result<AttachmentInfo> {
    let id = p.attach_file(path)?;
    let cached = p.store().attachment(&id)?;
    Ok(AttachmentInfo {
        id,
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        size: cached.as_ref().map_or(0, |c| c.size),
        mime: cached.and_then(|c| c.content_type),
    })
}

/// Write `bytes` to `target`, or into it under `file_name` when it is a directory; the path
/// written. A target typed without an extension gets the file's own (`ex` becomes `ex.pdf`).
pub fn save_file(
    target: &std::path::Path,
    file_name: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf> {
    let mut path = target.to_path_buf();
    if path.is_dir() {
        path = path.join(file_name);
    } else if path.extension().is_none()
        && let Some(ext) = std::path::Path::new(file_name).extension()
    {
        path.set_extension(ext);
    }
    std::fs::write(&path, bytes).map_err(|e| ClientError::io(&path, e))?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod save_file_tests {
    use super::save_file;

    #[test]
    fn a_target_gets_the_files_extension_a_folder_gets_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            // (typed target, file name, written to)
            ("ex", "受理通知书-2026-ZGJ-000001.pdf", "ex.pdf"),
            ("表一.xlsx", "表一-2026-11.xlsx", "表一.xlsx"),
            ("表一.csv", "表一-2026-11.xlsx", "表一.csv"),
            (
                "",
                "受理通知书-2026-ZGJ-000001.pdf",
                "受理通知书-2026-ZGJ-000001.pdf",
            ),
            ("无扩展名", "README", "无扩展名"),
        ];
        for (typed, name, expected) in cases {
            let target = dir.path().join(typed);
            let written = save_file(&target, name, b"%PDF").unwrap();
            assert_eq!(written, dir.path().join(expected), "{typed} + {name}");
            assert_eq!(std::fs::read(&written).unwrap(), b"%PDF");
        }
    }
}

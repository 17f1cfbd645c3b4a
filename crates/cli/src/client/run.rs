//! Running the headless client commands: open the profile, act on the local store (queued in
//! the outbox), try to sync unless `--offline`, and say what happened, also when offline.

use super::args::*;
use crate::output::{CliError, Output};
use permitdesk_client::clock::SystemClock;
use permitdesk_client::credentials::OsKeyring;
use permitdesk_client::engine::{SyncOptions, SyncReport};
use permitdesk_client::profile::new_id;
use permitdesk_client::reads;
use permitdesk_client::store::{RefusalEntry, action_name};
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::{ClientError, Profile};
use permitdesk_domain::case::{
    AcceptanceTerms, CaseCommand as Cmd, CertificateRecord, CorrectionPoint, Decision,
};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use permitdesk_domain::ids::*;
use permitdesk_domain::procedure::SpecialProcedureKind;
use permitdesk_domain::project::{
    Area, Builder, Contact, ContactRole, InvestmentType, Location, Money, ProjectCommand as PCmd,
    ProjectDetails, Works,
};
use permitdesk_domain::time::{format_minute, from_local, parse_local, to_local};
use permitdesk_protocol::{DomainCommand, EntityRef};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

fn client_err(e: ClientError) -> CliError {
    match e {
        ClientError::Io { .. } => CliError::Io(e.to_string()),
        _ => CliError::Invalid(e.to_string()),
    }
}

fn open(profile: Option<&Path>) -> Result<Profile, CliError> {
    let dir = profile
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PERMITDESK_PROFILE").map(Into::into))
        .ok_or_else(|| {
            CliError::Usage(
                "需要指定配置目录：--profile DIR（或设置 PERMITDESK_PROFILE）".to_owned(),
            )
        })?;
    Profile::open(&dir, Arc::new(OsKeyring::default()), Arc::new(SystemClock)).map_err(client_err)
}

/// Run one headless client command.
pub fn run(cmd: ClientCommand, profile: Option<&Path>, out: &Output) -> Result<(), CliError> {
    let mut p = open(profile)?;
    match cmd {
        ClientCommand::Login(a) => login(&mut p, a, out),
        ClientCommand::Logout => {
            p.logout().map_err(client_err)?;
            out.print(&serde_json::json!({ "logged_out": true }), || {
                "已退出登录（本地数据保留，已加密）".to_owned()
            })
        }
        ClientCommand::Sync => sync(&mut p, out),
        ClientCommand::Status => status(&p, out),
        ClientCommand::Project(c) => project(&mut p, c, out),
        ClientCommand::Apply(a) => apply(&mut p, a, out),
        ClientCommand::Case(c) => case(&mut p, c, out),
        ClientCommand::Queue(a) => queue(&p, a, out),
        ClientCommand::Trail(a) => trail(&p, a, out),
        ClientCommand::Attach(a) => attach(&mut p, a, out),
        ClientCommand::Download(a) => {
            let data = p
                .fetch_attachment(&AttachmentId::new(a.attachment.trim()))
                .map_err(client_err)?;
            std::fs::write(&a.out, &data).map_err(|e| CliError::io(&a.out, e))?;
            out.print(
                &serde_json::json!({ "bytes": data.len(), "out": a.out }),
                || format!("已保存 {} 字节到 {}", data.len(), a.out.display()),
            )
        }
        ClientCommand::Refusals(a) => {
            if let Some(id) = a.dismiss {
                let found = p.store().dismiss_refusal(id).map_err(client_err)?;
                if !found {
                    return Err(CliError::Usage(format!("没有编号为 {id} 的被拒操作")));
                }
            }
            let list = p.store().refusals().map_err(client_err)?;
            out.print(&list, || refusals_text(&list))
        }
    }
}

fn login(p: &mut Profile, a: LoginArgs, out: &Output) -> Result<(), CliError> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .map_err(|e| CliError::Io(format!("无法从标准输入读取密码：{e}")))?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(CliError::Usage("标准输入中没有密码".to_owned()));
    }
    let trust = match (a.fingerprint, a.ca_file) {
        (Some(fp), _) => ServerTrust::Pinned(fp),
        (None, Some(ca)) => ServerTrust::CaFile(ca),
        (None, None) => {
            return Err(CliError::Usage(
                "需要 --fingerprint 或 --ca-file".to_owned(),
            ));
        }
    };
    let outcome = p
        .login(&a.server, &trust, &a.user, password)
        .map_err(client_err)?;
    out.print(&outcome, || {
        format!(
            "已登录：{}（{}），令牌保存在系统钥匙串中，有效期至 {}；本机时钟与服务器相差 {} 毫秒",
            outcome.user.name,
            outcome.user.role.label(),
            format_minute(to_local(outcome.expires_at)),
            outcome.clock_offset_ms
        )
    })
}

#[derive(Serialize)]
struct SyncOutput<'a> {
    #[serde(flatten)]
    report: &'a SyncReport,
    refusals: Vec<RefusalEntry>,
}

fn sync(p: &mut Profile, out: &Output) -> Result<(), CliError> {
    let report = p.sync(SyncOptions::default()).map_err(client_err)?;
    let refusals = p.store().refusals().map_err(client_err)?;
    out.print(
        &SyncOutput {
            report: &report,
            refusals: refusals.clone(),
        },
        || sync_text(&report, &refusals),
    )?;
    if report.offline.is_some() {
        Err(CliError::Checked)
    } else {
        Ok(())
    }
}

fn sync_text(r: &SyncReport, refusals: &[RefusalEntry]) -> String {
    let mut s = match &r.offline {
        Some(m) => format!(
            "离线：{m}\n已完成的部分已保存；仍有 {} 条操作待同步，联网后请再次同步\n",
            r.pending
        ),
        None => "同步完成\n".to_owned(),
    };
    s.push_str(&format!(
        "推送 {} 条（执行 {}，拒绝 {}，重复 {}），拉取 {} 条记录，上传 {} 个文件\n",
        r.pushed, r.applied, r.refused, r.duplicates, r.pulled.events, r.uploads_completed
    ));
    if !refusals.is_empty() {
        s.push_str(&refusals_text(refusals));
    }
    s
}

fn refusals_text(list: &[RefusalEntry]) -> String {
    if list.is_empty() {
        return "没有被拒绝的操作".to_owned();
    }
    let mut s = format!("被服务器拒绝的操作（{} 条）：\n", list.len());
    for r in list {
        s.push_str(&format!(
            "  #{} {} {}：{}\n",
            r.mutation_id,
            r.entity,
            action_name(&r.envelope.command),
            r.message
        ));
        if let Some(o) = &r.envelope.opinion {
            s.push_str(&format!("      您填写的意见：{o}\n"));
        }
    }
    s
}

fn status(p: &Profile, out: &Output) -> Result<(), CliError> {
    let s = reads::status(p.store()).map_err(client_err)?;
    out.print(&s, || {
        let mut t = String::new();
        t.push_str(&format!(
            "服务器：{}\n",
            s.server_url.as_deref().unwrap_or("（未登录）")
        ));
        if let Some(u) = &s.user {
            t.push_str(&format!("用户：{}（{}）\n", u.name, u.role.label()));
        }
        t.push_str(&format!(
            "待同步操作：{} 条；待上传文件：{} 个；本地记录：{} 条\n",
            s.pending,
            s.uploads.len(),
            s.events
        ));
        for o in &s.outbox {
            t.push_str(&format!(
                "  #{} {} {}",
                o.envelope.mutation_id,
                o.entity,
                action_name(&o.envelope.command)
            ));
            if let Some(c) = &o.local_conflict {
                t.push_str(&format!("（按最新数据可能被拒绝：{c}）"));
            }
            t.push('\n');
        }
        t.push_str(&format!(
            "上次同步：{}\n",
            s.last_sync_at
                .map(|x| format_minute(to_local(x)))
                .unwrap_or_else(|| "从未".to_owned())
        ));
        if !s.refusals.is_empty() {
            t.push_str(&refusals_text(&s.refusals));
        }
        t
    })
}

#[derive(Serialize)]
struct Acted {
    mutation_id: u64,
    entity: String,
    action: String,
}

#[derive(Serialize)]
struct ActOutput {
    commands: Vec<Acted>,
    /// Ids made for new entities (cases, project).
    created: Vec<String>,
    synced: bool,
    offline: Option<String>,
    sync_error: Option<String>,
    pending: u64,
    refused: Vec<RefusalEntry>,
}

/// Queue commands (each decided locally first), then sync unless told not to, and report.
fn act_all(
    p: &mut Profile,
    commands: Vec<(DomainCommand, Vec<AttachmentId>)>,
    opts: &ActOptions,
    created: Vec<String>,
    out: &Output,
) -> Result<(), CliError> {
    let mut acted = Vec::new();
    for (command, attachments) in commands {
        let env = p
            .act(command, opts.opinion.clone(), attachments)
            .map_err(|e| match e {
                ClientError::Refused(m) => {
                    CliError::Invalid(format!("操作未通过本地校验，未保存：{m}"))
                }
                other => client_err(other),
            })?;
        acted.push(Acted {
            mutation_id: env.mutation_id,
            entity: env.command.entity().key(),
            action: action_name(&env.command),
        });
    }
    let (mut synced, mut offline, mut sync_error) = (false, None, None);
    if opts.offline {
        offline = Some("按 --offline 仅保存在本地".to_owned());
    } else {
        match p.sync(SyncOptions::default()) {
            Ok(r) if r.offline.is_some() => offline = r.offline,
            Ok(_) => synced = true,
            Err(e) if e.is_offline() => offline = Some(e.to_string()),
            Err(e) => sync_error = Some(e.to_string()),
        }
    }
    let ids: Vec<u64> = acted.iter().map(|a| a.mutation_id).collect();
    let refused: Vec<RefusalEntry> = p
        .store()
        .refusals()
        .map_err(client_err)?
        .into_iter()
        .filter(|r| ids.contains(&r.mutation_id))
        .collect();
    let pending = p.store().pending_count().map_err(client_err)?;
    let result = ActOutput {
        commands: acted,
        created,
        synced,
        offline,
        sync_error,
        pending,
        refused,
    };
    out.print(&result, || {
        let mut s = String::new();
        for a in &result.commands {
            s.push_str(&format!("#{} {} {}\n", a.mutation_id, a.entity, a.action));
        }
        for c in &result.created {
            s.push_str(&format!("新编号：{c}\n"));
        }
        if let Some(m) = &result.offline {
            s.push_str(&format!(
                "离线：操作已保存在本地发件箱，联网后执行“同步”即可提交（{m}）；共 {} 条待同步\n",
                result.pending
            ));
        } else if let Some(e) = &result.sync_error {
            s.push_str(&format!("操作已保存在本地，但同步失败：{e}\n"));
        } else if result.refused.is_empty() {
            s.push_str("已同步到服务器\n");
        }
        if !result.refused.is_empty() {
            s.push_str(&refusals_text(&result.refused));
        }
        s
    })?;
    if !result.refused.is_empty() {
        Err(CliError::Checked)
    } else {
        Ok(())
    }
}

fn catalogue() -> Result<Catalogue, CliError> {
    Catalogue::demo().map_err(|e| CliError::Invalid(format!("内置事项目录无法加载：{e}")))
}

fn case_id(s: &str) -> CaseId {
    CaseId::new(s.trim())
}

fn points(list: &[String]) -> Result<Vec<CorrectionPoint>, CliError> {
    list.iter()
        .map(|p| match p.split_once('=') {
            Some((m, r)) => Ok(CorrectionPoint {
                material: m.trim().to_owned(),
                reason: r.trim().to_owned(),
            }),
            None => Err(CliError::Usage(format!("“{p}”应写成 材料名称=原因"))),
        })
        .collect()
}

fn attach_files(
    p: &mut Profile,
    files: &[std::path::PathBuf],
) -> Result<Vec<AttachmentId>, CliError> {
    files
        .iter()
        .map(|f| p.attach_file(f).map_err(client_err))
        .collect()
}

fn case(p: &mut Profile, c: CaseCommand, out: &Output) -> Result<(), CliError> {
    let single = |id: &str, command: Cmd| {
        vec![(
            DomainCommand::Case {
                case: case_id(id),
                command,
            },
            vec![],
        )]
    };
    let (commands, opts) = match c {
        CaseCommand::Show { case } => {
            let found = p.store().case(&case_id(&case)).map_err(client_err)?;
            let c = found
                .ok_or_else(|| CliError::Invalid(format!("本地没有办件“{case}”，请先同步")))?;
            return out.print(&c, || {
                format!(
                    "办件 {}：{}（事项 {}，部门 {}，项目 {}）\n已签署层级：{}\n",
                    c.id,
                    c.state.label(),
                    c.item,
                    c.department,
                    c.project,
                    c.sign_offs
                        .iter()
                        .map(|s| s.level.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            });
        }
        CaseCommand::Receive { case, act } => (single(&case, Cmd::Receive), act),
        CaseCommand::Accept {
            case,
            commitment,
            act,
        } => {
            let current = p.store().case(&case_id(&case)).map_err(client_err)?;
            let c = current
                .ok_or_else(|| CliError::Invalid(format!("本地没有办件“{case}”，请先同步")))?;
            let cat = catalogue()?;
            let item = cat
                .item(&c.item)
                .ok_or_else(|| CliError::Invalid(format!("事项目录中没有事项 {}", c.item)))?;
            let levels = cat
                .review_levels_for_item(&c.item)
                .map(<[String]>::to_vec)
                .unwrap_or_default();
            let terms = AcceptanceTerms {
                catalogue_version: cat.version.clone(),
                time_limit_working_days: item.time_limit_working_days,
                review_levels: levels,
            };
            (
                single(
                    &case,
                    Cmd::Accept {
                        terms,
                        commitment_based: commitment,
                    },
                ),
                act,
            )
        }
        CaseCommand::RequestCorrection {
            case,
            points: pts,
            act,
        } => (
            single(
                &case,
                Cmd::RequestCorrection {
                    points: points(&pts)?,
                },
            ),
            act,
        ),
        CaseCommand::Refuse { case, reasons, act } => {
            (single(&case, Cmd::RefuseAcceptance { reasons }), act)
        }
        CaseCommand::SignOff { case, level, act } => {
            let level = match level {
                Some(l) => l,
                None => {
                    let current = p.store().case(&case_id(&case)).map_err(client_err)?;
                    let c = current.ok_or_else(|| {
                        CliError::Invalid(format!("本地没有办件“{case}”，请先同步"))
                    })?;
                    c.next_level()
                        .map(str::to_owned)
                        .ok_or_else(|| CliError::Invalid("没有待签署的层级".to_owned()))?
                }
            };
            (single(&case, Cmd::SignOff { level }), act)
        }
        CaseCommand::Pause {
            case,
            points: pts,
            act,
        } => (
            single(
                &case,
                Cmd::Pause {
                    points: points(&pts)?,
                },
            ),
            act,
        ),
        CaseCommand::Resume { case, act } => (single(&case, Cmd::Resume), act),
        CaseCommand::Rectify {
            case,
            note,
            files,
            act,
        } => {
            let ids = attach_files(p, &files)?;
            (
                vec![(
                    DomainCommand::Case {
                        case: case_id(&case),
                        command: Cmd::SubmitRectification { note },
                    },
                    ids,
                )],
                act,
            )
        }
        CaseCommand::SpecialStart {
            case,
            procedure,
            kind,
            timed,
            act,
        } => {
            let kind = SpecialProcedureKind::parse(&kind)
                .ok_or_else(|| CliError::Usage(format!("未知的特别程序类型“{kind}”")))?;
            (
                single(
                    &case,
                    Cmd::StartSpecialProcedure {
                        procedure,
                        kind,
                        timed,
                    },
                ),
                act,
            )
        }
        CaseCommand::SpecialEnd {
            case,
            procedure,
            summary,
            files,
            act,
        } => {
            let ids = attach_files(p, &files)?;
            (
                vec![(
                    DomainCommand::Case {
                        case: case_id(&case),
                        command: Cmd::EndSpecialProcedure { procedure, summary },
                    },
                    ids,
                )],
                act,
            )
        }
        CaseCommand::Extend {
            case,
            days,
            reason,
            approved_by,
            act,
        } => (
            single(
                &case,
                Cmd::Extend {
                    days,
                    reason,
                    approved_by,
                },
            ),
            act,
        ),
        CaseCommand::Return { case, reasons, act } => (single(&case, Cmd::Return { reasons }), act),
        CaseCommand::Withdraw { case, reason, act } => {
            (single(&case, Cmd::Withdraw { reason }), act)
        }
        CaseCommand::Complete(a) => {
            let decision = if a.grant {
                let file = match &a.file {
                    Some(f) => Some(p.attach_file(f).map_err(client_err)?),
                    None => None,
                };
                let valid_until = a
                    .valid_until
                    .as_deref()
                    .map(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d"))
                    .transpose()
                    .map_err(|e| CliError::Usage(format!("有效期应为 YYYY-MM-DD：{e}")))?;
                let issued_on = to_local(p.corrected_now().map_err(client_err)?).date();
                Decision::Granted {
                    certificate: CertificateRecord {
                        number: CertificateNumber::new(
                            a.certificate_number.clone().unwrap_or_default(),
                        ),
                        name: a.certificate_name.clone().unwrap_or_default(),
                        issued_on,
                        valid_until,
                        file,
                    },
                }
            } else {
                Decision::Denied {
                    reasons: a.reasons.clone(),
                }
            };
            (single(&a.case, Cmd::Complete { decision }), a.act)
        }
        CaseCommand::AttachMaterial {
            case,
            material,
            file,
            act,
        } => {
            let id = p.attach_file(&file).map_err(client_err)?;
            (
                single(
                    &case,
                    Cmd::AttachMaterial {
                        material,
                        attachment: id,
                    },
                ),
                act,
            )
        }
        CaseCommand::Submit { case, form, act } => {
            let id = p.attach_file(&form).map_err(client_err)?;
            (single(&case, Cmd::Submit { stamped_form: id }), act)
        }
    };
    act_all(p, commands, &opts, vec![], out)
}

fn apply(p: &mut Profile, a: ApplyArgs, out: &Output) -> Result<(), CliError> {
    let cat = catalogue()?;
    let actor = p.actor().map_err(client_err)?;
    let applicant = match a
        .applicant
        .as_deref()
        .map(OrganisationId::new)
        .or(actor.organisation)
    {
        Some(o) => o,
        None => {
            return Err(CliError::Usage(
                "窗口代为申报时需要 --applicant 单位".to_owned(),
            ));
        }
    };
    let form = p.attach_file(&a.form).map_err(client_err)?;
    let mut materials = Vec::new();
    for m in &a.materials {
        let (name, file) = m
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("“{m}”应写成 材料名称=文件")))?;
        materials.push((
            name.trim().to_owned(),
            p.attach_file(Path::new(file.trim())).map_err(client_err)?,
        ));
    }
    let application = ApplicationId::new(new_id("A").map_err(client_err)?);
    let mut commands = Vec::new();
    let mut created = Vec::new();
    for code in &a.items {
        let item_code = ItemCode::new(code.trim());
        let item = cat
            .item(&item_code)
            .ok_or_else(|| CliError::Usage(format!("事项目录中没有事项 {code}")))?;
        let id = CaseId::new(new_id("C").map_err(client_err)?);
        created.push(id.to_string());
        let cmd = |command: Cmd| {
            (
                DomainCommand::Case {
                    case: id.clone(),
                    command,
                },
                vec![],
            )
        };
        commands.push(cmd(Cmd::Create {
            application: application.clone(),
            project: ProjectId::new(a.project.trim()),
            works: WorksId::new(a.works.trim()),
            item: item_code.clone(),
            department: item.department.clone(),
            applicant: applicant.clone(),
            commitment_allowed: item.commitment_allowed,
        }));
        for (name, att) in &materials {
            commands.push(cmd(Cmd::AttachMaterial {
                material: name.clone(),
                attachment: att.clone(),
            }));
        }
        if !a.no_submit {
            commands.push(cmd(Cmd::Submit {
                stamped_form: form.clone(),
            }));
        }
    }
    act_all(p, commands, &a.act, created, out)
}

fn parse_contact(s: &str) -> Result<Contact, CliError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let (name, phone, role) = match parts.as_slice() {
        [n, ph] => (*n, *ph, ContactRole::Liaison),
        [n, ph, r] => {
            let role: ContactRole = serde_json::from_value(serde_json::Value::String(
                (*r).to_owned(),
            ))
            .map_err(|_| {
                CliError::Usage(format!(
                    "联系人角色“{r}”应为 legal_representative、project_lead、liaison 或 agent"
                ))
            })?;
            (*n, *ph, role)
        }
        _ => {
            return Err(CliError::Usage(format!(
                "联系人“{s}”应写成 姓名,电话[,角色]"
            )));
        }
    };
    let phone = PhoneNumber::parse(phone).map_err(CliError::usage)?;
    Ok(Contact {
        name: name.to_owned(),
        phone,
        role,
    })
}

fn project(p: &mut Profile, c: ProjectCommand, out: &Output) -> Result<(), CliError> {
    let pid = |s: &str| ProjectId::new(s.trim());
    let on = |id: &str, command: PCmd| {
        vec![(
            DomainCommand::Project {
                project: ProjectId::new(id.trim()),
                command,
            },
            vec![],
        )]
    };
    let (commands, opts, created) = match c {
        ProjectCommand::Show { project } => {
            let v = reads::project(p.store(), &pid(&project)).map_err(client_err)?;
            return out.print(&v, || {
                let mut s = format!(
                    "项目 {}：{}（{}）\n建设单位：{}\n",
                    v.project.id,
                    v.project.details.name,
                    v.project.state.label(),
                    v.project.details.builder.name
                );
                for c in &v.cases {
                    s.push_str(&format!(
                        "  办件 {} 事项 {} {}\n",
                        c.id,
                        c.item,
                        c.state.label()
                    ));
                }
                s.push_str(&format!(
                    "留痕 {} 条{}\n",
                    v.trail.events.len(),
                    if v.trail.broken.is_none() {
                        "，校验通过"
                    } else {
                        "，校验失败"
                    }
                ));
                s
            });
        }
        ProjectCommand::List => {
            let list = p.store().projects().map_err(client_err)?;
            return out.print(&list, || {
                list.iter()
                    .map(|p| format!("{} {} {}\n", p.id, p.details.name, p.state.label()))
                    .collect::<String>()
            });
        }
        ProjectCommand::Register(a) => {
            let id = match &a.id {
                Some(i) => ProjectId::new(i.trim()),
                None => ProjectId::new(new_id("P").map_err(client_err)?),
            };
            let investment = match a.investment.as_str() {
                "social" | "社会投资" => InvestmentType::Social,
                "government" | "政府投资" => InvestmentType::Government,
                other => {
                    return Err(CliError::Usage(format!(
                        "投资类型“{other}”应为 social 或 government"
                    )));
                }
            };
            let details = ProjectDetails {
                code: ProjectCode::parse(&a.code).map_err(CliError::usage)?,
                name: a.name.clone(),
                builder: Builder {
                    name: a.builder.clone(),
                    credit_code: CreditCode::parse(&a.credit_code).map_err(CliError::usage)?,
                },
                investment,
                category: CategoryCode::new(a.category.trim()),
                location: Location {
                    address: a.address.clone(),
                    district: RegionCode::parse(&a.district).map_err(CliError::usage)?,
                },
                investment_amount: Money::parse_wan(&a.investment_wan).map_err(CliError::usage)?,
                land_area: Area::parse(&a.land_area).map_err(CliError::usage)?,
                building_area: Area::parse(&a.building_area).map_err(CliError::usage)?,
                contacts: a
                    .contacts
                    .iter()
                    .map(|c| parse_contact(c))
                    .collect::<Result<_, _>>()?,
            };
            let command = match &a.owner {
                Some(owner) => PCmd::RegisterOnSite {
                    id: id.clone(),
                    owner: OrganisationId::new(owner.trim()),
                    details,
                },
                None => PCmd::RegisterOnline {
                    id: id.clone(),
                    details,
                },
            };
            (
                vec![(
                    DomainCommand::Project {
                        project: id.clone(),
                        command,
                    },
                    vec![],
                )],
                a.act.clone(),
                vec![id.to_string()],
            )
        }
        ProjectCommand::Submit { project, act } => (on(&project, PCmd::Submit), act, vec![]),
        ProjectCommand::RequestCorrection {
            project,
            problems,
            act,
        } => (
            on(&project, PCmd::RequestCorrection { problems }),
            act,
            vec![],
        ),
        ProjectCommand::ChooseFlow { project, flow, act } => {
            let cat = catalogue()?;
            let flow = FlowCode::new(flow.trim());
            let f = cat
                .flow(&flow)
                .ok_or_else(|| CliError::Usage(format!("事项目录中没有审批流程 {flow}")))?;
            (
                on(
                    &project,
                    PCmd::ChooseFlow {
                        flow: flow.clone(),
                        category: f.category.clone(),
                    },
                ),
                act,
                vec![],
            )
        }
        ProjectCommand::AddWorks {
            project,
            works_id,
            name,
            description,
            area,
            act,
        } => {
            let works = Works {
                id: WorksId::new(works_id.trim()),
                name,
                description,
                building_area: Area::parse(&area).map_err(CliError::usage)?,
            };
            (on(&project, PCmd::AddWorks { works }), act, vec![])
        }
        ProjectCommand::Close {
            project,
            reason,
            act,
        } => (on(&project, PCmd::Close { reason }), act, vec![]),
    };
    act_all(p, commands, &opts, created, out)
}

fn queue(p: &Profile, a: QueueArgs, out: &Output) -> Result<(), CliError> {
    let user = p
        .store()
        .sync_state()
        .map_err(client_err)?
        .user
        .ok_or_else(|| CliError::Usage("尚未登录".to_owned()))?;
    let as_of = match &a.as_of {
        Some(s) => from_local(
            parse_local(s)
                .ok_or_else(|| CliError::Usage(format!("时间“{s}”应为 YYYY-MM-DDTHH:MM")))?,
        ),
        None => p.corrected_now().map_err(client_err)?,
    };
    let list = reads::queue(p.store(), &user, as_of).map_err(client_err)?;
    out.print(&list, || {
        if list.is_empty() {
            return "没有待办办件".to_owned();
        }
        list.iter()
            .map(|e| {
                format!(
                    "{} {} {} {} 期限 {} {}{}\n",
                    e.case,
                    e.item,
                    e.state_label,
                    e.next_action,
                    e.deadline.as_deref().unwrap_or("—"),
                    e.level.map(|l| format!("{l:?}")).unwrap_or_default(),
                    if e.pending_local {
                        "（有未同步操作）"
                    } else {
                        ""
                    }
                )
            })
            .collect()
    })
}

fn trail(p: &Profile, a: TrailArgs, out: &Output) -> Result<(), CliError> {
    let entity = match (&a.case, &a.project) {
        (Some(c), _) => EntityRef::Case(case_id(c)),
        (None, Some(pr)) => EntityRef::Project(ProjectId::new(pr.trim())),
        (None, None) => return Err(CliError::Usage("需要办件编号或 --project".to_owned())),
    };
    let t = reads::trail(p.store(), &entity).map_err(client_err)?;
    if t.events.is_empty() {
        return Err(CliError::Invalid(format!(
            "本地没有 {} 的记录，请先同步",
            entity.key()
        )));
    }
    out.print(&t, || {
        let mut s = String::new();
        for e in &t.events {
            let (seq, what) = match &e.event {
                permitdesk_protocol::DomainEvent::Case(x) => (
                    x.seq,
                    format!(
                        "{} {}（{}）{}",
                        format_minute(to_local(x.event.at)),
                        x.event.actor.name,
                        x.event.actor.role.label(),
                        serde_json::to_value(&x.event.change)
                            .ok()
                            .and_then(|v| v["change"].as_str().map(str::to_owned))
                            .unwrap_or_default()
                    ),
                ),
                permitdesk_protocol::DomainEvent::Consultation(x) => (
                    x.seq,
                    format!(
                        "{} {}（{}）{}",
                        format_minute(to_local(x.event.at)),
                        x.event.actor.name,
                        x.event.actor.role.label(),
                        serde_json::to_value(&x.event.change)
                            .ok()
                            .and_then(|v| v["change"].as_str().map(str::to_owned))
                            .unwrap_or_default()
                    ),
                ),
                permitdesk_protocol::DomainEvent::Project(x) => (
                    x.seq,
                    format!(
                        "{} {} {}",
                        format_minute(to_local(x.event.at())),
                        x.event.actor().name,
                        x.event.kind()
                    ),
                ),
            };
            s.push_str(&format!("{seq:>3} {what}\n"));
        }
        if a.verify {
            match &t.broken {
                None => s.push_str("哈希链校验通过\n"),
                Some(m) => s.push_str(&format!("哈希链校验失败：{m}\n")),
            }
        }
        s
    })?;
    if a.verify && t.broken.is_some() {
        Err(CliError::Checked)
    } else {
        Ok(())
    }
}

fn attach(p: &mut Profile, a: AttachArgs, out: &Output) -> Result<(), CliError> {
    let id = p.attach_file(&a.file).map_err(client_err)?;
    let mut uploaded = false;
    let mut offline = None;
    if !a.offline {
        match p.upload_pending(SyncOptions::default()) {
            Ok(results) => {
                for (rid, r) in results {
                    if rid == id {
                        match r {
                            Ok(permitdesk_client::store::UploadState::Complete) => uploaded = true,
                            Ok(permitdesk_client::store::UploadState::Failed) => {
                                let err = p
                                    .store()
                                    .uploads(true)
                                    .map_err(client_err)?
                                    .into_iter()
                                    .find(|u| u.id == id)
                                    .and_then(|u| u.error)
                                    .unwrap_or_default();
                                return Err(CliError::Invalid(format!(
                                    "服务器拒绝了该文件：{err}"
                                )));
                            }
                            Ok(_) => {}
                            Err(m) => offline = Some(m),
                        }
                    }
                }
            }
            Err(e) if e.is_offline() => offline = Some(e.to_string()),
            Err(e) => offline = Some(e.to_string()),
        }
    }
    out.print(
        &serde_json::json!({ "attachment": id, "uploaded": uploaded, "offline": offline }),
        || {
            if uploaded {
                format!("附件 {id} 已上传")
            } else {
                format!("附件 {id} 已保存在本地（加密），离线排队，下次同步时上传")
            }
        },
    )
}

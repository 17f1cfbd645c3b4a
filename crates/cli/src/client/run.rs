//! Running the headless client commands: open the profile, act on the local store (queued in
//! the outbox), try to sync unless `--offline`, and say what happened, also when offline.

use super::args::*;
use crate::output::{CliError, Output};
use permitdesk_client::clock::SystemClock;
use permitdesk_client::credentials::OsKeyring;
use permitdesk_client::engine::{SyncOptions, SyncReport};
use permitdesk_client::expired::{self, ExpiredAction, Selection};
use permitdesk_client::ops;
use permitdesk_client::profile::new_id;
use permitdesk_client::reads;
use permitdesk_client::store::{RefusalEntry, action_name};
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::{ClientError, Profile};
use permitdesk_domain::case::CorrectionPoint;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::*;
use permitdesk_domain::time::{format_minute, from_local, parse_local, to_local};
use permitdesk_protocol::DomainCommand;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

pub(super) fn client_err(e: ClientError) -> CliError {
    match e {
        ClientError::Io { .. } => CliError::Io(e.to_string()),
        ClientError::LoginExpired { .. } => {
            CliError::Invalid(format!("{e}（permitdesk login ... --password-stdin）"))
        }
        _ => CliError::Invalid(e.to_string()),
    }
}

/// The profile directory: `--profile DIR`, or $PERMITDESK_PROFILE.
pub fn profile_dir(profile: Option<&Path>) -> Option<std::path::PathBuf> {
    profile
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PERMITDESK_PROFILE").map(Into::into))
}

/// Open the profile; a command that needs one says so when none is given.
pub fn open(profile: Option<&Path>) -> Result<Profile, CliError> {
    let dir = profile_dir(profile).ok_or_else(|| {
        CliError::Usage("需要指定配置目录：--profile DIR（或设置 PERMITDESK_PROFILE）".to_owned())
    })?;
    Profile::open(&dir, Arc::new(OsKeyring::default()), Arc::new(SystemClock)).map_err(client_err)
}

/// Run one headless client command.
pub fn run(cmd: ClientCommand, profile: Option<&Path>, out: &Output) -> Result<(), CliError> {
    // Removing a profile must not open (and so create) it first.
    let cmd = match cmd {
        ClientCommand::Profile(ProfileCommand::Remove {
            dir,
            yes,
            discard_unsent,
        }) => return remove_profile(dir.as_deref().or(profile), yes, discard_unsent, out),
        other => other,
    };
    let mut p = open(profile)?;
    match cmd {
        ClientCommand::Profile(_) => Ok(()),
        ClientCommand::Login(a) => login(&mut p, a, out),
        ClientCommand::Logout => {
            p.logout().map_err(client_err)?;
            out.print(&serde_json::json!({ "logged_out": true }), || {
                "已退出登录（本地数据保留，已加密）".to_owned()
            })
        }
        ClientCommand::Sync => sync(&mut p, out),
        ClientCommand::Reference(c) => super::reference::run(&mut p, c, out),
        ClientCommand::Status => status(&p, out),
        ClientCommand::Notifications { after } => {
            let (list, cursor) =
                permitdesk_client::notifications::notifications(&p, after).map_err(client_err)?;
            out.print(
                &serde_json::json!({ "notifications": list, "cursor": cursor }),
                || {
                    if list.is_empty() {
                        return "没有新的通知".to_owned();
                    }
                    list.iter()
                        .map(|n| format!("{}  {}\n", n.at, n.message))
                        .collect()
                },
            )
        }
        ClientCommand::Project(c) => project(&mut p, c, out),
        ClientCommand::Apply(a) => apply(&mut p, a, out),
        ClientCommand::Case(c) => case(&mut p, c, out),
        ClientCommand::Rate(a) => super::evaluation::rate(&mut p, a, out),
        ClientCommand::Rectification(c) => super::evaluation::rectification(&mut p, c, out),
        ClientCommand::Complaint(c) => super::evaluation::complaint(&mut p, c, out),
        ClientCommand::Commission(c) => super::commission::commission(&mut p, c, out),
        ClientCommand::Consultation(c) => consultation(&mut p, c, out),
        ClientCommand::Act(a) => {
            let command: DomainCommand = serde_json::from_str(&a.command)
                .map_err(|e| CliError::Usage(format!("命令 JSON 无法解析：{e}")))?;
            act_all(&mut p, vec![(command, vec![])], &a.act, vec![], out)
        }
        ClientCommand::Queue(a) => queue(&p, a, out),
        ClientCommand::Trail(a) => trail(&p, a, out),
        ClientCommand::Document(a) => document(&p, a, out),
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
        ClientCommand::Refusals(RefusalArgs {
            action: Some(RefusalAction::Expired),
            ..
        }) => {
            let list = expired::expired(&p).map_err(client_err)?;
            out.print(&list, || expired_text(&list))
        }
        ClientCommand::Refusals(RefusalArgs {
            action:
                Some(RefusalAction::Reconfirm {
                    all,
                    mutations,
                    offline,
                }),
            ..
        }) => {
            let selection = if all {
                Selection::All
            } else {
                Selection::Only(mutations)
            };
            let r = expired::reconfirm(&mut p, &selection, offline).map_err(client_err)?;
            out.print(&r, || reconfirm_text(&r))?;
            if r.still_refused.is_empty() && r.outcome.refused.is_empty() {
                Ok(())
            } else {
                Err(CliError::Checked)
            }
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

fn remove_profile(
    dir: Option<&Path>,
    yes: bool,
    discard_unsent: bool,
    out: &Output,
) -> Result<(), CliError> {
    let dir = profile_dir(dir).ok_or_else(|| {
        CliError::Usage("需要指定要删除的配置目录：profile remove DIR".to_owned())
    })?;
    if !yes {
        return Err(CliError::Usage(format!(
            "删除本机配置 {} 不可恢复（本地数据、系统钥匙串中的登录令牌和数据库密钥都将删除），请加 --yes 确认",
            dir.display()
        )));
    }
    let removed = permitdesk_client::profile::remove(
        &dir,
        Arc::new(OsKeyring::default()),
        Arc::new(SystemClock),
        discard_unsent,
    )
    .map_err(client_err)?;
    out.print(&removed, || {
        let mut s = format!(
            "已删除本机配置 {}：本地数据及系统钥匙串中的登录令牌、数据库密钥均已删除",
            removed.dir
        );
        if removed.discarded > 0 {
            s.push_str(&format!("；丢弃未同步操作 {} 条", removed.discarded));
        }
        s
    })
}

fn expired_line(e: &ExpiredAction) -> String {
    let mut s = format!(
        "  #{} {} {} {}\n",
        e.mutation_id,
        e.acted_at.replace('T', " "),
        e.action,
        e.target
    );
    if let Some(o) = &e.opinion {
        s.push_str(&format!("      意见：{o}\n"));
    }
    if e.follows_expired {
        s.push_str(&format!(
            "      因同一对象之前的操作超时而被拒：{}\n",
            e.message
        ));
    }
    if let Some(m) = &e.local_refusal {
        s.push_str(&format!("      按当前数据无法办理：{m}\n"));
    }
    s
}

fn expired_text(list: &[ExpiredAction]) -> String {
    if list.is_empty() {
        return "没有超过离线时限、待重新确认的操作".to_owned();
    }
    let mut s = format!(
        "超过离线时限、被服务器退回的操作（{} 条，操作时间为北京时间）：\n",
        list.len()
    );
    for e in list {
        s.push_str(&expired_line(e));
    }
    s.push_str(
        "核对无误后执行 permitdesk refusals reconfirm --all 重新确认并提交（或列出要提交的编号）\n",
    );
    s
}

fn reconfirm_text(r: &expired::ReconfirmOutcome) -> String {
    let mut s = format!("已重新确认 {} 条操作", r.reconfirmed.len());
    let o = &r.outcome;
    if r.reconfirmed.is_empty() {
        s.push('\n');
    } else if let Some(m) = &o.offline {
        s.push_str(&format!(
            "，已保存在本地发件箱，联网后执行“同步”即可提交（{m}）\n"
        ));
    } else if let Some(e) = &o.sync_error {
        s.push_str(&format!("，已保存在本地，但同步失败：{e}\n"));
    } else {
        s.push_str("，已按当前时间提交到服务器\n");
    }
    for d in &r.reconfirmed {
        s.push_str(&format!("  {} {}\n", d.action, d.target));
    }
    if !r.still_refused.is_empty() {
        s.push_str(&format!(
            "仍无法办理、保留在列表中的操作（{} 条）：\n",
            r.still_refused.len()
        ));
        for e in &r.still_refused {
            s.push_str(&expired_line(e));
        }
    }
    if !o.refused.is_empty() {
        s.push_str(&refusals_text(&o.refused));
    }
    s
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
    // Offline, or the server refused some of what was pushed: not a success (exit 1).
    if report.offline.is_some() || report.refused > 0 {
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
    let now = p.corrected_now().map_err(client_err)?;
    let s = reads::status_at(p.store(), now).map_err(client_err)?;
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
        t.push_str(&format!(
            "参考数据版本：{}\n",
            s.reference
                .iter()
                .map(|(k, v)| format!("{} {v}", k.label()))
                .collect::<Vec<_>>()
                .join("，")
        ));
        if let Some(w) = &s.calendar_warning {
            t.push_str(&format!("提醒：{w}\n"));
        }
        if !s.refusals.is_empty() {
            t.push_str(&refusals_text(&s.refusals));
        }
        t
    })
}

/// Queue commands (each decided locally first), then sync unless told not to, and report.
pub(super) fn act_all(
    p: &mut Profile,
    commands: Vec<(DomainCommand, Vec<AttachmentId>)>,
    opts: &ActOptions,
    created: Vec<String>,
    out: &Output,
) -> Result<(), CliError> {
    let result = ops::act_all(p, commands, opts.opinion.clone(), opts.offline, created).map_err(
        |e| match e {
            ClientError::Refused(m) => {
                CliError::Invalid(format!("操作未通过本地校验，未保存：{m}"))
            }
            other => client_err(other),
        },
    )?;
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

fn consultation(p: &mut Profile, c: ConsultationCommand, out: &Output) -> Result<(), CliError> {
    use permitdesk_domain::consultation::ConsultationId;
    match c {
        ConsultationCommand::List => {
            let list = reads::consultations(p.store()).map_err(client_err)?;
            out.print(&list, || {
                list.iter()
                    .map(|c| format!("{} {:?}\n", c.id, c.state))
                    .collect::<String>()
            })
        }
        ConsultationCommand::Show { consultation } => {
            let id = ConsultationId::new(consultation.trim());
            let c = p
                .store()
                .consultation(&id)
                .map_err(client_err)?
                .ok_or_else(|| CliError::Invalid(format!("本地没有策划记录“{id}”，请先同步")))?;
            out.print(&c, || format!("{} {:?}\n", c.id, c.state))
        }
        ConsultationCommand::Findings { consultation } => {
            let id = ConsultationId::new(consultation.trim());
            let findings = reads::compliance_findings(p.store(), &id).map_err(client_err)?;
            out.print(&findings, || {
                if findings.is_empty() {
                    return "项目红线未涉及任何规划分区\n".to_owned();
                }
                findings
                    .iter()
                    .map(|f| {
                        format!(
                            "{} {}（{}）：{} 平方米，占红线面积 {:.2}%\n",
                            f.zone,
                            f.name,
                            f.land_use,
                            f.area_m2,
                            f64::from(f.share_bp) / 100.0
                        )
                    })
                    .collect()
            })
        }
        ConsultationCommand::Act {
            consultation,
            command,
            act,
        } => {
            let command = serde_json::from_str(&command)
                .map_err(|e| CliError::Usage(format!("会商命令 JSON 无法解析：{e}")))?;
            let cmd = DomainCommand::Consultation {
                consultation: ConsultationId::new(consultation.trim()),
                command,
            };
            act_all(p, vec![(cmd, vec![])], &act, vec![], out)
        }
    }
}

fn document(p: &Profile, a: DocumentArgs, out: &Output) -> Result<(), CliError> {
    use permitdesk_client::papers::{PaperKind, render};
    let kind = PaperKind::parse(&a.kind).ok_or_else(|| {
        CliError::Usage(format!(
            "未知的文书类型“{}”，可选：application_form、one_time_notice、acceptance_receipt、correction_notice、refusal_notice、return_notice、completion_notice、certificate",
            a.kind
        ))
    })?;
    let paper = render(p, kind, &a.id).map_err(client_err)?;
    let target = a.out.unwrap_or_else(|| std::path::PathBuf::from("."));
    let path = ops::save_file(&target, &paper.file_name, &paper.pdf).map_err(client_err)?;
    #[derive(Serialize)]
    struct Written<'a> {
        #[serde(flatten)]
        paper: &'a permitdesk_client::papers::Paper,
        path: String,
        bytes: usize,
    }
    let w = Written {
        paper: &paper,
        path: path.display().to_string(),
        bytes: paper.pdf.len(),
    };
    out.print(&w, || {
        format!(
            "已生成{}：{}（{} 字节，核验码 {}）\n",
            paper.title, w.path, w.bytes, paper.verification_code
        )
    })
}

/// The catalogue the profile decides with.
fn catalogue(p: &Profile) -> Result<std::sync::Arc<Catalogue>, CliError> {
    ops::catalogue(p).map_err(client_err)
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
    use permitdesk_client::ops::CaseAction as A;
    let (case, action, opts) = match c {
        CaseCommand::Actions { case } => {
            let now = p.corrected_now().map_err(client_err)?;
            let v = match reads::case_view(p.store(), &case_id(&case), now) {
                Err(ClientError::NotFound { .. }) => {
                    return Err(CliError::Invalid(format!("本地没有办件“{case}”，请先同步")));
                }
                other => other.map_err(client_err)?,
            };
            let actions = v.available_actions;
            return out.print(&actions, || {
                let mut s = format!(
                    "办件 {}（{}）可办理的操作：\n",
                    v.case.id,
                    v.case.state.label()
                );
                for a in actions.iter().filter(|a| a.refusal.is_none()) {
                    s.push_str(&format!("  ✓ {}\n", a.label));
                }
                for a in &actions {
                    if let Some(why) = &a.refusal {
                        s.push_str(&format!("  ✗ {}：{why}\n", a.label));
                    }
                }
                s
            });
        }
        CaseCommand::Show { case } => {
            let now = p.corrected_now().map_err(client_err)?;
            let v = match reads::case_view(p.store(), &case_id(&case), now) {
                Err(ClientError::NotFound { .. }) => {
                    return Err(CliError::Invalid(format!("本地没有办件“{case}”，请先同步")));
                }
                other => other.map_err(client_err)?,
            };
            return out.print(&v, || {
                let c = &v.case;
                let mut s = format!(
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
                );
                if let Some(d) = &v.deadline {
                    s.push_str(&format!("办理期限：{d}"));
                    if let Some(note) = &v.provisional {
                        s.push_str(&format!("（{note}）"));
                    }
                    s.push('\n');
                }
                if let Some(e) = &v.clock_error {
                    s.push_str(&format!("期限无法计算：{e}\n"));
                }
                s
            });
        }
        CaseCommand::Receive { case, act } => (case, A::Receive, act),
        CaseCommand::Accept {
            case,
            commitment,
            act,
        } => (case, A::Accept { commitment }, act),
        CaseCommand::RequestCorrection {
            case,
            points: pts,
            act,
        } => (
            case,
            A::RequestCorrection {
                points: points(&pts)?,
            },
            act,
        ),
        CaseCommand::Refuse { case, reasons, act } => (case, A::Refuse { reasons }, act),
        CaseCommand::SignOff { case, level, act } => (case, A::SignOff { level }, act),
        CaseCommand::Pause {
            case,
            points: pts,
            act,
        } => (
            case,
            A::Pause {
                points: points(&pts)?,
            },
            act,
        ),
        CaseCommand::Resume { case, act } => (case, A::Resume, act),
        CaseCommand::Rectify {
            case,
            note,
            files,
            act,
        } => {
            let files = attach_files(p, &files)?;
            (case, A::SubmitRectification { note, files }, act)
        }
        CaseCommand::SpecialStart {
            case,
            procedure,
            kind,
            act,
        } => (
            case,
            A::StartSpecial {
                kind,
                procedure: Some(procedure),
            },
            act,
        ),
        CaseCommand::SpecialEnd {
            case,
            procedure,
            summary,
            files,
            act,
        } => {
            let result = attach_files(p, &files)?;
            (
                case,
                A::EndSpecial {
                    procedure,
                    summary,
                    result,
                },
                act,
            )
        }
        CaseCommand::Extend {
            case,
            days,
            reason,
            act,
        } => (case, A::Extend { days, reason }, act),
        CaseCommand::Return { case, reasons, act } => (case, A::Return { reasons }, act),
        CaseCommand::Withdraw { case, reason, act } => (case, A::Withdraw { reason }, act),
        CaseCommand::Complete(a) => {
            let action = if a.grant {
                let file = match &a.file {
                    Some(f) => Some(p.attach_file(f).map_err(client_err)?),
                    None => None,
                };
                if a.certificate_number.is_some() {
                    eprintln!(
                        "提示：证照编号由服务器在办结时统一分配，已忽略 --certificate-number。"
                    );
                }
                A::CompleteGranted {
                    certificate_name: a.certificate_name.clone().unwrap_or_default(),
                    valid_until: a.valid_until.clone(),
                    file,
                }
            } else {
                A::CompleteDenied {
                    reasons: a.reasons.clone(),
                }
            };
            (a.case.clone(), action, a.act.clone())
        }
        CaseCommand::AttachMaterial {
            case,
            material,
            file,
            act,
        } => {
            let attachment = p.attach_file(&file).map_err(client_err)?;
            (
                case,
                A::AttachMaterial {
                    material,
                    attachment,
                },
                act,
            )
        }
        CaseCommand::DetachMaterial {
            case,
            material,
            act,
        } => (case, A::DetachMaterial { material }, act),
        CaseCommand::Submit { case, form, act } => {
            let stamped_form = p.attach_file(&form).map_err(client_err)?;
            (case, A::Submit { stamped_form }, act)
        }
    };
    let command = ops::case_command(p, &case_id(&case), action).map_err(client_err)?;
    act_all(p, vec![command], &opts, vec![], out)
}

fn apply(p: &mut Profile, a: ApplyArgs, out: &Output) -> Result<(), CliError> {
    let stamped_form = if a.no_submit {
        None
    } else {
        Some(p.attach_file(&a.form).map_err(client_err)?)
    };
    let mut materials = Vec::new();
    for m in &a.materials {
        let (name, file) = m
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("“{m}”应写成 材料名称=文件")))?;
        materials.push(ops::MaterialGiven {
            name: name.trim().to_owned(),
            attachment: p.attach_file(Path::new(file.trim())).map_err(client_err)?,
        });
    }
    let req = ops::ApplyRequest {
        project: ProjectId::new(a.project.trim()),
        works: WorksId::new(a.works.trim()),
        items: a.items.iter().map(|c| ItemCode::new(c.trim())).collect(),
        materials,
        applicant: a
            .applicant
            .as_deref()
            .map(|o| OrganisationId::new(o.trim())),
        stamped_form,
    };
    let (_, cases, commands) = ops::apply_commands(p, &req).map_err(|e| match e {
        ClientError::Invalid(m) => CliError::Usage(m),
        other => client_err(other),
    })?;
    let created = cases.iter().map(ToString::to_string).collect();
    act_all(p, commands, &a.act, created, out)
}

/// `姓名,电话[,角色]`.
fn parse_contact(s: &str) -> Result<ops::ContactInput, CliError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [name, phone] | [name, phone, _] => Ok(ops::ContactInput {
            name: (*name).to_owned(),
            phone: (*phone).to_owned(),
            role: parts.get(2).map(|r| (*r).to_owned()),
        }),
        _ => Err(CliError::Usage(format!(
            "联系人“{s}”应写成 姓名,电话[,角色]"
        ))),
    }
}

fn project(p: &mut Profile, c: ProjectCommand, out: &Output) -> Result<(), CliError> {
    use ops::ProjectAction as PA;
    let pid = |s: &str| ProjectId::new(s.trim());
    let on = |id: &str, action: PA| -> Result<ops::Commands, CliError> {
        let command = ops::project_command(&*catalogue(p)?, id, action)
            .map_err(|e| CliError::Usage(e.message))?;
        Ok(vec![(command, vec![])])
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
            let req = register_request(&a)?;
            let cat = catalogue(p)?;
            let (id, command) = ops::register_command(&req, &cat, || new_id("P"))
                .map_err(|e| CliError::Usage(e.message))?;
            (vec![(command, vec![])], a.act.clone(), vec![id.to_string()])
        }
        ProjectCommand::Edit { project, details } => {
            let req = register_request(&details)?;
            let cat = catalogue(p)?;
            let command = ops::edit_command(&ProjectId::new(project.trim()), &req, &cat)
                .map_err(|e| CliError::Usage(e.message))?;
            (vec![(command, vec![])], details.act.clone(), vec![])
        }
        ProjectCommand::Submit { project, act } => (on(&project, PA::Submit)?, act, vec![]),
        ProjectCommand::RequestCorrection {
            project,
            problems,
            act,
        } => (
            on(&project, PA::RequestCorrection { problems })?,
            act,
            vec![],
        ),
        ProjectCommand::ChooseFlow { project, flow, act } => {
            (on(&project, PA::ChooseFlow { flow })?, act, vec![])
        }
        ProjectCommand::AddWorks {
            project,
            works_id,
            name,
            description,
            area,
            act,
        } => {
            let action = PA::AddWorks {
                works_id,
                name,
                description,
                area,
            };
            (on(&project, action)?, act, vec![])
        }
        ProjectCommand::Close {
            project,
            reason,
            act,
        } => (on(&project, PA::Close { reason })?, act, vec![]),
    };
    act_all(p, commands, &opts, created, out)
}

/// The registration form of `register` and `edit`, as the client's operations take it.
fn register_request(a: &super::args::RegisterArgs) -> Result<ops::RegisterRequest, CliError> {
    Ok(ops::RegisterRequest {
        id: a.id.clone(),
        code: a.code.clone(),
        name: a.name.clone(),
        builder: a.builder.clone(),
        credit_code: a.credit_code.clone(),
        investment: a.investment.clone(),
        category: a.category.clone(),
        address: a.address.clone(),
        district: a.district.clone(),
        investment_wan: a.investment_wan.clone(),
        land_area: a.land_area.clone(),
        building_area: a.building_area.clone(),
        contacts: a
            .contacts
            .iter()
            .map(|c| parse_contact(c))
            .collect::<Result<_, _>>()?,
        owner: a.owner.clone(),
    })
}

fn queue(p: &Profile, a: QueueArgs, out: &Output) -> Result<(), CliError> {
    let as_of = match &a.as_of {
        Some(s) => Some(from_local(parse_local(s).ok_or_else(|| {
            CliError::Usage(format!("时间“{s}”应为 YYYY-MM-DDTHH:MM"))
        })?)),
        None => None,
    };
    let which = reads::DeskList::from(a.list);
    let list = reads::my_desk(p, as_of, which).map_err(|e| match e {
        ClientError::NotLoggedIn => CliError::Usage("尚未登录".to_owned()),
        other => client_err(other),
    })?;
    out.print(&list, || {
        if list.is_empty() {
            return format!("没有{}办件", which.label());
        }
        list.iter()
            .map(|e| {
                format!(
                    "{}（{}） {} {} {} {} {} 收件 {} 期限 {}{} {}{}\n",
                    e.number,
                    e.case,
                    if e.applicant_name.is_empty() {
                        "—"
                    } else {
                        &e.applicant_name
                    },
                    if e.project_name.is_empty() {
                        "—"
                    } else {
                        &e.project_name
                    },
                    e.item,
                    e.state_label,
                    e.next_action.as_deref().unwrap_or(""),
                    e.received_at.as_deref().unwrap_or("—"),
                    e.deadline.as_deref().unwrap_or("—"),
                    e.provisional
                        .as_deref()
                        .map(|n| format!("（{n}）"))
                        .unwrap_or_default(),
                    e.level
                        .map(crate::clock_cmd::level_label)
                        .unwrap_or_default(),
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
        (Some(c), _) => reads::entity_ref("case", c),
        (None, Some(pr)) => reads::entity_ref("project", pr),
        (None, None) => return Err(CliError::Usage("需要办件编号或 --project".to_owned())),
    }
    .map_err(client_err)?;
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
                    super::evaluation::trail_line(x.event.at, &x.event.actor, &x.event.change),
                ),
                permitdesk_protocol::DomainEvent::Consultation(x) => (
                    x.seq,
                    super::evaluation::trail_line(x.event.at, &x.event.actor, &x.event.change),
                ),
                permitdesk_protocol::DomainEvent::Evaluation(x) => (
                    x.seq,
                    super::evaluation::trail_line(x.event.at, &x.event.actor, &x.event.change),
                ),
                permitdesk_protocol::DomainEvent::Complaint(x) => (
                    x.seq,
                    super::evaluation::trail_line(x.event.at, &x.event.actor, &x.event.change),
                ),
                permitdesk_protocol::DomainEvent::Commission(x) => (
                    x.seq,
                    super::evaluation::trail_line(x.event.at, &x.event.actor, &x.event.change),
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

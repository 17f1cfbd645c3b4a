//! 网上互动 headless (issue 7): `permitdesk rate`, `permitdesk rectification ...` and
//! `permitdesk complaint submit|assign|answer|dismiss|list|show`, on the local store like
//! every client command: decided locally, queued in the outbox, synced unless `--offline`.

use super::args::ActOptions;
use super::run::{act_all, client_err};
use crate::output::{CliError, Output};
use clap::{Args, Subcommand};
use permitdesk_client::Profile;
use permitdesk_client::profile::new_id;
use permitdesk_domain::evaluation::{
    ComplaintCommand as KCmd, ComplaintId, ComplaintKind, Dimension, DimensionScore,
    EvaluationCommand as ECmd, EvaluationId, Level, RatingSubject, VisitId,
};
use permitdesk_domain::ids::{CaseId, DepartmentCode, ProjectId};
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::DomainCommand;

/// `permitdesk rate`: 好差评 of a finished case (一事一评) or a window visit (一次一评).
#[derive(Debug, Args)]
pub struct RateArgs {
    /// The finished case to rate (or `--visit`).
    #[arg(required_unless_present = "visit", conflicts_with = "visit")]
    pub case: Option<String>,
    /// 窗口服务编号 of a visit at the window.
    #[arg(long, requires = "department")]
    pub visit: Option<String>,
    /// The department whose window served the visit.
    #[arg(long)]
    pub department: Option<String>,
    /// 非常满意 满意 基本满意 不满意 非常不满意 (or very_satisfied ... very_dissatisfied).
    #[arg(long)]
    pub level: String,
    /// An indicator and its level, e.g. `办事效率=不满意` (repeat for each).
    #[arg(long = "dimension", value_name = "INDICATOR=LEVEL")]
    pub dimensions: Vec<String>,
    /// 评价内容 (required for a bad rating without a bad indicator).
    #[arg(long, default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub act: ActOptions,
}

/// `permitdesk rectification ...`: 差评整改, 回访 and 申诉. EVALUATION is the rating's id
/// (`case/C-1`, `visit/V-1`); a bare case id means `case/ID`.
#[derive(Debug, Subcommand)]
pub enum RectificationCommand {
    /// 开始整改 with the plan (the rated department).
    Start {
        evaluation: String,
        #[arg(long)]
        plan: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 整改完成.
    Complete {
        evaluation: String,
        #[arg(long)]
        result: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 无法整改, with the reason.
    Cannot {
        evaluation: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 回访: record the callback to the applicant.
    Callback {
        evaluation: String,
        /// The applicant said it is satisfied now.
        #[arg(long)]
        satisfied: bool,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 申诉: the department says the bad rating is unfounded.
    Appeal {
        evaluation: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 申诉复核 by the reform office: `--upheld` annuls the rating.
    Decide {
        evaluation: String,
        #[arg(long)]
        upheld: bool,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// The ratings in the local store (own, or the department's), with their rectification.
    List,
    /// One rating with its rectification, callback and appeal.
    Show { evaluation: String },
}

/// `permitdesk complaint ...`: 建议投诉.
#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// 提交 (applicant).
    Submit {
        /// suggestion (建议) or complaint (投诉).
        #[arg(long, default_value = "complaint")]
        kind: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        content: String,
        #[arg(long)]
        project: Option<String>,
        /// The department the submitter thinks is responsible.
        #[arg(long)]
        department: Option<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 分办 to the responsible department with the answer deadline (reform office).
    Assign {
        complaint: String,
        #[arg(long)]
        department: String,
        /// 答复时限, working days.
        #[arg(long, default_value = "10")]
        days: u32,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 答复 (the assigned department).
    Answer {
        complaint: String,
        #[arg(long)]
        answer: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 不予受理 (reform office).
    Dismiss {
        complaint: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// The suggestions and complaints in the local store.
    List,
    /// One, with its assignment and answer.
    Show { complaint: String },
}

fn level(s: &str) -> Result<Level, CliError> {
    let t = s.trim();
    Level::ALL
        .into_iter()
        .find(|l| {
            l.label() == t
                || serde_json::to_value(l)
                    .ok()
                    .is_some_and(|v| v.as_str() == Some(t))
        })
        .ok_or_else(|| {
            CliError::Usage(format!(
                "评价等级“{t}”无效，应为：{}",
                Level::ALL.map(Level::label).join("、")
            ))
        })
}

fn dimension(s: &str) -> Result<DimensionScore, CliError> {
    let (d, l) = s
        .split_once('=')
        .ok_or_else(|| CliError::Usage(format!("评价指标“{s}”应写成 指标=等级")))?;
    let d = d.trim();
    let dimension = Dimension::ALL
        .into_iter()
        .find(|x| {
            x.label() == d
                || serde_json::to_value(x)
                    .ok()
                    .is_some_and(|v| v.as_str() == Some(d))
        })
        .ok_or_else(|| {
            CliError::Usage(format!(
                "评价指标“{d}”无效，应为：{}",
                Dimension::ALL.map(Dimension::label).join("、")
            ))
        })?;
    Ok(DimensionScore {
        dimension,
        level: level(l)?,
    })
}

fn evaluation_id(s: &str) -> EvaluationId {
    let t = s.trim();
    if t.contains('/') {
        EvaluationId::new(t)
    } else {
        EvaluationId::new(format!("case/{t}"))
    }
}

fn ev(id: &EvaluationId, command: ECmd) -> DomainCommand {
    DomainCommand::Evaluation {
        evaluation: id.clone(),
        command,
    }
}

fn kc(id: &ComplaintId, command: KCmd) -> DomainCommand {
    DomainCommand::Complaint {
        complaint: id.clone(),
        command,
    }
}

/// `permitdesk rate`.
pub fn rate(p: &mut Profile, a: RateArgs, out: &Output) -> Result<(), CliError> {
    let subject = match (&a.case, &a.visit) {
        (Some(c), _) => {
            let id = CaseId::new(c.trim());
            let case = p
                .store()
                .case(&id)
                .map_err(client_err)?
                .ok_or_else(|| CliError::Invalid(format!("本地没有办件 {id}，请先同步")))?;
            RatingSubject::of_case(&case).map_err(|e| CliError::Invalid(e.to_string()))?
        }
        (None, Some(v)) => {
            let applicant = p
                .store()
                .sync_state()
                .map_err(client_err)?
                .user
                .and_then(|u| u.organisation)
                .ok_or_else(|| CliError::Usage("尚未登录，或账号未关联单位".to_owned()))?;
            RatingSubject::WindowVisit {
                visit: VisitId::new(v.trim()),
                department: DepartmentCode::new(a.department.as_deref().unwrap_or("").trim()),
                applicant,
            }
        }
        (None, None) => return Err(CliError::Usage("需要办件编号或 --visit".to_owned())),
    };
    let dimensions = a
        .dimensions
        .iter()
        .map(|d| dimension(d))
        .collect::<Result<Vec<_>, _>>()?;
    let id = subject.evaluation_id();
    let command = ev(
        &id,
        ECmd::Rate {
            subject,
            level: level(&a.level)?,
            dimensions,
            comment: a.comment,
        },
    );
    act_all(
        p,
        vec![(command, vec![])],
        &a.act,
        vec![id.to_string()],
        out,
    )
}

/// One rating as listed.
#[derive(Debug, serde::Serialize)]
struct RatingLine {
    id: String,
    department: String,
    level: Level,
    level_label: &'static str,
    rated_at: String,
    rectification: Option<&'static str>,
    callback: Option<bool>,
    appeal: Option<&'static str>,
    /// 可办理: the actions the domain allows this user now (`Evaluation::available_actions`).
    actions: Vec<String>,
}

/// `permitdesk rectification ...`.
pub fn rectification(
    p: &mut Profile,
    c: RectificationCommand,
    out: &Output,
) -> Result<(), CliError> {
    let (id, command, act) = match c {
        RectificationCommand::List => {
            let list: Vec<RatingLine> = permitdesk_client::reads::evaluation_views(p.store())
                .map_err(client_err)?
                .into_iter()
                .map(|v| (allowed(&v.available_actions), v.evaluation))
                .map(|(actions, e)| RatingLine {
                    actions,
                    id: e.id.to_string(),
                    department: e.subject.department().to_string(),
                    level: e.level,
                    level_label: e.level.label(),
                    rated_at: format_minute(to_local(e.rated_at)),
                    rectification: e.rectification.as_ref().map(|r| r.status.label()),
                    callback: e
                        .rectification
                        .as_ref()
                        .and_then(|r| r.callback.as_ref())
                        .map(|c| c.applicant_satisfied),
                    appeal: e.appeal.as_ref().map(|a| match &a.decision {
                        None => "申诉待复核",
                        Some(d) if d.upheld => "申诉成立",
                        Some(_) => "申诉不成立",
                    }),
                })
                .collect();
            return out.print(&list, || {
                if list.is_empty() {
                    return "没有评价".to_owned();
                }
                list.iter()
                    .map(|l| {
                        format!(
                            "{} {} {} {} {}{}{}\n",
                            l.id,
                            l.department,
                            l.level_label,
                            l.rated_at,
                            l.rectification.unwrap_or("无需整改"),
                            l.appeal.map(|a| format!("（{a}）")).unwrap_or_default(),
                            can_do(&l.actions)
                        )
                    })
                    .collect()
            });
        }
        RectificationCommand::Show { evaluation } => {
            let id = evaluation_id(&evaluation);
            let e = p
                .store()
                .evaluation(&id)
                .map_err(client_err)?
                .ok_or_else(|| CliError::Invalid(format!("本地没有评价 {id}")))?;
            return out.print(&e, || {
                let mut s = format!(
                    "{} {} {}（{}）{}\n",
                    e.id,
                    e.subject.department(),
                    e.level.label(),
                    e.channel().label(),
                    e.comment
                );
                for d in &e.dimensions {
                    s.push_str(&format!("  {}：{}\n", d.dimension.label(), d.level.label()));
                }
                if let Some(r) = &e.rectification {
                    s.push_str(&format!(
                        "整改：{}（{} 个工作日）{}\n",
                        r.status.label(),
                        r.limit_working_days,
                        r.outcome.as_deref().unwrap_or("")
                    ));
                    if let Some(c) = &r.callback {
                        s.push_str(&format!(
                            "回访：{} {}\n",
                            if c.applicant_satisfied {
                                "满意"
                            } else {
                                "不满意"
                            },
                            c.note
                        ));
                    }
                }
                if let Some(a) = &e.appeal {
                    s.push_str(&format!("申诉：{}\n", a.reason));
                    if let Some(d) = &a.decision {
                        s.push_str(&format!(
                            "复核：{} {}\n",
                            if d.upheld { "成立" } else { "不成立" },
                            d.reason
                        ));
                    }
                }
                s
            });
        }
        RectificationCommand::Start {
            evaluation,
            plan,
            act,
        } => (evaluation, ECmd::StartRectification { plan }, act),
        RectificationCommand::Complete {
            evaluation,
            result,
            act,
        } => (evaluation, ECmd::CompleteRectification { result }, act),
        RectificationCommand::Cannot {
            evaluation,
            reason,
            act,
        } => (evaluation, ECmd::DeclareCannotRectify { reason }, act),
        RectificationCommand::Callback {
            evaluation,
            satisfied,
            note,
            act,
        } => (
            evaluation,
            ECmd::RecordCallback {
                applicant_satisfied: satisfied,
                note,
            },
            act,
        ),
        RectificationCommand::Appeal {
            evaluation,
            reason,
            act,
        } => (evaluation, ECmd::Appeal { reason }, act),
        RectificationCommand::Decide {
            evaluation,
            upheld,
            reason,
            act,
        } => (evaluation, ECmd::DecideAppeal { upheld, reason }, act),
    };
    let id = evaluation_id(&id);
    act_all(p, vec![(ev(&id, command), vec![])], &act, vec![], out)
}

#[derive(Debug, serde::Serialize)]
struct ComplaintLine {
    id: String,
    kind: &'static str,
    title: String,
    state: &'static str,
    department: Option<String>,
    submitted_at: String,
    answer: Option<String>,
    /// 可办理: the actions the domain allows this user now (`Complaint::available_actions`).
    actions: Vec<String>,
}

/// The labels of the actions allowed now, from the domain's answer.
fn allowed<A>(answer: &[permitdesk_domain::entity::Availability<A>]) -> Vec<String> {
    answer
        .iter()
        .filter(|a| a.is_allowed())
        .map(|a| a.label.clone())
        .collect()
}

/// `　可办理：开始整改、申诉`, or nothing when the user may do nothing now.
fn can_do(actions: &[String]) -> String {
    if actions.is_empty() {
        String::new()
    } else {
        format!("　可办理：{}", actions.join("、"))
    }
}

/// `permitdesk complaint ...`.
pub fn complaint(p: &mut Profile, c: ComplaintCommand, out: &Output) -> Result<(), CliError> {
    let (id, command, act, created) = match c {
        ComplaintCommand::List => {
            let list: Vec<ComplaintLine> = permitdesk_client::reads::complaint_views(p.store())
                .map_err(client_err)?
                .into_iter()
                .map(|v| (allowed(&v.available_actions), v.complaint))
                .map(|(actions, c)| ComplaintLine {
                    actions,
                    id: c.id.to_string(),
                    kind: c.kind.label(),
                    department: c.department().map(ToString::to_string),
                    state: c.state.label(),
                    submitted_at: format_minute(to_local(c.submitted_at)),
                    answer: c.answer.as_ref().map(|a| a.text.clone()),
                    title: c.title,
                })
                .collect();
            return out.print(&list, || {
                if list.is_empty() {
                    return "没有建议投诉".to_owned();
                }
                list.iter()
                    .map(|l| {
                        format!(
                            "{} {} {} {} {} {}{}\n",
                            l.id,
                            l.kind,
                            l.title,
                            l.state,
                            l.department.as_deref().unwrap_or("待分办"),
                            l.answer
                                .as_deref()
                                .map(|a| format!("答复：{a}"))
                                .unwrap_or_default(),
                            can_do(&l.actions)
                        )
                    })
                    .collect()
            });
        }
        ComplaintCommand::Show { complaint } => {
            let id = ComplaintId::new(complaint.trim());
            let c = p
                .store()
                .complaint(&id)
                .map_err(client_err)?
                .ok_or_else(|| CliError::Invalid(format!("本地没有建议投诉 {id}")))?;
            return out.print(&c, || {
                let mut s = format!(
                    "{} {} {} {}\n{}\n",
                    c.id,
                    c.kind.label(),
                    c.title,
                    c.state.label(),
                    c.content
                );
                for a in &c.assignments {
                    s.push_str(&format!(
                        "分办：{}（{} 个工作日）\n",
                        a.department, a.limit_working_days
                    ));
                }
                if let Some(a) = &c.answer {
                    s.push_str(&format!("答复：{}\n", a.text));
                }
                if let Some(r) = &c.dismissal {
                    s.push_str(&format!("不予受理：{r}\n"));
                }
                s
            });
        }
        ComplaintCommand::Submit {
            kind,
            title,
            content,
            project,
            department,
            act,
        } => {
            let kind = match kind.trim() {
                "suggestion" | "建议" => ComplaintKind::Suggestion,
                "complaint" | "投诉" => ComplaintKind::Complaint,
                other => {
                    return Err(CliError::Usage(format!(
                        "类型“{other}”无效，应为 suggestion（建议）或 complaint（投诉）"
                    )));
                }
            };
            let id = ComplaintId::new(new_id("K").map_err(client_err)?);
            let created = vec![id.to_string()];
            (
                id,
                KCmd::Submit {
                    kind,
                    title,
                    content,
                    project: project.map(|p| ProjectId::new(p.trim())),
                    department: department.map(|d| DepartmentCode::new(d.trim())),
                },
                act,
                created,
            )
        }
        ComplaintCommand::Assign {
            complaint,
            department,
            days,
            act,
        } => (
            ComplaintId::new(complaint.trim()),
            KCmd::Assign {
                department: DepartmentCode::new(department.trim()),
                limit_working_days: days,
            },
            act,
            vec![],
        ),
        ComplaintCommand::Answer {
            complaint,
            answer,
            act,
        } => (
            ComplaintId::new(complaint.trim()),
            KCmd::Answer { answer },
            act,
            vec![],
        ),
        ComplaintCommand::Dismiss {
            complaint,
            reason,
            act,
        } => (
            ComplaintId::new(complaint.trim()),
            KCmd::Dismiss { reason },
            act,
            vec![],
        ),
    };
    act_all(p, vec![(kc(&id, command), vec![])], &act, created, out)
}

/// One line of a rating's or complaint's trail: time, who, what changed.
pub(super) fn trail_line(
    at: chrono::DateTime<chrono::Utc>,
    actor: &permitdesk_domain::actor::Actor,
    change: &impl serde::Serialize,
) -> String {
    format!(
        "{} {}（{}）{}",
        format_minute(to_local(at)),
        actor.name,
        actor.role.label(),
        serde_json::to_value(change)
            .ok()
            .and_then(|v| v["change"].as_str().map(str::to_owned))
            .unwrap_or_default()
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_indicators_parse_in_chinese_and_snake_case() {
        assert_eq!(level("不满意").unwrap(), Level::Dissatisfied);
        assert_eq!(level("very_satisfied").unwrap(), Level::VerySatisfied);
        assert!(matches!(level("一般"), Err(CliError::Usage(_))));
        let d = dimension("办事效率=非常不满意").unwrap();
        assert_eq!(d.dimension, Dimension::Efficiency);
        assert_eq!(d.level, Level::VeryDissatisfied);
        assert!(dimension("服务态度").is_err());
        assert_eq!(evaluation_id("C-1").as_str(), "case/C-1");
        assert_eq!(evaluation_id("visit/V-9").as_str(), "visit/V-9");
    }
}

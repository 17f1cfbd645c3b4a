//! 中介服务超市 headless (issue 6, seed 9): `permitdesk market list|show` browses the shipped
//! market catalogue (no profile, no server), and `permitdesk commission ...` acts on
//! commissions on the local store like every client command: decided locally, queued in the
//! outbox, synced unless `--offline`.

use super::args::ActOptions;
use super::run::{act_all, client_err};
use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_client::Profile;
use permitdesk_client::profile::new_id;
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::ids::{CaseId, ItemCode, OrganisationId, ProjectId};
use permitdesk_domain::intermediary::{
    Commission, CommissionCommand as WCmd, CommissionId, MarketCatalogue, SelectionRule,
};
use permitdesk_domain::time::{format_minute, to_local};
use permitdesk_protocol::DomainCommand;
use std::path::PathBuf;
use std::sync::Arc;

/// `permitdesk market ...`: the public catalogue of the intermediary-service market.
#[derive(Debug, Subcommand)]
pub enum MarketCommand {
    /// The services (事项, 主管部门, 时限, 收费标准) and the agencies qualified for each.
    List {
        /// Only this service (e.g. ZJ-01).
        #[arg(long)]
        service: Option<String>,
    },
    /// One agency (by credit code) with its qualifications and contact, or one service (by
    /// item code) with its materials and standards.
    Show { id: String },
}

/// `permitdesk commission ...`: 中介服务委托.
#[derive(Debug, Subcommand)]
pub enum CommissionCommand {
    /// 发布竞价公告 (applicant): qualified agencies quote.
    Request {
        #[arg(long)]
        service: String,
        #[arg(long)]
        project: String,
        /// 服务需求 (scope, site, expected delivery).
        #[arg(long)]
        requirements: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 报价 (a qualified agency), in yuan (up to two decimals).
    Quote {
        commission: String,
        #[arg(long)]
        price: String,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 选取 (applicant): `--rule lowest` (最低价), `draw` (随机抽取, the number derived from the
    /// request and its quotes and recorded) or `agency --agency CODE` (直接选择).
    Pick {
        commission: String,
        #[arg(long, default_value = "lowest")]
        rule: String,
        #[arg(long)]
        agency: Option<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 委托: by the applicant from the menu (菜单式选择), or with `--applicant ORG` by the
    /// competent department when the government pays (政府采购).
    Commission {
        #[arg(long)]
        service: String,
        #[arg(long)]
        project: String,
        #[arg(long)]
        agency: String,
        /// The applicant organisation (department commissioning only).
        #[arg(long)]
        applicant: Option<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 接受委托 (the chosen agency): the service clock starts.
    Accept {
        commission: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 不接受委托 (the chosen agency).
    Decline {
        commission: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 提交成果报告 (the agency): the file is kept encrypted and uploaded on sync.
    Deliver {
        commission: String,
        #[arg(long)]
        report: PathBuf,
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 认可成果 (applicant): ends the service.
    Confirm {
        commission: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 退回修改 (applicant), one point per `--point`.
    Revise {
        commission: String,
        #[arg(long = "point", required = true)]
        points: Vec<String>,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 专家审查 by the competent department: `--passed` ends the service, otherwise revise.
    Review {
        commission: String,
        #[arg(long)]
        passed: bool,
        #[arg(long)]
        conclusion: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 成果共享 with an approval case of the same project (applicant or window).
    Share {
        commission: String,
        #[arg(long)]
        case: String,
        #[arg(long)]
        item: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// 取消委托 (before the agency accepts).
    Cancel {
        commission: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        act: ActOptions,
    },
    /// The commissions in the local store (own, the department's, or the agency's).
    List,
    /// One commission with its quotes, selection, service deadline and reports.
    Show { commission: String },
}

/// The profile's market (`--profile DIR` or $PERMITDESK_PROFILE), or the shipped one.
fn market(profile: Option<&std::path::Path>) -> Result<Arc<MarketCatalogue>, CliError> {
    match super::run::profile_dir(profile) {
        Some(dir) => {
            let p = super::run::open(Some(&dir))?;
            permitdesk_client::market::market(&p).map_err(client_err)
        }
        None => permitdesk_client::market::bootstrap().map_err(client_err),
    }
}

#[derive(Debug, serde::Serialize)]
struct ServiceLine {
    item: String,
    name: String,
    competent_department: String,
    time_limit_working_days: u32,
    fee_standard: String,
    agencies: Vec<AgencyLine>,
}

#[derive(Debug, serde::Serialize)]
struct AgencyLine {
    credit_code: String,
    name: String,
}

/// `permitdesk market ...` (no profile needed: without one, the shipped market).
pub fn market_cmd(
    cmd: MarketCommand,
    profile: Option<&std::path::Path>,
    out: &Output,
) -> Result<(), CliError> {
    let m = market(profile)?;
    match cmd {
        MarketCommand::List { service } => {
            let lines: Vec<ServiceLine> = m
                .services
                .iter()
                .filter(|s| {
                    service
                        .as_deref()
                        .is_none_or(|w| s.item.as_str() == w.trim())
                })
                .map(|s| ServiceLine {
                    item: s.item.to_string(),
                    name: s.name.clone(),
                    competent_department: s.competent_department.to_string(),
                    time_limit_working_days: s.time_limit_working_days,
                    fee_standard: s.fee_standard.clone(),
                    agencies: m
                        .agencies
                        .iter()
                        .filter(|a| a.services().contains(&&s.item))
                        .map(|a| AgencyLine {
                            credit_code: a.credit_code.as_str().to_owned(),
                            name: a.name.clone(),
                        })
                        .collect(),
                })
                .collect();
            if lines.is_empty() {
                return Err(CliError::Invalid(format!(
                    "中介服务超市目录（{}）中没有该服务事项",
                    m.version
                )));
            }
            out.print(&lines, || {
                let mut s = format!("中介服务超市目录 {}\n", m.version);
                for l in &lines {
                    s.push_str(&format!(
                        "{} {}（主管部门 {}，{} 个工作日）\n",
                        l.item, l.name, l.competent_department, l.time_limit_working_days
                    ));
                    for a in &l.agencies {
                        s.push_str(&format!("    {} {}\n", a.credit_code, a.name));
                    }
                }
                s
            })
        }
        MarketCommand::Show { id } => {
            let id = id.trim();
            if let Some(a) = m.agency(&OrganisationId::new(id)) {
                return out.print(a, || {
                    let mut s = format!(
                        "{} {}\n地址：{}\n联系人：{} {}\n",
                        a.credit_code.as_str(),
                        a.name,
                        a.address,
                        a.contact.person,
                        a.contact.phone.as_str()
                    );
                    for q in &a.qualifications {
                        s.push_str(&format!(
                            "资质：{}{} {} 有效期至 {} 服务事项 {}\n",
                            q.name,
                            q.level
                                .as_deref()
                                .map(|l| format!("（{l}）"))
                                .unwrap_or_default(),
                            q.certificate,
                            q.valid_until
                                .map_or_else(|| "长期".to_owned(), |d| d.to_string()),
                            q.services
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        ));
                    }
                    s
                });
            }
            if let Some(sv) = m.service(&ItemCode::new(id)) {
                return out.print(sv, || {
                    format!(
                        "{} {}\n主管部门：{}\n服务时限：{} 个工作日\n收费标准：{}\n服务标准：{}\n所需材料：{}\n",
                        sv.item,
                        sv.name,
                        sv.competent_department,
                        sv.time_limit_working_days,
                        sv.fee_standard,
                        sv.service_standard,
                        sv.materials.join("、")
                    )
                });
            }
            Err(CliError::Invalid(format!(
                "中介服务超市目录中没有机构或服务事项 {id}"
            )))
        }
    }
}

/// Yuan with up to two decimals into fen.
fn fen(price: &str) -> Result<u64, CliError> {
    let bad = || {
        CliError::Usage(format!(
            "报价“{price}”无效，应为元，最多两位小数，如 65000 或 65000.50"
        ))
    };
    let t = price.trim();
    let (yuan, cents) = t.split_once('.').unwrap_or((t, ""));
    if yuan.is_empty()
        || cents.len() > 2
        || !yuan.chars().all(|c| c.is_ascii_digit())
        || !cents.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let yuan: u64 = yuan.parse().map_err(|_| bad())?;
    let cents: u64 = if cents.is_empty() {
        0
    } else {
        format!("{cents:0<2}").parse().map_err(|_| bad())?
    };
    yuan.checked_mul(100)
        .and_then(|f| f.checked_add(cents))
        .ok_or_else(bad)
}

fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn wc(id: &CommissionId, command: WCmd) -> DomainCommand {
    DomainCommand::Commission {
        commission: id.clone(),
        command,
    }
}

/// A commission as `show --json` gives it: the fold plus the service deadline.
#[derive(Debug, serde::Serialize)]
struct CommissionView<'a> {
    #[serde(flatten)]
    commission: &'a Commission,
    /// 服务期限 (Beijing time), once the agency has accepted and while no report waits.
    deadline: Option<String>,
    warning: Option<permitdesk_domain::clock::WarningLevel>,
    /// 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday.
    provisional: Option<String>,
    /// Why the service clock cannot be read at all, if so.
    clock_error: Option<String>,
}

fn view<'a>(c: &'a Commission, calendar: &WorkingCalendar) -> CommissionView<'a> {
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let now = to_local(chrono::Utc::now());
    let reading = c
        .clock_input()
        .map(|input| clock.evaluate(&input, now.max(input.accepted_at)));
    let (reading, clock_error) = match reading {
        Some(Ok(r)) => (Some(r), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    };
    CommissionView {
        commission: c,
        provisional: reading.as_ref().and_then(|r| r.provisional_note()),
        deadline: reading.as_ref().and_then(|r| r.deadline).map(format_minute),
        warning: reading.map(|r| r.level),
        clock_error,
    }
}

#[derive(Debug, serde::Serialize)]
struct CommissionLine {
    id: String,
    service: String,
    state: &'static str,
    agency: Option<String>,
    price_yuan: Option<String>,
    quotes: usize,
    deadline: Option<String>,
}

/// `permitdesk commission ...`.
pub fn commission(p: &mut Profile, c: CommissionCommand, out: &Output) -> Result<(), CliError> {
    let id_of = |s: &str| CommissionId::new(s.trim());
    let calendar = p.reference().map_err(client_err)?.calendar;
    let (id, command, act, attachments, created) = match c {
        CommissionCommand::List => {
            let all = p.store().commissions().map_err(client_err)?;
            let list: Vec<CommissionLine> = all
                .iter()
                .map(|c| CommissionLine {
                    id: c.id.to_string(),
                    service: format!("{} {}", c.terms.item, c.terms.name),
                    state: c.state.label(),
                    agency: c.agency.as_ref().map(ToString::to_string),
                    price_yuan: c.price_fen.map(yuan),
                    quotes: c.quotes.len(),
                    deadline: view(c, &calendar).deadline,
                })
                .collect();
            return out.print(&list, || {
                if list.is_empty() {
                    return "没有中介服务委托".to_owned();
                }
                list.iter()
                    .map(|l| {
                        format!(
                            "{} {} {} {} 报价 {} 家{}\n",
                            l.id,
                            l.service,
                            l.state,
                            l.agency.as_deref().unwrap_or("未选定机构"),
                            l.quotes,
                            l.deadline
                                .as_deref()
                                .map(|d| format!(" 期限 {d}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect()
            });
        }
        CommissionCommand::Show { commission } => {
            let id = id_of(&commission);
            let c = p
                .store()
                .commission(&id)
                .map_err(client_err)?
                .ok_or_else(|| CliError::Invalid(format!("本地没有中介服务委托 {id}")))?;
            let v = view(&c, &calendar);
            return out.print(&v, || {
                let mut s = format!(
                    "{} {} {} {}\n项目：{} 申请单位：{} 主管部门：{}\n",
                    c.id,
                    c.terms.item,
                    c.terms.name,
                    c.state.label(),
                    c.project,
                    c.applicant,
                    c.terms.competent_department
                );
                if let Some(r) = &c.requirements {
                    s.push_str(&format!("服务需求：{r}\n"));
                }
                for q in &c.quotes {
                    s.push_str(&format!(
                        "报价：{} {} 元{}\n",
                        q.agency,
                        yuan(q.price_fen),
                        if q.declined {
                            "（不接受委托）"
                        } else {
                            ""
                        }
                    ));
                }
                if let Some(rule) = &c.selection {
                    s.push_str(&format!("选取方式：{}", rule.label()));
                    if let SelectionRule::RandomDraw { draw } = rule {
                        s.push_str(&format!("（抽取号 {draw}）"));
                    }
                    s.push('\n');
                }
                if let Some(a) = &c.agency {
                    s.push_str(&format!("中介机构：{a}\n"));
                }
                if let Some(d) = &v.deadline {
                    s.push_str(&format!("服务期限：{d}"));
                    if let Some(n) = &v.provisional {
                        s.push_str(&format!("（{n}）"));
                    }
                    s.push('\n');
                }
                if let Some(e) = &v.clock_error {
                    s.push_str(&format!("服务期限无法计算：{e}\n"));
                }
                for d in &c.deliveries {
                    s.push_str(&format!("成果：{} {}\n", d.report, d.summary));
                }
                for sh in &c.shares {
                    s.push_str(&format!("共享至办件：{}（{}）\n", sh.case, sh.item));
                }
                s
            });
        }
        CommissionCommand::Request {
            service,
            project,
            requirements,
            act,
        } => {
            let id = CommissionId::new(new_id("W").map_err(client_err)?);
            let created = vec![id.to_string()];
            (
                id,
                WCmd::PublishRequest {
                    service: ItemCode::new(service.trim()),
                    project: ProjectId::new(project.trim()),
                    requirements,
                },
                act,
                vec![],
                created,
            )
        }
        CommissionCommand::Commission {
            service,
            project,
            agency,
            applicant,
            act,
        } => {
            let id = CommissionId::new(new_id("W").map_err(client_err)?);
            let created = vec![id.to_string()];
            let (service, project, agency) = (
                ItemCode::new(service.trim()),
                ProjectId::new(project.trim()),
                OrganisationId::new(agency.trim()),
            );
            let command = match applicant {
                Some(a) => WCmd::CommissionByDepartment {
                    service,
                    project,
                    applicant: OrganisationId::new(a.trim()),
                    agency,
                },
                None => WCmd::CommissionDirect {
                    service,
                    project,
                    agency,
                },
            };
            (id, command, act, vec![], created)
        }
        CommissionCommand::Quote {
            commission,
            price,
            note,
            act,
        } => (
            id_of(&commission),
            WCmd::SubmitQuote {
                price_fen: fen(&price)?,
                note,
            },
            act,
            vec![],
            vec![],
        ),
        CommissionCommand::Pick {
            commission,
            rule,
            agency,
            act,
        } => {
            let rule = match (rule.trim(), agency) {
                ("lowest" | "最低价", None) => SelectionRule::LowestPrice,
                // The number is derived from the request and its quotes (the client's local
                // view and the server compute it alike), never chosen.
                ("draw" | "随机抽取", None) => SelectionRule::RandomDraw { draw: 0 },
                ("agency" | "直接选择", Some(a)) => SelectionRule::Direct {
                    agency: OrganisationId::new(a.trim()),
                },
                (other, _) => {
                    return Err(CliError::Usage(format!(
                        "选取方式“{other}”无效：应为 lowest、draw，或 agency 并给出 --agency"
                    )));
                }
            };
            (
                id_of(&commission),
                WCmd::Select { rule },
                act,
                vec![],
                vec![],
            )
        }
        CommissionCommand::Accept { commission, act } => {
            (id_of(&commission), WCmd::Accept, act, vec![], vec![])
        }
        CommissionCommand::Decline {
            commission,
            reason,
            act,
        } => (
            id_of(&commission),
            WCmd::Decline { reason },
            act,
            vec![],
            vec![],
        ),
        CommissionCommand::Deliver {
            commission,
            report,
            summary,
            act,
        } => {
            let file = p.attach_file(&report).map_err(client_err)?;
            (
                id_of(&commission),
                WCmd::Deliver {
                    report: file.clone(),
                    summary,
                },
                act,
                vec![file],
                vec![],
            )
        }
        CommissionCommand::Confirm { commission, act } => {
            (id_of(&commission), WCmd::Confirm, act, vec![], vec![])
        }
        CommissionCommand::Revise {
            commission,
            points,
            act,
        } => (
            id_of(&commission),
            WCmd::RequestRevision { points },
            act,
            vec![],
            vec![],
        ),
        CommissionCommand::Review {
            commission,
            passed,
            conclusion,
            act,
        } => (
            id_of(&commission),
            WCmd::RecordExpertReview { passed, conclusion },
            act,
            vec![],
            vec![],
        ),
        CommissionCommand::Share {
            commission,
            case,
            item,
            act,
        } => (
            id_of(&commission),
            WCmd::ShareResult {
                case: CaseId::new(case.trim()),
                item: ItemCode::new(item.trim()),
            },
            act,
            vec![],
            vec![],
        ),
        CommissionCommand::Cancel {
            commission,
            reason,
            act,
        } => (
            id_of(&commission),
            WCmd::Cancel { reason },
            act,
            vec![],
            vec![],
        ),
    };
    act_all(p, vec![(wc(&id, command), attachments)], &act, created, out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_yuan_become_fen_and_bad_ones_are_refused() {
        for (text, expected) in [
            ("65000", 6_500_000),
            ("65000.5", 6_500_050),
            ("65000.05", 6_500_005),
            (" 1 ", 100),
            ("0.01", 1),
        ] {
            assert_eq!(fen(text).unwrap(), expected, "{text}");
        }
        for bad in ["", "-1", "1.234", "1,000", "壹万", ".5", "1e3"] {
            assert!(matches!(fen(bad), Err(CliError::Usage(_))), "{bad}");
        }
        assert_eq!(yuan(6_500_005), "65000.05");
    }
}

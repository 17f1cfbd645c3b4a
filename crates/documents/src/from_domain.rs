//! From the domain to the views: how a real project, flow, case and clock reading become the
//! papers. The desktop app, the headless client and the demo all build their views here, so a
//! printed deadline is always the legal clock's and a printed material list always the catalogue's.

use crate::views::*;
use chrono::NaiveDate;
use permitdesk_domain::case::{Case, CaseState, CorrectionPoint, Decision};
use permitdesk_domain::catalogue::{self, ApprovalFlow, Catalogue, Item, Necessity};
use permitdesk_domain::clock::ClockReading;
use permitdesk_domain::ids::{ItemCode, WorksId};
use permitdesk_domain::project::{ContactRole, Project, Works};
use permitdesk_domain::time::to_local;

/// Why a view could not be built: the domain data does not hold what the paper needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("目录中没有事项 {0}")]
    UnknownItem(String),
    #[error("项目中没有工程 {0}")]
    UnknownWorks(String),
    #[error("办件尚未受理，不能出具{0}")]
    NotAccepted(&'static str),
    #[error("办件处于“{state}”状态，不能出具{paper}")]
    WrongState {
        state: CaseState,
        paper: &'static str,
    },
    #[error("计时结果没有办理期限（办件暂停中），不能出具{0}")]
    NoDeadline(&'static str),
}

/// The project block every paper prints.
pub fn project_view(project: &Project, catalogue: &Catalogue) -> ProjectView {
    let d = &project.details;
    let legal_representative = d
        .contacts
        .iter()
        .find(|c| c.role == ContactRole::LegalRepresentative)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let scale = works_scale(project, None);
    ProjectView {
        code: d.code.as_str().to_owned(),
        name: d.name.clone(),
        builder: d.builder.name.clone(),
        credit_code: d.builder.credit_code.as_str().to_owned(),
        legal_representative,
        investment_type: d.investment.label().to_owned(),
        category: catalogue
            .category(&d.category)
            .map_or_else(|| d.category.to_string(), |c| c.name.clone()),
        location: full_address(
            &d.location.district.division().full_name(),
            &d.location.address,
        ),
        investment_wan_yuan: d.investment_amount.fen() as f64 / 1_000_000.0,
        land_area_m2: d.land_area.hundredths() as f64 / 100.0,
        floor_area_m2: d.building_area.hundredths() as f64 / 100.0,
        scale,
    }
}

/// 建设规模及内容 as printed: the project's works with their areas ("共2个工程：1#楼（…平方米）、
/// 2#楼（…平方米）"), never the total floor area again (it has its own row). With `applied`,
/// the works an application is for is left out ("共2个工程，另有1#楼（…平方米）"): the form
/// prints it in its own section, so no name or area is printed twice.
fn works_scale(project: &Project, applied: Option<&WorksId>) -> String {
    let count = project.works.len();
    if count == 0 {
        return String::new();
    }
    let others: Vec<String> = project
        .works
        .iter()
        .filter(|w| Some(&w.id) != applied)
        .map(|w| format!("{}（{}）", w.name, w.building_area))
        .collect();
    match (applied, others.is_empty()) {
        (None, _) => format!("共{count}个工程：{}", others.join("、")),
        (Some(_), true) => format!("共{count}个工程"),
        (Some(_), false) => format!("共{count}个工程，另有{}", others.join("、")),
    }
}

/// 建设地点 as printed: the district's full name, then the address, without the district
/// twice when the applicant typed it (哈尔滨市道里区友谊路 1 号 under 道里区 reads
/// 黑龙江省哈尔滨市道里区友谊路 1 号, never 黑龙江省哈尔滨市道里区哈尔滨市道里区…).
pub fn full_address(district: &str, address: &str) -> String {
    let address = address.trim();
    // The longest tail of the district's full name, cut after a level (省, 市, 地区, 州, 盟,
    // 县), that the address starts with: 黑龙江省哈尔滨市道里区, 哈尔滨市道里区, 道里区.
    let tails = std::iter::once(district).chain(
        district
            .char_indices()
            .filter(|(_, c)| matches!(c, '省' | '市' | '区' | '州' | '盟' | '县'))
            .map(|(i, c)| &district[i + c.len_utf8()..])
            .filter(|tail| !tail.is_empty()),
    );
    let rest = tails
        .into_iter()
        .find(|tail| address.starts_with(tail))
        .map_or(address, |tail| &address[tail.len()..]);
    format!("{district}{rest}")
}

fn works<'a>(project: &'a Project, id: &WorksId) -> Result<&'a Works, ViewError> {
    project
        .works
        .iter()
        .find(|w| &w.id == id)
        .ok_or_else(|| ViewError::UnknownWorks(id.to_string()))
}

pub fn works_view(works: &Works) -> WorksView {
    WorksView {
        code: works.id.to_string(),
        name: works.name.clone(),
        floor_area_m2: works.building_area.hundredths() as f64 / 100.0,
        content: works.description.clone(),
    }
}

fn item<'a>(catalogue: &'a Catalogue, code: &ItemCode) -> Result<&'a Item, ViewError> {
    catalogue
        .item(code)
        .ok_or_else(|| ViewError::UnknownItem(code.to_string()))
}

fn department_name(catalogue: &Catalogue, item: &Item) -> String {
    catalogue
        .department(&item.department)
        .map_or_else(|| item.department.to_string(), |d| d.name.clone())
}

fn material_view(m: &catalogue::MaterialRequirement) -> MaterialView {
    MaterialView {
        name: m.name.clone(),
        requirement: match &m.necessity {
            Necessity::Required => Requirement::Required,
            Necessity::Conditional { condition } => Requirement::Conditional {
                condition: condition.clone(),
            },
        },
        form: form_view(m.form),
        copies: m.copies,
        medium: match m.medium {
            catalogue::Medium::Electronic => Medium::Electronic,
            catalogue::Medium::Paper => Medium::Paper,
            catalogue::Medium::Both => Medium::Both,
        },
    }
}

fn form_view(form: catalogue::MaterialForm) -> MaterialForm {
    match form {
        catalogue::MaterialForm::Original => MaterialForm::Original,
        catalogue::MaterialForm::Copy => MaterialForm::Copy,
        catalogue::MaterialForm::OriginalAndCopy => MaterialForm::OriginalAndCopy,
    }
}

/// The number, date and marks the issuing desk puts on a one-time notice.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticePaper {
    pub notice_number: String,
    pub window: WindowView,
    pub operator: String,
    pub issued_on: NaiveDate,
    pub verification_code: String,
    pub qr_payload: String,
}

/// 温馨提示 printed on every one-time notice.
pub fn standard_notice_notes() -> Vec<String> {
    vec![
        "申报材料一次提交，同一材料在各事项间共享复用，已由审批部门核发的电子证照无需重复提交。".into(),
        "“视情形”材料仅在所列情形适用时提交；标注“可承诺”的事项经审批部门确认后可实行告知承诺制。".into(),
        "办理时限为法定工作日，自受理之日的次日起计算，公示、公告、听证、检验、监测等特别程序时间不计入。".into(),
        "可登录工程审批系统或扫描本告知单二维码查询办理进度，咨询请拨打综合窗口电话。".into(),
    ]
}

/// 一次性告知单 for a project and the flow the window chose: every stage, item and material.
pub fn one_time_notice(
    project: &Project,
    catalogue: &Catalogue,
    flow: &ApprovalFlow,
    paper: NoticePaper,
) -> Result<OneTimeNoticeView, ViewError> {
    let mut stages = Vec::new();
    for stage in &flow.stages {
        let mut items = Vec::new();
        for fi in &stage.items {
            let it = item(catalogue, &fi.item)?;
            let mut name = it.name.clone();
            if let Some(condition) = fi.condition.as_deref().filter(|_| !fi.required) {
                name = format!("{name}（{condition}）");
            }
            items.push(NoticeItemView {
                code: it.code.to_string(),
                name,
                department: department_name(catalogue, it),
                time_limit_days: it.time_limit_working_days,
                commitment_allowed: it.commitment_allowed,
                materials: it.materials.iter().map(material_view).collect(),
            });
        }
        let lead = catalogue
            .stage_leads(stage.stage)
            .iter()
            .map(|d| d.name.clone())
            .collect::<Vec<_>>()
            .join("、");
        let number = stage.stage.number();
        let label = match number {
            1..=4 => format!(
                "第{}阶段 {}",
                ["一", "二", "三", "四"][usize::from(number - 1)],
                stage.stage.label()
            ),
            _ => stage.stage.label().to_owned(),
        };
        stages.push(NoticeStageView {
            label,
            lead_department: lead,
            items,
        });
    }
    Ok(OneTimeNoticeView {
        notice_number: paper.notice_number,
        project: project_view(project, catalogue),
        flow_name: flow.name.clone(),
        stages,
        window: paper.window,
        operator: paper.operator,
        issued_on: paper.issued_on,
        verification_code: paper.verification_code,
        qr_payload: paper.qr_payload,
        notes: standard_notice_notes(),
    })
}

/// The marks on an application form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPaper {
    pub form_number: String,
    pub verification_code: String,
    pub qr_payload: String,
    pub applied_on: NaiveDate,
}

/// 申请人承诺 printed above the stamp box.
pub const APPLICANT_COMMITMENT: &str = "本单位承诺所填报信息及提交的申请材料真实、准确、完整、有效，复印件与原件一致，如有虚假，愿承担由此产生的一切法律责任；对实行告知承诺制的事项，本单位已知晓审批部门告知的全部条件和要求，承诺在规定期限内达到并提交相关材料。";

/// 工程建设项目审批事项申请表 for one application: several items of one works at once.
/// `items` pairs each item with whether it is applied for under 告知承诺制.
pub fn application_form(
    project: &Project,
    works_id: &WorksId,
    items: &[(ItemCode, bool)],
    catalogue: &Catalogue,
    paper: FormPaper,
) -> Result<ApplicationFormView, ViewError> {
    let w = works(project, works_id)?;
    let mut views = Vec::new();
    let mut stages = Vec::new();
    for (code, commitment) in items {
        let it = item(catalogue, code)?;
        if !stages.contains(&it.stage) {
            stages.push(it.stage);
        }
        views.push(ApplicationItemView {
            code: it.code.to_string(),
            name: it.name.clone(),
            department: department_name(catalogue, it),
            kind: it.kind.label().to_owned(),
            time_limit_days: it.time_limit_working_days,
            commitment: *commitment && it.commitment_allowed,
        });
    }
    Ok(ApplicationFormView {
        form_number: paper.form_number,
        verification_code: paper.verification_code,
        qr_payload: paper.qr_payload,
        project: ProjectView {
            scale: works_scale(project, Some(works_id)),
            ..project_view(project, catalogue)
        },
        works: works_view(w),
        stage: stages
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join("、"),
        // The legal representative is printed with the project (法定代表人) and signs below.
        contacts: project
            .details
            .contacts
            .iter()
            .filter(|c| c.role != ContactRole::LegalRepresentative)
            .map(|c| ContactView {
                role: c.role.label().to_owned(),
                name: c.name.clone(),
                phone: c.phone.as_str().to_owned(),
                id_number: String::new(),
            })
            .collect(),
        items: views,
        commitment_text: APPLICANT_COMMITMENT.to_owned(),
        applied_on: paper.applied_on,
    })
}

/// The case block of every case notice.
pub fn case_ref(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
) -> Result<CaseRefView, ViewError> {
    let it = item(catalogue, &case.item)?;
    let works_name = works(project, &case.works)
        .map(|w| w.name.clone())
        .unwrap_or_default();
    Ok(CaseRefView {
        case_number: case.number_label().to_owned(),
        project_code: project.details.code.as_str().to_owned(),
        project_name: project.details.name.clone(),
        applicant: project.details.builder.name.clone(),
        works_name,
        item_code: it.code.to_string(),
        item_name: it.name.clone(),
        department: department_name(catalogue, it),
    })
}

/// 受理通知书: the deadline is the legal clock's, read at acceptance.
pub fn acceptance_receipt(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    reading: &ClockReading,
    notice_number: String,
    issuer: IssuerView,
) -> Result<AcceptanceReceiptView, ViewError> {
    const PAPER: &str = "受理通知书";
    let accepted_at = case.accepted_at.ok_or(ViewError::NotAccepted(PAPER))?;
    let deadline = reading.deadline.ok_or(ViewError::NoDeadline(PAPER))?;
    let it = item(catalogue, &case.item)?;
    let materials = case
        .materials
        .iter()
        .map(|(name, _)| {
            let req = it.materials.iter().find(|m| &m.name == name);
            ReceivedMaterialView {
                name: name.clone(),
                form: req.map_or(MaterialForm::Copy, |m| form_view(m.form)),
                copies: req.map_or(1, |m| m.copies),
            }
        })
        .collect();
    Ok(AcceptanceReceiptView {
        notice_number,
        case: case_ref(case, project, catalogue)?,
        received_at: to_local(case.received_at.unwrap_or(accepted_at)),
        accepted_at: to_local(accepted_at),
        time_limit_days: case.limit_working_days().unwrap_or(0),
        deadline,
        deadline_note: reading.provisional_note(),
        commitment: case.commitment_based,
        materials,
        issuer,
    })
}

/// 补正告知书 from the case's latest one-time correction request (window) or pause (department).
pub fn correction_notice(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    due_text: String,
    notice_number: String,
    issuer: IssuerView,
) -> Result<CorrectionNoticeView, ViewError> {
    let (review, points): (&str, &[CorrectionPoint]) = match case.state {
        CaseState::CorrectionRequested => (
            "综合窗口形式审查",
            case.corrections
                .last()
                .map(|(_, p)| p.as_slice())
                .unwrap_or_default(),
        ),
        CaseState::Paused => (
            "审批部门实质审查",
            case.pauses
                .last()
                .map(|p| p.points.as_slice())
                .unwrap_or_default(),
        ),
        state => {
            return Err(ViewError::WrongState {
                state,
                paper: "补正告知书",
            });
        }
    };
    let it = item(catalogue, &case.item)?;
    let issues = points
        .iter()
        .map(|p| {
            let given = case.materials.iter().any(|(m, _)| m == &p.material);
            let listed = it.materials.iter().any(|m| m.name == p.material);
            CorrectionIssueView {
                material: p.material.clone(),
                problem: if given {
                    "有误或不符合要求"
                } else if listed {
                    "缺少"
                } else {
                    "需补充"
                }
                .to_owned(),
                reason: p.reason.clone(),
            }
        })
        .collect();
    Ok(CorrectionNoticeView {
        notice_number,
        case: case_ref(case, project, catalogue)?,
        review: review.to_owned(),
        issues,
        due_text,
        issuer,
    })
}

/// 不予受理通知书.
pub fn not_accepted_notice(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    legal_basis: String,
    notice_number: String,
    issuer: IssuerView,
) -> Result<NotAcceptedNoticeView, ViewError> {
    if case.state != CaseState::NotAccepted {
        return Err(ViewError::WrongState {
            state: case.state,
            paper: "不予受理通知书",
        });
    }
    Ok(NotAcceptedNoticeView {
        notice_number,
        case: case_ref(case, project, catalogue)?,
        received_at: to_local(case.received_at.unwrap_or(case.last_event_at)),
        reasons: case.end_reasons.clone(),
        legal_basis,
        remedy: REMEDY.to_owned(),
        issuer,
    })
}

/// 救济途径 (行政复议法, 行政诉讼法).
pub const REMEDY: &str = "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。";

/// 退件通知书.
pub fn return_notice(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    notice_number: String,
    issuer: IssuerView,
) -> Result<ReturnNoticeView, ViewError> {
    if case.state != CaseState::Returned {
        return Err(ViewError::WrongState {
            state: case.state,
            paper: "退件通知书",
        });
    }
    let accepted_at = case
        .accepted_at
        .ok_or(ViewError::NotAccepted("退件通知书"))?;
    Ok(ReturnNoticeView {
        notice_number,
        case: case_ref(case, project, catalogue)?,
        accepted_at: to_local(accepted_at),
        returned_at: to_local(case.ended_at.unwrap_or(case.last_event_at)),
        reasons: case.end_reasons.clone(),
        instructions: "问题较大，本次申请予以退件。请按上述意见修改后重新申请，已提交且无需修改的材料可直接复用。".to_owned(),
        issuer,
    })
}

/// 办结通知书: the time used is the legal clock's, read at completion.
pub fn completion_notice(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    reading: &ClockReading,
    notice_number: String,
    issuer: IssuerView,
) -> Result<CompletionNoticeView, ViewError> {
    const PAPER: &str = "办结通知书";
    let (outcome, result_text, certificate_number) = match &case.decision {
        Some(Decision::Granted { certificate }) => (
            "准予许可",
            format!(
                "已核发{}（电子证照），可在工程审批系统下载使用。",
                certificate.name
            ),
            Some(certificate.number_label().to_owned()),
        ),
        Some(Decision::Denied { reasons }) => ("不予许可", reasons.join("；"), None),
        None => {
            return Err(ViewError::WrongState {
                state: case.state,
                paper: PAPER,
            });
        }
    };
    let accepted_at = case.accepted_at.ok_or(ViewError::NotAccepted(PAPER))?;
    // Whole working days begun, as a person counts them ("用时 2 个工作日").
    let per_day = reading.minutes_per_working_day.max(1);
    let days_used = u32::try_from((reading.used_minutes + per_day - 1) / per_day).unwrap_or(0);
    Ok(CompletionNoticeView {
        notice_number,
        case: case_ref(case, project, catalogue)?,
        accepted_at: to_local(accepted_at),
        completed_at: to_local(case.ended_at.unwrap_or(case.last_event_at)),
        outcome: outcome.to_owned(),
        result_text,
        time_limit_days: case.limit_working_days().unwrap_or(0),
        working_days_used: days_used,
        used_note: reading.provisional_note(),
        certificate_number,
        issuer,
    })
}

/// 电子证照 printout of a granted case; `content` are the certificate's own lines (建设规模 ...).
pub fn certificate(
    case: &Case,
    project: &Project,
    catalogue: &Catalogue,
    content: Vec<(String, String)>,
    verification_code: String,
    qr_payload: String,
) -> Result<CertificateView, ViewError> {
    let Some(Decision::Granted { certificate }) = &case.decision else {
        return Err(ViewError::WrongState {
            state: case.state,
            paper: "电子证照",
        });
    };
    let it = item(catalogue, &case.item)?;
    Ok(CertificateView {
        title: certificate.name.clone(),
        certificate_number: certificate.number.to_string(),
        issuer: department_name(catalogue, it),
        holder: project.details.builder.name.clone(),
        holder_credit_code: project.details.builder.credit_code.as_str().to_owned(),
        project_name: project.details.name.clone(),
        project_code: project.details.code.as_str().to_owned(),
        content,
        issued_on: certificate.issued_on,
        valid_from: certificate.issued_on,
        valid_until: certificate.valid_until,
        verification_code,
        qr_payload,
        notes: vec![
            "注：本证照为电子证照打印件，与纸质证照具有同等法律效力，可扫描二维码核验。".into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::full_address;

    #[test]
    fn the_district_is_printed_once() {
        let d = "黑龙江省哈尔滨市道里区";
        for (address, expected) in [
            ("友谊路 1 号", "黑龙江省哈尔滨市道里区友谊路 1 号"),
            (
                "哈尔滨市道里区友谊路 1 号",
                "黑龙江省哈尔滨市道里区友谊路 1 号",
            ),
            ("道里区友谊路 1 号", "黑龙江省哈尔滨市道里区友谊路 1 号"),
            (
                "黑龙江省哈尔滨市道里区友谊路 1 号",
                "黑龙江省哈尔滨市道里区友谊路 1 号",
            ),
            ("  区政府旁 ", "黑龙江省哈尔滨市道里区区政府旁"),
        ] {
            assert_eq!(full_address(d, address), expected, "{address}");
        }
    }
}

//! The demo scenario: a realistic Harbin housing project registered, applied for and handled
//! through the real domain (demo catalogue, case workflow, legal clock), so that the demo papers
//! show what the system would print for it. `permitdesk documents demo` writes these.

use crate::from_domain::{self, FormPaper, NoticePaper, ViewError};
use crate::views::*;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{
    AcceptanceTerms, Acting, Case, CaseCommand, CertificateRecord, CorrectionPoint, Decision,
};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{ClockReading, LegalClock, OfficeHours};
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use permitdesk_domain::districts::Districts;
use permitdesk_domain::ids::*;
use permitdesk_domain::project::*;
use permitdesk_domain::time::{LocalTime, from_local, to_local};

/// Why the scenario could not be played: a bug in the demo data, named.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("演示数据有误：{0}")]
    Data(String),
    #[error(transparent)]
    View(#[from] ViewError),
}

fn data(e: impl std::fmt::Display) -> ScenarioError {
    ScenarioError::Data(e.to_string())
}

/// The demo project with its cases at the points where each paper is printed.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub catalogue: Catalogue,
    pub project: Project,
    /// 建筑工程施工许可证核发: accepted, paused once, signed at every level, granted.
    pub granted: Case,
    /// The clock read when the granted case was accepted (for the receipt) and completed.
    pub granted_at_acceptance: ClockReading,
    pub granted_at_completion: ClockReading,
    /// 建设工程消防设计审查: the window asked for one-time correction.
    pub correction: Case,
    /// 城镇污水排入排水管网许可证核发: refused (不予受理).
    pub refused: Case,
    /// 结合民用建筑修建防空地下室审批: returned (退件) by the department.
    pub returned: Case,
}

const ORGANISATION: &str = "ORG-BJZY";
const WORKS: &str = "W-01";

fn t(y: i32, m: u32, d: u32, h: u32, min: u32) -> LocalTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| {
            NaiveTime::from_hms_opt(h, min, 0).map(|time| NaiveDateTime::new(date, time))
        })
        .unwrap_or_default()
}

fn actor(role: Role, name: &str, department: Option<&str>) -> Actor {
    Actor {
        user: UserId::new(format!("demo-{name}")),
        name: name.into(),
        role,
        department: department.map(DepartmentCode::new),
        organisation: (role == Role::Applicant).then(|| OrganisationId::new(ORGANISATION)),
        levels: vec![],
    }
}

/// A valid credit code for the demo builder, computed with the standard's own check characters.
fn builder_credit_code() -> Result<CreditCode, ScenarioError> {
    let organisation = "MA1B2C3D";
    let first17 = format!(
        "91230109{organisation}{}",
        CreditCode::organisation_check_character(organisation)
    );
    CreditCode::parse(&format!(
        "{first17}{}",
        CreditCode::check_character(&first17)
    ))
    .map_err(data)
}

fn project(applicant: &Actor, window: &Actor) -> Result<Project, ScenarioError> {
    let contact = |name: &str, phone: &str, role| -> Result<Contact, ScenarioError> {
        Ok(Contact {
            name: name.into(),
            phone: PhoneNumber::parse(phone).map_err(data)?,
            role,
        })
    };
    let details = ProjectDetails {
        code: ProjectCode::parse("2024-230109-70-03-018263").map_err(data)?,
        name: "哈尔滨市松北区利民大道北住宅小区项目（一期）".into(),
        builder: Builder {
            name: "哈尔滨滨江置业有限公司".into(),
            credit_code: builder_credit_code()?,
        },
        investment: InvestmentType::Social,
        category: CategoryCode::new("SH-FDC"),
        location: Location {
            address: "利民大道与世茂大道交口东北侧".into(),
            district: RegionCode::parse("230109").map_err(data)?,
        },
        investment_amount: Money::parse_wan("68500").map_err(data)?,
        land_area: Area::parse("45236.80").map_err(data)?,
        building_area: Area::parse("126480.50").map_err(data)?,
        contacts: vec![
            contact("王立新", "0451-86331234", ContactRole::LegalRepresentative)?,
            contact("张海峰", "13904510123", ContactRole::ProjectLead)?,
            contact("刘䶮", "18645107788", ContactRole::Liaison)?,
        ],
    };
    let works = Works {
        id: WorksId::new(WORKS),
        name: "1#—6#住宅楼及地下车库".into(),
        description: "1#—6#住宅楼（地上18层、地下1层，框架剪力墙结构）及地下车库，含室外管网配套。"
            .into(),
        building_area: Area::parse("86320.40").map_err(data)?,
    };
    let steps = [
        (
            applicant,
            ProjectCommand::RegisterOnline {
                id: ProjectId::new("P-2024-000318"),
                details,
            },
            t(2024, 9, 18, 10, 0),
        ),
        (
            applicant,
            ProjectCommand::AddWorks { works },
            t(2024, 9, 18, 10, 20),
        ),
        (applicant, ProjectCommand::Submit, t(2024, 9, 18, 10, 30)),
        (
            window,
            ProjectCommand::ChooseFlow {
                flow: FlowCode::new("LC-SH-FDC"),
                category: CategoryCode::new("SH-FDC"),
            },
            t(2024, 9, 20, 9, 15),
        ),
    ];
    let districts = Districts::shipped().map_err(data)?;
    let mut state: Option<Project> = None;
    for (who, cmd, at) in steps {
        for e in
            Project::decide(state.as_ref(), &cmd, who, from_local(at), &districts).map_err(data)?
        {
            state = Some(Project::apply(state, &e).map_err(data)?);
        }
    }
    state.ok_or_else(|| data("项目未登记"))
}

/// Play a case: each step is (who, command, Beijing time, opinion).
fn play(
    case: &CaseId,
    steps: Vec<(&Actor, CaseCommand, LocalTime, Option<&str>)>,
) -> Result<Case, ScenarioError> {
    let mut state = None;
    for (who, cmd, at, opinion) in steps {
        let mut acting = Acting::new(who.clone(), from_local(at));
        acting.opinion = opinion.map(str::to_owned);
        state = Some(
            Case::execute(state, case, &cmd, &acting)
                .map_err(|e| data(format!("{case}：{e}")))?
                .0,
        );
    }
    state.ok_or_else(|| data("办件未建立"))
}

fn create(catalogue: &Catalogue, item: &str) -> Result<CaseCommand, ScenarioError> {
    let code = ItemCode::new(item);
    let it = catalogue
        .item(&code)
        .ok_or_else(|| data(format!("目录中没有 {item}")))?;
    Ok(CaseCommand::Create {
        application: ApplicationId::new("SQ-2024-000731"),
        project: ProjectId::new("P-2024-000318"),
        works: WorksId::new(WORKS),
        item: code,
        department: it.department.clone(),
        applicant: OrganisationId::new(ORGANISATION),
        commitment_allowed: it.commitment_allowed,
        number: None,
    })
}

fn terms(catalogue: &Catalogue, item: &str) -> Result<AcceptanceTerms, ScenarioError> {
    let code = ItemCode::new(item);
    let it = catalogue
        .item(&code)
        .ok_or_else(|| data(format!("目录中没有 {item}")))?;
    Ok(AcceptanceTerms {
        catalogue_version: catalogue.version.clone(),
        time_limit_working_days: it.time_limit_working_days,
        review_levels: catalogue
            .review_levels_for_item(&code)
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
    })
}

fn attach(material: &str) -> CaseCommand {
    CaseCommand::AttachMaterial {
        material: material.into(),
        attachment: AttachmentId::new(format!("{:0>64}", material.len())),
    }
}

fn submit() -> CaseCommand {
    CaseCommand::Submit {
        stamped_form: AttachmentId::new("f".repeat(64)),
    }
}

/// Play the whole scenario.
pub fn scenario() -> Result<Scenario, ScenarioError> {
    let catalogue = Catalogue::demo().map_err(data)?;
    let applicant = actor(Role::Applicant, "刘䶮", None);
    let window = actor(Role::WindowOperator, "李晓梅", None);
    let project = project(&applicant, &window)?;
    let material_names = |item: &str| -> Vec<String> {
        catalogue
            .item(&ItemCode::new(item))
            .map(|i| i.materials.iter().map(|m| m.name.clone()).collect())
            .unwrap_or_default()
    };

    // 施工许可: accepted Friday 27 Sep 2024, just before 国庆节, paused a day for a missing seal.
    let zjj = actor(Role::DepartmentReviewer, "赵明", Some("ZJJ"));
    let levels = terms(&catalogue, "ZJJ-03")?.review_levels;
    // One person per level (层级权限): 赵明 signs the first, his colleagues the others.
    let signers: Vec<Actor> = levels
        .iter()
        .zip(
            ["赵明", "钱丽", "孙伟", "李强", "周敏", "吴刚"]
                .iter()
                .cycle(),
        )
        .map(|(level, name)| {
            actor(Role::DepartmentReviewer, name, Some("ZJJ")).with_levels([level.as_str()])
        })
        .collect();
    let mut steps = vec![(
        &applicant,
        create(&catalogue, "ZJJ-03")?,
        t(2024, 9, 26, 15, 0),
        None,
    )];
    for m in material_names("ZJJ-03") {
        steps.push((&applicant, attach(&m), t(2024, 9, 26, 15, 30), None));
    }
    steps.push((&applicant, submit(), t(2024, 9, 26, 16, 0), None));
    steps.push((&window, CaseCommand::Receive, t(2024, 9, 27, 9, 42), None));
    steps.push((
        &window,
        CaseCommand::Accept {
            terms: terms(&catalogue, "ZJJ-03")?,
            commitment_based: false,
        },
        t(2024, 9, 27, 14, 10),
        Some("材料齐全，予以受理"),
    ));
    let accepted = play(&CaseId::new("HRB-2024-SB-000731"), steps.clone())?;
    let pause_point = CorrectionPoint {
        material: "建设资金已落实承诺书".into(),
        reason: "承诺书未加盖建设单位公章".into(),
    };
    steps.push((
        &zjj,
        CaseCommand::Pause {
            points: vec![pause_point],
        },
        t(2024, 9, 29, 10, 0),
        Some("请补盖公章"),
    ));
    steps.push((
        &applicant,
        CaseCommand::SubmitRectification {
            note: "已补盖公章并重新上传".into(),
        },
        t(2024, 9, 30, 9, 0),
        None,
    ));
    steps.push((&zjj, CaseCommand::Resume, t(2024, 9, 30, 9, 30), None));
    for (i, (level, signer)) in levels.iter().zip(&signers).enumerate() {
        steps.push((
            signer,
            CaseCommand::SignOff {
                level: level.clone(),
            },
            t(2024, 10, 8, 9, 10 + 10 * i as u32),
            Some("同意"),
        ));
    }
    let certificate = CertificateRecord {
        number: CertificateNumber::new("230109202410080101"),
        name: "建筑工程施工许可证".into(),
        issued_on: NaiveDate::from_ymd_opt(2024, 10, 8).ok_or_else(|| data("日期"))?,
        valid_until: None,
        file: Some(AttachmentId::new("c".repeat(64))),
    };
    steps.push((
        &zjj,
        CaseCommand::Complete {
            decision: Decision::Granted { certificate },
        },
        t(2024, 10, 8, 11, 35),
        Some("准予许可"),
    ));
    let granted = play(&CaseId::new("HRB-2024-SB-000731"), steps)?;

    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let read = |case: &Case, at: LocalTime| -> Result<ClockReading, ScenarioError> {
        let input = case.clock_input().ok_or_else(|| data("办件未受理"))?;
        clock.evaluate(&input, at).map_err(data)
    };
    let granted_at_acceptance = read(&accepted, t(2024, 9, 27, 14, 10))?;
    let granted_at_completion = read(&granted, t(2024, 10, 8, 11, 35))?;

    // 消防设计审查: the window finds problems in the form check and asks once for all of them.
    let points = vec![
        CorrectionPoint { material: "消防设计审查申请表".into(), reason: "申请表“建筑高度”与设计文件不一致（申请表为56.3米，设计说明为54.9米），请核对后重新填写。".into() },
        CorrectionPoint { material: "中标通知书".into(), reason: "本项目属依法必须招标的项目，须提交设计单位中标通知书复印件并加盖建设单位公章。".into() },
        CorrectionPoint { material: "消防设计文件".into(), reason: "缺少地下车库防火分区示意图及消防设施平面图，请上传完整的消防设计文件（含全部图纸）。".into() },
    ];
    let mut steps = vec![(
        &applicant,
        create(&catalogue, "ZJJ-02")?,
        t(2024, 9, 24, 9, 0),
        None,
    )];
    for m in material_names("ZJJ-02").into_iter().take(2) {
        steps.push((&applicant, attach(&m), t(2024, 9, 24, 9, 30), None));
    }
    steps.push((&applicant, submit(), t(2024, 9, 24, 10, 0), None));
    steps.push((&window, CaseCommand::Receive, t(2024, 9, 25, 9, 5), None));
    steps.push((
        &window,
        CaseCommand::RequestCorrection { points },
        t(2024, 9, 25, 10, 40),
        Some("形式审查不合格，一次性告知补正"),
    ));
    let correction = play(&CaseId::new("HRB-2024-SB-000729"), steps)?;

    // 排水许可: the window refuses to accept (the district issues it).
    let mut steps = vec![(
        &applicant,
        create(&catalogue, "SWJ-03")?,
        t(2024, 9, 20, 14, 0),
        None,
    )];
    steps.push((&applicant, submit(), t(2024, 9, 20, 15, 0), None));
    steps.push((&window, CaseCommand::Receive, t(2024, 9, 23, 10, 5), None));
    steps.push((
        &window,
        CaseCommand::RefuseAcceptance {
            reasons: vec![
                "申请事项依法不属于本行政机关职权范围：项目位于松北区，排水许可由松北区水务部门实施。".into(),
                "申请人已就同一排水口取得有效的城镇污水排入排水管网许可证（编号 排字第2023-0871号），且有效期内未发生变更。".into(),
            ],
        },
        t(2024, 9, 23, 11, 0),
        None,
    ));
    let refused = play(&CaseId::new("HRB-2024-SB-000702"), steps)?;

    // 人防: accepted, then returned for a redesign.
    let rfb = actor(Role::DepartmentReviewer, "孙立", Some("RFB"));
    let mut steps = vec![(
        &applicant,
        create(&catalogue, "RFB-01")?,
        t(2024, 8, 30, 9, 0),
        None,
    )];
    for m in material_names("RFB-01") {
        steps.push((&applicant, attach(&m), t(2024, 8, 30, 9, 20), None));
    }
    steps.push((&applicant, submit(), t(2024, 8, 30, 10, 0), None));
    steps.push((&window, CaseCommand::Receive, t(2024, 9, 2, 9, 30), None));
    steps.push((
        &window,
        CaseCommand::Accept {
            terms: terms(&catalogue, "RFB-01")?,
            commitment_based: false,
        },
        t(2024, 9, 2, 10, 30),
        None,
    ));
    steps.push((
        &rfb,
        CaseCommand::Return {
            reasons: vec![
                "防空地下室面积不满足应建面积要求（应建 5,180 平方米，设计 4,020 平方米），需调整设计。".into(),
                "战时出入口设置不符合《人民防空地下室设计规范》（GB 50038-2005）第3.3.1条规定。".into(),
            ],
        },
        t(2024, 9, 11, 15, 20),
        Some("问题较大，予以退件"),
    ));
    let returned = play(&CaseId::new("HRB-2024-SB-000655"), steps)?;

    Ok(Scenario {
        catalogue,
        project,
        granted,
        granted_at_acceptance,
        granted_at_completion,
        correction,
        refused,
        returned,
    })
}

fn window_view() -> WindowView {
    WindowView {
        name: "哈尔滨市工程建设项目综合受理窗口（市民大厦行政服务大厅）".into(),
        address: "哈尔滨市松北区世纪大道1号市民大厦一楼行政服务大厅".into(),
        phone: "0451-12345678".into(),
        hours: "工作日 9:00—17:00".into(),
    }
}

fn issuer(organisation: &str, operator: &str, issued_on: LocalTime, code: &str) -> IssuerView {
    IssuerView {
        organisation: organisation.into(),
        operator: operator.into(),
        phone: "0451-12345678".into(),
        issued_on: issued_on.date(),
        verification_code: code.into(),
        qr_payload: format!("https://gcjs.harbin.gov.cn/verify/{code}"),
    }
}

/// The eight case and project papers of the scenario, named as `permitdesk documents demo` writes them.
pub fn papers(s: &Scenario) -> Result<Vec<(String, Vec<u8>)>, crate::RenderError> {
    let views = views(s).map_err(|e| crate::RenderError::View(e.to_string()))?;
    Ok(vec![
        (
            "application-form.pdf".into(),
            crate::render_application_form(&views.0)?,
        ),
        (
            "one-time-notice.pdf".into(),
            crate::render_one_time_notice(&views.1)?,
        ),
        (
            "acceptance-receipt.pdf".into(),
            crate::render_acceptance_receipt(&views.2)?,
        ),
        (
            "correction-notice.pdf".into(),
            crate::render_correction_notice(&views.3)?,
        ),
        (
            "not-accepted-notice.pdf".into(),
            crate::render_not_accepted_notice(&views.4)?,
        ),
        (
            "return-notice.pdf".into(),
            crate::render_return_notice(&views.5)?,
        ),
        (
            "completion-notice.pdf".into(),
            crate::render_completion_notice(&views.6)?,
        ),
        (
            "certificate.pdf".into(),
            crate::render_certificate(&views.7)?,
        ),
    ])
}

type Views = (
    ApplicationFormView,
    OneTimeNoticeView,
    AcceptanceReceiptView,
    CorrectionNoticeView,
    NotAcceptedNoticeView,
    ReturnNoticeView,
    CompletionNoticeView,
    CertificateView,
);

/// Every view of the scenario, built by `from_domain` as the apps build them.
pub fn views(s: &Scenario) -> Result<Views, ScenarioError> {
    let (cat, p) = (&s.catalogue, &s.project);
    let flow = p
        .flow
        .as_ref()
        .and_then(|f| cat.flow(f))
        .ok_or_else(|| data("项目未选择审批流程"))?;
    let notice_at = p
        .notice_issued_at
        .map(to_local)
        .ok_or_else(|| data("未出具一次性告知单"))?;
    let notice = from_domain::one_time_notice(
        p,
        cat,
        flow,
        NoticePaper {
            notice_number: "GZD-2024-000318".into(),
            window: window_view(),
            operator: "李晓梅".into(),
            issued_on: notice_at.date(),
            verification_code: "3HWN-8TQA".into(),
            qr_payload: "https://gcjs.harbin.gov.cn/verify/3HWN-8TQA".into(),
        },
    )?;
    let items: Vec<(ItemCode, bool)> = ["ZJJ-03", "ZJJ-02", "RFB-01", "SWJ-03"]
        .iter()
        .map(|c| (ItemCode::new(*c), false))
        .collect();
    let form = from_domain::application_form(
        p,
        &WorksId::new(WORKS),
        &items,
        cat,
        FormPaper {
            form_number: "SQB-2024-000731".into(),
            verification_code: "7KQ2-M9XD".into(),
            qr_payload: "https://gcjs.harbin.gov.cn/verify/7KQ2-M9XD".into(),
            applied_on: to_local(s.granted.created_at).date(),
        },
    )?;
    let window_org = "哈尔滨市工程建设项目综合受理窗口";
    let accepted_at = s.granted.accepted_at.map(to_local).unwrap_or_default();
    let receipt = from_domain::acceptance_receipt(
        &s.granted,
        p,
        cat,
        &s.granted_at_acceptance,
        "SL-2024-000731".into(),
        issuer(window_org, "李晓梅", accepted_at, "5RT8-2KMW"),
    )?;
    let correction_at = to_local(s.correction.last_event_at);
    let due = correction_at + Duration::days(20);
    let correction = from_domain::correction_notice(
        &s.correction,
        p,
        cat,
        format!(
            "请于{}前通过工程审批系统一次性补正",
            due.format("%Y年%m月%d日")
        ),
        "BZ-2024-000112".into(),
        issuer(window_org, "李晓梅", correction_at, "9BQX-4NVE"),
    )?;
    let refused = from_domain::not_accepted_notice(
        &s.refused,
        p,
        cat,
        "《中华人民共和国行政许可法》第三十二条第一款第（二）项；《城镇污水排入排水管网许可管理办法》第五条。".into(),
        "BYSL-2024-000019".into(),
        issuer(window_org, "李晓梅", to_local(s.refused.last_event_at), "2MDK-7HPC"),
    )?;
    let returned = from_domain::return_notice(
        &s.returned,
        p,
        cat,
        "TJ-2024-000045".into(),
        issuer(
            "哈尔滨市人民防空办公室",
            "孙立",
            to_local(s.returned.last_event_at),
            "6JCT-3WFR",
        ),
    )?;
    let completed_at = to_local(s.granted.last_event_at);
    let completion = from_domain::completion_notice(
        &s.granted,
        p,
        cat,
        &s.granted_at_completion,
        "BJ-2024-000688".into(),
        issuer(
            "哈尔滨市住房和城乡建设局",
            "赵明",
            completed_at,
            "8PLM-5RXA",
        ),
    )?;
    let line = |k: &str, v: &str| (k.to_string(), v.to_string());
    let certificate = from_domain::certificate(
        &s.granted,
        p,
        cat,
        vec![
            line("建设地址", "哈尔滨市松北区利民大道与世茂大道交口东北侧"),
            line("建设规模", "86320.40平方米（1#—6#住宅楼及地下车库）"),
            line("合同价格", "32680.00万元"),
            line("勘察单位", "黑龙江省建筑设计研究院有限公司"),
            line("设计单位", "哈尔滨工业大学建筑设计研究院有限公司"),
            line("施工单位", "中建八局第一建设有限公司"),
            line("监理单位", "哈尔滨市建设工程监理有限公司"),
            line("合同工期", "680日历天"),
        ],
        "8PLM-5RXA".into(),
        "https://gcjs.harbin.gov.cn/verify/8PLM-5RXA".into(),
    )?;
    Ok((
        form,
        notice,
        receipt,
        correction,
        refused,
        returned,
        completion,
        certificate,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use permitdesk_domain::case::CaseState;
    use permitdesk_domain::clock::WarningLevel;

    #[test]
    fn the_scenario_plays_through_the_real_domain() {
        let s = scenario().unwrap();
        assert_eq!(s.granted.state, CaseState::Granted);
        assert_eq!(s.correction.state, CaseState::CorrectionRequested);
        assert_eq!(s.refused.state, CaseState::NotAccepted);
        assert_eq!(s.returned.state, CaseState::Returned);
        assert_eq!(s.project.state, RegistrationState::FlowChosen);
    }

    #[test]
    fn printed_deadlines_and_times_are_the_legal_clocks() {
        let s = scenario().unwrap();
        // Accepted Fri 27 Sep 14:10, 3 working days: Sun 29 Sep (调休) and Mon 30 Sep count,
        // 1-7 Oct is 国庆节, so the third day is Tue 8 Oct: due 17:00.
        assert_eq!(
            s.granted_at_acceptance.deadline,
            Some(t(2024, 10, 8, 17, 0))
        );
        // Paused 29 Sep 10:00 - 30 Sep 09:30: 7 h of 29 Sep and 30 min of 30 Sep stop the clock,
        // so completion on 8 Oct 11:35 used 1 h (29 Sep) + 7.5 h (30 Sep) + 2 h 35 min (8 Oct).
        assert_eq!(s.granted_at_completion.used_minutes, 60 + 450 + 155);
        assert_eq!(s.granted_at_completion.level, WarningLevel::Normal);
        assert_eq!(
            s.granted_at_completion.deadline,
            Some(t(2024, 10, 9, 16, 30))
        );
        let (_, _, receipt, correction, _, _, completion, _) = views(&s).unwrap();
        assert_eq!(receipt.deadline, t(2024, 10, 8, 17, 0));
        assert_eq!(receipt.time_limit_days, 3);
        assert_eq!(completion.working_days_used, 2);
        assert_eq!(correction.issues.len(), 3);
        // A material that was given but is wrong, and one that was never given, read differently.
        assert_eq!(correction.issues[0].problem, "有误或不符合要求");
        assert_ne!(correction.issues[1].problem, correction.issues[0].problem);
    }

    #[test]
    fn the_one_time_notice_lists_the_whole_flow_from_the_catalogue() {
        let s = scenario().unwrap();
        let (_, notice, ..) = views(&s).unwrap();
        let flow = s.catalogue.flow(&FlowCode::new("LC-SH-FDC")).unwrap();
        let expected: usize = flow.stages.iter().map(|st| st.items.len()).sum();
        assert_eq!(
            notice.stages.iter().map(|st| st.items.len()).sum::<usize>(),
            expected
        );
        for (stage, view) in flow.stages.iter().zip(&notice.stages) {
            for (fi, item) in stage.items.iter().zip(&view.items) {
                let it = s.catalogue.item(&fi.item).unwrap();
                assert_eq!(item.materials.len(), it.materials.len());
                assert_eq!(item.time_limit_days, it.time_limit_working_days);
            }
        }
    }
}

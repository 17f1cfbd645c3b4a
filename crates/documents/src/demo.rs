//! Realistic Harbin demo data for every document (a social-investment housing project in
//! Songbei District), used by `permitdesk documents demo`, the tests and the benchmarks.

use crate::error::RenderError;
use crate::views::*;
use chrono::{NaiveDate, NaiveDateTime};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    date(y, m, d)
        .and_hms_opt(h, min, 0)
        .unwrap_or(NaiveDateTime::MIN)
}

const BUILDER: &str = "哈尔滨滨江置业有限公司";
const CREDIT: &str = "91230109MA1B2C3D4B";
const PROJECT_CODE: &str = "2024-230109-70-03-018263";
const PROJECT_NAME: &str = "哈尔滨市松北区利民大道北住宅小区项目（一期）";
const WORKS: &str = "1#—6#住宅楼及地下车库";

pub fn project() -> ProjectView {
    ProjectView {
        code: PROJECT_CODE.into(),
        name: PROJECT_NAME.into(),
        builder: BUILDER.into(),
        credit_code: CREDIT.into(),
        legal_representative: "王立新".into(),
        investment_type: "社会投资".into(),
        category: "社会投资房地产项目".into(),
        location: "哈尔滨市松北区利民大道与世茂大道交口东北侧".into(),
        investment_wan_yuan: 68_500.0,
        land_area_m2: 45_236.8,
        floor_area_m2: 126_480.5,
        scale: "新建住宅楼6栋（地上18层、地下1层），配套商业、地下车库及室外配套工程，总建筑面积126480.5平方米。".into(),
    }
}

fn window() -> WindowView {
    WindowView {
        name: "哈尔滨市工程建设项目综合受理窗口（市民大厦行政服务大厅）".into(),
        address: "哈尔滨市松北区世纪大道1号市民大厦一楼行政服务大厅".into(),
        phone: "0451-12345678".into(),
        hours: "工作日 9:00—17:00".into(),
    }
}

fn issuer(issued_on: NaiveDate, code: &str) -> IssuerView {
    IssuerView {
        organisation: "哈尔滨市工程建设项目综合受理窗口".into(),
        operator: "李晓梅".into(),
        phone: "0451-12345678".into(),
        issued_on,
        verification_code: code.into(),
        qr_payload: format!("https://gcjs.harbin.gov.cn/verify/{code}"),
    }
}

fn case_ref() -> CaseRefView {
    CaseRefView {
        case_number: "HRB-2024-SB-000731".into(),
        project_code: PROJECT_CODE.into(),
        project_name: PROJECT_NAME.into(),
        applicant: BUILDER.into(),
        works_name: WORKS.into(),
        item_code: "230100-ZJ-0021".into(),
        item_name: "建筑工程施工许可证核发".into(),
        department: "哈尔滨市住房和城乡建设局".into(),
    }
}

pub fn application_form() -> ApplicationFormView {
    let item = |code: &str, name: &str, dept: &str, kind: &str, days: u32, commitment: bool| {
        ApplicationItemView {
            code: code.into(),
            name: name.into(),
            department: dept.into(),
            kind: kind.into(),
            time_limit_days: days,
            commitment,
        }
    };
    ApplicationFormView {
        form_number: "SQB-2024-000731".into(),
        verification_code: "7KQ2-M9XD".into(),
        qr_payload: "https://gcjs.harbin.gov.cn/verify/7KQ2-M9XD".into(),
        project: project(),
        works: WorksView {
            code: format!("{PROJECT_CODE}-01"),
            name: WORKS.into(),
            floor_area_m2: 86_320.4,
            content: "1#—6#住宅楼（地上18层、地下1层，框架剪力墙结构）及地下车库，含室外管网配套。".into(),
        },
        stage: "第三阶段 施工许可".into(),
        contacts: vec![
            ContactView { role: "项目负责人".into(), name: "张海峰".into(), phone: "13904510123".into(), id_number: "2301**********1234".into() },
            ContactView { role: "经办人".into(), name: "刘䶮".into(), phone: "18645107788".into(), id_number: "2301**********5678".into() },
        ],
        items: vec![
            item("230100-ZJ-0021", "建筑工程施工许可证核发", "哈尔滨市住房和城乡建设局", "行政审批", 3, false),
            item("230100-ZJ-0034", "建设工程消防设计审查", "哈尔滨市住房和城乡建设局", "行政审批", 15, false),
            item("230100-RF-0007", "人民防空工程建设审批（结合民用建筑修建防空地下室）", "哈尔滨市人民防空办公室", "行政审批", 10, true),
            item("230100-SW-0012", "城镇污水排入排水管网许可", "哈尔滨市水务局", "行政审批", 7, true),
        ],
        commitment_text: "本单位承诺所填报信息及提交的申请材料真实、准确、完整、有效，复印件与原件一致，如有虚假，愿承担由此产生的一切法律责任；对实行告知承诺制的事项，本单位已知晓审批部门告知的全部条件和要求，承诺在规定期限内达到并提交相关材料。".into(),
        applied_on: date(2024, 9, 27),
    }
}

fn material(
    name: &str,
    required: Option<&str>,
    form: MaterialForm,
    copies: u32,
    medium: Medium,
) -> MaterialView {
    MaterialView {
        name: name.into(),
        requirement: match required {
            None => Requirement::Required,
            Some(c) => Requirement::Conditional {
                condition: c.into(),
            },
        },
        form,
        copies,
        medium,
    }
}

fn notice_item(
    code: &str,
    name: &str,
    dept: &str,
    days: u32,
    commitment: bool,
    materials: Vec<MaterialView>,
) -> NoticeItemView {
    NoticeItemView {
        code: code.into(),
        name: name.into(),
        department: dept.into(),
        time_limit_days: days,
        commitment_allowed: commitment,
        materials,
    }
}

/// The stages of the 社会投资房地产项目 flow with their items and materials.
fn housing_flow() -> Vec<NoticeStageView> {
    use MaterialForm::*;
    use Medium::*;
    let zg = "哈尔滨市自然资源和规划局";
    let zj = "哈尔滨市住房和城乡建设局";
    vec![
        NoticeStageView {
            label: "第一阶段 立项用地规划许可".into(),
            lead_department: zg.into(),
            items: vec![
                notice_item(
                    "230100-FG-0003",
                    "企业投资项目备案",
                    "哈尔滨市发展和改革委员会",
                    1,
                    false,
                    vec![
                        material("企业投资项目备案申请表", None, Original, 1, Electronic),
                        material("营业执照", None, Copy, 1, Electronic),
                    ],
                ),
                notice_item(
                    "230100-ZG-0011",
                    "建设用地规划许可证核发",
                    zg,
                    5,
                    true,
                    vec![
                        material("建设用地规划许可申请表", None, Original, 1, Both),
                        material("国有建设用地使用权出让合同", None, Copy, 1, Electronic),
                        material("建设项目用地红线图及界址点坐标", None, Original, 2, Both),
                        material(
                            "授权委托书及受托人身份证明",
                            Some("委托他人办理的"),
                            Original,
                            1,
                            Paper,
                        ),
                    ],
                ),
            ],
        },
        NoticeStageView {
            label: "第二阶段 工程建设许可".into(),
            lead_department: zg.into(),
            items: vec![
                notice_item(
                    "230100-ZG-0015",
                    "建设工程规划许可证核发",
                    zg,
                    10,
                    false,
                    vec![
                        material("建设工程规划许可申请表", None, Original, 1, Both),
                        material(
                            "建设工程设计方案（含总平面图、各层平面图、立面图、剖面图）",
                            None,
                            Original,
                            3,
                            Both,
                        ),
                        material("不动产权证书或土地使用权证明", None, Copy, 1, Electronic),
                        material(
                            "日照分析报告",
                            Some("住宅、学校、医院等有日照要求的建筑"),
                            Original,
                            1,
                            Electronic,
                        ),
                        material(
                            "超限高层建筑工程抗震设防专项审查意见",
                            Some("属于超限高层建筑工程的"),
                            Copy,
                            1,
                            Electronic,
                        ),
                    ],
                ),
                notice_item(
                    "230100-ZJ-0030",
                    "超限高层建筑工程抗震设防审批",
                    zj,
                    15,
                    false,
                    vec![
                        material(
                            "超限高层建筑工程抗震设防专项审查申报表",
                            None,
                            Original,
                            1,
                            Both,
                        ),
                        material(
                            "建筑结构工程超限设计的可行性论证报告",
                            None,
                            Original,
                            1,
                            Electronic,
                        ),
                    ],
                ),
            ],
        },
        NoticeStageView {
            label: "第三阶段 施工许可".into(),
            lead_department: zj.into(),
            items: vec![
                notice_item(
                    "230100-ZJ-0021",
                    "建筑工程施工许可证核发",
                    zj,
                    3,
                    false,
                    vec![
                        material("建筑工程施工许可证申请表", None, Original, 1, Both),
                        material("建设工程规划许可证", None, Copy, 1, Electronic),
                        material("施工图设计文件审查合格书", None, Copy, 1, Electronic),
                        material(
                            "施工合同及中标通知书",
                            Some("依法必须招标的项目提供中标通知书"),
                            Copy,
                            1,
                            Electronic,
                        ),
                        material("建设资金已落实承诺书", None, Original, 1, Paper),
                    ],
                ),
                notice_item(
                    "230100-ZJ-0034",
                    "建设工程消防设计审查",
                    zj,
                    15,
                    false,
                    vec![
                        material("建设工程消防设计审查申请表", None, Original, 1, Both),
                        material("消防设计文件", None, Original, 1, Electronic),
                        material(
                            "特殊消防设计技术资料",
                            Some("依法需进行特殊消防设计的"),
                            Original,
                            1,
                            Electronic,
                        ),
                    ],
                ),
                notice_item(
                    "230100-RF-0007",
                    "人民防空工程建设审批（结合民用建筑修建防空地下室）",
                    "哈尔滨市人民防空办公室",
                    10,
                    true,
                    vec![
                        material("防空地下室建设审批申请表", None, Original, 1, Both),
                        material("防空地下室施工图设计文件", None, Original, 1, Electronic),
                    ],
                ),
            ],
        },
        NoticeStageView {
            label: "第四阶段 竣工验收".into(),
            lead_department: zj.into(),
            items: vec![
                notice_item(
                    "230100-ZJ-0041",
                    "建设工程消防验收",
                    zj,
                    10,
                    false,
                    vec![
                        material("消防验收申请表", None, Original, 1, Both),
                        material("工程竣工验收报告", None, Copy, 1, Electronic),
                        material("涉及消防的建设工程竣工图纸", None, Original, 1, Electronic),
                    ],
                ),
                notice_item(
                    "230100-ZG-0022",
                    "建设工程规划核实",
                    zg,
                    10,
                    false,
                    vec![
                        material("规划核实申请表", None, Original, 1, Both),
                        material("竣工测量成果报告", None, Original, 1, Electronic),
                    ],
                ),
                notice_item(
                    "230100-ZJ-0045",
                    "房屋建筑和市政基础设施工程竣工验收备案",
                    zj,
                    5,
                    false,
                    vec![
                        material("竣工验收备案表", None, Original, 2, Both),
                        material("工程竣工验收报告", None, Copy, 1, Electronic),
                        material(
                            "住宅质量保证书和住宅使用说明书",
                            Some("商品住宅工程"),
                            Copy,
                            1,
                            Electronic,
                        ),
                    ],
                ),
            ],
        },
    ]
}

fn notes() -> Vec<String> {
    vec![
        "申报材料一次提交，同一材料在各事项间共享复用，已由审批部门核发的电子证照无需重复提交。".into(),
        "“视情形”材料仅在所列情形适用时提交；标注“可承诺”的事项经审批部门确认后可实行告知承诺制。".into(),
        "办理时限为法定工作日，自受理之日的次日起计算，公示、公告、听证、检验、监测等特别程序时间不计入。".into(),
        "可登录工程审批系统或扫描本告知单二维码查询办理进度，咨询请拨打综合窗口电话。".into(),
    ]
}

pub fn one_time_notice() -> OneTimeNoticeView {
    OneTimeNoticeView {
        notice_number: "GZD-2024-000318".into(),
        project: project(),
        flow_name: "社会投资房地产项目审批流程".into(),
        stages: housing_flow(),
        window: window(),
        operator: "李晓梅".into(),
        issued_on: date(2024, 9, 20),
        verification_code: "3HWN-8TQA".into(),
        qr_payload: "https://gcjs.harbin.gov.cn/verify/3HWN-8TQA".into(),
        notes: notes(),
    }
}

/// A one-time notice with `items` items of `materials` materials each (long-document tests).
pub fn one_time_notice_with(items: usize, materials: usize) -> OneTimeNoticeView {
    let mut v = one_time_notice();
    let per_stage = items.div_ceil(4).max(1);
    let mut n = 0;
    for (si, stage) in v.stages.iter_mut().enumerate() {
        stage.items.clear();
        while stage.items.len() < per_stage && n < items {
            n += 1;
            let mats = (0..materials)
                .map(|k| {
                    let cond = if k % 3 == 2 {
                        Some("涉及地下管线迁改、临时占用城市道路或绿地等情形的")
                    } else {
                        None
                    };
                    material(
                        &format!(
                            "第{n}项事项第{}份申报材料：建设工程相关技术文件及说明",
                            k + 1
                        ),
                        cond,
                        if k % 2 == 0 {
                            MaterialForm::Original
                        } else {
                            MaterialForm::Copy
                        },
                        1 + (k % 3) as u32,
                        Medium::Both,
                    )
                })
                .collect();
            stage.items.push(notice_item(
                &format!("230100-DM-{:04}", n),
                &format!("第{}阶段示例审批事项{n}", si + 1),
                "哈尔滨市住房和城乡建设局",
                (n % 20) as u32,
                n % 4 == 0,
                mats,
            ));
        }
    }
    v
}

pub fn acceptance_receipt() -> AcceptanceReceiptView {
    AcceptanceReceiptView {
        notice_number: "SL-2024-000731".into(),
        case: case_ref(),
        received_at: at(2024, 9, 27, 9, 42),
        accepted_at: at(2024, 9, 27, 14, 10),
        time_limit_days: 3,
        // Accepted Fri 27 Sep; the day of acceptance is not counted; 30 Sep, then the National
        // Day holiday (1-7 Oct), 8 and 9 Oct: due at the close of Tue 8 Oct.
        deadline: at(2024, 10, 8, 17, 0),
        deadline_note: None,
        commitment: false,
        materials: vec![
            ReceivedMaterialView {
                name: "建筑工程施工许可证申请表".into(),
                form: MaterialForm::Original,
                copies: 1,
            },
            ReceivedMaterialView {
                name: "建设工程规划许可证".into(),
                form: MaterialForm::Copy,
                copies: 1,
            },
            ReceivedMaterialView {
                name: "施工图设计文件审查合格书".into(),
                form: MaterialForm::Copy,
                copies: 1,
            },
            ReceivedMaterialView {
                name: "施工合同及中标通知书".into(),
                form: MaterialForm::Copy,
                copies: 1,
            },
            ReceivedMaterialView {
                name: "建设资金已落实承诺书".into(),
                form: MaterialForm::Original,
                copies: 1,
            },
        ],
        issuer: issuer(date(2024, 9, 27), "5RT8-2KMW"),
    }
}

pub fn correction_notice() -> CorrectionNoticeView {
    let issue = |m: &str, p: &str, r: &str| CorrectionIssueView {
        material: m.into(),
        problem: p.into(),
        reason: r.into(),
    };
    CorrectionNoticeView {
        notice_number: "BZ-2024-000112".into(),
        case: case_ref(),
        review: "综合窗口形式审查".into(),
        issues: vec![
            issue(
                "施工合同及中标通知书",
                "缺少",
                "未提交中标通知书。本项目属依法必须招标的项目，须提交中标通知书复印件并加盖建设单位公章。",
            ),
            issue(
                "建筑工程施工许可证申请表",
                "有误",
                "申请表中“合同工期”与施工合同约定不一致（申请表为720日历天，合同为680日历天），请核对后重新填写。",
            ),
            issue(
                "施工图设计文件审查合格书",
                "不符合要求",
                "上传文件为扫描件第1页，缺少审查机构签章页，请上传完整的合格书（含全部签章页）。",
            ),
            issue(
                "建设资金已落实承诺书",
                "有误",
                "承诺书未加盖建设单位公章，法定代表人未签字。",
            ),
        ],
        due_text: "请于2024年10月15日前通过工程审批系统一次性补正".into(),
        issuer: issuer(date(2024, 9, 25), "9BQX-4NVE"),
    }
}

pub fn not_accepted_notice() -> NotAcceptedNoticeView {
    NotAcceptedNoticeView {
        notice_number: "BYSL-2024-000019".into(),
        case: CaseRefView {
            item_code: "230100-SW-0012".into(),
            item_name: "城镇污水排入排水管网许可".into(),
            department: "哈尔滨市水务局".into(),
            ..case_ref()
        },
        received_at: at(2024, 9, 23, 10, 5),
        reasons: vec![
            "申请事项依法不属于本行政机关职权范围：项目位于松北区，排水许可由松北区水务部门实施。".into(),
            "申请人已就同一排水口取得有效的城镇污水排入排水管网许可证（编号 排字第2023-0871号），且有效期内未发生变更。".into(),
        ],
        legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（二）项；《城镇污水排入排水管网许可管理办法》第五条。".into(),
        remedy: "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。".into(),
        issuer: IssuerView { organisation: "哈尔滨市水务局".into(), ..issuer(date(2024, 9, 23), "2MDK-7HPC") },
    }
}

pub fn return_notice() -> ReturnNoticeView {
    ReturnNoticeView {
        notice_number: "TJ-2024-000045".into(),
        case: CaseRefView {
            item_code: "230100-ZJ-0034".into(),
            item_name: "建设工程消防设计审查".into(),
            ..case_ref()
        },
        accepted_at: at(2024, 9, 2, 10, 30),
        returned_at: at(2024, 9, 11, 15, 20),
        reasons: vec![
            "消防设计文件中地下车库防火分区面积超过《建筑设计防火规范》（GB 50016-2014，2018年版）第5.3.1条规定，需调整平面布置后重新设计。".into(),
            "消防车道及登高操作场地设计不满足规范要求，总平面图须重新报审。".into(),
            "特殊消防设计技术资料未提交专家评审意见。".into(),
        ],
        instructions: "问题较大，本次申请予以退件，相关材料已退回工程审批系统。请按上述意见修改消防设计文件后重新申请，已提交且无需修改的材料可直接复用。".into(),
        issuer: IssuerView { organisation: "哈尔滨市住房和城乡建设局".into(), operator: "赵明".into(), ..issuer(date(2024, 9, 11), "6JCT-3WFR") },
    }
}

pub fn completion_notice() -> CompletionNoticeView {
    CompletionNoticeView {
        notice_number: "BJ-2024-000688".into(),
        case: case_ref(),
        accepted_at: at(2024, 9, 27, 14, 10),
        completed_at: at(2024, 10, 8, 11, 35),
        outcome: "准予许可".into(),
        result_text: "已核发建筑工程施工许可证（电子证照）。".into(),
        time_limit_days: 3,
        working_days_used: 2,
        used_note: None,
        certificate_number: Some("230109202410080101".into()),
        issuer: IssuerView {
            organisation: "哈尔滨市住房和城乡建设局".into(),
            operator: "赵明".into(),
            ..issuer(date(2024, 10, 8), "8PLM-5RXA")
        },
    }
}

pub fn certificate() -> CertificateView {
    let line = |k: &str, v: &str| (k.to_string(), v.to_string());
    CertificateView {
        title: "建筑工程施工许可证".into(),
        certificate_number: "230109202410080101".into(),
        issuer: "哈尔滨市住房和城乡建设局".into(),
        holder: BUILDER.into(),
        holder_credit_code: CREDIT.into(),
        project_name: PROJECT_NAME.into(),
        project_code: PROJECT_CODE.into(),
        content: vec![
            line("建设地址", "哈尔滨市松北区利民大道与世茂大道交口东北侧"),
            line("建设规模", "86320.4平方米（1#—6#住宅楼及地下车库）"),
            line("合同价格", "32680.00万元"),
            line("勘察单位", "黑龙江省建筑设计研究院有限公司"),
            line("设计单位", "哈尔滨工业大学建筑设计研究院有限公司"),
            line("施工单位", "中建八局第一建设有限公司"),
            line("监理单位", "哈尔滨市建设工程监理有限公司"),
            line("合同工期", "680日历天"),
        ],
        issued_on: date(2024, 10, 8),
        valid_from: date(2024, 10, 8),
        valid_until: None,
        verification_code: "8PLM-5RXA".into(),
        qr_payload: "https://gcjs.harbin.gov.cn/verify/8PLM-5RXA".into(),
        notes: vec![
            "注：本证照为电子证照打印件，与纸质证照具有同等法律效力。".into(),
            "建设单位应当自领取施工许可证之日起三个月内开工；因故不能按期开工的，应当申请延期。"
                .into(),
        ],
    }
}

const PROJECTS: [(&str, &str, &str, &str); 4] = [
    (PROJECT_CODE, PROJECT_NAME, BUILDER, WORKS),
    (
        "2024-230102-47-01-004417",
        "哈尔滨市道里区群力第七大道小学新建项目",
        "哈尔滨市道里区教育局",
        "教学楼及风雨操场",
    ),
    (
        "2024-230110-34-03-009925",
        "哈尔滨新区智能装备产业园标准化厂房项目",
        "哈尔滨新区智能装备产业投资有限公司",
        "1#—4#厂房",
    ),
    (
        "2023-230104-59-03-021108",
        "哈尔滨市道外区冷链物流仓储中心项目",
        "黑龙江北冷物流有限公司",
        "冷库及分拣中心",
    ),
];

const ITEMS: [(&str, &str, &str); 4] = [
    ("建筑工程施工许可证核发", "哈尔滨市住房和城乡建设局", "ZJ"),
    ("建设工程规划许可证核发", "哈尔滨市自然资源和规划局", "ZG"),
    ("建设工程消防设计审查", "哈尔滨市住房和城乡建设局", "ZJ"),
    ("城镇污水排入排水管网许可", "哈尔滨市水务局", "SW"),
];

const UTILITIES: [(&str, &str); 4] = [
    ("供水报装", "哈尔滨供水集团有限责任公司"),
    ("供电报装", "国网哈尔滨供电公司"),
    ("燃气报装", "哈尔滨中庆燃气有限责任公司"),
    ("供热报装", "哈尔滨市热力集团有限公司"),
];

const SERVICES: [(&str, &str, &str); 4] = [
    (
        "哈尔滨市自然资源和规划局",
        "工程规划测量（放线）",
        "哈尔滨市测绘院有限公司",
    ),
    (
        "哈尔滨市住房和城乡建设局",
        "施工图设计文件审查",
        "黑龙江省建设工程施工图审查中心",
    ),
    (
        "哈尔滨市生态环境局",
        "建设项目环境影响评价",
        "黑龙江省环境科学研究院",
    ),
    (
        "哈尔滨市住房和城乡建设局",
        "建设工程质量检测",
        "哈尔滨市建设工程质量检测中心",
    ),
];

/// `n` rows of a statistics table, varied but deterministic.
pub fn statistics_rows(table: StatisticsTable, n: usize) -> Vec<Vec<CellValue>> {
    use CellValue::*;
    let t0 = at(2024, 7, 1, 9, 0);
    (0..n)
        .map(|i| {
            let (code, name, builder, works) = PROJECTS[i % PROJECTS.len()];
            let start = t0
                + chrono::Duration::hours((i as i64 * 37) % 2000)
                + chrono::Duration::days((i / 40) as i64 % 60);
            let t = |h: i64| DateTime(start + chrono::Duration::hours(h));
            let seq = Int(i as i64 + 1);
            match table {
                StatisticsTable::One | StatisticsTable::Two | StatisticsTable::Three => {
                    let (item, dept, tag) = if table == StatisticsTable::Three {
                        let (u, d) = UTILITIES[i % UTILITIES.len()];
                        (u, d, "SZ")
                    } else {
                        ITEMS[(i / 2) % ITEMS.len()]
                    };
                    let mut row = vec![
                        seq,
                        Text(code.into()),
                        Text(name.into()),
                        Text(builder.into()),
                        Text(works.into()),
                        Text(format!("230100-{tag}-{:04}", 20 + i % 30)),
                        Text(dept.into()),
                        Text(item.into()),
                    ];
                    match table {
                        StatisticsTable::One => row.extend([
                            t(0),
                            YesNo(i % 5 == 0),
                            t(2),
                            t(26),
                            YesNo(i % 3 == 0),
                            t(98),
                            Text("有".into()),
                            Text(format!("2301092024{:08}", i + 1)),
                            Text("已上传".into()),
                            Text(
                                if i % 4 == 0 {
                                    "系统对接"
                                } else {
                                    "系统直办"
                                }
                                .into(),
                            ),
                        ]),
                        StatisticsTable::Three => row.extend([
                            t(0),
                            t(1),
                            t(20),
                            t(120),
                            Text("有".into()),
                            Text("已上传".into()),
                            Text(if i % 2 == 0 {
                                format!("报装确认单-{:06}", i + 1)
                            } else {
                                "无".into()
                            }),
                            Text(
                                if i % 3 == 0 {
                                    "系统对接"
                                } else {
                                    "系统直办"
                                }
                                .into(),
                            ),
                        ]),
                        _ => {
                            let involved = i % 2 == 0;
                            row.push(YesNo(involved));
                            for p in 0..7 {
                                if involved && (i + p) % 3 == 0 {
                                    let s = 24 * (p as i64 + 1);
                                    row.extend([YesNo(true), t(s), t(s + 30), YesNo(true)]);
                                } else {
                                    row.extend([YesNo(false), Empty, Empty, Empty]);
                                }
                            }
                        }
                    }
                    row
                }
                StatisticsTable::Four => {
                    let (dept, service, agency) = SERVICES[i % SERVICES.len()];
                    vec![
                        seq,
                        Text(dept.into()),
                        Text(service.into()),
                        Text(agency.into()),
                        t(0),
                        t(240),
                        YesNo(i % 6 != 5),
                        Text(code.into()),
                        Text(name.into()),
                        Text(builder.into()),
                        Text(works.into()),
                    ]
                }
            }
        })
        .collect()
}

pub fn statistics(table: StatisticsTable, rows: usize) -> StatisticsTableView {
    StatisticsTableView {
        table,
        scope: "统计期间：2024-07-01 至 2024-09-30　部门：全部".into(),
        compiled_by: "哈尔滨市工程建设项目审批制度改革工作领导小组办公室".into(),
        generated_at: at(2024, 10, 8, 16, 30),
        rows: statistics_rows(table, rows),
    }
}

/// The four seed tables computed by the domain's statistics over its fixed sample (6 projects,
/// 17 cases across 国庆 2024), as the reform office would print them.
pub fn computed_statistics() -> Result<Vec<StatisticsTableView>, RenderError> {
    use permitdesk_domain::calendar::WorkingCalendar;
    use permitdesk_domain::clock::{LegalClock, OfficeHours};
    use permitdesk_domain::statistics::{SeedTable, Statistics, TableFilter, sample};
    let data = sample::fixed().map_err(|e| RenderError::View(e.to_string()))?;
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let stats = Statistics::compute(
        &data.catalogue,
        &data.projects,
        &data.cases,
        &clock,
        data.as_of,
    )
    .map_err(|e| RenderError::View(e.to_string()))?;
    let compiled_by = "哈尔滨市工程建设项目审批制度改革工作领导小组办公室";
    Ok([
        SeedTable::One,
        SeedTable::Two,
        SeedTable::Three,
        SeedTable::Four,
    ]
    .into_iter()
    .map(|t| {
        crate::from_statistics::table_view(
            &stats.table(t, &TableFilter::default()),
            compiled_by,
            data.as_of,
        )
    })
    .collect())
}

/// Every demo document, with the file names of issue 4 (the CLI writes them to `--out DIR`).
pub fn all_documents() -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    // The case and project papers come from the scenario played through the real domain; the
    // statistics tables from the fixtures until the statistics module computes them.
    let scenario = crate::scenario::scenario().map_err(|e| RenderError::View(e.to_string()))?;
    let mut out = crate::scenario::papers(&scenario)?;
    let tables = computed_statistics()?;
    for (n, view) in (1..).zip(&tables) {
        out.push((
            format!("statistics-table-{n}.pdf"),
            crate::render_statistics_pdf(view)?,
        ));
    }
    for (n, view) in (1..).zip(&tables) {
        out.push((
            format!("statistics-table-{n}.xlsx"),
            crate::statistics_xlsx(view)?,
        ));
        out.push((
            format!("statistics-table-{n}.csv"),
            crate::statistics_csv(view),
        ));
    }
    Ok(out)
}

//! The documents themselves: one function per paper, each laying out its view on A4 with the
//! conventions of Chinese government forms (centred bold title, boxed tables, stamp box, date).

use crate::canvas::{Align, Cell, Doc, HeaderCell, Orientation, Table};
use crate::error::RenderError;
use crate::fonts::fonts;
use crate::statistics::HeaderColumn;
use crate::views::*;
use chrono::{Datelike, NaiveDate};

const MM: f32 = 72.0 / 25.4;
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;
const NOTICE_WEIGHTS: [f32; 7] = [0.55, 3.0, 0.8, 1.1, 0.55, 1.15, 2.0];
const SYSTEM: &str = "哈尔滨市工程建设项目审批管理系统";

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A deadline as printed: with its provisional mark when a year's holiday table was missing
/// ("…（暂定：缺少 2027 年节假日安排，以国务院公布的节假日安排为准）").
fn deadline_text(t: LocalTime, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{}（{note}，以国务院公布的节假日安排为准）", cn_time(t)),
        None => cn_time(t),
    }
}

fn cn_time(t: LocalTime) -> String {
    t.format("%Y年%m月%d日 %H:%M").to_string()
}

fn amount(v: f64) -> String {
    format!("{v:.2}")
}

fn days(n: u32) -> String {
    if n == 0 {
        "即办".to_string()
    } else {
        format!("{n}个工作日")
    }
}

/// `text` centred across the printable width at `y`.
fn centred(doc: &mut Doc, y: f32, text: &str, size: f32, bold: bool) {
    let (l, w) = (doc.left, doc.content_width());
    doc.text_aligned(l, w, y, text, size, bold, Align::Center);
}

/// A body-size line at `y`, right-aligned 4 mm inside the printable width.
fn right_line(doc: &mut Doc, y: f32, text: &str) {
    let (l, w) = (doc.left, doc.content_width());
    doc.text_aligned(l, w - 4.0 * MM, y, text, BODY, false, Align::Right);
}

/// A dashed square of `side` at (`x`, `y`) where a red stamp goes, with `label` centred in it
/// at `label_y`.
fn stamp_box(doc: &mut Doc, x: f32, y: f32, side: f32, label_y: f32, label: &str) {
    doc.dashed_box(x, y, side);
    doc.text_aligned(x, side, label_y, label, 7.0, false, Align::Center);
}

/// A form row of two labelled values.
fn pair(k1: &str, v1: impl Into<String>, k2: &str, v2: impl Into<String>) -> Vec<Cell> {
    vec![
        Cell::label(k1),
        Cell::new(v1),
        Cell::label(k2),
        Cell::new(v2),
    ]
}

/// A form row of one labelled value across the other three columns.
fn wide(k: &str, v: impl Into<String>) -> Vec<Cell> {
    vec![Cell::label(k), Cell::new(v).span(3)]
}

/// A row of label cells (a table's column names).
fn labels(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|h| Cell::label(*h)).collect()
}

/// Centred bold title with an optional document number line under it, and the QR code with its
/// verification code in the top-right corner.
fn title_block(
    doc: &mut Doc,
    title: &str,
    number: &str,
    qr: Option<(&str, &str)>,
) -> Result<(), RenderError> {
    doc.check("标题", title)?;
    doc.check("编号", number)?;
    let top = doc.y;
    if let Some((payload, code)) = qr {
        doc.check("核验码", code)?;
        let side = 22.0 * MM;
        let x = doc.right - side;
        doc.qr(x, top - 3.0 * MM, side, payload)?;
        let label = format!("核验码 {code}");
        doc.text_aligned(
            x - 6.0 * MM,
            side + 12.0 * MM,
            top - 3.0 * MM + side,
            &label,
            7.0,
            false,
            Align::Center,
        );
    }
    let size = 18.0;
    let y = doc.y + 4.0;
    centred(doc, y, title, size, true);
    doc.y = y + size * 1.9;
    if !number.is_empty() {
        let y = doc.y;
        centred(doc, y, number, SMALL, false);
        doc.y += SMALL * 1.6;
    }
    // Leave the QR code room before the first table.
    if qr.is_some() {
        doc.y = doc.y.max(top + 23.0 * MM);
    }
    doc.gap(2.0);
    Ok(())
}

fn section(name: &str, span: usize) -> Vec<Cell> {
    let mut c = Cell::label(name).span(span);
    c.align = Align::Left;
    c.fill = Some(0.85);
    vec![c]
}

fn form_table(name: &str, weights: &[f32], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        name: name.to_string(),
        weights: weights.to_vec(),
        header: Vec::new(),
        rows,
        size: SMALL,
    }
}

/// The stamp block: who signs on the left, the organisation's stamp box and the date on the right.
fn sign_block(
    doc: &mut Doc,
    left: &[String],
    stamp_label: &str,
    date: &str,
) -> Result<(), RenderError> {
    for l in left {
        doc.check("签字栏", l)?;
    }
    doc.check("盖章栏", stamp_label)?;
    let h = 36.0 * MM;
    doc.keep(h + 4.0);
    let top = doc.y;
    let (l, w) = (doc.left, doc.content_width());
    let half = w * 0.5;
    doc.rect(l, top, half, h, None, Some(0.6));
    doc.rect(l + half, top, w - half, h, None, Some(0.6));
    let mut y = top + 8.0 * MM;
    for line in left {
        doc.text(l + 4.0 * MM, y, line, BODY, false);
        let x1 = l + 4.0 * MM + doc.width_of(line, BODY, false);
        doc.hline(x1 + 2.0, l + half - 6.0 * MM, y + BODY * 1.1, 0.5);
        y += 11.0 * MM;
    }
    doc.text(l + half + 4.0 * MM, top + 4.0 * MM, stamp_label, BODY, true);
    // The area for the seal (盖章处): a dashed square where the red stamp goes.
    let side = 20.0 * MM;
    let sx = l + half + (w - half - side) / 2.0;
    let sy = top + 7.0 * MM;
    stamp_box(doc, sx, sy, side, sy + side / 2.0 - 4.0, "（盖章处）");
    doc.text_aligned(
        l + half,
        w - half - 6.0 * MM,
        top + h - 8.0 * MM,
        date,
        BODY,
        false,
        Align::Right,
    );
    doc.y = top + h + 4.0;
    Ok(())
}

/// A notice's closing: issuing organisation and date at the right, above a stamp box.
fn issuer_block(doc: &mut Doc, issuer: &IssuerView) -> Result<(), RenderError> {
    doc.check("发文单位", &issuer.organisation)?;
    doc.check("经办人", &issuer.operator)?;
    doc.check("联系电话", &issuer.phone)?;
    let h = 36.0 * MM;
    doc.keep(h);
    let top = doc.y + 4.0 * MM;
    let side = 26.0 * MM;
    let sx = doc.right - 6.0 * MM - side - 14.0 * MM;
    stamp_box(doc, sx, top, side, top + 1.5 * MM, "（印章）");
    right_line(doc, top + 6.0 * MM, &issuer.organisation);
    right_line(doc, top + 13.0 * MM, &cn_date(issuer.issued_on));
    let r = doc.left;
    let contact = format!("经办人：{}　　联系电话：{}", issuer.operator, issuer.phone);
    doc.text(r, top + 20.0 * MM, &contact, SMALL, false);
    doc.y = top + side + 4.0 * MM;
    Ok(())
}

fn body(doc: &mut Doc, field: &str, text: &str) -> Result<(), RenderError> {
    doc.paragraph(field, &format!("　　{text}"), BODY, false, Align::Left)?;
    doc.gap(2.0);
    Ok(())
}

fn addressee(doc: &mut Doc, name: &str) -> Result<(), RenderError> {
    doc.paragraph("申请人", &format!("{name}："), BODY, false, Align::Left)?;
    doc.gap(2.0);
    Ok(())
}

fn case_table(case: &CaseRefView, extra: Vec<(String, String)>) -> Table {
    let mut rows = vec![
        pair(
            "办件编号",
            &case.case_number,
            "项目代码",
            &case.project_code,
        ),
        wide("项目名称", &case.project_name),
        wide("申请人", &case.applicant),
        wide("工程名称", &case.works_name),
        wide(
            "申请事项",
            format!("{}（{}）", case.item_name, case.item_code),
        ),
        wide("审批部门", &case.department),
    ];
    for pair in extra.chunks(2) {
        let mut row = Vec::new();
        for (k, v) in pair {
            row.push(Cell::label(k.clone()));
            row.push(Cell::new(v.clone()).span(if pair.len() == 1 { 3 } else { 1 }));
        }
        rows.push(row);
    }
    form_table("办件信息", &[1.2, 2.3, 1.2, 2.3], rows)
}

/// The case's table with `extra` rows, then the closing paragraph `text`.
fn case_and_closing(
    doc: &mut Doc,
    case: &CaseRefView,
    extra: Vec<(String, String)>,
    field: &str,
    text: &str,
) -> Result<(), RenderError> {
    doc.table(&case_table(case, extra))?;
    doc.gap(4.0);
    body(doc, field, text)
}

fn new_doc(orientation: Orientation, header: &str) -> Result<Doc, RenderError> {
    Ok(Doc::new(fonts()?, orientation, header))
}

/// 工程建设项目审批事项申请表.
pub fn render_application_form(v: &ApplicationFormView) -> Result<Vec<u8>, RenderError> {
    let mut doc = new_doc(
        Orientation::Portrait,
        &format!("{SYSTEM}　申请表编号：{}", v.form_number),
    )?;
    title_block(
        &mut doc,
        "工程建设项目审批事项申请表",
        &format!(
            "申请表编号：{}　　申请日期：{}",
            v.form_number,
            cn_date(v.applied_on)
        ),
        Some((&v.qr_payload, &v.verification_code)),
    )?;
    let p = &v.project;
    let w4 = [1.25, 2.25, 1.25, 2.25];
    doc.table(&form_table(
        "项目信息",
        &w4,
        vec![
            section("一、项目信息", 4),
            wide("项目名称", &p.name),
            pair("项目代码", &p.code, "项目分类", &p.category),
            wide("建设单位", &p.builder),
            pair(
                "统一社会信用代码",
                &p.credit_code,
                "法定代表人",
                &p.legal_representative,
            ),
            wide("建设地点", &p.location),
            pair(
                "投资类型",
                &p.investment_type,
                "总投资（万元）",
                amount(p.investment_wan_yuan),
            ),
            pair(
                "用地面积（㎡）",
                amount(p.land_area_m2),
                "总建筑面积（㎡）",
                amount(p.floor_area_m2),
            ),
            wide("建设规模及内容", &p.scale),
            section("二、工程信息", 4),
            pair("工程名称", &v.works.name, "工程编号", &v.works.code),
            pair(
                "建筑面积（㎡）",
                amount(v.works.floor_area_m2),
                "审批阶段",
                &v.stage,
            ),
            wide("建设内容", &v.works.content),
            section("三、联系人", 4),
            vec![
                Cell::label("类别"),
                Cell::label("姓名"),
                Cell::label("联系电话"),
                Cell::label("身份证号"),
            ],
        ],
    ))?;
    let contacts: Vec<Vec<Cell>> = v
        .contacts
        .iter()
        .map(|c| {
            vec![
                Cell::new(&c.role).center(),
                Cell::new(&c.name).center(),
                Cell::new(&c.phone).center(),
                Cell::new(&c.id_number).center(),
            ]
        })
        .collect();
    doc.table(&form_table("联系人", &w4, contacts))?;
    let mut items = vec![
        section("四、申请事项", 7),
        labels(&[
            "序号",
            "事项编码",
            "事项名称",
            "审批部门",
            "事项类型",
            "法定时限",
            "告知承诺",
        ]),
    ];
    for (i, it) in v.items.iter().enumerate() {
        items.push(vec![
            Cell::new((i + 1).to_string()).center(),
            Cell::new(&it.code),
            Cell::new(&it.name),
            Cell::new(&it.department),
            Cell::new(&it.kind).center(),
            Cell::new(days(it.time_limit_days)).center(),
            Cell::new(if it.commitment { "是" } else { "否" }).center(),
        ]);
    }
    doc.table(&form_table(
        "申请事项",
        &[0.6, 1.6, 2.6, 1.8, 1.1, 1.1, 0.9],
        items,
    ))?;
    doc.table(&form_table(
        "申请人承诺",
        &[1.0],
        vec![
            section("五、申请人承诺", 1),
            vec![Cell::new(format!("　　{}", v.commitment_text))],
        ],
    ))?;
    sign_block(
        &mut doc,
        &[
            "法定代表人（签字）：".to_string(),
            "经办人（签字）：".to_string(),
        ],
        "建设单位（盖章）",
        "　　　　年　　月　　日",
    )?;
    doc.paragraph(
        "说明",
        "说明：本表由系统根据申请信息自动生成，请加盖建设单位公章后扫描上传；扫描二维码或在系统中输入核验码可核验本表真伪。",
        7.5,
        false,
        Align::Left,
    )?;
    doc.finish(
        &format!("工程建设项目审批事项申请表 {}", v.form_number),
        v.applied_on.and_time(chrono::NaiveTime::MIN),
    )
}

/// 一次性告知单.
pub fn render_one_time_notice(v: &OneTimeNoticeView) -> Result<Vec<u8>, RenderError> {
    let mut doc = new_doc(
        Orientation::Portrait,
        &format!("{SYSTEM}　告知单编号：{}", v.notice_number),
    )?;
    title_block(
        &mut doc,
        "工程建设项目审批一次性告知单",
        &format!(
            "编号：{}　　告知日期：{}",
            v.notice_number,
            cn_date(v.issued_on)
        ),
        Some((&v.qr_payload, &v.verification_code)),
    )?;
    let p = &v.project;
    doc.table(&form_table(
        "项目信息",
        &[1.2, 2.3, 1.2, 2.3],
        vec![
            wide("项目名称", &p.name),
            pair("项目代码", &p.code, "项目分类", &p.category),
            wide("建设单位", &p.builder),
            wide("审批流程", &v.flow_name),
        ],
    ))?;
    doc.gap(6.0);
    body(
        &mut doc,
        "告知",
        &format!(
            "{}：根据《哈尔滨市工程建设项目全流程在线审批管理规程（试行）》，现将贵单位本项目所需办理的审批事项、办理部门、办理时限及申报材料一次性告知如下。标注“承诺”的事项可实行告知承诺制办理。",
            p.builder
        ),
    )?;
    let mut total_items = 0;
    let mut total_materials = 0;
    for stage in &v.stages {
        doc.keep(BODY * 5.0);
        doc.gap(4.0);
        doc.paragraph(
            "阶段",
            &format!("{}（牵头部门：{}）", stage.label, stage.lead_department),
            12.0,
            true,
            Align::Left,
        )?;
        doc.gap(2.0);
        for item in &stage.items {
            total_items += 1;
            let mark = if item.commitment_allowed {
                "　【可承诺】"
            } else {
                ""
            };
            let head = format!("{}（{}）{}", item.name, item.code, mark);
            let title_rows = vec![
                vec![
                    Cell::label(format!("{total_items}")),
                    {
                        let mut c = Cell::new(head).span(3);
                        c.bold = true;
                        c.fill = Some(0.93);
                        c
                    },
                    Cell::label("办理时限"),
                    Cell::new(days(item.time_limit_days)).span(2).center(),
                ],
                vec![Cell::label("部门"), Cell::new(&item.department).span(6)],
            ];
            let mut rows = Vec::new();
            for (i, m) in item.materials.iter().enumerate() {
                total_materials += 1;
                let (req, cond) = match &m.requirement {
                    Requirement::Required => ("必要", String::new()),
                    Requirement::Conditional { condition } => ("视情形", condition.clone()),
                };
                rows.push(vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&m.name),
                    Cell::new(req).center(),
                    Cell::new(m.form.label()).center(),
                    Cell::new(m.copies.to_string()).center(),
                    Cell::new(m.medium.label()).center(),
                    Cell::new(cond),
                ]);
            }
            // Keep an item's heading with its first materials; the material header repeats
            // on every page the list continues on.
            doc.keep(SMALL * 11.0);
            doc.table(&form_table("告知事项", &NOTICE_WEIGHTS, title_rows))?;
            doc.table(&Table {
                name: "告知事项".into(),
                weights: NOTICE_WEIGHTS.to_vec(),
                header: vec![
                    [
                        "序号",
                        "材料名称",
                        "要求",
                        "形式",
                        "份数",
                        "载体",
                        "适用情形",
                    ]
                    .iter()
                    .map(|h| HeaderCell::new(*h, 1, 1))
                    .collect(),
                ],
                rows,
                size: SMALL,
            })?;
            doc.gap(4.0);
        }
    }
    doc.gap(2.0);
    body(
        &mut doc,
        "合计",
        &format!("本告知单共列审批事项 {total_items} 项、申报材料 {total_materials} 项。"),
    )?;
    doc.paragraph("温馨提示", "温馨提示：", BODY, true, Align::Left)?;
    for (i, n) in v.notes.iter().enumerate() {
        doc.hanging("温馨提示", &format!("{}.", i + 1), n, BODY, 6.0)?;
    }
    doc.gap(4.0);
    doc.table(&form_table(
        "综合窗口",
        &[1.2, 2.3, 1.2, 2.3],
        vec![
            wide("综合窗口", &v.window.name),
            wide("地址", &v.window.address),
            pair("咨询电话", &v.window.phone, "办公时间", &v.window.hours),
            pair("经办人", &v.operator, "告知日期", cn_date(v.issued_on)),
        ],
    ))?;
    doc.gap(4.0);
    sign_block(
        &mut doc,
        &["申请人签收：".to_string(), "签收日期：".to_string()],
        "综合窗口（盖章）",
        &cn_date(v.issued_on),
    )?;
    doc.finish(
        &format!("一次性告知单 {}", v.notice_number),
        v.issued_on.and_time(chrono::NaiveTime::MIN),
    )
}

/// The parts every notice's view has.
trait NoticeParts {
    fn number(&self) -> &str;
    fn issuer(&self) -> &IssuerView;
    fn case(&self) -> &CaseRefView;
}

macro_rules! notice_parts {
    ($($view:ty),* $(,)?) => {$(
        impl NoticeParts for $view {
            fn number(&self) -> &str {
                &self.notice_number
            }
            fn issuer(&self) -> &IssuerView {
                &self.issuer
            }
            fn case(&self) -> &CaseRefView {
                &self.case
            }
        }
    )*};
}

notice_parts!(
    AcceptanceReceiptView,
    CorrectionNoticeView,
    NotAcceptedNoticeView,
    ReturnNoticeView,
    CompletionNoticeView,
);

/// The notice `v` to its applicant: its title, the opening paragraph, what `draw` adds, then
/// the issuer's block.
fn notice(
    v: &impl NoticeParts,
    title: &str,
    opening: &str,
    draw: impl FnOnce(&mut Doc) -> Result<(), RenderError>,
) -> Result<Vec<u8>, RenderError> {
    let (issuer, applicant) = (v.issuer(), &v.case().applicant);
    let number = format!("编号：{}", v.number());
    let mut doc = new_doc(Orientation::Portrait, &format!("{SYSTEM}　{title}"))?;
    title_block(
        &mut doc,
        title,
        &number,
        Some((&issuer.qr_payload, &issuer.verification_code)),
    )?;
    addressee(&mut doc, applicant)?;
    body(&mut doc, "正文", opening)?;
    draw(&mut doc)?;
    issuer_block(&mut doc, issuer)?;
    doc.paragraph(
        "说明",
        "本文书由哈尔滨市工程建设项目审批管理系统生成，扫描二维码或输入核验码可核验真伪。",
        7.5,
        false,
        Align::Left,
    )?;
    doc.finish(
        &format!("{title} {number}"),
        issuer.issued_on.and_time(chrono::NaiveTime::MIN),
    )
}

fn numbered(doc: &mut Doc, field: &str, lines: &[String]) -> Result<(), RenderError> {
    for (i, l) in lines.iter().enumerate() {
        doc.hanging(field, &format!("{}.", i + 1), l, BODY, 8.0 * MM)?;
    }
    doc.gap(2.0);
    Ok(())
}

/// 受理通知书.
pub fn render_acceptance_receipt(v: &AcceptanceReceiptView) -> Result<Vec<u8>, RenderError> {
    let opening = format!(
        "贵单位于{}提交的“{}”申请，经形式审查，申请材料齐全、符合法定形式，本窗口已于{}予以受理{}。法定办理时限为{}，办结期限为{}（不含依法不计入时限的特别程序及申请人补正材料时间）。",
        cn_time(v.received_at),
        v.case.item_name,
        cn_time(v.accepted_at),
        if v.commitment {
            "（告知承诺制）"
        } else {
            ""
        },
        days(v.time_limit_days),
        deadline_text(v.deadline, v.deadline_note.as_deref())
    );
    notice(v, "受理通知书", &opening, |doc| {
        doc.table(&case_table(
            &v.case,
            vec![
                ("接件时间".into(), cn_time(v.received_at)),
                ("受理时间".into(), cn_time(v.accepted_at)),
                ("法定时限".into(), days(v.time_limit_days)),
                (
                    "办结期限".into(),
                    deadline_text(v.deadline, v.deadline_note.as_deref()),
                ),
            ],
        ))?;
        doc.gap(6.0);
        let mut rows = vec![labels(&["序号", "已收材料", "形式", "份数"])];
        for (i, m) in v.materials.iter().enumerate() {
            rows.push(vec![
                Cell::new((i + 1).to_string()).center(),
                Cell::new(&m.name),
                Cell::new(m.form.label()).center(),
                Cell::new(m.copies.to_string()).center(),
            ]);
        }
        doc.table(&form_table("已收材料", &[0.6, 4.4, 1.2, 0.8], rows))?;
        doc.gap(4.0);
        body(
            doc,
            "正文",
            "办理进度可登录工程审批系统，或扫描本通知书二维码查询。",
        )
    })
}

/// 补正告知书.
pub fn render_correction_notice(v: &CorrectionNoticeView) -> Result<Vec<u8>, RenderError> {
    let opening = format!(
        "贵单位申请的“{}”，经{}，申请材料存在下列问题，现一次性告知需补正的全部内容（共 {} 项）。{}。补正后请重新提交，逾期未补正的，视为撤回申请。",
        v.case.item_name,
        v.review,
        v.issues.len(),
        v.due_text
    );
    notice(v, "补正材料告知书", &opening, |doc| {
        doc.table(&case_table(&v.case, Vec::new()))?;
        doc.gap(6.0);
        let mut rows = vec![labels(&["序号", "材料名称", "问题", "补正要求及理由"])];
        for (i, it) in v.issues.iter().enumerate() {
            rows.push(vec![
                Cell::new((i + 1).to_string()).center(),
                Cell::new(&it.material),
                Cell::new(&it.problem).center(),
                Cell::new(&it.reason),
            ]);
        }
        doc.table(&form_table("补正清单", &[0.6, 2.4, 1.0, 3.6], rows))?;
        doc.gap(4.0);
        Ok(())
    })
}

/// 不予受理通知书.
pub fn render_not_accepted_notice(v: &NotAcceptedNoticeView) -> Result<Vec<u8>, RenderError> {
    let opening = format!(
        "贵单位于{}提交的“{}”申请，经审查，因下列原因，决定不予受理：",
        cn_time(v.received_at),
        v.case.item_name
    );
    notice(v, "不予受理通知书", &opening, |doc| {
        numbered(doc, "不予受理理由", &v.reasons)?;
        body(doc, "依据", &format!("依据：{}", v.legal_basis))?;
        let received = vec![("接件时间".into(), cn_time(v.received_at))];
        case_and_closing(doc, &v.case, received, "救济途径", &v.remedy)
    })
}

/// 退件通知书.
pub fn render_return_notice(v: &ReturnNoticeView) -> Result<Vec<u8>, RenderError> {
    let opening = format!(
        "贵单位申请的“{}”（受理时间：{}），经{}实质审查，存在下列问题，现予退件（退件时间：{}）：",
        v.case.item_name,
        cn_time(v.accepted_at),
        v.case.department,
        cn_time(v.returned_at)
    );
    notice(v, "退件通知书", &opening, |doc| {
        numbered(doc, "退件理由", &v.reasons)?;
        let times = vec![
            ("受理时间".into(), cn_time(v.accepted_at)),
            ("退件时间".into(), cn_time(v.returned_at)),
        ];
        case_and_closing(doc, &v.case, times, "说明", &v.instructions)
    })
}

/// 办结通知书.
pub fn render_completion_notice(v: &CompletionNoticeView) -> Result<Vec<u8>, RenderError> {
    let opening = format!(
        "贵单位申请的“{}”已于{}办结，办理结果：{}。{}",
        v.case.item_name,
        cn_time(v.completed_at),
        v.outcome,
        v.result_text
    );
    notice(v, "办结通知书", &opening, |doc| {
        let mut extra = vec![
            ("受理时间".to_string(), cn_time(v.accepted_at)),
            ("办结时间".to_string(), cn_time(v.completed_at)),
            ("法定时限".to_string(), days(v.time_limit_days)),
            (
                "实际用时".to_string(),
                match &v.used_note {
                    Some(note) => format!("{}个工作日（{note}）", v.working_days_used),
                    None => format!("{}个工作日", v.working_days_used),
                },
            ),
            ("办理结果".to_string(), v.outcome.clone()),
        ];
        extra.push((
            "电子证照编号".to_string(),
            v.certificate_number
                .clone()
                .unwrap_or_else(|| "无".to_string()),
        ));
        // A grant says where its certificate is; a denial is a decision the applicant may
        // contest, and says how (行政许可法第三十八条), never that a certificate was uploaded.
        let (field, closing) = match v.certificate_number {
            Some(_) => (
                "说明",
                "电子证照已上传工程审批系统，申请人可登录系统下载，各审批部门共享使用，无需再次提交。",
            ),
            None => ("救济途径", crate::from_domain::REMEDY),
        };
        case_and_closing(doc, &v.case, extra, field, closing)
    })
}

/// 电子证照 printout.
pub fn render_certificate(v: &CertificateView) -> Result<Vec<u8>, RenderError> {
    certificate(v, None)
}

/// The e-certificate as the server issues it: the red round seal with `legend` (the issuing
/// department's name) drawn where the printout leaves the seal's place, ready to be signed.
pub fn render_sealed_certificate(
    v: &CertificateView,
    legend: &str,
) -> Result<Vec<u8>, RenderError> {
    certificate(v, Some(legend))
}

fn certificate(v: &CertificateView, seal: Option<&str>) -> Result<Vec<u8>, RenderError> {
    let mut doc = new_doc(
        Orientation::Portrait,
        &format!("电子证照　{}", v.certificate_number),
    )?;
    // A double frame, as printed licences have.
    let (x, y) = (doc.left - 6.0 * MM, doc.top - 4.0 * MM);
    let (w, h) = (
        doc.content_width() + 12.0 * MM,
        doc.bottom - doc.top + 6.0 * MM,
    );
    doc.rect(x, y, w, h, None, Some(1.6));
    doc.rect(
        x + 2.0 * MM,
        y + 2.0 * MM,
        w - 4.0 * MM,
        h - 4.0 * MM,
        None,
        Some(0.5),
    );
    doc.gap(6.0 * MM);
    let y = doc.y;
    centred(&mut doc, y, "中华人民共和国", 14.0, true);
    doc.gap(10.0 * MM);
    doc.check("证照名称", &v.title)?;
    let ty = doc.y;
    centred(&mut doc, ty, &v.title, 24.0, true);
    doc.gap(14.0 * MM);
    doc.check("证照编号", &v.certificate_number)?;
    let number = format!("编号：{}", v.certificate_number);
    let ny = doc.y;
    centred(&mut doc, ny, &number, BODY, false);
    doc.gap(10.0 * MM);
    let mut rows = vec![
        vec![Cell::label("持证单位"), Cell::new(&v.holder)],
        vec![
            Cell::label("统一社会信用代码"),
            Cell::new(&v.holder_credit_code),
        ],
        vec![Cell::label("项目名称"), Cell::new(&v.project_name)],
        vec![Cell::label("项目代码"), Cell::new(&v.project_code)],
    ];
    for (k, val) in &v.content {
        rows.push(vec![Cell::label(k.clone()), Cell::new(val.clone())]);
    }
    let validity = match v.valid_until {
        Some(u) => format!("{} 至 {}", cn_date(v.valid_from), cn_date(u)),
        None => format!("自 {} 起长期有效", cn_date(v.valid_from)),
    };
    rows.push(vec![Cell::label("有效期"), Cell::new(validity)]);
    let mut t = form_table("证照内容", &[1.3, 4.0], rows);
    t.size = BODY;
    doc.table(&t)?;
    doc.gap(6.0 * MM);
    for n in &v.notes {
        doc.paragraph("附注", n, SMALL, false, Align::Left)?;
    }
    doc.keep(40.0 * MM);
    let top = doc.y + 4.0 * MM;
    let side = 26.0 * MM;
    doc.qr(doc.left, top, side, &v.qr_payload)?;
    doc.check("核验码", &v.verification_code)?;
    doc.text(
        doc.left,
        top + side + 1.0,
        &format!("核验码 {}", v.verification_code),
        7.5,
        false,
    );
    doc.check("发证机关", &v.issuer)?;
    right_line(&mut doc, top + 6.0 * MM, &format!("发证机关：{}", v.issuer));
    let issued = format!("发证日期：{}", cn_date(v.issued_on));
    right_line(&mut doc, top + 14.0 * MM, &issued);
    let sx = doc.right - 4.0 * MM - side - 10.0 * MM;
    if seal.is_none() {
        stamp_box(
            &mut doc,
            sx,
            top - 2.0 * MM,
            side,
            top + 20.0 * MM,
            "（电子印章）",
        );
    }
    let pdf = doc.finish(
        &format!("{} {}", v.title, v.certificate_number),
        v.issued_on.and_time(chrono::NaiveTime::MIN),
    )?;
    match seal {
        // Over the issuer's lines, as a stamped seal sits on the signature block.
        Some(legend) => crate::seal::stamp(
            &pdf,
            crate::seal::SealPlace {
                cx: sx + side / 2.0,
                cy: top - 2.0 * MM + side / 2.0,
                r: 20.0 * MM,
            },
            legend,
        ),
        None => Ok(pdf),
    }
}

/// One statistics table of seed 11 as a landscape A4 PDF.
pub fn render_statistics_pdf(v: &StatisticsTableView) -> Result<Vec<u8>, RenderError> {
    let t = v.table;
    let mut doc = new_doc(Orientation::Landscape, &format!("{SYSTEM}　{}", t.title()))?;
    doc.check("标题", t.title())?;
    let y = doc.y;
    centred(&mut doc, y, t.title(), 15.0, true);
    doc.y += 15.0 * 1.8;
    let generated = v.generated_at.format("%Y-%m-%d %H:%M");
    let meta = format!(
        "{}　　制表单位：{}　　制表时间：{generated}",
        v.scope, v.compiled_by
    );
    doc.paragraph("统计范围", &meta, SMALL, false, Align::Left)?;
    doc.gap(2.0);
    let header = t.header();
    let two_rows = t.has_groups();
    let mut top = Vec::new();
    let mut second = Vec::new();
    let mut weights = Vec::new();
    for col in &header {
        match col {
            HeaderColumn::Single { name, width } => {
                top.push(HeaderCell::new(*name, 1, if two_rows { 2 } else { 1 }));
                weights.push(*width);
            }
            HeaderColumn::Group { name, subs } => {
                top.push(HeaderCell::new(*name, subs.len(), 1));
                for (s, w) in subs {
                    second.push(HeaderCell::new(*s, 1, 1));
                    weights.push(*w);
                }
            }
        }
    }
    let mut header_rows = vec![top];
    if two_rows {
        header_rows.push(second);
    }
    let size = if weights.len() > 20 { 5.5 } else { 7.0 };
    let rows: Vec<Vec<Cell>> = v
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    let cell = Cell::new(c.display());
                    match c {
                        CellValue::Text(_) => cell,
                        _ => cell.center(),
                    }
                })
                .collect()
        })
        .collect();
    doc.table(&Table {
        name: t.title().to_string(),
        weights,
        header: header_rows,
        rows,
        size,
    })?;
    doc.gap(4.0);
    doc.paragraph(
        "合计",
        &format!("合计：{} 条", v.rows.len()),
        SMALL,
        false,
        Align::Left,
    )?;
    doc.finish(t.title(), v.generated_at)
}

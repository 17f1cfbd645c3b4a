//! What the printed documents say: every required field copies out of each PDF, the fonts are
//! embedded as subsets, long notices lose nothing, rare characters print or are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use permitdesk_documents::views::*;
use permitdesk_documents::*;

fn check(name: &str, pdf: &[u8], fields: &[&str]) {
    let text = text_of(pdf, name);
    for f in fields {
        assert!(text.contains(&squeeze(f)), "{name} lacks {f:?}\n{text}");
    }
}

#[test]
fn each_document_carries_its_required_fields() {
    let form = demo::application_form();
    check(
        "application-form.pdf",
        &render_application_form(&form).unwrap(),
        &[
            "工程建设项目审批事项申请表",
            "SQB-2024-000731",
            "7KQ2-M9XD",
            "2024年9月27日",
            "哈尔滨市松北区利民大道北住宅小区项目（一期）",
            "2024-230109-70-03-018263",
            "哈尔滨滨江置业有限公司",
            "91230109MA1B2C3D4B",
            "社会投资房地产项目",
            "1#—6#住宅楼及地下车库",
            "张海峰",
            "13904510123",
            "刘䶮",
            "建筑工程施工许可证核发",
            "230100-SW-0012",
            "哈尔滨市人民防空办公室",
            "3个工作日",
            "申请人承诺",
            "如有虚假，愿承担由此产生的一切法律责任",
            "建设单位（盖章）",
            "法定代表人（签字）",
            "经办人（签字）",
            "年　月　日",
            "第1页共1页",
        ],
    );
    let notice = demo::one_time_notice();
    let mut fields: Vec<String> = vec![
        "工程建设项目审批一次性告知单".into(),
        "GZD-2024-000318".into(),
        "社会投资房地产项目审批流程".into(),
        "3HWN-8TQA".into(),
        "2024年9月20日".into(),
        "【可承诺】".into(),
        "视情形".into(),
        "复印件".into(),
        "哈尔滨市工程建设项目综合受理窗口（市民大厦行政服务大厅）".into(),
        "0451-12345678".into(),
        "李晓梅".into(),
        "综合窗口（盖章）".into(),
    ];
    for s in &notice.stages {
        fields.push(s.label.clone());
        for i in &s.items {
            fields.extend([i.name.clone(), i.department.clone(), i.code.clone()]);
            fields.extend(i.materials.iter().map(|m| m.name.clone()));
        }
    }
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    check(
        "one-time-notice.pdf",
        &render_one_time_notice(&notice).unwrap(),
        &refs,
    );
    check(
        "acceptance-receipt.pdf",
        &render_acceptance_receipt(&demo::acceptance_receipt()).unwrap(),
        &[
            "受理通知书",
            "SL-2024-000731",
            "HRB-2024-SB-000731",
            "2024年09月27日 14:10",
            "3个工作日",
            "2024年10月08日 17:00",
            "建设资金已落实承诺书",
            "（印章）",
            "5RT8-2KMW",
        ],
    );
    let correction = demo::correction_notice();
    let mut fields = vec![
        "补正材料告知书".to_string(),
        "BZ-2024-000112".into(),
        "共4项".into(),
        "2024年10月15日".into(),
    ];
    for i in &correction.issues {
        fields.extend([i.material.clone(), i.problem.clone(), i.reason.clone()]);
    }
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    check(
        "correction-notice.pdf",
        &render_correction_notice(&correction).unwrap(),
        &refs,
    );
    let na = demo::not_accepted_notice();
    check(
        "not-accepted-notice.pdf",
        &render_not_accepted_notice(&na).unwrap(),
        &[
            "不予受理通知书",
            "BYSL-2024-000019",
            &na.reasons[0],
            &na.reasons[1],
            "行政许可法",
            "行政复议",
            "哈尔滨市水务局",
        ],
    );
    let rn = demo::return_notice();
    check(
        "return-notice.pdf",
        &render_return_notice(&rn).unwrap(),
        &[
            "退件通知书",
            "TJ-2024-000045",
            &rn.reasons[0],
            &rn.reasons[2],
            "2024年09月11日 15:20",
            "重新申请",
        ],
    );
    check(
        "completion-notice.pdf",
        &render_completion_notice(&demo::completion_notice()).unwrap(),
        &[
            "办结通知书",
            "BJ-2024-000688",
            "准予许可",
            "2个工作日",
            "230109202410080101",
            "2024年10月08日 11:35",
        ],
    );
    let cert = demo::certificate();
    let mut fields = vec![
        "建筑工程施工许可证".to_string(),
        "230109202410080101".into(),
        "发证机关：哈尔滨市住房和城乡建设局".into(),
        "91230109MA1B2C3D4B".into(),
        "8PLM-5RXA".into(),
        "自 2024年10月8日 起长期有效".into(),
        "发证日期：2024年10月8日".into(),
    ];
    for (k, v) in &cert.content {
        fields.extend([k.clone(), v.clone()]);
    }
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    check(
        "certificate.pdf",
        &render_certificate(&cert).unwrap(),
        &refs,
    );
}

#[test]
fn statistics_pdfs_repeat_the_seed_headers_on_every_page() {
    for t in StatisticsTable::ALL {
        let v = demo::statistics(t, 60);
        let pdf = render_statistics_pdf(&v).unwrap();
        let dir = scratch("stats");
        let path = dir.join(format!("t{}.pdf", t.number()));
        std::fs::write(&path, &pdf).unwrap();
        let p = path.to_string_lossy().to_string();
        let raw =
            String::from_utf8(tool("pdftotext", &["-raw", "-enc", "UTF-8", &p, "-"])).unwrap();
        let pages: Vec<String> = raw
            .split('\u{c}')
            .map(squeeze)
            .filter(|p| !p.is_empty())
            .collect();
        assert!(
            pages.len() >= 2,
            "table {} should need several pages",
            t.number()
        );
        let total = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("第{}页共{}页", i + 1, total)),
                "page {i} of table {}",
                t.number()
            );
            for (leaf, _) in t.leaf_columns() {
                let last = leaf.rsplit('-').next().unwrap();
                assert!(
                    page.contains(&squeeze(last)),
                    "table {} page {} lacks header {leaf}",
                    t.number(),
                    i + 1
                );
            }
        }
        let all: String = pages.concat();
        assert!(all.contains(&squeeze(t.title())));
        for row in &v.rows {
            if let CellValue::Text(s) = &row[2] {
                assert!(all.contains(&squeeze(s)));
            }
        }
        assert!(all.contains("合计：60条"));
    }
}

#[test]
fn fonts_are_embedded_as_subsets() {
    for (name, bytes) in demo::all_documents().unwrap() {
        if !name.ends_with(".pdf") {
            continue;
        }
        let out = fonts_of(&bytes, &name);
        let lines: Vec<&str> = out.lines().skip(2).collect();
        assert!(!lines.is_empty(), "{name} has no fonts");
        for l in lines {
            assert!(l.contains("CID TrueType"), "{name}: {l}");
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name type... encoding emb sub uni object ID
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{name}: {l}");
            assert!(
                cols[0].starts_with("PDNSC") && cols[0].contains('+'),
                "{name}: {l}"
            );
        }
    }
}

#[test]
fn a_long_notice_paginates_without_losing_a_line() {
    let v = demo::one_time_notice_with(60, 5);
    let count: usize = v
        .stages
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| i.materials.len())
        .sum();
    assert_eq!(count, 300);
    // Rendering succeeds only if no text lies outside the printable area (checked on finish).
    let pdf = render_one_time_notice(&v).unwrap();
    let text = text_of(&pdf, "long.pdf");
    for s in &v.stages {
        for i in &s.items {
            assert!(text.contains(&squeeze(&i.name)), "lost item {}", i.name);
            for m in &i.materials {
                assert!(text.contains(&squeeze(&m.name)), "lost material {}", m.name);
                if let Requirement::Conditional { condition } = &m.requirement {
                    assert!(text.contains(&squeeze(condition)));
                }
            }
        }
    }
    assert!(text.contains("申报材料300项"), "total line");
}

#[test]
fn rare_characters_print_or_are_refused_by_name() {
    // 䶮 (CJK Extension A, U+4DAE) is in Noto Sans SC: it prints and copies out.
    let mut form = demo::application_form();
    form.contacts[0].name = "刘䶮".into();
    let text = text_of(&render_application_form(&form).unwrap(), "rare.pdf");
    assert!(text.contains("刘䶮"));
    // 𠀾 (Extension B, U+2003E) is not: the renderer names it instead of printing a box.
    form.contacts[0].name = "王𠀾".into();
    let err = render_application_form(&form).unwrap_err();
    assert_eq!(
        err,
        RenderError::MissingGlyph {
            ch: '𠀾',
            codepoint: 0x2003E,
            field: "联系人".into()
        }
    );
    assert!(err.to_string().contains("U+2003E"));
    let mut notice = demo::one_time_notice();
    notice.project.builder = "哈尔滨𠀾建设有限公司".into();
    assert!(matches!(
        render_one_time_notice(&notice),
        Err(RenderError::MissingGlyph { ch: '𠀾', .. })
    ));
}

#[test]
fn identical_input_gives_identical_bytes() {
    let a = demo::all_documents().unwrap();
    let b = demo::all_documents().unwrap();
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between two renderings");
    }
}

#[test]
fn demo_set_has_the_file_names_of_issue_4() {
    let names: Vec<String> = demo::all_documents()
        .unwrap()
        .into_iter()
        .map(|d| d.0)
        .collect();
    let mut want = vec![
        "application-form.pdf",
        "one-time-notice.pdf",
        "acceptance-receipt.pdf",
        "correction-notice.pdf",
        "not-accepted-notice.pdf",
        "return-notice.pdf",
        "completion-notice.pdf",
        "certificate.pdf",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for n in 1..=4 {
        want.push(format!("statistics-table-{n}.pdf"));
    }
    for n in 1..=4 {
        want.push(format!("statistics-table-{n}.xlsx"));
        want.push(format!("statistics-table-{n}.csv"));
    }
    assert_eq!(names, want);
}

/// A deadline counted Monday to Friday for want of a year's holiday table is printed with its
/// mark, in the text and in the table: the applicant is never handed a provisional date as final.
#[test]
fn a_provisional_deadline_is_printed_as_provisional() {
    let mut v = demo::acceptance_receipt();
    v.deadline = v.accepted_at + chrono::Duration::days(100);
    v.deadline_note = Some("暂定：缺少 2027 年节假日安排".into());
    let text = text_of(
        &render_acceptance_receipt(&v).unwrap(),
        "receipt-provisional.pdf",
    );
    let mark = squeeze("暂定：缺少 2027 年节假日安排，以国务院公布的节假日安排为准");
    assert_eq!(text.matches(&mark).count(), 2, "{text}");
    let mut c = demo::completion_notice();
    c.used_note = Some("暂定：缺少 2027 年节假日安排".into());
    let text = text_of(
        &render_completion_notice(&c).unwrap(),
        "completion-provisional.pdf",
    );
    assert!(
        text.contains(&squeeze("2个工作日（暂定：缺少 2027 年节假日安排）")),
        "{text}"
    );
}

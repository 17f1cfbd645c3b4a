//! The reduced primary faces and the full fallback faces (issue 16, item 4): everyday papers embed
//! only the common faces and stay small; a character outside the common set still prints, from
//! a subset of the full face, with a real outline and copyable text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use permitdesk_documents::*;

/// Base font names of a PDF, as pdffonts lists them (`PDNSCR+NotoSansSC-Regular`, ...).
fn font_names(pdf: &[u8], name: &str) -> Vec<String> {
    fonts_of(pdf, name)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

/// The embedded font program (FontFile2) of the font whose BaseFont starts with `tag`.
fn font_program(pdf: &[u8], tag: &str) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
            continue;
        }
        let font_name = dict.get(b"FontName").unwrap().as_name().unwrap();
        if !font_name.starts_with(tag.as_bytes()) {
            continue;
        }
        let id = dict.get(b"FontFile2").unwrap().as_reference().unwrap();
        let stream = doc.get_object(id).unwrap().as_stream().unwrap();
        return stream.decompressed_content().unwrap();
    }
    panic!("no font {tag} in the PDF");
}

/// The embedded subset draws `ch` with a non-empty outline (not .notdef, not a blank).
fn assert_has_outline(program: &[u8], ch: char) {
    let face = ttf_parser::Face::parse(program, 0).unwrap();
    let gid = face
        .glyph_index(ch)
        .unwrap_or_else(|| panic!("the embedded subset has no glyph for {ch}"));
    assert_ne!(gid.0, 0, "{ch} maps to .notdef");
    let bbox = face
        .glyph_bounding_box(gid)
        .unwrap_or_else(|| panic!("the glyph of {ch} is empty"));
    assert!(bbox.width() > 100 && bbox.height() > 100, "{ch}: {bbox:?}");
}

#[test]
fn a_rare_character_prints_from_the_full_face() {
    // 龑 (U+9F91) and 𠂇 (U+20087, Extension B) are in Noto Sans SC but neither in
    // 通用规范汉字表 nor in GB 2312, so not in the common face.
    let mut form = demo::application_form();
    form.contacts[0].name = "刘龑𠂇".into();
    let pdf = render_application_form(&form).unwrap();
    let names = font_names(&pdf, "rare-form.pdf");
    assert!(
        names.contains(&"PDNSCF+NotoSansSC-Regular".to_string()),
        "{names:?}"
    );
    let program = font_program(&pdf, "PDNSCF+");
    assert_has_outline(&program, '龑');
    assert_has_outline(&program, '𠂇');
    // The fallback subset holds the rare characters only; the rest of the line (刘) and the
    // paper come from the common face.
    let face = ttf_parser::Face::parse(&program, 0).unwrap();
    assert!(face.glyph_index('刘').is_none());
    assert!(face.number_of_glyphs() <= 4, "{}", face.number_of_glyphs());
    assert_has_outline(&font_program(&pdf, "PDNSCR+"), '刘');
    // The text copies out in order, the rare characters included.
    let text = text_of(&pdf, "rare-form.pdf");
    assert!(text.contains("刘龑𠂇"), "{text}");
}

#[test]
fn a_rare_character_in_bold_text_prints_from_the_full_bold_face() {
    // The one-time notice prints each item's name in bold.
    let mut notice = demo::one_time_notice();
    notice.stages[0].items[0].name = "槑靐专项审批".into();
    let pdf = render_one_time_notice(&notice).unwrap();
    let names = font_names(&pdf, "rare-notice.pdf");
    assert!(
        names.contains(&"PDNSCG+NotoSansSC-Bold".to_string()),
        "{names:?}"
    );
    let program = font_program(&pdf, "PDNSCG+");
    assert_has_outline(&program, '槑');
    assert_has_outline(&program, '靐');
    assert!(text_of(&pdf, "rare-notice.pdf").contains("槑靐专项审批"));
}

#[test]
fn everyday_papers_embed_only_the_common_faces() {
    for (name, bytes) in demo::all_documents().unwrap() {
        if !name.ends_with(".pdf") {
            continue;
        }
        for font in font_names(&bytes, &name) {
            assert!(
                font.starts_with("PDNSCR+") || font.starts_with("PDNSCB+"),
                "{name} needs the full face: {font}"
            );
        }
    }
}

#[test]
fn the_application_form_stays_under_60_kb() {
    let bytes = render_application_form(&demo::application_form()).unwrap();
    assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
    for (name, bytes) in demo::all_documents().unwrap() {
        if name == "application-form.pdf" {
            assert!(bytes.len() < 60_000, "{name}: {} bytes", bytes.len());
        }
    }
}

//! The preview's page images (documents::raster): a paper comes out as the page it is, with its
//! text drawn; a huge page is drawn within the pixel bound; anything else is refused in Chinese.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_documents::raster::{MAX_PAGE_PIXELS, pdf_page_images};
use permitdesk_documents::{RenderError, demo, render_application_form, render_certificate};

/// Share of pixels in the rectangle (fractions of the page) darker than mid grey.
fn dark_share(png: &[u8], x0: f32, y0: f32, x1: f32, y1: f32) -> f32 {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (mut dark, mut all) = (0u32, 0u32);
    for y in (y0 * h) as u32..(y1 * h) as u32 {
        for x in (x0 * w) as u32..(x1 * w) as u32 {
            all += 1;
            dark += u32::from(img.get_pixel(x, y).0[0] < 128);
        }
    }
    dark as f32 / all.max(1) as f32
}

#[test]
fn a_certificate_is_one_a4_page_with_its_title_drawn() {
    let pdf = render_certificate(&demo::certificate()).unwrap();
    let pages = pdf_page_images(pdf, 1.5).unwrap();
    assert_eq!(pages.len(), 1);
    let p = &pages[0];
    // A4 (595.28 × 841.89 pt) at 1.5 pixels per point.
    assert_eq!((p.width, p.height), (892, 1262));
    assert_eq!(&p.png[..8], b"\x89PNG\r\n\x1a\n");
    let decoded = image::load_from_memory(&p.png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (892, 1262));
    // The big title 建筑工程施工许可证 sits in the upper band: ink there, paper white below
    // the footer's margin.
    let title = dark_share(&p.png, 0.25, 0.10, 0.75, 0.16);
    assert!(title > 0.05, "title band ink {title}");
    let margin = dark_share(&p.png, 0.2, 0.985, 0.8, 1.0);
    assert!(margin < 0.01, "bottom margin ink {margin}");
}

#[test]
fn every_page_of_a_long_form_comes_out() {
    let pdf = render_application_form(&demo::application_form()).unwrap();
    let expected = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
    let pages = pdf_page_images(pdf, 1.0).unwrap();
    assert_eq!(pages.len(), expected);
    for p in &pages {
        assert!(
            dark_share(&p.png, 0.0, 0.0, 1.0, 1.0) > 0.005,
            "a page with ink"
        );
    }
}

#[test]
fn a_huge_page_is_drawn_within_the_pixel_bound() {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"0 0 0 rg 0 0 7200 7200 re f".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 14400.into(), 14400.into()],
        "Contents" => content,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let pages = pdf_page_images(bytes, 1.5).unwrap();
    let p = &pages[0];
    assert!(
        (p.width * p.height) as f32 <= MAX_PAGE_PIXELS,
        "{}x{}",
        p.width,
        p.height
    );
    assert!(
        p.width >= 1900,
        "drawn as large as the bound allows: {}",
        p.width
    );
    // The filled lower-left quarter is black (PDF y grows upwards: bottom-left of the image).
    assert!(dark_share(&p.png, 0.05, 0.55, 0.45, 0.95) > 0.99);
    assert!(dark_share(&p.png, 0.55, 0.05, 0.95, 0.45) < 0.01);
}

#[test]
fn unreadable_files_are_refused_with_a_sentence_and_nothing_else() {
    let pdf = render_certificate(&demo::certificate()).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", "这不是PDF".as_bytes().to_vec()),
        ("truncated", pdf[..pdf.len() / 3].to_vec()),
        ("header only", b"%PDF-1.7\n%%EOF\n".to_vec()),
    ];
    for (name, bytes) in cases {
        match pdf_page_images(bytes, 1.5) {
            Err(e @ RenderError::Preview(_)) => {
                let text = e.to_string();
                assert!(text.starts_with("无法预览："), "{name}: {text}");
            }
            // A truncated file may still hold readable pages (PDF readers repair such files).
            Ok(pages) => assert!(name == "truncated" && pages.len() <= 1, "{name}"),
            Err(other) => panic!("{name}: {other:?}"),
        }
    }
}

//! Layout regressions: each demo PDF is rasterised with pdftoppm (40 dpi, greyscale) and compared
//! with the reviewed images in tests/reference/. `UPDATE_REFERENCE=1` rewrites the references
//! (look at them before committing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use std::path::Path;

/// A pixel differs when its grey level moves by more than this (anti-aliasing noise stays below).
const PIXEL_TOLERANCE: u8 = 48;
/// At most this fraction of a page's pixels may differ.
const PAGE_TOLERANCE: f64 = 0.005;

fn differing_fraction(a: &image::GrayImage, b: &image::GrayImage) -> f64 {
    if a.dimensions() != b.dimensions() {
        return 1.0;
    }
    let diff = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0[0].abs_diff(q.0[0]) > PIXEL_TOLERANCE)
        .count();
    diff as f64 / (a.width() as f64 * a.height() as f64)
}

#[test]
fn demo_pdfs_match_the_reviewed_reference_images() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
    let update = std::env::var("UPDATE_REFERENCE").is_ok_and(|v| v == "1");
    let dir = scratch("raster");
    let mut failures = Vec::new();
    let mut compared = 0;
    for (name, bytes) in permitdesk_documents::demo::all_documents().unwrap() {
        let Some(stem) = name.strip_suffix(".pdf") else {
            continue;
        };
        let pdf = dir.join(&name);
        std::fs::write(&pdf, &bytes).unwrap();
        let prefix = dir.join(stem);
        tool(
            "pdftoppm",
            &[
                "-r",
                "40",
                "-gray",
                "-png",
                &pdf.to_string_lossy(),
                &prefix.to_string_lossy(),
            ],
        );
        let mut pages: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let f = p.file_name().unwrap().to_string_lossy().to_string();
                f.starts_with(&format!("{stem}-")) && f.ends_with(".png")
            })
            .collect();
        pages.sort();
        assert!(!pages.is_empty(), "{name} rasterised to nothing");
        for (i, page) in pages.iter().enumerate() {
            let want = reference.join(format!("{stem}-{}.png", i + 1));
            if update {
                std::fs::create_dir_all(&reference).unwrap();
                std::fs::copy(page, &want).unwrap();
                continue;
            }
            let got = image::open(page).unwrap().to_luma8();
            let Ok(expected) = image::open(&want) else {
                failures.push(format!(
                    "{}: no reference image (run with UPDATE_REFERENCE=1 and review)",
                    want.display()
                ));
                continue;
            };
            let frac = differing_fraction(&got, &expected.to_luma8());
            compared += 1;
            if frac >= PAGE_TOLERANCE {
                failures.push(format!(
                    "{name} page {}: {:.3}% of pixels differ",
                    i + 1,
                    frac * 100.0
                ));
            }
        }
        // A page that disappeared is a regression too.
        let extra = reference.join(format!("{stem}-{}.png", pages.len() + 1));
        if !update && extra.exists() {
            failures.push(format!("{name} has fewer pages than its reference"));
        }
        for p in pages {
            std::fs::remove_file(p).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "layout changed:\n{}",
        failures.join("\n")
    );
    assert!(update || compared >= 12, "compared only {compared} pages");
}

#[test]
fn the_comparison_notices_a_moved_block() {
    let a = image::GrayImage::from_fn(100, 100, |x, _| image::Luma([if x < 50 { 0 } else { 255 }]));
    let b = image::GrayImage::from_fn(100, 100, |x, _| image::Luma([if x < 51 { 0 } else { 255 }]));
    let c = image::GrayImage::from_fn(100, 100, |x, _| image::Luma([if x < 55 { 0 } else { 255 }]));
    assert!(differing_fraction(&a, &a) == 0.0);
    assert!(differing_fraction(&a, &b) >= PAGE_TOLERANCE);
    assert!(differing_fraction(&a, &c) > 0.04);
}

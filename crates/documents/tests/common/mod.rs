//! Helpers for the PDF tests: poppler's command-line tools (required: CI installs poppler-utils;
//! a missing tool fails the test rather than skipping it).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "permitdesk-documents-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is required (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Text of a PDF in content order, with all whitespace removed (wrapping splits fields).
pub fn text_of(pdf: &[u8], name: &str) -> String {
    let dir = scratch("text");
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let p = path.to_string_lossy().to_string();
    let out = tool("pdftotext", &["-raw", "-enc", "UTF-8", &p, "-"]);
    String::from_utf8(out)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn fonts_of(pdf: &[u8], name: &str) -> String {
    let dir = scratch("fonts");
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    String::from_utf8(tool("pdffonts", &[&path.to_string_lossy()])).unwrap()
}

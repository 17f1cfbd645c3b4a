//! Writes every demo document into the directory given as the first argument (default /tmp/docs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/docs".to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let t = std::time::Instant::now();
    for (name, bytes) in permitdesk_documents::demo::all_documents().unwrap() {
        println!("{name}: {} bytes", bytes.len());
        std::fs::write(format!("{dir}/{name}"), bytes).unwrap();
    }
    println!("{:?}", t.elapsed());
}

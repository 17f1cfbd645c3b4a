//! Rendering costs: application form (< 10 ms, < 60 KB; and with a rare character, which needs
//! the full fallback face), one-time notice of 40 items (< 30 ms), statistics table of 10,000
//! rows to xlsx (< 1 s).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use permitdesk_documents::views::StatisticsTable;
use permitdesk_documents::{
    demo, render_application_form, render_one_time_notice, statistics_xlsx,
};
use std::hint::black_box;

fn documents(c: &mut Criterion) {
    let form = demo::application_form();
    let bytes = render_application_form(&form).unwrap();
    println!("application form: {} bytes", bytes.len());
    c.bench_function("application_form_pdf", |b| {
        b.iter(|| render_application_form(black_box(&form)).unwrap())
    });

    // The same form with a name outside the common faces (龑): the full face is subset too.
    let mut rare = demo::application_form();
    rare.contacts[0].name = "刘龑".into();
    c.bench_function("application_form_rare_character_pdf", |b| {
        b.iter(|| render_application_form(black_box(&rare)).unwrap())
    });

    let notice = demo::one_time_notice_with(40, 5);
    let bytes = render_one_time_notice(&notice).unwrap();
    println!("one-time notice, 40 items: {} bytes", bytes.len());
    c.bench_function("one_time_notice_40_items_pdf", |b| {
        b.iter(|| render_one_time_notice(black_box(&notice)).unwrap())
    });

    let table = demo::statistics(StatisticsTable::One, 10_000);
    let bytes = statistics_xlsx(&table).unwrap();
    println!(
        "statistics table 1, 10,000 rows: {} bytes xlsx",
        bytes.len()
    );
    let mut group = c.benchmark_group("statistics");
    group.sample_size(10);
    group.bench_function("table_1_10000_rows_xlsx", |b| {
        b.iter(|| statistics_xlsx(black_box(&table)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);

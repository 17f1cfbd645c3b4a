//! Criterion benchmarks of the domain crate (issue 2, section 9).
//! Run: `cargo bench -p permitdesk-domain --bench domain -- <group>`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Catalogue load and validation of the shipped demo file (goal: under 5 ms).
fn catalogue(c: &mut Criterion) {
    let mut group = c.benchmark_group("catalogue");
    group.bench_function("load_and_validate_demo", |b| {
        b.iter(|| permitdesk_domain::catalogue::Catalogue::from_toml_str(black_box(
            permitdesk_domain::DEMO_CATALOGUE_TOML,
        )))
    });
    group.finish();
}

criterion_group!(benches, catalogue);
criterion_main!(benches);

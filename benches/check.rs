//! `starling check` over a generated 10 MB folder bank (1,000 files of about 10 KB), against a
//! bare tree-sitter-md parse of the same bytes (the floor), read and parsed on every core as
//! `check` does. Also `check` on one thread, to show how it scales.
//!
//! `cargo bench --bench check`

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

const FILES: usize = 1_000;
const FILE_BYTES: usize = 10_000;

/// Writes the bank under `dir/stories/` and returns its files.
fn write_bank(dir: &Path) -> Vec<PathBuf> {
    let stories = support::example_stories();
    let folder = dir.join("stories");
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let mut n = 0;
    (0..FILES)
        .map(|file| {
            let mut text = String::with_capacity(FILE_BYTES + 4096);
            while text.len() < FILE_BYTES {
                text.push_str(&support::story(&stories, n));
                n += 1;
            }
            let path = folder.join(format!("bank-{file:04}.md"));
            std::fs::write(&path, text).expect("writable temporary folder");
            path
        })
        .collect()
}

fn check(dir: &Path, threads: Option<usize>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_starling"));
    command
        .args(["check", "--no-progress", "--color", "never"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads.to_string());
    }
    let status = command.status().expect("starling runs");
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "starling check failed: {status}"
    );
}

/// The floor: read and parse every file, in parallel, nothing else.
fn parse_all(files: &[PathBuf]) -> usize {
    files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable");
            starling::document::parse_whole(&text)
                .root_node()
                .end_byte()
        })
        .sum()
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = write_bank(dir.path());
    let bytes: u64 = files
        .iter()
        .map(|f| f.metadata().map_or(0, |m| m.len()))
        .sum();
    println!("check: {} files, {:.1} MB", files.len(), bytes as f64 / 1e6);

    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("starling check 10MB", |b| {
        b.iter(|| check(dir.path(), None))
    });
    group.bench_function("bare parse 10MB", |b| b.iter(|| parse_all(&files)));
    group.finish();

    let runs = 3;
    let checked = support::median(runs, || check(dir.path(), None));
    let one_thread = support::median(runs, || check(dir.path(), Some(1)));
    let floor = support::median(runs, || {
        parse_all(&files);
    });
    println!("check starling check {checked:>10.2?}  (one thread {one_thread:.2?}, {:.2}x faster on {} threads)",
        support::ratio(one_thread, checked), rayon::current_num_threads());
    println!("check bare parse     {floor:>10.2?}");
    println!(
        "check ratio check/parse: {:.2}x (target <= 3x); {:.1} MB/s",
        support::ratio(checked, floor),
        bytes as f64 / 1e6 / checked.as_secs_f64()
    );
}

criterion_group!(check_bench, benches);
criterion_main!(check_bench);

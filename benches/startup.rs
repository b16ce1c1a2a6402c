//! Whole-process start-up: `starling check` on one small story (about 2 KB), `starling
//! --version` and `starling rules`, each run as a user's shell or a pre-commit hook runs it,
//! from spawn to exit. Prints the median, min and max of each.
//!
//! `cargo bench --bench startup`

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const RUNS: usize = 41;

/// Spawns `starling ARGS` `RUNS` times (after three warm-up runs) and returns the timings.
fn run(args: &[&str], dir: &Path) -> Vec<Duration> {
    let once = || {
        let start = std::time::Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_starling"))
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("starling runs");
        let elapsed = start.elapsed();
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "starling {args:?} failed: {status}"
        );
        elapsed
    };
    for _ in 0..3 {
        once();
    }
    (0..RUNS).map(|_| once()).collect()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("starling-bench-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let stories = support::example_stories();
    let story = format!("---\ntheme: failure\n---\n{}", support::story(&stories, 0));
    std::fs::write(dir.join("one.story.md"), &story).expect("writable temporary folder");
    let cases: [(&str, &[&str]); 3] = [
        (
            "check one small story",
            &["check", "--no-progress", "--color", "never", "one.story.md"],
        ),
        ("--version", &["--version"]),
        ("rules", &["rules"]),
    ];
    for (name, args) in cases {
        let (median, min, max) = support::spread(run(args, &dir));
        println!("startup {name}: median {median:.2?} (min {min:.2?}, max {max:.2?}, {RUNS} runs)");
    }
    println!("startup story bytes: {}", story.len());
    let _ = std::fs::remove_dir_all(&dir);
}

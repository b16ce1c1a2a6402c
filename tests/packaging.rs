//! The install paths that need no Rust toolchain, tested as a user meets them (see
//! tests/packaging/): the platform `.vsix` carrying the release binary (`vsix.sh`) and the
//! Python wheel, installed with pip, run as `starling check`, `starling lsp` and a real
//! pre-commit hook (`wheel.sh`). Both use `cargo build --release`, which they share.
//!
//! They build in release mode and install from PyPI and npm, so they run only with
//! `STARLING_PACKAGING=1` (`.ci/run` sets it).

use std::process::Command;
use std::sync::Mutex;

/// One release build at a time: the two scripts share target/release.
static RELEASE_BUILD: Mutex<()> = Mutex::new(());

/// Runs tests/packaging/`script` and asserts its closing "N passed, 0 failed" line.
fn run(script: &str) {
    if std::env::var_os("STARLING_PACKAGING").is_none() {
        eprintln!("packaging test {script} skipped: set STARLING_PACKAGING=1 to run it");
        return;
    }
    let _one_at_a_time = RELEASE_BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("bash")
        .arg(format!("{root}/tests/packaging/{script}"))
        .current_dir(root)
        .output()
        .expect("bash runs the packaging script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The scripts close with "N passed, N failed" and exit non-zero on any failure.
    let summary = stdout.lines().last().unwrap_or("");
    let passed = summary
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse::<usize>().ok());
    assert!(
        output.status.success() && passed.is_some_and(|n| n > 0),
        "{script} failed ({summary}):\n{stdout}\n{stderr}"
    );
}

#[test]
fn the_platform_vsix_carries_a_working_release_binary() {
    run("vsix.sh");
}

#[test]
fn the_wheel_installs_starling_for_the_command_line_the_editor_and_pre_commit() {
    run("wheel.sh");
}

//! Running the real `starling` binary in a folder with a cleared environment.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A story with findings: no Learning part, no figure.
pub const WEAK: &str = "---\nprompt: Tell me about a time you failed.\n---\n# Worked late\n\n## Situation\nWe had a launch.\n\n## Task\nI owned the release.\n\n## Action\nI cut the tests to save time.\n\n## Result\nWe slipped two weeks.\n";

/// `starling ARGS` in `dir`, with `env` on top of a cleared environment.
pub fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_starling"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    if let Some(bytes) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("piped stdin");
        // The binary may stop reading early (a size limit): a closed pipe is fine.
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().expect("the binary finishes")
}

/// `starling ARGS` in `dir`.
pub fn starling(dir: &Path, args: &[&str]) -> Output {
    run(dir, args, None, &[])
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Both streams, to show when an assertion fails.
pub fn shown(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

/// A temporary folder holding `stories/weak.md`.
pub fn bank() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(dir.path().join("stories")).unwrap();
    std::fs::write(dir.path().join("stories/weak.md"), WEAK).unwrap();
    dir
}

/// Asserts that the command ran: exit 0 (clean) or 1 (findings), not 2 (an error).
#[track_caller]
pub fn assert_ran(output: &Output) {
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        shown(output)
    );
}

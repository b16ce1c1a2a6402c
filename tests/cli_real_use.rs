//! What real use does to `starling check` and `score` (issue 14): rules that fail, files
//! that are links, read-only or not regular, byte order marks, closed pipes, odd file names
//! and oversized input. Each test runs the real binary.

mod cli_support;

use std::path::Path;

use cli_support::{assert_ran, bank, run, shown, starling, stderr, stdout, WEAK};

#[test]
fn a_rule_that_panics_costs_its_own_findings_and_one_line() {
    let dir = bank();
    let env = [("STARLING_DEBUG_PANIC", "missing-learning")];
    let output = run(dir.path(), &["check", "--color", "never", "."], None, &env);
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(!out.contains("missing-learning"), "{out}");
    assert!(
        out.contains("warning[no-cost]"),
        "the other rules still report: {out}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("starling: rule missing-learning on story 1 panicked (")
            && err.contains("This is a bug"),
        "{err}"
    );
    assert!(!err.contains("backtrace"), "{err}");

    let env = [
        ("STARLING_DEBUG_PANIC", "missing-learning"),
        ("RUST_BACKTRACE", "1"),
    ];
    let output = run(dir.path(), &["check", "."], None, &env);
    assert!(
        stderr(&output).contains("stack backtrace"),
        "{}",
        shown(&output)
    );
}

#[test]
fn a_rule_that_panics_does_not_stop_score() {
    let dir = bank();
    let env = [("STARLING_DEBUG_PANIC", "no-metric")];
    let output = run(dir.path(), &["score", "."], None, &env);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert!(stdout(&output).contains("Total"), "{}", shown(&output));
}

#[cfg(unix)]
mod fix_writes {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn fixed(path: &Path) -> bool {
        std::fs::read_to_string(path)
            .unwrap()
            .contains("## Learning")
    }

    #[test]
    fn fixes_reach_a_link_s_target_and_the_link_stays() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real.md"), WEAK).unwrap();
        std::os::unix::fs::symlink("real.md", dir.path().join("link.story.md")).unwrap();
        let output = starling(dir.path(), &["check", "--fix", "link.story.md"]);
        assert_ran(&output);
        let link = std::fs::symlink_metadata(dir.path().join("link.story.md")).unwrap();
        assert!(link.file_type().is_symlink());
        assert!(fixed(&dir.path().join("real.md")));
    }

    #[test]
    fn fixes_keep_mode_owner_and_hard_links() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.story.md");
        std::fs::write(&path, WEAK).unwrap();
        std::fs::hard_link(&path, dir.path().join("other-name.md")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        // As root (as under sudo), hand the file to another user first.
        let root = std::fs::metadata(&path).unwrap().uid() == 0;
        if root {
            std::os::unix::fs::chown(&path, Some(1234), Some(1234)).unwrap();
        }
        let before = std::fs::metadata(&path).unwrap();
        let output = starling(dir.path(), &["check", "--fix", "a.story.md"]);
        assert_ran(&output);
        let after = std::fs::metadata(&path).unwrap();
        assert!(fixed(&path));
        assert!(
            fixed(&dir.path().join("other-name.md")),
            "the hard link sees the fix"
        );
        assert_eq!(after.ino(), before.ino());
        assert_eq!(after.mode() & 0o7777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));

        // Without a second link, the file is replaced, and keeps its mode and owner too.
        std::fs::remove_file(dir.path().join("other-name.md")).unwrap();
        std::fs::write(&path, WEAK).unwrap();
        let output = starling(dir.path(), &["check", "--fix", "a.story.md"]);
        assert_ran(&output);
        let after = std::fs::metadata(&path).unwrap();
        assert!(fixed(&path));
        assert_eq!(after.mode() & 0o7777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    }

    #[test]
    fn a_read_only_file_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.story.md");
        std::fs::write(&path, WEAK).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let output = starling(dir.path(), &["check", "--fix", "a.story.md"]);
        assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
        assert!(
            stderr(&output).contains("a.story.md: the file is read-only; fixes not written"),
            "{}",
            shown(&output)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), WEAK);
    }
}

#[test]
fn a_byte_order_mark_hides_neither_front_matter_nor_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // Not a story by its name: only its front matter says it holds stories.
    std::fs::write(dir.path().join("notes.md"), format!("\u{feff}{WEAK}")).unwrap();
    let output = starling(dir.path(), &["check", "--format", "json", "."]);
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"missing-learning"), "{}", shown(&output));
    assert!(!rules.contains(&"missing-prompt"), "{}", shown(&output));
    let title = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing-learning")
        .unwrap();
    // Lines and columns as an editor shows them; byte offsets into the file as it is.
    assert_eq!(title["line"], 4);
    assert_eq!(title["column"], 3);
    let start = title["range"]["start"].as_u64().unwrap() as usize;
    let bytes = std::fs::read(dir.path().join("notes.md")).unwrap();
    assert!(bytes[start..].starts_with(b"Worked late"));

    // Fixing keeps the mark.
    let output = starling(dir.path(), &["check", "--fix", "notes.md"]);
    assert_ran(&output);
    let text = std::fs::read_to_string(dir.path().join("notes.md")).unwrap();
    assert!(
        text.starts_with("\u{feff}---\n") && text.contains("## Learning"),
        "{text}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = bank();
    for stories in 0..40 {
        let name = format!("stories/s{stories}.md");
        std::fs::write(dir.path().join(name), WEAK.repeat(20)).unwrap();
    }
    for args in [
        &["rules"][..],
        &["rules", "--json"],
        &["explain", "missing-learning"],
        &["check", "."],
        &["check", "--format", "json", "."],
        &["score", "."],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_starling"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read nothing, as `| head -0` would, and close the pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            shown(&output)
        );
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn files_that_are_not_regular_are_read() {
    let dir = bank();
    let output = run(
        dir.path(),
        &["check", "--color", "never", "/dev/stdin"],
        Some(WEAK.as_bytes()),
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stdout(&output).contains("/dev/stdin:4:3: warning[missing-learning]"),
        "{}",
        shown(&output)
    );
    let output = starling(dir.path(), &["check", "/dev/null"]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert!(stdout(&output).contains("No findings in 0 stories (1 file)."));

    // A named pipe, as the shell's `<(cat story.md)` passes it.
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, WEAK))
        };
        let output = starling(dir.path(), &["check", "pipe"]);
        writer.join().unwrap().unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        assert!(stdout(&output).contains("pipe:4:3:"), "{}", shown(&output));
    }

    let output = starling(dir.path(), &["check", "--fix", "/dev/null"]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let output = starling(dir.path(), &["check", "no-such.md"]);
    assert!(stderr(&output).contains("no-such.md: no such file or folder"));
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_keeps_its_bytes_in_sarif() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.story.md");
    if std::fs::write(dir.path().join(name), WEAK).is_err() {
        return; // a file system that only takes UTF-8 names
    }
    let output = starling(dir.path(), &["check", "--format", "sarif", "."]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "caf%E9.story.md", "{}", shown(&output));
}

#[test]
fn max_file_size_applies_to_standard_input() {
    let dir = bank();
    std::fs::write(dir.path().join("starling.toml"), "max-file-size = 1000\n").unwrap();
    let big = WEAK.repeat(20);
    let output = run(dir.path(), &["check", "-"], Some(big.as_bytes()), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    assert!(
        stderr(&output).contains("over the 1000 bytes limit (`max-file-size`"),
        "{}",
        shown(&output)
    );
    let output = run(dir.path(), &["check", "-"], Some(WEAK.as_bytes()), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
}

#[test]
fn many_patterns_in_a_config_are_refused_together() {
    let dir = bank();
    let config = |pattern: &str, count: usize| {
        let patterns: Vec<String> = (0..count).map(|i| format!("'{pattern}{i}'")).collect();
        format!("[phrases]\nvague-lesson = [{}]\n", patterns.join(", "))
    };
    // Each pattern alone is small enough; 500 of them are not (they took 1.2 GB to compile).
    std::fs::write(dir.path().join("starling.toml"), config("\\w{20}", 500)).unwrap();
    let output = starling(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    let err = stderr(&output);
    assert!(
        err.contains("starling.toml:2:1: the patterns in [phrases] are too large together"),
        "{err}"
    );
    // Fewer of them are fine.
    std::fs::write(dir.path().join("starling.toml"), config("\\w{8}", 50)).unwrap();
    let output = starling(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
}

/// Applies the edits of one fix, as they come in `--format json`, to `text`.
fn apply_fix(text: &str, fix: &serde_json::Value) -> String {
    let mut edits: Vec<(usize, usize, &str)> = fix["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let at = |key: &str| e[key].as_u64().unwrap() as usize;
            (at("start"), at("end"), e["text"].as_str().unwrap())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn each_placeholder_is_a_paragraph_of_its_own_even_in_prose() {
    // Plain prose: the Result ends inside the line that goes on with the Learning.
    let story = "# Missed the deadline\n\nI led the migration of our billing service last spring. \
        My job was to move every customer by June. I planned the work alone and skipped the \
        review with the payments team. We missed the date and customers waited for their \
        invoices. I learned to communicate better.\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.story.md"), story).unwrap();
    let output = starling(dir.path(), &["check", "--format", "json", "a.story.md"]);
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fixes: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fix"].is_object())
        .collect();
    assert!(
        fixes.iter().any(|f| f["rule"] == "no-metric"),
        "{}",
        shown(&output)
    );
    for finding in fixes {
        let fixed = apply_fix(story, &finding["fix"]);
        let lines: Vec<&str> = fixed.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.contains("TODO:") {
                continue;
            }
            let rule = &finding["rule"];
            assert!(line.trim_start().starts_with("TODO:"), "{rule}:\n{fixed}");
            let above = lines[i - 1].trim();
            assert!(
                above.is_empty() || above.starts_with("TODO:"),
                "{rule}: no blank line before the placeholder:\n{fixed}"
            );
        }
        for sentence in story.lines().flat_map(|l| l.split(". ")) {
            let line = lines
                .iter()
                .find(|l| l.contains(sentence.trim_end_matches('.')));
            assert!(
                line.is_some_and(|l| !l.contains("TODO:")),
                "{}: `{sentence}` is glued to a placeholder:\n{fixed}",
                finding["rule"]
            );
        }
    }
}

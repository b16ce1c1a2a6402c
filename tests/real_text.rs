//! Every story of `tests/corpus`, and of `../shared/real-stories/stories` when that folder is
//! there, through the real binary: `check`, `score` and `check --fix` on a copy. Real prose
//! holds dashes, curly quotes and accents; none of it may make starling panic, and fixing a
//! file keeps every word of it.

mod cli_support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cli_support::{shown, starling, stderr};

/// The Markdown files of `dir`, sorted; none when it is absent.
fn stories(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

fn words(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word).or_default() += 1;
        }
    }
    counts
}

/// Copies `files` into a fresh folder (a number for each name, in order) and runs check,
/// score and fix over them there.
fn sweep(files: &[PathBuf]) {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = format!("{i:03}.md");
        // The bytes only: a copy would keep a read-only mode, and --fix refuses those.
        std::fs::write(dir.path().join(&name), std::fs::read(file).unwrap()).unwrap();
        names.push(name);
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for command in [&["check"][..], &["score"], &["check", "--fix"]] {
        let args: Vec<&str> = command.iter().copied().chain(names.clone()).collect();
        let output = starling(dir.path(), &args);
        let err = stderr(&output);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{command:?} on {files:?}: {}",
            shown(&output)
        );
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{command:?}: {err}"
        );
    }
    for (name, file) in names.iter().zip(files) {
        let before = std::fs::read_to_string(file).unwrap();
        let after = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let kept = words(&after);
        for (word, count) in words(&before) {
            assert!(
                kept.get(word).copied().unwrap_or(0) >= count,
                "fixing {} lost `{word}`:\n{after}",
                file.display()
            );
        }
    }
}

#[test]
fn the_corpus_goes_through_check_score_and_fix() {
    let corpus = stories(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"));
    assert!(corpus.len() > 40, "{corpus:?}");
    sweep(&corpus);
}

#[test]
fn real_stories_go_through_check_score_and_fix() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-stories/stories");
    let real = stories(&shared);
    if real.is_empty() {
        eprintln!("{} is absent: nothing to sweep", shared.display());
        return;
    }
    sweep(&real);
}

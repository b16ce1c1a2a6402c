//! Texts the unit tests read: every Markdown file of `tests/corpus` and `examples/stories`.

use std::path::{Path, PathBuf};

/// The text of every Markdown file under `tests/corpus` and `examples/stories`, in path order.
pub fn corpus_and_examples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.join("tests/corpus"), root.join("examples/stories")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("a readable folder");
            stack.extend(entries.map(|entry| entry.expect("a folder entry").path()));
        } else if path.extension().is_some_and(|e| e == "md") {
            paths.push(path);
        }
    }
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a readable Markdown file"))
        .collect();
    assert!(
        texts.len() > 20,
        "the corpus was read ({} files)",
        texts.len()
    );
    texts
}

/// `extra` (texts a test writes out) followed by [`corpus_and_examples`].
pub fn with_corpus(extra: &[&str]) -> Vec<String> {
    let mut texts: Vec<String> = extra.iter().map(|t| t.to_string()).collect();
    texts.extend(corpus_and_examples());
    texts
}

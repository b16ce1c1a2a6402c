//! Lists the competency sets under `themes/competencies/` so that the engine embeds every one:
//! adding a set is one data file, no code. And reads, for every built-in phrase pattern, the
//! words its matches must hold (the phrase screen's words), so that a run does not parse
//! hundreds of patterns to learn them: a third of a one-story check did.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/theme/classes.rs"]
mod classes;
#[path = "src/theme/screen_words.rs"]
mod screen_words;

fn main() {
    competency_sets();
    screen_words();
}

fn competency_sets() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("themes").join("competencies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for path in files {
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("competency_sets.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}

/// Writes `screen_words.rs`: every string of every `themes/` file but `words.toml` that is a
/// pattern, its classes written out, with its screen words, sorted by pattern.
fn screen_words() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let themes = root.join("themes");
    for file in ["src/theme/classes.rs", "src/theme/screen_words.rs"] {
        println!("cargo:rerun-if-changed={}", root.join(file).display());
    }
    println!("cargo:rerun-if-changed={}", themes.display());
    let words = std::fs::read_to_string(themes.join("words.toml")).expect("themes/words.toml");
    let classes = classes::read_classes(&words);
    let mut files = Vec::new();
    let mut stack = vec![themes];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            }
        } else if path.extension().is_some_and(|e| e == "toml")
            && path.file_name().is_some_and(|n| n != "words.toml")
        {
            files.push(path);
        }
    }
    let mut patterns = std::collections::BTreeSet::new();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a readable theme file");
        let table: toml::Table = text.parse().expect("a valid theme file");
        let mut values: Vec<&toml::Value> = table.values().collect();
        while let Some(value) = values.pop() {
            match value {
                toml::Value::String(s) => {
                    patterns.insert(classes::expand_with(s, &classes));
                }
                toml::Value::Array(items) => values.extend(items),
                toml::Value::Table(table) => values.extend(table.values()),
                _ => {}
            }
        }
    }
    let mut out = String::from("&[\n");
    for pattern in patterns {
        if regex_syntax::Parser::new().parse(&pattern).is_err() {
            continue;
        }
        let sides = screen_words::needed_words(&pattern).map(|side| match side {
            Some(words) => format!("Some(&{words:?})"),
            None => "None".to_string(),
        });
        let _ = writeln!(out, "    ({pattern:?}, [{}, {}]),", sides[0], sides[1]);
    }
    out.push(']');
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("screen_words.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}

//! The labeled corpus: runs the engine over every story in `tests/corpus`, prints precision and
//! recall per rule and overall, and fails under the quality bar.
//!
//! `labels.toml` lists, per story, the rules that must fire (`fire`) and those a careful reader
//! could go either way on (`either`, not scored); every other rule must stay quiet. A finding
//! of any severity counts as firing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use starling::analysis::check_text;
use starling::bank;
use starling::config::Config;
use starling::rules::registry;

#[derive(Debug, Deserialize)]
struct Labels {
    story: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    file: String,
    #[serde(default)]
    fire: Vec<String>,
    #[serde(default)]
    either: Vec<String>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

const OVERALL_PRECISION: f64 = 0.9;
const OVERALL_RECALL: f64 = 0.8;
const RULE_FLOOR: f64 = 0.75;
const RULE_MIN_POSITIVES: usize = 3;

#[test]
fn corpus_precision_and_recall() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let labels: Labels =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).unwrap()).unwrap();
    let config = Config::default();
    let ids: Vec<&str> = registry::metas().iter().map(|m| m.id).collect();
    let mut counts: BTreeMap<&str, Counts> =
        ids.iter().map(|id| (*id, Counts::default())).collect();
    let mut mistakes = Vec::new();
    let mut summaries = Vec::new();
    for (index, entry) in labels.story.iter().enumerate() {
        for id in entry.fire.iter().chain(&entry.either) {
            assert!(
                ids.contains(&id.as_str()),
                "{}: unknown rule {id}",
                entry.file
            );
        }
        let text = std::fs::read_to_string(dir.join(&entry.file))
            .unwrap_or_else(|e| panic!("{}: {e}", entry.file));
        let analysis = check_text(&text, &config);
        summaries.extend(bank::summaries(index, &text, &analysis, &config));
        let fired: BTreeSet<&str> = analysis.findings.iter().map(|f| f.rule).collect();
        for id in &ids {
            let expected = entry.fire.iter().any(|f| f == id);
            if entry.either.iter().any(|e| e == id) {
                continue;
            }
            let got = fired.contains(id);
            let c = counts.get_mut(id).unwrap();
            match (expected, got) {
                (true, true) => c.tp += 1,
                (false, true) => {
                    c.fp += 1;
                    let messages: Vec<&str> = analysis
                        .findings
                        .iter()
                        .filter(|f| f.rule == *id)
                        .map(|f| f.message.as_str())
                        .collect();
                    mistakes.push(format!("FP {id:<28} {}  {messages:?}", entry.file));
                }
                (true, false) => {
                    c.fn_ += 1;
                    mistakes.push(format!("FN {id:<28} {}", entry.file));
                }
                (false, false) => {}
            }
        }
    }
    // The bank as a whole: labels say prompt-coverage must stay quiet on this folder.
    let coverage = bank::coverage(&summaries, &config);
    let c = counts.get_mut("prompt-coverage").unwrap();
    c.fp += coverage.len();
    for found in &coverage {
        mistakes.push(format!("FP prompt-coverage {}", found.finding.message));
    }

    let mut total = Counts::default();
    println!(
        "\n{:<28} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failures = Vec::new();
    for (id, c) in &counts {
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
        println!(
            "{id:<28} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
        if c.tp + c.fn_ >= RULE_MIN_POSITIVES
            && (c.precision() < RULE_FLOOR || c.recall() < RULE_FLOOR)
        {
            failures.push(format!(
                "{id}: precision {:.2}, recall {:.2}",
                c.precision(),
                c.recall()
            ));
        }
    }
    println!(
        "{:<28} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}\n",
        "overall",
        total.tp,
        total.fp,
        total.fn_,
        total.precision(),
        total.recall()
    );
    for mistake in &mistakes {
        println!("{mistake}");
    }
    if total.precision() < OVERALL_PRECISION || total.recall() < OVERALL_RECALL {
        failures.push(format!(
            "overall: precision {:.2}, recall {:.2}",
            total.precision(),
            total.recall()
        ));
    }
    assert!(
        failures.is_empty(),
        "under the quality bar:\n{}",
        failures.join("\n")
    );
}

/// `STARLING_DUMP=1 cargo test --test corpus dump -- --nocapture` prints each story's parts.
#[test]
fn dump_parts_when_asked() {
    if std::env::var_os("STARLING_DUMP").is_none() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let only = std::env::var("STARLING_DUMP").unwrap_or_default();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".story.md") || !name.contains(only.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = check_text(&text, &Config::default());
        println!("=== {name}");
        for story in &analysis.outline.stories {
            for part in &story.parts {
                let body = &text[part.body.clone()];
                let short: String = body.chars().take(70).collect();
                println!("  {:?} {:?}", part.kind, short.replace('\n', " "));
            }
        }
    }
}

//! The seeds' sample stories, retold in our words: the strong ones get no structure finding at
//! warning or above (their learning, told inside Action and Result, is a hint at most); the
//! weak one's missing Learning part is a warning.

use starling::rules::registry::metas;
use starling::rules::Category;
use starling::{check_text, Config, Finding, Severity};

fn structure_findings(name: &str) -> Vec<Finding> {
    let path = format!("{}/tests/fixtures/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("seed fixture");
    let structure: Vec<&str> = metas()
        .into_iter()
        .filter(|m| m.category == Category::Structure)
        .map(|m| m.id)
        .collect();
    check_text(&text, &Config::default())
        .findings
        .into_iter()
        .filter(|f| structure.contains(&f.rule))
        .collect()
}

#[test]
fn strong_seeds_get_no_structure_warning() {
    for name in ["strong-migration.story.md", "strong-feedback.story.md"] {
        let findings = structure_findings(name);
        let loud: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{name}: {loud:#?}");
        let learning = findings
            .iter()
            .find(|f| f.rule == "missing-learning")
            .expect("a hint to give the learning its own part");
        assert_eq!(learning.severity, Severity::Hint, "{name}");
    }
}

#[test]
fn the_weak_seed_misses_its_learning_part() {
    let findings = structure_findings("weak-worked-too-hard.story.md");
    let learning = findings
        .iter()
        .find(|f| f.rule == "missing-learning")
        .expect("missing-learning fires");
    assert_eq!(learning.severity, Severity::Warning);
}

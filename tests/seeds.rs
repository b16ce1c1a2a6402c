//! The seed documents' sample answers: the two strong ones stay quiet at warning level, the
//! weak one trips the rubric's named pitfalls.

use std::path::Path;

use starling::analysis::check_text;
use starling::config::Config;
use starling::rules::{registry, Severity};

fn findings(name: &str) -> Vec<starling::Finding> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seeds")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    check_text(&text, &Config::default()).findings
}

/// Every finding of the weak sample comes from a known rule.
fn is_known(rule: &str) -> bool {
    registry::find(rule).is_some()
}

#[test]
fn strong_seeds_get_no_warning_level_finding() {
    for name in ["strong-migration.story.md", "strong-feedback.story.md"] {
        let loud: Vec<_> = findings(name)
            .into_iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{name}: {loud:#?}");
    }
}

#[test]
fn the_weak_seed_trips_the_named_pitfalls() {
    let found = findings("weak-worked-too-hard.story.md");
    assert!(found.iter().all(|f| is_known(f.rule)));
    for rule in [
        "rebranded-success",
        "vague-lesson",
        "no-metric",
        "no-cost",
        "no-behavior-change",
    ] {
        assert!(
            found.iter().any(|f| f.rule == rule),
            "{rule} missing: {found:#?}"
        );
    }
}

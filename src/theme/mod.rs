//! Themes and part definitions: data read from `themes/*.toml` at build time.
//!
//! A theme names the rules that apply to its stories, its common prompts, the follow-up
//! questions an interviewer asks, and the phrase lists rules match. `themes/parts.toml` holds
//! what is shared by every theme: the labels and prose cues of the five parts.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::story::PartKind;

/// What one part is: its labels, cues and the text shown or inserted for it.
#[derive(Debug, Clone, Deserialize)]
pub struct PartSpec {
    pub name: String,
    pub letter: String,
    pub labels: Vec<String>,
    pub cues: Vec<String>,
    pub holds: String,
    pub share: String,
    pub prompt: String,
    /// Patterns that show the part's substance in a story told in plain prose.
    #[serde(default)]
    pub substance: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PartsFile {
    situation: PartSpec,
    task: PartSpec,
    action: PartSpec,
    result: PartSpec,
    learning: PartSpec,
}

/// The five part specs, with their cues compiled.
pub struct Parts {
    specs: [PartSpec; 5],
    cues: [PhraseSet; 5],
    substance: [PhraseSet; 5],
}

impl Parts {
    pub fn spec(&self, kind: PartKind) -> &PartSpec {
        &self.specs[kind as usize]
    }

    /// The cues that tell part `kind` in unlabeled prose.
    pub fn cues(&self, kind: PartKind) -> &PhraseSet {
        &self.cues[kind as usize]
    }

    /// The patterns that show part `kind`'s substance in plain prose.
    pub fn substance(&self, kind: PartKind) -> &PhraseSet {
        &self.substance[kind as usize]
    }

    /// The part a label names, e.g. `"what i did"` -> Action. `label` must be normalized.
    pub fn kind_of_label(&self, label: &str) -> Option<PartKind> {
        PartKind::ALL
            .into_iter()
            .find(|kind| self.spec(*kind).labels.iter().any(|l| l == label))
    }
}

pub static PARTS: LazyLock<Parts> = LazyLock::new(|| {
    let file: PartsFile = toml::from_str(include_str!("../../themes/parts.toml"))
        .expect("themes/parts.toml is valid");
    let specs = [
        file.situation,
        file.task,
        file.action,
        file.result,
        file.learning,
    ];
    let cues = specs.each_ref().map(|spec| PhraseSet::new(&spec.cues));
    let substance = specs.each_ref().map(|spec| PhraseSet::new(&spec.substance));
    Parts {
        specs,
        cues,
        substance,
    }
});

/// A follow-up question an interviewer is likely to ask, and the cues of a sentence that
/// answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct FollowUpSpec {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub answers: Vec<String>,
}

/// A theme as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
pub struct Theme {
    pub name: String,
    pub description: String,
    /// Rule ids that apply to the theme's stories; `"*"` means every rule.
    pub rules: Vec<String>,
    /// The theme's common prompts.
    #[serde(default)]
    pub prompts: Vec<String>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUpSpec>,
    /// Phrase lists by rule id (or any other key a rule chooses).
    #[serde(default)]
    pub phrases: BTreeMap<String, Vec<String>>,
    /// The most a rule may report in this theme ("quantify where it fits" is a hint in a
    /// story that is not about a failure).
    #[serde(default)]
    pub ceiling: BTreeMap<String, crate::rules::Severity>,
}

impl Theme {
    pub fn applies(&self, rule_id: &str) -> bool {
        self.rules.iter().any(|r| r == "*" || r == rule_id)
    }
}

pub const DEFAULT_THEME: &str = "failure";

static BUILTIN: LazyLock<Vec<Theme>> = LazyLock::new(|| {
    [
        include_str!("../../themes/failure.toml"),
        include_str!("../../themes/star.toml"),
    ]
    .iter()
    .map(|source| toml::from_str(source).expect("built-in themes are valid"))
    .collect()
});

/// The built-in themes: `failure` first.
pub fn builtin() -> &'static [Theme] {
    &BUILTIN
}

/// A built-in theme by name (case-insensitive).
pub fn find(name: &str) -> Option<&'static Theme> {
    builtin()
        .iter()
        .find(|theme| theme.name.eq_ignore_ascii_case(name.trim()))
}

mod classes;
mod pattern;
mod phrases;
mod screen_words;

pub use pattern::{lower_text, Pattern};
pub use phrases::{
    build_sets_in_background, build_used_sets_in_background, compile_pattern, expand_classes,
    PhraseSet,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_load_and_failure_comes_first() {
        assert_eq!(builtin()[0].name, "failure");
        assert!(find("STAR").is_some());
        assert!(find("failure").unwrap().applies("no-metric"));
        assert!(!find("star").unwrap().applies("rebranded-success"));
    }

    #[test]
    fn every_theme_pattern_compiles() {
        for theme in builtin() {
            for (key, patterns) in &theme.phrases {
                PhraseSet::checked(patterns)
                    .unwrap_or_else(|e| panic!("{}: {key}: {e}", theme.name));
            }
            for follow_up in &theme.follow_ups {
                PhraseSet::checked(&follow_up.answers).unwrap();
            }
        }
    }

    #[test]
    fn every_part_cue_and_substance_pattern_compiles() {
        let file: PartsFile = toml::from_str(include_str!("../../themes/parts.toml")).unwrap();
        for spec in [
            file.situation,
            file.task,
            file.action,
            file.result,
            file.learning,
        ] {
            PhraseSet::checked(&spec.cues).unwrap_or_else(|e| panic!("{}: cues: {e}", spec.name));
            PhraseSet::checked(&spec.substance)
                .unwrap_or_else(|e| panic!("{}: substance: {e}", spec.name));
        }
    }

    /// Every built-in list, screened, finds exactly what the plain patterns find, on every line
    /// and sentence of the corpus and the examples, and on text with real punctuation.
    #[test]
    fn phrase_lists_are_sorted_and_free_of_duplicates() {
        for theme in builtin() {
            for (key, patterns) in &theme.phrases {
                let mut sorted = patterns.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(&sorted, patterns, "{}: [phrases] {key}", theme.name);
            }
        }
    }

    #[test]
    fn star_theme_keeps_to_structure_and_ownership() {
        let star = find("star").unwrap();
        assert!(star.phrases.is_empty(), "star.toml holds no phrase lists");
        for id in [
            "rebranded-success",
            "risky-failure",
            "no-agency",
            "no-root-cause",
            "vague-lesson",
            "no-behavior-change",
            "performative-self-criticism",
            "no-ongoing-awareness",
            "no-cost",
            "no-immediate-recovery",
            "missing-learning",
        ] {
            assert!(!star.applies(id), "{id}");
        }
    }

    #[test]
    fn part_labels_are_sorted_lowercase_and_unique() {
        for kind in PartKind::ALL {
            let labels = &PARTS.spec(kind).labels;
            let mut sorted = labels.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(&sorted, labels, "{kind:?}");
            assert!(labels.iter().all(|l| *l == l.to_lowercase()));
        }
    }
}

//! Themes and part definitions: data read from `themes/*.toml` at build time.
//!
//! A theme names the rules that apply to its stories, its common prompts, the follow-up
//! questions an interviewer asks, and the phrase lists rules match. `themes/parts.toml` holds
//! what is shared by every theme: the labels and prose cues of the five parts.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
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
    let file: PartsFile =
        toml::from_str(include_str!("../themes/parts.toml")).expect("themes/parts.toml is valid");
    let specs = [
        file.situation,
        file.task,
        file.action,
        file.result,
        file.learning,
    ];
    let cues = specs.each_ref().map(|spec| {
        PhraseSet::new(&spec.cues).expect("the part cues in themes/parts.toml compile")
    });
    let substance = specs.each_ref().map(|spec| {
        PhraseSet::new(&spec.substance).expect("the part substance in themes/parts.toml compiles")
    });
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
        include_str!("../themes/failure.toml"),
        include_str!("../themes/star.toml"),
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

/// A list of case-insensitive patterns compiled once: a [`RegexSet`] to test a sentence in one
/// pass, and each pattern alone to locate a match, compiled the first time it matches.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    set: RegexSet,
    each: Arc<[(String, OnceLock<Option<Regex>>)]>,
}

/// The most memory one compiled pattern may take; keeps a user pattern from blowing up.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Every pattern list compiled so far. Each theme reads the default theme's lists and every
/// configuration builds every theme's lists, so most lists recur; a clone of a compiled
/// [`PhraseSet`] shares its programs.
static COMPILED: LazyLock<Mutex<HashMap<Vec<String>, PhraseSet>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Word classes that patterns name as `{class}`: broad sets of words a reader groups
/// together (people other than the teller, circumstances, habits), read from
/// `themes/words.toml`.
static WORD_CLASSES: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct WordsFile {
        classes: BTreeMap<String, Vec<String>>,
    }
    let file: WordsFile =
        toml::from_str(include_str!("../themes/words.toml")).expect("themes/words.toml is valid");
    // A class may name classes defined before it (in name order) or after it: expand until
    // nothing changes, a few rounds at most.
    let mut raw: BTreeMap<String, String> = file
        .classes
        .into_iter()
        .map(|(name, words)| (name, format!("(?:{})", words.join("|"))))
        .collect();
    for _ in 0..4 {
        let snapshot = raw.clone();
        for value in raw.values_mut() {
            *value = expand_with(value, &snapshot);
        }
    }
    raw
});

/// `pattern` with every `{class}` written out as its alternatives.
pub fn expand_classes(pattern: &str) -> String {
    expand_with(pattern, &WORD_CLASSES)
}

fn expand_with(pattern: &str, classes: &BTreeMap<String, String>) -> String {
    if !pattern.contains('{') {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match classes.get(name) {
            Some(words) if after[name_len..].starts_with('}') && !name.is_empty() => {
                out.push_str(words);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl PhraseSet {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, regex::Error> {
        let key: Vec<String> = patterns
            .iter()
            .map(|p| expand_classes(p.as_ref()))
            .collect();
        let patterns = &key;
        let compiled = |key: &Vec<String>| {
            COMPILED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(key)
                .cloned()
        };
        if let Some(set) = compiled(&key) {
            return Ok(set);
        }
        let set = RegexSetBuilder::new(patterns)
            .case_insensitive(true)
            .size_limit(PATTERN_SIZE_LIMIT * patterns.len().max(1))
            .build()?;
        let each = key
            .iter()
            .map(|pattern| (pattern.clone(), OnceLock::new()))
            .collect();
        let set = Self { set, each };
        COMPILED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, set.clone());
        Ok(set)
    }

    pub fn empty() -> Self {
        Self::new::<&str>(&[]).expect("an empty set compiles")
    }

    pub fn is_empty(&self) -> bool {
        self.each.is_empty()
    }

    /// Pattern `index` alone. It compiled within the set, so it compiles alone; should it not,
    /// it locates nothing.
    fn pattern(&self, index: usize) -> Option<&Regex> {
        let (source, compiled) = self.each.get(index)?;
        compiled
            .get_or_init(|| compile_pattern(source).ok())
            .as_ref()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.set.is_match(text)
    }

    /// The first match of any pattern in `text` (leftmost), as a byte range of `text`.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        if !self.set.is_match(text) {
            return None;
        }
        self.set
            .matches(text)
            .iter()
            .filter_map(|i| self.pattern(i)?.find(text))
            .min_by_key(|m| (m.start(), std::cmp::Reverse(m.end())))
            .map(|m| m.range())
    }

    /// Every match of every pattern, sorted by start.
    pub fn find_all(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        if !self.set.is_match(text) {
            return Vec::new();
        }
        let mut out: Vec<_> = self
            .set
            .matches(text)
            .iter()
            .filter_map(|i| self.pattern(i))
            .flat_map(|pattern| pattern.find_iter(text).map(|m| m.range()))
            .collect();
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        out.dedup_by(|b, a| b.start < a.end);
        out
    }
}

/// Compiles one case-insensitive pattern with a bounded size.
pub fn compile_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
}

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
                PhraseSet::new(patterns).unwrap_or_else(|e| panic!("{}: {key}: {e}", theme.name));
            }
            for follow_up in &theme.follow_ups {
                PhraseSet::new(&follow_up.answers).unwrap();
            }
        }
    }

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

    #[test]
    fn phrase_set_finds_the_leftmost_match() {
        let set = PhraseSet::new(&["\\bblame\\w*", "\\bteam\\b"]).unwrap();
        assert_eq!(set.find("The team blamed me"), Some(4..8));
        assert_eq!(set.find_all("The team blamed me").len(), 2);
        assert_eq!(set.find("nothing"), None);
    }
}

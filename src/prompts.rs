//! Behavioral prompts as a reader hears them: "Tell me about a time a project did not go as
//! planned" asks what "Describe a project that didn't go well" asks. Used to pick a story's
//! theme from the prompt it answers and to count the prompts a bank covers.
//!
//! The framing words and the phrasings of each concept are data, in `themes/prompts.toml`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

use serde::Deserialize;

use crate::theme::{self, Theme};

#[derive(Deserialize)]
struct PromptsFile {
    stopwords: Vec<String>,
    concepts: BTreeMap<String, Vec<String>>,
}

struct Reader {
    stopwords: Vec<String>,
    /// Each concept's phrasings, compiled light: they only ever read a prompt.
    concepts: Vec<(String, theme::Pattern)>,
}

static READER: LazyLock<Reader> = LazyLock::new(|| {
    let file: PromptsFile = toml::from_str(include_str!("../themes/prompts.toml"))
        .expect("themes/prompts.toml is valid");
    let concepts = file
        .concepts
        .into_iter()
        .map(|(name, patterns)| {
            let pattern = format!("(?:{})", patterns.join("|"));
            let regex = theme::Pattern::new(&pattern)
                .unwrap_or_else(|e| panic!("themes/prompts.toml: concept {name}: {e}"));
            (name, regex)
        })
        .collect();
    Reader {
        stopwords: file.stopwords,
        concepts,
    }
});

/// Gists already read, by prompt: a bank's prompts are read again at every check of it.
static GISTS: LazyLock<Mutex<HashMap<String, Vec<String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// How many gists [`GISTS`] keeps before it starts afresh.
const GISTS_KEPT: usize = 4096;

/// What a prompt asks about: its concepts and content words, framing words left out.
pub fn gist(prompt: &str) -> Vec<String> {
    if let Some(found) = GISTS.lock().unwrap_or_else(|e| e.into_inner()).get(prompt) {
        return found.clone();
    }
    let read = read_gist(prompt);
    let mut kept = GISTS.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() >= GISTS_KEPT {
        kept.clear();
    }
    kept.insert(prompt.to_string(), read.clone());
    read
}

fn read_gist(prompt: &str) -> Vec<String> {
    let reader = &*READER;
    let mut text = prompt.to_lowercase().replace('’', "'");
    let mut out: Vec<String> = Vec::new();
    for (name, regex) in &reader.concepts {
        let found: Vec<_> = regex.find_iter_lowered(&text).collect();
        if !found.is_empty() {
            out.push(format!("<{name}>"));
            // Each phrasing found gives way to a space.
            for range in found.into_iter().rev() {
                text.replace_range(range, " ");
            }
        }
    }
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-') {
        let word = word.trim_matches(['\'', '-']);
        if word.is_empty() || reader.stopwords.iter().any(|s| s == word) {
            continue;
        }
        let stem = stem(word);
        if !out.contains(&stem) {
            out.push(stem);
        }
    }
    out
}

/// A crude stem, so that "projects" meets "project" and "missed" meets "miss".
fn stem(word: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if word.len() > suffix.len() + 3 {
            if let Some(stem) = word.strip_suffix(suffix) {
                return stem.to_string();
            }
        }
    }
    word.to_string()
}

/// How much two gists agree, from 0 to 1: the share of the longer one that the other holds.
fn overlap(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    shared as f32 / a.len().max(b.len()) as f32
}

/// Every built-in theme's common prompts with their gists, read once.
static COMMON: LazyLock<Vec<(&'static Theme, &'static str, Vec<String>)>> = LazyLock::new(|| {
    theme::builtin()
        .iter()
        .flat_map(|theme| {
            theme
                .prompts
                .iter()
                .map(move |common| (theme, common.as_str(), gist(common)))
        })
        .collect()
});

/// Compiles the prompt reader and reads the built-in prompts' gists now, which every bank
/// check needs: for `starling check` to do on a core that is otherwise idle at its start.
pub fn warm_up() {
    LazyLock::force(&COMMON);
}

/// The gist of `common` when it is a built-in theme's prompt (read once), else computed.
fn common_gist(common: &str) -> std::borrow::Cow<'static, [String]> {
    COMMON
        .iter()
        .find(|(_, prompt, _)| *prompt == common)
        .map_or_else(|| gist(common).into(), |(_, _, g)| g.as_slice().into())
}

/// A title that is itself a behavioral prompt ("Tell me about a time you failed").
static PROMPT_TITLE: LazyLock<theme::Pattern> = LazyLock::new(|| {
    theme::Pattern::new(r"^\W*(?:interview questions?\W+)?(?:tell (?:me|us) about|describe|give (?:me |us )?an example|walk (?:me|us) through|share a time|talk about|what (?:was|is|were|are|'s) (?:your|the (?:biggest|hardest|worst))|how do you|have you ever|can you (?:tell|describe|share))\b")
        .expect("valid")
});

/// Whether a title reads as a behavioral prompt.
pub fn reads_as_prompt(title: &str) -> bool {
    PROMPT_TITLE.is_match(title)
}

/// How alike two prompts must be to count as one.
const SAME: f32 = 0.6;

/// Whether a prompt a story names is one of a theme's common prompts, paraphrases included.
pub fn same_prompt(named: &str, common: &str) -> bool {
    overlap(&gist(named), &common_gist(common)) >= SAME
}

/// The theme whose common prompts `prompt` asks, and the common prompt it matched.
pub fn theme_of_prompt(prompt: &str) -> Option<(&'static Theme, &'static str)> {
    let asked = gist(prompt);
    let mut best: Option<(f32, &'static Theme, &'static str)> = None;
    for (theme, common, common_gist) in COMMON.iter() {
        let score = overlap(&asked, common_gist);
        if score >= SAME && best.is_none_or(|(b, ..)| score > b) {
            best = Some((score, theme, common));
        }
    }
    if let Some((_, theme, common)) = best {
        return Some((theme, common));
    }
    // No common prompt matched: the theme whose concepts the prompt names (a failure, a
    // mistake, hard feedback) still knows the kind of story.
    COMMON
        .iter()
        .find(|(_, _, common_gist)| {
            common_gist
                .iter()
                .any(|w| w.starts_with('<') && asked.contains(w))
        })
        .map(|(theme, common, _)| (*theme, *common))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paraphrases_of_one_prompt_match() {
        assert!(same_prompt(
            "Tell me about a time a project did not go as planned.",
            "Describe a project that didn't go well. What did you do?"
        ));
        assert!(same_prompt(
            "tell me about a time when you failed",
            "Tell me about a time you failed."
        ));
        assert!(!same_prompt(
            "Tell me about a project you are proud of.",
            "Tell me about a time you failed."
        ));
        assert!(!same_prompt(
            "Tell me about a time you disagreed with your manager.",
            "Tell me about a time you failed."
        ));
    }

    #[test]
    fn the_prompt_picks_the_theme() {
        let (theme, _) =
            theme_of_prompt("Tell me about a time you disagreed with your manager.").unwrap();
        assert_eq!(theme.name, "star");
        let (theme, _) =
            theme_of_prompt("Tell me about a time a project did not go as planned.").unwrap();
        assert_eq!(theme.name, "failure");
        let (theme, _) = theme_of_prompt("What is the worst mistake you made as a nurse?").unwrap();
        assert_eq!(theme.name, "failure");
        assert!(theme_of_prompt("What are your hobbies?").is_none());
        assert!(reads_as_prompt("Tell me about a time you failed"));
        assert!(!reads_as_prompt("The billing migration that shipped late"));
    }
}

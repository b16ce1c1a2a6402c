//! The story bank as a whole: which of each theme's common prompts have a story ready.
//!
//! Front ends summarize each checked story ([`summaries`]), then ask [`coverage`] for the
//! `prompt-coverage` findings of the whole bank. The language server can keep summaries per
//! open file and call the same function.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::analysis::{story_theme, Analysis};
use crate::config::{Config, RuleSetting};
use crate::rules::bank::prompt_coverage::PromptCoverage;
use crate::rules::{Finding, Severity};
use crate::story::Outline;
use crate::theme;

/// Fewer stories-ready prompts than this, per theme, and `prompt-coverage` fires.
pub const MIN_PROMPTS: usize = 3;

/// What the bank needs to know about one story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    /// Which file (an index or path chosen by the caller).
    pub file: usize,
    pub theme: String,
    /// The prompts the story names.
    pub prompts: Vec<String>,
    /// Whether the story has no error-level finding.
    pub ready: bool,
    /// Where a bank finding about this story's theme would point.
    pub anchor: Range<usize>,
}

/// A bank-level finding, tied to a file of the caller's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankFinding {
    pub file: usize,
    pub finding: Finding,
}

/// The summaries of every story of one checked file.
pub fn summaries(
    file: usize,
    text: &str,
    analysis: &Analysis,
    config: &Config,
) -> Vec<StorySummary> {
    let outline = &analysis.outline;
    let mut ready = vec![true; outline.stories.len()];
    for finding in &analysis.findings {
        if finding.severity >= Severity::Error {
            if let Some(ready) = finding.story.and_then(|index| ready.get_mut(index)) {
                *ready = false;
            }
        }
    }
    story_summaries(file, text, outline, &ready, config)
}

/// The summaries of the stories of `outline`, `ready[index]` saying whether story `index` has
/// no error-level finding (a story past its end counts as ready).
pub fn story_summaries(
    file: usize,
    text: &str,
    outline: &Outline,
    ready: &[bool],
    config: &Config,
) -> Vec<StorySummary> {
    outline
        .stories
        .iter()
        .enumerate()
        .map(|(index, story)| {
            let mut prompts = story.meta.prompts.clone();
            if prompts.is_empty() {
                prompts = outline.file.meta.prompts.clone();
            }
            StorySummary {
                file,
                theme: story_theme(story, outline, config).name.clone(),
                prompts,
                ready: ready.get(index).copied().unwrap_or(true),
                anchor: story.anchor(text),
            }
        })
        .collect()
}

/// The `prompt-coverage` findings of a bank: one per theme whose ready stories answer fewer
/// than [`MIN_PROMPTS`] of its common prompts, on the theme's first story.
pub fn coverage(stories: &[StorySummary], config: &Config) -> Vec<BankFinding> {
    let setting = config.rule(PromptCoverage::META.id);
    if setting == Some(RuleSetting::Off) {
        return Vec::new();
    }
    let mut by_theme: BTreeMap<&str, Vec<&StorySummary>> = BTreeMap::new();
    for story in stories {
        by_theme
            .entry(story.theme.as_str())
            .or_default()
            .push(story);
    }
    let mut out = Vec::new();
    for (name, stories) in by_theme {
        let Some(theme) = theme::find(name) else {
            continue;
        };
        if theme.prompts.is_empty() || !theme.applies(PromptCoverage::META.id) {
            continue;
        }
        let covered: Vec<&String> = theme
            .prompts
            .iter()
            .filter(|common| {
                stories
                    .iter()
                    .any(|s| s.ready && s.prompts.iter().any(|p| same_prompt(p, common)))
            })
            .collect();
        if covered.len() >= MIN_PROMPTS.min(theme.prompts.len()) {
            continue;
        }
        let first = stories[0];
        let missing: Vec<&str> = theme
            .prompts
            .iter()
            .filter(|p| !covered.contains(p))
            .map(String::as_str)
            .collect();
        let message = format!(
            "Theme `{name}`: stories ready for {} of its {} common prompts (have at least {MIN_PROMPTS}); none yet for: {}",
            covered.len(),
            theme.prompts.len(),
            missing.join(" / ")
        );
        let mut finding = Finding::new(&PromptCoverage::META, first.anchor.clone(), message);
        if let Some(RuleSetting::On(severity)) = setting {
            finding.severity = severity;
        }
        out.push(BankFinding {
            file: first.file,
            finding,
        });
    }
    out
}

/// Whether a prompt a story names is one of a theme's common prompts, paraphrases included.
pub use crate::prompts::same_prompt;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

    const PARTS: &str = "## Situation\nA launch.\n## Task\nI owned it.\n## Action\nI cut tests.\n## Result\nWe slipped two weeks.\n";

    fn summary(text: &str, file: usize) -> Vec<StorySummary> {
        let config = Config::default();
        summaries(file, text, &check_text(text, &config), &config)
    }

    #[test]
    fn prompts_match_loosely() {
        assert!(same_prompt(
            "tell me about a time when you failed",
            "Tell me about a time you failed."
        ));
        assert!(!same_prompt(
            "Tell me about a project you are proud of.",
            "Tell me about a time you failed."
        ));
    }

    #[test]
    fn fires_when_a_theme_covers_fewer_than_three_prompts() {
        let one = format!("# Launch one\nPrompt: Tell me about a time you failed.\n\n{PARTS}");
        let two = format!("# Launch two\nPrompt: Tell me about a decision you made that turned out to be wrong.\n\n{PARTS}");
        let mut stories = summary(&one, 0);
        stories.extend(summary(&two, 1));
        let found = coverage(&stories, &Config::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, 0);
        assert!(
            found[0].finding.message.contains("2 of its 7"),
            "{}",
            found[0].finding.message
        );
        let three = format!("# Launch three\nPrompt: Describe a situation where you didn't meet expectations.\n\n{PARTS}");
        stories.extend(summary(&three, 2));
        // A story with an error-level problem is not ready.
        let broken = "# Launch four\nPrompt: Tell me about a project you regret leading.\n\n## Action\nI chose X.\n";
        let stories_with_broken: Vec<_> = stories[..2]
            .iter()
            .cloned()
            .chain(summary(broken, 3))
            .collect();
        assert_eq!(coverage(&stories_with_broken, &Config::default()).len(), 1);
        assert!(coverage(&stories, &Config::default()).is_empty());
    }

    #[test]
    fn can_be_turned_off() {
        let config = Config::from_toml("[rules]\nprompt-coverage = \"off\"\n", None).unwrap();
        let stories = summary("# Launch one\n## Action\nI cut tests.\n", 0);
        assert!(coverage(&stories, &config).is_empty());
        assert_eq!(coverage(&stories, &Config::default()).len(), 1);
    }
}

//! Flags a theme whose ready stories answer too few of its common prompts, over a whole story
//! bank: [`crate::bank`] summarizes the stories and [`check`] decides.

use std::collections::BTreeMap;

use crate::bank::{same_prompt, BankFinding, StorySummary};
use crate::config::{Config, RuleSetting};
use crate::rules::Finding;
use crate::theme;

/// Fewer stories-ready prompts than this, per theme, and `prompt-coverage` fires.
pub const MIN_PROMPTS: usize = 3;

crate::declare_rule! {
    /// ## What it flags
    /// A theme for which the story bank has stories ready for fewer than three of its common
    /// prompts (for `failure`: "Tell me about a time you failed", "a decision that turned
    /// out to be wrong", "feedback that was hard to hear", ...). It is reported once per
    /// theme, on the first story file of that theme.
    ///
    /// ## What the interviewer tests
    /// Range. Interviewers ask variations of the same theme, and they probe with a second
    /// question when the first answer lands; one rehearsed story stretched over every prompt
    /// shows.
    ///
    /// ## Why this text trips it
    /// Counting the prompts the theme's stories name (front matter `prompt:` or a `Prompt:`
    /// line), and leaving out stories with error-level problems, fewer than three of the
    /// theme's common prompts have a story ready.
    ///
    /// ## What a strong story does
    /// A strong bank has a story pre-loaded for at least three prompts of each theme, each
    /// naming the prompts it answers: "Prompt: Tell me about a time you got feedback that was
    /// hard to hear."
    ///
    /// ## Example
    /// Weak: A bank of four failure stories that all answer "Tell me about a time you failed."
    ///
    /// Strong: The same bank with stories named for a wrong decision, hard feedback and a missed expectation.
    PromptCoverage { id: "prompt-coverage", category: Bank, severity: Info }
}

/// The `prompt-coverage` findings of a bank: one per theme whose ready stories answer fewer
/// than [`MIN_PROMPTS`] of its common prompts, on the theme's first story.
pub fn check(stories: &[StorySummary], config: &Config) -> Vec<BankFinding> {
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

//! A story's card: its score, spoken length, parts, finding counts and follow-up readiness,
//! as a code lens and a title hover show it.

use std::ops::Range;

use crate::analysis::Analysis;
use crate::config::Config;
use crate::document::Shift;
use crate::rules::structure::{format_duration, spoken_words};
use crate::rules::{Context, Finding, Severity};
use crate::score::{Dimension, FollowUp};
use crate::story::{Outline, PartKind};

/// How many findings of each severity a story has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
            Severity::Hint => self.hints += 1,
        }
    }

    /// "1 error, 3 warnings", or "no problems"; hints are left out.
    pub fn summary(&self) -> String {
        let mut pieces = Vec::new();
        for (n, one, many) in [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.infos, "note", "notes"),
        ] {
            if n > 0 {
                pieces.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        if pieces.is_empty() {
            "no problems".to_string()
        } else {
            pieces.join(", ")
        }
    }
}

/// A story's score as shown in a lens and on hover, from [`crate::score`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreView {
    pub total: u8,
    pub max: u8,
    /// The five dimensions, each with its points and one reason per point.
    pub dimensions: Vec<Dimension>,
    /// Follow-up questions, each with the sentence that answers it, if the story has one.
    pub follow_ups: Vec<FollowUp>,
}

/// One part of a story as a card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartCard {
    pub kind: PartKind,
    pub range: Range<usize>,
    /// The label's bytes; `None` for an inferred part.
    pub label: Option<Range<usize>>,
    pub words: usize,
    pub seconds: f64,
}

/// What a lens and a title hover say about one story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryCard {
    pub index: usize,
    pub name: String,
    pub range: Range<usize>,
    /// The title's text range, where the lens sits; `None` for an untitled story.
    pub title: Option<Range<usize>>,
    /// The range a story-level finding points at.
    pub anchor: Range<usize>,
    pub theme: String,
    /// Why that theme judged the story (it names it, or its prompt is one of the theme's).
    pub theme_reason: String,
    pub prompts: Vec<String>,
    pub words: usize,
    pub seconds: f64,
    pub parts: Vec<PartCard>,
    pub inferred: bool,
    pub counts: Counts,
    pub score: Option<ScoreView>,
}

/// The cards of every story of an analysed document.
pub fn story_cards(text: &str, analysis: &Analysis, config: &Config) -> Vec<StoryCard> {
    let outline = &analysis.outline;
    let counts = story_counts(&analysis.findings, outline.stories.len());
    (0..outline.stories.len())
        .map(|index| StoryCard {
            counts: counts[index],
            ..story_card(text, outline, index, config)
        })
        .collect()
}

/// How many findings of each severity every story of `stories` stories has, in one pass.
pub fn story_counts(findings: &[Finding], stories: usize) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); stories];
    for finding in findings {
        if let Some(count) = finding.story.and_then(|index| counts.get_mut(index)) {
            count.add(finding.severity);
        }
    }
    counts
}

/// The card of story `index` of `outline`, its counts left at zero: everything on it but the
/// counts depends only on the story's own bytes, its theme and the configuration, so a card
/// can be kept (and moved) for as long as the story's findings are.
pub fn story_card(text: &str, outline: &Outline, index: usize, config: &Config) -> StoryCard {
    let words_per_minute = config.tuning().words_per_minute.max(1.0);
    let story = &outline.stories[index];
    let cx = crate::analysis::story_context(text, outline, index, config);
    let words = spoken_words(&cx);
    let parts = story
        .parts
        .iter()
        .map(|part| {
            let words = cx.prose(part).word_count();
            PartCard {
                kind: part.kind,
                range: part.range.clone(),
                label: part.label.as_ref().map(|l| l.range.clone()),
                words,
                seconds: words as f64 * 60.0 / words_per_minute,
            }
        })
        .collect();
    let mut prompts = story.meta.prompts.clone();
    if prompts.is_empty() {
        prompts = outline.file.meta.prompts.clone();
    }
    StoryCard {
        index,
        name: story.name().to_string(),
        range: story.range.clone(),
        title: story.title.as_ref().map(|t| t.content.clone()),
        anchor: story.anchor(text),
        theme: cx.theme.name.clone(),
        theme_reason: crate::analysis::theme_choice(story, outline, config).reason,
        prompts,
        words,
        seconds: words as f64 * 60.0 / words_per_minute,
        parts,
        inferred: story.inferred,
        counts: Counts::default(),
        score: Some(score(&cx)),
    }
}

/// The story's score and follow-up readiness.
fn score(cx: &Context<'_>) -> ScoreView {
    let score = crate::score::score(cx);
    ScoreView {
        total: score.total,
        max: score.max,
        dimensions: score.dimensions,
        follow_ups: crate::score::follow_ups(cx),
    }
}

crate::shift_fields!(PartCard: range, label);
crate::shift_fields!(ScoreView: follow_ups);
crate::shift_fields!(StoryCard: range, title, anchor, parts, score);

impl StoryCard {
    /// The card with every byte range moved by `delta` (see [`Shift`]).
    pub fn shifted(&self, delta: isize) -> StoryCard {
        Shift::shifted(self.clone(), delta)
    }

    /// The one-line lens: "Score 14/20 · 2m40s spoken · 3 warnings".
    pub fn lens_title(&self) -> String {
        let mut pieces = Vec::new();
        if let Some(score) = &self.score {
            pieces.push(format!("Score {}/{}", score.total, score.max));
        }
        pieces.push(format!("{} spoken", format_duration(self.seconds)));
        pieces.push(self.counts.summary());
        pieces.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

    const STORY: &str =
        "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";

    #[test]
    fn a_card_counts_words_and_findings() {
        let config = Config::default();
        let analysis = check_text(STORY, &config);
        let cards = story_cards(STORY, &analysis, &config);
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].parts.len(), 2);
        assert!(cards[0].counts.errors >= 1);
        let lens = cards[0].lens_title();
        assert!(lens.contains("spoken"), "{lens}");
        assert!(cards[0]
            .hover_markdown()
            .contains("Missing: Task, Result, Learning"));
    }

    #[test]
    fn a_card_shows_the_score_and_follow_up_readiness() {
        let text = "# Launch\n\n## Action\nI cut the tests to ship on time.\n\n## Learning\nSince then I have run a checklist before every launch.\n";
        let config = Config::default();
        let analysis = check_text(text, &config);
        let card = &story_cards(text, &analysis, &config)[0];
        let score = card.score.as_ref().unwrap();
        assert_eq!(score.max, 20);
        assert!(card
            .lens_title()
            .starts_with(&format!("Score {}/20 · ", score.total)));
        let hover = card.hover_markdown();
        for name in [
            "Ownership",
            "Root cause",
            "Recovery",
            "Learning loop",
            "Scope and impact",
        ] {
            assert!(hover.contains(&format!("- **{name}** ")), "{hover}");
        }
        assert!(hover.contains("Follow-up readiness:"), "{hover}");
        assert!(hover.contains("- ✗ "), "{hover}");
        assert!(
            hover.contains("\"Since then I have run a checklist before every launch.\""),
            "{hover}"
        );
    }

    #[test]
    fn a_moved_card_is_the_card_of_the_moved_story() {
        let config = Config::default();
        let analysis = check_text(STORY, &config);
        let card = story_card(STORY, &analysis.outline, 0, &config);
        let moved = format!("\n\n{STORY}");
        let analysis = check_text(&moved, &config);
        assert_eq!(
            card.shifted(2),
            story_card(&moved, &analysis.outline, 0, &config)
        );
    }
}

//! Hover text: a story's card in Markdown, what a part should hold, and what a competency id
//! means.

use std::ops::Range;

use super::card::{PartCard, StoryCard};
use crate::config::Config;
use crate::rules::structure::format_duration;
use crate::story::{Outline, PartKind};
use crate::theme::PARTS;

impl StoryCard {
    /// The title hover, in Markdown.
    pub fn hover_markdown(&self) -> String {
        let mut out = format!("### {}\n\n", self.name);
        if let Some(score) = &self.score {
            out.push_str(&format!("**Score {}/{}**\n\n", score.total, score.max));
            for dimension in &score.dimensions {
                out.push_str(&format!(
                    "- **{}** {}/{}\n",
                    dimension.name,
                    dimension.points,
                    crate::score::MAX_POINTS
                ));
                for reason in &dimension.reasons {
                    out.push_str(&format!("  - {reason}\n"));
                }
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "About **{}** spoken ({} words) · theme `{}` · {}\n\n",
            format_duration(self.seconds),
            self.words,
            self.theme,
            self.counts.summary()
        ));
        out.push_str(&format!(
            "Judged as a `{}` story: {}.\n\n",
            self.theme, self.theme_reason
        ));
        if self.parts.is_empty() {
            out.push_str("No parts found yet.\n");
        } else {
            out.push_str(if self.inferred {
                "Parts (inferred from the prose):\n\n"
            } else {
                "Parts:\n\n"
            });
            for part in &self.parts {
                out.push_str(&format!(
                    "- {}: {} words, {}\n",
                    part.kind.name(),
                    part.words,
                    format_duration(part.seconds)
                ));
            }
            let missing: Vec<&str> = PartKind::ALL
                .iter()
                .filter(|kind| !self.parts.iter().any(|p| p.kind == **kind))
                .map(|kind| kind.name())
                .collect();
            if !missing.is_empty() {
                out.push_str(&format!("\nMissing: {}\n", missing.join(", ")));
            }
        }
        if let Some(score) = &self.score {
            if !score.follow_ups.is_empty() {
                out.push_str("\nFollow-up readiness:\n\n");
                for follow_up in &score.follow_ups {
                    match &follow_up.answer {
                        Some((_, sentence)) => out.push_str(&format!(
                            "- ✓ {}: \"{}\"\n",
                            follow_up.question,
                            sentence.trim()
                        )),
                        None => out.push_str(&format!("- ✗ {}\n", follow_up.question)),
                    }
                }
            }
        }
        if !self.prompts.is_empty() {
            out.push_str("\nAnswers: ");
            out.push_str(&self.prompts.join("; "));
            out.push('\n');
        }
        out
    }
}

impl PartCard {
    /// The hover over a part's label: what the part should hold and how long it runs.
    pub fn hover_markdown(&self) -> String {
        let spec = PARTS.spec(self.kind);
        format!(
            "**{}**: {}\n\nUsually {}. This part: {} words, about {} spoken.",
            spec.name,
            spec.holds,
            spec.share,
            self.words,
            format_duration(self.seconds)
        )
    }
}

/// The competency set a story's ids come from: the one `starling.toml` picks, else the
/// generic set.
pub fn competency_set(config: &Config) -> &'static crate::competency::CompetencySet {
    config
        .competency_set()
        .or_else(|| crate::competency::find("general"))
        .unwrap_or(&crate::competency::sets()[0])
}

/// Whether `offset` lies in the front matter or a story's metadata lines, where competency
/// ids are written.
pub fn in_metadata(outline: &Outline, offset: usize) -> bool {
    let within = |r: &Range<usize>| r.start <= offset && offset <= r.end;
    outline.file.front_matter.as_ref().is_some_and(within)
        || outline
            .stories
            .iter()
            .any(|s| s.meta.range.as_ref().is_some_and(within))
}

/// The explanation of the competency id under `offset`, if one is there.
pub fn competency_hover(text: &str, offset: usize, config: &Config) -> Option<String> {
    crate::competency::hover(competency_set(config), text, offset).map(|(_, c)| c.markdown())
}

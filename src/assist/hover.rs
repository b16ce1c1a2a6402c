//! Hover text: a story's card in Markdown, what a part should hold, and what a competency id
//! means.

use std::borrow::Cow;
use std::ops::Range;

use super::card::{PartCard, StoryCard};
use crate::config::Config;
use crate::rules::structure::format_duration;
use crate::rules::{self, Finding};
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

/// What a document's hover at `offset` shows, in order: the card of a story whose title it is
/// on, the part whose label it is on, the competency id it is on (read only in metadata), and
/// the rule of each finding it is in. `text` is read only for a competency.
pub fn hover_sections<'a>(
    cards: impl Iterator<Item = StoryCard>,
    outline: &Outline,
    text: impl FnOnce() -> Cow<'a, str>,
    findings: &[Finding],
    config: &Config,
    offset: usize,
) -> Vec<String> {
    let mut sections = Vec::new();
    for card in cards {
        let on_title = card
            .title
            .as_ref()
            .is_some_and(|t| t.start <= offset && offset <= t.end);
        if on_title {
            sections.push(card.hover_markdown());
        }
        for part in &card.parts {
            if part
                .label
                .as_ref()
                .is_some_and(|l| l.start <= offset && offset <= l.end)
            {
                sections.push(part.hover_markdown());
            }
        }
    }
    // Competency ids stand only in metadata: read the text only there.
    if in_metadata(outline, offset) {
        if let Some(competency) = competency_hover(&text(), offset, config) {
            sections.push(competency);
        }
    }
    for finding in findings {
        if finding.range.start <= offset && offset <= finding.range.end {
            sections.push(finding_hover(finding));
        }
    }
    sections
}

/// A rule's hover: its id, the finding's message and the explanation.
pub fn finding_hover(finding: &Finding) -> String {
    let mut out = format!(
        "**`{}`** · {}\n\n{}\n\n",
        finding.rule, finding.severity, finding.message
    );
    if let Some(meta) = rules::find(finding.rule) {
        out.push_str(&meta.explanation());
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "[Rule documentation]({})",
        rules::doc_url(finding.rule)
    ));
    out
}

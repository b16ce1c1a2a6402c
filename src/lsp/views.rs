//! What some requests show, decided from engine values: the pieces of a hover and which
//! completions a document gets. They speak engine types and byte offsets only, and belong in
//! `assist`; they wait here until they move.

use std::borrow::Cow;

use crate::assist::{self, Candidate, CandidateKind, StoryCard};
use crate::config::Config;
use crate::rules::Finding;
use crate::story::Outline;

/// The most stories `textDocument/documentSymbol` lists: the first ones, in order. An outline
/// of more stories than anyone reads costs the client more than it shows.
pub const MAX_SYMBOLS: usize = 2_000;

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
    if assist::in_metadata(outline, offset) {
        if let Some(competency) = assist::competency_hover(&text(), offset, config) {
            sections.push(competency);
        }
    }
    for finding in findings {
        if finding.range.start <= offset && offset <= finding.range.end {
            sections.push(super::to_lsp::finding_hover(finding));
        }
    }
    sections
}

/// The completions at `offset`. Front matter keys make any Markdown file a story file, so
/// they are offered in every Markdown file; the rest only in story files.
pub fn completions(
    text: &str,
    outline: &Outline,
    offset: usize,
    config: &Config,
    is_story: bool,
) -> Vec<Candidate> {
    assist::completions(text, outline, offset, config)
        .into_iter()
        .filter(|c| is_story || c.kind == CandidateKind::Key)
        .collect()
}

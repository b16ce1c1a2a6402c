//! Structure rules: are the parts there, in order, in proportion?

pub mod empty_section;
pub mod malformed_front_matter;
pub mod missing_learning;
pub mod missing_star_section;
pub mod section_order;
pub mod speaking_time;
pub mod storytelling_heavy;
pub mod unknown_rule_id;
pub mod unlabeled_parts;

use std::ops::Range;

use crate::rules::Context;
use crate::story::PartKind;
use crate::theme::PARTS;

/// The first sentence of the story (outside any labeled part of `kind`) that tells part `kind`
/// in prose, as a document range.
pub fn told_in_prose(cx: &Context<'_>, kind: PartKind) -> Option<Range<usize>> {
    let prose = cx.story_prose();
    let cues = PARTS.cues(kind);
    prose
        .sentence_texts()
        .find(|(_, sentence)| cues.is_match(sentence))
        .map(|(range, _)| prose.to_doc_range(range))
}

/// Words in the parts that cover `kinds` (each part counted once).
pub fn words_in(cx: &Context<'_>, kinds: &[PartKind]) -> usize {
    cx.story
        .parts
        .iter()
        .filter(|p| kinds.contains(&p.kind))
        .map(|p| cx.prose(p).word_count())
        .sum()
}

/// Words a listener hears: every part, plus any prose before the first part.
pub fn spoken_words(cx: &Context<'_>) -> usize {
    let parts: usize = cx
        .story
        .parts
        .iter()
        .map(|p| cx.prose(p).word_count())
        .sum();
    let preamble = cx.story.preamble.clone().map_or(0, |range| {
        crate::text::Prose::new(cx.text, range, cx.opaque).word_count()
    });
    parts + preamble
}

/// "1m40s" for 100 seconds.
pub fn format_duration(seconds: f64) -> String {
    let seconds = seconds.round().max(0.0) as u64;
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s:02}s"),
    }
}

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
pub use crate::text::acts::tells_an_act;
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

/// Whether a story told in plain prose holds part `kind`'s substance anywhere: some context
/// for the Situation, the teller's presence for the Task, an act of the teller's for the
/// Action, and after the opening sentence, a word on how it ended for the Result.
pub fn has_substance(cx: &Context<'_>, kind: PartKind) -> bool {
    let prose = cx.story_prose();
    let sentences: Vec<&str> = prose.sentence_texts().map(|(_, s)| s).collect();
    let substance = PARTS.substance(kind);
    let cues = PARTS.cues(kind);
    match kind {
        PartKind::Situation => {
            sentences.len() >= 3 || sentences.iter().any(|s| substance.is_match(s))
        }
        PartKind::Task => sentences
            .iter()
            .any(|s| substance.is_match(s) || cues.is_match(s)),
        // The opening sentence sets the scene ("Last year I ran the stock count"): the
        // Action is an act after it, unless the story is that one sentence.
        PartKind::Action => sentences
            .iter()
            .skip(usize::from(sentences.len() > 1))
            .any(|s| tells_an_act(s) || cues.is_match(s)),
        PartKind::Result => sentences.iter().skip(1).any(|s| {
            substance.is_match(s) || cues.is_match(s) || crate::text::figures::has_figure(s)
        }),
        PartKind::Learning => sentences.iter().any(|s| cues.is_match(s)),
    }
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

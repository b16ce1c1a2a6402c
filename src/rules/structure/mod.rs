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
use std::sync::LazyLock;

use regex::Regex;

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

/// A verb of doing after "I" or "we": "I called", "we rebuilt", "I quickly wrote".
static FIRST_PERSON_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i|we)\b(?: (?:\w+ly|then|also|finally|first|later|eventually|even|both|all))* ([a-z]+)\b")
        .expect("valid")
});
static STATE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    crate::theme::compile_pattern(&crate::theme::expand_classes("^{state-verb}$")).expect("valid")
});
static IRREGULAR_PAST: LazyLock<Regex> = LazyLock::new(|| {
    crate::theme::compile_pattern(&crate::theme::expand_classes("^{irregular-past}$"))
        .expect("valid")
});

/// A verb the teller went on to do: "I managed to rebook", "I was eager and promised".
static FIRST_PERSON_LATER_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i|we)\b([^.;]{0,60}?)\b(?:(?:was|were) able to|managed to|tried to|decided to|chose to|started to|began to|went on to|offered to|agreed to|volunteered to|(and)) (?:then |also |quickly |finally )?([a-z]+)\b")
        .expect("valid")
});

static HABITUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(have|has|will|would|can|could|should|always|usually|often|generally)\b")
        .expect("valid")
});

fn is_past_act(verb: &str) -> bool {
    !STATE_VERB.is_match(verb)
        && (IRREGULAR_PAST.is_match(verb) || (verb.len() > 3 && verb.ends_with("ed")))
}

/// Whether `sentence` tells the teller doing something, in the past: "I called the client",
/// "we rebuilt the rota", "I managed to rebook"; not "I was", "I thought", "I have tried".
pub fn tells_an_act(sentence: &str) -> bool {
    FIRST_PERSON_VERB
        .captures_iter(sentence)
        .any(|caps| is_past_act(&caps[1].to_ascii_lowercase()))
        || FIRST_PERSON_LATER_VERB.captures_iter(sentence).any(|caps| {
            // "I have tried to", "we would try to": a habit or a wish, not an act.
            if HABITUAL.is_match(&caps[1]) {
                return false;
            }
            let verb = caps[3].to_ascii_lowercase();
            // After "and" the verb must be in the past; after "managed to" any verb of doing.
            if caps.get(2).is_some() {
                is_past_act(&verb)
            } else {
                !STATE_VERB.is_match(&verb)
            }
        })
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
        PartKind::Action => sentences
            .iter()
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

//! How the content rules and the score read a story: the teller's own claims (outside quoted
//! speech, not denied by a negation), figures and costs, who acts, what the lesson is.
//!
//! Every judgement here is a function of one story's [`Context`], so that a rule and the score
//! agree by construction. Phrase lists come from the theme (`themes/*.toml` `[phrases]`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::rules::Context;
use crate::story::{Part, PartKind};
use crate::text::figures::{figures, Figure, FigureKind};
use crate::text::negation::is_negated;
use crate::text::pronouns::{actors_outside, Actors};
use crate::text::quotes::is_quoted;
use crate::text::Prose;
use crate::theme::PhraseSet;

use PartKind::{Action, Learning, Result, Situation, Task};

/// Every part.
pub const ALL: &[PartKind] = &PartKind::ALL;
/// The parts that tell what happened and what came of it, after the setup.
pub const TOLD: &[PartKind] = &[Action, Result, Learning];
/// The parts that tell the failure and its cost, before the lesson.
pub const STAR: &[PartKind] = &[Situation, Task, Action, Result];

/// Words of the story that support a judgement: where they are and what they say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The part they stand in.
    pub kind: PartKind,
    /// Document byte range of the words.
    pub range: Range<usize>,
    /// The words, as the prose reads them.
    pub words: String,
    /// The whole sentence, for messages and hovers.
    pub sentence: String,
}

/// One sentence of a part.
pub struct Sentence<'a> {
    pub kind: PartKind,
    pub prose: &'a Prose,
    /// Range in the prose text.
    pub range: Range<usize>,
    pub text: &'a str,
    /// Quoted spans inside the sentence, relative to the sentence.
    quoted: Vec<Range<usize>>,
}

impl Sentence<'_> {
    /// The claim for the sentence's bytes `within` (relative to the sentence).
    pub fn claim(&self, within: Range<usize>) -> Claim {
        let start = self.range.start + within.start;
        let end = self.range.start + within.end;
        Claim {
            kind: self.kind,
            range: self.prose.to_doc_range(start..end),
            words: self.text[within].trim().to_string(),
            sentence: self.text.to_string(),
        }
    }

    /// The claim for the whole sentence.
    pub fn whole(&self) -> Claim {
        self.claim(0..self.text.len())
    }

    /// Matches of `set` the teller makes: outside quotes and not negated.
    pub fn own(&self, set: &PhraseSet) -> Vec<Range<usize>> {
        set.find_all(self.text)
            .into_iter()
            .filter(|m| !is_quoted(&self.quoted, m.start) && !is_negated(self.text, m.start))
            .collect()
    }

    /// Matches of `set` outside quotes, negated or not.
    pub fn mentions(&self, set: &PhraseSet) -> Vec<Range<usize>> {
        set.find_all(self.text)
            .into_iter()
            .filter(|m| !is_quoted(&self.quoted, m.start))
            .collect()
    }

    /// Figures in the sentence, outside quotes.
    pub fn figures(&self) -> Vec<Figure> {
        figures(self.text)
            .into_iter()
            .filter(|f| !is_quoted(&self.quoted, f.range.start))
            .collect()
    }

    /// "I" against "we" in the sentence, outside quotes.
    pub fn actors(&self) -> Actors {
        actors_outside(self.text, &self.quoted)
    }
}

/// The parts of the story that cover one of `kinds`, in document order.
pub fn parts<'a>(cx: &'a Context<'_>, kinds: &'a [PartKind]) -> impl Iterator<Item = &'a Part> {
    cx.story
        .parts
        .iter()
        .filter(move |p| kinds.iter().any(|k| p.covers(*k)))
}

/// The sentences of the parts that cover one of `kinds`.
pub fn sentences<'a>(cx: &'a Context<'_>, kinds: &[PartKind]) -> Vec<Sentence<'a>> {
    let mut out = Vec::new();
    for part in parts(cx, kinds) {
        let prose = cx.prose(part);
        let quoted = prose.quoted();
        for range in prose.sentences() {
            let inside = quoted
                .iter()
                .filter(|q| q.start < range.end && range.start < q.end)
                .map(|q| {
                    q.start.saturating_sub(range.start)..(q.end - range.start).min(range.len())
                })
                .collect();
            out.push(Sentence {
                kind: part.kind,
                prose,
                range: range.clone(),
                text: &prose.text()[range.clone()],
                quoted: inside,
            });
        }
    }
    out
}

/// Every claim of phrase list `key` the teller makes in the parts `kinds`.
pub fn claims(cx: &Context<'_>, kinds: &[PartKind], key: &str) -> Vec<Claim> {
    let set = cx.phrases(key);
    if set.is_empty() {
        return Vec::new();
    }
    sentences(cx, kinds)
        .iter()
        .flat_map(|s| s.own(set).into_iter().map(|m| s.claim(m)))
        .collect()
}

/// The first claim of `key` in `kinds`.
pub fn first_claim(cx: &Context<'_>, kinds: &[PartKind], key: &str) -> Option<Claim> {
    let set = cx.phrases(key);
    if set.is_empty() {
        return None;
    }
    sentences(cx, kinds)
        .iter()
        .find_map(|s| s.own(set).into_iter().next().map(|m| s.claim(m)))
}

/// Whether the teller owns the failure outright ("the call was mine", "that's on me").
pub fn owns_failure(cx: &Context<'_>) -> bool {
    first_claim(cx, TOLD, "owned-failure").is_some()
}

/// The failure put on other people or on circumstances, unless the teller owns it outright.
pub fn blame(cx: &Context<'_>) -> Vec<Claim> {
    if owns_failure(cx) {
        return Vec::new();
    }
    let mut out = claims(cx, ALL, "blame-shifting");
    for claim in claims(cx, ALL, "no-agency") {
        if !out.iter().any(|c| overlaps(&c.range, &claim.range)) {
            out.push(claim);
        }
    }
    out.sort_by_key(|c| c.range.start);
    out
}

/// The failure told as something that just happened, unless the teller owns it outright.
pub fn no_agency(cx: &Context<'_>) -> Vec<Claim> {
    if owns_failure(cx) {
        return Vec::new();
    }
    claims(cx, ALL, "no-agency")
}

/// "I" against "we" over the Action parts, and where the first "we" stands.
pub fn action_actors(cx: &Context<'_>) -> Option<(Actors, Option<Range<usize>>)> {
    let mut total = Actors::default();
    let mut first_we = None;
    let mut any = false;
    for sentence in sentences(cx, &[Action]) {
        any = true;
        let actors = sentence.actors();
        if let (None, Some(at)) = (&first_we, actors.first_we) {
            first_we = Some(sentence.claim(at..at + 2).range);
        }
        total.i += actors.i;
        total.we += actors.we;
    }
    any.then_some((total, first_we))
}

/// The teller's own causal analysis: why it happened, beyond what went wrong. A deeper cause
/// (a fear, a self-image, a habit) is one too.
pub fn root_cause(cx: &Context<'_>) -> Option<Claim> {
    first_claim(cx, ALL, "no-root-cause").or_else(|| deeper_cause(cx))
}

/// A cause in the teller's fears, self-image or habits.
pub fn deeper_cause(cx: &Context<'_>) -> Option<Claim> {
    first_claim(cx, TOLD, "deeper-cause")
}

/// What the teller did right away to limit the damage, told in the Action.
pub fn recovery(cx: &Context<'_>) -> Option<Claim> {
    let acts = cx.phrases("no-immediate-recovery");
    let timing = cx.phrases("recovery-timing");
    sentences(cx, &[Action]).iter().find_map(|s| {
        if let Some(m) = s.own(acts).into_iter().next() {
            return Some(s.claim(m));
        }
        let m = s.mentions(timing).into_iter().next()?;
        (s.actors().i > 0).then(|| s.claim(m))
    })
}

/// The sentences that state the lesson: every sentence of a Learning part, and sentences
/// elsewhere that tell a lesson ("I learned ...", "it taught me ...").
pub fn lesson_sentences<'a>(cx: &'a Context<'_>) -> Vec<Sentence<'a>> {
    let cues = cx.phrases("lesson-told");
    let told = cx.phrases("learning-told");
    sentences(cx, ALL)
        .into_iter()
        .filter(|s| {
            s.kind == Learning
                || (matches!(s.kind, Action | Result)
                    && (cues.is_match(s.text) || told.is_match(s.text)))
        })
        .collect()
}

/// A generic lesson the teller states ("be more careful"), if the lesson names no mechanism.
pub fn vague_lesson(cx: &Context<'_>) -> Option<Claim> {
    let lesson = lesson_sentences(cx);
    let generic = cx.phrases("vague-lesson");
    let found = lesson
        .iter()
        .find_map(|s| s.own(generic).into_iter().next().map(|m| s.claim(m)))?;
    mechanism_in(cx, &lesson).is_none().then_some(found)
}

/// A concrete mechanism the lesson names (a checklist, a test, a review, a rule).
pub fn mechanism(cx: &Context<'_>) -> Option<Claim> {
    mechanism_in(cx, &lesson_sentences(cx))
}

fn mechanism_in(cx: &Context<'_>, lesson: &[Sentence<'_>]) -> Option<Claim> {
    let set = cx.phrases("mechanism");
    let put_in_place = cx.phrases("put-in-place");
    lesson
        .iter()
        .find_map(|s| s.own(set).into_iter().next().map(|m| s.claim(m)))
        .or_else(|| {
            // A mechanism the teller put in place while telling what they did counts too:
            // "I set up a checklist for later launches".
            sentences(cx, TOLD)
                .iter()
                .filter(|s| !s.own(put_in_place).is_empty())
                .find_map(|s| s.own(set).into_iter().next().map(|m| s.claim(m)))
        })
}

static HYPOTHETICAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(if i (were|was|had)|next time|i would|i'd (do|try|make|have))\b")
        .expect("valid")
});

/// Evidence that the change persisted: later projects, "since then", what the teller does now.
pub fn evidence(cx: &Context<'_>) -> Option<Claim> {
    let set = cx.phrases("no-behavior-change");
    sentences(cx, TOLD).iter().find_map(|s| {
        if HYPOTHETICAL.is_match(s.text) {
            return None;
        }
        s.mentions(set).into_iter().next().map(|m| s.claim(m))
    })
}

/// An admission that the risk of repeating the failure is still there.
pub fn awareness(cx: &Context<'_>) -> Option<Claim> {
    first_claim(cx, TOLD, "no-ongoing-awareness")
}

/// The first figure in the Result parts.
pub fn result_figure(cx: &Context<'_>) -> Option<Claim> {
    // Parts inferred from plain prose have uncertain bounds: there, a figure in any sentence
    // that tells how it ended counts ("I missed the deadline by four days").
    let kinds: &[PartKind] = if cx.story.inferred { ALL } else { &[Result] };
    let outcome = crate::theme::PARTS.substance(Result);
    let cues = crate::theme::PARTS.cues(Result);
    sentences(cx, kinds).iter().find_map(|s| {
        let tells_outcome = outcome.is_match(s.text) || cues.is_match(s.text);
        if s.kind != Result && !tells_outcome {
            return None;
        }
        s.figures()
            .into_iter()
            .find(|f| !dates_the_story(s.text, &f.range))
            .map(|f| s.claim(f.range))
    })
}

/// Whether the figure at `range` of `sentence` only says when the story happened ("two years
/// ago", "in 2019"): it measures nothing.
pub fn dates_the_story(sentence: &str, range: &Range<usize>) -> bool {
    let words = sentence[range.clone()].trim();
    let after = sentence[range.end..].trim_start().to_ascii_lowercase();
    let before = sentence[..range.start].trim_end().to_ascii_lowercase();
    let lower = words.to_ascii_lowercase();
    after.starts_with("ago")
        || after.starts_with("back")
        // "One day I was late", "the next day I called": when, not how much.
        || lower == "one day"
        || ["next", "following", "same", "that"]
            .iter()
            .any(|w| before.ends_with(w))
        || before.ends_with(" in") && words.len() == 4 && words.starts_with(['1', '2'])
        || before.ends_with("after") && after.starts_with("in")
}

/// Every figure in the parts `kinds`, with its kind.
pub fn figures_in(cx: &Context<'_>, kinds: &[PartKind]) -> Vec<(FigureKind, Claim)> {
    sentences(cx, kinds)
        .iter()
        .flat_map(|s| {
            s.figures()
                .into_iter()
                .map(|f| (f.kind, s.claim(f.range)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A figure that measures what the failure cost: money, time, customers, incidents, people.
/// A figure counts when its sentence tells a loss ("cost", "lost", "late", "refunded",
/// "couldn't"), or when it counts the people or things the failure touched in the Action or
/// Result ("340 customers"). Sentences that tell later evidence are not costs.
pub fn cost(cx: &Context<'_>) -> Option<Claim> {
    let loss = cx.phrases("no-cost");
    let affected = cx.phrases("affected");
    let later = cx.phrases("no-behavior-change");
    sentences(cx, STAR).iter().find_map(|s| {
        let figures = s.figures();
        if figures.is_empty() || later.is_match(s.text) {
            return None;
        }
        if !s.mentions(loss).is_empty() {
            return figures.first().map(|f| s.claim(f.range.clone()));
        }
        if !matches!(s.kind, Action | Result) {
            return None;
        }
        figures
            .iter()
            .find(|f| {
                f.kind == FigureKind::Count
                    && f.unit.as_deref().is_some_and(|u| affected.is_match(u))
            })
            .map(|f| s.claim(f.range.clone()))
    })
}

/// The failure is a disguised strength, or a plain success that cost nothing.
pub fn rebranded(cx: &Context<'_>) -> Option<(Claim, bool)> {
    if let Some(claim) = first_claim(cx, ALL, "rebranded-success") {
        return Some((claim, true));
    }
    let success = first_claim(cx, &[Result], "success-outcome")?;
    cost(cx).is_none().then_some((success, false))
}

/// An ethics lapse, lying, security negligence or massive data loss.
pub fn risky(cx: &Context<'_>) -> Option<Claim> {
    first_claim(cx, ALL, "risky-failure")
}

/// Where a finding about a whole part points: its label, else its first sentence.
pub fn part_anchor(cx: &Context<'_>, part: &Part) -> Range<usize> {
    if let Some(label) = &part.label {
        return label.range.clone();
    }
    let prose = cx.prose(part);
    prose
        .sentences()
        .first()
        .map(|r| prose.to_doc_range(r.clone()))
        .unwrap_or_else(|| part.range.start..part.range.start)
}

/// Where a finding about part `kind` points: that part, else the story's anchor.
pub fn anchor_of(cx: &Context<'_>, kind: PartKind) -> Range<usize> {
    cx.story
        .part(kind)
        .map_or_else(|| cx.anchor(), |part| part_anchor(cx, part))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Shortens `words` for a message.
pub fn quote(words: &str) -> String {
    const MAX: usize = 80;
    let words = words.trim().trim_end_matches(['.', ',', ';', ':']);
    if words.chars().count() <= MAX {
        return format!("\"{words}\"");
    }
    let cut: String = words.chars().take(MAX).collect();
    format!("\"{}…\"", cut.trim_end())
}

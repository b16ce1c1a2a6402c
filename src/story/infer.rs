//! The parts of a story with no labels, inferred from its prose sentence by sentence (or
//! paragraph by paragraph) from the cues of each part, in STAR order.

use std::ops::Range;

use super::{Part, PartKind};
use crate::text::Prose;
use crate::theme::PARTS;

/// Infers parts from unlabeled prose, in STAR order. A story told in three or more paragraphs
/// is read paragraph by paragraph (a paragraph takes the first part its sentences cue, else a
/// part judged from what it tells, and a later sentence cueing the very next part starts that
/// part); shorter prose
/// is read sentence by sentence (each sentence takes the part of its cue, or the part before
/// it). Parts only move forward.
pub(super) fn infer_parts(text: &str, range: Range<usize>, opaque: &[Range<usize>]) -> Vec<Part> {
    let prose = Prose::new(text, range, opaque);
    let sentences: Vec<(Range<usize>, &str)> = prose.sentence_texts().collect();
    let paragraph_of: Vec<usize> = sentences
        .iter()
        .map(|(r, _)| prose.text()[..r.start].matches('\n').count())
        .collect();
    let n_paragraphs = {
        let mut ids = paragraph_of.clone();
        ids.dedup();
        ids.len()
    };
    let cue_of = |sentence: &str, current: PartKind| {
        [
            PartKind::Learning,
            PartKind::Result,
            PartKind::Task,
            PartKind::Action,
            PartKind::Situation,
        ]
        .into_iter()
        .find(|kind| *kind >= current && PARTS.cues(*kind).is_match(sentence))
    };
    let mut kinds = Vec::with_capacity(sentences.len());
    let mut current = PartKind::Situation;
    if n_paragraphs >= 3 {
        let mut start = 0;
        while start < sentences.len() {
            let end = (start..sentences.len())
                .find(|&i| paragraph_of[i] != paragraph_of[start])
                .unwrap_or(sentences.len());
            let paragraph = &sentences[start..end];
            let kind = paragraph
                .iter()
                .find_map(|(_, s)| cue_of(s, current))
                .unwrap_or_else(|| {
                    if start == 0 {
                        current
                    } else {
                        uncued_paragraph(paragraph.iter().map(|(_, s)| *s), current)
                    }
                });
            // Inside the paragraph, a sentence that cues the very next part starts it ("...
            // It was my job to ...").
            current = kind;
            for (i, (_, sentence)) in paragraph.iter().enumerate() {
                if i > 0 {
                    if let Some(next) =
                        cue_of(sentence, current).filter(|k| *k as usize == current as usize + 1)
                    {
                        current = next;
                    }
                }
                kinds.push(current);
            }
            start = end;
        }
    } else {
        for (i, (_, sentence)) in sentences.iter().enumerate() {
            if let Some(kind) = cue_of(sentence, current) {
                current = kind;
            } else if i > 0
                && current < PartKind::Action
                && crate::text::acts::tells_an_act(sentence)
            {
                // After the opening, the teller's first act starts the Action.
                current = PartKind::Action;
            }
            kinds.push(current);
        }
    }
    let mut parts: Vec<Part> = Vec::new();
    for ((sentence_range, _), kind) in sentences.iter().zip(kinds) {
        let doc = prose.to_doc_range(sentence_range.clone());
        match parts.last_mut() {
            Some(last) if last.kind == kind => {
                last.range.end = doc.end;
                last.body.end = doc.end;
            }
            _ => parts.push(Part {
                kind,
                also: Vec::new(),
                label: None,
                range: doc.clone(),
                body: doc,
            }),
        }
    }
    parts
}

/// The part of a paragraph with no cue: someone acting before the Action is the Action; a
/// paragraph of figures with no "I" after the Action is the Result; else the part goes on.
fn uncued_paragraph<'a>(sentences: impl Iterator<Item = &'a str>, current: PartKind) -> PartKind {
    let text: Vec<&str> = sentences.collect();
    let joined = text.join(" ");
    let actors = crate::text::pronouns::actors(&joined);
    if current < PartKind::Action && actors.i + actors.we > 0 {
        PartKind::Action
    } else if current == PartKind::Action
        && actors.i == 0
        && crate::text::figures::has_figure(&joined)
    {
        PartKind::Result
    } else {
        current
    }
}

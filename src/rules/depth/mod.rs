//! Depth and learning: why it happened, what changed, and whether the change held.

pub mod no_behavior_change;
pub mod no_ongoing_awareness;
pub mod no_root_cause;
pub mod performative_self_criticism;
pub mod vague_lesson;

use crate::document::TextEdit;
use crate::rules::fixes::append_placeholder;
use crate::rules::Context;
use crate::story::PartKind;

/// An edit adding a placeholder line with `prompt` to the first part of `kinds` the story has.
pub fn placeholder_in(cx: &Context<'_>, kinds: &[PartKind], prompt: &str) -> Option<TextEdit> {
    let part = kinds.iter().find_map(|k| cx.story.part(*k))?;
    append_placeholder(cx.text, part, prompt)
}

//! What editors show about stories besides findings: a story's card (score, spoken length,
//! parts, finding counts, follow-up readiness), what a part should hold, the template of a new
//! story, label and front-matter completions, the edits that silence a rule, and the per-file
//! summaries the story bank is built from.
//!
//! Everything here speaks byte offsets and engine types; the language server converts.
//!
//! One file per job: `card.rs` (cards and finding counts), `hover.rs` (hover text),
//! `completion.rs`, `template.rs` (new stories), `fix_all.rs`, `summary.rs` (the bank's
//! per-file summaries and findings) and `starling_toml.rs` (edits of `starling.toml`). The
//! suppression comments are read and written in [`crate::rules::suppress`].

mod card;
mod completion;
mod fix_all;
mod hover;
mod starling_toml;
mod summary;
mod template;

pub use crate::rules::suppress::{disable_in_story, disable_next_line};
pub use card::{story_card, story_cards, story_counts, Counts, PartCard, ScoreView, StoryCard};
pub use completion::{completions, completions_in, Candidate, CandidateKind};
pub use fix_all::{diff_edit, fix_all};
pub use hover::{competency_hover, competency_set, finding_hover, hover_sections, in_metadata};
pub use starling_toml::config_rule_off;
pub use summary::{
    bank_findings, finish_bank_findings, finish_bank_findings_with, summarize, summarize_with,
    FileSummary,
};
pub use template::{new_story, story_template};

pub(crate) use crate::document::lines::{line_break, line_start, next_line_start};
use crate::story::Outline;

/// The story of `outline` that holds `offset`.
pub fn story_at(outline: &Outline, offset: usize) -> Option<usize> {
    outline
        .stories
        .iter()
        .position(|s| s.range.start <= offset && offset < s.range.end.max(s.range.start + 1))
}

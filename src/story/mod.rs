//! Stories in a document: their titles, metadata and Situation/Task/Action/Result/Learning
//! parts, in whatever form the user wrote them.

mod assemble;
pub mod blocks;
mod build;
mod find;
mod infer;
pub mod labels;
pub mod meta;
mod scan;

use std::ops::Range;

use serde::Serialize;

pub use assemble::{Assembly, Reuse};
pub use find::outline;
pub use meta::{FileMeta, StoryMeta};
pub use scan::Scan;

/// The five parts of a story, in STAR-plus-Learning order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    Situation = 0,
    Task = 1,
    Action = 2,
    Result = 3,
    Learning = 4,
}

impl PartKind {
    pub const ALL: [PartKind; 5] = [
        PartKind::Situation,
        PartKind::Task,
        PartKind::Action,
        PartKind::Result,
        PartKind::Learning,
    ];

    /// The four STAR parts, without Learning.
    pub const STAR: [PartKind; 4] = [
        PartKind::Situation,
        PartKind::Task,
        PartKind::Action,
        PartKind::Result,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PartKind::Situation => "Situation",
            PartKind::Task => "Task",
            PartKind::Action => "Action",
            PartKind::Result => "Result",
            PartKind::Learning => "Learning",
        }
    }

    pub fn letter(self) -> char {
        self.name().chars().next().unwrap_or('?')
    }
}

/// How a label is written, so that a fix can write a new one the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", rename_all = "kebab-case")]
pub enum LabelForm {
    /// `## Situation` (or a setext heading).
    Heading { level: u8, setext: bool },
    /// `**Situation:** text`; `colon_inside` is false for `**Situation**: text`.
    Bold { colon_inside: bool },
    /// `Situation: text`.
    Line,
    /// A list item: `- Situation`, `- **S (Situation):** text` or `- Situation: text`.
    List {
        /// The white space before the marker.
        indent: String,
        /// The marker, e.g. `-` or `1.`.
        marker: String,
        style: ListStyle,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListStyle {
    /// `- Situation`, the content in the following items.
    Bare,
    /// `- **Situation:** text`.
    Bold,
    /// `- **S (Situation):** text`.
    BoldLetter,
    /// `- Situation: text`.
    Colon,
}

/// A part's label as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The label's bytes, markers and colon included (e.g. `## Situation`, `**Task:**`).
    pub range: Range<usize>,
    /// The label text as written, e.g. `S (Situation)`.
    pub text: String,
    pub form: LabelForm,
}

/// One part of a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub kind: PartKind,
    /// Further parts a combined label names (`Situation & Task`).
    pub also: Vec<PartKind>,
    /// `None` when the part was inferred from unlabeled prose.
    pub label: Option<Label>,
    /// The whole part: label and body.
    pub range: Range<usize>,
    /// The part's content after its label.
    pub body: Range<usize>,
}

impl Part {
    pub fn is_inferred(&self) -> bool {
        self.label.is_none()
    }

    pub fn covers(&self, kind: PartKind) -> bool {
        self.kind == kind || self.also.contains(&kind)
    }
}

/// A story's title heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Title {
    /// The whole heading line(s).
    pub range: Range<usize>,
    /// The heading text.
    pub content: Range<usize>,
    pub text: String,
    pub level: u8,
}

/// One story: one answer to one prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    /// From the title (or the first part, for an untitled story) to the story's end.
    pub range: Range<usize>,
    pub title: Option<Title>,
    pub meta: StoryMeta,
    /// The parts in document order.
    pub parts: Vec<Part>,
    /// Whether the parts were inferred from unlabeled prose.
    pub inferred: bool,
    /// Where the story's content starts: after the title and metadata lines.
    pub body_start: usize,
    /// Text between the metadata and the first labeled part, if any.
    pub preamble: Option<Range<usize>>,
}

impl Story {
    /// The first part of `kind` (also a combined label that names it).
    pub fn part(&self, kind: PartKind) -> Option<&Part> {
        self.parts.iter().find(|part| part.covers(kind))
    }

    /// Every part of `kind`.
    pub fn parts_of(&self, kind: PartKind) -> impl Iterator<Item = &Part> {
        self.parts.iter().filter(move |part| part.covers(kind))
    }

    /// The range a story-level finding points at: the title, else the first part's label,
    /// else the story's first line.
    pub fn anchor(&self, text: &str) -> Range<usize> {
        if let Some(title) = &self.title {
            return title.content.clone();
        }
        if let Some(label) = self.parts.iter().find_map(|p| p.label.as_ref()) {
            return label.range.clone();
        }
        let start = self.range.start;
        let end = text[start..self.range.end]
            .find('\n')
            .map_or(self.range.end, |i| start + i);
        start..end
    }

    /// The story's name for messages: its title, or "untitled story".
    pub fn name(&self) -> &str {
        self.title
            .as_ref()
            .map_or("untitled story", |t| t.text.as_str())
    }
}

crate::shift_fields!(Label: range);
crate::shift_fields!(Part: range, body, label);
crate::shift_fields!(Title: range, content);
crate::shift_fields!(Story: range, title, meta, parts, body_start, preamble);

/// Everything found in a document: file metadata and stories.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outline {
    pub file: FileMeta,
    pub stories: Vec<Story>,
    /// Code blocks and raw HTML: never prose.
    pub opaque: Vec<Range<usize>>,
}

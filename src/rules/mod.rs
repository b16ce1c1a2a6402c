//! The rule framework: what a rule declares, what it reports, and the context it reads.
//!
//! A rule is one file: a `declare_rule!` whose doc comment is its explanation (shown by
//! `starling explain` and on hover), and an `impl Rule` with its check. Register it in
//! [`registry`].

pub mod bank;
pub mod choosing;
pub mod depth;
pub mod docs;
pub mod fixes;
pub mod impact;
pub mod ownership;
pub mod reading;
pub mod registry;
pub mod structure;
pub mod suppress;
#[cfg(test)]
pub mod testing;

use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::document::TextEdit;
use crate::story::{FileMeta, Part, PartKind, Story};
use crate::text::Prose;
use crate::theme::{PhraseSet, Theme};

pub use registry::{all, find};

/// How serious a finding is. Ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` (or `warn`), `info` (or `information`), `hint`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rubric's groups of rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Structure,
    ChoosingTheFailure,
    Ownership,
    Depth,
    Impact,
    Bank,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Structure => "Structure",
            Category::ChoosingTheFailure => "Choosing the failure",
            Category::Ownership => "Ownership",
            Category::Depth => "Depth and learning",
            Category::Impact => "Impact",
            Category::Bank => "Story bank",
        }
    }
}

/// Where a rule's documentation page lives.
pub fn doc_url(id: &str) -> String {
    format!("https://github.com/starling-coach/starling/blob/main/docs/rules/{id}.md")
}

/// What a rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The doc comment of the rule's declaration, as written (one leading space per line).
    pub doc: &'static str,
    /// Whether the rule offers a fix.
    pub fixable: bool,
}

impl RuleMeta {
    /// The explanation in Markdown: the declaration's doc comment, dedented.
    pub fn explanation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// The explanation's first paragraph that is not a heading, on one line.
    pub fn summary(&self) -> String {
        let explanation = self.explanation();
        let mut lines = Vec::new();
        for line in explanation.lines() {
            let line = line.trim();
            if line.starts_with('#') || (line.is_empty() && lines.is_empty()) {
                continue;
            }
            if line.is_empty() {
                break;
            }
            lines.push(line);
        }
        lines.join(" ")
    }
}

/// Declares a rule: a unit struct and its [`RuleMeta`], the doc comment kept as the
/// explanation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $name:ident {
            id: $id:literal,
            category: $category:ident,
            severity: $severity:ident
            $(, fixable: $fixable:literal)? $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                category: $crate::rules::Category::$category,
                severity: $crate::rules::Severity::$severity,
                doc: concat!($($doc, "\n"),+),
                fixable: $crate::declare_rule!(@fixable $($fixable)?),
            };
        }

        impl $crate::rules::Declared for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
    (@fixable $fixable:literal) => { $fixable };
    (@fixable) => { false };
}

/// Implemented by `declare_rule!`.
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// A check over one story.
pub trait Rule: Declared + Send + Sync + std::panic::RefUnwindSafe {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>);
}

/// A suggested change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, as a code action title: "Insert a Learning part".
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// One problem found in a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    /// Document byte range of the words that caused it.
    pub range: Range<usize>,
    pub message: String,
    pub severity: Severity,
    /// Whether the severity was chosen by the rule for this case (e.g. a hint instead of the
    /// rule's default warning), so that configuration does not raise it.
    #[serde(skip)]
    pub severity_is_specific: bool,
    pub fix: Option<Fix>,
    /// Index of the story in the document's outline, if the finding belongs to one.
    pub story: Option<usize>,
}

crate::shift_fields!(Fix: edits);

// Moves the finding's range and its fix's edits, not its story index.
crate::shift_fields!(Finding: range, fix);

impl Finding {
    pub fn new(meta: &RuleMeta, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule: meta.id,
            range,
            message: message.into(),
            severity: meta.severity,
            severity_is_specific: false,
            fix: None,
            story: None,
        }
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Reports this case at `severity` instead of the rule's default.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self.severity_is_specific = true;
        self
    }
}

/// Compiled phrase lists of one theme, configuration extras included.
#[derive(Debug, Default)]
pub struct Lexicon {
    sets: std::collections::HashMap<String, PhraseSet>,
    empty: Option<PhraseSet>,
}

impl Lexicon {
    pub fn new(sets: std::collections::HashMap<String, PhraseSet>) -> Self {
        Self {
            sets,
            empty: Some(PhraseSet::empty()),
        }
    }

    /// The phrase list `key` (an empty list if the theme has none).
    pub fn get(&self, key: &str) -> &PhraseSet {
        self.sets
            .get(key)
            .or(self.empty.as_ref())
            .expect("a lexicon always has its empty set")
    }
}

/// Settings rules read besides phrases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    pub words_per_minute: f64,
    pub min_minutes: f64,
    pub max_minutes: f64,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            words_per_minute: 150.0,
            min_minutes: 1.0,
            max_minutes: 3.5,
        }
    }
}

/// What a rule sees: one story, its document, its theme and the compiled phrases.
pub struct Context<'a> {
    pub text: &'a str,
    pub story: &'a Story,
    /// Index of the story in the outline.
    pub index: usize,
    pub theme: &'a Theme,
    pub lexicon: &'a Lexicon,
    pub tuning: &'a Tuning,
    pub file: &'a FileMeta,
    /// Code blocks and raw HTML of the document.
    pub opaque: &'a [Range<usize>],
    part_prose: Vec<OnceLock<Prose>>,
    story_prose: OnceLock<Prose>,
}

impl<'a> Context<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        text: &'a str,
        story: &'a Story,
        index: usize,
        theme: &'a Theme,
        lexicon: &'a Lexicon,
        tuning: &'a Tuning,
        file: &'a FileMeta,
        opaque: &'a [Range<usize>],
    ) -> Self {
        Self {
            text,
            story,
            index,
            theme,
            lexicon,
            tuning,
            file,
            opaque,
            part_prose: story.parts.iter().map(|_| OnceLock::new()).collect(),
            story_prose: OnceLock::new(),
        }
    }

    /// The prose of a part's body (its label left out).
    pub fn prose(&self, part: &Part) -> &Prose {
        let index = self
            .story
            .parts
            .iter()
            .position(|p| std::ptr::eq(p, part))
            .or_else(|| self.story.parts.iter().position(|p| p == part));
        match index {
            Some(i) => self.part_prose[i]
                .get_or_init(|| Prose::new(self.text, part.body.clone(), self.opaque)),
            None => self.story_prose(),
        }
    }

    /// The prose of the whole story after its title and metadata.
    pub fn story_prose(&self) -> &Prose {
        self.story_prose.get_or_init(|| {
            let start = self.story.body_start.max(self.story.range.start);
            let from = self.opaque.partition_point(|o| o.end <= start);
            let to = self
                .opaque
                .partition_point(|o| o.start < self.story.range.end);
            let mut opaque = self.opaque[from..to.max(from)].to_vec();
            // Part labels are not prose.
            opaque.extend(self.story.parts.iter().filter_map(|p| {
                p.label.as_ref().and_then(|l| match l.form {
                    crate::story::LabelForm::Heading { .. } => Some(l.range.clone()),
                    _ => None,
                })
            }));
            opaque.sort_by_key(|r| r.start);
            Prose::new(self.text, start..self.story.range.end, &opaque)
        })
    }

    /// The prose of every part of `kind`, in order.
    pub fn prose_of(&self, kind: PartKind) -> Vec<&Prose> {
        self.story.parts_of(kind).map(|p| self.prose(p)).collect()
    }

    /// The phrase list `key` of the story's theme.
    pub fn phrases(&self, key: &str) -> &PhraseSet {
        self.lexicon.get(key)
    }

    /// A finding of `rule` at `range`, tied to this story.
    pub fn finding(
        &self,
        rule: &dyn Declared,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Finding {
        let mut finding = Finding::new(rule.meta(), range, message);
        finding.story = Some(self.index);
        finding
    }

    /// The range story-level findings point at.
    pub fn anchor(&self) -> Range<usize> {
        self.story.anchor(self.text)
    }

    /// Counts words in all parts.
    pub fn word_count(&self) -> usize {
        self.story_prose().word_count()
    }
}

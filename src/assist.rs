//! What editors show about stories besides findings: a story's card (score, spoken length,
//! parts, finding counts, follow-up readiness), what a part should hold, the template of a new
//! story, label and front-matter completions, the edits that silence a rule, and the per-file
//! summaries the story bank is built from.
//!
//! Everything here speaks byte offsets and engine types; the language server converts.

mod starling_toml;

pub use starling_toml::config_rule_off;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::Analysis;
use crate::bank::StorySummary;
use crate::config::Config;
use crate::document::{Shift, TextEdit};
use crate::rules::fixes::{render_part, story_form, PLACEHOLDER};
use crate::rules::structure::{format_duration, spoken_words};
use crate::rules::{Context, Finding, Severity};
use crate::score::{Dimension, FollowUp};
use crate::story::{LabelForm, ListStyle, Outline, PartKind, Story};
use crate::theme::{self, PARTS};

/// How many findings of each severity a story has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
            Severity::Hint => self.hints += 1,
        }
    }

    /// "1 error, 3 warnings", or "no problems"; hints are left out.
    pub fn summary(&self) -> String {
        let mut pieces = Vec::new();
        for (n, one, many) in [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.infos, "note", "notes"),
        ] {
            if n > 0 {
                pieces.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        if pieces.is_empty() {
            "no problems".to_string()
        } else {
            pieces.join(", ")
        }
    }
}

/// A story's score as shown in a lens and on hover, from [`crate::score`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreView {
    pub total: u8,
    pub max: u8,
    /// The five dimensions, each with its points and one reason per point.
    pub dimensions: Vec<Dimension>,
    /// Follow-up questions, each with the sentence that answers it, if the story has one.
    pub follow_ups: Vec<FollowUp>,
}

/// One part of a story as a card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartCard {
    pub kind: PartKind,
    pub range: Range<usize>,
    /// The label's bytes; `None` for an inferred part.
    pub label: Option<Range<usize>>,
    pub words: usize,
    pub seconds: f64,
}

/// What a lens and a title hover say about one story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryCard {
    pub index: usize,
    pub name: String,
    pub range: Range<usize>,
    /// The title's text range, where the lens sits; `None` for an untitled story.
    pub title: Option<Range<usize>>,
    /// The range a story-level finding points at.
    pub anchor: Range<usize>,
    pub theme: String,
    /// Why that theme judged the story (it names it, or its prompt is one of the theme's).
    pub theme_reason: String,
    pub prompts: Vec<String>,
    pub words: usize,
    pub seconds: f64,
    pub parts: Vec<PartCard>,
    pub inferred: bool,
    pub counts: Counts,
    pub score: Option<ScoreView>,
}

/// The cards of every story of an analysed document.
pub fn story_cards(text: &str, analysis: &Analysis, config: &Config) -> Vec<StoryCard> {
    let outline = &analysis.outline;
    let counts = story_counts(&analysis.findings, outline.stories.len());
    (0..outline.stories.len())
        .map(|index| StoryCard {
            counts: counts[index],
            ..story_card(text, outline, index, config)
        })
        .collect()
}

/// How many findings of each severity every story of `stories` stories has, in one pass.
pub fn story_counts(findings: &[Finding], stories: usize) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); stories];
    for finding in findings {
        if let Some(count) = finding.story.and_then(|index| counts.get_mut(index)) {
            count.add(finding.severity);
        }
    }
    counts
}

/// The card of story `index` of `outline`, its counts left at zero: everything on it but the
/// counts depends only on the story's own bytes, its theme and the configuration, so a card
/// can be kept (and moved) for as long as the story's findings are.
pub fn story_card(text: &str, outline: &Outline, index: usize, config: &Config) -> StoryCard {
    let words_per_minute = config.tuning().words_per_minute.max(1.0);
    let story = &outline.stories[index];
    let cx = crate::analysis::story_context(text, outline, index, config);
    let words = spoken_words(&cx);
    let parts = story
        .parts
        .iter()
        .map(|part| {
            let words = cx.prose(part).word_count();
            PartCard {
                kind: part.kind,
                range: part.range.clone(),
                label: part.label.as_ref().map(|l| l.range.clone()),
                words,
                seconds: words as f64 * 60.0 / words_per_minute,
            }
        })
        .collect();
    let mut prompts = story.meta.prompts.clone();
    if prompts.is_empty() {
        prompts = outline.file.meta.prompts.clone();
    }
    StoryCard {
        index,
        name: story.name().to_string(),
        range: story.range.clone(),
        title: story.title.as_ref().map(|t| t.content.clone()),
        anchor: story.anchor(text),
        theme: cx.theme.name.clone(),
        theme_reason: crate::analysis::theme_choice(story, outline, config).reason,
        prompts,
        words,
        seconds: words as f64 * 60.0 / words_per_minute,
        parts,
        inferred: story.inferred,
        counts: Counts::default(),
        score: Some(score(&cx)),
    }
}

/// The story's score and follow-up readiness.
fn score(cx: &Context<'_>) -> ScoreView {
    let score = crate::score::score(cx);
    ScoreView {
        total: score.total,
        max: score.max,
        dimensions: score.dimensions,
        follow_ups: crate::score::follow_ups(cx),
    }
}

crate::shift_fields!(PartCard: range, label);
crate::shift_fields!(ScoreView: follow_ups);
crate::shift_fields!(StoryCard: range, title, anchor, parts, score);

impl StoryCard {
    /// The card with every byte range moved by `delta` (see [`Shift`]).
    pub fn shifted(&self, delta: isize) -> StoryCard {
        Shift::shifted(self.clone(), delta)
    }

    /// The one-line lens: "Score 14/20 · 2m40s spoken · 3 warnings".
    pub fn lens_title(&self) -> String {
        let mut pieces = Vec::new();
        if let Some(score) = &self.score {
            pieces.push(format!("Score {}/{}", score.total, score.max));
        }
        pieces.push(format!("{} spoken", format_duration(self.seconds)));
        pieces.push(self.counts.summary());
        pieces.join(" · ")
    }

    /// The title hover, in Markdown.
    pub fn hover_markdown(&self) -> String {
        let mut out = format!("### {}\n\n", self.name);
        if let Some(score) = &self.score {
            out.push_str(&format!("**Score {}/{}**\n\n", score.total, score.max));
            for dimension in &score.dimensions {
                out.push_str(&format!(
                    "- **{}** {}/{}\n",
                    dimension.name,
                    dimension.points,
                    crate::score::MAX_POINTS
                ));
                for reason in &dimension.reasons {
                    out.push_str(&format!("  - {reason}\n"));
                }
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "About **{}** spoken ({} words) · theme `{}` · {}\n\n",
            format_duration(self.seconds),
            self.words,
            self.theme,
            self.counts.summary()
        ));
        out.push_str(&format!(
            "Judged as a `{}` story: {}.\n\n",
            self.theme, self.theme_reason
        ));
        if self.parts.is_empty() {
            out.push_str("No parts found yet.\n");
        } else {
            out.push_str(if self.inferred {
                "Parts (inferred from the prose):\n\n"
            } else {
                "Parts:\n\n"
            });
            for part in &self.parts {
                out.push_str(&format!(
                    "- {}: {} words, {}\n",
                    part.kind.name(),
                    part.words,
                    format_duration(part.seconds)
                ));
            }
            let missing: Vec<&str> = PartKind::ALL
                .iter()
                .filter(|kind| !self.parts.iter().any(|p| p.kind == **kind))
                .map(|kind| kind.name())
                .collect();
            if !missing.is_empty() {
                out.push_str(&format!("\nMissing: {}\n", missing.join(", ")));
            }
        }
        if let Some(score) = &self.score {
            if !score.follow_ups.is_empty() {
                out.push_str("\nFollow-up readiness:\n\n");
                for follow_up in &score.follow_ups {
                    match &follow_up.answer {
                        Some((_, sentence)) => out.push_str(&format!(
                            "- ✓ {}: \"{}\"\n",
                            follow_up.question,
                            sentence.trim()
                        )),
                        None => out.push_str(&format!("- ✗ {}\n", follow_up.question)),
                    }
                }
            }
        }
        if !self.prompts.is_empty() {
            out.push_str("\nAnswers: ");
            out.push_str(&self.prompts.join("; "));
            out.push('\n');
        }
        out
    }
}

impl PartCard {
    /// The hover over a part's label: what the part should hold and how long it runs.
    pub fn hover_markdown(&self) -> String {
        let spec = PARTS.spec(self.kind);
        format!(
            "**{}**: {}\n\nUsually {}. This part: {} words, about {} spoken.",
            spec.name,
            spec.holds,
            spec.share,
            self.words,
            format_duration(self.seconds)
        )
    }
}

/// The story of `outline` that holds `offset`.
pub fn story_at(outline: &Outline, offset: usize) -> Option<usize> {
    outline
        .stories
        .iter()
        .position(|s| s.range.start <= offset && offset < s.range.end.max(s.range.start + 1))
}

/// The line break `text` uses.
fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, after its line break.
fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// An edit putting `<!-- starling-disable-next-line RULE -->` on the line above `range`'s
/// first line, indented like it.
pub fn disable_next_line(text: &str, range: &Range<usize>, rule: &str) -> TextEdit {
    let start = line_start(text, range.start);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    TextEdit::insert(
        start,
        format!(
            "{indent}<!-- starling-disable-next-line {rule} -->{}",
            line_break(text)
        ),
    )
}

/// An edit putting `<!-- starling-disable RULE -->` right under the story's title, which
/// silences the rule for the whole story. `None` for an untitled story.
pub fn disable_in_story(text: &str, story: &Story, rule: &str) -> Option<TextEdit> {
    let title = story.title.as_ref()?;
    let end = title.range.end.min(text.len());
    // The title's range may stop before its line break.
    let at = if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n') {
        end
    } else {
        next_line_start(text, end)
    };
    let eol = line_break(text);
    let lead = if at == text.len() && !text.ends_with('\n') {
        eol
    } else {
        ""
    };
    Some(TextEdit::insert(
        at,
        format!("{lead}<!-- starling-disable {rule} -->{eol}"),
    ))
}

/// The text of a new story in theme `theme_name`: front matter naming its prompt and theme
/// (when the file has none yet; story metadata lines otherwise), a title, and the five parts
/// with `TODO:` prompts.
pub fn story_template(theme_name: &str, with_front_matter: bool) -> String {
    let theme = theme::find(theme_name).unwrap_or(&theme::builtin()[0]);
    let prompt = theme
        .prompts
        .first()
        .map_or("TODO: the prompt this story answers", String::as_str);
    let mut out = String::new();
    if with_front_matter {
        out.push_str(&format!(
            "---\nprompt: {prompt}\ntheme: {}\n---\n\n# {PLACEHOLDER} A short title\n\n",
            theme.name
        ));
    } else {
        out.push_str(&format!(
            "# {PLACEHOLDER} A short title\n\nPrompt: {prompt}\nTheme: {}\n\n",
            theme.name
        ));
    }
    let form = LabelForm::Heading {
        level: 2,
        setext: false,
    };
    let parts: Vec<String> = PartKind::ALL
        .iter()
        .map(|kind| render_part(*kind, &form, &PARTS.spec(*kind).prompt))
        .collect();
    out.push_str(&parts.join("\n"));
    out
}

/// An edit appending a new story to `text`.
pub fn new_story(text: &str, outline: &Outline, config: &Config) -> TextEdit {
    let theme = outline
        .file
        .meta
        .theme
        .as_deref()
        .unwrap_or(config.theme())
        .to_string();
    let blank = text.trim().is_empty();
    // Front matter is only valid at the top of a file.
    let template = story_template(&theme, blank);
    let eol = line_break(text);
    let template = template.replace('\n', eol);
    if blank {
        return TextEdit::replace(0..text.len(), template);
    }
    let lead = if text.ends_with("\n\n") || text.ends_with("\r\n\r\n") {
        String::new()
    } else if text.ends_with('\n') {
        eol.to_string()
    } else {
        format!("{eol}{eol}")
    };
    TextEdit::insert(text.len(), format!("{lead}{template}"))
}

/// The text with every fix applied (see [`crate::analysis::fix_all`]).
pub fn fix_all(text: &str, config: &Config) -> String {
    crate::analysis::fix_all(text, config).0
}

/// The smallest single edit turning `old` into `new`.
pub fn diff_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(TextEdit::replace(
        prefix..old.len() - suffix,
        &new[prefix..new.len() - suffix],
    ))
}

/// One completion candidate: the text replacing `range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub label: String,
    pub detail: String,
    pub range: Range<usize>,
    pub text: String,
    /// What the client filters on: the typed text it replaces should be a prefix of it.
    pub filter: String,
    /// The kind of thing suggested.
    pub kind: CandidateKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateKind {
    PartLabel,
    Key,
    Value,
}

static LABEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ \t]*)(#{1,6}[ \t]+|\*\*|__|(?:[-*+]|\d{1,2}[.)])[ \t]+(?:\*\*)?)?([\p{L} ]*)$")
        .expect("valid")
});

/// The completions at `offset`: part labels at a line start, front-matter keys inside the
/// front matter, the theme's common prompts in a `prompt:` field.
pub fn completions(
    text: &str,
    outline: &Outline,
    offset: usize,
    config: &Config,
) -> Vec<Candidate> {
    let offset = crate::analysis::clamp_range(text, offset..offset).start;
    // A competency id being written (front matter or a `Competencies:` line).
    if let Some(range) = crate::competency::id_at(text, offset) {
        let set = competency_set(config);
        return crate::competency::completions(set, text, offset)
            .into_iter()
            .map(|c| Candidate {
                label: c.id.clone(),
                detail: c.name.clone(),
                range: range.clone(),
                text: c.id.clone(),
                filter: c.id.clone(),
                kind: CandidateKind::Value,
            })
            .collect();
    }
    let start = line_start(text, offset);
    let before = &text[start..offset];
    let theme_name = outline
        .file
        .meta
        .theme
        .clone()
        .unwrap_or_else(|| config.theme().to_string());

    if let Some(front) = &outline.file.front_matter {
        let first_line_end = next_line_start(text, front.start);
        let closing = text[..front.end].trim_end().len();
        let closing_start = line_start(text, closing);
        if offset >= first_line_end && start < closing_start.max(first_line_end) {
            return front_matter_completions(text, offset, start, before, &theme_name);
        }
        if offset < front.end {
            return Vec::new();
        }
    }

    // A `Prompt:` line under a title.
    if let Some(value) = prompt_value(before) {
        let theme_name = story_at(outline, offset)
            .and_then(|i| outline.stories[i].meta.theme.clone())
            .unwrap_or(theme_name);
        return prompt_completions(offset - value.len(), offset, value, &theme_name);
    }

    label_completions(text, outline, offset, start, before)
}

/// The competency set a story's ids come from: the one `starling.toml` picks, else the
/// generic set.
pub fn competency_set(config: &Config) -> &'static crate::competency::CompetencySet {
    config
        .competency_set()
        .or_else(|| crate::competency::find("general"))
        .unwrap_or(&crate::competency::sets()[0])
}

/// Whether `offset` lies in the front matter or a story's metadata lines, where competency
/// ids are written.
pub fn in_metadata(outline: &Outline, offset: usize) -> bool {
    let within = |r: &Range<usize>| r.start <= offset && offset <= r.end;
    outline.file.front_matter.as_ref().is_some_and(within)
        || outline
            .stories
            .iter()
            .any(|s| s.meta.range.as_ref().is_some_and(within))
}

/// The explanation of the competency id under `offset`, if one is there.
pub fn competency_hover(text: &str, offset: usize, config: &Config) -> Option<String> {
    crate::competency::hover(competency_set(config), text, offset).map(|(_, c)| c.markdown())
}

fn front_matter_completions(
    text: &str,
    offset: usize,
    start: usize,
    before: &str,
    theme_name: &str,
) -> Vec<Candidate> {
    if let Some(value) = prompt_value(before) {
        return prompt_completions(offset - value.len(), offset, value, theme_name);
    }
    // A list item under a `prompt:` key.
    let trimmed = before.trim_start();
    if let Some(value) = trimmed.strip_prefix("- ") {
        let key_line = text[..start]
            .lines()
            .rev()
            .find(|l| !l.trim_start().starts_with('-') && !l.trim().is_empty());
        if key_line.is_some_and(|l| {
            let key = l
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            key == "prompt" || key == "prompts"
        }) {
            return prompt_completions(offset - value.len(), offset, value, theme_name);
        }
    }
    if let Some(value) = before.trim_start().strip_prefix("theme:") {
        let value = value.trim_start();
        return theme::builtin()
            .iter()
            .map(|t| Candidate {
                label: t.name.clone(),
                detail: t.description.clone(),
                range: offset - value.len()..offset,
                text: t.name.clone(),
                filter: t.name.clone(),
                kind: CandidateKind::Value,
            })
            .collect();
    }
    if before.contains(':') || before.starts_with([' ', '\t', '-']) {
        return Vec::new();
    }
    [
        ("prompt", "The interview prompt(s) this story answers"),
        ("theme", "The story's theme: failure or star"),
        ("company", "The company this story is prepared for"),
    ]
    .iter()
    .map(|(key, detail)| Candidate {
        label: (*key).to_string(),
        detail: (*detail).to_string(),
        range: start..offset,
        text: format!("{key}: "),
        filter: (*key).to_string(),
        kind: CandidateKind::Key,
    })
    .collect()
}

/// The value typed after `prompt:` (or `Prompt:` / `- **Prompt:**`) on this line, if the line
/// is a prompt field.
fn prompt_value(before: &str) -> Option<&str> {
    static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:prompts?|questions?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*")
            .expect("valid")
    });
    let found = PROMPT.find(before)?;
    Some(&before[found.end()..])
}

fn prompt_completions(from: usize, to: usize, _typed: &str, theme_name: &str) -> Vec<Candidate> {
    let theme = theme::find(theme_name).unwrap_or(&theme::builtin()[0]);
    theme
        .prompts
        .iter()
        .map(|prompt| Candidate {
            label: prompt.clone(),
            detail: format!("A common `{}` prompt", theme.name),
            range: from..to,
            text: prompt.clone(),
            filter: prompt.clone(),
            kind: CandidateKind::Value,
        })
        .collect()
}

fn label_completions(
    text: &str,
    outline: &Outline,
    offset: usize,
    start: usize,
    before: &str,
) -> Vec<Candidate> {
    let Some(caps) = LABEL_PREFIX.captures(before) else {
        return Vec::new();
    };
    let marker = caps.get(2).map_or("", |m| m.as_str());
    let typed = caps.get(3).map_or("", |m| m.as_str());
    if marker.is_empty() && typed.trim().is_empty() {
        return Vec::new();
    }
    let indent = caps.get(1).map_or("", |m| m.as_str()).to_string();
    // The story the cursor is in, else the one just above.
    let story = story_at(outline, offset)
        .or_else(|| {
            outline
                .stories
                .iter()
                .rposition(|s| s.range.start <= offset)
        })
        .map(|i| &outline.stories[i]);
    let story_form = story.map(story_form);
    let form = typed_form(marker, &indent, story_form.as_ref());
    let present: Vec<PartKind> =
        story.map_or(Vec::new(), |s| s.parts.iter().map(|p| p.kind).collect());
    let _ = text;
    PartKind::ALL
        .iter()
        .map(|kind| {
            let rendered = render_part(*kind, &form, "");
            let label_line = rendered.lines().next().unwrap_or("").to_string();
            let label_line = match &form {
                LabelForm::Bold { .. } | LabelForm::Line => format!("{label_line} "),
                LabelForm::List {
                    style: ListStyle::Bold | ListStyle::BoldLetter | ListStyle::Colon,
                    ..
                } => format!("{label_line} "),
                _ => label_line,
            };
            let spec = PARTS.spec(*kind);
            let detail = if present.contains(kind) {
                format!("{} (already in this story)", spec.holds)
            } else {
                spec.holds.clone()
            };
            Candidate {
                label: kind.name().to_string(),
                detail,
                range: start..offset,
                filter: label_line.clone(),
                text: label_line,
                kind: CandidateKind::PartLabel,
            }
        })
        .collect()
}

/// The label form to complete: the story's own, unless the typed marker asks for another.
fn typed_form(marker: &str, indent: &str, story_form: Option<&LabelForm>) -> LabelForm {
    let marker = marker.trim_end();
    if marker.starts_with('#') {
        let level = marker.chars().filter(|c| *c == '#').count() as u8;
        return LabelForm::Heading {
            level,
            setext: false,
        };
    }
    if marker == "**" || marker == "__" {
        return match story_form {
            Some(form @ LabelForm::Bold { .. }) => form.clone(),
            _ => LabelForm::Bold { colon_inside: true },
        };
    }
    if !marker.is_empty() {
        let bullet = marker.trim_end_matches('*').trim_end().to_string();
        let bold_typed = marker.ends_with("**");
        let style = match story_form {
            Some(LabelForm::List { style, .. }) if !bold_typed || *style != ListStyle::Bare => {
                *style
            }
            _ if bold_typed => ListStyle::Bold,
            _ => ListStyle::Bold,
        };
        return LabelForm::List {
            indent: indent.to_string(),
            marker: bullet,
            style,
        };
    }
    match story_form {
        Some(LabelForm::List { style, marker, .. }) => LabelForm::List {
            indent: indent.to_string(),
            marker: marker.clone(),
            style: *style,
        },
        Some(form) => form.clone(),
        None => LabelForm::Heading {
            level: 2,
            setext: false,
        },
    }
}

/// What the story bank keeps about one file: the summaries of its stories (their `file`
/// index is set when the bank is put together).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub stories: Vec<StorySummary>,
}

/// The bank summary of an analysed file.
pub fn summarize(text: &str, analysis: &Analysis, config: &Config) -> FileSummary {
    let counts = story_counts(&analysis.findings, analysis.outline.stories.len());
    summarize_with(text, &analysis.outline, &counts, config)
}

/// The bank summary of a file from its outline and the finding counts of its stories (see
/// [`story_counts`]).
pub fn summarize_with(
    text: &str,
    outline: &Outline,
    counts: &[Counts],
    config: &Config,
) -> FileSummary {
    let ready: Vec<bool> = counts.iter().map(|count| count.errors == 0).collect();
    FileSummary {
        stories: crate::bank::story_summaries(0, text, outline, &ready, config),
    }
}

/// Findings about the bank as a whole, each with the index in `files` of the file it belongs
/// to, as `starling check` reports them: `prompt-coverage` on the first story of each theme
/// that covers too few prompts. The findings are not yet suppressed or re-ranked by the
/// file's own configuration; [`finish_bank_findings`] does that.
pub fn bank_findings(files: &[&FileSummary], config: &Config) -> Vec<(usize, Finding)> {
    // Only three kinds of story count: the first of each theme, where the finding lands, the
    // ready ones that name a prompt, and those that name a competency. The others are left
    // out, so that a bank of many stories without prompts costs one pass.
    let mut themes: Vec<&str> = Vec::new();
    let mut stories: Vec<StorySummary> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for story in &file.stories {
            let first = !themes.contains(&story.theme.as_str());
            if first {
                themes.push(&story.theme);
            }
            if first || (story.ready && !story.prompts.is_empty()) || !story.competencies.is_empty()
            {
                stories.push(StorySummary {
                    file: index,
                    ..story.clone()
                });
            }
        }
    }
    crate::bank::coverage(&stories, config)
        .into_iter()
        .map(|found| (found.file, found.finding))
        .collect()
}

/// The bank findings of one file after its suppression comments and its configuration, as
/// `starling check` applies them.
pub fn finish_bank_findings(text: &str, findings: &[Finding], config: &Config) -> Vec<Finding> {
    if findings.is_empty() {
        return Vec::new();
    }
    let outline = crate::story::outline(text, &crate::document::parse(text));
    finish_bank_findings_with(text, &outline, findings, config)
}

/// [`finish_bank_findings`] with the file's outline at hand.
pub fn finish_bank_findings_with(
    text: &str,
    outline: &Outline,
    findings: &[Finding],
    config: &Config,
) -> Vec<Finding> {
    if findings.is_empty() {
        return Vec::new();
    }
    crate::analysis::finish(text, outline, findings.to_vec(), config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;
    use crate::document::apply_edits;

    const STORY: &str =
        "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";

    #[test]
    fn a_card_counts_words_and_findings() {
        let config = Config::default();
        let analysis = check_text(STORY, &config);
        let cards = story_cards(STORY, &analysis, &config);
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].parts.len(), 2);
        assert!(cards[0].counts.errors >= 1);
        let lens = cards[0].lens_title();
        assert!(lens.contains("spoken"), "{lens}");
        assert!(cards[0]
            .hover_markdown()
            .contains("Missing: Task, Result, Learning"));
    }

    #[test]
    fn a_card_shows_the_score_and_follow_up_readiness() {
        let text = "# Launch\n\n## Action\nI cut the tests to ship on time.\n\n## Learning\nSince then I have run a checklist before every launch.\n";
        let config = Config::default();
        let analysis = check_text(text, &config);
        let card = &story_cards(text, &analysis, &config)[0];
        let score = card.score.as_ref().unwrap();
        assert_eq!(score.max, 20);
        assert!(card
            .lens_title()
            .starts_with(&format!("Score {}/20 · ", score.total)));
        let hover = card.hover_markdown();
        for name in [
            "Ownership",
            "Root cause",
            "Recovery",
            "Learning loop",
            "Scope and impact",
        ] {
            assert!(hover.contains(&format!("- **{name}** ")), "{hover}");
        }
        assert!(hover.contains("Follow-up readiness:"), "{hover}");
        assert!(hover.contains("- ✗ "), "{hover}");
        assert!(
            hover.contains("\"Since then I have run a checklist before every launch.\""),
            "{hover}"
        );
    }

    #[test]
    fn a_story_disable_lands_under_the_title_and_silences_it() {
        let config = Config::default();
        let analysis = check_text(STORY, &config);
        let story = &analysis.outline.stories[0];
        let edit = disable_in_story(STORY, story, "missing-learning").unwrap();
        let text = apply_edits(STORY, &[edit]);
        assert!(text.starts_with("# Launch\n<!-- starling-disable missing-learning -->\n"));
        let after = check_text(&text, &config);
        assert!(after.findings.iter().all(|f| f.rule != "missing-learning"));
    }

    #[test]
    fn the_template_is_a_complete_story() {
        let config = Config::default();
        let edit = new_story("", &Outline::default(), &config);
        let text = apply_edits("", &[edit]);
        assert!(text.starts_with("---\nprompt: "));
        let analysis = check_text(&text, &config);
        assert_eq!(analysis.outline.stories.len(), 1);
        assert_eq!(analysis.outline.stories[0].parts.len(), 5);
        assert!(analysis
            .findings
            .iter()
            .all(|f| f.rule != "missing-star-section"));
    }

    #[test]
    fn the_one_pass_summary_is_the_bank_s() {
        let config = Config::default();
        let text = format!(
            "{STORY}\n# Two\nPrompt: Tell me about a time you failed.\n\n## Action\nI did it.\n"
        );
        let analysis = check_text(&text, &config);
        assert_eq!(
            summarize(&text, &analysis, &config).stories,
            crate::bank::summaries(0, &text, &analysis, &config)
        );
    }

    #[test]
    fn bank_findings_leave_out_only_stories_that_cannot_matter() {
        let config = Config::default();
        let ready = "# Ready\nPrompt: Tell me about a time you failed.\n\n## Situation\nWe had a launch.\n\n## Task\nI owned it.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped 2 weeks.\n\n## Learning\nSince then I run a checklist.\n";
        let texts = [
            STORY.to_string(),
            ready.to_string(),
            format!("---\ntheme: star\n---\n{STORY}"),
            ready.replace("failed", "made a mistake"),
        ];
        let summaries: Vec<FileSummary> = texts
            .iter()
            .map(|text| summarize(text, &check_text(text, &config), &config))
            .collect();
        let every: Vec<StorySummary> = summaries
            .iter()
            .enumerate()
            .flat_map(|(file, summary)| {
                summary.stories.iter().map(move |story| StorySummary {
                    file,
                    ..story.clone()
                })
            })
            .collect();
        let expected: Vec<(usize, Finding)> = crate::bank::coverage(&every, &config)
            .into_iter()
            .map(|found| (found.file, found.finding))
            .collect();
        assert!(!expected.is_empty());
        let files: Vec<&FileSummary> = summaries.iter().collect();
        assert_eq!(bank_findings(&files, &config), expected);
    }

    #[test]
    fn a_moved_card_is_the_card_of_the_moved_story() {
        let config = Config::default();
        let analysis = check_text(STORY, &config);
        let card = story_card(STORY, &analysis.outline, 0, &config);
        let moved = format!("\n\n{STORY}");
        let analysis = check_text(&moved, &config);
        assert_eq!(
            card.shifted(2),
            story_card(&moved, &analysis.outline, 0, &config)
        );
    }

    #[test]
    fn diff_edit_is_minimal() {
        let edit = diff_edit("abcdef", "abXYef").unwrap();
        assert_eq!(edit, TextEdit::replace(2..4, "XY"));
        assert_eq!(diff_edit("a😀b", "a😃b").unwrap().range, 1..5);
    }

    #[test]
    fn completes_labels_in_the_story_form() {
        let config = Config::default();
        let text = "# Launch\n\n**Situation:** We had one week.\n**";
        let analysis = check_text(text, &config);
        let found = completions(text, &analysis.outline, text.len(), &config);
        let task = found.iter().find(|c| c.label == "Task").unwrap();
        assert_eq!(task.text, "**Task:** ");
        let text = "# Launch\n\n## Situation\nWe had one week.\n\n## Ac";
        let analysis = check_text(text, &config);
        let found = completions(text, &analysis.outline, text.len(), &config);
        assert!(found.iter().any(|c| c.text == "## Action"));
    }

    #[test]
    fn completes_front_matter_keys_and_prompts() {
        let config = Config::default();
        let text = "---\npro\n---\n# A\n";
        let analysis = check_text(text, &config);
        let found = completions(text, &analysis.outline, 7, &config);
        assert!(found.iter().any(|c| c.text == "prompt: "));
        let text = "---\nprompt: Tell\n---\n# A\n";
        let analysis = check_text(text, &config);
        let found = completions(text, &analysis.outline, 16, &config);
        assert!(found
            .iter()
            .any(|c| c.text == "Tell me about a time you failed."));
        assert_eq!(found[0].range, 12..16);
    }
}

//! Completions: part labels at a line start (in the story's own label form), front-matter
//! keys, themes, the theme's common prompts in a `prompt:` field, and competency ids.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::hover::competency_set;
use super::{line_start, next_line_start, story_at};
use crate::config::Config;
use crate::rules::fixes::{render_part, story_form};
use crate::story::{LabelForm, ListStyle, Outline, PartKind};
use crate::theme::{self, PARTS};

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

/// The completions at `offset`. Front matter keys make any Markdown file a story file, so
/// they are offered in every Markdown file; the rest only in story files.
pub fn completions_in(
    text: &str,
    outline: &Outline,
    offset: usize,
    config: &Config,
    is_story: bool,
) -> Vec<Candidate> {
    completions(text, outline, offset, config)
        .into_iter()
        .filter(|c| is_story || c.kind == CandidateKind::Key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

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

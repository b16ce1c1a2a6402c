//! Building fixes: writing a new part in the story's own form, at the place STAR order puts it.

use crate::document::TextEdit;
use crate::story::{LabelForm, ListStyle, PartKind, Story};

/// The marker that starts a line the user is meant to replace. Prose extraction skips such
/// lines, so a part holding only placeholders still reads as empty.
pub const PLACEHOLDER: &str = "TODO:";

/// The label form new parts of `story` take: the form of its first labeled part, else headings
/// one level under the title.
pub fn story_form(story: &Story) -> LabelForm {
    story
        .parts
        .iter()
        .find_map(|p| p.label.as_ref().map(|l| l.form.clone()))
        .unwrap_or(LabelForm::Heading {
            level: story.title.as_ref().map_or(2, |t| (t.level + 1).min(6)),
            setext: false,
        })
}

/// The text of a new part of `kind` in `form`, each line of `prompt` a placeholder line.
pub fn render_part(kind: PartKind, form: &LabelForm, prompt: &str) -> String {
    let name = kind.name();
    let lines: Vec<String> = prompt
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{PLACEHOLDER} {l}"))
        .collect();
    match form {
        LabelForm::Heading { level, setext } => {
            let heading = if *setext && *level <= 2 {
                let underline = if *level == 1 { '=' } else { '-' };
                format!("{name}\n{}", underline.to_string().repeat(name.len()))
            } else {
                format!("{} {name}", "#".repeat(usize::from((*level).clamp(1, 6))))
            };
            format!("{heading}\n\n{}\n", lines.join("\n"))
        }
        LabelForm::Bold { colon_inside } => {
            let label = if *colon_inside {
                format!("**{name}:**")
            } else {
                format!("**{name}**:")
            };
            paragraph_part(&label, &lines)
        }
        LabelForm::Line => paragraph_part(&format!("{name}:"), &lines),
        LabelForm::List {
            indent,
            marker,
            style,
        } => {
            let item = |text: &str| format!("{indent}{marker} {text}\n");
            let nested = |text: &str| format!("{indent}  {marker} {text}\n");
            match style {
                ListStyle::Bare => {
                    let mut out = item(name);
                    for line in &lines {
                        out.push_str(&item(line));
                    }
                    out
                }
                ListStyle::Bold | ListStyle::BoldLetter | ListStyle::Colon => {
                    let label = match style {
                        ListStyle::BoldLetter => format!("**{} ({name}):**", kind.letter()),
                        ListStyle::Bold => format!("**{name}:**"),
                        _ => format!("{name}:"),
                    };
                    if lines.len() == 1 {
                        item(&format!("{label} {}", lines[0]))
                    } else {
                        let mut out = item(&label);
                        for line in &lines {
                            out.push_str(&nested(line));
                        }
                        out
                    }
                }
            }
        }
    }
}

fn paragraph_part(label: &str, lines: &[String]) -> String {
    match lines {
        [] => format!("{label}\n"),
        [one] => format!("{label} {one}\n"),
        many => format!("{label}\n{}\n", many.join("\n")),
    }
}

/// The byte offset where a new part of `kind` goes: after the last part that comes before it
/// in STAR order, else before the first part, else at the end of the story.
pub fn insertion_point(story: &Story, kind: PartKind) -> usize {
    if let Some(before) = story.parts.iter().rev().find(|p| p.kind < kind) {
        return before.range.end;
    }
    if let Some(first) = story.parts.first() {
        return first.range.start;
    }
    story.range.end
}

/// `at`, moved before any fenced code block that is still open there (counting fences from
/// `from`, the story's start), so that an inserted part is never swallowed by the code.
pub fn outside_code(text: &str, from: usize, at: usize) -> usize {
    let mut open: Option<(usize, &str)> = None;
    let mut line_start = from.min(at);
    while line_start < at {
        let line_end = text[line_start..at]
            .find('\n')
            .map_or(at, |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_start_matches([' ', '>']);
        let fence = ["```", "~~~"].into_iter().find(|f| line.starts_with(f));
        match (open, fence) {
            (None, Some(f)) => open = Some((line_start, f)),
            (Some((_, f)), Some(g))
                if f == g && line.trim_end().trim_start_matches(g).is_empty() =>
            {
                open = None;
            }
            _ => {}
        }
        line_start = line_end;
    }
    open.map_or(at, |(start, _)| start)
}

/// Whether `line` is a list item (`- x`, `* x`, `+ x`, `1. x`, `1) x`), indented or not.
fn is_list_line(line: &str) -> bool {
    let line = line.trim_start();
    if line.starts_with(['-', '*', '+']) {
        return line[1..].starts_with([' ', '\t']) || line.len() == 1;
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && line[digits..].starts_with(['.', ')'])
}

/// The line break the text uses around byte `at`: that of the line break after it, else of the
/// one before it. Only the lines around `at` are read, so that a fix costs what its story costs
/// however long the file.
pub fn line_break_at(text: &str, at: usize) -> &'static str {
    let at = at.min(text.len());
    let crlf = match text.as_bytes()[at..].iter().position(|&b| b == b'\n') {
        Some(i) => text[..at + i].ends_with('\r'),
        None => text.as_bytes()[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .is_some_and(|i| text[..i].ends_with('\r')),
    };
    if crlf {
        "\r\n"
    } else {
        "\n"
    }
}

/// An edit inserting `block` (a whole part, ending with a newline) at `at`, with the blank
/// lines Markdown needs around it: none inside a list, one elsewhere.
pub fn insert_block(text: &str, at: usize, block: &str, form: &LabelForm) -> TextEdit {
    let at = at.min(text.len());
    // Insert at a line start: move back over trailing blank space of the previous part.
    let before = &text[..at];
    let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r']);
    let line_break = line_break_at(text, at);
    // Inside a list, items follow each other; anything else gets a blank line before it, so
    // that no table, HTML block or paragraph above can swallow it.
    // A list item is only written tight against list lines on both sides.
    let prev_line = trimmed.rsplit('\n').next().unwrap_or("");
    let next_line = text[at..]
        .trim_start_matches(['\r', '\n'])
        .lines()
        .next()
        .unwrap_or("");
    let tight = matches!(form, LabelForm::List { .. })
        && is_list_line(prev_line)
        && (text[at..].trim().is_empty()
            || is_list_line(next_line)
            || next_line.starts_with([' ', '\t']));
    let start = if trimmed.is_empty() { 0 } else { trimmed.len() };
    let mut prefix = String::new();
    if start > 0 {
        prefix.push_str(line_break);
        if !tight {
            prefix.push_str(line_break);
        }
    }
    let mut body = block.replace('\n', line_break);
    if at < text.len() && !tight {
        body.push_str(line_break);
    }
    // Inside a line (a prose part ends at its last sentence), the rest of the line starts the
    // paragraph after the new part, without the spaces that led into it.
    let end = at + rest_of_line_lead(text, at);
    TextEdit::replace(start..end, format!("{prefix}{body}"))
}

/// When `at` is inside a line that goes on with text, the length of the spaces and tabs after
/// `at`; otherwise 0.
fn rest_of_line_lead(text: &str, at: usize) -> usize {
    if at == 0 || text[..at].ends_with('\n') {
        return 0;
    }
    let rest = text[at..].split('\n').next().unwrap_or("");
    if rest.trim().is_empty() {
        return 0;
    }
    rest.len() - rest.trim_start_matches([' ', '\t']).len()
}

/// An edit adding the placeholder line `TODO: {prompt}` at the end of `part`, in its form (a
/// list item's continuation is indented under the item). `None` when the part already holds
/// that placeholder: the finding stays until real text replaces it, and the fix is not offered
/// twice.
pub fn append_placeholder(text: &str, part: &crate::story::Part, prompt: &str) -> Option<TextEdit> {
    let line = format!("{PLACEHOLDER} {prompt}");
    let body = part.body.start.min(text.len())..part.body.end.min(text.len());
    // The placeholder may already be there: inside the part, or just after it (an inferred
    // part ends at its last sentence, and a placeholder line is no sentence).
    let mut window_end = (part.range.end + line.len() + 16).min(text.len());
    while !text.is_char_boundary(window_end) {
        window_end -= 1;
    }
    if text[part.range.start.min(window_end)..window_end].contains(&line) {
        return None;
    }
    let content = text[body.clone()].trim_end();
    let end = if content.trim().is_empty() {
        // An empty body: write right after the label.
        part.range.start + text[part.range.clone()].trim_end().len()
    } else {
        body.start + content.len()
    };
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let last = &text[line_start..end];
    let indent = list_content_indent(last).unwrap_or_else(|| {
        let blank = last.len() - last.trim_start().len();
        if part
            .label
            .as_ref()
            .is_some_and(|l| l.range.start >= line_start)
        {
            String::new()
        } else {
            last[..blank].to_string()
        }
    });
    let line_break = line_break_at(text, end);
    // The placeholder is a paragraph of its own, so that it reads as one and deleting it
    // deletes nothing of the user's: a blank line before it, and one after it when text
    // follows.
    let gap = format!("{line_break}{line_break}");
    let after = &text[end..];
    let lead = rest_of_line_lead(text, end);
    let tail = if lead > 0
        || !after[lead..]
            .split('\n')
            .next()
            .unwrap_or("")
            .trim()
            .is_empty()
    {
        // The part ends inside a line (a prose part ends at its last sentence): the rest of
        // the line becomes the paragraph after the placeholder.
        format!("{line_break}{line_break}{indent}")
    } else {
        // A line right below would join the placeholder's paragraph (or turn it into a setext
        // heading): keep a blank line between them.
        let next_line = after
            .strip_prefix(line_break)
            .or_else(|| after.strip_prefix('\n'))
            .map(|rest| rest.lines().next().unwrap_or(""));
        if next_line.is_some_and(|l| !l.trim().is_empty()) {
            line_break.to_string()
        } else {
            String::new()
        }
    };
    Some(TextEdit::replace(
        end..end + lead,
        format!("{gap}{indent}{line}{tail}"),
    ))
}

/// The indentation of a list item's content, as spaces: `"- text"` gives two spaces.
fn list_content_indent(line: &str) -> Option<String> {
    static MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)").expect("valid")
    });
    MARKER
        .captures(line)
        .map(|c| " ".repeat(c[1].chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::apply_edits;

    fn story(text: &str) -> Story {
        crate::story::outline(text, &crate::document::parse(text))
            .stories
            .remove(0)
    }

    #[test]
    fn renders_each_form() {
        let prompt = "One line.";
        assert_eq!(
            render_part(
                PartKind::Task,
                &LabelForm::Heading {
                    level: 3,
                    setext: false
                },
                prompt
            ),
            "### Task\n\nTODO: One line.\n"
        );
        assert_eq!(
            render_part(
                PartKind::Task,
                &LabelForm::Bold { colon_inside: true },
                prompt
            ),
            "**Task:** TODO: One line.\n"
        );
        let list = LabelForm::List {
            indent: String::new(),
            marker: "-".into(),
            style: ListStyle::BoldLetter,
        };
        assert_eq!(
            render_part(PartKind::Result, &list, prompt),
            "- **R (Result):** TODO: One line.\n"
        );
        let bare = LabelForm::List {
            indent: String::new(),
            marker: "-".into(),
            style: ListStyle::Bare,
        };
        assert_eq!(
            render_part(PartKind::Learning, &bare, "a\nb"),
            "- Learning\n- TODO: a\n- TODO: b\n"
        );
    }

    #[test]
    fn the_line_break_is_read_where_the_fix_goes() {
        let text = "# A\r\nS.\r\n\n# B\nT.\n";
        assert_eq!(line_break_at(text, 3), "\r\n");
        assert_eq!(line_break_at(text, 14), "\n");
        assert_eq!(line_break_at("x\r\nlast", 6), "\r\n");
        assert_eq!(line_break_at("no break", 3), "\n");
    }

    #[test]
    fn inserts_between_heading_parts_with_blank_lines() {
        let text = "# Launch\n\n## Situation\nS.\n\n## Action\nA.\n";
        let s = story(text);
        let at = insertion_point(&s, PartKind::Task);
        let block = render_part(PartKind::Task, &story_form(&s), "Fill.");
        let edit = insert_block(text, at, &block, &story_form(&s));
        assert_eq!(
            apply_edits(text, &[edit]),
            "# Launch\n\n## Situation\nS.\n\n## Task\n\nTODO: Fill.\n\n## Action\nA.\n"
        );
    }

    #[test]
    fn inserts_at_the_end_of_a_file_without_a_final_newline() {
        let text = "# Launch\n\n**Situation:** S.\n**Action:** A.";
        let s = story(text);
        let form = story_form(&s);
        let at = insertion_point(&s, PartKind::Result);
        let edit = insert_block(text, at, &render_part(PartKind::Result, &form, "R?"), &form);
        assert_eq!(
            apply_edits(text, &[edit]),
            "# Launch\n\n**Situation:** S.\n**Action:** A.\n\n**Result:** TODO: R?\n"
        );
    }

    #[test]
    fn inserts_into_a_list_without_breaking_it() {
        let text = "# Launch\n- Situation\n- S.\n- Action\n- A.\n\nAfter.\n";
        let s = story(text);
        let form = story_form(&s);
        let at = insertion_point(&s, PartKind::Task);
        let edit = insert_block(text, at, &render_part(PartKind::Task, &form, "T?"), &form);
        assert_eq!(
            apply_edits(text, &[edit]),
            "# Launch\n- Situation\n- S.\n- Task\n- TODO: T?\n- Action\n- A.\n\nAfter.\n"
        );
    }
}

//! Recognizes part labels: `Situation`, `S (Situation)`, `What I did`, `Learning/Prevention`,
//! in headings, bold text, list items and at the start of a line.

use std::sync::LazyLock;

use regex::Regex;

use super::{LabelForm, ListStyle, PartKind};
use crate::theme::PARTS;

/// A label found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineLabel {
    pub kinds: Vec<PartKind>,
    /// Bytes of the line the label takes, markers and colon included.
    pub len: usize,
    /// Offset in the line where the part's content starts.
    pub content: usize,
    /// The label text as written.
    pub text: String,
    pub form: LabelForm,
}

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:step\s+)?(?:\d{1,2}|[ivx]{1,4})\s*[.):]\s+|^step\s+\d{1,2}\s*[-–—:]?\s*")
        .expect("valid")
});
static LETTER_THEN_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-z])\s*[(\[]\s*(.+?)\s*[)\]]$").expect("valid"));
static NAME_THEN_LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s*[(\[]\s*([a-z])\s*[)\]]$").expect("valid"));
static LETTER_DASH_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-z])\s*[-–—:=]\s*(.+)$").expect("valid"));
static SEPARATORS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:/|&|\+|,|\band\b)\s*").expect("valid"));

/// Compiles the label patterns now, which the outline of every Markdown file reads: for
/// `starling check` to do on a core that is otherwise idle while it reads its configuration
/// and parses the first file.
pub fn warm_up() {
    for regex in [
        &NUMBERING,
        &LETTER_THEN_NAME,
        &NAME_THEN_LETTER,
        &LETTER_DASH_NAME,
        &SEPARATORS,
        &BOLD,
        &COLON,
        &BARE,
    ] {
        LazyLock::force(regex);
    }
    super::meta::warm_up();
}

/// The parts a label names, e.g. `"S (Situation)"` -> [Situation],
/// `"Learning / Prevention"` -> [Learning], `"Situation & Task"` -> [Situation, Task].
/// Single-letter labels are accepted only when `allow_letter` is set.
pub fn parse_label(raw: &str, allow_letter: bool) -> Option<Vec<PartKind>> {
    let mut label = raw
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
        .to_lowercase()
        .replace(['’', '‘'], "'");
    label = label
        .trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
        .to_string();
    if let Some(m) = NUMBERING.find(&label) {
        label = label[m.end()..].to_string();
    }
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() || label.len() > 48 {
        return None;
    }
    if let Some(caps) = LETTER_THEN_NAME.captures(&label) {
        return parse_label(&caps[2], true);
    }
    if let Some(caps) = NAME_THEN_LETTER.captures(&label) {
        return parse_label(&caps[1], true);
    }
    if let Some(caps) = LETTER_DASH_NAME.captures(&label) {
        if let Some(kinds) = parse_label(&caps[2], true) {
            return Some(kinds);
        }
    }
    if let Some(kind) = PARTS.kind_of_label(&label) {
        return (allow_letter || label.len() > 1).then(|| vec![kind]);
    }
    let pieces: Vec<&str> = SEPARATORS.split(&label).filter(|p| !p.is_empty()).collect();
    if pieces.len() < 2 {
        return None;
    }
    let mut kinds = Vec::new();
    for piece in pieces {
        let kind = PARTS.kind_of_label(piece)?;
        if piece.len() == 1 && !allow_letter {
            return None;
        }
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Some(kinds)
}

/// The parts a heading's text names: the whole text, or the text before a colon or dash
/// (`## Result: $200K lost`).
pub fn heading_label(text: &str) -> Option<Vec<PartKind>> {
    parse_label(text, true).or_else(|| {
        let head = text.split([':', '—', '–']).next()?;
        if head.len() == text.len() {
            let (head, _) = text.split_once(" - ")?;
            return parse_label(head, true);
        }
        parse_label(head, true)
    })
}

// The label forms below hold at most `LABEL_CHARS` characters in group 1 or 2. The bound is
// checked on the capture, not written as `{1,48}` in the pattern: a bounded repeat of a
// Unicode class compiles to 48 copies of it, which took a quarter of a one-story check. The
// groups are lazy, so the shortest label that fits is the one found either way.
const LABEL_CHARS: usize = 48;
static BOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([*_]{1,2})[ \t]*([^*_\n]+?)[ \t]*(:?)[ \t]*[*_]{1,2}[ \t]*([:.\-–—]?)[ \t]*")
        .expect("valid")
});
static COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([\p{L}][\p{L} '’/&()\[\]-]*?)[ \t]*:(?:[ \t]+|$)").expect("valid")
});
static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([\p{L}][\p{L} '’/&()\[\]-]*?)[ \t]*:?[ \t]*$").expect("valid"));

/// `regex`'s captures of `line` when its group `group` is a label's length at most.
fn label_captures<'a>(regex: &Regex, line: &'a str, group: usize) -> Option<regex::Captures<'a>> {
    regex.captures(line).filter(|caps| {
        caps.get(group)
            .is_some_and(|g| g.as_str().chars().count() <= LABEL_CHARS)
    })
}

/// Where a line sits, which decides the forms a label may take there.
#[derive(Debug, Clone)]
pub enum LineContext {
    /// A line of a paragraph outside any list.
    Paragraph,
    /// The first line of a list item.
    ListItem { indent: String, marker: String },
}

/// The label at the start of `line` (already stripped of leading white space), if any.
pub fn line_label(line: &str, context: &LineContext) -> Option<LineLabel> {
    let in_list = matches!(context, LineContext::ListItem { .. });
    let list_form = |style: ListStyle| match context {
        LineContext::ListItem { indent, marker } => LabelForm::List {
            indent: indent.clone(),
            marker: marker.clone(),
            style,
        },
        LineContext::Paragraph => unreachable!("list forms are only built for list items"),
    };
    if let Some(caps) = label_captures(&BOLD, line, 2) {
        let text = caps[2].trim();
        let colon_inside = !caps[3].is_empty();
        let after = &caps[4];
        let rest = &line[caps.get(0).map_or(0, |m| m.end())..];
        let closes_line = rest.trim().is_empty();
        if colon_inside || !after.is_empty() || closes_line {
            if let Some(kinds) = parse_label(text, true) {
                let whole = caps.get(0).map_or(0, |m| m.end());
                let label_end = line[..whole].trim_end().len();
                let form = if in_list {
                    let lettered = LETTER_THEN_NAME.is_match(&text.to_lowercase());
                    list_form(if lettered {
                        ListStyle::BoldLetter
                    } else {
                        ListStyle::Bold
                    })
                } else {
                    LabelForm::Bold { colon_inside }
                };
                return Some(LineLabel {
                    kinds,
                    len: label_end,
                    content: whole,
                    text: text.to_string(),
                    form,
                });
            }
        }
    }
    if let Some(caps) = label_captures(&COLON, line, 1) {
        let text = caps[1].trim();
        if let Some(kinds) = parse_label(text, in_list) {
            let whole = caps.get(0).map_or(0, |m| m.end());
            return Some(LineLabel {
                kinds,
                len: line[..whole].trim_end().len(),
                content: whole,
                text: text.to_string(),
                form: if in_list {
                    list_form(ListStyle::Colon)
                } else {
                    LabelForm::Line
                },
            });
        }
    }
    if let Some(caps) = label_captures(&BARE, line, 1) {
        let text = caps[1].trim();
        if let Some(kinds) = parse_label(text, in_list) {
            let len = line.trim_end().len();
            return Some(LineLabel {
                kinds,
                len,
                content: line.len(),
                text: text.to_string(),
                form: if in_list {
                    list_form(ListStyle::Bare)
                } else {
                    LabelForm::Line
                },
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use PartKind::*;

    #[test]
    fn parses_synonyms_letters_and_combinations() {
        assert_eq!(parse_label("Situation", false), Some(vec![Situation]));
        assert_eq!(parse_label("S (Situation)", false), Some(vec![Situation]));
        assert_eq!(parse_label("Result (R)", false), Some(vec![Result]));
        assert_eq!(parse_label("What I did", false), Some(vec![Action]));
        assert_eq!(
            parse_label("WHAT I’D DO DIFFERENTLY", false),
            Some(vec![Learning])
        );
        assert_eq!(
            parse_label("Learning / Prevention", false),
            Some(vec![Learning])
        );
        assert_eq!(
            parse_label("Situation & Task", false),
            Some(vec![Situation, Task])
        );
        assert_eq!(parse_label("2. Action", false), Some(vec![Action]));
        assert_eq!(parse_label("A", false), None);
        assert_eq!(parse_label("A", true), Some(vec![Action]));
        assert_eq!(parse_label("A note on timing", true), None);
        assert_eq!(parse_label("Team", true), None);
    }

    #[test]
    fn headings_may_carry_text_after_the_label() {
        assert_eq!(
            heading_label("Result: $200K in credits"),
            Some(vec![Result])
        );
        assert_eq!(heading_label("Outcome - what it cost"), Some(vec![Result]));
        assert_eq!(heading_label("The billing migration"), None);
    }

    #[test]
    fn finds_bold_colon_and_bare_labels() {
        let para = LineContext::Paragraph;
        let bold = line_label("**Situation:** We had one week.", &para).unwrap();
        assert_eq!(bold.kinds, vec![Situation]);
        assert_eq!(
            &"**Situation:** We had one week."[..bold.len],
            "**Situation:**"
        );
        assert_eq!(bold.form, LabelForm::Bold { colon_inside: true });

        let outside = line_label("**Task**: own the launch", &para).unwrap();
        assert_eq!(
            outside.form,
            LabelForm::Bold {
                colon_inside: false
            }
        );
        assert_eq!(
            &"**Task**: own the launch"[outside.content..],
            "own the launch"
        );

        let colon = line_label("Result: we lost $40K.", &para).unwrap();
        assert_eq!(colon.kinds, vec![Result]);
        assert_eq!(colon.form, LabelForm::Line);

        assert!(line_label("A: yes, I did.", &para).is_none());
        assert!(line_label("**Note:** this is not a part", &para).is_none());
        assert!(line_label("**Action** items piled up", &para).is_none());
        assert!(line_label("The team met daily.", &para).is_none());

        // A label is 48 characters at most, however it is marked; accented letters count once.
        let long = format!("Situation {}", "é".repeat(39));
        assert_eq!(long.chars().count(), 49);
        for line in [
            format!("**{long}:** text"),
            format!("{long}: text"),
            long.clone(),
        ] {
            assert!(line_label(&line, &para).is_none(), "{line}");
        }
        let fits = format!("**Situation {}**: text", " ".repeat(30));
        assert_eq!(line_label(&fits, &para).unwrap().kinds, vec![Situation]);
    }

    #[test]
    fn finds_list_labels() {
        let item = LineContext::ListItem {
            indent: String::new(),
            marker: "-".into(),
        };
        let bare = line_label("Situation", &item).unwrap();
        assert!(matches!(
            bare.form,
            LabelForm::List {
                style: ListStyle::Bare,
                ..
            }
        ));
        let lettered = line_label("**S (Situation):** Three years ago", &item).unwrap();
        assert!(matches!(
            lettered.form,
            LabelForm::List {
                style: ListStyle::BoldLetter,
                ..
            }
        ));
        let letter = line_label("T: own the schedule", &item).unwrap();
        assert_eq!(letter.kinds, vec![Task]);
    }
}

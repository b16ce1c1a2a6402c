//! Inline comments that silence rules: `<!-- starling-disable rule-id -->` until
//! `<!-- starling-enable rule-id -->`, and `<!-- starling-disable-next-line rule-id -->`.
//! No id means every rule.
//!
//! A `disable` between a story's title and its first part silences the whole story (to the
//! matching `enable` or the story's end); one further down a story, the rest of that story;
//! one outside any story lasts to the matching `enable` or the end of the file.
//!
//! This module reads them ([`directives`], [`Suppressions`]) and writes them
//! ([`disable_next_line`], [`disable_in_story`], the edits the editor offers).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::lines::{line_break, line_start, next_line_start};
use crate::document::TextEdit;
use crate::story::Story;

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*starling-(disable-next-line|disable|enable)\b([^>]*?)\s*-->")
        .expect("valid")
});

/// One inline directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The rule ids named, each with its byte range; empty means every rule.
    pub rules: Vec<(String, Range<usize>)>,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Disable,
    Enable,
    DisableNextLine,
}

/// Every directive of `text` outside the `opaque` ranges (code blocks).
pub fn directives(text: &str, opaque: &[Range<usize>]) -> Vec<Directive> {
    DIRECTIVE
        .captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let in_code = opaque.iter().any(|o| {
                o.start <= whole.start() && whole.start() < o.end && !is_html_block(text, o)
            });
            if in_code {
                return None;
            }
            let kind = match &caps[1] {
                "disable" => DirectiveKind::Disable,
                "enable" => DirectiveKind::Enable,
                _ => DirectiveKind::DisableNextLine,
            };
            let list = caps.get(2)?;
            let mut rules = Vec::new();
            let mut offset = list.start();
            for piece in list.as_str().split([',', ' ', '\t', '\n']) {
                let start = offset;
                offset += piece.len() + 1;
                let id = piece.trim();
                if id.is_empty() || id == "--" {
                    continue;
                }
                let lead = piece.len() - piece.trim_start().len();
                rules.push((id.to_string(), start + lead..start + lead + id.len()));
            }
            Some(Directive {
                kind,
                rules,
                range: whole.range(),
            })
        })
        .collect()
}

fn is_html_block(text: &str, range: &Range<usize>) -> bool {
    text.get(range.clone())
        .is_some_and(|block| block.trim_start().starts_with("<!--"))
}

/// A region where some rules are silenced.
#[derive(Debug, Clone)]
struct Silence {
    range: Range<usize>,
    /// `None` means every rule.
    rules: Option<Vec<String>>,
}

/// Decides which findings the directives of a document silence.
#[derive(Debug, Default)]
pub struct Suppressions {
    silences: Vec<Silence>,
}

impl Suppressions {
    pub fn new(text: &str, directives: &[Directive], stories: &[Story]) -> Self {
        let mut silences = Vec::new();
        for (i, directive) in directives.iter().enumerate() {
            let ids = (!directive.rules.is_empty()).then(|| {
                directive
                    .rules
                    .iter()
                    .map(|(id, _)| id.clone())
                    .collect::<Vec<_>>()
            });
            match directive.kind {
                DirectiveKind::DisableNextLine => {
                    let line_end = text[directive.range.end..]
                        .find('\n')
                        .map_or(text.len(), |n| directive.range.end + n + 1);
                    let next_end = text[line_end..]
                        .find('\n')
                        .map_or(text.len(), |n| line_end + n);
                    silences.push(Silence {
                        range: line_end..next_end.max(line_end),
                        rules: ids,
                    });
                }
                DirectiveKind::Disable => {
                    let story = stories.iter().find(|s| {
                        s.range.start <= directive.range.start
                            && directive.range.start < s.range.end
                    });
                    // Under a story's title (before its first part) a directive covers the
                    // whole story, title included; further down, the rest of the story.
                    let (start, limit) = match story {
                        Some(s) => {
                            let first_part = s.parts.first().map_or(s.range.end, |p| p.range.start);
                            let start = if directive.range.start <= first_part {
                                s.range.start
                            } else {
                                directive.range.start
                            };
                            (start, s.range.end)
                        }
                        None => (directive.range.start, text.len()),
                    };
                    let end = directives[i + 1..]
                        .iter()
                        .filter(|d| d.kind == DirectiveKind::Enable && d.range.start < limit)
                        .find(|d| {
                            d.rules.is_empty()
                                || ids.as_ref().is_none_or(|ids| {
                                    d.rules.iter().any(|(id, _)| ids.contains(id))
                                })
                        })
                        .map_or(limit, |d| d.range.start);
                    silences.push(Silence {
                        range: start..end,
                        rules: ids,
                    });
                }
                DirectiveKind::Enable => {}
            }
        }
        Self { silences }
    }

    /// Whether a finding of `rule` at `range` is silenced.
    pub fn silences(&self, rule: &str, range: &Range<usize>) -> bool {
        self.silences.iter().any(|s| {
            let inside =
                s.range.start <= range.start && range.start < s.range.end.max(s.range.start + 1);
            inside
                && s.rules
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|id| id == rule))
        })
    }
}

/// The opening of every directive: text holding none cannot silence anything.
pub const MARK: &str = "starling-";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;
    use crate::config::Config;
    use crate::document::apply_edits;

    const STORY: &str =
        "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";

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
    fn parses_directives_with_and_without_ids() {
        let text = "<!-- starling-disable no-metric, no-cost -->\n<!-- starling-enable -->\n<!--starling-disable-next-line-->\n";
        let found = directives(text, &[]);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].kind, DirectiveKind::Disable);
        let ids: Vec<&str> = found[0].rules.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["no-metric", "no-cost"]);
        assert_eq!(&text[found[0].rules[1].1.clone()], "no-cost");
        assert!(found[1].rules.is_empty());
        assert_eq!(found[2].kind, DirectiveKind::DisableNextLine);
    }

    #[test]
    fn next_line_silences_only_the_next_line() {
        let text = "<!-- starling-disable-next-line no-metric -->\nline one\nline two\n";
        let s = Suppressions::new(text, &directives(text, &[]), &[]);
        let one = text.find("one").unwrap();
        let two = text.find("two").unwrap();
        assert!(s.silences("no-metric", &(one..one + 3)));
        assert!(!s.silences("no-cost", &(one..one + 3)));
        assert!(!s.silences("no-metric", &(two..two + 3)));
    }

    #[test]
    fn disable_lasts_until_enable() {
        let text = "<!-- starling-disable -->\na\n<!-- starling-enable -->\nb\n";
        let s = Suppressions::new(text, &directives(text, &[]), &[]);
        let a = text.find("\na").unwrap() + 1;
        let b = text.find("\nb").unwrap() + 1;
        assert!(s.silences("anything", &(a..a + 1)));
        assert!(!s.silences("anything", &(b..b + 1)));
    }
}

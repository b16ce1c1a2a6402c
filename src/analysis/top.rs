//! The stories at the top of a long text, checked before the rest: what a user opening a big
//! bank sees first. Their findings equal what a check of the whole text gives them.
//!
//! Only a window at the top is parsed, and only the stories that end before a story title the
//! rest of the text cannot change are kept. A story's findings depend on its bytes, its
//! [`Story`](crate::story::Story) value, the front matter and the configuration (the
//! invariant the incremental analysis rests on too). Which titles before a story title open a
//! story, and where their regions end, is decided by the titles up to it and by whether it
//! opens a story itself; that is settled in the window when a later title no deeper than it
//! lies there too. A title above whose section runs past the window keeps it past this title
//! either way. A suppression comment further down silences nothing above it.

use super::{check_stories, finish_with};
use crate::config::Config;
use crate::rules::suppress::directives;
use crate::rules::Finding;

/// How much of a long text [`check_top`] reads: in a bank of the example stories, about ten
/// stories, more than an editor shows at once.
pub const TOP_WINDOW: usize = 16 * 1024;

/// The first stories of a text, checked on their own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Top {
    /// How many stories: the first `stories` of the whole text's outline.
    pub stories: usize,
    /// Where the next story starts: these stories lie before it.
    pub end: usize,
    /// Whether the front matter says the file holds stories.
    pub holds_stories: bool,
    /// Their findings, configuration and directives applied, sorted by position: a check of
    /// the whole text gives these stories exactly these. File findings are left out.
    pub findings: Vec<Finding>,
}

/// Checks the stories at the top of `text` that a window of `window` bytes settles (see the
/// module's notes). `None` when the text is no longer than the window, or the window settles
/// no story.
pub fn check_top(text: &str, window: usize, config: &Config) -> Option<Top> {
    if text.len() <= window {
        return None;
    }
    let mut end = window;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // The window ends at a line's start.
    let end = text[..end].rfind('\n')? + 1;
    let window = &text[..end];
    let syntax = crate::document::parse(window);
    let outline = crate::story::outline(window, &syntax);
    let stories = &outline.stories;
    // The last story whose title makes a cut: it starts the story, and a later story's title
    // no deeper than it lies in the window, so that whether it opens a story is settled there.
    let cut = (1..stories.len().saturating_sub(1)).rev().find(|&j| {
        let Some(title) = &stories[j].title else {
            return false;
        };
        let next = stories[j + 1].title.as_ref();
        stories[j].range.start == title.range.start
            && next.is_some_and(|next| next.level <= title.level)
    })?;
    let indices: Vec<usize> = (0..cut).collect();
    let found = check_stories(window, &outline, &indices, config)
        .into_iter()
        .flatten()
        .collect();
    let directives = directives(window, &outline.opaque);
    let findings = finish_with(window, &outline, found, config, &directives)
        .into_iter()
        .filter(|finding| finding.story.is_some_and(|story| story < cut))
        .collect();
    Some(Top {
        stories: cut,
        end: stories[cut].range.start,
        holds_stories: outline.file.holds_stories,
        findings,
    })
}

#[cfg(test)]
#[path = "../../benches/support/stories.rs"]
mod example_bank;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

    /// The benchmarks' bank of the example stories, each story's title (its one `#` line)
    /// at `level`.
    fn bank(bytes: usize, level: usize) -> String {
        let mut out = String::new();
        for line in example_bank::bank(bytes).lines() {
            if let Some(rest) = line.strip_prefix("# ") {
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(rest);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    }

    /// What a check of the whole text finds in the first `top.stories` stories.
    fn whole(text: &str, top: &Top, config: &Config) -> Vec<Finding> {
        check_text(text, config)
            .findings
            .into_iter()
            .filter(|f| f.story.is_some_and(|story| story < top.stories))
            .collect()
    }

    #[test]
    fn the_top_stories_find_what_a_whole_check_finds_them() {
        let config = Config::default();
        let plain = bank(80_000, 1);
        // A bank under one title, its stories a level down, with comments that silence
        // rules above and below the window's end, and a story that only the whole text sees.
        let nested = format!(
            "---\ntheme: star\n---\n# My bank\n\n<!-- starling-disable missing-prompt -->\n\n{}",
            bank(80_000, 2).replace(
                "\n## Leading",
                "\n<!-- starling-enable missing-prompt -->\n\n\
                 <!-- starling-disable no-root-cause -->\n## Leading"
            )
        );
        let silenced = |text: &str, rule: &str| {
            check_text(text, &config)
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .count()
        };
        assert!(silenced(&nested, "missing-prompt") < silenced(&plain, "missing-prompt"));
        for text in [&plain, &nested] {
            let top = check_top(text, TOP_WINDOW, &config).expect("a top");
            assert!(top.stories >= 5, "{} stories", top.stories);
            assert!(top.end <= TOP_WINDOW);
            assert!(!top.findings.is_empty());
            assert_eq!(top.findings, whole(text, &top, &config));
            let outline = check_text(text, &config).outline;
            assert_eq!(outline.stories[top.stories].range.start, top.end);
        }
    }

    #[test]
    fn a_short_text_or_one_long_story_has_no_top() {
        let config = Config::default();
        assert_eq!(check_top("# One\n\nI did it.\n", TOP_WINDOW, &config), None);
        let long = format!("# One\n\n{}", "I did it. ".repeat(10_000));
        assert_eq!(check_top(&long, TOP_WINDOW, &config), None);
    }
}

//! The story bank as a whole: which of each theme's common prompts have a story ready, and
//! which competencies of the chosen set the stories show.
//!
//! Front ends summarize each checked story ([`summaries`]), then ask [`coverage`] for the
//! findings of the whole bank (`prompt-coverage`, `competency-coverage`, `unknown-competency`,
//! `competency-not-shown`). The language server can keep summaries per open file and call
//! the same function. [`competency_matrix`] and [`prompt_matrix`] lay the bank out as
//! `starling bank` and `starling report` show it.

use std::ops::Range;

use serde::Serialize;

use crate::analysis::{story_theme, Analysis};
use crate::competency::{self, CompetencySet};
use crate::config::{Config, RuleSetting};
use crate::rules::bank::{
    competency_coverage, competency_not_shown, prompt_coverage, unknown_competency,
};
use crate::rules::{Finding, RuleMeta, Severity};
use crate::story::{Outline, Story};
use crate::theme;

pub use crate::rules::bank::prompt_coverage::MIN_PROMPTS;

/// What the bank needs to know about one story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    /// Which file (an index or path chosen by the caller).
    pub file: usize,
    pub theme: String,
    /// The prompts the story names.
    pub prompts: Vec<String>,
    /// Whether the story has no error-level finding.
    pub ready: bool,
    /// Where a bank finding about this story's theme would point.
    pub anchor: Range<usize>,
    /// The story's title.
    pub title: String,
    /// The competencies the story names.
    pub competencies: Vec<NamedCompetency>,
}

/// A competency id a story names, where it is written, and whether the story's text shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCompetency {
    pub id: String,
    pub range: Range<usize>,
    /// Whether one of the competency's cues matches the story (false for an id the set lacks).
    pub shown: bool,
}

crate::shift_fields!(NamedCompetency: range);

impl StorySummary {
    /// Follows its story, moved by `delta`: the anchor and the competency ids written in the
    /// story move; ids written in the file's `front_matter` (before every story) stay.
    pub fn follow_story(&mut self, delta: isize, front_matter: Option<&Range<usize>>) {
        use crate::document::Shift;
        self.anchor.shift(delta);
        for named in &mut self.competencies {
            if !front_matter
                .is_some_and(|f| f.start <= named.range.start && named.range.end <= f.end)
            {
                named.shift(delta);
            }
        }
    }
}

/// A bank-level finding, tied to a file of the caller's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankFinding {
    pub file: usize,
    pub finding: Finding,
}

/// The summaries of every story of one checked file.
pub fn summaries(
    file: usize,
    text: &str,
    analysis: &Analysis,
    config: &Config,
) -> Vec<StorySummary> {
    let outline = &analysis.outline;
    let mut ready = vec![true; outline.stories.len()];
    for finding in &analysis.findings {
        if finding.severity >= Severity::Error {
            if let Some(ready) = finding.story.and_then(|index| ready.get_mut(index)) {
                *ready = false;
            }
        }
    }
    story_summaries(file, text, outline, &ready, config)
}

/// The summaries of the stories of `outline`, `ready[index]` saying whether story `index` has
/// no error-level finding (a story past its end counts as ready).
pub fn story_summaries(
    file: usize,
    text: &str,
    outline: &Outline,
    ready: &[bool],
    config: &Config,
) -> Vec<StorySummary> {
    (0..outline.stories.len())
        .map(|index| {
            let mut summary = story_summary(file, text, outline, index, config);
            summary.ready = ready.get(index).copied().unwrap_or(true);
            summary
        })
        .collect()
}

/// The summary of story `index` of `outline`, counted as ready.
pub fn story_summary(
    file: usize,
    text: &str,
    outline: &Outline,
    index: usize,
    config: &Config,
) -> StorySummary {
    let story = &outline.stories[index];
    let mut prompts = story.meta.prompts.clone();
    if prompts.is_empty() {
        prompts = outline.file.meta.prompts.clone();
    }
    StorySummary {
        file,
        theme: story_theme(story, outline, config).name.clone(),
        prompts,
        ready: true,
        anchor: story.anchor(text),
        title: story.name().to_string(),
        competencies: named_competencies(text, outline, story, config),
    }
}

/// The competency set a bank is checked against: the one `starling.toml` picks, else the
/// general set.
pub fn competency_set(config: &Config) -> Option<&'static CompetencySet> {
    config
        .competency_set()
        .or_else(|| competency::find(competency::DEFAULT_SET))
}

/// The competencies `story` names (its own list, else the file's), each located in the text
/// and checked against its cues.
fn named_competencies(
    text: &str,
    outline: &Outline,
    story: &Story,
    config: &Config,
) -> Vec<NamedCompetency> {
    let (ids, written) = if story.meta.competencies.is_empty() {
        (
            &outline.file.meta.competencies,
            outline.file.front_matter.clone(),
        )
    } else {
        (&story.meta.competencies, story.meta.range.clone())
    };
    if ids.is_empty() {
        return Vec::new();
    }
    let set = competency_set(config);
    let written = written.unwrap_or_else(|| story.anchor(text));
    let told = |competency: &competency::Competency| {
        let title = story.title.as_ref().map_or(0..0, |t| t.content.clone());
        let body = story.body_start.min(story.range.end)..story.range.end;
        [title, body]
            .into_iter()
            .any(|range| text.get(range).is_some_and(|t| competency.shown_in(t)))
    };
    let mut out: Vec<NamedCompetency> = Vec::new();
    for id in ids {
        if out.iter().any(|named| named.id == *id) {
            continue;
        }
        let range = locate_word(text, written.clone(), id).unwrap_or_else(|| story.anchor(text));
        let shown = set.and_then(|set| set.get(id)).is_some_and(told);
        out.push(NamedCompetency {
            id: id.clone(),
            range,
            shown,
        });
    }
    out
}

/// The first occurrence of `word` (case-insensitive, not inside a longer id) in `within`.
fn locate_word(text: &str, within: Range<usize>, word: &str) -> Option<Range<usize>> {
    let haystack = text.get(within.clone())?.to_ascii_lowercase();
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(found) = haystack.get(from..)?.find(word) {
        let start = from + found;
        let end = start + word.len();
        let before = haystack[..start].chars().next_back().is_some_and(is_id);
        let after = haystack[end..].chars().next().is_some_and(is_id);
        if !before && !after {
            return Some(within.start + start..within.start + end);
        }
        from = end;
    }
    None
}

/// A bank laid out as a matrix: rows (competencies or prompts) by stories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// `competencies` or `prompts`.
    pub by: &'static str,
    /// The competency set's name, or the themes' names.
    pub set: String,
    /// How many ready stories each row needs.
    pub needed: usize,
    pub rows: Vec<Row>,
}

/// One competency or prompt, and the stories that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// Indexes into the summaries the matrix was built from.
    pub stories: Vec<usize>,
    /// How many of those stories are ready (no error-level finding).
    pub ready: usize,
    /// Whether fewer than `needed` stories are ready.
    pub gap: bool,
}

impl Matrix {
    /// What each row needs, in words: "2 ready stories".
    pub fn needed_stories(&self) -> String {
        let noun = if self.needed == 1 { "story" } else { "stories" };
        format!("{} ready {noun}", self.needed)
    }

    /// The rows with a gap.
    pub fn gaps(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|row| row.gap)
    }
}

/// Whether the bank is mapped to competencies: `starling.toml` picks a set, or some story
/// names a competency. Coverage is only judged then.
pub fn uses_competencies(stories: &[StorySummary], config: &Config) -> bool {
    config.competency_set().is_some() || stories.iter().any(|s| !s.competencies.is_empty())
}

/// Competencies by stories, for the set the configuration picks (or the general set).
pub fn competency_matrix(stories: &[StorySummary], config: &Config) -> Matrix {
    let needed = config.stories_per_competency();
    let Some(set) = competency_set(config) else {
        return Matrix {
            by: "competencies",
            set: String::new(),
            needed,
            rows: Vec::new(),
        };
    };
    let rows = set
        .competencies
        .iter()
        .map(|competency| {
            row(&competency.id, &competency.name, stories, needed, |story| {
                story.competencies.iter().any(|c| c.id == competency.id)
            })
        })
        .collect();
    Matrix {
        by: "competencies",
        set: set.name.clone(),
        needed,
        rows,
    }
}

/// Common prompts by stories, for every theme the stories use (each prompt needs one story).
pub fn prompt_matrix(stories: &[StorySummary], config: &Config) -> Matrix {
    let mut themes: Vec<&str> = stories.iter().map(|s| s.theme.as_str()).collect();
    if themes.is_empty() {
        themes.push(config.theme());
    }
    themes.sort();
    themes.dedup();
    let rows = themes
        .iter()
        .filter_map(|name| theme::find(name))
        .flat_map(|theme| {
            theme.prompts.iter().map(move |prompt| {
                row(&theme.name, prompt, stories, 1, |story| {
                    story.theme == theme.name
                        && story.prompts.iter().any(|p| same_prompt(p, prompt))
                })
            })
        })
        .collect();
    Matrix {
        by: "prompts",
        set: themes.join(", "),
        needed: 1,
        rows,
    }
}

fn row(
    id: &str,
    name: &str,
    stories: &[StorySummary],
    needed: usize,
    names: impl Fn(&StorySummary) -> bool,
) -> Row {
    let indexes: Vec<usize> = (0..stories.len()).filter(|&i| names(&stories[i])).collect();
    let ready = indexes.iter().filter(|&&i| stories[i].ready).count();
    Row {
        id: id.to_string(),
        name: name.to_string(),
        stories: indexes,
        ready,
        gap: ready < needed,
    }
}

/// Every finding about the bank as a whole: `prompt-coverage` per theme, and the competency
/// findings (`unknown-competency`, `competency-not-shown`, `competency-coverage`).
pub fn coverage(stories: &[StorySummary], config: &Config) -> Vec<BankFinding> {
    let mut out = prompt_coverage::check(stories, config);
    out.extend(competency_findings(stories, config));
    out
}

/// A finding of `meta`; `None` when the configuration turns the rule off (the front ends
/// apply its severity and the suppression comments, as for any finding).
pub(crate) fn bank_finding(
    config: &Config,
    meta: &'static RuleMeta,
    file: usize,
    range: Range<usize>,
    message: String,
) -> Option<BankFinding> {
    if config.rule(meta.id) == Some(RuleSetting::Off) {
        return None;
    }
    Some(BankFinding {
        file,
        finding: Finding::new(meta, range, message),
    })
}

/// The competency findings of a bank: each id the set lacks, each named competency the story
/// never shows, and the competencies with too few ready stories. Coverage is only reported
/// when `starling.toml` picks a set or some story names a competency.
pub fn competency_findings(stories: &[StorySummary], config: &Config) -> Vec<BankFinding> {
    let Some(set) = competency_set(config) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for story in stories {
        for named in &story.competencies {
            let found = unknown_competency::check(set, story, named, config)
                .or_else(|| competency_not_shown::check(set, story, named, config));
            // Ids in a file's front matter are named once for all of its stories.
            if let Some(found) = found.filter(|found| !out.contains(found)) {
                out.push(found);
            }
        }
    }
    out.extend(competency_coverage::check(stories, set, config));
    out
}

/// Whether a prompt a story names is one of a theme's common prompts, paraphrases included.
pub use crate::prompts::same_prompt;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

    const PARTS: &str = "## Situation\nA launch.\n## Task\nI owned it.\n## Action\nI cut tests.\n## Result\nWe slipped two weeks.\n";

    fn summary(text: &str, file: usize) -> Vec<StorySummary> {
        let config = Config::default();
        summaries(file, text, &check_text(text, &config), &config)
    }

    #[test]
    fn fires_when_a_theme_covers_fewer_than_three_prompts() {
        let one = format!("# Launch one\nPrompt: Tell me about a time you failed.\n\n{PARTS}");
        let two = format!("# Launch two\nPrompt: Tell me about a decision you made that turned out to be wrong.\n\n{PARTS}");
        let mut stories = summary(&one, 0);
        stories.extend(summary(&two, 1));
        let found = coverage(&stories, &Config::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, 0);
        assert!(
            found[0].finding.message.contains("2 of its 7"),
            "{}",
            found[0].finding.message
        );
        let three = format!("# Launch three\nPrompt: Describe a situation where you didn't meet expectations.\n\n{PARTS}");
        stories.extend(summary(&three, 2));
        // A story with an error-level problem is not ready.
        let broken = "# Launch four\nPrompt: Tell me about a project you regret leading.\n\n## Action\nI chose X.\n";
        let stories_with_broken: Vec<_> = stories[..2]
            .iter()
            .cloned()
            .chain(summary(broken, 3))
            .collect();
        assert_eq!(coverage(&stories_with_broken, &Config::default()).len(), 1);
        assert!(coverage(&stories, &Config::default()).is_empty());
    }

    #[test]
    fn an_unknown_id_in_front_matter_is_reported_once_for_the_file() {
        let config = Config::from_toml("competencies = \"amazon\"\n", None).unwrap();
        let text = format!(
            "---\ncompetencies: [dive-deep, owner-ship]\n---\n# One\n{PARTS}# Two\n{PARTS}"
        );
        let stories = summaries(0, &text, &check_text(&text, &config), &config);
        assert_eq!(stories.len(), 2);
        let found = competency_findings(&stories, &config);
        let unknown: Vec<_> = found
            .iter()
            .filter(|f| f.finding.rule == "unknown-competency")
            .collect();
        assert_eq!(unknown.len(), 1);
        assert_eq!(&text[unknown[0].finding.range.clone()], "owner-ship");
        // Neither story tells any data or investigation: one hint each, naming the story.
        let hints: Vec<&str> = found
            .iter()
            .filter(|f| f.finding.rule == "competency-not-shown")
            .map(|f| f.finding.message.as_str())
            .collect();
        assert_eq!(hints.len(), 2, "{hints:?}");
        assert!(hints[1].contains("\u{201c}Two\u{201d}"), "{}", hints[1]);
    }

    #[test]
    fn a_story_line_names_competencies_for_that_story_only() {
        let config = Config::from_toml(
            "competencies = \"amazon\"\nstories-per-competency = 1\n",
            None,
        )
        .unwrap();
        let text = format!("# One\nCompetencies: dive-deep\n\n{PARTS}# Two\n{PARTS}");
        let stories = summaries(0, &text, &check_text(&text, &config), &config);
        assert_eq!(stories[0].competencies.len(), 1);
        assert!(stories[1].competencies.is_empty());
        let matrix = competency_matrix(&stories, &config);
        let dive = matrix.rows.iter().find(|r| r.id == "dive-deep").unwrap();
        assert_eq!(
            (dive.stories.clone(), dive.ready, dive.gap),
            (vec![0], 1, false)
        );
        assert_eq!(matrix.gaps().count(), 15);
    }

    #[test]
    fn can_be_turned_off() {
        let config = Config::from_toml("[rules]\nprompt-coverage = \"off\"\n", None).unwrap();
        let stories = summary("# Launch one\n## Action\nI cut tests.\n", 0);
        assert!(coverage(&stories, &config).is_empty());
        assert_eq!(coverage(&stories, &Config::default()).len(), 1);
    }
}

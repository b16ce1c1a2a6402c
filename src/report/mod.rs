//! The story bank report: one self-contained HTML page (inline CSS and SVG, no script, no
//! network) with the coverage matrix, each story's score, spoken time, findings and
//! follow-ups, and what to work on next.
//!
//! The front end reads the files and checks them; [`stories_of`] turns one checked file into
//! the report's entries and [`html`] renders the page. Nothing here does IO.

mod html;

use serde::Serialize;

use crate::analysis::{story_context, Analysis};
use crate::bank::Matrix;
use crate::config::Config;
use crate::rules::structure::spoken_words;
use crate::rules::Severity;
use crate::score::{follow_ups_of, scores, StoryScore};

pub use html::html;

/// Everything the page shows.
#[derive(Debug, Clone, Serialize)]
pub struct BankReport {
    /// The page title, e.g. the folder the bank lives in.
    pub title: String,
    /// Competencies by stories.
    pub competencies: Matrix,
    /// The themes' common prompts by stories.
    pub prompts: Matrix,
    /// The stories, in the order the matrices index them.
    pub stories: Vec<ReportStory>,
    /// Findings about the bank as a whole that belong to no story.
    pub bank_findings: Vec<ReportFinding>,
}

/// One story of the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportStory {
    pub title: String,
    /// The file as shown, e.g. `stories/launch.md`.
    pub path: String,
    /// The link to the file, relative to the report or absolute.
    pub href: String,
    /// One-based line of the story's title.
    pub line: usize,
    pub theme: String,
    pub competencies: Vec<String>,
    /// Whether the story has no error-level finding of its own (the bank counts only these).
    pub ready: bool,
    pub score: StoryScore,
    pub words: usize,
    pub words_per_minute: f64,
    pub findings: Vec<ReportFinding>,
    pub follow_ups: Vec<ReportFollowUp>,
}

impl ReportStory {
    /// Spoken length in seconds.
    pub fn seconds(&self) -> f64 {
        self.words as f64 * 60.0 / self.words_per_minute.max(1.0)
    }

    /// How many findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// A finding as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFinding {
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
    /// Where, as `path:line`.
    pub location: String,
}

/// A likely follow-up question and the sentence that answers it, if the story holds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFollowUp {
    pub question: String,
    pub answer: Option<String>,
}

/// The report entries of one checked file, in outline order, and the file's findings that
/// belong to no story. `href` links to the file.
pub fn stories_of(
    path: &str,
    href: &str,
    text: &str,
    analysis: &Analysis,
    config: &Config,
) -> (Vec<ReportStory>, Vec<ReportFinding>) {
    let outline = &analysis.outline;
    let story_scores = scores(text, analysis, config);
    let follow_ups = follow_ups_of(text, analysis, config);
    let finding = |f: &crate::rules::Finding| ReportFinding {
        severity: f.severity,
        rule: f.rule,
        message: f.message.clone(),
        location: format!("{path}:{}", crate::config::line_col(text, f.range.start).0),
    };
    let mut loose: Vec<ReportFinding> = Vec::new();
    let mut by_story: Vec<Vec<ReportFinding>> = vec![Vec::new(); outline.stories.len()];
    for f in &analysis.findings {
        // A finding in the front matter of a file of one story is about that story.
        let index = f
            .story
            .or_else(|| {
                outline
                    .stories
                    .iter()
                    .position(|s| s.range.contains(&f.range.start))
            })
            .or((outline.stories.len() == 1).then_some(0));
        match index.and_then(|i| by_story.get_mut(i)) {
            Some(list) => list.push(finding(f)),
            None => loose.push(finding(f)),
        }
    }
    let stories = story_scores
        .into_iter()
        .zip(follow_ups)
        .zip(by_story)
        .enumerate()
        .map(|(index, ((score, follow_ups), mut findings))| {
            let cx = story_context(text, outline, index, config);
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
            let story = &outline.stories[index];
            let competencies = if story.meta.competencies.is_empty() {
                outline.file.meta.competencies.clone()
            } else {
                story.meta.competencies.clone()
            };
            ReportStory {
                title: score.title.clone(),
                path: path.to_string(),
                href: href.to_string(),
                line: crate::config::line_col(text, score.range.start).0,
                theme: cx.theme.name.clone(),
                competencies,
                ready: !analysis
                    .findings
                    .iter()
                    .any(|f| f.story == Some(index) && f.severity >= Severity::Error),
                words: spoken_words(&cx),
                words_per_minute: config.tuning().words_per_minute,
                findings,
                follow_ups: follow_ups
                    .into_iter()
                    .map(|f| ReportFollowUp {
                        question: f.question,
                        answer: f.answer.map(|(_, sentence)| sentence),
                    })
                    .collect(),
                score,
            }
        })
        .collect();
    (stories, loose)
}

/// One suggestion of "what to work on next".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    pub headline: String,
    pub detail: String,
}

/// The few changes that would raise the bank most: the competencies with gaps, the weakest
/// score dimension across stories, and the stories with warnings or errors.
pub fn next_steps(report: &BankReport) -> Vec<NextStep> {
    let mut steps = Vec::new();
    let set = crate::competency::find(&report.competencies.set);
    let gaps: Vec<_> = report.competencies.gaps().collect();
    for row in gaps.iter().take(3) {
        let competency = set.and_then(|set| set.get(&row.id));
        let prompt = competency
            .and_then(|c| c.prompts.first())
            .map(|p| format!(" A prompt to prepare for: \u{201c}{p}\u{201d}"))
            .unwrap_or_default();
        let probes = competency.map_or_else(String::new, |c| format!(" {}", c.probes));
        steps.push(NextStep {
            headline: format!(
                "Add a story for {} ({} of {} ready)",
                row.name, row.ready, report.competencies.needed
            ),
            detail: format!("Interviewers probe for this:{probes}{prompt}"),
        });
    }
    if gaps.len() > 3 {
        let rest: Vec<&str> = gaps[3..].iter().map(|r| r.name.as_str()).collect();
        steps.push(NextStep {
            headline: format!("{} more competencies fall short", rest.len()),
            detail: rest.join(", "),
        });
    }
    if let Some(step) = weakest_dimension(&report.stories) {
        steps.push(step);
    }
    let warned: Vec<String> = report
        .stories
        .iter()
        .filter_map(|s| {
            let (errors, warnings) = (s.count(Severity::Error), s.count(Severity::Warning));
            (errors + warnings > 0).then(|| {
                format!(
                    "{} ({})",
                    s.title,
                    counted(&[(errors, "error"), (warnings, "warning")])
                )
            })
        })
        .collect();
    if !warned.is_empty() {
        steps.push(NextStep {
            headline: format!(
                "Fix the warnings in {} {}",
                warned.len(),
                if warned.len() == 1 {
                    "story"
                } else {
                    "stories"
                }
            ),
            detail: warned.join("; "),
        });
    }
    steps
}

/// The score dimension with the lowest average, and the stories lowest on it.
fn weakest_dimension(stories: &[ReportStory]) -> Option<NextStep> {
    let first = stories.first()?;
    let n = stories.len() as f64;
    let (index, average) = (0..first.score.dimensions.len())
        .map(|d| {
            let sum: u32 = stories
                .iter()
                .filter_map(|s| s.score.dimensions.get(d))
                .map(|dim| u32::from(dim.points))
                .sum();
            (d, f64::from(sum) / n)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let name = first.score.dimensions[index].name;
    let mut lowest: Vec<(u8, &str)> = stories
        .iter()
        .filter_map(|s| Some((s.score.dimensions.get(index)?.points, s.title.as_str())))
        .collect();
    lowest.sort();
    let names: Vec<String> = lowest
        .iter()
        .take(3)
        .map(|(points, title)| format!("{title} ({points}/{})", crate::score::MAX_POINTS))
        .collect();
    Some(NextStep {
        headline: format!(
            "Strengthen {name}: it averages {average:.1} of {} across the bank",
            crate::score::MAX_POINTS
        ),
        detail: format!("Lowest: {}", names.join(", ")),
    })
}

/// "1 error, 2 warnings", leaving out zero counts.
fn counted(counts: &[(usize, &str)]) -> String {
    counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

//! The per-file summaries the story bank is built from, and the bank's findings as a file
//! shows them.

use super::card::{story_counts, Counts};
use crate::analysis::Analysis;
use crate::bank::StorySummary;
use crate::config::Config;
use crate::rules::Finding;
use crate::story::Outline;

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

    const STORY: &str =
        "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";

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
}

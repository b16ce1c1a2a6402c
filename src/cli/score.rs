//! `starling score`: each story's score on the rubric's five dimensions, and with
//! `--follow-ups`, which likely follow-up questions the story already answers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde_json::json;

use super::check::{decode, read_file, read_limited, Input};
use super::output::LineIndex;
use super::EXIT_ERROR;
use crate::analysis::{check_text, isolate, story_context};
use crate::config::Config;
use crate::score::{score, FollowUp, StoryScore};

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Files or folders to score; `-` reads standard input. Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,
    /// Also list the likely follow-up questions and the sentence that answers each.
    #[arg(long)]
    pub follow_ups: bool,
    /// Use this configuration file instead of the nearest `starling.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
}

pub fn run(args: ScoreArgs) -> ExitCode {
    super::finish(run_inner(&args))
}

fn run_inner(args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let (inputs, mut configs) = super::check::inputs(&args.paths, args.config.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut json_files = Vec::new();
    let mut failed = false;
    for input in inputs {
        let (bytes, config) = match &input {
            Input::Stdin => {
                let config = configs.for_file(Path::new("."))?;
                let bytes = read_limited(std::io::stdin().lock(), config.max_file_size())
                    .context("standard input")?;
                (bytes, config)
            }
            Input::File(path) => {
                let config = configs.for_file(path)?;
                let bytes = read_file(path, config.max_file_size())
                    .with_context(|| path.display().to_string())?;
                (bytes, config)
            }
        };
        let (text, _) = decode(&bytes).with_context(|| input.display())?;
        let path = input.display();
        let Some((story_scores, follow_ups)) = score_file(&path, text, &config, args.follow_ups)
        else {
            failed = true;
            continue;
        };
        match args.format {
            ScoreFormat::Human => {
                let lines = LineIndex::new(text);
                for (i, score) in story_scores.iter().enumerate() {
                    human(&mut out, &path, &lines, score, follow_ups.get(i))?;
                }
            }
            ScoreFormat::Json => {
                let stories: Vec<_> = story_scores
                    .iter()
                    .enumerate()
                    .map(|(i, score)| {
                        let mut value = serde_json::to_value(score).unwrap_or_default();
                        if let Some(list) = follow_ups.get(i) {
                            value["follow_ups"] = serde_json::to_value(list).unwrap_or_default();
                        }
                        value
                    })
                    .collect();
                json_files.push(json!({ "path": path, "stories": stories }));
            }
        }
    }
    if args.format == ScoreFormat::Json {
        serde_json::to_writer_pretty(&mut out, &json!({ "files": json_files }))?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(EXIT_ERROR)
    } else {
        ExitCode::SUCCESS
    })
}

/// The scores of every story of one file, and their follow-ups when asked. A story whose
/// scoring panics is left out, with one line on standard error; `None` when the whole file
/// failed.
fn score_file(
    path: &str,
    text: &str,
    config: &Config,
    with_follow_ups: bool,
) -> Option<(Vec<StoryScore>, Vec<Vec<FollowUp>>)> {
    let analysis = isolate(|| format!("checking {path}"), || check_text(text, config))?;
    let mut story_scores = Vec::new();
    let mut follow_ups = Vec::new();
    for index in 0..analysis.outline.stories.len() {
        let cx = story_context(text, &analysis.outline, index, config);
        let what = || format!("scoring story {} of {path}", index + 1);
        let Some(story_score) = isolate(what, || score(&cx)) else {
            continue;
        };
        if with_follow_ups {
            follow_ups.push(isolate(what, || crate::score::follow_ups(&cx)).unwrap_or_default());
        }
        story_scores.push(story_score);
    }
    Some((story_scores, follow_ups))
}

/// One story: a table of the five dimensions with their reasons, the total, and the
/// follow-ups when asked.
fn human(
    out: &mut impl Write,
    path: &str,
    lines: &LineIndex,
    score: &StoryScore,
    follow_ups: Option<&Vec<FollowUp>>,
) -> std::io::Result<()> {
    let (line, _) = lines.line_col(score.range.start);
    writeln!(out, "{path}:{line}: {}", score.title)?;
    for dimension in &score.dimensions {
        writeln!(
            out,
            "  {:<18} {}/{}",
            dimension.name,
            dimension.points,
            crate::score::MAX_POINTS
        )?;
        for reason in &dimension.reasons {
            writeln!(out, "      {reason}")?;
        }
    }
    writeln!(out, "  {:<18} {}/{}", "Total", score.total, score.max)?;
    if let Some(follow_ups) = follow_ups {
        writeln!(out, "  Follow-ups:")?;
        for follow_up in follow_ups {
            match &follow_up.answer {
                Some((range, sentence)) => {
                    let (line, _) = lines.line_col(range.start);
                    writeln!(out, "    [x] {}", follow_up.question)?;
                    writeln!(out, "        line {line}: {sentence}")?;
                }
                None => writeln!(out, "    [ ] {}", follow_up.question)?,
            }
        }
    }
    writeln!(out)
}

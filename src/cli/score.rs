//! `starling score`: each story's score on the rubric's five dimensions, and with
//! `--follow-ups`, which likely follow-up questions the story already answers.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde_json::json;

use super::check::{read_text, Input};
use super::EXIT_ERROR;
use crate::analysis::check_text;
use crate::score::{follow_ups_of, scores, FollowUp, StoryScore};

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
    match run_inner(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("starling: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_inner(args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let (inputs, mut configs) = super::check::inputs(&args.paths, args.config.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut json_files = Vec::new();
    for input in inputs {
        let (text, config) = match &input {
            Input::Stdin => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("cannot read standard input")?;
                (text, configs.for_file(Path::new("."))?)
            }
            Input::File(path) => (
                read_text(path).with_context(|| path.display().to_string())?,
                configs.for_file(path)?,
            ),
        };
        let analysis = check_text(&text, &config);
        let story_scores = scores(&text, &analysis, &config);
        let follow_ups = if args.follow_ups {
            follow_ups_of(&text, &analysis, &config)
        } else {
            Vec::new()
        };
        let path = input.display();
        match args.format {
            ScoreFormat::Human => {
                for (i, score) in story_scores.iter().enumerate() {
                    human(&mut out, &path, &text, score, follow_ups.get(i))?;
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
    Ok(ExitCode::SUCCESS)
}

/// One story: a table of the five dimensions with their reasons, the total, and the
/// follow-ups when asked.
fn human(
    out: &mut impl Write,
    path: &str,
    text: &str,
    score: &StoryScore,
    follow_ups: Option<&Vec<FollowUp>>,
) -> std::io::Result<()> {
    let (line, _) = super::output::line_col(text, score.range.start);
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
                    let (line, _) = super::output::line_col(text, range.start);
                    writeln!(out, "    [x] {}", follow_up.question)?;
                    writeln!(out, "        line {line}: {sentence}")?;
                }
                None => writeln!(out, "    [ ] {}", follow_up.question)?,
            }
        }
    }
    writeln!(out)
}

//! `starling bank`: the story bank as a matrix of competencies (or prompts) by stories, with
//! the gaps marked, in the terminal or as JSON. Also reads a bank for `starling report`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde_json::json;

use super::check::{decode, read_file, Input};
use super::output::{LineIndex, Report};
use super::EXIT_ERROR;
use crate::analysis::check_text;
use crate::bank::{competency_matrix, prompt_matrix, Matrix, StorySummary};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct BankArgs {
    /// Files or folders of the bank. Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Rows: the competency set's competencies, or the themes' common prompts.
    #[arg(long, value_enum, default_value_t = By::Competencies)]
    pub by: By,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BankFormat::Human)]
    pub format: BankFormat,
    /// Use this configuration file instead of the nearest `starling.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    Competencies,
    Prompts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BankFormat {
    Human,
    Json,
}

/// A checked bank: every file's report (bank findings included) and configuration, the
/// summaries of its stories in file order, and the configuration the bank is judged by.
pub(super) struct Bank {
    pub reports: Vec<Report>,
    pub configs: Vec<Config>,
    pub summaries: Vec<StorySummary>,
    pub config: Config,
}

/// Reads and checks every story file under `paths`, as `starling check` does.
pub(super) fn load(paths: &[PathBuf], config: Option<&Path>) -> anyhow::Result<Bank> {
    let (inputs, mut configs) = super::check::inputs(paths, config)?;
    let mut jobs = Vec::new();
    let mut reports = Vec::new();
    for input in inputs {
        let Input::File(path) = &input else {
            anyhow::bail!("the bank is read from files and folders, not standard input");
        };
        let config = configs.for_file(path)?;
        let bytes =
            read_file(path, config.max_file_size()).with_context(|| path.display().to_string())?;
        let (text, bom) = decode(&bytes).with_context(|| path.display().to_string())?;
        let text = text.to_string();
        let analysis = check_text(&text, &config);
        reports.push(Report {
            path: input.display(),
            file: Some(path.clone()),
            bom,
            text,
            original: None,
            fixes: Vec::new(),
            analysis,
        });
        jobs.push((input, config));
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    super::check::add_bank_findings(&mut reports, &jobs);
    let config = jobs
        .first()
        .map(|(_, config)| config.clone())
        .unwrap_or_default();
    let configs: Vec<Config> = reports
        .iter()
        .map(|report| {
            jobs.iter()
                .find(|(input, _)| input.display() == report.path)
                .map_or_else(|| config.clone(), |(_, own)| own.clone())
        })
        .collect();
    let mut summaries = Vec::new();
    for (index, (report, own)) in reports.iter().zip(&configs).enumerate() {
        summaries.extend(crate::bank::summaries(
            index,
            &report.text,
            &report.analysis,
            own,
        ));
    }
    Ok(Bank {
        reports,
        configs,
        summaries,
        config,
    })
}

pub fn run(args: BankArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("starling: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_inner(args: &BankArgs) -> anyhow::Result<ExitCode> {
    let bank = load(&args.paths, args.config.as_deref())?;
    let matrix = match args.by {
        By::Competencies => competency_matrix(&bank.summaries, &bank.config),
        By::Prompts => prompt_matrix(&bank.summaries, &bank.config),
    };
    let stories: Vec<StoryRef> = bank
        .summaries
        .iter()
        .map(|summary| {
            let report = &bank.reports[summary.file];
            StoryRef {
                path: &report.path,
                line: LineIndex::new(&report.text)
                    .line_col(summary.anchor.start)
                    .0,
                summary,
            }
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        BankFormat::Human => human(&mut out, &matrix, &stories)?,
        BankFormat::Json => {
            let stories: Vec<_> = stories
                .iter()
                .map(|story| {
                    json!({
                        "path": story.path,
                        "line": story.line,
                        "title": story.summary.title,
                        "theme": story.summary.theme,
                        "ready": story.summary.ready,
                        "prompts": story.summary.prompts,
                        "competencies": story.summary.competencies.iter().map(|c| &c.id).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let gaps: Vec<&str> = matrix
                .gaps()
                .map(|row| match args.by {
                    By::Competencies => row.id.as_str(),
                    By::Prompts => row.name.as_str(),
                })
                .collect();
            let mut value = serde_json::to_value(&matrix)?;
            value["stories"] = json!(stories);
            value["gaps"] = json!(gaps);
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

struct StoryRef<'a> {
    path: &'a str,
    line: usize,
    summary: &'a StorySummary,
}

/// The stories numbered, then one line per row: a mark per story and the ready count, gaps
/// spelt out. `x` is a ready story, `o` one with errors, `.` a story that does not name it.
fn human(out: &mut impl Write, matrix: &Matrix, stories: &[StoryRef<'_>]) -> std::io::Result<()> {
    if matrix.by == "competencies" {
        writeln!(
            out,
            "Competency set `{}`: each competency needs {}.",
            matrix.set,
            matrix.needed_stories()
        )?;
    } else {
        writeln!(
            out,
            "Common prompts of `{}`: each prompt needs a ready story.",
            matrix.set
        )?;
    }
    writeln!(out)?;
    let digits = stories.len().to_string().len();
    for (index, story) in stories.iter().enumerate() {
        writeln!(
            out,
            "  {:>digits$}  {}:{}  {}{}",
            index + 1,
            story.path,
            story.line,
            story.summary.title,
            if story.summary.ready {
                ""
            } else {
                " (not ready: has errors)"
            }
        )?;
    }
    writeln!(out)?;
    let label = |row: &crate::bank::Row| {
        if matrix.by == "competencies" {
            row.id.clone()
        } else {
            let name: String = row.name.chars().take(48).collect();
            if name.len() < row.name.len() {
                format!("{}...", name.trim_end())
            } else {
                name
            }
        }
    };
    let width = matrix
        .rows
        .iter()
        .map(|row| label(row).chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let column = digits.max(1);
    let header: Vec<String> = (1..=stories.len())
        .map(|n| format!("{n:>column$}"))
        .collect();
    writeln!(out, "  {:width$}  {}  ready", "", header.join(" "))?;
    for row in &matrix.rows {
        let marks: Vec<String> = (0..stories.len())
            .map(|index| {
                let mark = match (row.stories.contains(&index), stories[index].summary.ready) {
                    (false, _) => ".",
                    (true, true) => "x",
                    (true, false) => "o",
                };
                format!("{mark:>column$}")
            })
            .collect();
        let status = if row.gap {
            format!("  gap: needs {}", matrix.needed)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:width$}  {}  {:>5}{status}",
            label(row),
            marks.join(" "),
            row.ready
        )?;
    }
    writeln!(out)?;
    let gaps: Vec<String> = matrix.gaps().map(&label).collect();
    if gaps.is_empty() {
        writeln!(out, "No gaps: every row has its stories.")?;
    } else {
        writeln!(
            out,
            "{} of {} rows covered; {} {}: {}",
            matrix.rows.len() - gaps.len(),
            matrix.rows.len(),
            gaps.len(),
            if gaps.len() == 1 { "gap" } else { "gaps" },
            gaps.join(", ")
        )?;
    }
    Ok(())
}

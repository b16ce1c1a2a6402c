//! The command line: `starling check`, `score`, `bank`, `report`, `rules`, `explain` and `lsp`.

mod bank;
mod check;
mod init;
mod output;
mod report;
mod score;
mod write;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::rules::Severity;

/// Coaches behavioral-interview stories: finds where a story will lose the interviewer.
#[derive(Debug, Parser)]
#[command(name = "starling", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check story files and folders (`-` reads standard input).
    Check(check::CheckArgs),
    /// Score each story on the rubric's five dimensions (and, with `--follow-ups`, its
    /// follow-up readiness).
    Score(score::ScoreArgs),
    /// Show the story bank as a matrix: competencies (or prompts) by stories, gaps marked.
    Bank(bank::BankArgs),
    /// Write the story bank as one self-contained HTML page.
    Report(report::ReportArgs),
    /// List the rules.
    Rules {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Write one Markdown page per rule (and a README.md index) into this folder.
        #[arg(long, value_name = "DIR")]
        markdown: Option<std::path::PathBuf>,
    },
    /// Set up a story bank: a commented `starling.toml` and a first story in `stories/`.
    Init {
        /// The folder to set up. Defaults to the current folder.
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
    },
    /// Print a rule's explanation.
    Explain {
        /// The rule id, e.g. `missing-learning`.
        rule: String,
    },
    /// Run the language server over stdio (what editors start).
    Lsp {
        /// How much to log to the editor: error, warn, info, debug or trace.
        #[arg(long, default_value = "info")]
        log_level: String,
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

/// The lowest severity that makes `check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Hint => Severity::Hint,
        }
    }
}

/// Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage or config errors.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    if !matches!(cli.command, Command::Lsp { .. }) {
        quiet_panics();
    }
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Score(args) => score::run(args),
        Command::Bank(args) => bank::run(args),
        Command::Report(args) => report::run(args),
        Command::Rules {
            markdown: Some(dir),
            ..
        } => match output::write_rule_docs(&dir) {
            Ok(count) => {
                eprintln!("starling: wrote {count} rule pages to {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("starling: {}: {err}", dir.display());
                ExitCode::from(EXIT_ERROR)
            }
        },
        Command::Rules { json, .. } => finish(output::print_rules(json).map_err(Into::into)),
        Command::Init { dir } => finish(init::run(&dir).map(|()| ExitCode::SUCCESS)),
        Command::Explain { rule } => match crate::rules::find(&rule) {
            Some(meta) => finish(
                writeln!(std::io::stdout(), "# {}\n\n{}", meta.id, meta.explanation())
                    .map(|()| ExitCode::SUCCESS)
                    .map_err(Into::into),
            ),
            None => {
                eprintln!("starling: unknown rule `{rule}` (run `starling rules` for the list)");
                ExitCode::from(EXIT_ERROR)
            }
        },
        Command::Lsp { log_level, .. } => match crate::lsp::run(&log_level) {
            Ok(code) => code,
            Err(err) => {
                eprintln!("starling: {err:#}");
                ExitCode::from(EXIT_ERROR)
            }
        },
    }
}

/// The exit code of a command's outcome, printing its error. Output cut short by a closed
/// pipe (`starling rules | head`) is no error: the reader has all it wanted.
fn finish(outcome: anyhow::Result<ExitCode>) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("starling: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Reports a panic in one line with no backtrace, unless `RUST_BACKTRACE` asks for one. A
/// panic that [`crate::analysis::isolate`] catches is left to it to report.
fn quiet_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = crate::analysis::panic_message(info.payload());
        let description = match info.location() {
            Some(at) => format!("{message}, at {}:{}", at.file(), at.line()),
            None => message.to_string(),
        };
        if !crate::analysis::isolated_panic(description.clone()) {
            eprintln!(
                "starling: internal error: {description}. This is a bug: please report it \
                 (RUST_BACKTRACE=1 shows the backtrace)"
            );
        }
    }));
}

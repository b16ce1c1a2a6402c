//! `starling check`: find story files, check them in parallel, report, optionally fix.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::output::{self, Report};
use super::{write, FailOn, EXIT_ERROR, EXIT_FINDINGS};
use crate::analysis::{check_text, isolate};
use crate::config::{self, Config, ConfigError};
use crate::workspace;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check; `-` reads standard input. Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Apply every fix in place (files are written atomically) and say what changed.
    #[arg(long)]
    pub fix: bool,
    /// Show the changes `--fix` would make, as a unified diff, without writing them.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Also name each file that has no findings.
    #[arg(long, short)]
    pub verbose: bool,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Use this configuration file instead of the nearest `starling.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// One input: a file on disk or standard input.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// Above this many files, a terminal shows a progress bar.
const PROGRESS_THRESHOLD: usize = 50;

pub fn run(args: CheckArgs) -> ExitCode {
    crate::analysis::check_in_parallel();
    // While this thread reads the configuration and the first file, another compiles what
    // every check reads: the label patterns (next), the figure patterns (in each story) and
    // the prompt reader (the bank findings, last).
    rayon::spawn(|| {
        // A panic here would end the process from rayon's thread; the check meets it again
        // where it says which file it was reading.
        isolate(
            || "compiling the label, figure and prompt patterns".to_string(),
            || {
                crate::story::labels::warm_up();
                crate::text::figures::warm_up();
                crate::prompts::warm_up();
            },
        );
    });
    super::finish(run_inner(&args))
}

/// The inputs named by `paths` (the current folder when none) and the configurations for
/// them: `config` if given, else each file's nearest `starling.toml`.
pub(super) fn inputs(
    paths: &[PathBuf],
    config: Option<&Path>,
) -> anyhow::Result<(Vec<Input>, ConfigCache)> {
    let explicit = match config {
        Some(path) => Some(Config::load(path).map_err(config_error)?),
        None => None,
    };
    let mut configs = ConfigCache::new(explicit);
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let inputs = collect_inputs(&paths, &mut configs)?;
    Ok((inputs, configs))
}

fn run_inner(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let (inputs, mut configs) = inputs(&args.paths, args.config.as_deref())?;

    let progress =
        (!args.no_progress && std::io::stderr().is_terminal() && inputs.len() > PROGRESS_THRESHOLD)
            .then(|| {
                let bar = indicatif::ProgressBar::new(inputs.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            });

    // Configs are loaded up front (serially) so that errors are reported once, in order.
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let config = match &input {
            Input::File(path) => configs.for_file(path)?,
            Input::Stdin => configs.for_file(Path::new("."))?,
        };
        jobs.push((input, config));
    }

    let stdin_text = match jobs.iter().find(|(i, _)| matches!(i, Input::Stdin)) {
        Some((_, config)) => Some(
            read_limited(std::io::stdin().lock(), config.max_file_size())
                .context("standard input")?,
        ),
        None => None,
    };

    let failures = Mutex::new(Vec::new());
    let mode = if args.fix {
        Mode::Fix
    } else if args.diff {
        Mode::Diff
    } else {
        Mode::Check
    };
    let mut reports: Vec<Report> = jobs
        .par_iter()
        .filter_map(|(input, config)| {
            let result = isolate(
                || format!("checking {}", input.display()),
                || check_one(input, config, stdin_text.as_deref(), mode),
            )
            .unwrap_or_else(|| Err(anyhow::anyhow!("not checked")));
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            match result {
                Ok(report) => Some(report),
                Err(err) => {
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(format!("{}: {err:#}", input.display()));
                    None
                }
            }
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    add_bank_findings(&mut reports, &jobs);

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let fixed_stdin = args.fix && reports.iter().any(|r| r.path == "<stdin>");
    // What `--fix` changed goes with the human report; beside JSON, SARIF or a fixed
    // standard input, it goes to standard error.
    let fixes_to_stdout = args.format == Format::Human && !fixed_stdin;
    for report in reports.iter().filter(|r| !r.fixes.is_empty()) {
        let line = output::fixes_line(report);
        if fixes_to_stdout {
            writeln!(out, "{line}")?;
        } else {
            eprintln!("starling: {line}");
        }
    }
    if fixed_stdin {
        // With `--fix`, standard input's fixed text goes to standard output.
        if let Some(report) = reports.iter().find(|r| r.path == "<stdin>") {
            if report.bom {
                out.write_all(crate::document::BOM.as_bytes())?;
            }
            out.write_all(report.text.as_bytes())?;
        }
    } else if args.diff {
        for report in &reports {
            output::diff(&mut out, report)?;
        }
    } else {
        match args.format {
            Format::Human => output::human(&mut out, &reports, color, args.verbose)?,
            Format::Json => output::json(&mut out, &reports)?,
            Format::Sarif => output::sarif(&mut out, &reports)?,
        }
    }
    out.flush()?;

    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    for failure in &failures {
        eprintln!("starling: {failure}");
    }
    if !failures.is_empty() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    if args.diff {
        // As a check of the fixes: 1 when a fix would change a file.
        let changes = reports.iter().any(|r| r.original.is_some());
        return Ok(ExitCode::from(if changes { EXIT_FINDINGS } else { 0 }));
    }
    let threshold = args.fail_on.severity();
    let failing = reports
        .iter()
        .flat_map(|r| &r.analysis.findings)
        .any(|f| f.severity >= threshold);
    Ok(if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn config_error(err: ConfigError) -> anyhow::Error {
    anyhow::anyhow!("invalid configuration: {err}")
}

/// Adds the story bank's findings (`prompt-coverage`) to the report of the first story file of
/// each theme, once every file is checked.
pub(super) fn add_bank_findings(reports: &mut [Report], jobs: &[(Input, Config)]) {
    let configs: HashMap<String, &Config> = jobs
        .iter()
        .map(|(input, config)| (input.display(), config))
        .collect();
    let mut summaries = Vec::new();
    for (index, report) in reports.iter().enumerate() {
        let Some(config) = configs.get(&report.path) else {
            continue;
        };
        summaries.extend(crate::bank::summaries(
            index,
            &report.text,
            &report.analysis,
            config,
        ));
    }
    let config = jobs
        .first()
        .map(|(_, config)| config.clone())
        .unwrap_or_default();
    for found in crate::bank::coverage(&summaries, &config) {
        let report = &mut reports[found.file];
        let config = configs.get(&report.path).copied().unwrap_or(&config);
        let findings = crate::analysis::finish(
            &report.text,
            &report.analysis.outline,
            vec![found.finding],
            config,
        );
        report.analysis.findings.extend(findings);
        report.analysis.findings.sort_by(|a, b| {
            (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule))
        });
    }
}

/// What `check` does with each input's fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Check,
    Fix,
    Diff,
}

/// Checks one input, applying fixes when asked.
fn check_one(
    input: &Input,
    config: &Config,
    stdin: Option<&[u8]>,
    mode: Mode,
) -> anyhow::Result<Report> {
    let bytes = match input {
        Input::Stdin => stdin.unwrap_or_default().to_vec(),
        Input::File(path) => read_file(path, config.max_file_size())?,
    };
    let (text, bom) = decode(&bytes)?;
    let mut report = Report {
        path: input.display(),
        file: match input {
            Input::File(path) => Some(path.clone()),
            Input::Stdin => None,
        },
        bom,
        text: String::new(),
        original: None,
        fixes: Vec::new(),
        analysis: Default::default(),
    };
    if mode == Mode::Check {
        report.analysis = check_text(text, config);
        report.text = text.to_string();
        return Ok(report);
    }
    let (fixed, analysis, fixes) = crate::analysis::fix_all_noting(text, config);
    if fixed != text {
        if let (Input::File(path), Mode::Fix) = (input, mode) {
            let bom = if bom { crate::document::BOM } else { "" };
            write::write_fixed(path, &bytes, format!("{bom}{fixed}").as_bytes())?;
        }
        report.original = Some(text.to_string());
    }
    report.text = fixed;
    report.analysis = analysis;
    if mode == Mode::Fix {
        report.fixes = fixes;
    }
    Ok(report)
}

/// A size as a reader says it: megabytes, or bytes below one.
fn megabytes(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        return format!("{bytes} bytes");
    }
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The bytes of the file at `path`, up to `limit`: a larger file is an error. Files that are
/// not regular (`/dev/stdin`, a pipe such as `<(cat story.md)`) are read the same way.
pub(super) fn read_file(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size > limit {
        anyhow::bail!(
            "{} is over the {} limit (`max-file-size` in starling.toml); not checked",
            megabytes(size),
            megabytes(limit)
        );
    }
    read_limited(std::fs::File::open(path).context("cannot read")?, limit)
}

/// Everything `reader` holds, when that is at most `limit` bytes.
pub(super) fn read_limited(reader: impl Read, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .context("cannot read")?;
    if bytes.len() as u64 > limit {
        anyhow::bail!(
            "over the {} limit (`max-file-size` in starling.toml); not checked",
            megabytes(limit)
        );
    }
    Ok(bytes)
}

/// A file's bytes as UTF-8 text without its byte order mark (and whether it had one);
/// anything else is a clear error.
pub(super) fn decode(bytes: &[u8]) -> anyhow::Result<(&str, bool)> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        anyhow::anyhow!(
            "not UTF-8 text (invalid byte at offset {}); skipped",
            err.valid_up_to()
        )
    })?;
    if text.contains('\0') {
        anyhow::bail!("looks like a binary file (it holds NUL bytes); skipped");
    }
    Ok(crate::document::strip_bom(text))
}

/// The files to check: named files always; folders searched for story files by the include
/// globs (and Markdown whose front matter says it holds stories), honouring `.gitignore`.
fn collect_inputs(paths: &[PathBuf], configs: &mut ConfigCache) -> anyhow::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            // Files, and what reads like one: `/dev/stdin`, a pipe such as `<(cat x.md)`.
            Ok(meta) if !meta.is_dir() => {
                inputs.push(Input::File(path.clone()));
                continue;
            }
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                anyhow::bail!("{}: no such file or folder", path.display());
            }
            Err(err) => anyhow::bail!("{}: {err}", path.display()),
        }
        let fallback = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let mut found = Vec::new();
        for file in workspace::walk(path, |err| eprintln!("starling: {err}")) {
            let config = configs.for_file(&file)?;
            let root = workspace::include_root(&config, Some(&fallback));
            let verdict = workspace::verdict(&config, root.as_deref(), &file, || {
                workspace::read_head(&file)
            });
            if verdict.holds_stories() {
                found.push(file);
            }
        }
        if found.is_empty() {
            eprintln!("starling: {}", no_stories(path, &configs.for_file(path)?));
        }
        found.sort();
        inputs.extend(found.into_iter().map(Input::File));
    }
    Ok(inputs)
}

/// Why a folder gave no story files: the globs searched, and the other way in.
fn no_stories(folder: &Path, config: &Config) -> String {
    let from = match config.path() {
        Some(file) => format!("`include` in {}", file.display()),
        None => "the default `include`, as no starling.toml sets it".to_string(),
    };
    let mut message = format!(
        "no story files in {}: searched for {} ({from})",
        folder.display(),
        config.include().join(", ")
    );
    if !config.exclude().is_empty() {
        message.push_str(&format!(", leaving out {}", config.exclude().join(", ")));
    }
    message.push_str(
        ". Any Markdown file whose front matter sets `prompt:` or `theme:` is a story file too",
    );
    message
}

/// Configurations by folder: the explicit one, or the nearest `starling.toml`.
pub(super) struct ConfigCache {
    explicit: Option<Config>,
    by_file: HashMap<PathBuf, Config>,
}

impl ConfigCache {
    pub(super) fn new(explicit: Option<Config>) -> Self {
        Self {
            explicit,
            by_file: HashMap::new(),
        }
    }

    pub(super) fn for_file(&mut self, file: &Path) -> anyhow::Result<Config> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let Some(found) = config::discover(&absolute) else {
            return Ok(Config::default());
        };
        if let Some(config) = self.by_file.get(&found) {
            return Ok(config.clone());
        }
        let config = Config::load(&found).map_err(config_error)?;
        self.by_file.insert(found, config.clone());
        Ok(config)
    }
}

//! `starling report`: the story bank as one self-contained HTML page.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::EXIT_ERROR;
use crate::bank::{competency_matrix, prompt_matrix, uses_competencies};
use crate::report::{html, stories_of, BankReport};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or folders of the bank. Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Where to write the page; `-` writes it to standard output.
    #[arg(short, long, default_value = "bank.html")]
    pub output: PathBuf,
    /// Use this configuration file instead of the nearest `starling.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: ReportArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("starling: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_inner(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let bank = super::bank::load(&args.paths, args.config.as_deref())?;
    let to_stdout = args.output.as_os_str() == "-";
    let out_dir = if to_stdout {
        std::env::current_dir().unwrap_or_default()
    } else {
        absolute(args.output.parent().unwrap_or(Path::new("")))
    };
    let mut stories = Vec::new();
    let mut bank_findings = Vec::new();
    for (report, config) in bank.reports.iter().zip(&bank.configs) {
        let href = relative_link(&out_dir, &absolute(Path::new(&report.path)));
        let (entries, loose) =
            stories_of(&report.path, &href, &report.text, &report.analysis, config);
        stories.extend(entries);
        bank_findings.extend(loose);
    }
    let title = match args.paths.as_slice() {
        [one] => one.display().to_string(),
        _ => std::env::current_dir()
            .ok()
            .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| ".".to_string()),
    };
    // A bank not mapped to competencies is shown by prompts only.
    let mut competencies = competency_matrix(&bank.summaries, &bank.config);
    if !uses_competencies(&bank.summaries, &bank.config) {
        competencies.rows.clear();
    }
    let page = html(&BankReport {
        title,
        competencies,
        prompts: prompt_matrix(&bank.summaries, &bank.config),
        stories,
        bank_findings,
    });
    if to_stdout {
        print!("{page}");
    } else {
        std::fs::write(&args.output, page)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        eprintln!(
            "starling: wrote the report of {} {} to {}",
            bank.summaries.len(),
            if bank.summaries.len() == 1 {
                "story"
            } else {
                "stories"
            },
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A link from a page in `from` (a folder) to `to`: relative when they share a root, with
/// each segment percent-encoded where a URL needs it.
fn relative_link(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let shared = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if shared == 0 {
        return format!("file://{}", encode(&to.to_string_lossy()));
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - shared];
    parts.extend(
        to_parts[shared..]
            .iter()
            .map(|c| encode(&c.as_os_str().to_string_lossy())),
    );
    parts.join("/")
}

/// Percent-encodes what a URL path cannot hold as is.
fn encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_report() {
        assert_eq!(
            relative_link(Path::new("/bank/out"), Path::new("/bank/stories/a b.md")),
            "../stories/a%20b.md"
        );
        assert_eq!(
            relative_link(Path::new("/bank"), Path::new("/bank/x.md")),
            "x.md"
        );
    }
}

//! Output formats of `starling check`: human lines, JSON and SARIF 2.1.0, and the rule list.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use owo_colors::OwoColorize;
use serde_json::json;

use crate::analysis::Analysis;
use crate::rules::{self, Finding, Severity};

/// One checked input.
pub struct Report {
    /// The path as shown to a reader (`<stdin>` for standard input).
    pub path: String,
    /// The file, when the input is one: its name may not be UTF-8.
    pub file: Option<PathBuf>,
    /// Whether the input starts with a byte order mark, which `text` leaves out.
    pub bom: bool,
    /// The text checked: after the fixes with `--fix` or `--diff`.
    pub text: String,
    /// The text before the fixes, when they changed it.
    pub original: Option<String>,
    /// The titles of the fixes applied, in order.
    pub fixes: Vec<String>,
    pub analysis: Analysis,
}

/// Where each line of a text starts, to turn byte offsets into lines and columns in one pass
/// over the text rather than one per finding.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    /// One-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count();
        (line + 1, column + 1)
    }
}

/// `path:line:col: severity[rule-id] message`, one line per finding, and a summary.
pub fn human(
    out: &mut impl Write,
    reports: &[Report],
    color: bool,
    verbose: bool,
) -> std::io::Result<()> {
    let mut counts = [0usize; 4];
    let mut stories = 0;
    for report in reports {
        let story_count = report.analysis.outline.stories.len();
        stories += story_count;
        if verbose && report.analysis.findings.is_empty() {
            writeln!(
                out,
                "{}: no findings ({})",
                report.path,
                plural(story_count, "story")
            )?;
        }
        let lines = LineIndex::new(&report.text);
        for finding in &report.analysis.findings {
            counts[finding.severity as usize] += 1;
            let (line, col) = lines.line_col(finding.range.start);
            let location = format!("{}:{line}:{col}:", report.path);
            let severity = finding.severity.as_str();
            let tag = format!("{severity}[{}]", finding.rule);
            if color {
                let tag = match finding.severity {
                    Severity::Error => tag.red().bold().to_string(),
                    Severity::Warning => tag.yellow().bold().to_string(),
                    Severity::Info => tag.blue().bold().to_string(),
                    Severity::Hint => tag.dimmed().to_string(),
                };
                writeln!(out, "{} {tag} {}", location.bold(), finding.message)?;
            } else {
                writeln!(out, "{location} {tag} {}", finding.message)?;
            }
        }
    }
    let total: usize = counts.iter().sum();
    let files = reports.len();
    if total == 0 {
        writeln!(
            out,
            "No findings in {} ({}).",
            plural(stories, "story"),
            plural(files, "file")
        )?;
    } else {
        writeln!(
            out,
            "{}: {}, {}, {} info, {} in {} ({}).",
            plural(total, "finding"),
            plural(counts[Severity::Error as usize], "error"),
            plural(counts[Severity::Warning as usize], "warning"),
            counts[Severity::Info as usize],
            plural(counts[Severity::Hint as usize], "hint"),
            plural(stories, "story"),
            plural(files, "file")
        )?;
    }
    Ok(())
}

/// `n` and `word`, in the plural unless `n` is 1.
fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("{n} {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}

/// What `--fix` changed in one file: `path: fixed: inserted a Learning part; ...`, the same
/// fixes counted once.
pub fn fixes_line(report: &Report) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for title in &report.fixes {
        match counted.iter_mut().find(|(t, _)| t == title) {
            Some((_, count)) => *count += 1,
            None => counted.push((title, 1)),
        }
    }
    let done: Vec<String> = counted
        .into_iter()
        .map(|(title, count)| {
            let title = past_tense(title);
            if count == 1 {
                title
            } else {
                format!("{title} ({count} times)")
            }
        })
        .collect();
    format!("{}: fixed: {}", report.path, done.join("; "))
}

/// A fix title in the past tense: "Insert a Learning part" becomes "inserted a Learning part".
fn past_tense(title: &str) -> String {
    let (verb, rest) = title.split_once(' ').unwrap_or((title, ""));
    let verb = match verb {
        "Insert" => "inserted".to_string(),
        "Label" => "labeled".to_string(),
        "Reorder" => "reordered".to_string(),
        other => other.to_lowercase(),
    };
    format!("{verb} {rest}").trim_end().to_string()
}

/// A unified diff of what `--fix` would change in one file; nothing when it changes nothing.
pub fn diff(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let Some(original) = &report.original else {
        return Ok(());
    };
    let diff = similar::TextDiff::from_lines(original.as_str(), report.text.as_str());
    write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(
            &format!("a/{}", report.path.trim_start_matches("./")),
            &format!("b/{}", report.path.trim_start_matches("./"))
        )
    )
}

fn finding_json(report: &Report, lines: &LineIndex, finding: &Finding) -> serde_json::Value {
    let (line, column) = lines.line_col(finding.range.start);
    let (end_line, end_column) = lines.line_col(finding.range.end);
    // Byte offsets count from the start of the file, byte order mark included.
    let shift = if report.bom {
        crate::document::BOM.len()
    } else {
        0
    };
    let story = finding
        .story
        .and_then(|i| report.analysis.outline.stories.get(i))
        .map(|s| s.name().to_string());
    json!({
        "path": report.path,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "range": { "start": finding.range.start + shift, "end": finding.range.end + shift },
        "story": story,
        "fix": finding.fix.as_ref().map(|fix| json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|e| json!({
                "start": e.range.start + shift, "end": e.range.end + shift, "text": e.text,
            })).collect::<Vec<_>>(),
        })),
    })
}

/// A JSON array of findings.
pub fn json(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    let findings: Vec<_> = reports
        .iter()
        .flat_map(|r| {
            let lines = LineIndex::new(&r.text);
            r.analysis
                .findings
                .iter()
                .map(move |f| finding_json(r, &lines, f))
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

/// SARIF 2.1.0, as GitHub code scanning accepts it.
pub fn sarif(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    let metas = rules::registry::metas();
    let rule_index = |id: &str| metas.iter().position(|m| m.id == id).unwrap_or(0);
    let level = |severity: Severity| match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    };
    let rules: Vec<_> = metas
        .iter()
        .map(|meta| {
            json!({
                "id": meta.id,
                "name": meta.id,
                "shortDescription": { "text": meta.summary() },
                "fullDescription": { "text": meta.summary() },
                "help": { "text": meta.explanation(), "markdown": meta.explanation() },
                "helpUri": crate::rules::doc_url(meta.id),
                "defaultConfiguration": { "level": level(meta.severity) },
                "properties": { "tags": [meta.category.title()] },
            })
        })
        .collect();
    let results: Vec<_> = reports
        .iter()
        .flat_map(|report| {
            let lines = LineIndex::new(&report.text);
            let uri = sarif_uri(report);
            report.analysis.findings.iter().map(move |finding| {
                let (line, column) = lines.line_col(finding.range.start);
                let (end_line, end_column) = lines.line_col(finding.range.end);
                json!({
                    "ruleId": finding.rule,
                    "ruleIndex": rule_index(finding.rule),
                    "level": level(finding.severity),
                    "message": { "text": finding.message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri },
                            "region": {
                                "startLine": line,
                                "startColumn": column,
                                "endLine": end_line,
                                "endColumn": end_column,
                            }
                        }
                    }],
                })
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "starling",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/starling-coach/starling",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A relative, forward-slash URI for a report's file, percent-encoding the bytes of its name
/// as they are, even when they are not UTF-8.
fn sarif_uri(report: &Report) -> String {
    let bytes = match &report.file {
        Some(file) => path_bytes(file),
        None => report.path.as_bytes().to_vec(),
    };
    let bytes = bytes.strip_prefix(b"./").unwrap_or(&bytes);
    let mut uri = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(b));
            }
            b'\\' if cfg!(windows) => uri.push('/'),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

#[cfg(unix)]
fn path_bytes(path: &std::path::Path) -> Vec<u8> {
    std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &std::path::Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

/// `starling rules`: a table, or JSON.
pub fn print_rules(as_json: bool) -> std::io::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let metas = rules::registry::metas();
    if as_json {
        let list: Vec<_> = metas
            .iter()
            .map(|m| {
                json!({
                    "id": m.id,
                    "category": m.category,
                    "severity": m.severity,
                    "fixable": m.fixable,
                    "summary": m.summary(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
    for meta in metas {
        writeln!(
            out,
            "{:width$}  {:8} {:20} {}{}",
            meta.id,
            meta.severity.as_str(),
            meta.category.title(),
            if meta.fixable { "[fix] " } else { "" },
            meta.summary(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `docs/rules`-style pages: one per rule and a README.md index. Returns the count.
pub fn write_rule_docs(dir: &std::path::Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let metas = rules::registry::metas();
    for meta in &metas {
        std::fs::write(dir.join(format!("{}.md", meta.id)), rules::docs::page(meta))?;
    }
    std::fs::write(dir.join("README.md"), rules::docs::index(&metas))?;
    Ok(metas.len())
}

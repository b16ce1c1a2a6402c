//! Output formats of `starling check`: human lines, JSON and SARIF 2.1.0, and the rule list.

use std::io::Write;
use std::process::ExitCode;

use owo_colors::OwoColorize;
use serde_json::json;

use crate::analysis::Analysis;
use crate::rules::{self, Finding, Severity};

/// One checked input.
pub struct Report {
    pub path: String,
    pub text: String,
    pub analysis: Analysis,
}

/// One-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::config::line_col(text, offset)
}

/// `path:line:col: severity[rule-id] message`, one line per finding, and a summary.
pub fn human(out: &mut impl Write, reports: &[Report], color: bool) -> std::io::Result<()> {
    let mut counts = [0usize; 4];
    let mut stories = 0;
    for report in reports {
        stories += report.analysis.outline.stories.len();
        for finding in &report.analysis.findings {
            counts[finding.severity as usize] += 1;
            let (line, col) = line_col(&report.text, finding.range.start);
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
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if total == 0 {
        writeln!(
            out,
            "No findings in {} ({}).",
            plural(stories, "story").replace("storys", "stories"),
            plural(files, "file")
        )?;
    } else {
        writeln!(
            out,
            "{}: {} errors, {} warnings, {} info, {} hints in {} ({}).",
            plural(total, "finding"),
            counts[Severity::Error as usize],
            counts[Severity::Warning as usize],
            counts[Severity::Info as usize],
            counts[Severity::Hint as usize],
            plural(stories, "story").replace("storys", "stories"),
            plural(files, "file")
        )?;
    }
    Ok(())
}

fn finding_json(report: &Report, finding: &Finding) -> serde_json::Value {
    let (line, column) = line_col(&report.text, finding.range.start);
    let (end_line, end_column) = line_col(&report.text, finding.range.end);
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
        "range": { "start": finding.range.start, "end": finding.range.end },
        "story": story,
        "fix": finding.fix.as_ref().map(|fix| json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|e| json!({
                "start": e.range.start, "end": e.range.end, "text": e.text,
            })).collect::<Vec<_>>(),
        })),
    })
}

/// A JSON array of findings.
pub fn json(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    let findings: Vec<_> = reports
        .iter()
        .flat_map(|r| r.analysis.findings.iter().map(move |f| finding_json(r, f)))
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
            report.analysis.findings.iter().map(move |finding| {
                let (line, column) = line_col(&report.text, finding.range.start);
                let (end_line, end_column) = line_col(&report.text, finding.range.end);
                json!({
                    "ruleId": finding.rule,
                    "ruleIndex": rule_index(finding.rule),
                    "level": level(finding.severity),
                    "message": { "text": finding.message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": sarif_uri(&report.path) },
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

/// A relative, forward-slash URI for a path.
fn sarif_uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `starling rules`: a table, or JSON.
pub fn print_rules(as_json: bool) -> ExitCode {
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
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
    for meta in metas {
        println!(
            "{:width$}  {:8} {:20} {}{}",
            meta.id,
            meta.severity.as_str(),
            meta.category.title(),
            if meta.fixable { "[fix] " } else { "" },
            meta.summary(),
        );
    }
    ExitCode::SUCCESS
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

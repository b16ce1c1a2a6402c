//! Renders a [`BankReport`] as one HTML page: inline CSS, inline SVG charts, no script.

use std::fmt::Write as _;

use super::{next_steps, BankReport, ReportStory};
use crate::bank::Matrix;
use crate::rules::structure::format_duration;
use crate::rules::Severity;
use crate::score::MAX_POINTS;

const STYLE: &str = include_str!("report.css");

/// The whole page.
pub fn html(report: &BankReport) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("Story bank: {}", report.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    summary(&mut out, report);
    out.push_str("</header>\n<main>\n");

    out.push_str("<section aria-labelledby=\"next\">\n<h2 id=\"next\">What to work on next</h2>\n");
    let steps = next_steps(report);
    if steps.is_empty() {
        out.push_str("<p>Nothing stands out: every competency has its stories and no story has a warning.</p>\n");
    } else {
        out.push_str("<ol class=\"next\">\n");
        for step in steps {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong><br><span class=\"muted\">{}</span></li>",
                esc(&step.headline),
                esc(&step.detail)
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");

    out.push_str("<section aria-labelledby=\"coverage\">\n<h2 id=\"coverage\">Coverage</h2>\n");
    if !report.competencies.rows.is_empty() {
        matrix(
            &mut out,
            &report.competencies,
            &report.stories,
            "competency",
        );
    }
    if !report.prompts.rows.is_empty() {
        matrix(&mut out, &report.prompts, &report.stories, "prompt");
    }
    if !report.bank_findings.is_empty() {
        out.push_str("<h3>Bank findings</h3>\n<ul>\n");
        for finding in &report.bank_findings {
            finding_item(&mut out, finding);
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");

    out.push_str("<section aria-labelledby=\"stories\">\n<h2 id=\"stories\">Stories</h2>\n");
    if report.stories.is_empty() {
        out.push_str("<p>No stories found.</p>\n");
    }
    out.push_str("<div class=\"stories\">\n");
    for (index, story) in report.stories.iter().enumerate() {
        story_card(&mut out, index, story);
    }
    out.push_str("</div>\n</section>\n</main>\n");
    out.push_str("<footer>Made by <code>starling report</code>. Scores run 0 to 4 on each of five dimensions; spoken time assumes ");
    let wpm = report
        .stories
        .first()
        .map_or(150.0, |story| story.words_per_minute);
    let _ = write!(out, "{wpm:.0} words a minute.</footer>\n</body>\n</html>\n");
    out
}

fn summary(out: &mut String, report: &BankReport) {
    let stories = report.stories.len();
    let count = |severity| -> usize {
        let loose = report
            .bank_findings
            .iter()
            .filter(|f| f.severity == severity);
        report
            .stories
            .iter()
            .map(|s| s.count(severity))
            .sum::<usize>()
            + loose.count()
    };
    let rows = report.competencies.rows.len();
    let gaps = report.competencies.gaps().count();
    out.push_str("<ul class=\"summary\">\n");
    let _ = writeln!(
        out,
        "<li>{stories} {}</li>",
        if stories == 1 { "story" } else { "stories" }
    );
    if rows > 0 {
        let _ = writeln!(
            out,
            "<li>Competency set <strong>{}</strong>: {} of {rows} covered ({} each)</li>",
            esc(&report.competencies.set),
            rows - gaps,
            report.competencies.needed_stories()
        );
    }
    let _ = writeln!(
        out,
        "<li>{} errors, {} warnings, {} info, {} hints</li>\n</ul>",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        count(Severity::Hint)
    );
}

/// A table of rows (competencies or prompts) by stories, gaps marked in words and colour.
fn matrix(out: &mut String, matrix: &Matrix, stories: &[ReportStory], noun: &str) {
    let caption = if matrix.by == "competencies" {
        format!(
            "Competencies of the {} set by stories: each needs {}.",
            matrix.set,
            matrix.needed_stories()
        )
    } else {
        format!(
            "Common prompts of the {} theme{} by stories: each needs a ready story.",
            matrix.set,
            if matrix.set.contains(',') { "s" } else { "" }
        )
    };
    let _ = write!(
        out,
        "<div class=\"table-wrap\">\n<table class=\"matrix\" data-by=\"{}\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th>",
        matrix.by,
        esc(&caption),
        esc(&capitalized(noun))
    );
    for (index, story) in stories.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"story\" title=\"{}\"><a href=\"#story-{}\">{}. {}</a></th>",
            esc(&story.title),
            index + 1,
            index + 1,
            esc(&short(&story.title, 28))
        );
    }
    out.push_str("<th scope=\"col\">Ready</th></tr></thead>\n<tbody>\n");
    for row in &matrix.rows {
        let label = format!(
            "{} <span class=\"muted\">({})</span>",
            esc(&row.name),
            esc(&row.id)
        );
        let _ = write!(
            out,
            "<tr{}><th scope=\"row\">{label}</th>",
            if row.gap { " class=\"gap\"" } else { "" }
        );
        for (index, story) in stories.iter().enumerate() {
            let named = row.stories.contains(&index);
            let cell = match (named, story.ready) {
                (false, _) => String::new(),
                (true, true) => "<span aria-hidden=\"true\">\u{25cf}</span><span class=\"sr-only\">named</span>".to_string(),
                (true, false) => "<span aria-hidden=\"true\">\u{25cb}</span><span class=\"sr-only\">named, not ready (has errors)</span>".to_string(),
            };
            let _ = write!(out, "<td class=\"mark\">{cell}</td>");
        }
        let status = if row.gap {
            format!(
                "<span class=\"status\">Gap: {} of {}</span>",
                row.ready, matrix.needed
            )
        } else {
            format!(
                "<span class=\"status ok\"><span aria-hidden=\"true\">\u{2713} </span>{}</span>",
                row.ready
            )
        };
        let _ = writeln!(out, "<td class=\"count\">{status}</td></tr>");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

fn story_card(out: &mut String, index: usize, story: &ReportStory) {
    let _ = write!(
        out,
        "<article class=\"story\" id=\"story-{n}\" aria-labelledby=\"story-{n}-title\">\n<h3 id=\"story-{n}-title\">{n}. {}</h3>\n",
        esc(&story.title),
        n = index + 1
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\"><a href=\"{}\" data-path=\"{}\" data-line=\"{}\">{}:{}</a> \u{b7} theme {} \u{b7} about {} spoken ({} words)</p>",
        esc(&story.href),
        esc(&story.path),
        story.line,
        esc(&story.path),
        story.line,
        esc(&story.theme),
        format_duration(story.seconds()),
        story.words
    );
    if !story.competencies.is_empty() {
        out.push_str("<p>");
        for id in &story.competencies {
            let _ = write!(out, "<span class=\"tag\">{}</span>", esc(id));
        }
        out.push_str("</p>\n");
    }
    chart(out, index, story);

    out.push_str("<h4>Findings</h4>\n");
    if story.findings.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for finding in &story.findings {
            finding_item(out, finding);
        }
        out.push_str("</ul>\n");
    }

    let (ready, open): (Vec<_>, Vec<_>) = story.follow_ups.iter().partition(|f| f.answer.is_some());
    let _ = writeln!(
        out,
        "<h4>Follow-ups: {} of {} answered</h4>\n<ul>",
        ready.len(),
        story.follow_ups.len()
    );
    for follow_up in ready {
        let _ = writeln!(
            out,
            "<li class=\"answered\"><span class=\"sr-only\">Answered: </span>{} <span class=\"muted\">\u{201c}{}\u{201d}</span></li>",
            esc(&follow_up.question),
            esc(&short(follow_up.answer.as_deref().unwrap_or_default(), 120))
        );
    }
    for follow_up in open {
        let _ = writeln!(
            out,
            "<li class=\"open\"><span class=\"sr-only\">Not answered yet: </span>{}</li>",
            esc(&follow_up.question)
        );
    }
    out.push_str("</ul>\n</article>\n");
}

fn finding_item(out: &mut String, finding: &super::ReportFinding) {
    let severity = finding.severity.as_str();
    let _ = writeln!(
        out,
        "<li><span class=\"sev sev-{severity}\">{severity}</span> <code>{}</code> {} <span class=\"muted\">({})</span></li>",
        finding.rule,
        code_spans(&esc(&finding.message)),
        esc(&finding.location)
    );
}

/// The five dimensions as horizontal bars, with a text alternative.
fn chart(out: &mut String, index: usize, story: &ReportStory) {
    const ROW: u32 = 20;
    const LABEL: u32 = 118;
    const UNIT: u32 = 36;
    let dimensions = &story.score.dimensions;
    let height = ROW * dimensions.len() as u32 + 4;
    let width = LABEL + UNIT * u32::from(MAX_POINTS) + 34;
    let described: Vec<String> = dimensions
        .iter()
        .map(|d| format!("{} {} of {MAX_POINTS}", d.name, d.points))
        .collect();
    let id = format!("chart-{}", index + 1);
    let _ = write!(
        out,
        "<figure>\n<svg class=\"score-chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">Score {} of {}</title><desc id=\"{id}-d\">{}</desc>",
        story.score.total,
        story.score.max,
        esc(&described.join(", "))
    );
    for (row, dimension) in dimensions.iter().enumerate() {
        let y = ROW * row as u32 + 2;
        let filled = UNIT * u32::from(dimension.points.min(MAX_POINTS));
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"track\" x=\"{LABEL}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"3\"/><rect class=\"bar\" x=\"{LABEL}\" y=\"{}\" width=\"{filled}\" height=\"12\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 12,
            esc(dimension.name),
            y + 2,
            UNIT * u32::from(MAX_POINTS),
            y + 2,
            LABEL + UNIT * u32::from(MAX_POINTS) + 8,
            y + 12,
            dimension.points
        );
    }
    let _ = writeln!(
        out,
        "</svg>\n<figcaption>Score {} of {}: {}.</figcaption>\n</figure>",
        story.score.total,
        story.score.max,
        esc(&described.join(", "))
    );
}

/// Escaped text with its `backtick` spans as `<code>`.
fn code_spans(escaped: &str) -> String {
    let pieces: Vec<&str> = escaped.split('`').collect();
    if pieces.len() % 2 == 0 {
        return escaped.to_string();
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for (index, piece) in pieces.iter().enumerate() {
        if index % 2 == 1 {
            let _ = write!(out, "<code>{piece}</code>");
        } else {
            out.push_str(piece);
        }
    }
    out
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}\u{2026}", cut.trim_end())
}

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            code_spans("`a` and `b`"),
            "<code>a</code> and <code>b</code>"
        );
        assert_eq!(code_spans("one ` alone"), "one ` alone");
    }

    #[test]
    fn shortens_long_titles() {
        assert_eq!(short("abcdef", 4), "abc\u{2026}");
        assert_eq!(short("abc", 4), "abc");
    }
}

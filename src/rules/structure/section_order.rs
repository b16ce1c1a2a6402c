//! Flags parts told out of STAR order.

use crate::document::TextEdit;
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::LabelForm;

crate::declare_rule! {
    /// ## What it flags
    /// Labeled parts out of Situation, Task, Action, Result, Learning order.
    ///
    /// ## What the interviewer tests
    /// Interviewers follow the story on a STAR template. A Result before the Action makes them
    /// hold the ending in mind while they wait for the cause, and a Learning in the middle is
    /// easy to miss.
    ///
    /// ## What a strong story does
    /// Tells the parts in order. Starting with a one-line headline of the Result is fine when
    /// the full Result still comes after the Action.
    ///
    /// ## Example
    /// Weak: "## Result" written above "## Action".
    ///
    /// Strong: Situation, Task, Action, Result, Learning, top to bottom.
    SectionOrder { id: "section-order", category: Structure, severity: Info, fixable: true }
}

impl Rule for SectionOrder {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let story = cx.story;
        if story.inferred {
            return;
        }
        let mut latest = None;
        for part in &story.parts {
            match latest {
                Some(prev) if part.kind < prev => {
                    let Some(label) = &part.label else { return };
                    let message = format!(
                        "{} comes after {}: tell the parts in S, T, A, R, L order",
                        part.kind.name(),
                        prev_name(prev)
                    );
                    acc.push(
                        cx.finding(self, label.range.clone(), message)
                            .with_fix(fix(cx)),
                    );
                    return;
                }
                _ => latest = Some(part.kind.max(latest.unwrap_or(part.kind))),
            }
        }
    }
}

fn prev_name(kind: crate::story::PartKind) -> &'static str {
    kind.name()
}

/// Rewrites the parts in STAR order (a stable sort: parts of one kind keep their order).
fn fix(cx: &Context<'_>) -> Option<Fix> {
    let parts = &cx.story.parts;
    let first = parts.first()?;
    let last = parts.last()?;
    let span = first.range.start..last.range.end;
    let tail = &cx.text[span.clone()];
    let trailing = &tail[tail.trim_end().len()..];
    let line_break = crate::rules::fixes::line_break_at(cx.text, span.start);
    let separator = match first.label.as_ref().map(|l| &l.form) {
        Some(LabelForm::List { .. }) => line_break.to_string(),
        Some(LabelForm::Bold { .. } | LabelForm::Line) if !tail.contains("\n\n") => {
            line_break.to_string()
        }
        _ => format!("{line_break}{line_break}"),
    };
    let mut ordered: Vec<_> = parts.iter().collect();
    ordered.sort_by_key(|p| p.kind);
    let chunks: Vec<&str> = ordered
        .iter()
        .map(|p| cx.text[p.range.clone()].trim_end())
        .collect();
    let new_text = format!("{}{trailing}", chunks.join(&separator));
    Some(Fix {
        title: "Reorder the parts as S, T, A, R, L".into(),
        edits: vec![TextEdit::replace(span, new_text)],
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, fix_all_clears};

    #[test]
    fn section_order() {
        let pass = ["# Launch\n## Situation\nA.\n## Action\nB.\n## Result\nC.\n"];
        let flag = ["# Launch\n## Situation\nA.\n## Result\nC.\n## Action\nB.\n"];
        check("section-order", &pass, &flag);
    }

    #[test]
    fn the_fix_reorders_the_parts() {
        let fixed = fix_all_clears(
            "section-order",
            "# Launch\n\n## Result\nC.\n\n## Situation\nA.\n\n## Action\nB.\n",
        );
        assert_eq!(
            fixed,
            "# Launch\n\n## Situation\nA.\n\n## Action\nB.\n\n## Result\nC.\n"
        );
    }
}

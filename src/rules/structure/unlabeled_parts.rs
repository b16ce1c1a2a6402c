//! Suggests labels for a story told in plain paragraphs.

use crate::document::TextEdit;
use crate::rules::{Context, Finding, Fix, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A story told in plain paragraphs: its parts had to be inferred from cues such as "my
    /// job was", "I decided" and "as a result".
    ///
    /// ## What the interviewer tests
    /// Nothing here is wrong in itself: spoken aloud, a story has no headings. But while you
    /// prepare, labels show at a glance whether each part pulls its weight, and they make the
    /// other checks exact instead of inferred.
    ///
    /// ## What a strong story does
    /// Marks each part once, in whatever form you like: `## Action`, `**Action:**`, or
    /// `Action:` at the start of a line.
    ///
    /// ## Example
    /// Weak: Four paragraphs with no labels.
    ///
    /// Strong: The same paragraphs under "## Situation", "## Task", "## Action", "## Result", "## Learning".
    UnlabeledParts { id: "unlabeled-parts", category: Structure, severity: Hint, fixable: true }
}

impl Rule for UnlabeledParts {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let story = cx.story;
        if !story.inferred || story.parts.is_empty() {
            return;
        }
        let names: Vec<&str> = story.parts.iter().map(|p| p.kind.name()).collect();
        let message = format!(
            "Parts inferred from unlabeled prose ({}): label them to check each exactly",
            names.join(", ")
        );
        acc.push(
            cx.finding(self, cx.anchor(), message)
                .with_fix(Some(fix(cx))),
        );
    }
}

/// Headings before each inferred part, one level under the title.
fn fix(cx: &Context<'_>) -> Fix {
    let level = cx.story.title.as_ref().map_or(2, |t| (t.level + 1).min(6));
    let hashes = "#".repeat(usize::from(level));
    let line_break = crate::rules::fixes::line_break_at(cx.text, cx.story.range.start);
    let edits = cx
        .story
        .parts
        .iter()
        .map(|part| {
            let start = part.range.start;
            let before = &cx.text[..start];
            let gap_start = before.trim_end_matches([' ', '\t', '\r', '\n']).len();
            let heading = format!("{hashes} {}", part.kind.name());
            if gap_start == 0 {
                return TextEdit::insert(start, format!("{heading}{line_break}{line_break}"));
            }
            TextEdit::replace(
                gap_start..start,
                format!("{line_break}{line_break}{heading}{line_break}{line_break}"),
            )
        })
        .collect();
    Fix {
        title: "Label the story's parts".into(),
        edits,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, fix_all_clears};

    const PROSE: &str = "# The outage\n\nTwo years ago I was a backend engineer on a payments team of six people in a busy quarter. \
My job was to own the database upgrade. I decided to skip the dry run because the window was short. \
As a result, checkout was down for forty minutes and we refunded 120 orders. \
I learned to treat rehearsals as part of the change, and since then every upgrade I run has a dry run.\n";

    #[test]
    fn unlabeled_parts() {
        let pass = ["# Launch\n## Situation\nA.\n## Action\nB.\n"];
        check("unlabeled-parts", &pass, &[PROSE]);
    }

    #[test]
    fn the_fix_labels_every_part() {
        let fixed = fix_all_clears("unlabeled-parts", PROSE);
        assert!(fixed.contains("\n\n## Task\n\nMy job was"), "{fixed}");
        assert!(fixed.contains("## Learning\n\nI learned"), "{fixed}");
    }
}

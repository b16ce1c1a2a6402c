//! Flags a story that never says why the failure happened.

use super::placeholder_in;
use crate::rules::reading::{anchor_of, root_cause};
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A story that tells what went wrong but never why: no cause in the teller's own
    /// decisions or thinking, in the Action or the Learning.
    ///
    /// ## What the interviewer tests
    /// Judgement: can you diagnose a failure beyond its symptom? "I missed the deadline" is a
    /// symptom; "I estimated from the happy path because I didn't want to look slow" is a
    /// cause you can act on. A cause put on others or on luck is not an analysis.
    ///
    /// ## Why this text trips it
    /// No sentence gives a reason of yours: a root cause, "why it happened", an assumption
    /// you made, a step you skipped or never took, a misjudgement, how you treated the
    /// problem, what you were afraid of. A cause put only on other people or on
    /// circumstances is not your analysis.
    ///
    /// ## What a strong story does
    /// States the cause in one sentence, at the level of thinking: "The root cause was that I
    /// treated a price comparison as if it were an operations decision."
    ///
    /// ## Example
    /// Weak: "The release broke checkout and we rolled back."
    ///
    /// Strong: "I skipped the load test because I assumed the cache would hold; I had never checked that assumption."
    NoRootCause { id: "no-root-cause", category: Depth, severity: Warning, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str =
    "Root cause: why did it happen, beyond what went wrong? (an assumption, a habit, a fear)";

impl Rule for NoRootCause {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if root_cause(cx).is_some() {
            return;
        }
        let fix =
            placeholder_in(cx, &[PartKind::Learning, PartKind::Action], PROMPT).map(|edit| Fix {
                title: "Insert a root-cause prompt".into(),
                edits: vec![edit],
            });
        let range = if cx.story.part(PartKind::Learning).is_some() {
            anchor_of(cx, PartKind::Learning)
        } else {
            anchor_of(cx, PartKind::Action)
        };
        acc.push(
            cx.finding(
                self,
                range,
                "Nothing says why it happened: give the cause in your own decisions or thinking",
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::document::apply_edits;
    use crate::rules::testing::{check, findings};

    const ID: &str = "no-root-cause";
    const SHALLOW: &str = "# Dashboard\n## Action\nI sent the dashboard and the totals were wrong.\n## Learning\nI learned to be more careful.\n";

    #[test]
    fn no_root_cause() {
        let pass = [
            "# Courier\n## Learning\nThe root cause was that I read the bids for cost first.\n",
            "# Forecast\n## Action\nI kept the curve because it had always worked before.\n",
            "# Launch\n## Action\nWhy did I miss it? I wanted to look fast.\n",
            "# Macro\n## Action\nI had assumed someone downstream would catch it.\n",
            // The teller's own omission explains the miss.
            "# Dashboard\n## Action\nI sent the dashboard without checking the totals.\n",
            "# Estimate\n## Action\nI underestimated the migration and did not escalate it to my lead.\n",
        ];
        let flag = [
            SHALLOW,
            // A cause put on others is not analysis.
            "# Port\n## Action\nThe container was held because of congestion.\n",
            // Denied.
            "# Port\n## Learning\nI never assumed anything; it just went wrong.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn the_fix_adds_a_placeholder_once() {
        let fix = findings(SHALLOW, ID)[0].fix.clone().unwrap();
        assert_eq!(fix.title, "Insert a root-cause prompt");
        let fixed = apply_edits(SHALLOW, &fix.edits);
        assert!(fixed.ends_with("I learned to be more careful.\n\nTODO: Root cause: why did it happen, beyond what went wrong? (an assumption, a habit, a fear)\n"), "{fixed}");
        // The placeholder is not an answer: the finding stays, without a second fix.
        let again = findings(&fixed, ID);
        assert_eq!(again.len(), 1);
        assert!(again[0].fix.is_none());
    }
}

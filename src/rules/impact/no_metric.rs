//! Flags a Result with no measured figure.

use crate::rules::depth::placeholder_in;
use crate::rules::reading::{anchor_of, result_figure};
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A Result with no measured figure: no number with a unit, percentage, amount of money,
    /// duration or count, in digits or in words ("two weeks", "about a third"). A story with
    /// no Result at all is flagged too.
    ///
    /// ## What the interviewer tests
    /// Scope and impact: who or what was affected, how much and for how long. "Some orders
    /// shipped late" cannot be weighed; "about 600 orders shipped two days late" can.
    ///
    /// ## Why this text trips it
    /// Nothing in the Result can be counted: "it took a while", "a lot of customers", "later
    /// that month" are impressions, not figures. Clock times, dates and years do not count.
    ///
    /// ## What a strong story does
    /// Puts a number on the outcome: "Lateness was back under 3% by week four, and the blended
    /// cost still came in 8% below the old contract."
    ///
    /// ## Example
    /// Weak: "The result was much better afterwards."
    ///
    /// Strong: "Incidents fell from nine a quarter to two."
    NoMetric { id: "no-metric", category: Impact, severity: Warning, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str = "Add a figure: how much, how many, for how long?";

impl Rule for NoMetric {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if result_figure(cx).is_some() {
            return;
        }
        let (message, fix) = if cx.story.part(PartKind::Result).is_some() {
            let fix = placeholder_in(cx, &[PartKind::Result], PROMPT).map(|edit| Fix {
                title: "Insert a metric placeholder".into(),
                edits: vec![edit],
            });
            (
                "The Result has no figure: how much, how many, for how long?",
                fix,
            )
        } else {
            (
                "No Result, so no measured outcome: say how it ended, with a number",
                None,
            )
        };
        acc.push(
            cx.finding(self, anchor_of(cx, PartKind::Result), message)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const ID: &str = "no-metric";

    #[test]
    fn no_metric() {
        let pass = [
            "# Launch\n## Result\nIt shipped 3 weeks late.\n",
            "# Scores\n## Result\nThe survey score improved 0.6 points on a 5-point scale.\n",
            "# Debate\n## Result\nTwo of my debaters qualified for state.\n",
            "# Unit\n## Result\nBoarding fell by about a third.\n",
            "# Branch\n## Result\nThe branch opened a week late.\n",
            "# Cost\n## Result\nIt cost about €1.2M.\n",
        ];
        let flag = [
            "# Warehouse\n## Result\nIt took a while to get back to normal, and some orders shipped late.\n",
            "# Inspection\n## Result\nWe passed a follow-up inspection later that month.\n",
            "# Night\n## Result\nI stayed until 3 a.m. on June 3.\n",
            "# No result\n## Action\nI cut the tests.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn the_fix_inserts_a_metric_placeholder_in_the_result() {
        let text =
            "# Too much\n- Situation\n- I took on a lot.\n- Result\n- I delivered the project.\n";
        let fix = findings(text, ID)[0].fix.clone().unwrap();
        assert_eq!(fix.title, "Insert a metric placeholder");
        let fixed = crate::document::apply_edits(text, &fix.edits);
        assert!(fixed.ends_with("- I delivered the project.\n\n  TODO: Add a figure: how much, how many, for how long?\n"), "{fixed}");
        let again = findings(&fixed, ID);
        assert_eq!(again.len(), 1, "a placeholder is not a figure");
        assert!(again[0].fix.is_none());
    }
}

//! Flags a failure story with no evidence that the change persisted.

use super::placeholder_in;
use crate::rules::reading::{anchor_of, evidence};
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A story with no evidence that the lesson changed how the teller works: nothing about
    /// later projects, nothing "since then", nothing the teller does now. A promise ("next
    /// time I would ...") or a one-off fix is not evidence.
    ///
    /// ## What the interviewer tests
    /// Whether you actually changed, or only acknowledged the lesson. "How do you know?" is
    /// the follow-up they are trained to ask; the answer is a track record.
    ///
    /// ## Why this text trips it
    /// No sentence after the setup tells a repeated practice or what happened on later work:
    /// "since then", "on the four projects since", "none has shipped late", "I now ...".
    ///
    /// ## What a strong story does
    /// Gives the record: "I've run three vendor changes that way since, and one of them failed
    /// its pilot, which was the point."
    ///
    /// ## Example
    /// Weak: "I learned to plan better."
    ///
    /// Strong: "Since then every plan I write has a risk column; the last three launches hit their dates."
    NoBehaviorChange { id: "no-behavior-change", category: Depth, severity: Warning, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str =
    "Evidence it stuck: where have you used the change since, and what happened?";

impl Rule for NoBehaviorChange {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if evidence(cx).is_some() {
            return;
        }
        let fix = placeholder_in(cx, &[PartKind::Learning], PROMPT).map(|edit| Fix {
            title: "Insert an evidence prompt".into(),
            edits: vec![edit],
        });
        acc.push(
            cx.finding(
                self,
                anchor_of(cx, PartKind::Learning),
                "No evidence the change stuck: say where you have applied it since",
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const ID: &str = "no-behavior-change";

    #[test]
    fn no_behavior_change() {
        let pass = [
            "# Migration\n## Learning\nI have led 4 more migrations with this approach since.\n",
            "# Sale\n## Learning\nA second person confirms the list. There hasn't been a wrong send in the year since.\n",
            "# Permit\n## Learning\nOn the four projects I've run since, no permit has held up a start.\n",
            "# Review\n## Result\nI now use the calibration loop with peers as a default practice.\n",
        ];
        let flag = [
            "# Wedding\n## Learning\nI set up a calendar reminder for every group block.\n",
            "# Email\n## Learning\nIf I were in that situation again, I would call first, and since then is not a thing.\n",
            "# Time\n## Learning\nI try to manage my time better now.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn the_fix_prompts_for_evidence_in_the_learning() {
        let text = "# Wedding\n- Learning\n- I set up a reminder.\n";
        let found = findings(text, ID);
        let fix = found[0].fix.clone().unwrap();
        let fixed = crate::document::apply_edits(text, &fix.edits);
        assert_eq!(fixed, "# Wedding\n- Learning\n- I set up a reminder.\n\n  TODO: Evidence it stuck: where have you used the change since, and what happened?\n");
        assert!(findings(&fixed, ID)[0].fix.is_none());
    }
}

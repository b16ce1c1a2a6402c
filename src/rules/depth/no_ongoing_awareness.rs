//! Hints when nothing admits that the failure could happen again.

use crate::rules::reading::{anchor_of, awareness};
use crate::rules::{Context, Finding, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A failure story that presents the problem as solved for good: nothing admits that the
    /// pull toward the same mistake is still there.
    ///
    /// ## What the interviewer tests
    /// Self-awareness. "Have you failed the same way again?" is a standard follow-up, and "I
    /// never do that anymore" is less credible than knowing when you are still at risk.
    ///
    /// ## Why this text trips it
    /// No sentence after the setup says what still tempts you, when you are most likely to
    /// slip, or that the lesson is not fully solved.
    ///
    /// ## What a strong story does
    /// Ends with one honest line: "I still feel the pull to give the optimistic number, so I
    /// ask a teammate to challenge my range before I share it."
    ///
    /// ## Example
    /// Weak: "I have never made that mistake again."
    ///
    /// Strong: "It is not solved: under deadline pressure I still catch myself skipping the review, so I ask a peer to hold me to it."
    NoOngoingAwareness { id: "no-ongoing-awareness", category: Depth, severity: Hint }
}

impl Rule for NoOngoingAwareness {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if awareness(cx).is_some() {
            return;
        }
        acc.push(cx.finding(
            self,
            anchor_of(cx, PartKind::Learning),
            "Nothing admits the risk is still there: when are you still likely to repeat it?",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn no_ongoing_awareness() {
        let pass = [
            "# Estimate\n## Learning\nIt isn't fully solved; I still feel the pull to give the optimistic number.\n",
            "# Courier\n## Learning\nThe urge to lock in savings hasn't gone away.\n",
            "# Grades\n## Learning\nRushing is exactly when I cut corners.\n",
        ];
        let flag = [
            "# Care\n## Learning\nI still care a lot about quality.\n",
            "# Sale\n## Learning\nA second person now confirms every list.\n",
        ];
        check("no-ongoing-awareness", &pass, &flag);
    }
}

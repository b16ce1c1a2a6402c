//! Flags a cause put on other people or on circumstances.

use super::MAX_FINDINGS;
use crate::rules::reading::{blame, quote};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A story that puts the cause of the failure on other people or on circumstances: "my
    /// team didn't deliver", "the requirements changed", "it wasn't my fault", "management
    /// decided", "the criteria were just too strict".
    ///
    /// ## What the interviewer tests
    /// Ownership. Even when others did contribute, the question is about your part; a story
    /// that explains the failure through everyone else is heard as defensiveness, and it
    /// leaves nothing for you to have learned.
    ///
    /// ## Why this text trips it
    /// These words make someone or something else the cause, and nothing in the story claims
    /// the failure as yours ("the call was mine", "that's on me"). Words in quotation marks
    /// (what someone else said) and denied words ("I didn't blame the vendor") do not count.
    ///
    /// ## What a strong story does
    /// Names what others did as context, then owns its own part: "The requirements did change
    /// halfway, but the bigger problem was mine: I said yes to the new scope without
    /// re-estimating."
    ///
    /// ## Example
    /// Weak: "We missed the date because the requirements changed and QA was slow."
    ///
    /// Strong: "The requirements did change, but I said yes to the new scope without re-estimating."
    BlameShifting { id: "blame-shifting", category: Ownership, severity: Warning }
}

impl Rule for BlameShifting {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        for claim in blame(cx).into_iter().take(MAX_FINDINGS) {
            let message = format!("Blame put on others: {}", quote(&claim.words));
            acc.push(cx.finding(self, claim.range, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const ID: &str = "blame-shifting";

    #[test]
    fn blame_shifting() {
        let flag = [
            "# Quota\n## Action\nI worked hard, but my team didn't deliver the leads.\n",
            "# Launch\n## Action\nWe slipped because the requirements changed twice.\n",
            "# Launch\n## Result\nIt wasn't my fault, honestly.\n",
            "# Gala\n## Action\nThe committee had dropped the ball on almost everything.\n",
            "# Port\n## Action\nThe port situation was completely out of my control.\n",
        ];
        let pass = [
            // Denied.
            "# Courier\n## Action\nI didn't blame the vendor; I had never asked how they covered rural routes.\n",
            "# Launch\n## Action\nIt slipped, and not because the requirements changed: I never re-estimated.\n",
            // Quoted speech.
            "# Claims\n## Action\nMy director said, \"Look, we all missed it. Management decided too.\" I wrote the review.\n",
            // Context, with the failure owned.
            "# Booking\n## Situation\nHalfway through, the client changed the requirements.\n## Action\nThe bigger problem was mine: I said yes without re-estimating.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn points_at_the_blaming_words() {
        let text = "# Launch\n## Action\nWe slipped because the requirements changed again.\n";
        let found = findings(text, ID);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "the requirements changed");
        assert_eq!(
            found[0].message,
            "Blame put on others: \"the requirements changed\""
        );
    }

    #[test]
    fn curly_apostrophes_read_like_straight_ones() {
        let text = "# Launch\n## Result\nIt wasn’t my fault.\n";
        let found = findings(text, ID);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "It wasn’t my fault");
    }
}

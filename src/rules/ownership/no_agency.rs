//! Flags a failure told as something that just happened.

use super::MAX_FINDINGS;
use crate::rules::reading::{no_agency, quote};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A failure told as bad luck or fate: "it was out of my control", "there was nothing I
    /// could have done", "just bad timing", "things happen".
    ///
    /// ## What the interviewer tests
    /// Whether you had agency. If nothing could have been done, there is nothing to learn and
    /// nothing to change, and the story answers a different question from the one asked.
    ///
    /// ## Why this text trips it
    /// These words deny that any choice of yours mattered, and nothing in the story claims a
    /// decision as yours. "The fire was bad luck; relying on one plant was my decision" does
    /// not trip it.
    ///
    /// ## What a strong story does
    /// Finds the part that was within reach: "The outage was the provider's, but I had no
    /// fallback for a live demo; now I always bring a recorded one."
    ///
    /// ## Example
    /// Weak: "It was just bad luck; there was nothing I could have done."
    ///
    /// Strong: "The outage started at the vendor, but relying on a single vendor was my decision."
    NoAgency { id: "no-agency", category: Ownership, severity: Warning }
}

impl Rule for NoAgency {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        for claim in no_agency(cx).into_iter().take(MAX_FINDINGS) {
            let message = format!(
                "The failure told as out of your hands: {}: what was within your reach?",
                quote(&claim.words)
            );
            acc.push(cx.finding(self, claim.range, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn no_agency() {
        let flag = [
            "# Demo\n## Action\nThere was really nothing I could have done about it.\n",
            "# Port\n## Learning\nSometimes supply chains are just bad luck.\n",
            "# Trial\n## Result\nSome things are out of your hands in research.\n",
        ];
        let pass = [
            "# Supplier\n## Action\nThe fire was bad luck; relying on one plant was my decision.\n",
            "# Demo\n## Action\nIt was not bad luck: I had no fallback.\n",
            "# Demo\n## Action\nThe client said \"these things happen\", but I had skipped the rehearsal.\n",
        ];
        check("no-agency", &pass, &flag);
    }
}

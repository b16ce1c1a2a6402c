//! Flags a "failure" that is a disguised strength or a plain success.

use crate::rules::reading::{quote, rebranded};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A failure story whose failure is really a virtue in costume ("I worked too hard", "I
    /// care too much", "I'm a perfectionist", "I took on too much and still delivered"), or
    /// whose Result is a success that cost nothing.
    ///
    /// ## What the interviewer tests
    /// Whether you can name something that actually went wrong. Coached non-answers are
    /// recognized within a sentence, and they suggest that you either have no real failure or
    /// will not show it.
    ///
    /// ## Why this text trips it
    /// The words present a strength as the flaw, or the Result reports praise, a delivery on
    /// time or a best-ever outcome with no loss anywhere in the story.
    ///
    /// ## What a strong story does
    /// Picks a failure that hurt and says what it cost: "I skipped the pilot to lock in the
    /// savings; late deliveries went from 2% to 9% and 120 subscribers cancelled."
    ///
    /// ## Example
    /// Weak: "My biggest failure is that I care too much; I worked every weekend and still shipped on time."
    ///
    /// Strong: "I committed my team to a date without checking the data migration, and we missed it by three weeks."
    RebrandedSuccess { id: "rebranded-success", category: ChoosingTheFailure, severity: Warning }
}

impl Rule for RebrandedSuccess {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let Some((claim, strength)) = rebranded(cx) else {
            return;
        };
        let message = if strength {
            format!(
                "The failure reads as a strength: {}: pick something that went wrong and cost something",
                quote(&claim.words)
            )
        } else {
            format!(
                "The Result is a success with no cost anywhere: {}: is this a failure?",
                quote(&claim.words)
            )
        };
        acc.push(cx.finding(self, claim.range, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const ID: &str = "rebranded-success";

    #[test]
    fn disguised_strengths_fire() {
        let flag = [
            "# Too much\n## Situation\nI'm a perfectionist and polished every screen.\n## Result\nIt was late by two weeks.\n",
            "# Yes\n## Action\nI took on too much and worked every weekend.\n## Result\nEverything got done.\n",
            "# Calls\n## Action\nI spent long on calls because I care too much about people.\n## Result\nMy handle time was nine minutes.\n",
            "# Gala\n## Action\nI ran it all.\n## Result\nThe gala raised $185,000, our best year ever.\n",
        ];
        let pass = [
            // A real failure with a cost.
            "# Courier\n## Action\nI skipped the pilot.\n## Result\nIt cost $26K in credits, and the client loved the fix.\n",
            // The phrase denied.
            "# Deck\n## Action\nI wasn't a perfectionist about it; I simply never checked the data.\n## Result\nWe lost the deal.\n",
            // Said by someone else.
            "# Review\n## Action\nMy manager said \"you care too much about polish\" and I asked for examples.\n## Result\nThe team lost a week to rework.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn the_finding_quotes_the_words() {
        let found = findings(
            "# Too much\n## Action\nHonestly, I worked too hard that year.\n## Result\nIt was fine.\n",
            ID,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("\"worked too hard\""),
            "{}",
            found[0].message
        );
    }
}

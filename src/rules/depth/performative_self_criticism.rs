//! Flags theatrical self-blame.

use crate::rules::ownership::MAX_FINDINGS;
use crate::rules::reading::{claims, quote, ALL};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// Self-blame played for effect: "I'm such an idiot", "I'm so flawed", "I always mess
    /// things up", "I'm a terrible person".
    ///
    /// ## What the interviewer tests
    /// Composure and self-awareness. Harsh labels read as fishing for reassurance, and they
    /// replace the analysis: calling yourself careless explains nothing about why the check
    /// was skipped.
    ///
    /// ## Why this text trips it
    /// The teller labels themself instead of describing the mistake. Someone else's words in
    /// quotation marks ("he said 'I'm such an idiot'") and denied labels do not count.
    ///
    /// ## What a strong story does
    /// Stays matter-of-fact about the mistake and specific about the cause: "Detail doesn't
    /// come naturally to me, which is why I rely on the duplicate report rather than my eyes."
    ///
    /// ## Example
    /// Weak: "I am an idiot, I always mess things like this up."
    ///
    /// Strong: "I made the call without the data, and that was a mistake I can explain."
    PerformativeSelfCriticism { id: "performative-self-criticism", category: Depth, severity: Warning }
}

impl Rule for PerformativeSelfCriticism {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        for claim in claims(cx, ALL, "performative-self-criticism")
            .into_iter()
            .take(MAX_FINDINGS)
        {
            let message = format!(
                "Theatrical self-blame: {}: describe the mistake, not yourself",
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
    fn performative_self_criticism() {
        let flag = [
            "# Invoice\n## Action\nI felt like a complete idiot.\n",
            "# Blue\n## Action\nI'm so stupid sometimes.\n",
            "# Model\n## Learning\nI'm the kind of person who always messes up the one thing that matters.\n",
            "# Refund\n## Action\nI’m honestly a terrible person for doing that.\n",
        ];
        let pass = [
            "# Reviews\n## Action\nHe said 'I'm such an idiot for missing it.' I let him finish.\n",
            "# Invoice\n## Learning\nDetail doesn't come naturally to me, so I rely on the report.\n",
            "# Blue\n## Action\nI'm not a complete idiot about colour; I picked it by eye.\n",
        ];
        check("performative-self-criticism", &pass, &flag);
    }
}

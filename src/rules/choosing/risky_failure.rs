//! Flags a failure that is an ethics lapse, a lie, security negligence or a massive data loss.

use crate::rules::reading::{quote, risky};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A failure that is an ethics lapse (falsifying a record, lying to a customer), security
    /// negligence (credentials pushed to a public repository, a privacy breach) or a massive
    /// loss of data.
    ///
    /// ## What the interviewer tests
    /// Judgement, twice: the judgement in the story, and the judgement in choosing it. A
    /// mistake of skill can be learned from; a lapse of integrity or care makes the
    /// interviewer wonder whether it will happen again, whatever the lesson.
    ///
    /// ## Why this text trips it
    /// The story tells a lie, a falsified date, leaked keys, exposed personal data or deleted
    /// records, or draws an honesty lesson from it.
    ///
    /// ## What a strong story does
    /// Either shows that the incident was handled exceptionally well ("I posted in the
    /// incident channel within two minutes, restored every order by 2 a.m. and led the
    /// blameless review"), or picks a different failure.
    ///
    /// ## Example
    /// Weak: "I copied the customer table to my laptop to debug faster, and the laptop was stolen."
    ///
    /// Strong: The same story only with how you reported it within the hour, what the audit found, and the control you built.
    RiskyFailure { id: "risky-failure", category: ChoosingTheFailure, severity: Info }
}

impl Rule for RiskyFailure {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if let Some(claim) = risky(cx) {
            let message = format!(
                "A risky failure to tell: {}: show an exceptional recovery or choose another story",
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
    fn risky_failure() {
        let flag = [
            "# Deal\n## Action\nI changed the date on the order form to get it into the quarter.\n",
            "# Keys\n## Action\nI hard-coded the access keys and pushed them to a public repo.\n",
            "# Orders\n## Action\nMy script deleted every order from the previous three days.\n",
            "# Refund\n## Learning\nI learned that honesty is always the best policy.\n",
            "# Grades\n## Action\nI followed the district's privacy incident procedure.\n",
        ];
        let pass = [
            "# Name\n## Action\nI printed the wrong name because I did not confirm it.\n",
            "# Outage\n## Result\nA few thousand users reset their passwords.\n",
            // Quoted, and denied.
            "# Audit\n## Action\nThe auditor asked \"did anyone lie?\" and nobody had.\n",
        ];
        check("risky-failure", &pass, &flag);
    }
}

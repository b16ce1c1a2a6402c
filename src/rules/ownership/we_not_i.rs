//! Flags an Action told mostly as "we".

use crate::rules::reading::{action_actors, anchor_of};
use crate::rules::{Context, Finding, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// An Action part where "we" outnumbers "I": the team acts, and the teller is hard to
    /// find. Quoted speech does not count, and neither does "we" in the Situation.
    ///
    /// ## What the interviewer tests
    /// What you did. The interviewer is assessing you, not your team; "we built, we shipped,
    /// we fixed" leaves them guessing whether you led, followed or watched.
    ///
    /// ## Why this text trips it
    /// The Action says "we" more often than "I" (and at least twice).
    ///
    /// ## What a strong story does
    /// Tells the team's work as context and the teller's own moves in the first person: "The
    /// team paused the send; I wrote the correction and called the three largest accounts."
    ///
    /// ## Example
    /// Weak: "We decided to cut the tests, we shipped, we rolled back."
    ///
    /// Strong: "I decided to cut the tests, I shipped, and I led the rollback."
    WeNotI { id: "we-not-i", category: Ownership, severity: Warning }
}

impl Rule for WeNotI {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let Some((actors, first_we)) = action_actors(cx) else {
            return;
        };
        if actors.we < 2 || actors.we <= actors.i {
            return;
        }
        let range = first_we.unwrap_or_else(|| anchor_of(cx, PartKind::Action));
        let message = format!(
            "\"We\" outnumbers \"I\" in the Action ({} to {}): say what you did",
            actors.we, actors.i
        );
        acc.push(cx.finding(self, range, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    #[test]
    fn we_not_i() {
        let flag = ["# Sale\n## Action\nWe built the email. We sent it. We paused it when replies came in.\n"];
        let pass = [
            "# Sale\n## Situation\nWe were a team of four and we moved fast.\n## Action\nI picked the list and I sent it.\n",
            "# Claims\n## Action\nMy director said, \"We all missed it. We fix it together.\" I wrote the review.\n",
            "# Sale\n## Action\nWe paused it and I wrote the correction; I called the accounts.\n",
        ];
        check("we-not-i", &pass, &flag);
    }

    #[test]
    fn points_at_the_first_we() {
        let text = "# Sale\n## Action\nOn Tuesday we sent it, and we paused it.\n";
        let found = findings(text, "we-not-i");
        assert_eq!(&text[found[0].range.clone()], "we");
        assert!(found[0].message.contains("(2 to 0)"));
    }
}

//! Flags an Action that never says what the teller did right away to limit the damage.

use crate::rules::depth::placeholder_in;
use crate::rules::reading::{anchor_of, recovery};
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// An Action that tells the mistake but not the first response: nothing the teller did
    /// right away to limit the damage (rolled back, called the customer, told the manager,
    /// asked for examples). A recovery someone else made does not count.
    ///
    /// ## What the interviewer tests
    /// Recovery under pressure. How fast you noticed, owned up and contained the damage says
    /// as much about you as the mistake does.
    ///
    /// ## Why this text trips it
    /// No first-person sentence in the Action tells a containing move ("I rolled it back", "I
    /// called the owner the same day", "within the hour I pulled the macro").
    ///
    /// ## What a strong story does
    /// Gives the first hour: "I posted in the incident channel within two minutes, paged the
    /// on-call lead and said plainly that I had run the script."
    ///
    /// ## Example
    /// Weak: "The report went out wrong. Later I built a checklist."
    ///
    /// Strong: "Within the hour I called the client, sent a corrected report, and flagged the other two reports built the same way."
    NoImmediateRecovery { id: "no-immediate-recovery", category: Impact, severity: Info, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str = "What did you do right away to limit the damage?";

impl Rule for NoImmediateRecovery {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if recovery(cx).is_some() {
            return;
        }
        let fix = placeholder_in(cx, &[PartKind::Action], PROMPT).map(|edit| Fix {
            title: "Insert a recovery prompt".into(),
            edits: vec![edit],
        });
        acc.push(
            cx.finding(
                self,
                anchor_of(cx, PartKind::Action),
                "The Action never says what you did right away to limit the damage",
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn no_immediate_recovery() {
        let pass = [
            "# Outage\n## Action\nI pushed it everywhere, then rolled the change back myself.\n",
            "# Permit\n## Action\nI called the owner's representative the same day.\n",
            "# Feedback\n## Action\nI asked my lead for two reviews where it showed.\n",
            "# Macro\n## Action\nWithin the hour I pulled the macro.\n",
        ];
        let flag = [
            "# Keys\n## Action\nI pushed the keys. The next morning, my lead rotated them.\n",
            "# Refund\n## Action\nI told her it had been processed. My lead fixed it.\n",
            "# Port\n## Action\nI checked the status every few days and waited.\n",
            "# No action\n## Situation\nA launch.\n## Result\nIt slipped two weeks.\n",
        ];
        check("no-immediate-recovery", &pass, &flag);
    }
}

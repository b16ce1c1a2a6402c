//! Flags a generic lesson that names no concrete mechanism.

use super::placeholder_in;
use crate::rules::reading::{quote, vague_lesson};
use crate::rules::{Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A lesson that could close any story ("communicate better", "be more careful", "ask
    /// for help", "I learned a lot", "manage my time better") and names no concrete
    /// mechanism: no checklist, test, monitor, review, rule, recurring sync or decision doc.
    ///
    /// ## What the interviewer tests
    /// Whether you changed anything. A generic lesson costs nothing to say, so it proves
    /// nothing; a mechanism is something you built or now do, which the interviewer can ask
    /// about.
    ///
    /// ## Why this text trips it
    /// The lesson (the Learning part, or a sentence such as "I learned ...") uses a stock
    /// phrase, and nowhere does the lesson name a mechanism.
    ///
    /// ## What a strong story does
    /// Names the change: "Every macro that touches money now needs a second reviewer from the
    /// team that owns the policy, enforced in the help-desk tool."
    ///
    /// ## Example
    /// Weak: "I learned to communicate better."
    ///
    /// Strong: "I now send a one-page decision doc to every stakeholder before work starts."
    VagueLesson { id: "vague-lesson", category: Depth, severity: Warning, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str = "The concrete change: what checklist, test, review, rule or recurring habit did you put in place?";

impl Rule for VagueLesson {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let Some(claim) = vague_lesson(cx) else {
            return;
        };
        let fix = placeholder_in(cx, &[PartKind::Learning, claim.kind], PROMPT).map(|edit| Fix {
            title: "Insert a concrete-change prompt".into(),
            edits: vec![edit],
        });
        let message = format!(
            "Generic lesson: {}: name the concrete change (a checklist, a test, a review, a rule)",
            quote(&claim.words)
        );
        acc.push(cx.finding(self, claim.range, message).with_fix(fix));
    }
}

#[cfg(test)]
mod tests {
    use crate::document::apply_edits;
    use crate::rules::testing::{check, findings};

    const ID: &str = "vague-lesson";

    #[test]
    fn vague_lesson() {
        let flag = [
            "# Dashboard\n## Learning\nI learned to be more careful and to double-check my work.\n",
            "# Too much\n- Action\n- I worked late. I learned to communicate better and ask for help.\n- Result\n- I delivered.\n",
            "# Deal\n## Result\nI got a warning. I learned that integrity matters.\n",
        ];
        let pass = [
            // A mechanism next to the stock phrase.
            "# Wedding\n## Learning\nI learned a lot. I set up a calendar reminder for every cutoff date.\n",
            // Concrete, no stock phrase.
            "# Email\n## Learning\nI would call before writing and never answer a parent after 8 p.m.\n",
            // No lesson at all: missing-learning's business.
            "# Outage\n## Action\nI pushed the change.\n## Result\nLogin failed for nine minutes.\n",
            // Denied.
            "# Review\n## Learning\nThe lesson was not to be more careful; I added a dry run to the migration tool.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn points_at_the_generic_words_and_inserts_a_prompt() {
        let text = "# Dashboard\n**Learning:** I learned to be more careful.\n";
        let found = findings(text, ID);
        assert_eq!(&text[found[0].range.clone()], "be more careful");
        let fixed = apply_edits(text, &found[0].fix.clone().unwrap().edits);
        assert!(
            fixed.contains("more careful.\n\nTODO: The concrete change"),
            "{fixed}"
        );
        assert!(findings(&fixed, ID)[0].fix.is_none());
    }
}

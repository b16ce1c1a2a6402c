//! Flags a failure whose cost is never quantified.

use crate::rules::depth::placeholder_in;
use crate::rules::reading::anchor_of;
use crate::rules::{reading, Context, Finding, Fix, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A failure whose cost is never put in numbers: no money, time, customers, incidents or
    /// people lost, delayed or affected, anywhere in the story.
    ///
    /// ## What the interviewer tests
    /// Whether it was a real failure, and whether you understand its weight. Real failures
    /// cost something; a story that cannot name the cost may not be about a failure at all.
    ///
    /// ## Why this text trips it
    /// No figure stands next to a loss ("cost", "lost", "late", "refunded", "couldn't") and
    /// no count of affected customers, orders or people appears in the Action or Result. A
    /// gain ("40 more accounts signed up") is not a cost.
    ///
    /// ## What a strong story does
    /// Names the bill: "The switch cost about $26K in credits and spoiled food over three
    /// weeks, and roughly 120 subscribers cancelled."
    ///
    /// ## Example
    /// Weak: "The launch slipped and some customers were unhappy."
    ///
    /// Strong: "The launch slipped three weeks and two customers asked for credits worth $40K."
    NoCost { id: "no-cost", category: Impact, severity: Warning, fixable: true }
}

/// The prompt the fix inserts.
pub const PROMPT: &str = "Add the cost: money, time, customers or people affected, with a number.";

impl Rule for NoCost {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if reading::cost(cx).is_some() {
            return;
        }
        let fix = placeholder_in(cx, &[PartKind::Result], PROMPT).map(|edit| Fix {
            title: "Insert a cost placeholder".into(),
            edits: vec![edit],
        });
        acc.push(
            cx.finding(
                self,
                anchor_of(cx, PartKind::Result),
                "The failure's cost is never quantified: what did it cost in money, time or people?",
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const ID: &str = "no-cost";

    #[test]
    fn no_cost() {
        let pass = [
            "# Courier\n## Result\nThe switch cost about $26K in credits.\n",
            "# Macro\n## Action\nOver four days agents sent it to 340 customers.\n## Result\nThey got the longer window.\n",
            "# Class\n## Situation\nBy her count 19 of my 28 students didn't say a word.\n",
            "# Rewrite\n## Result\nAbout eight engineer-weeks of work went in the bin.\n",
            "# Launch\n## Result\nIt shipped three weeks late.\n",
        ];
        let flag = [
            "# Launch\n## Action\nI found the bug two days before launch.\n## Result\n40 more accounts signed up in the first month.\n",
            "# Gala\n## Result\nThe gala raised $185,000, our best year ever.\n",
            "# Port\n## Result\nWe missed most of the promotion window in early December.\n",
            // A figure in later evidence is not the failure's cost.
            "# Permit\n## Result\nThe owner was upset.\n## Learning\nOn the four projects since, none started late.\n",
        ];
        check(ID, &pass, &flag);
    }

    #[test]
    fn the_fix_inserts_a_cost_placeholder() {
        let text = "# Gala\n## Result\nIt went fine.\n";
        let fix = findings(text, ID)[0].fix.clone().unwrap();
        assert_eq!(fix.title, "Insert a cost placeholder");
        let fixed = crate::document::apply_edits(text, &fix.edits);
        assert_eq!(fixed, "# Gala\n## Result\nIt went fine.\n\nTODO: Add the cost: money, time, customers or people affected, with a number.\n");
    }
}

//! Flags a story that spends most of its words on the set-up.

use crate::rules::structure::words_in;
use crate::rules::{Context, Finding, Rule};
use crate::story::PartKind;

crate::declare_rule! {
    /// ## What it flags
    /// A story whose Situation and Task take more words than its Action, Result and Learning
    /// together.
    ///
    /// ## What the interviewer tests
    /// Your judgement, your recovery and what you changed: all of it lives in the second half.
    /// A long set-up spends the minutes the interviewer wanted for the part they score, and
    /// often reads as avoiding it.
    ///
    /// ## What a strong story does
    /// Sets the scene in two or three sentences and spends the rest on what you did, what it
    /// cost, and what you changed: roughly 20% set-up, 80% remediation.
    ///
    /// ## Example
    /// Weak: Three paragraphs on the client and the team, one sentence on what you did.
    ///
    /// Strong: Two sentences of context, then the decision, the recovery, the cost and the change.
    StorytellingHeavy { id: "storytelling-heavy", category: Structure, severity: Warning }
}

/// Below this many words of set-up, proportions are noise.
const MIN_SETUP_WORDS: usize = 40;

impl Rule for StorytellingHeavy {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let setup = words_in(cx, &[PartKind::Situation, PartKind::Task]);
        let rest = words_in(
            cx,
            &[PartKind::Action, PartKind::Result, PartKind::Learning],
        );
        if setup < MIN_SETUP_WORDS || setup <= rest {
            return;
        }
        let share = setup * 100 / (setup + rest).max(1);
        let range = cx
            .story
            .part(PartKind::Situation)
            .or_else(|| cx.story.part(PartKind::Task))
            .map_or_else(
                || cx.anchor(),
                |p| {
                    p.label
                        .as_ref()
                        .map_or(p.range.clone(), |l| l.range.clone())
                },
            );
        let message = format!(
            "Situation and Task take {share}% of the words ({setup} of {}): spend them on what you did and what changed",
            setup + rest
        );
        acc.push(cx.finding(self, range, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn storytelling_heavy() {
        let long = "We were a team of five building a billing system for a large retail client with many stores. ".repeat(4);
        let flag = format!(
            "# Launch\n## Situation\n{long}\n## Action\nI cut the tests.\n## Result\nWe slipped.\n"
        );
        let pass = format!(
            "# Launch\n## Situation\nA team of five.\n## Action\n{long}\n## Result\nWe slipped.\n"
        );
        check("storytelling-heavy", &[pass.as_str()], &[flag.as_str()]);
    }
}

//! Flags a failure story with no Learning part.

use crate::rules::fixes::{insert_block, insertion_point, outside_code, render_part, story_form};
use crate::rules::{Context, Finding, Fix, Rule, Severity};
use crate::story::PartKind;
use crate::theme::PARTS;

crate::declare_rule! {
    /// ## What it flags
    /// A failure story with no Learning (or Prevention) part. When the learning is told inside
    /// the Action or the Result instead ("what I do differently now ..."), it is only a hint
    /// to give it a part of its own.
    ///
    /// ## What the interviewer tests
    /// A failure question is a question about learning. The interviewer wants the root cause,
    /// the concrete change you made, and proof that the change stuck. A story that ends at the
    /// Result answers "what happened", not "what did you take from it".
    ///
    /// ## Why this text trips it
    /// No part is labeled Learning, Lessons, Prevention or the like, and no sentence tells a
    /// change in how you work now ("since then", "I now", "what I do differently").
    ///
    /// ## What a strong story does
    /// Ends with a short Learning part: "I hid uncertainty because I wanted to look in
    /// control. Now any yellow risk reaches my manager within a day; four migrations since,
    /// none shipped late."
    ///
    /// ## Example
    /// Weak: A story that ends: "We recovered and shipped a week later."
    ///
    /// Strong: "## Learning: I hid uncertainty to look in control. Now any yellow risk reaches my manager within a day; four migrations since, none late."
    MissingLearning { id: "missing-learning", category: Structure, severity: Warning, fixable: true }
}

impl Rule for MissingLearning {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if cx.story.part(PartKind::Learning).is_some() {
            return;
        }
        let told = cx.phrases("learning-told");
        // A Situation or Task that announces a lesson ("I'll tell you what I do differently
        // now") does not tell it.
        let telling = cx
            .story
            .parts
            .iter()
            .filter(|p| !matches!(p.kind, PartKind::Situation | PartKind::Task));
        for part in telling {
            let prose = cx.prose(part);
            if let Some((range, _)) = prose
                .sentence_texts()
                .find(|(_, sentence)| told.is_match(sentence))
            {
                let message = format!(
                    "The learning is told inside the {}: give it a Learning part of its own",
                    part.kind.name()
                );
                acc.push(
                    cx.finding(self, prose.to_doc_range(range), message)
                        .with_severity(Severity::Hint)
                        .with_fix(fix(cx)),
                );
                return;
            }
        }
        let message =
            "No Learning part: say what caused the failure, what you changed, and how you know it stuck";
        acc.push(cx.finding(self, cx.anchor(), message).with_fix(fix(cx)));
    }
}

fn fix(cx: &Context<'_>) -> Option<Fix> {
    let form = story_form(cx.story);
    let at = outside_code(
        cx.text,
        cx.story.range.start,
        insertion_point(cx.story, PartKind::Learning),
    );
    let block = render_part(
        PartKind::Learning,
        &form,
        &PARTS.spec(PartKind::Learning).prompt,
    );
    Some(Fix {
        title: "Insert a Learning part".into(),
        edits: vec![insert_block(cx.text, at, &block, &form)],
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings, fix_all_clears};
    use crate::rules::Severity;

    const NO_LEARNING: &str = "# Launch\n## Situation\nWe had a launch.\n## Action\nI cut the tests.\n## Result\nWe slipped two weeks.\n";

    #[test]
    fn missing_learning() {
        let pass = ["# Launch\n## Situation\nA launch.\n## Action\nI cut tests.\n## Result\nWe slipped.\n## Learning\nI now keep a test budget.\n"];
        check("missing-learning", &pass, &[NO_LEARNING]);
    }

    #[test]
    fn learning_told_in_the_result_is_a_hint() {
        let text = "# Launch\n## Situation\nA launch.\n## Action\nI cut tests.\n## Result\nWe slipped. Since then I keep a test budget on every release.\n";
        let found = findings(text, "missing-learning");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Hint);
        assert!(found[0].message.contains("inside the Result"));
    }

    #[test]
    fn the_fix_inserts_the_three_prompts() {
        let fixed = fix_all_clears("missing-learning", NO_LEARNING);
        assert!(fixed.ends_with("## Learning\n\nTODO: Root cause: why did it happen, beyond what went wrong? (an assumption, a habit, a fear)\nTODO: The concrete change: what checklist, test, review, rule or recurring habit did you put in place?\nTODO: Evidence it stuck: where have you used the change since, and what happened?\n"), "{fixed}");
    }
}

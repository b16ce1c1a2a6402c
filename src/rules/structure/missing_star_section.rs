//! Flags a story with no Situation, Task, Action or Result, labeled or told.

use crate::rules::fixes::{insert_block, insertion_point, outside_code, render_part, story_form};
use crate::rules::structure::{has_substance, told_in_prose};
use crate::rules::{Context, Finding, Fix, Rule, Severity};
use crate::story::PartKind;
use crate::theme::PARTS;

crate::declare_rule! {
    /// ## What it flags
    /// A story with no Situation, Task, Action or Result: the part is neither labeled nor
    /// told anywhere in the prose.
    ///
    /// ## What the interviewer tests
    /// STAR is how interviewers take notes. A missing part is a gap they fill with a follow-up
    /// question, or with the worst reading: no Action means you watched it happen, no Result
    /// means it never ended or you would rather not say.
    ///
    /// ## Why this text trips it
    /// The part is judged on substance, not on its label: a Task told in a sentence such as
    /// "my job was to own the cut-over" counts. This story has no such sentence.
    ///
    /// ## What a strong story does
    /// Tells all four, briefly where they matter least: "I owned the schedule (Task). I cut
    /// the parallel run from four weeks to one (Action). We shipped four months late and paid
    /// $200K in credits (Result)."
    ///
    /// ## Example
    /// Weak: A Situation and an Action, then nothing about how it ended.
    ///
    /// Strong: "... We shipped four months late and paid $200K in credits (Result)."
    MissingStarSection { id: "missing-star-section", category: Structure, severity: Error, fixable: true }
}

impl Rule for MissingStarSection {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let story = cx.story;
        for kind in PartKind::STAR {
            if story.part(kind).is_some() {
                continue;
            }
            if story.inferred {
                // Told in plain prose: missing only when its substance is absent.
                if has_substance(cx, kind) {
                    continue;
                }
            } else {
                let told = told_in_prose(cx, kind).is_some()
                    || (kind == PartKind::Situation && story.preamble.is_some())
                    || (kind == PartKind::Task && role_plain_in_situation(cx));
                if told {
                    continue;
                }
            }
            let what = match kind {
                PartKind::Situation => {
                    "the listener never learns the team, the project or what was at stake"
                }
                PartKind::Task => {
                    "the story never says what was yours to own or what success meant"
                }
                PartKind::Action => "the story never says what you did",
                _ => "the story never says how it ended",
            };
            let inferred = if story.inferred {
                " (parts inferred from unlabeled prose)"
            } else {
                ""
            };
            let message = format!("No {}: {what}{inferred}", kind.name());
            let finding = cx
                .finding(self, cx.anchor(), message)
                .with_fix(fix(cx, kind));
            // A gap read from unlabeled prose rests on inference: never an error.
            acc.push(if story.inferred {
                finding.with_severity(Severity::Warning)
            } else {
                finding
            });
        }
    }
}

/// Whether the Situation makes the teller's responsibility plain ("I ran the front desk"),
/// which leaves the Task implicit rather than absent.
fn role_plain_in_situation(cx: &Context<'_>) -> bool {
    let role = PARTS.cues(PartKind::Task);
    cx.prose_of(PartKind::Situation).iter().any(|prose| {
        prose.sentence_texts().any(|(_, s)| {
            role.is_match(s)
                || (crate::rules::structure::tells_an_act(s)
                    && crate::text::pronouns::actors(s).i > 0)
        })
    })
}

fn fix(cx: &Context<'_>, kind: PartKind) -> Option<Fix> {
    let form = story_form(cx.story);
    let mut at = insertion_point(cx.story, kind);
    if cx.story.inferred {
        // Inferred parts may end mid-paragraph: insert after the paragraph.
        at = cx.text[at..cx.story.range.end]
            .find("\n\n")
            .map_or(cx.story.range.end, |i| at + i);
    }
    let at = outside_code(cx.text, cx.story.range.start, at);
    let block = render_part(kind, &form, &PARTS.spec(kind).prompt);
    Some(Fix {
        title: format!("Insert a {} part", kind.name()),
        edits: vec![insert_block(cx.text, at, &block, &form)],
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, fix_all_clears};

    #[test]
    fn missing_star_section() {
        let pass = [
            "# Launch\n## Situation\nWe had a launch.\n## Task\nI owned it.\n## Action\nI cut the tests.\n## Result\nWe slipped two weeks.\n",
            // The Task is told in the Situation's prose.
            "# Launch\n## Situation\nWe had a launch and my job was to own the plan.\n## Action\nI cut the tests.\n## Result\nWe slipped two weeks.\n",
        ];
        let flag = [
            "# Launch\n## Situation\nWe had a launch.\n## Task\nI owned it.\n## Action\nI cut the tests.\n",
            "# Launch\n**Situation:** We had a launch.\n**Result:** We slipped.\n",
        ];
        check("missing-star-section", &pass, &flag);
    }

    #[test]
    fn the_fix_inserts_each_missing_part() {
        fix_all_clears(
            "missing-star-section",
            "# Launch\n\n**Situation:** We had a launch.\n**Result:** We slipped.\n",
        );
        fix_all_clears(
            "missing-star-section",
            "# Launch\n- S (Situation)\n  - We had a launch.\n",
        );
    }
}

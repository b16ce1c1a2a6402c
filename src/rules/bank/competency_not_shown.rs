//! Flags a named competency the story's text never shows, over the story bank:
//! [`crate::bank`] summarizes the stories (and whether each shows its competencies) and
//! [`check`] decides.

use crate::bank::{bank_finding, BankFinding, NamedCompetency, StorySummary};
use crate::competency::CompetencySet;
use crate::config::Config;

crate::declare_rule! {
    /// ## What it flags
    /// A story that names a competency (`competencies: [dive-deep]`) whose text holds none
    /// of the cues the set lists for it: for `dive-deep`, nothing about data, logs, metrics,
    /// an investigation or a root cause. The cues are broad, so this is only a hint.
    ///
    /// ## What the interviewer tests
    /// Interviewers score what they hear, not the label you had in mind. A story filed under
    /// a competency but told without the behaviour the competency is about will be scored as
    /// something else, and the follow-up questions for that competency will find nothing.
    ///
    /// ## Why this text trips it
    /// None of the competency's cues matches the story's title or body.
    ///
    /// ## What a strong story does
    /// Tells the moment that shows the competency in concrete terms: for `dive-deep`, what
    /// you looked at yourself and what it revealed; for `have-backbone`, what you disagreed
    /// with, how you said so, and what you did once the call was made.
    ///
    /// ## Example
    /// Weak: A story naming `dive-deep` that says "we looked into it and fixed the issue."
    ///
    /// Strong: "I pulled a week of checkout logs and found every failure came from one card type."
    CompetencyNotShown { id: "competency-not-shown", category: Bank, severity: Hint }
}

/// The finding for competency `named` of `story`, if `set` has it and the story never shows it.
pub fn check(
    set: &CompetencySet,
    story: &StorySummary,
    named: &NamedCompetency,
    config: &Config,
) -> Option<BankFinding> {
    let competency = set.get(&named.id)?;
    if named.shown {
        return None;
    }
    bank_finding(
        config,
        &CompetencyNotShown::META,
        story.file,
        named.range.clone(),
        format!(
            "`{}` ({}) is named, but nothing in \u{201c}{}\u{201d} shows it yet; interviewers listen for this: {}",
            competency.id, competency.name, story.title, competency.probes
        ),
    )
}

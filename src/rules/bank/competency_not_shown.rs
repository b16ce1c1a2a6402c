//! Declares `competency-not-shown`, checked over the story bank by [`crate::bank`].

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

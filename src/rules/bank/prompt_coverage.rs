//! Declares `prompt-coverage`, checked over a whole story bank by [`crate::bank`].

crate::declare_rule! {
    /// ## What it flags
    /// A theme for which the story bank has stories ready for fewer than three of its common
    /// prompts (for `failure`: "Tell me about a time you failed", "a decision that turned
    /// out to be wrong", "feedback that was hard to hear", ...). It is reported once per
    /// theme, on the first story file of that theme.
    ///
    /// ## What the interviewer tests
    /// Range. Interviewers ask variations of the same theme, and they probe with a second
    /// question when the first answer lands; one rehearsed story stretched over every prompt
    /// shows.
    ///
    /// ## Why this text trips it
    /// Counting the prompts the theme's stories name (front matter `prompt:` or a `Prompt:`
    /// line), and leaving out stories with error-level problems, fewer than three of the
    /// theme's common prompts have a story ready.
    ///
    /// ## What a strong story does
    /// A strong bank has a story pre-loaded for at least three prompts of each theme, each
    /// naming the prompts it answers: "Prompt: Tell me about a time you got feedback that was
    /// hard to hear."
    ///
    /// ## Example
    /// Weak: A bank of four failure stories that all answer "Tell me about a time you failed."
    ///
    /// Strong: The same bank with stories named for a wrong decision, hard feedback and a missed expectation.
    PromptCoverage { id: "prompt-coverage", category: Bank, severity: Info }
}

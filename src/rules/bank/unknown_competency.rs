//! Declares `unknown-competency`, checked over the story bank by [`crate::bank`].

crate::declare_rule! {
    /// ## What it flags
    /// A competency id in a story's `competencies:` list (front matter or a `Competencies:`
    /// line) that the chosen competency set does not have. The message suggests the nearest
    /// ids, and names the other sets that hold it.
    ///
    /// ## What the interviewer tests
    /// Nothing directly: the set is how you check that your bank covers what the loop asks.
    /// An id the set does not know is counted for nothing, so the coverage you see is lower
    /// than the coverage you think you have.
    ///
    /// ## Why this text trips it
    /// The id is misspelt, comes from another set (an Amazon principle in a bank mapped to
    /// the general set), or is a free-form tag.
    ///
    /// ## What a strong story does
    /// Names ids from the set `starling.toml` picks (`competencies = "amazon"`); completion
    /// in the editor offers them, and `starling bank` lists them.
    ///
    /// ## Example
    /// Weak: `competencies: [owner-ship]` in a bank mapped to the `amazon` set.
    ///
    /// Strong: `competencies: [ownership]`.
    UnknownCompetency { id: "unknown-competency", category: Bank, severity: Error }
}

//! Declares `competency-coverage`, checked over the story bank by [`crate::bank`].

crate::declare_rule! {
    /// ## What it flags
    /// Competencies of the chosen set (the sixteen Amazon leadership principles, Google's
    /// behavioral areas, or the general set) that fewer ready stories name than the bank
    /// needs: two each unless `stories-per-competency` in `starling.toml` says otherwise. It
    /// is reported once for the bank, on the first story that names a competency, and lists
    /// the competencies that fall short.
    ///
    /// It stays quiet for a bank that names no competency at all, unless `starling.toml`
    /// picks a set with `competencies = "..."`.
    ///
    /// ## What the interviewer tests
    /// Each competency gets its own question, often two. A loop that asks for a second
    /// example of the same quality ("tell me about another time") catches a bank with one
    /// story per competency; a competency with none leaves you improvising.
    ///
    /// ## Why this text trips it
    /// Counting the stories that name each competency, and leaving out stories with
    /// error-level problems, some competencies have fewer than the number needed.
    ///
    /// ## What a strong story does
    /// A strong bank maps every competency to at least two stories, each story naming the few
    /// it shows best (`competencies: [ownership, deliver-results]`). One story may serve
    /// several competencies; `starling bank` prints the matrix and marks the gaps.
    ///
    /// ## Example
    /// Weak: A bank of five stories mapped to `amazon` in which no story names `frugality`.
    ///
    /// Strong: The same bank with two stories, each told around a real constraint, naming `frugality`.
    CompetencyCoverage { id: "competency-coverage", category: Bank, severity: Info }
}

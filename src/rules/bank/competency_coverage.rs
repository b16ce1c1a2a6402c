//! Flags the competencies of the chosen set with too few ready stories, over the story bank:
//! [`crate::bank`] lays the bank out as a matrix and [`check`] decides.

use crate::bank::{bank_finding, competency_matrix, uses_competencies, BankFinding, StorySummary};
use crate::competency::CompetencySet;
use crate::config::Config;

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

/// The coverage finding of a bank mapped to `set`, on the first story that names a
/// competency (else the first story): `None` when every competency has enough ready stories,
/// or when neither `starling.toml` nor any story maps the bank to competencies.
pub fn check(
    stories: &[StorySummary],
    set: &CompetencySet,
    config: &Config,
) -> Option<BankFinding> {
    if !uses_competencies(stories, config) {
        return None;
    }
    let named = stories.iter().find(|s| !s.competencies.is_empty());
    let first = named.or(stories.first())?;
    let matrix = competency_matrix(stories, config);
    let short: Vec<String> = matrix
        .gaps()
        .map(|row| format!("{} ({})", row.id, row.ready))
        .collect();
    if short.is_empty() {
        return None;
    }
    let message = format!(
        "Competencies `{}`: {} of {} have {}; too few for: {}",
        set.name,
        matrix.rows.len() - short.len(),
        matrix.rows.len(),
        matrix.needed_stories(),
        short.join(", ")
    );
    bank_finding(
        config,
        &CompetencyCoverage::META,
        first.file,
        first.anchor.clone(),
        message,
    )
}

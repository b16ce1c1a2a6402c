//! Flags a competency id the chosen set lacks, over the story bank: [`crate::bank`]
//! summarizes the stories and [`check`] decides.

use crate::bank::{bank_finding, BankFinding, NamedCompetency, StorySummary};
use crate::competency::{self, CompetencySet};
use crate::config::Config;

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

/// The finding for competency `named` of `story`, if `set` lacks it.
pub fn check(
    set: &CompetencySet,
    story: &StorySummary,
    named: &NamedCompetency,
    config: &Config,
) -> Option<BankFinding> {
    if set.get(&named.id).is_some() {
        return None;
    }
    bank_finding(
        config,
        &UnknownCompetency::META,
        story.file,
        named.range.clone(),
        message(set, &named.id),
    )
}

/// The message for an id `set` lacks: the nearest ids, and the other sets that have it.
fn message(set: &CompetencySet, id: &str) -> String {
    let mut message = format!("`{id}` is not a competency of the `{}` set", set.name);
    let nearest = set.nearest(id);
    if !nearest.is_empty() {
        message.push_str(&format!(": did you mean `{}`?", nearest.join("`, `")));
    }
    let elsewhere = competency::sets_with(id);
    if !elsewhere.is_empty() {
        message.push_str(&format!(
            " (it is in the `{}` set: `competencies = \"{}\"` in starling.toml picks it)",
            elsewhere.join("` and `"),
            elsewhere[0]
        ));
    } else if nearest.is_empty() {
        message.push_str(" (`starling bank` lists the set's ids)");
    }
    message
}

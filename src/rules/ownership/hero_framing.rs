//! Flags a story where the teller is the hero while everyone else failed.

use super::MAX_FINDINGS;
use crate::rules::reading::{claims, quote, ALL};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A story that casts the teller as the one who saved the day while the others failed:
    /// "single-handedly", "I was the only one who cared", "it wouldn't have happened without
    /// me", "nobody else had noticed".
    ///
    /// ## What the interviewer tests
    /// Self-awareness and how you work with others. A rescue story told as a failure story
    /// dodges the question, and praising yourself at the team's expense is a warning sign
    /// about how you will talk about your next team.
    ///
    /// ## Why this text trips it
    /// These words credit the outcome to you alone, or set your effort against other people's
    /// failings.
    ///
    /// ## What a strong story does
    /// Credits others plainly and keeps the spotlight on the teller's own mistake: "I found
    /// the tax bug two days before launch, which I should have caught in my spec review."
    ///
    /// ## Example
    /// Weak: "Everyone else dropped the ball, so I single-handedly saved the launch."
    ///
    /// Strong: "I stayed on the rollback with the on-call engineer, and I own that the gap was in my design."
    HeroFraming { id: "hero-framing", category: Ownership, severity: Warning }
}

impl Rule for HeroFraming {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        for claim in claims(cx, ALL, "hero-framing")
            .into_iter()
            .take(MAX_FINDINGS)
        {
            let message = format!("The teller as the hero: {}", quote(&claim.words));
            acc.push(cx.finding(self, claim.range, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn hero_framing() {
        let flag = [
            "# Launch\n## Result\nI single-handedly got the feature out.\n",
            "# Gala\n## Result\nThe director told me it wouldn't have happened without me.\n",
            "# On call\n## Result\nI was basically the only reason we recovered.\n",
            "# Deck\n## Action\nI fixed errors that nobody else had noticed.\n",
        ];
        let pass = [
            "# Design system\n## Result\nThe teams have since added tables without me chairing the review.\n",
            "# Launch\n## Action\nI was not the only one who noticed; Sam flagged it first.\n",
            "# Review\n## Action\nShe said \"you single-handedly made us feel small\".\n",
        ];
        check("hero-framing", &pass, &flag);
    }

    #[test]
    fn applies_to_star_stories_too() {
        let text =
            "---\ntheme: star\n---\n# Deck\n## Result\nI single-handedly rebuilt the deck.\n";
        assert_eq!(
            crate::rules::testing::findings(text, "hero-framing").len(),
            1
        );
    }
}

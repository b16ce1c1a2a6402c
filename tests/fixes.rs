//! Applying every fix of a story, in every label form, and checking again leaves none of the
//! fixed findings; the user's own text is never changed, only added to (or reordered by the
//! reorder fix).

use starling::{check_text, Config};

const FORMS: &[&str] = &[
    // Headings, missing Task and Result, no Learning.
    "# Outage\n\n## Situation\nWe ran payments for 40 shops.\n\n## Action\nI skipped the dry run.\n",
    // Bold labels in one paragraph.
    "# Outage\n\n**Situation:** We ran payments.\n**Action:** I skipped the dry run.\n",
    // Line labels, Result before Action.
    "# Outage\n\nSituation: We ran payments.\nTask: I owned the upgrade.\nResult: Checkout was down 40 minutes.\nAction: I skipped the dry run.\n",
    // List items with sibling content.
    "# Outage\n- Situation\n- We ran payments.\n- Action\n- I skipped the dry run.\n",
    // Lettered bold list items, CRLF line ends, no final newline.
    "# Outage\r\n\r\n- **S (Situation):** We ran payments.\r\n- **A (Action):** I skipped the dry run.",
    // Setext headings.
    "Outage\n======\n\nSituation\n---------\nWe ran payments.\n\nAction\n------\nI skipped the dry run.\n",
    // Plain prose.
    "# Outage\n\nTwo years ago I was a backend engineer on a payments team of six people in a busy quarter. \
My job was to own the database upgrade. I decided to skip the dry run because the window was short. \
As a result, checkout was down for forty minutes and we refunded 120 orders.\n",
];

const FIXABLE: &[&str] = &[
    "missing-learning",
    "missing-star-section",
    "section-order",
    "unlabeled-parts",
];

/// Applies every fix, as `starling check --fix` does.
fn fix_all(text: &str) -> String {
    starling::analysis::fix_all(text, &Config::default()).0
}

/// Whether every word of `original` is still in `fixed`, as often: fixes add and reorder,
/// they never delete or rewrite the user's words.
fn keeps_every_word(original: &str, fixed: &str) -> bool {
    let mut counts = std::collections::HashMap::new();
    for word in fixed.split_whitespace() {
        *counts.entry(word).or_insert(0i32) += 1;
    }
    for word in original.split_whitespace() {
        let left = counts.entry(word).or_insert(0);
        *left -= 1;
        if *left < 0 {
            return false;
        }
    }
    true
}

#[test]
fn fixing_everything_clears_every_fixable_finding_in_every_form() {
    for story in FORMS {
        let fixed = fix_all(story);
        let left: Vec<_> = check_text(&fixed, &Config::default())
            .findings
            .into_iter()
            .filter(|f| FIXABLE.contains(&f.rule))
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(left.is_empty(), "left after fixing:\n{fixed}\n{left:#?}");
        assert!(
            keeps_every_word(story, &fixed),
            "lost text:\n{story}\n---\n{fixed}"
        );
        assert!(
            fixed.contains("## Learning") || fixed.contains("Learning"),
            "{fixed}"
        );
        // Fixing again changes nothing.
        assert_eq!(fix_all(&fixed), fixed);
    }
}

#[test]
fn inserted_parts_follow_the_story_s_own_form() {
    let bold = fix_all(FORMS[1]);
    assert!(bold.contains("**Task:** TODO:"), "{bold}");
    assert!(bold.contains("**Result:** TODO:"), "{bold}");
    let list = fix_all(FORMS[3]);
    assert!(list.contains("- Task\n- TODO:"), "{list}");
    let lettered = fix_all(FORMS[4]);
    assert!(lettered.contains("- **T (Task):** TODO:"), "{lettered}");
    assert!(
        !lettered.replace("\r\n", "").contains('\n'),
        "CRLF kept: {lettered:?}"
    );
    let setext = fix_all(FORMS[5]);
    assert!(setext.contains("Task\n----\n\nTODO:"), "{setext}");
}

//! Test helpers shared by the rules' tests.

use crate::analysis::check_text;
use crate::config::Config;
use crate::document::apply_edits;
use crate::rules::Finding;

/// The findings of `rule` on `text` with the default configuration.
pub fn findings(text: &str, rule: &str) -> Vec<Finding> {
    check_text(text, &Config::default())
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// Asserts that `rule` is silent on every `pass` story and fires on every `flag` story.
pub fn check(rule: &str, pass: &[&str], flag: &[&str]) {
    for text in pass {
        let found = findings(text, rule);
        assert!(found.is_empty(), "{rule} fired on:\n{text}\n{found:#?}");
    }
    for text in flag {
        assert!(!findings(text, rule).is_empty(), "{rule} missed:\n{text}");
    }
}

/// Applies every fix of `rule` on `text` (one at a time, re-checking between), asserts none
/// of the rule's findings remain, and returns the fixed text.
pub fn fix_all_clears(rule: &str, text: &str) -> String {
    let mut text = text.to_string();
    let mut rounds = 0;
    while let Some(fix) = findings(&text, rule).into_iter().find_map(|f| f.fix) {
        text = apply_edits(&text, &fix.edits);
        rounds += 1;
        assert!(rounds < 20, "{rule}: fixes do not converge:\n{text}");
    }
    assert!(rounds > 0, "{rule}: no fix offered");
    let left = findings(&text, rule);
    assert!(
        left.is_empty(),
        "{rule} still fires after its fixes:\n{text}\n{left:#?}"
    );
    text
}

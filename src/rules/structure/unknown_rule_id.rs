//! Flags an inline directive that names no known rule.
//!
//! The check is file-level: the analysis reads the directives once per file and [`check`]
//! looks up the ids they name.

use crate::rules::suppress::Directive;
use crate::rules::{registry, Finding};

crate::declare_rule! {
    /// ## What it flags
    /// A `<!-- starling-disable ... -->` comment naming a rule id that does not exist.
    ///
    /// ## Why it matters
    /// A typo in a directive silences nothing, so the finding you meant to hide keeps showing,
    /// or worse, a later rename leaves a stale comment behind. `starling rules` lists the ids.
    ///
    /// ## Example
    /// Weak: `<!-- starling-disable no-metrics -->` (the rule is `no-metric`).
    ///
    /// Strong: `<!-- starling-disable no-metric -->`
    UnknownRuleId { id: "unknown-rule-id", category: Structure, severity: Warning }
}

/// A finding for each rule id the `directives` name that is not a starling rule.
pub fn check(directives: &[Directive]) -> Vec<Finding> {
    let known: Vec<&str> = registry::metas().iter().map(|m| m.id).collect();
    let mut out = Vec::new();
    for directive in directives {
        for (id, range) in &directive.rules {
            if !known.contains(&id.as_str()) {
                out.push(Finding::new(
                    &UnknownRuleId::META,
                    range.clone(),
                    format!("`{id}` is not a starling rule: this directive silences nothing"),
                ));
            }
        }
    }
    out
}

//! Declares the finding for an inline directive that names no known rule.
//!
//! The check is file-level: the analysis reads the directives once per file.

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

//! Flags YAML front matter that does not parse.
//!
//! The check is file-level: the story finder reads the front matter once per file, and
//! [`check`] turns its error into this rule's finding.

use crate::rules::Finding;
use crate::story::FileMeta;

crate::declare_rule! {
    /// ## What it flags
    /// YAML front matter (the `---` block at the top of the file) that does not parse.
    ///
    /// ## Why it matters
    /// The front matter names the prompts the file's stories answer and their theme. When it
    /// does not parse, starling falls back to the defaults: the `failure` theme and no prompt,
    /// so the prompt-coverage of your bank is wrong too.
    ///
    /// ## What to write instead
    /// `key: value` lines, with a list for several prompts:
    ///
    /// ```yaml
    /// prompt:
    ///   - Tell me about a time you failed.
    ///   - Describe a project that didn't go well.
    /// theme: failure
    /// ```
    ///
    /// ## Example
    /// Weak: `prompt: [Tell me about a time you failed` with no closing bracket.
    ///
    /// Strong: `prompt: [Tell me about a time you failed.]`
    MalformedFrontMatter { id: "malformed-front-matter", category: Structure, severity: Warning }
}

/// The finding for the file's front matter, if it did not parse.
pub fn check(file: &FileMeta) -> Option<Finding> {
    let (range, message) = file.error.as_ref()?;
    Some(Finding::new(
        &MalformedFrontMatter::META,
        range.clone(),
        message.clone(),
    ))
}

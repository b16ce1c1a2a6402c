//! Declares the finding for YAML front matter that does not parse.
//!
//! The check is file-level: the analysis reads the front matter once per file and reports its
//! error under this rule.

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

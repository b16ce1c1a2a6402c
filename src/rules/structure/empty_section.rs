//! Flags a labeled part with nothing in it.

use std::sync::LazyLock;

use regex::Regex;

use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A labeled part with no content, or only a placeholder ("TBD", "...", a `TODO:` line
    /// a quick fix inserted).
    ///
    /// ## What the interviewer tests
    /// Nothing yet: an empty part is a note to yourself. But a story rehearsed with a hole in
    /// it is told with a hole in it, and the interviewer's follow-up lands exactly there.
    ///
    /// ## What a strong story does
    /// Fills every part, even briefly. A Task can be one sentence: "I owned the schedule and
    /// the design."
    ///
    /// ## Example
    /// Weak: "## Task" followed straight by "## Action".
    ///
    /// Strong: "## Task: I owned the cut-over plan and the go/no-go call."
    EmptySection { id: "empty-section", category: Structure, severity: Warning }
}

static PLACEHOLDER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s.…?!:_\-–—\[\]()<>]*(tbd|tbc|tk|todo|xxx+|n/?a|fill( this)? in|to do|coming soon|placeholder)?[\s.…?!:_\-–—\[\]()<>]*$")
        .expect("valid")
});

impl Rule for EmptySection {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        for part in &cx.story.parts {
            let Some(label) = &part.label else { continue };
            let prose = cx.prose(part);
            if !PLACEHOLDER_ONLY.is_match(prose.text()) {
                continue;
            }
            let raw = cx.text[part.body.clone()].trim();
            let message = if raw.is_empty() {
                format!("{} is empty", part.kind.name())
            } else {
                format!("{} holds only a placeholder", part.kind.name())
            };
            acc.push(cx.finding(self, label.range.clone(), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn empty_section() {
        let pass = ["# Launch\n## Situation\nA launch.\n## Task\nI owned it.\n"];
        let flag = [
            "# Launch\n## Situation\n## Task\nI owned it.\n",
            "# Launch\n**Situation:** TBD\n**Task:** I owned it.\n",
            "# Launch\n## Situation\nTODO: Set the scene.\n",
            "# Launch\n- Situation\n- ...\n- Task\n- I owned it.\n",
        ];
        check("empty-section", &pass, &flag);
    }
}

//! Hints when a story does not say which prompt it answers.

use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A story that does not say which interview prompt(s) it answers: no `prompt:` in the
    /// file's front matter and no `Prompt:` line under the story's title.
    ///
    /// ## What the interviewer tests
    /// Nothing directly, but a story bank is only useful when you can find the right story
    /// for the question in front of you. One story often answers several prompts; naming them
    /// is how you know which prompts still have no story.
    ///
    /// ## Why this text trips it
    /// Neither the story's metadata nor the file's names a prompt.
    ///
    /// ## What a strong story does
    /// Names its prompts under the title: "Prompt: Tell me about a decision you made that
    /// turned out to be wrong."
    ///
    /// ## Example
    /// Weak: A story with a title and five parts, and no `Prompt:` line or `prompt:` key.
    ///
    /// Strong: `Prompt: Tell me about a time you failed.` right under the title.
    MissingPrompt { id: "missing-prompt", category: Bank, severity: Hint }
}

impl Rule for MissingPrompt {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        if !cx.story.meta.prompts.is_empty() || !cx.file.meta.prompts.is_empty() {
            return;
        }
        acc.push(cx.finding(
            self,
            cx.anchor(),
            "No prompt named: add a `Prompt:` line under the title (or `prompt:` in the front matter)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn missing_prompt() {
        let pass = [
            "---\nprompt: \"Tell me about a time you failed.\"\n---\n# Launch\n## Action\nI cut the tests.\n",
            "# Launch\nPrompt: Tell me about a time you failed.\n\n## Action\nI cut the tests.\n",
        ];
        let flag = ["# Launch\n## Action\nI cut the tests.\n"];
        check("missing-prompt", &pass, &flag);
    }
}

//! The template of a new story, and the edit that appends one to a file.

use super::line_break;
use crate::config::Config;
use crate::document::TextEdit;
use crate::rules::fixes::{render_part, PLACEHOLDER};
use crate::story::{LabelForm, Outline, PartKind};
use crate::theme::{self, PARTS};

/// The text of a new story in theme `theme_name`: front matter naming its prompt and theme
/// (when the file has none yet; story metadata lines otherwise), a title, and the five parts
/// with `TODO:` prompts.
pub fn story_template(theme_name: &str, with_front_matter: bool) -> String {
    let theme = theme::find(theme_name).unwrap_or(&theme::builtin()[0]);
    let prompt = theme
        .prompts
        .first()
        .map_or("TODO: the prompt this story answers", String::as_str);
    let mut out = String::new();
    if with_front_matter {
        out.push_str(&format!(
            "---\nprompt: {prompt}\ntheme: {}\n---\n\n# {PLACEHOLDER} A short title\n\n",
            theme.name
        ));
    } else {
        out.push_str(&format!(
            "# {PLACEHOLDER} A short title\n\nPrompt: {prompt}\nTheme: {}\n\n",
            theme.name
        ));
    }
    let form = LabelForm::Heading {
        level: 2,
        setext: false,
    };
    let parts: Vec<String> = PartKind::ALL
        .iter()
        .map(|kind| render_part(*kind, &form, &PARTS.spec(*kind).prompt))
        .collect();
    out.push_str(&parts.join("\n"));
    out
}

/// An edit appending a new story to `text`.
pub fn new_story(text: &str, outline: &Outline, config: &Config) -> TextEdit {
    let theme = outline
        .file
        .meta
        .theme
        .as_deref()
        .unwrap_or(config.theme())
        .to_string();
    let blank = text.trim().is_empty();
    // Front matter is only valid at the top of a file.
    let template = story_template(&theme, blank);
    let eol = line_break(text);
    let template = template.replace('\n', eol);
    if blank {
        return TextEdit::replace(0..text.len(), template);
    }
    let lead = if text.ends_with("\n\n") || text.ends_with("\r\n\r\n") {
        String::new()
    } else if text.ends_with('\n') {
        eol.to_string()
    } else {
        format!("{eol}{eol}")
    };
    TextEdit::insert(text.len(), format!("{lead}{template}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;
    use crate::document::apply_edits;

    #[test]
    fn the_template_is_a_complete_story() {
        let config = Config::default();
        let edit = new_story("", &Outline::default(), &config);
        let text = apply_edits("", &[edit]);
        assert!(text.starts_with("---\nprompt: "));
        let analysis = check_text(&text, &config);
        assert_eq!(analysis.outline.stories.len(), 1);
        assert_eq!(analysis.outline.stories[0].parts.len(), 5);
        assert!(analysis
            .findings
            .iter()
            .all(|f| f.rule != "missing-star-section"));
    }
}

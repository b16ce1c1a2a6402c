//! Story metadata: YAML front matter for the whole file, and `Prompt:` / `Theme:` /
//! `Company:` lines just under a story's title.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use yaml_rust2::{Yaml, YamlLoader};

/// Metadata of one story (or, in [`FileMeta`], of the whole file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoryMeta {
    pub prompts: Vec<String>,
    pub theme: Option<String>,
    pub company: Option<String>,
    /// The competency ids the story says it shows (`competencies: [ownership, dive-deep]`).
    pub competencies: Vec<String>,
    /// The metadata lines under the title, if any.
    pub range: Option<Range<usize>>,
}

/// What the front matter says for the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileMeta {
    pub meta: StoryMeta,
    /// The front matter block, fences included.
    pub front_matter: Option<Range<usize>>,
    /// A malformed front matter: where, and what is wrong.
    pub error: Option<(Range<usize>, String)>,
    /// Whether the front matter says the file holds stories (it names a prompt or a theme, or
    /// sets `starling: true`).
    pub holds_stories: bool,
}

/// Reads the front matter block at `range` (fences included) of `text`.
pub fn front_matter(text: &str, range: Range<usize>) -> FileMeta {
    let mut file = FileMeta {
        front_matter: Some(range.clone()),
        ..FileMeta::default()
    };
    let block = &text[range.clone()];
    // The YAML between the fences.
    let inner_start = block.find('\n').map_or(block.len(), |i| i + 1);
    let inner_end = block[inner_start..]
        .rfind("\n---")
        .map_or(block.len(), |i| inner_start + i + 1);
    let inner = &block[inner_start..inner_end.max(inner_start)];
    let base = range.start + inner_start;
    let docs = match YamlLoader::load_from_str(inner) {
        Ok(docs) => docs,
        Err(err) => {
            let marker = err.marker();
            let at = line_col_to_offset(inner, marker.line(), marker.col());
            let line_end = inner[at..].find('\n').map_or(inner.len(), |i| at + i);
            let message = format!(
                "front matter is not valid YAML (line {}, column {}): {}",
                marker.line() + 1,
                marker.col() + 1,
                err.info()
            );
            file.error = Some((base + at..base + line_end.max(at), message));
            return file;
        }
    };
    let Some(doc) = docs.into_iter().next() else {
        return file;
    };
    let Yaml::Hash(map) = &doc else {
        if !matches!(doc, Yaml::Null) {
            file.error = Some((
                range,
                "front matter should be a list of `key: value` lines".into(),
            ));
        }
        return file;
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        match key.to_ascii_lowercase().as_str() {
            "prompt" | "prompts" | "question" | "questions" => {
                file.meta.prompts.extend(strings(value));
                file.holds_stories = true;
            }
            "theme" => {
                file.meta.theme = strings(value).into_iter().next();
                file.holds_stories = true;
            }
            "company" | "companies" => file.meta.company = strings(value).into_iter().next(),
            "competency" | "competencies" => {
                for item in strings(value) {
                    file.meta.add("competencies", &item);
                }
            }
            "starling" | "story" | "stories" if !matches!(value, Yaml::Boolean(false)) => {
                file.holds_stories = true;
            }
            _ => {}
        }
    }
    file
}

fn strings(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::String(s) => vec![s.trim().to_string()],
        Yaml::Integer(i) => vec![i.to_string()],
        Yaml::Real(r) => vec![r.clone()],
        Yaml::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

fn line_col_to_offset(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let col_bytes = l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
            return (offset + col_bytes).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// Compiles the metadata line pattern now (see [`super::labels::warm_up`]).
pub(super) fn warm_up() {
    LazyLock::force(&META_LINE);
}

static META_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[-*+][ \t]+)?(?:\*\*|__)?(prompts?|questions?|theme|company|competenc(?:y|ies)|role|level|tags?|date)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(.*?)[ \t]*$",
    )
    .expect("valid")
});

/// A metadata line (`Prompt: ...`, `- **Theme:** star`): its key (lowercase) and value.
pub fn meta_line(line: &str) -> Option<(String, String)> {
    let caps = META_LINE.captures(line.trim())?;
    Some((caps[1].to_ascii_lowercase(), caps[2].trim().to_string()))
}

crate::shift_fields!(StoryMeta: range);

impl StoryMeta {
    /// Records one `key: value` metadata line.
    pub fn add(&mut self, key: &str, value: &str) {
        let value = value.trim().trim_matches(['"', '\'']).trim();
        if value.is_empty() {
            return;
        }
        match key {
            "prompt" | "prompts" | "question" | "questions" => {
                self.prompts.push(value.to_string());
            }
            "theme" => self.theme = Some(value.to_ascii_lowercase()),
            "company" => self.company = Some(value.to_string()),
            "competency" | "competencies" => self.competencies.extend(
                value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|id| {
                        id.trim()
                            .trim_matches(['"', '\'', '`'])
                            .to_ascii_lowercase()
                    })
                    .filter(|id| !id.is_empty()),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prompts_theme_and_company() {
        let text = "---\nprompt:\n  - Tell me about a time you failed.\n  - A mistake?\ntheme: star\ncompany: Acme\n---\n";
        let file = front_matter(text, 0..text.len());
        assert_eq!(file.error, None);
        assert_eq!(file.meta.prompts.len(), 2);
        assert_eq!(file.meta.theme.as_deref(), Some("star"));
        assert_eq!(file.meta.company.as_deref(), Some("Acme"));
        assert!(file.holds_stories);
    }

    #[test]
    fn reads_competencies_from_front_matter_and_lines() {
        let text = "---\ncompetencies: [Ownership, dive-deep]\n---\n";
        let file = front_matter(text, 0..text.len());
        assert_eq!(file.meta.competencies, ["ownership", "dive-deep"]);
        let (key, value) = meta_line("- **Competencies:** earn-trust, `frugality`").unwrap();
        let mut meta = StoryMeta::default();
        meta.add(&key, &value);
        assert_eq!(meta.competencies, ["earn-trust", "frugality"]);
    }

    #[test]
    fn malformed_yaml_is_reported_with_its_line() {
        let text = "---\nprompt: [unclosed\ntheme: x\n---\n";
        let file = front_matter(text, 0..text.len());
        let (range, message) = file.error.expect("an error");
        assert!(message.contains("not valid YAML"), "{message}");
        assert!(range.start >= 4 && range.end <= text.len());
    }

    #[test]
    fn recognizes_metadata_lines() {
        assert_eq!(
            meta_line("- **Prompt:** Tell me about a time you failed."),
            Some(("prompt".into(), "Tell me about a time you failed.".into()))
        );
        assert_eq!(
            meta_line("Theme: star"),
            Some(("theme".into(), "star".into()))
        );
        assert_eq!(meta_line("Situation: we had"), None);
    }
}

//! Competency sets: the qualities an interview loop asks stories to show (Amazon's leadership
//! principles, Google's behavioral areas, a general set), read from `themes/competencies/*.toml`
//! at build time.
//!
//! `build.rs` lists the folder, so adding a set is one data file. A story names what it shows
//! (`competencies: [ownership, dive-deep]`); `starling.toml` picks the set (`competencies =
//! "amazon"`) and how many stories each competency needs.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::theme::PhraseSet;

/// The set used when `starling.toml` names none.
pub const DEFAULT_SET: &str = "general";

/// How many ready stories each competency needs when `starling.toml` says nothing.
pub const DEFAULT_STORIES_PER_COMPETENCY: usize = 2;

/// One competency, as written in its set's file.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    /// What stories write, e.g. `dive-deep`.
    pub id: String,
    pub name: String,
    /// What the interviewer listens for.
    pub probes: String,
    /// Questions that open this competency.
    pub prompts: Vec<String>,
    /// What the interviewer asks next.
    pub follow_ups: Vec<String>,
    /// Patterns of which at least one matches a story that shows the competency.
    pub cues: Vec<String>,
    #[serde(skip)]
    compiled: OnceLock<PhraseSet>,
}

impl Competency {
    /// Whether `text` holds any of the competency's cues (an empty list matches everything, so
    /// that it never causes a hint; the tests compile every list).
    pub fn shown_in(&self, text: &str) -> bool {
        let cues = self.compiled.get_or_init(|| PhraseSet::new(&self.cues));
        cues.is_empty() || cues.is_match(text)
    }

    /// The explanation shown on hover: name, what is probed, prompts and follow-ups.
    pub fn markdown(&self) -> String {
        let list = |items: &[String]| {
            items
                .iter()
                .map(|item| format!("- {item}\n"))
                .collect::<String>()
        };
        format!(
            "**{}** (`{}`)\n\nWhat the interviewer probes: {}\n\nCommon prompts:\n{}\nLikely follow-ups:\n{}",
            self.name,
            self.id,
            self.probes,
            list(&self.prompts),
            list(&self.follow_ups)
        )
    }
}

/// A competency set: one file under `themes/competencies/`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompetencySet {
    pub name: String,
    pub description: String,
    pub competencies: Vec<Competency>,
}

impl CompetencySet {
    /// A competency by id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&Competency> {
        let id = id.trim();
        self.competencies
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// The ids closest to `id`, best first (at most three): a few edits apart, or one
    /// containing the other.
    pub fn nearest(&self, id: &str) -> Vec<&str> {
        let id = id.trim().to_ascii_lowercase();
        let mut close: Vec<(usize, &str)> = self
            .competencies
            .iter()
            .map(|c| c.id.as_str())
            .filter_map(|known| {
                let distance = crate::config::edit_distance(known, &id);
                let related = distance <= 2
                    || (id.len() >= 3 && (known.contains(&id) || id.contains(known)))
                    || known
                        .split('-')
                        .any(|word| word.len() >= 4 && id.contains(word));
                related.then_some((distance, known))
            })
            .collect();
        close.sort();
        close.into_iter().take(3).map(|(_, known)| known).collect()
    }
}

static SETS: LazyLock<Vec<CompetencySet>> = LazyLock::new(|| {
    let files: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/competency_sets.rs"));
    files
        .iter()
        .filter_map(
            |(file, source)| match toml::from_str::<CompetencySet>(source) {
                Ok(set) => Some(set),
                Err(err) => {
                    eprintln!("starling: themes/competencies/{file}.toml: {err}");
                    None
                }
            },
        )
        .collect()
});

/// Every built-in competency set, sorted by file name.
pub fn sets() -> &'static [CompetencySet] {
    &SETS
}

/// A set by name (case-insensitive).
pub fn find(name: &str) -> Option<&'static CompetencySet> {
    sets()
        .iter()
        .find(|set| set.name.eq_ignore_ascii_case(name.trim()))
}

/// The names of the sets, for messages.
pub fn names() -> Vec<&'static str> {
    sets().iter().map(|set| set.name.as_str()).collect()
}

/// The other sets that hold `id`, for a message about an id the chosen set lacks.
pub fn sets_with(id: &str) -> Vec<&'static str> {
    sets()
        .iter()
        .filter(|set| set.get(id).is_some())
        .map(|set| set.name.as_str())
        .collect()
}

/// Where a competency id is being written: the id under `offset` (possibly empty, where one
/// is about to be typed) in a `competencies:` list of the front matter or a `Competencies:`
/// line under a title. `None` anywhere else.
pub fn id_at(text: &str, offset: usize) -> Option<Range<usize>> {
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let in_list = match KEY.find(line) {
        Some(key) => offset >= line_start + key.end(),
        None => LIST_ITEM.is_match(line) && list_key_above(text, line_start),
    };
    if !in_list {
        return None;
    }
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let start = text[line_start..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(offset, |(i, _)| line_start + i);
    let end = text[offset..line_end]
        .char_indices()
        .find(|(_, c)| !is_id(*c))
        .map_or(line_end, |(i, _)| offset + i);
    Some(start..end)
}

/// The competencies to offer where an id is being written at `offset`, in the set's order.
pub fn completions(
    set: &'static CompetencySet,
    text: &str,
    offset: usize,
) -> Vec<&'static Competency> {
    if id_at(text, offset).is_none() {
        return Vec::new();
    }
    set.competencies.iter().collect()
}

/// The competency named under `offset`, and the range of its id, for hover.
pub fn hover(
    set: &'static CompetencySet,
    text: &str,
    offset: usize,
) -> Option<(Range<usize>, &'static Competency)> {
    let range = id_at(text, offset)?;
    let competency = set.get(text.get(range.clone())?)?;
    Some((range, competency))
}

/// A line that names competencies: `competencies: [...]` or `- **Competencies:** ...`.
static KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?competenc(?:y|ies)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?",
    )
    .expect("valid")
});

/// A YAML list item: `  - ownership`.
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[ \t]*-[ \t]").expect("valid"));

/// Whether the lines above `line_start`, all list items, hang under a `competencies:` key with
/// nothing after its colon.
fn list_key_above(text: &str, line_start: usize) -> bool {
    for line in text[..line_start].lines().rev() {
        if LIST_ITEM.is_match(line) {
            continue;
        }
        return KEY
            .find(line)
            .is_some_and(|key| line[key.end()..].trim().is_empty());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_where_competencies_are_listed() {
        let text = "---\ncompetencies: [ownership, di]\nprompt: x\n---\n# T\nCompetencies: \n";
        let at = |needle: &str, shift: usize| text.find(needle).unwrap() + shift;
        assert_eq!(
            id_at(text, at("ownership", 3)),
            Some(at("ownership", 0)..at("ownership", 9))
        );
        assert_eq!(id_at(text, at("di]", 2)), Some(at("di]", 0)..at("di]", 2)));
        assert_eq!(id_at(text, at("prompt", 2)), None);
        assert_eq!(
            id_at(text, at("competencies", 3)),
            None,
            "on the key itself"
        );
        let end = text.len() - 1;
        assert_eq!(id_at(text, end), Some(end..end), "after `Competencies: `");
        let list = "---\ncompetencies:\n  - dive-deep\n  - own\ntheme: star\n---\n";
        let own = list.find("own").unwrap();
        assert_eq!(id_at(list, own + 3), Some(own..own + 3));
        assert_eq!(id_at(list, list.find("star").unwrap()), None);
        let amazon = find("amazon").unwrap();
        assert_eq!(completions(amazon, list, own + 3).len(), 16);
        let (range, competency) = hover(amazon, list, list.find("deep").unwrap()).unwrap();
        assert_eq!(&list[range], "dive-deep");
        assert!(competency
            .markdown()
            .starts_with("**Dive Deep** (`dive-deep`)"));
        assert!(hover(amazon, list, own).is_none(), "`own` is no id");
    }

    #[test]
    fn the_three_sets_load() {
        assert_eq!(names(), ["amazon", "general", "google"]);
        assert_eq!(find("amazon").unwrap().competencies.len(), 16);
        assert!(find("Google")
            .unwrap()
            .get("navigating-ambiguity")
            .is_some());
    }

    #[test]
    fn nearest_ids_are_suggested() {
        let amazon = find("amazon").unwrap();
        assert_eq!(amazon.nearest("owner-ship"), ["ownership"]);
        assert_eq!(amazon.nearest("backbone"), ["have-backbone"]);
        assert_eq!(amazon.nearest("dive-deeper")[0], "dive-deep");
        assert!(amazon.nearest("zebra").is_empty());
    }

    #[test]
    fn cues_tell_a_story_that_shows_the_competency() {
        let amazon = find("amazon").unwrap();
        let dive = amazon.get("dive-deep").unwrap();
        assert!(dive.shown_in("I read the logs for two days and found the root cause."));
        assert!(!dive.shown_in("We had a party."));
    }
}

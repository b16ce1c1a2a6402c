//! Assembly: the stories of a scan, by region (a title and the section it opens), reusing
//! the stories and prose verdicts of the regions an edit did not reach.

use std::collections::HashMap;
use std::ops::Range;

use crate::document::{shift, shift_range, Shift};

use super::build::build_stories;
use super::scan::{Heading, Hit, MetaLine};
use super::{PartKind, Story};
use crate::text::Prose;
use crate::theme::PARTS;

/// Fewest words for unlabeled prose under a heading to count as a story.
const MIN_PROSE_STORY_WORDS: usize = 40;

/// What an assembly records so that the next one can reuse its work: the story regions, the
/// prose verdicts, and which old story each new story was moved from.
#[derive(Debug, Clone, Default)]
pub struct Assembly {
    /// Each region: its range, its title's start, and the indices of its stories.
    pub regions: Vec<(Range<usize>, Option<usize>, Range<usize>)>,
    /// Whether the prose of a range reads like a story, by range.
    pub prose: HashMap<(usize, usize), bool>,
    /// For each story, the old story it was moved from and how far it moved, if it was.
    pub reused: Vec<Option<(usize, isize)>>,
}

/// The old outline's work, offered to the next assembly after an edit.
pub struct Reuse {
    /// The edited window, in new offsets: nothing inside it is reused.
    pub window: Range<usize>,
    /// How far the edit moved the offsets after the window.
    pub delta: isize,
    /// The old assembly, in old offsets.
    pub old: Assembly,
    /// The old stories, taken as they are reused.
    pub stories: Vec<Option<Story>>,
}

impl Reuse {
    /// The old offsets of a new range outside the window, or `None` if it meets the window.
    fn old_range(&self, range: &Range<usize>) -> Option<Range<usize>> {
        if range.end <= self.window.start {
            Some(range.clone())
        } else if range.start >= self.window.end {
            Some(shift_range(range, -self.delta))
        } else {
            None
        }
    }

    fn prose(&mut self, range: &Range<usize>, compute: impl FnOnce() -> bool) -> bool {
        match self.old_range(range) {
            Some(old) => match self.old.prose.get(&(old.start, old.end)) {
                Some(&verdict) => verdict,
                None => compute(),
            },
            None => compute(),
        }
    }

    /// The old stories of a region, moved to new offsets, with their old indices.
    fn region(
        &mut self,
        range: &Range<usize>,
        title: Option<usize>,
    ) -> Option<Vec<(usize, isize, Story)>> {
        let old = self.old_range(range)?;
        let shifted = old.start != range.start;
        let old_title = title.map(|t| if shifted { shift(t, -self.delta) } else { t });
        let position = self
            .old
            .regions
            .binary_search_by_key(&old.start, |(r, _, _)| r.start)
            .ok()?;
        let (old_range, old_region_title, indices) = &self.old.regions[position];
        if *old_range != old || *old_region_title != old_title {
            return None;
        }
        if indices
            .clone()
            .any(|i| self.stories.get(i).is_none_or(Option::is_none))
        {
            return None;
        }
        let delta = if shifted { self.delta } else { 0 };
        Some(
            indices
                .clone()
                .map(|i| {
                    let story = self.stories[i].take().expect("checked above");
                    (i, delta, story.shifted(delta))
                })
                .collect(),
        )
    }
}

/// A story region before parts are split out.
pub(super) struct Region {
    pub(super) range: Range<usize>,
    pub(super) title: Option<usize>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn assemble(
    text: &str,
    headings: &[Heading],
    hits: &[Hit],
    meta_lines: &[MetaLine],
    opaque: &[Range<usize>],
    floor: usize,
    mut reuse: Option<&mut Reuse>,
    assembly: &mut Assembly,
) -> Vec<Story> {
    let titles: Vec<usize> = (0..headings.len())
        .filter(|&i| !headings[i].is_label)
        .collect();
    // Hits and metadata lines are in document order, so ranges of them are binary searches.
    let hits_in = |range: Range<usize>| {
        let from = hits.partition_point(|h| h.label.start < range.start);
        let to = hits.partition_point(|h| h.label.start < range.end);
        &hits[from..to.max(from)]
    };
    let has_hits = |range: Range<usize>| !hits_in(range).is_empty();
    // For each title, the next title at the same or a higher level (a monotonic stack).
    let mut next_peer = vec![None; titles.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (n, &i) in titles.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if headings[i].level <= headings[titles[top]].level {
                next_peer[top] = Some(n);
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(n);
    }

    // Decide which titles open a story.
    let mut opens = vec![false; titles.len()];
    let mut enclosing: Option<(u8, usize)> = None; // level and section end of a labeled story
    for (n, &i) in titles.iter().enumerate() {
        let heading = &headings[i];
        let next_title = titles.get(n + 1).map(|&j| headings[j].range.start);
        let direct_end = next_title.unwrap_or(text.len());
        let section_end = next_peer[n].map_or(text.len(), |m| headings[titles[m]].range.start);
        if let Some((level, end)) = enclosing {
            if heading.range.start >= end || heading.level <= level {
                enclosing = None;
            }
        }
        let first_direct = hits_in(heading.range.end..direct_end).first();
        // Inside a labeled story, a deeper heading is part of it unless a new set of parts
        // starts under it.
        let nested = enclosing.is_some();
        if let Some(hit) = first_direct {
            if nested && hit.kinds.first() != Some(&PartKind::Situation) {
                continue;
            }
            opens[n] = true;
            enclosing = Some((heading.level, section_end));
            continue;
        }
        let is_leaf = titles
            .get(n + 1)
            .is_none_or(|&j| headings[j].level <= heading.level);
        if enclosing.is_none() && is_leaf {
            let section = heading.range.end..section_end;
            let title = &text[heading.content.clone()];
            let compute = || {
                let prose = Prose::new(text, section.clone(), opaque);
                reads_like_a_story(&prose, true)
                    || (crate::prompts::reads_as_prompt(title)
                        && prose.word_count() >= MIN_PROMPTED_STORY_WORDS)
            };
            // The verdict reads the title too: its cache key covers the heading.
            let key = heading.range.start..section_end;
            let verdict = match reuse.as_deref_mut() {
                Some(reuse) => reuse.prose(&key, compute),
                None => compute(),
            };
            assembly.prose.insert((key.start, key.end), verdict);
            if verdict {
                opens[n] = true;
            }
        }
    }

    let mut regions = Vec::new();
    // Labels (or a prose story) before the first title.
    let first_title = titles
        .first()
        .map_or(text.len(), |&i| headings[i].range.start);
    if floor < first_title {
        let range = floor..first_title;
        let opens_untitled = has_hits(range.clone())
            || (titles.is_empty() && {
                let compute =
                    || reads_like_a_story(&Prose::new(text, range.clone(), opaque), false);
                let verdict = match reuse.as_deref_mut() {
                    Some(reuse) => reuse.prose(&range, compute),
                    None => compute(),
                };
                assembly.prose.insert((range.start, range.end), verdict);
                verdict
            });
        if opens_untitled {
            regions.push(Region { range, title: None });
        }
    }
    // The next title that opens a story, for each title.
    let mut next_open = vec![None; titles.len()];
    let mut upcoming = None;
    for n in (0..titles.len()).rev() {
        next_open[n] = upcoming;
        if opens[n] {
            upcoming = Some(n);
        }
    }
    for (n, &i) in titles.iter().enumerate() {
        if !opens[n] {
            continue;
        }
        let end = [next_open[n], next_peer[n]]
            .into_iter()
            .flatten()
            .min()
            .map_or(text.len(), |m| headings[titles[m]].range.start);
        regions.push(Region {
            range: headings[i].range.start..end,
            title: Some(i),
        });
    }

    let mut stories = Vec::new();
    for region in regions {
        let first = stories.len();
        let title_start = region.title.map(|i| headings[i].range.start);
        let range = region.range.clone();
        let moved = reuse
            .as_deref_mut()
            .and_then(|reuse| reuse.region(&range, title_start));
        match moved {
            Some(moved) => {
                for (old, delta, story) in moved {
                    stories.push(story);
                    assembly.reused.push(Some((old, delta)));
                }
            }
            None => {
                build_stories(
                    text,
                    region,
                    headings,
                    hits,
                    meta_lines,
                    opaque,
                    &mut stories,
                );
                assembly.reused.resize(stories.len(), None);
            }
        }
        assembly
            .regions
            .push((range, title_start, first..stories.len()));
    }
    stories
}

/// Whether prose tells a story: enough words, and a sentence that cues a part after the
/// Situation; under a title, a first-person account is one too.
fn reads_like_a_story(prose: &Prose, titled: bool) -> bool {
    if prose.word_count() < MIN_PROSE_STORY_WORDS {
        return false;
    }
    let later_kinds = [
        PartKind::Task,
        PartKind::Action,
        PartKind::Result,
        PartKind::Learning,
    ];
    // A first-person account is a story even when no sentence cues a part: its parts are
    // judged on substance.
    let first_person = || {
        let actors = crate::text::pronouns::actors(prose.text());
        actors.i + actors.we >= FIRST_PERSON_STORY
    };
    (titled && first_person())
        || prose.sentence_texts().any(|(_, sentence)| {
            later_kinds
                .iter()
                .any(|kind| PARTS.cues(*kind).is_match(sentence))
        })
}

/// How many words an answer under a prompt title needs to be read as a story.
const MIN_PROMPTED_STORY_WORDS: usize = 20;

/// How many times prose says "I" or "we" to read as someone's account.
const FIRST_PERSON_STORY: usize = 4;

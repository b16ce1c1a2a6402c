//! Finds the stories of a document and their parts.
//!
//! A story starts at a heading that is not itself a part label (its title) and runs to the
//! next title at the same or a higher level, or to the next story. A title whose section holds
//! part labels is a story; a title with no labels and no sub-headings is a story when its prose
//! reads like one (enough words and at least one cue of a Task, Action, Result or Learning).
//! Labels before the first title make an untitled story. In a story with no labels, the parts
//! are inferred sentence by sentence from cues, in STAR order.

use std::collections::HashMap;
use std::ops::Range;

use crate::document::{shift, shift_range, Shift, Syntax};

use super::blocks::{self, Block};
use super::labels::{self, LineContext};
use super::meta::{self, FileMeta, StoryMeta};
use super::{Label, LabelForm, Outline, Part, PartKind, Story, Title};
use crate::text::Prose;
use crate::theme::PARTS;

/// Fewest words for unlabeled prose under a heading to count as a story.
const MIN_PROSE_STORY_WORDS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    range: Range<usize>,
    content: Range<usize>,
    level: u8,
    is_label: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    kinds: Vec<PartKind>,
    label: Range<usize>,
    content: usize,
    text: String,
    form: LabelForm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaLine {
    range: Range<usize>,
    key: String,
    value: String,
}

crate::shift_fields!(Heading: range, content);
crate::shift_fields!(Hit: label, content);
crate::shift_fields!(MetaLine: range);

/// Finds the file metadata and every story of `text`, parsed as `syntax`.
pub fn outline(text: &str, syntax: &Syntax) -> Outline {
    let scan = Scan::new(text, syntax, 0..text.len());
    let (outline, _) = scan.assemble(text, None);
    outline
}

/// What the block scan finds: headings, labels, metadata lines and opaque blocks, each list in
/// document order. It is the expensive part of finding stories (the tree query and the label
/// patterns), and every item lies inside one top-level block, so it can be redone for a window
/// of blocks and spliced in.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    file: FileMeta,
    opaque: Vec<Range<usize>>,
    headings: Vec<Heading>,
    hits: Vec<Hit>,
    meta_lines: Vec<MetaLine>,
}

impl Scan {
    /// Scans the blocks of `syntax` that start inside `window`, keeping the items that start
    /// inside it.
    pub fn new(text: &str, syntax: &Syntax, window: Range<usize>) -> Self {
        let mut file = FileMeta::default();
        let mut opaque = Vec::new();
        let mut headings = Vec::new();
        let mut hits = Vec::new();
        let mut meta_lines = Vec::new();
        let mut list_items: HashMap<usize, (String, String)> = HashMap::new();

        for block in blocks::blocks_in(syntax, text, window.clone()) {
            match block {
                Block::FrontMatter { range } => {
                    if text[..range.start].trim().is_empty() && file.front_matter.is_none() {
                        file = meta::front_matter(text, range.clone());
                    }
                    opaque.push(range);
                }
                Block::Opaque { range } => opaque.push(range),
                Block::Heading {
                    range,
                    content,
                    level,
                    setext,
                } => {
                    let heading_text = &text[content.clone()];
                    let kinds = labels::heading_label(heading_text);
                    let label_range = blocks::trim_range(text, range.clone());
                    if let Some(kinds) = &kinds {
                        hits.push(Hit {
                            kinds: kinds.clone(),
                            label: label_range.clone(),
                            content: range.end,
                            text: heading_text.to_string(),
                            form: LabelForm::Heading { level, setext },
                        });
                    }
                    headings.push(Heading {
                        range: label_range,
                        content,
                        level,
                        is_label: kinds.is_some(),
                    });
                }
                Block::ListItem { range, marker, .. } => {
                    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let indent: String = text[line_start..marker.start]
                        .chars()
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let mut content = marker.end;
                    while matches!(text.as_bytes().get(content), Some(b' ' | b'\t')) {
                        content += 1;
                    }
                    list_items.insert(content, (indent, text[marker].trim().to_string()));
                }
                Block::Paragraph { range } => {
                    scan_paragraph(text, range, &list_items, &mut hits, &mut meta_lines);
                }
            }
        }

        hits.sort_by_key(|h| h.label.start);
        meta_lines.sort_by_key(|m| m.range.start);
        opaque.sort_by_key(|r| r.start);
        let inside = |at: usize| window.start <= at && (at < window.end || at == text.len());
        hits.retain(|h| inside(h.label.start));
        meta_lines.retain(|m| inside(m.range.start));
        opaque.retain(|r| inside(r.start));
        headings.retain(|h| inside(h.range.start));
        Scan {
            file,
            opaque,
            headings,
            hits,
            meta_lines,
        }
    }

    pub fn file(&self) -> &FileMeta {
        &self.file
    }

    /// Replaces the items that started inside `old_window` (old offsets) with those of
    /// `fresh`, a scan of the same window after an edit that moved later offsets by `delta`.
    /// The file metadata is taken from `fresh` when the window starts the file.
    pub fn splice(&mut self, old_window: Range<usize>, fresh: Scan, delta: isize) {
        let (from, to) = (old_window.start, old_window.end);
        splice_by(&mut self.opaque, fresh.opaque, |r| r.start, from, to, delta);
        splice_by(
            &mut self.headings,
            fresh.headings,
            |h| h.range.start,
            from,
            to,
            delta,
        );
        splice_by(
            &mut self.hits,
            fresh.hits,
            |h| h.label.start,
            from,
            to,
            delta,
        );
        splice_by(
            &mut self.meta_lines,
            fresh.meta_lines,
            |m| m.range.start,
            from,
            to,
            delta,
        );
        if from == 0 {
            self.file = fresh.file;
        }
    }

    /// Builds the outline from the scan. With `reuse`, the stories of regions that lie outside
    /// the edited window and existed before are moved from the old outline instead of built
    /// again, and prose verdicts outside the window are read from the old cache.
    pub fn assemble(&self, text: &str, reuse: Option<&mut Reuse>) -> (Outline, Assembly) {
        let body_floor = self.file.front_matter.as_ref().map_or(0, |r| r.end);
        let mut assembly = Assembly::default();
        let stories = assemble(
            text,
            &self.headings,
            &self.hits,
            &self.meta_lines,
            &self.opaque,
            body_floor,
            reuse,
            &mut assembly,
        );
        let outline = Outline {
            file: self.file.clone(),
            stories,
            opaque: self.opaque.clone(),
        };
        (outline, assembly)
    }
}

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

/// Moves every offset of `story` by `delta` (kept for callers of the old name: see
/// [`Shift`]).
pub fn shift_story(story: &mut Story, delta: isize) {
    story.shift(delta);
}

/// Replaces the items of `items` whose key lies in `from..to` with `fresh`, and moves the
/// items after them by `delta`.
fn splice_by<T: Shift>(
    items: &mut Vec<T>,
    fresh: Vec<T>,
    key: impl Fn(&T) -> usize,
    from: usize,
    to: usize,
    delta: isize,
) {
    let first = items.partition_point(|item| key(item) < from);
    let last = items.partition_point(|item| key(item) < to).max(first);
    items[last..].iter_mut().for_each(|item| item.shift(delta));
    items.splice(first..last, fresh);
}

/// Records the labels and metadata lines that start the lines of a paragraph.
fn scan_paragraph(
    text: &str,
    range: Range<usize>,
    list_items: &HashMap<usize, (String, String)>,
    hits: &mut Vec<Hit>,
    meta_lines: &mut Vec<MetaLine>,
) {
    let item = list_items.get(&range.start);
    let mut line_start = range.start;
    let mut first = true;
    while line_start < range.end {
        let line_end = text[line_start..range.end]
            .find('\n')
            .map_or(range.end, |i| line_start + i);
        let raw = &text[line_start..line_end];
        let stripped = raw.trim_start_matches([' ', '\t', '>']);
        let offset = line_start + (raw.len() - stripped.len());
        let line = stripped.trim_end_matches('\r');
        let context = match (first, item) {
            (true, Some((indent, marker))) => LineContext::ListItem {
                indent: indent.clone(),
                marker: marker.clone(),
            },
            _ => LineContext::Paragraph,
        };
        if let Some((key, value)) = meta::meta_line(line) {
            meta_lines.push(MetaLine {
                range: offset..offset + line.len(),
                key,
                value,
            });
        } else if let Some(found) = labels::line_label(line, &context) {
            // A list item's label covers its marker too.
            let label_start = match (&context, item) {
                (LineContext::ListItem { .. }, Some(_)) => {
                    text[..offset].rfind('\n').map_or(0, |i| i + 1)
                }
                _ => offset,
            };
            hits.push(Hit {
                kinds: found.kinds,
                label: label_start..offset + found.len,
                content: (offset + found.content).min(line_end),
                text: found.text,
                form: found.form,
            });
        }
        first = false;
        line_start = line_end + 1;
    }
}

/// A story region before parts are split out.
struct Region {
    range: Range<usize>,
    title: Option<usize>,
}

#[allow(clippy::too_many_arguments)]
fn assemble(
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

#[allow(clippy::too_many_arguments)]
fn build_stories(
    text: &str,
    region: Region,
    headings: &[Heading],
    hits: &[Hit],
    meta_lines: &[MetaLine],
    opaque: &[Range<usize>],
    out: &mut Vec<Story>,
) {
    let title = region.title.map(|i| {
        let h = &headings[i];
        Title {
            range: h.range.clone(),
            content: h.content.clone(),
            text: text[h.content.clone()].trim().to_string(),
            level: h.level,
        }
    });
    let head_end = title.as_ref().map_or(region.range.start, |t| t.range.end);
    let from = hits.partition_point(|h| h.label.start < head_end);
    let to = hits.partition_point(|h| h.label.start < region.range.end);
    let region_hits: Vec<&Hit> = hits[from..to.max(from)].iter().collect();
    let first_hit = region_hits
        .first()
        .map_or(region.range.end, |h| h.label.start);

    // Metadata lines between the title and the first part.
    let mut meta = StoryMeta::default();
    let mut body_start = head_end;
    let from = meta_lines.partition_point(|m| m.range.start < head_end);
    let to = meta_lines.partition_point(|m| m.range.start < first_hit);
    for line in &meta_lines[from..to.max(from)] {
        if !text[body_start..line.range.start].trim().is_empty() && meta.range.is_some() {
            break;
        }
        meta.add(&line.key, &line.value);
        let start = meta.range.as_ref().map_or(line.range.start, |r| r.start);
        meta.range = Some(start..line.range.end);
        body_start = line.range.end;
    }

    if region_hits.is_empty() {
        let parts = infer_parts(text, body_start..region.range.end, opaque);
        out.push(Story {
            range: region.range,
            title,
            meta,
            parts,
            inferred: true,
            body_start,
            preamble: None,
        });
        return;
    }

    // Split the labels into stories: a second Situation label after an Action, Result or
    // Learning starts a new, untitled story.
    let mut groups: Vec<Vec<&Hit>> = vec![Vec::new()];
    for hit in region_hits {
        let current = groups.last_mut().expect("groups is never empty");
        let past_middle = current.iter().any(|h| {
            h.kinds
                .iter()
                .any(|k| matches!(k, PartKind::Action | PartKind::Result | PartKind::Learning))
        });
        let has_situation = current
            .iter()
            .any(|h| h.kinds.contains(&PartKind::Situation));
        if hit.kinds.first() == Some(&PartKind::Situation) && past_middle && has_situation {
            groups.push(vec![hit]);
        } else {
            current.push(hit);
        }
    }

    let group_count = groups.len();
    let mut title = title;
    let mut meta = Some(meta);
    for (g, group) in groups.into_iter().enumerate() {
        let story_start = if g == 0 {
            region.range.start
        } else {
            group[0].label.start
        };
        let story_end = if g + 1 < group_count {
            // Ends where the next group's first label starts; computed below from parts.
            usize::MAX
        } else {
            region.range.end
        };
        out.push(Story {
            range: story_start..story_end,
            title: if g == 0 { title.take() } else { None },
            meta: if g == 0 {
                meta.take().unwrap_or_default()
            } else {
                StoryMeta::default()
            },
            parts: group
                .iter()
                .map(|hit| Part {
                    kind: hit.kinds[0],
                    also: hit.kinds[1..].to_vec(),
                    label: Some(Label {
                        range: hit.label.clone(),
                        text: hit.text.clone(),
                        form: hit.form.clone(),
                    }),
                    range: hit.label.start..hit.label.end,
                    body: hit.content..hit.content,
                })
                .collect(),
            inferred: false,
            body_start: if g == 0 {
                body_start
            } else {
                group[0].label.start
            },
            preamble: None,
        });
    }
    // Fix up the ends: each story ends where the next one (of this region) starts; each part
    // ends where the next part starts.
    let first_new = out.len() - group_count;
    for s in first_new..out.len() {
        if out[s].range.end == usize::MAX {
            out[s].range.end = out[s + 1].range.start;
        }
        let story_end = out[s].range.end;
        let n_parts = out[s].parts.len();
        for p in 0..n_parts {
            let end = if p + 1 < n_parts {
                out[s].parts[p + 1].range.start
            } else {
                story_end
            };
            let part = &mut out[s].parts[p];
            part.body = part.body.start.min(end)..end;
            part.range.end = end;
        }
        let story = &mut out[s];
        if let Some(first) = story.parts.first() {
            let preamble = story.body_start..first.range.start;
            if preamble.start < preamble.end && !text[preamble.clone()].trim().is_empty() {
                story.preamble = Some(preamble);
            }
        }
    }
}

/// Infers parts from unlabeled prose, in STAR order. A story told in three or more paragraphs
/// is read paragraph by paragraph (a paragraph takes the first part its sentences cue, else a
/// part judged from what it tells, and a later sentence cueing the very next part starts that
/// part); shorter prose
/// is read sentence by sentence (each sentence takes the part of its cue, or the part before
/// it). Parts only move forward.
fn infer_parts(text: &str, range: Range<usize>, opaque: &[Range<usize>]) -> Vec<Part> {
    let prose = Prose::new(text, range, opaque);
    let sentences: Vec<(Range<usize>, &str)> = prose.sentence_texts().collect();
    let paragraph_of: Vec<usize> = sentences
        .iter()
        .map(|(r, _)| prose.text()[..r.start].matches('\n').count())
        .collect();
    let n_paragraphs = {
        let mut ids = paragraph_of.clone();
        ids.dedup();
        ids.len()
    };
    let cue_of = |sentence: &str, current: PartKind| {
        [
            PartKind::Learning,
            PartKind::Result,
            PartKind::Task,
            PartKind::Action,
            PartKind::Situation,
        ]
        .into_iter()
        .find(|kind| *kind >= current && PARTS.cues(*kind).is_match(sentence))
    };
    let mut kinds = Vec::with_capacity(sentences.len());
    let mut current = PartKind::Situation;
    if n_paragraphs >= 3 {
        let mut start = 0;
        while start < sentences.len() {
            let end = (start..sentences.len())
                .find(|&i| paragraph_of[i] != paragraph_of[start])
                .unwrap_or(sentences.len());
            let paragraph = &sentences[start..end];
            let kind = paragraph
                .iter()
                .find_map(|(_, s)| cue_of(s, current))
                .unwrap_or_else(|| {
                    if start == 0 {
                        current
                    } else {
                        uncued_paragraph(paragraph.iter().map(|(_, s)| *s), current)
                    }
                });
            // Inside the paragraph, a sentence that cues the very next part starts it ("...
            // It was my job to ...").
            current = kind;
            for (i, (_, sentence)) in paragraph.iter().enumerate() {
                if i > 0 {
                    if let Some(next) =
                        cue_of(sentence, current).filter(|k| *k as usize == current as usize + 1)
                    {
                        current = next;
                    }
                }
                kinds.push(current);
            }
            start = end;
        }
    } else {
        for (i, (_, sentence)) in sentences.iter().enumerate() {
            if let Some(kind) = cue_of(sentence, current) {
                current = kind;
            } else if i > 0
                && current < PartKind::Action
                && crate::text::acts::tells_an_act(sentence)
            {
                // After the opening, the teller's first act starts the Action.
                current = PartKind::Action;
            }
            kinds.push(current);
        }
    }
    let mut parts: Vec<Part> = Vec::new();
    for ((sentence_range, _), kind) in sentences.iter().zip(kinds) {
        let doc = prose.to_doc_range(sentence_range.clone());
        match parts.last_mut() {
            Some(last) if last.kind == kind => {
                last.range.end = doc.end;
                last.body.end = doc.end;
            }
            _ => parts.push(Part {
                kind,
                also: Vec::new(),
                label: None,
                range: doc.clone(),
                body: doc,
            }),
        }
    }
    parts
}

/// The part of a paragraph with no cue: someone acting before the Action is the Action; a
/// paragraph of figures with no "I" after the Action is the Result; else the part goes on.
fn uncued_paragraph<'a>(sentences: impl Iterator<Item = &'a str>, current: PartKind) -> PartKind {
    let text: Vec<&str> = sentences.collect();
    let joined = text.join(" ");
    let actors = crate::text::pronouns::actors(&joined);
    if current < PartKind::Action && actors.i + actors.we > 0 {
        PartKind::Action
    } else if current == PartKind::Action
        && actors.i == 0
        && crate::text::figures::has_figure(&joined)
    {
        PartKind::Result
    } else {
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;
    use PartKind::*;

    fn stories(text: &str) -> Vec<Story> {
        outline(text, &parse(text)).stories
    }

    fn kinds(story: &Story) -> Vec<PartKind> {
        story.parts.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn heading_parts_under_a_title() {
        let text = "# Missed launch\n\n## Situation\nWe had a week.\n\n## Task\nI owned it.\n\n## Action\nI cut tests.\n\n## Result\nWe slipped.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name(), "Missed launch");
        assert_eq!(kinds(&found[0]), [Situation, Task, Action, Result]);
        let action = found[0].part(Action).unwrap();
        assert_eq!(text[action.body.clone()].trim(), "I cut tests.");
    }

    #[test]
    fn many_stories_in_one_file_with_a_container_heading() {
        let text = "# My stories\nIntro text.\n\n## One\n**Situation:** a\n**Action:** b\n\n## Two\nSituation: c\nResult: d\n";
        let found = stories(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name(), "One");
        assert_eq!(kinds(&found[0]), [Situation, Action]);
        assert_eq!(found[1].name(), "Two");
        assert_eq!(kinds(&found[1]), [Situation, Result]);
        assert_eq!(
            text[found[0].part(Action).unwrap().body.clone()].trim(),
            "b"
        );
    }

    #[test]
    fn list_item_labels_with_sibling_and_nested_content() {
        let text = "# Story\n- Situation\n- We were late.\n- Task\n  - I owned the plan.\n- **A (Action):** I cut scope.\n";
        let found = stories(text);
        assert_eq!(kinds(&found[0]), [Situation, Task, Action]);
        let task = found[0].part(Task).unwrap();
        assert!(text[task.body.clone()].contains("I owned the plan."));
        assert_eq!(&text[task.label.as_ref().unwrap().range.clone()], "- Task");
    }

    #[test]
    fn metadata_lines_under_the_title() {
        let text = "## Outage\nPrompt: Tell me about a time you failed.\nTheme: star\n\n### Situation\nText\n";
        let found = stories(text);
        assert_eq!(found[0].meta.prompts, ["Tell me about a time you failed."]);
        assert_eq!(found[0].meta.theme.as_deref(), Some("star"));
        assert_eq!(kinds(&found[0]), [Situation]);
    }

    #[test]
    fn plain_prose_is_inferred_in_star_order() {
        let text = "# The outage\n\nTwo years ago I was a backend engineer on a payments team of six people in a busy quarter. \
My job was to own the database upgrade. I decided to skip the dry run because the window was short. \
As a result, checkout was down for forty minutes and we refunded 120 orders. \
I learned to treat rehearsals as part of the change, and since then every upgrade I run has a dry run.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert!(found[0].inferred);
        assert_eq!(
            kinds(&found[0]),
            [Situation, Task, Action, Result, Learning]
        );
        assert!(found[0].parts.iter().all(Part::is_inferred));
    }

    #[test]
    fn paragraphs_are_read_whole() {
        let text = "# Hiring\n\nTwo years ago I ran a support team of nine at a software company that grew fast. \
It was my job to fill the senior seat.\n\n\
That year we hired in a hurry. We skipped the reference checks and we made an offer in a day.\n\n\
The hire left after 60 days, and the seat stayed empty for four months.\n\n\
I learned to hold the debrief before anyone speaks, and since then every hire has had one.\n";
        let found = stories(text);
        assert_eq!(
            kinds(&found[0]),
            [Situation, Task, Action, Result, Learning]
        );
    }

    #[test]
    fn a_short_note_under_a_heading_is_not_a_story() {
        assert!(stories("# Notes\n\nRemember to breathe.\n").is_empty());
    }

    #[test]
    fn headings_only_story_has_empty_parts() {
        let text = "# Title\n## Situation\n## Task\n## Action\n## Result\n";
        let found = stories(text);
        assert_eq!(kinds(&found[0]), [Situation, Task, Action, Result]);
        assert!(found[0]
            .parts
            .iter()
            .all(|p| text[p.body.clone()].trim().is_empty()));
    }

    #[test]
    fn a_second_situation_label_starts_a_new_story() {
        let text = "Situation: a\nAction: b\nResult: c\n\nSituation: d\nAction: e\n";
        let found = stories(text);
        assert_eq!(found.len(), 2);
        assert_eq!(kinds(&found[1]), [Situation, Action]);
    }

    #[test]
    fn sub_headings_inside_a_labeled_story_stay_in_it() {
        let text = "## Story\n### Situation\nText.\n#### Details\nMore text here about the details of what happened.\n### Action\nI did.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert_eq!(kinds(&found[0]), [Situation, Action]);
    }
}

//! The block scan: the headings, part labels, metadata lines and opaque blocks of a window of
//! top-level blocks, redone for the blocks an edit reached and spliced into the old scan.

use std::collections::HashMap;
use std::ops::Range;

use crate::document::{Shift, Syntax};

use super::assemble::{assemble, Assembly, Reuse};
use super::blocks::{self, Block};
use super::labels::{self, LineContext};
use super::meta::{self, FileMeta};
use super::{LabelForm, Outline, PartKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Heading {
    pub(super) range: Range<usize>,
    pub(super) content: Range<usize>,
    pub(super) level: u8,
    pub(super) is_label: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) kinds: Vec<PartKind>,
    pub(super) label: Range<usize>,
    pub(super) content: usize,
    pub(super) text: String,
    pub(super) form: LabelForm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MetaLine {
    pub(super) range: Range<usize>,
    pub(super) key: String,
    pub(super) value: String,
}

crate::shift_fields!(Heading: range, content);
crate::shift_fields!(Hit: label, content);
crate::shift_fields!(MetaLine: range);

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

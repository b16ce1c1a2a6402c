//! Building the stories of one region: its title, its metadata lines, and its parts, from the
//! labels found in it or, with none, inferred from the prose.

use std::ops::Range;

use super::assemble::Region;
use super::infer::infer_parts;
use super::meta::StoryMeta;
use super::scan::{Heading, Hit, MetaLine};
use super::{Label, Part, PartKind, Story, Title};

#[allow(clippy::too_many_arguments)]
pub(super) fn build_stories(
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

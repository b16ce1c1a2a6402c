//! The Markdown blocks of a document, read from the tree with the query in `queries/blocks.scm`.

use std::ops::Range;
use std::sync::LazyLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Query, QueryCursor, Tree};

use crate::document::{Shift, Syntax};

static BLOCKS_QUERY: LazyLock<Query> = LazyLock::new(|| {
    Query::new(
        &tree_sitter_md::LANGUAGE.into(),
        include_str!("../../queries/blocks.scm"),
    )
    .expect("queries/blocks.scm is valid for tree-sitter-md")
});

/// One block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// An ATX or setext heading. `content` is the heading text, trimmed.
    Heading {
        range: Range<usize>,
        content: Range<usize>,
        level: u8,
        setext: bool,
    },
    /// A paragraph (also the paragraphs inside list items, but not setext heading text).
    Paragraph {
        range: Range<usize>,
    },
    /// A list item; `marker` is its bullet or number with the space after it.
    ListItem {
        range: Range<usize>,
        marker: Range<usize>,
        depth: usize,
    },
    FrontMatter {
        range: Range<usize>,
    },
    /// Code or raw HTML: never prose.
    Opaque {
        range: Range<usize>,
    },
}

impl Shift for Block {
    fn shift(&mut self, delta: isize) {
        match self {
            Block::Heading { range, content, .. } => {
                range.shift(delta);
                content.shift(delta);
            }
            Block::ListItem { range, marker, .. } => {
                range.shift(delta);
                marker.shift(delta);
            }
            Block::Paragraph { range } | Block::FrontMatter { range } | Block::Opaque { range } => {
                range.shift(delta)
            }
        }
    }
}

impl Block {
    pub fn range(&self) -> Range<usize> {
        match self {
            Block::Heading { range, .. }
            | Block::Paragraph { range }
            | Block::ListItem { range, .. }
            | Block::FrontMatter { range }
            | Block::Opaque { range } => range.clone(),
        }
    }
}

/// Every block of `syntax` in document order.
pub fn blocks(syntax: &Syntax, text: &str) -> Vec<Block> {
    blocks_in(syntax, text, 0..text.len())
}

/// The blocks of `syntax` that start inside `window` (or at its end, when that is the end of
/// the text), in document order.
pub fn blocks_in(syntax: &Syntax, text: &str, window: Range<usize>) -> Vec<Block> {
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    for chunk in syntax.chunks_in(window.clone()) {
        let Some(chunk_text) = text.get(chunk.start..chunk.parsed_end) else {
            continue;
        };
        let own = window.start.max(chunk.start)..window.end.min(chunk.end);
        let at_end = chunk.end == text.len() && window.end == text.len();
        if own.start > own.end || (own.start == own.end && !at_end) {
            continue;
        }
        let relative = own.start - chunk.start..own.end - chunk.start;
        let found = tree_blocks(chunk.tree, chunk_text, relative, &mut cursor);
        out.extend(
            found
                .into_iter()
                .map(|block| block.shifted(chunk.start as isize)),
        );
    }
    out
}

/// Every block of one tree parsed from all of `text`, in document order.
pub fn whole_tree_blocks(tree: &Tree, text: &str) -> Vec<Block> {
    tree_blocks(tree, text, 0..text.len(), &mut QueryCursor::new())
}

/// The blocks of `tree`, parsed from `text`, that start inside `window` (or at its end, when
/// that is the end of `text`), in order.
fn tree_blocks(
    tree: &Tree,
    text: &str,
    window: Range<usize>,
    cursor: &mut QueryCursor,
) -> Vec<Block> {
    let query = &*BLOCKS_QUERY;
    let names = query.capture_names();
    cursor.set_byte_range(window.clone());
    let inside = |at: usize| window.start <= at && (at < window.end || at == text.len());
    let mut out = Vec::new();
    let mut setext_paragraphs = std::collections::HashSet::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        let mut outer = None;
        let mut content = None;
        for capture in found.captures {
            let name = names[capture.index as usize];
            if name == "heading.content" {
                content = Some(capture.node);
            } else {
                outer = Some((name, capture.node));
            }
        }
        let Some((name, node)) = outer else { continue };
        let range = node.byte_range();
        if !inside(range.start) {
            continue;
        }
        let block = match name {
            "heading.atx" | "heading.setext" => {
                let setext = name == "heading.setext";
                let level = heading_level(node);
                let content = content.map_or(range.end..range.end, |c| c.byte_range());
                if setext {
                    setext_paragraphs.insert(content.start);
                }
                Block::Heading {
                    range,
                    content: trim_range(text, content),
                    level,
                    setext,
                }
            }
            "paragraph" => Block::Paragraph { range },
            "list_item" => {
                let marker = node
                    .child(0)
                    .filter(|child| child.kind().starts_with("list_marker"))
                    .map_or(range.start..range.start, |child| child.byte_range());
                let mut depth = 0;
                let mut parent = node.parent();
                while let Some(p) = parent {
                    if p.kind() == "list_item" {
                        depth += 1;
                    }
                    parent = p.parent();
                }
                Block::ListItem {
                    range,
                    marker,
                    depth,
                }
            }
            "front_matter" => Block::FrontMatter { range },
            _ => Block::Opaque { range },
        };
        out.push(block);
    }
    out.retain(|block| match block {
        Block::Paragraph { range } => !setext_paragraphs.contains(&range.start),
        _ => true,
    });
    out.sort_by_key(|block| (block.range().start, std::cmp::Reverse(block.range().end)));
    out
}

fn heading_level(node: tree_sitter::Node<'_>) -> u8 {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let kind = child.kind();
        if let Some(level) = kind
            .strip_prefix("atx_h")
            .and_then(|rest| rest.strip_suffix("_marker"))
        {
            return level.parse().unwrap_or(1);
        }
        match kind {
            "setext_h1_underline" => return 1,
            "setext_h2_underline" => return 2,
            _ => {}
        }
    }
    1
}

/// `range` without the white space at either end.
pub fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(slice) = text.get(range.clone()) else {
        return range;
    };
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_headings_paragraphs_and_list_items() {
        let text = "---\ntheme: star\n---\n# Title\n\nSetext\n---\n\n- Situation\n  - nested\n\nA paragraph.\n";
        let tree = crate::document::parse(text);
        let found = blocks(&tree, text);
        let kinds: Vec<&str> = found
            .iter()
            .map(|b| match b {
                Block::Heading { setext: true, .. } => "setext",
                Block::Heading { .. } => "atx",
                Block::Paragraph { .. } => "p",
                Block::ListItem { .. } => "li",
                Block::FrontMatter { .. } => "fm",
                Block::Opaque { .. } => "opaque",
            })
            .collect();
        assert_eq!(kinds, ["fm", "atx", "setext", "li", "p", "li", "p", "p"]);
        let Block::Heading { content, level, .. } = &found[2] else {
            panic!("expected a heading")
        };
        assert_eq!(&text[content.clone()], "Setext");
        assert_eq!(*level, 2);
    }
}

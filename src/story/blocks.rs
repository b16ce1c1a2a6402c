//! The Markdown blocks of a document: the nodes of its tree that `queries/blocks.scm` names.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::document::{Shift, Syntax};

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
        let found = tree_blocks(chunk.tree, chunk_text, relative);
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
    tree_blocks(tree, text, 0..text.len())
}

/// The blocks of `tree`, parsed from `text`, that start inside `window` (or at its end, when
/// that is the end of `text`), in order: the nodes `queries/blocks.scm` names, found by one
/// walk of the tree that skips the subtrees outside `window`. Compiling the query took a
/// tenth of a one-story `starling check`; a test holds the walk to the query.
fn tree_blocks(tree: &Tree, text: &str, window: Range<usize>) -> Vec<Block> {
    let inside = |at: usize| window.start <= at && (at < window.end || at == text.len());
    let mut out = Vec::new();
    let mut setext_paragraphs = std::collections::HashSet::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let range = node.byte_range();
        if range.end >= window.start && range.start <= window.end {
            if inside(range.start) {
                if let Some(block) = block_of(node, text, &mut setext_paragraphs) {
                    out.push(block);
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out.retain(|block| match block {
        Block::Paragraph { range } => !setext_paragraphs.contains(&range.start),
        _ => true,
    });
    out.sort_by_key(|block| (block.range().start, std::cmp::Reverse(block.range().end)));
    out
}

/// The block `node` is, if it is one; the start of a setext heading's text goes into
/// `setext_paragraphs` (that paragraph is the heading's, not a block of its own).
fn block_of(
    node: Node<'_>,
    text: &str,
    setext_paragraphs: &mut std::collections::HashSet<usize>,
) -> Option<Block> {
    if !node.is_named() {
        return None;
    }
    let range = node.byte_range();
    let block = match node.kind() {
        kind @ ("atx_heading" | "setext_heading") => {
            let setext = kind == "setext_heading";
            // A heading with no text is no block; a setext heading's text is a paragraph.
            let content = node
                .child_by_field_name("heading_content")
                .filter(|c| c.is_named() && (!setext || c.kind() == "paragraph"))?
                .byte_range();
            if setext {
                setext_paragraphs.insert(content.start);
            }
            Block::Heading {
                range,
                content: trim_range(text, content),
                level: heading_level(node),
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
        "minus_metadata" => Block::FrontMatter { range },
        "fenced_code_block" | "indented_code_block" | "html_block" => Block::Opaque { range },
        _ => return None,
    };
    Some(block)
}

fn heading_level(node: Node<'_>) -> u8 {
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
    use streaming_iterator::StreamingIterator;
    use tree_sitter::{Query, QueryCursor};

    /// The blocks of `tree` inside `window` as the query reads them: what the walk must find.
    fn query_blocks(tree: &Tree, text: &str, window: Range<usize>) -> Vec<Block> {
        let query = Query::new(
            &tree_sitter_md::LANGUAGE.into(),
            include_str!("../../queries/blocks.scm"),
        )
        .expect("queries/blocks.scm is valid for tree-sitter-md");
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        cursor.set_byte_range(window.clone());
        let inside = |at: usize| window.start <= at && (at < window.end || at == text.len());
        let mut out = Vec::new();
        let mut setext = std::collections::HashSet::new();
        let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
        while let Some(found) = matches.next() {
            let outer = found
                .captures
                .iter()
                .find(|c| names[c.index as usize] != "heading.content")
                .expect("every pattern captures its block");
            if !inside(outer.node.start_byte()) {
                continue;
            }
            let block = block_of(outer.node, text, &mut setext).expect("a block");
            out.push(block);
        }
        out.retain(|block| match block {
            Block::Paragraph { range } => !setext.contains(&range.start),
            _ => true,
        });
        out.sort_by_key(|block| (block.range().start, std::cmp::Reverse(block.range().end)));
        out
    }

    #[test]
    fn the_walk_finds_the_blocks_the_query_names() {
        let texts = crate::test_texts::with_corpus(&[
            "#\n\n##   \n\nText\n===\n\n   \n---\n- a\n  1. b\n\n     code\n",
            "<div>\nraw\n</div>\n\n```\nfenced\n```\n> quoted **S:** x\n> - item\n",
            "---\nunclosed: front matter\n# Heading\n\t- tab\n",
            "",
        ]);
        for text in &texts {
            let tree = crate::document::parse_whole(text);
            let n = text.len();
            let mut windows = vec![0..n, n..n, 0..0];
            let cut = |at: usize| (at..=n).find(|&i| text.is_char_boundary(i)).unwrap_or(n);
            windows.push(cut(n / 3)..cut(2 * n / 3));
            windows.push(cut(n / 2)..n);
            for window in windows {
                assert_eq!(
                    tree_blocks(&tree, text, window.clone()),
                    query_blocks(&tree, text, window.clone()),
                    "{window:?} of {text:?}"
                );
            }
        }
    }

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

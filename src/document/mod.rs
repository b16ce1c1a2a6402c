//! A story file in memory: its text as a rope and its Markdown syntax tree, kept in step by
//! incremental edits.
//!
//! An edit arrives as a range in one of the LSP position encodings plus new text. It becomes a
//! rope edit and a tree-sitter [`InputEdit`], and the tree is reparsed incrementally, reading
//! the rope chunk by chunk: no edit copies the whole text.

pub mod position;

use std::cell::RefCell;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

pub use position::{byte_to_position, position_to_byte, Position, PositionEncoding, Span};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(markdown_parser());
}

/// A parser for tree-sitter-md's block grammar.
fn markdown_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("the bundled tree-sitter-md grammar matches the tree-sitter version");
    parser
}

/// Parses `text` from scratch.
pub fn parse(text: &str) -> Tree {
    parse_with(|byte| text.as_bytes().get(byte..).unwrap_or_default(), None)
}

fn parse_with<'a>(mut read: impl FnMut(usize) -> &'a [u8], old: Option<&Tree>) -> Tree {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser
            .parse_with_options(&mut |byte, _| read(byte), old, None)
            .or_else(|| {
                // Parsing only fails without a language or after a cancellation; recover with
                // a fresh parser so that a document always has a tree.
                *parser = markdown_parser();
                parser.parse_with_options(&mut |byte, _| read(byte), None, None)
            })
            .expect("tree-sitter parses any text once a language is set")
    })
}

/// A text edit in document byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub text: String,
}

impl TextEdit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Self {
            range: at..at,
            text: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        Self {
            range,
            text: text.into(),
        }
    }
}

/// Applies non-overlapping `edits` to `text` (in any order) and returns the new text.
/// Edits whose range is out of bounds or off a character boundary are skipped.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        let Range { start, end } = edit.range;
        if start < cursor
            || end < start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.text);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// A Markdown document: text and syntax tree.
pub struct Document {
    rope: Rope,
    tree: Tree,
    /// Whether the text holds a `\r` not followed by `\n`. Tree-sitter counts rows by `\n` only,
    /// so such a text needs a slower way to compute tree-sitter points.
    lone_cr: bool,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("len_bytes", &self.rope.len_bytes())
            .finish()
    }
}

impl Clone for Document {
    fn clone(&self) -> Self {
        Self {
            rope: self.rope.clone(),
            tree: self.tree.clone(),
            lone_cr: self.lone_cr,
        }
    }
}

impl Document {
    pub fn new(text: &str) -> Self {
        Self {
            rope: Rope::from_str(text),
            tree: parse(text),
            lone_cr: has_lone_cr(text),
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// The whole text as one string.
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Replaces `span` (or the whole text when `None`) with `new_text`, positions counted in
    /// `encoding`, and reparses incrementally. Returns the byte range replaced and the byte
    /// length of the new text.
    pub fn edit(
        &mut self,
        span: Option<Span>,
        new_text: &str,
        encoding: PositionEncoding,
    ) -> Range<usize> {
        let Some(span) = span else {
            let old_len = self.rope.len_bytes();
            *self = Self::new(new_text);
            return 0..old_len;
        };
        let mut start = position_to_byte(&self.rope, span.start, encoding);
        let mut end = position_to_byte(&self.rope, span.end, encoding);
        if end < start {
            std::mem::swap(&mut start, &mut end);
        }
        self.edit_bytes(start..end, new_text);
        start..end
    }

    /// Replaces the byte range `range` (clamped and rounded down to character boundaries) with
    /// `new_text` and reparses incrementally.
    pub fn edit_bytes(&mut self, range: Range<usize>, new_text: &str) {
        let len = self.rope.len_bytes();
        let start = self.floor_char_boundary(range.start.min(len));
        let end = self.floor_char_boundary(range.end.min(len)).max(start);

        let touches_cr = new_text.contains('\r')
            || self.byte_at(start.wrapping_sub(1)) == Some(b'\r')
            || self.byte_at(end.wrapping_sub(1)) == Some(b'\r')
            || self.byte_at(start) == Some(b'\r');

        let start_position = self.point(start);
        let old_end_position = self.point(end);

        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);

        if touches_cr || self.lone_cr {
            self.lone_cr = rope_has_lone_cr(&self.rope);
        }
        let new_end = start + new_text.len();
        let new_end_position = self.point(new_end);

        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position,
        });
        let rope = &self.rope;
        let total = rope.len_bytes();
        self.tree = parse_with(
            |byte| {
                if byte >= total {
                    return &[];
                }
                let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
                &chunk.as_bytes()[byte - chunk_start..]
            },
            Some(&self.tree),
        );
    }

    /// Converts a byte offset to a position in `encoding`.
    pub fn position(&self, byte: usize, encoding: PositionEncoding) -> Position {
        byte_to_position(&self.rope, byte, encoding)
    }

    /// Converts a position in `encoding` to a byte offset.
    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        position_to_byte(&self.rope, position, encoding)
    }

    fn byte_at(&self, byte: usize) -> Option<u8> {
        (byte < self.rope.len_bytes()).then(|| self.rope.byte(byte))
    }

    fn floor_char_boundary(&self, byte: usize) -> usize {
        self.rope.char_to_byte(self.rope.byte_to_char(byte))
    }

    /// The tree-sitter point of `byte`: rows counted by `\n`, columns in bytes.
    fn point(&self, byte: usize) -> Point {
        if !self.lone_cr {
            let row = self.rope.byte_to_line(byte);
            return Point::new(row, byte - self.rope.line_to_byte(row));
        }
        let mut row = 0;
        let mut line_start = 0;
        let mut offset = 0;
        for chunk in self.rope.chunks() {
            let bytes = chunk.as_bytes();
            let take = bytes.len().min(byte - offset);
            for (i, b) in bytes[..take].iter().enumerate() {
                if *b == b'\n' {
                    row += 1;
                    line_start = offset + i + 1;
                }
            }
            offset += take;
            if offset >= byte {
                break;
            }
        }
        Point::new(row, byte - line_start)
    }
}

fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

fn rope_has_lone_cr(rope: &Rope) -> bool {
    let mut pending_cr = false;
    for chunk in rope.chunks() {
        for b in chunk.bytes() {
            if pending_cr && b != b'\n' {
                return true;
            }
            pending_cr = b == b'\r';
        }
    }
    pending_cr
}

/// One node of a [`tree_outline`]: kind, byte range, start and end points.
pub type OutlineNode = (u16, Range<usize>, (usize, usize), (usize, usize));

/// A comparable outline of a tree: every node's kind, byte range and point range, in order.
pub fn tree_outline(tree: &Tree) -> Vec<OutlineNode> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut done = false;
    while !done {
        let node = cursor.node();
        out.push((
            node.kind_id(),
            node.byte_range(),
            (node.start_position().row, node.start_position().column),
            (node.end_position().row, node.end_position().column),
        ));
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                done = true;
                break;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_in_utf16_lands_after_an_emoji() {
        let mut doc = Document::new("# 😀 Title\n\nText\n");
        doc.edit(
            Some(Span::new(Position::new(0, 5), Position::new(0, 5))),
            "My ",
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "# 😀 My Title\n\nText\n");
        assert_eq!(tree_outline(doc.tree()), tree_outline(&parse(&doc.text())));
    }

    #[test]
    fn apply_edits_skips_overlaps_and_bad_ranges() {
        let text = "héllo";
        let edits = [
            TextEdit::replace(0..1, "H"),
            TextEdit::replace(0..2, "x"),
            TextEdit::replace(2..2, "!"),
            TextEdit::insert(6, "."),
        ];
        assert_eq!(apply_edits(text, &edits), "Héllo.");
    }
}

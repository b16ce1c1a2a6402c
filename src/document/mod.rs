//! A story file in memory: its text as a rope and its Markdown syntax, kept in step by edits.
//!
//! An edit arrives as a range in one of the LSP position encodings plus new text. It becomes a
//! rope edit, and only the chunks of the [`Syntax`] that the edit touched are parsed again,
//! reading the rope piece by piece: no edit copies or reparses the whole text.

pub mod lines;
pub mod position;
pub mod shift;
pub mod syntax;

use std::cell::RefCell;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{Parser, Tree};

pub use position::{byte_to_position, position_to_byte, Position, PositionEncoding, Span};
pub use shift::{shift, shift_range, Shift};
pub use syntax::{ChunkRef, Syntax};

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

/// The byte order mark some editors write at the start of a UTF-8 file.
pub const BOM: &str = "\u{feff}";

/// `text` without its leading byte order mark, and whether it had one. Front matter counts
/// only at the very start of a text, so a file's text is read through this before checking.
pub fn strip_bom(text: &str) -> (&str, bool) {
    match text.strip_prefix(BOM) {
        Some(rest) => (rest, true),
        None => (text, false),
    }
}

/// Parses `text` from scratch, cut into chunks (see [`Syntax`]).
pub fn parse(text: &str) -> Syntax {
    Syntax::parse(text)
}

/// Parses `text` from scratch as one tree.
pub fn parse_whole(text: &str) -> Tree {
    if text.contains('\0') {
        return parse_bytes(without_nul(text.as_bytes().to_vec()));
    }
    parse_with(|byte| text.as_bytes().get(byte..).unwrap_or_default())
}

/// `bytes` with each NUL replaced by a SUB control character (0x1A), byte for byte.
/// tree-sitter-md's scanner reads a NUL as the end of the input, so that what a line means
/// would depend on where the parse stops; CommonMark has NUL replaced anyway.
fn without_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    for byte in &mut bytes {
        if *byte == 0 {
            *byte = 0x1a;
        }
    }
    bytes
}

fn parse_bytes(bytes: Vec<u8>) -> Tree {
    parse_with(|byte| bytes.get(byte..).unwrap_or_default())
}

fn parse_with<'a>(mut read: impl FnMut(usize) -> &'a [u8]) -> Tree {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser
            .parse_with_options(&mut |byte, _| read(byte), None, None)
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

/// A Markdown document: text and syntax.
#[derive(Clone)]
pub struct Document {
    rope: Rope,
    syntax: Syntax,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("len_bytes", &self.rope.len_bytes())
            .finish()
    }
}

impl Document {
    pub fn new(text: &str) -> Self {
        Self {
            rope: Rope::from_str(text),
            syntax: parse(text),
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn syntax(&self) -> &Syntax {
        &self.syntax
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// The whole text as one string.
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Replaces `span` (or the whole text when `None`) with `new_text`, positions counted in
    /// `encoding`, and reparses what the edit touched. Returns the byte range replaced and the byte
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
    /// `new_text` and reparses what the edit touched.
    pub fn edit_bytes(&mut self, range: Range<usize>, new_text: &str) {
        let len = self.rope.len_bytes();
        let start = self.floor_char_boundary(range.start.min(len));
        let end = self.floor_char_boundary(range.end.min(len)).max(start);

        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        self.syntax
            .edit(&self.rope, start, end, start + new_text.len());
    }

    /// Converts a byte offset to a position in `encoding`.
    pub fn position(&self, byte: usize, encoding: PositionEncoding) -> Position {
        byte_to_position(&self.rope, byte, encoding)
    }

    /// Converts a position in `encoding` to a byte offset.
    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        position_to_byte(&self.rope, position, encoding)
    }

    fn floor_char_boundary(&self, byte: usize) -> usize {
        self.rope.char_to_byte(self.rope.byte_to_char(byte))
    }
}

/// One node of a [`tree_outline`]: kind id, byte range, start and end points (row, column).
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
        assert_eq!(doc.syntax().outline(), parse(&doc.text()).outline());
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

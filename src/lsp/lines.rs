//! A text as the client counts positions in it. The engine reads a document without the
//! byte order mark it may start with (front matter must open the text), so its byte offsets
//! index the text after the mark; the client counts the mark as a character of the first
//! line. Every conversion between positions and offsets goes through [`Lines`].

use std::borrow::Cow;

use ropey::Rope;

use crate::document::{byte_to_position, position_to_byte, Position, PositionEncoding};

/// The text the engine's offsets index, and whether the client's text has a byte order mark
/// before it.
pub struct Lines<'a> {
    rope: Cow<'a, Rope>,
    bom: bool,
}

impl<'a> Lines<'a> {
    pub fn new(rope: Cow<'a, Rope>, bom: bool) -> Self {
        Self { rope, bom }
    }

    /// A text without a byte order mark.
    pub fn plain(rope: &'a Rope) -> Self {
        Self::new(Cow::Borrowed(rope), false)
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The columns the mark takes on the first line, in `encoding`.
    pub fn bom_width(&self, encoding: PositionEncoding) -> u32 {
        if self.bom {
            bom_width(encoding)
        } else {
            0
        }
    }

    /// The client's position of byte `byte` of the text.
    pub fn position(&self, byte: usize, encoding: PositionEncoding) -> Position {
        let mut position = byte_to_position(&self.rope, byte, encoding);
        if position.line == 0 {
            position.character += self.bom_width(encoding);
        }
        position
    }

    /// The byte of the text at the client's `position` (the mark itself maps to the start),
    /// clamped as [`position_to_byte`] clamps.
    pub fn byte(&self, mut position: Position, encoding: PositionEncoding) -> usize {
        if position.line == 0 {
            position.character = position.character.saturating_sub(self.bom_width(encoding));
        }
        position_to_byte(&self.rope, position, encoding)
    }
}

/// The columns a byte order mark takes: one UTF-16 unit, three UTF-8 bytes.
pub fn bom_width(encoding: PositionEncoding) -> u32 {
    crate::document::BOM
        .chars()
        .map(|c| match encoding {
            PositionEncoding::Utf8 => c.len_utf8() as u32,
            PositionEncoding::Utf16 => c.len_utf16() as u32,
        })
        .sum()
}

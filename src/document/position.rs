//! Line/column positions in the two encodings LSP allows, and their conversion to byte offsets.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says. A position past the
//! end of its line is clamped to the line end; one past the last line to the end of the text; a
//! column inside a multi-byte character or a surrogate pair is rounded down to the character's
//! start. Conversion never fails and never lands off a character boundary.

use ropey::Rope;

/// How a column counts: UTF-16 code units (the LSP default) or UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum PositionEncoding {
    #[default]
    Utf16,
    Utf8,
}

/// A zero-based line and column, the column counted in some [`PositionEncoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

/// A half-open range of positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub const fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }
}

/// Byte offset of `pos` in `rope`, clamped and rounded down to a character boundary.
pub fn position_to_byte(rope: &Rope, pos: Position, encoding: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_end_char = line_content_end_char(rope, line);
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let line_start_byte = rope.char_to_byte(line_start_char);
            let line_end_byte = rope.char_to_byte(line_end_char);
            let target = line_start_byte
                .saturating_add(pos.character as usize)
                .min(line_end_byte);
            rope.byte_to_char(target)
        }
        PositionEncoding::Utf16 => {
            let line_start_cu = rope.char_to_utf16_cu(line_start_char);
            let line_end_cu = rope.char_to_utf16_cu(line_end_char);
            let target = line_start_cu
                .saturating_add(pos.character as usize)
                .min(line_end_cu);
            rope.utf16_cu_to_char(target)
        }
    };
    rope.char_to_byte(char_idx)
}

/// Position of byte offset `byte` in `rope` (clamped to the text, rounded down to a character).
pub fn byte_to_position(rope: &Rope, byte: usize, encoding: PositionEncoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    let char_idx = rope.byte_to_char(byte);
    let line = rope.char_to_line(char_idx);
    let line_start_char = rope.line_to_char(line);
    let character = match encoding {
        PositionEncoding::Utf8 => rope.char_to_byte(char_idx) - rope.char_to_byte(line_start_char),
        PositionEncoding::Utf16 => {
            rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_start_char)
        }
    };
    Position::new(to_u32(line), to_u32(character))
}

/// The char index where line `line`'s content ends (before its line break).
fn line_content_end_char(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    start + len
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_astral_characters_as_two_units() {
        let rope = Rope::from_str("a😀b\nc");
        assert_eq!(
            position_to_byte(&rope, Position::new(0, 3), PositionEncoding::Utf16),
            5
        );
        assert_eq!(
            byte_to_position(&rope, 5, PositionEncoding::Utf16),
            Position::new(0, 3)
        );
        assert_eq!(
            byte_to_position(&rope, 5, PositionEncoding::Utf8),
            Position::new(0, 5)
        );
    }

    #[test]
    fn a_column_inside_a_surrogate_pair_rounds_down() {
        let rope = Rope::from_str("a😀b");
        assert_eq!(
            position_to_byte(&rope, Position::new(0, 2), PositionEncoding::Utf16),
            1
        );
        assert_eq!(
            position_to_byte(&rope, Position::new(0, 3), PositionEncoding::Utf8),
            1
        );
    }

    #[test]
    fn positions_past_the_line_or_text_are_clamped() {
        let rope = Rope::from_str("ab\r\ncd\ref");
        assert_eq!(
            position_to_byte(&rope, Position::new(0, 99), PositionEncoding::Utf16),
            2
        );
        assert_eq!(
            position_to_byte(&rope, Position::new(1, 1), PositionEncoding::Utf16),
            5
        );
        assert_eq!(
            position_to_byte(&rope, Position::new(2, 0), PositionEncoding::Utf8),
            7
        );
        assert_eq!(
            position_to_byte(&rope, Position::new(9, 0), PositionEncoding::Utf8),
            9
        );
    }
}

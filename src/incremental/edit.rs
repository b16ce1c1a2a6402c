//! One edit in byte offsets, and the composition of a burst of edits into one.

use std::ops::Range;

use crate::document::shift;

/// One edit in byte offsets: the bytes `range` of the old text were replaced by `new_len`
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteEdit {
    pub range: Range<usize>,
    pub new_len: usize,
}

impl ByteEdit {
    pub fn new(range: Range<usize>, new_len: usize) -> Self {
        Self { range, new_len }
    }

    /// How far the edit moves the offsets after it.
    pub fn delta(&self) -> isize {
        self.new_len as isize - self.range.len() as isize
    }

    /// One edit covering this edit followed by `next` (whose offsets are those of the text
    /// after this edit), so that a burst of edits can be analysed once.
    pub fn then(&self, next: &ByteEdit) -> ByteEdit {
        let new_end = self.range.start + self.new_len;
        let start = self.range.start.min(next.range.start);
        // The end of the covered bytes, in the offsets before both edits.
        let old_end = if next.range.end > new_end {
            shift(next.range.end, -self.delta())
        } else {
            self.range.end
        };
        let final_end = shift(next.range.end.max(new_end), next.delta());
        ByteEdit {
            range: start..old_end.max(start),
            new_len: final_end.saturating_sub(start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_edits_cover_both() {
        // "abcdef": replace "bc" by "XYZ" -> "aXYZdef", then delete "Zd" -> "aXYef".
        let first = ByteEdit::new(1..3, 3);
        let second = ByteEdit::new(3..5, 0);
        let both = first.then(&second);
        let mut text = "abcdef".to_string();
        text.replace_range(
            both.range.clone(),
            &"aXYef"[both.range.start..both.range.start + both.new_len],
        );
        assert_eq!(text, "aXYef");
    }
}

//! Moving byte offsets by an edit's length change: the one way every position-carrying value
//! (ranges, stories and their parts, scan items, findings and their fixes, cards, bank
//! summaries) follows an edit that happened before it.
//!
//! A type implements [`Shift`] once, next to its definition, usually with [`shift_fields!`]
//! naming the fields that hold offsets. Offsets saturate at zero.

use std::ops::Range;

use super::TextEdit;

/// A value holding byte offsets that can be moved by an edit's length change.
pub trait Shift {
    /// Moves every byte offset this value holds by `delta` (saturating at zero).
    fn shift(&mut self, delta: isize);

    /// This value with every byte offset moved by `delta`.
    fn shifted(mut self, delta: isize) -> Self
    where
        Self: Sized,
    {
        self.shift(delta);
        self
    }
}

/// `at` moved by `delta`.
pub fn shift(at: usize, delta: isize) -> usize {
    at.shifted(delta)
}

/// `range` moved by `delta`.
pub fn shift_range(range: &Range<usize>, delta: isize) -> Range<usize> {
    range.clone().shifted(delta)
}

impl Shift for usize {
    fn shift(&mut self, delta: isize) {
        *self = self.saturating_add_signed(delta);
    }
}

impl Shift for Range<usize> {
    fn shift(&mut self, delta: isize) {
        self.start.shift(delta);
        self.end.shift(delta);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, delta: isize) {
        if let Some(value) = self {
            value.shift(delta);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        for value in self {
            value.shift(delta);
        }
    }
}

impl<T: Shift, U> Shift for (T, U) {
    /// Moves the first member; the second is a payload (such as the text at the range).
    fn shift(&mut self, delta: isize) {
        self.0.shift(delta);
    }
}

/// Implements [`Shift`] for a struct by shifting the named fields, each itself [`Shift`].
#[macro_export]
macro_rules! shift_fields {
    ($type:ty: $($field:ident),+ $(,)?) => {
        impl $crate::document::Shift for $type {
            fn shift(&mut self, delta: isize) {
                if delta == 0 {
                    return;
                }
                $($crate::document::Shift::shift(&mut self.$field, delta);)+
            }
        }
    };
}

crate::shift_fields!(TextEdit: range);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_move_and_saturate() {
        assert_eq!(shift(5, 3), 8);
        assert_eq!(shift(2, -5), 0);
        assert_eq!(shift_range(&(4..9), -2), 2..7);
        let mut edits = vec![TextEdit::insert(3, "x"), TextEdit::replace(5..7, "")];
        edits.shift(10);
        assert_eq!(edits[0].range, 13..13);
        assert_eq!(edits[1].range, 15..17);
        assert_eq!(Some(1..2).shifted(1), Some(2..3));
    }
}

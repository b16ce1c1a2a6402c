//! The window an edit reaches: whole top-level blocks around it, the same before and after.

use std::ops::Range;

use super::ByteEdit;
use crate::document::{shift, Syntax};

/// The window (new offsets) to scan again after `edit`: whole top-level blocks in both the old
/// and the new tree, plus one block of margin on each side, so that the blocks outside it are
/// the same bytes with the same structure before and after. `None` if it does not settle.
pub(super) fn window(
    old_tree: &Syntax,
    old_len: usize,
    new_tree: &Syntax,
    new_len: usize,
    edit: &ByteEdit,
) -> Option<Range<usize>> {
    let delta = edit.delta();
    let mut lo = edit.range.start;
    let mut hi = edit.range.start + edit.new_len;
    for pass in 0..2 {
        if pass == 1 {
            lo = if lo == 0 {
                0
            } else {
                block_start(new_tree, lo - 1)
            };
            hi = if hi >= new_len {
                new_len
            } else {
                new_tree.top_block(hi).map_or(hi, |block| block.end.max(hi))
            };
        }
        let mut settled = false;
        for _ in 0..16 {
            let (l, h) = (block_start(new_tree, lo), block_end(new_tree, new_len, hi));
            let h_old = shift(h, -delta);
            let (l2, h2_old) = (
                block_start(old_tree, l),
                block_end(old_tree, old_len, h_old),
            );
            let h2 = if h2_old >= old_len {
                new_len
            } else {
                shift(h2_old, delta)
            };
            let (l2, h2) = (l2.min(l), h2.max(h).min(new_len));
            if (l2, h2) == (lo, hi) {
                settled = true;
                break;
            }
            (lo, hi) = (l2, h2);
        }
        if !settled {
            return None;
        }
    }
    Some(lo..hi)
}

/// The start of the block that holds `byte`, or `byte` between blocks.
fn block_start(syntax: &Syntax, byte: usize) -> usize {
    syntax
        .top_block(byte)
        .map_or(byte, |block| block.start.min(byte))
}

/// The end of the block that holds `byte`, or `byte` where a block starts or between blocks.
fn block_end(syntax: &Syntax, len: usize, byte: usize) -> usize {
    if byte >= len {
        return len;
    }
    match syntax.top_block(byte) {
        Some(block) if block.start < byte => block.end.max(byte),
        _ => byte,
    }
}

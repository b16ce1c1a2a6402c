//! A document's syntax as a run of chunks, one tree-sitter tree each, so that an edit reparses
//! only the chunk it lands in.
//!
//! tree-sitter-md reuses little of the old tree when it reparses: its block scanner keeps state
//! that stops most subtrees from matching, so a one-character edit in a 1 MB bank cost about a
//! tenth of a full parse (25 to 60 ms here). Cut at its headings, the same bank reparses a
//! chunk of a few hundred bytes per keystroke.
//!
//! A cut is sound only where one parse of the whole text would start a heading with no block
//! left open: not inside a fenced code block, an HTML block or the like. Rather than restate
//! Markdown's rules, each chunk is parsed together with the line after it (the next chunk's
//! heading, called its *tail*), and the cut stands only if that parse reads the tail as the
//! heading of a section. What comes before a heading line does not depend on what follows it,
//! so the blocks of the chunks are the blocks of one parse of the whole text; `tests/edits.rs`
//! checks that on random texts. The one difference: a section does not nest across a cut.
//!
//! Each tree is parsed from its chunk's own bytes, so its offsets count from the chunk's start.
//! An edit shifts the starts of the chunks after it and leaves their trees alone.

use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{Node, Tree};

/// Text that can be parsed a piece at a time.
pub trait Source {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The bytes from `at` to the end of one stored piece; empty at or past the end.
    fn bytes_at(&self, at: usize) -> &[u8];
}

impl Source for str {
    fn len(&self) -> usize {
        str::len(self)
    }

    fn bytes_at(&self, at: usize) -> &[u8] {
        self.as_bytes().get(at..).unwrap_or_default()
    }
}

impl Source for Rope {
    fn len(&self) -> usize {
        self.len_bytes()
    }

    fn bytes_at(&self, at: usize) -> &[u8] {
        if at >= self.len_bytes() {
            return &[];
        }
        let (chunk, chunk_start, _, _) = self.chunk_at_byte(at);
        &chunk.as_bytes()[at - chunk_start..]
    }
}

/// One chunk: its tree, covering its own bytes and then its tail line.
#[derive(Debug)]
struct Chunk {
    tree: Tree,
    /// Bytes of the chunk itself, up to the next chunk.
    own: usize,
    /// Bytes the tree covers: `own` plus the tail line (equal to `own` for the last chunk).
    parsed: usize,
}

impl Chunk {
    /// Whether the parse read the tail as a section heading, so that the next chunk may start
    /// there. The last chunk has no tail.
    fn tail_holds(&self) -> bool {
        self.own == self.parsed || heading_starts(&self.tree).contains(&self.own)
    }
}

/// One chunk as seen from outside: where it starts and its tree (offsets from `start`).
#[derive(Debug, Clone, Copy)]
pub struct ChunkRef<'a> {
    pub start: usize,
    /// Where the chunk's own bytes end; the tree goes on over the next line.
    pub end: usize,
    /// Where the tree ends.
    pub parsed_end: usize,
    pub tree: &'a Tree,
}

/// The syntax of a whole document.
#[derive(Debug, Clone)]
pub struct Syntax {
    /// Where each chunk starts; the first starts at 0.
    starts: Vec<usize>,
    chunks: Vec<Arc<Chunk>>,
    len: usize,
    /// Where the front matter ends, if the text opens with one that is closed: no cut before.
    /// See [`front_matter_end`].
    front: Option<usize>,
}

impl Syntax {
    /// Parses `text` from scratch.
    pub fn parse<S: Source + ?Sized>(text: &S) -> Self {
        let front = front_matter_end(text);
        let mut out = Vec::new();
        chunk_from(text, 0, front.unwrap_or(0), |_| false, &mut out);
        let (starts, chunks) = out.into_iter().map(|(s, c)| (s, Arc::new(c))).unzip();
        Self {
            starts,
            chunks,
            len: text.len(),
            front,
        }
    }

    /// [`Syntax::parse`], its chunks parsed on rayon's threads: the same chunks and trees. The
    /// cuts are first taken at every heading line, as [`chunk_from`] would try them; the chunks
    /// are parsed side by side; then, in order, each stands if its tail holds, as it would
    /// have, and from the first that does not (a heading line inside a code fence, say) the
    /// rest is cut one chunk after another. For `starling check`, where one big file would
    /// otherwise be parsed on one core.
    pub fn parse_in_parallel(text: &str) -> Self {
        use rayon::prelude::*;
        let front = front_matter_end(text);
        let floor = front.unwrap_or(0);
        let len = text.len();
        let mut starts = vec![0];
        let mut at = 0;
        while let Some(next) = next_cut(text, at, floor) {
            starts.push(next);
            at = next;
        }
        let parsed: Vec<Chunk> = (0..starts.len())
            .into_par_iter()
            .map(|i| parse_chunk(text, starts[i], starts.get(i + 1).copied().unwrap_or(len)))
            .collect();
        let mut out = Vec::with_capacity(parsed.len());
        for (start, chunk) in starts.iter().copied().zip(parsed) {
            if chunk.tail_holds() {
                out.push((start, chunk));
            } else {
                chunk_from(text, start, floor, |_| false, &mut out);
                break;
            }
        }
        let (starts, chunks) = out.into_iter().map(|(s, c)| (s, Arc::new(c))).unzip();
        Self {
            starts,
            chunks,
            len,
            front,
        }
    }

    /// The length of the text this syntax was parsed from.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many chunks the text is cut into.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    fn chunk(&self, index: usize) -> ChunkRef<'_> {
        let start = self.starts[index];
        let chunk = &self.chunks[index];
        ChunkRef {
            start,
            end: start + chunk.own,
            parsed_end: start + chunk.parsed,
            tree: &chunk.tree,
        }
    }

    /// Every chunk in order.
    pub fn chunks(&self) -> impl Iterator<Item = ChunkRef<'_>> + '_ {
        (0..self.chunks.len()).map(|index| self.chunk(index))
    }

    /// The chunks whose own bytes meet `range` (a chunk is met by an empty range at its start).
    pub fn chunks_in(&self, range: Range<usize>) -> impl Iterator<Item = ChunkRef<'_>> + '_ {
        let first = self.index_of(range.start);
        (first..self.chunks.len())
            .map(|index| self.chunk(index))
            .take_while(move |chunk| chunk.start <= range.end)
    }

    /// The chunk that holds `byte` (the last one for the end of the text).
    fn index_of(&self, byte: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= byte)
            .saturating_sub(1)
    }

    /// The top-level block (a child of the document or of a section, not a section) that holds
    /// `byte`.
    pub fn top_block(&self, byte: usize) -> Option<Range<usize>> {
        let chunk = self.chunk(self.index_of(byte));
        let relative = byte.checked_sub(chunk.start)?;
        if byte >= chunk.end {
            return None;
        }
        let mut node = chunk
            .tree
            .root_node()
            .descendant_for_byte_range(relative, relative)?;
        loop {
            if matches!(node.kind(), "document" | "section") {
                return None;
            }
            let parent = node.parent()?;
            if matches!(parent.kind(), "document" | "section") {
                let range = node.byte_range();
                return Some(chunk.start + range.start..chunk.start + range.end);
            }
            node = parent;
        }
    }

    /// A comparable picture of the syntax: each chunk's start, end and tree outline.
    pub fn outline(&self) -> Vec<(usize, usize, Vec<super::OutlineNode>)> {
        self.chunks()
            .map(|chunk| (chunk.start, chunk.end, super::tree_outline(chunk.tree)))
            .collect()
    }

    /// Brings the syntax up to date after an edit that replaced the bytes `start..old_end` with
    /// the bytes `start..new_end` of `text`, which already holds it. Reparses the chunks the
    /// edit touched, and the ones after them only while the cuts moved.
    pub fn edit(&mut self, text: &Rope, start: usize, old_end: usize, new_end: usize) {
        let old_len = self.len;
        self.len = text.len_bytes();
        // Front matter can close far below its start: when where it ends changes, every cut
        // may move.
        if front_matter_end(text) != self.front {
            *self = Self::parse(text);
            return;
        }

        // The chunks whose parsed bytes the edit changes, a run from `first` to `last`. An edit
        // touches a chunk when it meets its bytes, or lands right after them where it can
        // lengthen their last line: at the end of the text, or after a `\r` that a `\n` joins.
        let touched = |index: usize| {
            let chunk_start = self.starts[index];
            let parsed_end = chunk_start + self.chunks[index].parsed;
            let lengthens = || {
                parsed_end == old_len
                    || (parsed_end > 0 && text.get_byte(parsed_end - 1) == Some(b'\r'))
            };
            chunk_start <= old_end && (start < parsed_end || (start == parsed_end && lengthens()))
        };
        let mut first = self.index_of(start);
        while first > 0 && touched(first - 1) {
            first -= 1;
        }
        if !touched(first) {
            *self = Self::parse(text);
            return;
        }
        let last = (first..self.chunks.len())
            .take_while(|&index| touched(index))
            .last()
            .unwrap_or(first);
        let delta = new_end as isize - old_end as isize;
        for chunk_start in &mut self.starts[last + 1..] {
            *chunk_start = chunk_start.wrapping_add_signed(delta);
        }

        // Cut again from the first touched chunk until a cut meets the start of an untouched
        // chunk, which stays as it is.
        let kept = &self.starts[last + 1..];
        let mut fresh = Vec::new();
        let stop = chunk_from(
            text,
            self.starts[first],
            self.front.unwrap_or(0),
            |at| kept.binary_search(&at).is_ok(),
            &mut fresh,
        );
        let resume = last + 1 + kept.partition_point(|&at| at < stop);
        let (starts, chunks): (Vec<usize>, Vec<Arc<Chunk>>) = fresh
            .into_iter()
            .map(|(at, chunk)| (at, Arc::new(chunk)))
            .unzip();
        self.starts.splice(first..resume, starts);
        self.chunks.splice(first..resume, chunks);
    }
}

/// Cuts `text` into chunks from `start`, a sound cut, pushing each with its start, until a cut
/// for which `stop` holds or the end of the text. No cut goes before `floor`. Returns where it
/// stopped.
fn chunk_from<S: Source + ?Sized>(
    text: &S,
    mut start: usize,
    floor: usize,
    stop: impl Fn(usize) -> bool,
    out: &mut Vec<(usize, Chunk)>,
) -> usize {
    let len = text.len();
    loop {
        let Some(next) = next_cut(text, start, floor) else {
            out.push((start, parse_chunk(text, start, len)));
            return len;
        };
        let chunk = parse_chunk(text, start, next);
        let cut = if chunk.tail_holds() {
            out.push((start, chunk));
            next
        } else {
            // The heading line is inside an open block (a code fence, say): parse on to the
            // end and cut at the first heading that parse finds.
            let rest = parse_range(text, start..len);
            let cut = heading_starts(&rest)
                .into_iter()
                .map(|at| start + at)
                .filter(|&at| at > start && at >= floor && is_heading_line(text, at))
                .min();
            match cut {
                Some(cut) => {
                    out.push((start, parse_chunk(text, start, cut)));
                    cut
                }
                None => {
                    let own = len - start;
                    out.push((
                        start,
                        Chunk {
                            tree: rest,
                            own,
                            parsed: own,
                        },
                    ));
                    return len;
                }
            }
        };
        start = cut;
        if stop(start) {
            return start;
        }
    }
}

/// Where the chunk that starts at `start` may end: the next heading line, not before `floor`.
fn next_cut<S: Source + ?Sized>(text: &S, start: usize, floor: usize) -> Option<usize> {
    if start < floor {
        if is_heading_line(text, floor) {
            Some(floor)
        } else {
            next_heading_line(text, floor)
        }
    } else {
        next_heading_line(text, start)
    }
}

/// Parses the chunk from `start` to `end` with its tail line.
fn parse_chunk<S: Source + ?Sized>(text: &S, start: usize, end: usize) -> Chunk {
    let parsed_end = line_end(text, end);
    Chunk {
        tree: parse_range(text, start..parsed_end),
        own: end - start,
        parsed: parsed_end - start,
    }
}

/// Parses the bytes `range` of `text` on their own.
fn parse_range<S: Source + ?Sized>(text: &S, range: Range<usize>) -> Tree {
    if pieces(text, range.clone()).any(|piece| piece.contains(&0)) {
        let copy = pieces(text, range).collect::<Vec<_>>().concat();
        return super::parse_bytes(super::without_nul(copy));
    }
    super::parse_with(|relative| piece(text, range.start + relative, range.end))
}

/// The bytes of `text` from `at` to the end of one stored piece or to `end`, whichever comes
/// first; empty at or past `end`.
fn piece<S: Source + ?Sized>(text: &S, at: usize, end: usize) -> &[u8] {
    if at >= end {
        return &[];
    }
    let bytes = text.bytes_at(at);
    &bytes[..bytes.len().min(end - at)]
}

/// The bytes `range` of `text`, piece by piece.
fn pieces<S: Source + ?Sized>(text: &S, range: Range<usize>) -> impl Iterator<Item = &[u8]> {
    let mut at = range.start;
    std::iter::from_fn(move || {
        let next = piece(text, at, range.end);
        at += next.len();
        (!next.is_empty()).then_some(next)
    })
}

/// Where the starts of ATX headings that head a section are, offsets in the tree.
fn heading_starts(tree: &Tree) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<Node<'_>> = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "section" => stack.push(child),
                "atx_heading" => out.push(child.start_byte()),
                _ => {}
            }
        }
    }
    out
}

/// Where the front matter ends (after its closing line) if the text opens with one and closes
/// it, as tree-sitter-md reads it: a line of exactly `---` (or `+++`), then any lines, then
/// another such line ended by a line break.
pub fn front_matter_end<S: Source + ?Sized>(text: &S) -> Option<usize> {
    // The opening line may be indented by up to three spaces.
    let indent = (0..3).take_while(|&i| byte(text, i) == Some(b' ')).count();
    let marker = match byte(text, indent)? {
        b'-' => b'-',
        b'+' => b'+',
        _ => return None,
    };
    let fence = |at: usize| {
        (0..3).all(|i| byte(text, at + i) == Some(marker)) && {
            let mut i = at + 3;
            while matches!(byte(text, i), Some(b' ' | b'\t')) {
                i += 1;
            }
            matches!(byte(text, i), Some(b'\n' | b'\r'))
        }
    };
    if !fence(indent) {
        return None;
    }
    let mut line = next_line(text, 0)?;
    loop {
        if fence(line) {
            return Some(line_end(text, line));
        }
        line = next_line(text, line)?;
    }
}

/// The byte at `at`, if any.
fn byte<S: Source + ?Sized>(text: &S, at: usize) -> Option<u8> {
    text.bytes_at(at).first().copied()
}

/// Whether a cut may go at `at`: an ATX heading line starts there (at the start of a line, one
/// to six `#`, then a space, a tab or the line's end) and ends with a line break. A heading cut
/// off by the end of the text is left to the chunk before it, where tree-sitter recovers from
/// it as it would in one tree of the whole text.
fn is_heading_line<S: Source + ?Sized>(text: &S, at: usize) -> bool {
    if at > 0 && !matches!(byte(text, at - 1), Some(b'\n' | b'\r')) {
        return false;
    }
    let mut hashes = 0;
    while hashes < 7 && byte(text, at + hashes) == Some(b'#') {
        hashes += 1;
    }
    let end = line_end(text, at);
    (1..=6).contains(&hashes)
        && matches!(byte(text, at + hashes), Some(b' ' | b'\t' | b'\n' | b'\r'))
        && end > at
        && matches!(byte(text, end - 1), Some(b'\n' | b'\r'))
}

/// The first heading line that starts after `at`.
fn next_heading_line<S: Source + ?Sized>(text: &S, at: usize) -> Option<usize> {
    let len = text.len();
    let mut line = next_line(text, at)?;
    loop {
        if is_heading_line(text, line) {
            return Some(line);
        }
        line = next_line(text, line)?;
        if line >= len {
            return None;
        }
    }
}

/// The start of the line after the one holding `at`, if there is one before the end.
fn next_line<S: Source + ?Sized>(text: &S, at: usize) -> Option<usize> {
    let end = line_end(text, at);
    (end > at && end < text.len()).then_some(end)
}

/// The end of the line holding `at`, after its line break (`\n`, `\r\n` or `\r`).
fn line_end<S: Source + ?Sized>(text: &S, mut at: usize) -> usize {
    let len = text.len();
    while at < len {
        let bytes = text.bytes_at(at);
        if let Some(i) = bytes.iter().position(|b| matches!(b, b'\n' | b'\r')) {
            let brk = at + i;
            if bytes[i] == b'\r' && byte(text, brk + 1) == Some(b'\n') {
                return brk + 2;
            }
            return brk + 1;
        }
        at += bytes.len();
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str) -> Vec<usize> {
        Syntax::parse(text).chunks().map(|c| c.start).collect()
    }

    #[test]
    fn cuts_at_headings() {
        let text = "intro\n# One\n\ntext\n## Two\ntext\n### Three\n";
        assert_eq!(cuts(text), [0, 6, 18, 30]);
    }

    #[test]
    fn does_not_cut_inside_a_code_fence() {
        let text = "# One\n```\n# not a heading\n```\n# Two\n";
        assert_eq!(cuts(text), [0, 30]);
        let open = "# One\n```\n# not a heading\n# nor this\n";
        assert_eq!(cuts(open), [0]);
    }

    #[test]
    fn does_not_cut_at_indented_or_glued_hashes() {
        assert_eq!(cuts("# One\n #x\n#x\n####### seven\n    # code\n"), [0]);
    }

    #[test]
    fn parsed_in_parallel_the_chunks_and_trees_are_the_same() {
        let mut texts = crate::test_texts::with_corpus(&[
            "intro\n# One\n\ntext\n## Two\ntext\n### Three\n",
            "# One\n```\n# not a heading\n```\n# Two\n## Three\n",
            "# One\n```\n# not a heading\n# nor this\n",
            "---\ntheme: failure\n# not yet\n---\n# One\ntext\n# Two\n",
            "---\nunclosed\n# One\n<div>\n# Two\n\n# Three\n",
            "a\r# One\r\n# Two\n",
            "",
        ]);
        let all = texts.concat();
        texts.push(all);
        for text in &texts {
            let one = Syntax::parse(text.as_str());
            let many = Syntax::parse_in_parallel(text);
            assert_eq!(one.outline(), many.outline(), "{text:?}");
            assert_eq!(one.front, many.front);
        }
    }

    #[test]
    fn a_line_end_of_any_kind_ends_a_line() {
        assert_eq!(cuts("a\r# One\r\n# Two\n"), [0, 2, 9]);
    }
}

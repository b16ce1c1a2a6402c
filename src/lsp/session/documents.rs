//! An open document: its text as the client sent it and the edits not checked yet.
//!
//! Every change edits the document's text (a rope) in place and adds its byte edit to the
//! document's [`Pending`] edit, which the next check applies in one reparse. What a check
//! produces is a [`super::Snapshot`], which requests read.
//!
//! The text is kept without the byte order mark the client's may start with, as the CLI
//! reads files; positions in changes count it (see [`super::super::lines`]).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::Uri;

use super::super::from_lsp;
use super::super::lines::bom_width;
use super::{Level, Session, Snapshot, State};
use crate::document::{position_to_byte, strip_bom, Position, PositionEncoding, Span, BOM};
use crate::incremental::ByteEdit;

/// What changed in a document since the version its snapshot analysed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Pending {
    #[default]
    Nothing,
    /// One edit covering every change since (see [`ByteEdit::then`]).
    Edit(ByteEdit),
    /// The whole text was replaced: analyse it from scratch.
    Reset,
}

impl Pending {
    /// Adds a change: `None` for a replacement of the whole text.
    pub fn push(&mut self, edit: Option<ByteEdit>) {
        *self = match (std::mem::take(self), edit) {
            (_, None) | (Pending::Reset, _) => Pending::Reset,
            (Pending::Nothing, Some(edit)) => Pending::Edit(edit),
            (Pending::Edit(before), Some(edit)) => Pending::Edit(before.then(&edit)),
        };
    }

    /// Adds the changes of `next`, which follow these.
    pub(super) fn append(&mut self, next: Pending) {
        match next {
            Pending::Nothing => {}
            Pending::Edit(edit) => self.push(Some(edit)),
            Pending::Reset => self.push(None),
        }
    }
}

/// A document's text: a rope while it is edited or hot, a flat string once it is cold, which
/// takes half the memory.
#[derive(Debug, Clone)]
pub enum Text {
    Rope(Rope),
    Flat(Arc<str>),
}

impl Text {
    pub fn len_bytes(&self) -> usize {
        match self {
            Text::Rope(rope) => rope.len_bytes(),
            Text::Flat(text) => text.len(),
        }
    }

    /// The text as a rope, built for a flat text.
    pub fn rope(&self) -> Cow<'_, Rope> {
        match self {
            Text::Rope(rope) => Cow::Borrowed(rope),
            Text::Flat(text) => Cow::Owned(Rope::from_str(text)),
        }
    }

    /// The rope to edit, built once for a flat text.
    fn rope_mut(&mut self) -> &mut Rope {
        if let Text::Flat(text) = self {
            *self = Text::Rope(Rope::from_str(text));
        }
        match self {
            Text::Rope(rope) => rope,
            Text::Flat(_) => unreachable!("made a rope above"),
        }
    }

    /// The text as one string.
    pub fn to_str(&self) -> Cow<'_, str> {
        match self {
            Text::Rope(rope) => Cow::Owned(rope.to_string()),
            Text::Flat(text) => Cow::Borrowed(text),
        }
    }

    pub(super) fn flat(&self) -> Text {
        match self {
            Text::Rope(rope) => Text::Flat(Arc::from(rope.to_string())),
            Text::Flat(text) => Text::Flat(text.clone()),
        }
    }
}

/// How much work the checks of one document did, for `starling/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocStats {
    /// Checks that ran (not counting those that found their version already checked).
    pub checks: u64,
    /// Stories whose rules ran, over every check.
    pub stories_checked: u64,
    /// Story cards (score, follow-ups, spoken time) computed, over every check.
    pub cards_built: u64,
    /// Checks that analysed the document from scratch.
    pub full_checks: u64,
    /// Checks that stopped after the reparse because a newer version had arrived.
    pub cancelled: u64,
}

/// An open document.
///
/// Its text is kept as a rope, edited in place by each change (or as a flat string while the
/// document is cold and unchanged); the syntax tree lives with the snapshot, and the next
/// check brings it up to date with all the changes since in one edit, so that a burst of
/// keystrokes costs one reparse, off the request loop.
pub struct OpenDoc {
    /// The text after the byte order mark the client's text may start with.
    pub text: Text,
    /// Whether the client's text starts with a byte order mark (see
    /// [`super::super::lines::Lines`]).
    pub bom: bool,
    pub version: i32,
    /// Bumped by every change and every configuration change; a check of an older generation
    /// is stale.
    pub(super) generation: u64,
    /// `generation`, for a check under way to see that it is stale.
    pub(super) newest: Arc<AtomicU64>,
    /// The last checked version, current or not: the next check starts from its analysis.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The edits since the version `snapshot` holds, or since the version a check under way
    /// took.
    pub(super) pending: Pending,
    /// Which opening of the document this is: a check of an earlier opening is dropped.
    pub(super) opened: u64,
    /// Held by the check of this document under way, so that the next one starts from its
    /// result.
    pub(super) checking: Arc<tokio::sync::Mutex<()>>,
    pub stats: DocStats,
}

impl OpenDoc {
    /// A document just opened; [`State::open`] numbers the opening.
    pub fn new(text: &str, version: i32) -> Self {
        let (text, bom) = strip_bom(text);
        Self {
            text: Text::Rope(Rope::from_str(text)),
            bom,
            version,
            generation: 0,
            newest: Arc::new(AtomicU64::new(0)),
            snapshot: None,
            pending: Pending::Nothing,
            opened: 0,
            checking: Arc::new(tokio::sync::Mutex::new(())),
            stats: DocStats::default(),
        }
    }

    /// Makes every check of the document so far stale.
    pub(super) fn bump(&mut self) -> u64 {
        self.generation += 1;
        self.newest.store(self.generation, Ordering::SeqCst);
        self.generation
    }

    /// Applies one change (the whole text when `span` is `None`) and records its byte edit.
    /// Positions past a line's end or the text's end are clamped, as [`Document::edit`] does.
    /// `span` is in the client's positions, which count a byte order mark.
    pub fn edit(&mut self, span: Option<Span>, text: &str, encoding: PositionEncoding) {
        let Some(mut span) = span else {
            let (text, bom) = strip_bom(text);
            self.text = Text::Rope(Rope::from_str(text));
            self.bom = bom;
            self.pending.push(None);
            return;
        };
        let width = if self.bom { bom_width(encoding) } else { 0 };
        let in_mark = |at: Position| at.line == 0 && at.character < width;
        let at_start = span.start == Position::new(0, 0) || span.end == Position::new(0, 0);
        if in_mark(span.start) || in_mark(span.end) || (at_start && text.starts_with(BOM)) {
            // The change adds or removes the mark: made to the client's whole text, which
            // is then taken as new.
            let mut whole = String::from(if self.bom { BOM } else { "" });
            whole.push_str(&self.text.to_str());
            let rope = Rope::from_str(&whole);
            let start = position_to_byte(&rope, span.start, encoding);
            let end = position_to_byte(&rope, span.end, encoding);
            whole.replace_range(start.min(end)..start.max(end), text);
            return self.edit(None, &whole, encoding);
        }
        for at in [&mut span.start, &mut span.end] {
            if at.line == 0 {
                at.character -= width;
            }
        }
        let rope = self.text.rope_mut();
        let mut start = position_to_byte(rope, span.start, encoding);
        let mut end = position_to_byte(rope, span.end, encoding);
        if end < start {
            std::mem::swap(&mut start, &mut end);
        }
        let start_char = rope.byte_to_char(start);
        let end_char = rope.byte_to_char(end);
        rope.remove(start_char..end_char);
        rope.insert(start_char, text);
        self.pending
            .push(Some(ByteEdit::new(start..end, text.len())));
    }
}

impl State {
    /// Removes a closed document and all it held.
    pub fn close(&mut self, uri: &Uri) {
        self.docs.remove(uri);
        self.hot.retain(|hot| hot != uri);
    }

    /// Adds an opened document, replacing any earlier opening of `uri`.
    pub fn open(&mut self, uri: Uri, mut doc: OpenDoc) {
        self.opened += 1;
        doc.opened = self.opened;
        self.docs.insert(uri, doc);
    }
}

impl Session {
    /// Applies the changes of one `didChange` to the open document `uri` (each span in the
    /// client's positions, `None` for the whole text), and schedules its check after the
    /// debounce delay. A change to a document that is not open is logged and ignored.
    pub fn change<'a>(
        self: &Arc<Self>,
        uri: Uri,
        version: i32,
        changes: impl IntoIterator<Item = (Option<Span>, &'a str)>,
    ) {
        {
            let mut state = self.state();
            let encoding = state.encoding;
            let Some(doc) = state.docs.get_mut(&uri) else {
                drop(state);
                self.log_later(
                    Level::Warn,
                    format!(
                        "a change to {}, which is not open, was ignored",
                        uri.as_str()
                    ),
                );
                return;
            };
            for (span, text) in changes {
                doc.edit(span, text, encoding);
            }
            doc.version = version;
        }
        self.schedule(uri, false);
    }

    /// Drops a closed document and clears its diagnostics; a bank file is read again from
    /// disk, where its text may differ from the editor's last.
    pub async fn close(self: &Arc<Self>, uri: &Uri) {
        let was_in_bank = {
            let mut state = self.state();
            state.close(uri);
            from_lsp::path(uri).filter(|p| state.bank.contains_key(p))
        };
        self.clear(uri).await;
        if let Some(path) = was_in_bank {
            self.update_bank_file(path).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn changes_count_the_byte_order_mark_the_text_leaves_out() {
        let front = "\u{feff}---\nprompt: Why?\n---\n# Launch\n";
        for (encoding, width) in [(PositionEncoding::Utf16, 1), (PositionEncoding::Utf8, 3)] {
            let mut doc = OpenDoc::new(front, 0);
            assert!(doc.bom);
            assert!(doc.text.to_str().starts_with("---\n"));
            // After the mark on the first line, and on a later line.
            let span = Span::new(at(0, width), at(0, width + 3));
            doc.edit(Some(span), "***", encoding);
            doc.edit(Some(Span::new(at(3, 2), at(3, 8))), "Ship", encoding);
            assert_eq!(doc.text.to_str(), "***\nprompt: Why?\n---\n# Ship\n");
            assert!(matches!(doc.pending, Pending::Edit(_)));
            // Deleting the mark itself: the whole text anew, without a mark.
            doc.edit(Some(Span::new(at(0, 0), at(0, width))), "", encoding);
            assert!(!doc.bom);
            assert_eq!(doc.pending, Pending::Reset);
            assert_eq!(doc.text.to_str(), "***\nprompt: Why?\n---\n# Ship\n");
            // And typing it back at the start.
            doc.edit(Some(Span::new(at(0, 0), at(0, 0))), "\u{feff}", encoding);
            assert!(doc.bom);
            assert_eq!(doc.text.to_str(), "***\nprompt: Why?\n---\n# Ship\n");
        }
    }
}

//! An open document and its checked versions.
//!
//! Every change edits the document's text (a rope) in place and adds its byte edit to the
//! document's [`Pending`] edit, which the next check applies in one reparse. What a check
//! produces is a [`Snapshot`], which requests read.
//!
//! Only the documents used last stay hot (tree, analysis, cards); the others keep their text
//! and findings, and are analysed afresh when next changed or asked about (see [`Snapshot`]).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use ropey::Rope;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::super::lines::{bom_width, Lines};
use super::super::to_lsp;
use super::State;
use crate::assist::{self, Counts, StoryCard};
use crate::config::Config;
use crate::document::{
    position_to_byte, strip_bom, Document, Position, PositionEncoding, Span, BOM,
};
use crate::incremental::{ByteEdit, IncrementalAnalysis};
use crate::rules::Finding;
use crate::story::{shift_range, Outline};

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

    fn flat(&self) -> Text {
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
    /// Whether the client's text starts with a byte order mark (see [`Lines`]).
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

/// A story's card as computed when its story was last checked, and how far the story moved
/// since: the cards of stories an edit did not reach are kept, not computed again.
#[derive(Debug, Clone)]
pub(super) struct CardSlot {
    pub(super) card: Arc<StoryCard>,
    pub(super) moved_by: isize,
}

impl CardSlot {
    pub(super) fn range(&self) -> std::ops::Range<usize> {
        shift_range(&self.card.range, self.moved_by)
    }
}

/// A checked version of a document: everything requests read.
///
/// A document used lately (see [`HOT_DOCUMENTS`]) keeps its syntax tree, incremental analysis
/// and story cards, so that its next check costs what the edit touched and requests are
/// answered at once. The others are kept cold: the text and the findings, which is all their
/// diagnostics need; a request that needs more warms the document up with a fresh analysis.
pub struct Snapshot {
    pub version: i32,
    pub generation: u64,
    /// The checked text: a rope when hot.
    pub text: Text,
    /// Whether the client's text starts with a byte order mark, which `text` leaves out.
    pub bom: bool,
    pub config: Config,
    /// The configuration epoch `config` belongs to (see [`super::Session::reload_configs`]).
    pub(super) epoch: u64,
    /// Whether the document is a story file (by the include globs or its front matter);
    /// other documents get nothing.
    pub is_story: bool,
    pub large: bool,
    /// Whether the document is analysed at all: in the include globs or with front matter.
    pub(super) analysed: bool,
    /// The findings, sorted by position.
    pub(super) findings: Arc<Vec<Finding>>,
    pub(super) stories: usize,
    /// `None` for a cold document, and for one that is not analysed; boxed, so that a cold
    /// snapshot is small.
    pub(super) hot: Option<Box<Hot>>,
    /// The changes from the version the analysis and cards hold to the text's: nothing,
    /// except in what a cancelled check leaves for the next one to start from.
    pub(super) lag: Pending,
    /// Whether a cancelled check left this for the next one to start from: requests never
    /// read it.
    pub(super) parked: bool,
}

/// What only a document used lately keeps.
pub(super) struct Hot {
    /// The text with its syntax tree, to reparse incrementally.
    pub(super) document: Document,
    /// `None` only in what a cancelled first check leaves.
    pub(super) analysis: Option<IncrementalAnalysis>,
    pub(super) cards: Vec<CardSlot>,
    pub(super) counts: Vec<Counts>,
}

/// How many documents stay hot: those last checked or asked about. A document that has gone
/// cold is analysed from scratch when it is next changed or asked about.
pub const HOT_DOCUMENTS: usize = 8;

/// What a check starts from.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) document: Option<Document>,
    pub(super) analysis: Option<IncrementalAnalysis>,
    pub(super) cards: Vec<CardSlot>,
    pub(super) epoch: u64,
    pub(super) lag: Pending,
}

static NO_OUTLINE: LazyLock<Outline> = LazyLock::new(Outline::default);

impl Snapshot {
    /// Whether requests can read this snapshot: not what a cancelled check left.
    pub(super) fn readable(&self) -> bool {
        !self.parked
    }

    /// Whether everything requests read is at hand: the outline and cards too.
    pub fn warm(&self) -> bool {
        self.analysis().is_some() || !self.analysed
    }

    fn analysis(&self) -> Option<&IncrementalAnalysis> {
        self.hot.as_ref().and_then(|hot| hot.analysis.as_ref())
    }

    /// The checked text.
    pub fn text(&self) -> Cow<'_, str> {
        match self.analysis() {
            Some(analysis) => Cow::Borrowed(analysis.text()),
            None => self.text.to_str(),
        }
    }

    /// The checked text as a rope, to convert positions.
    pub fn rope(&self) -> Cow<'_, Rope> {
        self.text.rope()
    }

    /// The checked text, to convert positions as the client counts them.
    pub fn lines(&self) -> Lines<'_> {
        Lines::new(self.rope(), self.bom)
    }

    /// The stories and file metadata; empty for a cold document.
    pub fn outline(&self) -> &Outline {
        self.analysis()
            .map_or(&NO_OUTLINE, |analysis| analysis.outline())
    }

    /// The findings, sorted by position.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many stories the document holds.
    pub fn stories(&self) -> usize {
        self.stories
    }

    fn cards_slots(&self) -> &[CardSlot] {
        self.hot.as_ref().map_or(&[], |hot| &hot.cards)
    }

    /// The card of story `index`; `None` for a cold document.
    pub fn card(&self, index: usize) -> Option<StoryCard> {
        let hot = self.hot.as_ref()?;
        let slot = hot.cards.get(index)?;
        let mut card = slot.card.shifted(slot.moved_by);
        card.index = index;
        card.counts = hot.counts.get(index).copied().unwrap_or_default();
        Some(card)
    }

    /// Every card, in story order.
    pub fn cards(&self) -> impl Iterator<Item = StoryCard> + '_ {
        (0..self.cards_slots().len()).filter_map(|index| self.card(index))
    }

    /// The cards of the stories whose range holds `offset` (ends included).
    pub fn cards_at(&self, offset: usize) -> impl Iterator<Item = StoryCard> + '_ {
        let slots = self.cards_slots();
        let first = slots.partition_point(|slot| slot.range().end < offset);
        (first..slots.len())
            .take_while(move |&index| slots[index].range().start <= offset)
            .filter_map(|index| self.card(index))
    }

    pub fn diagnostics(&self, encoding: PositionEncoding, bank: &[Finding]) -> Vec<Diagnostic> {
        if !self.is_story {
            return Vec::new();
        }
        let bank = if bank.is_empty() {
            Vec::new()
        } else if self.analysis().is_some() {
            assist::finish_bank_findings_with(&self.text(), self.outline(), bank, &self.config)
        } else {
            assist::finish_bank_findings(&self.text(), bank, &self.config)
        };
        let rope = self.lines();
        let mut out: Vec<Diagnostic> = self
            .findings
            .iter()
            .chain(&bank)
            .map(|finding| to_lsp::diagnostic(&rope, finding, encoding))
            .collect();
        if self.large {
            out.push(to_lsp::large_file_diagnostic(
                self.text.len_bytes(),
                self.config.max_file_size(),
            ));
        }
        out
    }

    /// The same version, cold: without the tree, analysis and cards, the text flat and the
    /// findings without their fixes (code actions warm the document up again). A snapshot a
    /// cancelled check left has nothing to keep.
    pub(super) fn cooled(&self) -> Option<Snapshot> {
        if self.parked {
            return None;
        }
        let mut findings: Vec<Finding> = self
            .findings
            .iter()
            .map(|finding| Finding {
                fix: None,
                ..finding.clone()
            })
            .collect();
        findings.shrink_to_fit();
        Some(Snapshot {
            version: self.version,
            generation: self.generation,
            text: self.text.flat(),
            config: self.config.clone(),
            epoch: self.epoch,
            is_story: self.is_story,
            bom: self.bom,
            large: self.large,
            analysed: self.analysed,
            findings: Arc::new(findings),
            stories: self.stories,
            hot: None,
            lag: Pending::Nothing,
            parked: false,
        })
    }

    /// The document, analysis and cards, to start the next check from: taken when no one
    /// else holds the snapshot, copied otherwise.
    pub(super) fn into_parts(self: Arc<Self>) -> Parts {
        let (hot, epoch, lag) = match Arc::try_unwrap(self) {
            Ok(snapshot) => (snapshot.hot, snapshot.epoch, snapshot.lag),
            Err(shared) => {
                let hot = shared.hot.as_ref().map(|hot| {
                    Box::new(Hot {
                        document: hot.document.clone(),
                        analysis: hot.analysis.clone(),
                        cards: hot.cards.clone(),
                        counts: Vec::new(),
                    })
                });
                (hot, shared.epoch, shared.lag.clone())
            }
        };
        match hot.map(|hot| *hot) {
            Some(hot) => Parts {
                document: Some(hot.document),
                analysis: hot.analysis,
                cards: hot.cards,
                epoch,
                lag,
            },
            None => Parts::default(),
        }
    }
}

impl State {
    /// Marks `uri` as used last; the document used longest ago beyond [`HOT_DOCUMENTS`] goes
    /// cold.
    pub(super) fn keep_hot(&mut self, uri: &Uri) {
        self.hot.retain(|hot| hot != uri);
        self.hot.push_back(uri.clone());
        while self.hot.len() > HOT_DOCUMENTS {
            let Some(cold) = self.hot.pop_front() else {
                break;
            };
            if let Some(doc) = self.docs.get_mut(&cold) {
                doc.snapshot = doc
                    .snapshot
                    .as_ref()
                    .and_then(|snapshot| snapshot.cooled())
                    .map(Arc::new);
                // Unchanged since: the open document shares the flat text.
                if let Some(snapshot) = &doc.snapshot {
                    if doc.pending == Pending::Nothing
                        && doc.text.len_bytes() == snapshot.text.len_bytes()
                    {
                        doc.text = snapshot.text.clone();
                    }
                }
            }
        }
    }

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

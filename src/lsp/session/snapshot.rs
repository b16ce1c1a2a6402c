//! A checked version of a document, which requests read, and which documents stay hot.
//!
//! Only the documents used last stay hot (tree, analysis, cards); the others keep their text
//! and findings, and are analysed afresh when next changed or asked about (see [`Snapshot`]).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use ropey::Rope;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::super::lines::Lines;
use super::super::to_lsp;
use super::{Pending, State, Text};
use crate::assist::{self, StoryCard};
use crate::config::Config;
use crate::document::{Document, PositionEncoding};
use crate::incremental::IncrementalAnalysis;
use crate::rules::Finding;
use crate::story::Outline;

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
    /// `None` only in what a cancelled first check leaves. It keeps the story cards too: a
    /// check makes them all for a story file.
    pub(super) analysis: Option<IncrementalAnalysis>,
}

/// How many documents stay hot: those last checked or asked about. A document that has gone
/// cold is analysed from scratch when it is next changed or asked about.
pub const HOT_DOCUMENTS: usize = 8;

/// What a check starts from.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) document: Option<Document>,
    pub(super) analysis: Option<IncrementalAnalysis>,
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

    /// The analysis of a story file, whose cards the check made.
    fn story_analysis(&self) -> Option<&IncrementalAnalysis> {
        self.analysis().filter(|_| self.is_story)
    }

    /// Makes every card the check left to make, so that requests find them all; how many it
    /// made.
    pub(super) fn make_cards(&self) -> u64 {
        let Some(analysis) = self.story_analysis() else {
            return 0;
        };
        let made = analysis.cards_made();
        analysis.cards().for_each(drop);
        analysis.cards_made() - made
    }

    /// The card of story `index`; `None` for a cold document.
    pub fn card(&self, index: usize) -> Option<StoryCard> {
        self.story_analysis()?.card(index).cloned()
    }

    /// Every card, in story order.
    pub fn cards(&self) -> impl Iterator<Item = StoryCard> + '_ {
        self.story_analysis()
            .into_iter()
            .flat_map(|analysis| analysis.cards().cloned())
    }

    /// The cards of the stories whose range holds `offset` (ends included).
    pub fn cards_at(&self, offset: usize) -> impl Iterator<Item = StoryCard> + '_ {
        let stories = self
            .story_analysis()
            .map_or(&[][..], |analysis| &analysis.outline().stories[..]);
        // A card's range is its story's.
        let first = stories.partition_point(|story| story.range.end < offset);
        let last = first + stories[first..].partition_point(|story| story.range.start <= offset);
        (first..last).filter_map(|index| self.card(index))
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
                    })
                });
                (hot, shared.epoch, shared.lag.clone())
            }
        };
        match hot.map(|hot| *hot) {
            Some(hot) => Parts {
                document: Some(hot.document),
                analysis: hot.analysis,
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
}

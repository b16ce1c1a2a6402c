//! Analysis that follows edits: work proportional to the edit, not to the document.
//!
//! After an edit the tree is reparsed incrementally (by [`Document`]). Then only the top-level
//! blocks around the edit are scanned again for headings, labels and metadata lines, and the
//! stories are assembled from that index, moving the stories of every region the edit did not
//! reach instead of building them again. Only the stories whose region met the edited window
//! are checked again; every other story keeps its findings, moved by the edit's length change.
//! The result always equals a fresh [`analysis::analyze`] of the new text; the tests in
//! `tests/incremental.rs` hold it to that.
//!
//! One invariant makes the reuse sound: a story's findings depend only on its own bytes, its
//! [`Story`](crate::story::Story) value, the file's front matter and the configuration. A rule
//! that reads outside its story breaks it (and the randomized test).

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::analysis::{self, Analysis};
use crate::assist::{self, Counts, StoryCard};
use crate::bank::StorySummary;
use crate::config::Config;
use crate::document::{shift, Document, Shift, Syntax};
use crate::rules::suppress::{directives, MARK};
use crate::rules::Finding;
use crate::story::{Assembly, Outline, Reuse, Scan};

mod cards;
mod edit;
mod window;

pub use edit::ByteEdit;
use window::window;

/// What an update changed, as [`IncrementalAnalysis::update`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing: the edit replaced no bytes with no bytes.
    Unchanged,
    /// The stories the edit reached lie in this range (indices in the new outline): they were
    /// found and checked again ([`IncrementalAnalysis::last_checked`] lists them exactly) and
    /// get new cards and summaries when next asked for; every other story is the old one moved
    /// by the edit, with its findings, card and summary. An empty range means the edit reached
    /// no story. Findings (and so the finding counts on cards) of the other stories
    /// can still change when the edit wrote or removed a suppression comment.
    Stories(Range<usize>),
    /// Everything was analysed again: a reset, a new configuration, an edit that did not
    /// match the text, or one that reached every story. No card or summary was kept.
    Everything,
}

/// The analysis of one document, kept current edit by edit.
///
/// It is `Send` and `Sync`; [`IncrementalAnalysis::snapshot`] hands out the findings and the
/// outline of the latest analysed version behind `Arc`s, so a reader never waits for the next
/// update.
#[derive(Clone)]
pub struct IncrementalAnalysis {
    config: Config,
    /// The analysed text: rules read `&str`, and a copy edited in place costs one `memmove`.
    text: String,
    /// The syntax of `text`, to find block boundaries in the old offsets.
    syntax: Syntax,
    scan: Scan,
    assembly: Assembly,
    outline: Arc<Outline>,
    /// Raw findings (before configuration and directives) of each story.
    story_findings: Vec<Vec<Finding>>,
    findings: Arc<Vec<Finding>>,
    /// Where each story's findings lie in `findings`, when the text has no inline directive (so
    /// that a story's finished findings depend on that story alone) and they lie in one run
    /// each, in story order, with no file finding among them: then an update moves the
    /// untouched stories' findings instead of finishing them again.
    spans: Option<Vec<Range<usize>>>,
    version: u64,
    analyses: u64,
    last_checked: Vec<usize>,
    last_change: Change,
    /// Each story's card, made when first asked for and moved with its story; counts at zero
    /// (they are filled in from `counts` on the way out).
    cards: Vec<OnceLock<StoryCard>>,
    /// Each story's bank summary, made when first asked for and moved with its story; `ready`
    /// is filled in from `counts` on the way out.
    summaries: Vec<OnceLock<StorySummary>>,
    /// How many finished findings of each severity each story has.
    counts: Vec<Counts>,
    cards_made: cards::Counter,
}

/// The findings and outline of one analysed version, cheap to clone.
#[derive(Debug, Clone)]
pub struct AnalysisSnapshot {
    /// How many updates the analysis had taken (0 for the first analysis).
    pub version: u64,
    pub outline: Arc<Outline>,
    /// Findings sorted by position, configuration and directives applied.
    pub findings: Arc<Vec<Finding>>,
}

impl IncrementalAnalysis {
    /// Analyses `doc` from scratch.
    pub fn new(doc: &Document, config: Config) -> Self {
        let text = doc.text();
        let syntax = doc.syntax().clone();
        let scan = Scan::new(&text, &syntax, 0..text.len());
        let (outline, assembly) = scan.assemble(&text, None);
        let mut this = Self {
            config,
            text,
            syntax,
            scan,
            assembly,
            outline: Arc::new(Outline::default()),
            story_findings: Vec::new(),
            findings: Arc::new(Vec::new()),
            spans: None,
            version: 0,
            analyses: 0,
            last_checked: Vec::new(),
            last_change: Change::Everything,
            cards: Vec::new(),
            summaries: Vec::new(),
            counts: Vec::new(),
            cards_made: Default::default(),
        };
        let checked = (0..outline.stories.len()).collect();
        this.check(outline, Vec::new(), checked, None, None);
        this
    }

    /// Brings the analysis up to date with `doc` after `edit` (see [`ByteEdit::then`] for a
    /// burst of edits). Re-scans the blocks around the edit and re-checks the stories it
    /// touched; falls back to a full analysis when `edit` does not match the document. Returns
    /// what changed (also kept as [`Self::last_change`]).
    pub fn update(&mut self, doc: &Document, edit: &ByteEdit) -> Change {
        let change = self.apply(doc, edit);
        self.last_change = change.clone();
        change
    }

    fn apply(&mut self, doc: &Document, edit: &ByteEdit) -> Change {
        let old_len = self.text.len();
        let ByteEdit { range, new_len } = edit.clone();
        let consistent = range.start <= range.end
            && range.end <= old_len
            && self.text.is_char_boundary(range.start)
            && self.text.is_char_boundary(range.end)
            && old_len - range.len() + new_len == doc.len_bytes();
        if !consistent {
            return self.reset(doc);
        }
        if range.is_empty() && new_len == 0 {
            return Change::Unchanged;
        }
        let inserted = doc
            .rope()
            .get_byte_slice(range.start..range.start + new_len)
            .map(|slice| slice.to_string());
        let Some(inserted) = inserted else {
            return self.reset(doc);
        };
        self.text.replace_range(range.clone(), &inserted);
        let delta = edit.delta();
        let new_syntax = doc.syntax().clone();
        let Some(window) = window(&self.syntax, old_len, &new_syntax, self.text.len(), edit) else {
            self.syntax = new_syntax;
            return self.rebuild();
        };

        let fresh = Scan::new(&self.text, &new_syntax, window.clone());
        let old_end = if window.end >= self.text.len() {
            usize::MAX
        } else {
            shift(window.end, -delta)
        };
        let old_file = self.scan.file().clone();
        self.scan.splice(window.start..old_end, fresh, delta);
        self.syntax = new_syntax;
        let file_changed = *self.scan.file() != old_file;

        let old_outline = std::mem::take(&mut self.outline);
        let old_stories = Arc::try_unwrap(old_outline)
            .map(|outline| outline.stories)
            .unwrap_or_else(|shared| shared.stories.clone());
        let mut reuse = Reuse {
            window: window.clone(),
            delta,
            old: std::mem::take(&mut self.assembly),
            stories: old_stories.into_iter().map(Some).collect(),
        };
        let (outline, assembly) = self.scan.assemble(&self.text, Some(&mut reuse));
        self.assembly = assembly;

        let mut old_findings: Vec<Option<Vec<Finding>>> = std::mem::take(&mut self.story_findings)
            .into_iter()
            .map(Some)
            .collect();
        let mut kept = Vec::with_capacity(outline.stories.len());
        let mut checked = Vec::new();
        let mut moves = Vec::with_capacity(outline.stories.len());
        for (index, reused) in self.assembly.reused.iter().enumerate() {
            let moved = reused
                .filter(|_| !file_changed)
                .and_then(|(old, moved_by)| {
                    Some((old_findings.get_mut(old)?.take()?, old, moved_by))
                });
            match moved {
                Some((mut findings, old, moved_by)) => {
                    for finding in &mut findings {
                        move_finding(finding, moved_by, index);
                    }
                    kept.push(Some(findings));
                    moves.push(Some((old, moved_by)));
                }
                None => {
                    kept.push(None);
                    checked.push(index);
                    moves.push(None);
                }
            }
        }
        // A directive written or changed in the window can silence findings of any story.
        let quiet = !self.text[window.clone()].contains(MARK);

        let stories = outline.stories.len();
        let change = match (checked.first(), checked.last()) {
            _ if checked.len() == stories => Change::Everything,
            (Some(&first), Some(&last)) => Change::Stories(first..last + 1),
            _ => {
                let at = outline
                    .stories
                    .partition_point(|story| story.range.end <= window.start);
                Change::Stories(at..at)
            }
        };
        self.check(outline, kept, checked, Some(moves), Some(quiet));
        change
    }

    /// Analyses `doc` from scratch, keeping the counters.
    pub fn reset(&mut self, doc: &Document) -> Change {
        self.text = doc.text();
        self.syntax = doc.syntax().clone();
        self.last_change = self.rebuild();
        Change::Everything
    }

    /// Replaces the configuration and re-checks every story.
    pub fn set_config(&mut self, config: Config) -> Change {
        self.config = config;
        self.last_change = self.rebuild();
        Change::Everything
    }

    /// What the last update (or reset) changed.
    pub fn last_change(&self) -> &Change {
        &self.last_change
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The analysed text.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn outline(&self) -> &Arc<Outline> {
        &self.outline
    }

    /// Findings of the latest analysed version, sorted by position.
    pub fn findings(&self) -> &Arc<Vec<Finding>> {
        &self.findings
    }

    /// The latest findings and outline, behind `Arc`s.
    pub fn snapshot(&self) -> AnalysisSnapshot {
        AnalysisSnapshot {
            version: self.version,
            outline: Arc::clone(&self.outline),
            findings: Arc::clone(&self.findings),
        }
    }

    /// The latest version as a plain [`Analysis`] (clones the outline and findings).
    pub fn analysis(&self) -> Analysis {
        Analysis {
            outline: (*self.outline).clone(),
            findings: (*self.findings).clone(),
        }
    }

    /// How many updates this analysis has taken.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many times a story was checked, since this analysis was created.
    pub fn analyses(&self) -> u64 {
        self.analyses
    }

    /// The stories (indices in the current outline) the last update checked again.
    pub fn last_checked(&self) -> &[usize] {
        &self.last_checked
    }

    fn rebuild(&mut self) -> Change {
        self.scan = Scan::new(&self.text, &self.syntax, 0..self.text.len());
        let (outline, assembly) = self.scan.assemble(&self.text, None);
        self.assembly = assembly;
        let checked = (0..outline.stories.len()).collect();
        self.check(outline, Vec::new(), checked, None, None);
        Change::Everything
    }

    /// Checks the stories `checked` of `outline`, takes the `kept` findings of the others, and
    /// applies configuration and directives. `moves` says, for each story, which old story it
    /// is and how far it moved (`None`: every story is new); `quiet`, whether the update
    /// touched no directive.
    fn check(
        &mut self,
        outline: Outline,
        mut kept: Vec<Option<Vec<Finding>>>,
        checked: Vec<usize>,
        moves: Option<Vec<Option<(usize, isize)>>>,
        quiet: Option<bool>,
    ) {
        self.carry(&outline, moves.as_deref());
        let moves = moves.filter(|_| quiet == Some(true));
        kept.resize(outline.stories.len(), None);
        let found = analysis::check_stories(&self.text, &outline, &checked, &self.config);
        for (&index, findings) in checked.iter().zip(found) {
            kept[index] = Some(findings);
        }
        self.analyses += checked.len() as u64;
        self.story_findings = kept.into_iter().map(Option::unwrap_or_default).collect();
        let moved = match (moves, self.spans.take()) {
            (Some(moves), Some(spans)) => self.move_findings(&outline, &moves, &spans),
            _ => None,
        };
        match moved {
            Some((findings, spans)) => {
                self.findings = Arc::new(findings);
                self.spans = Some(spans);
            }
            None => self.finish_all(&outline),
        }
        self.counts = assist::story_counts(&self.findings, outline.stories.len());
        for (slot, counts) in self.cards.iter_mut().zip(&self.counts) {
            if let Some(card) = slot.get_mut() {
                card.counts = *counts;
            }
        }
        self.outline = Arc::new(outline);
        self.last_checked = checked;
        self.version += 1;
    }

    /// Applies configuration and directives to every story's findings.
    fn finish_all(&mut self, outline: &Outline) {
        let directives = directives(&self.text, &outline.opaque);
        let mut raw: Vec<Finding> = self.story_findings.iter().flatten().cloned().collect();
        raw.extend(analysis::file_findings(outline, &directives));
        let findings = analysis::finish_with(&self.text, outline, raw, &self.config, &directives);
        self.spans = if directives.is_empty() {
            story_spans(&findings, outline.stories.len())
        } else {
            None
        };
        self.findings = Arc::new(findings);
    }

    /// With no directive in the text, the finished findings of a story depend on it alone: moves
    /// the findings of the stories `moves` names out of the old list, finishes those of the
    /// others, and returns the new list and its spans. `None` when the result would need a
    /// file finding or a sort, which [`Self::finish_all`] handles.
    fn move_findings(
        &mut self,
        outline: &Outline,
        moves: &[Option<(usize, isize)>],
        spans: &[Range<usize>],
    ) -> Option<(Vec<Finding>, Vec<Range<usize>>)> {
        if !analysis::file_findings(outline, &[]).is_empty() {
            return None;
        }
        let old = std::mem::take(&mut self.findings);
        let old = Arc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone());
        let mut old = old.into_iter();
        // How many findings of the old list `old` has handed out.
        let mut position = 0;
        let mut out = Vec::with_capacity(old.len() + 8);
        let mut new_spans = Vec::with_capacity(moves.len());
        for (index, moved) in moves.iter().enumerate() {
            let start = out.len();
            match *moved {
                Some((from, by)) => {
                    let span = spans.get(from)?;
                    if span.start < position {
                        return None;
                    }
                    if span.start > position {
                        old.nth(span.start - position - 1);
                    }
                    for mut finding in old.by_ref().take(span.len()) {
                        move_finding(&mut finding, by, index);
                        out.push(finding);
                    }
                    position = span.end;
                }
                None => {
                    let raw = self.story_findings[index].clone();
                    out.extend(analysis::finish_with(
                        &self.text,
                        outline,
                        raw,
                        &self.config,
                        &[],
                    ));
                }
            }
            new_spans.push(start..out.len());
        }
        let sorted = out.is_sorted_by(|a, b| order(a) <= order(b));
        sorted.then_some((out, new_spans))
    }
}

/// The order of finished findings.
fn order(finding: &Finding) -> (usize, usize, &'static str) {
    (finding.range.start, finding.range.end, finding.rule)
}

/// Where each of `stories` stories' findings lie in `findings`, if each story's lie in one run,
/// in story order, and every finding belongs to a story.
fn story_spans(findings: &[Finding], stories: usize) -> Option<Vec<Range<usize>>> {
    let mut spans = Vec::with_capacity(stories);
    let mut at = 0;
    for story in 0..stories {
        let start = at;
        while findings.get(at).is_some_and(|f| f.story == Some(story)) {
            at += 1;
        }
        spans.push(start..at);
    }
    (at == findings.len()).then_some(spans)
}

impl std::fmt::Debug for IncrementalAnalysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncrementalAnalysis")
            .field("len", &self.text.len())
            .field("stories", &self.outline.stories.len())
            .field("findings", &self.findings.len())
            .field("version", &self.version)
            .finish()
    }
}

/// Moves a reused finding by `delta` and renumbers its story.
fn move_finding(finding: &mut Finding, delta: isize, story: usize) {
    finding.shift(delta);
    if finding.story.is_some() {
        finding.story = Some(story);
    }
}

//! One check of a document version, run off the request loop.
//!
//! A check costs what the edits since the last check touched: it takes the last snapshot's
//! tree and [`IncrementalAnalysis`], reparses once for the whole pending edit, and updates the
//! analysis, which re-checks only the stories the edit reached and keeps the cards and bank
//! summaries of every other story, moved by the edit. Its findings are published; then
//! [`Snapshot::make_cards`] makes the cards the edit left to make, so that requests answer at
//! once. A scheduled check that finds a newer version waiting after its reparse stops there
//! and leaves its work to the next.
//!
//! A scheduled check that analyses a document over [`TOP_FROM`] from scratch (on opening it,
//! say) first checks the stories at its top ([`check_top`]) and hands their findings over, to
//! be published at once; the whole check's publish replaces them.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use ropey::Rope;

use super::scheduling::Job;
use super::snapshot::Hot;
use super::{Pending, Snapshot, Text};
use crate::analysis::{check_top, isolate, TOP_WINDOW};
use crate::assist::FileSummary;
use crate::document::Document;
use crate::incremental::{Change, IncrementalAnalysis};
use crate::workspace::{self, Verdict};

/// The size from which a document analysed from scratch has the stories at its top checked
/// and published first.
pub(super) const TOP_FROM: usize = 64 * 1024;

/// Where a check hands the findings of the stories at the top of a document, as a snapshot
/// that holds only them, to publish before the whole check ends.
pub(super) type TopSender = tokio::sync::mpsc::UnboundedSender<Snapshot>;

/// What one check did, for `starling/stats`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Work {
    pub(super) stories_checked: u64,
    pub(super) cards_built: u64,
    pub(super) full_checks: u64,
    pub(super) cancelled: u64,
}

/// `previous` (the last checked version's document) brought to `text` by `pending`, in one
/// edit and one incremental reparse; parsed from scratch when there is no previous document or
/// the edit does not lead to `text`. Also returns what changed, for the analysis.
fn bring_up_to_date(
    previous: Option<Document>,
    pending: Pending,
    text: &Rope,
) -> (Document, Pending) {
    let fresh = || (Document::new(&text.to_string()), Pending::Reset);
    let Some(mut document) = previous else {
        return fresh();
    };
    match pending {
        Pending::Nothing if document.len_bytes() == text.len_bytes() => {
            (document, Pending::Nothing)
        }
        Pending::Edit(edit) => {
            let inserted = text
                .get_byte_slice(edit.range.start..edit.range.start + edit.new_len)
                .map(String::from);
            let fits = edit.range.end <= document.len_bytes()
                && document.len_bytes() - edit.range.len() + edit.new_len == text.len_bytes();
            match inserted {
                Some(inserted) if fits => {
                    document.edit_bytes(edit.range.clone(), &inserted);
                    if document.len_bytes() == text.len_bytes() {
                        (document, Pending::Edit(edit))
                    } else {
                        fresh()
                    }
                }
                _ => fresh(),
            }
        }
        _ => fresh(),
    }
}

/// In debug builds, `STARLING_DEBUG_SLOW_CHECK_MS` makes every check take at least that long,
/// so that a test can show what a request does while a check is under way.
fn slow_for_tests() {
    if cfg!(debug_assertions) {
        if let Some(ms) = std::env::var("STARLING_DEBUG_SLOW_CHECK_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }
}

/// Checks one document version, from the last checked version when there is one. Runs on a
/// blocking thread; a panic becomes an error. Also returns the document's bank summary when it
/// is a story file. The cards are left to [`Snapshot::make_cards`]. With `top`, a document
/// over [`TOP_FROM`] analysed from scratch has the stories at its top checked first, and their
/// findings sent there.
pub(super) fn run_job(
    job: Job,
    top: Option<TopSender>,
) -> Result<(Snapshot, Work, Option<FileSummary>), String> {
    slow_for_tests();
    catch_unwind(AssertUnwindSafe(|| {
        let large = job.text.len_bytes() as u64 > job.config.max_file_size();
        let mut work = Work::default();
        // A document outside the include globs is checked only if its front matter says it
        // holds stories; one the exclude globs name, never.
        let by_path = job.verdict == Verdict::ByPath;
        let analysed = by_path
            || (job.verdict == Verdict::NotStories && workspace::has_front_matter(&job.text));
        let mut snapshot = Snapshot {
            version: job.version,
            generation: job.generation,
            text: Text::Rope(job.text.clone()),
            bom: job.bom,
            config: job.config.clone(),
            epoch: job.epoch,
            is_story: by_path,
            large,
            analysed,
            findings: Arc::default(),
            stories: 0,
            hot: None,
            lag: Pending::Nothing,
            parked: false,
        };
        if !analysed {
            return (snapshot, work, None);
        }
        let previous = job.previous.map(Snapshot::into_parts).unwrap_or_default();
        let from_scratch = previous.analysis.is_none()
            || previous.epoch != job.epoch
            || job.pending == Pending::Reset
            || previous.lag == Pending::Reset;
        if let Some(top) = top.filter(|_| from_scratch && job.text.len_bytes() > TOP_FROM) {
            if let Some(first) = check_the_top(&snapshot, by_path) {
                let _ = top.send(first);
            }
        }
        let (document, change) = bring_up_to_date(previous.document, job.pending, &job.text);
        // One rope for the open document, the snapshot and the tree's text.
        snapshot.text = Text::Rope(document.rope().clone());
        // What changed since the version the analysis holds.
        let mut pending = previous.lag;
        pending.append(change);
        let stale = job
            .newest
            .as_ref()
            .is_some_and(|newest| newest.load(Ordering::SeqCst) != job.generation);
        if stale {
            // A newer version is waiting: leave the reparsed document, and the analysis with
            // the changes it lags behind, for its check.
            work.cancelled = 1;
            snapshot.epoch = previous.epoch;
            snapshot.hot = Some(Box::new(Hot {
                document,
                analysis: previous.analysis,
            }));
            snapshot.lag = pending;
            snapshot.parked = true;
            return (snapshot, work, None);
        }

        let analysis = previous.analysis.filter(|_| previous.epoch == job.epoch);
        // The analysis brought up to date, what changed, and how many cards it had made.
        let (analysis, change) = match (analysis, &pending) {
            (Some(analysis), Pending::Nothing) => (analysis, Change::Unchanged),
            (Some(mut analysis), Pending::Edit(edit)) => {
                let change = analysis.update(&document, edit);
                (analysis, change)
            }
            (Some(mut analysis), Pending::Reset) => {
                let change = analysis.reset(&document);
                (analysis, change)
            }
            (None, _) => {
                let analysis = IncrementalAnalysis::new(&document, job.config.clone());
                let change = analysis.last_change().clone();
                (analysis, change)
            }
        };
        if change != Change::Unchanged {
            work.stories_checked = analysis.last_checked().len() as u64;
        }
        if change == Change::Everything {
            work.full_checks = 1;
        }
        snapshot.is_story = by_path || analysis.outline().file.holds_stories;
        snapshot.findings = if snapshot.is_story {
            analysis.findings().clone()
        } else {
            Arc::default()
        };
        snapshot.stories = analysis.outline().stories.len();
        let summary = snapshot.is_story.then(|| analysis.summary());
        snapshot.hot = Some(Box::new(Hot {
            document,
            analysis: Some(analysis),
        }));
        (snapshot, work, summary)
    }))
    .map_err(panic_text)
}

/// `snapshot` (a check's start: no findings yet) with the findings of the stories at the top
/// of its text, when it is a story file and the top settles some stories. A panic costs only
/// this.
fn check_the_top(snapshot: &Snapshot, by_path: bool) -> Option<Snapshot> {
    let Text::Rope(rope) = &snapshot.text else {
        return None;
    };
    // Enough of the text for the window, whole characters.
    let head = rope
        .slice(..rope.byte_to_char(rope.len_bytes().min(TOP_FROM)))
        .to_string();
    let top = isolate(
        || "checking the stories at the top".to_string(),
        || check_top(&head, TOP_WINDOW, &snapshot.config),
    )
    .flatten()?;
    (by_path || top.holds_stories).then(|| Snapshot {
        version: snapshot.version,
        generation: snapshot.generation,
        text: snapshot.text.clone(),
        bom: snapshot.bom,
        config: snapshot.config.clone(),
        epoch: snapshot.epoch,
        is_story: true,
        large: snapshot.large,
        analysed: true,
        findings: Arc::new(top.findings),
        stories: top.stories,
        hot: None,
        lag: Pending::Nothing,
        parked: false,
    })
}

/// Makes the cards a check left to make; how many it made. Run on the check's lane after its
/// findings are published; a panic costs the cards, which requests then make when asked.
pub(super) fn make_cards(snapshot: &Snapshot) -> u64 {
    catch_unwind(AssertUnwindSafe(|| snapshot.make_cards())).unwrap_or(0)
}

fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Position;
    use crate::document::{PositionEncoding, Span};
    use crate::lsp::session::OpenDoc;

    fn span(doc: &OpenDoc, range: std::ops::Range<usize>) -> Span {
        let rope = doc.text.rope();
        let at = |byte| {
            let p = crate::document::byte_to_position(&rope, byte, PositionEncoding::Utf8);
            Position::new(p.line, p.character)
        };
        Span {
            start: at(range.start),
            end: at(range.end),
        }
    }

    #[test]
    fn a_burst_of_changes_is_one_edit_and_one_reparse_to_the_same_tree() {
        let text = "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";
        let mut doc = OpenDoc::new(text, 0);
        let base = Document::new(text);
        let changes: [(std::ops::Range<usize>, &str); 5] = [
            (26..26, "big "),
            (0..0, "---\ntheme: star\n---\n"),
            (40..45, ""),
            (60..60, "\n\n## Result\nWe slipped 2 weeks.\n"),
            (3..3, "😀"),
        ];
        for (range, insert) in changes {
            let span = span(&doc, range);
            doc.edit(Some(span), insert, PositionEncoding::Utf8);
        }
        let rope = doc.text.rope().into_owned();
        let (document, change) = bring_up_to_date(Some(base), doc.pending.clone(), &rope);
        assert!(matches!(change, Pending::Edit(_)), "{change:?}");
        let fresh = Document::new(&rope.to_string());
        assert_eq!(document.text(), fresh.text());
        assert!(document.syntax().outline() == fresh.syntax().outline());
    }

    #[test]
    fn a_replacement_of_the_whole_text_parses_afresh() {
        let mut doc = OpenDoc::new("# One\n", 0);
        doc.edit(
            None,
            "# Two\n\n## Action\nI did.\n",
            PositionEncoding::Utf16,
        );
        let span = span(&doc, 2..2);
        doc.edit(Some(span), "x", PositionEncoding::Utf16);
        assert_eq!(doc.pending, Pending::Reset);
        let rope = doc.text.rope().into_owned();
        let (document, change) =
            bring_up_to_date(Some(Document::new("# One\n")), doc.pending.clone(), &rope);
        assert_eq!(change, Pending::Reset);
        assert_eq!(document.text(), "# xTwo\n\n## Action\nI did.\n");
    }
}

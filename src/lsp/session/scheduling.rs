//! When checks run, and on which thread.
//!
//! Every change bumps a document's generation, adds its byte edit to the document's pending
//! edit, and schedules a check after the debounce delay. A check runs on a lane (a long-lived
//! thread); when it starts it gives up if a newer generation exists, and its result is
//! published only if no newer generation has appeared meanwhile. Publishing holds one lock, so
//! an old result can never land over a newer one.
//!
//! The checks of one document run one after another, each from the last one's result (see
//! [`super::checks`]); documents over `max-file-size` are checked on a lane of their own, so
//! that they never hold up the others. Requests read the current snapshot, checking the
//! document first when it has changed since, but wait for that check at most
//! [`REQUEST_WAIT`]: past it, the check goes on (and publishes when done) and the request is
//! answered from the last snapshot there is, or with nothing yet.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ropey::Rope;
use tower_lsp_server::ls_types::Uri;

use super::super::from_lsp;
use super::checks::{make_cards, run_job};
use super::{Level, Pending, Session, Snapshot};
use crate::config::Config;
use crate::workspace::{self, Verdict};

/// The size from which a document is checked on the lane of large documents, even under
/// `max-file-size`: its first check takes seconds, and must not hold up the others'.
const BIG_DOCUMENT: u64 = 256 * 1024;

/// The longest a request waits for a check before it answers with what there is: the first
/// check of a document of several megabytes takes seconds, and a hover or an outline must not.
pub const REQUEST_WAIT: Duration = Duration::from_secs(1);

/// What a check works on.
pub(super) struct Job {
    pub(super) version: i32,
    pub(super) generation: u64,
    /// The text to check.
    pub(super) text: Rope,
    /// Whether the client's text has a byte order mark before `text`.
    pub(super) bom: bool,
    pub(super) config: Config,
    pub(super) epoch: u64,
    /// What the globs say of the document's file.
    pub(super) verdict: Verdict,
    /// The last checked version, to start from.
    pub(super) previous: Option<Arc<Snapshot>>,
    /// The edits from `previous`'s version to `text`.
    pub(super) pending: Pending,
    /// The document's newest generation, when the check may stop once it is not `generation`.
    pub(super) newest: Option<Arc<AtomicU64>>,
}

impl Session {
    /// Schedules a check of `uri` after the debounce delay (at once when `immediate`).
    pub fn schedule(self: &Arc<Self>, uri: Uri, immediate: bool) {
        // Cached after the document's folder was first used: no file is read while typing.
        let (config, _) = self.config_for(from_lsp::path(&uri).as_deref());
        let (generation, delay) = {
            let mut state = self.state();
            let Some(doc) = state.docs.get_mut(&uri) else {
                return;
            };
            let generation = doc.bump();
            let mut delay = if immediate { 0 } else { config.debounce_ms() };
            if doc.text.len_bytes() as u64 > config.max_file_size() {
                delay = delay.max(1_000);
            }
            (generation, delay)
        };
        let this = self.clone();
        tokio::spawn(async move {
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if let Some((snapshot, published)) =
                this.check(&uri, Some(generation), false, true).await
            {
                if !published {
                    this.publish(&uri, &snapshot).await;
                }
            }
            this.flush_config_reports().await;
        });
    }

    /// The snapshot of `uri`'s current version, checking it now if needed. A document over
    /// `max-file-size` is answered from its last snapshot, current or not, rather than made to
    /// wait for a check. `None` for a document that is not open.
    pub async fn snapshot(self: &Arc<Self>, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.read(uri, false).await
    }

    /// [`Session::snapshot`], warm: with the outline and cards, which a cold document gets
    /// from a fresh analysis. For requests about the document's stories.
    pub async fn warm_snapshot(self: &Arc<Self>, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.read(uri, true).await
    }

    async fn read(self: &Arc<Self>, uri: &Uri, warm: bool) -> Option<Arc<Snapshot>> {
        {
            let mut state = self.state();
            let doc = state.docs.get(uri)?;
            if let Some(snapshot) = doc.snapshot.clone() {
                let current = snapshot.generation == doc.generation;
                if snapshot.readable() && (current || snapshot.large) && (!warm || snapshot.warm())
                {
                    if warm {
                        state.keep_hot(uri);
                    }
                    return Some(snapshot);
                }
            }
        }
        // The check runs as a task of its own, so that a request that stops waiting leaves it
        // to finish and keep its result.
        let this = self.clone();
        let target = uri.clone();
        let checking = tokio::spawn(async move {
            let snapshot = this.check(&target, None, warm, false).await;
            this.flush_config_reports().await;
            snapshot.map(|(snapshot, _)| snapshot)
        });
        match tokio::time::timeout(REQUEST_WAIT, checking).await {
            Ok(done) => done.ok().flatten(),
            Err(_) => {
                self.log(
                    Level::Debug,
                    format!(
                        "a request about {} was answered before its check ended",
                        uri.as_str()
                    ),
                )
                .await;
                let state = self.state();
                let snapshot = state.docs.get(uri)?.snapshot.clone()?;
                (snapshot.readable() && (!warm || snapshot.warm())).then_some(snapshot)
            }
        }
    }

    /// Checks the current version of `uri` on a blocking thread, starting from the last
    /// check's analysis. With `only`, gives up unless that generation is still the newest.
    /// With `warm`, a current but cold snapshot is analysed again from scratch. With `publish`,
    /// the check publishes what it finds as soon as it is found: the findings of the stories
    /// at the top of a big document analysed from scratch first, then every finding, before
    /// the cards are made; says whether it published the snapshot it returns.
    async fn check(
        self: &Arc<Self>,
        uri: &Uri,
        only: Option<u64>,
        warm: bool,
        publish: bool,
    ) -> Option<(Arc<Snapshot>, bool)> {
        let path = from_lsp::path(uri);
        let (config, _) = self.config_for(path.as_deref());
        let (checking, large, big) = {
            let state = self.state();
            let doc = state.docs.get(uri)?;
            if only.is_some_and(|generation| generation != doc.generation) {
                return None;
            }
            let len = doc.text.len_bytes() as u64;
            (
                doc.checking.clone(),
                len > config.max_file_size(),
                len > BIG_DOCUMENT,
            )
        };
        let _checking = checking.lock_owned().await;
        let (gate, lane) = if large || big {
            (&self.large_gate, &self.large_lane)
        } else {
            (&self.gate, &self.lane)
        };
        let _permit = gate.clone().acquire_owned().await.ok()?;
        let mut attempts = 0;
        let (job, opened) = loop {
            let (config, root, epoch) = self.config_in(path.as_deref().and_then(Path::parent));
            let mut state = self.state();
            // The configuration was reloaded since: take the new one (but never forever).
            if epoch != state.config_epoch && attempts < 3 {
                attempts += 1;
                continue;
            }
            let doc = state.docs.get_mut(uri)?;
            if only.is_some_and(|generation| generation != doc.generation) {
                return None;
            }
            if let Some(snapshot) = &doc.snapshot {
                let current = snapshot.readable() && snapshot.generation == doc.generation;
                if current && (!warm || snapshot.warm()) {
                    return Some((snapshot.clone(), false));
                }
            }
            let verdict = path.as_deref().map_or(Verdict::NotStories, |p| {
                workspace::by_path(&config, root.as_deref(), p)
            });
            // Requests read a large document's last snapshot while it is checked again;
            // any other document's is handed to the check, which then need not copy it.
            let previous = if large {
                doc.snapshot.clone()
            } else {
                doc.snapshot.take()
            };
            let job = Job {
                version: doc.version,
                generation: doc.generation,
                text: doc.text.rope().into_owned(),
                bom: doc.bom,
                config,
                epoch,
                verdict,
                previous,
                pending: std::mem::take(&mut doc.pending),
                // A scheduled check of a document not over the limit stops early once a newer
                // version arrives; one a request waits for runs to the end.
                newest: (only.is_some() && !large).then(|| doc.newest.clone()),
            };
            break (job, doc.opened);
        };
        // The findings of the stories at the top, published as soon as they are found, and
        // always before the whole check's.
        let (top, early) = if publish {
            let (top, mut found) = tokio::sync::mpsc::unbounded_channel::<Snapshot>();
            let this = self.clone();
            let target = uri.clone();
            let early = tokio::spawn(async move {
                if let Some(first) = found.recv().await {
                    if this.is_open_as(&target, opened) {
                        this.publish_top(&target, &first).await;
                    }
                }
            });
            (Some(top), Some(early))
        } else {
            (None, None)
        };
        let outcome = lane.run(move || run_job(job, top)).await;
        if let Some(early) = early {
            let _ = early.await;
        }
        let outcome = match outcome {
            Some(Ok(done)) => Ok(done),
            Some(Err(message)) => Err(format!("checking {} panicked: {message}", uri.as_str())),
            None => Err(format!(
                "checking {} failed: its thread is gone",
                uri.as_str()
            )),
        };
        let (snapshot, published) = match outcome {
            Ok((snapshot, mut work, summary)) => {
                let snapshot = Arc::new(snapshot);
                let mut published = false;
                if snapshot.readable() && self.is_open_as(uri, opened) {
                    // The bank findings first, which the publish reads; then the findings;
                    // then the cards, which requests wait for.
                    if let (Some(summary), Some(path)) = (summary, from_lsp::path(uri)) {
                        self.update_summary(path, summary);
                    }
                    if publish {
                        self.publish(uri, &snapshot).await;
                        published = true;
                    }
                    let cards = snapshot.clone();
                    work.cards_built = lane.run(move || make_cards(&cards)).await.unwrap_or(0);
                }
                let mut state = self.state();
                let doc = state.docs.get_mut(uri).filter(|doc| doc.opened == opened)?;
                doc.snapshot = Some(snapshot.clone());
                // With no change since, the text is the checked one: share its rope rather
                // than keep two.
                if doc.pending == Pending::Nothing
                    && doc.text.len_bytes() == snapshot.text.len_bytes()
                {
                    doc.text = snapshot.text.clone();
                }
                doc.stats.checks += 1;
                doc.stats.stories_checked += work.stories_checked;
                doc.stats.cards_built += work.cards_built;
                doc.stats.full_checks += work.full_checks;
                doc.stats.cancelled += work.cancelled;
                if snapshot.hot.is_some() {
                    state.keep_hot(uri);
                }
                if !snapshot.readable() {
                    return None;
                }
                (snapshot, published)
            }
            Err(message) => {
                if let Some(doc) = self
                    .state()
                    .docs
                    .get_mut(uri)
                    .filter(|doc| doc.opened == opened)
                {
                    // The next check starts from scratch.
                    doc.snapshot = None;
                    doc.pending = Pending::Nothing;
                }
                self.log(Level::Error, message).await;
                return None;
            }
        };
        Some((snapshot, published))
    }

    /// Whether `uri` is still open as the opening numbered `opened`.
    fn is_open_as(&self, uri: &Uri, opened: u64) -> bool {
        self.state()
            .docs
            .get(uri)
            .is_some_and(|doc| doc.opened == opened)
    }

    /// Re-checks every open document with the current configuration. Push clients get the
    /// new diagnostics as each check ends; pull clients pull them when refreshed.
    pub fn recheck_all(self: &Arc<Self>) {
        let uris: Vec<Uri> = self.state().docs.keys().cloned().collect();
        for uri in uris {
            self.schedule(uri, true);
        }
    }
}

/// A thread that runs checks, one at a time. Checks run on long-lived threads of their own
/// rather than on tokio's blocking pool: the compiled phrase sets keep a matching cache per
/// thread that uses them, so a few threads that live as long as the server keep memory down.
pub(super) struct Lane {
    jobs: Mutex<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

impl Lane {
    pub(super) fn new(name: &str) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let spawned = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    // A job catches its own panics; this keeps the lane alive whatever happens.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            });
        if let Err(err) = spawned {
            eprintln!("starling: cannot start a check thread: {err}");
        }
        Self {
            jobs: Mutex::new(jobs),
        }
    }

    /// Runs `work` on the lane's thread; `None` if the thread is gone.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Box<dyn FnOnce() + Send> = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .ok()?;
        result.await.ok()
    }
}

//! One file per request or notification. A handler converts the params, takes a snapshot
//! from the session, calls the engine or an `assist` helper, and converts the answer back;
//! what to show is decided in the session or in `assist`. Unknown
//! documents and positions get empty answers.

pub mod code_action;
pub mod code_action_resolve;
pub mod code_lens;
pub mod completion;
pub mod diagnostic;
pub mod did_change;
pub mod did_change_configuration;
pub mod did_change_watched_files;
pub mod did_close;
pub mod did_open;
pub mod did_save;
pub mod document_symbol;
pub mod hover;
pub mod initialize;
pub mod initialized;
pub mod shutdown;
pub mod stats;
pub mod workspace_diagnostic;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::ls_types::{Position, Uri, WorkspaceEdit};

use super::session::{Level, Session, Snapshot};
use super::{actions, from_lsp};

/// The byte offset of `position` in `snapshot`, `None` past the last line.
fn offset(session: &Session, snapshot: &Snapshot, position: Position) -> Option<usize> {
    let encoding = session.state().encoding;
    from_lsp::offset(&snapshot.lines(), position, encoding)
}

/// Runs `work` on a blocking thread, so that it holds up no other request; `None` when the
/// request was cancelled before the work started, or the work panicked. `work` is given the
/// request's cancellation flag, set when the request's future is dropped unfinished (as
/// tower-lsp-server does on `$/cancelRequest`), to stop early.
async fn off_the_loop<T: Send + 'static>(
    work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
) -> Option<T> {
    /// Marks the request cancelled when its future is dropped unfinished.
    struct Cancel(Arc<AtomicBool>);
    impl Drop for Cancel {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let guard = Cancel(cancelled.clone());
    let result = tokio::task::spawn_blocking(move || {
        if cancelled.load(Ordering::SeqCst) {
            return None;
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&cancelled))).ok()
    })
    .await
    .ok()
    .flatten();
    drop(guard);
    result
}

/// The fix-all edit of `snapshot`, computed off the request loop; a cancelled request stops
/// the work between rounds of fixes, or leaves it undone if it has not started.
async fn fix_all_edit(
    session: &Arc<Session>,
    snapshot: &Arc<Snapshot>,
    uri: &Uri,
) -> Option<WorkspaceEdit> {
    let (encoding, flags) = {
        let state = session.state();
        (state.encoding, state.flags.clone())
    };
    let snapshot = snapshot.clone();
    let uri = uri.clone();
    let session = session.clone();
    off_the_loop(move |cancelled| {
        session.log_later(Level::Debug, format!("fix-all of {} started", uri.as_str()));
        let edit = actions::fix_all_edit(&snapshot, &uri, encoding, &flags, cancelled);
        if edit.is_none() && cancelled.load(Ordering::SeqCst) {
            session.log_later(
                Level::Debug,
                format!(
                    "fix-all of {} stopped: the request was cancelled",
                    uri.as_str()
                ),
            );
        }
        edit
    })
    .await
    .flatten()
}

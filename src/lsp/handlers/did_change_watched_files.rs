//! `workspace/didChangeWatchedFiles`: a changed `starling.toml` is read again, a changed
//! story file outside the editor re-read into the bank.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_change_watched_files(session: &Arc<Session>, params: DidChangeWatchedFilesParams) {
    let changed = params
        .changes
        .into_iter()
        .filter_map(|change| Some((from_lsp::path(&change.uri)?, change.uri)))
        .collect();
    session.files_changed(changed).await;
}

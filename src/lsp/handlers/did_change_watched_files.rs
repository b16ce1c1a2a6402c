//! `workspace/didChangeWatchedFiles`: a changed `starling.toml` is read again, a changed
//! story file outside the editor re-read into the bank.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_change_watched_files(session: &Arc<Session>, params: DidChangeWatchedFilesParams) {
    let bank_gate = session.bank_gate.write().await;
    let mut config_changed = false;
    let mut bank_changed = false;
    for change in params.changes {
        let Some(path) = from_lsp::path(&change.uri) else {
            continue;
        };
        if path
            .file_name()
            .is_some_and(|n| n == crate::config::FILE_NAME)
        {
            config_changed = true;
        } else if !session.state().docs.contains_key(&change.uri) {
            session.update_bank_file(path).await;
            bank_changed = true;
        }
    }
    drop(bank_gate);
    if config_changed {
        session.config_changed().await;
    } else if bank_changed {
        session.refresh_pulls().await;
    }
}

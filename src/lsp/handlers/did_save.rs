//! `textDocument/didSave`: a saved `starling.toml` is read again.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_save(session: &Arc<Session>, params: DidSaveTextDocumentParams) {
    let is_config = from_lsp::path(&params.text_document.uri)
        .is_some_and(|p| p.file_name().is_some_and(|n| n == crate::config::FILE_NAME));
    if is_config {
        session.config_changed().await;
    }
}

//! `textDocument/didChange`: the changes are applied to the document's text and a check is
//! scheduled after the debounce delay. No file is read: the configuration is cached.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_change(session: &Arc<Session>, params: DidChangeTextDocumentParams) {
    let changes = params
        .content_changes
        .iter()
        .map(|change| (change.range.map(from_lsp::span), change.text.as_str()));
    session.change(
        params.text_document.uri,
        params.text_document.version,
        changes,
    );
}

//! `textDocument/didClose`: the document is dropped and its diagnostics cleared; a bank
//! file is read again from disk.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::lsp::session::Session;

pub async fn did_close(session: &Arc<Session>, params: DidCloseTextDocumentParams) {
    session.close(&params.text_document.uri).await;
}

//! `textDocument/didClose`: the document is dropped and its diagnostics cleared; a bank
//! file is read again from disk.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_close(session: &Arc<Session>, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let was_in_bank = {
        let mut state = session.state();
        state.close(&uri);
        from_lsp::path(&uri).filter(|p| state.bank.contains_key(p))
    };
    session.clear(&uri).await;
    if let Some(path) = was_in_bank {
        session.update_bank_file(path).await;
    }
}

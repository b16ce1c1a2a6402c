//! `textDocument/didOpen`: the document is kept and checked at once.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::session::{OpenDoc, Session};

pub async fn did_open(session: &Arc<Session>, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    // Only the rope is built here, outside the state lock; the first check parses.
    let doc = OpenDoc::new(&item.text, item.version);
    drop(item.text);
    session.state().open(item.uri.clone(), doc);
    session.schedule(item.uri, true);
}

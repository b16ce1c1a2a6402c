//! `textDocument/didChange`: the changes are applied to the document's text and a check is
//! scheduled after the debounce delay.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::from_lsp;
use crate::lsp::session::{Level, Session};

pub async fn did_change(session: &Arc<Session>, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    {
        let mut state = session.state();
        let encoding = state.encoding;
        let Some(doc) = state.docs.get_mut(&uri) else {
            drop(state);
            session.log_later(
                Level::Warn,
                format!(
                    "a change to {}, which is not open, was ignored",
                    uri.as_str()
                ),
            );
            return;
        };
        for change in &params.content_changes {
            doc.edit(change.range.map(from_lsp::span), &change.text, encoding);
        }
        doc.version = params.text_document.version;
    }
    session.schedule(uri, false);
}

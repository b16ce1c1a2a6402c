//! `textDocument/documentSymbol`: the stories and their parts, as an outline.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;
use crate::lsp::to_lsp;

/// The most stories the outline lists: the first ones, in order. An outline of more stories
/// than anyone reads costs the client more than it shows.
const MAX_SYMBOLS: usize = 2_000;

pub async fn document_symbol(
    session: &Arc<Session>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snapshot) = session.warm_snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    if !snapshot.is_story {
        return Ok(Some(DocumentSymbolResponse::Nested(Vec::new())));
    }
    let encoding = session.state().encoding;
    let rope = snapshot.lines();
    // An outline of more stories than anyone reads costs the client more than it shows.
    let symbols = snapshot
        .cards()
        .take(MAX_SYMBOLS)
        .map(|card| to_lsp::story_symbol(&rope, &card, encoding))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

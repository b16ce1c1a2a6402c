//! `textDocument/completion`: part labels, front matter keys and their values.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::assist;
use crate::lsp::session::Session;
use crate::lsp::to_lsp;

pub async fn completion(
    session: &Arc<Session>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let at = params.text_document_position;
    let Some(snapshot) = session.warm_snapshot(&at.text_document.uri).await else {
        return Ok(None);
    };
    let Some(offset) = super::offset(session, &snapshot, at.position) else {
        return Ok(None);
    };
    let candidates = assist::completions_in(
        &snapshot.text(),
        snapshot.outline(),
        offset,
        &snapshot.config,
        snapshot.is_story,
    );
    let encoding = session.state().encoding;
    let rope = snapshot.lines();
    let items = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| to_lsp::completion_item(&rope, c, i, encoding))
        .collect();
    Ok(Some(CompletionResponse::Array(items)))
}

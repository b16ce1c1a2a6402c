//! `textDocument/hover`: on a story's title its card, on a part's label the part, on a
//! competency id its meaning, on a finding its rule.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::assist;
use crate::lsp::session::Session;

pub async fn hover(session: &Arc<Session>, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let Some(snapshot) = session.warm_snapshot(&at.text_document.uri).await else {
        return Ok(None);
    };
    if !snapshot.is_story {
        return Ok(None);
    }
    let Some(offset) = super::offset(session, &snapshot, at.position) else {
        return Ok(None);
    };
    let sections = assist::hover_sections(
        snapshot.cards_at(offset),
        snapshot.outline(),
        || snapshot.text(),
        snapshot.findings(),
        &snapshot.config,
        offset,
    );
    if sections.is_empty() {
        return Ok(None);
    }
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: None,
    }))
}

//! `textDocument/codeLens`: each story's card summary above its title.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;
use crate::lsp::to_lsp;

pub async fn code_lens(
    session: &Arc<Session>,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let Some(snapshot) = session.warm_snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    if !snapshot.is_story {
        return Ok(Some(Vec::new()));
    }
    let encoding = session.state().encoding;
    let rope = snapshot.lines();
    let lenses = snapshot
        .cards()
        .map(|card| {
            let at = card.title.clone().unwrap_or_else(|| card.anchor.clone());
            CodeLens {
                range: to_lsp::range(&rope, &at, encoding),
                command: Some(Command {
                    title: card.lens_title(),
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            }
        })
        .collect();
    Ok(Some(lenses))
}

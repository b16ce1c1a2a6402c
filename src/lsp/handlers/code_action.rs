//! `textDocument/codeAction`: quick fixes and silences of the findings in range, fix-all
//! (its edit computed now only when asked for by kind), labelling parts, a new story.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;
use crate::lsp::{actions, from_lsp};

pub async fn code_action(
    session: &Arc<Session>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = &params.text_document.uri;
    let Some(snapshot) = session.warm_snapshot(uri).await else {
        return Ok(None);
    };
    let (encoding, flags) = {
        let state = session.state();
        (state.encoding, state.flags.clone())
    };
    // A range past the last line ends at the end of the text.
    let range = from_lsp::byte_range(&snapshot.lines(), params.range, encoding);
    let touched = snapshot
        .findings()
        .iter()
        .any(|finding| finding.range.start <= range.end && range.start <= finding.range.end);
    let config_target = if touched {
        session.config_target(&snapshot, uri)
    } else {
        None
    };
    let only = params.context.only.as_deref();
    let request = actions::Request {
        uri,
        range,
        only,
        encoding,
        flags: &flags,
        config_target,
    };
    let mut answer = actions::code_actions(&snapshot, &request);
    if only.is_some() {
        // Fix-all asked for by kind is resolved before answering.
        for item in &mut answer {
            if let CodeActionOrCommand::CodeAction(action) = item {
                if actions::fix_all_target(action).is_some() {
                    action.edit = super::fix_all_edit(session, &snapshot, uri).await;
                    action.data = None;
                }
            }
        }
        answer.retain(|item| match item {
            CodeActionOrCommand::CodeAction(action) => {
                action.edit.is_some() || action.data.is_none()
            }
            CodeActionOrCommand::Command(_) => true,
        });
    }
    Ok(Some(answer))
}

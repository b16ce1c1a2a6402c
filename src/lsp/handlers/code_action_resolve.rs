//! `codeAction/resolve`: the edit of a fix-all action, computed when the action is picked.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::actions;
use crate::lsp::session::Session;

pub async fn code_action_resolve(
    session: &Arc<Session>,
    mut action: CodeAction,
) -> Result<CodeAction> {
    let Some(uri) = actions::fix_all_target(&action) else {
        return Ok(action);
    };
    let Some(snapshot) = session.snapshot(&uri).await else {
        return Ok(action);
    };
    action.edit = super::fix_all_edit(session, &snapshot, &uri).await;
    Ok(action)
}

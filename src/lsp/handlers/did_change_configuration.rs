//! `workspace/didChangeConfiguration`: the settings sent, or pulled when the client sends
//! none, become the editor's layer.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::from_lsp;
use crate::lsp::session::Session;

pub async fn did_change_configuration(
    session: &Arc<Session>,
    params: DidChangeConfigurationParams,
) {
    if from_lsp::settings_section(&params.settings).is_some() {
        session.apply_settings(&params.settings).await;
    } else if session.state().flags.configuration {
        session.pull_settings().await;
    }
}

//! `starling/stats`: how much work the checks of an open document did, so that tests can
//! tell an edit re-checked only the stories it touched, and how many times the server
//! discovered a folder's configuration (`configDiscoveries`, over all documents). `null` for a
//! document not open.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::TextDocumentIdentifier;

use crate::lsp::session::Session;

/// The parameters of `starling/stats`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsParams {
    pub text_document: TextDocumentIdentifier,
}

pub async fn stats(
    session: &Arc<Session>,
    params: StatsParams,
) -> Result<Option<serde_json::Value>> {
    let uri = params.text_document.uri;
    Ok(session.stats(&uri).await.map(|(stats, stories, hot)| {
        serde_json::json!({
            "stories": stories,
            "hot": hot,
            "checks": stats.checks,
            "fullChecks": stats.full_checks,
            "storiesChecked": stats.stories_checked,
            "cardsBuilt": stats.cards_built,
            "cancelled": stats.cancelled,
            "configDiscoveries": session.discoveries.load(Ordering::Relaxed),
        })
    }))
}

//! `initialized`: watches `starling.toml` and Markdown files where the client lets the
//! server register, reads the settings, and starts the bank scan.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::lsp::session::{Level, Session};

pub async fn initialized(session: &Arc<Session>, _: InitializedParams) {
    let flags = session.state().flags.clone();
    if flags.watched_files_dynamic {
        let watchers = ["**/starling.toml", "**/*.md"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "starling-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        if let Err(err) = session.client.register_capability(vec![registration]).await {
            session
                .log(Level::Warn, format!("cannot watch files: {err}"))
                .await;
        }
    }
    if flags.configuration {
        session.pull_settings().await;
    }
    session.flush_config_reports().await;
    let scan = session.clone();
    tokio::spawn(async move { scan.scan_bank().await });
    session.log(Level::Info, "starling is ready").await;
}

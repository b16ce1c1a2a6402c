//! `shutdown`: noted, so that the `exit` that follows ends the process with code 0.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;

use crate::lsp::session::Session;

pub async fn shutdown(session: &Arc<Session>) -> Result<()> {
    session.shutdown_requested.store(true, Ordering::SeqCst);
    Ok(())
}

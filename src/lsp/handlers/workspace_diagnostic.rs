//! `workspace/diagnostic`: a pull client's diagnostics of every bank file, open or not.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;

pub async fn workspace_diagnostic(
    session: &Arc<Session>,
    _: WorkspaceDiagnosticParams,
) -> Result<WorkspaceDiagnosticReportResult> {
    let items = session
        .bank_diagnostics()
        .await
        .into_iter()
        .map(|(uri, version, items)| {
            WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                uri,
                version: version.map(i64::from),
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            })
        })
        .collect();
    Ok(WorkspaceDiagnosticReportResult::Report(
        WorkspaceDiagnosticReport { items },
    ))
}

//! `workspace/diagnostic`: a pull client's diagnostics of every bank file, open or not.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;

pub async fn workspace_diagnostic(
    session: &Arc<Session>,
    _: WorkspaceDiagnosticParams,
) -> Result<WorkspaceDiagnosticReportResult> {
    let _bank_gate = session.bank_gate.read().await;
    let (paths, open): (Vec<_>, Vec<_>) = {
        let state = session.state();
        let paths = state.bank.keys().cloned().collect();
        let open = state.docs.keys().cloned().collect();
        (paths, open)
    };
    let mut items = Vec::new();
    for path in paths {
        let Some(uri) = Uri::from_file_path(&path) else {
            continue;
        };
        if open.contains(&uri) {
            if let Some(snapshot) = session.snapshot(&uri).await {
                let state = session.state();
                let bank = session.bank_findings_for(&state, &uri);
                items.push(WorkspaceDocumentDiagnosticReport::Full(
                    WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version: Some(i64::from(snapshot.version)),
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: snapshot.diagnostics(state.encoding, &bank),
                        },
                    },
                ));
            }
            continue;
        }
        let diagnostics = session.disk_diagnostics(&path);
        if let Some(diagnostics) = diagnostics {
            items.push(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: diagnostics,
                    },
                },
            ));
        }
    }
    Ok(WorkspaceDiagnosticReportResult::Report(
        WorkspaceDiagnosticReport { items },
    ))
}

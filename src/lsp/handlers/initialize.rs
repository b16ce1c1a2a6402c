//! `initialize`: reads what the client supports, its folders and initialization options, and
//! answers with the server's capabilities.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::config::RawConfig;
use crate::lsp::session::{ClientFlags, Level, Session};
use crate::lsp::{actions, from_lsp, to_lsp};

pub async fn initialize(
    session: &Arc<Session>,
    params: InitializeParams,
) -> Result<InitializeResult> {
    let capabilities = &params.capabilities;
    let encoding = from_lsp::encoding(capabilities);
    let text_document = capabilities.text_document.as_ref();
    let workspace = capabilities.workspace.as_ref();
    let flags = ClientFlags {
        // Pull only where the client can be told to pull again after a configuration
        // change, as it says in `workspace.diagnostic.refreshSupport` (read before the
        // params were decoded, see `ExitWatch`); VS Code sends `workspace.diagnostics` and
        // Neovim nothing, so both get push, which they show just as well and which stays
        // current without a refresh.
        pull_diagnostics: text_document.is_some_and(|t| t.diagnostic.is_some())
            && session.pull_refresh.load(Ordering::SeqCst),
        watched_files_dynamic: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        document_changes: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        create_files: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
        resolve_edits: text_document
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
    };
    let mut folders: Vec<std::path::PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| from_lsp::path(&f.uri))
        .collect();
    #[allow(deprecated)]
    if folders.is_empty() {
        folders.extend(params.root_uri.as_ref().and_then(from_lsp::path));
    }
    let init_options = match params.initialization_options.as_ref() {
        Some(value) => {
            let section = from_lsp::settings_section(value).unwrap_or(value);
            match from_lsp::raw_config(section)
                .and_then(|raw| from_lsp::valid_editor_layer(raw.clone()).map(|()| raw))
            {
                Ok(raw) => raw,
                Err(message) => {
                    session.log_later(Level::Error, message);
                    RawConfig::default()
                }
            }
        }
        None => RawConfig::default(),
    };
    let pull = flags.pull_diagnostics;
    {
        let mut state = session.state();
        state.encoding = encoding;
        state.flags = flags;
        state.folders = folders;
        state.init_options = init_options;
    }

    let code_action_kinds = vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::REFACTOR_REWRITE,
        CodeActionKind::new(actions::FIX_ALL),
        CodeActionKind::new(actions::NEW_STORY),
    ];
    Ok(InitializeResult {
        offset_encoding: None,
        server_info: Some(ServerInfo {
            name: "starling".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        capabilities: ServerCapabilities {
            position_encoding: Some(to_lsp::encoding_kind(encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(code_action_kinds),
                // Fix-all's edit is computed when the action is picked.
                resolve_provider: Some(true),
                ..CodeActionOptions::default()
            })),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: None,
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(["#", "*", "-", " ", ":"].map(String::from).to_vec()),
                ..CompletionOptions::default()
            }),
            diagnostic_provider: pull.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("starling".to_string()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: true,
                    ..DiagnosticOptions::default()
                })
            }),
            ..ServerCapabilities::default()
        },
    })
}

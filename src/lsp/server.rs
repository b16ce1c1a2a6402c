//! The request handlers: each reads its params, asks the session for a snapshot, calls the
//! engine and converts the answer. Unknown documents and positions get empty answers.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use super::actions::{self, ConfigTarget};
use super::session::{ClientFlags, Level, OpenDoc, Session, Snapshot};
use super::{from_lsp, to_lsp};
use crate::assist;
use crate::config::RawConfig;
use crate::document::position_to_byte;

/// The most stories `textDocument/documentSymbol` lists: the first ones, in order.
pub const MAX_SYMBOLS: usize = 2_000;

pub struct Backend {
    pub session: Arc<Session>,
}

/// Runs `work` on a blocking thread, so that it holds up no other request; `None` when the
/// request was cancelled before the work started, or the work panicked.
async fn off_the_loop<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    /// Marks the request cancelled when its future is dropped unfinished.
    struct Cancel(Arc<std::sync::atomic::AtomicBool>);
    impl Drop for Cancel {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let guard = Cancel(cancelled.clone());
    let result = tokio::task::spawn_blocking(move || {
        if cancelled.load(Ordering::SeqCst) {
            return None;
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).ok()
    })
    .await
    .ok()
    .flatten();
    drop(guard);
    result
}

/// The parameters of `starling/stats`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsParams {
    pub text_document: TextDocumentIdentifier,
}

impl Backend {
    /// `starling/stats`: how much work the checks of an open document did, so that tests can
    /// tell an edit re-checked only the stories it touched. `null` for a document not open.
    pub async fn stats(&self, params: StatsParams) -> Result<Option<serde_json::Value>> {
        let uri = params.text_document.uri;
        Ok(self.session.stats(&uri).map(|(stats, stories, hot)| {
            serde_json::json!({
                "stories": stories,
                "hot": hot,
                "checks": stats.checks,
                "fullChecks": stats.full_checks,
                "storiesChecked": stats.stories_checked,
                "cardsBuilt": stats.cards_built,
                "cancelled": stats.cancelled,
            })
        }))
    }

    /// The fix-all edit of `snapshot`, computed off the request loop; a cancelled request
    /// leaves the work undone if it has not started.
    async fn fix_all_edit(&self, snapshot: &Arc<Snapshot>, uri: &Uri) -> Option<WorkspaceEdit> {
        let (encoding, flags) = {
            let state = self.session.state();
            (state.encoding, state.flags.clone())
        };
        let snapshot = snapshot.clone();
        let uri = uri.clone();
        off_the_loop(move || actions::fix_all_edit(&snapshot, &uri, encoding, &flags))
            .await
            .flatten()
    }

    /// The `starling.toml` a workspace-wide silence of a finding in `uri` goes to.
    fn config_target(&self, snapshot: &Snapshot, uri: &Uri) -> Option<ConfigTarget> {
        let folders = self.session.state().folders.clone();
        let file = from_lsp::path(uri);
        let path = actions::config_path(snapshot, file.as_deref(), &folders)?;
        let target_uri = Uri::from_file_path(&path)?;
        let open = self
            .session
            .state()
            .docs
            .get(&target_uri)
            .map(|doc| (doc.text.to_str().into_owned(), doc.version));
        Some(match open {
            Some((text, version)) => ConfigTarget {
                uri: target_uri,
                source: Some(text),
                version: Some(version),
            },
            None => ConfigTarget {
                uri: target_uri,
                source: std::fs::read_to_string(&path).ok(),
                version: None,
            },
        })
    }

    /// The byte offset of `position` in `snapshot`, `None` past the last line.
    fn offset(&self, snapshot: &Snapshot, position: Position) -> Option<usize> {
        let encoding = self.session.state().encoding;
        let rope = snapshot.rope();
        if position.line as usize >= rope.len_lines() {
            return None;
        }
        Some(position_to_byte(
            &rope,
            from_lsp::position(position),
            encoding,
        ))
    }

    async fn apply_settings(&self, settings: &serde_json::Value) {
        let Some(section) = from_lsp::settings_section(settings) else {
            return;
        };
        let accepted = from_lsp::raw_config(section).and_then(|raw| {
            let mut init_options = self.session.state().init_options.clone();
            // Settings sent after start speak for the editor now: a key they name, even as
            // null (unset), replaces what the initialization options said.
            for key in ["theme", "rules", "include", "exclude", "phrases"] {
                if section.get(key).is_some() {
                    init_options.clear(key);
                }
            }
            from_lsp::valid_editor_layer(init_options.clone().merge(raw.clone()))?;
            Ok((init_options, raw))
        });
        match accepted {
            Ok((init_options, raw)) => {
                {
                    let mut state = self.session.state();
                    state.init_options = init_options;
                    state.settings = raw;
                }
                self.config_changed().await;
            }
            Err(message) => self.settings_error(message).await,
        }
    }

    async fn settings_error(&self, message: String) {
        self.session
            .client
            .show_message(
                MessageType::ERROR,
                format!("starling: {message}; keeping the previous settings"),
            )
            .await;
        self.session.log(Level::Error, message).await;
    }

    async fn pull_settings(&self) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("starling".to_string()),
        }];
        match self.session.client.configuration(items).await {
            Ok(values) => {
                if let Some(value) = values.into_iter().next() {
                    if !value.is_null() {
                        let wrapped = serde_json::json!({ "starling": value });
                        self.apply_settings(&wrapped).await;
                    }
                }
            }
            Err(err) => {
                self.session
                    .log(Level::Warn, format!("cannot read the settings: {err}"))
                    .await;
            }
        }
    }

    /// Re-checks the open documents and, in the background, the bank files with the new
    /// configuration; pull clients are refreshed once the bank is read again.
    async fn config_changed(&self) {
        self.session.state().invalidate_configs();
        self.session.flush_config_reports().await;
        self.session.recheck_all();
        let session = self.session.clone();
        tokio::spawn(async move { session.scan_bank().await });
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
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
                && self.session.pull_refresh.load(Ordering::SeqCst),
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
                        self.session.log_later(Level::Error, message);
                        RawConfig::default()
                    }
                }
            }
            None => RawConfig::default(),
        };
        let pull = flags.pull_diagnostics;
        {
            let mut state = self.session.state();
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
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(code_action_kinds),
                        // Fix-all's edit is computed when the action is picked.
                        resolve_provider: Some(true),
                        ..CodeActionOptions::default()
                    },
                )),
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

    async fn initialized(&self, _: InitializedParams) {
        let flags = self.session.state().flags.clone();
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
            if let Err(err) = self
                .session
                .client
                .register_capability(vec![registration])
                .await
            {
                self.session
                    .log(Level::Warn, format!("cannot watch files: {err}"))
                    .await;
            }
        }
        if flags.configuration {
            self.pull_settings().await;
        }
        self.session.flush_config_reports().await;
        let session = self.session.clone();
        tokio::spawn(async move { session.scan_bank().await });
        self.session.log(Level::Info, "starling is ready").await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.session
            .shutdown_requested
            .store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        // Only the rope is built here, outside the state lock; the first check parses.
        let doc = OpenDoc::new(&item.text, item.version);
        drop(item.text);
        self.session.state().open(item.uri.clone(), doc);
        self.session.schedule(item.uri, true);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = self.session.state();
            let encoding = state.encoding;
            let Some(doc) = state.docs.get_mut(&uri) else {
                drop(state);
                self.session.log_later(
                    Level::Warn,
                    format!(
                        "a change to {}, which is not open, was ignored",
                        uri.as_str()
                    ),
                );
                return;
            };
            for change in &params.content_changes {
                doc.edit(change.range.map(from_lsp::span), &change.text, encoding);
            }
            doc.version = params.text_document.version;
        }
        self.session.schedule(uri, false);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let is_config = from_lsp::path(&params.text_document.uri)
            .is_some_and(|p| p.file_name().is_some_and(|n| n == crate::config::FILE_NAME));
        if is_config {
            self.config_changed().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let was_in_bank = {
            let mut state = self.session.state();
            state.close(&uri);
            from_lsp::path(&uri).filter(|p| state.bank.contains_key(p))
        };
        self.session.clear(&uri).await;
        if let Some(path) = was_in_bank {
            self.session.update_bank_file(path).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if from_lsp::settings_section(&params.settings).is_some() {
            self.apply_settings(&params.settings).await;
        } else if self.session.state().flags.configuration {
            self.pull_settings().await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let bank_gate = self.session.bank_gate.write().await;
        let mut config_changed = false;
        let mut bank_changed = false;
        for change in params.changes {
            let Some(path) = from_lsp::path(&change.uri) else {
                continue;
            };
            if path
                .file_name()
                .is_some_and(|n| n == crate::config::FILE_NAME)
            {
                config_changed = true;
            } else if !self.session.state().docs.contains_key(&change.uri) {
                self.session.update_bank_file(path).await;
                bank_changed = true;
            }
        }
        drop(bank_gate);
        if config_changed {
            self.config_changed().await;
        } else if bank_changed {
            self.session.refresh_pulls().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(snapshot) = self.session.warm_snapshot(&at.text_document.uri).await else {
            return Ok(None);
        };
        if !snapshot.is_story {
            return Ok(None);
        }
        let Some(offset) = self.offset(&snapshot, at.position) else {
            return Ok(None);
        };
        let mut sections = Vec::new();
        for card in snapshot.cards_at(offset) {
            let on_title = card
                .title
                .as_ref()
                .is_some_and(|t| t.start <= offset && offset <= t.end);
            if on_title {
                sections.push(card.hover_markdown());
            }
            for part in &card.parts {
                if part
                    .label
                    .as_ref()
                    .is_some_and(|l| l.start <= offset && offset <= l.end)
                {
                    sections.push(part.hover_markdown());
                }
            }
        }
        // Competency ids stand only in metadata: read the text only there.
        if assist::in_metadata(snapshot.outline(), offset) {
            if let Some(competency) =
                assist::competency_hover(&snapshot.text(), offset, &snapshot.config)
            {
                sections.push(competency);
            }
        }
        for finding in snapshot.findings() {
            if finding.range.start <= offset && offset <= finding.range.end {
                sections.push(to_lsp::finding_hover(finding));
            }
        }
        if sections.is_empty() {
            return Ok(None);
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range: None,
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let Some(snapshot) = self.session.warm_snapshot(uri).await else {
            return Ok(None);
        };
        let (encoding, flags) = {
            let state = self.session.state();
            (state.encoding, state.flags.clone())
        };
        // A range past the last line ends at the end of the text.
        let range = from_lsp::byte_range(&snapshot.rope(), params.range, encoding);
        let touched = snapshot
            .findings()
            .iter()
            .any(|finding| finding.range.start <= range.end && range.start <= finding.range.end);
        let config_target = if touched {
            self.config_target(&snapshot, uri)
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
                        action.edit = self.fix_all_edit(&snapshot, uri).await;
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

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        let Some(uri) = actions::fix_all_target(&action) else {
            return Ok(action);
        };
        let Some(snapshot) = self.session.snapshot(&uri).await else {
            return Ok(action);
        };
        action.edit = self.fix_all_edit(&snapshot, &uri).await;
        Ok(action)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(snapshot) = self.session.warm_snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        if !snapshot.is_story {
            return Ok(Some(Vec::new()));
        }
        let encoding = self.session.state().encoding;
        let rope = snapshot.rope();
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

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snapshot) = self.session.warm_snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        if !snapshot.is_story {
            return Ok(Some(DocumentSymbolResponse::Nested(Vec::new())));
        }
        let encoding = self.session.state().encoding;
        let rope = snapshot.rope();
        // An outline of more stories than anyone reads costs the client more than it shows.
        let symbols = snapshot
            .cards()
            .take(MAX_SYMBOLS)
            .map(|card| to_lsp::story_symbol(&rope, &card, encoding))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some(snapshot) = self.session.warm_snapshot(&at.text_document.uri).await else {
            return Ok(None);
        };
        let Some(offset) = self.offset(&snapshot, at.position) else {
            return Ok(None);
        };
        // Front matter keys make any Markdown file a story file, so they are offered in every
        // Markdown file; the rest only in story files.
        let candidates = assist::completions(
            &snapshot.text(),
            snapshot.outline(),
            offset,
            &snapshot.config,
        );
        let candidates: Vec<_> = candidates
            .into_iter()
            .filter(|c| snapshot.is_story || c.kind == assist::CandidateKind::Key)
            .collect();
        let encoding = self.session.state().encoding;
        let rope = snapshot.rope();
        let items = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| to_lsp::completion_item(&rope, c, i, encoding))
            .collect();
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let items = match self.session.snapshot(&uri).await {
            Some(snapshot) => {
                let state = self.session.state();
                let bank = self.session.bank_findings_for(&state, &uri);
                snapshot.diagnostics(state.encoding, &bank)
            }
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let _bank_gate = self.session.bank_gate.read().await;
        let (paths, open): (Vec<_>, Vec<_>) = {
            let state = self.session.state();
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
                if let Some(snapshot) = self.session.snapshot(&uri).await {
                    let state = self.session.state();
                    let bank = self.session.bank_findings_for(&state, &uri);
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
            let diagnostics = self.session.disk_diagnostics(&path);
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
}

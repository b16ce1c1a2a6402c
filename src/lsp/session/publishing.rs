//! Sending diagnostics: pushed to clients that take them so, under the URI the client sent,
//! never older over newer; clients that pull are asked to pull again.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::super::{from_lsp, to_lsp};
use super::{Level, Session, Snapshot, State};
use crate::rules::Finding;

impl Session {
    /// Pushes `snapshot`'s diagnostics unless a newer generation exists or the client pulls.
    pub async fn publish(&self, uri: &Uri, snapshot: &Snapshot) {
        self.publish_with(uri, snapshot, true).await;
    }

    /// Pushes the findings of the stories at the top of a document, which a check found
    /// first: without the bank's findings, which only the whole check's publish carries.
    pub(super) async fn publish_top(&self, uri: &Uri, top: &Snapshot) {
        self.publish_with(uri, top, false).await;
    }

    async fn publish_with(&self, uri: &Uri, snapshot: &Snapshot, with_bank: bool) {
        let _guard = self.publish_lock.lock().await;
        let current = |state: &State| {
            !state.flags.pull_diagnostics
                && state
                    .docs
                    .get(uri)
                    .is_some_and(|doc| doc.generation == snapshot.generation)
        };
        let (encoding, bank) = {
            let state = self.state();
            if !current(&state) {
                return;
            }
            let bank = if with_bank {
                self.bank_findings_for(&state, uri)
            } else {
                Vec::new()
            };
            (state.encoding, bank)
        };
        // Converted without the state lock, which the changes that follow need.
        let diagnostics = snapshot.diagnostics(encoding, &bank);
        if !current(&self.state()) {
            return;
        }
        self.send_diagnostics(uri, diagnostics, Some(snapshot.version))
            .await;
        if with_bank {
            // A whole check is out: the phrase lists it used may build their sets now.
            crate::theme::build_used_sets_in_background();
        }
    }

    /// Publishes `diagnostics` under the URI the client sent for `uri`, to the letter.
    async fn send_diagnostics(
        &self,
        uri: &Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) {
        match self.aliases.original(uri.as_str()) {
            Some(original) => {
                self.client
                    .send_notification::<to_lsp::PublishUnderOriginal>(to_lsp::OriginalPublish {
                        uri: original,
                        diagnostics,
                        version,
                    })
                    .await;
            }
            None => {
                self.client
                    .publish_diagnostics(uri.clone(), diagnostics, version)
                    .await;
            }
        }
    }

    /// Clears a document's diagnostics (on close).
    pub async fn clear(&self, uri: &Uri) {
        let _guard = self.publish_lock.lock().await;
        if self.state().flags.pull_diagnostics {
            return;
        }
        self.send_diagnostics(uri, Vec::new(), None).await;
    }

    pub fn bank_findings_for(&self, state: &State, uri: &Uri) -> Vec<Finding> {
        from_lsp::path(uri)
            .and_then(|path| state.bank_findings.get(&path).cloned())
            .unwrap_or_default()
    }

    /// Asks a pulling client to pull diagnostics again. Sent to every pulling client whatever
    /// it advertised (see [`ClientFlags::pull_diagnostics`]); an error reply is ignored.
    pub async fn refresh_pulls(&self) {
        if !self.state().flags.pull_diagnostics {
            return;
        }
        if let Err(err) = self.client.workspace_diagnostic_refresh().await {
            self.log(
                Level::Debug,
                format!("the client declined to refresh diagnostics: {err}"),
            )
            .await;
        }
    }

    pub(super) fn republish_paths(self: &Arc<Self>, paths: &[PathBuf]) {
        let uris: Vec<Uri> = self
            .state()
            .docs
            .keys()
            .filter(|uri| from_lsp::path(uri).is_some_and(|p| paths.contains(&p)))
            .cloned()
            .collect();
        for uri in uris {
            self.schedule(uri, true);
        }
    }

    /// The diagnostics of `uri`'s current version (checked now if needed) and that version,
    /// for a client that pulls them. `None` for a document that is not open. Converted
    /// without the state lock.
    pub async fn current_diagnostics(
        self: &Arc<Self>,
        uri: &Uri,
    ) -> Option<(i32, Vec<Diagnostic>)> {
        let snapshot = self.snapshot(uri).await?;
        let (encoding, bank) = {
            let state = self.state();
            (state.encoding, self.bank_findings_for(&state, uri))
        };
        Some((snapshot.version, snapshot.diagnostics(encoding, &bank)))
    }
}

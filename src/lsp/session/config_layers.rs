//! The configuration layers: the `starling.toml` that applies to each folder, the editor's
//! settings on top, the settings requests, and the errors to report.
//!
//! Discovery is done once per folder and cached (folder to its `starling.toml`, file to its
//! text and last valid layer, file to the configuration with the editor's layers on top). The
//! cache is dropped, and the files in use read again, only when the configuration changes:
//! a watched `starling.toml` changed, a `starling.toml` saved, the settings changed. Files
//! are never read with the state lock held.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::ls_types::{ConfigurationItem, MessageType, Uri};

use super::super::actions::{self, ConfigTarget};
use super::super::{from_lsp, to_lsp};
use super::{Level, Session, Snapshot, State};
use crate::config::{self, Config, ConfigError, RawConfig};

/// What configuration reports call the editor's settings, which have no file.
const EDITOR_SETTINGS: &str = "editor settings";

/// One `starling.toml`: its text and the last layer that was valid.
#[derive(Debug, Clone, Default)]
pub(super) struct ConfigFile {
    source: String,
    good: Option<RawConfig>,
    error: Option<ConfigError>,
}

/// What discovery found for one folder, read without the state lock: the `starling.toml`
/// that governs it, if any, and that file's text.
struct Found {
    toml: Option<PathBuf>,
    source: Option<std::io::Result<String>>,
}

impl Found {
    /// Walks up from `folder` to the nearest `starling.toml` and reads it. File IO: never
    /// called with the state lock held.
    fn discover(folder: Option<&Path>) -> Self {
        let toml = folder.and_then(config::discover);
        let source = toml.as_deref().map(std::fs::read_to_string);
        Self { toml, source }
    }
}

/// The folder whose configuration applies to the file at `path`: the one that holds it.
fn folder_of(path: Option<&Path>) -> Option<&Path> {
    path.and_then(Path::parent)
}

impl State {
    fn editor_layer(&self) -> RawConfig {
        self.init_options.clone().merge(self.settings.clone())
    }

    /// The configuration that applies to the files in `folder`, and the folder their include
    /// globs are relative to, when the folder's discovery is cached (see [`Session::config_in`]).
    /// Reads no file: `None` when the folder has not been discovered since the configuration
    /// was last reloaded.
    fn known_config(&mut self, folder: Option<&Path>) -> Option<(Config, Option<PathBuf>)> {
        let key = folder.map(Path::to_path_buf);
        let toml = self.discovered.get(&key)?.clone();
        if let Some(toml) = &toml {
            if !self.config_files.contains_key(toml) {
                return None;
            }
        }
        let root = match &toml {
            Some(toml) => toml.parent().map(Path::to_path_buf),
            None => folder.and_then(|p| {
                self.folders
                    .iter()
                    .filter(|folder| p.starts_with(folder))
                    .max_by_key(|folder| folder.as_os_str().len())
                    .cloned()
            }),
        };
        if let Some(config) = self.effective.get(&toml) {
            return Some((config.clone(), root));
        }
        let config = self.build_config(toml.as_deref());
        self.effective.insert(toml, config.clone());
        Some((config, root))
    }

    /// Puts what discovery found for `folder` in the cache.
    fn install(&mut self, folder: Option<&Path>, found: Found) {
        if let (Some(toml), Some(source)) = (&found.toml, found.source) {
            // A file another folder found first is kept as it was read then: every folder
            // sees one version of it until the next reload.
            if !self.config_files.contains_key(toml) {
                self.install_file(toml, source);
            }
        }
        self.discovered
            .insert(folder.map(Path::to_path_buf), found.toml);
    }

    /// The editor's layer over the file layer of `toml`, which must be installed.
    fn build_config(&mut self, toml: Option<&Path>) -> Config {
        let editor = self.editor_layer();
        let (file_layer, source) = match toml.and_then(|path| self.config_files.get(path)) {
            Some(file) => (
                file.good.clone().unwrap_or_default(),
                Some(file.source.clone()),
            ),
            None => (RawConfig::default(), None),
        };
        let merged = file_layer.clone().merge(editor);
        match Config::from_raw(merged, toml, source.as_deref()) {
            Ok(config) => config,
            Err(err) => {
                // The editor settings are at fault: the file alone was valid.
                self.config_reports.push((
                    PathBuf::from(EDITOR_SETTINGS),
                    Some(err),
                    String::new(),
                ));
                Config::from_raw(file_layer, toml, source.as_deref()).unwrap_or_default()
            }
        }
    }

    /// Installs the text read from `path`, keeping the last valid layer when the new text is
    /// not valid, and notes an error that changed for the next report.
    fn install_file(&mut self, path: &Path, source: std::io::Result<String>) {
        let previous = self.config_files.get(path).cloned().unwrap_or_default();
        let mut file = ConfigFile {
            good: previous.good.clone(),
            ..ConfigFile::default()
        };
        match source {
            Ok(source) => {
                let checked =
                    RawConfig::parse(&source, &path.display().to_string()).and_then(|raw| {
                        Config::from_raw(raw.clone(), Some(path), Some(&source)).map(|_| raw)
                    });
                match checked {
                    Ok(raw) => file.good = Some(raw),
                    Err(err) => file.error = Some(err),
                }
                file.source = source;
            }
            Err(err) => {
                file.error = Some(ConfigError::Io {
                    path: path.display().to_string(),
                    message: err.to_string(),
                });
            }
        }
        if previous.error != file.error {
            self.config_reports
                .push((path.to_path_buf(), file.error.clone(), file.source.clone()));
        }
        self.config_files.insert(path.to_path_buf(), file);
    }

    /// Installs the configuration files read again by [`Session::reload_configs`] (`None`
    /// for one that is gone), and forgets every folder's discovery, so that the next use of
    /// a folder discovers it again. Every document's checks so far become stale.
    fn reload(&mut self, files: Vec<(PathBuf, Option<std::io::Result<String>>)>) {
        self.effective.clear();
        self.discovered.clear();
        self.config_epoch += 1;
        for (path, source) in files {
            match source {
                Some(source) => self.install_file(&path, source),
                None => {
                    self.config_files.remove(&path);
                    self.config_reports.push((path, None, String::new()));
                }
            }
        }
        for doc in self.docs.values_mut() {
            doc.bump();
        }
    }
}

impl Session {
    /// The configuration that applies to the file at `path` (`None` for a document without
    /// a file), and the folder its include globs are relative to. See [`Session::config_in`].
    pub fn config_for(&self, path: Option<&Path>) -> (Config, Option<PathBuf>) {
        let (config, root, _) = self.config_in(folder_of(path));
        (config, root)
    }

    /// The configuration that applies to the files in `folder`, the folder their include
    /// globs are relative to, and the configuration epoch it belongs to.
    ///
    /// Discovery (walking up to the nearest `starling.toml` and reading it) happens once per
    /// folder and is cached until the configuration is reloaded ([`Session::reload_configs`]):
    /// typing reads no file. A folder not yet discovered is discovered without the state lock,
    /// which is taken again only to install what was found.
    pub fn config_in(&self, folder: Option<&Path>) -> (Config, Option<PathBuf>, u64) {
        for attempt in 0..3 {
            let epoch = {
                let mut state = self.state();
                if let Some((config, root)) = state.known_config(folder) {
                    return (config, root, state.config_epoch);
                }
                state.config_epoch
            };
            let found = Found::discover(folder);
            self.discoveries.fetch_add(1, Ordering::Relaxed);
            let mut state = self.state();
            // A reload meanwhile may have seen a newer file than this read: read again (but
            // never forever).
            if state.config_epoch != epoch && attempt < 2 {
                continue;
            }
            state.install(folder, found);
            if let Some((config, root)) = state.known_config(folder) {
                return (config, root, state.config_epoch);
            }
        }
        (Config::default(), None, self.state().config_epoch)
    }

    /// Reads every configuration file in use again, and makes every folder be discovered
    /// again on its next use (a `starling.toml` may have appeared or gone). The files are
    /// read without the state lock.
    pub fn reload_configs(&self) {
        let paths: Vec<PathBuf> = self.state().config_files.keys().cloned().collect();
        let files = paths
            .into_iter()
            .map(|path| {
                let source = path.is_file().then(|| std::fs::read_to_string(&path));
                (path, source)
            })
            .collect();
        self.state().reload(files);
    }
}

impl Session {
    /// Shows configuration errors found since the last call: a diagnostic on the file and a
    /// message; a fixed file gets its diagnostics cleared.
    pub async fn flush_config_reports(&self) {
        let (reports, encoding) = {
            let mut state = self.state();
            (std::mem::take(&mut state.config_reports), state.encoding)
        };
        for (path, error, source) in reports {
            let uri = Uri::from_file_path(&path);
            match &error {
                Some(err) if path == Path::new(EDITOR_SETTINGS) => {
                    let message = format!("invalid editor settings: {}", err.message());
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!("starling: {message}; using the last valid ones"),
                        )
                        .await;
                    self.log(Level::Error, message).await;
                }
                Some(err) => {
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!(
                                "starling: invalid configuration: {err}; using the last valid one"
                            ),
                        )
                        .await;
                    self.log(Level::Error, format!("invalid configuration: {err}"))
                        .await;
                    if let Some(uri) = uri {
                        let diagnostic = to_lsp::config_diagnostic(err, &source, encoding);
                        self.client
                            .publish_diagnostics(uri, vec![diagnostic], None)
                            .await;
                    }
                }
                None => {
                    if let Some(uri) = uri {
                        self.client.publish_diagnostics(uri, Vec::new(), None).await;
                    }
                }
            }
        }
    }
}

impl Session {
    /// The `starling.toml` a workspace-wide silence of a finding in `uri` goes to.
    pub fn config_target(&self, snapshot: &Snapshot, uri: &Uri) -> Option<ConfigTarget> {
        let folders = self.state().folders.clone();
        let file = from_lsp::path(uri);
        let path = actions::config_path(snapshot, file.as_deref(), &folders)?;
        let target_uri = Uri::from_file_path(&path)?;
        let open = self
            .state()
            .docs
            .get(&target_uri)
            .map(|doc| (doc.text.to_str().into_owned(), doc.bom, doc.version));
        Some(match open {
            Some((text, bom, version)) => ConfigTarget {
                uri: target_uri,
                source: Some(text),
                bom,
                version: Some(version),
            },
            None => {
                let source = std::fs::read_to_string(&path).ok();
                let bom = source
                    .as_deref()
                    .is_some_and(|s| s.starts_with(crate::document::BOM));
                ConfigTarget {
                    uri: target_uri,
                    source: source.map(|s| crate::document::strip_bom(&s).0.to_string()),
                    bom,
                    version: None,
                }
            }
        })
    }

    pub async fn apply_settings(self: &Arc<Self>, settings: &serde_json::Value) {
        let Some(section) = from_lsp::settings_section(settings) else {
            return;
        };
        let accepted = from_lsp::raw_config(section).and_then(|raw| {
            let mut init_options = self.state().init_options.clone();
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
                    let mut state = self.state();
                    state.init_options = init_options;
                    state.settings = raw;
                }
                self.config_changed().await;
            }
            Err(message) => self.settings_error(message).await,
        }
    }

    async fn settings_error(&self, message: String) {
        self.client
            .show_message(
                MessageType::ERROR,
                format!("starling: {message}; keeping the previous settings"),
            )
            .await;
        self.log(Level::Error, message).await;
    }

    pub async fn pull_settings(self: &Arc<Self>) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("starling".to_string()),
        }];
        match self.client.configuration(items).await {
            Ok(values) => {
                if let Some(value) = values.into_iter().next() {
                    if !value.is_null() {
                        let wrapped = serde_json::json!({ "starling": value });
                        self.apply_settings(&wrapped).await;
                    }
                }
            }
            Err(err) => {
                self.log(Level::Warn, format!("cannot read the settings: {err}"))
                    .await;
            }
        }
    }

    /// Re-checks the open documents and, in the background, the bank files with the new
    /// configuration; pull clients are refreshed once the bank is read again.
    pub async fn config_changed(self: &Arc<Self>) {
        self.reload_configs();
        self.flush_config_reports().await;
        self.recheck_all();
        let session = self.clone();
        tokio::spawn(async move { session.scan_bank().await });
    }
}

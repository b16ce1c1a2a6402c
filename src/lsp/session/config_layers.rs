//! The configuration layers: the `starling.toml` that applies to each document, the
//! editor's settings on top, the settings requests, and the errors to report.

use std::path::{Path, PathBuf};
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

impl State {
    fn editor_layer(&self) -> RawConfig {
        self.init_options.clone().merge(self.settings.clone())
    }

    /// The configuration that applies to `path` (`None` for a document without a file), and
    /// the folder its include globs are relative to.
    pub fn config_for(&mut self, path: Option<&Path>) -> (Config, Option<PathBuf>) {
        let toml = path.and_then(config::discover);
        let root = match &toml {
            Some(toml) => toml.parent().map(Path::to_path_buf),
            None => path.and_then(|p| {
                self.folders
                    .iter()
                    .filter(|folder| p.starts_with(folder))
                    .max_by_key(|folder| folder.as_os_str().len())
                    .cloned()
            }),
        };
        if let Some(config) = self.effective.get(&toml) {
            return (config.clone(), root);
        }
        let config = self.build_config(toml.as_deref());
        self.effective.insert(toml, config.clone());
        (config, root)
    }

    fn build_config(&mut self, toml: Option<&Path>) -> Config {
        let editor = self.editor_layer();
        let (file_layer, source) = match toml {
            Some(path) => {
                let file = self.load_config_file(path);
                (file.good.clone().unwrap_or_default(), Some(file.source))
            }
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

    /// Reads `path`, keeping the last valid layer when the new text is not valid.
    fn load_config_file(&mut self, path: &Path) -> ConfigFile {
        let previous = self.config_files.get(path).cloned().unwrap_or_default();
        let source = std::fs::read_to_string(path);
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
        self.config_files.insert(path.to_path_buf(), file.clone());
        file
    }

    /// Forgets every loaded configuration, so the next use reads the files again.
    pub fn invalidate_configs(&mut self) {
        self.effective.clear();
        self.config_epoch += 1;
        let paths: Vec<PathBuf> = self.config_files.keys().cloned().collect();
        for path in paths {
            if path.is_file() {
                self.load_config_file(&path);
            } else {
                self.config_files.remove(&path);
                self.config_reports.push((path, None, String::new()));
            }
        }
        for doc in self.docs.values_mut() {
            doc.bump();
        }
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
        self.state().invalidate_configs();
        self.flush_config_reports().await;
        self.recheck_all();
        let session = self.clone();
        tokio::spawn(async move { session.scan_bank().await });
    }
}

//! The configuration as written, layer by layer: parsed, cleared key by key, and merged.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::{line_col, ConfigError};

/// The configuration as written: every field optional, so that layers can be merged
/// (file, then editor settings).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    pub theme: Option<String>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub rules: Option<BTreeMap<String, String>>,
    pub phrases: Option<BTreeMap<String, Vec<String>>>,
    pub speaking: Option<RawSpeaking>,
    pub lsp: Option<RawLsp>,
    /// Files larger than this many bytes are not checked by the command line, and only in
    /// the background by the language server.
    pub max_file_size: Option<u64>,
    /// The competency set stories are mapped to (`amazon`, `google`, `general`).
    pub competencies: Option<String>,
    /// How many ready stories each competency needs.
    pub stories_per_competency: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSpeaking {
    pub words_per_minute: Option<f64>,
    pub min_minutes: Option<f64>,
    pub max_minutes: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLsp {
    /// Milliseconds to wait after a keystroke before checking.
    pub debounce_ms: Option<u64>,
}

impl RawConfig {
    /// Parses `starling.toml` text. `path` is used in error messages.
    pub fn parse(source: &str, path: &str) -> Result<Self, ConfigError> {
        toml::from_str(source).map_err(|err| {
            let (line, column) = err
                .span()
                .map_or((1, 1), |span| line_col(source, span.start));
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                column,
                message: err.message().trim().to_string(),
            }
        })
    }

    /// Forgets one top-level key (`theme`, `rules`, `include`, `exclude`, `phrases`), so that
    /// a layer below shows through.
    pub fn clear(&mut self, key: &str) {
        match key {
            "theme" => self.theme = None,
            "rules" => self.rules = None,
            "include" => self.include = None,
            "exclude" => self.exclude = None,
            "phrases" => self.phrases = None,
            _ => {}
        }
    }

    /// This layer with `over` on top: `over`'s values win; rule and phrase maps are merged.
    pub fn merge(mut self, over: RawConfig) -> Self {
        if over.theme.is_some() {
            self.theme = over.theme;
        }
        if over.include.is_some() {
            self.include = over.include;
        }
        if over.exclude.is_some() {
            self.exclude = over.exclude;
        }
        if let Some(rules) = over.rules {
            self.rules.get_or_insert_with(BTreeMap::new).extend(rules);
        }
        if let Some(phrases) = over.phrases {
            let mine = self.phrases.get_or_insert_with(BTreeMap::new);
            for (key, list) in phrases {
                mine.entry(key).or_default().extend(list);
            }
        }
        if over.speaking.is_some() {
            self.speaking = over.speaking;
        }
        if over.lsp.is_some() {
            self.lsp = over.lsp;
        }
        if over.max_file_size.is_some() {
            self.max_file_size = over.max_file_size;
        }
        self.competencies = over.competencies.or(self.competencies);
        self.stories_per_competency = over.stories_per_competency.or(self.stories_per_competency);
        self
    }
}

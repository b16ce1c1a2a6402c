//! `starling.toml` and the settings editors send: rules on, off or re-graded, the default
//! theme, which files hold stories, extra phrases per rule, and speaking pace.
//!
//! ```toml
//! theme = "failure"
//! include = ["**/*.story.md", "**/stories/**/*.md"]
//! exclude = ["drafts/**"]
//!
//! [rules]
//! no-ongoing-awareness = "off"
//! no-metric = "error"
//!
//! [phrases]
//! vague-lesson = ["\\bbe more mindful\\b"]
//!
//! [speaking]
//! words-per-minute = 150
//! min-minutes = 1.0
//! max-minutes = 3.5
//!
//! [lsp]
//! debounce-ms = 150
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::rules::{Lexicon, Severity, Tuning};
use crate::theme;

mod error;
mod ids;
mod phrases;
mod raw;

use error::locate_key;
pub use error::{line_col, ConfigError};
pub(crate) use ids::edit_distance;
use ids::unknown_rule;
pub use raw::{RawConfig, RawLsp, RawSpeaking};

/// Files over this many bytes are not checked (10 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The file name starling looks for.
pub const FILE_NAME: &str = "starling.toml";

/// The files that hold stories when the configuration says nothing.
pub const DEFAULT_INCLUDE: &[&str] = &["**/*.story.md", "**/stories/**/*.md"];

/// A rule's setting: off, or on at a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    On(Severity),
}

/// A checked, compiled configuration. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    theme: String,
    rules: BTreeMap<String, RuleSetting>,
    include: Vec<String>,
    exclude: Vec<String>,
    include_set: GlobSet,
    exclude_set: GlobSet,
    tuning: Tuning,
    debounce_ms: u64,
    max_file_size: u64,
    lexicons: HashMap<String, Lexicon>,
    path: Option<PathBuf>,
    raw: RawConfig,
    competencies: Option<&'static crate::competency::CompetencySet>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("path", &self.inner.path)
            .field("raw", &self.inner.raw)
            .finish()
    }
}

static DEFAULT: LazyLock<Config> = LazyLock::new(|| {
    Config::from_raw(RawConfig::default(), None, None).expect("the default configuration is valid")
});

impl Default for Config {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl Config {
    /// Parses and checks `starling.toml` text.
    pub fn from_toml(source: &str, path: Option<&Path>) -> Result<Self, ConfigError> {
        let shown = path.map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string());
        let raw = RawConfig::parse(source, &shown)?;
        Self::from_raw(raw, path, Some(source))
    }

    /// Reads and checks a `starling.toml` file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|err| ConfigError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        })?;
        Self::from_toml(&source, Some(path))
    }

    /// Checks and compiles a raw configuration. `source` is the TOML it came from, to locate
    /// errors; without it errors point at line 1.
    pub fn from_raw(
        raw: RawConfig,
        path: Option<&Path>,
        source: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let shown = path.map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string());
        let error = |key: &str, message: String| {
            let (line, column) = source.map_or((1, 1), |s| locate_key(s, key));
            ConfigError::Invalid {
                path: shown.clone(),
                line,
                column,
                message,
            }
        };

        let theme = match &raw.theme {
            Some(name) => theme::find(name)
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        theme::builtin().iter().map(|t| t.name.as_str()).collect();
                    error(
                        "theme",
                        format!("unknown theme `{name}` (known: {})", known.join(", ")),
                    )
                })?
                .name
                .clone(),
            None => theme::DEFAULT_THEME.to_string(),
        };

        let known_ids: Vec<&str> = crate::rules::registry::metas()
            .iter()
            .map(|m| m.id)
            .collect();
        let mut rules = BTreeMap::new();
        for (id, value) in raw.rules.iter().flatten() {
            if !known_ids.contains(&id.as_str()) {
                return Err(error(id, unknown_rule(id, &known_ids)));
            }
            let setting = if value.eq_ignore_ascii_case("off") || value.eq_ignore_ascii_case("none")
            {
                RuleSetting::Off
            } else {
                RuleSetting::On(Severity::parse(value).ok_or_else(|| {
                    error(
                        id,
                        format!(
                            "`{value}` is not a setting for `{id}`: use off, error, warning, info or hint"
                        ),
                    )
                })?)
            };
            rules.insert(id.clone(), setting);
        }

        let extra = raw.phrases.clone().unwrap_or_default();
        phrases::check(&extra, &known_ids).map_err(|(key, message)| error(&key, message))?;

        let include: Vec<String> = raw
            .include
            .clone()
            .unwrap_or_else(|| DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect());
        let exclude = raw.exclude.clone().unwrap_or_default();
        let include_set = glob_set(&include).map_err(|e| error("include", e))?;
        let exclude_set = glob_set(&exclude).map_err(|e| error("exclude", e))?;

        let defaults = Tuning::default();
        let speaking = raw.speaking.clone().unwrap_or_default();
        let tuning = Tuning {
            words_per_minute: speaking
                .words_per_minute
                .unwrap_or(defaults.words_per_minute),
            min_minutes: speaking.min_minutes.unwrap_or(defaults.min_minutes),
            max_minutes: speaking.max_minutes.unwrap_or(defaults.max_minutes),
        };
        if !(tuning.words_per_minute > 0.0 && tuning.words_per_minute < 1000.0) {
            return Err(error(
                "words-per-minute",
                "words-per-minute must be between 1 and 999".into(),
            ));
        }
        if !(tuning.min_minutes >= 0.0 && tuning.min_minutes <= tuning.max_minutes) {
            return Err(error(
                "min-minutes",
                "min-minutes must be at least 0 and at most max-minutes".into(),
            ));
        }
        let lsp = raw.lsp.clone().unwrap_or_default();
        let competencies = match &raw.competencies {
            Some(name) => Some(crate::competency::find(name).ok_or_else(|| {
                let known = crate::competency::names().join(", ");
                error(
                    "competencies",
                    format!("unknown competency set `{name}` (known: {known})"),
                )
            })?),
            None => None,
        };

        let lexicons = phrases::lexicons(&extra).map_err(|(key, message)| error(&key, message))?;

        Ok(Self {
            inner: Arc::new(Inner {
                theme,
                rules,
                include,
                exclude,
                include_set,
                exclude_set,
                tuning,
                debounce_ms: lsp.debounce_ms.unwrap_or(150).min(5_000),
                max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
                lexicons,
                path: path.map(Path::to_path_buf),
                raw,
                competencies,
            }),
        })
    }

    /// The raw layer this configuration was built from.
    pub fn raw(&self) -> &RawConfig {
        &self.inner.raw
    }

    /// The file this configuration was read from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// The default theme's name.
    pub fn theme(&self) -> &str {
        &self.inner.theme
    }

    /// A rule's setting, or `None` when the configuration leaves it at its default.
    pub fn rule(&self, id: &str) -> Option<RuleSetting> {
        self.inner.rules.get(id).copied()
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        self.rule(id) != Some(RuleSetting::Off)
    }

    pub fn tuning(&self) -> &Tuning {
        &self.inner.tuning
    }

    pub fn debounce_ms(&self) -> u64 {
        self.inner.debounce_ms
    }

    pub fn max_file_size(&self) -> u64 {
        self.inner.max_file_size
    }

    pub fn include(&self) -> &[String] {
        &self.inner.include
    }

    pub fn exclude(&self) -> &[String] {
        &self.inner.exclude
    }

    /// The compiled phrases of theme `name` (the default theme's if unknown).
    pub fn lexicon(&self, name: &str) -> &Lexicon {
        self.inner
            .lexicons
            .get(name)
            .or_else(|| self.inner.lexicons.get(theme::DEFAULT_THEME))
            .expect("every built-in theme has a lexicon")
    }

    /// Whether `relative` (a path relative to the workspace or config root) is a story file by
    /// the include and exclude globs.
    pub fn is_story_path(&self, relative: &Path) -> bool {
        self.inner.include_set.is_match(relative) && !self.inner.exclude_set.is_match(relative)
    }

    /// The competency set `starling.toml` picks, if it picks one.
    pub fn competency_set(&self) -> Option<&'static crate::competency::CompetencySet> {
        self.inner.competencies
    }

    /// How many ready stories each competency needs (at least one).
    pub fn stories_per_competency(&self) -> usize {
        self.inner
            .raw
            .stories_per_competency
            .unwrap_or(crate::competency::DEFAULT_STORIES_PER_COMPETENCY)
            .max(1)
    }

    /// Whether `relative` is excluded.
    pub fn is_excluded(&self, relative: &Path) -> bool {
        self.inner.exclude_set.is_match(relative)
    }
}

/// The nearest `starling.toml` at or above `start` (a file or a folder).
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() || !start.exists() {
        start.parent()?
    } else {
        start
    };
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|err| format!("bad glob `{pattern}`: {err}"))?;
        builder.add(glob);
        // `**/x.md` should also match `x.md` at the root; globset already does.
    }
    builder.build().map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_theme_and_phrases() {
        let config = Config::from_toml(
            "theme = \"star\"\n[rules]\nmissing-learning = \"off\"\nempty-section = \"error\"\n[phrases]\nmissing-learning = [\"\\\\bnow I\\\\b\"]\n",
            None,
        )
        .unwrap();
        assert_eq!(config.theme(), "star");
        assert!(!config.is_enabled("missing-learning"));
        assert_eq!(
            config.rule("empty-section"),
            Some(RuleSetting::On(Severity::Error))
        );
    }

    #[test]
    fn an_unknown_rule_id_is_an_error_with_line_and_column() {
        let err = Config::from_toml("[rules]\n  missing-lerning = \"off\"\n", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "starling.toml:2:3: unknown rule id `missing-lerning`: did you mean `missing-learning`?"
        );
    }

    #[test]
    fn a_syntax_error_points_at_its_line() {
        let err = Config::from_toml("theme = \"star\"\n[rules\n", None).unwrap_err();
        let (line, _) = err.location().unwrap();
        assert_eq!(line, 1, "{err}");
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(Config::from_toml("theme = \"heroic\"\n", None).is_err());
        assert!(Config::from_toml("[rules]\nempty-section = \"loud\"\n", None).is_err());
        assert!(Config::from_toml("[phrases]\nempty-section = [\"(\"]\n", None).is_err());
        assert!(Config::from_toml("colour = true\n", None).is_err());
    }

    #[test]
    fn default_globs_pick_story_files() {
        let config = Config::default();
        assert!(config.is_story_path(Path::new("a/b.story.md")));
        assert!(config.is_story_path(Path::new("stories/x.md")));
        assert!(config.is_story_path(Path::new("deep/stories/y/x.md")));
        assert!(!config.is_story_path(Path::new("README.md")));
    }
}

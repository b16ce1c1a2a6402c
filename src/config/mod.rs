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
use serde::Deserialize;

use crate::rules::{Lexicon, Severity, Tuning};
use crate::theme::{self, PhraseSet};

/// Files over this many bytes are not checked (10 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The file name starling looks for.
pub const FILE_NAME: &str = "starling.toml";

/// The files that hold stories when the configuration says nothing.
pub const DEFAULT_INCLUDE: &[&str] = &["**/*.story.md", "**/stories/**/*.md"];

/// A configuration that cannot be used, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
}

impl ConfigError {
    /// The zero-based line and column of the error, if it has them.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            ConfigError::Invalid { line, column, .. } => {
                Some((line.saturating_sub(1), column.saturating_sub(1)))
            }
            ConfigError::Io { .. } => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ConfigError::Invalid { message, .. } | ConfigError::Io { message, .. } => {
                message.clone()
            }
        }
    }
}

/// A rule's setting: off, or on at a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    On(Severity),
}

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

        let phrase_keys: Vec<&str> = theme::builtin()
            .iter()
            .flat_map(|t| t.phrases.keys().map(String::as_str))
            .chain(known_ids.iter().copied())
            .collect();
        let extra = raw.phrases.clone().unwrap_or_default();
        let mut total_size = 0;
        for (key, patterns) in &extra {
            if !phrase_keys.contains(&key.as_str()) {
                return Err(error(key, unknown_rule(key, &known_ids)));
            }
            for pattern in patterns {
                theme::compile_pattern(pattern).map_err(|err| {
                    error(
                        key,
                        format!("pattern `{pattern}` in [phrases] {key} does not compile: {err}"),
                    )
                })?;
                total_size += compiled_size(pattern);
                if total_size > PHRASES_SIZE_LIMIT {
                    return Err(error(
                        key,
                        format!(
                            "the patterns in [phrases] are too large together: up to `{pattern}` \
                             in {key} they compile past {} MB, the limit; shorten or remove some",
                            PHRASES_SIZE_LIMIT >> 20
                        ),
                    ));
                }
            }
        }

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

        let mut lexicons = HashMap::new();
        // Every theme reads the default theme's phrase lists (the ownership rules of `star`
        // need them), with its own lists on top.
        let shared = theme::find(theme::DEFAULT_THEME)
            .map(|t| t.phrases.clone())
            .unwrap_or_default();
        for theme in theme::builtin() {
            let mut lists = shared.clone();
            lists.extend(theme.phrases.clone());
            for (key, patterns) in &extra {
                lists
                    .entry(key.clone())
                    .or_default()
                    .extend(patterns.iter().cloned());
            }
            let sets = lists
                .into_iter()
                .map(|(key, patterns)| {
                    // The built-in lists compile when first read (a test compiles them all);
                    // a list the user added to is compiled now, so its error shows at once.
                    let set = if extra.contains_key(&key) {
                        PhraseSet::checked(&patterns).map_err(|err| {
                            error(&key, format!("[phrases] {key} does not compile: {err}"))
                        })?
                    } else {
                        PhraseSet::new(&patterns)
                    };
                    Ok((key, set))
                })
                .collect::<Result<HashMap<_, _>, ConfigError>>()?;
            lexicons.insert(theme.name.clone(), Lexicon::new(sets));
        }

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

/// The most memory the patterns of `[phrases]` may take compiled, all together. Each is
/// compiled again in the list of every theme that reads it, and matching builds caches on
/// top: a process takes about 7 times this at most (500 patterns `\w{20}`, 170 MB here, took
/// 1.2 GB before this bound). A plain phrase takes about 1 KB.
const PHRASES_SIZE_LIMIT: usize = 16 << 20;

/// The memory `pattern` takes compiled (its Thompson NFA, as the regex crate builds it), or
/// the limit when it is larger than that.
fn compiled_size(pattern: &str) -> usize {
    use regex_automata::nfa::thompson;
    thompson::Compiler::new()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .configure(thompson::Config::new().nfa_size_limit(Some(PHRASES_SIZE_LIMIT)))
        .build(pattern)
        .map_or(PHRASES_SIZE_LIMIT + 1, |nfa| nfa.memory_usage())
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

fn unknown_rule(id: &str, known: &[&str]) -> String {
    let close = known
        .iter()
        .filter(|k| similar(k, id))
        .copied()
        .collect::<Vec<_>>();
    if close.is_empty() {
        format!("unknown rule id `{id}` (run `starling rules` for the list)")
    } else {
        format!(
            "unknown rule id `{id}`: did you mean `{}`?",
            close.join("`, `")
        )
    }
}

/// Whether two ids differ by little: one a prefix of the other, or few edits apart.
fn similar(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a) || edit_distance(a, b) <= 2
}

/// The number of single-character edits between `a` and `b`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row.push((prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}

/// One-based line and column of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

/// Where `key` is written in `source` (as a bare or quoted key at a line start).
fn locate_key(source: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let bare = trimmed.strip_prefix(key);
        let quoted = trimmed
            .strip_prefix('"')
            .and_then(|t| t.strip_prefix(key))
            .and_then(|t| t.strip_prefix('"'));
        if let Some(rest) = bare.or(quoted) {
            if rest.trim_start().starts_with('=') {
                return line_col(source, offset + lead);
            }
        }
        offset += line.len();
    }
    (1, 1)
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

//! The server's state: open documents, the configuration layers, the story bank, and the
//! background checks that keep diagnostics current without blocking the request loop.
//!
//! Every change bumps a document's generation and schedules a check after the debounce delay.
//! A check runs on a blocking thread, one at a time; when it starts it gives up if a newer
//! generation exists, and its result is published only if no newer generation has appeared
//! meanwhile. Publishing holds one lock, so an old result can never land over a newer one.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Semaphore;
use tower_lsp::lsp_types::{
    Diagnostic, MessageType, NumberOrString, ProgressParams, ProgressParamsValue, Url,
    WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd,
    WorkDoneProgressReport,
};
use tower_lsp::Client;

use super::{from_lsp, to_lsp};
use crate::analysis::Analysis;
use crate::assist::{self, FileSummary, StoryCard};
use crate::config::{self, Config, ConfigError, RawConfig};
use crate::document::{Document, PositionEncoding};
use crate::rules::Finding;

/// How much to log to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn parse(name: &str) -> Self {
        match name.trim().to_ascii_lowercase().as_str() {
            "error" | "off" => Level::Error,
            "warn" | "warning" => Level::Warn,
            "debug" => Level::Debug,
            "trace" => Level::Trace,
            _ => Level::Info,
        }
    }

    fn message_type(self) -> MessageType {
        match self {
            Level::Error => MessageType::ERROR,
            Level::Warn => MessageType::WARNING,
            Level::Info => MessageType::INFO,
            Level::Debug | Level::Trace => MessageType::LOG,
        }
    }
}

/// What the client said it supports.
#[derive(Debug, Clone, Default)]
pub struct ClientFlags {
    /// Whether the client pulls diagnostics. Such a client is sent
    /// `workspace/diagnostic/refresh` whenever diagnostics it cannot see change: clients that
    /// support it do not all say so where lsp-types 0.94 reads it (VS Code advertises
    /// `workspace.diagnostics`, plural), and Neovim pulls without advertising it at all.
    pub pull_diagnostics: bool,
    pub watched_files_dynamic: bool,
    pub configuration: bool,
    pub work_done_progress: bool,
    pub document_changes: bool,
    pub create_files: bool,
}

/// An open document.
pub struct OpenDoc {
    pub document: Document,
    pub version: i32,
    /// Bumped by every change and every configuration change; a check of an older generation
    /// is stale.
    pub generation: u64,
    pub snapshot: Option<Arc<Snapshot>>,
}

/// A checked version of a document: everything requests read.
pub struct Snapshot {
    pub version: i32,
    pub generation: u64,
    pub document: Document,
    pub text: String,
    pub analysis: Analysis,
    pub config: Config,
    /// Whether the document is a story file (by the include globs or its front matter);
    /// other documents get nothing.
    pub is_story: bool,
    pub large: bool,
    pub cards: Vec<StoryCard>,
}

impl Snapshot {
    pub fn diagnostics(&self, encoding: PositionEncoding, bank: &[Finding]) -> Vec<Diagnostic> {
        if !self.is_story {
            return Vec::new();
        }
        let bank = assist::finish_bank_findings(&self.text, bank, &self.config);
        let mut out: Vec<Diagnostic> = self
            .analysis
            .findings
            .iter()
            .chain(&bank)
            .map(|finding| to_lsp::diagnostic(&self.document, finding, encoding))
            .collect();
        if self.large {
            out.push(to_lsp::large_file_diagnostic(
                self.text.len(),
                self.config.max_file_size(),
            ));
        }
        out
    }
}

/// One `starling.toml`: its text and the last layer that was valid.
#[derive(Debug, Clone, Default)]
struct ConfigFile {
    source: String,
    good: Option<RawConfig>,
    error: Option<ConfigError>,
}

/// A file of the story bank.
#[derive(Debug, Clone, Default)]
pub struct BankFile {
    pub summary: FileSummary,
    /// Its own diagnostics, as last checked from disk (open documents have fresher ones).
    pub diagnostics: Vec<Diagnostic>,
}

pub struct State {
    pub encoding: PositionEncoding,
    pub flags: ClientFlags,
    pub folders: Vec<PathBuf>,
    /// Editor settings: `initializationOptions` with `didChangeConfiguration` on top.
    pub init_options: RawConfig,
    pub settings: RawConfig,
    pub docs: HashMap<Url, OpenDoc>,
    config_files: HashMap<PathBuf, ConfigFile>,
    effective: HashMap<Option<PathBuf>, Config>,
    /// Configuration errors not yet shown: the file and its error (`None` once fixed).
    config_reports: Vec<(PathBuf, Option<ConfigError>, String)>,
    pub bank: BTreeMap<PathBuf, BankFile>,
    pub bank_findings: HashMap<PathBuf, Vec<Finding>>,
}

impl State {
    fn new() -> Self {
        Self {
            encoding: PositionEncoding::Utf16,
            flags: ClientFlags::default(),
            folders: Vec::new(),
            init_options: RawConfig::default(),
            settings: RawConfig::default(),
            docs: HashMap::new(),
            config_files: HashMap::new(),
            effective: HashMap::new(),
            config_reports: Vec::new(),
            bank: BTreeMap::new(),
            bank_findings: HashMap::new(),
        }
    }

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
                    PathBuf::from("editor settings"),
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
            doc.generation += 1;
        }
    }

    /// The diagnostics of a bank file that is not open: its own, as last read from disk, and
    /// its bank findings. `None` for a file outside the bank.
    pub fn disk_diagnostics(&mut self, path: &Path) -> Option<Vec<Diagnostic>> {
        let mut diagnostics = self.bank.get(path)?.diagnostics.clone();
        if let Some(extra) = self.bank_findings.get(path).cloned() {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let (config, _) = self.config_for(Some(path));
            let document = Document::new(&text);
            diagnostics.extend(
                assist::finish_bank_findings(&text, &extra, &config)
                    .iter()
                    .map(|f| to_lsp::diagnostic(&document, f, self.encoding)),
            );
        }
        Some(diagnostics)
    }

    /// Whether the file at `path` is a story file by the include and exclude globs.
    pub fn is_story_path(config: &Config, root: Option<&Path>, path: &Path) -> bool {
        let relative = root
            .and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(path);
        config.is_story_path(relative)
    }

    /// The bank findings of every file, recomputed from the summaries. Returns the files
    /// whose bank findings changed.
    pub fn refresh_bank_findings(&mut self) -> Vec<PathBuf> {
        let root = self.folders.first().cloned();
        let (config, _) = self.config_for(root.as_deref());
        let paths: Vec<&PathBuf> = self.bank.keys().collect();
        let summaries: Vec<&FileSummary> = self.bank.values().map(|f| &f.summary).collect();
        let mut fresh: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
        for (index, finding) in assist::bank_findings(&summaries, &config) {
            if let Some(path) = paths.get(index) {
                fresh.entry((*path).clone()).or_default().push(finding);
            }
        }
        let mut changed: Vec<PathBuf> = fresh
            .keys()
            .chain(self.bank_findings.keys())
            .filter(|path| fresh.get(*path) != self.bank_findings.get(*path))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        self.bank_findings = fresh;
        changed
    }
}

/// What a check works on.
struct Job {
    uri: Url,
    version: i32,
    generation: u64,
    document: Document,
    config: Config,
    by_path: bool,
}

/// The state shared by every handler and background task.
pub struct Session {
    pub client: Client,
    state: Mutex<State>,
    publish_lock: tokio::sync::Mutex<()>,
    /// One check at a time: the machine is shared and a stale check is never worth a core.
    gate: Arc<Semaphore>,
    level: Level,
    pub shutdown_requested: AtomicBool,
    scans: AtomicU8,
    /// Held for writing while files changed on disk are re-read into the bank, and for
    /// reading by `workspace/diagnostic`, so that a pull sent after a change sees it.
    pub bank_gate: tokio::sync::RwLock<()>,
}

impl Session {
    pub fn new(client: Client, level: Level) -> Arc<Self> {
        Arc::new(Self {
            client,
            state: Mutex::new(State::new()),
            publish_lock: tokio::sync::Mutex::new(()),
            gate: Arc::new(Semaphore::new(1)),
            level,
            shutdown_requested: AtomicBool::new(false),
            scans: AtomicU8::new(0),
            bank_gate: tokio::sync::RwLock::new(()),
        })
    }

    /// The state, even after a panic elsewhere poisoned the lock.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn log(&self, level: Level, message: impl Into<String>) {
        if level <= self.level {
            self.client
                .log_message(level.message_type(), message.into())
                .await;
        }
    }

    /// Logs from a place that cannot wait.
    pub fn log_later(self: &Arc<Self>, level: Level, message: impl Into<String>) {
        if level <= self.level {
            let this = self.clone();
            let message = message.into();
            tokio::spawn(async move { this.log(level, message).await });
        }
    }

    /// Schedules a check of `uri` after the debounce delay (at once when `immediate`).
    pub fn schedule(self: &Arc<Self>, uri: Url, immediate: bool) {
        let (generation, delay) = {
            let mut state = self.state();
            let path = from_lsp::path(&uri);
            let (config, _) = state.config_for(path.as_deref());
            let Some(doc) = state.docs.get_mut(&uri) else {
                return;
            };
            doc.generation += 1;
            let mut delay = if immediate { 0 } else { config.debounce_ms() };
            if doc.document.len_bytes() as u64 > config.max_file_size() {
                delay = delay.max(1_000);
            }
            (doc.generation, delay)
        };
        let this = self.clone();
        tokio::spawn(async move {
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if let Some(snapshot) = this.check(&uri, Some(generation)).await {
                this.publish(&uri, &snapshot).await;
            }
            this.flush_config_reports().await;
        });
    }

    /// The snapshot of `uri`'s current version, checking it now if needed. `None` for a
    /// document that is not open.
    pub async fn snapshot(self: &Arc<Self>, uri: &Url) -> Option<Arc<Snapshot>> {
        {
            let state = self.state();
            let doc = state.docs.get(uri)?;
            if let Some(snapshot) = &doc.snapshot {
                if snapshot.generation == doc.generation {
                    return Some(snapshot.clone());
                }
            }
        }
        let snapshot = self.check(uri, None).await;
        self.flush_config_reports().await;
        snapshot
    }

    /// Checks the current version of `uri` on a blocking thread. With `only`, gives up unless
    /// that generation is still the newest.
    async fn check(self: &Arc<Self>, uri: &Url, only: Option<u64>) -> Option<Arc<Snapshot>> {
        let _permit = self.gate.clone().acquire_owned().await.ok()?;
        let job = {
            let mut state = self.state();
            let path = from_lsp::path(uri);
            let (config, root) = state.config_for(path.as_deref());
            let doc = state.docs.get(uri)?;
            if only.is_some_and(|generation| generation != doc.generation) {
                return None;
            }
            if let Some(snapshot) = &doc.snapshot {
                if snapshot.generation == doc.generation {
                    return Some(snapshot.clone());
                }
            }
            let by_path = path
                .as_deref()
                .is_some_and(|p| State::is_story_path(&config, root.as_deref(), p));
            Job {
                uri: uri.clone(),
                version: doc.version,
                generation: doc.generation,
                document: doc.document.clone(),
                config,
                by_path,
            }
        };
        let uri_text = job.uri.to_string();
        let outcome = tokio::task::spawn_blocking(move || run_job(job)).await;
        let snapshot = match outcome {
            Ok(Ok(snapshot)) => Arc::new(snapshot),
            Ok(Err(message)) => {
                self.log(
                    Level::Error,
                    format!("checking {uri_text} panicked: {message}"),
                )
                .await;
                return None;
            }
            Err(err) => {
                self.log(Level::Error, format!("checking {uri_text} failed: {err}"))
                    .await;
                return None;
            }
        };
        let mut state = self.state();
        let doc = state.docs.get_mut(uri)?;
        if doc.generation == snapshot.generation {
            doc.snapshot = Some(snapshot.clone());
        }
        if snapshot.is_story {
            if let Some(path) = from_lsp::path(uri) {
                let summary =
                    assist::summarize(&snapshot.text, &snapshot.analysis, &snapshot.config);
                let entry = state.bank.entry(path).or_default();
                if entry.summary != summary {
                    entry.summary = summary;
                    let changed = state.refresh_bank_findings();
                    if !changed.is_empty() {
                        drop(state);
                        self.republish_paths(&changed);
                        let this = self.clone();
                        tokio::spawn(async move { this.refresh_pulls().await });
                    }
                }
            }
        }
        Some(snapshot)
    }

    /// Pushes `snapshot`'s diagnostics unless a newer generation exists or the client pulls.
    pub async fn publish(&self, uri: &Url, snapshot: &Snapshot) {
        let _guard = self.publish_lock.lock().await;
        let diagnostics = {
            let state = self.state();
            if state.flags.pull_diagnostics {
                return;
            }
            let Some(doc) = state.docs.get(uri) else {
                return;
            };
            if doc.generation != snapshot.generation {
                return;
            }
            snapshot.diagnostics(state.encoding, &self.bank_findings_for(&state, uri))
        };
        self.client
            .publish_diagnostics(uri.clone(), diagnostics, Some(snapshot.version))
            .await;
    }

    /// Clears a document's diagnostics (on close).
    pub async fn clear(&self, uri: &Url) {
        let _guard = self.publish_lock.lock().await;
        if self.state().flags.pull_diagnostics {
            return;
        }
        self.client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
    }

    pub fn bank_findings_for(&self, state: &State, uri: &Url) -> Vec<Finding> {
        from_lsp::path(uri)
            .and_then(|path| state.bank_findings.get(&path).cloned())
            .unwrap_or_default()
    }

    /// Re-checks every open document with the current configuration. Push clients get the
    /// new diagnostics as each check ends; pull clients pull them when refreshed.
    pub fn recheck_all(self: &Arc<Self>) {
        let uris: Vec<Url> = self.state().docs.keys().cloned().collect();
        for uri in uris {
            self.schedule(uri, true);
        }
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

    fn republish_paths(self: &Arc<Self>, paths: &[PathBuf]) {
        let uris: Vec<Url> = self
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

    /// Shows configuration errors found since the last call: a diagnostic on the file and a
    /// message; a fixed file gets its diagnostics cleared.
    pub async fn flush_config_reports(&self) {
        let (reports, encoding) = {
            let mut state = self.state();
            (std::mem::take(&mut state.config_reports), state.encoding)
        };
        for (path, error, source) in reports {
            let uri = Url::from_file_path(&path).ok();
            match &error {
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

    /// Scans the workspace folders for story files in the background, reporting progress,
    /// and fills the story bank.
    pub async fn scan_bank(self: &Arc<Self>) {
        self.scans.fetch_add(1, Ordering::SeqCst);
        let (folders, work_done, encoding) = {
            let state = self.state();
            (
                state.folders.clone(),
                state.flags.work_done_progress,
                state.encoding,
            )
        };
        let token = NumberOrString::String(format!(
            "starling/bank/{}",
            self.scans.load(Ordering::SeqCst)
        ));
        let progress = work_done
            && self
                .client
                .send_request::<tower_lsp::lsp_types::request::WorkDoneProgressCreate>(
                    WorkDoneProgressCreateParams {
                        token: token.clone(),
                    },
                )
                .await
                .is_ok();
        if progress {
            self.progress(
                &token,
                WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "Checking the story bank".into(),
                    cancellable: Some(false),
                    message: Some("finding story files".into()),
                    percentage: Some(0),
                }),
            )
            .await;
        }

        // Which files: decided with the configuration of each, under the lock, then read and
        // checked on a blocking thread.
        let candidates = tokio::task::spawn_blocking(move || list_markdown(&folders))
            .await
            .unwrap_or_default();
        let jobs: Vec<(PathBuf, Config, bool)> = {
            let mut state = self.state();
            candidates
                .into_iter()
                .filter_map(|path| {
                    let (config, root) = state.config_for(Some(&path));
                    let relative = root
                        .as_deref()
                        .and_then(|r| path.strip_prefix(r).ok())
                        .unwrap_or(&path);
                    if config.is_excluded(relative) {
                        return None;
                    }
                    let by_path = config.is_story_path(relative);
                    Some((path, config, by_path))
                })
                .collect()
        };
        self.flush_config_reports().await;

        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let total = jobs.len();
        let worker = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (done, (path, config, by_path)) in jobs.into_iter().enumerate() {
                let _ = sender.send(done);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if !by_path && !text.starts_with("---") {
                    continue;
                }
                let checked = catch_unwind(AssertUnwindSafe(|| {
                    let analysis = crate::analysis::check_text(&text, &config);
                    (by_path || analysis.outline.file.holds_stories).then(|| {
                        let summary = assist::summarize(&text, &analysis, &config);
                        let document = Document::new(&text);
                        let diagnostics = analysis
                            .findings
                            .iter()
                            .map(|f| to_lsp::diagnostic(&document, f, encoding))
                            .collect();
                        BankFile {
                            summary,
                            diagnostics,
                        }
                    })
                }));
                if let Ok(Some(file)) = checked {
                    out.push((path, file));
                }
            }
            out
        });
        let mut last_percent = 0;
        while let Some(done) = receiver.recv().await {
            let percent = (done * 100 / total.max(1)) as u32;
            if progress && percent >= last_percent + 5 {
                last_percent = percent;
                self.progress(
                    &token,
                    WorkDoneProgress::Report(WorkDoneProgressReport {
                        cancellable: Some(false),
                        message: Some(format!("{done}/{total} files")),
                        percentage: Some(percent),
                    }),
                )
                .await;
            }
        }
        let files = worker.await.unwrap_or_default();
        let count = files.len();
        let stories: usize = files.iter().map(|(_, f)| f.summary.stories.len()).sum();
        let changed = {
            let mut state = self.state();
            let mut bank: BTreeMap<PathBuf, BankFile> = files.into_iter().collect();
            // An open document's summary comes from its own, possibly unsaved, text.
            let open: Vec<PathBuf> = state.docs.keys().filter_map(from_lsp::path).collect();
            for path in open {
                if let Some(file) = state.bank.get(&path) {
                    bank.insert(path, file.clone());
                }
            }
            state.bank = bank;
            state.refresh_bank_findings()
        };
        self.republish_paths(&changed);
        let message = format!("{count} story files, {stories} stories");
        if progress {
            self.progress(
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.clone()),
                }),
            )
            .await;
        }
        self.log(Level::Info, format!("story bank: {message}"))
            .await;
        self.refresh_pulls().await;
    }

    /// Re-reads one bank file from disk after it changed outside the editor.
    pub async fn update_bank_file(self: &Arc<Self>, path: PathBuf) {
        let (config, by_path, encoding) = {
            let mut state = self.state();
            let (config, root) = state.config_for(Some(&path));
            let by_path = State::is_story_path(&config, root.as_deref(), &path);
            (config, by_path, state.encoding)
        };
        let read = path.clone();
        let file = tokio::task::spawn_blocking(move || {
            let text = std::fs::read_to_string(&read).ok()?;
            let analysis = catch_unwind(AssertUnwindSafe(|| {
                crate::analysis::check_text(&text, &config)
            }))
            .ok()?;
            if !by_path && !analysis.outline.file.holds_stories {
                return None;
            }
            let document = Document::new(&text);
            Some(BankFile {
                summary: assist::summarize(&text, &analysis, &config),
                diagnostics: analysis
                    .findings
                    .iter()
                    .map(|f| to_lsp::diagnostic(&document, f, encoding))
                    .collect(),
            })
        })
        .await
        .ok()
        .flatten();
        let changed = {
            let mut state = self.state();
            match file {
                Some(file) => {
                    state.bank.insert(path, file);
                }
                None => {
                    state.bank.remove(&path);
                }
            }
            state.refresh_bank_findings()
        };
        self.republish_paths(&changed);
    }

    async fn progress(&self, token: &NumberOrString, value: WorkDoneProgress) {
        self.client
            .send_notification::<tower_lsp::lsp_types::notification::Progress>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(value),
            })
            .await;
    }
}

/// Checks one document version. Runs on a blocking thread; a panic becomes an error.
fn run_job(job: Job) -> Result<Snapshot, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let text = job.document.text();
        let large = text.len() as u64 > job.config.max_file_size();
        // A Markdown file outside the include globs is checked only if its front matter says it
        // holds stories.
        let analysis = if job.by_path || text.starts_with("---") {
            crate::analysis::analyze(&text, job.document.syntax(), &job.config)
        } else {
            Analysis::default()
        };
        let is_story = job.by_path || analysis.outline.file.holds_stories;
        let cards = if is_story {
            assist::story_cards(&text, &analysis, &job.config)
        } else {
            Vec::new()
        };
        Snapshot {
            version: job.version,
            generation: job.generation,
            document: job.document,
            text,
            analysis,
            config: job.config,
            is_story,
            large,
            cards,
        }
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// Every Markdown file under `folders`, honouring `.gitignore`.
fn list_markdown(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for folder in folders {
        let walker = ignore::WalkBuilder::new(folder)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build();
        for entry in walker.flatten() {
            let path = entry.path();
            let is_markdown = entry.file_type().is_some_and(|t| t.is_file())
                && path.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
                });
            if is_markdown {
                out.push(path.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

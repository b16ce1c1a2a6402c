//! The server's state: open documents, the configuration layers, the story bank, and the
//! background checks that keep diagnostics current without blocking the request loop.
//!
//! - [`documents`]: an open document: its text, the edits not yet checked, changing and
//!   closing it.
//! - [`snapshot`]: a checked version of a document, hot or cold, which requests read.
//! - [`scheduling`]: the debounce, the lanes the checks run on, and reading a current snapshot.
//! - [`checks`]: one check, off the request loop, from the last check's analysis.
//! - [`publishing`]: pushing diagnostics, serving pulled ones, and asking pull clients to
//!   pull again.
//! - [`config_layers`]: configuration discovery, cached per folder, and the editor's layers.
//! - [`bank`]: the story bank: the scan of the workspace folders, files changed on disk,
//!   and the files' summaries.

mod bank;
mod checks;
mod config_layers;
mod documents;
mod publishing;
mod scheduling;
mod snapshot;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Semaphore;
use tower_lsp_server::ls_types::{MessageType, Uri};
use tower_lsp_server::Client;

use crate::config::{Config, ConfigError, RawConfig};
use crate::document::PositionEncoding;
use crate::rules::Finding;

pub use bank::BankFile;
use config_layers::ConfigFile;
pub use documents::{DocStats, OpenDoc, Pending, Text};
use scheduling::Lane;
pub use snapshot::Snapshot;

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
    /// Whether the client resolves a code action's edit when it is picked
    /// (`codeAction/resolve`), so that costly edits can wait until then.
    pub resolve_edits: bool,
}

pub struct State {
    pub encoding: PositionEncoding,
    pub flags: ClientFlags,
    pub folders: Vec<PathBuf>,
    /// Editor settings: `initializationOptions` with `didChangeConfiguration` on top.
    pub init_options: RawConfig,
    pub settings: RawConfig,
    pub docs: HashMap<Uri, OpenDoc>,
    config_files: HashMap<PathBuf, ConfigFile>,
    /// Each folder discovered since the last reload, and the `starling.toml` that governs it.
    discovered: HashMap<Option<PathBuf>, Option<PathBuf>>,
    /// The configuration of the files each `starling.toml` (or none) governs.
    effective: HashMap<Option<PathBuf>, Config>,
    /// Configuration errors not yet shown: the file and its error (`None` once fixed).
    config_reports: Vec<(PathBuf, Option<ConfigError>, String)>,
    pub bank: BTreeMap<PathBuf, BankFile>,
    pub bank_findings: HashMap<PathBuf, Vec<Finding>>,
    /// Bumped whenever the configurations are read again, so that a check knows whether the
    /// analysis it starts from used the configuration it has.
    config_epoch: u64,
    /// How many documents were opened, to tell one opening of a document from the next.
    opened: u64,
    /// The documents kept hot, the one used last at the back (see [`snapshot::HOT_DOCUMENTS`]).
    hot: VecDeque<Uri>,
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
            discovered: HashMap::new(),
            effective: HashMap::new(),
            config_reports: Vec::new(),
            bank: BTreeMap::new(),
            bank_findings: HashMap::new(),
            config_epoch: 0,
            opened: 0,
            hot: VecDeque::new(),
        }
    }
}

/// The state shared by every handler and background task.
pub struct Session {
    pub client: Client,
    state: Mutex<State>,
    publish_lock: tokio::sync::Mutex<()>,
    /// One check at a time: the machine is shared and a stale check is never worth a core.
    gate: Arc<Semaphore>,
    /// The same for documents over [`scheduling::BIG_DOCUMENT`] or `max-file-size`, whose checks can
    /// take seconds: they never hold up the checks of the others.
    large_gate: Arc<Semaphore>,
    /// The threads the checks of each gate run on.
    lane: Lane,
    large_lane: Lane,
    level: Level,
    pub shutdown_requested: AtomicBool,
    /// Whether `initialize` said `workspace.diagnostic.refreshSupport: true`, which decides
    /// whether a client that can pull diagnostics is served by pull.
    pub pull_refresh: AtomicBool,
    scans: AtomicU8,
    /// How many times a folder's configuration was discovered (files walked up to and read),
    /// for `starling/stats`.
    pub discoveries: AtomicU64,
    /// Held for writing while files changed on disk are re-read into the bank, and for
    /// reading by `workspace/diagnostic`, so that a pull sent after a change sees it.
    pub bank_gate: tokio::sync::RwLock<()>,
    /// The URIs the client sent as they were, for those the framing had to encode.
    aliases: super::framing::Aliases,
}

impl Session {
    pub fn new(client: Client, level: Level, aliases: super::framing::Aliases) -> Arc<Self> {
        Arc::new(Self {
            client,
            state: Mutex::new(State::new()),
            publish_lock: tokio::sync::Mutex::new(()),
            gate: Arc::new(Semaphore::new(1)),
            large_gate: Arc::new(Semaphore::new(1)),
            lane: Lane::new("starling-check"),
            large_lane: Lane::new("starling-check-large"),
            level,
            shutdown_requested: AtomicBool::new(false),
            pull_refresh: AtomicBool::new(false),
            scans: AtomicU8::new(0),
            discoveries: AtomicU64::new(0),
            bank_gate: tokio::sync::RwLock::new(()),
            aliases,
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

    /// How much work the checks of `uri` did, `None` for a document that is not open.
    /// Also returns how many stories the document holds and whether it is hot.
    pub async fn stats(&self, uri: &Uri) -> Option<(DocStats, usize, bool)> {
        // A check under way counts once it has ended: its findings are published before it
        // makes the cards and stores what it did.
        let checking = self.state().docs.get(uri)?.checking.clone();
        drop(checking.lock().await);
        let state = self.state();
        let doc = state.docs.get(uri)?;
        let stories = doc
            .snapshot
            .as_ref()
            .map_or(0, |snapshot| snapshot.stories());
        let hot = doc
            .snapshot
            .as_ref()
            .is_some_and(|snapshot| snapshot.hot.is_some());
        Some((doc.stats, stories, hot))
    }
}

//! The server's state: open documents, the configuration layers, the story bank, and the
//! background checks that keep diagnostics current without blocking the request loop.
//!
//! Every change bumps a document's generation, adds its byte edit to the document's pending
//! edit, and schedules a check after the debounce delay. A check runs on a blocking thread; when
//! it starts it gives up if a newer generation exists, and its result is published only if no
//! newer generation has appeared meanwhile. Publishing holds one lock, so an old result can
//! never land over a newer one.
//!
//! A check costs what the edits since the last check touched: it takes the last snapshot's
//! tree and [`IncrementalAnalysis`], reparses once for the whole pending edit, updates the
//! analysis (re-checking only the stories the edit reached), and keeps the story cards of every
//! other story, moved by the edit. A scheduled check that finds a newer version waiting after
//! its reparse stops there and leaves its work to the next. The checks of one document run one
//! after another, each from the last one's result; documents over `max-file-size` are checked
//! on a lane (a thread) of their own, so that they never hold up the others.
//!
//! Only the documents used last stay hot (tree, analysis, cards); the others keep their text
//! and findings, and are analysed afresh when next changed or asked about (see [`Snapshot`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use ropey::Rope;
use tokio::sync::Semaphore;
use tower_lsp_server::ls_types::{
    Diagnostic, MessageType, NumberOrString, ProgressParams, ProgressParamsValue, Uri,
    WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd,
    WorkDoneProgressReport,
};
use tower_lsp_server::Client;

use super::{from_lsp, to_lsp};
use crate::assist::{self, Counts, FileSummary, StoryCard};
use crate::config::{self, Config, ConfigError, RawConfig};
use crate::document::{position_to_byte, Document, PositionEncoding, Span};
use crate::incremental::{ByteEdit, IncrementalAnalysis};
use crate::rules::Finding;
use crate::story::{shift_range, Outline};
use crate::workspace::{self, Verdict};

/// What configuration reports call the editor's settings, which have no file.
const EDITOR_SETTINGS: &str = "editor settings";

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

/// What changed in a document since the version its snapshot analysed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Pending {
    #[default]
    Nothing,
    /// One edit covering every change since (see [`ByteEdit::then`]).
    Edit(ByteEdit),
    /// The whole text was replaced: analyse it from scratch.
    Reset,
}

impl Pending {
    /// Adds a change: `None` for a replacement of the whole text.
    pub fn push(&mut self, edit: Option<ByteEdit>) {
        *self = match (std::mem::take(self), edit) {
            (_, None) | (Pending::Reset, _) => Pending::Reset,
            (Pending::Nothing, Some(edit)) => Pending::Edit(edit),
            (Pending::Edit(before), Some(edit)) => Pending::Edit(before.then(&edit)),
        };
    }

    /// Adds the changes of `next`, which follow these.
    fn append(&mut self, next: Pending) {
        match next {
            Pending::Nothing => {}
            Pending::Edit(edit) => self.push(Some(edit)),
            Pending::Reset => self.push(None),
        }
    }
}

/// A document's text: a rope while it is edited or hot, a flat string once it is cold, which
/// takes half the memory.
#[derive(Debug, Clone)]
pub enum Text {
    Rope(Rope),
    Flat(Arc<str>),
}

impl Text {
    pub fn len_bytes(&self) -> usize {
        match self {
            Text::Rope(rope) => rope.len_bytes(),
            Text::Flat(text) => text.len(),
        }
    }

    /// The text as a rope, built for a flat text.
    pub fn rope(&self) -> Cow<'_, Rope> {
        match self {
            Text::Rope(rope) => Cow::Borrowed(rope),
            Text::Flat(text) => Cow::Owned(Rope::from_str(text)),
        }
    }

    /// The rope to edit, built once for a flat text.
    fn rope_mut(&mut self) -> &mut Rope {
        if let Text::Flat(text) = self {
            *self = Text::Rope(Rope::from_str(text));
        }
        match self {
            Text::Rope(rope) => rope,
            Text::Flat(_) => unreachable!("made a rope above"),
        }
    }

    /// The text as one string.
    pub fn to_str(&self) -> Cow<'_, str> {
        match self {
            Text::Rope(rope) => Cow::Owned(rope.to_string()),
            Text::Flat(text) => Cow::Borrowed(text),
        }
    }

    fn flat(&self) -> Text {
        match self {
            Text::Rope(rope) => Text::Flat(Arc::from(rope.to_string())),
            Text::Flat(text) => Text::Flat(text.clone()),
        }
    }
}

/// How much work the checks of one document did, for `starling/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocStats {
    /// Checks that ran (not counting those that found their version already checked).
    pub checks: u64,
    /// Stories whose rules ran, over every check.
    pub stories_checked: u64,
    /// Story cards (score, follow-ups, spoken time) computed, over every check.
    pub cards_built: u64,
    /// Checks that analysed the document from scratch.
    pub full_checks: u64,
    /// Checks that stopped after the reparse because a newer version had arrived.
    pub cancelled: u64,
}

/// An open document.
///
/// Its text is kept as a rope, edited in place by each change (or as a flat string while the
/// document is cold and unchanged); the syntax tree lives with the snapshot, and the next
/// check brings it up to date with all the changes since in one edit, so that a burst of
/// keystrokes costs one reparse, off the request loop.
pub struct OpenDoc {
    pub text: Text,
    pub version: i32,
    /// Bumped by every change and every configuration change; a check of an older generation
    /// is stale.
    generation: u64,
    /// `generation`, for a check under way to see that it is stale.
    newest: Arc<AtomicU64>,
    /// The last checked version, current or not: the next check starts from its analysis.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The edits since the version `snapshot` holds, or since the version a check under way
    /// took.
    pending: Pending,
    /// Which opening of the document this is: a check of an earlier opening is dropped.
    opened: u64,
    /// Held by the check of this document under way, so that the next one starts from its
    /// result.
    checking: Arc<tokio::sync::Mutex<()>>,
    pub stats: DocStats,
}

impl OpenDoc {
    /// A document just opened; [`State::open`] numbers the opening.
    pub fn new(text: &str, version: i32) -> Self {
        Self {
            text: Text::Rope(Rope::from_str(text)),
            version,
            generation: 0,
            newest: Arc::new(AtomicU64::new(0)),
            snapshot: None,
            pending: Pending::Nothing,
            opened: 0,
            checking: Arc::new(tokio::sync::Mutex::new(())),
            stats: DocStats::default(),
        }
    }

    /// Makes every check of the document so far stale.
    fn bump(&mut self) -> u64 {
        self.generation += 1;
        self.newest.store(self.generation, Ordering::SeqCst);
        self.generation
    }

    /// Applies one change (the whole text when `span` is `None`) and records its byte edit.
    /// Positions past a line's end or the text's end are clamped, as [`Document::edit`] does.
    pub fn edit(&mut self, span: Option<Span>, text: &str, encoding: PositionEncoding) {
        let Some(span) = span else {
            self.text = Text::Rope(Rope::from_str(text));
            self.pending.push(None);
            return;
        };
        let rope = self.text.rope_mut();
        let mut start = position_to_byte(rope, span.start, encoding);
        let mut end = position_to_byte(rope, span.end, encoding);
        if end < start {
            std::mem::swap(&mut start, &mut end);
        }
        let start_char = rope.byte_to_char(start);
        let end_char = rope.byte_to_char(end);
        rope.remove(start_char..end_char);
        rope.insert(start_char, text);
        self.pending
            .push(Some(ByteEdit::new(start..end, text.len())));
    }
}

/// A story's card as computed when its story was last checked, and how far the story moved
/// since: the cards of stories an edit did not reach are kept, not computed again.
#[derive(Debug, Clone)]
struct CardSlot {
    card: Arc<StoryCard>,
    moved_by: isize,
}

impl CardSlot {
    fn range(&self) -> std::ops::Range<usize> {
        shift_range(&self.card.range, self.moved_by)
    }
}

/// A checked version of a document: everything requests read.
///
/// A document used lately (see [`HOT_DOCUMENTS`]) keeps its syntax tree, incremental analysis
/// and story cards, so that its next check costs what the edit touched and requests are
/// answered at once. The others are kept cold: the text and the findings, which is all their
/// diagnostics need; a request that needs more warms the document up with a fresh analysis.
pub struct Snapshot {
    pub version: i32,
    pub generation: u64,
    /// The checked text: a rope when hot.
    pub text: Text,
    pub config: Config,
    /// The configuration epoch `config` belongs to (see [`State::invalidate_configs`]).
    epoch: u64,
    /// Whether the document is a story file (by the include globs or its front matter);
    /// other documents get nothing.
    pub is_story: bool,
    pub large: bool,
    /// Whether the document is analysed at all: in the include globs or with front matter.
    analysed: bool,
    /// The findings, sorted by position.
    findings: Arc<Vec<Finding>>,
    stories: usize,
    /// `None` for a cold document, and for one that is not analysed; boxed, so that a cold
    /// snapshot is small.
    hot: Option<Box<Hot>>,
    /// The changes from the version the analysis and cards hold to the text's: nothing,
    /// except in what a cancelled check leaves for the next one to start from.
    lag: Pending,
    /// Whether a cancelled check left this for the next one to start from: requests never
    /// read it.
    parked: bool,
}

/// What only a document used lately keeps.
struct Hot {
    /// The text with its syntax tree, to reparse incrementally.
    document: Document,
    /// `None` only in what a cancelled first check leaves.
    analysis: Option<IncrementalAnalysis>,
    cards: Vec<CardSlot>,
    counts: Vec<Counts>,
}

/// The size from which a document is checked on the lane of large documents, even under
/// `max-file-size`: its first check takes seconds, and must not hold up the others'.
const BIG_DOCUMENT: u64 = 256 * 1024;

/// How many documents stay hot: those last checked or asked about. A document that has gone
/// cold is analysed from scratch when it is next changed or asked about.
pub const HOT_DOCUMENTS: usize = 8;

/// What a check starts from.
#[derive(Default)]
struct Parts {
    document: Option<Document>,
    analysis: Option<IncrementalAnalysis>,
    cards: Vec<CardSlot>,
    epoch: u64,
    lag: Pending,
}

static NO_OUTLINE: LazyLock<Outline> = LazyLock::new(Outline::default);

impl Snapshot {
    /// Whether requests can read this snapshot: not what a cancelled check left.
    fn readable(&self) -> bool {
        !self.parked
    }

    /// Whether everything requests read is at hand: the outline and cards too.
    pub fn warm(&self) -> bool {
        self.analysis().is_some() || !self.analysed
    }

    fn analysis(&self) -> Option<&IncrementalAnalysis> {
        self.hot.as_ref().and_then(|hot| hot.analysis.as_ref())
    }

    /// The checked text.
    pub fn text(&self) -> Cow<'_, str> {
        match self.analysis() {
            Some(analysis) => Cow::Borrowed(analysis.text()),
            None => self.text.to_str(),
        }
    }

    /// The checked text as a rope, to convert positions.
    pub fn rope(&self) -> Cow<'_, Rope> {
        self.text.rope()
    }

    /// The stories and file metadata; empty for a cold document.
    pub fn outline(&self) -> &Outline {
        self.analysis()
            .map_or(&NO_OUTLINE, |analysis| analysis.outline())
    }

    /// The findings, sorted by position.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many stories the document holds.
    pub fn stories(&self) -> usize {
        self.stories
    }

    fn cards_slots(&self) -> &[CardSlot] {
        self.hot.as_ref().map_or(&[], |hot| &hot.cards)
    }

    /// The card of story `index`; `None` for a cold document.
    pub fn card(&self, index: usize) -> Option<StoryCard> {
        let hot = self.hot.as_ref()?;
        let slot = hot.cards.get(index)?;
        let mut card = slot.card.shifted(slot.moved_by);
        card.index = index;
        card.counts = hot.counts.get(index).copied().unwrap_or_default();
        Some(card)
    }

    /// Every card, in story order.
    pub fn cards(&self) -> impl Iterator<Item = StoryCard> + '_ {
        (0..self.cards_slots().len()).filter_map(|index| self.card(index))
    }

    /// The cards of the stories whose range holds `offset` (ends included).
    pub fn cards_at(&self, offset: usize) -> impl Iterator<Item = StoryCard> + '_ {
        let slots = self.cards_slots();
        let first = slots.partition_point(|slot| slot.range().end < offset);
        (first..slots.len())
            .take_while(move |&index| slots[index].range().start <= offset)
            .filter_map(|index| self.card(index))
    }

    pub fn diagnostics(&self, encoding: PositionEncoding, bank: &[Finding]) -> Vec<Diagnostic> {
        if !self.is_story {
            return Vec::new();
        }
        let bank = if bank.is_empty() {
            Vec::new()
        } else if self.analysis().is_some() {
            assist::finish_bank_findings_with(&self.text(), self.outline(), bank, &self.config)
        } else {
            assist::finish_bank_findings(&self.text(), bank, &self.config)
        };
        let rope = self.rope();
        let mut out: Vec<Diagnostic> = self
            .findings
            .iter()
            .chain(&bank)
            .map(|finding| to_lsp::diagnostic(&rope, finding, encoding))
            .collect();
        if self.large {
            out.push(to_lsp::large_file_diagnostic(
                self.text.len_bytes(),
                self.config.max_file_size(),
            ));
        }
        out
    }

    /// The same version, cold: without the tree, analysis and cards, the text flat and the
    /// findings without their fixes (code actions warm the document up again). A snapshot a
    /// cancelled check left has nothing to keep.
    fn cooled(&self) -> Option<Snapshot> {
        if self.parked {
            return None;
        }
        let mut findings: Vec<Finding> = self
            .findings
            .iter()
            .map(|finding| Finding {
                fix: None,
                ..finding.clone()
            })
            .collect();
        findings.shrink_to_fit();
        Some(Snapshot {
            version: self.version,
            generation: self.generation,
            text: self.text.flat(),
            config: self.config.clone(),
            epoch: self.epoch,
            is_story: self.is_story,
            large: self.large,
            analysed: self.analysed,
            findings: Arc::new(findings),
            stories: self.stories,
            hot: None,
            lag: Pending::Nothing,
            parked: false,
        })
    }

    /// The document, analysis and cards, to start the next check from: taken when no one
    /// else holds the snapshot, copied otherwise.
    fn into_parts(self: Arc<Self>) -> Parts {
        let (hot, epoch, lag) = match Arc::try_unwrap(self) {
            Ok(snapshot) => (snapshot.hot, snapshot.epoch, snapshot.lag),
            Err(shared) => {
                let hot = shared.hot.as_ref().map(|hot| {
                    Box::new(Hot {
                        document: hot.document.clone(),
                        analysis: hot.analysis.clone(),
                        cards: hot.cards.clone(),
                        counts: Vec::new(),
                    })
                });
                (hot, shared.epoch, shared.lag.clone())
            }
        };
        match hot.map(|hot| *hot) {
            Some(hot) => Parts {
                document: Some(hot.document),
                analysis: hot.analysis,
                cards: hot.cards,
                epoch,
                lag,
            },
            None => Parts::default(),
        }
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
    pub docs: HashMap<Uri, OpenDoc>,
    config_files: HashMap<PathBuf, ConfigFile>,
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
    /// The documents kept hot, the one used last at the back (see [`HOT_DOCUMENTS`]).
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
            effective: HashMap::new(),
            config_reports: Vec::new(),
            bank: BTreeMap::new(),
            bank_findings: HashMap::new(),
            config_epoch: 0,
            opened: 0,
            hot: VecDeque::new(),
        }
    }

    /// Marks `uri` as used last; the document used longest ago beyond [`HOT_DOCUMENTS`] goes
    /// cold.
    fn keep_hot(&mut self, uri: &Uri) {
        self.hot.retain(|hot| hot != uri);
        self.hot.push_back(uri.clone());
        while self.hot.len() > HOT_DOCUMENTS {
            let Some(cold) = self.hot.pop_front() else {
                break;
            };
            if let Some(doc) = self.docs.get_mut(&cold) {
                doc.snapshot = doc
                    .snapshot
                    .as_ref()
                    .and_then(|snapshot| snapshot.cooled())
                    .map(Arc::new);
                // Unchanged since: the open document shares the flat text.
                if let Some(snapshot) = &doc.snapshot {
                    if doc.pending == Pending::Nothing
                        && doc.text.len_bytes() == snapshot.text.len_bytes()
                    {
                        doc.text = snapshot.text.clone();
                    }
                }
            }
        }
    }

    /// Removes a closed document and all it held.
    pub fn close(&mut self, uri: &Uri) {
        self.docs.remove(uri);
        self.hot.retain(|hot| hot != uri);
    }

    /// Adds an opened document, replacing any earlier opening of `uri`.
    pub fn open(&mut self, uri: Uri, mut doc: OpenDoc) {
        self.opened += 1;
        doc.opened = self.opened;
        self.docs.insert(uri, doc);
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
    version: i32,
    generation: u64,
    /// The text to check.
    text: Rope,
    config: Config,
    epoch: u64,
    /// What the globs say of the document's file.
    verdict: Verdict,
    /// The last checked version, to start from.
    previous: Option<Arc<Snapshot>>,
    /// The edits from `previous`'s version to `text`.
    pending: Pending,
    /// The document's newest generation, when the check may stop once it is not `generation`.
    newest: Option<Arc<AtomicU64>>,
}

/// The state shared by every handler and background task.
pub struct Session {
    pub client: Client,
    state: Mutex<State>,
    publish_lock: tokio::sync::Mutex<()>,
    /// One check at a time: the machine is shared and a stale check is never worth a core.
    gate: Arc<Semaphore>,
    /// The same for documents over [`BIG_DOCUMENT`] or `max-file-size`, whose checks can
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

    /// Schedules a check of `uri` after the debounce delay (at once when `immediate`).
    pub fn schedule(self: &Arc<Self>, uri: Uri, immediate: bool) {
        let (generation, delay) = {
            let mut state = self.state();
            let path = from_lsp::path(&uri);
            let (config, _) = state.config_for(path.as_deref());
            let Some(doc) = state.docs.get_mut(&uri) else {
                return;
            };
            let generation = doc.bump();
            let mut delay = if immediate { 0 } else { config.debounce_ms() };
            if doc.text.len_bytes() as u64 > config.max_file_size() {
                delay = delay.max(1_000);
            }
            (generation, delay)
        };
        let this = self.clone();
        tokio::spawn(async move {
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if let Some(snapshot) = this.check(&uri, Some(generation), false).await {
                this.publish(&uri, &snapshot).await;
            }
            this.flush_config_reports().await;
        });
    }

    /// The snapshot of `uri`'s current version, checking it now if needed. A document over
    /// `max-file-size` is answered from its last snapshot, current or not, rather than made to
    /// wait for a check. `None` for a document that is not open.
    pub async fn snapshot(self: &Arc<Self>, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.read(uri, false).await
    }

    /// [`Session::snapshot`], warm: with the outline and cards, which a cold document gets
    /// from a fresh analysis. For requests about the document's stories.
    pub async fn warm_snapshot(self: &Arc<Self>, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.read(uri, true).await
    }

    async fn read(self: &Arc<Self>, uri: &Uri, warm: bool) -> Option<Arc<Snapshot>> {
        {
            let mut state = self.state();
            let doc = state.docs.get(uri)?;
            if let Some(snapshot) = doc.snapshot.clone() {
                let current = snapshot.generation == doc.generation;
                if snapshot.readable() && (current || snapshot.large) && (!warm || snapshot.warm())
                {
                    if warm {
                        state.keep_hot(uri);
                    }
                    return Some(snapshot);
                }
            }
        }
        let snapshot = self.check(uri, None, warm).await;
        self.flush_config_reports().await;
        snapshot
    }

    /// How much work the checks of `uri` did, `None` for a document that is not open.
    /// Also returns how many stories the document holds and whether it is hot.
    pub fn stats(&self, uri: &Uri) -> Option<(DocStats, usize, bool)> {
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

    /// Checks the current version of `uri` on a blocking thread, starting from the last
    /// check's analysis. With `only`, gives up unless that generation is still the newest.
    /// With `warm`, a current but cold snapshot is analysed again from scratch.
    async fn check(
        self: &Arc<Self>,
        uri: &Uri,
        only: Option<u64>,
        warm: bool,
    ) -> Option<Arc<Snapshot>> {
        let (checking, large, big) = {
            let mut state = self.state();
            let path = from_lsp::path(uri);
            let (config, _) = state.config_for(path.as_deref());
            let doc = state.docs.get(uri)?;
            if only.is_some_and(|generation| generation != doc.generation) {
                return None;
            }
            let len = doc.text.len_bytes() as u64;
            (
                doc.checking.clone(),
                len > config.max_file_size(),
                len > BIG_DOCUMENT,
            )
        };
        let _checking = checking.lock_owned().await;
        let (gate, lane) = if large || big {
            (&self.large_gate, &self.large_lane)
        } else {
            (&self.gate, &self.lane)
        };
        let _permit = gate.clone().acquire_owned().await.ok()?;
        let (job, opened) = {
            let mut state = self.state();
            let path = from_lsp::path(uri);
            let (config, root) = state.config_for(path.as_deref());
            let epoch = state.config_epoch;
            let doc = state.docs.get_mut(uri)?;
            if only.is_some_and(|generation| generation != doc.generation) {
                return None;
            }
            if let Some(snapshot) = &doc.snapshot {
                let current = snapshot.readable() && snapshot.generation == doc.generation;
                if current && (!warm || snapshot.warm()) {
                    return Some(snapshot.clone());
                }
            }
            let verdict = path.as_deref().map_or(Verdict::NotStories, |p| {
                workspace::by_path(&config, root.as_deref(), p)
            });
            // Requests read a large document's last snapshot while it is checked again;
            // any other document's is handed to the check, which then need not copy it.
            let previous = if large {
                doc.snapshot.clone()
            } else {
                doc.snapshot.take()
            };
            let job = Job {
                version: doc.version,
                generation: doc.generation,
                text: doc.text.rope().into_owned(),
                config,
                epoch,
                verdict,
                previous,
                pending: std::mem::take(&mut doc.pending),
                // A scheduled check of a document not over the limit stops early once a newer
                // version arrives; one a request waits for runs to the end.
                newest: (only.is_some() && !large).then(|| doc.newest.clone()),
            };
            (job, doc.opened)
        };
        let outcome = match lane.run(move || run_job(job)).await {
            Some(Ok(done)) => Ok(done),
            Some(Err(message)) => Err(format!("checking {} panicked: {message}", uri.as_str())),
            None => Err(format!(
                "checking {} failed: its thread is gone",
                uri.as_str()
            )),
        };
        let (snapshot, summary) = match outcome {
            Ok((snapshot, work, summary)) => {
                let snapshot = Arc::new(snapshot);
                let mut state = self.state();
                let doc = state.docs.get_mut(uri).filter(|doc| doc.opened == opened)?;
                doc.snapshot = Some(snapshot.clone());
                // With no change since, the text is the checked one: share its rope rather
                // than keep two.
                if doc.pending == Pending::Nothing
                    && doc.text.len_bytes() == snapshot.text.len_bytes()
                {
                    doc.text = snapshot.text.clone();
                }
                doc.stats.checks += 1;
                doc.stats.stories_checked += work.stories_checked;
                doc.stats.cards_built += work.cards_built;
                doc.stats.full_checks += work.full_checks;
                doc.stats.cancelled += work.cancelled;
                if snapshot.hot.is_some() {
                    state.keep_hot(uri);
                }
                if !snapshot.readable() {
                    return None;
                }
                (snapshot, summary)
            }
            Err(message) => {
                if let Some(doc) = self
                    .state()
                    .docs
                    .get_mut(uri)
                    .filter(|doc| doc.opened == opened)
                {
                    // The next check starts from scratch.
                    doc.snapshot = None;
                    doc.pending = Pending::Nothing;
                }
                self.log(Level::Error, message).await;
                return None;
            }
        };
        if let (Some(summary), Some(path)) = (summary, from_lsp::path(uri)) {
            self.update_summary(path, summary);
        }
        Some(snapshot)
    }

    /// Puts an open document's new bank summary in the bank. When that changes the bank
    /// findings, the other documents they land on are checked again and pull clients are
    /// refreshed. The document's own diagnostics read the bank findings as they are published,
    /// after this.
    fn update_summary(self: &Arc<Self>, path: PathBuf, summary: FileSummary) {
        let mut changed = {
            let mut state = self.state();
            let entry = state.bank.entry(path.clone()).or_default();
            if entry.summary == summary {
                return;
            }
            entry.summary = summary;
            state.refresh_bank_findings()
        };
        if changed.is_empty() {
            return;
        }
        changed.retain(|changed| *changed != path);
        self.republish_paths(&changed);
        let this = self.clone();
        tokio::spawn(async move { this.refresh_pulls().await });
    }

    /// Pushes `snapshot`'s diagnostics unless a newer generation exists or the client pulls.
    pub async fn publish(&self, uri: &Uri, snapshot: &Snapshot) {
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
            (state.encoding, self.bank_findings_for(&state, uri))
        };
        // Converted without the state lock, which the changes that follow need.
        let diagnostics = snapshot.diagnostics(encoding, &bank);
        if !current(&self.state()) {
            return;
        }
        self.send_diagnostics(uri, diagnostics, Some(snapshot.version))
            .await;
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

    /// Re-checks every open document with the current configuration. Push clients get the
    /// new diagnostics as each check ends; pull clients pull them when refreshed.
    pub fn recheck_all(self: &Arc<Self>) {
        let uris: Vec<Uri> = self.state().docs.keys().cloned().collect();
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
                .send_request::<tower_lsp_server::ls_types::request::WorkDoneProgressCreate>(
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
        let candidates = tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            for folder in &folders {
                files.extend(workspace::walk(folder, |_| {}));
            }
            files
        })
        .await
        .unwrap_or_default();
        let jobs: Vec<(PathBuf, Config, Verdict)> = {
            let mut state = self.state();
            candidates
                .into_iter()
                .filter_map(|path| {
                    let (config, root) = state.config_for(Some(&path));
                    let verdict = workspace::by_path(&config, root.as_deref(), &path);
                    let candidate = verdict == Verdict::ByPath
                        || (verdict == Verdict::NotStories && workspace::is_markdown(&path));
                    candidate.then_some((path, config, verdict))
                })
                .collect()
        };
        self.flush_config_reports().await;

        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let total = jobs.len();
        let worker = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (done, (path, config, verdict)) in jobs.into_iter().enumerate() {
                let _ = sender.send(done);
                let Some(text) = read_bank_file(&path, config.max_file_size()) else {
                    continue;
                };
                let by_path = verdict == Verdict::ByPath;
                if !by_path && !workspace::front_matter_says_stories(&text) {
                    continue;
                }
                let checked = catch_unwind(AssertUnwindSafe(|| {
                    let analysis = crate::analysis::check_text(&text, &config);
                    (by_path || analysis.outline.file.holds_stories).then(|| {
                        let summary = assist::summarize(&text, &analysis, &config);
                        let rope = Rope::from_str(&text);
                        let diagnostics = analysis
                            .findings
                            .iter()
                            .map(|f| to_lsp::diagnostic(&rope, f, encoding))
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

    /// The diagnostics of a bank file that is not open: its own, as last read from disk, and
    /// its bank findings. `None` for a file outside the bank. The file is read without the
    /// state lock.
    pub fn disk_diagnostics(&self, path: &Path) -> Option<Vec<Diagnostic>> {
        let (mut diagnostics, extra, encoding, config) = {
            let mut state = self.state();
            let diagnostics = state.bank.get(path)?.diagnostics.clone();
            let extra = state.bank_findings.get(path).cloned();
            let (config, _) = state.config_for(Some(path));
            (diagnostics, extra, state.encoding, config)
        };
        if let Some(extra) = extra {
            let text = read_bank_file(path, config.max_file_size()).unwrap_or_default();
            let rope = Rope::from_str(&text);
            diagnostics.extend(
                assist::finish_bank_findings(&text, &extra, &config)
                    .iter()
                    .map(|f| to_lsp::diagnostic(&rope, f, encoding)),
            );
        }
        Some(diagnostics)
    }

    /// Re-reads one bank file from disk after it changed outside the editor.
    pub async fn update_bank_file(self: &Arc<Self>, path: PathBuf) {
        let (config, verdict, encoding) = {
            let mut state = self.state();
            let (config, root) = state.config_for(Some(&path));
            let verdict = workspace::by_path(&config, root.as_deref(), &path);
            (config, verdict, state.encoding)
        };
        let read = path.clone();
        let limit = config.max_file_size();
        let file = tokio::task::spawn_blocking(move || {
            let text = read_bank_file(&read, limit)?;
            let by_path = verdict == Verdict::ByPath;
            let by_front_matter = verdict == Verdict::NotStories
                && workspace::is_markdown(&read)
                && workspace::front_matter_says_stories(&text);
            if !by_path && !by_front_matter {
                return None;
            }
            let analysis = catch_unwind(AssertUnwindSafe(|| {
                crate::analysis::check_text(&text, &config)
            }))
            .ok()?;
            if !by_path && !analysis.outline.file.holds_stories {
                return None;
            }
            let rope = Rope::from_str(&text);
            Some(BankFile {
                summary: assist::summarize(&text, &analysis, &config),
                diagnostics: analysis
                    .findings
                    .iter()
                    .map(|f| to_lsp::diagnostic(&rope, f, encoding))
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
            .send_notification::<tower_lsp_server::ls_types::notification::Progress>(
                ProgressParams {
                    token: token.clone(),
                    value: ProgressParamsValue::WorkDone(value),
                },
            )
            .await;
    }
}

/// A thread that runs checks, one at a time. Checks run on long-lived threads of their own
/// rather than on tokio's blocking pool: the compiled phrase sets keep a matching cache per
/// thread that uses them, so a few threads that live as long as the server keep memory down.
struct Lane {
    jobs: Mutex<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

impl Lane {
    fn new(name: &str) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let spawned = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    // A job catches its own panics; this keeps the lane alive whatever happens.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            });
        if let Err(err) = spawned {
            eprintln!("starling: cannot start a check thread: {err}");
        }
        Self {
            jobs: Mutex::new(jobs),
        }
    }

    /// Runs `work` on the lane's thread; `None` if the thread is gone.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Box<dyn FnOnce() + Send> = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .ok()?;
        result.await.ok()
    }
}

/// What one check did, for `starling/stats`.
#[derive(Debug, Clone, Copy, Default)]
struct Work {
    stories_checked: u64,
    cards_built: u64,
    full_checks: u64,
    cancelled: u64,
}

/// `previous` (the last checked version's document) brought to `text` by `pending`, in one
/// edit and one incremental reparse; parsed from scratch when there is no previous document or
/// the edit does not lead to `text`. Also returns what changed, for the analysis.
fn bring_up_to_date(
    previous: Option<Document>,
    pending: Pending,
    text: &Rope,
) -> (Document, Pending) {
    let fresh = || (Document::new(&text.to_string()), Pending::Reset);
    let Some(mut document) = previous else {
        return fresh();
    };
    match pending {
        Pending::Nothing if document.len_bytes() == text.len_bytes() => {
            (document, Pending::Nothing)
        }
        Pending::Edit(edit) => {
            let inserted = text
                .get_byte_slice(edit.range.start..edit.range.start + edit.new_len)
                .map(String::from);
            let fits = edit.range.end <= document.len_bytes()
                && document.len_bytes() - edit.range.len() + edit.new_len == text.len_bytes();
            match inserted {
                Some(inserted) if fits => {
                    document.edit_bytes(edit.range.clone(), &inserted);
                    if document.len_bytes() == text.len_bytes() {
                        (document, Pending::Edit(edit))
                    } else {
                        fresh()
                    }
                }
                _ => fresh(),
            }
        }
        _ => fresh(),
    }
}

/// Checks one document version, from the last checked version when there is one. Runs on a
/// blocking thread; a panic becomes an error. Also returns the document's bank summary when it
/// is a story file.
fn run_job(job: Job) -> Result<(Snapshot, Work, Option<FileSummary>), String> {
    catch_unwind(AssertUnwindSafe(|| {
        let large = job.text.len_bytes() as u64 > job.config.max_file_size();
        let mut work = Work::default();
        // A document outside the include globs is checked only if its front matter says it
        // holds stories; one the exclude globs name, never.
        let by_path = job.verdict == Verdict::ByPath;
        let analysed = by_path
            || (job.verdict == Verdict::NotStories && workspace::has_front_matter(&job.text));
        let mut snapshot = Snapshot {
            version: job.version,
            generation: job.generation,
            text: Text::Rope(job.text.clone()),
            config: job.config.clone(),
            epoch: job.epoch,
            is_story: by_path,
            large,
            analysed,
            findings: Arc::default(),
            stories: 0,
            hot: None,
            lag: Pending::Nothing,
            parked: false,
        };
        if !analysed {
            return (snapshot, work, None);
        }
        let previous = job.previous.map(Snapshot::into_parts).unwrap_or_default();
        let (document, change) = bring_up_to_date(previous.document, job.pending, &job.text);
        // One rope for the open document, the snapshot and the tree's text.
        snapshot.text = Text::Rope(document.rope().clone());
        // What changed since the version the analysis holds.
        let mut pending = previous.lag;
        pending.append(change);
        let stale = job
            .newest
            .as_ref()
            .is_some_and(|newest| newest.load(Ordering::SeqCst) != job.generation);
        if stale {
            // A newer version is waiting: leave the reparsed document, and the analysis with
            // the changes it lags behind, for its check.
            work.cancelled = 1;
            snapshot.epoch = previous.epoch;
            snapshot.hot = Some(Box::new(Hot {
                document,
                analysis: previous.analysis,
                cards: previous.cards,
                counts: Vec::new(),
            }));
            snapshot.lag = pending;
            snapshot.parked = true;
            return (snapshot, work, None);
        }

        let old_cards = previous.cards;
        let analysis = previous.analysis.filter(|_| previous.epoch == job.epoch);
        let (analysis, reused) = match (analysis, &pending) {
            (Some(analysis), Pending::Nothing) => (analysis, Some(None)),
            (Some(mut analysis), Pending::Edit(edit)) => {
                let before = analysis.analyses();
                let version = analysis.snapshot().version;
                analysis.update(&document, edit);
                work.stories_checked = analysis.analyses() - before;
                let reused = if analysis.snapshot().version == version {
                    Some(None)
                } else if analysis.last_checked().len() == analysis.outline().stories.len() {
                    None
                } else {
                    Some(Some(edit))
                };
                (analysis, reused)
            }
            (Some(mut analysis), Pending::Reset) => {
                let before = analysis.analyses();
                analysis.reset(&document);
                work.stories_checked = analysis.analyses() - before;
                (analysis, None)
            }
            (None, _) => {
                let analysis = IncrementalAnalysis::new(&document, job.config.clone());
                work.stories_checked = analysis.analyses();
                (analysis, None)
            }
        };
        if reused.is_none() {
            work.full_checks = 1;
        }
        snapshot.is_story = by_path || analysis.outline().file.holds_stories;
        snapshot.findings = if snapshot.is_story {
            analysis.findings().clone()
        } else {
            Arc::default()
        };
        snapshot.stories = analysis.outline().stories.len();
        let (cards, counts, summary) = if snapshot.is_story {
            // `None`: every card is built again; `Some(None)`: nothing changed;
            // `Some(Some(edit))`: the stories the update checked again get new cards, the
            // others keep theirs.
            let (old, checked): (Vec<CardSlot>, &[usize]) = match reused {
                None => (Vec::new(), &[]),
                Some(None) => (old_cards, &[]),
                Some(Some(_)) => (old_cards, analysis.last_checked()),
            };
            let edit = reused.flatten();
            let cards = carry_cards(&analysis, &job.config, old, checked, edit, &mut work);
            let counts =
                assist::story_counts(analysis.findings(), analysis.outline().stories.len());
            let summary =
                assist::summarize_with(analysis.text(), analysis.outline(), &counts, &job.config);
            (cards, counts, Some(summary))
        } else {
            (Vec::new(), Vec::new(), None)
        };
        snapshot.hot = Some(Box::new(Hot {
            document,
            analysis: Some(analysis),
            cards,
            counts,
        }));
        (snapshot, work, summary)
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// The cards of every story of `analysis`: those of the stories in `checked`, and of any story
/// not found in `old`, are built; the others are taken from `old` (the cards before `edit`),
/// moved by the edit. With no `edit`, every card of `old` is kept as it is.
fn carry_cards(
    analysis: &IncrementalAnalysis,
    config: &Config,
    old: Vec<CardSlot>,
    checked: &[usize],
    edit: Option<&ByteEdit>,
    work: &mut Work,
) -> Vec<CardSlot> {
    let outline = analysis.outline();
    let text = analysis.text();
    let mut fresh = vec![false; outline.stories.len()];
    for &index in checked {
        if let Some(slot) = fresh.get_mut(index) {
            *slot = true;
        }
    }
    outline
        .stories
        .iter()
        .enumerate()
        .map(|(index, story)| {
            let kept = (!fresh[index])
                .then(|| {
                    // A story the edit did not reach lies wholly before it, or wholly after it
                    // and moved by its delta.
                    let delta = match edit {
                        Some(edit) if story.range.end > edit.range.start => edit.delta(),
                        _ => 0,
                    };
                    let before = shift_range(&story.range, -delta);
                    let at = old.partition_point(|slot| slot.range().start < before.start);
                    old.get(at)
                        .filter(|slot| slot.range() == before)
                        .map(|slot| CardSlot {
                            card: slot.card.clone(),
                            moved_by: slot.moved_by + delta,
                        })
                })
                .flatten();
            kept.unwrap_or_else(|| {
                work.cards_built += 1;
                CardSlot {
                    card: Arc::new(assist::story_card(text, outline, index, config)),
                    moved_by: 0,
                }
            })
        })
        .collect()
}

/// The text of a bank file: `None` for anything but a regular file (a FIFO would block the
/// read for good), for a file over `limit` bytes (`max-file-size`), and for one that is not
/// UTF-8. Reads at most `limit` bytes, even from a file that grows meanwhile.
fn read_bank_file(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > limit {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > limit {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Position;

    fn span(doc: &OpenDoc, range: std::ops::Range<usize>) -> Span {
        let rope = doc.text.rope();
        let at = |byte| {
            let p = crate::document::byte_to_position(&rope, byte, PositionEncoding::Utf8);
            Position::new(p.line, p.character)
        };
        Span {
            start: at(range.start),
            end: at(range.end),
        }
    }

    #[test]
    fn a_burst_of_changes_is_one_edit_and_one_reparse_to_the_same_tree() {
        let text = "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n";
        let mut doc = OpenDoc::new(text, 0);
        let base = Document::new(text);
        let changes: [(std::ops::Range<usize>, &str); 5] = [
            (26..26, "big "),
            (0..0, "---\ntheme: star\n---\n"),
            (40..45, ""),
            (60..60, "\n\n## Result\nWe slipped 2 weeks.\n"),
            (3..3, "😀"),
        ];
        for (range, insert) in changes {
            let span = span(&doc, range);
            doc.edit(Some(span), insert, PositionEncoding::Utf8);
        }
        let rope = doc.text.rope().into_owned();
        let (document, change) = bring_up_to_date(Some(base), doc.pending.clone(), &rope);
        assert!(matches!(change, Pending::Edit(_)), "{change:?}");
        let fresh = Document::new(&rope.to_string());
        assert_eq!(document.text(), fresh.text());
        assert!(document.syntax().outline() == fresh.syntax().outline());
    }

    #[test]
    fn a_replacement_of_the_whole_text_parses_afresh() {
        let mut doc = OpenDoc::new("# One\n", 0);
        doc.edit(
            None,
            "# Two\n\n## Action\nI did.\n",
            PositionEncoding::Utf16,
        );
        let span = span(&doc, 2..2);
        doc.edit(Some(span), "x", PositionEncoding::Utf16);
        assert_eq!(doc.pending, Pending::Reset);
        let rope = doc.text.rope().into_owned();
        let (document, change) =
            bring_up_to_date(Some(Document::new("# One\n")), doc.pending.clone(), &rope);
        assert_eq!(change, Pending::Reset);
        assert_eq!(document.text(), "# xTwo\n\n## Action\nI did.\n");
    }
}

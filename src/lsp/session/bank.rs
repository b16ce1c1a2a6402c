//! The story bank: every story file of the workspace folders, summarized, and the findings
//! that compare them. Files are read off the state lock, and only regular files up to
//! `max-file-size`; open documents bring their own, possibly unsaved, summaries.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    Diagnostic, NumberOrString, ProgressParams, ProgressParamsValue, Uri, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd,
    WorkDoneProgressReport,
};

use super::super::lines::Lines;
use super::super::{from_lsp, to_lsp};
use super::{Level, Session, State};
use crate::assist::{self, FileSummary};
use crate::config::{self, Config};
use crate::rules::Finding;
use crate::workspace::{self, Verdict};

/// A file of the story bank.
#[derive(Debug, Clone, Default)]
pub struct BankFile {
    pub summary: FileSummary,
    /// Its own diagnostics, as last checked from disk (open documents have fresher ones).
    pub diagnostics: Vec<Diagnostic>,
}

impl State {
    /// The bank findings of every file, recomputed from the summaries with `config`, the
    /// configuration of the first workspace folder (see [`Session::bank_config`]). Returns the
    /// files whose bank findings changed.
    pub fn refresh_bank_findings(&mut self, config: &Config) -> Vec<PathBuf> {
        let paths: Vec<&PathBuf> = self.bank.keys().collect();
        let summaries: Vec<&FileSummary> = self.bank.values().map(|f| &f.summary).collect();
        let mut fresh: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
        for (index, finding) in assist::bank_findings(&summaries, config) {
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

impl Session {
    /// The configuration the bank findings are computed with: the first workspace folder's.
    pub(super) fn bank_config(&self) -> Config {
        let root = self.state().folders.first().cloned();
        self.config_in(root.as_deref()).0
    }

    /// Puts an open document's new bank summary in the bank. When that changes the bank
    /// findings, the other documents they land on are checked again and pull clients are
    /// refreshed. The document's own diagnostics read the bank findings as they are published,
    /// after this.
    pub(super) fn update_summary(self: &Arc<Self>, path: PathBuf, summary: FileSummary) {
        let config = self.bank_config();
        let mut changed = {
            let mut state = self.state();
            let entry = state.bank.entry(path.clone()).or_default();
            if entry.summary == summary {
                return;
            }
            entry.summary = summary;
            state.refresh_bank_findings(&config)
        };
        if changed.is_empty() {
            return;
        }
        changed.retain(|changed| *changed != path);
        self.republish_paths(&changed);
        let this = self.clone();
        tokio::spawn(async move { this.refresh_pulls().await });
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

        // Which files: found and decided with the configuration of each on a blocking thread
        // (discovering each folder's configuration reads files), then read and checked on
        // another.
        let this = self.clone();
        let jobs: Vec<(PathBuf, Config, Verdict)> = tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            for folder in &folders {
                files.extend(workspace::walk(folder, |_| {}));
            }
            files
                .into_iter()
                .filter_map(|path| {
                    let (config, root) = this.config_for(Some(&path));
                    let verdict = workspace::by_path(&config, root.as_deref(), &path);
                    let candidate = verdict == Verdict::ByPath
                        || (verdict == Verdict::NotStories && workspace::is_markdown(&path));
                    candidate.then_some((path, config, verdict))
                })
                .collect()
        })
        .await
        .unwrap_or_default();
        self.flush_config_reports().await;

        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let total = jobs.len();
        let worker = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (done, (path, config, verdict)) in jobs.into_iter().enumerate() {
                let _ = sender.send(done);
                let Some((text, bom)) = read_bank_file(&path, config.max_file_size()) else {
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
                        let rope = Lines::new(Cow::Owned(Rope::from_str(&text)), bom);
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
        let bank_config = self.bank_config();
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
            state.refresh_bank_findings(&bank_config)
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

    /// Reads again what changed on disk, as the client's file watcher reports it: a changed
    /// `starling.toml` reloads the configuration; a story file not open in the editor is
    /// re-read into the bank. Pull clients are refreshed when the bank changed.
    pub async fn files_changed(self: &Arc<Self>, changed: Vec<(PathBuf, Uri)>) {
        let bank_gate = self.bank_gate.write().await;
        let mut config_changed = false;
        let mut bank_changed = false;
        for (path, uri) in changed {
            if path.file_name().is_some_and(|n| n == config::FILE_NAME) {
                config_changed = true;
            } else if !self.state().docs.contains_key(&uri) {
                self.update_bank_file(path).await;
                bank_changed = true;
            }
        }
        drop(bank_gate);
        if config_changed {
            self.config_changed().await;
        } else if bank_changed {
            self.refresh_pulls().await;
        }
    }

    /// The diagnostics of every bank file, for a client that pulls them: an open document's
    /// from its current version (with that version), the others' from disk.
    pub async fn bank_diagnostics(self: &Arc<Self>) -> Vec<(Uri, Option<i32>, Vec<Diagnostic>)> {
        let _bank_gate = self.bank_gate.read().await;
        let (paths, open): (Vec<_>, Vec<_>) = {
            let state = self.state();
            let paths = state.bank.keys().cloned().collect();
            let open = state.docs.keys().cloned().collect();
            (paths, open)
        };
        let mut out = Vec::new();
        for path in paths {
            let Some(uri) = Uri::from_file_path(&path) else {
                continue;
            };
            if open.contains(&uri) {
                if let Some((version, items)) = self.current_diagnostics(&uri).await {
                    out.push((uri, Some(version), items));
                }
            } else if let Some(items) = self.disk_diagnostics(&path) {
                out.push((uri, None, items));
            }
        }
        out
    }

    /// The diagnostics of a bank file that is not open: its own, as last read from disk, and
    /// its bank findings. `None` for a file outside the bank. The file is read without the
    /// state lock.
    pub fn disk_diagnostics(&self, path: &Path) -> Option<Vec<Diagnostic>> {
        let (config, _) = self.config_for(Some(path));
        let (mut diagnostics, extra, encoding) = {
            let state = self.state();
            let diagnostics = state.bank.get(path)?.diagnostics.clone();
            let extra = state.bank_findings.get(path).cloned();
            (diagnostics, extra, state.encoding)
        };
        if let Some(extra) = extra {
            let (text, bom) = read_bank_file(path, config.max_file_size()).unwrap_or_default();
            let rope = Lines::new(Cow::Owned(Rope::from_str(&text)), bom);
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
        let (config, root) = self.config_for(Some(&path));
        let verdict = workspace::by_path(&config, root.as_deref(), &path);
        let encoding = self.state().encoding;
        let read = path.clone();
        let limit = config.max_file_size();
        let file = tokio::task::spawn_blocking(move || {
            let (text, bom) = read_bank_file(&read, limit)?;
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
            let rope = Lines::new(Cow::Owned(Rope::from_str(&text)), bom);
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
        let bank_config = self.bank_config();
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
            state.refresh_bank_findings(&bank_config)
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

/// The text of a bank file: `None` for anything but a regular file (a FIFO would block the
/// read for good), for a file over `limit` bytes (`max-file-size`), and for one that is not
/// UTF-8. Reads at most `limit` bytes, even from a file that grows meanwhile. The text comes
/// without the byte order mark it may start with, and says whether it had one.
fn read_bank_file(path: &Path, limit: u64) -> Option<(String, bool)> {
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
    let text = String::from_utf8(bytes).ok()?;
    Some(match text.strip_prefix(crate::document::BOM) {
        Some(rest) => (rest.to_string(), true),
        None => (text, false),
    })
}

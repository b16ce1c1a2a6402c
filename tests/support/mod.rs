//! A small JSON-RPC client that drives the real `starling lsp` binary over stdio, and a text
//! model that applies LSP edits on the client side (its own position arithmetic, so that the
//! server's is checked rather than reused).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Generous: the machine is shared with other builds.
pub const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        }
    }
}

/// What the test client claims to support.
#[derive(Debug, Clone)]
pub struct ClientSetup {
    pub encoding: Encoding,
    pub pull: bool,
    /// Where a pulling client advertises `refreshSupport` under `workspace`: `diagnostic` as
    /// lsp-types reads it, `diagnostics` as VS Code sends it, or nowhere, as Neovim does.
    pub refresh_key: Option<&'static str>,
    pub init_options: Value,
    /// Answers to `workspace/configuration`; `None` means the client does not support it.
    pub settings: Option<Value>,
    /// Environment variables for the server process.
    pub env: Vec<(&'static str, &'static str)>,
}

impl Default for ClientSetup {
    fn default() -> Self {
        Self {
            encoding: Encoding::Utf16,
            pull: false,
            refresh_key: Some("diagnostic"),
            init_options: Value::Null,
            settings: None,
            env: Vec::new(),
        }
    }
}

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Every notification and server request received, in order.
    pub seen: Vec<Value>,
    backlog: VecDeque<Value>,
    next_id: i64,
    pub encoding: Encoding,
    settings: Option<Value>,
}

impl Client {
    /// Starts `starling lsp` with `root` as the workspace folder and initializes it.
    pub fn start(root: &Path, setup: ClientSetup) -> Self {
        let mut client = Self::spawn(root, &setup);
        client.initialize(root, &setup);
        client
    }

    /// Starts `starling lsp` in `root` without initializing it.
    pub fn spawn(root: &Path, setup: &ClientSetup) -> Self {
        let binary = option_env!("CARGO_BIN_EXE_starling")
            .map(String::from)
            .or_else(|| std::env::var("STARLING_BIN").ok())
            .expect("CARGO_BIN_EXE_starling or STARLING_BIN names the binary");
        let mut child = Command::new(binary)
            .args(["lsp", "--log-level", "debug"])
            .envs(setup.env.iter().copied())
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starts starling lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length:") {
                        length = value.trim().parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            incoming,
            seen: Vec::new(),
            backlog: VecDeque::new(),
            next_id: 1,
            encoding: setup.encoding,
            settings: setup.settings.clone(),
        }
    }

    /// Sends `initialize` and `initialized` as an editor with `setup` would.
    pub fn initialize(&mut self, root: &Path, setup: &ClientSetup) {
        let client = self;
        let root_uri = uri(root);
        let mut text_document = json!({
            "synchronization": { "dynamicRegistration": false },
            "publishDiagnostics": { "versionSupport": true },
            "codeAction": {
                "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } },
                "resolveSupport": { "properties": ["edit"] },
            },
            "hover": { "contentFormat": ["markdown"] },
        });
        if setup.pull {
            text_document["diagnostic"] = json!({ "dynamicRegistration": false });
        }
        let mut workspace = json!({
            "configuration": setup.settings.is_some(),
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] },
        });
        if let Some(key) = setup.refresh_key {
            workspace[key] = json!({ "refreshSupport": setup.pull });
        }
        let encodings = match setup.encoding {
            Encoding::Utf8 => json!(["utf-8", "utf-16"]),
            Encoding::Utf16 => json!(["utf-16"]),
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "bank" }],
                "initializationOptions": setup.init_options,
                "capabilities": {
                    "general": { "positionEncodings": encodings },
                    "window": { "workDoneProgress": true },
                    "workspace": workspace,
                    "textDocument": text_document,
                },
            }),
        );
        assert_eq!(
            result["capabilities"]["positionEncoding"],
            json!(setup.encoding.name()),
            "{result}"
        );
        client.notify("initialized", json!({}));
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("writes");
        self.stdin.flush().expect("flushes");
    }

    /// Writes `bytes` to the server as they are: for malformed frames.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("writes");
        self.stdin.flush().expect("flushes");
    }

    /// A fresh request id.
    pub fn new_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id - 1
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.new_id();
        let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        id
    }

    /// Sends a request and returns the whole response, error or result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&json!(id))
    }

    /// Waits for the response with id `id` (which may be `null`).
    pub fn response(&mut self, id: &Value) -> Value {
        self.wait_for(&format!("the response to {id}"), |m| {
            m.get("method").is_none() && m.get("id") == Some(id)
        })
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({ "jsonrpc": "2.0", "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
    }

    /// Sends a request and waits for its answer, handling whatever arrives meanwhile.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if message.get("method").is_none() && message["id"] == json!(id) {
                if let Some(error) = message.get("error") {
                    panic!("{method} failed: {error}");
                }
                return message["result"].clone();
            }
            self.backlog.push_back(message);
        }
    }

    /// The next message, answering server requests on the way (they are returned too).
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.checked_duration_since(Instant::now())?;
        let message = self.incoming.recv_timeout(left).ok()?;
        if std::env::var_os("STARLING_TEST_TRACE").is_some() {
            eprintln!("<- {message}");
        }
        if message.get("method").is_some() {
            self.seen.push(message.clone());
            if let Some(id) = message.get("id").cloned() {
                let result = match message["method"].as_str() {
                    Some("workspace/configuration") => {
                        let answer = self.settings.clone().unwrap_or(Value::Null);
                        let items = message["params"]["items"].as_array().map_or(1, Vec::len);
                        Value::Array(vec![answer; items])
                    }
                    _ => Value::Null,
                };
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
            }
        }
        Some(message)
    }

    /// Waits for a notification `pred` accepts; others stay available to later waits.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_within(what, TIMEOUT, pred)
    }

    /// [`Client::wait_for`] with its own time limit.
    pub fn wait_for_within(
        &mut self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).expect("present");
        }
        let deadline = Instant::now() + limit;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("timed out waiting for {what}"));
            if pred(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The diagnostics published for `uri` at `version` (the first such publication; the server
    /// publishes each version once, but a big document's first check publishes the stories at
    /// its top first).
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The next diagnostics published for `uri`, whatever the version.
    pub fn next_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics of {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Drops queued messages (e.g. diagnostics of older states).
    pub fn drain(&mut self) {
        self.backlog.clear();
        while let Ok(message) = self.incoming.try_recv() {
            self.seen.push(message);
        }
    }

    pub fn open(&mut self, doc: &TextDoc) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": doc.uri, "languageId": "markdown", "version": doc.version, "text": doc.text } }),
        );
    }

    /// Sends `changes` (LSP content changes) and applies them to `doc`.
    pub fn change(&mut self, doc: &mut TextDoc, changes: Vec<Value>) {
        for change in &changes {
            doc.apply_change(change, self.encoding);
        }
        doc.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": doc.uri, "version": doc.version }, "contentChanges": changes }),
        );
    }

    /// Replaces byte range `range` of `doc` with `text`, sent as an incremental change.
    pub fn edit(&mut self, doc: &mut TextDoc, range: std::ops::Range<usize>, text: &str) {
        let lsp_range = doc.range(range, self.encoding);
        self.change(doc, vec![json!({ "range": lsp_range, "text": text })]);
    }

    /// The code actions at `range`, each with its edit: those the server leaves for
    /// `codeAction/resolve` are resolved, as an editor does when one is picked.
    pub fn code_actions(&mut self, doc: &TextDoc, range: std::ops::Range<usize>) -> Vec<Value> {
        let lsp_range = doc.range(range, self.encoding);
        let actions = self
            .request(
                "textDocument/codeAction",
                json!({ "textDocument": { "uri": doc.uri }, "range": lsp_range, "context": { "diagnostics": [] } }),
            )
            .as_array()
            .cloned()
            .unwrap_or_default();
        actions
            .into_iter()
            .map(|action| {
                if action.get("edit").is_none() && action.get("data").is_some() {
                    self.request("codeAction/resolve", action)
                } else {
                    action
                }
            })
            .collect()
    }

    pub fn hover(&mut self, doc: &TextDoc, at: usize) -> String {
        let position = doc.position(at, self.encoding);
        let result = self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": doc.uri }, "position": position }),
        );
        result["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Applies the `documentChanges` of a workspace edit to `doc` (checking the version it was
    /// computed for) and sends them as one change. Returns the other resources it touches.
    pub fn apply(&mut self, doc: &mut TextDoc, edit: &Value) -> Vec<Value> {
        let mut others = Vec::new();
        for change in edit["documentChanges"].as_array().expect("documentChanges") {
            if change["textDocument"]["uri"] == doc.uri {
                assert_eq!(
                    change["textDocument"]["version"],
                    json!(doc.version),
                    "edit of an old version"
                );
                let edits = change["edits"].as_array().expect("edits").clone();
                let changes = sequential(doc, &edits, self.encoding);
                self.change(doc, changes);
            } else {
                others.push(change.clone());
            }
        }
        others
    }

    /// Shuts down and waits for the process, returning its exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Turns a list of simultaneous LSP text edits (all relative to the same text) into
/// content changes applied one after another: from the end of the text backwards.
pub fn sequential(doc: &TextDoc, edits: &[Value], encoding: Encoding) -> Vec<Value> {
    let mut with_offsets: Vec<(usize, usize, &Value)> = edits
        .iter()
        .map(|e| {
            (
                doc.offset(&e["range"]["start"], encoding),
                doc.offset(&e["range"]["end"], encoding),
                e,
            )
        })
        .collect();
    with_offsets.sort_by_key(|(start, end, _)| std::cmp::Reverse((*start, *end)));
    with_offsets
        .into_iter()
        .map(|(_, _, e)| json!({ "range": e["range"], "text": e["newText"] }))
        .collect()
}

/// A document as the client holds it.
#[derive(Debug, Clone)]
pub struct TextDoc {
    pub uri: String,
    pub text: String,
    pub version: i32,
}

impl TextDoc {
    pub fn new(path: &Path, text: &str) -> Self {
        Self {
            uri: uri(path),
            text: text.to_string(),
            version: 1,
        }
    }

    /// Byte offsets of each line start; lines end at `\n`, `\r\n` or a lone `\r`.
    fn line_starts(&self) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        starts
    }

    fn line_content_end(&self, start: usize) -> usize {
        let rest = &self.text[start..];
        start + rest.find(['\r', '\n']).unwrap_or(rest.len())
    }

    pub fn offset(&self, position: &Value, encoding: Encoding) -> usize {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let starts = self.line_starts();
        let Some(&start) = starts.get(line) else {
            return self.text.len();
        };
        let end = self.line_content_end(start);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= character {
                return start + i;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        end
    }

    pub fn position(&self, offset: usize, encoding: Encoding) -> Value {
        let starts = self.line_starts();
        let line = starts.iter().rposition(|s| *s <= offset).unwrap_or(0);
        let start = starts[line];
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            })
            .sum();
        json!({ "line": line, "character": character })
    }

    pub fn range(&self, range: std::ops::Range<usize>, encoding: Encoding) -> Value {
        json!({ "start": self.position(range.start, encoding), "end": self.position(range.end, encoding) })
    }

    pub fn apply_change(&mut self, change: &Value, encoding: Encoding) {
        let text = change["text"].as_str().expect("text");
        match change.get("range") {
            Some(range) => {
                let start = self.offset(&range["start"], encoding);
                let end = self.offset(&range["end"], encoding);
                self.text.replace_range(start..end, text);
            }
            None => self.text = text.to_string(),
        }
    }
}

pub fn uri(path: &Path) -> String {
    url_from(path)
}

fn url_from(path: &Path) -> String {
    let mut out = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '/' | '-' | '_' | '.' | '~' => out.push(c),
            _ => {
                let mut buffer = [0; 4];
                for b in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

/// The diagnostics the engine gives for `text`, as the client would see them: (code,
/// message, severity, range).
pub fn engine_view(
    text: &str,
    config: &starling::Config,
    encoding: Encoding,
) -> Vec<(String, String, u64, Value)> {
    findings_view(text, &starling::check_text(text, config).findings, encoding)
}

/// `findings` of `text`, as the client would see them (see [`engine_view`]).
pub fn findings_view(
    text: &str,
    findings: &[starling::Finding],
    encoding: Encoding,
) -> Vec<(String, String, u64, Value)> {
    let doc = TextDoc {
        uri: String::new(),
        text: text.to_string(),
        version: 0,
    };
    let mut out: Vec<_> = findings.iter().map(|f| view(&doc, f, encoding)).collect();
    sort_view(&mut out);
    out
}

fn view(
    doc: &TextDoc,
    finding: &starling::Finding,
    encoding: Encoding,
) -> (String, String, u64, Value) {
    let severity = match finding.severity {
        starling::Severity::Error => 1,
        starling::Severity::Warning => 2,
        starling::Severity::Info => 3,
        starling::Severity::Hint => 4,
    };
    (
        finding.rule.to_string(),
        finding.message.clone(),
        severity,
        doc.range(finding.range.clone(), encoding),
    )
}

fn sort_view(view: &mut [(String, String, u64, Value)]) {
    view.sort_by(|a, b| {
        a.3.to_string()
            .cmp(&b.3.to_string())
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
}

/// What `starling check` reports for `files[which]` when `files` are the whole story bank,
/// as the client would see it: the engine's findings plus the bank's (`prompt-coverage`).
pub fn check_view(
    files: &[&str],
    which: usize,
    config: &starling::Config,
    encoding: Encoding,
) -> Vec<(String, String, u64, Value)> {
    let mut summaries = Vec::new();
    for (index, text) in files.iter().enumerate() {
        let analysis = starling::check_text(text, config);
        summaries.extend(starling::bank::summaries(index, text, &analysis, config));
    }
    let text = files[which];
    let doc = TextDoc {
        uri: String::new(),
        text: text.to_string(),
        version: 0,
    };
    let bank: Vec<starling::Finding> = starling::bank::coverage(&summaries, config)
        .into_iter()
        .filter(|found| found.file == which)
        .map(|found| found.finding)
        .collect();
    let outline = starling::check_text(text, config).outline;
    let bank = starling::analysis::finish(text, &outline, bank, config);
    let mut out = engine_view(text, config, encoding);
    out.extend(bank.iter().map(|f| view(&doc, f, encoding)));
    sort_view(&mut out);
    out
}

/// Diagnostics as the client received them, in the same shape as [`engine_view`].
pub fn client_view(diagnostics: &[Value]) -> Vec<(String, String, u64, Value)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
                d["severity"].as_u64().unwrap_or(0),
                d["range"].clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| {
        a.3.to_string()
            .cmp(&b.3.to_string())
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
    out
}

pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    out.sort();
    out
}

/// The action titled `title`.
pub fn action<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| {
            let titles: Vec<&Value> = actions.iter().map(|a| &a["title"]).collect();
            panic!("no action {title:?} among {titles:?}")
        })
}

//! Inputs for the benchmarks, generated from `examples/stories/*.md` (no download), and a
//! small timer that prints medians, since the targets are ratios between two figures.

#![allow(dead_code)]

use std::time::{Duration, Instant};

mod stories;
// Each bench uses part of this module (hence `dead_code` above).
#[allow(unused_imports)]
pub use stories::{bank, example_stories, story};

/// The median of `runs` timings of `f`.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The median, min and max of `times`.
pub fn spread(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[0], times[times.len() - 1])
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

/// A language client over stdio, talking to `starling lsp`.
pub struct Client {
    pub child: std::process::Child,
    stdin: std::process::ChildStdin,
    messages: std::sync::mpsc::Receiver<serde_json::Value>,
    next_id: u64,
}

impl Client {
    /// Starts `starling lsp` and initializes it with no debounce; `None` if it does not answer.
    pub fn start() -> Option<Self> {
        use std::io::{BufRead, BufReader, Read};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_starling"))
            .arg("lsp")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let stdout = child.stdout.take()?;
        let (send, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader
                        .read_line(&mut line)
                        .ok()
                        .filter(|n| *n > 0)
                        .is_none()
                    {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(value) = serde_json::from_slice(&body) {
                    if send.send(value).is_err() {
                        return;
                    }
                }
            }
        });
        let mut client = Self {
            child,
            stdin,
            messages,
            next_id: 1,
        };
        let options = serde_json::json!({ "starling": { "lsp": { "debounce-ms": 0 } } });
        client.request(
            "initialize",
            serde_json::json!({
                "processId": null,
                "rootUri": null,
                "capabilities": { "general": { "positionEncodings": ["utf-8"] } },
                "initializationOptions": options,
            }),
        )?;
        client.notify("initialized", serde_json::json!({}));
        Some(client)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn notify(&mut self, method: &str, params: serde_json::Value) {
        self.send(serde_json::json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits (up to a minute) for its answer.
    pub fn request(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Option<serde_json::Value> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = serde_json::json!({ "jsonrpc": "2.0", "id": id, "method": method });
        // A request without params (shutdown) must not carry `"params": null`.
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let message = self
                .messages
                .recv_timeout(deadline.checked_duration_since(Instant::now())?)
                .ok()?;
            if message.get("id").and_then(|v| v.as_u64()) == Some(id)
                && message.get("method").is_none()
            {
                return message.get("result").cloned();
            }
            self.answer_server_request(&message);
        }
    }

    /// Waits for `publishDiagnostics` of `uri` at `version` (any version when `None`).
    pub fn diagnostics(
        &mut self,
        uri: &str,
        version: Option<i64>,
        timeout: Duration,
    ) -> Option<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let message = self
                .messages
                .recv_timeout(deadline.checked_duration_since(Instant::now())?)
                .ok()?;
            self.answer_server_request(&message);
            if message.get("method").and_then(|m| m.as_str())
                != Some("textDocument/publishDiagnostics")
            {
                continue;
            }
            let params = &message["params"];
            if params["uri"].as_str() != Some(uri) {
                continue;
            }
            if version.is_none() || params["version"].as_i64() == version {
                return Some(params.clone());
            }
        }
    }

    /// Drops the messages already received.
    pub fn drain(&mut self) {
        while let Ok(message) = self.messages.try_recv() {
            self.answer_server_request(&message);
        }
    }

    fn answer_server_request(&mut self, message: &serde_json::Value) {
        // Requests from the server (configuration, progress) get an empty answer.
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(serde_json::json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        }
    }

    fn send(&mut self, message: serde_json::Value) {
        use std::io::Write;
        let body = message.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.stdin.flush();
    }

    pub fn shutdown(mut self) {
        let _ = self.request("shutdown", serde_json::Value::Null);
        self.notify("exit", serde_json::Value::Null);
        let _ = self.child.wait();
    }
}

/// Resident memory of process `pid`, in bytes.
pub fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

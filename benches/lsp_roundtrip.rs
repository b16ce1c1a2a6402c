//! From a test client over stdio against the real binary (`starling lsp`): the time from the
//! last `didChange` of a 20-keystroke burst to the `publishDiagnostics` of that version, on a
//! 10 KB file and on a 1 MB file. The client asks for no debounce (`lsp.debounce-ms = 0`), so
//! the figure excludes it.
//!
//! `cargo bench --bench lsp_roundtrip`

mod support;

use std::time::{Duration, Instant};

use serde_json::json;

const BURST: usize = 20;
const ROUNDS: usize = 15;

/// Median time from the last change of a burst to its diagnostics, or `None` if the server
/// does not answer.
fn roundtrip(client: &mut support::Client, name: &str, text: &str) -> Option<Duration> {
    let uri = format!("file:///bench/stories/{name}.md");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 0, "text": text } }),
    );
    client.diagnostics(&uri, None, Duration::from_secs(120))?;
    // A big document's first diagnostics hold the stories at its top; the stats answer once
    // its first check has ended.
    client.request("starling/stats", json!({ "textDocument": { "uri": uri } }));
    // Type into the middle of a prose line.
    let lines: Vec<&str> = text.lines().collect();
    let line = (lines.len() / 2..lines.len())
        .find(|&i| lines[i].len() > 40 && !lines[i].starts_with(['#', '-', '*']))
        .unwrap_or(0);
    let mut column = 10;
    let mut version = 0;
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let mut last = Instant::now();
        for _ in 0..BURST {
            version += 1;
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{
                        "range": { "start": { "line": line, "character": column },
                                   "end": { "line": line, "character": column } },
                        "text": "x"
                    }]
                }),
            );
            last = Instant::now();
            column += 1;
        }
        client.diagnostics(&uri, Some(version), Duration::from_secs(120))?;
        times.push(last.elapsed());
        client.drain();
    }
    times.sort();
    Some(times[times.len() / 2])
}

fn main() {
    let small = support::bank(10_000);
    let large = support::bank(1_000_000);
    let Some(mut client) = support::Client::start() else {
        println!("lsp_roundtrip: `starling lsp` did not start or answer initialize; skipped");
        return;
    };
    let figures = (
        roundtrip(&mut client, "small", &small),
        roundtrip(&mut client, "large", &large),
    );
    client.shutdown();
    match figures {
        (Some(small_time), Some(large_time)) => {
            println!(
                "lsp_roundtrip 10KB ({} bytes): median {small_time:.2?}",
                small.len()
            );
            println!(
                "lsp_roundtrip 1MB ({} bytes): median {large_time:.2?}",
                large.len()
            );
            println!(
                "lsp_roundtrip ratio 1MB/10KB: {:.1}x (target <= 2x); 1MB median {} 16 ms",
                support::ratio(large_time, small_time),
                if large_time < Duration::from_millis(16) {
                    "under"
                } else {
                    "over"
                }
            );
        }
        _ => println!("lsp_roundtrip: the server published no diagnostics for a version; skipped"),
    }
}

//! Opening a big bank in the editor: from `didOpen` of a 1 MB story file to the first
//! `publishDiagnostics` for it, over stdio against the real binary (`starling lsp`), with no
//! debounce. Each round opens the bank under a new URI in a fresh server, so that nothing is
//! cached from the round before. Prints the median, min and max.
//!
//! `cargo bench --bench open`

mod support;

use std::time::{Duration, Instant};

use serde_json::json;

const ROUNDS: usize = 9;

fn main() {
    let bank = support::bank(1_000_000);
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let Some(mut client) = support::Client::start() else {
            println!("open: `starling lsp` did not start or answer initialize; skipped");
            return;
        };
        let uri = format!("file:///bench/stories/open-{round}.md");
        let start = Instant::now();
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 0, "text": bank } }),
        );
        let published = client.diagnostics(&uri, None, Duration::from_secs(120));
        let elapsed = start.elapsed();
        client.shutdown();
        if published.is_none() {
            println!("open: the server published no diagnostics for the bank; skipped");
            return;
        }
        times.push(elapsed);
    }
    let (median, min, max) = support::spread(times);
    println!(
        "open 1MB ({} bytes) -> first diagnostics: median {median:.2?} (min {min:.2?}, max {max:.2?}, {ROUNDS} rounds)",
        bank.len()
    );
}

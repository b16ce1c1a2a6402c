//! Resident memory (VmRSS) of `starling lsp` with 1,000 story files open, against their total
//! size. The base is measured after one story was checked and closed, so that what the first
//! check builds once counts as base; the figure over the base after `initialize` is printed
//! too.
//!
//! `cargo bench --bench memory`

mod support;

use std::time::Duration;

use serde_json::json;

const FILES: usize = 1_000;

fn main() {
    let stories = support::example_stories();
    let Some(mut client) = support::Client::start() else {
        println!("memory: `starling lsp` did not start or answer initialize; skipped");
        return;
    };
    let pid = client.pid();
    std::thread::sleep(Duration::from_millis(300));
    let base = support::rss(pid).unwrap_or(0);
    // One story checked and closed: what the first check builds once (phrase automata, their
    // matching caches) is part of the base, not of the open documents.
    let warm_uri = "file:///bench/stories/warm-up.md";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": warm_uri, "languageId": "markdown", "version": 0, "text": support::story(&stories, FILES) } }),
    );
    client.diagnostics(warm_uri, None, Duration::from_secs(60));
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": warm_uri } }),
    );
    std::thread::sleep(Duration::from_millis(300));
    client.drain();
    let warm = support::rss(pid).unwrap_or(0);
    let mut bytes = 0;
    let mut last_uri = String::new();
    for n in 0..FILES {
        let text = support::story(&stories, n);
        bytes += text.len();
        last_uri = format!("file:///bench/stories/story-{n}.md");
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": last_uri, "languageId": "markdown", "version": 0, "text": text } }),
        );
    }
    let published = client
        .diagnostics(&last_uri, None, Duration::from_secs(300))
        .is_some();
    // Let the last checks finish.
    std::thread::sleep(Duration::from_secs(2));
    client.drain();
    let resident = support::rss(pid).unwrap_or(0);
    client.shutdown();
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "memory: {FILES} files open, {:.2} MB of text; VmRSS {:.1} MB (base after initialize {:.1} MB, after one story checked and closed {:.1} MB); diagnostics published: {published}",
        mb(bytes as u64),
        mb(resident),
        mb(base),
        mb(warm)
    );
    let ratio = |from: u64| resident.saturating_sub(from) as f64 / bytes.max(1) as f64;
    println!(
        "memory ratio (VmRSS - base after one story) / open bytes: {:.1}x (target <= 4x, base < 50 MB: base {:.1} MB); over the base after initialize: {:.1}x",
        ratio(warm),
        mb(warm),
        ratio(base)
    );
}

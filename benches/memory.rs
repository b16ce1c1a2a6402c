//! Resident memory (VmRSS) of `starling lsp` with 1,000 and then 2,000 story files open,
//! against their total size: what an open document costs per byte (the growth of the second
//! thousand over its bytes) and the fixed base left over, plus the plain ratios over the base
//! after `initialize` and after one story was checked and closed.
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
    // Open FILES files, measure, then FILES more: the second step's growth over its bytes is
    // what an open document costs; what is left over at 2 x FILES is the fixed base.
    let mut bytes = 0;
    let mut published = true;
    let mut steps = Vec::new();
    for step in 0..2 {
        let mut last_uri = String::new();
        for n in step * FILES..(step + 1) * FILES {
            let text = support::story(&stories, n);
            bytes += text.len();
            last_uri = format!("file:///bench/stories/story-{n}.md");
            client.notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": last_uri, "languageId": "markdown", "version": 0, "text": text } }),
            );
        }
        published &= client
            .diagnostics(&last_uri, None, Duration::from_secs(300))
            .is_some();
        // Let the last checks finish.
        std::thread::sleep(Duration::from_secs(2));
        client.drain();
        steps.push((bytes, support::rss(pid).unwrap_or(0)));
    }
    client.shutdown();
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let (bytes_1, resident_1) = steps[0];
    let (bytes_2, resident_2) = steps[1];
    println!(
        "memory: {FILES} files open, {:.2} MB of text; VmRSS {:.1} MB (base after initialize {:.1} MB, after one story checked and closed {:.1} MB); diagnostics published: {published}",
        mb(bytes_1 as u64),
        mb(resident_1),
        mb(base),
        mb(warm)
    );
    println!(
        "memory: {} files open, {:.2} MB of text; VmRSS {:.1} MB",
        2 * FILES,
        mb(bytes_2 as u64),
        mb(resident_2)
    );
    let per_byte = resident_2.saturating_sub(resident_1) as f64 / (bytes_2 - bytes_1).max(1) as f64;
    let fixed = resident_2 as f64 - per_byte * bytes_2 as f64;
    println!(
        "memory per open byte (growth from {FILES} to {} files): {per_byte:.1}x; fixed base {:.1} MB (target <= 4x plus a base < 50 MB)",
        2 * FILES,
        fixed / (1024.0 * 1024.0)
    );
    let ratio = |from: u64| resident_1.saturating_sub(from) as f64 / bytes_1.max(1) as f64;
    println!(
        "memory ratio at {FILES} files, (VmRSS - base) / open bytes: {:.1}x over the base after one story, {:.1}x over the base after initialize",
        ratio(warm),
        ratio(base)
    );
}

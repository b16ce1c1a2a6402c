//! Measures how long `starling lsp` takes from the last keystroke of a 20-keystroke burst to
//! the diagnostics of that version, on a story bank of about 1 MB. Not a test: run with
//!
//! ```sh
//! cargo build --release && STARLING_BIN=target/release/starling cargo run --release --example lsp_latency
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::{Client, ClientSetup, TextDoc};

const STORY: &str = "# The billing migration {n}\n\n## Situation\nThree years ago I was a backend engineer on the billing team, and we were moving invoices to a new service before the quarter closed.\n\n## Task\nMy job was to own the cut-over plan and make sure no invoice was lost or sent twice.\n\n## Action\nI decided to skip the dry run because the schedule was tight, and I pushed the switch on a Friday evening. When the first duplicate invoices arrived I rolled back within the hour and called the support lead.\n\n## Result\nWe double-billed 300 customers, refunded $18K and spent a week rebuilding trust with the largest accounts.\n\n## Learning\nThe root cause was that I treated the dry run as optional when the deadline pressed. Since then I run a dry run before every migration, written into our release checklist, and it has caught two problems since.\n\n";

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stories = dir.path().join("stories");
    std::fs::create_dir_all(&stories).expect("dir");
    // About 1 MB: 250 files of 4 KB.
    let mut n = 0;
    let mut bank_bytes = 0;
    let mut big = String::new();
    for file in 0..250 {
        let mut text = String::new();
        while text.len() < 4_000 {
            text.push_str(&STORY.replace("{n}", &n.to_string()));
            n += 1;
        }
        bank_bytes += text.len();
        big.push_str(&text);
        std::fs::write(stories.join(format!("bank{file:03}.md")), &text).expect("writes");
    }
    println!("bank: 250 files, {n} stories, {bank_bytes} bytes");

    let mut client = Client::start(dir.path(), ClientSetup::default());
    client.wait_for("bank scan", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });

    for (name, text) in [
        (
            "one 4 KB file of the bank",
            std::fs::read_to_string(stories.join("bank000.md")).expect("reads"),
        ),
        ("the whole bank as one 1 MB file", big),
    ] {
        let path = if text.len() > 100_000 {
            stories.join("all.md")
        } else {
            stories.join("bank000.md")
        };
        let mut doc = TextDoc::new(&path, &text);
        client.open(&doc);
        client.diagnostics(&doc.uri, doc.version);
        let mut samples = Vec::new();
        for round in 0..5 {
            let at = doc.text.find("rebuilding trust").expect("anchor");
            let mut last = Instant::now();
            for (i, c) in "quickly and then ".chars().chain("ok!".chars()).enumerate() {
                client.edit(&mut doc, at + i..at + i, &c.to_string());
                last = Instant::now();
                std::thread::sleep(Duration::from_millis(30));
            }
            let diagnostics = client.diagnostics(&doc.uri, doc.version);
            let elapsed = last.elapsed();
            samples.push(elapsed);
            assert!(!diagnostics.is_empty() || round > 10);
        }
        samples.sort();
        println!(
            "{name}: last keystroke -> diagnostics: min {:?}, median {:?}, max {:?} (debounce 150 ms, keystrokes 30 ms apart)",
            samples[0], samples[samples.len() / 2], samples[samples.len() - 1]
        );
        client.notify(
            "textDocument/didClose",
            serde_json::json!({ "textDocument": { "uri": doc.uri } }),
        );
    }
    let _ = client.shutdown();
}

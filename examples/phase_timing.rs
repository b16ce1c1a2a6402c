//! Times the phases of a check on one file: `cargo run --release --example phase_timing FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phase_timing FILE");
        return;
    };
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let t = Instant::now();
    let tree = starling::document::parse(&text);
    println!("parse      {:?}", t.elapsed());
    let t = Instant::now();
    let blocks = starling::story::blocks::blocks(&tree, &text);
    println!("blocks     {:?} ({} blocks)", t.elapsed(), blocks.len());
    let t = Instant::now();
    let outline = starling::story::outline(&text, &tree);
    println!(
        "outline    {:?} ({} stories)",
        t.elapsed(),
        outline.stories.len()
    );
    let t = Instant::now();
    let analysis = starling::analyze(&text, &tree, &starling::Config::default());
    println!(
        "analyze    {:?} ({} findings)",
        t.elapsed(),
        analysis.findings.len()
    );
}

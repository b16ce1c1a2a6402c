//! Random edit sequences through `didChange`: whatever the edits, the diagnostics published
//! for the last version equal the engine's findings on the final text.

mod support;

use starling::Config;
use support::{client_view, engine_view, Client, ClientSetup, Encoding, TextDoc};

/// A small deterministic generator, so that a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "## Situation\n",
    "## Task\n",
    "## Action\n",
    "## Result\n",
    "## Learning\n",
    "# Title\n",
    "**Action:** ",
    "- **R (Result):** ",
    "Situation: ",
    "I decided to skip the tests. ",
    "We lost $40K and 3 customers. ",
    "Since then I run a checklist. ",
    "😀",
    "🚀 ",
    "é",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "<!-- starling-disable missing-learning -->\n",
    "---\ntheme: star\n---\n",
    "my job was to own the launch. ",
    "It went well. ",
    "```\ncode\n```\n",
];

const SEED_TEXT: &str = "# Launch 🚀\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped two weeks.\n";

fn char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn run(seed: u64, encoding: Encoding) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("stories")).expect("dir");
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            encoding,
            // The bank's `prompt-coverage` moves between the files as they change; the point
            // here is the edits, so the bank rule is off.
            init_options: serde_json::json!({ "rules": { "prompt-coverage": "off" } }),
            // No debounce wait beyond the default; bursts are the point.
            ..ClientSetup::default()
        },
    );
    let mut rng = Rng(seed);
    for file in 0..3 {
        let path = dir.path().join(format!("stories/r{file}.md"));
        let mut doc = TextDoc::new(&path, SEED_TEXT);
        client.open(&doc);
        let edits = 20 + rng.below(40);
        for _ in 0..edits {
            let len = doc.text.len();
            let start = char_boundary(&doc.text, rng.below(len + 1));
            let end = char_boundary(&doc.text, (start + rng.below(12)).min(len));
            let insert = match rng.below(4) {
                0 => String::new(),
                _ => PIECES[rng.below(PIECES.len())].to_string(),
            };
            // Never split a CRLF pair: clients keep line breaks whole.
            let bytes = doc.text.as_bytes();
            let splits_crlf = |at: usize| {
                at > 0 && at < bytes.len() && bytes[at - 1] == b'\r' && bytes[at] == b'\n'
            };
            if splits_crlf(start) || splits_crlf(end) {
                continue;
            }
            client.edit(&mut doc, start..end, &insert);
        }
        let diagnostics = client.diagnostics(&doc.uri, doc.version);
        assert_eq!(
            client_view(&diagnostics),
            engine_view(&doc.text, &Config::default(), encoding),
            "seed {seed}, {encoding:?}, file {file}, text {:?}",
            doc.text
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn random_edits_end_in_the_engine_findings_utf16() {
    for seed in [0x9E37_79B9_7F4A_7C15, 42, 7_777_777] {
        run(seed, Encoding::Utf16);
    }
}

#[test]
fn random_edits_end_in_the_engine_findings_utf8() {
    for seed in [0xD1B5_4A32_D192_ED03, 1234567] {
        run(seed, Encoding::Utf8);
    }
}

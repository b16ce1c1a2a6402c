//! One-character edits at the middle and at the end of a 1 MB bank, through the document model
//! and the incremental analysis, against the same edit in a file holding that one story alone.
//!
//! `cargo bench --bench keystroke`

mod support;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use starling::{ByteEdit, Config, Document, IncrementalAnalysis};

/// A document and its analysis, typed into at one place.
struct Editor {
    doc: Document,
    analysis: IncrementalAnalysis,
    at: usize,
    /// Whether the edit goes at the end of the text (it moves as the text grows).
    at_end: bool,
}

impl Editor {
    fn new(text: &str, at: usize, at_end: bool) -> Self {
        let doc = Document::new(text);
        let analysis = IncrementalAnalysis::new(&doc, Config::default());
        Self {
            doc,
            analysis,
            at,
            at_end,
        }
    }

    /// Types one character: edit, reparse, analyse.
    fn keystroke(&mut self) {
        let at = if self.at_end {
            self.doc.len_bytes()
        } else {
            self.at
        };
        self.doc.edit_bytes(at..at, "x");
        self.analysis.update(&self.doc, &ByteEdit::new(at..at, 1));
        self.at += 1;
    }

    /// Types one character into the document model only.
    fn keystroke_document_only(&mut self) {
        let at = if self.at_end {
            self.doc.len_bytes()
        } else {
            self.at
        };
        self.doc.edit_bytes(at..at, "x");
        self.at += 1;
    }
}

/// The middle of a paragraph near the middle of `text`: after a space inside a prose line.
fn middle(text: &str) -> usize {
    let mut at = text.len() / 2;
    loop {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..line_end];
        if line.len() > 40 && !line.starts_with(['#', '-', '*', '<']) {
            return at + line.find(' ').unwrap_or(0);
        }
        at = line_end + 1;
    }
}

/// The story (in the bank) that holds byte `at`, as its own text, and `at` inside it.
fn story_alone(bank: &str, at: usize) -> (String, usize) {
    let doc = Document::new(bank);
    let analysis = IncrementalAnalysis::new(&doc, Config::default());
    let story = analysis
        .outline()
        .stories
        .iter()
        .find(|s| s.range.start <= at && at < s.range.end)
        .expect("the middle of the bank is in a story")
        .range
        .clone();
    (bank[story.clone()].to_string(), at - story.start)
}

fn benches(c: &mut Criterion) {
    let bank = support::bank(1_000_000);
    let mid = middle(&bank);
    let (alone, alone_mid) = story_alone(&bank, mid);
    let stories = IncrementalAnalysis::new(&Document::new(&bank), Config::default())
        .outline()
        .stories
        .len();
    println!(
        "keystroke: bank {} bytes, {stories} stories; the story alone {} bytes",
        bank.len(),
        alone.len()
    );

    let cases = [
        ("1MB middle", bank.as_str(), mid, false),
        ("1MB end", bank.as_str(), bank.len(), true),
        ("story middle", alone.as_str(), alone_mid, false),
        ("story end", alone.as_str(), alone.len(), true),
    ];
    let mut group = c.benchmark_group("keystroke");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    for (name, text, at, at_end) in cases {
        let mut editor = Editor::new(text, at, at_end);
        group.bench_function(name, |b| b.iter(|| editor.keystroke()));
    }
    group.finish();

    // The figures and ratios of the target: the same edit on 1 MB and on the story alone.
    let runs = 30;
    let mut figures = Vec::new();
    for (name, text, at, at_end) in cases {
        let mut editor = Editor::new(text, at, at_end);
        let full = support::median(runs, || editor.keystroke());
        let checked = editor.analysis.last_checked().len();
        let mut editor = Editor::new(text, at, at_end);
        let document = support::median(runs, || editor.keystroke_document_only());
        println!(
            "keystroke {name:<13} document+analysis {full:>10.2?}  document only {document:>10.2?}  stories re-checked {checked}"
        );
        figures.push((full, document));
    }
    for (place, bank_figure, story_figure) in [
        ("middle", figures[0], figures[2]),
        ("end", figures[1], figures[3]),
    ] {
        println!(
            "keystroke ratio 1MB/story at the {place}: {:.1}x with analysis ({:.1}x document only); target <= 2x",
            support::ratio(bank_figure.0, story_figure.0),
            support::ratio(bank_figure.1, story_figure.1),
        );
    }
}

criterion_group!(keystroke, benches);
criterion_main!(keystroke);

//! Random edit scripts: after any sequence of edits, in either position encoding, the
//! document's text equals the same edits applied to a plain string, and its incrementally
//! reparsed syntax equals a fresh parse of the final text. And the syntax, cut into chunks at
//! headings, holds the same blocks as one tree parsed from the whole text.

use proptest::prelude::*;
use starling::document::{parse, parse_whole, Document, Position, PositionEncoding, Span};
use starling::story::blocks::{blocks, whole_tree_blocks};

/// Pieces random texts are made of: Markdown syntax, astral characters, combining marks,
/// CRLF and lone CR line ends.
const PIECES: &[&str] = &[
    "# ",
    "## Situation\n",
    "\n### Result\n",
    "\n# T\n",
    "#",
    "    ",
    "| a | b |\n",
    "|---|---|\n",
    "<div>\n",
    "<!--",
    "-->",
    "~~~\n",
    "+++\n",
    "\0",
    " ",
    "Title\n===\n",
    "**Task:** ",
    "- ",
    "  - ",
    "1. ",
    "Result: ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "I ",
    "we ",
    "lost ",
    "$200K",
    "😀",
    "👩‍💻",
    "e\u{301}",
    "é",
    "中文",
    "`code`",
    "> ",
    "---\n",
    "```\n",
    "<!-- c -->",
    "*",
    "_",
    "[a](b)",
    " ",
    "\t",
    "word",
    ".",
];

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

#[derive(Debug, Clone)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
    utf8: bool,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (
        (0u32..12, 0u32..40),
        (0u32..3, 0u32..40),
        text_strategy(6),
        any::<bool>(),
    )
        .prop_map(|(start, (lines, col), text, utf8)| Edit {
            start,
            end: (
                start.0 + lines,
                if lines == 0 { start.1 + col / 4 } else { col },
            ),
            text,
            utf8,
        })
}

/// Line starts of `text`, lines ending at `\n`, `\r\n` or a lone `\r` (the LSP rule),
/// written independently of the engine.
fn line_bounds(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, bytes.len()));
    out
}

/// The reference conversion: clamp to the line, round down inside a character.
fn reference_offset(text: &str, line: u32, character: u32, utf8: bool) -> usize {
    let lines = line_bounds(text);
    let Some(&(start, end)) = lines.get(line as usize) else {
        return text.len();
    };
    let mut units = 0usize;
    for (offset, ch) in text[start..end].char_indices() {
        let width = if utf8 { ch.len_utf8() } else { ch.len_utf16() };
        if units + width > character as usize {
            return start + offset;
        }
        units += width;
    }
    end
}

fn apply(doc: &mut Document, model: &mut String, edit: &Edit) {
    let encoding = if edit.utf8 {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    };
    let mut a = reference_offset(model, edit.start.0, edit.start.1, edit.utf8);
    let mut b = reference_offset(model, edit.end.0, edit.end.1, edit.utf8);
    if b < a {
        std::mem::swap(&mut a, &mut b);
    }
    model.replace_range(a..b, &edit.text);
    let span = Span::new(
        Position::new(edit.start.0, edit.start.1),
        Position::new(edit.end.0, edit.end.1),
    );
    doc.edit(Some(span), &edit.text, encoding);
}

fn assert_in_step(doc: &Document, model: &str) {
    assert_eq!(doc.text(), model);
    assert!(
        doc.syntax().outline() == parse(model).outline(),
        "incremental syntax differs from a fresh parse of:\n{model:?}"
    );
    assert!(
        blocks(doc.syntax(), model) == whole_tree_blocks(&parse_whole(model), model),
        "the chunks hold other blocks than one tree of:\n{model:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_5ead), ..ProptestConfig::default() })]

    #[test]
    fn random_edit_scripts_keep_text_and_tree_in_step(
        initial in text_strategy(60),
        edits in prop::collection::vec(edit_strategy(), 1..40),
    ) {
        let mut doc = Document::new(&initial);
        let mut model = initial.clone();
        for edit in &edits {
            apply(&mut doc, &mut model, edit);
        }
        assert_in_step(&doc, &model);
    }

    #[test]
    fn chunks_hold_the_blocks_of_one_tree(text in text_strategy(200)) {
        let syntax = parse(&text);
        prop_assert_eq!(
            blocks(&syntax, &text),
            whole_tree_blocks(&parse_whole(&text), &text),
            "{} chunks of {:?}", syntax.chunk_count(), text
        );
    }

    #[test]
    fn positions_round_trip_on_character_boundaries(text in text_strategy(40), byte in 0usize..400) {
        let doc = Document::new(&text);
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        if byte > 0 && text[..byte].ends_with('\r') && text[byte..].starts_with('\n') {
            // Between the two bytes of a CRLF is no position at all.
            byte -= 1;
        }
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let position = doc.position(byte, encoding);
            prop_assert_eq!(doc.offset(position, encoding), byte);
        }
    }
}

/// Found by the `document_edits` fuzz target: a NUL byte read as the end of the input made a
/// cut depend on the text after it.
#[test]
fn a_nul_byte_does_not_move_a_cut() {
    let initial = "J\n# \0\n\u{1e}";
    let mut doc = Document::new(initial);
    let mut model = initial.to_string();
    apply(
        &mut doc,
        &mut model,
        &Edit {
            start: (10, 80),
            end: (80, 80),
            text: "\0".into(),
            utf8: false,
        },
    );
    assert_eq!(model, "J\n# \0\n\u{1e}\0");
    assert_in_step(&doc, &model);
}

/// A long deterministic run: five thousand edits on one document, checked as it goes.
#[test]
fn five_thousand_edits_in_one_document() {
    let mut seed: u64 = 0x5eed_5ead;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let initial =
        "# Story\n\n## Situation\nWe had a 😀 launch.\r\n\n## Action\nI cut e\u{301} tests.\n";
    let mut doc = Document::new(initial);
    let mut model = initial.to_string();
    for step in 0..5_000 {
        let lines = line_bounds(&model).len() as u32;
        let line = next(lines as usize + 1) as u32;
        let edit = Edit {
            start: (line, next(30) as u32),
            end: (line + (next(4) == 0) as u32, next(30) as u32),
            text: (0..next(3)).map(|_| PIECES[next(PIECES.len())]).collect(),
            utf8: next(2) == 0,
        };
        apply(&mut doc, &mut model, &edit);
        if step % 250 == 0 || model.len() > 4_000 {
            assert_in_step(&doc, &model);
        }
        if model.len() > 4_000 {
            // Keep the document a reasonable size: cut it back from the start.
            let cut = (0..=model.len() / 2)
                .rev()
                .find(|&i| model.is_char_boundary(i))
                .unwrap_or(0);
            model.replace_range(..cut, "");
            doc.edit_bytes(0..cut, "");
        }
    }
    assert_in_step(&doc, &model);
    // Edits at the very start and the very end.
    doc.edit(
        Some(Span::new(Position::new(0, 0), Position::new(0, 0))),
        "😀\r\n",
        PositionEncoding::Utf16,
    );
    model.insert_str(0, "😀\r\n");
    let end = doc.position(model.len(), PositionEncoding::Utf16);
    doc.edit(
        Some(Span::new(end, end)),
        "\n## Result\n",
        PositionEncoding::Utf16,
    );
    model.push_str("\n## Result\n");
    assert_in_step(&doc, &model);
}

/// A chunk of one heading line ended by a lone CR: a line break typed right after it changes
/// the tail of the chunk two before the edit, which must be parsed again.
#[test]
fn a_line_feed_after_a_one_line_chunk_reaches_two_chunks_back() {
    let initial = "# One\ntext\n# Two\r# Three\ntext\n";
    let mut doc = Document::new(initial);
    let mut model = initial.to_string();
    let at = initial.find("# Three").unwrap();
    model.insert(at, '\n');
    doc.edit_bytes(at..at, "\n");
    assert_in_step(&doc, &model);
}

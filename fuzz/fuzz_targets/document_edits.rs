//! Random edit scripts through the document model, in both position encodings: the text
//! equals the same edits on a plain string, the syntax equals a fresh parse, and its chunks
//! hold the blocks of one tree of the whole text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use starling::document::{parse, parse_whole, Document, Position, PositionEncoding, Span};
use starling::story::blocks::{blocks, whole_tree_blocks};

#[derive(Debug, Arbitrary)]
struct Edit {
    start: (u8, u8),
    end: (u8, u8),
    text: String,
    utf8: bool,
}

#[derive(Debug, Arbitrary)]
struct Script {
    initial: String,
    edits: Vec<Edit>,
}

fuzz_target!(|script: Script| {
    let mut doc = Document::new(&script.initial);
    let mut model = script.initial.clone();
    for edit in script.edits.iter().take(64) {
        let encoding = if edit.utf8 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        };
        let span = Span::new(
            Position::new(u32::from(edit.start.0), u32::from(edit.start.1)),
            Position::new(u32::from(edit.end.0), u32::from(edit.end.1)),
        );
        // The model applies the same byte range the document resolved.
        let mut a = doc.offset(span.start, encoding);
        let mut b = doc.offset(span.end, encoding);
        if b < a {
            std::mem::swap(&mut a, &mut b);
        }
        model.replace_range(a..b, &edit.text);
        doc.edit(Some(span), &edit.text, encoding);
        assert_eq!(doc.text(), model);
    }
    assert!(doc.syntax().outline() == parse(&model).outline());
    assert!(blocks(doc.syntax(), &model) == whole_tree_blocks(&parse_whole(&model), &model));
});

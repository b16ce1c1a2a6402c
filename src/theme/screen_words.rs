//! The words a pattern's matches must hold, read from its syntax: what the phrase screen
//! searches for.
//!
//! Shared with `build.rs` (which reads the built-in patterns' words at build time), so it names
//! nothing else of the crate.

/// Words one of which every match of `pattern` starts with, and words one of which every match
/// ends with, lowercase ASCII; `None` on a side when there are none to be had (a match may
/// start with no fixed word, or with too many to list).
///
/// The words are read from the pattern's syntax without case folding; the case is folded by
/// the search. A word is cut at its first non-ASCII byte (from its end, for the words a match
/// ends with), since the search folds only ASCII case: what is left is still part of every
/// match it stood for.
pub fn needed_words(pattern: &str) -> [Option<Vec<String>>; 2] {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return [None, None];
    };
    [ExtractKind::Prefix, ExtractKind::Suffix].map(|kind| {
        let suffix = matches!(kind, ExtractKind::Suffix);
        let seq = Extractor::new()
            .kind(kind)
            .limit_total(64)
            .limit_class(4)
            .extract(&hir);
        let mut words = Vec::new();
        for literal in seq.literals()? {
            let bytes = literal.as_bytes();
            let ascii = if suffix {
                bytes
                    .iter()
                    .rposition(|b| !b.is_ascii())
                    .map_or(bytes, |start| &bytes[start + 1..])
            } else {
                bytes
                    .iter()
                    .position(|b| !b.is_ascii())
                    .map_or(bytes, |end| &bytes[..end])
            };
            // A word made only of spaces or punctuation screens nothing out.
            if !ascii.iter().any(u8::is_ascii_alphanumeric) {
                return None;
            }
            words.push(String::from_utf8_lossy(ascii).to_ascii_lowercase());
        }
        // A word that holds another is redundant: where it is, the other is too.
        words.sort_by_key(|w| (w.len(), w.clone()));
        words.dedup();
        let mut kept: Vec<String> = Vec::with_capacity(words.len());
        for word in words {
            if !kept.iter().any(|k| word.contains(k.as_str())) {
                kept.push(word);
            }
        }
        (!kept.is_empty()).then_some(kept)
    })
}

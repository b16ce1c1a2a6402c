//! Who acts in a part: first-person singular ("I") against plural ("we"), outside quoted
//! speech.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::quotes::{is_quoted, quoted_spans};

/// Counts of the teller's subject pronouns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actors {
    /// "I", "I'm", "I've", "I'd", "I'll".
    pub i: usize,
    /// "we", "we're", "we've", "we'd", "we'll".
    pub we: usize,
    /// Where the first "we" stands, if any.
    pub first_we: Option<usize>,
}

static SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(i|we)(?:'(?:m|ve|d|ll|re))?\b").expect("valid"));

/// Counts "I" against "we" in `text`, leaving out quoted speech.
pub fn actors(text: &str) -> Actors {
    let quoted = quoted_spans(text);
    actors_outside(text, &quoted)
}

/// Counts "I" against "we" in `text`, leaving out the `skip` spans.
pub fn actors_outside(text: &str, skip: &[Range<usize>]) -> Actors {
    let mut out = Actors::default();
    for m in SUBJECT.find_iter(text) {
        let rest = &text[m.end()..];
        let abbreviation =
            rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_alphabetic());
        if is_quoted(skip, m.start()) || abbreviation {
            continue;
        }
        let word = &text[m.start()..m.start() + 2.min(m.len())];
        if word.eq_ignore_ascii_case("we") {
            out.we += 1;
            out.first_we.get_or_insert(m.start());
        } else {
            out.i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_i_and_we_outside_quotes() {
        let a = actors("We paused it, we'd sent it, and I called. She said \"we all missed it\".");
        assert_eq!((a.i, a.we), (1, 2));
        let a = actors("I'm sure I've seen it; it was mine.");
        assert_eq!((a.i, a.we), (2, 0));
        // "i.e." is not the teller.
        let a = actors("It is weird, i.e. odd.");
        assert_eq!(a.i, 0);
    }
}

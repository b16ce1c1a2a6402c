//! The prose of a story part, as a careful reader sees it: Markdown syntax, code spans, link
//! targets and HTML comments left out, curly apostrophes made straight, with a map back to
//! document offsets.
//!
//! The modules below read that prose: quoted speech, negation, figures and pronouns.

pub mod acts;
pub mod figures;
pub mod negation;
pub mod pronouns;
pub mod quotes;

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use regex_automata::{meta, Input};

/// Plain text extracted from a range of a Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Prose {
    text: String,
    /// Runs copied from the document: (start in `text`, start in the document, length in
    /// `text`, length in the document). The lengths differ only where a character was
    /// normalized (a curly apostrophe `’` written as `'`).
    runs: Vec<(usize, usize, usize, usize)>,
    /// Sentences as ranges of `text`.
    sentences: Vec<Range<usize>>,
    /// The quoted spans of `text`, read when first asked for: many rules read the same
    /// part's sentences.
    quoted: OnceLock<Vec<Range<usize>>>,
    /// How many words `text` holds, counted when first asked for.
    words: OnceLock<usize>,
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[ \t]*>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?:[ \t]+|$)")
        .expect("valid")
});
static HEADING_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)").expect("valid"));
static QUOTE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[ \t]*>[ \t]?)+").expect("valid"));
static RULE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*(?:[=]+|[-]{2,}|[*]{3,}|[_]{3,})[ \t]*$").expect("valid"));
/// A word: letters and digits, with inner apostrophes, hyphens and underscores.
const WORD_PATTERN: &str = r"[\p{L}\p{N}](?:[\p{L}\p{N}'’_-]*[\p{L}\p{N}])?";

/// [`WORD_PATTERN`] as regex-automata's meta regex, which can find where a match ends without
/// finding where it starts: counting words needs only the forward search.
static WORD: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new(WORD_PATTERN).expect("valid"));

impl Prose {
    /// The prose of `range` of `doc`, skipping the `opaque` ranges (code blocks, raw HTML),
    /// which must be sorted by start.
    pub fn new(doc: &str, range: Range<usize>, opaque: &[Range<usize>]) -> Self {
        let mut prose = Prose::default();
        let range = clamp(doc, range);
        let mut line_start = range.start;
        let mut hard_break = true;
        let mut next_opaque = opaque.partition_point(|o| o.end <= range.start);
        while line_start < range.end {
            let line_end = doc[line_start..range.end]
                .find('\n')
                .map_or(range.end, |i| line_start + i + 1);
            let line = &doc[line_start..line_end];
            let content = line.trim_end_matches(['\n', '\r']);
            // `opaque` is sorted by start: skip the ranges that end before this line.
            while next_opaque < opaque.len() && opaque[next_opaque].end <= line_start {
                next_opaque += 1;
            }
            let in_opaque = opaque[next_opaque..]
                .iter()
                .take_while(|o| o.start <= line_start)
                .any(|o| line_start < o.end);
            if in_opaque || content.trim().is_empty() || RULE_LINE.is_match(content) {
                hard_break = true;
                line_start = line_end;
                continue;
            }
            let mut skip = 0;
            let mut starts_block = false;
            if let Some(m) = HEADING_MARKER.find(content) {
                skip = m.end();
                starts_block = true;
            } else if let Some(m) = LIST_MARKER.find(content) {
                skip = m.end();
                starts_block = true;
            } else if let Some(m) = QUOTE_MARKER.find(content) {
                skip = m.end();
            }
            let body = &content[skip..];
            let indent = body.len() - body.trim_start().len();
            if body[indent..].starts_with(crate::rules::fixes::PLACEHOLDER) {
                // A placeholder a fix inserted is not the user's prose.
                hard_break = true;
                line_start = line_end;
                continue;
            }
            if !prose.text.is_empty() {
                prose.text.push(if hard_break || starts_block {
                    '\n'
                } else {
                    ' '
                });
            }
            prose.push_inline(doc, line_start + skip + indent, &body[indent..]);
            hard_break = HEADING_MARKER.is_match(content);
            line_start = line_end;
        }
        prose.sentences = split_sentences(&prose.text);
        prose
    }

    /// The prose of a plain string (no Markdown), mapped to offsets `base..`.
    pub fn plain(text: &str, base: usize) -> Self {
        let mut prose = Prose {
            text: String::with_capacity(text.len()),
            ..Prose::default()
        };
        prose.push_normalized(base, text);
        prose.sentences = split_sentences(&prose.text);
        prose
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Sentence ranges of [`Prose::text`].
    pub fn sentences(&self) -> &[Range<usize>] {
        &self.sentences
    }

    /// The sentences as string slices.
    pub fn sentence_texts(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
        self.sentences
            .iter()
            .map(|r| (r.clone(), &self.text[r.clone()]))
    }

    /// Words of the prose (letters and digits, with inner apostrophes and hyphens).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        WORD.find_iter(&self.text).map(|m| &self.text[m.range()])
    }

    /// How many [`Prose::words`] the prose holds, counted once. Each search goes forward only
    /// and starts where the last word ended, as `words` does; no word is empty.
    pub fn word_count(&self) -> usize {
        *self.words.get_or_init(|| {
            let mut input = Input::new(&self.text);
            let mut count = 0;
            while let Some(end) = WORD.search_half(&input) {
                count += 1;
                if end.offset() <= input.start() {
                    break;
                }
                input.set_start(end.offset());
            }
            count
        })
    }

    /// The spans of the text inside quotation marks (see [`quotes::quoted_spans`]).
    pub fn quoted(&self) -> &[Range<usize>] {
        self.quoted.get_or_init(|| quotes::quoted_spans(&self.text))
    }

    /// The document offset of prose offset `at`.
    pub fn to_doc(&self, at: usize) -> usize {
        let idx = self.runs.partition_point(|(start, ..)| *start <= at);
        if idx == 0 {
            return self.runs.first().map_or(0, |(_, doc, ..)| *doc);
        }
        let (start, doc, len, doc_len) = self.runs[idx - 1];
        if len == doc_len {
            doc + (at - start).min(len)
        } else if at == start {
            doc
        } else {
            doc + doc_len
        }
    }

    /// The document range of prose range `range`.
    pub fn to_doc_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.to_doc(range.start);
        // Map the end from its last byte, so that a range ending at a run boundary does not
        // stretch over the skipped syntax after it.
        let end = if range.end > range.start {
            self.to_doc_end(range.end)
        } else {
            start
        };
        start..end.max(start)
    }

    /// The document offset just after prose byte `end - 1`, rounded up to a character end.
    fn to_doc_end(&self, end: usize) -> usize {
        let last = end - 1;
        let idx = self.runs.partition_point(|(start, ..)| *start <= last);
        let Some(&(start, doc, len, doc_len)) = idx.checked_sub(1).map(|i| &self.runs[i]) else {
            return self.to_doc(last) + 1;
        };
        if len != doc_len {
            return doc + doc_len;
        }
        let mut at = (last - start).min(len) + 1;
        while start + at < self.text.len() && at < len && !self.text.is_char_boundary(start + at) {
            at += 1;
        }
        doc + at
    }

    /// Appends `piece` (document text starting at `doc`), writing curly single quotes as `'`.
    fn push_normalized(&mut self, doc: usize, piece: &str) {
        let mut from = 0;
        for (i, c) in piece.char_indices() {
            if c == '’' || c == '‘' {
                if i > from {
                    self.runs
                        .push((self.text.len(), doc + from, i - from, i - from));
                    self.text.push_str(&piece[from..i]);
                }
                self.runs.push((self.text.len(), doc + i, 1, c.len_utf8()));
                self.text.push('\'');
                from = i + c.len_utf8();
            }
        }
        if piece.len() > from {
            let len = piece.len() - from;
            self.runs.push((self.text.len(), doc + from, len, len));
            self.text.push_str(&piece[from..]);
        }
    }

    fn push_inline(&mut self, doc: &str, base: usize, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut run_start = 0;
        let flush = |prose: &mut Prose, from: usize, to: usize| {
            if to > from {
                prose.push_normalized(base + from, &line[from..to]);
            }
        };
        while i < bytes.len() {
            let rest = &line[i..];
            let skip_to = if rest.starts_with(crate::rules::fixes::PLACEHOLDER) {
                // A placeholder runs to the end of its line.
                Some(line.len())
            } else if rest.starts_with("<!--") {
                Some(rest.find("-->").map_or(line.len(), |e| i + e + 3))
            } else if bytes[i] == b'`' {
                let ticks = rest.len() - rest.trim_start_matches('`').len();
                let fence = &rest[..ticks];
                rest[ticks..]
                    .find(fence)
                    .map(|e| i + ticks + e + ticks)
                    .or(Some(i + ticks))
            } else if rest.starts_with("](") {
                // Keep the link text, drop its target.
                rest.find(')').map(|e| i + e + 1)
            } else if bytes[i] == b'[' || bytes[i] == b']' || bytes[i] == b'*' || bytes[i] == b'~' {
                Some(i + 1)
            } else if rest.starts_with("![") {
                Some(i + 2)
            } else if bytes[i] == b'_' && is_emphasis_underscore(bytes, i) {
                Some(i + 1)
            } else if rest.starts_with('\\') && rest.len() > 1 {
                // A backslash escape: keep the escaped character.
                Some(i + 1)
            } else {
                None
            };
            match skip_to {
                Some(to) => {
                    flush(self, run_start, i);
                    i = to.max(i + 1).min(line.len());
                    while i < line.len() && !line.is_char_boundary(i) {
                        i += 1;
                    }
                    run_start = i;
                }
                // Step over a whole character: slicing inside one would panic.
                None => i += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
        flush(self, run_start, line.len());
        let _ = doc;
    }
}

fn is_emphasis_underscore(bytes: &[u8], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| bytes[j]);
    let after = bytes.get(i + 1).copied();
    let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    !(word(before) && word(after))
}

fn clamp(doc: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(doc.len());
    let mut end = range.end.min(doc.len()).max(start);
    while !doc.is_char_boundary(start) {
        start -= 1;
    }
    while !doc.is_char_boundary(end) {
        end -= 1;
    }
    start..end.max(start)
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "approx", "dr", "e.g", "eg", "etc", "i.e", "ie", "inc", "jr", "ltd", "mr", "mrs", "ms", "no",
    "prof", "sr", "st", "vs",
];

/// Splits text into sentences: at `.`, `!` or `?` followed by white space (closing quotes and
/// brackets stay with their sentence), and at line breaks between blocks.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<Range<usize>>, from: usize, to: usize| {
        let slice = &text[from..to];
        let trimmed_start = from + (slice.len() - slice.trim_start().len());
        let trimmed_end = to - (slice.len() - slice.trim_end().len());
        if trimmed_end > trimmed_start {
            out.push(trimmed_start..trimmed_end);
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?') {
                end += 1;
            }
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            // Curly closing quotes are three bytes each.
            while text[end..].starts_with(['”', '’']) {
                end += 3;
            }
            let at_break = end >= bytes.len() || bytes[end].is_ascii_whitespace();
            if at_break && !(b == b'.' && ends_with_abbreviation(&text[start..i])) {
                push(&mut out, start, end);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    push(&mut out, start, bytes.len());
    out
}

fn ends_with_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    ABBREVIATIONS.contains(&last.as_str())
        || (last.len() == 1 && last.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_count_is_the_number_of_words_the_pattern_finds() {
        let whole = Regex::new(WORD_PATTERN).expect("valid");
        let texts = crate::test_texts::with_corpus(&[
            "I didn’t ship it -- we'd the on-call's 3rd re-run_2 ’quoted’ naïve 東京 ٣٤ x",
            "'' -- __ ’’ a-",
            "",
        ]);
        for text in &texts {
            let prose = Prose::plain(text, 0);
            assert_eq!(prose.word_count(), whole.find_iter(prose.text()).count());
            assert_eq!(prose.word_count(), prose.words().count());
        }
        assert_eq!(Prose::plain("one two-three four’s", 0).word_count(), 3);
    }

    #[test]
    fn prose_steps_over_multibyte_characters() {
        let text = "We 🎉 had a *launch* é.";
        let prose = Prose::new(text, 0..text.len(), &[]);
        assert_eq!(prose.text(), "We 🎉 had a launch é.");
    }

    #[test]
    fn strips_markdown_and_maps_back() {
        let doc =
            "- **Action:** I rolled back `v2` and [paged](http://x) the <!-- note --> team.\n";
        let prose = Prose::new(doc, 0..doc.len(), &[]);
        assert_eq!(prose.text(), "Action: I rolled back  and paged the  team.");
        let at = prose.text().find("paged").unwrap();
        let range = prose.to_doc_range(at..at + 5);
        assert_eq!(&doc[range], "paged");
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let text = "We shipped v1.2 late, e.g. by two weeks. It cost $200K! Why?\nNext line";
        let got: Vec<&str> = split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            got,
            [
                "We shipped v1.2 late, e.g. by two weeks.",
                "It cost $200K!",
                "Why?",
                "Next line"
            ]
        );
    }

    #[test]
    fn list_items_and_headings_break_sentences() {
        let doc = "## Result\nIt cost us\ntwo weeks\n- a list item\n";
        let prose = Prose::new(doc, 0..doc.len(), &[]);
        let got: Vec<&str> = prose.sentence_texts().map(|(_, s)| s).collect();
        assert_eq!(got, ["Result", "It cost us two weeks", "a list item"]);
    }

    #[test]
    fn curly_apostrophes_are_straight_and_map_back() {
        let doc = "I didn’t blame ‘them’ at all.";
        let prose = Prose::new(doc, 0..doc.len(), &[]);
        assert_eq!(prose.text(), "I didn't blame 'them' at all.");
        let at = prose.text().find("didn't").unwrap();
        assert_eq!(&doc[prose.to_doc_range(at..at + 6)], "didn’t");
        let at = prose.text().find("'them'").unwrap();
        assert_eq!(&doc[prose.to_doc_range(at..at + 6)], "‘them’");
        let at = prose.text().find("blame").unwrap();
        assert_eq!(&doc[prose.to_doc_range(at..at + 5)], "blame");
        let plain = Prose::plain("it’s", 10);
        assert_eq!(plain.text(), "it's");
        assert_eq!(plain.to_doc_range(0..4), 10..16);
    }

    #[test]
    fn counts_words_with_contractions() {
        let prose = Prose::plain("I didn't ship the re-write — ever.", 0);
        assert_eq!(prose.word_count(), 6);
    }
}

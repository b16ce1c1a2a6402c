//! The prose of a story part, as a careful reader sees it: Markdown syntax, code spans, link
//! targets and HTML comments left out, with a map back to document offsets.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Plain text extracted from a range of a Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Prose {
    text: String,
    /// Runs copied verbatim: (start in `text`, start in the document, length).
    runs: Vec<(usize, usize, usize)>,
    /// Sentences as ranges of `text`.
    sentences: Vec<Range<usize>>,
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
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}](?:[\p{L}\p{N}'’_-]*[\p{L}\p{N}])?").expect("valid"));

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
            text: text.to_owned(),
            runs: vec![(0, base, text.len())],
            sentences: Vec::new(),
        };
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
        WORD.find_iter(&self.text).map(|m| m.as_str())
    }

    pub fn word_count(&self) -> usize {
        self.words().count()
    }

    /// The document offset of prose offset `at`.
    pub fn to_doc(&self, at: usize) -> usize {
        let idx = self.runs.partition_point(|(start, _, _)| *start <= at);
        if idx == 0 {
            return self.runs.first().map_or(0, |(_, doc, _)| *doc);
        }
        let (start, doc, len) = self.runs[idx - 1];
        doc + (at - start).min(len)
    }

    /// The document range of prose range `range`.
    pub fn to_doc_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.to_doc(range.start);
        // Map the end from its last byte, so that a range ending at a run boundary does not
        // stretch over the skipped syntax after it.
        let end = if range.end > range.start {
            self.to_doc(range.end - 1) + 1
        } else {
            start
        };
        let end = self.ceil_doc(end);
        start..end.max(start)
    }

    /// Rounds a document offset up to the end of the character it falls in, using the runs.
    fn ceil_doc(&self, doc_offset: usize) -> usize {
        let Some(&(start, doc, _)) = self
            .runs
            .iter()
            .find(|(_, d, len)| *d <= doc_offset && doc_offset <= d + len)
        else {
            return doc_offset;
        };
        let mut at = start + (doc_offset - doc);
        while at < self.text.len() && !self.text.is_char_boundary(at) {
            at += 1;
        }
        doc + (at - start)
    }

    fn push_inline(&mut self, doc: &str, base: usize, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut run_start = 0;
        let flush = |prose: &mut Prose, from: usize, to: usize| {
            if to > from {
                prose.runs.push((prose.text.len(), base + from, to - from));
                prose.text.push_str(&line[from..to]);
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
    fn counts_words_with_contractions() {
        let prose = Prose::plain("I didn't ship the re-write — ever.", 0);
        assert_eq!(prose.word_count(), 6);
    }
}

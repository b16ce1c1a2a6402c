//! Quoted speech: words inside quotation marks are someone's words, often not the teller's own
//! claim ("he said 'I'm such an idiot'").

use std::ops::Range;

/// The spans of `text` inside quotation marks, the marks included: straight or curly double
/// quotes, and single quotes that open before a word and close after one (an apostrophe inside
/// a word, as in "didn't", is not a quote). A quote left open ends at the end of its line.
pub fn quoted_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut double: Option<usize> = None;
    let mut single: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '\n' => {
                double = None;
                single = None;
            }
            '“' => double = double.or(Some(i)),
            '”' => {
                if let Some(start) = double.take() {
                    spans.push(start..i + c.len_utf8());
                }
            }
            '"' => match double.take() {
                Some(start) => spans.push(start..i + 1),
                None => double = Some(i),
            },
            '\'' => {
                let before_word = next.is_some_and(|n| n.is_alphanumeric());
                let after_space =
                    prev.is_none_or(|p| p.is_whitespace() || "([{—–-/\"“".contains(p));
                let after_word = prev.is_some_and(|p| !p.is_whitespace());
                let ends_word = next.is_none_or(|n| !n.is_alphanumeric());
                if single.is_none() && after_space && before_word {
                    single = Some(i);
                } else if let Some(start) = single {
                    if after_word && ends_word {
                        spans.push(start..i + 1);
                        single = None;
                    }
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    spans.retain(|span| !tells_the_answer(text, span));
    spans.sort_by_key(|r| r.start);
    spans
}

/// How many words a quotation must hold, filling its whole line, to be the answer itself.
const ANSWER_WORDS: usize = 25;

/// Whether a quoted span is the teller's whole answer in quotation marks (as prep sites and
/// forum posts print an answer): it fills its line and runs on for several sentences.
fn tells_the_answer(text: &str, span: &Range<usize>) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let before = text[line_start..span.start].trim();
    let after = text[span.end..line_end].trim();
    before.chars().all(|c| "*_>-#".contains(c))
        && after.chars().all(|c| "*_.".contains(c))
        && text[span.clone()].split_whitespace().count() >= ANSWER_WORDS
}

/// Whether byte `at` of the text lies inside one of `spans`.
pub fn is_quoted(spans: &[Range<usize>], at: usize) -> bool {
    spans.iter().any(|s| s.start <= at && at < s.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        quoted_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_double_and_single_quotes_but_not_apostrophes() {
        assert_eq!(
            quoted("He said 'I'm such an idiot for missing it.' I let him finish."),
            ["'I'm such an idiot for missing it.'"]
        );
        assert_eq!(
            quoted("He wrote “we all missed it” and \"so what\"."),
            ["“we all missed it”", "\"so what\""]
        );
        assert!(quoted("The teams' own tracking, and James's notes").is_empty());
        assert_eq!(
            quoted("the 'don't compress the window' rule"),
            ["'don't compress the window'"]
        );
    }

    #[test]
    fn a_quote_spans_sentences_but_not_lines() {
        let text = "She said, \"Look, we all missed it. We fix it together.\" I agreed.";
        assert_eq!(quoted(text).len(), 1);
        assert!(quoted("an open \"quote\nnext line").is_empty());
    }

    #[test]
    fn an_answer_printed_in_quotes_is_the_tellers_own() {
        let answer =
            "\"At my last clinic I booked two patients into one slot, and I did not notice \
                      until both arrived. I apologised, saw one at once and rebooked the other \
                      for the next morning.\"";
        assert!(quoted(answer).is_empty());
        // A short quotation on its own line is still someone's words.
        assert_eq!(quoted("\"We all missed it.\"").len(), 1);
    }
}

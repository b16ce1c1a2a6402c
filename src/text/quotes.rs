//! Quoted speech: words inside quotation marks are someone's words, often not the teller's own
//! claim ("she said 'I felt stupid'").

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
    spans.sort_by_key(|r| r.start);
    spans
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
            quoted("She said 'I felt stupid for not knowing.' I didn't argue."),
            ["'I felt stupid for not knowing.'"]
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
}

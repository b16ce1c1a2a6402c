//! One case-insensitive pattern compiled light, for the short texts rules read: a sentence, a
//! paragraph, a word, a prompt.
//!
//! The `regex` crate compiles each pattern for long haystacks too: a reverse automaton for its
//! lazy DFA and a literal prefilter. For the built-in phrase lists that is most of the cost of
//! compiling (three quarters of it, measured over every built-in pattern) and most of a one-shot
//! check's time. A [`Pattern`] keeps only the forward automaton and the two engines that run it
//! without more compiling (a bounded backtracker and the Pike VM). Matches are the same as the
//! `regex` crate's (leftmost-first, the same syntax); only the speed on long texts differs,
//! which is why a list switches to a whole [`regex::RegexSet`] once it has read a lot of text.

use regex_automata::meta::{self, BuildError};
use regex_automata::util::syntax;
use regex_automata::Input;

/// A compiled case-insensitive pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: meta::Regex,
}

/// The most memory one compiled pattern may take; keeps a user pattern from blowing up.
pub(super) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

impl Pattern {
    /// `pattern`, matched case-insensitively.
    pub fn new(pattern: &str) -> Result<Self, Box<BuildError>> {
        let config = meta::Config::new()
            .hybrid(false)
            .dfa(false)
            .onepass(false)
            .auto_prefilter(false)
            .nfa_size_limit(Some(PATTERN_SIZE_LIMIT));
        let regex = meta::Builder::new()
            .syntax(syntax::Config::new().case_insensitive(true))
            .configure(config)
            .build(pattern)
            .map_err(Box::new)?;
        Ok(Self { regex })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// The leftmost-first match, as a byte range of `text`.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.regex.find(text).map(|m| m.range())
    }

    /// Every match, left to right, as byte ranges of `text`.
    pub fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
        self.regex.find_iter(Input::new(text)).map(|m| m.range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_light_pattern_matches_as_the_regex_crate_does() {
        let texts = [
            "I didn’t tell the café’s owner; we shipped it late, by 3 weeks.",
            "NAÏVE: We Shipped. i shipped? Shipping shipped",
            "",
        ];
        for source in [
            r"\bwe\s+shipped\b",
            r"\bi\b[^.;]{0,30}\bshipped\b",
            r"\b\w+ed\b",
            r"caf\w",
        ] {
            let light = Pattern::new(source).unwrap();
            let full = regex::RegexBuilder::new(source)
                .case_insensitive(true)
                .build()
                .unwrap();
            for text in texts {
                let expected: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(light.find_iter(text).collect::<Vec<_>>(), expected);
                assert_eq!(light.find(text), expected.first().cloned());
                assert_eq!(light.is_match(text), !expected.is_empty());
            }
        }
        assert!(Pattern::new("(unclosed").is_err());
    }
}

//! Negation: "I didn't blame the team" and "not because the requirements changed" deny the
//! words that follow, so those words are not the teller's claim.

use std::sync::LazyLock;

use regex::Regex;

/// How many words before a phrase a negation may stand and still deny it.
const WINDOW: usize = 4;

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}'_-]*").expect("valid"));

/// Whether the phrase starting at byte `at` of `sentence` is denied by a negation in the same
/// clause, at most a few words before it ("didn't", "not", "never", "no longer", "rather
/// than", "instead of", "without").
pub fn is_negated(sentence: &str, at: usize) -> bool {
    let at = at.min(sentence.len());
    let before = &sentence[..at];
    // The clause: back to the last punctuation that separates clauses.
    let clause_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | '—' | '–' | '(' | ')'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let clause = &before[clause_start..];
    let mut words: Vec<String> = WORD
        .find_iter(clause)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    // A connective starts a new clause: in "it wasn't our fault since the scope kept
    // changing", the negation stays with "our fault".
    let phrase_word = WORD
        .find(&sentence[at..])
        .map(|m| m.as_str().to_lowercase());
    if let Some(start) = (0..words.len()).rev().find(|&i| {
        let next = words.get(i + 1).or(phrase_word.as_ref());
        starts_clause(&words[i], next.map(String::as_str))
    }) {
        // "not because the scope changed" denies the whole clause the connective opens.
        if start > 0 && is_negator(&words[start - 1], Some(&words[start])) {
            return true;
        }
        words.drain(..start);
    }
    let window = &words[words.len().saturating_sub(WINDOW)..];
    window.iter().enumerate().any(|(i, word)| {
        let next = window.get(i + 1).map(String::as_str);
        is_negator(word, next)
    })
}

/// Whether `word` (followed by `next`) opens a clause of its own.
fn starts_clause(word: &str, next: Option<&str>) -> bool {
    match word {
        "because" | "since" | "which" | "who" | "so" | "but" | "although" | "though" | "while"
        | "whereas" | "when" | "until" | "unless" | "yet" => true,
        // "and" joins clauses when a new subject follows it.
        "and" | "or" => matches!(
            next,
            Some(
                "i" | "we" | "he" | "she" | "they" | "it" | "the" | "my" | "our" | "this" | "that"
            )
        ),
        _ => false,
    }
}

fn is_negator(word: &str, next: Option<&str>) -> bool {
    if word.ends_with("n't") {
        return true;
    }
    match word {
        "not" | "never" | "no" | "without" | "hardly" | "nor" | "neither" => true,
        "rather" => next == Some("than"),
        "instead" => next == Some("of"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negated(sentence: &str, phrase: &str) -> bool {
        is_negated(sentence, sentence.find(phrase).unwrap())
    }

    #[test]
    fn negation_denies_what_follows_in_its_clause() {
        assert!(negated("I didn't blame the vendor.", "blame"));
        assert!(negated(
            "It slipped, not because the requirements changed.",
            "because"
        ));
        assert!(negated("I never said it was bad luck.", "bad luck"));
        assert!(negated(
            "I treated it as copy rather than policy.",
            "policy"
        ));
        assert!(!negated(
            "I didn't check, and the requirements changed.",
            "the requirements"
        ));
        assert!(!negated("The team didn't deliver.", "The team"));
        assert!(!negated("Nothing worked, so it was bad luck.", "bad luck"));
        // A multi-byte separator ends the clause without splitting a character.
        assert!(!negated(
            "I did not plan – the vendor was late.",
            "the vendor"
        ));
        assert!(!negated(
            "I did not plan — the vendor was late.",
            "the vendor"
        ));
        // A connective opens a clause the negation does not reach.
        assert!(!negated(
            "It was not our fault since the scope kept changing.",
            "the scope"
        ));
        assert!(!negated(
            "We never hired and the team was slow.",
            "the team"
        ));
        assert!(negated("I did not think the plan was risky.", "the plan"));
    }
}

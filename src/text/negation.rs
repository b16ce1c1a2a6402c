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
        .rfind([',', ';', ':', '.', '!', '?', '—', '–', '(', ')'])
        .map_or(0, |i| i + 1);
    let clause = &before[clause_start..];
    let words: Vec<String> = WORD
        .find_iter(clause)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    let window = &words[words.len().saturating_sub(WINDOW)..];
    window.iter().enumerate().any(|(i, word)| {
        let next = window.get(i + 1).map(String::as_str);
        is_negator(word, next)
    })
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
    }
}

//! Acts: whether a sentence tells the teller doing something, as a reader tells an Action
//! from context ("I called the client") and from a state ("I was tired", "I have tried").

use std::sync::LazyLock;

use regex::Regex;

/// A verb of doing after "I" or "we": "I called", "we rebuilt", "I quickly wrote".
static FIRST_PERSON_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i|we)\b(?: (?:\w+ly|then|also|finally|first|later|eventually|even|both|all))* ([a-z]+)\b")
        .expect("valid")
});
static STATE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    crate::theme::compile_pattern(&crate::theme::expand_classes("^{state-verb}$")).expect("valid")
});
static IRREGULAR_PAST: LazyLock<Regex> = LazyLock::new(|| {
    crate::theme::compile_pattern(&crate::theme::expand_classes("^{irregular-past}$"))
        .expect("valid")
});

/// A verb the teller went on to do: "I managed to rebook", "I was eager and promised".
static LATER_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:was|were) able to|managed to|tried to|decided to|chose to|started to|began to|went on to|offered to|agreed to|volunteered to) (?:then |also |quickly |finally )?([a-z]+)\b")
        .expect("valid")
});
static AND_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\band (?:then |also |quickly |finally )?([a-z]+)\b").expect("valid")
});
static FIRST_PERSON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:i|we)\b").expect("valid"));

static HABITUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(have|has|will|would|can|could|should|always|usually|often|generally)\b")
        .expect("valid")
});

fn is_past_act(verb: &str) -> bool {
    !STATE_VERB.is_match(verb)
        && (IRREGULAR_PAST.is_match(verb) || (verb.len() > 3 && verb.ends_with("ed")))
}

/// Whether `sentence` tells the teller doing something, in the past: "I called the client",
/// "we rebuilt the rota", "I managed to rebook"; not "I was", "I thought", "I have tried".
pub fn tells_an_act(sentence: &str) -> bool {
    FIRST_PERSON_VERB
        .captures_iter(sentence)
        .any(|caps| is_past_act(&caps[1].to_ascii_lowercase()))
        || LATER_VERB.captures_iter(sentence).any(|caps| {
            // After "managed to", "was able to": any verb of doing.
            teller_before(sentence, caps.get(0).map_or(0, |m| m.start()))
                && !STATE_VERB.is_match(&caps[1].to_ascii_lowercase())
        })
        || AND_VERB.captures_iter(sentence).any(|caps| {
            // After "and", a verb in the past: "I was eager and promised".
            teller_before(sentence, caps.get(0).map_or(0, |m| m.start()))
                && is_past_act(&caps[1].to_ascii_lowercase())
        })
}

/// Whether "I" or "we" stands earlier in the clause before byte `at`, with no "have",
/// "would" or "always" after it ("I have tried to" is a habit or a wish, not an act).
fn teller_before(sentence: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(60);
    while !sentence.is_char_boundary(from) {
        from += 1;
    }
    let before = &sentence[from..at];
    let before = &before[before.rfind([';', ':']).map_or(0, |i| i + 1)..];
    FIRST_PERSON
        .find_iter(before)
        .last()
        .is_some_and(|subject| !HABITUAL.is_match(&before[subject.end()..]))
}

#[cfg(test)]
mod tests {
    use super::tells_an_act;

    #[test]
    fn an_act_is_the_teller_doing_something() {
        for act in [
            "I called the client that afternoon.",
            "We rebuilt the rota.",
            "I quickly wrote to every parent.",
            "I felt unsure of the numbers and was able to win back two accounts.",
            "I was tired and forgot the trays.",
            "Then I ran the numbers again.",
        ] {
            assert!(tells_an_act(act), "{act}");
        }
        for state in [
            "I was tired.",
            "I thought the plan was fine.",
            "I have tried to avoid mistakes.",
            "We would try to plan ahead.",
            "The client called me.",
            "I had no budget.",
        ] {
            assert!(!tells_an_act(state), "{state}");
        }
    }
}

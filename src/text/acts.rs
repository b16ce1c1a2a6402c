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
static FIRST_PERSON_LATER_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i|we)\b([^.;]{0,60}?)\b(?:(?:was|were) able to|managed to|tried to|decided to|chose to|started to|began to|went on to|offered to|agreed to|volunteered to|(and)) (?:then |also |quickly |finally )?([a-z]+)\b")
        .expect("valid")
});

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
        || FIRST_PERSON_LATER_VERB.captures_iter(sentence).any(|caps| {
            // "I have tried to", "we would try to": a habit or a wish, not an act.
            if HABITUAL.is_match(&caps[1]) {
                return false;
            }
            let verb = caps[3].to_ascii_lowercase();
            // After "and" the verb must be in the past; after "managed to" any verb of doing.
            if caps.get(2).is_some() {
                is_past_act(&verb)
            } else {
                !STATE_VERB.is_match(&verb)
            }
        })
}

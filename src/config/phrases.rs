//! The `[phrases]` of a configuration: checked (known keys, patterns that compile, a bounded
//! total size) and compiled into each theme's lexicon.

use std::collections::{BTreeMap, HashMap};

use super::ids::unknown_rule;
use crate::rules::Lexicon;
use crate::theme::{self, PhraseSet};

/// Checks `[phrases]` (`extra`): every key a theme's list or a rule id of `known_ids`, every
/// pattern compiling, and all of them within [`PHRASES_SIZE_LIMIT`]. An error names its key.
pub(super) fn check(
    extra: &BTreeMap<String, Vec<String>>,
    known_ids: &[&str],
) -> Result<(), (String, String)> {
    let phrase_keys: Vec<&str> = theme::builtin()
        .iter()
        .flat_map(|t| t.phrases.keys().map(String::as_str))
        .chain(known_ids.iter().copied())
        .collect();
    let mut total_size = 0;
    for (key, patterns) in extra {
        if !phrase_keys.contains(&key.as_str()) {
            return Err((key.clone(), unknown_rule(key, known_ids)));
        }
        for pattern in patterns {
            theme::compile_pattern(pattern).map_err(|err| {
                (
                    key.clone(),
                    format!("pattern `{pattern}` in [phrases] {key} does not compile: {err}"),
                )
            })?;
            total_size += compiled_size(pattern);
            if total_size > PHRASES_SIZE_LIMIT {
                return Err((
                    key.clone(),
                    format!(
                        "the patterns in [phrases] are too large together: up to `{pattern}` \
                         in {key} they compile past {} MB, the limit; shorten or remove some",
                        PHRASES_SIZE_LIMIT >> 20
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The compiled phrase lists of every built-in theme, with `extra` (`[phrases]`) added to
/// each, by theme name.
pub(super) fn lexicons(
    extra: &BTreeMap<String, Vec<String>>,
) -> Result<HashMap<String, Lexicon>, (String, String)> {
    let mut lexicons = HashMap::new();
    // Every theme reads the default theme's phrase lists (the ownership rules of `star`
    // need them), with its own lists on top.
    let shared = theme::find(theme::DEFAULT_THEME)
        .map(|t| t.phrases.clone())
        .unwrap_or_default();
    for theme in theme::builtin() {
        let mut lists = shared.clone();
        lists.extend(theme.phrases.clone());
        for (key, patterns) in extra {
            lists
                .entry(key.clone())
                .or_default()
                .extend(patterns.iter().cloned());
        }
        let sets = lists
            .into_iter()
            .map(|(key, patterns)| {
                // The built-in lists compile when first read (a test compiles them all); a list
                // the user added to is compiled now, so its error shows at once.
                let set = if extra.contains_key(&key) {
                    PhraseSet::checked(&patterns).map_err(|err| {
                        let message = format!("[phrases] {key} does not compile: {err}");
                        (key.clone(), message)
                    })?
                } else {
                    PhraseSet::new(&patterns)
                };
                Ok((key, set))
            })
            .collect::<Result<HashMap<_, _>, (String, String)>>()?;
        lexicons.insert(theme.name.clone(), Lexicon::new(sets));
    }
    Ok(lexicons)
}

/// The most memory the patterns of `[phrases]` may take compiled, all together. Each is
/// compiled again in the list of every theme that reads it, and matching builds caches on
/// top: a process takes about 7 times this at most (500 patterns `\w{20}`, 170 MB here, took
/// 1.2 GB before this bound). A plain phrase takes about 1 KB.
const PHRASES_SIZE_LIMIT: usize = 16 << 20;

/// The memory `pattern` takes compiled (its Thompson NFA, as the regex crate builds it), or
/// the limit when it is larger than that.
fn compiled_size(pattern: &str) -> usize {
    use regex_automata::nfa::thompson;
    thompson::Compiler::new()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .configure(thompson::Config::new().nfa_size_limit(Some(PHRASES_SIZE_LIMIT)))
        .build(pattern)
        .map_or(PHRASES_SIZE_LIMIT + 1, |nfa| nfa.memory_usage())
}

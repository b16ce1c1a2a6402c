//! Word classes: broad sets of words a reader groups together (people other than the teller,
//! circumstances, habits), which patterns name as `{class}`. Read from `themes/words.toml`.
//!
//! Shared with `build.rs` (which reads the built-in patterns' screen words at build time), so it
//! names nothing else of the crate.

use std::collections::BTreeMap;

/// Each class of `words_toml` (the text of `themes/words.toml`) as one alternation, the classes
/// it names written out.
pub fn read_classes(words_toml: &str) -> BTreeMap<String, String> {
    let table: toml::Table = words_toml.parse().expect("themes/words.toml is valid");
    let mut raw: BTreeMap<String, String> = table
        .get("classes")
        .and_then(toml::Value::as_table)
        .map(|classes| {
            classes
                .iter()
                .map(|(name, words)| {
                    let words: Vec<&str> = words
                        .as_array()
                        .map(|w| w.iter().filter_map(toml::Value::as_str).collect())
                        .unwrap_or_default();
                    (name.clone(), format!("(?:{})", words.join("|")))
                })
                .collect()
        })
        .unwrap_or_default();
    // A class may name classes defined before it (in name order) or after it: expand until
    // nothing changes, a few rounds at most.
    for _ in 0..4 {
        let snapshot = raw.clone();
        for value in raw.values_mut() {
            *value = expand_with(value, &snapshot);
        }
    }
    raw
}

/// `pattern` with every `{class}` of `classes` written out as its alternatives.
pub fn expand_with(pattern: &str, classes: &BTreeMap<String, String>) -> String {
    if !pattern.contains('{') {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match classes.get(name) {
            Some(words) if after[name_len..].starts_with('}') && !name.is_empty() => {
                out.push_str(words);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

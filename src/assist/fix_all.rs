//! Fix-all: the text with every fix applied, and the one edit that turns the old text into it.

use crate::config::Config;
use crate::document::TextEdit;

/// The text with every fix applied (see [`crate::analysis::fix_all`]).
pub fn fix_all(text: &str, config: &Config) -> String {
    crate::analysis::fix_all(text, config).0
}

/// The smallest single edit turning `old` into `new`.
pub fn diff_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(TextEdit::replace(
        prefix..old.len() - suffix,
        &new[prefix..new.len() - suffix],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_edit_is_minimal() {
        let edit = diff_edit("abcdef", "abXYef").unwrap();
        assert_eq!(edit, TextEdit::replace(2..4, "XY"));
        assert_eq!(diff_edit("a😀b", "a😃b").unwrap().range, 1..5);
    }
}

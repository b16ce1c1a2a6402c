//! Edits of `starling.toml` that the editor offers: turning a rule off for the workspace.
//!
//! The file is edited with a format-preserving TOML editor, so that however it writes its
//! rules (a `[rules]` table, an inline table, dotted or quoted keys) the result is valid TOML
//! and the rest of the file keeps its comments and layout.

use toml_edit::{DocumentMut, Item, Table, Value};

use super::diff_edit;
use crate::document::TextEdit;

/// An edit of `starling.toml` text (`None` when the file does not exist yet) that sets
/// `rule = "off"` among its rules, adding the `[rules]` table if needed. `None` when the text
/// is not valid TOML, when `rules` is not a table, or when the rule is already off.
pub fn config_rule_off(source: Option<&str>, rule: &str) -> Option<TextEdit> {
    let text = source.unwrap_or("");
    let mut doc: DocumentMut = text.parse().ok()?;
    match doc.get_mut("rules") {
        None => {
            let mut table = Table::new();
            table.insert(rule, toml_edit::value("off"));
            if !text.trim().is_empty() {
                // A blank line between the new table and what comes before.
                table.decor_mut().set_prefix("\n");
            }
            doc.insert("rules", Item::Table(table));
        }
        Some(Item::Table(table)) => match table.get_mut(rule) {
            Some(Item::Value(value)) => set_off(value),
            _ => {
                table.insert(rule, toml_edit::value("off"));
                // The new setting goes first, where a reader of the table sees it.
                table.sort_values_by(|a, _, b, _| (a.get() != rule).cmp(&(b.get() != rule)));
            }
        },
        Some(Item::Value(Value::InlineTable(table))) => match table.get_mut(rule) {
            Some(value) => set_off(value),
            None => {
                table.insert(rule, Value::from("off"));
            }
        },
        Some(_) => return None,
    }
    // The whole new text takes the file's line ends before the two are compared, so that the
    // edit never splits a CRLF.
    let mut new = doc.to_string();
    if text.contains("\r\n") {
        new = crlf(&new);
    }
    diff_edit(text, &new)
}

/// Sets `value` to "off", keeping the spaces and comments around it.
fn set_off(value: &mut Value) {
    let decor = value.decor().clone();
    *value = Value::from("off");
    *value.decor_mut() = decor;
}

/// `text` with every lone line feed written as CRLF, for a file that uses CRLF.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawConfig;
    use crate::document::apply_edits;

    /// `source` with `rule` turned off, checked to be valid starling configuration.
    fn off(source: &str, rule: &str) -> String {
        let edit = config_rule_off(Some(source), rule).expect("an edit");
        let text = apply_edits(source, &[edit]);
        let raw = RawConfig::parse(&text, "starling.toml").expect("valid TOML");
        crate::Config::from_raw(raw, None, Some(&text)).expect("valid configuration");
        text
    }

    #[test]
    fn a_new_file_gets_a_rules_table() {
        let new = config_rule_off(None, "no-metric").expect("an edit");
        assert_eq!(apply_edits("", &[new]), "[rules]\nno-metric = \"off\"\n");
        assert_eq!(
            off("theme = \"star\"", "no-cost"),
            "theme = \"star\"\n\n[rules]\nno-cost = \"off\"\n"
        );
    }

    #[test]
    fn a_rules_table_gets_the_rule_added_or_replaced() {
        let source = "theme = \"star\"\n[rules]\nno-cost = \"error\" # loud\n\n[speaking]\nwords-per-minute = 140\n";
        assert_eq!(
            off(source, "no-metric"),
            "theme = \"star\"\n[rules]\nno-metric = \"off\"\nno-cost = \"error\" # loud\n\n[speaking]\nwords-per-minute = 140\n"
        );
        assert_eq!(
            off(source, "no-cost"),
            "theme = \"star\"\n[rules]\nno-cost = \"off\" # loud\n\n[speaking]\nwords-per-minute = 140\n"
        );
    }

    #[test]
    fn inline_tables_dotted_keys_and_quoted_keys_stay_valid() {
        let inline = off("rules = { no-cost = \"warning\" }\n", "no-metric");
        assert!(
            inline.starts_with("rules = { no-cost = \"warning\""),
            "{inline}"
        );
        assert!(inline.ends_with(", no-metric = \"off\" }\n"), "{inline}");
        assert_eq!(
            off("rules = { no-cost = \"warning\" }\n", "no-cost"),
            "rules = { no-cost = \"off\" }\n"
        );
        let dotted = off("rules.no-cost = \"warning\"\n", "no-metric");
        assert!(dotted.contains("rules.no-cost = \"warning\"\n"), "{dotted}");
        assert!(dotted.contains("rules.no-metric = \"off\""), "{dotted}");
        assert_eq!(
            off("[rules]\n'no-metric' = \"warning\"\n", "no-metric"),
            "[rules]\n'no-metric' = \"off\"\n"
        );
        assert_eq!(
            off("[rules]\r\nno-cost = \"warning\"\r\n", "no-metric"),
            "[rules]\r\nno-metric = \"off\"\r\nno-cost = \"warning\"\r\n"
        );
    }

    #[test]
    fn invalid_toml_and_a_rule_already_off_get_no_edit() {
        assert_eq!(config_rule_off(Some("rules = [\n"), "no-cost"), None);
        assert_eq!(config_rule_off(Some("rules = 3\n"), "no-cost"), None);
        assert_eq!(
            config_rule_off(Some("[rules]\nno-cost = \"off\"\n"), "no-cost"),
            None
        );
    }
}

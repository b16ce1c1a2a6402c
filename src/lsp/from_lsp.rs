//! Conversions from LSP types to the engine's: positions, ranges, paths and settings.

use std::path::PathBuf;

use tower_lsp_server::ls_types::{self as lsp, ClientCapabilities, PositionEncodingKind, Uri};

use super::lines::Lines;
use crate::config::RawConfig;
use crate::document::{Position, PositionEncoding, Span};

/// The encoding to use: UTF-8 when the client offers it, else UTF-16 (which every client must
/// support).
pub fn encoding(capabilities: &ClientCapabilities) -> PositionEncoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub fn position(position: lsp::Position) -> Position {
    Position::new(position.line, position.character)
}

pub fn span(range: lsp::Range) -> Span {
    Span::new(position(range.start), position(range.end))
}

/// The byte offset of the client's `position` in `doc`, `None` past the last line.
pub fn offset(doc: &Lines, at: lsp::Position, encoding: PositionEncoding) -> Option<usize> {
    if at.line as usize >= doc.rope().len_lines() {
        return None;
    }
    Some(doc.byte(position(at), encoding))
}

/// The bytes `range` covers in `doc`, with positions past the last line at the end of the
/// text, and a range given backwards put right.
pub fn byte_range(
    doc: &Lines,
    range: lsp::Range,
    encoding: PositionEncoding,
) -> std::ops::Range<usize> {
    let offset = |at: lsp::Position| offset(doc, at, encoding).unwrap_or(doc.rope().len_bytes());
    let (start, end) = (offset(range.start), offset(range.end));
    start.min(end)..start.max(end)
}

/// The file a URI names, if it is a `file:` URI.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

/// Editor settings (`initializationOptions`, or the `starling` section of the settings) as a
/// configuration layer. `null` is an empty layer.
pub fn raw_config(value: &serde_json::Value) -> Result<RawConfig, String> {
    if value.is_null() {
        return Ok(RawConfig::default());
    }
    // Editors often send every setting, unset ones as null: drop those.
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::from_value(value).map_err(|err| format!("invalid editor settings: {err}"))
}

/// `Ok` when the editor settings `layer` make a valid configuration on their own, else the
/// message to show, which names the editor settings rather than any `starling.toml`.
pub fn valid_editor_layer(layer: RawConfig) -> Result<(), String> {
    crate::Config::from_raw(layer, None, None)
        .map(|_| ())
        .map_err(|err| format!("invalid editor settings: {}", err.message()))
}

/// The `starling` section of `workspace/didChangeConfiguration` settings, or the settings
/// themselves when they are not wrapped.
pub fn settings_section(settings: &serde_json::Value) -> Option<&serde_json::Value> {
    match settings.get("starling") {
        Some(section) => Some(section),
        None if settings.is_object()
            && settings.as_object().is_some_and(|m| {
                !m.is_empty() && m.keys().all(|k| KNOWN_KEYS.contains(&k.as_str()))
            }) =>
        {
            Some(settings)
        }
        None => None,
    }
}

const KNOWN_KEYS: &[&str] = &[
    "theme",
    "include",
    "exclude",
    "rules",
    "phrases",
    "speaking",
    "lsp",
    "max-file-size",
];

//! Conversions from engine types to LSP types: findings to diagnostics, byte ranges to
//! positions in the negotiated encoding, edits, symbols and completion items.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{LazyLock, Mutex};

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, CompletionItem, CompletionItemKind, CompletionTextEdit,
    Diagnostic, DiagnosticSeverity, DocumentSymbol, NumberOrString, PositionEncodingKind,
    SymbolKind, Uri,
};

use crate::assist::{Candidate, CandidateKind, StoryCard};
use crate::config::ConfigError;
use ropey::Rope;

use super::lines::Lines;
use crate::document::{position_to_byte, PositionEncoding, TextEdit};
use crate::rules::{self, Finding, Severity};

/// `textDocument/publishDiagnostics` under a URI kept as the client wrote it, even where it
/// is not a valid URI (a raw `é`): the client matches it to its document by the letter.
pub enum PublishUnderOriginal {}

impl lsp::notification::Notification for PublishUnderOriginal {
    type Params = OriginalPublish;
    const METHOD: &'static str = "textDocument/publishDiagnostics";
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct OriginalPublish {
    pub uri: String,
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// The name diagnostics carry as their source.
pub const SOURCE: &str = "starling";

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

pub fn position(doc: &Lines, byte: usize, encoding: PositionEncoding) -> lsp::Position {
    let position = doc.position(byte, encoding);
    lsp::Position::new(position.line, position.character)
}

pub fn range(doc: &Lines, range: &Range<usize>, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range::new(
        position(doc, range.start, encoding),
        position(doc, range.end, encoding),
    )
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The link to a rule's page, parsed once per rule.
fn rule_link(rule: &'static str) -> Option<Uri> {
    static LINKS: LazyLock<Mutex<HashMap<&'static str, Option<Uri>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let mut links = LINKS.lock().unwrap_or_else(|e| e.into_inner());
    links
        .entry(rule)
        .or_insert_with(|| rules::doc_url(rule).parse::<Uri>().ok())
        .clone()
}

/// A finding as a diagnostic: the rule id as its code, with a link to the rule's page.
pub fn diagnostic(doc: &Lines, finding: &Finding, encoding: PositionEncoding) -> Diagnostic {
    Diagnostic {
        range: range(doc, &finding.range, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: rule_link(finding.rule).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}

/// The note on a document too large to check on every keystroke.
pub fn large_file_diagnostic(len: usize, limit: u64) -> Diagnostic {
    Diagnostic {
        range: lsp::Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String("large-file".into())),
        source: Some(SOURCE.to_string()),
        message: format!(
            "This file is {} bytes, over lsp.max-file-size ({limit} bytes): starling checks it in the background, so its diagnostics may lag behind your typing",
            len
        ),
        ..Diagnostic::default()
    }
}

/// A configuration error as a diagnostic on the configuration file, at the error's line and
/// column (counted in characters) converted to `encoding`.
pub fn config_diagnostic(
    error: &ConfigError,
    source: &str,
    encoding: PositionEncoding,
) -> Diagnostic {
    let (line, column) = error.location().unwrap_or((0, 0));
    let doc = Rope::from_str(source);
    let line_start = position_to_byte(
        &doc,
        crate::document::Position::new(line as u32, 0),
        encoding,
    );
    let line_text = source[line_start.min(source.len())..]
        .split('\n')
        .next()
        .unwrap_or("");
    let column_bytes = line_text
        .char_indices()
        .nth(column)
        .map_or(line_text.trim_end_matches('\r').len(), |(b, _)| b);
    let start = line_start + column_bytes;
    let end = line_start + line_text.trim_end_matches('\r').len();
    Diagnostic {
        range: range(&Lines::plain(&doc), &(start..end.max(start)), encoding),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("invalid-config".into())),
        source: Some(SOURCE.to_string()),
        message: format!(
            "{}; starling keeps using the last valid configuration",
            error.message()
        ),
        ..Diagnostic::default()
    }
}

pub fn text_edit(doc: &Lines, edit: &TextEdit, encoding: PositionEncoding) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(doc, &edit.range, encoding),
        new_text: edit.text.clone(),
    }
}

/// A story and its parts as a symbol tree.
#[allow(deprecated)]
pub fn story_symbol(doc: &Lines, card: &StoryCard, encoding: PositionEncoding) -> DocumentSymbol {
    let story_range = range(doc, &card.range, encoding);
    let selection = card.title.clone().unwrap_or_else(|| card.anchor.clone());
    let children = card
        .parts
        .iter()
        .map(|part| {
            let part_range = range(doc, &part.range, encoding);
            let selection = part
                .label
                .clone()
                .unwrap_or(part.range.start..part.range.start);
            DocumentSymbol {
                name: part.kind.name().to_string(),
                detail: Some(format!(
                    "{} words{}",
                    part.words,
                    if part.label.is_none() {
                        ", inferred"
                    } else {
                        ""
                    }
                )),
                kind: SymbolKind::FIELD,
                tags: None,
                deprecated: None,
                range: part_range,
                selection_range: contained(range(doc, &selection, encoding), part_range),
                children: None,
            }
        })
        .collect();
    DocumentSymbol {
        name: card.name.clone(),
        detail: Some(card.lens_title()),
        kind: SymbolKind::CLASS,
        tags: None,
        deprecated: None,
        range: story_range,
        selection_range: contained(range(doc, &selection, encoding), story_range),
        children: Some(children),
    }
}

/// `inner`, or `outer`'s start when `inner` is not inside `outer` (as LSP requires of a
/// symbol's selection range).
fn contained(inner: lsp::Range, outer: lsp::Range) -> lsp::Range {
    if outer.start <= inner.start && inner.end <= outer.end {
        inner
    } else {
        lsp::Range::new(outer.start, outer.start)
    }
}

pub fn completion_item(
    doc: &Lines,
    candidate: &Candidate,
    index: usize,
    encoding: PositionEncoding,
) -> CompletionItem {
    CompletionItem {
        label: candidate.label.clone(),
        kind: Some(match candidate.kind {
            CandidateKind::PartLabel => CompletionItemKind::STRUCT,
            CandidateKind::Key => CompletionItemKind::PROPERTY,
            CandidateKind::Value => CompletionItemKind::VALUE,
        }),
        detail: Some(candidate.detail.clone()),
        sort_text: Some(format!("{index:03}")),
        filter_text: Some(candidate.filter.clone()),
        text_edit: Some(CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(doc, &candidate.range, encoding),
            new_text: candidate.text.clone(),
        })),
        ..CompletionItem::default()
    }
}

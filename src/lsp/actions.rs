//! Code actions: each finding's quick fix and the ways to silence it, fix-all, labelling an
//! inferred story, and a new story. Every edit is computed against the snapshot's version and
//! carries it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    ResourceOp, TextDocumentEdit, Uri, WorkspaceEdit,
};

use super::lines::Lines;
use super::session::{ClientFlags, Snapshot};
use super::to_lsp;
use crate::assist;
use ropey::Rope;

use crate::document::{PositionEncoding, TextEdit};

/// The kind of the fix-all source action.
pub const FIX_ALL: &str = "source.fixAll.starling";
/// The kind of the "New story" action.
pub const NEW_STORY: &str = "refactor.starling.newStory";
/// The title of the fix-all source action.
pub const FIX_ALL_TITLE: &str = "Fix all starling problems";
/// The title of the action labelling a story told in plain paragraphs.
pub const LABEL_PARTS: &str = "Label STAR parts";

/// The `starling.toml` a workspace-wide silence goes to.
pub struct ConfigTarget {
    pub uri: Uri,
    /// Its text (after any byte order mark), `None` when it does not exist yet.
    pub source: Option<String>,
    /// Whether its text starts with a byte order mark, which positions count.
    pub bom: bool,
    /// Its version when it is open in the editor.
    pub version: Option<i32>,
}

/// What the code-action request asks about.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub range: Range<usize>,
    pub only: Option<&'a [CodeActionKind]>,
    pub encoding: PositionEncoding,
    pub flags: &'a ClientFlags,
    pub config_target: Option<ConfigTarget>,
}

pub fn code_actions(snapshot: &Snapshot, request: &Request<'_>) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        request.only.is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str()
                    || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    let doc = &snapshot.lines();
    let text = &*snapshot.text();
    let encoding = request.encoding;
    let edit = |edits: Vec<TextEdit>| {
        document_edit(
            request.uri,
            Some(snapshot.version),
            edits
                .iter()
                .map(|e| to_lsp::text_edit(doc, e, encoding))
                .collect(),
            request.flags,
        )
    };

    if snapshot.is_story {
        let range = &request.range;
        let touching = snapshot
            .findings()
            .iter()
            .filter(|finding| finding.range.start <= range.end && range.start <= finding.range.end);
        for finding in touching {
            let diagnostic = to_lsp::diagnostic(doc, finding, encoding);
            let rule = finding.rule;
            let mut quickfix = |title: String, workspace_edit: WorkspaceEdit, preferred: bool| {
                if wanted(&CodeActionKind::QUICKFIX) {
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(workspace_edit),
                        is_preferred: preferred.then_some(true),
                        ..CodeAction::default()
                    }));
                }
            };
            if let Some(fix) = &finding.fix {
                quickfix(fix.title.clone(), edit(fix.edits.clone()), true);
            }
            quickfix(
                format!("Disable {rule} for this line"),
                edit(vec![assist::disable_next_line(text, &finding.range, rule)]),
                false,
            );
            let story = finding
                .story
                .and_then(|i| snapshot.outline().stories.get(i));
            if let Some(story_edit) = story.and_then(|s| assist::disable_in_story(text, s, rule)) {
                quickfix(
                    format!("Disable {rule} for this story"),
                    edit(vec![story_edit]),
                    false,
                );
            }
            if let Some(target) = &request.config_target {
                if let Some(workspace_edit) = config_edit(target, rule, request) {
                    quickfix(
                        format!("Disable {rule} in this workspace (starling.toml)"),
                        workspace_edit,
                        false,
                    );
                }
            }
        }

        // Label the parts of a story told in plain paragraphs.
        let label_kind = CodeActionKind::REFACTOR_REWRITE;
        if wanted(&label_kind) {
            if let Some(index) = assist::story_at(snapshot.outline(), range.start) {
                let fix = snapshot
                    .findings()
                    .iter()
                    .find(|f| f.rule == "unlabeled-parts" && f.story == Some(index))
                    .and_then(|f| f.fix.as_ref());
                if let Some(fix) = fix {
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: LABEL_PARTS.to_string(),
                        kind: Some(label_kind),
                        edit: Some(edit(fix.edits.clone())),
                        ..CodeAction::default()
                    }));
                }
            }
        }

        // Fix-all costs a check of the whole file per round of fixes: it is only offered
        // where it can be left for `codeAction/resolve`, or when asked for by kind, in which
        // case the handler resolves it before answering.
        let fix_all_kind = CodeActionKind::new(FIX_ALL);
        let fixable = snapshot.findings().iter().any(|f| f.fix.is_some());
        let lazy_or_asked = request.flags.resolve_edits || request.only.is_some();
        if fixable && lazy_or_asked && wanted(&fix_all_kind) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: FIX_ALL_TITLE.to_string(),
                kind: Some(fix_all_kind),
                data: Some(serde_json::json!({
                    "fixAll": request.uri.as_str(),
                    "version": snapshot.version,
                })),
                ..CodeAction::default()
            }));
        }
    }

    let new_story_kind = CodeActionKind::new(NEW_STORY);
    if wanted(&new_story_kind) {
        let new = assist::new_story(text, snapshot.outline(), &snapshot.config);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "New story".to_string(),
            kind: Some(new_story_kind),
            edit: Some(edit(vec![new])),
            ..CodeAction::default()
        }));
    }
    out
}

/// The document a fix-all action left for `codeAction/resolve` fixes, from its `data`.
pub fn fix_all_target(action: &CodeAction) -> Option<Uri> {
    let data = action.data.as_ref()?;
    data.get("fixAll")?.as_str()?.parse().ok()
}

/// The edit of a fix-all action: every fix applied, as `starling check --fix` does. `None`
/// when nothing changes, and when `cancelled` is set before the work is done. Costs a check
/// of the whole file per round of fixes; `cancelled` is read before each.
pub fn fix_all_edit(
    snapshot: &Snapshot,
    uri: &Uri,
    encoding: PositionEncoding,
    flags: &ClientFlags,
    cancelled: &AtomicBool,
) -> Option<WorkspaceEdit> {
    let text = &*snapshot.text();
    let stop = || cancelled.load(Ordering::SeqCst);
    let (fixed, _) = crate::analysis::fix_all_unless(text, &snapshot.config, &stop)?;
    let diff = assist::diff_edit(text, &fixed)?;
    let doc = &snapshot.lines();
    Some(document_edit(
        uri,
        Some(snapshot.version),
        vec![to_lsp::text_edit(doc, &diff, encoding)],
        flags,
    ))
}

/// An edit setting `rule` to "off" in the workspace's `starling.toml`, creating the file if
/// needed. `None` when the client cannot create files and the file does not exist.
fn config_edit(target: &ConfigTarget, rule: &str, request: &Request<'_>) -> Option<WorkspaceEdit> {
    let edit = assist::config_rule_off(target.source.as_deref(), rule)?;
    let source = target.source.clone().unwrap_or_default();
    let doc = Rope::from_str(&source);
    let text_edit = to_lsp::text_edit(
        &Lines::new(std::borrow::Cow::Owned(doc), target.bom),
        &edit,
        request.encoding,
    );
    if target.source.is_some() {
        return Some(document_edit(
            &target.uri,
            target.version,
            vec![text_edit],
            request.flags,
        ));
    }
    if !(request.flags.document_changes && request.flags.create_files) {
        return None;
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: target.uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: target.uri.clone(),
                    version: None,
                },
                edits: vec![OneOf::Left(text_edit)],
            }),
        ])),
        ..WorkspaceEdit::default()
    })
}

/// Edits of one document: at `version` when it is open, unversioned when it is not.
fn document_edit(
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<tower_lsp_server::ls_types::TextEdit>,
    flags: &ClientFlags,
) -> WorkspaceEdit {
    if flags.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

/// The `starling.toml` a workspace-wide silence for `file` edits: the one that governs it,
/// else a new one at the root of its workspace folder.
pub fn config_path(
    snapshot: &Snapshot,
    file: Option<&std::path::Path>,
    folders: &[PathBuf],
) -> Option<PathBuf> {
    if let Some(path) = snapshot.config.path() {
        return Some(path.to_path_buf());
    }
    let folder = match file {
        Some(file) => folders
            .iter()
            .filter(|f| file.starts_with(f))
            .max_by_key(|f| f.as_os_str().len())
            .or(folders.first()),
        None => folders.first(),
    }?;
    Some(folder.join(crate::config::FILE_NAME))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use crate::config::Config;

    const WEAK: &str = "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped.\n";

    #[test]
    fn fix_all_stops_when_cancelled_and_otherwise_fixes_as_the_cli_does() {
        let text = [WEAK, WEAK, WEAK].join("\n");
        let config = Config::default();
        let (fixed, _) = crate::analysis::fix_all(&text, &config);
        assert_ne!(fixed, text);
        let never = || false;
        let (same, _) = crate::analysis::fix_all_unless(&text, &config, &never).expect("done");
        assert_eq!(same, fixed);

        // Cancelled before it starts, or after its first round: no answer, and no round after.
        for rounds_allowed in [0, 1] {
            let asked = Cell::new(0);
            let cancelled = || {
                asked.set(asked.get() + 1);
                asked.get() > rounds_allowed
            };
            assert!(crate::analysis::fix_all_unless(&text, &config, &cancelled).is_none());
            assert_eq!(asked.get(), rounds_allowed + 1);
        }
    }
}

//! Every story of `tests/corpus`, and of `../shared/real-stories` when that folder is there,
//! through the real language server: each document gets its diagnostics (the same as the
//! engine's), a hover on every title, code lenses, and code actions at every finding, with
//! no panic and the server still answering at the end.

mod support;

use std::path::{Path, PathBuf};

use serde_json::json;
use starling::Config;
use support::{client_view, engine_view, Client, ClientSetup, Encoding, TextDoc};

/// Findings about the bank as a whole, which the server computes over every open story.
const BANK_RULES: &[&str] = &["prompt-coverage", "competency-coverage"];

fn story_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = vec![root.join("tests/corpus")];
    let real = root.join("../shared/real-stories/stories");
    if real.is_dir() {
        dirs.push(real);
    }
    let mut out = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("story folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("story text");
            // Real stories name no theme: give them one, as their labels do.
            let text = if text.starts_with("---") {
                text
            } else {
                format!("---\ntheme: failure\n---\n\n{text}")
            };
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, text));
        }
    }
    out
}

#[test]
fn every_story_is_served_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("stories")).expect("stories dir");
    let mut client = Client::start(dir.path(), ClientSetup::default());
    let files = story_files();
    assert!(files.len() >= 60, "only {} stories found", files.len());
    for (name, text) in &files {
        let stem = name.trim_end_matches(".md").trim_end_matches(".story");
        let path = dir.path().join("stories").join(format!("{stem}.story.md"));
        let doc = TextDoc::new(&path, text);
        client.open(&doc);
        let diagnostics = client.diagnostics(&doc.uri, 1);
        // The bank's findings depend on the other open stories: compare the story's own.
        let own = |view: Vec<(String, String, u64, serde_json::Value)>| {
            view.into_iter()
                .filter(|(rule, ..)| !BANK_RULES.contains(&rule.as_str()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            own(client_view(&diagnostics)),
            own(engine_view(text, &Config::default(), Encoding::Utf16)),
            "{name}: the published diagnostics differ from the engine's"
        );
        let analysis = starling::analysis::check_text(text, &Config::default());
        for story in &analysis.outline.stories {
            if let Some(title) = &story.title {
                let hover = client.hover(&doc, title.content.start);
                assert!(
                    hover.contains("spoken"),
                    "{name}: hover on a title: {hover}"
                );
                assert!(hover.contains("Judged as a `"), "{name}: {hover}");
            }
        }
        let lenses = client.request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": doc.uri } }),
        );
        let titled = analysis
            .outline
            .stories
            .iter()
            .filter(|s| s.title.is_some())
            .count();
        assert!(
            lenses.as_array().is_some_and(|l| l.len() >= titled),
            "{name}: lenses {lenses}"
        );
        for finding in &analysis.findings {
            let actions = client.code_actions(&doc, finding.range.clone());
            if let Some(fix) = &finding.fix {
                assert!(
                    actions.iter().any(|a| a["title"] == fix.title.as_str()),
                    "{name}: no \"{}\" at {}: {actions:?}",
                    fix.title,
                    finding.rule
                );
            }
        }
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": doc.uri } }),
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

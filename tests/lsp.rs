//! Drives the real `starling lsp` binary over stdio, as an editor would: open, type, see
//! diagnostics, take code actions and apply their edits, hover, outline, lenses, completion,
//! configuration, the story bank.

#[path = "../benches/support/stories.rs"]
mod example_bank;
mod support;

use std::path::Path;

use serde_json::{json, Value};
use starling::Config;
use support::{
    action, check_view, client_view, codes, engine_view, findings_view, Client, ClientSetup,
    Encoding, TextDoc,
};

const WEAK: &str = "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped.\n";

fn bank() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("stories")).expect("stories dir");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("writes");
}

fn start(root: &Path) -> Client {
    Client::start(root, ClientSetup::default())
}

#[test]
fn diagnostics_carry_rule_id_source_link_and_engine_findings() {
    let dir = bank();
    let path = dir.path().join("stories/launch.md");
    write(&path, WEAK);
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert_eq!(
        client_view(&diagnostics),
        check_view(&[WEAK], 0, &Config::default(), Encoding::Utf16)
    );
    let learning = diagnostics
        .iter()
        .find(|d| d["code"] == "missing-learning")
        .expect("missing-learning");
    assert_eq!(learning["source"], "starling");
    assert_eq!(
        learning["codeDescription"]["href"],
        starling::rules::doc_url("missing-learning")
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn edits_after_astral_characters_and_crlf_land_right_in_both_encodings() {
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let dir = bank();
        let path = dir.path().join("stories/emoji.md");
        let text = "# 🚀 Launch 😀\r\n\r\n## Situation\r\nWe 🎉 had a launch.\r\n\r\n## Action\r\nI 🙈 cut the tests.\r\n";
        let mut client = Client::start(
            dir.path(),
            ClientSetup {
                encoding,
                ..ClientSetup::default()
            },
        );
        let mut doc = TextDoc::new(&path, text);
        client.open(&doc);
        client.diagnostics(&doc.uri, 1);
        // Insert a Result after the emoji-laden Action line, then edit inside the title after
        // an astral character, then delete across a CRLF.
        let end = doc.text.len();
        client.edit(&mut doc, end..end, "\r\n## Result\r\nWe 💸 lost $40K.\r\n");
        let title = doc.text.find("Launch").expect("title");
        client.edit(&mut doc, title..title + "Launch".len(), "Big launch");
        let action = doc.text.find("## Action").expect("action");
        client.edit(&mut doc, action - 2..action, "");
        client.edit(&mut doc, action - 2..action - 2, "\r\n");
        let diagnostics = client.diagnostics(&doc.uri, doc.version);
        assert_eq!(
            doc.text,
            "# 🚀 Big launch 😀\r\n\r\n## Situation\r\nWe 🎉 had a launch.\r\n\r\n## Action\r\nI 🙈 cut the tests.\r\n\r\n## Result\r\nWe 💸 lost $40K.\r\n"
        );
        assert_eq!(
            client_view(&diagnostics),
            check_view(&[&doc.text], 0, &Config::default(), encoding),
            "{encoding:?}"
        );
        // Hover on the title (after the rocket) finds the story.
        let hover = client.hover(&doc, doc.text.find("Big").expect("Big") + 1);
        assert!(hover.contains("spoken"), "{hover}");
        assert_eq!(client.shutdown(), Some(0));
    }
}

#[test]
fn a_quick_fix_inserts_the_missing_part_and_its_diagnostic_goes() {
    let dir = bank();
    let path = dir.path().join("stories/launch.md");
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert!(codes(&diagnostics).contains(&"missing-learning".to_string()));
    let title = doc.text.find("Launch").expect("title");
    let actions = client.code_actions(&doc, title..title);
    let fix = action(&actions, "Insert a Learning part");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "missing-learning");
    client.apply(&mut doc, &fix["edit"]);
    assert!(
        doc.text.ends_with("## Result\nWe slipped.\n\n## Learning\n\nTODO: Root cause: why did it happen, beyond what went wrong? (an assumption, a habit, a fear)\nTODO: The concrete change: what checklist, test, review, rule or recurring habit did you put in place?\nTODO: Evidence it stuck: where have you used the change since, and what happened?\n"),
        "{}",
        doc.text
    );
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert!(!codes(&diagnostics).contains(&"missing-learning".to_string()));
    assert_eq!(
        client_view(&diagnostics),
        check_view(&[&doc.text], 0, &Config::default(), Encoding::Utf16)
    );

    // The missing Task is inserted in STAR order.
    let actions = client.code_actions(&doc, title..title);
    client.apply(&mut doc, &action(&actions, "Insert a Task part")["edit"]);
    let task = doc.text.find("## Task").expect("task inserted");
    assert!(doc.text.find("## Situation").expect("s") < task);
    assert!(task < doc.text.find("## Action").expect("a"));
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert!(!codes(&diagnostics).contains(&"missing-star-section".to_string()));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn silencing_for_a_line_a_story_and_the_workspace() {
    let dir = bank();
    let path = dir.path().join("stories/launch.md");
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    let before = client.diagnostics(&doc.uri, 1);
    let count = |diagnostics: &[Value], rule: &str| {
        diagnostics.iter().filter(|d| d["code"] == rule).count()
    };
    assert_eq!(count(&before, "missing-learning"), 1);
    let title = doc.text.find("Launch").expect("title");

    // For this line: a directive on the line above the title.
    let actions = client.code_actions(&doc, title..title);
    let line = action(&actions, "Disable missing-learning for this line");
    client.apply(&mut doc, &line["edit"]);
    assert!(doc
        .text
        .starts_with("<!-- starling-disable-next-line missing-learning -->\n# Launch\n"));
    let after = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(count(&after, "missing-learning"), 0);
    assert_eq!(
        client_view(&after),
        check_view(&[&doc.text], 0, &Config::default(), Encoding::Utf16)
    );

    // For this story: a directive right under the title.
    let title = doc.text.find("Launch").expect("title");
    let actions = client.code_actions(&doc, title..title);
    let story = action(&actions, "Disable missing-star-section for this story");
    client.apply(&mut doc, &story["edit"]);
    assert!(doc
        .text
        .contains("# Launch\n<!-- starling-disable missing-star-section -->\n"));
    let after = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(count(&after, "missing-star-section"), 0);

    // For the workspace: creates starling.toml with the rule off.
    let title = doc.text.find("Launch").expect("title");
    let actions = client.code_actions(&doc, title..title);
    let workspace = action(
        &actions,
        "Disable speaking-time in this workspace (starling.toml)",
    );
    let others = client.apply(&mut doc, &workspace["edit"]);
    let config_path = dir.path().join("starling.toml");
    assert_eq!(others[0]["kind"], "create");
    assert_eq!(others[0]["uri"], support::uri(&config_path));
    let edits = others[1]["edits"].as_array().expect("edits");
    let mut config = TextDoc::new(&config_path, "");
    for edit in edits {
        config.apply_change(
            &json!({ "range": edit["range"], "text": edit["newText"] }),
            Encoding::Utf16,
        );
    }
    assert_eq!(config.text, "[rules]\nspeaking-time = \"off\"\n");
    write(&config_path, &config.text);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config.uri, "type": 1 }] }),
    );
    let after = client.next_diagnostics(&doc.uri);
    assert_eq!(count(&after, "speaking-time"), 0);
    let with_file = Config::from_toml(&config.text, None).expect("valid config");
    assert_eq!(
        client_view(&after),
        check_view(&[&doc.text], 0, &with_file, Encoding::Utf16)
    );

    // With the file in place, the next workspace silence edits its [rules] table.
    let end = doc.text.len();
    client.edit(
        &mut doc,
        end..end,
        "\n# Second\n\n## Situation\nWe had a launch.\n",
    );
    let second = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(count(&second, "missing-learning"), 1);
    let at = doc.text.find("Second").expect("second");
    let actions = client.code_actions(&doc, at..at);
    let next = action(
        &actions,
        "Disable missing-learning in this workspace (starling.toml)",
    );
    let change = &next["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["uri"], config.uri);
    for edit in change["edits"].as_array().expect("edits") {
        config.apply_change(
            &json!({ "range": edit["range"], "text": edit["newText"] }),
            Encoding::Utf16,
        );
    }
    assert_eq!(
        config.text,
        "[rules]\nmissing-learning = \"off\"\nspeaking-time = \"off\"\n"
    );
    write(&config_path, &config.text);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config.uri, "type": 2 }] }),
    );
    let after = client.next_diagnostics(&doc.uri);
    assert_eq!(count(&after, "missing-learning"), 0);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn fix_all_label_parts_and_new_story() {
    let dir = bank();
    let path = dir.path().join("stories/bank.md");
    let prose = "# The migration\n\nThree years ago I was a backend engineer on the billing team and we were moving invoices to a new service. My job was to own the cut-over plan and make sure no invoice was lost. I decided to skip the dry run because the schedule was tight, and I pushed the switch on a Friday. As a result we double-billed 300 customers and spent a week on refunds. I learned to never skip a dry run, and since then I run one before every migration.\n";
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, prose);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert!(
        codes(&diagnostics).contains(&"unlabeled-parts".to_string()),
        "{diagnostics:?}"
    );
    let inside = doc.text.find("dry run").expect("inside");

    let actions = client.code_actions(&doc, inside..inside);
    let label = action(&actions, "Label STAR parts");
    assert_eq!(label["kind"], "refactor.rewrite");
    client.apply(&mut doc, &label["edit"]);
    assert!(doc.text.contains("## Situation"), "{}", doc.text);
    assert!(doc.text.contains("## Action"), "{}", doc.text);
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert!(!codes(&diagnostics).contains(&"unlabeled-parts".to_string()));

    // A weak story next to it: fix-all applies every fix, as `starling check --fix` does.
    let end = doc.text.len();
    client.edit(
        &mut doc,
        end..end,
        &format!("\n{}", WEAK.replace("# Launch", "# Second")),
    );
    client.diagnostics(&doc.uri, doc.version);
    let second = doc.text.find("Second").expect("second");
    let actions = client.code_actions(&doc, second..second);
    let fix_all = action(&actions, "Fix all starling problems");
    assert_eq!(fix_all["kind"], "source.fixAll.starling");
    let original = doc.text.clone();
    client.apply(&mut doc, &fix_all["edit"]);
    assert_eq!(
        doc.text,
        starling::assist::fix_all(&original, &Config::default())
    );
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert!(diagnostics
        .iter()
        .all(|d| d["code"] != "missing-learning" && d["code"] != "missing-star-section"));

    // New story: appends a complete template.
    let actions = client.code_actions(&doc, 0..0);
    let new = action(&actions, "New story");
    let stories_before = starling::check_text(&doc.text, &Config::default())
        .outline
        .stories
        .len();
    client.apply(&mut doc, &new["edit"]);
    let analysis = starling::check_text(&doc.text, &Config::default());
    assert_eq!(analysis.outline.stories.len(), stories_before + 1);
    let last = analysis.outline.stories.last().expect("new story");
    assert_eq!(last.parts.len(), 5);
    assert!(doc.text.contains("## Learning\n\nTODO: Root cause"));
    client.diagnostics(&doc.uri, doc.version);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn new_story_in_an_empty_file_brings_front_matter() {
    let dir = bank();
    let path = dir.path().join("notes.md");
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, "");
    client.open(&doc);
    // Not a story file: nothing to say.
    assert!(client.diagnostics(&doc.uri, 1).is_empty());
    let actions = client.code_actions(&doc, 0..0);
    client.apply(&mut doc, &action(&actions, "New story")["edit"]);
    assert!(doc.text.starts_with("---\nprompt: Tell me about a time you failed.\ntheme: failure\n---\n\n# TODO: A short title\n"));
    // Its front matter makes it a story file: the empty parts are reported now.
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert!(
        codes(&diagnostics).contains(&"empty-section".to_string()),
        "{diagnostics:?}"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn other_markdown_gets_nothing() {
    let dir = bank();
    let path = dir.path().join("README.md");
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    assert!(client.diagnostics(&doc.uri, 1).is_empty());
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    assert_eq!(symbols, json!([]));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn hover_explains_rules_titles_and_parts() {
    let dir = bank();
    let path = dir.path().join("stories/launch.md");
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let title = client.hover(&doc, doc.text.find("Launch").expect("title"));
    assert!(title.contains("### Launch"), "{title}");
    assert!(title.contains("spoken"), "{title}");
    assert!(title.contains("Missing: Task, Learning"), "{title}");
    assert!(title.contains("**Score "), "{title}");
    for dimension in [
        "Ownership",
        "Root cause",
        "Recovery",
        "Learning loop",
        "Scope and impact",
    ] {
        assert!(title.contains(&format!("**{dimension}** ")), "{title}");
    }
    assert!(title.contains("Follow-up readiness:"), "{title}");
    assert!(
        title.contains("- ✗ How do you know you actually changed?"),
        "{title}"
    );
    assert!(title.contains("missing-learning"), "{title}");
    let part = client.hover(&doc, doc.text.find("## Situation").expect("part") + 4);
    assert!(
        part.contains("**Situation**: Context in two or three sentences"),
        "{part}"
    );
    assert!(part.contains("4 words"), "{part}");
    // Nowhere special: no hover; past the end: no hover, no crash.
    let body = client.hover(&doc, doc.text.find("had a").expect("body"));
    assert_eq!(body, "");
    let past = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 999, "character": 4 } }),
    );
    assert_eq!(past, Value::Null);
    let unknown = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere.md" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(unknown, Value::Null);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn outline_lenses_and_completion() {
    let dir = bank();
    let path = dir.path().join("stories/two.md");
    let text = format!("{WEAK}\n# Second\n\n**Situation:** We had one week.\n");
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, &text);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Launch", "Second"]);
    let parts: Vec<&str> = symbols[0]["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(parts, ["Situation", "Action", "Result"]);

    let lenses = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    let lenses = lenses.as_array().expect("lenses");
    assert_eq!(lenses.len(), 2);
    let first = lenses[0]["command"]["title"].as_str().expect("title");
    assert!(first.starts_with("Score "), "{first}");
    assert!(first.contains("/20 · "), "{first}");
    assert!(
        first.ends_with("spoken · 1 error, 1 warning, 1 note") || first.contains("spoken · "),
        "{first}"
    );
    assert_eq!(
        lenses[0]["range"]["start"],
        json!({ "line": 0, "character": 2 })
    );

    // A bold label at a line start completes in the story's own form.
    let end = doc.text.len();
    client.edit(&mut doc, end..end, "**Ta");
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": doc.position(doc.text.len(), Encoding::Utf16) }),
    );
    let task = items
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "Task")
        .expect("Task");
    assert_eq!(task["textEdit"]["newText"], "**Task:** ");

    // A heading label in the first story.
    let after_action = doc.text.find("## Result").expect("result");
    client.edit(&mut doc, after_action..after_action, "## \n");
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": doc.position(after_action + 3, Encoding::Utf16) }),
    );
    assert!(items
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["textEdit"]["newText"] == "## Learning"));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn completion_of_front_matter_keys_and_prompts() {
    let dir = bank();
    let path = dir.path().join("stories/fm.md");
    let text = "---\npro\n---\n# A story\n";
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&path, text);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 1, "character": 3 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(labels, ["prompt", "theme", "company"]);
    client.edit(&mut doc, 4..7, "prompt: Tell");
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 1, "character": 12 } }),
    );
    let first = &items.as_array().expect("items")[0];
    assert_eq!(
        first["textEdit"]["newText"],
        "Tell me about a time you failed."
    );
    assert_eq!(
        first["textEdit"]["range"]["start"],
        json!({ "line": 1, "character": 8 })
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn configuration_from_initialization_options_and_settings() {
    let dir = bank();
    write(
        &dir.path().join("starling.toml"),
        "[rules]\nmissing-learning = \"error\"\n",
    );
    let path = dir.path().join("stories/launch.md");
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            init_options: json!({ "rules": { "speaking-time": "off", "missing-learning": "hint" } }),
            ..ClientSetup::default()
        },
    );
    let doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert!(!codes(&diagnostics).contains(&"speaking-time".to_string()));
    let learning = diagnostics
        .iter()
        .find(|d| d["code"] == "missing-learning")
        .expect("learning");
    // Editor settings win over the file.
    assert_eq!(learning["severity"], 4);

    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "starling": { "rules": { "missing-learning": "off" }, "include": ["**/*.md"] } } }),
    );
    let diagnostics = client.next_diagnostics(&doc.uri);
    assert!(!codes(&diagnostics).contains(&"missing-learning".to_string()));
    // Settings that name `rules` replace the rules of the initialization options: the editor
    // sends its whole current set.
    assert!(codes(&diagnostics).contains(&"speaking-time".to_string()));
    let expected = Config::from_toml(
        "include = [\"**/*.md\"]\n[rules]\nmissing-learning = \"off\"\n",
        None,
    )
    .expect("config");
    assert_eq!(
        client_view(&diagnostics),
        check_view(&[WEAK], 0, &expected, Encoding::Utf16)
    );

    // The include globs changed: a README is a story file now.
    let readme = TextDoc::new(&dir.path().join("README.md"), WEAK);
    client.open(&readme);
    assert!(!client.diagnostics(&readme.uri, 1).is_empty());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_bad_config_is_reported_and_the_last_good_one_kept() {
    let dir = bank();
    let config_path = dir.path().join("starling.toml");
    write(&config_path, "[rules]\nspeaking-time = \"off\"\n");
    let path = dir.path().join("stories/launch.md");
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert!(!codes(&diagnostics).contains(&"speaking-time".to_string()));

    client.drain();
    write(
        &config_path,
        "[rules]\nspeaking-time = \"off\"\n  missing-lerning = \"off\"\n",
    );
    let config_uri = support::uri(&config_path);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config_uri, "type": 2 }] }),
    );
    let config_diagnostics = client.next_diagnostics(&config_uri);
    assert_eq!(config_diagnostics.len(), 1);
    assert_eq!(
        config_diagnostics[0]["range"]["start"],
        json!({ "line": 2, "character": 2 })
    );
    assert!(config_diagnostics[0]["message"]
        .as_str()
        .expect("message")
        .contains("did you mean `missing-learning`?"));
    let shown = client.wait_for("showMessage", |m| m["method"] == "window/showMessage");
    assert!(shown["params"]["message"]
        .as_str()
        .expect("message")
        .contains("missing-lerning"));
    // Still the last good configuration: speaking-time stays off.
    let diagnostics = client.next_diagnostics(&doc.uri);
    assert!(!codes(&diagnostics).contains(&"speaking-time".to_string()));
    assert!(codes(&diagnostics).contains(&"missing-learning".to_string()));

    // Fixed: the config file's diagnostic goes.
    write(&config_path, "[rules]\nmissing-learning = \"off\"\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config_uri, "type": 2 }] }),
    );
    assert!(client.next_diagnostics(&config_uri).is_empty());
    let diagnostics = client.next_diagnostics(&doc.uri);
    assert!(codes(&diagnostics).contains(&"speaking-time".to_string()));
    assert!(!codes(&diagnostics).contains(&"missing-learning".to_string()));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_bank_scan_reports_progress_and_serves_pull_diagnostics() {
    let dir = bank();
    for i in 0..30 {
        write(
            &dir.path().join(format!("stories/s{i:02}.md")),
            &WEAK.replace("Launch", &format!("Launch {i}")),
        );
    }
    write(&dir.path().join("README.md"), WEAK);
    write(
        &dir.path().join("fm.md"),
        &format!("---\ntheme: star\n---\n{WEAK}"),
    );
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            pull: true,
            ..ClientSetup::default()
        },
    );
    let create = client.wait_for("progress create", |m| {
        m["method"] == "window/workDoneProgress/create"
    });
    let token = create["params"]["token"].clone();
    let begin = client.wait_for("progress begin", |m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "begin"
    });
    assert_eq!(begin["params"]["value"]["title"], "Checking the story bank");
    let end = client.wait_for("progress end", |m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "end"
    });
    assert_eq!(
        end["params"]["value"]["message"],
        "31 story files, 31 stories"
    );

    let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = report["items"].as_array().expect("items");
    assert_eq!(items.len(), 31);
    let readme = support::uri(&dir.path().join("README.md"));
    assert!(items.iter().all(|i| i["uri"] != readme));
    let first = items
        .iter()
        .find(|i| i["uri"] == support::uri(&dir.path().join("stories/s00.md")))
        .expect("s00");
    // The bank's stories, in path order: s00 is the first of the theme and carries
    // `prompt-coverage`, as with `starling check`.
    let texts: Vec<String> = (0..30)
        .map(|i| WEAK.replace("Launch", &format!("Launch {i}")))
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert_eq!(
        client_view(first["items"].as_array().expect("items")),
        check_view(&texts, 0, &Config::default(), Encoding::Utf16)
    );

    // Pull for an open document, after a change.
    let mut doc = TextDoc::new(
        &dir.path().join("stories/s01.md"),
        &WEAK.replace("Launch", "Launch 1"),
    );
    client.open(&doc);
    let end = doc.text.len();
    client.edit(
        &mut doc,
        end..end,
        "\n## Learning\nSince then I run a checklist before every launch.\n",
    );
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(
        client_view(pulled["items"].as_array().expect("items")),
        engine_view(&doc.text, &Config::default(), Encoding::Utf16)
    );
    // A pulling client is not pushed to.
    assert!(
        client
            .seen
            .iter()
            .all(|m| m["method"] != "textDocument/publishDiagnostics"
                || m["params"]["uri"] != doc.uri)
    );

    // A story file changed on disk updates the bank.
    write(&dir.path().join("stories/s02.md"), "# Fine\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::uri(&dir.path().join("stories/s02.md")), "type": 2 }] }),
    );
    let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let s02 = report["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["uri"] == support::uri(&dir.path().join("stories/s02.md")))
        .cloned();
    if let Some(s02) = s02 {
        assert_eq!(
            client_view(s02["items"].as_array().expect("items")),
            engine_view("# Fine\n", &Config::default(), Encoding::Utf16)
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn large_documents_are_checked_in_the_background_with_a_note() {
    let dir = bank();
    let path = dir.path().join("stories/big.md");
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            init_options: json!({ "max-file-size": 2000 }),
            ..ClientSetup::default()
        },
    );
    let text = WEAK.repeat(40);
    let doc = TextDoc::new(&path, &text);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    let note = diagnostics
        .iter()
        .find(|d| d["code"] == "large-file")
        .expect("note");
    assert!(note["message"]
        .as_str()
        .expect("message")
        .contains("in the background"));
    assert_eq!(
        diagnostics.len(),
        check_view(&[&text], 0, &Config::default(), Encoding::Utf16).len() + 1
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let dir = bank();
    let mut client = start(dir.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(1));
}

/// Waits until the bank scan started by `initialized` (or a configuration change) has ended.
fn wait_scan_end(client: &mut Client) {
    client.wait_for("bank scan end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
}

fn is_refresh(message: &Value) -> bool {
    message["method"] == "workspace/diagnostic/refresh"
}

#[test]
fn a_configuration_change_refreshes_pull_clients_and_pushes_to_the_others() {
    // A client whose refresh support the server can read pulls, and is refreshed.
    for refresh_key in [Some("diagnostic")] {
        let dir = bank();
        let path = dir.path().join("stories/launch.md");
        write(&path, WEAK);
        let other = dir.path().join("stories/other.md");
        write(&other, &WEAK.replace("Launch", "Other"));
        let mut client = Client::start(
            dir.path(),
            ClientSetup {
                pull: true,
                refresh_key,
                ..ClientSetup::default()
            },
        );
        wait_scan_end(&mut client);
        client.wait_for("first refresh", is_refresh);
        let doc = TextDoc::new(&path, WEAK);
        client.open(&doc);
        let pulled = client.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": doc.uri } }),
        );
        let items = pulled["items"].as_array().expect("items").clone();
        assert!(codes(&items).contains(&"missing-learning".to_string()));

        client.drain();
        client.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "starling": { "rules": { "missing-learning": "off" } } } }),
        );
        wait_scan_end(&mut client);
        client.wait_for("refresh after the change", is_refresh);
        let pulled = client.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": doc.uri } }),
        );
        let items = pulled["items"].as_array().expect("items").clone();
        assert!(!codes(&items).contains(&"missing-learning".to_string()));
        // The bank files on disk were checked again too.
        let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
        let reports = report["items"].as_array().expect("items");
        assert_eq!(reports.len(), 2);
        for report in reports {
            let items = report["items"].as_array().expect("items");
            assert!(!items.is_empty());
            assert!(!codes(items).contains(&"missing-learning".to_string()));
        }
        // Still never pushed to.
        assert!(client
            .seen
            .iter()
            .all(|m| m["method"] != "textDocument/publishDiagnostics"));
        assert_eq!(client.shutdown(), Some(0));
    }

    // A push client gets new diagnostics and no refresh request. So do clients that can pull
    // but whose refresh support the server cannot read: VS Code advertises it as
    // `workspace.diagnostics`, Neovim not at all.
    for (pull, refresh_key) in [
        (false, Some("diagnostic")),
        (true, Some("diagnostics")),
        (true, None),
    ] {
        let dir = bank();
        let path = dir.path().join("stories/launch.md");
        let mut client = Client::start(
            dir.path(),
            ClientSetup {
                pull,
                refresh_key,
                ..ClientSetup::default()
            },
        );
        let doc = TextDoc::new(&path, WEAK);
        client.open(&doc);
        let diagnostics = client.diagnostics(&doc.uri, 1);
        assert!(codes(&diagnostics).contains(&"missing-learning".to_string()));
        client.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "starling": { "rules": { "missing-learning": "off" } } } }),
        );
        let diagnostics = client.next_diagnostics(&doc.uri);
        assert!(!codes(&diagnostics).contains(&"missing-learning".to_string()));
        wait_scan_end(&mut client);
        assert!(!client.seen.iter().any(is_refresh));
        assert_eq!(client.shutdown(), Some(0));
    }
}

/// A story with no error-level finding, so that it counts for `prompt-coverage`.
fn ready_story(title: &str, prompt: &str) -> String {
    format!(
        "# {title}\nPrompt: {prompt}\n\n## Situation\nWe had a launch in one week.\n\n## Task\nI owned the release.\n\n## Action\nI cut the tests to ship on time.\n\n## Result\nWe slipped two weeks and lost 3 customers.\n\n## Learning\nI skipped them because I feared looking slow. Since then I have run a checklist before every launch.\n"
    )
}

#[test]
fn prompt_coverage_follows_the_bank() {
    let dir = bank();
    let one = ready_story("Launch one", "Tell me about a time you failed.");
    let two = ready_story(
        "Launch two",
        "Tell me about a decision you made that turned out to be wrong.",
    );
    write(&dir.path().join("stories/s1.md"), &one);
    write(&dir.path().join("stories/s2.md"), &two);
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            pull: true,
            ..ClientSetup::default()
        },
    );
    wait_scan_end(&mut client);
    let s1 = support::uri(&dir.path().join("stories/s1.md"));
    let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let reports = report["items"].as_array().expect("items");
    let first = reports.iter().find(|r| r["uri"] == s1).expect("s1");
    let items = first["items"].as_array().expect("items");
    assert!(codes(items).contains(&"prompt-coverage".to_string()));
    // On the same file and with the same words as `starling check`.
    assert_eq!(
        client_view(items),
        check_view(&[&one, &two], 0, &Config::default(), Encoding::Utf16)
    );
    // `missing-prompt` flows like any rule: a story without a prompt gets it.
    let bare = TextDoc::new(&dir.path().join("stories/s0.md"), WEAK);
    client.open(&bare);
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": bare.uri } }),
    );
    let items = pulled["items"].as_array().expect("items");
    assert!(codes(items).contains(&"missing-prompt".to_string()));

    // A third story naming a third prompt is enough.
    let three = dir.path().join("stories/s3.md");
    write(
        &three,
        &ready_story(
            "Launch three",
            "Describe a situation where you didn't meet expectations.",
        ),
    );
    client.drain();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::uri(&three), "type": 1 }] }),
    );
    client.wait_for("refresh", is_refresh);
    let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    for report in report["items"].as_array().expect("items") {
        let items = report["items"].as_array().expect("items");
        assert!(
            !codes(items).contains(&"prompt-coverage".to_string()),
            "{report}"
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

/// A story with enough blocks that an edit in the middle of its Action part reaches no other
/// story, even with the block of margin the incremental analysis takes on each side.
fn long_story(n: usize) -> String {
    format!(
        "# Migration {n}\n\n## Situation\nWe moved the invoices of {n} teams to a new service.\n\n## Task\nMy job was to own the cut-over plan.\n\n## Action\nI decided to skip the dry run because the schedule was tight.\n\nI pushed the switch on a Friday evening and watched the first batch.\n\nWhen the duplicates arrived I rolled back within the hour.\n\n## Result\nWe double-billed 300 customers and refunded $18K.\n\n## Learning\nSince then I run a dry run before every migration.\n\n"
    )
}

fn stats(client: &mut Client, doc: &TextDoc) -> Value {
    client.request(
        "starling/stats",
        json!({ "textDocument": { "uri": doc.uri } }),
    )
}

/// What `starling check` reports, as lenses: each story's lens title and where it sits.
fn fresh_lenses(doc: &TextDoc) -> Vec<(String, Value)> {
    let config = Config::default();
    let analysis = starling::check_text(&doc.text, &config);
    starling::assist::story_cards(&doc.text, &analysis, &config)
        .iter()
        .map(|card| {
            let at = card.title.clone().unwrap_or_else(|| card.anchor.clone());
            (card.lens_title(), doc.range(at, Encoding::Utf16))
        })
        .collect()
}

fn lenses(client: &mut Client, doc: &TextDoc) -> Vec<(String, Value)> {
    let lenses = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    lenses
        .as_array()
        .expect("lenses")
        .iter()
        .map(|lens| {
            (
                lens["command"]["title"].as_str().unwrap_or("").to_string(),
                lens["range"].clone(),
            )
        })
        .collect()
}

#[test]
fn an_edit_inside_one_story_checks_only_that_story_again() {
    let dir = bank();
    let text: String = (1..=5).map(long_story).collect();
    let mut doc = TextDoc::new(&dir.path().join("stories/five.md"), &text);
    let mut client = start(dir.path());
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let opened = stats(&mut client, &doc);
    assert_eq!(opened["stories"], 5, "{opened}");
    assert_eq!(opened["storiesChecked"], 5, "{opened}");
    assert_eq!(opened["cardsBuilt"], 5, "{opened}");
    assert_eq!(opened["fullChecks"], 1, "{opened}");

    // Type a few words into the middle of the third story's Action part.
    let story = doc.text.find("# Migration 3").expect("third story");
    let at = story + doc.text[story..].find("and watched").expect("line");
    for word in ["quietly ", "and ", "then "] {
        client.edit(&mut doc, at..at, word);
    }
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(
        client_view(&diagnostics),
        check_view(&[&doc.text], 0, &Config::default(), Encoding::Utf16)
    );
    let edited = stats(&mut client, &doc);
    assert_eq!(edited["stories"], 5, "{edited}");
    assert_eq!(edited["fullChecks"], 1, "{edited}");
    // Only the third story's rules ran again, and only its card was computed again, however
    // many checks the burst of changes took.
    assert_eq!(edited["storiesChecked"], 6, "{edited}");
    assert_eq!(edited["cardsBuilt"], 6, "{edited}");

    // A new paragraph in the second story moves every story after it down by two lines; their
    // kept cards land where fresh ones would.
    let story = doc.text.find("# Migration 2").expect("second story");
    let at = story + doc.text[story..].find("When the duplicates").expect("line");
    client.edit(&mut doc, at..at, "I paged the on-call lead.\n\n");
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(
        client_view(&diagnostics),
        check_view(&[&doc.text], 0, &Config::default(), Encoding::Utf16)
    );
    assert_eq!(lenses(&mut client, &doc), fresh_lenses(&doc));
    let moved = stats(&mut client, &doc);
    assert_eq!(moved["fullChecks"], 1, "{moved}");
    assert_eq!(moved["storiesChecked"], 7, "{moved}");
    assert_eq!(moved["cardsBuilt"], 7, "{moved}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn documents_gone_cold_still_answer_and_check_right() {
    let dir = bank();
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            // Each file is compared with the engine alone.
            init_options: json!({ "rules": { "prompt-coverage": "off" } }),
            ..ClientSetup::default()
        },
    );
    // More documents than stay hot: the first ones go cold.
    let mut docs: Vec<TextDoc> = (0..12)
        .map(|n| {
            let text = WEAK.replace("# Launch", &format!("# Launch {n}"));
            TextDoc::new(&dir.path().join(format!("stories/cold{n}.md")), &text)
        })
        .collect();
    for doc in &docs {
        client.open(doc);
        client.diagnostics(&doc.uri, 1);
        // The check ends after it publishes (it makes the cards, then marks the document
        // used); waiting for its end keeps the documents used in the order they were opened.
        stats(&mut client, doc);
    }
    for doc in &docs[..4] {
        let cold = stats(&mut client, doc);
        assert_eq!(cold["hot"], false, "{cold}");
    }
    let config = Config::default();

    // Lenses and hovers need the stories: a cold document is analysed again for them.
    assert_eq!(lenses(&mut client, &docs[0]), fresh_lenses(&docs[0]));
    assert_eq!(stats(&mut client, &docs[0])["hot"], true);
    let title = docs[1].text.find("Launch 1").expect("title");
    assert!(client.hover(&docs[1], title).starts_with("### Launch 1"));

    // A quick fix of a cold document carries its edit.
    let title = docs[2].text.find("Launch 2").expect("title");
    let actions = client.code_actions(&docs[2], title..title);
    let fix = action(&actions, "Insert a Learning part")["edit"].clone();
    client.apply(&mut docs[2], &fix);
    let diagnostics = client.diagnostics(&docs[2].uri, docs[2].version);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&docs[2].text, &config, Encoding::Utf16)
    );

    // A change to a cold document is checked from its text.
    let doc = &mut docs[3];
    let at = doc.text.find("We slipped").expect("result");
    client.edit(doc, at..at, "After 3 weeks ");
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&doc.text, &config, Encoding::Utf16)
    );
    let warmed = stats(&mut client, doc);
    assert_eq!(warmed["fullChecks"], 2, "{warmed}");
    assert_eq!(client.shutdown(), Some(0));
}

/// A client of the bank at `root` with the weak story open as `stories/launch.md`, its first
/// diagnostics (which flag `missing-learning`) received.
fn open_weak(root: &Path) -> (Client, TextDoc) {
    let mut client = start(root);
    let doc = TextDoc::new(&root.join("stories/launch.md"), WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert!(codes(&diagnostics).contains(&"missing-learning".to_string()));
    (client, doc)
}

#[test]
fn fix_all_waits_for_resolve_unless_asked_for_by_kind() {
    let dir = bank();
    let (mut client, doc) = open_weak(dir.path());
    let fixed = starling::assist::fix_all(WEAK, &Config::default());
    let ask = |client: &mut Client, only: Option<Value>| {
        let mut context = json!({ "diagnostics": [] });
        if let Some(only) = only {
            context["only"] = only;
        }
        let title = doc.text.find("Launch").expect("title");
        let result = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": doc.uri }, "range": doc.range(title..title, Encoding::Utf16), "context": context }),
        );
        result.as_array().cloned().unwrap_or_default()
    };
    let applied = |edit: &Value| {
        let mut copy = doc.clone();
        let change = &edit["documentChanges"][0];
        let changes = support::sequential(
            &copy,
            change["edits"].as_array().expect("edits"),
            Encoding::Utf16,
        );
        for change in &changes {
            copy.apply_change(change, Encoding::Utf16);
        }
        copy.text
    };

    // Asked at the cursor, as editors do on every move: fix-all comes without its edit.
    let actions = ask(&mut client, None);
    let lazy = action(&actions, "Fix all starling problems").clone();
    assert!(lazy.get("edit").is_none(), "{lazy}");
    assert!(action(&actions, "Insert a Learning part")
        .get("edit")
        .is_some());
    let resolved = client.request("codeAction/resolve", lazy);
    assert_eq!(applied(&resolved["edit"]), fixed);

    // Asked for by kind: with its edit at once, and nothing else.
    for kind in ["source.fixAll", "source"] {
        let actions = ask(&mut client, Some(json!([kind])));
        let eager = action(&actions, "Fix all starling problems");
        assert_eq!(applied(&eager["edit"]), fixed, "{kind}");
        assert!(actions.iter().all(|a| a["kind"] != "quickfix"), "{kind}");
    }
    // Quick fixes only: no fix-all.
    let actions = ask(&mut client, Some(json!(["quickfix"])));
    assert!(!actions.is_empty());
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_workspace_silence_keeps_starling_toml_valid_however_it_writes_rules() {
    let shapes = [
        "rules = { no-cost = \"warning\" }\n",
        "rules.no-cost = \"warning\"\n",
        "[rules]\n'no-cost' = \"warning\"\n",
        "theme = \"star\" # the default\n\n[rules]\n\"no-cost\" = \"warning\"\n",
    ];
    for shape in shapes {
        let dir = bank();
        let config_path = dir.path().join("starling.toml");
        write(&config_path, shape);
        let path = dir.path().join("stories/launch.md");
        let mut client = start(dir.path());
        let doc = TextDoc::new(&path, WEAK);
        client.open(&doc);
        client.diagnostics(&doc.uri, 1);
        let title = doc.text.find("Launch").expect("title");
        let actions = client.code_actions(&doc, title..title);
        let silence = action(
            &actions,
            "Disable speaking-time in this workspace (starling.toml)",
        );
        let change = &silence["edit"]["documentChanges"][0];
        let mut config = TextDoc::new(&config_path, shape);
        assert_eq!(change["textDocument"]["uri"], config.uri);
        let changes = support::sequential(
            &config,
            change["edits"].as_array().expect("edits"),
            Encoding::Utf16,
        );
        for change in &changes {
            config.apply_change(change, Encoding::Utf16);
        }
        let table: toml::Table = toml::from_str(&config.text)
            .unwrap_or_else(|err| panic!("{shape:?} became invalid TOML: {err}\n{}", config.text));
        assert_eq!(
            table["rules"]["speaking-time"].as_str(),
            Some("off"),
            "{}",
            config.text
        );
        assert_eq!(
            table["rules"]["no-cost"].as_str(),
            Some("warning"),
            "{}",
            config.text
        );
        assert!(
            Config::from_toml(&config.text, None).is_ok(),
            "{}",
            config.text
        );
        if shape.contains("# the default") {
            assert!(config.text.contains("# the default"), "{}", config.text);
        }
        assert_eq!(client.shutdown(), Some(0));
    }
}

#[test]
fn invalid_editor_settings_keep_the_last_valid_ones_and_say_editor_settings() {
    let dir = bank();
    let (mut client, mut doc) = open_weak(dir.path());
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "starling": { "rules": { "missing-learning": "off" } } } }),
    );
    let valid = client.next_diagnostics(&doc.uri);
    assert!(!codes(&valid).contains(&"missing-learning".to_string()));

    let invalid = [
        json!({ "rules": { "no-cost": "loud" } }),
        json!({ "rules": { "no-csot": "off" } }),
        json!({ "theme": 3 }),
    ];
    for settings in invalid {
        client.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "starling": settings } }),
        );
        let shown = client.wait_for("an error message", |m| {
            m["method"] == "window/showMessage" && m["params"]["type"] == 1
        });
        let message = shown["params"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("editor settings"), "{settings}: {message}");
        assert!(!message.contains("starling.toml"), "{settings}: {message}");
        // The last valid settings still hold.
        let end = doc.text.len();
        client.edit(&mut doc, end..end, "\nWe shipped late.\n");
        let diagnostics = client.diagnostics(&doc.uri, doc.version);
        assert!(
            !codes(&diagnostics).contains(&"missing-learning".to_string()),
            "{settings}: {diagnostics:?}"
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn diagnostics_are_published_under_the_uri_the_client_sent() {
    let dir = bank();
    let stories = dir.path().join("stories");
    let plain = stories.join("plain.md");
    let host = stories.join("host.md");
    let accented = stories.join("café.md");
    let raw = |path: &Path| path.to_str().expect("UTF-8 path").to_string();
    let sent = [
        format!("file:{}", raw(&plain)),
        format!("file://localhost{}", raw(&host)),
        format!("file://{}", raw(&accented)),
    ];
    let mut client = start(dir.path());
    for uri in &sent {
        let doc = TextDoc {
            uri: uri.clone(),
            text: WEAK.to_string(),
            version: 1,
        };
        client.open(&doc);
        let diagnostics = client.diagnostics(uri, 1);
        assert!(
            codes(&diagnostics).contains(&"missing-learning".to_string()),
            "{uri}: {diagnostics:?}"
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_code_action_range_past_the_last_line_is_clamped_to_the_end() {
    let dir = bank();
    let (mut client, doc) = open_weak(dir.path());
    let result = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": doc.uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9999, "character": 0 } },
            "context": { "diagnostics": [] } }),
    );
    let actions = result.as_array().cloned().unwrap_or_default();
    let whole = client.code_actions(&doc, 0..doc.text.len());
    let titles = |actions: &[Value]| {
        let mut titles: Vec<String> = actions
            .iter()
            .map(|a| a["title"].as_str().unwrap_or_default().to_string())
            .collect();
        titles.sort();
        titles
    };
    assert!(titles(&actions).contains(&"Insert a Learning part".to_string()));
    assert_eq!(titles(&actions), titles(&whole));
    // Wholly past the end: the end of the text, where a new story goes.
    let result = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": doc.uri },
            "range": { "start": { "line": 500, "character": 3 }, "end": { "line": 9999, "character": 0 } },
            "context": { "diagnostics": [] } }),
    );
    let actions = result.as_array().cloned().unwrap_or_default();
    action(&actions, "New story");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_outline_of_more_stories_than_it_lists_is_bounded_and_in_order() {
    let dir = bank();
    let path = dir.path().join("stories/headings.md");
    // Two headings a story; 2,100 stories, more than the 2,000 an outline lists.
    let text: String = (0..2_100)
        .map(|i| {
            format!(
                "# Story {i}
## Action
I did it.
"
            )
        })
        .collect();
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, &text);
    client.open(&doc);
    // Once the document is checked (a request before that waits a second at most, and in a
    // debug build these 2,100 stories take longer). The first diagnostics of a document this
    // long hold the stories at its top; stats answer once the check has ended.
    client.diagnostics(&doc.uri, 1);
    stats(&mut client, &doc);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": doc.uri } }),
    );
    let symbols = symbols.as_array().cloned().unwrap_or_default();
    assert_eq!(symbols.len(), 2_000);
    for (i, symbol) in symbols.iter().enumerate() {
        assert_eq!(symbol["name"], format!("Story {i}"));
        assert_eq!(symbol["range"]["start"]["line"], json!(i * 3));
    }
    // The document still answers other requests.
    let hover = client.hover(&doc, text.find("Story 1\n").expect("title"));
    assert!(hover.contains("spoken"), "{hover}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_server_s_bank_and_starling_check_agree_on_which_files_hold_stories() {
    let dir = bank();
    let root = dir.path();
    let files: &[(&str, &str)] = &[
        ("stories/by-path.md", ""),
        ("x.story.md", ""),
        (
            "notes/prompt.md",
            "---\nprompt: Tell me about a failure\n---\n",
        ),
        ("notes/prompts.md", "---\nprompts: [Why?, How?]\n---\n"),
        ("notes/question.md", "---\nquestion: Why?\n---\n"),
        ("notes/questions.md", "---\nquestions:\n  - Why?\n---\n"),
        ("notes/theme.md", "---\ntheme: star\n---\n"),
        ("notes/starling.md", "---\nstarling: true\n---\n"),
        ("notes/story.md", "---\nstory: yes\n---\n"),
        ("notes/stories.md", "---\nstories: true\n---\n"),
        ("notes/stories-false.md", "---\nstories: false\n---\n"),
        ("notes/title.md", "---\ntitle: Notes\n---\n"),
        ("notes/plain.md", ""),
        ("notes/unclosed.md", "---\nprompt: never closed\n"),
        ("notes/prompt.txt", "---\nprompt: not Markdown\n---\n"),
        (".hidden/stories/hidden.md", ""),
        (
            "sub/starling.toml",
            "include = [\"**/*.md\"]\nexclude = [\"drafts/**\"]\n",
        ),
        ("sub/any.md", ""),
        (
            "sub/drafts/draft.md",
            "---\nprompt: excluded all the same\n---\n",
        ),
        ("sub/stories/included.md", ""),
    ];
    for (name, front) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        let text = if name.ends_with(".toml") {
            front.to_string()
        } else {
            format!("{front}{WEAK}")
        };
        write(&path, &text);
    }

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_starling"))
        .args(["check", "."])
        .current_dir(root)
        .output()
        .expect("runs starling check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut by_cli: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.split_once(':').map(|(path, _)| path))
        .map(|path| path.trim_start_matches("./").to_string())
        .filter(|path| root.join(path).is_file())
        .collect();
    by_cli.sort();
    by_cli.dedup();

    let mut client = Client::start(
        root,
        ClientSetup {
            pull: true,
            ..ClientSetup::default()
        },
    );
    wait_scan_end(&mut client);
    let report = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let root_uri = format!("{}/", support::uri(root));
    let mut by_server: Vec<String> = report["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["uri"].as_str())
        .filter_map(|uri| uri.strip_prefix(&root_uri).map(String::from))
        .collect();
    by_server.sort();
    assert_eq!(by_server, by_cli, "{stdout}");
    let expected = [
        "notes/prompt.md",
        "notes/prompts.md",
        "notes/question.md",
        "notes/questions.md",
        "notes/starling.md",
        "notes/stories.md",
        "notes/story.md",
        "notes/theme.md",
        "stories/by-path.md",
        "sub/any.md",
        "sub/stories/included.md",
        "x.story.md",
    ];
    assert_eq!(by_cli, expected, "{stdout}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn competency_ids_complete_in_front_matter_and_explain_themselves_on_hover() {
    let dir = bank();
    write(
        &dir.path().join("starling.toml"),
        "competencies = \"amazon\"\n",
    );
    let path = dir.path().join("stories/own.md");
    let text = format!("---\ncompetencies: [ow]\n---\n{WEAK}");
    let mut client = start(dir.path());
    let doc = TextDoc::new(&path, &text);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 1, "character": 17 } }),
    );
    let items = items.as_array().expect("items");
    let ownership = items
        .iter()
        .find(|i| i["label"] == "ownership")
        .unwrap_or_else(|| panic!("no `ownership` among {items:?}"));
    // The id replaces what was typed.
    assert_eq!(ownership["textEdit"]["newText"], "ownership");
    assert_eq!(ownership["textEdit"]["range"]["start"]["character"], 15);
    assert!(
        items.len() >= 16,
        "the amazon set has 16 principles: {items:?}"
    );
    // Elsewhere in the front matter, no competency is offered.
    let none = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 1, "character": 3 } }),
    );
    assert!(
        none.as_array()
            .is_none_or(|i| !i.iter().any(|i| i["label"] == "ownership")),
        "{none}"
    );
    let hover = client.hover(&doc, text.find("ow]").expect("id"));
    assert!(hover.is_empty(), "`ow` is no id: {hover}");
    let named = format!("---\ncompetencies: [ownership]\n---\n{WEAK}");
    let path = dir.path().join("stories/named.md");
    let doc = TextDoc::new(&path, &named);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let hover = client.hover(&doc, named.find("ownership").expect("id") + 2);
    assert!(hover.contains("(`ownership`)"), "{hover}");
    assert!(hover.contains("What the interviewer probes"), "{hover}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn each_folder_keeps_its_own_starling_toml_until_the_watcher_says_it_changed() {
    let dir = bank();
    let mut docs = Vec::new();
    for (folder, rule) in [("a", "missing-learning"), ("b", "speaking-time")] {
        std::fs::create_dir_all(dir.path().join(folder).join("stories")).expect("dir");
        write(
            &dir.path().join(folder).join("starling.toml"),
            &format!("[rules]\n{rule} = \"off\"\n"),
        );
        docs.push(TextDoc::new(
            &dir.path().join(folder).join("stories/launch.md"),
            WEAK,
        ));
    }
    let mut client = start(dir.path());
    let has = |diagnostics: &[Value], rule: &str| codes(diagnostics).contains(&rule.to_string());
    client.open(&docs[0]);
    let a = client.diagnostics(&docs[0].uri, 1);
    client.open(&docs[1]);
    let b = client.diagnostics(&docs[1].uri, 1);
    // The same text, two folders, two configurations.
    assert!(!has(&a, "missing-learning") && has(&a, "speaking-time"));
    assert!(has(&b, "missing-learning") && !has(&b, "speaking-time"));

    // Changed on disk, unannounced: typing goes on with the configuration it had.
    let config_a = dir.path().join("a/starling.toml");
    write(&config_a, "[rules]\nspeaking-time = \"off\"\n");
    let discoveries =
        |client: &mut Client, doc: &TextDoc| stats(client, doc)["configDiscoveries"].clone();
    // The bank scan discovers the folders of the files it finds: let it end first.
    client.wait_for("bank scan end", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("story bank:"))
    });
    let before = discoveries(&mut client, &docs[0]);
    for word in ["We", " shipped", " later."] {
        let end = docs[0].text.len();
        client.edit(&mut docs[0], end..end, word);
    }
    let a = client.diagnostics(&docs[0].uri, 4);
    assert!(!has(&a, "missing-learning") && has(&a, "speaking-time"));
    // Not a file was looked for or read while typing.
    assert_eq!(discoveries(&mut client, &docs[0]), before);

    // Announced: the document follows its folder's new configuration; the other folder's
    // stays as it was.
    client.drain();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::uri(&config_a), "type": 2 }] }),
    );
    let a = client.next_diagnostics(&docs[0].uri);
    assert!(has(&a, "missing-learning") && !has(&a, "speaking-time"));
    let b = client.next_diagnostics(&docs[1].uri);
    assert!(has(&b, "missing-learning") && !has(&b, "speaking-time"));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_cancelled_fix_all_holds_up_no_hover() {
    let dir = bank();
    let path = dir.path().join("stories/many.md");
    let text: String = (0..120)
        .map(|i| WEAK.replace("# Launch", &format!("# Launch {i}")))
        .collect::<Vec<_>>()
        .join("\n");
    // The server holds the fix-all until it is cancelled, so that the cancellation always
    // lands while it is under way, however fast the machine.
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            env: vec![("STARLING_DEBUG_HOLD_FIX_ALL", "1")],
            ..ClientSetup::default()
        },
    );
    let doc = TextDoc::new(&path, &text);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let fix_all = client.send_request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": doc.uri },
            "range": doc.range(0..0, Encoding::Utf16),
            "context": { "diagnostics": [], "only": ["source.fixAll"] },
        }),
    );
    // Once the fix-all is under way.
    client.wait_for("fix-all started", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("fix-all of") && m.ends_with("started"))
    });
    client.notify("$/cancelRequest", json!({ "id": fix_all }));
    let situation = doc.text.find("Situation").expect("label");
    assert!(client.hover(&doc, situation).contains("Situation"));
    // The cancelled request is answered too, as cancelled or with what was done by then.
    let answer = client.response(&json!(fix_all));
    assert!(
        answer["error"]["code"] == -32800 || answer.get("result").is_some(),
        "{answer}"
    );
    // And its work stopped there, rather than ran to the end unread.
    client.wait_for("fix-all stopped", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("fix-all of") && m.ends_with("cancelled"))
    });
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_byte_order_mark_hides_no_front_matter_and_positions_count_it() {
    let story = format!("---\nprompt: Tell me about a time you failed.\n---\n{WEAK}");
    for (encoding, width) in [(Encoding::Utf16, 1), (Encoding::Utf8, 3)] {
        let dir = bank();
        let mut client = Client::start(
            dir.path(),
            ClientSetup {
                encoding,
                ..ClientSetup::default()
            },
        );
        let mut plain = TextDoc::new(&dir.path().join("stories/plain.md"), &story);
        let mut marked = TextDoc::new(
            &dir.path().join("stories/marked.md"),
            &format!("\u{feff}{story}"),
        );
        // Where each diagnostic is, as the client of the text without the mark would see it;
        // but for the story bank's, which depend on the other files (the two documents name
        // the same prompt, and each is checked with what the bank held then).
        let view = |diagnostics: &[Value], shift: u64| -> Vec<(String, Value)> {
            let mut out: Vec<(String, Value)> = diagnostics
                .iter()
                .filter(|d| d["code"] != "prompt-coverage")
                .map(|d| {
                    let mut range = d["range"].clone();
                    for end in ["start", "end"] {
                        if range[end]["line"] == 0 {
                            let character = range[end]["character"].as_u64().expect("character");
                            range[end]["character"] = json!(character - shift);
                        }
                    }
                    (d["code"].as_str().unwrap_or("").to_string(), range)
                })
                .collect();
            out.sort_by_key(|(code, range)| (range.to_string(), code.clone()));
            out
        };
        client.open(&plain);
        let expected = client.diagnostics(&plain.uri, 1);
        client.open(&marked);
        let got = client.diagnostics(&marked.uri, 1);
        assert!(
            !codes(&got).contains(&"missing-prompt".to_string()),
            "{got:?}"
        );
        assert!(codes(&got).contains(&"missing-learning".to_string()));
        assert_eq!(view(&got, width), view(&expected, 0), "{}", encoding.name());

        // Typing after the mark, and a quick fix, land where they do without it.
        for doc in [&mut plain, &mut marked] {
            let at = doc.text.find("We had").expect("situation");
            client.edit(doc, at..at, "Late in Q3, ");
            let title = doc.text.find("Launch").expect("title");
            let actions = client.code_actions(doc, title..title);
            client.apply(doc, &action(&actions, "Insert a Learning part")["edit"]);
        }
        assert_eq!(marked.text, format!("\u{feff}{}", plain.text));
        let expected = client.diagnostics(&plain.uri, plain.version);
        let got = client.diagnostics(&marked.uri, marked.version);
        assert!(!codes(&got).contains(&"missing-learning".to_string()));
        assert_eq!(view(&got, width), view(&expected, 0), "{}", encoding.name());

        // A change on the first line, after the mark: the front matter's opening, rewritten.
        let mark = '\u{feff}'.len_utf8();
        client.edit(&mut marked, mark..mark + 3, "---");
        client.edit(&mut plain, 0..3, "---");
        assert_eq!(marked.text, format!("\u{feff}{}", plain.text));
        let expected = client.diagnostics(&plain.uri, plain.version);
        let got = client.diagnostics(&marked.uri, marked.version);
        assert!(!codes(&got).contains(&"missing-prompt".to_string()));
        assert_eq!(view(&got, width), view(&expected, 0), "{}", encoding.name());

        // One before the mark, which is then no longer at the start: nor is the front matter.
        client.edit(&mut marked, 0..0, "\n");
        client.edit(&mut plain, 0..0, "\n");
        let expected = client.diagnostics(&plain.uri, plain.version);
        let got = client.diagnostics(&marked.uri, marked.version);
        assert!(codes(&got).contains(&"missing-prompt".to_string()));
        let own = |diagnostics: &[Value]| -> Vec<String> {
            view(diagnostics, 0)
                .into_iter()
                .map(|(code, _)| code)
                .collect()
        };
        assert_eq!(own(&got), own(&expected), "{}", encoding.name());
        assert_eq!(client.shutdown(), Some(0));
    }
}

#[test]
fn a_request_waits_a_second_at_most_for_a_check() {
    // Every check takes four seconds, as the first check of a bank of megabytes does: a
    // request about a document just opened is answered before its check ends, with what
    // there is (nothing yet), and once the check is done, with its stories.
    let dir = bank();
    let mut client = Client::start(
        dir.path(),
        ClientSetup {
            env: vec![("STARLING_DEBUG_SLOW_CHECK_MS", "4000")],
            ..ClientSetup::default()
        },
    );
    let doc = TextDoc::new(&dir.path().join("stories/slow.md"), WEAK);
    client.open(&doc);
    let published = |client: &Client| {
        client.seen.iter().any(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == doc.uri
        })
    };
    let symbols = json!({ "textDocument": { "uri": doc.uri } });
    let early = client.request("textDocument/documentSymbol", symbols.clone());
    assert!(!published(&client), "answered only after the check");
    assert!(
        early.is_null() || early.as_array().is_some_and(Vec::is_empty),
        "{early}"
    );
    let title = doc.text.find("Launch").expect("title");
    let hover = client.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": doc.uri },
            "position": doc.position(title, Encoding::Utf16),
        }),
    );
    assert!(!published(&client), "answered only after the check");
    assert!(hover.is_null(), "{hover}");

    client.diagnostics(&doc.uri, 1);
    let late = client.request("textDocument/documentSymbol", symbols);
    assert_eq!(late.as_array().map(Vec::len), Some(1), "{late}");
    assert!(client.hover(&doc, title).contains("Launch"));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_big_bank_shows_its_top_stories_first_then_everything() {
    let dir = bank();
    let path = dir.path().join("stories/bank.md");
    let text = example_bank::bank(200_000);
    write(&path, &text);
    let mut client = start(dir.path());
    wait_scan_end(&mut client);
    let doc = TextDoc::new(&path, &text);
    client.open(&doc);
    let first = client.next_diagnostics(&doc.uri);
    let last = client.next_diagnostics(&doc.uri);

    let config = Config::default();
    let whole = starling::check_text(&text, &config);
    let top = starling::analysis::check_top(&text, starling::analysis::TOP_WINDOW, &config)
        .expect("the bank is long enough to have a top");
    // First the findings of the stories at the top, exactly as the whole check finds them.
    let top_findings: Vec<_> = whole
        .findings
        .iter()
        .filter(|f| f.story.is_some_and(|story| story < top.stories))
        .cloned()
        .collect();
    assert!(top.stories >= 5, "{} stories at the top", top.stories);
    assert!(!first.is_empty());
    assert_eq!(
        client_view(&first),
        findings_view(&text, &top_findings, Encoding::Utf16)
    );
    // Then everything, the bank's findings too: what `starling check` reports.
    let everything = check_view(&[&text], 0, &config, Encoding::Utf16);
    assert!(everything.len() > engine_view(&text, &config, Encoding::Utf16).len());
    assert!(everything.len() > first.len());
    assert_eq!(client_view(&last), everything);
    // Nothing after; requests see every story.
    assert_eq!(
        stats(&mut client, &doc)["stories"],
        whole.outline.stories.len()
    );
    assert_eq!(lenses(&mut client, &doc).len(), whole.outline.stories.len());
    client.drain();
    let published = client
        .seen
        .iter()
        .filter(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == doc.uri
        })
        .count();
    assert_eq!(published, 2);
    assert_eq!(client.shutdown(), Some(0));
}

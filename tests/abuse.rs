//! Protocol abuse against the real `starling lsp` binary: malformed frames, requests out of
//! order, stale versions, out-of-range positions, floods and huge documents. Each test checks
//! the answer the LSP and JSON-RPC specifications call for, then that the server still serves
//! a story normally and exits with the right status.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use starling::Config;
use support::{client_view, engine_view, Client, ClientSetup, Encoding, TextDoc};

const WEAK: &str = "# Launch\n\n## Situation\nWe had a launch.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped.\n";

fn bank() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("stories")).expect("stories dir");
    dir
}

/// A client of a bank whose stories are compared one file at a time with the engine: the
/// bank-wide `prompt-coverage` (which lands on one file of the bank) is off.
fn setup() -> ClientSetup {
    ClientSetup {
        init_options: serde_json::json!({ "rules": { "prompt-coverage": "off" } }),
        ..ClientSetup::default()
    }
}

fn start(root: &Path) -> Client {
    Client::start(root, setup())
}

/// Opens a fresh story and checks its diagnostics are the engine's: the server still serves.
fn assert_serves(client: &mut Client, root: &Path, name: &str) {
    let doc = TextDoc::new(&root.join("stories").join(name), WEAK);
    client.open(&doc);
    let diagnostics = client.diagnostics(&doc.uri, 1);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(WEAK, &Config::default(), Encoding::Utf16)
    );
}

fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn a_malformed_json_body_gets_a_parse_error_and_the_server_goes_on() {
    let dir = bank();
    let mut client = start(dir.path());
    client.send_raw(&frame(r#"{"jsonrpc":"2.0","id":7,"method":"#));
    let response = client.response(&Value::Null);
    assert_eq!(error_code(&response), Some(-32700), "{response}");
    // Valid JSON that is no JSON-RPC message: Invalid Request, also with a null id.
    client.send_raw(&frame(r#"[1,2,3]"#));
    let response = client.response(&Value::Null);
    assert_eq!(error_code(&response), Some(-32600), "{response}");
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_wrong_content_length_costs_at_most_the_frames_it_spoils() {
    let dir = bank();
    let mut client = start(dir.path());
    let hover = |id: i64| {
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": { "textDocument": { "uri": "file:///nowhere.md" }, "position": { "line": 0, "character": 0 } } })
        .to_string()
    };

    // Shorter than the body: the truncated body is a parse error, its tail is skipped, and the
    // next frame is served.
    let body = hover(1001);
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len() - 5).as_bytes());
    let response = client.response(&Value::Null);
    assert_eq!(error_code(&response), Some(-32700), "{response}");
    client.send_raw(&frame(&hover(1002)));
    assert_eq!(client.response(&json!(1002))["result"], Value::Null);

    // Longer than the body: the frame swallows the start of the next one, which is lost with
    // it (no server can tell), but the frame after that is served.
    let body = hover(1003);
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len() + 40).as_bytes());
    client.send_raw(&frame(&hover(1004)));
    client.send_raw(&frame(&hover(1005)));
    let response = client.response(&Value::Null);
    assert_eq!(error_code(&response), Some(-32700), "{response}");
    assert_eq!(client.response(&json!(1005))["result"], Value::Null);

    // Not a number: a parse error, then the next frame is served.
    client.send_raw(b"Content-Length: ten\r\n\r\n{}");
    let response = client.response(&Value::Null);
    assert_eq!(error_code(&response), Some(-32700), "{response}");
    client.send_raw(&frame(&hover(1006)));
    assert_eq!(client.response(&json!(1006))["result"], Value::Null);

    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_request_before_initialize_is_refused_as_not_initialized() {
    let dir = bank();
    let setup = setup();
    let mut client = Client::spawn(dir.path(), &setup);
    let response = client.call(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.md" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(error_code(&response), Some(-32002), "{response}");
    client.initialize(dir.path(), &setup);
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn unknown_methods_are_refused_and_unknown_notifications_ignored() {
    let dir = bank();
    let mut client = start(dir.path());
    let response = client.call("starling/noSuchThing", json!({}));
    assert_eq!(error_code(&response), Some(-32601), "{response}");
    client.notify("starling/noSuchNotification", json!({}));
    client.notify("$/noSuchNotification", json!({ "x": 1 }));
    // A request after them is answered, and nothing answered the notifications: every
    // response the client saw has a request id of its own.
    let response = client.call("starling/stillNothing", json!({}));
    assert_eq!(error_code(&response), Some(-32601), "{response}");
    assert_serves(&mut client, dir.path(), "after.md");
    client.drain();
    assert!(
        client.seen.iter().all(|m| m.get("method").is_some()),
        "a response without a request"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_change_to_a_document_never_opened_is_ignored() {
    let dir = bank();
    let mut client = start(dir.path());
    let ghost = support::uri(&dir.path().join("stories/ghost.md"));
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": ghost, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# Ghost\n" }] }),
    );
    assert_serves(&mut client, dir.path(), "after.md");
    let response = client.call(
        "textDocument/hover",
        json!({ "textDocument": { "uri": ghost }, "position": { "line": 0, "character": 2 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    client.drain();
    assert!(
        !client.seen.iter().any(
            |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == ghost
        ),
        "diagnostics for a document never opened"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_version_going_backwards_still_publishes_the_latest_text() {
    let dir = bank();
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&dir.path().join("stories/back.md"), WEAK);
    doc.version = 5;
    client.open(&doc);
    client.diagnostics(&doc.uri, 5);
    let end = doc.text.len();
    client.edit(&mut doc, end..end, "\n## Learning\nI learned to test.\n");
    doc.version = 2; // The next change claims version 3.
    let at = doc.text.find("We slipped.").expect("result");
    client.edit(
        &mut doc,
        at..at + "We slipped.".len(),
        "We shipped 3 days late.",
    );
    let diagnostics = client.diagnostics(&doc.uri, 3);
    let expected = engine_view(&doc.text, &Config::default(), Encoding::Utf16);
    assert_eq!(client_view(&diagnostics), expected);
    assert_serves(&mut client, dir.path(), "after.md");
    client.drain();
    let last = client
        .seen
        .iter()
        .rev()
        .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == doc.uri)
        .expect("a publication");
    assert_eq!(last["params"]["version"], json!(3));
    let empty = Vec::new();
    let published = last["params"]["diagnostics"].as_array().unwrap_or(&empty);
    assert_eq!(client_view(published), expected);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn ranges_past_the_end_and_inside_surrogate_pairs_are_clamped() {
    let dir = bank();
    let mut client = start(dir.path());
    let text = "# Launch 😀x\n\n## Situation\nWe had a launch.\n";
    let mut doc = TextDoc::new(&dir.path().join("stories/clamp.md"), text);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let send = |client: &mut Client, doc: &mut TextDoc, range: Value, new: &str, expected: &str| {
        doc.version += 1;
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": doc.uri, "version": doc.version },
                "contentChanges": [{ "range": range, "text": new }] }),
        );
        doc.text = expected.to_string();
    };
    // Past the last line: the end of the text.
    let expected = format!("{text}## Result\nWe shipped.\n");
    send(
        &mut client,
        &mut doc,
        json!({ "start": { "line": 99, "character": 0 }, "end": { "line": 120, "character": 7 } }),
        "## Result\nWe shipped.\n",
        &expected,
    );
    // Past the end of a line: the end of that line (before its line break).
    let expected = expected.replacen("## Situation\n", "## Situation!\n", 1);
    send(
        &mut client,
        &mut doc,
        json!({ "start": { "line": 2, "character": 500 }, "end": { "line": 2, "character": 900 } }),
        "!",
        &expected,
    );
    // Column 10 (UTF-16) is inside the emoji, which starts at 9: rounded down to its start.
    let expected = expected.replacen("😀", "🚀😀", 1);
    send(
        &mut client,
        &mut doc,
        json!({ "start": { "line": 0, "character": 10 }, "end": { "line": 0, "character": 10 } }),
        "🚀",
        &expected,
    );
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&expected, &Config::default(), Encoding::Utf16)
    );
    // Hover and code actions at such positions are answered (null or a list), not refused.
    for position in [
        json!({ "line": 0, "character": 10 }),
        json!({ "line": 2, "character": 999 }),
        json!({ "line": 999, "character": 0 }),
    ] {
        let hover = client.call(
            "textDocument/hover",
            json!({ "textDocument": { "uri": doc.uri }, "position": position }),
        );
        assert!(hover.get("error").is_none(), "{hover}");
        let actions = client.call(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": doc.uri }, "range": { "start": position, "end": { "line": 5000, "character": 5000 } }, "context": { "diagnostics": [] } }),
        );
        assert!(actions.get("error").is_none(), "{actions}");
        assert!(
            actions["result"].is_null() || actions["result"].is_array(),
            "{actions}"
        );
    }
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

/// Whether diagnostics of `big` were published so far.
fn published(client: &Client, big: &TextDoc) -> bool {
    client
        .seen
        .iter()
        .any(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == big.uri)
}

/// Whether the whole check of `big` has published: the first publish of a big document can
/// hold only the findings of the stories at its top, which its first `TOP_WINDOW` bytes settle.
fn published_whole(client: &Client, big: &TextDoc) -> bool {
    let top = starling::analysis::TOP_WINDOW.min(big.text.len());
    let top_lines = big.text.as_bytes()[..top]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    client.seen.iter().any(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == big.uri
            && m["params"]["diagnostics"].as_array().is_some_and(|all| {
                all.iter()
                    .any(|d| d["range"]["start"]["line"].as_u64() > Some(top_lines as u64))
            })
    })
}

/// The diagnostics of `big`, waiting as long as checking a big document in a debug build on a
/// shared machine takes.
fn big_diagnostics(client: &mut Client, big: &TextDoc) -> Vec<Value> {
    let published = client.wait_for_within(
        "the big document's diagnostics",
        Duration::from_secs(300),
        |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == big.uri,
    );
    published["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_50_mb_document_does_not_stall_the_others_and_gets_a_note() {
    // A liveness bound, not a benchmark: generous for a debug build on a shared 2-core machine.
    let prompt = Duration::from_secs(10);
    let dir = bank();
    let mut client = start(dir.path());
    let mut other = TextDoc::new(&dir.path().join("stories/small.md"), WEAK);
    client.open(&other);
    client.diagnostics(&other.uri, 1);
    let big_text = "We had a launch and it went well enough.\n".repeat(50 * 1024 * 1024 / 41);
    let big = TextDoc::new(&dir.path().join("stories/big.md"), &big_text);
    client.open(&big);
    let asked = Instant::now();
    let at = other.text.find("Launch").expect("title");
    let hover = client.hover(&other, at);
    assert!(!hover.is_empty());
    let waited = asked.elapsed();
    assert!(
        waited < prompt,
        "a hover on another document during a 50 MB open took {waited:?}"
    );
    // The big document's check starts after a second and takes many more (tens in a debug
    // build); it runs on a lane of its own, so another document's change is checked meanwhile.
    std::thread::sleep(Duration::from_secs(2));
    let end = other.text.len();
    client.edit(
        &mut other,
        end..end,
        "\n## Learning\nSince then I test first.\n",
    );
    let asked = Instant::now();
    let diagnostics = client.diagnostics(&other.uri, other.version);
    let waited = asked.elapsed();
    assert!(
        waited < prompt,
        "the diagnostics of another document took {waited:?} while a 50 MB one was checked"
    );
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&other.text, &Config::default(), Encoding::Utf16)
    );
    assert!(
        !published(&client, &big),
        "the big document was checked before the other's change: nothing was tested"
    );
    // Checking 50 MB in a debug build on a shared machine takes a while.
    let diagnostics = big_diagnostics(&mut client, &big);
    let note = diagnostics
        .iter()
        .find(|d| d["code"] == "large-file")
        .expect("a large-file note");
    assert_eq!(note["severity"], 3);
    assert!(note["message"]
        .as_str()
        .is_some_and(|m| m.contains("max-file-size")));
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn ten_thousand_one_character_changes_end_in_the_right_diagnostics() {
    let dir = bank();
    let mut client = start(dir.path());
    let mut doc = TextDoc::new(&dir.path().join("stories/burst.md"), WEAK);
    client.open(&doc);
    client.diagnostics(&doc.uri, 1);
    let typed = "We shipped 3 days late and cut churn 12%. ";
    for i in 0..10_000 {
        let c = typed.as_bytes()[i % typed.len()] as char;
        let end = doc.text.len();
        client.edit(&mut doc, end..end, &c.to_string());
    }
    let diagnostics = client.diagnostics(&doc.uri, doc.version);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&doc.text, &Config::default(), Encoding::Utf16)
    );
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn cancelled_requests_get_their_result_or_request_cancelled() {
    let dir = bank();
    let mut client = start(dir.path());
    let doc = TextDoc::new(&dir.path().join("stories/cancel.md"), WEAK);
    client.open(&doc);
    let ids: Vec<i64> = (0..40)
        .map(|i| {
            let method = ["textDocument/hover", "textDocument/codeAction", "textDocument/documentSymbol"][i % 3];
            let params = json!({ "textDocument": { "uri": doc.uri }, "position": { "line": 0, "character": 3 },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } },
                "context": { "diagnostics": [] } });
            client.send_request(method, params)
        })
        .collect();
    for id in &ids {
        client.notify("$/cancelRequest", json!({ "id": id }));
    }
    for id in &ids {
        let response = client.response(&json!(id));
        let ok = response.get("result").is_some() && response.get("error").is_none();
        assert!(ok || error_code(&response) == Some(-32800), "{response}");
    }
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = bank();
    let mut client = start(dir.path());
    assert_serves(&mut client, dir.path(), "before.md");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn requests_after_shutdown_are_invalid_and_exit_is_status_0() {
    let dir = bank();
    let mut client = start(dir.path());
    assert_serves(&mut client, dir.path(), "before.md");
    let response = client.call("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null, "{response}");
    let response = client.call(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.md" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(error_code(&response), Some(-32600), "{response}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn two_thousand_documents_opened_and_closed_are_dropped() {
    let dir = bank();
    let mut client = start(dir.path());
    let docs: Vec<TextDoc> = (0..2_000)
        .map(|i| TextDoc::new(&dir.path().join(format!("stories/s{i}.md")), WEAK))
        .collect();
    for doc in &docs {
        client.open(doc);
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": doc.uri } }),
        );
    }
    assert_serves(&mut client, dir.path(), "after.md");
    let at = WEAK.find("Launch").expect("title");
    for doc in docs.iter().step_by(250) {
        let response = client.call(
            "textDocument/hover",
            json!({ "textDocument": { "uri": doc.uri }, "position": doc.position(at, Encoding::Utf16) }),
        );
        assert_eq!(response["result"], Value::Null, "{response}");
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_content_length_near_usize_max_is_a_parse_error_and_the_session_goes_on() {
    let dir = bank();
    let mut client = start(dir.path());
    for length in ["18446744073709551615", "99999999999999"] {
        client.send_raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        let response = client.response(&Value::Null);
        assert_eq!(error_code(&response), Some(-32700), "{response}");
    }
    assert_serves(&mut client, dir.path(), "after.md");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn shutdown_and_exit_accept_params_absent_null_empty_object_or_empty_array() {
    for params in [None, Some(json!(null)), Some(json!({})), Some(json!([]))] {
        let dir = bank();
        let mut client = start(dir.path());
        assert_serves(&mut client, dir.path(), "before.md");
        let with = |method: &str, id: Option<i64>| {
            let mut message = json!({ "jsonrpc": "2.0", "method": method });
            if let Some(id) = id {
                message["id"] = json!(id);
            }
            if let Some(params) = &params {
                message["params"] = params.clone();
            }
            message
        };
        let id = client.new_id();
        client.send(with("shutdown", Some(id)));
        let response = client.response(&json!(id));
        assert!(response.get("error").is_none(), "{params:?}: {response}");
        assert_eq!(response["result"], Value::Null, "{params:?}: {response}");
        client.send(with("exit", None));
        assert_eq!(client.wait_exit(), Some(0), "{params:?}");
    }
}

/// A Markdown file of `stories` weak stories, each with its own title.
fn many_stories(stories: usize) -> String {
    (0..stories)
        .map(|i| WEAK.replace("# Launch", &format!("# Launch {i}")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_big_document_under_max_file_size_does_not_hold_up_another_s_diagnostics() {
    let dir = bank();
    let mut client = start(dir.path());
    let mut small = TextDoc::new(&dir.path().join("stories/small.md"), WEAK);
    client.open(&small);
    client.diagnostics(&small.uri, 1);
    // About 300 KB: well under `max-file-size` (10 MB), and seconds to check from scratch.
    let big = TextDoc::new(&dir.path().join("stories/big.md"), &many_stories(3_000));
    assert!(big.text.len() < 10 * 1024 * 1024);
    client.open(&big);
    let end = small.text.len();
    client.edit(
        &mut small,
        end..end,
        "\n## Learning\nSince then I test first.\n",
    );
    let diagnostics = client.diagnostics(&small.uri, small.version);
    assert_eq!(
        client_view(&diagnostics),
        engine_view(&small.text, &Config::default(), Encoding::Utf16)
    );
    assert!(
        !published_whole(&client, &big),
        "the small document's diagnostics waited for the big document's check"
    );
    // The big document is a story file under the limit: it is checked in full, on its lane.
    let stats = client.request(
        "starling/stats",
        json!({ "textDocument": { "uri": big.uri } }),
    );
    assert!(stats.is_object(), "{stats}");
    assert_eq!(client.shutdown(), Some(0));
}

/// Waits for the log line with which the server ends a scan of the story bank.
fn bank_scanned(client: &mut Client) -> String {
    let message = client.wait_for("the story bank scan", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|text| text.starts_with("story bank: "))
    });
    message["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_bank_skips_files_over_max_file_size_and_fifos_and_config_changes_still_apply() {
    let dir = bank();
    let config = dir.path().join("starling.toml");
    std::fs::write(&config, "max-file-size = 4000\n").expect("writes");
    std::fs::write(dir.path().join("stories/small.md"), WEAK).expect("writes");
    std::fs::write(dir.path().join("stories/huge.md"), many_stories(100)).expect("writes");
    let pipe = dir.path().join("stories/pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("runs mkfifo");
    assert!(made.success());

    let mut client = start(dir.path());
    assert_eq!(
        bank_scanned(&mut client),
        "story bank: 1 story files, 1 stories"
    );
    let doc = TextDoc::new(&dir.path().join("stories/small.md"), WEAK);
    client.open(&doc);
    let before = client.diagnostics(&doc.uri, 1);
    assert!(before.iter().any(|d| d["code"] == "missing-learning"));

    // The editor reports the FIFO as changed; reading it would block for good.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::uri(&pipe), "type": 2 }] }),
    );
    std::fs::write(
        &config,
        "max-file-size = 4000\n[rules]\nmissing-learning = \"off\"\n",
    )
    .expect("writes");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::uri(&config), "type": 2 }] }),
    );
    let after = client.wait_for("diagnostics without missing-learning", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == doc.uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().all(|d| d["code"] != "missing-learning"))
    });
    assert_eq!(after["params"]["version"], json!(1));
    assert_eq!(client.shutdown(), Some(0));
}

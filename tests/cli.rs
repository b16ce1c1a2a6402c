//! `starling check`, `rules` and `explain`, run as the real binary in a temporary folder with
//! a cleared environment.

mod cli_support;

use std::path::Path;
use std::process::Output;

use cli_support::{bank, run, starling, stderr, stdout, WEAK};
use serde_json::Value;

fn starling_with_stdin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run(dir, args, stdin.map(str::as_bytes), &[])
}

#[test]
fn human_output_names_path_line_column_severity_and_rule() {
    let dir = bank();
    let output = starling(dir.path(), &["check", "--color", "never", "."]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}{}", stderr(&output));
    assert!(
        out.contains("./stories/weak.md:4:3: warning[missing-learning] No Learning part: say what caused the failure"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().contains("in 1 story (1 file)"),
        "{out}"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = bank();
    let errors_only = starling(dir.path(), &["check", "--fail-on", "error", "."]);
    assert_eq!(
        errors_only.status.code(),
        Some(0),
        "{}",
        stdout(&errors_only)
    );
    let hints = starling(dir.path(), &["check", "--fail-on", "hint", "."]);
    assert_eq!(hints.status.code(), Some(1));
}

#[test]
fn json_output_is_an_array_of_findings() {
    let dir = bank();
    let output = starling(
        dir.path(),
        &["check", "--format", "json", "stories/weak.md"],
    );
    let findings: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let learning = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing-learning")
        .expect("a missing-learning finding");
    assert_eq!(learning["severity"], "warning");
    assert_eq!(learning["line"], 4);
    assert_eq!(learning["column"], 3);
    assert_eq!(learning["story"], "Worked late");
    assert_eq!(learning["fix"]["title"], "Insert a Learning part");
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let dir = bank();
    let output = starling(dir.path(), &["check", "--format", "sarif", "stories"]);
    let log: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "starling");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "missing-learning"));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "missing-learning")
        .expect("a result");
    assert_eq!(result["level"], "warning");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "missing-learning");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "stories/weak.md");
    assert_eq!(location["region"]["startLine"], 4);
}

#[test]
fn fix_writes_every_fix_and_the_findings_go_away() {
    let dir = bank();
    let output = starling(dir.path(), &["check", "--fix", "--format", "json", "."]);
    let findings: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert!(findings
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "missing-learning"));
    let fixed = std::fs::read_to_string(dir.path().join("stories/weak.md")).unwrap();
    // Every line of the story is still there, in order; fixes only added lines.
    let mut rest = fixed.as_str();
    for line in WEAK.lines() {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("lost {line:?}:\n{fixed}"));
        rest = &rest[at + line.len()..];
    }
    assert!(
        fixed.contains("## Result\nWe slipped two weeks.\n\nTODO: Add the cost"),
        "{fixed}"
    );
    assert!(
        fixed.ends_with("## Learning\n\nTODO: Root cause: why did it happen, beyond what went wrong? (an assumption, a habit, a fear)\nTODO: The concrete change: what checklist, test, review, rule or recurring habit did you put in place?\nTODO: Evidence it stuck: where have you used the change since, and what happened?\n"),
        "{fixed}"
    );
    // Nothing was left behind but the file itself.
    let entries: Vec<_> = std::fs::read_dir(dir.path().join("stories"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
}

#[test]
fn standard_input_is_checked_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let output = starling_with_stdin(dir.path(), &["check", "--color", "never", "-"], Some(WEAK));
    assert!(
        stdout(&output).contains("<stdin>:4:3: warning[missing-learning]"),
        "{}",
        stdout(&output)
    );
    let fixed = starling_with_stdin(dir.path(), &["check", "--fix", "-"], Some(WEAK));
    assert!(
        stdout(&fixed).contains("## Learning\n"),
        "{}",
        stdout(&fixed)
    );
}

#[test]
fn folders_use_the_include_globs_and_gitignore_but_named_files_are_always_checked() {
    let dir = bank();
    let no_front_matter = WEAK.split("---\n").nth(2).unwrap();
    std::fs::write(dir.path().join("notes.md"), no_front_matter).unwrap();
    std::fs::write(dir.path().join("ignored.story.md"), WEAK).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored.story.md\n").unwrap();
    std::fs::write(
        dir.path().join("tagged.md"),
        WEAK.replace("prompt:", "theme: failure\nprompt:"),
    )
    .unwrap();
    let output = starling(dir.path(), &["check", "--format", "json", "."]);
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut paths: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths, ["./stories/weak.md", "./tagged.md"]);

    let named = starling(dir.path(), &["check", "--format", "json", "notes.md"]);
    let findings: Value = serde_json::from_slice(&named.stdout).unwrap();
    assert!(!findings.as_array().unwrap().is_empty());
}

#[test]
fn configuration_turns_rules_off_and_bad_configuration_exits_2() {
    let dir = bank();
    std::fs::write(
        dir.path().join("starling.toml"),
        "[rules]\nmissing-learning = \"off\"\n",
    )
    .unwrap();
    let output = starling(dir.path(), &["check", "--format", "json", "."]);
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(findings
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "missing-learning"));

    std::fs::write(
        dir.path().join("starling.toml"),
        "[rules]\nmissing-lerning = \"off\"\n",
    )
    .unwrap();
    let bad = starling(dir.path(), &["check", "."]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("starling.toml:2:1: unknown rule id `missing-lerning`: did you mean `missing-learning`?"),
        "{}",
        stderr(&bad)
    );

    let other = dir.path().join("other.toml");
    std::fs::write(&other, "[rules]\nspeaking-time = \"error\"\n").unwrap();
    let explicit = starling(
        dir.path(),
        &["check", "--format", "json", "--config", "other.toml", "."],
    );
    let findings: Value = serde_json::from_slice(&explicit.stdout).unwrap();
    let speaking = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "speaking-time")
        .expect("speaking-time fires on a short story");
    assert_eq!(speaking["severity"], "error");
}

#[test]
fn bad_input_gets_a_clear_result() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("empty.md", b"");
    write("nostory.md", b"# Shopping\n\n- eggs\n- milk\n");
    write(
        "headings.md",
        b"# Outage\n## Situation\n## Task\n## Action\n## Result\n",
    );
    write("binary.md", &[0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96]);

    let empty = starling(
        dir.path(),
        &["check", "--color", "never", "empty.md", "nostory.md"],
    );
    assert_eq!(empty.status.code(), Some(0));
    assert!(
        stdout(&empty).contains("No findings in 0 stories (2 files)."),
        "{}",
        stdout(&empty)
    );

    let headings = starling(dir.path(), &["check", "--format", "json", "headings.md"]);
    let findings: Value = serde_json::from_slice(&headings.stdout).unwrap();
    let empty_parts = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "empty-section")
        .count();
    assert_eq!(empty_parts, 4);

    let binary = starling(dir.path(), &["check", "binary.md"]);
    assert_eq!(binary.status.code(), Some(2));
    assert!(
        stderr(&binary).contains("binary.md: not UTF-8 text"),
        "{}",
        stderr(&binary)
    );

    // A file over the size limit is named and skipped, never half-read.
    let big = dir.path().join("big.story.md");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let output = starling(dir.path(), &["check", "big.story.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("big.story.md: 50.0 MB is over the 10.0 MB limit"),
        "{}",
        stderr(&output)
    );

    let missing = starling(dir.path(), &["check", "nope.md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.md: no such file or folder"));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let rules = starling(dir.path(), &["rules"]);
    assert!(stdout(&rules)
        .lines()
        .any(|l| l.starts_with("missing-learning")
            && l.contains("warning")
            && l.contains("[fix]")));
    let json: Value =
        serde_json::from_slice(&starling(dir.path(), &["rules", "--json"]).stdout).unwrap();
    assert!(json.as_array().unwrap().len() >= 7);

    let explain = starling(dir.path(), &["explain", "missing-learning"]);
    assert!(stdout(&explain).starts_with("# missing-learning\n\n## What it flags\n"));
    let unknown = starling(dir.path(), &["explain", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));

    let usage = starling(dir.path(), &["check", "--format", "yaml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn a_one_megabyte_line_with_no_break_still_gets_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let words = [
        "I", "cut", "the", "dry", "run", "because", "the", "window", "was", "short",
    ];
    let mut line = String::new();
    let mut i = 0;
    while line.len() < 1_000_000 {
        line.push_str(words[i % words.len()]);
        line.push(' ');
        i += 1;
    }
    std::fs::write(
        dir.path().join("long.story.md"),
        format!("# Story\n\n## Action\n{line}"),
    )
    .unwrap();
    let output = starling(dir.path(), &["check", "--format", "json", "long.story.md"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let findings: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"missing-star-section"), "{rules:?}");
    assert!(rules.contains(&"speaking-time"), "{rules:?}");
}

#[test]
fn score_prints_five_dimensions_and_the_follow_ups() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let strong = "tests/fixtures/seeds/strong-migration.story.md";
    let weak = "tests/fixtures/seeds/weak-worked-too-hard.story.md";
    let human = starling(root, &["score", strong]);
    let text = stdout(&human);
    for dimension in [
        "Ownership",
        "Root cause",
        "Recovery",
        "Learning loop",
        "Scope and impact",
    ] {
        assert!(text.contains(dimension), "{text}");
    }
    let output = starling(
        root,
        &["score", "--format", "json", "--follow-ups", strong, weak],
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let story = |file: usize| report["files"][file]["stories"][0].clone();
    let (strong, weak) = (story(0), story(1));
    assert_eq!(strong["max"], 20);
    assert_eq!(strong["dimensions"].as_array().unwrap().len(), 5);
    assert!(strong["total"].as_u64().unwrap() > weak["total"].as_u64().unwrap());
    let answered = |story: &Value| {
        story["follow_ups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["answer"].is_null())
            .count()
    };
    assert_eq!(weak["follow_ups"].as_array().unwrap().len(), 5);
    assert_eq!(answered(&weak), 0);
    assert!(answered(&strong) >= 3, "{strong}");
}

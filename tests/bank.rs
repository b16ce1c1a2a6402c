//! Competency sets and the story bank: every set under themes/competencies loads with unique
//! ids, and `starling bank`, `starling check` and `starling lsp` report the matrix and the
//! coverage findings of examples/bank, run as the real binary.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn starling(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_starling"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("the binary runs")
}

/// What `starling check .` prints in `dir`.
fn checked(dir: &Path) -> String {
    String::from_utf8_lossy(&starling(dir, &["check", "--color", "never", "."]).stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn every_competency_set_loads_and_its_ids_are_unique() {
    let dir = root().join("themes/competencies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("themes/competencies exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    assert_eq!(files.len(), starling::competency::sets().len());
    for path in &files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let set = starling::competency::find(&stem)
            .unwrap_or_else(|| panic!("{stem}: not embedded, or its `name` is not `{stem}`"));
        assert_eq!(set.name, stem);
        assert!(!set.description.is_empty(), "{stem}");
        let mut ids = HashSet::new();
        for competency in &set.competencies {
            let id = &competency.id;
            assert!(ids.insert(id.clone()), "{stem}: `{id}` appears twice");
            assert!(
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{stem}: `{id}` is not a kebab-case id"
            );
            assert!(!competency.name.is_empty(), "{stem}: {id}");
            assert!(competency.probes.len() > 40, "{stem}: {id}: probes");
            assert!(!competency.prompts.is_empty(), "{stem}: {id}: prompts");
            assert!(
                !competency.follow_ups.is_empty(),
                "{stem}: {id}: follow_ups"
            );
            assert!(!competency.cues.is_empty(), "{stem}: {id}: cues");
            for cue in &competency.cues {
                starling::theme::compile_pattern(cue)
                    .unwrap_or_else(|err| panic!("{stem}: {id}: cue `{cue}`: {err}"));
            }
        }
    }
    let amazon = starling::competency::find("amazon").unwrap();
    assert_eq!(amazon.competencies.len(), 16);
}

#[test]
fn the_matrix_of_the_example_bank() {
    let output = starling(root(), &["bank", "examples/bank", "--format", "json"]);
    assert!(output.status.success(), "{output:?}");
    let bank = json(&output);
    assert_eq!(bank["by"], "competencies");
    assert_eq!(bank["set"], "general");
    assert_eq!(bank["needed"], 2);
    let stories = bank["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 5);
    let titles: Vec<&str> = stories
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    let rows = bank["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    let named_by = |id: &str| -> Vec<&str> {
        let row = rows.iter().find(|r| r["id"] == id).unwrap();
        row["stories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| titles[i.as_u64().unwrap() as usize])
            .collect()
    };
    assert_eq!(
        named_by("leadership"),
        [
            "The design review that went badly",
            "Choosing a map provider in ten days"
        ]
    );
    assert_eq!(named_by("failure"), ["The data export that shipped late"]);
    assert_eq!(
        bank["gaps"],
        serde_json::json!(["failure", "hard-decision", "initiative"])
    );
}

#[test]
fn the_terminal_matrix_marks_the_gaps() {
    let output = starling(root(), &["bank", "examples/bank"]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}:\n{text}"))
            .to_string()
    };
    assert!(line("failure").ends_with("gap: needs 2"), "{text}");
    assert!(!line("conflict").contains("gap"), "{text}");
    assert!(
        text.contains("6 of 9 rows covered; 3 gaps: failure, hard-decision, initiative"),
        "{text}"
    );
    let prompts = starling(root(), &["bank", "examples/bank", "--by", "prompts"]);
    let text = String::from_utf8_lossy(&prompts.stdout);
    assert!(text.contains("Tell me about a time you failed."), "{text}");
}

#[test]
fn check_reports_the_coverage_and_the_unshown_competency() {
    let output = starling(root(), &["check", "examples/bank", "--format", "json"]);
    let findings = json(&output);
    let of = |rule: &str| -> Vec<&Value> {
        findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect()
    };
    let coverage = of("competency-coverage");
    assert_eq!(coverage.len(), 1, "{findings:#}");
    assert_eq!(
        coverage[0]["message"],
        "Competencies `general`: 6 of 9 have 2 ready stories; too few for: failure (1), hard-decision (1), initiative (1)"
    );
    let unshown = of("competency-not-shown");
    assert_eq!(unshown.len(), 1, "{findings:#}");
    assert_eq!(unshown[0]["severity"], "hint");
    assert!(unshown[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("design-review.story.md"));
    assert!(unshown[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("`leadership` (Leadership) is named"));
    assert!(of("unknown-competency").is_empty(), "{findings:#}");
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{findings:#}"
    );
}

const STORY: &str = "## Situation\nI ran billing for a shop of forty people.\n\n## Task\nI owned the invoice run.\n\n## Action\nI read the logs and traced the double charges to one retry.\n\n## Result\nRefunds fell by 80% in a month.\n";

fn bank_dir(config: &str, front_matter: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if !config.is_empty() {
        std::fs::write(dir.path().join("starling.toml"), config).unwrap();
    }
    std::fs::write(
        dir.path().join("refunds.story.md"),
        format!("---\nprompt: Tell me about a time you failed.\n{front_matter}---\n\n# The refund retry\n\n{STORY}"),
    )
    .unwrap();
    dir
}

#[test]
fn an_unknown_competency_is_an_error_with_the_nearest_ids() {
    let dir = bank_dir(
        "competencies = \"amazon\"\n",
        "competencies: [dive-deep, owner-ship]\n",
    );
    let output = starling(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("refunds.story.md:3:27: error[unknown-competency] `owner-ship` is not a competency of the `amazon` set: did you mean `ownership`?"),
        "{text}"
    );
    // dive-deep is told (logs, traced), so it gets no hint.
    assert!(!text.contains("competency-not-shown"), "{text}");
    assert!(
        text.contains("info[competency-coverage] Competencies `amazon`: 0 of 16"),
        "{text}"
    );

    // An id from another set says which set holds it.
    let dir = bank_dir("", "competencies: [dive-deep]\n");
    let text = checked(dir.path());
    assert!(
        text.contains("`dive-deep` is not a competency of the `general` set (it is in the `amazon` set: `competencies = \"amazon\"` in starling.toml picks it)"),
        "{text}"
    );
}

#[test]
fn a_bank_that_names_no_competency_gets_no_competency_finding() {
    let dir = bank_dir("", "");
    let output = starling(dir.path(), &["check", "--format", "json", "."]);
    let findings = json(&output);
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["rule"].as_str().unwrap().contains("competency")),
        "{findings:#}"
    );
    // Picking a set in starling.toml asks for coverage even before any story names one.
    let dir = bank_dir(
        "competencies = \"google\"\nstories-per-competency = 1\n",
        "",
    );
    let text = checked(dir.path());
    assert!(
        text.contains("Competencies `google`: 0 of 7 have 1 ready story"),
        "{text}"
    );
}

#[test]
fn an_unknown_set_is_a_configuration_error() {
    let dir = bank_dir("competencies = \"amazn\"\n", "");
    let output = starling(dir.path(), &["bank", "."]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("unknown competency set `amazn` (known: amazon, general, google)"),
        "{text}"
    );
}

#[test]
fn the_server_reports_the_competency_findings_for_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/bank")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut client = support::Client::start(
        dir.path(),
        support::ClientSetup {
            pull: true,
            ..support::ClientSetup::default()
        },
    );
    client.wait_for("bank scan end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let report = client.request(
        "workspace/diagnostic",
        serde_json::json!({ "previousResultIds": [] }),
    );
    let reports = report["items"].as_array().expect("items");
    assert_eq!(reports.len(), 5, "{report:#}");
    let review = support::uri(&dir.path().join("design-review.story.md"));
    let mut found: Vec<String> = Vec::new();
    for report in reports {
        for item in report["items"].as_array().expect("items") {
            let code = item["code"].as_str().unwrap_or_default();
            if code.contains("competency") {
                assert_eq!(report["uri"], review, "{item}");
                found.push(code.to_string());
            }
        }
    }
    found.sort();
    assert_eq!(found, ["competency-coverage", "competency-not-shown"]);
    assert_eq!(client.shutdown(), Some(0));
}

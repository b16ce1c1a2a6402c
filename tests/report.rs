//! `starling report` on examples/bank: one self-contained page, and that page opened in real
//! headless Chromium (Debian's, as the editor tests install it) shows the matrix, one chart per
//! story, and no console error.
//!
//! The Chromium test is skipped when `STARLING_SKIP_EDITORS` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn report(dir: &Path) -> (PathBuf, String) {
    let out = dir.join("bank.html");
    let output: Output = Command::new(env!("CARGO_BIN_EXE_starling"))
        .args(["report", "examples/bank", "-o"])
        .arg(&out)
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("wrote the report of 5 stories"),
        "{output:?}"
    );
    let html = std::fs::read_to_string(&out).expect("the report is written");
    (out, html)
}

#[test]
fn the_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for outside in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "the page loads something: {outside}"
        );
    }
    assert!(html.contains("@media (prefers-color-scheme: dark)"));
    assert!(html.contains("@media print"));
    assert_eq!(html.matches("<table class=\"matrix\"").count(), 2);
    assert_eq!(html.matches("<svg class=\"score-chart\"").count(), 5);
    // Each chart has a text alternative.
    assert_eq!(html.matches("<desc id=\"chart-").count(), 5);
    // The three competencies short of two stories are marked in words, not only colour.
    let competencies = html.split("</table>").next().unwrap_or_default();
    assert_eq!(competencies.matches("<tr class=\"gap\">").count(), 3);
    assert!(competencies.contains("<span class=\"status\">Gap: 1 of 2</span>"));
    assert!(html.contains("Add a story for Failure (1 of 2 ready)"));
    // Links to the story files are relative to the page's folder.
    let link = format!(
        "href=\"{}\"",
        pathdiff(
            dir.path(),
            &root().join("examples/bank/late-export.story.md")
        )
    );
    assert!(html.contains(&link), "no {link}");
}

/// The relative link the report writes, computed independently.
fn pathdiff(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec!["..".to_string(); from.len() - shared];
    parts.extend(
        to[shared..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Headless Chromium with a fresh profile in `dir`, offline, plus `args`.
fn chromium_run(browser: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
}

#[test]
fn chromium_shows_the_matrix_and_one_chart_per_story_without_console_errors() {
    if std::env::var_os("STARLING_SKIP_EDITORS").is_some() {
        eprintln!("Chromium test skipped: STARLING_SKIP_EDITORS is set");
        return;
    }
    let browser = chromium().expect(
        "Chromium is needed (Debian's `chromium`; tests/editors/vscode/setup.sh installs it)",
    );
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = report(dir.path());
    let url = format!("file://{}", page.display());
    let output = chromium_run(
        &browser,
        dir.path(),
        &["--enable-logging=stderr", "--v=0", "--dump-dom", &url],
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    // The DOM Chromium built, not the file: the tables and charts were parsed as such.
    assert_eq!(dom.matches("<table class=\"matrix\"").count(), 2, "{dom}");
    assert!(dom.contains("<caption>Competencies of the general set by stories"));
    assert_eq!(dom.matches("<svg class=\"score-chart\"").count(), 5);
    assert_eq!(dom.matches("<article class=\"story\"").count(), 5);
    for error in ["Uncaught", "CONSOLE", "ERR_FILE_NOT_FOUND", "Refused to"] {
        assert!(
            !log.contains(error),
            "console or load error ({error}):\n{log}"
        );
    }

    let shot = dir.path().join("report.png");
    let size = "--window-size=1200,900";
    let shot_arg = format!("--screenshot={}", shot.display());
    let output = chromium_run(
        &browser,
        dir.path(),
        &["--hide-scrollbars", size, &shot_arg, &url],
    );
    assert!(output.status.success(), "{output:?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}

#[test]
fn a_bank_without_competencies_is_shown_by_prompts_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("launch.story.md"),
        "# The launch\nPrompt: Tell me about a time you failed.\n\n## Situation\nA launch.\n\n## Task\nI owned it.\n\n## Action\nI cut the tests.\n\n## Result\nWe slipped two weeks.\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_starling"))
        .args(["report", ".", "-o", "-"])
        .current_dir(dir.path())
        .env_clear()
        .output()
        .expect("the binary runs");
    let html = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(html.matches("<table class=\"matrix\"").count(), 1);
    assert!(html.contains("data-by=\"prompts\""));
    assert!(!html.contains("Add a story for"), "no competency gaps");
    assert_eq!(html.matches("<svg class=\"score-chart\"").count(), 1);
}

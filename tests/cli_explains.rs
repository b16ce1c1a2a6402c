//! A command line that explains itself (issue 15): what `--fix` changed, `--diff`, `--verbose`,
//! the summary's plurals, why a folder holds no stories, and `starling init`.

mod cli_support;

use cli_support::{assert_ran, bank, run, shown, starling, stderr, stdout, WEAK};

#[test]
fn fix_says_what_it_changed_in_each_file() {
    let dir = bank();
    let output = starling(dir.path(), &["check", "--fix", "--color", "never", "."]);
    assert_ran(&output);
    let out = stdout(&output);
    let line = out
        .lines()
        .find(|l| l.starts_with("./stories/weak.md: fixed: "))
        .unwrap_or_else(|| panic!("{}", shown(&output)));
    assert!(line.contains("inserted a Learning part"), "{line}");

    // Nothing left to fix: nothing said.
    let output = starling(dir.path(), &["check", "--fix", "."]);
    assert!(!stdout(&output).contains("fixed:"), "{}", shown(&output));

    // Beside JSON, the same line goes to standard error, and standard output stays JSON.
    std::fs::write(dir.path().join("stories/weak.md"), WEAK).unwrap();
    let output = starling(dir.path(), &["check", "--fix", "--format", "json", "."]);
    assert!(serde_json::from_slice::<serde_json::Value>(&output.stdout).is_ok());
    assert!(
        stderr(&output).contains("starling: ./stories/weak.md: fixed: inserted a Learning part"),
        "{}",
        shown(&output)
    );
}

#[test]
fn diff_shows_the_fixes_without_writing_them() {
    let dir = bank();
    let output = starling(dir.path(), &["check", "--diff", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let out = stdout(&output);
    assert!(
        out.starts_with("--- a/stories/weak.md\n+++ b/stories/weak.md\n@@ "),
        "{out}"
    );
    assert!(out.lines().any(|l| l == "+## Learning"), "{out}");
    assert!(out.lines().any(|l| l == " We slipped two weeks."), "{out}");
    let text = std::fs::read_to_string(dir.path().join("stories/weak.md")).unwrap();
    assert_eq!(text, WEAK, "--diff writes nothing");

    // Once fixed, there is nothing to show.
    starling(dir.path(), &["check", "--fix", "."]);
    let output = starling(dir.path(), &["check", "--diff", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert_eq!(stdout(&output), "");

    let both = starling(dir.path(), &["check", "--diff", "--fix", "."]);
    assert_eq!(both.status.code(), Some(2), "{}", shown(&both));
}

#[test]
fn verbose_names_clean_files_and_the_summary_counts_in_words() {
    let dir = bank();
    std::fs::write(
        dir.path().join("stories/empty.md"),
        "Notes, no story yet.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("starling.toml"),
        "[rules]\nmissing-learning = \"error\"\nno-metric = \"off\"\nvague-lesson = \"off\"\n",
    )
    .unwrap();
    let output = starling(dir.path(), &["check", "--verbose", "--color", "never", "."]);
    let out = stdout(&output);
    assert!(
        out.contains("./stories/empty.md: no findings (0 stories)"),
        "{}",
        shown(&output)
    );
    assert!(!out.contains("weak.md: no findings"), "{out}");
    let summary = out.lines().last().unwrap();
    assert!(summary.contains(" 1 error, "), "{summary}");
    assert!(!summary.contains(" 1 errors"), "{summary}");
    assert!(summary.ends_with("in 1 story (2 files)."), "{summary}");

    let quiet = starling(dir.path(), &["check", "--color", "never", "."]);
    assert!(
        !stdout(&quiet).contains("no findings ("),
        "{}",
        shown(&quiet)
    );
}

#[test]
fn a_folder_without_stories_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# Notes\n").unwrap();
    let output = starling(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let err = stderr(&output);
    assert!(
        err.contains("no story files in .: searched for **/*.story.md, **/stories/**/*.md"),
        "{err}"
    );
    assert!(
        err.contains("front matter sets `prompt:` or `theme:`"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("starling.toml"),
        "include = [\"bank/*.md\"]\n",
    )
    .unwrap();
    let err = stderr(&starling(dir.path(), &["check", "."]));
    assert!(
        err.contains("searched for bank/*.md (`include` in"),
        "{err}"
    );
}

#[test]
fn init_sets_up_a_bank_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = starling(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let config = std::fs::read_to_string(dir.path().join("starling.toml")).unwrap();
    assert!(
        config.lines().all(|l| l.is_empty() || l.starts_with('#')),
        "{config}"
    );
    let story = std::fs::read_to_string(dir.path().join("stories/first-story.md")).unwrap();
    assert!(story.starts_with("---\nprompt: "), "{story}");
    assert!(
        stdout(&output).contains("stories/first-story.md"),
        "{}",
        shown(&output)
    );

    // The new bank checks: one story in one file.
    let check = starling(dir.path(), &["check", "--color", "never"]);
    assert!(
        stdout(&check)
            .lines()
            .last()
            .unwrap()
            .ends_with("in 1 story (1 file)."),
        "{}",
        shown(&check)
    );

    // A second init changes nothing.
    std::fs::write(dir.path().join("stories/first-story.md"), "mine\n").unwrap();
    let again = run(dir.path(), &["init", "."], None, &[]);
    assert_eq!(again.status.code(), Some(2), "{}", shown(&again));
    assert!(
        stderr(&again).contains("already exists; nothing written"),
        "{}",
        shown(&again)
    );
    let story = std::fs::read_to_string(dir.path().join("stories/first-story.md")).unwrap();
    assert_eq!(story, "mine\n");
}

//! Checks a document: finds its stories, runs every rule that applies to each, and applies
//! configuration and inline directives.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::document::Syntax;
use serde::Serialize;

use crate::config::{Config, RuleSetting};
use crate::rules::structure::{malformed_front_matter, unknown_rule_id};
use crate::rules::suppress::{directives, Directive, Suppressions};
use crate::rules::{self, Context, Finding};
use crate::story::{Outline, Story};
use crate::theme::{self, Theme};

mod top;
pub use top::{check_top, Top, TOP_WINDOW};

/// The result of checking one document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Analysis {
    pub outline: Outline,
    /// Findings sorted by position.
    pub findings: Vec<Finding>,
}

/// Parses and checks `text`.
pub fn check_text(text: &str, config: &Config) -> Analysis {
    let syntax = if in_parallel() {
        Syntax::parse_in_parallel(text)
    } else {
        crate::document::parse(text)
    };
    analyze(text, &syntax, config)
}

/// Checks `text`, already parsed as `syntax`.
pub fn analyze(text: &str, syntax: &Syntax, config: &Config) -> Analysis {
    let outline = crate::story::outline(text, syntax);
    let all: Vec<usize> = (0..outline.stories.len()).collect();
    let mut findings: Vec<Finding> = check_stories(text, &outline, &all, config)
        .into_iter()
        .flatten()
        .collect();
    let directives = directives(text, &outline.opaque);
    findings.extend(file_findings(&outline, &directives));
    let findings = finish_with(text, &outline, findings, config, &directives);
    Analysis { outline, findings }
}

/// Whether this process checks a document's stories, and each story's rules, on rayon's
/// threads (see [`check_in_parallel`]).
static IN_PARALLEL: AtomicBool = AtomicBool::new(false);

/// Makes every check from now on run a document's stories, and each story's rules, on rayon's
/// threads. For `starling check`, a process that checks and exits: one small story is mostly
/// the first use of each rule's phrase lists, which two cores compile side by side, and one
/// big file is no longer read on one core.
///
/// The language server checks on the calling thread: there, rayon's threads each built their
/// own matching caches for every phrase list, which cost more memory (10 MB with 1,000 files
/// open) and, on two cores, more time than it saved (`cargo bench --bench open`, `--bench
/// memory`), and a keystroke's check would queue behind the bank scan's.
pub fn check_in_parallel() {
    IN_PARALLEL.store(true, Ordering::Relaxed);
}

fn in_parallel() -> bool {
    IN_PARALLEL.load(Ordering::Relaxed)
}

/// `f` of each of `items`, in order: on rayon's threads when `parallel`, else one after
/// another on the calling thread.
fn map_items<T: Sync, R: Send>(
    items: &[T],
    parallel: bool,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// The findings of stories `indices` of `outline`, in that order. A panic while reading one
/// story costs that story's findings, not the others'.
pub fn check_stories(
    text: &str,
    outline: &Outline,
    indices: &[usize],
    config: &Config,
) -> Vec<Vec<Finding>> {
    stories_findings(text, outline, indices, config, in_parallel())
}

fn stories_findings(
    text: &str,
    outline: &Outline,
    indices: &[usize],
    config: &Config,
    parallel: bool,
) -> Vec<Vec<Finding>> {
    map_items(indices, parallel, |&index| {
        isolate(
            || format!("checking story {}", index + 1),
            || check_story(text, outline, index, config, parallel),
        )
        .unwrap_or_default()
    })
}

/// The theme of `story`: its own metadata, else the file's front matter, else the default.
pub fn story_theme(story: &Story, outline: &Outline, config: &Config) -> &'static Theme {
    theme_choice(story, outline, config).theme
}

/// Which theme judges a story, and why, in words for its card and hover.
#[derive(Debug, Clone)]
pub struct ThemeChoice {
    pub theme: &'static Theme,
    pub reason: String,
}

/// The theme a story names (its metadata, else the file's front matter); else the theme
/// whose common prompts the story's prompt asks (its `prompt:`, else a title that is a
/// prompt), paraphrases included; else the configured default.
pub fn theme_choice(story: &Story, outline: &Outline, config: &Config) -> ThemeChoice {
    let named = story
        .meta
        .theme
        .as_deref()
        .or(outline.file.meta.theme.as_deref());
    if let Some((name, theme)) = named.and_then(|n| theme::find(n).map(|t| (n, t))) {
        return ThemeChoice {
            theme,
            reason: format!("the story says `theme: {}`", name.trim()),
        };
    }
    let prompts = if story.meta.prompts.is_empty() {
        &outline.file.meta.prompts
    } else {
        &story.meta.prompts
    };
    let title = story
        .title
        .as_ref()
        .map(|t| t.text.as_str())
        .filter(|t| crate::prompts::reads_as_prompt(t));
    for prompt in prompts.iter().map(String::as_str).chain(title) {
        if let Some((theme, common)) = crate::prompts::theme_of_prompt(prompt) {
            return ThemeChoice {
                theme,
                reason: format!(
                    "its prompt \"{}\" asks what the `{}` theme's \"{common}\" asks",
                    prompt.trim(),
                    theme.name
                ),
            };
        }
    }
    let theme = theme::find(config.theme()).unwrap_or(&theme::builtin()[0]);
    ThemeChoice {
        theme,
        reason: format!(
            "`{}` is the default theme, and no prompt of the story names another",
            theme.name
        ),
    }
}

/// What the rules of story `index` see: the story, its theme and that theme's phrases.
pub fn story_context<'a>(
    text: &'a str,
    outline: &'a Outline,
    index: usize,
    config: &'a Config,
) -> Context<'a> {
    let story = &outline.stories[index];
    let theme = story_theme(story, outline, config);
    Context::new(
        text,
        story,
        index,
        theme,
        config.lexicon(&theme.name),
        config.tuning(),
        &outline.file,
        &outline.opaque,
    )
}

/// The raw findings of one story: every rule that applies to its theme and is enabled. A rule
/// that panics is skipped; the others still run. With `parallel`, the rules run on rayon's
/// threads.
fn check_story(
    text: &str,
    outline: &Outline,
    index: usize,
    config: &Config,
    parallel: bool,
) -> Vec<Finding> {
    let cx = story_context(text, outline, index, config);
    let theme = cx.theme;
    let applying: Vec<&dyn rules::Rule> = rules::all()
        .iter()
        .copied()
        .filter(|rule| {
            let id = rule.meta().id;
            theme.applies(id) && config.is_enabled(id)
        })
        .collect();
    let found = map_items(&applying, parallel, |rule| {
        let id = rule.meta().id;
        let mut found = Vec::new();
        let what = || format!("rule {id} on story {}", index + 1);
        let work = || {
            debug_panic(id);
            rule.check(&cx, &mut found);
        };
        isolate(what, work)?;
        if let Some(&ceiling) = theme.ceiling.get(id) {
            for finding in found.iter_mut().filter(|f| f.severity > ceiling) {
                finding.severity = ceiling;
                finding.severity_is_specific = true;
            }
        }
        Some(found)
    });
    found.into_iter().flatten().flatten().collect()
}

/// In debug builds, panics when `STARLING_DEBUG_PANIC` names rule `id`, so that tests can
/// see what a user sees when a rule fails.
fn debug_panic(id: &str) {
    #[cfg(debug_assertions)]
    {
        static ASKED: std::sync::LazyLock<Option<String>> =
            std::sync::LazyLock::new(|| std::env::var("STARLING_DEBUG_PANIC").ok());
        if ASKED.as_deref() == Some(id) {
            panic!("STARLING_DEBUG_PANIC asked rule {id} to panic");
        }
    }
    let _ = id;
}

thread_local! {
    static ISOLATED: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`, catching a panic: `None` then, and one line on standard error that names
/// `what` failed and why, with no backtrace. The rest of the document is still checked.
pub fn isolate<T>(what: impl FnOnce() -> String, work: impl FnOnce() -> T) -> Option<T> {
    let was = ISOLATED.replace(true);
    let outcome = catch_unwind(AssertUnwindSafe(work));
    ISOLATED.set(was);
    match outcome {
        Ok(value) => Some(value),
        Err(payload) => {
            let why = LAST_PANIC
                .take()
                .unwrap_or_else(|| panic_message(payload.as_ref()).to_string());
            eprintln!(
                "starling: {} panicked ({why}); skipped. This is a bug: please report it",
                what()
            );
            None
        }
    }
}

/// For a panic hook: whether the panic will be caught and reported by [`isolate`], which
/// then shows `description` (what panicked and where) instead of the payload alone.
pub fn isolated_panic(description: String) -> bool {
    if ISOLATED.get() {
        LAST_PANIC.set(Some(description));
    }
    ISOLATED.get()
}

/// A panic payload's message, when it is text.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic")
}

/// Findings about the file rather than a story: front matter and `directives`.
pub fn file_findings(outline: &Outline, directives: &[Directive]) -> Vec<Finding> {
    let mut out: Vec<Finding> = malformed_front_matter::check(&outline.file)
        .into_iter()
        .collect();
    out.extend(unknown_rule_id::check(directives));
    out
}

/// Applies settings and directives, keeps ranges inside the text, and sorts.
pub fn finish(
    text: &str,
    outline: &Outline,
    findings: Vec<Finding>,
    config: &Config,
) -> Vec<Finding> {
    finish_with(
        text,
        outline,
        findings,
        config,
        &directives(text, &outline.opaque),
    )
}

/// [`finish`] with the document's directives already found.
pub fn finish_with(
    text: &str,
    outline: &Outline,
    findings: Vec<Finding>,
    config: &Config,
    directives: &[Directive],
) -> Vec<Finding> {
    let suppressions = Suppressions::new(text, directives, &outline.stories);
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            match config.rule(finding.rule) {
                Some(RuleSetting::Off) => return None,
                Some(RuleSetting::On(severity)) if !finding.severity_is_specific => {
                    finding.severity = severity;
                }
                // A severity chosen for the case is a ceiling: configuration may lower it.
                Some(RuleSetting::On(severity)) => {
                    finding.severity = finding.severity.min(severity);
                }
                _ => {}
            }
            finding.range = clamp_range(text, finding.range.clone());
            (!suppressions.silences(finding.rule, &finding.range)).then_some(finding)
        })
        .collect();
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule))
    });
    out
}

/// Applies every fix until none is left: each round takes at most one fix per story (the
/// structure fixes first, then by position) and re-checks, so that fixes which fill the same
/// gap, such as a new Learning part and a root-cause prompt, never both land.
pub fn fix_all(text: &str, config: &Config) -> (String, Analysis) {
    let (text, analysis, _) = fix_all_noting(text, config);
    (text, analysis)
}

/// [`fix_all`], asking `cancelled` before each round of fixes (each a check of the whole
/// text): `None` as soon as it says so, as when the editor no longer wants the answer.
pub fn fix_all_unless(
    text: &str,
    config: &Config,
    cancelled: &dyn Fn() -> bool,
) -> Option<(String, Analysis)> {
    let mut text = text.to_string();
    let mut titles = Vec::new();
    for _ in 0..64 {
        if cancelled() {
            return None;
        }
        let analysis = check_text(&text, config);
        let edits = one_fix_per_story(&analysis.findings, &mut titles);
        if edits.is_empty() {
            return Some((text, analysis));
        }
        text = crate::document::apply_edits(&text, &edits);
    }
    if cancelled() {
        return None;
    }
    let analysis = check_text(&text, config);
    Some((text, analysis))
}

/// [`fix_all`], also returning the title of each fix applied, in the order applied.
pub fn fix_all_noting(text: &str, config: &Config) -> (String, Analysis, Vec<String>) {
    let mut text = text.to_string();
    let mut titles = Vec::new();
    for _ in 0..64 {
        let analysis = check_text(&text, config);
        let edits = one_fix_per_story(&analysis.findings, &mut titles);
        if edits.is_empty() {
            return (text, analysis, titles);
        }
        text = crate::document::apply_edits(&text, &edits);
    }
    let analysis = check_text(&text, config);
    (text, analysis, titles)
}

/// The edits of one fix per story (and of each fix outside any story), never overlapping;
/// their titles go to `titles`.
fn one_fix_per_story(
    findings: &[Finding],
    titles: &mut Vec<String>,
) -> Vec<crate::document::TextEdit> {
    let structure =
        |f: &Finding| rules::find(f.rule).is_none_or(|m| m.category != rules::Category::Structure);
    let mut candidates: Vec<&Finding> = findings.iter().filter(|f| f.fix.is_some()).collect();
    candidates.sort_by_key(|f| (f.story, structure(f), f.range.start));
    let mut edits = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut stories_done = Vec::new();
    for finding in candidates {
        if let Some(story) = finding.story {
            if stories_done.contains(&story) {
                continue;
            }
        }
        let Some(fix) = &finding.fix else { continue };
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.end.max(t.start + 1)
                    && t.start < e.range.end.max(e.range.start + 1)
            })
        });
        if overlaps {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.range.clone()));
        edits.extend(fix.edits.iter().cloned());
        titles.push(fix.title.clone());
        if let Some(story) = finding.story {
            stories_done.push(story);
        }
    }
    edits
}

/// `range` inside `text` and on character boundaries.
pub fn clamp_range(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    let mut end = range.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEAK: &str = "# Launch\n## Situation\nWe had a launch.\n## Action\nI cut the tests.\n## Result\nWe slipped.\n";

    #[test]
    fn stories_and_rules_checked_on_rayon_s_threads_find_what_one_thread_finds() {
        let config = Config::default();
        let mut checked = 0;
        for text in crate::test_texts::corpus_and_examples() {
            let syntax = crate::document::parse(&text);
            let outline = crate::story::outline(&text, &syntax);
            let all: Vec<usize> = (0..outline.stories.len()).collect();
            let one = stories_findings(&text, &outline, &all, &config, false);
            let many = stories_findings(&text, &outline, &all, &config, true);
            assert_eq!(one, many);
            checked += one.iter().filter(|found| !found.is_empty()).count();
        }
        assert!(checked > 20, "{checked} stories with findings");
    }

    #[test]
    fn config_turns_rules_off_and_regrades_them() {
        let config = Config::from_toml(
            "[rules]\nmissing-learning = \"error\"\nspeaking-time = \"off\"\n",
            None,
        )
        .unwrap();
        let analysis = check_text(WEAK, &config);
        let learning = analysis
            .findings
            .iter()
            .find(|f| f.rule == "missing-learning")
            .unwrap();
        assert_eq!(learning.severity, rules::Severity::Error);
        assert!(analysis.findings.iter().all(|f| f.rule != "speaking-time"));
    }

    #[test]
    fn inline_directives_silence_findings() {
        let text = format!("<!-- starling-disable missing-learning -->\n{WEAK}");
        let analysis = check_text(&text, &Config::default());
        assert!(analysis
            .findings
            .iter()
            .all(|f| f.rule != "missing-learning"));
        assert!(analysis
            .findings
            .iter()
            .any(|f| f.rule == "missing-star-section"));
    }

    #[test]
    fn a_disable_under_a_title_covers_that_story_only() {
        let story_two = WEAK.replace(
            "# Launch\n",
            "# Two\n<!-- starling-disable missing-learning -->\n",
        );
        let text = format!("{WEAK}\n{story_two}");
        let analysis = check_text(&text, &Config::default());
        let learning: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.rule == "missing-learning")
            .collect();
        assert_eq!(learning.len(), 1, "{learning:#?}");
        assert_eq!(learning[0].story, Some(0));
    }

    #[test]
    fn a_disable_after_a_story_s_parts_runs_to_the_story_end() {
        let text = format!(
            "{WEAK}<!-- starling-disable missing-learning -->\n\n{}",
            WEAK.replace("# Launch", "# Two")
        );
        let analysis = check_text(&text, &Config::default());
        let learning = analysis
            .findings
            .iter()
            .filter(|f| f.rule == "missing-learning")
            .count();
        assert_eq!(learning, 2);
    }

    #[test]
    fn the_prompt_picks_the_theme_when_none_is_named() {
        let story = "# The roadmap argument\n## Situation\nMy manager wanted to cut the accessibility work from the release.\n## Task\nI owned the release plan.\n## Action\nI pulled the support tickets and showed her what the users had asked for.\n## Result\nWe kept the work and moved one smaller feature instead.\n";
        let config = Config::default();
        let conflict = format!(
            "---\nprompt: Tell me about a time you disagreed with your manager.\n---\n{story}"
        );
        let analysis = check_text(&conflict, &config);
        let choice = theme_choice(&analysis.outline.stories[0], &analysis.outline, &config);
        assert_eq!(choice.theme.name, "star");
        assert!(
            choice.reason.contains("disagreed with your manager"),
            "{}",
            choice.reason
        );
        let rules: Vec<&str> = analysis.findings.iter().map(|f| f.rule).collect();
        for failure_only in ["missing-learning", "rebranded-success", "no-cost"] {
            assert!(!rules.contains(&failure_only), "{rules:?}");
        }
        // A paraphrase of a failure prompt, and no prompt at all: the failure theme.
        let late = story.replacen(
            "\n## Situation",
            "\nPrompt: Tell me about a time a project did not go as planned.\n\n## Situation",
            1,
        );
        let analysis = check_text(&late, &config);
        let choice = theme_choice(&analysis.outline.stories[0], &analysis.outline, &config);
        assert_eq!(choice.theme.name, "failure", "{}", choice.reason);
        let analysis = check_text(story, &config);
        let choice = theme_choice(&analysis.outline.stories[0], &analysis.outline, &config);
        assert_eq!(choice.theme.name, "failure");
        assert!(choice.reason.contains("default"), "{}", choice.reason);
    }

    #[test]
    fn an_unknown_id_in_a_directive_is_reported() {
        let text = format!("<!-- starling-disable no-such-rule -->\n{WEAK}");
        let analysis = check_text(&text, &Config::default());
        let unknown = analysis
            .findings
            .iter()
            .find(|f| f.rule == "unknown-rule-id")
            .unwrap();
        assert_eq!(&text[unknown.range.clone()], "no-such-rule");
    }

    #[test]
    fn malformed_front_matter_is_a_finding() {
        let text = format!("---\nprompt: [oops\n---\n{WEAK}");
        let analysis = check_text(&text, &Config::default());
        assert!(analysis
            .findings
            .iter()
            .any(|f| f.rule == "malformed-front-matter"));
    }

    #[test]
    fn the_story_theme_decides_which_rules_apply() {
        let text = format!("---\ntheme: star\n---\n{WEAK}");
        let analysis = check_text(&text, &Config::default());
        assert!(analysis
            .findings
            .iter()
            .all(|f| f.rule != "missing-learning"));
    }
}

//! Seeded, bounded versions of the fuzz targets in `fuzz/`, so that every `cargo test` runs
//! them: story finding and every rule on arbitrary text, the config loader on arbitrary TOML,
//! and the safety of every fix.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use starling::document::apply_edits;
use starling::rules::Finding;
use starling::{check_text, Config};

/// Fragments that make story-like text: labels in every form, metadata, directives, code,
/// front matter, and sentences that trip rules.
const FRAGMENTS: &[&str] = &[
    "# Title\n",
    "## Situation\n",
    "### Task\n",
    "Action\n------\n",
    "**Result:** ",
    "**Learning**: ",
    "- Situation\n",
    "  - nested\n",
    "- **S (Situation):** ",
    "1. Task: ",
    "Result: ",
    "Prompt: Tell me about a time you failed.\n",
    "Theme: star\n",
    "---\nprompt: [a, b]\ntheme: failure\n---\n",
    "---\nprompt: [oops\n---\n",
    "<!-- starling-disable -->\n",
    "<!-- starling-disable-next-line no-metric -->\n",
    "<!-- starling-enable missing-learning -->",
    "```\ncode ## Situation\n```\n",
    "I blamed the team. ",
    "We shipped late because the requirements changed. ",
    "It cost $200K and two weeks. ",
    "I learned to communicate better. ",
    "Since then I run a checklist on every release. ",
    "he wrote \"I'm an idiot\". ",
    "😀 ",
    "e\u{301}",
    "\r\n",
    "\n",
    "\n\n",
    "TODO: fill in\n",
    "> quoted\n",
    "| a | b |\n|---|---|\n",
    // Real prose punctuation: dashes, curly quotes, ellipses, non-breaking spaces, accents.
    "the plan – a plan we had drawn up ",
    "–",
    " — ",
    "—not because ",
    "“I'm so useless,” ",
    "‘fine’ ",
    "I didn’t ",
    "…",
    "and then… ",
    "\u{a0}",
    "40\u{a0}% ",
    "\u{202f}",
    "café ",
    "naïve ",
    "Zoë’s ",
    "résumé ",
    "€2,000 ",
    "\u{feff}",
];

thread_local! {
    static PANICS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `check_text`, failing on a panic inside a rule too: the engine catches those and skips the
/// rule, so a panic hook counts them on this thread.
fn check_strictly(text: &str, config: &Config) -> starling::Analysis {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.set(PANICS.get() + 1);
            previous(info);
        }));
    });
    let before = PANICS.get();
    let analysis = check_text(text, config);
    assert_eq!(PANICS.get(), before, "a rule panicked on {text:?}");
    analysis
}

fn story_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|p| p.concat())
}

fn assert_ranges_sound(text: &str, findings: &[Finding]) {
    for finding in findings {
        let range = &finding.range;
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "{finding:?}"
        );
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(!finding.message.is_empty());
        if let Some(fix) = &finding.fix {
            for edit in &fix.edits {
                assert!(edit.range.start <= edit.range.end && edit.range.end <= text.len());
                assert!(text.is_char_boundary(edit.range.start));
                assert!(text.is_char_boundary(edit.range.end));
            }
        }
    }
}

fn words(text: &str) -> std::collections::HashMap<&str, i32> {
    let mut counts = std::collections::HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

/// Every fix either only adds text (what it replaces is white space) or, for a reorder, keeps
/// every word; after it, the text still parses into an outline and the finding it fixed is
/// gone or holds a placeholder.
fn assert_fix_is_safe(text: &str, finding: &Finding) {
    let Some(fix) = &finding.fix else { return };
    for edit in &fix.edits {
        let replaced = &text[edit.range.clone()];
        if !replaced.trim().is_empty() {
            let before = words(replaced);
            let after = words(&edit.text);
            assert!(
                before
                    .iter()
                    .all(|(w, n)| after.get(w).copied().unwrap_or(0) >= *n),
                "fix `{}` drops the user's words:\n{replaced:?}\n->\n{:?}",
                fix.title,
                edit.text
            );
        }
    }
    let fixed = apply_edits(text, &fix.edits);
    let again = check_text(&fixed, &Config::default());
    assert_ranges_sound(&fixed, &again.findings);
    // The finding is gone, or stays only to ask for the placeholder to be filled: the same
    // fix is not offered again.
    let offers = |findings: &[Finding]| {
        findings
            .iter()
            .filter(|f| {
                f.rule == finding.rule
                    && f.message == finding.message
                    && f.fix.as_ref().is_some_and(|g| g.title == fix.title)
            })
            .count()
    };
    let before = offers(&check_text(text, &Config::default()).findings);
    assert!(
        offers(&again.findings) < before,
        "fix `{}` did not take:\n{text}\n---\n{fixed}",
        fix.title
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_5ead), ..ProptestConfig::default() })]

    #[test]
    fn any_story_like_text_gives_sound_findings(text in story_text()) {
        let analysis = check_strictly(&text, &Config::default());
        assert_ranges_sound(&text, &analysis.findings);
        for story in &analysis.outline.stories {
            prop_assert!(story.range.end <= text.len());
            for part in &story.parts {
                prop_assert!(part.body.start <= part.body.end && part.body.end <= text.len());
                prop_assert!(text.is_char_boundary(part.body.start));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        let analysis = check_strictly(&text, &Config::default());
        assert_ranges_sound(&text, &analysis.findings);
    }

    #[test]
    fn any_story_like_text_scores_within_bounds(text in story_text()) {
        let config = Config::default();
        let analysis = check_strictly(&text, &config);
        let scores = starling::score::scores(&text, &analysis, &config);
        prop_assert_eq!(scores.len(), analysis.outline.stories.len());
        for score in &scores {
            prop_assert!(score.total <= score.max);
            prop_assert!(score.range.end <= text.len());
        }
        for follow_ups in starling::score::follow_ups_of(&text, &analysis, &config) {
            for (range, _) in follow_ups.iter().filter_map(|f| f.answer.as_ref()) {
                prop_assert!(range.end <= text.len() && text.is_char_boundary(range.start));
            }
        }
    }

    #[test]
    fn every_single_fix_is_safe(text in story_text()) {
        let analysis = check_strictly(&text, &Config::default());
        for finding in analysis.findings.iter().filter(|f| f.fix.is_some()).take(4) {
            assert_fix_is_safe(&text, finding);
        }
    }

    #[test]
    fn arbitrary_toml_is_accepted_or_rejected_with_a_location(source in "[a-z\\[\\]=\"\\-\\n .0-9\\\\(){}*+?]{0,120}") {
        if let Err(err) = Config::from_toml(&source, None) {
            let text = err.to_string();
            prop_assert!(text.starts_with("starling.toml:"), "{text}");
            prop_assert!(err.location().is_some());
        }
    }

    #[test]
    fn user_patterns_compile_or_are_refused(pattern in "\\PC{0,40}") {
        let source = format!("[phrases]\nvague-lesson = [{}]\n", toml_string(&pattern));
        match Config::from_toml(&source, None) {
            Ok(config) => {
                // A compiled pattern runs in linear time on any text.
                let text = "a".repeat(10_000);
                let _ = check_text(&format!("# T\n## Learning\n{text}\n"), &config);
            }
            Err(err) => prop_assert!(err.to_string().contains("vague-lesson")),
        }
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn fix_all_twice_equals_fix_all_once() {
    let config = Config::default();
    let fix_all = |text: &str| starling::analysis::fix_all(text, &config).0;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..40 {
        let text = story_text()
            .new_tree(&mut runner)
            .expect("a value")
            .current();
        let once = fix_all(&text);
        assert_eq!(fix_all(&once), once, "from:\n{text}");
    }
}

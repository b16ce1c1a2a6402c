//! Incremental analysis: after an edit only the touched stories are checked again, and the
//! findings always equal a fresh check of the final text.

use proptest::prelude::*;
use starling::assist::{self, StoryCard};
use starling::document::Document;
use starling::story::PartKind;
use starling::{check_text, ByteEdit, Change, Config, IncrementalAnalysis};

/// A bank of `copies` rounds of the example stories, each title made unique.
fn bank(copies: usize) -> String {
    let mut stories: Vec<(String, String)> = std::fs::read_dir("examples/stories")
        .expect("examples/stories exists")
        .map(|entry| {
            let path = entry.expect("readable folder").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&path).expect("readable story"),
            )
        })
        .collect();
    stories.sort();
    let mut out = String::new();
    for copy in 0..copies {
        for (_, story) in &stories {
            // Front matter belongs to a file, not to the middle of a bank.
            let body = match story.strip_prefix("---\n") {
                Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, body)| body),
                None => story,
            };
            let mut numbered = false;
            for line in body.lines() {
                if !numbered && line.starts_with('#') {
                    out.push_str(&format!("{line} {copy}\n"));
                    numbered = true;
                } else {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Applies `text` over `range` to the document and the analysis.
fn edit(
    doc: &mut Document,
    analysis: &mut IncrementalAnalysis,
    range: std::ops::Range<usize>,
    text: &str,
) {
    doc.edit_bytes(range.clone(), text);
    analysis.update(doc, &ByteEdit::new(range, text.len()));
}

fn assert_fresh(doc: &Document, analysis: &IncrementalAnalysis) {
    let text = doc.text();
    assert_eq!(analysis.text(), text);
    let fresh = check_text(&text, analysis.config());
    assert_eq!(analysis.outline().stories, fresh.outline.stories);
    assert_eq!(analysis.outline().opaque, fresh.outline.opaque);
    assert_eq!(analysis.outline().file, fresh.outline.file);
    assert_eq!(**analysis.findings(), fresh.findings);
}

#[test]
fn an_edit_inside_one_story_checks_only_that_story() {
    let text = bank(4);
    let mut doc = Document::new(&text);
    let mut analysis = IncrementalAnalysis::new(&doc, Config::default());
    let stories = analysis.outline().stories.len();
    assert!(stories > 20, "{stories} stories");
    assert_eq!(analysis.analyses(), stories as u64);

    // A word typed in the middle of a story's Action, in the middle of the bank.
    let target = stories / 2;
    let story = analysis.outline().stories[target].clone();
    let action = story
        .parts
        .iter()
        .find(|p| p.kind == starling::story::PartKind::Action)
        .expect("an Action part");
    let at = action.body.start + (action.body.len() / 2);
    let at = text[at..].find(' ').map_or(at, |i| at + i);
    edit(&mut doc, &mut analysis, at..at, " quickly");
    assert_eq!(analysis.last_checked(), [target]);
    assert_eq!(analysis.analyses(), stories as u64 + 1);
    assert_fresh(&doc, &analysis);

    // Deleting it again, and typing one character at a time.
    edit(&mut doc, &mut analysis, at..at + " quickly".len(), "");
    assert_eq!(analysis.last_checked(), [target]);
    for (i, c) in " and then".chars().enumerate() {
        edit(&mut doc, &mut analysis, at + i..at + i, &c.to_string());
        assert_eq!(analysis.last_checked(), [target]);
    }
    assert_eq!(analysis.analyses(), stories as u64 + 11);
    assert_fresh(&doc, &analysis);
}

#[test]
fn edits_that_change_the_structure_match_a_fresh_check() {
    let text = bank(2);
    let mut doc = Document::new(&text);
    let mut analysis = IncrementalAnalysis::new(&doc, Config::default());
    let middle = text[text.len() / 2..].find("\n#").unwrap() + text.len() / 2 + 1;
    // A new title, an opened code fence that swallows the rest, its closing, a directive,
    // front matter, and a deleted heading.
    let steps: [(std::ops::Range<usize>, &str); 6] = [
        (
            middle..middle,
            "# A new story\n\n## Situation\nWe had a week.\n\n",
        ),
        (middle..middle, "```\n"),
        (middle..middle + 4, ""),
        (
            middle..middle,
            "<!-- starling-disable missing-learning -->\n",
        ),
        (0..0, "---\ntheme: star\n---\n"),
        (0..20, ""),
    ];
    for (range, new_text) in steps {
        edit(&mut doc, &mut analysis, range, new_text);
        assert_fresh(&doc, &analysis);
    }
    let end = doc.len_bytes();
    edit(
        &mut doc,
        &mut analysis,
        end..end,
        "\n## Result\nIt went well.\n",
    );
    assert_fresh(&doc, &analysis);
}

#[test]
fn a_burst_of_edits_composes_into_one_update() {
    let text = bank(1);
    let mut doc = Document::new(&text);
    let mut analysis = IncrementalAnalysis::new(&doc, Config::default());
    let at = text.len() / 3;
    let at = text[at..].find(' ').unwrap() + at;
    let mut burst: Option<ByteEdit> = None;
    for (i, c) in "typing".chars().enumerate() {
        doc.edit_bytes(at + i..at + i, &c.to_string());
        let one = ByteEdit::new(at + i..at + i, 1);
        burst = Some(match burst {
            Some(before) => before.then(&one),
            None => one,
        });
    }
    analysis.update(&doc, &burst.unwrap());
    assert_fresh(&doc, &analysis);
}

/// Pieces random edits are made of: story structure, Markdown containers and directives.
const PIECES: &[&str] = &[
    "# Title\n",
    "## Story\n",
    "### Situation\n",
    "## Result\n",
    "**Task:** ",
    "Action: ",
    "- Situation\n",
    "- ",
    "  - ",
    "1. ",
    "Prompt: Tell me about a failure.\n",
    "Theme: star\n",
    "\n",
    "\n\n",
    "I decided to ship ",
    "we lost $200K. ",
    "As a result, churn fell 12%. ",
    "I learned to rehearse. ",
    "> ",
    "---\n",
    "```\n",
    "    code\n",
    "<!-- starling-disable -->",
    "<!-- starling-disable missing-learning -->\n",
    "<!-- starling-enable -->\n",
    "<!--",
    "-->",
    "Setext\n===\n",
    "😀",
    "é",
    "*",
    "word",
    ".",
];

fn pieces(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_5ead), ..ProptestConfig::default() })]

    #[test]
    fn random_edit_scripts_match_a_fresh_analysis(
        start in pieces(30),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, pieces(4)), 1..12),
    ) {
        let base = format!("{}{start}{}", bank(1), bank(1));
        let mut doc = Document::new(&base);
        let mut analysis = IncrementalAnalysis::new(&doc, Config::default());
        for (at, len, new_text) in edits {
            let text = doc.text();
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            edit(&mut doc, &mut analysis, start..end, &new_text);
            assert_fresh(&doc, &analysis);
        }
    }
}

/// The cards, counts and bank summary the analysis keeps equal those of a fresh analysis.
fn assert_fresh_cards(doc: &Document, analysis: &IncrementalAnalysis) {
    let text = doc.text();
    let fresh = check_text(&text, analysis.config());
    let cards: Vec<StoryCard> = analysis.cards().cloned().collect();
    assert_eq!(cards, assist::story_cards(&text, &fresh, analysis.config()));
    assert_eq!(
        analysis.summary(),
        assist::summarize(&text, &fresh, analysis.config())
    );
}

#[test]
fn an_edit_inside_one_story_remakes_only_its_card() {
    let text = bank(2);
    let mut doc = Document::new(&text);
    let mut analysis = IncrementalAnalysis::new(&doc, Config::default());
    assert_eq!(analysis.last_change(), &Change::Everything);
    let stories = analysis.outline().stories.len();
    let before: Vec<StoryCard> = analysis.cards().cloned().collect();
    let summary = analysis.summary();
    assert_eq!(analysis.cards_made(), stories as u64);

    let target = stories / 2;
    let action = analysis.outline().stories[target]
        .parts
        .iter()
        .find(|p| p.kind == PartKind::Action)
        .unwrap()
        .body
        .clone();
    let at = text[action.clone()].find(' ').unwrap() + action.start;
    doc.edit_bytes(at..at, " quickly");
    let change = analysis.update(&doc, &ByteEdit::new(at..at, 8));
    assert_eq!(change, Change::Stories(target..target + 1));
    assert_eq!(analysis.last_change(), &change);
    // The other cards and summaries are the old ones, moved.
    for (index, card) in analysis.cards().enumerate() {
        if index < target {
            assert_eq!(*card, before[index]);
        } else if index > target {
            assert_eq!(*card, before[index].shifted(8));
        }
    }
    assert_eq!(analysis.cards_made(), stories as u64 + 1);
    assert_eq!(analysis.summary().stories[0], summary.stories[0]);
    assert_fresh_cards(&doc, &analysis);

    // An empty edit changes nothing; a bad one starts over.
    assert_eq!(
        analysis.update(&doc, &ByteEdit::new(at..at, 0)),
        Change::Unchanged
    );
    assert_eq!(
        analysis.update(&doc, &ByteEdit::new(0..1, 5)),
        Change::Everything
    );
    assert_fresh_cards(&doc, &analysis);
}

/// What random edits to a bank mapped to competencies are made of: the pieces above and
/// competency lines.
fn card_pieces(max: usize) -> impl Strategy<Value = String> {
    let pieces: Vec<&str> = PIECES
        .iter()
        .copied()
        .chain(["Competencies: dive-deep\n", "ownership "])
        .collect();
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, rng_seed: proptest::test_runner::RngSeed::Fixed(0xca4d_5eed), ..ProptestConfig::default() })]

    #[test]
    fn random_edit_scripts_keep_cards_and_summary_fresh(
        start in card_pieces(20),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, card_pieces(4)), 1..8),
    ) {
        let config = Config::from_toml("competencies = \"amazon\"\n", None).unwrap();
        let base = format!(
            "---\ncompetencies: [dive-deep, ownership]\n---\n{}{start}{}",
            bank(1),
            bank(1)
        );
        let mut doc = Document::new(&base);
        let mut analysis = IncrementalAnalysis::new(&doc, config);
        // Made now, so that the edits below move them.
        assert_fresh_cards(&doc, &analysis);
        for (at, len, new_text) in edits {
            let text = doc.text();
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            edit(&mut doc, &mut analysis, start..end, &new_text);
            assert_fresh(&doc, &analysis);
            assert_fresh_cards(&doc, &analysis);
        }
    }
}

//! Scoring, follow-up readiness and what hover shows, on arbitrary bytes: no panic, one score
//! and one card per story, each score within its maximum, every range inside the text, a
//! hover text for every card and for the competency ids wherever the cursor is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling::assist::{completions, competency_hover, story_cards};
use starling::score::{follow_ups_of, scores};
use starling::{check_text, Config};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let config = Config::default();
    let analysis = check_text(&text, &config);
    let story_scores = scores(&text, &analysis, &config);
    assert_eq!(story_scores.len(), analysis.outline.stories.len());
    for score in &story_scores {
        assert!(score.total <= score.max);
        assert!(score.range.start <= score.range.end && score.range.end <= text.len());
    }
    for follow_ups in follow_ups_of(&text, &analysis, &config) {
        for answer in follow_ups.iter().filter_map(|f| f.answer.as_ref()) {
            assert!(answer.0.end <= text.len() && text.is_char_boundary(answer.0.start));
        }
    }
    let cards = story_cards(&text, &analysis, &config);
    assert_eq!(cards.len(), analysis.outline.stories.len());
    for card in &cards {
        assert!(card.range.end <= text.len());
        assert!(!card.hover_markdown().is_empty());
        assert!(!card.lens_title().is_empty());
    }
    // The cursor sits on a character boundary, as the server's positions do.
    let offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    for offset in offsets.step_by(text.len() / 8 + 1) {
        let _ = competency_hover(&text, offset, &config);
        let _ = completions(&text, &analysis.outline, offset, &config);
    }
});

//! Scoring and follow-up readiness on arbitrary bytes: no panic, one score per story, each
//! within its maximum, every range inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
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
});

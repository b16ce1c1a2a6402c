//! Story finding and every rule on arbitrary bytes: no panic, every range inside the text and
//! on character boundaries, every fix applicable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling::document::apply_edits;
use starling::{check_text, Config};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let analysis = check_text(&text, &Config::default());
    for finding in &analysis.findings {
        let range = &finding.range;
        assert!(range.start <= range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        if let Some(fix) = &finding.fix {
            for edit in &fix.edits {
                assert!(edit.range.end <= text.len());
                assert!(text.is_char_boundary(edit.range.start));
                assert!(text.is_char_boundary(edit.range.end));
            }
            let fixed = apply_edits(&text, &fix.edits);
            let _ = check_text(&fixed, &Config::default());
        }
    }
});

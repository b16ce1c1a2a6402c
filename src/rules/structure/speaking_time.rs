//! Flags a story too short or too long to tell aloud.

use crate::rules::structure::{format_duration, spoken_words};
use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it flags
    /// A story whose spoken length, at about 150 words a minute, is under one minute or over
    /// three and a half.
    ///
    /// ## What the interviewer tests
    /// Whether you can be both complete and concise. Under a minute, a failure story cannot
    /// hold a real cost, a root cause and a change; over three and a half, the interviewer
    /// stops listening and starts looking for a place to cut in.
    ///
    /// ## What a strong story does
    /// Runs two to three minutes and leaves detail for the follow-up questions. The limits
    /// can be changed in `starling.toml` under `[speaking]`.
    ///
    /// ## Example
    /// Weak: A 70-word story: about 30 seconds aloud.
    ///
    /// Strong: A 300-word story: about two minutes aloud.
    SpeakingTime { id: "speaking-time", category: Structure, severity: Info }
}

impl Rule for SpeakingTime {
    fn check(&self, cx: &Context<'_>, acc: &mut Vec<Finding>) {
        let words = spoken_words(cx);
        let tuning = cx.tuning;
        let minutes = words as f64 / tuning.words_per_minute.max(1.0);
        let verdict = if minutes < tuning.min_minutes {
            "too short to hold a cost, a cause and a change"
        } else if minutes > tuning.max_minutes {
            "long enough that the interviewer will cut in"
        } else {
            return;
        };
        let message = format!(
            "About {} spoken ({words} words): {verdict}; aim for {} to {}",
            format_duration(minutes * 60.0),
            format_duration(tuning.min_minutes * 60.0),
            format_duration(tuning.max_minutes * 60.0),
        );
        acc.push(cx.finding(self, cx.anchor(), message));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    #[test]
    fn speaking_time() {
        let sentence = "I rolled the change back and paged the on-call lead right away. ";
        let fine = format!("# Launch\n## Action\n{}\n", sentence.repeat(20));
        let long = format!("# Launch\n## Action\n{}\n", sentence.repeat(60));
        check(
            "speaking-time",
            &[fine.as_str()],
            &["# Launch\n## Action\nI cut tests.\n", long.as_str()],
        );
    }
}

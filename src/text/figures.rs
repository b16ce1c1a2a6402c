//! Figures a listener could check: numbers with units, percentages, money, durations and counts
//! (in digits or words), ranges, approximations and scores. Clock times, years, dates and
//! labels such as "day 14" or "room 12" are not figures.

use std::ops::Range;
use std::sync::LazyLock;

use crate::theme::{lower_text, Pattern};

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    Money,
    Percent,
    /// A length of time: "two weeks", "19 days", "an hour".
    Duration,
    /// A score or rating: "3.1 to 4.0", "0.6 points", "3.4 stars".
    Score,
    /// A share: "a third", "half of", "twice as many", "doubled".
    Share,
    /// A count of things: "340 customers", "four subsequent migrations".
    Count,
}

/// One figure in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// Byte range in the text, unit included.
    pub range: Range<usize>,
    pub kind: FigureKind,
    /// The word after the number, lowercased ("customers", "weeks"), if any.
    pub unit: Option<String>,
}

/// Numbers in words that count things ("one" is left out: "one of our containers" counts
/// nothing).
const COUNT_WORDS: &str = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundreds|a thousand|thousands|a dozen|dozens|a couple of|a few hundred";

/// Every number in words.
const NUMBER_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundreds|a thousand|thousands|a dozen|dozens|a couple of|a few hundred";

const TIME_UNITS: &str = "seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|quarters?|years?|sprints?|shifts?|semesters?|terms?|weekends?|business days?|working days?|engineer-(?:hours?|days?|weeks?|months?)|person-(?:hours?|days?|weeks?|months?)";

/// Compiles the figure patterns now, which every story's check reads: for `starling check` to
/// do on a core that is otherwise idle at its start.
pub fn warm_up() {
    for pattern in [
        &MONEY, &PERCENT, &CLOCK, &DIGITS, &WORDS, &SHARE, &TIME_UNIT,
    ] {
        LazyLock::force(pattern);
    }
}

static MONEY: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(
        r"(?i)(?:[$€£¥]|\b(?:usd|eur|gbp|chf)\s?)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:k|m|mm|bn|b)\b|\s(?:million|billion|thousand)\b)?|\b(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(?:k|m|bn)?\s(?:dollars|euros|pounds)\b",
    )
    .expect("valid")
});

static PERCENT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(&format!(
        r"(?i)~?\b\d+(?:\.\d+)?(?:\s?(?:-|–|to)\s?\d+(?:\.\d+)?)?\s?(?:%|percent\b|per cent\b|percentage points?\b)|\b(?:{NUMBER_WORDS})\s(?:percent|per cent)\b"
    ))
    .expect("valid")
});

static CLOCK: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(
        r"(?i)\b\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}:\d{2}\b|\b\d+:\d+\b",
    )
    .expect("valid")
});

/// A number in digits, possibly a range or approximation, and the word after it.
static DIGITS: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(
        r"(?i)~?\b(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)((?:\s?(?:-|–|to|or)\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)?(?:x\b|(st|nd|rd|th)\b)?)(?:\s(?:of\s(?:the\s|my\s|our\s|their\s|its\s)?)?([a-z][a-z-]*))?",
    )
    .expect("valid")
});

/// A number in words followed by what it counts ("two weeks", "four subsequent migrations",
/// "two of my debaters"), or a time unit after "a"/"an"/"one" ("a week").
static WORDS: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(&format!(
        r"(?i)\b(?:{COUNT_WORDS})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?(?:\s(?:to|or)\s(?:{NUMBER_WORDS}))?\s(?:of\s(?:the\s|my\s|our\s|their\s|its\s|his\s|her\s)?)?(?:[a-z-]+\s){{0,2}}?([a-z-]+s|people|staff|children|men|women)\b|\b(?:a|an|one)\s(?:full\s|whole\s|extra\s)?({TIME_UNITS})\b"
    ))
    .expect("valid")
});

static SHARE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::scanning(r"(?i)\b(?:a third|two thirds|a quarter|three quarters|a fifth|a tenth)\b|\bhalf (?:of|the|a|an|our|my|their)\b|\b(?:by|about|roughly|nearly|almost|over|around) half\b|\b(?:doubled|tripled|quadrupled|halved)\b|\b(?:twice|three times|four times|ten times) (?:as|more|the)\b")
        .expect("valid")
});

static TIME_UNIT: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(&format!(r"(?i)^(?:{TIME_UNITS})$")).expect("valid"));

/// Words before a number that make it a label, not a measure: "day 14", "room 12", "Q3".
const LABEL_WORDS: &[&str] = &[
    "day", "room", "version", "phase", "step", "grade", "level", "page", "tab", "section", "line",
    "route", "gate", "floor", "number", "chapter", "week", "wave", "round", "bed", "ward", "unit",
    "series", "model", "iphone", "windows", "python", "v", "q", "h", "fy",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Every figure in `text`, sorted by position, not overlapping.
pub fn figures(text: &str) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    // The patterns read the text with its ASCII lowered; every offset is the text's.
    let lowered = lower_text(text);
    let mut taken: Vec<Range<usize>> = CLOCK.find_iter_lowered(&lowered).collect();
    let push = |out: &mut Vec<Figure>, taken: &mut Vec<Range<usize>>, figure: Figure| {
        if taken
            .iter()
            .any(|t| t.start < figure.range.end && figure.range.start < t.end)
        {
            return;
        }
        taken.push(figure.range.clone());
        out.push(figure);
    };
    for range in MONEY.find_iter_lowered(&lowered) {
        push(
            &mut out,
            &mut taken,
            Figure {
                range,
                kind: FigureKind::Money,
                unit: None,
            },
        );
    }
    for range in PERCENT.find_iter_lowered(&lowered) {
        push(
            &mut out,
            &mut taken,
            Figure {
                range,
                kind: FigureKind::Percent,
                unit: None,
            },
        );
    }
    for range in SHARE.find_iter_lowered(&lowered) {
        push(
            &mut out,
            &mut taken,
            Figure {
                range,
                kind: FigureKind::Share,
                unit: None,
            },
        );
    }
    let group = |caps: &[Option<Range<usize>>], i: usize| caps.get(i).cloned().flatten();
    for caps in DIGITS.captures_iter_lowered(&lowered) {
        let (Some(whole), Some(number)) = (group(&caps, 0), group(&caps, 1)) else {
            continue;
        };
        if group(&caps, 3).is_some() {
            continue; // An ordinal: "3rd".
        }
        let number_end = group(&caps, 2).map_or(number.end, |r| r.end);
        let unit = group(&caps, 4).map(|u| lowered[u].to_string());
        let digits = &lowered[number.clone()];
        if is_label(text, whole.start) || is_year(digits, unit.as_deref()) {
            continue;
        }
        if is_version(text, number) {
            continue;
        }
        let kind = match unit.as_deref() {
            Some(u) if TIME_UNIT.is_match_lowered(u) => FigureKind::Duration,
            Some("points" | "point" | "stars" | "star") => FigureKind::Score,
            _ if digits.contains('.') => FigureKind::Score,
            _ if lowered[whole.clone()].ends_with('x') => FigureKind::Share,
            _ => FigureKind::Count,
        };
        let end = match &unit {
            Some(u) if is_unit_word(u) => whole.end,
            _ => number_end,
        };
        let unit = unit.filter(|u| is_unit_word(u));
        push(
            &mut out,
            &mut taken,
            Figure {
                range: whole.start..end,
                kind,
                unit,
            },
        );
    }
    for caps in WORDS.captures_iter_lowered(&lowered) {
        let Some(whole) = group(&caps, 0) else {
            continue;
        };
        let (unit, kind) = match (group(&caps, 1), group(&caps, 2)) {
            (Some(u), _) => {
                let u = lowered[u].to_string();
                let kind = if TIME_UNIT.is_match_lowered(&u) {
                    FigureKind::Duration
                } else {
                    FigureKind::Count
                };
                (u, kind)
            }
            (None, Some(u)) => (lowered[u].to_string(), FigureKind::Duration),
            (None, None) => continue,
        };
        if !is_unit_word(&unit) {
            continue;
        }
        push(
            &mut out,
            &mut taken,
            Figure {
                range: whole,
                kind,
                unit: Some(unit),
            },
        );
    }
    out.sort_by_key(|f| f.range.start);
    out
}

/// Whether `text` holds at least one figure.
pub fn has_figure(text: &str) -> bool {
    !figures(text).is_empty()
}

/// Whether a word after a number names what it counts (not a function word such as "and").
fn is_unit_word(word: &str) -> bool {
    !matches!(
        word,
        "and"
            | "or"
            | "to"
            | "a"
            | "an"
            | "the"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "was"
            | "were"
            | "is"
            | "are"
            | "of"
            | "by"
            | "from"
            | "as"
            | "but"
            | "so"
            | "that"
            | "this"
            | "which"
            | "who"
            | "it"
            | "its"
            | "his"
            | "her"
            | "their"
            | "our"
            | "my"
            | "times"
            | "things"
            | "ways"
            | "reasons"
            | "ago"
            | "us"
            | "has"
            | "does"
    )
}

fn is_label(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end();
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if before.ends_with('#') {
        return true;
    }
    LABEL_WORDS.contains(&word.as_str()) || MONTHS.contains(&word.as_str())
}

fn is_year(number: &str, unit: Option<&str>) -> bool {
    let Ok(value) = number.parse::<u32>() else {
        return false;
    };
    (1900..=2099).contains(&value) && !unit.is_some_and(|u| u.ends_with('s') && u != "years")
}

/// "v1.2", "1.2.3" and the like.
fn is_version(text: &str, number: Range<usize>) -> bool {
    let before = &text[..number.start];
    let after = &text[number.end..];
    before.ends_with(['v', 'V'])
        || (before.ends_with('.')
            && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()))
        || (after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, FigureKind)> {
        figures(text)
            .into_iter()
            .map(|f| (&text[f.range], f.kind))
            .collect()
    }

    #[test]
    fn money_percent_and_scores() {
        use FigureKind::*;
        assert_eq!(found("It cost $200K in credits."), [("$200K", Money)]);
        assert_eq!(
            found("about €1.2M, and EUR 40,000"),
            [("€1.2M", Money), ("EUR 40,000", Money)]
        );
        assert_eq!(
            found("fell ~30% and 5-7% later"),
            [("~30%", Percent), ("5-7%", Percent)]
        );
        assert_eq!(
            found("improved 0.6 points on a 5-point scale"),
            [("0.6 points", Score), ("5", Count)]
        );
        assert_eq!(found("from 3.1 to 4.0"), [("3.1 to 4.0", Score)]);
    }

    #[test]
    fn durations_and_counts_in_digits_and_words() {
        use FigureKind::*;
        assert_eq!(found("two weeks of incidents"), [("two weeks", Duration)]);
        assert_eq!(
            found("the four subsequent migrations"),
            [("four subsequent migrations", Count)]
        );
        assert_eq!(
            found("two of my debaters qualified"),
            [("two of my debaters", Count)]
        );
        assert_eq!(found("5-7 days longer"), [("5-7 days", Duration)]);
        assert_eq!(found("opened a week late"), [("a week", Duration)]);
        assert_eq!(found("sent to 340 customers"), [("340 customers", Count)]);
        assert_eq!(found("about a third of them"), [("a third", Share)]);
        assert_eq!(
            found("eight engineer-weeks went"),
            [("eight engineer-weeks", Duration)]
        );
    }

    #[test]
    fn times_dates_and_labels_are_not_figures() {
        for text in [
            "until 3 a.m. that night",
            "at 12:40 the food ran out",
            "in our 1:1",
            "back in 2019, I",
            "by day 14",
            "in room 12",
            "on June 3",
            "version v1.2 shipped",
            "It took a while",
            "some orders shipped late",
            "for weeks",
            "the 3rd time",
            "one of our biggest containers",
        ] {
            assert!(figures(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}

//! Phrase patterns compiled *lowered*: matched case-sensitively against a text whose ASCII
//! letters were lowered first, with ASCII word boundaries and small stand-ins for the big
//! Unicode classes.
//!
//! A phrase pattern is written lowercase and matched case-insensitively. Compiled the way the
//! `regex` crate compiles it, every letter becomes a class of its case forms (`k` also takes
//! the Kelvin sign, `s` the long s, both three bytes long), `\w` and `\d` become automata over
//! hundreds of Unicode ranges, and `\b` is a Unicode word boundary, which the lazy DFA cannot
//! follow past the first non-ASCII byte of a text: a story with one curly quote ran every set
//! through the Pike VM. Lowered instead ([`lowered`]):
//! - the text's ASCII letters are lowered (which keeps every byte offset), so a pattern's
//!   letters are plain literals; case forms outside ASCII stay classes;
//! - `\b` and its kin are ASCII word boundaries: a letter outside ASCII (the `é` of "café")
//!   is not a word character for them;
//! - a class of more than [`BIG_CLASS`] ranges (`\w`, `\d`, `\W`, `\p{L}`) keeps its ASCII part
//!   and what it holds of the punctuation blocks (`’`, `“`, `—`, `…`, the no-break space)
//!   exactly; of the rest past ASCII it takes everything if it holds the letter `é`, else
//!   nothing. `\d` is `[0-9]`, `\w` stops at a curly quote as it did, `\W` takes it;
//! - case never counts, so `(?-i)` does not make it count.
//!
//! Matches are otherwise the `regex` crate's (leftmost-first, the same syntax); a test checks
//! every built-in list against it over the corpus. Over the built-in lists this halves the
//! memory the sets take and the time they take to build, and doubles the speed they match at.
//!
//! Two forms: [`Pattern`], light, for short texts: the forward automaton only, run by a
//! bounded backtracker or the Pike VM, cheap to compile; [`Set`], a list as one automaton that
//! says which patterns match a text of any length.

use std::sync::Mutex;

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::{self, pikevm, pikevm::PikeVM, WhichCaptures};
use regex_automata::{hybrid, Input, MatchKind, PatternSet};
use regex_syntax::hir::{
    self, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
};

/// The most memory one compiled pattern may take; keeps a user pattern from blowing up.
pub(super) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The most memory a set's lazy DFA may take (the `regex` crate's default).
const DFA_CACHE: usize = 2 << 20;

/// A class with more ranges than this is written small (see the module's comment).
const BIG_CLASS: usize = 40;

/// Why a pattern does not compile, as the user reads it.
pub type PatternError = String;

/// `pattern`, case-insensitive, lowered (see the module's comment). Parsed as written and
/// folded here: the parser's own case-insensitive mode makes a class of every letter, which
/// costs more to parse than the rest of compiling a light pattern.
pub fn lowered(pattern: &str) -> Result<Hir, PatternError> {
    // Every lowered pattern ignores case, so a leading `(?i)` says nothing; parsed, it would
    // make a class of each letter's cases for the rewrite to undo.
    let pattern = pattern.strip_prefix("(?i)").unwrap_or(pattern);
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    Ok(lower(&hir))
}

/// `text` as lowered patterns read it: its ASCII letters lowered, every offset kept.
pub fn lower_text(text: &str) -> String {
    text.to_ascii_lowercase()
}

fn lower(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Literal(literal) => lower_literal(&literal.0),
        HirKind::Class(Class::Unicode(class)) => lower_class(class),
        HirKind::Class(Class::Bytes(class)) => {
            let mut class = class.clone();
            class.case_fold_simple();
            class.difference(&ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(ascii_look(*look)),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(lower).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(lower).collect()),
        HirKind::Repetition(rep) => Hir::repetition(hir::Repetition {
            sub: Box::new(lower(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(hir::Capture {
            sub: Box::new(lower(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Empty => hir.clone(),
    }
}

/// A literal, lowered: its ASCII letters lowercase, each letter outside ASCII with case
/// forms a class of them.
fn lower_literal(bytes: &[u8]) -> Hir {
    let lowered = bytes.to_ascii_lowercase();
    let Ok(text) = std::str::from_utf8(&lowered) else {
        return Hir::literal(lowered);
    };
    if text.is_ascii() {
        return Hir::literal(lowered);
    }
    let mut pieces = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        let mut forms = ranges(&[(c, c)]);
        forms.case_fold_simple();
        if forms.ranges().len() == 1 && forms.ranges()[0].end() == c {
            run.push(c);
        } else {
            pieces.push(Hir::literal(std::mem::take(&mut run).into_bytes()));
            pieces.push(lower_class(&forms));
        }
    }
    pieces.push(Hir::literal(run.into_bytes()));
    Hir::concat(pieces)
}

fn ranges(ranges: &[(char, char)]) -> ClassUnicode {
    ClassUnicode::new(ranges.iter().map(|&(a, b)| ClassUnicodeRange::new(a, b)))
}

/// The blocks of punctuation a story's text meets outside ASCII: Latin-1's (the no-break
/// space, `«`, `©`), the general punctuation (dashes, curly quotes, `…`), the CJK one.
fn punctuation() -> ClassUnicode {
    ranges(&[
        ('\u{80}', '\u{BF}'),
        ('\u{2000}', '\u{206F}'),
        ('\u{3000}', '\u{303F}'),
    ])
}

fn lower_class(class: &ClassUnicode) -> Hir {
    let mut class = class.clone();
    let big = class.ranges().len() > BIG_CLASS;
    if holds(&class, '\u{10FFFF}') {
        // A negated class (`[^a-z]`, `\W`): case-insensitive, the class it negates is folded.
        class.negate();
        class.case_fold_simple();
        class.negate();
    } else if !big {
        class.case_fold_simple();
    }
    if big {
        let mut small = class.clone();
        small.intersect(&ranges(&[('\0', '\u{7F}')]));
        let mut outside = class.clone();
        outside.intersect(&punctuation());
        if holds(&class, 'é') {
            let mut letters = ranges(&[('\u{80}', '\u{10FFFF}')]);
            letters.difference(&punctuation());
            outside.union(&letters);
        }
        small.union(&outside);
        class = small;
    }
    // The lowered text holds no ASCII capital: each stands for its small letter. The Kelvin
    // sign and the long s, the two characters past ASCII that fold to an ASCII letter, go.
    let mut capitals = class.clone();
    capitals.intersect(&ranges(&[('A', 'Z')]));
    let small: Vec<ClassUnicodeRange> = capitals
        .ranges()
        .iter()
        .map(|r| {
            ClassUnicodeRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
        })
        .collect();
    class.union(&ClassUnicode::new(small));
    class.difference(&ranges(&[
        ('A', 'Z'),
        ('\u{17F}', '\u{17F}'),
        ('\u{212A}', '\u{212A}'),
    ]));
    match class.ranges() {
        [one] if one.start() == one.end() => {
            Hir::literal(one.start().encode_utf8(&mut [0; 4]).as_bytes())
        }
        _ => Hir::class(Class::Unicode(class)),
    }
}

/// Whether `class` holds `c`.
fn holds(class: &ClassUnicode, c: char) -> bool {
    class
        .ranges()
        .iter()
        .any(|r| r.start() <= c && c <= r.end())
}

fn ascii_look(look: Look) -> Look {
    match look {
        Look::WordUnicode => Look::WordAscii,
        Look::WordUnicodeNegate => Look::WordAsciiNegate,
        Look::WordStartUnicode => Look::WordStartAscii,
        Look::WordEndUnicode => Look::WordEndAscii,
        Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
        Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
        other => other,
    }
}

/// A list of patterns, lowered, as one forward automaton that tells which of them match a
/// text: a lazy DFA, with the Pike VM for the texts it gives up on. A set never needs where a
/// match starts, so it has no reverse automaton, which the `regex` crate's sets build (half
/// their memory and their time to build, measured over the built-in lists).
#[derive(Debug)]
pub struct Set {
    dfa: Option<hybrid::dfa::DFA>,
    pikevm: PikeVM,
    /// Search caches not in use, one per thread that searched at once.
    caches: Mutex<Vec<(Option<hybrid::dfa::Cache>, pikevm::Cache)>>,
}

impl Set {
    /// `patterns`, each lowered.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let hirs = patterns
            .iter()
            .map(|p| lowered(p.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(PATTERN_SIZE_LIMIT * patterns.len().max(1))),
            )
            .build_many_from_hir(&hirs)
            .map_err(|e| e.to_string())?;
        // As the `regex` crate configures its lazy DFA: it gives up (and the Pike VM serves)
        // when it keeps clearing its cache.
        let dfa = hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(MatchKind::All)
                    .cache_capacity(DFA_CACHE)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        let pikevm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            dfa,
            pikevm,
            caches: Mutex::new(Vec::new()),
        })
    }

    /// Runs `search` with a lazy DFA's cache (if the set has its DFA) and a Pike VM's, taken
    /// from those not in use or made.
    fn with_caches<T>(
        &self,
        search: impl FnOnce(Option<&mut hybrid::dfa::Cache>, &mut pikevm::Cache) -> T,
    ) -> T {
        let taken = self.caches.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let (mut dfa_cache, mut pikevm_cache) = taken.unwrap_or_else(|| {
            (
                self.dfa.as_ref().map(hybrid::dfa::DFA::create_cache),
                self.pikevm.create_cache(),
            )
        });
        let found = search(dfa_cache.as_mut(), &mut pikevm_cache);
        self.caches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((dfa_cache, pikevm_cache));
        found
    }

    /// The patterns that match the lowered text `lowered` ([`lower_text`]), in list order.
    pub fn matches(&self, lowered: &str) -> Vec<usize> {
        let input = Input::new(lowered);
        let mut found = PatternSet::new(self.pikevm.pattern_len());
        self.with_caches(|dfa_cache, pikevm_cache| {
            let by_dfa = match (&self.dfa, dfa_cache) {
                (Some(dfa), Some(cache)) => dfa
                    .try_which_overlapping_matches(cache, &input, &mut found)
                    .is_ok(),
                _ => false,
            };
            if !by_dfa {
                found.clear();
                self.pikevm
                    .which_overlapping_matches(pikevm_cache, &input, &mut found);
            }
        });
        found.iter().map(|p| p.as_usize()).collect()
    }

    /// Whether any pattern matches the lowered text `lowered`: the search stops at the first
    /// match.
    pub fn is_match(&self, lowered: &str) -> bool {
        let input = Input::new(lowered).earliest(true);
        self.with_caches(|dfa_cache, pikevm_cache| {
            let by_dfa = match (&self.dfa, dfa_cache) {
                (Some(dfa), Some(cache)) => dfa.try_search_fwd(cache, &input).ok(),
                _ => None,
            };
            by_dfa.map_or_else(
                || self.pikevm.is_match(pikevm_cache, input.clone()),
                |found| found.is_some(),
            )
        })
    }
}

/// A case-insensitive pattern compiled light, for the short texts rules read: a sentence, a
/// paragraph, a word, a prompt. The `regex` crate compiles each pattern for long haystacks
/// too: a reverse automaton for its lazy DFA and a literal prefilter, three quarters of the
/// cost of compiling the built-in patterns, measured. A [`Pattern`] keeps only the forward
/// automaton and the two engines that run it without more compiling (a bounded backtracker and
/// the Pike VM): slow on long texts, which is why a list switches to a [`Set`] once it has
/// read a lot of text.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: Regex,
}

impl Pattern {
    /// `pattern`, matched case-insensitively.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        Self::compile(pattern, false)
    }

    /// `pattern`, matched case-insensitively, with a prefilter: the literals its matches
    /// start with (digits, a list of words), skipped to before the automaton runs. For a
    /// pattern that reads whole paragraphs and matches in few places; the prefilter costs a
    /// little more to compile.
    pub fn scanning(pattern: &str) -> Result<Self, PatternError> {
        Self::compile(pattern, true)
    }

    fn compile(pattern: &str, prefilter: bool) -> Result<Self, PatternError> {
        let config = meta::Config::new()
            .hybrid(false)
            .onepass(false)
            .auto_prefilter(prefilter)
            .nfa_size_limit(Some(PATTERN_SIZE_LIMIT));
        let regex = meta::Builder::new()
            .configure(config)
            .build_from_hir(&lowered(pattern)?)
            .map_err(|e| e.to_string())?;
        Ok(Self { regex })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(&lower_text(text))
    }

    /// The leftmost-first match, as a byte range of `text`.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.regex.find(&lower_text(text)).map(|m| m.range())
    }

    /// Every match in the lowered text `lowered` ([`lower_text`]), left to right.
    pub fn find_iter_lowered<'a>(
        &'a self,
        lowered: &'a str,
    ) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
        self.regex.find_iter(Input::new(lowered)).map(|m| m.range())
    }

    /// Each match in the lowered text `lowered`, left to right, as the byte range of each
    /// group of the pattern (the whole match first), `None` for a group that took no part.
    pub fn captures_iter_lowered<'a>(
        &'a self,
        lowered: &'a str,
    ) -> impl Iterator<Item = Vec<Option<std::ops::Range<usize>>>> + 'a {
        self.regex.captures_iter(Input::new(lowered)).map(|caps| {
            (0..caps.group_len())
                .map(|i| caps.get_group(i).map(|span| span.range()))
                .collect()
        })
    }

    /// Whether the lowered text `lowered` holds a match.
    pub fn is_match_lowered(&self, lowered: &str) -> bool {
        self.regex.is_match(lowered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 4] = [
        "I didn’t tell the café’s owner; we shipped it late, by 3 weeks.",
        "NAÏVE: We Shipped. i shipped? Shipping shipped — “Shipped” 12,000",
        "KELVIN K and long ſ",
        "",
    ];

    fn regex_crate(source: &str) -> regex::Regex {
        regex::RegexBuilder::new(source)
            .case_insensitive(true)
            .build()
            .unwrap()
    }

    #[test]
    fn a_lowered_pattern_matches_as_the_regex_crate_does_on_a_story_s_text() {
        for source in [
            r"\bwe\s+shipped\b",
            r"\bi\b[^.;]{0,30}\bshipped\b",
            r"\b\w+ed\b",
            r"caf\w",
            r"\w+’s\b",
            r"\d{1,3}(?:,\d{3})+",
            r"^\W*\w+",
            r"[^a-z ]+",
            r"\bNAÏVE\b|naïve",
            r"\bWe\s+SHIPPED\b",
            r"[A-Z][a-z]+ed\b",
            r"(?-u:[A-C])\w",
            r"Café|CAFÉ’S",
            r"[^A-Z ]+\D\W",
            r"(?i)\bNaïve\b|(?i)WE [a-z]+ed",
        ] {
            let full = regex_crate(source);
            let light = Pattern::new(source).unwrap();
            for text in TEXTS.iter().take(2) {
                let lowered = lower_text(text);
                let expected: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
                let found: Vec<_> = light.find_iter_lowered(&lowered).collect();
                assert_eq!(found, expected, "{source} on {text}");
                assert_eq!(light.find(text), expected.first().cloned());
                assert_eq!(light.is_match(text), !expected.is_empty());
            }
        }
        assert!(Pattern::new("(unclosed").is_err());
        assert!(Set::new(&["ok", "(unclosed"]).is_err());
    }

    #[test]
    fn lowered_patterns_differ_from_the_regex_crate_only_where_written() {
        // A letter outside ASCII is not a word character for `\b`: "i" inside "naïve" is not
        // a word to the regex crate, but is between two boundaries here.
        let text = "Naïve plan";
        assert!(!regex_crate(r"\bve\b").is_match(text));
        assert!(Pattern::new(r"\bve\b").unwrap().is_match(text));
        // The Kelvin sign and the long s no longer stand for "k" and "s".
        assert!(!Pattern::new("^k$").unwrap().is_match("\u{212A}"));
        assert!(!Pattern::new("^s$").unwrap().is_match("\u{17F}"));
        // Case never counts: `(?-i)` does not turn it back on.
        assert!(!regex_crate("(?-i:Café)").is_match("café"));
        assert!(Pattern::new("(?-i:Café)").unwrap().is_match("café"));
        // `\d` is ASCII digits; `\w` takes letters outside ASCII but not the punctuation.
        assert!(!Pattern::new(r"\d").unwrap().is_match("٣"));
        assert_eq!(Pattern::new(r"\w+").unwrap().find("naïve’s"), Some(0..6));
        assert_eq!(Pattern::new(r"\W+").unwrap().find("a — b"), Some(1..6));
    }

    #[test]
    fn a_set_says_which_patterns_match() {
        let set = Set::new(&[r"\bshipped\b", r"\bblamed\b", r"\blate\b"]).unwrap();
        let text = lower_text("We SHIPPED it late.");
        assert_eq!(set.matches(&text), vec![0, 2]);
        assert!(set.is_match(&text));
        assert!(!set.is_match("we shipping nothing, lately"));
        assert!(set.matches("").is_empty());
    }
}

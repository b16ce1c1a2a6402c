//! Phrase lists: the patterns rules match, compiled when a text first needs them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use super::pattern::{lower_text, Pattern, PatternError, Set, PATTERN_SIZE_LIMIT};
use super::{classes, screen_words};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};

/// A list of case-insensitive patterns. Each pattern is compiled the first time a text holds
/// the words it needs: the lists hold hundreds of patterns and a story meets few of them, so a
/// run pays for the patterns its text can match, not for all of them.
///
/// In front of the patterns sits a screen: for each pattern, the literal words one of which
/// every match starts with, and those one of which every match ends with (read from its
/// syntax), all searched for in one Aho-Corasick pass. A pattern is tried only when the text
/// holds a word of each side it has words for: `\bi\b[^.]{0,80}\bsince\b` waits for a "since",
/// not just an "i". A pattern with no such words on either side (it starts and ends with a
/// class, say) is always tried.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    inner: Arc<Patterns>,
}

/// A pattern's source and its compiled form.
#[derive(Debug)]
struct Entry {
    source: String,
    light: OnceLock<Option<Pattern>>,
}

#[derive(Debug)]
struct Patterns {
    /// Each pattern, compiled when first needed: for the texts the screen lets through, or
    /// the set says it matches.
    each: Vec<Entry>,
    screen: OnceLock<Screen>,
    /// The whole list as one set, built once the list has read [`SET_AFTER`] bytes: past
    /// that, one pass of the set over a text costs less than screening it and running each
    /// pattern whose words it holds.
    set: OnceLock<Option<Set>>,
    /// Bytes of text the list has read so far.
    read: AtomicUsize,
    /// [`SET_AFTER`], but in tests.
    set_after: usize,
    /// Whether the set is built on a thread of its own, the patterns serving meanwhile.
    in_background: bool,
    /// Whether that thread was started.
    building: AtomicBool,
}

const SET_AFTER: usize = 16 * 1024;

/// Whether lists made from now on build their sets on a thread of their own.
static IN_BACKGROUND: AtomicBool = AtomicBool::new(false);

/// Makes every list made from now on build its set on a thread of its own once it has read
/// [`SET_AFTER`] bytes (or when [`build_used_sets_in_background`] says), and serve from its
/// light patterns until the set is ready. For the language server: a set takes a few hundred
/// milliseconds to build, which neither a document's first diagnostics nor a keystroke should
/// wait for. A process that checks files and exits waits for it instead.
pub fn build_sets_in_background() {
    IN_BACKGROUND.store(true, Ordering::Relaxed);
}

/// Once per process, after [`build_sets_in_background`]: starts one thread that builds the set
/// of every list that has read any text. The language server calls it after its first
/// publish: it lives long, and a set matches a story's keystrokes about twice as fast as the
/// light patterns; one thread, after the first diagnostics, keeps the build from slowing them.
pub fn build_used_sets_in_background() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if !IN_BACKGROUND.load(Ordering::Relaxed) || STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    let used: Vec<Arc<Patterns>> = COMPILED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .filter(|list| list.inner.read.load(Ordering::Relaxed) > 0)
        .map(|list| Arc::clone(&list.inner))
        .collect();
    let _ = std::thread::Builder::new()
        .name("starling-phrase-sets".into())
        .spawn(move || {
            for patterns in used {
                if !patterns.building.swap(true, Ordering::AcqRel) {
                    patterns.build_set();
                }
            }
        });
}

/// Which patterns a text may match.
#[derive(Debug)]
struct Screen {
    /// Every pattern's words, lowercase ASCII, each once, searched for in the text with its
    /// ASCII lowered.
    words: Option<AhoCorasick>,
    /// For each word of `words`, the patterns it belongs to, each with its side (0 for the
    /// start, 1 for the end).
    owners: Vec<Vec<(usize, usize)>>,
    /// For each pattern, the sides it has words for (bit 0 the start, bit 1 the end); zero for
    /// a pattern with none, which is always tried.
    sides: Vec<u8>,
}

/// Every pattern list compiled so far. Each theme reads the default theme's lists and every
/// configuration builds every theme's lists, so most lists recur; a clone of a compiled
/// [`PhraseSet`] shares its programs.
static COMPILED: LazyLock<Mutex<HashMap<Vec<String>, PhraseSet>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The word classes of `themes/words.toml`, written out.
static WORD_CLASSES: LazyLock<BTreeMap<String, String>> =
    LazyLock::new(|| classes::read_classes(include_str!("../../themes/words.toml")));

/// `pattern` with every `{class}` written out as its alternatives.
pub fn expand_classes(pattern: &str) -> String {
    classes::expand_with(pattern, &WORD_CLASSES)
}

impl PhraseSet {
    /// The list `patterns`, each compiled when first needed. For the built-in lists, which a
    /// test compiles; a list a user wrote goes through [`PhraseSet::checked`].
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Self {
        let key: Vec<String> = patterns
            .iter()
            .map(|p| expand_classes(p.as_ref()))
            .collect();
        let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = compiled.get(&key) {
            return set.clone();
        }
        let mut set = Self::unshared(&key, SET_AFTER);
        if let Some(patterns) = Arc::get_mut(&mut set.inner) {
            patterns.in_background = IN_BACKGROUND.load(Ordering::Relaxed);
        }
        compiled.insert(key, set.clone());
        set
    }

    /// A list of its own (not shared with the other configurations), building its set after
    /// `set_after` bytes.
    fn unshared(patterns: &[String], set_after: usize) -> Self {
        Self {
            inner: Arc::new(Patterns {
                each: patterns
                    .iter()
                    .map(|pattern| Entry {
                        source: pattern.clone(),
                        light: OnceLock::new(),
                    })
                    .collect(),
                screen: OnceLock::new(),
                set: OnceLock::new(),
                read: AtomicUsize::new(0),
                set_after,
                in_background: false,
                building: AtomicBool::new(false),
            }),
        }
    }

    /// The list `patterns`, checked now: a pattern that does not compile, or a list that would
    /// take too much memory, is an error the user sees at once.
    pub fn checked<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let set = Self::new(patterns);
        let compiled = set.inner.compile_set()?;
        // Keep what was built (unless another thread built it meanwhile).
        let _ = set.inner.set.set(Some(compiled));
        Ok(set)
    }

    pub fn empty() -> Self {
        Self::new::<&str>(&[])
    }

    pub fn is_empty(&self) -> bool {
        self.inner.each.is_empty()
    }

    /// Pattern `index`, compiled the first time it is needed; a pattern that does not compile
    /// (the tests keep that from shipping) matches nothing.
    fn pattern(&self, index: usize) -> Option<&Pattern> {
        let entry = self.inner.each.get(index)?;
        entry
            .light
            .get_or_init(|| Pattern::new(&entry.source).ok())
            .as_ref()
    }

    fn screen(&self) -> &Screen {
        self.inner.screen.get_or_init(|| {
            // Many words recur (a pattern's start and end, a class of words in many
            // patterns): each goes into the automaton once, the cost of building it.
            let mut words: Vec<String> = Vec::new();
            let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
            let mut numbers: HashMap<String, usize> = HashMap::new();
            let mut sides = Vec::with_capacity(self.inner.each.len());
            for (index, Entry { source, .. }) in self.inner.each.iter().enumerate() {
                let mut has = 0u8;
                for (side, needed) in needed_words(source).into_iter().enumerate() {
                    for word in needed.into_iter().flatten() {
                        has |= 1 << side;
                        let number = *numbers.entry(word).or_insert_with_key(|word| {
                            words.push(word.clone());
                            owners.push(Vec::new());
                            words.len() - 1
                        });
                        owners[number].push((index, side));
                    }
                }
                sides.push(has);
            }
            let words = (!words.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::Standard)
                        .kind(Some(AhoCorasickKind::ContiguousNFA))
                        .build(&words)
                        .ok()
                })
                .flatten();
            if words.is_none() {
                // No automaton (nothing to screen, or it could not be built): try everything.
                sides.iter_mut().for_each(|has| *has = 0);
                owners.clear();
            }
            Screen {
                words,
                owners,
                sides,
            }
        })
    }

    /// The list's set, once it has read enough text to be worth building.
    fn set(&self, text: &str) -> Option<&Set> {
        let patterns = &self.inner;
        if let Some(set) = patterns.set.get() {
            return set.as_ref();
        }
        let read = patterns.read.fetch_add(text.len(), Ordering::Relaxed) + text.len();
        if read < patterns.set_after {
            return None;
        }
        if patterns.in_background {
            if !patterns.building.swap(true, Ordering::AcqRel) {
                let inner = Arc::clone(patterns);
                let spawned = std::thread::Builder::new()
                    .name("starling-phrase-set".into())
                    .spawn(move || {
                        inner.build_set();
                    });
                if spawned.is_err() {
                    // No thread to be had: build it here, as a one-shot process does.
                    return patterns.build_set();
                }
            }
            return patterns.set.get().and_then(Option::as_ref);
        }
        patterns.build_set()
    }

    /// The matches of each pattern `text` may match, up to `per_pattern` of each, pattern by
    /// pattern in list order: of those that do, when the list has its set; else of those whose
    /// words the text holds. A pattern runs only on a text it matches or may match, most often
    /// a sentence, so its light form serves both.
    fn matches(&self, text: &str, per_pattern: usize) -> Vec<std::ops::Range<usize>> {
        let set = self.set(text);
        let lowered = lower_text(text);
        let candidates = match set {
            Some(set) => set.matches(&lowered),
            None => self.screened(&lowered),
        };
        candidates
            .into_iter()
            .filter_map(|i| self.pattern(i))
            .flat_map(|pattern| pattern.find_iter_lowered(&lowered).take(per_pattern))
            .collect()
    }

    /// The patterns whose words the lowered text `lowered` holds, and those with no words, in
    /// list order.
    fn screened(&self, lowered: &str) -> Vec<usize> {
        let screen = self.screen();
        let mut found = vec![0u8; screen.sides.len()];
        if let Some(words) = &screen.words {
            // The words are lowercase ASCII, as the text is.
            for m in words.find_overlapping_iter(lowered) {
                for &(index, side) in &screen.owners[m.pattern().as_usize()] {
                    found[index] |= 1 << side;
                }
            }
        }
        (0..screen.sides.len())
            .filter(|&i| found[i] == screen.sides[i])
            .collect()
    }

    pub fn is_match(&self, text: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        // One call to `set`, which counts the text read.
        let set = self.set(text);
        let lowered = lower_text(text);
        match set {
            Some(set) => set.is_match(&lowered),
            None => self.screened(&lowered).into_iter().any(|i| {
                self.pattern(i)
                    .is_some_and(|p| p.is_match_lowered(&lowered))
            }),
        }
    }

    /// The first match of any pattern in `text` (leftmost, then longest), as a byte range of
    /// `text`.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        if self.is_empty() {
            return None;
        }
        // Each pattern's first match; the leftmost of those is the leftmost of all.
        self.matches(text, 1)
            .into_iter()
            .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
    }

    /// Every match of every pattern, sorted by start.
    pub fn find_all(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = self.matches(text, usize::MAX);
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        out.dedup_by(|b, a| b.start < a.end);
        out
    }
}

impl Patterns {
    /// The list's set, built here if no thread has built it yet.
    fn build_set(&self) -> Option<&Set> {
        self.set.get_or_init(|| self.compile_set().ok()).as_ref()
    }

    fn compile_set(&self) -> Result<Set, PatternError> {
        let sources: Vec<&str> = self.each.iter().map(|e| e.source.as_str()).collect();
        Set::new(&sources)
    }
}

/// The screen words of `pattern` (see [`screen_words::needed_words`]): for a built-in pattern,
/// as `build.rs` read them; else read now.
fn needed_words(pattern: &str) -> [Option<Vec<String>>; 2] {
    match BUILTIN_WORDS.binary_search_by(|(p, _)| (*p).cmp(pattern)) {
        Ok(i) => BUILTIN_WORDS[i]
            .1
            .map(|side| side.map(|words| words.iter().map(|w| (*w).to_string()).collect())),
        Err(_) => screen_words::needed_words(pattern),
    }
}

/// Every built-in pattern (every string of `themes/`, classes written out) with its screen
/// words, sorted by pattern; made by `build.rs`.
static BUILTIN_WORDS: &[(&str, [Option<&[&str]>; 2])] =
    include!(concat!(env!("OUT_DIR"), "/screen_words.rs"));

/// Compiles one case-insensitive pattern with a bounded size.
pub fn compile_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::PartKind;
    use crate::theme::{builtin, PARTS};
    /// Every built-in phrase list: the themes' and the parts'.
    fn builtin_lists() -> Vec<Vec<String>> {
        let mut lists: Vec<Vec<String>> = Vec::new();
        for theme in builtin() {
            lists.extend(theme.phrases.values().cloned());
            lists.extend(theme.follow_ups.iter().map(|f| f.answers.clone()));
        }
        for kind in PartKind::ALL {
            lists.push(PARTS.spec(kind).cues.clone());
            lists.push(PARTS.spec(kind).substance.clone());
        }
        lists
    }

    #[test]
    fn a_list_compiles_when_first_used_and_a_bad_user_list_is_an_error() {
        let set = PhraseSet::new(&["\\bwe\\s+shipped\\b"]);
        assert!(set.is_match("In the end we shipped it"));
        assert!(!set.is_match("we did not ship"));
        assert!(PhraseSet::checked(&["(unclosed"]).is_err());
        // A list that does not compile matches nothing rather than failing a rule.
        let bad = PhraseSet::new(&["(still unclosed"]);
        assert!(!bad.is_match("still unclosed"));
        assert_eq!(bad.find("still unclosed"), None);
        assert!(bad.find_all("still unclosed").is_empty());
        assert!(PhraseSet::empty().find_all("anything").is_empty());
    }

    #[test]
    fn the_screen_never_changes_what_a_list_finds() {
        let mut texts: Vec<String> = vec![
            "They didn’t tell me — the café’s owner… blamed the vendor’s team".into(),
            "NAÏVE plans: we missed the deadline by 3 weeks and lost €2,000".into(),
        ];
        for text in crate::test_texts::corpus_and_examples() {
            for line in text.lines() {
                texts.push(line.to_string());
                texts.extend(line.split(". ").map(str::to_string));
            }
        }
        assert!(
            texts.len() > 1_000,
            "the corpus was read ({} texts)",
            texts.len()
        );
        let lists = builtin_lists();
        for list in lists {
            let expanded: Vec<String> = list.iter().map(|p| expand_classes(p)).collect();
            let plain: Vec<Regex> = expanded
                .iter()
                .map(|p| compile_pattern(p).unwrap())
                .collect();
            // Screened only, and the set from the first text on.
            for screened in [
                PhraseSet::unshared(&expanded, usize::MAX),
                PhraseSet::unshared(&expanded, 0),
            ] {
                for text in &texts {
                    let mut expected: Vec<_> = plain
                        .iter()
                        .flat_map(|p| p.find_iter(text).map(|m| m.range()))
                        .collect();
                    expected.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
                    expected.dedup_by(|b, a| b.start < a.end);
                    assert_eq!(screened.find_all(text), expected, "{list:?} on {text:?}");
                    assert_eq!(screened.is_match(text), !expected.is_empty());
                    assert_eq!(screened.find(text), expected.first().cloned(), "{text:?}");
                }
                if !list.is_empty() {
                    let built = screened.inner.set.get().is_some();
                    assert_eq!(built, screened.inner.set_after == 0, "{list:?}");
                }
            }
        }
    }

    #[test]
    fn the_words_read_at_build_time_are_the_words_read_now_for_every_built_in_pattern() {
        assert!(BUILTIN_WORDS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        for (pattern, _) in BUILTIN_WORDS {
            let now = screen_words::needed_words(pattern);
            let table = needed_words(pattern);
            assert_eq!(table, now, "{pattern}");
        }
        // Every pattern a built-in list holds is in the table.
        let lists = builtin_lists();
        for pattern in lists.iter().flatten().map(|p| expand_classes(p)) {
            assert!(
                BUILTIN_WORDS
                    .binary_search_by(|(p, _)| (*p).cmp(pattern.as_str()))
                    .is_ok(),
                "{pattern}"
            );
        }
        // A pattern of the user's is read when first met.
        assert_eq!(
            needed_words(r"\bshipped late\b"),
            [
                Some(vec!["shipped late".to_string()]),
                Some(vec!["shipped late".to_string()])
            ]
        );
    }

    #[test]
    fn phrase_set_finds_the_leftmost_match() {
        let set = PhraseSet::new(&["\\bblame\\w*", "\\bteam\\b"]);
        assert_eq!(set.find("The team blamed me"), Some(4..8));
        assert_eq!(set.find_all("The team blamed me").len(), 2);
        assert_eq!(set.find("nothing"), None);
    }
}

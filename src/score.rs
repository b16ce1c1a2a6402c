//! The score of a story on the rubric's five dimensions, and its follow-up readiness.
//!
//! Each dimension is worth 0 to 4 points, with one reason per point earned or missed, so the
//! number can always be explained. The judgement is the rules' own ([`crate::rules::reading`]),
//! so a story the rules are quiet on scores high, and each warning costs a point somewhere.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::config::Config;
use crate::rules::reading::{self, quote, Claim};
use crate::rules::Context;
use crate::story::PartKind;
use crate::text::figures::FigureKind;
use crate::theme::{PhraseSet, Theme};

/// Points per dimension.
pub const MAX_POINTS: u8 = 4;

/// One dimension of the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dimension {
    pub name: &'static str,
    pub points: u8,
    /// One line per point, earned ("+1 ...") or missed ("+0 ...").
    pub reasons: Vec<String>,
}

/// A story's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryScore {
    /// Index of the story in the document's outline.
    pub story: usize,
    pub title: String,
    /// Where the score belongs (the story's title): a code lens goes here.
    pub range: Range<usize>,
    pub dimensions: Vec<Dimension>,
    /// The sum of the dimensions, out of [`StoryScore::max`].
    pub total: u8,
    pub max: u8,
}

/// A follow-up question an interviewer is likely to ask, and the story's answer, if it holds
/// one: the document range and text of the sentence that answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub id: String,
    pub question: String,
    pub answer: Option<(Range<usize>, String)>,
}

crate::shift_fields!(FollowUp: answer);

/// Scores every story of a checked document.
pub fn scores(text: &str, analysis: &Analysis, config: &Config) -> Vec<StoryScore> {
    contexts(text, analysis, config, score)
}

/// The follow-up readiness of every story of a checked document.
pub fn follow_ups_of(text: &str, analysis: &Analysis, config: &Config) -> Vec<Vec<FollowUp>> {
    contexts(text, analysis, config, follow_ups)
}

fn contexts<T>(
    text: &str,
    analysis: &Analysis,
    config: &Config,
    each: impl Fn(&Context<'_>) -> T,
) -> Vec<T> {
    let outline = &analysis.outline;
    outline
        .stories
        .iter()
        .enumerate()
        .map(|(index, _)| {
            each(&crate::analysis::story_context(
                text, outline, index, config,
            ))
        })
        .collect()
}

/// The score of one story.
pub fn score(cx: &Context<'_>) -> StoryScore {
    let dimensions = vec![
        ownership(cx),
        root_cause(cx),
        recovery(cx),
        learning_loop(cx),
        scope_and_impact(cx),
    ];
    let total = dimensions.iter().map(|d| d.points).sum();
    StoryScore {
        story: cx.index,
        title: cx.story.name().to_string(),
        range: cx.anchor(),
        max: MAX_POINTS * dimensions.len() as u8,
        dimensions,
        total,
    }
}

/// Builds a dimension from (earned, reason) pairs, one per point.
fn dimension(name: &'static str, checks: Vec<(bool, String)>) -> Dimension {
    let points = checks.iter().filter(|(earned, _)| *earned).count() as u8;
    let reasons = checks
        .into_iter()
        .map(|(earned, reason)| format!("{} {reason}", if earned { "+1" } else { "+0" }))
        .collect();
    Dimension {
        name,
        points: points.min(MAX_POINTS),
        reasons,
    }
}

fn said(claim: &Claim) -> String {
    quote(&claim.words)
}

fn ownership(cx: &Context<'_>) -> Dimension {
    let actors = reading::action_actors(cx).map(|(a, _)| a);
    let first_person = actors.is_some_and(|a| a.i > 0 && a.i >= a.we);
    let actor_reason = match actors {
        Some(a) if first_person => format!(
            "the Action is told in the first person ({} I, {} we)",
            a.i, a.we
        ),
        Some(a) => format!(
            "the Action is not told in the first person ({} I, {} we)",
            a.i, a.we
        ),
        None => "there is no Action to tell who acted".to_string(),
    };
    let blame = reading::blame(cx);
    let blame_reason = blame.first().map_or_else(
        || "no blame put on others or on circumstances".to_string(),
        |c| format!("blame put on others: {}", said(c)),
    );
    let owned = reading::owns_failure(cx)
        || reading::sentences(cx, &[PartKind::Action])
            .iter()
            .any(|s| cx.phrases("own-mistake").is_match(s.text));
    let owned_reason = if owned {
        "the mistake is named as the teller's own".to_string()
    } else {
        "the teller's own mistake is never named".to_string()
    };
    let hero = reading::claims(cx, reading::ALL, "hero-framing");
    let drama = reading::claims(cx, reading::ALL, "performative-self-criticism");
    let luck = reading::no_agency(cx);
    let framing = hero.first().or(drama.first()).or(luck.first());
    let framing_reason = framing.map_or_else(
        || "matter-of-fact: no hero framing, bad luck or theatrical self-blame".to_string(),
        |c| format!("framing gets in the way: {}", said(c)),
    );
    dimension(
        "Ownership",
        vec![
            (first_person, actor_reason),
            (blame.is_empty(), blame_reason),
            (owned, owned_reason),
            (framing.is_none(), framing_reason),
        ],
    )
}

fn root_cause(cx: &Context<'_>) -> Dimension {
    let any_cause = reading::root_cause(cx);
    let deeper = reading::deeper_cause(cx);
    let rebranded = reading::rebranded(cx);
    let cause_reason = any_cause.as_ref().map_or_else(
        || "nothing says why it happened".to_string(),
        |c| format!("a cause in the teller's own thinking: {}", said(c)),
    );
    let deeper_reason = deeper.as_ref().map_or_else(
        || "no deeper pattern (a fear, a self-image, a habit) is named".to_string(),
        |c| format!("a deeper pattern is named: {}", said(c)),
    );
    let real_reason = rebranded.as_ref().map_or_else(
        || "a real failure, not a success in disguise".to_string(),
        |(c, _)| format!("the failure reads as a success: {}", said(c)),
    );
    let own_mistake = reading::sentences(cx, &[PartKind::Action])
        .into_iter()
        .find(|s| cx.phrases("own-mistake").is_match(s.text));
    dimension(
        "Root cause",
        vec![
            (
                own_mistake.is_some(),
                own_mistake.as_ref().map_or_else(
                    || "the Action never names what the teller got wrong".to_string(),
                    |s| format!("names what went wrong: {}", quote(s.text)),
                ),
            ),
            (any_cause.is_some(), cause_reason),
            (deeper.is_some(), deeper_reason),
            (rebranded.is_none(), real_reason),
        ],
    )
}

fn recovery(cx: &Context<'_>) -> Dimension {
    let recovered = reading::recovery(cx);
    let timing = cx.phrases("recovery-timing");
    let quick = reading::sentences(cx, &[PartKind::Action])
        .into_iter()
        .find(|s| s.actors().i > 0 && !s.mentions(timing).is_empty());
    let spoke_up = reading::sentences(cx, &[PartKind::Action])
        .into_iter()
        .find(|s| cx.phrases("spoke-up").is_match(s.text));
    let mitigated = reading::sentences(cx, &[PartKind::Result, PartKind::Action])
        .into_iter()
        .find(|s| cx.phrases("mitigated").is_match(s.text));
    dimension(
        "Recovery",
        vec![
            (
                recovered.is_some(),
                recovered.as_ref().map_or_else(
                    || "no first move to limit the damage".to_string(),
                    |c| format!("the teller moved to limit the damage: {}", said(c)),
                ),
            ),
            (
                spoke_up.is_some(),
                spoke_up.as_ref().map_or_else(
                    || "nothing says the teller owned up to the people affected".to_string(),
                    |s| format!("owned up early: {}", quote(s.text)),
                ),
            ),
            (
                quick.is_some(),
                quick.as_ref().map_or_else(
                    || "nothing says how fast".to_string(),
                    |s| format!("fast: {}", quote(s.text)),
                ),
            ),
            (
                mitigated.is_some(),
                mitigated.as_ref().map_or_else(
                    || "nothing says how far the damage was contained".to_string(),
                    |s| format!("the damage was contained: {}", quote(s.text)),
                ),
            ),
        ],
    )
}

fn learning_loop(cx: &Context<'_>) -> Dimension {
    let lesson = !reading::lesson_sentences(cx).is_empty();
    let vague = reading::vague_lesson(cx);
    let mechanism = reading::mechanism(cx);
    let evidence = reading::evidence(cx);
    let awareness = reading::awareness(cx);
    dimension(
        "Learning loop",
        vec![
            (
                lesson && vague.is_none(),
                match (&vague, lesson) {
                    (Some(c), _) => format!("the lesson is generic: {}", said(c)),
                    (None, true) => "a lesson is stated".to_string(),
                    (None, false) => "no lesson is stated".to_string(),
                },
            ),
            (
                mechanism.is_some(),
                mechanism.as_ref().map_or_else(
                    || "no concrete mechanism (checklist, test, review, rule)".to_string(),
                    |c| format!("a concrete mechanism: {}", said(c)),
                ),
            ),
            (
                evidence.is_some(),
                evidence.as_ref().map_or_else(
                    || "no evidence the change stuck".to_string(),
                    |c| format!("evidence the change stuck: {}", said(c)),
                ),
            ),
            (
                awareness.is_some(),
                awareness.as_ref().map_or_else(
                    || "nothing admits the risk is still there".to_string(),
                    |c| format!("admits the risk remains: {}", said(c)),
                ),
            ),
        ],
    )
}

fn scope_and_impact(cx: &Context<'_>) -> Dimension {
    let result = reading::result_figure(cx);
    let cost = reading::cost(cx);
    let figures = reading::figures_in(cx, reading::STAR);
    let affected = cx.phrases("affected");
    let who = figures.iter().find(|(kind, claim)| {
        *kind == FigureKind::Money
            || claim
                .words
                .split_whitespace()
                .last()
                .is_some_and(|w| affected.is_match(&w.to_lowercase()))
    });
    let how_long = figures
        .iter()
        .find(|(kind, claim)| *kind == FigureKind::Duration && measures_a_length(cx, claim));
    dimension(
        "Scope and impact",
        vec![
            (
                result.is_some(),
                result.as_ref().map_or_else(
                    || "the Result has no figure".to_string(),
                    |c| format!("the Result is measured: {}", said(c)),
                ),
            ),
            (
                cost.is_some(),
                cost.as_ref().map_or_else(
                    || "the cost is never quantified".to_string(),
                    |c| format!("the cost is quantified: {}", said(c)),
                ),
            ),
            (
                who.is_some(),
                who.map_or_else(
                    || "no money or count of people affected".to_string(),
                    |(_, c)| format!("who or what was affected, how much: {}", said(c)),
                ),
            ),
            (
                how_long.is_some(),
                how_long.map_or_else(
                    || "nothing says for how long".to_string(),
                    |(_, c)| format!("for how long: {}", said(c)),
                ),
            ),
        ],
    )
}

/// Whether a duration measures how long something lasted: not when the story happened ("two
/// years ago") and not a rate ("40,000 orders a day"), by the theme's `duration-rate` and
/// `duration-length` cues.
fn measures_a_length(cx: &Context<'_>, claim: &Claim) -> bool {
    let Some(at) = claim.sentence.find(&claim.words) else {
        return true;
    };
    let range = at..at + claim.words.len();
    if reading::dates_the_story(&claim.sentence, &range) {
        return false;
    }
    let rate = cx.phrases("duration-rate").is_match(&claim.words);
    let before = claim.sentence[..at].trim_end();
    let length_word = cx.phrases("duration-length").is_match(before);
    !rate || length_word
}

/// Compiled answer cues of every built-in theme's follow-ups, by theme name.
static ANSWERS: LazyLock<HashMap<String, Vec<PhraseSet>>> = LazyLock::new(|| {
    crate::theme::builtin()
        .iter()
        .map(|theme| {
            let sets = theme
                .follow_ups
                .iter()
                .map(|f| PhraseSet::new(&f.answers))
                .collect();
            (theme.name.clone(), sets)
        })
        .collect()
});

/// The follow-up questions of the story's theme, each with the sentence that answers it.
pub fn follow_ups(cx: &Context<'_>) -> Vec<FollowUp> {
    let theme: &Theme = cx.theme;
    let sets = ANSWERS.get(&theme.name);
    let sentences = reading::sentences(cx, reading::ALL);
    theme
        .follow_ups
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let cues = sets.and_then(|s| s.get(i));
            let by_cue = cues.and_then(|set| {
                sentences
                    .iter()
                    .find(|s| !s.mentions(set).is_empty())
                    .map(|s| s.whole())
            });
            // The rules' own judgement answers the questions they share.
            let by_judgement = || match spec.id.as_str() {
                "changed" => reading::evidence(cx),
                "deeper-lesson" => reading::deeper_cause(cx),
                "repeat" => reading::awareness(cx),
                _ => None,
            };
            let answer = by_cue
                .or_else(|| {
                    by_judgement().and_then(|claim| {
                        sentences
                            .iter()
                            .find(|s| s.whole().range.contains(&claim.range.start))
                            .map(|s| s.whole())
                    })
                })
                .map(|claim| (claim.range, claim.sentence));
            FollowUp {
                id: spec.id.clone(),
                question: spec.question.clone(),
                answer,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check_text;

    const STRONG: &str = "# Courier\n## Situation\nI ran operations for a meal-kit company.\n## Task\nThe courier decision was mine.\n## Action\nI chose the cheaper bid and skipped the pilot. Within three days I moved the 40 rural postcodes back and called the customers with the worst failures.\n## Result\nThe switch cost about $26K in credits over three weeks, and 120 subscribers cancelled. Lateness was back under 3% by week four.\n## Learning\nThe root cause was that I treated a price comparison as an operations decision, because I was afraid to miss finance's target. Now every vendor change goes through a two-week pilot. I've run three vendor changes that way since. The urge to lock in savings hasn't gone away.\n";
    const WEAK: &str = "# Too much\n## Situation\nI took on too much.\n## Task\nI had to deliver.\n## Action\nWe worked late and we asked for help.\n## Result\nI delivered the project.\n## Learning\nI learned to communicate better.\n";

    fn score_of(text: &str) -> StoryScore {
        let config = Config::default();
        scores(text, &check_text(text, &config), &config).remove(0)
    }

    #[test]
    fn a_strong_story_scores_high_with_reasons() {
        let score = score_of(STRONG);
        assert_eq!(score.dimensions.len(), 5);
        assert_eq!(score.max, 20);
        assert!(score.total >= 17, "{score:#?}");
        for dimension in &score.dimensions {
            assert_eq!(dimension.reasons.len(), 4, "{dimension:#?}");
            assert!(dimension.points <= MAX_POINTS);
        }
    }

    #[test]
    fn a_weak_story_scores_low_and_says_why() {
        let score = score_of(WEAK);
        assert!(score.total <= 6, "{score:#?}");
        let learning = &score.dimensions[3];
        assert!(
            learning.reasons[0].contains("\"communicate better\""),
            "{learning:#?}"
        );
        let ownership = &score.dimensions[0];
        assert!(ownership.reasons[0].starts_with("+0"), "{ownership:#?}");
    }

    #[test]
    fn the_score_quotes_real_evidence_only() {
        let text = "# Rollout\n## Situation\nTwo years ago I ran releases for a shop that takes 40,000 orders a day.\n## Action\nI pushed the new cache to all servers at once.\n## Result\nCheckout failed for some buyers.\n";
        let score = score_of(text);
        let recovery = &score.dimensions[2];
        assert!(recovery.reasons[2].starts_with("+0"), "{recovery:#?}");
        let impact = &score.dimensions[4];
        assert!(impact.reasons[3].starts_with("+0"), "{impact:#?}");
        // A real duration earns the point, and is quoted.
        let lasted = text.replace("for some buyers.", "for some buyers for 3 hours.");
        let impact = &score_of(&lasted).dimensions[4];
        assert!(impact.reasons[3].contains("\"3 hours\""), "{impact:#?}");
    }

    #[test]
    fn follow_ups_point_at_the_answering_sentence() {
        let config = Config::default();
        let analysis = check_text(STRONG, &config);
        let follow_ups = follow_ups_of(STRONG, &analysis, &config).remove(0);
        let changed = follow_ups.iter().find(|f| f.id == "changed").unwrap();
        let (range, sentence) = changed.answer.clone().unwrap();
        assert_eq!(sentence, "I've run three vendor changes that way since.");
        assert_eq!(&STRONG[range], sentence);
        let weak = follow_ups_of(WEAK, &check_text(WEAK, &config), &config).remove(0);
        assert!(weak.iter().all(|f| f.answer.is_none()), "{weak:#?}");
    }
}

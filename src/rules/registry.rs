//! Every rule, in one sorted list.

use super::bank::{
    competency_coverage::CompetencyCoverage, competency_not_shown::CompetencyNotShown,
    missing_prompt::MissingPrompt, prompt_coverage::PromptCoverage,
    unknown_competency::UnknownCompetency,
};
use super::choosing::{rebranded_success::RebrandedSuccess, risky_failure::RiskyFailure};
use super::depth::{
    no_behavior_change::NoBehaviorChange, no_ongoing_awareness::NoOngoingAwareness,
    no_root_cause::NoRootCause, performative_self_criticism::PerformativeSelfCriticism,
    vague_lesson::VagueLesson,
};
use super::impact::{
    no_cost::NoCost, no_immediate_recovery::NoImmediateRecovery, no_metric::NoMetric,
};
use super::ownership::{
    blame_shifting::BlameShifting, hero_framing::HeroFraming, no_agency::NoAgency, we_not_i::WeNotI,
};
use super::structure::{
    empty_section::EmptySection, malformed_front_matter::MalformedFrontMatter,
    missing_learning::MissingLearning, missing_star_section::MissingStarSection,
    section_order::SectionOrder, speaking_time::SpeakingTime,
    storytelling_heavy::StorytellingHeavy, unknown_rule_id::UnknownRuleId,
    unlabeled_parts::UnlabeledParts,
};
use super::{Rule, RuleMeta};

/// The rules that check one story at a time, sorted by id.
static STORY_RULES: &[&dyn Rule] = &[
    &BlameShifting,
    &EmptySection,
    &HeroFraming,
    &MissingLearning,
    &MissingPrompt,
    &MissingStarSection,
    &NoAgency,
    &NoBehaviorChange,
    &NoCost,
    &NoImmediateRecovery,
    &NoMetric,
    &NoOngoingAwareness,
    &NoRootCause,
    &PerformativeSelfCriticism,
    &RebrandedSuccess,
    &RiskyFailure,
    &SectionOrder,
    &SpeakingTime,
    &StorytellingHeavy,
    &UnlabeledParts,
    &VagueLesson,
    &WeNotI,
];

/// Rules checked once per file or per bank rather than per story.
static OTHER_RULES: &[&RuleMeta] = &[
    &CompetencyCoverage::META,
    &CompetencyNotShown::META,
    &MalformedFrontMatter::META,
    &PromptCoverage::META,
    &UnknownCompetency::META,
    &UnknownRuleId::META,
];

/// The per-story rules.
pub fn all() -> &'static [&'static dyn Rule] {
    STORY_RULES
}

/// Every rule's metadata, sorted by id.
pub fn metas() -> Vec<&'static RuleMeta> {
    let mut out: Vec<&'static RuleMeta> = STORY_RULES
        .iter()
        .map(|rule| rule.meta())
        .chain(OTHER_RULES.iter().copied())
        .collect();
    out.sort_by_key(|meta| meta.id);
    out
}

/// A rule's metadata by id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    metas().into_iter().find(|meta| meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_rules_are_sorted_and_unique() {
        let ids: Vec<&str> = STORY_RULES.iter().map(|r| r.meta().id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn every_rule_explains_itself() {
        for meta in metas() {
            let explanation = meta.explanation();
            assert!(
                explanation.starts_with("## What it flags"),
                "{}: {explanation}",
                meta.id
            );
            assert!(
                explanation.len() > 200,
                "{} explanation is too thin",
                meta.id
            );
            assert!(!meta.summary().is_empty(), "{}", meta.id);
        }
    }
}

//! The cards and bank summaries an analysis keeps: made when first asked for, moved with
//! their stories after an edit, made again for the stories the edit reached.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use super::IncrementalAnalysis;
use crate::assist::{self, Counts, FileSummary, StoryCard};
use crate::bank::StorySummary;
use crate::document::Shift;
use crate::story::Outline;

impl IncrementalAnalysis {
    /// The card of story `index` (made now if no earlier call made it), finding counts
    /// included.
    pub fn card(&self, index: usize) -> Option<&StoryCard> {
        let slot = self.cards.get(index)?;
        Some(slot.get_or_init(|| {
            self.cards_made.add_one();
            StoryCard {
                counts: self.counts.get(index).copied().unwrap_or_default(),
                ..assist::story_card(&self.text, &self.outline, index, &self.config)
            }
        }))
    }

    /// How many cards were made (not moved), since this analysis was created.
    pub fn cards_made(&self) -> u64 {
        self.cards_made.get()
    }

    /// Every story's card, in story order (see [`Self::card`]): equal to
    /// [`assist::story_cards`] of a fresh analysis.
    pub fn cards(&self) -> impl ExactSizeIterator<Item = &StoryCard> + '_ {
        (0..self.cards.len()).map(|index| self.card(index).expect("index is in range"))
    }

    /// How many findings of each severity each story has, in story order.
    pub fn counts(&self) -> &[Counts] {
        &self.counts
    }

    /// The bank summary of the document: equal to [`assist::summarize`] of a fresh analysis.
    /// Each story's part is made when first asked for and then moved with its story.
    pub fn summary(&self) -> FileSummary {
        let stories = self
            .summaries
            .iter()
            .enumerate()
            .map(|(index, slot)| {
                let mut summary = slot
                    .get_or_init(|| {
                        crate::bank::story_summary(
                            0,
                            &self.text,
                            &self.outline,
                            index,
                            &self.config,
                        )
                    })
                    .clone();
                summary.ready = self.counts.get(index).is_none_or(|c| c.errors == 0);
                summary
            })
            .collect();
        FileSummary { stories }
    }

    /// Carries the cards and summaries made so far over to `outline`: a story `moves` names
    /// keeps its old ones, moved by its delta; the others are made again when asked for.
    pub(super) fn carry(&mut self, outline: &Outline, moves: Option<&[Option<(usize, isize)>]>) {
        let stories = outline.stories.len();
        let mut old_cards: Vec<Option<StoryCard>> = std::mem::take(&mut self.cards)
            .into_iter()
            .map(OnceLock::into_inner)
            .collect();
        let mut old_summaries: Vec<Option<StorySummary>> = std::mem::take(&mut self.summaries)
            .into_iter()
            .map(OnceLock::into_inner)
            .collect();
        let front_matter = outline.file.front_matter.as_ref();
        for index in 0..stories {
            let moved = moves.and_then(|moves| moves.get(index).copied().flatten());
            let (card, summary) = match moved {
                Some((old, by)) => (
                    old_cards.get_mut(old).and_then(Option::take).map(|card| {
                        let mut card = Shift::shifted(card, by);
                        card.index = index;
                        card
                    }),
                    old_summaries
                        .get_mut(old)
                        .and_then(Option::take)
                        .map(|mut summary| {
                            summary.follow_story(by, front_matter);
                            summary
                        }),
                ),
                None => (None, None),
            };
            self.cards
                .push(card.map_or_else(OnceLock::new, OnceLock::from));
            self.summaries
                .push(summary.map_or_else(OnceLock::new, OnceLock::from));
        }
    }
}

/// A count that `&self` methods can raise (cards are made lazily, behind shared references).
#[derive(Debug, Default)]
pub(super) struct Counter(AtomicU64);

impl Counter {
    fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Clone for Counter {
    fn clone(&self) -> Self {
        Counter(AtomicU64::new(self.get()))
    }
}

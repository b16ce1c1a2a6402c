//! Finds the stories of a document and their parts.
//!
//! A story starts at a heading that is not itself a part label (its title) and runs to the
//! next title at the same or a higher level, or to the next story. A title whose section holds
//! part labels is a story; a title with no labels and no sub-headings is a story when its prose
//! reads like one (enough words and at least one cue of a Task, Action, Result or Learning).
//! Labels before the first title make an untitled story. In a story with no labels, the parts
//! are inferred sentence by sentence from cues, in STAR order.
//!
//! The work is in three steps, each in its own file: `scan.rs` finds headings, labels and
//! metadata lines block by block; `assemble.rs` decides which titles open stories (reusing
//! the regions an edit did not reach); `build.rs` splits a region into stories and parts, and
//! `infer.rs` infers the parts of unlabeled prose.

use crate::document::Syntax;

use super::{Outline, Scan};

/// Finds the file metadata and every story of `text`, parsed as `syntax`.
pub fn outline(text: &str, syntax: &Syntax) -> Outline {
    let scan = Scan::new(text, syntax, 0..text.len());
    let (outline, _) = scan.assemble(text, None);
    outline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;
    use crate::story::{Part, PartKind, Story};
    use PartKind::*;

    fn stories(text: &str) -> Vec<Story> {
        outline(text, &parse(text)).stories
    }

    fn kinds(story: &Story) -> Vec<PartKind> {
        story.parts.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn heading_parts_under_a_title() {
        let text = "# Missed launch\n\n## Situation\nWe had a week.\n\n## Task\nI owned it.\n\n## Action\nI cut tests.\n\n## Result\nWe slipped.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name(), "Missed launch");
        assert_eq!(kinds(&found[0]), [Situation, Task, Action, Result]);
        let action = found[0].part(Action).unwrap();
        assert_eq!(text[action.body.clone()].trim(), "I cut tests.");
    }

    #[test]
    fn many_stories_in_one_file_with_a_container_heading() {
        let text = "# My stories\nIntro text.\n\n## One\n**Situation:** a\n**Action:** b\n\n## Two\nSituation: c\nResult: d\n";
        let found = stories(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name(), "One");
        assert_eq!(kinds(&found[0]), [Situation, Action]);
        assert_eq!(found[1].name(), "Two");
        assert_eq!(kinds(&found[1]), [Situation, Result]);
        assert_eq!(
            text[found[0].part(Action).unwrap().body.clone()].trim(),
            "b"
        );
    }

    #[test]
    fn list_item_labels_with_sibling_and_nested_content() {
        let text = "# Story\n- Situation\n- We were late.\n- Task\n  - I owned the plan.\n- **A (Action):** I cut scope.\n";
        let found = stories(text);
        assert_eq!(kinds(&found[0]), [Situation, Task, Action]);
        let task = found[0].part(Task).unwrap();
        assert!(text[task.body.clone()].contains("I owned the plan."));
        assert_eq!(&text[task.label.as_ref().unwrap().range.clone()], "- Task");
    }

    #[test]
    fn metadata_lines_under_the_title() {
        let text = "## Outage\nPrompt: Tell me about a time you failed.\nTheme: star\n\n### Situation\nText\n";
        let found = stories(text);
        assert_eq!(found[0].meta.prompts, ["Tell me about a time you failed."]);
        assert_eq!(found[0].meta.theme.as_deref(), Some("star"));
        assert_eq!(kinds(&found[0]), [Situation]);
    }

    #[test]
    fn plain_prose_is_inferred_in_star_order() {
        let text = "# The outage\n\nTwo years ago I was a backend engineer on a payments team of six people in a busy quarter. \
My job was to own the database upgrade. I decided to skip the dry run because the window was short. \
As a result, checkout was down for forty minutes and we refunded 120 orders. \
I learned to treat rehearsals as part of the change, and since then every upgrade I run has a dry run.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert!(found[0].inferred);
        assert_eq!(
            kinds(&found[0]),
            [Situation, Task, Action, Result, Learning]
        );
        assert!(found[0].parts.iter().all(Part::is_inferred));
    }

    #[test]
    fn paragraphs_are_read_whole() {
        let text = "# Hiring\n\nTwo years ago I ran a support team of nine at a software company that grew fast. \
It was my job to fill the senior seat.\n\n\
That year we hired in a hurry. We skipped the reference checks and we made an offer in a day.\n\n\
The hire left after 60 days, and the seat stayed empty for four months.\n\n\
I learned to hold the debrief before anyone speaks, and since then every hire has had one.\n";
        let found = stories(text);
        assert_eq!(
            kinds(&found[0]),
            [Situation, Task, Action, Result, Learning]
        );
    }

    #[test]
    fn a_short_note_under_a_heading_is_not_a_story() {
        assert!(stories("# Notes\n\nRemember to breathe.\n").is_empty());
    }

    #[test]
    fn headings_only_story_has_empty_parts() {
        let text = "# Title\n## Situation\n## Task\n## Action\n## Result\n";
        let found = stories(text);
        assert_eq!(kinds(&found[0]), [Situation, Task, Action, Result]);
        assert!(found[0]
            .parts
            .iter()
            .all(|p| text[p.body.clone()].trim().is_empty()));
    }

    #[test]
    fn a_second_situation_label_starts_a_new_story() {
        let text = "Situation: a\nAction: b\nResult: c\n\nSituation: d\nAction: e\n";
        let found = stories(text);
        assert_eq!(found.len(), 2);
        assert_eq!(kinds(&found[1]), [Situation, Action]);
    }

    #[test]
    fn sub_headings_inside_a_labeled_story_stay_in_it() {
        let text = "## Story\n### Situation\nText.\n#### Details\nMore text here about the details of what happened.\n### Action\nI did.\n";
        let found = stories(text);
        assert_eq!(found.len(), 1);
        assert_eq!(kinds(&found[0]), [Situation, Action]);
    }
}

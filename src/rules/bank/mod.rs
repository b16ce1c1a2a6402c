//! The story bank: does each story name its prompt, does the bank cover a theme's common
//! prompts, and do its stories cover the chosen competency set? Coverage is checked over many
//! files by [`crate::bank`].

pub mod competency_coverage;
pub mod competency_not_shown;
pub mod missing_prompt;
pub mod prompt_coverage;
pub mod unknown_competency;

//! The story bank: does each story name its prompt, and does the bank cover a theme's common
//! prompts? Coverage is checked over many files by [`crate::bank`].

pub mod missing_prompt;
pub mod prompt_coverage;

//! starling: a linter and language server for behavioral-interview stories.
//!
//! The engine reads a Markdown document, finds its stories and their
//! Situation/Task/Action/Result/Learning parts, and checks them against the rubric. It does no
//! IO: the command line (`cli`) and the language server (`lsp`) read files and talk to users.

pub mod analysis;
pub mod assist;
pub mod bank;
pub mod competency;
pub mod config;
pub mod document;
pub mod incremental;
pub mod prompts;
pub mod report;
pub mod rules;
pub mod score;
pub mod story;
pub mod text;
pub mod theme;
pub mod workspace;

#[cfg(test)]
mod test_texts;

pub use analysis::{analyze, check_text, Analysis};
pub use config::Config;
pub use document::Document;
pub use incremental::{AnalysisSnapshot, ByteEdit, Change, IncrementalAnalysis};
pub use rules::{Finding, Severity};
pub mod cli;
pub mod lsp;

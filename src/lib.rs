//! starling: a linter and language server for behavioral-interview stories.
//!
//! The engine reads a Markdown document, finds its stories and their
//! Situation/Task/Action/Result/Learning parts, and checks them against the rubric. It does no
//! IO: the command line (`cli`) and the language server (`lsp`) read files and talk to users.

pub mod document;
pub mod story;
pub mod text;
pub mod theme;

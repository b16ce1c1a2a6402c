//! Which files hold stories: one answer for the command line and the language server.
//!
//! A file holds stories when its path matches the include globs and not the exclude globs
//! (both relative to the include root), or when it is Markdown, not excluded, and its front
//! matter says so (it names a prompt, a question, a theme, or sets `starling`, `story` or
//! `stories` to anything but `false`). Folders are walked honouring `.gitignore`, skipping
//! hidden files and anything that is not a regular file.
//!
//! The decisions here do IO only where their names say so (`walk`, `read_head`); the rest
//! works on paths and text.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// How much of a file is read to find its front matter.
const HEAD: u64 = 64 * 1024;

/// Why a file is, or is not, a story file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its path matches the include globs.
    ByPath,
    /// Its front matter says it holds stories.
    ByFrontMatter,
    /// The exclude globs name it.
    Excluded,
    /// Neither its path nor its front matter makes it one.
    NotStories,
}

impl Verdict {
    /// Whether the file holds stories.
    pub fn holds_stories(self) -> bool {
        matches!(self, Verdict::ByPath | Verdict::ByFrontMatter)
    }
}

/// The folder include and exclude globs are relative to: the folder of the `starling.toml`
/// that configures the file, else `fallback` (the folder walked, or the workspace folder).
pub fn include_root(config: &Config, fallback: Option<&Path>) -> Option<PathBuf> {
    match config.path().and_then(Path::parent) {
        Some(folder) => Some(folder.to_path_buf()),
        None => fallback.map(Path::to_path_buf),
    }
}

/// Whether `path` is Markdown by its extension.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// What the globs alone say about `path`: [`Verdict::ByPath`], [`Verdict::Excluded`], or
/// [`Verdict::NotStories`] when the front matter must decide.
pub fn by_path(config: &Config, root: Option<&Path>, path: &Path) -> Verdict {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let relative = root
        .and_then(|root| absolute.strip_prefix(root).ok())
        .unwrap_or(path);
    if config.is_excluded(relative) {
        Verdict::Excluded
    } else if config.is_story_path(relative) {
        Verdict::ByPath
    } else {
        Verdict::NotStories
    }
}

/// Whether `path` holds stories, reading its front matter from `head` (the start of its
/// text, `None` when it cannot be read) only when the globs leave it open.
pub fn verdict(
    config: &Config,
    root: Option<&Path>,
    path: &Path,
    head: impl FnOnce() -> Option<String>,
) -> Verdict {
    match by_path(config, root, path) {
        Verdict::NotStories if is_markdown(path) => {
            if head().is_some_and(|text| front_matter_says_stories(&text)) {
                Verdict::ByFrontMatter
            } else {
                Verdict::NotStories
            }
        }
        verdict => verdict,
    }
}

/// Whether `text` opens with front matter that says the file holds stories.
pub fn front_matter_says_stories(text: &str) -> bool {
    match crate::document::syntax::front_matter_end(text) {
        Some(end) => crate::story::meta::front_matter(text, 0..end).holds_stories,
        None => false,
    }
}

/// Whether `text` opens with a front matter block, whatever it says: a file outside the
/// include globs is analysed only then, to find out.
pub fn has_front_matter<S: crate::document::syntax::Source + ?Sized>(text: &S) -> bool {
    crate::document::syntax::front_matter_end(text).is_some()
}

/// The start of the file at `path`, enough to hold its front matter; `None` for anything but
/// a readable regular file.
pub fn read_head(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(HEAD)
        .read_to_end(&mut bytes)
        .ok()?;
    // A cut inside a character at the end costs only that character; a byte order mark
    // does not hide the front matter.
    let text = String::from_utf8_lossy(&bytes);
    Some(crate::document::strip_bom(&text).0.to_string())
}

/// Every regular file under `folder`, sorted, honouring `.gitignore` and skipping hidden
/// files. Errors met on the way (an unreadable folder) go to `error`.
pub fn walk(folder: &Path, mut error: impl FnMut(ignore::Error)) -> Vec<PathBuf> {
    let walker = ignore::WalkBuilder::new(folder)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .build();
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                found.push(entry.into_path());
            }
            Ok(_) => {}
            Err(err) => error(err),
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keys_decide() {
        let holds = [
            "---\nprompt: Tell me about a failure\n---\n# A\n",
            "---\nprompts: [a, b]\n---\n",
            "---\nquestion: Why?\n---\n",
            "---\nquestions:\n  - Why?\n---\n",
            "---\ntheme: star\n---\n",
            "---\nstarling: true\n---\n",
            "---\nstory: yes\n---\n",
            "---\nstories: true\n---\n",
            "---\r\nPrompt: Why?\r\n---\r\n",
        ];
        for text in holds {
            assert!(front_matter_says_stories(text), "{text:?}");
        }
        let not = [
            "---\ntitle: Notes\n---\n",
            "---\nstories: false\n---\n",
            "---\nstarling: false\n---\n",
            "# prompt: not front matter\n",
            "---\nprompt: never closed\n",
            "",
        ];
        for text in not {
            assert!(!front_matter_says_stories(text), "{text:?}");
        }
    }
}

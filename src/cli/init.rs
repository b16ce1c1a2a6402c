//! `starling init`: a commented `starling.toml` and a first story to fill in.

use std::path::Path;

use anyhow::Context as _;

/// Every setting, commented out at its default, with what it does.
const CONFIG: &str = r#"# starling.toml: how starling reads the stories in this folder and the folders below it.
# Every setting is optional: remove the `#` in front of one to change it. The values shown
# are the defaults.

# How a story is read when its front matter names no theme: "failure" (a failure, a mistake,
# hard feedback or a wrong decision, and what changed after it) or "star" (any STAR story:
# structure and ownership only).
# theme = "failure"

# Which files hold stories, as globs relative to this file. Any Markdown file whose front
# matter sets `prompt:` or `theme:` is a story file too.
# include = ["**/*.story.md", "**/stories/**/*.md"]
# exclude = ["drafts/**"]

# Files larger than this many bytes are not checked.
# max-file-size = 10485760

# Turn a rule off, or change how serious its findings are: "error", "warning", "info",
# "hint" or "off". `starling rules` lists the rules; `starling explain RULE` explains one.
# [rules]
# speaking-time = "off"
# no-metric = "error"

# More phrases for a rule to look for, as case-insensitive regular expressions.
# [phrases]
# vague-lesson = ['\bbe more mindful\b']

# How fast you speak, and how long a story may take to tell.
# [speaking]
# words-per-minute = 150
# min-minutes = 1.0
# max-minutes = 3.5
"#;

/// Where the first story goes, under the folder `init` sets up.
const FIRST_STORY: &str = "stories/first-story.md";

/// Writes `starling.toml` and the first story into `dir`, or nothing when either exists.
pub fn run(dir: &Path) -> anyhow::Result<()> {
    let config = dir.join(crate::config::FILE_NAME);
    let story = dir.join(FIRST_STORY);
    for path in [&config, &story] {
        if path.symlink_metadata().is_ok() {
            anyhow::bail!(
                "{} already exists; nothing written (init never overwrites a file)",
                path.display()
            );
        }
    }
    let template = crate::assist::story_template(crate::theme::DEFAULT_THEME, true);
    std::fs::create_dir_all(dir.join("stories"))
        .with_context(|| format!("{}: cannot create the stories folder", dir.display()))?;
    create_new(&config, CONFIG)?;
    create_new(&story, &template)?;
    println!(
        "Wrote {} and {}.\nReplace each TODO line in the story, then run `starling check` \
         to see what an interviewer would miss.",
        config.display(),
        story.display()
    );
    Ok(())
}

/// Writes a file that must not exist yet.
fn create_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .with_context(|| format!("{}: cannot write", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_config_is_the_default_and_every_example_is_valid() {
        let config = crate::config::Config::from_toml(CONFIG, None).unwrap();
        assert_eq!(config.raw(), &crate::config::RawConfig::default());
        let uncommented: String = CONFIG
            .lines()
            .filter_map(|line| line.strip_prefix("# "))
            .filter(|line| line.starts_with('[') || line.contains(" = "))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(uncommented.contains("[speaking]"), "{uncommented}");
        let config = crate::config::Config::from_toml(&uncommented, None);
        assert!(config.is_ok(), "{uncommented}\n{config:?}");
    }
}

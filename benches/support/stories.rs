//! Banks made of the example stories (`examples/stories/*.md`): what the benchmarks read, and
//! what the tests that open a big bank read (`tests/lsp.rs` and `src/analysis/top.rs` include
//! this file).

#![allow(dead_code)]

/// The example stories, front matter removed, sorted by file name.
pub fn example_stories() -> Vec<String> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/stories");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("examples/stories exists")
        .map(|entry| entry.expect("readable folder").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let story = std::fs::read_to_string(path).expect("readable story");
            match story.strip_prefix("---\n") {
                Some(rest) => rest
                    .split_once("\n---\n")
                    .map_or(rest, |(_, body)| body)
                    .to_string(),
                None => story,
            }
        })
        .collect()
}

/// Story `n` of the rotation, its first heading made unique.
pub fn story(stories: &[String], n: usize) -> String {
    let source = &stories[n % stories.len()];
    let mut out = String::with_capacity(source.len() + 8);
    let mut numbered = false;
    for line in source.lines() {
        out.push_str(line);
        if !numbered && line.starts_with('#') {
            out.push_str(&format!(" {n}"));
            numbered = true;
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// A bank of at least `bytes` bytes: stories in rotation, one after another.
pub fn bank(bytes: usize) -> String {
    let stories = example_stories();
    let mut out = String::with_capacity(bytes + 4096);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(&story(&stories, n));
        n += 1;
    }
    out
}

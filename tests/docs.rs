//! The checked-in rule pages under docs/rules/ are exactly what
//! `starling rules --markdown docs/rules` produces from the rule declarations.

use std::path::Path;

use starling::rules::{docs, registry::metas};

#[test]
fn rule_pages_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let metas = metas();
    let mut stale = Vec::new();
    for meta in &metas {
        let path = dir.join(format!("{}.md", meta.id));
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != docs::page(meta) {
            stale.push(meta.id.to_string());
        }
    }
    let index = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    if index != docs::index(&metas) {
        stale.push("README.md".into());
    }
    let mut extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| {
                    name != "README.md" && !metas.iter().any(|m| format!("{}.md", m.id) == *name)
                })
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "docs/rules is out of date (stale: {stale:?}, no longer a rule: {extra:?}); \
         run `cargo run -- rules --markdown docs/rules`"
    );
}

#[test]
fn every_page_has_an_example_and_the_ways_to_silence_it() {
    for meta in metas() {
        let page = docs::page(meta);
        assert!(page.contains(&format!("# {}\n", meta.id)));
        assert!(page.contains("## How to silence it"), "{}", meta.id);
        assert!(
            page.contains("## Example\nWeak: ") && page.contains("\n\nStrong: "),
            "{} has no weak and strong example",
            meta.id
        );
        assert!(
            page.contains(&format!("{} = \"off\"", meta.id)),
            "{}",
            meta.id
        );
    }
}

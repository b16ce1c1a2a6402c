//! Writing fixes back to a file: through a symbolic link to its target, keeping its owner,
//! group, mode and hard links, and never over a read-only file or one that changed since it
//! was read.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context as _};

/// Replaces the contents of the file at `path` (or of its target, when it is a link), read as
/// `original`, with `fixed`.
pub fn write_fixed(path: &Path, original: &[u8], fixed: &[u8]) -> anyhow::Result<()> {
    let target = std::fs::canonicalize(path).context("cannot write fixes")?;
    let meta = std::fs::metadata(&target).context("cannot write fixes")?;
    if !meta.is_file() {
        bail!(
            "not a regular file, so fixes cannot be written back to it \
             (`starling check --fix - < FILE` prints the fixed text)"
        );
    }
    // Opening for writing asks the system whether this user may write; a read-only mode is
    // refused even for root, who could write anyway.
    let writable = OpenOptions::new().write(true).open(&target);
    if meta.permissions().readonly() || writable.is_err() {
        bail!("the file is read-only; fixes not written (make it writable to fix it)");
    }
    if hard_links(&meta) > 1 {
        // A new file renamed over this one would leave the other links on the old text.
        ensure_unchanged(&target, original)?;
        let mut file = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&target)
            .context("cannot write fixes")?;
        return file.write_all(fixed).context("cannot write fixes");
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).context("cannot write fixes")?;
    temp.write_all(fixed).context("cannot write fixes")?;
    std::fs::set_permissions(temp.path(), meta.permissions()).context("cannot write fixes")?;
    keep_owner(temp.as_file(), &meta)?;
    ensure_unchanged(&target, original)?;
    temp.persist(&target)
        .map_err(|err| anyhow::anyhow!("cannot write fixes: {}", err.error))?;
    Ok(())
}

/// Fails when the file no longer holds `original`: someone wrote to it since it was read.
fn ensure_unchanged(target: &Path, original: &[u8]) -> anyhow::Result<()> {
    let mut now = Vec::with_capacity(original.len());
    File::open(target)
        .and_then(|file| file.take(original.len() as u64 + 1).read_to_end(&mut now))
        .context("cannot write fixes")?;
    if now != original {
        bail!("the file changed while starling checked it; fixes not written (run again)");
    }
    Ok(())
}

#[cfg(unix)]
fn hard_links(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_meta: &Metadata) -> u64 {
    1
}

/// Gives the new file the owner and group of the old one (under `sudo`, root would own it).
#[cfg(unix)]
fn keep_owner(file: &File, meta: &Metadata) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata().context("cannot write fixes")?;
    if (new.uid(), new.gid()) == (meta.uid(), meta.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()))
        .context("cannot keep the file's owner and group; fixes not written")
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _meta: &Metadata) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.story.md");
        std::fs::write(&path, "# A\nread\nand a line added since\n").unwrap();
        let err = write_fixed(&path, b"# A\nread\n", b"# A\nread\nfixed\n").unwrap_err();
        assert!(err.to_string().contains("changed while starling"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# A\nread\nand a line added since\n"
        );
    }

    #[test]
    fn an_unchanged_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.story.md");
        std::fs::write(&path, "# A\nread\n").unwrap();
        write_fixed(&path, b"# A\nread\n", b"# A\nread\nfixed\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# A\nread\nfixed\n"
        );
    }
}

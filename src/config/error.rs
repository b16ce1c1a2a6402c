//! What goes wrong reading a configuration, and where: errors with a line and column.

/// A configuration that cannot be used, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
}

impl ConfigError {
    /// The zero-based line and column of the error, if it has them.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            ConfigError::Invalid { line, column, .. } => {
                Some((line.saturating_sub(1), column.saturating_sub(1)))
            }
            ConfigError::Io { .. } => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ConfigError::Invalid { message, .. } | ConfigError::Io { message, .. } => {
                message.clone()
            }
        }
    }
}

/// One-based line and column of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

/// Where `key` is written in `source` (as a bare or quoted key at a line start).
pub(super) fn locate_key(source: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let bare = trimmed.strip_prefix(key);
        let quoted = trimmed
            .strip_prefix('"')
            .and_then(|t| t.strip_prefix(key))
            .and_then(|t| t.strip_prefix('"'));
        if let Some(rest) = bare.or(quoted) {
            if rest.trim_start().starts_with('=') {
                return line_col(source, offset + lead);
            }
        }
        offset += line.len();
    }
    (1, 1)
}

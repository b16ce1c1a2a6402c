//! The language server: `starling lsp`, over stdio.

/// Runs the language server on stdin/stdout until the client exits.
pub fn run(log_level: &str) -> anyhow::Result<()> {
    let _ = log_level;
    anyhow::bail!("the language server is not built yet")
}

//! Lines of a text: where the line holding an offset starts and ends, and which line break
//! the text uses.

/// The line break `text` uses.
pub fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, after its line break.
pub fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

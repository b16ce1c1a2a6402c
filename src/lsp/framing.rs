//! Reads LSP frames from the client and passes only well-formed ones on to tower-lsp.
//!
//! tower-lsp 0.20 stops reading after the first frame it cannot decode (its read loop ends at
//! the `None` that tokio-util's `FramedRead` yields after an error), so one malformed message
//! would end the session. Here a frame whose body is not JSON becomes a request for
//! [`MALFORMED`] with a `null` id, which `ExitWatch` answers with Parse error (-32700) or
//! Invalid Request (-32600); bytes between frames are skipped up to the next header.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The method of the stand-in request for a malformed frame; its `params` is the error code.
pub const MALFORMED: &str = "$/starling/malformedMessage";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Copies frames from `input` to `output` until `input` ends.
pub async fn relay(mut input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        while let Some(frame) = next_frame(&mut buffer) {
            let body = match frame {
                Frame::Body(body) => match check(&body) {
                    None => body,
                    Some(code) => stand_in(code),
                },
                Frame::BadHeader => stand_in(PARSE_ERROR),
            };
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            if output.write_all(header.as_bytes()).await.is_err()
                || output.write_all(&body).await.is_err()
                || output.flush().await.is_err()
            {
                return;
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    BadHeader,
}

/// Takes the next frame off the front of `buffer`, skipping bytes that start no header.
fn next_frame(buffer: &mut Vec<u8>) -> Option<Frame> {
    let names = [&b"Content-Length"[..], b"Content-Type"];
    let start = if names.iter().any(|name| buffer.starts_with(name)) {
        Some(0)
    } else {
        names.iter().filter_map(|name| find(buffer, name)).min()
    };
    let Some(start) = start else {
        // Keep a possible partial header name at the end.
        let keep = buffer.len().saturating_sub(16);
        buffer.drain(..keep);
        return None;
    };
    buffer.drain(..start);
    let end = find(buffer, b"\r\n\r\n")?;
    let mut length = None;
    let mut bad = false;
    for line in String::from_utf8_lossy(&buffer[..end]).split("\r\n") {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => bad = true,
            }
        }
    }
    let Some(length) = length.filter(|_| !bad) else {
        buffer.drain(..end + 4);
        return Some(Frame::BadHeader);
    };
    if buffer.len() < end + 4 + length {
        return None;
    }
    buffer.drain(..end + 4);
    let body: Vec<u8> = buffer.drain(..length).collect();
    Some(Frame::Body(body))
}

/// `None` for a body tower-lsp can decode, else the JSON-RPC error code it deserves.
fn check(body: &[u8]) -> Option<i64> {
    use tower_lsp::jsonrpc::{Request, Response};
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        return Some(PARSE_ERROR);
    }
    let is_message = serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok();
    (!is_message).then_some(INVALID_REQUEST)
}

fn stand_in(code: i64) -> Vec<u8> {
    serde_json::json!({ "jsonrpc": "2.0", "id": null, "method": MALFORMED, "params": code })
        .to_string()
        .into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

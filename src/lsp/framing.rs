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

/// The fields tower-lsp's `Request` decodes, with the same types, except that `params` is
/// skipped rather than built: a request or notification passes in one pass over its body,
/// however large (a `didOpen` of a 50 MB document).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct RequestShape<'a> {
    jsonrpc: JsonRpcVersion,
    #[serde(default, borrow)]
    method: std::borrow::Cow<'a, str>,
    #[serde(default)]
    params: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    id: Option<tower_lsp::jsonrpc::Id>,
}

#[derive(serde::Deserialize)]
enum JsonRpcVersion {
    #[serde(rename = "2.0")]
    V2,
}

/// `None` for a body tower-lsp can decode, else the JSON-RPC error code it deserves.
fn check(body: &[u8]) -> Option<i64> {
    use tower_lsp::jsonrpc::{Request, Response};
    if serde_json::from_slice::<RequestShape>(body).is_ok() {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check` decided before it learned to skip `params`: every body decoded in full.
    fn check_in_full(body: &[u8]) -> Option<i64> {
        use tower_lsp::jsonrpc::{Request, Response};
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Some(PARSE_ERROR);
        }
        let is_message = serde_json::from_slice::<Request>(body).is_ok()
            || serde_json::from_slice::<Response>(body).is_ok();
        (!is_message).then_some(INVALID_REQUEST)
    }

    #[test]
    fn the_quick_check_decides_as_the_full_one() {
        let bodies = [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"text":"a\nb"}}}"#,
            r#"{"jsonrpc":"2.0","id":"a","method":"x","params":[1,2]}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":true,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","method":"x","method":"y"}"#,
            r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
            r#"{"id":1,"method":"x"}"#,
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","id":3,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"#,
            r#"[1,2,3]"#,
            r#""text""#,
            r#"null"#,
            "",
        ];
        for body in bodies {
            assert_eq!(
                check(body.as_bytes()),
                check_in_full(body.as_bytes()),
                "{body}"
            );
        }
    }
}

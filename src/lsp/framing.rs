//! Reads LSP frames from the client and passes only well-formed ones on to tower-lsp-server.
//!
//! The library stops reading after the first frame it cannot decode (its read loop ends at the
//! `None` that tokio-util's `FramedRead` yields after an error), so one malformed message
//! would end the session. Here a frame whose body is not JSON, or whose header is not a
//! usable `Content-Length`, becomes a request for [`MALFORMED`] with a `null` id, which
//! `ExitWatch` answers with Parse error (-32700) or Invalid Request (-32600); bytes between
//! frames are skipped up to the next header.
//!
//! Two things clients send that the library refuses are put right here, before it sees them:
//! `shutdown` and `exit` with `{}` or `[]` as params (Emacs's Eglot, some LSP4J clients) lose
//! their params, and a document URI with raw characters a URI cannot hold (`é`, a space) is
//! percent-encoded; [`Aliases`] remembers what the client sent, so that diagnostics are
//! published under that very URI.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The method of the stand-in request for a malformed frame; its `params` is the error code.
pub const MALFORMED: &str = "$/starling/malformedMessage";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// The largest body a frame may announce: a larger `Content-Length` is a bad header (the
/// client's documents are far smaller; `max-file-size` is 10 MB by default).
const MAX_BODY: usize = 1 << 30;

/// The URIs the client sent that had to be percent-encoded, by their encoded form.
#[derive(Debug, Clone, Default)]
pub struct Aliases(Arc<Mutex<HashMap<String, String>>>);

impl Aliases {
    /// The URI the client sent for `encoded`, when it differs.
    pub fn original(&self, encoded: &str) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(encoded).cloned()
    }

    fn remember(&self, encoded: String, original: String) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(encoded, original);
    }
}

/// Copies frames from `input` to `output` until `input` ends.
pub async fn relay(
    mut input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    aliases: Aliases,
) {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        while let Some(frame) = next_frame(&mut buffer) {
            let body = match frame {
                Frame::Body(body) => match vet(&body) {
                    Vetted::Pass => encode_uri(body, &aliases),
                    Vetted::WithoutParams(body) => body,
                    Vetted::Refuse(code) => stand_in(code),
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
    let Some(length) = length.filter(|&n| !bad && n <= MAX_BODY) else {
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
    id: Option<tower_lsp_server::jsonrpc::Id>,
}

#[derive(serde::Deserialize)]
enum JsonRpcVersion {
    #[serde(rename = "2.0")]
    V2,
}

/// What to do with a frame's body.
#[derive(Debug, PartialEq, Eq)]
enum Vetted {
    /// Pass it on as it is.
    Pass,
    /// Pass on this instead: the same `shutdown` or `exit` without its empty params.
    WithoutParams(Vec<u8>),
    /// Answer it with this JSON-RPC error code.
    Refuse(i64),
}

/// Whether the library can decode `body`, and if not, what to do about it.
fn vet(body: &[u8]) -> Vetted {
    if let Ok(shape) = serde_json::from_slice::<RequestShape>(body) {
        if matches!(&*shape.method, "shutdown" | "exit") && shape.params.is_some() {
            if let Some(body) = without_empty_params(body) {
                return Vetted::WithoutParams(body);
            }
        }
        return Vetted::Pass;
    }
    match check(body) {
        None => Vetted::Pass,
        Some(code) => Vetted::Refuse(code),
    }
}

/// `body` without its `params` when they are empty (`{}`, `[]`, `null`).
fn without_empty_params(body: &[u8]) -> Option<Vec<u8>> {
    let mut message: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    let empty = match message.get("params")? {
        serde_json::Value::Null => true,
        serde_json::Value::Object(map) => map.is_empty(),
        serde_json::Value::Array(items) => items.is_empty(),
        _ => false,
    };
    if !empty {
        return None;
    }
    message.remove("params");
    serde_json::to_vec(&message).ok()
}

/// Where a message names its document, read without building the rest of its params.
#[derive(serde::Deserialize)]
struct DocumentShape<'a> {
    #[serde(borrow)]
    params: DocumentParams<'a>,
}

#[derive(serde::Deserialize)]
struct DocumentParams<'a> {
    #[serde(rename = "textDocument", borrow)]
    text_document: DocumentId<'a>,
}

#[derive(serde::Deserialize)]
struct DocumentId<'a> {
    #[serde(borrow)]
    uri: std::borrow::Cow<'a, str>,
}

/// `body` with its document URI percent-encoded when it holds characters a URI cannot (raw
/// `é`, spaces), which the library would refuse; the URI sent is remembered in `aliases`.
fn encode_uri(body: Vec<u8>, aliases: &Aliases) -> Vec<u8> {
    let suspect = memchr_uri(&body);
    if !suspect {
        return body;
    }
    let Ok(shape) = serde_json::from_slice::<DocumentShape>(&body) else {
        return body;
    };
    let original = shape.params.text_document.uri.into_owned();
    if original.parse::<tower_lsp_server::ls_types::Uri>().is_ok() {
        return body;
    }
    let encoded = percent_encode(&original);
    if encoded.parse::<tower_lsp_server::ls_types::Uri>().is_err() {
        return body;
    }
    let (Ok(from), Ok(to)) = (
        serde_json::to_string(&original),
        serde_json::to_string(&encoded),
    ) else {
        return body;
    };
    let Some(at) = find(&body, from.as_bytes()) else {
        return body;
    };
    aliases.remember(encoded, original);
    let mut out = Vec::with_capacity(body.len() + to.len());
    out.extend_from_slice(&body[..at]);
    out.extend_from_slice(to.as_bytes());
    out.extend_from_slice(&body[at + from.len()..]);
    out
}

/// Whether the first `uri` member of `body` holds a character no URI may: worth a closer
/// look. Reads only up to the end of that value, however large the body.
fn memchr_uri(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let Some(at) = text.find("\"uri\"") else {
        return false;
    };
    let rest = &text[at + 5..];
    let Some(open) = rest.find('"') else {
        return false;
    };
    let value = &rest[open + 1..];
    let value = value.find('"').map_or(value, |end| &value[..end]);
    value.bytes().any(|b| {
        !b.is_ascii() || matches!(b, b' ' | b'<' | b'>' | b'^' | b'`' | b'{' | b'|' | b'}')
    })
}

/// `uri` with every byte a URI cannot hold raw written as `%XX`.
fn percent_encode(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for &byte in uri.as_bytes() {
        let raw = byte.is_ascii_graphic()
            && !matches!(
                byte,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            );
        if raw {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `None` for a body the library can decode, else the JSON-RPC error code it deserves.
fn check(body: &[u8]) -> Option<i64> {
    use tower_lsp_server::jsonrpc::{Request, Response};
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
        use tower_lsp_server::jsonrpc::{Request, Response};
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

    #[test]
    fn shutdown_and_exit_lose_empty_params_only() {
        for params in ["{}", "[]"] {
            for method in ["shutdown", "exit"] {
                let body =
                    format!(r#"{{"jsonrpc":"2.0","id":7,"method":"{method}","params":{params}}}"#);
                let Vetted::WithoutParams(out) = vet(body.as_bytes()) else {
                    panic!("{body} kept its params");
                };
                let out: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
                assert_eq!(
                    out,
                    serde_json::json!({ "jsonrpc": "2.0", "id": 7, "method": method })
                );
            }
        }
        // The library itself takes no params and `null`.
        let untouched = [
            r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"shutdown","params":null}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"shutdown","params":{"a":1}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#,
        ];
        for body in untouched {
            assert_eq!(vet(body.as_bytes()), Vetted::Pass, "{body}");
        }
    }

    #[test]
    fn a_content_length_past_the_limit_is_a_bad_header() {
        for length in [
            "18446744073709551615",
            "99999999999999999999",
            "4294967296000",
        ] {
            let mut buffer = format!("Content-Length: {length}\r\n\r\n{{}}").into_bytes();
            assert!(matches!(next_frame(&mut buffer), Some(Frame::BadHeader)));
            assert_eq!(buffer, b"{}");
        }
    }

    #[test]
    fn a_raw_uri_is_encoded_and_remembered() {
        let aliases = Aliases::default();
        let body = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/café x.md","text":"é"}}}"#;
        let out = encode_uri(body.as_bytes().to_vec(), &aliases);
        let out: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
        let encoded = "file:///tmp/caf%C3%A9%20x.md";
        assert_eq!(out["params"]["textDocument"]["uri"], encoded);
        assert_eq!(out["params"]["textDocument"]["text"], "é");
        assert_eq!(
            aliases.original(encoded).as_deref(),
            Some("file:///tmp/café x.md")
        );
        let valid = r#"{"jsonrpc":"2.0","method":"x","params":{"textDocument":{"uri":"file:///tmp/caf%C3%A9.md"}},"é":1}"#;
        assert_eq!(
            encode_uri(valid.as_bytes().to_vec(), &aliases),
            valid.as_bytes()
        );
    }
}

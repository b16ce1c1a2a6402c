#!/usr/bin/env python3
"""Stand-in for `starling lsp` (stdlib Python only), used by the editor end-to-end tests
while the real server is not built (STARLING_BIN=standin). It speaks the part of starling's
LSP contract the tests rely on, with made-up wording:

- diagnostics with `source: "starling"` and the rule id as `code`:
    missing-learning   no Learning part (on the story's `# Title` line)
    no-metric          the Result part has no number (on the `## Result` heading)
    rebranded-success  "worked late", "long hours", ... (on the phrase)
- a quick fix `Insert a Learning part` (kind quickfix, a WorkspaceEdit inserting
  "\\n## Learning\\n..." at the end of the document);
- a hover over a diagnostic's range naming the rule id and explaining it;
- settings: `initializationOptions` {theme, rules, include} and
  `workspace/didChangeConfiguration` {settings: {starling: {...}}}; `rules` maps a rule id
  to "off" | "error" | "warning" | "info" | "hint" and re-grades or silences it;
- like the real server, it pulls the `starling` section with `workspace/configuration` after
  `initialized` when the client supports it, and rejects unknown keys with an error message
  ("starling: invalid starling settings: unknown field ...").

Usage: standin_lsp.py lsp      (the `lsp` argument is accepted and ignored)
"""
import json
import re
import sys

SEVERITY = {"error": 1, "warning": 2, "info": 3, "hint": 4}
RULES = {
    "missing-learning": ("warning",
        "**missing-learning**: the story has no Learning part.\n\n"
        "Interviewers ask about a failure to see what changed afterwards. Add a part with the "
        "root cause, the concrete change you made, and evidence that it stuck."),
    "no-metric": ("warning",
        "**no-metric**: the Result gives no number.\n\n"
        "Say what it cost and what changed, in figures a listener can check."),
    "rebranded-success": ("warning",
        "**rebranded-success**: the failure reads like a strength.\n\n"
        "Working late to deliver is a success story; pick a real failure."),
}
LEARNING_TEXT = ("\n## Learning\n\n"
                 "Root cause: why did it happen, beyond what went wrong?\n"
                 "The change: what do you now do differently?\n"
                 "Evidence: where has the change held since?\n")

KNOWN_KEYS = {"theme", "include", "exclude", "rules", "phrases", "speaking", "lsp"}
PULL_ID = "standin-pull-settings"

docs = {}
settings = {"theme": None, "rules": {}, "include": []}
can_pull = False
inp, out = sys.stdin.buffer, sys.stdout.buffer


def log(*a):
    print("[standin]", *a, file=sys.stderr, flush=True)


def send(msg):
    body = json.dumps(dict(jsonrpc="2.0", **msg)).encode()
    out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    out.flush()


def read():
    length = None
    while True:
        line = inp.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        k, _, v = line.decode().partition(":")
        if k.lower() == "content-length":
            length = int(v)
    return json.loads(inp.read(length))


def rng(line, start, end):
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def findings(text):
    lines = text.split("\n")
    title = next((n for n, l in enumerate(lines) if re.match(r"#\s", l)), 0)
    if not any(re.match(r"#{1,6}\s*(learning|lessons?|prevention|what i learned)\b", l, re.I) for l in lines):
        yield "missing-learning", rng(title, 0, len(lines[title])), "no Learning part"
    result = next((n for n, l in enumerate(lines) if re.match(r"#{1,6}\s*results?\b", l, re.I)), None)
    if result is not None:
        end = next((n for n in range(result + 1, len(lines)) if lines[n].startswith("#")), len(lines))
        if not re.search(r"\d", "\n".join(lines[result + 1:end])):
            yield "no-metric", rng(result, 0, len(lines[result])), "the Result has no number"
    for n, l in enumerate(lines):
        for m in re.finditer(r"worked (late|extra hours|nights|weekends)|long hours", l, re.I):
            yield "rebranded-success", rng(n, m.start(), m.end()), "this reads like a strength, not a failure"


def diagnostics(uri):
    out_ = []
    for rule, r, message in findings(docs.get(uri, "")):
        level = (settings.get("rules") or {}).get(rule, RULES[rule][0])
        if level == "off":
            continue
        out_.append({"range": r, "severity": SEVERITY.get(level, 2), "source": "starling",
                     "code": rule, "message": message,
                     "codeDescription": {"href": "https://github.com/starling-coach/starling/blob/main/docs/rules/%s.md" % rule}})
    return out_


def publish(uri):
    send({"method": "textDocument/publishDiagnostics",
          "params": {"uri": uri, "diagnostics": diagnostics(uri)}})


def contains(r, pos):
    key = lambda p: (p["line"], p["character"])
    return key(r["start"]) <= key(pos) <= key(r["end"])


def overlaps(a, b):
    key = lambda p: (p["line"], p["character"])
    return key(a["start"]) <= key(b["end"]) and key(b["start"]) <= key(a["end"])


def apply_settings(new):
    if isinstance(new, dict):
        for k in ("theme", "rules", "include"):
            if k in new:
                settings[k] = new[k]
    log("settings", json.dumps(settings))


while True:
    msg = read()
    if msg is None:
        break
    method, mid, p = msg.get("method"), msg.get("id"), msg.get("params") or {}
    if mid == PULL_ID and method is None:
        value = (msg.get("result") or [None])[0]
        if isinstance(value, dict):
            unknown = sorted(k for k, v in value.items() if v is not None and k not in KNOWN_KEYS)
            if unknown:
                send({"method": "window/showMessage", "params": {"type": 1, "message":
                      "starling: invalid starling settings: unknown field `%s`; keeping the previous settings" % unknown[0]}})
            else:
                apply_settings(value)
                for uri in docs:
                    publish(uri)
    elif method == "initialize":
        can_pull = bool(((p.get("capabilities") or {}).get("workspace") or {}).get("configuration"))
        apply_settings(p.get("initializationOptions"))
        send({"id": mid, "result": {"serverInfo": {"name": "starling-standin"}, "capabilities": {
            "textDocumentSync": 1, "hoverProvider": True,
            "codeActionProvider": {"codeActionKinds": ["quickfix"]}}}})
    elif method == "initialized":
        if can_pull:
            send({"id": PULL_ID, "method": "workspace/configuration",
                  "params": {"items": [{"section": "starling"}]}})
    elif method == "workspace/didChangeConfiguration":
        apply_settings((p.get("settings") or {}).get("starling"))
        for uri in docs:
            publish(uri)
    elif method == "textDocument/didOpen":
        docs[p["textDocument"]["uri"]] = p["textDocument"]["text"]
        log("open", p["textDocument"]["uri"])
        publish(p["textDocument"]["uri"])
    elif method == "textDocument/didChange":
        docs[p["textDocument"]["uri"]] = p["contentChanges"][-1]["text"]
        publish(p["textDocument"]["uri"])
    elif method == "textDocument/didClose":
        docs.pop(p["textDocument"]["uri"], None)
        send({"method": "textDocument/publishDiagnostics",
              "params": {"uri": p["textDocument"]["uri"], "diagnostics": []}})
    elif method == "textDocument/codeAction":
        uri = p["textDocument"]["uri"]
        text = docs.get(uri, "")
        acts = []
        for d in diagnostics(uri):
            if d["code"] == "missing-learning" and overlaps(d["range"], p["range"]):
                lines = text.split("\n")
                end = {"line": len(lines) - 1, "character": len(lines[-1])}
                new = LEARNING_TEXT if text.endswith("\n") else "\n" + LEARNING_TEXT
                acts.append({"title": "Insert a Learning part", "kind": "quickfix",
                             "diagnostics": [d], "isPreferred": True,
                             "edit": {"changes": {uri: [{"range": {"start": end, "end": end}, "newText": new}]}}})
        send({"id": mid, "result": acts})
    elif method == "textDocument/hover":
        uri, pos = p["textDocument"]["uri"], p["position"]
        hits = [d for d in diagnostics(uri) if contains(d["range"], pos)]
        result = None
        if hits:
            result = {"contents": {"kind": "markdown",
                                   "value": "\n\n---\n\n".join(RULES[d["code"]][1] for d in hits)},
                      "range": hits[0]["range"]}
        send({"id": mid, "result": result})
    elif method == "shutdown":
        send({"id": mid, "result": None})
    elif method == "exit":
        break
    elif mid is not None and method is not None:
        send({"id": mid, "error": {"code": -32601, "message": "unhandled " + method}})

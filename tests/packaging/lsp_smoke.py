"""`starling lsp` over stdio, as an editor starts it: initialize, open a story, wait for its
diagnostics, shutdown, exit. Usage: lsp_smoke.py STARLING STORY RULE_ID

Prints what it saw and exits 0 only if the server answered initialize with hover and code
actions, published a diagnostic with code RULE_ID for STORY, answered shutdown with null and
exited with status 0 after `exit`.
"""

import json
import pathlib
import subprocess
import sys
import threading

starling, story, rule = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), sys.argv[3]
proc = subprocess.Popen([starling, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
# Nothing here may hang a test run: the whole exchange gets two minutes.
watchdog = threading.Timer(120, proc.kill)
watchdog.start()


def send(message):
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive():
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise EOFError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def answer_to(id_):
    while True:
        message = receive()
        if message.get("id") == id_ and "method" not in message:
            return message
        if "method" in message and "id" in message:  # a request from the server
            send({"id": message["id"], "result": None})


failures = []
send({"id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": story.parent.as_uri(), "capabilities": {}}})
caps = answer_to(1).get("result", {}).get("capabilities", {})
print("capabilities:", ", ".join(sorted(caps)))
for cap in ("hoverProvider", "codeActionProvider"):
    if not caps.get(cap):
        failures.append(f"initialize does not announce {cap}")
send({"method": "initialized", "params": {}})
uri = story.as_uri()
send({"method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": uri, "languageId": "markdown", "version": 1, "text": story.read_text()}}})
codes = None
while codes is None:
    message = receive()
    if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
        codes = [d.get("code") for d in message["params"]["diagnostics"]]
    elif "method" in message and "id" in message:
        send({"id": message["id"], "result": None})
print("diagnostics:", ", ".join(map(str, codes)))
if rule not in codes:
    failures.append(f"no {rule} diagnostic for {story.name}")
send({"id": 2, "method": "shutdown"})
shutdown = answer_to(2)
if "result" not in shutdown or shutdown["result"] is not None:
    failures.append(f"shutdown answered {shutdown}")
send({"method": "exit"})
proc.stdin.close()
status = proc.wait()
watchdog.cancel()
print("exit status:", status)
if status != 0:
    failures.append(f"the server exited with status {status}")
for failure in failures:
    print("FAIL", failure)
sys.exit(1 if failures else 0)

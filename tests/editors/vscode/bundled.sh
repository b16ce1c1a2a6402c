#!/usr/bin/env bash
# The platform .vsix, which carries its server, in code-server on a machine with no `starling`
# on PATH: a candidate's install. Run by run.sh (E2E_ONLY=bundled runs it alone), which sets
# CODE_SERVER, WORKSPACE and STORY and puts the starling under test first on PATH.
#
# Packages `npm run package:target -- linux-x64 <that starling>` (editors/vscode), takes every
# `starling` off PATH, then drives ui.mjs with that .vsix: install, open the story, squiggles
# and the rule in the Problems panel, hover, the quick fix from the light bulb, a
# `starling.path` with nothing there (an error, not the bundled server), and back to the
# bundled server when it is cleared. Last line: "N passed, N failed".
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
abort() { echo "error: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
for v in CODE_SERVER WORKSPACE STORY E2E_OUT; do
  [ -n "${!v:-}" ] || abort "$v is not set: run this through tests/editors/vscode/run.sh (E2E_ONLY=bundled)"
done
server=$(command -v starling) || abort "no starling on PATH to bundle"
case "$(uname -m)" in
  x86_64) target=linux-x64 ;;
  aarch64 | arm64) target=linux-arm64 ;;
  *) abort "no VS Code target for $(uname -m)" ;;
esac
OUT=$E2E_OUT/vscode-bundled
rm -rf "$OUT" && mkdir -p "$OUT"

export VSIX=$OUT/starling-$target.vsix
(cd "$REPO/editors/vscode" && npm run --silent package:target -- "$target" "$server" "$VSIX") > "$OUT/vsce.log" 2>&1 \
  || { cat "$OUT/vsce.log"; abort "npm run package:target failed in editors/vscode"; }
[[ $'\n'$(unzip -Z1 "$VSIX")$'\n' == *$'\nextension/server/starling\n'* ]] || abort "$VSIX has no extension/server/starling"
echo "built $VSIX ($(du -k "$VSIX" | cut -f1) KB, carrying $server)"

# Every folder holding a `starling` goes off PATH.
clean=
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/starling" ] && clean=${clean:+$clean:}$d
done
export PATH=$clean
if found=$(command -v starling); then abort "starling is still on PATH at $found"; fi
echo "no starling on PATH"

E2E_OUT=$OUT/ui timeout 600 node "$HERE/ui.mjs"

#!/usr/bin/env bash
# VS Code end-to-end tests of the starling extension, in code-server driven by headless Chromium.
#
#   tests/editors/vscode/run.sh                        # target/release/starling
#   STARLING_BIN=standin tests/editors/vscode/run.sh   # the stand-in server
#   E2E_SCREENSHOT=1 tests/editors/vscode/run.sh       # also refresh docs/img/vscode.png
#
# Builds editors/vscode/starling.vsix with `npm run package` (vsce), then runs:
#   ui   ui.mjs        the .vsix installed with --install-extension; keyboard, mouse and DOM
#   api  api.mjs       a mocha suite (api-tests/) inside the extension host, with the extension
#                      loaded from the unpacked .vsix: settings, commands, file selection
#   bundled bundled.sh  the platform .vsix (server inside) with no starling on PATH
# E2E_ONLY=ui|api|bundled runs one of them. Runs setup.sh first when it has not run.
# Environment: STARLING_BIN, the expectations of ../expect.env (E2E_*), E2E_TIMEOUT_MS, CHROMIUM.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"

"$HERE/setup.sh" || e2e_abort "vscode/setup.sh failed"
export CODE_SERVER=$HERE/node_modules/.bin/code-server
OUT=$E2E_OUT/vscode
rm -rf "$OUT" && mkdir -p "$OUT"

# The .vsix a user would install, built with vsce from editors/vscode.
(cd "$REPO/editors/vscode" && npm run --silent package) > "$OUT/vsce.log" 2>&1 \
  || { cat "$OUT/vsce.log"; e2e_abort "npm run package failed in editors/vscode"; }
export VSIX=$REPO/editors/vscode/starling.vsix
echo "built $VSIX ($(du -k "$VSIX" | cut -f1) KB)"

# The workspace: the fixtures, with the story under test at its place among them.
export WORKSPACE=$OUT/workspace
cp -r "$E2E_DIR/fixtures" "$WORKSPACE"
case "$E2E_FILE" in
  "$E2E_DIR/fixtures/"*) STORY=${E2E_FILE#"$E2E_DIR/fixtures/"} ;;
  *) STORY=stories/$(basename "$E2E_FILE"); cp "$E2E_FILE" "$WORKSPACE/$STORY" ;;
esac
export STORY SCREENSHOT=$REPO/docs/img/vscode.png

pass=0 fail=0
count() {  # $1 = log, $2 = exit code
  local p f
  p=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | cut -d' ' -f1 || true)
  f=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | cut -d' ' -f3 || true)
  if [ -z "$p" ]; then  # mocha spec reporter
    p=$(grep -Eo '^ *[0-9]+ passing' "$1" | tail -1 | tr -dc 0-9 || true)
    f=$(grep -Eo '^ *[0-9]+ failing' "$1" | tail -1 | tr -dc 0-9 || true)
  fi
  p=${p:-0} f=${f:-0}
  [ "$2" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  pass=$((pass + p)) fail=$((fail + f))
}
if [ "${E2E_ONLY:-ui}" = ui ]; then
  echo "== ui: code-server + Chromium + the installed .vsix"
  set +e; E2E_OUT=$OUT/ui timeout 600 node "$HERE/ui.mjs" 2>&1 | tee "$OUT/ui.log"; rc=${PIPESTATUS[0]}; set -e
  count "$OUT/ui.log" "$rc"
fi
if [ "${E2E_ONLY:-api}" = api ]; then
  echo "== api: mocha inside the extension host, extension from the .vsix"
  rm -rf "$OUT/vsix" && mkdir -p "$OUT/vsix" && (cd "$OUT/vsix" && unzip -q "$VSIX")
  export EXT_DIR=$OUT/vsix/extension
  set +e; timeout 600 node "$HERE/api.mjs" 2>&1 | tee "$OUT/api.log"; rc=${PIPESTATUS[0]}; set -e
  count "$OUT/api.log" "$rc"
fi
if [ "${E2E_ONLY:-bundled}" = bundled ]; then
  echo "== bundled: the platform .vsix carrying the server, no starling on PATH (bundled.sh)"
  set +e; "$HERE/bundled.sh" 2>&1 | tee "$OUT/bundled.log"; rc=${PIPESTATUS[0]}; set -e
  count "$OUT/bundled.log" "$rc"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

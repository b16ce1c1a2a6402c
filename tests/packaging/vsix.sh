#!/usr/bin/env bash
# The platform .vsix of a release, built here for this machine: `cargo build --release` (the
# same build the wheel reuses), then `npm run package:target` in editors/vscode. Checks that
# the .vsix declares its target, carries the release binary unchanged and executable, and that
# the binary as unpacked from it runs `starling check` on a story bank.
# (tests/editors/vscode/bundled.sh installs such a .vsix into code-server.)
# Prints PASS/FAIL lines, then "N passed, N failed".
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
EXT=$REPO/editors/vscode
case "$(uname -m)" in
  x86_64) target=linux-x64 ;;
  aarch64 | arm64) target=linux-arm64 ;;
  *) abort "no VS Code target for $(uname -m)" ;;
esac

step "cargo build --release --locked"
(cd "$REPO" && cargo build --release --locked) > "$T/cargo.log" 2>&1 || { tail -30 "$T/cargo.log"; abort "cargo build --release"; }
bin=$REPO/target/release/starling

step "npm run package:target -- $target"
if [ ! -x "$EXT/node_modules/.bin/vsce" ]; then
  (cd "$EXT" && npm ci --no-audit --no-fund) > "$T/npm.log" 2>&1 || { tail -30 "$T/npm.log"; abort "npm ci in editors/vscode"; }
fi
vsix=$T/starling-$target.vsix
(cd "$EXT" && npm run --silent package:target -- "$target" "$bin" "$vsix") > "$T/vsce.log" 2>&1 \
  || { cat "$T/vsce.log"; abort "npm run package:target"; }
echo "built $(basename "$vsix") ($(du -k "$vsix" | cut -f1) KB)"
check "editors/vscode keeps no server/ after packaging" test ! -e "$EXT/server"

mkdir "$T/x" && (cd "$T/x" && unzip -q "$vsix") || abort "unzip $vsix"
check "the .vsix declares its target platform" grep -q "TargetPlatform=\"$target\"" "$T/x/extension.vsixmanifest"
server=$T/x/extension/server/starling
check "the .vsix carries the release binary unchanged" cmp -s "$bin" "$server"
check "... executable" test -x "$server"
out=$(cd "$HERE/bank" && "$server" check . 2>&1); rc=$?
echo "$out"
check "the bundled starling checks a story bank (exit 1 on a finding)" test "$rc" -eq 1
check "... and names missing-learning" contains "$out" "missing-learning"
step "done"
finish

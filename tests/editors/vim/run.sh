#!/usr/bin/env bash
# Vim end-to-end test of starling's shipped ALE linter (editors/vim): Debian's Vim and vim-ale
# in a detached tmux terminal, with the vimrc block of editors/vim/README.md; test.vim drives
# ALE (diagnostics, :ALEHover, :ALECodeAction, which files start the server, :ALEStopAllLSPs).
#
#   tests/editors/vim/run.sh                         # target/release/starling
#   STARLING_BIN=standin tests/editors/vim/run.sh    # the stand-in server
#
# Environment: STARLING_BIN, the expectations of ../expect.env (E2E_*), E2E_TIMEOUT_MS.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"
"$HERE/setup.sh" || e2e_abort "vim/setup.sh failed"
vim --version | head -1
# -i NONE -n: no viminfo, no swap files beside the fixtures.
e2e_tmux_run vim vim -N -u "$HERE/test.vim" -i NONE -n

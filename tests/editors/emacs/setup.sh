#!/usr/bin/env bash
# One-time setup for the Emacs end-to-end tests. Idempotent: a no-op once done.
# Installs from Debian: emacs-nox, tmux (the terminal Emacs runs in), and elpa-eglot when the
# Emacs is older than 29 (Emacs 29 and later ship Eglot). Needs root or sudo for apt-get.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/../apt.sh" emacs-nox tmux
if [ "$(emacs -Q --batch --eval '(princ emacs-major-version)')" -lt 29 ]; then
  "$HERE/../apt.sh" elpa-eglot
fi

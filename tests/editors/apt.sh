#!/usr/bin/env bash
# Installs the Debian packages named that are not installed yet (apt-get update first, once);
# a no-op when all are. Needs root or sudo. Used by the editors' setup.sh scripts.
#   tests/editors/apt.sh emacs-nox tmux
set -euo pipefail
need=()
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -gt 0 ] || exit 0
sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
echo "apt-get install ${need[*]}"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages named that are not installed yet, after an apt-get update unless
# one ran in the last hour; a no-op when all are installed. Needs root or sudo. Used by the
# editors' setup.sh scripts.
#   tests/editors/apt.sh emacs-nox tmux
set -euo pipefail
need=()
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -gt 0 ] || exit 0
sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
echo "apt-get install ${need[*]}"
if [ -z "$(find /var/lib/apt/lists -maxdepth 0 -mmin -60 2>/dev/null)" ]; then
  $sudo apt-get update -qq
fi
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

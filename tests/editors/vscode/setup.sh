#!/usr/bin/env bash
# One-time setup for the VS Code end-to-end tests. Idempotent: a second run does nothing.
# Needs: Node.js 20 (code-server 4.100.3's postinstall refuses any other major), root or sudo
# for apt-get, and network to the Debian and npm registries only (no browser or binary is
# downloaded from anywhere else: Chromium comes from Debian, rg from Debian).
#   1. apt: chromium, libkrb5-dev (code-server's kerberos module), ripgrep, a C/C++ toolchain
#   2. npm ci here: code-server, playwright-core (no browser download), mocha
#   3. npm ci in editors/vscode: the extension's dependencies and @vscode/vsce
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXT=$(cd "$HERE/../../../editors/vscode" && pwd)
start=$(date +%s)

need=()
for p in chromium libkrb5-dev ripgrep g++ make python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "apt-get install ${need[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" != 20 ]; then
  echo "code-server 4.100.3 needs Node 20 (found $major). For Node 22 pin code-server 4.103.x-4.116.x; Node 24: 4.117+." >&2
  exit 1
fi

# Reinstalls when package-lock.json changed since the last successful install.
fresh() {  # $1 = folder with package-lock.json and node_modules
  [ -f "$1/node_modules/.e2e-stamp" ] && cmp -s "$1/package-lock.json" "$1/node_modules/.e2e-stamp"
}

if ! fresh "$HERE"; then
  # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
  # tarball: put Debian's rg there. The name is fixed by @vscode/ripgrep 1.15.11 (code-server 4.100.3).
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  # unsafe_perm: code-server's postinstall refuses root without it.
  # yes: node-pty's postinstall runs `npx node-gyp`, which a `yes=false` npmrc would cancel.
  echo "npm ci in $HERE (code-server, playwright-core, mocha; about 80 s)"
  (cd "$HERE" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm ci --no-audit --no-fund --foreground-scripts > "$HERE/npm-install.log" 2>&1) \
    || { tail -40 "$HERE/npm-install.log"; exit 1; }
  cp "$HERE/package-lock.json" "$HERE/node_modules/.e2e-stamp"
fi
"$HERE/node_modules/.bin/code-server" --config "$(mktemp -d)/c.yaml" --version | tail -1

if ! fresh "$EXT"; then
  echo "npm ci in $EXT"
  (cd "$EXT" && npm ci --no-audit --no-fund > "$HERE/npm-install-ext.log" 2>&1) \
    || { tail -40 "$HERE/npm-install-ext.log"; exit 1; }
  cp "$EXT/package-lock.json" "$EXT/node_modules/.e2e-stamp"
fi
echo "setup done in $(( $(date +%s) - start )) s"

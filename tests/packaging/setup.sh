#!/usr/bin/env bash
# One-time setup for the packaging tests (idempotent: a second run does nothing).
# A virtual environment with the packaging tools from PyPI, at target/packaging/tools:
#   maturin           builds the wheel (pyproject.toml, bindings = "bin")
#   pre-commit        runs the hooks of .pre-commit-hooks.yaml in a story-bank repository
#   check-jsonschema  validates .github/workflows/*.yml against GitHub's workflow schema
# and a wheelhouse (target/packaging/wheelhouse) holding the build backends that pip's
# isolated builds in pre-commit's environments need (maturin for this repository, setuptools
# and wheel for a `repo: local` hook's placeholder package), so they need no index.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TOOLS=$REPO/target/packaging/tools
WHEELHOUSE=$REPO/target/packaging/wheelhouse
# Pinned: a new release of any of them must not change what CI does.
PINS=(maturin==1.9.6 pre-commit==4.3.0 check-jsonschema==0.33.3)
BACKENDS=(maturin==1.9.6 setuptools==80.9.0 wheel==0.45.1)
start=$(date +%s)

if [ "$(cat "$TOOLS/.stamp" 2>/dev/null)" != "${PINS[*]} ${BACKENDS[*]}" ]; then
  rm -rf "$TOOLS" "$WHEELHOUSE"
  python3 -m venv "$TOOLS"
  echo "pip install ${PINS[*]} (into $TOOLS)"
  "$TOOLS/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}"
  "$TOOLS/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    --dest "$WHEELHOUSE" "${BACKENDS[@]}"
  echo "${PINS[*]} ${BACKENDS[*]}" > "$TOOLS/.stamp"
fi
"$TOOLS/bin/maturin" --version
echo "packaging setup done in $(( $(date +%s) - start )) s"

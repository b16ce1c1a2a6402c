#!/usr/bin/env bash
# The Python wheel as a candidate meets it, with no Rust in the story bank's workflow:
#   1. `maturin build --release` (pyproject.toml, bindings = "bin"): the wheel carrying the
#      binary; cargo reuses target/release when it is fresh (.ci/run builds it first);
#   2. `pip install` of that wheel into a fresh virtual environment puts `starling` on PATH:
#      `starling check` on a story bank (a finding, then clean after the fix) and
#      `starling lsp` over stdio (initialize, diagnostics for an opened story, shutdown, exit);
#   3. a real `pre-commit run --all-files` in a temporary git repository whose
#      .pre-commit-config.yaml points at a snapshot of this repository (its working tree:
#      HEAD plus uncommitted changes) and its .pre-commit-hooks.yaml (`language: python`).
#      pre-commit pip-installs the hook from source, with maturin from the local wheelhouse
#      and CARGO_TARGET_DIR=target, so only the starling crate itself is compiled again.
# Tools come from setup.sh (PyPI). Prints PASS/FAIL lines, then "N passed, N failed".
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOLS=$REPO/target/packaging/tools
WHEELHOUSE=$REPO/target/packaging/wheelhouse
WHEELS=$REPO/target/packaging/wheels

"$HERE/setup.sh" || abort "tests/packaging/setup.sh"

step "maturin build --release"
rm -rf "$WHEELS"
(cd "$REPO" && "$TOOLS/bin/maturin" build --release --locked --out "$WHEELS") > "$T/maturin.log" 2>&1 \
  || { tail -30 "$T/maturin.log"; abort "maturin build"; }
wheels=("$WHEELS"/starling_coach-*.whl)
[ -f "${wheels[0]}" ] || abort "no starling_coach wheel in $WHEELS: $(ls "$WHEELS")"
wheel=${wheels[0]}
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"

step "pip install the wheel into a fresh virtual environment"
python3 -m venv "$T/venv" || abort "python3 -m venv"
"$T/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel" || abort "pip install $wheel"
check "the wheel puts starling in the environment's bin/" test -x "$T/venv/bin/starling"
export PATH=$T/venv/bin:$PATH
check "starling on PATH is the wheel's" test "$(command -v starling)" = "$T/venv/bin/starling"
out=$(starling --version 2>&1)
check "starling --version names the crate's version" contains "$out" \
  "$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -1)"

step "starling check on a story bank"
cp -r "$HERE/bank" "$T/bank"
weak=stories/late-handover.md
out=$(cd "$T/bank" && starling check . 2>&1); rc=$?
echo "$out"
check "starling check exits 1 on a story without a Learning part" test "$rc" -eq 1
check "starling check names the file and missing-learning" contains "$out" "$weak"
check "... with the rule id" contains "$out" "missing-learning"
cat "$HERE/learning.md" >> "$T/bank/$weak"
out=$(cd "$T/bank" && starling check . 2>&1); rc=$?
echo "$out"
check "starling check exits 0 once the Learning part is written" test "$rc" -eq 0

step "starling lsp over stdio"
cp "$HERE/bank/$weak" "$T/weak.md"
check "starling lsp: initialize, diagnostics, shutdown, exit" python3 "$HERE/lsp_smoke.py" starling "$T/weak.md" missing-learning

step "pre-commit run --all-files with this repository's hooks (language: python)"
# The hook repository: the working tree as one commit (pre-commit clones a repo at a rev).
src=$T/starling-src
mkdir -p "$src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src" 2>/dev/null)
git -C "$src" init -q && git -C "$src" add -A \
  && git -C "$src" -c user.name=test -c user.email=test@example.invalid commit -qm snapshot \
  || abort "snapshot of the working tree as a git repository"
rev=$(git -C "$src" rev-parse HEAD)
check ".pre-commit-hooks.yaml installs the hooks with language: python" \
  contains "$(cat "$src/.pre-commit-hooks.yaml")" "language: python"
# Runs pre-commit twice in a new story-bank repository whose .pre-commit-config.yaml is $2:
# on the story without a Learning part (must fail and show the finding), then with it.
# $1 = what, $3 = PATH for pre-commit.
pre_commit_case() {
  local what=$1 bank=$T/bank-$RANDOM out rc
  cp -r "$HERE/bank" "$bank"
  printf '%s\n' "$2" > "$bank/.pre-commit-config.yaml"
  git -C "$bank" init -q && git -C "$bank" add -A || abort "git init of the story bank"
  pc() {
    (cd "$bank" && PATH=$3 PRE_COMMIT_HOME=$T/pre-commit-home CARGO_TARGET_DIR=$REPO/target \
      PIP_NO_INDEX=1 PIP_FIND_LINKS="$WHEELS $WHEELHOUSE" PIP_DISABLE_PIP_VERSION_CHECK=1 \
      "$TOOLS/bin/pre-commit" run --all-files --color never 2>&1)
  }
  out=$(pc "$@"); rc=$?
  echo "$out" | tail -20
  check "$what: pre-commit fails on the story without a Learning part" test "$rc" -eq 1
  check "$what: ... and shows the file" contains "$out" "$weak"
  check "$what: ... and the rule id" contains "$out" "missing-learning"
  cat "$HERE/learning.md" >> "$bank/$weak"
  git -C "$bank" add -A
  out=$(pc "$@"); rc=$?
  echo "$out" | tail -5
  check "$what: pre-commit passes once the Learning part is written" test "$rc" -eq 0
  check "$what: ... and says the starling hook passed" contains "$out" "Passed"
}
pre_commit_case "hooks of this repository" "repos:
  - repo: $src
    rev: $rev
    hooks:
      - id: starling" "$PATH"

step "pre-commit with the README's repo: local hook (starling-coach from the index), no Rust"
# The index here is the wheelhouse plus the wheel built above; cargo and every starling go
# off PATH, so the hook's starling can only come from the pip-installed wheel.
config=$(awk '/<!-- tested: tests\/packaging\/wheel.sh -->/ { on = 1; next }
  on && /^```yaml/ { inside = 1; next } inside && /^```/ { exit } inside' "$REPO/README.md")
check "README.md has the tested repo: local block" contains "$config" "starling-coach=="
norust=
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/starling" ] && norust=${norust:+$norust:}$d
done
check "no cargo and no starling on that PATH" bash -c 'PATH=$1; ! command -v cargo && ! command -v starling' _ "$norust"
pre_commit_case "repo: local, no Rust" "$config" "$norust"
step "done"
finish

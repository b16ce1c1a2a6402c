# Shared by tests/packaging/*.sh (sourced): REPO, T (a temporary folder, removed at exit),
# and the PASS/FAIL bookkeeping whose last line is "N passed, N failed".
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
pass=0 fail=0
t0=$(date +%s)
T=$(mktemp -d "${TMPDIR:-/tmp}/starling-packaging.XXXXXX")
trap 'rm -rf "$T"' EXIT

check() {  # $1 = what, then a command: PASS when it succeeds
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "PASS $what"; else fail=$((fail + 1)); echo "FAIL $what"; fi
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
  exit $?
}
abort() { echo "FAIL $*"; fail=$((fail + 1)); finish; }
step() { echo "== $* ($(( $(date +%s) - t0 )) s)"; }
contains() { [[ $1 == *"$2"* ]] || { printf 'expected "%s" in:\n%s\n' "$2" "$1"; return 1; }; }

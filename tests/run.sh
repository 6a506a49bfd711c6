#!/bin/sh
# The test runner. Each argument is a suite: a command that prints one line per
# test, "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>: <why>" (other lines
# are shown as they are), and exits 0 unless it could not run at all.
# $BUILD names the build folder. Ends with "N passed, N failed, N skipped".
set -u
pass=0 fail=0 skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for suite in "$@"; do
    echo "== $suite"
    $suite >"$out" 2>&1
    rc=$?
    cat "$out"
    p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $suite: exited with status $rc"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

# Helpers for the end-to-end tests: each test script sources this, calls
# `t NAME EXPECTED_STATUS COMMAND...` and `expect_*`, and ends with `finish`.
# DISCO is the binary under test.
set -u
: "${DISCO:?DISCO must name the disco binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
npass=0
nfail=0
ok() { npass=$((npass + 1)); }
fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
# run NAME STATUS CMD...: run CMD, keep stdout in $T/out and stderr in $T/err,
# and check its exit status.
run() {
	name=$1; want=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		fail "$name: exit $got, expected $want"; sed 's/^/    /' "$T/err" | head -n 5; fi
}
# has FILE NAME PATTERN: FILE contains the extended regex PATTERN.
has() {
	if grep -Eq -- "$3" "$1"; then ok; else fail "$2: '$3' not in $(basename "$1")"; sed 's/^/    /' "$1" | head -n 5; fi
}
hasnt() {
	if grep -Eq -- "$3" "$1"; then fail "$2: '$3' unexpectedly in $(basename "$1")"; else ok; fi
}
finish() {
	echo "$(basename "$0" .sh): $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

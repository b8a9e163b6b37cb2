#!/bin/sh
# Runs every Check suite given as an argument, then the end-to-end tests, and
# closes with one line: "check: N passed, N failed".  An end-to-end test that
# prints "NAME: skipped (why)" and exits 0 is listed as skipped.
# Environment: DISCO (the binary), BUILD (the build folder), DISCO_LONG=1 for
# the heavier tests.
set -u
passed=0
failed=0
bad=""
skipped=""
log=$(mktemp)
for t in "$@"; do
	name=${t#*/tests/}
	if "$t" >"$log" 2>&1; then status=ok; else status=FAIL; fi
	line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1)
	n=$(echo "$line" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failures: \([0-9]*\).*/\1/p')
	e=$(echo "$line" | sed -n 's/.*Errors: \([0-9]*\).*/\1/p')
	n=${n:-0}; f=${f:-0}; e=${e:-0}
	if [ "$status" = FAIL ] && [ $((f + e)) -eq 0 ]; then e=1; fi
	passed=$((passed + n - f - e))
	failed=$((failed + f + e))
	printf '%-36s %s\n' "$name" "${line:-no Check summary} [$status]"
	if [ "$status" = FAIL ]; then
		bad="$bad $name"
		grep -vE '^[0-9]+%: Checks: ' "$log" | head -n 40
	fi
done
rm -f "$log"
for e2e in tests/e2e/*.sh; do
	[ "${e2e##*/}" = lib.sh ] && continue
	[ -f "$e2e" ] || continue
	out=$(sh "$e2e" 2>&1)
	rc=$?
	skip=$(echo "$out" | grep -E '^[a-z0-9_-]+: skipped \(' | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$skip" ]; then
		skipped="$skipped ${e2e##*/}"
		printf '%-36s %s\n' "$e2e" "$skip"
		continue
	fi
	line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p')
	q=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	p=${p:-0}; q=${q:-0}
	if [ $rc -ne 0 ] && [ "$q" -eq 0 ]; then q=1; fi
	passed=$((passed + p))
	failed=$((failed + q))
	printf '%-36s %s\n' "$e2e" "$line"
	if [ $rc -ne 0 ]; then
		bad="$bad $e2e"
		echo "$out" | grep -E '^(FAIL|not ok)' | head -n 40
	fi
done
[ -n "$bad" ] && echo "failing:$bad"
[ -n "$skipped" ] && echo "skipped:$skipped (make check-long runs them)"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# End-to-end: the model's numbers, counter for counter, against
# tests/golden/engine.txt (captures and replays in every mode and with every
# kind of policy; see tests/golden/runs.sh).  A difference is either a bug or
# a change of the model that its commit explains and regenerates.
. "$(dirname "$0")/lib.sh"

G="$(dirname "$0")/../golden"
run "golden runs" 0 sh "$G/runs.sh" "$T/runs"
cp "$T/out" "$T/now.txt"
run "same numbers as tests/golden/engine.txt" 0 "${PY:-python3}" -c '
import json, sys
want = dict(l.split(" ", 1) for l in open(sys.argv[1]))
got = dict(l.split(" ", 1) for l in open(sys.argv[2]))
bad = []
for name in want:
    if name not in got:
        bad.append(name + ": missing")
        continue
    a, b = json.loads(want[name]), json.loads(got[name])
    keys = [k for k in a if a[k] != b.get(k)]
    if keys:
        bad.append("%s: %s" % (name, ", ".join(keys[:8])))
assert not bad, "; ".join(bad)
' "$G/engine.txt" "$T/now.txt"
finish

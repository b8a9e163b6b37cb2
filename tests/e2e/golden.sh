#!/bin/sh
# End-to-end: the model's numbers, counter for counter, against
# tests/golden/engine.txt (captures and replays in every mode and with every
# kind of policy; see tests/golden/runs.sh).  A difference is either a bug or
# a change of the model that its commit explains and regenerates.  Counters
# added since the file was made may appear; none pinned may change or go.
. "$(dirname "$0")/lib.sh"

G="$(dirname "$0")/../golden"
run "golden runs" 0 sh "$G/runs.sh" "$T/runs"
cp "$T/out" "$T/now.txt"
run "same numbers as tests/golden/engine.txt" 0 "${PY:-python3}" -c '
import json, sys
want = dict(l.split(" ", 1) for l in open(sys.argv[1]))
got = dict(l.split(" ", 1) for l in open(sys.argv[2]))
def same(a, b):
    # every number pinned is still there and equal; counters added since may be new
    if isinstance(a, dict):
        return isinstance(b, dict) and all(k in b and same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b
bad = []
for name in want:
    if name not in got:
        bad.append(name + ": missing")
        continue
    a, b = json.loads(want[name]), json.loads(got[name])
    keys = [k for k in a if not same(a[k], b.get(k))]
    if keys:
        bad.append("%s: %s" % (name, ", ".join(keys[:8])))
assert not bad, "; ".join(bad)
' "$G/engine.txt" "$T/now.txt"
finish

#!/bin/sh
# Prints the counters of a fixed set of captures and replays, one canonical
# JSON line per run (the run's own speed left out), for comparison with
# tests/golden/engine.txt: the model's numbers change only when a commit
# means them to (regenerate with `DISCO=build/disco sh tests/golden/runs.sh
# > tests/golden/engine.txt` and say why in the commit).
# Usage: DISCO=path/to/disco sh tests/golden/runs.sh [SCRATCH_DIR]
set -eu
: "${DISCO:?DISCO must name the disco binary}"
T=${1:-$(mktemp -d)}
mkdir -p "$T"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# one NAME CMD...: run CMD (with --format json) and print its canonical line.
one() {
	name=$1; shift
	"$@" --format json >"$T/run.json"
	"$PY" -c '
import json, sys
d = json.load(sys.stdin)
for k in ("wall_seconds", "mrefs_per_second", "peak_rss_mb"):
    d.pop(k, None)
print(sys.argv[1], json.dumps(d, sort_keys=True))
' "$name" <"$T/run.json"
}
# A synthetic program on four NUMA nodes, and IRIX pmake with a Disco-aware
# HAL (traps, privileged instructions, monitor calls, kernel TLB faults).
one capture-synthetic "$DISCO" capture synthetic -o "$T/syn.dtr" --cpus 4 --set machine.cpus=4 \
	--scale 0.05
one capture-pmake-disco "$DISCO" capture pmake -o "$T/pmake.dtr" --cpus 4 --set machine.cpus=4 \
	--scale 0.02 --mode disco --hal disco
for tr in syn pmake; do
	one "$tr-native" "$DISCO" replay "$T/$tr.dtr" --mode native
	one "$tr-uma" "$DISCO" replay "$T/$tr.dtr" --mode uma
	one "$tr-disco" "$DISCO" replay "$T/$tr.dtr" --mode disco
	one "$tr-disco-l2tlb-off" "$DISCO" replay "$T/$tr.dtr" --mode disco --policy l2tlb=off
	one "$tr-disco-verghese" "$DISCO" replay "$T/$tr.dtr" --mode disco --policy migration=verghese \
		--set policy.migration.trigger=16
	one "$tr-disco-oracle" "$DISCO" replay "$T/$tr.dtr" --mode disco --policy migration=oracle
	one "$tr-disco-round-robin" "$DISCO" replay "$T/$tr.dtr" --mode disco --policy sched=round-robin
done

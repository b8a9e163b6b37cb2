#!/bin/sh
# make bench: a 1,000-point sweep (three parameters, ten values each, on a
# small trace) run here with -j 2, and as an emitted job array on a
# one-machine Slurm (tests/slurm/cluster.sh) with as many CPUs as this
# machine, 8 points a task: the wall times of both, and whether the merged
# table is the direct one.  Prints "skipped: why" without root or Debian's Slurm packages
# (sh mk/deps.sh ensure slurm).  DISCO is the binary.
set -u
. "$(dirname "$0")/../slurm/cluster.sh"
echo "== disco sweep: 1000 points, -j 2 here against a Slurm job array"
if [ "$(id -u)" -ne 0 ]; then
	echo "  skipped: needs root to start slurmd"
	exit 0
fi
m=$(slurm_missing)
if [ -n "$m" ]; then
	echo "  skipped: Slurm is not installed (missing: $m; sh mk/deps.sh ensure slurm)"
	exit 0
fi
B=$(mktemp -d)
trap 'slurm_stop; rm -rf "$B"' EXIT
trap 'exit 1' INT TERM HUP
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# a task per point costs a process start, a decode and a Slurm task each
# (on 2 loaded cores, about 0.7 s a point against 0.17 s with -j 2): the
# array runs the points 8 a task, as -j 2 batches them here
PER_JOB=8
V="--vary machine.tlb.entries=16:88:8 --vary policy.l2tlb.entries=64:32768:*2 --vary machine.latency.remote_ns=300:1200:100"
if ! "$DISCO" capture synthetic -o "$B/s.dtr" --cpus 2 --set machine.cpus=2 --scale 0.01 --quiet; then
	echo "  capture failed"
	exit 1
fi
echo "  trace: synthetic, 2 vCPUs, $(stat -c %s "$B/s.dtr") bytes; --mode disco $V"
load=$(cut -d" " -f1 /proc/loadavg)
t=$(now)
if ! "$DISCO" sweep "$B/s.dtr" --mode disco $V -j 2 -o "$B/local.h5" --quiet 2>/dev/null; then
	echo "  disco sweep -j 2 failed"
	exit 1
fi
echo "  -j 2 here: $(since "$t") s wall (load average $load before)"

t=$(now)
if ! slurm_start "$B/slurm" 2>/dev/null; then
	echo "  skipped: a one-machine Slurm did not start: $slurm_why"
	exit 0
fi
up=$(since "$t")
load=$(cut -d" " -f1 /proc/loadavg)
t=$(now)
"$DISCO" sweep "$B/s.dtr" --mode disco $V --batch $PER_JOB --emit-jobs "$B/jobs" --quiet ||
	{ echo "  --emit-jobs failed"; exit 1; }
emit=$(since "$t")
t1=$(now)
job=$(timeout 30 sbatch --parsable "$B/jobs/sweep.slurm" 2>&1 | cut -d';' -f1)
case "$job" in ''|*[!0-9]*) echo "  sbatch failed: $job"; exit 1 ;; esac
if ! slurm_wait "$job" 3600; then
	echo "  the job array did not finish within an hour"
	exit 1
fi
array=$(since "$t1")
t1=$(now)
"$DISCO" sweep --merge "$B/jobs" -o "$B/merged.h5" --quiet || { echo "  --merge failed"; exit 1; }
merge=$(since "$t1")
total=$(since "$t")
# finished tasks leave the controller's records after MinJobAge: count files
done=$(ls "$B/jobs/points" | wc -l)
for log in "$B"/jobs/logs/*; do
	[ -s "$log" ] || continue
	echo "  a task failed: ${log##*/}: $(head -n 2 "$log" | tr '\n' ' ')"
done
echo "  Slurm, $(nproc) CPUs, a task per $PER_JOB points (--batch $PER_JOB): $total s wall: emit $emit s," \
	"array $array s ($done point files of $(wc -l <"$B/jobs/jobs.txt")), merge $merge s (the cluster's start, $up s, not counted;" \
	"load average $load before)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" - "$B/merged.h5" "$B/local.h5" <<'PY'
import sys, h5py, pandas as pd
a, b = (pd.DataFrame(h5py.File(p, "r")["sweep"][:]).sort_values("group").reset_index(drop=True)
        for p in sys.argv[1:3])
drop = [c for c in a.columns if c == "wall_seconds"]
same = a.shape == b.shape and a.drop(columns=drop).equals(b.drop(columns=drop))
print("  merged table == the -j 2 table: %s (%d rows)" % ("yes" if same else "NO", a.shape[0]))
sys.exit(0 if same else 1)
PY

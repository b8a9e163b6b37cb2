#!/bin/sh
# make check-slurm: a sweep run as a Slurm job array on a real one-machine
# Slurm (tests/slurm/cluster.sh), merged, equals the same sweep run here,
# row for row.  Needs root and Debian's slurmctld, slurmd, slurm-client and
# munge (mk/deps.sh ensure slurm); every daemon started is stopped on exit,
# by its process id, whether the test passes or not.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/cluster.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
trap 'slurm_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
if [ "$(id -u)" -ne 0 ]; then
	echo "slurm: skipped (needs root: slurmd runs each job as its user)"
	exit 0
fi
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(now)
VARY="--vary machine.l2.size=256K,1M --vary machine.tlb.entries=32,64"

run "capture" 0 "$DISCO" capture synthetic -o "$T/s.dtr" --cpus 2 --set machine.cpus=2 --scale 0.05 --quiet
# the jobs are written from another folder than the one Slurm runs them
# in, into a folder whose name sh and Slurm's #SBATCH parser must both quote
mkdir -p "$T/here d'q"
run "emit jobs (relative paths)" 0 sh -c 'cd "$1" && "$2" sweep ../s.dtr --mode disco $3 --emit-jobs jobs' \
	sh "$T/here d'q" "$DISCO" "$VARY"
J="$T/here d'q/jobs"
if [ "$(wc -l <"$J/jobs.txt")" -eq 4 ]; then ok; else fail "4 job lines"; fi

t=$(now)
if ! slurm_start "$T/slurm"; then
	fail "a one-machine Slurm did not start: $slurm_why"
	finish
	exit 1
fi
ok
echo "slurm: the cluster started in $(since "$t") s"

t=$(now)
run "sbatch the job array" 0 sh -c 'cd / && sbatch --parsable "$1"' sh "$J/sweep.slurm"
job=$(cut -d';' -f1 "$T/out")
case "$job" in ''|*[!0-9]*) fail "sbatch gave no job id: '$job'"; finish; exit 1 ;; esac
if slurm_wait "$job" 60; then ok; else fail "the array did not finish within 60 s"; fi
echo "slurm: the 4-task array ran in $(since "$t") s"
timeout 5 scontrol show job "$job" >"$T/job" 2>&1
if [ "$(grep -c 'JobState=COMPLETED' "$T/job")" -eq 4 ]; then ok; else
	fail "not every task completed"; grep -E 'JobId|JobState' "$T/job" | sed 's/^/    /'; fi
if [ "$(grep -c 'ExitCode=0:0' "$T/job")" -eq 4 ]; then ok; else fail "a task exited non-zero"; fi
if [ "$(ls "$J/points" | wc -l)" -eq 4 ]; then ok; else
	fail "4 point files"; cat "$J"/logs/* 2>/dev/null | head -n 10 | sed 's/^/    /'; fi
if [ "$(ls "$J/logs" | wc -l)" -eq 4 ] && [ -z "$(cat "$J"/logs/*)" ]; then ok; else
	fail "4 empty task logs"; cat "$J"/logs/* 2>/dev/null | head -n 10 | sed 's/^/    /'; fi

run "merge" 0 "$DISCO" sweep --merge "$J" -o "$T/merged.h5"
has "$T/out" "merged" 'merged 4 point files .*4 runs added'
run "the same sweep here" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $VARY -j 2 -o "$T/direct.h5" --quiet
run "merged == direct, row for row" 0 "$PY" - "$T/merged.h5" "$T/direct.h5" <<'PY'
import sys, h5py, numpy as np, pandas as pd
fa, fb = (h5py.File(p, "r") for p in sys.argv[1:3])
a, b = (pd.DataFrame(f["sweep"][:]).sort_values("group").reset_index(drop=True) for f in (fa, fb))
assert a.shape == b.shape and a.shape[0] == 4, (a.shape, b.shape)
assert list(a.columns) == list(b.columns), (list(a.columns), list(b.columns))
drop = [c for c in a.columns if c == "wall_seconds"]
assert a.drop(columns=drop).equals(b.drop(columns=drop)), (a, b)
runs = sorted(k for k in fa if k != "sweep")
assert runs == sorted(k for k in fb if k != "sweep") and len(runs) == 4
for g in runs:   # every counter of every run, not only the table's figures
    ca, cb = fa[g]["counters"][:], fb[g]["counters"][:]
    names = [n for n in ca.dtype.names if n != "wall_seconds"]
    assert ca.dtype.names == cb.dtype.names, g
    assert all((ca[n] == cb[n]).all() for n in names), g
    for d in ("breakdown",):
        assert (fa[g][d][:] == fb[g][d][:]).all(), (g, d)
print("rows:", a.shape[0], "columns:", a.shape[1])
PY
t=$(now)
started=$SLURM_PIDS
slurm_stop
echo "slurm: the daemons stopped in $(since "$t") s"
alive=""
for pid in $started; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
if [ -n "$started" ] && [ -z "$alive" ]; then ok; else fail "daemons still running:$alive"; fi
echo "slurm: the whole test took $(since "$t0") s"
finish

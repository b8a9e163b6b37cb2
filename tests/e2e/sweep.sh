#!/bin/sh
# End-to-end: disco sweep (points, resume, seeds, jobs and merge), its table
# read from Python, disco results --table and the sweep plot.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
V1="--vary machine.l2.size=256K,1M"
V2="--vary machine.tlb.entries=32,64"

run "capture" 0 "$DISCO" capture synthetic -o "$T/s.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.05 --quiet
run "sweep 4 points" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 $V2 -j 2 -o "$T/a.h5"
has "$T/out" "all replayed" '^sweep: 4 points: 4 replayed, 0 skipped'
run "same command again" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 $V2 -j 2 -o "$T/a.h5"
has "$T/out" "nothing new" '^sweep: 4 points: 0 replayed, 4 skipped'
run "results lists the runs" 0 "$DISCO" results "$T/a.h5"
if [ "$(grep -c '^run p[0-9a-f]\{16\}-[0-9a-f]\{8\}$' "$T/out")" -eq 4 ]; then ok; else fail "4 runs named by key"; fi
run "results --table" 0 "$DISCO" results "$T/a.h5" --table
has "$T/out" "table header: varied parameters, headline figures" \
	'^group +machine\.l2\.size +machine\.tlb\.entries +seconds +monitor +locality +l2tlb_hits$'
if [ "$(wc -l <"$T/out")" -eq 5 ]; then ok; else fail "results --table: 1 + 4 lines"; fi
has "$T/out" "short run names, sizes as K/M, 4 digits" '^p[0-9a-f]{8} +256K +32 +0\.[0-9]{4,5} '
hasnt "$T/out" "no long numbers" '[0-9]\.[0-9]{6}| [0-9]{6,}'
run "results --table --columns" 0 "$DISCO" results "$T/a.h5" --table --columns machine.tlb.entries,cycles
has "$T/out" "the columns picked" '^machine\.tlb\.entries +cycles$'
run "results --table --columns csv" 0 "$DISCO" results "$T/a.h5" --table --format csv --columns cycles,mode
has "$T/out" "csv of the columns picked" '^cycles,mode$'
run "results --table --columns, unknown" 2 "$DISCO" results "$T/a.h5" --table --columns cycels
has "$T/err" "lists the columns" "no column 'cycels' \\(columns: group, trace"
run "results --table csv" 0 "$DISCO" results "$T/a.h5" --table --format csv
has "$T/out" "csv row" '^p[0-9a-f]+-[0-9a-f]+,[^,]*s\.dtr,disco,1,262144,32,[0-9]+,'

run "h5py and pandas read the table" 0 "$PY" -c '
import sys, h5py, numpy as np, pandas as pd
f = h5py.File(sys.argv[1], "r")
t = pd.DataFrame(f["sweep"][:])
for c in ("group", "trace", "mode"):
    t[c] = t[c].str.decode("utf-8")
assert t.shape[0] == 4, t.shape
need = ["group", "trace", "mode", "nseeds", "machine.l2.size", "machine.tlb.entries", "cycles",
        "seconds", "user", "kernel", "kernel_sync", "monitor", "idle", "stall_local",
        "stall_remote", "tlb_misses", "l2tlb_hits", "locality"]
assert all(c in t.columns for c in need), list(t.columns)
assert list(f.attrs["sweep_vary"]) == ["machine.l2.size", "machine.tlb.entries"]
assert sorted(t["machine.l2.size"]) == [262144, 262144, 1048576, 1048576]
assert (t["mode"] == "disco").all() and (t["nseeds"] == 1).all()
assert set(t["group"]) == set(k for k in f if k != "sweep")
units = dict(zip([n for n in t.columns], f["sweep"].attrs["units"]))
assert units["cycles"] == "cycles" and units["machine.l2.size"] == "bytes", units
for _, r in t.iterrows():
    g = f[r["group"]]
    bd = g["breakdown"][:].sum(axis=0)
    assert list(bd) == [r["user"], r["kernel"], r["kernel_sync"], r["monitor"], r["idle"]]
    assert g["counters"][0]["tlb_misses"] == r["tlb_misses"]
    assert g.attrs["machine.l2.size"] in ("256K", "1M")
    assert abs(r["seconds"] - r["cycles"] / 400e6) < 1e-12
# a bigger L2 cannot make the run longer here; more TLB entries miss less
small = t[t["machine.l2.size"] == 262144].set_index("machine.tlb.entries")
big = t[t["machine.l2.size"] == 1048576].set_index("machine.tlb.entries")
assert (big["cycles"] < small["cycles"]).all()
assert small.loc[64, "tlb_misses"] < small.loc[32, "tlb_misses"]
' "$T/a.h5"

# an interrupted sweep (simulated: half of it written first) completes with
# the same numbers
run "half a sweep" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 --vary machine.tlb.entries=32 \
	-j 1 -o "$T/b.h5"
run "the whole sweep over it" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 $V2 -j 2 -o "$T/b.h5"
has "$T/out" "the rest only" '^sweep: 4 points: 2 replayed, 2 skipped'
cat >"$T/same.py" <<'PYEOF'
import sys, h5py, pandas as pd
a, b = (pd.DataFrame(h5py.File(p, "r")["sweep"][:]) for p in sys.argv[1:3])
drop = [c for c in a.columns if c == "wall_seconds"]
assert a.shape == b.shape, (a.shape, b.shape)
assert list(a.columns) == list(b.columns)
assert a.drop(columns=drop).equals(b.drop(columns=drop)), (a, b)
PYEOF
run "resumed table == direct table" 0 "$PY" "$T/same.py" "$T/a.h5" "$T/b.h5"

# a real interruption: killed while it runs, then the same command finishes
run "a longer trace" 0 "$DISCO" capture synthetic -o "$T/l.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.3 --quiet
"$DISCO" sweep "$T/l.dtr" --vary machine.tlb.entries=16:72:8 -j 1 --batch 1 -o "$T/k.h5" \
	>"$T/kout" 2>"$T/kerr" &
pid=$!
sleep 0.7
kill -TERM "$pid" 2>/dev/null
wait "$pid"
st=$?
if [ "$st" -eq 143 ] || [ "$st" -eq 0 ]; then ok; else fail "killed sweep: exit $st"; fi
[ "$st" -eq 143 ] && has "$T/kerr" "says how to finish" 'interrupted: [0-9]+ of 8 points done'
run "rerun after the kill" 0 "$DISCO" sweep "$T/l.dtr" --vary machine.tlb.entries=16:72:8 -j 2 \
	--batch 1 -o "$T/k.h5"
has "$T/out" "completed" '^sweep: 8 points: [0-9]+ replayed, [0-9]+ skipped'
run "direct sweep of the longer trace" 0 "$DISCO" sweep "$T/l.dtr" --vary machine.tlb.entries=16:72:8 \
	-j 2 -o "$T/k2.h5"
run "killed + rerun == direct" 0 "$PY" "$T/same.py" "$T/k.h5" "$T/k2.h5"

# jobs for a cluster, two of them run by hand, merged
run "emit jobs" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 --vary machine.tlb.entries=64 \
	--emit-jobs "$T/jobs"
has "$T/out" "jobs written" 'wrote 2 jobs'
if [ "$(wc -l <"$T/jobs/jobs.txt")" -eq 2 ]; then ok; else fail "jobs.txt: 2 lines"; fi
has "$T/jobs/sweep.slurm" "job array" '^#SBATCH --array=1-2$'
has "$T/jobs/sweep.slurm" "runs its line" 'SLURM_ARRAY_TASK_ID'
run "job line 1" 0 sh -c "$(sed -n 1p "$T/jobs/jobs.txt")"
run "job line 2" 0 sh -c "$(sed -n 2p "$T/jobs/jobs.txt")"
run "the slurm script runs a line" 0 env SLURM_ARRAY_TASK_ID=2 sh "$T/jobs/sweep.slurm"
run "merge" 0 "$DISCO" sweep --merge "$T/jobs" -o "$T/m.h5"
has "$T/out" "merged" 'merged 2 point files .*2 runs added'
run "direct sweep of those points" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 \
	--vary machine.tlb.entries=64 -o "$T/d.h5"
run "merged table == direct table" 0 "$PY" "$T/same.py" "$T/m.h5" "$T/d.h5"
run "merge nothing" 2 "$DISCO" sweep --merge "$T/nojobs" -o "$T/m2.h5"
# several points a job (--batch), each job one shared pass into one file
run "emit jobs of 3 points" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 $V2 --batch 3 --emit-jobs "$T/jobs3"
has "$T/out" "2 jobs for 4 points" '^wrote 2 jobs'
has "$T/jobs3/jobs.txt" "3 keys in the first" ' --only p[0-9a-f-]+,p[0-9a-f-]+,p[0-9a-f-]+ --batch 3 -j 1 '
run "run them" 0 sh -c "while IFS= read -r l; do sh -c \"\$l\" || exit 1; done < '$T/jobs3/jobs.txt'"
if [ "$(ls "$T/jobs3/points" | wc -l)" -eq 2 ]; then ok; else fail "a point file a job"; fi
run "merge them" 0 "$DISCO" sweep --merge "$T/jobs3" -o "$T/m3.h5"
has "$T/out" "4 runs from 2 files" 'merged 2 point files .*4 runs added'
run "merged table == direct table" 0 "$PY" "$T/same.py" "$T/m3.h5" "$T/a.h5"
# jobs name every path absolutely and run from any folder, whatever bytes
# the paths hold; a --config file is found by its absolute path too
odd="$T/a dir 'q' \$HOME \`x\`"
mkdir -p "$odd/sub"
cp "$T/s.dtr" "$odd/s.dtr"
"$DISCO" params --set machine.l2.ways=2 --format conf > "$odd/my.conf"
run "emit jobs with relative paths" 0 sh -c 'cd "$1" && "$2" sweep s.dtr --config my.conf --mode disco \
	--vary machine.tlb.entries=32,64 --emit-jobs sub/jobs/' sh "$odd" "$DISCO"
has "$T/out" "the jobs folder named once, absolutely" "^wrote 2 jobs to /.*/sub/jobs/jobs\.txt "
hasnt "$T/out" "no double slash" '//'
has "$odd/sub/jobs/jobs.txt" "absolute trace" " '/[^']*/a dir '\\\\''q'\\\\'' \\\$HOME \`x\`/s\.dtr' "
has "$odd/sub/jobs/jobs.txt" "absolute --config" " --config '/[^ ]*/a dir [^ ]* [^ ]* [^ ]*/my\.conf' "
has "$odd/sub/jobs/jobs.txt" "disco by its absolute path" "^/"
hasnt "$odd/sub/jobs/sweep.slurm" "no cd into the submitting folder" '^cd '
# Slurm splits #SBATCH lines itself: quotes without escapes, % patterns
has "$odd/sub/jobs/sweep.slurm" "the log folder in double quotes" \
	"^#SBATCH --output=\"/.*/a dir 'q' \\\$HOME \`x\`/sub/jobs/logs/%A_%a\.log\"\$"
: >"$T/jobsfile"
run "a jobs folder that is a file" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=32 \
	--emit-jobs "$T/jobsfile"
has "$T/err" "says it is not a folder" 'emit-jobs .*jobsfile: not a folder'
mkdir -p "$T/p\"c%t"
run "a jobs folder with \" and %" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=32 \
	--emit-jobs "$T/p\"c%t/jobs" --quiet
has "$T/p\"c%t/jobs/sweep.slurm" "in single quotes, % doubled" "^#SBATCH --output='/.*/p\"c%%t/jobs/logs/%A_%a\.log'\$"
run "a jobs folder with both quotes" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=32 \
	--emit-jobs "$T/p\"c'/jobs"
has "$T/err" "says why" "holds both kinds of quotes, which an #SBATCH line of sweep\.slurm cannot"
run "nothing made" 1 test -e "$T/p\"c'"
run "a jobs folder with a backslash" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=32 \
	--emit-jobs "$T/b\\s"
has "$T/err" "says why" "holds a backslash"
run "a job line run from /" 0 sh -c "cd / && $(sed -n 1p "$odd/sub/jobs/jobs.txt")"
run "the Slurm script run from /" 0 sh -c 'cd / && SLURM_ARRAY_TASK_ID=2 sh "$1"' sh "$odd/sub/jobs/sweep.slurm"
if [ "$(ls "$odd/sub/jobs/points" | wc -l)" -eq 2 ]; then ok; else fail "2 point files from the jobs"; fi
# every point is checked before any job is written (a value the table
# accepts but the model cannot take would fail every job of the array)
run "emit jobs: an L2TLB of 768 entries" 2 "$DISCO" sweep "$T/s.dtr" --mode disco \
	--vary policy.l2tlb.entries=256:8192:256 --emit-jobs "$T/badjobs"
has "$T/err" "names the parameter, the value and the reason" \
	'--vary policy\.l2tlb\.entries=768: policy\.l2tlb\.entries / policy\.l2tlb\.ways = 192 sets; must be a power of two'
has "$T/err" "how many points fail, nothing written" '\(26 of the 32 points fail\); no job written$'
run "no jobs folder" 1 test -e "$T/badjobs"
run "emit jobs: an L2 of 3M" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.l2.size=1M,3M --emit-jobs "$T/badjobs"
has "$T/err" "the L2 named" 'machine\.l2\.size=3M: machine\.l2\.size = 3145728: must be a power of two'
run "emit jobs: a missing --config" 2 "$DISCO" sweep "$T/s.dtr" --config "$T/none.conf" \
	--vary machine.tlb.entries=16 --emit-jobs "$T/badjobs"
has "$T/err" "the file named" 'none\.conf'
run "still no jobs folder" 1 test -e "$T/badjobs"
run "a direct sweep says the same before any work" 2 "$DISCO" sweep "$T/s.dtr" --mode disco \
	--vary policy.l2tlb.entries=256:8192:256 -o "$T/bad.h5"
has "$T/err" "the value, not a batch's configuration number" '--vary policy\.l2tlb\.entries=768: '
run "no sweep file" 1 test -e "$T/bad.h5"

# seeds: mean, sd and confidence interval per point
run "seeds" 0 "$DISCO" sweep "$T/s.dtr" --mode disco $V1 --seeds 3 -o "$T/seeds.h5"
has "$T/out" "6 runs, 2 rows" '^sweep: 6 points: 6 replayed, 0 skipped.*table: 2 rows'
run "seeded table" 0 "$PY" -c '
import sys, h5py, numpy as np, pandas as pd
f = h5py.File(sys.argv[1], "r")
t = pd.DataFrame(f["sweep"][:])
assert t.shape[0] == 2 and (t["nseeds"] == 3).all()
for c in ("cycles", "tlb_misses", "locality"):
    for s in ("_mean", "_sd", "_ci95"):
        assert c + s in t.columns, c + s
assert "cycles" not in t.columns and "machine.tlb.seed" not in t.columns
# the mean of the three runs, from the runs themselves
for _, r in t.iterrows():
    runs = r["group"].decode().split()
    cyc = [f[g].attrs["cycles"] for g in runs]
    seeds = sorted(int(f[g].attrs["machine.tlb.seed"]) for g in runs)
    assert len(runs) == 3 and seeds == [1, 2, 3], seeds
    assert abs(r["cycles_mean"] - np.mean(cyc)) < 1e-6
    assert abs(r["cycles_sd"] - np.std(cyc, ddof=1)) < 1e-6
    assert r["cycles_ci95"] > 0
' "$T/seeds.h5"

# bad input
run "bad --vary: unknown name" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.l2.sise=1M -o "$T/x.h5"
has "$T/err" "names the parameter" 'machine\.l2\.sise'
run "bad --vary: no values" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.l2.size -o "$T/x.h5"
has "$T/err" "says the form" 'name=v1,v2'
run "bad --vary: out of range" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,100000 -o "$T/x.h5"
# points run in the order the --vary options give, the first outermost, each
# one's values in the order given
run "sweep in the given order" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=32,16 \
	--vary machine.l2.size=512K,256K -j 1 --batch 1 -o "$T/order.h5" --quiet
run "its table" 0 "$DISCO" results "$T/order.h5" --table --format csv
awk -F, 'NR > 1 { print $1, $5, $6 }' "$T/out" > "$T/vals"
run "its runs" 0 "$DISCO" results "$T/order.h5" --format csv
order=$(awk -F, '$2 == "cycles" { print $1 }' "$T/out" | while read -r g; do
	grep "^$g " "$T/vals" | cut -d' ' -f2,3; done | tr '\n' ' ')
[ "$order" = "32 524288 32 262144 16 524288 16 262144 " ] && ok ||
	fail "runs written in the order '$order', not that of --vary (32,16 outer; 512K,256K inner)"
run "bad --vary: an empty value" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,,32 -o "$T/x.h5"
has "$T/err" "named, not dropped" 'machine\.tlb\.entries=16,,32: an empty value \(value 2\)'
run "bad --vary: bad range" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=64:16:8 -o "$T/x.h5"
run "no --vary" 2 "$DISCO" sweep "$T/s.dtr" -o "$T/x.h5"
run "no output" 2 "$DISCO" sweep "$T/s.dtr" $V1
run "bad -j" 2 "$DISCO" sweep "$T/s.dtr" $V1 -j 0 -o "$T/x.h5"
run "missing trace" 2 "$DISCO" sweep "$T/none.dtr" $V1 -o "$T/x.h5"
run "--only matching nothing" 2 "$DISCO" sweep "$T/s.dtr" $V1 --only p0-0 -o "$T/x.h5"
run "a plain results file" 0 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/r.h5"
run "table of a plain results file" 2 "$DISCO" results "$T/r.h5" --table
has "$T/err" "no sweep table" 'has no sweep table'
run "sweep --help" 0 "$DISCO" help sweep
has "$T/out" "help names resume" 'skips the points'

if command -v gnuplot >/dev/null 2>&1; then
	run "plot sweep" 0 "$DISCO" plot "$T/a.h5" --kind sweep --x machine.l2.size --y cycles -o "$T/sw.png"
	if head -c 8 "$T/sw.png" | od -c | grep -q 'P   N   G'; then ok; else fail "sw.png is not a PNG"; fi
	run "plot sweep with error bars" 0 "$DISCO" plot "$T/seeds.h5" --kind sweep --y tlb_misses -o "$T/se.svg"
	has "$T/se.svg" "svg axis label" 'tlb_misses \(count\)'
	run "plot sweep: bad x" 2 "$DISCO" plot "$T/a.h5" --kind sweep --x machine.cpus -o "$T/x.png"
	has "$T/err" "lists the parameters" 'machine\.l2\.size, machine\.tlb\.entries'
	run "plot sweep: bad y" 2 "$DISCO" plot "$T/a.h5" --kind sweep --y speed -o "$T/x.png"
	has "$T/err" "lists the figures" 'figures: cycles, seconds'
	# overhead against native: two traces, one captured under the monitor
	run "a trace captured under the monitor" 0 "$DISCO" capture synthetic -o "$T/d.dtr" --cpus 2 \
		--scale 0.02 --mode disco --quiet
	run "native and disco points" 0 "$DISCO" sweep "$T/s.dtr" "$T/d.dtr" \
		--vary policy.l2tlb.entries=64:256:*2 -j 2 -o "$T/ov.h5" --quiet
	run "plot --baseline mode=native" 0 "$DISCO" plot "$T/ov.h5" --kind sweep --y seconds \
		--baseline mode=native -o "$T/ov.svg"
	has "$T/ov.svg" "relative to native" 'relative to mode = native'
	hasnt "$T/ov.svg" "the baseline is not a curve" 'mode=native'
	hasnt "$T/ov.svg" "no capture settings in the legend" 'capture\.'
	run "a log2 axis for powers of two" 0 "$DISCO" plot "$T/ov.h5" --kind sweep --y monitor -o "$T/lg.png"
	run "plot --baseline, no such point" 2 "$DISCO" plot "$T/ov.h5" --kind sweep --baseline mode=uma \
		-o "$T/x.png"
	has "$T/err" "says none has it" 'no point of the sweep has mode = uma'
	run "a sweep of a text parameter" 0 "$DISCO" sweep "$T/d.dtr" --vary policy.migration=verghese,none,migrate-only \
		-j 2 -o "$T/mig.h5" --quiet
	run "plot it" 0 "$DISCO" plot "$T/mig.h5" --kind sweep --x policy.migration -o "$T/mig.svg"
	[ "$(grep -oE '>(verghese|none|migrate-only)<' "$T/mig.svg" | tr -d '<>' | tr '\n' ' ')" = \
		"verghese none migrate-only " ] && ok || fail "text x values not in the order given to --vary"
	run "a breakdown of a sweep's runs" 0 "$DISCO" plot "$T/mig.h5" --kind breakdown -o "$T/migb.svg"
	[ "$(grep -c '>policy.migration=\(verghese\|none\|migrate-only\)<' "$T/migb.svg")" = 3 ] && ok ||
		fail "a sweep's bars are not named by the values it varied"
	run "plot --baseline, no such column" 2 "$DISCO" plot "$T/ov.h5" --kind sweep --baseline colour=red \
		-o "$T/x.png"
	has "$T/err" "names the columns" "'colour' is not a column of the sweep"
fi

# a migration policy that reads the trace ahead sweeps like the others, and
# its point has the numbers of its own replay
run "sweep over the migration policies, the oracle too" 0 "$DISCO" sweep "$T/s.dtr" --mode disco \
	--vary policy.migration=none,verghese,oracle -j 2 -o "$T/orc.h5" --quiet
run "the sweep's cycles" 0 "$DISCO" results "$T/orc.h5" --table --format csv --columns policy.migration,cycles
grep '^oracle,' "$T/out" | cut -d, -f2 >"$T/orc.sweep"
run "the oracle replayed alone" 0 "$DISCO" replay "$T/s.dtr" --mode disco --policy migration=oracle --format csv
grep '^cycles,' "$T/out" | cut -d, -f2 >"$T/orc.replay"
[ -s "$T/orc.sweep" ] && cmp -s "$T/orc.sweep" "$T/orc.replay" && ok ||
	fail "the oracle's point: $(cat "$T/orc.sweep") cycles, its replay $(cat "$T/orc.replay")"

# the monitor's parameters in a native sweep: replayed once, every point written
run "native sweep of the L2TLB" 0 "$DISCO" sweep "$T/s.dtr" --mode native \
	--vary policy.l2tlb.entries=256:1024:*2 --vary machine.tlb.entries=32,64 -j 2 -o "$T/nat.h5"
has "$T/out" "replayed once per TLB size" '6 points: 2 replayed, 4 copied from those'
run "every point there" 0 "$DISCO" results "$T/nat.h5" --table --format csv
[ "$(grep -c ',native,' "$T/out")" -eq 6 ] && ok || fail "the native sweep's table lacks points"
run "the same numbers as a replay" 0 "$DISCO" replay "$T/s.dtr" --mode native \
	--set policy.l2tlb.entries=512 --set machine.tlb.entries=64 --format json
c=$(grep -o '"cycles": [0-9]*' "$T/out" | head -n 1 | grep -o '[0-9]*$')
"$DISCO" results "$T/nat.h5" --format csv > "$T/nat.csv"
[ "$(grep -c ",cycles,$c\$" "$T/nat.csv")" -eq 3 ] && ok ||
	fail "native points with machine.tlb.entries=64 do not all have the replay's $c cycles"
run "a disco sweep replays each" 0 "$DISCO" sweep "$T/s.dtr" --mode disco \
	--vary policy.l2tlb.entries=256,512 -j 1 -o "$T/dis.h5"
has "$T/out" "all replayed" '2 points: 2 replayed, 0 skipped'
run "geometric range: bad factor" 2 "$DISCO" sweep "$T/s.dtr" --vary policy.l2tlb.entries=256:1024:*1 \
	-o "$T/x.h5"
has "$T/err" "says what is wanted" 'lo:hi:\*k must be numbers with k > 1'
finish

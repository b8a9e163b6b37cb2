#!/bin/sh
# End-to-end: results files through disco results and disco plot, and read
# from Python (h5py, pandas) without our code, as analysis/RESULTS.md says.
. "$(dirname "$0")/lib.sh"
: "${BUILD:=build}"
TOOL=$BUILD/tests/analysis/tool_results
H5=$T/sample.h5

run "tool writes a results file" 0 "$TOOL" "$H5"
run "results: every run" 0 "$DISCO" results "$H5"
has "$T/out" "native run" '^run native$'
has "$T/out" "disco run" '^run disco$'
has "$T/out" "migrate run" '^run disco-migrate$'
has "$T/out" "breakdown row" '^  kernel_sync +[0-9]+ +[0-9.]+%'
has "$T/out" "replay speed" 'M references/s'
has "$T/out" "warning shown" '^warning: sample'
run "results: one run as json" 0 "$DISCO" results "$H5" --group disco --format json
has "$T/out" "json mode" '"mode": "disco"'
run "results: csv" 0 "$DISCO" results "$H5" --format csv
has "$T/out" "csv header" '^run,metric,value$'
has "$T/out" "csv row" '^disco-migrate,breakdown\.user,[0-9]+$'
run "results: --config" 0 "$DISCO" results "$H5" --group native --config
has "$T/out" "stored configuration" '^machine\.cpus = 4$'

run "results: missing file" 2 "$DISCO" results "$T/nope.h5"
has "$T/err" "missing file named" 'nope\.h5'
printf 'just text\n' >"$T/text.h5"
run "results: not HDF5" 2 "$DISCO" results "$T/text.h5"
has "$T/err" "not HDF5 said" 'text\.h5: not an HDF5'
run "results: no such run" 2 "$DISCO" results "$H5" --group nothing
has "$T/err" "run named" "no run named 'nothing'"
run "results: bad format" 2 "$DISCO" results "$H5" --format xml
run "results: no file" 2 "$DISCO" results
run "results --help" 0 "$DISCO" help results
has "$T/out" "help names RESULTS.md" "RESULTS.md"
run "plot --help" 0 "$DISCO" plot --help
has "$T/out" "help names kinds" "locality"

PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import h5py, pandas' 2>/dev/null; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
	run "json parses (array of runs)" 0 sh -c "'$DISCO' results '$H5' --format json | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert [r[\"run\"] for r in d] == [\"native\", \"disco\", \"disco-migrate\"], d
r = d[1]
for k in (\"instructions\", \"references\", \"cycles\", \"breakdown\", \"stall\", \"tlb_misses\",
          \"l2tlb_hits\", \"wall_seconds\", \"mode\", \"ncpus\", \"seconds\", \"services\", \"locality\"):
    assert k in r, k
assert set(r[\"breakdown\"]) == {\"user\", \"kernel\", \"kernel_sync\", \"monitor\", \"idle\"}
assert r[\"services\"][0][\"cycles\"] >= r[\"services\"][-1][\"cycles\"]
assert \"warning\" in d[2] and \"warning\" not in d[0]
'"
	run "json parses (one run)" 0 sh -c "'$DISCO' results '$H5' --group native --format json | $PY -c 'import json, sys; assert json.load(sys.stdin)[\"mode\"] == \"native\"'"
	run "h5py and pandas read the file" 0 "$PY" -c '
import sys, math, h5py, numpy as np, pandas as pd
f = h5py.File(sys.argv[1], "r")
assert f.attrs["disco_results_version"] == 1
assert set(f) == {"native", "disco", "disco-migrate"}, list(f)
g = f["disco"]
assert g.attrs["mode"] == "disco" and g.attrs["ncpus"] == 4 and g.attrs["clock_mhz"] == 400.0
assert g.attrs["machine.cpus"] == "4", g.attrs["machine.cpus"]
assert g.attrs["trace"] == "/traces/sample.dtr"
bd = pd.DataFrame(g["breakdown"][:], columns=list(g["breakdown"].attrs["columns"]))
assert bd.shape == (4, 5) and list(bd.columns) == ["user", "kernel", "kernel_sync", "monitor", "idle"]
assert bd["user"][0] == 62000000 and bd["monitor"][2] == 14002003, bd
assert g["stall_local"].shape == (4, 5) and g["stall_remote"].shape == (4, 5)
cc = pd.DataFrame(g["cpu_counts"][:], columns=list(g["cpu_counts"].attrs["columns"]))
assert list(cc.columns) == ["instructions", "loads", "stores", "misses_local", "misses_remote"]
sv = pd.DataFrame(g["services"][:], columns=list(g["services"].attrs["columns"]),
                  index=list(g["services"].attrs["rows"]))
assert sv.shape == (22, 7) and sv.loc["read", "count"] == 71, sv
assert (sv[["kernel", "tlb_writes", "other_privs", "monitor_services", "kernel_tlb_faults"]].sum(axis=1) == sv["cycles"]).all()
c = pd.DataFrame(g["counters"][:])
assert c.loc[0, "tlb_misses"] == 123457 and c.loc[0, "wall_seconds"] == 1.25, c
assert c.loc[0, "references"] == c.loc[0, "instructions"] + c.loc[0, "loads"] + c.loc[0, "stores"]
loc = float(g["locality"][()])
assert abs(loc - cc["misses_local"].sum() / (cc["misses_local"].sum() + cc["misses_remote"].sum())) < 1e-12
assert abs(g.attrs["seconds"] - g.attrs["cycles"] / 400e6) < 1e-12
' "$H5"
	# a file written by Python after RESULTS.md reads back through disco
	run "python-written file" 0 "$PY" -c '
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "w")
g = f.create_group("py")
g.attrs["mode"] = "native"; g.attrs["clock_mhz"] = 200.0; g.attrs["ncpus"] = np.int32(1)
g.attrs["machine.cpus"] = "1"
for n in ("breakdown", "stall_local", "stall_remote"):
    g["%s" % n] = np.array([[100, 20, 3, 0, 7]], dtype=np.uint64)
g["cpu_counts"] = np.array([[50, 10, 5, 1, 3]], dtype=np.uint64)
g["services"] = np.zeros((22, 7), dtype=np.uint64)
names = ["cycles", "instructions", "loads", "stores", "references", "records", "tlb_misses",
         "utlb_misses", "ktlb_faults", "l2tlb_hits", "l2tlb_misses", "priv_emulated", "moncalls",
         "lock_acquires", "lock_contended", "sem_waits_blocked", "dma_requests", "pages_touched"]
dt = np.dtype([(n, "<u8") for n in names] + [("wall_seconds", "<f8")])
c = np.zeros(1, dtype=dt); c["cycles"] = 130; c["tlb_misses"] = 9
g["counters"] = c
' "$T/py.h5"
	run "disco reads the python file" 0 "$DISCO" results "$T/py.h5" --format json
	has "$T/out" "python counters" '"tlb_misses": 9'
	has "$T/out" "python breakdown" '"user": 100'
else
	echo "results: python3 with h5py and pandas not found: Python checks skipped"
fi

if command -v gnuplot >/dev/null 2>&1; then
	run "plot breakdown" 0 "$DISCO" plot "$H5" --groups native,disco,disco-migrate \
		--labels 'IRIX,Disco,Disco mig/repl' -o "$T/bd.png"
	if head -c 8 "$T/bd.png" | od -c | grep -q 'P   N   G'; then ok; else fail "bd.png is not a PNG"; fi
	run "plot locality svg" 0 "$DISCO" plot "$H5" --kind locality --base disco -o "$T/loc.svg"
	has "$T/loc.svg" "svg has the locality label" '% local'
	run "plot footprint of runs without one" 2 "$DISCO" plot "$H5" --kind footprint -o "$T/x.png"
	has "$T/err" "says there is no footprint" 'run 0 has no memory footprint'
	run "plot bad kind" 2 "$DISCO" plot "$H5" --kind pie -o "$T/x.png"
	run "plot bad extension" 2 "$DISCO" plot "$H5" -o "$T/x.gif"
	run "plot labels count" 2 "$DISCO" plot "$H5" --labels a,b -o "$T/x.png"
	run "plot no output" 2 "$DISCO" plot "$H5"
	run "plot missing run" 2 "$DISCO" plot "$H5" --groups native,nothing -o "$T/x.png"
	run "plot unknown base" 2 "$DISCO" plot "$H5" --base nothing -o "$T/x.png"
	leftover=$(ls "$T" | grep -c 'tmp-' || true)
	if [ "$leftover" -eq 0 ]; then ok; else fail "temporary files left in $T"; fi
	# every kind removes its scratch folder, whatever files it wrote there
	mkdir "$T/scratch"
	for k in breakdown locality; do
		run "plot $k in a scratch TMPDIR" 0 env TMPDIR="$T/scratch" "$DISCO" plot "$H5" \
			--kind $k -o "$T/k-$k.png"
	done
	if [ -z "$(ls -A "$T/scratch")" ]; then ok; else fail "plots left $(ls "$T/scratch")"; fi
else
	echo "results: gnuplot not found: plot checks skipped"
fi
run "plot without gnuplot" 1 env PATH=/nonexistent "$DISCO" plot "$H5" -o "$T/x.png"
has "$T/err" "names the package" 'gnuplot-nox'
finish

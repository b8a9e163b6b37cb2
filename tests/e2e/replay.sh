#!/bin/sh
# End-to-end: disco capture, replay and figures through the binary.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

run "capture" 0 "$DISCO" capture synthetic -o "$T/s.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.05 --format json
cp "$T/out" "$T/cap.json"
run "replay, capture's configuration" 0 "$DISCO" replay "$T/s.dtr" --format json
cp "$T/out" "$T/rep.json"
# same NAME A.json B.json [PYTHON]: every counter of the two runs equal (their
# own speed and memory aside), then PYTHON's asserts on a
same() {
	name=$1; a=$2; b=$3; extra=${4:-}
	run "$name" 0 "$PY" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("wall_seconds"); d.pop("mrefs_per_second", None); d.pop("peak_rss_mb", None)
assert a == b, [k for k in a if a[k] != b.get(k)]
'"$extra" "$a" "$b"
}
same "capture == replay" "$T/cap.json" "$T/rep.json" 'assert a["references"] > 100000 and a["mode"] == "native"'
# one core or two (a thread decoding ahead): the same numbers, every counter;
# small chunks, four streams, so that the streams' blocks interleave a lot
run "capture, small chunks" 0 "$DISCO" capture synthetic -o "$T/c4.dtr" --cpus 4 --set machine.cpus=4 \
	--scale 0.05 --set trace.chunk_size=4096 --quiet
for m in native disco; do
	for t in 1 2; do
		run "replay $m --threads $t" 0 "$DISCO" replay "$T/c4.dtr" --mode $m --threads $t \
			--policy migration=verghese --set policy.migration.trigger=16 --format json
		cp "$T/out" "$T/t$t.json"
		cp "$T/out" "$T/$m$t.json"
	done
	same "$m: 2 threads == 1 thread" "$T/t1.json" "$T/t2.json" 'assert a["records"] > 100000'
done
# a policy that reads the whole trace ahead, then replays it: the same on two threads
for t in 1 2; do
	run "oracle --threads $t" 0 "$DISCO" replay "$T/c4.dtr" --mode disco --threads $t \
		--policy migration=oracle --set policy.migration.trigger=16 --format json
	cp "$T/out" "$T/o$t.json"
done
same "oracle: 2 threads == 1 thread" "$T/o1.json" "$T/o2.json" 'assert a["replications"] > 0'
# a chunk cut short: the same error, from the thread as from the reader
"$PY" -c '
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[: len(d) * 2 // 3])
' "$T/c4.dtr" "$T/cut.dtr"
run "cut trace, 1 thread" 0 "$DISCO" replay "$T/cut.dtr" --threads 1 --format json
cp "$T/out" "$T/t1.json"
run "cut trace, 2 threads" 0 "$DISCO" replay "$T/cut.dtr" --threads 2 --format json
cp "$T/out" "$T/t2.json"
same "cut trace: the same numbers" "$T/t1.json" "$T/t2.json"
# a damaged chunk midway: the same error, after the same records
"$PY" -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) * 3 // 5] ^= 0x55
open(sys.argv[2], "wb").write(d)
' "$T/c4.dtr" "$T/bad.dtr"
run "damaged trace, 1 thread" 2 "$DISCO" replay "$T/bad.dtr" --threads 1
cp "$T/err" "$T/e1"
run "damaged trace, 2 threads" 2 "$DISCO" replay "$T/bad.dtr" --threads 2
cp "$T/err" "$T/e2"
has "$T/e1" "the reader names the damage" "checksum|chunk header"
run "damaged trace: the same error" 0 cmp "$T/e1" "$T/e2"
run "bad --threads" 2 "$DISCO" replay "$T/c4.dtr" --threads 3
has "$T/err" "says what" "not auto, 1 or 2"
# --threads auto (the default): two threads where the process may run on two
# CPUs, one where its affinity gives it one; the same numbers either way
if command -v taskset >/dev/null 2>&1; then
	run "auto on one CPU" 0 taskset -c 0 "$DISCO" replay "$T/c4.dtr" --mode disco
	has "$T/out" "one thread" "records in [0-9.]* s on 1 thread;"
	if [ "$(taskset -c 0,1 nproc 2>/dev/null)" = 2 ]; then
		run "auto on two CPUs" 0 taskset -c 0,1 "$DISCO" replay "$T/c4.dtr" --mode disco
		has "$T/out" "two threads" "records in [0-9.]* s on 2 threads;"
	fi
	run "auto, json" 0 taskset -c 0 "$DISCO" replay "$T/c4.dtr" --mode disco --format json \
		--policy migration=verghese --set policy.migration.trigger=16
	cp "$T/out" "$T/auto1.json"
	same "auto on one CPU: the numbers of 2 threads" "$T/auto1.json" "$T/disco2.json"
fi
run "same seed, same bytes" 0 "$DISCO" capture synthetic -o "$T/s2.dtr" --cpus 2 \
	--set machine.cpus=2 --scale 0.05 --quiet
run "cmp" 0 cmp "$T/s.dtr" "$T/s2.dtr"
run "other seed" 0 "$DISCO" capture synthetic -o "$T/s3.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.05 --seed 7 --quiet
run "other seed, other bytes" 1 cmp -s "$T/s.dtr" "$T/s3.dtr"

run "replay disco, HDF5" 0 "$DISCO" replay "$T/s.dtr" --mode disco --policy l2tlb=set-assoc \
	-o "$T/d.h5"
has "$T/out" "table shows monitor" '^  monitor +[1-9]'
run "results" 0 "$DISCO" results "$T/d.h5" --format json
has "$T/out" "results json" '"mode": "disco"'
run "replay uma" 0 "$DISCO" replay "$T/s.dtr" --mode uma --format csv
has "$T/out" "csv" 'stall_remote|stall\.remote'

run "verghese" 0 "$DISCO" replay "$T/s.dtr" --mode disco --policy migration=verghese \
	--set policy.migration.trigger=16 --format json
has "$T/out" "policy activity in json" '"hot_pages": [1-9]'
run "oracle (two passes)" 0 "$DISCO" replay "$T/s.dtr" --mode disco --policy migration=oracle
run "oracle needs a trace" 2 "$DISCO" capture synthetic -o "$T/o.dtr" --cpus 2 --scale 0.01 \
	--set machine.cpus=2 --mode disco --policy migration=oracle
has "$T/err" "oracle explains" 'read ahead'

run "missing trace" 2 "$DISCO" replay "$T/nope.dtr"
has "$T/err" "names the file" 'nope\.dtr'
run "bad mode" 2 "$DISCO" replay "$T/s.dtr" --mode fast
has "$T/err" "lists modes" 'native, disco, uma or plain'
run "bad policy kind" 2 "$DISCO" replay "$T/s.dtr" --policy colour=red
has "$T/err" "lists kinds" 'placement, sched, l2tlb'
run "bad policy name" 2 "$DISCO" replay "$T/s.dtr" --policy placement=random
has "$T/err" "lists placements" 'first-touch'
run "too few CPUs" 2 "$DISCO" replay "$T/s.dtr" --set machine.cpus=1
has "$T/err" "says why" 'machine\.cpus'
run "unknown workload" 2 "$DISCO" capture pmakk -o "$T/x.dtr"
has "$T/err" "lists workloads" 'synthetic'
run "capture needs -o" 2 "$DISCO" capture synthetic
run "too big" 2 "$DISCO" capture synthetic -o "$T/x.dtr" --mem 8M --set capture.synth.footprint=64M
has "$T/err" "footprint named" 'capture\.synth\.footprint'

# runs side by side: -o adds to the file, --name names the run; a run of the
# same name is replaced, the others kept; results and plot take several files
run "replay -o, first run" 0 "$DISCO" replay "$T/s.dtr" --mode disco -o "$T/side.h5" --quiet
run "replay --name adds" 0 "$DISCO" replay "$T/s.dtr" --mode native -o "$T/side.h5" --name irix --quiet
run "both runs there" 0 "$DISCO" results "$T/side.h5" --format csv
has "$T/out" "disco kept" '^disco,cycles,'
has "$T/out" "irix added" '^irix,cycles,'
run "same name replaced" 0 "$DISCO" replay "$T/s.dtr" --mode uma -o "$T/side.h5" --name irix --quiet
has "$T/err" "says it replaced" "replaced the run 'irix'"
run "replaced, not added" 0 "$DISCO" results "$T/side.h5" --group irix --format json
has "$T/out" "the new run" '"mode": "uma"'
run "--name needs -o" 2 "$DISCO" replay "$T/s.dtr" --name x
printf 'notes\n' > "$T/notes.h5"
run "a file not of results is kept" 2 "$DISCO" replay "$T/s.dtr" -o "$T/notes.h5" --quiet
has "$T/err" "says so" 'not an HDF5 results file; refusing'
has "$T/notes.h5" "still the notes" '^notes$'
"$DISCO" replay "$T/s.dtr" --mode disco -o "$T/other.h5" --quiet
run "results of two files" 0 "$DISCO" results "$T/side.h5" "$T/other.h5" --format csv
has "$T/out" "file:name when several" '^other\.h5:disco,cycles,'
run "a name in two files" 2 "$DISCO" results "$T/side.h5" "$T/other.h5" --group disco
has "$T/err" "asks which" 'side\.h5:disco or other\.h5:disco'
if command -v gnuplot >/dev/null 2>&1; then
	run "plot two files" 0 "$DISCO" plot "$T/side.h5" "$T/other.h5" --groups irix,other.h5:disco \
		-o "$T/side.png"
	run "plot names what there is" 2 "$DISCO" plot "$T/side.h5" --groups native -o "$T/x.png"
	has "$T/err" "lists the runs" "no run named 'native' in .*side\.h5 \(runs: disco, irix\)"
fi

# a hand-written trace: a load with no page-table entry is bad input
cat > "$T/bad.txt" <<'TXT'
.streams 1
.page_size 4096
.stream 0
asid 1
load 0x500000 4 user
TXT
run "asm" 0 "$DISCO" asm "$T/bad.txt" -o "$T/bad.dtr"
run "replay of an inconsistent trace" 2 "$DISCO" replay "$T/bad.dtr" --set machine.cpus=1
has "$T/err" "names stream and record" 'stream 0, record 1'
has "$T/err" "says why" 'no page-table entry'

# one page touched many times: one TLB miss natively
{
	printf '.streams 1\n.page_size 4096\n.stream 0\n'
	printf 'pte.set asid=1 vpn=0x400 ppn=0x20 prot=valid,write\nasid 1\n'
	i=0; while [ $i -lt 200 ]; do printf 'load 0x%x 4 user\n' $((0x400000 + i * 8)); i=$((i + 1)); done
} > "$T/one.txt"
run "asm one page" 0 "$DISCO" asm "$T/one.txt" -o "$T/one.dtr"
run "replay one page" 0 "$DISCO" replay "$T/one.dtr" --set machine.cpus=1 --format json
has "$T/out" "one TLB miss" '"tlb_misses": 1,'

# Machine pages keep their guest page's cache color, so where pages lie
# changes latencies only: with every miss local and no queueing, every
# layout gives the same run; without colors they differ.
lengths() {
	for pl in round-robin first-touch consecutive node0; do
		"$DISCO" replay "$T/s.dtr" --mode uma --set policy.placement=$pl \
			--set machine.mem.occupancy_ns=0 "$@" --format json | grep -o '"cycles": [0-9]*' | head -n 1
	done | sort -u | wc -l
}
[ "$(lengths)" -eq 1 ] && ok || fail "layouts give different runs with colors kept"
[ "$(lengths --set policy.placement.color=false)" -gt 1 ] && ok ||
	fail "layouts give the same run without colors: the test sees nothing"

run "figures" 0 "$DISCO" figures --quick -o "$T/fig" --set capture.scale=0.05
has "$T/fig/report.md" "report status table" '^\| Figure 6 \|'
has "$T/err" "each step's line gives the time since the start" '^figures: [0-9]+:[0-5][0-9] Figure 9, raytrace: replaying .* under the oracle policy'
has "$T/err" "Figure 7's captures are counted" '^figures: [0-9]+:[0-5][0-9] Figure 7, 8VMs/NFS: eight pmake copies, capturing \(6 of 6\)'
has "$T/fig/report.md" "status counts numbers within band" '^\| Figure 6 \| ran .*numbers within band'
has "$T/fig/report.md" "scorecard" '^## Scorecard'
has "$T/fig/report.md" "scorecard row" '^\| `fig6.pmake.ratio` \| 1.16 \|'
has "$T/fig/report.md" "where the model misses" '^## Where the model misses, and why'
has "$T/fig/numbers.json" "bands in numbers.json" '"id": "fig6.pmake.ratio".*"band": \[1.13, 1.19\], "within_band": '
[ -s "$T/fig/fig6.png" ] && [ -s "$T/fig/fig9.png" ] && ok || fail "figures drew no fig6.png or fig9.png"
has "$T/fig/report.md" "table 2 rows" '^\| QUICK-FAULT \|'
has "$T/fig/numbers.json" "fig6 claimed" '"id": "fig6.pmake.ratio"'
has "$T/fig/numbers.json" "table3 claimed" '"id": "table3.tlb_miss_cycles.disco"'
has "$T/fig/numbers.json" "table3 user time as the paper's ticks" '"id": "table3.engineering.user_ratio", "paper": 1.07'
has "$T/fig/report.md" "table3 on IRIX 6.2" '^IRIX 6.2 with 16 KB pages, as section 6 ran it'
has "$T/fig/numbers.json" "fig9 claimed" '"id": "fig9.raytrace.gap_uma"'
has "$T/fig/report.md" "fig9 paper beside model" '^\| Disco faster than IRIX NUMA by \(non-idle time, as the bars\) \| 38% \|'
has "$T/fig/report.md" "fig9 run's length beside it" "^\| the same two by the run's length \(idle included\) \| \| [0-9.-]+% / [0-9.-]+% \|"
has "$T/fig/numbers.json" "fig7 claimed" '"id": "fig7.8vm.kernel_data_mb", "paper": 20'
has "$T/fig/report.md" "fig7 statements" '^\| IRIX text is kept once in M'
[ -s "$T/fig/fig7.h5" ] && ok || fail "figures wrote no fig7.h5"
has "$T/fig/numbers.json" "fig8 claimed" '"id": "fig8.pmake.8vm.ratio", "paper": 0.6'
has "$T/fig/numbers.json" "fig8 sync share" '"id": "fig8.pmake.irix.sync_share", "paper": 0.25'
has "$T/fig/report.md" "fig8 statements" '^\| 2VMs are already faster than IRIX'
has "$T/fig/report.md" "fig8 in the scorecard" '^\| `fig8.pmake.irix.sync_share` \| 25% \|'
has "$T/fig/numbers.json" "fig8 bands in numbers.json" '"id": "fig8.pmake.8vm.ratio".*"band": \[0.52, 0.68\]'
has "$T/fig/report.md" "fig8 status counts numbers" '^\| Figure 8, Pmake \| ran .*of 8 numbers within band, .* of 6 statements hold'
has "$T/fig/numbers.json" "8VMs/NFS footprint" '"id": "fig7.8vm-nfs.M_mb", "paper": null, "model": [0-9]'
has "$T/fig/numbers.json" "8VMs/NFS time" '"id": "fig8.pmake.8vm-nfs.ratio".*"band": \[0, 0.999\]'
has "$T/fig/report.md" "8VMs/NFS bar" '^\| 8VMs/NFS \| [0-9.]+ \| [0-9.]+ \|'
has "$T/fig/report.md" "the NFS statement" '^\| with NFS, V.s buffer cache is larger'
[ -s "$T/fig/fig8.png" ] || [ -z "$(command -v gnuplot)" ] && ok || fail "figures drew no fig8.png"
has "$T/fig/numbers.json" "fig8 radix claimed" '"id": "fig8.radix.system_time_factor", "paper": 10'
has "$T/fig/numbers.json" "fig8 radix: the same faults" '"id": "fig8.radix.fault_ratio", "paper": 1, "model": 1,'
has "$T/fig/report.md" "fig8 radix status" '^\| Figure 8, Radix \| ran .* of 4 numbers within band'
has "$T/fig/report.md" "fig8 radix statements" '^\| both suffer from the same number of page faults .* \| yes \|$'
[ -s "$T/fig/fig8radix.png" ] || [ -z "$(command -v gnuplot)" ] && ok || fail "figures drew no fig8radix.png"
[ -z "$(ls "$T/fig" | grep '\.dtr$')" ] && ok || fail "figures left traces behind"
run "figures --keep-traces" 0 "$DISCO" figures --quick --only synthetic --keep-traces -o "$T/fig2" \
	--set capture.scale=0.05
[ -s "$T/fig2/synthetic-1cpu.dtr" ] && ok || fail "--keep-traces kept no trace"
[ -s "$T/fig/synthetic-1cpu.h5" ] && ok || fail "figures wrote no HDF5"
run "figures without gnuplot" 0 env PATH=/nonexistent "$DISCO" figures --quick --only synthetic \
	-o "$T/fig3" --set capture.scale=0.05
has "$T/fig3/report.md" "report says the plots were not drawn, and why" '^Plots: not drawn: .*gnuplot-nox'
run "figures --seeds" 0 "$DISCO" figures --only table3 --seeds 1,2 --set capture.scale=0.3 -o "$T/fs"
has "$T/err" "seeds are counted" '^figures: [0-9]+:[0-5][0-9] seed 2 \(2 of 2\), into '
has "$T/fs/report.md" "a scorecard over the seeds" '^## Scorecard over 2 seeds'
has "$T/fs/report.md" "each number per seed, mean, range" '^\| `table3.pmake.ratio` \| [0-9.]+ / [0-9.]+ \| 1.08 \| [0-9.]+ \| [0-9.]+-[0-9.]+ \| 1.05-1.11 \| [0-2] of 2 \|'
has "$T/fs/numbers.json" "per-seed numbers" '"id": "table3.pmake.ratio", "paper": 1.08, "unit": "ratio", "seeds": \[1, 2\], "models": \[[0-9.]+, [0-9.]+\], "mean"'
has "$T/fs/seed-2/report.md" "each seed's own report names its seed" '^Made by `disco figures --quick` with capture.seed = 2 '
run "figures --seeds, a bad list" 2 "$DISCO" figures --seeds 1,x -o "$T/x"
has "$T/err" "names the bad seed" "at 'x'"
: >"$T/afile"
run "figures -o a file" 2 "$DISCO" figures --only synthetic -o "$T/afile"
has "$T/err" "says the output is not a folder" 'afile: not a folder'
run "figures -o a device" 2 "$DISCO" figures --only synthetic -o /dev/null
has "$T/err" "says the device is not a folder" '/dev/null: not a folder'
run "figures --only, unknown" 2 "$DISCO" figures --only fig5 -o "$T/x"
has "$T/err" "lists reproductions" 'fig6, table2, table3, fig7, fig8, fig9'
# more streams than the machine model can have CPUs: one line saying so
"${PY:-python3}" -c '
print(".streams 130\n.page_size 4096")
for s in range(130):
    print(".stream %d\nload 0x1000 8" % s)
' >"$T/s130.txt"
run "asm 130 streams" 0 "$DISCO" asm "$T/s130.txt" -o "$T/s130.dtr"
run "replay 130 streams" 2 "$DISCO" replay "$T/s130.dtr"
has "$T/err" "the machine's limit named" 'the trace has 130 vCPU streams, one CPU each, and the machine model has at most 128 CPUs'
finish

#!/bin/sh
# Runs every benchmark binary given as an argument, after printing the
# machine it runs on.  Called by 'make bench'.  Results are printed, not
# asserted.
set -u
echo "== machine"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:       $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "cores:     $(nproc 2>/dev/null) online ($(grep -c '^processor' /proc/cpuinfo 2>/dev/null) listed)"
echo "cpu MHz:   $(grep -m1 'cpu MHz' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "memory:    $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)"
echo "kernel:    $(uname -sr)"
echo "compiler:  $(${CC:-cc} --version 2>/dev/null | head -n 1)"
echo "zstd:      $(pkg-config --modversion libzstd 2>/dev/null)"
echo "build:     ${BUILD:-build}"
status=0
for b in "$@"; do
	echo
	echo "== ${b##*/}"
	"$b" || { echo "${b##*/}: failed"; status=1; }
done
if [ -n "${DISCO:-}" ]; then
	echo
	echo "== disco figures --quick (wall time per reproduction, and their sum)"
	total=0
	f9=$(mktemp -d)
	for only in fig6,table2,table3 fig7,fig8 fig9 synthetic; do
		d=$(mktemp -d)
		keep=""; [ $only = fig9 ] && { d=$f9; keep=--keep-traces; }   # its traces for the replays below
		start=$(date +%s.%N)
		if "$DISCO" figures --quick --only $only $keep -o "$d" >/dev/null 2>&1; then
			end=$(date +%s.%N)
			t=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
			total=$(awk "BEGIN { printf \"%.1f\", $total + $t }")
			echo "  $only: $t s"
		else
			echo "  disco figures --only $only failed"; status=1
		fi
		[ $only = fig9 ] || rm -rf "$d"
	done
	echo "  the parts' sum: $total s"
	# one run, as make figures makes it: every part's jobs share the workers
	d=$(mktemp -d)
	start=$(date +%s.%N)
	if "$DISCO" figures --quick -o "$d" >/dev/null 2>&1; then
		end=$(date +%s.%N)
		echo "  everything in one run (make figures; jobs on every core, at most 8):" \
			"$(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
	else
		echo "  disco figures failed"; status=1
	fi
	rm -rf "$d"
	echo
	echo "== replay of Figure 9's traces (8 CPUs on 8 nodes, Disco, the quick scale), one thread and two"
	for w in engineering raytrace; do
		t="$f9/fig9-$w-disco.dtr"
		[ -f "$t" ] || { echo "  $w: no trace (figures failed?)"; status=1; continue; }
		for n in 1 2; do
			"$DISCO" replay "$t" --threads $n --format json >"$f9/r$n.json" 2>/dev/null ||
				{ echo "  $w: replay --threads $n failed"; status=1; continue; }
		done
		python3 -c 'import json, sys, os
a, b = (json.load(open(p)) for p in sys.argv[1:3])
same = all(a[k] == b[k] for k in a if k not in ("wall_seconds", "mrefs_per_second", "peak_rss_mb"))
print("  %-12s %6.1f M references/s on 1 thread, %6.1f on 2 (%.0f M references, %.0f MB, %.2f refs a record; %.2f s, %.2f s): %.2fx; same numbers: %s"
      % (sys.argv[3], a["mrefs_per_second"], b["mrefs_per_second"], a["references"] / 1e6,
         os.path.getsize(sys.argv[4]) / 1e6, a["references"] / a["records"], a["wall_seconds"], b["wall_seconds"],
         a["wall_seconds"] / b["wall_seconds"], "yes" if same else "NO"))' "$f9/r1.json" "$f9/r2.json" $w "$t" ||
			status=1
	done
	rm -rf "$f9"

	echo
	echo "== disco capture: one core (taskset -c 0) against two (the writer's thread on the second)"
	echo "  (pmake, quick scale; best wall time of 3 alternating runs each)"
	d=$(mktemp -d)
	if command -v taskset >/dev/null 2>&1; then
		for i in 1 2 3; do
			for c in 1 2; do
				pin=""; [ $c -eq 1 ] && pin="taskset -c 0"
				start=$(date +%s.%N)
				$pin "$DISCO" capture pmake --scale 0.1 -o "$d/c$c.dtr" --quiet || { echo "  capture failed"; status=1; }
				end=$(date +%s.%N)
				echo "$c $(awk "BEGIN { print $end - $start }")" >>"$d/times"
			done
		done
		awk '{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
		     END { printf "  1 core %.2f s, 2 cores %.2f s: %.2fx\n", best[1], best[2], best[1] / best[2] }' "$d/times"
		cmp -s "$d/c1.dtr" "$d/c2.dtr" && echo "  the same trace bytes: yes" || { echo "  the same trace bytes: NO"; status=1; }
	else
		echo "  skipped: taskset (util-linux) is not installed"
	fi
	rm -rf "$d"

	echo
	echo "== several VMs: replay of 8 pmake copies as 8 VMs against 1 VM of 8 vCPUs (disco, one thread)"
	d=$(mktemp -d)
	for vms in 1 8; do
		if "$DISCO" capture pmake -o "$d/v$vms.dtr" --cpus 8 --set machine.cpus=8 --scale 0.02 \
			--mode disco --hal disco --set capture.vms=$vms --set capture.os.boot=on \
			--set capture.os.disks=per-copy --set vm.disks.cow=0 --quiet &&
		   "$DISCO" replay "$d/v$vms.dtr" --threads 1 --format json >"$d/v$vms.json"; then
			python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print("  %s VM(s): %.1f M references/s, %.2f s, trace %.1f MB, peak memory %.0f MB" % (sys.argv[2],
      d["mrefs_per_second"], d["wall_seconds"], int(sys.argv[3]) / 1e6, d["peak_rss_mb"]))' "$d/v$vms.json" $vms $(stat -c %s "$d/v$vms.dtr")
		else
			echo "  $vms VMs failed"; status=1
		fi
	done
	rm -rf "$d"

	echo
	echo "== disco replay: one core against two (--threads 1 | 2), and peak memory by trace length"
	echo "  (under the monitor; best wall time of 3 alternating runs each: the synthetic program"
	echo "  on 4 vCPUs at two lengths, and two of the paper's workloads at the quick scale)"
	d=$(mktemp -d)
	for what in "synthetic 0.25" "synthetic 1" "pmake 0.1" "database 0.05"; do
		set -- $what
		if [ "$1" = synthetic ]; then
			cap="--cpus 4 --set machine.cpus=4"
		else
			cap=""
		fi
		if ! "$DISCO" capture "$1" -o "$d/t.dtr" $cap --scale "$2" --quiet; then
			echo "  capture failed"; status=1; continue
		fi
		for i in 1 2 3; do
			for t in 1 2; do
				"$DISCO" replay "$d/t.dtr" --mode disco --threads $t --format json >"$d/r$t.$i.json" ||
					{ echo "  replay --threads $t failed"; status=1; }
			done
		done
		python3 -c 'import json, sys
d, size, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {t: [json.load(open("%s/r%d.%d.json" % (d, t, i))) for i in (1, 2, 3)] for t in (1, 2)}
def counters(r):
    return {k: v for k, v in r.items() if k not in ("wall_seconds", "mrefs_per_second", "peak_rss_mb")}
same = all(counters(r) == counters(runs[1][0]) for t in (1, 2) for r in runs[t])
best = {t: min(runs[t], key=lambda r: r["wall_seconds"]) for t in (1, 2)}
print("  %s, trace %.1f MB, %.1f M records: 1 thread %.2f s (%.1f M references/s, peak %.0f MB), "
      "2 threads %.2f s (%.1f M references/s, peak %.0f MB): %.2fx; same numbers: %s" % (
      what, size / 1e6, best[1]["records"] / 1e6, best[1]["wall_seconds"], best[1]["mrefs_per_second"],
      best[1]["peak_rss_mb"], best[2]["wall_seconds"], best[2]["mrefs_per_second"], best[2]["peak_rss_mb"],
      best[1]["wall_seconds"] / best[2]["wall_seconds"], "yes" if same else "NO"))
sys.exit(0 if same else 1)' "$d" $(stat -c %s "$d/t.dtr") "$1 at $2" || status=1
	done
	echo "  load average after: $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)"
	rm -rf "$d"

	echo
	echo "== disco sweep: 16 points as 16 replays, and -j 1 against -j 2"
	d=$(mktemp -d)
	if "$DISCO" capture synthetic -o "$d/s.dtr" --cpus 2 --set machine.cpus=2 --scale 0.5 --quiet; then
		# the baseline the sweep is for: the same 16 points as 16 replays,
		# one after the other on one core
		load=$(cut -d" " -f1 /proc/loadavg 2>/dev/null)
		start=$(date +%s.%N)
		for l2 in 256K 512K 1M 2M; do
			for e in 16 32 48 64; do
				"$DISCO" replay "$d/s.dtr" --mode disco --set machine.l2.size=$l2 \
					--set machine.tlb.entries=$e --threads 1 --quiet || status=1
			done
		done
		end=$(date +%s.%N)
		sep=$(awk "BEGIN { print $end - $start }")
		echo "  16 replays: $(awk "BEGIN { printf \"%.2f\", $sep }") s wall (load average $load before)"
		for j in 1 2; do
			load=$(cut -d" " -f1 /proc/loadavg 2>/dev/null)
			start=$(date +%s.%N)
			if "$DISCO" sweep "$d/s.dtr" --mode disco --vary machine.l2.size=256K,512K,1M,2M \
				--vary machine.tlb.entries=16,32,48,64 -j $j -o "$d/j$j.h5" --quiet; then
				end=$(date +%s.%N)
				echo "  -j $j: $(awk "BEGIN { printf \"%.2f\", $end - $start }") s wall, $(awk "BEGIN { printf \"%.2f\", $sep / ($end - $start) }")x the 16 replays ($(nproc 2>/dev/null) cores online, load average $load before)"
			else
				echo "  disco sweep -j $j failed"; status=1
			fi
		done
	else
		echo "  capture failed"; status=1
	fi
	rm -rf "$d"

	echo
	sh "$(dirname "$0")/slurm.sh" || status=1
fi
exit $status

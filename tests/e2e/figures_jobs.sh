#!/bin/sh
# End-to-end: disco figures -j.  The captures and replays run in worker
# processes, and the numbers are the same to the last byte as one after
# another in one process: numbers.json of -j 1 and -j 2 compared (Table 2,
# Table 3 and the synthetic guest at a small scale; with DISCO_LONG=1
# Figure 9 too, whose replays wait for their captures).  A bad -j is a
# usage error that says what it wants.
. "$(dirname "$0")/lib.sh"
only=table2,table3,synthetic
scale=0.2
if [ "${DISCO_LONG:-}" = 1 ]; then
	only=$only,fig9
	scale=0.05
fi
run "figures -j 1" 0 "$DISCO" figures --quick --only $only --set capture.scale=$scale -j 1 -o "$T/j1"
hasnt "$T/err" "one job at a time: no workers" 'at once'
run "figures -j 2" 0 "$DISCO" figures --quick --only $only --set capture.scale=$scale --jobs 2 -o "$T/j2"
has "$T/err" "says how many run at once" '^figures: [0-9]+:[0-5][0-9] [0-9]+ captures and replays, 2 at once$'
has "$T/err" "each job's end names it" '^figures: [0-9]+:[0-5][0-9] Table 3, tlbmiss on the Origin200: done \([0-9]+ of [0-9]+\)$'
if cmp -s "$T/j1/numbers.json" "$T/j2/numbers.json"; then ok; else
	fail "numbers.json differs between -j 1 and -j 2"
	diff "$T/j1/numbers.json" "$T/j2/numbers.json" | head -n 10
fi
# the reports differ only in the line that gives the date
grep -v '^Made by ' "$T/j1/report.md" >"$T/r1"
grep -v '^Made by ' "$T/j2/report.md" >"$T/r2"
cmp -s "$T/r1" "$T/r2" && ok || fail "report.md differs between -j 1 and -j 2"
[ -s "$T/j2/pmake-irix62-disco.h5" ] && [ -s "$T/j2/synthetic-numa.h5" ] && ok ||
	fail "-j 2 wrote no HDF5 results"
[ -z "$(ls "$T/j2" | grep '\.dtr$')" ] && ok || fail "-j 2 left traces behind"
# a job that fails in its worker: the run stops, the error names the job
run "figures -j 2, a job fails" 2 "$DISCO" figures --quick --only table2 --set capture.scale=$scale \
	--set policy.l2tlb.entries=3000 -j 2 -o "$T/jf"
has "$T/err" "the error names the job" '^disco figures: Table 2, pmake on IRIX [56].[23]: policy.l2tlb.entries'
for bad in 0 -1 65 x 2x ''; do
	run "figures -j '$bad'" 2 "$DISCO" figures --only synthetic -j "$bad" -o "$T/bad"
	has "$T/err" "-j '$bad' says what it wants" "^disco figures: -j: '$bad' is not a whole number from 1 to 64$"
done
[ ! -e "$T/bad" ] && ok || fail "a bad -j still ran"
finish

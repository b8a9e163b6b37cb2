#!/bin/sh
# End-to-end: writes that fail for lack of space (RLIMIT_FSIZE through
# ulimit -f: write() fails with EFBIG as on a full disk; disco ignores
# SIGXFSZ itself) in capture, replay, asm and sweep.  Each must exit 1 with
# one line naming the file and the cause, leave the previous output as it
# was and no temporary file behind, and never die from a signal.
. "$(dirname "$0")/lib.sh"

"$DISCO" capture synthetic --set capture.synth.refs=3000 --set trace.chunk_size=4K --cpus 2 \
	--set machine.cpus=2 -o "$T/s.dtr" --quiet || { echo "FAIL: capture"; exit 1; }
"$DISCO" dump "$T/s.dtr" > "$T/s.txt"
ncase=0 nclean=0

# full NAME BLOCKS OUTPUT CMD...: run CMD with files limited to BLOCKS KiB;
# OUTPUT must be unchanged (compared with a copy made before).
full() {
	name=$1 blocks=$2 output=$3; shift 3
	ncase=$((ncase + 1))
	cp "$output" "$T/before"
	(ulimit -f "$blocks"; exec "$@") >/dev/null 2>"$T/err"
	rc=$?
	good=1
	if [ $rc -ne 1 ]; then fail "$name: exit $rc, expected 1"; good=0; fi
	if ! grep -q "File too large" "$T/err" || [ "$(wc -l < "$T/err")" -ne 1 ]; then
		fail "$name: not one line naming the cause"; sed 's/^/    /' "$T/err" | head -n 3; good=0; fi
	if ! cmp -s "$output" "$T/before"; then fail "$name: $(basename "$output") changed"; good=0; fi
	if ls "$output".tmp-* >/dev/null 2>&1; then fail "$name: temporary file left"; good=0; fi
	[ $good -eq 1 ] && { ok; nclean=$((nclean + 1)); }
}

cp "$T/s.dtr" "$T/old.dtr"
for b in 1 4 16 40; do
	full "capture ulimit -f $b" $b "$T/old.dtr" "$DISCO" capture synthetic --set capture.synth.refs=6000 \
		--set trace.chunk_size=4K --cpus 2 --set machine.cpus=2 -o "$T/old.dtr" --quiet
	full "asm ulimit -f $b" $b "$T/old.dtr" "$DISCO" asm "$T/s.txt" -o "$T/old.dtr"
done
"$DISCO" replay "$T/s.dtr" --quiet -o "$T/r.h5" --set machine.tlb.entries=32
for b in 1 4 8 16 24; do
	full "replay ulimit -f $b" $b "$T/r.h5" "$DISCO" replay "$T/s.dtr" --quiet -o "$T/r.h5"
	full "capture --results ulimit -f $b" $b "$T/r.h5" "$DISCO" capture synthetic \
		--set capture.synth.refs=300 --cpus 2 --set machine.cpus=2 -o "$T/c.dtr" --results "$T/r.h5" --quiet
done

"$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 -o "$T/sw.h5" --quiet
kb=$(( $(wc -c < "$T/sw.h5") / 1024 ))
for b in 1 $kb $((kb + 1)); do
	full "sweep ulimit -f $b" $b "$T/sw.h5" "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32,48,64,80 \
		-j 2 --batch 1 -o "$T/sw.h5" --quiet
done
# Room for some points but not all: the points written are kept, the ones
# before too, and the table stays readable.
ncase=$((ncase + 1))
(ulimit -f $((kb * 2 + 40)); exec "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32,48,64,80,96,112,128 \
	-j 1 --batch 1 -o "$T/sw.h5" --quiet) >/dev/null 2>"$T/err"
rc=$?
run "sweep, room for some points: exit" 1 sh -c "exit $rc"
run "sweep, room for some points: table" 0 "$DISCO" results "$T/sw.h5" --table
has "$T/out" "sweep table kept" '^p.* 16 '
has "$T/out" "sweep table kept" '^p.* 32 '
run "sweep rerun without the limit" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32,48,64,80,96,112,128 \
	-o "$T/sw.h5"
has "$T/out" "sweep rerun" 'table: 8 rows'
[ $rc -eq 1 ] && nclean=$((nclean + 1))
echo "diskfull: $ncase cases, $nclean ended cleanly"
finish

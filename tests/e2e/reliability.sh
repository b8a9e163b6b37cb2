#!/bin/sh
# End-to-end, the findings of the reliability review (F-numbers): outputs
# never replace what they should not (devices, FIFOs, their own input), go
# through symbolic links, and fail loudly (stdout included); FIFOs are
# refused as inputs; repair leaves a live or damaged file alone; hostile
# traces and names do not crash or reach the terminal raw; sweeps refuse
# duplicate points, a second writer and job lines that a path could break.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build folder}"
MUT=$BUILD/tests/traces/tool_mutate

"$DISCO" capture synthetic --set capture.synth.refs=1500 --set trace.chunk_size=4K --cpus 2 \
	--set machine.cpus=2 -o "$T/s.dtr" --quiet || { echo "FAIL: capture"; exit 1; }
"$DISCO" replay "$T/s.dtr" --quiet -o "$T/r.h5"
"$DISCO" dump "$T/s.dtr" > "$T/s.txt"

# F4: the output is the input
cp "$T/s.dtr" "$T/v.dtr"
run "replay -o its own trace" 2 "$DISCO" replay "$T/v.dtr" --quiet -o "$T/v.dtr"
has "$T/err" "replay -o its own trace" 'is the input file'
run "the trace is intact" 0 cmp "$T/s.dtr" "$T/v.dtr"
ln -s v.dtr "$T/vlink.dtr"
run "replay -o a link to its trace" 2 "$DISCO" replay "$T/vlink.dtr" --quiet -o "$T/v.dtr"
run "asm -o its own text" 2 "$DISCO" asm "$T/s.txt" -o "$T/s.txt"
run "sweep -o its trace" 2 "$DISCO" sweep "$T/v.dtr" --vary machine.tlb.entries=16 -o "$T/v.dtr"
run "the trace is still intact" 0 cmp "$T/s.dtr" "$T/v.dtr"
run "plot -o its results" 2 "$DISCO" plot "$T/r.h5" -o "$T/r.h5"
run "capture -o and --results the same" 2 "$DISCO" capture synthetic -o "$T/x.dtr" --results "$T/x.dtr" --quiet
# F4: a file of the other kind is not replaced
cp "$T/r.h5" "$T/keep.h5"
run "capture -o a results file" 2 "$DISCO" capture synthetic --set capture.synth.refs=300 -o "$T/keep.h5" --quiet
has "$T/err" "capture -o a results file" 'refusing to replace it with a trace'
run "replay -o a trace" 2 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/v.dtr"
has "$T/err" "replay -o a trace" 'refusing to replace it with results'
run "both intact" 0 sh -c "cmp '$T/r.h5' '$T/keep.h5' && cmp '$T/s.dtr' '$T/v.dtr'"
# F4: a symbolic link is written through
mkdir "$T/real"
cp "$T/r.h5" "$T/real/t.h5"
ln -s real/t.h5 "$T/link.h5"
run "replay -o a symlink" 0 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/link.h5" --set machine.tlb.entries=16
run "still a symlink" 0 test -L "$T/link.h5"
run "its target replaced" 1 cmp -s "$T/r.h5" "$T/real/t.h5"
run "its target is results" 0 "$DISCO" results "$T/link.h5" --format csv
# F4: a FIFO (or a folder) is never replaced; a device is written in place
mkfifo "$T/fifo.h5"
run "replay -o a FIFO" 2 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/fifo.h5"
has "$T/err" "replay -o a FIFO" 'a FIFO; refusing to replace it'
run "still a FIFO" 0 test -p "$T/fifo.h5"
run "capture -o a folder" 2 "$DISCO" capture synthetic -o "$T/real" --quiet
if mknod "$T/mynull" c 1 3 2>/dev/null; then
	run "replay -o a device" 0 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/mynull"
	run "still a device" 0 test -c "$T/mynull"
	run "capture --results a device" 0 "$DISCO" capture synthetic --set capture.synth.refs=300 \
		-o "$T/c.dtr" --results "$T/mynull" --quiet
	run "still a device, again" 0 test -c "$T/mynull"
fi
# F10: asm that fails leaves the old output alone
cp "$T/s.dtr" "$T/out.dtr"
cp "$T/s.txt" "$T/bad.txt"
echo "insn 0x400000 0 user" >> "$T/bad.txt"
run "asm a bad line" 2 "$DISCO" asm "$T/bad.txt" -o "$T/out.dtr"
run "asm's old output intact" 0 cmp "$T/s.dtr" "$T/out.dtr"
# F13: standard output that cannot be written is an error
if [ -c /dev/full ]; then
	for c in "replay $T/s.dtr" "inspect $T/s.dtr" "params" "dump $T/s.dtr"; do
		run "$c > /dev/full" 1 sh -c "\"$DISCO\" $c > /dev/full"
	done
	has "$T/err" "stdout full" 'No space left on device'
fi
# F9: FIFOs are refused as traces and configuration files, without waiting
mkfifo "$T/f.dtr" "$T/f.conf"
for c in inspect dump replay; do
	run "$c a FIFO" 2 timeout 20 "$DISCO" $c "$T/f.dtr"
	has "$T/err" "$c a FIFO" 'not a regular file'
done
run "--config a FIFO" 2 timeout 20 "$DISCO" replay "$T/s.dtr" --config "$T/f.conf"
run "--config a folder" 2 "$DISCO" replay "$T/s.dtr" --config "$T/real"
# F2: repair does not touch a file its writer still holds
set -- $("$MUT" "$T/s.dtr" info)
size=$1 hlen=$2
"$MUT" "$T/s.dtr" "$T/live.dtr" trunc $((size - 1))
cp "$T/live.dtr" "$T/live0.dtr"
sh -c 'exec 9>>"$1"; flock 9; exec sleep 5' sh "$T/live.dtr" &
lpid=$!
sleep 0.3
run "repair a file being written" 2 "$DISCO" inspect --repair "$T/live.dtr"
has "$T/err" "repair a file being written" 'writer is still running'
run "the live file untouched" 0 cmp "$T/live.dtr" "$T/live0.dtr"
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null
run "repair once it stopped" 0 "$DISCO" inspect --repair "$T/live.dtr"
# F12: repair refuses a file whose chunk data is damaged, and leaves it as it was
"$MUT" "$T/live0.dtr" "$T/kc.dtr" flip $((hlen + 56 + 20)) 0
cp "$T/kc.dtr" "$T/kc0.dtr"
run "repair damaged chunk data" 2 "$DISCO" inspect --repair "$T/kc.dtr"
hasnt "$T/out" "repair damaged chunk data" 'repaired'
has "$T/err" "repair damaged chunk data" 'not repaired, the file is unchanged'
run "the damaged file unchanged" 0 cmp "$T/kc.dtr" "$T/kc0.dtr"
# F16: no octal
run "leading zero" 0 "$DISCO" params --set machine.tlb.entries=064 --set machine.cpus=010 machine
has "$T/out" "064 is 64" '^machine\.tlb\.entries +64 '
has "$T/out" "010 is 10" '^machine\.cpus +10 '
# F19: control characters from files are escaped in messages
esc=$(printf 'x\033]0;T\007.dtr')
run "a name with escapes" 2 "$DISCO" inspect "$T/$esc"
has "$T/err" "escaped" 'x\\x1b\]0;T\\x07\.dtr'
run "no raw escape" 1 grep -q "$(printf '\033')" "$T/err"
# F3: services nested deeper than the engine's stack are refused, not a crash
for depth in 8 9 23; do
	{ echo ".streams 1"; echo "pte.set asid=1 vpn=0xffff ppn=0x20 prot=valid,write"; echo "asid 1"
	  echo "insn 0xffff000 4 user"
	  i=0; while [ $i -lt $depth ]; do echo "svc.begin read"; i=$((i + 1)); done
	  echo "insn 0xffff010 100 user"; } > "$T/deep.txt"
	run "asm $depth nested services" 0 "$DISCO" asm "$T/deep.txt" -o "$T/deep.dtr"
	if [ $depth -le 8 ]; then want=0; else want=2; fi
	run "replay $depth nested services" $want "$DISCO" replay "$T/deep.dtr" --quiet
	run "replay --mode disco, $depth nested services" $want "$DISCO" replay "$T/deep.dtr" --quiet --mode disco
	run "inspect $depth nested services" $want "$DISCO" inspect "$T/deep.dtr"
done
has "$T/err" "nesting refused" 'services nest more than 8 deep'
# F8: many shorthand capture options
run "many capture options" 0 "$DISCO" capture synthetic --set capture.synth.refs=300 -o "$T/m.dtr" --quiet \
	--seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --seed 1 --os irix53
# F17, F18: a parameter varied twice, duplicate points: refused before any work
run "--vary twice" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16 --vary machine.tlb.entries=32 -o "$T/d.h5"
has "$T/err" "--vary twice" 'given twice'
run "a value twice" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,16 -o "$T/d.h5"
run "1M and 1024K" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.l2.size=1M,1024K -o "$T/d.h5"
has "$T/err" "1M and 1024K" 'same configuration'
run "a trace twice" 2 "$DISCO" sweep "$T/s.dtr" "$T/v.dtr" --vary machine.tlb.entries=16,32 -o "$T/d.h5"
has "$T/err" "a trace twice" 'same contents'
run "--vary the seed with --seeds" 2 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.seed=1,2 --seeds 2 -o "$T/d.h5"
run "nothing written" 1 test -e "$T/d.h5"
# F20: a second sweep on one file fails at once, naming the holder
"$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16:128:8 -j 1 --batch 1 -o "$T/c.h5" --quiet &
spid=$!
i=0
while [ ! -e "$T/c.h5.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
run "a second sweep" 1 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 -o "$T/c.h5"
has "$T/err" "a second sweep" "in use by another disco process \\(pid $spid"
run "the first sweep" 0 wait "$spid"
run "its table" 0 "$DISCO" results "$T/c.h5" --table
run "the lock is gone" 1 test -e "$T/c.h5.lock"
# a sweep killed before it lets go of its lock (kill -9, or a signal before
# its handlers are set) leaves SWEEP.h5.lock behind: the next sweep takes
# it over and says so
"$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16:128:8 -j 1 --batch 1 -o "$T/k.h5" --quiet &
kpid=$!
i=0
while [ ! -s "$T/k.h5.lock" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
run "a killed sweep left its lock file" 0 test -e "$T/k.h5.lock"
# its workers end with it (SIGTERM): wait until none holds the lock
i=0
while ! flock -n "$T/k.h5.lock" true && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
run "a sweep after a killed one" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 -o "$T/k.h5" --quiet
has "$T/err" "a sweep after a killed one" "k\.h5\.lock was left by process $kpid, which ended without releasing it"
run "the stale lock is gone" 1 test -e "$T/k.h5.lock"
run "a sweep with no stale lock" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,48 -o "$T/k.h5" --quiet
hasnt "$T/err" "a sweep with no stale lock" "left by process"
# the lock file names an ended process but another holds the lock (one the
# ended process started): refused, saying so
echo "$kpid" > "$T/h.h5.lock"
sh -c 'exec 9>>"$1"; flock 9; exec sleep 5' sh "$T/h.h5.lock" &
hpid=$!
i=0
while flock -n "$T/h.h5.lock" true && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
run "a lock held after its process ended" 1 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 -o "$T/h.h5"
has "$T/err" "a lock held after its process ended" "names process $kpid, which has ended, but a process it started still holds the lock"
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
# jobs in a folder whose name looks like a pattern are merged
run "--emit-jobs into jobs[1]" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 --emit-jobs "$T/jobs[1]"
run "run the jobs" 0 sh -c "while IFS= read -r l; do sh -c \"\$l\" || exit 1; done < '$T/jobs[1]/jobs.txt'"
run "merge jobs[1]" 0 "$DISCO" sweep --merge "$T/jobs[1]" -o "$T/merged.h5"
has "$T/out" "merge jobs[1]" '2 runs added'
# a merge with a damaged point file adds nothing
run "more jobs" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=48,64 --emit-jobs "$T/j2"
run "run them" 0 sh -c "while IFS= read -r l; do sh -c \"\$l\" || exit 1; done < '$T/j2/jobs.txt'"
set -- "$T"/j2/points/*.h5
head -c 100 "$1" > "$T/cut" && mv "$T/cut" "$1"
cp "$T/merged.h5" "$T/merged0.h5"
run "merge a damaged point file" 2 "$DISCO" sweep --merge "$T/j2" -o "$T/merged.h5"
run "nothing merged" 0 cmp "$T/merged.h5" "$T/merged0.h5"
# F6: a line break in a path cannot split a job line
nl="$T/x
touch PWNED
y.dtr"
cp "$T/s.dtr" "$nl"
run "--emit-jobs, newline in a trace path" 2 "$DISCO" sweep "$nl" --vary machine.tlb.entries=16 --emit-jobs "$T/jobs"
has "$T/err" "newline refused" 'line break'
run "no jobs written" 1 test -e "$T/jobs/jobs.txt"
finish

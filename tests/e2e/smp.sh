#!/bin/sh
# End-to-end: the IRIX guest as one kernel shared by its vCPUs
# (capture.os.kernel = smp): processes move between vCPUs in order, locks
# carry their lock words, and the records replay exactly.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# The text form keeps a lock word; a word of 0 is refused.
cat >"$T/lk.txt" <<'TXT'
.streams 1
.page_size 4096
.stream 0
lock.acq 3 word=0x80001180
lock.rel 3 word=0x80001180
lock.acq 4
lock.rel 4
TXT
run "asm lock words" 0 "$DISCO" asm "$T/lk.txt" -o "$T/lk.dtr"
run "dump lock words" 0 "$DISCO" dump "$T/lk.dtr"
has "$T/out" "the word comes back" '^lock.acq 3 word=0x80001180$'
has "$T/out" "no word, none printed" '^lock.rel 4$'
sed 's/word=0x80001180/word=0/' "$T/lk.txt" >"$T/lk0.txt"
run "a lock word of 0" 2 "$DISCO" asm "$T/lk0.txt" -o "$T/lk0.dtr"
has "$T/err" "says why" "word=0"

smp() {
	"$DISCO" capture pmake -o "$1" --cpus 4 --set machine.cpus=4 --scale 0.02 \
		--set capture.os.kernel=smp --set capture.wl.parallel=3 --format json
}
run "capture smp" 0 smp "$T/s.dtr"
cp "$T/out" "$T/sc.json"
run "capture smp again" 0 smp "$T/s2.dtr"
run "same seed, same bytes" 0 cmp "$T/s.dtr" "$T/s2.dtr"
run "replay smp" 0 "$DISCO" replay "$T/s.dtr" --format json
cp "$T/out" "$T/sr.json"
run "capture == replay, nothing left waiting" 0 "$PY" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("wall_seconds"); d.pop("mrefs_per_second"); d.pop("peak_rss_mb")
assert a == b, [k for k in a if a[k] != b.get(k)]
assert not a.get("warning"), a["warning"]
sync = sum(c["cycles"]["kernel_sync"] for c in a["cpus"])
comm = sum(c["stall_comm"]["kernel_sync"] for c in a["cpus"])
assert a["lock_acquires"] > 0 and sync > 0 and comm > 0, (a["lock_acquires"], sync, comm)
' "$T/sc.json" "$T/sr.json"

# Processes move (three per vCPU, so that some vCPU runs out of its own):
# some address space runs on two vCPUs; each hand-over of a slot is a
# semaphore of its own (ids 2^31 | slot << 20 | the hand-over's number),
# signalled by the leave and the wake-up, then waited three times and
# signalled once by the vCPU that takes it, in one stream; the slot's
# hand-overs are taken in order, all but perhaps its last (the last exit).
run "dump smp" 0 "$DISCO" dump "$T/s.dtr"
mv "$T/out" "$T/dump.txt"
run "processes move, hand-overs balance" 0 "$PY" -c '
import sys, collections
where = collections.defaultdict(set)
waits, signals = collections.Counter(), collections.Counter()
takers = collections.defaultdict(set)
stream = None
for line in open(sys.argv[1]):
    w = line.split()
    if not w:
        continue
    if w[0] == ".stream":
        stream = int(w[1])
    elif w[0] == "asid" and int(w[1]) > 1:
        where[int(w[1])].add(stream)
    elif w[0] in ("sem.wait", "sem.signal"):
        i = int(w[1])
        assert not (300 <= i < 400 or 600 <= i < 700), "a slot count of before: %d" % i
        if i >= 1 << 31:
            if w[0] == "sem.wait":
                waits[i] += 1
                takers[i].add(stream)
            else:
                signals[i] += 1
moved = [a for a in where if len(where[a]) > 1]
assert moved, "no process ran on two vCPUs"
slots = collections.defaultdict(list)
for i in set(waits) | set(signals):
    slots[i >> 20 & 0x7ff].append(i & 0xfffff)
for slot, hs in slots.items():
    hs.sort()
    assert hs == list(range(len(hs))), (slot, hs)
    for h in hs:
        i = 1 << 31 | slot << 20 | h
        if h + 1 < len(hs) or waits[i]:
            assert waits[i] == 3 and signals[i] == 3 and len(takers[i]) == 1, (slot, h, waits[i], signals[i])
        else:
            assert signals[i] == 2, (slot, h, signals[i])
assert sum(waits.values()) > 0
' "$T/dump.txt"
has "$T/dump.txt" "lock records carry their words" '^lock.acq 1 word=0x'

# A QUICK-FAULT on a shared region's page holds the region's lock (a
# semaphore, ids 400..) over the fault and memlock over the page-cache
# lookup inside it.  The vCPUs fault the same text: a process that finds
# the lock held sleeps (a short QUICK-FAULT with neither lock) and its vCPU
# switches to another process at once (a SCHED service or the idle loop
# next, perhaps after an interrupt that was due; or, woken meanwhile, the
# same process taken back from the run queue), as IRIX does.
run "region locks around QUICK-FAULT, sleepers switch" 0 "$PY" -c '
import sys
inqf, region, after = 0, 0, None
held = sleeps = switched = 0
for line in open(sys.argv[1]):
    w = line.split()
    if not w:
        continue
    if w[0] == ".stream":
        inqf, region, after = 0, 0, None
        continue
    if after is not None and w[0] == "svc.begin" and w[1] in ("CLOCK-INTR", "DISK-INTR"):
        pass   # an interrupt that was due is taken first
    elif after is not None and w[0] == "sem.wait" and int(w[1]) >= 1 << 31:
        switched += 1   # the run queue gave it a process, perhaps the woken sleeper again
        after = None
    elif after is not None and w[0] in ("svc.begin", "idle.begin", "insn"):
        if w[0] == "idle.begin" or (w[0] == "svc.begin" and w[1] == "SCHED"):
            switched += 1
        elif w[0] == "insn" and "kernel" not in w:
            assert 0, "a process that slept went on running user code"
        if w[0] != "insn":
            after = None
    if w[0] == "svc.begin" and w[1] == "QUICK-FAULT":
        inqf, region, locked = 1, 0, 0
    elif inqf and w[0] == "sem.wait" and 400 <= int(w[1]) < 500:
        region = int(w[1])
    elif inqf and w[0] == "lock.acq" and w[1] == "1":
        assert region > 0, "memlock taken outside the region lock"
        locked = 1
    elif inqf and w[0] == "sem.signal" and int(w[1]) == region:
        region = -1
    elif w[0] == "svc.end" and w[1] == "QUICK-FAULT":
        if region == -1:
            assert locked, "a fault under the region lock without the page-cache lookup"
            held += 1
        else:
            assert region == 0 and not locked, "a QUICK-FAULT ended holding its region lock"
            sleeps += 1
            after = 1
        inqf = 0
assert held > 0 and sleeps > 0 and switched == sleeps, (held, sleeps, switched)
' "$T/dump.txt"

# capture.wl.start_cpus: only the first vCPUs fork jobs; on an smp kernel
# the others run them from the shared run queue.
run "capture start_cpus=2" 0 "$DISCO" capture pmake -o "$T/st.dtr" --cpus 4 --set machine.cpus=4 \
	--scale 0.02 --set capture.os.kernel=smp --set capture.wl.start_cpus=2 --quiet
run "dump start_cpus=2" 0 "$DISCO" dump "$T/st.dtr"
mv "$T/out" "$T/st.txt"
run "two vCPUs fork, four run the jobs" 0 "$PY" -c '
import sys, collections
forks, runs = collections.Counter(), set()
stream = None
for line in open(sys.argv[1]):
    w = line.split()
    if not w:
        continue
    if w[0] == ".stream":
        stream = int(w[1])
    elif w[0] == "svc.begin" and w[1] == "fork":
        forks[stream] += 1
    elif w[0] == "asid" and int(w[1]) > 1:
        runs.add(stream)
assert set(forks) == {0, 1}, forks
assert runs == {0, 1, 2, 3}, runs
' "$T/st.txt"

# capture.scaled_jobs: a scaled run's work as more, shorter jobs (each an
# even sample of a whole one): twice the execs, about the same instructions
# and page faults.
for j in 0 4; do
	run "capture scaled_jobs=$j" 0 "$DISCO" capture pmake -o "$T/j$j.dtr" --scale 0.05 \
		--set capture.scaled_jobs=$j --format json
	cp "$T/out" "$T/j$j.json"
done
run "more, shorter jobs, the same work" 0 "$PY" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def svc(d, n):
    return next(s["count"] for s in d["services"] if s["name"] == n)
assert svc(a, "execve") == 2 and svc(b, "execve") == 4, (svc(a, "execve"), svc(b, "execve"))
assert abs(b["instructions"] / a["instructions"] - 1) < 0.05, (a["instructions"], b["instructions"])
assert abs(svc(b, "DEMAND-ZERO") / svc(a, "DEMAND-ZERO") - 1) < 0.15
' "$T/j0.json" "$T/j4.json"
run "scaled_jobs out of range" 2 "$DISCO" capture pmake -o "$T/jx.dtr" --set capture.scaled_jobs=-1
has "$T/err" "names the parameter" 'capture.scaled_jobs'

# The per-CPU kernel (the default) carries no words.
run "capture per-cpu" 0 "$DISCO" capture pmake -o "$T/p.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.02 --quiet
run "dump per-cpu" 0 "$DISCO" dump "$T/p.dtr" --limit 20000
hasnt "$T/out" "no lock words" 'word='
finish

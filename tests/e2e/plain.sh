#!/bin/sh
# End-to-end: the plain cache-hierarchy mode (--config plain, replay mode
# `plain`, machine/plain.c).  A hand-written trace against counts worked out
# by hand, and an imported din trace against a small cache simulator written
# here, every counter equal.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# 1. By hand.  Direct-mapped L1s of 32 lines of 32 bytes (set = addr >> 5 &
# 31), a direct-mapped L2 of 256 lines of 64 bytes (set = addr >> 6 & 255):
# 0x10000, 0x10400, 0x10800 and 0x14000 share L1 D set 0; 0x10000 and
# 0x14000 share L2 set 0.
cat >"$T/hand.txt" <<'EOF'
pte.set asid=1 vpn=0x4 ppn=0x4 prot=valid
pte.set asid=1 vpn=0x10 ppn=0x10 prot=valid,write
pte.set asid=1 vpn=0x14 ppn=0x14 prot=valid,write
asid 1
# 16 fetches over two L1 I lines of one L2 line: 2 L1 misses, 1 L2 miss
insn 0x4000 16
# read miss (L2 read miss), read hit, write hit (0x10000 dirty)
load 0x10000 4
load 0x10004 4
store 0x10008 4
# write miss: fetch 0x10400 (L2 read miss), then write 0x10000 back (L2 write hit)
store 0x10400 4
# read miss: fetch 0x14000 (L2 read miss, the L2 writes dirty 0x10000 back),
# then write 0x10400 back (L2 write hit)
load 0x14000 4
# write miss, clean victim: fetch 0x10800 (L2 read miss)
store 0x10800 4
EOF
run "asm" 0 "$DISCO" asm "$T/hand.txt" -o "$T/hand.dtr"
SMALL="--set machine.cpus=1 --set machine.l1i.size=1K --set machine.l1i.ways=1 \
--set machine.l1d.size=1K --set machine.l1d.ways=1 --set machine.l2.size=16K --set machine.l2.ways=1 \
--set machine.l2.line=64 --set machine.l1i.line=32 --set machine.l1d.line=32"
# shellcheck disable=SC2086
run "replay plain" 0 "$DISCO" replay "$T/hand.dtr" --config plain $SMALL --format json
cp "$T/out" "$T/hand.json"
# shellcheck disable=SC2086
run "replay plain, flushed" 0 "$DISCO" replay "$T/hand.dtr" --config plain $SMALL \
	--set plain.flush=true --format json
cp "$T/out" "$T/flush.json"
# without the flush: L1 D write-backs 0x10000, 0x10400; L2 write-back 0x10000.
# The flush then writes dirty 0x10800 back from the L1 D (an L2 write hit),
# and dirty 0x10400 and 0x10800 from the L2.
run "hand-computed counts" 0 "$PY" - "$T/hand.json" "$T/flush.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
want = {
    "mode": "plain", "instructions": 16, "loads": 3, "stores": 3, "tlb_misses": 0,
    "l1i_fetches": 16, "l1i_fetch_misses": 2, "l1i_reads": 0, "l1i_writes": 0,
    "l1i_writebacks": 0, "l1i_bytes_from_mem": 64, "l1i_bytes_to_mem": 0,
    "l1d_fetches": 0, "l1d_reads": 3, "l1d_read_misses": 2, "l1d_writes": 3,
    "l1d_write_misses": 2, "l1d_writebacks": 2, "l1d_bytes_from_mem": 128,
    "l1d_bytes_to_mem": 64,
    "l2_fetches": 2, "l2_fetch_misses": 1, "l2_reads": 4, "l2_read_misses": 4,
    "l2_writes": 2, "l2_write_misses": 0, "l2_writebacks": 1,
    "l2_bytes_from_mem": 320, "l2_bytes_to_mem": 64,
}
bad = ["%s: %s, want %s" % (k, a.get(k), v) for k, v in want.items() if a.get(k) != v]
flushed = dict(want, l1d_writebacks=3, l1d_bytes_to_mem=96, l2_writes=3, l2_writebacks=3,
               l2_bytes_to_mem=192)
bad += ["flush %s: %s, want %s" % (k, b.get(k), v) for k, v in flushed.items() if b.get(k) != v]
# stall: 5 blocks from memory at 300 ns, one L2 hit at 25 ns, 400 MHz
if a["stall"]["local"] != 5 * 120 + 10:
    bad.append("stall %s" % a["stall"])
assert not bad, "; ".join(bad)
PY
run "--mode plain is the same" 0 "$DISCO" replay "$T/hand.dtr" --mode plain --set machine.cpus=1 \
	--format json
has "$T/out" "mode plain" '"mode": "plain"'
run "params plain" 0 "$DISCO" params plain
has "$T/out" "plain.din listed" 'plain\.din'
has "$T/out" "plain.flush listed" 'plain\.flush'
run "a reference without a PTE" 2 sh -c "printf 'load 0x9000 4\n' > '$T/bad.txt' &&
	'$DISCO' asm '$T/bad.txt' -o '$T/bad.dtr' && '$DISCO' replay '$T/bad.dtr' --config plain"
has "$T/err" "names the page" 'virtual page 0x9 .*no page-table entry'

# A guest's trace: a capture in the plain mode, then its replay, give the
# same numbers; every instruction is an L1 I fetch, no TLB refill is taken.
run "capture plain" 0 "$DISCO" capture synthetic -o "$T/syn.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.01 --mode plain --format json
cp "$T/out" "$T/cap.json"
run "replay it" 0 "$DISCO" replay "$T/syn.dtr" --format json
cp "$T/out" "$T/rep.json"
run "capture == replay, plain" 0 "$PY" - "$T/cap.json" "$T/rep.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("wall_seconds"); d.pop("mrefs_per_second"); d.pop("peak_rss_mb")
assert a == b, [k for k in a if a[k] != b.get(k)]
assert a["mode"] == "plain" and a["tlb_misses"] == 0 and a["l2_read_misses"] > 0
assert a["l1i_fetches"] == a["instructions"], (a["l1i_fetches"], a["instructions"])
PY

# 2. Against a reference.  A din trace with awkward strides, conflicts in
# every cache, writes, unaligned references (none crossing an L1 D line, so
# the importer splits none) and runs of fetches; imported and replayed under
# Dinero's din semantics with a final flush; the simulator below reads the
# din file itself.  (Without plain.din, an unaligned fetch near a line's end
# would touch two L1 I lines.)  The L2's way (32K) spans 8 pages: the import keeps each
# page's colour, so the physically indexed L2 sees the din addresses' sets.
CACHES="--set machine.l1i.size=2K --set machine.l1i.ways=2 --set machine.l1i.line=32 \
--set machine.l1d.size=4K --set machine.l1d.ways=4 --set machine.l1d.line=32 \
--set machine.l2.size=64K --set machine.l2.ways=2 --set machine.l2.line=64"
# About 210K references; make check-long (DISCO_LONG=1) about 3.5 million.
STEPS=60000
[ "${DISCO_LONG:-}" = 1 ] && STEPS=1000000
"$PY" - "$T/ref.din" "$STEPS" <<'PY'
import random, sys
r = random.Random(13)
out = []
pc = 0x400000
for i in range(int(sys.argv[2])):
    # a few sequential fetches, sometimes a jump into one of a few far-apart functions
    if r.random() < 0.1:
        pc = 0x400000 + r.choice([0, 0x800, 0x10000, 0x10800, 0x24000]) + 4 * r.randrange(64) \
             + 2 * r.randrange(2)    # half of them unaligned: din rounds them down
    for k in range(r.randrange(1, 5)):
        out.append("2 %x" % pc)
        pc += 4
    x = r.random()
    if x < 0.3:      # a stride of 4160 bytes over 1 MB: conflicts in every cache
        a = 0x10000000 + (i * 4160) % (1 << 20)
    elif x < 0.5:    # a small hot array
        a = 0x20000000 + 8 * r.randrange(512)
    elif x < 0.65:   # 16 addresses 64K apart: one L2 set
        a = 0x30000000 + 0x10000 * r.randrange(16) + 4 * r.randrange(8)
    elif x < 0.8:    # unaligned, within a line
        a = 0x40000000 + 32 * r.randrange(4096) + r.randrange(29)
    else:            # random over 4 MB
        a = 0x50000000 + 4 * r.randrange(1 << 20)
    out.append("%d %x" % (1 if r.random() < 0.35 else 0, a))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
# shellcheck disable=SC2086
run "import the din trace" 0 "$DISCO" import din "$T/ref.din" -o "$T/ref.dtr" $CACHES
# shellcheck disable=SC2086
run "replay it plain" 0 "$DISCO" replay "$T/ref.dtr" --config plain $CACHES --set plain.din=true \
	--set plain.flush=true --format json
cp "$T/out" "$T/ref.json"
run "every counter as the reference computes it" 0 "$PY" - "$T/ref.din" "$T/ref.json" <<'PY'
import json, sys

class Cache:
    """Write-back, write-allocate, LRU; below is the next level or None (memory).
    Each set is a list of ways, [block, last use, dirty] or None: a miss takes
    the first empty way, else the least recently used one."""
    def __init__(self, size, ways, line, below):
        self.nsets, self.line, self.below = size // (ways * line), line, below
        self.sets = [[None] * ways for _ in range(self.nsets)]
        self.clock = 0
        self.n = {k: 0 for k in ("fetches", "fetch_misses", "reads", "read_misses", "writes",
                                 "write_misses", "writebacks", "bytes_from_mem", "bytes_to_mem")}

    def access(self, addr, size, kind):      # kind: fetch, read, write; within one block
        b = addr // self.line
        ways = self.sets[b % self.nsets]
        self.clock += 1
        self.n[{"fetch": "fetches", "read": "reads", "write": "writes"}[kind]] += 1
        for w in ways:
            if w and w[0] == b:
                w[1] = self.clock
                if kind == "write":
                    w[2] = True
                return
        self.n[kind + "_misses"] += 1
        empty = [i for i, w in enumerate(ways) if w is None]
        i = empty[0] if empty else min(range(len(ways)), key=lambda i: ways[i][1])
        victim = ways[i]
        ways[i] = [b, self.clock, kind == "write"]
        if kind != "write" or size < self.line:      # the fetch first
            self.n["bytes_from_mem"] += self.line
            if self.below:
                self.below.access(b * self.line, self.line, "read" if kind == "write" else kind)
        if victim and victim[2]:                       # then the victim's write-back
            self.writeback(victim[0])

    def writeback(self, b):
        self.n["writebacks"] += 1
        self.n["bytes_to_mem"] += self.line
        if self.below:
            self.below.access(b * self.line, self.line, "write")

    def flush(self):                                   # set by set, way by way
        for ways in self.sets:
            for w in ways:
                if w and w[2]:
                    w[2] = False
                    self.writeback(w[0])

l2 = Cache(64 << 10, 2, 64, None)
l1i = Cache(2 << 10, 2, 32, l2)
l1d = Cache(4 << 10, 4, 32, l2)
kinds = {"0": "read", "1": "write", "2": "fetch"}
for line in open(sys.argv[1]):
    label, hexaddr = line.split()
    a = int(hexaddr, 16) & ~3
    (l1i if label == "2" else l1d).access(a, 4, kinds[label])
l1d.flush()
l2.flush()

got = json.load(open(sys.argv[2]))
bad = []
for name, c in (("l1i", l1i), ("l1d", l1d), ("l2", l2)):
    for k, v in c.n.items():
        if got[name + "_" + k] != v:
            bad.append("%s_%s: %d, reference %d" % (name, k, got[name + "_" + k], v))
assert not bad, "; ".join(bad)
assert l1d.n["writebacks"] and l2.n["write_misses"] and l1i.n["fetch_misses"]
PY
finish

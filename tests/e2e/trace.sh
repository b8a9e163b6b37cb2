#!/bin/sh
# End-to-end: disco asm, dump and inspect on small traces; damage and repair.
. "$(dirname "$0")/lib.sh"

cat > "$T/a.txt" <<'TXT'
# a small trace of every record type
.streams 2
.page_size 4096
.config capture.workload = e2e
.stream 0
time 1000
insn 0x400000 12 user
load 0x7fff0010 4 user
store 0x80001000 8 kernel kseg0
pte.set asid=3 vpn=0x400 ppn=0x123 prot=valid,write
pte.clear asid=3 vpn=0x400
asid 3
svc.begin DEMAND-ZERO id=4
svc.end DEMAND-ZERO
priv tlbwr 0x5
lock.acq 7
lock.rel 7
sem.wait 2
sem.signal 2
dma.req id=1 disk=0 sector=100 count=8 write
frag 0x1000 4096
dma.done 1
.stream 1
net.send id=1 vm=2
frag 0x3000 1500
net.recv id=2 vm=1
moncall ZERO_PAGE 0x12
page.alloc 0x55 buffer-cache
page.free 0x55 buffer-cache
idle.begin
idle.end
marker 1 id=2 val=3
TXT

run "asm" 0 "$DISCO" asm "$T/a.txt" -o "$T/a.dtr"
run "dump --all" 0 "$DISCO" dump "$T/a.dtr" --all
cp "$T/out" "$T/a.dump"
has "$T/a.dump" "dump has header" '^\.streams 2$'
has "$T/a.dump" "dump has config" '^\.config capture\.workload = e2e$'
has "$T/a.dump" "dump has insn" '^insn 0x400000 12 user$'
has "$T/a.dump" "dump has kseg0 store" '^store 0x80001000 8 kernel kseg0$'
has "$T/a.dump" "dump has dma" '^dma\.req id=1 disk=0 sector=100 count=8 write$'
has "$T/a.dump" "dump has moncall" '^moncall ZERO_PAGE 0x12 0x0$'
run "asm of dump" 0 "$DISCO" asm "$T/a.dump" -o "$T/b.dtr"
if cmp -s "$T/a.dtr" "$T/b.dtr"; then ok; else fail "asm -> dump -> asm changed the bytes"; fi
run "dump --stream --from --limit" 0 "$DISCO" dump "$T/a.dtr" --stream 1 --from 2 --limit 2
has "$T/out" "selected records" '^net\.recv id=2 vm=1$'
has "$T/out" "limit kept" '^moncall '
hasnt "$T/out" "limit stops" '^page\.alloc'
hasnt "$T/out" "other stream left out" '^insn'
run "dump --stream out of range" 2 "$DISCO" dump "$T/a.dtr" --stream 5

run "inspect" 0 "$DISCO" inspect "$T/a.dtr"
has "$T/out" "inspect version" '^format +2\.0'
has "$T/out" "inspect config" 'capture\.workload = e2e'
has "$T/out" "inspect instructions" '^0 +[0-9]+ +12 +1 +1 '
has "$T/out" "inspect per type" '^  frag +2$'
has "$T/out" "inspect verified" '^checksums verified'
hasnt "$T/err" "no warning" 'warning'

run "asm --set" 0 "$DISCO" asm "$T/a.txt" -o "$T/c.dtr" --set trace.chunk_size=4K
run "inspect --set config" 0 "$DISCO" inspect "$T/c.dtr"
has "$T/out" "changed parameter recorded" 'trace\.chunk_size = 4K'

# bad input
printf '.streams 1\ninsn 0x400000 0 user\n' > "$T/bad.txt"
run "asm bad record" 2 "$DISCO" asm "$T/bad.txt" -o "$T/bad.dtr"
has "$T/err" "names text file and line" 'bad\.txt:2: instruction count 0'
# .config lines checked as a replay reads them: file, line and reason
printf '.streams 1\n.config machine.cpus = 2\n.config machine.cpuz = 2\ninsn 0x400000 4 user\n' >"$T/cf1.txt"
run "asm .config, unknown name" 2 "$DISCO" asm "$T/cf1.txt" -o "$T/cf.dtr"
has "$T/err" "names the line and the parameter" "cf1\\.txt:3: \\.config: unknown parameter 'machine\\.cpuz'; did you mean machine\\.cpus"
[ ! -e "$T/cf.dtr" ] && ok || fail "asm .config, unknown name: an output was left"
printf '.streams 1\n.config machine.cpus = 99999\n' >"$T/cf2.txt"
run "asm .config, out of range" 2 "$DISCO" asm "$T/cf2.txt" -o "$T/cf.dtr"
has "$T/err" "says the range" 'cf2\.txt:2: \.config: machine\.cpus: 99999 is out of range'
printf '.streams 1\n.config machine.cpus\n' >"$T/cf3.txt"
run "asm .config, no value" 2 "$DISCO" asm "$T/cf3.txt" -o "$T/cf.dtr"
has "$T/err" "wants name = value" "cf3\\.txt:2: \\.config: expected 'name = value'"
printf '.streams 1\n.config policy.migration = oracel\n' >"$T/cf4.txt"
run "asm .config, no such policy" 2 "$DISCO" asm "$T/cf4.txt" -o "$T/cf.dtr"
has "$T/err" "lists the policies" "cf4\\.txt:2: \\.config: policy\\.migration: 'oracel' is not allowed; one of: .*oracle"

# a configuration each line of which is valid but that a replay in the
# trace's mode refuses (an L2TLB of 192 sets): inspect says so, non-zero
printf '.streams 1\n.config replay.mode = disco\n.config policy.l2tlb.entries = 768\ninsn 0x400000 4 user\n' >"$T/cf5.txt"
run "asm a configuration replay refuses" 0 "$DISCO" asm "$T/cf5.txt" -o "$T/cf5.dtr"
run "inspect it" 2 "$DISCO" inspect "$T/cf5.dtr"
has "$T/out" "the records are fine" '^checksums verified: 1 chunks'
has "$T/out" "the configuration is not" '^configuration: a replay would refuse it'
has "$T/err" "says why" 'cf5\.dtr: configuration in the header: a replay in disco mode would refuse it: policy\.l2tlb\.entries / policy\.l2tlb\.ways = 192 sets; must be a power of two'
run "replay refuses it too" 2 "$DISCO" replay "$T/cf5.dtr"
run "inspect a good one" 0 "$DISCO" inspect "$T/a.dtr"
has "$T/out" "says a replay accepts it" '^configuration: a replay accepts it$'

printf 'insn 0x400000 4 user\n.streams 2\n' > "$T/bad2.txt"
run "asm late directive" 2 "$DISCO" asm "$T/bad2.txt" -o "$T/bad.dtr"
has "$T/err" "late directive" 'bad2\.txt:2: \.streams after the first record'
printf 'frobnicate 1\n' > "$T/bad3.txt"
run "asm unknown type" 2 "$DISCO" asm "$T/bad3.txt" -o "$T/bad.dtr"
has "$T/err" "unknown type" "unknown record type 'frobnicate'"
run "asm no output" 2 "$DISCO" asm "$T/a.txt"
run "dump no file" 2 "$DISCO" dump
run "inspect missing file" 2 "$DISCO" inspect "$T/nothing.dtr"
printf 'not a trace at all, really not\n' > "$T/junk.dtr"
run "inspect junk" 2 "$DISCO" inspect "$T/junk.dtr"
has "$T/err" "bad magic" '^disco inspect: .*junk\.dtr: byte 0: not a disco trace'

# damage: a flipped byte in the first chunk's compressed data
cp "$T/a.dtr" "$T/d.dtr"
off=$(( $(wc -c < "$T/a.dtr") / 3 ))
printf '\377' | dd of="$T/d.dtr" bs=1 seek="$off" conv=notrunc 2>/dev/null
run "inspect corrupt" 2 "$DISCO" inspect "$T/d.dtr"
has "$T/err" "corrupt: file and byte named" '^disco inspect: .*d\.dtr: byte [0-9]+: '
run "dump corrupt" 2 "$DISCO" dump "$T/d.dtr"
# a newer major version
cp "$T/a.dtr" "$T/v.dtr"
printf '\011' | dd of="$T/v.dtr" bs=1 seek=8 conv=notrunc 2>/dev/null
run "inspect newer version" 2 "$DISCO" inspect "$T/v.dtr"
has "$T/err" "version named" 'byte 8: format version 9\.0 is newer'

# truncation: a writer that died; then --repair
size=$(wc -c < "$T/a.dtr")
head -c $((size - 100)) "$T/a.dtr" > "$T/t.dtr"
run "inspect truncated" 0 "$DISCO" inspect "$T/t.dtr"
has "$T/err" "truncation warned" 'warning: .*t\.dtr: byte [0-9]+: no index'
has "$T/out" "index missing shown" '^index +MISSING'
run "dump truncated" 0 "$DISCO" dump "$T/t.dtr"
has "$T/out" "first chunk still read" '^insn 0x400000 12 user$'
run "repair" 0 "$DISCO" inspect --repair "$T/t.dtr"
has "$T/out" "repair said" 'index written'
run "inspect repaired" 0 "$DISCO" inspect "$T/t.dtr"
has "$T/out" "index present" '^index +present'
hasnt "$T/err" "no warning after repair" 'warning'

run "inspect help" 0 "$DISCO" inspect --help
has "$T/out" "inspect usage" '^usage: disco inspect'
run "dump help" 0 "$DISCO" dump --help
run "asm help" 0 "$DISCO" asm --help
run "help lists asm" 0 "$DISCO" help
has "$T/out" "asm listed" '^  asm '
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# Chunks carry a sequence number per stream (format 2.0): in a file without
# its index, a chunk duplicated, dropped or moved is found, not read as data.
run "many chunks" 0 "$DISCO" capture synthetic -o "$T/seq.dtr" --cpus 2 --set machine.cpus=2 \
	--scale 0.02 --set trace.chunk_size=4096 --quiet
for how in dup drop swap; do
	"$PY" - "$T/seq.dtr" "$T/seq-$how.dtr" $how <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
hlen = struct.unpack_from("<I", b, 12)[0]
ioff = struct.unpack_from("<Q", b, len(b) - 16)[0]
off, chunks = hlen, []
while off < ioff:
    comp = struct.unpack_from("<I", b, off + 16)[0]
    chunks.append(b[off:off + 64 + comp])
    off += 64 + comp
s0 = [i for i, c in enumerate(chunks) if struct.unpack_from("<I", c, 4)[0] == 0]
assert len(s0) >= 3, len(s0)
how = sys.argv[3]
if how == "dup":
    chunks.insert(s0[1], chunks[s0[1]])
elif how == "drop":
    del chunks[s0[1]]
else:
    chunks[s0[1]], chunks[s0[2]] = chunks[s0[2]], chunks[s0[1]]
open(sys.argv[2], "wb").write(b[:hlen] + b"".join(chunks))   # no index: a writer that died
PYEOF
	run "chunk $how found" 2 "$DISCO" inspect "$T/seq-$how.dtr"
	has "$T/err" "chunk $how named" 'sequence number [0-9]+ where [0-9]+ comes next'
	run "repair refuses chunk $how" 2 "$DISCO" inspect --repair "$T/seq-$how.dtr"
done
# A record that asks for absurd work is refused at once, with the bound named
printf '.streams 1\n.stream 0\nasid 1\npte.set asid=1 vpn=0x400 ppn=0x10 prot=valid\ninsn 0x400000 60000000 user\n' >"$T/big.txt"
run "asm a huge run" 0 "$DISCO" asm "$T/big.txt" -o "$T/big.dtr"
run "replay refuses it" 2 "$DISCO" replay "$T/big.dtr"
has "$T/err" "names the bound" 'more than replay.max_insn_run'
printf '.streams 1\n.stream 0\nasid 1\npte.set asid=1 vpn=0x400 ppn=0x10 prot=valid\ninsn 0x400000 1000 user\n' >"$T/run.txt"
run "asm a page-long run" 0 "$DISCO" asm "$T/run.txt" -o "$T/run.dtr"
run "the bound is a parameter" 2 "$DISCO" replay "$T/run.dtr" --set replay.max_insn_run=512
run "within it" 0 "$DISCO" replay "$T/run.dtr" --quiet
finish

#!/bin/sh
# End-to-end: several virtual machines on one machine (vm.vcpus).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# field FILE KEY: a top-level number of a JSON summary
field() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# Two one-vCPU VMs of 1 MB, each mapping its guest page 0x10 at the same
# virtual page with the same ASID; VM 0 also stores to its page 0x11.
cat >"$T/two.txt" <<'TXT'
.streams 2
.page_size 4096
.config vm.vcpus = 1,1
.config vm.mem.size = 1M
.config machine.cpus = 2
.stream 0
asid 1
pte.set asid=1 vpn=0x400 ppn=0x10 prot=valid
pte.set asid=1 vpn=0x401 ppn=0x11 prot=valid,write
insn 0x400000 8 user
store 0x401000 8 user
.stream 1
asid 1
pte.set asid=1 vpn=0x400 ppn=0x10 prot=valid
insn 0x400000 8 user
TXT
run "asm two VMs" 0 "$DISCO" asm "$T/two.txt" -o "$T/two.dtr"
run "replay two VMs" 0 "$DISCO" replay "$T/two.dtr" --mode disco --format json
cp "$T/out" "$T/two.json"
# each VM's page 0x10 and page-table page are its own: 2 + 2, and VM 0's 0x11
[ "$(field "$T/two.json" pages_touched)" = 5 ] && ok || fail "pages touched: $(field "$T/two.json" pages_touched), expected 5"
# one TLB miss per VM: the same (ASID, page) in two VMs are two translations
[ "$(field "$T/two.json" tlb_misses)" = 2 ] && ok || fail "TLB misses: $(field "$T/two.json" tlb_misses), expected 2"

# Footprint: VM 0 allocates page 0x10 as kernel text and 0x11 as user data,
# VM 1 page 0x10 as kernel text and 0x20 as buffer cache, then frees 0x20;
# both touch their page 0x10.  4 KB pages.  V and M alike (nothing shared):
# kernel text 8 KB, user 4 KB, the two page-table pages other (touched,
# never allocated), buffer cache 0 (freed); M adds the monitor's own.
cat >"$T/fp.txt" <<'TXT'
.streams 2
.page_size 4096
.config vm.vcpus = 1,1
.config vm.mem.size = 1M
.config machine.cpus = 2
.stream 0
page.alloc 0x10 kernel-text
page.alloc 0x11 user
asid 1
pte.set asid=1 vpn=0x400 ppn=0x10 prot=valid
pte.set asid=1 vpn=0x401 ppn=0x11 prot=valid,write
insn 0x400000 8 user
store 0x401000 8 user
.stream 1
page.alloc 0x10 kernel-text
page.alloc 0x20 buffer-cache
asid 1
pte.set asid=1 vpn=0x400 ppn=0x10 prot=valid
insn 0x400000 8 user
page.free 0x20 buffer-cache
TXT
run "asm footprint" 0 "$DISCO" asm "$T/fp.txt" -o "$T/fp.dtr"
run "replay footprint" 0 "$DISCO" replay "$T/fp.dtr" --mode disco --format json -o "$T/fp.h5"
cp "$T/out" "$T/fp.json"
run "footprint known exactly" 0 "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
v, m = d["footprint"]["V"], d["footprint"]["M"]
K = 4096
want = {"kernel_text": 2 * K, "kernel_data": 0, "buffer_cache": 0, "user": K, "other": 2 * K,
        "disco": 0}
assert v == want, v
assert {k: m[k] for k in want if k != "disco"} == {k: want[k] for k in want if k != "disco"}, m
# the monitor: 72 KB of code on each of 2 nodes, 16-byte pmap entries for
# 2 x 256 pages, 16-byte memmap entries, 2 vCPUs and their L2TLBs, backmaps
assert m["disco"] > 2 * 72 * 1024 and d["nvms"] == 2, m
' "$T/fp.json"
run "footprint in the results file" 0 "$DISCO" results "$T/fp.h5" --format json
has "$T/out" "V read back" '"V": \{"kernel_text": 8192'
run "footprint table" 0 "$DISCO" replay "$T/fp.dtr" --mode disco
has "$T/out" "table" 'kernel_text +0\.01 +0\.01'
run "page record beyond the VM" 2 "$DISCO" replay "$T/fp.dtr" --mode disco \
	--set vm.mem.sizes=64K,1M --set guest.pt_pool_pages=4
has "$T/err" "names it" 'stream 0, record 0: page.alloc of guest page 0x10, beyond'

# Copy-on-write disks: both VMs read block 0 of the shared disk 0 into their
# page 0x20 (buffer cache); VM 1's request comes second and finds the block
# in the monitor's disk cache, which maps the same machine page read-only.
# With "store", VM 1 then writes its page: a copy-on-write fault.
cow() {
cat <<TXT
.streams 2
.page_size 4096
.config vm.vcpus = 1,1
.config vm.mem.size = 1M
.config vm.disks.cow = 0
.config machine.cpus = 2
.stream 0
page.alloc 0x20 buffer-cache
dma.req id=1 disk=0 sector=0 count=8 read
frag 0x20000 4096
dma.done 1
asid 1
pte.set asid=1 vpn=0x500 ppn=0x20 prot=valid,write
load 0x500000 8 kernel
.stream 1
page.alloc 0x20 buffer-cache
dma.req id=2 disk=0 sector=0 count=8 read
frag 0x20000 4096
dma.done 2
asid 1
pte.set asid=1 vpn=0x500 ppn=0x20 prot=valid,write
load 0x500000 8 kernel
TXT
[ "${1:-}" = store ] && echo "store 0x500008 8 kernel"
true
}
cow >"$T/cow.txt"
cow store >"$T/cows.txt"
run "asm cow" 0 "$DISCO" asm "$T/cow.txt" -o "$T/cow.dtr"
run "asm cow + store" 0 "$DISCO" asm "$T/cows.txt" -o "$T/cows.dtr"
# fp FILE V_BC M_BC HITS MAPPED FAULTS: buffer-cache bytes of V and M, counters
fp() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
v, m = d["footprint"]["V"], d["footprint"]["M"]
got = (v["buffer_cache"], m["buffer_cache"], d["diskcache_hits"], d["cow_mapped"], d["cow_faults"])
want = tuple(int(a) for a in sys.argv[2:])
assert got == want, (got, want)
# V >= M per category but the monitor own; categories sum to what they split
assert all(v[k] >= m[k] for k in v if k != "disco"), (v, m)
' "$@"
}
run "replay cow" 0 "$DISCO" replay "$T/cow.dtr" --mode disco --format json
cp "$T/out" "$T/j"
run "one machine page for two guest pages" 0 fp "$T/j" 8192 4096 1 1 0
run "replay cow + store" 0 "$DISCO" replay "$T/cows.dtr" --mode disco --format json
cp "$T/out" "$T/j"
run "the writer gets its own copy" 0 fp "$T/j" 8192 8192 1 1 1
run "replay cowdisk off" 0 "$DISCO" replay "$T/cows.dtr" --mode disco --set policy.cowdisk=off \
	--format json
cp "$T/out" "$T/j"
run "no sharing: M = V" 0 fp "$T/j" 8192 8192 0 0 0
run "cow: capture config == replay, twice" 0 sh -c '
"$1" replay "$2" --mode disco --format json >"$3/r1" && "$1" replay "$2" --mode disco --format json >"$3/r2" &&
"$4" -c "
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop(\"wall_seconds\"); d.pop(\"mrefs_per_second\"); d.pop(\"peak_rss_mb\")
assert a == b
" "$3/r1" "$3/r2"' sh "$DISCO" "$T/cows.dtr" "$T" "$PY"
run "sweep cowdisk on/off" 0 "$DISCO" sweep "$T/cows.dtr" --mode disco --vary policy.cowdisk=on,off \
	-o "$T/cow.h5"
if command -v gnuplot >/dev/null 2>&1; then
	run "plot footprint" 0 "$DISCO" plot "$T/cow.h5" --kind footprint --labels on,off -o "$T/fp.svg"
	has "$T/fp.svg" "V and M bars" 'on M'
	run "plot footprint over time" 0 "$DISCO" plot "$T/cow.h5" --kind footprint-time -o "$T/fpt.svg"
	has "$T/fpt.svg" "V and M curves" ' V<'
	# the footprint plots write one data file per run: none is left behind
	mkdir "$T/scratch"
	run "plot footprint, scratch TMPDIR" 0 env TMPDIR="$T/scratch" "$DISCO" plot "$T/cow.h5" \
		--kind footprint -o "$T/fp2.svg"
	run "plot footprint over time, scratch TMPDIR" 0 env TMPDIR="$T/scratch" "$DISCO" plot \
		"$T/cow.h5" --kind footprint-time -o "$T/fpt2.svg"
	if [ -z "$(ls -A "$T/scratch")" ]; then ok; else fail "plots left $(ls "$T/scratch")"; fi
fi
# a private disk used by two VMs
sed 's/disk=0/disk=1/' "$T/cow.txt" >"$T/priv.txt"
run "asm private" 0 "$DISCO" asm "$T/priv.txt" -o "$T/priv.dtr"
run "private disk shared" 2 "$DISCO" replay "$T/priv.dtr" --mode disco
has "$T/err" "names the VMs, the disk and the rule" 'VM 1 uses disk 1, a private exclusive disk of VM 0'
run "cow disk not on the machine" 2 "$DISCO" replay "$T/cow.dtr" --mode disco --set vm.disks.cow=0,99
has "$T/err" "names the disk" "vm.disks.cow = 0,99: '99' is not a disk"

# A captured IRIX pmake on 2 VMs of 2 vCPUs, booting from the shared root
# disk: capture == replay, same seed same bytes, and without sharing M = V
# but for the monitor's own memory.
pm() {
	"$DISCO" capture pmake -o "$1" --cpus 4 --set machine.cpus=4 --scale 0.02 --mode disco \
		--hal disco --set capture.vms=2 --set capture.os.boot=on --set capture.os.disks=per-copy \
		--set vm.disks.cow=0 --format json
}
run "capture 2 VMs" 0 pm "$T/pm.dtr"
cp "$T/out" "$T/pmc.json"
run "capture 2 VMs again" 0 pm "$T/pm2.dtr"
run "same seed, same bytes" 0 cmp "$T/pm.dtr" "$T/pm2.dtr"
run "replay 2 VMs" 0 "$DISCO" replay "$T/pm.dtr" --format json
cp "$T/out" "$T/pmr.json"
run "capture == replay with 2 VMs" 0 "$PY" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("wall_seconds"); d.pop("mrefs_per_second"); d.pop("peak_rss_mb")
assert a == b, [k for k in a if a[k] != b.get(k)]
assert a["nvms"] == 2 and a["cow_mapped"] > 0 and a["mode"] == "disco", a["nvms"]
v, m = a["footprint"]["V"], a["footprint"]["M"]
assert m["kernel_text"] * 2 == v["kernel_text"], (v, m)   # one copy for two VMs
' "$T/pmc.json" "$T/pmr.json"
run "replay 2 VMs, cowdisk off" 0 "$DISCO" replay "$T/pm.dtr" --set policy.cowdisk=off --format json
cp "$T/out" "$T/pmo.json"
run "without sharing M = V but the monitor" 0 "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
v, m = d["footprint"]["V"], d["footprint"]["M"]
assert all(v[k] == m[k] for k in v if k != "disco"), (v, m)
assert d["cow_mapped"] == 0 and m["disco"] > 0
' "$T/pmo.json"
if command -v gnuplot >/dev/null 2>&1; then
	run "replay 2 VMs to results" 0 "$DISCO" replay "$T/pm.dtr" -o "$T/pm.h5"
	run "plot the booted VMs' footprint over time" 0 "$DISCO" plot "$T/pm.h5" \
		--kind footprint-time -o "$T/pmt.svg"
	has "$T/pmt.svg" "marks where the boot ends" 'boot ends'
fi
run "uneven VMs" 2 "$DISCO" capture pmake -o "$T/x.dtr" --cpus 4 --set machine.cpus=4 --set capture.vms=3
has "$T/err" "says why" 'capture.vms = 3 does not divide capture.cpus = 4'
run "a 32-bit guest with 4 GB" 2 "$DISCO" capture pmake -o "$T/x.dtr" --set vm.mem.size=4G \
	--set machine.mem.size=8G
has "$T/err" "names the limit" 'IRIX 5.3 is a 32-bit kernel'

# The virtual subnet: VM 0 sends a whole page and 100 bytes to VM 1, which
# receives them into its pages 0x30 and 0x31.  The page is remapped (one
# machine page for both VMs), the 100 bytes copied; with policy.vnet=off
# everything is copied and M = V.
cat >"$T/net.txt" <<'TXT'
.streams 2
.page_size 4096
.config vm.vcpus = 1,1
.config vm.mem.size = 1M
.config machine.cpus = 2
.config guest.pt_pool_pages = 4
.stream 0
page.alloc 0x20 buffer-cache
asid 1
pte.set asid=1 vpn=0x500 ppn=0x20 prot=valid,write
store 0x500000 8 kernel
net.send id=1 vm=1
frag 0x20000 4096
frag 0x21010 100
load 0x500000 8 kernel
.stream 1
page.alloc 0x30 buffer-cache
page.alloc 0x31 buffer-cache
net.recv id=1 vm=0
frag 0x30000 4096
frag 0x31000 100
asid 1
pte.set asid=1 vpn=0x600 ppn=0x30 prot=valid,write
load 0x600000 8 kernel
TXT
run "asm net" 0 "$DISCO" asm "$T/net.txt" -o "$T/net.dtr"
# netfp FILE REMAPPED COPIED M_BC: counters and M's buffer cache
netfp() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
got = (d["vnet_remapped"], d["vnet_copied"], d["footprint"]["M"]["buffer_cache"],
       d["footprint"]["V"]["buffer_cache"], "warning" in d)
want = (int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), 12288, False)
assert got == want, (got, want)
' "$@"
}
run "replay net" 0 "$DISCO" replay "$T/net.dtr" --mode disco --format json
cp "$T/out" "$T/j"
run "a whole page remapped, the rest copied" 0 netfp "$T/j" 1 100 8192
run "replay net, vnet off" 0 "$DISCO" replay "$T/net.dtr" --mode disco --set policy.vnet=off \
	--format json
cp "$T/out" "$T/j"
run "everything copied" 0 netfp "$T/j" 0 4196 12288
sed 's/net.recv id=1 vm=0/net.recv id=1 vm=5/' "$T/net.txt" >"$T/net5.txt"
run "asm net from VM 5" 0 "$DISCO" asm "$T/net5.txt" -o "$T/net5.dtr"
run "receive from no VM" 2 "$DISCO" replay "$T/net5.dtr" --mode disco
has "$T/err" "names the VM" 'net.recv from VM 5; the trace has 2'
sed 's/net.recv id=1 vm=0/net.recv id=2 vm=0/' "$T/net.txt" >"$T/net2.txt"
run "asm net never sent" 0 "$DISCO" asm "$T/net2.txt" -o "$T/net2.dtr"
run "a message never sent" 0 "$DISCO" replay "$T/net2.dtr" --mode disco
has "$T/out" "says what it waited for" 'ended waiting for a network message'

# The HAL's remap (NFS's bcopy from an mbuf into the buffer cache, 4.3.4):
# page 0x20 (an mbuf, written) is remapped to page 0x30 (a buffer): one
# machine page for both, no copy; with policy.vnet=off the page is copied.
# Then the unfixed mbuf freelist's store to the freed mbuf takes a
# copy-on-write fault, and the buffer keeps the data.
cat >"$T/remap.txt" <<'TXT'
.streams 1
.page_size 4096
.config vm.mem.size = 1M
.config guest.pt_pool_pages = 4
.stream 0
page.alloc 0x20 kernel-data
page.alloc 0x30 buffer-cache
asid 1
pte.set asid=1 vpn=0x500 ppn=0x20 prot=valid,write
store 0x500000 8 kernel
moncall REMAP 0x20 0x30
pte.set asid=1 vpn=0x600 ppn=0x30 prot=valid,write
load 0x600000 8 kernel
TXT
run "asm remap" 0 "$DISCO" asm "$T/remap.txt" -o "$T/remap.dtr"
# remapfp FILE REMAPS COPIED_PAGES COW_FAULTS: counters and M = V - shared
remapfp() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
v, m = d["footprint"]["V"], d["footprint"]["M"]
got = (d["hal_remaps"], (v["buffer_cache"] + v["kernel_data"]) - (m["buffer_cache"] + m["kernel_data"]),
       d["cow_faults"], d["vnet_cycles"] > 0)
want = (int(sys.argv[2]), 4096 * (1 - int(sys.argv[3])), int(sys.argv[4]), True)
assert got == want, (got, want)
' "$@"
}
run "replay remap" 0 "$DISCO" replay "$T/remap.dtr" --mode disco --format json
cp "$T/out" "$T/j"
run "the page remapped, counted once in M" 0 remapfp "$T/j" 1 0 0
run "replay remap, vnet off" 0 "$DISCO" replay "$T/remap.dtr" --mode disco --set policy.vnet=off --format json
cp "$T/out" "$T/j"
run "the page copied" 0 remapfp "$T/j" 0 1 0
printf 'store 0x500000 8 kernel\n' >>"$T/remap.txt"
run "asm remap, mbuf written" 0 "$DISCO" asm "$T/remap.txt" -o "$T/remap2.dtr"
run "replay remap, mbuf written" 0 "$DISCO" replay "$T/remap2.dtr" --mode disco --format json
cp "$T/out" "$T/j"
run "the freed mbuf's store takes a copy-on-write fault" 0 remapfp "$T/j" 1 1 1

run "several VMs natively" 2 "$DISCO" replay "$T/two.dtr"
has "$T/err" "names the rule" 'replays under the monitor only'
run "VM map against the streams" 2 "$DISCO" replay "$T/two.dtr" --mode disco --set vm.vcpus=1,2
has "$T/err" "names the contradiction" 'names 3 vCPUs but the trace has 2 streams'
run "VM map not a number" 2 "$DISCO" replay "$T/two.dtr" --mode disco --set vm.vcpus=1,x
has "$T/err" "names the VM" "VM 1's vCPU count 'x'"
run "more sizes than VMs" 2 "$DISCO" replay "$T/two.dtr" --mode disco --set vm.mem.sizes=1M,1M,1M
has "$T/err" "sizes" 'more sizes than the 2 VMs'
run "unequal sizes" 0 "$DISCO" replay "$T/two.dtr" --mode disco --set vm.mem.sizes=96K,1M --set guest.pt_pool_pages=4 --format json
run "page beyond a small VM" 2 "$DISCO" replay "$T/two.dtr" --mode disco --set vm.mem.sizes=64K,1M --set guest.pt_pool_pages=4
has "$T/err" "names the record" 'stream 0, record [0-9]+: pte.set maps guest page 0x10, beyond the VM'
finish

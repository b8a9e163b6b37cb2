#!/bin/sh
# Makes the fuzzer's seed corpus (tests/fuzz/corpus/): a few tiny valid traces
# assembled with disco asm, plus one whose writer "died" (no index).
# Usage: sh tests/fuzz/make_corpus.sh [DISCO]   (default build/disco)
set -eu
DISCO=${1:-build/disco}
dir=$(dirname "$0")/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dir"

cat > "$tmp/every.txt" <<'TXT'
.streams 2
.config capture.workload = seed
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
moncall REMAP 0x12 0x34
page.alloc 0x55 buffer-cache
page.free 0x55 user
idle.begin
idle.end
marker 1 id=2 val=3
TXT
"$DISCO" asm "$tmp/every.txt" -o "$dir/every.dtr"

# a loop: predicted runs, targets, counts, strides; small chunks
{
	echo ".config trace.chunk_size = 256"
	i=0
	while [ $i -lt 60 ]; do
		echo "insn 0x400000 5 user"
		echo "load 0x$(printf %x $((0x10000000 + i * 8))) 8 user"
		echo "insn 0x400014 3 user"
		echo "store 0x7fff0020 4 user"
		echo "insn 0x400020 2 user"
		i=$((i + 1))
	done
} > "$tmp/loop.txt"
"$DISCO" asm "$tmp/loop.txt" -o "$dir/loop.dtr"

# the same with its index cut off, as a writer that died leaves it
size=$(wc -c < "$dir/loop.dtr")
head -c $((size - 100)) "$dir/loop.dtr" > "$dir/noindex.dtr"

printf '.streams 1\n' > "$tmp/empty.txt"
"$DISCO" asm "$tmp/empty.txt" -o "$dir/empty.dtr"
ls -l "$dir"
# the text targets' seeds: the every-record trace as text, and a config file
mkdir -p "$(dirname "$0")/corpus-text"
"$DISCO" dump "$dir/every.dtr" >"$(dirname "$0")/corpus-text/every.txt"
printf 'trace.chunk_size = 4K   # a comment\ntrace.zstd_level = 3\n' >"$(dirname "$0")/corpus-text/params.conf"

#!/bin/sh
# End-to-end: damaged traces (bit flips, overwritten bytes, truncations,
# chunks duplicated, dropped or swapped, with and without the index) through
# inspect, dump and replay.  Each run must end with exit 0 (the damage was
# harmless, or a file without an index read up to the damage) or 2 with a
# message: never a signal, a hang or a silent failure.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build folder}"
MUT=$BUILD/tests/traces/tool_mutate

"$DISCO" capture synthetic --set capture.synth.refs=1500 --set trace.chunk_size=4K --cpus 2 \
	--set machine.cpus=2 -o "$T/s.dtr" --quiet || { echo "FAIL: capture"; exit 1; }
set -- $("$MUT" "$T/s.dtr" info)
size=$1 hlen=$2 nch=$3

# Deterministic pseudo-random numbers below $1 (an LCG in awk).
seed=12345
rnd() {
	seed=$(awk -v s="$seed" 'BEGIN { printf "%d", (s * 1103515245 + 12345) % 2147483648 }')
	echo $((seed % $1))
}

ncase=0 nrun=0 n0=0 n2=0
# try NAME OP ARGS...: make the mutant, run the three commands on it.
try() {
	name=$1; shift
	"$MUT" "$T/s.dtr" "$T/m.dtr" "$@" 2>/dev/null || return 0
	ncase=$((ncase + 1))
	for cmd in inspect dump replay; do
		if [ $cmd = replay ]; then set -- replay "$T/m.dtr" --quiet; else set -- $cmd "$T/m.dtr"; fi
		timeout 30 "$DISCO" "$@" >/dev/null 2>"$T/err"
		rc=$?
		nrun=$((nrun + 1))
		case $rc in
		0) n0=$((n0 + 1)); ok ;;
		2) if grep -q "^disco $cmd: " "$T/err"; then n2=$((n2 + 1)); ok
		   else fail "$name: $cmd: exit 2 without a message"; fi ;;
		124) fail "$name: $cmd: hung (killed after 30 s)" ;;
		*) fail "$name: $cmd: exit $rc"; head -n 3 "$T/err" | sed 's/^/    /' ;;
		esac
	done
}

i=0
while [ $i -lt 30 ]; do try "flip $i" flip $(rnd "$size") $(rnd 8); i=$((i + 1)); done
i=0
while [ $i -lt 5 ]; do
	try "header flip $i" flip $(rnd "$hlen") $(rnd 8)
	try "tail flip $i" flip $((size - 1 - $(rnd 60))) $(rnd 8)
	try "zero byte $i" set $(rnd "$size") 0
	i=$((i + 1))
done
for n in 0 7 8 35 $((hlen - 1)) $hlen $((hlen + 1)) $((hlen + 56)) $((hlen + 200)) \
	$((size / 2)) $((size - 17)) $((size - 9)) $((size - 1)) $(rnd "$size") $(rnd "$size"); do
	try "truncate $n" trunc "$n"
done
for k in 0 1 $((nch / 2)) $((nch - 2)); do
	for op in dup drop swap; do
		try "$op $k" $op "$k"
		try "$op $k noindex" $op "$k" noindex
	done
done
echo "mutate: $ncase damaged traces, $nrun runs: $n0 exit 0, $n2 exit 2 with a message"
finish

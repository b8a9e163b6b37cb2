#!/bin/sh
# End-to-end: memory is bounded by what a trace really holds, not by what it
# claims.  Small traces with valid checksums claim huge stream counts, chunk
# sizes, record counts, index sizes, configuration texts and nesting
# (tests/traces/tool_hostile.c); inspect, dump and replay read each under an
# address-space limit (ulimit -v).  Each must end cleanly: exit 0, or exit 2
# with one line "disco CMD: FILE: ..." naming the problem, or (for a chunk
# that really decodes to more records than the limit allows) exit 1 with one
# line naming the file, the byte and the memory it needed; never a signal.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build folder}"
H=$BUILD/tests/traces/tool_hostile
LIMIT=300000   # KiB of address space: a 16 MiB chunk of 1-byte records needs more
case "$BUILD" in
*san*) LIMIT= ;;   # ASan reserves terabytes of address space: no ulimit -v
esac

tried=0
clean=0
# one NAME FILE CMD...: run CMD on FILE under the limit and judge its end
one() {
	name=$1; f=$2; shift 2
	tried=$((tried + 1))
	if [ -n "$LIMIT" ]; then
		(ulimit -v "$LIMIT"; exec timeout 120 "$DISCO" "$@" "$f") >/dev/null 2>"$T/err"
	else
		timeout 120 "$DISCO" "$@" "$f" >/dev/null 2>"$T/err"
	fi
	rc=$?
	lines=$(wc -l < "$T/err")
	verdict=
	case $rc in
	0) ;;
	2) [ "$lines" -eq 1 ] && grep -q "^disco $1: .*$(basename "$f"): " "$T/err" || verdict="exit 2 without one line naming the file" ;;
	1) [ "$lines" -eq 1 ] && grep -Eq "^disco $1: .*$(basename "$f"): byte [0-9]+: out of memory .* MiB" "$T/err" ||
		verdict="exit 1 without one line naming the file, the byte and the memory" ;;
	*) verdict="exit $rc (a signal or a crash)" ;;
	esac
	if [ -z "$verdict" ]; then ok; clean=$((clean + 1)); else
		fail "$name, $*: $verdict"; sed 's/^/    /' "$T/err" | head -n 5; fi
}
# each FILE: inspect, dump and replay it
each() {
	one "$1" "$T/$1.dtr" inspect
	one "$1" "$T/$1.dtr" dump
	one "$1" "$T/$1.dtr" replay --quiet
}
mk() { name=$1; shift; "$H" "$T/$name.dtr" "$@" || fail "tool_hostile $name $*"; }

mk streams1024 streams 1024
mk streams1025 streams 1025
mk chunks20000 chunks 20000
mk nrecords_max nrecords 4294967295
mk nrecords_raw1 nrecords 65
mk rawsize_claim rawsize 16777216
mk rawsize_over rawsize 16777217
mk index_huge index 1152921504606846976
mk index_more index 5
mk config_max config 1048576
mk config_over config 1048577
mk nest8 nest 8
mk nest9 nest 9
mk nest100000 nest 100000
mk bomb8x1M bomb 8 1048576
mk bomb64x64K bomb 64 65536
for f in streams1024 streams1025 chunks20000 nrecords_max nrecords_raw1 rawsize_claim rawsize_over \
	index_huge index_more config_max config_over nest8 nest9 nest100000 bomb8x1M bomb64x64K; do
	each "$f"
done
# a chunk of 16 Mi one-byte records: 384 MiB decoded, more than the limit,
# but it is decoded 4096 records at a time, so the replay (the last of
# each's runs) ends well within it
if [ -n "$LIMIT" ]; then
	mk bomb1x16M bomb 1 16777216
	each bomb1x16M
	[ "$rc" -eq 0 ] && ok || fail "a 384 MiB chunk under a 300 MB limit: exit $rc"
fi
# claims that are refused, with the reason
run "1025 streams" 2 "$DISCO" inspect "$T/streams1025.dtr"
has "$T/err" "stream count" 'byte 16: 1025 streams \(1 to 1024 allowed\)'
run "a raw size the frame does not have" 2 "$DISCO" inspect "$T/rawsize_claim.dtr"
has "$T/err" "raw size" 'decompresses to [0-9]+ bytes, its header says 16777216'
run "an index larger than the file" 2 "$DISCO" inspect "$T/index_huge.dtr"
has "$T/err" "index size" 'an index of 1152921504606846976 chunks does not fit in the file'
run "nesting" 2 "$DISCO" replay "$T/nest100000.dtr"
has "$T/err" "nesting" 'services nest more than 8 deep'
echo "membound: $tried hostile runs, $clean ended cleanly${LIMIT:+ under ulimit -v $LIMIT}"
finish

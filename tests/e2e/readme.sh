#!/bin/sh
# End-to-end: every command of README.md, verbatim and in order, so that the
# tour cannot rot.  The commands are the lines of the README's code blocks
# (indented by four spaces; a line ending in '\' continues on the next),
# run one after the other in one shell, from a copy of the checkout's root
# whose build/ is the binary under test, with HOME in the test's folder (the
# tour moves to ~/disco-tour).  Not run: a line marked "[not tested: why]",
# and the code block after a line "<!-- not tested: why -->".  Each command
# must exit 0.  The tour's inputs that come from elsewhere (a din text, a
# ChampSim trace) are put in ~/disco-tour first.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# the commands, one per line of $T/cmds (continuations joined)
awk '
	/^<!-- not tested:/ { skip = 1; next }
	/^    / && (inblock || prev == "") {
		inblock = 1
		line = substr($0, 5)
		if (cont != "") { line = cont " " line; cont = "" }
		if (line ~ /\\$/) { cont = substr(line, 1, length(line) - 1); next }
		if (!skip && line !~ /\[not tested: /) printf "%d\t%s\n", NR, line
		prev = $0
		next
	}
	{ if (inblock) skip = 0; inblock = 0; prev = $0 }
' "$SRC/README.md" > "$T/cmds"
n=$(wc -l < "$T/cmds")
[ "$n" -ge 40 ] && ok || fail "only $n commands found in README.md: is the extraction broken?"
grep -q '^[0-9]*	export PATH=' "$T/cmds" && ok || fail "the tour does not put disco on the PATH"
grep -q '^[0-9]*	mkdir -p ~/disco-tour && cd ~/disco-tour' "$T/cmds" && ok ||
	fail "the tour does not start in a scratch folder"
if grep -q '^[0-9]*	make ' "$T/cmds"; then fail "a make command would run: mark it not tested"; else ok; fi

# the checkout as the tour sees it: build/ is the binary under test
mkdir -p "$T/checkout" "$T/home/disco-tour"
ln -s "$(dirname "$DISCO")" "$T/checkout/build"
TOUR=$T/home/disco-tour
"$PY" - "$TOUR" <<'PY'
import struct, sys, os
d = sys.argv[1]
with open(os.path.join(d, "prog.din"), "w") as f:           # a loop over an array
    for i in range(2000):
        f.write("2 %x\n0 %x\n" % (0x400000 + 4 * (i % 8), 0x10000000 + 8 * i))
with open(os.path.join(d, "600.perlbench.champsimtrace"), "wb") as f:
    for i in range(1000):
        f.write(struct.pack("<QBB2B4B2Q4Q", 0x401000 + 4 * (i % 64), 0, 0, 0, 0, 1, 2, 0, 0,
                            0, 0, 0x7ffe0000 + 64 * (i % 100), 0, 0, 0))
PY
xz "$TOUR/600.perlbench.champsimtrace"

# one script: each command's output to a log of its own, a status line per command
{
	echo 'set -u'
	while IFS='	' read -r lineno cmd; do
		printf '{ %s\n} >"$LOG.%s" 2>&1 </dev/null; st=$?; echo "$st %s"\n' "$cmd" "$lineno" "$lineno"
	done < "$T/cmds"
} > "$T/tour.sh"
start=$(date +%s)
(cd "$T/checkout" && HOME=$T/home LOG=$T/tour.log sh "$T/tour.sh") > "$T/status" 2>&1
while read -r st lineno; do
	if [ "$st" = 0 ]; then ok; else
		fail "README.md:$lineno: exit $st: $(grep "^$lineno	" "$T/cmds" | cut -f2-)"
		tail -n 5 "$T/tour.log.$lineno" | sed 's/^/    /'
	fi
done < "$T/status"
[ "$(wc -l < "$T/status")" -eq "$n" ] && ok || fail "$(wc -l < "$T/status") of $n commands ran"
echo "readme: the tour took $(( $(date +%s) - start )) s"

# what the tour leaves is in the scratch folder, never in the checkout
[ "$(ls "$T/checkout")" = build ] && ok || fail "the tour wrote into the checkout: $(ls "$T/checkout")"
for f in s.dtr run.h5 fig6.png sweep.h5 l2.png merged.h5 my.dtr ls.dtr perl.dtr footprint.png; do
	[ -s "$TOUR/$f" ] && ok || fail "the tour made no $f"
done
finish

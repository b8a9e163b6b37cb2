#!/bin/sh
# End-to-end: disco import (din, lackey, champsim) and disco record; the
# traces replay natively and under the monitor.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# din: a loop over an array, with a store crossing a page and two escapes
"$PY" - "$T/a.din" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        for k in range(4):
            f.write("2 %x\n" % (0x400000 + 4 * k))
        f.write("0 %x\n" % (0x10000000 + 8 * i))
        if i % 7 == 0:
            f.write("1 %x\n" % (0x20000000 + 4 * i))
    f.write("1 10000ffe\n3 0\n4 0\n")
PY
run "import din" 0 "$DISCO" import din "$T/a.din" -o "$T/din.dtr"
has "$T/out" "din summary" 'din\.dtr: [0-9]+ references \(12000 instruction fetches in 3000 runs'
has "$T/err" "escapes counted" '2 din escape records'
run "inspect din" 0 "$DISCO" inspect "$T/din.dtr"
has "$T/out" "header format" 'import\.format = din'
has "$T/out" "header source" 'import\.source = .*a\.din'
has "$T/out" "one CPU" 'machine\.cpus = 1'
for mode in native disco; do
	run "replay din $mode" 0 "$DISCO" replay "$T/din.dtr" --mode $mode --format json
	has "$T/err" "says what an imported trace lacks" 'imported from a din trace: .*no kernel, no system calls'
	has "$T/out" "din $mode references" '"references": 15431'
	has "$T/out" "din $mode one cpu" '"ncpus": 1'
done
run "import, the user's settings win" 0 "$DISCO" import din "$T/a.din" -o "$T/din8.dtr" \
	--set machine.cpus=8 --set trace.zstd_level=3 --set machine.l2.size=256K
run "inspect settings" 0 "$DISCO" inspect "$T/din8.dtr"
hasnt "$T/out" "machine.cpus at its default" 'machine\.cpus = '
hasnt "$T/out" "zstd level at its default" 'trace\.zstd_level = '
has "$T/out" "l2 size kept" 'machine\.l2\.size = 256K'
run "import din from stdin" 0 sh -c "'$DISCO' import din - -o '$T/din2.dtr' < '$T/a.din'"
has "$T/out" "stdin summary" 'din2\.dtr: [0-9]+ references'
printf '2 400000\n0 1000\n9 1234\n' > "$T/bad.din"
run "bad din" 2 "$DISCO" import din "$T/bad.din" -o "$T/bad.dtr"
has "$T/err" "bad din names the line" 'bad\.din:3: label 9 is not a din label'
if [ -e "$T/bad.dtr" ]; then fail "bad din left a trace"; else ok; fi
run "no format" 2 "$DISCO" import dinero "$T/a.din" -o "$T/x.dtr"
run "no output" 2 "$DISCO" import din "$T/a.din"
run "no file" 2 "$DISCO" import din "$T/nonexistent" -o "$T/x.dtr"

# lackey
cat > "$T/a.lk" <<'LK'
==7== Lackey, an example Valgrind tool
==7== Command: ./prog
I  04000ef0,3
I  04000ef3,5
 S 7ff000448,8
I  04000ef8,2
 L 04016ab8,8
 M 0421c0d0,4
==7== Exit code:       0
LK
run "import lackey" 0 "$DISCO" import lackey "$T/a.lk" -o "$T/lk.dtr"
has "$T/out" "lackey summary" '7 references \(3 instruction fetches in 2 runs, 2 loads, 2 stores\)'
for mode in native disco; do
	run "replay lackey $mode" 0 "$DISCO" replay "$T/lk.dtr" --mode $mode
done
printf 'I  0400,3\n Q 1234,4\n' > "$T/bad.lk"
run "bad lackey" 2 "$DISCO" import lackey "$T/bad.lk" -o "$T/bad.dtr"
has "$T/err" "bad lackey names the line" 'bad\.lk:2: not a lackey line'

# champsim: 64-byte input_instr records, plain and xz
"$PY" - "$T/a.champsim" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    for i in range(2000):
        base = 0x401000 + (i % 50) * 16
        for k in range(3):
            ip = base + 4 * k
            br = 1 if k == 2 else 0
            loads = [0x7ffe0000 + 64 * (i % 100), 0, 0, 0] if k == 1 else [0, 0, 0, 0]
            stores = [0x600000 + 8 * i, 0] if k == 0 and i % 3 == 0 else [0, 0]
            f.write(struct.pack("<QBB2B4B2Q4Q", ip, br, br, 0, 0, 1, 2, 0, 0, *stores, *loads))
PY
run "import champsim" 0 "$DISCO" import champsim "$T/a.champsim" -o "$T/cs.dtr"
has "$T/out" "champsim summary" '6000 instruction fetches in 4667 runs, 2000 loads, 667 stores'
for mode in native disco; do
	run "replay champsim $mode" 0 "$DISCO" replay "$T/cs.dtr" --mode $mode --format json
	has "$T/out" "champsim $mode references" '"references": 8667'
done
if command -v xz >/dev/null 2>&1; then
	xz -k -c "$T/a.champsim" > "$T/a.champsim.xz"
	run "import champsim xz" 0 "$DISCO" import champsim "$T/a.champsim.xz" -o "$T/csxz.dtr"
	has "$T/out" "xz summary" '6000 instruction fetches in 4667 runs, 2000 loads, 667 stores'
fi
head -c 1000 "$T/a.champsim" > "$T/cut.champsim"
run "truncated champsim" 2 "$DISCO" import champsim "$T/cut.champsim" -o "$T/bad.dtr"
has "$T/err" "names the byte" 'cut\.champsim: byte 960: truncated record \(40 of 64 bytes\)'

run "help import" 0 "$DISCO" help import
has "$T/out" "help lists formats" 'champsim'
run "help record" 0 "$DISCO" record --help
has "$T/out" "record help" 'valgrind'

# record: a real program under valgrind, when there is one
if command -v valgrind >/dev/null 2>&1; then
	run "record /bin/true" 0 "$DISCO" record -o "$T/true.dtr" -- /bin/true
	has "$T/err" "record summary" 'true\.dtr: [0-9]+ references'
	run "inspect record" 0 "$DISCO" inspect "$T/true.dtr"
	has "$T/out" "program in header" 'import\.program = /bin/true'
	has "$T/out" "format in header" 'import\.format = lackey'
	run "replay record native" 0 "$DISCO" replay "$T/true.dtr" --mode native
	run "replay record disco" 0 "$DISCO" replay "$T/true.dtr" --mode disco
	run "record with args, failing" 0 "$DISCO" record -o "$T/sh.dtr" -- /bin/sh -c 'exit 3'
	has "$T/err" "exit status warned" 'exited with status 3'
	run "inspect args" 0 "$DISCO" inspect "$T/sh.dtr"
	has "$T/out" "args in header" 'import\.args = -c exit 3'
else
	echo "import.sh: valgrind not found, disco record not tested"
fi
finish

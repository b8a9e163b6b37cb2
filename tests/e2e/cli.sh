#!/bin/sh
# End-to-end: the command line's dispatcher, help and parameters.
. "$(dirname "$0")/lib.sh"

run "help" 0 "$DISCO" help
has "$T/out" "help lists params" '^  params '
run "no command" 2 "$DISCO"
run "unknown command" 2 "$DISCO" frobnicate
has "$T/err" "unknown command named" "no command 'frobnicate'"
run "a command's typo" 2 "$DISCO" repaly
has "$T/err" "the closest command" "no command 'repaly'; did you mean replay\?"
run "help help" 0 "$DISCO" help help
has "$T/out" "help's own usage" '^usage: disco help \[COMMAND\]'
run "help, a typo" 2 "$DISCO" help plto
has "$T/err" "the closest command" "did you mean plot\?"
# every command's help: printed as written, no printf escape left in it
"$DISCO" help >"$T/cmds"
for c in $(awk '/^  [a-z]+ /{ print $1 }' "$T/cmds"); do
	run "$c --help" 0 "$DISCO" $c --help
	hasnt "$T/out" "$c --help: no printf escapes" '%%|%s|%d|%zu'
done
run "--version" 0 "$DISCO" --version
has "$T/out" "version" '^disco [0-9]'

run "params" 0 "$DISCO" params
has "$T/out" "params lists l2 size" '^machine\.l2\.size +1M +bytes'
run "params prefix" 0 "$DISCO" params machine.tlb.
has "$T/out" "prefix keeps tlb" 'machine\.tlb\.entries'
hasnt "$T/out" "prefix drops l2" 'machine\.l2\.size'
run "params no match" 2 "$DISCO" params nothing.here
run "params --set" 0 "$DISCO" params --set machine.l2.size=256K machine.l2.size
has "$T/out" "set value shown" '^machine\.l2\.size +256K'
run "params typo" 2 "$DISCO" params --set machine.l2.sise=1M
has "$T/err" "typo suggests" "did you mean machine\.l2\.size"
run "params range" 2 "$DISCO" params --set machine.tlb.entries=100000
has "$T/err" "range stated" 'from 2 to 1024'
run "params bad size" 2 "$DISCO" params --set machine.l2.size=lots
has "$T/err" "size format stated" 'suffixes K, M, G'
run "params preset" 0 "$DISCO" params --config flash16 --changed
has "$T/out" "flash16 sets 16 cpus" '^machine\.cpus +16'
run "params missing preset" 2 "$DISCO" params --config nosuchpreset
has "$T/err" "names preset" "nosuchpreset"
printf 'machine.cpus = 4\nmachine.l2.size = 2M # bigger\n' > "$T/a.conf"
printf '# top\ninclude a.conf\nmachine.cpus = 2\n' > "$T/b.conf"
run "include" 0 "$DISCO" params --config "$T/b.conf" --format conf --changed
has "$T/out" "included value" '^machine\.l2\.size = 2M$'
has "$T/out" "later line wins" '^machine\.cpus = 2$'
printf 'machine.cpus = 4\nmachine.cpus == 3\nbogus line\n' > "$T/c.conf"
run "bad config line" 2 "$DISCO" params --config "$T/c.conf"
has "$T/err" "error names file and line" 'c\.conf:2'
printf 'include d.conf\n' > "$T/d.conf"
run "include cycle" 2 "$DISCO" params --config "$T/d.conf"
has "$T/err" "cycle reported" 'd\.conf: an include cycle \(the file includes itself\)$'
printf 'include f.conf\n' > "$T/e.conf"; printf 'include e.conf\n' > "$T/f.conf"
run "include cycle of two" 2 "$DISCO" params --config "$T/e.conf"
has "$T/err" "named as a cycle, once round" '^disco params: included from .*e\.conf:1: included from .*f\.conf:1: .*e\.conf: an include cycle'
printf 'machine.cpus = 4\0junk\n' > "$T/nul.conf"
run "a NUL byte in a config" 2 "$DISCO" params --config "$T/nul.conf"
has "$T/err" "named as such" 'nul\.conf:1: a NUL byte'
printf '\357\273\277machine.cpus = 4\n' > "$T/bom.conf"
run "a byte-order mark is skipped" 0 "$DISCO" params --config "$T/bom.conf" --format conf
has "$T/out" "the value read" '^machine\.cpus = 4$'
run "not a config file" 2 "$DISCO" params --config /etc/passwd
has "$T/err" "named as such" '^disco params: /etc/passwd:1: not a configuration file'
hasnt "$T/err" "its contents not shown" 'root'
run "a missing config file" 2 "$DISCO" params --config nonexist.conf
has "$T/err" "neither file nor preset" "^disco params: nonexist\.conf: no such file, and no preset of that name"
run "an unknown option" 2 "$DISCO" replay --bogus x.dtr
has "$T/err" "named once, as disco CMD" "^disco replay: unrecognized option '--bogus'$"
hasnt "$T/err" "no second, vaguer line" 'bad option'
run "an option without its value" 2 "$DISCO" params --set
has "$T/err" "named once" "^disco params: option '--set' requires an argument$"
# cli/cli.h is whole inside its include guard: included twice, it compiles
if command -v cc >/dev/null 2>&1 && command -v pkg-config >/dev/null 2>&1; then
	printf '#include "cli/cli.h"\n#include "cli/cli.h"\nint main(void) { return 0; }\n' > "$T/twice.c"
	run "cli.h included twice" 0 cc -std=c11 -D_GNU_SOURCE -fsyntax-only -I. $(pkg-config --cflags hdf5) "$T/twice.c"
fi
# base/ is the bottom layer: it names no folder of the layers above it
run "base/ names no upper folder" 1 grep -rEn '"(traces|machine|monitor|policies|replay|capture|analysis|cli)/' base
run "params help" 0 "$DISCO" params --help
has "$T/out" "help text" '^usage: disco params'
run "help params" 0 "$DISCO" help params
# workloads: files found by name, a bad name is a usage error
run "capture bad workload" 2 "$DISCO" capture nosuchworkload -o "$T/x.dtr"
has "$T/err" "bad workload named" "nosuchworkload"
run "capture bad --os" 2 "$DISCO" capture pmake --os irix99 -o "$T/x.dtr"
run "capture pmake irix62" 0 "$DISCO" capture pmake --os irix62 --hal disco --mode disco --scale 0.001 --set machine.cpus=1 -o "$T/p62.dtr"
has "$T/out" "pmake runs execve" 'execve'
run "inspect pmake irix62" 0 "$DISCO" inspect "$T/p62.dtr"
has "$T/out" "the 64-bit Disco's L2TLB entries" '^ *monitor\.mem\.l2tlb_entry = 32$'
run "replay pmake" 0 "$DISCO" replay "$T/p62.dtr"
has "$T/out" "16K pages kept" 'disco'
run "replay pmake natively" 0 "$DISCO" replay "$T/p62.dtr" --mode native
has "$T/out" "no L2TLB natively" '^L2TLB +n/a'

# defaults that follow what the user gave, and what a trace says of itself
run "params substring" 0 "$DISCO" params l2tlb
has "$T/out" "found inside names" '^policy\.l2tlb\.entries '
has "$T/out" "a header row" '^name +value +unit +allowed +help$'
run "params --format conf: what differs" 0 "$DISCO" params --set machine.l2.size=256K --format conf
has "$T/out" "the change" '^machine\.l2\.size = 256K$'
[ "$(wc -l < "$T/out")" -eq 1 ] && ok || fail "params --format conf wrote $(wc -l < "$T/out") lines, not 1"
run "params --format conf --all" 0 "$DISCO" params --format conf --all
has "$T/out" "every value" '^machine\.page_size = 4K$'
cp "$T/out" "$T/all.conf"
run "capture: machine.cpus follows --cpus" 0 "$DISCO" capture pmake --scale 0.001 --cpus 2 -o "$T/p2.dtr" \
	--format json
has "$T/out" "two CPUs" '"ncpus": 2,'
run "capture: machine.cpus given wins" 0 "$DISCO" capture synthetic --set capture.synth.refs=300 \
	--cpus 2 --set machine.cpus=4 -o "$T/s3.dtr" --format json
has "$T/out" "four CPUs" '"ncpus": 4,'
run "a config cannot change the mode" 2 "$DISCO" replay "$T/p62.dtr" --set machine.page_size=16K \
	--config "$T/all.conf"
has "$T/err" "names the option and why" "^disco replay: --config .*all\.conf: sets machine\.page_size = 4K, but .*p62\.dtr has 16K-byte pages"
grep -v page_size "$T/all.conf" > "$T/nops.conf"
run "nor the capture's settings" 2 "$DISCO" replay "$T/p62.dtr" --config "$T/nops.conf"
has "$T/err" "says how to change the mode" "sets capture\.[a-z.]* = .*captured with .*cannot change at replay"
run "--set capture.mode" 2 "$DISCO" replay "$T/p62.dtr" --set capture.mode=native
has "$T/err" "points to --mode" 'another mode: --mode'
run "inspect: what differs" 0 "$DISCO" inspect "$T/p62.dtr"
has "$T/out" "the capture's os" '^  capture\.os = irix62$'
hasnt "$T/out" "not the defaults" '^  machine\.l2\.size = '
has "$T/out" "says more exist" 'at their defaults: --all shows them'
run "inspect --all" 0 "$DISCO" inspect "$T/p62.dtr" --all
has "$T/out" "every value" '^  machine\.l2\.size = 1M$'
run "dump: what differs" 0 "$DISCO" dump "$T/p62.dtr" --limit 1
has "$T/out" "left out, said" '^# [0-9]+ configuration lines at their defaults left out$'
has "$T/out" "machine.cpus kept" '^\.config machine\.cpus = 1$'
for k in 0 1; do
	printf '.stream %d\npte.set asid=%d vpn=0x400 ppn=0x%d0 prot=valid\nasid %d\nload 0x400000 4 user\n' \
		$k $((k + 1)) $((k + 2)) $((k + 1))
done > "$T/two.body"
{ printf '.streams 2\n.page_size 4096\n'; cat "$T/two.body"; } > "$T/two.txt"
run "asm two streams" 0 "$DISCO" asm "$T/two.txt" -o "$T/two.dtr"
run "a header without machine.cpus: one CPU a stream" 0 "$DISCO" replay "$T/two.dtr" --format json
has "$T/out" "two CPUs" '"ncpus": 2,'

finish

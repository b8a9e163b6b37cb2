#!/bin/sh
# End-to-end: the command line's dispatcher, help and parameters.
. "$(dirname "$0")/lib.sh"

run "help" 0 "$DISCO" help
has "$T/out" "help lists params" '^  params '
run "no command" 2 "$DISCO"
run "unknown command" 2 "$DISCO" frobnicate
has "$T/err" "unknown command named" "no command 'frobnicate'"
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
has "$T/err" "cycle reported" 'nest more than'
run "params help" 0 "$DISCO" params --help
has "$T/out" "help text" '^usage: disco params'
run "help params" 0 "$DISCO" help params
# workloads: files found by name, a bad name is a usage error
run "capture bad workload" 2 "$DISCO" capture nosuchworkload -o "$T/x.dtr"
has "$T/err" "bad workload named" "nosuchworkload"
run "capture bad --os" 2 "$DISCO" capture pmake --os irix99 -o "$T/x.dtr"
run "capture pmake irix62" 0 "$DISCO" capture pmake --os irix62 --hal disco --mode disco --scale 0.001 --set machine.cpus=1 -o "$T/p62.dtr"
has "$T/out" "pmake runs execve" 'execve'
run "replay pmake" 0 "$DISCO" replay "$T/p62.dtr"
has "$T/out" "16K pages kept" 'disco'

finish

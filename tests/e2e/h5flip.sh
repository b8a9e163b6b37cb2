#!/bin/sh
# End-to-end: a flipped bit in a results file is an error, never a
# different number nor a crash.  tests/analysis/h5flip.py flips a bit in
# each dataset's data, where each attribute's value is stored, and at every
# 1999th byte, of a replay's results file (read by `results --format json`
# and `results --config`) and of a sweep file (`results --table`), and
# checks each flip gives the intact output or exit 2 with one line naming
# the file.  Needs h5py to find where the values are.
. "$(dirname "$0")/lib.sh"

PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import h5py, numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "h5flip: skipped (python3 with h5py not found)"
	exit 0
fi
FLIP="$(dirname "$0")/../analysis/h5flip.py"
# with the sanitizers: HDF5's own leaks on damaged files are not ours
LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")/../analysis" && pwd)/hdf5.supp:print_suppressions=0"
export LSAN_OPTIONS
"$DISCO" capture synthetic --set capture.synth.refs=1500 --set trace.chunk_size=4K --cpus 2 \
	--set machine.cpus=2 -o "$T/s.dtr" --quiet || { echo "FAIL: capture"; exit 1; }
run "replay -o" 0 "$DISCO" replay "$T/s.dtr" --quiet -o "$T/r.h5"
run "sweep" 0 "$DISCO" sweep "$T/s.dtr" --vary machine.tlb.entries=16,32 --quiet -o "$T/sw.h5"
mkdir "$T/w"
run "bits flipped in a run" 0 "$PY" "$FLIP" "$DISCO" "$T/r.h5" "$T/w" --stride 1999
cat "$T/out"
run "bits flipped in a sweep table" 0 "$PY" "$FLIP" "$DISCO" "$T/sw.h5" "$T/w" --table --stride 1999
cat "$T/out"
# a scalar dataset and a string attribute changed (by h5py): named
cp "$T/r.h5" "$T/l.h5"
cp "$T/r.h5" "$T/a.h5"
run "change them" 0 "$PY" -c '
import sys, h5py
h5py.File(sys.argv[1], "r+")["native/locality"][()] = 0.5
h5py.File(sys.argv[2], "r+")["native"].attrs["machine.l2.size"] = "4M"
' "$T/l.h5" "$T/a.h5"
run "results of a changed scalar" 2 "$DISCO" results "$T/l.h5"
has "$T/err" "names the file and the dataset" "^disco results: .*l\.h5: run 'native': dataset 'locality' does not match its digest"
run "results of a changed attribute" 2 "$DISCO" results "$T/a.h5" --config
has "$T/err" "names the file and the run" "^disco results: .*a\.h5: run 'native' \(its attributes and the names of its datasets\) does not match its digest"
finish

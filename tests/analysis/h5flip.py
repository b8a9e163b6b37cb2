"""Flips bits in a results file where its values are stored and checks that
`disco results` either prints what it printed for the intact file or fails
cleanly: exit 2 and one line "disco results: FILE: ..." (tests/e2e/h5flip.sh).

usage: h5flip.py DISCO FILE.h5 WORKDIR [--table] [--stride N]

Targets: every dataset's data (with --table: the sweep table's only) (its chunk, or its contiguous bytes), and every
attribute's value found in the file's bytes (numbers packed as stored,
strings of 4 bytes or more by their text, where first found); plus every
STRIDE-th byte of the file (default 997).  Prints "h5flip: N flips, M clean"; exits 1 if one was
not clean."""
import os, struct, subprocess, sys
import h5py, numpy as np

disco, path, work = sys.argv[1:4]
table = "--table" in sys.argv[4:]
stride = int(sys.argv[sys.argv.index("--stride") + 1]) if "--stride" in sys.argv else 997
img = open(path, "rb").read()
cmds = [["results", "--format", "json"], ["results", "--config"]]
if table:
    cmds = [["results", "--table", "--format", "csv"]]


def outputs(p):
    """Each command's (status, out, err), stopping at the first failure."""
    res = []
    for c in cmds:
        r = subprocess.run([disco, c[0], p] + c[1:], capture_output=True)
        res.append((r.returncode, r.stdout, r.stderr))
        if r.returncode:
            break
    return res


want = outputs(path)
assert all(rc == 0 for rc, _, _ in want), want

targets = {}   # offset -> what


def add(off, what):
    if 0 <= off < len(img) and off not in targets:
        targets[off] = what


def find_all(pat, what, most=1):
    if len(pat) < 4:
        return
    at, k = img.find(pat), 0
    while at >= 0 and k < most:
        add(at + len(pat) // 2, what)
        at, k = img.find(pat, at + 1), k + 1


def attr_values(name, obj):
    for k, v in obj.attrs.items():
        what = "attribute %s of %s" % (k, name)
        vals = np.atleast_1d(v)
        for x in vals[:8]:
            if isinstance(x, (bytes, str)):
                b = x.encode() if isinstance(x, str) else x
                find_all(b, what)
            elif isinstance(x, (np.integer, np.floating)):
                find_all(np.array([x]).astype(x.dtype.newbyteorder("<")).tobytes(), what)


f = h5py.File(path, "r")
attr_values("/", f)


def visit(name, obj):
    attr_values(name, obj)
    if isinstance(obj, h5py.Dataset) and obj.size:
        if obj.chunks:
            ci = obj.id.get_chunk_info(0)
            for d in (0, ci.size // 2, ci.size - 1):
                add(ci.byte_offset + d, "dataset " + name)
        else:
            off, n = obj.id.get_offset(), obj.id.get_storage_size()
            if off is not None:
                for d in range(0, n, max(1, n // 8)):
                    add(off + d, "dataset " + name)


if table:   # the table and the file's attributes (the runs are tried without --table)
    visit("sweep", f["sweep"])
else:
    f.visititems(visit)
f.close()
for off in range(0, len(img), stride):
    add(off, "byte %d" % off)

bad = 0
flip = os.path.join(work, "flip.h5")
for n, off in enumerate(sorted(targets)):
    d = bytearray(img)
    d[off] ^= 1 << (n % 8)
    open(flip, "wb").write(d)
    for (rc, out, err), (_, out0, _) in zip(outputs(flip), want):
        lines = err.decode(errors="replace").splitlines()
        if rc == 0 and out == out0:
            continue
        if rc == 2 and len(lines) == 1 and lines[0].startswith("disco results: " + flip + ": "):
            continue
        bad += 1
        print("FAIL: byte %d (%s), bit %d: exit %d, %s" % (off, targets[off], n % 8, rc,
              (lines[:2] if rc else "a different output")))
        break
print("h5flip: %d flips, %d clean" % (len(targets), len(targets) - bad))
sys.exit(1 if bad else 0)

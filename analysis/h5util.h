/*
 * HDF5 helpers shared by the results files (results_h5.c) and the sweep
 * tables (sweep.c).  Internal to analysis/.
 */
#ifndef ANALYSIS_H5UTIL_H
#define ANALYSIS_H5UTIL_H

#include <hdf5.h>

#include "base/err.h"

/* Silence HDF5's own error printing: every failure is reported through a
 * sim_err naming the file instead. */
void an_h5_quiet(void);

/* A variable-length UTF-8 string type (close it with H5Tclose), or -1. */
hid_t an_h5_str_type(void);

/* A dataset creation list for a dataset of the given shape stored with
 * HDF5's Fletcher-32 checksum (as one chunk), which HDF5 verifies on every
 * read: a flipped bit is an error, not a wrong number.  H5P_DEFAULT (no
 * checksum) for an empty shape.  Close with an_h5_dcpl_close. */
hid_t an_h5_dcpl(int rank, const hsize_t *dims);
void an_h5_dcpl_close(hid_t dcpl);

/* A transfer list whose type conversion buffer holds `bytes` (at least the
 * largest element, converted, of what is read or written): HDF5 otherwise
 * allocates and clears 1 MiB for each read or write that converts a
 * compound, such as a run's one-record `counters`.  H5P_DEFAULT if it
 * cannot be made.  Close with an_h5_dxpl_close. */
hid_t an_h5_dxpl(size_t bytes);
void an_h5_dxpl_close(hid_t dxpl);

/* Writing a results file happens in memory, never in place on disk, so a
 * failed write cannot leave it half-updated (nor HDF5 with a half-closed
 * file): an_h5_fapl_mem() is a file access list for HDF5's core driver
 * without a backing store (H5Fcreate then touches no file, H5Fopen reads the
 * file whole); an_h5_write_image() renews the root's digest, flushes fid,
 * takes its image and writes it to path through base/outfile.h (temporary
 * file, fsync, rename), leaving fid open for more; an_h5_commit() does that
 * and closes fid (in every case).  Returns SIM_OK or SIM_EIO/ENOMEM naming
 * path. */
hid_t an_h5_fapl_mem(void);
/* A group's links kept in its object header, never in a dense store (a
 * fractal heap and B-tree): HDF5 1.10 frees an unset pointer when a
 * damaged dense link store fails its checksum, which ASan reports as a
 * crash; a damaged object header fails cleanly.  gcpl: a group (or file)
 * creation list.  0, or -1. */
int an_h5_links_compact(hid_t gcpl);
#define AN_H5_MAX_COMPACT 65535   /* the most links HDF5 keeps in a header */
/* The HDF5 file of a results file open for writing (results.h), for the
 * sweep tables' own datasets and attributes; valid until an_close. */
struct an_file;
hid_t an_file_hid(struct an_file *f);
/* The HDF5 file of a reader (results.h), valid until an_reader_close. */
struct an_reader;
hid_t an_reader_hid(struct an_reader *rd);
int an_h5_write_image(hid_t fid, const char *path, struct sim_err *err);
int an_h5_commit(hid_t fid, const char *path, struct sim_err *err);

/* Digests.  HDF5 checksums a chunked dataset's data (Fletcher-32, above)
 * and, in this file format, its object headers; it does not checksum
 * attribute values kept in a heap, variable-length strings or a scalar
 * dataset's data.  So every group and dataset gets a "digest" attribute
 * once written whole, from its writer (an_h5_seal below: a run when it is
 * added, the sweep table when it is replaced): XXH3-64 of a dataset's values
 * and attributes, of a group's attributes and member names (the root's
 * attributes only); each commit renews the root's, and only that, so its
 * cost does not grow with the runs in the file.  Objects already written are
 * not sealed again: one damaged since is never given a new digest.  A file
 * from before digests keeps its objects without one.  an_h5_check()
 * recomputes obj's and compares:
 * SIM_ECORRUPT "PATH: WHAT does not match its digest" if it differs,
 * SIM_OK if it matches or obj has none (files from before digests).
 * an_h5_check_group() checks group g (its attributes) and each of its
 * datasets, naming the one that differs. */
int an_h5_check(hid_t obj, const char *path, const char *what, struct sim_err *err);
/* Give obj its digest (a group: each of its members without one first),
 * once it is written whole.  0, or -1 (HDF5 failed, out of memory). */
int an_h5_seal(hid_t obj);
int an_h5_check_group(hid_t g, const char *path, const char *what, struct sim_err *err);
/* Before HDF5 reads a file: its global heap collections (the strings),
 * which HDF5 neither checksums nor bounds-checks, are well formed.
 * SIM_ECORRUPT naming the byte if not; SIM_OK also when path cannot be read
 * or is not HDF5 (the open that follows reports it). */
int an_h5_check_heaps(const char *path, struct sim_err *err);
/* an_h5_check() of the root group of file fid ("the file's attributes"). */
int an_h5_check_root(hid_t fid, const char *path, struct sim_err *err);

#endif

/*
 * Results files (DESIGN 11): one HDF5 file holds one group per run, each with
 * the run's configuration as attributes and its numbers as plain datasets
 * whose columns are named by attributes.  The layout is in analysis/RESULTS.md.
 */
#ifndef ANALYSIS_RESULTS_H
#define ANALYSIS_RESULTS_H

#include <stddef.h>

#include "base/err.h"
#include "base/params.h"
#include "replay/replay.h"

#define AN_RESULTS_VERSION 1    /* root attribute disco_results_version */

typedef struct an_file an_file;

/* Modes of an_open. */
#define AN_CREATE 1   /* a new file, replacing any file at the path */
#define AN_APPEND 2   /* add groups to an existing file (created as AN_CREATE if absent,
                       * empty or a device) */

/* Open and close a results file for writing.  Either mode builds the file in
 * memory and an_close writes it whole: to a temporary file beside the path,
 * synced and renamed over it (base/outfile.h), so the path holds either the
 * old file or the new one, whatever fails.  Callers that append often (a
 * sweep) keep the file open and an_commit it after each batch of runs, so an
 * interruption keeps every batch committed before it: an_commit writes the
 * file as an_close does but leaves f open, and returns an_close's errors;
 * the file is read and checked only at an_open, and a commit costs about
 * what writing the file costs.  an_open refuses at once a path that cannot
 * be written (a folder, a FIFO).  an_close returns the first failure to write
 * a run in the session (a refused run name does not count; nothing is
 * written then), or its own (the write, naming the file and errno); an_abort
 * discards the changes.  Both free f (NULL is allowed). */
int an_open(an_file **out, const char *path, int mode, struct sim_err *err);
/* an_open() of a file about to get `runs` runs (a sweep's points, a merge's
 * inputs): a file it creates has room for their names in its root (HDF5's
 * estimate of its links), where it would otherwise grow a piece at a time,
 * and each run added cost more than the last (adding 4,000 runs took 32 s
 * where it now takes 15: bench_results).  Runs past the estimate are added as without one.
 * runs = 0: an_open(). */
int an_open_expect(an_file **out, const char *path, int mode, size_t runs, struct sim_err *err);
/* path made an empty results file for `runs` runs (an_open_expect) if
 * nothing is there yet; an existing file is left as it is. */
int an_ensure(const char *path, size_t runs, struct sim_err *err);
int an_commit(an_file *f, struct sim_err *err);
int an_close(an_file *f, struct sim_err *err);
void an_abort(an_file *f);

/* Add one run as group `group` (a name without '/', not starting with '.').
 * c (may be NULL) gives one string attribute per parameter; trace_path (may be
 * NULL) is stored as the attribute `trace`.  SIM_EINVAL if the group exists. */
int an_add_run(an_file *f, const char *group, const cfg *c, const struct rpl_results *r,
	       const char *trace_path, struct sim_err *err);
/* 1 if the file open for writing already has a group of that name (resume). */
int an_has_run(an_file *f, const char *group);
/* Remove run `group` from the file open for writing (a run replaced by a new
 * one of the same name); SIM_EINVAL if there is none.  The file on disk
 * changes only at an_close. */
int an_remove_run(an_file *f, const char *group, struct sim_err *err);

/* A new file holding runs r[0..n-1] named names[k], each with its
 * configuration cs[k]: an_open(AN_CREATE), an_add_run each, an_close (or
 * an_abort on an error: nothing is left half written). */
int an_write_runs(const char *path, int n, const char *const *names, cfg *const *cs,
		  const struct rpl_results *r, const char *trace_path, struct sim_err *err);
/* A new file holding one run: an_write_runs with n = 1. */
int an_write_results(const char *path, const char *group_name, const cfg *c,
		     const struct rpl_results *r, const char *trace_path, struct sim_err *err);

/* Reading.  an_list_runs gives the group names in the order they were written
 * (name order for files that did not track it); free with an_free_names.
 * Errors name the file: SIM_EINVAL when it does not exist, SIM_ECORRUPT when it
 * is not HDF5 or lacks a dataset, SIM_EVERSION when it is newer than us. */
int an_list_runs(const char *path, char ***names, size_t *n, struct sim_err *err);
void an_free_names(char **names, size_t n);

/* Load group `group` (NULL: the only group; an error if there are several)
 * into r (r->cpu allocated with sim_malloc: free with an_results_free).  If
 * config_text is not NULL it gets "name = value\n" lines of the stored
 * configuration (malloc'd, "" if none), and trace_path (if not NULL) the
 * stored trace path (malloc'd, "" if none). */
int an_read_results(const char *path, const char *group, struct rpl_results *r,
		    char **config_text, char **trace_path, struct sim_err *err);
void an_results_free(struct rpl_results *r);   /* frees r->cpu, not r */

/* Reading many runs of one file: an_reader_open opens it and checks what
 * the whole file shares (that it is HDF5, its heap of strings, its version,
 * the root's digest) once; an_reader_read then checks the digests of only
 * the run it reads, as an_read_results does (which is an_reader_open +
 * an_reader_read + an_reader_close).  Same errors as above.  An open reader
 * keeps the file open: close it with an_reader_close (NULL allowed). */
typedef struct an_reader an_reader;
int an_reader_open(an_reader **out, const char *path, struct sim_err *err);
int an_reader_list(an_reader *rd, char ***names, size_t *n, struct sim_err *err);
int an_reader_read(an_reader *rd, const char *group, struct rpl_results *r, char **config_text,
		   char **trace_path, struct sim_err *err);
const char *an_reader_path(const an_reader *rd);
void an_reader_close(an_reader *rd);
/* A reader of the file f open for writing, as it is in memory (runs added
 * in the session included); valid until f is closed. */
int an_reader_of_file(an_reader **out, an_file *f, struct sim_err *err);

/* Fraction of L2 misses served by local memory, in [0, 1]; -1 if no misses. */
double an_locality(const struct rpl_results *r);

#endif

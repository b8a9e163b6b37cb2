/*
 * Sweep files (DESIGN 8, 11): a results file whose runs are the points of a
 * sweep, keyed by a hash of their configuration, plus a table with one row
 * per point (the dataset `sweep`, layout in analysis/RESULTS.md), built from
 * the runs themselves so that it can be rebuilt at any time.
 */
#ifndef ANALYSIS_SWEEP_H
#define ANALYSIS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

/* A point's run name: "p" + 16 hex digits of the point's hash + "-" + 8 hex
 * digits of the trace's fingerprint (rpl_trace_tag).  buf needs 28 bytes. */
void an_sweep_key(char *buf, size_t n, uint64_t point_hash, uint64_t trace_tag);

/* A table in memory: columns of one kind each. */
enum an_col_kind { AN_COL_STR, AN_COL_F64, AN_COL_I64 };

struct an_col {
	char name[160];
	int kind;              /* enum an_col_kind */
	char unit[32];         /* "cycles", "s", "fraction", "count", "" */
	char **s;              /* [nrows], AN_COL_STR (malloc'd strings) */
	double *f;             /* [nrows], AN_COL_F64 */
	int64_t *i;            /* [nrows], AN_COL_I64 */
};

struct an_table {
	int nrows, ncols;
	struct an_col *cols;
	int nparams;           /* cols[first_param .. first_param + nparams) are the varied parameters */
	int first_param;
	int replicated;        /* 1: figures are <fig>_mean, _sd, _ci95 columns */
};

void an_table_free(struct an_table *t);
/* Index of the column named name, or -1. */
int an_table_col(const struct an_table *t, const char *name);
/* Column c of row r as text ("%.10g" for numbers, "nan" for NaN). */
void an_table_cell(const struct an_table *t, int c, int r, char *buf, size_t n);

/* Record the names given to --vary in the file's root attribute sweep_vary
 * (the union with what is there).  Creates the file when absent. */
int an_sweep_note_vary(const char *path, const char *const *names, int n, struct sim_err *err);

/* The values given to --vary name, in the order given (root attribute
 * "sweep_order:NAME", the union with what is there): a plot draws text
 * values in this order.  an_sweep_read_order gives none (*n = 0) when the
 * file did not record them; free with an_sweep_free_order. */
int an_sweep_note_order(const char *path, const char *name, const char *const *values, int n,
			struct sim_err *err);
int an_sweep_read_order(const char *path, const char *name, char ***values, int *n, struct sim_err *err);
void an_sweep_free_order(char **values, int n);

/* Build the table from every run of the file: one row per point (the seed
 * replicas of one point, runs alike but for machine.tlb.seed, make one row),
 * a column per varied parameter (sweep_vary, and any parameter whose value
 * differs between runs), and the headline figures, with mean, sd and ci95
 * (analysis/stats.h) when points have several replicas.  proto (may be
 * NULL) is a cfg holding every parameter table: it gives the parameters'
 * units. */
int an_sweep_table_build(const char *path, const cfg *proto, struct an_table *t, struct sim_err *err);

/* Build the table and write it as the dataset `sweep` (replacing the old one:
 * written under a hidden name and renamed), in one session of the file
 * (results.h: read and checked once, written once).  *nrows (may be NULL)
 * gets its row count. */
int an_sweep_table_write(const char *path, const cfg *proto, int *nrows, struct sim_err *err);

/* Read the dataset `sweep` back (any compound of strings, floats and
 * integers).  SIM_EINVAL when the file has none. */
int an_sweep_table_read(const char *path, struct an_table *t, struct sim_err *err);

/* Copy every run of the files in[0..nin-1] that out lacks into out (created
 * when absent), each through an_add_run (so written whole or not at all);
 * a run's stored configuration is parsed over a copy of proto (a cfg holding
 * every parameter table).  The union of their sweep_vary goes to out, and
 * the table of all its runs (as an_sweep_table_write).  Each input is opened
 * and checked once; out is written once, only if every input was read.
 * *added, *present and *nrows (may be NULL) count the runs copied, those out
 * had already and the table's rows.  progress (may be NULL) is called with
 * progress_ctx after each input is read (done of nin, the runs added so
 * far), and once more with done = nin before out is written. */
typedef void an_merge_progress(void *ctx, int done, int nin, int added);
int an_sweep_merge(const char *out, const char *const *in, int nin, const cfg *proto,
		   int *added, int *present, int *nrows, an_merge_progress *progress, void *progress_ctx,
		   struct sim_err *err);

#endif

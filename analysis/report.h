/*
 * Printing a run's results for people (an aligned table) and for programs
 * (CSV, JSON).  The caller owns the FILE; nothing goes to stderr.
 */
#ifndef ANALYSIS_REPORT_H
#define ANALYSIS_REPORT_H

#include <stdio.h>

#include "replay/replay.h"

enum an_format { AN_FMT_TABLE, AN_FMT_CSV, AN_FMT_JSON };

/* "table", "csv" or "json" into *fmt; SIM_EINVAL otherwise. */
int an_format_parse(const char *s, int *fmt);

#define AN_PRINT_NOHEADER 1   /* CSV: no header line (second and later runs) */

/* Print r in format.  run (may be NULL) names the run: a heading in the
 * table, a first column "run" in CSV, a key "run" in JSON.  CSV is long form,
 * one "metric,value" row per number.  JSON is one object, newline-ended.
 * Returns 0, or SIM_EIO if writing f failed. */
int an_print_run(FILE *f, const char *run, const struct rpl_results *r, int format, int flags);
int an_print_results(FILE *f, const struct rpl_results *r, int format);

/* One CSV field, quoted when it holds a comma, a quote or a line break. */
void an_csv_str(FILE *f, const char *s);

#endif

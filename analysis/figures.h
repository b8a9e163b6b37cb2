/*
 * `disco figures`: every reproduction that exists, end to end (capture,
 * replay, results, plots), into one folder with report.md (model beside
 * paper) and numbers.json (reproduced numbers under the ids of
 * ../shared/paper/TARGETS.md).
 */
#ifndef ANALYSIS_FIGURES_H
#define ANALYSIS_FIGURES_H

#include <stdio.h>

#include "base/err.h"
#include "base/params.h"

struct an_fig_opts {
	int full;              /* 0: --quick (minutes on 2 cores); 1: --full */
	const char *outdir;
	const cfg *base;       /* every parameter at its default, plus the user's --set */
	FILE *log;             /* one line per step (NULL: quiet) */
};

int an_figures(const struct an_fig_opts *o, struct sim_err *err);

#endif

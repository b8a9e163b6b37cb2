/*
 * Figure 8's Radix bars (paper 5.4): SPLASH-2 radix on IRIX on the bare
 * machine against radix on SPLASHOS under the monitor, 8 CPUs.
 */
#ifndef ANALYSIS_FIG8RADIX_H
#define ANALYSIS_FIG8RADIX_H

#include <stdio.h>

#include "analysis/fig9.h"
#include "analysis/figures.h"
#include "replay/replay.h"

enum { AN_RX_IRIX, AN_RX_SPLASHOS, AN_RX_RUNS };

struct an_fig8r {
	int ok;
	double scale;            /* capture.scale of the runs */
	struct rpl_results r[AN_RX_RUNS];
	char note[512];          /* the plot not drawn, and why */
	cfg *c[AN_RX_RUNS];      /* the jobs': each capture's configuration */
	struct an_fig8r_job { struct an_fig8r *f; int run; } job[AN_RX_RUNS];
};

/* Add a capture of both runs to p (no trace is written), into f (which
 * must stay where it is until an_fig8r_free). */
int an_fig8r_jobs(const struct an_fig_opts *o, struct an_fig8r *f, struct an_fig_plan *p,
		  struct sim_err *err);
/* Once they have run: write DIR/fig8radix.{h5,png}. */
int an_fig8r_finish(const struct an_fig_opts *o, struct an_fig8r *f, struct sim_err *err);
/* The report's section, each number through num. */
void an_fig8r_report(FILE *md, const struct an_fig8r *f, an_num_fn num, void *ctx);
void an_fig8r_free(struct an_fig8r *f);

#endif

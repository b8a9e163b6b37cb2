/*
 * Figure 9 of the paper: page migration and replication on the NUMA
 * machine, for the engineering workload on 8 CPUs and raytrace on 16 CPUs
 * with a 256 KB L2 (paper 5.5).
 */
#ifndef ANALYSIS_FIG9_H
#define ANALYSIS_FIG9_H

#include <stdio.h>

#include "analysis/figures.h"
#include "replay/replay.h"

enum { AN_F9_NUMA, AN_F9_DISCO, AN_F9_UMA, AN_F9_ORACLE, AN_F9_RUNS };

struct an_fig9_w {
	const char *workload;
	int ok;
	struct rpl_results r[AN_F9_RUNS];
	/* the jobs': each capture's configuration and trace (AN_F9_NUMA,
	 * AN_F9_DISCO, AN_F9_UMA; c[AN_F9_UMA] NULL when UMA is a replay) */
	cfg *c[AN_F9_ORACLE];
	char trace[AN_F9_ORACLE][4096];
	struct an_fig9_job { struct an_fig9_w *w; int run; } job[AN_F9_RUNS];
};

struct an_fig9 {
	struct an_fig9_w w[2];   /* engineering, raytrace */
	char note[512];          /* plots not drawn, and why */
};

/* Add the captures and replays of both workloads to p (into f, which
 * must stay where it is until an_fig9_free): DIR/fig9-W-*.dtr, each
 * deleted by the job that reads it last unless o->keep_traces. */
int an_fig9_jobs(const struct an_fig_opts *o, struct an_fig9 *f, struct an_fig_plan *p,
		 struct sim_err *err);
/* Once they have run: write DIR/fig9-W.h5 and draw DIR/fig9.png. */
int an_fig9_finish(const struct an_fig_opts *o, struct an_fig9 *f, struct sim_err *err);

/* The report's section, and each number through num(ctx, id, paper, model, unit). */
typedef void (*an_num_fn)(void *ctx, const char *id, double paper, double model, const char *unit);
void an_fig9_report(FILE *md, const struct an_fig9 *f, an_num_fn num, void *ctx);
void an_fig9_free(struct an_fig9 *f);

#endif

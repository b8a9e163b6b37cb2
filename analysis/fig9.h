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
};

struct an_fig9 {
	struct an_fig9_w w[2];   /* engineering, raytrace */
	char note[512];          /* plots not drawn, and why */
};

/* Capture and replay both workloads, write DIR/fig9-W.{dtr,h5,png}. */
int an_fig9_run(const struct an_fig_opts *o, struct an_fig9 *f, struct sim_err *err);

/* The report's section, and each number through num(ctx, id, paper, model, unit). */
typedef void (*an_num_fn)(void *ctx, const char *id, double paper, double model, const char *unit);
void an_fig9_report(FILE *md, const struct an_fig9 *f, an_num_fn num, void *ctx);
void an_fig9_free(struct an_fig9 *f);

#endif

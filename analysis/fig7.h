/*
 * Figures 7 and 8 of the paper: the memory footprint (5.3) and the
 * execution time (5.4) of eight Pmake copies on IRIX, on 1, 2, 4 and 8
 * virtual machines, and on 8 with NFS: one set of runs for both.
 */
#ifndef ANALYSIS_FIG7_H
#define ANALYSIS_FIG7_H

#include <stdio.h>

#include "analysis/fig9.h"
#include "analysis/figures.h"
#include "replay/replay.h"

enum { AN_F7_IRIX, AN_F7_1VM, AN_F7_2VM, AN_F7_4VM, AN_F7_8VM, AN_F7_NFS, AN_F7_RUNS };

struct an_fig7 {
	int ok;
	struct rpl_results r[AN_F7_RUNS];
	char note[512];          /* the plot not drawn, and why */
	char note8[512];         /* Figure 8's plot not drawn, and why */
	uint64_t page_size;      /* machine.page_size */
	uint64_t machine_mb;     /* machine.mem.size, in MB */
	uint64_t nfs_configured_mb;   /* the memory of 8VMs/NFS's VMs, summed */
	cfg *c[AN_F7_RUNS];      /* the jobs': each capture's configuration */
	struct an_fig7_job { struct an_fig7 *f; int run; } job[AN_F7_RUNS];
};

/* Add a capture of each configuration to p, into f (which must stay where
 * it is until an_fig7_free); no trace is written: the footprint is the
 * capture's own, which a replay of its trace reproduces. */
int an_fig7_jobs(const struct an_fig_opts *o, struct an_fig7 *f, struct an_fig_plan *p,
		 struct sim_err *err);
/* Once they have run: write DIR/fig7.h5, draw DIR/fig7.png and fig8.png. */
int an_fig7_finish(const struct an_fig_opts *o, struct an_fig7 *f, struct sim_err *err);
/* The report's section, and each number through num. */
void an_fig7_report(FILE *md, const struct an_fig7 *f, an_num_fn num, void *ctx);
/* Of the paper's statements the section checks: how many (*total) and
 * how many hold (*held); 0 and 0 when the figure did not run. */
void an_fig7_count(const struct an_fig7 *f, int *held, int *total);
/* Figure 8's Pmake half: the same runs' time, its section and statements
 * (counted as for Figure 7). */
void an_fig8_report(FILE *md, const struct an_fig7 *f, an_num_fn num, void *ctx);
void an_fig8_count(const struct an_fig7 *f, int *held, int *total);
void an_fig7_free(struct an_fig7 *f);

#endif

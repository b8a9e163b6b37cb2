/*
 * `disco figures`: every reproduction that exists, end to end (capture,
 * replay, results, plots), into one folder with report.md (model beside
 * paper) and numbers.json (reproduced numbers under the ids of
 * ../shared/paper/TARGETS.md).
 */
#ifndef ANALYSIS_FIGURES_H
#define ANALYSIS_FIGURES_H

#include <signal.h>
#include <stdio.h>

#include "analysis/jobs.h"
#include "base/err.h"
#include "analysis/scorecard.h"
#include "base/params.h"
#include "replay/replay.h"

struct an_fig_opts {
	int full;              /* 0: --quick (minutes on 2 cores); 1: --full */
	const char *outdir;
	const cfg *base;       /* every parameter at its default, plus the user's --set */
	FILE *log;             /* one line per step (NULL: quiet) */
	const char *only;      /* comma-separated: fig6, table2, table3, fig7, fig9, synthetic; NULL: all */
	int keep_traces;       /* 0: the traces the run writes are deleted once used */
	struct an_scores *scores;   /* when not NULL: receives every number the report states */
	rpl_progress_fn progress;   /* called during each capture and replay (NULL: none) */
	void *progress_ctx;
	double start;          /* CLOCK_MONOTONIC seconds when the run began: each log
				* line gives the time since (0: no times) */
	int live_line;         /* progress redraws one line of the log (a terminal):
				* a log line first clears it */
	int jobs;              /* captures and replays at once, in worker processes
				* (an_jobs_run); 0 or 1: one after another, here */
	volatile sig_atomic_t *stop;   /* may be NULL: set by a signal handler, stops the
					* workers (with jobs > 1) */
	/* may be NULL: the progress context for the job named label, in the
	 * process that runs it (progress_ctx otherwise); with workers and a
	 * live line, label "every job so far" names the one line they share */
	void *(*progress_job)(void *progress_ctx, const char *label);
};

/* One line of the log, "figures: M:SS what" (printf-like; nothing when
 * o->log is NULL). */
void an_fig_say(const struct an_fig_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is reproduction `key` selected by o->only?  an_figures_check_only tells
 * whether every word of o->only is a known one. */
int an_figures_want(const struct an_fig_opts *o, const char *key);
int an_figures_check_only(const char *only, struct sim_err *err);

/* Every reproduction o->only selects, into o->outdir: captures and
 * replays o->jobs at once (figures.c, "A run goes in three steps"), then
 * the results, plots, report.md and numbers.json. */
int an_figures(const struct an_fig_opts *o, struct sim_err *err);

/* The same figures once per seed (capture.seed = seeds[i], i < n), each
 * into o->outdir/seed-N/ with its own report (one seed after another, each
 * with its o->jobs workers: a seed's traces are gone before the next
 * seed's are written), then o->outdir/report.md and
 * numbers.json over the seeds: each scored number's value per seed, mean,
 * range and verdict on the mean (an_scorecard_seeds_write). */
int an_figures_seeds(const struct an_fig_opts *o, const long long *seeds, int n, struct sim_err *err);

/* The configuration of a capture of workload on preset with the
 * assignments sets[0..nsets-1] (name, value) over o->base, into *out (free
 * with cfg_free). */
int an_fig_capture_cfg(const struct an_fig_opts *o, const char *preset, const char *workload,
		       const char *(*sets)[2], size_t nsets, cfg **out, struct sim_err *err);
/* Capture under c into trace (NULL: none written); the capture's results
 * go to *res. */
int an_fig_capture(const struct an_fig_opts *o, const cfg *c, const char *trace, struct rpl_results *res,
		   struct sim_err *err);

/* The jobs of one run of the figures (one seed): each reproduction adds
 * its captures and replays, an_jobs_run runs them, then each draws and
 * writes what needs them all. */
#define AN_FIG_MAXJOBS 64
typedef int (*an_fig_job_fn)(const struct an_fig_opts *o, void *ctx, struct sim_err *err);
struct an_fig_job {
	const struct an_fig_opts *o;
	an_fig_job_fn run;
	void *ctx;
	const char *label;   /* the job's */
};
struct an_fig_plan {
	struct an_job job[AN_FIG_MAXJOBS];   /* job[k].ctx = &fj[k] */
	struct an_fig_job fj[AN_FIG_MAXJOBS];
	int n;
};
/* Add the job run(o', ctx) to p, o' being *o with its progress named by
 * the label (printf-like); its outputs, `after` and cost are the caller's
 * to set (an_job).  Returns the job (its index: the job - p->job), or NULL
 * when p is full. */
struct an_job *an_fig_job(struct an_fig_plan *p, const struct an_fig_opts *o, an_fig_job_fn run,
			  void *ctx, double cost, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif

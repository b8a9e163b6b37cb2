/*
 * Jobs: independent pieces of work (a capture, a replay) run one after
 * another in this process, or side by side in forked worker processes that
 * send back the memory each job fills.  `disco figures -j N` runs its
 * captures and replays so.
 */
#ifndef ANALYSIS_JOBS_H
#define ANALYSIS_JOBS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "replay/replay.h"

#define AN_JOB_MAXRES 8

/* One job.  run(ctx, err) does the work and fills the job's outputs: mem
 * (memlen plain bytes) and the results res[0..nres-1], which may lie inside
 * mem.  In a worker those are filled in the worker's copy of this process's
 * memory and copied back to the same addresses here, mem first, then each
 * result with its per-CPU array and samples (rpl_results_pack): so mem must
 * hold no pointer to memory the job allocates, other than those results'.
 * Files the job writes are its own: no other job may write them. */
struct an_job {
	char label[160];       /* names the job in log lines and errors */
	int (*run)(void *ctx, struct sim_err *err);
	void *ctx;
	int after;             /* the index of a job that must end first (its files
				* complete), always a lower one; -1: none */
	void *mem;             /* may be NULL */
	size_t memlen;
	struct rpl_results *res[AN_JOB_MAXRES];
	int nres;
	double cost;           /* a guess at its run time (any unit, the same for every
				* job): with workers, the costliest job ready starts
				* first; with one, the order is the array's */
};

struct an_jobs_opts {
	int jobs;                      /* worker processes at once; 1: every job in this
					* process, in order, as a plain loop would */
	volatile sig_atomic_t *stop;   /* may be NULL; when it becomes non-zero (a signal
					* handler), workers are killed and the run returns */
	/* may be NULL: called in this process as each job starts and as it ends
	 * (ok: it succeeded) */
	void (*started)(void *ctx, const struct an_job *j);
	void (*ended)(void *ctx, const struct an_job *j, int ok);
	void *ctx;
	/* may be NULL: with workers, called in this process now and then with
	 * the records and cycles of every job so far, as their runs told
	 * an_jobs_progress: one progress line for all the workers */
	rpl_progress_fn progress;
	void *progress_ctx;
};

/* A progress callback (rpl_progress_fn, ctx unused) for a job's run: in a
 * worker, it tells o->progress in the caller, at most four times a second;
 * in the calling process (o->jobs == 1) it does nothing. */
void an_jobs_progress(void *ctx, uint64_t records, uint64_t cycles);

/**
 * an_jobs_run - run every job, at most o->jobs at once
 * @jobs, @n: the jobs; a job starts once its `after` has ended (with workers,
 *	the costliest first among those ready; with one, in order)
 * @o: workers, stop flag, callbacks
 *
 * With o->jobs > 1 each job runs in a forked worker that ends with _exit
 * (it never returns to the caller's code, flushes stdio or closes the
 * caller's files); its outputs come back over a pipe and are copied in
 * only when the worker has ended well, so a job's outputs here are either
 * complete or untouched.  Returns 0 when every job succeeded; otherwise the
 * first error, prefixed with the failing job's label, after killing and
 * reaping every other worker (a worker killed by a signal or ending without
 * its outputs is an error too); SIM_EIO "interrupted" when *o->stop was
 * set.  Jobs that ended well keep their outputs: the caller frees them as
 * after a complete run.
 */
int an_jobs_run(struct an_job *jobs, int n, const struct an_jobs_opts *o, struct sim_err *err);

/* The number of jobs `disco figures` runs at once by default: the CPUs the
 * process may use (base/cpus.h), at most AN_JOBS_DEFAULT_MAX (the figures have few long jobs; more
 * workers would only add memory). */
#define AN_JOBS_DEFAULT_MAX 8
int an_jobs_default(void);

#endif

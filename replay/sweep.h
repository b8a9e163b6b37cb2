/*
 * Sweeps (DESIGN 8): the cartesian product of parameter values over one or
 * more traces, each point a full configuration keyed by a hash of it, so an
 * interrupted sweep resumes by skipping the points already done.
 */
#ifndef REPLAY_SWEEP_H
#define REPLAY_SWEEP_H

#include <signal.h>
#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

#define RPL_MAX_VALUES 256

/* One --vary: a parameter and its values (as text). */
struct rpl_vary {
	char name[128];
	int nvals;
	char *vals[RPL_MAX_VALUES];   /* malloc'd */
};

/* Parse "name=v1,v2,..." or "name=lo:hi:step" (numbers, hi included when
 * the steps land on it).  Values are checked against the parameter table of
 * c.  Returns 0 or SIM_EINVAL with the reason. */
int rpl_vary_parse(const cfg *c, const char *spec, struct rpl_vary *v, struct sim_err *err);
void rpl_vary_free(struct rpl_vary *v);

struct rpl_point {
	cfg *c;               /* base + this point's values (+ machine.tlb.seed) */
	int mode;
	uint64_t hash;        /* cfg_hash of c, mixed with the mode */
	int seed;             /* 0..nseeds-1 */
	char label[512];      /* "name=value name=value seed=k" */
};

/* 0 if parameter `name` cannot change a replay in `mode` (RPL_NATIVE,
 * RPL_DISCO, RPL_UMA), 1 if it can: without the monitor, its costs
 * (monitor.cost.*), its memory (monitor.mem.*), its L2TLB (policy.l2tlb*)
 * and its vCPU scheduler (policy.sched: CPUs are pinned) play no part.  A
 * sweep replays such points once. */
int rpl_param_matters(const char *name, int mode);
/* The hash of c as far as a replay in `mode` can tell: cfg_hash with the
 * parameters that do not matter in that mode at their defaults; 0 if out of
 * memory (then no two points compare equal). */
uint64_t rpl_effective_hash(const cfg *c, int mode);

/* Expand base x vary[0] x ... x vary[n-1] x seeds into *points (malloc'd,
 * *npoints of them).  With nseeds > 1, seed k sets machine.tlb.seed to
 * base's + k (the replay's only random choice: TLB replacement). */
int rpl_sweep_points(const cfg *base, int mode, const struct rpl_vary *vary, int nvary,
		     int nseeds, struct rpl_point **points, int *npoints, struct sim_err *err);
/* The same, but a point gets its configuration (c) only when keep(keep_ctx,
 * its hash) is non-zero; the others have c = NULL and their hash and label.
 * A job of an emitted array runs one point of the product: the others'
 * configurations (every parameter, 280 bytes each, for each point) would
 * cost it more than its replay. */
int rpl_sweep_points_kept(const cfg *base, int mode, const struct rpl_vary *vary, int nvary, int nseeds,
			  int (*keep)(void *ctx, uint64_t hash), void *keep_ctx,
			  struct rpl_point **points, int *npoints, struct sim_err *err);
void rpl_sweep_points_free(struct rpl_point *points, int npoints);

/**
 * rpl_sweep_check - whether every point can start a replay, before any work
 * @base: the configuration the points were built on (rpl_sweep_points)
 * @pts, @n: the points
 * @names, @nnames: the parameters --vary sets, to name the value at fault
 * @nstreams: the trace's streams (a machine needs as many CPUs)
 * @nbad: set to how many of the n points cannot start
 *
 * Each point is checked with rpl_check: the same parameter parser and model
 * set-up a run uses, so a value that cfg_set accepts but the model cannot
 * take (an L2 whose size is not a power of two) is caught here, not in the
 * middle of a sweep or in every job of a batch array.  Returns 0 when every
 * point can start; otherwise the first failing point's error, worded
 * "--vary NAME=VALUE: reason" when that value alone fails on base, else
 * "point K (name=value ...): reason", and ending with how many points fail.
 */
int rpl_sweep_check(const cfg *base, const struct rpl_point *const *pts, int n, const char *const *names,
		    int nnames, uint32_t nstreams, int *nbad, struct sim_err *err);

/* Running a sweep ------------------------------------------------------- */

/* A trace's fingerprint for sweep keys: a hash of its header (configuration
 * text, streams, page size) and of every stream's totals from the index, so
 * the same trace under another path keys alike and another trace does not. */
struct trc_reader;
struct rpl_results;
uint64_t rpl_trace_tag(const struct trc_reader *r);

/* One trace and the points to replay on it (each point's c is complete:
 * built from the trace's own configuration). */
struct rpl_sweep_task {
	const char *trace_path;
	const struct rpl_point *const *points;
	int npoints;
};

/* Called in the calling process for every finished point, as soon as its
 * batch ends: task and point index into tasks[task].points.  r is valid only
 * during the call.  A non-zero return stops the sweep with that error. */
typedef int (*rpl_sweep_done_fn)(void *ctx, int task, int point, const struct rpl_results *r,
				 struct sim_err *err);

struct rpl_sweep_opts {
	int jobs;                      /* worker processes at once (>= 1) */
	int batch;                     /* most points in one shared pass (>= 1) */
	volatile sig_atomic_t *stop;   /* may be NULL; when it becomes non-zero (a signal
					* handler), workers are killed and the run returns */
	rpl_sweep_done_fn done;
	/* may be NULL: now and then, the points done so far, counting the running
	 * batches' fractions (from their workers' progress) */
	void (*progress)(void *ctx, double points);
	void *ctx;                     /* for done and progress */
};

/* The batch size rpl_sweep_run uses for a trace with n points: at most
 * opts->batch, and small enough that every worker gets a batch. */
int rpl_sweep_batch_size(int n, int jobs, int batch);

/**
 * rpl_sweep_run - replay every point of every task, in worker processes
 * @tasks, @ntasks: the traces and their points
 * @o: workers, batch size, the stop flag and the per-point callback
 *
 * Each task's points are cut into batches (rpl_sweep_batch_size); a worker is
 * forked per batch, at most o->jobs at a time, and replays its batch in one
 * shared pass (rpl_run_shared: the trace decoded once).  Its results come
 * back through a pipe and o->done is called for each point in this process.
 * Workers never return to the caller's code: they end with _exit, so they
 * never flush stdio or close the caller's files.
 * Returns 0 when every point is done; the first error (a worker's, named
 * with its trace, or o->done's) after killing the other workers; SIM_EIO
 * "interrupted" when *o->stop was set.
 */
int rpl_sweep_run(const struct rpl_sweep_task *tasks, int ntasks, const struct rpl_sweep_opts *o,
		  struct sim_err *err);

#endif

/*
 * NOTES ON THE DESIGN OF JOBS
 *
 * The capture and replay libraries keep their state per run but were not
 * written for threads sharing a process, so jobs run side by side in forked
 * workers of a pool (base/pool.c), as replay/sweep.c runs its batches.  A
 * job's outputs are memory of the caller's (a struct it fills, the results
 * in it): the worker fills them in its copy, made by fork at the same
 * addresses, and sends them back.
 *
 * Definitions: a record is a message of the job's worker: the job's mem
 * (REC_MEM) or one result packed by rpl_results_pack (REC_RES, index in
 * job->res), sent only once its job is over; or, while it runs, its
 * records and cycles so far (REC_PROGRESS, an_jobs_progress).  A stage
 * holds what a job's records brought until its worker has ended.
 * Invariants:
 *   (1) a job's outputs in the caller are written only after its worker
 *       ended with status 0 and every record arrived whole (finish): mem
 *       and all results at once, or nothing;
 *   (2) the started and ended callbacks run in this process; ended once
 *       for each job whose worker ended, well or not, never for one
 *       killed because the run stops.
 * The pool's own invariants (at most o->jobs workers, each ending with
 * _exit and reaped before an_jobs_run returns, a job after its `after`)
 * hold for the jobs.  With o->jobs == 1 there are no workers: run_here
 * calls each job in order.
 */
#include "analysis/jobs.h"

#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cpus.h"
#include "base/mem.h"
#include "base/pool.h"

enum { REC_MEM = 1, REC_RES = 2, REC_PROGRESS = 3 };

struct stage {
	char *mem;          /* a copy of the REC_MEM record; NULL: none yet */
	struct rpl_results res[AN_JOB_MAXRES];
	int got[AN_JOB_MAXRES];
	uint64_t prog[2];   /* REC_PROGRESS: records, cycles of all its runs so far */
};

/* One an_jobs_run with workers: the pool's ctx. */
struct run {
	struct an_job *jobs;
	const struct an_jobs_opts *o;
	struct stage *st;   /* one per job */
	uint64_t prog[2];   /* the jobs ended well: their last REC_PROGRESS */
};

/* In a worker: its pipe, for an_jobs_progress; -1 here. */
static int progress_fd = -1;

int an_jobs_default(void)
{
	int n = sim_cpus_usable();
	return n > AN_JOBS_DEFAULT_MAX ? AN_JOBS_DEFAULT_MAX : n;
}

void an_jobs_progress(void *ctx, uint64_t records, uint64_t cycles)
{
	static double last;                 /* when the last record went, s */
	static uint64_t before[2], prev[2]; /* the job's earlier runs; the last call's */
	uint64_t v[2];
	struct timespec ts;
	double t;

	if (progress_fd < 0)
		return;
	/* a job may capture, then replay: each run counts from 0 */
	if (records < prev[0] || cycles < prev[1]) {
		before[0] += prev[0];
		before[1] += prev[1];
	}
	prev[0] = records;
	prev[1] = cycles;
	v[0] = before[0] + records;
	v[1] = before[1] + cycles;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	if (t - last < 0.25)
		return;
	last = t;
	sim_pool_send(progress_fd, REC_PROGRESS, 0, v, sizeof v);
}

/* In the worker: the job, then its records. */
static int run_job(void *ctx, int k, int fd, struct sim_err *err)
{
	const struct an_job *j = &((struct run *)ctx)->jobs[k];
	int rc;

	progress_fd = fd;
	rc = j->run(j->ctx, err);
	if (rc != SIM_OK)
		return rc;
	if (j->mem && j->memlen)
		sim_pool_send(fd, REC_MEM, 0, j->mem, j->memlen);
	for (int i = 0; i < j->nres; i++) {
		size_t len = rpl_results_wire_size(j->res[i]);
		char *buf = sim_malloc(len);
		if (!buf)
			_exit(1);   /* as a worker that cannot send */
		rpl_results_pack(j->res[i], buf);
		sim_pool_send(fd, REC_RES, i, buf, len);
		sim_free(buf);
	}
	return SIM_OK;
}

static void unstage(struct stage *s)
{
	sim_free(s->mem);
	for (int i = 0; i < AN_JOB_MAXRES; i++)
		rpl_results_free(&s->res[i]);
	memset(s, 0, sizeof *s);
}

static void started(void *ctx, int k)
{
	struct run *r = ctx;
	if (r->o->started)
		r->o->started(r->o->ctx, &r->jobs[k]);
}

/* Job k failed with rc (worded in *err): its ended, its label on the error. */
static int failed(struct run *r, int k, int rc, struct sim_err *err)
{
	unstage(&r->st[k]);
	if (r->o->ended)
		r->o->ended(r->o->ctx, &r->jobs[k], 0);
	sim_err_prefix(err, "%s", r->jobs[k].label);
	return rc;
}

/* A record of job k's worker, checked and kept in its stage. */
static int record(void *ctx, int k, int kind, int index, const void *p, size_t len, struct sim_err *err)
{
	struct run *r = ctx;
	const struct an_job *j = &r->jobs[k];
	struct stage *s = &r->st[k];
	int rc;

	if (kind == REC_PROGRESS && len == sizeof s->prog) {
		memcpy(s->prog, p, len);
		return SIM_OK;
	}
	if (kind == REC_MEM && len == j->memlen && !s->mem) {
		if ((s->mem = sim_malloc(len)) != NULL) {
			memcpy(s->mem, p, len);
			return SIM_OK;
		}
		rc = sim_errf(err, SIM_ENOMEM, "out of memory reading its worker's results");
	} else if (kind == REC_RES && index >= 0 && index < j->nres && !s->got[index]) {
		rc = rpl_results_unpack(p, len, &s->res[index]);
		if (rc == SIM_OK) {
			s->got[index] = 1;
			return SIM_OK;
		}
		if (rc == SIM_ENOMEM)
			sim_errf(err, rc, "out of memory reading its worker's results");
		else
			sim_errf(err, rc, "its worker's results are garbled");
	} else {
		rc = sim_errf(err, SIM_EINTERNAL, "its worker's output is garbled");
	}
	return failed(r, k, rc, err);
}

/* Job k's worker has ended: its outputs copied in (keeps (1)), or its error. */
static int finish(void *ctx, int k, const struct sim_pool_end *e, struct sim_err *err)
{
	struct run *r = ctx;
	struct an_job *j = &r->jobs[k];
	struct stage *s = &r->st[k];
	int rc = e->error;

	if (rc != SIM_OK)
		;
	else if (WIFEXITED(e->status) && WEXITSTATUS(e->status) == 0) {
		if (e->cut)
			rc = sim_errf(err, SIM_EINTERNAL, "its worker's output is cut short");
		for (int i = 0; rc == SIM_OK && i < j->nres; i++)
			if (!s->got[i])
				rc = sim_errf(err, SIM_EINTERNAL, "its worker sent no result %d", i + 1);
		if (rc == SIM_OK && j->mem && j->memlen && !s->mem)
			rc = sim_errf(err, SIM_EINTERNAL, "its worker sent no output");
	} else if (WIFSIGNALED(e->status))
		rc = sim_errf(err, SIM_EIO, "its worker died (signal %d)", WTERMSIG(e->status));
	else
		rc = sim_errf(err, SIM_EIO, "its worker ended early (exit status %d)",
			      WIFEXITED(e->status) ? WEXITSTATUS(e->status) : -1);
	if (rc != SIM_OK)
		return failed(r, k, rc, err);
	/* mem first: it may hold the results, whose own memory comes next */
	if (s->mem)
		memcpy(j->mem, s->mem, j->memlen);
	for (int i = 0; i < j->nres; i++)
		*j->res[i] = s->res[i];
	memset(s->res, 0, sizeof s->res);   /* now the caller's */
	r->prog[0] += s->prog[0];
	r->prog[1] += s->prog[1];
	unstage(s);
	if (r->o->ended)
		r->o->ended(r->o->ctx, j, 1);
	return SIM_OK;
}

/* The records and cycles of every job so far, for o->progress. */
static void progress(void *ctx, const int *running, int nrunning)
{
	const struct run *r = ctx;
	uint64_t v[2] = { r->prog[0], r->prog[1] };
	for (int i = 0; i < nrunning; i++) {
		v[0] += r->st[running[i]].prog[0];
		v[1] += r->st[running[i]].prog[1];
	}
	r->o->progress(r->o->progress_ctx, v[0], v[1]);
}

/* -j 1: each job in this process, in order. */
static int run_here(struct an_job *jobs, int n, const struct an_jobs_opts *o, struct sim_err *err)
{
	for (int k = 0; k < n; k++) {
		int rc;
		if (o->stop && *o->stop)
			return sim_errf(err, SIM_EIO, "interrupted");
		if (o->started)
			o->started(o->ctx, &jobs[k]);
		rc = jobs[k].run(jobs[k].ctx, err);
		if (o->ended)
			o->ended(o->ctx, &jobs[k], rc == SIM_OK);
		if (rc != SIM_OK) {
			sim_err_prefix(err, "%s", jobs[k].label);
			return rc;
		}
	}
	return SIM_OK;
}

int an_jobs_run(struct an_job *jobs, int n, const struct an_jobs_opts *o, struct sim_err *err)
{
	struct run r = { jobs, o, NULL, { 0, 0 } };
	struct sim_pool_job *pj;
	struct sim_pool_opts po = { .workers = o->jobs, .stop = o->stop, .run = run_job,
				    .started = started, .message = record, .ended = finish,
				    .tick = o->progress ? progress : NULL, .ctx = &r };
	int rc;

	for (int k = 0; k < n; k++)
		if (jobs[k].after >= k || jobs[k].nres < 0 || jobs[k].nres > AN_JOB_MAXRES)
			return sim_errf(err, SIM_EINTERNAL, "%s: a job's outputs or its `after` are wrong",
					jobs[k].label);
	if (n == 0)
		return SIM_OK;
	/* one job alone still gets a worker when workers were asked for: the
	 * caller's signal handlers then count on *o->stop */
	if (o->jobs <= 1)
		return run_here(jobs, n, o, err);
	pj = sim_calloc((size_t)n, sizeof *pj);
	r.st = sim_calloc((size_t)n, sizeof *r.st);
	if (!pj || !r.st) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the jobs");
		goto out_free;
	}
	/* with workers, the costliest job ready first */
	for (int k = 0; k < n; k++)
		pj[k] = (struct sim_pool_job){ jobs[k].after, jobs[k].cost };
	po.job = pj;
	rc = sim_pool_run(n, &po, err);
	for (int k = 0; k < n; k++)   /* the jobs the pool killed */
		unstage(&r.st[k]);
out_free:
	sim_free(pj);
	sim_free(r.st);
	return rc;
}

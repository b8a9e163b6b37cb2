/*
 * A pool of forked worker processes: n jobs, at most a given number at once,
 * each run in a worker of its own that sends messages back over a pipe.  The
 * sweep's batches (replay/sweep.c) and the figures' jobs (analysis/jobs.c)
 * run so.
 */
#ifndef BASE_POOL_H
#define BASE_POOL_H

#include <signal.h>
#include <stddef.h>

#include "base/err.h"

/* When a job may start, and which first. */
struct sim_pool_job {
	int after;           /* a lower job that must end well first; -1: none */
	double prio;         /* among the jobs ready, the highest starts first (the
			      * lowest index among equals) */
};

/* How a worker ended, for sim_pool_opts.ended. */
struct sim_pool_end {
	int status;          /* its wait status (waitpid) */
	int error;           /* non-zero: the SIM_E* code of an error worded in *err
			      * that ended it: the one its run returned, or out of
			      * memory reading its messages */
	int cut;             /* its pipe ended (or failed) inside a message */
};

struct sim_pool_opts {
	int workers;                     /* workers at once (at least 1) */
	const struct sim_pool_job *job;  /* may be NULL: the jobs start in order */
	volatile sig_atomic_t *stop;     /* may be NULL; when it becomes non-zero (a
					  * signal handler), workers are killed and the
					  * run returns */
	/* In the worker: job's work, sending its results (sim_pool_send) on fd.
	 * A non-zero return is sent, with err's text, as the job's error. */
	int (*run)(void *ctx, int job, int fd, struct sim_err *err);
	/* In this process.  started may be NULL: after job's worker is forked. */
	void (*started)(void *ctx, int job);
	/* Each message as it comes (p valid during the call only); a non-zero
	 * return ends the run with that error, the worker killed (and no
	 * o->ended for it). */
	int (*message)(void *ctx, int job, int kind, int index, const void *p, size_t len,
		       struct sim_err *err);
	/* Once job's worker is reaped: 0 if the job ended well, else the error
	 * that ends the run (worded in *err). */
	int (*ended)(void *ctx, int job, const struct sim_pool_end *e, struct sim_err *err);
	/* May be NULL: after each wait (200 ms at most), the jobs running. */
	void (*tick)(void *ctx, const int *running, int nrunning);
	void *ctx;
};

/**
 * sim_pool_run - run jobs 0..n-1, each in a forked worker, o->workers at once
 * @n: the jobs
 * @o: workers, order, stop flag and callbacks
 *
 * A worker starts with the default signal handlers and gets SIGTERM if
 * this process dies; it ends with _exit, so it never returns to the
 * caller's code, flushes stdio or closes the caller's files.  Returns 0
 * when every job ended well; otherwise the first error (from o->message,
 * o->ended or the pool's own: a pipe or fork refused, SIM_EIO
 * "interrupted" when *o->stop was set) after killing and reaping every
 * other worker.
 */
int sim_pool_run(int n, const struct sim_pool_opts *o, struct sim_err *err);

/* In a worker: send one message (kind >= 0, index and len bytes of p are
 * the caller's to define).  If the pipe is broken (this process's parent is
 * gone) the worker ends there, with _exit(1). */
void sim_pool_send(int fd, int kind, int index, const void *p, size_t len);

#endif

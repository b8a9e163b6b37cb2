/*
 * NOTES ON THE DESIGN OF JOBS
 *
 * The capture and replay libraries keep their state per run but were not
 * written for threads sharing a process, so jobs run side by side in forked
 * workers, as replay/sweep.c runs its batches.  A job's outputs are memory
 * of the caller's (a struct it fills, the results in it): the worker fills
 * them in its copy, made by fork at the same addresses, and sends them back.
 *
 * Definitions: a record is what a worker writes on its pipe: a header, then
 * its payload: the job's mem (REC_MEM), one result packed by
 * rpl_results_pack (REC_RES, index in job->res) or an error text (REC_ERR,
 * with its code).  A worker writes its records only once its job is over.
 * Invariants:
 *   (1) at most o->jobs workers are alive, each with its own pipe;
 *   (2) a worker writes nothing but records to its pipe and ends with _exit,
 *       so the caller's stdio buffers and open files are never flushed or
 *       closed twice;
 *   (3) a job's outputs in the caller are written only after its worker
 *       ended with status 0 and every record checked (apply): mem and all
 *       results at once, or nothing;
 *   (4) every worker forked is reaped before an_jobs_run returns, killed
 *       first if the run stops early (an error or *o->stop);
 *   (5) a job starts only when its `after` has ended well (state DONE).
 *
 * States of a job: WAIT -> (start: fork) RUN -> (finish: reaped, applied)
 * DONE; a failure anywhere ends the run.  With o->jobs == 1 there are no
 * workers: run_here calls each job in order.
 */
#include "analysis/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/worker.h"

enum { REC_MEM = 1, REC_RES = 2, REC_ERR = 3 };

struct rec_hdr {
	int32_t kind;
	int32_t index;      /* REC_RES: in job->res */
	int32_t code;       /* REC_ERR: the SIM_E* code */
	uint32_t pad;
	uint64_t len;       /* payload bytes */
};

enum { WAIT, RUN, DONE };

struct slot {
	pid_t pid;          /* 0: free */
	int fd;
	int job;
	char *buf;          /* every byte read from the pipe so far */
	size_t len, cap;
};

int an_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > AN_JOBS_DEFAULT_MAX ? AN_JOBS_DEFAULT_MAX : (int)n;
}

static int send_rec(int fd, int kind, int index, int code, const void *p, size_t len)
{
	struct rec_hdr h = { kind, index, code, 0, len };
	return sim_write_all(fd, &h, sizeof h) || (len && sim_write_all(fd, p, len)) ? -1 : 0;
}

/* The worker: never returns (keeps (2)). */
static void worker(const struct an_job *j, int fd, pid_t parent)
{
	struct sim_err err = { 0 };
	int rc;

	/* the caller's handlers are not ours; the fork blocked signals (see start) */
	if (sim_worker_begin(parent))
		_exit(1);
	rc = j->run(j->ctx, &err);
	if (rc != SIM_OK) {
		send_rec(fd, REC_ERR, 0, rc, err.msg, strlen(err.msg));
		_exit(1);
	}
	if (j->mem && j->memlen && send_rec(fd, REC_MEM, 0, 0, j->mem, j->memlen))
		_exit(1);
	for (int i = 0; i < j->nres; i++) {
		size_t len = rpl_results_wire_size(j->res[i]);
		char *buf = sim_malloc(len);
		if (!buf)
			_exit(1);
		rpl_results_pack(j->res[i], buf);
		if (send_rec(fd, REC_RES, i, 0, buf, len))
			_exit(1);
		sim_free(buf);
	}
	_exit(0);
}

/* The next record of s->buf at *off: its header, payload in *p; 0, or -1
 * when what is left is not a whole record. */
static int next_rec(const struct slot *s, size_t *off, struct rec_hdr *h, const char **p)
{
	if (s->len - *off < sizeof *h)
		return -1;
	memcpy(h, s->buf + *off, sizeof *h);
	if (h->len > s->len - *off - sizeof *h)
		return -1;
	*p = s->buf + *off + sizeof *h;
	*off += sizeof *h + h->len;
	return 0;
}

/* The error a failed worker reported, if it got to say it. */
static int reported(const struct slot *s, struct sim_err *err)
{
	struct rec_hdr h;
	const char *p;
	size_t off = 0;
	while (next_rec(s, &off, &h, &p) == 0)
		if (h.kind == REC_ERR)
			return sim_errf(err, h.code ? h.code : SIM_EIO, "%.*s",
					(int)(h.len < SIM_ERR_MSG ? h.len : SIM_ERR_MSG - 1), p);
	return SIM_OK;
}

/* Check every record of a worker that ended well, then copy its outputs in
 * (keeps (3)). */
static int apply(struct an_job *j, const struct slot *s, struct sim_err *err)
{
	struct rpl_results res[AN_JOB_MAXRES];
	int got[AN_JOB_MAXRES] = { 0 }, nmem = 0, rc = SIM_OK;
	struct rec_hdr h;
	const char *p, *mem = NULL;
	size_t off = 0;

	memset(res, 0, sizeof res);
	while (rc == SIM_OK && off < s->len) {
		if (next_rec(s, &off, &h, &p)) {
			rc = sim_errf(err, SIM_EINTERNAL, "its worker's output is cut short");
		} else if (h.kind == REC_MEM && h.len == j->memlen && !nmem++) {
			mem = p;
		} else if (h.kind == REC_RES && h.index >= 0 && h.index < j->nres && !got[h.index]) {
			rc = rpl_results_unpack(p, h.len, &res[h.index]);
			if (rc == SIM_ENOMEM)
				sim_errf(err, rc, "out of memory reading its worker's results");
			else if (rc)
				sim_errf(err, rc, "its worker's results are garbled");
			got[h.index] = rc == SIM_OK;
		} else {
			rc = sim_errf(err, SIM_EINTERNAL, "its worker's output is garbled");
		}
	}
	for (int i = 0; rc == SIM_OK && i < j->nres; i++)
		if (!got[i])
			rc = sim_errf(err, SIM_EINTERNAL, "its worker sent no result %d", i + 1);
	if (rc == SIM_OK && j->mem && j->memlen && !mem)
		rc = sim_errf(err, SIM_EINTERNAL, "its worker sent no output");
	if (rc != SIM_OK) {
		for (int i = 0; i < j->nres; i++)
			rpl_results_free(&res[i]);
		return rc;
	}
	if (mem)
		memcpy(j->mem, mem, j->memlen);
	for (int i = 0; i < j->nres; i++)
		*j->res[i] = res[i];
	return SIM_OK;
}

/* Close s's pipe and wait for its worker; returns its wait status.  What
 * it wrote stays in s->buf until drop. */
static int wait_worker(struct slot *s)
{
	int st = 0;
	close(s->fd);
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return st;
}

static void drop(struct slot *s)
{
	sim_free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

static void reap(struct slot *s)
{
	wait_worker(s);
	drop(s);
}

static void kill_all(struct slot *sl, int n)
{
	for (int i = 0; i < n; i++)
		if (sl[i].pid > 0)
			kill(sl[i].pid, SIGTERM);
	for (int i = 0; i < n; i++)
		if (sl[i].pid > 0)
			reap(&sl[i]);
}

/* Fork a worker for job k into the free slot s. */
static int start(struct an_job *jobs, int k, struct slot *sl, int nsl, struct slot *s, pid_t self,
		 struct sim_err *err)
{
	sigset_t block, old;
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return sim_errf(err, SIM_EIO, "cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	/* signals wait until the worker has its own handlers */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return sim_errf(err, SIM_EIO, "cannot start a worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		for (int i = 0; i < nsl; i++)
			if (sl[i].pid)
				close(sl[i].fd);
		worker(&jobs[k], fds[1], self);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	*s = (struct slot){ .pid = pid, .fd = fds[0], .job = k };
	return SIM_OK;
}

/* Read what slot s's worker wrote; at the end of its pipe, reap it and
 * apply its outputs.  Returns 0 (still running), 1 (ended well) or an
 * error (the worker is reaped). */
static int receive(struct an_job *jobs, struct slot *s, struct sim_err *err)
{
	struct an_job *j = &jobs[s->job];
	ssize_t r;
	int st, rc;

	if (s->cap - s->len < 65536) {
		size_t cap = s->cap ? 2 * s->cap : 131072;
		char *b = sim_realloc(s->buf, cap);
		if (!b) {
			kill(s->pid, SIGTERM);
			reap(s);
			return sim_errf(err, SIM_ENOMEM, "out of memory reading a worker's results");
		}
		s->buf = b;
		s->cap = cap;
	}
	r = read(s->fd, s->buf + s->len, s->cap - s->len);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r > 0) {
		s->len += (size_t)r;
		return 0;
	}
	/* the end of the pipe (or an error on it): the worker has ended */
	if (r < 0)
		kill(s->pid, SIGTERM);
	st = wait_worker(s);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		rc = apply(j, s, err);
	else if ((rc = reported(s, err)) != SIM_OK)
		;
	else if (WIFSIGNALED(st))
		rc = sim_errf(err, SIM_EIO, "its worker died (signal %d)", WTERMSIG(st));
	else
		rc = sim_errf(err, SIM_EIO, "its worker ended early (exit status %d)",
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	drop(s);
	return rc == SIM_OK ? 1 : rc;
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
	int nsl = o->jobs < 1 ? 1 : o->jobs, running = 0, ndone = 0, rc = SIM_OK;
	struct sigaction ign, old_pipe;
	struct slot *sl = NULL;
	struct pollfd *pf = NULL;
	int *pslot = NULL, *state = NULL;
	pid_t self = getpid();

	for (int k = 0; k < n; k++)
		if (jobs[k].after >= k || jobs[k].nres < 0 || jobs[k].nres > AN_JOB_MAXRES)
			return sim_errf(err, SIM_EINTERNAL, "%s: a job's outputs or its `after` are wrong",
					jobs[k].label);
	if (n == 0)
		return SIM_OK;
	/* one job alone still gets a worker when workers were asked for: the
	 * caller's signal handlers then count on *o->stop */
	if (nsl == 1)
		return run_here(jobs, n, o, err);
	if (nsl > n)
		nsl = n;
	sl = sim_calloc((size_t)nsl, sizeof *sl);
	pf = sim_calloc((size_t)nsl, sizeof *pf);
	pslot = sim_calloc((size_t)nsl, sizeof *pslot);
	state = sim_calloc((size_t)n, sizeof *state);
	if (!sl || !pf || !pslot || !state) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the jobs");
		goto out_free;
	}
	/* a dead worker is seen on its pipe, not by a signal (restored at the end) */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	while (ndone < n) {
		int np = 0, pr;
		/* start what is ready, the costliest first: keeps (1) and (5) */
		while (running < nsl && !(o->stop && *o->stop)) {
			struct slot *s = NULL;
			int k = -1;
			for (int i = 0; i < n; i++)
				if (state[i] == WAIT && (jobs[i].after < 0 || state[jobs[i].after] == DONE) &&
				    (k < 0 || jobs[i].cost > jobs[k].cost))
					k = i;
			if (k < 0)
				break;
			for (int i = 0; i < nsl && !s; i++)
				if (!sl[i].pid)
					s = &sl[i];
			if ((rc = start(jobs, k, sl, nsl, s, self, err)) != SIM_OK)
				goto out_kill;
			state[k] = RUN;
			running++;
			if (o->started)
				o->started(o->ctx, &jobs[k]);
		}
		if (o->stop && *o->stop) {
			rc = sim_errf(err, SIM_EIO, "interrupted");
			goto out_kill;
		}
		if (running == 0) {   /* cannot happen: `after` is always a lower job */
			rc = sim_errf(err, SIM_EINTERNAL, "jobs wait for each other");
			goto out_kill;
		}
		for (int i = 0; i < nsl; i++)
			if (sl[i].pid) {
				pf[np] = (struct pollfd){ .fd = sl[i].fd, .events = POLLIN };
				pslot[np++] = i;
			}
		pr = poll(pf, (nfds_t)np, 200);
		if (pr < 0 && errno != EINTR) {
			rc = sim_errf(err, SIM_EIO, "waiting for the workers: %s", strerror(errno));
			goto out_kill;
		}
		for (int q = 0; pr > 0 && q < np; q++) {
			struct slot *s = &sl[pslot[q]];
			int k = s->job;
			if (!(pf[q].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			rc = receive(jobs, s, err);
			if (rc == 0)
				continue;
			running--;
			if (o->ended)
				o->ended(o->ctx, &jobs[k], rc == 1);
			if (rc != 1) {
				sim_err_prefix(err, "%s", jobs[k].label);
				goto out_kill;
			}
			rc = SIM_OK;
			state[k] = DONE;
			ndone++;
		}
	}
	goto out_pipe;
out_kill:
	kill_all(sl, nsl);   /* keeps (4) */
out_pipe:
	sigaction(SIGPIPE, &old_pipe, NULL);
out_free:
	sim_free(sl);
	sim_free(pf);
	sim_free(pslot);
	sim_free(state);
	return rc;
}

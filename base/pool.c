/*
 * NOTES ON THE DESIGN OF THE POOL
 *
 * Definitions: a slot holds one live worker: its pid and the read end of
 * its pipe.  A message is what a worker writes on its pipe: a header (kind,
 * index, length) and that many bytes; kind FRAME_ERR carries the error its
 * run returned (index: the code, bytes: the text).
 * Invariants:
 *   (1) at most o->workers workers are alive, each with its own pipe;
 *   (2) a worker writes nothing but messages to its pipe and ends with
 *       _exit, so the caller's stdio buffers and open files are never
 *       flushed or closed twice;
 *   (3) every worker forked is reaped before sim_pool_run returns, killed
 *       first if the run stops early (an error or *o->stop);
 *   (4) a job starts only when its `after` has ended well (state DONE);
 *   (5) o->ended is called once for each job whose worker ended, or sent
 *       its error, or could not be read; never for one whose message
 *       o->message refused, nor for the workers (3) kills.
 *
 * States of a job: WAIT -> (start: fork) RUN -> (receive: the end of its
 * pipe, reaped, o->ended says well) DONE; a failure anywhere ends the run.
 */
#include "base/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/mem.h"

enum { FRAME_ERR = -1 };

struct frame {
	int32_t kind;
	int32_t index;
	uint64_t len;       /* bytes after the header */
};

enum { WAIT, RUN, DONE };

struct slot {
	pid_t pid;          /* 0: free */
	int fd;
	int job;
};

/* Write all n bytes of buf to fd, again after EINTR; 0, or -1 on an error
 * or a write that makes no progress. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void sim_pool_send(int fd, int kind, int index, const void *p, size_t len)
{
	struct frame h = { kind, index, len };
	if (write_all(fd, &h, sizeof h) || (len && write_all(fd, p, len)))
		_exit(1);   /* the parent is gone */
}

/* The worker: never returns (keeps (2)). */
static void worker(const struct sim_pool_opts *o, int job, int fd, pid_t parent)
{
	struct sim_err err = { 0 };
	sigset_t none;
	int rc;

	/* the caller's handlers are not ours; the fork blocked signals (see start) */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* the parent may have died before the line above: then no signal comes */
	if (getppid() != parent)
		_exit(1);
	rc = o->run(o->ctx, job, fd, &err);
	if (rc != SIM_OK) {
		sim_pool_send(fd, FRAME_ERR, rc, err.msg, strlen(err.msg));
		_exit(1);
	}
	_exit(0);
}

/* 1: n bytes read; 0: end of file before the first byte; -1: error or a short read. */
static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return got ? -1 : 0;
		got += (size_t)r;
	}
	return 1;
}

/* Close s's pipe and wait for its worker; its wait status. */
static int reap(struct slot *s)
{
	int st = 0;
	close(s->fd);
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return st;
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
static int start(const struct sim_pool_opts *o, int k, struct slot *sl, int nsl, struct slot *s,
		 pid_t self, struct sim_err *err)
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
		worker(o, k, fds[1], self);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	*s = (struct slot){ .pid = pid, .fd = fds[0], .job = k };
	return SIM_OK;
}

/* Read one message of slot s's worker and hand it to o->message; at the end
 * of its pipe, or when the worker failed, reap it and ask o->ended.  Returns
 * 0 (still running), 1 (ended well) or an error (the worker is reaped). */
static int receive(const struct sim_pool_opts *o, struct slot *s, struct sim_err *err)
{
	struct sim_pool_end e = { 0 };
	struct frame h;
	char *buf = NULL;
	int got = read_all(s->fd, &h, sizeof h), rc;

	if (got > 0) {
		buf = h.len < SIZE_MAX ? sim_malloc((size_t)h.len + 1) : NULL;
		if (!buf) {
			e.error = sim_errf(err, SIM_ENOMEM, "out of memory reading a worker's results");
		} else if (h.len && read_all(s->fd, buf, (size_t)h.len) != 1) {
			e.cut = 1;
		} else if (h.kind == FRAME_ERR) {
			buf[h.len] = '\0';
			e.error = sim_errf(err, h.index ? h.index : SIM_EIO, "%s", buf);
		} else {
			rc = o->message(o->ctx, s->job, h.kind, h.index, buf, (size_t)h.len, err);
			sim_free(buf);
			if (rc == SIM_OK)
				return 0;
			kill(s->pid, SIGTERM);
			reap(s);
			return rc;
		}
		sim_free(buf);
	} else if (got < 0) {
		e.cut = 1;
	}
	/* the end of its pipe, or a worker that failed or cannot be read: ended here */
	if (got != 0)
		kill(s->pid, SIGTERM);
	e.status = reap(s);
	rc = o->ended(o->ctx, s->job, &e, err);
	return rc == SIM_OK ? 1 : rc;
}

/* The job to start next: ready (keeps (4)), the highest priority; -1 if none. */
static int pick(const struct sim_pool_opts *o, const int *state, int n, int *first)
{
	int k = -1;
	while (*first < n && state[*first] != WAIT)
		(*first)++;
	if (!o->job)
		return *first < n ? *first : -1;
	for (int i = *first; i < n; i++)
		if (state[i] == WAIT && (o->job[i].after < 0 || state[o->job[i].after] == DONE) &&
		    (k < 0 || o->job[i].prio > o->job[k].prio))
			k = i;
	return k;
}

int sim_pool_run(int n, const struct sim_pool_opts *o, struct sim_err *err)
{
	int nsl = o->workers < 1 ? 1 : o->workers, running = 0, ndone = 0, first = 0, rc = SIM_OK;
	struct sigaction ign, old_pipe;
	struct slot *sl = NULL;
	struct pollfd *pf = NULL;
	int *live = NULL, *state = NULL;
	pid_t self = getpid();

	if (n <= 0)
		return SIM_OK;
	if (nsl > n)
		nsl = n;
	sl = sim_calloc((size_t)nsl, sizeof *sl);
	pf = sim_calloc((size_t)nsl, sizeof *pf);
	live = sim_calloc((size_t)nsl, sizeof *live);
	state = sim_calloc((size_t)n, sizeof *state);
	if (!sl || !pf || !live || !state) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the workers");
		goto out_free;
	}
	/* a dead worker is seen on its pipe, not by a signal (restored at the end) */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	for (;;) {
		int np = 0, pr, k;
		/* start what is ready: keeps (1) */
		while (running < nsl && !(o->stop && *o->stop) && (k = pick(o, state, n, &first)) >= 0) {
			struct slot *s = NULL;
			for (int i = 0; i < nsl && !s; i++)
				if (!sl[i].pid)
					s = &sl[i];
			if ((rc = start(o, k, sl, nsl, s, self, err)) != SIM_OK)
				goto out_kill;
			state[k] = RUN;
			running++;
			if (o->started)
				o->started(o->ctx, k);
		}
		if (ndone == n)
			break;
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
				live[np++] = i;
			}
		pr = poll(pf, (nfds_t)np, 200);
		if (o->stop && *o->stop) {
			rc = sim_errf(err, SIM_EIO, "interrupted");
			goto out_kill;
		}
		if (pr < 0 && errno != EINTR) {
			rc = sim_errf(err, SIM_EIO, "waiting for the workers: %s", strerror(errno));
			goto out_kill;
		}
		for (int q = 0; pr > 0 && q < np; q++) {
			struct slot *s = &sl[live[q]];
			int job = s->job;
			if (!(pf[q].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			rc = receive(o, s, err);
			if (rc == 0)
				continue;
			running--;
			if (rc != 1)
				goto out_kill;
			rc = SIM_OK;
			state[job] = DONE;
			ndone++;
		}
		if (o->tick) {
			np = 0;
			for (int i = 0; i < nsl; i++)
				if (sl[i].pid)
					live[np++] = sl[i].job;
			o->tick(o->ctx, live, np);
		}
	}
	goto out_pipe;
out_kill:
	kill_all(sl, nsl);   /* keeps (3) */
out_pipe:
	sigaction(SIGPIPE, &old_pipe, NULL);
out_free:
	sim_free(sl);
	sim_free(pf);
	sim_free(live);
	sim_free(state);
	return rc;
}

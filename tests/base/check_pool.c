/* The pool of forked workers (base/pool.c): every job's messages come back
 * to its own callbacks; jobs start in order, or ready and the highest
 * priority first; no more than the workers asked for run at once; a job
 * that fails, is killed, sends nothing or is cut short, a refused message
 * and the stop flag each end the run at once, every worker reaped. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/pool.h"
#include "tests/testlib.h"

#define MAXJ 8

enum { K_VALUE = 1, K_SPAN = 2 };

typedef int body_fn(int k, int fd, struct sim_err *err);

/* What the callbacks saw, job by job. */
struct rec {
	body_fn *body[MAXJ];
	long value[MAXJ];            /* K_VALUE's payload */
	double t0[MAXJ], t1[MAXJ];   /* K_SPAN's: when the job began and ended, s */
	int nmsg[MAXJ], nended[MAXJ];
	int order[MAXJ], nstarted;   /* jobs in the order they started */
	int most_running;            /* the most jobs tick saw at once */
	int refuse;                  /* message refuses this job's; -1: none */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run(void *ctx, int k, int fd, struct sim_err *err)
{
	return ((struct rec *)ctx)->body[k](k, fd, err);
}

static void started(void *ctx, int k)
{
	struct rec *r = ctx;
	r->order[r->nstarted++] = k;
}

static int message(void *ctx, int k, int kind, int index, const void *p, size_t len, struct sim_err *err)
{
	struct rec *r = ctx;
	ck_assert_int_eq(index, k);
	if (r->refuse == k)
		return sim_errf(err, SIM_EINVAL, "job %d: message refused", k);
	r->nmsg[k]++;
	if (kind == K_VALUE) {
		ck_assert_uint_eq(len, sizeof(long));
		memcpy(&r->value[k], p, len);
	} else {
		double t[2];
		ck_assert_int_eq(kind, K_SPAN);
		ck_assert_uint_eq(len, sizeof t);
		memcpy(t, p, sizeof t);
		r->t0[k] = t[0];
		r->t1[k] = t[1];
	}
	return SIM_OK;
}

static int ended(void *ctx, int k, const struct sim_pool_end *e, struct sim_err *err)
{
	struct rec *r = ctx;
	r->nended[k]++;
	if (e->error)
		return e->error;
	if (e->cut)
		return sim_errf(err, SIM_EIO, "job %d: cut short", k);
	if (WIFSIGNALED(e->status))
		return sim_errf(err, SIM_EIO, "job %d: died (signal %d)", k, WTERMSIG(e->status));
	if (!WIFEXITED(e->status) || WEXITSTATUS(e->status))
		return sim_errf(err, SIM_EIO, "job %d: exit status %d", k, WEXITSTATUS(e->status));
	if (r->nmsg[k] == 0)
		return sim_errf(err, SIM_EINTERNAL, "job %d: sent nothing", k);
	return SIM_OK;
}

static void tick(void *ctx, const int *running, int n)
{
	struct rec *r = ctx;
	for (int i = 0; i < n; i++)
		ck_assert(running[i] >= 0 && running[i] < MAXJ);
	if (n > r->most_running)
		r->most_running = n;
}

static struct sim_pool_opts opts(struct rec *r, int workers)
{
	return (struct sim_pool_opts){ .workers = workers, .run = run, .started = started,
				       .message = message, .ended = ended, .tick = tick, .ctx = r };
}

static void setup(struct rec *r, int n, body_fn *body)
{
	memset(r, 0, sizeof *r);
	r->refuse = -1;
	for (int k = 0; k < n; k++) {
		r->body[k] = body;
		r->value[k] = -1;
	}
}

static void no_children_left(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* Job k sends k*k + 1. */
static int square(int k, int fd, struct sim_err *err)
{
	long v = (long)k * k + 1;
	sim_pool_send(fd, K_VALUE, k, &v, sizeof v);
	return SIM_OK;
}

/* Job k sleeps 150 ms and sends when it began and ended. */
static int span(int k, int fd, struct sim_err *err)
{
	double t[2] = { now(), 0 };
	usleep(150000);
	t[1] = now();
	sim_pool_send(fd, K_SPAN, k, t, sizeof t);
	return SIM_OK;
}

static int slow(int k, int fd, struct sim_err *err)
{
	sleep(30);   /* killed long before */
	return square(k, fd, err);
}

static int fails(int k, int fd, struct sim_err *err)
{
	return sim_errf(err, SIM_EINVAL, "bad value %d", 7);
}

static int killed(int k, int fd, struct sim_err *err)
{
	raise(SIGKILL);
	return SIM_OK;
}

static int silent(int k, int fd, struct sim_err *err)
{
	_exit(0);   /* ends well, but sends nothing */
}

/* A message's header (the pool's layout: kind, index, length) that
 * promises 100 bytes, then 10 of them. */
static int cut(int k, int fd, struct sim_err *err)
{
	struct { int32_t kind, index; uint64_t len; } h = { K_VALUE, k, 100 };
	char part[10] = { 0 };
	if (write(fd, &h, sizeof h) != sizeof h || write(fd, part, sizeof part) != sizeof part)
		_exit(2);
	_exit(0);
}

START_TEST(results_in_job_order)
{
	struct rec r;
	struct sim_pool_opts o = opts(&r, 3);
	struct sim_err err = { 0 };

	setup(&r, 7, square);
	ck_assert_int_eq(sim_pool_run(7, &o, &err), SIM_OK);
	for (int k = 0; k < 7; k++) {
		ck_assert_int_eq(r.value[k], (long)k * k + 1);
		ck_assert_int_eq(r.nmsg[k], 1);
		ck_assert_int_eq(r.nended[k], 1);
		ck_assert_int_eq(r.order[k], k);   /* no job array: in order */
	}
	ck_assert_int_eq(r.nstarted, 7);
	ck_assert_int_le(r.most_running, 3);
	ck_assert_int_eq(sim_pool_run(0, &o, &err), SIM_OK);
	no_children_left();
}
END_TEST

START_TEST(priority_and_after)
{
	/* one worker: ready are 0, 1 and 2 (3 waits for 0): 1 (priority 3),
	 * 2 (2), 0 (1); then 3, the highest of all, once 0 has ended */
	static const struct sim_pool_job job[4] = { { -1, 1 }, { -1, 3 }, { -1, 2 }, { 0, 5 } };
	static const int want[4] = { 1, 2, 0, 3 };
	struct rec r;
	struct sim_pool_opts o = opts(&r, 1);
	struct sim_err err = { 0 };

	setup(&r, 4, square);
	o.job = job;
	ck_assert_int_eq(sim_pool_run(4, &o, &err), SIM_OK);
	ck_assert_int_eq(r.nstarted, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(r.order[i], want[i]);
		ck_assert_int_eq(r.value[i], (long)i * i + 1);
	}
	no_children_left();
}
END_TEST

START_TEST(after_waits_with_workers)
{
	/* two workers, job 1 the costlier but after job 0: it starts only
	 * once job 0 has ended, so their spans do not overlap */
	static const struct sim_pool_job job[2] = { { -1, 0 }, { 0, 10 } };
	struct rec r;
	struct sim_pool_opts o = opts(&r, 2);
	struct sim_err err = { 0 };

	setup(&r, 2, span);
	o.job = job;
	ck_assert_int_eq(sim_pool_run(2, &o, &err), SIM_OK);
	ck_assert_int_eq(r.order[0], 0);
	ck_assert_int_eq(r.order[1], 1);
	ck_assert(r.t1[0] <= r.t0[1]);
	ck_assert_int_eq(r.most_running, 1);
	no_children_left();
}
END_TEST

START_TEST(workers_at_most)
{
	/* six jobs of 150 ms, two workers: at every job's start, at most two
	 * jobs (itself included) have begun and not ended; three rounds */
	struct rec r;
	struct sim_pool_opts o = opts(&r, 2);
	struct sim_err err = { 0 };
	double t0 = now();
	int most = 0;

	setup(&r, 6, span);
	ck_assert_int_eq(sim_pool_run(6, &o, &err), SIM_OK);
	for (int k = 0; k < 6; k++) {
		int at = 0;
		for (int i = 0; i < 6; i++)
			at += r.t0[i] <= r.t0[k] && r.t1[i] > r.t0[k];
		if (at > most)
			most = at;
	}
	ck_assert_int_eq(most, 2);
	ck_assert_int_eq(r.most_running, 2);
	ck_assert(now() - t0 >= 3 * 0.15);
	no_children_left();
}
END_TEST

/* Job 1 runs bad beside job 0, which sleeps: the run ends with job 1's
 * error, at once, job 0 killed without its ended called. */
static void one_bad(body_fn *bad, int refuse, int code, const char *msg)
{
	struct rec r;
	struct sim_pool_opts o = opts(&r, 2);
	struct sim_err err = { 0 };
	double t0 = now();

	setup(&r, 2, slow);
	r.body[1] = bad;
	r.refuse = refuse;
	ck_assert_int_eq(sim_pool_run(2, &o, &err), code);
	ck_assert_str_eq(err.msg, msg);
	ck_assert(now() - t0 < 10);
	ck_assert_int_eq(r.nended[0], 0);
	ck_assert_int_eq(r.nended[1], refuse < 0 ? 1 : 0);
	ck_assert_int_eq(r.nmsg[0], 0);
	no_children_left();
}

START_TEST(failing_job)
{
	one_bad(fails, -1, SIM_EINVAL, "bad value 7");
}
END_TEST

START_TEST(killed_job)
{
	one_bad(killed, -1, SIM_EIO, "job 1: died (signal 9)");
}
END_TEST

START_TEST(silent_job)
{
	one_bad(silent, -1, SIM_EINTERNAL, "job 1: sent nothing");
}
END_TEST

START_TEST(cut_job)
{
	one_bad(cut, -1, SIM_EIO, "job 1: cut short");
}
END_TEST

START_TEST(refused_message)
{
	one_bad(square, 1, SIM_EINVAL, "job 1: message refused");
}
END_TEST

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
	stop_flag = 1;
}

START_TEST(stopped)
{
	/* the flag set while both workers sleep: both killed, "interrupted";
	 * set before the run: no job starts */
	struct rec r;
	struct sim_pool_opts o = opts(&r, 2);
	struct sim_err err = { 0 };
	double t0 = now();

	setup(&r, 3, slow);
	o.stop = &stop_flag;
	stop_flag = 0;
	signal(SIGALRM, on_alarm);
	alarm(1);
	ck_assert_int_eq(sim_pool_run(3, &o, &err), SIM_EIO);
	ck_assert_str_eq(err.msg, "interrupted");
	ck_assert(now() - t0 < 10);
	ck_assert_int_eq(r.nstarted, 2);
	ck_assert_int_eq(r.nended[0] + r.nended[1] + r.nended[2], 0);
	no_children_left();

	setup(&r, 3, square);
	ck_assert_int_eq(sim_pool_run(3, &o, &err), SIM_EIO);
	ck_assert_str_eq(err.msg, "interrupted");
	ck_assert_int_eq(r.nstarted, 0);
	no_children_left();
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, results_in_job_order);
	tcase_add_test(tc, priority_and_after);
	tcase_add_test(tc, after_waits_with_workers);
	tcase_add_test(tc, workers_at_most);
	tcase_add_test(tc, failing_job);
	tcase_add_test(tc, killed_job);
	tcase_add_test(tc, silent_job);
	tcase_add_test(tc, cut_job);
	tcase_add_test(tc, refused_message);
	tcase_add_test(tc, stopped);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* Jobs in worker processes (analysis/jobs.c): each job's outputs come back
 * to the caller's memory exactly as a run in this process leaves them; a
 * job waits for its `after`; a job that fails, is killed or sends nothing
 * stops the run with an error naming it, every worker reaped. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/jobs.h"
#include "base/mem.h"
#include "tests/testlib.h"

/* What a job fills: a plain struct with a result inside, and one outside. */
struct out {
	int k;
	long square;
	char text[32];
	struct rpl_results in;
};

struct ctx {
	int k;
	struct out *o;
	struct rpl_results *res;
	const char *path;   /* made by job 0, read by job 1 */
};

/* Job k: square = k*k + 1, text "job k"; `in` has k+1 CPUs, CPU c with
 * c*10 + k instructions, and k samples; res has tlb_misses 100 + k. */
static int fill(void *vc, struct sim_err *err)
{
	struct ctx *c = vc;
	int k = c->k;
	c->o->k = k;
	c->o->square = (long)k * k + 1;
	snprintf(c->o->text, sizeof c->o->text, "job %d", k);
	c->o->in.ncpus = k + 1;
	c->o->in.cpu = sim_calloc((size_t)k + 1, sizeof *c->o->in.cpu);
	for (int i = 0; i <= k; i++)
		c->o->in.cpu[i].instructions = (uint64_t)(i * 10 + k);
	c->o->in.nsamples = (size_t)k;
	c->o->in.samples = k ? sim_calloc((size_t)k, sizeof *c->o->in.samples) : NULL;
	for (int i = 0; i < k; i++)
		c->o->in.samples[i].cycle = (uint64_t)(1000 * (i + 1));
	c->res->tlb_misses = (uint64_t)(100 + k);
	c->res->ncpus = 0;
	return SIM_OK;
}

static void setup(struct an_job *j, struct ctx *c, int k, struct out *o, struct rpl_results *r,
		  int (*run)(void *, struct sim_err *))
{
	memset(j, 0, sizeof *j);
	*c = (struct ctx){ k, &o[k], &r[k], t_path("made") };
	snprintf(j->label, sizeof j->label, "job %d", k);
	j->run = run;
	j->ctx = c;
	j->after = -1;
	j->mem = &o[k];
	j->memlen = sizeof o[k];
	j->res[0] = &o[k].in;
	j->res[1] = &r[k];
	j->nres = 2;
}

static void expect_filled(const struct out *o, const struct rpl_results *r, int k)
{
	ck_assert_int_eq(o->k, k);
	ck_assert_int_eq(o->square, (long)k * k + 1);
	ck_assert_str_eq(o->text, k == 0 ? "job 0" : k == 1 ? "job 1" : "job 2");
	ck_assert_int_eq(o->in.ncpus, k + 1);
	for (int i = 0; i <= k; i++)
		ck_assert_uint_eq(o->in.cpu[i].instructions, (uint64_t)(i * 10 + k));
	ck_assert_uint_eq(o->in.nsamples, (size_t)k);
	for (int i = 0; i < k; i++)
		ck_assert_uint_eq(o->in.samples[i].cycle, (uint64_t)(1000 * (i + 1)));
	ck_assert_uint_eq(r->tlb_misses, (uint64_t)(100 + k));
	ck_assert_ptr_null(r->cpu);
}

static void no_children_left(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static int fails(void *vc, struct sim_err *err);

static void run_three(int workers)
{
	struct an_job j[3];
	struct ctx c[3];
	struct out o[3];
	struct rpl_results r[3];
	struct an_jobs_opts opts = { .jobs = workers };
	struct sim_err err = { 0 };

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	for (int k = 0; k < 3; k++)
		setup(&j[k], &c[k], k, o, r, fill);
	ck_assert_int_eq(an_jobs_run(j, 3, &opts, &err), SIM_OK);
	for (int k = 0; k < 3; k++) {
		expect_filled(&o[k], &r[k], k);
		rpl_results_free(&o[k].in);
		rpl_results_free(&r[k]);
	}
	no_children_left();
}

START_TEST(outputs_come_back)
{
	run_three(2);
	run_three(3);
	run_three(1);   /* in this process: the same outputs */
}
END_TEST

START_TEST(one_job_in_a_worker)
{
	/* workers asked for, one job: it still runs in a worker (its change
	 * to this process's memory comes back only through its outputs) */
	struct an_job j;
	struct ctx c;
	struct out o[1];
	struct rpl_results r[1];
	struct an_jobs_opts opts = { .jobs = 2 };
	struct sim_err err = { 0 };

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	setup(&j, &c, 0, o, r, fails);
	ck_assert_int_eq(an_jobs_run(&j, 1, &opts, &err), SIM_EINVAL);
	ck_assert_int_eq(o[0].square, 0);
	ck_assert_int_eq(an_jobs_run(&j, 0, &opts, &err), SIM_OK);
	no_children_left();
}
END_TEST

static int make_file(void *vc, struct sim_err *err)
{
	struct ctx *c = vc;
	FILE *f;
	usleep(200000);   /* job 1 would find no file if it did not wait */
	f = fopen(c->path, "w");
	if (!f)
		return sim_errf(err, SIM_EIO, "%s: cannot create", c->path);
	fputs("made by job 0", f);
	fclose(f);
	return fill(vc, err);
}

static int read_file(void *vc, struct sim_err *err)
{
	struct ctx *c = vc;
	FILE *f = fopen(c->path, "r");
	int rc = fill(vc, err);
	if (!f)
		return sim_errf(err, SIM_EIO, "%s: not there yet", c->path);
	if (!fgets(c->o->text, sizeof c->o->text, f))
		c->o->text[0] = '\0';
	fclose(f);
	return rc;
}

START_TEST(after_waits)
{
	struct an_job j[2];
	struct ctx c[2];
	struct out o[2];
	struct rpl_results r[2];
	struct an_jobs_opts opts = { .jobs = 2 };
	struct sim_err err = { 0 };

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	unlink(t_path("made"));
	setup(&j[0], &c[0], 0, o, r, make_file);
	setup(&j[1], &c[1], 1, o, r, read_file);
	j[1].after = 0;
	j[1].cost = 10;   /* the costlier, yet it waits */
	ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), SIM_OK);
	ck_assert_str_eq(o[1].text, "made by job 0");
	for (int k = 0; k < 2; k++) {
		rpl_results_free(&o[k].in);
		rpl_results_free(&r[k]);
	}
	/* `after` must name an earlier job */
	j[0].after = 1;
	ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), SIM_EINTERNAL);
	no_children_left();
}
END_TEST

static int fails(void *vc, struct sim_err *err)
{
	struct ctx *c = vc;
	c->o->square = -1;   /* in the worker's copy only */
	return sim_errf(err, SIM_EINVAL, "bad value %d", 7);
}

static int killed(void *vc, struct sim_err *err)
{
	raise(SIGKILL);
	return SIM_OK;
}

static int silent(void *vc, struct sim_err *err)
{
	_exit(0);   /* ends well, but sends nothing */
}

static int slow(void *vc, struct sim_err *err)
{
	sleep(30);   /* killed long before */
	return fill(vc, err);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Job 1 runs bad beside job 0, which sleeps: the run ends with job 1's
 * error, at once, job 0 killed, neither's outputs touched. */
static void one_bad(int (*bad)(void *, struct sim_err *), int code, const char *msg)
{
	struct an_job j[2];
	struct ctx c[2];
	struct out o[2];
	struct rpl_results r[2];
	struct an_jobs_opts opts = { .jobs = 2 };
	struct sim_err err = { 0 };
	double t0 = now();

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	setup(&j[0], &c[0], 0, o, r, slow);
	setup(&j[1], &c[1], 1, o, r, bad);
	ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), code);
	ck_assert_str_eq(err.msg, msg);
	ck_assert(now() - t0 < 10);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(o[k].square, 0);
		ck_assert_ptr_null(o[k].in.cpu);
		ck_assert_uint_eq(r[k].tlb_misses, 0);
	}
	no_children_left();
}

START_TEST(failing_worker)
{
	one_bad(fails, SIM_EINVAL, "job 1: bad value 7");
}
END_TEST

START_TEST(killed_worker)
{
	one_bad(killed, SIM_EIO, "job 1: its worker died (signal 9)");
}
END_TEST

START_TEST(silent_worker)
{
	one_bad(silent, SIM_EINTERNAL, "job 1: its worker sent no result 1");
}
END_TEST

START_TEST(failing_here)
{
	/* one worker: in this process, the same error, the job after not run */
	struct an_job j[2];
	struct ctx c[2];
	struct out o[2];
	struct rpl_results r[2];
	struct an_jobs_opts opts = { .jobs = 1 };
	struct sim_err err = { 0 };

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	setup(&j[0], &c[0], 0, o, r, fails);
	setup(&j[1], &c[1], 1, o, r, fill);
	ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), SIM_EINVAL);
	ck_assert_str_eq(err.msg, "job 0: bad value 7");
	ck_assert_int_eq(o[0].square, -1);   /* here it is this process's memory */
	ck_assert_int_eq(o[1].square, 0);
}
END_TEST

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
	stop_flag = 1;
}

START_TEST(stopped)
{
	/* the flag set while both workers sleep: both killed, "interrupted" */
	struct an_job j[2];
	struct ctx c[2];
	struct out o[2];
	struct rpl_results r[2];
	struct an_jobs_opts opts = { .jobs = 2, .stop = &stop_flag };
	struct sim_err err = { 0 };
	double t0 = now();

	memset(o, 0, sizeof o);
	memset(r, 0, sizeof r);
	setup(&j[0], &c[0], 0, o, r, slow);
	setup(&j[1], &c[1], 1, o, r, slow);
	signal(SIGALRM, on_alarm);
	alarm(1);
	ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), SIM_EIO);
	ck_assert_str_eq(err.msg, "interrupted");
	ck_assert(now() - t0 < 10);
	no_children_left();
}
END_TEST

/* A job that captures (10 records, 100 cycles), then replays (5, 50),
 * telling an_jobs_progress as it goes: the second run's count starts from
 * 0 again, and its first call comes too soon (within 0.25 s) to be sent. */
static int two_runs(void *vc, struct sim_err *err)
{
	an_jobs_progress(NULL, 10, 100);
	an_jobs_progress(NULL, 3, 30);
	usleep(300000);
	an_jobs_progress(NULL, 5, 50);
	return fill(vc, err);
}

struct seen { uint64_t records, cycles; int calls, backwards; };

static void on_progress(void *ctx, uint64_t records, uint64_t cycles)
{
	struct seen *p = ctx;
	p->backwards += records < p->records || cycles < p->cycles;
	p->records = records;
	p->cycles = cycles;
	p->calls++;
}

START_TEST(one_progress_for_all)
{
	/* two workers, each job's runs added up (15, 150), then both jobs':
	 * the last call gives 30 records and 300 cycles, never fewer than
	 * before; in this process (-j 1) no call at all */
	struct an_job j[2];
	struct ctx c[2];
	struct out o[2];
	struct rpl_results r[2];
	struct seen p = { 0 };
	struct an_jobs_opts opts = { .jobs = 2, .progress = on_progress, .progress_ctx = &p };
	struct sim_err err = { 0 };

	for (int workers = 2; workers >= 1; workers--) {
		memset(o, 0, sizeof o);
		memset(r, 0, sizeof r);
		memset(&p, 0, sizeof p);
		opts.jobs = workers;
		for (int k = 0; k < 2; k++)
			setup(&j[k], &c[k], k, o, r, two_runs);
		ck_assert_int_eq(an_jobs_run(j, 2, &opts, &err), SIM_OK);
		for (int k = 0; k < 2; k++) {
			expect_filled(&o[k], &r[k], k);
			rpl_results_free(&o[k].in);
			rpl_results_free(&r[k]);
		}
		if (workers == 2) {
			ck_assert_int_gt(p.calls, 0);
			ck_assert_uint_eq(p.records, 30);
			ck_assert_uint_eq(p.cycles, 300);
			ck_assert_int_eq(p.backwards, 0);
		} else {
			ck_assert_int_eq(p.calls, 0);
		}
	}
	no_children_left();
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, outputs_come_back);
	tcase_add_test(tc, one_job_in_a_worker);
	tcase_add_test(tc, after_waits);
	tcase_add_test(tc, failing_worker);
	tcase_add_test(tc, killed_worker);
	tcase_add_test(tc, silent_worker);
	tcase_add_test(tc, failing_here);
	tcase_add_test(tc, stopped);
	tcase_add_test(tc, one_progress_for_all);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* Sweep points: --vary parsing, the cartesian product, seeds, hashes. */
#include <string.h>

#include "capture/capture.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/replay.h"
#include "replay/sweep.h"
#include "tests/testlib.h"
#include "traces/params.h"
#include "traces/trace.h"

static const struct param_table *const tables[] = { &machine_param_table, NULL };
static const struct param_table *const all_tables[] = {
	&machine_param_table, &trace_param_table, &monitor_param_table, &policy_param_table,
	&replay_param_table, &capture_param_table, NULL,
};

START_TEST(vary_lists_and_ranges)
{
	struct sim_err err = { 0 };
	struct rpl_vary v;
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, tables, &err), SIM_OK);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.l2.size=256K,1M", &v, &err), SIM_OK);
	ck_assert_int_eq(v.nvals, 2);
	ck_assert_str_eq(v.vals[1], "1M");
	rpl_vary_free(&v);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16:64:16", &v, &err), SIM_OK);
	ck_assert_int_eq(v.nvals, 4);
	ck_assert_str_eq(v.vals[3], "64");
	rpl_vary_free(&v);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.latency.remote_ns=300:900:150", &v, &err), SIM_OK);
	ck_assert_int_eq(v.nvals, 5);
	rpl_vary_free(&v);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.l2.sise=1M", &v, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "did you mean"));
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16,100000", &v, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of range"));
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=64:16:1", &v, &err), SIM_EINVAL);
	ck_assert_int_eq(rpl_vary_parse(c, "noequals", &v, &err), SIM_EINVAL);
	/* an empty value is an error, not dropped; nor is a long list cut */
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16,,32", &v, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "an empty value (value 2)"));
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16,", &v, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "an empty value"));
	{
		char big[5000] = "machine.tlb.entries=16";
		for (size_t i = strlen(big); i < sizeof big - 4; i += 3)
			memcpy(big + i, ",16", 4);
		ck_assert_int_eq(rpl_vary_parse(c, big, &v, &err), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "longer than"));
	}
	/* geometric ranges: lo:hi:*k */
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16:512:*2", &v, &err), SIM_OK);
	ck_assert_int_eq(v.nvals, 6);
	ck_assert_str_eq(v.vals[0], "16");
	ck_assert_str_eq(v.vals[5], "512");
	rpl_vary_free(&v);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.l2.size=256K:4M:*4", &v, &err), SIM_OK);
	ck_assert_int_eq(v.nvals, 3);
	ck_assert_str_eq(v.vals[2], "4194304");
	rpl_vary_free(&v);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16:512:*1", &v, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "k > 1"));
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=0:512:*2", &v, &err), SIM_EINVAL);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16:512:*", &v, &err), SIM_EINVAL);
	cfg_free(c);
}
END_TEST

/* the monitor's parameters do not matter without it; the rest always do */
START_TEST(what_a_mode_reads)
{
	struct sim_err err = { 0 };
	cfg *a, *b;
	ck_assert_int_eq(rpl_param_matters("policy.l2tlb.entries", RPL_NATIVE), 0);
	ck_assert_int_eq(rpl_param_matters("monitor.cost.trap_reflect", RPL_UMA), 0);
	ck_assert_int_eq(rpl_param_matters("monitor.path.tlb_write", RPL_NATIVE), 0);
	ck_assert_int_eq(rpl_param_matters("monitor.paths", RPL_NATIVE), 0);
	ck_assert_int_eq(rpl_param_matters("monitor.path.tlb_write", RPL_DISCO), 1);
	ck_assert_int_eq(rpl_param_matters("policy.migration", RPL_NATIVE), 0);
	ck_assert_int_eq(rpl_param_matters("policy.verghese.sharing", RPL_UMA), 0);
	ck_assert_int_eq(rpl_param_matters("policy.placement", RPL_NATIVE), 1);
	ck_assert_int_eq(rpl_param_matters("policy.l2tlb.entries", RPL_DISCO), 1);
	ck_assert_int_eq(rpl_param_matters("machine.l2.size", RPL_NATIVE), 1);
	ck_assert_int_eq(cfg_new(&a, all_tables, &err), SIM_OK);
	ck_assert_int_eq(cfg_new(&b, all_tables, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(b, "policy.l2tlb.entries", "256", NULL, &err), SIM_OK);
	ck_assert_uint_eq(rpl_effective_hash(a, RPL_NATIVE), rpl_effective_hash(b, RPL_NATIVE));
	ck_assert_uint_ne(rpl_effective_hash(a, RPL_DISCO), rpl_effective_hash(b, RPL_DISCO));
	ck_assert_uint_ne(rpl_effective_hash(a, RPL_NATIVE), rpl_effective_hash(a, RPL_UMA));
	ck_assert_int_eq(cfg_set(b, "machine.tlb.entries", "32", NULL, &err), SIM_OK);
	ck_assert_uint_ne(rpl_effective_hash(a, RPL_NATIVE), rpl_effective_hash(b, RPL_NATIVE));
	cfg_free(a);
	cfg_free(b);
}
END_TEST

static int keep_one(void *ctx, uint64_t hash)
{
	return hash == *(const uint64_t *)ctx;
}

START_TEST(cartesian_product)
{
	struct sim_err err = { 0 };
	struct rpl_vary v[2];
	struct rpl_point *p;
	int n;
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, tables, &err), SIM_OK);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.l2.size=256K,512K,1M", &v[0], &err), SIM_OK);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=32,64", &v[1], &err), SIM_OK);
	ck_assert_int_eq(rpl_sweep_points(c, 1, v, 2, 3, &p, &n, &err), SIM_OK);
	ck_assert_int_eq(n, 18);
	ck_assert_str_eq(p[0].label, "machine.l2.size=256K machine.tlb.entries=32 seed=0");
	ck_assert_int_eq(cfg_int(p[5].c, "machine.tlb.entries"), 64);
	ck_assert_int_eq(cfg_int(p[5].c, "machine.tlb.seed"), 1 + 2);
	ck_assert_int_eq(cfg_int(p[17].c, "machine.l2.size"), 1 << 20);
	/* every point distinct, hashes too */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			ck_assert_uint_ne(p[i].hash, p[j].hash);
	/* only the points kept get a configuration; hashes and labels alike */
	{
		struct rpl_point *q;
		int m;
		ck_assert_int_eq(rpl_sweep_points_kept(c, 1, v, 2, 3, keep_one, &p[7].hash, &q, &m, &err), SIM_OK);
		ck_assert_int_eq(m, n);
		for (int i = 0; i < n; i++) {
			ck_assert_uint_eq(q[i].hash, p[i].hash);
			ck_assert_str_eq(q[i].label, p[i].label);
			ck_assert_int_eq(q[i].seed, p[i].seed);
			if (i == 7)
				ck_assert_uint_eq(cfg_hash(q[i].c), cfg_hash(p[i].c));
			else
				ck_assert_ptr_null(q[i].c);
		}
		rpl_sweep_points_free(q, m);
	}
	rpl_sweep_points_free(p, n);
	/* one seed: the seed is not touched, and the same point hashes alike */
	ck_assert_int_eq(rpl_sweep_points(c, 1, v, 2, 1, &p, &n, &err), SIM_OK);
	ck_assert_int_eq(n, 6);
	ck_assert_int_eq(cfg_int(p[0].c, "machine.tlb.seed"), 1);
	{
		struct rpl_point *q;
		int m;
		ck_assert_int_eq(rpl_sweep_points(c, 1, v, 2, 1, &q, &m, &err), SIM_OK);
		ck_assert_uint_eq(p[3].hash, q[3].hash);
		rpl_sweep_points_free(q, m);
		ck_assert_int_eq(rpl_sweep_points(c, 0, v, 2, 1, &q, &m, &err), SIM_OK);
		ck_assert_uint_ne(p[3].hash, q[3].hash);   /* the mode is part of a point */
		rpl_sweep_points_free(q, m);
	}
	rpl_sweep_points_free(p, n);
	rpl_vary_free(&v[0]);
	rpl_vary_free(&v[1]);
	cfg_free(c);
}
END_TEST

START_TEST(batch_sizes)
{
	ck_assert_int_eq(rpl_sweep_batch_size(16, 2, 8), 8);
	ck_assert_int_eq(rpl_sweep_batch_size(16, 2, 4), 4);
	ck_assert_int_eq(rpl_sweep_batch_size(5, 2, 8), 3);    /* both workers get work */
	ck_assert_int_eq(rpl_sweep_batch_size(3, 8, 8), 1);
	ck_assert_int_eq(rpl_sweep_batch_size(0, 2, 8), 1);
	ck_assert_int_eq(rpl_sweep_batch_size(100, 1, 0), 100);
}
END_TEST

/* Points are checked as a run would start them: values the parameter table
 * takes but the model does not are found, and the one at fault is named. */
START_TEST(check_before_work)
{
	struct sim_err err = { 0 };
	struct rpl_vary v[2];
	struct rpl_point *p;
	const struct rpl_point *pp[8];
	const char *names[2] = { "policy.l2tlb.entries", "policy.l2tlb.ways" };
	int n, nbad;
	cfg *c;

	ck_assert_int_eq(cfg_new(&c, all_tables, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.cpus", "2", NULL, &err), SIM_OK);
	ck_assert_msg(rpl_check(c, RPL_DISCO, 2, &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(rpl_check(c, RPL_DISCO, 4, &err), SIM_EINVAL);   /* more streams than CPUs */
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.cpus"));
	/* 768 entries of 4 ways: 192 sets, not a power of two */
	ck_assert_int_eq(rpl_vary_parse(c, "policy.l2tlb.entries=256:1024:256", &v[0], &err), SIM_OK);
	ck_assert_int_eq(rpl_sweep_points(c, RPL_DISCO, v, 1, 1, &p, &n, &err), SIM_OK);
	ck_assert_int_eq(n, 4);
	for (int i = 0; i < n; i++)
		pp[i] = &p[i];
	ck_assert_int_eq(rpl_sweep_check(c, pp, n, names, 1, 2, &nbad, &err), SIM_EINVAL);
	ck_assert_int_eq(nbad, 1);
	ck_assert_msg(strstr(err.msg, "--vary policy.l2tlb.entries=768: ") == err.msg, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "power of two"));
	ck_assert_ptr_nonnull(strstr(err.msg, "(1 of the 4 points fails)"));
	/* without that point, all is well; in native mode the L2TLB is not built */
	ck_assert_int_eq(rpl_sweep_check(c, pp, 2, names, 1, 2, &nbad, &err), SIM_OK);
	ck_assert_int_eq(nbad, 0);
	ck_assert_msg(rpl_check(p[2].c, RPL_NATIVE, 2, &err) == SIM_OK, "%s", err.msg);
	rpl_sweep_points_free(p, n);
	rpl_vary_free(&v[0]);
	/* a combination at fault: 12 entries are 4 sets of 3 ways, 3 sets of 4;
	 * the first failing point (12, 4) is blamed on 12, which fails with the
	 * base's 4 ways too; (16, 3) fails on 3 */
	ck_assert_int_eq(rpl_vary_parse(c, "policy.l2tlb.entries=12,16", &v[0], &err), SIM_OK);
	ck_assert_int_eq(rpl_vary_parse(c, "policy.l2tlb.ways=3,4", &v[1], &err), SIM_OK);
	ck_assert_int_eq(rpl_sweep_points(c, RPL_DISCO, v, 2, 1, &p, &n, &err), SIM_OK);
	for (int i = 0; i < n; i++)
		pp[i] = &p[i];
	ck_assert_int_eq(rpl_sweep_check(c, pp, n, names, 2, 2, &nbad, &err), SIM_EINVAL);
	ck_assert_int_eq(nbad, 2);
	ck_assert_msg(strstr(err.msg, "--vary policy.l2tlb.entries=12: ") == err.msg, "%s", err.msg);
	/* a point no single value explains is named whole: 8 entries take 4
	 * ways, 16 entries 16 ways, but 8 entries not 16 ways */
	rpl_sweep_points_free(p, n);
	rpl_vary_free(&v[0]);
	rpl_vary_free(&v[1]);
	ck_assert_int_eq(cfg_set(c, "policy.l2tlb.entries", "16", NULL, &err), SIM_OK);
	ck_assert_int_eq(rpl_vary_parse(c, "policy.l2tlb.entries=8,16", &v[0], &err), SIM_OK);
	ck_assert_msg(rpl_vary_parse(c, "policy.l2tlb.ways=4,16", &v[1], &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(rpl_sweep_points(c, RPL_DISCO, v, 2, 1, &p, &n, &err), SIM_OK);
	for (int i = 0; i < n; i++)
		pp[i] = &p[i];
	ck_assert_int_eq(rpl_sweep_check(c, &pp[1], 1, names, 2, 2, &nbad, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "point 1 (policy.l2tlb.entries=8 policy.l2tlb.ways=16): ") == err.msg,
		      "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "(the only point)"));
	ck_assert_int_eq(rpl_sweep_check(c, pp, n, names, 2, 2, &nbad, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "point 2 (") == err.msg, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "(1 of the 4 points fails)"));
	rpl_sweep_points_free(p, n);
	rpl_vary_free(&v[0]);
	rpl_vary_free(&v[1]);
	cfg_free(c);
}
END_TEST

/* The run's callback: records what came back. */
struct got {
	int n, seen[16];
	uint64_t cycles[16], tlb[16];
	int fail_at;   /* >0: fail on that call */
};

static int on_done(void *ctx, int task, int point, const struct rpl_results *r, struct sim_err *err)
{
	struct got *g = ctx;
	ck_assert_int_eq(task, 0);
	ck_assert(point >= 0 && point < 16);
	g->n++;
	g->seen[point]++;
	g->cycles[point] = r->cycles;
	g->tlb[point] = r->tlb_misses;
	ck_assert_int_eq(r->ncpus, 2);
	ck_assert_uint_gt(r->cpu[1].cycles[ACCT_USER] + r->cpu[0].cycles[ACCT_USER], 0);
	if (g->fail_at && g->n == g->fail_at)
		return sim_errf(err, SIM_EIO, "callback refused point %d", point);
	return SIM_OK;
}

START_TEST(run_in_workers)
{
	struct sim_err err = { 0 };
	const char *path = t_path("sweep.dtr");
	const char *cap[] = { "capture.cpus=2", "machine.cpus=2", "capture.synth.refs=20000", NULL };
	struct rpl_results res;
	struct rpl_vary v;
	struct rpl_point *p;
	const struct rpl_point *pp[16];
	struct got g = { 0 };
	int n;
	cfg *c;

	ck_assert_int_eq(cfg_new(&c, all_tables, &err), SIM_OK);
	for (int i = 0; cap[i]; i++)
		ck_assert_int_eq(cfg_set_assignment(c, cap[i], "test", &err), SIM_OK);
	ck_assert_msg(cap_run(c, cap_find_guest("synthetic"), path, &res, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	rpl_results_free(&res);
	ck_assert_int_eq(rpl_vary_parse(c, "machine.tlb.entries=16:56:8", &v, &err), SIM_OK);
	ck_assert_int_eq(rpl_sweep_points(c, RPL_DISCO, &v, 1, 1, &p, &n, &err), SIM_OK);
	ck_assert_int_eq(n, 6);
	for (int i = 0; i < n; i++)
		pp[i] = &p[i];
	{
		struct rpl_sweep_task t = { path, pp, n };
		struct rpl_sweep_opts o = { .jobs = 2, .batch = 2, .done = on_done, .ctx = &g };
		ck_assert_msg(rpl_sweep_run(&t, 1, &o, &err) == SIM_OK, "%s", err.msg);
	}
	ck_assert_int_eq(g.n, n);
	for (int i = 0; i < n; i++) {
		struct rpl_source src;
		trc_reader *r;
		ck_assert_int_eq(g.seen[i], 1);
		/* each point as a replay of its own gives the same numbers */
		ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
		rpl_source_from_reader(&src, r);
		ck_assert_int_eq(rpl_run(p[i].c, RPL_DISCO, &src, &res, NULL, NULL, &err), SIM_OK);
		ck_assert_uint_eq(res.cycles, g.cycles[i]);
		ck_assert_uint_eq(res.tlb_misses, g.tlb[i]);
		rpl_results_free(&res);
		trc_reader_close(r);
	}
	ck_assert_uint_gt(g.tlb[0], g.tlb[5]);   /* 16 entries miss more than 56 */
	/* a refusing callback stops the sweep with its error */
	memset(&g, 0, sizeof g);
	g.fail_at = 2;
	{
		struct rpl_sweep_task t = { path, pp, n };
		struct rpl_sweep_opts o = { .jobs = 2, .batch = 1, .done = on_done, .ctx = &g };
		ck_assert_int_eq(rpl_sweep_run(&t, 1, &o, &err), SIM_EIO);
		ck_assert_ptr_nonnull(strstr(err.msg, "callback refused"));
		ck_assert_int_eq(g.n, 2);
	}
	/* a worker's error names the trace */
	{
		struct rpl_sweep_task t = { t_path("missing.dtr"), pp, 2 };
		struct rpl_sweep_opts o = { .jobs = 2, .batch = 1, .done = on_done, .ctx = &g };
		ck_assert_int_ne(rpl_sweep_run(&t, 1, &o, &err), SIM_OK);
		ck_assert_ptr_nonnull(strstr(err.msg, "missing.dtr"));
	}
	/* a stop request ends the run */
	{
		volatile sig_atomic_t stop = 1;
		struct rpl_sweep_task t = { path, pp, n };
		struct rpl_sweep_opts o = { .jobs = 1, .batch = 1, .done = on_done, .ctx = &g, .stop = &stop };
		ck_assert_int_eq(rpl_sweep_run(&t, 1, &o, &err), SIM_EIO);
		ck_assert_ptr_nonnull(strstr(err.msg, "interrupted"));
	}
	rpl_sweep_points_free(p, n);
	rpl_vary_free(&v);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_add_test(tc, vary_lists_and_ranges);
	tcase_add_test(tc, cartesian_product);
	tcase_add_test(tc, what_a_mode_reads);
	tcase_add_test(tc, batch_sizes);
	tcase_add_test(tc, check_before_work);
	tcase_add_test(tc, run_in_workers);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

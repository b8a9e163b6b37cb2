/* Sweep points: --vary parsing, the cartesian product, seeds, hashes. */
#include <string.h>

#include "machine/params.h"
#include "replay/sweep.h"
#include "tests/testlib.h"

static const struct param_table *const tables[] = { &machine_param_table, NULL };

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
	cfg_free(c);
}
END_TEST

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

Suite *make_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_add_test(tc, vary_lists_and_ranges);
	tcase_add_test(tc, cartesian_product);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* Sweep files: keys, the table built from the runs (seed replicas grouped,
 * statistics, sorted rows), its round trip, and merging. */
#include <math.h>
#include <string.h>

#include "analysis/results.h"
#include "analysis/sweep.h"
#include "base/mem.h"
#include "machine/params.h"
#include "tests/analysis/sample.h"
#include "tests/testlib.h"

static const struct param_table *const tables[] = { &machine_param_table, NULL };

/* Adds a run for l2 size `l2` and seed `seed` with `cycles` cycles. */
static void add(const char *path, const char *l2, int seed, uint64_t cycles, const char *name)
{
	struct sim_err err = { 0 };
	struct rpl_results r;
	an_file *f;
	char s[16];
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, tables, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.l2.size", l2, "test", &err), SIM_OK);
	snprintf(s, sizeof s, "%d", seed);
	ck_assert_int_eq(cfg_set(c, "machine.tlb.seed", s, "test", &err), SIM_OK);
	sample_results(&r, 1);
	r.cycles = cycles;
	r.tlb_misses = cycles / 10;
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert_msg(an_add_run(f, name, c, &r, "/traces/x.dtr", &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	sample_free(&r);
	cfg_free(c);
}

START_TEST(keys)
{
	char k[32];
	an_sweep_key(k, sizeof k, 0x0123456789abcdefull, 0xfedcba9876543210ull);
	ck_assert_str_eq(k, "p0123456789abcdef-76543210");
}
END_TEST

START_TEST(table_groups_seeds)
{
	struct sim_err err = { 0 };
	const char *path = t_path("seeds.h5"), *vary[] = { "machine.l2.size" };
	struct an_table t, u;
	int rows = -1, c;
	cfg *proto;
	ck_assert_int_eq(cfg_new(&proto, tables, &err), SIM_OK);
	/* written out of order: 1M first */
	add(path, "1M", 1, 100, "a1");
	add(path, "1M", 2, 110, "a2");
	add(path, "1M", 3, 120, "a3");
	add(path, "256K", 1, 300, "b1");
	add(path, "256K", 2, 300, "b2");
	add(path, "256K", 3, 300, "b3");
	ck_assert_int_eq(an_sweep_note_vary(path, vary, 1, &err), SIM_OK);
	ck_assert_msg(an_sweep_table_write(path, proto, &rows, &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(rows, 2);
	ck_assert_msg(an_sweep_table_read(path, &t, &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_int_eq(t.replicated, 1);
	ck_assert_int_eq(t.nparams, 1);
	ck_assert_str_eq(t.cols[t.first_param].name, "machine.l2.size");
	ck_assert_str_eq(t.cols[t.first_param].unit, "bytes");
	/* sorted by the parameter: 256K first */
	ck_assert_double_eq(t.cols[t.first_param].f[0], 262144);
	ck_assert_double_eq(t.cols[t.first_param].f[1], 1048576);
	c = an_table_col(&t, "group");
	ck_assert_str_eq(t.cols[c].s[1], "a1 a2 a3");
	c = an_table_col(&t, "nseeds");
	ck_assert_int_eq(t.cols[c].i[0], 3);
	c = an_table_col(&t, "cycles_mean");
	ck_assert_int_ge(c, 0);
	ck_assert_double_eq_tol(t.cols[c].f[1], 110, 1e-9);
	ck_assert_double_eq_tol(t.cols[c + 1].f[1], 10, 1e-9);              /* sd */
	ck_assert_double_eq_tol(t.cols[c + 2].f[1], 4.302652729911275 * 10 / sqrt(3), 1e-6);
	ck_assert_double_eq(t.cols[c + 1].f[0], 0);
	ck_assert_int_lt(an_table_col(&t, "cycles"), 0);
	ck_assert_int_ge(an_table_col(&t, "tlb_misses_ci95"), 0);
	ck_assert_int_lt(an_table_col(&t, "machine.tlb.seed"), 0);   /* replicas, not a parameter */
	/* the table is not a run */
	{
		char **names;
		size_t n;
		ck_assert_int_eq(an_list_runs(path, &names, &n, &err), SIM_OK);
		ck_assert_uint_eq(n, 6);
		an_free_names(names, n);
	}
	/* rebuilt in memory: the same as read back */
	ck_assert_int_eq(an_sweep_table_build(path, proto, &u, &err), SIM_OK);
	ck_assert_int_eq(u.ncols, t.ncols);
	an_table_free(&u);
	an_table_free(&t);
	cfg_free(proto);
}
END_TEST

START_TEST(varied_seed_is_a_parameter)
{
	struct sim_err err = { 0 };
	const char *path = t_path("seedvary.h5"), *vary[] = { "machine.tlb.seed" };
	struct an_table t;
	add(path, "1M", 1, 100, "a1");
	add(path, "1M", 2, 110, "a2");
	ck_assert_int_eq(an_sweep_note_vary(path, vary, 1, &err), SIM_OK);
	ck_assert_int_eq(an_sweep_table_write(path, NULL, NULL, &err), SIM_OK);
	ck_assert_int_eq(an_sweep_table_read(path, &t, &err), SIM_OK);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_int_eq(t.replicated, 0);
	ck_assert_int_ge(an_table_col(&t, "machine.tlb.seed"), 0);
	ck_assert_int_eq(t.cols[an_table_col(&t, "cycles")].i[1], 110);
	an_table_free(&t);
}
END_TEST

/* Many rows, each one's replicas written far apart (seed after seed): every
 * row gathers its own runs, in the order read, whatever the rows' number. */
START_TEST(rows_gather_their_replicas)
{
	static const char *const l2[] = { "32K", "64K", "128K", "256K", "512K", "1M", "2M", "4M" };
	struct sim_err err = { 0 };
	const char *path = t_path("manyrows.h5"), *vary[] = { "machine.l2.size" };
	struct an_table t;
	int g, ns, cy;
	for (int seed = 1; seed <= 4; seed++)
		for (int i = 0; i < 8; i++) {
			char name[16];
			snprintf(name, sizeof name, "p%d-%d", seed, i);
			add(path, l2[i], seed, (uint64_t)(100 * (i + 1) + seed), name);
		}
	ck_assert_int_eq(an_sweep_note_vary(path, vary, 1, &err), SIM_OK);
	ck_assert_msg(an_sweep_table_write(path, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(an_sweep_table_read(path, &t, &err), SIM_OK);
	ck_assert_int_eq(t.nrows, 8);
	g = an_table_col(&t, "group");
	ns = an_table_col(&t, "nseeds");
	cy = an_table_col(&t, "cycles_mean");
	for (int i = 0; i < 8; i++) {   /* rows by size: 32K first */
		char want[64];
		snprintf(want, sizeof want, "p1-%d p2-%d p3-%d p4-%d", i, i, i, i);
		ck_assert_str_eq(t.cols[g].s[i], want);
		ck_assert_int_eq(t.cols[ns].i[i], 4);
		ck_assert_double_eq_tol(t.cols[cy].f[i], 100 * (i + 1) + 2.5, 1e-9);   /* seeds 1-4 */
	}
	an_table_free(&t);
}
END_TEST

/* The calls of a merge's progress callback. */
struct calls {
	int n, v[8][3];
};

static void note_progress(void *ctx, int done, int nin, int added)
{
	struct calls *c = ctx;
	if (c->n < 8) {
		c->v[c->n][0] = done;
		c->v[c->n][1] = nin;
		c->v[c->n][2] = added;
	}
	c->n++;
}

START_TEST(merge_files)
{
	struct calls calls = { 0 };
	struct sim_err err = { 0 };
	const char *a = t_path("ma.h5"), *b = t_path("mb.h5"), *out = t_path("mout.h5");
	const char *in[2] = { a, b }, *vary[] = { "machine.l2.size" };
	int added = -1, present = -1;
	struct an_table t;
	cfg *proto;
	ck_assert_int_eq(cfg_new(&proto, tables, &err), SIM_OK);
	add(a, "1M", 1, 100, "p1");
	add(b, "256K", 1, 300, "p2");
	ck_assert_int_eq(an_sweep_note_vary(b, vary, 1, &err), SIM_OK);
	ck_assert_msg(an_sweep_merge(out, in, 2, proto, &added, &present, NULL, note_progress, &calls, &err) ==
		      SIM_OK, "%s", err.msg);
	ck_assert_int_eq(added, 2);
	ck_assert_int_eq(present, 0);
	/* after the first input, then before writing: done, of, added */
	ck_assert_int_eq(calls.n, 2);
	ck_assert_int_eq(calls.v[0][0], 1);
	ck_assert_int_eq(calls.v[0][1], 2);
	ck_assert_int_eq(calls.v[0][2], 1);
	ck_assert_int_eq(calls.v[1][0], 2);
	ck_assert_int_eq(calls.v[1][1], 2);
	ck_assert_int_eq(calls.v[1][2], 2);
	ck_assert_msg(an_sweep_merge(out, in, 2, proto, &added, &present, NULL, NULL, NULL, &err) == SIM_OK, "%s",
		      err.msg);
	ck_assert_int_eq(added, 0);
	ck_assert_int_eq(present, 2);
	ck_assert_int_eq(an_sweep_table_write(out, proto, NULL, &err), SIM_OK);
	ck_assert_int_eq(an_sweep_table_read(out, &t, &err), SIM_OK);
	ck_assert_int_eq(t.nrows, 2);
	ck_assert_int_eq(t.cols[an_table_col(&t, "cycles")].i[0], 300);
	ck_assert_str_eq(t.cols[an_table_col(&t, "trace")].s[0], "/traces/x.dtr");
	an_table_free(&t);
	/* a run's configuration survives the merge */
	{
		struct rpl_results r;
		char *config;
		ck_assert_int_eq(an_read_results(out, "p2", &r, &config, NULL, &err), SIM_OK);
		ck_assert_ptr_nonnull(strstr(config, "machine.l2.size = 256K\n"));
		sim_free(config);
		an_results_free(&r);
	}
	cfg_free(proto);
}
END_TEST

/* Every cell of t and u, as text, the same. */
static void tables_equal(const struct an_table *t, const struct an_table *u)
{
	ck_assert_int_eq(t->nrows, u->nrows);
	ck_assert_int_eq(t->ncols, u->ncols);
	ck_assert_int_eq(t->replicated, u->replicated);
	for (int c = 0; c < t->ncols; c++)
		for (int r = 0; r < t->nrows; r++) {
			char a[256], b[256];
			an_table_cell(t, c, r, a, sizeof a);
			an_table_cell(u, c, r, b, sizeof b);
			ck_assert_str_eq(a, b);
		}
}

/* A merge builds its table from the runs it has just written and the runs
 * the file held before (read back): the same table, cell for cell, as one
 * built from the file alone afterwards.  Three seeds of two points, merged
 * in two steps, so that the second merge adds replicas to rows of runs it
 * reads back. */
START_TEST(merge_table_as_from_file)
{
	struct sim_err err = { 0 };
	const char *a = t_path("ta.h5"), *b = t_path("tb.h5"), *out = t_path("tout.h5");
	const char *vary[] = { "machine.l2.size" };
	struct an_table t, u;
	int rows = -1;
	cfg *proto;
	ck_assert_int_eq(cfg_new(&proto, tables, &err), SIM_OK);
	add(a, "1M", 1, 100, "a1");
	add(a, "256K", 1, 300, "b1");
	add(b, "1M", 2, 110, "a2");
	add(b, "256K", 2, 330, "b2");
	add(b, "1M", 3, 120, "a3");
	add(b, "256K", 3, 360, "b3");
	ck_assert_int_eq(an_sweep_note_vary(a, vary, 1, &err), SIM_OK);
	ck_assert_int_eq(an_sweep_note_vary(b, vary, 1, &err), SIM_OK);
	ck_assert_msg(an_sweep_merge(out, &a, 1, proto, NULL, NULL, &rows, NULL, NULL, &err) == SIM_OK, "%s",
		      err.msg);
	ck_assert_int_eq(rows, 2);
	ck_assert_msg(an_sweep_merge(out, &b, 1, proto, NULL, NULL, &rows, NULL, NULL, &err) == SIM_OK, "%s",
		      err.msg);
	ck_assert_int_eq(rows, 2);
	ck_assert_int_eq(an_sweep_table_read(out, &t, &err), SIM_OK);
	ck_assert_int_eq(an_sweep_table_build(out, proto, &u, &err), SIM_OK);
	ck_assert_int_eq(t.replicated, 1);
	tables_equal(&t, &u);
	/* the rows' means: 1M (100, 110, 120) and 256K (300, 330, 360), in either order */
	{
		char c0[64], c1[64];
		int c = an_table_col(&t, "cycles_mean");
		ck_assert_int_ge(c, 0);
		an_table_cell(&t, c, 0, c0, sizeof c0);
		an_table_cell(&t, c, 1, c1, sizeof c1);
		ck_assert((!strcmp(c0, "110") && !strcmp(c1, "330")) || (!strcmp(c0, "330") && !strcmp(c1, "110")));
	}
	an_table_free(&t);
	an_table_free(&u);
	cfg_free(proto);
}
END_TEST

START_TEST(no_table)
{
	struct sim_err err = { 0 };
	struct an_table t;
	const char *path = t_path("plain.h5");
	add(path, "1M", 1, 100, "x");
	ck_assert_int_eq(an_sweep_table_read(path, &t, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no sweep table"));
	ck_assert_int_eq(an_sweep_table_read(t_path("none.h5"), &t, &err), SIM_EINVAL);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("sweepfile");
	TCase *tc = tcase_create("sweepfile");
	tcase_add_test(tc, keys);
	tcase_add_test(tc, table_groups_seeds);
	tcase_add_test(tc, varied_seed_is_a_parameter);
	tcase_add_test(tc, rows_gather_their_replicas);
	tcase_add_test(tc, merge_table_as_from_file);
	tcase_add_test(tc, merge_files);
	tcase_add_test(tc, no_table);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

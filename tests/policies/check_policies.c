/* Policies: the registry agrees with the parameter table; each placement
 * and scheduling rule; the set-associative L2TLB's hits, invalidation,
 * flush and LRU replacement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/policy.h"
#include "tests/testlib.h"

static const struct param_table *const tables[] = { &policy_param_table, NULL };

static cfg *mkcfg(const char *entries, const char *ways)
{
	cfg *c;
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_new(&c, tables, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "policy.l2tlb.entries", entries, NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "policy.l2tlb.ways", ways, NULL, &err), SIM_OK);
	return c;
}

START_TEST(registry_matches_choices)
{
	static const char *const kinds[] = { "placement", "sched", "l2tlb", "migration" };
	cfg *c = mkcfg("1024", "4");
	for (int k = 0; k < 4; k++) {
		char names[256], *tok, *save;
		const struct param_def *d = cfg_def(c, (size_t)cfg_find(c, pol_kind_param(kinds[k])));
		ck_assert_str_eq(d->choices, pol_names(kinds[k]));
		snprintf(names, sizeof names, "%s", pol_names(kinds[k]));
		for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const void *p = k == 0 ? (const void *)pol_find_placement(tok)
				      : k == 1 ? (const void *)pol_find_sched(tok)
				      : k == 2 ? (const void *)pol_find_l2tlb(tok)
					       : (const void *)pol_find_migration(tok);
			ck_assert_msg(p != NULL, "%s policy '%s' is a choice but not registered", kinds[k], tok);
		}
	}
	ck_assert_ptr_null(pol_find_placement("nope"));
	ck_assert_ptr_null(pol_kind_param("nope"));
	cfg_free(c);
}
END_TEST

static int reg_create(void **st, const cfg *c, struct sim_err *err) { *st = NULL; return SIM_OK; }
static int reg_sched_create(void **st, const cfg *c, const struct pol_sched_view *v, struct sim_err *err)
{
	return reg_create(st, c, err);
}
static int reg_cpu(void *st, int vcpu, uint64_t now) { return 0; }
static uint64_t reg_next(void *st, uint64_t now) { return UINT64_MAX; }

/* Policies added at run time become choices of their kind's parameter;
 * a name taken, or a required hook missing, is refused. */
START_TEST(registering_at_run_time)
{
	static const struct pol_sched_ops all_on_0 = {
		.name = "test-cpu0", .help = "every vCPU on CPU 0",
		.create = reg_sched_create, .cpu_for = reg_cpu, .next_change = reg_next,
	};
	static const struct pol_sched_ops no_next = {
		.name = "test-no-next", .help = "lacks next_change",
		.create = reg_sched_create, .cpu_for = reg_cpu,
	};
	static const struct pol_l2tlb_ops no_hooks = {
		.name = "test-l2tlb", .help = "lacks its hooks", .create = reg_create,
	};
	static const struct pol_sched_ops taken = {
		.name = "pinned", .help = "a built-in's name",
		.create = reg_sched_create, .cpu_for = reg_cpu, .next_change = reg_next,
	};
	struct sim_err err = { 0 };
	cfg *c = mkcfg("1024", "4");
	ck_assert_int_eq(pol_register_sched(NULL), -1);
	ck_assert_int_eq(pol_register_sched(&no_next), -1);
	ck_assert_int_eq(pol_register_l2tlb(&no_hooks), -1);
	ck_assert_int_eq(pol_register_sched(&taken), -1);
	ck_assert_int_eq(cfg_set(c, "policy.sched", "test-cpu0", NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(pol_register_sched(&all_on_0), 0);
	ck_assert_ptr_eq(pol_find_sched("test-cpu0"), &all_on_0);
	ck_assert_str_eq(pol_names("sched"), "pinned,round-robin,test-cpu0");
	ck_assert_ptr_null(pol_find_sched("test-no-next"));
	ck_assert_ptr_null(pol_find_l2tlb("test-l2tlb"));
	ck_assert_msg(cfg_set(c, "policy.sched", "test-cpu0", NULL, &err) == SIM_OK, "%s", err.msg);
	cfg_free(c);
}
END_TEST

START_TEST(placements)
{
	struct pol_place_view v = { 4, 1000 };
	struct sim_err err = { 0 };
	cfg *c = mkcfg("1024", "4");
	void *st;
	const struct pol_placement_ops *p;

	p = pol_find_placement("first-touch");
	ck_assert_int_eq(p->create(&st, c, &v, &err), SIM_OK);
	ck_assert_int_eq(p->node_for(st, 17, 3), 3);
	p->destroy(st);
	p = pol_find_placement("round-robin");
	ck_assert_int_eq(p->create(&st, c, &v, &err), SIM_OK);
	for (uint64_t g = 0; g < 8; g++)
		ck_assert_int_eq(p->node_for(st, g, 0), (int)(g % 4));
	p->destroy(st);
	p = pol_find_placement("consecutive");
	ck_assert_int_eq(p->create(&st, c, &v, &err), SIM_OK);
	ck_assert_int_eq(p->node_for(st, 0, 3), 0);
	ck_assert_int_eq(p->node_for(st, 249, 3), 0);
	ck_assert_int_eq(p->node_for(st, 250, 0), 1);
	ck_assert_int_eq(p->node_for(st, 999, 0), 3);
	p->destroy(st);
	p = pol_find_placement("node0");
	ck_assert_int_eq(p->create(&st, c, &v, &err), SIM_OK);
	ck_assert_int_eq(p->node_for(st, 999, 2), 0);
	p->destroy(st);
	cfg_free(c);
}
END_TEST

START_TEST(scheduling)
{
	struct pol_sched_view v = { 4, 4, 1000 };
	struct sim_err err = { 0 };
	cfg *c = mkcfg("1024", "4");
	void *st;
	const struct pol_sched_ops *s = pol_find_sched("pinned");
	ck_assert_int_eq(s->create(&st, c, &v, &err), SIM_OK);
	ck_assert_int_eq(s->cpu_for(st, 2, 123456), 2);
	ck_assert_uint_eq(s->next_change(st, 5), UINT64_MAX);
	s->destroy(st);
	s = pol_find_sched("round-robin");
	ck_assert_int_eq(s->create(&st, c, &v, &err), SIM_OK);
	ck_assert_int_eq(s->cpu_for(st, 2, 999), 2);
	ck_assert_int_eq(s->cpu_for(st, 2, 1000), 3);
	ck_assert_int_eq(s->cpu_for(st, 3, 1000), 0);
	ck_assert_uint_eq(s->next_change(st, 1000), 2000);
	/* a permutation in every slice: no two vCPUs share a CPU */
	for (uint64_t t = 0; t < 10000; t += 1000) {
		int seen = 0;
		for (int i = 0; i < 4; i++)
			seen |= 1 << s->cpu_for(st, i, t);
		ck_assert_int_eq(seen, 15);
	}
	s->destroy(st);
	cfg_free(c);
}
END_TEST

START_TEST(l2tlb_against_reference)
{
	static const char *const geoms[][2] = { { "64", "1" }, { "64", "4" }, { "32", "32" }, { "256", "8" } };
	const char *entries = geoms[_i][0], *ways = geoms[_i][1];
	int nways = atoi(ways), nsets = atoi(entries) / nways;
	struct sim_err err = { 0 };
	cfg *c = mkcfg(entries, ways);
	const struct pol_l2tlb_ops *o = pol_find_l2tlb("set-assoc");
	void *st;
	uint64_t seed = 99;
	ck_assert_int_eq(o->create(&st, c, &err), SIM_OK);
	/* random lookups and inserts over 120 keys: a hit always returns what
	 * was inserted for that key; an invalidated key misses */
	for (int step = 0; step < 20000; step++) {
		uint64_t x = (seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33;
		uint32_t asid = (uint32_t)(x % 3);
		uint64_t vpn = (x >> 2) % 40;
		uint64_t mpn = 0;
		uint32_t cmp = o->compared(st, asid, vpn);
		int w = 0, hit = o->lookup(st, asid, vpn, &mpn, &w);
		/* a probe stops at the way whose tag matches: at most all */
		ck_assert_uint_ge(cmp, 1);
		ck_assert_uint_le(cmp, (uint32_t)nways);
		if (hit)
			ck_assert_uint_eq(mpn, vpn * 7 + asid);   /* a hit returns what was inserted */
		else
			o->insert(st, asid, vpn, vpn * 7 + asid, 1);
		if (step % 97 == 0) {
			o->invalidate(st, asid, vpn);
			ck_assert_int_eq(o->lookup(st, asid, vpn, &mpn, &w), 0);
		}
	}
	/* a key just inserted always hits */
	o->flush(st);
	for (uint64_t vpn = 0; vpn < 200; vpn++) {
		uint64_t mpn;
		int w;
		o->insert(st, 5, vpn, vpn, 0);
		ck_assert_int_eq(o->lookup(st, 5, vpn, &mpn, &w), 1);
		ck_assert_int_eq(w, 0);
	}
	/* nothing survives a flush: a probe compares every way in vain */
	o->flush(st);
	for (uint64_t vpn = 0; vpn < 200; vpn++) {
		uint64_t mpn;
		int w;
		ck_assert_uint_eq(o->compared(st, 5, vpn), (uint32_t)nways);
		ck_assert_int_eq(o->lookup(st, 5, vpn, &mpn, &w), 0);
	}
	/* fully associative (one set): exactly the `entries` most recent
	 * even/odd pairs hit, both halves of each */
	if (nsets == 1) {
		for (uint64_t vpn = 0; vpn < (uint64_t)nways * 6; vpn++)
			o->insert(st, 1, vpn, vpn, 1);
		for (uint64_t vpn = 0; vpn < (uint64_t)nways * 6; vpn++) {
			uint64_t mpn;
			int w;
			ck_assert_int_eq(o->lookup(st, 1, vpn, &mpn, &w), vpn / 2 >= (uint64_t)nways * 2);
		}
	}
	/* an entry is a pair: one half can be valid alone, and invalidating
	 * one half leaves the other */
	o->flush(st);
	{
		uint64_t mpn;
		int w;
		o->insert(st, 2, 10, 100, 1);
		ck_assert_int_eq(o->lookup(st, 2, 11, &mpn, &w), 0);
		o->insert(st, 2, 11, 111, 0);
		ck_assert_int_eq(o->lookup(st, 2, 10, &mpn, &w), 1);
		ck_assert_uint_eq(mpn, 100);
		ck_assert_int_eq(w, 1);
		o->invalidate(st, 2, 10);
		ck_assert_int_eq(o->lookup(st, 2, 10, &mpn, &w), 0);
		ck_assert_int_eq(o->lookup(st, 2, 11, &mpn, &w), 1);
		ck_assert_uint_eq(mpn, 111);
		ck_assert_int_eq(w, 0);
	}
	o->destroy(st);
	cfg_free(c);
}
END_TEST

START_TEST(l2tlb_bad_geometry)
{
	struct sim_err err = { 0 };
	void *st;
	cfg *c = mkcfg("96", "4");   /* 24 sets: not a power of two */
	ck_assert_int_eq(pol_find_l2tlb("set-assoc")->create(&st, c, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "power of two"));
	cfg_free(c);
	c = mkcfg("6", "4");
	ck_assert_int_eq(pol_find_l2tlb("set-assoc")->create(&st, c, &err), SIM_EINVAL);
	cfg_free(c);
}
END_TEST

/* the verghese decision, case by case */
START_TEST(verghese_decisions)
{
	struct sim_err err = { 0 };
	cfg *c = mkcfg("1024", "4");
	const struct pol_migration_ops *o = pol_find_migration("verghese");
	uint32_t misses[4] = { 0, 128, 0, 0 };
	struct pol_hot_view v = { 7, 1, 0, 4, misses, 0, 0, 0, 0 };
	struct pol_mig_view mv = { 4, 1024, 0, NULL };
	void *st;
	int node = -1;
	ck_assert_int_eq(o->create(&st, c, &mv, &err), SIM_OK);
	/* private to node 1: migrate there */
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_MIGRATE);
	ck_assert_int_eq(node, 1);
	/* shared and read-only: replicate */
	misses[2] = 40;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_REPLICATE);
	/* shared and written: leave alone */
	v.writes = 3;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_NONE);
	/* past the move limit: stays */
	v.writes = 0;
	v.moves = 4;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_NONE);
	/* node 1 already has a copy */
	v.moves = 0;
	v.has_copy_on_hot = 1;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_NONE);
	o->destroy(st);
	/* migrate-only ignores sharing, replicate-only ignores privacy */
	v.has_copy_on_hot = 0;
	o = pol_find_migration("migrate-only");
	o->create(&st, c, &mv, &err);
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_MIGRATE);
	o->destroy(st);
	o = pol_find_migration("replicate-only");
	o->create(&st, c, &mv, &err);
	misses[2] = 0;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_REPLICATE);
	v.writes = 1;
	ck_assert_int_eq(o->decide(st, &v, &node), POL_MIG_NONE);
	o->destroy(st);
	cfg_free(c);
}
END_TEST

/* the oracle's first touch, from a hand-built profile of 3 pages on 2
 * nodes (policy.verghese.sharing = 16 by default) */
START_TEST(oracle_first_touch)
{
	struct sim_err err = { 0 };
	cfg *c = mkcfg("1024", "4");
	const struct pol_migration_ops *o = pol_find_migration("oracle");
	const uint32_t misses[] = { 20, 40,   /* page 0: read by both */
				    20, 40,   /* page 1: the same, but stored to */
				    0, 0 };   /* page 2: never missed */
	const uint32_t writes[] = { 0, 1, 0 };
	const uint32_t after[] = { 20, 40,   /* page 0: no store, all its misses */
				   3, 16,    /* page 1: after its last store, node 1 only */
				   0, 0 };
	struct pol_profile p = { 2, 3, misses, writes, after };
	struct pol_mig_view mv = { 2, 3, 0, &p };
	uint8_t rep[2] = { 0, 0 };
	void *st;
	ck_assert(o->flags & POL_MIG_READ_AHEAD);
	ck_assert_ptr_null(o->decide);
	ck_assert_int_eq(o->create(&st, c, &mv, &err), SIM_OK);
	ck_assert_int_eq(o->first_touch(st, 0, 0, rep), 1);   /* most misses: node 1 */
	ck_assert(rep[0] && rep[1]);                            /* both reach 16 */
	rep[0] = rep[1] = 0;
	ck_assert_int_eq(o->first_touch(st, 1, 0, rep), 1);
	ck_assert(!rep[0] && !rep[1]);                          /* written: no copies */
	ck_assert_int_eq(o->first_touch(st, 2, 1, rep), -1);  /* placement decides */
	/* page 1's last store: a copy where 16 misses came after it */
	rep[0] = rep[1] = 0;
	o->last_store(st, 1, rep);
	ck_assert(!rep[0] && rep[1]);
	/* a profile without the counts after the last store: all the misses */
	p.after = NULL;
	rep[0] = rep[1] = 0;
	o->last_store(st, 1, rep);
	ck_assert(rep[0] && rep[1]);
	o->destroy(st);
	/* checked only (no profile): it places nothing */
	mv.profile = NULL;
	ck_assert_int_eq(o->create(&st, c, &mv, &err), SIM_OK);
	ck_assert_int_eq(o->first_touch(st, 0, 0, rep), -1);
	o->destroy(st);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("policies");
	TCase *tc = tcase_create("policies");
	tcase_add_test(tc, registry_matches_choices);
	tcase_add_test(tc, registering_at_run_time);
	tcase_add_test(tc, placements);
	tcase_add_test(tc, scheduling);
	tcase_add_loop_test(tc, l2tlb_against_reference, 0, 4);
	tcase_add_test(tc, l2tlb_bad_geometry);
	tcase_add_test(tc, verghese_decisions);
	tcase_add_test(tc, oracle_first_touch);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* NUMA page movement under the monitor: the paper's walk-through (Figure 2:
 * two vCPUs read-sharing a page each end up reading a local copy), private
 * pages migrate, write-shared pages stay, the move limit holds, and no TLB
 * ever keeps a stale or writable mapping of a replicated page. */
#include <stdlib.h>
#include <string.h>

#include "analysis/tables.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/engine_int.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/params.h"

#define MAXS 3
#define HALF 32768   /* consecutive layout: guest pages from here are on node 1 (256 MB, 4 KB) */
struct mem_src {
	struct trc_rec *recs[MAXS];
	size_t n[MAXS], pos[MAXS], cap[MAXS];
	uint32_t nstreams;   /* 0: 2 */
};

static int mem_next(void *ctx, uint32_t s, const struct trc_rec **recs, size_t *n,
		    struct sim_err *err)
{
	struct mem_src *m = ctx;
	size_t k = m->n[s] - m->pos[s];
	if (k > 64)
		k = 64;
	*recs = m->recs[s] + m->pos[s];
	*n = k;
	m->pos[s] += k;
	return SIM_OK;
}

static void add(struct mem_src *m, int s, int type, unsigned flags, unsigned aux, uint32_t id,
		uint64_t addr, uint64_t val)
{
	struct trc_rec r = { (uint8_t)type, (uint8_t)flags, (uint16_t)aux, id, addr, val };
	if (m->n[s] == m->cap[s]) {
		m->cap[s] = m->cap[s] ? m->cap[s] * 2 : 256;
		m->recs[s] = realloc(m->recs[s], m->cap[s] * sizeof *m->recs[s]);
		ck_assert_ptr_nonnull(m->recs[s]);
	}
	m->recs[s][m->n[s]++] = r;
}

static cfg *mkcfg(const char *policy, const char *extra)
{
	cfg *c;
	struct sim_err err = { 0 };
	/* the monitor's paths as constants: every miss counted below is the
	 * guest's (on the machine the monitor's pmap and memmap lines would
	 * add their own, which tests/replay/check_engine.c counts) */
	const char *sets[] = { "machine.cpus=2", "policy.placement=consecutive",
			       "policy.migration.trigger=8", "policy.verghese.sharing=4",
			       "machine.l2.size=16K", "machine.l1d.size=1K", "machine.l1i.size=1K",
			       "monitor.paths=constant", NULL };
	ck_assert_int_eq(cfg_new(&c, disco_param_tables, &err), SIM_OK);
	for (int i = 0; sets[i]; i++)
		ck_assert_int_eq(cfg_set_assignment(c, sets[i], NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "policy.migration", policy, NULL, &err), SIM_OK);
	if (extra)
		ck_assert_msg(cfg_set_assignment(c, extra, NULL, &err) == SIM_OK, "%s", err.msg);
	return c;
}

/* Stream s walks the lines of virtual page 0x100 `rounds` times with
 * references of `type`, each round followed by a walk over its 64 KB
 * eviction buffer (virtual 0x200000) to push the page out of its caches. */
static void walk(struct mem_src *m, int s, int rounds, int type)
{
	for (int r = 0; r < rounds; r++) {
		for (uint64_t off = 0; off < 4096; off += 128)
			add(m, s, type, 0, 8, 0, 0x100000 + off, 0);
		for (uint64_t off = 0; off < 65536; off += 128)
			add(m, s, TRC_LOAD, 0, 8, 0, 0x200000 + off, 0);
	}
}

/* Both vCPUs map virtual page 0x100 to guest page 5 (node 0 under the
 * consecutive layout) and walk its lines `rounds` times, storing when
 * `store[s]`; between rounds each walks a 64 KB buffer of its own to push
 * the page out of its caches. */
static void sharing(struct mem_src *m, int rounds, const int store[2], int readers)
{
	for (int s = 0; s < 2; s++) {
		add(m, s, TRC_ASID, 0, 0, 1 + (uint32_t)s, 0, 0);
		add(m, s, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1 + (uint32_t)s, 0x100, 5);
		for (uint64_t p = 0; p < 16; p++)   /* the eviction buffer, on the vCPU's own node */
			add(m, s, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1 + (uint32_t)s,
			    0x200 + p, 40 + (uint64_t)s * HALF + p);
		if (s < readers)
			walk(m, s, rounds, store[s] ? TRC_STORE : TRC_LOAD);
	}
}

static void free_src(struct mem_src *m)
{
	for (int s = 0; s < MAXS; s++)
		free(m->recs[s]);
}

/* Step the engine a few records at a time, checking the invariants. */
static void run_checked(struct mem_src *m, const cfg *c, struct rpl_results *r)
{
	struct rpl_source src = { m->nstreams ? m->nstreams : 2, mem_next, m, NULL, NULL };
	struct sim_err err = { 0 };
	rpl_engine *x;
	int done = 0, steps = 0;
	m->pos[0] = m->pos[1] = m->pos[2] = 0;
	ck_assert_msg(rpl_engine_new(&x, c, RPL_DISCO, &src, r, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	while (!done) {
		ck_assert_msg(rpl_engine_step(x, 50, &done) == SIM_OK, "%s", err.msg);
		ck_assert_msg(rpl_engine_check(x), "invariant broken after step %d", steps);
		steps++;
	}
	rpl_engine_free(x);
}

START_TEST(figure2_read_sharing_replicates)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	const int store[2] = { 0, 0 };
	cfg *c = mkcfg("verghese", NULL);
	sharing(&m, 6, store, 2);
	run_checked(&m, c, &r);
	ck_assert_uint_ge(r.hot_pages, 1);
	ck_assert_uint_eq(r.replications, 1);
	ck_assert_uint_eq(r.migrations, 0);
	ck_assert_uint_eq(r.collapses, 0);
	/* vCPU 1 on node 1 ends up reading its local copy: after the replication
	 * its misses to the page are local */
	ck_assert_uint_ge(r.cpu[1].misses_local, 4u * 32u);
	rpl_results_free(&r);
	/* with the policy off, vCPU 1's misses to the page stay remote */
	cfg_free(c);
	c = mkcfg("none", NULL);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.replications, 0);
	ck_assert_uint_ge(r.cpu[1].misses_remote, 6u * 32u);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* A placement policy registered at run time: every page on the last node. */
static int last_create(void **st, const cfg *c, const struct pol_place_view *v, struct sim_err *err)
{
	static int nnodes;
	nnodes = v->nnodes;
	*st = &nnodes;
	return SIM_OK;
}

static int last_node(void *st, uint64_t gppn, int toucher) { return *(int *)st - 1; }

static const struct pol_placement_ops last_placement = {
	.name = "test-last-node", .help = "every page on the last node",
	.create = last_create, .node_for = last_node,
};

/* vCPU 0 (node 0) walks guest page 5 three times, then its eviction buffer:
 * under the registered policy every page is on node 1, so all its misses
 * are remote; under consecutive placement its walks' misses are local
 * (the VM's upper half, node 1, holds a few lines it also misses on). */
START_TEST(registered_placement_places)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	const int store[2] = { 0, 0 };
	cfg *c = mkcfg("none", NULL);
	ck_assert_int_eq(pol_register_placement(&last_placement), 0);
	ck_assert_int_eq(pol_register_placement(&last_placement), -1);   /* the name is taken */
	sharing(&m, 3, store, 1);
	run_checked(&m, c, &r);
	ck_assert_uint_ge(r.cpu[0].misses_local, 3u * (32u + 512u));
	ck_assert_uint_lt(r.cpu[0].misses_remote, 16);   /* a few lines of pages placed on node 1 */
	rpl_results_free(&r);
	ck_assert_msg(cfg_set(c, "policy.placement", "test-last-node", NULL, &err) == SIM_OK, "%s", err.msg);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.cpu[0].misses_local, 0);
	ck_assert_uint_ge(r.cpu[0].misses_remote, 3u * (32u + 512u));
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

START_TEST(write_shared_stays)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	const int store[2] = { 1, 1 };
	cfg *c = mkcfg("verghese", NULL);
	sharing(&m, 6, store, 2);
	run_checked(&m, c, &r);
	ck_assert_uint_ge(r.hot_pages, 1);
	ck_assert_uint_eq(r.replications, 0);
	ck_assert_uint_eq(r.migrations, 0);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

START_TEST(private_page_migrates)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	const int store[2] = { 0, 1 };
	cfg *c = mkcfg("verghese", NULL);
	sharing(&m, 6, store, 0);   /* set up both, nobody touches the page yet */
	/* only vCPU 1 (node 1) uses guest page 5 (node 0): it should move there */
	walk(&m, 1, 6, TRC_STORE);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.migrations, 1);
	ck_assert_uint_eq(r.replications, 0);
	/* Until hot, 8 remote store misses (trigger 8), one per 128-byte
	 * line; the page is moved right after the 8th, whose 8 lines CPU 1
	 * holds dirty.  The copy reads through the caches: those 8 lines hit,
	 * the other 24 of the page's 32 miss to node 0, 360 cycles each
	 * (900 ns at 400 MHz, one miss at a time, nothing queued); its
	 * stores go to node 1.  Afterwards every miss is local. */
	ck_assert_uint_eq(r.cpu[1].misses_remote, 8 + 24);
	ck_assert_uint_eq(r.cpu[1].stall_remote[ACCT_MONITOR], 24 * 360);
	rpl_results_free(&r);
	/* past its move limit a page stays */
	cfg_free(c);
	c = mkcfg("verghese", "policy.migration.move_limit=0");
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.migrations, 0);
	ck_assert_uint_ge(r.hot_pages, 1);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* a store after replication collapses the replicas; the run stays sound */
START_TEST(store_collapses_replicas)
{
	struct mem_src m = { 0 };
	struct rpl_results r, r2;
	const int store[2] = { 0, 0 };
	cfg *c = mkcfg("replicate-only", NULL);
	sharing(&m, 6, store, 2);
	add(&m, 0, TRC_STORE, 0, 8, 0, 0x100000, 0);   /* vCPU 0 writes at the end */
	run_checked(&m, c, &r);
	ck_assert_uint_ge(r.replications, 1);
	ck_assert_uint_eq(r.collapses, 1);
	/* identical run to run */
	run_checked(&m, c, &r2);
	ck_assert_uint_eq(r.cycles, r2.cycles);
	ck_assert_int_eq(memcmp(r.cpu, r2.cpu, 2 * sizeof *r.cpu), 0);
	rpl_results_free(&r);
	rpl_results_free(&r2);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* Replications do not count toward the move limit; collapses do: after one
 * collapse a page with move_limit 1 gets no new replica. */
START_TEST(collapse_counts_toward_move_limit)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	const int none[2] = { 0, 0 };
	cfg *c;
	sharing(&m, 6, none, 2);   /* replicated on node 1 */
	add(&m, 0, TRC_STORE, 0, 8, 0, 0x100000, 0);   /* collapsed */
	walk(&m, 1, 6, TRC_LOAD);   /* node 1 reads it again */
	c = mkcfg("replicate-only", "policy.verghese.write=1000000");
	ck_assert_int_eq(cfg_set(c, "policy.migration.move_limit", "1", NULL, NULL), SIM_OK);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.replications, 1);
	ck_assert_uint_eq(r.collapses, 1);
	rpl_results_free(&r);
	ck_assert_int_eq(cfg_set(c, "policy.migration.move_limit", "2", NULL, NULL), SIM_OK);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.replications, 2);
	ck_assert_uint_eq(r.collapses, 1);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* Three nodes, two readers of a page of node 0, one after the other: each
 * gets a local replica, the invariants hold after every step, and the second
 * replica changes only its own node's mappings: no interrupt to the first
 * reader, whose read-only mapping of its own copy stays. */
START_TEST(second_replica_shoots_down_one_node)
{
	struct mem_src m = { .nstreams = 3 };
	struct rpl_results r;
	const uint64_t third = 16384;   /* consecutive layout: 48K pages over 3 nodes */
	cfg *c = mkcfg("replicate-only", "machine.cpus=3");
	ck_assert_int_eq(cfg_set(c, "machine.mem.size", "192M", NULL, NULL), SIM_OK);
	/* the counts below are the guest's alone: the monitor's own lines
	 * (monitor.paths = machine) evict the guest's and move the run's
	 * timing, which here makes a third replication */
	ck_assert_int_eq(cfg_set(c, "monitor.paths", "constant", NULL, NULL), SIM_OK);
	for (int s = 0; s < 3; s++) {
		add(&m, s, TRC_ASID, 0, 0, 1 + (uint32_t)s, 0, 0);
		add(&m, s, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1 + (uint32_t)s, 0x100, 5);
		for (uint64_t p = 0; p < 16; p++)
			add(&m, s, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1 + (uint32_t)s,
			    0x200 + p, 40 + (uint64_t)s * third + p);
	}
	/* reader 2 starts after reader 1 has its replica, which stays mapped */
	for (int pass = 0; pass < 20; pass++)
		for (uint64_t off = 0; off < 65536; off += 128)
			add(&m, 2, TRC_LOAD, 0, 8, 0, 0x200000 + off, 0);
	for (int s = 1; s < 3; s++)
		walk(&m, s, 6, TRC_LOAD);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(r.replications, 2);
	/* the first replica: only reader 1 maps the page (its own TLB, no
	 * interrupt); the second leaves reader 1's mapping alone */
	ck_assert_msg(r.shootdowns == 0, "shootdowns %llu", (unsigned long long)r.shootdowns);
	ck_assert_uint_eq(r.cpu[1].misses_remote + r.cpu[2].misses_remote < 2 * 6 * 32, 1);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* the oracle: read the whole stream ahead, place and replicate up front */
START_TEST(oracle_places_ahead)
{
	struct mem_src m = { 0 }, m2 = { 0 };
	struct rpl_results r;
	struct rpl_profile *prof;
	struct sim_err err = { 0 };
	struct rpl_source src = { 2, mem_next, &m, NULL, NULL };
	const int store[2] = { 0, 1 };
	const int none[2] = { 0, 0 };
	cfg *c = mkcfg("oracle", NULL);
	/* read-shared page: replicated from the start, nothing moves later */
	sharing(&m, 6, none, 2);
	ck_assert_int_eq(rpl_run(c, RPL_DISCO, &src, &r, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "read ahead"));
	m.pos[0] = m.pos[1] = 0;
	ck_assert_msg(rpl_profile_run(c, &src, &prof, &err) == SIM_OK, "%s", err.msg);
	m.pos[0] = m.pos[1] = 0;
	src.profile = prof;
	ck_assert_msg(rpl_run(c, RPL_DISCO, &src, &r, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.replications, 1);
	ck_assert_uint_eq(r.migrations, 0);
	ck_assert_uint_eq(r.cpu[0].misses_remote + r.cpu[1].misses_remote, 0);
	rpl_results_free(&r);
	rpl_profile_free(prof);
	/* a page only node 1 uses is placed on node 1 */
	sharing(&m2, 6, store, 0);
	for (int round = 0; round < 6; round++)
		for (uint64_t off = 0; off < 4096; off += 128)
			add(&m2, 1, TRC_STORE, 0, 8, 0, 0x100000 + off, 0);
	src.ctx = &m2;
	src.profile = NULL;
	ck_assert_msg(rpl_profile_run(c, &src, &prof, &err) == SIM_OK, "%s", err.msg);
	m2.pos[0] = m2.pos[1] = 0;
	src.profile = prof;
	ck_assert_msg(rpl_run(c, RPL_DISCO, &src, &r, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.cpu[1].misses_remote, 0);
	ck_assert_uint_eq(r.replications, 0);
	rpl_results_free(&r);
	rpl_profile_free(prof);
	cfg_free(c);
	free_src(&m);
	free_src(&m2);
}
END_TEST

/* the oracle and a page written first, then read by both: vCPU 0 stores
 * to each of its 32 lines once, signals, and both read it 6 times; the
 * copy on node 1 is made right after the last store, so vCPU 1's reads
 * are all local */
START_TEST(oracle_copies_after_last_store)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct rpl_profile *prof;
	struct sim_err err = { 0 };
	struct rpl_source src = { 2, mem_next, &m, NULL, NULL };
	const int none[2] = { 0, 0 };
	const struct pol_profile *pv;
	cfg *c = mkcfg("oracle", NULL);
	sharing(&m, 0, none, 0);
	walk(&m, 0, 1, TRC_STORE);
	add(&m, 0, TRC_SEM_SIGNAL, 0, 0, 7, 0, 0);
	walk(&m, 0, 6, TRC_LOAD);
	add(&m, 1, TRC_SEM_WAIT, 0, 0, 7, 0, 0);
	walk(&m, 1, 6, TRC_LOAD);
	ck_assert_msg(rpl_profile_run(c, &src, &prof, &err) == SIM_OK, "%s", err.msg);
	pv = rpl_profile_view(prof);
	ck_assert_uint_eq(pv->writes[5], 32);
	/* node 1 misses only after the stores (160 of its 192 reads: memory
	 * serves them, the rest come from vCPU 0's cache and are not counted);
	 * node 0's 32 store misses come before */
	ck_assert_uint_eq(pv->misses[5 * 2 + 1], 160);
	ck_assert_uint_eq(pv->after[5 * 2 + 1], 160);
	ck_assert_uint_eq(pv->misses[5 * 2] - pv->after[5 * 2], 32);
	m.pos[0] = m.pos[1] = 0;
	src.profile = prof;
	ck_assert_msg(rpl_run(c, RPL_DISCO, &src, &r, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.replications, 1);
	ck_assert_uint_eq(r.migrations, 0);
	/* vCPU 1's reads: from the copy on its node, but for the lines the
	 * copy left in vCPU 0's cache (the monitor copies through it) */
	ck_assert_uint_le(r.cpu[1].misses_remote, 8);
	ck_assert_uint_ge(r.cpu[1].misses_local, 150);
	rpl_results_free(&r);
	rpl_profile_free(prof);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* A migration policy of the test's own, registered at run time: no decide
 * hook; at each interval end it notes what it sees of guest page 5, and
 * asks once, in its own state, for the page to move to the node that took
 * most of its misses when that is not the node it was placed on (node 0,
 * the consecutive layout). */
#define WATCH 5
#define MAXI 8
struct ti_st {
	uint64_t interval_cycles;  /* from create's view */
	int n;                     /* intervals seen */
	int asked;                 /* it asked for the move */
	uint64_t index[MAXI], start[MAXI], end[MAXI], migrations[MAXI];
	uint32_t misses[MAXI][2], writes[MAXI];
	uint16_t moves[MAXI];
};
static struct ti_st ti_seen;   /* the state as destroy left it */

static int ti_create(void **st, const cfg *c, const struct pol_mig_view *v, struct sim_err *err)
{
	struct ti_st *s = calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	s->interval_cycles = v->interval_cycles;
	*st = s;
	return SIM_OK;
}

static void ti_interval_end(void *st, const struct pol_interval_view *v)
{
	struct ti_st *s = st;
	const uint32_t *m = v->page_misses(v, WATCH);
	int i = s->n++;
	if (i >= MAXI)
		return;
	s->index[i] = v->index;
	s->start[i] = v->start;
	s->end[i] = v->end;
	s->migrations[i] = v->migrations;
	s->misses[i][0] = m ? m[0] : UINT32_MAX;
	s->misses[i][1] = m ? m[1] : UINT32_MAX;
	s->writes[i] = v->writes[WATCH];
	s->moves[i] = v->moves[WATCH];
	if (m && !s->asked && m[1] > m[0]) {
		ck_assert_int_eq(v->move(v, WATCH, POL_MIG_MIGRATE, 1), 0);
		s->asked = 1;
	}
	/* what it may not ask for */
	ck_assert_int_eq(v->move(v, WATCH, POL_MIG_MIGRATE, 2), -1);        /* no node 2 */
	ck_assert_int_eq(v->move(v, v->guest_pages, POL_MIG_MIGRATE, 1), -1);
	ck_assert_int_eq(v->move(v, WATCH, POL_MIG_NONE, 1), -1);
}

static void ti_destroy(void *st)
{
	ti_seen = *(struct ti_st *)st;
	free(st);
}

static const struct pol_migration_ops ti_policy = {
	.name = "test-interval",
	.help = "the test's: moves a page at an interval end",
	.create = ti_create,
	.interval_end = ti_interval_end,
	.destroy = ti_destroy,
};

/* Stream 1 runs `n` records of 1024 instructions in virtual page 0x300 (a
 * page of node 1): about 1.7K cycles each (the page's lines do not stay in
 * the 1 KB L1i), and nothing else. */
static void spin(struct mem_src *m, int n)
{
	for (int i = 0; i < n; i++)
		add(m, 1, TRC_INSN, 0, 0, 1024, 0x300000, 0);
}

/* The interval hook and the policy's state, by hand: the counters restart
 * every 25 ms (10M cycles at 400 MHz).  vCPU 1 (node 1) reads guest page 5
 * (node 0) twice, each time from memory (a walk of its 32 lines of 128
 * bytes, then 64 KB of its own to push them out of the 16 KB L2): 64
 * misses, all its own.  It then spins for about 12M cycles, so interval 0
 * ends while it spins: the hook sees {0, 64} on node 0 / node 1, no store,
 * no move, and asks for the page on node 1.  The move is made at once (its
 * copy's misses are forgotten with the counters) and counted in interval 1.
 * After the spin (about 12.2M cycles in all), vCPU 1 pushes its caches
 * clean and reads the page three times: 96 misses, on its own node now,
 * in interval 1, which ends during a second spin of about 10M cycles.  The
 * run ends (about 23M) before a third interval does (30M). */
START_TEST(interval_hook_and_state)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c;
	ck_assert_int_eq(pol_register_migration(&ti_policy), 0);
	ck_assert_int_eq(pol_register_migration(&ti_policy), -1);   /* the name is taken */
	ck_assert_ptr_nonnull(strstr(pol_names("migration"), "test-interval"));
	c = mkcfg("test-interval", "policy.migration.reset_us=25000");
	add(&m, 0, TRC_ASID, 0, 0, 1, 0, 0);
	add(&m, 1, TRC_ASID, 0, 0, 2, 0, 0);
	add(&m, 1, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 2, 0x100, WATCH);
	for (uint64_t p = 0; p < 16; p++)
		add(&m, 1, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 2, 0x200 + p, 40 + HALF + p);
	add(&m, 1, TRC_PTE_SET, 0, TRC_PROT_VALID, 2, 0x300, 60 + HALF);
	walk(&m, 1, 2, TRC_LOAD);
	spin(&m, 7000);
	for (uint64_t off = 0; off < 65536; off += 128)
		add(&m, 1, TRC_LOAD, 0, 8, 0, 0x200000 + off, 0);
	walk(&m, 1, 3, TRC_LOAD);
	spin(&m, 6000);
	memset(&ti_seen, 0, sizeof ti_seen);
	run_checked(&m, c, &r);
	ck_assert_uint_eq(ti_seen.interval_cycles, 10000000);
	ck_assert_int_eq(ti_seen.n, 2);
	ck_assert_int_eq(ti_seen.asked, 1);
	/* interval 0 */
	ck_assert_uint_eq(ti_seen.index[0], 0);
	ck_assert_uint_eq(ti_seen.start[0], 0);
	ck_assert_uint_ge(ti_seen.end[0], 10000000);
	ck_assert_uint_eq(ti_seen.misses[0][0], 0);
	ck_assert_uint_eq(ti_seen.misses[0][1], 64);
	ck_assert_uint_eq(ti_seen.writes[0], 0);
	ck_assert_uint_eq(ti_seen.moves[0], 0);
	ck_assert_uint_eq(ti_seen.migrations[0], 0);
	/* interval 1: the page is on node 1, moved once */
	ck_assert_uint_eq(ti_seen.index[1], 1);
	ck_assert_uint_eq(ti_seen.start[1], ti_seen.end[0]);
	ck_assert_uint_ge(ti_seen.end[1], 20000000);
	ck_assert_uint_eq(ti_seen.misses[1][0], 0);
	ck_assert_uint_eq(ti_seen.misses[1][1], 96);
	ck_assert_uint_eq(ti_seen.moves[1], 1);
	ck_assert_uint_eq(ti_seen.migrations[1], 1);
	ck_assert_uint_eq(r.migrations, 1);
	ck_assert_uint_eq(r.replications, 0);
	ck_assert_uint_eq(r.hot_pages, 0);   /* no decide hook: no counter interrupts */
	rpl_results_free(&r);
	cfg_free(c);
	/* the same policy in a configuration that rpl_check accepts */
	c = mkcfg("test-interval", NULL);
	ck_assert_msg(rpl_check(c, RPL_DISCO, 2, &err) == SIM_OK, "%s", err.msg);
	cfg_free(c);
	free_src(&m);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("numa");
	TCase *tc = tcase_create("numa");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, figure2_read_sharing_replicates);
	tcase_add_test(tc, registered_placement_places);
	tcase_add_test(tc, write_shared_stays);
	tcase_add_test(tc, private_page_migrates);
	tcase_add_test(tc, store_collapses_replicas);
	tcase_add_test(tc, collapse_counts_toward_move_limit);
	tcase_add_test(tc, second_replica_shoots_down_one_node);
	tcase_add_test(tc, oracle_places_ahead);
	tcase_add_test(tc, oracle_copies_after_last_store);
	tcase_add_test(tc, interval_hook_and_state);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

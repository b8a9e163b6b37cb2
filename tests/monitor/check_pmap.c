/* pmap and memmap: placement on the asked node, overflow to the next,
 * release, and the invariants of monitor/pmap.c after every step. */
#include "base/mem.h"
#include "monitor/pmap.h"
#include "tests/testlib.h"

START_TEST(assign_and_release)
{
	pmap *p;
	struct sim_err err = { 0 };
	ck_assert_int_eq(pmap_new(&p, 100, 4, 8, 1, &err), SIM_OK);   /* 32 machine pages */
	ck_assert_uint_eq(pmap_lookup(pmap_array(p), 5), PMAP_NONE);
	ck_assert_uint_eq(pmap_assign(p, 5, 2), 16);   /* lowest page of node 2 */
	ck_assert_uint_eq(pmap_assign(p, 6, 2), 17);
	ck_assert_uint_eq(pmap_owner(p, 16), 5);
	ck_assert(pmap_check(p));
	/* fill node 3, then overflow to node 0 */
	for (uint64_t g = 10; g < 18; g++)
		ck_assert_uint_eq(pmap_assign(p, g, 3) / 8, 3);
	ck_assert_uint_eq(pmap_assign(p, 18, 3) / 8, 0);
	ck_assert(pmap_check(p));
	pmap_release(p, 5);
	ck_assert_uint_eq(pmap_owner(p, 16), PMAP_NONE);
	ck_assert_uint_eq(pmap_lookup(pmap_array(p), 5), PMAP_NONE);
	ck_assert_uint_eq(pmap_assign(p, 40, 2), 16);   /* reused */
	ck_assert(pmap_check(p));
	ck_assert_uint_eq(pmap_pages_in_use(p), 11);
	/* the machine fills up */
	for (uint64_t g = 50; g < 100; g++)
		pmap_assign(p, g, 1);
	ck_assert_uint_eq(pmap_pages_in_use(p), 32);
	ck_assert_uint_eq(pmap_assign(p, 41, 0), PMAP_NONE);
	ck_assert(pmap_check(p));
	pmap_free(p);
}
END_TEST

/* Sharing (4.2.5): a cached page held by the disk cache and mapped by two
 * guest pages, a copy-on-write break, releases; the invariants after each. */
START_TEST(share_hold_unshare)
{
	pmap *p;
	uint64_t m, old, nm;
	struct sim_err err = { 0 };
	ck_assert_int_eq(pmap_new(&p, 100, 2, 8, 1, &err), SIM_OK);
	m = pmap_assign(p, 10, 0);
	ck_assert_int_eq(pmap_hold(p, m), 0);          /* the cache keeps it */
	ck_assert_int_eq(pmap_hold(p, m), -1);         /* once */
	ck_assert_uint_eq(pmap_owner(p, m), PMAP_SHARED);
	ck_assert(pmap_is_shared(p, 10));
	ck_assert_uint_eq(pmap_refs(p, m), 2);
	ck_assert(pmap_check(p));
	ck_assert_int_eq(pmap_share(p, 60, m), 0);     /* another VM's page */
	ck_assert_int_eq(pmap_share(p, 60, m), -1);    /* already mapped */
	ck_assert_uint_eq(pmap_refs(p, m), 3);
	ck_assert_uint_eq(pmap_pages_in_use(p), 1);
	ck_assert_uint_eq(pmap_replicate(p, 60, 1), PMAP_NONE);   /* shared pages stay put */
	ck_assert_uint_eq(pmap_migrate(p, 60, 1, &old), PMAP_NONE);
	ck_assert(pmap_check(p));
	/* a store by page 60: its own copy; 10 and the cache keep m */
	nm = pmap_unshare(p, 60, 1, &old);
	ck_assert_uint_eq(old, m);
	ck_assert_uint_ne(nm, PMAP_NONE);
	ck_assert_uint_eq(pmap_owner(p, nm), 60);
	ck_assert(!pmap_is_shared(p, 60));
	ck_assert_uint_eq(pmap_refs(p, m), 2);
	ck_assert_uint_eq(pmap_pages_in_use(p), 2);
	ck_assert(pmap_check(p));
	/* page 10 goes: the cache still holds m */
	pmap_release(p, 10);
	ck_assert_uint_eq(pmap_refs(p, m), 1);
	ck_assert_uint_eq(pmap_owner(p, m), PMAP_SHARED);
	ck_assert_uint_eq(pmap_pages_in_use(p), 2);
	ck_assert(pmap_check(p));
	/* mapped again from the cache, released, still held */
	ck_assert_int_eq(pmap_share(p, 11, m), 0);
	pmap_release(p, 11);
	ck_assert_uint_eq(pmap_refs(p, m), 1);
	ck_assert(pmap_check(p));
	pmap_free(p);
}
END_TEST

START_TEST(migrate_replicate_collapse)
{
	pmap *p;
	struct sim_err err = { 0 };
	uint64_t old = 0, m, dropped[8];
	ck_assert_int_eq(pmap_new(&p, 64, 4, 4, 1, &err), SIM_OK);   /* 16 machine pages */
	m = pmap_assign(p, 3, 0);
	ck_assert_int_eq(pmap_node_of(p, m), 0);
	/* migrate to node 2: a page of node 2, the old page free again */
	ck_assert_uint_eq(pmap_migrate(p, 3, 2, &old), 8);
	ck_assert_uint_eq(old, m);
	ck_assert_uint_eq(pmap_owner(p, m), PMAP_NONE);
	ck_assert_uint_eq(pmap_migrate(p, 3, 2, &old), PMAP_NONE);   /* already there */
	ck_assert(pmap_check(p));
	/* replicate on nodes 0 and 3: every copy on its own node */
	ck_assert_uint_eq(pmap_node_of(p, pmap_replicate(p, 3, 0)), 0);
	ck_assert_uint_eq(pmap_node_of(p, pmap_replicate(p, 3, 3)), 3);
	ck_assert_uint_eq(pmap_replicate(p, 3, 3), PMAP_NONE);      /* node 3 has one */
	ck_assert_uint_eq(pmap_replicate(p, 3, 2), PMAP_NONE);      /* the master's node */
	ck_assert_int_eq(pmap_nreplicas(p, 3), 2);
	ck_assert_uint_eq(pmap_copy_on(p, 3, 2), 8);
	ck_assert_uint_eq(pmap_copy_on(p, 3, 1), PMAP_NONE);
	ck_assert_uint_eq(pmap_migrate(p, 3, 1, &old), PMAP_NONE);  /* replicated pages stay */
	ck_assert_uint_eq(pmap_pages_in_use(p), 3);
	ck_assert(pmap_check(p));
	/* a write on node 3 collapses to node 3's copy */
	m = pmap_copy_on(p, 3, 3);
	ck_assert_int_eq(pmap_collapse(p, 3, 3, dropped), 2);
	ck_assert_uint_eq(pmap_lookup(pmap_array(p), 3), m);
	ck_assert_int_eq(pmap_nreplicas(p, 3), 0);
	ck_assert_uint_eq(pmap_pages_in_use(p), 1);
	ck_assert(pmap_check(p));
	/* a full node refuses */
	for (uint64_t g = 10; g < 14; g++)
		pmap_assign(p, g, 1);
	ck_assert_uint_eq(pmap_replicate(p, 3, 1), PMAP_NONE);
	ck_assert_uint_eq(pmap_migrate(p, 3, 1, &old), PMAP_NONE);
	ck_assert(pmap_check(p));
	/* releasing a replicated page frees every copy */
	pmap_replicate(p, 3, 0);
	pmap_release(p, 3);
	ck_assert_uint_eq(pmap_pages_in_use(p), 4);
	ck_assert(pmap_check(p));
	pmap_free(p);
}
END_TEST

static void collect(void *ctx, uint32_t asid, uint64_t vpn)
{
	uint64_t *sum = ctx;
	*sum += vpn * 10 + asid;
}

START_TEST(backmaps)
{
	pmap *p;
	struct sim_err err = { 0 };
	uint64_t sum = 0;
	ck_assert_int_eq(pmap_new(&p, 100, 2, 64, 1, &err), SIM_OK);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 1, 0x400), SIM_OK);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 2, 0x500), SIM_OK);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 1, 0x400), SIM_OK);   /* duplicate ignored */
	ck_assert_int_eq(pmap_backmap_foreach(p, 7, collect, &sum), 0);
	ck_assert_uint_eq(sum, 0x400 * 10 + 1 + 0x500 * 10 + 2);
	ck_assert(pmap_check(p));
	pmap_backmap_clear(p, 7);
	sum = 0;
	pmap_backmap_foreach(p, 7, collect, &sum);
	ck_assert_uint_eq(sum, 0);
	ck_assert(pmap_check(p));
	/* many pages, many mappings: the pool grows, freed nodes are reused */
	for (uint64_t g = 0; g < 100; g++)
		for (uint64_t v = 0; v < 30; v++)
			ck_assert_int_eq(pmap_backmap_add(p, g, (uint32_t)v % 3, v), SIM_OK);
	ck_assert(pmap_check(p));
	for (uint64_t g = 0; g < 100; g += 2)
		pmap_backmap_clear(p, g);
	ck_assert(pmap_check(p));
	/* past the limit a page is marked overflowed */
	for (uint64_t v = 0; v < PMAP_BACKMAP_MAX + 5; v++)
		pmap_backmap_add(p, 50, 9, 1000 + v);
	ck_assert_int_eq(pmap_backmap_foreach(p, 50, collect, &sum), 1);
	ck_assert(pmap_check(p));
	pmap_free(p);
}
END_TEST

/* What pmap_backmap_foreach gives, in its order. */
struct pairs { int n; uint32_t asid[PMAP_BACKMAP_MAX + 1]; uint64_t vpn[PMAP_BACKMAP_MAX + 1]; };

static void record(void *ctx, uint32_t asid, uint64_t vpn)
{
	struct pairs *r = ctx;
	ck_assert_int_le(r->n, PMAP_BACKMAP_MAX);
	r->asid[r->n] = asid;
	r->vpn[r->n++] = vpn;
}

static int pairs_of(const pmap *p, uint64_t g, struct pairs *r)
{
	r->n = 0;
	return pmap_backmap_foreach(p, g, record, r);
}

/* A page's newest pair is kept with the page, the older ones in the pool:
 * the order (newest first), the duplicates, the overflow, a clear and the
 * reuse of the pool's nodes are those of one list per page, and the
 * monitor's memory (pmap_backmap_bytes, 16 bytes a node, the list end
 * included) grows with the most pairs there ever were. */
START_TEST(backmap_order_and_bytes)
{
	pmap *p;
	struct sim_err err = { 0 };
	struct pairs r;
	ck_assert_int_eq(pmap_new(&p, 100, 2, 64, 1, &err), SIM_OK);
	ck_assert_uint_eq(pmap_backmap_bytes(p), 16);
	ck_assert_int_eq(pairs_of(p, 7, &r), 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 1, 0x400), SIM_OK);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 1, 0x400), SIM_OK);   /* the newest again */
	ck_assert_uint_eq(pmap_backmap_bytes(p), 32);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 2, 0x500), SIM_OK);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 1, 0x400), SIM_OK);   /* an older one again */
	ck_assert_int_eq(pmap_backmap_add(p, 7, 2, 0x400), SIM_OK);   /* another ASID: a pair */
	ck_assert_uint_eq(pmap_backmap_bytes(p), 64);
	ck_assert_int_eq(pairs_of(p, 7, &r), 0);
	ck_assert_int_eq(r.n, 3);
	ck_assert(r.asid[0] == 2 && r.vpn[0] == 0x400);
	ck_assert(r.asid[1] == 2 && r.vpn[1] == 0x500);
	ck_assert(r.asid[2] == 1 && r.vpn[2] == 0x400);
	ck_assert_int_eq(pmap_backmap_add(p, 8, 1, 0x400), SIM_OK);   /* 4 pairs */
	ck_assert_uint_eq(pmap_backmap_bytes(p), 80);
	ck_assert(pmap_check(p));
	/* a clear frees page 7's three, page 8 keeps its one; the monitor's
	 * pool does not shrink, and is reused up to its size */
	pmap_backmap_clear(p, 7);
	ck_assert_int_eq(pairs_of(p, 7, &r), 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(pairs_of(p, 8, &r), 0);
	ck_assert(r.n == 1 && r.asid[0] == 1 && r.vpn[0] == 0x400);
	ck_assert(pmap_check(p));
	for (uint64_t v = 0x600; v < 0x603; v++)
		ck_assert_int_eq(pmap_backmap_add(p, 7, 3, v), SIM_OK);
	ck_assert_uint_eq(pmap_backmap_bytes(p), 80);
	ck_assert_int_eq(pmap_backmap_add(p, 7, 3, 0x603), SIM_OK);   /* 5 pairs: one more node */
	ck_assert_uint_eq(pmap_backmap_bytes(p), 96);
	ck_assert_int_eq(pairs_of(p, 7, &r), 0);
	ck_assert(r.n == 4 && r.vpn[0] == 0x603 && r.vpn[3] == 0x600);
	ck_assert(pmap_check(p));
	/* full: PMAP_BACKMAP_MAX pairs, then the page overflows and keeps them */
	for (uint64_t v = 0; v < PMAP_BACKMAP_MAX; v++)
		ck_assert_int_eq(pmap_backmap_add(p, 50, 9, 1000 + v), SIM_OK);
	ck_assert_uint_eq(pmap_backmap_bytes(p), 16 * (1 + 5 + PMAP_BACKMAP_MAX));
	ck_assert_int_eq(pairs_of(p, 50, &r), 0);
	ck_assert_int_eq(r.n, PMAP_BACKMAP_MAX);
	ck_assert(pmap_check(p));
	ck_assert_int_eq(pmap_backmap_add(p, 50, 9, 1000), SIM_OK);   /* the oldest: there */
	ck_assert_int_eq(pairs_of(p, 50, &r), 0);
	ck_assert_int_eq(pmap_backmap_add(p, 50, 9, 5000), SIM_OK);   /* one too many */
	ck_assert_int_eq(pairs_of(p, 50, &r), 1);
	ck_assert_int_eq(pmap_backmap_add(p, 50, 9, 5001), SIM_OK);
	ck_assert_int_eq(pairs_of(p, 50, &r), 1);
	ck_assert_int_eq(r.n, PMAP_BACKMAP_MAX);
	ck_assert(r.vpn[0] == 1000 + PMAP_BACKMAP_MAX - 1 && r.vpn[PMAP_BACKMAP_MAX - 1] == 1000);
	ck_assert_uint_eq(pmap_backmap_bytes(p), 16 * (1 + 5 + PMAP_BACKMAP_MAX));
	ck_assert(pmap_check(p));
	/* cleared, an overflowed page starts again */
	pmap_backmap_clear(p, 50);
	ck_assert_int_eq(pairs_of(p, 50, &r), 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(pmap_backmap_add(p, 50, 9, 5000), SIM_OK);
	ck_assert_int_eq(pairs_of(p, 50, &r), 0);
	ck_assert(r.n == 1 && r.asid[0] == 9 && r.vpn[0] == 5000);
	ck_assert_uint_eq(pmap_backmap_bytes(p), 16 * (1 + 5 + PMAP_BACKMAP_MAX));
	ck_assert(pmap_check(p));
	pmap_free(p);
}
END_TEST

/* A guest page gets a machine page of its own cache color while its node has
 * one, then the next color that has; migration and replication keep it. */
START_TEST(colors)
{
	pmap *p;
	struct sim_err err = { 0 };
	uint64_t old = 0;
	ck_assert_int_eq(pmap_new(&p, 100, 4, 8, 4, &err), SIM_OK);   /* node 2: pages 16..23 */
	ck_assert_uint_eq(pmap_assign(p, 5, 2), 17);    /* color 1, the lowest */
	ck_assert_uint_eq(pmap_assign(p, 9, 2), 21);    /* color 1, the other */
	ck_assert_uint_eq(pmap_assign(p, 13, 2), 18);   /* color 1 used up: color 2 */
	ck_assert_uint_eq(pmap_assign(p, 3, 2), 19);
	ck_assert(pmap_check(p));
	ck_assert_uint_eq(pmap_migrate(p, 5, 0, &old), 1);   /* node 0, color 1 */
	ck_assert_uint_eq(old, 17);
	ck_assert_uint_eq(pmap_replicate(p, 9, 3), 25);      /* node 3, color 1 */
	ck_assert_uint_eq(pmap_assign(p, 41, 2), 17);        /* the freed page, color 1 again */
	ck_assert(pmap_check(p));
	pmap_release(p, 9);
	ck_assert_uint_eq(pmap_assign(p, 45, 3), 25);
	ck_assert(pmap_check(p));
	pmap_free(p);
	/* nodes whose size is no multiple of the colors: every page is handed out once */
	ck_assert_int_eq(pmap_new(&p, 100, 3, 6, 4, &err), SIM_OK);
	for (uint64_t g = 0; g < 18; g++) {
		uint64_t m = pmap_assign(p, g, (int)(g % 3));
		ck_assert_uint_ne(m, PMAP_NONE);
		ck_assert_uint_eq(pmap_owner(p, m), g);
		ck_assert(pmap_check(p));
	}
	ck_assert_uint_eq(pmap_assign(p, 18, 0), PMAP_NONE);
	pmap_free(p);
}
END_TEST

START_TEST(out_of_memory)
{
	pmap *p = NULL;
	struct sim_err err = { 0 };
	for (long n = 1; n <= 13; n++) {
		sim_mem_fail_after(n);
		ck_assert_int_eq(pmap_new(&p, 100, 4, 8, 1, &err), SIM_ENOMEM);
		ck_assert_ptr_null(p);
	}
	sim_mem_fail_after(0);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("pmap");
	TCase *tc = tcase_create("pmap");
	tcase_add_test(tc, assign_and_release);
	tcase_add_test(tc, backmaps);
	tcase_add_test(tc, backmap_order_and_bytes);
	tcase_add_test(tc, colors);
	tcase_add_test(tc, migrate_replicate_collapse);
	tcase_add_test(tc, out_of_memory);
	tcase_add_test(tc, share_hold_unshare);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* The TLB against a linear-search reference with the same random replacement. */
#include <stdlib.h>
#include <string.h>

#include "machine/tlb.h"
#include "tests/testlib.h"

/* ---- reference: obviously correct, slow ---- */
#define REF_MAX 128
struct ref_tlb {
	int entries, wired;
	uint64_t rng;
	struct tlb_entry e[REF_MAX];
	int live[REF_MAX];
};

static uint64_t ref_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int ref_match(const struct ref_tlb *r, int i, uint32_t asid, uint64_t vpn)
{
	return r->live[i] && r->e[i].vpn2 == vpn >> 1 && (r->e[i].global || r->e[i].asid == asid);
}

static int ref_probe(const struct ref_tlb *r, uint32_t asid, uint64_t vpn)
{
	for (int i = 0; i < r->entries; i++)
		if (ref_match(r, i, asid, vpn))
			return i;
	return -1;
}

static void ref_kill(struct ref_tlb *r, int i)
{
	memset(&r->e[i], 0, sizeof r->e[i]);
	r->live[i] = 0;
}

static void ref_put(struct ref_tlb *r, int idx, const struct tlb_entry *e)
{
	for (int i = 0; i < r->entries; i++)
		if (i != idx && r->live[i] && r->e[i].vpn2 == e->vpn2 &&
		    (e->global || r->e[i].global || r->e[i].asid == e->asid))
			ref_kill(r, i);
	r->e[idx] = *e;
	r->live[idx] = 1;
}

static uint64_t rnd(uint64_t *s) { return ref_splitmix(s); }

static struct tlb_entry rand_entry(uint64_t *s, int nvpn2, int nasid)
{
	struct tlb_entry e;
	memset(&e, 0, sizeof e);
	e.vpn2 = rnd(s) % (uint64_t)nvpn2;
	e.asid = (uint32_t)(rnd(s) % (uint64_t)nasid);
	e.global = rnd(s) % 8 == 0;
	for (int k = 0; k < 2; k++) {
		e.valid[k] = rnd(s) % 5 != 0;
		e.dirty[k] = rnd(s) % 2;
		e.pfn[k] = rnd(s) % 64;
	}
	return e;
}

/* sizes swept by the loop test: (entries, wired, vpn2 range, asids) */
static const int sweep[][4] = {
	{ 64, 8, 100, 4 }, { 64, 0, 40, 1 }, { 16, 15, 30, 3 }, { 2, 1, 4, 2 }, { 128, 8, 2000, 16 },
	/* random indices modulo a prime (97) and a small odd count (the modulo is
	 * computed without a division: the reference divides) */
	{ 128, 31, 300, 8 }, { 7, 2, 10, 2 },
};

START_TEST(against_reference)
{
	const int *p = sweep[_i];
	struct tlb *t;
	struct sim_err err = { 0 };
	struct ref_tlb r;
	uint64_t s = 42 + (uint64_t)_i;

	ck_assert_int_eq(tlb_new(&t, p[0], p[1], 7, &err), SIM_OK);
	memset(&r, 0, sizeof r);
	r.entries = p[0];
	r.wired = p[1];
	r.rng = 7;
	for (int step = 0; step < 200000; step++) {
		uint64_t op = rnd(&s) % 100;
		uint32_t asid = (uint32_t)(rnd(&s) % (uint64_t)p[3]);
		uint64_t vpn = rnd(&s) % (uint64_t)(2 * p[2]);
		if (op < 60) {
			uint64_t pfn = 0, rpfn;
			int w = 0, i = ref_probe(&r, asid, vpn), hit;
			int rhit = i >= 0 && r.e[i].valid[vpn & 1];
			hit = tlb_lookup(t, asid, vpn, &pfn, &w);
			ck_assert_int_eq(hit, rhit);
			if (hit) {
				rpfn = r.e[i].pfn[vpn & 1];
				ck_assert_uint_eq(pfn, rpfn);
				ck_assert_int_eq(w, r.e[i].dirty[vpn & 1]);
			}
		} else if (op < 80) {
			struct tlb_entry e = rand_entry(&s, p[2], p[3]);
			int ri = r.wired + (int)(ref_splitmix(&r.rng) % (uint64_t)(r.entries - r.wired));
			uint64_t gone = r.live[ri] ? r.e[ri].vpn2 : TLB_NO_PAIR, got = 0;
			ref_put(&r, ri, &e);
			if (op < 70) {
				ck_assert_int_eq(tlb_write_random(t, &e), ri);
			} else {
				/* the overwritten entry's pair, which the engine forgets */
				ck_assert_int_eq(tlb_replace_random(t, &e, &got), ri);
				ck_assert_uint_eq(got, gone);
			}
		} else if (op < 85) {
			struct tlb_entry e = rand_entry(&s, p[2], p[3]);
			int idx = (int)(rnd(&s) % (uint64_t)p[0]);
			ref_put(&r, idx, &e);
			ck_assert_int_eq(tlb_write_indexed(t, idx, &e), idx);
		} else if (op < 92) {
			ck_assert_int_eq(tlb_probe(t, asid, vpn), ref_probe(&r, asid, vpn));
		} else if (op < 96) {
			int i = ref_probe(&r, asid, vpn);
			if (i >= 0)
				ref_kill(&r, i);
			tlb_invalidate(t, asid, vpn);
		} else if (op < 99) {
			uint64_t pfn = rnd(&s) % 64;
			int n = 0;
			for (int i = 0; i < r.entries; i++)
				if (r.live[i] && ((r.e[i].valid[0] && r.e[i].pfn[0] == pfn) ||
						  (r.e[i].valid[1] && r.e[i].pfn[1] == pfn))) {
					ref_kill(&r, i);
					n++;
				}
			ck_assert_int_eq(tlb_invalidate_pfn(t, pfn), n);
		} else if (rnd(&s) % 2) {
			for (int i = r.wired; i < r.entries; i++)
				ref_kill(&r, i);
			tlb_flush_nonwired(t);
		} else {
			for (int i = 0; i < r.entries; i++)
				ref_kill(&r, i);
			tlb_flush(t);
		}
		if (step % 1000 == 0)
			ck_assert(tlb_check(t));
		if (step % 1000 == 0)
			for (int i = 0; i < r.entries; i++) {
				const struct tlb_entry *a = tlb_read(t, i), *b = &r.e[i];
				ck_assert_uint_eq(a->vpn2, b->vpn2);
				ck_assert_uint_eq(a->asid, b->asid);
				ck_assert_uint_eq(!!a->global, !!b->global);
				ck_assert_int_eq(memcmp(a->valid, b->valid, 2), 0);
				ck_assert_int_eq(memcmp(a->pfn, b->pfn, sizeof a->pfn), 0);
			}
	}
	tlb_free(t);
}
END_TEST

START_TEST(hand_cases)
{
	struct tlb *t;
	struct sim_err err = { 0 };
	struct tlb_entry e = { .vpn2 = 5, .asid = 3, .valid = { 1, 0 }, .dirty = { 1, 0 },
			       .pfn = { 100, 101 } };
	uint64_t pfn;
	int w;

	ck_assert_int_eq(tlb_new(&t, 64, 8, 1, &err), SIM_OK);
	ck_assert_int_eq(tlb_entries(t), 64);
	ck_assert_int_eq(tlb_wired(t), 8);
	ck_assert_int_eq(tlb_lookup(t, 3, 10, &pfn, &w), 0);
	ck_assert_int_eq(tlb_write_indexed(t, 2, &e), 2);
	ck_assert_int_eq(tlb_lookup(t, 3, 10, &pfn, &w), 1);
	ck_assert_uint_eq(pfn, 100);
	ck_assert_int_eq(w, 1);
	ck_assert_int_eq(tlb_lookup(t, 3, 11, &pfn, &w), 0);   /* odd half invalid */
	ck_assert_int_eq(tlb_probe(t, 3, 11), 2);              /* but tlbp finds it */
	ck_assert_int_eq(tlb_lookup(t, 4, 10, &pfn, &w), 0);   /* other ASID */
	e.global = 1;
	e.asid = 9;
	ck_assert_int_eq(tlb_write_indexed(t, 3, &e), 3);      /* drops index 2 (overlap) */
	ck_assert_int_eq(tlb_probe(t, 3, 10), 3);
	ck_assert_uint_eq(tlb_read(t, 2)->vpn2, 0);
	ck_assert_int_eq(tlb_lookup(t, 77, 10, &pfn, &w), 1);  /* global */
	tlb_flush_nonwired(t);
	ck_assert_int_eq(tlb_probe(t, 3, 10), 3);              /* wired survives */
	ck_assert_int_eq(tlb_invalidate_pfn(t, 100), 1);
	ck_assert_int_eq(tlb_probe(t, 3, 10), -1);
	for (int k = 0; k < 1000; k++) {
		int i;
		e.vpn2 = (uint64_t)k;
		i = tlb_write_random(t, &e);
		ck_assert(i >= 8 && i < 64);
	}
	tlb_flush(t);
	ck_assert_int_eq(tlb_probe(t, 3, 1998), -1);
	tlb_free(t);

	ck_assert_int_eq(tlb_new(&t, 8, 8, 1, &err), SIM_EINVAL);
	ck_assert_ptr_null(strstr(err.msg, "xyz"));
	ck_assert_ptr_nonnull(strstr(err.msg, "wired"));
}
END_TEST

START_TEST(same_seed_same_sequence)
{
	struct tlb *a, *b, *c;
	struct sim_err err = { 0 };
	struct tlb_entry e = { .valid = { 1, 1 } };
	int differ = 0;
	ck_assert_int_eq(tlb_new(&a, 64, 8, 99, &err), SIM_OK);
	ck_assert_int_eq(tlb_new(&b, 64, 8, 99, &err), SIM_OK);
	ck_assert_int_eq(tlb_new(&c, 64, 8, 100, &err), SIM_OK);
	for (int k = 0; k < 500; k++) {
		e.vpn2 = (uint64_t)k;
		int x = tlb_write_random(a, &e);
		ck_assert_int_eq(x, tlb_write_random(b, &e));
		differ += x != tlb_write_random(c, &e);
	}
	ck_assert_int_gt(differ, 400);
	tlb_free(a);
	tlb_free(b);
	tlb_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *tc = tcase_create("tlb");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, against_reference, 0, (int)(sizeof sweep / sizeof sweep[0]));
	tcase_add_test(tc, hand_cases);
	tcase_add_test(tc, same_seed_same_sequence);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

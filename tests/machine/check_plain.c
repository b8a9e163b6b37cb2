/* The plain cache hierarchy (machine/plain.c) on short sequences whose
 * counts are worked out by hand in the comments. */
#include <string.h>

#include "machine/plain.h"
#include "tests/testlib.h"

/* One CPU; direct-mapped L1 I and L1 D of 32 lines of 32 bytes (set =
 * addr >> 5 & 31); a direct-mapped L2 of 256 lines of 64 bytes (set =
 * addr >> 6 & 255).  0x0 and 0x4000 share set 0 in both. */
static plain *small(void)
{
	struct machine_config mc;
	struct sim_err err = { 0 };
	plain *p;
	memset(&mc, 0, sizeof mc);
	mc.ncpus = 1;
	mc.l1i = (struct cache_geom){ 1024, 1, 32 };
	mc.l1d = (struct cache_geom){ 1024, 1, 32 };
	mc.l2 = (struct cache_geom){ 16384, 1, 64 };
	ck_assert_msg(plain_new(&p, &mc, &err) == SIM_OK, "%s", err.msg);
	return p;
}

#define L1I MACH_LEVEL_L1I
#define L1D MACH_LEVEL_L1D
#define L2 MACH_LEVEL_L2

/* The fetch goes down before the dirty victim's write-back: in the other
 * order the write-back would hit the L2 and the fetch would then write the
 * L2's dirty copy to memory. */
START_TEST(fetch_before_writeback)
{
	plain *p = small();
	struct machine_level_stats s[MACH_NLEVELS];
	uint32_t l2 = 0, mem = 0;

	/* write miss: fetch 0x0 from the L2 (a read miss); the L1 D line is dirty */
	ck_assert_uint_eq(plain_ref(p, 0, 0x0, 4, MACH_STORE, &l2, &mem), MACH_LOCAL);
	/* read miss, dirty victim 0x0: the fetch of 0x4000 misses the L2 and
	 * evicts its clean block 0; the write-back of 0x0 then misses the L2,
	 * fetches block 0 (32 of its 64 bytes are written) and evicts 0x4000 */
	ck_assert_uint_eq(plain_ref(p, 0, 0x4000, 4, MACH_LOAD, &l2, &mem), MACH_LOCAL);
	ck_assert_uint_eq(l2, 0);
	ck_assert_uint_eq(mem, 2);
	plain_stats(p, 0, s);
	ck_assert_uint_eq(s[L1D].access[MACH_LOAD], 1);
	ck_assert_uint_eq(s[L1D].miss[MACH_LOAD], 1);
	ck_assert_uint_eq(s[L1D].access[MACH_STORE], 1);
	ck_assert_uint_eq(s[L1D].miss[MACH_STORE], 1);
	ck_assert_uint_eq(s[L1D].writebacks, 1);
	ck_assert_uint_eq(s[L1D].bytes_from_mem, 64);
	ck_assert_uint_eq(s[L1D].bytes_to_mem, 32);
	ck_assert_uint_eq(s[L2].access[MACH_LOAD], 2);
	ck_assert_uint_eq(s[L2].miss[MACH_LOAD], 2);
	ck_assert_uint_eq(s[L2].access[MACH_STORE], 1);
	ck_assert_uint_eq(s[L2].miss[MACH_STORE], 1);
	ck_assert_uint_eq(s[L2].writebacks, 0);
	ck_assert_uint_eq(s[L2].bytes_from_mem, 3 * 64);
	ck_assert_uint_eq(s[L2].bytes_to_mem, 0);
	/* the flush: the L1 D holds 0x4000 clean; the L2 holds block 0 dirty */
	plain_flush(p);
	plain_stats(p, 0, s);
	ck_assert_uint_eq(s[L1D].writebacks, 1);
	ck_assert_uint_eq(s[L2].access[MACH_STORE], 1);
	ck_assert_uint_eq(s[L2].writebacks, 1);
	ck_assert_uint_eq(s[L2].bytes_to_mem, 64);
	/* a second flush finds nothing dirty */
	plain_flush(p);
	plain_stats(p, 0, s);
	ck_assert_uint_eq(s[L2].writebacks, 1);
	plain_free(p);
}
END_TEST

/* A reference touches every block it spans; a write of a whole block
 * fetches nothing; fetches go to the L1 I and reach the L2 as fetches. */
START_TEST(blocks_and_kinds)
{
	plain *p = small();
	struct machine_level_stats s[MACH_NLEVELS];
	uint32_t l2 = 0, mem = 0;

	/* 0x101e..0x1021: blocks 0x1000 and 0x1020 of the L1 D, one L2 block */
	ck_assert_uint_eq(plain_ref(p, 0, 0x101e, 4, MACH_LOAD, &l2, &mem), MACH_LOCAL);
	ck_assert_uint_eq(l2, 1);   /* the second L1 miss hits the L2 */
	ck_assert_uint_eq(mem, 1);
	/* a whole-block write miss: allocated dirty, nothing fetched */
	ck_assert_uint_eq(plain_ref(p, 0, 0x2000, 32, MACH_STORE, &l2, &mem), MACH_L1);
	/* two fetches in one L1 I block, then three more counted as repeats */
	plain_ref(p, 0, 0x8000, 4, MACH_IFETCH, &l2, &mem);
	plain_ref(p, 0, 0x8004, 4, MACH_IFETCH, &l2, &mem);
	plain_repeat(p, 0, MACH_IFETCH, 3);
	plain_stats(p, 0, s);
	ck_assert_uint_eq(s[L1D].access[MACH_LOAD], 2);
	ck_assert_uint_eq(s[L1D].miss[MACH_LOAD], 2);
	ck_assert_uint_eq(s[L1D].access[MACH_STORE], 1);
	ck_assert_uint_eq(s[L1D].miss[MACH_STORE], 1);
	ck_assert_uint_eq(s[L1D].bytes_from_mem, 64);
	ck_assert_uint_eq(s[L1I].access[MACH_IFETCH], 5);
	ck_assert_uint_eq(s[L1I].miss[MACH_IFETCH], 1);
	ck_assert_uint_eq(s[L1I].bytes_from_mem, 32);
	ck_assert_uint_eq(s[L2].access[MACH_IFETCH], 1);
	ck_assert_uint_eq(s[L2].miss[MACH_IFETCH], 1);
	ck_assert_uint_eq(s[L2].access[MACH_LOAD], 2);
	ck_assert_uint_eq(s[L2].miss[MACH_LOAD], 1);
	ck_assert_uint_eq(s[L2].access[MACH_STORE], 0);
	/* the flush writes 0x2000 from the L1 D into the L2: a write of the
	 * whole 32-byte L1 block, half an L2 block, so the L2 fetches it */
	plain_flush(p);
	plain_stats(p, 0, s);
	ck_assert_uint_eq(s[L1D].writebacks, 1);
	ck_assert_uint_eq(s[L2].access[MACH_STORE], 1);
	ck_assert_uint_eq(s[L2].miss[MACH_STORE], 1);
	ck_assert_uint_eq(s[L2].writebacks, 1);
	ck_assert_uint_eq(s[L2].bytes_from_mem, 3 * 64);
	plain_free(p);
}
END_TEST

START_TEST(bad_geometry)
{
	struct machine_config mc;
	struct sim_err err = { 0 };
	plain *p;
	memset(&mc, 0, sizeof mc);
	mc.ncpus = 1;
	mc.l1i = (struct cache_geom){ 1024, 1, 128 };
	mc.l1d = (struct cache_geom){ 1024, 1, 32 };
	mc.l2 = (struct cache_geom){ 16384, 1, 64 };
	ck_assert_int_eq(plain_new(&p, &mc, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.l2.line"));
	mc.l1i.line = 32;
	mc.l2.ways = 3;
	ck_assert_int_eq(plain_new(&p, &mc, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.l2.ways"));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("plain");
	TCase *tc = tcase_create("plain");
	tcase_add_test(tc, fetch_before_writeback);
	tcase_add_test(tc, blocks_and_kinds);
	tcase_add_test(tc, bad_geometry);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

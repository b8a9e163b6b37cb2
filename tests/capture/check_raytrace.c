/* Raytrace as one SPLASH-2 program (capture/guest_raytrace.c): its
 * processes share one address space, so the frame buffer's page is one
 * guest page that several CPUs write, and the program's counters and pools
 * are written by every process; capture == replay, counter for counter. */
#include <stdio.h>
#include <string.h>

#include "analysis/tables.h"
#include "capture/capture.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/trace.h"

/* The layout's addresses this test counts on (guest_raytrace.c, RT_*): the
 * heap at 0x01000000 holds the geometry (half the 16K scene: 8K), then the
 * frame buffer: 8 x 8 pixels of 12 bytes = 768 bytes, in the one page at
 * 0x01002000; gm->rid at 0x00800008. */
#define FB_VA 0x01002000ull
#define FB_BYTES 768ull
#define RID_VA 0x00800008ull
#define RID_LOCK 2001u    /* RT_LOCK_ID + ridlock */

/* Two processes on an 8 x 8 image cut in two blocks of 4 x 8 pixels
 * (blockx 2, blocky 1), each block two bundles of 4 x 4: block 0 is
 * process 0's, block 1 process 1's (InitWorkPool deals them round robin).
 * One ray a pixel, no light: a ray takes one id from gm->rid.  64 pixels x
 * 100 instructions. */
static cfg *tcfg(const char *seed)
{
	cfg *c;
	struct sim_err err = { 0 };
	const char *sets[] = {
		"capture.wl.program=raytrace", "capture.os.kernel=smp", "capture.cpus=2", "machine.cpus=2",
		"machine.mem.size=64M", "capture.mode=native", "policy.placement=round-robin",
		"capture.raytrace.xres=8", "capture.raytrace.yres=8", "capture.raytrace.blockx=2",
		"capture.raytrace.blocky=1", "capture.raytrace.bundlex=4", "capture.raytrace.bundley=4",
		"capture.raytrace.rays=1", "capture.raytrace.lights=0", "capture.wl.insns=6400",
		"capture.wl.shared_size=16K", "capture.wl.data_size=16K", "capture.wl.stack_size=8K",
		"capture.wl.text_size=64K", "capture.wl.text_hot=32K", "capture.wl.text_cluster=16K",
		"capture.scale=1", NULL,
	};
	ck_assert_int_eq(cfg_new(&c, disco_param_tables, &err), SIM_OK);
	ck_assert_msg(cap_load_workload(c, "raytrace", &err) == SIM_OK, "%s", err.msg);
	for (const char *const *s = sets; *s; s++)
		ck_assert_msg(cfg_set_assignment(c, *s, "test", &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(cfg_set(c, "capture.seed", seed, NULL, &err), SIM_OK);
	return c;
}

/* _i: the seed.  Counted by hand: the main process (stream 0) clears the
 * frame buffer, 768 / 4 = 192 four-byte stores; then every pixel's ray adds
 * its colour, a load and a store of each of r, g, b: 64 x 3 = 192 stores,
 * 384 in all, to one page.  Each process renders at least its first bundle
 * (it pops its own pool before anyone can steal: a thief must finish a
 * bundle of its own first), so both streams store into the page, whole
 * bundles of 16 pixels x 3 stores each; both map it to the same guest
 * page.  gm->rid: one id a pixel, 64 acquires of ridlock and 64 stores of
 * the counter. */
START_TEST(frame_buffer_page_written_by_both)
{
	char seed[16];
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint64_t fb_stores[2] = { 0 }, fb_gppn[2] = { 0 }, rid_stores = 0, rid_locks = 0;
	snprintf(seed, sizeof seed, "%d", _i + 1);
	c = tcfg(seed);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("raytrace.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_msg(trc_reader_open(&r, t_path("raytrace.dtr"), &err) == SIM_OK, "%s", err.msg);
	for (uint32_t s = 0; s < 2; s++)
		while (trc_next_block(r, s, &recs, &n, &err) == SIM_OK && n > 0)
			for (size_t k = 0; k < n; k++) {
				const struct trc_rec *q = &recs[k];
				if (q->type == TRC_STORE && q->addr >= FB_VA && q->addr < FB_VA + FB_BYTES)
					fb_stores[s]++;
				else if (q->type == TRC_STORE && q->addr == RID_VA)
					rid_stores++;
				else if (q->type == TRC_LOCK_ACQ && q->id == RID_LOCK)
					rid_locks++;
				else if (q->type == TRC_PTE_SET && q->addr == FB_VA >> 12)
					fb_gppn[s] = q->val;
			}
	trc_reader_close(r);
	ck_assert_uint_eq(fb_stores[0] + fb_stores[1], 192 + 192);
	ck_assert_uint_ge(fb_stores[0], 192 + 48);
	ck_assert_uint_ge(fb_stores[1], 48);
	ck_assert_uint_eq((fb_stores[0] - 192) % 48, 0);
	ck_assert_uint_eq(fb_stores[1] % 48, 0);
	ck_assert_uint_ne(fb_gppn[0], 0);
	ck_assert_uint_eq(fb_gppn[0], fb_gppn[1]);
	ck_assert_uint_eq(rid_stores, 64);
	ck_assert_uint_eq(rid_locks, 64);
	t_replay_trace(t_path("raytrace.dtr"), RPL_NATIVE, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* The pools hold what InitWorkPool deals: at capture.scale 0.5 each
 * process puts half its two bundles, one each, so 2 x 16 pixels are traced:
 * 32 ids from gm->rid. */
START_TEST(scale_traces_part_of_the_image)
{
	struct sim_err err = { 0 };
	struct rpl_results a;
	cfg *c = tcfg("1");
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint64_t rid_stores = 0;
	ck_assert_int_eq(cfg_set(c, "capture.scale", "0.5", NULL, &err), SIM_OK);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("raytrace-half.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_msg(trc_reader_open(&r, t_path("raytrace-half.dtr"), &err) == SIM_OK, "%s", err.msg);
	for (uint32_t s = 0; s < 2; s++)
		while (trc_next_block(r, s, &recs, &n, &err) == SIM_OK && n > 0)
			for (size_t k = 0; k < n; k++)
				rid_stores += recs[k].type == TRC_STORE && recs[k].addr == RID_VA;
	trc_reader_close(r);
	ck_assert_uint_eq(rid_stores, 32);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("raytrace");
	TCase *tc = tcase_create("raytrace");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, frame_buffer_page_written_by_both, 0, 3);
	tcase_add_test(tc, scale_traces_part_of_the_image);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

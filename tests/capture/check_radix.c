/* Radix on IRIX and on SPLASHOS (capture/guest_radix.c on the runtime of
 * capture/guest_splash.c): the same page faults on both, SPLASHOS's handled
 * by the monitor with no guest handler, and capture == replay on each,
 * counter for counter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/tables.h"
#include "capture/capture.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/trace.h"

/* Radix at a test's scale (8192 keys, 4 threads) on IRIX or SPLASHOS. */
static cfg *rcfg(int splashos, const char *seed)
{
	cfg *c;
	struct sim_err err = { 0 };
	const char *irix[] = { "capture.mode=native", "policy.placement=round-robin", NULL };
	const char *splash[] = { "capture.guest=splashos", "capture.mode=disco", "capture.hal=disco",
				 "policy.placement=first-touch", NULL };
	ck_assert_int_eq(cfg_new(&c, disco_param_tables, &err), SIM_OK);
	ck_assert_msg(cap_load_workload(c, "radix", &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(cfg_set(c, "capture.radix.keys", "8192", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "capture.cpus", "4", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.cpus", "4", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.mem.size", "64M", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "capture.seed", seed, NULL, &err), SIM_OK);
	for (const char *const *s = splashos ? splash : irix; *s; s++)
		ck_assert_msg(cfg_set_assignment(c, *s, "test", &err) == SIM_OK, "%s", err.msg);
	return c;
}

static uint64_t irix_faults(const struct rpl_results *r)
{
	return r->service[TRC_SVC_DEMAND_ZERO].count + r->service[TRC_SVC_QUICK_FAULT].count;
}

/* _i: the seed.  Every thread's first touch of every page it uses faults on
 * both: IRIX's faults (DEMAND-ZERO once a page, QUICK-FAULT for the other
 * threads) equal SPLASHOS's monitor page faults, and the pages IRIX
 * allocates are those the monitor places and zeroes, bar the two text pages
 * the loops run in (in IRIX's page cache before the run). */
START_TEST(same_faults_on_both)
{
	char seed[16];
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *ci, *cs;
	snprintf(seed, sizeof seed, "%d", _i + 1);
	ci = rcfg(0, seed);
	cs = rcfg(1, seed);
	ck_assert_msg(cap_run(ci, cap_guest_of(ci), NULL, &a, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(cap_run(cs, cap_guest_of(cs), NULL, &b, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_gt(irix_faults(&a), 0);
	ck_assert_uint_gt(a.service[TRC_SVC_DEMAND_ZERO].count, 0);
	ck_assert_uint_eq(irix_faults(&a), b.service[TRC_SVC_PAGE_FAULT].count);
	ck_assert_uint_eq(b.service[TRC_SVC_DEMAND_ZERO].count + b.service[TRC_SVC_QUICK_FAULT].count, 0);
	ck_assert_uint_eq(a.service[TRC_SVC_PAGE_FAULT].count, 0);
	ck_assert_uint_eq(a.service[TRC_SVC_DEMAND_ZERO].count + 2, b.pages_touched);   /* + 2 text pages */
	for (int cpu = 0; cpu < 4; cpu++) {
		ck_assert_uint_eq(b.cpu[cpu].cycles[ACCT_KERNEL], 0);
		ck_assert_uint_eq(b.cpu[cpu].cycles[ACCT_SYNC], 0);
		ck_assert_uint_gt(b.cpu[cpu].cycles[ACCT_MONITOR], 0);
		ck_assert_uint_gt(a.cpu[cpu].cycles[ACCT_KERNEL], 0);
	}
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(ci);
	cfg_free(cs);
}
END_TEST

/* _i: 0 IRIX natively, 1 SPLASHOS under the monitor: replaying the trace
 * reproduces the capture exactly; the SPLASHOS trace has no page-table
 * records and says vm.os = splashos in its header. */
START_TEST(radix_capture_equals_replay)
{
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	char name[32];
	cfg *c = rcfg(_i, "7");
	trc_reader *r;
	snprintf(name, sizeof name, "radix-%d.dtr", _i);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path(name), &a, NULL, NULL, &err) == SIM_OK, "%s",
		      err.msg);
	t_replay_trace(t_path(name), _i ? RPL_DISCO : RPL_NATIVE, &b);
	t_same_results(&a, &b);
	ck_assert_msg(trc_reader_open(&r, t_path(name), &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(strstr(trc_reader_info(r)->config_text, "vm.os = splashos") != NULL, _i);
	trc_reader_close(r);
	if (_i) {
		trc_reader *rr;
		const struct trc_rec *recs;
		size_t n;
		uint64_t ptes = 0;
		ck_assert_msg(trc_reader_open(&rr, t_path(name), &err) == SIM_OK, "%s", err.msg);
		for (uint32_t s = 0; s < 4; s++)
			while (trc_next_block(rr, s, &recs, &n, &err) == SIM_OK && n > 0)
				for (size_t k = 0; k < n; k++)
					ptes += recs[k].type == TRC_PTE_SET || recs[k].type == TRC_SVC_BEGIN;
		trc_reader_close(rr);
		ck_assert_uint_eq(ptes, 0);
	}
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* A wake-up semaphore's id (capture/guest_splash.c, wake_sem): 2^30 |
 * thread << 20 | the thread's sleep number. */
#define WAKE_ID(id) (((id) & 0xc0000000u) == 0x40000000u)
#define WAKE_THREAD(id) ((id) >> 20 & 0x3ff)
#define WAKE_SLEEP(id) ((id) & 0xfffff)

/* IRIX's region lock sleeps and hands over (capture/guest_splash.c,
 * fault_begin / fault_end).  Counted by hand from the trace of 4 threads:
 * every fault takes memlock once; a thread that finds the region held
 * switches out to the idle loop and, once the holder's release hands it
 * the lock and wakes it (a signal of the sleep's wake-up semaphore, ids
 * 2^30 | thread << 20 | sleep number, waited twice), switches in: each sleep is two passes over the scheduler's
 * path of capture.os.path.sched instructions, each with the run queue's
 * lock (id 3) held over its queue work, 40 of them (gos_sched_path).  So,
 * per stream, the wake-ups waited for equal those signalled to it, the
 * run-queue acquires are twice the sleeps and hold exactly 40
 * instructions each, and the engine's acquires are
 * faults + 2 x sleeps.  _i = 1: capture.radix.region_wake = all, where a
 * release wakes every sleeper and one that finds the lock taken again
 * sleeps again: the same counts hold per sleep, and the trace replays to
 * the capture's results. */
START_TEST(region_sleeps_hand_over)
{
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c = rcfg(0, "3");
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	const uint64_t sched = 777;   /* a path length to find in the trace */
	uint64_t faults = 0, mem = 0, runq = 0, sleeps = 0, runq_insns = 0;
	uint64_t waits[4] = { 0 }, wakes[4] = { 0 };
	ck_assert_int_eq(cfg_set(c, "capture.os.path.sched", "777", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "capture.radix.region_wake", _i ? "all" : "one", NULL, &err), SIM_OK);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("radix-sleep.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_msg(trc_reader_open(&r, t_path("radix-sleep.dtr"), &err) == SIM_OK, "%s", err.msg);
	for (uint32_t s = 0; s < 4; s++) {
		int in_runq = 0;
		while (trc_next_block(r, s, &recs, &n, &err) == SIM_OK && n > 0)
			for (size_t k = 0; k < n; k++) {
				const struct trc_rec *q = &recs[k];
				if (q->type == TRC_SVC_BEGIN &&
				    (q->aux == TRC_SVC_DEMAND_ZERO || q->aux == TRC_SVC_QUICK_FAULT))
					faults++;
				else if (q->type == TRC_LOCK_ACQ && q->id == 1)
					mem++;
				else if (q->type == TRC_LOCK_ACQ && q->id == 3) {
					runq++;
					in_runq = 1;
				} else if (q->type == TRC_LOCK_REL && q->id == 3)
					in_runq = 0;
				else if (q->type == TRC_INSN && in_runq)
					runq_insns += q->id;
				else if (q->type == TRC_SEM_WAIT && WAKE_ID(q->id)) {
					/* a thread waits on its own, twice a sleep */
					ck_assert_uint_eq(WAKE_THREAD(q->id), s);
					waits[s]++;
					sleeps += waits[s] % 2;
				} else if (q->type == TRC_SEM_SIGNAL && WAKE_ID(q->id) &&
					   WAKE_THREAD(q->id) != s)
					wakes[WAKE_THREAD(q->id)]++;
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(sleeps, 0);   /* four threads on one region do meet */
	for (int t = 0; t < 4; t++)
		ck_assert_uint_eq(waits[t], 2 * wakes[t]);
	ck_assert_uint_eq(faults, a.service[TRC_SVC_DEMAND_ZERO].count + a.service[TRC_SVC_QUICK_FAULT].count);
	ck_assert_uint_eq(mem, faults);
	ck_assert_uint_eq(runq, 2 * sleeps);
	ck_assert_uint_eq(runq_insns, runq * 40);
	ck_assert_uint_lt(40, sched);
	ck_assert_uint_eq(a.lock_acquires, faults + 2 * sleeps);
	ck_assert_uint_gt(rpl_total_cat(&a, ACCT_SYNC), 0);
	t_replay_trace(t_path("radix-sleep.dtr"), RPL_NATIVE, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* Each sleep on the region's lock has a wake-up semaphore of its own
 * (capture/guest_splash.c, wake_sem).  Issue: with one count per thread
 * (ids 900 + thread), a UMA replay of raytrace (16 threads, scale 0.003,
 * seed 7) ended three of thread 1's sleeps with each other's wake-ups: a
 * releaser whose turn came sooner than in the capture signalled the
 * thread's third sleep before the first's was signalled, and the first
 * sleep ended on it.  The walk, per thread t: its sleeps are numbered 0,
 * 1, ... in its stream; sleep n is one id, waited twice by t, signalled
 * once by another thread whose last semaphore record before it is the
 * region's release (id 400) or another wake-up of the same release
 * (region_wake = all), and once by t after its two waits, before its next
 * sleep.  Then the trace replays under UMA. */
#define WK_THREADS 4
#define WK_MAX 4096
START_TEST(region_wake_ends_only_its_own_sleep)
{
	struct wk { int waits, own, other; } (*wk)[WK_MAX] = calloc(WK_THREADS, sizeof *wk);
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c = rcfg(0, "3");
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint32_t next[WK_THREADS] = { 0 };
	uint64_t sleeps = 0;
	ck_assert_ptr_nonnull(wk);
	ck_assert_int_eq(cfg_set(c, "capture.radix.region_wake", _i ? "all" : "one", NULL, &err), SIM_OK);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("radix-wake.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_msg(trc_reader_open(&r, t_path("radix-wake.dtr"), &err) == SIM_OK, "%s", err.msg);
	for (uint32_t s = 0; s < WK_THREADS; s++) {
		int released = 0;   /* the stream's last semaphore record released the region
				     * or woke a sleeper */
		while (trc_next_block(r, s, &recs, &n, &err) == SIM_OK && n > 0)
			for (size_t k = 0; k < n; k++) {
				const struct trc_rec *q = &recs[k];
				uint32_t t = WAKE_THREAD(q->id), h = WAKE_SLEEP(q->id);
				struct wk *o;
				if (q->type != TRC_SEM_WAIT && q->type != TRC_SEM_SIGNAL)
					continue;
				/* no count per thread as before */
				ck_assert(q->id < 900 || q->id >= 1000);
				if (!WAKE_ID(q->id)) {
					released = q->type == TRC_SEM_SIGNAL && q->id == 400;
					continue;
				}
				ck_assert_uint_lt(t, WK_THREADS);
				ck_assert_uint_lt(h, WK_MAX);
				o = &wk[t][h];
				if (q->type == TRC_SEM_WAIT) {
					ck_assert_uint_eq(t, s);
					if (o->waits == 0) {   /* the next sleep, in order */
						ck_assert_uint_eq(h, next[s]);
						next[s]++;
						sleeps++;
					}
					ck_assert_int_eq(o->own, 0);
					o->waits++;
				} else if (t == s) {
					ck_assert_int_eq(o->waits, 2);
					o->own++;
				} else {
					ck_assert(released);
					o->other++;
				}
				released = released && q->type == TRC_SEM_SIGNAL && t != s;
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(sleeps, 0);
	for (int t = 0; t < WK_THREADS; t++)
		for (uint32_t h = 0; h < next[t]; h++) {
			const struct wk *o = &wk[t][h];
			ck_assert_msg(o->waits == 2 && o->other == 1 && o->own == 1,
				      "thread %d sleep %u: %d waits, %d wake-ups, %d after", t, h, o->waits,
				      o->other, o->own);
		}
	ck_assert_uint_gt(a.sem_waits_blocked, 0);
	t_replay_trace(t_path("radix-wake.dtr"), RPL_UMA, &b);
	ck_assert_uint_eq(b.instructions, a.instructions);
	free(wk);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* SPLASHOS leaves its faults to the monitor: natively there is none. */
START_TEST(splashos_needs_the_monitor)
{
	struct sim_err err = { 0 };
	struct rpl_results a;
	cfg *c = rcfg(1, "1");
	ck_assert_int_eq(cfg_set(c, "capture.mode", "native", NULL, &err), SIM_OK);
	ck_assert_int_eq(cap_run(c, cap_guest_of(c), NULL, &a, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "monitor only"));
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("radix");
	TCase *tc = tcase_create("radix");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, same_faults_on_both, 0, 2);
	tcase_add_loop_test(tc, radix_capture_equals_replay, 0, 2);
	tcase_add_loop_test(tc, region_sleeps_hand_over, 0, 2);
	tcase_add_loop_test(tc, region_wake_ends_only_its_own_sleep, 0, 2);
	tcase_add_test(tc, splashos_needs_the_monitor);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

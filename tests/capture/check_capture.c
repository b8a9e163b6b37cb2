/* Capture: its results are its trace's replay's, counter for counter; the
 * same seed gives the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/guest_os.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/params.h"
#include "traces/trace.h"

/* Replay path under the header's configuration, as `disco replay` does. */
static const char *const modes[] = { "capture.mode=native", "capture.mode=disco", "capture.mode=uma" };

START_TEST(capture_equals_replay)
{
	int mode = _i;
	const char *sets[] = { "capture.cpus=3", "machine.cpus=4", "capture.synth.refs=60000",
			       "capture.synth.syscall_interval=700", "trace.chunk_size=16K",
			       modes[mode], mode == 1 ? "capture.hal=disco" : "capture.hal=plain", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c = t_cfg(sets);
	const char *path = t_path(mode == 0 ? "n.dtr" : mode == 1 ? "d.dtr" : "u.dtr");
	ck_assert_msg(cap_run(c, cap_find_guest("synthetic"), path, &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_uint_gt(a.references, 180000);
	ck_assert_uint_gt(a.service[TRC_SVC_READ].count, 0);
	ck_assert_uint_gt(a.service[TRC_SVC_DEMAND_ZERO].count, 0);
	ck_assert_uint_gt(a.lock_acquires, 0);
	t_replay_trace(path, mode, &b);
	t_same_results(&a, &b);
	{
		/* every record of the trace is counted once, blocked ones included */
		trc_reader *r;
		uint64_t total = 0;
		ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
		for (uint32_t s = 0; s < trc_reader_info(r)->nstreams; s++) {
			struct trc_stream_stats st;
			ck_assert_int_eq(trc_reader_stream_stats(r, s, &st), SIM_OK);
			total += st.records;
		}
		trc_reader_close(r);
		ck_assert_uint_eq(a.records, total);
	}
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
	const char *s1[] = { "capture.cpus=2", "capture.synth.refs=20000", NULL };
	const char *s2[] = { "capture.cpus=2", "capture.synth.refs=20000", "capture.seed=2", NULL };
	struct sim_err err = { 0 };
	struct rpl_results r;
	cfg *c1 = t_cfg(s1), *c2 = t_cfg(s2);
	size_t la, lb, lc;
	char *a, *b, *d;
	ck_assert_int_eq(cap_run(c1, cap_find_guest("synthetic"), t_path("s1a.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	ck_assert_int_eq(cap_run(c1, cap_find_guest("synthetic"), t_path("s1b.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	ck_assert_int_eq(cap_run(c2, cap_find_guest("synthetic"), t_path("s2.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	a = t_read_file(t_path("s1a.dtr"), &la);
	b = t_read_file(t_path("s1b.dtr"), &lb);
	d = t_read_file(t_path("s2.dtr"), &lc);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	ck_assert(la != lc || memcmp(a, d, la) != 0);
	free(a);
	free(b);
	free(d);
	cfg_free(c1);
	cfg_free(c2);
}
END_TEST

START_TEST(too_big_for_memory)
{
	const char *s[] = { "capture.cpus=2", "vm.mem.size=8M", "capture.synth.footprint=16M", NULL };
	struct sim_err err = { 0 };
	struct rpl_results r;
	cfg *c = t_cfg(s);
	ck_assert_int_eq(cap_run(c, cap_find_guest("synthetic"), NULL, &r, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "capture.synth.footprint"));
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, capture_equals_replay, 0, 3);
	tcase_add_test(tc, same_seed_same_bytes);
	tcase_add_test(tc, too_big_for_memory);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* One pass for many configurations gives what separate replays give. */
#include <stdio.h>
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

START_TEST(shared_equals_separate)
{
	const char *cap[] = { "capture.cpus=3", "machine.cpus=4", "capture.synth.refs=50000",
			      "trace.chunk_size=8K", "capture.synth.syscall_interval=900", NULL };
	const char *v0[] = { "machine.cpus=4", NULL };
	const char *v1[] = { "machine.cpus=4", "policy.l2tlb=off", NULL };
	const char *v2[] = { "machine.cpus=4", "policy.l2tlb.entries=4096", "machine.l2.size=256K", NULL };
	const char *v3[] = { "machine.cpus=4", "policy.placement=round-robin", NULL };
	const char *const *vs[] = { v0, v1, v2, v3, v0 };
	int modes[] = { RPL_NATIVE, RPL_DISCO, RPL_DISCO, RPL_DISCO, RPL_UMA };
	const cfg *cfgs[5];
	struct rpl_results sep[5], shr[5];
	struct sim_err err = { 0 };
	const char *path = t_path("shared.dtr");
	cfg *c = t_cfg(cap);
	trc_reader *r;

	ck_assert_msg(cap_run(c, cap_find_guest("synthetic"), path, &sep[0], NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	rpl_results_free(&sep[0]);
	for (int i = 0; i < 5; i++) {
		struct rpl_source src;
		cfgs[i] = t_cfg(vs[i]);
		ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
		rpl_source_from_reader(&src, r);
		ck_assert_msg(rpl_run(cfgs[i], modes[i], &src, &sep[i], NULL, NULL, &err) == SIM_OK, "%s", err.msg);
		trc_reader_close(r);
	}
	ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
	ck_assert_msg(rpl_run_shared(cfgs, modes, 5, r, shr, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	trc_reader_close(r);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(sep[i].cycles, shr[i].cycles);
		ck_assert_uint_eq(sep[i].records, shr[i].records);
		ck_assert_uint_eq(sep[i].tlb_misses, shr[i].tlb_misses);
		ck_assert_uint_eq(sep[i].l2tlb_hits, shr[i].l2tlb_hits);
		ck_assert_int_eq(memcmp(sep[i].service, shr[i].service, sizeof sep[i].service), 0);
		ck_assert_int_eq(memcmp(sep[i].cpu, shr[i].cpu, (size_t)sep[i].ncpus * sizeof *sep[i].cpu), 0);
		rpl_results_free(&sep[i]);
		rpl_results_free(&shr[i]);
	}
	/* configurations differ, so results do */
	for (int i = 0; i < 5; i++)
		cfg_free((cfg *)cfgs[i]);
	cfg_free(c);
}
END_TEST

START_TEST(shared_bad_configuration)
{
	const char *cap[] = { "capture.cpus=2", "machine.cpus=2", "capture.synth.refs=2000", NULL };
	const char *bad[] = { "machine.cpus=1", NULL };
	const cfg *cfgs[2];
	int modes[2] = { RPL_NATIVE, RPL_NATIVE };
	struct rpl_results res[2];
	struct sim_err err = { 0 };
	const char *path = t_path("shared2.dtr");
	cfg *c = t_cfg(cap);
	trc_reader *r;
	ck_assert_int_eq(cap_run(c, cap_find_guest("synthetic"), path, &res[0], NULL, NULL, &err), SIM_OK);
	rpl_results_free(&res[0]);
	cfgs[0] = c;
	cfgs[1] = t_cfg(bad);
	ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
	ck_assert_int_eq(rpl_run_shared(cfgs, modes, 2, r, res, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "configuration 2"));
	trc_reader_close(r);
	cfg_free((cfg *)cfgs[1]);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("shared");
	TCase *tc = tcase_create("shared");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shared_equals_separate);
	tcase_add_test(tc, shared_bad_configuration);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

/* Several VMs under the monitor: a captured IRIX pmake on two VMs that boot
 * from the shared copy-on-write root disk, stepped a few records at a time
 * with the monitor's invariants checked after every step (no TLB maps a
 * shared or replicated page writable or a freed page, reference counts equal
 * the mappings and the cache's holds), and its footprint's own rules (V >=
 * M per category but the monitor's, the monitor's memory in M only). */
#include <string.h>

#include "monitor/vcpu.h"
#include "replay/replay.h"
#include "capture/capture.h"
#include "tests/testlib.h"
#include "traces/trace.h"

static const char *const cap[] = {
	"capture.workload=pmake", "capture.guest=irix", "capture.cpus=4", "machine.cpus=4",
	"machine.mem.size=64M", "capture.vms=2", "capture.scale=0.01", "capture.mode=disco",
	"capture.hal=disco", "capture.os.boot=on", "capture.os.disks=per-copy", "vm.disks.cow=0",
	"capture.os.bufcache_size=2M", NULL,
};

START_TEST(invariants_every_step)
{
	struct sim_err err = { 0 };
	const char *path = t_path("vms.dtr");
	struct rpl_results cres, res;
	struct rpl_source src;
	trc_reader *r;
	rpl_engine *x;
	cfg *c = t_cfg(NULL), *rc_cfg;
	int done = 0;
	uint64_t steps = 0;

	ck_assert_msg(cap_load_workload(c, "pmake", &err) == SIM_OK, "%s", err.msg);
	for (int i = 0; cap[i]; i++)
		ck_assert_msg(cfg_set_assignment(c, cap[i], "test", &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(cap_run(c, cap_guest_of(c), path, &cres, NULL, NULL, &err) == SIM_OK, "%s",
		      err.msg);
	ck_assert_int_eq(cres.nvms, 2);
	ck_assert_uint_gt(cres.cow_mapped, 0);

	ck_assert_int_eq(trc_reader_open(&r, path, &err), SIM_OK);
	ck_assert_int_eq(rpl_trace_cfg(c, r, path, &rc_cfg, &err), SIM_OK);
	rpl_source_from_reader(&src, r);
	ck_assert_msg(rpl_engine_new(&x, rc_cfg, RPL_DISCO, &src, &res, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	while (!done) {
		ck_assert_msg(rpl_engine_step(x, 97, &done) == SIM_OK, "%s", err.msg);
		ck_assert_msg(rpl_engine_check(x), "the monitor's invariants fail after %llu steps",
			      (unsigned long long)steps);
		steps++;
	}
	rpl_engine_free(x);
	t_same_results(&cres, &res);   /* stepping changes nothing */
	for (int k = 0; k < FP_NCATS; k++) {
		if (k == FP_DISCO) {
			ck_assert_uint_eq(res.footprint.v[k], 0);
			ck_assert_uint_gt(res.footprint.m[k], 0);
		} else {
			ck_assert_uint_ge(res.footprint.v[k], res.footprint.m[k]);
		}
	}
	ck_assert_uint_gt(res.footprint.v[FP_KERNEL_TEXT], res.footprint.m[FP_KERNEL_TEXT]);
	ck_assert_uint_gt(res.nsamples, 1);
	rpl_results_free(&res);
	rpl_results_free(&cres);
	trc_reader_close(r);
	cfg_free(rc_cfg);
	cfg_free(c);
}
END_TEST

/* A source of one stream of records in memory. */
struct one_src { const struct trc_rec *r; size_t n; int given; };
static int one_next(void *ctx, uint32_t s, const struct trc_rec **recs, size_t *n,
		    struct sim_err *err)
{
	struct one_src *o = ctx;
	*recs = o->r;
	*n = o->given++ ? 0 : o->n;
	return SIM_OK;
}

/* Services nested past the vCPU's stack: a clear error, not a write past it
 * (a trace file cannot get there: its reader bounds nesting lower). */
START_TEST(service_nesting_bounded)
{
	struct trc_rec recs[VCPU_SVC_DEPTH + 1];
	struct one_src o = { recs, VCPU_SVC_DEPTH + 1, 0 };
	struct rpl_source src = { 1, one_next, &o, NULL, NULL };
	struct rpl_results res;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(NULL);
	for (int i = 0; i <= VCPU_SVC_DEPTH; i++)
		recs[i] = (struct trc_rec){ .type = TRC_SVC_BEGIN, .aux = TRC_SVC_READ };
	ck_assert_int_eq(rpl_run(c, RPL_DISCO, &src, &res, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "record 16: services nested more than 16 deep"), "%s", err.msg);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("vms");
	TCase *tc = tcase_create("vms");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, invariants_every_step);
	tcase_add_test(tc, service_nesting_bounded);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN

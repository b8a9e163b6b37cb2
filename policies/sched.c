/*
 * vCPU scheduling policies.
 *
 * pinned: vCPU i always runs on CPU i mod CPUs.
 *
 * round-robin: the assignment rotates by one CPU every time slice
 * (policy.sched.slice_us): during slice k, vCPU i runs on CPU (i + k) mod
 * CPUs.  With as many vCPUs as CPUs this moves every vCPU each slice, which
 * is what costs locality (and, under the monitor, a TLB flush per switch).
 */
#include <stdint.h>

#include "base/mem.h"
#include "policies/policy.h"

struct sched_st {
	int ncpus;
	uint64_t slice;
};

static int sched_create(void **st, const cfg *c, const struct pol_sched_view *v,
			struct sim_err *err)
{
	struct sched_st *s = sim_calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a scheduling policy");
	s->ncpus = v->ncpus;
	s->slice = v->slice_cycles ? v->slice_cycles : 1;
	*st = s;
	return SIM_OK;
}

static void sched_destroy(void *st) { sim_free(st); }

static int pinned_cpu(void *st, int vcpu, uint64_t now)
{
	struct sched_st *s = st;
	return vcpu % s->ncpus;
}

static uint64_t pinned_next(void *st, uint64_t now) { return UINT64_MAX; }

static int rr_cpu(void *st, int vcpu, uint64_t now)
{
	struct sched_st *s = st;
	return (int)(((uint64_t)vcpu + now / s->slice) % (uint64_t)s->ncpus);
}

static uint64_t rr_next(void *st, uint64_t now)
{
	struct sched_st *s = st;
	return (now / s->slice + 1) * s->slice;
}

const struct pol_sched_ops sched_pinned = {
	"pinned", "vCPU i on CPU i", sched_create, pinned_cpu, pinned_next, sched_destroy,
};
const struct pol_sched_ops sched_round_robin = {
	"round-robin", "assignment rotates by one CPU every policy.sched.slice_us",
	sched_create, rr_cpu, rr_next, sched_destroy,
};

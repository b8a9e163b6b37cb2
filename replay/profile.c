/*
 * The oracle's read-ahead.  The `oracle` migration policy (monitor/numa.c)
 * places each guest page, at its first touch, on the node that took most of
 * its misses; a page never stored to whose misses come from several nodes
 * (at least policy.verghese.sharing each) is replicated on each of them from
 * the start, for free.  Nothing moves afterwards.  What it knows comes from
 * here: a first replay under the same configuration, pages left where first
 * touch puts them (rpl_profile_run).  No online policy knows as much, so it
 * bounds what they can reach (with respect to this profile: the second run's
 * timing differs a little).
 */
#include <string.h>

#include "base/mem.h"
#include "replay/engine_int.h"

struct rpl_profile {
	struct vmm_oracle view;   /* what the monitor reads: misses and writes below */
	uint32_t *misses;         /* [guest_pages * nnodes] */
	uint32_t *writes;         /* [guest_pages] */
};

void rpl_profile_free(struct rpl_profile *p)
{
	if (!p)
		return;
	sim_free(p->misses);
	sim_free(p->writes);
	sim_free(p);
}

const struct vmm_oracle *rpl_profile_view(const struct rpl_profile *p)
{
	return p ? &p->view : NULL;
}

int rpl_profile_run(const cfg *c, const struct rpl_source *src, struct rpl_profile **out,
		    struct sim_err *err)
{
	struct rpl_source s = *src;
	struct rpl_results res;
	struct rpl_profile *p = NULL;
	rpl_engine *x = NULL;
	struct vmm *vm;
	cfg *pc = NULL;
	int done = 0, rc;

	*out = NULL;
	s.profile = NULL;
	rc = cfg_copy(&pc, c, err);
	if (!rc)
		rc = cfg_set(pc, "policy.migration", "none", NULL, err);
	if (!rc)
		rc = rpl_engine_new(&x, pc, RPL_DISCO, &s, &res, NULL, NULL, err);
	if (rc)
		goto out;
	vm = rpl_engine_state(x)->vmm;
	rc = vmm_numa_count_writes(vm);
	if (rc)
		goto out;
	p = sim_calloc(1, sizeof *p);
	if (!p) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the oracle's profile");
		goto out;
	}
	rc = rpl_engine_step(x, UINT64_MAX, &done);
	if (rc)
		goto out;
	p->view.nnodes = machine_nnodes(vm->m);
	p->view.guest_pages = vm->guest_pages;
	p->misses = sim_calloc(vm->guest_pages * (uint64_t)p->view.nnodes, sizeof *p->misses);
	if (!p->misses) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the oracle's profile");
		goto out;
	}
	p->writes = vm->writes;
	vm->writes = NULL;
	for (uint64_t g = 0; g < vm->guest_pages; g++) {
		uint64_t m = vm->pmarr[g];
		if (m != PMAP_NONE)
			memcpy(&p->misses[g * (uint64_t)p->view.nnodes], machine_page_counters(vm->m, m),
			       (size_t)p->view.nnodes * sizeof *p->misses);
	}
	p->view.misses = p->misses;
	p->view.writes = p->writes;
	rpl_results_free(&res);
	*out = p;
	p = NULL;
out:
	rpl_profile_free(p);
	rpl_engine_free(x);
	cfg_free(pc);
	return rc;
}

/*
 * The read-ahead of a migration policy that declares POL_MIG_READ_AHEAD
 * (policies/policy.h; the `oracle`): a first replay under the same
 * configuration, pages left where placement puts them (policy.migration =
 * none), counting per guest page the cache misses each node takes on it and
 * the stores to it over the whole run, and the misses each node takes on it
 * after its last store (rpl_profile_run).  The policy is
 * created with these counts for the second, measured run.
 */
#include <string.h>

#include "base/mem.h"
#include "replay/engine_int.h"
#include "traces/trace.h"

struct rpl_profile {
	struct pol_profile view;  /* what the policy reads: misses and writes below */
	uint32_t *misses;         /* [guest_pages * nnodes] */
	uint32_t *after;          /* [guest_pages * nnodes]: misses after the last store */
	uint32_t *writes;         /* [guest_pages] */
};

void rpl_profile_free(struct rpl_profile *p)
{
	if (!p)
		return;
	sim_free(p->misses);
	sim_free(p->after);
	sim_free(p->writes);
	sim_free(p);
}

const struct pol_profile *rpl_profile_view(const struct rpl_profile *p)
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
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the read-ahead profile");
		goto out;
	}
	rc = rpl_engine_step(x, UINT64_MAX, &done);
	if (rc)
		goto out;
	p->view.nnodes = machine_nnodes(vm->m);
	p->view.guest_pages = vm->guest_pages;
	p->misses = sim_calloc(vm->guest_pages * (uint64_t)p->view.nnodes, sizeof *p->misses);
	p->after = sim_calloc(vm->guest_pages * (uint64_t)p->view.nnodes, sizeof *p->after);
	if (!p->misses || !p->after) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the read-ahead profile");
		goto out;
	}
	p->writes = vm->writes;
	vm->writes = NULL;
	for (uint64_t g = 0; g < vm->guest_pages; g++) {
		uint64_t m = vm->pmarr[g], i = g * (uint64_t)p->view.nnodes;
		if (m == PMAP_NONE)
			continue;
		memcpy(&p->misses[i], machine_page_counters(vm->m, m),
		       (size_t)p->view.nnodes * sizeof *p->misses);
		/* the counts at the last store, taken off the run's (a page that
		 * changed machine page since, by copy-on-write, counts from there) */
		for (int n = 0; n < p->view.nnodes; n++)
			p->after[i + n] = p->misses[i + n] - (p->writes[g] && vm->write_snap[i + n] <=
							      p->misses[i + n] ? vm->write_snap[i + n] : 0);
	}
	p->view.misses = p->misses;
	p->view.after = p->after;
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

int rpl_needs_read_ahead(const cfg *c, int mode)
{
	const struct pol_migration_ops *mig = pol_find_migration(cfg_str(c, "policy.migration"));
	return mode == RPL_DISCO && mig && (mig->flags & POL_MIG_READ_AHEAD);
}

int rpl_read_ahead(const cfg *c, int mode, struct trc_reader *r, struct rpl_profile **out,
		   struct sim_err *err)
{
	struct rpl_source s;
	int rc;
	*out = NULL;
	if (!rpl_needs_read_ahead(c, mode))
		return SIM_OK;
	trc_rewind(r);
	rpl_source_from_reader(&s, r);
	rc = rpl_profile_run(c, &s, out, err);
	trc_rewind(r);
	if (rc)
		sim_err_prefix(err, "reading the trace ahead for policy.migration = %s",
			       cfg_str(c, "policy.migration"));
	return rc;
}

/*
 * NUMA memory management under the monitor: page migration and replication
 * (paper 4.2.3; DESIGN 4, 5, 7).
 *
 * Definitions.  The machine counts, per machine page and per node, the cache
 * misses that memory served (machine_page_counters); when one counter
 * reaches policy.migration.trigger the machine calls rpl_numa_hot_hook,
 * which only queues the page: the machine must not be re-entered from its
 * own reference.  After the record that caused it, rpl_numa_process asks the
 * migration policy what to do and does it, charging the vCPU whose miss
 * raised the notification: the counter interrupt, the TLB shootdown (one
 * inter-processor interrupt per other CPU whose TLB held a mapping), the
 * copy (a load from the old page and a store to the new one per cache line,
 * through the caches, one instruction per 8 bytes), all monitor time.
 *
 * Invariants (tests/replay/check_numa.c checks them after every step):
 *   (1) while a guest page has replicas, no TLB and no L2TLB maps any of
 *       its copies writable;
 *   (2) no TLB or L2TLB entry maps a machine page that is free or that
 *       belongs to another guest page;
 *   (3) every copy of a page lies on a different node (pmap keeps this);
 *   (4) a page is migrated or has its replicas collapsed at most
 *       policy.migration.move_limit times in all; past that it stays where
 *       it is and gets no new replica.  Replications themselves do not
 *       count: a read-shared page wants one copy per node that reads it.
 *
 * Page states and their transitions:
 *   placed --(hot, private)--> migrated        do_migrate
 *   placed --(hot, read-shared)--> replicated  do_replicate
 *   replicated --(a store)--> collapsed        rpl_numa_collapse: one copy,
 *                                              on the writer's node if it had one
 *   any --(page-freed hint)--> free            reclaim (engine.c)
 */
#include <string.h>

#include "base/mem.h"
#include "replay/engine_int.h"

/* Drop one vCPU's L2TLB entries of the page's virtual mappings (backmaps). */
struct unmap_ctx { struct eng *e; int vcpu; };

static void unmap_l2tlb(void *ctx, uint32_t asid, uint64_t vpn)
{
	struct unmap_ctx *u = ctx;
	u->e->l2ops->invalidate(u->e->l2st[u->vcpu], asid, vpn);
}

/* Drop every TLB and L2TLB mapping of any copy of gppn held on the CPUs of
 * `node` (every node: -1); returns the number of CPUs whose TLB held one. */
static int drop_mappings(struct eng *e, uint64_t gppn, int node)
{
	struct unmap_ctx u = { e, 0 };
	uint64_t copies[256];
	int ncopies = 0, targets = 0;
	for (int n = 0; n < machine_nnodes(e->m) && ncopies < 256; n++) {
		uint64_t m = pmap_copy_on(e->pm, gppn, n);
		if (m != PMAP_NONE)
			copies[ncopies++] = m;
	}
	for (int c = 0; c < e->ncpus; c++) {
		int hit = 0;
		if (node >= 0 && machine_cpu_node(e->m, c) != node)
			continue;
		for (int k = 0; k < ncopies; k++)
			if (tlb_invalidate_pfn(machine_tlb(e->m, c), copies[k]))
				hit = 1;
		if (hit) {
			targets++;
			rpl_bump_tlb_epoch(e, c);
		}
	}
	if (e->mode != RPL_DISCO)
		return targets;
	for (int i = 0; i < e->nvcpus; i++) {
		if (node >= 0 && machine_cpu_node(e->m, e->v[i].cpu) != node)
			continue;
		u.vcpu = i;
		if (pmap_backmap_foreach(e->pm, gppn, unmap_l2tlb, &u))
			e->l2ops->flush(e->l2st[i]);   /* too many mappings to know them all */
	}
	return targets;
}

int rpl_numa_unmap_all(struct eng *e, uint64_t gppn)
{
	int targets = drop_mappings(e, gppn, -1);
	pmap_backmap_clear(e->pm, gppn);
	e->pmap_epoch++;
	return targets;
}

uint64_t rpl_numa_copy_for(struct eng *e, uint64_t gppn, int node, int *writable)
{
	uint64_t m = pmap_copy_on(e->pm, gppn, node);
	*writable = pmap_nreplicas(e->pm, gppn) == 0;   /* keeps (1) */
	return m != PMAP_NONE ? m : e->pmarr[gppn];
}

void rpl_numa_hot_hook(void *ctx, uint64_t mpn, int node)
{
	struct eng *e = ctx;
	if (e->nhot < RPL_HOT_RING)
		e->hot[e->nhot++] = mpn << 8 | (uint64_t)node;
	else
		e->res->hot_dropped++;
}

void rpl_numa_tick(struct eng *e, uint64_t now)
{
	if (!e->reset_cycles || now < e->next_reset)
		return;
	machine_counters_reset(e->m);
	memset(e->writes, 0, e->guest_pages * sizeof *e->writes);
	while (e->next_reset <= now)
		e->next_reset += e->reset_cycles;
}

/* Copy a page from machine page `from` to `to` on v's CPU. */
static void copy_page(struct eng *e, struct vcpu *v, uint64_t from, uint64_t to)
{
	uint64_t size = e->pmask + 1;
	for (uint64_t off = 0; off < size; off += e->line_d) {
		unsigned where;
		uint32_t st = machine_ref(e->m, v->cpu, (from << e->pshift) + off, MACH_LOAD, v->clock,
					  &where);
		stall(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, st, where);
		st = machine_ref(e->m, v->cpu, (to << e->pshift) + off, MACH_STORE, v->clock, &where);
		stall(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, st, where);
		spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, 2 * e->line_d / 8);
	}
}

static void shootdown(struct eng *e, struct vcpu *v, int targets)
{
	int self = 0;
	/* our own TLB is flushed locally; the others need an interrupt each */
	if (targets > 0)
		self = 1;
	e->res->shootdowns += (uint64_t)(targets - self);
	spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, (uint64_t)(targets - self) * e->k.shootdown);
}

static void do_migrate(struct eng *e, struct vcpu *v, uint64_t gppn, int node)
{
	uint64_t old = e->pmarr[gppn], nm;
	int targets = rpl_numa_unmap_all(e, gppn);
	machine_page_flush(e->m, old);
	nm = pmap_migrate(e->pm, gppn, node, &old);
	shootdown(e, v, targets);
	if (nm == PMAP_NONE)
		return;   /* the node is full: mappings come back on the next misses */
	spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.page_move);
	machine_page_counters_clear(e->m, nm);
	copy_page(e, v, old, nm);
	e->moves[gppn]++;
	e->res->migrations++;
}

static void do_replicate(struct eng *e, struct vcpu *v, uint64_t gppn, int node)
{
	uint64_t master = e->pmarr[gppn], nm;
	/* the first replica: every mapping becomes read-only (drop them all, they
	 * return read-only); later ones: every mapping is read-only already
	 * (invariant 1), so only the new copy's node drops its own, to refill
	 * from the local copy, and the backmaps stay */
	int targets = pmap_nreplicas(e->pm, gppn) ? drop_mappings(e, gppn, node)
						  : rpl_numa_unmap_all(e, gppn);
	shootdown(e, v, targets);
	nm = pmap_replicate(e->pm, gppn, node);
	if (nm == PMAP_NONE)
		return;
	spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.page_move);
	machine_page_counters_clear(e->m, nm);
	copy_page(e, v, master, nm);
	e->res->replications++;
}

int rpl_numa_collapse(struct eng *e, struct vcpu *v, uint64_t gppn)
{
	uint64_t dropped[256];
	int targets = rpl_numa_unmap_all(e, gppn), k;
	if (machine_nnodes(e->m) > 256)
		return sim_errf(e->err, SIM_EINTERNAL, "collapse: more than 256 nodes");
	spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.page_move);
	shootdown(e, v, targets);
	k = pmap_collapse(e->pm, gppn, machine_cpu_node(e->m, v->cpu), dropped);
	for (int i = 0; i < k; i++)
		machine_page_flush(e->m, dropped[i]);
	/* the kept copy counts afresh, so a page read again after its writes
	 * can be found hot again (within the move limit) */
	machine_page_counters_clear(e->m, e->pmarr[gppn]);
	if (e->moves && e->moves[gppn] < UINT16_MAX)
		e->moves[gppn]++;   /* undone work: counts toward the move limit */
	e->res->collapses++;
	return SIM_OK;
}

int rpl_numa_process(struct eng *e, struct vcpu *v)
{
	int n = e->nhot;
	e->nhot = 0;
	for (int i = 0; i < n; i++) {
		uint64_t mpn = e->hot[i] >> 8;
		int node = (int)(e->hot[i] & 0xff), to = -1, act;
		uint64_t gppn = pmap_owner(e->pm, mpn);
		struct pol_hot_view hv;

		e->res->hot_pages++;
		spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.hot_intr);
		if (gppn == PMAP_NONE || e->pmarr[gppn] != mpn)
			continue;   /* freed, or a replica: only masters move */
		hv.gppn = gppn;
		hv.hot_node = node;
		hv.home_node = pmap_node_of(e->pm, mpn);
		hv.nnodes = machine_nnodes(e->m);
		hv.misses = machine_page_counters(e->m, mpn);
		hv.writes = e->writes[gppn];
		hv.moves = e->moves[gppn];
		hv.nreplicas = pmap_nreplicas(e->pm, gppn);
		hv.has_copy_on_hot = pmap_copy_on(e->pm, gppn, node) != PMAP_NONE;
		act = e->mig->decide(e->mig_st, &hv, &to);
		if (to < 0 || to >= hv.nnodes || e->moves[gppn] == UINT16_MAX)
			continue;
		if (act == POL_MIG_MIGRATE)
			do_migrate(e, v, gppn, to);
		else if (act == POL_MIG_REPLICATE)
			do_replicate(e, v, gppn, to);
	}
	return SIM_OK;
}

/*
 * The oracle.  It reads the whole trace ahead (rpl_profile_run: a first
 * replay under the same configuration, pages left where first touch puts
 * them) and then places each guest page, at its first touch, on the node
 * that took most of its misses; a page never stored to whose misses come
 * from several nodes (at least policy.verghese.sharing each) is replicated
 * on each of them from the start, for free.  Nothing moves afterwards.  No
 * online policy knows as much, so it bounds what they can reach (with
 * respect to this profile: the second run's timing differs a little).
 */
struct rpl_profile {
	int nnodes;
	uint64_t guest_pages;
	uint32_t *misses;   /* [guest_pages * nnodes] */
	uint32_t *writes;   /* [guest_pages] */
};

void rpl_profile_free(struct rpl_profile *p)
{
	if (!p)
		return;
	sim_free(p->misses);
	sim_free(p->writes);
	sim_free(p);
}

int rpl_profile_run(const cfg *c, const struct rpl_source *src, struct rpl_profile **out,
		    struct sim_err *err)
{
	struct rpl_source s = *src;
	struct rpl_results res;
	struct rpl_profile *p = NULL;
	rpl_engine *x = NULL;
	struct eng *e;
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
	e = rpl_engine_state(x);
	e->writes = sim_calloc(e->guest_pages, sizeof *e->writes);
	p = sim_calloc(1, sizeof *p);
	if (!e->writes || !p) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the oracle's profile");
		goto out;
	}
	rc = rpl_engine_step(x, UINT64_MAX, &done);
	if (rc)
		goto out;
	p->nnodes = machine_nnodes(e->m);
	p->guest_pages = e->guest_pages;
	p->misses = sim_calloc(p->guest_pages * (uint64_t)p->nnodes, sizeof *p->misses);
	if (!p->misses) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for the oracle's profile");
		goto out;
	}
	p->writes = e->writes;
	e->writes = NULL;
	for (uint64_t g = 0; g < p->guest_pages; g++) {
		uint64_t m = e->pmarr[g];
		if (m != PMAP_NONE)
			memcpy(&p->misses[g * (uint64_t)p->nnodes], machine_page_counters(e->m, m),
			       (size_t)p->nnodes * sizeof *p->misses);
	}
	rpl_results_free(&res);
	*out = p;
	p = NULL;
out:
	rpl_profile_free(p);
	rpl_engine_free(x);
	cfg_free(pc);
	return rc;
}

int rpl_numa_oracle_node(struct eng *e, uint64_t gppn)
{
	const struct rpl_profile *p = e->oracle;
	const uint32_t *m = &p->misses[gppn * (uint64_t)p->nnodes];
	int best = -1;
	uint32_t most = 0;
	for (int n = 0; n < p->nnodes; n++)
		if (m[n] > most) {
			most = m[n];
			best = n;
		}
	return best;
}

void rpl_numa_oracle_replicas(struct eng *e, uint64_t gppn)
{
	const struct rpl_profile *p = e->oracle;
	const uint32_t *m = &p->misses[gppn * (uint64_t)p->nnodes];
	if (p->writes[gppn])
		return;
	for (int n = 0; n < p->nnodes; n++)
		if (m[n] >= e->oracle_sharing && m[n] > 0 &&
		    pmap_replicate(e->pm, gppn, n) != PMAP_NONE)
			e->res->replications++;
}

int rpl_numa_setup(struct eng *e, const cfg *c, struct sim_err *err)
{
	const char *name = cfg_str(c, "policy.migration");
	int rc;
	if (e->mode != RPL_DISCO || !strcmp(name, "none"))
		return SIM_OK;   /* natively the OS's pages stay put: IRIX on NUMA */
	if (!strcmp(name, "oracle")) {
		const struct rpl_profile *p = e->src->profile;
		if (!p)
			return sim_errf(err, SIM_EINVAL,
					"policy.migration = oracle needs the whole trace read ahead: "
					"it works with disco replay of a trace file, not with capture");
		if (p->nnodes != machine_nnodes(e->m) || p->guest_pages != e->guest_pages)
			return sim_errf(err, SIM_EINTERNAL, "the oracle's profile is of another machine");
		e->oracle = p;
		e->oracle_sharing = (uint32_t)cfg_int(c, "policy.verghese.sharing");
		e->mig = pol_find_migration("oracle");
		e->writes = sim_calloc(e->guest_pages, sizeof *e->writes);
		e->moves = sim_calloc(e->guest_pages, sizeof *e->moves);
		if (!e->writes || !e->moves)
			return sim_errf(err, SIM_ENOMEM, "out of memory for page-movement state");
		return SIM_OK;   /* no counters, no hook: nothing moves */
	}
	e->mig = pol_find_migration(name);
	if (!e->mig)
		return sim_errf(err, SIM_EINTERNAL, "policy.migration '%s' is not registered", name);
	rc = e->mig->create(&e->mig_st, c, err);
	if (rc) {
		e->mig = NULL;
		return rc;
	}
	e->writes = sim_calloc(e->guest_pages, sizeof *e->writes);
	e->moves = sim_calloc(e->guest_pages, sizeof *e->moves);
	if (!e->writes || !e->moves)
		return sim_errf(err, SIM_ENOMEM, "out of memory for page-movement state");
	e->reset_cycles = (uint64_t)(cfg_real(c, "policy.migration.reset_us") * e->mc.clock_mhz + 0.5);
	e->next_reset = e->reset_cycles;
	machine_set_hot_hook(e->m, (uint32_t)cfg_int(c, "policy.migration.trigger"),
			     rpl_numa_hot_hook, e);
	return SIM_OK;
}

void rpl_numa_free(struct eng *e)
{
	if (e->mig && e->mig->destroy && e->mig_st)
		e->mig->destroy(e->mig_st);
	sim_free(e->writes);
	sim_free(e->moves);
}

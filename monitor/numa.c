/*
 * NUMA memory management under the monitor: page migration and replication
 * (paper 4.2.3; DESIGN 4, 5, 7).
 *
 * Definitions.  The machine counts, per machine page and per node, the cache
 * misses that memory served (machine_page_counters); when one counter
 * reaches policy.migration.trigger the machine calls hot_hook (for a
 * policy with a decide hook), which only queues the page: the machine must
 * not be re-entered from its own reference.  After the record that caused
 * it, vmm_numa_process asks the migration policy what to do and does it,
 * charging the vCPU whose miss raised the notification: the counter
 * interrupt, the TLB shootdown (one inter-processor interrupt per other CPU
 * whose TLB held a mapping), the copy (a load from the old page and a store
 * to the new one per cache line, through the caches, one instruction per 8
 * bytes), all monitor time.  Every policy.migration.reset_us the counters
 * restart (vmm_numa_tick); a policy's interval_end hook sees them first, and
 * the moves it asks for are made as decide's are, charged to the vCPU about
 * to run.  A policy's first_touch hook places a page and its first copies
 * (vmm_numa_first_node, vmm_numa_first_copies).
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
 *   replicated --(a store)--> collapsed        collapse: one copy,
 *                                              on the writer's node if it had one
 *   any --(page-freed hint)--> free            reclaim (monitor/moncall.c)
 */
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"

/* Drop one vCPU's L2TLB entries of the page's virtual mappings (backmaps). */
struct unmap_ctx { struct vmm *x; int vcpu; };

static void unmap_l2tlb(void *ctx, uint32_t asid, uint64_t vpn)
{
	struct unmap_ctx *u = ctx;
	u->x->l2ops->invalidate(u->x->l2st[u->vcpu], asid, vpn);
}

/* Drop every TLB and L2TLB mapping of any copy of gppn held on the CPUs of
 * `node` (every node: -1); returns the number of CPUs whose TLB held one. */
static int drop_mappings(struct vmm *x, uint64_t gppn, int node)
{
	struct unmap_ctx u = { x, 0 };
	uint64_t copies[256];
	int ncopies = 0, targets = 0;
	for (int n = 0; n < machine_nnodes(x->m) && ncopies < 256; n++) {
		uint64_t m = pmap_copy_on(x->pm, gppn, n);
		if (m != PMAP_NONE)
			copies[ncopies++] = m;
	}
	for (int c = 0; c < x->mc.ncpus; c++) {
		int hit = 0;
		if (node >= 0 && machine_cpu_node(x->m, c) != node)
			continue;
		for (int k = 0; k < ncopies; k++)
			if (tlb_invalidate_pfn(machine_tlb(x->m, c), copies[k]))
				hit = 1;
		if (hit) {
			targets++;
			vmm_tlb_changed(x, c);
		}
	}
	if (!x->l2st)
		return targets;
	for (int i = 0; i < x->nvcpus; i++) {
		if (node >= 0 && machine_cpu_node(x->m, x->vcpu[i]->cpu) != node)
			continue;
		u.vcpu = i;
		if (pmap_backmap_foreach(x->pm, gppn, unmap_l2tlb, &u))
			x->l2ops->flush(x->l2st[i]);   /* too many mappings to know them all */
	}
	return targets;
}

int vmm_numa_unmap_all(struct vmm *x, uint64_t gppn)
{
	int targets = drop_mappings(x, gppn, -1);
	pmap_backmap_clear(x->pm, gppn);
	vmm_pmap_changed(x);
	return targets;
}

uint64_t vmm_numa_copy_for(struct vmm *x, uint64_t gppn, int node, int *writable)
{
	uint64_t m = pmap_copy_on(x->pm, gppn, node);
	*writable = pmap_nreplicas(x->pm, gppn) == 0;   /* keeps (1) */
	return m != PMAP_NONE ? m : x->pmarr[gppn];
}

/* Queue an entry of x->hot for vmm_numa_process (dropped, and counted, when
 * the ring is full). */
static void queue_hot(struct vmm *x, uint64_t entry)
{
	if (x->nhot < VMM_HOT_RING)
		x->hot[x->nhot++] = entry;
	else
		x->cnt.hot_dropped++;
}

static void hot_hook(void *ctx, uint64_t mpn, int node)
{
	queue_hot(ctx, mpn << 8 | (uint64_t)node);
}

/* Whether page gppn may get a copy on node, or move there: only a private
 * master moves or is copied, while its move count has room, to a node that
 * holds no copy of it. */
static int may_move_to(const struct vmm *x, uint64_t gppn, int node)
{
	uint64_t mpn = x->pmarr[gppn];
	return mpn != PMAP_NONE && pmap_owner(x->pm, mpn) == gppn && x->moves[gppn] != UINT16_MAX &&
	       pmap_copy_on(x->pm, gppn, node) == PMAP_NONE;
}

void vmm_copy(struct vmm *x, struct vmm_vcpu *v, uint64_t from, uint64_t to, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += x->line_d) {
		if (from != UINT64_MAX)
			vcpu_ref(v, x->m, from + off, MACH_LOAD, ACCT_MONITOR, ACCT_SPLIT_MONITOR);
		vcpu_ref(v, x->m, to + off, MACH_STORE, ACCT_MONITOR, ACCT_SPLIT_MONITOR);
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, 2 * x->line_d / 8);
	}
}

void vmm_copy_page(struct vmm *x, struct vmm_vcpu *v, uint64_t from, uint64_t to)
{
	vmm_copy(x, v, from << x->pshift, to << x->pshift, x->pmask + 1);
}

static void shootdown(struct vmm *x, struct vmm_vcpu *v, int targets)
{
	int self = 0;
	/* our own TLB is flushed locally; the others need an interrupt each */
	if (targets > 0)
		self = 1;
	x->cnt.shootdowns += (uint64_t)(targets - self);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, (uint64_t)(targets - self) * x->k.shootdown);
}

/* The copy reads the old page through the coherent caches, as a bcopy on
 * the machine does: lines the copying CPU holds hit, lines dirty in another
 * cache come from it, the rest from the old page's memory.  Nothing is
 * flushed first: the caches are physically tagged and coherent, and the
 * old page's lines left in them are harmless once it is free (as a
 * reclaim's, monitor/moncall.c). */
static void do_migrate(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, int node)
{
	uint64_t old = x->pmarr[gppn], nm;
	int targets = vmm_numa_unmap_all(x, gppn);
	nm = pmap_migrate(x->pm, gppn, node, &old);
	shootdown(x, v, targets);
	if (nm == PMAP_NONE)
		return;   /* the node is full: mappings come back on the next misses */
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.page_move);
	machine_page_counters_clear(x->m, nm);
	vmm_copy_page(x, v, old, nm);
	x->moves[gppn]++;
	x->cnt.migrations++;
}

static void do_replicate(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, int node)
{
	uint64_t master = x->pmarr[gppn], nm;
	/* the first replica: every mapping becomes read-only (drop them all, they
	 * return read-only); later ones: every mapping is read-only already
	 * (invariant 1), so only the new copy's node drops its own, to refill
	 * from the local copy, and the backmaps stay */
	int targets = pmap_nreplicas(x->pm, gppn) ? drop_mappings(x, gppn, node)
						  : vmm_numa_unmap_all(x, gppn);
	shootdown(x, v, targets);
	nm = pmap_replicate(x->pm, gppn, node);
	if (nm == PMAP_NONE)
		return;
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.page_move);
	machine_page_counters_clear(x->m, nm);
	vmm_copy_page(x, v, master, nm);
	x->cnt.replications++;
}

/* A store to a page with replicas: collapse them (charging v). */
static int collapse(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	uint64_t dropped[256];
	int targets = vmm_numa_unmap_all(x, gppn), k;
	if (machine_nnodes(x->m) > 256)
		return sim_errf(x->err, SIM_EINTERNAL, "collapse: more than 256 nodes");
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.page_move);
	shootdown(x, v, targets);
	k = pmap_collapse(x->pm, gppn, machine_cpu_node(x->m, v->cpu), dropped);
	for (int i = 0; i < k; i++)
		machine_page_flush(x->m, dropped[i]);
	/* the kept copy counts afresh, so a page read again after its writes
	 * can be found hot again (within the move limit) */
	machine_page_counters_clear(x->m, x->pmarr[gppn]);
	if (x->moves && x->moves[gppn] < UINT16_MAX)
		x->moves[gppn]++;   /* undone work: counts toward the move limit */
	x->cnt.collapses++;
	return SIM_OK;
}

int vmm_write_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t g, int *retry)
{
	*retry = 0;
	if (pmap_is_shared(x->pm, g)) {
		*retry = 1;
		return vmm_cow_fault(x, v, g);
	}
	if (!x->mig || !pmap_nreplicas(x->pm, g))
		return SIM_OK;
	*retry = 1;
	return collapse(x, v, g);
}

int vmm_numa_count_writes(struct vmm *x)
{
	if (!x->writes)
		x->writes = sim_calloc(x->guest_pages, sizeof *x->writes);
	if (!x->write_snap)
		x->write_snap = sim_calloc(x->guest_pages * (uint64_t)machine_nnodes(x->m),
					   sizeof *x->write_snap);
	return x->writes && x->write_snap ? SIM_OK :
	       sim_errf(x->err, SIM_ENOMEM, "out of memory for the read-ahead profile");
}

void vmm_numa_last_store(struct vmm *x, uint64_t g)
{
	queue_hot(x, VMM_LAST_STORE | g);
}

/* The copies mig->last_store asks for, as a replication decide answered. */
static void last_store(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	int nn = machine_nnodes(x->m);
	memset(x->first_replicas, 0, (size_t)nn);
	x->mig->last_store(x->mig_st, gppn, x->first_replicas);
	for (int n = 0; n < nn; n++)
		if (x->first_replicas[n] && may_move_to(x, gppn, n))
			do_replicate(x, v, gppn, n);
}

void vmm_numa_snap(struct vmm *x, uint64_t g, uint64_t mpn)
{
	int nn = machine_nnodes(x->m);
	memcpy(&x->write_snap[g * (uint64_t)nn], machine_page_counters(x->m, mpn),
	       (size_t)nn * sizeof *x->write_snap);
}

int vmm_numa_process(struct vmm *x, struct vmm_vcpu *v)
{
	int n = x->nhot;
	x->nhot = 0;
	for (int i = 0; i < n; i++) {
		uint64_t mpn = x->hot[i] >> 8;
		int node = (int)(x->hot[i] & 0xff), to = -1, act;
		uint64_t gppn;
		struct pol_hot_view hv;

		if (x->hot[i] & VMM_LAST_STORE) {
			last_store(x, v, x->hot[i] & ~VMM_LAST_STORE);
			continue;
		}
		gppn = pmap_owner(x->pm, mpn);
		x->cnt.hot_pages++;
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.hot_intr);
		if (gppn == PMAP_NONE || gppn == PMAP_SHARED || gppn >= x->guest_pages ||
		    x->pmarr[gppn] != mpn)
			continue;   /* freed, shared, the monitor's own, or a replica: only
				     * private masters move */
		hv.gppn = gppn;
		hv.hot_node = node;
		hv.home_node = pmap_node_of(x->pm, mpn);
		hv.nnodes = machine_nnodes(x->m);
		hv.misses = machine_page_counters(x->m, mpn);
		hv.writes = x->writes[gppn];
		hv.moves = x->moves[gppn];
		hv.nreplicas = pmap_nreplicas(x->pm, gppn);
		hv.has_copy_on_hot = pmap_copy_on(x->pm, gppn, node) != PMAP_NONE;
		act = x->mig->decide(x->mig_st, &hv, &to);
		if (to < 0 || to >= hv.nnodes || x->moves[gppn] == UINT16_MAX)
			continue;
		if (act == POL_MIG_MIGRATE)
			do_migrate(x, v, gppn, to);
		else if (act == POL_MIG_REPLICATE)
			do_replicate(x, v, gppn, to);
	}
	return SIM_OK;
}

/* ---- interval ends ---- */

static const uint32_t *interval_page_misses(const struct pol_interval_view *iv, uint64_t gppn)
{
	const struct vmm *x = iv->ctx;
	if (gppn >= x->guest_pages || x->pmarr[gppn] == PMAP_NONE)
		return NULL;
	return machine_page_counters(x->m, x->pmarr[gppn]);
}

static int interval_move(const struct pol_interval_view *iv, uint64_t gppn, int action, int node)
{
	struct vmm *x = iv->ctx;
	if (gppn >= x->guest_pages || node < 0 || node >= iv->nnodes || node > 0xff ||
	    (action != POL_MIG_MIGRATE && action != POL_MIG_REPLICATE) || x->nasked >= VMM_HOT_RING)
		return -1;
	x->asked[x->nasked++] = gppn << 16 | (uint64_t)action << 8 | (uint64_t)node;
	return 0;
}

/* The interval that ends at now: the policy's hook, then the moves it asked
 * for, each as vmm_numa_process would make decide's answer. */
static void interval_end(struct vmm *x, struct vmm_vcpu *v, uint64_t now)
{
	struct pol_interval_view iv = { 0 };
	int n;
	iv.index = x->nintervals++;
	iv.start = x->interval_start;
	iv.end = now;
	iv.nnodes = machine_nnodes(x->m);
	iv.guest_pages = x->guest_pages;
	iv.hot_pages = x->cnt.hot_pages - x->interval_cnt.hot_pages;
	iv.migrations = x->cnt.migrations - x->interval_cnt.migrations;
	iv.replications = x->cnt.replications - x->interval_cnt.replications;
	iv.collapses = x->cnt.collapses - x->interval_cnt.collapses;
	iv.writes = x->writes;
	iv.moves = x->moves;
	iv.page_misses = interval_page_misses;
	iv.move = interval_move;
	iv.ctx = x;
	x->nasked = 0;
	x->mig->interval_end(x->mig_st, &iv);
	n = x->nasked;
	x->nasked = 0;
	x->interval_cnt = x->cnt;   /* the moves asked for count in the next interval */
	x->interval_start = now;
	for (int i = 0; i < n; i++) {
		uint64_t gppn = x->asked[i] >> 16;
		int action = (int)(x->asked[i] >> 8 & 0xff), to = (int)(x->asked[i] & 0xff);
		if (!may_move_to(x, gppn, to) ||
		    (action == POL_MIG_MIGRATE && pmap_nreplicas(x->pm, gppn)))
			continue;   /* a replicated page does not migrate */
		if (action == POL_MIG_MIGRATE)
			do_migrate(x, v, gppn, to);
		else
			do_replicate(x, v, gppn, to);
	}
}

void vmm_numa_tick(struct vmm *x, struct vmm_vcpu *v)
{
	uint64_t now = v->clock;
	if (!x->reset_cycles || now < x->next_reset)
		return;
	if (x->mig->interval_end)
		interval_end(x, v, now);
	machine_counters_reset(x->m);
	memset(x->writes, 0, x->guest_pages * sizeof *x->writes);
	while (x->next_reset <= now)
		x->next_reset += x->reset_cycles;
}

/* ---- first touch ---- */

int vmm_numa_first_node(struct vmm *x, uint64_t gppn, int toucher)
{
	int nnodes = machine_nnodes(x->m);
	int node;
	memset(x->first_replicas, 0, (size_t)nnodes);
	node = x->mig->first_touch(x->mig_st, gppn, toucher, x->first_replicas);
	return node >= 0 && node < nnodes ? node : -1;
}

void vmm_numa_first_copies(struct vmm *x, uint64_t gppn)
{
	for (int n = 0; n < machine_nnodes(x->m); n++)
		if (x->first_replicas[n] && pmap_replicate(x->pm, gppn, n) != PMAP_NONE)
			x->cnt.replications++;
}

int vmm_numa_setup(struct vmm *x, const cfg *c, const struct pol_profile *profile,
		   struct sim_err *err)
{
	const char *name = cfg_str(c, "policy.migration");
	const struct pol_migration_ops *mig = pol_find_migration(name);
	struct pol_mig_view mv = { 0 };
	int rc;
	if (!mig)
		return sim_errf(err, SIM_EINTERNAL, "policy.migration '%s' is not registered", name);
	if (!mig->decide && !mig->first_touch && !mig->interval_end && !mig->last_store)
		return SIM_OK;   /* moves nothing: no state, no hook */
	if (profile && (!(mig->flags & POL_MIG_READ_AHEAD) || profile->nnodes != machine_nnodes(x->m) ||
			profile->guest_pages != x->guest_pages))
		return sim_errf(err, SIM_EINTERNAL, "policy.migration '%s': the profile read ahead "
				"is not for it or of another machine", name);
	x->reset_cycles = (uint64_t)(cfg_real(c, "policy.migration.reset_us") * x->mc.clock_mhz + 0.5);
	mv.nnodes = machine_nnodes(x->m);
	mv.guest_pages = x->guest_pages;
	mv.interval_cycles = x->reset_cycles;
	mv.profile = profile;
	rc = mig->create(&x->mig_st, c, &mv, err);
	if (rc)
		return rc;
	x->mig = mig;
	x->writes = sim_calloc(x->guest_pages, sizeof *x->writes);
	x->moves = sim_calloc(x->guest_pages, sizeof *x->moves);
	x->first_replicas = sim_calloc((size_t)mv.nnodes, 1);
	if (!x->writes || !x->moves || !x->first_replicas)
		return sim_errf(err, SIM_ENOMEM, "out of memory for page-movement state");
	if (mig->last_store && profile) {
		x->run_writes = profile->writes;
		x->stores = sim_calloc(x->guest_pages, sizeof *x->stores);
		if (!x->stores)
			return sim_errf(err, SIM_ENOMEM, "out of memory for page-movement state");
	}
	if (!mig->decide && !mig->interval_end) {
		x->reset_cycles = 0;   /* no counters read: none restart */
		return SIM_OK;
	}
	x->next_reset = x->reset_cycles;
	if (mig->decide)
		machine_set_hot_hook(x->m, (uint32_t)cfg_int(c, "policy.migration.trigger"),
				     hot_hook, x);
	return SIM_OK;
}

void vmm_numa_free(struct vmm *x)
{
	if (x->mig && x->mig->destroy && x->mig_st)
		x->mig->destroy(x->mig_st);
	sim_free(x->writes);
	sim_free(x->write_snap);
	sim_free(x->stores);
	sim_free(x->moves);
	sim_free(x->first_replicas);
}

/*
 * The machine under an operating system: the state both modes share (the
 * pmap, placement, TLB fills, translation epochs) and its set-up.  The
 * mode-dependent operations are in monitor/native.c and monitor/emulate.c;
 * see monitor/vmm.h for the whole picture.
 *
 * Invariants (vmm_check verifies them; tests/replay/check_numa.c after
 * every step):
 *   (1) every TLB entry maps a current copy of the guest page it was
 *       filled for (vmm_tlb_fill; every change of a page's machine pages
 *       first drops its mappings, monitor/numa.c and monitor/moncall.c);
 *   (2) no TLB entry maps a replicated page writable (vmm_numa_copy_for);
 *   (3) the pmap and its memmap agree (pmap_check).
 */
#include <inttypes.h>
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"

int vmm_machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	uint64_t m;
	if (gppn >= x->guest_pages)
		return sim_errf(x->err, SIM_EINVAL,
				"guest physical page 0x%" PRIx64 " is beyond the VM's %" PRIu64
				" pages (vm.mem.size)", gppn, x->guest_pages);
	m = x->pmarr[gppn];
	if (m == PMAP_NONE) {
		int toucher = machine_cpu_node(x->m, v->cpu);
		int node = x->oracle ? vmm_numa_oracle_node(x, gppn) : -1;
		if (node < 0)
			node = x->place->node_for(x->place_st, gppn, toucher);
		m = pmap_assign(x->pm, gppn, node);
		if (m == PMAP_NONE)
			return sim_errf(x->err, SIM_EINVAL,
					"machine memory is full (machine.mem.size) placing guest page 0x%" PRIx64,
					gppn);
		x->cnt.pages_touched++;
		if (x->oracle)
			vmm_numa_oracle_replicas(x, gppn);
	}
	*mpn = m;
	return SIM_OK;
}

int vmm_tlb_fill(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn, int global,
		 const struct vmm_pte pte[2], struct tlb_entry *te)
{
	memset(te, 0, sizeof *te);
	te->vpn2 = vpn >> 1;
	te->asid = asid;
	te->global = (uint8_t)global;
	for (int h = 0; h < 2; h++) {
		int w = pte[h].writable;
		if (!pte[h].valid)
			continue;
		int rc = vmm_machine_page(x, v, pte[h].gppn, &te->pfn[h]);
		if (rc)
			return rc;
		if (x->mig) {
			int wok;
			te->pfn[h] = vmm_numa_copy_for(x, pte[h].gppn, machine_cpu_node(x->m, v->cpu), &wok);
			w = w && wok;
		}
		te->valid[h] = 1;
		te->dirty[h] = (uint8_t)w;
	}
	tlb_write_random(machine_tlb(x->m, v->cpu), te);
	vmm_bump_tlb_epoch(x, v->cpu);
	return SIM_OK;
}

int vmm_new(struct vmm **out, const struct vmm_ops *ops, const cfg *c, machine *m,
	    const struct machine_config *mc, int nvcpus, struct vmm_vcpu **vcpu,
	    uint64_t guest_pages, const struct vmm_oracle *oracle, struct sim_err *err)
{
	struct vmm *x = sim_calloc(1, sizeof *x);
	struct pol_place_view pv;
	uint64_t colors = 1;
	int rc;

	*out = NULL;
	if (!x)
		return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	x->ops = ops;
	x->m = m;
	x->mc = *mc;
	x->err = err;
	x->nvcpus = nvcpus;
	x->vcpu = vcpu;
	x->guest_pages = guest_pages;
	x->pshift = (unsigned)__builtin_ctzll(mc->page_size);
	x->pmask = mc->page_size - 1;
	x->line_d = mc->l1d.line;
	rc = vmm_costs_from_cfg(c, &x->k, err);
	if (rc)
		goto fail;
	if (cfg_int(c, "policy.placement.color") && mc->l2.size / mc->l2.ways > mc->page_size)
		colors = mc->l2.size / mc->l2.ways / mc->page_size;
	rc = pmap_new(&x->pm, guest_pages, machine_nnodes(m), machine_pages_per_node(m), colors, err);
	if (rc)
		goto fail;
	x->pmarr = pmap_array(x->pm);
	x->place = pol_find_placement(cfg_str(c, "policy.placement"));
	x->l2ops = pol_find_l2tlb(cfg_str(c, "policy.l2tlb"));
	if (!x->place || !x->l2ops) {
		rc = sim_errf(err, SIM_EINTERNAL, "setup: a policy named in the parameters is not registered");
		goto fail;
	}
	pv.nnodes = machine_nnodes(m);
	pv.guest_pages = guest_pages;
	rc = x->place->create(&x->place_st, c, &pv, err);
	if (rc)
		goto fail;
	x->tlb_epoch = sim_calloc((size_t)mc->ncpus, sizeof *x->tlb_epoch);
	if (!x->tlb_epoch) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
		goto fail;
	}
	if (ops == &vmm_disco_ops) {
		/* the monitor's L2TLB, one per vCPU */
		x->l2st = sim_calloc((size_t)nvcpus, sizeof *x->l2st);
		if (!x->l2st) {
			rc = sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
			goto fail;
		}
		for (int i = 0; i < nvcpus; i++) {
			rc = x->l2ops->create(&x->l2st[i], c, err);
			if (rc)
				goto fail;
		}
		rc = vmm_numa_setup(x, c, oracle, err);
		if (rc)
			goto fail;
	}
	*out = x;
	return SIM_OK;
fail:
	vmm_free(x);
	return rc;
}

void vmm_free(struct vmm *x)
{
	if (!x)
		return;
	if (x->l2st)
		for (int i = 0; i < x->nvcpus; i++)
			if (x->l2st[i] && x->l2ops->destroy)
				x->l2ops->destroy(x->l2st[i]);
	sim_free(x->l2st);
	if (x->place_st && x->place->destroy)
		x->place->destroy(x->place_st);
	vmm_numa_free(x);
	sim_free(x->tlb_epoch);
	pmap_free(x->pm);
	sim_free(x);
}

int vmm_check(const struct vmm *x)
{
	for (int c = 0; c < x->mc.ncpus; c++) {
		struct tlb *t = machine_tlb(x->m, c);
		for (int i = 0; i < tlb_entries(t); i++) {
			const struct tlb_entry *te = tlb_read(t, i);
			for (int h = 0; h < 2; h++) {
				uint64_t g;
				if (!te->valid[h])
					continue;
				g = pmap_owner(x->pm, te->pfn[h]);
				if (g == PMAP_NONE)
					return 0;   /* a freed machine page */
				if (pmap_copy_on(x->pm, g, pmap_node_of(x->pm, te->pfn[h])) != te->pfn[h])
					return 0;   /* not a current copy: (1) */
				if (te->dirty[h] && pmap_nreplicas(x->pm, g))
					return 0;   /* a replicated page mapped writable: (2) */
			}
		}
	}
	return pmap_check(x->pm);
}

/*
 * The machine under an operating system: the state both modes share (the
 * pmap, placement, TLB fills, what they tell the engine) and its set-up.  The
 * mode-dependent operations are in monitor/native.c and monitor/emulate.c;
 * see monitor/vmm.h for the whole picture.
 *
 * Invariants (vmm_check verifies them; tests/replay/check_numa.c after
 * every step):
 *   (1) every TLB entry maps a current copy of the guest page it was
 *       filled for (vmm_tlb_fill; every change of a page's machine pages
 *       first drops its mappings, monitor/numa.c and monitor/moncall.c);
 *   (2) no TLB entry maps a replicated page writable (vmm_numa_copy_for);
 *   (3) the pmap and its memmap agree (pmap_check);
 *   (4) the footprint's counts by block agree with every block the pmap
 *       has not flagged as changed (vmm_fp_check).
 */
#include <inttypes.h>
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"

/* vmm_machine_page() of a page not yet placed, or beyond the VM. */
static __attribute__((noinline)) int place_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	uint64_t m;
	if (gppn >= vm->pages)
		return sim_errf(x->err, SIM_EINVAL,
				"guest physical page 0x%" PRIx64 " is beyond the VM's %" PRIu64
				" pages (vm.mem.size)", gppn, vm->pages);
	gppn += vm->base;
	int toucher = machine_cpu_node(x->m, v->cpu);
	int node = x->mig && x->mig->first_touch ? vmm_numa_first_node(x, gppn, toucher) : -1;
	if (node < 0)
		node = x->place->node_for(x->place_st, gppn, toucher);
	m = pmap_assign(x->pm, gppn, node);
	if (m == PMAP_NONE)
		return sim_errf(x->err, SIM_EINVAL,
				"machine memory is full (machine.mem.size) placing guest page 0x%" PRIx64, gppn);
	x->cnt.pages_touched++;
	if (x->mig && x->mig->first_touch)
		vmm_numa_first_copies(x, gppn);
	if (x->owed_zero && x->owed_zero[gppn]) {
		x->owed_zero[gppn] = 0;
		vmm_zero_machine_page(x, v, m);
	}
	*mpn = m;
	return SIM_OK;
}

/* The common case, a page placed already, inline (the TLB fill's). */
static inline int machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	if (gppn < vm->pages && x->pmarr[vm->base + gppn] != PMAP_NONE) {
		*mpn = x->pmarr[vm->base + gppn];
		return SIM_OK;
	}
	return place_page(x, v, gppn, mpn);
}

int vmm_machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	return machine_page(x, v, gppn, mpn);
}

int vmm_page_warm(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	if (gppn >= vm->pages)
		return sim_errf(x->err, SIM_EINVAL, "warm-page marker for guest page 0x%" PRIx64
				", beyond the VM's %" PRIu64 " pages", gppn, vm->pages);
	if (x->owed_zero)
		x->owed_zero[vm->base + gppn] = 0;
	return SIM_OK;
}

int vmm_private_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	uint64_t g = x->vm[v->vm].base + gppn, old;
	if (!pmap_is_shared(x->pm, g))
		return vmm_machine_page(x, v, gppn, mpn);
	vmm_numa_unmap_all(x, g);
	*mpn = pmap_unshare(x->pm, g, machine_cpu_node(x->m, v->cpu), &old);
	if (*mpn == PMAP_NONE)
		return sim_errf(x->err, SIM_EINVAL, "machine memory is full (machine.mem.size) "
				"giving guest page 0x%" PRIx64 " a page of its own", gppn);
	vmm_pmap_changed(x);
	return SIM_OK;
}

int vmm_map_shared(struct vmm *x, struct vmm_vcpu *v, uint64_t g, uint64_t m)
{
	if (x->pmarr[g] == m)
		return SIM_OK;
	if (x->pmarr[g] != PMAP_NONE) {
		vmm_numa_unmap_all(x, g);
		pmap_release(x->pm, g);
	}
	if (pmap_share(x->pm, g, m))
		return sim_errf(x->err, SIM_EINTERNAL, "machine page 0x%" PRIx64 " cannot be shared", m);
	vmm_pmap_changed(x);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.cow_map);
	return SIM_OK;
}

void vmm_prefetch_fill(const struct vmm *x, const struct vmm_vcpu *v, const struct vmm_pte pte[2])
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	for (int h = 0; h < 2; h++)
		if (pte[h].valid && pte[h].gppn < vm->pages)
			pmap_prefetch_guest(x->pm, vm->base + pte[h].gppn);
}

int vmm_tlb_fill(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn, int global,
		 const struct vmm_pte pte[2], struct tlb_entry *te)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	memset(te, 0, sizeof *te);
	te->vpn2 = vpn >> 1;
	te->asid = asid;
	te->global = (uint8_t)global;
	for (int h = 0; h < 2; h++) {
		int w = pte[h].writable;
		uint64_t g = vm->base + pte[h].gppn;
		if (!pte[h].valid)
			continue;
		if (pmap_is_shared(x->pm, g))
			w = 0;   /* shared: read-only, a store takes a copy-on-write fault */
		int rc = machine_page(x, v, pte[h].gppn, &te->pfn[h]);
		if (rc)
			return rc;
		if (x->mig) {
			int wok;
			te->pfn[h] = vmm_numa_copy_for(x, g, machine_cpu_node_inline(x->m, v->cpu), &wok);
			w = w && wok;
		}
		te->valid[h] = 1;
		te->dirty[h] = (uint8_t)w;
		pmap_prefetch_machine(x->pm, te->pfn[h]);   /* the replay's next question */
	}
	uint64_t gone;
	tlb_replace_random(machine_tlb(x->m, v->cpu), te, &gone);
	vmm_tlb_replaced(x, v->cpu, te->vpn2, gone);
	return SIM_OK;
}

int vmm_new(struct vmm **out, const struct vmm_ops *ops, const cfg *c, machine *m,
	    const struct machine_config *mc, int nvcpus, struct vmm_vcpu **vcpu, int nvms,
	    const int *vm_vcpus, const uint64_t *vm_pages, const struct pol_profile *profile,
	    struct sim_err *err)
{
	struct vmm *x = sim_calloc(1, sizeof *x);
	struct pol_place_view pv;
	uint64_t colors = 1, guest_pages = 0;
	int rc, first = 0;

	*out = NULL;
	if (!x || !(x->vm = sim_calloc((size_t)nvms, sizeof *x->vm))) {
		sim_free(x);
		return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	}
	x->nvms = nvms;
	x->ops = ops;
	x->m = m;
	x->mc = *mc;
	x->err = err;
	x->nvcpus = nvcpus;
	x->vcpu = vcpu;
	x->pshift = (unsigned)__builtin_ctzll(mc->page_size);
	x->pmask = mc->page_size - 1;
	x->line_d = mc->l1d.line;
	rc = vmm_costs_from_cfg(c, &x->k, err);
	if (rc)
		goto fail;
	if (cfg_int(c, "policy.placement.color") && mc->l2.size / mc->l2.ways > mc->page_size)
		colors = mc->l2.size / mc->l2.ways / mc->page_size;
	for (int k = 0; k < nvms; k++) {
		struct vmm_vm *vm = &x->vm[k];
		vm->base = (guest_pages + colors - 1) / colors * colors;
		vm->pages = vm_pages[k];
		vm->first_vcpu = first;
		vm->nvcpus = vm_vcpus[k];
		for (int i = first; i < first + vm_vcpus[k]; i++)
			vcpu[i]->vm = k;
		first += vm_vcpus[k];
		guest_pages = vm->base + vm->pages;
	}
	x->guest_pages = guest_pages;
	x->gpage = sim_calloc(guest_pages ? guest_pages : 1, 1);
	x->mcat = sim_calloc(machine_npages(m) ? machine_npages(m) : 1, 1);
	if (!x->gpage || !x->mcat) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
		goto fail;
	}
	if (ops == &vmm_disco_ops &&
	    !(x->owed_zero = sim_calloc(guest_pages ? guest_pages : 1, 1))) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
		goto fail;
	}
	if (ops == &vmm_disco_ops) {
		uint64_t gp = 0, l2n = strcmp(cfg_str(c, "policy.l2tlb"), "off") ?
				      (uint64_t)cfg_int(c, "policy.l2tlb.entries") : 0;
		for (int k = 0; k < nvms; k++)
			gp += x->vm[k].pages;
		x->own_bytes = (uint64_t)cfg_int(c, "monitor.mem.text") * (uint64_t)machine_nnodes(m) +
			       (uint64_t)cfg_int(c, "monitor.mem.pmap_entry") * gp +
			       (uint64_t)cfg_int(c, "monitor.mem.memmap_entry") * machine_npages(m) +
			       (uint64_t)nvcpus * ((uint64_t)cfg_int(c, "monitor.mem.vcpu") +
						   (uint64_t)cfg_int(c, "monitor.mem.l2tlb_entry") * l2n);
	}
	x->line_i = mc->l1i.line;
	x->mon_g0 = (guest_pages + colors - 1) / colors * colors;
	if (ops == &vmm_disco_ops && x->k.paths_machine) {
		uint64_t l2n = strcmp(cfg_str(c, "policy.l2tlb"), "off") ?
				       (uint64_t)cfg_int(c, "policy.l2tlb.entries") : 0;
		x->mon_vcpu_bytes = (uint32_t)cfg_int(c, "monitor.mem.vcpu");
		x->mon_entry_bytes = (uint32_t)cfg_int(c, "monitor.mem.l2tlb_entry");
		x->mon_text = ((uint64_t)cfg_int(c, "monitor.mem.text") + x->pmask) >> x->pshift;
		if (x->mon_text == 0 || x->mon_vcpu_bytes < 128) {
			rc = sim_errf(err, SIM_EINVAL, "monitor.paths = machine runs the monitor's code "
				      "from its text and keeps each vCPU's registers in 128 bytes, but "
				      "monitor.mem.text is %s and monitor.mem.vcpu %s",
				      cfg_str(c, "monitor.mem.text"), cfg_str(c, "monitor.mem.vcpu"));
			goto fail;
		}
		x->mon_vcpu = (x->mon_vcpu_bytes + l2n * x->mon_entry_bytes + x->pmask) >> x->pshift;
		x->mon_pmap_bytes = (uint32_t)cfg_int(c, "monitor.mem.pmap_entry");
		x->mon_memmap_bytes = (uint32_t)cfg_int(c, "monitor.mem.memmap_entry");
		x->mon_pmap = (guest_pages * x->mon_pmap_bytes + x->pmask) >> x->pshift;
		x->mon_memmap = (machine_npages(m) * x->mon_memmap_bytes + x->pmask) >> x->pshift;
		x->mon_k_vcpu = (uint64_t)machine_nnodes(m) * x->mon_text;
		x->mon_k_pmap = x->mon_k_vcpu + (uint64_t)nvcpus * x->mon_vcpu;
		x->mon_k_memmap = x->mon_k_pmap + x->mon_pmap;
	}
	rc = pmap_new(&x->pm, x->mon_g0 + x->mon_text * (uint64_t)machine_nnodes(m) +
			      x->mon_vcpu * (uint64_t)nvcpus + x->mon_pmap + x->mon_memmap,
		      machine_nnodes(m), machine_pages_per_node(m), colors, err);
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
	x->ncpus = mc->ncpus;
	rc = vmm_vnet_new(x, c, err);
	if (rc)
		goto fail;
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
		rc = vmm_numa_setup(x, c, profile, err);
		if (rc)
			goto fail;
		rc = vmm_diskcache_new(x, c, err);
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
	pmap_free(x->pm);
	sim_free(x->vm);
	sim_free(x->gpage);
	sim_free(x->owed_zero);
	sim_free(x->mcat);
	vmm_fpcache_free(x);
	vmm_diskcache_free(x);
	vmm_vnet_free(x);
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
				if (g == PMAP_SHARED) {
					if (te->dirty[h])
						return 0;   /* a shared page mapped writable */
					continue;
				}
				if (pmap_copy_on(x->pm, g, pmap_node_of(x->pm, te->pfn[h])) != te->pfn[h])
					return 0;   /* not a current copy: (1) */
				if (te->dirty[h] && pmap_nreplicas(x->pm, g))
					return 0;   /* a replicated page mapped writable: (2) */
			}
		}
	}
	return pmap_check(x->pm) && vmm_fp_check(x);
}

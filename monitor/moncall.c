/*
 * Monitor calls (paper 4.3.3): the services a Disco-aware HAL asks of the
 * monitor instead of doing the work itself.
 *   zeroed page   the monitor zeroes the page for the guest (one store per
 *                 L1 line through the caches, one instruction per 8 bytes),
 *                 so the guest need not;
 *   page freed    the monitor takes the page's machine memory back at once
 *                 (reclaim); the machine page the guest page gets next is
 *                 zeroed first (vmm_machine_page), unless a zeroed-page call
 *                 zeroes it anyway or a DMA overwrites all of it
 *                 (vmm_dma_fragment);
 *   remap         the HAL's bcopy of a whole page (NFS's copy from an mbuf
 *                 into the buffer cache, 4.3.4) done by mapping the source's
 *                 machine page read-only into the destination
 *                 (vmm_remap_page, monitor/vnet.c);
 *   others        (idle) cost the call's entry and exit.
 */
#include <inttypes.h>

#include "monitor/vmm.h"
#include "traces/record.h"

/* The monitor takes guest page gppn's machine pages back: every TLB and
 * L2TLB entry that maps a copy goes, and the pages return to their nodes'
 * free lists.  The caches keep the pages' lines: a reclaim changes the
 * monitor's tables only (4.3.3: Disco "can immediately reclaim the
 * memory"), and on a machine whose caches are coherent and physically
 * tagged nothing needs writing back or invalidating before the page is
 * used again; the isolation zero that follows overwrites it.  So a page
 * the guest frees and takes back soon (its free list is a stack, as the
 * monitor's per-color lists are) is zeroed warm under the monitor as it is
 * natively, where the guest's own bzero finds the lines it left. */
static void reclaim(struct vmm *x, uint64_t gppn)
{
	if (x->pmarr[gppn] == PMAP_NONE)
		return;
	vmm_numa_unmap_all(x, gppn);
	pmap_release(x->pm, gppn);
	vmm_pmap_changed(x);
	x->cnt.pages_reclaimed++;
	x->owed_zero[gppn] = 1;
}

void vmm_zero_machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t mpn)
{
	for (uint64_t off = 0; off <= x->pmask; off += x->line_d) {
		vcpu_ref(v, x->m, (mpn << x->pshift) | off, MACH_STORE, ACCT_MONITOR, ACCT_SPLIT_MONITOR);
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->line_d / 8);
	}
}

static int zero_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	uint64_t mpn, size = x->pmask + 1;
	if (gppn < x->vm[v->vm].pages)   /* else vmm_machine_page says what is wrong */
		x->owed_zero[x->vm[v->vm].base + gppn] = 0;   /* zeroed here, once */
	for (uint64_t off = 0; off < size; off += x->line_d) {
		int rc = vmm_machine_page(x, v, gppn, &mpn);
		if (rc)
			return rc;
		vcpu_ref(v, x->m, (mpn << x->pshift) | off, MACH_STORE, ACCT_MONITOR, ACCT_SPLIT_MONITOR);
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->line_d / 8);
	}
	return SIM_OK;
}

int vmm_disco_moncall(struct vmm *x, struct vmm_vcpu *v, unsigned call, uint64_t arg,
		      uint64_t arg2)
{
	int rc;
	x->cnt.moncalls++;
	if ((rc = vmm_moncall_enter(x, v)))
		return rc;
	if (call == TRC_MC_PAGE_FREED) {
		const struct vmm_vm *vm = &x->vm[v->vm];
		if (arg >= vm->pages)
			return sim_errf(x->err, SIM_EINVAL, "page-freed hint for guest page 0x%" PRIx64
					", beyond the VM's %" PRIu64 " pages", arg, vm->pages);
		reclaim(x, vm->base + arg);
	}
	if (call == TRC_MC_ZERO_PAGE)
		return zero_page(x, v, arg);
	if (call == TRC_MC_REMAP)
		return vmm_remap_page(x, v, arg, arg2);
	return SIM_OK;
}

/*
 * The machine under the monitor (paper 4.2.1-4.2.3, 4.3.1; DESIGN 5): what
 * Disco does between the guest and the hardware, each at its cost from the
 * cost table (monitor/costs.c).
 *
 * TLB misses.  The monitor takes every TLB miss first and probes the vCPU's
 * second-level software TLB (the L2TLB, organized by policy.l2tlb): a hit
 * writes the TLB and returns to the guest, which never sees the miss; a miss
 * is reflected into the guest's own refill handler, whose tlbwr the monitor
 * emulates: pmap lookup, TLB write, L2TLB insert, and a backmap so the
 * mapping can be found again when the machine page changes (4.2.2).
 *
 * The unmapped kernel segment.  IRIX 5.3's KSEG0 bypasses the TLB on bare
 * hardware; on Disco the kernel is relinked to mapped supervisor space at
 * VMM_KSEG0_RELOC_VA, so its references miss in the TLB and the monitor
 * fills them (kernel TLB faults, 4.3.1).
 *
 * Traps and privileged instructions are reflected or emulated; a CPU that
 * changes vCPU flushes its TLB (no ASID virtualization, 4.2.1).
 */
#include "monitor/vmm.h"
#include "traces/record.h"

static int disco_tlb_miss(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			  const struct vmm_pte pte[2])
{
	uint64_t mpn;
	int w;
	if (x->l2ops->lookup(x->l2st[v->id], asid, vpn, &mpn, &w)) {
		struct tlb_entry te;
		/* served by the monitor alone: never enters the guest */
		x->cnt.l2tlb_hits++;
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.tlb_refill);
		int rc = vmm_tlb_fill(x, v, asid, vpn, pte[vpn & 1].global, pte, &te);
		return rc ? rc : 1;
	}
	x->cnt.l2tlb_misses++;
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.l2tlb_miss);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_OTHER_PRIV, x->k.trap_reflect);
	return 0;
}

/* What an emulated TLB write does once charged: pmap lookup, the pair into
 * the TLB and into the L2TLB, and a backmap per page so the mapping can be
 * found again when the machine page changes. */
static int disco_tlb_put(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			 const struct vmm_pte pte[2])
{
	struct tlb_entry te;
	int rc = vmm_tlb_fill(x, v, asid, vpn,
			      pte[pte[vpn & 1].valid ? vpn & 1 : !(vpn & 1)].global, pte, &te);
	if (rc)
		return rc;
	for (int h = 0; h < 2; h++)
		if (pte[h].valid) {
			uint64_t hv = (vpn & ~1ull) | (uint64_t)h;
			x->l2ops->insert(x->l2st[v->id], asid, hv, te.pfn[h], te.dirty[h]);
			if (pmap_backmap_add(x->pm, pte[h].gppn, asid, hv) != SIM_OK)
				return sim_errf(x->err, SIM_ENOMEM, "out of memory for backmaps");
		}
	return SIM_OK;
}

/* The refill handler's tlbwr, emulated; then its eret. */
static int disco_tlb_write(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			   const struct vmm_pte pte[2])
{
	int rc;
	x->cnt.priv_emulated += 2;
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.tlb_write);
	rc = disco_tlb_put(x, v, asid, vpn, pte);
	if (rc)
		return rc;
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_OTHER_PRIV, x->k.priv);
	return SIM_OK;
}

/* A TLB miss on the relocated kernel segment: the monitor maps guest
 * physical page g at virtual page VMM_KSEG0_RELOC_VA / page + g, globally. */
static int ktlb_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	struct vmm_pte pair[2] = {
		{ .gppn = gppn & ~1ull, .valid = 1, .writable = 1 },
		{ .gppn = gppn | 1, .valid = (gppn | 1) < x->vm[v->vm].pages, .writable = 1 },
	};
	struct tlb_entry te;
	x->cnt.tlb_misses++;
	x->cnt.ktlb_faults++;
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_KTLB, x->k.ktlb_fault);
	return vmm_tlb_fill(x, v, 0, (VMM_KSEG0_RELOC_VA >> x->pshift) + gppn, 1, pair, &te);
}

static int disco_kseg0(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn,
		       int *writable)
{
	uint64_t rvpn = (VMM_KSEG0_RELOC_VA >> x->pshift) + gppn;
	struct tlb *t = machine_tlb(x->m, v->cpu);
	if (tlb_lookup(t, v->asid, rvpn, mpn, writable))
		return SIM_OK;
	int rc = ktlb_fault(x, v, gppn);
	if (rc)
		return rc;
	if (!tlb_lookup(t, v->asid, rvpn, mpn, writable))
		return sim_errf(x->err, SIM_EINTERNAL, "translate: kernel TLB fill did not stick");
	return SIM_OK;
}

static void disco_trap(struct vmm *x, struct vmm_vcpu *v)
{
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_OTHER_PRIV, x->k.trap_reflect);
}

static void disco_priv(struct vmm *x, struct vmm_vcpu *v, unsigned kind)
{
	int tlbw = kind == TRC_PRIV_TLBWR || kind == TRC_PRIV_TLBWI;
	x->cnt.priv_emulated++;
	vcpu_spend(v, ACCT_MONITOR, tlbw ? ACCT_SPLIT_TLB_WRITE : ACCT_SPLIT_OTHER_PRIV,
		   tlbw ? x->k.tlb_write : x->k.priv);
}

static int disco_dma(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector,
		     uint64_t count, int write, uint64_t *done_at)
{
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.dma);
	return vmm_diskcache_request(x, v, disk, sector, count, write, done_at);
}

static void disco_vcpu_switch(struct vmm *x, struct vmm_vcpu *v, int cpu)
{
	tlb_flush(machine_tlb(x->m, cpu));
	vmm_bump_tlb_epoch(x, cpu);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.vcpu_switch);
}

/* The guest's invalidation, which the monitor sees and follows in every
 * L2TLB too. */
static void disco_pte_changed(struct vmm *x, uint32_t asid, uint64_t vpn)
{
	vmm_native_ops.pte_changed(x, asid, vpn);
	for (int i = 0; i < x->nvcpus; i++)
		x->l2ops->invalidate(x->l2st[i], asid, vpn);
}

const struct vmm_ops vmm_disco_ops = {
	.name = "disco",
	.tlb_miss = disco_tlb_miss,
	.tlb_write = disco_tlb_write,
	.tlb_put = disco_tlb_put,
	.kseg0 = disco_kseg0,
	.trap = disco_trap,
	.priv = disco_priv,
	.moncall = vmm_disco_moncall,
	.dma = disco_dma,
	.vcpu_switch = disco_vcpu_switch,
	.pte_changed = disco_pte_changed,
};

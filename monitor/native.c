/*
 * The machine under a native OS: no monitor (DESIGN 3).  TLB writes go
 * straight into the TLB, the unmapped kernel segment bypasses the TLB,
 * a privileged instruction costs guest.cost.priv, a trap enters the kernel
 * at guest.cost.exception, and a Disco-aware HAL's monitor call costs
 * nothing (the trace then lacks the work the call replaced).  The uma mode
 * is this with every miss at local latency (the machine's business).
 */
#include "monitor/vmm.h"

static int native_tlb_miss(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			   const struct vmm_pte pte[2])
{
	vcpu_spend(v, ACCT_KERNEL, ACCT_SPLIT_KERNEL, x->k.exception);
	return 0;
}

static int native_tlb_write(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			    const struct vmm_pte pte[2])
{
	struct tlb_entry te;
	vcpu_spend(v, ACCT_KERNEL, ACCT_SPLIT_KERNEL, 2ull * x->k.priv_native);   /* tlbwr, eret */
	return vmm_tlb_fill(x, v, asid, vpn, pte[vpn & 1].global, pte, &te);
}

static int native_tlb_put(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			  const struct vmm_pte pte[2])
{
	struct tlb_entry te;
	return vmm_tlb_fill(x, v, asid, vpn, pte[pte[vpn & 1].valid ? vpn & 1 : !(vpn & 1)].global,
			    pte, &te);
}

static int native_kseg0(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn,
			int *writable)
{
	*writable = 1;
	return vmm_machine_page(x, v, gppn, mpn);
}

static int native_trap(struct vmm *x, struct vmm_vcpu *v)
{
	vcpu_spend(v, ACCT_KERNEL, ACCT_SPLIT_KERNEL, x->k.exception);
	return SIM_OK;
}

static int native_priv(struct vmm *x, struct vmm_vcpu *v, unsigned kind)
{
	vcpu_spend(v, v->idle ? ACCT_IDLE : ACCT_KERNEL, ACCT_SPLIT_KERNEL, x->k.priv_native);
	return SIM_OK;
}

static int native_moncall(struct vmm *x, struct vmm_vcpu *v, unsigned call, uint64_t arg,
			  uint64_t arg2)
{
	return SIM_OK;
}

static int native_dma(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector,
		      uint64_t count, int write, uint64_t *done_at)
{
	*done_at = UINT64_MAX;
	return SIM_OK;
}

static void native_vcpu_switch(struct vmm *x, struct vmm_vcpu *v, int cpu) {}

/* The guest's own invalidation: every TLB forgets (asid, vpn). */
static void native_pte_changed(struct vmm *x, uint32_t asid, uint64_t vpn)
{
	for (int c = 0; c < x->mc.ncpus; c++)
		tlb_invalidate(machine_tlb(x->m, c), asid, vpn);
	vmm_tlb_replaced(x, -1, vpn >> 1, TLB_NO_PAIR);
}

const struct vmm_ops vmm_native_ops = {
	.name = "native",
	.tlb_miss = native_tlb_miss,
	.tlb_write = native_tlb_write,
	.tlb_put = native_tlb_put,
	.kseg0 = native_kseg0,
	.trap = native_trap,
	.priv = native_priv,
	.moncall = native_moncall,
	.dma = native_dma,
	.vcpu_switch = native_vcpu_switch,
	.pte_changed = native_pte_changed,
};

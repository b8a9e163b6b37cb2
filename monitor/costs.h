/*
 * The monitor's cost table (DESIGN 5): cycles charged for each emulated
 * operation, and the native guest's own trap costs that the engine needs to
 * synthesize the guest's TLB refill.  Parameters monitor.cost.* and guest.*;
 * each default states its source.
 */
#ifndef MONITOR_COSTS_H
#define MONITOR_COSTS_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

struct vmm_costs {
	/* monitor (cycles) */
	uint32_t tlb_refill;      /* TLB miss served from the L2TLB: trap, probe, write, return */
	uint32_t l2tlb_miss;      /* probing the L2TLB in vain before reflecting the miss */
	uint32_t trap_reflect;    /* reflect an exception or interrupt into the guest */
	uint32_t tlb_write;       /* emulate tlbwr/tlbwi: pmap lookup, TLB and L2TLB update */
	uint32_t priv;            /* emulate any other privileged instruction (eret included) */
	uint32_t ktlb_fault;      /* TLB miss on the relocated unmapped kernel segment */
	uint32_t moncall;         /* enter and leave the monitor for a monitor call */
	uint32_t dma;             /* intercept and forward one DMA request */
	uint32_t vcpu_switch;     /* save/restore a vCPU, flush the TLB */
	uint32_t hot_intr;        /* take a hot-page counter interrupt and ask the policy */
	uint32_t shootdown;       /* one inter-processor interrupt of a TLB shootdown */
	uint32_t page_move;       /* pmap/memmap bookkeeping of a migration, replication or collapse */
	uint32_t cow_map;         /* map one cached disk block read-only into a guest */
	/* the monitor's L2TLB path as code and data on the machine
	 * (monitor.paths = machine; monitor/emulate.c) */
	int paths_machine;
	uint32_t l2tlb_probe;     /* instructions before the set's ways are compared */
	uint32_t l2tlb_way;       /* instructions per way compared */
	uint32_t l2tlb_hit;       /* instructions from a hit to the return to the guest */
	uint32_t path_reflect;    /* instructions: reflect a trap into the guest */
	uint32_t path_priv;       /* instructions: emulate a privileged instruction */
	uint32_t path_tlb_write;  /* instructions: emulate a TLB write */
	uint32_t path_ktlb;       /* instructions: fill a kernel-segment TLB fault */
	uint32_t path_moncall;    /* instructions: a monitor call's entry and dispatch */
	/* native guest (cycles) */
	uint32_t exception;       /* exception entry and return on bare hardware */
	uint32_t utlb_insns;      /* the guest's UTLB refill handler, less tlbwr and eret */
	uint32_t priv_native;     /* a privileged instruction on bare hardware */
};

int vmm_costs_from_cfg(const cfg *c, struct vmm_costs *k, struct sim_err *err);

extern const struct param_table monitor_param_table;

#endif

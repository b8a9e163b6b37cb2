/*
 * A virtual CPU as the monitor sees it (paper 4.2.1; DESIGN 5): its clock,
 * the CPU it runs on, its VM, the guest's current ASID, and the stack of open
 * services its time is charged to.  The engine's per-stream state embeds one
 * (replay/engine_int.h); the monitor never sees the rest.
 */
#ifndef MONITOR_VCPU_H
#define MONITOR_VCPU_H

#include <stdint.h>

#include "machine/hit.h"
#include "machine/machine.h"
#include "monitor/acct.h"

#define VCPU_SVC_DEPTH 16

struct vmm_vcpu {
	uint64_t clock;              /* cycles */
	int cpu;                     /* the CPU it runs on now */
	int id;                      /* index among the machine's vCPUs (= trace stream) */
	int vm;                      /* the virtual machine it belongs to */
	uint32_t asid;               /* the guest's current address space */
	int idle;                    /* the guest is in its idle loop */
	int depth;                   /* open services, possibly more than VCPU_SVC_DEPTH */
	uint16_t svc[VCPU_SVC_DEPTH];
	struct acct *acct;           /* where its time goes */
};

/* Charge cyc cycles of category cat to v (and its CPU), and to its innermost
 * service under split part `part`, without moving v's clock: for a caller
 * that moved it step by step and charges the steps at once (sums of
 * counters nothing reads in between). */
static inline void vcpu_charge(struct vmm_vcpu *v, int cat, int part, uint64_t cyc)
{
	v->acct->cpu[v->cpu].cycles[cat] += cyc;
	if (v->depth > 0 && cat != ACCT_IDLE) {
		struct acct_service *s = &v->acct->service[v->svc[v->depth - 1]];
		s->cycles += cyc;
		s->split[part] += cyc;
	}
}

/* Spend cyc cycles: v's clock moves on and they are charged. */
static inline void vcpu_spend(struct vmm_vcpu *v, int cat, int part, uint64_t cyc)
{
	v->clock += cyc;
	vcpu_charge(v, cat, part, cyc);
}

/* Charge a memory stall the machine reported (machine_ref's `where`). */
static inline void vcpu_stall(struct vmm_vcpu *v, int cat, int part, uint32_t cyc, unsigned where)
{
	struct acct_cpu *c = &v->acct->cpu[v->cpu];
	if (!cyc)
		return;
	if ((where & MACH_WHERE_MASK) == MACH_REMOTE)
		c->stall_remote[cat] += cyc;
	else
		c->stall_local[cat] += cyc;
	if (where & MACH_COMM)
		c->stall_comm[cat] += cyc;
	if ((where & MACH_WHERE_MASK) == MACH_LOCAL)
		c->misses_local++;
	else if ((where & MACH_WHERE_MASK) == MACH_REMOTE)
		c->misses_remote++;
	vcpu_spend(v, cat, part, cyc);
}

/* One reference by v to machine byte address maddr, its stall charged to
 * cat/part. */
static inline __attribute__((always_inline)) void vcpu_ref(struct vmm_vcpu *v, machine *m, uint64_t maddr,
							  int kind, int cat, int part)
{
	unsigned where;
	uint32_t st = machine_ref_inline(m, v->cpu, maddr, kind, v->clock, &where);
	vcpu_stall(v, cat, part, st, where);
}

#endif

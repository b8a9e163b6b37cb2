/*
 * Internal to replay/: the engine's state, shared by engine.c (the loop and
 * the records) and profile.c (the read-ahead of a migration policy).
 */
#ifndef REPLAY_ENGINE_INT_H
#define REPLAY_ENGINE_INT_H

#include <stdint.h>

#include "base/idtab.h"
#include "machine/machine.h"
#include "monitor/vmm.h"
#include "policies/policy.h"
#include "replay/gpt.h"
#include "replay/replay.h"



#define KSEG0_MASK 0x1fffffffull
#define PTE_BYTES RPL_PTE_BYTES

enum { V_RUN, V_WAIT_LOCK, V_WAIT_SEM, V_WAIT_IO, V_WAIT_NET, V_WAIT_PHASE, V_DONE };

/* A translation the engine remembers per vCPU and kind (instruction, data):
 * valid while its CPU's TLB, the pmap and the vCPU's ASID have not changed.
 * The monitor reports every change to a TLB or the pmap (vmm->forget_pairs
 * and forget_all: xl_forget, xl_forget_all), a TLB replacement or a guest
 * invalidation naming the pairs it changed, whose pages alone are
 * forgotten; an ASID record forgets the vCPU's mapped pages.  So a lookup
 * compares the key only.  Not
 * a model structure: the TLB has no replacement state that a lookup
 * changes, so skipping a lookup that would hit is exact.  XL_WAYS of them
 * per kind, direct-mapped by virtual page: a guest going back and forth
 * between a few pages (code and stack, stack and heap, user and kernel)
 * finds each remembered. */
#define XL_WAYS 8
struct xlate {
	uint64_t key;                /* XL_KEY(vpn, kseg0); 0: empty */
	uint64_t mpn;
	uint64_t gppn;               /* the guest page behind mpn */
	uint64_t epoch;              /* the plain mode's only: e->pte_gen and the */
	uint32_t asid;               /* ASID it was looked up under */
	uint8_t writable;            /* the TLB entry allows stores */
};
/* The page and the segment in one word, never 0: one compare checks both. */
#define XL_KEY(vpn, kseg0) ((uint64_t)(vpn) << 2 | (uint64_t)(kseg0) << 1 | 1)

/* One record stream: the monitor's vCPU (m) and what the engine needs to
 * run it. */
struct vcpu {
	struct vmm_vcpu m;
	int state;
	uint32_t wait_id;
	uint64_t wait_since;
	const struct trc_rec *recs;
	size_t nrecs, pos;
	uint64_t recno;              /* stream index of recs[pos] */
	int frag_of;                 /* TRC_DMA_REQ / TRC_NET_*: FRAGs that follow belong to it */
	int frag_write;
	int lock_granted;            /* a releaser handed it the lock it waits for */
	int booted;                  /* it passed the boot's end (phase marker 1) */
	struct xlate xl[2][XL_WAYS];  /* [kind][vpn % XL_WAYS] */
	struct vcpu *next_waiter;
	uint8_t *touched;            /* SPLASHOS VM: [its pages] 1 once this vCPU touched the page
				      * (its monitor page fault is behind it), else NULL */
	/* Completion interrupts (RPL_MARK_INTR): handlers read ahead with their
	 * request and held until the disk is done; intr_next is the earliest
	 * done of them (UINT64_MAX: none).  While one runs (in_intr) recs
	 * points at its records and the stream's place is saved. */
	struct intr { uint32_t id; uint64_t done; struct trc_rec *recs; size_t n; } *intr;
	size_t nintr, intr_cap;
	uint64_t intr_next;
	int in_intr;
	struct trc_rec *intr_recs;   /* the running handler's records (owned) */
	const struct trc_rec *save_recs;
	size_t save_nrecs, save_pos;
	uint64_t save_recno;
	int save_idle;
};

struct waitq { struct vcpu *head, *tail; };

struct lock { uint32_t id; int owner; struct waitq q; };    /* owner -1: free */
struct sem { uint32_t id; int64_t count; struct waitq q; };
/* A DMA request's state: new (or its id reused), issued (its completion
 * time known), or its completion consumed by a dma.done. */
enum dma_state { DMA_NEW = 0, DMA_ISSUED, DMA_CONSUMED };
struct dma { uint32_t id; enum dma_state state; uint64_t done; struct waitq q; };
struct netwait { uint32_t id; struct waitq q; };   /* id: source VM << 24 | message id */

struct eng {
	const struct rpl_source *src;
	int mode;
	machine *m;
	struct plain *plain;         /* plain mode: the caches references go to, else NULL */
	int plain_din;               /* plain.din */
	int plain_flush;             /* plain.flush */
	uint64_t pte_gen;            /* bumped by every PTE record: plain mode's translations */
	struct machine_config mc;
	struct vmm *vmm;             /* the machine under the OS: native or the monitor */
	const struct vmm_ops *ops;   /* vmm->ops */
	const struct pol_sched_ops *sched;
	void *sched_st;
	int nvcpus, ncpus;
	struct vcpu *v;
	struct vmm_vcpu **vp;        /* [nvcpus] &v[i].m, for the monitor */
	int *cpu_last_vcpu;          /* [ncpus] the vCPU a CPU ran last, -1 none */
	struct gpt gpt;
	struct gpt ptp;              /* (asid, page-table index) -> the guest page holding those
				      * PTEs (RPL_MARK_PT_PAGE); none: the pool */
	struct vmsync { struct idtab locks, sems, dmas, nets; } *sync;   /* [nvms]: ids are per VM */
	unsigned pshift;
	uint64_t pmask;
	uint64_t quantum;
	uint64_t max_insn_run;       /* replay.max_insn_run */
	int nvms;                    /* virtual machines (vm.vcpus) */
	int *vm_vcpus;               /* [nvms] the VM map, as vmm_new takes it; */
	uint64_t *vm_pages;          /* [nvms] after set-up vmm->vm[] holds both */
	uint8_t *vm_splashos;        /* [nvms] 1: the VM runs SPLASHOS (vm.os), no page tables */
	uint64_t pt_pool;
	uint32_t line_i;             /* L1 instruction line size */
	/* the TLB's virtual pages that map KSEG0 ([kseg0_vpn, + kseg0_pages):
	 * the monitor's relocation; none natively), for xl_forget */
	uint64_t kseg0_vpn, kseg0_pages;
	struct acct acct;            /* res's tables */
	uint64_t next_sample;        /* cycle of the next footprint sample */
	int after_boot;              /* replay.measure = after-boot */
	int nbooted;                 /* vCPUs at the boot's end */
	struct waitq boot_q;         /* those waiting there for the others */
	size_t samples_cap;
	struct rpl_results *res;
	rpl_progress_fn progress;
	void *progress_ctx;
	uint64_t next_progress;
	struct sim_err *err;
	int checking;                /* set up only, for rpl_check: no read-ahead profile needed */
};

/* replay/engine.c */
struct eng *rpl_engine_state(rpl_engine *x);

/* replay/profile.c: a read-ahead profile as the monitor reads it. */
const struct pol_profile *rpl_profile_view(const struct rpl_profile *p);

#endif

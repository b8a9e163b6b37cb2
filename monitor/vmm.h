/*
 * The machine under an operating system: natively, or under the monitor
 * (paper 4.2; DESIGN 3, 5).  The replay engine synthesizes what the guest
 * does; whatever differs between a guest on bare hardware and a guest in a
 * virtual machine goes through one ops table, as Redis's ae backends and
 * Linux's mempolicy ops do:
 *   vmm_native_ops  no monitor: TLB writes go straight into the TLB, the
 *                   unmapped kernel segment bypasses it, a privileged
 *                   instruction costs a cycle, traps enter the kernel;
 *   vmm_disco_ops   Disco: the L2TLB (monitor/l2tlb.c), TLB-write and
 *                   privileged-instruction emulation, trap reflection, the
 *                   relocated kernel segment (monitor/emulate.c), monitor
 *                   calls (monitor/moncall.c), page migration and
 *                   replication (monitor/numa.c).
 * Both place guest physical pages on machine pages through the pmap
 * (monitor/pmap.h): natively that is the OS's own physical layout, whose
 * placement policy stands for the OS's allocator.
 *
 * Interface:
 *   vmm_new / vmm_free          build and release the state
 *   vmm->ops->...               the mode-dependent operations below
 *   vmm_machine_page            guest physical -> machine page, placed at
 *                               first touch
 *   vmm_tlb_fill                write a TLB entry for an even/odd pair
 *   vmm_tlb_changed, ...        tell the engine's translation cache
 *                               (xl_forget*) what a change to a CPU's TLB
 *                               or to the pmap may have voided
 *   vmm_numa_*                  page movement, monitor/numa.c
 *
 * Errors on bad input return SIM_EINVAL with a message that the engine
 * prefixes with the stream and record.
 */
#ifndef MONITOR_VMM_H
#define MONITOR_VMM_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"
#include "machine/machine.h"
#include "monitor/costs.h"
#include "monitor/footprint.h"
#include "monitor/pmap.h"
#include "monitor/vcpu.h"
#include "policies/policy.h"

#define VMM_KSEG0_RELOC_VA 0xc0000000ull  /* where the monitor relocates KSEG0: supervisor space */
#define VMM_HOT_RING 256
#define VMM_LAST_STORE (1ull << 63)

/* A virtual machine: its guest physical pages are [0, pages), kept in the
 * pmap at [base, base + pages) (base a multiple of the cache colors, so a
 * page keeps its color).  Its vCPUs are the streams [first_vcpu, first_vcpu
 * + nvcpus). */
struct vmm_vm {
	uint64_t base, pages;
	int first_vcpu, nvcpus;
};

/* One half of a guest PTE pair, as the guest's page table holds it. */
struct vmm_pte {
	uint64_t gppn;
	uint8_t valid, writable, global;
};

/* What the monitor counts; the engine copies them into its results. */
struct vmm_counters {
	uint64_t tlb_misses;        /* of these, the kernel segment's faults (the engine adds UTLB) */
	uint64_t ktlb_faults;
	uint64_t l2tlb_hits, l2tlb_misses;
	uint64_t priv_emulated;
	uint64_t moncalls;
	uint64_t pages_touched;
	uint64_t pages_reclaimed;
	uint64_t hot_pages, hot_dropped;
	uint64_t migrations, replications, collapses;
	uint64_t shootdowns;
	uint64_t diskcache_hits;    /* DMA reads served from the global disk cache */
	uint64_t cow_mapped;        /* pages mapped read-only from the disk cache */
	uint64_t cow_faults;        /* copy-on-write faults: stores to shared pages */
	uint64_t cow_writes;        /* writes to copy-on-write disks, kept per VM */
	uint64_t vnet_remapped;     /* virtual network: pages remapped into the receiver */
	uint64_t vnet_copied;       /* virtual network: bytes copied by the monitor */
	uint64_t hal_remaps;        /* the HAL's remap calls that remapped rather than copied */
	uint64_t vnet_cycles;       /* monitor cycles in the virtual network's sends, receives
				     * and the HAL's remaps */
};

struct vmm;

struct vmm_ops {
	const char *name;
	/* A TLB miss on mapped virtual page (asid, vpn) whose PTE pair is
	 * pte[2] (the missing half valid).  Returns 1 when served without the
	 * guest (an L2TLB hit), 0 when the guest's refill handler must run (the
	 * way into it is charged), or an error. */
	int (*tlb_miss)(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			const struct vmm_pte pte[2]);
	/* The refill handler's tlbwr of that pair, and its eret. */
	int (*tlb_write)(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			 const struct vmm_pte pte[2]);
	/* A traced TLB write (tlbwr, tlbwi) that names its entry: (asid, vpn)'s
	 * pair pte[2] (at least one half valid), its cost already charged by
	 * priv.  Natively it fills the TLB; under the monitor the emulation
	 * fills the TLB and the L2TLB (paper 4.2.3). */
	int (*tlb_put)(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
		       const struct vmm_pte pte[2]);
	/* A reference to the unmapped kernel segment's guest page gppn: its
	 * machine page and whether it may be written, filling what must be. */
	int (*kseg0)(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn, int *writable);
	/* A trap (system call, fault, interrupt) entering the guest kernel. */
	int (*trap)(struct vmm *x, struct vmm_vcpu *v);
	/* A privileged instruction of the guest (TRC_PRIV_*). */
	int (*priv)(struct vmm *x, struct vmm_vcpu *v, unsigned kind);
	/* A monitor call of a Disco-aware HAL (TRC_MC_*) with its arguments
	 * (the record's addr and val). */
	int (*moncall)(struct vmm *x, struct vmm_vcpu *v, unsigned call, uint64_t arg,
		       uint64_t arg2);
	/* A DMA request issued by the guest's driver: count sectors of disk
	 * from sector, to memory or (write) from it.  *done_at is the cycle it
	 * completes when the monitor serves it (its disk cache), UINT64_MAX when the
	 * disk must; the engine then says when it completes (vmm_dma_issued).
	 * Its fragments follow (vmm_dma_fragment). */
	int (*dma)(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector, uint64_t count,
		   int write, uint64_t *done_at);
	/* CPU `cpu` starts running v after another vCPU. */
	void (*vcpu_switch)(struct vmm *x, struct vmm_vcpu *v, int cpu);
	/* The guest changed its PTE for (asid, vpn). */
	void (*pte_changed)(struct vmm *x, uint32_t asid, uint64_t vpn);
};

extern const struct vmm_ops vmm_native_ops, vmm_disco_ops;

/* The state.  The engine reads the fields; only monitor/ writes them. */
struct vmm {
	const struct vmm_ops *ops;
	machine *m;
	struct machine_config mc;
	struct vmm_costs k;
	struct vmm_counters cnt;
	pmap *pm;
	const uint64_t *pmarr;       /* [guest_pages], indexed base + gppn */
	uint64_t guest_pages;        /* every VM's pages, and the gaps between them */
	int nvms;
	struct vmm_vm *vm;           /* [nvms] */
	uint8_t *gpage;              /* [guest_pages] the guest's page records (monitor/footprint.c) */
	uint8_t *owed_zero;          /* [guest_pages] under the monitor: reclaimed after a
				      * page-freed hint, so its next machine page is zeroed
				      * first (isolation, 4.3.3); NULL natively */
	uint8_t *mcat;               /* [machine pages] category of a shared page (footprint.c) */
	struct vmm_fpcache *fpc;     /* the footprint's counts by block (footprint.c), NULL until
				      * the first vmm_footprint() */
	struct vmm_diskcache *dc;    /* copy-on-write disks (monitor/diskcache.c), NULL natively */
	struct vmm_vnet *vnet;       /* the virtual subnet (monitor/vnet.c) */
	uint64_t own_bytes;          /* the monitor's memory but its backmaps (monitor.mem.*) */
	unsigned pshift;
	uint64_t pmask;
	uint32_t line_d;             /* L1 data line size */
	uint32_t line_i;             /* L1 instruction line size */
	/* The monitor's memory on the machine (monitor.paths = machine): pmap
	 * pages beyond the VMs', from mon_g0: a copy of its text per node
	 * (mon_text pages each), then per vCPU its saved state and its L2TLB
	 * (mon_vcpu pages each), each given a machine page when first used, on
	 * the node that uses it.  0 pages: not on the machine. */
	uint64_t mon_g0, mon_text, mon_vcpu;
	uint32_t mon_vcpu_bytes, mon_entry_bytes;
	/* after the vCPUs: the pmap (an entry per guest page, all VMs in a
	 * row) and the memmap (an entry per machine page), mon_pmap and
	 * mon_memmap pages */
	uint64_t mon_pmap, mon_memmap;
	uint32_t mon_pmap_bytes, mon_memmap_bytes;
	/* where the vCPUs', the pmap's and the memmap's pages start, counted
	 * from mon_g0 (the texts' end, then on) */
	uint64_t mon_k_vcpu, mon_k_pmap, mon_k_memmap;
	int nvcpus;
	struct vmm_vcpu **vcpu;      /* [nvcpus] the engine's vCPUs */
	/* The engine's remembered translations, told of every change to a
	 * CPU's TLB or to the pmap (NULL: none kept).  cpu < 0: every CPU.
	 * forget_pairs: only the TLB's pairs vpn2 and gone (TLB_NO_PAIR: no
	 * second one) changed; forget_all: anything may have. */
	void (*forget_pairs)(void *ctx, int cpu, uint64_t vpn2, uint64_t gone);
	void (*forget_all)(void *ctx, int cpu);
	void *forget_ctx;
	int ncpus;
	const struct pol_placement_ops *place;
	void *place_st;
	const struct pol_l2tlb_ops *l2ops;   /* under the monitor */
	void **l2st;                 /* [nvcpus], NULL natively */
	struct sim_err *err;
	/* NUMA page movement (monitor/numa.c); mig NULL when off (a policy
	 * with no hooks) */
	const struct pol_migration_ops *mig;
	void *mig_st;
	uint8_t *first_replicas;     /* [nnodes] mig->first_touch's answer */
	uint32_t *writes;            /* [guest_pages] stores this interval (or the run, profiling) */
	uint32_t *write_snap;        /* profiling: [guest_pages * nnodes] the page's miss
				      * counters at its last store, NULL otherwise */
	const uint32_t *run_writes;  /* mig->last_store: [guest_pages] the profile's stores */
	uint32_t *stores;            /* mig->last_store: [guest_pages] stores so far */
	uint16_t *moves;             /* [guest_pages] migrations + collapses so far */
	uint64_t hot[VMM_HOT_RING];  /* pending hot pages: mpn << 8 | node; a page's
				      * last store: VMM_LAST_STORE | gppn */
	int nhot;
	uint64_t reset_cycles, next_reset;
	/* mig->interval_end: the interval's start, its number, the counters
	 * at its start, and the moves it asked for (gppn << 16 | action << 8 |
	 * node) */
	uint64_t interval_start, nintervals;
	struct vmm_counters interval_cnt;
	uint64_t asked[VMM_HOT_RING];
	int nasked;
};

/* Build the state for machine m (the engine's; mc its configuration) with
 * nvcpus vCPUs vcpu[], natively (ops = &vmm_native_ops) or under the
 * monitor, for nvms guests: VM k has vm_vcpus[k] consecutive vCPUs (each
 * vCPU's vm field is set) and vm_pages[k] guest pages.  profile is the
 * first pass's counts for a migration policy that reads ahead
 * (POL_MIG_READ_AHEAD), else NULL.  Errors go to
 * err, which the state keeps for later ones. */
int vmm_new(struct vmm **out, const struct vmm_ops *ops, const cfg *c, machine *m,
	    const struct machine_config *mc, int nvcpus, struct vmm_vcpu **vcpu, int nvms,
	    const int *vm_vcpus, const uint64_t *vm_pages, const struct pol_profile *profile,
	    struct sim_err *err);
void vmm_free(struct vmm *x);

/* What changed, for the engine's remembered translations.  cpu's TLB:
 * anything in it (a flush, entries dropped by frame). */
static inline void vmm_tlb_changed(struct vmm *x, int cpu)
{
	if (x->forget_all)
		x->forget_all(x->forget_ctx, cpu);
}
/* A replacement on cpu's TLB wrote pair vpn2 over pair gone (TLB_NO_PAIR:
 * none), or (cpu < 0) every TLB dropped pair vpn2: only translations of
 * those pairs changed. */
static inline void vmm_tlb_replaced(struct vmm *x, int cpu, uint64_t vpn2, uint64_t gone)
{
	if (x->forget_pairs)
		x->forget_pairs(x->forget_ctx, cpu, vpn2, gone);
}
/* The pmap changed (rare: sharing, moves, remaps): every CPU's translations. */
static inline void vmm_pmap_changed(struct vmm *x)
{
	vmm_tlb_changed(x, -1);
}

/* The machine page of guest page gppn of v's VM, placed now (on v's node,
 * as the migration policy's first_touch or the placement policy says) if
 * it has none.  Under the
 * monitor a page placed again after its reclaim (a page-freed hint) is
 * zeroed first, at the monitor's cost: the monitor "must clear pages to
 * ensure the isolation of virtual machines" (4.3.3). */
int vmm_machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn);

/* Guest page gppn of v's VM was made resident before the simulated part of
 * the run (RPL_MARK_WARM_PAGE): it owes no isolation zeroing.  SIM_EINVAL
 * for a page beyond the VM. */
int vmm_page_warm(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn);

/* Write a TLB entry on v's CPU for the even/odd pair of (asid, vpn) from the
 * halves' guest pages (of v's VM).  With page movement on, each half maps the copy
 * nearest the CPU, read-only while the page has replicas.  The entry written
 * is left in *te. */
int vmm_tlb_fill(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn, int global,
		 const struct vmm_pte pte[2], struct tlb_entry *te);

/* A hint to the host's caches, no effect on the model: a TLB fill of the
 * pair pte of v's VM (a refill about to run its modelled paths) will read
 * the halves' pmap entries (pmap_prefetch_guest). */
void vmm_prefetch_fill(const struct vmm *x, const struct vmm_vcpu *v, const struct vmm_pte pte[2]);

/* A TLB miss of a SPLASHOS vCPU on virtual page vpn = guest page
 * pte[vpn & 1].gppn (paper 4.4; the engine builds the identity pair, each
 * half valid once v touched it).  first: v's first touch of the page, a
 * page fault the monitor handles alone (exception, the L2TLB probed in
 * vain, the page placed and zeroed if the VM never had it, the TLB write);
 * otherwise an L2TLB hit, or a refill from the pmap.  No guest handler
 * runs; everything is charged to the monitor. */
int vmm_splashos_miss(struct vmm *x, struct vmm_vcpu *v, uint64_t vpn, const struct vmm_pte pte[2],
		      int first);
/* Invariant check for tests: every TLB entry maps a current copy of its
 * page, none maps a replicated page writable, and the pmap holds its own.
 * Returns 1 when they hold. */
int vmm_check(const struct vmm *x);

/* Guest page gppn of v's VM (checked to lie in it) as a page of its own
 * that a device or a copy is about to write: a shared page is unshared
 * (not copied: it is overwritten), an untouched one placed. */
int vmm_private_page(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn);
/* Map guest page g (pmap index) to machine page m, read-only and shared,
 * giving up what g had; charged to v as one remap. */
int vmm_map_shared(struct vmm *x, struct vmm_vcpu *v, uint64_t g, uint64_t m);

/* ---- footprint (monitor/footprint.c) ---- */
/* A page.alloc (alloc 1) or page.free record of v's guest for its page
 * gppn, category cat (TRC_CAT_*). */
int vmm_page_record(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, unsigned cat, int alloc);
/* The footprint now.  The first call counts every page and remembers the
 * counts by block of pages; later ones count again only the blocks that
 * changed since (pmap_changed_guest/machine). */
void vmm_footprint(struct vmm *x, struct vmm_footprint *fp);
void vmm_fpcache_free(struct vmm *x);
/* 1 when the counts kept by block agree with the pages of every block not
 * flagged as changed since (vmm_check). */
int vmm_fp_check(const struct vmm *x);

/* The category of guest page g (pmap index) for a machine page it shares. */
void vmm_fp_note_shared(struct vmm *x, uint64_t mpn, uint64_t g);

/* ---- the disk cache and copy-on-write (monitor/diskcache.c) ---- */
int vmm_diskcache_new(struct vmm *x, const cfg *c, struct sim_err *err);
void vmm_diskcache_free(struct vmm *x);
int vmm_diskcache_request(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector,
			  uint64_t count, int write, uint64_t *done_at);
/* v's last DMA request completes at cycle `done`: blocks it brings into the
 * disk cache are there from then on. */
void vmm_dma_issued(struct vmm *x, struct vmm_vcpu *v, uint64_t done);
/* A fragment [gpa, gpa + len) of v's DMA read into its guest memory (the
 * caller checked it lies in the VM): the device writes those pages, or the
 * monitor maps cached blocks there. */
int vmm_dma_fragment(struct vmm *x, struct vmm_vcpu *v, uint64_t gpa, uint64_t len);
/* Blocks in the global disk cache. */
uint64_t vmm_diskcache_blocks(const struct vmm *x);
/* A store by v to guest page g (pmap index) that its TLB maps read-only:
 * the monitor's copy-on-write fault when g is shared, the collapse of its
 * replicas when it has some; *retry = 1 when the translation changed. */
int vmm_write_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t g, int *retry);
/* The copy-on-write fault itself. */
int vmm_cow_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t g);

/* ---- the virtual subnet (monitor/vnet.c) ---- */
int vmm_vnet_new(struct vmm *x, const cfg *c, struct sim_err *err);
void vmm_vnet_free(struct vmm *x);
/* v sends message id to VM dst; its fragments follow (vmm_net_frag). */
int vmm_net_send_begin(struct vmm *x, struct vmm_vcpu *v, int dst, uint32_t id);
/* v's message is complete (its fragments are over): returns 1 and the
 * receiver's VM and wait key (source VM << 24 | id) if v was sending. */
int vmm_net_send_end(struct vmm *x, struct vmm_vcpu *v, int *dst, uint32_t *key);
/* v receives message id from VM src: *ready = 1 when it is complete (its
 * fragments then follow), 0 when the receiver must wait for it. */
int vmm_net_recv_begin(struct vmm *x, struct vmm_vcpu *v, int src, uint32_t id, int *ready);
/* A fragment of v's current message: the sender's data, or where the
 * receiver puts it (remapped or copied). */
int vmm_net_frag(struct vmm *x, struct vmm_vcpu *v, uint64_t gpa, uint64_t len);
/* v's received message is done with. */
void vmm_net_recv_end(struct vmm *x, struct vmm_vcpu *v);
/* The HAL's remap (TRC_MC_REMAP, paper 4.3.4): v's guest page dst takes the
 * contents of its guest page src, as a bcopy of the page would give it.
 * With policy.vnet on and src holding memory, dst maps src's machine page
 * read-only, shared by both (no copy); else the monitor copies the page. */
int vmm_remap_page(struct vmm *x, struct vmm_vcpu *v, uint64_t src, uint64_t dst);

/* ---- monitor calls (monitor/moncall.c) ---- */
/* A Disco-aware HAL's call (TRC_MC_*) under the monitor: vmm_disco_ops's
 * moncall. */
/* A monitor call's entry (monitor/emulate.c): the exception and the
 * dispatch, as code on the machine or at monitor.cost.moncall. */
int vmm_moncall_enter(struct vmm *x, struct vmm_vcpu *v);
int vmm_disco_moncall(struct vmm *x, struct vmm_vcpu *v, unsigned call, uint64_t arg,
		      uint64_t arg2);
/* The monitor zeroes machine page mpn for v: a store per L1 line through
 * the caches and one instruction per 8 bytes, charged to the monitor. */
void vmm_zero_machine_page(struct vmm *x, struct vmm_vcpu *v, uint64_t mpn);

/* ---- NUMA page movement under the monitor (monitor/numa.c) ----
 * Guest pages here are pmap indices (a VM's base + its gppn). */
/* Natively nothing moves (IRIX on NUMA): only the monitor calls this. */
int vmm_numa_setup(struct vmm *x, const cfg *c, const struct pol_profile *profile,
		   struct sim_err *err);
void vmm_numa_free(struct vmm *x);
/* Act on the queued hot pages, charging v. */
int vmm_numa_process(struct vmm *x, struct vmm_vcpu *v);
/* Counters restart every reset interval; call with the vCPU about to run
 * (at its clock).  At an interval's end the policy's interval_end hook sees
 * the interval, and the moves it asks for are made, charged to v. */
void vmm_numa_tick(struct vmm *x, struct vmm_vcpu *v);
/* Copy len bytes from machine address `from` (UINT64_MAX: nothing to read)
 * to `to` on v's CPU, a line at a time through the caches, one instruction
 * per 8 bytes each way, charged to the monitor; vmm_copy_page a whole page
 * between machine pages. */
void vmm_copy(struct vmm *x, struct vmm_vcpu *v, uint64_t from, uint64_t to, uint64_t len);
void vmm_copy_page(struct vmm *x, struct vmm_vcpu *v, uint64_t from, uint64_t to);
/* Count stores per guest page for the whole run, and keep each page's miss
 * counters as they stood at its last store (a read-ahead profile). */
int vmm_numa_count_writes(struct vmm *x);
/* A store to guest page g, at machine page mpn: counted when x->writes is
 * there (a migration policy, or a profile); the run's last store to it
 * queues the policy's last_store (made at the record's end, as a hot
 * page's decision). */
void vmm_numa_snap(struct vmm *x, uint64_t g, uint64_t mpn);
void vmm_numa_last_store(struct vmm *x, uint64_t g);
static inline void vmm_count_store(struct vmm *x, uint64_t g, uint64_t mpn)
{
	x->writes[g]++;
	if (x->write_snap)
		vmm_numa_snap(x, g, mpn);
	if (x->stores && ++x->stores[g] == x->run_writes[g])
		vmm_numa_last_store(x, g);
}
/* The migration policy's placement of page gppn (pmap index), touched for
 * the first time by a CPU of node toucher: its node (-1: the placement
 * policy chooses); vmm_numa_first_copies then makes the read-only copies it
 * asked for once the page has its machine page. */
int vmm_numa_first_node(struct vmm *x, uint64_t gppn, int toucher);
void vmm_numa_first_copies(struct vmm *x, uint64_t gppn);
/* The copy of gppn a CPU of `node` should map, and whether it may be
 * written (not while replicas exist). */
uint64_t vmm_numa_copy_for(struct vmm *x, uint64_t gppn, int node, int *writable);
/* Drop every TLB and L2TLB mapping of every copy of gppn; returns the number
 * of CPUs whose TLB held one (the shootdown's targets). */
int vmm_numa_unmap_all(struct vmm *x, uint64_t gppn);

#endif

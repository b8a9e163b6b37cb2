/*
 * Internal to replay/: the engine's state, shared by engine.c (the loop and
 * the records) and numa.c (page migration and replication).
 */
#ifndef REPLAY_ENGINE_INT_H
#define REPLAY_ENGINE_INT_H

#include <stdint.h>

#include "machine/machine.h"
#include "monitor/costs.h"
#include "monitor/pmap.h"
#include "policies/policy.h"
#include "replay/replay.h"

#define RPL_HOT_RING 256

/* TRC_MARKER aux values with a meaning to the engine. */
enum {
	RPL_MARK_USER = 0,       /* free for users: ignored */
	RPL_MARK_SEM_INIT = 1,   /* id = semaphore, val = its initial count */
	RPL_MARK_PHASE = 2,      /* id = phase number: ignored by the engine */
};


#define SVC_DEPTH 16
#define KSEG0_MASK 0x1fffffffull
#define KSEG0_RELOC_VA 0xc0000000ull   /* where the monitor relocates KSEG0: supervisor space */
#define PTE_BYTES 8

enum { V_RUN, V_WAIT_LOCK, V_WAIT_SEM, V_WAIT_IO, V_DONE };

/* A translation the engine remembers per vCPU and kind (instruction, data):
 * valid while its CPU's TLB and the pmap have not changed (epochs).  Not a
 * model structure: the TLB has no replacement state that a lookup changes,
 * so skipping a lookup that would hit is exact. */
struct xlate {
	uint64_t vpn;
	uint64_t mpn;
	uint64_t gppn;               /* the guest page behind mpn */
	uint64_t epoch;
	uint32_t asid;
	uint8_t kseg0;
	uint8_t writable;            /* the TLB entry allows stores */
	uint8_t valid;
};

struct vcpu {
	uint64_t clock;
	int cpu;
	int state;
	uint32_t wait_id;
	uint64_t wait_since;
	const struct trc_rec *recs;
	size_t nrecs, pos;
	uint64_t recno;              /* stream index of recs[pos] */
	uint32_t asid;
	int idle;                    /* between IDLE_BEGIN and IDLE_END */
	int depth;
	uint16_t svc[SVC_DEPTH];
	int frag_of;                 /* TRC_DMA_REQ / TRC_NET_*: FRAGs that follow belong to it */
	int frag_write;
	struct xlate xl[2];
	struct vcpu *next_waiter;
};

/* Guest page table: (asid, vpn) -> gppn and protection; open addressing. */
struct gpt {
	uint64_t *vpn;
	uint64_t *val;               /* gppn | prot << 56; 0: empty slot */
	uint32_t *asid;
	size_t cap, n;               /* cap a power of two; n < cap / 2 */
};

struct waitq { struct vcpu *head, *tail; };

struct lock { uint32_t id; int owner; struct waitq q; };    /* owner -1: free */
struct sem { uint32_t id; int64_t count; struct waitq q; };
struct dma { uint32_t id; int state; uint64_t done; struct waitq q; }; /* state 1: issued */

/* A small id -> object table (ids are sparse), linear probing. */
struct idtab {
	void *slots;
	uint8_t *used;
	size_t cap, n, size;
};

struct eng {
	const struct rpl_source *src;
	int mode;
	machine *m;
	struct machine_config mc;
	struct vmm_costs k;
	pmap *pm;
	const uint64_t *pmarr;
	const struct pol_placement_ops *place;
	void *place_st;
	const struct pol_sched_ops *sched;
	void *sched_st;
	const struct pol_l2tlb_ops *l2ops;
	void **l2st;                 /* [nvcpus] */
	int nvcpus, ncpus;
	struct vcpu *v;
	int *cpu_last_vcpu;          /* [ncpus] the vCPU a CPU ran last, -1 none */
	uint64_t *tlb_epoch;         /* [ncpus] */
	uint64_t pmap_epoch;
	struct gpt gpt;
	struct idtab locks, sems, dmas;
	unsigned pshift;
	uint64_t pmask;
	uint64_t quantum;
	uint64_t guest_pages;
	uint64_t pt_pool;
	uint32_t line_i, line_d;     /* L1 line sizes */
	/* NUMA page movement (replay/numa.c); mig NULL when off */
	const struct pol_migration_ops *mig;
	void *mig_st;
	const struct rpl_profile *oracle;   /* the oracle's profile, or NULL */
	uint32_t oracle_sharing;     /* oracle: a node with this many misses gets a replica */
	uint32_t *writes;            /* [guest_pages] stores this interval (or the run, profiling) */
	uint16_t *moves;             /* [guest_pages] migrations + replications so far */
	uint64_t hot[RPL_HOT_RING];  /* pending hot pages: mpn << 8 | node */
	int nhot;
	uint64_t reset_cycles, next_reset;
	struct rpl_results *res;
	rpl_progress_fn progress;
	void *progress_ctx;
	uint64_t next_progress;
	struct sim_err *err;
};


/* Charge cyc cycles of category cat to v (and its CPU), and to its innermost
 * service under split part `part`. */
static inline void spend(struct eng *e, struct vcpu *v, int cat, int part, uint64_t cyc)
{
	v->clock += cyc;
	e->res->cpu[v->cpu].cycles[cat] += cyc;
	if (v->depth > 0 && cat != RPL_IDLE) {
		struct rpl_service_result *s = &e->res->service[v->svc[v->depth - 1]];
		s->cycles += cyc;
		s->split[part] += cyc;
	}
}

/* Charge a memory stall the machine reported. */
static inline void stall(struct eng *e, struct vcpu *v, int cat, int part, uint32_t cyc,
			 unsigned where)
{
	struct rpl_cpu_result *c = &e->res->cpu[v->cpu];
	if (!cyc)
		return;
	if ((where & MACH_WHERE_MASK) == MACH_REMOTE) {
		c->stall_remote[cat] += cyc;
	} else {
		c->stall_local[cat] += cyc;
	}
	if ((where & MACH_WHERE_MASK) == MACH_LOCAL)
		c->misses_local++;
	else if ((where & MACH_WHERE_MASK) == MACH_REMOTE)
		c->misses_remote++;
	spend(e, v, cat, part, cyc);
}


/* replay/engine.c */
struct eng *rpl_engine_state(rpl_engine *x);
void rpl_bump_tlb_epoch(struct eng *e, int cpu);
int rpl_machine_page(struct eng *e, struct vcpu *v, uint64_t gppn, uint64_t *mpn);

/* replay/numa.c: NUMA page movement under the monitor */
int rpl_numa_setup(struct eng *e, const cfg *c, struct sim_err *err);
void rpl_numa_free(struct eng *e);
/* The machine's hot-page hook (queues the page). */
void rpl_numa_hot_hook(void *ctx, uint64_t mpn, int node);
/* Act on the queued hot pages, charging v. */
int rpl_numa_process(struct eng *e, struct vcpu *v);
/* Counters restart every reset interval; call with the clock of the vCPU
 * about to run. */
void rpl_numa_tick(struct eng *e, uint64_t now);
/* A store to a page with replicas: collapse them (charging v). */
int rpl_numa_collapse(struct eng *e, struct vcpu *v, uint64_t gppn);
/* The oracle's placement of a guest page touched for the first time: its
 * node (or -1 to let the placement policy choose), and its replicas made at
 * once (for read-only shared pages). */
int rpl_numa_oracle_node(struct eng *e, uint64_t gppn);
void rpl_numa_oracle_replicas(struct eng *e, uint64_t gppn);
/* The copy of gppn a CPU of `node` should map, and whether it may be
 * written (not while replicas exist). */
uint64_t rpl_numa_copy_for(struct eng *e, uint64_t gppn, int node, int *writable);
/* Drop every TLB and L2TLB mapping of every copy of gppn; returns the number
 * of CPUs whose TLB held one (the shootdown's targets). */
int rpl_numa_unmap_all(struct eng *e, uint64_t gppn);

#endif

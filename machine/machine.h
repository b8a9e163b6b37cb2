/*
 * The machine (DESIGN 4): CPUs' TLBs, split L1 and unified L2 caches kept
 * coherent by a directory, NUMA nodes with local/remote latency and a
 * per-node occupancy (queueing) model, per-page per-node cache-miss counters,
 * and disks.  Nothing here knows about traces, files or the monitor: callers
 * hand it machine physical addresses and the current cycle of the CPU.
 *
 * Time is in cycles of the CPU clock (integers; ns parameters are converted
 * once at set-up, rounded to the nearest cycle).
 */
#ifndef MACHINE_MACHINE_H
#define MACHINE_MACHINE_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"
#include "machine/tlb.h"

typedef struct machine machine;

struct cache_geom {
	uint64_t size;      /* bytes, a power of two */
	uint32_t ways;      /* associativity; size / (ways * line) sets, a power of two */
	uint32_t line;      /* bytes, a power of two */
};

struct machine_config {
	int ncpus;
	int cpus_per_node;          /* nodes = ncpus / cpus_per_node (rounded up) */
	double clock_mhz;
	uint64_t mem_size;          /* bytes, split evenly over the nodes */
	uint32_t page_size;         /* bytes, a power of two */
	int tlb_entries, tlb_wired;
	uint64_t tlb_seed;
	struct cache_geom l1i, l1d, l2;
	uint32_t l2_hit_cycles;     /* stall of an L1 miss that hits in L2 */
	uint32_t local_cycles;      /* L2 miss to local memory, no contention */
	uint32_t remote_cycles;     /* L2 miss to remote memory, no contention */
	uint32_t comm_extra_cycles; /* added when the line is dirty in another cache */
	uint32_t occupancy_cycles;  /* a node's memory busy time per miss it serves */
	int uma;                    /* every miss at local latency (remote = local) */
	int ndisks;
	uint32_t disk_position_cycles;     /* seek + rotation per request */
	double disk_bytes_per_cycle;       /* transfer rate */
};

/* Fill mc from the machine.* parameters; checks the combinations (powers of
 * two, sets, wired < entries, memory divisible into pages per node). */
int machine_config_from_cfg(const cfg *c, struct machine_config *mc, struct sim_err *err);

/* Check a filled config (what machine_config_from_cfg and machine_new run):
 * the combinations the parameter ranges cannot express, each message naming
 * the parameters. */
int machine_config_check(const struct machine_config *mc, struct sim_err *err);

/* Create and free.  Allocates every structure up front (caches, directory,
 * counters for every machine page): nothing is allocated per reference. */
int machine_new(machine **out, const struct machine_config *mc, struct sim_err *err);
void machine_free(machine *m);
const struct machine_config *machine_cfg(const machine *m);

/* Geometry. */
int machine_nnodes(const machine *m);
int machine_cpu_node(const machine *m, int cpu);
uint64_t machine_npages(const machine *m);              /* machine pages in all */
int machine_page_node(const machine *m, uint64_t mpn);  /* home node of a machine page */
uint64_t machine_node_first_page(const machine *m, int node);
uint64_t machine_pages_per_node(const machine *m);

/* References.  kind is MACH_IFETCH, MACH_LOAD or MACH_STORE; pa a machine
 * physical byte address below mem_size; now the CPU's current cycle.
 * Returns the stall in cycles (0 for an L1 hit) and, in *where, what served
 * it (MACH_L1, MACH_L2, MACH_LOCAL, MACH_REMOTE) with MACH_COMM or-ed in for
 * a communication miss (the line was dirty in another CPU's cache, or our
 * copy was invalidated by another CPU's store since we last held it); under
 * uma every memory access reports MACH_LOCAL.  Updates caches, directory,
 * node occupancy, counters and the CPU's statistics.  Calls may come out of
 * global time order (CPUs advancing in quanta): see the occupancy notes in
 * machine.c for what a late reference waits. */
enum { MACH_IFETCH, MACH_LOAD, MACH_STORE };
enum { MACH_L1 = 0, MACH_L2 = 1, MACH_LOCAL = 2, MACH_REMOTE = 3, MACH_WHERE_MASK = 3,
       MACH_COMM = 4 };
uint32_t machine_ref(machine *m, int cpu, uint64_t pa, int kind, uint64_t now, unsigned *where);

/* The TLB of a CPU (machine/tlb.h). */
struct tlb *machine_tlb(machine *m, int cpu);

/* Per-page, per-node cache-miss counters (the FLASH facility): one counter
 * per (machine page, node of the missing CPU), counting L2 misses served by
 * memory (upgrades included, misses on a line another cache held modified
 * not: that cache served them).  When a counter reaches the trigger, hook(ctx, mpn, node)
 * runs once (until the counters are reset): it runs inside machine_ref and
 * must not call machine_ref or machine_page_flush itself; it may record the
 * page for later.  trigger 0 disables the hook.  Counters saturate. */
typedef void (*machine_hot_hook)(void *ctx, uint64_t mpn, int node);
void machine_set_hot_hook(machine *m, uint32_t trigger, machine_hot_hook hook, void *ctx);
const uint32_t *machine_page_counters(const machine *m, uint64_t mpn);  /* [nnodes] */
void machine_counters_reset(machine *m);
/* Zero one page's counters (a page that starts a new life: a migration's or
 * a replication's new copy, the copy a collapse keeps). */
void machine_page_counters_clear(machine *m, uint64_t mpn);

/* Remove every line of a machine page from every cache (writing dirty lines
 * back): what a page migration or replication needs before it copies. */
void machine_page_flush(machine *m, uint64_t mpn);

/* Disks: a request of nbytes starting at sector issued at cycle now; returns
 * the cycle it completes: it starts when the disk is free (requests to one
 * disk queue FCFS in call order), then takes disk_position_cycles plus
 * nbytes / disk_bytes_per_cycle rounded up.  The sector does not matter (no
 * seek-distance model). */
uint64_t machine_disk_request(machine *m, int disk, uint64_t sector, uint64_t nbytes,
			      uint64_t now);

/* Statistics per CPU (all counts are events; *_cycles are cycles).  A store
 * to a line our L2 holds shared (an upgrade) counts as an L2 miss, local or
 * remote, and is charged like one; it is not an L1 miss when the L1 D holds
 * the line.  misses_comm counts the L2 misses also counted in misses_local
 * or misses_remote that are communication misses (MACH_COMM above). */
struct machine_cpu_stats {
	uint64_t refs_ifetch, refs_load, refs_store;
	uint64_t l1i_misses, l1d_misses, l2_misses;
	uint64_t l1d_store_misses;      /* of l1d_misses, stores */
	uint64_t l2_refs[3];            /* by kind (MACH_*): requests from the L1s, i.e. L1 misses
					 * and stores to an L1 D line held but not writable */
	uint64_t l2_kind_misses[3];     /* of those, by kind: L2 misses and upgrades (sum l2_misses) */
	uint64_t l2_upgrades;           /* of l2_misses: upgrades (no data fetched) */
	uint64_t l2_writebacks;         /* modified L2 lines written back to memory: evicted,
					 * flushed, or downgraded by another CPU's load */
	uint64_t misses_local, misses_remote, misses_comm;
	uint64_t stall_l2_cycles;       /* L1 misses that hit in L2 */
	uint64_t stall_local_cycles;    /* L2 misses to local memory, queueing included */
	uint64_t stall_remote_cycles;   /* L2 misses to remote memory, queueing included */
	uint64_t queue_cycles;          /* of the above, waiting for a busy node */
	uint64_t invalidations_sent;    /* copies invalidated in other caches by our writes */
};
const struct machine_cpu_stats *machine_cpu_stats(const machine *m, int cpu);
/* Zero every CPU's statistics (the caches and directory keep their state). */
void machine_stats_reset(machine *m);

/* Per-level statistics of one cache in the form a trace-driven cache
 * simulator gives them (machine_cache_stats, machine/plain.h).  Accesses and
 * misses are by kind (MACH_IFETCH, MACH_LOAD, MACH_STORE); bytes from and to
 * memory are what the cache moves from and to the level below it (for an L1,
 * the L2).  An access is a reference to one block. */
enum { MACH_LEVEL_L1I, MACH_LEVEL_L1D, MACH_LEVEL_L2, MACH_NLEVELS };
struct machine_level_stats {
	uint64_t access[3], miss[3];
	uint64_t writebacks;            /* dirty blocks written to the level below */
	uint64_t bytes_from_mem, bytes_to_mem;
};

/* CPU cpu's statistics of each level, derived from machine_cpu_stats:
 *   L1 I: fetches = refs_ifetch (one per call, i.e. per line of a run), misses;
 *   L1 D: reads, writes and their misses (an L1 miss: the line was not
 *         there); write-backs 0, as the L1s hold no dirty data (NOTES);
 *   L2: the L1s' requests and their misses (upgrades included, as in
 *       l2_misses); bytes from memory: L2 misses that fetched the line
 *       (upgrades fetch nothing), from memory or the owning cache.
 * Bytes in from the level below are fills times the level's line. */
void machine_cache_stats(const machine *m, int cpu, struct machine_level_stats out[MACH_NLEVELS]);

/* Verify the invariants of machine.c's design notes (inclusion, directory
 * against cache contents, L1 writability); SIM_OK or SIM_EINTERNAL with the
 * broken one in err.  Walks every cache: for tests and asserts, not hot paths. */
int machine_check(const machine *m, struct sim_err *err);

#endif

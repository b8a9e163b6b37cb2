/*
 * The run's scalar counters, listed once.  RPL_COUNTERS(X) expands X(name,
 * unit, flags, help) for each counter in order: it declares the uint64_t
 * fields of struct rpl_results (replay.h) and fills rpl_counters[], which the
 * summary table, CSV, JSON and the results file's writer and reader walk.
 * Adding a counter is one line here and the code that counts it.
 */
#ifndef REPLAY_COUNTERS_H
#define REPLAY_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Flags: where a results file keeps a counter (analysis/RESULTS.md). */
enum {
	RPL_C_H5_ATTR = 1,     /* a run attribute, not a field of `counters` (read as 0 when absent) */
	RPL_C_CACHE = 2,       /* a per-level cache statistic, named LEVEL_WHAT: the summary
				* table shows these as one row per LEVEL, one column per WHAT */
};

#define RPL_COUNTERS(X) \
	X(cycles, "cycles", 0, "simulated length: the latest CPU clock at the end, less measured_from") \
	X(measured_from, "cycles", RPL_C_H5_ATTR, "the cycle the statistics start at: 0, or the boot's end (replay.measure)") \
	X(instructions, "count", 0, "instructions executed") \
	X(loads, "count", 0, "loads executed") \
	X(stores, "count", 0, "stores executed") \
	X(references, "count", 0, "instruction fetches + loads + stores") \
	X(records, "count", 0, "trace records") \
	X(tlb_misses, "count", 0, "hardware TLB refills (user and kernel)") \
	X(utlb_misses, "count", 0, "of which: user TLB misses (the UTLB-MISS path)") \
	X(ktlb_faults, "count", 0, "disco: kernel unmapped-segment TLB faults") \
	X(l2tlb_hits, "count", 0, "disco: TLB misses the L2TLB served") \
	X(l2tlb_misses, "count", 0, "disco: TLB misses the L2TLB did not serve") \
	X(priv_emulated, "count", 0, "disco: privileged instructions emulated") \
	X(moncalls, "count", 0, "monitor calls") \
	X(lock_acquires, "count", 0, "kernel lock acquires") \
	X(lock_contended, "count", 0, "of which found the lock held") \
	X(sem_waits_blocked, "count", 0, "semaphore waits that blocked") \
	X(dma_requests, "count", 0, "DMA requests") \
	X(dma_interrupts, "count", 0, "completion interrupts taken at the disk's time") \
	X(pages_touched, "pages", 0, "guest physical pages given a machine page") \
	X(pages_reclaimed, "pages", 0, "disco: machine pages taken back on page-freed hints") \
	X(hot_pages, "count", 0, "disco: hot-page notifications handled") \
	X(hot_dropped, "count", 0, "disco: notifications lost to a full queue") \
	X(migrations, "pages", 0, "pages migrated") \
	X(replications, "pages", 0, "pages replicated") \
	X(collapses, "pages", 0, "replicas collapsed") \
	X(shootdowns, "count", 0, "inter-processor interrupts sent for TLB shootdowns") \
	X(diskcache_hits, "count", RPL_C_H5_ATTR, "disco: DMA reads served by the global disk cache") \
	X(cow_mapped, "count", RPL_C_H5_ATTR, "disco: cached blocks mapped read-only into a guest") \
	X(cow_faults, "count", RPL_C_H5_ATTR, "disco: copy-on-write faults (stores to shared pages)") \
	X(cow_writes, "count", RPL_C_H5_ATTR, "disco: writes to copy-on-write disks, kept per VM") \
	X(vnet_remapped, "pages", RPL_C_H5_ATTR, "disco: pages the virtual network remapped") \
	X(vnet_copied, "bytes", RPL_C_H5_ATTR, "disco: bytes the virtual network copied") \
	X(hal_remaps, "pages", RPL_C_H5_ATTR, "disco: pages the HAL's remap call remapped (NFS, 4.3.4)") \
	X(vnet_cycles, "cycles", RPL_C_H5_ATTR, "disco: monitor cycles in virtual network sends, receives and remaps") \
	X(l1i_fetches, "count", RPL_C_CACHE, "L1 instruction cache: instruction fetches") \
	X(l1i_fetch_misses, "count", RPL_C_CACHE, "L1 instruction cache: instruction fetches that missed") \
	X(l1i_reads, "count", RPL_C_CACHE, "L1 instruction cache: reads (for the L2: the L1s' read requests)") \
	X(l1i_read_misses, "count", RPL_C_CACHE, "L1 instruction cache: reads that missed") \
	X(l1i_writes, "count", RPL_C_CACHE, "L1 instruction cache: writes (for the L2: the L1s' write requests)") \
	X(l1i_write_misses, "count", RPL_C_CACHE, "L1 instruction cache: writes that missed") \
	X(l1i_writebacks, "count", RPL_C_CACHE, "L1 instruction cache: dirty blocks written to the level below") \
	X(l1i_bytes_from_mem, "bytes", RPL_C_CACHE, "L1 instruction cache: bytes fetched from the level below") \
	X(l1i_bytes_to_mem, "bytes", RPL_C_CACHE, "L1 instruction cache: bytes written to the level below") \
	X(l1d_fetches, "count", RPL_C_CACHE, "L1 data cache: instruction fetches") \
	X(l1d_fetch_misses, "count", RPL_C_CACHE, "L1 data cache: instruction fetches that missed") \
	X(l1d_reads, "count", RPL_C_CACHE, "L1 data cache: reads (for the L2: the L1s' read requests)") \
	X(l1d_read_misses, "count", RPL_C_CACHE, "L1 data cache: reads that missed") \
	X(l1d_writes, "count", RPL_C_CACHE, "L1 data cache: writes (for the L2: the L1s' write requests)") \
	X(l1d_write_misses, "count", RPL_C_CACHE, "L1 data cache: writes that missed") \
	X(l1d_writebacks, "count", RPL_C_CACHE, "L1 data cache: dirty blocks written to the level below") \
	X(l1d_bytes_from_mem, "bytes", RPL_C_CACHE, "L1 data cache: bytes fetched from the level below") \
	X(l1d_bytes_to_mem, "bytes", RPL_C_CACHE, "L1 data cache: bytes written to the level below") \
	X(l2_fetches, "count", RPL_C_CACHE, "L2: instruction fetches") \
	X(l2_fetch_misses, "count", RPL_C_CACHE, "L2: instruction fetches that missed") \
	X(l2_reads, "count", RPL_C_CACHE, "L2: reads (for the L2: the L1s' read requests)") \
	X(l2_read_misses, "count", RPL_C_CACHE, "L2: reads that missed") \
	X(l2_writes, "count", RPL_C_CACHE, "L2: writes (for the L2: the L1s' write requests)") \
	X(l2_write_misses, "count", RPL_C_CACHE, "L2: writes that missed") \
	X(l2_writebacks, "count", RPL_C_CACHE, "L2: dirty blocks written to the level below") \
	X(l2_bytes_from_mem, "bytes", RPL_C_CACHE, "L2: bytes fetched from the level below") \
	X(l2_bytes_to_mem, "bytes", RPL_C_CACHE, "L2: bytes written to the level below")

struct rpl_counter {
	const char *name;
	size_t off;            /* of the uint64_t in struct rpl_results */
	const char *unit;
	unsigned flags;        /* RPL_C_* */
	const char *help;
};

/* Indices into rpl_counters[]: RPL_CI_cycles, ... */
enum {
#define RPL_COUNTER_INDEX(name, unit, flags, help) RPL_CI_##name,
	RPL_COUNTERS(RPL_COUNTER_INDEX)
#undef RPL_COUNTER_INDEX
	RPL_NCOUNTERS
};

/* The per-level cache counters: RPL_CACHE_PER_LEVEL a level from
 * RPL_CI_l1i_fetches, levels in the order of MACH_LEVEL_* and, within one,
 * the order of struct machine_level_stats (machine/machine.h): accesses and
 * misses by kind, write-backs, bytes from and to the level below. */
#define RPL_CACHE_PER_LEVEL 9

extern const struct rpl_counter rpl_counters[];
extern const size_t rpl_ncounters;

struct rpl_results;

/* Counter i of r (i < rpl_ncounters). */
static inline uint64_t rpl_counter_get(const struct rpl_results *r, size_t i)
{
	uint64_t v;
	memcpy(&v, (const char *)r + rpl_counters[i].off, sizeof v);
	return v;
}

static inline void rpl_counter_set(struct rpl_results *r, size_t i, uint64_t v)
{
	memcpy((char *)r + rpl_counters[i].off, &v, sizeof v);
}

#endif

/*
 * A plain cache hierarchy: per CPU an L1 I, an L1 D and an L2 with the
 * semantics classic trace-driven cache simulators (Dinero IV) use, so that
 * counts can be checked against them.  No TLB, no coherence, no NUMA: the
 * replay engine's `plain` mode (replay/engine.c) sends references here
 * instead of to the machine (machine.h).  Semantics in plain.c's notes.
 */
#ifndef MACHINE_PLAIN_H
#define MACHINE_PLAIN_H

#include <stdint.h>

#include "base/err.h"
#include "machine/machine.h"

typedef struct plain plain;

/* Create and free: ncpus hierarchies of the geometries in mc (l1i, l1d,
 * l2; an L1 line must not exceed the L2 line).  Allocates every cache up
 * front. */
int plain_new(plain **out, const struct machine_config *mc, struct sim_err *err);
void plain_free(plain *p);

/* A reference of `size` bytes (>= 1) at byte address addr by CPU cpu; kind
 * is MACH_IFETCH, MACH_LOAD or MACH_STORE.  It touches every L1 block it
 * spans, one access each.  Returns what served the slowest block: MACH_L1,
 * MACH_L2 or MACH_LOCAL (memory); *l2_hits and *mem are incremented by the
 * blocks the L2 and memory served. */
unsigned plain_ref(plain *p, int cpu, uint64_t addr, uint32_t size, int kind, uint32_t *l2_hits,
		   uint32_t *mem);

/* n more accesses of kind to the L1 block CPU cpu's last reference of that
 * kind touched, and nothing in between: hits that leave LRU order as it is,
 * so they are only counted (a run of fetches within one block). */
void plain_repeat(plain *p, int cpu, int kind, uint64_t n);

/* Write every dirty block back, each counted as a write-back and as a write
 * access of the level below: every CPU's L1 D into its L2 first, then every
 * L2 to memory.  Blocks stay valid and become clean. */
void plain_flush(plain *p);

/* CPU cpu's statistics per level (machine.h). */
void plain_stats(const plain *p, int cpu, struct machine_level_stats out[MACH_NLEVELS]);

#endif

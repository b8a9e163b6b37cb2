/*
 * The machine's L1 hit inline: machine_ref_inline() is machine_ref() with
 * its common case (a hit in the L1 the reference goes to) compiled into the
 * caller, for the hottest callers (the replay engine, the monitor's paths).
 * To make that possible this header holds the layouts machine.c owns; no
 * other file reads or writes their fields.
 */
#ifndef MACHINE_HIT_H
#define MACHINE_HIT_H

#include <assert.h>
#include <stdint.h>

#include "machine/cache.h"
#include "machine/machine.h"

enum { L1_V = 1, L1_W = 2 };      /* L1 state bits */
enum { L2_S = 1, L2_M = 2 };      /* L2 states */

struct cpu {
	struct cache l1i, l1d, l2;
	struct tlb *tlb;
	int node;
	struct machine_cpu_stats st;
};

struct machine {
	struct machine_config mc;
	int ncpus, nnodes;
	struct cpu *cpu;                /* [ncpus] */
	int lg_page, lg_line;           /* page, L2 line */
	int lg_lines_per_page;
	int lg_i_sub, lg_d_sub;         /* log2 of L1 I/D lines per L2 line */
	uint64_t npages, pages_per_node, nlines;
	int lg_ppn;                     /* log2 of pages_per_node, -1 if not a power of two */
	uint32_t lat_local, lat_remote; /* cycles; lat_remote = local when uma */
	/* directory: per line a sharer entry and a lost entry side by side in
	 * one array (line L's pair at [2L], [2L + 1] in units of an entry), as
	 * every miss to home reads both: one host cache line, not two */
	int dir_lg_bytes;               /* entry size: 1 (16 bits), 2, 3 (64 bits), 4 (2 x 64) */
	int dir_words;                  /* 64-bit sharer words an entry has: 1 or 2 */
	void *dir;                      /* [nlines] pairs; the sharer entries from its start */
	uint64_t dirty_bit;             /* 1 << ncpus in one-word entries; 0 in two-word ones */
	uint8_t *owner;                 /* two-word entries only: [nlines], cpu + 1 or 0 */
	void *lost;                     /* dir + one entry: the lost entries, no dirty bit: the
					 * CPUs whose copy another CPU's store invalidated since
					 * they last held the line (their next miss on it is a
					 * coherence miss, invariant (6)) */
	/* node occupancy (NOTES): rings of busy bits, [nnodes << (lg_win - 6)] words */
	int lg_win;                     /* log2 of the cycles a ring remembers */
	uint64_t *busy;
	uint64_t *busy_hi;              /* [nnodes]: cycles at or past it are free */
	/* counters: misses, [npages * nnodes] */
	uint32_t *counters;
	uint32_t trigger;
	machine_hot_hook hook;
	void *hook_ctx;
	/* disks: cycle each becomes free */
	uint64_t *disk_busy_until;
};

/* Everything but an L1 hit: machine.c. */
uint32_t machine_ref_miss(machine *m, int cpu, uint64_t pa, int kind, int64_t l1slot, uint64_t now,
			  unsigned *where);

/* machine_ref_inline() where the L1 the reference goes to has 1 << lg_ways
 * ways, a constant where it is inlined (-1: whatever it has), so that
 * cache_find's dispatch on the ways folds away: for a caller that checked
 * the geometry once (the replay engine's loop), as lg_ways >= 0 must equal
 * the L1's own. */
static inline __attribute__((always_inline)) uint32_t machine_ref_ways(machine *m, int cpu, uint64_t pa, int kind,
								       uint64_t now, unsigned *where,
								       const int lg_ways)
{
	struct cpu *c = &m->cpu[cpu];
	struct cache *l1 = kind == MACH_IFETCH ? &c->l1i : &c->l1d;
	uint64_t line = pa >> l1->lg_line;
	int64_t s = lg_ways < 0 ? cache_find(l1, line) : cache_find_ways(l1, line, lg_ways);

	if (__builtin_expect(s >= 0 && (kind != MACH_STORE || (l1->state[s] & L1_W)), 1)) {
		/* pa < mem_size: the line came in by a miss, which checked it */
		if (kind == MACH_IFETCH)
			c->st.refs_ifetch++;
		else if (kind == MACH_LOAD)
			c->st.refs_load++;
		else
			c->st.refs_store++;
		cache_touch(l1, s);
		*where = MACH_L1;
		return 0;
	}
	return machine_ref_miss(m, cpu, pa, kind, s, now, where);
}

/* machine_ref() (machine.h), the same effect and result: an L1 hit (for a
 * store, on a line the L1 D holds writable) counts the reference, touches
 * the line and returns 0 here; anything else goes to machine_ref_miss(). */
static inline __attribute__((always_inline)) uint32_t machine_ref_inline(machine *m, int cpu, uint64_t pa,
									 int kind, uint64_t now,
									 unsigned *where)
{
	return machine_ref_ways(m, cpu, pa, kind, now, where, -1);
}

/* machine_cpu_node(), inline. */
static inline int machine_cpu_node_inline(const machine *m, int cpu) { return m->cpu[cpu].node; }

/* n more references of kind (a load or a store) to the L1 D line of pa,
 * right after one of the same kind to that line by the same CPU, with
 * nothing between: that reference left the line valid, and writable after
 * a store, so each is machine_ref_inline()'s hit; they are counted and the
 * line touched n times at once (the same counts, the same LRU order). */
static inline void machine_ref_again(machine *m, int cpu, uint64_t pa, int kind, uint64_t n)
{
	struct cpu *c = &m->cpu[cpu];
	struct cache *l1 = &c->l1d;
	int64_t s = cache_find(l1, pa >> l1->lg_line);

	assert(s >= 0 && (kind == MACH_LOAD || (kind == MACH_STORE && (l1->state[s] & L1_W))));
	if (kind == MACH_LOAD)
		c->st.refs_load += n;
	else
		c->st.refs_store += n;
	l1->tick += n;
	l1->stamp[s] = l1->tick;
}

/* machine_ifetch_hits() for an L1 I of 1 << lg_ways ways (a constant
 * where it is inlined): cache_find() and cache_touch() on consecutive lines,
 * with the set arithmetic and the LRU clock kept in registers. */
static inline __attribute__((always_inline)) uint64_t ifetch_hits_ways(struct cache *l1, uint64_t line,
								    uint64_t n, int lg_ways)
{
	const uint64_t *tag = l1->tag, slots_mask = l1->set_mask << lg_ways;
	uint64_t *stamp = l1->stamp, tick = l1->tick, i, l = line;
	uint64_t base = (line & l1->set_mask) << lg_ways;   /* the next line's set: the next set */

	for (i = 0; i < n; i++, l++, base = (base + (1u << lg_ways)) & slots_mask) {
		uint64_t w;
		if (!cache_set_find(tag + base, l, lg_ways, &w))
			break;
		stamp[base + w] = ++tick;
	}
	l1->tick = tick;
	return i;
}

/* Instruction fetches of n consecutive L1 I lines from the one holding pa,
 * as many as hit: each hit is machine_ref_inline()'s (counted, its line
 * touched, in order); the first line that misses is left untouched for
 * the caller to fetch through machine_ref().  Returns the lines that hit.
 * For the monitor's paths, whose text is fetched line after line and
 * mostly hits: one tight loop instead of a full reference per line. */
static inline uint64_t machine_ifetch_hits(machine *m, int cpu, uint64_t pa, uint64_t n)
{
	struct cpu *c = &m->cpu[cpu];
	struct cache *l1 = &c->l1i;
	uint64_t line = pa >> l1->lg_line, i;

	switch (l1->lg_ways) {   /* the common associativities unrolled, as cache_find's */
	case 0: i = ifetch_hits_ways(l1, line, n, 0); break;
	case 1: i = ifetch_hits_ways(l1, line, n, 1); break;
	case 2: i = ifetch_hits_ways(l1, line, n, 2); break;
	default:
		for (i = 0; i < n; i++) {
			int64_t s = cache_find(l1, line + i);
			if (s < 0)
				break;
			cache_touch(l1, s);
		}
	}
	c->st.refs_ifetch += i;
	return i;
}

#endif

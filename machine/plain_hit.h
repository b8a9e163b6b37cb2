/*
 * The plain caches' L1 hit inline: plain_ref_inline() is plain_ref() with
 * its common case (a reference within one block that hits the L1 it goes
 * to) compiled into the caller, the replay engine's plain mode, as
 * machine/hit.h does for the machine.  To make that possible this header
 * holds the layouts plain.c owns; no other file reads or writes their
 * fields.
 */
#ifndef MACHINE_PLAIN_HIT_H
#define MACHINE_PLAIN_HIT_H

#include <stdint.h>

#include "machine/cache.h"
#include "machine/plain.h"

enum { P_V = 1, P_D = 2 };   /* block state bits */

struct pcpu {
	struct cache c[MACH_NLEVELS];
	struct machine_level_stats st[MACH_NLEVELS];
};

struct plain {
	int ncpus;
	struct pcpu *cpu;   /* [ncpus] */
};

/* plain_ref() (plain.h), the same effect and result: a reference of 1 to a
 * block's size bytes within one block that hits the L1 is counted, touches
 * the block (and dirties it for a store) and returns MACH_L1 here;
 * anything else goes to plain_ref(). */
static inline __attribute__((always_inline)) unsigned plain_ref_inline(plain *p, int cpu, uint64_t addr,
								       uint32_t size, int kind,
								       uint32_t *l2_hits, uint32_t *mem)
{
	struct pcpu *c = &p->cpu[cpu];
	int lv = kind == MACH_IFETCH ? MACH_LEVEL_L1I : MACH_LEVEL_L1D;
	struct cache *k = &c->c[lv];
	uint64_t off = addr & (((uint64_t)1 << k->lg_line) - 1);

	if (__builtin_expect(size > 0 && off + size <= (uint64_t)1 << k->lg_line, 1)) {
		int64_t s = cache_find(k, addr >> k->lg_line);
		if (__builtin_expect(s >= 0, 1)) {
			c->st[lv].access[kind]++;
			cache_touch(k, s);
			if (kind == MACH_STORE)
				k->state[s] |= P_D;
			return MACH_L1;
		}
	}
	return plain_ref(p, cpu, addr, size, kind, l2_hits, mem);
}

#endif

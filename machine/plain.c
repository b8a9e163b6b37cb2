/*
 * A plain cache hierarchy (plain.h).
 *
 * NOTES ON THE DESIGN
 *
 * Per CPU three caches of the tag store cache.h: L1 I and L1 D above one
 * L2, and memory below the L2.  A block is a cache's line; an access is a
 * reference to one block of one cache, of a kind: fetch (MACH_IFETCH), read
 * (MACH_LOAD) or write (MACH_STORE).  The semantics are those of Dinero IV
 * (d4ref in its ref.c) with write-back, write-allocate and LRU at every level
 * and no prefetch:
 *   - a reference of `size` bytes at addr touches every L1 block it spans:
 *     one access per block, in address order;
 *   - a hit touches the block (LRU); a write hit makes it dirty;
 *   - a miss picks the victim (an invalid way, else the least recently
 *     used), installs the block (dirty for a write), then sends to the level
 *     below, in this order: first the fetch of the block (a read for a read
 *     or write miss, a fetch for a fetch miss; none for a write that covers
 *     the whole block), then, if the victim was dirty, its write-back (a
 *     write of the whole victim block);
 *   - the L2 treats what the L1s send like any access (it is counted by
 *     kind, may miss, fetch from memory and write back its own victims);
 *   - no inclusion: an L2 eviction leaves the L1s alone;
 *   - no coherence: each CPU's caches see only that CPU's references;
 *   - plain_flush writes back every dirty block: L1 D blocks into the L2
 *     (set by set, way by way), then L2 blocks to memory.
 * Statistics per cache (struct machine_level_stats): accesses and misses by
 * kind, write-backs, bytes fetched from the level below (a block per fetch)
 * and written to it (a block per write-back).
 *
 * Invariants: those of cache.h for each cache; a block is dirty (P_D) only
 * in an L1 D or an L2, and only after a write access to it.
 */
#include "machine/plain.h"

#include <string.h>

#include "base/mem.h"
#include "machine/cache.h"
#include "machine/plain_hit.h"   /* the layouts, and plain_ref's hit inline */

int plain_new(plain **out, const struct machine_config *mc, struct sim_err *err)
{
	const struct cache_geom *g[MACH_NLEVELS] = { &mc->l1i, &mc->l1d, &mc->l2 };
	static const char *const names[MACH_NLEVELS] = { "machine.l1i", "machine.l1d", "machine.l2" };
	plain *p;
	int rc;

	*out = NULL;
	for (int lv = 0; lv < MACH_NLEVELS; lv++)
		if ((rc = cache_geom_check(g[lv], names[lv], err)))
			return rc;
	if (mc->l1i.line > mc->l2.line || mc->l1d.line > mc->l2.line)
		return sim_errf(err, SIM_EINVAL, "machine.l1i.line = %u, machine.l1d.line = %u: must "
				"not exceed machine.l2.line = %u", mc->l1i.line, mc->l1d.line,
				mc->l2.line);
	if (mc->ncpus < 1)
		return sim_errf(err, SIM_EINVAL, "machine.cpus = %d: must be >= 1", mc->ncpus);
	p = sim_calloc(1, sizeof *p);
	if (!p || !(p->cpu = sim_calloc((size_t)mc->ncpus, sizeof *p->cpu))) {
		sim_free(p);
		return sim_errf(err, SIM_ENOMEM, "plain caches: out of memory");
	}
	p->ncpus = mc->ncpus;
	for (int i = 0; i < p->ncpus; i++)
		for (int lv = 0; lv < MACH_NLEVELS; lv++)
			if ((rc = cache_init(&p->cpu[i].c[lv], g[lv], err))) {
				plain_free(p);
				sim_err_prefix(err, "plain caches: CPU %d", i);
				return rc;
			}
	*out = p;
	return SIM_OK;
}

void plain_free(plain *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->ncpus; i++)
		for (int lv = 0; lv < MACH_NLEVELS; lv++)
			cache_fini(&p->cpu[i].c[lv]);
	sim_free(p->cpu);
	sim_free(p);
}

/* One access of kind to the block of cache lv holding addr; size is the
 * bytes it covers (within the block).  Returns what served it: MACH_L1 or
 * MACH_L2 for a hit of that level (or a whole-block write miss, which
 * fetches nothing), MACH_LOCAL when the data came from memory. */
static unsigned level_access(struct pcpu *c, int lv, uint64_t addr, uint64_t size, int kind)
{
	struct cache *k = &c->c[lv];
	struct machine_level_stats *st = &c->st[lv];
	uint64_t blk = addr >> k->lg_line, bsize = (uint64_t)1 << k->lg_line, victim;
	unsigned where = lv == MACH_LEVEL_L2 ? MACH_L2 : MACH_L1;
	int64_t s = cache_find(k, blk);
	uint8_t vstate;

	st->access[kind]++;
	if (s >= 0) {
		cache_touch(k, s);
		if (kind == MACH_STORE)
			k->state[s] |= P_D;
		return where;
	}
	st->miss[kind]++;
	s = cache_victim(k, blk);
	victim = k->tag[s];
	vstate = k->state[s];
	cache_install(k, s, blk, (uint8_t)(kind == MACH_STORE ? P_V | P_D : P_V));
	if (kind != MACH_STORE || size < bsize) {   /* the fetch first */
		st->bytes_from_mem += bsize;
		where = lv == MACH_LEVEL_L2 ? MACH_LOCAL :
			level_access(c, MACH_LEVEL_L2, blk << k->lg_line, bsize,
				     kind == MACH_STORE ? MACH_LOAD : kind);
	}
	if (victim != CACHE_NONE && (vstate & P_D)) {   /* then the victim's write-back */
		st->writebacks++;
		st->bytes_to_mem += bsize;
		if (lv != MACH_LEVEL_L2)
			level_access(c, MACH_LEVEL_L2, victim << k->lg_line, bsize, MACH_STORE);
	}
	return where;
}

unsigned plain_ref(plain *p, int cpu, uint64_t addr, uint32_t size, int kind, uint32_t *l2_hits,
		   uint32_t *mem)
{
	struct pcpu *c = &p->cpu[cpu];
	int lv = kind == MACH_IFETCH ? MACH_LEVEL_L1I : MACH_LEVEL_L1D;
	uint64_t bsize = (uint64_t)1 << c->c[lv].lg_line, left = size ? size : 1;
	unsigned worst = MACH_L1;

	while (left > 0) {
		uint64_t k = bsize - (addr & (bsize - 1));
		unsigned w;
		if (k > left)
			k = left;
		w = level_access(c, lv, addr, k, kind);
		if (w == MACH_L2)
			++*l2_hits;
		else if (w == MACH_LOCAL)
			++*mem;
		if (w > worst)
			worst = w;
		addr += k;
		left -= k;
	}
	return worst;
}

void plain_repeat(plain *p, int cpu, int kind, uint64_t n)
{
	int lv = kind == MACH_IFETCH ? MACH_LEVEL_L1I : MACH_LEVEL_L1D;
	p->cpu[cpu].st[lv].access[kind] += n;
}

/* Write back every dirty block of cache lv of c (to the L2 for an L1). */
static void flush_level(struct pcpu *c, int lv)
{
	struct cache *k = &c->c[lv];
	uint64_t n = cache_nslots(k), bsize = (uint64_t)1 << k->lg_line;
	for (uint64_t s = 0; s < n; s++) {
		if (k->tag[s] == CACHE_NONE || !(k->state[s] & P_D))
			continue;
		k->state[s] &= (uint8_t)~P_D;
		c->st[lv].writebacks++;
		c->st[lv].bytes_to_mem += bsize;
		if (lv != MACH_LEVEL_L2)
			level_access(c, MACH_LEVEL_L2, k->tag[s] << k->lg_line, bsize, MACH_STORE);
	}
}

void plain_flush(plain *p)
{
	for (int i = 0; i < p->ncpus; i++)
		flush_level(&p->cpu[i], MACH_LEVEL_L1D);
	for (int i = 0; i < p->ncpus; i++)
		flush_level(&p->cpu[i], MACH_LEVEL_L2);
}

void plain_stats(const plain *p, int cpu, struct machine_level_stats out[MACH_NLEVELS])
{
	memcpy(out, p->cpu[cpu].st, MACH_NLEVELS * sizeof *out);
}
